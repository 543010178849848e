//! The markdown report of a sync benchmark: a header (machine, versions, settings), one table
//! of figures against their goals, and detail lines per part; and the number formats it uses.

use std::fmt::Write as _;

/// Whether a figure meets its goal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Met,
    Missed,
    /// Informational row: no goal.
    Info,
    Error,
}

/// One row of the table.
#[derive(Debug, Clone)]
pub struct Line {
    pub measurement: String,
    pub tether: String,
    pub baseline: String,
    pub ratio: String,
    pub goal: String,
    pub verdict: Verdict,
}

impl Line {
    /// A row whose part failed.
    pub fn error(measurement: &str, error: &str) -> Line {
        let short: String = error.chars().take(120).collect();
        Line {
            measurement: measurement.into(),
            tether: format!("ERROR: {}", short.replace('|', "\\|")),
            baseline: String::new(),
            ratio: String::new(),
            goal: String::new(),
            verdict: Verdict::Error,
        }
    }
}

/// The report being built.
pub struct Report {
    header: String,
    baseline_column: String,
    lines: Vec<Line>,
    details: Vec<String>,
}

impl Report {
    /// A report titled `title` whose header describes the machine, the compiler, the source,
    /// then the origin (`origin_lines`, one list item each) and the options (`run`); the table's
    /// baseline column is headed `baseline_column`.
    pub fn new(title: &str, baseline_column: &str, origin_lines: &[String], run: &str) -> Report {
        let mut s = String::new();
        let _ = writeln!(s, "# {title}");
        let _ = writeln!(s);
        let _ = writeln!(s, "- machine: {}", crate::environment::machine());
        let _ = writeln!(s, "- rustc: {}", crate::environment::rustc_version());
        let _ = writeln!(s, "- source: {}", crate::environment::git_revision());
        for line in origin_lines {
            let _ = writeln!(s, "- {line}");
        }
        let profile = if cfg!(debug_assertions) {
            "DEBUG build (numbers are meaningless; use --release)"
        } else {
            "release"
        };
        let _ = writeln!(
            s,
            "- build: {profile}; tokio multi-thread runtime, 2 workers"
        );
        let _ = writeln!(s, "- run: {run}");
        Report {
            header: s,
            baseline_column: baseline_column.to_string(),
            lines: Vec::new(),
            details: Vec::new(),
        }
    }

    /// Adds a table row.
    pub fn line(&mut self, line: Line) {
        self.lines.push(line);
    }

    /// Adds a detail line (also printed to stderr right away).
    pub fn detail(&mut self, text: String) {
        eprintln!("  {text}");
        self.details.push(text);
    }

    /// The whole report as markdown.
    pub fn render(&self) -> String {
        let mut s = self.header.clone();
        let _ = writeln!(s);
        let _ = writeln!(
            s,
            "| measurement | tether | {} | ratio | goal | verdict |",
            self.baseline_column
        );
        let _ = writeln!(s, "|---|---:|---:|---:|---|---|");
        for l in &self.lines {
            let verdict = match l.verdict {
                Verdict::Met => "met",
                Verdict::Missed => "**missed**",
                Verdict::Info => "",
                Verdict::Error => "**error**",
            };
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} |",
                l.measurement, l.tether, l.baseline, l.ratio, l.goal, verdict
            );
        }
        if !self.details.is_empty() {
            let _ = writeln!(s);
            let _ = writeln!(s, "Details:");
            let _ = writeln!(s);
            for d in &self.details {
                let _ = writeln!(s, "- {d}");
            }
        }
        s
    }
}

/// `Met` when `ok`, else `Missed`.
pub fn verdict(ok: bool) -> Verdict {
    if ok {
        Verdict::Met
    } else {
        Verdict::Missed
    }
}

/// A rate with thousands separators (`123,456`), or with decimals below 1000.
pub fn fmt_rate(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".into();
    }
    if x >= 1000.0 {
        let digits = (x.round() as u64).to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        out
    } else if x >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

/// A ratio with two significant decimals.
pub fn fmt_ratio(x: f64) -> String {
    if !x.is_finite() {
        "n/a".into()
    } else if x >= 10.0 {
        format!("{x:.1}")
    } else if x >= 0.1 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

/// Seconds as `1.23 s`, `4.56 ms` or `7.8 µs`.
pub fn fmt_secs(secs: f64) -> String {
    if !secs.is_finite() {
        "n/a".into()
    } else if secs >= 1.0 {
        format!("{secs:.2} s")
    } else if secs >= 1e-3 {
        format!("{:.2} ms", secs * 1e3)
    } else {
        format!("{:.1} µs", secs * 1e6)
    }
}

/// A list of per-round seconds, for detail lines.
pub fn fmt_rounds(xs: &[f64]) -> String {
    xs.iter()
        .map(|x| fmt_secs(*x))
        .collect::<Vec<_>>()
        .join(", ")
}

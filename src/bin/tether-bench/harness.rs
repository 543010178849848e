//! The engine-independent part of a comparison run: options, machine report, loading,
//! verification (same results on every engine), time-boxed measurement and the markdown table.
//!
//! Measurement: per workload and engine, a warm-up, then `--rounds` rounds of `--seconds /
//! --rounds` each, alternating engines round by round (so drift on a noisy machine hits both);
//! the reported figure is the median round. A round runs batches of operations whose parameters
//! are generated before the clock starts; the batch size doubles until a batch takes ≥ 5 ms, so
//! reading the clock costs nothing measurable. Work that restores the table between batches
//! (deleting inserted rows, re-inserting deleted ones) runs outside the clock.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use clap::Args;

use crate::backend::{Backend, BenchResult, Canon, Collect, Discard, Param};
use crate::workloads::{self, Dataset, Gen, OpKind, Prepared, Workload};

/// Options shared by every comparison subcommand.
#[derive(Debug, Clone, Args)]
pub struct RunArgs {
    /// Rows in the main table.
    #[arg(long, default_value_t = 100_000)]
    pub rows: i64,
    /// Measured seconds per workload per engine (split into rounds; warm-up not included).
    #[arg(long, default_value_t = 2.0)]
    pub seconds: f64,
    /// Measurement rounds per workload and engine; the median round is reported.
    #[arg(long, default_value_t = 5)]
    pub rounds: usize,
    /// Run only these workloads (repeatable; default all). `--list` shows the names.
    #[arg(long = "workload", value_name = "NAME")]
    pub workloads: Vec<String>,
    /// Seed of the key generator (the same seed drives every engine).
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Skip the timed part: only load, verify results and exit (useful for profiling setup).
    #[arg(long)]
    pub verify_only: bool,
    /// List the workloads and exit.
    #[arg(long)]
    pub list: bool,
    /// Run only the named engine's side (e.g. `tether`, for profiling); no ratio, no verification.
    #[arg(long, value_name = "ENGINE")]
    pub only: Option<String>,
}

/// Text at the top of the report.
pub struct Header {
    pub title: String,
    /// (component, version) pairs beyond rustc.
    pub versions: Vec<(String, String)>,
    /// The engine the ratio divides by.
    pub baseline: String,
}

/// An engine taking part in a run; `open` gives a fresh, empty instance.
pub struct Contender {
    pub name: &'static str,
    pub open: Box<dyn Fn() -> BenchResult<Box<dyn Backend>>>,
}

/// Outcome of one operation, canonicalised for comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Rows(Vec<Vec<Canon>>),
    Affected(u64),
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Affected(n) => write!(f, "{n} rows affected"),
            Outcome::Rows(rows) => {
                write!(f, "{} rows", rows.len())?;
                for row in rows.iter().take(5) {
                    let cells: Vec<String> = row.iter().map(|c| c.to_string()).collect();
                    write!(f, "\n      ({})", cells.join(", "))?;
                }
                if rows.len() > 5 {
                    write!(f, "\n      ...")?;
                }
                Ok(())
            }
        }
    }
}

/// Result of one engine on one workload.
#[derive(Debug, Clone)]
enum Measured {
    /// Median ops/s, and all rounds' ops/s.
    Ops {
        median: f64,
        rounds: Vec<f64>,
    },
    Error(String),
    /// Verified but not timed (`--verify-only`).
    Verified,
    NotRun,
}

struct Row {
    workload: &'static str,
    results: Vec<Measured>,
    mismatch: bool,
}

/// Runs the selected workloads on every contender; prints the report; returns the exit code.
pub fn run(args: &RunArgs, header: &Header, contenders: &[Contender]) -> i32 {
    let all = workloads::all();
    if args.list {
        for w in &all {
            println!("{:<20} {}", w.name, w.description);
        }
        return 0;
    }
    for name in &args.workloads {
        if !all.iter().any(|w| w.name == name) {
            let names: Vec<_> = all.iter().map(|w| w.name).collect();
            eprintln!("unknown workload {name:?}; known: {}", names.join(", "));
            return 2;
        }
    }
    if args.rows < 200 {
        eprintln!("--rows must be at least 200");
        return 2;
    }
    let contenders: Vec<&Contender> = match &args.only {
        None => contenders.iter().collect(),
        Some(only) => {
            let picked: Vec<&Contender> = contenders.iter().filter(|c| c.name == only).collect();
            if picked.is_empty() {
                eprintln!("--only: no engine named {only:?}");
                return 2;
            }
            picked
        }
    };
    let selected: Vec<&Workload> = all
        .iter()
        .filter(|w| args.workloads.is_empty() || args.workloads.iter().any(|n| n == w.name))
        .collect();
    let data = Dataset { rows: args.rows };

    print!("{}", report_header(args, header, &contenders));
    println!();

    let mut rows = Vec::new();
    let mut shared: Option<Vec<BenchResult<Box<dyn Backend>>>> = None;
    for w in selected {
        eprintln!("== {} ({})", w.name, w.description);
        let mut fresh;
        let backends: &mut Vec<BenchResult<Box<dyn Backend>>> = if w.writes {
            fresh = load_all(&contenders, &data);
            &mut fresh
        } else {
            shared.get_or_insert_with(|| load_all(&contenders, &data))
        };
        rows.push(run_workload(args, w, &data, &contenders, backends));
    }
    drop(shared);

    println!("{}", table(header, &contenders, &rows));
    println!("{}", details(args, &contenders, &rows));
    let mismatches: Vec<_> = rows
        .iter()
        .filter(|r| r.mismatch)
        .map(|r| r.workload)
        .collect();
    if !mismatches.is_empty() {
        eprintln!("RESULT MISMATCH in: {}", mismatches.join(", "));
        return 1;
    }
    0
}

fn load_all(contenders: &[&Contender], data: &Dataset) -> Vec<BenchResult<Box<dyn Backend>>> {
    contenders
        .iter()
        .map(|c| {
            let start = Instant::now();
            let mut b = (c.open)()?;
            data.load(b.as_mut()).map_err(|e| format!("loading: {e}"))?;
            eprintln!(
                "   loaded {} rows into {} in {:.2} s",
                data.rows,
                b.name(),
                start.elapsed().as_secs_f64()
            );
            Ok(b)
        })
        .collect()
}

fn seed_for(args: &RunArgs, w: &Workload) -> u64 {
    w.name
        .bytes()
        .fold(args.seed ^ 0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
}

fn run_op(b: &mut dyn Backend, w: &Workload, p: &Prepared, op: &[Vec<Param>]) -> BenchResult<()> {
    match w.kind {
        OpKind::Query => b.query(p.main, &op[0], &mut Discard).map(|_| ()),
        OpKind::Exec => b.exec(p.main, &op[0]).map(|_| ()),
        OpKind::Txn => b.exec_txn(p.main, op).map(|_| ()),
    }
}

fn run_op_canon(
    b: &mut dyn Backend,
    w: &Workload,
    p: &Prepared,
    op: &[Vec<Param>],
) -> BenchResult<Outcome> {
    match w.kind {
        OpKind::Query => {
            let mut rows = Collect::default();
            b.query(p.main, &op[0], &mut rows)?;
            if !w.ordered {
                rows.0.sort();
            }
            Ok(Outcome::Rows(rows.0))
        }
        OpKind::Exec => b.exec(p.main, &op[0]).map(Outcome::Affected),
        OpKind::Txn => b.exec_txn(p.main, op).map(Outcome::Affected),
    }
}

/// Per-engine state while a workload runs.
struct Lane {
    prepared: Prepared,
    gen: Gen,
    batch: usize,
    rounds: Vec<f64>,
}

fn run_workload(
    args: &RunArgs,
    w: &Workload,
    data: &Dataset,
    contenders: &[&Contender],
    backends: &mut [BenchResult<Box<dyn Backend>>],
) -> Row {
    let n = contenders.len();
    let mut results = vec![Measured::NotRun; n];
    let mut lanes: Vec<Option<Lane>> = Vec::with_capacity(n);
    let mut outcomes: Vec<Option<Vec<Outcome>>> = vec![None; n];
    let max_batch = w.max_batch.min((data.rows / 2) as usize).max(1);

    // Prepare and verify.
    for (i, b) in backends.iter_mut().enumerate() {
        let b = match b {
            Ok(b) => b,
            Err(e) => {
                results[i] = Measured::Error(e.clone());
                lanes.push(None);
                continue;
            }
        };
        let verified = (|| -> BenchResult<(Lane, Vec<Outcome>)> {
            let prepared = Prepared::new(b.as_mut(), w)?;
            let mut gen = Gen::new(seed_for(args, w), *data);
            let mut seen = Vec::with_capacity(w.verify_ops + 1);
            let mut batch = Vec::new();
            for i in 0..w.verify_ops {
                let op = workloads::op_params(w, &mut gen, i);
                seen.push(run_op_canon(b.as_mut(), w, &prepared, &op)?);
                batch.push(op);
                if batch.len() == max_batch {
                    workloads::reset(w, b.as_mut(), &prepared, data, &batch)?;
                    batch.clear();
                }
            }
            if w.writes {
                // The table as the verified operations left it, then restored.
                let mut rows = Collect::default();
                b.query(prepared.state, &[], &mut rows)?;
                seen.push(Outcome::Rows(rows.0));
            }
            workloads::reset(w, b.as_mut(), &prepared, data, &batch)?;
            Ok((
                Lane {
                    prepared,
                    gen,
                    batch: 1,
                    rounds: Vec::new(),
                },
                seen,
            ))
        })();
        match verified {
            Ok((lane, seen)) => {
                outcomes[i] = Some(seen);
                lanes.push(Some(lane));
            }
            Err(e) => {
                eprintln!("   {}: ERROR: {e}", contenders[i].name);
                results[i] = Measured::Error(e);
                lanes.push(None);
            }
        }
    }

    let mismatch = compare(w, contenders, &outcomes);
    if args.verify_only {
        for (i, lane) in lanes.iter().enumerate() {
            if lane.is_some() {
                results[i] = Measured::Verified;
            }
        }
        return Row {
            workload: w.name,
            results,
            mismatch,
        };
    }

    // Warm-up, then rounds alternating between engines.
    let warmup = Duration::from_secs_f64((args.seconds * 0.1).clamp(0.2, 1.0));
    let round = Duration::from_secs_f64(args.seconds / args.rounds.max(1) as f64);
    for r in 0..=args.rounds.max(1) {
        for (i, lane) in lanes.iter_mut().enumerate() {
            let (Some(l), Ok(b)) = (lane.as_mut(), backends[i].as_mut()) else {
                continue;
            };
            let budget = if r == 0 { warmup } else { round };
            match timed(b.as_mut(), w, data, l, budget, max_batch) {
                Ok(ops_per_sec) if r > 0 => l.rounds.push(ops_per_sec),
                Ok(_) => {}
                Err(e) => {
                    eprintln!("   {}: ERROR while timing: {e}", contenders[i].name);
                    results[i] = Measured::Error(e);
                    *lane = None;
                }
            }
        }
    }
    for (i, lane) in lanes.into_iter().enumerate() {
        if let Some(l) = lane {
            let mut sorted = l.rounds.clone();
            sorted.sort_by(f64::total_cmp);
            let median = sorted[sorted.len() / 2];
            eprintln!(
                "   {}: {} ops/s (rounds: {})",
                contenders[i].name,
                fmt_ops(median),
                l.rounds
                    .iter()
                    .map(|x| fmt_ops(*x))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            results[i] = Measured::Ops {
                median,
                rounds: l.rounds,
            };
        }
    }
    Row {
        workload: w.name,
        results,
        mismatch,
    }
}

/// Compares every engine's verification outcomes with the first engine's; reports loudly.
fn compare(w: &Workload, contenders: &[&Contender], outcomes: &[Option<Vec<Outcome>>]) -> bool {
    let Some((ref_idx, reference)) = outcomes
        .iter()
        .enumerate()
        .find_map(|(i, o)| o.as_ref().map(|o| (i, o)))
    else {
        return false;
    };
    let mut mismatch = false;
    for (i, other) in outcomes.iter().enumerate().skip(ref_idx + 1) {
        let Some(other) = other else { continue };
        let diff = reference
            .iter()
            .zip(other)
            .position(|(a, b)| a != b)
            .or((reference.len() != other.len()).then_some(reference.len().min(other.len())));
        if let Some(at) = diff {
            mismatch = true;
            let what = if w.writes && at + 1 == reference.len() {
                "table state after the verified operations".to_string()
            } else {
                format!("operation #{at}")
            };
            let (a, b) = (reference.get(at), other.get(at));
            let (a, b) = match (a, b) {
                // Show the first differing row rather than the head of both results.
                (Some(Outcome::Rows(ra)), Some(Outcome::Rows(rb))) if ra.len() == rb.len() => {
                    let row = ra.iter().zip(rb).position(|(x, y)| x != y).unwrap_or(0);
                    let show = |r: &[Canon]| {
                        let cells: Vec<String> = r.iter().map(|c| c.to_string()).collect();
                        format!("{} rows; row #{row}: ({})", ra.len(), cells.join(", "))
                    };
                    (show(&ra[row]), show(&rb[row]))
                }
                _ => {
                    let show =
                        |o: Option<&Outcome>| o.map_or("(missing)".to_string(), |o| o.to_string());
                    (show(a), show(b))
                }
            };
            eprintln!(
                "!!!!!!!! RESULT MISMATCH in workload {}: {what}\n   {}: {a}\n   {}: {b}",
                w.name, contenders[ref_idx].name, contenders[i].name,
            );
        }
    }
    if !mismatch {
        let ops = reference.len();
        eprintln!("   verified: {ops} identical results on every engine");
    }
    mismatch
}

/// One time-boxed round; returns ops/s over the time spent inside the clock.
fn timed(
    b: &mut dyn Backend,
    w: &Workload,
    data: &Dataset,
    lane: &mut Lane,
    budget: Duration,
    max_batch: usize,
) -> BenchResult<f64> {
    let mut ops = 0usize;
    let mut spent = Duration::ZERO;
    while spent < budget {
        let batch: Vec<Vec<Vec<Param>>> = (0..lane.batch)
            .map(|i| workloads::op_params(w, &mut lane.gen, i))
            .collect();
        let start = Instant::now();
        for op in &batch {
            run_op(b, w, &lane.prepared, op)?;
        }
        let took = start.elapsed();
        workloads::reset(w, b, &lane.prepared, data, &batch)?;
        drop(batch);
        ops += lane.batch;
        spent += took;
        if took < Duration::from_millis(5) && lane.batch < max_batch {
            lane.batch = (lane.batch * 2).min(max_batch);
        }
    }
    Ok(ops as f64 / spent.as_secs_f64())
}

fn report_header(args: &RunArgs, header: &Header, contenders: &[&Contender]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# tether-bench: {}", header.title);
    let _ = writeln!(s);
    let _ = writeln!(s, "- machine: {}", crate::environment::machine());
    let _ = writeln!(s, "- rustc: {}", crate::environment::rustc_version());
    let _ = writeln!(s, "- source: {}", crate::environment::git_revision());
    for (what, version) in &header.versions {
        let _ = writeln!(s, "- {what}: {version}");
    }
    let profile = if cfg!(debug_assertions) {
        "DEBUG build (numbers are meaningless; use --release)"
    } else {
        "release"
    };
    let _ = writeln!(s, "- build: {profile}");
    let names: Vec<_> = contenders.iter().map(|c| c.name).collect();
    let _ = writeln!(
        s,
        "- run: {} rows; {} s measured per workload per engine in {} alternating rounds (median round reported) after a warm-up; seed {}; engines: {}",
        args.rows,
        args.seconds,
        args.rounds,
        args.seed,
        names.join(", ")
    );
    s
}

/// Operations per second as the report prints them (shared with the sync reports).
fn fmt_ops(x: f64) -> String {
    crate::sync_bench::report::fmt_rate(x)
}

fn fmt_ratio(x: f64) -> String {
    if x >= 10.0 {
        format!("{x:.1}")
    } else if x >= 0.1 {
        format!("{x:.2}")
    } else {
        format!("{x:.4}")
    }
}

fn cell(m: &Measured) -> String {
    match m {
        Measured::Ops { median, .. } => fmt_ops(*median),
        Measured::Error(e) => {
            let short: String = e.chars().take(80).collect();
            format!("ERROR: {}", short.replace('|', "\\|"))
        }
        Measured::Verified => "verified".into(),
        Measured::NotRun => "—".into(),
    }
}

fn table(header: &Header, contenders: &[&Contender], rows: &[Row]) -> String {
    let mut s = String::new();
    let mut head = String::from("| workload |");
    let mut rule = String::from("|---|");
    for c in contenders {
        let _ = write!(head, " {} ops/s |", c.name);
        rule.push_str("---:|");
    }
    let base = contenders.iter().position(|c| c.name == header.baseline);
    let others: Vec<usize> = (0..contenders.len()).filter(|i| Some(*i) != base).collect();
    if base.is_some() {
        for &i in &others {
            if others.len() == 1 {
                head.push_str(" ratio |");
            } else {
                let _ = write!(head, " {} / {} |", contenders[i].name, header.baseline);
            }
            rule.push_str("---:|");
        }
    }
    let _ = writeln!(s, "{head}");
    let _ = writeln!(s, "{rule}");
    for row in rows {
        let _ = write!(s, "| {} |", row.workload);
        for m in &row.results {
            let _ = write!(s, " {} |", cell(m));
        }
        if let Some(base) = base {
            for &i in &others {
                let ratio = match (&row.results[i], &row.results[base]) {
                    _ if row.mismatch => "MISMATCH".to_string(),
                    (Measured::Ops { median: a, .. }, Measured::Ops { median: b, .. }) => {
                        fmt_ratio(a / b)
                    }
                    _ => "—".to_string(),
                };
                let _ = write!(s, " {ratio} |");
            }
        }
        let _ = writeln!(s);
    }
    s
}

fn details(args: &RunArgs, contenders: &[&Contender], rows: &[Row]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Time per operation (median round) and round-to-round spread (min–max ops/s over {} rounds):",
        args.rounds
    );
    let _ = writeln!(s);
    let mut head = String::from("| workload |");
    let mut rule = String::from("|---|");
    for c in contenders {
        let _ = write!(head, " {} per op | {} spread |", c.name, c.name);
        rule.push_str("---:|---:|");
    }
    let _ = writeln!(s, "{head}");
    let _ = writeln!(s, "{rule}");
    for row in rows {
        let _ = write!(s, "| {} |", row.workload);
        for m in &row.results {
            match m {
                Measured::Ops { median, rounds } => {
                    let min = rounds.iter().copied().fold(f64::INFINITY, f64::min);
                    let max = rounds.iter().copied().fold(0.0, f64::max);
                    let _ = write!(
                        s,
                        " {} | {}–{} |",
                        fmt_duration(1.0 / median),
                        fmt_ops(min),
                        fmt_ops(max)
                    );
                }
                _ => s.push_str(" — | — |"),
            }
        }
        let _ = writeln!(s);
    }
    s
}

fn fmt_duration(secs: f64) -> String {
    if secs >= 1.0 {
        format!("{secs:.2} s")
    } else if secs >= 1e-3 {
        format!("{:.2} ms", secs * 1e3)
    } else if secs >= 1e-6 {
        format!("{:.2} µs", secs * 1e6)
    } else {
        format!("{:.0} ns", secs * 1e9)
    }
}

//! Collects file outcomes and prints what `tether-slt` reports: one line per file as it
//! finishes (`path: P passed, F failed`), failing records with `--list-failures`, known failures
//! that now pass, the slowest files, and finally the totals line `N passed, M failed`.

use std::time::Duration;

use crate::file_runner::FileOutcome;
use crate::known_failures::KnownFailures;

/// Running totals over all files.
pub struct Report<'a> {
    known: &'a KnownFailures,
    list_failures: bool,
    passed: usize,
    failed: usize,
    known_failed: usize,
    /// `path:line` of known failures that passed.
    now_passing: Vec<String>,
    timings: Vec<(String, Duration)>,
}

impl<'a> Report<'a> {
    pub fn new(known: &'a KnownFailures, list_failures: bool) -> Self {
        Report {
            known,
            list_failures,
            passed: 0,
            failed: 0,
            known_failed: 0,
            now_passing: Vec::new(),
            timings: Vec::new(),
        }
    }

    /// Prints and counts one finished file.
    pub fn add(&mut self, outcome: FileOutcome) {
        let path = outcome.path.display().to_string();
        println!(
            "{path}: {} passed, {} failed",
            outcome.passed_lines.len(),
            outcome.failures.len()
        );
        let known = self.known.for_file(&outcome.path);
        for failure in &outcome.failures {
            let is_known = known
                .as_ref()
                .is_some_and(|k| k.lines.contains(&failure.line));
            if is_known {
                self.known_failed += 1;
            }
            if self.list_failures {
                let marker = if is_known { " (known)" } else { "" };
                println!("{path}:{}:{marker} {}", failure.line, failure.message);
            }
        }
        if let Some(known) = &known {
            for line in &outcome.passed_lines {
                if known.lines.contains(line) {
                    self.now_passing
                        .push(format!("{}:{line}", known.entry_path));
                }
            }
        }
        self.passed += outcome.passed_lines.len();
        self.failed += outcome.failures.len();
        self.timings.push((path, outcome.elapsed));
    }

    /// Failures that are not in the known-failures list.
    pub fn unknown_failures(&self) -> usize {
        self.failed - self.known_failed
    }

    /// Prints the summary; the last line is `N passed, M failed`.
    pub fn finish(mut self, slowest: usize) {
        if slowest > 0 && !self.timings.is_empty() {
            self.timings
                .sort_by_key(|(_, elapsed)| std::cmp::Reverse(*elapsed));
            println!("slowest files:");
            for (path, elapsed) in self.timings.iter().take(slowest) {
                println!("  {:>8.2}s  {path}", elapsed.as_secs_f64());
            }
        }
        if !self.now_passing.is_empty() {
            self.now_passing.sort();
            println!(
                "{} known failures now pass; remove them from the known-failures file:",
                self.now_passing.len()
            );
            for location in &self.now_passing {
                println!("  {location}");
            }
        }
        if self.failed > 0 {
            println!(
                "{} failures known (the list has {} entries), {} not known",
                self.known_failed,
                self.known.entry_count(),
                self.unknown_failures()
            );
        }
        println!("{} passed, {} failed", self.passed, self.failed);
    }
}

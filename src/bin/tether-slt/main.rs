//! `tether-slt`: runs SQLite's sqllogictest corpus (or any file in its format) against
//! in-memory tether databases, one fresh database per file, and counts records.
//!
//! ```text
//! tether-slt [--known-failures FILE] [--list-failures] [-j N] [--slowest N] PATH...
//! ```
//!
//! The exit status is non-zero when a record fails that the known-failures file does not list.
//! Modules: [`options`] (command line), [`discover`] (which files), [`preprocess`] (corpus
//! quirks the parser needs fixed), [`file_runner`] (one file, record by record), [`database`]
//! (the crate's `DB` over a tether session), [`render`] (SQLite's value rendering),
//! [`parallel`] (worker threads), [`known_failures`] and [`report`] (what is printed).

mod database;
mod describe;
mod discover;
mod file_runner;
mod known_failures;
mod options;
mod panic_capture;
mod parallel;
mod preprocess;
mod render;
mod report;

use std::process::ExitCode;

use clap::Parser;

use crate::known_failures::KnownFailures;
use crate::options::Options;
use crate::report::Report;

fn main() -> ExitCode {
    let options = Options::parse();
    let files = match discover::test_files(&options.paths) {
        Ok(files) => files,
        Err(e) => {
            eprintln!("tether-slt: {e}");
            return ExitCode::from(2);
        }
    };
    let known = match &options.known_failures {
        Some(path) => match KnownFailures::load(path) {
            Ok(known) => known,
            Err(e) => {
                eprintln!("tether-slt: {e}");
                return ExitCode::from(2);
            }
        },
        None => KnownFailures::default(),
    };
    let jobs = options.jobs.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(usize::from)
            .unwrap_or(1)
    });

    panic_capture::install();
    let mut report = Report::new(&known, options.list_failures);
    parallel::run_files(&files, jobs, |outcome| report.add(outcome));
    let unknown = report.unknown_failures();
    report.finish(options.slowest);
    if unknown > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

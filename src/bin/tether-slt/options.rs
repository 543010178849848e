//! Command-line options of `tether-slt`.

use std::path::PathBuf;

use clap::Parser;

/// Runs SQLite sqllogictest corpus files against an in-memory tether database and counts
/// passing and failing records (statements and queries).
#[derive(Debug, Parser)]
#[command(name = "tether-slt")]
pub struct Options {
    /// `.test` files, or directories searched recursively for them.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,

    /// Known failures, one `path:line  reason` per line: they do not fail the run.
    #[arg(long, value_name = "FILE")]
    pub known_failures: Option<PathBuf>,

    /// Print every failing record as `path:line: what went wrong | SQL: ...`.
    #[arg(long)]
    pub list_failures: bool,

    /// Files to run in parallel (default: the number of CPUs).
    #[arg(short = 'j', long = "jobs", value_name = "N")]
    pub jobs: Option<usize>,

    /// How many of the slowest files to report.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub slowest: usize,
}

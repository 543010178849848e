//! What the sync benchmarks (`postgres`, `mysql`) share, whatever the origin: error context,
//! statistics, the markdown report, and the local side of each part (creating and checking a
//! realtime view, waiting for a change to become visible, writing through a view).
//!
//! The origin side (the origin's SQL, its stream positions, the raw-driver baselines) stays in
//! each subcommand's own module.

pub mod latency;
pub mod report;
pub mod stats;
pub mod view;
pub mod writes;

use std::time::Duration;

/// An error with context, as text.
pub type BenchResult<T> = Result<T, String>;

/// How long a flush may take before the run gives up.
pub const FLUSH_TIMEOUT: Duration = Duration::from_secs(600);

/// `map_err` helper: prefixes an error with what was being done.
pub fn ctx<E: std::fmt::Display>(what: impl Into<String>) -> impl FnOnce(E) -> String {
    let what = what.into();
    move |e| format!("{what}: {e}")
}

/// A tether error with its SQLSTATE, with context.
pub fn tether_ctx(what: impl Into<String>) -> impl FnOnce(tether::Error) -> String {
    let what = what.into();
    move |e| format!("{what}: {e} (SQLSTATE {})", e.sqlstate())
}

/// The runtime every sync benchmark runs on: multi-threaded, 2 workers.
pub fn runtime() -> BenchResult<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(ctx("building the tokio runtime"))
}

/// Runs `parts` in order (each with its title): `run` returns whether the part's checks passed;
/// a part that fails outright becomes an error line. Prints the report to stdout; returns the
/// exit code (1 when any check or part failed).
pub async fn run_parts<P: Copy>(
    mut report: report::Report,
    parts: &[(P, &str)],
    mut run: impl AsyncFnMut(P, &mut report::Report) -> BenchResult<bool>,
) -> i32 {
    let mut failed = false;
    for &(part, title) in parts {
        eprintln!("== {title}");
        match run(part, &mut report).await {
            Ok(verified) => failed |= !verified,
            Err(e) => {
                eprintln!("{title}: ERROR: {e}");
                report.line(report::Line::error(title, &e));
                failed = true;
            }
        }
    }
    println!("{}", report.render());
    i32::from(failed)
}

/// Runs a sync benchmark subcommand: `start` checks the options and starts the server (the
/// environment), then `parts` runs on the runtime. The runtime goes before the environment, so
/// no task still holds a connection when the server stops. Returns the exit code: `parts`'s, or
/// 2 after printing the error as `tether-bench <name>: ...`.
pub fn run_command<E>(
    name: &str,
    start: impl FnOnce() -> BenchResult<E>,
    parts: impl AsyncFnOnce(&E) -> BenchResult<i32>,
) -> i32 {
    let outcome = (|| {
        let env = start()?;
        let rt = runtime()?;
        let code = rt.block_on(parts(&env));
        drop(rt);
        drop(env);
        code
    })();
    outcome.unwrap_or_else(|e| {
        eprintln!("tether-bench {name}: {e}");
        2
    })
}

/// The parts of `all` (part, title) that `only` names, all of them when it is empty.
pub fn selected<P: PartialEq + Copy>(
    all: &[(P, &'static str)],
    only: &[P],
) -> Vec<(P, &'static str)> {
    all.iter()
        .copied()
        .filter(|(part, _)| only.is_empty() || only.contains(part))
        .collect()
}

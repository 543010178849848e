//! The header of `tether-bench mysql`'s report (server version and binlog settings, driver,
//! options); the report itself is the shared [`crate::sync_bench::report`].

use crate::sync_bench::report::Report;
use crate::sync_bench::BenchResult;

use super::my::one_row_text;
use super::Env;

/// The driver the baselines (and the origin) use; keep in step with `origins/Cargo.toml`.
const DRIVER: &str = "mysql_async 0.37 (binlog feature)";

/// A report whose header describes the machine, the versions and the options.
pub async fn new(env: &Env) -> BenchResult<Report> {
    let mut conn = env.connect("").await?;
    let version = one_row_text(&mut conn, "SELECT VERSION()").await?.join("");
    let names = [
        "binlog_format",
        "binlog_row_image",
        "binlog_row_metadata",
        "innodb_flush_log_at_trx_commit",
        "sync_binlog",
        "binlog_cache_size",
        "innodb_buffer_pool_size",
    ];
    let columns: Vec<String> = names.iter().map(|n| format!("@@{n}")).collect();
    let values = one_row_text(&mut conn, &format!("SELECT {}", columns.join(", "))).await?;
    drop(conn);
    let settings: Vec<String> = names
        .iter()
        .zip(&values)
        .map(|(n, v)| format!("{n}={v}"))
        .collect();
    let args = &env.args;
    let origin_lines = [
        format!("MariaDB: {version}"),
        format!(
            "server: throwaway, started by the run (tether_origins::testing); {}; every client \
             on the Unix socket",
            settings.join(", ")
        ),
        format!("driver: {DRIVER}"),
    ];
    let run = format!(
        "--rows {} --latency-samples {} --writes {} --rounds {} (median round reported)",
        args.rows, args.latency_samples, args.writes, args.rounds
    );
    Ok(Report::new(
        "tether-bench: tether realtime views vs MySQL/MariaDB",
        "mysql_async baseline",
        &origin_lines,
        &run,
    ))
}

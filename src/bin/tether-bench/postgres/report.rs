//! The header of `tether-bench postgres`'s report (server version and settings,
//! `pg_recvlogical`, options); the report itself is the shared [`crate::sync_bench::report`].

pub use crate::sync_bench::report::{
    fmt_rate, fmt_ratio, fmt_rounds, fmt_secs, verdict, Line, Report, Verdict,
};

use super::pg::one_text;
use super::{recvlogical, Env, PgResult};

/// A report whose header describes the machine, the versions and the options.
pub async fn new(env: &Env) -> PgResult<Report> {
    let client = env.connect("postgres").await?;
    let server_version = one_text(&client, "SELECT version()").await?;
    let settings = one_text(
        &client,
        "SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) FROM pg_settings \
         WHERE name IN ('fsync', 'synchronous_commit', 'wal_level', 'shared_buffers', \
         'logical_decoding_work_mem', 'full_page_writes')",
    )
    .await?;
    drop(client);
    let args = &env.args;
    let origin_lines = [
        format!("PostgreSQL: {server_version}"),
        format!(
            "cluster: throwaway, started by the run (tether_origins::testing); {settings}; \
             every client on the Unix socket"
        ),
        format!(
            "pg_recvlogical: {} ({})",
            recvlogical::version(&env.recvlogical),
            env.recvlogical.display()
        ),
    ];
    let run = format!(
        "--rows {} --latency-samples {} --writes {} --snapshot-rows {} --rounds {} \
         (median round reported)",
        args.rows, args.latency_samples, args.writes, args.snapshot_rows, args.rounds
    );
    Ok(Report::new(
        "tether-bench: tether realtime views vs PostgreSQL",
        "PostgreSQL baseline",
        &origin_lines,
        &run,
    ))
}

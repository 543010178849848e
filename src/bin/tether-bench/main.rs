//! `tether-bench`: runs the same workloads on tether and on another engine in one process,
//! checks that both return the same results, and prints a markdown table of ops/s and ratios.
//!
//! Subcommands (one module each):
//! - `sqlite`: tether vs SQLite (rusqlite, bundled, in-memory).
//! - `postgres`: realtime views of PostgreSQL tables vs PostgreSQL's own tools (change apply vs
//!   `pg_recvlogical`, commit → visible latency, write-back CAS vs direct pipelined CAS, snapshot
//!   vs `COPY TO STDOUT`), on a throwaway server the command starts.
//! - `mysql`: realtime views of MariaDB (MySQL protocol) tables vs the raw mysql_async driver
//!   (change apply vs a raw binlog client decoding the same events, commit → visible latency,
//!   write-back CAS vs the same CAS statements sent directly), on a throwaway server the command
//!   starts.
//!
//! Query comparisons (`sqlite`) add a module with a [`backend::Backend`] for their raw driver
//! and a `Command` variant here; the workloads, verification, timing and report are shared
//! (`workloads`, `harness`). `postgres` and `mysql` measure sync instead of queries: each has
//! its own parts (`postgres/`, `mysql/`), and they share the report, statistics and the local
//! side of each part (`sync_bench/`).
//!
//! Run it in release mode: `cargo run --release --bin tether-bench -- sqlite`.

mod backend;
mod environment;
mod harness;
mod mysql;
mod postgres;
mod sqlite;
mod sync_bench;
mod tether_backend;
mod workloads;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "tether-bench",
    about = "Benchmark tether against other engines (same workloads, same process, checked results)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// tether vs SQLite (rusqlite, bundled, in-memory).
    Sqlite(harness::RunArgs),
    /// tether realtime views vs PostgreSQL (throwaway server started by the command).
    Postgres(postgres::PgArgs),
    /// tether realtime views vs MySQL/MariaDB (throwaway MariaDB server started by the command).
    Mysql(mysql::MySqlArgs),
}

fn main() {
    let cli = Cli::parse();
    let code = match &cli.command {
        Command::Sqlite(args) => sqlite::run(args),
        Command::Postgres(args) => postgres::run(args),
        Command::Mysql(args) => mysql::run(args),
    };
    std::process::exit(code);
}

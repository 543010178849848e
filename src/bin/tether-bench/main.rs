//! `tether-bench`: runs the same workloads on tether and on another engine in one process,
//! checks that both return the same results, and prints a markdown table of ops/s and ratios.
//!
//! Subcommands (one module each):
//! - `sqlite`: tether vs SQLite (rusqlite, bundled, in-memory).
//! - `postgres`: realtime views of PostgreSQL tables vs PostgreSQL's own tools (change apply vs
//!   `pg_recvlogical`, commit → visible latency, write-back CAS vs direct pipelined CAS, snapshot
//!   vs `COPY TO STDOUT`), on a throwaway server the command starts.
//!
//! Query comparisons (`sqlite`, later `mysql`) add a module with a [`backend::Backend`] for their
//! raw driver and a `Command` variant here; the workloads, verification, timing and report are
//! shared (`workloads`, `harness`). `postgres` measures sync instead of queries and has its own
//! parts and report (`postgres/`).
//!
//! Run it in release mode: `cargo run --release --bin tether-bench -- sqlite`.

mod backend;
mod environment;
mod harness;
mod postgres;
mod sqlite;
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
}

fn main() {
    let cli = Cli::parse();
    let code = match &cli.command {
        Command::Sqlite(args) => sqlite::run(args),
        Command::Postgres(args) => postgres::run(args),
    };
    std::process::exit(code);
}

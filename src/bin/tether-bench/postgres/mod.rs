//! `tether-bench postgres`: realtime views of a PostgreSQL table against PostgreSQL's own tools,
//! on a throwaway PostgreSQL cluster the command starts itself
//! ([`tether_origins::testing::postgres::PostgresServer`]), in one run:
//!
//! 1. [`apply`]: change-apply throughput of a realtime view (rows/s from the origin's COMMIT of
//!    one big transaction until the view has applied it) against `pg_recvlogical` decoding the
//!    same transaction (pgoutput v1, same publication), started after the commit ("cold") and
//!    streaming during the load like the view does ("live").
//! 2. [`latency`]: origin commit → visible in the view, p50/p99 over single-row commits.
//! 3. [`writeback`]: compare-and-set updates/s written through a view against the same CAS
//!    statements sent directly with tokio-postgres, pipelined on one connection.
//! 4. [`snapshot`]: `CREATE REALTIME VIEW` of a large table against `COPY t TO STDOUT` read
//!    fully by a client.
//!
//! Every part checks its result (the view holds exactly the origin's rows, every write was
//! applied); a mismatch makes the exit code 1. The markdown table goes to stdout, progress and
//! per-round figures to stderr.

mod apply;
mod copy_raw;
mod latency;
mod pg;
mod recvlogical;
mod report;
mod snapshot;
mod writeback;

use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, ValueEnum};
use tether::{Database, Session};
use tether_origins::postgres::PostgresOrigin;
use tether_origins::testing::postgres::{PostgresOptions, PostgresServer};

use crate::sync_bench;
pub use crate::sync_bench::{ctx, tether_ctx, BenchResult};

/// The origin name views use.
pub const ORIGIN: &str = "postgres:primary";

/// Options of `tether-bench postgres`.
#[derive(Debug, Clone, Args)]
pub struct PgArgs {
    /// Rows changed by each big origin transaction of part 1 (one INSERT, then one UPDATE).
    #[arg(long, default_value_t = 100_000)]
    pub rows: i64,
    /// Single-row commits timed in part 2 (after a warm-up of 500).
    #[arg(long, default_value_t = 10_000)]
    pub latency_samples: usize,
    /// Compare-and-set updates per round in part 3 (one row each, distinct rows).
    #[arg(long, default_value_t = 10_000)]
    pub writes: usize,
    /// Rows of the table snapshotted in part 4.
    #[arg(long, default_value_t = 1_000_000)]
    pub snapshot_rows: i64,
    /// Rounds of parts 1, 3 and 4 (tether and the baseline alternate); the median is reported.
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
    /// Run only these parts (repeatable; default all).
    #[arg(long, value_enum)]
    pub only: Vec<Part>,
    /// Directory holding `pg_recvlogical` (default: `TETHER_PG_BINDIR`, else the highest
    /// `/usr/lib/postgresql/*/bin`, else `PATH`).
    #[arg(long)]
    pub pg_bindir: Option<PathBuf>,
}

/// The parts of the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Part {
    /// 1: change-apply throughput vs pg_recvlogical.
    Apply,
    /// 2: origin commit → visible latency.
    Latency,
    /// 3: write-back CAS throughput vs direct pipelined CAS.
    Writeback,
    /// 4: snapshot time vs COPY TO STDOUT.
    Snapshot,
}

/// An error with context, as text.
pub type PgResult<T> = BenchResult<T>;

/// What every part gets: the server and where `pg_recvlogical` is.
pub struct Env {
    pub server: PostgresServer,
    pub recvlogical: PathBuf,
    pub args: PgArgs,
}

impl Env {
    /// A fresh database on the server and a client connected to it over the Unix socket.
    pub async fn database(&self, prefix: &str) -> PgResult<(String, tokio_postgres::Client)> {
        let name = self
            .server
            .create_database(prefix)
            .await
            .map_err(ctx(format!("creating database {prefix}_*")))?;
        let client = self.connect(&name).await?;
        Ok((name, client))
    }

    /// A new client of `db` over the Unix socket.
    pub async fn connect(&self, db: &str) -> PgResult<tokio_postgres::Client> {
        self.server
            .connect(db)
            .await
            .map_err(ctx(format!("connecting to {db}")))
    }

    /// The libpq connection string of `db` over the Unix socket (what `pg_recvlogical` and the
    /// origin use).
    pub fn conninfo(&self, db: &str) -> String {
        self.server.socket_conninfo(db)
    }

    /// A fresh in-memory tether database with `db` registered as `postgres:primary` (over the
    /// Unix socket, like every baseline), and a session.
    pub fn tether(&self, db: &str) -> PgResult<(Database, Session)> {
        let origin = PostgresOrigin::new(&self.conninfo(db)).map_err(ctx("creating the origin"))?;
        let local = Database::open_in_memory();
        local
            .register_origin(ORIGIN, Arc::new(origin))
            .map_err(tether_ctx("registering the origin"))?;
        let session = local.connect();
        Ok((local, session))
    }
}

/// Runs the subcommand; returns the process exit code.
pub fn run(args: &PgArgs) -> i32 {
    sync_bench::run_command("postgres", || start(args), async |env| run_parts(env).await)
}

/// Checks the options, finds `pg_recvlogical` and starts the cluster.
fn start(args: &PgArgs) -> PgResult<Env> {
    if args.rounds == 0 || args.rows < 1 || args.snapshot_rows < 1 || args.writes == 0 {
        return Err("--rounds, --rows, --writes and --snapshot-rows must be at least 1".into());
    }
    let recvlogical = recvlogical::find(args.pg_bindir.as_deref())?;
    eprintln!("starting a throwaway PostgreSQL cluster ...");
    let server = PostgresServer::start(PostgresOptions::new())
        .map_err(ctx("starting the PostgreSQL server"))?;
    Ok(Env {
        server,
        recvlogical,
        args: args.clone(),
    })
}

async fn run_parts(env: &Env) -> PgResult<i32> {
    let parts = sync_bench::selected(
        &[
            (Part::Apply, "1. change apply"),
            (Part::Latency, "2. commit → visible"),
            (Part::Writeback, "3. write-back CAS"),
            (Part::Snapshot, "4. snapshot"),
        ],
        &env.args.only,
    );
    let report = report::new(env).await?;
    Ok(
        sync_bench::run_parts(report, &parts, async |part, report| match part {
            Part::Apply => apply::run(env, report).await,
            Part::Latency => latency::run(env, report).await,
            Part::Writeback => writeback::run(env, report).await,
            Part::Snapshot => snapshot::run(env, report).await,
        })
        .await,
    )
}

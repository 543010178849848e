//! `tether-bench mysql`: realtime views of a MariaDB (MySQL-protocol) table against the raw
//! mysql_async driver, on a throwaway MariaDB server the command starts itself
//! ([`tether_origins::testing::mariadb::MariaDbServer`]), in one run:
//!
//! 1. [`apply`]: change-apply throughput of a realtime view (rows/s from the origin's COMMIT of
//!    one big transaction until the view has applied it) against a raw mysql_async binlog client
//!    ([`raw_binlog`]) that decodes the same events into values, streaming during the load
//!    ("live") and started after the commit ("cold").
//! 2. [`latency`]: origin commit → visible in the view, p50/p99 over single-row commits.
//! 3. [`writeback`]: compare-and-set updates/s written through a view with a version column
//!    (`upstream_mvcc_key`) against the same CAS statements sent directly with mysql_async.
//!
//! Every part checks its result (the view holds exactly the origin's rows, every write was
//! applied); a mismatch makes the exit code 1. The markdown table goes to stdout, progress and
//! per-round figures to stderr. MySQL 8 speaks the same protocol; the run uses MariaDB because
//! that is what the test harness starts.

mod apply;
mod latency;
mod my;
mod raw_binlog;
mod report;
mod writeback;

use std::sync::Arc;

use clap::{Args, ValueEnum};
use tether::{Database, Session};
use tether_origins::mysql::driver::Conn;
use tether_origins::mysql::MySqlOrigin;
use tether_origins::testing::mariadb::{MariaDbOptions, MariaDbServer};

use crate::sync_bench::{self, ctx, tether_ctx, BenchResult};

/// The origin name views use.
pub const ORIGIN: &str = "mysql:bench";

/// Options of `tether-bench mysql`.
#[derive(Debug, Clone, Args)]
pub struct MySqlArgs {
    /// Rows changed by each big origin transaction of part 1 (one INSERT, then one UPDATE).
    #[arg(long, default_value_t = 100_000)]
    pub rows: i64,
    /// Single-row commits timed in part 2 (after a warm-up of 500).
    #[arg(long, default_value_t = 10_000)]
    pub latency_samples: usize,
    /// Compare-and-set updates per round in part 3 (one row each, distinct rows).
    #[arg(long, default_value_t = 10_000)]
    pub writes: usize,
    /// Rounds of parts 1 and 3 (tether and the baseline alternate); the median is reported.
    #[arg(long, default_value_t = 3)]
    pub rounds: usize,
    /// Run only these parts (repeatable; default all).
    #[arg(long, value_enum)]
    pub only: Vec<Part>,
}

/// The parts of the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Part {
    /// 1: change-apply throughput vs a raw mysql_async binlog client.
    Apply,
    /// 2: origin commit → visible latency.
    Latency,
    /// 3: write-back CAS throughput vs the same CAS sent directly.
    Writeback,
}

/// What every part gets: the server and the options.
pub struct Env {
    pub server: MariaDbServer,
    pub args: MySqlArgs,
}

impl Env {
    /// A fresh database on the server and a connection to it over the Unix socket.
    pub async fn database(&self, prefix: &str) -> BenchResult<(String, Conn)> {
        let name = self
            .server
            .create_database(prefix)
            .await
            .map_err(ctx(format!("creating database {prefix}_*")))?;
        let conn = self.connect(&name).await?;
        Ok((name, conn))
    }

    /// A new connection to `db` (empty: none) over the Unix socket.
    pub async fn connect(&self, db: &str) -> BenchResult<Conn> {
        self.server
            .connect(db)
            .await
            .map_err(ctx(format!("connecting to {db:?}")))
    }

    /// A fresh in-memory tether database with `db` registered as `mysql:bench` (over the Unix
    /// socket, like every baseline), and a session.
    pub fn tether(&self, db: &str) -> BenchResult<(Database, Session)> {
        let origin = MySqlOrigin::from_opts(self.server.opts(db));
        let local = Database::open_in_memory();
        local
            .register_origin(ORIGIN, Arc::new(origin))
            .map_err(tether_ctx("registering the origin"))?;
        let session = local.connect();
        Ok((local, session))
    }
}

/// Runs the subcommand; returns the process exit code.
pub fn run(args: &MySqlArgs) -> i32 {
    sync_bench::run_command("mysql", || start(args), async |env| run_parts(env).await)
}

/// Checks the options and starts the server.
fn start(args: &MySqlArgs) -> BenchResult<Env> {
    if args.rounds == 0 || args.rows < 1 || args.writes == 0 || args.writes > 1_000_000 {
        return Err(
            "--rounds, --rows and --writes must be at least 1 (and --writes at most 1000000)"
                .into(),
        );
    }
    eprintln!("starting a throwaway MariaDB server ...");
    let server =
        MariaDbServer::start(MariaDbOptions::new()).map_err(ctx("starting the MariaDB server"))?;
    Ok(Env {
        server,
        args: args.clone(),
    })
}

async fn run_parts(env: &Env) -> BenchResult<i32> {
    let parts = sync_bench::selected(
        &[
            (Part::Apply, "1. change apply"),
            (Part::Latency, "2. commit → visible"),
            (Part::Writeback, "3. write-back CAS"),
        ],
        &env.args.only,
    );
    let report = report::new(env).await?;
    Ok(
        sync_bench::run_parts(report, &parts, async |part, report| match part {
            Part::Apply => apply::run(env, report).await,
            Part::Latency => latency::run(env, report).await,
            Part::Writeback => writeback::run(env, report).await,
        })
        .await,
    )
}

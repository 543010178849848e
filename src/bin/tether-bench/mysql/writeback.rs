//! Part 3: compare-and-set write-back throughput, with a version column.
//!
//! Table `w (id INT PRIMARY KEY, v INT, ver BIGINT)` with `--writes` rows, viewed with
//! `upstream_mvcc_key = 'ver'`. Per round, each side updates every row once, to a value no
//! earlier phase used, on one connection over the Unix socket:
//!
//! - direct (the baseline): the rows' `ver`s are read first (untimed); then
//!   `UPDATE w SET v = ?, ver = ver + 1 WHERE id = ? AND ver = ?`, prepared once (binary
//!   protocol), one autocommit statement per write, each awaited: transactions of one write, the
//!   size of the view's (each local UPDATE is one local transaction, sent as one origin
//!   transaction). mysql_async cannot pipeline, so this is the fastest the driver sends these
//!   statements on one connection. Every statement must change its row. No view exists
//!   meanwhile, so no binlog reader competes for the CPUs.
//! - direct, tether's statement sequence (informational; at most 2,000 writes): what the MySQL
//!   origin sends per local transaction, each awaited: `SET TRANSACTION ISOLATION LEVEL READ
//!   COMMITTED`, `START TRANSACTION`, the CAS (prepared, version bound as
//!   `CAST(? AS SIGNED)`), `SELECT ver` of the row (prepared), `COMMIT`, `SHOW MASTER STATUS`.
//! - tether: the shared [`crate::sync_bench::writes`] (`--writes` autocommit
//!   `UPDATE w SET v = $1 WHERE id = $2` through the view; time = until the last `Applied`
//!   event). Every attempt must end `applied`, the origin must hold the new values, and the
//!   view the origin's rows.

use std::time::Instant;

use tether_origins::mysql::driver::prelude::Queryable;
use tether_origins::mysql::driver::Conn;

use crate::sync_bench::report::{
    fmt_rate, fmt_ratio, fmt_rounds, fmt_secs, verdict, Line, Report, Verdict,
};
use crate::sync_bench::stats::median;
use crate::sync_bench::view::drop_view;
use crate::sync_bench::writes::{check_writes, write_through_view};
use crate::sync_bench::{ctx, BenchResult};

use super::my::{create_view, exec, same_rows};
use super::Env;

const CAS: &str = "UPDATE w SET v = ?, ver = ver + 1 WHERE id = ? AND ver = ?";
/// The CAS as the origin spells it.
const ORIGIN_CAS: &str =
    "UPDATE `w` SET `v` = ?, `ver` = `ver` + 1 WHERE `id` = ? AND `ver` = CAST(? AS SIGNED)";
const SEQUENTIAL_MAX: usize = 2_000;
const GOAL: f64 = 0.8;

/// Runs part 3; returns whether every check passed.
pub async fn run(env: &Env, report: &mut Report) -> BenchResult<bool> {
    let n = env.args.writes;
    let (db, mut conn) = env.database("bench_writeback").await?;
    exec(
        &mut conn,
        &format!(
            "CREATE TABLE w (id INT PRIMARY KEY, v INT NOT NULL, ver BIGINT NOT NULL DEFAULT 1) \
             ENGINE = InnoDB;
             INSERT INTO w (id, v) SELECT seq, 0 FROM seq_1_to_{n};"
        ),
    )
    .await?;
    let mut writer = env.connect(&db).await?;
    let cas = writer
        .prep(CAS)
        .await
        .map_err(ctx("preparing the CAS statement"))?;
    let mut verified = true;
    let mut value_base = 0i32;
    let (mut direct, mut sequential) = (Vec::new(), Vec::new());
    let (mut tether, mut tether_local, mut tether_flush) = (Vec::new(), Vec::new(), Vec::new());
    let seq_n = n.min(SEQUENTIAL_MAX);
    for round in 1..=env.args.rounds {
        // Direct: one prepared autocommit CAS per write.
        value_base += 1_000_000;
        let targets = versions(&mut conn).await?;
        let start = Instant::now();
        let mut applied = 0u64;
        for (id, ver) in targets {
            writer
                .exec_drop(&cas, (value_base + id, id, ver))
                .await
                .map_err(ctx("direct CAS"))?;
            applied += writer.affected_rows();
        }
        direct.push(start.elapsed().as_secs_f64());
        if applied != n as u64 {
            report.detail(format!(
                "3. direct CAS: {applied} of {n} applied (expected all)"
            ));
            verified = false;
        }

        // Direct, sequential, the statements the origin sends per local transaction.
        value_base += 1_000_000;
        let targets = versions(&mut conn).await?;
        let start = Instant::now();
        for (id, ver) in targets.into_iter().take(seq_n) {
            origin_sequence(&mut writer, value_base + id, id, ver).await?;
        }
        sequential.push(start.elapsed().as_secs_f64());

        // tether.
        value_base += 1_000_000;
        let (local, mut session) = env.tether(&db)?;
        create_view(&local, &mut session, "w", ", upstream_mvcc_key = 'ver'").await?;
        let writes = write_through_view(&local, &mut session, "w", n, value_base).await?;
        tether.push(writes.resolved);
        tether_local.push(writes.local);
        tether_flush.push(writes.flushed);
        let written: Option<i64> = conn
            .exec_first("SELECT count(*) FROM w WHERE v = ? + id", (value_base,))
            .await
            .map_err(ctx("checking the origin"))?;
        let same = same_rows(&mut conn, &mut session, "w", false).await;
        verified &= check_writes(
            &mut session,
            report,
            &writes,
            n,
            round,
            written.unwrap_or(-1),
            same,
        )
        .await?;
        drop_view(&mut session, "w").await?;
        drop(session);
        drop(local);
        eprintln!(
            "  round {round}: direct {}, tether's sequence ({seq_n}) {}, tether applied {} \
             (local UPDATEs {}, flushed {})",
            fmt_secs(direct[round - 1]),
            fmt_secs(sequential[round - 1]),
            fmt_secs(tether[round - 1]),
            fmt_secs(tether_local[round - 1]),
            fmt_secs(tether_flush[round - 1]),
        );
    }
    let nf = n as f64;
    let (d, t) = (median(&direct), median(&tether));
    let ratio = d / t;
    report.line(Line {
        measurement: format!(
            "3. write-back CAS, {n} single-row UPDATEs, vs the same CAS sent directly (prepared, \
             autocommit, one connection)"
        ),
        tether: format!("{} updates/s ({})", fmt_rate(nf / t), fmt_secs(t)),
        baseline: format!("{} updates/s ({})", fmt_rate(nf / d), fmt_secs(d)),
        ratio: fmt_ratio(ratio),
        goal: format!("≥ {GOAL}"),
        verdict: verdict(ratio >= GOAL),
    });
    let s = median(&sequential);
    report.line(Line {
        measurement: "3. same, vs tether's statement sequence sent directly (SET TRANSACTION; \
                      START TRANSACTION; CAS; SELECT ver; COMMIT; SHOW MASTER STATUS)"
            .into(),
        tether: format!("{} updates/s", fmt_rate(nf / t)),
        baseline: format!("{} updates/s", fmt_rate(seq_n as f64 / s)),
        ratio: fmt_ratio((seq_n as f64 / s).recip() * (nf / t)),
        goal: String::new(),
        verdict: Verdict::Info,
    });
    report.detail(format!(
        "3. per round: direct {}; tether's sequence ({seq_n} writes) {}; tether until the last \
         Applied event {}; tether local UPDATEs alone {}; tether until flush returned {}",
        fmt_rounds(&direct),
        fmt_rounds(&sequential),
        fmt_rounds(&tether),
        fmt_rounds(&tether_local),
        fmt_rounds(&tether_flush),
    ));
    Ok(verified)
}

/// Every id's `ver`, ordered by id.
async fn versions(conn: &mut Conn) -> BenchResult<Vec<(i32, i64)>> {
    conn.query("SELECT id, ver FROM w ORDER BY id")
        .await
        .map_err(ctx("reading versions"))
}

/// One write as the MySQL origin sends it, statement by statement.
async fn origin_sequence(conn: &mut Conn, v: i32, id: i32, ver: i64) -> BenchResult<()> {
    conn.query_drop("SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
        .await
        .map_err(ctx("SET TRANSACTION"))?;
    conn.query_drop("START TRANSACTION")
        .await
        .map_err(ctx("START TRANSACTION"))?;
    conn.exec_drop(ORIGIN_CAS, (v, id, ver.to_string()))
        .await
        .map_err(ctx("sequential CAS"))?;
    if conn.affected_rows() != 1 {
        return Err(format!("sequential CAS of id {id} did not apply"));
    }
    let _: Option<i64> = conn
        .exec_first("SELECT `ver` FROM `w` WHERE `id` = ?", (id,))
        .await
        .map_err(ctx("reading the new version"))?;
    conn.query_drop("COMMIT").await.map_err(ctx("COMMIT"))?;
    conn.query_drop("SHOW MASTER STATUS")
        .await
        .map_err(ctx("SHOW MASTER STATUS"))?;
    Ok(())
}

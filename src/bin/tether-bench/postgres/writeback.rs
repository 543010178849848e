//! Part 3: compare-and-set write-back throughput.
//!
//! Table `w (id int PRIMARY KEY, v int)` with `--writes` rows, autovacuum off. Per round, each
//! side updates every row once, to a value no earlier round used:
//!
//! - direct, pipelined (the baseline): the rows' `xmin`s are read first (untimed); then one
//!   connection sends every `UPDATE w SET v = $1::text::int WHERE id = $2::text::int AND
//!   xmin::text = $3 RETURNING xmin::text` (prepared once, autocommit) without waiting for the
//!   previous answer: one task per statement, all on the same client, which pipelines them. No
//!   view exists meanwhile, so no walsender competes for the CPUs.
//! - direct, sequential, tether's statement sequence (informational; at most 2,000 writes):
//!   `BEGIN`, the CAS as an unprepared query, `COMMIT`, `SELECT pg_current_wal_lsn()`, each
//!   awaited, which is what the PostgreSQL origin sends per local transaction.
//! - direct, sequential, one round trip per write (informational; at most 2,000 writes): the
//!   prepared CAS in autocommit, each awaited.
//! - tether: a realtime view of `w`; `--writes` autocommit `UPDATE w SET v = $1 WHERE id = $2`
//!   through it (prepared), each a local transaction the dispatcher sends as one origin
//!   transaction. Time = from the first local UPDATE until the last `Applied` sync event; a flush
//!   (which also waits for the view to receive the writes' echoes) is reported too. Every attempt
//!   must end `applied`, the origin must hold the new values, and the view the origin's rows.

use std::sync::Arc;
use std::time::Instant;

use tokio::task::JoinSet;
use tokio_postgres::Client;

use crate::sync_bench::writes::{check_writes, write_through_view};

use super::pg::{create_view, drop_view, exec, median, same_rows};
use super::report::{fmt_rate, fmt_ratio, fmt_rounds, fmt_secs, verdict, Line, Report, Verdict};
use super::{ctx, Env, PgResult};

const CAS: &str = "UPDATE w SET v = $1::text::int WHERE id = $2::text::int AND xmin::text = $3 \
                   RETURNING xmin::text";
const SEQUENTIAL_MAX: usize = 2_000;
const GOAL: f64 = 0.8;

/// Runs part 3; returns whether every check passed.
pub async fn run(env: &Env, report: &mut Report) -> PgResult<bool> {
    let n = env.args.writes;
    let (db, client) = env.database("bench_writeback").await?;
    exec(
        &client,
        &format!(
            "CREATE TABLE w (id int PRIMARY KEY, v int NOT NULL) WITH (autovacuum_enabled = false);
             INSERT INTO w SELECT i, 0 FROM generate_series(1, {n}) i;"
        ),
    )
    .await?;
    exec(&client, "VACUUM ANALYZE w").await?;
    let writer = Arc::new(env.connect(&db).await?);
    let cas = writer
        .prepare(CAS)
        .await
        .map_err(ctx("preparing the CAS statement"))?;
    let mut verified = true;
    let mut value_base = 0i32;
    let (mut direct, mut sequential, mut one_trip) = (Vec::new(), Vec::new(), Vec::new());
    let (mut tether, mut tether_local, mut tether_flush) = (Vec::new(), Vec::new(), Vec::new());
    let seq_n = n.min(SEQUENTIAL_MAX);
    for round in 1..=env.args.rounds {
        // Direct, pipelined.
        value_base += 1_000_000;
        let targets = xmins(&client).await?;
        let start = Instant::now();
        let mut tasks = JoinSet::new();
        for (id, xmin) in targets {
            let (writer, cas) = (writer.clone(), cas.clone());
            let v = (value_base + id).to_string();
            tasks.spawn(async move {
                let id = id.to_string();
                writer.query(&cas, &[&v, &id, &xmin]).await.map(|r| r.len())
            });
        }
        let mut applied = 0usize;
        while let Some(result) = tasks.join_next().await {
            applied += result
                .map_err(ctx("CAS task"))?
                .map_err(ctx("direct CAS"))?;
        }
        direct.push(start.elapsed().as_secs_f64());
        if applied != n {
            report.detail(format!(
                "3. direct pipelined CAS: {applied} of {n} applied (expected all)"
            ));
            verified = false;
        }

        // Direct, sequential, the statements the origin sends per local transaction.
        value_base += 1_000_000;
        let targets = xmins(&client).await?;
        let start = Instant::now();
        for (id, xmin) in targets.into_iter().take(seq_n) {
            let v = (value_base + id).to_string();
            let id = id.to_string();
            writer.batch_execute("BEGIN").await.map_err(ctx("BEGIN"))?;
            let rows = writer
                .query(CAS, &[&v, &id, &xmin])
                .await
                .map_err(ctx("sequential CAS"))?;
            writer
                .batch_execute("COMMIT")
                .await
                .map_err(ctx("COMMIT"))?;
            writer
                .query("SELECT pg_current_wal_lsn()::text", &[])
                .await
                .map_err(ctx("pg_current_wal_lsn"))?;
            if rows.len() != 1 {
                return Err(format!("sequential CAS of id {id} did not apply"));
            }
        }
        sequential.push(start.elapsed().as_secs_f64());

        // Direct, sequential, one prepared autocommit CAS per write (one round trip each).
        value_base += 1_000_000;
        let targets = xmins(&client).await?;
        let start = Instant::now();
        for (id, xmin) in targets.into_iter().take(seq_n) {
            let v = (value_base + id).to_string();
            let id = id.to_string();
            let rows = writer
                .query(&cas, &[&v, &id, &xmin])
                .await
                .map_err(ctx("sequential prepared CAS"))?;
            if rows.len() != 1 {
                return Err(format!("sequential prepared CAS of id {id} did not apply"));
            }
        }
        one_trip.push(start.elapsed().as_secs_f64());

        // tether.
        value_base += 1_000_000;
        let (local, mut session) = env.tether(&db)?;
        create_view(&local, &mut session, "w").await?;
        let writes = write_through_view(&local, &mut session, "w", n, value_base).await?;
        tether.push(writes.resolved);
        tether_local.push(writes.local);
        tether_flush.push(writes.flushed);
        let written: i64 = client
            .query_one("SELECT count(*) FROM w WHERE v = $1 + id", &[&value_base])
            .await
            .map_err(ctx("checking the origin"))?
            .get(0);
        let same = same_rows(&client, &mut session, "w", false).await;
        verified &= check_writes(&mut session, report, &writes, n, round, written, same).await?;
        drop_view(&mut session, "w").await?;
        drop(session);
        drop(local);
        eprintln!(
            "  round {round}: direct pipelined {}, sequential ({seq_n}) {}, one trip ({seq_n}) {}, \
             tether applied {} (local UPDATEs {}, flushed {})",
            fmt_secs(direct[round - 1]),
            fmt_secs(sequential[round - 1]),
            fmt_secs(one_trip[round - 1]),
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
            "3. write-back CAS, {n} single-row UPDATEs, vs the same CAS pipelined on one connection"
        ),
        tether: format!("{} updates/s ({})", fmt_rate(nf / t), fmt_secs(t)),
        baseline: format!("{} updates/s ({})", fmt_rate(nf / d), fmt_secs(d)),
        ratio: fmt_ratio(ratio),
        goal: format!("≥ {GOAL}"),
        verdict: verdict(ratio >= GOAL),
    });
    let s = median(&sequential);
    report.line(Line {
        measurement: "3. same, vs tether's statement sequence sent sequentially (BEGIN; CAS; \
                      COMMIT; SELECT pg_current_wal_lsn())"
            .into(),
        tether: format!("{} updates/s", fmt_rate(nf / t)),
        baseline: format!("{} updates/s", fmt_rate(seq_n as f64 / s)),
        ratio: fmt_ratio((seq_n as f64 / s).recip() * (nf / t)),
        goal: String::new(),
        verdict: Verdict::Info,
    });
    let o = median(&one_trip);
    report.line(Line {
        measurement: "3. same, vs one prepared autocommit CAS per write sent sequentially (one \
                      round trip each)"
            .into(),
        tether: format!("{} updates/s", fmt_rate(nf / t)),
        baseline: format!("{} updates/s", fmt_rate(seq_n as f64 / o)),
        ratio: fmt_ratio((seq_n as f64 / o).recip() * (nf / t)),
        goal: String::new(),
        verdict: Verdict::Info,
    });
    report.detail(format!(
        "3. per round: direct pipelined {}; sequential, tether's sequence ({seq_n} writes) {}; \
         sequential, one round trip ({seq_n} writes) {}; tether until the last Applied event {}; \
         tether local UPDATEs alone {}; tether until flush returned {}",
        fmt_rounds(&direct),
        fmt_rounds(&sequential),
        fmt_rounds(&one_trip),
        fmt_rounds(&tether),
        fmt_rounds(&tether_local),
        fmt_rounds(&tether_flush),
    ));
    Ok(verified)
}

/// Every id's `xmin`, ordered by id.
async fn xmins(client: &Client) -> PgResult<Vec<(i32, String)>> {
    Ok(client
        .query("SELECT id, xmin::text FROM w ORDER BY id", &[])
        .await
        .map_err(ctx("reading xmins"))?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect())
}

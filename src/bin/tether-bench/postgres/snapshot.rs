//! Part 4: the initial snapshot of a large table.
//!
//! Table `s (id int PRIMARY KEY, v int, s text)` (s = `md5(id::text)`, 32 characters) with
//! `--snapshot-rows` rows, vacuumed and read once before timing (hint bits set, pages cached).
//! Per round:
//!
//! - baseline: `COPY s TO STDOUT`, every CopyData message read to the end over the Unix socket
//!   ([`super::copy_raw`]).
//! - tether: `CREATE REALTIME VIEW s AS SELECT * FROM s` on a fresh tether database; the
//!   statement returns once the snapshot is loaded (describe, publication, slot with its
//!   snapshot, copy, load). The view must then hold exactly the origin's rows.
//! - informational: the query the origin's snapshot runs, `SELECT xmin::text, id, v, s FROM s`,
//!   through tokio-postgres's `simple_query` (text rows, materialised), on a normal connection.
//!
//! Ratio = tether time ÷ COPY time.

use std::time::Instant;

use tokio_postgres::SimpleQueryMessage;

use super::copy_raw::{copy_out, CopyStats};
use super::pg::{drop_view, exec, median, same_rows};
use super::report::{fmt_rate, fmt_ratio, fmt_rounds, fmt_secs, verdict, Line, Report, Verdict};
use super::{ctx, tether_ctx, Env, PgResult, ORIGIN};

const GOAL: f64 = 1.5;

/// Runs part 4; returns whether every check passed.
pub async fn run(env: &Env, report: &mut Report) -> PgResult<bool> {
    let m = env.args.snapshot_rows;
    let (db, client) = env.database("bench_snapshot").await?;
    eprintln!("  loading {m} rows");
    exec(
        &client,
        &format!(
            "CREATE TABLE s (id int PRIMARY KEY, v int NOT NULL, s text NOT NULL) \
             WITH (autovacuum_enabled = false);
             INSERT INTO s SELECT i, i % 1000, md5(i::text) FROM generate_series(1, {m}) i;"
        ),
    )
    .await?;
    exec(&client, "VACUUM ANALYZE s").await?;
    let copy = {
        let socket = env.server.socket_path();
        let db = db.clone();
        move || copy_out(&socket, "postgres", &db, "COPY s TO STDOUT")
    };
    let warm = run_copy(copy.clone()).await?.0;
    let mut verified = true;
    if warm.rows != m as u64 {
        report.detail(format!("4. COPY returned {} rows, expected {m}", warm.rows));
        verified = false;
    }
    let select = "SELECT xmin::text, id, v, s FROM s";
    let (mut copies, mut tethers, mut selects) = (Vec::new(), Vec::new(), Vec::new());
    for round in 1..=env.args.rounds {
        let (stats, secs) = run_copy(copy.clone()).await?;
        copies.push(secs);

        let (local, mut session) = env.tether(&db)?;
        let sql = format!(
            "CREATE REALTIME VIEW s AS SELECT * FROM s WITH (replication_origin = '{ORIGIN}')"
        );
        let start = Instant::now();
        session
            .execute(&sql, &[])
            .await
            .map_err(tether_ctx(sql.clone()))?;
        tethers.push(start.elapsed().as_secs_f64());
        match same_rows(&client, &mut session, "s", true).await {
            Ok(described) if round == 1 => {
                report.detail(format!("4. after CREATE, view = origin ({described})"))
            }
            Ok(_) => {}
            Err(e) => {
                report.detail(format!("4. {e}"));
                verified = false;
            }
        }
        drop_view(&mut session, "s").await?;
        drop(session);
        drop(local);

        let start = Instant::now();
        let messages = client
            .simple_query(select)
            .await
            .map_err(ctx(select.to_string()))?;
        let rows = messages
            .iter()
            .filter(|m| matches!(m, SimpleQueryMessage::Row(_)))
            .count();
        drop(messages);
        selects.push(start.elapsed().as_secs_f64());
        if rows != m as usize {
            return Err(format!("{select} returned {rows} rows, expected {m}"));
        }
        eprintln!(
            "  round {round}: COPY {} ({:.1} MB), tether CREATE {}, simple_query SELECT {}",
            fmt_secs(secs),
            stats.bytes as f64 / 1e6,
            fmt_secs(tethers[round - 1]),
            fmt_secs(selects[round - 1]),
        );
    }
    let (c, t, q) = (median(&copies), median(&tethers), median(&selects));
    let mf = m as f64;
    report.line(Line {
        measurement: format!(
            "4. snapshot of {} rows: CREATE REALTIME VIEW vs COPY TO STDOUT read fully",
            fmt_rate(mf)
        ),
        tether: format!("{} ({} rows/s)", fmt_secs(t), fmt_rate(mf / t)),
        baseline: format!("{} ({} rows/s)", fmt_secs(c), fmt_rate(mf / c)),
        ratio: format!("{}×", fmt_ratio(t / c)),
        goal: format!("≤ {GOAL}×"),
        verdict: verdict(t / c <= GOAL),
    });
    report.line(Line {
        measurement: "4. the snapshot's query alone, `SELECT xmin::text, *` via tokio-postgres \
                      simple_query (text rows, materialised), vs COPY"
            .into(),
        tether: String::new(),
        baseline: fmt_secs(q),
        ratio: format!("{}×", fmt_ratio(q / c)),
        goal: String::new(),
        verdict: Verdict::Info,
    });
    report.detail(format!(
        "4. per round: COPY {}; tether CREATE {}; simple_query SELECT {}; COPY text is {:.1} MB",
        fmt_rounds(&copies),
        fmt_rounds(&tethers),
        fmt_rounds(&selects),
        warm.bytes as f64 / 1e6
    ));
    Ok(verified)
}

/// Runs the COPY on a blocking thread; returns what it read and its wall time in seconds.
async fn run_copy<F>(copy: F) -> PgResult<(CopyStats, f64)>
where
    F: FnOnce() -> PgResult<CopyStats> + Send + 'static,
{
    tokio::task::spawn_blocking(move || {
        let start = Instant::now();
        copy().map(|stats| (stats, start.elapsed().as_secs_f64()))
    })
    .await
    .map_err(ctx("COPY thread"))?
}

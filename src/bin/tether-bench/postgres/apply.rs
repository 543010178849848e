//! Part 1: change-apply throughput of a realtime view against `pg_recvlogical` decoding the same
//! origin transactions.
//!
//! Table `t (id int PRIMARY KEY, v int, s text)`, autovacuum off (so no other WAL lands between a
//! commit and the measurement). Two loads, each ONE origin transaction of `--rows` rows: an
//! `INSERT ... SELECT generate_series`, then `UPDATE t SET v = v + 1` of every row. Per round:
//!
//! 1. live baseline: no view. A slot and a streaming `pg_recvlogical` (pgoutput v1, publication
//!    `bench_pub` FOR TABLE t) exist before the loads; time = from each load's COMMIT returning
//!    until its Commit message (end LSN = `pg_current_wal_lsn()` after the commit) comes out of
//!    `pg_recvlogical`.
//! 2. tether: the table is truncated, the view created (it streams), then for each load a cold
//!    slot is created right before it; time = from COMMIT returning until `Database::flush` says
//!    the view is at or past the commit's LSN. The view must then hold exactly the origin's rows
//!    (count and sums).
//! 3. cold baseline: `pg_recvlogical --endpos <commit LSN> -f /dev/null` on the cold slot, started
//!    after tether's measurement; time = its wall time. It decodes the transaction from the WAL,
//!    which the view's walsender did while the load ran, so the live baseline is the like-for-like
//!    one; the cold one is the method the goal was set with.
//!
//! Ratio = tether rows/s ÷ baseline rows/s = baseline time ÷ tether time.

use std::time::{Duration, Instant};

use super::pg::{
    create_slot, create_view, current_lsn, drop_slot, drop_view, exec, flush_to, median, same_rows,
    wait_slot_active,
};
use super::recvlogical::{self, Live};
use super::report::{fmt_rate, fmt_ratio, fmt_rounds, fmt_secs, verdict, Line, Report};
use super::{ctx, Env, PgResult};

const PUBLICATION: &str = "bench_pub";
const LIVE_SLOT: &str = "bench_live";
const GOAL: f64 = 0.8;

/// Times of one load (seconds), one entry per round.
#[derive(Default)]
struct LoadTimes {
    origin: Vec<f64>,
    live: Vec<f64>,
    tether: Vec<f64>,
    cold: Vec<f64>,
    live_bytes: Vec<u64>,
}

/// Runs part 1; returns whether every check passed.
pub async fn run(env: &Env, report: &mut Report) -> PgResult<bool> {
    let rows = env.args.rows;
    let (db, client) = env.database("bench_apply").await?;
    exec(
        &client,
        &format!(
            "CREATE TABLE t (id int PRIMARY KEY, v int NOT NULL, s text NOT NULL) \
             WITH (autovacuum_enabled = false);
             CREATE PUBLICATION {PUBLICATION} FOR TABLE t;"
        ),
    )
    .await?;
    let conninfo = env.conninfo(&db);
    let loads = [
        (
            "INSERT",
            format!("INSERT INTO t SELECT i, i, 'row ' || i FROM generate_series(1, {rows}) i"),
        ),
        ("UPDATE", "UPDATE t SET v = v + 1".to_string()),
    ];
    let mut times: [LoadTimes; 2] = Default::default();
    let mut verified = true;
    let wait = Duration::from_secs(600);
    for round in 1..=env.args.rounds {
        // 1. live pg_recvlogical, no view.
        exec(&client, "TRUNCATE t").await?;
        create_slot(&client, LIVE_SLOT).await?;
        let mut live = Live::start(&env.recvlogical, &conninfo, LIVE_SLOT, PUBLICATION)?;
        wait_slot_active(&client, LIVE_SLOT).await?;
        // Let the walsender settle into streaming.
        tokio::time::sleep(Duration::from_millis(100)).await;
        for (i, (_, sql)) in loads.iter().enumerate() {
            let start = Instant::now();
            exec(&client, sql).await?;
            let committed = Instant::now();
            let lsn = current_lsn(&client).await?;
            let arrived = live.wait_for(lsn, wait).await?;
            times[i].origin.push((committed - start).as_secs_f64());
            times[i]
                .live
                .push(arrived.saturating_duration_since(committed).as_secs_f64());
        }
        let bytes = live.stop();
        drop_slot(&client, LIVE_SLOT).await?;
        times[0].live_bytes.push(bytes);

        // 2. tether, then 3. the cold pg_recvlogical on a slot created just before each load.
        exec(&client, "TRUNCATE t").await?;
        let (local, mut session) = env.tether(&db)?;
        create_view(&local, &mut session, "t").await?;
        for (i, (name, sql)) in loads.iter().enumerate() {
            let slot = format!("bench_cold_{i}");
            create_slot(&client, &slot).await?;
            exec(&client, sql).await?;
            let committed = Instant::now();
            let lsn = current_lsn(&client).await?;
            flush_to(&local, "t", lsn).await?;
            times[i].tether.push(committed.elapsed().as_secs_f64());
            match same_rows(&client, &mut session, "t", true).await {
                Ok(described) if round == 1 => {
                    report.detail(format!("1. after the {name}, view = origin ({described})"))
                }
                Ok(_) => {}
                Err(e) => {
                    report.detail(format!("1. after the {name}: {e}"));
                    verified = false;
                }
            }
            let (binary, info, slot_name) =
                (env.recvlogical.clone(), conninfo.clone(), slot.clone());
            let cold = tokio::task::spawn_blocking(move || {
                recvlogical::cold(&binary, &info, &slot_name, PUBLICATION, lsn)
            })
            .await
            .map_err(ctx("pg_recvlogical thread"))??;
            times[i].cold.push(cold.as_secs_f64());
            drop_slot(&client, &slot).await?;
        }
        drop_view(&mut session, "t").await?;
        drop(session);
        drop(local);
        for (i, (name, _)) in loads.iter().enumerate() {
            eprintln!(
                "  round {round} {name}: origin {}, tether {}, pg_recvlogical live {}, cold {}",
                fmt_secs(times[i].origin[round - 1]),
                fmt_secs(times[i].tether[round - 1]),
                fmt_secs(times[i].live[round - 1]),
                fmt_secs(times[i].cold[round - 1]),
            );
        }
    }
    let rows_f = rows as f64;
    for (i, (name, _)) in loads.iter().enumerate() {
        let t = &times[i];
        let tether = median(&t.tether);
        for (kind, baseline) in [
            ("started after COMMIT", median(&t.cold)),
            ("streaming during the load", median(&t.live)),
        ] {
            let ratio = baseline / tether;
            report.line(Line {
                measurement: format!(
                    "1. change apply, {name} of {} rows in one txn, vs pg_recvlogical {kind}",
                    fmt_rate(rows_f)
                ),
                tether: format!(
                    "{} rows/s ({})",
                    fmt_rate(rows_f / tether),
                    fmt_secs(tether)
                ),
                baseline: format!(
                    "{} rows/s ({})",
                    fmt_rate(rows_f / baseline),
                    fmt_secs(baseline)
                ),
                ratio: fmt_ratio(ratio),
                goal: format!("≥ {GOAL}"),
                verdict: verdict(ratio >= GOAL),
            });
        }
        report.detail(format!(
            "1. {name}: origin statement {} (median); per round: tether {}; pg_recvlogical live {}; \
             cold {}",
            fmt_secs(median(&t.origin)),
            fmt_rounds(&t.tether),
            fmt_rounds(&t.live),
            fmt_rounds(&t.cold),
        ));
    }
    if let Some(bytes) = times[0].live_bytes.first() {
        report.detail(format!(
            "1. pgoutput v1 output of both loads (live pg_recvlogical, incl. its newlines): {:.1} MB",
            *bytes as f64 / 1e6
        ));
    }
    Ok(verified)
}

//! Part 1: change-apply throughput of a realtime view against a raw mysql_async binlog client
//! ([`super::raw_binlog`]) decoding the same origin transactions.
//!
//! Table `t (id INT PRIMARY KEY, v INT, s VARCHAR(32))`, InnoDB. Two loads, each ONE origin
//! transaction of `--rows` rows: an `INSERT ... SELECT` from MariaDB's sequence engine
//! (`seq_1_to_N`), then `UPDATE t SET v = v + 1` of every row (ROW format, full images: the
//! UPDATE's events carry a before and an after image of each row). The commit's end is
//! `SHOW MASTER STATUS` read right after COMMIT returns. Per round:
//!
//! 1. live baseline: no view. The raw client registers before the loads and streams on a task
//!    of its own, noting when it decoded each XID.
//! 2. tether: the table is truncated, the view created (it streams); the view is done when
//!    `Database::flush` returns, which waits until the view is at or past the commit's end. The
//!    view must then hold exactly the origin's rows (count and sums).
//! 3. cold baseline: a raw client started after tether's measurement, reading from the
//!    position before the load: connect + register + decode until the XID.
//!
//! MariaDB writes a transaction's events to the binlog only at its commit (unlike PostgreSQL's
//! WAL, which logical decoding reads during the load), but the dump thread sends them as soon
//! as they are written, before the storage engine has committed and the statement has returned:
//! a streaming reader (the view, the live client) does much of its work while the statement is
//! still running, and how much varies from run to run with scheduling (the live client's first
//! rows event arrives from one to tens of ms before the statement returns on the 2-core VM).
//! A time started when the statement returns is therefore ill-defined (often ~0 for either
//! side). The compared time is from issuing the statement until the view has applied it (until
//! the live client has decoded its XID); the origin's execution is in both. The tails after the
//! statement returned, and the cold client, are reported as information.
//!
//! Ratio = tether rows/s ÷ baseline rows/s = baseline time ÷ tether time.

use std::time::Instant;

use crate::sync_bench::report::{
    fmt_rate, fmt_ratio, fmt_rounds, fmt_secs, verdict, Line, Report, Verdict,
};
use crate::sync_bench::stats::median;
use crate::sync_bench::view::drop_view;
use crate::sync_bench::BenchResult;

use super::my::{binlog_end, create_view, exec, flush_to, same_rows};
use super::raw_binlog::RawBinlog;
use super::Env;

const GOAL: f64 = 0.8;

/// Times of one load (seconds), one entry per round.
#[derive(Default)]
struct LoadTimes {
    /// The origin statement alone (autocommit: including its COMMIT).
    origin: Vec<f64>,
    /// From issuing the statement until the live client decoded its XID.
    live: Vec<f64>,
    /// From the statement returning until the live client decoded its XID (0 if before).
    live_tail: Vec<f64>,
    /// From issuing the statement until the view had applied it.
    tether: Vec<f64>,
    /// From the statement returning until the view had applied it.
    tether_tail: Vec<f64>,
    /// The cold client: connect, register, decode everything.
    cold: Vec<f64>,
    /// When the live client got the load's first rows event, relative to COMMIT returning
    /// (negative: before).
    live_first: Vec<f64>,
}

/// Runs part 1; returns whether every check passed.
pub async fn run(env: &Env, report: &mut Report) -> BenchResult<bool> {
    let rows = env.args.rows;
    let (db, mut conn) = env.database("bench_apply").await?;
    exec(
        &mut conn,
        "CREATE TABLE t (id INT PRIMARY KEY, v INT NOT NULL, s VARCHAR(32) NOT NULL) \
         ENGINE = InnoDB",
    )
    .await?;
    let loads = [
        (
            "INSERT",
            format!("INSERT INTO t SELECT seq, seq, CONCAT('row ', seq) FROM seq_1_to_{rows}"),
        ),
        ("UPDATE", "UPDATE t SET v = v + 1".to_string()),
    ];
    let mut times: [LoadTimes; 2] = Default::default();
    let mut verified = true;
    let mut decoded_values = 0u64;
    for round in 1..=env.args.rounds {
        // 1. live raw client, no view.
        exec(&mut conn, "TRUNCATE t").await?;
        let start = binlog_end(&mut conn).await?;
        let mut live = RawBinlog::open(env, &start).await?.spawn_live();
        // Let the dump thread settle into streaming.
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        for (i, (name, sql)) in loads.iter().enumerate() {
            let begin = Instant::now();
            exec(&mut conn, sql).await?;
            let committed = Instant::now();
            let end = binlog_end(&mut conn).await?;
            let (decoded, got) = live.wait_for(&end).await?;
            times[i]
                .live
                .push(decoded.duration_since(begin).as_secs_f64());
            times[i]
                .live_tail
                .push(decoded.saturating_duration_since(committed).as_secs_f64());
            times[i].origin.push((committed - begin).as_secs_f64());
            times[i]
                .live_first
                .push(got.first_rows.map_or(f64::NAN, |first| {
                    if first >= committed {
                        (first - committed).as_secs_f64()
                    } else {
                        -(committed - first).as_secs_f64()
                    }
                }));
            if got.rows != rows as u64 {
                report.detail(format!(
                    "1. live raw client, {name}: decoded {} row changes, expected {rows}",
                    got.rows
                ));
                verified = false;
            }
            decoded_values = decoded_values.max(got.values);
        }
        live.stop();

        // 2. tether, then 3. the cold raw client from the position before each load.
        exec(&mut conn, "TRUNCATE t").await?;
        let (local, mut session) = env.tether(&db)?;
        create_view(&local, &mut session, "t", "").await?;
        for (i, (name, sql)) in loads.iter().enumerate() {
            let before = binlog_end(&mut conn).await?;
            let begin = Instant::now();
            exec(&mut conn, sql).await?;
            let committed = Instant::now();
            let end = binlog_end(&mut conn).await?;
            flush_to(&local, "t", &end).await?;
            times[i].tether.push(begin.elapsed().as_secs_f64());
            times[i].tether_tail.push(committed.elapsed().as_secs_f64());
            match same_rows(&mut conn, &mut session, "t", true).await {
                Ok(described) if round == 1 => {
                    report.detail(format!("1. after the {name}, view = origin ({described})"))
                }
                Ok(_) => {}
                Err(e) => {
                    report.detail(format!("1. after the {name}: {e}"));
                    verified = false;
                }
            }
            let cold_start = Instant::now();
            let mut cold = RawBinlog::open(env, &before).await?;
            let got = cold.decode_until(&end).await?;
            times[i].cold.push(cold_start.elapsed().as_secs_f64());
            cold.close().await;
            if got.rows != rows as u64 {
                report.detail(format!(
                    "1. cold raw client, {name}: decoded {} row changes, expected {rows}",
                    got.rows
                ));
                verified = false;
            }
        }
        drop_view(&mut session, "t").await?;
        drop(session);
        drop(local);
        for (i, (name, _)) in loads.iter().enumerate() {
            eprintln!(
                "  round {round} {name}: origin statement {}; issue → done: tether {}, raw live {}; \
                 after the statement returned: tether {}, raw live {} (its first rows event \
                 {:+.2} ms from the return); cold raw {}",
                fmt_secs(times[i].origin[round - 1]),
                fmt_secs(times[i].tether[round - 1]),
                fmt_secs(times[i].live[round - 1]),
                fmt_secs(times[i].tether_tail[round - 1]),
                fmt_secs(times[i].live_tail[round - 1]),
                times[i].live_first[round - 1] * 1e3,
                fmt_secs(times[i].cold[round - 1]),
            );
        }
    }
    let rows_f = rows as f64;
    for (i, (name, _)) in loads.iter().enumerate() {
        let t = &times[i];
        let (tether, live) = (median(&t.tether), median(&t.live));
        let ratio = live / tether;
        report.line(Line {
            measurement: format!(
                "1. change apply, {name} of {} rows in one txn, issue → applied, vs a raw \
                 mysql_async binlog client streaming during the load (issue → decoded)",
                fmt_rate(rows_f)
            ),
            tether: format!(
                "{} rows/s ({})",
                fmt_rate(rows_f / tether),
                fmt_secs(tether)
            ),
            baseline: format!("{} rows/s ({})", fmt_rate(rows_f / live), fmt_secs(live)),
            ratio: fmt_ratio(ratio),
            goal: format!("≥ {GOAL}"),
            verdict: verdict(ratio >= GOAL),
        });
        let (tether_tail, live_tail, cold) = (
            median(&t.tether_tail),
            median(&t.live_tail),
            median(&t.cold),
        );
        report.line(Line {
            measurement: format!(
                "1. same, after the statement returned (origin statement {}): view applied / raw \
                 live client decoded; raw client started after it (connect + decode everything)",
                fmt_secs(median(&t.origin))
            ),
            tether: fmt_secs(tether_tail),
            baseline: format!(
                "live {}; cold {} ({} rows/s)",
                fmt_secs(live_tail),
                fmt_secs(cold),
                fmt_rate(rows_f / cold)
            ),
            ratio: String::new(),
            goal: String::new(),
            verdict: Verdict::Info,
        });
        report.detail(format!(
            "1. {name}: per round, issue → done: tether {}; raw live {}; after the statement \
             returned: tether {}; raw live {}; cold raw {}",
            fmt_rounds(&t.tether),
            fmt_rounds(&t.live),
            fmt_rounds(&t.tether_tail),
            fmt_rounds(&t.live_tail),
            fmt_rounds(&t.cold),
        ));
    }
    report.detail(format!(
        "1. the raw client decoded up to {decoded_values} values per load (every column of \
         every row image)"
    ));
    Ok(verified)
}

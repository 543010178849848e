//! Part 2: origin commit → visible in the view.
//!
//! Table `l (id int PRIMARY KEY, v int)` with 1,000 rows and its realtime view. Each sample is
//! one autocommit `UPDATE l SET v = $1 WHERE id = $2` at the origin (tokio-postgres, prepared),
//! with a value never used before. After the statement returns, we wait on a `ChangeFollower` of
//! the local database for the mirror's transaction carrying that value (so waiting costs no
//! polling), then confirm with a prepared local `SELECT v FROM l WHERE id = $1` (repeated, with a
//! yield, until it shows the value). Latency = from the UPDATE returning to the SELECT seeing
//! the value; "from issue" also counts the commit's round trip. Samples run one after another,
//! after a warm-up of 500.

use std::time::{Duration, Instant};

use tether::Value;

use super::pg::{create_view, drop_view, exec, percentile};
use super::report::{fmt_secs, verdict, Line, Report, Verdict};
use super::{ctx, tether_ctx, Env, PgResult};

const TABLE_ROWS: i32 = 1_000;
const WARMUP: usize = 500;
const P50_GOAL: f64 = 2e-3;
const P99_GOAL: f64 = 10e-3;

/// Runs part 2; returns whether every check passed.
pub async fn run(env: &Env, report: &mut Report) -> PgResult<bool> {
    let samples = env.args.latency_samples;
    let (db, client) = env.database("bench_latency").await?;
    exec(
        &client,
        &format!(
            "CREATE TABLE l (id int PRIMARY KEY, v int NOT NULL) WITH (autovacuum_enabled = false);
             INSERT INTO l SELECT i, 0 FROM generate_series(1, {TABLE_ROWS}) i;"
        ),
    )
    .await?;
    let (local, mut session) = env.tether(&db)?;
    create_view(&local, &mut session, "l").await?;
    let update = client
        .prepare("UPDATE l SET v = $1 WHERE id = $2")
        .await
        .map_err(ctx("preparing the origin UPDATE"))?;
    let select = session
        .prepare("SELECT v FROM l WHERE id = $1")
        .map_err(tether_ctx("preparing the local SELECT"))?;
    let mut follower = local.follow_changes();
    let mut from_commit = Vec::with_capacity(samples);
    let mut from_issue = Vec::with_capacity(samples);
    let mut round_trip = Vec::with_capacity(samples);
    let mut already_visible = 0usize;
    let wait = Duration::from_secs(30);
    for i in 0..WARMUP + samples {
        let id = (i as i32 % TABLE_ROWS) + 1;
        let v = i as i32 + 1;
        let expected = Value::Int32(v);
        let issued = Instant::now();
        let changed = client
            .execute(&update, &[&v, &id])
            .await
            .map_err(ctx("origin UPDATE"))?;
        let committed = Instant::now();
        if changed != 1 {
            return Err(format!("origin UPDATE of id {id} changed {changed} rows"));
        }
        // The mirror's transaction carrying the new value.
        let mut first_wait = true;
        loop {
            let changes = tokio::time::timeout(wait, follower.next())
                .await
                .map_err(|_| {
                    format!("sample {i}: the view did not apply v = {v} within {wait:?}")
                })?;
            follower.acknowledge(changes.position);
            let ours = changes.changes.iter().any(|c| {
                c.table == "l"
                    && c.new.as_ref().is_some_and(|row| {
                        row.first() == Some(&Value::Int32(id)) && row.get(1) == Some(&expected)
                    })
            });
            if ours {
                break;
            }
            first_wait = false;
        }
        // Visible to a query.
        loop {
            let result = session
                .execute_prepared(&select, &[Value::Int32(id)])
                .await
                .map_err(tether_ctx("local SELECT"))?;
            if result.rows.first().and_then(|r| r.values().first()) == Some(&expected) {
                break;
            }
            tokio::task::yield_now().await;
        }
        let visible = Instant::now();
        if i >= WARMUP {
            if first_wait && visible.duration_since(committed) < Duration::from_micros(50) {
                already_visible += 1;
            }
            from_commit.push(visible.duration_since(committed).as_secs_f64());
            from_issue.push(visible.duration_since(issued).as_secs_f64());
            round_trip.push(committed.duration_since(issued).as_secs_f64());
        }
    }
    drop(follower);
    drop_view(&mut session, "l").await?;
    for xs in [&mut from_commit, &mut from_issue, &mut round_trip] {
        xs.sort_by(f64::total_cmp);
    }
    let p50 = percentile(&from_commit, 50.0);
    let p99 = percentile(&from_commit, 99.0);
    let what = format!("2. origin commit → visible in the view, {samples} single-row commits");
    report.line(Line {
        measurement: format!("{what}: p50"),
        tether: fmt_secs(p50),
        baseline: String::new(),
        ratio: String::new(),
        goal: "≤ 2 ms".into(),
        verdict: verdict(p50 <= P50_GOAL),
    });
    report.line(Line {
        measurement: format!("{what}: p99"),
        tether: fmt_secs(p99),
        baseline: String::new(),
        ratio: String::new(),
        goal: "≤ 10 ms".into(),
        verdict: verdict(p99 <= P99_GOAL),
    });
    report.line(Line {
        measurement: "2. same, from issuing the UPDATE (incl. its round trip): p50 / p99".into(),
        tether: format!(
            "{} / {}",
            fmt_secs(percentile(&from_issue, 50.0)),
            fmt_secs(percentile(&from_issue, 99.0))
        ),
        baseline: format!(
            "UPDATE round trip {} / {}",
            fmt_secs(percentile(&round_trip, 50.0)),
            fmt_secs(percentile(&round_trip, 99.0))
        ),
        ratio: String::new(),
        goal: String::new(),
        verdict: Verdict::Info,
    });
    report.detail(format!(
        "2. commit → visible: p50 {}, p90 {}, p99 {}, p99.9 {}, max {}, mean {}; {} of {} \
         samples were visible within 50 µs of the UPDATE returning (the walsender is woken at \
         the WAL flush, before the backend answers the client)",
        fmt_secs(p50),
        fmt_secs(percentile(&from_commit, 90.0)),
        fmt_secs(p99),
        fmt_secs(percentile(&from_commit, 99.9)),
        fmt_secs(from_commit.last().copied().unwrap_or(f64::NAN)),
        fmt_secs(from_commit.iter().sum::<f64>() / from_commit.len().max(1) as f64),
        already_visible,
        from_commit.len()
    ));
    Ok(true)
}

//! Origin commit → visible in a view, measured the same way for every origin: each sample is one
//! single-row origin commit (an `UPDATE l SET v = <new value> WHERE id = <id>` that the caller
//! sends), then a wait on a `ChangeFollower` of the local database for the mirror's transaction
//! carrying that value (so waiting costs no polling), then a prepared local
//! `SELECT v FROM l WHERE id = $1`, repeated with a yield until it shows the value. Latency =
//! from the origin statement returning to the SELECT seeing the value; "from issue" also counts
//! the commit's round trip. Samples run one after another, after a warm-up.

use std::time::{Duration, Instant};

use tether::{ChangeFollower, Database, PreparedStatement, Session, Value};

use super::report::{fmt_secs, verdict, Line, Report, Verdict};
use super::stats::percentile;
use super::{tether_ctx, BenchResult};

/// Rows of the latency table (`id` 1..=1000); samples update them in turn.
pub const TABLE_ROWS: i32 = 1_000;
/// Untimed samples first.
pub const WARMUP: usize = 500;
const P50_GOAL: f64 = 2e-3;
const P99_GOAL: f64 = 10e-3;
/// How long one sample may take to become visible.
const WAIT: Duration = Duration::from_secs(30);
/// A sample visible this soon after its commit returned was already applied when it returned.
const ALREADY: Duration = Duration::from_micros(50);

/// The timings of the samples after the warm-up.
#[derive(Default)]
pub struct Samples {
    from_commit: Vec<f64>,
    from_issue: Vec<f64>,
    round_trip: Vec<f64>,
    already_visible: usize,
}

/// Runs `WARMUP + samples` samples on the view `table` (columns `id`, `v`) of `local`.
/// `update(id, v)` commits `v` into row `id` at the origin (a value never used before), checks
/// it changed one row, and returns when the commit has returned.
pub async fn run_samples(
    local: &Database,
    session: &mut Session,
    table: &str,
    samples: usize,
    mut update: impl AsyncFnMut(i32, i32) -> BenchResult<()>,
) -> BenchResult<Samples> {
    let select = session
        .prepare(&format!("SELECT v FROM {table} WHERE id = $1"))
        .map_err(tether_ctx("preparing the local SELECT"))?;
    let mut follower = local.follow_changes();
    let mut out = Samples::default();
    for i in 0..WARMUP + samples {
        let id = (i as i32 % TABLE_ROWS) + 1;
        let v = i as i32 + 1;
        let issued = Instant::now();
        update(id, v).await?;
        let committed = Instant::now();
        let first_wait = wait_visible(&mut follower, session, &select, table, i, id, v).await?;
        let visible = Instant::now();
        if i >= WARMUP {
            if first_wait && visible.duration_since(committed) < ALREADY {
                out.already_visible += 1;
            }
            out.from_commit
                .push(visible.duration_since(committed).as_secs_f64());
            out.from_issue
                .push(visible.duration_since(issued).as_secs_f64());
            out.round_trip
                .push(committed.duration_since(issued).as_secs_f64());
        }
    }
    Ok(out)
}

/// Waits for the mirror's transaction that set `v` in row `id`, then until a query sees it.
/// Returns whether the first transaction the follower gave was that one.
async fn wait_visible(
    follower: &mut ChangeFollower,
    session: &mut Session,
    select: &PreparedStatement,
    table: &str,
    sample: usize,
    id: i32,
    v: i32,
) -> BenchResult<bool> {
    let expected = Value::Int32(v);
    let mut first_wait = true;
    loop {
        let changes = tokio::time::timeout(WAIT, follower.next())
            .await
            .map_err(|_| {
                format!("sample {sample}: the view did not apply v = {v} within {WAIT:?}")
            })?;
        follower.acknowledge(changes.position);
        let ours = changes.changes.iter().any(|c| {
            c.table == table
                && c.new.as_ref().is_some_and(|row| {
                    row.first() == Some(&Value::Int32(id)) && row.get(1) == Some(&expected)
                })
        });
        if ours {
            break;
        }
        first_wait = false;
    }
    loop {
        let result = session
            .execute_prepared(select, &[Value::Int32(id)])
            .await
            .map_err(tether_ctx("local SELECT"))?;
        if result.rows.first().and_then(|r| r.values().first()) == Some(&expected) {
            return Ok(first_wait);
        }
        tokio::task::yield_now().await;
    }
}

impl Samples {
    /// Adds the p50/p99 lines (against the goals), the from-issue line, and a detail line;
    /// `origin_statement` names the origin's statement ("UPDATE"), `early` explains samples that
    /// were visible as soon as the commit returned.
    pub fn report(mut self, report: &mut Report, origin_statement: &str, early: &str) {
        for xs in [
            &mut self.from_commit,
            &mut self.from_issue,
            &mut self.round_trip,
        ] {
            xs.sort_by(f64::total_cmp);
        }
        let samples = self.from_commit.len();
        let p50 = percentile(&self.from_commit, 50.0);
        let p99 = percentile(&self.from_commit, 99.0);
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
            measurement: format!(
                "2. same, from issuing the {origin_statement} (incl. its round trip): p50 / p99"
            ),
            tether: format!(
                "{} / {}",
                fmt_secs(percentile(&self.from_issue, 50.0)),
                fmt_secs(percentile(&self.from_issue, 99.0))
            ),
            baseline: format!(
                "{origin_statement} round trip {} / {}",
                fmt_secs(percentile(&self.round_trip, 50.0)),
                fmt_secs(percentile(&self.round_trip, 99.0))
            ),
            ratio: String::new(),
            goal: String::new(),
            verdict: Verdict::Info,
        });
        report.detail(format!(
            "2. commit → visible: p50 {}, p90 {}, p99 {}, p99.9 {}, max {}, mean {}; {} of {} \
             samples were visible within 50 µs of the {origin_statement} returning ({early})",
            fmt_secs(p50),
            fmt_secs(percentile(&self.from_commit, 90.0)),
            fmt_secs(p99),
            fmt_secs(percentile(&self.from_commit, 99.9)),
            fmt_secs(self.from_commit.last().copied().unwrap_or(f64::NAN)),
            fmt_secs(self.from_commit.iter().sum::<f64>() / samples.max(1) as f64),
            self.already_visible,
            samples
        ));
    }
}

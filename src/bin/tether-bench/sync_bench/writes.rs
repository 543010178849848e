//! Writing through a realtime view, timed the same way for every origin: `n` autocommit
//! `UPDATE w SET v = $1 WHERE id = $2` (prepared, one row each, ids 1..=n, value
//! `value_base + id`), each a local transaction the dispatcher sends as one origin transaction;
//! the sync events are counted until every attempt has an outcome; then a flush. And the checks
//! of a round: every attempt `applied`, the origin updated, the view equal to the origin.

use std::time::Instant;

use tether::{Database, Session, SyncEvent, Value};

use super::report::Report;
use super::{ctx, tether_ctx, BenchResult, FLUSH_TIMEOUT};

/// What one round of writes through the view took, and how they ended.
pub struct ViewWrites {
    /// From the first local UPDATE until the last outcome event.
    pub resolved: f64,
    /// The local UPDATEs alone.
    pub local: f64,
    /// From the first local UPDATE until the flush returned (the view also has the echoes).
    pub flushed: f64,
    /// `Applied` events.
    pub applied: usize,
    /// Conflict and rejection events, as text.
    pub other: Vec<String>,
}

/// Writes every row of the view `table` once through it (see the module doc).
pub async fn write_through_view(
    local: &Database,
    session: &mut Session,
    table: &str,
    n: usize,
    value_base: i32,
) -> BenchResult<ViewWrites> {
    let update = session
        .prepare(&format!("UPDATE {table} SET v = $1 WHERE id = $2"))
        .map_err(tether_ctx("preparing the view UPDATE"))?;
    let mut events = local.sync_events();
    let counter = tokio::spawn(async move {
        let (mut applied, mut other) = (0usize, Vec::new());
        while applied + other.len() < n {
            match events.next().await {
                Some(SyncEvent::Applied { .. }) => applied += 1,
                Some(e @ (SyncEvent::Conflict { .. } | SyncEvent::Rejected { .. })) => {
                    other.push(e.to_string())
                }
                Some(_) => {}
                None => break,
            }
        }
        (applied, other, Instant::now())
    });
    let start = Instant::now();
    for id in 1..=n as i32 {
        let result = session
            .execute_prepared(&update, &[Value::Int32(value_base + id), Value::Int32(id)])
            .await
            .map_err(tether_ctx("UPDATE through the view"))?;
        if result.rows_affected() != 1 {
            return Err(format!("UPDATE of id {id} through the view changed no row"));
        }
    }
    let local_done = start.elapsed().as_secs_f64();
    let (applied, other, last) = tokio::time::timeout(FLUSH_TIMEOUT, counter)
        .await
        .map_err(|_| format!("the write attempts were not resolved within {FLUSH_TIMEOUT:?}"))?
        .map_err(ctx("event counter"))?;
    let resolved = last.duration_since(start).as_secs_f64();
    local
        .flush(FLUSH_TIMEOUT)
        .await
        .map_err(tether_ctx("flushing the writes"))?;
    Ok(ViewWrites {
        resolved,
        local: local_done,
        flushed: start.elapsed().as_secs_f64(),
        applied,
        other,
    })
}

/// `Err` describes attempts of `tether.write_attempts` that are not all `applied` (`n` of
/// them).
async fn all_applied(session: &mut Session, n: usize) -> BenchResult<Result<(), String>> {
    let statuses = session
        .execute(
            "SELECT status, count(*) FROM tether.write_attempts GROUP BY status ORDER BY status",
            &[],
        )
        .await
        .map_err(tether_ctx("reading tether.write_attempts"))?;
    let statuses: Vec<String> = statuses
        .rows
        .iter()
        .map(|r| {
            r.values()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("=")
        })
        .collect();
    if statuses == [format!("applied={n}")] {
        Ok(Ok(()))
    } else {
        Ok(Err(format!(
            "tether.write_attempts: {} (expected applied={n})",
            statuses.join(", ")
        )))
    }
}

/// Checks a round of writes through the view: every event and every attempt `applied`, the
/// origin holding all `n` written values (`origin_written`, counted by the caller), and the view
/// equal to the origin (`same_rows`, compared by the caller). Problems become detail lines of
/// part 3; returns whether all was well.
pub async fn check_writes(
    session: &mut Session,
    report: &mut Report,
    writes: &ViewWrites,
    n: usize,
    round: usize,
    origin_written: i64,
    same_rows: BenchResult<String>,
) -> BenchResult<bool> {
    let mut ok = true;
    if writes.applied != n || !writes.other.is_empty() {
        report.detail(format!(
            "3. tether: {} of {n} writes applied; first other outcome: {}",
            writes.applied,
            writes.other.first().map_or("none", String::as_str)
        ));
        ok = false;
    }
    if let Err(e) = all_applied(session, n).await? {
        report.detail(format!("3. {e}"));
        ok = false;
    }
    if origin_written != n as i64 {
        report.detail(format!(
            "3. the origin holds {origin_written} of the {n} values written through the view"
        ));
        ok = false;
    }
    match same_rows {
        Ok(described) if round == 1 => report.detail(format!(
            "3. after the writes: {n} attempts applied, origin updated, view = origin ({described})"
        )),
        Ok(_) => {}
        Err(e) => {
            report.detail(format!("3. {e}"));
            ok = false;
        }
    }
    Ok(ok)
}

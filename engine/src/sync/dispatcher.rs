//! Outbound sync: the dispatcher sends each committed local transaction's write attempts to
//! their origin as ONE origin transaction, in commit order (per key), and records every
//! outcome in `tether.write_attempts` — with the staged rows it settles and the rebase of our
//! own later writes — in one local transaction. Unreachable origins leave attempts pending;
//! a timer retries them with backoff, without anyone calling anything.

use std::collections::HashMap;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use tokio::task::JoinSet;

use super::attempts::{self, AttemptStatus, Resolution};
use super::commit::settle;
use super::events::SyncEvent;
use super::origin::{BatchOutcome, OriginError, OriginWrite, WriteOp, WriteOutcome};
use super::rows;
use super::runtime::{DispatchedBatch, PendingAttempt};
use super::view_sync::ViewSync;
use crate::api::Shared;
use crate::catalog::Table;
use crate::error::Result;
use crate::storage::Key;
use crate::types::Value;

/// Starts the database's dispatcher task once.
pub(crate) fn ensure_started(shared: &Arc<Shared>) {
    use std::sync::atomic::Ordering;
    if shared.sync.dispatcher_started.swap(true, Ordering::AcqRel) {
        return;
    }
    let weak = Arc::downgrade(shared);
    tokio::spawn(run(weak));
}

async fn run(weak: Weak<Shared>) {
    let mut sending: JoinSet<Sent> = JoinSet::new();
    // The batch each sending task carries (to recover it should the task panic).
    let mut tasks: HashMap<tokio::task::Id, (String, u64)> = HashMap::new();
    let mut in_flight: HashMap<String, usize> = HashMap::new();
    let mut finished = Vec::new();
    loop {
        let Some(shared) = weak.upgrade() else { return };
        // Conclude every batch whose answer is in, together.
        while let Some(done) = sending.try_join_next_with_id() {
            finished.push(done);
        }
        if !finished.is_empty() {
            let mut sent = Vec::new();
            for done in finished.drain(..) {
                let (id, done) = match done {
                    Ok((id, sent)) => (id, Ok(sent)),
                    Err(e) => (e.id(), Err(e)),
                };
                let Some((origin, local_txn)) = tasks.remove(&id) else {
                    continue;
                };
                if let Some(count) = in_flight.get_mut(&origin) {
                    *count = count.saturating_sub(1);
                }
                match done {
                    Ok(done) => sent.push(done),
                    Err(e) => {
                        let attempts = shared
                            .sync
                            .outbox
                            .lock()
                            .iter()
                            .find(|b| b.local_txn == local_txn && b.origin == origin)
                            .map(|b| b.attempts.clone())
                            .unwrap_or_default();
                        let error = format!("sending to origin {origin} failed: {e}");
                        retry_later(&shared, &origin, local_txn, &attempts, &error);
                    }
                }
            }
            conclude(&shared, sent);
            shared.sync.progress.notify_waiters();
        }
        // Start every batch that may start.
        let limit = |origin: &str| {
            shared
                .sync
                .origin(origin)
                .map_or(1, |o| o.max_in_flight().max(1))
        };
        let full = !sending.is_empty()
            && in_flight
                .iter()
                .all(|(origin, count)| *count >= limit(origin));
        let due = if full {
            None
        } else {
            let mut limits: HashMap<String, usize> = HashMap::new();
            let (batches, due) = shared.sync.take_batches(Instant::now(), |origin| {
                let limit = *limits
                    .entry(origin.to_string())
                    .or_insert_with(|| limit(origin));
                let count = in_flight.entry(origin.to_string()).or_default();
                let room = *count < limit;
                if room {
                    *count += 1;
                }
                room
            });
            for batch in batches {
                let carried = (batch.origin.clone(), batch.local_txn);
                let task = sending.spawn(send(shared.clone(), batch));
                tasks.insert(task.id(), carried);
            }
            due
        };
        let wake_notify = shared.sync.wake_dispatcher.clone();
        drop(shared);
        let wait = due.map_or(Duration::from_secs(3600), |d| {
            d.saturating_duration_since(Instant::now())
        });
        tokio::select! {
            _ = wake_notify.notified() => {}
            _ = tokio::time::sleep(wait) => {}
            Some(done) = sending.join_next_with_id(), if !sending.is_empty() => {
                finished.push(done);
            }
        }
    }
}

/// A batch that was sent, and what the origin answered.
struct Sent {
    batch: DispatchedBatch,
    writes: Vec<OriginWrite>,
    outcome: Result<BatchOutcome, OriginError>,
}

/// Sends one batch to its origin.
async fn send(shared: Arc<Shared>, batch: DispatchedBatch) -> Sent {
    let writes = prepare_writes(&shared, &batch.attempts);
    let origin = shared.sync.origin(&batch.origin);
    drop(shared);
    let outcome = match origin {
        Some(origin) => origin.apply(&writes).await,
        None => Err(OriginError::Unavailable(format!(
            "origin {} is not registered",
            batch.origin
        ))),
    };
    Sent {
        batch,
        writes,
        outcome,
    }
}

/// Records the outcomes of sent batches (all answered ones in one local transaction) and
/// removes them from the outbox; batches the origin could not take stay, for a retry.
fn conclude(shared: &Shared, sent: Vec<Sent>) {
    let mut answered: Vec<Answered> = Vec::new();
    let mut done: Vec<(u64, String)> = Vec::new();
    for Sent {
        batch,
        writes,
        outcome,
    } in sent
    {
        let DispatchedBatch {
            origin,
            local_txn,
            attempts,
        } = batch;
        match outcome {
            Ok(outcome) if outcome.outcomes.len() == attempts.len() => {
                connected(shared, &origin);
                answered.push((attempts, writes, outcome));
                done.push((local_txn, origin));
            }
            Ok(outcome) => {
                let error = format!(
                    "origin {origin} answered {} outcomes for {} writes",
                    outcome.outcomes.len(),
                    attempts.len()
                );
                retry_later(shared, &origin, local_txn, &attempts, &error);
            }
            Err(e) if e.is_transient() => {
                disconnected(shared, &origin, &e.to_string());
                retry_later(shared, &origin, local_txn, &attempts, &e.to_string());
            }
            Err(e) => {
                let rejected = BatchOutcome {
                    outcomes: attempts
                        .iter()
                        .map(|_| WriteOutcome::Rejected {
                            error: e.to_string(),
                        })
                        .collect(),
                    commit_position: None,
                };
                answered.push((attempts, writes, rejected));
                done.push((local_txn, origin));
            }
        }
    }
    if !answered.is_empty() {
        record(shared, &answered);
    }
    remove_batches(shared, &done);
}

/// The batch's writes with bases rebased onto our own applied writes, and later writes to a
/// row the batch already wrote chained onto the earlier one.
fn prepare_writes(shared: &Shared, attempts: &[PendingAttempt]) -> Vec<OriginWrite> {
    let mut seen: HashMap<(u64, Key), Option<String>> = HashMap::new();
    attempts
        .iter()
        .map(|attempt| {
            let mut write = attempt.write.clone();
            let row = (attempt.view.table.id, attempt.key.clone());
            let base = if write.op == WriteOp::Insert {
                None
            } else {
                shared.sync.chains.lock().rebased(
                    row.0,
                    &attempt.key,
                    write.base_version.clone(),
                    attempt.snapshot,
                )
            };
            if let Some(previous_base) = seen.get(&row) {
                write.follows_previous = *previous_base == base;
            }
            seen.insert(row, base.clone());
            write.base_version = base;
            write
        })
        .collect()
}

/// A sent batch's attempts, the writes sent for them, and the origin's answer.
type Answered = (Arc<[PendingAttempt]>, Vec<OriginWrite>, BatchOutcome);

/// Records batches' outcomes, settles staged rows and records rebase chains, in one local
/// transaction under the locks of the views involved; then emits the events.
fn record(shared: &Shared, answered: &[Answered]) {
    let mut views: Vec<Arc<ViewSync>> = answered
        .iter()
        .flat_map(|(attempts, _, _)| attempts.iter().map(|a| a.view.clone()))
        .collect();
    views.sort_by_key(|v| v.table.id);
    views.dedup_by_key(|v| v.table.id);
    let mut guards: Vec<_> = views.iter().map(|v| v.staging.lock()).collect();
    let mut txn = shared.txns.begin();
    let mut events = Vec::new();
    let each = answered.iter().flat_map(|(attempts, writes, outcome)| {
        attempts
            .iter()
            .zip(writes)
            .zip(&outcome.outcomes)
            .map(move |((attempt, write), result)| (attempt, write, result, outcome))
    });
    let result = (|| -> Result<()> {
        let table = attempts_table(shared)?;
        let def = table.def();
        for (attempt, write, result, outcome) in each {
            let commit_ordinal = outcome.commit_position.as_ref().map(|p| p.ordinal);
            let (resolution, event) = resolve(attempt, write, result);
            let key: Key = Box::new([Value::Int64(attempt.id)]);
            if let Some(current) = rows::visible(&table, &key, &txn) {
                let row = attempts::resolved_row(rows::values_of(&def, &current), &resolution);
                rows::set(&table, &def, &mut txn, &key, Some(row))?;
            }
            events.push(event);
            let slot = views
                .iter()
                .position(|v| v.table.id == attempt.view.table.id)
                .unwrap_or(0);
            let staging = &mut guards[slot];
            if let WriteOutcome::Applied { new_version } = result {
                let staged = staging.keys.contains_key(&attempt.key);
                record_link(shared, attempt, write, new_version, staged);
            }
            if attempt.staged {
                if let Some(entry) = staging.keys.get_mut(&attempt.key) {
                    entry.pending = entry.pending.saturating_sub(1);
                    if matches!(result, WriteOutcome::Applied { .. }) {
                        entry.awaiting = entry.awaiting.max(commit_ordinal);
                    }
                }
            }
            if matches!(result, WriteOutcome::Applied { .. }) {
                if let Some(position) = &outcome.commit_position {
                    let mut status = attempt.view.status.lock();
                    if status.expected.as_ref() < Some(position) {
                        status.expected = Some(position.clone());
                    }
                }
            }
        }
        for (view, staging) in views.iter().zip(guards.iter_mut()) {
            let position = view.position_ordinal();
            settle(view, staging, &mut txn, None, position)?;
        }
        Ok(())
    })();
    match result {
        Ok(()) => {
            super::commit::commit_internal(shared, txn);
            drop(guards);
            if shared
                .sync
                .recorded_batches
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
                % 64
                == 0
            {
                super::commit::prune_rebase_links(shared);
            }
            for event in events {
                shared.sync.events.emit(event);
            }
        }
        Err(e) => {
            crate::api::rollback_transaction(shared, txn);
            drop(guards);
            shared.sync.events.emit(SyncEvent::OriginDisconnected {
                origin: answered
                    .first()
                    .and_then(|(attempts, _, _)| attempts.first())
                    .map(|a| a.view.spec.origin.clone())
                    .unwrap_or_default(),
                error: format!("recording write outcomes failed: {e}"),
            });
        }
    }
}

/// Records the rebase link of an applied write, with what the view shows now: a staged row
/// (our own lineage), the row's version, or no row.
fn record_link(
    shared: &Shared,
    attempt: &PendingAttempt,
    write: &OriginWrite,
    new_version: &Option<String>,
    staged: bool,
) {
    let view = &attempt.view;
    let latest = crate::txn::Snapshot {
        txn_id: 0,
        ts: shared.txns.last_commit_position(),
    };
    let shown = if staged {
        Some(attempt.write.base_version.clone())
    } else {
        view.table
            .data
            .read()
            .visible(&attempt.key, &latest)
            .map(
                |v| match v.value(view.spec.version_position, &Value::Null) {
                    Value::Text(t) => Some(t.to_string()),
                    _ => None,
                },
            )
    };
    shared.sync.chains.lock().record(
        view.table.id,
        attempt.key.clone(),
        (
            attempt.write.base_version.clone(),
            write.base_version.clone(),
            new_version.clone(),
        ),
        shown,
        latest.ts,
    );
}

/// The resolution of one attempt and the event that announces it.
fn resolve<'a>(
    attempt: &'a PendingAttempt,
    write: &'a OriginWrite,
    result: &'a WriteOutcome,
) -> (Resolution<'a>, SyncEvent) {
    let view = attempt.view.name.clone();
    let key = attempt.key_json.clone();
    let base = write.base_version.as_deref();
    match result {
        WriteOutcome::Applied { new_version } => (
            Resolution {
                status: AttemptStatus::Applied,
                base_version: base,
                new_version: new_version.as_deref(),
                conflict: None,
                origin_row: None,
                error: None,
            },
            SyncEvent::Applied {
                attempt: attempt.id,
                view,
                key,
                new_version: new_version.clone(),
            },
        ),
        WriteOutcome::Conflicted { kind, origin_row } => {
            let origin_json = origin_row
                .as_ref()
                .map(|row| attempts::row_json(row.iter().map(|(n, _)| n.as_str()), &values(row)));
            (
                Resolution {
                    status: AttemptStatus::Conflicted,
                    base_version: base,
                    new_version: None,
                    conflict: Some(*kind),
                    origin_row: origin_json.clone(),
                    error: None,
                },
                SyncEvent::Conflict {
                    attempt: attempt.id,
                    view,
                    key,
                    kind: kind.as_str().into(),
                    base_row: attempt.base_row.clone(),
                    written_row: attempt.written_row.clone(),
                    origin_row: origin_json,
                },
            )
        }
        WriteOutcome::Rejected { error } => (
            Resolution {
                status: AttemptStatus::Rejected,
                base_version: base,
                new_version: None,
                conflict: None,
                origin_row: None,
                error: Some(error),
            },
            SyncEvent::Rejected {
                attempt: attempt.id,
                view,
                key,
                error: error.clone(),
            },
        ),
        WriteOutcome::RolledBack => (
            Resolution {
                status: AttemptStatus::Conflicted,
                base_version: base,
                new_version: None,
                conflict: None,
                origin_row: None,
                error: Some("rolled back: another write of the same transaction failed"),
            },
            SyncEvent::Conflict {
                attempt: attempt.id,
                view,
                key,
                kind: "rolled_back".into(),
                base_row: attempt.base_row.clone(),
                written_row: attempt.written_row.clone(),
                origin_row: None,
            },
        ),
    }
}

fn values(row: &[(String, Value)]) -> Vec<Value> {
    row.iter().map(|(_, v)| v.clone()).collect()
}

/// Leaves a batch pending: counts the try, records the error, schedules the retry.
fn retry_later(
    shared: &Shared,
    origin: &str,
    local_txn: u64,
    attempts: &[PendingAttempt],
    error: &str,
) {
    let tries = {
        let mut outbox = shared.sync.outbox.lock();
        let Some(batch) = outbox
            .iter_mut()
            .find(|b| b.local_txn == local_txn && b.origin == origin)
        else {
            return;
        };
        if batch.in_flight {
            shared.sync.end_in_flight(&batch.attempts);
        }
        batch.in_flight = false;
        batch.tries += 1;
        let delay = Duration::from_millis((50u64 << batch.tries.min(7)).min(5_000));
        batch.next_try = Instant::now() + delay;
        batch.tries
    };
    let mut txn = shared.txns.begin();
    let result = (|| -> Result<()> {
        let table = attempts_table(shared)?;
        let def = table.def();
        for attempt in attempts {
            let key: Key = Box::new([Value::Int64(attempt.id)]);
            if let Some(current) = rows::visible(&table, &key, &txn) {
                let row = attempts::resolved_row(
                    rows::values_of(&def, &current),
                    &Resolution {
                        status: AttemptStatus::Pending,
                        base_version: None,
                        new_version: None,
                        conflict: None,
                        origin_row: None,
                        error: Some(error),
                    },
                );
                rows::set(&table, &def, &mut txn, &key, Some(row))?;
            }
        }
        Ok(())
    })();
    match result {
        Ok(()) => {
            shared.txns.commit(txn);
        }
        Err(_) => crate::api::rollback_transaction(shared, txn),
    }
    let _ = tries;
}

/// Removes resolved batches (by local transaction and origin) from the outbox.
fn remove_batches(shared: &Shared, done: &[(u64, String)]) {
    let txns: std::collections::HashSet<u64> = done.iter().map(|(txn, _)| *txn).collect();
    let is_done = |batch: &super::runtime::PendingBatch| {
        txns.contains(&batch.local_txn)
            && done
                .iter()
                .any(|(txn, origin)| *txn == batch.local_txn && *origin == batch.origin)
    };
    let mut outbox = shared.sync.outbox.lock();
    // Answered batches are mostly near the front (the oldest are sent first): stop once all
    // are found rather than walking the whole backlog.
    let mut left = done.len();
    let mut index = 0;
    while left > 0 && index < outbox.len() {
        if is_done(&outbox[index]) {
            if let Some(batch) = outbox.remove(index) {
                if batch.in_flight {
                    shared.sync.end_in_flight(&batch.attempts);
                }
            }
            left -= 1;
        } else {
            index += 1;
        }
    }
}

/// Records that `origin` answers again (an event if it did not before).
pub(crate) fn connected(shared: &Shared, origin: &str) {
    if shared.sync.unreachable.lock().remove(origin).is_some() {
        shared.sync.events.emit(SyncEvent::OriginConnected {
            origin: origin.to_string(),
        });
    }
}

/// Records that `origin` does not answer (an event the first time).
pub(crate) fn disconnected(shared: &Shared, origin: &str, error: &str) {
    let first = shared
        .sync
        .unreachable
        .lock()
        .insert(origin.to_string(), error.to_string())
        .is_none();
    if first {
        shared.sync.events.emit(SyncEvent::OriginDisconnected {
            origin: origin.to_string(),
            error: error.to_string(),
        });
    }
}

/// `tether.write_attempts`.
pub(crate) fn attempts_table(shared: &Shared) -> Result<Arc<Table>> {
    Ok(shared
        .catalog
        .read()
        .table(Some(attempts::SCHEMA), attempts::TABLE)?
        .clone())
}

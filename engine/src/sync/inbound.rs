//! Inbound sync: origin -> view. A snapshot is loaded, then each origin transaction is applied
//! to the mirror in ONE local transaction, in commit order, and only then acknowledged. Keys
//! with staged local writes are not touched: the origin's row is kept aside (the shadow) until
//! the staged row is settled.

use std::collections::HashSet;
use std::sync::{Arc, Weak};
use std::time::Duration;

use super::commit::settle;
use super::events::SyncEvent;
use super::origin::{OriginChangeKind, OriginError, OriginSnapshot, OriginTransaction, Position};
use super::rows;
use super::view_sync::{Staging, ViewState, ViewSync};
use crate::api::Shared;
use crate::error::Result;
use crate::storage::Key;
use crate::txn::Transaction;
use crate::types::Value;

/// Replaces the mirror's rows by a snapshot's, and sets the view's position to it.
pub(crate) fn load_snapshot(
    shared: &Shared,
    view: &Arc<ViewSync>,
    snapshot: &OriginSnapshot,
) -> Result<()> {
    let mut staging = view.staging.lock();
    let mut txn = shared.txns.begin();
    let outcome = (|| {
        let def = view.table.def();
        if staging.keys.is_empty() && view.table.data.read().rows.is_empty() {
            // The first snapshot into an empty mirror: insert, nothing to compare or remove.
            let mut rows = Vec::with_capacity(snapshot.rows.len());
            for row in &snapshot.rows {
                if let Some(values) = view.spec.mirror_row(row)? {
                    rows.push((view.spec.key_of(row), values));
                }
            }
            return rows::insert_all(&view.table, &def, &mut txn, rows);
        }
        let mut seen: HashSet<Key> = HashSet::with_capacity(snapshot.rows.len());
        for row in &snapshot.rows {
            let key = view.spec.key_of(row);
            let values = view.spec.mirror_row(row)?;
            seen.insert(key.clone());
            set_key(view, &mut staging, &mut txn, &key, values)?;
        }
        // Rows the snapshot no longer has, and staged keys it does not have (a staged delete
        // leaves no row): their origin row is gone.
        let mut stale: Vec<Key> = view
            .table
            .data
            .read()
            .rows
            .keys()
            .filter(|k| !seen.contains(*k))
            .cloned()
            .collect();
        stale.extend(staging.keys.keys().filter(|k| !seen.contains(*k)).cloned());
        stale.sort();
        stale.dedup();
        for key in stale {
            set_key(view, &mut staging, &mut txn, &key, None)?;
        }
        settle(
            view,
            &mut staging,
            &mut txn,
            None,
            snapshot.position.ordinal,
        )
    })();
    finish(shared, view, txn, outcome, &snapshot.position)
}

/// Applies one origin transaction to the mirror atomically. Returns `false` (and applies
/// nothing) when the view was paused meanwhile: a paused view receives nothing.
pub(crate) fn apply_transaction(
    shared: &Shared,
    view: &Arc<ViewSync>,
    transaction: &OriginTransaction,
) -> Result<bool> {
    let mut staging = view.staging.lock();
    if view.is_paused() {
        return Ok(false);
    }
    let mut txn = shared.txns.begin();
    let outcome = (|| {
        let spec = &view.spec;
        for change in &transaction.changes {
            if change.table != spec.origin_table.name {
                continue;
            }
            let new_key = change.new.as_ref().map(|r| spec.key_of(r));
            let old_key = change.old.as_ref().map(|r| spec.key_of(r));
            match change.kind {
                OriginChangeKind::Delete => {
                    if let Some(key) = old_key {
                        set_key(view, &mut staging, &mut txn, &key, None)?;
                    }
                }
                OriginChangeKind::Truncate => {
                    let mut keys: Vec<Key> = view.table.data.read().rows.keys().cloned().collect();
                    keys.extend(staging.keys.keys().cloned());
                    keys.sort();
                    keys.dedup();
                    for key in &keys {
                        set_key(view, &mut staging, &mut txn, key, None)?;
                    }
                }
                OriginChangeKind::Insert | OriginChangeKind::Update => {
                    let Some(new) = &change.new else { continue };
                    let key = new_key.unwrap_or_default();
                    let old_key = old_key.unwrap_or_else(|| key.clone());
                    let new = with_unchanged_values(
                        view,
                        &staging,
                        &txn,
                        new,
                        change.old.as_ref(),
                        &old_key,
                    )?;
                    if old_key != key {
                        set_key(view, &mut staging, &mut txn, &old_key, None)?;
                    }
                    let values = spec.mirror_row(&new)?;
                    set_key(view, &mut staging, &mut txn, &key, values)?;
                }
            }
        }
        settle(
            view,
            &mut staging,
            &mut txn,
            None,
            transaction.position.ordinal,
        )
    })();
    finish(shared, view, txn, outcome, &transaction.position).map(|()| true)
}

/// Moves the view's position forward without changes (stream keepalives), settling staged
/// rows whose echo position it passes.
pub(crate) fn advance(shared: &Shared, view: &Arc<ViewSync>, position: &Position) -> Result<bool> {
    if view.status.lock().position.as_ref() >= Some(position) {
        return Ok(true);
    }
    let mut staging = view.staging.lock();
    if view.is_paused() {
        return Ok(false);
    }
    let mut txn = shared.txns.begin();
    let outcome = settle(view, &mut staging, &mut txn, None, position.ordinal);
    finish(shared, view, txn, outcome, position).map(|()| true)
}

/// Commits (or rolls back) an inbound transaction and records the new position.
fn finish(
    shared: &Shared,
    view: &Arc<ViewSync>,
    txn: Transaction,
    outcome: Result<()>,
    position: &Position,
) -> Result<()> {
    match outcome {
        Ok(()) => {
            super::commit::commit_internal(shared, txn);
            let mut status = view.status.lock();
            if status.position.as_ref() < Some(position) {
                status.position = Some(position.clone());
            }
            drop(status);
            shared.sync.progress.notify_waiters();
            Ok(())
        }
        Err(e) => {
            crate::api::rollback_transaction(shared, txn);
            Err(e)
        }
    }
}

/// The new row with the values it does not carry (unchanged TOAST) filled in: from the old row
/// when the change has a whole one, else from the mirror's row (its shadow when staged).
fn with_unchanged_values(
    view: &ViewSync,
    staging: &Staging,
    txn: &Transaction,
    new: &super::OriginRow,
    old: Option<&super::OriginRow>,
    old_key: &Key,
) -> Result<super::OriginRow> {
    if new.unchanged.is_empty() {
        return Ok(new.clone());
    }
    let mut filled = new.clone();
    let mirror: Option<Vec<Value>> = match staging.keys.get(old_key) {
        Some(entry) => entry.shadow.clone(),
        None => {
            rows::visible(&view.table, old_key, txn).map(|v| rows::values_of(&view.table.def(), &v))
        }
    };
    for &position in &new.unchanged {
        let from_old = old
            .filter(|o| !o.unchanged.contains(&position))
            .and_then(|o| o.values.get(position).cloned());
        let from_mirror = view
            .spec
            .mirror_position_of_origin(position)
            .and_then(|p| mirror.as_ref().and_then(|m| m.get(p).cloned()));
        let value = from_old.or(from_mirror).ok_or_else(|| {
            crate::error::Error::Origin(OriginError::Setup(format!(
                "an update of {} did not carry the unchanged value of column \"{}\" and the view \
                 does not hold it; set REPLICA IDENTITY FULL on the origin table",
                view.spec.origin_table.name,
                view.spec
                    .origin_table
                    .columns
                    .get(position)
                    .map_or("?", |c| c.name.as_str())
            )))
        })?;
        if let Some(slot) = filled.values.get_mut(position) {
            *slot = value;
        }
    }
    filled.unchanged.clear();
    Ok(filled)
}

/// Sets the mirror row of `key`, or only its shadow if the key is staged.
fn set_key(
    view: &Arc<ViewSync>,
    staging: &mut Staging,
    txn: &mut Transaction,
    key: &Key,
    values: Option<Vec<Value>>,
) -> Result<()> {
    if let Some(entry) = staging.keys.get_mut(key) {
        entry.shadow = values;
        return Ok(());
    }
    let def = view.table.def();
    rows::set(&view.table, &def, txn, key, values)
}

/// Records a view state change and tells subscribers.
pub(crate) fn set_state(shared: &Shared, view: &ViewSync, state: ViewState, error: Option<String>) {
    // A paused view stays `paused` whatever its stream task does meanwhile; resume sets the
    // state again.
    let state = if view.is_paused() {
        ViewState::Paused
    } else {
        state
    };
    let mut status = view.status.lock();
    let changed = status.state != state || (error.is_some() && status.last_error != error);
    status.state = state;
    if error.is_some() {
        status.last_error = error.clone();
    }
    drop(status);
    if changed {
        shared.sync.events.emit(SyncEvent::ViewState {
            view: view.name.clone(),
            state: state.as_str().into(),
            error,
        });
        shared.sync.progress.notify_waiters();
    }
}

/// How long to wait before retrying a failed snapshot or stream.
fn backoff(failures: u32) -> Duration {
    Duration::from_millis((100u64 << failures.min(6)).min(5_000))
}

/// The stream task of a realtime view: follows the origin from the view's position, applying
/// every transaction; retries with backoff; re-snapshots when the position is lost; stops
/// while paused.
pub(crate) async fn follow(weak: Weak<Shared>, view: Arc<ViewSync>) {
    let mut failures = 0u32;
    loop {
        if view.is_paused() {
            view.control.notified().await;
            continue;
        }
        let Some(shared) = weak.upgrade() else { return };
        let Some(origin) = shared.sync.origin(&view.spec.origin) else {
            set_state(
                &shared,
                &view,
                ViewState::Error,
                Some(format!("origin {} is not registered", view.spec.origin)),
            );
            drop(shared);
            sleep_or_control(&view, backoff(failures)).await;
            failures += 1;
            continue;
        };
        let position = view.status.lock().position.clone();
        let outcome = match position {
            None => snapshot_now(&shared, &view, origin.as_ref()).await,
            Some(position) => {
                drop(shared);
                stream(&weak, &view, origin.as_ref(), &position, &mut failures).await
            }
        };
        let Some(shared) = weak.upgrade() else { return };
        match outcome {
            Ok(()) => {}
            Err(OriginError::PositionLost(message)) => {
                set_state(&shared, &view, ViewState::Snapshotting, Some(message));
                view.status.lock().position = None;
            }
            Err(OriginError::Setup(message)) => {
                // Retrying cannot fix the origin's setup: stay in error until REFRESH (or
                // pause/resume) asks for another try.
                set_state(&shared, &view, ViewState::Error, Some(message));
                drop(shared);
                view.control.notified().await;
            }
            Err(e) => {
                if e.is_transient() {
                    super::dispatcher::disconnected(&shared, &view.spec.origin, &e.to_string());
                }
                set_state(&shared, &view, ViewState::Error, Some(e.to_string()));
                drop(shared);
                sleep_or_control(&view, backoff(failures)).await;
                failures += 1;
            }
        }
    }
}

/// Takes and loads a snapshot (a view whose position was lost, or that never had one).
pub(crate) async fn snapshot_now(
    shared: &Shared,
    view: &Arc<ViewSync>,
    origin: &dyn super::Origin,
) -> Result<(), OriginError> {
    set_state(shared, view, ViewState::Snapshotting, None);
    let snapshot = origin.snapshot(&view.spec.origin_table).await?;
    load_snapshot(shared, view, &snapshot).map_err(|e| OriginError::Sql(e.to_string()))?;
    Ok(())
}

/// Streams from `position` until the stream breaks or the view is paused.
async fn stream(
    weak: &Weak<Shared>,
    view: &Arc<ViewSync>,
    origin: &dyn super::Origin,
    position: &Position,
    failures: &mut u32,
) -> Result<(), OriginError> {
    let mut changes = origin.changes(&view.spec.origin_table, position).await?;
    {
        let Some(shared) = weak.upgrade() else {
            return Ok(());
        };
        let mut status = view.status.lock();
        status.last_error = None;
        drop(status);
        super::dispatcher::connected(&shared, &view.spec.origin);
        set_state(&shared, view, ViewState::Streaming, None);
    }
    *failures = 0;
    loop {
        let event = changes.next().await?;
        // A paused view keeps its stream and the event it read, and applies it on resume: no
        // new snapshot, nothing lost.
        let position = loop {
            let Some(shared) = weak.upgrade() else {
                return Ok(());
            };
            let (applied, position) = match &event {
                super::StreamEvent::Transaction(t) => (
                    apply_transaction(&shared, view, t)
                        .map_err(|e| OriginError::Sql(e.to_string()))?,
                    &t.position,
                ),
                super::StreamEvent::Progress(p) => (
                    advance(&shared, view, p).map_err(|e| OriginError::Sql(e.to_string()))?,
                    p,
                ),
            };
            if applied {
                break position.clone();
            }
            drop(shared);
            while view.is_paused() {
                view.control.notified().await;
            }
        };
        changes.acknowledge(&position);
    }
}

async fn sleep_or_control(view: &ViewSync, duration: Duration) {
    tokio::select! {
        _ = tokio::time::sleep(duration) => {}
        _ = view.control.notified() => {}
    }
}

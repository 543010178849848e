//! Inbound sync: origin -> view. A snapshot is loaded, then each origin transaction is applied
//! to the mirror in ONE local transaction, in commit order, and only then acknowledged. Keys
//! with staged local writes are not touched: the origin's row is kept aside (the shadow) until
//! the staged row is settled.

use std::sync::{Arc, Weak};
use std::time::Duration;

use parking_lot::RwLockWriteGuard;

use super::commit::settle;
use super::events::SyncEvent;
use super::mirror_rows::MirrorRows;
use super::origin::{
    OriginChange, OriginChangeKind, OriginError, OriginRow, OriginTransaction, Position,
};
use super::rows;
use super::view_sync::{Staging, ViewState, ViewSync};
use crate::api::Shared;
use crate::catalog::TableDef;
use crate::error::Result;
use crate::storage::{Key, TableData};
use crate::txn::Transaction;
use crate::types::Value;

/// Applies one origin transaction to the mirror atomically. Returns `false` (and applies
/// nothing) when the view was paused meanwhile: a paused view receives nothing. Once applying,
/// the transaction's changes are taken (moved into the mirror).
pub(crate) fn apply_transaction(
    shared: &Shared,
    view: &Arc<ViewSync>,
    transaction: &mut OriginTransaction,
) -> Result<bool> {
    let mut staging = view.staging.lock();
    if view.is_paused() {
        return Ok(false);
    }
    let changes = std::mem::take(&mut transaction.changes);
    let mut txn = shared.txns.begin();
    let outcome = apply_changes(view, &mut staging, &mut txn, changes).and_then(|()| {
        settle(
            view,
            &mut staging,
            &mut txn,
            None,
            transaction.position.ordinal,
        )
    });
    finish(shared, view, txn, outcome, &transaction.position).map(|()| true)
}

/// Changes applied under one hold of the mirror table's write lock; readers get a turn in
/// between.
const CHANGES_PER_LOCK: usize = 1024;

/// Applies the changes of one origin transaction inside `txn`, under the view lock.
fn apply_changes(
    view: &Arc<ViewSync>,
    staging: &mut Staging,
    txn: &mut Transaction,
    changes: Vec<OriginChange>,
) -> Result<()> {
    let spec = &view.spec;
    let def = view.table.def();
    let mut mirror = MirrorRows::new(spec);
    let mut data = view.table.data.write();
    // One write record per change at most: grown once, not by doubling a large vector.
    txn.writes.reserve(changes.len());
    let mut target = Target {
        view,
        def: &def,
        staging,
        txn,
    };
    for (i, change) in changes.into_iter().enumerate() {
        if i % CHANGES_PER_LOCK == CHANGES_PER_LOCK - 1 {
            RwLockWriteGuard::bump(&mut data);
        }
        if change.table != spec.origin_table.name {
            continue;
        }
        match change.kind {
            OriginChangeKind::Delete => {
                if let Some(old) = &change.old {
                    target.set(&mut data, spec.key_of(old), None)?;
                }
            }
            OriginChangeKind::Truncate => {
                let mut keys: Vec<Key> = data.rows.keys().cloned().collect();
                keys.extend(target.staging.keys.keys().cloned());
                keys.sort();
                keys.dedup();
                for key in keys {
                    target.set(&mut data, key, None)?;
                }
            }
            OriginChangeKind::Insert | OriginChangeKind::Update => {
                let Some(new) = change.new else { continue };
                let key = spec.key_of_values(&new.values);
                let old_key = change
                    .old
                    .as_ref()
                    .map(|r| spec.key_of(r))
                    .filter(|old_key| *old_key != key);
                let mut values = new.values;
                if !new.unchanged.is_empty() {
                    let from = old_key.as_ref().unwrap_or(&key);
                    target.fill_unchanged(&data, &mut values, &new.unchanged, change.old, from)?;
                }
                if let Some(old_key) = old_key {
                    target.set(&mut data, old_key, None)?;
                }
                let values = mirror.row(values, new.system_version.as_deref())?;
                target.set(&mut data, key, values)?;
            }
        }
    }
    Ok(())
}

/// Where an inbound transaction writes: the view's mirror table, or a staged key's shadow.
pub(super) struct Target<'a> {
    pub view: &'a ViewSync,
    pub def: &'a TableDef,
    pub staging: &'a mut Staging,
    pub txn: &'a mut Transaction,
}

impl Target<'_> {
    /// Sets the mirror row of `key`, or only its shadow if the key is staged.
    pub fn set(
        &mut self,
        data: &mut TableData,
        key: Key,
        values: Option<Vec<Value>>,
    ) -> Result<()> {
        if !self.staging.keys.is_empty() {
            if let Some(entry) = self.staging.keys.get_mut(&key) {
                entry.shadow = values;
                return Ok(());
            }
        }
        rows::set_locked(data, &self.view.table, self.def, self.txn, key, values)
    }

    /// Fills in the values a change does not carry (unchanged TOAST, at origin positions
    /// `unchanged`): from the old row when the change has a whole one, else from the mirror's
    /// row of `old_key` (its shadow when staged).
    fn fill_unchanged(
        &self,
        data: &TableData,
        values: &mut [Value],
        unchanged: &[usize],
        old: Option<OriginRow>,
        old_key: &Key,
    ) -> Result<()> {
        let mut old = old;
        let shadow = self.staging.keys.get(old_key).map(|e| e.shadow.as_deref());
        let visible = match shadow {
            Some(_) => None,
            None => data.visible(old_key, &self.txn.snapshot),
        };
        let spec = &self.view.spec;
        for &position in unchanged {
            let from_old = old
                .as_mut()
                .filter(|o| !o.unchanged.contains(&position))
                .and_then(|o| o.values.get_mut(position))
                .map(|v| std::mem::replace(v, Value::Null));
            let from_mirror = || {
                let p = spec.mirror_position_of_origin(position)?;
                match shadow {
                    Some(shadow) => shadow.and_then(|s| s.get(p)).cloned(),
                    None => visible.map(|v| v.value(p, self.def.missing(p)).clone()),
                }
            };
            let value = from_old.or_else(from_mirror).ok_or_else(|| {
                crate::error::Error::Origin(OriginError::Setup(format!(
                    "an update of {} did not carry the unchanged value of column \"{}\" and the \
                     view does not hold it; set REPLICA IDENTITY FULL on the origin table",
                    spec.origin_table.name,
                    spec.origin_table
                        .columns
                        .get(position)
                        .map_or("?", |c| c.name.as_str())
                )))
            })?;
            if let Some(slot) = values.get_mut(position) {
                *slot = value;
            }
        }
        Ok(())
    }
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

/// Commits (or rolls back) an inbound transaction and records the new position. The caller
/// holds the view lock, and the transaction writes only the view's mirror table.
pub(super) fn finish(
    shared: &Shared,
    view: &Arc<ViewSync>,
    txn: Transaction,
    outcome: Result<()>,
    position: &Position,
) -> Result<()> {
    match outcome {
        Ok(()) => {
            // The view lock is held: without rebase links of the view now, none can appear
            // before the commit, and there is nothing for `commit_internal` to close.
            if shared.sync.chains.lock().has_links(view.table.id) {
                super::commit::commit_internal(shared, txn);
            } else {
                shared.txns.commit(txn);
            }
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
    let stream = origin.snapshot_stream(&view.spec.origin_table).await?;
    super::snapshot_load::load(shared, view, stream).await
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
        let mut event = changes.next().await?;
        // A paused view keeps its stream and the event it read, and applies it on resume: no
        // new snapshot, nothing lost.
        let position = loop {
            let Some(shared) = weak.upgrade() else {
                return Ok(());
            };
            let (applied, position) = match &mut event {
                super::StreamEvent::Transaction(t) => (
                    apply_transaction(&shared, view, t)
                        .map_err(|e| OriginError::Sql(e.to_string()))?,
                    &t.position,
                ),
                super::StreamEvent::Progress(p) => (
                    advance(&shared, view, p).map_err(|e| OriginError::Sql(e.to_string()))?,
                    &*p,
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

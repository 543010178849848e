//! What commit and rollback of a local transaction mean for sync: committed write attempts go
//! to the outbox in commit order; staged keys count their pending attempts; a rolled-back
//! staging puts the origin's row back.

use std::collections::HashMap;
use std::sync::Arc;

use super::rows;
use super::runtime::TxnEffects;
use super::view_sync::{Staging, ViewSync};
use crate::api::Shared;
use crate::error::Result;
use crate::storage::Key;
use crate::txn::Transaction;
use crate::types::Value;

/// Commits `txn`; returns its commit position.
pub(crate) fn commit(shared: &Shared, mut txn: Transaction) -> u64 {
    let effects = std::mem::take(&mut txn.sync);
    if effects.is_empty() {
        return shared.txns.commit(txn);
    }
    let local_txn = txn.id();
    let sync = &shared.sync;
    // Commit and queue under one lock, so the outbox is in commit order.
    let order = sync.commit_order.lock();
    let commit_ts = shared.txns.commit(txn);
    let mut per_key: HashMap<(u64, Key), u32> = HashMap::new();
    for attempt in effects.attempts.iter().filter(|a| a.staged) {
        *per_key
            .entry((attempt.view.table.id, attempt.key.clone()))
            .or_default() += 1;
    }
    for (view, key) in &effects.staged {
        let mut staging = view.staging.lock();
        if let Some(entry) = staging.keys.get_mut(key) {
            entry.stagers = entry.stagers.saturating_sub(1);
            entry.pending += per_key.remove(&(view.table.id, key.clone())).unwrap_or(0);
        }
    }
    if !effects.attempts.is_empty() {
        sync.enqueue(commit_ts, local_txn, effects.attempts);
    }
    drop(order);
    commit_ts
}

/// After `txn`'s writes were undone: releases the keys it staged, restoring the origin's row
/// where nothing else keeps a key staged.
pub(crate) fn rolled_back(shared: &Shared, effects: TxnEffects) {
    for (view, key) in effects.staged {
        let mut staging = view.staging.lock();
        if let Some(entry) = staging.keys.get_mut(&key) {
            entry.stagers = entry.stagers.saturating_sub(1);
        }
        let position = view.position_ordinal();
        if staging.keys.get(&key).is_some_and(|e| e.settled(position)) {
            let mut txn = shared.txns.begin();
            match settle(&view, &mut staging, &mut txn, Some(&key), position) {
                Ok(()) => {
                    commit_internal(shared, txn);
                }
                Err(_) => crate::api::rollback_transaction(shared, txn),
            }
        }
    }
}

/// Replaces settled staged rows (all of them, or just `only`) by the origin's row at the view's
/// position, and forgets them. Runs inside `txn`, under the view lock.
pub(crate) fn settle(
    view: &Arc<ViewSync>,
    staging: &mut Staging,
    txn: &mut Transaction,
    only: Option<&Key>,
    position: u64,
) -> Result<()> {
    let settled: Vec<Key> = staging
        .keys
        .iter()
        .filter(|(k, e)| only.is_none_or(|o| o == *k) && e.settled(position))
        .map(|(k, _)| k.clone())
        .collect();
    if settled.is_empty() {
        return Ok(());
    }
    let def = view.table.def();
    for key in settled {
        if let Some(entry) = staging.keys.remove(&key) {
            rows::set(&view.table, &def, txn, &key, entry.shadow)?;
        }
    }
    Ok(())
}

/// Commits an internal transaction of the sync machinery (inbound apply, outcome recording,
/// settling) and ends the rebase links of every mirror row it changed: transactions that start
/// after it see the new row, so their writes need no rebasing.
pub(crate) fn commit_internal(shared: &Shared, txn: Transaction) -> u64 {
    // What each changed mirror row shows after the transaction: its last created version's
    // `__version`, or no row (writes are in order; an update deletes, then creates).
    let views = shared.sync.views.read();
    let mut changed: HashMap<(u64, Key), Option<Option<String>>> = HashMap::new();
    for write in &txn.writes {
        match write {
            crate::txn::WriteRecord::Created {
                table,
                key,
                version,
            } => {
                if let Some(view) = views.get(&table.id) {
                    let shown = match version.value(view.spec.version_position, &Value::Null) {
                        Value::Text(t) => Some(t.to_string()),
                        _ => None,
                    };
                    changed.insert((table.id, key.clone()), Some(shown));
                }
            }
            crate::txn::WriteRecord::Deleted { table, key, .. } => {
                if views.contains_key(&table.id) {
                    changed.insert((table.id, key.clone()), None);
                }
            }
        }
    }
    drop(views);
    let position = shared.txns.commit(txn);
    if !changed.is_empty() {
        let mut chains = shared.sync.chains.lock();
        for ((view, key), shown) in changed {
            chains.close(view, &key, position, shown);
        }
    }
    position
}

/// Forgets rebase links that no open transaction or queued attempt can use.
pub(crate) fn prune_rebase_links(shared: &Shared) {
    let queued = shared
        .sync
        .outbox
        .lock()
        .iter()
        .flat_map(|b| b.attempts.iter().map(|a| a.snapshot))
        .min();
    let horizon = queued.map_or(shared.txns.horizon(), |q| q.min(shared.txns.horizon()));
    shared.sync.chains.lock().prune(horizon);
}

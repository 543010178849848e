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
                    shared.txns.commit(txn);
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

//! The change log: the row changes of every committed transaction, in commit order, for whoever
//! follows the database — the in-process origin of realtime views. It records nothing until
//! someone follows, and keeps entries only until every follower has acknowledged them.
//!
//! A follower starts by registering, then takes a snapshot: every commit after the snapshot's
//! timestamp is in the log, so a snapshot at `ts` and the log entries after `ts` meet exactly.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use parking_lot::Mutex;
use tokio::sync::Notify;

use super::{TxnId, WriteRecord};
use crate::catalog::{Table, TableId};
use crate::storage::{Key, RowVersion};

/// What happened to one row in a transaction (its net effect).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Insert,
    Update,
    Delete,
}

/// The net change of one row in one committed transaction.
#[derive(Debug, Clone)]
pub struct RowChange {
    pub table: Arc<Table>,
    pub kind: ChangeKind,
    /// The row before the transaction (update, delete).
    pub old: Option<Arc<RowVersion>>,
    /// The row after the transaction (insert, update).
    pub new: Option<Arc<RowVersion>>,
}

/// One committed transaction's changes.
#[derive(Debug, Clone)]
pub struct CommittedTransaction {
    pub commit_ts: u64,
    pub txn_id: TxnId,
    pub changes: Vec<RowChange>,
}

/// Identifies a follower of the change log.
pub type FollowerId = u64;

/// The log itself; owned by the transaction manager, which records into it at commit.
#[derive(Debug, Default)]
pub struct ChangeLog {
    followers: AtomicUsize,
    entries: Mutex<VecDeque<Arc<CommittedTransaction>>>,
    /// Each follower's acknowledged commit timestamp: entries at or below the smallest are gone.
    acknowledged: Mutex<HashMap<FollowerId, u64>>,
    next_follower: Mutex<FollowerId>,
    committed: Notify,
}

impl ChangeLog {
    /// True while someone follows (commits are recorded).
    pub fn is_followed(&self) -> bool {
        self.followers.load(Ordering::Acquire) > 0
    }

    /// Registers a follower that has seen everything up to `ts`.
    pub fn follow(&self, ts: u64) -> FollowerId {
        let mut next = self.next_follower.lock();
        *next += 1;
        let id = *next;
        self.acknowledged.lock().insert(id, ts);
        self.followers.fetch_add(1, Ordering::AcqRel);
        id
    }

    /// Stops following; entries nobody else needs are dropped.
    pub fn unfollow(&self, follower: FollowerId) {
        if self.acknowledged.lock().remove(&follower).is_some() {
            self.followers.fetch_sub(1, Ordering::AcqRel);
        }
        self.trim();
    }

    /// Records that `follower` has applied everything up to `ts`.
    pub fn acknowledge(&self, follower: FollowerId, ts: u64) {
        if let Some(acked) = self.acknowledged.lock().get_mut(&follower) {
            *acked = (*acked).max(ts);
        }
        self.trim();
    }

    /// The committed transactions after `ts`, oldest first, at most `max`.
    pub fn read_after(&self, ts: u64, max: usize) -> Vec<Arc<CommittedTransaction>> {
        let entries = self.entries.lock();
        let start = entries.partition_point(|t| t.commit_ts <= ts);
        entries.iter().skip(start).take(max).cloned().collect()
    }

    /// Waits until a transaction commits after `ts` (returns at once if one already has).
    pub async fn wait_after(&self, ts: u64) {
        loop {
            let notified = self.committed.notified();
            if self.entries.lock().back().is_some_and(|t| t.commit_ts > ts) {
                return;
            }
            notified.await;
        }
    }

    /// Appends a committed transaction (called by the commit, in commit order).
    pub(super) fn record(&self, commit_ts: u64, txn_id: TxnId, writes: &[WriteRecord]) {
        // Transactions whose writes cancel out are logged too (with no changes): followers
        // must see every commit position to know they have caught up.
        let changes = net_changes(writes);
        self.entries
            .lock()
            .push_back(Arc::new(CommittedTransaction {
                commit_ts,
                txn_id,
                changes,
            }));
        self.committed.notify_waiters();
    }

    fn trim(&self) {
        let horizon = self.acknowledged.lock().values().copied().min();
        let mut entries = self.entries.lock();
        match horizon {
            None => entries.clear(),
            Some(ts) => {
                let done = entries.partition_point(|t| t.commit_ts <= ts);
                entries.drain(..done);
            }
        }
    }
}

/// The net change per row of a transaction's writes: an update is the delete of the old version
/// plus the insert of the new one; a row inserted and deleted again leaves nothing.
fn net_changes(writes: &[WriteRecord]) -> Vec<RowChange> {
    type Slot = (Arc<Table>, Option<Arc<RowVersion>>, Option<Arc<RowVersion>>);
    let mut order: Vec<(TableId, Key)> = Vec::new();
    let mut rows: BTreeMap<(TableId, Key), Slot> = BTreeMap::new();
    for write in writes {
        let (table, key) = match write {
            WriteRecord::Created { table, key, .. } | WriteRecord::Deleted { table, key, .. } => {
                (table, key)
            }
        };
        let id = (table.id, key.clone());
        let slot = rows.entry(id.clone()).or_insert_with(|| {
            order.push(id);
            (table.clone(), None, None)
        });
        match write {
            WriteRecord::Created { version, .. } => slot.2 = Some(version.clone()),
            WriteRecord::Deleted { version, .. } => {
                if slot.2.as_ref().is_some_and(|new| Arc::ptr_eq(new, version)) {
                    slot.2 = None;
                } else if slot.1.is_none() {
                    slot.1 = Some(version.clone());
                }
            }
        }
    }
    order
        .into_iter()
        .filter_map(|id| {
            let (table, old, new) = rows.remove(&id)?;
            let kind = match (&old, &new) {
                (None, Some(_)) => ChangeKind::Insert,
                (Some(_), None) => ChangeKind::Delete,
                (Some(_), Some(_)) => ChangeKind::Update,
                (None, None) => return None,
            };
            Some(RowChange {
                table,
                kind,
                old,
                new,
            })
        })
        .collect()
}

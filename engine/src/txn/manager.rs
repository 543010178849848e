//! [`TxnManager`]: hands out transaction ids and snapshots, commits, and reclaims row versions
//! no snapshot can see any more.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use parking_lot::Mutex;

use super::{ChangeLog, Snapshot, Transaction, TxnId, WriteRecord};
use crate::catalog::Table;
use crate::storage::Key;

/// A row whose old versions become reclaimable once every snapshot is newer than `commit_ts`.
#[derive(Debug)]
struct Garbage {
    commit_ts: u64,
    table: Arc<Table>,
    key: Key,
}

/// Allocates transaction ids and commit timestamps for one database.
#[derive(Debug)]
pub struct TxnManager {
    next_txn_id: AtomicU64,
    last_commit_ts: AtomicU64,
    commit_lock: Mutex<()>,
    /// Snapshot timestamps of open transactions, with how many use each.
    active: Mutex<BTreeMap<u64, usize>>,
    /// Rows with versions deleted by committed transactions, oldest commit first.
    garbage: Mutex<VecDeque<Garbage>>,
    /// Committed row changes, for followers of the database.
    pub changes: ChangeLog,
}

impl Default for TxnManager {
    fn default() -> Self {
        TxnManager {
            next_txn_id: AtomicU64::new(1),
            last_commit_ts: AtomicU64::new(1),
            commit_lock: Mutex::new(()),
            active: Mutex::new(BTreeMap::new()),
            garbage: Mutex::new(VecDeque::new()),
            changes: ChangeLog::default(),
        }
    }
}

impl TxnManager {
    /// Starts a transaction with a fresh id and a snapshot of everything committed so far.
    pub fn begin(&self) -> Transaction {
        let id: TxnId = self.next_txn_id.fetch_add(1, Ordering::Relaxed);
        // Read the timestamp and register it together, so a concurrent vacuum never computes a
        // horizon past a snapshot that is about to exist.
        let mut active = self.active.lock();
        let ts = self.last_commit_ts.load(Ordering::Acquire);
        *active.entry(ts).or_default() += 1;
        drop(active);
        Transaction::new(Snapshot { txn_id: id, ts })
    }

    /// Commits: stamps every version the transaction created or deleted with one new commit
    /// timestamp, then publishes it. Returns the commit timestamp.
    pub fn commit(&self, txn: Transaction) -> u64 {
        if txn.writes.is_empty() {
            self.end(&txn);
            return self.last_commit_ts.load(Ordering::Acquire);
        }
        let guard = self.commit_lock.lock();
        let commit_ts = self.last_commit_ts.load(Ordering::Acquire) + 1;
        let mut garbage = Vec::new();
        for write in &txn.writes {
            match write {
                WriteRecord::Created { version, .. } => version.stamp_created(commit_ts),
                WriteRecord::Deleted {
                    table,
                    key,
                    version,
                } => {
                    version.stamp_deleted(commit_ts);
                    garbage.push(Garbage {
                        commit_ts,
                        table: table.clone(),
                        key: key.clone(),
                    });
                }
            }
        }
        self.last_commit_ts.store(commit_ts, Ordering::Release);
        // Log after publishing: a follower woken by this entry can take a snapshot that sees it.
        // Still under the commit lock, so the log stays in commit order.
        if self.changes.is_followed() {
            self.changes.record(commit_ts, txn.id(), &txn.writes);
        }
        drop(guard);
        self.garbage.lock().extend(garbage);
        self.end(&txn);
        self.vacuum();
        commit_ts
    }

    /// The position (commit timestamp) of the last commit.
    pub fn last_commit_position(&self) -> u64 {
        self.last_commit_ts.load(Ordering::Acquire)
    }

    /// Forgets a finished (committed or rolled back) transaction's snapshot.
    pub fn end(&self, txn: &Transaction) {
        let mut active = self.active.lock();
        if let Some(count) = active.get_mut(&txn.snapshot.ts) {
            *count -= 1;
            if *count == 0 {
                active.remove(&txn.snapshot.ts);
            }
        }
    }

    /// The oldest snapshot any open or future transaction can have.
    pub fn horizon(&self) -> u64 {
        let active = self.active.lock();
        active
            .keys()
            .next()
            .copied()
            .unwrap_or_else(|| self.last_commit_ts.load(Ordering::Acquire))
    }

    /// Prunes the rows whose deleted versions every snapshot has moved past.
    pub fn vacuum(&self) {
        let horizon = self.horizon();
        let due: Vec<Garbage> = {
            let mut garbage = self.garbage.lock();
            let ready = garbage
                .iter()
                .take_while(|g| g.commit_ts <= horizon)
                .count();
            garbage.drain(..ready).collect()
        };
        for item in due {
            let def = item.table.def();
            item.table.data.write().prune(&def, &item.key, horizon);
        }
    }
}

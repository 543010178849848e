//! [`TxnManager`]: hands out transaction ids and snapshots, and commits.

use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::Mutex;

use super::{Snapshot, Transaction, TxnId, WriteRecord};

/// Allocates transaction ids and commit timestamps for one database.
#[derive(Debug)]
pub struct TxnManager {
    next_txn_id: AtomicU64,
    last_commit_ts: AtomicU64,
    commit_lock: Mutex<()>,
}

impl Default for TxnManager {
    fn default() -> Self {
        TxnManager {
            next_txn_id: AtomicU64::new(1),
            last_commit_ts: AtomicU64::new(1),
            commit_lock: Mutex::new(()),
        }
    }
}

impl TxnManager {
    /// Starts a transaction with a fresh id and a snapshot of everything committed so far.
    pub fn begin(&self) -> Transaction {
        let id: TxnId = self.next_txn_id.fetch_add(1, Ordering::Relaxed);
        let ts = self.last_commit_ts.load(Ordering::Acquire);
        Transaction::new(Snapshot { txn_id: id, ts })
    }

    /// Commits: stamps every version the transaction created or deleted with one new commit
    /// timestamp, then publishes it. Returns the commit timestamp.
    pub fn commit(&self, txn: Transaction) -> u64 {
        if txn.writes.is_empty() {
            return self.last_commit_ts.load(Ordering::Acquire);
        }
        let _guard = self.commit_lock.lock();
        let commit_ts = self.last_commit_ts.load(Ordering::Acquire) + 1;
        for write in &txn.writes {
            match write {
                WriteRecord::Created { version, .. } => version.stamp_created(commit_ts),
                WriteRecord::Deleted { version } => version.stamp_deleted(commit_ts),
            }
        }
        self.last_commit_ts.store(commit_ts, Ordering::Release);
        commit_ts
    }
}

//! [`RowVersion`]: one immutable version of a row, stamped with the transactions that created
//! and (possibly) deleted it, and the visibility rule of snapshot isolation.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::txn::{Snapshot, TxnId};
use crate::types::Value;

/// Commit timestamp meaning "the creating transaction rolled back".
pub const ABORTED: u64 = u64::MAX;

/// One version of a row. Values never change after creation; only the stamps do, once: the
/// creator's commit timestamp, and the deleter's id and commit timestamp.
#[derive(Debug)]
pub struct RowVersion {
    /// Id of the transaction that created this version (the `xmin` system column).
    pub xmin: TxnId,
    /// Commit timestamp of `xmin`; 0 while in progress, [`ABORTED`] after rollback.
    created: AtomicU64,
    /// Id of the transaction that deleted or replaced this version; 0 = none.
    xmax: AtomicU64,
    /// Commit timestamp of `xmax`; 0 until it commits.
    deleted: AtomicU64,
    /// The row's physical column values (may be shorter than the table after ADD COLUMN).
    pub values: Box<[Value]>,
}

/// Why a version could not be locked for update or delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockFailure {
    /// Another transaction deleted or replaced it (in progress, or committed after our snapshot).
    Concurrent,
    /// This transaction already deleted it.
    AlreadyMine,
}

impl RowVersion {
    /// A version created by `xmin`, not yet committed.
    pub fn new(xmin: TxnId, values: Box<[Value]>) -> Self {
        RowVersion {
            xmin,
            created: AtomicU64::new(0),
            xmax: AtomicU64::new(0),
            deleted: AtomicU64::new(0),
            values,
        }
    }

    /// A version already committed at `commit_ts` (test fixtures).
    #[cfg(test)]
    pub fn committed(xmin: TxnId, commit_ts: u64, values: Box<[Value]>) -> Self {
        let version = RowVersion::new(xmin, values);
        version.created.store(commit_ts, Ordering::Release);
        version
    }

    /// Snapshot isolation: visible if created by us or committed at or before the snapshot, and
    /// not deleted by us or by a transaction committed at or before the snapshot.
    #[inline]
    pub fn is_visible(&self, snapshot: &Snapshot) -> bool {
        if self.xmin != snapshot.txn_id {
            let created = self.created.load(Ordering::Acquire);
            if created == 0 || created == ABORTED || created > snapshot.ts {
                return false;
            }
        }
        let xmax = self.xmax.load(Ordering::Acquire);
        if xmax == 0 {
            return true;
        }
        if xmax == snapshot.txn_id {
            return false;
        }
        let deleted = self.deleted.load(Ordering::Acquire);
        deleted == 0 || deleted > snapshot.ts
    }

    /// True while the version may still be (or become) the live row for some transaction:
    /// not rolled back, and not deleted by a committed transaction.
    pub fn is_live_or_pending(&self) -> bool {
        let created = self.created.load(Ordering::Acquire);
        if created == ABORTED {
            return false;
        }
        let xmax = self.xmax.load(Ordering::Acquire);
        xmax == 0 || self.deleted.load(Ordering::Acquire) == 0
    }

    /// True if the creating transaction has committed.
    pub fn is_committed(&self) -> bool {
        let created = self.created.load(Ordering::Acquire);
        created != 0 && created != ABORTED
    }

    /// Claims the version for deletion by `txn` (first updater wins, no waiting).
    pub fn lock_for_delete(&self, txn: TxnId) -> Result<(), LockFailure> {
        match self
            .xmax
            .compare_exchange(0, txn, Ordering::AcqRel, Ordering::Acquire)
        {
            Ok(_) => Ok(()),
            Err(holder) if holder == txn => Err(LockFailure::AlreadyMine),
            Err(_) => Err(LockFailure::Concurrent),
        }
    }

    /// Commit of the creator.
    pub fn stamp_created(&self, commit_ts: u64) {
        self.created.store(commit_ts, Ordering::Release);
    }

    /// Commit of the deleter.
    pub fn stamp_deleted(&self, commit_ts: u64) {
        self.deleted.store(commit_ts, Ordering::Release);
    }

    /// Rollback of the creator.
    pub fn mark_aborted(&self) {
        self.created.store(ABORTED, Ordering::Release);
    }

    /// Rollback of the deleter `txn`: the version is live again.
    pub fn release_delete(&self, txn: TxnId) {
        let _ = self
            .xmax
            .compare_exchange(txn, 0, Ordering::AcqRel, Ordering::Acquire);
    }

    /// The value of physical column `position`, or `missing` for columns added later.
    #[inline]
    pub fn value<'a>(&'a self, position: usize, missing: &'a Value) -> &'a Value {
        self.values.get(position).unwrap_or(missing)
    }
}

impl RowVersion {
    /// The id of the deleting transaction, 0 if none.
    pub fn xmax(&self) -> TxnId {
        self.xmax.load(Ordering::Acquire)
    }

    /// True if `txn` deleted this version.
    pub fn deleted_by(&self, txn: TxnId) -> bool {
        self.xmax() == txn
    }

    /// True if the version can never be seen again: its deletion committed at or before
    /// `horizon` (the oldest snapshot still in use), or its creator rolled back.
    pub fn is_dead(&self, horizon: u64) -> bool {
        if self.created.load(Ordering::Acquire) == ABORTED {
            return true;
        }
        let deleted = self.deleted.load(Ordering::Acquire);
        deleted != 0 && deleted <= horizon
    }
}

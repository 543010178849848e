//! Transactions: ids, commit timestamps, snapshots, and the undo log that makes rollback work.
//!
//! Every transaction gets a 64-bit id (stored as `xmin` on the versions it creates) and a
//! snapshot: the commit timestamp of the last transaction committed when it started. Commits are
//! serialised by a short lock that stamps the transaction's versions and then publishes the new
//! timestamp, so a snapshot sees all of a commit or none of it.

mod change_log;
mod manager;
mod transaction;

pub use change_log::{ChangeKind, ChangeLog, CommittedTransaction, FollowerId, RowChange};
pub use manager::TxnManager;
pub use transaction::{CatalogUndo, Transaction, WriteRecord};

/// A transaction id: the `xmin` of the row versions it creates.
pub type TxnId = u64;

/// What a transaction may see: versions committed at or before `ts`, plus its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Snapshot {
    pub txn_id: TxnId,
    pub ts: u64,
}

#[cfg(test)]
mod vacuum_tests;

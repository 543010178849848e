//! Following a database's committed changes: [`ChangeFollower`] reads, in commit order, the net
//! row changes of every transaction committed after its position. This is what the in-process
//! origin streams to realtime views, and it is usable on its own (a local change feed).
//!
//! Consistent start: call [`Database::follow_changes`] first, then take a snapshot (`BEGIN` and
//! read, noting [`crate::Session::snapshot_position`]); the changes after that position are exactly
//! the ones the snapshot does not contain.

use std::sync::Arc;

use super::Database;
pub use crate::txn::ChangeKind;
use crate::txn::{CommittedTransaction, FollowerId, RowChange};
use crate::types::Value;

/// One committed transaction's changes, in a follower's view.
#[derive(Debug, Clone, PartialEq)]
pub struct CommittedChanges {
    /// The commit's position: a snapshot at this position contains the transaction.
    pub position: u64,
    /// The committing transaction's id (the `xmin` of the rows it wrote).
    pub txn_id: u64,
    pub changes: Vec<TableChange>,
}

/// The net change of one row in a transaction, with the row's visible columns in table order.
#[derive(Debug, Clone, PartialEq)]
pub struct TableChange {
    pub schema: String,
    pub table: String,
    pub kind: ChangeKind,
    /// The row before (update, delete).
    pub old: Option<Vec<Value>>,
    /// The row after (insert, update).
    pub new: Option<Vec<Value>>,
    /// The `xmin` of the old row version.
    pub old_version: Option<u64>,
    /// The `xmin` of the new row version.
    pub new_version: Option<u64>,
}

/// A registered reader of the change log. Entries are kept until every follower has
/// acknowledged them; dropping the follower stops following.
#[derive(Debug)]
pub struct ChangeFollower {
    db: Database,
    id: FollowerId,
    position: u64,
}

impl Database {
    /// Starts following committed changes from the current position.
    pub fn follow_changes(&self) -> ChangeFollower {
        let txns = &self.shared.txns;
        let position = txns.last_commit_position();
        let id = txns.changes.follow(position);
        ChangeFollower {
            db: self.clone(),
            id,
            position,
        }
    }
}

impl ChangeFollower {
    /// The position up to which changes have been read.
    pub fn position(&self) -> u64 {
        self.position
    }

    /// Skips ahead to `position` (e.g. the position of a snapshot taken after following).
    pub fn seek(&mut self, position: u64) {
        self.position = self.position.max(position);
        self.acknowledge(self.position);
    }

    /// Reads up to `max` committed transactions after the current position, without waiting.
    pub fn poll(&mut self, max: usize) -> Vec<CommittedChanges> {
        let batch = self.db.shared.txns.changes.read_after(self.position, max);
        if let Some(last) = batch.last() {
            self.position = last.commit_ts;
        }
        batch.iter().map(describe).collect()
    }

    /// Waits for the next committed transaction after the current position and reads it.
    pub async fn next(&mut self) -> CommittedChanges {
        loop {
            if let Some(changes) = self.poll(1).pop() {
                return changes;
            }
            self.db.shared.txns.changes.wait_after(self.position).await;
        }
    }

    /// Lets the log drop what this follower has applied, up to `position`.
    pub fn acknowledge(&self, position: u64) {
        self.db.shared.txns.changes.acknowledge(self.id, position);
    }
}

impl Drop for ChangeFollower {
    fn drop(&mut self) {
        self.db.shared.txns.changes.unfollow(self.id);
    }
}

fn describe(txn: &Arc<CommittedTransaction>) -> CommittedChanges {
    CommittedChanges {
        position: txn.commit_ts,
        txn_id: txn.txn_id,
        changes: txn.changes.iter().map(describe_row).collect(),
    }
}

fn describe_row(change: &RowChange) -> TableChange {
    let def = change.table.def();
    let values = |version: &Option<Arc<crate::storage::RowVersion>>| {
        version.as_ref().map(|v| {
            def.visible_columns()
                .map(|(p, c)| v.value(p, &c.missing).clone())
                .collect()
        })
    };
    TableChange {
        schema: def.schema.clone(),
        table: def.name.clone(),
        kind: change.kind,
        old: values(&change.old),
        new: values(&change.new),
        old_version: change.old.as_ref().map(|v| v.xmin),
        new_version: change.new.as_ref().map(|v| v.xmin),
    }
}

//! [`Transaction`]: one open transaction's snapshot, its row writes and its catalog changes,
//! which are undone in reverse order on rollback.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::Snapshot;
use crate::catalog::{Relation, Table, TableDef};
use crate::storage::{Key, RowVersion};

/// A row-level change made by a transaction.
#[derive(Debug)]
pub enum WriteRecord {
    /// A new version (insert, or the new side of an update).
    Created {
        table: Arc<Table>,
        key: Key,
        version: Arc<RowVersion>,
    },
    /// A version this transaction deleted (delete, or the old side of an update).
    Deleted {
        table: Arc<Table>,
        key: Key,
        version: Arc<RowVersion>,
    },
}

/// A catalog change to undo on rollback.
#[derive(Debug)]
pub enum CatalogUndo {
    /// A relation was created: remove it.
    Created { schema: String, name: String },
    /// A relation was dropped: put it back.
    Dropped {
        schema: String,
        name: String,
        relation: Relation,
    },
    /// A table's definition was replaced: restore it (and the index data alongside).
    DefinitionChanged {
        table: Arc<Table>,
        previous: Arc<TableDef>,
        previous_indexes: Option<Vec<crate::storage::IndexData>>,
    },
    /// A relation was renamed: rename it back.
    Renamed {
        schema: String,
        from: String,
        to: String,
    },
    /// A schema was created: remove it.
    SchemaCreated { name: String },
    /// A schema was dropped: put it back.
    SchemaDropped {
        name: String,
        schema: crate::catalog::Schema,
    },
}

/// An open transaction.
#[derive(Debug)]
pub struct Transaction {
    pub snapshot: Snapshot,
    /// Wall-clock start, the value of `now()`: set by BEGIN for a transaction block, else by
    /// the first statement (so a one-statement transaction reads the clock once).
    pub start_time: Option<DateTime<Utc>>,
    pub writes: Vec<WriteRecord>,
    pub catalog_undo: Vec<CatalogUndo>,
    /// Opened by BEGIN (a transaction block) rather than for one statement.
    pub explicit: bool,
    /// Write attempts and staged rows to hand to the sync machinery at commit or rollback.
    pub sync: crate::sync::TxnEffects,
}

impl Transaction {
    pub(super) fn new(snapshot: Snapshot) -> Self {
        Transaction {
            snapshot,
            start_time: None,
            writes: Vec::new(),
            catalog_undo: Vec::new(),
            explicit: false,
            sync: crate::sync::TxnEffects::default(),
        }
    }

    /// The transaction's start time; one that has none yet starts at `now`.
    pub fn start_time_or(&mut self, now: DateTime<Utc>) -> DateTime<Utc> {
        *self.start_time.get_or_insert(now)
    }

    /// The transaction's id.
    pub fn id(&self) -> u64 {
        self.snapshot.txn_id
    }
}

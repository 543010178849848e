//! [`Table`]: a table's current definition, its stored data and its identity sequences.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use parking_lot::{Mutex, RwLock};

use super::TableDef;
use crate::error::{Error, Result};
use crate::storage::TableData;

/// Identifies a table for the lifetime of the database.
pub type TableId = u64;

/// A table: definition (swapped whole by ALTER TABLE), data, and sequences of identity columns.
pub struct Table {
    pub id: TableId,
    def: RwLock<Arc<TableDef>>,
    pub data: RwLock<TableData>,
    /// Last value handed out per identity column (physical position). Not transactional, as in
    /// PostgreSQL: a rolled-back insert leaves a gap.
    sequences: Mutex<HashMap<usize, i64>>,
}

impl fmt::Debug for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Table")
            .field("id", &self.id)
            .field("name", &self.def().name)
            .finish()
    }
}

impl Table {
    /// A new empty table.
    pub fn new(id: TableId, def: TableDef) -> Self {
        let data = TableData::new(def.indexes.len());
        Table {
            id,
            def: RwLock::new(Arc::new(def)),
            data: RwLock::new(data),
            sequences: Mutex::default(),
        }
    }

    /// The current definition.
    pub fn def(&self) -> Arc<TableDef> {
        self.def.read().clone()
    }

    /// Replaces the definition (ALTER TABLE, CREATE/DROP INDEX); returns the previous one.
    pub fn replace_def(&self, def: TableDef) -> Arc<TableDef> {
        std::mem::replace(&mut *self.def.write(), Arc::new(def))
    }

    /// Restores a previous definition (rollback of DDL).
    pub fn restore_def(&self, def: Arc<TableDef>) {
        *self.def.write() = def;
    }

    /// The next value of the identity column at `position`.
    pub fn next_sequence_value(&self, position: usize) -> Result<i64> {
        let mut sequences = self.sequences.lock();
        let current = sequences.entry(position).or_insert(0);
        *current = current.checked_add(1).ok_or_else(|| {
            Error::DataException("nextval: reached maximum value of sequence".into())
        })?;
        Ok(*current)
    }
}

//! Row-level writes the sync machinery makes on mirror tables and on `tether.write_attempts`,
//! inside a local transaction: set a key's row to given values (insert, replace or delete),
//! bypassing the view write path that user statements take.

use std::sync::Arc;

use crate::catalog::{Table, TableDef};
use crate::error::Result;
use crate::executor::dml::primary_key;
use crate::storage::{Key, RowVersion, TableData};

/// The versions of one key in a table's row map.
pub type Chain = smallvec::SmallVec<[Arc<RowVersion>; 1]>;
use crate::txn::{Transaction, WriteRecord};
use crate::types::Value;

/// The version of `key` the transaction sees, if any.
pub fn visible(table: &Table, key: &[Value], txn: &Transaction) -> Option<Arc<RowVersion>> {
    table.data.read().visible(key, &txn.snapshot).cloned()
}

/// The stored values of a version, one per physical column.
pub fn values_of(def: &TableDef, version: &RowVersion) -> Vec<Value> {
    def.columns
        .iter()
        .enumerate()
        .map(|(p, c)| version.value(p, &c.missing).clone())
        .collect()
}

/// Inserts a new row under `key`.
pub fn insert(
    table: &Arc<Table>,
    def: &TableDef,
    txn: &mut Transaction,
    key: Key,
    values: Vec<Value>,
) -> Result<Arc<RowVersion>> {
    let version = Arc::new(RowVersion::new(txn.id(), values.into_boxed_slice()));
    table
        .data
        .write()
        .insert(def, key.clone(), version.clone(), &txn.snapshot)?;
    txn.writes.push(WriteRecord::Created {
        table: table.clone(),
        key,
        version: version.clone(),
    });
    Ok(version)
}

/// Fills an empty table with new versions of `txn` (a first snapshot), under its write lock,
/// which the caller holds (`data`); the transaction already has their write records. Keys in
/// strictly ascending order and no secondary index: the row map is built in one pass, from
/// the entries as they are.
pub fn fill_empty(
    data: &mut TableData,
    def: &TableDef,
    txn: &Transaction,
    rows: Vec<(Key, Chain)>,
    ascending: bool,
) -> Result<()> {
    if data.rows.is_empty() && def.indexes.is_empty() && ascending {
        data.rows = rows.into_iter().collect();
    } else {
        for (key, chain) in rows {
            for version in chain {
                data.insert(def, key.clone(), version, &txn.snapshot)?;
            }
        }
    }
    Ok(())
}

/// Deletes the version `version` of `key`.
pub fn delete(
    table: &Arc<Table>,
    txn: &mut Transaction,
    key: Key,
    version: Arc<RowVersion>,
) -> Result<()> {
    table.data.read().delete(&version, &txn.snapshot)?;
    txn.writes.push(WriteRecord::Deleted {
        table: table.clone(),
        key,
        version,
    });
    Ok(())
}

/// Makes the row of `key` hold `values` (`None`: no row), writing only if it changes.
pub fn set(
    table: &Arc<Table>,
    def: &TableDef,
    txn: &mut Transaction,
    key: &Key,
    values: Option<Vec<Value>>,
) -> Result<()> {
    set_locked(
        &mut table.data.write(),
        table,
        def,
        txn,
        key.clone(),
        values,
    )
}

/// [`set`] under the table's write lock, which the caller holds (`data`): many rows are set
/// under one lock.
pub fn set_locked(
    data: &mut TableData,
    table: &Arc<Table>,
    def: &TableDef,
    txn: &mut Transaction,
    key: Key,
    values: Option<Vec<Value>>,
) -> Result<()> {
    let current = data.visible(&key, &txn.snapshot).cloned();
    match (current, values) {
        (None, None) => Ok(()),
        (Some(old), None) => {
            data.delete(&old, &txn.snapshot)?;
            txn.writes.push(WriteRecord::Deleted {
                table: table.clone(),
                key,
                version: old,
            });
            Ok(())
        }
        (None, Some(values)) => {
            let version = Arc::new(RowVersion::new(txn.id(), values.into_boxed_slice()));
            data.insert(def, key.clone(), version.clone(), &txn.snapshot)?;
            txn.writes.push(WriteRecord::Created {
                table: table.clone(),
                key,
                version,
            });
            Ok(())
        }
        (Some(old), Some(values)) => {
            if holds(def, &old, &values) {
                return Ok(());
            }
            let new_key = if def.primary_key.is_empty() {
                key.clone()
            } else {
                primary_key(def, &values)
            };
            let version = Arc::new(RowVersion::new(txn.id(), values.into_boxed_slice()));
            data.update(
                def,
                &key,
                &old,
                new_key.clone(),
                version.clone(),
                &txn.snapshot,
            )?;
            txn.writes.push(WriteRecord::Deleted {
                table: table.clone(),
                key,
                version: old,
            });
            txn.writes.push(WriteRecord::Created {
                table: table.clone(),
                key: new_key,
                version,
            });
            Ok(())
        }
    }
}

/// Whether a version holds exactly `values`, compared in place.
fn holds(def: &TableDef, version: &RowVersion, values: &[Value]) -> bool {
    def.columns.len() == values.len()
        && def
            .columns
            .iter()
            .zip(values)
            .enumerate()
            .all(|(p, (c, v))| version.value(p, &c.missing) == v)
}

//! Row-level writes the sync machinery makes on mirror tables and on `tether.write_attempts`,
//! inside a local transaction: set a key's row to given values (insert, replace or delete),
//! bypassing the view write path that user statements take.

use std::sync::Arc;

use crate::catalog::{Table, TableDef};
use crate::error::Result;
use crate::executor::dml::replace_row;
use crate::storage::{Key, RowVersion};
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

/// Inserts many new rows under one write lock (a first snapshot).
pub fn insert_all(
    table: &Arc<Table>,
    def: &TableDef,
    txn: &mut Transaction,
    rows: Vec<(Key, Vec<Value>)>,
) -> Result<()> {
    let mut data = table.data.write();
    txn.writes.reserve(rows.len());
    for (key, values) in rows {
        let version = Arc::new(RowVersion::new(txn.id(), values.into_boxed_slice()));
        data.insert(def, key.clone(), version.clone(), &txn.snapshot)?;
        txn.writes.push(WriteRecord::Created {
            table: table.clone(),
            key,
            version,
        });
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
    let current = visible(table, key, txn);
    match (current, values) {
        (None, None) => Ok(()),
        (Some(old), None) => delete(table, txn, key.clone(), old),
        (None, Some(values)) => insert(table, def, txn, key.clone(), values).map(|_| ()),
        (Some(old), Some(values)) => {
            if values_of(def, &old) == values {
                return Ok(());
            }
            let snapshot = txn.snapshot;
            replace_row(
                table,
                def,
                txn,
                &snapshot,
                key,
                &old,
                values.into_boxed_slice(),
            )
            .map(|_| ())
        }
    }
}

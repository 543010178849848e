//! UPDATE: computes each target's new row, then replaces the old version with it.

use std::sync::Arc;

use super::super::EvalContext;
use super::row::prepare_row;
use super::{apply_to_targets, primary_key};
use crate::binder::UpdatePlan;
use crate::catalog::{Table, TableDef};
use crate::error::Result;
use crate::storage::{Key, RowVersion};
use crate::txn::{Snapshot, Transaction, WriteRecord};
use crate::types::Value;

/// Runs an UPDATE; returns the number of rows and the RETURNING rows.
pub fn execute_update(
    plan: &UpdatePlan,
    txn: &mut Transaction,
    ctx: &EvalContext,
) -> Result<(u64, Vec<Vec<Value>>)> {
    apply_to_targets(&plan.target, ctx, |target| {
        let mut values: Vec<Value> = target.row[..plan.target.def.width()].to_vec();
        for (position, expr) in &plan.assignments {
            values[*position] = expr.eval(&target.row, ctx)?;
        }
        let new_values = prepare_row(&plan.target.def, values, ctx)?;
        replace_row(
            &plan.target.table,
            &plan.target.def,
            txn,
            &ctx.snapshot,
            &target.key,
            &target.version,
            new_values,
        )
    })
}

/// Replaces `old` (under `old_key`) with a new version holding `values`, logging both sides.
pub fn replace_row(
    table: &Arc<Table>,
    def: &TableDef,
    txn: &mut Transaction,
    snapshot: &Snapshot,
    old_key: &Key,
    old: &Arc<RowVersion>,
    values: Box<[Value]>,
) -> Result<Arc<RowVersion>> {
    let new_key = if def.primary_key.is_empty() {
        old_key.clone()
    } else {
        primary_key(def, &values)
    };
    let version = Arc::new(RowVersion::new(txn.id(), values));
    table.data.write().update(
        def,
        old_key,
        old,
        new_key.clone(),
        version.clone(),
        snapshot,
    )?;
    txn.writes.push(WriteRecord::Deleted {
        table: table.clone(),
        key: old_key.clone(),
        version: old.clone(),
    });
    txn.writes.push(WriteRecord::Created {
        table: table.clone(),
        key: new_key,
        version: version.clone(),
    });
    Ok(version)
}

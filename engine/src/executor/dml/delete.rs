//! DELETE: marks each target version deleted by this transaction.

use super::super::ExecContext;
use super::{collect_targets, returning_row};
use crate::binder::DeletePlan;
use crate::error::Result;
use crate::txn::{Transaction, WriteRecord};
use crate::types::Value;

/// Runs a DELETE; returns the number of rows and the RETURNING rows.
pub fn execute_delete(
    plan: &DeletePlan,
    txn: &mut Transaction,
    ctx: &ExecContext,
) -> Result<(u64, Vec<Vec<Value>>)> {
    let targets = collect_targets(
        &plan.table,
        &plan.def,
        &plan.access,
        plan.filter.as_ref(),
        ctx,
    )?;
    let mut returned = Vec::new();
    for target in &targets {
        plan.table
            .data
            .read()
            .delete(&target.version, &ctx.snapshot)?;
        txn.writes.push(WriteRecord::Deleted {
            version: target.version.clone(),
        });
        if let Some(returning) = &plan.returning {
            let physical = &target.row[..plan.def.width()];
            returned.push(returning_row(
                returning,
                physical,
                target.version.xmin,
                ctx,
            )?);
        }
    }
    Ok((targets.len() as u64, returned))
}

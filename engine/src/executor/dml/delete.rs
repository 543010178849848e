//! DELETE: marks each target version deleted by this transaction.

use super::super::EvalContext;
use super::apply_to_targets;
use crate::binder::DeletePlan;
use crate::error::Result;
use crate::txn::{Transaction, WriteRecord};
use crate::types::Value;

/// Runs a DELETE; returns the number of rows and the RETURNING rows.
pub fn execute_delete(
    plan: &DeletePlan,
    txn: &mut Transaction,
    ctx: &EvalContext,
) -> Result<(u64, Vec<Vec<Value>>)> {
    apply_to_targets(&plan.target, ctx, |target| {
        plan.target
            .table
            .data
            .read()
            .delete(&target.version, &ctx.snapshot)?;
        txn.writes.push(WriteRecord::Deleted {
            table: plan.target.table.clone(),
            key: target.key.clone(),
            version: target.version.clone(),
        });
        Ok(target.version.clone())
    })
}

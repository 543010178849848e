//! DML execution: INSERT, UPDATE and DELETE. Target rows are collected before anything is
//! written, so a statement never sees its own new versions; each write is recorded in the
//! transaction's write log for commit stamping or rollback.

mod delete;
mod insert;
mod row;
mod update;

pub use delete::execute_delete;
pub use insert::{execute_insert, source_rows};
pub use row::prepare_row;
pub use update::{execute_update, replace_row};

use std::sync::Arc;

use super::scan::{look_up, point_key, version_row, ScanSource};
use super::{EvalContext, Tuple};
use crate::binder::{Returning, TargetRows};
use crate::catalog::{Table, TableDef};
use crate::error::Result;
use crate::expr::{eval_predicate, Expr};
use crate::planner::AccessPath;
use crate::storage::{Key, RowVersion, ScanBatch};
use crate::types::Value;

/// A row a DML statement will change: its key, the version seen, and the scan row.
pub struct Target {
    pub key: Key,
    pub version: Arc<RowVersion>,
    pub row: Tuple,
}

/// Finds the rows of `table` that the filter accepts.
pub fn collect_targets(
    table: &Arc<Table>,
    def: &Arc<TableDef>,
    access: &AccessPath,
    filter: Option<&Expr>,
    ctx: &EvalContext,
) -> Result<Vec<Target>> {
    let mut targets = Vec::new();
    if let Some(key) = point_key(access, def, ctx)? {
        if let Some(version) = look_up(table, &key, &ctx.snapshot) {
            let key = key.into_iter().collect();
            push_target(&mut targets, def, filter, key, version, ctx)?;
        }
        return Ok(targets);
    }
    let mut source = ScanSource::open(
        table.clone(),
        def.clone(),
        access,
        ctx,
        ScanBatch::new(true),
    )?;
    while source.fill(&ctx.snapshot) {
        let versions = std::mem::take(&mut source.sink.versions);
        let keys = source
            .sink
            .keys
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default();
        if keys.len() != versions.len() {
            return Err(crate::error::Error::Internal(
                "a scan opened with keys returned none".into(),
            ));
        }
        for (key, version) in keys.into_iter().zip(versions) {
            push_target(&mut targets, def, filter, key, version, ctx)?;
        }
    }
    Ok(targets)
}

/// Adds the row `version` under `key` to `targets` if the filter accepts it.
fn push_target(
    targets: &mut Vec<Target>,
    def: &TableDef,
    filter: Option<&Expr>,
    key: Key,
    version: Arc<RowVersion>,
    ctx: &EvalContext,
) -> Result<()> {
    let row = version_row(def, &version);
    if let Some(f) = filter {
        if !eval_predicate(f, &row, ctx)? {
            return Ok(());
        }
    }
    targets.push(Target { key, version, row });
    Ok(())
}

/// The rows an UPDATE or DELETE targets.
pub fn collect_target_rows(write: &TargetRows, ctx: &EvalContext) -> Result<Vec<Target>> {
    collect_targets(
        &write.table,
        &write.def,
        &write.access,
        write.filter.as_ref(),
        ctx,
    )
}

/// The RETURNING row for a written (or deleted) version.
pub fn returning_row(
    returning: &Returning,
    def: &TableDef,
    version: &RowVersion,
    ctx: &EvalContext,
) -> Result<Tuple> {
    let row = version_row(def, version);
    returning.exprs.iter().map(|e| e.eval(&row, ctx)).collect()
}

/// Collects the targets of `write`, then calls `apply` on each; `apply` returns the version
/// RETURNING reads (the new one for UPDATE, the deleted one for DELETE). Returns the row count
/// and the RETURNING rows.
pub fn apply_to_targets(
    write: &TargetRows,
    ctx: &EvalContext,
    mut apply: impl FnMut(&Target) -> Result<Arc<RowVersion>>,
) -> Result<(u64, Vec<Tuple>)> {
    let targets = collect_target_rows(write, ctx)?;
    let mut returned = Vec::new();
    for target in &targets {
        let version = apply(target)?;
        if let Some(returning) = &write.returning {
            returned.push(returning_row(returning, &write.def, &version, ctx)?);
        }
    }
    Ok((targets.len() as u64, returned))
}

/// The storage key of a row: its primary key values.
pub fn primary_key(def: &TableDef, values: &[Value]) -> Key {
    def.primary_key
        .iter()
        .map(|&p| values.get(p).cloned().unwrap_or(Value::Null))
        .collect()
}

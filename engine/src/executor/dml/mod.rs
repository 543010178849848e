//! DML execution: INSERT, UPDATE and DELETE. Target rows are collected before anything is
//! written, so a statement never sees its own new versions; each write is recorded in the
//! transaction's write log for commit stamping or rollback.

mod delete;
mod insert;
mod row;
mod update;

pub use delete::execute_delete;
pub use insert::execute_insert;
pub use update::execute_update;

use std::sync::Arc;

use super::scan::{version_row, ScanSource};
use super::{ExecContext, Tuple};
use crate::binder::Returning;
use crate::catalog::{Table, TableDef};
use crate::error::Result;
use crate::expr::{eval_predicate, Expr};
use crate::planner::AccessPath;
use crate::storage::{Key, RowVersion};
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
    ctx: &ExecContext,
) -> Result<Vec<Target>> {
    let mut source = ScanSource::open(table.clone(), def.clone(), access, &ctx.eval)?;
    let mut targets = Vec::new();
    while let Some((key, version)) = source.next(&ctx.snapshot) {
        let row = version_row(def, &version);
        if let Some(f) = filter {
            if !eval_predicate(f, &row, &ctx.eval)? {
                continue;
            }
        }
        targets.push(Target { key, version, row });
    }
    Ok(targets)
}

/// The RETURNING row for a written row (physical values; `xmin` appended here).
pub fn returning_row(
    returning: &Returning,
    values: &[Value],
    xmin: u64,
    ctx: &ExecContext,
) -> Result<Tuple> {
    let mut row = values.to_vec();
    row.push(Value::Int64(xmin as i64));
    returning
        .exprs
        .iter()
        .map(|e| e.eval(&row, &ctx.eval))
        .collect()
}

/// The storage key of a row: its primary key values.
pub fn primary_key(def: &TableDef, values: &[Value]) -> Key {
    def.primary_key
        .iter()
        .map(|&p| values.get(p).cloned().unwrap_or(Value::Null))
        .collect()
}

//! INSERT: builds each new row (explicit values, defaults, identity values), enforces the
//! constraints and keys, and resolves ON CONFLICT.

use std::sync::Arc;

use smallvec::{smallvec, SmallVec};

use super::super::{collect, EvalContext};
use super::row::{default_value, prepare_row};
use super::update::replace_row;
use super::{primary_key, returning_row};
use std::collections::HashSet;

use crate::binder::{ConflictAction, InsertPlan, InsertSource};
use crate::catalog::TableDef;
use crate::error::{Error, Result};
use crate::expr::{eval_predicate, Expr};
use crate::storage::{Key, KeyRange, RowVersion, ScanBatch};
use crate::txn::{Transaction, WriteRecord};
use crate::types::Value;

/// Runs an INSERT; returns the number of rows written and the RETURNING rows.
pub fn execute_insert(
    plan: &InsertPlan,
    txn: &mut Transaction,
    ctx: &EvalContext,
) -> Result<(u64, Vec<Vec<Value>>)> {
    let mut count = 0u64;
    let mut returned = Vec::new();
    let mut written = HashSet::new();
    let mut write = |values: Box<[Value]>| -> Result<()> {
        if let Some(version) = insert_row(plan, txn, ctx, values, &mut written)? {
            count += 1;
            if let Some(returning) = &plan.returning {
                returned.push(returning_row(returning, &plan.def, &version, ctx)?);
            }
        }
        Ok(())
    };
    match &plan.source {
        // One VALUES row is built straight from its expressions. Several are all evaluated
        // before the first is written, so no row's expressions see another row.
        InsertSource::Values(rows) if rows.len() == 1 => {
            let given = rows[0]
                .iter()
                .map(|e| e.as_ref().map(|e| e.eval(&[], ctx)).transpose());
            write(build_row(plan, given, ctx)?)?;
        }
        _ => {
            for source in source_rows(plan, ctx)? {
                write(build_row(plan, source.into_iter().map(Ok), ctx)?)?;
            }
        }
    }
    Ok((count, returned))
}

/// The rows an INSERT's source gives: one value per target column, `None` for DEFAULT.
pub fn source_rows(plan: &InsertPlan, ctx: &EvalContext) -> Result<Vec<Vec<Option<Value>>>> {
    Ok(match &plan.source {
        InsertSource::Values(rows) => rows
            .iter()
            .map(|row| {
                row.iter()
                    .map(|e| e.as_ref().map(|e| e.eval(&[], ctx)).transpose())
                    .collect::<Result<Vec<_>>>()
            })
            .collect::<Result<_>>()?,
        InsertSource::Query(query) => collect(query, ctx)?
            .into_iter()
            .map(|r| r.into_iter().map(Some).collect())
            .collect(),
    })
}

/// The full physical row for one source row: given values, then defaults and identities.
fn build_row(
    plan: &InsertPlan,
    source: impl Iterator<Item = Result<Option<Value>>>,
    ctx: &EvalContext,
) -> Result<Box<[Value]>> {
    let def = &plan.def;
    let mut given: SmallVec<[Option<Option<Value>>; 16]> = smallvec![None; def.width()];
    for (position, value) in plan.target_columns.iter().zip(source) {
        if let Some(slot) = given.get_mut(*position) {
            *slot = Some(value?);
        }
    }
    let mut values = Vec::with_capacity(def.width());
    for (position, (column, given)) in def.columns.iter().zip(given).enumerate() {
        let value = match (given, column.identity) {
            (Some(Some(_)), Some(identity)) if identity.always => {
                return Err(Error::GeneratedAlways(column.name.clone()))
            }
            (Some(Some(v)), _) => v,
            (_, Some(_)) => Value::Int64(plan.table.next_sequence_value(position)?),
            (_, None) if column.dropped => Value::Null,
            (_, None) => default_value(column.default.as_ref().map(|d| &d.expr), ctx)?,
        };
        values.push(value);
    }
    prepare_row(def, values, ctx)
}

/// Inserts one prepared row; `None` when ON CONFLICT DO NOTHING (or a DO UPDATE whose WHERE
/// rejected the existing row) skipped it. Under DO UPDATE, `written` holds the keys this
/// statement has already inserted or updated: DO UPDATE may not touch a row twice.
fn insert_row(
    plan: &InsertPlan,
    txn: &mut Transaction,
    ctx: &EvalContext,
    values: Box<[Value]>,
    written: &mut HashSet<Key>,
) -> Result<Option<Arc<RowVersion>>> {
    let def = &plan.def;
    let key: Key = if def.primary_key.is_empty() {
        plan.table.data.write().allocate_row_id()
    } else {
        primary_key(def, &values)
    };
    let version = Arc::new(RowVersion::new(txn.id(), values));
    let outcome = plan
        .table
        .data
        .write()
        .insert(def, key.clone(), version.clone(), &ctx.snapshot);
    let conflict = match (outcome, &plan.on_conflict) {
        (Ok(()), on_conflict) => {
            let updates = on_conflict
                .as_ref()
                .is_some_and(|c| matches!(c.action, ConflictAction::DoUpdate { .. }));
            if updates {
                written.insert(key.clone());
            }
            txn.writes.push(WriteRecord::Created {
                table: plan.table.clone(),
                key,
                version: version.clone(),
            });
            return Ok(Some(version));
        }
        (Err(Error::UniqueViolation { constraint, .. }), Some(on_conflict))
            if on_conflict
                .constraint
                .as_ref()
                .is_none_or(|c| *c == constraint) =>
        {
            on_conflict
        }
        (Err(e), _) => return Err(e),
    };
    let ConflictAction::DoUpdate {
        assignments,
        filter,
    } = &conflict.action
    else {
        return Ok(None);
    };
    let Some((existing_key, existing)) = find_conflicting(
        def,
        plan,
        conflict.constraint.as_deref(),
        &version.values,
        ctx,
    ) else {
        return Err(Error::SerializationFailure);
    };
    if !written.insert(existing_key.clone()) {
        return Err(Error::CardinalityViolation(
            "ON CONFLICT DO UPDATE command cannot affect row a second time".into(),
        ));
    }
    do_update(
        plan,
        txn,
        ctx,
        (&existing_key, &existing),
        &version.values,
        assignments,
        filter.as_ref(),
    )
}

fn do_update(
    plan: &InsertPlan,
    txn: &mut Transaction,
    ctx: &EvalContext,
    (existing_key, existing): (&Key, &Arc<RowVersion>),
    proposed: &[Value],
    assignments: &[(usize, Expr)],
    filter: Option<&Expr>,
) -> Result<Option<Arc<RowVersion>>> {
    let def = &plan.def;
    let mut row = super::super::scan::version_row(def, existing);
    row.extend_from_slice(proposed);
    if let Some(f) = filter {
        if !eval_predicate(f, &row, ctx)? {
            return Ok(None);
        }
    }
    let mut values: Vec<Value> = row[..def.width()].to_vec();
    for (position, expr) in assignments {
        values[*position] = expr.eval(&row, ctx)?;
    }
    let values = prepare_row(def, values, ctx)?;
    replace_row(
        &plan.table,
        def,
        txn,
        &ctx.snapshot,
        existing_key,
        existing,
        values,
    )
    .map(Some)
}

/// The visible row that `values` collides with on `constraint` (primary key or unique index).
fn find_conflicting(
    def: &TableDef,
    plan: &InsertPlan,
    constraint: Option<&str>,
    values: &[Value],
    ctx: &EvalContext,
) -> Option<(Key, Arc<RowVersion>)> {
    let data = plan.table.data.read();
    if !def.primary_key.is_empty()
        && (constraint.is_none() || constraint == def.primary_key_name.as_deref())
    {
        let key = primary_key(def, values);
        if let Some(v) = data.visible(&key, &ctx.snapshot) {
            return Some((key, v.clone()));
        }
    }
    let candidates = def
        .indexes
        .iter()
        .enumerate()
        .filter(|(_, i)| i.unique && constraint.is_none_or(|c| c == i.name));
    for (position, index) in candidates {
        let prefix: Box<[Value]> = index
            .columns
            .iter()
            .map(|&c| values.get(c).cloned().unwrap_or(Value::Null))
            .collect();
        let mut found = ScanBatch::new(true);
        data.scan_index(
            def,
            position,
            &KeyRange::prefix(prefix),
            &None,
            &ctx.snapshot,
            1,
            &mut found,
        );
        if let (Some(version), Some(key)) =
            (found.versions.pop(), found.keys.and_then(|mut k| k.pop()))
        {
            return Some((key, version));
        }
    }
    None
}

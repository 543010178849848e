//! Writes through a view: INSERT / UPDATE / DELETE on a realtime or materialized view become
//! one write attempt per affected row, recorded in `tether.write_attempts` in the same local
//! transaction. Under `local_first` the rows also change at once, staged (`__staged = true`);
//! under `origin_first` the view is left alone until the origin's echo.

use std::sync::Arc;

use serde_json::Value as Json;
use tether_dialect::WritePolicy;

use super::attempts::{self, NewAttempt};
use super::dispatcher::attempts_table;
use super::origin::{OriginWrite, VersionCheck, WriteOp};
use super::rows;
use super::runtime::PendingAttempt;
use super::view_sync::{StagedKey, ViewSync};
use crate::api::Shared;
use crate::binder::{DeletePlan, InsertPlan, Returning, UpdatePlan};
use crate::catalog::{Table, TableDef};
use crate::error::{Error, Result};
use crate::executor::dml::{
    collect_target_rows, prepare_row, primary_key, replace_row, returning_row, source_rows,
};
use crate::executor::{EvalContext, Tuple};
use crate::storage::{Key, RowVersion};
use crate::txn::{Snapshot, Transaction};
use crate::types::Value;

/// The live view behind a mirror table, checked writable.
fn writable_view(shared: &Shared, table: &Table) -> Result<Arc<ViewSync>> {
    let view = shared
        .sync
        .view(table.id)
        .ok_or_else(|| Error::UndefinedTable(table.def().display_name()))?;
    view.spec.check_writable(&view.name)?;
    Ok(view)
}

/// Refuses writes to columns a view cannot send: hidden columns, derived columns, the key
/// (UPDATE) and the version column.
fn check_columns(view: &ViewSync, def: &TableDef, positions: &[usize], update: bool) -> Result<()> {
    for &position in positions {
        let column = &def.columns[position];
        let refuse = |why: &str| {
            Err(Error::ViewNotWritable(format!(
                "cannot write column \"{}\" of view \"{}\": {why}",
                column.name, view.name
            )))
        };
        let Some(shown) = view.spec.columns.get(position) else {
            return refuse("it is maintained by tether");
        };
        let Some(source) = shown.source else {
            return refuse("it is computed by the view's query");
        };
        if let VersionCheck::Column(version) = &view.spec.version {
            if view.spec.origin_table.columns[source].name == *version {
                return refuse("it is the view's version key, which tether increments");
            }
        }
        if update && def.primary_key.contains(&position) {
            return refuse("the primary key of a mirrored row cannot change through the view");
        }
    }
    Ok(())
}

/// INSERT through a view.
pub(crate) fn insert(
    shared: &Shared,
    plan: &InsertPlan,
    txn: &mut Transaction,
    ctx: &EvalContext,
) -> Result<(u64, Vec<Tuple>)> {
    let view = writable_view(shared, &plan.table)?;
    if plan.on_conflict.is_some() {
        return Err(Error::unsupported("ON CONFLICT on a realtime view"));
    }
    let def = &plan.def;
    check_columns(&view, def, &plan.target_columns, false)?;
    for &k in &def.primary_key {
        if !plan.target_columns.contains(&k) {
            return Err(Error::ViewNotWritable(format!(
                "INSERT through view \"{}\" must give the primary key column \"{}\" \
                 (keys are chosen by the client, so the row and its echo match)",
                view.name, def.columns[k].name
            )));
        }
    }
    let mut count = 0;
    let mut returned = Vec::new();
    for source in source_rows(plan, ctx)? {
        let mut values = vec![Value::Null; def.width()];
        for (&position, value) in plan.target_columns.iter().zip(source) {
            values[position] = value.unwrap_or(Value::Null);
        }
        values[view.spec.staged_position] =
            Value::Bool(view.spec.policy == WritePolicy::LocalFirst);
        let values = prepare_row(def, values, ctx)?.into_vec();
        let key = primary_key(def, &values);
        let mut origin_values: Vec<(String, Value)> = plan
            .target_columns
            .iter()
            .map(|&p| (origin_name(&view, p), values[p].clone()))
            .collect();
        if let VersionCheck::Column(version) = &view.spec.version {
            origin_values.push((version.clone(), Value::Int64(1)));
        }
        let version = match view.spec.policy {
            WritePolicy::LocalFirst => stage(shared, &view, txn, &key, |txn| {
                rows::insert(&plan.table, def, txn, key.clone(), values.clone())
            })?,
            WritePolicy::OriginFirst => {
                if plan
                    .table
                    .data
                    .read()
                    .visible(&key, &ctx.snapshot)
                    .is_some()
                {
                    return Err(duplicate_key(def, &key));
                }
                Arc::new(RowVersion::new(txn.id(), values.clone().into_boxed_slice()))
            }
        };
        let written = visible_json(&view, &values);
        record(
            shared,
            &view,
            txn,
            WriteOp::Insert,
            &key,
            (None, None),
            (None, Some(written)),
            origin_values,
        )?;
        count += 1;
        push_returning(&plan.returning, def, &version, ctx, &mut returned)?;
    }
    Ok((count, returned))
}

/// UPDATE through a view.
pub(crate) fn update(
    shared: &Shared,
    plan: &UpdatePlan,
    txn: &mut Transaction,
    ctx: &EvalContext,
) -> Result<(u64, Vec<Tuple>)> {
    let target = &plan.target;
    let def = &target.def;
    let view = writable_view(shared, &target.table)?;
    let assigned: Vec<usize> = plan.assignments.iter().map(|(p, _)| *p).collect();
    check_columns(&view, def, &assigned, true)?;
    let targets = collect_target_rows(target, ctx)?;
    let mut returned = Vec::new();
    for row in &targets {
        let mut values: Vec<Value> = row.row[..def.width()].to_vec();
        for (position, expr) in &plan.assignments {
            values[*position] = expr.eval(&row.row, ctx)?;
        }
        values[view.spec.staged_position] =
            Value::Bool(view.spec.policy == WritePolicy::LocalFirst);
        let values = prepare_row(def, values, ctx)?.into_vec();
        let origin_values = assigned
            .iter()
            .map(|&p| (origin_name(&view, p), values[p].clone()))
            .collect();
        let version = match view.spec.policy {
            WritePolicy::LocalFirst => stage(shared, &view, txn, &row.key, |txn| {
                let snapshot = txn.snapshot;
                replace_row(
                    &target.table,
                    def,
                    txn,
                    &snapshot,
                    &row.key,
                    &row.version,
                    values.clone().into_boxed_slice(),
                )
            })?,
            WritePolicy::OriginFirst => {
                Arc::new(RowVersion::new(txn.id(), values.clone().into_boxed_slice()))
            }
        };
        let base = (base_version(&view, &row.row), origin_row(&view, &row.row));
        let rows_json = (
            Some(visible_json(&view, &row.row)),
            Some(visible_json(&view, &values)),
        );
        record(
            shared,
            &view,
            txn,
            WriteOp::Update,
            &row.key,
            base,
            rows_json,
            origin_values,
        )?;
        push_returning(&target.returning, def, &version, ctx, &mut returned)?;
    }
    Ok((targets.len() as u64, returned))
}

/// DELETE through a view.
pub(crate) fn delete(
    shared: &Shared,
    plan: &DeletePlan,
    txn: &mut Transaction,
    ctx: &EvalContext,
) -> Result<(u64, Vec<Tuple>)> {
    let target = &plan.target;
    let def = &target.def;
    let view = writable_view(shared, &target.table)?;
    let targets = collect_target_rows(target, ctx)?;
    let mut returned = Vec::new();
    for row in &targets {
        if view.spec.policy == WritePolicy::LocalFirst {
            stage(shared, &view, txn, &row.key, |txn| {
                rows::delete(&target.table, txn, row.key.clone(), row.version.clone())
            })?;
        }
        let base = (base_version(&view, &row.row), origin_row(&view, &row.row));
        let base_row = Some(visible_json(&view, &row.row));
        record(
            shared,
            &view,
            txn,
            WriteOp::Delete,
            &row.key,
            base,
            (base_row, None),
            Vec::new(),
        )?;
        push_returning(&target.returning, def, &row.version, ctx, &mut returned)?;
    }
    Ok((targets.len() as u64, returned))
}

/// Marks `key` staged by `txn` (once per transaction) and runs the local write; if the write
/// fails, the key is released again.
fn stage<T>(
    shared: &Shared,
    view: &Arc<ViewSync>,
    txn: &mut Transaction,
    key: &Key,
    write: impl FnOnce(&mut Transaction) -> Result<T>,
) -> Result<T> {
    let mut staging = view.staging.lock();
    let first = !txn
        .sync
        .staged
        .iter()
        .any(|(v, k)| v.table.id == view.table.id && k == key);
    if first {
        let latest = Snapshot {
            txn_id: 0,
            ts: shared.txns.last_commit_position(),
        };
        let entry = staging.keys.entry(key.clone()).or_insert_with(|| {
            let def = view.table.def();
            let shadow = view
                .table
                .data
                .read()
                .visible(key, &latest)
                .map(|v| rows::values_of(&def, v));
            StagedKey {
                shadow,
                ..StagedKey::default()
            }
        });
        entry.stagers += 1;
    }
    match write(txn) {
        Ok(out) => {
            if first {
                txn.sync.staged.push((view.clone(), key.clone()));
            }
            Ok(out)
        }
        Err(e) => {
            if first {
                if let Some(entry) = staging.keys.get_mut(key) {
                    entry.stagers -= 1;
                    if entry.stagers == 0 && entry.pending == 0 && entry.awaiting.is_none() {
                        staging.keys.remove(key);
                    }
                }
            }
            Err(e)
        }
    }
}

/// Inserts the attempt's row into `tether.write_attempts` and queues it for commit.
#[allow(clippy::too_many_arguments)]
fn record(
    shared: &Shared,
    view: &Arc<ViewSync>,
    txn: &mut Transaction,
    op: WriteOp,
    key: &Key,
    (base_version, base_values): (Option<String>, Option<Vec<(String, Value)>>),
    (base_row, written_row): (Option<Json>, Option<Json>),
    values: Vec<(String, Value)>,
) -> Result<()> {
    let id = shared.sync.allocate_attempt_id();
    let spec = &view.spec;
    let origin_key: Vec<(String, Value)> = spec
        .origin_key
        .iter()
        .zip(key.iter())
        .map(|(&k, v)| (spec.origin_table.columns[k].name.clone(), v.clone()))
        .collect();
    let key_json = attempts::row_json(
        origin_key.iter().map(|(n, _)| n.as_str()),
        &origin_key
            .iter()
            .map(|(_, v)| v.clone())
            .collect::<Vec<_>>(),
    );
    let row = attempts::new_row(&NewAttempt {
        id,
        local_txn: txn.id(),
        view: &view.name,
        origin: &spec.origin,
        op,
        row_key: &key_json,
        base_version: base_version.as_deref(),
        base_row: base_row.as_ref(),
        written_row: written_row.as_ref(),
        cas: &spec.version,
    });
    let table = attempts_table(shared)?;
    let def = table.def();
    rows::insert(&table, &def, txn, Box::new([Value::Int64(id)]), row)?;
    txn.sync.attempts.push(PendingAttempt {
        id,
        view: view.clone(),
        key: key.clone(),
        key_json,
        write: OriginWrite {
            table: spec.origin_table.name.clone(),
            op,
            key: origin_key,
            values,
            version: spec.version.clone(),
            base_version,
            base_row: base_values,
            follows_previous: false,
        },
        snapshot: txn.snapshot.ts,
        base_row,
        written_row,
        staged: spec.policy == WritePolicy::LocalFirst,
    });
    Ok(())
}

/// The origin column a view column shows.
fn origin_name(view: &ViewSync, position: usize) -> String {
    view.spec
        .columns
        .get(position)
        .and_then(|c| c.source)
        .map_or_else(String::new, |s| {
            view.spec.origin_table.columns[s].name.clone()
        })
}

/// The origin columns a mirror row shows, by origin name.
fn origin_row(view: &ViewSync, values: &[Value]) -> Option<Vec<(String, Value)>> {
    Some(
        view.spec
            .columns
            .iter()
            .zip(values)
            .filter_map(|(c, v)| {
                c.source
                    .map(|s| (view.spec.origin_table.columns[s].name.clone(), v.clone()))
            })
            .collect(),
    )
}

/// The version a row was read at (`__version`).
fn base_version(view: &ViewSync, row: &[Value]) -> Option<String> {
    match row.get(view.spec.version_position) {
        Some(Value::Text(t)) => Some(t.to_string()),
        _ => None,
    }
}

/// The view's visible columns of a mirror row, as a JSON object.
fn visible_json(view: &ViewSync, values: &[Value]) -> Json {
    attempts::row_json(
        view.spec.columns.iter().map(|c| c.name.as_str()),
        &values[..view.spec.columns.len().min(values.len())],
    )
}

fn push_returning(
    returning: &Option<Returning>,
    def: &TableDef,
    version: &RowVersion,
    ctx: &EvalContext,
    out: &mut Vec<Tuple>,
) -> Result<()> {
    if let Some(returning) = returning {
        out.push(returning_row(returning, def, version, ctx)?);
    }
    Ok(())
}

fn duplicate_key(def: &TableDef, key: &Key) -> Error {
    Error::UniqueViolation {
        constraint: def
            .primary_key_name
            .clone()
            .unwrap_or_else(|| format!("{}_pkey", def.name)),
        columns: def.column_names(&def.primary_key),
        values: key
            .iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// DELETE on `tether.write_attempts`: purging resolved attempts is allowed, pending ones are
/// the dispatcher's.
pub(crate) fn check_attempts_delete(plan: &DeletePlan, ctx: &EvalContext) -> Result<()> {
    let target = &plan.target;
    let rows = collect_target_rows(target, ctx)?;
    if rows
        .iter()
        .any(|r| matches!(&r.row[attempts::col::STATUS], Value::Text(s) if &**s == "pending"))
    {
        return Err(Error::InsufficientPrivilege(
            "pending write attempts cannot be deleted; only resolved ones (applied, conflicted, \
             rejected) can be purged"
                .into(),
        ));
    }
    Ok(())
}

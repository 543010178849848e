//! Sorting by reading an index in order: `ORDER BY` on the leading columns of the primary key or
//! a secondary index (ascending, NULLS LAST — the storage order) needs no Sort node when the scan
//! below walks that index; a `LIMIT` above it then stops the scan early.

use super::{AccessPath, KeyRangeExprs, Plan, SortKey};
use crate::catalog::TableDef;
use crate::expr::Expr;

/// Rewrites `input` so that it yields rows already ordered by `keys`, or gives it back.
pub fn ordered_by_index(input: Plan, keys: &[SortKey]) -> Result<Plan, Plan> {
    if keys.iter().any(|k| k.descending || k.nulls_first) {
        return Err(input);
    }
    let Plan::Project {
        input: below,
        exprs,
    } = input
    else {
        return Err(input);
    };
    let columns: Option<Vec<usize>> = keys
        .iter()
        .map(|k| match &k.expr {
            Expr::Column { index, .. } => match exprs.get(*index) {
                Some(Expr::Column { index, .. }) => Some(*index),
                _ => None,
            },
            _ => None,
        })
        .collect();
    let Some(columns) = columns else {
        return Err(Plan::Project {
            input: below,
            exprs,
        });
    };
    match walk_scan_in_order(*below, &columns) {
        Ok(plan) => Ok(Plan::Project {
            input: Box::new(plan),
            exprs,
        }),
        Err(plan) => Err(Plan::Project {
            input: Box::new(plan),
            exprs,
        }),
    }
}

/// `Scan` or `Filter(Scan)` made to read in the order of `columns`, if some key allows it.
fn walk_scan_in_order(plan: Plan, columns: &[usize]) -> Result<Plan, Plan> {
    match plan {
        Plan::Filter { input, predicate } => match walk_scan_in_order(*input, columns) {
            Ok(scan) => Ok(Plan::Filter {
                input: Box::new(scan),
                predicate,
            }),
            Err(scan) => Err(Plan::Filter {
                input: Box::new(scan),
                predicate,
            }),
        },
        Plan::Scan { table, def, access } => match ordered_access(&def, access, columns) {
            Ok(access) => Ok(Plan::Scan { table, def, access }),
            Err(access) => Err(Plan::Scan { table, def, access }),
        },
        other => Err(other),
    }
}

/// True if a key over `key_columns`, with its first `fixed` columns held equal, is ordered by
/// `columns`.
fn key_orders(key_columns: &[usize], fixed: usize, columns: &[usize]) -> bool {
    !key_columns.is_empty()
        && key_columns
            .get(fixed..)
            .is_some_and(|rest| rest.starts_with(columns))
}

/// The access path that reads `def` ordered by `columns`, starting from `access`.
fn ordered_access(
    def: &TableDef,
    access: AccessPath,
    columns: &[usize],
) -> Result<AccessPath, AccessPath> {
    match access {
        AccessPath::Primary(range)
            if key_orders(&def.primary_key, range.equal.len(), columns)
                && range.in_list.is_none() =>
        {
            Ok(AccessPath::Primary(range))
        }
        AccessPath::Index { index, range }
            if range.in_list.is_none()
                && def
                    .indexes
                    .get(index)
                    .is_some_and(|i| key_orders(&i.columns, range.equal.len(), columns)) =>
        {
            Ok(AccessPath::Index { index, range })
        }
        AccessPath::Full => {
            if key_orders(&def.primary_key, 0, columns) {
                return Ok(AccessPath::Primary(KeyRangeExprs::default()));
            }
            match def
                .indexes
                .iter()
                .position(|i| key_orders(&i.columns, 0, columns))
            {
                Some(index) => Ok(AccessPath::Index {
                    index,
                    range: KeyRangeExprs::default(),
                }),
                None => Err(AccessPath::Full),
            }
        }
        other => Err(other),
    }
}

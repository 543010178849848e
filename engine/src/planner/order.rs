//! Sorting by reading an index in order: `ORDER BY` on the leading columns of the primary key or
//! a secondary index (ascending, NULLS LAST — the storage order) needs no Sort node when the scan
//! below walks that index; a `LIMIT` above it then stops the scan early.

use super::{AccessPath, KeyRangeExprs, Plan, SortKey};
use crate::catalog::TableDef;
use crate::expr::Expr;
use crate::types::{ArithOp, DataType, Value};

/// Makes `input` yield rows ordered by `keys` by choosing an ordered access path for its scan.
/// Returns false (leaving `input` unchanged) if no key allows it.
pub fn order_by_index(input: &mut Plan, keys: &[SortKey]) -> bool {
    if keys.iter().any(|k| k.descending || k.nulls_first) {
        return false;
    }
    let Plan::Project {
        input: below,
        exprs,
    } = input
    else {
        return false;
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
    columns.is_some_and(|columns| scan_in_order(below, &columns))
}

/// Sets the access path of a `Scan` or `Filter(Scan)` to one ordered by `columns`.
fn scan_in_order(plan: &mut Plan, columns: &[usize]) -> bool {
    match plan {
        Plan::Filter { input, .. } => scan_in_order(input, columns),
        Plan::Scan { def, access, .. } => match ordered_access(def, access, columns) {
            Some(ordered) => {
                *access = ordered;
                true
            }
            None => false,
        },
        _ => false,
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

/// An access path reading `def` ordered by `columns`, compatible with `access`.
fn ordered_access(def: &TableDef, access: &AccessPath, columns: &[usize]) -> Option<AccessPath> {
    match access {
        AccessPath::Primary(range)
            if range.in_list.is_none()
                && key_orders(&def.primary_key, range.equal.len(), columns) =>
        {
            Some(access.clone())
        }
        AccessPath::Index { index, range }
            if range.in_list.is_none()
                && def
                    .indexes
                    .get(*index)
                    .is_some_and(|i| key_orders(&i.columns, range.equal.len(), columns)) =>
        {
            Some(access.clone())
        }
        AccessPath::Full if key_orders(&def.primary_key, 0, columns) => {
            Some(AccessPath::Primary(KeyRangeExprs::default()))
        }
        AccessPath::Full => def
            .indexes
            .iter()
            .position(|i| key_orders(&i.columns, 0, columns))
            .map(|index| AccessPath::Index {
                index,
                range: KeyRangeExprs::default(),
            }),
        _ => None,
    }
}

/// `limit + offset`: how many leading rows of a sort a LIMIT/OFFSET above it needs.
pub fn rows_needed(limit: &Expr, offset: Option<&Expr>) -> Expr {
    match offset {
        None => limit.clone(),
        Some(offset) => Expr::Arith {
            op: ArithOp::Add,
            left: Box::new(Expr::Cast {
                expr: Box::new(limit.clone()),
                data_type: DataType::Int64,
            }),
            right: Box::new(Expr::Coalesce {
                args: vec![
                    Expr::Cast {
                        expr: Box::new(offset.clone()),
                        data_type: DataType::Int64,
                    },
                    Expr::literal(Value::Int64(0)),
                ],
                data_type: DataType::Int64,
            }),
            data_type: DataType::Int64,
        },
    }
}

/// A top-N `Sort` over a `Project` moves below it, with its keys rewritten onto the projection's
/// input: only the rows that survive the sort are projected. Skipped when the projection calls
/// volatile functions or subqueries, whose values must not be computed twice.
pub fn sort_before_project(plan: Plan) -> Plan {
    let Plan::Sort {
        input,
        keys,
        fetch: Some(fetch),
    } = plan
    else {
        return plan;
    };
    let Plan::Project {
        input: below,
        exprs,
    } = *input
    else {
        return Plan::Sort {
            input,
            keys,
            fetch: Some(fetch),
        };
    };
    let movable = exprs.iter().all(|e| {
        let mut plain = true;
        e.walk(&mut |n| match n {
            Expr::Function { function, .. } if function.volatile => plain = false,
            Expr::Subquery(_) => plain = false,
            _ => {}
        });
        plain
    });
    let rewritten: Option<Vec<SortKey>> = movable
        .then(|| {
            keys.iter()
                .map(|k| {
                    substitute(k.expr.clone(), &exprs)
                        .ok()
                        .map(|expr| SortKey { expr, ..k.clone() })
                })
                .collect()
        })
        .flatten();
    match rewritten {
        Some(keys) => {
            let sort = Plan::Sort {
                input: below,
                keys,
                fetch: Some(fetch),
            };
            Plan::Project {
                input: Box::new(sort),
                exprs,
            }
        }
        None => Plan::Sort {
            input: Box::new(Plan::Project {
                input: below,
                exprs,
            }),
            keys,
            fetch: Some(fetch),
        },
    }
}

/// `expr` over a projection's output, rewritten over the projection's input.
fn substitute(expr: Expr, exprs: &[Expr]) -> crate::error::Result<Expr> {
    match expr {
        Expr::Column { index, .. } => exprs.get(index).cloned().ok_or_else(|| {
            crate::error::Error::Internal(format!(
                "sort key column {index} is outside the projection"
            ))
        }),
        other => other.map_children(&mut |child| substitute(child, exprs)),
    }
}

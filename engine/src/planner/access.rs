//! Access path selection: matching a predicate's conjuncts against key columns.

use super::{AccessPath, KeyRangeExprs};
use crate::catalog::TableDef;
use crate::expr::{CompareOp, Expr};
use crate::types::DataType;

/// One `column op value` condition where `value` does not depend on the row.
struct KeyCondition<'a> {
    column: usize,
    op: CompareOp,
    value: &'a Expr,
}

fn conjuncts<'a>(expr: &'a Expr, out: &mut Vec<&'a Expr>) {
    match expr {
        Expr::And(l, r) => {
            conjuncts(l, out);
            conjuncts(r, out);
        }
        other => out.push(other),
    }
}

/// True if ordering values of `value` against stored values of `column` by the storage
/// order gives the same answer as SQL comparison.
fn index_compatible(column: &DataType, value: &DataType) -> bool {
    column == value
        || (column.is_numeric() && value.is_numeric())
        || (column.is_string() && value.is_string() && !matches!(column, DataType::Char(_)))
}

fn key_conditions<'a>(def: &TableDef, predicate: &'a Expr) -> Vec<KeyCondition<'a>> {
    let mut parts = Vec::new();
    conjuncts(predicate, &mut parts);
    let width = def.width();
    parts
        .into_iter()
        .filter_map(|part| {
            let Expr::Compare { op, left, right } = part else {
                return None;
            };
            let (column, data_type, value, op) = match (&**left, &**right) {
                (Expr::Column { index, data_type }, value) if value.is_row_independent() => {
                    (*index, data_type, value, *op)
                }
                (value, Expr::Column { index, data_type }) if value.is_row_independent() => {
                    (*index, data_type, value, op.flipped())
                }
                _ => return None,
            };
            if column >= width
                || op == CompareOp::NotEq
                || !index_compatible(data_type, &value.data_type())
            {
                return None;
            }
            Some(KeyCondition { column, op, value })
        })
        .collect()
}

/// Builds the key range usable on `columns`, and its score (higher is better).
fn match_key(
    columns: &[usize],
    unique: bool,
    conditions: &[KeyCondition],
) -> Option<(KeyRangeExprs, u32)> {
    let mut range = KeyRangeExprs::default();
    for &column in columns {
        match conditions
            .iter()
            .find(|c| c.column == column && c.op == CompareOp::Eq)
        {
            Some(c) => range.equal.push(c.value.clone()),
            None => break,
        }
    }
    if let Some(&next) = columns.get(range.equal.len()) {
        for c in conditions.iter().filter(|c| c.column == next) {
            match c.op {
                CompareOp::Gt | CompareOp::GtEq if range.lower.is_none() => {
                    range.lower = Some((c.value.clone(), c.op == CompareOp::GtEq));
                }
                CompareOp::Lt | CompareOp::LtEq if range.upper.is_none() => {
                    range.upper = Some((c.value.clone(), c.op == CompareOp::LtEq));
                }
                _ => {}
            }
        }
    }
    let equal = range.equal.len() as u32;
    let bounded = u32::from(range.lower.is_some()) + u32::from(range.upper.is_some());
    if equal == 0 && bounded == 0 {
        return None;
    }
    let full_unique = unique && equal as usize == columns.len();
    Some((
        range,
        if full_unique {
            1000
        } else {
            equal * 10 + bounded
        },
    ))
}

/// The best access path for scanning `def` under `predicate`.
pub fn choose_access_path(def: &TableDef, predicate: &Expr) -> AccessPath {
    let conditions = key_conditions(def, predicate);
    if conditions.is_empty() {
        return AccessPath::Full;
    }
    let mut best: Option<(AccessPath, u32)> = None;
    if !def.primary_key.is_empty() {
        if let Some((range, score)) = match_key(&def.primary_key, true, &conditions) {
            best = Some((AccessPath::Primary(range), score + 1));
        }
    }
    for (position, index) in def.indexes.iter().enumerate() {
        if let Some((range, score)) = match_key(&index.columns, index.unique, &conditions) {
            if best.as_ref().is_none_or(|(_, s)| score > *s) {
                best = Some((
                    AccessPath::Index {
                        index: position,
                        range,
                    },
                    score,
                ));
            }
        }
    }
    best.map_or(AccessPath::Full, |(path, _)| path)
}

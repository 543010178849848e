//! Access path selection: matching a predicate's conjuncts against key columns.

use super::{AccessPath, KeyRangeExprs};
use crate::catalog::TableDef;
use crate::expr::{CompareOp, Expr};
use crate::types::DataType;

/// What a condition says about one column, with values that do not depend on the row.
enum KeyTest<'a> {
    Compare(CompareOp, &'a Expr),
    In(&'a [Expr]),
}

/// One usable condition on a column.
struct KeyCondition<'a> {
    column: usize,
    test: KeyTest<'a>,
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

/// `column op value`, `value op column` or `column IN (values)` on a stored column.
fn key_condition<'a>(part: &'a Expr, width: usize) -> Option<KeyCondition<'a>> {
    let usable = |column: usize, column_type: &DataType, value: &Expr| {
        column < width
            && value.is_row_independent()
            && index_compatible(column_type, &value.data_type())
    };
    match part {
        Expr::Compare { op, left, right } if *op != CompareOp::NotEq => match (&**left, &**right) {
            (Expr::Column { index, data_type }, value) if usable(*index, data_type, value) => {
                Some(KeyCondition {
                    column: *index,
                    test: KeyTest::Compare(*op, value),
                })
            }
            (value, Expr::Column { index, data_type }) if usable(*index, data_type, value) => {
                Some(KeyCondition {
                    column: *index,
                    test: KeyTest::Compare(op.flipped(), value),
                })
            }
            _ => None,
        },
        Expr::InList {
            expr,
            list,
            negated: false,
        } => match &**expr {
            Expr::Column { index, data_type }
                if list.iter().all(|v| usable(*index, data_type, v)) =>
            {
                Some(KeyCondition {
                    column: *index,
                    test: KeyTest::In(list),
                })
            }
            _ => None,
        },
        _ => None,
    }
}

/// Builds the key range usable on `columns`, and its score (higher is better).
fn match_key(
    columns: &[usize],
    unique: bool,
    conditions: &[KeyCondition],
) -> Option<(KeyRangeExprs, u32)> {
    let mut range = KeyRangeExprs::default();
    for &column in columns {
        let equal = conditions.iter().find_map(|c| match c.test {
            KeyTest::Compare(CompareOp::Eq, value) if c.column == column => Some(value),
            _ => None,
        });
        match equal {
            Some(value) => range.equal.push(value.clone()),
            None => break,
        }
    }
    if let Some(&next) = columns.get(range.equal.len()) {
        for c in conditions.iter().filter(|c| c.column == next) {
            match c.test {
                KeyTest::In(list) if range.in_list.is_none() => range.in_list = Some(list.to_vec()),
                KeyTest::Compare(op @ (CompareOp::Gt | CompareOp::GtEq), value)
                    if range.lower.is_none() =>
                {
                    range.lower = Some((value.clone(), op == CompareOp::GtEq));
                }
                KeyTest::Compare(op @ (CompareOp::Lt | CompareOp::LtEq), value)
                    if range.upper.is_none() =>
                {
                    range.upper = Some((value.clone(), op == CompareOp::LtEq));
                }
                _ => {}
            }
        }
    }
    if range.in_list.is_some() {
        range.lower = None;
        range.upper = None;
    }
    let equal = range.equal.len() as u32;
    let narrowing = if range.in_list.is_some() {
        5
    } else {
        u32::from(range.lower.is_some()) + u32::from(range.upper.is_some())
    };
    if equal == 0 && narrowing == 0 {
        return None;
    }
    let points = equal as usize == columns.len()
        || (range.in_list.is_some() && equal as usize + 1 == columns.len());
    let score = if unique && points {
        1000
    } else {
        equal * 10 + narrowing
    };
    Some((range, score))
}

/// The best access path for scanning `def` under `predicate`.
pub fn choose_access_path(def: &TableDef, predicate: &Expr) -> AccessPath {
    let mut parts = Vec::new();
    conjuncts(predicate, &mut parts);
    let conditions: Vec<KeyCondition> = parts
        .into_iter()
        .filter_map(|p| key_condition(p, def.width()))
        .collect();
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

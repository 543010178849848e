//! Access path selection: matching a predicate's conjuncts against key columns, and working out
//! which conjuncts the chosen key range enforces exactly (so no filter needs to test them again).

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
    /// Position of the conjunct it came from.
    part: usize,
    /// True if a key range built from it holds exactly the rows it accepts.
    exact: bool,
}

/// An access path for a predicate, and the part of the predicate it does not enforce.
pub struct Access {
    pub path: AccessPath,
    /// The conjuncts a filter must still test; `None` when the path enforces them all.
    pub residual: Option<Expr>,
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

/// True if the storage order of values of `column` against a value of `value` agrees exactly
/// with SQL comparison (floats compare as double precision in SQL, CHAR ignores trailing
/// blanks), so a key range over the value finds exactly the rows the comparison accepts.
fn compares_exactly(column: &DataType, value: &DataType) -> bool {
    let inexact = |t: &DataType| {
        matches!(
            t,
            DataType::Float32
                | DataType::Float64
                | DataType::Char(_)
                | DataType::Json
                | DataType::Jsonb
                | DataType::Unknown
        )
    };
    index_compatible(column, value) && !inexact(column) && !inexact(value)
}

/// True if `value` gives the same result each time it is evaluated in a statement: it calls no
/// function (some are volatile) and runs no subquery.
fn is_stable(value: &Expr) -> bool {
    let mut stable = true;
    value.walk(&mut |e| {
        if matches!(e, Expr::Function { .. } | Expr::Subquery(_)) {
            stable = false;
        }
    });
    stable
}

/// `column op value`, `value op column` or `column IN (values)` on a stored column; `part` is
/// the conjunct's position.
fn key_condition<'a>(part: &'a Expr, position: usize, width: usize) -> Option<KeyCondition<'a>> {
    let usable = |column: usize, column_type: &DataType, value: &Expr| {
        column < width
            && value.is_row_independent()
            && index_compatible(column_type, &value.data_type())
    };
    let exact = |column_type: &DataType, value: &Expr| {
        compares_exactly(column_type, &value.data_type()) && is_stable(value)
    };
    let condition = |column: usize, test: KeyTest<'a>, exact: bool| KeyCondition {
        column,
        test,
        part: position,
        exact,
    };
    match part {
        Expr::Compare { op, left, right } if *op != CompareOp::NotEq => match (&**left, &**right) {
            (Expr::Column { index, data_type }, value) if usable(*index, data_type, value) => {
                Some(condition(
                    *index,
                    KeyTest::Compare(*op, value),
                    exact(data_type, value),
                ))
            }
            (value, Expr::Column { index, data_type }) if usable(*index, data_type, value) => {
                Some(condition(
                    *index,
                    KeyTest::Compare(op.flipped(), value),
                    exact(data_type, value),
                ))
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
                Some(condition(
                    *index,
                    KeyTest::In(list),
                    list.iter().all(|v| exact(data_type, v)),
                ))
            }
            _ => None,
        },
        _ => None,
    }
}

/// A key range over one key, its score (higher is better), and the conjuncts it enforces.
struct KeyMatch {
    range: KeyRangeExprs,
    score: u32,
    enforced: Vec<usize>,
}

/// Builds the key range usable on `columns`.
fn match_key(columns: &[usize], unique: bool, conditions: &[KeyCondition]) -> Option<KeyMatch> {
    let mut range = KeyRangeExprs::default();
    let mut enforced = Vec::new();
    // The conjuncts behind the bounds on the column after the equal prefix.
    let (mut lower_by, mut upper_by) = (None, None);
    for &column in columns {
        let equal = conditions.iter().find_map(|c| match c.test {
            KeyTest::Compare(CompareOp::Eq, value) if c.column == column => Some((c, value)),
            _ => None,
        });
        let Some((condition, value)) = equal else {
            break;
        };
        range.equal.push(value.clone());
        enforced.extend(condition.exact.then_some(condition.part));
    }
    if let Some(&next) = columns.get(range.equal.len()) {
        for c in conditions.iter().filter(|c| c.column == next) {
            match c.test {
                KeyTest::In(list) if range.in_list.is_none() => {
                    range.in_list = Some(list.to_vec());
                    enforced.extend(c.exact.then_some(c.part));
                }
                KeyTest::Compare(op @ (CompareOp::Gt | CompareOp::GtEq), value)
                    if range.lower.is_none() =>
                {
                    range.lower = Some((value.clone(), op == CompareOp::GtEq));
                    lower_by = c.exact.then_some(c.part);
                }
                KeyTest::Compare(op @ (CompareOp::Lt | CompareOp::LtEq), value)
                    if range.upper.is_none() =>
                {
                    range.upper = Some((value.clone(), op == CompareOp::LtEq));
                    upper_by = c.exact.then_some(c.part);
                }
                _ => {}
            }
        }
    }
    if range.in_list.is_some() {
        range.lower = None;
        range.upper = None;
    } else if range.upper.is_some() {
        // NULL sorts after every value: only an upper bound keeps NULLs out of the range, so a
        // lower bound alone is not enforced exactly.
        enforced.extend(lower_by);
        enforced.extend(upper_by);
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
    Some(KeyMatch {
        range,
        score,
        enforced,
    })
}

/// The best access path for scanning `def` under `predicate`, and the conjuncts of the
/// predicate that it does not enforce.
pub fn choose_access_path(def: &TableDef, predicate: Expr) -> Access {
    let mut parts = Vec::new();
    conjuncts(&predicate, &mut parts);
    let conditions: Vec<KeyCondition> = parts
        .iter()
        .enumerate()
        .filter_map(|(position, p)| key_condition(p, position, def.width()))
        .collect();
    // The best key so far: `None` for the primary key, else the index position.
    let mut best: Option<(Option<usize>, KeyMatch)> = None;
    if !def.primary_key.is_empty() {
        if let Some(mut found) = match_key(&def.primary_key, true, &conditions) {
            found.score += 1;
            best = Some((None, found));
        }
    }
    for (position, index) in def.indexes.iter().enumerate() {
        if let Some(found) = match_key(&index.columns, index.unique, &conditions) {
            if best.as_ref().is_none_or(|(_, b)| found.score > b.score) {
                best = Some((Some(position), found));
            }
        }
    }
    let Some((key, found)) = best else {
        return Access {
            path: AccessPath::Full,
            residual: Some(predicate),
        };
    };
    let path = match key {
        None => AccessPath::Primary(found.range),
        Some(index) => AccessPath::Index {
            index,
            range: found.range,
        },
    };
    if found.enforced.is_empty() {
        return Access {
            path,
            residual: Some(predicate),
        };
    }
    let rest = parts
        .iter()
        .enumerate()
        .filter(|(position, _)| !found.enforced.contains(position))
        .map(|(_, p)| (*p).clone())
        .collect();
    Access {
        path,
        residual: Expr::conjunction(rest),
    }
}

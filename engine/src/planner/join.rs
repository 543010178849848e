//! Join planning: conditions of a filter above an inner join are pushed to the side they read
//! (so scans below can use indexes), and equality conditions between the sides turn the join
//! into a hash join.

use super::{optimize, AccessPath, JoinKind, JoinStrategy, Plan};
use crate::expr::{CompareOp, Expr};
use crate::types::{compare, DataType};

/// Where a condition can be evaluated.
enum Side {
    Left,
    Right,
    Both,
}

fn side_of(expr: &Expr, left_width: usize) -> Side {
    if expr.has_correlated_subquery() {
        return Side::Both;
    }
    match expr.column_span() {
        None => Side::Both,
        Some((_, hi)) if hi < left_width => Side::Left,
        Some((lo, _)) if lo >= left_width => Side::Right,
        Some(_) => Side::Both,
    }
}

/// Plans `Filter(predicate) over Join`: pushes single-side conjuncts of an inner join below it.
pub fn push_filter_into_join(join: Plan, predicate: Expr) -> Plan {
    let Plan::Join {
        left,
        right,
        kind: JoinKind::Inner,
        condition,
        ..
    } = join
    else {
        return Plan::Filter {
            input: Box::new(optimize(join)),
            predicate,
        };
    };
    let left_width = left.width();
    let (mut to_left, mut to_right, mut on_join) = (Vec::new(), Vec::new(), Vec::new());
    for part in predicate.into_conjuncts() {
        match side_of(&part, left_width) {
            Side::Left => to_left.push(part),
            Side::Right => match part.clone().shift_columns_down(left_width) {
                Ok(shifted) => to_right.push(shifted),
                Err(_) => on_join.push(part),
            },
            Side::Both => on_join.push(part),
        }
    }
    if let Some(c) = condition {
        on_join.extend(c.into_conjuncts());
    }
    let left = with_filter(*left, to_left);
    let right = with_filter(*right, to_right);
    plan_join(left, right, JoinKind::Inner, Expr::conjunction(on_join))
}

fn with_filter(plan: Plan, parts: Vec<Expr>) -> Plan {
    match Expr::conjunction(parts) {
        Some(predicate) => Plan::Filter {
            input: Box::new(plan),
            predicate,
        },
        None => plan,
    }
}

/// Optimises both inputs and chooses the join algorithm.
pub fn plan_join(left: Plan, right: Plan, kind: JoinKind, condition: Option<Expr>) -> Plan {
    let left_width = left.width();
    let (mut left_keys, mut right_keys, mut residual) = (Vec::new(), Vec::new(), Vec::new());
    for part in condition.map(Expr::into_conjuncts).unwrap_or_default() {
        match equi_key(&part, left_width) {
            Some((l, r)) => {
                left_keys.push(l);
                right_keys.push(r);
            }
            None => residual.push(part),
        }
    }
    let left = optimize(left);
    let right = optimize(right);
    let strategy = if left_keys.is_empty() {
        JoinStrategy::NestedLoop
    } else {
        index_lookup(&left, &right, kind, &left_keys, &right_keys).unwrap_or(JoinStrategy::Hash {
            left_keys,
            right_keys,
        })
    };
    Plan::Join {
        left: Box::new(left),
        right: Box::new(right),
        kind,
        condition: Expr::conjunction(residual),
        strategy,
    }
}

/// An index nested-loop join, when the left input is restricted (so it is probably small), the
/// right input is a scan of a whole table, and the right keys are the leading columns of its
/// primary key or of an index.
fn index_lookup(
    left: &Plan,
    right: &Plan,
    kind: JoinKind,
    left_keys: &[Expr],
    right_keys: &[Expr],
) -> Option<JoinStrategy> {
    if !matches!(kind, JoinKind::Inner | JoinKind::Left) || !is_selective(left) {
        return None;
    }
    let scan = match right {
        Plan::Filter { input, .. } => &**input,
        other => other,
    };
    let Plan::Scan {
        def,
        access: AccessPath::Full,
        ..
    } = scan
    else {
        return None;
    };
    let columns: Vec<usize> = right_keys
        .iter()
        .map(|k| match k {
            Expr::Column { index, .. } if *index < def.width() => Some(*index),
            _ => None,
        })
        .collect::<Option<_>>()?;
    // Reorder the left keys to follow the chosen key's column order.
    let ordered = |key_columns: &[usize]| -> Option<Vec<Expr>> {
        if key_columns.len() < columns.len() {
            return None;
        }
        key_columns[..columns.len()]
            .iter()
            .map(|c| {
                columns
                    .iter()
                    .position(|k| k == c)
                    .map(|p| left_keys[p].clone())
            })
            .collect()
    };
    if let Some(keys) = ordered(&def.primary_key) {
        return Some(JoinStrategy::IndexLookup {
            left_keys: keys,
            index: None,
        });
    }
    def.indexes
        .iter()
        .enumerate()
        .find_map(|(position, index)| {
            ordered(&index.columns).map(|keys| JoinStrategy::IndexLookup {
                left_keys: keys,
                index: Some(position),
            })
        })
}

/// True if the plan reads a restricted part of its tables (an index range or literal rows).
fn is_selective(plan: &Plan) -> bool {
    match plan {
        Plan::Scan { access, .. } => !matches!(access, AccessPath::Full),
        Plan::Values { .. } => true,
        Plan::Filter { input, .. } | Plan::Project { input, .. } | Plan::Limit { input, .. } => {
            is_selective(input)
        }
        Plan::Join { left, right, .. } => is_selective(left) || is_selective(right),
        _ => false,
    }
}

/// `left_expr = right_expr` with each side reading only its input: the two hash keys (the right
/// one rebased onto the right input), cast to their common type so equal values hash alike.
fn equi_key(part: &Expr, left_width: usize) -> Option<(Expr, Expr)> {
    let Expr::Compare {
        op: CompareOp::Eq,
        left,
        right,
    } = part
    else {
        return None;
    };
    let (l, r) = match (side_of(left, left_width), side_of(right, left_width)) {
        (Side::Left, Side::Right) => ((**left).clone(), (**right).clone()),
        (Side::Right, Side::Left) => ((**right).clone(), (**left).clone()),
        _ => return None,
    };
    if l.column_span().is_none() || r.column_span().is_none() {
        return None;
    }
    let r = r.shift_columns_down(left_width).ok()?;
    let (lt, rt) = (l.data_type(), r.data_type());
    if lt == rt {
        return Some((l, r));
    }
    let common = compare::common_type(&lt, &rt)?;
    let cast = |e: Expr, t: &DataType| {
        if *t == common {
            e
        } else {
            Expr::Cast {
                expr: Box::new(e),
                data_type: common.clone(),
            }
        }
    };
    Some((cast(l, &lt), cast(r, &rt)))
}

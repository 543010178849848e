//! Column pruning: marks on every table scan which columns the plan above it reads, so the scan
//! copies only those values out of storage (the others are NULL placeholders, keeping every
//! column position as the binder assigned it).

use std::sync::Arc;

use super::{JoinStrategy, Plan};
use crate::expr::Expr;

/// Which columns of a node's output are read: `None` means all of them.
type Needed = Option<Vec<bool>>;

/// Marks the columns every scan in `plan` must produce.
pub fn prune_columns(plan: &mut Plan) {
    prune(plan, None);
}

/// Adds the columns `exprs` read to `needed` (all, if one holds a correlated subquery, which
/// may read any column of the row).
fn add_exprs<'e>(needed: &mut Needed, width: usize, exprs: impl IntoIterator<Item = &'e Expr>) {
    for expr in exprs {
        let Some(mask) = needed else { return };
        if expr.has_correlated_subquery() {
            *needed = None;
            return;
        }
        expr.walk(&mut |e| {
            if let Expr::Column { index, .. } = e {
                if let Some(slot) = mask.get_mut(*index) {
                    *slot = true;
                }
            }
        });
    }
    if let Some(mask) = needed {
        mask.resize(width, false);
    }
}

fn prune(plan: &mut Plan, needed: Needed) {
    let width = plan.width();
    match plan {
        Plan::Scan { columns, .. } => *columns = needed.map(Arc::from),
        Plan::Values { .. } | Plan::SystemRows { .. } | Plan::WorkTable { .. } => {}
        Plan::Filter { input, predicate } => {
            let mut needed = needed;
            add_exprs(&mut needed, width, [&*predicate]);
            prune(input, needed);
        }
        Plan::Project { input, exprs } => {
            let input_width = input.width();
            let mut needed = Some(vec![false; input_width]);
            add_exprs(&mut needed, input_width, exprs.iter());
            prune(input, needed);
        }
        Plan::Aggregate {
            input,
            group_by,
            aggregates,
        } => {
            let input_width = input.width();
            let mut needed = Some(vec![false; input_width]);
            add_exprs(&mut needed, input_width, group_by.iter());
            for call in aggregates.iter() {
                add_exprs(
                    &mut needed,
                    input_width,
                    call.arg.iter().chain(call.separator.iter()),
                );
            }
            prune(input, needed);
        }
        Plan::Sort { input, keys, .. } => {
            let mut needed = needed;
            add_exprs(&mut needed, width, keys.iter().map(|k| &k.expr));
            prune(input, needed);
        }
        Plan::Limit { input, .. } => prune(input, needed),
        Plan::Window { input, calls } => {
            let input_width = input.width();
            let mut needed = needed.map(|mut m| {
                m.truncate(input_width);
                m
            });
            for call in calls.iter() {
                add_exprs(&mut needed, input_width, call.exprs());
            }
            prune(input, needed);
        }
        Plan::Join {
            left,
            right,
            condition,
            strategy,
            ..
        } => {
            let left_width = left.width();
            let mut all = needed;
            add_exprs(&mut all, width, condition.iter());
            let (mut left_needed, mut right_needed) = match &all {
                None => (None, None),
                Some(mask) => (
                    Some(mask[..left_width].to_vec()),
                    Some(mask[left_width..].to_vec()),
                ),
            };
            match strategy {
                JoinStrategy::NestedLoop => {}
                JoinStrategy::Hash {
                    left_keys,
                    right_keys,
                } => {
                    add_exprs(&mut left_needed, left_width, left_keys.iter());
                    add_exprs(&mut right_needed, right.width(), right_keys.iter());
                }
                JoinStrategy::IndexLookup { left_keys, .. } => {
                    add_exprs(&mut left_needed, left_width, left_keys.iter());
                }
            }
            prune(left, left_needed);
            prune(right, right_needed);
        }
        Plan::Distinct { input } => prune(input, None),
        Plan::SetOp { left, right, .. } => {
            prune(left, None);
            prune(right, None);
        }
        Plan::RecursiveUnion { anchor, step, .. } => {
            prune(anchor, None);
            prune(step, None);
        }
    }
}

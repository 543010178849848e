//! [`Plan::map_exprs`]: rewrites every expression held anywhere in a plan tree (filters,
//! projections, keys, join conditions, scan ranges, ...). Used to re-point a correlated
//! subquery's references when the enclosing query's row changes shape (GROUP BY).

use super::{AccessPath, JoinStrategy, KeyRangeExprs, Plan, SortKey};
use crate::error::Result;
use crate::expr::Expr;

type Rewrite<'f> = dyn FnMut(Expr) -> Result<Expr> + 'f;

fn map_vec(exprs: &mut [Expr], f: &mut Rewrite) -> Result<()> {
    for e in exprs {
        let taken = std::mem::replace(e, Expr::literal(crate::Value::Null));
        *e = f(taken)?;
    }
    Ok(())
}

fn map_one(expr: &mut Expr, f: &mut Rewrite) -> Result<()> {
    let taken = std::mem::replace(expr, Expr::literal(crate::Value::Null));
    *expr = f(taken)?;
    Ok(())
}

fn map_range(range: &mut KeyRangeExprs, f: &mut Rewrite) -> Result<()> {
    map_vec(&mut range.equal, f)?;
    if let Some((e, _)) = &mut range.lower {
        map_one(e, f)?;
    }
    if let Some((e, _)) = &mut range.upper {
        map_one(e, f)?;
    }
    if let Some(list) = &mut range.in_list {
        map_vec(list, f)?;
    }
    Ok(())
}

fn map_keys(keys: &mut [SortKey], f: &mut Rewrite) -> Result<()> {
    keys.iter_mut().try_for_each(|k| map_one(&mut k.expr, f))
}

impl Plan {
    /// Replaces every expression of this plan and its inputs by `f(expr)`.
    pub fn map_exprs(&mut self, f: &mut Rewrite) -> Result<()> {
        match self {
            Plan::Scan { access, .. } => match access {
                AccessPath::Full => Ok(()),
                AccessPath::Primary(range) | AccessPath::Index { range, .. } => map_range(range, f),
            },
            Plan::Values { rows, .. } => rows.iter_mut().try_for_each(|row| map_vec(row, f)),
            Plan::WorkTable { .. } | Plan::SystemRows { .. } => Ok(()),
            Plan::Join {
                left,
                right,
                condition,
                strategy,
                ..
            } => {
                if let Some(c) = condition {
                    map_one(c, f)?;
                }
                match strategy {
                    JoinStrategy::NestedLoop => {}
                    JoinStrategy::Hash {
                        left_keys,
                        right_keys,
                    } => {
                        map_vec(left_keys, f)?;
                        map_vec(right_keys, f)?;
                    }
                    JoinStrategy::IndexLookup { left_keys, .. } => map_vec(left_keys, f)?,
                }
                left.map_exprs(f)?;
                right.map_exprs(f)
            }
            Plan::Filter { input, predicate } => {
                map_one(predicate, f)?;
                input.map_exprs(f)
            }
            Plan::Project { input, exprs } => {
                map_vec(exprs, f)?;
                input.map_exprs(f)
            }
            Plan::Aggregate {
                input,
                group_by,
                aggregates,
            } => {
                map_vec(group_by, f)?;
                for call in aggregates {
                    if let Some(arg) = &mut call.arg {
                        map_one(arg, f)?;
                    }
                    if let Some(separator) = &mut call.separator {
                        map_one(separator, f)?;
                    }
                }
                input.map_exprs(f)
            }
            Plan::Sort { input, keys, fetch } => {
                map_keys(keys, f)?;
                if let Some(fetch) = fetch {
                    map_one(fetch, f)?;
                }
                input.map_exprs(f)
            }
            Plan::Limit {
                input,
                limit,
                offset,
            } => {
                if let Some(l) = limit {
                    map_one(l, f)?;
                }
                if let Some(o) = offset {
                    map_one(o, f)?;
                }
                input.map_exprs(f)
            }
            Plan::Distinct { input } => input.map_exprs(f),
            Plan::Window { input, calls } => {
                for call in calls.iter_mut() {
                    call.map_exprs(f)?;
                }
                input.map_exprs(f)
            }
            Plan::SetOp { left, right, .. } => {
                left.map_exprs(f)?;
                right.map_exprs(f)
            }
            Plan::RecursiveUnion { anchor, step, .. } => {
                anchor.map_exprs(f)?;
                step.map_exprs(f)
            }
        }
    }
}

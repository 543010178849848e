//! The executor: runs plans as trees of pull-based operators (one operator per file) and
//! applies DML and DDL. Scans hold no lock between chunks, so long reads never block writers.

mod aggregate;
mod ddl;
mod distinct;
pub mod dml;
mod filter;
mod index_join;
mod join;
mod limit;
mod project;
mod recursive;
mod scan;
mod set_op;
mod sort;
mod top_n;
mod values;
mod window;

pub use ddl::execute_ddl;

use crate::error::Result;
pub use crate::expr::EvalContext;
use crate::planner::{JoinStrategy, Plan};
use crate::types::Value;

/// A row flowing between operators.
pub type Tuple = Vec<Value>;

/// Receives borrowed rows from [`Operator::for_each`]; returns false to stop the input early.
pub type RowConsumer<'f> = dyn FnMut(&[Value]) -> Result<bool> + 'f;

/// A pull-based operator: each call yields the next row, or `None` when done.
pub trait Operator {
    /// The next row.
    fn next(&mut self, ctx: &EvalContext) -> Result<Option<Tuple>>;

    /// Hands every remaining row to `consume`, borrowed, until it returns false. Operators that
    /// read all of their input (sort, aggregate) use this: a scan can then lend rows straight
    /// out of storage instead of building an owned row for each.
    fn for_each(&mut self, ctx: &EvalContext, consume: &mut RowConsumer<'_>) -> Result<()> {
        pull_each(self, ctx, consume)
    }

    /// Appends every remaining row to `out`, owned (how a statement's result is collected).
    fn drain_into(&mut self, ctx: &EvalContext, out: &mut Vec<Tuple>) -> Result<()> {
        while let Some(row) = self.next(ctx)? {
            out.push(row);
        }
        Ok(())
    }
}

/// [`Operator::for_each`] by pulling owned rows one at a time.
pub fn pull_each<O: Operator + ?Sized>(
    op: &mut O,
    ctx: &EvalContext,
    consume: &mut RowConsumer<'_>,
) -> Result<()> {
    while let Some(row) = op.next(ctx)? {
        if !consume(&row)? {
            break;
        }
    }
    Ok(())
}

/// Builds the operator tree for a plan.
pub fn build(plan: &Plan) -> Box<dyn Operator + '_> {
    match plan {
        Plan::Scan {
            table,
            def,
            access,
            columns,
        } => Box::new(scan::ScanOperator::new(
            table.clone(),
            def.clone(),
            access,
            columns.clone(),
        )),
        Plan::Values { rows, .. } => Box::new(values::ValuesOperator::new(rows)),
        Plan::SystemRows { table } => Box::new(values::ComputedRowsOperator::new(table)),
        Plan::Join {
            left,
            right,
            kind,
            condition,
            strategy,
        } => {
            if let JoinStrategy::IndexLookup { left_keys, index } = strategy {
                if let Some(op) = index_join::build_index_join(
                    build(left),
                    right,
                    *kind,
                    condition.as_ref(),
                    left_keys,
                    *index,
                ) {
                    return op;
                }
            }
            join::build_join(
                build(left),
                build(right),
                left.width(),
                right.width(),
                *kind,
                condition.as_ref(),
                strategy,
            )
        }
        Plan::Filter { input, predicate } => {
            Box::new(filter::FilterOperator::new(build(input), predicate))
        }
        Plan::Project { input, exprs } => {
            Box::new(project::ProjectOperator::new(build(input), exprs))
        }
        Plan::Aggregate {
            input,
            group_by,
            aggregates,
        } => Box::new(aggregate::AggregateOperator::new(
            build(input),
            group_by,
            aggregates,
        )),
        Plan::Sort { input, keys, fetch } => {
            Box::new(sort::SortOperator::new(build(input), keys, fetch.as_ref()))
        }
        Plan::Limit {
            input,
            limit,
            offset,
        } => Box::new(limit::LimitOperator::new(
            build(input),
            limit.as_ref(),
            offset.as_ref(),
        )),
        Plan::Distinct { input } => Box::new(distinct::DistinctOperator::new(build(input))),
        Plan::Window { input, calls } => Box::new(window::WindowOperator::new(build(input), calls)),
        Plan::RecursiveUnion {
            id,
            all,
            anchor,
            step,
        } => Box::new(recursive::RecursiveUnionOperator::new(
            *id, *all, anchor, step,
        )),
        Plan::WorkTable { id, .. } => Box::new(recursive::WorkTableOperator::new(*id)),
        Plan::SetOp {
            kind,
            all,
            left,
            right,
        } => Box::new(set_op::SetOpOperator::new(
            *kind,
            *all,
            build(left),
            build(right),
        )),
    }
}

/// Runs a plan to completion.
pub fn collect(plan: &Plan, ctx: &EvalContext) -> Result<Vec<Tuple>> {
    let mut root = build(plan);
    let mut rows = Vec::new();
    root.drain_into(ctx, &mut rows)?;
    Ok(rows)
}

//! The planner: chooses how each table is read and how joins run. A filter directly over a
//! table scan is examined for equality and range conditions on the leading columns of the
//! primary key or a secondary index, and the best match becomes the scan's [`AccessPath`]; the
//! filter keeps the conditions the path does not enforce exactly (the path may find a superset
//! of the matching rows), and disappears when it enforces them all.
//! Conditions above an inner join are pushed to the input they read, and equality conditions
//! between the inputs make a hash join.

mod access;
mod join;
mod order;
mod plan;
mod prune;
mod rewrite;

pub use access::choose_access_path;
pub use plan::{
    describe_access, AccessPath, JoinKind, JoinStrategy, KeyRangeExprs, Plan, SetOpKind, SortKey,
};
use prune::prune_columns;

/// Plans a whole query: access paths, join algorithms, then column pruning.
pub fn plan_query(plan: Plan) -> Plan {
    let mut plan = optimize(plan);
    prune_columns(&mut plan);
    plan
}

/// Rewrites a bound plan into an executable one.
pub fn optimize(plan: Plan) -> Plan {
    match plan {
        Plan::Filter { input, predicate } => match *input {
            Plan::Scan {
                table,
                def,
                access: AccessPath::Full,
                columns,
            } => {
                let access = choose_access_path(&def, predicate);
                let scan = Plan::Scan {
                    table,
                    def,
                    access: access.path,
                    columns,
                };
                match access.residual {
                    Some(predicate) => Plan::Filter {
                        input: Box::new(scan),
                        predicate,
                    },
                    None => scan,
                }
            }
            join @ Plan::Join { .. } => join::push_filter_into_join(join, predicate),
            other => Plan::Filter {
                input: Box::new(optimize(other)),
                predicate,
            },
        },
        Plan::Join {
            left,
            right,
            kind,
            condition,
            ..
        } => join::plan_join(*left, *right, kind, condition),
        Plan::Project { input, exprs } => Plan::Project {
            input: Box::new(optimize(*input)),
            exprs,
        },
        Plan::Aggregate {
            input,
            group_by,
            aggregates,
        } => Plan::Aggregate {
            input: Box::new(optimize(*input)),
            group_by,
            aggregates,
        },
        Plan::Sort { input, keys, fetch } => {
            let mut input = optimize(*input);
            if order::order_by_index(&mut input, &keys) {
                input
            } else {
                Plan::Sort {
                    input: Box::new(input),
                    keys,
                    fetch,
                }
            }
        }
        Plan::Limit {
            input,
            limit,
            offset,
        } => {
            let input = match *input {
                Plan::Sort {
                    input,
                    keys,
                    fetch: None,
                } => {
                    let fetch = limit
                        .as_ref()
                        .map(|l| order::rows_needed(l, offset.as_ref()));
                    Plan::Sort { input, keys, fetch }
                }
                other => other,
            };
            let input = order::sort_before_project(optimize(input));
            Plan::Limit {
                input: Box::new(input),
                limit,
                offset,
            }
        }
        Plan::Distinct { input } => Plan::Distinct {
            input: Box::new(optimize(*input)),
        },
        Plan::SetOp {
            kind,
            all,
            left,
            right,
        } => Plan::SetOp {
            kind,
            all,
            left: Box::new(optimize(*left)),
            right: Box::new(optimize(*right)),
        },
        Plan::Window { input, calls } => Plan::Window {
            input: Box::new(optimize(*input)),
            calls,
        },
        Plan::RecursiveUnion {
            id,
            all,
            anchor,
            step,
        } => Plan::RecursiveUnion {
            id,
            all,
            anchor: Box::new(optimize(*anchor)),
            step: Box::new(optimize(*step)),
        },
        leaf @ (Plan::Scan { .. }
        | Plan::Values { .. }
        | Plan::SystemRows { .. }
        | Plan::WorkTable { .. }) => leaf,
    }
}

//! Recursive CTEs: [`RecursiveUnionOperator`] iterates the recursive step until it adds no
//! rows; [`WorkTableOperator`] is how the step reads the previous round's rows.

use std::collections::HashSet;
use std::rc::Rc;

use super::{collect, EvalContext, Operator, Tuple};
use crate::error::{Error, Result};
use crate::planner::Plan;

/// Rows a recursive CTE may produce before tether calls it runaway recursion.
const MAX_RECURSIVE_ROWS: usize = 10_000_000;

/// Runs a recursive CTE to its fixed point.
pub struct RecursiveUnionOperator<'p> {
    id: usize,
    all: bool,
    anchor: &'p Plan,
    step: &'p Plan,
    output: Option<std::vec::IntoIter<Tuple>>,
}

impl<'p> RecursiveUnionOperator<'p> {
    pub fn new(id: usize, all: bool, anchor: &'p Plan, step: &'p Plan) -> Self {
        RecursiveUnionOperator {
            id,
            all,
            anchor,
            step,
            output: None,
        }
    }

    fn run(&self, ctx: &EvalContext) -> Result<Vec<Tuple>> {
        let mut seen: HashSet<Tuple> = HashSet::new();
        let mut keep_new = |rows: Vec<Tuple>, all: bool| -> Vec<Tuple> {
            if all {
                rows
            } else {
                rows.into_iter()
                    .filter(|r| seen.insert(r.clone()))
                    .collect()
            }
        };
        let mut result = keep_new(collect(self.anchor, ctx)?, self.all);
        let mut round = result.clone();
        while !round.is_empty() {
            ctx.cache.set_work_table(self.id, Rc::new(round));
            round = keep_new(collect(self.step, ctx)?, self.all);
            result.extend(round.iter().cloned());
            if result.len() > MAX_RECURSIVE_ROWS {
                return Err(Error::DataException(format!(
                    "recursive query produced more than {MAX_RECURSIVE_ROWS} rows; is it missing a stop condition?"
                )));
            }
        }
        Ok(result)
    }
}

impl Operator for RecursiveUnionOperator<'_> {
    fn next(&mut self, ctx: &EvalContext) -> Result<Option<Tuple>> {
        if self.output.is_none() {
            self.output = Some(self.run(ctx)?.into_iter());
        }
        Ok(self.output.as_mut().and_then(Iterator::next))
    }
}

/// Yields the rows of the current round of a recursive CTE.
pub struct WorkTableOperator {
    id: usize,
    rows: Option<Rc<Vec<Tuple>>>,
    position: usize,
}

impl WorkTableOperator {
    pub fn new(id: usize) -> Self {
        WorkTableOperator {
            id,
            rows: None,
            position: 0,
        }
    }
}

impl Operator for WorkTableOperator {
    fn next(&mut self, ctx: &EvalContext) -> Result<Option<Tuple>> {
        let rows = self
            .rows
            .get_or_insert_with(|| ctx.cache.work_table(self.id));
        let row = rows.get(self.position).cloned();
        self.position += 1;
        Ok(row)
    }
}

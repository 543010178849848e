//! Filter: passes the rows for which the predicate is TRUE.

use super::{EvalContext, Operator, RowConsumer, Tuple};
use crate::error::Result;
use crate::expr::{eval_predicate, Expr};

/// Keeps rows whose predicate is TRUE.
pub struct FilterOperator<'p> {
    input: Box<dyn Operator + 'p>,
    predicate: &'p Expr,
}

impl<'p> FilterOperator<'p> {
    pub fn new(input: Box<dyn Operator + 'p>, predicate: &'p Expr) -> Self {
        FilterOperator { input, predicate }
    }
}

impl Operator for FilterOperator<'_> {
    fn next(&mut self, ctx: &EvalContext) -> Result<Option<Tuple>> {
        while let Some(row) = self.input.next(ctx)? {
            if eval_predicate(self.predicate, &row, ctx)? {
                return Ok(Some(row));
            }
        }
        Ok(None)
    }

    fn for_each(&mut self, ctx: &EvalContext, consume: &mut RowConsumer<'_>) -> Result<()> {
        let predicate = self.predicate;
        self.input.for_each(ctx, &mut |row| {
            if eval_predicate(predicate, row, ctx)? {
                consume(row)
            } else {
                Ok(true)
            }
        })
    }
}

//! Project: computes the output expressions of each row.

use super::{EvalContext, Operator, Tuple};
use crate::error::Result;
use crate::expr::Expr;

/// Maps each row to its output expressions.
pub struct ProjectOperator<'p> {
    input: Box<dyn Operator + 'p>,
    exprs: &'p [Expr],
}

impl<'p> ProjectOperator<'p> {
    pub fn new(input: Box<dyn Operator + 'p>, exprs: &'p [Expr]) -> Self {
        ProjectOperator { input, exprs }
    }
}

impl Operator for ProjectOperator<'_> {
    fn next(&mut self, ctx: &EvalContext) -> Result<Option<Tuple>> {
        match self.input.next(ctx)? {
            None => Ok(None),
            Some(row) => {
                let mut out = Vec::with_capacity(self.exprs.len());
                for e in self.exprs {
                    out.push(e.eval(&row, ctx)?);
                }
                Ok(Some(out))
            }
        }
    }
}

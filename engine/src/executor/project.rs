//! Project: computes the output expressions of each row.

use super::{EvalContext, Operator, RowConsumer, Tuple};
use crate::error::Result;
use crate::expr::Expr;
use crate::types::Value;

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

/// Appends the values of `exprs` over `row` to `out`.
fn project_into(exprs: &[Expr], row: &[Value], ctx: &EvalContext, out: &mut Tuple) -> Result<()> {
    for e in exprs {
        out.push(e.eval(row, ctx)?);
    }
    Ok(())
}

impl Operator for ProjectOperator<'_> {
    fn next(&mut self, ctx: &EvalContext) -> Result<Option<Tuple>> {
        match self.input.next(ctx)? {
            None => Ok(None),
            Some(row) => {
                let mut out = Vec::with_capacity(self.exprs.len());
                project_into(self.exprs, &row, ctx, &mut out)?;
                Ok(Some(out))
            }
        }
    }

    fn for_each(&mut self, ctx: &EvalContext, consume: &mut RowConsumer<'_>) -> Result<()> {
        let exprs = self.exprs;
        let mut out = Vec::with_capacity(exprs.len());
        self.input.for_each(ctx, &mut |row| {
            out.clear();
            project_into(exprs, row, ctx, &mut out)?;
            consume(&out)
        })
    }

    fn drain_into(&mut self, ctx: &EvalContext, out: &mut Vec<Tuple>) -> Result<()> {
        let exprs = self.exprs;
        self.input.for_each(ctx, &mut |row| {
            let mut projected = Vec::with_capacity(exprs.len());
            project_into(exprs, row, ctx, &mut projected)?;
            out.push(projected);
            Ok(true)
        })
    }
}

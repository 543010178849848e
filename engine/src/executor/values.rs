//! `VALUES` rows (and the single empty row of a SELECT without FROM).

use super::{EvalContext, Operator, Tuple};
use crate::error::Result;
use crate::expr::Expr;

/// Evaluates each literal row in turn.
pub struct ValuesOperator<'p> {
    rows: std::slice::Iter<'p, Vec<Expr>>,
}

impl<'p> ValuesOperator<'p> {
    pub fn new(rows: &'p [Vec<Expr>]) -> Self {
        ValuesOperator { rows: rows.iter() }
    }
}

impl Operator for ValuesOperator<'_> {
    fn next(&mut self, ctx: &EvalContext) -> Result<Option<Tuple>> {
        match self.rows.next() {
            None => Ok(None),
            Some(row) => Ok(Some(
                row.iter()
                    .map(|e| e.eval(&[], ctx))
                    .collect::<Result<_>>()?,
            )),
        }
    }
}

//! `VALUES` rows (and the single empty row of a SELECT without FROM), and the computed rows of
//! system tables.

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

/// The rows of a system table, computed when first pulled.
pub struct ComputedRowsOperator<'p> {
    table: &'p crate::catalog::SystemTable,
    rows: Option<std::vec::IntoIter<Tuple>>,
}

impl<'p> ComputedRowsOperator<'p> {
    pub fn new(table: &'p crate::catalog::SystemTable) -> Self {
        ComputedRowsOperator { table, rows: None }
    }
}

impl Operator for ComputedRowsOperator<'_> {
    fn next(&mut self, _ctx: &EvalContext) -> Result<Option<Tuple>> {
        let rows = self
            .rows
            .get_or_insert_with(|| (self.table.rows)().into_iter());
        Ok(rows.next())
    }
}

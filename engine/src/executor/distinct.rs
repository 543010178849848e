//! Distinct: drops rows equal to one already produced.

use std::collections::HashSet;

use super::{EvalContext, Operator, Tuple};
use crate::error::Result;

/// Passes the first occurrence of each row.
pub struct DistinctOperator<'p> {
    input: Box<dyn Operator + 'p>,
    seen: HashSet<Tuple>,
}

impl<'p> DistinctOperator<'p> {
    pub fn new(input: Box<dyn Operator + 'p>) -> Self {
        DistinctOperator {
            input,
            seen: HashSet::new(),
        }
    }
}

impl Operator for DistinctOperator<'_> {
    fn next(&mut self, ctx: &EvalContext) -> Result<Option<Tuple>> {
        while let Some(row) = self.input.next(ctx)? {
            if !self.seen.contains(&row) {
                self.seen.insert(row.clone());
                return Ok(Some(row));
            }
        }
        Ok(None)
    }
}

//! Limit: skips OFFSET rows, then passes at most LIMIT rows and stops pulling.

use super::{EvalContext, Operator, Tuple};
use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::types::Value;

/// LIMIT / OFFSET.
pub struct LimitOperator<'p> {
    input: Box<dyn Operator + 'p>,
    limit_expr: Option<&'p Expr>,
    offset_expr: Option<&'p Expr>,
    /// (remaining to skip, remaining to pass) once evaluated.
    state: Option<(u64, Option<u64>)>,
}

impl<'p> LimitOperator<'p> {
    pub fn new(
        input: Box<dyn Operator + 'p>,
        limit: Option<&'p Expr>,
        offset: Option<&'p Expr>,
    ) -> Self {
        LimitOperator {
            input,
            limit_expr: limit,
            offset_expr: offset,
            state: None,
        }
    }
}

fn count(expr: Option<&Expr>, ctx: &EvalContext, what: &str) -> Result<Option<u64>> {
    let Some(expr) = expr else { return Ok(None) };
    match expr.eval(&[], ctx)? {
        Value::Null => Ok(None),
        v => match v.as_i64() {
            Some(n) if n >= 0 => Ok(Some(n as u64)),
            Some(_) => Err(Error::DataException(format!("{what} must not be negative"))),
            None => Err(Error::DatatypeMismatch(format!(
                "argument of {what} must be an integer"
            ))),
        },
    }
}

impl Operator for LimitOperator<'_> {
    fn next(&mut self, ctx: &EvalContext) -> Result<Option<Tuple>> {
        if self.state.is_none() {
            let offset = count(self.offset_expr, ctx, "OFFSET")?.unwrap_or(0);
            let limit = count(self.limit_expr, ctx, "LIMIT")?;
            self.state = Some((offset, limit));
        }
        let Some((skip, remaining)) = &mut self.state else {
            return Ok(None);
        };
        if *remaining == Some(0) {
            return Ok(None);
        }
        while *skip > 0 {
            if self.input.next(ctx)?.is_none() {
                return Ok(None);
            }
            *skip -= 1;
        }
        let row = self.input.next(ctx)?;
        if row.is_some() {
            if let Some(r) = remaining {
                *r -= 1;
            }
        }
        Ok(row)
    }
}

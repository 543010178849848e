//! Type coercion while binding: untyped literals and parameters take the type their context
//! needs, and implicit casts are inserted where PostgreSQL would insert them.

use super::Binder;
use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::types::{cast, compare, parse, CastMode, DataType, Value};

impl Binder<'_> {
    /// Makes `expr` produce `target`: parameters adopt the type, untyped literals are parsed
    /// now (22P02 names the bad text), and other expressions get an implicit cast if allowed.
    pub(super) fn coerce(&mut self, expr: Expr, target: &DataType) -> Result<Expr> {
        let source = expr.data_type();
        if source == *target || *target == DataType::Unknown {
            return Ok(expr);
        }
        match expr {
            Expr::Param {
                index,
                data_type: DataType::Unknown,
            } => {
                self.set_param_type(index, target.clone());
                Ok(Expr::Param {
                    index,
                    data_type: target.clone(),
                })
            }
            Expr::Literal {
                value,
                data_type: DataType::Unknown,
            } => {
                let value = match value {
                    Value::Null => Value::Null,
                    Value::Text(text) => parse::parse_text(&text, target)?,
                    other => cast::cast(other, target, CastMode::Explicit)?,
                };
                Ok(Expr::Literal {
                    value,
                    data_type: target.clone(),
                })
            }
            expr if cast::can_cast(&source, target, CastMode::Implicit) => Ok(Expr::Cast {
                expr: Box::new(expr),
                data_type: target.clone(),
            }),
            _ => Err(Error::DatatypeMismatch(format!(
                "cannot use a value of type {source} where {target} is expected"
            ))),
        }
    }

    /// Coerces for storing into a column: like [`Binder::coerce`], but with assignment rules
    /// (numeric narrowing allowed, checked when the value is stored).
    pub(super) fn coerce_for_column(
        &mut self,
        expr: Expr,
        column: &str,
        target: &DataType,
    ) -> Result<Expr> {
        let source = expr.data_type();
        if source == DataType::Unknown || source == *target {
            return self.coerce(expr, target);
        }
        if cast::can_cast(&source, target, CastMode::Assignment) {
            return Ok(expr);
        }
        Err(Error::DatatypeMismatch(format!(
            "column \"{column}\" is of type {target} but expression is of type {source}"
        )))
    }

    /// Brings a set of expressions to their common type (CASE branches, IN lists, COALESCE).
    pub(super) fn unify(
        &mut self,
        exprs: Vec<Expr>,
        context: &str,
    ) -> Result<(Vec<Expr>, DataType)> {
        let mut common = DataType::Unknown;
        for e in &exprs {
            let t = e.data_type();
            common = compare::common_type(&common, &t).ok_or_else(|| {
                Error::DatatypeMismatch(format!(
                    "{context} types {common} and {t} cannot be matched"
                ))
            })?;
        }
        if common == DataType::Unknown {
            common = DataType::Text;
        }
        let exprs = exprs
            .into_iter()
            .map(|e| {
                if e.data_type() == DataType::Unknown {
                    self.coerce(e, &common)
                } else {
                    Ok(e)
                }
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((exprs, common))
    }

    /// Coerces an expression that must be boolean (WHERE, HAVING, AND/OR/NOT operands).
    pub(super) fn coerce_bool(&mut self, expr: Expr, clause: &str) -> Result<Expr> {
        match expr.data_type() {
            DataType::Bool => Ok(expr),
            DataType::Unknown => self.coerce(expr, &DataType::Bool),
            other => Err(Error::DatatypeMismatch(format!(
                "argument of {clause} must be type boolean, not type {other}"
            ))),
        }
    }
}

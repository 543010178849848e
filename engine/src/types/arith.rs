//! Arithmetic (work in progress).
use super::{DataType, Value};
use crate::error::{Error, Result};
use std::fmt;

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArithOp { Add, Sub, Mul, Div, Mod, Concat }

impl fmt::Display for ArithOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}

/// Result type.
pub fn result_type(op: ArithOp, left: &DataType, right: &DataType) -> Result<DataType> {
    Err(Error::unsupported(format!("{left} {op} {right}")))
}

/// Arithmetic.
pub fn arithmetic(op: ArithOp, left: &Value, right: &Value) -> Result<Value> {
    Err(Error::unsupported(format!("{left:?} {op} {right:?}")))
}

/// Negation.
pub fn negate(value: &Value) -> Result<Value> {
    Err(Error::unsupported(format!("-{value:?}")))
}

//! Casts (work in progress).
use super::{DataType, Value};
use crate::error::{Error, Result};

/// Cast context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CastMode { Explicit, Assignment, Implicit }

/// Cast.
pub fn cast(value: Value, target: &DataType, mode: CastMode) -> Result<Value> {
    Err(Error::unsupported(format!("cast {value:?} to {target} {mode:?}")))
}

/// Whether a cast may succeed.
pub fn can_cast(from: &DataType, to: &DataType, mode: CastMode) -> bool {
    let _ = mode;
    from == to
}

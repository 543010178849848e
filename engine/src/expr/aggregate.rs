//! Aggregate functions (`count`, `sum`, `avg`, `min`, `max`, ...): resolution of their result
//! types and the running state that accumulates one group.

use super::Expr;
use crate::error::{Error, Result};
use crate::types::DataType;

/// The supported aggregate functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggregateFunction {
    /// `count(*)`
    CountStar,
    Count,
    Sum,
    Avg,
    Min,
    Max,
    BoolAnd,
    BoolOr,
    StringAgg,
}

/// One aggregate call in a query: function, argument, DISTINCT, and result type.
#[derive(Debug, Clone, PartialEq)]
pub struct AggregateCall {
    pub function: AggregateFunction,
    pub arg: Option<Expr>,
    /// Separator for `string_agg`.
    pub separator: Option<Expr>,
    pub distinct: bool,
    pub data_type: DataType,
}

impl AggregateFunction {
    /// Looks up an aggregate by lower-case name; `None` if the name is not an aggregate.
    pub fn by_name(name: &str) -> Option<Self> {
        Some(match name {
            "count" => AggregateFunction::Count,
            "sum" => AggregateFunction::Sum,
            "avg" => AggregateFunction::Avg,
            "min" => AggregateFunction::Min,
            "max" => AggregateFunction::Max,
            "bool_and" | "every" => AggregateFunction::BoolAnd,
            "bool_or" => AggregateFunction::BoolOr,
            "string_agg" => AggregateFunction::StringAgg,
            _ => return None,
        })
    }

    /// The result type for an argument of type `arg` (PostgreSQL's rules).
    pub fn result_type(self, arg: &DataType) -> Result<DataType> {
        let numeric = DataType::Numeric {
            precision: None,
            scale: None,
        };
        Ok(match self {
            AggregateFunction::CountStar | AggregateFunction::Count => DataType::Int64,
            AggregateFunction::Sum => match arg {
                DataType::Int16 | DataType::Int32 => DataType::Int64,
                DataType::Int64 | DataType::Numeric { .. } | DataType::Unknown => numeric,
                DataType::Float32 => DataType::Float32,
                DataType::Float64 => DataType::Float64,
                DataType::Interval => DataType::Interval,
                other => return Err(no_aggregate("sum", other)),
            },
            AggregateFunction::Avg => match arg {
                DataType::Int16
                | DataType::Int32
                | DataType::Int64
                | DataType::Numeric { .. }
                | DataType::Unknown => numeric,
                DataType::Float32 | DataType::Float64 => DataType::Float64,
                DataType::Interval => DataType::Interval,
                other => return Err(no_aggregate("avg", other)),
            },
            AggregateFunction::Min | AggregateFunction::Max => match arg {
                DataType::Json | DataType::Bool => return Err(no_aggregate("min/max", arg)),
                DataType::Varchar(_) | DataType::Char(_) | DataType::Unknown => DataType::Text,
                other => other.clone(),
            },
            AggregateFunction::BoolAnd | AggregateFunction::BoolOr => match arg {
                DataType::Bool | DataType::Unknown => DataType::Bool,
                other => return Err(no_aggregate("bool_and/bool_or", other)),
            },
            AggregateFunction::StringAgg => DataType::Text,
        })
    }
}

fn no_aggregate(name: &str, arg: &DataType) -> Error {
    Error::UndefinedFunction(format!("{name}({arg})"))
}

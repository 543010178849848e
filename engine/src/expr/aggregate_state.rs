//! The running state of an aggregate over one group: accumulation and the final value.

use std::collections::HashSet;

use super::{AggregateCall, AggregateFunction};
use crate::error::Result;
use crate::types::{arith, compare, ArithOp, DataType, Decimal, Value};

/// The running state of one aggregate over one group.
#[derive(Debug, Clone)]
pub struct AggregateState {
    count: i64,
    value: Value,
    /// SUM/AVG of integers or floats accumulate here without building values per row.
    sum: NativeSum,
    seen: Option<HashSet<Value>>,
}

/// A native running sum; `None` until a value of that kind arrives.
#[derive(Debug, Clone, Copy)]
enum NativeSum {
    None,
    Int(i128),
    Float(f64),
}

impl NativeSum {
    /// Adds `value` if it is of this sum's kind; false if it must take the generic path.
    #[inline]
    fn add(&mut self, value: &Value) -> bool {
        let int = match value {
            Value::Int16(v) => Some(i128::from(*v)),
            Value::Int32(v) => Some(i128::from(*v)),
            Value::Int64(v) => Some(i128::from(*v)),
            _ => None,
        };
        match (&mut *self, int, value) {
            (NativeSum::None, Some(i), _) => *self = NativeSum::Int(i),
            (NativeSum::Int(sum), Some(i), _) => *sum += i,
            (NativeSum::None, None, Value::Float64(f)) => *self = NativeSum::Float(*f),
            (NativeSum::Float(sum), None, Value::Float64(f)) => *sum += f,
            _ => return false,
        }
        true
    }

    /// The sum as a value (integers as numeric, which `finish` casts to the result type).
    fn to_value(self) -> Value {
        match self {
            NativeSum::None => Value::Null,
            NativeSum::Int(i) => Value::numeric(Decimal::from(i)),
            NativeSum::Float(f) => Value::Float64(f),
        }
    }
}

impl AggregateState {
    /// A fresh state for `call`.
    pub fn new(call: &AggregateCall) -> Self {
        AggregateState {
            count: 0,
            value: Value::Null,
            sum: NativeSum::None,
            seen: call.distinct.then(HashSet::new),
        }
    }

    /// Like [`AggregateState::add`] with a borrowed value: COUNT and native SUM/AVG sums read it
    /// in place; only the other aggregates take a copy.
    #[inline]
    pub fn add_ref(
        &mut self,
        call: &AggregateCall,
        value: &Value,
        separator: &Value,
    ) -> Result<()> {
        if call.function == AggregateFunction::CountStar {
            self.count += 1;
            return Ok(());
        }
        if value.is_null() {
            return Ok(());
        }
        if self.seen.is_none() {
            let counted = match call.function {
                AggregateFunction::Count => true,
                AggregateFunction::Sum | AggregateFunction::Avg => {
                    self.value.is_null() && self.sum.add(value)
                }
                _ => false,
            };
            if counted {
                self.count += 1;
                return Ok(());
            }
        }
        self.add(call, value.clone(), separator)
    }

    /// Adds one input row's argument value (`Null` for `count(*)` rows is fine).
    pub fn add(&mut self, call: &AggregateCall, value: Value, separator: &Value) -> Result<()> {
        if call.function == AggregateFunction::CountStar {
            self.count += 1;
            return Ok(());
        }
        if value.is_null() {
            return Ok(());
        }
        if let Some(seen) = &mut self.seen {
            if !seen.insert(value.clone()) {
                return Ok(());
            }
        }
        self.count += 1;
        self.value = match call.function {
            AggregateFunction::CountStar | AggregateFunction::Count => Value::Null,
            AggregateFunction::Sum | AggregateFunction::Avg
                if self.value.is_null() && self.sum.add(&value) =>
            {
                return Ok(());
            }
            AggregateFunction::Sum | AggregateFunction::Avg => {
                self.absorb_native_sum()?;
                if self.value.is_null() {
                    widen_for_sum(value)
                } else {
                    arith::arithmetic(ArithOp::Add, &self.value, &widen_for_sum(value))?
                }
            }
            AggregateFunction::Min | AggregateFunction::Max => {
                let keep_new = self.value.is_null()
                    || match compare::sql_compare(&value, &self.value)? {
                        Some(std::cmp::Ordering::Less) => call.function == AggregateFunction::Min,
                        Some(std::cmp::Ordering::Greater) => {
                            call.function == AggregateFunction::Max
                        }
                        _ => false,
                    };
                if keep_new {
                    value
                } else {
                    std::mem::replace(&mut self.value, Value::Null)
                }
            }
            AggregateFunction::BoolAnd | AggregateFunction::BoolOr => {
                let v = value.as_bool()?.unwrap_or(false);
                let acc = self.value.as_bool()?;
                Value::Bool(match (call.function, acc) {
                    (_, None) => v,
                    (AggregateFunction::BoolAnd, Some(a)) => a && v,
                    (_, Some(a)) => a || v,
                })
            }
            AggregateFunction::StringAgg => {
                let text = value.to_string();
                match &self.value {
                    Value::Null => Value::text(text),
                    previous => {
                        let sep = if separator.is_null() {
                            String::new()
                        } else {
                            separator.to_string()
                        };
                        Value::text(format!("{previous}{sep}{text}"))
                    }
                }
            }
        };
        Ok(())
    }

    /// Moves a native running sum into the generic value (when a value of another kind arrives).
    fn absorb_native_sum(&mut self) -> Result<()> {
        let native = std::mem::replace(&mut self.sum, NativeSum::None).to_value();
        if !native.is_null() {
            self.value = if self.value.is_null() {
                native
            } else {
                arith::arithmetic(ArithOp::Add, &self.value, &native)?
            };
        }
        Ok(())
    }

    /// The aggregate's result for the group.
    pub fn finish(&self, call: &AggregateCall) -> Result<Value> {
        if !matches!(self.sum, NativeSum::None) {
            let mut merged = self.clone();
            merged.absorb_native_sum()?;
            return merged.finish(call);
        }
        match call.function {
            AggregateFunction::CountStar | AggregateFunction::Count => Ok(Value::Int64(self.count)),
            AggregateFunction::Avg => {
                if self.count == 0 {
                    return Ok(Value::Null);
                }
                let divisor = match &call.data_type {
                    DataType::Float64 => Value::Float64(self.count as f64),
                    DataType::Interval => Value::Int64(self.count),
                    _ => Value::numeric(Decimal::from(self.count)),
                };
                let sum = match (&call.data_type, &self.value) {
                    (DataType::Float64, Value::Float32(f)) => Value::Float64(f64::from(*f)),
                    (DataType::Numeric { .. }, v) if v.as_i64().is_some() => {
                        Value::numeric(Decimal::from(v.as_i64().unwrap_or(0)))
                    }
                    (_, v) => v.clone(),
                };
                arith::arithmetic(ArithOp::Div, &sum, &divisor)
            }
            AggregateFunction::Sum => crate::types::cast::cast(
                self.value.clone(),
                &call.data_type,
                crate::types::CastMode::Explicit,
            ),
            _ => Ok(self.value.clone()),
        }
    }
}

/// Sums of small integers accumulate as bigint and of bigints as numeric, so they cannot
/// overflow where PostgreSQL's would not.
fn widen_for_sum(value: Value) -> Value {
    match value {
        Value::Int16(v) => Value::Int64(i64::from(v)),
        Value::Int32(v) => Value::Int64(i64::from(v)),
        Value::Int64(v) => Value::numeric(Decimal::from(v)),
        other => other,
    }
}

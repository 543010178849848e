//! Binary arithmetic and concatenation ([`ArithOp`]): the result type of `left op right`
//! ([`result_type`], used by the binder) and its evaluation ([`arithmetic`], [`negate`]),
//! following PostgreSQL's operators: checked integer arithmetic (22003), division by zero
//! (22012), NUMERIC division with PostgreSQL's result scale, IEEE floats with overflow checks,
//! and date/time arithmetic with intervals.

use std::fmt;
use std::sync::Arc;

use super::cast::text_of;
use super::datetime::{
    add_days_to_date, add_interval_to_date, add_interval_to_time, add_interval_to_timestamp,
    add_interval_to_timestamptz, date_difference, time_difference, timestamp_difference,
    MICROS_PER_DAY,
};
use super::json::jsonb_concat;
use super::numeric::{divide, modulo, to_f64};
use super::{DataType, Decimal, Interval, Value};
use crate::error::{Error, Result};

/// A binary arithmetic operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Mod,
    /// `||`
    Concat,
}

impl fmt::Display for ArithOp {
    /// The operator's SQL spelling: `+ - * / % ||`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
            ArithOp::Div => "/",
            ArithOp::Mod => "%",
            ArithOp::Concat => "||",
        })
    }
}

fn no_operator(op: ArithOp, left: &DataType, right: &DataType) -> Error {
    Error::UndefinedOperator(format!("{left} {op} {right}"))
}

fn integer_rank(ty: &DataType) -> u8 {
    match ty {
        DataType::Int16 => 1,
        DataType::Int32 => 2,
        _ => 3,
    }
}

/// The result type of two numeric operand types: REAL only for REAL with REAL, DOUBLE
/// PRECISION for any other float, NUMERIC with any NUMERIC, else the wider integer.
fn numeric_result(left: &DataType, right: &DataType) -> DataType {
    use DataType as T;
    match (left, right) {
        (T::Float32, T::Float32) => T::Float32,
        (T::Float32 | T::Float64, _) | (_, T::Float32 | T::Float64) => T::Float64,
        (T::Numeric { .. }, _) | (_, T::Numeric { .. }) => T::Numeric {
            precision: None,
            scale: None,
        },
        _ if integer_rank(left) >= integer_rank(right) => left.clone(),
        _ => right.clone(),
    }
}

fn is_float(ty: &DataType) -> bool {
    matches!(ty, DataType::Float32 | DataType::Float64)
}

fn is_timestamp(ty: &DataType) -> bool {
    matches!(ty, DataType::Timestamp | DataType::TimestampTz)
}

/// The type of `left op right`, or 42883 "operator does not exist: integer + boolean".
///
/// An `Unknown` operand (an untyped literal) takes the other operand's type, except where
/// PostgreSQL's operator resolution picks another: `timestamp + unknown` reads the literal as
/// an interval, and `interval * unknown` / `interval / unknown` as double precision. For `||`,
/// an unknown operand is text (or bytea/jsonb next to bytea/jsonb).
pub fn result_type(op: ArithOp, left: &DataType, right: &DataType) -> Result<DataType> {
    use DataType as T;
    if op == ArithOp::Concat {
        return concat_type(left, right).ok_or_else(|| no_operator(op, left, right));
    }
    match (left, right) {
        (T::Unknown, T::Unknown) => Err(Error::DatatypeMismatch(format!(
            "operator is not unique: unknown {op} unknown"
        ))),
        (T::Unknown, known) | (known, T::Unknown) => {
            let unknown_on_left = matches!(left, T::Unknown);
            let fallback = match (op, known) {
                (ArithOp::Add, k) if is_timestamp(k) || *k == T::Date => Some(T::Interval),
                (ArithOp::Mul | ArithOp::Div, T::Interval) => Some(T::Float64),
                _ => None,
            };
            match (known_result_type(op, known, known), fallback) {
                (Some(ty), _) => Ok(ty),
                (None, Some(guess)) => {
                    let (l, r) = if unknown_on_left {
                        (&guess, known)
                    } else {
                        (known, &guess)
                    };
                    known_result_type(op, l, r).ok_or_else(|| no_operator(op, left, right))
                }
                (None, None) => Err(no_operator(op, left, right)),
            }
        }
        _ => known_result_type(op, left, right).ok_or_else(|| no_operator(op, left, right)),
    }
}

fn concat_type(left: &DataType, right: &DataType) -> Option<DataType> {
    use DataType as T;
    Some(match (left, right) {
        (T::Bytea, T::Bytea | T::Unknown) | (T::Unknown, T::Bytea) => T::Bytea,
        (T::Jsonb, T::Jsonb | T::Unknown) | (T::Unknown, T::Jsonb) => T::Jsonb,
        (x, _) | (_, x) if x.is_string() || *x == T::Unknown => T::Text,
        _ => return None,
    })
}

/// Result types of operators between two known types.
fn known_result_type(op: ArithOp, left: &DataType, right: &DataType) -> Option<DataType> {
    use ArithOp::{Add, Div, Mod, Mul, Sub};
    use DataType as T;
    Some(match (op, left, right) {
        (Mod, l, r) if is_float(l) || is_float(r) => return None,
        (_, l, r) if l.is_numeric() && r.is_numeric() => numeric_result(l, r),
        (Add | Sub, T::Date, i) | (Add, i, T::Date) if i.is_integer() => T::Date,
        (Sub, T::Date, T::Date) => T::Int32,
        (Add | Sub, T::Date, T::Interval) | (Add, T::Interval, T::Date) => T::Timestamp,
        (Add, T::Date, T::Time) | (Add, T::Time, T::Date) => T::Timestamp,
        (Add | Sub, ts, T::Interval) if is_timestamp(ts) => ts.clone(),
        (Add, T::Interval, ts) if is_timestamp(ts) => ts.clone(),
        (Sub, l, r) if is_timestamp(l) || is_timestamp(r) => {
            let both_points = matches!(l, T::Date | T::Timestamp | T::TimestampTz)
                && matches!(r, T::Date | T::Timestamp | T::TimestampTz);
            if !both_points {
                return None;
            }
            T::Interval
        }
        (Add | Sub, T::Time, T::Interval) | (Add, T::Interval, T::Time) => T::Time,
        (Sub, T::Time, T::Time) => T::Interval,
        (Add | Sub, T::Interval, T::Interval) => T::Interval,
        (Mul | Div, T::Interval, n) | (Mul, n, T::Interval) if n.is_numeric() => T::Interval,
        _ => return None,
    })
}

/// Evaluates `left op right`. NULL on either side gives NULL (also for `||`). Operands may be
/// of different numeric variants; they are promoted as [`result_type`] describes.
pub fn arithmetic(op: ArithOp, left: &Value, right: &Value) -> Result<Value> {
    if left.is_null() || right.is_null() {
        return Ok(Value::Null);
    }
    if op == ArithOp::Concat {
        return concat(left, right);
    }
    let result = if left.data_type().is_numeric() && right.data_type().is_numeric() {
        numeric_arithmetic(op, left, right)?
    } else {
        temporal_arithmetic(op, left, right)?
    };
    result.ok_or_else(|| no_operator(op, &left.data_type(), &right.data_type()))
}

fn concat(left: &Value, right: &Value) -> Result<Value> {
    Ok(match (left, right) {
        (Value::Bytea(a), Value::Bytea(b)) => {
            let mut bytes = Vec::with_capacity(a.len() + b.len());
            bytes.extend_from_slice(a);
            bytes.extend_from_slice(b);
            Value::Bytea(Arc::from(bytes))
        }
        (Value::Json(a), Value::Json(b)) => Value::Json(Arc::from(jsonb_concat(a, b)?)),
        (Value::Text(_), _) | (_, Value::Text(_)) => {
            Value::Text(Arc::from(format!("{}{}", text_of(left), text_of(right))))
        }
        _ => {
            return Err(no_operator(
                ArithOp::Concat,
                &left.data_type(),
                &right.data_type(),
            ))
        }
    })
}

fn integer_out_of_range(ty: &DataType) -> Error {
    Error::NumericOutOfRange(match ty {
        DataType::Int16 => "smallint out of range".into(),
        DataType::Int32 => "integer out of range".into(),
        _ => "bigint out of range".into(),
    })
}

/// Arithmetic between two numeric values; `Ok(None)` if there is no such operator.
fn numeric_arithmetic(op: ArithOp, left: &Value, right: &Value) -> Result<Option<Value>> {
    let result_ty = match known_result_type(op, &left.data_type(), &right.data_type()) {
        Some(ty) => ty,
        None => return Ok(None),
    };
    Ok(Some(match result_ty {
        DataType::Float32 => match (left, right) {
            (Value::Float32(a), Value::Float32(b)) => Value::Float32(float_op(op, *a, *b)?),
            _ => {
                return Err(Error::Internal(
                    "REAL arithmetic on non-REAL operands".into(),
                ))
            }
        },
        DataType::Float64 => Value::Float64(float_op(op, as_f64(left)?, as_f64(right)?)?),
        DataType::Numeric { .. } => {
            Value::numeric(decimal_op(op, &as_decimal(left), &as_decimal(right))?)
        }
        integer_ty => {
            let (a, b) = (left.as_i64().unwrap_or(0), right.as_i64().unwrap_or(0));
            let value = integer_op(op, a, b, &integer_ty)?;
            let out_of_range = || integer_out_of_range(&integer_ty);
            match integer_ty {
                DataType::Int16 => Value::Int16(i16::try_from(value).map_err(|_| out_of_range())?),
                DataType::Int32 => Value::Int32(i32::try_from(value).map_err(|_| out_of_range())?),
                _ => Value::Int64(value),
            }
        }
    }))
}

fn as_f64(value: &Value) -> Result<f64> {
    Ok(match value {
        Value::Float32(v) => f64::from(*v),
        Value::Float64(v) => *v,
        Value::Numeric(d) => to_f64(d)?,
        other => {
            // Integers above 2^53 round, as in PostgreSQL's int8 -> float8 conversion.
            #[allow(clippy::cast_precision_loss)]
            let converted = other.as_i64().unwrap_or(0) as f64;
            converted
        }
    })
}

fn as_decimal(value: &Value) -> Decimal {
    match value {
        Value::Numeric(d) => (**d).clone(),
        other => Decimal::from(other.as_i64().unwrap_or(0)),
    }
}

/// Integer arithmetic in i64; the caller narrows to the result type.
fn integer_op(op: ArithOp, a: i64, b: i64, ty: &DataType) -> Result<i64> {
    let overflow = || integer_out_of_range(ty);
    match op {
        ArithOp::Add => a.checked_add(b).ok_or_else(overflow),
        ArithOp::Sub => a.checked_sub(b).ok_or_else(overflow),
        ArithOp::Mul => a.checked_mul(b).ok_or_else(overflow),
        ArithOp::Div if b == 0 => Err(Error::DivisionByZero),
        ArithOp::Div => a.checked_div(b).ok_or_else(overflow),
        ArithOp::Mod if b == 0 => Err(Error::DivisionByZero),
        // i64::MIN % -1 overflows in Rust; mathematically it is 0.
        ArithOp::Mod if b == -1 => Ok(0),
        ArithOp::Mod => a.checked_rem(b).ok_or_else(overflow),
        ArithOp::Concat => Err(Error::Internal("|| is not arithmetic".into())),
    }
}

/// Float arithmetic with PostgreSQL's checks: an infinite result from finite operands is an
/// overflow, a zero product or quotient of non-zero operands an underflow (both 22003).
fn float_op<F: Float>(op: ArithOp, a: F, b: F) -> Result<F> {
    let result = match op {
        ArithOp::Add => a.add(b),
        ArithOp::Sub => a.sub(b),
        ArithOp::Mul => a.mul(b),
        ArithOp::Div if b.is_zero() && !a.is_nan() => return Err(Error::DivisionByZero),
        ArithOp::Div => a.div(b),
        ArithOp::Mod | ArithOp::Concat => {
            return Err(Error::Internal("no float operator for % or ||".into()))
        }
    };
    if result.is_infinite() && !a.is_infinite() && !b.is_infinite() {
        return Err(Error::NumericOutOfRange(
            "value out of range: overflow".into(),
        ));
    }
    let underflow = match op {
        ArithOp::Mul => result.is_zero() && !a.is_zero() && !b.is_zero(),
        ArithOp::Div => result.is_zero() && !a.is_zero() && !b.is_infinite(),
        _ => false,
    };
    if underflow {
        return Err(Error::NumericOutOfRange(
            "value out of range: underflow".into(),
        ));
    }
    Ok(result)
}

/// The float operations `float_op` needs, for f32 and f64.
trait Float: Copy {
    fn add(self, other: Self) -> Self;
    fn sub(self, other: Self) -> Self;
    fn mul(self, other: Self) -> Self;
    fn div(self, other: Self) -> Self;
    fn is_zero(self) -> bool;
    fn is_nan(self) -> bool;
    fn is_infinite(self) -> bool;
}

macro_rules! impl_float {
    ($($t:ty),*) => {$(
        impl Float for $t {
            fn add(self, other: Self) -> Self { self + other }
            fn sub(self, other: Self) -> Self { self - other }
            fn mul(self, other: Self) -> Self { self * other }
            fn div(self, other: Self) -> Self { self / other }
            fn is_zero(self) -> bool { self == 0.0 }
            fn is_nan(self) -> bool { <$t>::is_nan(self) }
            fn is_infinite(self) -> bool { <$t>::is_infinite(self) }
        }
    )*};
}
impl_float!(f32, f64);

fn decimal_op(op: ArithOp, a: &Decimal, b: &Decimal) -> Result<Decimal> {
    match op {
        ArithOp::Add => Ok(a + b),
        ArithOp::Sub => Ok(a - b),
        ArithOp::Mul => Ok(a * b),
        ArithOp::Div => divide(a, b),
        ArithOp::Mod => modulo(a, b),
        ArithOp::Concat => Err(Error::Internal("|| is not arithmetic".into())),
    }
}

/// Date, time, timestamp and interval arithmetic; `Ok(None)` if there is no such operator.
fn temporal_arithmetic(op: ArithOp, left: &Value, right: &Value) -> Result<Option<Value>> {
    use ArithOp::{Add, Div, Mul, Sub};
    use Value as V;
    let days = |v: &Value| v.as_i64();
    Ok(Some(match (op, left, right) {
        (Add, V::Date(d), n) | (Add, n, V::Date(d)) if days(n).is_some() => {
            V::Date(add_days_to_date(*d, days(n).unwrap_or(0))?)
        }
        (Sub, V::Date(d), n) if days(n).is_some() => {
            let n = days(n)
                .unwrap_or(0)
                .checked_neg()
                .ok_or_else(|| Error::InvalidDatetime("date out of range".into()))?;
            V::Date(add_days_to_date(*d, n)?)
        }
        (Sub, V::Date(a), V::Date(b)) => V::Int32(date_difference(*a, *b)),
        (Add, V::Date(d), V::Interval(iv)) | (Add, V::Interval(iv), V::Date(d)) => {
            V::Timestamp(add_interval_to_date(*d, *iv)?)
        }
        (Sub, V::Date(d), V::Interval(iv)) => {
            V::Timestamp(add_interval_to_date(*d, iv.checked_neg()?)?)
        }
        (Add, V::Date(d), V::Time(t)) | (Add, V::Time(t), V::Date(d)) => {
            V::Timestamp(d.and_time(*t))
        }
        (Add, V::Timestamp(ts), V::Interval(iv)) | (Add, V::Interval(iv), V::Timestamp(ts)) => {
            V::Timestamp(add_interval_to_timestamp(*ts, *iv)?)
        }
        (Sub, V::Timestamp(ts), V::Interval(iv)) => {
            V::Timestamp(add_interval_to_timestamp(*ts, iv.checked_neg()?)?)
        }
        (Add, V::TimestampTz(ts), V::Interval(iv)) | (Add, V::Interval(iv), V::TimestampTz(ts)) => {
            V::TimestampTz(add_interval_to_timestamptz(*ts, *iv)?)
        }
        (Sub, V::TimestampTz(ts), V::Interval(iv)) => {
            V::TimestampTz(add_interval_to_timestamptz(*ts, iv.checked_neg()?)?)
        }
        (Sub, a, b)
            if instant(a).is_some()
                && instant(b).is_some()
                && !matches!((a, b), (V::Date(_), V::Date(_))) =>
        {
            match (instant(a), instant(b)) {
                (Some(x), Some(y)) => V::Interval(timestamp_difference(x, y)?),
                _ => return Ok(None),
            }
        }
        (Add, V::Time(t), V::Interval(iv)) | (Add, V::Interval(iv), V::Time(t)) => {
            V::Time(add_interval_to_time(*t, *iv))
        }
        (Sub, V::Time(t), V::Interval(iv)) => {
            // Only the time of day matters; reduce first so that negating cannot overflow.
            let back = Interval::from_micros(-iv.micros.rem_euclid(MICROS_PER_DAY));
            V::Time(add_interval_to_time(*t, back))
        }
        (Sub, V::Time(a), V::Time(b)) => V::Interval(time_difference(*a, *b)),
        (Add, V::Interval(a), V::Interval(b)) => V::Interval(a.checked_add(*b)?),
        (Sub, V::Interval(a), V::Interval(b)) => V::Interval(a.checked_sub(*b)?),
        (Mul, V::Interval(iv), n) | (Mul, n, V::Interval(iv)) if n.data_type().is_numeric() => {
            V::Interval(iv.mul_f64(as_f64(n)?)?)
        }
        (Div, V::Interval(iv), n) if n.data_type().is_numeric() => {
            V::Interval(iv.div_f64(as_f64(n)?)?)
        }
        _ => return Ok(None),
    }))
}

/// A DATE, TIMESTAMP or TIMESTAMPTZ as a UTC point in time.
fn instant(value: &Value) -> Option<chrono::NaiveDateTime> {
    match value {
        Value::Date(d) => Some(d.and_time(chrono::NaiveTime::MIN)),
        Value::Timestamp(ts) => Some(*ts),
        Value::TimestampTz(ts) => Some(ts.naive_utc()),
        _ => None,
    }
}

/// Unary minus. NULL stays NULL; integer overflow (`-(-32768::smallint)`) is 22003.
pub fn negate(value: &Value) -> Result<Value> {
    Ok(match value {
        Value::Null => Value::Null,
        Value::Int16(v) => Value::Int16(
            v.checked_neg()
                .ok_or_else(|| integer_out_of_range(&DataType::Int16))?,
        ),
        Value::Int32(v) => Value::Int32(
            v.checked_neg()
                .ok_or_else(|| integer_out_of_range(&DataType::Int32))?,
        ),
        Value::Int64(v) => Value::Int64(
            v.checked_neg()
                .ok_or_else(|| integer_out_of_range(&DataType::Int64))?,
        ),
        Value::Float32(v) => Value::Float32(-v),
        Value::Float64(v) => Value::Float64(-v),
        Value::Numeric(d) => Value::numeric(-(**d).clone()),
        Value::Interval(iv) => Value::Interval(iv.checked_neg()?),
        other => return Err(Error::UndefinedOperator(format!("- {}", other.data_type()))),
    })
}

#[cfg(test)]
mod tests;

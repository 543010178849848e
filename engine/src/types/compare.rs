//! Comparison of values: the total order and hash behind `Eq`/`Ord`/`Hash for Value` (keys,
//! sorting, grouping, DISTINCT), SQL's three-valued comparison [`sql_compare`], and
//! [`common_type`], the type two expressions are coerced to before they meet.
//!
//! The total order: NULL equals NULL and sorts after everything (PostgreSQL's default
//! `ASC NULLS LAST`); numbers compare by exact value across all numeric variants
//! (`Int32(1) == Numeric(1.00) == Float64(1.0)`), NaN equals NaN and sorts above every number;
//! text compares bytewise (C collation); DATE, TIMESTAMP and TIMESTAMPTZ compare as points in
//! time (a date is its midnight, a timestamp is read as UTC); intervals compare by length
//! with a month as 30 days (`1 mon == 30 days`, as PostgreSQL); values of unrelated types
//! order by a fixed rank of their type.

use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

use bigdecimal::ToPrimitive;
use chrono::{NaiveDateTime, NaiveTime};

use super::numeric::{from_f64_exact, to_f64};
use super::{DataType, Decimal, Value};
use crate::error::{Error, Result};

/// A numeric value seen through the widest lens that holds it exactly.
#[derive(Clone, Copy)]
enum Number<'a> {
    Int(i64),
    Float(f64),
    Decimal(&'a Decimal),
}

fn as_number(value: &Value) -> Option<Number<'_>> {
    Some(match value {
        Value::Int16(v) => Number::Int(i64::from(*v)),
        Value::Int32(v) => Number::Int(i64::from(*v)),
        Value::Int64(v) => Number::Int(*v),
        Value::Float32(v) => Number::Float(f64::from(*v)),
        Value::Float64(v) => Number::Float(*v),
        Value::Numeric(d) => Number::Decimal(d),
        _ => return None,
    })
}

/// A date/time value as a point on the UTC time line.
fn as_instant(value: &Value) -> Option<NaiveDateTime> {
    match value {
        Value::Date(d) => Some(d.and_time(NaiveTime::MIN)),
        Value::Timestamp(ts) => Some(*ts),
        Value::TimestampTz(ts) => Some(ts.naive_utc()),
        _ => None,
    }
}

/// Rank of a value's type family in the total order; NULL last.
fn type_rank(value: &Value) -> u8 {
    match value {
        Value::Bool(_) => 0,
        Value::Int16(_)
        | Value::Int32(_)
        | Value::Int64(_)
        | Value::Float32(_)
        | Value::Float64(_)
        | Value::Numeric(_) => 1,
        Value::Text(_) => 2,
        Value::Bytea(_) => 3,
        Value::Date(_) | Value::Timestamp(_) | Value::TimestampTz(_) => 4,
        Value::Time(_) => 5,
        Value::Interval(_) => 6,
        Value::Uuid(_) => 7,
        Value::Json(_) => 8,
        Value::Null => u8::MAX,
    }
}

/// `2^63` as a float: the first value above every i64.
const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;

/// Floats in the total order: NaN equals NaN and is above everything; -0 equals 0.
fn compare_floats(a: f64, b: f64) -> Ordering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
    }
}

/// Exact comparison of an integer with a float.
fn compare_int_float(i: i64, f: f64) -> Ordering {
    if f.is_nan() || f >= TWO_POW_63 {
        return Ordering::Less;
    }
    if f < -TWO_POW_63 {
        return Ordering::Greater;
    }
    // In [-2^63, 2^63), so the truncated value is exactly representable as an i64.
    #[allow(clippy::cast_possible_truncation)]
    let whole = f.trunc() as i64;
    i.cmp(&whole).then_with(|| {
        let fraction = f - f.trunc();
        if fraction > 0.0 {
            Ordering::Less
        } else if fraction < 0.0 {
            Ordering::Greater
        } else {
            Ordering::Equal
        }
    })
}

/// Exact comparison of a decimal with a float.
fn compare_decimal_float(d: &Decimal, f: f64) -> Ordering {
    if f.is_nan() || f == f64::INFINITY {
        return Ordering::Less;
    }
    if f == f64::NEG_INFINITY {
        return Ordering::Greater;
    }
    from_f64_exact(f).map_or(Ordering::Equal, |exact| d.cmp(&exact))
}

fn compare_numbers(a: Number<'_>, b: Number<'_>) -> Ordering {
    match (a, b) {
        (Number::Int(x), Number::Int(y)) => x.cmp(&y),
        (Number::Float(x), Number::Float(y)) => compare_floats(x, y),
        (Number::Decimal(x), Number::Decimal(y)) => x.cmp(y),
        (Number::Int(x), Number::Float(y)) => compare_int_float(x, y),
        (Number::Float(x), Number::Int(y)) => compare_int_float(y, x).reverse(),
        (Number::Decimal(x), Number::Int(y)) => x.cmp(&Decimal::from(y)),
        (Number::Int(x), Number::Decimal(y)) => Decimal::from(x).cmp(y),
        (Number::Decimal(x), Number::Float(y)) => compare_decimal_float(x, y),
        (Number::Float(x), Number::Decimal(y)) => compare_decimal_float(y, x).reverse(),
    }
}

/// Compares two values of the same type family; `None` if the families differ.
fn compare_same_family(a: &Value, b: &Value) -> Option<Ordering> {
    if let (Some(x), Some(y)) = (as_number(a), as_number(b)) {
        return Some(compare_numbers(x, y));
    }
    if let (Some(x), Some(y)) = (as_instant(a), as_instant(b)) {
        return Some(x.cmp(&y));
    }
    Some(match (a, b) {
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Text(x), Value::Text(y)) | (Value::Json(x), Value::Json(y)) => {
            x.as_bytes().cmp(y.as_bytes())
        }
        (Value::Bytea(x), Value::Bytea(y)) => x.cmp(y),
        (Value::Time(x), Value::Time(y)) => x.cmp(y),
        (Value::Interval(x), Value::Interval(y)) => x.span_micros().cmp(&y.span_micros()),
        (Value::Uuid(x), Value::Uuid(y)) => x.cmp(y),
        _ => return None,
    })
}

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Value {}

impl PartialOrd for Value {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Value {
    /// The total order described in the module documentation.
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        // Keys and sort columns almost always compare values of one variant: answer those
        // directly, without the cross-type number machinery.
        match (self, other) {
            (Value::Int32(x), Value::Int32(y)) => x.cmp(y),
            (Value::Int64(x), Value::Int64(y)) => x.cmp(y),
            (Value::Int16(x), Value::Int16(y)) => x.cmp(y),
            (Value::Text(x), Value::Text(y)) => x.as_bytes().cmp(y.as_bytes()),
            (Value::Float64(x), Value::Float64(y)) => compare_floats(*x, *y),
            (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
            (Value::Null, Value::Null) => Ordering::Equal,
            _ => compare_same_family(self, other)
                .unwrap_or_else(|| type_rank(self).cmp(&type_rank(other))),
        }
    }
}

/// Hashes a number so that numerically equal values hash alike: integral values as i64,
/// others by their exact decimal with trailing zeros removed.
fn hash_number<H: Hasher>(number: Number<'_>, state: &mut H) {
    let hash_decimal = |d: &Decimal, state: &mut H| {
        let (digits, scale) = d.normalized().into_bigint_and_exponent();
        state.write_u8(1);
        digits.to_signed_bytes_le().hash(state);
        scale.hash(state);
    };
    match number {
        Number::Int(i) => {
            state.write_u8(0);
            i.hash(state);
        }
        Number::Float(f) if f.is_nan() => state.write_u8(2),
        Number::Float(f) if f.is_infinite() => state.write_u8(if f > 0.0 { 3 } else { 4 }),
        Number::Float(f) if f.fract() == 0.0 && (-TWO_POW_63..TWO_POW_63).contains(&f) => {
            state.write_u8(0);
            // Integral and in range, so the conversion is exact.
            #[allow(clippy::cast_possible_truncation)]
            (f as i64).hash(state);
        }
        Number::Float(f) => {
            if let Some(exact) = from_f64_exact(f) {
                hash_decimal(&exact, state);
            }
        }
        Number::Decimal(d) => match d.is_integer().then(|| d.to_i64()).flatten() {
            Some(i) => {
                state.write_u8(0);
                i.hash(state);
            }
            None => hash_decimal(d, state),
        },
    }
}

impl Hash for Value {
    /// Consistent with `Eq`: values that compare equal hash equally.
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u8(type_rank(self));
        if let Some(number) = as_number(self) {
            return hash_number(number, state);
        }
        if let Some(instant) = as_instant(self) {
            return instant.hash(state);
        }
        match self {
            Value::Bool(b) => b.hash(state),
            Value::Text(s) | Value::Json(s) => s.hash(state),
            Value::Bytea(b) => b.hash(state),
            Value::Time(t) => t.hash(state),
            Value::Interval(iv) => iv.span_micros().hash(state),
            Value::Uuid(u) => u.hash(state),
            _ => {}
        }
    }
}

/// SQL comparison: `Ok(None)` when either side is NULL, otherwise the ordering. Numbers compare
/// across all numeric variants: exactly between integers and numerics, and as double precision
/// when either side is a float (so `0.1::float8 = 0.1` is true, as in PostgreSQL, although the
/// total order of `Value` keeps them apart); NaN equals NaN and is above all numbers;
/// DATE, TIMESTAMP and TIMESTAMPTZ compare as points in time. Values of types that have no
/// comparison operator between them fail with 42883 (the binder normally prevents that).
pub fn sql_compare(a: &Value, b: &Value) -> Result<Option<Ordering>> {
    match (a, b) {
        (Value::Null, _) | (_, Value::Null) => return Ok(None),
        (Value::Int32(x), Value::Int32(y)) => return Ok(Some(x.cmp(y))),
        (Value::Int64(x), Value::Int64(y)) => return Ok(Some(x.cmp(y))),
        (Value::Text(x), Value::Text(y)) => return Ok(Some(x.as_bytes().cmp(y.as_bytes()))),
        _ => {}
    }
    if let (Some(x), Some(y)) = (as_number(a), as_number(b)) {
        let is_float = |n: Number<'_>| matches!(n, Number::Float(_));
        if is_float(x) || is_float(y) {
            // PostgreSQL compares a float with another number as double precision.
            return Ok(Some(compare_floats(number_as_f64(x)?, number_as_f64(y)?)));
        }
    }
    match compare_same_family(a, b) {
        Some(ordering) => Ok(Some(ordering)),
        None => Err(Error::UndefinedOperator(format!(
            "{} = {}",
            a.data_type(),
            b.data_type()
        ))),
    }
}

/// A number converted to double precision, as PostgreSQL's implicit casts do.
fn number_as_f64(number: Number<'_>) -> Result<f64> {
    Ok(match number {
        // Integers beyond 2^53 round, as in PostgreSQL's int8 -> float8 cast.
        #[allow(clippy::cast_precision_loss)]
        Number::Int(i) => i as f64,
        Number::Float(f) => f,
        Number::Decimal(d) => to_f64(d)?,
    })
}

fn integer_rank(ty: &DataType) -> Option<u8> {
    match ty {
        DataType::Int16 => Some(1),
        DataType::Int32 => Some(2),
        DataType::Int64 => Some(3),
        _ => None,
    }
}

/// The type two expressions of types `a` and `b` are coerced to when they meet in a
/// comparison, UNION, CASE, IN or COALESCE; `None` if they cannot meet.
///
/// `Unknown` yields the other type (two `Unknown`s stay `Unknown`; the caller picks TEXT);
/// integers widen; integers with NUMERIC give unconstrained NUMERIC; any float with another
/// number gives DOUBLE PRECISION (REAL with REAL stays REAL); different string types give TEXT
/// (two VARCHARs give unconstrained VARCHAR); DATE < TIMESTAMP < TIMESTAMPTZ; JSON with JSONB
/// gives JSONB.
pub fn common_type(a: &DataType, b: &DataType) -> Option<DataType> {
    use DataType as T;
    if a == b {
        return Some(a.clone());
    }
    let unconstrained_numeric = T::Numeric {
        precision: None,
        scale: None,
    };
    Some(match (a, b) {
        (T::Unknown, other) | (other, T::Unknown) => other.clone(),
        (x, y) if x.is_integer() && y.is_integer() => {
            if integer_rank(x) >= integer_rank(y) {
                x.clone()
            } else {
                y.clone()
            }
        }
        (T::Float32 | T::Float64, y) if y.is_numeric() => T::Float64,
        (x, T::Float32 | T::Float64) if x.is_numeric() => T::Float64,
        (x, y) if x.is_numeric() && y.is_numeric() => unconstrained_numeric,
        (T::Varchar(_), T::Varchar(_)) => T::Varchar(None),
        (x, y) if x.is_string() && y.is_string() => T::Text,
        (T::Date, T::Timestamp) | (T::Timestamp, T::Date) => T::Timestamp,
        (T::Date | T::Timestamp, T::TimestampTz) | (T::TimestampTz, T::Date | T::Timestamp) => {
            T::TimestampTz
        }
        (T::Json, T::Jsonb) | (T::Jsonb, T::Json) => T::Jsonb,
        _ => return None,
    })
}

#[cfg(test)]
mod tests;

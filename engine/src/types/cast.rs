//! Casts between types ([`cast`]) and which casts a context allows ([`can_cast`]), following
//! PostgreSQL's cast rules and its three contexts ([`CastMode`]).
//!
//! A TEXT value may be cast to any type in any mode: at run time an untyped literal arrives as
//! TEXT, and the binder has already refused text-typed expressions where PostgreSQL would (via
//! [`can_cast`]). For other values `cast` checks [`can_cast`] itself.

use super::datetime::{time_from_micros, time_micros, MICROS_PER_DAY};
use super::format::format_text;
use super::json::normalize_jsonb;
use super::numeric::{apply_typmod, from_f64_rounded, to_f64, to_i64_rounded};
use super::parse::{fit_string, parse_text};
use super::{DataType, Decimal, Interval, Value};
use crate::error::{Error, Result};

/// The context a cast happens in, as in PostgreSQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CastMode {
    /// `CAST(x AS t)` / `x::t`: every supported conversion; VARCHAR(n) truncates silently.
    Explicit,
    /// Storing into a column (INSERT/UPDATE): also numeric narrowing and anything to a string
    /// type; too-long strings fail with 22001 unless the excess is spaces.
    Assignment,
    /// Coercing an operand: only widening numerics, string to string, DATE to TIMESTAMP(TZ),
    /// TIMESTAMP to TIMESTAMPTZ, TIME to INTERVAL, JSON to JSONB and `Unknown` to anything.
    Implicit,
}

fn same_family(from: &DataType, to: &DataType) -> bool {
    from == to
        || matches!(
            (from, to),
            (DataType::Numeric { .. }, DataType::Numeric { .. })
        )
        || (from.is_string() && to.is_string())
}

fn integer_rank(ty: &DataType) -> u8 {
    match ty {
        DataType::Int16 => 1,
        DataType::Int32 => 2,
        _ => 3,
    }
}

fn implicit_cast(from: &DataType, to: &DataType) -> bool {
    use DataType as T;
    if same_family(from, to) {
        return true;
    }
    match (from, to) {
        (f, t) if f.is_integer() && t.is_integer() => integer_rank(f) < integer_rank(t),
        (f, T::Numeric { .. } | T::Float32 | T::Float64) if f.is_integer() => true,
        (T::Numeric { .. }, T::Float32 | T::Float64) => true,
        (T::Float32, T::Float64) => true,
        (T::Date, T::Timestamp | T::TimestampTz) | (T::Timestamp, T::TimestampTz) => true,
        (T::Time, T::Interval) => true,
        (T::Json, T::Jsonb) => true,
        _ => false,
    }
}

fn assignment_cast(from: &DataType, to: &DataType) -> bool {
    use DataType as T;
    match (from, to) {
        (f, t) if f.is_numeric() && t.is_numeric() => true,
        (_, t) if t.is_string() => true,
        (T::Timestamp | T::TimestampTz, T::Date | T::Time) | (T::TimestampTz, T::Timestamp) => true,
        (T::Interval, T::Time) => true,
        (T::Jsonb, T::Json) => true,
        _ => false,
    }
}

fn explicit_cast(from: &DataType, to: &DataType) -> bool {
    from.is_string()
        || (*from == DataType::Bool && to.is_integer())
        || (from.is_integer() && *to == DataType::Bool)
}

/// Whether a value of type `from` may be cast to `to` in `mode`. (`cast` can still fail for a
/// particular value: bad text, out-of-range numbers, too-long strings.) The binder uses this to
/// raise 42804 `column "x" is of type integer but expression is of type boolean`.
///
/// `Unknown` casts to anything in every mode; TEXT-typed expressions convert to non-string
/// types only explicitly.
pub fn can_cast(from: &DataType, to: &DataType, mode: CastMode) -> bool {
    if *from == DataType::Unknown || *to == DataType::Unknown || implicit_cast(from, to) {
        return true;
    }
    match mode {
        CastMode::Implicit => false,
        CastMode::Assignment => assignment_cast(from, to),
        CastMode::Explicit => assignment_cast(from, to) || explicit_cast(from, to),
    }
}

/// A value as text the way a cast to TEXT renders it: PostgreSQL's output format, except that
/// booleans become `true`/`false` (`true::text = 'true'`).
pub(crate) fn text_of(value: &Value) -> String {
    match value {
        Value::Bool(b) => if *b { "true" } else { "false" }.to_string(),
        other => format_text(other),
    }
}

/// Casts `value` to `target` with PostgreSQL's semantics. NULL casts to NULL and a cast to
/// `Unknown` changes nothing. TEXT parses with [`parse_text`] (22P02 on bad input); any type
/// renders to text; integers are range-checked (22003); floats round half to even to
/// integers (`2.5::int = 2`), numerics half away from zero (`2.5::numeric::int = 3`);
/// NUMERIC(p,s) rounds and checks precision (22003 "numeric field overflow"); VARCHAR(n)
/// truncates in `Explicit` mode and otherwise fails with 22001 unless only spaces are cut;
/// CHAR(n) blank-pads. A pair of types [`can_cast`] refuses in `mode` fails with 42804.
pub fn cast(value: Value, target: &DataType, mode: CastMode) -> Result<Value> {
    if value.is_null() || *target == DataType::Unknown {
        return Ok(value);
    }
    // A value already of the target type is returned as it is (a string is not copied), unless
    // a numeric's precision and scale must be applied.
    if !matches!(target, DataType::Numeric { .. }) && value.data_type() == *target {
        return Ok(value);
    }
    let truncate = mode == CastMode::Explicit;
    if let Value::Text(text) = &value {
        return if target.is_string() {
            fit_string(text, target, truncate)
        } else {
            parse_text(text, target)
        };
    }
    let from = value.data_type();
    if !can_cast(&from, target, mode) {
        return Err(cannot_cast(&from, target));
    }
    if target.is_string() {
        return fit_string(&text_of(&value), target, truncate);
    }
    convert(value, target).and_then(|converted| converted.ok_or_else(|| cannot_cast(&from, target)))
}

fn cannot_cast(from: &DataType, to: &DataType) -> Error {
    Error::DatatypeMismatch(format!("cannot cast type {from} to {to}"))
}

fn integer_out_of_range(target: &DataType) -> Error {
    Error::NumericOutOfRange(match target {
        DataType::Int16 => "smallint out of range".into(),
        DataType::Int32 => "integer out of range".into(),
        _ => "bigint out of range".into(),
    })
}

/// An i64 as the integer type `target`, range-checked.
fn to_integer(value: i64, target: &DataType) -> Result<Value> {
    let overflow = || integer_out_of_range(target);
    Ok(match target {
        DataType::Int16 => Value::Int16(i16::try_from(value).map_err(|_| overflow())?),
        DataType::Int32 => Value::Int32(i32::try_from(value).map_err(|_| overflow())?),
        _ => Value::Int64(value),
    })
}

/// A float rounded half to even (PostgreSQL's `rint`) to the integer type `target`.
fn float_to_integer(value: f64, target: &DataType) -> Result<Value> {
    let rounded = value.round_ties_even();
    if rounded.is_nan()
        || !(-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&rounded)
    {
        return Err(integer_out_of_range(target));
    }
    // In range by the check above.
    #[allow(clippy::cast_possible_truncation)]
    to_integer(rounded as i64, target)
}

/// f64 to f32 with PostgreSQL's overflow and underflow checks.
fn to_f32(value: f64) -> Result<f32> {
    // Rounding to the nearest f32 is the point of this conversion.
    #[allow(clippy::cast_possible_truncation)]
    let narrowed = value as f32;
    if narrowed.is_infinite() && value.is_finite() {
        return Err(Error::NumericOutOfRange(
            "value out of range: overflow".into(),
        ));
    }
    if narrowed == 0.0 && value != 0.0 {
        return Err(Error::NumericOutOfRange(
            "value out of range: underflow".into(),
        ));
    }
    Ok(narrowed)
}

/// Converts between non-string types; `Ok(None)` if the pair has no conversion.
fn convert(value: Value, target: &DataType) -> Result<Option<Value>> {
    use DataType as T;
    Ok(Some(match (&value, target) {
        (Value::Int16(_) | Value::Int32(_) | Value::Int64(_), t) => {
            let v = value.as_i64().unwrap_or(0);
            match t {
                T::Int16 | T::Int32 | T::Int64 => to_integer(v, t)?,
                // Integers above 2^24 / 2^53 round, as in PostgreSQL.
                #[allow(clippy::cast_precision_loss)]
                T::Float32 => Value::Float32(v as f32),
                #[allow(clippy::cast_precision_loss)]
                T::Float64 => Value::Float64(v as f64),
                T::Numeric { precision, scale } => {
                    Value::numeric(apply_typmod(&Decimal::from(v), *precision, *scale)?)
                }
                T::Bool => Value::Bool(v != 0),
                _ => return Ok(None),
            }
        }
        (Value::Float32(_) | Value::Float64(_), t) => {
            let (v, significant) = match value {
                Value::Float32(f) => (f64::from(f), 6),
                Value::Float64(f) => (f, 15),
                _ => return Ok(None),
            };
            match t {
                T::Int16 | T::Int32 | T::Int64 => float_to_integer(v, t)?,
                T::Float32 => Value::Float32(to_f32(v)?),
                T::Float64 => Value::Float64(v),
                T::Numeric { precision, scale } => Value::numeric(apply_typmod(
                    &from_f64_rounded(v, significant)?,
                    *precision,
                    *scale,
                )?),
                _ => return Ok(None),
            }
        }
        (Value::Numeric(d), t) => match t {
            T::Int16 | T::Int32 | T::Int64 => {
                to_integer(to_i64_rounded(d).ok_or_else(|| integer_out_of_range(t))?, t)?
            }
            T::Float32 => Value::Float32(to_f32(to_f64(d)?)?),
            T::Float64 => Value::Float64(to_f64(d)?),
            T::Numeric { precision, scale } => Value::numeric(apply_typmod(d, *precision, *scale)?),
            _ => return Ok(None),
        },
        (Value::Bool(b), t) if t.is_integer() => to_integer(i64::from(*b), t)?,
        (Value::Date(d), T::Timestamp) => Value::Timestamp(d.and_time(chrono::NaiveTime::MIN)),
        (Value::Date(d), T::TimestampTz) => {
            Value::TimestampTz(d.and_time(chrono::NaiveTime::MIN).and_utc())
        }
        (Value::Timestamp(ts), T::Date) => Value::Date(ts.date()),
        (Value::Timestamp(ts), T::Time) => Value::Time(ts.time()),
        (Value::Timestamp(ts), T::TimestampTz) => Value::TimestampTz(ts.and_utc()),
        (Value::TimestampTz(ts), T::Date) => Value::Date(ts.naive_utc().date()),
        (Value::TimestampTz(ts), T::Time) => Value::Time(ts.naive_utc().time()),
        (Value::TimestampTz(ts), T::Timestamp) => Value::Timestamp(ts.naive_utc()),
        (Value::Time(t), T::Interval) => Value::Interval(Interval::from_micros(time_micros(*t))),
        (Value::Interval(iv), T::Time) => {
            Value::Time(time_from_micros(iv.micros.rem_euclid(MICROS_PER_DAY)))
        }
        (Value::Json(text), T::Jsonb) => Value::Json(normalize_jsonb(text)?.into()),
        (Value::Json(_), T::Json) => value,
        (v, t) if v.data_type() == *t => value,
        _ => return Ok(None),
    }))
}

#[cfg(test)]
mod tests;

//! Reading function arguments at run time.
//!
//! Overload resolution fixes each parameter's type, but an argument bound as `unknown` (a string
//! literal or a `$n` parameter) arrives as whatever value it was given: text for a literal, any
//! variant for a parameter. These readers accept every variant that PostgreSQL would accept for
//! the parameter type — the numeric variants for each other, text parsed in the type's input
//! format, dates for timestamps — so evaluators never see a surprise.

use std::borrow::Cow;
use std::str::FromStr;

use bigdecimal::{RoundingMode, ToPrimitive};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};

use crate::error::{Error, Result};
use crate::types::parse::parse_text;
use crate::types::{DataType, Decimal, Interval, Value};

/// The argument at `index`; an internal error if the call has fewer (the binder checked arity).
pub(super) fn arg(args: &[Value], index: usize) -> Result<&Value> {
    args.get(index)
        .ok_or_else(|| Error::Internal(format!("function argument {} is missing", index + 1)))
}

/// The argument at `index` if the call has one (optional trailing parameters).
pub(super) fn optional(args: &[Value], index: usize) -> Option<&Value> {
    args.get(index)
}

fn null_argument() -> Error {
    Error::Internal("NULL reached a strict function".into())
}

fn mismatch(value: &Value, target: &str) -> Error {
    Error::DatatypeMismatch(format!(
        "function argument of type {} cannot be read as {target}",
        value.data_type()
    ))
}

/// Parses `text` as `target` and hands the value to `extract`.
fn parsed<T>(text: &str, target: DataType, extract: fn(&Value) -> Result<T>) -> Result<T> {
    extract(&parse_text(text, &target)?)
}

/// The argument as text: strings as they are, any other value in its text output format.
pub(super) fn text(args: &[Value], index: usize) -> Result<Cow<'_, str>> {
    value_text(arg(args, index)?)
}

/// A value as text, as [`text`] does.
pub(super) fn value_text(value: &Value) -> Result<Cow<'_, str>> {
    match value {
        Value::Text(s) => Ok(Cow::Borrowed(s)),
        Value::Null => Err(null_argument()),
        other => Ok(Cow::Owned(other.to_string())),
    }
}

/// The argument as a 64-bit integer (numeric and float values are rounded as by a cast).
pub(super) fn int64(args: &[Value], index: usize) -> Result<i64> {
    value_int64(arg(args, index)?)
}

/// A value as a 64-bit integer, as [`int64`] does.
pub(super) fn value_int64(value: &Value) -> Result<i64> {
    let out_of_range = || Error::NumericOutOfRange("bigint out of range".into());
    match value {
        Value::Int16(v) => Ok(i64::from(*v)),
        Value::Int32(v) => Ok(i64::from(*v)),
        Value::Int64(v) => Ok(*v),
        Value::Float32(v) => float_to_i64(f64::from(*v)).ok_or_else(out_of_range),
        Value::Float64(v) => float_to_i64(*v).ok_or_else(out_of_range),
        Value::Numeric(d) => d
            .with_scale_round(0, RoundingMode::HalfUp)
            .to_i64()
            .ok_or_else(out_of_range),
        Value::Text(s) => s
            .trim()
            .parse()
            .map_err(|_| Error::invalid_text("bigint", s.as_ref())),
        Value::Null => Err(null_argument()),
        other => Err(mismatch(other, "bigint")),
    }
}

/// Rounds to the nearest integer, ties to even (PostgreSQL's `rint`), if it fits an i64.
fn float_to_i64(value: f64) -> Option<i64> {
    let rounded = value.round_ties_even();
    // -2^63 is exact in f64; 2^63 is the first value above i64::MAX.
    #[allow(clippy::cast_precision_loss)]
    let limit = -(i64::MIN as f64);
    if !(-limit..limit).contains(&rounded) {
        return None;
    }
    // In range by the check above.
    #[allow(clippy::cast_possible_truncation)]
    Some(rounded as i64)
}

/// The argument as a 32-bit integer; 22003 if it does not fit.
pub(super) fn int32(args: &[Value], index: usize) -> Result<i32> {
    match arg(args, index)? {
        Value::Text(s) => s
            .trim()
            .parse()
            .map_err(|_| Error::invalid_text("integer", s.as_ref())),
        other => i32::try_from(value_int64(other)?)
            .map_err(|_| Error::NumericOutOfRange("integer out of range".into())),
    }
}

/// The argument as a double.
pub(super) fn float64(args: &[Value], index: usize) -> Result<f64> {
    value_float64(arg(args, index)?)
}

/// A value as a double, as [`float64`] does.
pub(super) fn value_float64(value: &Value) -> Result<f64> {
    match value {
        Value::Float64(v) => Ok(*v),
        Value::Float32(v) => Ok(f64::from(*v)),
        Value::Int16(v) => Ok(f64::from(*v)),
        Value::Int32(v) => Ok(f64::from(*v)),
        // Integers beyond 2^53 round to the nearest double, as PostgreSQL's cast does.
        #[allow(clippy::cast_precision_loss)]
        Value::Int64(v) => Ok(*v as f64),
        Value::Numeric(d) => d
            .to_f64()
            .filter(|v| v.is_finite())
            .ok_or_else(|| Error::NumericOutOfRange("value out of range: overflow".into())),
        Value::Text(s) => parse_float(s),
        Value::Null => Err(null_argument()),
        other => Err(mismatch(other, "double precision")),
    }
}

/// PostgreSQL's `float8in`: decimal or exponent notation, `NaN`, `Infinity`, `-Infinity`.
pub(super) fn parse_float(text: &str) -> Result<f64> {
    let trimmed = text.trim();
    let value: f64 = trimmed
        .parse()
        .map_err(|_| Error::invalid_text("double precision", text))?;
    if value.is_infinite() && !trimmed.to_ascii_lowercase().contains("inf") {
        return Err(Error::NumericOutOfRange(format!(
            "\"{text}\" is out of range for type double precision"
        )));
    }
    Ok(value)
}

/// The argument as an exact decimal.
pub(super) fn decimal(args: &[Value], index: usize) -> Result<Cow<'_, Decimal>> {
    value_decimal(arg(args, index)?)
}

/// A value as an exact decimal, as [`decimal`] does.
pub(super) fn value_decimal(value: &Value) -> Result<Cow<'_, Decimal>> {
    match value {
        Value::Numeric(d) => Ok(Cow::Borrowed(d.as_ref())),
        Value::Int16(v) => Ok(Cow::Owned(Decimal::from(*v))),
        Value::Int32(v) => Ok(Cow::Owned(Decimal::from(*v))),
        Value::Int64(v) => Ok(Cow::Owned(Decimal::from(*v))),
        Value::Float32(v) => decimal_from_f64(f64::from(*v)).map(Cow::Owned),
        Value::Float64(v) => decimal_from_f64(*v).map(Cow::Owned),
        Value::Text(s) => Decimal::from_str(s.trim())
            .map(Cow::Owned)
            .map_err(|_| Error::invalid_text("numeric", s.as_ref())),
        Value::Null => Err(null_argument()),
        other => Err(mismatch(other, "numeric")),
    }
}

/// A double as a decimal with 15 significant digits, as PostgreSQL's `float8::numeric` cast.
pub(super) fn decimal_from_f64(value: f64) -> Result<Decimal> {
    if !value.is_finite() {
        return Err(Error::unsupported(format!(
            "cannot convert {value} to numeric"
        )));
    }
    let text = format!("{value:.14e}");
    let decimal = Decimal::from_str(&text)
        .map_err(|_| Error::Internal(format!("formatted double {text} does not parse")))?
        .normalized();
    Ok(if decimal.fractional_digit_count() < 0 {
        decimal.with_scale(0)
    } else {
        decimal
    })
}

/// A decimal in PostgreSQL's `numeric` text output: plain digits, exactly `scale` of them after
/// the point (never scientific notation).
pub(super) fn decimal_text(value: &Decimal) -> String {
    let (digits, scale) = value.as_bigint_and_exponent();
    let negative = digits.sign() == bigdecimal::num_bigint::Sign::Minus;
    let mut magnitude = digits.magnitude().to_string();
    let mut out = String::with_capacity(magnitude.len() + 3);
    if negative {
        out.push('-');
    }
    if scale <= 0 {
        out.push_str(&magnitude);
        if magnitude != "0" {
            out.push_str(&"0".repeat(usize::try_from(-scale).unwrap_or(0)));
        }
        return out;
    }
    let scale = usize::try_from(scale).unwrap_or(0);
    if magnitude.len() <= scale {
        let zeros = scale + 1 - magnitude.len();
        magnitude.insert_str(0, &"0".repeat(zeros));
    }
    let point = magnitude.len() - scale;
    out.push_str(magnitude.get(..point).unwrap_or("0"));
    out.push('.');
    out.push_str(magnitude.get(point..).unwrap_or(""));
    out
}

/// The argument as bytes: a bytea as it is, text as its UTF-8 bytes.
pub(super) fn bytes(args: &[Value], index: usize) -> Result<Cow<'_, [u8]>> {
    match arg(args, index)? {
        Value::Bytea(b) => Ok(Cow::Borrowed(b.as_ref())),
        Value::Text(s) => match parse_text(s, &DataType::Bytea)? {
            Value::Bytea(b) => Ok(Cow::Owned(b.to_vec())),
            other => Err(mismatch(&other, "bytea")),
        },
        Value::Null => Err(null_argument()),
        other => Err(mismatch(other, "bytea")),
    }
}

/// The argument as a date (the date part of a timestamp).
pub(super) fn date(args: &[Value], index: usize) -> Result<NaiveDate> {
    value_date(arg(args, index)?)
}

/// A value as [`date`] reads it.
pub(super) fn value_date(value: &Value) -> Result<NaiveDate> {
    match value {
        Value::Date(d) => Ok(*d),
        Value::Timestamp(t) => Ok(t.date()),
        Value::TimestampTz(t) => Ok(t.date_naive()),
        Value::Text(s) => parsed(s, DataType::Date, value_date),
        Value::Null => Err(null_argument()),
        other => Err(mismatch(other, "date")),
    }
}

/// The argument as a time of day.
pub(super) fn time(args: &[Value], index: usize) -> Result<NaiveTime> {
    value_time(arg(args, index)?)
}

/// A value as [`time`] reads it.
pub(super) fn value_time(value: &Value) -> Result<NaiveTime> {
    match value {
        Value::Time(t) => Ok(*t),
        Value::Timestamp(t) => Ok(t.time()),
        Value::TimestampTz(t) => Ok(t.time()),
        Value::Text(s) => parsed(s, DataType::Time, value_time),
        Value::Null => Err(null_argument()),
        other => Err(mismatch(other, "time without time zone")),
    }
}

/// The argument as a timestamp without time zone (a date is its midnight; a timestamptz is read
/// in the session time zone, UTC).
pub(super) fn timestamp(args: &[Value], index: usize) -> Result<NaiveDateTime> {
    value_timestamp(arg(args, index)?)
}

/// A value as [`timestamp`] reads it.
pub(super) fn value_timestamp(value: &Value) -> Result<NaiveDateTime> {
    match value {
        Value::Timestamp(t) => Ok(*t),
        Value::TimestampTz(t) => Ok(t.naive_utc()),
        Value::Date(d) => Ok(d.and_time(NaiveTime::MIN)),
        Value::Text(s) => parsed(s, DataType::Timestamp, value_timestamp),
        Value::Null => Err(null_argument()),
        other => Err(mismatch(other, "timestamp without time zone")),
    }
}

/// The argument as a timestamp with time zone (dates and timestamps are taken as UTC, the
/// session time zone).
pub(super) fn timestamptz(args: &[Value], index: usize) -> Result<DateTime<Utc>> {
    value_timestamptz(arg(args, index)?)
}

/// A value as [`timestamptz`] reads it.
pub(super) fn value_timestamptz(value: &Value) -> Result<DateTime<Utc>> {
    match value {
        Value::TimestampTz(t) => Ok(*t),
        Value::Timestamp(t) => Ok(t.and_utc()),
        Value::Date(d) => Ok(d.and_time(NaiveTime::MIN).and_utc()),
        Value::Text(s) => parsed(s, DataType::TimestampTz, value_timestamptz),
        Value::Null => Err(null_argument()),
        other => Err(mismatch(other, "timestamp with time zone")),
    }
}

/// The argument as an interval.
pub(super) fn interval(args: &[Value], index: usize) -> Result<Interval> {
    value_interval(arg(args, index)?)
}

/// A value as [`interval`] reads it.
pub(super) fn value_interval(value: &Value) -> Result<Interval> {
    match value {
        Value::Interval(i) => Ok(*i),
        Value::Text(s) => parsed(s, DataType::Interval, value_interval),
        Value::Null => Err(null_argument()),
        other => Err(mismatch(other, "interval")),
    }
}

/// `value` converted to `target`, for functions whose arguments share a computed type
/// (`greatest`, `least`): numbers widen, text of an `unknown` argument is parsed, dates become
/// timestamps. NULL stays NULL.
pub(super) fn coerce(value: &Value, target: &DataType) -> Result<Value> {
    let out_of_range = |name: &str| Error::NumericOutOfRange(format!("{name} out of range"));
    Ok(match (target, value) {
        (_, Value::Null) => Value::Null,
        (DataType::Int16, _) => i16::try_from(value_int64(value)?)
            .map(Value::Int16)
            .map_err(|_| out_of_range("smallint"))?,
        (DataType::Int32, _) => i32::try_from(value_int64(value)?)
            .map(Value::Int32)
            .map_err(|_| out_of_range("integer"))?,
        (DataType::Int64, _) => Value::Int64(value_int64(value)?),
        (DataType::Float32, Value::Float32(_)) => value.clone(),
        // Narrowing to real rounds, as PostgreSQL's cast does.
        #[allow(clippy::cast_possible_truncation)]
        (DataType::Float32, _) => Value::Float32(value_float64(value)? as f32),
        (DataType::Float64, _) => Value::Float64(value_float64(value)?),
        (DataType::Numeric { .. }, Value::Numeric(_)) => value.clone(),
        (DataType::Numeric { .. }, _) => Value::numeric(value_decimal(value)?.into_owned()),
        (DataType::Text | DataType::Varchar(_) | DataType::Char(_), Value::Text(_)) => {
            value.clone()
        }
        (DataType::Text | DataType::Varchar(_) | DataType::Char(_), _) => {
            Value::text(value_text(value)?.into_owned())
        }
        (DataType::Date, _) => Value::Date(value_date(value)?),
        (DataType::Time, _) => Value::Time(value_time(value)?),
        (DataType::Timestamp, _) => Value::Timestamp(value_timestamp(value)?),
        (DataType::TimestampTz, _) => Value::TimestampTz(value_timestamptz(value)?),
        (DataType::Interval, _) => Value::Interval(value_interval(value)?),
        (_, Value::Text(s)) => parse_text(s, target)?,
        _ => value.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_accept_every_numeric_variant_and_text() {
        assert_eq!(value_int64(&Value::Int16(-3)).unwrap(), -3);
        assert_eq!(value_int64(&Value::Float64(2.5)).unwrap(), 2);
        assert_eq!(value_int64(&Value::Float64(3.5)).unwrap(), 4);
        assert_eq!(
            value_int64(&Value::numeric("-2.5".parse().unwrap())).unwrap(),
            -3
        );
        assert_eq!(value_int64(&Value::text(" 42 ")).unwrap(), 42);
        assert_eq!(
            value_int64(&Value::text("x")).unwrap_err().sqlstate(),
            "22P02"
        );
        assert_eq!(
            value_int64(&Value::Float64(1e20)).unwrap_err().sqlstate(),
            "22003"
        );
        assert_eq!(
            value_int64(&Value::Float64(f64::NAN))
                .unwrap_err()
                .sqlstate(),
            "22003"
        );
        assert_eq!(
            value_int64(&Value::Bool(true)).unwrap_err().sqlstate(),
            "42804"
        );
        assert_eq!(value_int64(&Value::Null).unwrap_err().sqlstate(), "XX000");
        let args = [Value::Int64(1 << 40)];
        assert_eq!(int32(&args, 0).unwrap_err().sqlstate(), "22003");
        assert_eq!(int32(&[Value::text("12")], 0).unwrap(), 12);
        assert!(int32(&args, 1).is_err());
    }

    #[test]
    fn floats_parse_postgres_spellings() {
        assert_eq!(parse_float("  1.5e3 ").unwrap(), 1500.0);
        assert!(parse_float("NaN").unwrap().is_nan());
        assert_eq!(parse_float("-Infinity").unwrap(), f64::NEG_INFINITY);
        assert_eq!(parse_float("1e400").unwrap_err().sqlstate(), "22003");
        assert_eq!(parse_float("abc").unwrap_err().sqlstate(), "22P02");
        assert_eq!(
            value_float64(&Value::numeric("0.25".parse().unwrap())).unwrap(),
            0.25
        );
    }

    #[test]
    fn decimals_from_floats_keep_fifteen_digits() {
        assert_eq!(decimal_from_f64(0.1 + 0.2).unwrap().to_string(), "0.3");
        assert_eq!(decimal_from_f64(1500.0).unwrap().to_string(), "1500");
        assert_eq!(decimal_from_f64(-2.5).unwrap().to_string(), "-2.5");
        assert!(decimal_from_f64(f64::INFINITY).is_err());
        assert_eq!(
            value_decimal(&Value::text("1.50")).unwrap().to_string(),
            "1.50"
        );
    }

    #[test]
    fn decimal_text_is_plain() {
        let text = |s: &str| decimal_text(&Decimal::from_str(s).unwrap());
        assert_eq!(text("1.50"), "1.50");
        assert_eq!(text("-0.001"), "-0.001");
        assert_eq!(text("1E+3"), "1000");
        assert_eq!(text("1E-10"), "0.0000000001");
        assert_eq!(text("0"), "0");
        assert_eq!(decimal_text(&Decimal::from(0).with_scale(3)), "0.000");
        assert_eq!(decimal_text(&Decimal::new(0.into(), -2)), "0");
        assert_eq!(text("-12345678901234567890.5"), "-12345678901234567890.5");
    }

    #[test]
    fn datetimes_convert_between_variants() {
        let day = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        let midnight = day.and_time(NaiveTime::MIN);
        assert_eq!(value_timestamp(&Value::Date(day)).unwrap(), midnight);
        assert_eq!(
            value_timestamptz(&Value::Timestamp(midnight)).unwrap(),
            midnight.and_utc()
        );
        assert_eq!(
            value_date(&Value::TimestampTz(midnight.and_utc())).unwrap(),
            day
        );
        assert_eq!(
            value_time(&Value::Timestamp(midnight)).unwrap(),
            NaiveTime::MIN
        );
        assert!(value_interval(&Value::Int32(1)).is_err());
    }

    #[test]
    fn coerce_widens_and_parses() {
        assert_eq!(
            coerce(&Value::Int16(3), &DataType::Int64).unwrap(),
            Value::Int64(3)
        );
        assert_eq!(
            coerce(&Value::text("7"), &DataType::Int32).unwrap(),
            Value::Int32(7)
        );
        assert_eq!(
            coerce(&Value::Int64(1 << 40), &DataType::Int32)
                .unwrap_err()
                .sqlstate(),
            "22003"
        );
        assert_eq!(
            coerce(&Value::Int32(2), &DataType::Float64).unwrap(),
            Value::Float64(2.0)
        );
        assert_eq!(
            coerce(&Value::Float64(0.5), &DataType::Float32).unwrap(),
            Value::Float32(0.5)
        );
        let numeric = DataType::Numeric {
            precision: None,
            scale: None,
        };
        assert_eq!(
            coerce(&Value::Int32(2), &numeric).unwrap(),
            Value::numeric(Decimal::from(2))
        );
        assert_eq!(
            coerce(&Value::Int32(2), &DataType::Text).unwrap(),
            Value::text("2")
        );
        assert_eq!(coerce(&Value::Null, &DataType::Text).unwrap(), Value::Null);
        assert_eq!(
            coerce(&Value::Bool(true), &DataType::Bool).unwrap(),
            Value::Bool(true)
        );
    }

    #[test]
    fn text_formats_other_values() {
        assert_eq!(value_text(&Value::text("a")).unwrap(), "a");
        assert!(value_text(&Value::Null).is_err());
        assert!(arg(&[], 0).is_err());
        assert!(optional(&[], 0).is_none());
    }
}

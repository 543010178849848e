//! Text input of values in PostgreSQL's formats ([`parse_text`]): the inverse of
//! [`format_text`](super::format::format_text), plus the other spellings PostgreSQL accepts
//! (`yes`/`on` for booleans, `0x1F` and `1_000` for integers, escape-format bytea, UUIDs in
//! braces, ...). Bad input fails with PostgreSQL's SQLSTATE: 22P02 for syntax, 22003 for
//! out-of-range numbers, 22001 for strings that do not fit, 22007/22008 for dates and times.

use std::sync::Arc;

use super::datetime::{parse_date, parse_interval, parse_time, parse_timestamp, parse_timestamptz};
use super::json::{normalize_jsonb, validate_json};
use super::numeric::{apply_typmod, parse_numeric};
use super::{DataType, Value};
use crate::error::{Error, Result};

/// Reads PostgreSQL text input `text` as a value of type `ty`.
///
/// Numbers and booleans ignore surrounding whitespace; strings, bytea and JSON keep it. JSON is
/// validated and kept exactly as given; JSONB is normalised. `Unknown` reads as text.
pub fn parse_text(text: &str, ty: &DataType) -> Result<Value> {
    Ok(match ty {
        DataType::Bool => Value::Bool(parse_bool(text)?),
        DataType::Int16 => {
            let v = parse_integer(text, ty, i64::from(i16::MIN), i64::from(i16::MAX))?;
            Value::Int16(i16::try_from(v).map_err(|_| out_of_range(text, ty))?)
        }
        DataType::Int32 => {
            let v = parse_integer(text, ty, i64::from(i32::MIN), i64::from(i32::MAX))?;
            Value::Int32(i32::try_from(v).map_err(|_| out_of_range(text, ty))?)
        }
        DataType::Int64 => Value::Int64(parse_integer(text, ty, i64::MIN, i64::MAX)?),
        DataType::Float32 => Value::Float32(parse_f32(text)?),
        DataType::Float64 => Value::Float64(parse_f64(text)?),
        DataType::Numeric { precision, scale } => {
            Value::numeric(apply_typmod(&parse_numeric(text)?, *precision, *scale)?)
        }
        DataType::Text | DataType::Varchar(_) | DataType::Char(_) | DataType::Unknown => {
            fit_string(text, ty, false)?
        }
        DataType::Bytea => Value::Bytea(Arc::from(parse_bytea(text)?)),
        DataType::Date => Value::Date(parse_date(text)?),
        DataType::Time => Value::Time(parse_time(text)?),
        DataType::Timestamp => Value::Timestamp(parse_timestamp(text)?),
        DataType::TimestampTz => Value::TimestampTz(parse_timestamptz(text)?),
        DataType::Interval => Value::Interval(parse_interval(text)?),
        DataType::Uuid => Value::Uuid(parse_uuid(text)?),
        DataType::Json => {
            validate_json(text)?;
            Value::Json(Arc::from(text))
        }
        DataType::Jsonb => Value::Json(Arc::from(normalize_jsonb(text)?)),
    })
}

fn out_of_range(text: &str, ty: &DataType) -> Error {
    Error::NumericOutOfRange(format!("value \"{text}\" is out of range for type {ty}"))
}

/// Fits a string to a string type. VARCHAR(n) and CHAR(n) reject text longer than `n`
/// characters with 22001, unless the excess is all spaces (then it is cut off) or
/// `truncate` is set (explicit casts cut silently). CHAR(n) is blank-padded to `n`.
pub(crate) fn fit_string(text: &str, ty: &DataType, truncate: bool) -> Result<Value> {
    let limit = match ty {
        DataType::Varchar(Some(n)) | DataType::Char(n) => usize::try_from(*n).unwrap_or(usize::MAX),
        _ => return Ok(Value::text(text)),
    };
    let cut = text.char_indices().nth(limit).map(|(at, _)| at);
    let fitted = match cut {
        None => text,
        Some(at) => {
            let (kept, excess) = text.split_at(at);
            if !truncate && !excess.chars().all(|c| c == ' ') {
                return Err(Error::StringDataRightTruncation(ty.to_string()));
            }
            kept
        }
    };
    if let DataType::Char(_) = ty {
        let missing = limit.saturating_sub(fitted.chars().count());
        if missing > 0 {
            return Ok(Value::text(format!("{fitted}{}", " ".repeat(missing))));
        }
    }
    Ok(Value::text(fitted))
}

/// `t`, `true`, `yes`, `on`, `1` and `f`, `false`, `no`, `off`, `0`, any unique prefix, any case.
fn parse_bool(text: &str) -> Result<bool> {
    let word = text.trim().to_ascii_lowercase();
    let is_prefix = |full: &str, min: usize| word.len() >= min && full.starts_with(word.as_str());
    if is_prefix("true", 1) || is_prefix("yes", 1) || is_prefix("on", 2) || word == "1" {
        Ok(true)
    } else if is_prefix("false", 1) || is_prefix("no", 1) || is_prefix("off", 2) || word == "0" {
        Ok(false)
    } else {
        Err(Error::invalid_text("boolean", text))
    }
}

/// Integer input: optional sign, decimal digits or `0x`/`0o`/`0b` prefixed digits, single
/// underscores between digits, surrounding whitespace.
fn parse_integer(text: &str, ty: &DataType, min: i64, max: i64) -> Result<i64> {
    let invalid = || Error::invalid_text(ty.to_string(), text);
    let trimmed = text.trim();
    let (negative, body) = match trimmed.as_bytes().first() {
        Some(b'-') => (true, trimmed.get(1..).unwrap_or("")),
        Some(b'+') => (false, trimmed.get(1..).unwrap_or("")),
        _ => (false, trimmed),
    };
    let prefix = body.get(..2).map(str::to_ascii_lowercase);
    let (radix, digits) = match prefix.as_deref() {
        Some("0x") => (16, body.get(2..).unwrap_or("")),
        Some("0o") => (8, body.get(2..).unwrap_or("")),
        Some("0b") => (2, body.get(2..).unwrap_or("")),
        _ => (10, body),
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
    {
        return Err(invalid());
    }
    let mut magnitude: i128 = 0;
    for c in digits.chars().filter(|c| *c != '_') {
        let digit = c.to_digit(radix).ok_or_else(invalid)?;
        magnitude = magnitude
            .checked_mul(i128::from(radix))
            .and_then(|m| m.checked_add(i128::from(digit)))
            .ok_or_else(|| out_of_range(text, ty))?;
    }
    let value = if negative { -magnitude } else { magnitude };
    if value < i128::from(min) || value > i128::from(max) {
        return Err(out_of_range(text, ty));
    }
    i64::try_from(value).map_err(|_| out_of_range(text, ty))
}

/// Which special float a word names, if any: `NaN`, `Infinity`, `-Infinity`, `inf`, ...
fn special_float(word: &str) -> Option<f64> {
    match word.to_ascii_lowercase().as_str() {
        "nan" | "+nan" | "-nan" => Some(f64::NAN),
        "infinity" | "+infinity" | "inf" | "+inf" => Some(f64::INFINITY),
        "-infinity" | "-inf" => Some(f64::NEG_INFINITY),
        _ => None,
    }
}

/// Checks the decimal syntax Rust's float parser shares with PostgreSQL and reports whether
/// the mantissa has a non-zero digit (to tell underflow from a real zero).
fn float_syntax(text: &str) -> Option<bool> {
    let body = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => (body.get(..at)?, Some(body.get(at + 1..)?)),
        None => (body, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !digits_only(whole) || !digits_only(fraction) {
        return None;
    }
    if let Some(e) = exponent {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        if e.is_empty() || !digits_only(e) {
            return None;
        }
    }
    Some(mantissa.bytes().any(|b| (b'1'..=b'9').contains(&b)))
}

/// Shared checks for float input; `parsed` is Rust's (correctly rounded) reading.
fn check_float(text: &str, type_name: &str, is_zero: bool, is_infinite: bool) -> Result<()> {
    let trimmed = text.trim();
    let nonzero_digits =
        float_syntax(trimmed).ok_or_else(|| Error::invalid_text(type_name, text))?;
    if is_infinite || (is_zero && nonzero_digits) {
        return Err(Error::NumericOutOfRange(format!(
            "\"{trimmed}\" is out of range for type {type_name}"
        )));
    }
    Ok(())
}

/// DOUBLE PRECISION input.
fn parse_f64(text: &str) -> Result<f64> {
    if let Some(special) = special_float(text.trim()) {
        return Ok(special);
    }
    let value: f64 = text.trim().parse().unwrap_or(f64::NAN);
    check_float(text, "double precision", value == 0.0, value.is_infinite())?;
    if value.is_nan() {
        return Err(Error::invalid_text("double precision", text));
    }
    Ok(value)
}

/// REAL input.
fn parse_f32(text: &str) -> Result<f32> {
    if let Some(special) = special_float(text.trim()) {
        // NaN and the infinities convert exactly.
        #[allow(clippy::cast_possible_truncation)]
        return Ok(special as f32);
    }
    let value: f32 = text.trim().parse().unwrap_or(f32::NAN);
    check_float(text, "real", value == 0.0, value.is_infinite())?;
    if value.is_nan() {
        return Err(Error::invalid_text("real", text));
    }
    Ok(value)
}

/// BYTEA input: hex format `\x0102ff` (whitespace allowed between byte pairs) or the escape
/// format, where `\\` is a backslash and `\ooo` an octal byte.
fn parse_bytea(text: &str) -> Result<Vec<u8>> {
    let bytes = text.as_bytes();
    if let Some(hex) = bytes
        .strip_prefix(b"\\x")
        .or_else(|| bytes.strip_prefix(b"\\X"))
    {
        let mut out = Vec::with_capacity(hex.len() / 2);
        let mut digits = hex.iter().filter(|b| !b.is_ascii_whitespace());
        while let Some(&high) = digits.next() {
            let low = *digits.next().ok_or_else(|| {
                Error::InvalidParameterValue(
                    "invalid hexadecimal data: odd number of digits".into(),
                )
            })?;
            out.push(hex_value(high)? << 4 | hex_value(low)?);
        }
        return Ok(out);
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut pos = 0;
    while let Some(&b) = bytes.get(pos) {
        if b != b'\\' {
            out.push(b);
            pos += 1;
            continue;
        }
        match bytes.get(pos + 1..pos + 4) {
            _ if bytes.get(pos + 1) == Some(&b'\\') => {
                out.push(b'\\');
                pos += 2;
            }
            Some([a @ b'0'..=b'3', b @ b'0'..=b'7', c @ b'0'..=b'7']) => {
                out.push((a - b'0') << 6 | (b - b'0') << 3 | (c - b'0'));
                pos += 4;
            }
            _ => return Err(Error::invalid_text("bytea", text)),
        }
    }
    Ok(out)
}

fn hex_value(digit: u8) -> Result<u8> {
    match digit {
        b'0'..=b'9' => Ok(digit - b'0'),
        b'a'..=b'f' => Ok(digit - b'a' + 10),
        b'A'..=b'F' => Ok(digit - b'A' + 10),
        _ => Err(Error::InvalidParameterValue(format!(
            "invalid hexadecimal digit: \"{}\"",
            char::from(digit).escape_default()
        ))),
    }
}

/// UUID input: 32 hex digits in any case, with or without hyphens, optionally in braces.
fn parse_uuid(text: &str) -> Result<uuid::Uuid> {
    let invalid = || Error::invalid_text("uuid", text);
    let trimmed = text.trim();
    let inner = match trimmed.strip_prefix('{') {
        Some(rest) => rest.strip_suffix('}').ok_or_else(invalid)?,
        None => trimmed,
    };
    if inner.starts_with('-') || inner.ends_with('-') || inner.contains("--") {
        return Err(invalid());
    }
    let digits: String = inner.chars().filter(|c| *c != '-').collect();
    if digits.len() != 32 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(invalid());
    }
    u128::from_str_radix(&digits, 16)
        .map(uuid::Uuid::from_u128)
        .map_err(|_| invalid())
}

#[cfg(test)]
mod tests;

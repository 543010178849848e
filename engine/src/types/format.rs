//! Text output of values in PostgreSQL's formats (`Display for Value` and [`format_text`]):
//! `t`/`f` for booleans, shortest round-trip floats (`1.5`, `1e+20`, `NaN`, `Infinity`),
//! numerics with their scale (`1.50`), `\x0102ff` for bytea, ISO dates and times, the
//! `postgres` interval style, lower-case hyphenated UUIDs, and JSON text as stored.
//!
//! NULL prints as `NULL` (PostgreSQL's own output function is never called for NULL; tether's
//! shell and error messages want a visible marker).

use std::fmt::{self, Write};

use super::datetime::{write_date, write_time, write_timestamp, write_timestamptz};
use super::numeric::write_numeric;
use super::Value;

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("NULL"),
            Value::Bool(b) => f.write_str(if *b { "t" } else { "f" }),
            Value::Int16(v) => write!(f, "{v}"),
            Value::Int32(v) => write!(f, "{v}"),
            Value::Int64(v) => write!(f, "{v}"),
            Value::Float32(v) => write_float(f, &format!("{v:e}"), v.is_nan(), v.is_infinite(), 6),
            Value::Float64(v) => write_float(f, &format!("{v:e}"), v.is_nan(), v.is_infinite(), 15),
            Value::Numeric(d) => write_numeric(f, d),
            Value::Text(s) | Value::Json(s) => f.write_str(s),
            Value::Bytea(bytes) => write_bytea(f, bytes),
            Value::Date(d) => write_date(f, *d),
            Value::Time(t) => write_time(f, *t),
            Value::Timestamp(ts) => write_timestamp(f, *ts),
            Value::TimestampTz(ts) => write_timestamptz(f, *ts),
            Value::Interval(iv) => write!(f, "{iv}"),
            Value::Uuid(u) => write!(f, "{}", u.hyphenated()),
        }
    }
}

/// PostgreSQL's text output of a value; `NULL` for NULL. For every non-null value `v` of type
/// `t`, `parse_text(&format_text(&v), &t)` gives back `v`.
pub fn format_text(value: &Value) -> String {
    value.to_string()
}

/// Writes bytea in PostgreSQL's hex format: `\x` then two lower-case hex digits per byte.
pub(crate) fn write_bytea(out: &mut impl Write, bytes: &[u8]) -> fmt::Result {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.write_str("\\x")?;
    for byte in bytes {
        for nibble in [byte >> 4, byte & 0x0f] {
            out.write_char(char::from(
                HEX.get(usize::from(nibble)).copied().unwrap_or(b'0'),
            ))?;
        }
    }
    Ok(())
}

/// Writes a float from Rust's shortest round-trip scientific form (`{:e}`, e.g. `1.5e-7`) the
/// way PostgreSQL prints it: plain notation when the decimal exponent is in
/// `-4..plain_below` (15 for double precision, 6 for real), otherwise `1.5e-07` style.
fn write_float(
    out: &mut impl Write,
    scientific: &str,
    is_nan: bool,
    is_infinite: bool,
    plain_below: i32,
) -> fmt::Result {
    if is_nan {
        return out.write_str("NaN");
    }
    if is_infinite {
        return out.write_str(if scientific.starts_with('-') {
            "-Infinity"
        } else {
            "Infinity"
        });
    }
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", mantissa),
    };
    out.write_str(sign)?;
    if exponent < -4 || exponent >= plain_below {
        let exponent_sign = if exponent < 0 { '-' } else { '+' };
        return write!(
            out,
            "{mantissa}e{exponent_sign}{:02}",
            exponent.unsigned_abs()
        );
    }
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    if exponent < 0 {
        out.write_str("0.")?;
        for _ in 1..exponent.unsigned_abs() {
            out.write_char('0')?;
        }
        return out.write_str(&digits);
    }
    let whole_len = usize::try_from(exponent).unwrap_or(0) + 1;
    match digits.get(..whole_len) {
        Some(whole) if digits.len() > whole_len => {
            write!(out, "{whole}.{}", digits.get(whole_len..).unwrap_or(""))
        }
        _ => {
            out.write_str(&digits)?;
            for _ in digits.len()..whole_len {
                out.write_char('0')?;
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::types::Interval;

    #[test]
    fn scalars() {
        assert_eq!(Value::Null.to_string(), "NULL");
        assert_eq!(Value::Bool(true).to_string(), "t");
        assert_eq!(Value::Bool(false).to_string(), "f");
        assert_eq!(Value::Int16(-5).to_string(), "-5");
        assert_eq!(Value::Int64(i64::MIN).to_string(), "-9223372036854775808");
        assert_eq!(format_text(&Value::text("héllo")), "héllo");
        assert_eq!(Value::Json(Arc::from("{\"a\":1}")).to_string(), "{\"a\":1}");
        assert_eq!(
            Value::Bytea(Arc::from(&[1u8, 2, 255][..])).to_string(),
            "\\x0102ff"
        );
        assert_eq!(Value::Bytea(Arc::from(&[][..])).to_string(), "\\x");
        assert_eq!(Value::Interval(Interval::ZERO).to_string(), "00:00:00");
        let u = uuid::Uuid::from_u128(0xA0EEBC999C0B4EF8BB6D6BB9BD380A11);
        assert_eq!(
            Value::Uuid(u).to_string(),
            "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"
        );
    }

    #[test]
    fn doubles_print_like_postgres() {
        for (value, text) in [
            (1.5, "1.5"),
            (0.1, "0.1"),
            (1.0, "1"),
            (-0.0, "-0"),
            (0.0, "0"),
            (100.0, "100"),
            (1e14, "100000000000000"),
            (1e15, "1e+15"),
            (1e20, "1e+20"),
            (123_456_789_012_345_680.0, "1.2345678901234568e+17"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (1e300, "1e+300"),
            (f64::MAX, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
            (-12.25, "-12.25"),
            (123.456, "123.456"),
        ] {
            assert_eq!(Value::Float64(value).to_string(), text);
        }
    }

    #[test]
    fn reals_print_like_postgres() {
        for (value, text) in [
            (1.5f32, "1.5"),
            (0.1, "0.1"),
            (123_456.0, "123456"),
            (1e6, "1e+06"),
            (1_234_567.0, "1.234567e+06"),
            (f32::NAN, "NaN"),
            (f32::NEG_INFINITY, "-Infinity"),
        ] {
            assert_eq!(Value::Float32(value).to_string(), text);
        }
    }
}

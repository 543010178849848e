//! Renders one engine value as the text the sqllogictest corpus expects, following SQLite's
//! reference runner (`slt_sqlite.c`): the rendering depends on the column's *declared* type
//! letter, not on the value's own type.
//!
//! | letter | rendering |
//! |---|---|
//! | `I` | `sqlite3_column_int` printed `%d`: 32-bit, reals truncated, text → its leading integer |
//! | `R` | `%.3f` of `sqlite3_column_double` (integers too; text → its leading number) |
//! | `T` | the text; empty → `(empty)`; every byte outside 0x20–0x7E → `@` |
//! | any | NULL → `NULL` |

use sqllogictest::DefaultColumnType;
use tether::Value;

/// The corpus text of `value` in a column declared as `column_type`.
pub fn render(value: &Value, column_type: &DefaultColumnType) -> String {
    if value.is_null() {
        return "NULL".to_string();
    }
    match column_type {
        DefaultColumnType::Integer => (as_sqlite_int64(value) as i32).to_string(),
        DefaultColumnType::FloatingPoint => format_real(as_sqlite_double(value)),
        DefaultColumnType::Text | DefaultColumnType::Any => format_text(&as_sqlite_text(value)),
    }
}

/// `sqlite3_column_int64`: integers as they are, reals truncated toward zero (saturating),
/// text (and everything else) by its leading integer, or 0.
fn as_sqlite_int64(value: &Value) -> i64 {
    match value {
        Value::Bool(b) => i64::from(*b),
        Value::Int16(v) => i64::from(*v),
        Value::Int32(v) => i64::from(*v),
        Value::Int64(v) => *v,
        Value::Float32(v) => real_to_int64(f64::from(*v)),
        Value::Float64(v) => real_to_int64(*v),
        Value::Numeric(d) => real_to_int64(d.to_string().parse::<f64>().unwrap_or(0.0)),
        other => leading_integer(&other.to_string()),
    }
}

/// SQLite's `doubleToInt64`: truncation toward zero, saturating at the i64 range, NaN → 0.
fn real_to_int64(r: f64) -> i64 {
    if r.is_nan() {
        0
    } else if r <= i64::MIN as f64 {
        i64::MIN
    } else if r >= i64::MAX as f64 {
        i64::MAX
    } else {
        r as i64
    }
}

/// `sqlite3_column_double`: numbers as reals, text by its leading number, or 0.0.
fn as_sqlite_double(value: &Value) -> f64 {
    match value {
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Int16(v) => f64::from(*v),
        Value::Int32(v) => f64::from(*v),
        Value::Int64(v) => *v as f64,
        Value::Float32(v) => f64::from(*v),
        Value::Float64(v) => *v,
        Value::Numeric(d) => d.to_string().parse::<f64>().unwrap_or(0.0),
        other => leading_real(&other.to_string()),
    }
}

/// `sqlite3_column_text`: booleans as SQLite's 1/0 (SQLite has no boolean type), everything
/// else as its PostgreSQL text output.
fn as_sqlite_text(value: &Value) -> String {
    match value {
        Value::Bool(b) => u8::from(*b).to_string(),
        other => other.to_string(),
    }
}

/// `%.3f` as SQLite's printf writes it: negative zero prints without a sign.
fn format_real(r: f64) -> String {
    let r = if r == 0.0 { 0.0 } else { r };
    if r.is_nan() {
        return "NaN".to_string();
    }
    if r.is_infinite() {
        return if r > 0.0 { "Inf" } else { "-Inf" }.to_string();
    }
    format!("{r:.3}")
}

/// The text with the reference runner's substitutions: `(empty)` for "", `@` per odd byte.
fn format_text(text: &str) -> String {
    if text.is_empty() {
        return "(empty)".to_string();
    }
    text.bytes()
        .map(|b| {
            if (0x20..=0x7e).contains(&b) {
                b as char
            } else {
                '@'
            }
        })
        .collect()
}

/// The integer at the start of `text` (after blanks and a sign), like `sqlite3Atoi64`.
fn leading_integer(text: &str) -> i64 {
    let trimmed = text.trim_start();
    let (negative, digits) = match trimmed.as_bytes().first() {
        Some(b'-') => (true, &trimmed[1..]),
        Some(b'+') => (false, &trimmed[1..]),
        _ => (false, trimmed),
    };
    let mut magnitude: i64 = 0;
    for b in digits.bytes().take_while(u8::is_ascii_digit) {
        magnitude = magnitude
            .saturating_mul(10)
            .saturating_add(i64::from(b - b'0'));
    }
    if negative {
        -magnitude
    } else {
        magnitude
    }
}

/// The longest prefix of `text` that reads as a real number, like `sqlite3AtoF`.
fn leading_real(text: &str) -> f64 {
    let trimmed = text.trim_start();
    let bytes = trimmed.as_bytes();
    let mut end = 0;
    if matches!(bytes.first(), Some(b'-' | b'+')) {
        end = 1;
    }
    let mut best = 0.0;
    while end < bytes.len() {
        end += 1;
        if let Ok(v) = trimmed[..end].parse::<f64>() {
            if trimmed[..end]
                .bytes()
                .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
            {
                best = v;
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_follow_sqlite_column_int() {
        let i = DefaultColumnType::Integer;
        assert_eq!(render(&Value::Int64(7), &i), "7");
        assert_eq!(render(&Value::Float64(-2.9), &i), "-2");
        assert_eq!(render(&Value::Int64(1 << 32 | 5), &i), "5");
        assert_eq!(render(&Value::Text("12abc".into()), &i), "12");
        assert_eq!(render(&Value::Text("abc".into()), &i), "0");
        assert_eq!(render(&Value::Bool(true), &i), "1");
        assert_eq!(render(&Value::Null, &i), "NULL");
    }

    #[test]
    fn reals_print_three_decimals() {
        let r = DefaultColumnType::FloatingPoint;
        assert_eq!(render(&Value::Int32(3), &r), "3.000");
        assert_eq!(render(&Value::Float64(-0.0), &r), "0.000");
        assert_eq!(render(&Value::Float64(2.5), &r), "2.500");
        assert_eq!(render(&Value::Text("1.5x".into()), &r), "1.500");
    }

    #[test]
    fn text_marks_empty_and_unprintable() {
        let t = DefaultColumnType::Text;
        assert_eq!(render(&Value::Text("".into()), &t), "(empty)");
        assert_eq!(render(&Value::Text("a\u{e9}".into()), &t), "a@@");
        assert_eq!(render(&Value::Int32(4), &t), "4");
    }
}

//! Tests of casts and of which casts each mode allows.

use std::str::FromStr;
use std::sync::Arc;

use proptest::prelude::*;

use super::*;
use crate::types::parse::parse_text;

fn dec(text: &str) -> Value {
    Value::numeric(Decimal::from_str(text).unwrap_or_default())
}

fn numeric(precision: Option<u32>, scale: Option<u32>) -> DataType {
    DataType::Numeric { precision, scale }
}

fn explicit(value: Value, target: &DataType) -> Value {
    let shown = format!("{value:?}");
    cast(value, target, CastMode::Explicit).unwrap_or_else(|e| panic!("{shown}::{target}: {e}"))
}

fn failure(value: Value, target: &DataType, mode: CastMode) -> (&'static str, String) {
    match cast(value, target, mode) {
        Ok(v) => panic!("cast to {target} gave {v:?}"),
        Err(e) => (e.sqlstate(), e.to_string()),
    }
}

#[test]
fn null_and_unknown() {
    assert_eq!(
        cast(Value::Null, &DataType::Int32, CastMode::Implicit).ok(),
        Some(Value::Null)
    );
    assert_eq!(
        cast(Value::Int32(1), &DataType::Unknown, CastMode::Implicit).ok(),
        Some(Value::Int32(1))
    );
}

#[test]
fn text_parses_into_any_type() {
    assert!(matches!(
        explicit(Value::text("42"), &DataType::Int64),
        Value::Int64(42)
    ));
    assert_eq!(
        explicit(Value::text("t"), &DataType::Bool),
        Value::Bool(true)
    );
    assert_eq!(
        failure(Value::text("abc"), &DataType::Int32, CastMode::Explicit),
        (
            "22P02",
            "invalid input syntax for type integer: \"abc\"".into()
        )
    );
    let uuid = explicit(
        Value::text("A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"),
        &DataType::Uuid,
    );
    assert_eq!(
        explicit(uuid, &DataType::Text),
        Value::text("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")
    );
    let bytes = explicit(Value::text("\\x00ff"), &DataType::Bytea);
    assert_eq!(bytes, Value::Bytea(Arc::from(&[0u8, 255][..])));
    assert_eq!(explicit(bytes, &DataType::Text), Value::text("\\x00ff"));
    let doc = explicit(Value::text("{\"b\":1,\"a\":2}"), &DataType::Jsonb);
    assert_eq!(doc, Value::Json(Arc::from("{\"a\": 2, \"b\": 1}")));
}

#[test]
fn anything_to_text() {
    assert_eq!(
        explicit(Value::Int32(-5), &DataType::Text),
        Value::text("-5")
    );
    assert_eq!(
        explicit(Value::Bool(true), &DataType::Text),
        Value::text("true")
    );
    assert_eq!(
        explicit(dec("1.50"), &DataType::Varchar(None)),
        Value::text("1.50")
    );
    assert_eq!(
        explicit(Value::Float64(1e20), &DataType::Text),
        Value::text("1e+20")
    );
    assert_eq!(
        cast(Value::Int32(7), &DataType::Text, CastMode::Assignment).ok(),
        Some(Value::text("7"))
    );
}

#[test]
fn string_lengths() {
    let vc = DataType::Varchar(Some(3));
    assert_eq!(explicit(Value::text("abcdef"), &vc), Value::text("abc"));
    assert_eq!(
        failure(Value::text("abcdef"), &vc, CastMode::Assignment),
        (
            "22001",
            "value too long for type character varying(3)".into()
        )
    );
    assert_eq!(
        cast(Value::text("abc   "), &vc, CastMode::Assignment).ok(),
        Some(Value::text("abc"))
    );
    assert_eq!(
        failure(Value::Int32(12345), &vc, CastMode::Assignment).0,
        "22001"
    );
    assert_eq!(explicit(Value::Int32(12345), &vc), Value::text("123"));
    assert_eq!(
        explicit(Value::text("ab"), &DataType::Char(4)),
        Value::text("ab  ")
    );
    assert_eq!(
        explicit(Value::text("abcdef"), &DataType::Char(4)),
        Value::text("abcd")
    );
    assert_eq!(
        failure(
            Value::text("abcdef"),
            &DataType::Char(4),
            CastMode::Implicit
        )
        .0,
        "22001"
    );
}

#[test]
fn integer_conversions() {
    assert!(matches!(
        explicit(Value::Int64(5), &DataType::Int16),
        Value::Int16(5)
    ));
    assert_eq!(
        failure(Value::Int32(70_000), &DataType::Int16, CastMode::Assignment),
        ("22003", "smallint out of range".into())
    );
    assert_eq!(
        failure(Value::Int64(1 << 40), &DataType::Int32, CastMode::Explicit).1,
        "integer out of range"
    );
    assert!(matches!(explicit(Value::Int16(5), &DataType::Float64), Value::Float64(v) if v == 5.0));
    assert_eq!(
        explicit(Value::Int32(5), &numeric(Some(5), Some(2))).to_string(),
        "5.00"
    );
    assert_eq!(
        failure(
            Value::Int32(1000),
            &numeric(Some(5), Some(2)),
            CastMode::Explicit
        )
        .1,
        "numeric field overflow"
    );
}

#[test]
fn float_to_integer_rounds_half_to_even() {
    for (input, expected) in [
        (2.5, 2),
        (3.5, 4),
        (-2.5, -2),
        (-3.5, -4),
        (2.4999, 2),
        (0.5, 0),
    ] {
        assert!(
            matches!(explicit(Value::Float64(input), &DataType::Int32), Value::Int32(v) if v == expected),
            "{input}"
        );
    }
    assert!(matches!(
        explicit(Value::Float32(2.5), &DataType::Int64),
        Value::Int64(2)
    ));
    for bad in [f64::NAN, f64::INFINITY, 3e9] {
        assert_eq!(
            failure(Value::Float64(bad), &DataType::Int32, CastMode::Explicit).0,
            "22003"
        );
    }
    assert_eq!(
        failure(Value::Float64(1e19), &DataType::Int64, CastMode::Explicit).0,
        "22003"
    );
}

#[test]
fn numeric_conversions() {
    for (input, expected) in [("2.5", 3), ("3.5", 4), ("-2.5", -3), ("2.49", 2)] {
        assert!(
            matches!(explicit(dec(input), &DataType::Int32), Value::Int32(v) if v == expected),
            "{input}"
        );
    }
    assert_eq!(
        failure(dec("1e10"), &DataType::Int32, CastMode::Assignment).0,
        "22003"
    );
    assert_eq!(
        failure(dec("1e30"), &DataType::Int64, CastMode::Assignment).0,
        "22003"
    );
    assert_eq!(
        explicit(dec("123.456"), &numeric(Some(5), Some(2))).to_string(),
        "123.46"
    );
    assert_eq!(
        failure(
            dec("1234.5"),
            &numeric(Some(5), Some(2)),
            CastMode::Assignment
        )
        .0,
        "22003"
    );
    assert!(matches!(explicit(dec("1.5"), &DataType::Float64), Value::Float64(v) if v == 1.5));
    assert_eq!(
        explicit(Value::Float64(0.1), &numeric(None, None)).to_string(),
        "0.1"
    );
    assert_eq!(
        explicit(Value::Float32(0.1), &numeric(None, None)).to_string(),
        "0.1"
    );
    assert_eq!(
        explicit(Value::Float64(2.0 / 3.0), &numeric(None, None)).to_string(),
        "0.666666666666667"
    );
    assert_eq!(
        explicit(Value::Float64(2.675), &numeric(Some(4), Some(2))).to_string(),
        "2.68"
    );
    assert_eq!(
        failure(
            Value::Float64(f64::INFINITY),
            &numeric(None, None),
            CastMode::Explicit
        )
        .0,
        "22003"
    );
    assert_eq!(
        failure(
            Value::Float64(1e300),
            &DataType::Float32,
            CastMode::Explicit
        )
        .0,
        "22003"
    );
    assert!(
        matches!(explicit(Value::Float64(0.5), &DataType::Float32), Value::Float32(v) if v == 0.5)
    );
}

#[test]
fn booleans_and_integers_convert_explicitly_only() {
    assert!(matches!(
        explicit(Value::Bool(true), &DataType::Int32),
        Value::Int32(1)
    ));
    assert_eq!(
        explicit(Value::Int32(0), &DataType::Bool),
        Value::Bool(false)
    );
    assert_eq!(
        explicit(Value::Int32(-3), &DataType::Bool),
        Value::Bool(true)
    );
    let (state, message) = failure(Value::Bool(true), &DataType::Int32, CastMode::Assignment);
    assert_eq!(state, "42804");
    assert_eq!(message, "cannot cast type boolean to integer");
    assert!(!can_cast(
        &DataType::Int32,
        &DataType::Bool,
        CastMode::Assignment
    ));
}

#[test]
fn dates_and_times() {
    let value = |text: &str, ty: &DataType| parse_text(text, ty).unwrap_or(Value::Null);
    let date = value("2024-01-02", &DataType::Date);
    let midnight = value("2024-01-02 00:00", &DataType::Timestamp);
    assert_eq!(
        cast(date.clone(), &DataType::Timestamp, CastMode::Implicit).ok(),
        Some(midnight.clone())
    );
    assert_eq!(
        explicit(date, &DataType::TimestampTz).to_string(),
        "2024-01-02 00:00:00+00"
    );
    let ts = value("2024-01-02 10:30:00.5", &DataType::Timestamp);
    assert_eq!(
        cast(ts.clone(), &DataType::Date, CastMode::Assignment)
            .map(|v| v.to_string())
            .ok()
            .as_deref(),
        Some("2024-01-02")
    );
    assert_eq!(
        explicit(ts.clone(), &DataType::Time).to_string(),
        "10:30:00.5"
    );
    let tz = explicit(ts, &DataType::TimestampTz);
    assert_eq!(tz.to_string(), "2024-01-02 10:30:00.5+00");
    assert_eq!(
        explicit(tz, &DataType::Timestamp).to_string(),
        "2024-01-02 10:30:00.5"
    );
    let time = value("01:02:03", &DataType::Time);
    assert_eq!(explicit(time, &DataType::Interval).to_string(), "01:02:03");
    assert_eq!(
        explicit(value("1 day 25:00", &DataType::Interval), &DataType::Time).to_string(),
        "01:00:00"
    );
    assert_eq!(
        failure(midnight, &DataType::Date, CastMode::Implicit).0,
        "42804"
    );
}

#[test]
fn json_and_jsonb() {
    let json = Value::Json(Arc::from("{\"b\": 1, \"a\": 1}"));
    assert_eq!(
        cast(json.clone(), &DataType::Jsonb, CastMode::Implicit).ok(),
        Some(Value::Json(Arc::from("{\"a\": 1, \"b\": 1}")))
    );
    assert_eq!(explicit(json.clone(), &DataType::Json), json);
    assert_eq!(
        explicit(json, &DataType::Text),
        Value::text("{\"b\": 1, \"a\": 1}")
    );
    assert_eq!(
        failure(Value::Int32(1), &DataType::Jsonb, CastMode::Explicit).0,
        "42804"
    );
}

#[test]
fn cast_rules_by_mode() {
    use CastMode::*;
    use DataType as T;
    let numeric = numeric(None, None);
    let allowed = [
        (T::Unknown, T::Int32, Implicit),
        (T::Unknown, T::Jsonb, Implicit),
        (T::Int16, T::Int64, Implicit),
        (T::Int32, numeric.clone(), Implicit),
        (T::Int64, T::Float32, Implicit),
        (numeric.clone(), T::Float64, Implicit),
        (T::Float32, T::Float64, Implicit),
        (T::Varchar(Some(3)), T::Text, Implicit),
        (T::Text, T::Char(3), Implicit),
        (T::Date, T::TimestampTz, Implicit),
        (T::Timestamp, T::TimestampTz, Implicit),
        (T::Json, T::Jsonb, Implicit),
        (
            T::Numeric {
                precision: Some(5),
                scale: Some(2),
            },
            numeric.clone(),
            Implicit,
        ),
        (T::Int64, T::Int32, Assignment),
        (numeric.clone(), T::Int16, Assignment),
        (T::Float64, T::Int32, Assignment),
        (T::Float64, T::Float32, Assignment),
        (T::Int32, T::Text, Assignment),
        (T::Uuid, T::Varchar(Some(36)), Assignment),
        (T::TimestampTz, T::Date, Assignment),
        (T::Jsonb, T::Json, Assignment),
        (T::Text, T::Int32, Explicit),
        (T::Text, T::Uuid, Explicit),
        (T::Bool, T::Int32, Explicit),
        (T::Int32, T::Bool, Explicit),
    ];
    for (from, to, mode) in allowed {
        assert!(can_cast(&from, &to, mode), "{from} -> {to} in {mode:?}");
        if mode != Explicit {
            assert!(can_cast(&from, &to, Explicit), "{from} -> {to} explicitly");
        }
    }
    let refused = [
        (T::Int64, T::Int32, Implicit),
        (T::Float64, T::Int32, Implicit),
        (T::Int32, T::Text, Implicit),
        (T::Text, T::Int32, Assignment),
        (T::Text, T::Date, Assignment),
        (T::Bool, T::Int32, Assignment),
        (T::Timestamp, T::Date, Implicit),
        (T::Int32, T::Date, Explicit),
        (T::Uuid, T::Bytea, Explicit),
        (T::Bool, T::Float64, Explicit),
        (T::Int32, T::Jsonb, Explicit),
    ];
    for (from, to, mode) in refused {
        assert!(!can_cast(&from, &to, mode), "{from} -> {to} in {mode:?}");
    }
}

proptest! {
    #[test]
    fn widening_and_back_is_lossless(v in any::<i32>()) {
        let wide = cast(Value::Int32(v), &DataType::Int64, CastMode::Implicit);
        prop_assert!(matches!(wide, Ok(Value::Int64(w)) if w == i64::from(v)));
        let back = cast(Value::Int64(i64::from(v)), &DataType::Int32, CastMode::Assignment);
        prop_assert!(matches!(back, Ok(Value::Int32(b)) if b == v));
        let as_numeric = cast(Value::Int32(v), &numeric(None, None), CastMode::Implicit);
        prop_assert_eq!(as_numeric.ok(), Some(Value::Int32(v)));
    }

    #[test]
    fn text_cast_matches_format(v in any::<f64>()) {
        let text = cast(Value::Float64(v), &DataType::Text, CastMode::Explicit);
        let back = text.and_then(|t| cast(t, &DataType::Float64, CastMode::Explicit));
        prop_assert_eq!(back.ok(), Some(Value::Float64(v)));
    }
}

//! Tests of text input, and of the round trip `parse_text(format_text(v)) == v`.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime};
use proptest::prelude::*;

use super::*;
use crate::types::format::format_text;
use crate::types::{Decimal, Interval};

fn parse(text: &str, ty: &DataType) -> Value {
    parse_text(text, ty).unwrap_or_else(|e| panic!("{text:?} as {ty}: {e}"))
}

fn sqlstate(text: &str, ty: &DataType) -> &'static str {
    match parse_text(text, ty) {
        Ok(v) => panic!("{text:?} as {ty} unexpectedly gave {v:?}"),
        Err(e) => e.sqlstate(),
    }
}

fn numeric(precision: Option<u32>, scale: Option<u32>) -> DataType {
    DataType::Numeric { precision, scale }
}

#[test]
fn booleans() {
    for yes in ["t", "true", "TRUE", " yes ", "y", "on", "1", "tr"] {
        assert_eq!(parse(yes, &DataType::Bool), Value::Bool(true), "{yes}");
    }
    for no in ["f", "false", "No", "n", "off", "of", "0", "fal"] {
        assert_eq!(parse(no, &DataType::Bool), Value::Bool(false), "{no}");
    }
    for bad in ["", "o", "maybe", "2", "truee", "yess"] {
        assert_eq!(sqlstate(bad, &DataType::Bool), "22P02", "{bad}");
    }
    assert_eq!(
        parse_text("maybe", &DataType::Bool)
            .err()
            .map(|e| e.to_string())
            .as_deref(),
        Some("invalid input syntax for type boolean: \"maybe\"")
    );
}

#[test]
fn integers() {
    assert_eq!(parse(" 42 ", &DataType::Int32), Value::Int32(42));
    assert_eq!(parse("-32768", &DataType::Int16), Value::Int16(i16::MIN));
    assert_eq!(parse("+7", &DataType::Int64), Value::Int64(7));
    assert_eq!(
        parse("9223372036854775807", &DataType::Int64),
        Value::Int64(i64::MAX)
    );
    assert_eq!(
        parse("-9223372036854775808", &DataType::Int64),
        Value::Int64(i64::MIN)
    );
    assert_eq!(parse("0x1F", &DataType::Int32), Value::Int32(31));
    assert_eq!(parse("0o17", &DataType::Int32), Value::Int32(15));
    assert_eq!(parse("-0b101", &DataType::Int32), Value::Int32(-5));
    assert_eq!(
        parse("1_000_000", &DataType::Int32),
        Value::Int32(1_000_000)
    );
    let err = parse_text("99999", &DataType::Int16)
        .err()
        .map(|e| (e.sqlstate(), e.to_string()));
    assert_eq!(
        err,
        Some((
            "22003",
            "value \"99999\" is out of range for type smallint".into()
        ))
    );
    assert_eq!(sqlstate("2147483648", &DataType::Int32), "22003");
    assert_eq!(sqlstate("9223372036854775808", &DataType::Int64), "22003");
    assert_eq!(
        sqlstate(
            "99999999999999999999999999999999999999999",
            &DataType::Int64
        ),
        "22003"
    );
    let err = parse_text("abc", &DataType::Int32)
        .err()
        .map(|e| e.to_string());
    assert_eq!(
        err.as_deref(),
        Some("invalid input syntax for type integer: \"abc\"")
    );
    for bad in [
        "", " ", "1.5", "1e3", "--1", "_1", "1_", "1__0", "0x", "12abc", "1 2",
    ] {
        assert_eq!(sqlstate(bad, &DataType::Int32), "22P02", "{bad}");
    }
}

#[test]
fn floats() {
    assert_eq!(parse("1.5", &DataType::Float64), Value::Float64(1.5));
    assert_eq!(
        parse(" -2.5e3 ", &DataType::Float64),
        Value::Float64(-2500.0)
    );
    assert_eq!(parse(".5", &DataType::Float64), Value::Float64(0.5));
    assert_eq!(
        parse("Infinity", &DataType::Float64),
        Value::Float64(f64::INFINITY)
    );
    assert_eq!(
        parse("-infinity", &DataType::Float64),
        Value::Float64(f64::NEG_INFINITY)
    );
    assert_eq!(parse("NaN", &DataType::Float64), Value::Float64(f64::NAN));
    assert_eq!(parse("nan", &DataType::Float32), Value::Float32(f32::NAN));
    assert_eq!(parse("0.1", &DataType::Float32), Value::Float32(0.1));
    assert_eq!(parse("-0", &DataType::Float64).to_string(), "-0");
    assert_eq!(parse("0e10", &DataType::Float64), Value::Float64(0.0));
    assert_eq!(sqlstate("1e400", &DataType::Float64), "22003");
    assert_eq!(sqlstate("1e-400", &DataType::Float64), "22003");
    assert_eq!(sqlstate("1e39", &DataType::Float32), "22003");
    for bad in ["", "abc", "1.2.3", "1e", "infinit", "0x10", "1_0"] {
        assert_eq!(sqlstate(bad, &DataType::Float64), "22P02", "{bad}");
    }
}

#[test]
fn numerics() {
    let n = |t: &str, ty: &DataType| parse(t, ty).to_string();
    assert_eq!(n("1.50", &numeric(None, None)), "1.50");
    assert_eq!(n(" 12.345 ", &numeric(Some(5), Some(2))), "12.35");
    assert_eq!(n("-12.345", &numeric(Some(5), Some(2))), "-12.35");
    assert_eq!(n("7", &numeric(Some(5), Some(2))), "7.00");
    assert_eq!(n("2.5", &numeric(Some(3), None)), "3");
    let err = parse_text("1000", &numeric(Some(5), Some(2)))
        .err()
        .map(|e| (e.sqlstate(), e.to_string()));
    assert_eq!(err, Some(("22003", "numeric field overflow".into())));
    assert_eq!(sqlstate("12a", &numeric(None, None)), "22P02");
    assert_eq!(sqlstate("NaN", &numeric(None, None)), "0A000");
}

#[test]
fn strings() {
    assert_eq!(parse(" a b ", &DataType::Text), Value::text(" a b "));
    assert_eq!(parse("x", &DataType::Unknown), Value::text("x"));
    assert_eq!(
        parse("héllo", &DataType::Varchar(Some(5))),
        Value::text("héllo")
    );
    assert_eq!(
        parse("abc   ", &DataType::Varchar(Some(4))),
        Value::text("abc ")
    );
    let err = parse_text("abcdef", &DataType::Varchar(Some(5)))
        .err()
        .map(|e| (e.sqlstate(), e.to_string()));
    assert_eq!(
        err,
        Some((
            "22001",
            "value too long for type character varying(5)".into()
        ))
    );
    assert_eq!(parse("ab", &DataType::Char(4)), Value::text("ab  "));
    assert_eq!(parse("abcd  ", &DataType::Char(4)), Value::text("abcd"));
    assert_eq!(parse("é", &DataType::Char(2)), Value::text("é "));
    assert_eq!(sqlstate("abcde", &DataType::Char(4)), "22001");
    assert_eq!(
        parse("anything at all", &DataType::Varchar(None)),
        Value::text("anything at all")
    );
}

#[test]
fn bytea() {
    let bytes = |v: &[u8]| Value::Bytea(Arc::from(v));
    assert_eq!(parse("\\x0102ff", &DataType::Bytea), bytes(&[1, 2, 255]));
    assert_eq!(parse("\\XAB cd", &DataType::Bytea), bytes(&[0xab, 0xcd]));
    assert_eq!(parse("\\x", &DataType::Bytea), bytes(&[]));
    assert_eq!(parse("abc", &DataType::Bytea), bytes(b"abc"));
    assert_eq!(
        parse("a\\\\b\\001\\377", &DataType::Bytea),
        bytes(&[b'a', b'\\', b'b', 1, 255])
    );
    assert_eq!(sqlstate("\\x123", &DataType::Bytea), "22023");
    assert_eq!(sqlstate("\\xzz", &DataType::Bytea), "22023");
    assert_eq!(sqlstate("a\\b", &DataType::Bytea), "22P02");
    assert_eq!(sqlstate("\\400", &DataType::Bytea), "22P02");
    assert_eq!(sqlstate("\\", &DataType::Bytea), "22P02");
}

#[test]
fn dates_and_times() {
    let date = NaiveDate::from_ymd_opt(2024, 1, 2).unwrap_or_default();
    assert_eq!(parse("2024-01-02", &DataType::Date), Value::Date(date));
    let time = NaiveTime::from_hms_micro_opt(4, 5, 6, 500_000).unwrap_or_default();
    assert_eq!(parse("04:05:06.5", &DataType::Time), Value::Time(time));
    let ts = date.and_time(time);
    assert_eq!(
        parse("2024-01-02 04:05:06.5", &DataType::Timestamp),
        Value::Timestamp(ts)
    );
    assert_eq!(
        parse("2024-01-02T06:05:06.5+02", &DataType::TimestampTz),
        Value::TimestampTz(ts.and_utc())
    );
    assert_eq!(
        parse("1 day 04:05:06.5", &DataType::Interval),
        Value::Interval(Interval::new(0, 1, 14_706_500_000))
    );
    assert_eq!(sqlstate("2024-13-01", &DataType::Date), "22007");
    assert_eq!(sqlstate("soon", &DataType::Timestamp), "22007");
    assert_eq!(sqlstate("1 fortnight", &DataType::Interval), "22007");
}

#[test]
fn uuids() {
    let expected = parse("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", &DataType::Uuid);
    for text in [
        "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",
        "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}",
        "a0eebc999c0b4ef8bb6d6bb9bd380a11",
        "a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11",
    ] {
        assert_eq!(parse(text, &DataType::Uuid), expected, "{text}");
    }
    assert_eq!(expected.to_string(), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    for bad in [
        "",
        "a0eebc99",
        "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
        "g0eebc999c0b4ef8bb6d6bb9bd380a11",
        "-a0eebc999c0b4ef8bb6d6bb9bd380a11",
    ] {
        assert_eq!(sqlstate(bad, &DataType::Uuid), "22P02", "{bad}");
    }
}

#[test]
fn json_and_jsonb() {
    let raw = "{\"b\": 1,  \"a\": [1.50, 2]}";
    assert_eq!(parse(raw, &DataType::Json), Value::Json(Arc::from(raw)));
    assert_eq!(
        parse(raw, &DataType::Jsonb),
        Value::Json(Arc::from("{\"a\": [1.50, 2], \"b\": 1}"))
    );
    assert_eq!(sqlstate("{bad}", &DataType::Json), "22P02");
    assert_eq!(sqlstate("", &DataType::Jsonb), "22P02");
}

/// Formats `value` and parses it back as `ty`, expecting the same value.
fn assert_round_trip(value: &Value, ty: &DataType) -> std::result::Result<(), TestCaseError> {
    let text = format_text(value);
    let back = parse_text(&text, ty).map_err(|e| TestCaseError::fail(format!("{text:?}: {e}")))?;
    prop_assert_eq!(&back, value, "text {:?}", text);
    // Also the same variant, not only an equal value of another numeric type.
    prop_assert_eq!(back.data_type(), value.data_type());
    Ok(())
}

fn any_date() -> impl Strategy<Value = NaiveDate> {
    (-200_000i32..200_000, 1u32..=12, 1u32..=31)
        .prop_filter_map("valid date", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
}

fn any_time() -> impl Strategy<Value = NaiveTime> {
    (0u32..86_400, 0u32..1_000_000).prop_filter_map("valid time", |(s, us)| {
        NaiveTime::from_num_seconds_from_midnight_opt(s, us * 1000)
    })
}

fn any_timestamp() -> impl Strategy<Value = NaiveDateTime> {
    (any_date(), any_time()).prop_map(|(d, t)| d.and_time(t))
}

proptest! {
    #[test]
    fn integers_round_trip(a in any::<i16>(), b in any::<i32>(), c in any::<i64>()) {
        assert_round_trip(&Value::Int16(a), &DataType::Int16)?;
        assert_round_trip(&Value::Int32(b), &DataType::Int32)?;
        assert_round_trip(&Value::Int64(c), &DataType::Int64)?;
    }

    #[test]
    fn floats_round_trip(a in any::<f64>(), b in any::<f32>()) {
        assert_round_trip(&Value::Float64(a), &DataType::Float64)?;
        assert_round_trip(&Value::Float32(b), &DataType::Float32)?;
    }

    #[test]
    fn numerics_round_trip(digits in any::<i128>(), scale in 0i64..40) {
        let value = Value::numeric(Decimal::new(digits.into(), scale));
        assert_round_trip(&value, &DataType::Numeric { precision: None, scale: None })?;
        // The scale survives too, not only the value.
        let back = parse_text(&format_text(&value), &DataType::Numeric { precision: None, scale: None });
        prop_assert_eq!(back.map(|v| v.to_string()).ok(), Some(value.to_string()));
    }

    #[test]
    fn dates_round_trip(date in any_date()) {
        assert_round_trip(&Value::Date(date), &DataType::Date)?;
    }

    #[test]
    fn times_round_trip(time in any_time()) {
        assert_round_trip(&Value::Time(time), &DataType::Time)?;
    }

    #[test]
    fn timestamps_round_trip(ts in any_timestamp()) {
        assert_round_trip(&Value::Timestamp(ts), &DataType::Timestamp)?;
        let tz: DateTime<chrono::Utc> = ts.and_utc();
        assert_round_trip(&Value::TimestampTz(tz), &DataType::TimestampTz)?;
    }

    #[test]
    fn intervals_round_trip(months in any::<i32>(), days in any::<i32>(), micros in any::<i64>()) {
        let value = Interval::new(months, days, micros);
        let back = parse_text(&format_text(&Value::Interval(value)), &DataType::Interval);
        // Field-exact, not only equal length.
        prop_assert!(matches!(back, Ok(Value::Interval(parsed)) if parsed == value));
    }

    #[test]
    fn uuids_round_trip(bits in any::<u128>()) {
        assert_round_trip(&Value::Uuid(uuid::Uuid::from_u128(bits)), &DataType::Uuid)?;
    }

    #[test]
    fn bytea_round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        assert_round_trip(&Value::Bytea(Arc::from(bytes)), &DataType::Bytea)?;
    }

    #[test]
    fn text_round_trip(text in any::<String>()) {
        assert_round_trip(&Value::text(text.as_str()), &DataType::Text)?;
    }

    #[test]
    fn booleans_round_trip(b in any::<bool>()) {
        assert_round_trip(&Value::Bool(b), &DataType::Bool)?;
    }

    #[test]
    fn parse_never_panics(
        text in prop_oneof![any::<String>(), "[0-9a-fA-FxXtTzZ:. +\\-_{}\\[\\]\",\\\\PYMWDHS]{0,24}"]
    ) {
        for ty in [
            DataType::Bool, DataType::Int16, DataType::Int32, DataType::Int64, DataType::Float32,
            DataType::Float64, DataType::Numeric { precision: Some(6), scale: Some(2) },
            DataType::Varchar(Some(3)), DataType::Char(2), DataType::Bytea, DataType::Date,
            DataType::Time, DataType::Timestamp, DataType::TimestampTz, DataType::Interval,
            DataType::Uuid, DataType::Json, DataType::Jsonb,
        ] {
            let _ = parse_text(&text, &ty);
        }
    }
}

//! Tests of operator result types and evaluation.

use std::str::FromStr;

use chrono::{DateTime, NaiveDate};
use proptest::prelude::*;

use super::*;
use crate::types::parse::parse_text;

fn dec(text: &str) -> Value {
    Value::numeric(Decimal::from_str(text).unwrap_or_default())
}

fn eval(op: ArithOp, a: &Value, b: &Value) -> Value {
    arithmetic(op, a, b).unwrap_or_else(|e| panic!("{a:?} {op} {b:?}: {e}"))
}

fn error(op: ArithOp, a: &Value, b: &Value) -> (&'static str, String) {
    match arithmetic(op, a, b) {
        Ok(v) => panic!("{a:?} {op} {b:?} gave {v:?}"),
        Err(e) => (e.sqlstate(), e.to_string()),
    }
}

fn value(text: &str, ty: &DataType) -> Value {
    parse_text(text, ty).unwrap_or(Value::Null)
}

fn ts(text: &str) -> Value {
    value(text, &DataType::Timestamp)
}

fn iv(text: &str) -> Value {
    value(text, &DataType::Interval)
}

#[test]
fn operator_display() {
    let shown: Vec<String> = [
        ArithOp::Add,
        ArithOp::Sub,
        ArithOp::Mul,
        ArithOp::Div,
        ArithOp::Mod,
        ArithOp::Concat,
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    assert_eq!(shown, ["+", "-", "*", "/", "%", "||"]);
}

#[test]
fn result_types() {
    use ArithOp::*;
    use DataType as T;
    let numeric = T::Numeric {
        precision: None,
        scale: None,
    };
    let cases = [
        (Add, T::Int16, T::Int16, T::Int16),
        (Add, T::Int16, T::Int32, T::Int32),
        (Mul, T::Int32, T::Int64, T::Int64),
        (
            Div,
            T::Int32,
            T::Numeric {
                precision: Some(5),
                scale: Some(2),
            },
            numeric.clone(),
        ),
        (Add, T::Int32, T::Float32, T::Float64),
        (Add, T::Float32, T::Float32, T::Float32),
        (Sub, numeric.clone(), T::Float64, T::Float64),
        (Add, T::Unknown, T::Int64, T::Int64),
        (Add, T::Date, T::Int32, T::Date),
        (Add, T::Int32, T::Date, T::Date),
        (Sub, T::Date, T::Int32, T::Date),
        (Sub, T::Date, T::Date, T::Int32),
        (Add, T::Date, T::Interval, T::Timestamp),
        (Add, T::Date, T::Time, T::Timestamp),
        (Sub, T::Timestamp, T::Interval, T::Timestamp),
        (Add, T::Interval, T::TimestampTz, T::TimestampTz),
        (Sub, T::Timestamp, T::Timestamp, T::Interval),
        (Sub, T::TimestampTz, T::Timestamp, T::Interval),
        (Add, T::Time, T::Interval, T::Time),
        (Sub, T::Time, T::Time, T::Interval),
        (Add, T::Interval, T::Interval, T::Interval),
        (Mul, T::Interval, T::Int32, T::Interval),
        (Mul, T::Float64, T::Interval, T::Interval),
        (Div, T::Interval, numeric.clone(), T::Interval),
        (Add, T::TimestampTz, T::Unknown, T::TimestampTz),
        (Sub, T::Timestamp, T::Unknown, T::Interval),
        (Mul, T::Interval, T::Unknown, T::Interval),
        (Concat, T::Text, T::Int32, T::Text),
        (Concat, T::Bool, T::Varchar(Some(3)), T::Text),
        (Concat, T::Unknown, T::Unknown, T::Text),
        (Concat, T::Bytea, T::Bytea, T::Bytea),
        (Concat, T::Jsonb, T::Jsonb, T::Jsonb),
    ];
    for (op, l, r, expected) in cases {
        assert_eq!(result_type(op, &l, &r).ok(), Some(expected), "{l} {op} {r}");
    }
    let err = result_type(Add, &T::Int32, &T::Bool).err();
    assert_eq!(err.as_ref().map(Error::sqlstate), Some("42883"));
    assert!(err
        .map(|e| e.to_string())
        .unwrap_or_default()
        .contains("operator does not exist: integer + boolean"));
    for (op, l, r) in [
        (Mod, T::Float64, T::Int32),
        (Add, T::Text, T::Int32),
        (Mul, T::Date, T::Int32),
        (Add, T::Timestamp, T::Timestamp),
        (Add, T::Unknown, T::Unknown),
        (Concat, T::Int32, T::Int32),
        (Sub, T::Interval, T::Date),
    ] {
        assert!(result_type(op, &l, &r).is_err(), "{l} {op} {r}");
    }
}

#[test]
fn integer_arithmetic() {
    use ArithOp::*;
    assert!(matches!(
        eval(Add, &Value::Int16(1), &Value::Int16(2)),
        Value::Int16(3)
    ));
    assert!(matches!(
        eval(Add, &Value::Int16(1), &Value::Int32(2)),
        Value::Int32(3)
    ));
    assert!(matches!(
        eval(Mul, &Value::Int32(3), &Value::Int64(4)),
        Value::Int64(12)
    ));
    assert_eq!(
        eval(Div, &Value::Int32(7), &Value::Int32(2)),
        Value::Int32(3)
    );
    assert_eq!(
        eval(Div, &Value::Int32(-7), &Value::Int32(2)),
        Value::Int32(-3)
    );
    assert_eq!(
        eval(Mod, &Value::Int32(-7), &Value::Int32(3)),
        Value::Int32(-1)
    );
    assert_eq!(
        eval(Mod, &Value::Int32(7), &Value::Int32(-3)),
        Value::Int32(1)
    );
    assert_eq!(
        eval(Mod, &Value::Int64(i64::MIN), &Value::Int64(-1)),
        Value::Int64(0)
    );
    assert_eq!(
        error(Add, &Value::Int32(i32::MAX), &Value::Int32(1)),
        ("22003", "integer out of range".into())
    );
    assert_eq!(
        error(Mul, &Value::Int16(200), &Value::Int16(200)),
        ("22003", "smallint out of range".into())
    );
    assert_eq!(
        error(Sub, &Value::Int64(i64::MIN), &Value::Int64(1)),
        ("22003", "bigint out of range".into())
    );
    assert_eq!(
        error(Div, &Value::Int32(i32::MIN), &Value::Int32(-1)).0,
        "22003"
    );
    assert_eq!(
        error(Div, &Value::Int32(1), &Value::Int32(0)),
        ("22012", "division by zero".into())
    );
    assert_eq!(error(Mod, &Value::Int16(1), &Value::Int64(0)).0, "22012");
    assert_eq!(error(Add, &Value::Int32(1), &Value::Bool(true)).0, "42883");
}

#[test]
fn numeric_arithmetic() {
    use ArithOp::*;
    let show = |v: Value| v.to_string();
    assert_eq!(show(eval(Add, &dec("1.50"), &Value::Int32(1))), "2.50");
    assert_eq!(show(eval(Mul, &dec("1.5"), &dec("2.25"))), "3.375");
    assert_eq!(
        show(eval(Div, &dec("1"), &Value::Int32(3))),
        "0.33333333333333333333"
    );
    assert_eq!(
        show(eval(Div, &Value::Int64(10), &dec("4"))),
        "2.5000000000000000"
    );
    assert_eq!(show(eval(Mod, &dec("10.5"), &Value::Int32(3))), "1.5");
    assert_eq!(show(eval(Sub, &dec("0.1"), &dec("0.3"))), "-0.2");
    // Exact, however many digits.
    let big = "123456789012345678901234567890.123456789";
    assert_eq!(
        show(eval(Mul, &dec(big), &dec(big))),
        "15241578753238836750495351562566681945005334557625361987875.019051998750190521"
    );
    assert_eq!(
        show(eval(Add, &dec(big), &dec("0.000000001"))),
        "123456789012345678901234567890.123456790"
    );
    assert_eq!(error(Div, &dec("1"), &dec("0.0")).0, "22012");
    assert_eq!(error(Mod, &dec("1"), &Value::Int32(0)).0, "22012");
}

#[test]
fn float_arithmetic() {
    use ArithOp::*;
    assert_eq!(
        eval(Add, &Value::Float64(0.1), &Value::Float64(0.2)),
        Value::Float64(0.1 + 0.2)
    );
    assert!(
        matches!(eval(Mul, &Value::Float32(1.5), &Value::Float32(2.0)), Value::Float32(v) if v == 3.0)
    );
    assert!(
        matches!(eval(Add, &Value::Float32(1.5), &Value::Int32(2)), Value::Float64(v) if v == 3.5)
    );
    assert!(
        matches!(eval(Div, &Value::Int32(1), &Value::Float64(4.0)), Value::Float64(v) if v == 0.25)
    );
    assert!(matches!(eval(Mul, &dec("1.5"), &Value::Float64(2.0)), Value::Float64(v) if v == 3.0));
    assert_eq!(
        error(Div, &Value::Float64(1.0), &Value::Float64(0.0)).0,
        "22012"
    );
    assert_eq!(
        error(Div, &Value::Float64(1.0), &Value::Int32(0)).0,
        "22012"
    );
    assert!(
        matches!(eval(Div, &Value::Float64(f64::NAN), &Value::Float64(0.0)), Value::Float64(v) if v.is_nan())
    );
    assert_eq!(
        error(Mul, &Value::Float64(1e308), &Value::Float64(10.0)),
        ("22003", "value out of range: overflow".into())
    );
    assert_eq!(
        error(Mul, &Value::Float64(1e-300), &Value::Float64(1e-300)),
        ("22003", "value out of range: underflow".into())
    );
    assert_eq!(
        eval(Add, &Value::Float64(f64::INFINITY), &Value::Float64(1.0)),
        Value::Float64(f64::INFINITY)
    );
    assert_eq!(
        error(Mod, &Value::Float64(5.5), &Value::Int32(2)).0,
        "42883"
    );
}

#[test]
fn nulls_propagate() {
    for op in [ArithOp::Add, ArithOp::Div, ArithOp::Concat] {
        assert_eq!(eval(op, &Value::Null, &Value::Int32(1)), Value::Null);
        assert_eq!(eval(op, &Value::text("a"), &Value::Null), Value::Null);
    }
    assert_eq!(negate(&Value::Null).ok(), Some(Value::Null));
}

#[test]
fn concatenation() {
    use ArithOp::Concat;
    assert_eq!(
        eval(Concat, &Value::text("a"), &Value::text("b")),
        Value::text("ab")
    );
    assert_eq!(
        eval(Concat, &Value::text("n="), &Value::Int32(5)),
        Value::text("n=5")
    );
    assert_eq!(
        eval(Concat, &Value::Bool(true), &Value::text("!")),
        Value::text("true!")
    );
    assert_eq!(
        eval(Concat, &Value::text("x"), &dec("1.50")),
        Value::text("x1.50")
    );
    assert_eq!(
        eval(
            Concat,
            &Value::Bytea(Arc::from(&[1u8][..])),
            &Value::Bytea(Arc::from(&[2u8][..]))
        ),
        Value::Bytea(Arc::from(&[1u8, 2][..]))
    );
    assert_eq!(
        eval(
            Concat,
            &Value::Json(Arc::from("{\"a\": 1}")),
            &Value::Json(Arc::from("{\"b\": 2}"))
        ),
        Value::Json(Arc::from("{\"a\": 1, \"b\": 2}"))
    );
    assert_eq!(error(Concat, &Value::Int32(1), &Value::Int32(2)).0, "42883");
}

#[test]
fn date_and_time_arithmetic() {
    use ArithOp::*;
    let date = |s: &str| value(s, &DataType::Date);
    assert_eq!(
        eval(Add, &date("2024-02-28"), &Value::Int32(2)),
        date("2024-03-01")
    );
    assert_eq!(
        eval(Add, &Value::Int16(1), &date("2024-02-28")),
        date("2024-02-29")
    );
    assert_eq!(
        eval(Sub, &date("2024-03-01"), &Value::Int32(1)),
        date("2024-02-29")
    );
    assert!(matches!(
        eval(Sub, &date("2024-03-01"), &date("2024-02-01")),
        Value::Int32(29)
    ));
    assert_eq!(
        eval(Add, &date("2024-01-31"), &iv("1 mon")),
        ts("2024-02-29")
    );
    assert_eq!(
        eval(Sub, &date("2024-03-31"), &iv("1 mon")),
        ts("2024-02-29")
    );
    assert_eq!(
        eval(Add, &date("2024-01-31"), &value("10:30", &DataType::Time)),
        ts("2024-01-31 10:30")
    );
    assert_eq!(
        eval(Add, &ts("2024-01-31 10:00"), &iv("1 mon 1 day 2 hours")),
        ts("2024-03-01 12:00")
    );
    assert_eq!(
        eval(Sub, &ts("2024-01-01"), &iv("1 hour")),
        ts("2023-12-31 23:00")
    );
    let tz = |s: &str| value(s, &DataType::TimestampTz);
    assert_eq!(
        eval(Add, &iv("1 day"), &tz("2024-01-01 00:00+00")),
        tz("2024-01-02 00:00+00")
    );
    assert_eq!(
        eval(Sub, &ts("2024-01-02 01:00"), &ts("2024-01-01")),
        iv("1 day 01:00")
    );
    assert_eq!(
        eval(Sub, &tz("2024-01-01 00:00+02"), &ts("2024-01-01")),
        iv("-02:00")
    );
    assert_eq!(
        eval(Sub, &date("2024-01-02"), &ts("2024-01-01 12:00")),
        iv("12:00")
    );
    let time = |s: &str| value(s, &DataType::Time);
    assert_eq!(eval(Add, &time("23:30"), &iv("1 hour")), time("00:30"));
    assert_eq!(eval(Sub, &time("00:30"), &iv("1 hour")), time("23:30"));
    assert_eq!(eval(Sub, &time("00:30"), &time("02:00")), iv("-01:30"));
    assert_eq!(eval(Add, &iv("1 day"), &iv("2 hours")), iv("1 day 02:00"));
    assert_eq!(eval(Sub, &iv("1 day"), &iv("2 hours")), iv("1 day -02:00"));
    assert_eq!(eval(Mul, &iv("1 hour"), &Value::Int32(3)), iv("03:00"));
    assert_eq!(
        eval(Mul, &Value::Float64(1.5), &iv("1 mon")),
        iv("1 mon 15 days")
    );
    assert_eq!(eval(Div, &iv("1 hour"), &dec("4")), iv("00:15"));
    assert_eq!(error(Div, &iv("1 hour"), &Value::Int32(0)).0, "22012");
    assert!(arithmetic(
        Add,
        &ts("2024-01-01"),
        &Value::Interval(Interval::new(i32::MAX, 0, 0))
    )
    .is_err());
    assert!(arithmetic(Add, &date("2024-01-01"), &Value::Int64(i64::MAX)).is_err());
    assert!(arithmetic(Sub, &date("2024-01-01"), &Value::Int64(i64::MIN)).is_err());
}

#[test]
fn negation() {
    assert_eq!(negate(&Value::Int32(5)).ok(), Some(Value::Int32(-5)));
    assert_eq!(
        negate(&Value::Int16(i16::MIN))
            .err()
            .map(|e| e.to_string())
            .as_deref(),
        Some("smallint out of range")
    );
    assert_eq!(
        negate(&Value::Int64(i64::MIN)).err().map(|e| e.sqlstate()),
        Some("22003")
    );
    assert_eq!(
        negate(&dec("1.50")).map(|v| v.to_string()).ok().as_deref(),
        Some("-1.50")
    );
    assert_eq!(
        negate(&Value::Float64(2.5)).ok(),
        Some(Value::Float64(-2.5))
    );
    assert_eq!(negate(&iv("1 day 01:00")).ok(), Some(iv("-1 days -01:00")));
    assert_eq!(
        negate(&Value::Bool(true)).err().map(|e| e.sqlstate()),
        Some("42883")
    );
}

proptest! {
    #[test]
    fn integer_ops_match_i128(a in any::<i32>(), b in any::<i32>()) {
        for op in [ArithOp::Add, ArithOp::Sub, ArithOp::Mul, ArithOp::Div, ArithOp::Mod] {
            let exact = match op {
                ArithOp::Add => Some(i128::from(a) + i128::from(b)),
                ArithOp::Sub => Some(i128::from(a) - i128::from(b)),
                ArithOp::Mul => Some(i128::from(a) * i128::from(b)),
                ArithOp::Div => (b != 0).then(|| i128::from(a) / i128::from(b)),
                _ => (b != 0).then(|| i128::from(a) % i128::from(b)),
            };
            let result = arithmetic(op, &Value::Int32(a), &Value::Int32(b));
            match (exact, result) {
                (None, Err(e)) => prop_assert_eq!(e, Error::DivisionByZero),
                (Some(x), Ok(Value::Int32(v))) => prop_assert_eq!(x, i128::from(v)),
                (Some(x), Err(e)) => {
                    prop_assert!(i32::try_from(x).is_err(), "{} {} {}: {}", a, op, b, e);
                    prop_assert_eq!(e.sqlstate(), "22003");
                }
                (x, r) => prop_assert!(false, "{} {} {}: expected {:?}, got {:?}", a, op, b, x, r),
            }
        }
    }

    #[test]
    fn timestamp_minus_timestamp_adds_back(a in 0i64..4_000_000_000_000_000, b in 0i64..4_000_000_000_000_000) {
        let at = |micros| DateTime::from_timestamp_micros(micros).map(|t| Value::Timestamp(t.naive_utc()));
        let (Some(x), Some(y)) = (at(a), at(b)) else { return Ok(()) };
        let difference = eval(ArithOp::Sub, &x, &y);
        prop_assert_eq!(eval(ArithOp::Add, &y, &difference), x);
    }

    #[test]
    fn date_plus_days_minus_date(days in -100_000i32..100_000) {
        let base = Value::Date(NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default());
        let shifted = eval(ArithOp::Add, &base, &Value::Int32(days));
        prop_assert_eq!(eval(ArithOp::Sub, &shifted, &base), Value::Int32(days));
    }
}

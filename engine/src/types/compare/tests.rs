//! Tests of the total order, hashing, SQL comparison and common types.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashSet;
use std::str::FromStr;
use std::sync::Arc;

use chrono::{NaiveDate, NaiveTime};
use proptest::prelude::*;

use super::*;
use crate::types::Interval;

fn hash_of(value: &Value) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

fn dec(text: &str) -> Value {
    Value::numeric(Decimal::from_str(text).unwrap_or_default())
}

fn assert_same(a: &Value, b: &Value) {
    assert_eq!(a, b, "{a:?} == {b:?}");
    assert_eq!(a.cmp(b), Ordering::Equal);
    assert_eq!(hash_of(a), hash_of(b), "hash of {a:?} and {b:?}");
}

#[test]
fn numbers_are_equal_across_variants() {
    let one = [
        Value::Int16(1),
        Value::Int32(1),
        Value::Int64(1),
        Value::Float32(1.0),
        Value::Float64(1.0),
        dec("1"),
        dec("1.000"),
    ];
    for a in &one {
        for b in &one {
            assert_same(a, b);
        }
    }
    assert_same(&Value::Float64(0.5), &dec("0.50"));
    assert_same(&Value::Float32(0.5), &Value::Float64(0.5));
    assert_same(&Value::Float64(-0.0), &Value::Int32(0));
    assert_same(&Value::Float64(1e20), &dec("100000000000000000000"));
    assert_same(&Value::Float64(f64::NAN), &Value::Float32(f32::NAN));
    assert_ne!(Value::Float64(0.1), dec("0.1"));
    assert_ne!(Value::Float32(0.1), Value::Float64(0.1));
    assert_eq!(
        Value::Int64(i64::MAX).cmp(&Value::Float64(9.223_372_036_854_776e18)),
        Ordering::Less
    );
}

#[test]
fn number_order() {
    let ascending = [
        Value::Float64(f64::NEG_INFINITY),
        Value::Int64(i64::MIN),
        dec("-1.5"),
        Value::Int32(-1),
        Value::Float32(-0.5),
        Value::Int16(0),
        dec("0.1"),
        Value::Float64(0.1),
        Value::Int32(1),
        Value::Float64(1.5),
        dec("2.25"),
        Value::Int64(i64::MAX),
        dec("1e30"),
        Value::Float64(f64::INFINITY),
        Value::Float64(f64::NAN),
    ];
    for pair in ascending.windows(2) {
        if let [a, b] = pair {
            assert_eq!(a.cmp(b), Ordering::Less, "{a:?} < {b:?}");
            assert_eq!(b.cmp(a), Ordering::Greater, "{b:?} > {a:?}");
        }
    }
}

#[test]
fn nulls_sort_last_and_equal_each_other() {
    assert_same(&Value::Null, &Value::Null);
    for v in [
        Value::Bool(true),
        Value::Float64(f64::NAN),
        Value::text("zzz"),
        Value::Json(Arc::from("1")),
    ] {
        assert_eq!(Value::Null.cmp(&v), Ordering::Greater);
        assert_eq!(v.cmp(&Value::Null), Ordering::Less);
    }
}

#[test]
fn other_types() {
    assert!(Value::text("B") < Value::text("a"));
    assert!(Value::text("a") < Value::text("ab"));
    assert!(Value::Bool(false) < Value::Bool(true));
    assert!(Value::Bytea(Arc::from(&[1u8][..])) < Value::Bytea(Arc::from(&[1u8, 0][..])));
    let date = NaiveDate::from_ymd_opt(2024, 1, 2).unwrap_or_default();
    let midnight = date.and_time(NaiveTime::MIN);
    assert_same(&Value::Date(date), &Value::Timestamp(midnight));
    assert_same(
        &Value::Timestamp(midnight),
        &Value::TimestampTz(midnight.and_utc()),
    );
    assert_same(
        &Value::Interval(Interval::new(1, 0, 0)),
        &Value::Interval(Interval::new(0, 30, 0)),
    );
    assert!(
        Value::Interval(Interval::new(0, 1, 0))
            < Value::Interval(Interval::new(0, 0, 86_400_000_001))
    );
    // Unrelated types order by type rank, consistently in both directions.
    assert_eq!(Value::Bool(true).cmp(&Value::Int32(0)), Ordering::Less);
    assert_eq!(Value::Int32(0).cmp(&Value::Bool(true)), Ordering::Greater);
    assert_ne!(Value::text("1"), Value::Int32(1));
    assert_ne!(Value::text("{}"), Value::Json(Arc::from("{}")));
}

#[test]
fn distinct_via_hash_set() {
    let values = [
        Value::Int32(1),
        Value::Int64(1),
        dec("1.0"),
        Value::Float64(1.0),
        Value::Null,
        Value::Null,
        Value::text("1"),
    ];
    let set: HashSet<Value> = values.into_iter().collect();
    assert_eq!(set.len(), 3);
}

#[test]
fn sql_comparison() {
    assert_eq!(sql_compare(&Value::Null, &Value::Int32(1)).ok(), Some(None));
    assert_eq!(sql_compare(&Value::Int32(1), &Value::Null).ok(), Some(None));
    assert_eq!(
        sql_compare(&Value::Int32(2), &dec("1.5")).ok(),
        Some(Some(Ordering::Greater))
    );
    assert_eq!(
        sql_compare(&Value::Float64(f64::NAN), &Value::Float64(f64::NAN)).ok(),
        Some(Some(Ordering::Equal))
    );
    assert_eq!(
        sql_compare(&Value::text("a"), &Value::text("b")).ok(),
        Some(Some(Ordering::Less))
    );
    // Floats meet other numbers as double precision, like PostgreSQL's implicit casts.
    assert_eq!(
        sql_compare(&Value::Float64(0.1), &dec("0.1")).ok(),
        Some(Some(Ordering::Equal))
    );
    assert_eq!(
        sql_compare(&Value::Float32(1.5), &dec("1.5")).ok(),
        Some(Some(Ordering::Equal))
    );
    assert_eq!(
        sql_compare(&dec("0.3"), &Value::Float64(0.1 + 0.2)).ok(),
        Some(Some(Ordering::Less))
    );
    assert_eq!(
        sql_compare(&Value::Int32(1), &Value::Float64(f64::NAN)).ok(),
        Some(Some(Ordering::Less))
    );
    assert_eq!(
        sql_compare(&dec("1e400"), &Value::Float64(1.0))
            .err()
            .map(|e| e.sqlstate()),
        Some("22003")
    );
    // Integers and numerics compare exactly.
    assert_eq!(
        sql_compare(&Value::Int64(i64::MAX), &dec("9223372036854775806")).ok(),
        Some(Some(Ordering::Greater))
    );
    let date = NaiveDate::from_ymd_opt(2024, 1, 2).unwrap_or_default();
    let later = date.and_hms_opt(1, 0, 0).unwrap_or_default();
    assert_eq!(
        sql_compare(&Value::Date(date), &Value::Timestamp(later)).ok(),
        Some(Some(Ordering::Less))
    );
    assert_eq!(
        sql_compare(
            &Value::TimestampTz(later.and_utc()),
            &Value::Timestamp(later)
        )
        .ok(),
        Some(Some(Ordering::Equal))
    );
    let err = sql_compare(&Value::Int32(1), &Value::text("1")).err();
    assert_eq!(err.as_ref().map(Error::sqlstate), Some("42883"));
    assert!(err
        .map(|e| e.to_string())
        .unwrap_or_default()
        .contains("integer = text"));
}

#[test]
fn common_types() {
    use DataType as T;
    let numeric = T::Numeric {
        precision: None,
        scale: None,
    };
    let cases = [
        (T::Unknown, T::Int32, Some(T::Int32)),
        (T::Date, T::Unknown, Some(T::Date)),
        (T::Unknown, T::Unknown, Some(T::Unknown)),
        (T::Int16, T::Int32, Some(T::Int32)),
        (T::Int64, T::Int16, Some(T::Int64)),
        (T::Int32, numeric.clone(), Some(numeric.clone())),
        (
            T::Numeric {
                precision: Some(5),
                scale: Some(2),
            },
            T::Numeric {
                precision: Some(7),
                scale: Some(2),
            },
            Some(numeric.clone()),
        ),
        (
            T::Numeric {
                precision: Some(5),
                scale: Some(2),
            },
            T::Numeric {
                precision: Some(5),
                scale: Some(2),
            },
            Some(T::Numeric {
                precision: Some(5),
                scale: Some(2),
            }),
        ),
        (T::Float32, T::Float32, Some(T::Float32)),
        (T::Float32, T::Int32, Some(T::Float64)),
        (numeric.clone(), T::Float64, Some(T::Float64)),
        (
            T::Varchar(Some(3)),
            T::Varchar(Some(5)),
            Some(T::Varchar(None)),
        ),
        (T::Varchar(Some(3)), T::Text, Some(T::Text)),
        (T::Char(2), T::Varchar(None), Some(T::Text)),
        (T::Date, T::Timestamp, Some(T::Timestamp)),
        (T::Timestamp, T::TimestampTz, Some(T::TimestampTz)),
        (T::TimestampTz, T::Date, Some(T::TimestampTz)),
        (T::Json, T::Jsonb, Some(T::Jsonb)),
        (T::Int32, T::Text, None),
        (T::Bool, T::Int32, None),
        (T::Uuid, T::Text, None),
        (T::Time, T::Timestamp, None),
    ];
    for (a, b, expected) in cases {
        assert_eq!(common_type(&a, &b), expected, "{a} with {b}");
    }
}

fn any_number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i16>().prop_map(Value::Int16),
        any::<i32>().prop_map(Value::Int32),
        any::<i64>().prop_map(Value::Int64),
        (-1000i64..1000).prop_map(Value::Int64),
        any::<f32>().prop_map(Value::Float32),
        any::<f64>().prop_map(Value::Float64),
        (-4000i32..4000).prop_map(|i| Value::Float64(f64::from(i) / 4.0)),
        (any::<i64>(), 0i64..6).prop_map(|(d, s)| Value::numeric(Decimal::new(d.into(), s))),
        (-4000i64..4000, 0i64..4).prop_map(|(d, s)| Value::numeric(Decimal::new(d.into(), s))),
    ]
}

proptest! {
    #[test]
    fn order_is_consistent_with_hash_and_antisymmetric(a in any_number(), b in any_number()) {
        let forward = a.cmp(&b);
        prop_assert_eq!(forward, b.cmp(&a).reverse());
        if forward == Ordering::Equal {
            prop_assert_eq!(hash_of(&a), hash_of(&b));
        }
        prop_assert_eq!(a == b, forward == Ordering::Equal);
    }

    #[test]
    fn order_is_transitive(a in any_number(), b in any_number(), c in any_number()) {
        for (x, y, z) in [(&a, &b, &c), (&a, &c, &b), (&b, &a, &c), (&b, &c, &a), (&c, &a, &b), (&c, &b, &a)] {
            if x <= y && y <= z {
                prop_assert!(x <= z, "{:?} <= {:?} <= {:?}", x, y, z);
            }
        }
    }

    #[test]
    fn integers_and_their_float_and_numeric_forms_agree(i in -(1i64 << 53)..(1i64 << 53)) {
        // Exactly representable in f64, so all three are the same number.
        #[allow(clippy::cast_precision_loss)]
        let float = Value::Float64(i as f64);
        let int = Value::Int64(i);
        let numeric = Value::numeric(Decimal::from(i).with_scale(2));
        prop_assert_eq!(&int, &float);
        prop_assert_eq!(&int, &numeric);
        prop_assert_eq!(hash_of(&int), hash_of(&float));
        prop_assert_eq!(hash_of(&int), hash_of(&numeric));
    }
}

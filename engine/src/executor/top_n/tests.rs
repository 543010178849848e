//! Tests of the bounded top-N heap against a stable full sort cut to the same length.

use proptest::prelude::*;

use super::*;
use crate::expr::Expr;
use crate::types::DataType;

/// Sort keys on columns 0 and 1 with the given (descending, nulls_first) settings.
fn sort_keys(settings: &[(bool, bool)]) -> Vec<SortKey> {
    settings
        .iter()
        .enumerate()
        .map(|(index, &(descending, nulls_first))| SortKey {
            expr: Expr::Column {
                index,
                data_type: DataType::Int64,
            },
            descending,
            nulls_first,
        })
        .collect()
}

/// Rows of two nullable key columns plus their input position as a third column.
fn rows(values: &[(Option<i64>, Option<i64>)]) -> Vec<Tuple> {
    values
        .iter()
        .enumerate()
        .map(|(position, &(a, b))| {
            let value = |v: Option<i64>| v.map_or(Value::Null, Value::Int64);
            vec![value(a), value(b), Value::Int64(position as i64)]
        })
        .collect()
}

fn top_n(keys: &[SortKey], rows: &[Tuple], capacity: usize) -> Vec<Tuple> {
    let mut top = TopN::new(keys, capacity);
    let mut key = Vec::new();
    for row in rows {
        key.clear();
        key.extend(row[..keys.len()].iter().cloned());
        top.offer(&mut key, row);
    }
    top.into_sorted_rows()
}

fn stable_sort_cut(keys: &[SortKey], rows: &[Tuple], capacity: usize) -> Vec<Tuple> {
    let mut sorted = rows.to_vec();
    sorted.sort_by(|a, b| compare_rows(&a[..keys.len()], &b[..keys.len()], keys));
    sorted.truncate(capacity);
    sorted
}

/// The input positions (third column) of rows, in order.
fn positions(rows: &[Tuple]) -> Vec<i64> {
    rows.iter()
        .map(|row| match row[2] {
            Value::Int64(position) => position,
            _ => -1,
        })
        .collect()
}

#[test]
fn ties_keep_input_order() {
    let keys = sort_keys(&[(false, false)]);
    let rows = rows(&[
        (Some(2), None),
        (Some(1), None),
        (Some(1), None),
        (Some(1), None),
    ]);
    assert_eq!(positions(&top_n(&keys, &rows, 2)), [1, 2]);
}

#[test]
fn descending_with_nulls_first() {
    let keys = sort_keys(&[(true, true)]);
    let rows = rows(&[
        (Some(1), None),
        (None, None),
        (Some(3), None),
        (Some(2), None),
    ]);
    assert_eq!(positions(&top_n(&keys, &rows, 3)), [1, 2, 3]);
}

#[test]
fn ascending_with_nulls_last() {
    let keys = sort_keys(&[(false, false)]);
    let rows = rows(&[(None, None), (Some(3), None), (Some(1), None)]);
    assert_eq!(positions(&top_n(&keys, &rows, 3)), [2, 1, 0]);
}

#[test]
fn second_key_breaks_ties() {
    let keys = sort_keys(&[(true, false), (false, false)]);
    let rows = rows(&[(Some(5), Some(2)), (Some(5), Some(1)), (Some(4), Some(0))]);
    assert_eq!(positions(&top_n(&keys, &rows, 2)), [1, 0]);
}

#[test]
fn capacity_zero_keeps_nothing() {
    let keys = sort_keys(&[(false, false)]);
    let rows = rows(&[(Some(1), None), (Some(0), None)]);
    assert!(top_n(&keys, &rows, 0).is_empty());
    assert!(TopN::new(&keys, 0).bar().is_none());
}

#[test]
fn capacity_beyond_input_keeps_everything_sorted() {
    let keys = sort_keys(&[(false, true)]);
    let rows = rows(&[(Some(2), None), (None, None), (Some(1), None)]);
    assert_eq!(positions(&top_n(&keys, &rows, 1000)), [1, 2, 0]);
}

#[test]
fn bar_is_the_worst_kept_key_once_full() {
    let keys = sort_keys(&[(false, false)]);
    let mut top = TopN::new(&keys, 2);
    for (value, row) in [5, 3, 4, 1].into_iter().zip(rows(&[(None, None); 4])) {
        assert_eq!(
            top.bar().is_some(),
            row[2] != Value::Int64(0) && row[2] != Value::Int64(1)
        );
        top.offer(&mut vec![Value::Int64(value)], &row);
    }
    assert_eq!(top.bar(), Some(&[Value::Int64(3)][..]));
}

fn nullable_small() -> impl Strategy<Value = Option<i64>> {
    prop::option::weighted(0.8, 0i64..6)
}

proptest! {
    #[test]
    fn equals_stable_sort_then_cut(
        values in prop::collection::vec((nullable_small(), nullable_small()), 0..120),
        settings in prop::collection::vec((any::<bool>(), any::<bool>()), 1..=2),
        capacity in 0usize..130,
    ) {
        let keys = sort_keys(&settings);
        let rows = rows(&values);
        prop_assert_eq!(top_n(&keys, &rows, capacity), stable_sort_cut(&keys, &rows, capacity));
    }
}

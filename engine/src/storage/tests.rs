//! Unit tests of MVCC visibility and write conflicts at the storage layer.

use std::sync::Arc;

use super::{KeyRange, RowVersion, TableData};
use crate::catalog::{ColumnDef, IndexDef, TableDef};
use crate::error::Error;
use crate::txn::Snapshot;
use crate::types::{DataType, Value};

fn def() -> TableDef {
    let column = |name: &str| ColumnDef {
        name: name.into(),
        data_type: DataType::Int32,
        nullable: true,
        default: None,
        identity: None,
        missing: Value::Null,
        dropped: false,
        hidden: false,
    };
    TableDef {
        schema: "public".into(),
        name: "t".into(),
        columns: vec![column("id"), column("v")],
        primary_key: vec![0],
        primary_key_name: Some("t_pkey".into()),
        indexes: vec![IndexDef {
            name: "t_v_key".into(),
            columns: vec![1],
            unique: true,
        }],
        checks: vec![],
        mirror: None,
    }
}

fn row(id: i32, v: i32) -> Box<[Value]> {
    vec![Value::Int32(id), Value::Int32(v)].into_boxed_slice()
}

fn key(id: i32) -> Box<[Value]> {
    vec![Value::Int32(id)].into_boxed_slice()
}

fn snap(txn_id: u64, ts: u64) -> Snapshot {
    Snapshot { txn_id, ts }
}

#[test]
fn uncommitted_rows_are_visible_only_to_their_writer() {
    let def = def();
    let mut data = TableData::new(1);
    let version = Arc::new(RowVersion::new(10, row(1, 1)));
    data.insert(&def, key(1), version.clone(), &snap(10, 1))
        .expect("insert");
    assert!(data.visible(&key(1), &snap(10, 1)).is_some());
    assert!(data.visible(&key(1), &snap(11, 1)).is_none());
    version.stamp_created(2);
    assert!(
        data.visible(&key(1), &snap(11, 1)).is_none(),
        "snapshot older than the commit"
    );
    assert!(data.visible(&key(1), &snap(12, 2)).is_some());
}

#[test]
fn second_updater_gets_serialization_failure() {
    let def = def();
    let mut data = TableData::new(1);
    let base = Arc::new(RowVersion::committed(1, 1, row(1, 1)));
    data.insert(&def, key(1), base.clone(), &snap(1, 0))
        .expect("insert");
    let first = Arc::new(RowVersion::new(20, row(1, 2)));
    data.update(&def, &key(1), &base, key(1), first, &snap(20, 1))
        .expect("first update");
    let second = Arc::new(RowVersion::new(21, row(1, 3)));
    let err = data
        .update(&def, &key(1), &base, key(1), second, &snap(21, 1))
        .expect_err("must conflict");
    assert_eq!(err, Error::SerializationFailure);
}

#[test]
fn duplicate_keys_and_unique_values_are_refused() {
    let def = def();
    let mut data = TableData::new(1);
    data.insert(
        &def,
        key(1),
        Arc::new(RowVersion::committed(1, 1, row(1, 5))),
        &snap(1, 0),
    )
    .expect("insert");
    let err = data
        .insert(
            &def,
            key(1),
            Arc::new(RowVersion::new(2, row(1, 6))),
            &snap(2, 1),
        )
        .expect_err("pk");
    assert_eq!(err.sqlstate(), "23505");
    let err = data
        .insert(
            &def,
            key(2),
            Arc::new(RowVersion::new(2, row(2, 5))),
            &snap(2, 1),
        )
        .expect_err("unique");
    assert!(err.to_string().contains("t_v_key"), "{err}");
}

#[test]
fn index_scan_finds_rows_under_their_current_values() {
    let def = def();
    let mut data = TableData::new(1);
    let base = Arc::new(RowVersion::committed(1, 1, row(1, 5)));
    data.insert(&def, key(1), base.clone(), &snap(1, 0))
        .expect("insert");
    let updated = Arc::new(RowVersion::new(2, row(1, 7)));
    data.update(&def, &key(1), &base, key(1), updated, &snap(2, 1))
        .expect("update");
    let mut out = super::ScanBatch::new(false);
    let old_value = KeyRange::prefix(vec![Value::Int32(5)].into_boxed_slice());
    data.scan_index(&def, 0, &old_value, &None, &snap(2, 1), 10, &mut out);
    assert!(out.versions.is_empty(), "the writer no longer sees v = 5");
    data.scan_index(&def, 0, &old_value, &None, &snap(3, 1), 10, &mut out);
    assert_eq!(out.versions.len(), 1, "other snapshots still see v = 5");
}

//! Tests that dead row versions and index entries are reclaimed once no snapshot can see them,
//! and kept while one still can.

use crate::api::Database;
use crate::types::Value;

fn run(session: &mut crate::api::Session, sql: &str) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    runtime.block_on(session.execute(sql, &[])).expect(sql);
}

/// (versions in the row map, entries in the first secondary index) of table `t`.
fn storage_size(db: &Database) -> (usize, usize) {
    let catalog = db.shared.catalog.read();
    let table = catalog.table(None, "t").expect("table t");
    let data = table.data.read();
    let versions = data.rows.values().map(|chain| chain.len()).sum();
    let entries = data.indexes.first().map_or(0, |i| i.entries.len());
    (versions, entries)
}

#[test]
fn updates_and_deletes_leave_no_dead_versions_behind() {
    let db = Database::open_in_memory();
    let mut session = db.connect();
    run(&mut session, "CREATE TABLE t (id INT PRIMARY KEY, v INT)");
    run(&mut session, "CREATE INDEX t_v ON t (v)");
    run(&mut session, "INSERT INTO t VALUES (1, 0), (2, 0)");
    for i in 1..=50 {
        run(&mut session, &format!("UPDATE t SET v = {i} WHERE id = 1"));
    }
    run(&mut session, "DELETE FROM t WHERE id = 2");
    // One last commit lets the vacuum run past the delete.
    run(&mut session, "UPDATE t SET v = v WHERE id = 1");
    assert_eq!(
        storage_size(&db),
        (1, 1),
        "one live version of row 1, one index entry"
    );
}

#[test]
fn versions_an_open_snapshot_can_see_are_kept() {
    let db = Database::open_in_memory();
    let mut writer = db.connect();
    let mut reader = db.connect();
    run(&mut writer, "CREATE TABLE t (id INT PRIMARY KEY, v INT)");
    run(&mut writer, "INSERT INTO t VALUES (1, 0)");
    run(&mut reader, "BEGIN");
    run(&mut reader, "SELECT * FROM t");
    for i in 1..=5 {
        run(&mut writer, &format!("UPDATE t SET v = {i} WHERE id = 1"));
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let rows = runtime
        .block_on(reader.query("SELECT v FROM t", &[]))
        .expect("read");
    assert_eq!(
        rows[0].values(),
        &[Value::Int32(0)],
        "the reader still sees its snapshot"
    );
    assert!(storage_size(&db).0 >= 2, "the reader's version is kept");
    run(&mut reader, "COMMIT");
    run(&mut writer, "UPDATE t SET v = 6 WHERE id = 1");
    assert_eq!(storage_size(&db).0, 1, "reclaimed once the reader is gone");
}

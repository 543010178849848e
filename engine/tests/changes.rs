//! The change feed: a follower sees the net row changes of every committed transaction after its
//! position, in commit order, and a snapshot taken after following meets the feed exactly.

use tether_engine::{ChangeKind, Database, Session, Value};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn run(rt: &tokio::runtime::Runtime, session: &mut Session, sql: &str) {
    rt.block_on(session.execute(sql, &[]))
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

fn ints(values: &[i32]) -> Vec<Value> {
    values.iter().map(|v| Value::Int32(*v)).collect()
}

#[test]
fn follower_sees_net_changes_in_commit_order() {
    let rt = runtime();
    let db = Database::open_in_memory();
    let mut s = db.connect();
    run(&rt, &mut s, "CREATE TABLE t (id INT PRIMARY KEY, v INT)");
    run(&rt, &mut s, "INSERT INTO t VALUES (1, 10)");
    let mut follower = db.follow_changes();
    run(&rt, &mut s, "INSERT INTO t VALUES (2, 20)");
    run(&rt, &mut s, "UPDATE t SET v = 11 WHERE id = 1");
    run(&rt, &mut s, "BEGIN");
    run(&rt, &mut s, "INSERT INTO t VALUES (3, 30)");
    run(&rt, &mut s, "UPDATE t SET v = 31 WHERE id = 3");
    run(&rt, &mut s, "INSERT INTO t VALUES (4, 40)");
    run(&rt, &mut s, "DELETE FROM t WHERE id = 4");
    run(&rt, &mut s, "DELETE FROM t WHERE id = 2");
    run(&rt, &mut s, "COMMIT");
    run(&rt, &mut s, "SELECT * FROM t");

    let batches = follower.poll(100);
    assert_eq!(
        batches.len(),
        3,
        "reads commit nothing, so three transactions"
    );
    assert!(
        batches.windows(2).all(|w| w[0].position < w[1].position),
        "commit order"
    );
    let insert = &batches[0].changes[0];
    assert_eq!(
        (insert.kind, insert.new.clone(), insert.old.clone()),
        (ChangeKind::Insert, Some(ints(&[2, 20])), None)
    );
    let update = &batches[1].changes[0];
    assert_eq!(update.kind, ChangeKind::Update);
    assert_eq!(
        (update.old.clone(), update.new.clone()),
        (Some(ints(&[1, 10])), Some(ints(&[1, 11])))
    );
    assert_ne!(update.old_version, update.new_version);
    // The block's net effect: row 3 inserted with its final value, row 4 never existed, row 2 gone.
    let block: Vec<_> = batches[2]
        .changes
        .iter()
        .map(|c| (c.kind, c.new.clone(), c.old.clone()))
        .collect();
    assert_eq!(
        block,
        vec![
            (ChangeKind::Insert, Some(ints(&[3, 31])), None),
            (ChangeKind::Delete, None, Some(ints(&[2, 20])))
        ]
    );
    assert_eq!(batches[2].changes[0].table, "t");
    assert_eq!(follower.position(), batches[2].position);
    assert!(follower.poll(100).is_empty(), "nothing new");
}

#[test]
fn snapshot_and_feed_meet_exactly() {
    let rt = runtime();
    let db = Database::open_in_memory();
    let mut writer = db.connect();
    let mut reader = db.connect();
    run(&rt, &mut writer, "CREATE TABLE t (id INT PRIMARY KEY)");
    run(&rt, &mut writer, "INSERT INTO t VALUES (1)");
    let mut follower = db.follow_changes();
    run(&rt, &mut writer, "INSERT INTO t VALUES (2)");
    run(&rt, &mut reader, "BEGIN");
    let snapshot: Vec<Vec<Value>> = rt
        .block_on(reader.query("SELECT id FROM t ORDER BY id", &[]))
        .expect("snapshot")
        .into_iter()
        .map(|r| r.into_values())
        .collect();
    let position = reader.snapshot_position().expect("inside a block");
    run(&rt, &mut writer, "INSERT INTO t VALUES (3)");
    follower.seek(position);
    let after: Vec<Vec<Value>> = follower
        .poll(100)
        .into_iter()
        .flat_map(|b| b.changes)
        .filter_map(|c| c.new)
        .collect();
    assert_eq!(
        snapshot,
        vec![ints(&[1]), ints(&[2])],
        "the snapshot holds 1 and 2"
    );
    assert_eq!(
        after,
        vec![ints(&[3])],
        "the feed after the snapshot holds exactly 3"
    );
}

#[test]
fn next_waits_for_a_commit() {
    let rt = runtime();
    let db = Database::open_in_memory();
    let mut s = db.connect();
    run(&rt, &mut s, "CREATE TABLE t (id INT PRIMARY KEY)");
    let mut follower = db.follow_changes();
    let writer = db.clone();
    let handle = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(50));
        let rt = runtime();
        let mut s = writer.connect();
        run(&rt, &mut s, "INSERT INTO t VALUES (7)");
    });
    let changes = rt.block_on(async {
        tokio::time::timeout(std::time::Duration::from_secs(10), follower.next())
            .await
            .expect("a commit arrives")
    });
    handle.join().expect("writer");
    assert_eq!(changes.changes[0].new, Some(ints(&[7])));
}

#[test]
fn nothing_is_kept_without_followers_and_acknowledged_entries_go() {
    let rt = runtime();
    let db = Database::open_in_memory();
    let mut s = db.connect();
    run(&rt, &mut s, "CREATE TABLE t (id INT PRIMARY KEY)");
    run(&rt, &mut s, "INSERT INTO t VALUES (1)");
    let mut follower = db.follow_changes();
    assert!(
        follower.poll(10).is_empty(),
        "commits before following are not in the feed"
    );
    run(&rt, &mut s, "INSERT INTO t VALUES (2)");
    let mut second = db.follow_changes();
    run(&rt, &mut s, "INSERT INTO t VALUES (3)");
    let first_batches = follower.poll(10);
    assert_eq!(first_batches.len(), 2);
    follower.acknowledge(follower.position());
    assert_eq!(
        second.poll(10).len(),
        1,
        "the second follower still gets what it has not acknowledged"
    );
    drop(follower);
    drop(second);
    let mut late = db.follow_changes();
    assert!(late.poll(10).is_empty());
}

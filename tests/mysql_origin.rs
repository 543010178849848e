//! The MySQL/MariaDB origin against a real, throwaway MariaDB server (started by the harness in
//! `tether_origins::testing`): mirror, stream, write-back, conflicts under both version
//! policies (a version column, or last-writer-wins without one), schema changes.

mod support;

use support::{assert_all_applied, outcome, rows, text, view_rows};

use std::sync::Arc;
use std::time::Duration;

use tether::{Database, Session, Value};
use tether_origins::mysql::driver::prelude::Queryable;
use tether_origins::mysql::driver::Conn;
use tether_origins::mysql::MySqlOrigin;
use tether_origins::testing::mariadb::MariaDbServer;

const FLUSH: Duration = Duration::from_secs(20);

/// A fresh origin database with `sql` run in it, and a local tether database with the origin
/// registered as `mysql:shop`.
async fn setup(prefix: &str, sql: &str) -> (Database, Session, Conn) {
    let server = MariaDbServer::shared().expect("MariaDB test server");
    let db = server.create_database(prefix).await.expect("database");
    let mut origin = server.connect(&db).await.expect("connect");
    origin.query_drop(sql).await.expect("origin setup");
    let local = Database::open_in_memory();
    local
        .register_origin(
            "mysql:shop",
            Arc::new(MySqlOrigin::new(&server.url(&db)).expect("origin")),
        )
        .unwrap();
    let session = local.connect();
    (local, session, origin)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mirrors_streams_and_writes_back() {
    let (local, mut session, mut origin) = setup(
        "basic",
        "CREATE TABLE items (id INT PRIMARY KEY, name TEXT, n INT);
         INSERT INTO items VALUES (1, 'a', 10), (2, 'b', 20);",
    )
    .await;
    session
        .execute(
            "CREATE REALTIME VIEW items AS SELECT * FROM items WITH (replication_origin = 'mysql:shop')",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(
        rows(&mut session, "SELECT id, name, n FROM items ORDER BY id").await,
        vec![
            vec![Value::Int32(1), text("a"), Value::Int32(10)],
            vec![Value::Int32(2), text("b"), Value::Int32(20)],
        ]
    );
    origin
        .query_drop(
            "START TRANSACTION; UPDATE items SET name = 'A' WHERE id = 1; INSERT INTO items VALUES (3, 'c', 30);
             DELETE FROM items WHERE id = 2; COMMIT;",
        )
        .await
        .unwrap();
    local.flush(FLUSH).await.unwrap();
    assert_eq!(
        rows(&mut session, "SELECT id, name FROM items ORDER BY id").await,
        vec![
            vec![Value::Int32(1), text("A")],
            vec![Value::Int32(3), text("c")]
        ]
    );
    session
        .execute("UPDATE items SET n = n + 1 WHERE id = 1", &[])
        .await
        .unwrap();
    local.flush(FLUSH).await.unwrap();
    let n: Option<i32> = origin
        .query_first("SELECT n FROM items WHERE id = 1")
        .await
        .unwrap();
    assert_eq!(n, Some(11));
    assert_eq!(
        rows(&mut session, "SELECT n FROM items WHERE id = 1").await,
        vec![vec![Value::Int32(11)]]
    );
    assert_eq!(
        rows(
            &mut session,
            "SELECT status, cas FROM tether.write_attempts"
        )
        .await,
        vec![vec![text("applied"), text("none: last writer wins")]]
    );
    let views = local.views();
    assert_eq!(views[0].state, "streaming");
    assert_eq!(views[0].version_key, None);
    let position = views[0].position.clone().expect("a position");
    assert!(position.starts_with("mariadb-bin."), "{position}");
}

/// A version key and a write policy to run a scenario under.
#[derive(Debug, Clone, Copy)]
struct Mode {
    version_column: bool,
    local_first: bool,
}

const MODES: [Mode; 4] = [
    Mode {
        version_column: false,
        local_first: false,
    },
    Mode {
        version_column: false,
        local_first: true,
    },
    Mode {
        version_column: true,
        local_first: false,
    },
    Mode {
        version_column: true,
        local_first: true,
    },
];

const ITEMS: &str =
    "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL, ver BIGINT NOT NULL DEFAULT 1);
     INSERT INTO items (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c');";

async fn view_setup(prefix: &str, mode: Mode) -> (Database, Session, Conn) {
    let (local, mut session, origin) = setup(prefix, ITEMS).await;
    session
        .execute(&view_ddl(mode), &[])
        .await
        .unwrap_or_else(|e| panic!("{mode:?}: {e}"));
    (local, session, origin)
}

fn view_ddl(mode: Mode) -> String {
    format!(
        "CREATE REALTIME VIEW items AS SELECT * FROM items WITH (replication_origin = 'mysql:shop'{}{})",
        if mode.version_column {
            ", upstream_mvcc_key = 'ver'"
        } else {
            ""
        },
        if mode.local_first {
            ", write_policy = 'local_first'"
        } else {
            ""
        }
    )
}

/// The origin's rows as (id, name).
async fn origin_rows(origin: &mut Conn) -> Vec<(i32, String)> {
    origin
        .query("SELECT id, name FROM items ORDER BY id")
        .await
        .unwrap()
}

/// Runs `origin_sql` at the origin and `local_sql` through the view while the view is paused,
/// then resumes and flushes; returns the attempts' (status, conflict).
async fn race(
    local: &Database,
    session: &mut Session,
    origin: &mut Conn,
    origin_sql: &str,
    local_sql: &str,
) -> Vec<Vec<Value>> {
    local.pause(None).unwrap();
    origin.query_drop(origin_sql).await.unwrap();
    session.execute_batch(local_sql).await.unwrap();
    local.resume(None).unwrap();
    local.flush(FLUSH).await.unwrap();
    rows(
        session,
        "SELECT status, conflict FROM tether.write_attempts ORDER BY id",
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conflict_kinds_under_both_version_policies_and_write_policies() {
    let bump = |mode: Mode| {
        if mode.version_column {
            ", ver = ver + 1"
        } else {
            ""
        }
    };
    for mode in MODES {
        // update vs update: a version column catches it; without one the last writer wins.
        let (local, mut session, mut origin) = view_setup("uu", mode).await;
        let got = race(
            &local,
            &mut session,
            &mut origin,
            &format!(
                "UPDATE items SET name = 'theirs'{} WHERE id = 1",
                bump(mode)
            ),
            "UPDATE items SET name = 'mine' WHERE id = 1",
        )
        .await;
        if mode.version_column {
            assert_eq!(
                got,
                vec![outcome("conflicted", Some("version_mismatch"))],
                "{mode:?}"
            );
            assert_eq!(origin_rows(&mut origin).await[0].1, "theirs", "{mode:?}");
        } else {
            assert_eq!(got, vec![outcome("applied", None)], "{mode:?}");
            assert_eq!(origin_rows(&mut origin).await[0].1, "mine", "{mode:?}");
        }
        assert_eq!(
            view_rows(&mut session).await,
            origin_rows(&mut origin).await,
            "{mode:?}"
        );

        // delete vs update: the row is gone either way.
        let (local, mut session, mut origin) = view_setup("du", mode).await;
        let got = race(
            &local,
            &mut session,
            &mut origin,
            "DELETE FROM items WHERE id = 1",
            "UPDATE items SET name = 'mine' WHERE id = 1",
        )
        .await;
        assert_eq!(
            got,
            vec![outcome("conflicted", Some("row_missing"))],
            "{mode:?}"
        );
        assert_eq!(
            view_rows(&mut session).await,
            origin_rows(&mut origin).await,
            "{mode:?}"
        );

        // update vs delete
        let (local, mut session, mut origin) = view_setup("ud", mode).await;
        let got = race(
            &local,
            &mut session,
            &mut origin,
            &format!(
                "UPDATE items SET name = 'theirs'{} WHERE id = 2",
                bump(mode)
            ),
            "DELETE FROM items WHERE id = 2",
        )
        .await;
        if mode.version_column {
            assert_eq!(
                got,
                vec![outcome("conflicted", Some("version_mismatch"))],
                "{mode:?}"
            );
        } else {
            assert_eq!(got, vec![outcome("applied", None)], "{mode:?}");
            assert!(origin_rows(&mut origin).await.iter().all(|r| r.0 != 2));
        }
        assert_eq!(
            view_rows(&mut session).await,
            origin_rows(&mut origin).await,
            "{mode:?}"
        );

        // insert vs insert
        let (local, mut session, mut origin) = view_setup("ii", mode).await;
        let got = race(
            &local,
            &mut session,
            &mut origin,
            "INSERT INTO items (id, name) VALUES (9, 'theirs')",
            "INSERT INTO items (id, name) VALUES (9, 'mine')",
        )
        .await;
        assert_eq!(
            got,
            vec![outcome("conflicted", Some("duplicate_key"))],
            "{mode:?}"
        );
        let origin_row = rows(&mut session, "SELECT origin_row FROM tether.write_attempts").await;
        assert!(
            format!("{origin_row:?}").contains("theirs"),
            "the conflict carries the origin's row: {origin_row:?}"
        );
        assert_eq!(
            view_rows(&mut session).await,
            origin_rows(&mut origin).await,
            "{mode:?}"
        );

        // and without a race, all three kinds of write apply
        let (local, mut session, mut origin) = view_setup("ok", mode).await;
        session
            .execute_batch(
                "UPDATE items SET name = 'x' WHERE id = 1;
                 UPDATE items SET name = 'y' WHERE id = 1;
                 UPDATE items SET name = 'c' WHERE id = 3;
                 DELETE FROM items WHERE id = 2;
                 INSERT INTO items (id, name) VALUES (4, 'd');",
            )
            .await
            .unwrap();
        local.flush(FLUSH).await.unwrap();
        assert_eq!(
            origin_rows(&mut origin).await,
            vec![(1, "y".into()), (3, "c".into()), (4, "d".into())],
            "{mode:?}"
        );
        assert_eq!(
            view_rows(&mut session).await,
            origin_rows(&mut origin).await,
            "{mode:?}"
        );
        assert_all_applied(&mut session, &format!("{mode:?}")).await;
        if mode.version_column {
            let vers: Vec<(i32, i64)> = origin
                .query("SELECT id, ver FROM items ORDER BY id")
                .await
                .unwrap();
            // Two updates bump the version twice; an update that changes nothing still bumps it.
            assert_eq!(vers, vec![(1, 3), (3, 2), (4, 1)], "{mode:?}");
            assert_eq!(
                rows(&mut session, "SELECT __version FROM items ORDER BY id").await,
                vec![vec![text("3")], vec![text("2")], vec![text("1")]],
                "{mode:?}"
            );
            assert_eq!(
                rows(
                    &mut session,
                    "SELECT new_version FROM tether.write_attempts WHERE op = 'update' ORDER BY id"
                )
                .await,
                vec![vec![text("2")], vec![text("3")], vec![text("2")]],
                "{mode:?}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transaction_conflicting_on_one_row_applies_on_none() {
    // With a version column: a concurrent update of one row.
    let (local, mut session, mut origin) = view_setup("txn", MODES[3]).await;
    let got = race(
        &local,
        &mut session,
        &mut origin,
        "UPDATE items SET name = 'theirs', ver = ver + 1 WHERE id = 2",
        "BEGIN; UPDATE items SET name = 'm1' WHERE id = 1; UPDATE items SET name = 'm2' WHERE id = 2;
         UPDATE items SET name = 'm3' WHERE id = 3; COMMIT;",
    )
    .await;
    assert_eq!(
        got,
        vec![
            outcome("conflicted", None),
            outcome("conflicted", Some("version_mismatch")),
            outcome("conflicted", None)
        ]
    );
    assert_eq!(
        origin_rows(&mut origin).await,
        vec![(1, "a".into()), (2, "theirs".into()), (3, "c".into())]
    );
    assert_eq!(
        view_rows(&mut session).await,
        origin_rows(&mut origin).await
    );

    // Last-writer-wins: a concurrent delete of one row.
    let (local, mut session, mut origin) = view_setup("txn_lww", MODES[1]).await;
    let got = race(
        &local,
        &mut session,
        &mut origin,
        "DELETE FROM items WHERE id = 3",
        "BEGIN; UPDATE items SET name = 'm1' WHERE id = 1; INSERT INTO items (id, name) VALUES (7, 'new');
         UPDATE items SET name = 'm3' WHERE id = 3; COMMIT;",
    )
    .await;
    assert_eq!(
        got,
        vec![
            outcome("conflicted", None),
            outcome("conflicted", None),
            outcome("conflicted", Some("row_missing"))
        ]
    );
    assert_eq!(
        origin_rows(&mut origin).await,
        vec![(1, "a".into()), (2, "b".into())]
    );
    assert_eq!(
        view_rows(&mut session).await,
        origin_rows(&mut origin).await
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_tether_instances_write_the_same_row() {
    for version_column in [true, false] {
        let mode = Mode {
            version_column,
            local_first: true,
        };
        let server = MariaDbServer::shared().unwrap();
        let db = server.create_database("two").await.unwrap();
        let mut origin = server.connect(&db).await.unwrap();
        origin.query_drop(ITEMS).await.unwrap();
        let mut replicas = Vec::new();
        for _ in 0..2 {
            let local = Database::open_in_memory();
            local
                .register_origin(
                    "mysql:shop",
                    Arc::new(MySqlOrigin::new(&server.url(&db)).unwrap()),
                )
                .unwrap();
            let mut session = local.connect();
            session.execute(&view_ddl(mode), &[]).await.unwrap();
            local.pause(None).unwrap();
            replicas.push((local, session));
        }
        for (i, (_, session)) in replicas.iter_mut().enumerate() {
            session
                .execute(
                    &format!("UPDATE items SET name = 'replica {i}' WHERE id = 1"),
                    &[],
                )
                .await
                .unwrap();
        }
        for (local, _) in &replicas {
            local.resume(None).unwrap();
            local.flush(FLUSH).await.unwrap();
        }
        for (local, _) in &replicas {
            local.flush(FLUSH).await.unwrap();
        }
        let (first, second) = replicas.split_at_mut(1);
        let a = rows(&mut first[0].1, "SELECT status FROM tether.write_attempts").await;
        let b = rows(&mut second[0].1, "SELECT status FROM tether.write_attempts").await;
        assert_eq!(a, vec![vec![text("applied")]]);
        if version_column {
            assert_eq!(b, vec![vec![text("conflicted")]]);
            assert_eq!(origin_rows(&mut origin).await[0].1, "replica 0");
        } else {
            // Without a version column the second write wins, and says it was unchecked.
            assert_eq!(b, vec![vec![text("applied")]]);
            assert_eq!(origin_rows(&mut origin).await[0].1, "replica 1");
        }
        for (_, session) in &mut replicas {
            assert_eq!(view_rows(session).await, origin_rows(&mut origin).await);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn truncate_empties_the_view_and_schema_changes_are_reported() {
    let (local, mut session, mut origin) = view_setup("ddl", MODES[2]).await;
    origin.query_drop("TRUNCATE TABLE items").await.unwrap();
    local.flush(FLUSH).await.unwrap();
    assert_eq!(view_rows(&mut session).await, vec![]);
    origin
        .query_drop("INSERT INTO items (id, name) VALUES (4, 'd')")
        .await
        .unwrap();
    local.flush(FLUSH).await.unwrap();
    assert_eq!(view_rows(&mut session).await, vec![(4, "d".into())]);
    origin
        .query_drop(
            "ALTER TABLE items ADD COLUMN extra INT; INSERT INTO items (id, name) VALUES (5, 'e');",
        )
        .await
        .unwrap();
    let error = view_error(&local).await;
    assert!(error.contains(".items changed at the origin"), "{error}");
    assert!(
        error.contains("ALTER TABLE items ADD COLUMN extra"),
        "{error}"
    );
    let flushed = local.flush(Duration::from_millis(300)).await.unwrap_err();
    assert_eq!(flushed.sqlstate(), "57014");
    assert!(flushed.to_string().contains("is in error"), "{flushed}");
    // The view's columns are all still there: REFRESH takes a new snapshot and streams again.
    session.execute("REFRESH VIEW items", &[]).await.unwrap();
    origin
        .query_drop("UPDATE items SET name = 'E', extra = 1 WHERE id = 5")
        .await
        .unwrap();
    local.flush(FLUSH).await.unwrap();
    assert_eq!(
        view_rows(&mut session).await,
        vec![(4, "d".into()), (5, "E".into())]
    );
    // A dropped column of the view cannot be followed.
    origin
        .query_drop("ALTER TABLE items DROP COLUMN name")
        .await
        .unwrap();
    let error = view_error(&local).await;
    assert!(error.contains("DROP COLUMN name"), "{error}");
    let refreshed = session
        .execute("REFRESH VIEW items", &[])
        .await
        .unwrap_err();
    assert!(
        refreshed.to_string().contains("column \"name\" is gone"),
        "{refreshed}"
    );
}

/// Waits for the first view to be in error; returns its message.
async fn view_error(local: &Database) -> String {
    for _ in 0..400 {
        let views = local.views();
        if views[0].state == "error" {
            if let Some(error) = views[0].last_error.clone() {
                return error;
            }
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the view never reported an error: {:?}", local.views());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_projected_filtered_view_with_a_qualified_name_and_unsigned_key() {
    let (local, mut session, mut origin) = setup(
        "proj",
        "CREATE TABLE orders (id BIGINT UNSIGNED PRIMARY KEY, customer VARCHAR(20), total DECIMAL(10,2));
         INSERT INTO orders VALUES (1, 'ada', 10.50), (2, 'bob', 99.99), (18446744073709551615, 'max', 0);",
    )
    .await;
    let db: Option<String> = origin.query_first("SELECT DATABASE()").await.unwrap();
    let db = db.unwrap();
    session
        .execute(
            &format!(
                "CREATE REALTIME VIEW big AS SELECT id, total FROM {db}.orders WHERE total > 50 \
                 WITH (replication_origin = 'mysql:shop')"
            ),
            &[],
        )
        .await
        .unwrap();
    origin
        .query_drop(
            "UPDATE orders SET total = 75 WHERE id = 1; UPDATE orders SET total = 1 WHERE id = 2",
        )
        .await
        .unwrap();
    local.flush(FLUSH).await.unwrap();
    assert_eq!(
        rows(&mut session, "SELECT id::text, total::text FROM big").await,
        vec![vec![text("1"), text("75.00")]]
    );
    session
        .execute("UPDATE big SET total = 80.25 WHERE id = 1", &[])
        .await
        .unwrap();
    local.flush(FLUSH).await.unwrap();
    let total: Option<String> = origin
        .query_first("SELECT CAST(total AS CHAR) FROM orders WHERE id = 1")
        .await
        .unwrap();
    assert_eq!(total.as_deref(), Some("80.25"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_sql_runs_at_the_origin() {
    use tether::{CommandTag, Origin};
    let server = MariaDbServer::shared().unwrap();
    let db = server.create_database("exec").await.unwrap();
    let origin = MySqlOrigin::new(&server.url(&db)).unwrap();
    let results = origin
        .execute(
            "CREATE TABLE t (id INT PRIMARY KEY, s TEXT); INSERT INTO t VALUES (1, 'x'), (2, NULL);
             SELECT id, s FROM t ORDER BY id; UPDATE t SET s = 'y'",
        )
        .await
        .unwrap();
    assert_eq!(results.len(), 4);
    assert_eq!(results[1].tag, CommandTag::Other("OK 2".into()));
    assert_eq!(results[2].tag, CommandTag::Select(2));
    assert_eq!(
        results[2]
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["id", "s"]
    );
    assert_eq!(
        results[2]
            .rows
            .iter()
            .map(|r| r.values().to_vec())
            .collect::<Vec<_>>(),
        vec![vec![text("1"), text("x")], vec![text("2"), Value::Null]]
    );
    assert_eq!(results[3].tag, CommandTag::Other("OK 2".into()));
    let e = origin.execute("SELECT * FROM missing").await.unwrap_err();
    assert!(e.to_string().contains("doesn't exist"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_snapshot_and_the_stream_meet_exactly_under_writes() {
    let (local, mut session, mut origin) = setup(
        "meet",
        "CREATE TABLE counter (id INT PRIMARY KEY, n INT NOT NULL); INSERT INTO counter VALUES (1, 0);",
    )
    .await;
    let server = MariaDbServer::shared().unwrap();
    let db: Option<String> = origin.query_first("SELECT DATABASE()").await.unwrap();
    let mut writer = server.connect(&db.unwrap()).await.unwrap();
    use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
    let stop = Arc::new(AtomicBool::new(false));
    let written = Arc::new(AtomicI32::new(0));
    let (stopped, count) = (stop.clone(), written.clone());
    let writes = tokio::spawn(async move {
        while !stopped.load(Ordering::Relaxed) {
            writer
                .query_drop("UPDATE counter SET n = n + 1 WHERE id = 1")
                .await
                .unwrap();
            count.fetch_add(1, Ordering::Relaxed);
        }
        count.load(Ordering::Relaxed)
    });
    let mut feed = local.follow_changes();
    while written.load(Ordering::Relaxed) < 5 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    session
        .execute(
            "CREATE REALTIME VIEW counter AS SELECT * FROM counter WITH (replication_origin = 'mysql:shop')",
            &[],
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    stop.store(true, Ordering::Relaxed);
    let last: i32 = writes.await.unwrap();
    local.flush(FLUSH).await.unwrap();
    // The snapshot's value, then every increment exactly once: no gap, no duplicate.
    let mut seen = Vec::new();
    loop {
        let batch = feed.poll(1000);
        if batch.is_empty() {
            break;
        }
        for change in batch.iter().flat_map(|t| &t.changes) {
            if change.table == "counter" {
                if let Some(Value::Int32(n)) = change.new.as_ref().and_then(|r| r.get(1)) {
                    seen.push(*n);
                }
            }
        }
    }
    let first = seen[0];
    assert!(
        first > 0 && first < last,
        "the view was created while the writes ran: {first} of {last}"
    );
    assert_eq!(seen, (first..=last).collect::<Vec<i32>>());
    assert_eq!(
        rows(&mut session, "SELECT n FROM counter").await,
        vec![vec![Value::Int32(last)]]
    );
}

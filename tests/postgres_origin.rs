//! The PostgreSQL origin against a real, throwaway PostgreSQL server (started by the harness in
//! `tether_origins::testing`): mirror, stream, write-back, conflicts, types.

mod support;

use support::{assert_all_applied, outcome, rows, text, view_rows};

use std::sync::Arc;
use std::time::Duration;

use tether::{Database, Session, Value};
use tether_origins::postgres::PostgresOrigin;
use tether_origins::testing::postgres::PostgresServer;

const FLUSH: Duration = Duration::from_secs(20);

/// A fresh origin database with `sql` run in it, and a local tether database with the origin
/// registered as `postgres:primary` (over TCP, or the Unix socket).
async fn setup(
    prefix: &str,
    sql: &str,
    socket: bool,
) -> (Database, Session, tokio_postgres::Client) {
    let server = PostgresServer::shared().expect("PostgreSQL test server");
    let db = server.create_database(prefix).await.expect("database");
    let client = server.connect(&db).await.expect("connect");
    client.batch_execute(sql).await.expect("origin setup");
    let url = if socket {
        server.socket_conninfo(&db)
    } else {
        server.url(&db)
    };
    let local = Database::open_in_memory();
    local
        .register_origin(
            "postgres:primary",
            Arc::new(PostgresOrigin::new(&url).expect("origin")),
        )
        .unwrap();
    let session = local.connect();
    (local, session, client)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mirrors_streams_and_writes_back() {
    let (local, mut session, origin) = setup(
        "basic",
        "CREATE TABLE items (id INT PRIMARY KEY, name TEXT, n INT);
         INSERT INTO items VALUES (1, 'a', 10), (2, 'b', 20);",
        false,
    )
    .await;
    session
        .execute(
            "CREATE REALTIME VIEW items AS SELECT * FROM items WITH (replication_origin = 'postgres:primary')",
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
        .batch_execute("UPDATE items SET name = 'A' WHERE id = 1; INSERT INTO items VALUES (3, 'c', 30); DELETE FROM items WHERE id = 2;")
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
    let xmin: String = origin
        .query_one("SELECT xmin::text FROM items WHERE id = 1", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(
        rows(&mut session, "SELECT __version FROM items WHERE id = 1").await,
        vec![vec![text(&xmin)]]
    );
    session
        .execute("UPDATE items SET n = n + 1 WHERE id = 1", &[])
        .await
        .unwrap();
    local.flush(FLUSH).await.unwrap();
    let n: i32 = origin
        .query_one("SELECT n FROM items WHERE id = 1", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 11);
    assert_eq!(
        rows(&mut session, "SELECT n FROM items WHERE id = 1").await,
        vec![vec![Value::Int32(11)]]
    );
    assert_eq!(
        rows(&mut session, "SELECT status FROM tether.write_attempts").await,
        vec![vec![text("applied")]]
    );
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
    "CREATE TABLE items (id INT PRIMARY KEY, name TEXT NOT NULL, ver BIGINT NOT NULL DEFAULT 1);
     INSERT INTO items (id, name) VALUES (1, 'a'), (2, 'b'), (3, 'c');";

async fn view_setup(prefix: &str, mode: Mode) -> (Database, Session, tokio_postgres::Client) {
    let (local, mut session, origin) = setup(prefix, ITEMS, mode.local_first).await;
    session
        .execute(&view_ddl(mode), &[])
        .await
        .unwrap_or_else(|e| panic!("{mode:?}: {e}"));
    (local, session, origin)
}

fn view_ddl(mode: Mode) -> String {
    format!(
        "CREATE REALTIME VIEW items AS SELECT * FROM items WITH (replication_origin = 'postgres:primary'{}{})",
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
async fn origin_rows(origin: &tokio_postgres::Client) -> Vec<(i32, String)> {
    origin
        .query("SELECT id, name FROM items ORDER BY id", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

/// Runs `origin_sql` at the origin and `local_sql` through the view while the view is paused,
/// then resumes and flushes; returns the attempt's (status, conflict).
async fn race(
    local: &Database,
    session: &mut Session,
    origin: &tokio_postgres::Client,
    origin_sql: &str,
    local_sql: &str,
) -> Vec<Vec<Value>> {
    local.pause(None).unwrap();
    origin.batch_execute(origin_sql).await.unwrap();
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
async fn conflict_kinds_under_every_version_key_and_policy() {
    let bump = |mode: Mode| {
        if mode.version_column {
            ", ver = ver + 1"
        } else {
            ""
        }
    };
    for mode in MODES {
        // update vs update
        let (local, mut session, origin) = view_setup("uu", mode).await;
        let got = race(
            &local,
            &mut session,
            &origin,
            &format!(
                "UPDATE items SET name = 'theirs'{} WHERE id = 1",
                bump(mode)
            ),
            "UPDATE items SET name = 'mine' WHERE id = 1",
        )
        .await;
        assert_eq!(
            got,
            vec![outcome("conflicted", Some("version_mismatch"))],
            "{mode:?}"
        );
        assert_eq!(origin_rows(&origin).await[0].1, "theirs", "{mode:?}");
        assert_eq!(
            view_rows(&mut session).await,
            origin_rows(&origin).await,
            "{mode:?}"
        );

        // delete vs update
        let (local, mut session, origin) = view_setup("du", mode).await;
        let got = race(
            &local,
            &mut session,
            &origin,
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
            origin_rows(&origin).await,
            "{mode:?}"
        );

        // update vs delete
        let (local, mut session, origin) = view_setup("ud", mode).await;
        let got = race(
            &local,
            &mut session,
            &origin,
            &format!(
                "UPDATE items SET name = 'theirs'{} WHERE id = 2",
                bump(mode)
            ),
            "DELETE FROM items WHERE id = 2",
        )
        .await;
        assert_eq!(
            got,
            vec![outcome("conflicted", Some("version_mismatch"))],
            "{mode:?}"
        );
        assert_eq!(
            view_rows(&mut session).await,
            origin_rows(&origin).await,
            "{mode:?}"
        );

        // insert vs insert
        let (local, mut session, origin) = view_setup("ii", mode).await;
        let got = race(
            &local,
            &mut session,
            &origin,
            "INSERT INTO items (id, name) VALUES (9, 'theirs')",
            "INSERT INTO items (id, name) VALUES (9, 'mine')",
        )
        .await;
        assert_eq!(
            got,
            vec![outcome("conflicted", Some("duplicate_key"))],
            "{mode:?}"
        );
        assert_eq!(
            view_rows(&mut session).await,
            origin_rows(&origin).await,
            "{mode:?}"
        );

        // and without a race, all three kinds of write apply
        let (local, mut session, origin) = view_setup("ok", mode).await;
        session
            .execute_batch(
                "UPDATE items SET name = 'x' WHERE id = 1;
                 UPDATE items SET name = 'y' WHERE id = 1;
                 DELETE FROM items WHERE id = 2;
                 INSERT INTO items (id, name) VALUES (4, 'd');",
            )
            .await
            .unwrap();
        local.flush(FLUSH).await.unwrap();
        assert_eq!(
            origin_rows(&origin).await,
            vec![(1, "y".into()), (3, "c".into()), (4, "d".into())],
            "{mode:?}"
        );
        assert_eq!(
            view_rows(&mut session).await,
            origin_rows(&origin).await,
            "{mode:?}"
        );
        assert_all_applied(&mut session, &format!("{mode:?}")).await;
        if mode.version_column {
            let ver: i64 = origin
                .query_one("SELECT ver FROM items WHERE id = 1", &[])
                .await
                .unwrap()
                .get(0);
            assert_eq!(ver, 3, "two updates bump the version twice");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transaction_conflicting_on_one_row_applies_on_none() {
    let (local, mut session, origin) = view_setup("txn", MODES[1]).await;
    let got = race(
        &local,
        &mut session,
        &origin,
        "UPDATE items SET name = 'theirs' WHERE id = 2",
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
        origin_rows(&origin).await,
        vec![(1, "a".into()), (2, "theirs".into()), (3, "c".into())]
    );
    assert_eq!(view_rows(&mut session).await, origin_rows(&origin).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_tether_instances_write_the_same_row() {
    let server = PostgresServer::shared().unwrap();
    let db = server.create_database("two").await.unwrap();
    let origin = server.connect(&db).await.unwrap();
    origin.batch_execute(ITEMS).await.unwrap();
    let mut replicas = Vec::new();
    for _ in 0..2 {
        let local = Database::open_in_memory();
        local
            .register_origin(
                "postgres:primary",
                Arc::new(PostgresOrigin::new(&server.url(&db)).unwrap()),
            )
            .unwrap();
        let mut session = local.connect();
        session.execute(&view_ddl(MODES[1]), &[]).await.unwrap();
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
    assert_eq!(b, vec![vec![text("conflicted")]]);
    assert_eq!(origin_rows(&origin).await[0].1, "replica 0");
    for (_, session) in &mut replicas {
        assert_eq!(view_rows(session).await, origin_rows(&origin).await);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_row_written_in_a_savepoint_is_no_false_conflict() {
    let (local, mut session, origin) = view_setup("savepoint", MODES[0]).await;
    origin
        .batch_execute(
            "BEGIN; UPDATE items SET name = 'outer' WHERE id = 3; SAVEPOINT s;
             UPDATE items SET name = 'in savepoint' WHERE id = 1; RELEASE s; COMMIT;",
        )
        .await
        .unwrap();
    local.flush(FLUSH).await.unwrap();
    let real_xmin: String = origin
        .query_one("SELECT xmin::text FROM items WHERE id = 1", &[])
        .await
        .unwrap()
        .get(0);
    let streamed = rows(&mut session, "SELECT __version FROM items WHERE id = 1").await;
    assert_ne!(
        streamed,
        vec![vec![text(&real_xmin)]],
        "the stream reports the top-level xid"
    );
    session
        .execute("UPDATE items SET name = 'after' WHERE id = 1", &[])
        .await
        .unwrap();
    local.flush(FLUSH).await.unwrap();
    assert_eq!(
        rows(&mut session, "SELECT status FROM tether.write_attempts").await,
        vec![vec![text("applied")]]
    );
    assert_eq!(origin_rows(&origin).await[0].1, "after");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unchanged_toasted_value_is_kept() {
    let (local, mut session, origin) = setup(
        "toast",
        "CREATE TABLE docs (id INT PRIMARY KEY, body TEXT, n INT);
         ALTER TABLE docs ALTER COLUMN body SET STORAGE EXTERNAL;
         INSERT INTO docs SELECT 1, string_agg(md5(i::text), ''), 0 FROM generate_series(1, 4000) i;",
        false,
    )
    .await;
    session
        .execute(
            "CREATE REALTIME VIEW docs AS SELECT * FROM docs WITH (replication_origin = 'postgres:primary')",
            &[],
        )
        .await
        .unwrap();
    origin
        .batch_execute("UPDATE docs SET n = n + 1 WHERE id = 1")
        .await
        .unwrap();
    local.flush(FLUSH).await.unwrap();
    assert_eq!(
        rows(&mut session, "SELECT length(body), n FROM docs").await,
        vec![vec![Value::Int32(128_000), Value::Int32(1)]]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn truncate_empties_the_view_and_schema_changes_are_reported() {
    let (local, mut session, origin) = view_setup("ddl", MODES[0]).await;
    origin.batch_execute("TRUNCATE items").await.unwrap();
    local.flush(FLUSH).await.unwrap();
    assert_eq!(view_rows(&mut session).await, vec![]);
    origin
        .batch_execute(
            "ALTER TABLE items ADD COLUMN extra INT; INSERT INTO items (id, name) VALUES (5, 'e');",
        )
        .await
        .unwrap();
    let mut error = None;
    for _ in 0..200 {
        let views = local.views();
        if views[0].state == "error" {
            error = views[0].last_error.clone();
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let error = error.expect("the view reports the schema change");
    assert!(error.contains("columns of public.items changed"), "{error}");
    let flushed = local.flush(Duration::from_millis(300)).await.unwrap_err();
    assert_eq!(flushed.sqlstate(), "57014");
    assert!(flushed.to_string().contains("is in error"), "{flushed}");
}

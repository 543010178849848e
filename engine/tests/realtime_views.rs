//! Realtime and materialized views over the in-process origin: DDL, projections, filters,
//! version columns, refusals, the control plane, events, unreachable origins.

use std::sync::Arc;
use std::time::Duration;

use tether_engine::{Database, Error, Session, SyncEvent, TetherOrigin, Value};

const FLUSH: Duration = Duration::from_secs(10);

/// An origin with `items(id, name, n, ver)` holding three rows, and a local database that has
/// it registered as `tether:demo`.
struct Fixture {
    local: Database,
    session: Session,
    origin: TetherOrigin,
    origin_session: Session,
}

async fn fixture() -> Fixture {
    let origin_db = Database::open_in_memory();
    let mut origin_session = origin_db.connect();
    origin_session
        .execute_batch(
            "CREATE TABLE items (id INT PRIMARY KEY, name TEXT NOT NULL, n INT CHECK (n >= 0), ver BIGINT NOT NULL DEFAULT 1);
             INSERT INTO items (id, name, n) VALUES (1, 'a', 10), (2, 'b', 20), (3, 'c', 30);",
        )
        .await
        .unwrap();
    let origin = TetherOrigin::new(origin_db);
    let local = Database::open_in_memory();
    local
        .register_origin("tether:demo", Arc::new(origin.clone()))
        .unwrap();
    let session = local.connect();
    Fixture {
        local,
        session,
        origin,
        origin_session,
    }
}

async fn rows(session: &mut Session, sql: &str) -> Vec<Vec<Value>> {
    session
        .query(sql, &[])
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .into_iter()
        .map(|r| r.into_values())
        .collect()
}

async fn error(session: &mut Session, sql: &str) -> Error {
    match session.execute_batch(sql).await {
        Ok(_) => panic!("{sql} succeeded"),
        Err(e) => e,
    }
}

fn text(s: &str) -> Value {
    Value::text(s)
}

fn int(n: i32) -> Value {
    Value::Int32(n)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn projected_and_filtered_view_follows_its_filter() {
    let mut f = fixture().await;
    f.session
        .execute_batch(
            "CREATE REALTIME VIEW big (key, label) AS SELECT id, upper(name) FROM items WHERE n > 15
             WITH (replication_origin = 'tether:demo')",
        )
        .await
        .unwrap();
    assert_eq!(
        rows(&mut f.session, "SELECT * FROM big ORDER BY key").await,
        vec![vec![int(2), text("B")], vec![int(3), text("C")]]
    );
    f.origin_session
        .execute_batch("UPDATE items SET n = 0 WHERE id = 2; UPDATE items SET n = 99 WHERE id = 1;")
        .await
        .unwrap();
    f.local.flush(FLUSH).await.unwrap();
    assert_eq!(
        rows(&mut f.session, "SELECT * FROM big ORDER BY key").await,
        vec![vec![int(1), text("A")], vec![int(3), text("C")]]
    );
    let e = error(&mut f.session, "UPDATE big SET label = 'x' WHERE key = 1").await;
    assert_eq!(e.sqlstate(), "55000", "{e}");
    assert!(
        e.to_string().contains("computed by the view's query"),
        "{e}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn view_without_the_key_is_read_only() {
    let mut f = fixture().await;
    f.session
        .execute_batch(
            "CREATE REALTIME VIEW names AS SELECT name FROM items WITH (replication_origin = 'tether:demo')",
        )
        .await
        .unwrap();
    assert_eq!(
        rows(&mut f.session, "SELECT * FROM names ORDER BY name").await,
        vec![vec![text("a")], vec![text("b")], vec![text("c")]]
    );
    let e = error(&mut f.session, "DELETE FROM names").await;
    assert_eq!(e.sqlstate(), "55000");
    assert!(e.to_string().contains("primary key (id)"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn custom_version_column_is_checked_and_bumped() {
    let mut f = fixture().await;
    f.session
        .execute_batch(
            "CREATE REALTIME VIEW items AS SELECT * FROM items
             WITH (replication_origin = 'tether:demo', upstream_mvcc_key = 'ver')",
        )
        .await
        .unwrap();
    assert_eq!(
        rows(&mut f.session, "SELECT __version FROM items WHERE id = 1").await,
        vec![vec![text("1")]]
    );
    f.session
        .execute("UPDATE items SET name = 'mine' WHERE id = 1", &[])
        .await
        .unwrap();
    f.local.flush(FLUSH).await.unwrap();
    assert_eq!(
        rows(
            &mut f.origin_session,
            "SELECT name, ver FROM items WHERE id = 1"
        )
        .await,
        vec![vec![text("mine"), Value::Int64(2)]]
    );
    assert_eq!(
        rows(
            &mut f.session,
            "SELECT name, ver, __version FROM items WHERE id = 1"
        )
        .await,
        vec![vec![text("mine"), Value::Int64(2), text("2")]]
    );
    // Someone else bumps the version: our stale write conflicts.
    f.local.pause(None).unwrap();
    f.origin_session
        .execute("UPDATE items SET n = 11, ver = ver + 1 WHERE id = 1", &[])
        .await
        .unwrap();
    f.session
        .execute("UPDATE items SET name = 'stale' WHERE id = 1", &[])
        .await
        .unwrap();
    f.local.resume(None).unwrap();
    f.local.flush(FLUSH).await.unwrap();
    assert_eq!(
        rows(
            &mut f.session,
            "SELECT status, conflict, base_version, cas FROM tether.write_attempts ORDER BY id DESC LIMIT 1"
        )
        .await,
        vec![vec![
            text("conflicted"),
            text("version_mismatch"),
            text("2"),
            text("version column ver")
        ]]
    );
    let e = error(&mut f.session, "UPDATE items SET ver = 7 WHERE id = 1").await;
    assert!(e.to_string().contains("version key"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn materialized_view_changes_on_refresh() {
    let mut f = fixture().await;
    f.session
        .execute_batch(
            "CREATE MATERIALIZED VIEW snap AS SELECT id, name FROM items WITH (replication_origin = 'tether:demo')",
        )
        .await
        .unwrap();
    f.origin_session
        .execute("UPDATE items SET name = 'z' WHERE id = 3", &[])
        .await
        .unwrap();
    f.local.flush(FLUSH).await.unwrap();
    assert_eq!(
        rows(&mut f.session, "SELECT name FROM snap WHERE id = 3").await,
        vec![vec![text("c")]]
    );
    let e = error(&mut f.session, "REFRESH REALTIME VIEW snap").await;
    assert!(e.to_string().contains("materialized view"), "{e}");
    f.session
        .execute("REFRESH MATERIALIZED VIEW snap", &[])
        .await
        .unwrap();
    assert_eq!(
        rows(&mut f.session, "SELECT name FROM snap WHERE id = 3").await,
        vec![vec![text("z")]]
    );
    assert_eq!(
        rows(&mut f.session, "SELECT mode, state FROM tether.views").await,
        vec![vec![text("materialized"), text("ready")]]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_local_transaction_is_one_origin_transaction() {
    let mut f = fixture().await;
    f.session
        .execute_batch(
            "CREATE REALTIME VIEW items AS SELECT * FROM items WITH (replication_origin = 'tether:demo')",
        )
        .await
        .unwrap();
    f.local.pause(None).unwrap();
    f.origin_session
        .execute("UPDATE items SET name = 'theirs' WHERE id = 2", &[])
        .await
        .unwrap();
    f.session
        .execute_batch(
            "BEGIN;
             UPDATE items SET n = 1 WHERE id = 1;
             UPDATE items SET n = 2 WHERE id = 2;
             UPDATE items SET n = 3 WHERE id = 3;
             COMMIT;",
        )
        .await
        .unwrap();
    f.local.resume(None).unwrap();
    f.local.flush(FLUSH).await.unwrap();
    assert_eq!(
        rows(&mut f.origin_session, "SELECT id, n FROM items ORDER BY id").await,
        vec![
            vec![int(1), int(10)],
            vec![int(2), int(20)],
            vec![int(3), int(30)]
        ]
    );
    assert_eq!(
        rows(
            &mut f.session,
            "SELECT row_key->>'id', status, conflict FROM tether.write_attempts ORDER BY id"
        )
        .await,
        vec![
            vec![text("1"), text("conflicted"), Value::Null],
            vec![text("2"), text("conflicted"), text("version_mismatch")],
            vec![text("3"), text("conflicted"), Value::Null],
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inserts_find_duplicates_locally_and_at_the_origin() {
    let mut f = fixture().await;
    f.session
        .execute_batch(
            "CREATE REALTIME VIEW items AS SELECT * FROM items WITH (replication_origin = 'tether:demo')",
        )
        .await
        .unwrap();
    let e = error(
        &mut f.session,
        "INSERT INTO items (id, name) VALUES (1, 'dup')",
    )
    .await;
    assert_eq!(e.sqlstate(), "23505", "{e}");
    f.local.pause(None).unwrap();
    f.origin_session
        .execute("INSERT INTO items (id, name) VALUES (7, 'theirs')", &[])
        .await
        .unwrap();
    f.session
        .execute("INSERT INTO items (id, name, n) VALUES (7, 'mine', 1)", &[])
        .await
        .unwrap();
    let e = error(&mut f.session, "INSERT INTO items (name) VALUES ('no key')").await;
    assert!(e.to_string().contains("primary key column \"id\""), "{e}");
    f.local.resume(None).unwrap();
    f.local.flush(FLUSH).await.unwrap();
    assert_eq!(
        rows(
            &mut f.session,
            "SELECT status, conflict, origin_row->>'name' FROM tether.write_attempts"
        )
        .await,
        vec![vec![
            text("conflicted"),
            text("duplicate_key"),
            text("theirs")
        ]]
    );
    assert_eq!(
        rows(&mut f.session, "SELECT name FROM items WHERE id = 7").await,
        vec![vec![text("theirs")]]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn origin_constraint_errors_reject_for_good() {
    let mut f = fixture().await;
    f.session
        .execute_batch(
            "CREATE REALTIME VIEW items AS SELECT * FROM items WITH (replication_origin = 'tether:demo')",
        )
        .await
        .unwrap();
    f.session
        .execute("UPDATE items SET n = -5 WHERE id = 1", &[])
        .await
        .unwrap();
    f.local.flush(FLUSH).await.unwrap();
    let status = rows(
        &mut f.session,
        "SELECT status, attempts, last_error LIKE '%check constraint%' FROM tether.write_attempts",
    )
    .await;
    assert_eq!(
        status,
        vec![vec![text("rejected"), Value::Int32(1), Value::Bool(true)]]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_origin_keeps_writes_pending_and_retries_them() {
    let mut f = fixture().await;
    f.session
        .execute_batch(
            "CREATE REALTIME VIEW items AS SELECT * FROM items WITH (replication_origin = 'tether:demo', write_policy = 'local_first')",
        )
        .await
        .unwrap();
    let mut events = f.local.sync_events();
    f.origin.set_online(false);
    f.session
        .execute("UPDATE items SET name = 'offline edit' WHERE id = 1", &[])
        .await
        .unwrap();
    // The dispatcher tries, fails, and retries on its own timer.
    let mut tries = 0;
    for _ in 0..200 {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let r = rows(
            &mut f.session,
            "SELECT status, attempts, last_error FROM tether.write_attempts",
        )
        .await;
        if let Value::Int32(n) = r[0][1] {
            tries = n;
        }
        if tries >= 2 {
            assert_eq!(r[0][0], text("pending"));
            assert!(matches!(&r[0][2], Value::Text(t) if t.contains("offline")));
            break;
        }
    }
    assert!(tries >= 2, "the dispatcher retried {tries} times");
    assert_eq!(
        rows(
            &mut f.session,
            "SELECT name, __staged FROM items WHERE id = 1"
        )
        .await,
        vec![vec![text("offline edit"), Value::Bool(true)]]
    );
    f.origin.set_online(true);
    // Nobody calls anything: the retry timer sends it.
    let mut applied = false;
    for _ in 0..300 {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let r = rows(&mut f.session, "SELECT status FROM tether.write_attempts").await;
        if r[0][0] == text("applied") {
            applied = true;
            break;
        }
    }
    assert!(applied, "the write was not retried");
    f.local.flush(FLUSH).await.unwrap();
    assert_eq!(
        rows(
            &mut f.session,
            "SELECT name, __staged FROM items WHERE id = 1"
        )
        .await,
        vec![vec![text("offline edit"), Value::Bool(false)]]
    );
    let mut seen = Vec::new();
    while let Some(event) = events.try_next() {
        seen.push(event);
    }
    assert!(seen
        .iter()
        .any(|e| matches!(e, SyncEvent::OriginDisconnected { .. })));
    assert!(seen
        .iter()
        .any(|e| matches!(e, SyncEvent::OriginConnected { .. })));
    assert!(seen.iter().any(|e| matches!(e, SyncEvent::Applied { .. })));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conflict_events_carry_three_rows() {
    let mut f = fixture().await;
    f.session
        .execute_batch(
            "CREATE REALTIME VIEW items AS SELECT id, name FROM items WITH (replication_origin = 'tether:demo', write_policy = 'local_first')",
        )
        .await
        .unwrap();
    let mut events = f.local.sync_events();
    f.local.pause(Some("items")).unwrap();
    f.origin_session
        .execute("DELETE FROM items WHERE id = 3", &[])
        .await
        .unwrap();
    f.session
        .execute("UPDATE items SET name = 'gone?' WHERE id = 3", &[])
        .await
        .unwrap();
    f.local.resume(Some("items")).unwrap();
    f.local.flush(FLUSH).await.unwrap();
    let conflict = std::iter::from_fn(|| events.try_next())
        .find(|e| matches!(e, SyncEvent::Conflict { .. }))
        .expect("a conflict event");
    let SyncEvent::Conflict {
        kind,
        base_row,
        written_row,
        origin_row,
        ..
    } = conflict
    else {
        unreachable!()
    };
    assert_eq!(kind, "row_missing");
    assert_eq!(base_row.unwrap()["name"], "c");
    assert_eq!(written_row.unwrap()["name"], "gone?");
    assert_eq!(origin_row, None);
    // The staged row gives way to the origin's state: the row is gone.
    assert_eq!(
        rows(&mut f.session, "SELECT count(*) FROM items WHERE id = 3").await,
        vec![vec![Value::Int64(0)]]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rolled_back_staging_restores_the_origin_row() {
    let mut f = fixture().await;
    f.session
        .execute_batch(
            "CREATE REALTIME VIEW items AS SELECT id, name FROM items WITH (replication_origin = 'tether:demo', write_policy = 'local_first')",
        )
        .await
        .unwrap();
    f.session
        .execute_batch("BEGIN; UPDATE items SET name = 'tentative' WHERE id = 1;")
        .await
        .unwrap();
    // The origin changes the row while our transaction holds it staged.
    f.origin_session
        .execute("UPDATE items SET name = 'origin' WHERE id = 1", &[])
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    f.session.execute("ROLLBACK", &[]).await.unwrap();
    f.local.flush(FLUSH).await.unwrap();
    assert_eq!(
        rows(
            &mut f.session,
            "SELECT name, __staged FROM items WHERE id = 1"
        )
        .await,
        vec![vec![text("origin"), Value::Bool(false)]]
    );
    assert_eq!(
        rows(&mut f.session, "SELECT count(*) FROM tether.write_attempts").await,
        vec![vec![Value::Int64(0)]]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn control_plane_is_read_only_but_purgeable() {
    let mut f = fixture().await;
    f.session
        .execute_batch(
            "CREATE REALTIME VIEW items AS SELECT * FROM items WITH (replication_origin = 'tether:demo')",
        )
        .await
        .unwrap();
    f.local.pause(None).unwrap();
    f.session
        .execute("DELETE FROM items WHERE id = 2", &[])
        .await
        .unwrap();
    let e = error(
        &mut f.session,
        "UPDATE tether.write_attempts SET status = 'applied'",
    )
    .await;
    assert_eq!(e.sqlstate(), "42501");
    let e = error(&mut f.session, "DELETE FROM tether.write_attempts").await;
    assert!(e.to_string().contains("pending"), "{e}");
    assert_eq!(
        rows(
            &mut f.session,
            "SELECT v.name, v.state, v.rows, v.pending_writes, w.op FROM tether.views v JOIN tether.write_attempts w ON w.view = v.name"
        )
        .await,
        vec![vec![
            text("items"),
            text("paused"),
            Value::Int64(3),
            Value::Int64(1),
            text("delete")
        ]]
    );
    f.local.resume(None).unwrap();
    f.local.flush(FLUSH).await.unwrap();
    f.session
        .execute(
            "DELETE FROM tether.write_attempts WHERE status = 'applied'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(
        rows(&mut f.session, "SELECT count(*) FROM tether.write_attempts").await,
        vec![vec![Value::Int64(0)]]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ddl_errors_are_clear() {
    let mut f = fixture().await;
    let cases = [
        (
            "CREATE REALTIME VIEW v AS SELECT * FROM items WITH (replication_origin = 'tether:nope')",
            "42704",
            "not registered",
        ),
        (
            "CREATE REALTIME VIEW v AS SELECT * FROM missing WITH (replication_origin = 'tether:demo')",
            "55000",
            "does not exist at the origin",
        ),
        (
            "CREATE REALTIME VIEW v AS SELECT * FROM items WITH (replication_origin = 'tether:demo', upstream_mvcc_key = 'name')",
            "42804",
            "must be an integer column",
        ),
        (
            "CREATE REALTIME VIEW v AS SELECT id, count(*) FROM items GROUP BY id WITH (replication_origin = 'tether:demo')",
            "0A000",
            "mirrors one origin table",
        ),
        (
            "CREATE REALTIME VIEW v AS SELECT id AS __x FROM items WITH (replication_origin = 'tether:demo')",
            "42601",
            "reserved",
        ),
        (
            "BEGIN; CREATE REALTIME VIEW v AS SELECT * FROM items WITH (replication_origin = 'tether:demo')",
            "25001",
            "transaction block",
        ),
    ];
    for (sql, code, message) in cases {
        let e = error(&mut f.session, sql).await;
        assert_eq!(e.sqlstate(), code, "{sql}: {e}");
        assert!(e.to_string().contains(message), "{sql}: {e}");
        let _ = f.session.execute("ROLLBACK", &[]).await;
    }
    assert!(f.local.views().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drop_alter_and_describe() {
    let mut f = fixture().await;
    f.session
        .execute_batch(
            "CREATE REALTIME VIEW items AS SELECT id, name FROM items WITH (replication_origin = 'tether:demo')",
        )
        .await
        .unwrap();
    let description = f.local.describe("items").unwrap();
    let columns: Vec<&str> = description
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(columns, ["id", "name"]);
    let e = error(&mut f.session, "DROP TABLE items").await;
    assert_eq!(e.sqlstate(), "42809");
    f.session
        .execute("ALTER VIEW items SET (write_policy = 'local_first')", &[])
        .await
        .unwrap();
    assert_eq!(f.local.views()[0].write_policy, "local_first");
    f.local.pause(None).unwrap();
    f.session
        .execute("UPDATE items SET name = 'now' WHERE id = 1", &[])
        .await
        .unwrap();
    assert_eq!(
        rows(&mut f.session, "SELECT __staged FROM items WHERE id = 1").await,
        vec![vec![Value::Bool(true)]]
    );
    f.local.resume(None).unwrap();
    f.local.flush(FLUSH).await.unwrap();
    f.session.execute("DROP VIEW items", &[]).await.unwrap();
    assert!(f.local.views().is_empty());
    let e = error(&mut f.session, "SELECT * FROM items").await;
    assert_eq!(e.sqlstate(), "42P01");
    // The origin goes on without the view.
    f.origin_session
        .execute("UPDATE items SET name = 'after' WHERE id = 1", &[])
        .await
        .unwrap();
    assert_eq!(
        rows(&mut f.origin_session, "SELECT name FROM items WHERE id = 1").await,
        vec![vec![text("after")]]
    );
}

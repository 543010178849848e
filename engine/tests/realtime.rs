//! Realtime views over the in-process origin: mirror, write-back, conflicts, policies.

use std::sync::Arc;
use std::time::Duration;

use tether_engine::{Database, Session, TetherOrigin, Value};

const FLUSH: Duration = Duration::from_secs(10);

async fn setup(policy: &str) -> (Database, Session, Session) {
    let origin_db = Database::open_in_memory();
    let mut origin = origin_db.connect();
    origin
        .execute_batch(
            "CREATE TABLE items (id INT PRIMARY KEY, name TEXT, n INT);
             INSERT INTO items VALUES (1, 'a', 10), (2, 'b', 20), (3, 'c', 30);",
        )
        .await
        .unwrap();
    let local = Database::open_in_memory();
    local
        .register_origin("tether:demo", Arc::new(TetherOrigin::new(origin_db)))
        .unwrap();
    let mut session = local.connect();
    session
        .execute(
            &format!(
                "CREATE REALTIME VIEW items AS SELECT * FROM items \
                 WITH (replication_origin = 'tether:demo', write_policy = '{policy}')"
            ),
            &[],
        )
        .await
        .unwrap();
    (local, session, origin)
}

async fn rows(session: &mut Session, sql: &str) -> Vec<Vec<Value>> {
    session
        .query(sql, &[])
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.into_values())
        .collect()
}

fn text(s: &str) -> Value {
    Value::text(s)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mirrors_and_follows_the_origin() {
    let (db, mut local, mut origin) = setup("origin_first").await;
    assert_eq!(
        rows(&mut local, "SELECT * FROM items ORDER BY id").await,
        vec![
            vec![Value::Int32(1), text("a"), Value::Int32(10)],
            vec![Value::Int32(2), text("b"), Value::Int32(20)],
            vec![Value::Int32(3), text("c"), Value::Int32(30)],
        ]
    );
    origin
        .execute_batch("UPDATE items SET name = 'A' WHERE id = 1; DELETE FROM items WHERE id = 3; INSERT INTO items VALUES (4, 'd', 40);")
        .await
        .unwrap();
    db.flush(FLUSH).await.unwrap();
    assert_eq!(
        rows(
            &mut local,
            "SELECT id, name, __staged FROM items ORDER BY id"
        )
        .await,
        vec![
            vec![Value::Int32(1), text("A"), Value::Bool(false)],
            vec![Value::Int32(2), text("b"), Value::Bool(false)],
            vec![Value::Int32(4), text("d"), Value::Bool(false)],
        ]
    );
    let versions = rows(&mut local, "SELECT __version FROM items WHERE id = 1").await;
    let origin_xmin = rows(&mut origin, "SELECT xmin::text FROM items WHERE id = 1").await;
    assert_eq!(versions, origin_xmin);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_go_back_and_conflicts_are_recorded() {
    let (db, mut local, mut origin) = setup("origin_first").await;
    local
        .execute("UPDATE items SET n = n + 1 WHERE id = 1", &[])
        .await
        .unwrap();
    db.flush(FLUSH).await.unwrap();
    assert_eq!(
        rows(&mut origin, "SELECT n FROM items WHERE id = 1").await,
        vec![vec![Value::Int32(11)]]
    );
    assert_eq!(
        rows(&mut local, "SELECT n FROM items WHERE id = 1").await,
        vec![vec![Value::Int32(11)]]
    );
    // A concurrent origin edit while the view is offline: the local write conflicts.
    db.pause(Some("items")).unwrap();
    origin
        .execute("UPDATE items SET name = 'theirs' WHERE id = 2", &[])
        .await
        .unwrap();
    local
        .execute("UPDATE items SET name = 'mine' WHERE id = 2", &[])
        .await
        .unwrap();
    db.resume(None).unwrap();
    db.flush(FLUSH).await.unwrap();
    assert_eq!(
        rows(
            &mut local,
            "SELECT op, status, conflict, origin_row->>'name' FROM tether.write_attempts ORDER BY id"
        )
        .await,
        vec![
            vec![text("update"), text("applied"), Value::Null, Value::Null],
            vec![
                text("update"),
                text("conflicted"),
                text("version_mismatch"),
                text("theirs")
            ],
        ]
    );
    assert_eq!(
        rows(&mut local, "SELECT name FROM items WHERE id = 2").await,
        vec![vec![text("theirs")]]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_first_stages_then_settles() {
    let (db, mut local, mut origin) = setup("local_first").await;
    db.pause(None).unwrap();
    local
        .execute_batch(
            "UPDATE items SET name = 'x1' WHERE id = 1;
             UPDATE items SET name = 'x2' WHERE id = 1;
             INSERT INTO items (id, name, n) VALUES (9, 'new', 90);
             DELETE FROM items WHERE id = 2;",
        )
        .await
        .unwrap();
    assert_eq!(
        rows(
            &mut local,
            "SELECT id, name, __staged FROM items ORDER BY id"
        )
        .await,
        vec![
            vec![Value::Int32(1), text("x2"), Value::Bool(true)],
            vec![Value::Int32(3), text("c"), Value::Bool(false)],
            vec![Value::Int32(9), text("new"), Value::Bool(true)],
        ]
    );
    db.resume(None).unwrap();
    db.flush(FLUSH).await.unwrap();
    assert_eq!(
        rows(
            &mut local,
            "SELECT id, name, __staged FROM items ORDER BY id"
        )
        .await,
        vec![
            vec![Value::Int32(1), text("x2"), Value::Bool(false)],
            vec![Value::Int32(3), text("c"), Value::Bool(false)],
            vec![Value::Int32(9), text("new"), Value::Bool(false)],
        ]
    );
    assert_eq!(
        rows(&mut origin, "SELECT id, name FROM items ORDER BY id").await,
        vec![
            vec![Value::Int32(1), text("x2")],
            vec![Value::Int32(3), text("c")],
            vec![Value::Int32(9), text("new")],
        ]
    );
    assert_eq!(
        rows(
            &mut local,
            "SELECT count(*) FROM tether.write_attempts WHERE status = 'applied'"
        )
        .await,
        vec![vec![Value::Int64(4)]]
    );
}

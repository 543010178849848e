//! The MySQL/MariaDB origin when things go wrong: the binlog connection killed mid-stream, the
//! server restarted, the binlog purged under a paused view, a misconfigured server or table,
//! missing privileges, statement-based logging, values tether cannot hold. (Type round trips
//! are in `mysql_types.rs`.)

mod support;

use support::{assert_all_applied, mysql_local as local_with, rows};

use std::sync::Arc;
use std::time::Duration;

use tether::{Database, Session, Value};
use tether_origins::mysql::driver::prelude::Queryable;
use tether_origins::mysql::driver::{Conn, Row};
use tether_origins::testing::mariadb::{MariaDbOptions, MariaDbServer};

const FLUSH: Duration = Duration::from_secs(30);

const VIEW: &str =
    "CREATE REALTIME VIEW items AS SELECT * FROM items WITH (replication_origin = 'mysql:shop')";

/// The view's (id, n) rows and the origin's.
async fn compare(session: &mut Session, origin: &mut Conn) {
    let view: Vec<(i64, i64)> = rows(session, "SELECT id, n FROM items ORDER BY id")
        .await
        .into_iter()
        .map(|r| match (&r[0], &r[1]) {
            (Value::Int32(id), Value::Int32(n)) => (i64::from(*id), i64::from(*n)),
            other => panic!("{other:?}"),
        })
        .collect();
    let at_origin: Vec<(i64, i64)> = origin
        .query("SELECT id, n FROM items ORDER BY id")
        .await
        .unwrap();
    assert_eq!(view, at_origin);
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

/// A private server, started off the async runtime.
async fn private_server(options: MariaDbOptions) -> Arc<MariaDbServer> {
    Arc::new(
        tokio::task::spawn_blocking(move || MariaDbServer::start(options))
            .await
            .unwrap()
            .unwrap(),
    )
}

/// The view's Binlog Dump thread (its connection names the view's database), once it runs.
async fn dump_thread(origin: &mut Conn, db: &str) -> u64 {
    for _ in 0..400 {
        let threads: Vec<u64> = origin
            .exec(
                "SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND = 'Binlog Dump' AND DB = ?",
                (db,),
            )
            .await
            .unwrap();
        match threads.as_slice() {
            [] => tokio::time::sleep(Duration::from_millis(25)).await,
            [thread] => return *thread,
            more => panic!("one binlog connection per view, found {more:?}"),
        }
    }
    panic!("no Binlog Dump thread for {db}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binlog_connection_killed_mid_stream_loses_and_duplicates_nothing() {
    let server = MariaDbServer::shared().unwrap();
    let db = server.create_database("kill").await.unwrap();
    let mut origin = server.connect(&db).await.unwrap();
    origin
        .query_drop(
            "CREATE TABLE items (id INT PRIMARY KEY, n INT);
             INSERT INTO items SELECT seq, 0 FROM seq_1_to_50;",
        )
        .await
        .unwrap();
    let (local, mut session) = local_with(&server.url(&db));
    session.execute(VIEW, &[]).await.unwrap();
    for round in 0..3 {
        origin
            .query_drop(format!(
                "INSERT INTO items SELECT seq, {round} FROM seq_{}_to_{};
                 UPDATE items SET n = n + 1 WHERE id % 7 = {round};
                 DELETE FROM items WHERE id = {round} + 1;",
                100 + round * 10,
                109 + round * 10
            ))
            .await
            .unwrap();
        let thread = dump_thread(&mut origin, &db).await;
        origin.query_drop(format!("KILL {thread}")).await.unwrap();
        origin
            .query_drop(format!(
                "UPDATE items SET n = n + 100 WHERE id = {}",
                10 + round
            ))
            .await
            .unwrap();
    }
    local.flush(FLUSH).await.unwrap();
    compare(&mut session, &mut origin).await;
    let sums = rows(&mut session, "SELECT sum(n)::bigint, count(*) FROM items").await;
    let origin_sums: Option<(i64, i64)> = origin
        .query_first("SELECT CAST(SUM(n) AS SIGNED), COUNT(*) FROM items")
        .await
        .unwrap();
    let (sum, count) = origin_sums.unwrap();
    assert_eq!(sums, vec![vec![Value::Int64(sum), Value::Int64(count)]]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_origin_transaction_is_applied_once_across_reconnects() {
    // A counter bumped in many small transactions while the stream is killed repeatedly: the
    // view must see every intermediate value at most once and end at the origin's.
    let server = MariaDbServer::shared().unwrap();
    let db = server.create_database("once").await.unwrap();
    let mut origin = server.connect(&db).await.unwrap();
    origin
        .query_drop(
            "CREATE TABLE items (id INT PRIMARY KEY, n INT); INSERT INTO items VALUES (1, 0);",
        )
        .await
        .unwrap();
    let (local, mut session) = local_with(&server.url(&db));
    session.execute(VIEW, &[]).await.unwrap();
    let mut feed = local.follow_changes();
    for i in 0..40 {
        origin
            .query_drop("UPDATE items SET n = n + 1 WHERE id = 1")
            .await
            .unwrap();
        if i % 10 == 5 {
            let thread = dump_thread(&mut origin, &db).await;
            origin.query_drop(format!("KILL {thread}")).await.unwrap();
        }
    }
    local.flush(FLUSH).await.unwrap();
    assert_eq!(
        rows(&mut session, "SELECT n FROM items").await,
        vec![vec![Value::Int32(40)]]
    );
    // The view's own change log: every value once, in order.
    let mut seen = Vec::new();
    loop {
        let batch = feed.poll(1000);
        if batch.is_empty() {
            break;
        }
        for change in batch.iter().flat_map(|t| &t.changes) {
            if change.table == "items" {
                if let Some(Value::Int32(n)) = change.new.as_ref().and_then(|r| r.get(1)) {
                    seen.push(*n);
                }
            }
        }
    }
    assert_eq!(seen, (1..=40).collect::<Vec<i32>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_origin_restarted_views_converge_and_writes_resume() {
    let server = private_server(MariaDbOptions::new()).await;
    let db = server.create_database("restart").await.unwrap();
    let mut origin = server.connect(&db).await.unwrap();
    origin
        .query_drop("CREATE TABLE items (id INT PRIMARY KEY, n INT); INSERT INTO items VALUES (1, 0), (2, 0);")
        .await
        .unwrap();
    drop(origin);
    let (local, mut session) = local_with(&server.url(&db));
    session.execute(VIEW, &[]).await.unwrap();
    let restarting = server.clone();
    tokio::task::spawn_blocking(move || restarting.restart())
        .await
        .unwrap()
        .unwrap();
    // A write made after the origin went away is retried until it applies.
    session
        .execute("UPDATE items SET n = 5 WHERE id = 1", &[])
        .await
        .unwrap();
    let mut origin = server.connect(&db).await.unwrap();
    origin
        .query_drop("INSERT INTO items VALUES (3, 3); UPDATE items SET n = 7 WHERE id = 2")
        .await
        .unwrap();
    local.flush(FLUSH).await.unwrap();
    compare(&mut session, &mut origin).await;
    let n: Option<i32> = origin
        .query_first("SELECT n FROM items WHERE id = 1")
        .await
        .unwrap();
    assert_eq!(n, Some(5));
    assert_eq!(
        rows(&mut session, "SELECT status FROM tether.write_attempts").await,
        vec![vec![Value::text("applied")]]
    );
    // The restart started a new binlog file; the view followed it.
    let position = local.views()[0].position.clone().unwrap();
    assert!(position.starts_with("mariadb-bin.000002:"), "{position}");

    // Stopped for a while: writes stay pending with the error, then apply.
    let stopping = server.clone();
    tokio::task::spawn_blocking(move || stopping.stop())
        .await
        .unwrap()
        .unwrap();
    session
        .execute("UPDATE items SET n = 6 WHERE id = 1", &[])
        .await
        .unwrap();
    let mut pending = Vec::new();
    for _ in 0..200 {
        pending = rows(
            &mut session,
            "SELECT status, attempts > 0, last_error IS NOT NULL FROM tether.write_attempts WHERE status = 'pending'",
        )
        .await;
        if pending
            .first()
            .is_some_and(|r| r[1] == Value::Bool(true) && r[2] == Value::Bool(true))
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(
        pending,
        vec![vec![
            Value::text("pending"),
            Value::Bool(true),
            Value::Bool(true)
        ]]
    );
    let restarting = server.clone();
    tokio::task::spawn_blocking(move || restarting.restart())
        .await
        .unwrap()
        .unwrap();
    local.flush(FLUSH).await.unwrap();
    let mut origin = server.connect(&db).await.unwrap();
    compare(&mut session, &mut origin).await;
    assert_all_applied(&mut session, "after the restart").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_purged_binlog_position_means_a_new_snapshot() {
    let server = private_server(MariaDbOptions::new()).await;
    let db = server.create_database("purge").await.unwrap();
    let mut origin = server.connect(&db).await.unwrap();
    origin
        .query_drop(
            "CREATE TABLE items (id INT PRIMARY KEY, n INT); INSERT INTO items VALUES (1, 0);",
        )
        .await
        .unwrap();
    let (local, mut session) = local_with(&server.url(&db));
    session.execute(VIEW, &[]).await.unwrap();
    local.pause(None).unwrap();
    origin
        .query_drop(
            "INSERT INTO items VALUES (2, 2); FLUSH BINARY LOGS; INSERT INTO items VALUES (3, 3);",
        )
        .await
        .unwrap();
    let (file, _pos): (String, u64) = origin
        .query_first::<Row, _>("SHOW MASTER STATUS")
        .await
        .unwrap()
        .map(|r| (r.get(0).unwrap(), r.get(1).unwrap()))
        .unwrap();
    // The paused view's dump thread ends with its connection; then the old file can go.
    for _ in 0..200 {
        origin
            .query_drop(format!("PURGE BINARY LOGS TO '{file}'"))
            .await
            .unwrap();
        let files: Vec<Row> = origin.query("SHOW BINARY LOGS").await.unwrap();
        if files.len() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let files: Vec<Row> = origin.query("SHOW BINARY LOGS").await.unwrap();
    assert_eq!(files.len(), 1, "the old binlog was purged");
    local.resume(None).unwrap();
    local.flush(FLUSH).await.unwrap();
    compare(&mut session, &mut origin).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setup_problems_say_how_to_fix_them() {
    let server = MariaDbServer::shared().unwrap();
    let db = server.create_database("setup").await.unwrap();
    let mut origin = server.connect(&db).await.unwrap();
    origin
        .query_drop(
            "CREATE TABLE nokey (a INT);
             CREATE TABLE shapes (id INT PRIMARY KEY, p POINT);
             CREATE TABLE old (id INT PRIMARY KEY) ENGINE = MyISAM;
             CREATE TABLE greek (id INT PRIMARY KEY, t VARCHAR(5) CHARACTER SET greek);
             CREATE VIEW v_items AS SELECT 1 AS id;
             CREATE TABLE items (id INT PRIMARY KEY, n INT);",
        )
        .await
        .unwrap();
    let (_local, mut session) = local_with(&server.url(&db));
    let cases = [
        ("nokey", "has no primary key"),
        ("shapes", "column \"p\" has type point"),
        ("missing", "does not exist at the origin"),
        ("old", "MyISAM storage engine"),
        ("greek", "character set greek"),
        ("v_items", "is a view, not a table"),
    ];
    for (table, message) in cases {
        let e = session
            .execute(
                &format!("CREATE REALTIME VIEW v AS SELECT * FROM {table} WITH (replication_origin = 'mysql:shop')"),
                &[],
            )
            .await
            .unwrap_err();
        assert!(e.to_string().contains(message), "{table}: {e}");
        assert_eq!(e.sqlstate(), "55000", "{table}: {e}");
    }
    // A URL without a database needs qualified names.
    let (_local, mut session) = local_with(&server.url(""));
    let e = session.execute(VIEW, &[]).await.unwrap_err();
    assert!(e.to_string().contains("names no database"), "{e}");

    // A user without the replication privileges.
    let user = format!("u_{db}");
    for host in ["localhost", "127.0.0.1"] {
        origin
            .query_drop(format!(
                "CREATE USER '{user}'@'{host}';
                 GRANT SELECT, INSERT, UPDATE, DELETE ON `{db}`.* TO '{user}'@'{host}';"
            ))
            .await
            .unwrap();
    }
    let url = format!("mysql://{user}@127.0.0.1:{}/{db}", server.port());
    let (_local, mut session) = local_with(&url);
    let e = session.execute(VIEW, &[]).await.unwrap_err();
    assert!(e.to_string().contains("GRANT REPLICATION CLIENT"), "{e}");
    for host in ["localhost", "127.0.0.1"] {
        origin
            .query_drop(format!("GRANT BINLOG MONITOR ON *.* TO '{user}'@'{host}'"))
            .await
            .unwrap();
    }
    let (_local, mut session) = local_with(&url);
    let e = session.execute(VIEW, &[]).await.unwrap_err();
    assert!(e.to_string().contains("GRANT REPLICATION SLAVE"), "{e}");
    for host in ["localhost", "127.0.0.1"] {
        origin
            .query_drop(format!(
                "GRANT REPLICATION SLAVE ON *.* TO '{user}'@'{host}'"
            ))
            .await
            .unwrap();
    }
    let (local, mut session) = local_with(&url);
    session.execute(VIEW, &[]).await.unwrap();
    origin
        .query_drop("INSERT INTO items VALUES (1, 1)")
        .await
        .unwrap();
    local.flush(FLUSH).await.unwrap();
    compare(&mut session, &mut origin).await;

    // A wrong password is a setup error too.
    let bad = format!("mysql://{user}:wrong@127.0.0.1:{}/{db}", server.port());
    let (_local, mut session) = local_with(&bad);
    let e = session.execute(VIEW, &[]).await.unwrap_err();
    assert!(e.to_string().contains("Access denied"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_misconfigured_binlog_is_refused() {
    let off = private_server(MariaDbOptions::new().arg("--skip-log-bin")).await;
    let db = off.create_database("off").await.unwrap();
    let mut origin = off.connect(&db).await.unwrap();
    origin
        .query_drop("CREATE TABLE items (id INT PRIMARY KEY, n INT)")
        .await
        .unwrap();
    let (_local, mut session) = local_with(&off.url(&db));
    let e = session.execute(VIEW, &[]).await.unwrap_err();
    assert!(e.to_string().contains("binary log is off"), "{e}");
    assert!(e.to_string().contains("--log-bin"), "{e}");
    drop(off);

    let server = private_server(MariaDbOptions::new()).await;
    let db = server.create_database("cfg").await.unwrap();
    let mut origin = server.connect(&db).await.unwrap();
    origin
        .query_drop("CREATE TABLE items (id INT PRIMARY KEY, n INT)")
        .await
        .unwrap();
    let cases = [
        ("binlog_format", "'MIXED'", "'ROW'", "binlog_format = MIXED"),
        (
            "binlog_row_image",
            "'MINIMAL'",
            "'FULL'",
            "binlog_row_image = MINIMAL",
        ),
        ("log_bin_compress", "ON", "OFF", "log_bin_compress = ON"),
    ];
    for (variable, value, good, message) in cases {
        origin
            .query_drop(format!("SET GLOBAL {variable} = {value}"))
            .await
            .unwrap();
        let (_local, mut session) = local_with(&server.url(&db));
        let e = session.execute(VIEW, &[]).await.unwrap_err();
        assert!(e.to_string().contains(message), "{variable}: {e}");
        assert!(e.to_string().contains("SET GLOBAL"), "{variable}: {e}");
        origin
            .query_drop(format!("SET GLOBAL {variable} = {good}"))
            .await
            .unwrap();
    }

    // A session that logs statements instead of rows puts the view in error.
    let (local, mut session) = local_with(&server.url(&db));
    session.execute(VIEW, &[]).await.unwrap();
    origin
        .query_drop("SET SESSION binlog_format = 'STATEMENT'; INSERT INTO items VALUES (1, 1);")
        .await
        .unwrap();
    let error = view_error(&local).await;
    assert!(error.contains("logged as an SQL statement"), "{error}");
    assert!(error.contains("binlog_format = 'ROW'"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn values_tether_cannot_hold_are_refused_naming_the_column() {
    let server = MariaDbServer::shared().unwrap();
    let db = server.create_database("refuse").await.unwrap();
    let mut origin = server.connect(&db).await.unwrap();
    origin
        .query_drop(
            "CREATE TABLE spans (id INT PRIMARY KEY, took TIME);
             INSERT INTO spans VALUES (1, '-01:00:00');
             CREATE TABLE items (id INT PRIMARY KEY, n INT, took TIME);
             INSERT INTO items VALUES (1, 1, '12:00:00');",
        )
        .await
        .unwrap();
    let (local, mut session) = local_with(&server.url(&db));
    let e = session
        .execute(
            "CREATE REALTIME VIEW spans AS SELECT * FROM spans WITH (replication_origin = 'mysql:shop')",
            &[],
        )
        .await
        .unwrap_err();
    assert!(e.to_string().contains("column \"took\""), "{e}");
    assert!(e.to_string().contains("-01:00:00"), "{e}");
    session.execute(VIEW, &[]).await.unwrap();
    origin
        .query_drop("INSERT INTO items VALUES (2, 2, '25:00:00')")
        .await
        .unwrap();
    let error = view_error(&local).await;
    assert!(error.contains("column \"took\""), "{error}");
    assert!(error.contains("25:00:00"), "{error}");
}

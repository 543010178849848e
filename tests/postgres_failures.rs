//! The PostgreSQL origin when things go wrong: the walsender killed mid-stream, the server
//! restarted, a misconfigured origin, password authentication, and every mirrored type.

mod support;

use support::rows;

use std::sync::Arc;
use std::time::Duration;

use tether::{Database, Session, Value};
use tether_origins::postgres::PostgresOrigin;
use tether_origins::testing::postgres::{PostgresOptions, PostgresServer};

const FLUSH: Duration = Duration::from_secs(30);

async fn local_with(url: &str) -> (Database, Session) {
    local_with_slots(url, false).await
}

async fn local_with_slots(url: &str, persistent: bool) -> (Database, Session) {
    let local = Database::open_in_memory();
    let origin = PostgresOrigin::new(url)
        .unwrap()
        .with_persistent_slots(persistent);
    local
        .register_origin("postgres:primary", Arc::new(origin))
        .unwrap();
    let session = local.connect();
    (local, session)
}

async fn ids(session: &mut Session) -> Vec<Value> {
    rows(session, "SELECT id FROM items ORDER BY id")
        .await
        .into_iter()
        .map(|mut r| r.remove(0))
        .collect()
}

async fn origin_ids(origin: &tokio_postgres::Client) -> Vec<Value> {
    origin
        .query("SELECT id FROM items ORDER BY id", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| Value::Int32(r.get(0)))
        .collect()
}

const VIEW: &str =
    "CREATE REALTIME VIEW items AS SELECT * FROM items WITH (replication_origin = 'postgres:primary')";

/// The slots of database `db`: (name, temporary).
async fn slots(origin: &tokio_postgres::Client, db: &str) -> Vec<(String, bool)> {
    origin
        .query(
            "SELECT slot_name::text, temporary FROM pg_replication_slots WHERE database = $1 ORDER BY 1",
            &[&db],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_walsender_killed_mid_stream_loses_and_duplicates_nothing() {
    for persistent in [false, true] {
        walsender_killed(persistent).await;
    }
}

async fn walsender_killed(persistent: bool) {
    let server = PostgresServer::shared().unwrap();
    let db = server.create_database("kill").await.unwrap();
    let origin = server.connect(&db).await.unwrap();
    origin
        .batch_execute("CREATE TABLE items (id INT PRIMARY KEY, n INT); INSERT INTO items SELECT g, 0 FROM generate_series(1, 50) g;")
        .await
        .unwrap();
    let (local, mut session) = local_with_slots(&server.url(&db), persistent).await;
    session.execute(VIEW, &[]).await.unwrap();
    let slots_before = slots(&origin, &db).await;
    assert_eq!(slots_before.len(), 1);
    assert_eq!(slots_before[0].1, !persistent);
    for round in 0..3 {
        origin
            .batch_execute(&format!(
                "INSERT INTO items SELECT g, {round} FROM generate_series(100 + {round} * 10, 109 + {round} * 10) g;
                 UPDATE items SET n = n + 1 WHERE id % 7 = {round};
                 DELETE FROM items WHERE id = {round} + 1;"
            ))
            .await
            .unwrap();
        origin
            .batch_execute(&format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_replication WHERE application_name = 'tether'
                 AND pid IN (SELECT active_pid FROM pg_replication_slots WHERE database = '{db}')"
            ))
            .await
            .unwrap();
        origin
            .batch_execute(&format!(
                "UPDATE items SET n = n + 100 WHERE id = {}",
                10 + round
            ))
            .await
            .unwrap();
    }
    local.flush(FLUSH).await.unwrap();
    assert_eq!(ids(&mut session).await, origin_ids(&origin).await);
    let sums = rows(&mut session, "SELECT sum(n)::bigint, count(*) FROM items").await;
    let origin_sums = origin
        .query_one("SELECT sum(n)::bigint, count(*) FROM items", &[])
        .await
        .unwrap();
    assert_eq!(
        sums,
        vec![vec![
            Value::Int64(origin_sums.get(0)),
            Value::Int64(origin_sums.get(1))
        ]]
    );
    if persistent {
        // The same slot was resumed each time (no new snapshot, no new slot).
        assert_eq!(slots(&origin, &db).await, slots_before);
    }
    session.execute("DROP VIEW items", &[]).await.unwrap();
    let mut left = slots(&origin, &db).await;
    for _ in 0..300 {
        if left.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        left = slots(&origin, &db).await;
    }
    assert_eq!(left, vec![], "DROP VIEW leaves no slot behind");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_origin_restarted_views_converge_and_writes_resume() {
    for persistent in [false, true] {
        origin_restarted(persistent).await;
    }
}

async fn origin_restarted(persistent: bool) {
    let server = tokio::task::spawn_blocking(|| PostgresServer::start(PostgresOptions::new()))
        .await
        .unwrap()
        .unwrap();
    let db = server.create_database("restart").await.unwrap();
    let origin = server.connect(&db).await.unwrap();
    origin
        .batch_execute("CREATE TABLE items (id INT PRIMARY KEY, n INT); INSERT INTO items VALUES (1, 0), (2, 0);")
        .await
        .unwrap();
    let (local, mut session) = local_with_slots(&server.url(&db), persistent).await;
    session.execute(VIEW, &[]).await.unwrap();
    let server = Arc::new(server);
    let restarting = server.clone();
    tokio::task::spawn_blocking(move || restarting.restart())
        .await
        .unwrap()
        .unwrap();
    // A write made while the origin was down is retried until it applies.
    session
        .execute("UPDATE items SET n = 5 WHERE id = 1", &[])
        .await
        .unwrap();
    let origin = server.connect(&db).await.unwrap();
    origin
        .batch_execute("INSERT INTO items VALUES (3, 3)")
        .await
        .unwrap();
    local.flush(FLUSH).await.unwrap();
    assert_eq!(ids(&mut session).await, origin_ids(&origin).await);
    let n: i32 = origin
        .query_one("SELECT n FROM items WHERE id = 1", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 5);
    assert_eq!(
        rows(&mut session, "SELECT status FROM tether.write_attempts").await,
        vec![vec![Value::text("applied")]]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setup_problems_say_how_to_fix_them() {
    let server = PostgresServer::shared().unwrap();
    let db = server.create_database("setup").await.unwrap();
    let origin = server.connect(&db).await.unwrap();
    origin
        .batch_execute(
            "CREATE TABLE nokey (a INT);
             CREATE TABLE shapes (id INT PRIMARY KEY, p POINT);
             CREATE TABLE items (id INT PRIMARY KEY);
             CREATE ROLE plain LOGIN;
             GRANT SELECT ON items TO plain;",
        )
        .await
        .unwrap();
    let (_local, mut session) = local_with(&server.url(&db)).await;
    let cases = [
        ("nokey", "has no primary key"),
        ("shapes", "column \"p\" has type point"),
        ("missing", "does not exist at the origin"),
    ];
    for (table, message) in cases {
        let e = session
            .execute(
                &format!("CREATE REALTIME VIEW v AS SELECT * FROM {table} WITH (replication_origin = 'postgres:primary')"),
                &[],
            )
            .await
            .unwrap_err();
        assert!(e.to_string().contains(message), "{table}: {e}");
        assert_eq!(e.sqlstate(), "55000", "{table}: {e}");
    }
    let url = format!("postgres://plain@127.0.0.1:{}/{db}", server.port());
    let (_local, mut session) = local_with(&url).await;
    let e = session.execute(VIEW, &[]).await.unwrap_err();
    assert!(
        e.to_string().contains("ALTER ROLE \"plain\" REPLICATION"),
        "{e}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wal_level_replica_is_refused() {
    let server = tokio::task::spawn_blocking(|| {
        PostgresServer::start(PostgresOptions::new().setting("wal_level", "replica"))
    })
    .await
    .unwrap()
    .unwrap();
    let db = server.create_database("wal").await.unwrap();
    let origin = server.connect(&db).await.unwrap();
    origin
        .batch_execute("CREATE TABLE items (id INT PRIMARY KEY)")
        .await
        .unwrap();
    let (_local, mut session) = local_with(&server.url(&db)).await;
    let e = session.execute(VIEW, &[]).await.unwrap_err();
    assert!(e.to_string().contains("wal_level = logical"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scram_and_md5_passwords_work_for_sql_and_replication() {
    let server = tokio::task::spawn_blocking(|| PostgresServer::start(PostgresOptions::new()))
        .await
        .unwrap()
        .unwrap();
    let db = server.create_database("auth").await.unwrap();
    let admin = server.connect(&db).await.unwrap();
    admin
        .batch_execute(
            "CREATE TABLE items (id INT PRIMARY KEY, n INT); INSERT INTO items VALUES (1, 1);
             SET password_encryption = 'scram-sha-256';
             CREATE ROLE scram_user LOGIN REPLICATION PASSWORD 'secret1';
             SET password_encryption = 'md5';
             CREATE ROLE md5_user LOGIN REPLICATION PASSWORD 'secret2';
             ALTER TABLE items OWNER TO scram_user;
             GRANT ALL ON items TO md5_user;",
        )
        .await
        .unwrap();
    admin
        .batch_execute(&format!(
            "GRANT CREATE ON DATABASE \"{db}\" TO scram_user, md5_user"
        ))
        .await
        .unwrap();
    let hba = server.data_dir().join("pg_hba.conf");
    std::fs::write(
        &hba,
        "local all all trust\nhost all postgres 127.0.0.1/32 trust\nhost all scram_user 127.0.0.1/32 scram-sha-256\nhost all md5_user 127.0.0.1/32 md5\n",
    )
    .unwrap();
    admin
        .batch_execute("SELECT pg_reload_conf()")
        .await
        .unwrap();
    for (user, password) in [("scram_user", "secret1"), ("md5_user", "secret2")] {
        let url = format!(
            "postgres://{user}:{password}@127.0.0.1:{}/{db}",
            server.port()
        );
        let (local, mut session) = local_with(&url).await;
        session
            .execute(VIEW, &[])
            .await
            .unwrap_or_else(|e| panic!("{user}: {e}"));
        admin
            .batch_execute("UPDATE items SET n = n + 1")
            .await
            .unwrap();
        local.flush(FLUSH).await.unwrap();
        let n: i32 = admin
            .query_one("SELECT n FROM items", &[])
            .await
            .unwrap()
            .get(0);
        assert_eq!(
            rows(&mut session, "SELECT n FROM items").await,
            vec![vec![Value::Int32(n)]],
            "{user}"
        );
        let bad = format!("postgres://{user}:wrong@127.0.0.1:{}/{db}", server.port());
        let (_local, mut session) = local_with(&bad).await;
        let e = session.execute(VIEW, &[]).await.unwrap_err();
        assert!(
            e.to_string().contains("password authentication failed"),
            "{user}: {e}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_mirrored_type_round_trips_exactly() {
    let server = PostgresServer::shared().unwrap();
    let db = server.create_database("types").await.unwrap();
    let origin = server.connect(&db).await.unwrap();
    origin
        .batch_execute(
            "CREATE TYPE mood AS ENUM ('sad', 'happy');
             CREATE TABLE t (
               id INT PRIMARY KEY, b BOOLEAN, i2 SMALLINT, i8 BIGINT, r REAL, d DOUBLE PRECISION,
               num NUMERIC(20,6), tx TEXT, vc VARCHAR(10), ch CHAR(3), by BYTEA, dt DATE, tm TIME,
               ts TIMESTAMP, tz TIMESTAMPTZ, iv INTERVAL, u UUID, j JSON, jb JSONB, m mood);
             INSERT INTO t VALUES (1, true, -32768, 9223372036854775807, 1.5, 0.1,
               '12345678901234.123456', 'tab\tand ''quote''', 'short', 'ab', '\\x00ff10',
               '2024-02-29', '23:59:59.999999', '2024-01-01 12:34:56.789', '2024-06-01 10:00:00+02',
               '1 year 2 mons 3 days 04:05:06', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
               '{\"b\": 1,  \"a\": [1, 2]}', '{\"b\": 1, \"a\": [1, 2]}', 'happy'),
               (2, NULL, NULL, NULL, 'NaN', '-Infinity', NULL, '', NULL, NULL, '', NULL, NULL, NULL,
               NULL, NULL, NULL, NULL, NULL, NULL);",
        )
        .await
        .unwrap();
    let (local, mut session) = local_with(&server.url(&db)).await;
    session
        .execute(
            "CREATE REALTIME VIEW t AS SELECT * FROM t WITH (replication_origin = 'postgres:primary')",
            &[],
        )
        .await
        .unwrap();
    // Every value as text, at the origin and in the view: the snapshot...
    let columns = "id, b, i2, i8, r, d, num, tx, vc, ch, by, dt, tm, ts, tz, iv, u, j, jb, m";
    let as_text = |table: &str| {
        format!(
            "SELECT {} FROM {table} ORDER BY id",
            columns
                .split(", ")
                .map(|c| format!("{c}::text"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let origin_text = |rows: Vec<tokio_postgres::Row>| -> Vec<Vec<Value>> {
        rows.iter()
            .map(|r| {
                (0..r.len())
                    .map(|i| {
                        r.get::<_, Option<String>>(i)
                            .map_or(Value::Null, Value::text)
                    })
                    .collect()
            })
            .collect()
    };
    let expected = origin_text(origin.query(&as_text("t"), &[]).await.unwrap());
    assert_eq!(rows(&mut session, &as_text("t")).await, expected);
    // ...the stream (an update that rewrites every column)...
    origin
        .batch_execute("UPDATE t SET id = id + 10; UPDATE t SET tx = tx || '!' WHERE id = 11")
        .await
        .unwrap();
    local.flush(FLUSH).await.unwrap();
    let expected = origin_text(origin.query(&as_text("t"), &[]).await.unwrap());
    assert_eq!(rows(&mut session, &as_text("t")).await, expected);
    // ...and write-back of every type.
    session
        .execute(
            "INSERT INTO t SELECT id + 100, b, i2, i8, r, d, num, tx, vc, ch, by, dt, tm, ts, tz, iv, u, j, jb, m FROM t",
            &[],
        )
        .await
        .unwrap();
    local.flush(FLUSH).await.unwrap();
    let copies = origin_text(
        origin
            .query(&as_text("t WHERE id > 100"), &[])
            .await
            .unwrap(),
    );
    let originals = origin_text(
        origin
            .query(&as_text("t WHERE id < 100"), &[])
            .await
            .unwrap(),
    );
    assert_eq!(copies.len(), 2);
    for (copy, original) in copies.iter().zip(&originals) {
        assert_eq!(copy[1..], original[1..]);
    }
}

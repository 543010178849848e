//! The MySQL/MariaDB origin when things go wrong: the binlog connection killed mid-stream, the
//! server restarted, the binlog purged under a paused view, a misconfigured server or table,
//! missing privileges, statement-based logging, values tether cannot hold; every mirrored
//! type round-tripping exactly through snapshot, stream and write-back; and every type the
//! row image decoder reads streaming exactly as a snapshot reads it.

mod support;

use support::rows;

use std::sync::Arc;
use std::time::Duration;

use tether::types::parse::parse_text;
use tether::{DataType, Database, Session, Value};
use tether_origins::mysql::driver::prelude::Queryable;
use tether_origins::mysql::driver::{Conn, Row};
use tether_origins::mysql::MySqlOrigin;
use tether_origins::testing::mariadb::{MariaDbOptions, MariaDbServer};

const FLUSH: Duration = Duration::from_secs(30);

fn local_with(url: &str) -> (Database, Session) {
    let local = Database::open_in_memory();
    local
        .register_origin("mysql:shop", Arc::new(MySqlOrigin::new(url).unwrap()))
        .unwrap();
    let session = local.connect();
    (local, session)
}

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
    assert_eq!(
        rows(
            &mut session,
            "SELECT DISTINCT status FROM tether.write_attempts"
        )
        .await,
        vec![vec![Value::text("applied")]]
    );
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

/// Every mirrored type, the columns in this order.
const TYPES: &str = "CREATE TABLE t (
    id INT PRIMARY KEY,
    ti TINYINT, tu TINYINT UNSIGNED, si SMALLINT, su SMALLINT UNSIGNED, mi MEDIUMINT,
    mu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, bi BIGINT, bu BIGINT UNSIGNED,
    dc DECIMAL(20,6), f FLOAT, d DOUBLE, ch CHAR(5), vc VARCHAR(10), tx TEXT,
    l1 VARCHAR(10) CHARACTER SET latin1, bn BINARY(4), vb VARBINARY(8), bl BLOB,
    dt DATE, dtm DATETIME(6), ts TIMESTAMP(3) NULL, tm TIME(6), yr YEAR, js JSON,
    en ENUM('sad','happy'), st SET('a','b','c'), b1 BIT(1), b9 BIT(9), bo BOOLEAN)";

const COLUMNS: &str = "id, ti, tu, si, su, mi, mu, i, iu, bi, bu, dc, f, d, ch, vc, tx, l1, \
     bn, vb, bl, dt, dtm, ts, tm, yr, js, en, st, b1, b9, bo";

const TYPE_ROWS: &str = "SET time_zone = '+00:00';
    INSERT INTO t VALUES (1, -128, 255, -32768, 65535, -8388608, 16777215, -2147483648,
      4294967295, -9223372036854775808, 18446744073709551615, '12345678901234.123456', 1.5, 0.1,
      'ab  ', 'tab\\tq''', 'ünïcödé ✓', 'café €', 'a\\0', x'00ff10', '', '2024-02-29',
      '2024-01-01 12:34:56.789012', '2024-06-01 10:00:00.123', '23:59:59.999999', 2155,
      '{\"b\": 1,  \"a\": [1, 2]}', 'happy', 'c,a', b'1', b'100000001', TRUE),
    (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
      '', NULL, NULL, NULL, NULL, NULL, NULL, NULL, '00:00:00', 0, NULL, NULL, '', b'0', NULL, NULL);";

/// The tether types of the view's columns, in `COLUMNS` order.
fn expected_column_types() -> Vec<DataType> {
    let numeric = |p, s| DataType::Numeric {
        precision: Some(p),
        scale: Some(s),
    };
    vec![
        DataType::Int32,
        DataType::Int16,
        DataType::Int16,
        DataType::Int16,
        DataType::Int32,
        DataType::Int32,
        DataType::Int32,
        DataType::Int32,
        DataType::Int64,
        DataType::Int64,
        numeric(20, 0),
        numeric(20, 6),
        DataType::Float32,
        DataType::Float64,
        DataType::Varchar(Some(5)),
        DataType::Varchar(Some(10)),
        DataType::Text,
        DataType::Varchar(Some(10)),
        DataType::Bytea,
        DataType::Bytea,
        DataType::Bytea,
        DataType::Date,
        DataType::Timestamp,
        DataType::TimestampTz,
        DataType::Time,
        DataType::Int16,
        DataType::Json,
        DataType::Text,
        DataType::Text,
        DataType::Bool,
        DataType::Int64,
        DataType::Int16,
    ]
}

/// A value from tether's text form.
fn typed(text: &str, data_type: DataType) -> Value {
    parse_text(text, &data_type).unwrap_or_else(|e| panic!("{text} as {data_type}: {e}"))
}

/// A numeric value from its text.
fn numeric(text: &str) -> Value {
    typed(
        text,
        DataType::Numeric {
            precision: None,
            scale: None,
        },
    )
}

/// What the view holds for the extremes the rows give the integer columns (TINYINT to BIGINT
/// UNSIGNED, signed then unsigned): each signed type's minimum, each unsigned type's maximum.
fn integer_extremes() -> Vec<Value> {
    vec![
        Value::Int16(-128),
        Value::Int16(255),
        Value::Int16(-32768),
        Value::Int32(65535),
        Value::Int32(-8_388_608),
        Value::Int32(16_777_215),
        Value::Int32(i32::MIN),
        Value::Int64(4_294_967_295),
        Value::Int64(i64::MIN),
        numeric("18446744073709551615"),
    ]
}

/// What the view holds for row 1 and row 2 (without the id).
fn expected_types() -> [Vec<Value>; 2] {
    let mut first = integer_extremes();
    first.extend([
        numeric("12345678901234.123456"),
        Value::Float32(1.5),
        Value::Float64(0.1),
        Value::text("ab"),
        Value::text("tab\tq'"),
        Value::text("ünïcödé ✓"),
        Value::text("café €"),
        Value::Bytea(Arc::from(&b"a\0\0\0"[..])),
        Value::Bytea(Arc::from(&[0u8, 255, 16][..])),
        Value::Bytea(Arc::from(&b""[..])),
        typed("2024-02-29", DataType::Date),
        typed("2024-01-01 12:34:56.789012", DataType::Timestamp),
        typed("2024-06-01 10:00:00.123+00", DataType::TimestampTz),
        typed("23:59:59.999999", DataType::Time),
        Value::Int16(2155),
        Value::Json(Arc::from("{\"b\": 1,  \"a\": [1, 2]}")),
        Value::text("happy"),
        Value::text("a,c"),
        Value::Bool(true),
        Value::Int64(257),
        Value::Int16(1),
    ]);
    let mut second = vec![Value::Null; first.len()];
    second[15] = Value::text("");
    second[23] = typed("00:00:00", DataType::Time);
    second[24] = Value::Int16(0);
    second[27] = Value::text("");
    second[28] = Value::Bool(false);
    [first, second]
}

/// The view's rows with `id` in `ids`, id first.
async fn typed_rows(session: &mut Session, filter: &str) -> Vec<Vec<Value>> {
    rows(
        session,
        &format!("SELECT {COLUMNS} FROM t WHERE {filter} ORDER BY id"),
    )
    .await
}

fn with_ids(ids: [i32; 2]) -> Vec<Vec<Value>> {
    let [a, b] = expected_types();
    let mut first = vec![Value::Int32(ids[0])];
    first.extend(a);
    let mut second = vec![Value::Int32(ids[1])];
    second.extend(b);
    vec![first, second]
}

/// A fresh origin database with `sql` run in it, and a realtime view `t` of its table `t`.
async fn typed_view(prefix: &str, sql: &[&str]) -> (Database, Session, Conn) {
    let server = MariaDbServer::shared().unwrap();
    let db = server.create_database(prefix).await.unwrap();
    let mut origin = server.connect(&db).await.unwrap();
    for sql in sql {
        origin.query_drop(*sql).await.unwrap();
    }
    let (local, mut session) = local_with(&server.url(&db));
    session
        .execute(
            "CREATE REALTIME VIEW t AS SELECT * FROM t WITH (replication_origin = 'mysql:shop')",
            &[],
        )
        .await
        .unwrap();
    (local, session, origin)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_mirrored_type_round_trips_exactly() {
    let (local, mut session, mut origin) = typed_view("types", &[TYPES, TYPE_ROWS]).await;
    let result = session
        .execute(&format!("SELECT {COLUMNS} FROM t"), &[])
        .await
        .unwrap();
    let column_types: Vec<DataType> = result.columns.iter().map(|c| c.data_type.clone()).collect();
    assert_eq!(column_types, expected_column_types());
    // The snapshot...
    assert_eq!(typed_rows(&mut session, "id < 10").await, with_ids([1, 2]));
    // ...the stream: updates of every column (the key too), and inserts...
    origin
        .query_drop(
            "UPDATE t SET id = id + 10; INSERT INTO t SELECT id + 10, ti, tu, si, su, mi, mu, i, iu, \
             bi, bu, dc, f, d, ch, vc, tx, l1, bn, vb, bl, dt, dtm, ts, tm, yr, js, en, st, b1, b9, bo FROM t",
        )
        .await
        .unwrap();
    local.flush(FLUSH).await.unwrap();
    assert_eq!(
        typed_rows(&mut session, "id BETWEEN 10 AND 19").await,
        with_ids([11, 12])
    );
    assert_eq!(
        typed_rows(&mut session, "id BETWEEN 20 AND 29").await,
        with_ids([21, 22])
    );
    // ...and write-back of every type: copies made through the view equal the originals at the
    // origin, value for value.
    session
        .execute(
            &format!(
                "INSERT INTO t SELECT id + 100, {} FROM t WHERE id < 20",
                COLUMNS.trim_start_matches("id, ")
            ),
            &[],
        )
        .await
        .unwrap();
    local.flush(FLUSH).await.unwrap();
    assert_eq!(
        rows(
            &mut session,
            "SELECT DISTINCT status FROM tether.write_attempts"
        )
        .await,
        vec![vec![Value::text("applied")]]
    );
    let at_origin = |filter: &str| format!("SELECT {COLUMNS} FROM t WHERE {filter} ORDER BY id");
    let copies: Vec<Row> = origin.exec(at_origin("id > 100"), ()).await.unwrap();
    let originals: Vec<Row> = origin
        .exec(at_origin("id BETWEEN 10 AND 19"), ())
        .await
        .unwrap();
    assert_eq!(copies.len(), 2);
    for (copy, original) in copies.iter().zip(&originals) {
        for i in 1..original.len() {
            assert_eq!(
                copy.as_ref(i),
                original.as_ref(i),
                "column {}",
                original.columns_ref()[i].name_str()
            );
        }
    }
    // The echoes of the copies are in the view too.
    assert_eq!(
        typed_rows(&mut session, "id > 100").await,
        with_ids([111, 112])
    );
}

/// One column of every type the row image decoder reads itself (no DECIMAL, TIME or other
/// type that sends the whole table to mysql_common's decoder), in this order. The wide CHAR
/// and VARCHAR take 2-byte lengths; the TEXT and BLOB sizes take 1- to 4-byte ones.
const FAST_TYPES: &str = "SET time_zone = '+00:00';
    CREATE TABLE t (
    id INT PRIMARY KEY,
    ti TINYINT, tu TINYINT UNSIGNED, si SMALLINT, su SMALLINT UNSIGNED, mi MEDIUMINT,
    mu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, bi BIGINT, bu BIGINT UNSIGNED,
    f FLOAT, d DOUBLE, ch CHAR(5), cw CHAR(100), vc VARCHAR(10), vw VARCHAR(300), tt TINYTEXT,
    tx TEXT, mt MEDIUMTEXT, lt LONGTEXT, l1 VARCHAR(10) CHARACTER SET latin1, bn BINARY(4),
    vb VARBINARY(8), bl BLOB, lb LONGBLOB, js JSON, dt DATE, dtm DATETIME, dt2 DATETIME(2),
    dt3 DATETIME(3), dt6 DATETIME(6), ts TIMESTAMP NULL, ts3 TIMESTAMP(3) NULL,
    ts6 TIMESTAMP(6) NULL, yr YEAR, en ENUM('sad','happy'), st SET('a','b','c'),
    sw SET('a','b','c','d','e','f','g','h','i','j'), b1 BIT(1), b9 BIT(9), b64 BIT(64),
    bo BOOLEAN)";

const FAST_COLUMNS: &str = "id, ti, tu, si, su, mi, mu, i, iu, bi, bu, f, d, ch, cw, vc, vw, tt, \
     tx, mt, lt, l1, bn, vb, bl, lb, js, dt, dtm, dt2, dt3, dt6, ts, ts3, ts6, yr, en, st, sw, b1, \
     b9, b64, bo";

/// Rows 1 and 2 hold each column's extremes, row 3 only NULLs, row 4 ordinary values.
const FAST_ROWS: &str = "INSERT INTO t VALUES
    (1, -128, 255, -32768, 65535, -8388608, 16777215, -2147483648, 4294967295,
      -9223372036854775808, 18446744073709551615, 1.5, 0.1, 'ab  ', REPEAT('é', 100),
      'tab\\tq''', REPEAT('✓', 300), 'ünï', 'ünïcödé ✓', REPEAT('m', 70000), 'long',
      'café €', 'a\\0', x'00ff10', '', x'ff00', '{\"b\": 1,  \"a\": [1, 2]}', '2024-02-29',
      '2024-01-01 12:34:56', '2024-01-01 00:00:00.99', '1000-01-01 00:00:00.001',
      '9999-12-31 23:59:59.999999', '1970-01-01 00:00:01', '2038-01-19 03:14:07.999',
      '2038-01-19 03:14:07.999999', 2155, 'happy', 'c,a', 'j,a', b'1',
      b'100000001', b'1111111111111111111111111111111111111111111111111111111111111111', TRUE),
    (2, 127, 0, 32767, 0, 8388607, 0, 2147483647, 0, 9223372036854775807, 0, -3.40282e38,
      -1.7976931348623157e308, '', '', '', '', '', '', '', '', '', '', '', x'', '', '[]',
      '1000-01-01', '1000-01-01 00:00:00', '9999-12-31 23:59:59.99', '9999-12-31 23:59:59.999',
      '1000-01-01 00:00:00', '2038-01-19 03:14:07', '1970-01-01 00:00:01',
      '1970-01-01 00:00:01.000001', 1901, 'sad', '', '', b'0', b'0', b'0', FALSE),
    (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
      NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
      NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
    (4, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -0.25, 2.5e-300, 'x', 'y', 'z', 'w', 'v', 'u', 't',
      's', 'r', 'q', 'p', 'o', 'n', '{}', '1999-12-31', '2000-02-29 23:59:59',
      '1999-12-31 23:59:59.01', '2000-01-01 00:00:00.5', '1969-12-31 23:59:59.5',
      '2001-09-09 01:46:40', '2024-06-01 10:00:00.123', '2001-09-09 01:46:40.5', 0, 'happy',
      'a,b,c', 'a,b,c,d,e,f,g,h,i,j', b'1', b'111111111',
      b'1000000000000000000000000000000000000000000000000000000000000000', TRUE);";

/// What the view holds for row 1 (without the id).
fn expected_fast_row() -> Vec<Value> {
    let bytes = |b: &[u8]| Value::Bytea(Arc::from(b));
    let mut row = integer_extremes();
    row.extend([
        Value::Float32(1.5),
        Value::Float64(0.1),
        Value::text("ab"),
        Value::text("é".repeat(100)),
        Value::text("tab\tq'"),
        Value::text("✓".repeat(300)),
        Value::text("ünï"),
        Value::text("ünïcödé ✓"),
        Value::text("m".repeat(70000)),
        Value::text("long"),
        Value::text("café €"),
        bytes(b"a\0\0\0"),
        bytes(&[0, 255, 16]),
        bytes(b""),
        bytes(&[255, 0]),
        Value::Json(Arc::from("{\"b\": 1,  \"a\": [1, 2]}")),
        typed("2024-02-29", DataType::Date),
        typed("2024-01-01 12:34:56", DataType::Timestamp),
        typed("2024-01-01 00:00:00.99", DataType::Timestamp),
        typed("1000-01-01 00:00:00.001", DataType::Timestamp),
        typed("9999-12-31 23:59:59.999999", DataType::Timestamp),
        typed("1970-01-01 00:00:01+00", DataType::TimestampTz),
        typed("2038-01-19 03:14:07.999+00", DataType::TimestampTz),
        typed("2038-01-19 03:14:07.999999+00", DataType::TimestampTz),
        Value::Int16(2155),
        Value::text("happy"),
        Value::text("a,c"),
        Value::text("a,j"),
        Value::Bool(true),
        Value::Int64(257),
        numeric("18446744073709551615"),
        Value::Int16(1),
    ]);
    row
}

/// The view's rows, id first, in `FAST_COLUMNS` order.
async fn fast_rows(session: &mut Session) -> Vec<Vec<Value>> {
    rows(
        session,
        &format!("SELECT {FAST_COLUMNS} FROM t ORDER BY id"),
    )
    .await
}

/// `SET` assignments of every column but the id: `{target}column = value(column)`.
fn assign_all(target: &str, value: impl Fn(&str) -> String) -> String {
    FAST_COLUMNS
        .split(", ")
        .skip(1)
        .map(|column| format!("{target}{column} = {}", value(column)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Asserts `row` equals `expected` column by column, naming the column that differs.
fn assert_fast_row(row: &[Value], expected: &[Value], what: &str) {
    assert_eq!(row.len(), expected.len(), "{what}");
    for ((name, value), expected) in FAST_COLUMNS.split(", ").zip(row).zip(expected) {
        assert_eq!(value, expected, "{what}, id {:?}, column {name}", row[0]);
    }
}

/// The row image decoder on a live stream: every type it reads, at its extremes and NULL,
/// through streamed inserts, updates (of the key, and from and to NULL) and deletes, equals a
/// fresh snapshot of the table (read through SQL, not the binlog) value for value.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_row_image_decoder_streams_every_type_exactly() {
    let (local, mut session, mut origin) = typed_view("fasttypes", &[FAST_TYPES]).await;
    assert_eq!(fast_rows(&mut session).await, Vec::<Vec<Value>>::new());
    // Every row arrives through the stream: the inserts, copies of rows 2 and 4, the key of
    // row 1 changed, row 2 set to NULLs and row 3 from NULLs to row 1's values, row 4 deleted.
    origin.query_drop(FAST_ROWS).await.unwrap();
    origin
        .query_drop(format!(
            "INSERT INTO t SELECT id + 20, {} FROM t WHERE id IN (2, 4);
             UPDATE t SET id = 11 WHERE id = 1;
             UPDATE t SET {} WHERE id = 2;
             UPDATE t AS a JOIN t AS b ON b.id = 11 SET {} WHERE a.id = 3;
             DELETE FROM t WHERE id = 4;",
            FAST_COLUMNS.trim_start_matches("id, "),
            assign_all("", |_| "NULL".into()),
            assign_all("a.", |column| format!("b.{column}")),
        ))
        .await
        .unwrap();
    local.flush(FLUSH).await.unwrap();
    let streamed = fast_rows(&mut session).await;
    let ids: Vec<Value> = streamed.iter().map(|row| row[0].clone()).collect();
    assert_eq!(ids, [2, 3, 11, 22, 24].map(Value::Int32));
    let with_id = |id: i32, values: Vec<Value>| {
        let mut row = vec![Value::Int32(id)];
        row.extend(values);
        row
    };
    let nulls = vec![Value::Null; streamed[0].len() - 1];
    assert_fast_row(&streamed[0], &with_id(2, nulls), "streamed");
    assert_fast_row(&streamed[1], &with_id(3, expected_fast_row()), "streamed");
    assert_fast_row(&streamed[2], &with_id(11, expected_fast_row()), "streamed");
    // A fresh snapshot reads the same values through SQL.
    session.execute("REFRESH VIEW t", &[]).await.unwrap();
    let snapshot = fast_rows(&mut session).await;
    assert_eq!(snapshot.len(), streamed.len());
    for (streamed, snapshot) in streamed.iter().zip(&snapshot) {
        assert_fast_row(streamed, snapshot, "streamed vs snapshot");
    }
}

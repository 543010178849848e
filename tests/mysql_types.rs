//! Every mirrored MySQL/MariaDB type round-tripping exactly through snapshot, stream and
//! write-back, and every type the binlog row image decoder reads streaming exactly as a
//! snapshot reads it — against a real throwaway MariaDB server.

mod support;

use support::{assert_all_applied, mysql_local as local_with, rows};

use std::sync::Arc;
use std::time::Duration;

use tether::types::parse::parse_text;
use tether::{DataType, Database, Session, Value};
use tether_origins::mysql::driver::prelude::Queryable;
use tether_origins::mysql::driver::{Conn, Row};
use tether_origins::testing::mariadb::MariaDbServer;

const FLUSH: Duration = Duration::from_secs(30);

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
    assert_all_applied(&mut session, "the typed writes").await;
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

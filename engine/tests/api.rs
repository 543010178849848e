//! The embedding API: parameters, typed reads, prepared statements and their plan cache,
//! `execute_batch`, `params!`, result metadata and command tags.

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use tether_engine::types::Decimal;
use tether_engine::types::FromValue;
use tether_engine::{
    params, CommandTag, DataType, Database, PreparedStatement, Session, TransactionStatus, Value,
};

async fn session() -> Session {
    let db = Database::open_in_memory();
    let mut s = db.connect();
    s.execute(
        "CREATE TABLE typed (
            id INT PRIMARY KEY, b BOOLEAN, i2 SMALLINT, i8 BIGINT, f4 REAL, f8 DOUBLE PRECISION,
            n NUMERIC(12,3), t TEXT, vc VARCHAR(10), by BYTEA, d DATE, tm TIME, ts TIMESTAMP,
            tz TIMESTAMPTZ, u UUID, j JSONB
        )",
        &[],
    )
    .await
    .unwrap();
    s
}

/// How many rows the prepared `statement` returns for `params`.
async fn prepared_rows(s: &mut Session, statement: &PreparedStatement, params: &[Value]) -> usize {
    s.execute_prepared(statement, params)
        .await
        .unwrap()
        .rows
        .len()
}

/// The command tag of `sql`, as text.
async fn tag(s: &mut Session, sql: &str) -> String {
    s.execute(sql, &[]).await.unwrap().tag.to_string()
}

/// The first column of the first row `sql` returns.
async fn first<T: FromValue>(s: &mut Session, sql: &str) -> T {
    s.query(sql, &[]).await.unwrap()[0].get::<T>(0).unwrap()
}

fn sample() -> Vec<Value> {
    vec![
        Value::from(1i32),
        Value::from(true),
        Value::from(-7i16),
        Value::from(9_000_000_000i64),
        Value::from(1.5f32),
        Value::from(0.1f64),
        Value::from(Decimal::from_str("123.456").unwrap()),
        Value::from("héllo"),
        Value::from(String::from("short")),
        Value::from(vec![0u8, 1, 255]),
        Value::from(NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()),
        Value::from(NaiveTime::from_hms_micro_opt(13, 45, 30, 250_000).unwrap()),
        Value::from(
            NaiveDate::from_ymd_opt(2024, 1, 2)
                .unwrap()
                .and_hms_micro_opt(3, 4, 5, 123_456)
                .unwrap(),
        ),
        Value::from(Utc.with_ymd_and_hms(2024, 6, 30, 10, 0, 0).unwrap()),
        Value::from(uuid::Uuid::from_str("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11").unwrap()),
        Value::from(serde_json::json!({"b": 1, "a": [1, 2]})),
    ]
}

const INSERT_ALL: &str = "INSERT INTO typed VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)";

#[tokio::test]
async fn typed_parameters_and_typed_reads_round_trip() {
    let mut s = session().await;
    let result = s.execute(INSERT_ALL, &sample()).await.unwrap();
    assert_eq!(result.tag, CommandTag::Insert(1));
    assert_eq!(result.tag.to_string(), "INSERT 0 1");

    let rows = s
        .query("SELECT * FROM typed WHERE id = $1", &[Value::from(1)])
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    assert_eq!(r.get::<i32>("id").unwrap(), 1);
    assert!(r.get::<bool>("b").unwrap());
    assert_eq!(r.get::<i16>("i2").unwrap(), -7);
    assert_eq!(r.get::<i64>("i8").unwrap(), 9_000_000_000);
    assert_eq!(r.get::<f32>("f4").unwrap(), 1.5);
    assert_eq!(r.get::<f64>("f8").unwrap(), 0.1);
    assert_eq!(
        r.get::<Decimal>("n").unwrap(),
        Decimal::from_str("123.456").unwrap()
    );
    assert_eq!(r.get::<String>("t").unwrap(), "héllo");
    assert_eq!(r.get::<String>("vc").unwrap(), "short");
    assert_eq!(r.get::<Vec<u8>>("by").unwrap(), vec![0u8, 1, 255]);
    assert_eq!(
        r.get::<NaiveDate>("d").unwrap(),
        NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()
    );
    assert_eq!(
        r.get::<NaiveTime>("tm").unwrap(),
        NaiveTime::from_hms_micro_opt(13, 45, 30, 250_000).unwrap()
    );
    assert_eq!(
        r.get::<NaiveDateTime>("ts").unwrap(),
        NaiveDate::from_ymd_opt(2024, 1, 2)
            .unwrap()
            .and_hms_micro_opt(3, 4, 5, 123_456)
            .unwrap()
    );
    assert_eq!(
        r.get::<DateTime<Utc>>("tz").unwrap(),
        Utc.with_ymd_and_hms(2024, 6, 30, 10, 0, 0).unwrap()
    );
    assert_eq!(
        r.get::<uuid::Uuid>("u").unwrap().to_string(),
        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"
    );
    assert_eq!(
        r.get::<serde_json::Value>("j").unwrap(),
        serde_json::json!({"a": [1, 2], "b": 1})
    );
    // by position, too
    assert_eq!(r.get::<i32>(0).unwrap(), 1);
    assert_eq!(r.get::<String>(7).unwrap(), "héllo");
    // widening integer reads
    assert_eq!(r.get::<i64>("id").unwrap(), 1);
    assert_eq!(r.get::<i64>("i2").unwrap(), -7);
    // Display is PostgreSQL's text output
    let text: Vec<String> = r.values().iter().map(|v| v.to_string()).collect();
    assert_eq!(text[1], "t");
    assert_eq!(text[6], "123.456");
    assert_eq!(text[9], "\\x0001ff");
    assert_eq!(text[13], "2024-06-30 10:00:00+00");
    assert_eq!(text[15], r#"{"a": [1, 2], "b": 1}"#);
}

#[tokio::test]
async fn nulls_read_as_none_and_refuse_non_option_reads() {
    let mut s = session().await;
    s.execute("INSERT INTO typed (id) VALUES ($1)", &[Value::from(2)])
        .await
        .unwrap();
    let rows = s.query("SELECT t, i8, b FROM typed", &[]).await.unwrap();
    let r = &rows[0];
    assert_eq!(r.get::<Option<String>>("t").unwrap(), None);
    assert_eq!(r.get::<Option<i64>>(1).unwrap(), None);
    assert!(r.value("b").unwrap().is_null());
    assert!(
        r.get::<String>("t").is_err(),
        "NULL must not read as a String"
    );
    assert!(r.get::<i64>("i8").is_err(), "NULL must not read as an i64");
    // Option parameters bind NULL
    s.execute(
        "UPDATE typed SET t = $1 WHERE id = 2",
        &[Value::from(None::<String>)],
    )
    .await
    .unwrap();
    s.execute(
        "UPDATE typed SET i8 = $1 WHERE id = 2",
        &[Value::from(Some(5i64))],
    )
    .await
    .unwrap();
    let rows = s.query("SELECT t, i8 FROM typed", &[]).await.unwrap();
    assert_eq!(rows[0].get::<Option<String>>(0).unwrap(), None);
    assert_eq!(rows[0].get::<Option<i64>>(1).unwrap(), Some(5));
}

#[tokio::test]
async fn wrong_reads_are_errors_not_panics() {
    let mut s = session().await;
    s.execute(INSERT_ALL, &sample()).await.unwrap();
    let rows = s.query("SELECT id, t FROM typed", &[]).await.unwrap();
    let r = &rows[0];
    assert!(r.get::<i64>("t").is_err());
    assert!(r.get::<bool>("id").is_err());
    let e = r.get::<i32>("nope").unwrap_err();
    assert_eq!(e.sqlstate(), "42703");
    assert!(r.get::<i32>(99).is_err());
    assert!(r.value(2).is_err());
}

#[tokio::test]
async fn parameters_are_typed_by_their_context() {
    let mut s = session().await;
    s.execute(INSERT_ALL, &sample()).await.unwrap();
    // text parameters are read as the type the context needs, like PostgreSQL's unknown-typed params
    let rows = s
        .query(
            "SELECT id FROM typed WHERE d = $1 AND u = $2",
            &params!["2024-02-29", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"],
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    // an i64 parameter compared with an INT column
    let rows = s
        .query("SELECT id FROM typed WHERE id = $1", &[Value::from(1i64)])
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    // the same parameter used twice
    let rows = s
        .query("SELECT $1::int + $1::int AS twice", &[Value::from(21)])
        .await
        .unwrap();
    assert_eq!(rows[0].get::<i32>("twice").unwrap(), 42);
    // a parameter in the select list and in LIMIT
    let rows = s
        .query("SELECT t FROM typed LIMIT $1", &[Value::from(0i64)])
        .await
        .unwrap();
    assert!(rows.is_empty());
    // parameters never go through SQL text: quotes are data
    s.execute(
        "UPDATE typed SET t = $1 WHERE id = 1",
        &[Value::from("O'Reilly'); DROP TABLE typed; --")],
    )
    .await
    .unwrap();
    let rows = s.query("SELECT t FROM typed", &[]).await.unwrap();
    assert_eq!(
        rows[0].get::<String>(0).unwrap(),
        "O'Reilly'); DROP TABLE typed; --"
    );
    // an out-of-range parameter for the column type
    let e = s
        .execute(
            "UPDATE typed SET i2 = $1 WHERE id = 1",
            &[Value::from(100_000i64)],
        )
        .await
        .unwrap_err();
    assert_eq!(e.sqlstate(), "22003", "{e}");
}

#[tokio::test]
async fn too_few_and_too_many_parameters() {
    let mut s = session().await;
    let e = s
        .execute("SELECT $1::int, $2::text", &[Value::from(1)])
        .await
        .unwrap_err();
    assert_eq!(e.sqlstate(), "42P02", "{e}");
    let e = s
        .execute("SELECT $1::int", &[Value::from(1), Value::from(2)])
        .await
        .unwrap_err();
    assert!(["08P01", "22023", "42P02"].contains(&e.sqlstate()), "{e}");
    let e = s.execute("SELECT 1", &[Value::from(1)]).await.unwrap_err();
    assert!(["08P01", "22023", "42P02"].contains(&e.sqlstate()), "{e}");
    let gap = s
        .execute("SELECT $2::int", &[Value::from(1), Value::from(2)])
        .await;
    // PostgreSQL: could not determine data type of parameter $1 (42P18); tether may accept it
    if let Err(e) = gap {
        assert!(["42P18", "42P02"].contains(&e.sqlstate()), "{e}");
    }
}

#[tokio::test]
async fn params_macro_builds_value_lists() {
    let empty = params![];
    assert!(empty.is_empty());
    let list = params![1, "Ada", None::<i64>, 2.5f64, true];
    assert_eq!(list.len(), 5);
    assert!(matches!(list[0], Value::Int32(1)));
    assert!(matches!(&list[1], Value::Text(t) if &**t == "Ada"));
    assert!(list[2].is_null());
    assert!(matches!(list[3], Value::Float64(f) if f == 2.5));
    assert!(matches!(list[4], Value::Bool(true)));
    let mut s = session().await;
    s.execute(
        "INSERT INTO typed (id, t, i8) VALUES ($1, $2, $3)",
        &params![5, "five", None::<i64>],
    )
    .await
    .unwrap();
    let rows = s
        .query("SELECT t FROM typed WHERE id = $1", &params![5])
        .await
        .unwrap();
    assert_eq!(rows[0].get::<String>(0).unwrap(), "five");
}

#[tokio::test]
async fn prepared_statement_runs_many_times() {
    let mut s = session().await;
    let insert = s
        .prepare("INSERT INTO typed (id, t) VALUES ($1, $2)")
        .unwrap();
    assert_eq!(insert.sql(), "INSERT INTO typed (id, t) VALUES ($1, $2)");
    for i in 0..500 {
        let r = s
            .execute_prepared(&insert, &params![i, format!("row {i}")])
            .await
            .unwrap();
        assert_eq!(r.rows_affected(), 1);
    }
    let select = s.prepare("SELECT t FROM typed WHERE id = $1").unwrap();
    for i in (0..500).step_by(7) {
        let r = s.execute_prepared(&select, &params![i]).await.unwrap();
        assert_eq!(r.rows.len(), 1);
        assert_eq!(r.rows[0].get::<String>(0).unwrap(), format!("row {i}"));
    }
    // an error in one execution does not spoil the statement
    let e = s
        .execute_prepared(&insert, &params![1, "dup"])
        .await
        .unwrap_err();
    assert_eq!(e.sqlstate(), "23505");
    s.execute_prepared(&insert, &params![1000, "ok"])
        .await
        .unwrap();
    let count = s.query("SELECT count(*) FROM typed", &[]).await.unwrap();
    assert_eq!(count[0].get::<i64>(0).unwrap(), 501);
}

#[tokio::test]
async fn prepared_statement_is_replanned_after_ddl() {
    let mut s = session().await;
    s.execute_batch(
        "INSERT INTO typed (id, t, i8) VALUES (1, 'a', 10), (2, 'b', 20), (3, 'c', 20)",
    )
    .await
    .unwrap();
    let star = s.prepare("SELECT * FROM typed WHERE id = $1").unwrap();
    let by_i8 = s
        .prepare("SELECT id FROM typed WHERE i8 = $1 ORDER BY id")
        .unwrap();
    assert_eq!(
        s.execute_prepared(&star, &params![1])
            .await
            .unwrap()
            .columns
            .len(),
        16
    );
    assert_eq!(prepared_rows(&mut s, &by_i8, &params![20i64]).await, 2);

    // a new index: same answers (and now through the index)
    s.execute("CREATE INDEX typed_i8 ON typed (i8)", &[])
        .await
        .unwrap();
    let r = s.execute_prepared(&by_i8, &params![20i64]).await.unwrap();
    assert_eq!(
        r.rows
            .iter()
            .map(|r| r.get::<i32>(0).unwrap())
            .collect::<Vec<_>>(),
        vec![2, 3]
    );
    s.execute("INSERT INTO typed (id, i8) VALUES (4, 20)", &[])
        .await
        .unwrap();
    assert_eq!(prepared_rows(&mut s, &by_i8, &params![20i64]).await, 3);
    let plan = s
        .query("EXPLAIN SELECT id FROM typed WHERE i8 = 20", &[])
        .await
        .unwrap();
    let plan: Vec<String> = plan.iter().map(|r| r.get::<String>(0).unwrap()).collect();
    assert!(
        plan.iter().any(|l| l.contains("Index Scan using typed_i8")),
        "{plan:?}"
    );

    // ALTER TABLE ADD COLUMN: SELECT * sees the new column
    s.execute("ALTER TABLE typed ADD COLUMN extra TEXT DEFAULT 'x'", &[])
        .await
        .unwrap();
    let r = s.execute_prepared(&star, &params![1]).await.unwrap();
    assert_eq!(r.columns.len(), 17);
    assert_eq!(r.columns[16].name, "extra");
    assert_eq!(r.rows[0].get::<String>("extra").unwrap(), "x");

    // DROP COLUMN before a column the statement reads: still the right column
    s.execute("ALTER TABLE typed DROP COLUMN b", &[])
        .await
        .unwrap();
    let r = s.execute_prepared(&star, &params![1]).await.unwrap();
    assert_eq!(r.columns.len(), 16);
    assert_eq!(r.rows[0].get::<String>("t").unwrap(), "a");
    assert_eq!(
        s.execute_prepared(&by_i8, &params![10i64])
            .await
            .unwrap()
            .rows[0]
            .get::<i32>(0)
            .unwrap(),
        1
    );

    // dropping the index again: still correct
    s.execute("DROP INDEX typed_i8", &[]).await.unwrap();
    assert_eq!(prepared_rows(&mut s, &by_i8, &params![20i64]).await, 3);

    // renaming a column the statement uses: an error (42703), not a stale plan
    s.execute("ALTER TABLE typed RENAME COLUMN i8 TO big", &[])
        .await
        .unwrap();
    let e = s
        .execute_prepared(&by_i8, &params![20i64])
        .await
        .unwrap_err();
    assert_eq!(e.sqlstate(), "42703", "{e}");
    // dropping the table: 42P01
    s.execute("DROP TABLE typed", &[]).await.unwrap();
    let e = s.execute_prepared(&star, &params![1]).await.unwrap_err();
    assert_eq!(e.sqlstate(), "42P01", "{e}");
    // recreated with another shape: the statement binds to the new table
    s.execute(
        "CREATE TABLE typed (id INT PRIMARY KEY, only_col TEXT)",
        &[],
    )
    .await
    .unwrap();
    s.execute("INSERT INTO typed VALUES (1, 'new')", &[])
        .await
        .unwrap();
    let r = s.execute_prepared(&star, &params![1]).await.unwrap();
    assert_eq!(r.columns.len(), 2);
    assert_eq!(r.rows[0].get::<String>("only_col").unwrap(), "new");
}

#[tokio::test]
async fn prepared_statement_sees_ddl_from_another_session() {
    let db = Database::open_in_memory();
    let mut a = db.connect();
    let mut b = db.connect();
    a.execute("CREATE TABLE t (id INT PRIMARY KEY, v INT)", &[])
        .await
        .unwrap();
    a.execute("INSERT INTO t VALUES (1, 10)", &[])
        .await
        .unwrap();
    let stmt = a.prepare("SELECT * FROM t").unwrap();
    assert_eq!(
        a.execute_prepared(&stmt, &[]).await.unwrap().columns.len(),
        2
    );
    b.execute("ALTER TABLE t ADD COLUMN w INT DEFAULT 7", &[])
        .await
        .unwrap();
    let r = a.execute_prepared(&stmt, &[]).await.unwrap();
    assert_eq!(r.columns.len(), 3);
    assert_eq!(r.rows[0].get::<i32>("w").unwrap(), 7);
}

#[tokio::test]
async fn prepare_reports_syntax_errors_at_once() {
    let mut s = session().await;
    let e = s.prepare("SELEC 1").unwrap_err();
    assert_eq!(e.sqlstate(), "42601");
}

#[tokio::test]
async fn execute_batch_runs_every_statement_in_order() {
    let mut s = session().await;
    let results = s
        .execute_batch(
            "CREATE TABLE b (id INT PRIMARY KEY, v TEXT);
             INSERT INTO b VALUES (1, 'a'), (2, 'b');
             UPDATE b SET v = 'z' WHERE id = 2;
             SELECT * FROM b ORDER BY id;
             DELETE FROM b WHERE id = 1;
             -- a comment
             SELECT count(*) FROM b;",
        )
        .await
        .unwrap();
    let tags: Vec<String> = results.iter().map(|r| r.tag.to_string()).collect();
    assert_eq!(
        tags,
        vec![
            "CREATE TABLE",
            "INSERT 0 2",
            "UPDATE 1",
            "SELECT 2",
            "DELETE 1",
            "SELECT 1"
        ]
    );
    assert_eq!(results[3].rows[1].get::<String>("v").unwrap(), "z");
    assert_eq!(results[5].rows[0].get::<i64>(0).unwrap(), 1);
    // transaction control inside a batch
    s.execute_batch("BEGIN; INSERT INTO b VALUES (3, 'c'); ROLLBACK;")
        .await
        .unwrap();
    assert_eq!(s.transaction_status(), TransactionStatus::Idle);
    assert_eq!(first::<i64>(&mut s, "SELECT count(*) FROM b").await, 1);
    // empty batch
    assert!(s.execute_batch("").await.unwrap().is_empty());
    // a batch stops at the first error
    let e = s.execute_batch("INSERT INTO b VALUES (10, 'x'); INSERT INTO b VALUES (10, 'y'); INSERT INTO b VALUES (11, 'z');").await.unwrap_err();
    assert_eq!(e.sqlstate(), "23505");
    assert_eq!(
        first::<i64>(&mut s, "SELECT count(*) FROM b WHERE id = 11").await,
        0
    );
    // a syntax error anywhere in the batch runs nothing
    let e = s
        .execute_batch("INSERT INTO b VALUES (20, 'x'); SELEC 1;")
        .await
        .unwrap_err();
    assert_eq!(e.sqlstate(), "42601");
    assert_eq!(
        first::<i64>(&mut s, "SELECT count(*) FROM b WHERE id = 20").await,
        0
    );
}

#[tokio::test]
async fn result_metadata_and_tags() {
    let mut s = session().await;
    let r = s
        .execute(
            "INSERT INTO typed (id, t) VALUES (1, 'a'), (2, 'b') RETURNING id, t AS label",
            &[],
        )
        .await
        .unwrap();
    assert!(r.has_rows());
    assert_eq!(r.tag.to_string(), "INSERT 0 2");
    assert_eq!(
        r.columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        vec!["id", "label"]
    );
    assert_eq!(r.columns[0].data_type, DataType::Int32);
    assert_eq!(r.columns[1].data_type, DataType::Text);
    let r = s.execute("SELECT count(*), sum(id), avg(id), 1.5::float8 AS f, id + 1 FROM typed GROUP BY id ORDER BY id", &[]).await.unwrap();
    let names: Vec<&str> = r.columns.iter().map(|c| c.name.as_str()).collect();
    // PostgreSQL names unnamed result columns after the function, or ?column?
    assert_eq!(names, vec!["count", "sum", "avg", "f", "?column?"]);
    assert_eq!(r.columns[0].data_type, DataType::Int64);
    assert_eq!(r.columns[1].data_type, DataType::Int64);
    assert!(matches!(r.columns[2].data_type, DataType::Numeric { .. }));
    assert_eq!(r.columns[3].data_type, DataType::Float64);
    assert_eq!(r.tag.to_string(), "SELECT 2");
    let r = s.execute("UPDATE typed SET t = 'x'", &[]).await.unwrap();
    assert!(!r.has_rows());
    assert_eq!(r.tag, CommandTag::Update(2));
    assert_eq!(r.rows_affected(), 2);
    assert_eq!(
        tag(&mut s, "DELETE FROM typed WHERE id = 1").await,
        "DELETE 1"
    );
    assert_eq!(tag(&mut s, "BEGIN").await, "BEGIN");
    assert_eq!(s.transaction_status(), TransactionStatus::InTransaction);
    assert_eq!(tag(&mut s, "COMMIT").await, "COMMIT");
    assert_eq!(
        tag(&mut s, "CREATE INDEX ti ON typed (t)").await,
        "CREATE INDEX"
    );
    assert_eq!(tag(&mut s, "DROP TABLE typed").await, "DROP TABLE");
}

#[tokio::test]
async fn database_handles_share_data_and_sessions_are_independent() {
    let db = Database::open_in_memory();
    let clone = db.clone();
    let mut a = db.connect();
    a.execute("CREATE TABLE shared (x INT)", &[]).await.unwrap();
    a.execute("INSERT INTO shared VALUES (1)", &[])
        .await
        .unwrap();
    let mut b = clone.connect();
    assert_eq!(first::<i32>(&mut b, "SELECT x FROM shared").await, 1);
    // another database is separate
    let mut other = Database::open_in_memory().connect();
    assert_eq!(
        other
            .execute("SELECT * FROM shared", &[])
            .await
            .unwrap_err()
            .sqlstate(),
        "42P01"
    );
    // a session used from another thread
    let handle = std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(async move {
                b.execute("INSERT INTO shared VALUES (2)", &[])
                    .await
                    .unwrap();
            })
    });
    handle.join().unwrap();
    assert_eq!(first::<i64>(&mut a, "SELECT count(*) FROM shared").await, 2);
}

//! Bad input (issue 2, "Bad input"): every failure gets the PostgreSQL SQLSTATE and a message that
//! names what went wrong, never panics, and leaves the database exactly as it was before the
//! failing statement (nothing half-applied).

use tether_engine::{Database, Error, Session, TransactionStatus, Value};

/// Every row of a query as text, for before/after comparisons.
async fn dump(session: &mut Session, sql: &str) -> Vec<Vec<String>> {
    session
        .query(sql, &[])
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .iter()
        .map(|row| row.values().iter().map(|v| v.to_string()).collect())
        .collect()
}

async fn setup() -> (Database, Session) {
    let db = Database::open_in_memory();
    let mut s = db.connect();
    s.execute_batch(
        "CREATE TABLE t (
            id INT PRIMARY KEY,
            name TEXT NOT NULL,
            qty INT CHECK (qty >= 0),
            price NUMERIC(5,2),
            flag BOOLEAN,
            email TEXT,
            CONSTRAINT t_email_unique UNIQUE (email)
        );
        INSERT INTO t VALUES (1, 'one', 1, 1.00, true, 'a@x'), (2, 'two', 2, 2.00, false, 'b@x');",
    )
    .await
    .expect("setup");
    (db, s)
}

const ALL: &str = "SELECT * FROM t ORDER BY id";

/// Runs `sql`, expects it to fail with `code`, checks the database is unchanged, returns the error.
async fn expect_error(s: &mut Session, sql: &str, params: &[Value], code: &str) -> Error {
    let before = dump(s, ALL).await;
    let err = match s.execute(sql, params).await {
        Ok(r) => panic!(
            "{sql}: expected SQLSTATE {code}, but it succeeded with {}",
            r.tag
        ),
        Err(e) => e,
    };
    assert_eq!(
        err.sqlstate(),
        code,
        "{sql}: wrong SQLSTATE for error: {err}"
    );
    assert_eq!(
        s.transaction_status(),
        TransactionStatus::Idle,
        "{sql}: autocommit session must stay idle"
    );
    assert_eq!(
        dump(s, ALL).await,
        before,
        "{sql}: the failed statement changed the data"
    );
    err
}

fn assert_mentions(err: &Error, needles: &[&str]) {
    let text = err.to_string();
    for needle in needles {
        assert!(
            text.contains(needle),
            "error message {text:?} should mention {needle:?}"
        );
    }
}

// ---------------------------------------------------------------- syntax (42601)

#[tokio::test]
async fn syntax_error_reports_line_and_column_of_a_multi_line_statement() {
    let (_db, mut s) = setup().await;
    let sql = "SELECT id,\n       name\nFROM t\nWHERE id = = 1";
    let err = expect_error(&mut s, sql, &[], "42601").await;
    match &err {
        Error::Syntax {
            line,
            column,
            message,
        } => {
            assert_eq!(*line, 4, "{err}");
            assert_eq!(
                *column, 12,
                "{err}: the second '=' is at column 12 of line 4"
            );
            assert!(!message.is_empty());
        }
        other => panic!("expected Error::Syntax, got {other:?}"),
    }
    assert_mentions(&err, &["line 4", "column 12"]);
    // "what was expected"
    assert!(err.to_string().to_lowercase().contains("expected"), "{err}");
}

#[tokio::test]
async fn syntax_errors_of_several_shapes() {
    let (_db, mut s) = setup().await;
    let err = expect_error(&mut s, "SELEC 1", &[], "42601").await;
    assert_mentions(&err, &["line 1", "column 1"]);
    let err = expect_error(&mut s, "SELECT * FROM t WHERE", &[], "42601").await;
    assert_mentions(&err, &["line 1"]);
    let err = expect_error(
        &mut s,
        "INSERT INTO t VALUES (1, 'unterminated)",
        &[],
        "42601",
    )
    .await;
    assert_mentions(&err, &["line 1"]);
    let err = expect_error(
        &mut s,
        "CREATE TABLE x (a INT,\n  b TEXT,\n  )",
        &[],
        "42601",
    )
    .await;
    assert_mentions(&err, &["line 3"]);
    expect_error(&mut s, "SELECT 1 +", &[], "42601").await;
    expect_error(&mut s, "UPDATE t SET WHERE id = 1", &[], "42601").await;
}

#[tokio::test]
async fn execute_takes_exactly_one_statement() {
    let (_db, mut s) = setup().await;
    // two statements: neither runs
    let before = dump(&mut s, ALL).await;
    let result = s
        .execute(
            "DELETE FROM t WHERE id = 1; DELETE FROM t WHERE id = 2",
            &[],
        )
        .await;
    assert!(result.is_err(), "execute must refuse two statements");
    assert_eq!(dump(&mut s, ALL).await, before);
    // no statement at all
    assert!(s.execute("", &[]).await.is_err());
    assert!(s.execute("   -- just a comment", &[]).await.is_err());
}

#[tokio::test]
async fn deeply_nested_expression_is_an_error_not_a_crash() {
    let (_db, mut s) = setup().await;
    let depth = 5000;
    let sql = format!("SELECT {}1{}", "(".repeat(depth), ")".repeat(depth));
    let result = s.execute(&sql, &[]).await;
    // PostgreSQL answers 54001 (stack depth limit exceeded); any typed error is acceptable here,
    // what matters is that the process does not abort.
    assert!(result.is_err(), "5000 nested parentheses should be refused");
    assert_eq!(dump(&mut s, ALL).await.len(), 2);
}

// ---------------------------------------------------------------- names (42P01, 42703)

#[tokio::test]
async fn unknown_table() {
    let (_db, mut s) = setup().await;
    for sql in [
        "SELECT * FROM missing",
        "INSERT INTO missing VALUES (1)",
        "UPDATE missing SET a = 1",
        "DELETE FROM missing",
        "DROP TABLE missing",
        "ALTER TABLE missing ADD COLUMN a INT",
        "CREATE INDEX i ON missing (a)",
        "SELECT * FROM public.missing",
    ] {
        let err = expect_error(&mut s, sql, &[], "42P01").await;
        assert_mentions(&err, &["missing", "does not exist"]);
    }
}

#[tokio::test]
async fn unknown_column() {
    let (_db, mut s) = setup().await;
    for sql in [
        "SELECT nope FROM t",
        "SELECT id FROM t WHERE nope = 1",
        "SELECT id FROM t ORDER BY nope",
        "SELECT count(*) FROM t GROUP BY nope",
        "INSERT INTO t (id, nope) VALUES (3, 1)",
        "UPDATE t SET nope = 1",
        "UPDATE t SET name = 'x' WHERE nope = 1",
        "DELETE FROM t WHERE nope IS NULL",
        "INSERT INTO t (id, name) VALUES (3, 'c') RETURNING nope",
        "CREATE INDEX i ON t (nope)",
        "SELECT t.nope FROM t",
    ] {
        let err = expect_error(&mut s, sql, &[], "42703").await;
        assert_mentions(&err, &["nope", "does not exist"]);
    }
}

// ---------------------------------------------------------------- types (42804, 22P02)

#[tokio::test]
async fn datatype_mismatch() {
    let (_db, mut s) = setup().await;
    // PostgreSQL: column "flag" is of type boolean but expression is of type integer
    let err = expect_error(
        &mut s,
        "INSERT INTO t (id, name, flag) VALUES (3, 'c', 5)",
        &[],
        "42804",
    )
    .await;
    assert_mentions(&err, &["flag", "boolean", "integer"]);
    let err = expect_error(&mut s, "UPDATE t SET qty = true WHERE id = 1", &[], "42804").await;
    assert_mentions(&err, &["qty", "integer", "boolean"]);
    // argument of WHERE must be type boolean, not type integer
    let err = expect_error(&mut s, "SELECT * FROM t WHERE qty", &[], "42804").await;
    assert_mentions(&err, &["WHERE", "boolean"]);
    let err = expect_error(
        &mut s,
        "INSERT INTO t (id, name, price) VALUES (3, 'c', DATE '2024-01-01')",
        &[],
        "42804",
    )
    .await;
    assert_mentions(&err, &["price", "date"]);
}

#[tokio::test]
async fn invalid_text_representation_names_the_value() {
    let (_db, mut s) = setup().await;
    let err = expect_error(
        &mut s,
        "INSERT INTO t (id, name) VALUES ('abc', 'x')",
        &[],
        "22P02",
    )
    .await;
    assert_mentions(&err, &["integer", "\"abc\""]);
    let err = expect_error(&mut s, "SELECT * FROM t WHERE id = 'one'", &[], "22P02").await;
    assert_mentions(&err, &["integer", "\"one\""]);
    let err = expect_error(&mut s, "UPDATE t SET flag = 'perhaps'", &[], "22P02").await;
    assert_mentions(&err, &["boolean", "\"perhaps\""]);
    let err = expect_error(&mut s, "UPDATE t SET price = '1.2.3'", &[], "22P02").await;
    assert_mentions(&err, &["numeric", "\"1.2.3\""]);
    let err = expect_error(&mut s, "SELECT 'zz'::uuid", &[], "22P02").await;
    assert_mentions(&err, &["uuid", "\"zz\""]);
    // a parameter whose text is not an integer
    let err = expect_error(
        &mut s,
        "SELECT * FROM t WHERE id = $1",
        &[Value::from("x1")],
        "22P02",
    )
    .await;
    assert_mentions(&err, &["integer", "\"x1\""]);
}

// ---------------------------------------------------------------- constraints (23505, 23502, 23514)

#[tokio::test]
async fn unique_violation_names_constraint_and_value() {
    let (_db, mut s) = setup().await;
    let err = expect_error(
        &mut s,
        "INSERT INTO t (id, name) VALUES (1, 'dup')",
        &[],
        "23505",
    )
    .await;
    assert_mentions(&err, &["t_pkey", "(id)=(1)"]);
    let err = expect_error(
        &mut s,
        "INSERT INTO t (id, name, email) VALUES (3, 'c', 'a@x')",
        &[],
        "23505",
    )
    .await;
    assert_mentions(&err, &["t_email_unique", "(email)=(a@x)"]);
    let err = expect_error(&mut s, "UPDATE t SET id = 1 WHERE id = 2", &[], "23505").await;
    assert_mentions(&err, &["t_pkey", "(id)=(1)"]);
    // a duplicate inside one multi-row INSERT
    let err = expect_error(
        &mut s,
        "INSERT INTO t (id, name) VALUES (5, 'a'), (6, 'b'), (5, 'c')",
        &[],
        "23505",
    )
    .await;
    assert_mentions(&err, &["t_pkey", "(id)=(5)"]);
    // a unique index
    s.execute("CREATE UNIQUE INDEX t_name_idx ON t (name)", &[])
        .await
        .unwrap();
    let err = expect_error(
        &mut s,
        "INSERT INTO t (id, name) VALUES (7, 'one')",
        &[],
        "23505",
    )
    .await;
    assert_mentions(&err, &["t_name_idx", "(name)=(one)"]);
    // composite key shows every column and value
    s.execute("CREATE TABLE c (a INT, b TEXT, PRIMARY KEY (a, b))", &[])
        .await
        .unwrap();
    s.execute("INSERT INTO c VALUES (1, 'x')", &[])
        .await
        .unwrap();
    let err = s
        .execute("INSERT INTO c VALUES (1, 'x')", &[])
        .await
        .unwrap_err();
    assert_eq!(err.sqlstate(), "23505");
    assert_mentions(&err, &["c_pkey", "(a, b)=(1, x)"]);
}

#[tokio::test]
async fn not_null_violation() {
    let (_db, mut s) = setup().await;
    let err = expect_error(&mut s, "INSERT INTO t (id) VALUES (3)", &[], "23502").await;
    assert_mentions(&err, &["\"name\"", "\"t\""]);
    let err = expect_error(
        &mut s,
        "UPDATE t SET name = NULL WHERE id = 2",
        &[],
        "23502",
    )
    .await;
    assert_mentions(&err, &["\"name\""]);
    let err = expect_error(
        &mut s,
        "INSERT INTO t (id, name) VALUES (NULL, 'x')",
        &[],
        "23502",
    )
    .await;
    assert_mentions(&err, &["\"id\""]);
    let err = expect_error(
        &mut s,
        "INSERT INTO t (id, name) VALUES ($1, $2)",
        &[Value::from(9), Value::Null],
        "23502",
    )
    .await;
    assert_mentions(&err, &["\"name\""]);
}

#[tokio::test]
async fn check_violation_names_the_constraint() {
    let (_db, mut s) = setup().await;
    let err = expect_error(
        &mut s,
        "INSERT INTO t (id, name, qty) VALUES (3, 'c', -1)",
        &[],
        "23514",
    )
    .await;
    assert_mentions(&err, &["t_qty_check", "\"t\""]);
    let err = expect_error(&mut s, "UPDATE t SET qty = qty - 2", &[], "23514").await;
    assert_mentions(&err, &["t_qty_check"]);
}

// ---------------------------------------------------------------- arithmetic (22012, 22003)

#[tokio::test]
async fn division_by_zero() {
    let (_db, mut s) = setup().await;
    for sql in [
        "SELECT 1 / 0",
        "SELECT 1.0 / 0",
        "SELECT 10 % 0",
        "SELECT id / (qty - 1) FROM t",
        "UPDATE t SET qty = 10 / (qty - 2) + 100",
        "DELETE FROM t WHERE 1 / (id - 2) = 1",
        "INSERT INTO t (id, name) VALUES (3, 'c'), (4 / 0, 'd')",
    ] {
        let err = expect_error(&mut s, sql, &[], "22012").await;
        assert_mentions(&err, &["division by zero"]);
    }
}

#[tokio::test]
async fn numeric_out_of_range() {
    let (_db, mut s) = setup().await;
    for (sql, needle) in [
        ("SELECT 2147483647 + 1", "integer out of range"),
        ("SELECT 9223372036854775807 * 2", "bigint out of range"),
        ("SELECT 40000::smallint", "smallint out of range"),
        ("SELECT (-2147483648) * -1", "integer out of range"),
        (
            "INSERT INTO t (id, name) VALUES (2147483648, 'big')",
            "integer out of range",
        ),
        // NUMERIC(5,2) holds at most 999.99
        (
            "INSERT INTO t (id, name, price) VALUES (3, 'c', 1000)",
            "numeric field overflow",
        ),
        (
            "UPDATE t SET price = price * 1000",
            "numeric field overflow",
        ),
        (
            "UPDATE t SET qty = qty + 2147483647",
            "integer out of range",
        ),
        ("SELECT 1e308::float8 * 10", "out of range"),
    ] {
        let err = expect_error(&mut s, sql, &[], "22003").await;
        assert_mentions(&err, &[needle]);
    }
}

// ---------------------------------------------------------------- nothing half-applied

#[tokio::test]
async fn multi_row_insert_failing_on_the_third_row_leaves_no_row() {
    let (_db, mut s) = setup().await;
    s.execute(
        "CREATE TABLE m (id INT PRIMARY KEY, v INT NOT NULL CHECK (v < 100))",
        &[],
    )
    .await
    .unwrap();
    for (sql, code) in [
        ("INSERT INTO m VALUES (1, 1), (2, 2), (3, NULL)", "23502"),
        ("INSERT INTO m VALUES (1, 1), (2, 2), (1, 3)", "23505"),
        ("INSERT INTO m VALUES (1, 1), (2, 2), (3, 100)", "23514"),
        ("INSERT INTO m VALUES (1, 1), (2, 2), (3, 1 / 0)", "22012"),
        ("INSERT INTO m VALUES (1, 1), (2, 2), (3, 'x')", "22P02"),
    ] {
        let err = s.execute(sql, &[]).await.expect_err(sql);
        assert_eq!(err.sqlstate(), code, "{sql}: {err}");
        assert_eq!(
            dump(&mut s, "SELECT * FROM m").await,
            Vec::<Vec<String>>::new(),
            "{sql} left rows behind"
        );
    }
    // the keys of the rolled-back rows are free
    s.execute("INSERT INTO m VALUES (1, 1), (2, 2), (3, 3)", &[])
        .await
        .unwrap();
    assert_eq!(
        dump(&mut s, "SELECT count(*) FROM m").await,
        vec![vec!["3".to_string()]]
    );
}

#[tokio::test]
async fn failing_update_and_delete_change_nothing() {
    let (_db, mut s) = setup().await;
    s.execute(
        "CREATE TABLE u (id INT PRIMARY KEY, v INT CHECK (v <> 3))",
        &[],
    )
    .await
    .unwrap();
    s.execute("INSERT INTO u VALUES (1, 0), (2, 1), (3, 2), (4, 10)", &[])
        .await
        .unwrap();
    let before = dump(&mut s, "SELECT * FROM u ORDER BY id").await;
    // v + 1 hits the CHECK on the third row only
    let err = s.execute("UPDATE u SET v = v + 1", &[]).await.unwrap_err();
    assert_eq!(err.sqlstate(), "23514");
    assert_eq!(dump(&mut s, "SELECT * FROM u ORDER BY id").await, before);
    // the divisor is zero for the last row only
    let err = s
        .execute("DELETE FROM u WHERE 10 / (10 - v) >= 0", &[])
        .await
        .unwrap_err();
    assert_eq!(err.sqlstate(), "22012");
    assert_eq!(dump(&mut s, "SELECT * FROM u ORDER BY id").await, before);
    // primary key collision in the middle of a multi-row update
    let err = s
        .execute("UPDATE u SET id = id + 1 WHERE id < 4", &[])
        .await;
    // PostgreSQL checks uniqueness per row (non-deferrable): whether this collides depends on
    // the order rows are visited; either way the result must be all-or-nothing.
    match err {
        Ok(_) => {
            assert_eq!(
                dump(&mut s, "SELECT id, v FROM u ORDER BY id").await,
                vec![
                    vec!["2", "0"],
                    vec!["3", "1"],
                    vec!["4", "2"],
                    vec!["4", "10"]
                ]
                .into_iter()
                .map(|r| r.into_iter().map(String::from).collect::<Vec<_>>())
                .collect::<Vec<_>>(),
                "an UPDATE that succeeded must not leave duplicate keys"
            );
            panic!("UPDATE u SET id = id + 1 WHERE id < 4 should have failed: id 4 exists");
        }
        Err(e) => {
            assert_eq!(e.sqlstate(), "23505", "{e}");
            assert_eq!(dump(&mut s, "SELECT * FROM u ORDER BY id").await, before);
        }
    }
}

#[tokio::test]
async fn failed_ddl_changes_nothing() {
    let (_db, mut s) = setup().await;
    // unique index over duplicate data
    s.execute("INSERT INTO t (id, name) VALUES (3, 'one')", &[])
        .await
        .unwrap();
    let err = s
        .execute("CREATE UNIQUE INDEX t_name_unique ON t (name)", &[])
        .await
        .unwrap_err();
    assert_eq!(err.sqlstate(), "23505", "{err}");
    assert_mentions(&err, &["t_name_unique"]);
    // the index does not exist afterwards: the name is free and duplicates still insert
    s.execute("INSERT INTO t (id, name) VALUES (4, 'one')", &[])
        .await
        .unwrap();
    s.execute("CREATE INDEX t_name_unique ON t (name)", &[])
        .await
        .unwrap();
    // NOT NULL column added to a table with rows
    let err = s
        .execute("ALTER TABLE t ADD COLUMN must INT NOT NULL", &[])
        .await
        .unwrap_err();
    assert_eq!(err.sqlstate(), "23502", "{err}");
    let cols = s
        .execute("SELECT * FROM t", &[])
        .await
        .unwrap()
        .columns
        .len();
    assert_eq!(cols, 6, "the failed ADD COLUMN must not add a column");
    // duplicate table
    let err = s.execute("CREATE TABLE t (x INT)", &[]).await.unwrap_err();
    assert_eq!(err.sqlstate(), "42P07");
    assert_mentions(&err, &["\"t\"", "already exists"]);
}

// ---------------------------------------------------------------- aborted transactions (25P02)

#[tokio::test]
async fn failed_statement_aborts_the_transaction_until_rollback() {
    let (_db, mut s) = setup().await;
    let before = dump(&mut s, ALL).await;
    s.execute("BEGIN", &[]).await.unwrap();
    s.execute("INSERT INTO t (id, name) VALUES (10, 'ten')", &[])
        .await
        .unwrap();
    let err = s
        .execute("INSERT INTO t (id, name) VALUES (1, 'dup')", &[])
        .await
        .unwrap_err();
    assert_eq!(err.sqlstate(), "23505");
    assert_eq!(s.transaction_status(), TransactionStatus::Failed);
    for sql in [
        "SELECT 1",
        "SELECT * FROM t",
        "INSERT INTO t (id, name) VALUES (11, 'x')",
        "BEGIN",
        "SELECT * FROM missing",
    ] {
        let err = s.execute(sql, &[]).await.unwrap_err();
        assert_eq!(err.sqlstate(), "25P02", "{sql}: {err}");
        assert_mentions(&err, &["current transaction is aborted"]);
        assert_eq!(s.transaction_status(), TransactionStatus::Failed);
    }
    // prepared statements and batches are refused too
    let prepared = s
        .prepare("SELECT 1")
        .expect("prepare does not need a transaction");
    assert_eq!(
        s.execute_prepared(&prepared, &[])
            .await
            .unwrap_err()
            .sqlstate(),
        "25P02"
    );
    assert_eq!(
        s.execute_batch("SELECT 1; SELECT 2")
            .await
            .unwrap_err()
            .sqlstate(),
        "25P02"
    );
    let result = s.execute("ROLLBACK", &[]).await.unwrap();
    assert_eq!(result.tag.to_string(), "ROLLBACK");
    assert_eq!(s.transaction_status(), TransactionStatus::Idle);
    assert_eq!(
        dump(&mut s, ALL).await,
        before,
        "the aborted transaction's insert must be gone"
    );
    s.execute("SELECT 1", &[]).await.unwrap();
}

#[tokio::test]
async fn commit_of_a_failed_transaction_rolls_back() {
    let (_db, mut s) = setup().await;
    let before = dump(&mut s, ALL).await;
    s.execute("BEGIN", &[]).await.unwrap();
    s.execute("UPDATE t SET name = 'changed'", &[])
        .await
        .unwrap();
    s.execute("CREATE TABLE newt (x INT)", &[]).await.unwrap();
    // errors found while binding (unknown table) abort the block as well
    let err = s.execute("SELECT * FROM missing", &[]).await.unwrap_err();
    assert_eq!(err.sqlstate(), "42P01");
    assert_eq!(s.transaction_status(), TransactionStatus::Failed);
    let result = s.execute("COMMIT", &[]).await.unwrap();
    assert_eq!(
        result.tag.to_string(),
        "ROLLBACK",
        "PostgreSQL answers COMMIT of a failed block with ROLLBACK"
    );
    assert_eq!(s.transaction_status(), TransactionStatus::Idle);
    assert_eq!(dump(&mut s, ALL).await, before);
    assert_eq!(
        s.execute("SELECT * FROM newt", &[])
            .await
            .unwrap_err()
            .sqlstate(),
        "42P01"
    );
}

#[tokio::test]
async fn syntax_error_inside_a_transaction_aborts_it() {
    let (_db, mut s) = setup().await;
    s.execute("BEGIN", &[]).await.unwrap();
    s.execute("DELETE FROM t WHERE id = 1", &[]).await.unwrap();
    let err = s.execute("DELET FROM t", &[]).await.unwrap_err();
    assert_eq!(err.sqlstate(), "42601");
    assert_eq!(
        s.transaction_status(),
        TransactionStatus::Failed,
        "a syntax error aborts the block, as in PostgreSQL"
    );
    assert_eq!(
        s.execute("SELECT 1", &[]).await.unwrap_err().sqlstate(),
        "25P02"
    );
    s.execute("ROLLBACK", &[]).await.unwrap();
    assert_eq!(dump(&mut s, ALL).await.len(), 2);
}

#[tokio::test]
async fn other_sessions_are_not_affected_by_an_aborted_transaction() {
    let (db, mut s) = setup().await;
    let mut other = db.connect();
    s.execute("BEGIN", &[]).await.unwrap();
    s.execute("UPDATE t SET qty = 5 WHERE id = 1", &[])
        .await
        .unwrap();
    s.execute("SELECT 1 / 0", &[]).await.unwrap_err();
    // the failed block still holds its row lock until it ends, but reads are unaffected
    assert_eq!(
        dump(&mut other, "SELECT qty FROM t WHERE id = 1").await,
        vec![vec!["1".to_string()]]
    );
    s.execute("ROLLBACK", &[]).await.unwrap();
    other
        .execute("UPDATE t SET qty = 6 WHERE id = 1", &[])
        .await
        .unwrap();
    assert_eq!(
        dump(&mut s, "SELECT qty FROM t WHERE id = 1").await,
        vec![vec!["6".to_string()]]
    );
}

// ---------------------------------------------------------------- misc

#[tokio::test]
async fn transaction_control_errors() {
    let (_db, mut s) = setup().await;
    let err = s.execute("COMMIT", &[]).await;
    // PostgreSQL only warns (25P01) for COMMIT/ROLLBACK outside a block; tether may error with 25P01
    if let Err(e) = err {
        assert_eq!(e.sqlstate(), "25P01", "{e}");
    }
    s.execute("BEGIN", &[]).await.unwrap();
    let err = s.execute("BEGIN", &[]).await;
    if let Err(e) = err {
        assert_eq!(e.sqlstate(), "25001", "{e}");
    }
    assert_eq!(
        s.transaction_status(),
        TransactionStatus::InTransaction,
        "a second BEGIN must not abort the block"
    );
    s.execute("ROLLBACK", &[]).await.unwrap();
}

#[tokio::test]
async fn wrong_number_of_parameters() {
    let (_db, mut s) = setup().await;
    let err = expect_error(
        &mut s,
        "SELECT * FROM t WHERE id = $1 AND name = $2",
        &[Value::from(1)],
        "42P02",
    )
    .await;
    assert_mentions(&err, &["$2"]);
    let err = s
        .execute(
            "SELECT * FROM t WHERE id = $1",
            &[Value::from(1), Value::from(2)],
        )
        .await
        .unwrap_err();
    // PostgreSQL: 08P01 "bind message supplies 2 parameters, but prepared statement requires 1"
    assert!(
        ["08P01", "22023", "42P02"].contains(&err.sqlstate()),
        "{err}"
    );
    assert_mentions(&err, &["2"]);
}

#[tokio::test]
async fn errors_do_not_poison_the_database_for_other_sessions() {
    let (db, mut s) = setup().await;
    for sql in [
        "SELEC",
        "SELECT * FROM nope",
        "INSERT INTO t (id, name) VALUES (1, 'x')",
        "SELECT 1/0",
    ] {
        let _ = s.execute(sql, &[]).await.unwrap_err();
    }
    let mut fresh = db.connect();
    assert_eq!(
        dump(&mut fresh, "SELECT id, name FROM t ORDER BY id").await,
        vec![vec!["1", "one"], vec!["2", "two"]]
            .into_iter()
            .map(|r| r.into_iter().map(String::from).collect::<Vec<_>>())
            .collect::<Vec<_>>()
    );
    fresh
        .execute("INSERT INTO t (id, name) VALUES (3, 'three')", &[])
        .await
        .unwrap();
    assert_eq!(
        dump(&mut s, "SELECT count(*) FROM t").await,
        vec![vec!["3".to_string()]]
    );
}

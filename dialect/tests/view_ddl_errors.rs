//! Every error of tether's view statements, with its exact position and message.

use tether_dialect::parse_tether;

/// (line, column, message) of the error `sql` must fail with.
fn error(sql: &str) -> (u64, u64, String) {
    match parse_tether(sql) {
        Ok(statements) => panic!("{sql} parsed: {statements:?}"),
        Err(e) => (e.line, e.column, e.message),
    }
}

#[test]
fn every_error_has_its_position_and_message() {
    let cases: &[(&str, u64, u64, &str)] = &[
        ("CREATE REALTIME VIEW v AS SELECT a FROM t WITH (replicaton_origin = 'postgres:p')", 1, 49, "unknown option \"replicaton_origin\" (expected replication_origin, upstream_mvcc_key or write_policy)"),
        ("CREATE REALTIME VIEW v AS SELECT a FROM t\n  WITH (replication_origin = 'sqlite:p')", 2, 30, "unknown origin kind \"sqlite\" in replication_origin (expected postgres, mysql or tether)"),
        ("CREATE REALTIME VIEW v AS SELECT a FROM t WITH (replication_origin = 'postgres:')", 1, 70, "replication_origin 'postgres:' has an empty origin name (expected 'postgres:<name>')"),
        ("CREATE REALTIME VIEW v AS SELECT a FROM t WITH (replication_origin = 'postgres')", 1, 70, "replication_origin 'postgres' must have the form '<kind>:<name>' (kind postgres, mysql or tether), e.g. 'postgres:primary'"),
        ("CREATE REALTIME VIEW v AS SELECT a FROM t WITH (replication_origin = postgres)", 1, 70, "replication_origin must be a quoted string like 'postgres:primary', found postgres"),
        ("CREATE REALTIME VIEW v AS SELECT a FROM t WITH (replication_origin = 'tether:a b')", 1, 70, "replication_origin 'tether:a b' has whitespace in its origin name"),
        ("CREATE REALTIME VIEW v AS SELECT a FROM t WITH (replication_origin = 'tether:a', write_policy = 'eventual')", 1, 97, "invalid write_policy 'eventual' (expected 'origin_first' or 'local_first')"),
        ("CREATE REALTIME VIEW v AS SELECT a FROM t WITH (replication_origin = 'tether:a', replication_origin = 'tether:b')", 1, 82, "option replication_origin is given twice"),
        ("CREATE REALTIME VIEW v AS SELECT a FROM t WITH (write_policy = 'local_first')", 1, 43, "a REALTIME view needs WITH (replication_origin = '<kind>:<name>')"),
        ("CREATE REALTIME VIEW v AS SELECT a FROM t", 1, 8, "a REALTIME view needs WITH (replication_origin = '<kind>:<name>')"),
        ("CREATE MATERIALIZED VIEW v AS SELECT a FROM t", 1, 8, "a MATERIALIZED view needs WITH (replication_origin = '<kind>:<name>'): tether has no local materialized views"),
        ("CREATE REALTIME VIEW v AS SELECT a FROM t WITH (upstream_mvcc_key = 5, replication_origin = 'tether:a')", 1, 69, "upstream_mvcc_key must be a column name, found 5"),
        ("CREATE REALTIME VIEW v AS SELECT a FROM t WITH (upstream_mvcc_key = '', replication_origin = 'tether:a')", 1, 69, "upstream_mvcc_key must name a column, found ''"),
        ("CREATE REALTIME VIEW v AS SELECT a FROM t WITH (replication_origin 'tether:a')", 1, 68, "expected = after replication_origin, found 'tether:a'"),
        ("CREATE REALTIME VIEW v AS SELECT a FROM t WITH (replication_origin = 'tether:a' write_policy = 'local_first')", 1, 81, "expected , or ) after the value of replication_origin, found write_policy"),
        ("CREATE REALTIME VIEW v AS SELECT a FROM t WITH ()", 1, 49, "expected an option name (replication_origin, upstream_mvcc_key or write_policy), found )"),
        ("CREATE REALTIME VIEW v WITH (replication_origin = 'tether:a') AS SELECT a FROM t WITH (write_policy = 'local_first')", 1, 82, "view options are given twice: write one WITH (...) list, before AS or after the query"),
        ("CREATE REALTIME VIEW v AS SELECT a FROM t WITH (replication_origin = 'tether:a') x", 1, 82, "expected end of statement or WITH (options) after the view query, found x"),
        ("CREATE REALTIME VIEW v AS SELECT a FROM t WITH (NOLOCK) WHERE a > 1 WITH (replication_origin = 'tether:a')", 1, 41, "table hints (WITH (...) after a table) are not supported in a view query; view options go at the end of the statement or before AS"),
        ("CREATE OR REPLACE REALTIME VIEW IF NOT EXISTS v AS SELECT a FROM t WITH (replication_origin = 'tether:a')", 1, 33, "OR REPLACE and IF NOT EXISTS cannot be used together"),
        ("CREATE REALTIME TABLE v AS SELECT a FROM t WITH (replication_origin = 'tether:a')", 1, 17, "Expected: VIEW, found: TABLE"),
        ("CREATE REALTIME VIEW AS SELECT a FROM t WITH (replication_origin = 'tether:a')", 1, 22, "expected the view name, found AS"),
        ("CREATE REALTIME VIEW v SELECT a FROM t WITH (replication_origin = 'tether:a')", 1, 24, "Expected: AS, found: SELECT"),
        ("CREATE REALTIME VIEW v AS SELEC a FROM t WITH (replication_origin = 'tether:a')", 1, 27, "Expected: SELECT, VALUES, or a subquery in the query body, found: SELEC"),
        ("CREATE REALTIME VIEW v AS SELECT a FROM WITH (replication_origin = 'tether:a')", 1, 41, "Expected: identifier, found: EOF"),
        ("CREATE REALTIME VIEW v AS SELECT a FROM t WITH (replication_origin = 'tether:a'", 1, 80, "Expected: ), found: EOF"),
        ("CREATE REALTIME VIEW v AS", 1, 26, "Expected: SELECT, VALUES, or a subquery in the query body, found: EOF"),
        ("CREATE VIEW v AS SELECT a FROM t WITH (replication_origin = 'tether:a')", 1, 34, "WITH (...) after the query is only allowed on REALTIME and MATERIALIZED views (write CREATE REALTIME VIEW name AS query WITH (replication_origin = '<kind>:<name>'))"),
        ("CREATE VIEW v WITH (security_barrier = true, write_policy = 'local_first') AS SELECT a FROM t", 1, 46, "option write_policy needs a REALTIME or MATERIALIZED view (write CREATE REALTIME VIEW or CREATE MATERIALIZED VIEW)"),
        ("REFRESH REALTIME VIEW", 1, 22, "Expected: identifier, found: EOF"),
        ("REFRESH MATERIALIZED VIEW CONCURRENTLY v", 1, 27, "REFRESH ... VIEW CONCURRENTLY is not supported (expected the view name)"),
        ("REFRESH REALTIME TABLE v", 1, 18, "Expected: VIEW, found: TABLE"),
        ("REFRESH VIEW v w", 1, 16, "expected end of statement, found w"),
        ("DROP REALTIME VIEW", 1, 19, "Expected: identifier, found: EOF"),
        ("DROP REALTIME VIEW v w", 1, 22, "expected end of statement, found w"),
        ("DROP REALTIME TABLE v", 1, 15, "Expected: VIEW, found: TABLE"),
        ("ALTER VIEW v SET (replication_origin = 'x:y')", 1, 40, "unknown origin kind \"x\" in replication_origin (expected postgres, mysql or tether)"),
        ("ALTER VIEW v RESET (replication_origin)", 1, 21, "replication_origin cannot be reset: a REALTIME or MATERIALIZED view always has an origin (use SET (replication_origin = '<kind>:<name>') to change it)"),
        ("ALTER VIEW v RESET (write_policy, write_policy)", 1, 35, "option write_policy is given twice"),
        ("ALTER VIEW v SET (check_option = 'local')", 1, 19, "unknown option \"check_option\" (expected replication_origin, upstream_mvcc_key or write_policy)"),
        ("ALTER REALTIME VIEW v RENAME TO w", 1, 23, "expected SET (option = value, ...) or RESET (option, ...), found RENAME"),
        ("ALTER VIEW v SET ()", 1, 19, "expected an option name (replication_origin, upstream_mvcc_key or write_policy), found )"),
        ("ALTER VIEW v SET (write_policy = 'local_first'", 1, 47, "expected , or ) after the value of write_policy, found end of statement"),
        ("SELECT 1 SELECT 2", 1, 10, "Expected: end of statement, found: SELECT"),
        ("SELECT 'abc", 1, 8, "Unterminated string literal"),
    ];
    let mut failures = Vec::new();
    for &(sql, line, column, message) in cases {
        let actual = error(sql);
        if actual != (line, column, message.to_string()) {
            failures.push(format!(
                "{sql}\n  expected {line}:{column} {message}\n  actual   {}:{} {}",
                actual.0, actual.1, actual.2
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn positions_count_from_the_start_of_the_script() {
    let sql = "SELECT 1;\nSELECT 2;\n  CREATE REALTIME VIEW v AS SELECT a FROM t\n    \
               WITH (write_policy = 'x', replication_origin = 'tether:a');";
    assert_eq!(
        error(sql),
        (
            4,
            26,
            "invalid write_policy 'x' (expected 'origin_first' or 'local_first')".to_string()
        )
    );
    let sql = "REFRESH VIEW v;\nDROP MATERIALIZED VIEW v;\nALTER VIEW v RESET (colour)";
    assert_eq!(
        error(sql),
        (
            3,
            21,
            "unknown option \"colour\" (expected replication_origin, upstream_mvcc_key or \
             write_policy)"
                .to_string()
        )
    );
}

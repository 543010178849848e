//! The parser never panics, on arbitrary text or on near-miss view statements (what the
//! `fuzz/` target checks at scale, here on the stable toolchain within `cargo test`).

use proptest::prelude::*;
use proptest::sample::select;
use tether_dialect::{parse_tether, parse_tether_one};

/// Tokens of tether's statements, to build statements that are almost valid.
fn token_soup() -> impl Strategy<Value = String> {
    let vocabulary = vec![
        "CREATE",
        "OR",
        "REPLACE",
        "REALTIME",
        "MATERIALIZED",
        "VIEW",
        "IF",
        "NOT",
        "EXISTS",
        "AS",
        "SELECT",
        "*",
        "FROM",
        "WHERE",
        "WITH",
        "(",
        ")",
        "(",
        ")",
        ",",
        "=",
        ";",
        "v",
        "t",
        "a",
        "\"Q\"",
        "'postgres:p'",
        "'mysql:'",
        "'x'",
        "replication_origin",
        "upstream_mvcc_key",
        "write_policy",
        "'local_first'",
        "REFRESH",
        "DROP",
        "ALTER",
        "SET",
        "RESET",
        "CASCADE",
        "TABLE",
        "1",
        "END",
        "--c\n",
        "$$x$$",
        ".",
        "'",
    ];
    prop::collection::vec(select(vocabulary), 0..40).prop_map(|tokens| tokens.join(" "))
}

fn parse_everything(sql: &str) {
    if let Ok(statements) = parse_tether(sql) {
        for statement in statements {
            let _ = parse_tether(&statement.to_string());
        }
    }
    let _ = parse_tether_one(sql);
}

proptest! {
    #[test]
    fn never_panics_on_token_soup(sql in token_soup()) {
        parse_everything(&sql);
    }

    #[test]
    fn never_panics_on_arbitrary_text(sql in "\\PC{0,80}") {
        parse_everything(&sql);
    }

    #[test]
    fn never_panics_on_a_view_statement_with_a_random_tail(tail in "\\PC{0,40}") {
        parse_everything(&format!(
            "CREATE REALTIME VIEW v AS SELECT a FROM t WITH (replication_origin = 'tether:x'{tail}"
        ));
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let sql = format!(
        "CREATE REALTIME VIEW v AS SELECT {}1{} FROM t WITH (replication_origin = 'tether:x')",
        "(".repeat(5000),
        ")".repeat(5000)
    );
    assert!(parse_tether(&sql).is_err());
}

//! What tether's view statements accept, and how they print.

use tether_dialect::ast::{Ident, ObjectName, Statement};
use tether_dialect::{
    parse, parse_tether, parse_tether_one, AlterViewAction, OriginKind, TetherStatement, ViewMode,
    ViewOptionName, WritePolicy,
};

fn one(sql: &str) -> TetherStatement {
    parse_tether_one(sql).unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Parses, prints, and checks the printed form parses back equal and is `expected`.
fn prints_as(sql: &str, expected: &str) -> TetherStatement {
    let statement = one(sql);
    let printed = statement.to_string();
    assert_eq!(printed, expected, "printed form of {sql}");
    assert_eq!(one(&printed), statement, "{printed} parses back");
    statement
}

#[test]
fn create_realtime_view_with_options_after_the_query() {
    let statement = prints_as(
        "create realtime view public.users as select * from public.users \
         with (replication_origin = 'postgres:primary', upstream_mvcc_key = '_row_version')",
        "CREATE REALTIME VIEW public.users AS SELECT * FROM public.users \
         WITH (replication_origin = 'postgres:primary', upstream_mvcc_key = \"_row_version\")",
    );
    let TetherStatement::CreateView(view) = statement else {
        panic!("not a view: {statement:?}")
    };
    assert_eq!(view.mode, ViewMode::Realtime);
    assert_eq!(view.name.to_string(), "public.users");
    assert_eq!(view.options.replication_origin.kind, OriginKind::Postgres);
    assert_eq!(view.options.replication_origin.name, "primary");
    assert_eq!(
        view.options.upstream_mvcc_key,
        Some(Ident::with_quote('"', "_row_version"))
    );
    assert_eq!(view.options.write_policy, None);
    assert_eq!(
        view.options.effective_write_policy(),
        WritePolicy::OriginFirst
    );
}

#[test]
fn create_view_in_postgres_order_prints_options_after_the_query() {
    prints_as(
        "CREATE OR REPLACE MATERIALIZED VIEW v (a, \"B\") WITH (write_policy = local_first, \
         replication_origin = 'tether:demo') AS SELECT x, y AS b FROM t WHERE x > 1",
        "CREATE OR REPLACE MATERIALIZED VIEW v (a, \"B\") AS SELECT x, y AS b FROM t WHERE x > 1 \
         WITH (replication_origin = 'tether:demo', write_policy = 'local_first')",
    );
}

#[test]
fn trailing_options_right_after_from_are_options_not_table_hints() {
    let TetherStatement::CreateView(view) = one(
        "CREATE REALTIME VIEW IF NOT EXISTS v AS SELECT a, b FROM t \
         WITH (replication_origin = 'mysql:shop', upstream_mvcc_key = ver);",
    ) else {
        panic!("not a view")
    };
    assert!(view.if_not_exists);
    assert_eq!(view.query.to_string(), "SELECT a, b FROM t");
    assert_eq!(view.options.replication_origin.kind, OriginKind::Mysql);
    assert_eq!(view.options.upstream_mvcc_key, Some(Ident::new("ver")));
}

#[test]
fn table_query_and_subqueries_with_parentheses() {
    prints_as(
        "CREATE REALTIME VIEW v AS TABLE public.users WITH (replication_origin = 'postgres:p')",
        "CREATE REALTIME VIEW v AS TABLE public.users WITH (replication_origin = 'postgres:p')",
    );
    prints_as(
        "CREATE REALTIME VIEW v AS SELECT a FROM t WHERE (a IN (SELECT b FROM u)) \
         WITH (replication_origin = 'postgres:p')",
        "CREATE REALTIME VIEW v AS SELECT a FROM t WHERE (a IN (SELECT b FROM u)) \
         WITH (replication_origin = 'postgres:p')",
    );
}

#[test]
fn refresh_drop_and_alter() {
    prints_as(
        "refresh materialized view s.v",
        "REFRESH MATERIALIZED VIEW s.v",
    );
    prints_as("REFRESH VIEW v", "REFRESH VIEW v");
    prints_as(
        "drop realtime view if exists a, \"B c\" cascade",
        "DROP REALTIME VIEW IF EXISTS a, \"B c\" CASCADE",
    );
    let statement = prints_as(
        "ALTER VIEW v SET (write_policy = 'local_first', upstream_mvcc_key = \"V\")",
        "ALTER VIEW v SET (upstream_mvcc_key = \"V\", write_policy = 'local_first')",
    );
    let TetherStatement::AlterView(alter) = statement else {
        panic!("not an alter")
    };
    assert_eq!(alter.name, ObjectName::from(vec![Ident::new("v")]));
    let statement = prints_as(
        "alter realtime view if exists v reset (write_policy, upstream_mvcc_key)",
        "ALTER REALTIME VIEW IF EXISTS v RESET (upstream_mvcc_key, write_policy)",
    );
    let TetherStatement::AlterView(alter) = statement else {
        panic!("not an alter")
    };
    assert_eq!(
        alter.action,
        AlterViewAction::Reset(vec![
            ViewOptionName::UpstreamMvccKey,
            ViewOptionName::WritePolicy
        ])
    );
}

#[test]
fn plain_sql_is_unchanged() {
    let script = "SELECT 1; CREATE VIEW v AS SELECT a FROM t; DROP VIEW v; \
                  ALTER VIEW v AS SELECT 2; CREATE VIEW p WITH (security_barrier = true) AS SELECT 1";
    let plain: Vec<TetherStatement> = parse(script)
        .expect("parses")
        .into_iter()
        .map(|s| TetherStatement::Sql(Box::new(s)))
        .collect();
    assert_eq!(parse_tether(script).expect("parses"), plain);
    assert!(matches!(
        &plain[2],
        TetherStatement::Sql(s) if matches!(**s, Statement::Drop { .. })
    ));
}

#[test]
fn tether_and_plain_statements_mix_in_one_script() {
    let statements = parse_tether(
        "SELECT 1;\nCREATE REALTIME VIEW v AS SELECT a FROM t WITH (replication_origin = 'tether:d');\n\
         ;; INSERT INTO v VALUES (1); REFRESH REALTIME VIEW v; SELECT 2",
    )
    .expect("parses");
    let kinds: Vec<&str> = statements
        .iter()
        .map(|s| match s {
            TetherStatement::Sql(_) => "sql",
            TetherStatement::CreateView(_) => "create",
            TetherStatement::RefreshView(_) => "refresh",
            TetherStatement::DropView(_) => "drop",
            TetherStatement::AlterView(_) => "alter",
        })
        .collect();
    assert_eq!(kinds, ["sql", "create", "sql", "refresh", "sql"]);
    assert!(parse_tether("").expect("empty").is_empty());
    assert!(parse_tether_one("").is_err());
}

#[test]
fn plain_sql_errors_are_the_same_as_parse() {
    for sql in [
        "SELECT * FROM",
        "SELECT 1;\nSELEC 2",
        "SELECT 1 SELECT 2",
        "SELECT 'abc",
        "INSERT INTO t VALUES (1,",
        "CREATE VIEW v AS",
        "DROP VIEW",
    ] {
        let plain = parse(sql).expect_err("must fail");
        let tether = parse_tether(sql).expect_err("must fail");
        assert_eq!(tether, plain, "{sql}");
    }
}

//! Tests of the `tether` shell's origins, sync control and events: `--origin`, `\origin`,
//! `\sync`, `\events`, the quickstart, and real PostgreSQL and MariaDB origins.

mod support;

use support::shell::tether;

const ORIGIN: [&str; 2] = ["--origin", "tether:demo=memory"];

/// `args` after `--origin tether:demo=memory`.
fn with_origin<'a>(args: &[&'a str]) -> Vec<&'a str> {
    ORIGIN.iter().chain(args).copied().collect()
}

/// Creates `items` at the origin and a realtime view of it.
const VIEW_SETUP: &str = "\\origin demo CREATE TABLE items (id INT PRIMARY KEY, name TEXT, qty INT); INSERT INTO items VALUES (1, 'a', 10), (2, 'b', 20);\n\
     CREATE REALTIME VIEW items AS SELECT * FROM items WITH (replication_origin = 'tether:demo', write_policy = 'local_first');\n\
     \\sync flush\n";

/// The output of [`VIEW_SETUP`].
const VIEW_SETUP_OUTPUT: &str = "CREATE TABLE\nINSERT 0 2\nCREATE REALTIME VIEW\nFlushed.\n";

/// Makes event output comparable: the number after ` version ` in `applied` lines becomes `N`
/// (origin row versions are transaction ids, which tests do not pin down).
fn normalize_events(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        match line.split_once(" version ") {
            Some((head, _)) if line.starts_with("applied ") => {
                out.push_str(&format!("{head} version N\n"));
            }
            _ => out.push_str(&format!("{line}\n")),
        }
    }
    out
}

#[test]
fn bad_origin_arguments_exit_with_status_2() {
    for (argument, message) in [
        ("tether:demo", "expected NAME=URL"),
        ("demo=memory", "must have the form KIND:NAME"),
        ("oracle:x=memory", "unknown origin kind \"oracle\""),
        ("tether:=memory", "needs a name after \"tether:\""),
        (
            "tether:demo=/tmp/file.db",
            "unsupported URL \"/tmp/file.db\"",
        ),
        (
            "postgres:main=postgres://localhost:notaport/app",
            "bad PostgreSQL URL",
        ),
        ("mysql:shop=postgres://localhost/shop", "mysql"),
    ] {
        let run = tether(&["--origin", argument, "-c", "SELECT 1"], "");
        assert_eq!(run.code, Some(2), "{argument}: {}", run.stderr);
        assert_eq!(run.stdout, "", "{argument}");
        assert!(
            run.stderr.contains(&format!(
                "invalid value '{argument}' for '--origin <NAME=URL>': "
            )) && run.stderr.contains(message),
            "{argument}: {}",
            run.stderr
        );
    }
    let twice = tether(
        &[
            "--origin",
            "tether:demo=memory",
            "--origin",
            "tether:demo=memory",
        ],
        "",
    );
    assert_eq!(twice.code, Some(2));
    assert!(
        twice
            .stderr
            .contains("origin tether:demo is given twice with --origin"),
        "{}",
        twice.stderr
    );
}

#[test]
fn origin_meta_command_runs_sql_at_the_origin() {
    let run = tether(
        &with_origin(&[
            "-c",
            "\\origin",
            "-c",
            "\\origin demo CREATE TABLE t (x INT); INSERT INTO t VALUES (1), (2)",
            "-c",
            "\\origin tether:demo SELECT x FROM t ORDER BY x",
            "-c",
            "SELECT count(*) AS local_tables FROM tether.views",
        ]),
        "",
    );
    assert_eq!(run.stderr, "");
    assert_eq!(
        run.stdout,
        "List of origins\n    \
         Name\n\
         -------------\n \
         tether:demo\n\
         (1 row)\n\n\
         CREATE TABLE\n\
         INSERT 0 2\n \
         x\n---\n 1\n 2\n(2 rows)\n\n \
         local_tables\n\
         --------------\n            \
         0\n\
         (1 row)\n\n"
    );
    assert_eq!(run.code, Some(0));

    // The origin is another database: its tables are not local ones.
    let local = tether(
        &with_origin(&[
            "-c",
            "\\origin demo CREATE TABLE t (x INT)",
            "-c",
            "SELECT * FROM t",
        ]),
        "",
    );
    assert_eq!(local.stdout, "CREATE TABLE\n");
    assert_eq!(
        local.stderr,
        "ERROR:  relation \"t\" does not exist\nSQLSTATE: 42P01\n"
    );
}

#[test]
fn origin_meta_command_errors() {
    let run = tether(
        &with_origin(&[
            "--on-error",
            "continue",
            "-c",
            "\\origin nope SELECT 1",
            "-c",
            "\\origin demo",
            "-c",
            "\\origin demo SELECT * FROM missing",
        ]),
        "",
    );
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "ERROR:  unknown origin \"nope\"; registered origins: tether:demo\n\
         ERROR:  \\origin: no SQL to run on \"demo\"; usage: \\origin NAME SQL\n\
         ERROR:  at origin tether:demo: relation \"missing\" does not exist\n"
    );
    assert_eq!(run.code, Some(1));

    let none = tether(&["-c", "\\origin demo SELECT 1"], "");
    assert_eq!(
        none.stderr,
        "ERROR:  unknown origin \"demo\": no origins are registered (start tether with \
         --origin tether:NAME=memory)\n"
    );
    assert_eq!(none.code, Some(1));
}

#[test]
fn sync_pause_holds_back_origin_changes_until_resume() {
    let script = format!(
        "{VIEW_SETUP}\
         \\sync pause items\n\
         \\origin demo UPDATE items SET qty = 11 WHERE id = 1\n\
         SELECT id, qty FROM items ORDER BY id;\n\
         \\sync resume\n\
         \\sync flush 5\n\
         SELECT id, qty FROM items ORDER BY id;\n"
    );
    let run = tether(&with_origin(&["-f", "-"]), &script);
    assert_eq!(run.stderr, "");
    assert_eq!(
        run.stdout,
        format!(
            "{VIEW_SETUP_OUTPUT}\
             Paused view items.\n\
             UPDATE 1\n \
             id | qty\n----+-----\n  1 |  10\n  2 |  20\n(2 rows)\n\n\
             Resumed all views.\n\
             Flushed.\n \
             id | qty\n----+-----\n  1 |  11\n  2 |  20\n(2 rows)\n\n"
        )
    );
    assert_eq!(run.code, Some(0));
}

#[test]
fn sync_flush_sends_local_writes_and_status_shows_the_view() {
    let script = format!(
        "{VIEW_SETUP}\
         UPDATE items SET name = 'mine' WHERE id = 2;\n\
         \\sync flush\n\
         \\origin demo SELECT name FROM items WHERE id = 2\n\
         \\format csv\n\
         \\sync status\n"
    );
    let run = tether(&with_origin(&["-f", "-"]), &script);
    assert_eq!(run.stderr, "");
    let expected_start = format!(
        "{VIEW_SETUP_OUTPUT}\
         UPDATE 1\n\
         Flushed.\n \
         name\n------\n mine\n(1 row)\n\n\
         Output format is csv.\n\
         name,mode,origin,origin_table,version_key,write_policy,state,rows,position,pending_writes,staged_rows,last_error\n\
         items,realtime,tether:demo,public.items,xmin,local_first,streaming,2,"
    );
    assert!(run.stdout.starts_with(&expected_start), "{}", run.stdout);
    assert!(run.stdout.ends_with(",0,0,\n"), "{}", run.stdout);
    assert_eq!(run.code, Some(0));
}

#[test]
fn sync_meta_command_errors() {
    let run = tether(
        &with_origin(&[
            "--on-error",
            "continue",
            "-c",
            "\\sync flush soon",
            "-c",
            "\\sync flush -1",
            "-c",
            "\\sync rewind",
            "-c",
            "\\sync pause nope",
            "-c",
            "\\sync",
            "-c",
            "\\sync resume",
        ]),
        "",
    );
    assert_eq!(
        run.stdout,
        "No realtime or materialized views.\nNo realtime or materialized views to resume.\n"
    );
    assert_eq!(
        run.stderr,
        "ERROR:  \\sync flush: \"soon\" is not a number of seconds (e.g. 10 or 0.5; at most 86400)\n\
         ERROR:  \\sync flush: \"-1\" is not a number of seconds (e.g. 10 or 0.5; at most 86400)\n\
         ERROR:  \\sync: unknown subcommand \"rewind\"; use status, flush [SECONDS], pause [VIEW] \
         or resume [VIEW]\n\
         ERROR:  \\sync pause: \"nope\" is not a realtime or materialized view (there are none)\n"
    );
    assert_eq!(run.code, Some(1));
}

#[test]
fn flush_leaves_paused_views_and_their_writes_alone() {
    // A paused view's writes wait; flushing leaves paused views out, so it succeeds. The
    // status then shows the pending write and the staged row.
    let script = format!(
        "{VIEW_SETUP}\
         \\sync pause\n\
         UPDATE items SET qty = 0 WHERE id = 1;\n\
         \\sync flush 0.2\n\
         \\format csv\n\
         SELECT id, qty, __staged FROM items ORDER BY id;\n\
         SELECT state, pending_writes, staged_rows FROM tether.views;\n"
    );
    let run = tether(&with_origin(&["-f", "-"]), &script);
    assert_eq!(run.stderr, "");
    assert_eq!(
        run.stdout,
        format!(
            "{VIEW_SETUP_OUTPUT}\
             Paused all views.\n\
             UPDATE 1\n\
             Flushed.\n\
             Output format is csv.\n\
             id,qty,__staged\n1,0,t\n2,20,f\n\
             state,pending_writes,staged_rows\npaused,1,1\n"
        )
    );
}

#[test]
fn events_print_applied_writes_view_states_and_conflicts() {
    let script = format!(
        "{VIEW_SETUP}\
         \\events on\n\
         UPDATE items SET qty = qty + 1 WHERE id = 1;\n\
         \\sync flush\n\
         \\sync pause items\n\
         \\origin demo UPDATE items SET name = 'theirs' WHERE id = 2\n\
         UPDATE items SET name = 'mine' WHERE id = 2;\n\
         \\sync resume items\n\
         \\sync flush\n\
         \\events off\n\
         UPDATE items SET qty = 0 WHERE id = 1;\n\
         \\sync flush\n\
         \\format csv\n\
         SELECT id, status, conflict, written_row->>'name' AS mine, origin_row->>'name' AS theirs FROM tether.write_attempts ORDER BY id;\n"
    );
    let run = tether(&with_origin(&["-f", "-"]), &script);
    assert_eq!(run.stderr, "");
    assert_eq!(
        normalize_events(&run.stdout),
        format!(
            "{VIEW_SETUP_OUTPUT}\
             Sync events are on.\n\
             UPDATE 1\n\
             applied   #1 items {{\"id\":1}} version N\n\
             Flushed.\n\
             Paused view items.\n\
             view      items paused\n\
             UPDATE 1\n\
             UPDATE 1\n\
             Resumed view items.\n\
             view      items streaming\n\
             conflict  #2 items {{\"id\":2}} version_mismatch: \
             base {{\"id\":2,\"name\":\"b\",\"qty\":20}} \
             written {{\"id\":2,\"name\":\"mine\",\"qty\":20}} \
             origin {{\"id\":2,\"name\":\"theirs\",\"qty\":20}}\n\
             Flushed.\n\
             Sync events are off.\n\
             UPDATE 1\n\
             Flushed.\n\
             Output format is csv.\n\
             id,status,conflict,mine,theirs\n\
             1,applied,,a,\n\
             2,conflicted,version_mismatch,mine,theirs\n\
             3,applied,,a,\n"
        )
    );
    assert_eq!(run.code, Some(0));
}

#[test]
fn events_meta_command_toggles_and_rejects_other_values() {
    let run = tether(
        &["-c", "\\events", "-c", "\\events", "-c", "\\events loud"],
        "",
    );
    assert_eq!(run.stdout, "Sync events are on.\nSync events are off.\n");
    assert_eq!(
        run.stderr,
        "ERROR:  \\events: unrecognized value \"loud\"; use on or off\n"
    );
    assert_eq!(run.code, Some(1));
}

#[test]
fn quickstart_script_shows_a_conflicted_write() {
    let quickstart = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/quickstart.sql");
    let run = tether(&with_origin(&["-f", quickstart]), "");
    assert_eq!(run.stderr, "");
    assert_eq!(run.code, Some(0));
    let stdout = normalize_events(&run.stdout);
    let expected_in_order = [
        "CREATE REALTIME VIEW\nFlushed.\n",
        "Sync events are on.\n",
        "  4 | fig   |  40\n",
        "UPDATE 1\napplied   #1 items {\"id\":1} version N\nFlushed.\n",
        "  1 | apple |   9\n",
        "Paused view items.\nview      items paused\n",
        "  2 | pear (mine) | t\n",
        "Resumed view items.\nview      items streaming\nconflict  #2 items {\"id\":2} version_mismatch: ",
        "origin {\"id\":2,\"name\":\"Pear (theirs)\",\"qty\":20}\nFlushed.\n",
        "  2 | Pear (theirs) | f\n",
        "  2 | update | {\"id\": 2} | conflicted | version_mismatch | pear (mine) | Pear (theirs)\n",
        " items | realtime | tether:demo | public.items | xmin        | local_first  | streaming |",
    ];
    let mut rest = stdout.as_str();
    for expected in expected_in_order {
        match rest.find(expected) {
            Some(at) => rest = &rest[at + expected.len()..],
            None => panic!("{expected:?} missing (or out of order) in:\n{stdout}"),
        }
    }
}

/// `--origin postgres:NAME=URL` mirrors a table of a real (throwaway) PostgreSQL server, and
/// `\origin` writes to it as another client.
#[test]
fn postgres_origins_work_from_the_shell() {
    use tether_origins::testing::postgres::PostgresServer;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let server = PostgresServer::shared().expect("PostgreSQL test server");
    let db = runtime
        .block_on(server.create_database("shell"))
        .expect("database");
    let origin = format!("postgres:main={}", server.url(&db));
    let run = tether(
        &[
            "--origin",
            &origin,
            "-c",
            "\\origin main CREATE TABLE items (id INT PRIMARY KEY, name TEXT); INSERT INTO items VALUES (1, 'a')",
            "-c",
            "CREATE REALTIME VIEW items AS SELECT * FROM items WITH (replication_origin = 'postgres:main')",
            "-c",
            "UPDATE items SET name = 'b' WHERE id = 1",
            "-c",
            "\\sync flush",
            "-c",
            "\\origin main SELECT name FROM items",
            "-c",
            "SELECT status FROM tether.write_attempts",
        ],
        "",
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains(" b\n"), "{}", run.stdout);
    assert!(run.stdout.contains(" applied\n"), "{}", run.stdout);
}

/// `--origin mysql:NAME=URL` mirrors a table of a real (throwaway) MariaDB server.
#[test]
fn mysql_origins_work_from_the_shell() {
    use tether_origins::testing::mariadb::MariaDbServer;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let server = MariaDbServer::shared().expect("MariaDB test server");
    let db = runtime
        .block_on(server.create_database("shell"))
        .expect("database");
    let origin = format!("mysql:shop={}", server.url(&db));
    let run = tether(
        &[
            "--origin",
            &origin,
            "-c",
            "\\origin shop CREATE TABLE items (id INT PRIMARY KEY, name TEXT, ver BIGINT NOT NULL DEFAULT 1); INSERT INTO items (id, name) VALUES (1, 'a')",
            "-c",
            "CREATE REALTIME VIEW items AS SELECT * FROM items WITH (replication_origin = 'mysql:shop', upstream_mvcc_key = 'ver')",
            "-c",
            "UPDATE items SET name = 'b' WHERE id = 1",
            "-c",
            "\\sync flush",
            "-c",
            "\\origin shop SELECT name, ver FROM items",
            "-c",
            "SELECT status, cas FROM tether.write_attempts",
        ],
        "",
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.contains(" b    |"), "{}", run.stdout);
    assert!(
        run.stdout.contains(" applied | version column ver"),
        "{}",
        run.stdout
    );
}

//! Tests of the `tether` shell binary: they run the real executable with `-c`, `-f` and standard
//! input and compare its output, error output and exit status exactly.

use std::path::PathBuf;

mod support;

use support::shell::tether;

/// A script file in a fresh temporary directory, removed when dropped.
struct ScriptFile {
    dir: PathBuf,
    path: PathBuf,
}

impl ScriptFile {
    fn new(name: &str, contents: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "tether-shell-test-{}-{}",
            std::process::id(),
            name.replace('.', "_")
        ));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        let path = dir.join(name);
        std::fs::write(&path, contents).expect("write script");
        ScriptFile { dir, path }
    }

    fn path(&self) -> &str {
        self.path.to_str().expect("utf-8 temp path")
    }
}

impl Drop for ScriptFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

const SETUP: &str =
    "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, score NUMERIC(5,2));\n\
                     INSERT INTO people VALUES (1, 'alice', 12.50), (2, NULL, 3.00);";
const QUERY: &str = "SELECT id, name, score FROM people ORDER BY id";

#[test]
fn table_format_prints_tags_and_aligned_rows() {
    let run = tether(&["-c", SETUP, "-c", QUERY], "");
    assert_eq!(run.stderr, "");
    assert_eq!(
        run.stdout,
        "CREATE TABLE\n\
         INSERT 0 2\n \
         id | name  | score\n\
         ----+-------+-------\n  \
         1 | alice | 12.50\n  \
         2 |       |  3.00\n\
         (2 rows)\n\n"
    );
    assert_eq!(run.code, Some(0));
}

#[test]
fn csv_format_prints_header_and_rows_only() {
    let run = tether(&["--format", "csv", "-c", SETUP, "-c", QUERY], "");
    assert_eq!(run.stderr, "");
    assert_eq!(run.stdout, "id,name,score\n1,alice,12.50\n2,,3.00\n");
    assert_eq!(run.code, Some(0));
}

#[test]
fn json_format_prints_one_typed_object_per_row() {
    let run = tether(
        &[
            "--format",
            "json",
            "-c",
            SETUP,
            "-c",
            QUERY,
            "-c",
            "SELECT true AS ok, '{\"a\": [1, 2]}'::json AS doc",
        ],
        "",
    );
    assert_eq!(run.stderr, "");
    assert_eq!(
        run.stdout,
        "{\"id\":1,\"name\":\"alice\",\"score\":12.50}\n\
         {\"id\":2,\"name\":null,\"score\":3.00}\n\
         {\"ok\":true,\"doc\":{\"a\":[1,2]}}\n"
    );
}

#[test]
fn dml_prints_command_tags_and_returning_rows() {
    let run = tether(
        &[
            "-c",
            SETUP,
            "-c",
            "UPDATE people SET score = score + 1; DELETE FROM people WHERE id = 2",
            "-c",
            "INSERT INTO people (id, name) VALUES (3, 'carol') RETURNING id, name",
        ],
        "",
    );
    assert_eq!(run.stderr, "");
    assert_eq!(
        run.stdout,
        "CREATE TABLE\nINSERT 0 2\nUPDATE 2\nDELETE 1\n \
         id | name\n\
         ----+-------\n  \
         3 | carol\n\
         (1 row)\n\n\
         INSERT 0 1\n"
    );
}

#[test]
fn file_script_runs_statements_and_meta_commands_in_order() {
    let script = ScriptFile::new(
        "ordered.sql",
        "-- a comment before anything\nCREATE TABLE t (x INTEGER);\n\\format csv\n\
         INSERT INTO t VALUES (1), (2);\nSELECT x FROM t\n  ORDER BY x DESC;\n\\format table\nSELECT 'done' AS state",
    );
    let run = tether(&["-f", script.path()], "");
    assert_eq!(run.stderr, "");
    assert_eq!(
        run.stdout,
        "CREATE TABLE\nOutput format is csv.\nx\n2\n1\nOutput format is table.\n \
         state\n\
         -------\n \
         done\n\
         (1 row)\n\n"
    );
    assert_eq!(run.code, Some(0));
}

#[test]
fn stdin_script_with_dash_f_and_without_flags() {
    let script = "CREATE TABLE t (x INTEGER);\nINSERT INTO t VALUES (7);\nSELECT x FROM t;\n";
    let expected = "CREATE TABLE\nINSERT 0 1\n x\n---\n 7\n(1 row)\n\n";
    let with_dash = tether(&["-f", "-"], script);
    assert_eq!(
        (with_dash.stdout.as_str(), with_dash.stderr.as_str()),
        (expected, "")
    );
    let without_flags = tether(&[], script);
    assert_eq!(
        (without_flags.stdout.as_str(), without_flags.stderr.as_str()),
        (expected, "")
    );
    assert_eq!(without_flags.code, Some(0));
}

#[test]
fn script_stops_at_the_first_error() {
    let run = tether(
        &[
            "-c",
            "SELECT 1 AS a",
            "-c",
            "SELECT * FROM missing",
            "-c",
            "SELECT 2 AS b",
        ],
        "",
    );
    assert_eq!(run.stdout, " a\n---\n 1\n(1 row)\n\n");
    assert_eq!(
        run.stderr,
        "ERROR:  relation \"missing\" does not exist\nSQLSTATE: 42P01\n"
    );
    assert_eq!(run.code, Some(1));
}

#[test]
fn on_error_continue_runs_everything_but_still_fails() {
    let run = tether(
        &[
            "--on-error",
            "continue",
            "-c",
            "SELECT * FROM missing; SELECT 2 AS b",
            "-c",
            "SELECT 1/0",
        ],
        "",
    );
    assert_eq!(run.stdout, " b\n---\n 2\n(1 row)\n\n");
    assert_eq!(
        run.stderr,
        "ERROR:  relation \"missing\" does not exist\nSQLSTATE: 42P01\n\
         ERROR:  division by zero\nSQLSTATE: 22012\n"
    );
    assert_eq!(run.code, Some(1));
}

#[test]
fn syntax_error_reports_the_script_position() {
    let script = ScriptFile::new(
        "broken.sql",
        "SELECT 1 AS a;\n\n  SELEC 2;\nSELECT 3 AS c;\n",
    );
    let run = tether(&["-f", script.path()], "");
    assert_eq!(run.stdout, " a\n---\n 1\n(1 row)\n\n");
    let expected_start = format!("ERROR:  syntax error at {}:3:3: ", script.path());
    assert!(run.stderr.starts_with(&expected_start), "{}", run.stderr);
    assert!(
        run.stderr.ends_with("\nSQLSTATE: 42601\n"),
        "{}",
        run.stderr
    );
    assert_eq!(run.code, Some(1));
}

#[test]
fn syntax_error_on_a_later_line_of_a_statement() {
    let run = tether(
        &["-c", "SELECT 1 AS a;   SELECT a\n  FROM t\n  WHERE x = = 1"],
        "",
    );
    assert!(
        run.stderr
            .starts_with("ERROR:  syntax error at <command>:3:13: "),
        "{}",
        run.stderr
    );
    assert_eq!(run.code, Some(1));
}

#[test]
fn missing_file_is_an_error() {
    let run = tether(
        &["-f", "/nonexistent/tether/script.sql", "-c", "SELECT 1"],
        "",
    );
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr
            .starts_with("ERROR:  /nonexistent/tether/script.sql: "),
        "{}",
        run.stderr
    );
    assert_eq!(run.code, Some(1));
}

#[test]
fn list_and_describe_relations() {
    let run = tether(
        &[
            "-c",
            "\\d",
            "-c",
            "CREATE TABLE items (id INTEGER PRIMARY KEY, label VARCHAR(20) NOT NULL, qty INTEGER DEFAULT 0 CHECK (qty >= 0))",
            "-c",
            "\\d",
            "-c",
            "\\d items",
        ],
        "",
    );
    assert_eq!(run.stderr, "");
    let expected_list = " Schema | Name  | Type\n\
                         --------+-------+-------\n \
                         public | items | table\n\
                         (1 row)\n";
    assert!(
        run.stdout
            .starts_with("Did not find any relations.\nCREATE TABLE\n"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains(expected_list), "{}", run.stdout);
    assert!(
        run.stdout.contains("Table \"public.items\"\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains(" Column |         Type          | Nullable | Default\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains(" id     | integer               | not null |\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains(" label  | character varying(20) | not null |\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains(" qty    | integer               |          | 0\n"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("Indexes:\n"), "{}", run.stdout);
    assert!(run.stdout.contains(" PRIMARY KEY (id)\n"), "{}", run.stdout);
    assert!(
        run.stdout.contains("Check constraints:\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn describe_missing_relation_is_an_error() {
    let run = tether(&["-c", "\\d nothing_here"], "");
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "ERROR:  relation \"nothing_here\" does not exist\nSQLSTATE: 42P01\n"
    );
    assert_eq!(run.code, Some(1));
}

#[test]
fn shell_command_runs_with_sh() {
    let run = tether(
        &[
            "-c",
            "SELECT 1 AS a",
            "-c",
            "\\! echo hello; echo world",
            "-c",
            "SELECT 2 AS b",
        ],
        "",
    );
    assert_eq!(run.stderr, "");
    assert_eq!(
        run.stdout,
        " a\n---\n 1\n(1 row)\n\nhello\nworld\n b\n---\n 2\n(1 row)\n\n"
    );
}

#[test]
fn timing_prints_the_time_after_each_statement() {
    let run = tether(
        &[
            "-c",
            "\\timing on",
            "-c",
            "SELECT 1 AS a",
            "-c",
            "\\timing",
            "-c",
            "SELECT 2 AS b",
        ],
        "",
    );
    assert_eq!(run.stderr, "");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[..6],
        ["Timing is on.", " a", "---", " 1", "(1 row)", ""]
    );
    let time = lines[6];
    let millis = time
        .strip_prefix("Time: ")
        .and_then(|rest| rest.strip_suffix(" ms"))
        .expect("a Time line");
    let (whole, fraction) = millis.split_once('.').expect("decimal point");
    assert!(
        whole.chars().all(|c| c.is_ascii_digit()) && !whole.is_empty(),
        "{time}"
    );
    assert!(
        fraction.len() == 3 && fraction.chars().all(|c| c.is_ascii_digit()),
        "{time}"
    );
    assert_eq!(
        lines[7..],
        ["Timing is off.", " b", "---", " 2", "(1 row)", ""]
    );
}

#[test]
fn format_meta_command_switches_and_rejects_unknown_formats() {
    let run = tether(
        &[
            "-c",
            "\\format json",
            "-c",
            "SELECT 1 AS a",
            "-c",
            "\\format xml",
        ],
        "",
    );
    assert_eq!(run.stdout, "Output format is json.\n{\"a\":1}\n");
    assert_eq!(
        run.stderr,
        "ERROR:  \\format: unknown format \"xml\"; use table, csv or json\n"
    );
    assert_eq!(run.code, Some(1));
}

#[test]
fn unknown_meta_command_is_an_error() {
    let run = tether(&["-c", "\\nope", "-c", "SELECT 1"], "");
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "ERROR:  invalid command \\nope\nTry \\? for help.\n"
    );
    assert_eq!(run.code, Some(1));
}

#[test]
fn quit_stops_reading_input() {
    let run = tether(&["-f", "-"], "SELECT 1 AS a;\n\\q\nSELECT 2 AS b;\n");
    assert_eq!(run.stdout, " a\n---\n 1\n(1 row)\n\n");
    assert_eq!(run.code, Some(0));
}

#[test]
fn help_lists_meta_commands() {
    let run = tether(&["-c", "\\?"], "");
    assert_eq!(run.code, Some(0));
    for usage in [
        "\\d [NAME]",
        "\\format [table|csv|json]",
        "\\timing [on|off]",
        "\\! [COMMAND]",
        "\\q",
        "\\origin [NAME SQL]",
        "\\sync [SUBCOMMAND]",
        "flush [SECONDS]",
        "pause [VIEW]",
        "resume [VIEW]",
        "\\events [on|off]",
    ] {
        assert!(
            run.stdout.contains(usage),
            "{usage} missing from:\n{}",
            run.stdout
        );
    }
}

#[test]
fn invalid_arguments_exit_with_status_2() {
    let run = tether(&["--format", "xml"], "");
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("invalid value 'xml'"), "{}", run.stderr);
}

#[test]
fn demo_script_runs_cleanly() {
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/demo.sql");
    let run = tether(&["-f", demo], "");
    assert_eq!(run.stderr, "");
    assert_eq!(run.code, Some(0));
    assert!(run.stdout.contains("ROLLBACK\n"), "{}", run.stdout);
}

//! Runs every `tests/sql/*.slt` script through tether with the `sqllogictest` crate.
//!
//! Each script gets one fresh in-memory [`Database`]; every `connection NAME` of the script is a
//! separate [`Session`] on it, so scripts can test transactions across sessions.
//!
//! Value mapping: NULL prints as `NULL`, the empty string as `(empty)`, everything else with
//! `Value`'s `Display` (PostgreSQL text output, booleans `t`/`f`). Column types: integers are `I`,
//! floating point and numeric are `R`, everything else `T` (types are not validated).
//!
//! Errors display as `message [SQLSTATE xxxxx]`, so `statement error <regex>` can match the message
//! and/or the code; `statement error (xxxxx)` matches the code alone (via `error_sql_state`).
//!
//! Unlike `sqllogictest::harness!`, a failing record does not stop its script: every record runs
//! and all failures of a file are reported together, so one engine bug does not hide the others.
//! Filter scripts like any test: `cargo test -p tether-engine --test sqllogic -- types`.

use std::fmt;
use std::path::{Path, PathBuf};

use sqllogictest::harness::{Arguments, Failed, Trial};
use sqllogictest::{DBOutput, DefaultColumnType, Record, Runner, DB};
use tether_engine::{DataType, Database, Session, Value};

/// A tether error with its SQLSTATE, as the sqllogictest runner sees it.
#[derive(Debug)]
struct TetherError {
    sqlstate: &'static str,
    message: String,
}

impl fmt::Display for TetherError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [SQLSTATE {}]", self.message, self.sqlstate)
    }
}

impl std::error::Error for TetherError {}

impl From<tether_engine::Error> for TetherError {
    fn from(err: tether_engine::Error) -> Self {
        TetherError {
            sqlstate: err.sqlstate(),
            message: err.to_string(),
        }
    }
}

/// One sqllogictest connection: a tether session driven by its own current-thread runtime.
struct TetherDb {
    runtime: tokio::runtime::Runtime,
    session: Session,
}

impl TetherDb {
    fn new(db: &Database) -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("tokio runtime");
        TetherDb {
            runtime,
            session: db.connect(),
        }
    }
}

fn column_type(data_type: &DataType) -> DefaultColumnType {
    match data_type {
        DataType::Int16 | DataType::Int32 | DataType::Int64 => DefaultColumnType::Integer,
        DataType::Float32 | DataType::Float64 | DataType::Numeric { .. } => {
            DefaultColumnType::FloatingPoint
        }
        _ => DefaultColumnType::Text,
    }
}

fn value_text(value: &Value) -> String {
    match value {
        Value::Null => "NULL".to_string(),
        other => {
            let text = other.to_string();
            if text.is_empty() {
                "(empty)".to_string()
            } else {
                text
            }
        }
    }
}

impl DB for TetherDb {
    type Error = TetherError;
    type ColumnType = DefaultColumnType;

    fn run(&mut self, sql: &str) -> Result<DBOutput<Self::ColumnType>, Self::Error> {
        let session = &mut self.session;
        let result = self.runtime.block_on(session.execute(sql, &[]))?;
        if result.has_rows() {
            let types = result
                .columns
                .iter()
                .map(|c| column_type(&c.data_type))
                .collect();
            let rows = result
                .rows
                .iter()
                .map(|row| row.values().iter().map(value_text).collect())
                .collect();
            Ok(DBOutput::Rows { types, rows })
        } else {
            Ok(DBOutput::StatementComplete(result.rows_affected()))
        }
    }

    fn engine_name(&self) -> &str {
        "tether"
    }

    fn error_sql_state(err: &Self::Error) -> Option<String> {
        Some(err.sqlstate.to_string())
    }
}

/// Runs every record of one script, collecting all failures.
fn run_script(path: &Path) -> Result<(), Failed> {
    let records = sqllogictest::parse_file::<DefaultColumnType>(path)
        .map_err(|e| Failed::from(format!("parse error: {e}")))?;
    let db = Database::open_in_memory();
    let mut runner = Runner::new(move || {
        let db = db.clone();
        async move { Ok::<_, TetherError>(TetherDb::new(&db)) }
    });
    let mut failures = Vec::new();
    let mut total = 0usize;
    for record in records {
        if matches!(record, Record::Halt { .. }) {
            break;
        }
        let counts = matches!(record, Record::Statement { .. } | Record::Query { .. });
        total += counts as usize;
        if let Err(e) = runner.run(record) {
            failures.push(e.display(false).to_string());
        }
    }
    runner.shutdown();
    if failures.is_empty() {
        Ok(())
    } else {
        Err(Failed::from(format!(
            "{} of {} records failed:\n\n{}",
            failures.len(),
            total,
            failures.join("\n")
        )))
    }
}

fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("sql");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/sql exists")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|ext| ext == "slt"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no .slt files under {}", dir.display());
    let trials = paths
        .into_iter()
        .map(|path| {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            Trial::test(name, move || run_script(&path))
        })
        .collect();
    sqllogictest::harness::run(&Arguments::from_args(), trials).exit();
}

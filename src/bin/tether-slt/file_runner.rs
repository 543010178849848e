//! Runs one corpus file record by record on a fresh in-memory database. Unlike the crate's
//! `run_file`, a failing record does not stop the file: it is counted and the run goes on.

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sqllogictest::{DefaultColumnType, Normalizer, QueryExpect, Record, Runner};

use crate::database::{ExpectedTypes, TetherDb, ENGINE_NAME};
use crate::describe::describe_failure;
use crate::panic_capture;
use crate::preprocess::preprocess;

/// The reference runner's default hash threshold (`DEFAULT_HASH_THRESHOLD` in sqllogictest.c);
/// a `hash-threshold` record in the file overrides it.
const DEFAULT_HASH_THRESHOLD: usize = 8;

/// One failing record: its line in the file and what went wrong.
#[derive(Debug, Clone)]
pub struct RecordFailure {
    pub line: u32,
    pub message: String,
}

/// What running one file produced.
#[derive(Debug)]
pub struct FileOutcome {
    pub path: PathBuf,
    /// Lines of the statement and query records that passed.
    pub passed_lines: Vec<u32>,
    pub failures: Vec<RecordFailure>,
    pub elapsed: Duration,
}

/// Runs every statement and query record of `path`.
pub fn run_file(path: &Path) -> FileOutcome {
    let started = Instant::now();
    let name = path.display().to_string();
    let mut outcome = FileOutcome {
        path: path.to_path_buf(),
        passed_lines: Vec::new(),
        failures: Vec::new(),
        elapsed: Duration::ZERO,
    };
    let script = match std::fs::read_to_string(path) {
        Ok(script) => preprocess(&script, ENGINE_NAME),
        Err(e) => {
            outcome.failures.push(RecordFailure {
                line: 0,
                message: format!("cannot read the file: {e}"),
            });
            return outcome;
        }
    };
    match sqllogictest::parse_with_name::<DefaultColumnType>(&script, name) {
        Ok(records) => run_records(records, &mut outcome),
        Err(e) => outcome.failures.push(RecordFailure {
            line: e.location().line(),
            message: format!("cannot parse the file: {e}"),
        }),
    }
    outcome.elapsed = started.elapsed();
    outcome
}

fn run_records(records: Vec<Record<DefaultColumnType>>, outcome: &mut FileOutcome) {
    let database = tether::Database::open_in_memory();
    let expected_types: ExpectedTypes = Arc::new(Mutex::new(None));
    let make_types = expected_types.clone();
    let mut runner = Runner::new(move || {
        let db = TetherDb::new(database.connect(), make_types.clone());
        async move { db }
    });
    runner.with_hash_threshold(DEFAULT_HASH_THRESHOLD);
    runner.with_validator(valuewise_validator);

    for record in records {
        let line = match &record {
            Record::Halt { .. } => break,
            Record::Statement { loc, .. } => {
                set_types(&expected_types, None);
                Some(loc.line())
            }
            Record::Query { loc, expected, .. } => {
                // A `query error` record has no types: a query that succeeds anyway must not
                // turn into a column-count error that would count as the expected failure.
                let types = match expected {
                    QueryExpect::Results { types, .. } => Some(types.clone()),
                    QueryExpect::Error(_) => None,
                };
                set_types(&expected_types, types);
                Some(loc.line())
            }
            _ => None,
        };
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| runner.run(record)));
        let Some(line) = line else {
            continue;
        };
        match result {
            Ok(Ok(sqllogictest::RecordOutput::Nothing)) => {} // skipped by skipif/onlyif
            Ok(Ok(_)) => outcome.passed_lines.push(line),
            Ok(Err(error)) => outcome.failures.push(RecordFailure {
                line,
                message: describe_failure(&error.kind()),
            }),
            Err(_) => outcome.failures.push(RecordFailure {
                line,
                message: panic_capture::take_message().unwrap_or_else(|| "panic".to_string()),
            }),
        }
    }
}

fn set_types(slot: &ExpectedTypes, types: Option<Vec<DefaultColumnType>>) {
    *slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = types;
}

/// Compares value by value: the corpus lists one value per line, whatever the column count.
fn valuewise_validator(
    normalizer: Normalizer,
    actual: &[Vec<String>],
    expected: &[String],
) -> bool {
    let values: Vec<&String> = actual.iter().flatten().collect();
    values.len() == expected.len()
        && values
            .iter()
            .zip(expected)
            .all(|(value, expected)| normalizer(value) == normalizer(expected))
}

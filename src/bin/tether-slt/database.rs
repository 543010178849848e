//! [`TetherDb`]: the `sqllogictest` crate's `DB` over one in-process tether session.
//!
//! `DB::run` only receives SQL, but the corpus renders values by the record's declared column
//! types. The file runner therefore hands the current record's type letters over through a
//! [`ExpectedTypes`] slot before running it; `None` means a `statement` record.

use std::sync::{Arc, Mutex};

use sqllogictest::{DBOutput, DefaultColumnType, DB};
use tokio::runtime::Runtime;

use crate::render::render;

/// The engine label `skipif`/`onlyif` conditions are matched against.
pub const ENGINE_NAME: &str = "tether";

/// Type letters of the record about to run, shared between the file runner and the database.
pub type ExpectedTypes = Arc<Mutex<Option<Vec<DefaultColumnType>>>>;

/// One fresh in-memory database and a session on it.
pub struct TetherDb {
    runtime: Runtime,
    session: tether::Session,
    expected_types: ExpectedTypes,
}

/// Why a record's SQL did not produce a comparable result.
#[derive(Debug)]
pub enum RunError {
    Engine { message: String, sqlstate: String },
    ColumnCount { actual: usize, expected: usize },
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Engine { message, sqlstate } => write!(f, "{message} (SQLSTATE {sqlstate})"),
            RunError::ColumnCount { actual, expected } => write!(
                f,
                "query returned {actual} columns, the record declares {expected}"
            ),
        }
    }
}

impl std::error::Error for RunError {}

impl TetherDb {
    /// A database over `session`, rendering by the types in `expected_types`.
    pub fn new(session: tether::Session, expected_types: ExpectedTypes) -> Result<Self, RunError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .map_err(|e| RunError::Engine {
                message: format!("cannot start a tokio runtime: {e}"),
                sqlstate: "XX000".to_string(),
            })?;
        Ok(TetherDb {
            runtime,
            session,
            expected_types,
        })
    }
}

impl DB for TetherDb {
    type Error = RunError;
    type ColumnType = DefaultColumnType;

    fn run(&mut self, sql: &str) -> Result<DBOutput<DefaultColumnType>, RunError> {
        let types = self
            .expected_types
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone();
        // Some records hold several statements: run them all, keep the last result.
        let mut results = self
            .runtime
            .block_on(self.session.execute_batch(sql))
            .map_err(|e| RunError::Engine {
                message: e.to_string(),
                sqlstate: e.sqlstate().to_string(),
            })?;
        let Some(result) = results.pop() else {
            return Ok(DBOutput::StatementComplete(0));
        };
        let Some(types) = types else {
            return Ok(DBOutput::StatementComplete(result.rows_affected()));
        };
        if result.has_rows() && result.columns.len() != types.len() {
            return Err(RunError::ColumnCount {
                actual: result.columns.len(),
                expected: types.len(),
            });
        }
        let rows = result
            .rows
            .iter()
            .map(|row| {
                row.values()
                    .iter()
                    .zip(&types)
                    .map(|(value, column_type)| render(value, column_type))
                    .collect()
            })
            .collect();
        Ok(DBOutput::Rows { types, rows })
    }

    fn engine_name(&self) -> &str {
        ENGINE_NAME
    }

    fn error_sql_state(err: &RunError) -> Option<String> {
        match err {
            RunError::Engine { sqlstate, .. } => Some(sqlstate.clone()),
            RunError::ColumnCount { .. } => None,
        }
    }
}

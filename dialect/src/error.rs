//! [`ParseError`]: a syntax error with its position in the SQL text.

use thiserror::Error;

/// A syntax error (SQLSTATE 42601) at a 1-based line and column of the parsed text.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("syntax error at line {line}, column {column}: {message}")]
pub struct ParseError {
    pub line: u64,
    pub column: u64,
    /// What was expected and what was found, without the position.
    pub message: String,
}

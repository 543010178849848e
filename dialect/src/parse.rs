//! Parsing SQL text into sqlparser statements, with positioned errors.

use sqlparser::ast::Statement;
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Location, Token, Tokenizer};

use crate::ParseError;

/// How deeply expressions may nest. sqlparser's default (50) counts about two levels per
/// parenthesis, which refuses real queries with 25 nested parentheses; 200 still keeps the
/// parser's and the binder's recursion far from the stack limit.
pub(crate) const RECURSION_LIMIT: usize = 200;

/// Parses every statement in `sql` (separated by `;`). Empty input yields no statements.
pub fn parse(sql: &str) -> Result<Vec<Statement>, ParseError> {
    let dialect = PostgreSqlDialect {};
    let mut parser = Parser::new(&dialect)
        .with_recursion_limit(RECURSION_LIMIT)
        .try_with_sql(sql)
        .map_err(|e| to_parse_error(sql, e))?;
    parser
        .parse_statements()
        .map_err(|e| to_parse_error(sql, e))
}

/// Parses text that must hold exactly one statement.
pub fn parse_one(sql: &str) -> Result<Statement, ParseError> {
    exactly_one(parse(sql)?)
}

/// The only statement of `statements` (for the `parse*_one` functions); an error when there
/// are none or several.
pub(crate) fn exactly_one<T>(mut statements: Vec<T>) -> Result<T, ParseError> {
    match statements.len() {
        1 => Ok(statements.remove(0)),
        0 => Err(ParseError {
            line: 1,
            column: 1,
            message: "empty statement".into(),
        }),
        n => Err(ParseError {
            line: 1,
            column: 1,
            message: format!("expected one statement, found {n}"),
        }),
    }
}

/// Converts a sqlparser error into a [`ParseError`]. sqlparser writes the position into the
/// message (`... at Line: 3, Column: 7`); it is taken out of the text and kept as numbers. An
/// error without a position (e.g. at end of input) is placed after the last token.
pub(crate) fn to_parse_error(sql: &str, err: ParserError) -> ParseError {
    let text = match err {
        ParserError::TokenizerError(s) | ParserError::ParserError(s) => s,
        ParserError::RecursionLimitExceeded => {
            return ParseError {
                line: 1,
                column: 1,
                message: "statement is nested too deeply".into(),
            }
        }
    };
    if let Some((message, line, column)) = split_position(&text) {
        return ParseError {
            line,
            column,
            message,
        };
    }
    let (line, column) = end_position(sql);
    ParseError {
        line,
        column,
        message: text,
    }
}

/// Like [`to_parse_error`], for an error in a slice of tokens: an error without a position (or
/// with sqlparser's empty position) is placed at `fallback`.
pub(crate) fn to_parse_error_or(err: ParserError, fallback: Location) -> ParseError {
    let fallback = (fallback.line.max(1), fallback.column.max(1));
    let text = match err {
        ParserError::TokenizerError(s) | ParserError::ParserError(s) => s,
        ParserError::RecursionLimitExceeded => {
            return ParseError {
                line: fallback.0,
                column: fallback.1,
                message: "statement is nested too deeply".into(),
            }
        }
    };
    match split_position(&text) {
        Some((message, line, column)) if line > 0 => ParseError {
            line,
            column: column.max(1),
            message,
        },
        _ => ParseError {
            line: fallback.0,
            column: fallback.1,
            message: text,
        },
    }
}

/// Splits `"<message> at Line: L, Column: C"` into its parts.
fn split_position(text: &str) -> Option<(String, u64, u64)> {
    let at = text.rfind(" at Line: ")?;
    let rest = &text[at + " at Line: ".len()..];
    let (line, column) = rest.split_once(", Column: ")?;
    let line: u64 = line.trim().parse().ok()?;
    let column: u64 = column
        .trim()
        .trim_end_matches(|c: char| !c.is_ascii_digit())
        .parse()
        .ok()?;
    Some((text[..at].to_string(), line, column))
}

/// The position just after the last non-whitespace token of `sql`.
fn end_position(sql: &str) -> (u64, u64) {
    let dialect = PostgreSqlDialect {};
    let tokens = Tokenizer::new(&dialect, sql)
        .tokenize_with_location()
        .unwrap_or_default();
    let last = tokens
        .iter()
        .rev()
        .find(|t| !matches!(t.token, Token::Whitespace(_)));
    match last {
        Some(token) => (token.span.end.line.max(1), token.span.end.column.max(1)),
        None => (1, 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_several_statements() {
        let statements = parse("SELECT 1; SELECT 2;").expect("parses");
        assert_eq!(statements.len(), 2);
    }

    #[test]
    fn syntax_error_has_line_and_column() {
        let err = parse("SELECT 1;\nSELEC 2").expect_err("must fail");
        assert_eq!(err.line, 2);
        assert_eq!(err.column, 1);
        assert!(err.message.contains("Expected"), "{}", err.message);
    }

    #[test]
    fn error_at_end_of_input_is_positioned() {
        let err = parse("SELECT * FROM").expect_err("must fail");
        assert_eq!(err.line, 1);
        assert!(err.column >= 1);
        assert!(!err.message.contains("Line:"), "{}", err.message);
    }

    #[test]
    fn parse_one_rejects_two_statements() {
        assert!(parse_one("SELECT 1; SELECT 2").is_err());
        assert!(parse_one("SELECT 1").is_ok());
    }
}

//! [`ViewMode`]: the `REALTIME` / `MATERIALIZED` keyword of tether's view statements.

use std::fmt;

use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Location, Token};

use crate::tokens::is_word;

/// How a view over an origin table is kept current.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ViewMode {
    /// `REALTIME`: snapshot, then follow the origin's change stream.
    Realtime,
    /// `MATERIALIZED`: snapshot, refreshed only by `REFRESH MATERIALIZED VIEW`.
    Materialized,
}

impl ViewMode {
    /// The mode named by `token`, if it is the word `REALTIME` or `MATERIALIZED`.
    pub(crate) fn from_token(token: &Token) -> Option<ViewMode> {
        if is_word(token, "REALTIME") {
            Some(ViewMode::Realtime)
        } else if is_word(token, "MATERIALIZED") {
            Some(ViewMode::Materialized)
        } else {
            None
        }
    }

    /// Consumes a mode keyword if the parser is at one; returns it with its position.
    pub(crate) fn parse_optional(parser: &mut Parser) -> Option<(ViewMode, Location)> {
        let next = parser.peek_token();
        let mode = ViewMode::from_token(&next.token)?;
        parser.next_token();
        Some((mode, next.span.start))
    }
}

impl fmt::Display for ViewMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ViewMode::Realtime => "REALTIME",
            ViewMode::Materialized => "MATERIALIZED",
        })
    }
}

//! `REFRESH [REALTIME | MATERIALIZED] VIEW name`: take a new snapshot of a view's origin table.
//!
//! The mode keyword is optional. When given, the engine checks it against how the view was
//! created (the parser cannot know) and refuses a mismatch.

use std::fmt;

use sqlparser::ast::ObjectName;
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Location, TokenWithSpan};

use crate::names::QuotedName;
use crate::parse::to_parse_error_or;
use crate::tokens::{error_at, expect_end, is_word, parser_over};
use crate::view_mode::ViewMode;
use crate::ParseError;

/// `REFRESH [REALTIME | MATERIALIZED] VIEW name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshViewStatement {
    /// The mode keyword, if one was written.
    pub mode: Option<ViewMode>,
    pub name: ObjectName,
}

impl fmt::Display for RefreshViewStatement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("REFRESH ")?;
        if let Some(mode) = self.mode {
            write!(f, "{mode} ")?;
        }
        write!(f, "VIEW {}", QuotedName(&self.name))
    }
}

/// Parses the statement `tokens` (without its `;`); `eof` is where the statement ends.
pub(crate) fn parse_refresh_view(
    tokens: &[TokenWithSpan],
    eof: Location,
) -> Result<RefreshViewStatement, ParseError> {
    let mut parser = parser_over(tokens, eof);
    let sql_error = |e| to_parse_error_or(e, eof);
    parser.expect_keyword(Keyword::REFRESH).map_err(sql_error)?;
    let mode = ViewMode::parse_optional(&mut parser).map(|(mode, _)| mode);
    parser.expect_keyword(Keyword::VIEW).map_err(sql_error)?;
    let next = parser.peek_token();
    if is_word(&next.token, "CONCURRENTLY") {
        return Err(error_at(
            next.span.start,
            "REFRESH ... VIEW CONCURRENTLY is not supported (expected the view name)",
        ));
    }
    let name = parser.parse_object_name(false).map_err(sql_error)?;
    expect_end(&mut parser)?;
    Ok(RefreshViewStatement { mode, name })
}

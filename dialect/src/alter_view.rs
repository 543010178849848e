//! `ALTER [REALTIME | MATERIALIZED] VIEW [IF EXISTS] name SET (option = value, ...)` and
//! `... RESET (option, ...)`: change a view's options.
//!
//! Other `ALTER VIEW` forms (`RENAME TO`, `SET SCHEMA`, ...) without a mode keyword are left to
//! sqlparser. `replication_origin` can be set but not reset (a view always has an origin). A
//! mode keyword, when written, is checked by the engine against the view's kind.

use std::fmt;

use sqlparser::ast::ObjectName;
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Location, Token, TokenWithSpan};

use crate::names::QuotedName;
use crate::options::{
    parse_option_list, parse_option_name_list, ViewOptionChanges, ViewOptionName,
};
use crate::parse::to_parse_error_or;
use crate::tokens::{describe, error_at, expect_end, is_word, parser_over};
use crate::view_mode::ViewMode;
use crate::ParseError;

/// `ALTER [REALTIME | MATERIALIZED] VIEW name {SET | RESET} (...)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlterViewStatement {
    /// The mode keyword, if one was written.
    pub mode: Option<ViewMode>,
    pub if_exists: bool,
    pub name: ObjectName,
    pub action: AlterViewAction,
}

/// What an [`AlterViewStatement`] changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlterViewAction {
    /// `SET (...)`: at least one option.
    Set(ViewOptionChanges),
    /// `RESET (...)`: back to the defaults; at least one name, in canonical order, no
    /// duplicates, never `replication_origin`.
    Reset(Vec<ViewOptionName>),
}

impl fmt::Display for AlterViewStatement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ALTER ")?;
        if let Some(mode) = self.mode {
            write!(f, "{mode} ")?;
        }
        f.write_str("VIEW ")?;
        if self.if_exists {
            f.write_str("IF EXISTS ")?;
        }
        write!(f, "{} ", QuotedName(&self.name))?;
        match &self.action {
            AlterViewAction::Set(changes) => write!(f, "SET ({changes})"),
            AlterViewAction::Reset(names) => {
                let names: Vec<&str> = names.iter().map(|n| n.as_str()).collect();
                write!(f, "RESET ({})", names.join(", "))
            }
        }
    }
}

/// Whether the statement `tokens` is `ALTER VIEW [IF EXISTS] name {SET | RESET} (` — the plain
/// `ALTER VIEW` form that is tether's.
pub(crate) fn is_alter_view_options(tokens: &[TokenWithSpan], eof: Location) -> bool {
    let mut parser = parser_over(tokens, eof);
    if !parser.parse_keywords(&[Keyword::ALTER, Keyword::VIEW]) {
        return false;
    }
    let _ = parser.parse_keywords(&[Keyword::IF, Keyword::EXISTS]);
    if parser.parse_object_name(false).is_err() {
        return false;
    }
    let action = parser.next_token();
    (is_word(&action.token, "SET") || is_word(&action.token, "RESET"))
        && parser.peek_token().token == Token::LParen
}

/// Parses the statement `tokens` (without its `;`); `eof` is where the statement ends.
pub(crate) fn parse_alter_view(
    tokens: &[TokenWithSpan],
    eof: Location,
) -> Result<AlterViewStatement, ParseError> {
    let mut parser = parser_over(tokens, eof);
    let sql_error = |e| to_parse_error_or(e, eof);
    parser.expect_keyword(Keyword::ALTER).map_err(sql_error)?;
    let mode = ViewMode::parse_optional(&mut parser).map(|(mode, _)| mode);
    parser.expect_keyword(Keyword::VIEW).map_err(sql_error)?;
    let if_exists = parser.parse_keywords(&[Keyword::IF, Keyword::EXISTS]);
    let name = parser.parse_object_name(false).map_err(sql_error)?;
    let verb = parser.next_token();
    let action = if is_word(&verb.token, "SET") {
        AlterViewAction::Set(parse_option_list(&mut parser)?)
    } else if is_word(&verb.token, "RESET") {
        AlterViewAction::Reset(parse_option_name_list(&mut parser)?)
    } else {
        return Err(error_at(
            verb.span.start,
            format!(
                "expected SET (option = value, ...) or RESET (option, ...), found {}",
                describe(&verb.token)
            ),
        ));
    };
    expect_end(&mut parser)?;
    Ok(AlterViewStatement {
        mode,
        if_exists,
        name,
        action,
    })
}

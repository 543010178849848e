//! `DROP {REALTIME | MATERIALIZED} VIEW [IF EXISTS] name [, ...] [CASCADE | RESTRICT]`.
//!
//! Plain `DROP VIEW` is left to sqlparser ([`crate::TetherStatement::Sql`] with
//! `Statement::Drop`): it drops any kind of view, and the engine knows which kind a name is.
//! With a mode keyword the statement is tether's, and the engine refuses it when a named view
//! is of another kind.

use std::fmt;

use sqlparser::ast::{DropBehavior, ObjectName};
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Location, TokenWithSpan};

use crate::names::comma_separated;
use crate::parse::to_parse_error_or;
use crate::tokens::{describe, error_at, expect_end, parser_over};
use crate::view_mode::ViewMode;
use crate::ParseError;

/// `DROP {REALTIME | MATERIALIZED} VIEW ...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DropViewStatement {
    pub mode: ViewMode,
    pub if_exists: bool,
    /// One or more views; never empty.
    pub names: Vec<ObjectName>,
    pub behavior: Option<DropBehavior>,
}

impl fmt::Display for DropViewStatement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DROP {} VIEW ", self.mode)?;
        if self.if_exists {
            f.write_str("IF EXISTS ")?;
        }
        f.write_str(&comma_separated(&self.names))?;
        if let Some(behavior) = self.behavior {
            write!(f, " {behavior}")?;
        }
        Ok(())
    }
}

/// Parses the statement `tokens` (without its `;`); `eof` is where the statement ends.
pub(crate) fn parse_drop_view(
    tokens: &[TokenWithSpan],
    eof: Location,
) -> Result<DropViewStatement, ParseError> {
    let mut parser = parser_over(tokens, eof);
    let sql_error = |e| to_parse_error_or(e, eof);
    parser.expect_keyword(Keyword::DROP).map_err(sql_error)?;
    let Some((mode, _)) = ViewMode::parse_optional(&mut parser) else {
        let found = parser.peek_token();
        return Err(error_at(
            found.span.start,
            format!(
                "expected REALTIME or MATERIALIZED, found {}",
                describe(&found.token)
            ),
        ));
    };
    parser.expect_keyword(Keyword::VIEW).map_err(sql_error)?;
    let if_exists = parser.parse_keywords(&[Keyword::IF, Keyword::EXISTS]);
    let names = parser
        .parse_comma_separated(|p| p.parse_object_name(false))
        .map_err(sql_error)?;
    let behavior = if parser.parse_keyword(Keyword::CASCADE) {
        Some(DropBehavior::Cascade)
    } else if parser.parse_keyword(Keyword::RESTRICT) {
        Some(DropBehavior::Restrict)
    } else {
        None
    };
    expect_end(&mut parser)?;
    Ok(DropViewStatement {
        mode,
        if_exists,
        names,
        behavior,
    })
}

//! `CREATE [OR REPLACE] {REALTIME | MATERIALIZED} VIEW [IF NOT EXISTS] name [(cols)]`
//! `[WITH (options)] AS query [WITH (options)]`: a view mirroring an origin table.
//!
//! The options may come after the query (how users of this model write them, and the printed
//! form) or before `AS` (PostgreSQL's order), not both. A trailing `WITH (...)` is cut off at the
//! token level before sqlparser reads the query, because sqlparser would take it for table hints
//! of the last table; as a safety net a query whose tables still carry hints is refused.

use std::fmt;
use std::ops::ControlFlow;

use sqlparser::ast::{Ident, ObjectName, Query, TableFactor, Visit, Visitor};
use sqlparser::keywords::Keyword;
use sqlparser::parser::{IsOptional, Parser};
use sqlparser::tokenizer::{Location, Token, TokenWithSpan};

use crate::names::{comma_separated, QuotedName};
use crate::options::{parse_option_list, ViewOptionChanges, ViewOptions};
use crate::parse::to_parse_error_or;
use crate::tokens::{describe, error_at, expect_end, is_word, parser_over, trailing_option_group};
use crate::view_mode::ViewMode;
use crate::ParseError;

/// `CREATE {REALTIME | MATERIALIZED} VIEW ...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateViewStatement {
    pub or_replace: bool,
    pub mode: ViewMode,
    pub if_not_exists: bool,
    pub name: ObjectName,
    /// Column aliases (`name (a, b)`); empty when not given.
    pub columns: Vec<Ident>,
    /// The defining query, over the origin's tables.
    pub query: Box<Query>,
    pub options: ViewOptions,
}

impl fmt::Display for CreateViewStatement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CREATE ")?;
        if self.or_replace {
            f.write_str("OR REPLACE ")?;
        }
        write!(f, "{} VIEW ", self.mode)?;
        if self.if_not_exists {
            f.write_str("IF NOT EXISTS ")?;
        }
        write!(f, "{}", QuotedName(&self.name))?;
        if !self.columns.is_empty() {
            write!(f, " ({})", comma_separated(&self.columns))?;
        }
        write!(f, " AS {} WITH ({})", self.query, self.options)
    }
}

/// Parses the statement `tokens` (without its `;`); `eof` is where the statement ends.
pub(crate) fn parse_create_view(
    tokens: &[TokenWithSpan],
    eof: Location,
) -> Result<CreateViewStatement, ParseError> {
    let trailing = trailing_option_group(tokens);
    let (head, query_end) = match trailing {
        Some(with) => (&tokens[..with], tokens[with].span.start),
        None => (tokens, eof),
    };
    let mut parser = parser_over(head, query_end);
    let header = parse_header(&mut parser, query_end)?;
    let query = parse_view_query(&mut parser, query_end)?;
    let (options, options_at) = match (header.leading_options, trailing) {
        (Some(_), Some(with)) => {
            return Err(error_at(
                tokens[with].span.start,
                "view options are given twice: write one WITH (...) list, before AS or after \
                 the query",
            ))
        }
        (Some(leading), None) => leading,
        (None, Some(with)) => (
            parse_trailing_options(&tokens[with..], eof)?,
            tokens[with].span.start,
        ),
        (None, None) => (ViewOptionChanges::default(), header.mode_at),
    };
    Ok(CreateViewStatement {
        or_replace: header.or_replace,
        mode: header.mode,
        if_not_exists: header.if_not_exists,
        name: header.name,
        columns: header.columns,
        query,
        options: complete_options(options, header.mode, options_at)?,
    })
}

/// Everything before `AS`.
struct Header {
    or_replace: bool,
    mode: ViewMode,
    mode_at: Location,
    if_not_exists: bool,
    name: ObjectName,
    columns: Vec<Ident>,
    /// Options in PostgreSQL's place, and where their `WITH` is.
    leading_options: Option<(ViewOptionChanges, Location)>,
}

/// `CREATE [OR REPLACE] mode VIEW [IF NOT EXISTS] name [(cols)] [WITH (options)]`.
fn parse_header(parser: &mut Parser, query_end: Location) -> Result<Header, ParseError> {
    let sql_error = |e| to_parse_error_or(e, query_end);
    parser.expect_keyword(Keyword::CREATE).map_err(sql_error)?;
    let or_replace = parser.parse_keywords(&[Keyword::OR, Keyword::REPLACE]);
    let Some((mode, mode_at)) = ViewMode::parse_optional(parser) else {
        let found = parser.peek_token();
        let message = format!(
            "expected REALTIME or MATERIALIZED, found {}",
            describe(&found.token)
        );
        return Err(error_at(found.span.start, message));
    };
    parser.expect_keyword(Keyword::VIEW).map_err(sql_error)?;
    let if_not_exists_at = parser.peek_token().span.start;
    let if_not_exists = parser.parse_keywords(&[Keyword::IF, Keyword::NOT, Keyword::EXISTS]);
    if if_not_exists && or_replace {
        return Err(error_at(
            if_not_exists_at,
            "OR REPLACE and IF NOT EXISTS cannot be used together",
        ));
    }
    let next = parser.peek_token();
    if is_word(&next.token, "AS") {
        return Err(error_at(
            next.span.start,
            "expected the view name, found AS",
        ));
    }
    let name = parser.parse_object_name(false).map_err(sql_error)?;
    let columns = if parser.peek_token().token == Token::LParen {
        parser
            .parse_parenthesized_column_list(IsOptional::Mandatory, false)
            .map_err(sql_error)?
    } else {
        Vec::new()
    };
    let with = parser.peek_token();
    let leading_options = if is_word(&with.token, "WITH") {
        parser.next_token();
        Some((parse_option_list(parser)?, with.span.start))
    } else {
        None
    };
    Ok(Header {
        or_replace,
        mode,
        mode_at,
        if_not_exists,
        name,
        columns,
        leading_options,
    })
}

/// `AS query`, up to the end of the statement or the trailing options.
fn parse_view_query(parser: &mut Parser, query_end: Location) -> Result<Box<Query>, ParseError> {
    let sql_error = |e| to_parse_error_or(e, query_end);
    parser.expect_keyword(Keyword::AS).map_err(sql_error)?;
    let query = parser.parse_query().map_err(sql_error)?;
    let after = parser.next_token();
    if after.token != Token::EOF {
        return Err(error_at(
            after.span.start,
            format!(
                "expected end of statement or WITH (options) after the view query, found {}",
                describe(&after.token)
            ),
        ));
    }
    reject_table_hints(&query, query_end)?;
    Ok(query)
}

/// The `WITH (options)` group that ends the statement (`tokens` starts at its `WITH`).
fn parse_trailing_options(
    tokens: &[TokenWithSpan],
    eof: Location,
) -> Result<ViewOptionChanges, ParseError> {
    let mut parser = parser_over(tokens, eof);
    parser.next_token(); // WITH
    let options = parse_option_list(&mut parser)?;
    expect_end(&mut parser)?;
    Ok(options)
}

/// Checks that the options of a new view name its origin.
fn complete_options(
    options: ViewOptionChanges,
    mode: ViewMode,
    at: Location,
) -> Result<ViewOptions, ParseError> {
    let Some(replication_origin) = options.replication_origin else {
        let local_note = match mode {
            ViewMode::Materialized => ": tether has no local materialized views",
            ViewMode::Realtime => "",
        };
        return Err(error_at(
            at,
            format!("a {mode} view needs WITH (replication_origin = '<kind>:<name>'){local_note}"),
        ));
    };
    Ok(ViewOptions {
        replication_origin,
        upstream_mvcc_key: options.upstream_mvcc_key,
        write_policy: options.write_policy,
    })
}

/// Refuses table hints (`FROM t WITH (...)`) anywhere in a view query: they can only be view
/// options that were not at the end of the statement.
fn reject_table_hints(query: &Query, fallback: Location) -> Result<(), ParseError> {
    struct FindHints;
    impl Visitor for FindHints {
        type Break = Option<Location>;
        fn pre_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<Self::Break> {
            match factor {
                TableFactor::Table {
                    name, with_hints, ..
                } if !with_hints.is_empty() => {
                    let at = name
                        .0
                        .last()
                        .and_then(|part| part.as_ident())
                        .map(|i| i.span.start);
                    ControlFlow::Break(at)
                }
                _ => ControlFlow::Continue(()),
            }
        }
    }
    match query.visit(&mut FindHints) {
        ControlFlow::Break(at) => Err(error_at(
            at.filter(|l| l.line > 0).unwrap_or(fallback),
            "table hints (WITH (...) after a table) are not supported in a view query; view \
             options go at the end of the statement or before AS",
        )),
        ControlFlow::Continue(()) => Ok(()),
    }
}

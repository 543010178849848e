//! [`parse_tether`]: SQL text to [`TetherStatement`]s.
//!
//! The text is tokenized once by sqlparser's tokenizer and read by one sqlparser `Parser`, which
//! parses every plain statement exactly as [`crate::parse`] does. Before each statement its
//! leading words are looked at: tether's view statements are parsed by this crate over the
//! statement's tokens (sqlparser reads their names and the view query), and the main parser is
//! moved past them.

use sqlparser::keywords::Keyword;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Location, Token, TokenWithSpan};

use crate::alter_view::{is_alter_view_options, parse_alter_view};
use crate::create_view::parse_create_view;
use crate::drop_view::parse_drop_view;
use crate::parse::{exactly_one, to_parse_error};
use crate::plain_view::{check_plain_create_view, is_plain_create_view};
use crate::refresh_view::parse_refresh_view;
use crate::tokens::{
    end_of, error_at, is_word, parser_over, significant, significant_from, statement_end,
    statement_eof, tokenize,
};
use crate::view_mode::ViewMode;
use crate::{ParseError, TetherStatement};

/// Parses every statement in `sql` (separated by `;`). Empty input yields no statements.
pub fn parse_tether(sql: &str) -> Result<Vec<TetherStatement>, ParseError> {
    let tokens = tokenize(sql)?;
    let mut parser = parser_over(&tokens, end_of(&tokens));
    let mut statements = Vec::new();
    let mut expecting_delimiter = false;
    loop {
        while parser.consume_token(&Token::SemiColon) {
            expecting_delimiter = false;
        }
        match &parser.peek_token_ref().token {
            Token::EOF => break,
            // sqlparser's `parse_statements` stops at `END` after a statement; so does this.
            Token::Word(word) if expecting_delimiter && word.keyword == Keyword::END => break,
            _ => {}
        }
        if expecting_delimiter {
            let found = parser.peek_token_ref();
            return Err(error_at(
                found.span.start,
                format!("Expected: end of statement, found: {found}"),
            ));
        }
        let start = significant_from(&tokens, parser.index()).unwrap_or(tokens.len());
        let end = statement_end(&tokens, start);
        let statement_tokens = &tokens[start..end];
        let eof = statement_eof(&tokens, end);
        let statement = match classify(statement_tokens, eof) {
            Kind::Sql => parse_sql(&mut parser, sql)?,
            Kind::PlainCreateView => {
                check_plain_create_view(statement_tokens)?;
                parse_sql(&mut parser, sql)?
            }
            Kind::CreateView => {
                TetherStatement::CreateView(parse_create_view(statement_tokens, eof)?)
            }
            Kind::RefreshView => {
                TetherStatement::RefreshView(parse_refresh_view(statement_tokens, eof)?)
            }
            Kind::DropView => TetherStatement::DropView(parse_drop_view(statement_tokens, eof)?),
            Kind::AlterView => TetherStatement::AlterView(parse_alter_view(statement_tokens, eof)?),
        };
        if !matches!(statement, TetherStatement::Sql(_)) {
            skip_past(&mut parser, &tokens, start, end);
        }
        statements.push(statement);
        expecting_delimiter = true;
    }
    Ok(statements)
}

/// Parses text that must hold exactly one statement.
pub fn parse_tether_one(sql: &str) -> Result<TetherStatement, ParseError> {
    exactly_one(parse_tether(sql)?)
}

/// Which parser a statement goes to.
enum Kind {
    Sql,
    PlainCreateView,
    CreateView,
    RefreshView,
    DropView,
    AlterView,
}

/// Decides from the leading words of the statement `tokens` who parses it.
fn classify(tokens: &[TokenWithSpan], eof: Location) -> Kind {
    let words: Vec<&Token> = significant(tokens, 0)
        .take(4)
        .map(|(_, t)| &t.token)
        .collect();
    let word = |i: usize, text: &str| words.get(i).is_some_and(|t| is_word(t, text));
    let mode = |i: usize| {
        words
            .get(i)
            .is_some_and(|t| ViewMode::from_token(t).is_some())
    };
    if word(0, "CREATE") {
        let after_replace = if word(1, "OR") && word(2, "REPLACE") {
            3
        } else {
            1
        };
        if mode(after_replace) {
            return Kind::CreateView;
        }
        if is_plain_create_view(tokens) {
            return Kind::PlainCreateView;
        }
    } else if word(0, "REFRESH") {
        return Kind::RefreshView;
    } else if word(0, "DROP") && mode(1) {
        return Kind::DropView;
    } else if word(0, "ALTER") && (mode(1) || is_alter_view_options(tokens, eof)) {
        return Kind::AlterView;
    }
    Kind::Sql
}

fn parse_sql(parser: &mut Parser, sql: &str) -> Result<TetherStatement, ParseError> {
    let statement = parser
        .parse_statement()
        .map_err(|e| to_parse_error(sql, e))?;
    Ok(TetherStatement::Sql(Box::new(statement)))
}

/// Moves the main parser past the statement `tokens[start..end]`, parsed by this crate.
fn skip_past(parser: &mut Parser, tokens: &[TokenWithSpan], start: usize, end: usize) {
    let last = significant(&tokens[..end], start)
        .last()
        .map_or(start, |(i, _)| i);
    while parser.index() <= last {
        parser.advance_token();
    }
}

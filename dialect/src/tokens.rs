//! Token-level helpers for tether's statements: tokenizing with positions, finding where a
//! statement ends, recognising words that are not sqlparser keywords (`REALTIME`), splitting a
//! trailing `WITH (...)` option group off a view query, and building a sqlparser [`Parser`] over
//! a slice of tokens so that its errors keep their positions in the original text.

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Location, Span, Token, TokenWithSpan, Tokenizer};

use crate::parse::{to_parse_error_or, RECURSION_LIMIT};
use crate::ParseError;

/// The dialect every tether parse uses.
pub(crate) static DIALECT: PostgreSqlDialect = PostgreSqlDialect {};

/// Tokenizes `sql` with positions, exactly as sqlparser's own `try_with_sql` does.
pub(crate) fn tokenize(sql: &str) -> Result<Vec<TokenWithSpan>, ParseError> {
    Tokenizer::new(&DIALECT, sql)
        .with_unescape(true)
        .tokenize_with_location()
        .map_err(|e| to_parse_error_or(ParserError::from(e), end_of(&[])))
}

/// A parser over `tokens`, followed by an end-of-input token placed at `eof`, so that an error
/// at the end of the slice points at `eof` rather than nowhere.
pub(crate) fn parser_over(tokens: &[TokenWithSpan], eof: Location) -> Parser<'static> {
    let mut owned = Vec::with_capacity(tokens.len() + 1);
    owned.extend_from_slice(tokens);
    owned.push(TokenWithSpan::new(Token::EOF, Span::new(eof, eof)));
    Parser::new(&DIALECT)
        .with_recursion_limit(RECURSION_LIMIT)
        .with_tokens_with_locations(owned)
}

/// A [`ParseError`] at `location`.
pub(crate) fn error_at(location: Location, message: impl Into<String>) -> ParseError {
    ParseError {
        line: location.line.max(1),
        column: location.column.max(1),
        message: message.into(),
    }
}

/// How a token is named in an error message.
pub(crate) fn describe(token: &Token) -> String {
    match token {
        Token::EOF => "end of statement".into(),
        Token::SemiColon => "end of statement (;)".into(),
        other => other.to_string(),
    }
}

/// Requires the parser to be at the end of the statement.
pub(crate) fn expect_end(parser: &mut Parser) -> Result<(), ParseError> {
    let next = parser.next_token();
    match next.token {
        Token::EOF => Ok(()),
        ref other => Err(error_at(
            next.span.start,
            format!("expected end of statement, found {}", describe(other)),
        )),
    }
}

/// Whether `token` is the unquoted word `word` (compared case-insensitively).
pub(crate) fn is_word(token: &Token, word: &str) -> bool {
    matches!(token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(word))
}

/// Index of the first token at or after `from` that is not whitespace or a comment.
pub(crate) fn significant_from(tokens: &[TokenWithSpan], from: usize) -> Option<usize> {
    (from..tokens.len()).find(|&i| !matches!(tokens[i].token, Token::Whitespace(_)))
}

/// The significant tokens of `tokens` from `from` on, with their indexes.
pub(crate) fn significant(
    tokens: &[TokenWithSpan],
    from: usize,
) -> impl Iterator<Item = (usize, &TokenWithSpan)> {
    tokens
        .iter()
        .enumerate()
        .skip(from)
        .filter(|(_, t)| !matches!(t.token, Token::Whitespace(_)))
}

/// Index of the `;` that ends the statement starting at `start`, or `tokens.len()`.
pub(crate) fn statement_end(tokens: &[TokenWithSpan], start: usize) -> usize {
    (start..tokens.len())
        .find(|&i| tokens[i].token == Token::SemiColon)
        .unwrap_or(tokens.len())
}

/// Where the end of `tokens` is: just after the last significant token (1:1 when there is none).
pub(crate) fn end_of(tokens: &[TokenWithSpan]) -> Location {
    tokens
        .iter()
        .rev()
        .find(|t| !matches!(t.token, Token::Whitespace(_)))
        .map(|t| t.span.end)
        .unwrap_or(Location::new(1, 1))
}

/// The position just after the statement `tokens[..end]`: the `;` that ends it, or the end of
/// the text.
pub(crate) fn statement_eof(tokens: &[TokenWithSpan], end: usize) -> Location {
    match tokens.get(end) {
        Some(semicolon) => semicolon.span.start,
        None => end_of(tokens),
    }
}

/// Finds a `WITH ( ... )` group at parenthesis depth 0 that ends the statement `tokens`, and
/// returns the index of its `WITH`. sqlparser would read such a group after `FROM t` as table
/// hints, so view options after the query are cut off here before sqlparser sees the query.
pub(crate) fn trailing_option_group(tokens: &[TokenWithSpan]) -> Option<usize> {
    let significant: Vec<(usize, &Token)> =
        significant(tokens, 0).map(|(i, t)| (i, &t.token)).collect();
    let mut depth: i64 = 0;
    let mut candidate = None;
    for (position, (index, token)) in significant.iter().enumerate() {
        match token {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            _ if depth == 0 && is_word(token, "WITH") => {
                let opens_group = significant
                    .get(position + 1)
                    .is_some_and(|(_, next)| **next == Token::LParen);
                if opens_group {
                    candidate = Some((position, *index));
                }
            }
            _ => {}
        }
    }
    let (position, with_index) = candidate?;
    // The group's `(` must be closed by the very last token of the statement.
    let mut depth: i64 = 0;
    for (offset, (_, token)) in significant.iter().enumerate().skip(position + 1) {
        match token {
            Token::LParen => depth += 1,
            Token::RParen => {
                depth -= 1;
                if depth == 0 {
                    return (offset + 1 == significant.len()).then_some(with_index);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trailing(sql: &str) -> Option<String> {
        let tokens = tokenize(sql).expect("tokenizes");
        trailing_option_group(&tokens).map(|i| {
            let location = tokens[i].span.start;
            format!("{}:{}", location.line, location.column)
        })
    }

    #[test]
    fn finds_a_trailing_group_only_at_the_end_and_at_depth_zero() {
        assert_eq!(
            trailing("SELECT a FROM t WITH (k = 'v')"),
            Some("1:17".into())
        );
        assert_eq!(trailing("SELECT a FROM t WITH (k = 'v') x"), None);
        assert_eq!(trailing("SELECT (SELECT 1 WITH (k))"), None);
        assert_eq!(trailing("v WITH (a = 1) AS SELECT 1"), None);
        assert_eq!(trailing("SELECT 1"), None);
        assert_eq!(trailing("WITH (a"), None);
    }
}

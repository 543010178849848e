//! Checks on a plain `CREATE [OR REPLACE] [TEMP] VIEW` before it goes to sqlparser unchanged.
//!
//! A plain view has no origin, so tether's view options on it are a mistake that sqlparser would
//! not report: a trailing `WITH (...)` would silently become table hints, and a tether option in
//! PostgreSQL's `VIEW v WITH (...) AS` list would be kept as an opaque view option. Both are
//! refused here with a message that names the missing `REALTIME` / `MATERIALIZED` keyword.

use sqlparser::tokenizer::{Token, TokenWithSpan};

use crate::options::ViewOptionName;
use crate::tokens::{error_at, is_word, significant, trailing_option_group};
use crate::ParseError;

/// Whether the statement `tokens` starts `CREATE [OR REPLACE] [TEMP | TEMPORARY] [RECURSIVE] VIEW`.
pub(crate) fn is_plain_create_view(tokens: &[TokenWithSpan]) -> bool {
    let mut words = significant(tokens, 0).map(|(_, t)| &t.token);
    if !words.next().is_some_and(|t| is_word(t, "CREATE")) {
        return false;
    }
    for token in words {
        if is_word(token, "VIEW") {
            return true;
        }
        let prefix = ["OR", "REPLACE", "TEMP", "TEMPORARY", "RECURSIVE"];
        if !prefix.iter().any(|word| is_word(token, word)) {
            return false;
        }
    }
    false
}

/// Refuses tether's view options on a plain view.
pub(crate) fn check_plain_create_view(tokens: &[TokenWithSpan]) -> Result<(), ParseError> {
    if let Some(with) = trailing_option_group(tokens) {
        return Err(error_at(
            tokens[with].span.start,
            "WITH (...) after the query is only allowed on REALTIME and MATERIALIZED views \
             (write CREATE REALTIME VIEW name AS query WITH (replication_origin = '<kind>:<name>'))",
        ));
    }
    let mut depth = 0i64;
    let mut in_with_list = false;
    let mut previous: Option<&Token> = None;
    for (_, token) in significant(tokens, 0) {
        match &token.token {
            Token::LParen => depth += 1,
            Token::RParen => {
                depth -= 1;
                in_with_list &= depth > 0;
            }
            _ if depth == 0 && is_word(&token.token, "AS") => return Ok(()),
            Token::Word(word)
                if in_with_list
                    && depth == 1
                    && matches!(previous, Some(Token::LParen | Token::Comma)) =>
            {
                if let Some(name) =
                    ViewOptionName::from_key(&word.value, word.quote_style.is_some())
                {
                    return Err(error_at(
                        token.span.start,
                        format!(
                            "option {name} needs a REALTIME or MATERIALIZED view \
                             (write CREATE REALTIME VIEW or CREATE MATERIALIZED VIEW)"
                        ),
                    ));
                }
            }
            _ => {}
        }
        if depth == 0 && is_word(&token.token, "WITH") {
            in_with_list = true;
        }
        previous = Some(&token.token);
    }
    Ok(())
}

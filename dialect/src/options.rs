//! The options of a tether view (`WITH (...)`, `ALTER VIEW ... SET (...)` / `RESET (...)`): their
//! names, typed values, validation and canonical printing.
//!
//! | option | value | default |
//! |---|---|---|
//! | `replication_origin` | `'<kind>:<name>'`, kind `postgres`, `mysql` or `tether` | required |
//! | `upstream_mvcc_key` | a column name: `'col'`, `col` or `"Col"` | `xmin` for postgres and tether origins; none (last writer wins) for mysql |
//! | `write_policy` | `'origin_first'` or `'local_first'` (quoted or bare) | `origin_first` |
//!
//! Options are printed in this canonical order, whatever order they were written in.

use std::fmt;
use std::str::FromStr;

use sqlparser::ast::Ident;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Location, Token, TokenWithSpan};

use crate::names::QuotedName;
use crate::tokens::{describe, error_at};
use crate::ParseError;

/// The kind of database an origin is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OriginKind {
    Postgres,
    Mysql,
    /// Another tether database (the in-process origin).
    Tether,
}

impl OriginKind {
    /// The kind as written in an origin name (`postgres`, `mysql`, `tether`).
    pub fn as_str(self) -> &'static str {
        match self {
            OriginKind::Postgres => "postgres",
            OriginKind::Mysql => "mysql",
            OriginKind::Tether => "tether",
        }
    }
}

impl fmt::Display for OriginKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The value of `replication_origin`: which registered origin a view mirrors, e.g.
/// `postgres:primary`. Displays as `<kind>:<name>`, the name origins are registered under.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReplicationOrigin {
    pub kind: OriginKind,
    /// The origin's name after the `:`; never empty, no whitespace.
    pub name: String,
}

impl FromStr for ReplicationOrigin {
    /// A message saying what was expected.
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let Some((kind, name)) = text.split_once(':') else {
            return Err(format!(
                "replication_origin '{text}' must have the form '<kind>:<name>' \
                 (kind postgres, mysql or tether), e.g. 'postgres:primary'"
            ));
        };
        let kind = match kind.to_ascii_lowercase().as_str() {
            "postgres" => OriginKind::Postgres,
            "mysql" => OriginKind::Mysql,
            "tether" => OriginKind::Tether,
            _ => {
                return Err(format!(
                    "unknown origin kind \"{kind}\" in replication_origin \
                     (expected postgres, mysql or tether)"
                ))
            }
        };
        if name.is_empty() {
            return Err(format!(
                "replication_origin '{text}' has an empty origin name (expected '{kind}:<name>')"
            ));
        }
        if name.chars().any(char::is_whitespace) {
            return Err(format!(
                "replication_origin '{text}' has whitespace in its origin name"
            ));
        }
        Ok(ReplicationOrigin {
            kind,
            name: name.to_string(),
        })
    }
}

impl fmt::Display for ReplicationOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind, self.name)
    }
}

/// When a write through a view becomes visible in the view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum WritePolicy {
    /// The view changes only when the origin's echo of the write arrives.
    #[default]
    OriginFirst,
    /// Written rows show at once, staged (`__staged = true`), until the echo replaces them.
    LocalFirst,
}

impl WritePolicy {
    /// The policy as written in SQL (`origin_first`, `local_first`).
    pub fn as_str(self) -> &'static str {
        match self {
            WritePolicy::OriginFirst => "origin_first",
            WritePolicy::LocalFirst => "local_first",
        }
    }
}

impl fmt::Display for WritePolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The name of a view option. Ordered canonically (the order options are printed in).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ViewOptionName {
    ReplicationOrigin,
    UpstreamMvccKey,
    WritePolicy,
}

impl ViewOptionName {
    /// Every option, in canonical order.
    pub const ALL: [ViewOptionName; 3] = [
        ViewOptionName::ReplicationOrigin,
        ViewOptionName::UpstreamMvccKey,
        ViewOptionName::WritePolicy,
    ];

    /// The option as written in SQL.
    pub fn as_str(self) -> &'static str {
        match self {
            ViewOptionName::ReplicationOrigin => "replication_origin",
            ViewOptionName::UpstreamMvccKey => "upstream_mvcc_key",
            ViewOptionName::WritePolicy => "write_policy",
        }
    }

    /// The option named `name` (unquoted names are case-insensitive).
    pub(crate) fn from_key(name: &str, quoted: bool) -> Option<ViewOptionName> {
        ViewOptionName::ALL.into_iter().find(|option| {
            if quoted {
                option.as_str() == name
            } else {
                option.as_str().eq_ignore_ascii_case(name)
            }
        })
    }
}

impl fmt::Display for ViewOptionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Some view options, each given at most once: the list of `ALTER VIEW ... SET (...)`, and what
/// a `WITH (...)` list holds before it is checked to be complete.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ViewOptionChanges {
    pub replication_origin: Option<ReplicationOrigin>,
    /// The origin's version column. A string value is the exact column name (as if quoted).
    pub upstream_mvcc_key: Option<Ident>,
    pub write_policy: Option<WritePolicy>,
}

impl ViewOptionChanges {
    fn has(&self, name: ViewOptionName) -> bool {
        match name {
            ViewOptionName::ReplicationOrigin => self.replication_origin.is_some(),
            ViewOptionName::UpstreamMvccKey => self.upstream_mvcc_key.is_some(),
            ViewOptionName::WritePolicy => self.write_policy.is_some(),
        }
    }

    /// Whether no option is set.
    pub fn is_empty(&self) -> bool {
        ViewOptionName::ALL.into_iter().all(|name| !self.has(name))
    }
}

impl fmt::Display for ViewOptionChanges {
    /// `name = value, ...` in canonical order, without parentheses.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut items = Vec::new();
        if let Some(origin) = &self.replication_origin {
            items.push(format!(
                "replication_origin = {}",
                quote_string(&origin.to_string())
            ));
        }
        if let Some(key) = &self.upstream_mvcc_key {
            items.push(format!("upstream_mvcc_key = {}", QuotedName(key)));
        }
        if let Some(policy) = self.write_policy {
            items.push(format!("write_policy = '{policy}'"));
        }
        f.write_str(&items.join(", "))
    }
}

/// The options of a `CREATE {REALTIME | MATERIALIZED} VIEW`: a complete, checked set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewOptions {
    pub replication_origin: ReplicationOrigin,
    /// `None` when not given: the engine uses `xmin` for postgres and tether origins, and
    /// last-writer-wins (no version) for mysql.
    pub upstream_mvcc_key: Option<Ident>,
    /// `None` when not given; see [`ViewOptions::effective_write_policy`].
    pub write_policy: Option<WritePolicy>,
}

impl ViewOptions {
    /// The write policy, with the default (`origin_first`) filled in.
    pub fn effective_write_policy(&self) -> WritePolicy {
        self.write_policy.unwrap_or_default()
    }

    /// The same options as a [`ViewOptionChanges`] (for printing).
    pub fn as_changes(&self) -> ViewOptionChanges {
        ViewOptionChanges {
            replication_origin: Some(self.replication_origin.clone()),
            upstream_mvcc_key: self.upstream_mvcc_key.clone(),
            write_policy: self.write_policy,
        }
    }
}

impl fmt::Display for ViewOptions {
    /// `name = value, ...` in canonical order, without parentheses.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.as_changes().fmt(f)
    }
}

/// `'text'` with embedded quotes doubled.
fn quote_string(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

const OPTION_NAMES: &str = "replication_origin, upstream_mvcc_key or write_policy";

/// Parses `( name = value [, ...] )` at the parser's position into checked option values.
pub(crate) fn parse_option_list(parser: &mut Parser) -> Result<ViewOptionChanges, ParseError> {
    expect_open_paren(parser, "a parenthesized option list")?;
    let mut changes = ViewOptionChanges::default();
    loop {
        let key = parser.next_token();
        let name = option_name(&key)?;
        if changes.has(name) {
            return Err(error_at(
                key.span.start,
                format!("option {name} is given twice"),
            ));
        }
        let equals = parser.next_token();
        if equals.token != Token::Eq {
            return Err(error_at(
                equals.span.start,
                format!("expected = after {name}, found {}", describe(&equals.token)),
            ));
        }
        let value = parser.next_token();
        set_option(&mut changes, name, &value)?;
        if !list_continues(parser, || format!("the value of {name}"))? {
            return Ok(changes);
        }
    }
}

/// Parses `( name [, ...] )` (the list of `RESET`), in canonical order.
pub(crate) fn parse_option_name_list(
    parser: &mut Parser,
) -> Result<Vec<ViewOptionName>, ParseError> {
    expect_open_paren(parser, "a parenthesized list of option names")?;
    let mut names = Vec::new();
    loop {
        let key = parser.next_token();
        let name = option_name(&key)?;
        if names.contains(&name) {
            return Err(error_at(
                key.span.start,
                format!("option {name} is given twice"),
            ));
        }
        if name == ViewOptionName::ReplicationOrigin {
            return Err(error_at(
                key.span.start,
                "replication_origin cannot be reset: a REALTIME or MATERIALIZED view always has \
                 an origin (use SET (replication_origin = '<kind>:<name>') to change it)",
            ));
        }
        names.push(name);
        if !list_continues(parser, || format!("option {name}"))? {
            names.sort();
            return Ok(names);
        }
    }
}

fn expect_open_paren(parser: &mut Parser, what: &str) -> Result<(), ParseError> {
    let open = parser.next_token();
    if open.token == Token::LParen {
        Ok(())
    } else {
        Err(error_at(
            open.span.start,
            format!(
                "expected ( to start {what}, found {}",
                describe(&open.token)
            ),
        ))
    }
}

/// Consumes `,` (true: another item follows) or `)` (false: the list ends).
fn list_continues(parser: &mut Parser, after: impl Fn() -> String) -> Result<bool, ParseError> {
    let next = parser.next_token();
    match next.token {
        Token::Comma => Ok(true),
        Token::RParen => Ok(false),
        ref other => Err(error_at(
            next.span.start,
            format!(
                "expected , or ) after {}, found {}",
                after(),
                describe(other)
            ),
        )),
    }
}

fn option_name(key: &TokenWithSpan) -> Result<ViewOptionName, ParseError> {
    let Token::Word(word) = &key.token else {
        return Err(error_at(
            key.span.start,
            format!(
                "expected an option name ({OPTION_NAMES}), found {}",
                describe(&key.token)
            ),
        ));
    };
    ViewOptionName::from_key(&word.value, word.quote_style.is_some()).ok_or_else(|| {
        error_at(
            key.span.start,
            format!(
                "unknown option \"{}\" (expected {OPTION_NAMES})",
                word.value
            ),
        )
    })
}

fn set_option(
    changes: &mut ViewOptionChanges,
    name: ViewOptionName,
    value: &TokenWithSpan,
) -> Result<(), ParseError> {
    let at = value.span.start;
    match name {
        ViewOptionName::ReplicationOrigin => {
            let Some(text) = string_value(&value.token) else {
                return Err(error_at(
                    at,
                    format!(
                        "replication_origin must be a quoted string like 'postgres:primary', \
                         found {}",
                        describe(&value.token)
                    ),
                ));
            };
            let origin = text.parse().map_err(|message| error_at(at, message))?;
            changes.replication_origin = Some(origin);
        }
        ViewOptionName::UpstreamMvccKey => {
            changes.upstream_mvcc_key = Some(column_name(value, at)?);
        }
        ViewOptionName::WritePolicy => {
            changes.write_policy = Some(write_policy(value, at)?);
        }
    }
    Ok(())
}

fn string_value(token: &Token) -> Option<&str> {
    match token {
        Token::SingleQuotedString(s) | Token::EscapedStringLiteral(s) => Some(s),
        _ => None,
    }
}

fn column_name(value: &TokenWithSpan, at: Location) -> Result<Ident, ParseError> {
    let ident = match &value.token {
        Token::Word(word) => match word.quote_style {
            Some(quote) => Ident::with_quote(quote, word.value.clone()),
            None => Ident::new(word.value.clone()),
        },
        token => match string_value(token) {
            Some(text) => Ident::with_quote('"', text),
            None => {
                return Err(error_at(
                    at,
                    format!(
                        "upstream_mvcc_key must be a column name, found {}",
                        describe(token)
                    ),
                ))
            }
        },
    };
    if ident.value.is_empty() {
        return Err(error_at(
            at,
            "upstream_mvcc_key must name a column, found ''",
        ));
    }
    Ok(ident)
}

fn write_policy(value: &TokenWithSpan, at: Location) -> Result<WritePolicy, ParseError> {
    let text = match &value.token {
        Token::Word(word) if word.quote_style.is_none() => Some(word.value.as_str()),
        token => string_value(token),
    };
    match text.map(str::to_ascii_lowercase).as_deref() {
        Some("origin_first") => Ok(WritePolicy::OriginFirst),
        Some("local_first") => Ok(WritePolicy::LocalFirst),
        _ => Err(error_at(
            at,
            format!(
                "invalid write_policy {} (expected 'origin_first' or 'local_first')",
                describe(&value.token)
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replication_origin_splits_kind_and_name() {
        let origin: ReplicationOrigin = "postgres:primary".parse().expect("valid");
        assert_eq!(origin.kind, OriginKind::Postgres);
        assert_eq!(origin.name, "primary");
        assert_eq!(origin.to_string(), "postgres:primary");
        let origin: ReplicationOrigin = "MySQL:a:b".parse().expect("valid");
        assert_eq!(
            (origin.kind, origin.name.as_str()),
            (OriginKind::Mysql, "a:b")
        );
        assert!("sqlite:x".parse::<ReplicationOrigin>().is_err());
        assert!("tether:".parse::<ReplicationOrigin>().is_err());
        assert!("tether".parse::<ReplicationOrigin>().is_err());
        assert!("tether:a b".parse::<ReplicationOrigin>().is_err());
    }

    #[test]
    fn changes_print_in_canonical_order() {
        let changes = ViewOptionChanges {
            replication_origin: Some("tether:it's".parse().expect("valid")),
            upstream_mvcc_key: Some(Ident::with_quote('"', "Ver")),
            write_policy: Some(WritePolicy::LocalFirst),
        };
        assert_eq!(
            changes.to_string(),
            "replication_origin = 'tether:it''s', upstream_mvcc_key = \"Ver\", \
             write_policy = 'local_first'"
        );
    }
}

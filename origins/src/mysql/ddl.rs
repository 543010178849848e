//! Statements that arrive as binlog QUERY events: transaction control (`BEGIN`, `COMMIT`, ...),
//! and DDL or statement-logged DML. [`effect_on`] tells what a statement means for one
//! mirrored table: nothing, a TRUNCATE (an ordinary change), a schema change (the view goes to
//! error until REFRESH), or statement-based DML (the server is not logging rows).
//!
//! A small tokenizer is enough here and copes with every dialect: only the statement's leading
//! keywords and its table names matter. It errs on the side of calling a statement a schema
//! change of the table.

use tether_engine::sync::OriginTableName;

/// What a QUERY event is, for transaction framing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryKind {
    Begin,
    Commit,
    Rollback,
    /// SAVEPOINT, ROLLBACK TO, RELEASE SAVEPOINT, XA, comments: no effect on framing.
    Inside,
    /// Any other statement (DDL, statement-logged DML).
    Statement,
}

/// Classifies a QUERY event's text.
pub fn query_kind(query: &str) -> QueryKind {
    let words: Vec<String> = tokens(query)
        .into_iter()
        .take(2)
        .filter_map(|t| match t {
            Token::Word(w, false) => Some(w.to_ascii_uppercase()),
            _ => None,
        })
        .collect();
    match words.first().map(String::as_str) {
        None => QueryKind::Inside,
        Some("BEGIN") => QueryKind::Begin,
        Some("START") if words.get(1).map(String::as_str) == Some("TRANSACTION") => {
            QueryKind::Begin
        }
        Some("COMMIT") => QueryKind::Commit,
        Some("ROLLBACK") if words.get(1).map(String::as_str) == Some("TO") => QueryKind::Inside,
        Some("ROLLBACK") => QueryKind::Rollback,
        Some("SAVEPOINT" | "RELEASE" | "XA") => QueryKind::Inside,
        Some(_) => QueryKind::Statement,
    }
}

/// What a statement does to one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    None,
    /// `TRUNCATE TABLE` of the table: every row is gone.
    Truncate,
    /// The table was altered, dropped, renamed or replaced (or its database dropped).
    SchemaChange,
    /// An INSERT/UPDATE/DELETE/REPLACE/LOAD naming the table was logged as a statement.
    StatementDml,
}

/// What `query`, run with default database `schema`, does to `table`.
pub fn effect_on(query: &str, schema: &str, table: &OriginTableName) -> Effect {
    let tokens = tokens(query);
    let mut at = 0;
    let ours = |name: &TableRef| {
        name.1.eq_ignore_ascii_case(&table.name)
            && name
                .0
                .as_deref()
                .unwrap_or(schema)
                .eq_ignore_ascii_case(&table.schema)
    };
    let Some(first) = keyword(&tokens, &mut at) else {
        return Effect::None;
    };
    match first.as_str() {
        "ALTER" => {
            skip_keywords(&tokens, &mut at, &["ONLINE", "OFFLINE", "IGNORE"]);
            if !expect(&tokens, &mut at, "TABLE") {
                return Effect::None;
            }
            skip_if_exists(&tokens, &mut at);
            let target = qualified_name(&tokens, &mut at);
            if target.as_ref().is_some_and(ours) {
                return Effect::SchemaChange;
            }
            // ALTER TABLE other RENAME TO ours.
            while at < tokens.len() {
                if is_keyword(&tokens[at], "RENAME") {
                    at += 1;
                    skip_keywords(&tokens, &mut at, &["TO", "AS"]);
                    if qualified_name(&tokens, &mut at).as_ref().is_some_and(ours) {
                        return Effect::SchemaChange;
                    }
                } else {
                    at += 1;
                }
            }
            Effect::None
        }
        "DROP" => {
            skip_keywords(&tokens, &mut at, &["TEMPORARY"]);
            if is_keyword_at(&tokens, at, "INDEX") {
                return primary_index_change(&tokens, at, &ours);
            }
            if expect(&tokens, &mut at, "DATABASE") || expect(&tokens, &mut at, "SCHEMA") {
                skip_if_exists(&tokens, &mut at);
                return match tokens.get(at) {
                    Some(Token::Word(name, _)) if name.eq_ignore_ascii_case(&table.schema) => {
                        Effect::SchemaChange
                    }
                    _ => Effect::None,
                };
            }
            if !expect(&tokens, &mut at, "TABLE") && !expect(&tokens, &mut at, "TABLES") {
                return Effect::None;
            }
            skip_if_exists(&tokens, &mut at);
            if names_in_list(&tokens, &mut at).iter().any(ours) {
                Effect::SchemaChange
            } else {
                Effect::None
            }
        }
        "RENAME" => {
            if !expect(&tokens, &mut at, "TABLE") && !expect(&tokens, &mut at, "TABLES") {
                return Effect::None;
            }
            let mut names = Vec::new();
            while at < tokens.len() {
                match qualified_name(&tokens, &mut at) {
                    Some(name) => names.push(name),
                    None => at += 1,
                }
            }
            if names.iter().any(ours) {
                Effect::SchemaChange
            } else {
                Effect::None
            }
        }
        "TRUNCATE" => {
            expect(&tokens, &mut at, "TABLE");
            match qualified_name(&tokens, &mut at) {
                Some(name) if ours(&name) => Effect::Truncate,
                _ => Effect::None,
            }
        }
        "CREATE" => {
            if expect(&tokens, &mut at, "OR") {
                expect(&tokens, &mut at, "REPLACE");
            }
            if expect(&tokens, &mut at, "TEMPORARY") {
                return Effect::None;
            }
            skip_keywords(&tokens, &mut at, &["UNIQUE", "FULLTEXT", "SPATIAL"]);
            if is_keyword_at(&tokens, at, "INDEX") {
                return primary_index_change(&tokens, at, &ours);
            }
            if !expect(&tokens, &mut at, "TABLE") {
                return Effect::None;
            }
            if expect(&tokens, &mut at, "IF") {
                skip_keywords(&tokens, &mut at, &["NOT", "EXISTS"]);
            }
            match qualified_name(&tokens, &mut at) {
                Some(name) if ours(&name) => Effect::SchemaChange,
                _ => Effect::None,
            }
        }
        "INSERT" | "REPLACE" | "UPDATE" | "DELETE" | "LOAD" => {
            let mut rest = at;
            while rest < tokens.len() {
                match qualified_name(&tokens, &mut rest) {
                    Some(name) if ours(&name) => return Effect::StatementDml,
                    Some(_) => {}
                    None => rest += 1,
                }
            }
            Effect::None
        }
        _ => Effect::None,
    }
}

/// `CREATE/DROP INDEX name ON table`: only the primary key matters to a view.
fn primary_index_change(
    tokens: &[Token],
    mut at: usize,
    ours: &dyn Fn(&TableRef) -> bool,
) -> Effect {
    at += 1;
    let index = qualified_name(tokens, &mut at);
    if !expect(tokens, &mut at, "ON") {
        return Effect::None;
    }
    let table = qualified_name(tokens, &mut at);
    let primary = index.is_some_and(|(_, n)| n.eq_ignore_ascii_case("PRIMARY"));
    if primary && table.as_ref().is_some_and(ours) {
        Effect::SchemaChange
    } else {
        Effect::None
    }
}

/// A table name as written: optional schema, name.
type TableRef = (Option<String>, String);

#[derive(Debug, Clone, PartialEq)]
enum Token {
    /// A word or `backquoted` identifier (`true` when quoted).
    Word(String, bool),
    Dot,
    Comma,
    Other,
}

fn is_keyword(token: &Token, keyword: &str) -> bool {
    matches!(token, Token::Word(w, false) if w.eq_ignore_ascii_case(keyword))
}

fn is_keyword_at(tokens: &[Token], at: usize, keyword: &str) -> bool {
    tokens.get(at).is_some_and(|t| is_keyword(t, keyword))
}

/// The keyword at `at` (upper case), moving past it.
fn keyword(tokens: &[Token], at: &mut usize) -> Option<String> {
    match tokens.get(*at) {
        Some(Token::Word(w, false)) => {
            *at += 1;
            Some(w.to_ascii_uppercase())
        }
        _ => None,
    }
}

/// Moves past `keyword` if it is next.
fn expect(tokens: &[Token], at: &mut usize, keyword: &str) -> bool {
    if is_keyword_at(tokens, *at, keyword) {
        *at += 1;
        true
    } else {
        false
    }
}

fn skip_keywords(tokens: &[Token], at: &mut usize, keywords: &[&str]) {
    while keywords.iter().any(|k| is_keyword_at(tokens, *at, k)) {
        *at += 1;
    }
}

fn skip_if_exists(tokens: &[Token], at: &mut usize) {
    if is_keyword_at(tokens, *at, "IF") && is_keyword_at(tokens, *at + 1, "EXISTS") {
        *at += 2;
    }
}

/// `name` or `schema.name` at `at`.
fn qualified_name(tokens: &[Token], at: &mut usize) -> Option<TableRef> {
    let Some(Token::Word(first, _)) = tokens.get(*at) else {
        return None;
    };
    if tokens.get(*at + 1) == Some(&Token::Dot) {
        if let Some(Token::Word(second, _)) = tokens.get(*at + 2) {
            *at += 3;
            return Some((Some(first.clone()), second.clone()));
        }
    }
    *at += 1;
    Some((None, first.clone()))
}

/// `a, b.c, d` (stops at anything else).
fn names_in_list(tokens: &[Token], at: &mut usize) -> Vec<TableRef> {
    let mut names = Vec::new();
    while let Some(name) = qualified_name(tokens, at) {
        names.push(name);
        if tokens.get(*at) != Some(&Token::Comma) {
            break;
        }
        *at += 1;
    }
    names
}

/// Words, quoted identifiers and punctuation; strings and comments are dropped. Executable
/// comments (`/*!50100 ... */`, `/*M!100100 ... */`) are read as code.
fn tokens(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            c if c.is_whitespace() => i += 1,
            '#' => i = skip_line(&chars, i),
            '-' if next == Some('-') => i = skip_line(&chars, i),
            '/' if next == Some('*') => {
                let mut j = i + 2;
                if chars.get(j) == Some(&'M') && chars.get(j + 1) == Some(&'!') {
                    j += 1;
                }
                if chars.get(j) == Some(&'!') {
                    // Executable comment: skip the marker and version, read the inside.
                    j += 1;
                    while chars.get(j).is_some_and(char::is_ascii_digit) {
                        j += 1;
                    }
                    i = j;
                } else {
                    i = find_comment_end(&chars, j);
                }
            }
            '*' if next == Some('/') => i += 2,
            '\'' | '"' => i = skip_string(&chars, i, c),
            '`' => {
                let mut word = String::new();
                let mut j = i + 1;
                while j < chars.len() {
                    if chars[j] == '`' {
                        if chars.get(j + 1) == Some(&'`') {
                            word.push('`');
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    word.push(chars[j]);
                    j += 1;
                }
                tokens.push(Token::Word(word, true));
                i = j + 1;
            }
            '.' => {
                tokens.push(Token::Dot);
                i += 1;
            }
            ',' => {
                tokens.push(Token::Comma);
                i += 1;
            }
            c if c.is_alphanumeric() || c == '_' || c == '$' => {
                let mut j = i;
                while j < chars.len()
                    && (chars[j].is_alphanumeric() || chars[j] == '_' || chars[j] == '$')
                {
                    j += 1;
                }
                tokens.push(Token::Word(chars[i..j].iter().collect(), false));
                i = j;
            }
            _ => {
                tokens.push(Token::Other);
                i += 1;
            }
        }
    }
    tokens
}

fn skip_line(chars: &[char], mut i: usize) -> usize {
    while i < chars.len() && chars[i] != '\n' {
        i += 1;
    }
    i
}

fn find_comment_end(chars: &[char], mut i: usize) -> usize {
    while i + 1 < chars.len() {
        if chars[i] == '*' && chars[i + 1] == '/' {
            return i + 2;
        }
        i += 1;
    }
    chars.len()
}

fn skip_string(chars: &[char], start: usize, quote: char) -> usize {
    let mut i = start + 1;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            c if c == quote && chars.get(i + 1) == Some(&quote) => i += 2,
            c if c == quote => return i + 1,
            _ => i += 1,
        }
    }
    chars.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items() -> OriginTableName {
        OriginTableName {
            schema: "shop".into(),
            name: "items".into(),
        }
    }

    fn effect(query: &str, schema: &str) -> Effect {
        effect_on(query, schema, &items())
    }

    #[test]
    fn framing() {
        assert_eq!(query_kind("BEGIN"), QueryKind::Begin);
        assert_eq!(query_kind("COMMIT"), QueryKind::Commit);
        assert_eq!(query_kind("ROLLBACK"), QueryKind::Rollback);
        assert_eq!(query_kind("ROLLBACK TO `s`"), QueryKind::Inside);
        assert_eq!(query_kind("SAVEPOINT `s`"), QueryKind::Inside);
        assert_eq!(
            query_kind("# Dummy event replacing event type 160"),
            QueryKind::Inside
        );
        assert_eq!(query_kind("ALTER TABLE t ADD c INT"), QueryKind::Statement);
    }

    #[test]
    fn schema_changes_of_the_table() {
        assert_eq!(
            effect("ALTER TABLE items ADD COLUMN x INT", "shop"),
            Effect::SchemaChange
        );
        assert_eq!(
            effect("alter table `shop`.`items` drop x", "other"),
            Effect::SchemaChange
        );
        assert_eq!(
            effect("ALTER TABLE items ADD COLUMN x INT", "other"),
            Effect::None
        );
        assert_eq!(
            effect("ALTER TABLE other ADD COLUMN items INT", "shop"),
            Effect::None
        );
        assert_eq!(
            effect("ALTER TABLE other RENAME TO items", "shop"),
            Effect::SchemaChange
        );
        assert_eq!(
            effect(
                "DROP TABLE IF EXISTS `a`, `items` /* generated by server */",
                "shop"
            ),
            Effect::SchemaChange
        );
        assert_eq!(
            effect("RENAME TABLE items TO old_items", "shop"),
            Effect::SchemaChange
        );
        assert_eq!(effect("DROP DATABASE `shop`", "x"), Effect::SchemaChange);
        assert_eq!(effect("DROP SCHEMA IF EXISTS other", "shop"), Effect::None);
        assert_eq!(
            effect("CREATE OR REPLACE TABLE items (id INT)", "shop"),
            Effect::SchemaChange
        );
        assert_eq!(
            effect("CREATE TABLE other (items INT)", "shop"),
            Effect::None
        );
        assert_eq!(
            effect("CREATE INDEX i ON items (name)", "shop"),
            Effect::None
        );
        assert_eq!(
            effect("DROP INDEX `PRIMARY` ON items", "shop"),
            Effect::SchemaChange
        );
        assert_eq!(
            effect("/*!40000 ALTER TABLE `items` DISABLE KEYS */", "shop"),
            Effect::SchemaChange
        );
        assert_eq!(effect("ALTER TABLE 'items' -- items\n", "x"), Effect::None);
    }

    #[test]
    fn truncate_and_statement_dml() {
        assert_eq!(effect("TRUNCATE TABLE items", "shop"), Effect::Truncate);
        assert_eq!(effect("TRUNCATE shop.items", "x"), Effect::Truncate);
        assert_eq!(effect("TRUNCATE other", "shop"), Effect::None);
        assert_eq!(
            effect("INSERT INTO items VALUES (1, 'items')", "shop"),
            Effect::StatementDml
        );
        assert_eq!(effect("UPDATE other SET n = 1", "shop"), Effect::None);
    }
}

//! A small JSON document tree that keeps numbers as their source text (so no precision is
//! lost), a strict RFC 8259 parser with a nesting limit, and a printer in PostgreSQL's jsonb
//! output style (`{"a": 1, "b": [1, 2]}`).

use std::fmt::{self, Write};

/// Deepest nesting accepted, so that hostile input cannot exhaust the stack.
const MAX_DEPTH: usize = 512;

/// One JSON value. Object members keep their order and duplicates until normalised.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    /// The number exactly as written (or as normalised for jsonb).
    Number(String),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

/// Why a text is not JSON.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SyntaxError;

/// Parses a complete JSON text (surrounding whitespace allowed).
pub(crate) fn parse(text: &str) -> Result<Json, SyntaxError> {
    let mut parser = Parser {
        bytes: text.as_bytes(),
        text,
        pos: 0,
    };
    parser.skip_whitespace();
    let value = parser.value(0)?;
    parser.skip_whitespace();
    if parser.pos == parser.bytes.len() {
        Ok(value)
    } else {
        Err(SyntaxError)
    }
}

struct Parser<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, byte: u8) -> Result<(), SyntaxError> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(SyntaxError)
        }
    }

    fn literal(&mut self, word: &str, value: Json) -> Result<Json, SyntaxError> {
        if self.bytes.get(self.pos..self.pos + word.len()) == Some(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(SyntaxError)
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, SyntaxError> {
        if depth > MAX_DEPTH {
            return Err(SyntaxError);
        }
        match self.peek().ok_or(SyntaxError)? {
            b'n' => self.literal("null", Json::Null),
            b't' => self.literal("true", Json::Bool(true)),
            b'f' => self.literal("false", Json::Bool(false)),
            b'"' => self.string().map(Json::String),
            b'[' => self.array(depth),
            b'{' => self.object(depth),
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(SyntaxError),
        }
    }

    fn array(&mut self, depth: usize) -> Result<Json, SyntaxError> {
        let mut items = Vec::new();
        self.elements(depth, |_, item| items.push(item))?;
        Ok(Json::Array(items))
    }

    fn object(&mut self, depth: usize) -> Result<Json, SyntaxError> {
        let mut members = Vec::new();
        self.members(depth, |key, _, value| members.push((key, value)))?;
        Ok(Json::Object(members))
    }

    /// Parses an array, reporting each element's source text and value.
    fn elements(
        &mut self,
        depth: usize,
        mut visit: impl FnMut(&'a str, Json),
    ) -> Result<(), SyntaxError> {
        self.expect(b'[')?;
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.skip_whitespace();
            let start = self.pos;
            let item = self.value(depth + 1)?;
            visit(self.text.get(start..self.pos).ok_or(SyntaxError)?, item);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(SyntaxError),
            }
        }
    }

    /// Parses an object, reporting each member's key, value source text and value.
    fn members(
        &mut self,
        depth: usize,
        mut visit: impl FnMut(String, &'a str, Json),
    ) -> Result<(), SyntaxError> {
        self.expect(b'{')?;
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.skip_whitespace();
            let key = self.string()?;
            self.skip_whitespace();
            self.expect(b':')?;
            self.skip_whitespace();
            let start = self.pos;
            let value = self.value(depth + 1)?;
            visit(
                key,
                self.text.get(start..self.pos).ok_or(SyntaxError)?,
                value,
            );
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(SyntaxError),
            }
        }
    }

    fn number(&mut self) -> Result<Json, SyntaxError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(SyntaxError),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.required_digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            self.required_digits()?;
        }
        let text = self.text.get(start..self.pos).ok_or(SyntaxError)?;
        Ok(Json::Number(text.to_string()))
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
    }

    fn required_digits(&mut self) -> Result<(), SyntaxError> {
        let start = self.pos;
        self.digits();
        if self.pos == start {
            Err(SyntaxError)
        } else {
            Ok(())
        }
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        self.expect(b'"')?;
        let mut out = String::new();
        loop {
            let start = self.pos;
            while self
                .peek()
                .is_some_and(|b| b != b'"' && b != b'\\' && b >= 0x20)
            {
                self.pos += 1;
            }
            // The run stops at ASCII bytes, so it ends on a character boundary.
            out.push_str(self.text.get(start..self.pos).ok_or(SyntaxError)?);
            match self.peek().ok_or(SyntaxError)? {
                b'"' => {
                    self.pos += 1;
                    return Ok(out);
                }
                b'\\' => {
                    self.pos += 1;
                    self.escape(&mut out)?;
                }
                _ => return Err(SyntaxError),
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), SyntaxError> {
        let byte = self.peek().ok_or(SyntaxError)?;
        self.pos += 1;
        let decoded = match byte {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let unit = self.hex4()?;
                let code = if (0xD800..0xDC00).contains(&unit) {
                    // A high surrogate must be followed by an escaped low surrogate.
                    if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                        return Err(SyntaxError);
                    }
                    self.pos += 2;
                    let low = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&low) {
                        return Err(SyntaxError);
                    }
                    0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                } else {
                    unit
                };
                char::from_u32(code).ok_or(SyntaxError)?
            }
            _ => return Err(SyntaxError),
        };
        out.push(decoded);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let digits = self.text.get(self.pos..self.pos + 4).ok_or(SyntaxError)?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(SyntaxError);
        }
        self.pos += 4;
        u32::from_str_radix(digits, 16).map_err(|_| SyntaxError)
    }
}

/// One step of an access path into a JSON document.
pub(crate) enum Step<'s> {
    /// An object member by key.
    Key(&'s str),
    /// An array element by position; negative positions count from the end.
    Index(i64),
    /// A path element given as text: a key for objects, an integer position for arrays.
    KeyOrIndex(&'s str),
}

/// The source text of the member or element of the JSON text `text` that `step` selects,
/// `None` if there is none (missing key or position, or a step of the wrong kind for the
/// container, or a scalar). For duplicate keys the last one wins. Returning the source text
/// keeps `json` elements exactly as written and `jsonb` elements in their normalised form.
pub(crate) fn select<'a>(text: &'a str, step: &Step<'_>) -> Result<Option<&'a str>, SyntaxError> {
    let mut parser = Parser {
        bytes: text.as_bytes(),
        text,
        pos: 0,
    };
    parser.skip_whitespace();
    match parser.peek() {
        Some(b'{') => {
            let wanted = match step {
                Step::Key(key) | Step::KeyOrIndex(key) => *key,
                Step::Index(_) => return Ok(None),
            };
            let mut found = None;
            parser.members(0, |key, span, _| {
                if key == wanted {
                    found = Some(span);
                }
            })?;
            Ok(found)
        }
        Some(b'[') => {
            let index = match step {
                Step::Index(index) => *index,
                Step::KeyOrIndex(text) => match text.trim().parse::<i64>() {
                    Ok(index) => index,
                    Err(_) => return Ok(None),
                },
                Step::Key(_) => return Ok(None),
            };
            let mut spans = Vec::new();
            parser.elements(0, |span, _| spans.push(span))?;
            let Ok(len) = i64::try_from(spans.len()) else {
                return Ok(None);
            };
            let position = if index < 0 {
                len.checked_add(index)
            } else {
                Some(index)
            };
            Ok(position
                .and_then(|p| usize::try_from(p).ok())
                .and_then(|p| spans.get(p).copied()))
        }
        _ => Ok(None),
    }
}

/// Writes `text` as a JSON string literal, escaping like PostgreSQL's `escape_json`.
pub(crate) fn write_string(out: &mut impl Write, text: &str) -> fmt::Result {
    out.write_char('"')?;
    for c in text.chars() {
        match c {
            '"' => out.write_str("\\\"")?,
            '\\' => out.write_str("\\\\")?,
            '\u{8}' => out.write_str("\\b")?,
            '\u{c}' => out.write_str("\\f")?,
            '\n' => out.write_str("\\n")?,
            '\r' => out.write_str("\\r")?,
            '\t' => out.write_str("\\t")?,
            c if u32::from(c) < 0x20 => write!(out, "\\u{:04x}", u32::from(c))?,
            c => out.write_char(c)?,
        }
    }
    out.write_char('"')
}

impl fmt::Display for Json {
    /// jsonb output style: `", "` between items, `": "` after keys.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Json::Null => f.write_str("null"),
            Json::Bool(b) => f.write_str(if *b { "true" } else { "false" }),
            Json::Number(n) => f.write_str(n),
            Json::String(s) => write_string(f, s),
            Json::Array(items) => {
                f.write_char('[')?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_char(']')
            }
            Json::Object(members) => {
                f.write_char('{')?;
                for (i, (key, value)) in members.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write_string(f, key)?;
                    write!(f, ": {value}")?;
                }
                f.write_char('}')
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        let doc = parse(
            r#" {"a" : [1, 2.50, -3e2], "b":{"c":null,"d":true}, "e":"x\"y\u00e9\ud83d\ude00"} "#,
        );
        assert_eq!(
            doc.map(|d| d.to_string()).ok().as_deref(),
            Some(r#"{"a": [1, 2.50, -3e2], "b": {"c": null, "d": true}, "e": "x\"yé😀"}"#)
        );
        assert_eq!(
            parse("\"\\u0001\\/\"").map(|d| d.to_string()),
            Ok("\"\\u0001/\"".to_string())
        );
    }

    #[test]
    fn rejects_invalid() {
        for bad in [
            "",
            "{",
            "[1,]",
            "{\"a\"}",
            "01",
            "1.",
            "-",
            "+1",
            ".5",
            "1e",
            "tru",
            "nul",
            "[1] x",
            "\"a",
            "\"\\x\"",
            "\"\\ud800\"",
            "\"\\udc00\"",
            "'a'",
            "{a:1}",
            "\"tab\there\"",
            "NaN",
        ] {
            assert_eq!(parse(bad), Err(SyntaxError), "{bad}");
        }
    }

    #[test]
    fn nesting_is_limited() {
        let deep = "[".repeat(MAX_DEPTH + 10) + &"]".repeat(MAX_DEPTH + 10);
        assert_eq!(parse(&deep), Err(SyntaxError));
        let ok = "[".repeat(100) + &"]".repeat(100);
        assert!(parse(&ok).is_ok());
    }
}

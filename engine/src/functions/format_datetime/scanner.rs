//! Reading `to_date`/`to_timestamp` input: a [`Scanner`] over the text, integers as C's
//! `strtol` reads them, and names from a list.

use crate::error::{Error, Result};

/// A cursor over the input text.
pub(super) struct Scanner<'a> {
    input: &'a str,
    position: usize,
}

impl<'a> Scanner<'a> {
    pub(super) fn new(input: &'a str) -> Scanner<'a> {
        Scanner { input, position: 0 }
    }

    pub(super) fn rest(&self) -> &'a str {
        self.input.get(self.position..).unwrap_or("")
    }

    pub(super) fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    pub(super) fn previous(&self) -> Option<char> {
        self.input
            .get(..self.position)
            .and_then(|before| before.chars().next_back())
    }

    pub(super) fn advance(&mut self) {
        if let Some(c) = self.peek() {
            self.position += c.len_utf8();
        }
    }

    pub(super) fn skip_spaces(&mut self) -> usize {
        let mut count = 0;
        while self.peek().is_some_and(char::is_whitespace) {
            self.advance();
            count += 1;
        }
        count
    }

    pub(super) fn advance_bytes(&mut self, bytes: usize) {
        self.position = (self.position + bytes).min(self.input.len());
    }
}

pub(super) fn invalid_value(input: &str, pattern: &str) -> Error {
    let shown: String = input.chars().take_while(|c| !c.is_whitespace()).collect();
    Error::InvalidDatetime(format!("invalid value \"{shown}\" for \"{pattern}\""))
}

/// `strtol`: optional white space and sign, then digits. Returns the value and the number of
/// bytes read (0 when there are no digits).
pub(super) fn read_integer(text: &str) -> (i64, usize) {
    let trimmed = text.trim_start();
    let mut used = text.len() - trimmed.len();
    let mut chars = trimmed.chars().peekable();
    let mut negative = false;
    if let Some(sign @ ('+' | '-')) = chars.peek().copied() {
        negative = sign == '-';
        chars.next();
        used += 1;
    }
    let mut value: i64 = 0;
    let mut digits = 0;
    while let Some(digit) = chars.peek().and_then(|c| c.to_digit(10)) {
        value = value.saturating_mul(10).saturating_add(i64::from(digit));
        chars.next();
        digits += 1;
    }
    if digits == 0 {
        return (0, 0);
    }
    (if negative { -value } else { value }, used + digits)
}

/// Reads the integer of a numeric pattern: as many digits as there are when `FM` is given or
/// the next template node is not a number, else exactly `width` characters.
pub(super) fn read_field_integer(
    scanner: &mut Scanner<'_>,
    width: usize,
    greedy: bool,
    pattern: &str,
) -> Result<(i64, usize)> {
    scanner.skip_spaces();
    let rest = scanner.rest();
    let (value, used) = if greedy {
        read_integer(rest)
    } else {
        let available: String = rest.chars().take(width).collect();
        let count = available.chars().count();
        if count < width {
            return Err(Error::InvalidDatetime(format!(
                "source string too short for \"{pattern}\" formatting field"
            )));
        }
        let (value, used) = read_integer(&available);
        if used > 0 && used < available.len() {
            return Err(invalid_value(&available, pattern));
        }
        (value, used)
    };
    if used == 0 {
        return Err(invalid_value(rest, pattern));
    }
    if i32::try_from(value).is_err() {
        return Err(Error::InvalidDatetime(format!(
            "value for \"{pattern}\" in source string is out of range"
        )));
    }
    let digits = rest
        .get(..used)
        .map_or(0, |s| s.chars().filter(char::is_ascii_digit).count());
    scanner.advance_bytes(used);
    Ok((value, digits))
}

/// Matches the input against `names` case-insensitively; returns the index of the first match.
pub(super) fn read_name(scanner: &mut Scanner<'_>, names: &[&str], pattern: &str) -> Result<usize> {
    let rest = scanner.rest();
    for (index, name) in names.iter().enumerate() {
        let matches = rest
            .get(..name.len())
            .is_some_and(|prefix| prefix.eq_ignore_ascii_case(name));
        if matches && !name.is_empty() {
            scanner.advance_bytes(name.len());
            return Ok(index);
        }
    }
    Err(invalid_value(rest, pattern))
}

//! Shared by the `to_char` family's date/time and number templates: pattern lookup,
//! literal text, ordinal suffixes.

/// The longest pattern of `table` that `rest` starts with, as spelled in `rest`.
///
/// A spelling matches as written in `table`; a spelling without lower-case letters also
/// matches in all lower case, which gives the key `lower_case(key)` (so `table` holds only
/// the upper-case spelling of a pattern that has both).
pub(super) fn longest_keyword<'a, K: Copy>(
    rest: &'a str,
    table: &[(&str, K)],
    lower_case: impl Fn(K) -> K,
) -> Option<(&'a str, K)> {
    table
        .iter()
        .filter_map(|&(spelling, key)| {
            let prefix = rest.get(..spelling.len())?;
            if prefix == spelling {
                Some((prefix, key))
            } else if !spelling.bytes().any(|b| b.is_ascii_lowercase())
                && prefix
                    .bytes()
                    .zip(spelling.bytes())
                    .all(|(p, s)| p == s.to_ascii_lowercase())
            {
                Some((prefix, lower_case(key)))
            } else {
                None
            }
        })
        .max_by_key(|(prefix, _)| prefix.len())
}

/// Reads the text at the start of `rest` that is not a pattern: a `"quoted"` run, in which a
/// backslash quotes the next character, or else one character (`\"` standing for a quote).
/// Passes each character to `push` with whether it was quoted; returns what follows.
pub(super) fn literal_text(rest: &str, mut push: impl FnMut(char, bool)) -> &str {
    let mut chars = rest.chars();
    match chars.next() {
        None => {}
        Some('"') => loop {
            match chars.next() {
                None | Some('"') => break,
                Some('\\') => push(chars.next().unwrap_or('\\'), true),
                Some(other) => push(other, true),
            }
        },
        Some('\\') if chars.as_str().starts_with('"') => {
            chars.next();
            push('"', false);
        }
        Some(c) => push(c, false),
    }
    chars.as_str()
}

/// The English ordinal suffix (`TH`/`th` pattern) for the number whose text ends `digits`.
pub(super) fn ordinal_suffix(digits: &str, upper: bool) -> &'static str {
    let mut tail = digits.chars().rev();
    let last = tail.next();
    let suffix = if tail.next() == Some('1') {
        "th"
    } else {
        match last {
            Some('1') => "st",
            Some('2') => "nd",
            Some('3') => "rd",
            _ => "th",
        }
    };
    match (upper, suffix) {
        (false, s) => s,
        (true, "st") => "ST",
        (true, "nd") => "ND",
        (true, "rd") => "RD",
        (true, _) => "TH",
    }
}

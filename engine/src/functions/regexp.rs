//! Regular-expression functions: `regexp_replace`, `regexp_like`, `regexp_count`,
//! `regexp_substr` and `substring(text, pattern)` (what the binder turns
//! `SUBSTRING(s FROM pattern)` into; the `~` operators can be bound to `regexp_like`).
//!
//! Patterns use the Rust `regex` crate's syntax, which agrees with PostgreSQL's advanced regular
//! expressions for the common cases; PostgreSQL's `\m`, `\M`, `\y`, `\Y`, `\Z`, `[[:<:]]` and
//! `[[:>:]]` are translated. Back-references inside a pattern are not supported (an error).
//! As in PostgreSQL, `.` matches a newline unless the `n` flag is given.
//!
//! Flags: `g` (every match, `regexp_replace` only), `i`/`c` (case-insensitive/-sensitive),
//! `n`/`m` (newline-sensitive), `p`, `w` (partial newline sensitivity), `s` (default), `x`
//! (expanded syntax), `q` (the pattern is a literal string), `t` (default).
//! In replacements `\1`..`\9` insert a group, `\&` the whole match and `\\` a backslash.
//!
//! Compiled expressions are cached per thread, so a pattern given as a constant is compiled once.

use std::cell::RefCell;
use std::collections::HashMap;

use regex::{Captures, Regex, RegexBuilder};

use super::args::{int32, optional, text};
use super::signature::Ty::{Bool, Int32, Text};
use super::signature::{fixed, FunctionDef};
use super::EvalContext;
use crate::error::{Error, Result};
use crate::types::Value;

/// The regular-expression functions.
pub(super) const FUNCTIONS: &[FunctionDef] = &[
    FunctionDef::new(
        &["regexp_replace"],
        &[
            fixed(&[Text, Text, Text], Text, regexp_replace),
            fixed(&[Text, Text, Text, Text], Text, regexp_replace),
        ],
    ),
    FunctionDef::new(
        &["regexp_like"],
        &[
            fixed(&[Text, Text], Bool, regexp_like),
            fixed(&[Text, Text, Text], Bool, regexp_like),
        ],
    ),
    FunctionDef::new(
        &["regexp_count"],
        &[
            fixed(&[Text, Text], Int32, regexp_count),
            fixed(&[Text, Text, Int32], Int32, regexp_count),
            fixed(&[Text, Text, Int32, Text], Int32, regexp_count),
        ],
    ),
    FunctionDef::new(
        &["regexp_substr"],
        &[fixed(&[Text, Text], Text, regexp_substr)],
    ),
    FunctionDef::new(
        &["substring"],
        &[fixed(&[Text, Text], Text, substring_pattern)],
    ),
];

/// Parsed regular-expression flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
struct Flags {
    global: bool,
    case_insensitive: bool,
    /// `.` does not match a newline.
    dot_stops_at_newline: bool,
    /// `^` and `$` match at line boundaries.
    multi_line: bool,
    expanded: bool,
    literal: bool,
}

impl Flags {
    fn parse(flags: &str, function: &str, global_allowed: bool) -> Result<Flags> {
        let mut parsed = Flags::default();
        for flag in flags.chars() {
            match flag {
                'g' if global_allowed => parsed.global = true,
                'g' => {
                    return Err(Error::InvalidParameterValue(format!(
                        "{function}() does not support the \"global\" option"
                    )))
                }
                'i' => parsed.case_insensitive = true,
                'c' => parsed.case_insensitive = false,
                'n' | 'm' => (parsed.dot_stops_at_newline, parsed.multi_line) = (true, true),
                'p' => (parsed.dot_stops_at_newline, parsed.multi_line) = (true, false),
                'w' => (parsed.dot_stops_at_newline, parsed.multi_line) = (false, true),
                's' => (parsed.dot_stops_at_newline, parsed.multi_line) = (false, false),
                'x' => parsed.expanded = true,
                'q' => parsed.literal = true,
                't' => parsed.expanded = false,
                other => {
                    return Err(Error::InvalidParameterValue(format!(
                        "invalid regular expression option: \"{other}\""
                    )))
                }
            }
        }
        Ok(parsed)
    }
}

/// Rewrites PostgreSQL-only escapes into the `regex` crate's syntax.
fn translate(pattern: &str) -> String {
    let pattern = pattern
        .replace("[[:<:]]", r"\b{start}")
        .replace("[[:>:]]", r"\b{end}");
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('m') => out.push_str(r"\b{start}"),
            Some('M') => out.push_str(r"\b{end}"),
            Some('y') => out.push_str(r"\b"),
            Some('Y') => out.push_str(r"\B"),
            Some('Z') => out.push_str(r"\z"),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Cached expressions are dropped wholesale past this many.
const CACHE_LIMIT: usize = 64;

thread_local! {
    static CACHE: RefCell<HashMap<(String, Flags), Regex>> = RefCell::new(HashMap::new());
}

/// Compiles `pattern` with `flags` (the `global` flag does not affect compilation).
fn compile(pattern: &str, flags: Flags) -> Result<Regex> {
    let key = (
        pattern.to_string(),
        Flags {
            global: false,
            ..flags
        },
    );
    if let Some(regex) = CACHE.with(|cache| cache.borrow().get(&key).cloned()) {
        return Ok(regex);
    }
    let source = if flags.literal {
        regex::escape(pattern)
    } else {
        translate(pattern)
    };
    let regex = RegexBuilder::new(&source)
        .case_insensitive(flags.case_insensitive)
        .dot_matches_new_line(!flags.dot_stops_at_newline)
        .multi_line(flags.multi_line)
        .ignore_whitespace(flags.expanded && !flags.literal)
        .build()
        .map_err(|e| Error::InvalidParameterValue(format!("invalid regular expression: {e}")))?;
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(key, regex.clone());
    });
    Ok(regex)
}

/// The pattern (argument 1) compiled with the flags at `flags_index`, if given.
fn pattern_arg(
    args: &[Value],
    flags_index: usize,
    function: &str,
    global_allowed: bool,
) -> Result<(Regex, Flags)> {
    let flags = match optional(args, flags_index) {
        Some(_) => Flags::parse(&text(args, flags_index)?, function, global_allowed)?,
        None => Flags::default(),
    };
    Ok((compile(&text(args, 1)?, flags)?, flags))
}

/// Appends `replacement` for one match, expanding `\1`..`\9`, `\&` and `\\`.
fn expand(replacement: &str, captures: &Captures<'_>, out: &mut String) {
    let mut chars = replacement.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some(digit @ '1'..='9') => {
                let group = digit
                    .to_digit(10)
                    .and_then(|d| usize::try_from(d).ok())
                    .unwrap_or(0);
                if let Some(m) = captures.get(group) {
                    out.push_str(m.as_str());
                }
            }
            Some('&') => out.push_str(captures.get(0).map_or("", |m| m.as_str())),
            Some('\\') => out.push('\\'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
}

fn regexp_replace(args: &[Value], _: &EvalContext) -> Result<Value> {
    let source = text(args, 0)?;
    let (regex, flags) = pattern_arg(args, 3, "regexp_replace", true)?;
    let replacement = text(args, 2)?;
    let mut out = String::with_capacity(source.len());
    let mut copied = 0;
    for captures in regex.captures_iter(&source) {
        let Some(whole) = captures.get(0) else {
            continue;
        };
        out.push_str(source.get(copied..whole.start()).unwrap_or(""));
        expand(&replacement, &captures, &mut out);
        copied = whole.end();
        if !flags.global {
            break;
        }
    }
    out.push_str(source.get(copied..).unwrap_or(""));
    Ok(Value::text(out))
}

fn regexp_like(args: &[Value], _: &EvalContext) -> Result<Value> {
    let (regex, _) = pattern_arg(args, 2, "regexp_like", false)?;
    Ok(Value::Bool(regex.is_match(&text(args, 0)?)))
}

fn regexp_count(args: &[Value], _: &EvalContext) -> Result<Value> {
    let source = text(args, 0)?;
    let (regex, _) = pattern_arg(args, 3, "regexp_count", false)?;
    let start = match optional(args, 2) {
        Some(_) => int32(args, 2)?,
        None => 1,
    };
    if start <= 0 {
        return Err(Error::InvalidParameterValue(format!(
            "invalid value for parameter \"start\": {start}"
        )));
    }
    let skip = usize::try_from(start - 1).unwrap_or(usize::MAX);
    let offset = source
        .char_indices()
        .nth(skip)
        .map_or(source.len(), |(i, _)| i);
    let count = regex.find_iter(source.get(offset..).unwrap_or("")).count();
    i32::try_from(count)
        .map(Value::Int32)
        .map_err(|_| Error::NumericOutOfRange("integer out of range".into()))
}

fn regexp_substr(args: &[Value], _: &EvalContext) -> Result<Value> {
    let source = text(args, 0)?;
    let (regex, _) = pattern_arg(args, 2, "regexp_substr", false)?;
    Ok(regex
        .find(&source)
        .map_or(Value::Null, |m| Value::text(m.as_str())))
}

/// `substring(s FROM pattern)`: the first match, or the part matched by the first
/// parenthesised group if there is one; NULL without a match.
fn substring_pattern(args: &[Value], _: &EvalContext) -> Result<Value> {
    let source = text(args, 0)?;
    let (regex, _) = pattern_arg(args, 2, "substring", false)?;
    let Some(captures) = regex.captures(&source) else {
        return Ok(Value::Null);
    };
    let group = if captures.len() > 1 { 1 } else { 0 };
    Ok(captures
        .get(group)
        .map_or(Value::Null, |m| Value::text(m.as_str())))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{as_text, call, call_typed, result_type, text as t};
    use super::*;
    use crate::types::DataType;

    fn replace(args: &[&str]) -> String {
        let values: Vec<Value> = args.iter().map(|s| t(s)).collect();
        as_text(&call("regexp_replace", &values).unwrap())
    }

    #[test]
    fn replace_first_or_all_with_backreferences() {
        assert_eq!(replace(&["Thomas", ".[mN]a.", "M"]), "ThM");
        assert_eq!(
            replace(&["foobarbaz", "b(..)", "X\\1Y", "g"]),
            "fooXarYXazY"
        );
        assert_eq!(replace(&["foobarbaz", "b(..)", "X\\1Y"]), "fooXarYbaz");
        assert_eq!(replace(&["abc", "B", "x", "gi"]), "axc");
        assert_eq!(replace(&["abc", "b", "[\\&]", "g"]), "a[b]c");
        assert_eq!(replace(&["abc", "b", "\\\\ \\q $1", "g"]), "a\\ \\q $1c");
        assert_eq!(replace(&["a.b.c", ".", "-", "gq"]), "a-b-c");
        assert_eq!(replace(&["aaa", "", "-", "g"]), "-a-a-a-");
        assert_eq!(replace(&["hello world", "\\mw", "W", "g"]), "hello World");
        assert_eq!(replace(&["a\nb", "a.b", "x"]), "x");
        assert_eq!(replace(&["a\nb", "a.b", "x", "n"]), "a\nb");
        assert_eq!(replace(&["x1\ny2", "^.", "_", "ng"]), "_1\n_2");
    }

    #[test]
    fn bad_patterns_and_flags_are_errors() {
        let err = call("regexp_replace", &[t("a"), t("("), t("")]).unwrap_err();
        assert_eq!(err.sqlstate(), "22023");
        assert!(err.to_string().starts_with("invalid regular expression"));
        let err = call("regexp_replace", &[t("a"), t("a"), t(""), t("z")]).unwrap_err();
        assert_eq!(err.to_string(), "invalid regular expression option: \"z\"");
        let err = call("regexp_like", &[t("a"), t("a"), t("g")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "regexp_like() does not support the \"global\" option"
        );
    }

    #[test]
    fn like_count_substr() {
        assert_eq!(
            call("regexp_like", &[t("Hello World"), t("world$")]).unwrap(),
            Value::Bool(false)
        );
        assert_eq!(
            call("regexp_like", &[t("Hello World"), t("world$"), t("i")]).unwrap(),
            Value::Bool(true)
        );
        assert_eq!(
            call("regexp_count", &[t("ABCABCAXYaxy"), t("A.")]).unwrap(),
            Value::Int32(3)
        );
        assert_eq!(
            call(
                "regexp_count",
                &[t("ABCABCAXYaxy"), t("A."), Value::Int32(1), t("i")]
            )
            .unwrap(),
            Value::Int32(4)
        );
        assert_eq!(
            call("regexp_count", &[t("ABCABC"), t("A"), Value::Int32(2)]).unwrap(),
            Value::Int32(1)
        );
        assert!(call("regexp_count", &[t("ABC"), t("A"), Value::Int32(0)]).is_err());
        assert_eq!(
            call("regexp_count", &[t("ABC"), t("A"), Value::Int32(10)]).unwrap(),
            Value::Int32(0)
        );
        assert_eq!(
            call("regexp_substr", &[t("number 123 and 45"), t("[0-9]+")]).unwrap(),
            t("123")
        );
        assert_eq!(
            call("regexp_substr", &[t("none"), t("[0-9]+")]).unwrap(),
            Value::Null
        );
    }

    #[test]
    fn substring_with_a_pattern() {
        assert_eq!(
            call("substring", &[t("Thomas"), t("...$")]).unwrap(),
            t("mas")
        );
        assert_eq!(
            call("substring", &[t("foobar"), t("o(.)b")]).unwrap(),
            t("o")
        );
        assert_eq!(
            call("substring", &[t("foobar"), t("x")]).unwrap(),
            Value::Null
        );
        assert_eq!(
            call("substring", &[t("foobar"), t("(x)?f")]).unwrap(),
            Value::Null
        );
        // An untyped second argument selects the pattern form, as in PostgreSQL.
        let types = [DataType::Text, DataType::Unknown];
        assert_eq!(
            call_typed("substring", &types, &[t("Thomas"), t("o.a")]).unwrap(),
            t("oma")
        );
        assert_eq!(
            result_type("substring", &[DataType::Text, DataType::Int32]).unwrap(),
            DataType::Text
        );
        assert_eq!(
            as_text(&call("substring", &[t("Thomas"), Value::Int32(2)]).unwrap()),
            "homas"
        );
    }

    #[test]
    fn translation_of_postgres_escapes() {
        assert_eq!(translate(r"\mfoo\M"), r"\b{start}foo\b{end}");
        assert_eq!(translate(r"\yx\Y\Z\d"), r"\bx\B\z\d");
        assert_eq!(translate("[[:<:]]a[[:>:]]"), r"\b{start}a\b{end}");
        assert_eq!(translate("a\\"), "a\\");
    }

    #[test]
    fn compiled_patterns_are_cached() {
        let flags = Flags::default();
        let first = compile("x+y", flags).unwrap();
        let second = compile(
            "x+y",
            Flags {
                global: true,
                ..flags
            },
        )
        .unwrap();
        assert_eq!(first.as_str(), second.as_str());
        for i in 0..(CACHE_LIMIT + 5) {
            assert!(compile(&format!("a{i}"), flags).is_ok());
        }
        CACHE.with(|cache| assert!(cache.borrow().len() <= CACHE_LIMIT));
    }
}

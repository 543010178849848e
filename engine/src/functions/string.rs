//! String functions: case, length, substrings, trimming, padding, splitting, hashing.
//!
//! Lengths and positions count characters (Unicode scalar values), as PostgreSQL does in a UTF-8
//! database; `octet_length` counts bytes. Results that would exceed 1 GB are refused with
//! "requested length too large" instead of exhausting memory.

use std::fmt::Write as _;

use md5::{Digest, Md5};

use super::args::{arg, bytes, int32, int64, optional, text, value_text};
use super::signature::Ty::{Any, Bool, Bytea, Int32, Int64, Text};
use super::signature::{fixed, variadic, FunctionDef};
use super::EvalContext;
use crate::error::{Error, Result};
use crate::types::Value;

/// The largest string a function may build, in bytes (PostgreSQL's allocation limit).
const MAX_RESULT_BYTES: usize = (1 << 30) - 1;

/// The string functions.
pub(super) const FUNCTIONS: &[FunctionDef] = &[
    FunctionDef::new(
        &["lower"],
        &[fixed(&[Text], Text, |a, _| map_text(a, str::to_lowercase))],
    ),
    FunctionDef::new(
        &["upper"],
        &[fixed(&[Text], Text, |a, _| map_text(a, str::to_uppercase))],
    ),
    FunctionDef::new(
        &["length", "char_length", "character_length"],
        &[
            fixed(&[Text], Int32, char_length),
            fixed(&[Bytea], Int32, octet_length),
        ],
    ),
    FunctionDef::new(
        &["bit_length"],
        &[
            fixed(&[Text], Int32, bit_length),
            fixed(&[Bytea], Int32, bit_length),
        ],
    ),
    FunctionDef::new(
        &["octet_length"],
        &[
            fixed(&[Text], Int32, octet_length),
            fixed(&[Bytea], Int32, octet_length),
        ],
    ),
    FunctionDef::new(
        &["substr", "substring"],
        &[
            fixed(&[Text, Int32], Text, substring),
            fixed(&[Text, Int32, Int32], Text, substring),
        ],
    ),
    FunctionDef::new(&["strpos"], &[fixed(&[Text, Text], Int32, strpos)]),
    FunctionDef::new(
        &["btrim", "trim"],
        &[
            fixed(&[Text], Text, |a, _| trim(a, Ends::Both)),
            fixed(&[Text, Text], Text, |a, _| trim(a, Ends::Both)),
        ],
    ),
    FunctionDef::new(
        &["ltrim"],
        &[
            fixed(&[Text], Text, |a, _| trim(a, Ends::Leading)),
            fixed(&[Text, Text], Text, |a, _| trim(a, Ends::Leading)),
        ],
    ),
    FunctionDef::new(
        &["rtrim"],
        &[
            fixed(&[Text], Text, |a, _| trim(a, Ends::Trailing)),
            fixed(&[Text, Text], Text, |a, _| trim(a, Ends::Trailing)),
        ],
    ),
    FunctionDef::new(&["replace"], &[fixed(&[Text, Text, Text], Text, replace)]),
    FunctionDef::new(&["concat"], &[variadic(&[], Any, Text, concat)]).non_strict(),
    FunctionDef::new(&["concat_ws"], &[variadic(&[Text], Any, Text, concat_ws)]).non_strict(),
    FunctionDef::new(
        &["left"],
        &[fixed(&[Text, Int32], Text, |a, _| keep_end(a, End::Left))],
    ),
    FunctionDef::new(
        &["right"],
        &[fixed(&[Text, Int32], Text, |a, _| keep_end(a, End::Right))],
    ),
    FunctionDef::new(
        &["lpad"],
        &[
            fixed(&[Text, Int32], Text, |a, _| pad(a, End::Left)),
            fixed(&[Text, Int32, Text], Text, |a, _| pad(a, End::Left)),
        ],
    ),
    FunctionDef::new(
        &["rpad"],
        &[
            fixed(&[Text, Int32], Text, |a, _| pad(a, End::Right)),
            fixed(&[Text, Int32, Text], Text, |a, _| pad(a, End::Right)),
        ],
    ),
    FunctionDef::new(&["repeat"], &[fixed(&[Text, Int32], Text, repeat)]),
    FunctionDef::new(
        &["reverse"],
        &[fixed(&[Text], Text, |a, _| {
            map_text(a, |s| s.chars().rev().collect())
        })],
    ),
    FunctionDef::new(
        &["split_part"],
        &[fixed(&[Text, Text, Int32], Text, split_part)],
    ),
    FunctionDef::new(
        &["initcap"],
        &[fixed(&[Text], Text, |a, _| map_text(a, initcap))],
    ),
    FunctionDef::new(&["starts_with"], &[fixed(&[Text, Text], Bool, starts_with)]),
    FunctionDef::new(
        &["md5"],
        &[
            fixed(&[Text], Text, md5_hex),
            fixed(&[Bytea], Text, md5_hex),
        ],
    ),
    FunctionDef::new(&["ascii"], &[fixed(&[Text], Int32, ascii)]),
    FunctionDef::new(&["chr"], &[fixed(&[Int32], Text, chr)]),
    FunctionDef::new(
        &["to_hex"],
        &[
            fixed(&[Int32], Text, to_hex_32),
            fixed(&[Int64], Text, to_hex_64),
        ],
    ),
    FunctionDef::new(
        &["translate"],
        &[fixed(&[Text, Text, Text], Text, translate)],
    ),
    FunctionDef::new(
        &["quote_literal"],
        &[fixed(&[Text], Text, |a, _| map_text(a, quote_literal))],
    ),
];

/// Applies a `&str -> String` function to the first argument.
fn map_text(args: &[Value], f: fn(&str) -> String) -> Result<Value> {
    Ok(Value::text(f(&text(args, 0)?)))
}

/// A length as an `integer` value.
fn int_value(n: usize) -> Result<Value> {
    i32::try_from(n)
        .map(Value::Int32)
        .map_err(|_| Error::NumericOutOfRange("integer out of range".into()))
}

fn too_large() -> Error {
    Error::InvalidParameterValue("requested length too large".into())
}

fn char_length(args: &[Value], _: &EvalContext) -> Result<Value> {
    match arg(args, 0)? {
        Value::Bytea(b) => int_value(b.len()),
        _ => int_value(text(args, 0)?.chars().count()),
    }
}

fn bit_length(args: &[Value], ctx: &EvalContext) -> Result<Value> {
    match octet_length(args, ctx)? {
        Value::Int32(bytes) => bytes
            .checked_mul(8)
            .map(Value::Int32)
            .ok_or_else(|| Error::NumericOutOfRange("integer out of range".into())),
        other => Ok(other),
    }
}

fn octet_length(args: &[Value], _: &EvalContext) -> Result<Value> {
    match arg(args, 0)? {
        Value::Bytea(b) => int_value(b.len()),
        _ => int_value(text(args, 0)?.len()),
    }
}

/// The characters of `s` from 1-based position `start`, `count` of them (all when `None`);
/// positions before 1 count towards `count` but select nothing, as in PostgreSQL.
pub(super) fn substring_chars(s: &str, start: i64, count: Option<i64>) -> Result<String> {
    let end = match count {
        Some(count) if count < 0 => {
            return Err(Error::DataException(
                "negative substring length not allowed".into(),
            ))
        }
        Some(count) => start.saturating_add(count),
        None => i64::MAX,
    };
    let begin = start.max(1);
    if end <= begin {
        return Ok(String::new());
    }
    let skip = usize::try_from(begin - 1).unwrap_or(usize::MAX);
    let take = usize::try_from(end - begin).unwrap_or(usize::MAX);
    Ok(s.chars().skip(skip).take(take).collect())
}

fn substring(args: &[Value], _: &EvalContext) -> Result<Value> {
    let s = text(args, 0)?;
    let start = int64(args, 1)?;
    let count = optional(args, 2).map(|_| int64(args, 2)).transpose()?;
    Ok(Value::text(substring_chars(&s, start, count)?))
}

fn strpos(args: &[Value], _: &EvalContext) -> Result<Value> {
    let haystack = text(args, 0)?;
    let needle = text(args, 1)?;
    match haystack.find(needle.as_ref()) {
        Some(byte_index) => {
            int_value(haystack.get(..byte_index).map_or(0, |p| p.chars().count()) + 1)
        }
        None => Ok(Value::Int32(0)),
    }
}

#[derive(Clone, Copy)]
enum Ends {
    Both,
    Leading,
    Trailing,
}

/// `btrim`/`ltrim`/`rtrim`: removes the characters of the second argument (default: spaces).
fn trim(args: &[Value], ends: Ends) -> Result<Value> {
    let s = text(args, 0)?;
    let set: Vec<char> = match optional(args, 1) {
        Some(chars) => value_text(chars)?.chars().collect(),
        None => vec![' '],
    };
    let in_set = |c: char| set.contains(&c);
    let trimmed = match ends {
        Ends::Both => s.trim_matches(in_set),
        Ends::Leading => s.trim_start_matches(in_set),
        Ends::Trailing => s.trim_end_matches(in_set),
    };
    Ok(Value::text(trimmed))
}

fn replace(args: &[Value], _: &EvalContext) -> Result<Value> {
    let s = text(args, 0)?;
    let from = text(args, 1)?;
    let to = text(args, 2)?;
    if from.is_empty() {
        return Ok(Value::text(s.as_ref()));
    }
    Ok(Value::text(s.replace(from.as_ref(), &to)))
}

/// Appends the text of every non-NULL value, separated by `separator`.
fn join_non_null(values: &[Value], separator: &str) -> Result<String> {
    let mut out = String::new();
    let mut first = true;
    for value in values.iter().filter(|v| !v.is_null()) {
        if !first {
            out.push_str(separator);
        }
        first = false;
        out.push_str(&value_text(value)?);
    }
    Ok(out)
}

fn concat(args: &[Value], _: &EvalContext) -> Result<Value> {
    Ok(Value::text(join_non_null(args, "")?))
}

fn concat_ws(args: &[Value], _: &EvalContext) -> Result<Value> {
    let separator = arg(args, 0)?;
    if separator.is_null() {
        return Ok(Value::Null);
    }
    let separator = value_text(separator)?;
    Ok(Value::text(join_non_null(
        args.get(1..).unwrap_or_default(),
        &separator,
    )?))
}

#[derive(Clone, Copy)]
enum End {
    Left,
    Right,
}

/// `left(s, n)` / `right(s, n)`: the first/last `n` characters, or all but the last/first `-n`.
fn keep_end(args: &[Value], end: End) -> Result<Value> {
    let s = text(args, 0)?;
    let n = i64::from(int32(args, 1)?);
    let len = i64::try_from(s.chars().count()).unwrap_or(i64::MAX);
    let keep = if n >= 0 { n.min(len) } else { (len + n).max(0) };
    let keep = usize::try_from(keep).unwrap_or(0);
    let out: String = match end {
        End::Left => s.chars().take(keep).collect(),
        End::Right => {
            let skip = usize::try_from(len).unwrap_or(0).saturating_sub(keep);
            s.chars().skip(skip).collect()
        }
    };
    Ok(Value::text(out))
}

/// `lpad`/`rpad`: pads to `length` characters with the fill (default a space), or truncates.
fn pad(args: &[Value], end: End) -> Result<Value> {
    let s = text(args, 0)?;
    let length = usize::try_from(int32(args, 1)?).unwrap_or(0);
    let fill = match optional(args, 2) {
        Some(fill) => value_text(fill)?,
        None => " ".into(),
    };
    let chars = s.chars().count();
    if chars >= length || fill.is_empty() {
        return Ok(Value::text(s.chars().take(length).collect::<String>()));
    }
    let missing = length - chars;
    let widest = fill.chars().map(char::len_utf8).max().unwrap_or(1);
    if missing.saturating_mul(widest).saturating_add(s.len()) > MAX_RESULT_BYTES {
        return Err(too_large());
    }
    let padding: String = fill.chars().cycle().take(missing).collect();
    Ok(Value::text(match end {
        End::Left => padding + &s,
        End::Right => s.into_owned() + &padding,
    }))
}

fn repeat(args: &[Value], _: &EvalContext) -> Result<Value> {
    let s = text(args, 0)?;
    let times = usize::try_from(int32(args, 1)?).unwrap_or(0);
    if s.len().saturating_mul(times) > MAX_RESULT_BYTES {
        return Err(too_large());
    }
    Ok(Value::text(s.repeat(times)))
}

fn split_part(args: &[Value], _: &EvalContext) -> Result<Value> {
    let s = text(args, 0)?;
    let delimiter = text(args, 1)?;
    let field = int32(args, 2)?;
    if field == 0 {
        return Err(Error::InvalidParameterValue(
            "field position must not be zero".into(),
        ));
    }
    if s.is_empty() {
        return Ok(Value::text(""));
    }
    let fields: Vec<&str> = if delimiter.is_empty() {
        vec![s.as_ref()]
    } else {
        s.split(delimiter.as_ref()).collect()
    };
    let index = usize::try_from(field.unsigned_abs()).unwrap_or(usize::MAX) - 1;
    let chosen = if field > 0 {
        fields.get(index)
    } else {
        fields
            .len()
            .checked_sub(index + 1)
            .and_then(|i| fields.get(i))
    };
    Ok(Value::text(chosen.copied().unwrap_or("")))
}

/// Upper-cases the first letter of every run of letters and digits, lower-cases the rest.
fn initcap(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_word = false;
    for c in s.chars() {
        if in_word {
            out.extend(c.to_lowercase());
        } else {
            out.extend(c.to_uppercase());
        }
        in_word = c.is_alphanumeric();
    }
    out
}

fn starts_with(args: &[Value], _: &EvalContext) -> Result<Value> {
    Ok(Value::Bool(
        text(args, 0)?.starts_with(text(args, 1)?.as_ref()),
    ))
}

fn md5_hex(args: &[Value], _: &EvalContext) -> Result<Value> {
    let digest = match arg(args, 0)? {
        Value::Bytea(_) => Md5::digest(bytes(args, 0)?),
        _ => Md5::digest(text(args, 0)?.as_bytes()),
    };
    let mut hex = String::with_capacity(32);
    for byte in digest {
        let _ = write!(hex, "{byte:02x}");
    }
    Ok(Value::text(hex))
}

fn ascii(args: &[Value], _: &EvalContext) -> Result<Value> {
    let code = text(args, 0)?.chars().next().map_or(0, u32::from);
    int_value(usize::try_from(code).unwrap_or(0))
}

fn chr(args: &[Value], _: &EvalContext) -> Result<Value> {
    let code = int32(args, 0)?;
    if code == 0 {
        return Err(Error::InvalidParameterValue(
            "null character not permitted".into(),
        ));
    }
    let code = u32::try_from(code)
        .map_err(|_| Error::InvalidParameterValue("character number must be positive".into()))?;
    if code > 0x10FFFF {
        return Err(Error::InvalidParameterValue(format!(
            "requested character too large for encoding: {code}"
        )));
    }
    let c = char::from_u32(code).ok_or_else(|| {
        Error::InvalidParameterValue(format!(
            "requested character not valid for encoding: {code}"
        ))
    })?;
    Ok(Value::text(c.to_string()))
}

fn to_hex_32(args: &[Value], _: &EvalContext) -> Result<Value> {
    // Negative numbers print their two's complement, as in PostgreSQL.
    Ok(Value::text(format!("{:x}", int32(args, 0)?)))
}

fn to_hex_64(args: &[Value], _: &EvalContext) -> Result<Value> {
    Ok(Value::text(format!("{:x}", int64(args, 0)?)))
}

fn translate(args: &[Value], _: &EvalContext) -> Result<Value> {
    let s = text(args, 0)?;
    let from: Vec<char> = text(args, 1)?.chars().collect();
    let to: Vec<char> = text(args, 2)?.chars().collect();
    let out: String = s
        .chars()
        .filter_map(|c| match from.iter().position(|f| *f == c) {
            Some(index) => to.get(index).copied(),
            None => Some(c),
        })
        .collect();
    Ok(Value::text(out))
}

/// A string literal for `s`: quotes doubled, and an `E''` literal if it contains backslashes.
fn quote_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 3);
    if s.contains('\\') {
        out.push('E');
    }
    out.push('\'');
    for c in s.chars() {
        if c == '\'' || c == '\\' {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{as_text, call, call_typed, result_type, text as t};
    use crate::types::{DataType, Value};

    fn s(name: &str, args: &[Value]) -> String {
        as_text(&call(name, args).unwrap())
    }

    #[test]
    fn case_functions() {
        assert_eq!(s("lower", &[t("HeLLo Ä")]), "hello ä");
        assert_eq!(s("upper", &[t("straße")]), "STRASSE");
        assert_eq!(
            s("initcap", &[t("hi THOMAS o'neil 2nd-place")]),
            "Hi Thomas O'Neil 2nd-Place"
        );
        assert_eq!(call("lower", &[Value::Null]).unwrap(), Value::Null);
    }

    #[test]
    fn lengths_count_characters_or_bytes() {
        assert_eq!(call("length", &[t("jöse")]).unwrap(), Value::Int32(4));
        assert_eq!(call("char_length", &[t("")]).unwrap(), Value::Int32(0));
        assert_eq!(
            call("character_length", &[t("ab")]).unwrap(),
            Value::Int32(2)
        );
        assert_eq!(call("octet_length", &[t("jöse")]).unwrap(), Value::Int32(5));
        assert_eq!(call("bit_length", &[t("jöse")]).unwrap(), Value::Int32(40));
        assert_eq!(
            call("bit_length", &[Value::from(vec![1u8, 2])]).unwrap(),
            Value::Int32(16)
        );
        assert_eq!(
            call("length", &[Value::from(vec![1u8, 2, 3])]).unwrap(),
            Value::Int32(3)
        );
        assert_eq!(
            call("octet_length", &[Value::from(vec![1u8])]).unwrap(),
            Value::Int32(1)
        );
        assert_eq!(
            result_type("length", &[DataType::Varchar(Some(3))]).unwrap(),
            DataType::Int32
        );
        assert_eq!(
            result_type("length", &[DataType::Unknown]).unwrap(),
            DataType::Int32
        );
        assert!(result_type("length", &[DataType::Int32]).is_err());
    }

    #[test]
    fn substring_follows_postgres_for_out_of_range_starts() {
        let sub = |start: i32, count: Option<i32>| {
            let mut args = vec![t("Thomas"), Value::Int32(start)];
            args.extend(count.map(Value::Int32));
            s("substr", &args)
        };
        assert_eq!(sub(2, Some(3)), "hom");
        assert_eq!(sub(3, None), "omas");
        assert_eq!(sub(0, Some(3)), "Th");
        assert_eq!(sub(-1, Some(3)), "T");
        assert_eq!(sub(-5, Some(3)), "");
        assert_eq!(sub(5, Some(100)), "as");
        assert_eq!(sub(10, None), "");
        assert_eq!(sub(i32::MAX, Some(i32::MAX)), "");
        assert_eq!(s("substring", &[t("Thomas"), Value::Int32(2)]), "homas");
        let err = call("substr", &[t("x"), Value::Int32(1), Value::Int32(-1)]).unwrap_err();
        assert_eq!(err.to_string(), "negative substring length not allowed");
        // An untyped argument is read as an integer.
        let types = [DataType::Text, DataType::Unknown];
        assert_eq!(
            as_text(&call_typed("substr", &types, &[t("Thomas"), t("4")]).unwrap()),
            "mas"
        );
        // A bound parameter of another type is formatted as text.
        let types = [DataType::Unknown];
        assert_eq!(
            call_typed("length", &types, &[Value::Int32(1234)]).unwrap(),
            Value::Int32(4)
        );
    }

    #[test]
    fn strpos_counts_characters() {
        assert_eq!(
            call("strpos", &[t("high"), t("ig")]).unwrap(),
            Value::Int32(2)
        );
        assert_eq!(
            call("strpos", &[t("äbc"), t("c")]).unwrap(),
            Value::Int32(3)
        );
        assert_eq!(
            call("strpos", &[t("high"), t("x")]).unwrap(),
            Value::Int32(0)
        );
        assert_eq!(
            call("strpos", &[t("high"), t("")]).unwrap(),
            Value::Int32(1)
        );
    }

    #[test]
    fn trimming() {
        assert_eq!(s("btrim", &[t("  x y  ")]), "x y");
        assert_eq!(s("trim", &[t("xyxtrimyyx"), t("xy")]), "trim");
        assert_eq!(s("ltrim", &[t("zzzytest"), t("xyz")]), "test");
        assert_eq!(s("rtrim", &[t("testxxzx"), t("xyz")]), "test");
        assert_eq!(s("ltrim", &[t("  a ")]), "a ");
        assert_eq!(s("rtrim", &[t("\ta\t ")]), "\ta\t");
    }

    #[test]
    fn replace_and_translate() {
        assert_eq!(
            s("replace", &[t("abcdefabcdef"), t("cd"), t("XX")]),
            "abXXefabXXef"
        );
        assert_eq!(s("replace", &[t("abc"), t(""), t("X")]), "abc");
        assert_eq!(s("translate", &[t("12345"), t("143"), t("ax")]), "a2x5");
        assert_eq!(s("translate", &[t("aaa"), t("aa"), t("bc")]), "bbb");
    }

    #[test]
    fn concat_skips_nulls_and_formats_any_type() {
        assert_eq!(s("concat", &[t("abcde"), Value::Null, t("x")]), "abcdex");
        assert_eq!(s("concat", &[Value::Null]), "");
        assert_eq!(
            s("concat_ws", &[t(","), t("a"), Value::Null, t("b")]),
            "a,b"
        );
        assert_eq!(
            call("concat_ws", &[Value::Null, t("a")]).unwrap(),
            Value::Null
        );
        assert_eq!(
            result_type("concat", &[DataType::Int32, DataType::Jsonb]).unwrap(),
            DataType::Text
        );
        assert!(result_type("concat", &[]).is_err());
        assert_eq!(s("concat", &[Value::Json("{\"a\":1}".into())]), "{\"a\":1}");
    }

    #[test]
    fn concat_formats_values_as_postgres_text() {
        let args = [
            Value::Int32(1),
            Value::Bool(true),
            super::super::test_support::num("2.50"),
        ];
        assert_eq!(s("concat", &args), "1t2.50");
        assert_eq!(
            s("concat_ws", &[t("-"), Value::Int64(7), Value::Bool(false)]),
            "7-f"
        );
    }

    #[test]
    fn left_and_right() {
        assert_eq!(s("left", &[t("abcde"), Value::Int32(2)]), "ab");
        assert_eq!(s("left", &[t("abcde"), Value::Int32(-2)]), "abc");
        assert_eq!(s("left", &[t("abc"), Value::Int32(-5)]), "");
        assert_eq!(s("right", &[t("abcde"), Value::Int32(2)]), "de");
        assert_eq!(s("right", &[t("abcde"), Value::Int32(-2)]), "cde");
        assert_eq!(s("right", &[t("ab"), Value::Int32(9)]), "ab");
    }

    #[test]
    fn padding_and_repeat() {
        assert_eq!(s("lpad", &[t("hi"), Value::Int32(5), t("xy")]), "xyxhi");
        assert_eq!(s("rpad", &[t("hi"), Value::Int32(5), t("xy")]), "hixyx");
        assert_eq!(s("lpad", &[t("hi"), Value::Int32(4)]), "  hi");
        assert_eq!(s("lpad", &[t("hello"), Value::Int32(2)]), "he");
        assert_eq!(s("rpad", &[t("hello"), Value::Int32(-1)]), "");
        assert_eq!(s("lpad", &[t("hi"), Value::Int32(5), t("")]), "hi");
        assert_eq!(s("repeat", &[t("Pg"), Value::Int32(3)]), "PgPgPg");
        assert_eq!(s("repeat", &[t("Pg"), Value::Int32(-3)]), "");
        let err = call("repeat", &[t("abcdef"), Value::Int32(i32::MAX)]).unwrap_err();
        assert_eq!(err.to_string(), "requested length too large");
        assert!(call("lpad", &[t("a"), Value::Int32(i32::MAX), t("é")]).is_err());
    }

    #[test]
    fn reverse_and_split_part() {
        assert_eq!(s("reverse", &[t("abç")]), "çba");
        assert_eq!(
            s(
                "split_part",
                &[t("abc~@~def~@~ghi"), t("~@~"), Value::Int32(2)]
            ),
            "def"
        );
        assert_eq!(
            s("split_part", &[t("abc,def,ghi"), t(","), Value::Int32(-1)]),
            "ghi"
        );
        assert_eq!(
            s("split_part", &[t("abc,def,ghi"), t(","), Value::Int32(-3)]),
            "abc"
        );
        assert_eq!(
            s("split_part", &[t("abc,def"), t(","), Value::Int32(5)]),
            ""
        );
        assert_eq!(
            s("split_part", &[t("abc,def"), t(","), Value::Int32(-5)]),
            ""
        );
        assert_eq!(s("split_part", &[t(""), t(","), Value::Int32(1)]), "");
        assert_eq!(s("split_part", &[t("abc"), t(""), Value::Int32(1)]), "abc");
        assert_eq!(s("split_part", &[t("abc"), t(""), Value::Int32(2)]), "");
        let err = call("split_part", &[t("a"), t(","), Value::Int32(0)]).unwrap_err();
        assert_eq!(err.sqlstate(), "22023");
    }

    #[test]
    fn starts_with_md5_ascii_chr() {
        assert_eq!(
            call("starts_with", &[t("alphabet"), t("alph")]).unwrap(),
            Value::Bool(true)
        );
        assert_eq!(
            call("starts_with", &[t("alphabet"), t("b")]).unwrap(),
            Value::Bool(false)
        );
        assert_eq!(s("md5", &[t("abc")]), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(
            s("md5", &[Value::from(b"abc".to_vec())]),
            "900150983cd24fb0d6963f7d28e17f72"
        );
        assert_eq!(call("ascii", &[t("x")]).unwrap(), Value::Int32(120));
        assert_eq!(call("ascii", &[t("€")]).unwrap(), Value::Int32(8364));
        assert_eq!(call("ascii", &[t("")]).unwrap(), Value::Int32(0));
        assert_eq!(s("chr", &[Value::Int32(65)]), "A");
        assert_eq!(s("chr", &[Value::Int32(8364)]), "€");
        assert_eq!(
            call("chr", &[Value::Int32(0)]).unwrap_err().sqlstate(),
            "22023"
        );
        assert!(call("chr", &[Value::Int32(-1)]).is_err());
        assert!(call("chr", &[Value::Int32(0xD800)]).is_err());
        assert!(call("chr", &[Value::Int32(0x110000)]).is_err());
    }

    #[test]
    fn to_hex_uses_twos_complement() {
        assert_eq!(s("to_hex", &[Value::Int32(2_147_483_647)]), "7fffffff");
        assert_eq!(s("to_hex", &[Value::Int32(-1)]), "ffffffff");
        assert_eq!(s("to_hex", &[Value::Int64(-1)]), "ffffffffffffffff");
        assert_eq!(s("to_hex", &[Value::Int16(255)]), "ff");
    }

    #[test]
    fn quote_literal_escapes() {
        assert_eq!(s("quote_literal", &[t("O'Reilly")]), "'O''Reilly'");
        assert_eq!(s("quote_literal", &[t("C:\\x")]), "E'C:\\\\x'");
    }
}

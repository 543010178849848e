//! JSON and JSONB semantics: validation, JSONB normalisation (PostgreSQL's key order, duplicate
//! handling, number form and output spacing), the access operators `->`, `->>`, `#>`, `#>>`,
//! and JSONB concatenation `||`.
//!
//! Both types are carried as text in [`Value::Json`]; JSONB text is normalised when the value is
//! created, so operators can treat the two alike.

mod tree;

use std::borrow::Cow;
use std::sync::Arc;

use self::tree::{Json, Step};
use super::numeric::{parse_numeric, write_numeric};
use super::Value;
use crate::error::{Error, Result};

fn invalid_json(text: &str) -> Error {
    Error::invalid_text("json", text)
}

/// Parses `text` as JSON; 22P02 `invalid input syntax for type json` when it is not.
fn parse_document(text: &str) -> Result<Json> {
    tree::parse(text).map_err(|_| invalid_json(text))
}

/// Checks that `text` is valid JSON (the input rule of the `json` type, which keeps the text).
pub fn validate_json(text: &str) -> Result<()> {
    parse_document(text).map(|_| ())
}

/// Normalises JSON text to PostgreSQL's jsonb form: object keys sorted shorter first, then
/// bytewise; for duplicate keys the last one wins; numbers in numeric form (`1.50` stays,
/// `1e2` becomes `100`); strings re-escaped minimally; output spacing `{"a": 1, "b": [1, 2]}`.
pub fn normalize_jsonb(text: &str) -> Result<String> {
    let mut document = parse_document(text)?;
    normalize(&mut document)?;
    Ok(document.to_string())
}

/// The jsonb text of a serde_json document: what [`normalize_jsonb`] gives for its text, without
/// printing and parsing it again.
pub fn jsonb_from_serde(document: &serde_json::Value) -> Result<String> {
    let mut document = from_serde(document);
    normalize(&mut document)?;
    Ok(document.to_string())
}

fn from_serde(value: &serde_json::Value) -> Json {
    match value {
        serde_json::Value::Null => Json::Null,
        serde_json::Value::Bool(b) => Json::Bool(*b),
        serde_json::Value::Number(n) => Json::Number(n.to_string()),
        serde_json::Value::String(s) => Json::String(s.clone()),
        serde_json::Value::Array(items) => Json::Array(items.iter().map(from_serde).collect()),
        serde_json::Value::Object(members) => Json::Object(
            members
                .iter()
                .map(|(key, member)| (key.clone(), from_serde(member)))
                .collect(),
        ),
    }
}

fn normalize(value: &mut Json) -> Result<()> {
    match value {
        Json::Null | Json::Bool(_) => {}
        Json::Number(number) if is_numeric_output(number) => {}
        Json::Number(number) => {
            let decimal = parse_numeric(number)?;
            let mut normalized = String::new();
            write_numeric(&mut normalized, &decimal)
                .map_err(|_| Error::Internal("numeric formatting failed".into()))?;
            *number = normalized;
        }
        Json::String(text) => check_jsonb_string(text)?,
        Json::Array(items) => {
            for item in items {
                normalize(item)?;
            }
        }
        Json::Object(members) => {
            // A stable sort keeps duplicates in input order; then keep the last of each run.
            members.sort_by(|(a, _), (b, _)| {
                a.len()
                    .cmp(&b.len())
                    .then_with(|| a.as_bytes().cmp(b.as_bytes()))
            });
            let mut unique: Vec<(String, Json)> = Vec::with_capacity(members.len());
            for (key, member) in members.drain(..) {
                check_jsonb_string(&key)?;
                match unique.last_mut() {
                    Some(last) if last.0 == key => last.1 = member,
                    _ => unique.push((key, member)),
                }
            }
            for (_, member) in &mut unique {
                normalize(member)?;
            }
            *members = unique;
        }
    }
    Ok(())
}

/// Whether a JSON number's text is already what PostgreSQL's numeric prints for it: JSON
/// allows no leading zeros, and numeric keeps every written digit and the scale, so only an
/// exponent or a negative zero (`-0`, `-0.00`, which print unsigned) change.
fn is_numeric_output(number: &str) -> bool {
    !number.contains(['e', 'E'])
        && !number
            .strip_prefix('-')
            .is_some_and(|digits| digits.bytes().all(|b| b == b'0' || b == b'.'))
}

/// jsonb cannot store U+0000 (PostgreSQL text cannot hold it).
fn check_jsonb_string(text: &str) -> Result<()> {
    if text.contains('\0') {
        return Err(Error::DataException(
            "unsupported Unicode escape sequence: \\u0000 cannot be converted to text".into(),
        ));
    }
    Ok(())
}

/// The JSON text of a document operand, or `None` for NULL.
fn document_text<'a>(document: &'a Value, operator: &str, key: &Value) -> Result<Option<&'a str>> {
    match document {
        Value::Null => Ok(None),
        Value::Json(text) | Value::Text(text) => Ok(Some(text)),
        other => Err(Error::UndefinedOperator(format!(
            "{} {operator} {}",
            other.data_type(),
            key.data_type()
        ))),
    }
}

/// Turns the selected source text into the operator's result.
fn output(selected: Option<&str>, as_text: bool) -> Result<Value> {
    let Some(raw) = selected else {
        return Ok(Value::Null);
    };
    if !as_text {
        return Ok(Value::Json(Arc::from(raw)));
    }
    if raw.starts_with('"') {
        return match tree::parse(raw) {
            Ok(Json::String(s)) => Ok(Value::Text(Arc::from(s))),
            _ => Err(invalid_json(raw)),
        };
    }
    Ok(if raw == "null" {
        Value::Null
    } else {
        Value::Text(Arc::from(raw))
    })
}

fn select<'a>(text: &'a str, step: &Step<'_>) -> Result<Option<&'a str>> {
    tree::select(text, step).map_err(|_| invalid_json(text))
}

/// Validates documents that arrive as TEXT; JSON values were validated when created.
fn check_document(document: &Value, text: &str) -> Result<()> {
    match document {
        Value::Json(_) => Ok(()),
        _ => validate_json(text),
    }
}

/// The `->` (`as_text = false`) and `->>` (`as_text = true`) operators.
///
/// A text key selects an object field (the last one if the key repeats), an integer key an
/// array element (negative counts from the end). A missing field or element, a key of the wrong
/// kind for the container, or a NULL operand gives NULL. `->` returns [`Value::Json`] holding
/// the element's text exactly as it appears in the document (so `json` keeps its spacing and
/// `jsonb` stays normalised); `->>` returns [`Value::Text`], with strings unquoted and JSON
/// `null` as SQL NULL.
pub fn json_get(document: &Value, key: &Value, as_text: bool) -> Result<Value> {
    let operator = if as_text { "->>" } else { "->" };
    let Some(text) = document_text(document, operator, key)? else {
        return Ok(Value::Null);
    };
    let step = match key {
        Value::Null => return Ok(Value::Null),
        Value::Text(k) => Step::Key(k),
        other => match other.as_i64() {
            Some(index) => Step::Index(index),
            None => {
                return Err(Error::UndefinedOperator(format!(
                    "{} {operator} {}",
                    document.data_type(),
                    other.data_type()
                )))
            }
        },
    };
    check_document(document, text)?;
    output(select(text, &step)?, as_text)
}

/// The `#>` (`as_text = false`) and `#>>` (`as_text = true`) operators: follows `path` (text
/// keys, or integer positions for arrays, given as text or integers). An empty path selects
/// the whole document; a NULL path element or a missing step gives NULL.
pub fn json_get_path(document: &Value, path: &[Value], as_text: bool) -> Result<Value> {
    let operator = if as_text { "#>>" } else { "#>" };
    let Some(text) = document_text(document, operator, &Value::Text(Arc::from("")))? else {
        return Ok(Value::Null);
    };
    let mut keys = Vec::with_capacity(path.len());
    for element in path {
        keys.push(match element {
            Value::Null => return Ok(Value::Null),
            Value::Text(k) => Cow::Borrowed(&**k),
            other => match other.as_i64() {
                Some(index) => Cow::Owned(index.to_string()),
                None => {
                    return Err(Error::DatatypeMismatch(format!(
                        "path element must be text, not {}",
                        other.data_type()
                    )))
                }
            },
        });
    }
    check_document(document, text)?;
    let mut current = text.trim_matches([' ', '\t', '\n', '\r']);
    for key in &keys {
        match select(current, &Step::KeyOrIndex(key))? {
            Some(next) => current = next,
            None => return Ok(Value::Null),
        }
    }
    output(Some(current), as_text)
}

/// JSONB `||`: two objects merge (right-hand keys win); otherwise both sides become arrays
/// (a non-array is a one-element array) and are concatenated. The result is normalised.
pub(crate) fn jsonb_concat(left: &str, right: &str) -> Result<String> {
    let left = parse_document(left)?;
    let right = parse_document(right)?;
    let mut combined = match (left, right) {
        (Json::Object(mut a), Json::Object(b)) => {
            a.extend(b);
            Json::Object(a)
        }
        (a, b) => {
            let mut items = into_items(a);
            items.extend(into_items(b));
            Json::Array(items)
        }
    };
    normalize(&mut combined)?;
    Ok(combined.to_string())
}

fn into_items(value: Json) -> Vec<Json> {
    match value {
        Json::Array(items) => items,
        other => vec![other],
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Random JSON texts: nested arrays and objects (with repeated keys) of random scalars.
    fn json_text() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            Just("null".to_string()),
            Just("true".to_string()),
            Just("false".to_string()),
            "-?(0|[1-9][0-9]{0,20})(\\.[0-9]{1,10})?([eE][+-]?[0-9]{1,2})?",
            "[a-z0-9 \\\\\"\u{e9}\u{1}/]{0,8}"
                .prop_map(|s| serde_json::Value::String(s).to_string()),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6)
                    .prop_map(|items| format!("[{}]", items.join(","))),
                proptest::collection::vec(("[a-c]{1,2}", inner), 0..6).prop_map(|members| {
                    let members: Vec<String> = members
                        .iter()
                        .map(|(k, v)| format!("\"{k}\" : {v}"))
                        .collect();
                    format!("{{ {} }}", members.join(" ,"))
                }),
            ]
        })
    }

    proptest! {
        #[test]
        fn jsonb_normalisation_is_idempotent_and_valid(text in json_text()) {
            prop_assert!(validate_json(&text).is_ok(), "{}", text);
            let normalized = normalize_jsonb(&text);
            prop_assert!(normalized.is_ok(), "{}: {:?}", text, normalized);
            let normalized = normalized.unwrap_or_default();
            prop_assert_eq!(normalize_jsonb(&normalized).ok(), Some(normalized.clone()));
            prop_assert!(serde_json::from_str::<serde_json::Value>(&normalized).is_ok());
        }

        #[test]
        fn json_functions_never_panic(text in "\\PC{0,40}", key in "\\PC{0,3}", index in any::<i64>()) {
            let document = Value::Json(Arc::from(text.as_str()));
            let _ = normalize_jsonb(&text);
            let _ = json_get(&document, &Value::text(key.as_str()), true);
            let _ = json_get(&document, &Value::Int64(index), false);
            let _ = json_get_path(&document, &[Value::text(key.as_str()), Value::Int64(index)], true);
            let _ = jsonb_concat(&text, &text);
        }
    }

    fn json(text: &str) -> Value {
        Value::Json(Arc::from(text))
    }

    #[test]
    fn jsonb_normalisation() {
        let n = |t: &str| normalize_jsonb(t).unwrap_or_else(|e| e.to_string());
        assert_eq!(n(r#"{"b":[1,2],"a":1}"#), r#"{"a": 1, "b": [1, 2]}"#);
        assert_eq!(n(r#"{"aa":1,"b":2,"a":3}"#), r#"{"a": 3, "b": 2, "aa": 1}"#);
        assert_eq!(n(r#"{"a":1,"a":2}"#), r#"{"a": 2}"#);
        assert_eq!(n(r#"[1.50, 1e2, -0, 0.1E-1]"#), "[1.50, 100, 0, 0.01]");
        assert_eq!(n(r#" "\u0041\/" "#), r#""A/""#);
        assert_eq!(n("{}"), "{}");
        assert_eq!(n("[]"), "[]");
        assert_eq!(n("null"), "null");
        assert_eq!(n(r#"{"B":1,"a":2}"#), r#"{"B": 1, "a": 2}"#);
        assert!(matches!(
            normalize_jsonb("{bad"),
            Err(Error::InvalidTextRepresentation { .. })
        ));
        assert!(matches!(
            normalize_jsonb(r#""\u0000""#),
            Err(Error::DataException(_))
        ));
        assert!(validate_json(r#""\u0000""#).is_ok());
    }

    #[test]
    fn arrow_operators() {
        let doc = json(r#"{"a": {"b": [10, "x", null, {"c": true}]}, "s": "hi", "n": null}"#);
        let get = |key: Value, as_text| {
            json_get(&doc, &key, as_text).unwrap_or_else(|e| Value::text(e.to_string()))
        };
        assert_eq!(get(Value::text("s"), false), json("\"hi\""));
        assert_eq!(get(Value::text("s"), true), Value::text("hi"));
        assert_eq!(get(Value::text("n"), false), json("null"));
        assert_eq!(get(Value::text("n"), true), Value::Null);
        assert_eq!(get(Value::text("missing"), true), Value::Null);
        assert_eq!(get(Value::Int32(0), true), Value::Null);
        assert_eq!(
            get(Value::text("a"), true),
            Value::text(r#"{"b": [10, "x", null, {"c": true}]}"#)
        );
        assert_eq!(get(Value::Null, true), Value::Null);
        assert!(json_get(&doc, &Value::Bool(true), false).is_err());
        assert_eq!(
            json_get(&Value::Null, &Value::text("a"), false).ok(),
            Some(Value::Null)
        );
        assert!(json_get(&Value::Int32(1), &Value::text("a"), false).is_err());

        // json elements come back exactly as written; strings are unescaped by ->>.
        let compact = json(r#"{"b": 1,  "a": [1,2], "s": "x\"y"}"#);
        let get = |key: &str, as_text| json_get(&compact, &Value::text(key), as_text).ok();
        assert_eq!(get("a", false), Some(json("[1,2]")));
        assert_eq!(get("a", true), Some(Value::text("[1,2]")));
        assert_eq!(get("s", false), Some(json(r#""x\"y""#)));
        assert_eq!(get("s", true), Some(Value::text("x\"y")));
        assert!(json_get(&Value::text("{bad"), &Value::text("a"), false).is_err());

        let array = json("[1, 2, 3]");
        let at = |i: i64| json_get(&array, &Value::Int64(i), true).ok();
        assert_eq!(at(0), Some(Value::text("1")));
        assert_eq!(at(-1), Some(Value::text("3")));
        assert_eq!(at(3), Some(Value::Null));
        assert_eq!(at(-4), Some(Value::Null));
        assert_eq!(at(i64::MIN), Some(Value::Null));
    }

    #[test]
    fn path_operators() {
        let doc = json(r#"{"a": {"b": [10, "x", null, {"c": true}]}, "1": "one"}"#);
        let path = |p: &[Value], as_text| json_get_path(&doc, p, as_text).ok();
        assert_eq!(
            path(
                &[Value::text("a"), Value::text("b"), Value::text("1")],
                true
            ),
            Some(Value::text("x"))
        );
        assert_eq!(
            path(
                &[
                    Value::text("a"),
                    Value::text("b"),
                    Value::Int32(-1),
                    Value::text("c")
                ],
                false
            ),
            Some(json("true"))
        );
        assert_eq!(path(&[Value::Int32(1)], true), Some(Value::text("one")));
        assert_eq!(
            path(&[Value::text("a"), Value::text("zz")], true),
            Some(Value::Null)
        );
        assert_eq!(
            path(&[Value::text("a"), Value::Null], true),
            Some(Value::Null)
        );
        assert_eq!(
            path(
                &[Value::text("a"), Value::text("b"), Value::text("x")],
                true
            ),
            Some(Value::Null)
        );
        assert_eq!(
            path(&[], true),
            Some(Value::text(
                r#"{"a": {"b": [10, "x", null, {"c": true}]}, "1": "one"}"#
            ))
        );
    }

    #[test]
    fn concatenation() {
        let c = |a: &str, b: &str| jsonb_concat(a, b).unwrap_or_else(|e| e.to_string());
        assert_eq!(
            c(r#"{"a": 1, "b": 2}"#, r#"{"b": 3, "c": 4}"#),
            r#"{"a": 1, "b": 3, "c": 4}"#
        );
        assert_eq!(c("[1, 2]", "[3]"), "[1, 2, 3]");
        assert_eq!(c("[1]", "2"), "[1, 2]");
        assert_eq!(c("1", "[2]"), "[1, 2]");
        assert_eq!(c(r#"{"a": 1}"#, "[2]"), r#"[{"a": 1}, 2]"#);
        assert_eq!(c("1", "2"), "[1, 2]");
    }

    proptest! {
        #[test]
        fn a_serde_document_normalises_as_its_text_does(text in json_text()) {
            if let Ok(document) = serde_json::from_str::<serde_json::Value>(&text) {
                prop_assert_eq!(
                    jsonb_from_serde(&document).ok(),
                    normalize_jsonb(&document.to_string()).ok()
                );
            }
        }
    }

    #[test]
    fn numbers_already_in_numeric_form_are_kept_as_written() {
        for (text, normal) in [
            (
                "[1, -2, 0, 12.50, -0.5, 123456789012345678901234567890]",
                "[1, -2, 0, 12.50, -0.5, 123456789012345678901234567890]",
            ),
            ("[-0, -0.00, 1e2, 1.5E-1, -0e5]", "[0, 0.00, 100, 0.15, 0]"),
        ] {
            assert_eq!(normalize_jsonb(text).ok().as_deref(), Some(normal));
        }
    }
}

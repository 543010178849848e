//! JSON output: one object per row per line, keys = column names in column order, values typed.
//!
//! | SQL value | JSON |
//! |---|---|
//! | NULL | `null` |
//! | boolean | `true` / `false` |
//! | integers, floats, numeric | a number, written with the value's exact text (`12.50`); NaN and infinities are strings |
//! | json, jsonb | the JSON document itself, on one line |
//! | anything else | a string with the value's text output (dates, uuids, bytea as `\x...`) |

use std::io::{self, Write};

use tether::{Column, Value};

/// Writes one line per row.
pub fn write<'a>(
    out: &mut impl Write,
    columns: &[Column],
    rows: impl Iterator<Item = &'a [Value]>,
) -> io::Result<()> {
    let keys: Vec<String> = columns.iter().map(|column| quote(&column.name)).collect();
    let mut line = String::new();
    for values in rows {
        line.clear();
        line.push('{');
        for (index, (key, value)) in keys.iter().zip(values).enumerate() {
            if index > 0 {
                line.push(',');
            }
            line.push_str(key);
            line.push(':');
            push_value(&mut line, value);
        }
        line.push('}');
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// Appends the JSON form of one value.
fn push_value(line: &mut String, value: &Value) {
    match value {
        Value::Null => line.push_str("null"),
        Value::Bool(true) => line.push_str("true"),
        Value::Bool(false) => line.push_str("false"),
        Value::Int16(_)
        | Value::Int32(_)
        | Value::Int64(_)
        | Value::Float32(_)
        | Value::Float64(_)
        | Value::Numeric(_) => {
            let text = value.to_string();
            if is_json_number(&text) {
                line.push_str(&text);
            } else {
                line.push_str(&quote(&text));
            }
        }
        Value::Json(document) => push_compact_json(line, document),
        _ => line.push_str(&quote(&value.to_string())),
    }
}

/// A JSON string literal.
fn quote(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

/// True when `text` is a number in JSON's grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn is_json_number(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = usize::from(bytes.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < bytes.len() && bytes[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    let integer_start = i;
    let integer_digits = digits(&mut i);
    if integer_digits == 0 || (integer_digits > 1 && bytes[integer_start] == b'0') {
        return false;
    }
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == bytes.len()
}

/// Appends a stored JSON document without the whitespace between its tokens, so it fits on one
/// line. The text is copied otherwise unchanged: numbers keep their exact digits (even those
/// beyond `f64`, such as `1e400`). The engine only stores valid JSON, so it is not parsed again.
fn push_compact_json(line: &mut String, document: &str) {
    let mut in_string = false;
    let mut escaped = false;
    for c in document.chars() {
        if in_string {
            line.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            line.push(c);
        } else if !matches!(c, ' ' | '\t' | '\n' | '\r') {
            line.push(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use tether::DataType;

    use super::*;

    fn render(columns: &[(&str, DataType)], rows: &[Vec<Value>]) -> String {
        let columns: Vec<Column> = columns
            .iter()
            .map(|(name, data_type)| Column {
                name: (*name).into(),
                data_type: data_type.clone(),
            })
            .collect();
        let mut out = Vec::new();
        write(&mut out, &columns, rows.iter().map(Vec::as_slice)).expect("write to memory");
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn typed_values() {
        let text = render(
            &[
                ("id", DataType::Int64),
                ("ok", DataType::Bool),
                ("name", DataType::Text),
                ("gone", DataType::Text),
            ],
            &[vec![
                Value::Int64(1),
                Value::Bool(true),
                Value::text("a \"q\"\n"),
                Value::Null,
            ]],
        );
        assert_eq!(
            text,
            "{\"id\":1,\"ok\":true,\"name\":\"a \\\"q\\\"\\n\",\"gone\":null}\n"
        );
    }

    #[test]
    fn json_documents_are_embedded_on_one_line() {
        let document = Value::Json(Arc::from("{\"a\": [1, 2.50],\n \"b\": \"x y\\\" z\"}"));
        let text = render(&[("doc", DataType::Json)], &[vec![document]]);
        assert_eq!(text, "{\"doc\":{\"a\":[1,2.50],\"b\":\"x y\\\" z\"}}\n");
    }

    #[test]
    fn json_numbers_beyond_f64_keep_their_text() {
        let document = Value::Json(Arc::from("{\"a\": 1e400}"));
        let text = render(&[("doc", DataType::Json)], &[vec![document]]);
        assert_eq!(text, "{\"doc\":{\"a\":1e400}}\n");
    }

    #[test]
    fn json_number_grammar() {
        for good in ["0", "-1", "12.50", "1e+20", "1E-05", "-0.5"] {
            assert!(is_json_number(good), "{good}");
        }
        for bad in [
            "",
            "-",
            "01",
            "1.",
            ".5",
            "NaN",
            "Infinity",
            "-Infinity",
            "1e",
            "1x",
        ] {
            assert!(!is_json_number(bad), "{bad}");
        }
    }

    #[test]
    fn non_finite_floats_are_strings() {
        let text = render(
            &[("f", DataType::Float64)],
            &[
                vec![Value::Float64(f64::NAN)],
                vec![Value::Float64(f64::NEG_INFINITY)],
            ],
        );
        assert_eq!(text, "{\"f\":\"NaN\"}\n{\"f\":\"-Infinity\"}\n");
    }
}

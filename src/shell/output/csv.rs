//! CSV output (RFC 4180): a header line with the column names, then one line per row. A field is
//! quoted when it contains a comma, a double quote, a line break, or is the empty string (so it
//! differs from NULL, which is an empty unquoted field). Lines end with `\n`.

use std::io::{self, Write};

use tether::{Column, Value};

/// Writes the header and the rows.
pub fn write<'a>(
    out: &mut impl Write,
    columns: &[Column],
    rows: impl Iterator<Item = &'a [Value]>,
) -> io::Result<()> {
    let header: Vec<String> = columns.iter().map(|column| field(&column.name)).collect();
    writeln!(out, "{}", header.join(","))?;
    for values in rows {
        let fields: Vec<String> = values
            .iter()
            .map(|value| {
                if value.is_null() {
                    String::new()
                } else {
                    field(&value.to_string())
                }
            })
            .collect();
        writeln!(out, "{}", fields.join(","))?;
    }
    Ok(())
}

/// One field, quoted when needed.
fn field(text: &str) -> String {
    if text.is_empty() || text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use tether::DataType;

    use super::*;

    #[test]
    fn header_rows_and_quoting() {
        let columns = vec![
            Column {
                name: "id".into(),
                data_type: DataType::Int32,
            },
            Column {
                name: "note, text".into(),
                data_type: DataType::Text,
            },
        ];
        let rows = [
            vec![Value::Int32(1), Value::text("plain")],
            vec![Value::Int32(2), Value::text("say \"hi\", twice\nok")],
            vec![Value::Int32(3), Value::text("")],
            vec![Value::Null, Value::Null],
        ];
        let mut out = Vec::new();
        write(&mut out, &columns, rows.iter().map(Vec::as_slice)).expect("write to memory");
        assert_eq!(
            String::from_utf8_lossy(&out),
            "id,\"note, text\"\n1,plain\n2,\"say \"\"hi\"\", twice\nok\"\n3,\"\"\n,\n"
        );
    }
}

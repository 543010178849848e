//! [`TextTable`]: psql-style aligned tables, used for query results in `table` format and for
//! meta-command output such as `\d`.
//!
//! ```text
//!  id | name
//! ----+-------
//!   1 | alice
//!   2 |
//! (2 rows)
//! ```
//!
//! Headers are centred, numbers right-aligned, everything else left-aligned, NULL is an empty
//! cell. A cell with several lines continues on the next output line, with `+` at the end of the
//! cell, as in psql. Trailing spaces are trimmed from every line.

use std::io::{self, Write};

use tether::{Column, Value};
use unicode_width::UnicodeWidthStr;

/// A table of text cells ready to print.
#[derive(Debug, Clone, Default)]
pub struct TextTable {
    /// A line centred above the table (`List of relations`).
    pub title: Option<String>,
    pub headers: Vec<String>,
    /// Per column: right-align its cells (numbers).
    pub right_aligned: Vec<bool>,
    pub rows: Vec<Vec<String>>,
    /// Print `(N rows)` after the rows.
    pub row_count_footer: bool,
    /// Lines printed after the table (and after the row count).
    pub footer: Vec<String>,
}

impl TextTable {
    /// An empty, left-aligned table with these headers.
    pub fn new<S: Into<String>>(headers: impl IntoIterator<Item = S>) -> Self {
        let headers: Vec<String> = headers.into_iter().map(Into::into).collect();
        let right_aligned = vec![false; headers.len()];
        TextTable {
            headers,
            right_aligned,
            ..TextTable::default()
        }
    }

    /// A query result as a table with a `(N rows)` footer; numeric columns are right-aligned.
    pub fn from_values<'a>(columns: &[Column], rows: impl Iterator<Item = &'a [Value]>) -> Self {
        TextTable {
            headers: columns.iter().map(|column| column.name.clone()).collect(),
            right_aligned: columns
                .iter()
                .map(|column| column.data_type.is_numeric())
                .collect(),
            rows: rows
                .map(|values| values.iter().map(cell_text).collect())
                .collect(),
            row_count_footer: true,
            ..TextTable::default()
        }
    }

    /// Writes the table, followed by an empty line.
    pub fn write(&self, out: &mut impl Write) -> io::Result<()> {
        let widths = self.column_widths();
        let total_width: usize =
            widths.iter().map(|w| w + 2).sum::<usize>() + widths.len().saturating_sub(1);
        if let Some(title) = &self.title {
            let indent = total_width.saturating_sub(title.width()) / 2;
            writeln!(out, "{:indent$}{title}", "")?;
        }
        let header: Vec<String> = self
            .headers
            .iter()
            .zip(&widths)
            .map(|(text, width)| {
                let left = width.saturating_sub(text.width()) / 2;
                format!(" {:left$}{text}{} ", "", pad(text, width - left))
            })
            .collect();
        write_line(out, &header.join("|"))?;
        let separator: Vec<String> = widths.iter().map(|width| "-".repeat(width + 2)).collect();
        write_line(out, &separator.join("+"))?;
        for row in &self.rows {
            self.write_row(out, row, &widths)?;
        }
        if self.row_count_footer {
            let count = self.rows.len();
            writeln!(out, "({count} {})", if count == 1 { "row" } else { "rows" })?;
        }
        for line in &self.footer {
            writeln!(out, "{line}")?;
        }
        writeln!(out)
    }

    /// Display width of each column: the widest of its header and its cells' lines.
    fn column_widths(&self) -> Vec<usize> {
        let mut widths: Vec<usize> = self.headers.iter().map(|header| header.width()).collect();
        for row in &self.rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                let widest = cell
                    .split('\n')
                    .map(UnicodeWidthStr::width)
                    .max()
                    .unwrap_or(0);
                *width = (*width).max(widest);
            }
        }
        widths
    }

    /// Writes one row; multi-line cells take several output lines.
    fn write_row(&self, out: &mut impl Write, row: &[String], widths: &[usize]) -> io::Result<()> {
        let cell_lines: Vec<Vec<&str>> =
            row.iter().map(|cell| cell.split('\n').collect()).collect();
        let height = cell_lines.iter().map(Vec::len).max().unwrap_or(1);
        for line_index in 0..height {
            let mut line = String::new();
            for (column, width) in widths.iter().enumerate() {
                if column > 0 {
                    line.push('|');
                }
                let lines = cell_lines.get(column).map(Vec::as_slice).unwrap_or(&[]);
                let text = lines.get(line_index).copied().unwrap_or("");
                let continues = line_index + 1 < lines.len();
                let right = self.right_aligned.get(column).copied().unwrap_or(false);
                line.push(' ');
                if right {
                    line.push_str(&pad(text, *width));
                    line.push_str(text);
                } else {
                    line.push_str(text);
                    line.push_str(&pad(text, *width));
                }
                line.push(if continues { '+' } else { ' ' });
            }
            write_line(out, &line)?;
        }
        Ok(())
    }
}

/// The text of one value in a table cell: NULL is empty.
pub fn cell_text(value: &Value) -> String {
    if value.is_null() {
        String::new()
    } else {
        value.to_string()
    }
}

/// Spaces that pad `text` to `width` display columns.
fn pad(text: &str, width: usize) -> String {
    " ".repeat(width.saturating_sub(text.width()))
}

/// Writes `line` without trailing spaces.
fn write_line(out: &mut impl Write, line: &str) -> io::Result<()> {
    writeln!(out, "{}", line.trim_end())
}

#[cfg(test)]
mod tests {
    use tether::DataType;

    use super::*;

    fn render(table: &TextTable) -> String {
        let mut out = Vec::new();
        table.write(&mut out).expect("write to memory");
        String::from_utf8(out).expect("utf-8")
    }

    fn columns() -> Vec<Column> {
        vec![
            Column {
                name: "id".into(),
                data_type: DataType::Int32,
            },
            Column {
                name: "name".into(),
                data_type: DataType::Text,
            },
        ]
    }

    #[test]
    fn query_result_table() {
        let rows = [
            vec![Value::Int32(1), Value::text("alice")],
            vec![Value::Int32(22), Value::Null],
        ];
        let table = TextTable::from_values(&columns(), rows.iter().map(Vec::as_slice));
        assert_eq!(
            render(&table),
            " id | name\n----+-------\n  1 | alice\n 22 |\n(2 rows)\n\n"
        );
    }

    #[test]
    fn empty_result_and_singular_footer() {
        let none: [Vec<Value>; 0] = [];
        let table = TextTable::from_values(&columns(), none.iter().map(Vec::as_slice));
        assert_eq!(render(&table), " id | name\n----+------\n(0 rows)\n\n");
        let one = [vec![Value::Int32(7), Value::text("x")]];
        let table = TextTable::from_values(&columns(), one.iter().map(Vec::as_slice));
        assert!(render(&table).ends_with("(1 row)\n\n"));
    }

    #[test]
    fn multi_line_cells_continue_with_plus() {
        let rows = [vec![Value::Int32(1), Value::text("ab\nc")]];
        let table = TextTable::from_values(&columns(), rows.iter().map(Vec::as_slice));
        assert_eq!(
            render(&table),
            " id | name\n----+------\n  1 | ab  +\n    | c\n(1 row)\n\n"
        );
    }

    #[test]
    fn title_is_centred_and_wide_characters_align() {
        let mut table = TextTable::new(["Name"]);
        table.title = Some("Tables".into());
        table.rows.push(vec!["日本".into()]);
        table.rows.push(vec!["abcdefghij".into()]);
        assert_eq!(
            render(&table),
            "   Tables\n    Name\n------------\n 日本\n abcdefghij\n\n"
        );
    }
}

//! Printing statement results in the shell's output formats.
//!
//! - `table`: psql-like aligned table with a header, a separator line and a `(N rows)` footer;
//!   statements without a result set print their command tag (`INSERT 0 3`, `CREATE TABLE`), and
//!   DML with `RETURNING` prints its rows and then its tag.
//! - `csv`: a header line and RFC 4180 rows; NULL is an empty field, the empty string is `""`.
//! - `json`: one JSON object per row per line, keys in column order, values typed.
//!
//! In csv and json only rows are printed, never tags, so the output can be fed to other tools.

pub mod csv;
pub mod json;
pub mod table;

use std::fmt;
use std::io::{self, Write};

use tether::{CommandTag, QueryResult, Row};

/// The output format of query results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Table,
    Csv,
    Json,
}

impl fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            OutputFormat::Table => "table",
            OutputFormat::Csv => "csv",
            OutputFormat::Json => "json",
        })
    }
}

impl std::str::FromStr for OutputFormat {
    type Err = String;

    /// Reads `table`, `csv` or `json` (any case), as `\format` takes them.
    fn from_str(text: &str) -> Result<Self, String> {
        <OutputFormat as clap::ValueEnum>::from_str(text, true)
            .map_err(|_| format!("\\format: unknown format \"{text}\"; use table, csv or json"))
    }
}

/// Prints one statement's result in `format`.
pub fn print_result(
    out: &mut impl Write,
    format: OutputFormat,
    result: &QueryResult,
) -> io::Result<()> {
    let rows = || result.rows.iter().map(Row::values);
    match format {
        OutputFormat::Table => {
            if result.has_rows() {
                table::TextTable::from_values(&result.columns, rows()).write(out)?;
            }
            if !result.has_rows() || !matches!(result.tag, CommandTag::Select(_)) {
                writeln!(out, "{}", result.tag)?;
            }
            Ok(())
        }
        OutputFormat::Csv if result.has_rows() => csv::write(out, &result.columns, rows()),
        OutputFormat::Json if result.has_rows() => json::write(out, &result.columns, rows()),
        OutputFormat::Csv | OutputFormat::Json => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_case_insensitively() {
        assert_eq!("CSV".parse::<OutputFormat>(), Ok(OutputFormat::Csv));
        assert_eq!("json".parse::<OutputFormat>(), Ok(OutputFormat::Json));
        assert!("xml".parse::<OutputFormat>().is_err());
        assert_eq!(OutputFormat::Table.to_string(), "table");
    }

    #[test]
    fn commands_print_their_tag_in_table_format_only() {
        let result = QueryResult::command(CommandTag::Insert(3));
        let mut table = Vec::new();
        print_result(&mut table, OutputFormat::Table, &result).expect("write to memory");
        assert_eq!(String::from_utf8_lossy(&table), "INSERT 0 3\n");
        for format in [OutputFormat::Csv, OutputFormat::Json] {
            let mut out = Vec::new();
            print_result(&mut out, format, &result).expect("write to memory");
            assert!(out.is_empty(), "{format}");
        }
    }
}

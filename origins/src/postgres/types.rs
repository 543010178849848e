//! Type mapping between PostgreSQL and tether: the column types tether mirrors exactly (by
//! `format_type` name), and values in PostgreSQL's text format both ways — the stream, the
//! snapshot and write-back parameters all travel as text, which tether reads and prints exactly.

use tether_engine::types::parse::parse_text;
use tether_engine::types::{data_type_from_name, DataType};
use tether_engine::Value;

use super::error::PgError;

/// The tether type of a PostgreSQL column, or an error naming the column and its type.
/// `type_kind` is `pg_type.typtype` (`e` = enum, mirrored as text).
pub fn column_type(column: &str, type_name: &str, type_kind: &str) -> Result<DataType, String> {
    if type_kind == "e" {
        return Ok(DataType::Text);
    }
    match data_type_from_name(type_name) {
        Ok(DataType::Unknown) | Err(_) => Err(format!(
            "column \"{column}\" has type {type_name}, which tether cannot mirror \
             (supported: boolean, integers, real, double precision, numeric, text, varchar, \
             char, bytea, date, time, timestamp, timestamptz, interval, uuid, json, jsonb, enums)"
        )),
        Ok(data_type) => Ok(data_type),
    }
}

/// A value read as PostgreSQL text output.
pub fn value_from_text(text: Option<&str>, data_type: &DataType) -> Result<Value, PgError> {
    match text {
        None => Ok(Value::Null),
        Some(text) => parse_text(text, data_type)
            .map_err(|e| PgError::Decode(format!("value {text:?} as {data_type}: {e}"))),
    }
}

/// A value as PostgreSQL text input (`None` for NULL), for a `$n::text::type` parameter.
pub fn value_to_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::Float32(v) => Some(float_text(f64::from(*v), v.to_string())),
        Value::Float64(v) => Some(float_text(*v, v.to_string())),
        other => Some(other.to_string()),
    }
}

/// Floats in full precision (Rust's shortest round-trip form), with PostgreSQL's spellings of
/// the special values.
fn float_text(value: f64, shortest: String) -> String {
    if value.is_nan() {
        "NaN".into()
    } else if value.is_infinite() {
        if value > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        }
    } else {
        shortest
    }
}

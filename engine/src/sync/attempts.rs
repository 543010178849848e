//! `tether.write_attempts`: the control-plane table with one row per row-level write sent (or
//! to be sent) to an origin. It is an ordinary table of the database — users read it with SQL,
//! the engine writes it in the same local transactions as the writes it records.

use chrono::Utc;
use serde_json::Value as Json;

use super::origin::{ConflictKind, VersionCheck, WriteOp};
use crate::catalog::{ColumnDef, TableDef};
use crate::types::{DataType, Value};

/// The control-plane schema.
pub const SCHEMA: &str = "tether";
/// The write attempts table's name.
pub const TABLE: &str = "write_attempts";

/// Column positions of `tether.write_attempts`.
pub mod col {
    pub const ID: usize = 0;
    pub const LOCAL_TXN: usize = 1;
    pub const VIEW: usize = 2;
    pub const ORIGIN: usize = 3;
    pub const OP: usize = 4;
    pub const ROW_KEY: usize = 5;
    pub const BASE_VERSION: usize = 6;
    pub const NEW_VERSION: usize = 7;
    pub const STATUS: usize = 8;
    pub const CONFLICT: usize = 9;
    pub const BASE_ROW: usize = 10;
    pub const WRITTEN_ROW: usize = 11;
    pub const ORIGIN_ROW: usize = 12;
    pub const ATTEMPTS: usize = 13;
    pub const LAST_ERROR: usize = 14;
    pub const CREATED_AT: usize = 15;
    pub const RESOLVED_AT: usize = 16;
    pub const CAS: usize = 17;
}

const COLUMNS: [(&str, DataType, bool); 18] = [
    ("id", DataType::Int64, false),
    ("local_txn", DataType::Int64, false),
    ("view", DataType::Text, false),
    ("origin", DataType::Text, false),
    ("op", DataType::Text, false),
    ("row_key", DataType::Jsonb, false),
    ("base_version", DataType::Text, true),
    ("new_version", DataType::Text, true),
    ("status", DataType::Text, false),
    ("conflict", DataType::Text, true),
    ("base_row", DataType::Jsonb, true),
    ("written_row", DataType::Jsonb, true),
    ("origin_row", DataType::Jsonb, true),
    ("attempts", DataType::Int32, false),
    ("last_error", DataType::Text, true),
    ("created_at", DataType::TimestampTz, false),
    ("resolved_at", DataType::TimestampTz, true),
    ("cas", DataType::Text, false),
];

/// The table's definition.
pub fn table_def() -> TableDef {
    TableDef {
        schema: SCHEMA.into(),
        name: TABLE.into(),
        columns: COLUMNS
            .iter()
            .map(|(name, data_type, nullable)| {
                ColumnDef::plain(*name, data_type.clone(), *nullable)
            })
            .collect(),
        primary_key: vec![col::ID],
        primary_key_name: Some("write_attempts_pkey".into()),
        indexes: Vec::new(),
        checks: Vec::new(),
        mirror: None,
    }
}

/// Status of an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptStatus {
    Pending,
    Applied,
    Conflicted,
    Rejected,
}

impl AttemptStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AttemptStatus::Pending => "pending",
            AttemptStatus::Applied => "applied",
            AttemptStatus::Conflicted => "conflicted",
            AttemptStatus::Rejected => "rejected",
        }
    }
}

/// What a new attempt row records.
pub struct NewAttempt<'a> {
    pub id: i64,
    pub local_txn: u64,
    pub view: &'a str,
    pub origin: &'a str,
    pub op: WriteOp,
    pub row_key: &'a Json,
    pub base_version: Option<&'a str>,
    pub base_row: Option<&'a Json>,
    pub written_row: Option<&'a Json>,
    pub cas: &'a VersionCheck,
}

/// The row of a new, pending attempt.
pub fn new_row(attempt: &NewAttempt<'_>) -> Vec<Value> {
    let mut row = vec![Value::Null; COLUMNS.len()];
    row[col::ID] = Value::Int64(attempt.id);
    row[col::LOCAL_TXN] = Value::Int64(attempt.local_txn as i64);
    row[col::VIEW] = Value::text(attempt.view);
    row[col::ORIGIN] = Value::text(attempt.origin);
    row[col::OP] = Value::text(attempt.op.as_str());
    row[col::ROW_KEY] = jsonb(attempt.row_key);
    row[col::BASE_VERSION] = optional_text(attempt.base_version);
    row[col::STATUS] = Value::text(AttemptStatus::Pending.as_str());
    row[col::BASE_ROW] = attempt.base_row.map_or(Value::Null, jsonb);
    row[col::WRITTEN_ROW] = attempt.written_row.map_or(Value::Null, jsonb);
    row[col::ATTEMPTS] = Value::Int32(0);
    row[col::CREATED_AT] = Value::TimestampTz(Utc::now());
    row[col::CAS] = Value::text(cas_label(attempt.cas));
    row
}

/// How an attempt is checked at the origin, as the `cas` column says it.
pub fn cas_label(check: &VersionCheck) -> String {
    match check {
        VersionCheck::System => "xmin".into(),
        VersionCheck::Column(name) => format!("version column {name}"),
        VersionCheck::None => "none: last writer wins".into(),
    }
}

/// An attempt's resolution, applied to its row.
pub struct Resolution<'a> {
    pub status: AttemptStatus,
    pub base_version: Option<&'a str>,
    pub new_version: Option<&'a str>,
    pub conflict: Option<ConflictKind>,
    pub origin_row: Option<Json>,
    pub error: Option<&'a str>,
}

/// `row` with a resolution (or, for `Pending`, one more failed try) recorded.
pub fn resolved_row(mut row: Vec<Value>, resolution: &Resolution<'_>) -> Vec<Value> {
    let tries = match row[col::ATTEMPTS] {
        Value::Int32(n) => n,
        _ => 0,
    };
    row[col::ATTEMPTS] = Value::Int32(tries.saturating_add(1));
    row[col::STATUS] = Value::text(resolution.status.as_str());
    row[col::LAST_ERROR] = optional_text(resolution.error);
    if resolution.status == AttemptStatus::Pending {
        return row;
    }
    row[col::BASE_VERSION] = optional_text(resolution.base_version);
    row[col::NEW_VERSION] = optional_text(resolution.new_version);
    row[col::CONFLICT] = optional_text(resolution.conflict.map(ConflictKind::as_str));
    row[col::ORIGIN_ROW] = resolution.origin_row.as_ref().map_or(Value::Null, jsonb);
    row[col::RESOLVED_AT] = Value::TimestampTz(Utc::now());
    row
}

fn optional_text(text: Option<&str>) -> Value {
    text.map_or(Value::Null, Value::text)
}

/// A JSONB value holding `json`.
pub fn jsonb(json: &Json) -> Value {
    crate::types::json::jsonb_from_serde(json).map_or(Value::Null, |text| Value::Json(text.into()))
}

/// A SQL value as JSON: numbers and booleans as themselves, NUMERIC as its exact text, other
/// types as their text form.
pub fn value_json(value: &Value) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int16(n) => Json::from(*n),
        Value::Int32(n) => Json::from(*n),
        Value::Int64(n) => Json::from(*n),
        Value::Float32(f) => serde_json::Number::from_f64(f64::from(*f))
            .map_or_else(|| Json::String(f.to_string()), Json::Number),
        Value::Float64(f) => serde_json::Number::from_f64(*f)
            .map_or_else(|| Json::String(f.to_string()), Json::Number),
        Value::Json(text) => serde_json::from_str(text).unwrap_or(Json::String(text.to_string())),
        other => Json::String(other.to_string()),
    }
}

/// `{"name": value, ...}` for parallel names and values.
pub fn row_json<'a>(names: impl IntoIterator<Item = &'a str>, values: &[Value]) -> Json {
    Json::Object(
        names
            .into_iter()
            .zip(values)
            .map(|(n, v)| (n.to_string(), value_json(v)))
            .collect(),
    )
}

//! [`DataType`]: the SQL type of a column, parameter or expression.

use std::fmt;

/// A SQL data type. Names and behaviour follow PostgreSQL.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DataType {
    Bool,
    /// SMALLINT / INT2
    Int16,
    /// INTEGER / INT4
    Int32,
    /// BIGINT / INT8
    Int64,
    /// REAL / FLOAT4
    Float32,
    /// DOUBLE PRECISION / FLOAT8
    Float64,
    /// NUMERIC(precision, scale): exact decimal. `None` precision = unconstrained.
    Numeric {
        precision: Option<u32>,
        scale: Option<u32>,
    },
    Text,
    /// VARCHAR(n); `None` = unlimited.
    Varchar(Option<u32>),
    /// CHAR(n): blank-padded to n characters. `CHAR` alone is CHAR(1).
    Char(u32),
    Bytea,
    Date,
    /// TIME without time zone.
    Time,
    /// TIMESTAMP without time zone.
    Timestamp,
    /// TIMESTAMP WITH TIME ZONE, stored as UTC.
    TimestampTz,
    Interval,
    Uuid,
    /// JSON: the text is kept exactly as given (after validation).
    Json,
    /// JSONB: normalised (keys sorted, duplicates removed, PostgreSQL's output spacing).
    Jsonb,
    /// The type of a NULL literal or an untyped string literal before context decides.
    Unknown,
}

impl DataType {
    /// True for the integer, floating point and numeric types.
    pub fn is_numeric(&self) -> bool {
        matches!(
            self,
            DataType::Int16
                | DataType::Int32
                | DataType::Int64
                | DataType::Float32
                | DataType::Float64
                | DataType::Numeric { .. }
        )
    }

    /// True for SMALLINT, INTEGER and BIGINT.
    pub fn is_integer(&self) -> bool {
        matches!(self, DataType::Int16 | DataType::Int32 | DataType::Int64)
    }

    /// True for TEXT, VARCHAR and CHAR.
    pub fn is_string(&self) -> bool {
        matches!(
            self,
            DataType::Text | DataType::Varchar(_) | DataType::Char(_)
        )
    }

    /// True for JSON and JSONB.
    pub fn is_json(&self) -> bool {
        matches!(self, DataType::Json | DataType::Jsonb)
    }

    /// The PostgreSQL-style name, e.g. `integer`, `character varying(20)`, `numeric(10,2)`.
    pub fn sql_name(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for DataType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataType::Bool => write!(f, "boolean"),
            DataType::Int16 => write!(f, "smallint"),
            DataType::Int32 => write!(f, "integer"),
            DataType::Int64 => write!(f, "bigint"),
            DataType::Float32 => write!(f, "real"),
            DataType::Float64 => write!(f, "double precision"),
            DataType::Numeric {
                precision: None, ..
            } => write!(f, "numeric"),
            DataType::Numeric {
                precision: Some(p),
                scale,
            } => {
                write!(f, "numeric({},{})", p, scale.unwrap_or(0))
            }
            DataType::Text => write!(f, "text"),
            DataType::Varchar(None) => write!(f, "character varying"),
            DataType::Varchar(Some(n)) => write!(f, "character varying({n})"),
            DataType::Char(n) => write!(f, "character({n})"),
            DataType::Bytea => write!(f, "bytea"),
            DataType::Date => write!(f, "date"),
            DataType::Time => write!(f, "time without time zone"),
            DataType::Timestamp => write!(f, "timestamp without time zone"),
            DataType::TimestampTz => write!(f, "timestamp with time zone"),
            DataType::Interval => write!(f, "interval"),
            DataType::Uuid => write!(f, "uuid"),
            DataType::Json => write!(f, "json"),
            DataType::Jsonb => write!(f, "jsonb"),
            DataType::Unknown => write!(f, "unknown"),
        }
    }
}

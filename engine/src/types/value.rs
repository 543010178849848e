//! [`Value`]: one SQL value at run time, and conversions between values and Rust types.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};

use super::{DataType, Decimal, Interval};
use crate::error::{Error, Result};

/// One SQL value. Strings, byte strings and JSON are reference counted so that copying a row
/// out of storage never copies their contents.
///
/// Equality (`PartialEq`/`Eq`), ordering (`Ord`) and `Hash` are *total* and consistent with each
/// other (NULL equals NULL, NaN equals NaN, numbers compare by value across numeric variants):
/// they are for keys, sorting, grouping and DISTINCT. SQL's three-valued comparison lives in
/// [`crate::types::compare::sql_compare`].
#[derive(Debug, Clone)]
pub enum Value {
    Null,
    Bool(bool),
    Int16(i16),
    Int32(i32),
    Int64(i64),
    Float32(f32),
    Float64(f64),
    Numeric(Arc<Decimal>),
    /// TEXT, VARCHAR and CHAR values.
    Text(Arc<str>),
    Bytea(Arc<[u8]>),
    Date(NaiveDate),
    Time(NaiveTime),
    Timestamp(NaiveDateTime),
    TimestampTz(DateTime<Utc>),
    Interval(Interval),
    Uuid(uuid::Uuid),
    /// JSON or JSONB, as its text. For JSONB the text is already normalised.
    Json(Arc<str>),
}

impl Value {
    /// True for SQL NULL.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The natural type of this value (`Unknown` for NULL; `Text` for strings, `Json` for JSON).
    pub fn data_type(&self) -> DataType {
        match self {
            Value::Null => DataType::Unknown,
            Value::Bool(_) => DataType::Bool,
            Value::Int16(_) => DataType::Int16,
            Value::Int32(_) => DataType::Int32,
            Value::Int64(_) => DataType::Int64,
            Value::Float32(_) => DataType::Float32,
            Value::Float64(_) => DataType::Float64,
            Value::Numeric(_) => DataType::Numeric {
                precision: None,
                scale: None,
            },
            Value::Text(_) => DataType::Text,
            Value::Bytea(_) => DataType::Bytea,
            Value::Date(_) => DataType::Date,
            Value::Time(_) => DataType::Time,
            Value::Timestamp(_) => DataType::Timestamp,
            Value::TimestampTz(_) => DataType::TimestampTz,
            Value::Interval(_) => DataType::Interval,
            Value::Uuid(_) => DataType::Uuid,
            Value::Json(_) => DataType::Json,
        }
    }

    /// Builds a text value.
    pub fn text(s: impl Into<Arc<str>>) -> Value {
        Value::Text(s.into())
    }

    /// Builds a numeric value.
    pub fn numeric(d: Decimal) -> Value {
        Value::Numeric(Arc::new(d))
    }

    /// The boolean inside, `None` for NULL; an error for any other type.
    pub fn as_bool(&self) -> Result<Option<bool>> {
        match self {
            Value::Null => Ok(None),
            Value::Bool(b) => Ok(Some(*b)),
            other => Err(Error::DatatypeMismatch(format!(
                "argument must be type boolean, not type {}",
                other.data_type()
            ))),
        }
    }

    /// The value as an i64 if it is an integer variant.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int16(v) => Some(i64::from(*v)),
            Value::Int32(v) => Some(i64::from(*v)),
            Value::Int64(v) => Some(*v),
            _ => None,
        }
    }

    /// The string inside a text value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Text(s) | Value::Json(s) => Some(s),
            _ => None,
        }
    }
}

/// Conversion from a [`Value`] into a Rust type, used by `Row::get`.
pub trait FromValue: Sized {
    /// Converts, or explains why the value does not fit.
    fn from_value(value: &Value) -> Result<Self>;
}

fn mismatch<T>(value: &Value, rust_type: &str) -> Result<T> {
    Err(Error::DatatypeMismatch(format!(
        "cannot read a value of type {} as {rust_type}",
        value.data_type()
    )))
}

impl FromValue for Value {
    fn from_value(value: &Value) -> Result<Self> {
        Ok(value.clone())
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(value: &Value) -> Result<Self> {
        if value.is_null() {
            Ok(None)
        } else {
            T::from_value(value).map(Some)
        }
    }
}

macro_rules! from_value_integer {
    ($($t:ty),*) => {$(
        impl FromValue for $t {
            fn from_value(value: &Value) -> Result<Self> {
                match value.as_i64() {
                    Some(v) => <$t>::try_from(v).map_err(|_| {
                        Error::NumericOutOfRange(format!("{v} is out of range for {}", stringify!($t)))
                    }),
                    None => mismatch(value, stringify!($t)),
                }
            }
        }
    )*};
}
from_value_integer!(i16, i32, i64, u32, u64, usize);

impl FromValue for bool {
    fn from_value(value: &Value) -> Result<Self> {
        match value {
            Value::Bool(b) => Ok(*b),
            _ => mismatch(value, "bool"),
        }
    }
}

impl FromValue for f64 {
    fn from_value(value: &Value) -> Result<Self> {
        match value {
            Value::Float64(v) => Ok(*v),
            Value::Float32(v) => Ok(f64::from(*v)),
            other => match other.as_i64() {
                Some(v) => Ok(v as f64),
                None => mismatch(value, "f64"),
            },
        }
    }
}

impl FromValue for f32 {
    fn from_value(value: &Value) -> Result<Self> {
        match value {
            Value::Float32(v) => Ok(*v),
            _ => mismatch(value, "f32"),
        }
    }
}

impl FromValue for String {
    fn from_value(value: &Value) -> Result<Self> {
        match value {
            Value::Text(s) | Value::Json(s) => Ok(s.to_string()),
            _ => mismatch(value, "String"),
        }
    }
}

impl FromValue for Vec<u8> {
    fn from_value(value: &Value) -> Result<Self> {
        match value {
            Value::Bytea(b) => Ok(b.to_vec()),
            _ => mismatch(value, "Vec<u8>"),
        }
    }
}

impl FromValue for Decimal {
    fn from_value(value: &Value) -> Result<Self> {
        match value {
            Value::Numeric(d) => Ok((**d).clone()),
            other => match other.as_i64() {
                Some(v) => Ok(Decimal::from(v)),
                None => mismatch(value, "BigDecimal"),
            },
        }
    }
}

macro_rules! from_value_simple {
    ($($variant:ident => $t:ty),*) => {$(
        impl FromValue for $t {
            fn from_value(value: &Value) -> Result<Self> {
                match value {
                    Value::$variant(v) => Ok(v.clone()),
                    _ => mismatch(value, stringify!($t)),
                }
            }
        }
        impl From<$t> for Value {
            fn from(v: $t) -> Self {
                Value::$variant(v)
            }
        }
    )*};
}
from_value_simple!(
    Date => NaiveDate,
    Time => NaiveTime,
    Timestamp => NaiveDateTime,
    TimestampTz => DateTime<Utc>,
    Interval => Interval,
    Uuid => uuid::Uuid
);

impl FromValue for serde_json::Value {
    fn from_value(value: &Value) -> Result<Self> {
        match value {
            Value::Json(s) => serde_json::from_str(s)
                .map_err(|e| Error::DataException(format!("stored JSON does not parse: {e}"))),
            _ => mismatch(value, "serde_json::Value"),
        }
    }
}

macro_rules! into_value {
    ($($t:ty => $variant:ident),*) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Self {
                Value::$variant(v)
            }
        }
    )*};
}
into_value!(bool => Bool, i16 => Int16, i32 => Int32, i64 => Int64, f32 => Float32, f64 => Float64);

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(Arc::from(v))
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(Arc::from(v))
    }
}

impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Self {
        Value::Bytea(Arc::from(v))
    }
}

impl From<&[u8]> for Value {
    fn from(v: &[u8]) -> Self {
        Value::Bytea(Arc::from(v))
    }
}

impl From<Decimal> for Value {
    fn from(v: Decimal) -> Self {
        Value::Numeric(Arc::new(v))
    }
}

impl From<serde_json::Value> for Value {
    fn from(v: serde_json::Value) -> Self {
        Value::Json(Arc::from(v.to_string()))
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

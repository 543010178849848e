//! Type mapping between MySQL/MariaDB and tether, exact both ways.
//!
//! | MySQL / MariaDB | tether |
//! |---|---|
//! | TINYINT, TINYINT UNSIGNED, SMALLINT, YEAR | smallint |
//! | SMALLINT UNSIGNED, MEDIUMINT (UNSIGNED), INT | integer |
//! | INT UNSIGNED, BIGINT | bigint |
//! | BIGINT UNSIGNED | numeric(20,0) |
//! | DECIMAL(p,s) | numeric(p,s) |
//! | FLOAT / DOUBLE | real / double precision |
//! | CHAR(n), VARCHAR(n) | varchar(n) (MySQL drops CHAR's trailing spaces, so does the view) |
//! | TINYTEXT … LONGTEXT | text |
//! | BINARY(n), VARBINARY(n), TINYBLOB … LONGBLOB | bytea (BINARY keeps its zero padding) |
//! | DATE / DATETIME / TIMESTAMP / TIME | date / timestamp / timestamptz (UTC) / time |
//! | JSON (MySQL, binary) | jsonb |
//! | JSON (MariaDB: LONGTEXT with `json_valid`) | json (the text exactly) |
//! | ENUM, SET | text (`'a,c'` for a SET) |
//! | BIT(1) | boolean |
//! | BIT(2..64) | bigint (up to 63 bits), numeric(20,0) for BIT(64) |
//!
//! `TINYINT(1)` (BOOLEAN) stays smallint: it can hold -128..127 and a boolean would lose that.
//! Text columns must be in a UTF-8 character set (utf8mb4, utf8mb3, ascii) or latin1. Values
//! tether cannot hold exactly are refused with the column named: zero dates
//! (`0000-00-00`), TIME values outside 00:00:00..23:59:59.999999.
//!
//! Values arrive in two encodings: the binary protocol of prepared statements (snapshot, row
//! lookups) and binlog row images. [`from_sql`] reads the first, [`from_binlog`] the second
//! (which differs for TIMESTAMP, ENUM, SET, YEAR, BINARY and JSON). [`to_param`] binds a value
//! for write-back. SQL sessions run with `SET NAMES utf8mb4` and `time_zone = '+00:00'`, so
//! text arrives as UTF-8 and TIMESTAMP values are UTC; binlog text is in the column's
//! character set.

use std::borrow::Cow;
use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};
use mysql_async::binlog::value::BinlogValue;
use mysql_async::Value as MyValue;
use tether_engine::types::parse::parse_text;
use tether_engine::{DataType, Value};

/// How values of a column are encoded at the origin.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnKind {
    /// TINYINT .. BIGINT, signed, with the storage width in bits.
    Signed {
        bits: u32,
    },
    /// TINYINT .. BIGINT UNSIGNED, with the storage width in bits.
    Unsigned {
        bits: u32,
    },
    Decimal,
    Float,
    Double,
    /// Character data in `charset`.
    Text {
        charset: Charset,
    },
    /// Binary strings; BINARY(n) is padded with zero bytes to `pad_to`.
    Binary {
        pad_to: Option<usize>,
    },
    Date,
    DateTime,
    Timestamp,
    Time,
    Year,
    Bit {
        bits: u32,
    },
    /// JSON: MySQL's binary JSON (`binary`), or MariaDB's LONGTEXT holding JSON text.
    Json {
        binary: bool,
    },
    Enum {
        values: Vec<String>,
    },
    Set {
        values: Vec<String>,
    },
}

/// The character sets text columns may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    Utf8,
    Latin1,
}

/// One origin column: its name, encoding and tether type.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnInfo {
    pub name: String,
    /// `COLUMN_TYPE` as the server prints it (`int(10) unsigned`), for messages.
    pub column_type: String,
    pub kind: ColumnKind,
    pub data_type: DataType,
    pub nullable: bool,
}

/// What `information_schema.COLUMNS` says about a column.
#[derive(Debug, Clone, Default)]
pub struct ColumnDefinition {
    pub name: String,
    pub data_type: String,
    pub column_type: String,
    pub nullable: bool,
    pub numeric_precision: Option<u32>,
    pub numeric_scale: Option<u32>,
    pub character_maximum_length: Option<u64>,
    pub character_octet_length: Option<u64>,
    pub character_set: Option<String>,
    /// MariaDB: the column has a `json_valid(col)` check (how MariaDB spells JSON).
    pub json_check: bool,
}

/// The types tether mirrors, for the error message.
const SUPPORTED: &str = "supported: integer types (also UNSIGNED), DECIMAL, FLOAT, DOUBLE, \
     CHAR, VARCHAR, TEXT types, BINARY, VARBINARY, BLOB types, DATE, DATETIME, TIMESTAMP, TIME, \
     YEAR, BIT, JSON, ENUM, SET";

/// The encoding and tether type of a column, or an error naming the column and its type.
pub fn column_info(definition: &ColumnDefinition) -> Result<ColumnInfo, String> {
    let column = &definition.name;
    let column_type = definition.column_type.to_ascii_lowercase();
    let unsigned = column_type.contains("unsigned");
    let unsupported = || {
        format!(
            "column \"{column}\" has type {}, which tether cannot mirror ({SUPPORTED})",
            definition.column_type
        )
    };
    let charset = || -> Result<Charset, String> {
        match definition
            .character_set
            .as_deref()
            .map(str::to_ascii_lowercase)
        {
            None => Ok(Charset::Utf8),
            Some(c) if matches!(c.as_str(), "utf8mb4" | "utf8mb3" | "utf8" | "ascii") => {
                Ok(Charset::Utf8)
            }
            Some(c) if c == "latin1" => Ok(Charset::Latin1),
            Some(other) => Err(format!(
                "column \"{column}\" ({}) uses character set {other}; tether mirrors text in \
                 utf8mb4, utf8mb3, ascii or latin1: convert it, e.g. ALTER TABLE ... MODIFY \
                 `{column}` {} CHARACTER SET utf8mb4",
                definition.column_type, definition.column_type
            )),
        }
    };
    let length = || {
        definition
            .character_maximum_length
            .and_then(|n| u32::try_from(n).ok())
    };
    let (kind, data_type) = match definition.data_type.to_ascii_lowercase().as_str() {
        "tinyint" if unsigned => (ColumnKind::Unsigned { bits: 8 }, DataType::Int16),
        "tinyint" => (ColumnKind::Signed { bits: 8 }, DataType::Int16),
        "smallint" if unsigned => (ColumnKind::Unsigned { bits: 16 }, DataType::Int32),
        "smallint" => (ColumnKind::Signed { bits: 16 }, DataType::Int16),
        "mediumint" if unsigned => (ColumnKind::Unsigned { bits: 24 }, DataType::Int32),
        "mediumint" => (ColumnKind::Signed { bits: 24 }, DataType::Int32),
        "int" | "integer" if unsigned => (ColumnKind::Unsigned { bits: 32 }, DataType::Int64),
        "int" | "integer" => (ColumnKind::Signed { bits: 32 }, DataType::Int32),
        "bigint" if unsigned => (ColumnKind::Unsigned { bits: 64 }, numeric(20, 0)),
        "bigint" => (ColumnKind::Signed { bits: 64 }, DataType::Int64),
        "decimal" | "numeric" => {
            let (Some(precision), Some(scale)) =
                (definition.numeric_precision, definition.numeric_scale)
            else {
                return Err(unsupported());
            };
            (ColumnKind::Decimal, numeric(precision, scale))
        }
        "float" => (ColumnKind::Float, DataType::Float32),
        "double" | "real" | "double precision" => (ColumnKind::Double, DataType::Float64),
        "char" | "varchar" => (
            ColumnKind::Text {
                charset: charset()?,
            },
            DataType::Varchar(length()),
        ),
        "tinytext" | "text" | "mediumtext" | "longtext" if definition.json_check => {
            (ColumnKind::Json { binary: false }, DataType::Json)
        }
        "tinytext" | "text" | "mediumtext" | "longtext" => (
            ColumnKind::Text {
                charset: charset()?,
            },
            DataType::Text,
        ),
        "binary" => (
            ColumnKind::Binary {
                pad_to: definition
                    .character_octet_length
                    .and_then(|n| usize::try_from(n).ok()),
            },
            DataType::Bytea,
        ),
        "varbinary" | "tinyblob" | "blob" | "mediumblob" | "longblob" => {
            (ColumnKind::Binary { pad_to: None }, DataType::Bytea)
        }
        "date" => (ColumnKind::Date, DataType::Date),
        "datetime" => (ColumnKind::DateTime, DataType::Timestamp),
        "timestamp" => (ColumnKind::Timestamp, DataType::TimestampTz),
        "time" => (ColumnKind::Time, DataType::Time),
        "year" => (ColumnKind::Year, DataType::Int16),
        "json" => (ColumnKind::Json { binary: true }, DataType::Jsonb),
        "enum" => {
            charset()?;
            (
                ColumnKind::Enum {
                    values: member_list(&definition.column_type).ok_or_else(unsupported)?,
                },
                DataType::Text,
            )
        }
        "set" => {
            charset()?;
            (
                ColumnKind::Set {
                    values: member_list(&definition.column_type).ok_or_else(unsupported)?,
                },
                DataType::Text,
            )
        }
        "bit" => {
            let bits = definition.numeric_precision.unwrap_or(1);
            let data_type = match bits {
                1 => DataType::Bool,
                2..=63 => DataType::Int64,
                _ => numeric(20, 0),
            };
            (ColumnKind::Bit { bits }, data_type)
        }
        _ => return Err(unsupported()),
    };
    Ok(ColumnInfo {
        name: definition.name.clone(),
        column_type: definition.column_type.clone(),
        kind,
        data_type,
        nullable: definition.nullable,
    })
}

fn numeric(precision: u32, scale: u32) -> DataType {
    DataType::Numeric {
        precision: Some(precision),
        scale: Some(scale),
    }
}

/// The members of `enum('a','b''c')` or `set(...)`, unquoted.
fn member_list(column_type: &str) -> Option<Vec<String>> {
    let open = column_type.find('(')?;
    let close = column_type.rfind(')')?;
    let body = column_type.get(open + 1..close)?;
    let mut members = Vec::new();
    let mut chars = body.chars().peekable();
    loop {
        match chars.next() {
            None => break,
            Some('\'') => {
                let mut member = String::new();
                loop {
                    match chars.next()? {
                        '\'' if chars.peek() == Some(&'\'') => {
                            chars.next();
                            member.push('\'');
                        }
                        '\'' => break,
                        '\\' => member.push(chars.next()?),
                        c => member.push(c),
                    }
                }
                members.push(member);
            }
            Some(',' | ' ') => {}
            Some(_) => return None,
        }
    }
    Some(members)
}

/// A decoding failure, naming the column.
fn refuse(column: &ColumnInfo, what: impl std::fmt::Display) -> String {
    format!(
        "column \"{}\" ({}): {what}",
        column.name, column.column_type
    )
}

/// A value read with the binary protocol (prepared statements) as the column's tether value.
pub fn from_sql(value: &MyValue, column: &ColumnInfo) -> Result<Value, String> {
    if matches!(value, MyValue::NULL) {
        return Ok(Value::Null);
    }
    match (&column.kind, value) {
        (ColumnKind::Signed { .. } | ColumnKind::Year, MyValue::Int(v)) => integer(*v, column),
        (ColumnKind::Signed { .. } | ColumnKind::Year, MyValue::UInt(v)) => unsigned(*v, column),
        (ColumnKind::Unsigned { bits }, MyValue::Int(v)) => {
            unsigned(as_unsigned(*v, *bits), column)
        }
        (ColumnKind::Unsigned { .. }, MyValue::UInt(v)) => unsigned(*v, column),
        (ColumnKind::Float, MyValue::Float(v)) => Ok(Value::Float32(*v)),
        (ColumnKind::Double, MyValue::Double(v)) => Ok(Value::Float64(*v)),
        (ColumnKind::Double, MyValue::Float(v)) => Ok(Value::Float64(f64::from(*v))),
        (ColumnKind::Binary { pad_to }, MyValue::Bytes(bytes)) => Ok(binary(bytes, *pad_to)),
        (ColumnKind::Date, MyValue::Date(y, m, d, ..)) => date(*y, *m, *d, column).map(Value::Date),
        (ColumnKind::DateTime, MyValue::Date(y, m, d, h, i, s, us)) => {
            datetime(*y, *m, *d, *h, *i, *s, *us, column).map(Value::Timestamp)
        }
        (ColumnKind::Timestamp, MyValue::Date(y, m, d, h, i, s, us)) => {
            datetime(*y, *m, *d, *h, *i, *s, *us, column).map(|t| Value::TimestampTz(t.and_utc()))
        }
        (ColumnKind::Time, MyValue::Time(negative, days, h, m, s, us)) => {
            time(*negative, *days, *h, *m, *s, *us, column).map(Value::Time)
        }
        (ColumnKind::Bit { .. }, MyValue::Bytes(bytes)) => {
            let n = bytes.iter().fold(0u64, |n, b| (n << 8) | u64::from(*b));
            bits_value(n, column)
        }
        (ColumnKind::Bit { .. }, MyValue::UInt(n)) => bits_value(*n, column),
        (ColumnKind::Bit { .. }, MyValue::Int(n)) => bits_value(*n as u64, column),
        (_, MyValue::Bytes(bytes)) => {
            // Text (the connection's utf8mb4), or numbers sent as text: read it exactly.
            let text = decode_text(bytes, Charset::Utf8).map_err(|e| refuse(column, e))?;
            parse(&text, column)
        }
        (_, other) => Err(refuse(
            column,
            format!("unexpected value {other:?} from the origin"),
        )),
    }
}

/// A value of a binlog row image as the column's tether value.
pub fn from_binlog(value: &BinlogValue<'_>, column: &ColumnInfo) -> Result<Value, String> {
    let value = match value {
        BinlogValue::Value(v) => v,
        BinlogValue::Jsonb(jsonb) => {
            let dom = jsonb
                .clone()
                .parse()
                .map_err(|e| refuse(column, format!("bad binary JSON: {e}")))?;
            let json: serde_json::Value = dom.into();
            return parse(&json.to_string(), column);
        }
        BinlogValue::JsonDiff(_) => {
            return Err(refuse(
                column,
                "the binlog holds a partial JSON update; set binlog_row_value_options = '' \
                 (no PARTIAL_JSON) at the origin",
            ))
        }
    };
    match (&column.kind, value) {
        (_, MyValue::NULL) => Ok(Value::Null),
        // TIMESTAMP: seconds since the epoch, "sec" or "sec.micros".
        (ColumnKind::Timestamp, MyValue::Bytes(bytes)) => {
            let text = std::str::from_utf8(bytes).map_err(|e| refuse(column, e))?;
            let (seconds, micros) = text.split_once('.').unwrap_or((text, "0"));
            let seconds: i64 = seconds
                .parse()
                .map_err(|_| refuse(column, format!("bad TIMESTAMP {text:?}")))?;
            let micros: u32 = micros
                .parse()
                .map_err(|_| refuse(column, format!("bad TIMESTAMP {text:?}")))?;
            timestamp(seconds, micros, column)
        }
        (ColumnKind::Timestamp, MyValue::Int(seconds)) => timestamp(*seconds, 0, column),
        // ENUM: the 1-based index of the member; 0 is the empty "error" value.
        (ColumnKind::Enum { values }, MyValue::Int(index)) => match *index {
            0 => Ok(Value::text("")),
            i => usize::try_from(i - 1)
                .ok()
                .and_then(|i| values.get(i))
                .map(|v| Value::text(v.as_str()))
                .ok_or_else(|| refuse(column, format!("ENUM index {i} out of range"))),
        },
        // SET: a little-endian bit mask of the members.
        (ColumnKind::Set { values }, MyValue::Bytes(mask)) => {
            let members: Vec<&str> = values
                .iter()
                .enumerate()
                .filter(|(i, _)| mask.get(i / 8).is_some_and(|b| b & (1 << (i % 8)) != 0))
                .map(|(_, v)| v.as_str())
                .collect();
            Ok(Value::text(members.join(",")))
        }
        // MEDIUMINT's minimum arrives unsigned from mysql_common (0x800000): sign-extend
        // from the column's width.
        (ColumnKind::Signed { bits }, MyValue::Int(v)) => integer(as_signed(*v, *bits), column),
        // Text in the column's character set (SQL results arrive converted to utf8mb4).
        (ColumnKind::Text { .. } | ColumnKind::Binary { .. }, MyValue::Bytes(bytes)) => {
            from_binlog_bytes(bytes, column)
        }
        // YEAR: mysql_common prints the stored byte plus 1900, so 0 (year 0000) reads "1900".
        (ColumnKind::Year, MyValue::Bytes(bytes)) => match bytes.as_slice() {
            b"1900" => Ok(Value::Int16(0)),
            text => parse(&String::from_utf8_lossy(text), column),
        },
        _ => from_sql(value, column),
    }
}

/// String or blob bytes of a binlog row image as the column's tether value, read in place
/// (the row image decoder's path; [`from_binlog`] takes the same one for text and binary
/// columns).
pub fn from_binlog_bytes(bytes: &[u8], column: &ColumnInfo) -> Result<Value, String> {
    match &column.kind {
        ColumnKind::Text { charset } => {
            let text = decode_text(bytes, *charset).map_err(|e| refuse(column, e))?;
            parse(&text, column)
        }
        ColumnKind::Binary { pad_to } => Ok(binary(bytes, *pad_to)),
        _ => from_binlog(&BinlogValue::Value(MyValue::Bytes(bytes.to_vec())), column),
    }
}

/// A binary string; BINARY(n) values padded with zero bytes to `pad_to`.
fn binary(bytes: &[u8], pad_to: Option<usize>) -> Value {
    match pad_to {
        Some(length) if bytes.len() < length => {
            let mut padded = bytes.to_vec();
            padded.resize(length, 0);
            Value::Bytea(Arc::from(padded))
        }
        _ => Value::Bytea(Arc::from(bytes)),
    }
}

/// Binds a tether value for a column (`None`: a column tether does not know, bound by value).
pub fn to_param(value: &Value, column: Option<&ColumnInfo>) -> MyValue {
    match (value, column.map(|c| &c.kind)) {
        (Value::Null, _) => MyValue::NULL,
        (Value::Bool(b), _) => MyValue::Int(i64::from(*b)),
        (Value::Numeric(n), Some(ColumnKind::Unsigned { .. } | ColumnKind::Bit { .. })) => {
            match n.to_string().parse::<u64>() {
                Ok(n) => MyValue::UInt(n),
                Err(_) => MyValue::Bytes(n.to_string().into_bytes()),
            }
        }
        (Value::Int16(v), _) => MyValue::Int(i64::from(*v)),
        (Value::Int32(v), _) => MyValue::Int(i64::from(*v)),
        (Value::Int64(v), Some(ColumnKind::Bit { .. })) => MyValue::UInt(*v as u64),
        (Value::Int64(v), _) => MyValue::Int(*v),
        (Value::Float32(v), _) => MyValue::Float(*v),
        (Value::Float64(v), _) => MyValue::Double(*v),
        (Value::Text(s) | Value::Json(s), _) => MyValue::Bytes(s.as_bytes().to_vec()),
        (Value::Bytea(b), _) => MyValue::Bytes(b.to_vec()),
        (Value::Date(d), _) => MyValue::Date(
            u16::try_from(d.year()).unwrap_or(0),
            d.month() as u8,
            d.day() as u8,
            0,
            0,
            0,
            0,
        ),
        (Value::Time(t), _) => MyValue::Time(
            false,
            0,
            t.hour() as u8,
            t.minute() as u8,
            t.second() as u8,
            t.nanosecond() / 1000,
        ),
        (Value::Timestamp(t), _) => datetime_param(t),
        (Value::TimestampTz(t), _) => datetime_param(&t.naive_utc()),
        (other, _) => MyValue::Bytes(other.to_string().into_bytes()),
    }
}

fn datetime_param(t: &NaiveDateTime) -> MyValue {
    MyValue::Date(
        u16::try_from(t.year()).unwrap_or(0),
        t.month() as u8,
        t.day() as u8,
        t.hour() as u8,
        t.minute() as u8,
        t.second() as u8,
        t.nanosecond() / 1000,
    )
}

/// Text of a column in `charset` as a Rust string. Latin1 is MySQL's (cp1252, with the five
/// undefined cp1252 bytes mapped to the C1 controls).
fn decode_text(bytes: &[u8], charset: Charset) -> Result<Cow<'_, str>, String> {
    match charset {
        Charset::Utf8 => std::str::from_utf8(bytes)
            .map(Cow::Borrowed)
            .map_err(|e| format!("text is not valid UTF-8: {e}")),
        Charset::Latin1 => Ok(Cow::Owned(bytes.iter().map(|&b| latin1_char(b)).collect())),
    }
}

/// cp1252's 0x80..0x9F; undefined positions are the C1 control of the same code.
const CP1252_HIGH: [char; 32] = [
    '\u{20AC}', '\u{81}', '\u{201A}', '\u{192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{2C6}', '\u{2030}', '\u{160}', '\u{2039}', '\u{152}', '\u{8D}', '\u{17D}', '\u{8F}',
    '\u{90}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{2DC}', '\u{2122}', '\u{161}', '\u{203A}', '\u{153}', '\u{9D}', '\u{17E}', '\u{178}',
];

fn latin1_char(byte: u8) -> char {
    match byte {
        0x80..=0x9F => CP1252_HIGH[usize::from(byte - 0x80)],
        other => char::from(other),
    }
}

/// Text in tether's input format for the column's type.
fn parse(text: &str, column: &ColumnInfo) -> Result<Value, String> {
    parse_text(text, &column.data_type).map_err(|e| refuse(column, format!("value {text:?}: {e}")))
}

fn integer(v: i64, column: &ColumnInfo) -> Result<Value, String> {
    let out_of_range = || {
        refuse(
            column,
            format!("{v} is out of range for {}", column.data_type),
        )
    };
    Ok(match column.data_type {
        DataType::Int16 => Value::Int16(i16::try_from(v).map_err(|_| out_of_range())?),
        DataType::Int32 => Value::Int32(i32::try_from(v).map_err(|_| out_of_range())?),
        DataType::Int64 => Value::Int64(v),
        _ => return parse(&v.to_string(), column),
    })
}

fn unsigned(v: u64, column: &ColumnInfo) -> Result<Value, String> {
    match i64::try_from(v) {
        Ok(v) if column.data_type.is_integer() => integer(v, column),
        _ => parse(&v.to_string(), column),
    }
}

/// The unsigned value of a `bits`-wide column that arrived as a signed number (binlogs without
/// signedness metadata).
fn as_unsigned(v: i64, bits: u32) -> u64 {
    if v >= 0 || bits >= 64 {
        v as u64
    } else {
        (v as u64) & ((1u64 << bits) - 1)
    }
}

/// The signed value of a `bits`-wide column that arrived zero-extended.
fn as_signed(v: i64, bits: u32) -> i64 {
    if bits >= 64 || v < (1i64 << (bits - 1)) {
        v
    } else {
        v - (1i64 << bits)
    }
}

fn bits_value(n: u64, column: &ColumnInfo) -> Result<Value, String> {
    match column.data_type {
        DataType::Bool => Ok(Value::Bool(n != 0)),
        _ => unsigned(n, column),
    }
}

fn date(y: u16, m: u8, d: u8, column: &ColumnInfo) -> Result<NaiveDate, String> {
    NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d)).ok_or_else(|| {
        refuse(
            column,
            format!("{y:04}-{m:02}-{d:02} is not a date tether can hold (zero dates are refused)"),
        )
    })
}

#[allow(clippy::too_many_arguments)]
fn datetime(
    y: u16,
    mo: u8,
    d: u8,
    h: u8,
    mi: u8,
    s: u8,
    us: u32,
    column: &ColumnInfo,
) -> Result<NaiveDateTime, String> {
    let day = date(y, mo, d, column)?;
    let time = NaiveTime::from_hms_micro_opt(u32::from(h), u32::from(mi), u32::from(s), us)
        .ok_or_else(|| refuse(column, format!("bad time of day {h}:{mi}:{s}.{us:06}")))?;
    Ok(day.and_time(time))
}

fn time(
    negative: bool,
    days: u32,
    h: u8,
    m: u8,
    s: u8,
    us: u32,
    column: &ColumnInfo,
) -> Result<NaiveTime, String> {
    let hours = days * 24 + u32::from(h);
    let outside = || {
        refuse(
            column,
            format!(
                "TIME value {}{hours:02}:{m:02}:{s:02}.{us:06} is outside 00:00:00..23:59:59.999999, \
                 which tether's time type cannot hold",
                if negative { "-" } else { "" }
            ),
        )
    };
    if negative && (hours, m, s, us) != (0, 0, 0, 0) {
        return Err(outside());
    }
    NaiveTime::from_hms_micro_opt(hours, u32::from(m), u32::from(s), us).ok_or_else(outside)
}

fn timestamp(seconds: i64, micros: u32, column: &ColumnInfo) -> Result<Value, String> {
    if seconds == 0 && micros == 0 {
        return Err(refuse(
            column,
            "the zero TIMESTAMP 0000-00-00 00:00:00 is not a time tether can hold",
        ));
    }
    micros
        .checked_mul(1000)
        .and_then(|nanos| DateTime::<Utc>::from_timestamp(seconds, nanos))
        .map(Value::TimestampTz)
        .ok_or_else(|| {
            refuse(
                column,
                format!("TIMESTAMP {seconds}.{micros:06} is out of range"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(data_type: &str, column_type: &str) -> ColumnInfo {
        column_info(&ColumnDefinition {
            name: "c".into(),
            data_type: data_type.into(),
            column_type: column_type.into(),
            nullable: true,
            numeric_precision: Some(10),
            numeric_scale: Some(2),
            character_maximum_length: Some(4),
            character_octet_length: Some(4),
            character_set: Some("utf8mb4".into()),
            json_check: false,
        })
        .unwrap()
    }

    #[test]
    fn unsigned_integers_widen() {
        assert_eq!(
            info("tinyint", "tinyint(3) unsigned").data_type,
            DataType::Int16
        );
        assert_eq!(info("int", "int(10) unsigned").data_type, DataType::Int64);
        let big = info("bigint", "bigint(20) unsigned");
        assert_eq!(big.data_type, numeric(20, 0));
        assert_eq!(
            from_sql(&MyValue::UInt(u64::MAX), &big)
                .unwrap()
                .to_string(),
            "18446744073709551615"
        );
        let tiny = info("tinyint", "tinyint(3) unsigned");
        assert_eq!(
            from_binlog(&BinlogValue::Value(MyValue::Int(-1)), &tiny).unwrap(),
            Value::Int16(255)
        );
    }

    #[test]
    fn signed_values_sign_extend_from_their_width() {
        let medium = info("mediumint", "mediumint(9)");
        let min = BinlogValue::Value(MyValue::Int(0x80_0000));
        assert_eq!(
            from_binlog(&min, &medium).unwrap(),
            Value::Int32(-8_388_608)
        );
        let max = BinlogValue::Value(MyValue::Int(8_388_607));
        assert_eq!(from_binlog(&max, &medium).unwrap(), Value::Int32(8_388_607));
        let minus_one = BinlogValue::Value(MyValue::Int(-1));
        assert_eq!(from_binlog(&minus_one, &medium).unwrap(), Value::Int32(-1));
    }

    #[test]
    fn enum_and_set_members_parse_with_quotes() {
        assert_eq!(
            member_list("enum('a','b''c','d,e')").unwrap(),
            vec!["a", "b'c", "d,e"]
        );
        let set = info("set", "set('x','y','z')");
        assert_eq!(
            from_binlog(&BinlogValue::Value(MyValue::Bytes(vec![5])), &set).unwrap(),
            Value::text("x,z")
        );
        let e = info("enum", "enum('x','y')");
        assert_eq!(
            from_binlog(&BinlogValue::Value(MyValue::Int(2)), &e).unwrap(),
            Value::text("y")
        );
    }

    #[test]
    fn times_outside_a_day_are_refused() {
        let t = info("time", "time");
        let e = from_sql(&MyValue::Time(true, 0, 1, 0, 0, 0), &t).unwrap_err();
        assert!(e.contains("-01:00:00"), "{e}");
        let e = from_sql(&MyValue::Time(false, 1, 1, 0, 0, 0), &t).unwrap_err();
        assert!(e.contains("25:00:00"), "{e}");
        assert!(from_sql(&MyValue::Date(0, 0, 0, 0, 0, 0, 0), &info("date", "date")).is_err());
    }

    #[test]
    fn latin1_is_cp1252() {
        assert_eq!(
            decode_text(b"caf\xe9 \x80", Charset::Latin1).unwrap(),
            "café €"
        );
    }

    #[test]
    fn unsupported_types_name_the_column() {
        let e = column_info(&ColumnDefinition {
            name: "shape".into(),
            data_type: "geometry".into(),
            column_type: "geometry".into(),
            ..Default::default()
        })
        .unwrap_err();
        assert!(e.contains("column \"shape\" has type geometry"), "{e}");
    }
}

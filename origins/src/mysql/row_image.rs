//! A decoder of binlog row images straight into tether values.
//!
//! mysql_common's `RowsEventData::rows` builds a `Column` (name, schema, table, flags,
//! character set) for every column of every row image, and looks each column's metadata up
//! from the start of the table map: most of the stream's decoding time. An [`ImageLayout`]
//! reads what a table map says once (each column's wire format and signedness); the stream
//! then decodes the images of the table's rows events (`rows_data()`) with it, converting only
//! the columns it asks for, straight from the event's bytes.
//!
//! The row image format (MySQL's `Rows_log_event`, the same in MariaDB): each row is its
//! before image (UPDATE, DELETE) then its after image (INSERT, UPDATE). An image is a NULL
//! bitmap with one bit per column present in the event's column bitmap (image column `i` is
//! bit `i % 8` of byte `i / 8`), then the values of the present, non-NULL columns in table
//! order. Values read here:
//!
//! | binlog type | bytes |
//! |---|---|
//! | TINY, SHORT, INT24, LONG, LONGLONG | 1, 2, 3, 4, 8, little-endian |
//! | FLOAT, DOUBLE | 4, 8, IEEE 754 little-endian |
//! | VARCHAR, VAR_STRING, STRING | a length in 1 byte (maximum length < 256) or 2, then the bytes |
//! | BLOB types (also TEXT, MariaDB's JSON), GEOMETRY | a length in `metadata[0]` (1–4) bytes, then the bytes |
//! | DATE (NEWDATE) | 3, little-endian: `day | month << 5 | year << 9` |
//! | YEAR | 1: the year minus 1900 (0: year 0) |
//! | ENUM | 1 or 2 (`metadata[1]`), little-endian: the member's 1-based index |
//! | SET | `metadata[1]` bytes: a little-endian bit mask of the members |
//! | BIT(n) | `(n + 7) / 8` bytes (`n` is `metadata[1] * 8 + metadata[0]`), big-endian |
//! | TIMESTAMP2 | 4 big-endian seconds since the epoch, then the fraction |
//! | DATETIME2 | 5 big-endian bytes: `0x8000000000 +` the packed date and time, then the fraction |
//!
//! The fraction of TIMESTAMP2 and DATETIME2 has `metadata[0]` digits: 1–2 in one signed byte
//! (hundredths), 3–4 in two (ten-thousandths), 5–6 in three (microseconds), big-endian.
//!
//! A table with a column of another type (TIME, the old temporal types, DECIMAL, MySQL's
//! binary JSON) has no layout: the stream decodes its events with
//! mysql_common. Numbers and temporal values are handed to [`from_binlog`] as the `Value`
//! mysql_common would give (with its arithmetic) and strings to
//! [`from_binlog_bytes`], which `from_binlog` uses for them too, so both decoders convert
//! exactly alike; the tests compare them on arbitrary bytes.

use mysql_async::binlog::events::{OptionalMetaExtractor, TableMapEvent};
use mysql_async::binlog::value::BinlogValue;
use mysql_async::consts::ColumnType;
use mysql_async::Value as MyValue;
use tether_engine::Value;

use super::types::{from_binlog, from_binlog_bytes, ColumnInfo};

/// The columns a view's mirror row has after the origin's (its version and staged flag):
/// rows are made with room for them, so the engine appends them without reallocating.
const MIRROR_COLUMNS: usize = 2;

/// How one column's values are stored in a row image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wire {
    /// A little-endian integer of `width` bytes; `unsigned` as the table map's signedness says.
    Int {
        width: usize,
        unsigned: bool,
    },
    Float,
    Double,
    /// Bytes after their length, a little-endian integer of `prefix` bytes.
    Counted {
        prefix: usize,
    },
    /// Bytes as they are, `width` of them (SET, BIT).
    Fixed {
        width: usize,
    },
    Date,
    Year,
    /// TIMESTAMP2 with `digits` fractional digits.
    Timestamp {
        digits: u8,
    },
    /// DATETIME2 with `digits` fractional digits.
    DateTime {
        digits: u8,
    },
}

/// Why a row image could not be decoded.
#[derive(Debug, Clone, PartialEq)]
pub enum ImageError {
    /// The event's bytes end early.
    Truncated,
    /// A value the view's column cannot take (the message names the column).
    Value(String),
}

/// A table map's columns as row images store them, and where the view's columns are among
/// them.
#[derive(Debug)]
pub struct ImageLayout {
    wires: Vec<Wire>,
    /// The table column of each of the view's columns.
    positions: Vec<usize>,
    /// The view's column at each table column, if the view has it.
    view_columns: Vec<Option<usize>>,
}

/// One image kind of a rows event: which table columns it holds.
pub struct ImageColumns {
    present: Vec<bool>,
    /// How many are present: the NULL bitmap's bits.
    count: usize,
}

impl ImageColumns {
    /// From an event's column bitmap (`columns_before_image` / `columns_after_image`).
    pub fn new(present: impl IntoIterator<Item = bool>) -> ImageColumns {
        let present: Vec<bool> = present.into_iter().collect();
        let count = present.iter().filter(|p| **p).count();
        ImageColumns { present, count }
    }

    /// Whether table column `column` is in the image.
    pub fn has(&self, column: usize) -> bool {
        self.present.get(column).copied().unwrap_or(false)
    }
}

impl ImageLayout {
    /// The layout of `map`'s tables, with the view's column `i` at table column
    /// `positions[i]`; `None` if a column has a type this decoder does not read.
    pub fn new(map: &TableMapEvent<'_>, positions: &[usize]) -> Option<ImageLayout> {
        let count = usize::try_from(map.columns_count()).ok()?;
        let metadata = OptionalMetaExtractor::new(map.iter_optional_meta()).ok()?;
        let mut signedness = metadata.iter_signedness();
        let mut wires = Vec::with_capacity(count);
        for column in 0..count {
            let column_type = map.get_column_type(column).ok()??;
            // One signedness bit per numeric column, as mysql_common reads them.
            let unsigned = column_type.is_numeric_type() && signedness.next().unwrap_or(false);
            let column_metadata = map.get_column_metadata(column).unwrap_or(&[]);
            wires.push(wire(column_type, column_metadata, unsigned)?);
        }
        let mut view_columns = vec![None; count];
        for (view_column, &position) in positions.iter().enumerate() {
            *view_columns.get_mut(position)? = Some(view_column);
        }
        Some(ImageLayout {
            wires,
            positions: positions.to_vec(),
            view_columns,
        })
    }

    /// Whether the images of `image` carry the view's column `view_column`.
    pub fn carries(&self, image: &ImageColumns, view_column: usize) -> bool {
        self.positions
            .get(view_column)
            .is_some_and(|&column| image.has(column))
    }

    /// Decodes the image at the front of `data` and consumes it. The view's columns marked in
    /// `wanted` are converted (`columns` are the view's columns); the others are left NULL.
    /// The caller checks that the wanted columns are in the image.
    pub fn decode(
        &self,
        data: &mut &[u8],
        image: &ImageColumns,
        wanted: &[bool],
        columns: &[ColumnInfo],
    ) -> Result<Vec<Value>, ImageError> {
        let nulls = take(data, image.count.div_ceil(8))?;
        let mut values = Vec::with_capacity(columns.len() + MIRROR_COLUMNS);
        values.resize(columns.len(), Value::Null);
        let mut index = 0;
        for (column, wire) in self.wires.iter().enumerate() {
            if !image.has(column) {
                continue;
            }
            let null = nulls
                .get(index / 8)
                .is_some_and(|byte| byte & (1 << (index % 8)) != 0);
            index += 1;
            if null {
                continue;
            }
            let raw = read(data, *wire)?;
            let Some(view_column) = self.view_columns.get(column).copied().flatten() else {
                continue;
            };
            if wanted.get(view_column) != Some(&true) {
                continue;
            }
            if let (Some(slot), Some(info)) =
                (values.get_mut(view_column), columns.get(view_column))
            {
                *slot = convert(raw, info).map_err(ImageError::Value)?;
            }
        }
        Ok(values)
    }
}

/// A value as read from an image, before conversion.
enum Raw<'a> {
    /// A number or temporal value, as mysql_common gives it.
    Number(MyValue),
    /// String or blob bytes, borrowed from the event.
    Bytes(&'a [u8]),
}

fn convert(raw: Raw<'_>, column: &ColumnInfo) -> Result<Value, String> {
    match raw {
        Raw::Number(number) => from_binlog(&BinlogValue::Value(number), column),
        Raw::Bytes(bytes) => from_binlog_bytes(bytes, column),
    }
}

/// The wire format of a column of `column_type` with table-map `metadata`.
fn wire(column_type: ColumnType, metadata: &[u8], unsigned: bool) -> Option<Wire> {
    use ColumnType::*;
    let int = |width| Some(Wire::Int { width, unsigned });
    // Strings of up to 255 bytes have a 1-byte length, longer ones 2.
    let counted_up_to = |max_length: usize| {
        Some(Wire::Counted {
            prefix: if max_length < 256 { 1 } else { 2 },
        })
    };
    match column_type {
        MYSQL_TYPE_TINY => int(1),
        MYSQL_TYPE_SHORT => int(2),
        MYSQL_TYPE_INT24 => int(3),
        MYSQL_TYPE_LONG => int(4),
        MYSQL_TYPE_LONGLONG => int(8),
        MYSQL_TYPE_FLOAT => Some(Wire::Float),
        MYSQL_TYPE_DOUBLE => Some(Wire::Double),
        MYSQL_TYPE_VARCHAR | MYSQL_TYPE_VAR_STRING => {
            let max_length = u16::from_le_bytes([*metadata.first()?, *metadata.get(1)?]);
            counted_up_to(usize::from(max_length))
        }
        MYSQL_TYPE_STRING => {
            let (byte0, byte1) = (*metadata.first()?, *metadata.get(1)?);
            // CHAR(n): the real type in byte 0, whose bits 4-5 are inverted bits 8-9 of the
            // maximum length when it exceeds 255 (MySQL bug #37426).
            let max_length = if byte0 == 0 {
                usize::from(u16::from_le_bytes([byte0, byte1]))
            } else if byte0 & 0x30 != 0x30 {
                usize::from(byte1) | (usize::from((byte0 & 0x30) ^ 0x30) << 4)
            } else {
                usize::from(byte1)
            };
            counted_up_to(max_length)
        }
        MYSQL_TYPE_TINY_BLOB
        | MYSQL_TYPE_MEDIUM_BLOB
        | MYSQL_TYPE_LONG_BLOB
        | MYSQL_TYPE_BLOB
        | MYSQL_TYPE_GEOMETRY => match *metadata.first()? {
            prefix @ 1..=4 => Some(Wire::Counted {
                prefix: usize::from(prefix),
            }),
            _ => None,
        },
        MYSQL_TYPE_NEWDATE => Some(Wire::Date),
        MYSQL_TYPE_YEAR => Some(Wire::Year),
        // ENUM and SET are STRING columns with their real type in `metadata[0]`.
        MYSQL_TYPE_ENUM => match *metadata.get(1)? {
            width @ (1 | 2) => Some(Wire::Int {
                width: usize::from(width),
                unsigned: true,
            }),
            _ => None,
        },
        MYSQL_TYPE_SET => Some(Wire::Fixed {
            width: usize::from(*metadata.get(1)?),
        }),
        MYSQL_TYPE_BIT => {
            let bits = usize::from(*metadata.get(1)?) * 8 + usize::from(*metadata.first()?);
            Some(Wire::Fixed {
                width: bits.div_ceil(8),
            })
        }
        MYSQL_TYPE_TIMESTAMP2 => Some(Wire::Timestamp {
            digits: *metadata.first()?,
        }),
        MYSQL_TYPE_DATETIME2 => Some(Wire::DateTime {
            digits: *metadata.first()?,
        }),
        _ => None,
    }
}

/// Reads one non-NULL value.
fn read<'a>(data: &mut &'a [u8], wire: Wire) -> Result<Raw<'a>, ImageError> {
    Ok(match wire {
        Wire::Int { width, unsigned } => {
            Raw::Number(integer(little_endian(take(data, width)?), width, unsigned))
        }
        Wire::Float => {
            let bits = little_endian(take(data, 4)?) as u32;
            Raw::Number(MyValue::Float(f32::from_bits(bits)))
        }
        Wire::Double => Raw::Number(MyValue::Double(f64::from_bits(little_endian(take(
            data, 8,
        )?)))),
        Wire::Counted { prefix } => {
            let length = usize::try_from(little_endian(take(data, prefix)?))
                .map_err(|_| ImageError::Truncated)?;
            Raw::Bytes(take(data, length)?)
        }
        Wire::Fixed { width } => Raw::Number(MyValue::Bytes(take(data, width)?.to_vec())),
        Wire::Year => {
            // mysql_common's text of the year: 1900 + the byte.
            let year = 1900 + u32::from(take(data, 1)?[0]);
            Raw::Number(MyValue::Bytes(year.to_string().into_bytes()))
        }
        Wire::Date => {
            let packed = little_endian(take(data, 3)?);
            let (day, month, year) = (packed & 31, (packed >> 5) & 15, packed >> 9);
            Raw::Number(MyValue::Date(
                year as u16,
                month as u8,
                day as u8,
                0,
                0,
                0,
                0,
            ))
        }
        Wire::Timestamp { digits } => {
            let seconds = big_endian(take(data, 4)?) as u32 as i32;
            let micros = fraction(data, digits)?;
            // mysql_common's text: "seconds" or "seconds.micros".
            let text = if micros == 0 {
                seconds.to_string()
            } else {
                format!("{seconds}.{micros:06}")
            };
            Raw::Number(MyValue::Bytes(text.into_bytes()))
        }
        Wire::DateTime { digits } => {
            let whole = big_endian(take(data, 5)?) as i64 - 0x80_0000_0000;
            let packed = ((whole as u64) << 24) as i64;
            let packed = match digits {
                1..=6 => packed.wrapping_add(fraction(data, digits)?),
                _ => packed,
            };
            Raw::Number(unpack_datetime(packed))
        }
    })
}

/// The fraction of a TIMESTAMP2 or DATETIME2 of `digits` digits, in microseconds.
fn fraction(data: &mut &[u8], digits: u8) -> Result<i64, ImageError> {
    let (width, scale) = match digits {
        1 | 2 => (1, 10_000),
        3 | 4 => (2, 100),
        5 | 6 => (3, 1),
        _ => return Ok(0),
    };
    // Signed, big-endian: sign-extend from the width.
    let shift = 64 - 8 * width as u32;
    let value = ((big_endian(take(data, width)?) << shift) as i64) >> shift;
    Ok(value * scale)
}

/// A packed DATETIME2 (`(year * 13 + month) << 22 | day << 17 | hour << 12 | minute << 6 |
/// second`, shifted 24 bits, plus microseconds) as mysql_common unpacks it.
fn unpack_datetime(packed: i64) -> MyValue {
    let packed = packed.wrapping_abs();
    let micros = packed % (1 << 24);
    let whole = packed >> 24;
    let (date, time) = (whole >> 17, whole % (1 << 17));
    let (year_month, day) = (date >> 5, date % (1 << 5));
    let (year, month) = (year_month / 13, year_month % 13);
    let (hour, minute, second) = (time >> 12, (time >> 6) % (1 << 6), time % (1 << 6));
    MyValue::Date(
        year as u32 as u16,
        month as u8,
        day as u8,
        hour as u32 as u8,
        minute as u8,
        second as u8,
        micros as u32,
    )
}

/// The integer mysql_common gives for `raw`, the zero-extended bytes of a `width`-byte column:
/// signed values of 1, 2 and 4 bytes sign-extended, 3-byte values never (`from_binlog`
/// sign-extends them from the column's width), unsigned 8-byte values above `i64::MAX` as
/// `UInt`.
fn integer(raw: u64, width: usize, unsigned: bool) -> MyValue {
    match width {
        8 if unsigned && raw > i64::MAX as u64 => MyValue::UInt(raw),
        8 | 3 => MyValue::Int(raw as i64),
        _ if unsigned => MyValue::Int(raw as i64),
        _ => {
            let shift = 64 - 8 * width as u32;
            MyValue::Int(((raw << shift) as i64) >> shift)
        }
    }
}

/// A big-endian unsigned integer of up to 8 bytes.
fn big_endian(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0u64, |n, &byte| (n << 8) | u64::from(byte))
}

/// A little-endian unsigned integer of up to 8 bytes.
fn little_endian(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .rev()
        .fold(0u64, |n, &byte| (n << 8) | u64::from(byte))
}

/// The first `n` bytes of `data`, consumed.
fn take<'a>(data: &mut &'a [u8], n: usize) -> Result<&'a [u8], ImageError> {
    if data.len() < n {
        return Err(ImageError::Truncated);
    }
    let (head, rest) = data.split_at(n);
    *data = rest;
    Ok(head)
}

#[cfg(test)]
#[path = "row_image_tests.rs"]
mod tests;

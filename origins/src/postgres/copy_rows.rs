//! The rows of a snapshot's `COPY (SELECT xmin, ...) TO STDOUT (FORMAT binary)`, decoded from
//! the CopyData payloads as they arrive. Types whose binary form is exact and simple (booleans,
//! integers, floats, uuid, bytea) are read binary; string types travel as their text; every
//! other type is cast to text in the query, so it reads exactly as PostgreSQL prints it.

use std::sync::Arc;

use tether_engine::sync::SnapshotRow;
use tether_engine::types::DataType;
use tether_engine::Value;

use super::error::PgError;
use super::types::value_from_text;

/// The binary COPY signature that starts the data.
const SIGNATURE: &[u8] = b"PGCOPY\n\xff\r\n\0";

/// How one column travels in the snapshot's COPY.
#[derive(Debug, Clone, PartialEq)]
pub enum CopyColumn {
    Bool,
    Int16,
    Int32,
    Int64,
    Float32,
    Float64,
    Uuid,
    Bytea,
    /// Text, read with the column's type (string types as they are, others cast to text).
    Text(DataType),
}

impl CopyColumn {
    /// How a column of PostgreSQL type `type_name` (`format_type`) mirrored as `data_type`
    /// travels, and whether the query must cast it to text.
    pub fn of(type_name: &str, data_type: &DataType) -> (CopyColumn, bool) {
        let binary = match (type_name, data_type) {
            ("boolean", DataType::Bool) => Some(CopyColumn::Bool),
            ("smallint", DataType::Int16) => Some(CopyColumn::Int16),
            ("integer", DataType::Int32) => Some(CopyColumn::Int32),
            ("bigint", DataType::Int64) => Some(CopyColumn::Int64),
            ("real", DataType::Float32) => Some(CopyColumn::Float32),
            ("double precision", DataType::Float64) => Some(CopyColumn::Float64),
            ("uuid", DataType::Uuid) => Some(CopyColumn::Uuid),
            ("bytea", DataType::Bytea) => Some(CopyColumn::Bytea),
            // The send functions of text, varchar and char(n) send the string as stored
            // (char(n) blank-padded); a cast to text would strip char(n)'s padding.
            ("text", DataType::Text) => Some(CopyColumn::Text(data_type.clone())),
            (name, DataType::Varchar(_)) if name.starts_with("character varying") => {
                Some(CopyColumn::Text(data_type.clone()))
            }
            (name, DataType::Char(_)) if name.starts_with("character") => {
                Some(CopyColumn::Text(data_type.clone()))
            }
            _ => None,
        };
        match binary {
            Some(column) => (column, false),
            None => (CopyColumn::Text(data_type.clone()), true),
        }
    }

    /// The value of one non-NULL field.
    fn decode(&self, bytes: &[u8]) -> Result<Value, PgError> {
        Ok(match self {
            CopyColumn::Bool => Value::Bool(u8::from_be_bytes(fixed(bytes, self)?) != 0),
            CopyColumn::Int16 => Value::Int16(i16::from_be_bytes(fixed(bytes, self)?)),
            CopyColumn::Int32 => Value::Int32(i32::from_be_bytes(fixed(bytes, self)?)),
            CopyColumn::Int64 => Value::Int64(i64::from_be_bytes(fixed(bytes, self)?)),
            CopyColumn::Float32 => Value::Float32(f32::from_be_bytes(fixed(bytes, self)?)),
            CopyColumn::Float64 => Value::Float64(f64::from_be_bytes(fixed(bytes, self)?)),
            CopyColumn::Uuid => Value::Uuid(uuid::Uuid::from_bytes(fixed(bytes, self)?)),
            CopyColumn::Bytea => Value::Bytea(Arc::from(bytes)),
            CopyColumn::Text(data_type) => {
                let text = std::str::from_utf8(bytes)
                    .map_err(|e| PgError::Decode(format!("COPY text value: {e}")))?;
                value_from_text(Some(text), data_type)?
            }
        })
    }
}

/// A fixed-width binary field.
fn fixed<const N: usize>(bytes: &[u8], column: &CopyColumn) -> Result<[u8; N], PgError> {
    bytes.try_into().map_err(|_| {
        PgError::Decode(format!(
            "COPY field of {column:?} has {} bytes, expected {N}",
            bytes.len()
        ))
    })
}

/// Decodes the payloads of one binary COPY whose first field is `xmin` and the others are
/// `columns`.
#[derive(Debug)]
pub struct CopyRows {
    columns: Vec<CopyColumn>,
    header_seen: bool,
    ended: bool,
    /// The last `xmin` and its text, shared by the rows that have it.
    last_version: Option<(u32, Arc<str>)>,
}

impl CopyRows {
    pub fn new(columns: Vec<CopyColumn>) -> CopyRows {
        CopyRows {
            columns,
            header_seen: false,
            ended: false,
            last_version: None,
        }
    }

    /// Whether the trailer (the end of the data) was read.
    pub fn ended(&self) -> bool {
        self.ended
    }

    /// Decodes one CopyData payload (the header, whole rows, or the trailer) into `out`.
    pub fn payload(&mut self, bytes: &[u8], out: &mut Vec<SnapshotRow>) -> Result<(), PgError> {
        let mut reader = Reader { bytes, at: 0 };
        if !self.header_seen {
            if reader.take(SIGNATURE.len())? != SIGNATURE {
                return Err(PgError::Decode("COPY data has no binary signature".into()));
            }
            let _flags = reader.take(4)?;
            let extension = reader.length()?.unwrap_or(0);
            reader.take(extension)?;
            self.header_seen = true;
        }
        while reader.at < bytes.len() {
            if self.ended {
                return Err(PgError::Decode("COPY data after its trailer".into()));
            }
            let fields = i16::from_be_bytes(fixed_at(&mut reader)?);
            if fields == -1 {
                self.ended = true;
                continue;
            }
            if usize::try_from(fields).ok() != Some(self.columns.len() + 1) {
                return Err(PgError::Decode(format!(
                    "a COPY row has {fields} fields, expected {}",
                    self.columns.len() + 1
                )));
            }
            let version = match reader.field()? {
                None => None,
                Some(xmin) => Some(
                    self.version(u32::from_be_bytes(
                        xmin.try_into()
                            .map_err(|_| PgError::Decode("COPY xmin is not 4 bytes".into()))?,
                    )),
                ),
            };
            let mut values = Vec::with_capacity(self.columns.len() + 2);
            for column in &self.columns {
                values.push(match reader.field()? {
                    None => Value::Null,
                    Some(field) => column.decode(field)?,
                });
            }
            out.push(SnapshotRow {
                values,
                system_version: version,
            });
        }
        Ok(())
    }

    /// The text of `xmin`, shared with the previous row when it is the same.
    fn version(&mut self, xmin: u32) -> Arc<str> {
        match &self.last_version {
            Some((last, text)) if *last == xmin => text.clone(),
            _ => {
                let text: Arc<str> = Arc::from(xmin.to_string());
                self.last_version = Some((xmin, text.clone()));
                text
            }
        }
    }
}

/// Reads big-endian fields from one payload.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], PgError> {
        let end = self.at.checked_add(n);
        let Some(taken) = end.and_then(|end| self.bytes.get(self.at..end)) else {
            return Err(PgError::Decode(
                "a COPY row is cut off at the end of its message".into(),
            ));
        };
        self.at += n;
        Ok(taken)
    }

    /// An Int32 length; `None` for -1 (NULL).
    fn length(&mut self) -> Result<Option<usize>, PgError> {
        let length = i32::from_be_bytes(fixed_at(self)?);
        match length {
            -1 => Ok(None),
            n => usize::try_from(n)
                .map(Some)
                .map_err(|_| PgError::Decode(format!("COPY field length {n}"))),
        }
    }

    /// One field: its bytes, `None` for NULL.
    fn field(&mut self) -> Result<Option<&'a [u8]>, PgError> {
        match self.length()? {
            None => Ok(None),
            Some(n) => self.take(n).map(Some),
        }
    }
}

fn fixed_at<const N: usize>(reader: &mut Reader<'_>) -> Result<[u8; N], PgError> {
    reader
        .take(N)?
        .try_into()
        .map_err(|_| PgError::Decode("COPY integer".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(out: &mut Vec<u8>, bytes: Option<&[u8]>) {
        match bytes {
            None => out.extend_from_slice(&(-1i32).to_be_bytes()),
            Some(b) => {
                out.extend_from_slice(&(b.len() as i32).to_be_bytes());
                out.extend_from_slice(b);
            }
        }
    }

    #[test]
    fn decodes_header_rows_and_trailer() {
        let columns = vec![
            CopyColumn::Int32,
            CopyColumn::Text(DataType::Text),
            CopyColumn::Text(DataType::Numeric {
                precision: None,
                scale: None,
            }),
        ];
        let mut rows = CopyRows::new(columns);
        let mut header = SIGNATURE.to_vec();
        header.extend_from_slice(&0i32.to_be_bytes());
        header.extend_from_slice(&0i32.to_be_bytes());
        let mut out = Vec::new();
        rows.payload(&header, &mut out).unwrap();
        for id in [1i32, 2] {
            let mut row = 4i16.to_be_bytes().to_vec();
            field(&mut row, Some(&7u32.to_be_bytes()));
            field(&mut row, Some(&id.to_be_bytes()));
            field(&mut row, if id == 1 { Some(b"a\tb") } else { None });
            field(&mut row, Some(b"1.50"));
            rows.payload(&row, &mut out).unwrap();
        }
        rows.payload(&(-1i16).to_be_bytes(), &mut out).unwrap();
        assert!(rows.ended());
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].values[0], Value::Int32(1));
        assert_eq!(out[0].values[1], Value::text("a\tb"));
        assert_eq!(out[1].values[1], Value::Null);
        assert_eq!(out[1].values[2].to_string(), "1.50");
        assert_eq!(out[1].system_version.as_deref(), Some("7"));
        assert!(Arc::ptr_eq(
            out[0].system_version.as_ref().unwrap(),
            out[1].system_version.as_ref().unwrap()
        ));
    }

    #[test]
    fn malformed_payloads_are_errors() {
        let mut rows = CopyRows::new(vec![CopyColumn::Int64]);
        let mut out = Vec::new();
        assert!(rows.payload(b"PGCOPY", &mut out).is_err());
        let mut rows = CopyRows::new(vec![CopyColumn::Int64]);
        rows.header_seen = true;
        let mut row = 2i16.to_be_bytes().to_vec();
        field(&mut row, None);
        field(&mut row, Some(&1i32.to_be_bytes()));
        assert!(rows.payload(&row, &mut out).is_err());
        assert!(rows.payload(&[0, 2, 0, 0, 0, 9], &mut out).is_err());
    }

    #[test]
    fn only_exact_binary_forms_are_read_binary() {
        assert_eq!(
            CopyColumn::of("integer", &DataType::Int32),
            (CopyColumn::Int32, false)
        );
        assert_eq!(
            CopyColumn::of("character(3)", &DataType::Char(3)),
            (CopyColumn::Text(DataType::Char(3)), false)
        );
        assert_eq!(
            CopyColumn::of("mood", &DataType::Text),
            (CopyColumn::Text(DataType::Text), true)
        );
        assert_eq!(
            CopyColumn::of("timestamp with time zone", &DataType::TimestampTz),
            (CopyColumn::Text(DataType::TimestampTz), true)
        );
    }
}

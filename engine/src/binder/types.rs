//! Translation of sqlparser's SQL type names into [`DataType`], with serial types recognised.

use sqlparser::ast::{self, CharacterLength, ExactNumberInfo, TimezoneInfo};

use crate::error::{Error, Result};
use crate::types::DataType;

/// A column type as declared: the type, and whether it is SERIAL/BIGSERIAL (an identity).
pub struct DeclaredType {
    pub data_type: DataType,
    pub serial: bool,
}

fn length(len: &Option<CharacterLength>) -> Result<Option<u32>> {
    match len {
        None | Some(CharacterLength::Max) => Ok(None),
        Some(CharacterLength::IntegerLength { length, .. }) => match u32::try_from(*length) {
            Ok(n) if n > 0 => Ok(Some(n)),
            _ => Err(Error::InvalidStatement(format!(
                "length for type must be between 1 and 10485760, not {length}"
            ))),
        },
    }
}

fn numeric(info: &ExactNumberInfo) -> Result<DataType> {
    let (precision, scale) = match info {
        ExactNumberInfo::None => (None, None),
        ExactNumberInfo::Precision(p) => (Some(*p), Some(0)),
        ExactNumberInfo::PrecisionAndScale(p, s) => (Some(*p), Some(*s)),
    };
    if let Some(p) = precision {
        if !(1..=1000).contains(&p) {
            return Err(Error::InvalidStatement(format!(
                "NUMERIC precision {p} must be between 1 and 1000"
            )));
        }
        let s = scale.unwrap_or(0);
        if s < 0 || s as u64 > p {
            return Err(Error::InvalidStatement(format!(
                "NUMERIC scale {s} must be between 0 and precision {p}"
            )));
        }
    }
    Ok(DataType::Numeric {
        precision: precision.map(|p| p as u32),
        scale: scale.map(|s| s.max(0) as u32),
    })
}

/// The tether type for a declared SQL type.
pub fn declared_type(ty: &ast::DataType) -> Result<DeclaredType> {
    use ast::DataType as T;
    let plain = |data_type| {
        Ok(DeclaredType {
            data_type,
            serial: false,
        })
    };
    match ty {
        T::Bool | T::Boolean => plain(DataType::Bool),
        T::SmallInt(_) | T::Int2(_) => plain(DataType::Int16),
        T::Int(_) | T::Integer(_) | T::Int4(_) => plain(DataType::Int32),
        T::BigInt(_) | T::Int8(_) => plain(DataType::Int64),
        T::Real | T::Float4 => plain(DataType::Float32),
        T::DoublePrecision | T::Float8 | T::Double(ExactNumberInfo::None) => {
            plain(DataType::Float64)
        }
        T::Float(ExactNumberInfo::Precision(p)) if *p <= 24 => plain(DataType::Float32),
        T::Float(_) => plain(DataType::Float64),
        T::Numeric(info) | T::Decimal(info) | T::Dec(info) => plain(numeric(info)?),
        T::Text | T::String(None) => plain(DataType::Text),
        T::Varchar(len) | T::CharacterVarying(len) | T::CharVarying(len) => {
            plain(DataType::Varchar(length(len)?))
        }
        T::Char(len) | T::Character(len) => plain(DataType::Char(length(len)?.unwrap_or(1))),
        T::Bytea => plain(DataType::Bytea),
        T::Date => plain(DataType::Date),
        T::Time(_, TimezoneInfo::None | TimezoneInfo::WithoutTimeZone) => plain(DataType::Time),
        T::Timestamp(_, TimezoneInfo::None | TimezoneInfo::WithoutTimeZone) => {
            plain(DataType::Timestamp)
        }
        T::Timestamp(_, TimezoneInfo::WithTimeZone | TimezoneInfo::Tz) => {
            plain(DataType::TimestampTz)
        }
        T::Interval { .. } => plain(DataType::Interval),
        T::Uuid => plain(DataType::Uuid),
        T::JSON => plain(DataType::Json),
        T::JSONB => plain(DataType::Jsonb),
        T::Custom(name, modifiers) if modifiers.is_empty() => {
            let name = name.to_string().to_lowercase();
            match name.as_str() {
                "serial" | "serial4" => Ok(DeclaredType {
                    data_type: DataType::Int32,
                    serial: true,
                }),
                "bigserial" | "serial8" => Ok(DeclaredType {
                    data_type: DataType::Int64,
                    serial: true,
                }),
                "smallserial" | "serial2" => Ok(DeclaredType {
                    data_type: DataType::Int16,
                    serial: true,
                }),
                "timestamptz" => plain(DataType::TimestampTz),
                "float" => plain(DataType::Float64),
                "int" | "integer" => plain(DataType::Int32),
                "bool" => plain(DataType::Bool),
                "varchar" => plain(DataType::Varchar(None)),
                _ => Err(Error::UndefinedObject(format!(
                    "type \"{name}\" does not exist"
                ))),
            }
        }
        other => Err(Error::unsupported(format!("type {other}"))),
    }
}

/// The type of a CAST target (serial types are not types there).
pub fn cast_type(ty: &ast::DataType) -> Result<DataType> {
    let declared = declared_type(ty)?;
    if declared.serial {
        return Err(Error::UndefinedObject(format!(
            "type \"{ty}\" does not exist"
        )));
    }
    Ok(declared.data_type)
}

/// The tether type of a SQL type name as PostgreSQL's `format_type` prints it
/// (`integer`, `character varying(20)`, `numeric(10,2)`, `timestamp with time zone` ...).
pub fn data_type_from_name(name: &str) -> Result<DataType> {
    let dialect = sqlparser::dialect::PostgreSqlDialect {};
    let unsupported = || Error::unsupported(format!("type {name}"));
    let mut parser = sqlparser::parser::Parser::new(&dialect)
        .try_with_sql(name)
        .map_err(|_| unsupported())?;
    let parsed = parser.parse_data_type().map_err(|_| unsupported())?;
    if parser.peek_token().token != sqlparser::tokenizer::Token::EOF {
        return Err(unsupported());
    }
    let declared = declared_type(&parsed)?;
    if declared.serial {
        return Err(unsupported());
    }
    Ok(declared.data_type)
}

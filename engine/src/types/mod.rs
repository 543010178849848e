//! SQL data types and values: the [`DataType`] of a column or expression, the runtime [`Value`],
//! and everything that interprets values — text input/output in PostgreSQL's formats, casts,
//! comparison and hashing, arithmetic, and JSON access.
//!
//! These are the types origin tables are mirrored into, so each must round-trip exactly:
//! `parse_text(format_text(v)) == v` for every value `v`.

mod data_type;
mod numeric;
mod value;

pub mod arith;
pub mod cast;
pub mod compare;
pub mod datetime;
pub mod format;
pub mod json;
pub mod parse;

pub use arith::ArithOp;
pub use cast::CastMode;
pub use data_type::DataType;
pub use datetime::Interval;
pub use value::{FromValue, Value};

/// The type named by SQL text such as `character varying(20)` (what `format_type` prints).
pub fn data_type_from_name(name: &str) -> crate::Result<DataType> {
    crate::binder::data_type_from_name(name)
}

pub use bigdecimal::BigDecimal as Decimal;

//! tether's SQL dialect: turns SQL text into statements.
//!
//! Parsing is done by [`sqlparser`] with the PostgreSQL dialect. This crate owns what tether adds
//! on top: syntax errors that always carry a line and column ([`ParseError`]), and splitting a
//! script into complete statements ([`split`]). Later, tether's own statements (realtime view
//! DDL) are parsed here too, so nothing else in the workspace depends on how they are parsed.

mod error;
mod parse;
pub mod split;

pub use error::ParseError;
pub use parse::{parse, parse_one};
pub use sqlparser::ast;

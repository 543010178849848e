//! Identifier handling: PostgreSQL case folding (unquoted names are lower-cased) and splitting
//! `schema.name` object names.

use sqlparser::ast::{Ident, ObjectName, ObjectNamePart};

use crate::error::{Error, Result};

/// The identifier as PostgreSQL sees it: quoted names keep their case, others are lower-cased.
pub fn ident(ident: &Ident) -> String {
    if ident.quote_style.is_some() {
        ident.value.clone()
    } else {
        ident.value.to_lowercase()
    }
}

/// Splits an object name into (schema, name).
pub fn object_name(name: &ObjectName) -> Result<(Option<String>, String)> {
    let parts: Vec<String> = name
        .0
        .iter()
        .map(|p| match p {
            ObjectNamePart::Identifier(i) => Ok(ident(i)),
            other => Err(Error::unsupported(format!("object name part {other}"))),
        })
        .collect::<Result<_>>()?;
    match parts.as_slice() {
        [name] => Ok((None, name.clone())),
        [schema, name] => Ok((Some(schema.clone()), name.clone())),
        _ => Err(Error::InvalidStatement(format!(
            "improper qualified name (too many dotted names): {name}"
        ))),
    }
}

//! Printing identifiers and object names so that they parse back to the same value.
//!
//! sqlparser's `Display` for a quoted [`Ident`] leaves a `""` inside the name as it is (it takes
//! it for an already escaped quote), so a name holding two quotes in a row would print as a name
//! holding one. tether's own statements print their names through [`QuotedName`], which doubles
//! every quote. (Names inside a view query are printed by sqlparser and keep that limitation.)

use std::fmt;

use sqlparser::ast::{Ident, ObjectName, ObjectNamePart};

/// Displays an [`Ident`] or [`ObjectName`] with every embedded `"` doubled.
pub(crate) struct QuotedName<'a, T>(pub &'a T);

impl fmt::Display for QuotedName<'_, Ident> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.quote_style {
            Some('"') => write!(f, "\"{}\"", self.0.value.replace('"', "\"\"")),
            _ => self.0.fmt(f),
        }
    }
}

impl fmt::Display for QuotedName<'_, ObjectName> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, part) in self.0 .0.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            match part {
                ObjectNamePart::Identifier(ident) => QuotedName(ident).fmt(f)?,
                other => other.fmt(f)?,
            }
        }
        Ok(())
    }
}

/// `items` separated by `, `, each through [`QuotedName`].
pub(crate) fn comma_separated<T>(items: &[T]) -> String
where
    for<'a> QuotedName<'a, T>: fmt::Display,
{
    let printed: Vec<String> = items.iter().map(|i| QuotedName(i).to_string()).collect();
    printed.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_every_quote() {
        let ident = Ident::with_quote('"', "a\"\"b\\\"");
        assert_eq!(QuotedName(&ident).to_string(), "\"a\"\"\"\"b\\\"\"\"");
        let name = ObjectName::from(vec![Ident::new("s"), Ident::with_quote('"', "T")]);
        assert_eq!(QuotedName(&name).to_string(), "s.\"T\"");
    }
}

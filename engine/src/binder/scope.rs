//! [`Scope`]: the columns an expression may reference, with the names and qualifiers they go by.

use crate::error::{Error, Result};
use crate::types::DataType;

/// One column visible to expressions.
#[derive(Debug, Clone)]
pub struct ScopeColumn {
    /// The table name or alias the column can be qualified with.
    pub qualifier: Option<String>,
    pub name: String,
    pub data_type: DataType,
    /// Hidden columns (`xmin`, dropped slots) are found by name but not expanded by `*`.
    pub hidden: bool,
    /// Dropped columns are never found.
    pub dropped: bool,
}

/// The columns of an input row, in row order.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub columns: Vec<ScopeColumn>,
}

impl Scope {
    /// Finds a column by optional qualifier and name.
    pub fn resolve(&self, qualifier: Option<&str>, name: &str) -> Result<(usize, DataType)> {
        let mut found: Option<(usize, &ScopeColumn)> = None;
        for (i, c) in self.columns.iter().enumerate() {
            if c.dropped || c.name != name {
                continue;
            }
            if let Some(q) = qualifier {
                if c.qualifier.as_deref() != Some(q) {
                    continue;
                }
            }
            if found.is_some() {
                return Err(Error::AmbiguousColumn(name.to_string()));
            }
            found = Some((i, c));
        }
        match found {
            Some((i, c)) => Ok((i, c.data_type.clone())),
            None => Err(Error::UndefinedColumn(match qualifier {
                Some(q) => format!("{q}.{name}"),
                None => name.to_string(),
            })),
        }
    }

    /// True if some column has this qualifier.
    pub fn has_qualifier(&self, qualifier: &str) -> bool {
        self.columns
            .iter()
            .any(|c| c.qualifier.as_deref() == Some(qualifier))
    }

    /// Positions of the columns `*` (or `q.*`) expands to.
    pub fn star(&self, qualifier: Option<&str>) -> Vec<usize> {
        self.columns
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                !c.hidden
                    && !c.dropped
                    && qualifier.is_none_or(|q| c.qualifier.as_deref() == Some(q))
            })
            .map(|(i, _)| i)
            .collect()
    }
}

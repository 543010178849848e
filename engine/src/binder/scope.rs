//! [`Scope`]: the columns an expression may reference, with the names and qualifiers they go by,
//! and the enclosing queries' scopes that correlated subqueries may reach into.

use crate::error::{Error, Result};
use crate::types::DataType;

/// One column visible to expressions.
#[derive(Debug, Clone)]
pub struct ScopeColumn {
    /// The table name or alias the column can be qualified with.
    pub qualifier: Option<String>,
    pub name: String,
    pub data_type: DataType,
    /// Hidden columns (`xmin`) are found by name but not expanded by `*`.
    pub hidden: bool,
    /// Dropped columns are never found.
    pub dropped: bool,
    /// The right-hand twin of a `USING`/`NATURAL` join column: found only when qualified, and
    /// not expanded by an unqualified `*`.
    pub merged: bool,
}

impl ScopeColumn {
    /// A plain visible column.
    pub fn new(qualifier: Option<String>, name: impl Into<String>, data_type: DataType) -> Self {
        ScopeColumn {
            qualifier,
            name: name.into(),
            data_type,
            hidden: false,
            dropped: false,
            merged: false,
        }
    }
}

/// The columns of an input row, in row order.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub columns: Vec<ScopeColumn>,
}

impl Scope {
    /// Finds a column by optional qualifier and name.
    pub fn resolve(&self, qualifier: Option<&str>, name: &str) -> Result<(usize, DataType)> {
        match self.find(qualifier, name)? {
            Some((i, c)) => Ok((i, c.data_type.clone())),
            None => Err(Error::UndefinedColumn(match qualifier {
                Some(q) => format!("{q}.{name}"),
                None => name.to_string(),
            })),
        }
    }

    /// Like [`Scope::resolve`], but `Ok(None)` when no column matches.
    pub fn find(
        &self,
        qualifier: Option<&str>,
        name: &str,
    ) -> Result<Option<(usize, &ScopeColumn)>> {
        let mut found: Option<(usize, &ScopeColumn)> = None;
        for (i, c) in self.columns.iter().enumerate() {
            if c.dropped || c.name != name {
                continue;
            }
            match qualifier {
                Some(q) if c.qualifier.as_deref() != Some(q) => continue,
                None if c.merged => continue,
                _ => {}
            }
            if found.is_some() {
                return Err(Error::AmbiguousColumn(name.to_string()));
            }
            found = Some((i, c));
        }
        Ok(found)
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
            .filter(|(_, c)| !c.hidden && !c.dropped)
            .filter(|(_, c)| match qualifier {
                Some(q) => c.qualifier.as_deref() == Some(q),
                None => !c.merged,
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// The scope of a join: this scope's columns, then `right`'s.
    pub fn concat(mut self, right: Scope) -> Scope {
        self.columns.extend(right.columns);
        self
    }

    /// Every column renamed to carry `qualifier` (a derived table's or view's alias).
    pub fn requalified(mut self, qualifier: &str) -> Scope {
        for c in &mut self.columns {
            c.qualifier = Some(qualifier.to_string());
        }
        self
    }
}

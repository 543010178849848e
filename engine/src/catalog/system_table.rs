//! [`SystemTable`]: a read-only relation whose rows are computed when a query reads it
//! (`tether.views`), from state that lives outside the tables.

use std::fmt;

use crate::types::{DataType, Value};

/// The row source of a system table.
pub type SystemRows = Box<dyn Fn() -> Vec<Vec<Value>> + Send + Sync>;

/// A computed, read-only relation.
pub struct SystemTable {
    pub schema: String,
    pub name: String,
    pub columns: Vec<(String, DataType)>,
    pub rows: SystemRows,
}

impl fmt::Debug for SystemTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SystemTable({}.{})", self.schema, self.name)
    }
}

//! [`TableDef`]: the schema of one table — columns, primary key, unique and secondary indexes,
//! CHECK constraints — as the binder and executor see it.
//!
//! Columns keep their *physical* position for life: ADD COLUMN appends a slot (rows written before
//! read the column's `missing` value) and DROP COLUMN only marks the slot dropped, so stored rows
//! are never rewritten by ALTER TABLE.

use crate::expr::Expr;
use crate::types::{DataType, Value};

/// One column of a table.
#[derive(Debug, Clone)]
pub struct ColumnDef {
    pub name: String,
    pub data_type: DataType,
    pub nullable: bool,
    pub default: Option<DefaultValue>,
    pub identity: Option<Identity>,
    /// Value read for rows stored before this column was added.
    pub missing: Value,
    pub dropped: bool,
    /// Hidden columns (a realtime view's `__version` and `__staged`) are found by name but
    /// not expanded by `*`.
    pub hidden: bool,
}

impl ColumnDef {
    /// A column with no default, identity or history: what tether's own tables and views use.
    pub fn plain(name: impl Into<String>, data_type: DataType, nullable: bool) -> ColumnDef {
        ColumnDef {
            name: name.into(),
            data_type,
            nullable,
            default: None,
            identity: None,
            missing: Value::Null,
            dropped: false,
            hidden: false,
        }
    }
}

/// A column DEFAULT: the bound expression and its SQL text (for `\d`).
#[derive(Debug, Clone)]
pub struct DefaultValue {
    pub expr: Expr,
    pub sql: String,
}

/// An identity or serial column: values come from the table's sequence for this column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Identity {
    /// GENERATED ALWAYS: explicit values are refused.
    pub always: bool,
}

/// A unique or non-unique index over columns (physical positions).
#[derive(Debug, Clone)]
pub struct IndexDef {
    pub name: String,
    pub columns: Vec<usize>,
    pub unique: bool,
}

/// A CHECK constraint: bound over the table's physical row.
#[derive(Debug, Clone)]
pub struct CheckDef {
    pub name: String,
    pub expr: Expr,
    pub sql: String,
}

/// The schema of one table.
#[derive(Debug, Clone)]
pub struct TableDef {
    pub schema: String,
    pub name: String,
    /// All physical column slots, including dropped ones.
    pub columns: Vec<ColumnDef>,
    /// Physical positions of the primary key columns; empty = rows keyed by a hidden row id.
    pub primary_key: Vec<usize>,
    pub primary_key_name: Option<String>,
    /// Secondary indexes (unique constraints included), parallel to the stored index data.
    pub indexes: Vec<IndexDef>,
    pub checks: Vec<CheckDef>,
    /// Set when the table is the local mirror of a realtime or materialized view.
    pub mirror: Option<std::sync::Arc<crate::sync::MirrorSpec>>,
}

impl TableDef {
    /// Number of physical column slots (row width in storage and in scans).
    pub fn width(&self) -> usize {
        self.columns.len()
    }

    /// The live (not dropped) columns with their physical positions, in order.
    pub fn visible_columns(&self) -> impl Iterator<Item = (usize, &ColumnDef)> {
        self.columns.iter().enumerate().filter(|(_, c)| !c.dropped)
    }

    /// Physical position of a live column by name.
    pub fn column_position(&self, name: &str) -> Option<usize> {
        self.visible_columns()
            .find(|(_, c)| c.name == name)
            .map(|(i, _)| i)
    }

    /// The value a stored row that predates column `position` has there (NULL by default).
    pub fn missing(&self, position: usize) -> &Value {
        static NULL: Value = Value::Null;
        self.columns.get(position).map_or(&NULL, |c| &c.missing)
    }

    /// Qualified name for messages: `schema.name`, or just `name` in `public`.
    pub fn display_name(&self) -> String {
        if self.schema == "public" {
            self.name.clone()
        } else {
            format!("{}.{}", self.schema, self.name)
        }
    }

    /// Comma-separated column names for the given positions.
    pub fn column_names(&self, positions: &[usize]) -> String {
        positions
            .iter()
            .map(|&p| self.columns.get(p).map_or("?", |c| c.name.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Position of a secondary index by name.
    pub fn index_position(&self, name: &str) -> Option<usize> {
        self.indexes.iter().position(|i| i.name == name)
    }
}

//! Read-only descriptions of the catalog for tools such as the shell's `\d`.

use crate::types::{DataType, Value};

/// The kind of a relation listed by [`crate::Database::list_relations`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelationKind {
    Table,
    View,
    Index,
    /// A system table such as `tether.write_attempts`.
    SystemTable,
    /// A realtime view (a mirror of an origin table kept current by its change stream).
    RealtimeView,
    /// A materialized view (a mirror refreshed by REFRESH).
    MaterializedView,
}

impl RelationKind {
    /// Lower-case name as shown by `\d`.
    pub fn as_str(&self) -> &'static str {
        match self {
            RelationKind::Table => "table",
            RelationKind::View => "view",
            RelationKind::Index => "index",
            RelationKind::SystemTable => "system table",
            RelationKind::RealtimeView => "realtime view",
            RelationKind::MaterializedView => "materialized view",
        }
    }
}

/// One line of `\d`: a relation's schema, name and kind.
#[derive(Debug, Clone, PartialEq)]
pub struct RelationSummary {
    pub schema: String,
    pub name: String,
    pub kind: RelationKind,
}

/// One column of a described relation.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnDescription {
    pub name: String,
    pub data_type: DataType,
    pub nullable: bool,
    /// The DEFAULT expression as SQL text, or the identity description.
    pub default: Option<String>,
}

/// One index or key of a described relation.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexDescription {
    pub name: String,
    pub columns: Vec<String>,
    pub unique: bool,
    pub primary: bool,
}

/// The full description of one relation, for `\d NAME`.
#[derive(Debug, Clone, PartialEq)]
pub struct RelationDescription {
    pub schema: String,
    pub name: String,
    pub kind: RelationKind,
    pub columns: Vec<ColumnDescription>,
    pub indexes: Vec<IndexDescription>,
    /// CHECK constraints as `name: expression`.
    pub checks: Vec<String>,
    /// Extra key/value facts (e.g. a view's definition).
    pub properties: Vec<(String, Value)>,
}

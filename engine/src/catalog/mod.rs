//! The catalog: schemas and the relations in them (tables, plain views), looked up by name.
//!
//! The catalog is not versioned by MVCC: DDL takes effect for every session at once, and a
//! transaction that rolls back undoes its DDL through its catalog undo log. Every change bumps
//! [`Catalog::version`], which invalidates cached plans of prepared statements.

mod system_table;
mod table;
mod table_def;

pub use system_table::SystemTable;
pub use table::{Table, TableId};
pub use table_def::{CheckDef, ColumnDef, DefaultValue, Identity, IndexDef, TableDef};

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::error::{Error, Result};

/// The default schema for unqualified names.
pub const DEFAULT_SCHEMA: &str = "public";

/// A relation in a schema.
#[derive(Debug, Clone)]
pub enum Relation {
    Table(Arc<Table>),
    View(Arc<ViewDef>),
    /// A read-only relation computed when read (`tether.views`).
    System(Arc<SystemTable>),
}

/// A plain view: a stored query, bound again wherever the view is used.
#[derive(Debug, Clone)]
pub struct ViewDef {
    pub schema: String,
    pub name: String,
    /// The defining query's SQL text.
    pub query: String,
    /// Output column names (the query's, or the ones given after the view name), fixed when
    /// the view is created: columns added to a table later do not appear in `SELECT *` views.
    pub columns: Vec<String>,
    /// Output column types, parallel to `columns`.
    pub types: Vec<crate::types::DataType>,
}

/// One schema: named relations.
#[derive(Debug, Clone, Default)]
pub struct Schema {
    pub relations: BTreeMap<String, Relation>,
}

/// All schemas of a database.
#[derive(Debug)]
pub struct Catalog {
    pub schemas: BTreeMap<String, Schema>,
    version: u64,
    next_table_id: TableId,
}

impl Default for Catalog {
    fn default() -> Self {
        let mut schemas = BTreeMap::new();
        schemas.insert(DEFAULT_SCHEMA.to_string(), Schema::default());
        let mut control = Schema::default();
        control.relations.insert(
            crate::sync::attempts::TABLE.to_string(),
            Relation::Table(Arc::new(Table::new(1, crate::sync::attempts::table_def()))),
        );
        schemas.insert(crate::sync::attempts::SCHEMA.to_string(), control);
        Catalog {
            schemas,
            version: 1,
            next_table_id: 2,
        }
    }
}

impl Catalog {
    /// Increases on every change; plans bound at an older version are rebound.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Records that the catalog changed.
    pub fn bump(&mut self) {
        self.version += 1;
    }

    /// A fresh table id.
    pub fn allocate_table_id(&mut self) -> TableId {
        let id = self.next_table_id;
        self.next_table_id += 1;
        id
    }

    /// Looks up a relation; `schema = None` means the default schema.
    pub fn relation(&self, schema: Option<&str>, name: &str) -> Result<&Relation> {
        let schema_name = schema.unwrap_or(DEFAULT_SCHEMA);
        self.schemas
            .get(schema_name)
            .and_then(|s| s.relations.get(name))
            .ok_or_else(|| Error::UndefinedTable(qualified(schema, name)))
    }

    /// Looks up a table; a view of that name is the wrong kind of object (42809).
    pub fn table(&self, schema: Option<&str>, name: &str) -> Result<&Arc<Table>> {
        match self.relation(schema, name)? {
            Relation::Table(t) => Ok(t),
            Relation::View(_) | Relation::System(_) => Err(Error::WrongObjectType(format!(
                "\"{}\" is not a table",
                qualified(schema, name)
            ))),
        }
    }

    /// The schema, or 3F000.
    pub fn schema_mut(&mut self, name: &str) -> Result<&mut Schema> {
        self.schemas
            .get_mut(name)
            .ok_or_else(|| Error::UndefinedSchema(name.to_string()))
    }

    /// Finds the table that owns the index `name` in `schema`.
    pub fn table_of_index(&self, schema: Option<&str>, name: &str) -> Option<Arc<Table>> {
        let schema = self.schemas.get(schema.unwrap_or(DEFAULT_SCHEMA))?;
        schema.relations.values().find_map(|r| match r {
            Relation::Table(t) => t.def().index_position(name).map(|_| t.clone()),
            Relation::View(_) | Relation::System(_) => None,
        })
    }

    /// True if any relation or index in `schema` is called `name`.
    pub fn name_taken(&self, schema: &str, name: &str) -> bool {
        match self.schemas.get(schema) {
            Some(s) => {
                s.relations.contains_key(name) || self.table_of_index(Some(schema), name).is_some()
            }
            None => false,
        }
    }
}

/// `schema.name` for messages; unqualified names print bare.
pub fn qualified(schema: Option<&str>, name: &str) -> String {
    match schema {
        Some(s) => format!("{s}.{name}"),
        None => name.to_string(),
    }
}

//! [`PreparedStatement`]: a statement parsed once, whose bound plan is cached until the catalog
//! changes.

use std::sync::Arc;

use parking_lot::Mutex;
use sqlparser::ast::Statement;

use crate::binder::BoundStatement;
use crate::types::DataType;

/// A bound, planned statement and the catalog version it was bound at.
#[derive(Debug, Clone)]
pub(crate) struct CachedPlan {
    pub catalog_version: u64,
    pub bound: Arc<BoundStatement>,
    pub param_types: Arc<[DataType]>,
}

/// A statement prepared by [`crate::Session::prepare`]; run it with
/// [`crate::Session::execute_prepared`] as often as needed.
#[derive(Debug)]
pub struct PreparedStatement {
    pub(crate) sql: String,
    pub(crate) statement: Statement,
    pub(crate) cache: Mutex<Option<CachedPlan>>,
}

impl PreparedStatement {
    /// The SQL text it was prepared from.
    pub fn sql(&self) -> &str {
        &self.sql
    }
}

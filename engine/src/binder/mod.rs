//! The binder: translates sqlparser statements into [`BoundStatement`]s — names resolved
//! against the catalog, expressions typed, parameters' types inferred. It is the only layer that
//! sees sqlparser types. One file per statement kind.

mod coerce;
mod cte;
mod ddl;
mod dml;
mod expr;
mod from;
mod function;
mod insert;
pub(crate) mod names;
mod scope;
mod select;
mod statement;
mod subquery;
mod types;
mod window;

pub use scope::{Scope, ScopeColumn};
pub use statement::{
    AlterAction, BoundStatement, ConflictAction, DdlStatement, DeletePlan, InsertPlan,
    InsertSource, Returning, TargetRows, TransactionStatement, UpdatePlan,
};
pub use types::data_type_from_name;

use sqlparser::ast::Statement;

use crate::api::Column;
use crate::catalog::{Catalog, TableDef};
use crate::error::{Error, Result};
use crate::planner::Plan;
use crate::types::DataType;

/// Binds statements against one catalog version, collecting parameter types as it goes.
pub struct Binder<'a> {
    catalog: &'a Catalog,
    params: Vec<DataType>,
    /// Common table expressions in scope, innermost last: name, plan, columns.
    ctes: Vec<(String, Plan, Vec<Column>)>,
    /// Scopes of the enclosing queries while binding a subquery, innermost last.
    outer_scopes: Vec<Scope>,
    /// One flag per subquery being bound: set when it reads an enclosing query's column.
    correlated: Vec<bool>,
    next_subquery_id: usize,
    /// How many views are being expanded around the current point.
    view_depth: usize,
    /// The WINDOW clause definitions of the SELECTs being bound, innermost last.
    named_windows: Vec<(String, sqlparser::ast::WindowSpec)>,
}

impl<'a> Binder<'a> {
    /// A binder over `catalog`.
    pub fn new(catalog: &'a Catalog) -> Self {
        Binder {
            catalog,
            params: Vec::new(),
            ctes: Vec::new(),
            outer_scopes: Vec::new(),
            correlated: Vec::new(),
            next_subquery_id: 0,
            view_depth: 0,
            named_windows: Vec::new(),
        }
    }

    /// The inferred type of each `$n` seen (Unknown where context gave none).
    pub fn param_types(&self) -> &[DataType] {
        &self.params
    }

    pub(super) fn note_param(&mut self, index: usize) {
        if self.params.len() <= index {
            self.params.resize(index + 1, DataType::Unknown);
        }
    }

    pub(super) fn param_type(&self, index: usize) -> DataType {
        self.params.get(index).cloned().unwrap_or(DataType::Unknown)
    }

    pub(super) fn set_param_type(&mut self, index: usize, data_type: DataType) {
        self.note_param(index);
        if self.params[index] == DataType::Unknown {
            self.params[index] = data_type;
        }
    }

    /// Binds one statement.
    pub fn bind(&mut self, statement: &Statement) -> Result<BoundStatement> {
        match statement {
            Statement::Query(query) => self.bind_query_statement(query),
            Statement::Insert(insert) => self.bind_insert(insert),
            Statement::Update(update) => self.bind_update(update),
            Statement::Delete(delete) => self.bind_delete(delete),
            Statement::StartTransaction { .. } => {
                Ok(BoundStatement::Transaction(TransactionStatement::Begin))
            }
            Statement::Commit { .. } => {
                Ok(BoundStatement::Transaction(TransactionStatement::Commit))
            }
            Statement::Rollback {
                savepoint: None, ..
            } => Ok(BoundStatement::Transaction(TransactionStatement::Rollback)),
            Statement::Explain { statement, .. } => {
                Ok(BoundStatement::Explain(Box::new(self.bind(statement)?)))
            }
            other => self.bind_ddl(other),
        }
    }

    fn table_scope(def: &TableDef, qualifier: &str) -> Scope {
        let qualifier = Some(qualifier.to_string());
        let mut columns: Vec<ScopeColumn> = def
            .columns
            .iter()
            .map(|c| ScopeColumn {
                dropped: c.dropped,
                hidden: c.hidden,
                ..ScopeColumn::new(qualifier.clone(), &c.name, c.data_type.clone())
            })
            .collect();
        columns.push(ScopeColumn {
            hidden: true,
            ..ScopeColumn::new(qualifier, "xmin", DataType::Int64)
        });
        Scope { columns }
    }
}

/// Error for a statement kind tether does not support.
fn unsupported_statement(statement: &Statement) -> Error {
    let text = statement.to_string();
    let head: String = text
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    Error::unsupported(format!("statement {head}"))
}

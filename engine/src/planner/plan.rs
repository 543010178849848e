//! The plan tree: what the binder produces and the planner refines (access paths), and what
//! the executor runs. Scan rows are the table's physical columns followed by `xmin`.

use std::sync::Arc;

use crate::catalog::{Table, TableDef};
use crate::expr::{AggregateCall, Expr};

/// How a scan reaches its rows.
#[derive(Debug, Clone)]
pub enum AccessPath {
    /// Every row, in primary key order.
    Full,
    /// A range of the primary key.
    Primary(KeyRangeExprs),
    /// A range of secondary index `index` (position in `TableDef::indexes`).
    Index { index: usize, range: KeyRangeExprs },
}

/// A key range whose bounds are expressions evaluated when the scan opens (they may hold
/// parameters): equal values for a prefix of the key columns, then an optional range on the
/// next column.
#[derive(Debug, Clone, Default)]
pub struct KeyRangeExprs {
    pub equal: Vec<Expr>,
    pub lower: Option<(Expr, bool)>,
    pub upper: Option<(Expr, bool)>,
}

/// One ORDER BY key.
#[derive(Debug, Clone)]
pub struct SortKey {
    pub expr: Expr,
    pub descending: bool,
    pub nulls_first: bool,
}

/// A plan node.
#[derive(Debug, Clone)]
pub enum Plan {
    /// Rows of a table visible to the transaction: physical columns, then `xmin`.
    Scan {
        table: Arc<Table>,
        def: Arc<TableDef>,
        access: AccessPath,
    },
    /// Literal rows (`VALUES`, or one empty row for `SELECT` without `FROM`).
    Values {
        rows: Vec<Vec<Expr>>,
    },
    Filter {
        input: Box<Plan>,
        predicate: Expr,
    },
    Project {
        input: Box<Plan>,
        exprs: Vec<Expr>,
    },
    /// Output: the group-by values, then one value per aggregate.
    Aggregate {
        input: Box<Plan>,
        group_by: Vec<Expr>,
        aggregates: Vec<AggregateCall>,
    },
    Sort {
        input: Box<Plan>,
        keys: Vec<SortKey>,
    },
    Limit {
        input: Box<Plan>,
        limit: Option<Expr>,
        offset: Option<Expr>,
    },
    Distinct {
        input: Box<Plan>,
    },
}

impl Plan {
    /// A one-line description of the node for EXPLAIN and debugging.
    pub fn describe(&self) -> String {
        match self {
            Plan::Scan { def, access, .. } => describe_access(def, access),
            Plan::Values { rows } => format!("Values ({} rows)", rows.len()),
            Plan::Filter { .. } => "Filter".into(),
            Plan::Project { .. } => "Project".into(),
            Plan::Aggregate { group_by, .. } => {
                if group_by.is_empty() {
                    "Aggregate".into()
                } else {
                    "HashAggregate".into()
                }
            }
            Plan::Sort { .. } => "Sort".into(),
            Plan::Limit { .. } => "Limit".into(),
            Plan::Distinct { .. } => "Distinct".into(),
        }
    }

    /// The child nodes.
    pub fn children(&self) -> Vec<&Plan> {
        match self {
            Plan::Scan { .. } | Plan::Values { .. } => vec![],
            Plan::Filter { input, .. }
            | Plan::Project { input, .. }
            | Plan::Aggregate { input, .. }
            | Plan::Sort { input, .. }
            | Plan::Limit { input, .. }
            | Plan::Distinct { input } => vec![input],
        }
    }
}

/// How a scan of `def` along `access` is shown by EXPLAIN.
pub fn describe_access(def: &TableDef, access: &AccessPath) -> String {
    match access {
        AccessPath::Full => format!("Seq Scan on {}", def.display_name()),
        AccessPath::Primary(_) => format!(
            "Index Scan using {} on {}",
            def.primary_key_name.as_deref().unwrap_or("primary key"),
            def.display_name()
        ),
        AccessPath::Index { index, .. } => format!(
            "Index Scan using {} on {}",
            def.indexes.get(*index).map_or("?", |i| i.name.as_str()),
            def.display_name()
        ),
    }
}

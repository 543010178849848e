//! The plan tree: what the binder produces and the planner refines (access paths, join
//! algorithms), and what the executor runs. Scan rows are the table's physical columns
//! followed by `xmin`.

use std::sync::Arc;

use crate::catalog::{Table, TableDef};
use crate::expr::{AggregateCall, Expr, WindowCall};

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
/// parameters): equal values for a prefix of the key columns, then an optional range or IN
/// list on the next column.
#[derive(Debug, Clone, Default)]
pub struct KeyRangeExprs {
    pub equal: Vec<Expr>,
    pub lower: Option<(Expr, bool)>,
    pub upper: Option<(Expr, bool)>,
    /// `column IN (...)` on the column after the equal prefix: one point range per value.
    pub in_list: Option<Vec<Expr>>,
}

/// One ORDER BY key.
#[derive(Debug, Clone, PartialEq)]
pub struct SortKey {
    pub expr: Expr,
    pub descending: bool,
    pub nulls_first: bool,
}

/// Which rows a join keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinKind {
    Inner,
    /// Unmatched left rows too, with NULLs on the right.
    Left,
    /// Unmatched right rows too, with NULLs on the left.
    Right,
    /// Unmatched rows of both sides.
    Full,
}

/// How a join finds matching pairs.
#[derive(Debug, Clone)]
pub enum JoinStrategy {
    /// Every left row against every (materialised) right row.
    NestedLoop,
    /// Equi-join: the right side is hashed on `right_keys` (bound over right rows) and probed
    /// with `left_keys` (bound over left rows); the join condition is checked on each pair.
    Hash {
        left_keys: Vec<Expr>,
        right_keys: Vec<Expr>,
    },
    /// For each left row, look the right table up by `left_keys` in its primary key
    /// (`index: None`) or secondary index `index`; the right input is a `Scan` or `Filter(Scan)`.
    IndexLookup {
        left_keys: Vec<Expr>,
        index: Option<usize>,
    },
}

/// A set operation between two queries of the same shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetOpKind {
    Union,
    Intersect,
    Except,
}

/// A plan node.
#[derive(Debug, Clone)]
pub enum Plan {
    /// Rows of a table visible to the transaction: physical columns, then `xmin`.
    Scan {
        table: Arc<Table>,
        def: Arc<TableDef>,
        access: AccessPath,
        /// Which output columns the plan above reads (`None` = all); the others come out NULL,
        /// so the scan copies only what is used.
        columns: Option<Arc<[bool]>>,
    },
    /// The rows of a system table (`tether.views`), computed when the plan runs.
    SystemRows {
        table: Arc<crate::catalog::SystemTable>,
    },
    /// Literal rows (`VALUES`, or one empty row for `SELECT` without `FROM`).
    Values {
        rows: Vec<Vec<Expr>>,
        width: usize,
    },
    /// Pairs of `left` and `right` rows (output: left columns, then right columns).
    Join {
        left: Box<Plan>,
        right: Box<Plan>,
        kind: JoinKind,
        /// The ON condition over the combined row; `None` = every pair matches.
        condition: Option<Expr>,
        strategy: JoinStrategy,
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
        /// Only this many leading rows are needed (LIMIT + OFFSET above): a top-N sort.
        fetch: Option<Expr>,
    },
    Limit {
        input: Box<Plan>,
        limit: Option<Expr>,
        offset: Option<Expr>,
    },
    Distinct {
        input: Box<Plan>,
    },
    /// Output: the input columns, then one value per window function call.
    Window {
        input: Box<Plan>,
        calls: Vec<WindowCall>,
    },
    /// A recursive CTE: the anchor's rows, then the step's rows over and over, each round
    /// reading the previous round's new rows from work table `id`, until a round adds none.
    RecursiveUnion {
        id: usize,
        all: bool,
        anchor: Box<Plan>,
        step: Box<Plan>,
    },
    /// The rows of the current round of recursive CTE `id`.
    WorkTable {
        id: usize,
        width: usize,
    },
    /// UNION / INTERSECT / EXCEPT, with ALL (multiset) or without (set) semantics.
    SetOp {
        kind: SetOpKind,
        all: bool,
        left: Box<Plan>,
        right: Box<Plan>,
    },
}

impl Plan {
    /// A one-line description of the node for EXPLAIN.
    pub fn describe(&self) -> String {
        match self {
            Plan::Scan { def, access, .. } => describe_access(def, access),
            Plan::Values { rows, .. } => format!("Values ({} rows)", rows.len()),
            Plan::SystemRows { table } => format!("System Scan on {}.{}", table.schema, table.name),
            Plan::Join {
                kind,
                strategy,
                right,
                ..
            } => {
                let algorithm = match strategy {
                    JoinStrategy::NestedLoop => "Nested Loop".to_string(),
                    JoinStrategy::Hash { .. } => "Hash Join".to_string(),
                    JoinStrategy::IndexLookup { index, .. } => {
                        format!(
                            "Index Nested Loop using {}",
                            lookup_index_name(right, *index)
                        )
                    }
                };
                match kind {
                    JoinKind::Inner => algorithm,
                    JoinKind::Left => format!("{algorithm} Left"),
                    JoinKind::Right => format!("{algorithm} Right"),
                    JoinKind::Full => format!("{algorithm} Full"),
                }
            }
            Plan::Filter { .. } => "Filter".into(),
            Plan::Project { .. } => "Project".into(),
            Plan::Aggregate { group_by, .. } if group_by.is_empty() => "Aggregate".into(),
            Plan::Aggregate { .. } => "HashAggregate".into(),
            Plan::Sort { fetch: Some(_), .. } => "Sort (top-N)".into(),
            Plan::Sort { .. } => "Sort".into(),
            Plan::Limit { .. } => "Limit".into(),
            Plan::Distinct { .. } => "Distinct".into(),
            Plan::Window { .. } => "WindowAgg".into(),
            Plan::RecursiveUnion { .. } => "Recursive Union".into(),
            Plan::WorkTable { .. } => "WorkTable Scan".into(),
            Plan::SetOp { kind, all, .. } => format!("{kind:?}{}", if *all { " All" } else { "" }),
        }
    }

    /// Number of columns in the node's output rows.
    pub fn width(&self) -> usize {
        match self {
            Plan::Scan { def, .. } => def.width() + 1,
            Plan::Values { width, .. } => *width,
            Plan::SystemRows { table } => table.columns.len(),
            Plan::Join { left, right, .. } => left.width() + right.width(),
            Plan::SetOp { left, .. } => left.width(),
            Plan::RecursiveUnion { anchor, .. } => anchor.width(),
            Plan::WorkTable { width, .. } => *width,
            Plan::Window { input, calls } => input.width() + calls.len(),
            Plan::Project { exprs, .. } => exprs.len(),
            Plan::Aggregate {
                group_by,
                aggregates,
                ..
            } => group_by.len() + aggregates.len(),
            Plan::Filter { input, .. }
            | Plan::Sort { input, .. }
            | Plan::Limit { input, .. }
            | Plan::Distinct { input } => input.width(),
        }
    }

    /// The child nodes.
    pub fn children(&self) -> Vec<&Plan> {
        match self {
            Plan::Scan { .. }
            | Plan::Values { .. }
            | Plan::SystemRows { .. }
            | Plan::WorkTable { .. } => vec![],
            Plan::RecursiveUnion { anchor, step, .. } => vec![anchor, step],
            Plan::Join { left, right, .. } | Plan::SetOp { left, right, .. } => vec![left, right],
            Plan::Filter { input, .. }
            | Plan::Project { input, .. }
            | Plan::Aggregate { input, .. }
            | Plan::Sort { input, .. }
            | Plan::Limit { input, .. }
            | Plan::Distinct { input }
            | Plan::Window { input, .. } => vec![input],
        }
    }
}

/// The name of the key an index nested-loop join looks its right input up in.
fn lookup_index_name(right: &Plan, index: Option<usize>) -> String {
    let scan = match right {
        Plan::Filter { input, .. } => input,
        other => other,
    };
    match (scan, index) {
        (Plan::Scan { def, .. }, None) => def
            .primary_key_name
            .clone()
            .unwrap_or_else(|| "primary key".into()),
        (Plan::Scan { def, .. }, Some(i)) => def
            .indexes
            .get(i)
            .map_or_else(|| "?".into(), |d| d.name.clone()),
        _ => "?".into(),
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

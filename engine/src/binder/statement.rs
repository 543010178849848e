//! [`BoundStatement`]: a statement with every name resolved and every expression typed.

use std::sync::Arc;

use crate::api::Column;
use crate::catalog::{CheckDef, ColumnDef, IndexDef, Table, TableDef, ViewDef};
use crate::expr::Expr;
use crate::planner::{AccessPath, Plan};

/// A bound statement, ready for the planner and executor.
#[derive(Debug, Clone)]
pub enum BoundStatement {
    Query {
        plan: Box<Plan>,
        columns: Arc<[Column]>,
    },
    Insert(Box<InsertPlan>),
    Update(Box<UpdatePlan>),
    Delete(Box<DeletePlan>),
    Ddl(Box<DdlStatement>),
    Transaction(TransactionStatement),
    /// `EXPLAIN query`: the plan, printed.
    Explain(Box<BoundStatement>),
}

/// BEGIN / COMMIT / ROLLBACK.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransactionStatement {
    Begin,
    Commit,
    Rollback,
}

/// `RETURNING` expressions, bound over the written row (physical columns, then `xmin`).
#[derive(Debug, Clone)]
pub struct Returning {
    pub exprs: Vec<Expr>,
    pub columns: Arc<[Column]>,
}

/// Where an INSERT's rows come from: one value per target column.
#[derive(Debug, Clone)]
pub enum InsertSource {
    /// `VALUES` rows; `None` stands for the keyword DEFAULT.
    Values(Vec<Vec<Option<Expr>>>),
    Query(Box<Plan>),
}

/// `ON CONFLICT [target] action`.
#[derive(Debug, Clone)]
pub struct OnConflict {
    /// The constraint (primary key or unique index name) the clause handles; `None` = any.
    pub constraint: Option<String>,
    pub action: ConflictAction,
}

/// What `ON CONFLICT` does with a conflicting row.
#[derive(Debug, Clone)]
pub enum ConflictAction {
    DoNothing,
    /// Assignments and optional WHERE, bound over the existing row (physical columns, `xmin`)
    /// followed by the proposed row (`excluded`, physical columns).
    DoUpdate {
        assignments: Vec<(usize, Expr)>,
        filter: Option<Expr>,
    },
}

/// A bound INSERT.
#[derive(Debug, Clone)]
pub struct InsertPlan {
    pub table: Arc<Table>,
    pub def: Arc<TableDef>,
    /// Physical positions the source's values go to, in source order.
    pub target_columns: Vec<usize>,
    pub source: InsertSource,
    /// `OVERRIDING SYSTEM VALUE` was not given, so GENERATED ALWAYS columns refuse values.
    pub on_conflict: Option<OnConflict>,
    pub returning: Option<Returning>,
}

/// The rows an UPDATE or DELETE changes — the table, how to reach the rows, which rows —
/// and what the statement returns.
#[derive(Debug, Clone)]
pub struct TargetRows {
    pub table: Arc<Table>,
    pub def: Arc<TableDef>,
    pub access: AccessPath,
    pub filter: Option<Expr>,
    pub returning: Option<Returning>,
}

/// A bound UPDATE: the target rows get the assignments.
#[derive(Debug, Clone)]
pub struct UpdatePlan {
    pub target: TargetRows,
    /// (physical position, new value bound over the old row).
    pub assignments: Vec<(usize, Expr)>,
}

/// A bound DELETE.
#[derive(Debug, Clone)]
pub struct DeletePlan {
    pub target: TargetRows,
}

/// A bound DDL statement.
#[derive(Debug, Clone)]
pub enum DdlStatement {
    CreateSchema {
        name: String,
        if_not_exists: bool,
    },
    DropSchema {
        names: Vec<String>,
        if_exists: bool,
        cascade: bool,
    },
    CreateTable {
        def: TableDef,
        if_not_exists: bool,
    },
    DropTable {
        names: Vec<(Option<String>, String)>,
        if_exists: bool,
    },
    CreateIndex {
        table: Arc<Table>,
        index: IndexDef,
        if_not_exists: bool,
    },
    CreateView {
        view: ViewDef,
        or_replace: bool,
    },
    DropView {
        names: Vec<(Option<String>, String)>,
        if_exists: bool,
    },
    DropIndex {
        names: Vec<(Option<String>, String)>,
        if_exists: bool,
    },
    AlterTable {
        table: Arc<Table>,
        action: AlterAction,
    },
}

/// One ALTER TABLE action.
#[derive(Debug, Clone)]
pub enum AlterAction {
    AddColumn {
        column: ColumnDef,
        if_not_exists: bool,
        unique: bool,
        checks: Vec<CheckDef>,
    },
    DropColumn {
        name: String,
        if_exists: bool,
    },
    RenameColumn {
        from: String,
        to: String,
    },
    RenameTable {
        to: String,
    },
}

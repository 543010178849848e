//! [`TetherStatement`]: one statement of tether's dialect — plain SQL as sqlparser parses it, or
//! one of tether's view statements.

use std::fmt;

use sqlparser::ast::Statement;

use crate::alter_view::AlterViewStatement;
use crate::create_view::CreateViewStatement;
use crate::drop_view::DropViewStatement;
use crate::refresh_view::RefreshViewStatement;

/// A parsed statement. Its `Display` prints SQL that parses back to an equal statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TetherStatement {
    /// Any statement sqlparser understands, unchanged — including plain `CREATE VIEW`, plain
    /// `DROP VIEW` (of any kind of view) and other `ALTER VIEW` forms.
    Sql(Box<Statement>),
    /// `CREATE {REALTIME | MATERIALIZED} VIEW ...`.
    CreateView(CreateViewStatement),
    /// `REFRESH [REALTIME | MATERIALIZED] VIEW name`.
    RefreshView(RefreshViewStatement),
    /// `DROP {REALTIME | MATERIALIZED} VIEW ...`.
    DropView(DropViewStatement),
    /// `ALTER [REALTIME | MATERIALIZED] VIEW name {SET | RESET} (...)`.
    AlterView(AlterViewStatement),
}

impl fmt::Display for TetherStatement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TetherStatement::Sql(statement) => statement.fmt(f),
            TetherStatement::CreateView(statement) => statement.fmt(f),
            TetherStatement::RefreshView(statement) => statement.fmt(f),
            TetherStatement::DropView(statement) => statement.fmt(f),
            TetherStatement::AlterView(statement) => statement.fmt(f),
        }
    }
}

//! tether's SQL dialect: turns SQL text into statements.
//!
//! Parsing is done by [`sqlparser`] with the PostgreSQL dialect. This crate owns what tether adds
//! on top: syntax errors that always carry a line and column ([`ParseError`]), splitting a
//! script into complete statements ([`split`]), and tether's own statements — the realtime and
//! materialized view DDL — so nothing else in the workspace depends on how they are parsed.
//!
//! - [`parse`] / [`parse_one`]: plain SQL, sqlparser's statements.
//! - [`parse_tether`] / [`parse_tether_one`]: [`TetherStatement`]s — plain SQL unchanged in
//!   [`TetherStatement::Sql`], or one of [`CreateViewStatement`], [`RefreshViewStatement`],
//!   [`DropViewStatement`], [`AlterViewStatement`].
//!
//! ```
//! use tether_dialect::{parse_tether_one, OriginKind, TetherStatement, WritePolicy};
//!
//! let sql = "CREATE REALTIME VIEW app.users AS SELECT * FROM public.users \
//!            WITH (write_policy = 'local_first', replication_origin = 'postgres:primary')";
//! let TetherStatement::CreateView(view) = parse_tether_one(sql).unwrap() else { panic!() };
//! assert_eq!(view.options.replication_origin.kind, OriginKind::Postgres);
//! assert_eq!(view.options.effective_write_policy(), WritePolicy::LocalFirst);
//! assert_eq!(
//!     view.to_string(),
//!     "CREATE REALTIME VIEW app.users AS SELECT * FROM public.users \
//!      WITH (replication_origin = 'postgres:primary', write_policy = 'local_first')"
//! );
//! ```

mod alter_view;
mod create_view;
mod drop_view;
mod error;
mod names;
mod options;
mod parse;
mod parse_tether;
mod plain_view;
mod refresh_view;
pub mod split;
mod tether_statement;
mod tokens;
mod view_mode;

pub use alter_view::{AlterViewAction, AlterViewStatement};
pub use create_view::CreateViewStatement;
pub use drop_view::DropViewStatement;
pub use error::ParseError;
pub use options::{
    OriginKind, ReplicationOrigin, ViewOptionChanges, ViewOptionName, ViewOptions, WritePolicy,
};
pub use parse::{parse, parse_one};
pub use parse_tether::{parse_tether, parse_tether_one};
pub use refresh_view::RefreshViewStatement;
pub use sqlparser::ast;
pub use tether_statement::TetherStatement;
pub use view_mode::ViewMode;

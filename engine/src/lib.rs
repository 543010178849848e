//! tether-engine: the embedded SQL engine.
//!
//! Layers, each a folder you can read alone (see DESIGN.md):
//! `types` (values and their semantics) -> `catalog` (schemas, tables, indexes) ->
//! `storage` (MVCC row versions and indexes) and `txn` (transactions, snapshots) ->
//! `binder` (sqlparser AST -> bound plan) -> `planner` (index choice) -> `executor` (operators) ->
//! `api` (the public [`Database`] / [`Session`] surface).

mod api;
mod binder;
mod catalog;
mod error;
mod executor;
mod expr;
pub mod functions;
mod planner;
mod storage;
pub mod sync;
mod txn;
pub mod types;

pub use api::*;
pub use error::{Error, Result};
pub use sync::{Origin, SyncEvent, SyncEvents, TetherOrigin, ViewInfo};
pub use types::{DataType, Value};

//! The public embedding API: [`Database`] (an in-memory database shared by any number of
//! threads) and [`Session`] (one connection with its own transaction state).
//!
//! See the `tether` crate documentation for a runnable example.

mod changes;
mod database;
mod describe;
mod prepared;
mod result;
mod session;

pub use changes::{ChangeFollower, ChangeKind, CommittedChanges, TableChange};
pub use database::Database;
pub(crate) use database::Shared;
pub use describe::{
    ColumnDescription, IndexDescription, RelationDescription, RelationKind, RelationSummary,
};
pub use prepared::PreparedStatement;
pub use result::{Column, ColumnIndex, CommandTag, QueryResult, Row};
pub(crate) use session::rollback_transaction;
pub use session::{Session, TransactionStatus};

/// Builds a parameter list: `params![1, "Ada", None::<i64>]` is a `Vec<Value>`.
#[macro_export]
macro_rules! params {
    () => { ::std::vec::Vec::<$crate::Value>::new() };
    ($($value:expr),+ $(,)?) => { ::std::vec![$($crate::Value::from($value)),+] };
}

//! The public embedding API: [`Database`] (an in-memory database shared by any number of
//! threads) and [`Session`] (one connection with its own transaction state).
//!
//! ```
//! # tokio_test_block_on(async {
//! use tether::{Database, Value};
//!
//! let db = Database::open_in_memory();
//! let mut session = db.connect();
//! session.execute("CREATE TABLE users (id INT PRIMARY KEY, name TEXT NOT NULL)", &[]).await?;
//! session.execute("INSERT INTO users VALUES ($1, $2)", &[Value::from(1), Value::from("Ada")]).await?;
//! let rows = session.query("SELECT name FROM users WHERE id = $1", &[Value::from(1)]).await?;
//! assert_eq!(rows[0].get::<String>("name")?, "Ada");
//! # Ok::<(), tether::Error>(())
//! # });
//! # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output {
//! #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
//! # }
//! ```

mod database;
mod describe;
mod prepared;
mod result;
mod session;

pub use database::Database;
pub use describe::{
    ColumnDescription, IndexDescription, RelationDescription, RelationKind, RelationSummary,
};
pub use prepared::PreparedStatement;
pub use result::{Column, ColumnIndex, CommandTag, QueryResult, Row};
pub use session::{Session, TransactionStatus};

/// Builds a parameter list: `params![1, "Ada", None::<i64>]` is a `Vec<Value>`.
#[macro_export]
macro_rules! params {
    () => { ::std::vec::Vec::<$crate::Value>::new() };
    ($($value:expr),+ $(,)?) => { ::std::vec![$($crate::Value::from($value)),+] };
}

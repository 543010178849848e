//! tether: an embedded SQL engine whose tables can be writable realtime views of PostgreSQL and
//! MySQL/MariaDB tables.
//!
//! tether is an in-memory, PostgreSQL-flavoured SQL database with snapshot-isolated transactions
//! that any number of threads can share, whose tables can be realtime views of an origin
//! database (today the in-process [`TetherOrigin`]; see README.md). Open a [`Database`], open a
//! [`Session`] per connection, and run statements with `$1..$n` parameters:
//!
//! ```
//! use tether::{params, Database};
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let db = Database::open_in_memory();
//! let mut session = db.connect();
//! session.execute("CREATE TABLE users (id INT PRIMARY KEY, name TEXT NOT NULL)", &[]).await?;
//! session.execute("INSERT INTO users VALUES ($1, $2)", &params![1, "Ada"]).await?;
//!
//! // Prepare once, run many times: the plan is cached until the schema changes.
//! let by_id = session.prepare("SELECT name FROM users WHERE id = $1")?;
//! let result = session.execute_prepared(&by_id, &params![1]).await?;
//! assert_eq!(result.rows[0].get::<String>("name")?, "Ada");
//!
//! // Failed statements report a PostgreSQL SQLSTATE.
//! let err = session.execute("INSERT INTO users VALUES (1, 'again')", &[]).await.unwrap_err();
//! assert_eq!(err.sqlstate(), "23505");
//! # Ok::<(), tether::Error>(())
//! # }).unwrap();
//! ```
//!
//! Statements are `async` because view DDL talks to origin databases; a statement on local tables
//! (and a write through a view, which the dispatcher sends in the background) never waits on the
//! network.

pub use tether_engine::*;
pub use tether_origins::mysql::MySqlOrigin;
pub use tether_origins::postgres::PostgresOrigin;

/// The code examples of README.md, compiled as doc tests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

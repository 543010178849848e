//! The MySQL / MariaDB origin: ROW-format binlog streaming in (mysql_async's binlog client,
//! with MariaDB's GTID events parsed here), version-column compare-and-set or last-writer-wins
//! out. Tested against MariaDB 10.11; MySQL 8 speaks the same protocol (see `snapshot` for the
//! lock-based consistent start it needs).
//!
//! ```no_run
//! # use std::sync::Arc;
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use tether_origins::mysql::MySqlOrigin;
//! let db = tether_engine::Database::open_in_memory();
//! db.register_origin("mysql:shop", Arc::new(MySqlOrigin::new("mysql://tether:secret@db:3306/shop")?))?;
//! # Ok(()) }
//! ```
//!
//! The origin's user needs `REPLICATION SLAVE` and `REPLICATION CLIENT` (MariaDB: `BINLOG
//! MONITOR`), `SELECT` on the mirrored tables, and `INSERT`, `UPDATE`, `DELETE` for write-back.
//! The server needs `log_bin`, `binlog_format=ROW`, `binlog_row_image=FULL` (and, for column
//! names in table maps, `binlog_row_metadata=FULL`). Each change stream registers as a replica
//! with its own server id: see [`MySqlOrigin::with_server_id_base`].

mod apply;
mod ddl;
mod describe;
mod error;
mod origin;
mod position;
mod row_image;
mod snapshot;
mod stream;
mod types;

pub use error::MySqlError;
pub use origin::MySqlOrigin;
pub use position::BinlogPosition;
/// The next event of a mysql_async binlog stream, without a `futures` extension trait (for
/// tools and benchmarks that read a binlog themselves).
pub use stream::next_binlog_event;

/// The driver this origin uses, for building [`mysql_async::Opts`] for
/// [`MySqlOrigin::from_opts`] (and for tests that talk to the origin directly).
pub use mysql_async as driver;

//! tether: an embedded SQL engine whose tables can be writable realtime views of PostgreSQL and
//! MySQL/MariaDB tables.
//!
//! This facade re-exports the engine's public API; see [`Database`] to get started.

pub use tether_engine::*;

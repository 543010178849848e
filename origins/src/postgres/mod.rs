//! The PostgreSQL origin: logical replication in (a walsender client on `postgres-protocol`
//! and a pgoutput v1 decoder), `xmin` / version-column compare-and-set out (tokio-postgres).

mod apply;
mod apply_group;
mod copy_rows;
mod describe;
mod error;
mod origin;
pub mod pgoutput;
mod pipeline;
mod snapshot;
mod stream;
mod types;
mod wire;

pub use error::PgError;
pub use origin::PostgresOrigin;

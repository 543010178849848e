//! tether-origins: the network origins of realtime views — PostgreSQL (logical replication in,
//! `xmin` / version-column compare-and-set out) and MySQL/MariaDB (ROW binlog in, version-column
//! compare-and-set or last-writer-wins out) — as implementations of `tether_engine::Origin`.

mod connection_pool;
pub mod group_commit;
pub mod mysql;
pub mod postgres;
#[cfg(feature = "testing")]
pub mod testing;

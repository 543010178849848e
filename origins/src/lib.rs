//! tether-origins: the network origins of realtime views — PostgreSQL (logical replication in,
//! `xmin` / version-column compare-and-set out) and, later, MySQL/MariaDB — as implementations of
//! `tether_engine::Origin`.

pub mod postgres;
#[cfg(feature = "testing")]
pub mod testing;

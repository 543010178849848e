//! In-memory MVCC storage of table rows and indexes.
//!
//! A table's rows live in an ordered map from primary key (or hidden row id) to the row's
//! version chain; secondary indexes are ordered sets of `index values ++ primary key`. Versions
//! are shared by `Arc`, so scans hand out references without copying the table, and all
//! lookups are O(log n). Old versions stay until no snapshot can see them.

mod index;
mod key_range;
mod table_data;
mod version;

pub use index::IndexData;
pub use key_range::{KeyBound, KeyRange};
pub use table_data::{ScanBatch, ScanCursor, ScanSink, TableData};
pub use version::{LockFailure, RowVersion};

use crate::types::Value;

/// A row's key in storage: primary key values, or `[row id]` for tables without one.
pub type Key = Box<[Value]>;

#[cfg(test)]
mod tests;

//! [`IndexData`]: a secondary index as an ordered set of `index values ++ primary key` entries.
//!
//! Entries are added for every version written and are not removed when a row changes; a reader
//! follows an entry to the row's visible version and keeps it only if that version still has the
//! entry's index values, so each row is found once, under its current values.

use std::collections::BTreeSet;

use crate::catalog::TableDef;
use crate::types::Value;

/// The entries of one secondary index.
#[derive(Debug, Clone, Default)]
pub struct IndexData {
    pub entries: BTreeSet<Box<[Value]>>,
}

impl IndexData {
    /// Builds the entry for a row: its values at `columns`, then its key.
    pub fn entry(
        def: &TableDef,
        columns: &[usize],
        values: &[Value],
        key: &[Value],
    ) -> Box<[Value]> {
        let mut entry = Vec::with_capacity(columns.len() + key.len());
        for &c in columns {
            entry.push(values.get(c).unwrap_or_else(|| def.missing(c)).clone());
        }
        entry.extend_from_slice(key);
        entry.into_boxed_slice()
    }
}

//! [`TableData`]: a table's version chains keyed by primary key, its secondary indexes, and the
//! write operations that enforce key uniqueness and first-updater-wins under snapshot isolation.

use smallvec::{smallvec, SmallVec};
use std::collections::btree_map::Entry;
use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::Arc;

use super::{IndexData, Key, KeyRange, LockFailure, RowVersion};
use crate::catalog::TableDef;
use crate::error::{Error, Result};
use crate::txn::{Snapshot, TxnId};
use crate::types::Value;

/// Receives the rows a scan step finds, while the table's read lock is held.
pub trait ScanSink {
    /// One visible row: its storage key and version.
    fn accept(&mut self, key: &[Value], version: &Arc<RowVersion>);
    /// How many rows the sink holds (a scan step stops at its chunk size).
    fn count(&self) -> usize;
}

/// A sink keeping row versions, and their keys when the caller asked for them (writers do).
#[derive(Debug, Default)]
pub struct ScanBatch {
    pub versions: Vec<Arc<RowVersion>>,
    pub keys: Option<Vec<Key>>,
}

impl ScanBatch {
    /// An empty batch that records keys if `with_keys`.
    pub fn new(with_keys: bool) -> Self {
        ScanBatch {
            versions: Vec::new(),
            keys: with_keys.then(Vec::new),
        }
    }
}

impl ScanSink for ScanBatch {
    #[inline]
    fn accept(&mut self, key: &[Value], version: &Arc<RowVersion>) {
        self.versions.push(version.clone());
        if let Some(keys) = &mut self.keys {
            keys.push(Key::from(key));
        }
    }

    fn count(&self) -> usize {
        self.versions.len()
    }
}

/// The versions of one row, oldest first. Most rows have one version, kept inline in the map
/// node, so reading a row follows one pointer less.
pub type Chain = SmallVec<[Arc<RowVersion>; 1]>;

/// Where a chunked scan resumes: after this key (primary) or entry (secondary index).
pub type ScanCursor = Option<Box<[Value]>>;

/// Rows and secondary indexes of one table.
#[derive(Debug, Default)]
pub struct TableData {
    pub rows: BTreeMap<Key, Chain>,
    /// Parallel to `TableDef::indexes`.
    pub indexes: Vec<IndexData>,
    next_row_id: i64,
}

/// What writing a key would collide with.
enum Collision {
    None,
    /// A committed row the writer must respect: unique violation.
    Committed,
    /// A row another open transaction is writing: serialization failure.
    InProgress,
}

impl TableData {
    /// Empty data with `index_count` secondary indexes.
    pub fn new(index_count: usize) -> Self {
        TableData {
            rows: BTreeMap::new(),
            indexes: vec![IndexData::default(); index_count],
            next_row_id: 1,
        }
    }

    /// A fresh hidden row id for a table without a primary key.
    pub fn allocate_row_id(&mut self) -> Key {
        let id = self.next_row_id;
        self.next_row_id += 1;
        vec![Value::Int64(id)].into_boxed_slice()
    }

    /// The version of `key` that `snapshot` sees.
    pub fn visible(&self, key: &[Value], snapshot: &Snapshot) -> Option<&Arc<RowVersion>> {
        self.rows
            .get(key)
            .and_then(|chain| visible_in(chain, snapshot))
    }

    /// Inserts a new row version under `key`, enforcing the primary key and unique indexes.
    pub fn insert(
        &mut self,
        def: &TableDef,
        key: Key,
        version: Arc<RowVersion>,
        snapshot: &Snapshot,
    ) -> Result<()> {
        self.check_unique_indexes(def, &version.values, &key, None, snapshot)?;
        // One descent of the row map: check the key's chain and place the version together.
        match self.rows.entry(key) {
            Entry::Occupied(mut slot) => {
                if !def.primary_key.is_empty() {
                    match collision_in_chain(slot.get(), snapshot, |_| true) {
                        Collision::None => {}
                        Collision::Committed => return Err(unique_error(def, None, slot.key())),
                        Collision::InProgress => return Err(Error::SerializationFailure),
                    }
                }
                index_version(&mut self.indexes, def, &version.values, slot.key(), None);
                slot.get_mut().push(version);
            }
            Entry::Vacant(slot) => {
                index_version(&mut self.indexes, def, &version.values, slot.key(), None);
                slot.insert(smallvec![version]);
            }
        }
        Ok(())
    }

    /// Replaces `old` (the version of `old_key` the snapshot sees) with `new` under `new_key`.
    pub fn update(
        &mut self,
        def: &TableDef,
        old_key: &Key,
        old: &Arc<RowVersion>,
        new_key: Key,
        new: Arc<RowVersion>,
        snapshot: &Snapshot,
    ) -> Result<()> {
        lock_version(old, snapshot.txn_id)?;
        let result = self.place_updated(def, old_key, old, new_key, new, snapshot);
        if result.is_err() {
            old.release_delete(snapshot.txn_id);
        }
        result
    }

    fn place_updated(
        &mut self,
        def: &TableDef,
        old_key: &Key,
        old: &Arc<RowVersion>,
        new_key: Key,
        new: Arc<RowVersion>,
        snapshot: &Snapshot,
    ) -> Result<()> {
        if new_key != *old_key {
            self.check_key_free(def, &new_key, snapshot)?;
        }
        self.check_unique_indexes(
            def,
            &new.values,
            &new_key,
            Some((old_key, &old.values)),
            snapshot,
        )?;
        let previous = (new_key == *old_key).then_some(&*old.values);
        index_version(&mut self.indexes, def, &new.values, &new_key, previous);
        self.rows.entry(new_key).or_default().push(new);
        Ok(())
    }

    /// Fails if a row the writer must respect already holds primary key `key`.
    fn check_key_free(&self, def: &TableDef, key: &Key, snapshot: &Snapshot) -> Result<()> {
        let Some(chain) = self.rows.get(key) else {
            return Ok(());
        };
        match collision_in_chain(chain, snapshot, |_| true) {
            Collision::None => Ok(()),
            Collision::Committed => Err(unique_error(def, None, key)),
            Collision::InProgress => Err(Error::SerializationFailure),
        }
    }

    /// Deletes `version` (the one the snapshot sees).
    pub fn delete(&self, version: &Arc<RowVersion>, snapshot: &Snapshot) -> Result<()> {
        lock_version(version, snapshot.txn_id)
    }

    /// Removes a rolled-back version from its chain.
    pub fn remove_version(&mut self, key: &[Value], version: &Arc<RowVersion>) {
        if let Some(chain) = self.rows.get_mut(key) {
            chain.retain(|v| !Arc::ptr_eq(v, version));
            if chain.is_empty() {
                self.rows.remove(key);
            }
        }
    }

    /// Drops the versions of `key` that no snapshot at or after `horizon` can see, their index
    /// entries (unless a remaining version still has the same index values), and the key itself
    /// once no version is left.
    pub fn prune(&mut self, def: &TableDef, key: &[Value], horizon: u64) {
        let Some(chain) = self.rows.get_mut(key) else {
            return;
        };
        if !chain.iter().any(|v| v.is_dead(horizon)) {
            return;
        }
        let (dead, live): (Chain, Chain) = chain.drain(..).partition(|v| v.is_dead(horizon));
        *chain = live;
        let emptied = chain.is_empty();
        for (index_def, data) in def.indexes.iter().zip(self.indexes.iter_mut()) {
            for version in &dead {
                // Same key, so the entry is the same exactly when the index values are.
                let same_values = |v: &RowVersion| {
                    index_def
                        .columns
                        .iter()
                        .all(|&c| v.value(c, def.missing(c)) == version.value(c, def.missing(c)))
                };
                let still_used = self
                    .rows
                    .get(key)
                    .is_some_and(|chain| chain.iter().any(|v| same_values(v)));
                if !still_used {
                    let entry = IndexData::entry(def, &index_def.columns, &version.values, key);
                    data.entries.remove(&entry);
                }
            }
        }
        if emptied {
            self.rows.remove(key);
        }
    }

    /// Adds index entries for every version of every row to a new index.
    pub fn build_index(&self, def: &TableDef, columns: &[usize]) -> IndexData {
        let mut index = IndexData::default();
        for (key, chain) in &self.rows {
            for version in chain {
                index
                    .entries
                    .insert(IndexData::entry(def, columns, &version.values, key));
            }
        }
        index
    }

    /// Fills `out` with up to `max` visible (key, version) pairs of the primary key range,
    /// continuing after `cursor`. Returns the cursor to continue from, `None` when done.
    pub fn scan_primary(
        &self,
        range: &KeyRange,
        cursor: &ScanCursor,
        snapshot: &Snapshot,
        max: usize,
        out: &mut impl ScanSink,
    ) -> ScanCursor {
        let start: Bound<&[Value]> = match (cursor, range.start()) {
            (Some(c), _) => Bound::Excluded(&**c),
            (None, Some(s)) => Bound::Included(s),
            (None, None) => Bound::Unbounded,
        };
        for (key, chain) in self.rows.range::<[Value], _>((start, Bound::Unbounded)) {
            if range.past_upper(key) {
                return None;
            }
            if range.before_lower(key) {
                continue;
            }
            if let Some(version) = visible_in(chain, snapshot) {
                out.accept(key, version);
                if out.count() >= max {
                    return Some(key.clone());
                }
            }
        }
        None
    }

    /// Like [`TableData::scan_primary`] over secondary index `index`: yields each row whose
    /// visible version still has the entry's index values.
    #[allow(clippy::too_many_arguments)]
    pub fn scan_index(
        &self,
        def: &TableDef,
        index: usize,
        range: &KeyRange,
        cursor: &ScanCursor,
        snapshot: &Snapshot,
        max: usize,
        out: &mut impl ScanSink,
    ) -> ScanCursor {
        let (Some(index_def), Some(data)) = (def.indexes.get(index), self.indexes.get(index))
        else {
            return None;
        };
        let width = index_def.columns.len();
        let start: Bound<&[Value]> = match (cursor, range.start()) {
            (Some(c), _) => Bound::Excluded(&**c),
            (None, Some(s)) => Bound::Included(s),
            (None, None) => Bound::Unbounded,
        };
        for entry in data.entries.range::<[Value], _>((start, Bound::Unbounded)) {
            let (values, key) = entry.split_at(width.min(entry.len()));
            if range.past_upper(values) {
                return None;
            }
            if range.before_lower(values) {
                continue;
            }
            let Some(version) = self.visible(key, snapshot) else {
                continue;
            };
            let current = index_def
                .columns
                .iter()
                .map(|&c| version.value(c, def.missing(c)));
            if !current.eq(values.iter()) {
                continue;
            }
            out.accept(key, version);
            if out.count() >= max {
                return Some(entry.clone());
            }
        }
        None
    }

    /// Checks the unique indexes for a row with `values` under `key`. For an update, `previous`
    /// is the old key and values: the row may keep its own index values.
    fn check_unique_indexes(
        &self,
        def: &TableDef,
        values: &[Value],
        key: &[Value],
        previous: Option<(&Key, &[Value])>,
        snapshot: &Snapshot,
    ) -> Result<()> {
        for (index_def, data) in def.indexes.iter().zip(&self.indexes) {
            if !index_def.unique {
                continue;
            }
            let wanted: Vec<&Value> = index_def
                .columns
                .iter()
                .map(|&c| values.get(c).unwrap_or(def.missing(c)))
                .collect();
            if wanted.iter().any(|v| v.is_null()) {
                continue;
            }
            let prefix: Box<[Value]> = wanted.iter().map(|v| (*v).clone()).collect();
            let range = KeyRange::prefix(prefix.clone());
            for entry in data
                .entries
                .range::<[Value], _>((Bound::Included(&*prefix), Bound::Unbounded))
            {
                let (entry_values, entry_key) =
                    entry.split_at(index_def.columns.len().min(entry.len()));
                if range.past_upper(entry_values) {
                    break;
                }
                if entry_key == key || previous.is_some_and(|(old_key, _)| &**old_key == entry_key)
                {
                    continue;
                }
                let Some(chain) = self.rows.get(entry_key) else {
                    continue;
                };
                let has_values = |v: &RowVersion| {
                    index_def
                        .columns
                        .iter()
                        .zip(&wanted)
                        .all(|(&c, w)| v.value(c, def.missing(c)) == *w)
                };
                match collision_in_chain(chain, snapshot, has_values) {
                    Collision::None => {}
                    Collision::Committed => {
                        return Err(unique_error(def, Some(index_def), &prefix));
                    }
                    Collision::InProgress => return Err(Error::SerializationFailure),
                }
            }
        }
        Ok(())
    }
}

/// Adds the index entries of a new version. For an update under the same key, `previous` is
/// the old version's values: an index whose columns did not change already has the entry.
fn index_version(
    indexes: &mut [IndexData],
    def: &TableDef,
    values: &[Value],
    key: &[Value],
    previous: Option<&[Value]>,
) {
    if def.indexes.is_empty() {
        return;
    }
    for (index_def, data) in def.indexes.iter().zip(indexes.iter_mut()) {
        let unchanged = previous.is_some_and(|old| {
            index_def.columns.iter().all(|&c| {
                let default = def.missing(c);
                old.get(c).unwrap_or(default) == values.get(c).unwrap_or(default)
            })
        });
        if !unchanged {
            data.entries
                .insert(IndexData::entry(def, &index_def.columns, values, key));
        }
    }
}

/// The newest version of a chain that `snapshot` sees.
#[inline]
pub fn visible_in<'a>(chain: &'a Chain, snapshot: &Snapshot) -> Option<&'a Arc<RowVersion>> {
    chain.iter().rev().find(|v| v.is_visible(snapshot))
}

/// Whether writing a row that `matches` would collide with a version in `chain`.
fn collision_in_chain(
    chain: &Chain,
    snapshot: &Snapshot,
    matches: impl Fn(&RowVersion) -> bool,
) -> Collision {
    for version in chain.iter().rev() {
        if !matches(version) {
            continue;
        }
        if version.is_visible(snapshot) {
            return Collision::Committed;
        }
        if version.deleted_by(snapshot.txn_id) || !version.is_live_or_pending() {
            continue;
        }
        return if version.is_committed() && version.xmax() == 0 {
            Collision::Committed
        } else {
            Collision::InProgress
        };
    }
    Collision::None
}

fn lock_version(version: &RowVersion, txn: TxnId) -> Result<()> {
    match version.lock_for_delete(txn) {
        Ok(()) => Ok(()),
        Err(LockFailure::Concurrent) => Err(Error::SerializationFailure),
        Err(LockFailure::AlreadyMine) => Err(Error::Internal(
            "row version was already deleted by this transaction".into(),
        )),
    }
}

fn unique_error(
    def: &TableDef,
    index: Option<&crate::catalog::IndexDef>,
    values: &[Value],
) -> Error {
    let (constraint, columns) = match index {
        Some(i) => (i.name.clone(), def.column_names(&i.columns)),
        None => (
            def.primary_key_name
                .clone()
                .unwrap_or_else(|| format!("{}_pkey", def.name)),
            def.column_names(&def.primary_key),
        ),
    };
    let values = values
        .iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    Error::UniqueViolation {
        constraint,
        columns,
        values,
    }
}

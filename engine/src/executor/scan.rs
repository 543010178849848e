//! Table scans: [`ScanSource`] walks a table's primary key or a secondary index in chunks,
//! taking the table's read lock only while it copies out one chunk of version references, and
//! [`ScanOperator`] turns versions into rows (physical columns, then `xmin`).

use std::collections::VecDeque;
use std::sync::Arc;

use super::{EvalContext, Operator, Tuple};
use crate::catalog::{Table, TableDef};
use crate::error::Result;
use crate::planner::{AccessPath, KeyRangeExprs};
use crate::storage::{Key, KeyBound, KeyRange, RowVersion, ScanBatch, ScanCursor};
use crate::txn::Snapshot;
use crate::types::Value;

const CHUNK: usize = 256;

/// Evaluates a key range's bound expressions into the ranges to scan, in key order. A bound
/// that is NULL matches nothing; an IN list becomes one point range per distinct value.
pub fn resolve_ranges(range: &KeyRangeExprs, eval: &EvalContext) -> Result<Vec<KeyRange>> {
    let mut equal = Vec::with_capacity(range.equal.len() + 1);
    for e in &range.equal {
        equal.push(e.eval(&[], eval)?);
    }
    if let Some(list) = &range.in_list {
        let mut values = list
            .iter()
            .map(|e| e.eval(&[], eval))
            .collect::<Result<Vec<_>>>()?;
        values.retain(|v| !v.is_null());
        values.sort();
        values.dedup();
        return Ok(values
            .into_iter()
            .map(|v| {
                let mut key = equal.clone();
                key.push(v);
                KeyRange::prefix(key.into_boxed_slice())
            })
            .filter(|r| !r.is_empty_by_null())
            .collect());
    }
    let bound = |extra: &Option<(crate::expr::Expr, bool)>| -> Result<Option<KeyBound>> {
        match extra {
            Some((e, inclusive)) => {
                let mut values = equal.clone();
                values.push(e.eval(&[], eval)?);
                Ok(Some(KeyBound {
                    values: values.into_boxed_slice(),
                    inclusive: *inclusive,
                }))
            }
            None if equal.is_empty() => Ok(None),
            None => Ok(Some(KeyBound {
                values: equal.clone().into_boxed_slice(),
                inclusive: true,
            })),
        }
    };
    let resolved = KeyRange {
        lower: bound(&range.lower)?,
        upper: bound(&range.upper)?,
    };
    Ok(if resolved.is_empty_by_null() {
        Vec::new()
    } else {
        vec![resolved]
    })
}

/// Produces the visible versions (and, for writers, keys) of a table along an access path.
pub struct ScanSource {
    table: Arc<Table>,
    def: Arc<TableDef>,
    index: Option<usize>,
    /// The ranges still to scan, in order; the first is the current one.
    ranges: VecDeque<KeyRange>,
    cursor: ScanCursor,
    /// The current chunk and how much of it has been handed out.
    batch: ScanBatch,
    position: usize,
}

impl ScanSource {
    /// Opens a scan; the range expressions are evaluated now. `with_keys` makes
    /// [`ScanSource::next`] return each row's storage key too (writers need it).
    pub fn open(
        table: Arc<Table>,
        def: Arc<TableDef>,
        access: &AccessPath,
        eval: &EvalContext,
        with_keys: bool,
    ) -> Result<Self> {
        let (index, ranges) = match access {
            AccessPath::Full => (None, vec![KeyRange::full()]),
            AccessPath::Primary(r) => (None, resolve_ranges(r, eval)?),
            AccessPath::Index { index, range } => (Some(*index), resolve_ranges(range, eval)?),
        };
        Ok(Self::with_ranges(table, def, index, ranges, with_keys))
    }

    /// A scan of the given (already evaluated) ranges of the primary key or index `index`.
    pub fn with_ranges(
        table: Arc<Table>,
        def: Arc<TableDef>,
        index: Option<usize>,
        ranges: Vec<KeyRange>,
        with_keys: bool,
    ) -> Self {
        ScanSource {
            table,
            def,
            index,
            ranges: ranges.into(),
            cursor: None,
            batch: ScanBatch::new(with_keys),
            position: 0,
        }
    }

    /// The next visible row version, with its key if the scan was opened `with_keys`.
    pub fn next(&mut self, snapshot: &Snapshot) -> Option<(Option<Key>, Arc<RowVersion>)> {
        loop {
            if self.position < self.batch.versions.len() {
                let version = self.batch.versions[self.position].clone();
                let key = self
                    .batch
                    .keys
                    .as_mut()
                    .and_then(|k| k.get_mut(self.position).map(std::mem::take));
                self.position += 1;
                return Some((key, version));
            }
            let range = self.ranges.front()?;
            self.batch.clear();
            self.position = 0;
            let data = self.table.data.read();
            let point = match self.index {
                None => range
                    .as_point(self.def.primary_key.len())
                    .filter(|_| !self.def.primary_key.is_empty()),
                Some(_) => None,
            };
            self.cursor = match (point, self.index) {
                (Some(key), _) => {
                    if let Some(version) = data.visible(key, snapshot) {
                        self.batch.push(key, version);
                    }
                    None
                }
                (None, None) => {
                    data.scan_primary(range, &self.cursor, snapshot, CHUNK, &mut self.batch)
                }
                (None, Some(i)) => data.scan_index(
                    &self.def,
                    i,
                    range,
                    &self.cursor,
                    snapshot,
                    CHUNK,
                    &mut self.batch,
                ),
            };
            drop(data);
            if self.cursor.is_none() {
                self.ranges.pop_front();
            }
        }
    }
}

/// Builds a scan row from a version: every physical column (missing ones filled), then `xmin`.
pub fn version_row(def: &TableDef, version: &RowVersion) -> Tuple {
    let mut row = Vec::with_capacity(def.width() + 1);
    for (position, column) in def.columns.iter().enumerate() {
        row.push(version.value(position, &column.missing).clone());
    }
    row.push(Value::Int64(version.xmin as i64));
    row
}

/// The scan operator of a query plan.
pub struct ScanOperator<'p> {
    table: Arc<Table>,
    def: Arc<TableDef>,
    access: &'p AccessPath,
    columns: Option<Arc<[bool]>>,
    source: Option<ScanSource>,
}

impl<'p> ScanOperator<'p> {
    pub fn new(
        table: Arc<Table>,
        def: Arc<TableDef>,
        access: &'p AccessPath,
        columns: Option<Arc<[bool]>>,
    ) -> Self {
        ScanOperator {
            table,
            def,
            access,
            columns,
            source: None,
        }
    }
}

impl Operator for ScanOperator<'_> {
    fn next(&mut self, ctx: &EvalContext) -> Result<Option<Tuple>> {
        if self.source.is_none() {
            self.source = Some(ScanSource::open(
                self.table.clone(),
                self.def.clone(),
                self.access,
                ctx,
                false,
            )?);
        }
        let Some(source) = &mut self.source else {
            return Ok(None);
        };
        Ok(source
            .next(&ctx.snapshot)
            .map(|(_, version)| match &self.columns {
                None => version_row(&self.def, &version),
                Some(used) => pruned_row(&self.def, &version, used),
            }))
    }
}

/// Like [`version_row`], but only the columns marked in `used` are copied; the others are NULL.
fn pruned_row(def: &TableDef, version: &RowVersion, used: &[bool]) -> Tuple {
    let mut row = Vec::with_capacity(def.width() + 1);
    for (position, column) in def.columns.iter().enumerate() {
        row.push(if used.get(position).copied().unwrap_or(true) {
            version.value(position, &column.missing).clone()
        } else {
            Value::Null
        });
    }
    row.push(Value::Int64(version.xmin as i64));
    row
}

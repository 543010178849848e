//! Table scans: [`ScanSource`] walks a table's primary key or a secondary index in chunks,
//! taking the table's read lock only while it copies out one chunk of version references, and
//! [`ScanOperator`] turns versions into rows (physical columns, then `xmin`), or, read through
//! [`Operator::for_each`], lends each version's stored values as the row when the plan above
//! never reads `xmin`. A scan of one whole primary key ([`point_key`]) is a single lookup.

use std::collections::VecDeque;
use std::sync::Arc;

use smallvec::SmallVec;

use super::{pull_each, EvalContext, Operator, RowConsumer, Tuple};
use crate::catalog::{Table, TableDef};
use crate::error::Result;
use crate::planner::{AccessPath, KeyRangeExprs};
use crate::storage::{KeyBound, KeyRange, RowVersion, ScanBatch, ScanCursor, ScanSink};
use crate::txn::Snapshot;
use crate::types::Value;

const CHUNK: usize = 256;

/// The key of a scan that reads at most one row.
pub type PointKey = SmallVec<[Value; 2]>;

/// For a scan with an equality on every primary key column, the key, evaluated without
/// building a range (NULL in it matches nothing, as no key holds NULL); `None` for any other
/// access path.
pub fn point_key(
    access: &AccessPath,
    def: &TableDef,
    eval: &EvalContext,
) -> Result<Option<PointKey>> {
    let AccessPath::Primary(range) = access else {
        return Ok(None);
    };
    let whole_key = !def.primary_key.is_empty()
        && range.equal.len() == def.primary_key.len()
        && range.in_list.is_none()
        && range.lower.is_none()
        && range.upper.is_none();
    if !whole_key {
        return Ok(None);
    }
    range
        .equal
        .iter()
        .map(|e| e.eval(&[], eval))
        .collect::<Result<PointKey>>()
        .map(Some)
}

/// The version of the row under `key` that `snapshot` sees (the read lock is held just for
/// the lookup).
pub fn look_up(table: &Table, key: &[Value], snapshot: &Snapshot) -> Option<Arc<RowVersion>> {
    table.data.read().visible(key, snapshot).cloned()
}

/// Evaluates a key range's bound expressions into the ranges to scan, in key order. A bound
/// that is NULL matches nothing; an IN list becomes one point range per distinct value.
pub fn resolve_ranges(range: &KeyRangeExprs, eval: &EvalContext) -> Result<Vec<KeyRange>> {
    let only_equal = range.in_list.is_none() && range.lower.is_none() && range.upper.is_none();
    let mut equal = Vec::with_capacity(range.equal.len() + usize::from(!only_equal));
    for e in &range.equal {
        equal.push(e.eval(&[], eval)?);
    }
    if only_equal {
        // Only equalities (a point or a key prefix): one range, its bounds the values.
        let resolved = match equal.len() {
            0 => KeyRange::full(),
            _ => KeyRange::prefix(equal.into_boxed_slice()),
        };
        return Ok(if resolved.is_empty_by_null() {
            Vec::new()
        } else {
            vec![resolved]
        });
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

/// Walks a table's primary key or an index along its ranges, a chunk at a time, handing what it
/// finds to a [`ScanSink`] while the table's read lock is held for that chunk only.
pub struct ScanSource<S: ScanSink> {
    table: Arc<Table>,
    def: Arc<TableDef>,
    index: Option<usize>,
    /// The ranges still to scan, in order; the first is the current one.
    ranges: VecDeque<KeyRange>,
    cursor: ScanCursor,
    /// Receives each chunk; the consumer empties it between steps.
    pub sink: S,
}

impl<S: ScanSink> ScanSource<S> {
    /// Opens a scan; the range expressions are evaluated now.
    pub fn open(
        table: Arc<Table>,
        def: Arc<TableDef>,
        access: &AccessPath,
        eval: &EvalContext,
        sink: S,
    ) -> Result<Self> {
        let (index, ranges) = match access {
            AccessPath::Full => (None, vec![KeyRange::full()]),
            AccessPath::Primary(r) => (None, resolve_ranges(r, eval)?),
            AccessPath::Index { index, range } => (Some(*index), resolve_ranges(range, eval)?),
        };
        Ok(Self::with_ranges(table, def, index, ranges, sink))
    }

    /// A scan of the given (already evaluated) ranges of the primary key or index `index`.
    pub fn with_ranges(
        table: Arc<Table>,
        def: Arc<TableDef>,
        index: Option<usize>,
        ranges: Vec<KeyRange>,
        sink: S,
    ) -> Self {
        ScanSource {
            table,
            def,
            index,
            ranges: ranges.into(),
            cursor: None,
            sink,
        }
    }

    /// Scans the next chunk into the (empty) sink; false when the scan is finished and nothing
    /// was added.
    pub fn fill(&mut self, snapshot: &Snapshot) -> bool {
        while self.sink.count() == 0 {
            let Some(range) = self.ranges.front() else {
                return false;
            };
            let data = self.table.data.read();
            let point = match self.index {
                None if !self.def.primary_key.is_empty() => {
                    range.as_point(self.def.primary_key.len())
                }
                _ => None,
            };
            self.cursor = match (point, self.index) {
                (Some(key), _) => {
                    if let Some(version) = data.visible(key, snapshot) {
                        self.sink.accept(key, version);
                    }
                    None
                }
                (None, None) => {
                    data.scan_primary(range, &self.cursor, snapshot, CHUNK, &mut self.sink)
                }
                (None, Some(i)) => data.scan_index(
                    &self.def,
                    i,
                    range,
                    &self.cursor,
                    snapshot,
                    CHUNK,
                    &mut self.sink,
                ),
            };
            drop(data);
            if self.cursor.is_none() {
                self.ranges.pop_front();
            }
        }
        true
    }
}

/// A sink that turns each version straight into a scan row (only the `used` columns copied).
pub struct RowSink {
    def: Arc<TableDef>,
    used: Option<Arc<[bool]>>,
    pub rows: VecDeque<Tuple>,
}

impl RowSink {
    pub fn new(def: Arc<TableDef>, used: Option<Arc<[bool]>>) -> Self {
        RowSink {
            def,
            used,
            rows: VecDeque::new(),
        }
    }
}

impl ScanSink for RowSink {
    #[inline]
    fn accept(&mut self, _key: &[Value], version: &Arc<RowVersion>) {
        let mut row = Vec::with_capacity(self.def.width() + 1);
        fill_row(&mut row, &self.def, version, self.used.as_deref());
        self.rows.push_back(row);
    }

    fn count(&self) -> usize {
        self.rows.len()
    }
}

/// Builds a scan row from a version: every physical column (missing ones filled), then `xmin`.
pub fn version_row(def: &TableDef, version: &RowVersion) -> Tuple {
    let mut row = Vec::with_capacity(def.width() + 1);
    fill_row(&mut row, def, version, None);
    row
}

/// The scan operator of a query plan.
pub struct ScanOperator<'p> {
    table: Arc<Table>,
    def: Arc<TableDef>,
    access: &'p AccessPath,
    columns: Option<Arc<[bool]>>,
    source: Option<ScanSource<RowSink>>,
    /// Set once [`Operator::for_each`] has read the whole scan.
    done: bool,
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
            done: false,
        }
    }

    /// True if the plan above never reads `xmin`, so a version's stored values (when it has
    /// every column) can serve as the scan row as they are: the columns it does not read are
    /// not copied anyway.
    fn lends_stored_values(&self) -> bool {
        self.columns
            .as_ref()
            .is_some_and(|used| !used.get(self.def.width()).copied().unwrap_or(true))
    }

    /// The scan row of a version: its stored values when `lend` allows, else a row built in
    /// `scratch`.
    fn row_of<'a>(
        &self,
        version: &'a RowVersion,
        lend: bool,
        scratch: &'a mut Tuple,
    ) -> &'a [Value] {
        if lend && version.values.len() == self.def.width() {
            &version.values
        } else {
            fill_row(scratch, &self.def, version, self.columns.as_deref());
            scratch
        }
    }
}

impl Operator for ScanOperator<'_> {
    fn next(&mut self, ctx: &EvalContext) -> Result<Option<Tuple>> {
        if self.done {
            return Ok(None);
        }
        if self.source.is_none() {
            let sink = RowSink::new(self.def.clone(), self.columns.clone());
            self.source = Some(ScanSource::open(
                self.table.clone(),
                self.def.clone(),
                self.access,
                ctx,
                sink,
            )?);
        }
        let Some(source) = &mut self.source else {
            return Ok(None);
        };
        if source.sink.rows.is_empty() && !source.fill(&ctx.snapshot) {
            return Ok(None);
        }
        Ok(source.sink.rows.pop_front())
    }

    fn for_each(&mut self, ctx: &EvalContext, consume: &mut RowConsumer<'_>) -> Result<()> {
        if self.done || self.source.is_some() {
            return pull_each(self, ctx, consume);
        }
        self.done = true;
        let lend = self.lends_stored_values();
        let mut scratch = Vec::new();
        if let Some(key) = point_key(self.access, &self.def, ctx)? {
            if let Some(version) = look_up(&self.table, &key, &ctx.snapshot) {
                consume(self.row_of(&version, lend, &mut scratch))?;
            }
            return Ok(());
        }
        let mut source = ScanSource::open(
            self.table.clone(),
            self.def.clone(),
            self.access,
            ctx,
            ScanBatch::new(false),
        )?;
        while source.fill(&ctx.snapshot) {
            for version in source.sink.versions.drain(..) {
                if !consume(self.row_of(&version, lend, &mut scratch))? {
                    return Ok(());
                }
            }
        }
        Ok(())
    }
}

/// Refills `row` from a version: the physical columns marked in `used` (all when `None`;
/// the others NULL), then `xmin`.
pub(super) fn fill_row(
    row: &mut Tuple,
    def: &TableDef,
    version: &RowVersion,
    used: Option<&[bool]>,
) {
    row.clear();
    for (position, column) in def.columns.iter().enumerate() {
        let wanted = used.is_none_or(|used| used.get(position).copied().unwrap_or(true));
        row.push(if wanted {
            version.value(position, &column.missing).clone()
        } else {
            Value::Null
        });
    }
    row.push(Value::Int64(version.xmin as i64));
}

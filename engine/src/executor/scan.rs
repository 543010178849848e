//! Table scans: [`ScanSource`] walks a table's primary key or a secondary index in chunks,
//! taking the table's read lock only while it copies out one chunk of version references, and
//! [`ScanOperator`] turns versions into rows (physical columns, then `xmin`).

use std::collections::VecDeque;
use std::sync::Arc;

use super::{EvalContext, Operator, Tuple};
use crate::catalog::{Table, TableDef};
use crate::error::Result;
use crate::planner::{AccessPath, KeyRangeExprs};
use crate::storage::{Key, KeyBound, KeyRange, RowVersion, ScanCursor};
use crate::txn::Snapshot;
use crate::types::Value;

const CHUNK: usize = 256;

/// Evaluates a key range's bound expressions. `None` means the range is empty (a NULL bound).
pub fn resolve_range(range: &KeyRangeExprs, eval: &EvalContext) -> Result<Option<KeyRange>> {
    let mut equal = Vec::with_capacity(range.equal.len() + 1);
    for e in &range.equal {
        equal.push(e.eval(&[], eval)?);
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
        None
    } else {
        Some(resolved)
    })
}

/// Produces the visible (key, version) pairs of a table along an access path.
pub struct ScanSource {
    table: Arc<Table>,
    def: Arc<TableDef>,
    index: Option<usize>,
    range: Option<KeyRange>,
    cursor: ScanCursor,
    done: bool,
    buffer: VecDeque<(Key, Arc<RowVersion>)>,
}

impl ScanSource {
    /// Opens a scan; the range expressions are evaluated now.
    pub fn open(
        table: Arc<Table>,
        def: Arc<TableDef>,
        access: &AccessPath,
        eval: &EvalContext,
    ) -> Result<Self> {
        let (index, range) = match access {
            AccessPath::Full => (None, Some(KeyRange::full())),
            AccessPath::Primary(r) => (None, resolve_range(r, eval)?),
            AccessPath::Index { index, range } => (Some(*index), resolve_range(range, eval)?),
        };
        let done = range.is_none();
        Ok(ScanSource {
            table,
            def,
            index,
            range,
            cursor: None,
            done,
            buffer: VecDeque::new(),
        })
    }

    /// The next visible row version and its key.
    pub fn next(&mut self, snapshot: &Snapshot) -> Option<(Key, Arc<RowVersion>)> {
        loop {
            if let Some(item) = self.buffer.pop_front() {
                return Some(item);
            }
            if self.done {
                return None;
            }
            let Some(range) = &self.range else {
                return None;
            };
            let mut chunk = Vec::with_capacity(CHUNK);
            let data = self.table.data.read();
            self.cursor = match self.index {
                None => data.scan_primary(range, &self.cursor, snapshot, CHUNK, &mut chunk),
                Some(i) => data.scan_index(
                    &self.def,
                    i,
                    range,
                    &self.cursor,
                    snapshot,
                    CHUNK,
                    &mut chunk,
                ),
            };
            drop(data);
            self.done = self.cursor.is_none();
            self.buffer.extend(chunk);
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
    source: Option<ScanSource>,
}

impl<'p> ScanOperator<'p> {
    pub fn new(table: Arc<Table>, def: Arc<TableDef>, access: &'p AccessPath) -> Self {
        ScanOperator {
            table,
            def,
            access,
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
            )?);
        }
        let Some(source) = &mut self.source else {
            return Ok(None);
        };
        Ok(source
            .next(&ctx.snapshot)
            .map(|(_, version)| version_row(&self.def, &version)))
    }
}

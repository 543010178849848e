//! Index nested-loop join: for each left row, the right table is looked up by the join keys in
//! its primary key or a secondary index, and the right input's own filter is applied to what is
//! found. Used for INNER and LEFT joins whose left input is small.

use std::collections::VecDeque;
use std::sync::Arc;

use super::scan::{fill_row, ScanSource};
use super::{EvalContext, Operator, Tuple};
use crate::catalog::{Table, TableDef};
use crate::error::Result;
use crate::expr::{eval_predicate, Expr};
use crate::planner::{JoinKind, Plan};
use crate::storage::{KeyRange, RowVersion, ScanBatch};
use crate::types::Value;

/// Builds the operator; `None` unless `right` is a `Scan` or `Filter(Scan)`.
#[allow(clippy::too_many_arguments)]
pub fn build_index_join<'p>(
    left: Box<dyn Operator + 'p>,
    right: &'p Plan,
    kind: JoinKind,
    condition: Option<&'p Expr>,
    left_keys: &'p [Expr],
    index: Option<usize>,
) -> Option<Box<dyn Operator + 'p>> {
    let (scan, right_filter) = match right {
        Plan::Filter { input, predicate } => (&**input, Some(predicate)),
        other => (other, None),
    };
    let Plan::Scan {
        table,
        def,
        columns,
        ..
    } = scan
    else {
        return None;
    };
    Some(Box::new(IndexJoinOperator {
        left,
        table: table.clone(),
        def: def.clone(),
        columns: columns.clone(),
        index,
        right_filter,
        kind,
        condition,
        left_keys,
        right_width: right.width(),
        pending: VecDeque::new(),
        found: Vec::new(),
        right_row: Vec::new(),
    }))
}

struct IndexJoinOperator<'p> {
    left: Box<dyn Operator + 'p>,
    table: Arc<Table>,
    def: Arc<TableDef>,
    /// The right scan's pruned columns.
    columns: Option<Arc<[bool]>>,
    index: Option<usize>,
    right_filter: Option<&'p Expr>,
    kind: JoinKind,
    condition: Option<&'p Expr>,
    left_keys: &'p [Expr],
    right_width: usize,
    pending: VecDeque<Tuple>,
    /// The versions one probe found (kept for its allocation).
    found: Vec<Arc<RowVersion>>,
    /// The right row being joined (kept for its allocation).
    right_row: Tuple,
}

impl IndexJoinOperator<'_> {
    fn probe(&mut self, left: Tuple, ctx: &EvalContext) -> Result<()> {
        let mut key = Vec::with_capacity(self.left_keys.len());
        for k in self.left_keys {
            key.push(k.eval(&left, ctx)?);
        }
        let mut matched = false;
        if !key.iter().any(Value::is_null) {
            self.look_up(key, ctx);
            let mut found = std::mem::take(&mut self.found);
            for version in found.drain(..) {
                let mut right = std::mem::take(&mut self.right_row);
                fill_row(&mut right, &self.def, &version, self.columns.as_deref());
                let joined = self.join_one(&left, &right, ctx, &mut matched);
                self.right_row = right;
                joined?;
            }
            self.found = found;
        }
        if !matched && self.kind == JoinKind::Left {
            let mut row = left;
            row.extend(std::iter::repeat_n(Value::Null, self.right_width));
            self.pending.push_back(row);
        }
        Ok(())
    }

    /// Puts the visible right versions under `key` into `self.found`: a lookup of the whole
    /// primary key reads its one row directly, anything else scans the key prefix.
    fn look_up(&mut self, key: Vec<Value>, ctx: &EvalContext) {
        if self.index.is_none() && key.len() == self.def.primary_key.len() {
            let data = self.table.data.read();
            if let Some(version) = data.visible(&key, &ctx.snapshot) {
                self.found.push(version.clone());
            }
            return;
        }
        let range = KeyRange::prefix(key.into_boxed_slice());
        let mut source = ScanSource::with_ranges(
            self.table.clone(),
            self.def.clone(),
            self.index,
            vec![range],
            ScanBatch::new(false),
        );
        while source.fill(&ctx.snapshot) {
            self.found.append(&mut source.sink.versions);
        }
    }

    /// Joins `left` with one looked-up right row, if the right filter and the condition accept.
    fn join_one(
        &mut self,
        left: &Tuple,
        right: &[Value],
        ctx: &EvalContext,
        matched: &mut bool,
    ) -> Result<()> {
        if let Some(filter) = self.right_filter {
            if !eval_predicate(filter, right, ctx)? {
                return Ok(());
            }
        }
        let mut row = Vec::with_capacity(left.len() + right.len());
        row.extend_from_slice(left);
        row.extend_from_slice(right);
        if let Some(condition) = self.condition {
            if !eval_predicate(condition, &row, ctx)? {
                return Ok(());
            }
        }
        *matched = true;
        self.pending.push_back(row);
        Ok(())
    }
}

impl Operator for IndexJoinOperator<'_> {
    fn next(&mut self, ctx: &EvalContext) -> Result<Option<Tuple>> {
        loop {
            if let Some(row) = self.pending.pop_front() {
                return Ok(Some(row));
            }
            match self.left.next(ctx)? {
                Some(left) => self.probe(left, ctx)?,
                None => return Ok(None),
            }
        }
    }
}

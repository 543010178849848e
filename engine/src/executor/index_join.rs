//! Index nested-loop join: for each left row, the right table is looked up by the join keys in
//! its primary key or a secondary index, and the right input's own filter is applied to what is
//! found. Used for INNER and LEFT joins whose left input is small.

use std::collections::VecDeque;
use std::sync::Arc;

use super::scan::{RowSink, ScanSource};
use super::{EvalContext, Operator, Tuple};
use crate::catalog::{Table, TableDef};
use crate::error::Result;
use crate::expr::{eval_predicate, Expr};
use crate::planner::{JoinKind, Plan};
use crate::storage::KeyRange;
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
    let Plan::Scan { table, def, .. } = scan else {
        return None;
    };
    Some(Box::new(IndexJoinOperator {
        left,
        table: table.clone(),
        def: def.clone(),
        index,
        right_filter,
        kind,
        condition,
        left_keys,
        right_width: right.width(),
        pending: VecDeque::new(),
    }))
}

struct IndexJoinOperator<'p> {
    left: Box<dyn Operator + 'p>,
    table: Arc<Table>,
    def: Arc<TableDef>,
    index: Option<usize>,
    right_filter: Option<&'p Expr>,
    kind: JoinKind,
    condition: Option<&'p Expr>,
    left_keys: &'p [Expr],
    right_width: usize,
    pending: VecDeque<Tuple>,
}

impl IndexJoinOperator<'_> {
    fn probe(&mut self, left: Tuple, ctx: &EvalContext) -> Result<()> {
        let mut key = Vec::with_capacity(self.left_keys.len());
        for k in self.left_keys {
            key.push(k.eval(&left, ctx)?);
        }
        let mut matched = false;
        if !key.iter().any(Value::is_null) {
            let range = KeyRange::prefix(key.into_boxed_slice());
            let sink = RowSink::new(self.def.clone(), None);
            let mut source = ScanSource::with_ranges(
                self.table.clone(),
                self.def.clone(),
                self.index,
                vec![range],
                sink,
            );
            while source.fill(&ctx.snapshot) {
                for right in std::mem::take(&mut source.sink.rows) {
                    self.join_one(&left, right, ctx, &mut matched)?;
                }
            }
        }
        if !matched && self.kind == JoinKind::Left {
            let mut row = left;
            row.extend(std::iter::repeat_n(Value::Null, self.right_width));
            self.pending.push_back(row);
        }
        Ok(())
    }

    /// Joins `left` with one looked-up right row, if the right filter and the condition accept.
    fn join_one(
        &mut self,
        left: &Tuple,
        right: Tuple,
        ctx: &EvalContext,
        matched: &mut bool,
    ) -> Result<()> {
        if let Some(filter) = self.right_filter {
            if !eval_predicate(filter, &right, ctx)? {
                return Ok(());
            }
        }
        let mut row = left.clone();
        row.extend(right);
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

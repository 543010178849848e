//! Joins: the right input is materialised (and hashed on its keys for an equi-join), then each
//! left row is matched against it. Outer joins pad unmatched rows with NULLs; right and full
//! joins emit the unmatched right rows after the left input is exhausted.

use std::collections::{HashMap, VecDeque};

use super::{EvalContext, Operator, Tuple};
use crate::error::Result;
use crate::expr::{eval_predicate, Expr};
use crate::planner::{JoinKind, JoinStrategy};
use crate::types::Value;

/// Builds the operator for a join node.
pub fn build_join<'p>(
    left: Box<dyn Operator + 'p>,
    right: Box<dyn Operator + 'p>,
    left_width: usize,
    right_width: usize,
    kind: JoinKind,
    condition: Option<&'p Expr>,
    strategy: &'p JoinStrategy,
) -> Box<dyn Operator + 'p> {
    Box::new(JoinOperator {
        left,
        right: Some(right),
        left_width,
        right_width,
        kind,
        condition,
        strategy,
        right_rows: Vec::new(),
        right_matched: Vec::new(),
        hash: None,
        pending: VecDeque::new(),
        left_done: false,
        right_unmatched_done: false,
    })
}

/// Joins a streamed left input with a materialised right input.
struct JoinOperator<'p> {
    left: Box<dyn Operator + 'p>,
    /// Taken when the right side is materialised.
    right: Option<Box<dyn Operator + 'p>>,
    left_width: usize,
    right_width: usize,
    kind: JoinKind,
    condition: Option<&'p Expr>,
    strategy: &'p JoinStrategy,
    right_rows: Vec<Tuple>,
    right_matched: Vec<bool>,
    /// For hash joins: right rows by key values.
    hash: Option<HashMap<Vec<Value>, Vec<usize>>>,
    pending: VecDeque<Tuple>,
    left_done: bool,
    right_unmatched_done: bool,
}

/// Evaluates join keys; `None` if any is NULL (NULL never equals anything).
fn key_of(keys: &[Expr], row: &[Value], ctx: &EvalContext) -> Result<Option<Vec<Value>>> {
    let mut values = Vec::with_capacity(keys.len());
    for key in keys {
        let v = key.eval(row, ctx)?;
        if v.is_null() {
            return Ok(None);
        }
        values.push(v);
    }
    Ok(Some(values))
}

impl JoinOperator<'_> {
    fn materialise_right(&mut self, ctx: &EvalContext) -> Result<()> {
        let Some(mut right) = self.right.take() else {
            return Ok(());
        };
        while let Some(row) = right.next(ctx)? {
            self.right_rows.push(row);
        }
        self.right_matched = vec![false; self.right_rows.len()];
        if let JoinStrategy::Hash { right_keys, .. } = self.strategy {
            let mut hash: HashMap<Vec<Value>, Vec<usize>> =
                HashMap::with_capacity(self.right_rows.len());
            for (i, row) in self.right_rows.iter().enumerate() {
                if let Some(key) = key_of(right_keys, row, ctx)? {
                    hash.entry(key).or_default().push(i);
                }
            }
            self.hash = Some(hash);
        }
        Ok(())
    }

    fn combine(left: &[Value], right: &[Value]) -> Tuple {
        let mut row = Vec::with_capacity(left.len() + right.len());
        row.extend_from_slice(left);
        row.extend_from_slice(right);
        row
    }

    /// Matches one left row, queueing the joined rows.
    fn probe(&mut self, left: Tuple, ctx: &EvalContext) -> Result<()> {
        let candidates: Vec<usize> = match (self.strategy, &self.hash) {
            (JoinStrategy::Hash { left_keys, .. }, Some(hash)) => {
                match key_of(left_keys, &left, ctx)? {
                    Some(key) => hash.get(&key).cloned().unwrap_or_default(),
                    None => Vec::new(),
                }
            }
            _ => (0..self.right_rows.len()).collect(),
        };
        let mut matched = false;
        for i in candidates {
            let row = Self::combine(&left, &self.right_rows[i]);
            let accepted = match self.condition {
                Some(c) => eval_predicate(c, &row, ctx)?,
                None => true,
            };
            if accepted {
                matched = true;
                self.right_matched[i] = true;
                self.pending.push_back(row);
            }
        }
        if !matched && matches!(self.kind, JoinKind::Left | JoinKind::Full) {
            self.pending
                .push_back(Self::combine(&left, &vec![Value::Null; self.right_width]));
        }
        Ok(())
    }
}

impl Operator for JoinOperator<'_> {
    fn next(&mut self, ctx: &EvalContext) -> Result<Option<Tuple>> {
        self.materialise_right(ctx)?;
        loop {
            if let Some(row) = self.pending.pop_front() {
                return Ok(Some(row));
            }
            if !self.left_done {
                match self.left.next(ctx)? {
                    Some(left) => self.probe(left, ctx)?,
                    None => self.left_done = true,
                }
                continue;
            }
            if !self.right_unmatched_done && matches!(self.kind, JoinKind::Right | JoinKind::Full) {
                self.right_unmatched_done = true;
                let nulls = vec![Value::Null; self.left_width];
                for (row, matched) in self.right_rows.iter().zip(&self.right_matched) {
                    if !matched {
                        self.pending.push_back(Self::combine(&nulls, row));
                    }
                }
                continue;
            }
            return Ok(None);
        }
    }
}

//! UNION, INTERSECT and EXCEPT, as sets (duplicates removed) or, with ALL, as multisets.

use std::collections::{HashMap, HashSet};

use super::{EvalContext, Operator, Tuple};
use crate::error::Result;
use crate::planner::SetOpKind;

/// Combines two inputs of the same shape.
pub struct SetOpOperator<'p> {
    kind: SetOpKind,
    all: bool,
    left: Box<dyn Operator + 'p>,
    right: Option<Box<dyn Operator + 'p>>,
    /// UNION: the right input is streamed after the left one.
    left_done: bool,
    /// Rows already produced (set semantics).
    emitted: HashSet<Tuple>,
    /// INTERSECT / EXCEPT: how many times each row occurs in the right input.
    right_counts: Option<HashMap<Tuple, usize>>,
}

impl<'p> SetOpOperator<'p> {
    pub fn new(
        kind: SetOpKind,
        all: bool,
        left: Box<dyn Operator + 'p>,
        right: Box<dyn Operator + 'p>,
    ) -> Self {
        SetOpOperator {
            kind,
            all,
            left,
            right: Some(right),
            left_done: false,
            emitted: HashSet::new(),
            right_counts: None,
        }
    }

    /// True if `row` may be produced under set semantics (first occurrence).
    fn first_time(&mut self, row: &Tuple) -> bool {
        self.all || self.emitted.insert(row.clone())
    }

    fn next_union(&mut self, ctx: &EvalContext) -> Result<Option<Tuple>> {
        loop {
            let row = if !self.left_done {
                match self.left.next(ctx)? {
                    Some(row) => row,
                    None => {
                        self.left_done = true;
                        continue;
                    }
                }
            } else {
                match self.right.as_mut() {
                    Some(right) => match right.next(ctx)? {
                        Some(row) => row,
                        None => return Ok(None),
                    },
                    None => return Ok(None),
                }
            };
            if self.first_time(&row) {
                return Ok(Some(row));
            }
        }
    }

    fn next_filtered(&mut self, ctx: &EvalContext) -> Result<Option<Tuple>> {
        if self.right_counts.is_none() {
            let mut counts: HashMap<Tuple, usize> = HashMap::new();
            if let Some(mut right) = self.right.take() {
                while let Some(row) = right.next(ctx)? {
                    *counts.entry(row).or_default() += 1;
                }
            }
            self.right_counts = Some(counts);
        }
        while let Some(row) = self.left.next(ctx)? {
            let in_right = match self.right_counts.as_mut().and_then(|c| c.get_mut(&row)) {
                Some(count) if *count > 0 => {
                    if self.all {
                        *count -= 1;
                    }
                    true
                }
                _ => false,
            };
            let keep = match self.kind {
                SetOpKind::Intersect => in_right,
                _ => !in_right,
            };
            if keep && self.first_time(&row) {
                return Ok(Some(row));
            }
        }
        Ok(None)
    }
}

impl Operator for SetOpOperator<'_> {
    fn next(&mut self, ctx: &EvalContext) -> Result<Option<Tuple>> {
        match self.kind {
            SetOpKind::Union => self.next_union(ctx),
            SetOpKind::Intersect | SetOpKind::Except => self.next_filtered(ctx),
        }
    }
}

//! Sort: materialises its input and orders it by the sort keys (stable; NULLS FIRST/LAST).

use std::cmp::Ordering;

use super::{EvalContext, Operator, Tuple};
use crate::error::Result;
use crate::planner::SortKey;
use crate::types::Value;

/// ORDER BY.
pub struct SortOperator<'p> {
    input: Box<dyn Operator + 'p>,
    keys: &'p [SortKey],
    sorted: Option<std::vec::IntoIter<Tuple>>,
}

impl<'p> SortOperator<'p> {
    pub fn new(input: Box<dyn Operator + 'p>, keys: &'p [SortKey]) -> Self {
        SortOperator {
            input,
            keys,
            sorted: None,
        }
    }
}

/// Compares two key values under one sort key's direction and NULL placement.
pub fn compare_keys(a: &Value, b: &Value, key: &SortKey) -> Ordering {
    match (a.is_null(), b.is_null()) {
        (true, true) => Ordering::Equal,
        (true, false) => {
            if key.nulls_first {
                Ordering::Less
            } else {
                Ordering::Greater
            }
        }
        (false, true) => {
            if key.nulls_first {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
        (false, false) => {
            let o = a.cmp(b);
            if key.descending {
                o.reverse()
            } else {
                o
            }
        }
    }
}

impl Operator for SortOperator<'_> {
    fn next(&mut self, ctx: &EvalContext) -> Result<Option<Tuple>> {
        if self.sorted.is_none() {
            let mut keyed: Vec<(Vec<Value>, Tuple)> = Vec::new();
            while let Some(row) = self.input.next(ctx)? {
                let key = self
                    .keys
                    .iter()
                    .map(|k| k.expr.eval(&row, ctx))
                    .collect::<Result<Vec<_>>>()?;
                keyed.push((key, row));
            }
            let keys = self.keys;
            keyed.sort_by(|(a, _), (b, _)| {
                for ((x, y), key) in a.iter().zip(b).zip(keys) {
                    match compare_keys(x, y, key) {
                        Ordering::Equal => continue,
                        other => return other,
                    }
                }
                Ordering::Equal
            });
            self.sorted = Some(
                keyed
                    .into_iter()
                    .map(|(_, row)| row)
                    .collect::<Vec<_>>()
                    .into_iter(),
            );
        }
        Ok(self.sorted.as_mut().and_then(Iterator::next))
    }
}

//! Sort: materialises its input and orders it by the sort keys (stable; NULLS FIRST/LAST).
//! With a `fetch` (a LIMIT above), only the first rows are kept while reading: the buffer is
//! cut back to `fetch` rows whenever it doubles, so memory stays O(fetch).

use std::cmp::Ordering;

use super::{EvalContext, Operator, Tuple};
use crate::error::Result;
use crate::expr::Expr;
use crate::planner::SortKey;
use crate::types::Value;

/// ORDER BY, optionally top-N.
pub struct SortOperator<'p> {
    input: Box<dyn Operator + 'p>,
    keys: &'p [SortKey],
    fetch: Option<&'p Expr>,
    sorted: Option<std::vec::IntoIter<Tuple>>,
}

impl<'p> SortOperator<'p> {
    pub fn new(
        input: Box<dyn Operator + 'p>,
        keys: &'p [SortKey],
        fetch: Option<&'p Expr>,
    ) -> Self {
        SortOperator {
            input,
            keys,
            fetch,
            sorted: None,
        }
    }

    fn sort(&self, rows: &mut [(Vec<Value>, Tuple)]) {
        rows.sort_by(|(a, _), (b, _)| compare_rows(a, b, self.keys));
    }

    fn run(&mut self, ctx: &EvalContext) -> Result<Vec<Tuple>> {
        let fetch = match self.fetch {
            Some(e) => e.eval(&[], ctx)?.as_i64().map(|n| n.max(0) as usize),
            None => None,
        };
        let mut keyed: Vec<(Vec<Value>, Tuple)> = Vec::new();
        // Top-N: once the buffer has been cut back to N rows, the N-th key is a bar a new row must
        // beat (strictly: on a tie the earlier row wins, keeping the sort stable).
        let mut bar: Option<Vec<Value>> = None;
        while let Some(row) = self.input.next(ctx)? {
            let key = self
                .keys
                .iter()
                .map(|k| k.expr.eval(&row, ctx))
                .collect::<Result<Vec<_>>>()?;
            if let Some(bar) = &bar {
                if compare_rows(&key, bar, self.keys) != Ordering::Less {
                    continue;
                }
            }
            keyed.push((key, row));
            if let Some(n) = fetch {
                if keyed.len() >= 2 * n.max(64) {
                    self.sort(&mut keyed);
                    keyed.truncate(n);
                    bar = keyed
                        .last()
                        .map(|(k, _)| k.clone())
                        .filter(|_| keyed.len() == n);
                }
            }
        }
        self.sort(&mut keyed);
        if let Some(n) = fetch {
            keyed.truncate(n);
        }
        Ok(keyed.into_iter().map(|(_, row)| row).collect())
    }
}

/// Compares two key values under one sort key's direction and NULL placement.
pub fn compare_keys(a: &Value, b: &Value, key: &SortKey) -> Ordering {
    match (a.is_null(), b.is_null()) {
        (true, true) => Ordering::Equal,
        (true, false) if key.nulls_first => Ordering::Less,
        (true, false) => Ordering::Greater,
        (false, true) if key.nulls_first => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) if key.descending => b.cmp(a),
        (false, false) => a.cmp(b),
    }
}

/// Compares two rows' key vectors key by key.
pub fn compare_rows(a: &[Value], b: &[Value], keys: &[SortKey]) -> Ordering {
    for ((x, y), key) in a.iter().zip(b).zip(keys) {
        match compare_keys(x, y, key) {
            Ordering::Equal => continue,
            other => return other,
        }
    }
    Ordering::Equal
}

impl Operator for SortOperator<'_> {
    fn next(&mut self, ctx: &EvalContext) -> Result<Option<Tuple>> {
        if self.sorted.is_none() {
            let rows = self.run(ctx)?;
            self.sorted = Some(rows.into_iter());
        }
        Ok(self.sorted.as_mut().and_then(Iterator::next))
    }
}

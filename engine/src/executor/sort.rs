//! Sort: materialises its input and orders it by the sort keys (stable; NULLS FIRST/LAST).
//! With a `fetch` (LIMIT plus OFFSET above), only the first `fetch` rows are kept while reading,
//! in a bounded heap ([`TopN`]), so memory stays O(fetch).

use std::cmp::Ordering;

use super::top_n::TopN;
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

    fn run(&mut self, ctx: &EvalContext) -> Result<Vec<Tuple>> {
        let fetch = match self.fetch {
            Some(e) => e.eval(&[], ctx)?.as_i64().map(|n| n.max(0) as usize),
            None => None,
        };
        match fetch {
            Some(n) => self.run_top_n(ctx, n),
            None => self.run_full(ctx),
        }
    }

    /// Sorts the whole input.
    fn run_full(&mut self, ctx: &EvalContext) -> Result<Vec<Tuple>> {
        let keys = self.keys;
        let mut keyed: Vec<(Vec<Value>, Tuple)> = Vec::new();
        self.input.for_each(ctx, &mut |row| {
            let key = keys
                .iter()
                .map(|k| k.expr.eval(row, ctx))
                .collect::<Result<Vec<_>>>()?;
            keyed.push((key, row.to_vec()));
            Ok(true)
        })?;
        keyed.sort_by(|(a, _), (b, _)| compare_rows(a, b, keys));
        Ok(keyed.into_iter().map(|(_, row)| row).collect())
    }

    /// Keeps only the first `fetch` rows of the sorted input in a bounded heap.
    fn run_top_n(&mut self, ctx: &EvalContext, fetch: usize) -> Result<Vec<Tuple>> {
        let keys = self.keys;
        let mut top = TopN::new(keys, fetch);
        let mut key = Vec::with_capacity(keys.len());
        let plain = keys.iter().all(|k| matches!(k.expr, Expr::Column { .. }));
        self.input.for_each(ctx, &mut |row| {
            if let (Some(bar), true) = (top.bar(), plain) {
                // Keys that are plain columns cannot fail, so they are compared in place and
                // only as far as they tie; a row that does not beat the bar is never copied.
                if let Some(ordering) = compare_columns(row, bar, keys) {
                    if ordering != Ordering::Less {
                        return Ok(true);
                    }
                }
            }
            key.clear();
            for k in keys {
                key.push(k.expr.eval(row, ctx)?);
            }
            top.offer(&mut key, row);
            Ok(true)
        })?;
        Ok(top.into_sorted_rows())
    }
}

/// Compares a row's sort key, when every key is a column of the row, with evaluated key values;
/// `None` if a column is missing from the row.
fn compare_columns(row: &[Value], other: &[Value], keys: &[SortKey]) -> Option<Ordering> {
    for (key, theirs) in keys.iter().zip(other) {
        let Expr::Column { index, .. } = key.expr else {
            return None;
        };
        match compare_keys(row.get(index)?, theirs, key) {
            Ordering::Equal => continue,
            decided => return Some(decided),
        }
    }
    Some(Ordering::Equal)
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

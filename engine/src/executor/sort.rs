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

    fn run(&mut self, ctx: &EvalContext) -> Result<Vec<Tuple>> {
        let fetch = match self.fetch {
            Some(e) => e.eval(&[], ctx)?.as_i64().map(|n| n.max(0) as usize),
            None => None,
        };
        let keys = self.keys;
        let mut keyed: Vec<(Vec<Value>, Tuple)> = Vec::new();
        // Top-N: once the buffer has been cut back to N rows, the N-th key is a bar a new row must
        // beat (strictly: on a tie the earlier row wins, keeping the sort stable). A row that does
        // not is rejected on its key alone, before it is copied.
        let mut bar: Option<Vec<Value>> = None;
        let mut key = Vec::with_capacity(keys.len());
        let plain = keys.iter().all(|k| matches!(k.expr, Expr::Column { .. }));
        self.input.for_each(ctx, &mut |row| {
            if let (Some(bar), true) = (&bar, plain) {
                // Keys that are plain columns cannot fail, so they are compared in place and
                // only as far as they tie.
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
            if let Some(bar) = &bar {
                if compare_rows(&key, bar, keys) != Ordering::Less {
                    return Ok(true);
                }
            }
            let row_key = std::mem::replace(&mut key, Vec::with_capacity(keys.len()));
            keyed.push((row_key, row.to_vec()));
            if let Some(n) = fetch {
                if keyed.len() >= 2 * n.max(64) {
                    sort_keyed(&mut keyed, keys);
                    keyed.truncate(n);
                    bar = keyed
                        .last()
                        .map(|(k, _)| k.clone())
                        .filter(|_| keyed.len() == n);
                }
            }
            Ok(true)
        })?;
        sort_keyed(&mut keyed, keys);
        if let Some(n) = fetch {
            keyed.truncate(n);
        }
        Ok(keyed.into_iter().map(|(_, row)| row).collect())
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

/// Sorts rows by their evaluated keys (stable).
fn sort_keyed(rows: &mut [(Vec<Value>, Tuple)], keys: &[SortKey]) {
    rows.sort_by(|(a, _), (b, _)| compare_rows(a, b, keys));
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

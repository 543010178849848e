//! Window functions: materialises the input, orders each call's partitions, and appends one
//! computed column per call. Rows come out in the order of the last call's sort.

use std::cmp::Ordering;
use std::collections::HashMap;

use super::sort::compare_rows;
use super::{EvalContext, Operator, Tuple};
use crate::error::{Error, Result};
use crate::expr::aggregate_state::AggregateState;
use crate::expr::{AggregateCall, FrameBound, WindowCall, WindowFunction};
use crate::types::Value;

/// Computes window function calls over the whole input.
pub struct WindowOperator<'p> {
    input: Box<dyn Operator + 'p>,
    calls: &'p [WindowCall],
    output: Option<std::vec::IntoIter<Tuple>>,
}

impl<'p> WindowOperator<'p> {
    pub fn new(input: Box<dyn Operator + 'p>, calls: &'p [WindowCall]) -> Self {
        WindowOperator {
            input,
            calls,
            output: None,
        }
    }

    fn run(&mut self, ctx: &EvalContext) -> Result<Vec<Tuple>> {
        let mut rows = Vec::new();
        while let Some(row) = self.input.next(ctx)? {
            rows.push(row);
        }
        let mut order: Vec<usize> = (0..rows.len()).collect();
        let mut results: Vec<Vec<Value>> = vec![Vec::with_capacity(self.calls.len()); rows.len()];
        for call in self.calls {
            order = compute_call(call, &rows, &mut results, ctx)?;
        }
        Ok(order
            .into_iter()
            .map(|i| {
                let mut row = std::mem::take(&mut rows[i]);
                row.append(&mut results[i]);
                row
            })
            .collect())
    }
}

impl Operator for WindowOperator<'_> {
    fn next(&mut self, ctx: &EvalContext) -> Result<Option<Tuple>> {
        if self.output.is_none() {
            let rows = self.run(ctx)?;
            self.output = Some(rows.into_iter());
        }
        Ok(self.output.as_mut().and_then(Iterator::next))
    }
}

/// Evaluates one call for every row (appending to `results`); returns the rows' sort order.
fn compute_call(
    call: &WindowCall,
    rows: &[Tuple],
    results: &mut [Vec<Value>],
    ctx: &EvalContext,
) -> Result<Vec<usize>> {
    let mut partition_keys = Vec::with_capacity(rows.len());
    let mut order_keys = Vec::with_capacity(rows.len());
    for row in rows {
        partition_keys.push(
            call.partition_by
                .iter()
                .map(|e| e.eval(row, ctx))
                .collect::<Result<Vec<_>>>()?,
        );
        order_keys.push(
            call.order_by
                .iter()
                .map(|k| k.expr.eval(row, ctx))
                .collect::<Result<Vec<_>>>()?,
        );
    }
    let compare_order =
        |a: usize, b: usize| compare_rows(&order_keys[a], &order_keys[b], &call.order_by);
    // Group rows by partition (first-seen order), then sort each partition.
    let mut partitions: Vec<Vec<usize>> = Vec::new();
    let mut by_key: HashMap<&Vec<Value>, usize> = HashMap::new();
    for (i, key) in partition_keys.iter().enumerate() {
        let slot = *by_key.entry(key).or_insert_with(|| {
            partitions.push(Vec::new());
            partitions.len() - 1
        });
        partitions[slot].push(i);
    }
    let mut order = Vec::with_capacity(rows.len());
    for mut partition in partitions {
        partition.sort_by(|&a, &b| compare_order(a, b));
        let values = compute_partition(
            call,
            rows,
            &partition,
            &|a, b| compare_order(a, b) == Ordering::Equal,
            ctx,
        )?;
        for (&row, value) in partition.iter().zip(values) {
            results[row].push(value);
        }
        order.extend(partition);
    }
    Ok(order)
}

/// The call's value for each row of one sorted partition.
fn compute_partition(
    call: &WindowCall,
    rows: &[Tuple],
    partition: &[usize],
    peers: &dyn Fn(usize, usize) -> bool,
    ctx: &EvalContext,
) -> Result<Vec<Value>> {
    let n = partition.len();
    let arg = |position: usize, index: usize| -> Result<Value> {
        match call.args.get(index) {
            Some(e) => e.eval(&rows[partition[position]], ctx),
            None => Ok(Value::Null),
        }
    };
    let mut out = Vec::with_capacity(n);
    match &call.function {
        WindowFunction::RowNumber => out.extend((1..=n as i64).map(Value::Int64)),
        WindowFunction::Rank | WindowFunction::DenseRank => {
            let (mut rank, mut dense) = (0i64, 0i64);
            for p in 0..n {
                if p == 0 || !peers(partition[p - 1], partition[p]) {
                    rank = p as i64 + 1;
                    dense += 1;
                }
                out.push(Value::Int64(if call.function == WindowFunction::Rank {
                    rank
                } else {
                    dense
                }));
            }
        }
        WindowFunction::Lag | WindowFunction::Lead => {
            for p in 0..n {
                let offset = match arg(p, 1)? {
                    Value::Null if call.args.len() > 1 => {
                        out.push(Value::Null);
                        continue;
                    }
                    Value::Null => 1,
                    v => v.as_i64().ok_or_else(|| {
                        Error::DatatypeMismatch("lag/lead offset must be an integer".into())
                    })?,
                };
                let target = if call.function == WindowFunction::Lag {
                    p as i64 - offset
                } else {
                    p as i64 + offset
                };
                out.push(if (0..n as i64).contains(&target) {
                    arg(target as usize, 0)?
                } else {
                    arg(p, 2)?
                });
            }
        }
        WindowFunction::FirstValue | WindowFunction::LastValue | WindowFunction::Aggregate(_) => {
            for p in 0..n {
                let (start, end) = frame_of(call, p, n, partition, peers);
                out.push(match &call.function {
                    WindowFunction::FirstValue if start < end => arg(start, 0)?,
                    WindowFunction::LastValue if start < end => arg(end - 1, 0)?,
                    WindowFunction::Aggregate(aggregate) => {
                        aggregate_over(aggregate, rows, partition, start, end, ctx)?
                    }
                    _ => Value::Null,
                });
            }
        }
    }
    Ok(out)
}

/// The frame of row `p` as a half-open range of partition positions.
fn frame_of(
    call: &WindowCall,
    p: usize,
    n: usize,
    partition: &[usize],
    peers: &dyn Fn(usize, usize) -> bool,
) -> (usize, usize) {
    let frame = call.frame;
    let ordered = !call.order_by.is_empty();
    let peer_start = || {
        (0..=p)
            .rev()
            .take_while(|&q| peers(partition[q], partition[p]))
            .last()
            .unwrap_or(p)
    };
    let peer_end = || {
        (p..n)
            .take_while(|&q| peers(partition[q], partition[p]))
            .last()
            .map_or(p + 1, |q| q + 1)
    };
    let start = match frame.start {
        FrameBound::UnboundedPreceding => 0,
        FrameBound::Preceding(k) => p.saturating_sub(k as usize),
        FrameBound::CurrentRow if frame.rows => p,
        FrameBound::CurrentRow => peer_start(),
        FrameBound::Following(k) => (p + k as usize).min(n),
        FrameBound::UnboundedFollowing => n,
    };
    let end = match frame.end {
        FrameBound::UnboundedPreceding => 0,
        FrameBound::Preceding(k) => (p + 1).saturating_sub(k as usize),
        FrameBound::CurrentRow if frame.rows => p + 1,
        FrameBound::CurrentRow if !ordered => n,
        FrameBound::CurrentRow => peer_end(),
        FrameBound::Following(k) => (p + 1 + k as usize).min(n),
        FrameBound::UnboundedFollowing => n,
    };
    (start, end.max(start))
}

/// An aggregate over partition positions `start..end`.
fn aggregate_over(
    call: &AggregateCall,
    rows: &[Tuple],
    partition: &[usize],
    start: usize,
    end: usize,
    ctx: &EvalContext,
) -> Result<Value> {
    let mut state = AggregateState::new(call);
    for &row in &partition[start..end] {
        let value = match &call.arg {
            Some(arg) => arg.eval(&rows[row], ctx)?,
            None => Value::Null,
        };
        let separator = match &call.separator {
            Some(s) => s.eval(&rows[row], ctx)?,
            None => Value::Null,
        };
        state.add(call, value, &separator)?;
    }
    state.finish(call)
}

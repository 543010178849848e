//! Hash aggregation: groups rows by the GROUP BY values and folds each aggregate per group.
//! Without GROUP BY, an empty input still yields one row (count = 0, sum = NULL).

use std::collections::HashMap;

use super::{EvalContext, Operator, Tuple};
use crate::error::Result;
use crate::expr::aggregate_state::AggregateState;
use crate::expr::{AggregateCall, Expr};
use crate::types::Value;

/// GROUP BY + aggregates. Output rows: group values, then aggregate results.
pub struct AggregateOperator<'p> {
    input: Box<dyn Operator + 'p>,
    group_by: &'p [Expr],
    aggregates: &'p [AggregateCall],
    output: Option<std::vec::IntoIter<Tuple>>,
}

impl<'p> AggregateOperator<'p> {
    pub fn new(
        input: Box<dyn Operator + 'p>,
        group_by: &'p [Expr],
        aggregates: &'p [AggregateCall],
    ) -> Self {
        AggregateOperator {
            input,
            group_by,
            aggregates,
            output: None,
        }
    }

    fn run(&mut self, ctx: &EvalContext) -> Result<Vec<Tuple>> {
        let mut index: HashMap<Vec<Value>, usize> = HashMap::new();
        let mut groups: Vec<(Vec<Value>, Vec<AggregateState>)> = Vec::new();
        let fresh = || {
            self.aggregates
                .iter()
                .map(AggregateState::new)
                .collect::<Vec<_>>()
        };
        if self.group_by.is_empty() {
            groups.push((Vec::new(), fresh()));
            index.insert(Vec::new(), 0);
        }
        while let Some(row) = self.input.next(ctx)? {
            let key = self
                .group_by
                .iter()
                .map(|g| g.eval(&row, ctx))
                .collect::<Result<Vec<_>>>()?;
            let slot = match index.get(&key) {
                Some(&slot) => slot,
                None => {
                    groups.push((key.clone(), fresh()));
                    index.insert(key, groups.len() - 1);
                    groups.len() - 1
                }
            };
            let states = &mut groups[slot].1;
            for (state, call) in states.iter_mut().zip(self.aggregates) {
                let value = match &call.arg {
                    Some(arg) => arg.eval(&row, ctx)?,
                    None => Value::Null,
                };
                let separator = match &call.separator {
                    Some(s) => s.eval(&row, ctx)?,
                    None => Value::Null,
                };
                state.add(call, value, &separator)?;
            }
        }
        groups
            .into_iter()
            .map(|(mut key, states)| {
                for (state, call) in states.iter().zip(self.aggregates) {
                    key.push(state.finish(call)?);
                }
                Ok(key)
            })
            .collect()
    }
}

impl Operator for AggregateOperator<'_> {
    fn next(&mut self, ctx: &EvalContext) -> Result<Option<Tuple>> {
        if self.output.is_none() {
            let rows = self.run(ctx)?;
            self.output = Some(rows.into_iter());
        }
        Ok(self.output.as_mut().and_then(Iterator::next))
    }
}

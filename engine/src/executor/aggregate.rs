//! Hash aggregation: groups rows by the GROUP BY values and folds each aggregate per group.
//! Without GROUP BY, an empty input still yields one row (count = 0, sum = NULL).

use std::borrow::Cow;
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
        let (group_by, aggregates) = (self.group_by, self.aggregates);
        let fresh = || {
            aggregates
                .iter()
                .map(AggregateState::new)
                .collect::<Vec<_>>()
        };
        if group_by.is_empty() {
            groups.push((Vec::new(), fresh()));
            index.insert(Vec::new(), 0);
        }
        let mut key = Vec::with_capacity(group_by.len());
        let null = Value::Null;
        self.input.for_each(ctx, &mut |row| {
            key.clear();
            for g in group_by {
                key.push(g.eval(row, ctx)?);
            }
            let found = if group_by.is_empty() {
                Some(&0)
            } else {
                index.get(key.as_slice())
            };
            let slot = match found {
                Some(&slot) => slot,
                None => {
                    groups.push((key.clone(), fresh()));
                    index.insert(key.clone(), groups.len() - 1);
                    groups.len() - 1
                }
            };
            let states = &mut groups[slot].1;
            for (state, call) in states.iter_mut().zip(aggregates) {
                let value = match &call.arg {
                    Some(arg) => arg.eval_ref(row, ctx)?,
                    None => Cow::Borrowed(&null),
                };
                let separator = match &call.separator {
                    Some(s) => s.eval_ref(row, ctx)?,
                    None => Cow::Borrowed(&null),
                };
                state.add_ref(call, &value, &separator)?;
            }
            Ok(true)
        })?;
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

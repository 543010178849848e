//! [`MirrorRows`]: turns the origin rows of one batch (an origin transaction, a snapshot chunk)
//! into mirror rows. What is the same for every row is made once per batch: the evaluation
//! clock and cache of a projecting or filtering view, and the version text rows share (every
//! row of a PostgreSQL transaction has the same `xmin`). A view that shows the origin's
//! columns unchanged takes the origin row's values as they are.

use chrono::Utc;

use super::mirror::MirrorSpec;
use super::origin::VersionCheck;
use crate::error::Result;
use crate::expr::{EvalContext, StatementCache};
use crate::functions;
use crate::txn::Snapshot;
use crate::types::Value;

/// Maps origin rows onto one view's mirror rows.
pub struct MirrorRows<'a> {
    spec: &'a MirrorSpec,
    /// The clock of projection and filter expressions (made once per batch).
    clock: functions::EvalContext,
    cache: StatementCache,
    /// The version value of the previous row, shared by the next row if it has the same text.
    last_version: Value,
}

impl<'a> MirrorRows<'a> {
    pub fn new(spec: &'a MirrorSpec) -> MirrorRows<'a> {
        let now = Utc::now();
        MirrorRows {
            spec,
            clock: functions::EvalContext {
                transaction_time: now,
                statement_time: now,
            },
            cache: StatementCache::default(),
            last_version: Value::Null,
        }
    }

    /// The mirror row — projected, with version, not staged — for an origin row's values and
    /// system version, or `None` when the view's filter leaves the row out.
    pub fn row(
        &mut self,
        mut values: Vec<Value>,
        system_version: Option<&str>,
    ) -> Result<Option<Vec<Value>>> {
        let version = self.version(&values, system_version);
        let spec = self.spec;
        if spec.identity && values.len() == spec.origin_table.columns.len() {
            values.reserve_exact(2);
            values.push(version);
            values.push(Value::Bool(false));
            return Ok(Some(values));
        }
        if let Some(direct) = &spec.direct {
            let mut row = Vec::with_capacity(direct.len() + 2);
            row.extend(
                direct
                    .iter()
                    .map(|&i| values.get(i).cloned().unwrap_or(Value::Null)),
            );
            row.push(version);
            row.push(Value::Bool(false));
            return Ok(Some(row));
        }
        // The projection and filter read an origin row followed by the scan's `xmin` slot.
        values.push(Value::Null);
        let ctx = EvalContext::new(Snapshot { txn_id: 0, ts: 0 }, &[], &self.clock, &self.cache);
        if let Some(filter) = &spec.filter {
            if !crate::expr::eval_predicate(filter, &values, &ctx)? {
                return Ok(None);
            }
        }
        let mut row = Vec::with_capacity(spec.projection.len() + 2);
        for expr in &spec.projection {
            row.push(expr.eval(&values, &ctx)?);
        }
        row.push(version);
        row.push(Value::Bool(false));
        Ok(Some(row))
    }

    /// The row's version as the mirror stores it (text), shared with the previous row's when
    /// the text is the same.
    fn version(&mut self, values: &[Value], system_version: Option<&str>) -> Value {
        let text = match &self.spec.version {
            VersionCheck::System => system_version.map(std::borrow::Cow::Borrowed),
            VersionCheck::Column(_) => match self.spec.version_column.and_then(|p| values.get(p)) {
                Some(Value::Null) | None => None,
                Some(v) => Some(std::borrow::Cow::Owned(v.to_string())),
            },
            VersionCheck::None => None,
        };
        let Some(text) = text else {
            return Value::Null;
        };
        match &self.last_version {
            Value::Text(last) if **last == *text => self.last_version.clone(),
            _ => {
                self.last_version = Value::text(text.into_owned());
                self.last_version.clone()
            }
        }
    }
}

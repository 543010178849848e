//! Evaluation of bound expressions against one input row, with SQL's three-valued logic.

use std::borrow::Cow;
use std::cmp::Ordering;

use super::subquery::OuterRow;
use super::StatementCache;
use super::{like_match, CompareOp, Expr};
use crate::error::{Error, Result};
use crate::functions;
use crate::txn::Snapshot;
use crate::types::{arith, cast, compare, json, CastMode, Value};

/// Everything evaluation and the operators need besides the current row: the snapshot to read
/// at, parameter values, the statement's clock, the rows of enclosing queries (for correlated
/// subqueries) and the results of uncorrelated subqueries already run.
#[derive(Clone, Copy)]
pub struct EvalContext<'a> {
    pub snapshot: Snapshot,
    pub params: &'a [Value],
    pub clock: &'a functions::EvalContext,
    pub outer: Option<&'a OuterRow<'a>>,
    pub cache: &'a StatementCache,
}

impl<'a> EvalContext<'a> {
    /// The context of a top-level statement.
    pub fn new(
        snapshot: Snapshot,
        params: &'a [Value],
        clock: &'a functions::EvalContext,
        cache: &'a StatementCache,
    ) -> Self {
        EvalContext {
            snapshot,
            params,
            clock,
            outer: None,
            cache,
        }
    }
}

/// Evaluates a predicate: true only for TRUE (NULL and FALSE reject the row).
#[inline]
pub fn eval_predicate(expr: &Expr, row: &[Value], ctx: &EvalContext) -> Result<bool> {
    Ok(matches!(expr.eval(row, ctx)?, Value::Bool(true)))
}

fn truth(value: &Value) -> Result<Option<bool>> {
    value.as_bool()
}

fn compare_values(op: CompareOp, left: &Value, right: &Value) -> Result<Value> {
    Ok(match compare::sql_compare(left, right)? {
        None => Value::Null,
        Some(ordering) => Value::Bool(op.holds(ordering)),
    })
}

impl Expr {
    /// Evaluates the expression for `row`. A column reference, the most common expression, is
    /// read inline; everything else goes through [`Expr::eval_node`].
    #[inline]
    pub fn eval(&self, row: &[Value], ctx: &EvalContext) -> Result<Value> {
        if let Expr::Column { index, .. } = self {
            if let Some(value) = row.get(*index) {
                return Ok(value.clone());
            }
        }
        self.eval_node(row, ctx)
    }

    /// Like [`Expr::eval`], but a column reference borrows its value from the row.
    #[inline]
    pub fn eval_ref<'r>(&self, row: &'r [Value], ctx: &EvalContext) -> Result<Cow<'r, Value>> {
        if let Expr::Column { index, .. } = self {
            if let Some(value) = row.get(*index) {
                return Ok(Cow::Borrowed(value));
            }
        }
        self.eval_node(row, ctx).map(Cow::Owned)
    }

    /// Evaluates one node (and, through [`Expr::eval`], its children).
    fn eval_node(&self, row: &[Value], ctx: &EvalContext) -> Result<Value> {
        match self {
            Expr::Column { index, .. } => row
                .get(*index)
                .cloned()
                .ok_or_else(|| Error::Internal(format!("column {index} is outside the input row"))),
            Expr::Literal { value, .. } => Ok(value.clone()),
            Expr::Param { index, .. } => ctx
                .params
                .get(*index)
                .cloned()
                .ok_or(Error::UndefinedParameter(index + 1)),
            Expr::Not(e) => Ok(match truth(&e.eval(row, ctx)?)? {
                None => Value::Null,
                Some(b) => Value::Bool(!b),
            }),
            Expr::And(l, r) => {
                let left = truth(&l.eval(row, ctx)?)?;
                if left == Some(false) {
                    return Ok(Value::Bool(false));
                }
                let right = truth(&r.eval(row, ctx)?)?;
                Ok(match (left, right) {
                    (_, Some(false)) => Value::Bool(false),
                    (Some(true), Some(true)) => Value::Bool(true),
                    _ => Value::Null,
                })
            }
            Expr::Or(l, r) => {
                let left = truth(&l.eval(row, ctx)?)?;
                if left == Some(true) {
                    return Ok(Value::Bool(true));
                }
                let right = truth(&r.eval(row, ctx)?)?;
                Ok(match (left, right) {
                    (_, Some(true)) => Value::Bool(true),
                    (Some(false), Some(false)) => Value::Bool(false),
                    _ => Value::Null,
                })
            }
            Expr::Compare { op, left, right } => {
                compare_values(*op, &left.eval(row, ctx)?, &right.eval(row, ctx)?)
            }
            Expr::Arith {
                op, left, right, ..
            } => arith::arithmetic(*op, &left.eval(row, ctx)?, &right.eval(row, ctx)?),
            Expr::Negate { expr, .. } => arith::negate(&expr.eval(row, ctx)?),
            Expr::IsNull { expr, negated } => {
                Ok(Value::Bool(expr.eval(row, ctx)?.is_null() != *negated))
            }
            Expr::IsBool {
                expr,
                value,
                negated,
            } => {
                let is = truth(&expr.eval(row, ctx)?)? == Some(*value);
                Ok(Value::Bool(is != *negated))
            }
            Expr::IsDistinctFrom {
                left,
                right,
                negated,
            } => {
                let (l, r) = (left.eval(row, ctx)?, right.eval(row, ctx)?);
                let distinct = match (l.is_null(), r.is_null()) {
                    (true, true) => false,
                    (true, false) | (false, true) => true,
                    (false, false) => compare::sql_compare(&l, &r)? != Some(Ordering::Equal),
                };
                Ok(Value::Bool(distinct != *negated))
            }
            Expr::InList {
                expr,
                list,
                negated,
            } => {
                let needle = expr.eval(row, ctx)?;
                if needle.is_null() {
                    return Ok(Value::Null);
                }
                let mut saw_null = false;
                for item in list {
                    let candidate = item.eval(row, ctx)?;
                    match compare::sql_compare(&needle, &candidate)? {
                        Some(Ordering::Equal) => return Ok(Value::Bool(!*negated)),
                        None => saw_null = true,
                        Some(_) => {}
                    }
                }
                Ok(if saw_null {
                    Value::Null
                } else {
                    Value::Bool(*negated)
                })
            }
            Expr::Like {
                expr,
                pattern,
                escape,
                negated,
                case_insensitive,
            } => {
                let (text, pattern) = (expr.eval(row, ctx)?, pattern.eval(row, ctx)?);
                if text.is_null() || pattern.is_null() {
                    return Ok(Value::Null);
                }
                let matched = like_match(
                    &text.to_string(),
                    &pattern.to_string(),
                    *escape,
                    *case_insensitive,
                );
                Ok(Value::Bool(matched != *negated))
            }
            Expr::Case {
                operand,
                branches,
                otherwise,
                ..
            } => {
                let subject = operand.as_ref().map(|o| o.eval(row, ctx)).transpose()?;
                for (when, then) in branches {
                    let hit = match &subject {
                        Some(s) => {
                            compare::sql_compare(s, &when.eval(row, ctx)?)? == Some(Ordering::Equal)
                        }
                        None => eval_predicate(when, row, ctx)?,
                    };
                    if hit {
                        return then.eval(row, ctx);
                    }
                }
                match otherwise {
                    Some(e) => e.eval(row, ctx),
                    None => Ok(Value::Null),
                }
            }
            Expr::Cast { expr, data_type } => {
                cast::cast(expr.eval(row, ctx)?, data_type, CastMode::Explicit)
            }
            Expr::Function { function, args, .. } => {
                let mut values = Vec::with_capacity(args.len());
                for arg in args {
                    let v = arg.eval(row, ctx)?;
                    if function.strict && v.is_null() {
                        return Ok(Value::Null);
                    }
                    values.push(v);
                }
                (function.eval)(&values, ctx.clock)
            }
            Expr::Coalesce { args, data_type } => {
                for arg in args {
                    let v = arg.eval(row, ctx)?;
                    if !v.is_null() {
                        return cast::cast(v, data_type, CastMode::Implicit);
                    }
                }
                Ok(Value::Null)
            }
            Expr::NullIf { left, right, .. } => {
                let (l, r) = (left.eval(row, ctx)?, right.eval(row, ctx)?);
                if compare::sql_compare(&l, &r)? == Some(Ordering::Equal) {
                    Ok(Value::Null)
                } else {
                    Ok(l)
                }
            }
            Expr::JsonGet {
                document,
                path,
                as_text,
            } => {
                let doc = document.eval(row, ctx)?;
                let keys = path
                    .iter()
                    .map(|p| p.eval(row, ctx))
                    .collect::<Result<Vec<_>>>()?;
                match keys.as_slice() {
                    [key] => json::json_get(&doc, key, *as_text),
                    _ => json::json_get_path(&doc, &keys, *as_text),
                }
            }
            Expr::OuterColumn { depth, index, .. } => {
                let mut level = ctx.outer;
                for _ in 1..*depth {
                    level = level.and_then(|l| l.parent);
                }
                level
                    .and_then(|l| l.row.get(*index))
                    .cloned()
                    .ok_or_else(|| {
                        Error::Internal(format!(
                            "outer column {index} at depth {depth} is not available"
                        ))
                    })
            }
            Expr::Subquery(subquery) => subquery.eval(row, ctx),
            Expr::Window(_) => Err(Error::Grouping(
                "window functions are not allowed here".into(),
            )),
            Expr::Aggregate(_) => Err(Error::Grouping(
                "aggregate functions are not allowed here".into(),
            )),
        }
    }
}

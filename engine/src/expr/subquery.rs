//! Subqueries used as expressions: scalar subqueries, EXISTS, IN and ANY/ALL comparisons.
//!
//! An uncorrelated subquery runs once per statement and its result is kept in the statement's
//! [`StatementCache`](super::StatementCache). A correlated one
//! runs for each row of the enclosing query, with that row reachable through [`OuterRow`].

use std::collections::HashSet;
use std::rc::Rc;

use super::{CompareOp, EvalContext, Expr};
use crate::error::{Error, Result};
use crate::executor;
use crate::planner::Plan;
use crate::types::{compare, DataType, Value};

/// The row of an enclosing query, linked to its own enclosing row.
pub struct OuterRow<'a> {
    pub row: &'a [Value],
    pub parent: Option<&'a OuterRow<'a>>,
}

/// What a subquery expression asks of its rows.
#[derive(Debug, Clone, PartialEq)]
pub enum SubqueryKind {
    /// The single value of at most one row (NULL for none).
    Scalar,
    /// Whether there is any row.
    Exists,
    /// `needle IN (subquery)`.
    In { needle: Expr },
    /// `needle op ANY|ALL (subquery)`.
    Compare {
        needle: Expr,
        op: CompareOp,
        all: bool,
    },
}

impl SubqueryKind {
    /// The expression evaluated in the enclosing query, if any.
    pub fn needle(&self) -> Option<&Expr> {
        match self {
            SubqueryKind::In { needle } | SubqueryKind::Compare { needle, .. } => Some(needle),
            _ => None,
        }
    }

    /// The same kind with its needle rewritten.
    pub fn map_needle(self, f: &mut dyn FnMut(Expr) -> Result<Expr>) -> Result<Self> {
        Ok(match self {
            SubqueryKind::In { needle } => SubqueryKind::In { needle: f(needle)? },
            SubqueryKind::Compare { needle, op, all } => SubqueryKind::Compare {
                needle: f(needle)?,
                op,
                all,
            },
            other => other,
        })
    }
}

/// A bound subquery expression.
#[derive(Debug, Clone)]
pub struct SubqueryExpr {
    /// Unique within the statement; keys the result cache.
    pub id: usize,
    pub plan: Plan,
    pub kind: SubqueryKind,
    /// Reads columns of an enclosing query, so it must run again for each row.
    pub correlated: bool,
    /// Type of the subquery's (first) column.
    pub column_type: DataType,
}

/// Subqueries are the same expression when they are the same subquery of the statement.
impl PartialEq for SubqueryExpr {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

/// The materialised rows of a subquery, with a hash set of first-column values for IN.
pub(super) struct SubqueryRows {
    rows: Vec<Vec<Value>>,
    members: HashSet<Value>,
    has_null: bool,
}

impl SubqueryRows {
    fn new(rows: Vec<Vec<Value>>) -> Self {
        let mut members = HashSet::new();
        let mut has_null = false;
        for row in &rows {
            match row.first() {
                Some(Value::Null) | None => has_null = true,
                Some(v) => {
                    members.insert(v.clone());
                }
            }
        }
        SubqueryRows {
            rows,
            members,
            has_null,
        }
    }
}

impl SubqueryExpr {
    /// The expression's result type.
    pub fn data_type(&self) -> DataType {
        match self.kind {
            SubqueryKind::Scalar => self.column_type.clone(),
            _ => DataType::Bool,
        }
    }

    fn rows(&self, row: &[Value], ctx: &EvalContext) -> Result<Rc<SubqueryRows>> {
        if !self.correlated {
            if let Some(cached) = ctx.cache.subqueries.borrow().get(&self.id) {
                return Ok(cached.clone());
            }
        }
        let outer = OuterRow {
            row,
            parent: ctx.outer,
        };
        let inner = EvalContext {
            outer: Some(&outer),
            ..*ctx
        };
        let rows = if self.kind == SubqueryKind::Exists {
            let mut root = executor::build(&self.plan);
            root.next(&inner)?.into_iter().collect()
        } else {
            executor::collect(&self.plan, &inner)?
        };
        let result = Rc::new(SubqueryRows::new(rows));
        if !self.correlated {
            ctx.cache
                .subqueries
                .borrow_mut()
                .insert(self.id, result.clone());
        }
        Ok(result)
    }

    /// Evaluates the subquery expression for the current row.
    pub fn eval(&self, row: &[Value], ctx: &EvalContext) -> Result<Value> {
        match &self.kind {
            SubqueryKind::Scalar => {
                let result = self.rows(row, ctx)?;
                match result.rows.as_slice() {
                    [] => Ok(Value::Null),
                    [only] => Ok(only.first().cloned().unwrap_or(Value::Null)),
                    _ => Err(Error::CardinalityViolation(
                        "more than one row returned by a subquery used as an expression".into(),
                    )),
                }
            }
            SubqueryKind::Exists => Ok(Value::Bool(!self.rows(row, ctx)?.rows.is_empty())),
            SubqueryKind::In { needle } => {
                let value = needle.eval(row, ctx)?;
                let result = self.rows(row, ctx)?;
                if result.rows.is_empty() {
                    return Ok(Value::Bool(false));
                }
                if value.is_null() {
                    return Ok(Value::Null);
                }
                if result.members.contains(&value) {
                    return Ok(Value::Bool(true));
                }
                Ok(if result.has_null {
                    Value::Null
                } else {
                    Value::Bool(false)
                })
            }
            SubqueryKind::Compare { needle, op, all } => {
                let value = needle.eval(row, ctx)?;
                let result = self.rows(row, ctx)?;
                quantified_compare(&value, *op, *all, &result.rows)
            }
        }
    }
}

/// `value op ANY|ALL (rows)` with SQL's NULL rules.
fn quantified_compare(
    value: &Value,
    op: CompareOp,
    all: bool,
    rows: &[Vec<Value>],
) -> Result<Value> {
    let mut saw_null = false;
    for row in rows {
        let candidate = row.first().unwrap_or(&Value::Null);
        let outcome = compare::sql_compare(value, candidate)?.map(|ordering| op.holds(ordering));
        match (outcome, all) {
            (None, _) => saw_null = true,
            (Some(true), false) => return Ok(Value::Bool(true)),
            (Some(false), true) => return Ok(Value::Bool(false)),
            _ => {}
        }
    }
    Ok(if saw_null {
        Value::Null
    } else {
        Value::Bool(all)
    })
}

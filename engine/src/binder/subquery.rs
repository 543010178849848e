//! Binding of subqueries used as expressions, and correlated references to enclosing queries.

use sqlparser::ast::{self, BinaryOperator, Query};

use super::expr::ExprContext;
use super::scope::Scope;
use super::Binder;
use crate::api::Column;

use crate::error::{Error, Result};
use crate::expr::{CompareOp, Expr, SubqueryExpr, SubqueryKind};
use crate::planner::{self, Plan};
use crate::types::DataType;

impl Binder<'_> {
    /// Binds a query nested in an expression over `scope`; returns its plan, columns and
    /// whether it reads the enclosing query's columns.
    fn bind_nested_query(
        &mut self,
        query: &Query,
        scope: &Scope,
    ) -> Result<(Plan, Vec<Column>, bool)> {
        self.outer_scopes.push(scope.clone());
        self.correlated.push(false);
        let bound = self.bind_query(query);
        let correlated = self.correlated.pop().unwrap_or(false);
        self.outer_scopes.pop();
        let (plan, columns) = bound?;
        Ok((planner::plan_query(plan), columns, correlated))
    }

    /// Looks `name` up in the enclosing queries' scopes, innermost first, and marks every
    /// subquery level in between as correlated.
    pub(super) fn bind_outer_column(
        &mut self,
        qualifier: Option<&str>,
        name: &str,
    ) -> Result<Option<Expr>> {
        for depth in 1..=self.outer_scopes.len() {
            let scope = &self.outer_scopes[self.outer_scopes.len() - depth];
            if qualifier.is_some_and(|q| !scope.has_qualifier(q)) {
                continue;
            }
            if let Some((index, column)) = scope.find(qualifier, name)? {
                let data_type = column.data_type.clone();
                let levels = self.correlated.len();
                for flag in &mut self.correlated[levels.saturating_sub(depth)..] {
                    *flag = true;
                }
                return Ok(Some(Expr::OuterColumn {
                    depth,
                    index,
                    data_type,
                }));
            }
        }
        Ok(None)
    }

    /// `(SELECT ...)`, `EXISTS (...)`, `x IN (SELECT ...)`, `x op ANY|ALL (SELECT ...)`.
    pub(super) fn bind_subquery(
        &mut self,
        query: &Query,
        kind: SubqueryForm,
        scope: &Scope,
        ctx: ExprContext,
    ) -> Result<Expr> {
        let (plan, columns, correlated) = self.bind_nested_query(query, scope)?;
        if !matches!(kind, SubqueryForm::Exists) && columns.len() != 1 {
            return Err(Error::InvalidStatement(
                "subquery must return only one column".into(),
            ));
        }
        let column_type = columns
            .first()
            .map_or(DataType::Bool, |c| c.data_type.clone());
        let kind = match kind {
            SubqueryForm::Scalar => SubqueryKind::Scalar,
            SubqueryForm::Exists => SubqueryKind::Exists,
            SubqueryForm::In(needle) => {
                let needle = self.bind_expr(needle, scope, ctx)?;
                SubqueryKind::In {
                    needle: self.needle_for(needle, &column_type)?,
                }
            }
            SubqueryForm::Compare { needle, op, all } => {
                let needle = self.bind_expr(needle, scope, ctx)?;
                SubqueryKind::Compare {
                    needle: self.needle_for(needle, &column_type)?,
                    op,
                    all,
                }
            }
        };
        let id = self.next_subquery_id;
        self.next_subquery_id += 1;
        Ok(Expr::Subquery(Box::new(SubqueryExpr {
            id,
            plan,
            kind,
            correlated,
            column_type,
        })))
    }

    /// Types the left side of IN / ANY / ALL against the subquery's column.
    fn needle_for(&mut self, needle: Expr, column_type: &DataType) -> Result<Expr> {
        let probe = Expr::Column {
            index: 0,
            data_type: column_type.clone(),
        };
        let (needle, _) = self.comparable(needle, probe)?;
        Ok(needle)
    }
}

/// Which subquery expression is being bound.
pub(super) enum SubqueryForm<'q> {
    Scalar,
    Exists,
    In(&'q ast::Expr),
    Compare {
        needle: &'q ast::Expr,
        op: CompareOp,
        all: bool,
    },
}

impl<'q> SubqueryForm<'q> {
    /// `x op ANY|ALL (...)`.
    pub(super) fn quantified(
        needle: &'q ast::Expr,
        op: &BinaryOperator,
        all: bool,
    ) -> Result<Self> {
        let op = match op {
            BinaryOperator::Eq => CompareOp::Eq,
            BinaryOperator::NotEq => CompareOp::NotEq,
            BinaryOperator::Lt => CompareOp::Lt,
            BinaryOperator::LtEq => CompareOp::LtEq,
            BinaryOperator::Gt => CompareOp::Gt,
            BinaryOperator::GtEq => CompareOp::GtEq,
            other => return Err(Error::unsupported(format!("{other} ANY/ALL"))),
        };
        Ok(SubqueryForm::Compare { needle, op, all })
    }
}

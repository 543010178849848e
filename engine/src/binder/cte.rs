//! Binding of `WITH` queries (common table expressions), including `WITH RECURSIVE`.

use sqlparser::ast::{self, SetExpr, SetOperator, SetQuantifier};

use super::{names, Binder};
use crate::api::Column;
use crate::error::{Error, Result};
use crate::planner::Plan;

impl Binder<'_> {
    /// The plan and columns of a common table expression in scope.
    pub(super) fn cte(&self, name: &str) -> Option<(Plan, Vec<Column>)> {
        self.ctes
            .iter()
            .rev()
            .find(|(n, _, _)| n == name)
            .map(|(_, plan, columns)| (plan.clone(), columns.clone()))
    }

    /// Binds `WITH` clauses; returns how many CTEs to drop when the query is bound.
    pub(super) fn bind_with(&mut self, with: &ast::With) -> Result<usize> {
        let mut seen: Vec<String> = Vec::with_capacity(with.cte_tables.len());
        for cte in &with.cte_tables {
            let name = names::ident(&cte.alias.name);
            if seen.contains(&name) {
                return Err(Error::DuplicateAlias(format!(
                    "WITH query name \"{name}\" specified more than once"
                )));
            }
            seen.push(name.clone());
            let (plan, columns) = match recursive_parts(with, cte, &name)? {
                Some((anchor, all, step)) => {
                    self.bind_recursive_cte(&name, &cte.alias, anchor, all, step)?
                }
                None => {
                    let (plan, columns) = self.bind_query(&cte.query)?;
                    (plan, rename_columns(&name, columns, &cte.alias)?)
                }
            };
            self.ctes.push((name, plan, columns));
        }
        Ok(with.cte_tables.len())
    }

    /// `anchor UNION [ALL] step`, where `step` reads the CTE itself: the anchor's rows seed a
    /// work table; each round runs `step` over the previous round's new rows, until none.
    fn bind_recursive_cte(
        &mut self,
        name: &str,
        alias: &ast::TableAlias,
        anchor: &SetExpr,
        all: bool,
        step: &SetExpr,
    ) -> Result<(Plan, Vec<Column>)> {
        let (anchor_plan, anchor_columns) = self.bind_set_expr(anchor)?;
        let columns = rename_columns(name, anchor_columns, alias)?;
        let id = self.next_subquery_id;
        self.next_subquery_id += 1;
        self.ctes.push((
            name.to_string(),
            Plan::WorkTable {
                id,
                width: columns.len(),
            },
            columns.clone(),
        ));
        let step = self.bind_set_expr(step);
        self.ctes.pop();
        let (step_plan, step_columns) = step?;
        if contains_aggregate(&step_plan) {
            return Err(Error::InvalidRecursion(
                "aggregate functions are not allowed in a recursive query's recursive term".into(),
            ));
        }
        if step_columns.len() != columns.len() {
            return Err(Error::InvalidStatement(format!(
                "each UNION query of recursive query \"{name}\" must have the same number of columns"
            )));
        }
        let types: Vec<_> = columns.iter().map(|c| c.data_type.clone()).collect();
        let step_plan = super::select::cast_columns(step_plan, &step_columns, &types);
        let plan = Plan::RecursiveUnion {
            id,
            all,
            anchor: Box::new(anchor_plan),
            step: Box::new(step_plan),
        };
        Ok((plan, columns))
    }
}

/// For a recursive CTE (`WITH RECURSIVE` and a UNION whose right side names the CTE): the
/// anchor, whether it is UNION ALL, and the recursive step. A self-reference in the anchor, or
/// more than one in the step, is refused as PostgreSQL does.
fn recursive_parts<'q>(
    with: &ast::With,
    cte: &'q ast::Cte,
    name: &str,
) -> Result<Option<(&'q SetExpr, bool, &'q SetExpr)>> {
    if !with.recursive {
        return Ok(None);
    }
    let SetExpr::SetOperation {
        left,
        op: SetOperator::Union,
        set_quantifier,
        right,
    } = &*cte.query.body
    else {
        return Ok(None);
    };
    if references(left, name) > 0 {
        return Err(Error::InvalidRecursion(format!(
            "recursive reference to query \"{name}\" must not appear within its non-recursive term"
        )));
    }
    match references(right, name) {
        0 => Ok(None),
        1 => Ok(Some((
            left,
            matches!(set_quantifier, SetQuantifier::All),
            right,
        ))),
        _ => Err(Error::InvalidRecursion(format!(
            "recursive reference to query \"{name}\" must not appear more than once"
        ))),
    }
}

/// How many times `body` names the relation `name` (unqualified).
fn references(body: &SetExpr, name: &str) -> usize {
    let mut count = 0;
    let _ = ast::visit_relations(body, |relation| {
        if matches!(relation.0.as_slice(), [ast::ObjectNamePart::Identifier(id)] if names::ident(id) == name)
        {
            count += 1;
        }
        std::ops::ControlFlow::<()>::Continue(())
    });
    count
}

/// Applies `name (c1, c2, ...)` column aliases.
fn rename_columns(
    name: &str,
    mut columns: Vec<Column>,
    alias: &ast::TableAlias,
) -> Result<Vec<Column>> {
    if alias.columns.len() > columns.len() {
        return Err(Error::InvalidStatement(format!(
            "WITH query \"{name}\" has {} columns available but {} columns specified",
            columns.len(),
            alias.columns.len()
        )));
    }
    for (column, given) in columns.iter_mut().zip(&alias.columns) {
        column.name = names::ident(&given.name);
    }
    Ok(columns)
}

/// True if the plan aggregates anywhere (not allowed over a recursive work table).
fn contains_aggregate(plan: &Plan) -> bool {
    matches!(plan, Plan::Aggregate { .. }) || plan.children().into_iter().any(contains_aggregate)
}

//! Binding of UPDATE and DELETE, and of the pieces INSERT shares with them: SET assignments
//! and RETURNING lists.

use sqlparser::ast::{self, AssignmentTarget, FromTable, SelectItem, TableFactor};

use super::expr::ExprContext;
use super::scope::Scope;
use super::statement::{DeletePlan, Returning, TargetRows, UpdatePlan};
use super::{names, Binder, BoundStatement};
use crate::api::Column;
use crate::catalog::{Table, TableDef};
use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::planner::AccessPath;
use crate::types::DataType;
use std::sync::Arc;

impl Binder<'_> {
    fn dml_target(
        &self,
        relation: &TableFactor,
    ) -> Result<(Arc<Table>, Arc<TableDef>, Scope, String)> {
        let TableFactor::Table { name, alias, .. } = relation else {
            return Err(Error::unsupported("this UPDATE/DELETE target"));
        };
        let (schema, table_name) = names::object_name(name)?;
        let table = self.catalog.table(schema.as_deref(), &table_name)?.clone();
        let def = table.def();
        let qualifier = alias.as_ref().map_or(table_name, |a| names::ident(&a.name));
        let scope = Self::table_scope(&def, &qualifier);
        Ok((table, def, scope, qualifier))
    }

    fn bind_where(&mut self, selection: Option<&ast::Expr>, scope: &Scope) -> Result<Option<Expr>> {
        match selection {
            None => Ok(None),
            Some(s) => {
                let bound = self.bind_expr(s, scope, ExprContext::WHERE)?;
                Ok(Some(self.coerce_bool(bound, "WHERE")?))
            }
        }
    }

    /// The rows an UPDATE or DELETE touches (table, WHERE, RETURNING), and the target's scope.
    fn bind_target_rows(
        &mut self,
        relation: &TableFactor,
        selection: Option<&ast::Expr>,
        returning: Option<&[SelectItem]>,
    ) -> Result<(TargetRows, Scope)> {
        let (table, def, scope, qualifier) = self.dml_target(relation)?;
        let filter = self.bind_where(selection, &scope)?;
        let returning = self.bind_returning(&def, &qualifier, returning)?;
        Ok((
            TargetRows {
                table,
                def,
                access: AccessPath::Full,
                filter,
                returning,
            },
            scope,
        ))
    }

    pub(super) fn bind_update(&mut self, update: &ast::Update) -> Result<BoundStatement> {
        if update.from.is_some() || !update.table.joins.is_empty() {
            return Err(Error::unsupported("UPDATE ... FROM"));
        }
        let (target, scope) = self.bind_target_rows(
            &update.table.relation,
            update.selection.as_ref(),
            update.returning.as_deref(),
        )?;
        let assignments = self.bind_assignments(&target.def, &update.assignments, &scope)?;
        Ok(BoundStatement::Update(Box::new(UpdatePlan {
            target,
            assignments,
        })))
    }

    pub(super) fn bind_delete(&mut self, delete: &ast::Delete) -> Result<BoundStatement> {
        let from = match &delete.from {
            FromTable::WithFromKeyword(from) | FromTable::WithoutKeyword(from) => from,
        };
        let [target] = from.as_slice() else {
            return Err(Error::unsupported("DELETE from several tables"));
        };
        if delete.using.is_some() || !target.joins.is_empty() {
            return Err(Error::unsupported("DELETE ... USING"));
        }
        let (target, _) = self.bind_target_rows(
            &target.relation,
            delete.selection.as_ref(),
            delete.returning.as_deref(),
        )?;
        Ok(BoundStatement::Delete(Box::new(DeletePlan { target })))
    }

    /// `SET col = expr, ...` over `scope`; returns (physical position, value).
    pub(super) fn bind_assignments(
        &mut self,
        def: &TableDef,
        assignments: &[ast::Assignment],
        scope: &Scope,
    ) -> Result<Vec<(usize, Expr)>> {
        let mut bound: Vec<(usize, Expr)> = Vec::with_capacity(assignments.len());
        for a in assignments {
            let AssignmentTarget::ColumnName(name) = &a.target else {
                return Err(Error::unsupported("tuple assignment"));
            };
            let column = name.0.last().map(|p| p.to_string()).unwrap_or_default();
            let column = match name.0.last() {
                Some(ast::ObjectNamePart::Identifier(id)) => names::ident(id),
                _ => column,
            };
            let position = def.column_position(&column).ok_or_else(|| {
                Error::UndefinedColumn(format!("{column}\" of relation \"{}", def.name))
            })?;
            if bound.iter().any(|(p, _)| *p == position) {
                return Err(Error::InvalidStatement(format!(
                    "multiple assignments to same column \"{column}\""
                )));
            }
            let target = &def.columns[position];
            if target.identity.is_some_and(|i| i.always) {
                return Err(Error::InvalidStatement(format!(
                    "column \"{column}\" can only be updated to DEFAULT"
                )));
            }
            let expr = self.bind_expr(&a.value, scope, ExprContext::no_aggregates("UPDATE"))?;
            let expr = self.coerce_for_column(expr, &target.name, &target.data_type)?;
            bound.push((position, expr));
        }
        Ok(bound)
    }

    /// `RETURNING ...` over the written row (physical columns, then `xmin`).
    pub(super) fn bind_returning(
        &mut self,
        def: &TableDef,
        qualifier: &str,
        items: Option<&[SelectItem]>,
    ) -> Result<Option<Returning>> {
        let Some(items) = items else { return Ok(None) };
        let scope = Self::table_scope(def, qualifier);
        let mut exprs = Vec::new();
        let mut columns = Vec::new();
        for item in items {
            match item {
                SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..) => {
                    for p in scope.star(None) {
                        let c = &scope.columns[p];
                        exprs.push(Expr::Column {
                            index: p,
                            data_type: c.data_type.clone(),
                        });
                        columns.push(Column {
                            name: c.name.clone(),
                            data_type: c.data_type.clone(),
                        });
                    }
                }
                SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => {
                    let mut bound =
                        self.bind_expr(e, &scope, ExprContext::no_aggregates("RETURNING"))?;
                    if bound.data_type() == DataType::Unknown {
                        bound = self.coerce(bound, &DataType::Text)?;
                    }
                    let name = match item {
                        SelectItem::ExprWithAlias { alias, .. } => names::ident(alias),
                        _ => match e {
                            ast::Expr::Identifier(id) => names::ident(id),
                            ast::Expr::CompoundIdentifier(parts) => {
                                parts.last().map_or("?column?".into(), names::ident)
                            }
                            _ => "?column?".into(),
                        },
                    };
                    columns.push(Column {
                        name,
                        data_type: bound.data_type(),
                    });
                    exprs.push(bound);
                }
                other => return Err(Error::unsupported(format!("RETURNING item {other}"))),
            }
        }
        Ok(Some(Returning {
            exprs,
            columns: Arc::from(columns),
        }))
    }
}

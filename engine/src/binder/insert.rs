//! Binding of INSERT: target columns, VALUES / SELECT source typed against the columns,
//! ON CONFLICT, RETURNING.

use std::sync::Arc;

use sqlparser::ast::{self, ConflictTarget, OnConflictAction, OnInsert, SetExpr, TableObject};

use super::expr::ExprContext;
use super::scope::Scope;
use super::statement::{ConflictAction, InsertPlan, InsertSource, OnConflict};
use super::{names, Binder, BoundStatement};
use crate::catalog::TableDef;
use crate::error::{Error, Result};
use crate::expr::Expr;

impl Binder<'_> {
    pub(super) fn bind_insert(&mut self, insert: &ast::Insert) -> Result<BoundStatement> {
        let TableObject::TableName(name) = &insert.table else {
            return Err(Error::unsupported("INSERT into a table function"));
        };
        let (schema, table_name) = names::object_name(name)?;
        let table = self.catalog.table(schema.as_deref(), &table_name)?.clone();
        let def = table.def();
        let target_columns: Vec<usize> = if insert.columns.is_empty() {
            def.visible_columns().map(|(i, _)| i).collect()
        } else {
            let mut seen = Vec::with_capacity(insert.columns.len());
            for c in &insert.columns {
                let (_, column) = names::object_name(c)?;
                let position = def.column_position(&column).ok_or_else(|| {
                    Error::UndefinedColumn(format!("{column}\" of relation \"{}", def.name))
                })?;
                if seen.contains(&position) {
                    return Err(Error::DuplicateColumn(column));
                }
                seen.push(position);
            }
            seen
        };

        let mut target_columns = target_columns;
        if insert.columns.is_empty() {
            // Without a column list, the values fill the first columns; the rest get defaults.
            let given = match insert.source.as_deref().map(|q| &*q.body) {
                Some(SetExpr::Values(values)) => values.rows.first().map(|r| r.content.len()),
                _ => None,
            };
            if let Some(width) = given {
                if width < target_columns.len() {
                    target_columns.truncate(width);
                }
            }
        }
        let source = match &insert.source {
            None => InsertSource::Values(vec![vec![]]),
            Some(query) => match &*query.body {
                SetExpr::Values(values)
                    if query.order_by.is_none() && query.limit_clause.is_none() =>
                {
                    InsertSource::Values(self.bind_insert_values(
                        &def,
                        &target_columns,
                        &values.rows,
                    )?)
                }
                _ => {
                    let (plan, columns) = self.bind_query(query)?;
                    if insert.columns.is_empty() && columns.len() < target_columns.len() {
                        target_columns.truncate(columns.len());
                    }
                    if columns.len() != target_columns.len() {
                        return Err(arity_error(columns.len(), target_columns.len()));
                    }
                    for (column, &position) in columns.iter().zip(&target_columns) {
                        let target = &def.columns[position];
                        let probe = Expr::Column {
                            index: 0,
                            data_type: column.data_type.clone(),
                        };
                        self.coerce_for_column(probe, &target.name, &target.data_type)?;
                    }
                    InsertSource::Query(Box::new(plan))
                }
            },
        };
        let source = match (&insert.source, source) {
            (None, InsertSource::Values(_)) => {
                InsertSource::Values(vec![vec![None; target_columns.len()]])
            }
            (_, s) => s,
        };

        let on_conflict = match &insert.on {
            None => None,
            Some(OnInsert::OnConflict(conflict)) => Some(self.bind_on_conflict(&def, conflict)?),
            Some(other) => return Err(Error::unsupported(format!("{other}"))),
        };
        let returning = self.bind_returning(&def, &table_name, insert.returning.as_deref())?;
        Ok(BoundStatement::Insert(Box::new(InsertPlan {
            table,
            def,
            target_columns,
            source,
            on_conflict,
            returning,
        })))
    }

    fn bind_insert_values(
        &mut self,
        def: &TableDef,
        targets: &[usize],
        rows: &[ast::Parens<Vec<ast::Expr>>],
    ) -> Result<Vec<Vec<Option<Expr>>>> {
        let mut bound_rows = Vec::with_capacity(rows.len());
        for row in rows {
            let row = &row.content;
            if row.len() != targets.len() {
                return Err(arity_error(row.len(), targets.len()));
            }
            let mut bound = Vec::with_capacity(row.len());
            for (e, &position) in row.iter().zip(targets) {
                if is_default_keyword(e) {
                    bound.push(None);
                    continue;
                }
                let column = &def.columns[position];
                let expr =
                    self.bind_expr(e, &Scope::default(), ExprContext::no_aggregates("VALUES"))?;
                bound.push(Some(self.coerce_for_column(
                    expr,
                    &column.name,
                    &column.data_type,
                )?));
            }
            bound_rows.push(bound);
        }
        Ok(bound_rows)
    }

    fn bind_on_conflict(
        &mut self,
        def: &Arc<TableDef>,
        conflict: &ast::OnConflict,
    ) -> Result<OnConflict> {
        let constraint = match &conflict.conflict_target {
            None => None,
            Some(ConflictTarget::Columns(columns)) => {
                let mut wanted: Vec<usize> = columns
                    .iter()
                    .map(|c| {
                        def.column_position(&names::ident(c))
                            .ok_or_else(|| Error::UndefinedColumn(names::ident(c)))
                    })
                    .collect::<Result<_>>()?;
                wanted.sort_unstable();
                let same_columns = |cols: &[usize]| {
                    let mut c = cols.to_vec();
                    c.sort_unstable();
                    c == wanted
                };
                let name = if !def.primary_key.is_empty() && same_columns(&def.primary_key) {
                    def.primary_key_name.clone()
                } else {
                    def.indexes
                        .iter()
                        .find(|i| i.unique && same_columns(&i.columns))
                        .map(|i| i.name.clone())
                };
                Some(name.ok_or_else(|| {
                    Error::InvalidColumnReference(
                        "there is no unique or exclusion constraint matching the ON CONFLICT specification".into(),
                    )
                })?)
            }
            Some(ConflictTarget::OnConstraint(name)) => {
                let (_, name) = names::object_name(name)?;
                let known = def.primary_key_name.as_deref() == Some(name.as_str())
                    || def.indexes.iter().any(|i| i.unique && i.name == name);
                if !known {
                    return Err(Error::UndefinedObject(format!(
                        "constraint \"{name}\" for table \"{}\" does not exist",
                        def.name
                    )));
                }
                Some(name)
            }
        };
        let action = match &conflict.action {
            OnConflictAction::DoNothing => ConflictAction::DoNothing,
            OnConflictAction::DoUpdate(update) => {
                if constraint.is_none() {
                    return Err(Error::InvalidStatement(
                        "ON CONFLICT DO UPDATE requires inference specification or constraint name"
                            .into(),
                    ));
                }
                let mut scope = Self::table_scope(def, &def.name);
                let excluded = Self::table_scope(def, "excluded");
                scope
                    .columns
                    .extend(excluded.columns.into_iter().filter(|c| !c.hidden));
                let assignments = self.bind_assignments(def, &update.assignments, &scope)?;
                let filter = match &update.selection {
                    Some(s) => {
                        let bound = self.bind_expr(s, &scope, ExprContext::WHERE)?;
                        Some(self.coerce_bool(bound, "WHERE")?)
                    }
                    None => None,
                };
                ConflictAction::DoUpdate {
                    assignments,
                    filter,
                }
            }
        };
        Ok(OnConflict { constraint, action })
    }
}

fn is_default_keyword(e: &ast::Expr) -> bool {
    matches!(e, ast::Expr::Identifier(id) if id.quote_style.is_none() && id.value.eq_ignore_ascii_case("default"))
}

fn arity_error(given: usize, expected: usize) -> Error {
    if given > expected {
        Error::InvalidStatement("INSERT has more expressions than target columns".into())
    } else {
        Error::InvalidStatement("INSERT has more target columns than expressions".into())
    }
}

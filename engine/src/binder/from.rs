//! Binding of the FROM clause: tables, derived tables (subqueries and VALUES), and joins
//! (INNER, LEFT/RIGHT/FULL OUTER, CROSS, comma joins, USING and NATURAL).

use sqlparser::ast::{self, JoinConstraint, JoinOperator, TableFactor};

use super::expr::ExprContext;
use super::scope::{Scope, ScopeColumn};
use super::{names, Binder};
use crate::api::Column;
use crate::catalog::Relation;
use crate::error::{Error, Result};
use crate::expr::{CompareOp, Expr};
use crate::planner::{AccessPath, JoinKind, JoinStrategy, Plan};
use crate::types::compare;

impl Binder<'_> {
    /// Binds the FROM clause: the input plan and the scope of its columns. Several FROM items
    /// are cross-joined (the planner turns WHERE conditions into join conditions).
    pub(super) fn bind_from(&mut self, from: &[ast::TableWithJoins]) -> Result<(Plan, Scope)> {
        let mut result: Option<(Plan, Scope)> = None;
        for item in from {
            let (plan, scope) = self.bind_table_with_joins(item)?;
            result = Some(match result {
                None => (plan, scope),
                Some((left, left_scope)) => (
                    cross_join(left, plan, JoinKind::Inner, None),
                    left_scope.concat(scope),
                ),
            });
        }
        Ok(result.unwrap_or_else(|| {
            (
                Plan::Values {
                    rows: vec![vec![]],
                    width: 0,
                },
                Scope::default(),
            )
        }))
    }

    fn bind_table_with_joins(&mut self, item: &ast::TableWithJoins) -> Result<(Plan, Scope)> {
        let (mut plan, mut scope) = self.bind_table_factor(&item.relation)?;
        for join in &item.joins {
            (plan, scope) = self.bind_join(plan, scope, join)?;
        }
        Ok((plan, scope))
    }

    fn bind_table_factor(&mut self, factor: &TableFactor) -> Result<(Plan, Scope)> {
        match factor {
            TableFactor::Table {
                name,
                alias,
                args: None,
                ..
            } => {
                let (schema, table_name) = names::object_name(name)?;
                if schema.is_none() {
                    if let Some((plan, columns)) = self.cte(&table_name) {
                        let scope = columns_scope(&table_name, &columns);
                        return apply_alias(plan, scope, alias.as_ref());
                    }
                }
                if let Some((plan, columns)) = self.view(schema.as_deref(), &table_name)? {
                    let scope = columns_scope(&table_name, &columns);
                    return apply_alias(plan, scope, alias.as_ref());
                }
                if let Ok(Relation::System(system)) =
                    self.catalog.relation(schema.as_deref(), &table_name)
                {
                    let scope = Scope {
                        columns: system
                            .columns
                            .iter()
                            .map(|(name, data_type)| {
                                ScopeColumn::new(Some(table_name.clone()), name, data_type.clone())
                            })
                            .collect(),
                    };
                    let plan = Plan::SystemRows {
                        table: system.clone(),
                    };
                    return apply_alias(plan, scope, alias.as_ref());
                }
                let table = self.catalog.table(schema.as_deref(), &table_name)?.clone();
                let def = table.def();
                let scope = Self::table_scope(&def, &table_name);
                apply_alias(
                    Plan::Scan {
                        table,
                        def,
                        access: AccessPath::Full,
                        columns: None,
                    },
                    scope,
                    alias.as_ref(),
                )
            }
            TableFactor::Derived {
                lateral: false,
                subquery,
                alias,
                ..
            } => {
                let (plan, columns) = self.bind_query(subquery)?;
                let qualifier = alias
                    .as_ref()
                    .map_or_else(|| "subquery".to_string(), |a| names::ident(&a.name));
                apply_alias(plan, columns_scope(&qualifier, &columns), alias.as_ref())
            }
            TableFactor::NestedJoin {
                table_with_joins,
                alias,
            } => {
                let (plan, scope) = self.bind_table_with_joins(table_with_joins)?;
                apply_alias(plan, scope, alias.as_ref())
            }
            other => Err(Error::unsupported(format!(
                "FROM item {}",
                super::select::short(&other.to_string())
            ))),
        }
    }

    fn bind_join(
        &mut self,
        left: Plan,
        left_scope: Scope,
        join: &ast::Join,
    ) -> Result<(Plan, Scope)> {
        let (kind, constraint) = match &join.join_operator {
            JoinOperator::Join(c) | JoinOperator::Inner(c) => (JoinKind::Inner, Some(c)),
            JoinOperator::Left(c) | JoinOperator::LeftOuter(c) => (JoinKind::Left, Some(c)),
            JoinOperator::Right(c) | JoinOperator::RightOuter(c) => (JoinKind::Right, Some(c)),
            JoinOperator::FullOuter(c) => (JoinKind::Full, Some(c)),
            JoinOperator::CrossJoin(_) => (JoinKind::Inner, None),
            other => {
                return Err(Error::unsupported(
                    format!("join {other:?}")
                        .chars()
                        .take(60)
                        .collect::<String>(),
                ))
            }
        };
        let (right, right_scope) = self.bind_table_factor(&join.relation)?;
        let left_width = left_scope.columns.len();
        let scope = left_scope.concat(right_scope);
        let merged_names = match constraint {
            Some(JoinConstraint::Using(columns)) => Some(
                columns
                    .iter()
                    .map(|c| names::object_name(c).map(|(_, n)| n))
                    .collect::<Result<Vec<_>>>()?,
            ),
            Some(JoinConstraint::Natural) => Some(natural_columns(&scope, left_width)),
            _ => None,
        };
        if let Some(names) = merged_names {
            return self.bind_merging_join(left, right, scope, left_width, &names, kind);
        }
        let condition = match constraint {
            Some(JoinConstraint::On(on)) => {
                let bound =
                    self.bind_expr(on, &scope, ExprContext::no_aggregates("JOIN conditions"))?;
                Some(self.coerce_bool(bound, "JOIN/ON")?)
            }
            _ => None,
        };
        Ok((cross_join(left, right, kind, condition), scope))
    }

    /// A USING / NATURAL join: equality of each named column pair, and one merged output column
    /// per pair placed first, as in PostgreSQL — the left value, the right one for a RIGHT join,
    /// and COALESCE of both for a FULL join. The twins stay reachable when qualified.
    fn bind_merging_join(
        &mut self,
        left: Plan,
        right: Plan,
        mut scope: Scope,
        left_width: usize,
        names: &[String],
        kind: JoinKind,
    ) -> Result<(Plan, Scope)> {
        let left_scope = Scope {
            columns: scope.columns[..left_width].to_vec(),
        };
        let right_scope = Scope {
            columns: scope.columns[left_width..].to_vec(),
        };
        let mut conditions = Vec::with_capacity(names.len());
        let mut merged_exprs = Vec::with_capacity(names.len());
        let mut merged_columns = Vec::with_capacity(names.len());
        for name in names {
            let missing = |side: &str| {
                Error::UndefinedColumn(format!(
                    "{name}\" specified in USING clause does not exist in {side} table \""
                ))
            };
            let (l, lt) = left_scope
                .resolve(None, name)
                .map_err(|_| missing("left"))?;
            let (r, rt) = right_scope
                .resolve(None, name)
                .map_err(|_| missing("right"))?;
            let r = r + left_width;
            let (le, re) = self.comparable(
                Expr::Column {
                    index: l,
                    data_type: lt,
                },
                Expr::Column {
                    index: r,
                    data_type: rt,
                },
            )?;
            conditions.push(Expr::Compare {
                op: CompareOp::Eq,
                left: Box::new(le.clone()),
                right: Box::new(re.clone()),
            });
            let data_type = compare::common_type(&le.data_type(), &re.data_type())
                .unwrap_or_else(|| le.data_type());
            let cast = |e: Expr| {
                if e.data_type() == data_type {
                    e
                } else {
                    Expr::Cast {
                        expr: Box::new(e),
                        data_type: data_type.clone(),
                    }
                }
            };
            merged_exprs.push(match kind {
                JoinKind::Inner | JoinKind::Left => cast(le),
                JoinKind::Right => cast(re),
                JoinKind::Full => Expr::Coalesce {
                    args: vec![cast(le), cast(re)],
                    data_type: data_type.clone(),
                },
            });
            merged_columns.push(ScopeColumn::new(None, name.clone(), data_type));
            scope.columns[l].merged = true;
            scope.columns[r].merged = true;
        }
        let join = cross_join(left, right, kind, Expr::conjunction(conditions));
        let mut exprs = merged_exprs;
        exprs.extend(Expr::columns(
            scope.columns.iter().map(|c| c.data_type.clone()),
        ));
        merged_columns.extend(scope.columns);
        Ok((
            Plan::Project {
                input: Box::new(join),
                exprs,
            },
            Scope {
                columns: merged_columns,
            },
        ))
    }
}

impl Binder<'_> {
    /// The plan and columns of a view, bound now from its stored query (which sees neither
    /// the CTEs nor the enclosing queries of the place it is used).
    pub(super) fn view(
        &mut self,
        schema: Option<&str>,
        name: &str,
    ) -> Result<Option<(Plan, Vec<Column>)>> {
        let view = match self.catalog.relation(schema, name) {
            Ok(Relation::View(view)) => view.clone(),
            _ => return Ok(None),
        };
        if self.view_depth >= MAX_VIEW_DEPTH {
            return Err(Error::InvalidStatement(format!(
                "views nested more than {MAX_VIEW_DEPTH} deep at \"{name}\""
            )));
        }
        let ast::Statement::Query(query) = tether_dialect::parse_one(&view.query)? else {
            return Err(Error::Internal(format!(
                "view \"{name}\" does not hold a query"
            )));
        };
        let saved = (
            std::mem::take(&mut self.ctes),
            std::mem::take(&mut self.outer_scopes),
            std::mem::take(&mut self.correlated),
        );
        self.view_depth += 1;
        let bound = self.bind_query(&query);
        self.view_depth -= 1;
        (self.ctes, self.outer_scopes, self.correlated) = saved;
        let (plan, mut columns) = bound?;
        if columns.len() < view.columns.len() {
            return Err(Error::WrongObjectType(format!(
                "view \"{name}\" no longer matches its tables: it had {} columns, its query now gives {}",
                view.columns.len(),
                columns.len()
            )));
        }
        // Columns the query gains later (SELECT * over an altered table) are not part of the view.
        columns.truncate(view.columns.len());
        for (column, name) in columns.iter_mut().zip(&view.columns) {
            column.name = name.clone();
        }
        let exprs = columns
            .iter()
            .enumerate()
            .map(|(index, c)| Expr::Column {
                index,
                data_type: c.data_type.clone(),
            })
            .collect();
        Ok(Some((
            Plan::Project {
                input: Box::new(plan),
                exprs,
            },
            columns,
        )))
    }
}

/// How deeply views may refer to views.
const MAX_VIEW_DEPTH: usize = 32;

/// The columns a NATURAL join merges: visible names present on both sides.
fn natural_columns(scope: &Scope, left_width: usize) -> Vec<String> {
    let usable = |c: &&ScopeColumn| !c.hidden && !c.dropped && !c.merged;
    let right = &scope.columns[left_width..];
    scope.columns[..left_width]
        .iter()
        .filter(usable)
        .filter(|c| right.iter().filter(usable).any(|r| r.name == c.name))
        .map(|c| c.name.clone())
        .collect()
}

fn cross_join(left: Plan, right: Plan, kind: JoinKind, condition: Option<Expr>) -> Plan {
    Plan::Join {
        left: Box::new(left),
        right: Box::new(right),
        kind,
        condition,
        strategy: JoinStrategy::NestedLoop,
    }
}

/// The scope of a derived table or CTE: its output columns under one qualifier.
pub(super) fn columns_scope(qualifier: &str, columns: &[Column]) -> Scope {
    Scope {
        columns: columns
            .iter()
            .map(|c| ScopeColumn::new(Some(qualifier.to_string()), &c.name, c.data_type.clone()))
            .collect(),
    }
}

/// `AS alias (c1, c2, ...)`: requalifies the scope and renames its leading visible columns.
fn apply_alias(plan: Plan, scope: Scope, alias: Option<&ast::TableAlias>) -> Result<(Plan, Scope)> {
    let Some(alias) = alias else {
        return Ok((plan, scope));
    };
    let mut scope = scope.requalified(&names::ident(&alias.name));
    let visible = scope.star(None);
    if alias.columns.len() > visible.len() {
        return Err(Error::InvalidStatement(format!(
            "table \"{}\" has {} columns available but {} columns specified",
            names::ident(&alias.name),
            visible.len(),
            alias.columns.len()
        )));
    }
    for (position, column) in visible.into_iter().zip(&alias.columns) {
        scope.columns[position].name = names::ident(&column.name);
    }
    Ok((plan, scope))
}

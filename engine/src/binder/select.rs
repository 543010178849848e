//! Binding of queries: SELECT (FROM, WHERE, GROUP BY, HAVING, DISTINCT, ORDER BY, LIMIT) and
//! VALUES, into a plan tree.

use std::sync::Arc;

use sqlparser::ast::{self, GroupByExpr, LimitClause, OrderByKind, Query, SelectItem, SetExpr};

use super::expr::ExprContext;
use super::scope::Scope;
use super::{names, Binder, BoundStatement};
use crate::api::Column;
use crate::error::{Error, Result};
use crate::expr::{AggregateCall, Expr, WindowCall};
use crate::planner::{Plan, SetOpKind, SortKey};
use crate::types::compare;
use crate::types::DataType;

/// A SELECT list item after binding: expression and output name.
struct OutputItem {
    expr: Expr,
    name: String,
}

impl Binder<'_> {
    pub(super) fn bind_query_statement(&mut self, query: &Query) -> Result<BoundStatement> {
        let (plan, columns) = self.bind_query(query)?;
        Ok(BoundStatement::Query {
            plan: Box::new(plan),
            columns: Arc::from(columns),
        })
    }

    /// Binds a query into a plan and its output columns.
    pub fn bind_query(&mut self, query: &Query) -> Result<(Plan, Vec<Column>)> {
        let cte_count = match &query.with {
            Some(with) => self.bind_with(with)?,
            None => 0,
        };
        let bound = self.bind_query_body(query);
        self.ctes.truncate(self.ctes.len() - cte_count);
        let (plan, columns) = bound?;
        if columns.iter().all(|c| c.data_type != DataType::Unknown) {
            return Ok((plan, columns));
        }
        let types: Vec<DataType> = columns
            .iter()
            .map(|c| {
                if c.data_type == DataType::Unknown {
                    DataType::Text
                } else {
                    c.data_type.clone()
                }
            })
            .collect();
        let plan = cast_columns(plan, &columns, &types);
        Ok((plan, retyped(columns, types)))
    }

    fn bind_query_body(&mut self, query: &Query) -> Result<(Plan, Vec<Column>)> {
        let order_by: &[ast::OrderByExpr] = match &query.order_by {
            None => &[],
            Some(o) => match &o.kind {
                OrderByKind::Expressions(exprs) => exprs,
                OrderByKind::All(_) => return Err(Error::unsupported("ORDER BY ALL")),
            },
        };
        let (mut limit, offset) = match &query.limit_clause {
            None => (None, None),
            Some(LimitClause::LimitOffset { limit, offset, .. }) => {
                (limit.as_ref(), offset.as_ref().map(|o| &o.value))
            }
            Some(LimitClause::OffsetCommaLimit { offset, limit }) => (Some(limit), Some(offset)),
        };
        let fetch_one = ast::Expr::value(ast::Value::Number("1".into(), false));
        if let Some(fetch) = &query.fetch {
            if fetch.with_ties || fetch.percent {
                return Err(Error::unsupported("FETCH FIRST ... WITH TIES / PERCENT"));
            }
            if limit.is_some() {
                return Err(Error::InvalidStatement(
                    "LIMIT and FETCH FIRST cannot be used together".into(),
                ));
            }
            limit = Some(fetch.quantity.as_ref().unwrap_or(&fetch_one));
        }
        let (plan, columns) = match &*query.body {
            SetExpr::Select(select) => self.bind_select(select, order_by)?,
            body => {
                let (plan, columns) = self.bind_set_expr(body)?;
                self.order_output(plan, columns, order_by)?
            }
        };
        let plan = self.bind_limit(plan, limit, offset)?;
        Ok((plan, columns))
    }

    fn bind_limit(
        &mut self,
        plan: Plan,
        limit: Option<&ast::Expr>,
        offset: Option<&ast::Expr>,
    ) -> Result<Plan> {
        if limit.is_none() && offset.is_none() {
            return Ok(plan);
        }
        let mut bind_count = |e: Option<&ast::Expr>,
                              clause: &'static str|
         -> Result<Option<Expr>> {
            let Some(e) = e else { return Ok(None) };
            let bound = self.bind_expr(e, &Scope::default(), ExprContext::no_aggregates(clause))?;
            match bound.data_type() {
                DataType::Unknown => Ok(Some(self.coerce(bound, &DataType::Int64)?)),
                t if t.is_integer() => Ok(Some(bound)),
                t => Err(Error::DatatypeMismatch(format!(
                    "argument of {clause} must be type bigint, not type {t}"
                ))),
            }
        };
        let limit = bind_count(limit, "LIMIT")?;
        let offset = bind_count(offset, "OFFSET")?;
        Ok(Plan::Limit {
            input: Box::new(plan),
            limit,
            offset,
        })
    }

    fn bind_select(
        &mut self,
        select: &ast::Select,
        order_by: &[ast::OrderByExpr],
    ) -> Result<(Plan, Vec<Column>)> {
        let windows_before = self.named_windows.len();
        self.define_windows(&select.named_window)?;
        let bound = self.bind_select_with_windows(select, order_by);
        self.named_windows.truncate(windows_before);
        bound
    }

    fn bind_select_with_windows(
        &mut self,
        select: &ast::Select,
        order_by: &[ast::OrderByExpr],
    ) -> Result<(Plan, Vec<Column>)> {
        let (mut plan, scope) = self.bind_from(&select.from)?;
        if let Some(selection) = &select.selection {
            let predicate = self.bind_expr(selection, &scope, ExprContext::WHERE)?;
            let predicate = self.coerce_bool(predicate, "WHERE")?;
            plan = Plan::Filter {
                input: Box::new(plan),
                predicate,
            };
        }

        let mut items = self.bind_select_items(&select.projection, &scope)?;
        let group_by: Vec<&ast::Expr> = match &select.group_by {
            GroupByExpr::Expressions(exprs, modifiers) if modifiers.is_empty() => {
                exprs.iter().collect()
            }
            GroupByExpr::Expressions(..) | GroupByExpr::All(_) => {
                return Err(Error::unsupported("GROUP BY modifiers"))
            }
        };
        let mut group_exprs = Vec::with_capacity(group_by.len());
        for g in group_by {
            group_exprs.push(self.bind_group_item(g, &select.projection, &scope)?);
        }
        let having = match &select.having {
            Some(h) => {
                let bound = self.bind_expr(
                    h,
                    &scope,
                    ExprContext {
                        allow_aggregates: true,
                        clause: "HAVING",
                    },
                )?;
                Some(self.coerce_bool(bound, "HAVING")?)
            }
            None => None,
        };

        // ORDER BY keys: output positions, or extra expressions over the input.
        let mut sort_keys = Vec::with_capacity(order_by.len());
        let mut extra = Vec::new();
        for o in order_by {
            let position = self.output_position(&o.expr, &items, &scope)?;
            let expr = match position {
                Some(p) => Expr::Column {
                    index: p,
                    data_type: items[p].expr.data_type(),
                },
                None => {
                    let bound = self.bind_expr(
                        &o.expr,
                        &scope,
                        ExprContext {
                            allow_aggregates: true,
                            clause: "ORDER BY",
                        },
                    )?;
                    let index = items.len() + extra.len();
                    let data_type = bound.data_type();
                    extra.push(bound);
                    Expr::Column { index, data_type }
                }
            };
            let descending = matches!(o.options.sort, Some(ast::OrderBySort::Desc));
            sort_keys.push(SortKey {
                expr,
                descending,
                nulls_first: o.options.nulls_first.unwrap_or(descending),
            });
        }

        let aggregating = !group_exprs.is_empty()
            || having.is_some()
            || items.iter().any(|i| i.expr.has_aggregate())
            || extra.iter().any(Expr::has_aggregate);
        if aggregating {
            let mut aggregates: Vec<AggregateCall> = Vec::new();
            let groups = group_exprs.clone();
            let mut rewrite = |e: Expr| rewrite_grouped(e, &groups, &mut aggregates, &scope);
            for item in &mut items {
                item.expr = rewrite(std::mem::replace(
                    &mut item.expr,
                    Expr::literal(crate::Value::Null),
                ))?;
            }
            let extra_rewritten = extra
                .into_iter()
                .map(&mut rewrite)
                .collect::<Result<Vec<_>>>()?;
            extra = extra_rewritten;
            let having = having.map(&mut rewrite).transpose()?;
            plan = Plan::Aggregate {
                input: Box::new(plan),
                group_by: group_exprs,
                aggregates,
            };
            if let Some(predicate) = having {
                plan = Plan::Filter {
                    input: Box::new(plan),
                    predicate,
                };
            }
        }

        if items.iter().any(|i| i.expr.has_window()) || extra.iter().any(Expr::has_window) {
            let base = plan.width();
            let mut calls = Vec::new();
            for item in &mut items {
                let expr = std::mem::replace(&mut item.expr, Expr::literal(crate::Value::Null));
                item.expr = extract_windows(expr, base, &mut calls)?;
            }
            extra = extra
                .into_iter()
                .map(|e| extract_windows(e, base, &mut calls))
                .collect::<Result<_>>()?;
            plan = Plan::Window {
                input: Box::new(plan),
                calls,
            };
        }

        let distinct = match &select.distinct {
            None | Some(ast::Distinct::All) => false,
            Some(ast::Distinct::Distinct) => true,
            Some(ast::Distinct::On(_)) => return Err(Error::unsupported("DISTINCT ON")),
        };
        if distinct && !extra.is_empty() {
            return Err(Error::InvalidColumnReference(
                "for SELECT DISTINCT, ORDER BY expressions must appear in select list".into(),
            ));
        }

        let visible = items.len();
        let mut columns = Vec::with_capacity(visible);
        let mut exprs = Vec::with_capacity(visible + extra.len());
        for item in items {
            // Untyped literals stay untyped here so UNION branches can resolve them against each
            // other; bind_query makes whatever is left text.
            let expr = item.expr;
            columns.push(Column {
                name: item.name,
                data_type: expr.data_type(),
            });
            exprs.push(expr);
        }
        exprs.extend(extra);
        let widened = exprs.len() > visible;
        plan = Plan::Project {
            input: Box::new(plan),
            exprs,
        };
        if distinct {
            plan = Plan::Distinct {
                input: Box::new(plan),
            };
        }
        if !sort_keys.is_empty() {
            plan = Plan::Sort {
                input: Box::new(plan),
                keys: sort_keys,
                fetch: None,
            };
        }
        if widened {
            let exprs = columns
                .iter()
                .enumerate()
                .map(|(i, c)| Expr::Column {
                    index: i,
                    data_type: c.data_type.clone(),
                })
                .collect();
            plan = Plan::Project {
                input: Box::new(plan),
                exprs,
            };
        }
        Ok((plan, columns))
    }

    fn bind_select_items(
        &mut self,
        projection: &[SelectItem],
        scope: &Scope,
    ) -> Result<Vec<OutputItem>> {
        let mut items = Vec::with_capacity(projection.len());
        for item in projection {
            match item {
                SelectItem::UnnamedExpr(e) => {
                    let expr = self.bind_expr(e, scope, ExprContext::SELECT)?;
                    items.push(OutputItem {
                        expr,
                        name: output_name(e),
                    });
                }
                SelectItem::ExprWithAlias { expr, alias } => {
                    let bound = self.bind_expr(expr, scope, ExprContext::SELECT)?;
                    items.push(OutputItem {
                        expr: bound,
                        name: names::ident(alias),
                    });
                }
                SelectItem::Wildcard(_) => self.expand_star(scope, None, &mut items)?,
                SelectItem::QualifiedWildcard(kind, _) => {
                    let qualifier = match kind {
                        ast::SelectItemQualifiedWildcardKind::ObjectName(name) => {
                            names::object_name(name)?.1
                        }
                        ast::SelectItemQualifiedWildcardKind::Expr(e) => {
                            return Err(Error::unsupported(format!("{e}.*")))
                        }
                    };
                    if !scope.has_qualifier(&qualifier) {
                        return Err(Error::UndefinedTable(format!(
                            "missing FROM-clause entry for table \"{qualifier}\""
                        )));
                    }
                    self.expand_star(scope, Some(&qualifier), &mut items)?;
                }
                other => return Err(Error::unsupported(format!("select item {other}"))),
            }
        }
        Ok(items)
    }

    fn expand_star(
        &self,
        scope: &Scope,
        qualifier: Option<&str>,
        items: &mut Vec<OutputItem>,
    ) -> Result<()> {
        let positions = scope.star(qualifier);
        if positions.is_empty() && qualifier.is_none() && scope.columns.is_empty() {
            return Err(Error::InvalidStatement(
                "SELECT * with no tables specified is not valid".into(),
            ));
        }
        for p in positions {
            let c = &scope.columns[p];
            items.push(OutputItem {
                expr: Expr::Column {
                    index: p,
                    data_type: c.data_type.clone(),
                },
                name: c.name.clone(),
            });
        }
        Ok(())
    }

    /// A GROUP BY item: an output ordinal, an output alias, or an expression over the input.
    fn bind_group_item(
        &mut self,
        g: &ast::Expr,
        projection: &[SelectItem],
        scope: &Scope,
    ) -> Result<Expr> {
        if let Some(n) = ordinal(g) {
            let item = projection.get(n.wrapping_sub(1)).ok_or_else(|| {
                Error::InvalidColumnReference(format!(
                    "GROUP BY position {n} is not in select list"
                ))
            })?;
            let e = match item {
                SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => e,
                _ => return Err(Error::unsupported("GROUP BY position of *")),
            };
            return self.bind_expr(e, scope, ExprContext::no_aggregates("GROUP BY"));
        }
        match self.bind_expr(g, scope, ExprContext::no_aggregates("GROUP BY")) {
            Err(Error::UndefinedColumn(name)) => {
                let aliased = projection.iter().find_map(|item| match item {
                    SelectItem::ExprWithAlias { expr, alias } if names::ident(alias) == name => {
                        Some(expr)
                    }
                    _ => None,
                });
                match aliased {
                    Some(e) => self.bind_expr(e, scope, ExprContext::no_aggregates("GROUP BY")),
                    None => Err(Error::UndefinedColumn(name)),
                }
            }
            other => other,
        }
    }

    /// For ORDER BY: the output column an item names (ordinal or output name), if any.
    fn output_position(
        &self,
        e: &ast::Expr,
        items: &[OutputItem],
        scope: &Scope,
    ) -> Result<Option<usize>> {
        if let Some(n) = ordinal(e) {
            return if n >= 1 && n <= items.len() {
                Ok(Some(n - 1))
            } else {
                Err(Error::InvalidColumnReference(format!(
                    "ORDER BY position {n} is not in select list"
                )))
            };
        }
        if let ast::Expr::Identifier(id) = e {
            let name = names::ident(id);
            let matches: Vec<usize> = items
                .iter()
                .enumerate()
                .filter(|(_, i)| i.name == name)
                .map(|(p, _)| p)
                .collect();
            if matches.len() == 1 || (matches.len() > 1 && scope.resolve(None, &name).is_err()) {
                return Ok(matches.first().copied());
            }
        }
        Ok(None)
    }

    /// A query body without its own ORDER BY: SELECT, VALUES, a parenthesised query, or a set
    /// operation of those.
    pub(super) fn bind_set_expr(&mut self, body: &SetExpr) -> Result<(Plan, Vec<Column>)> {
        match body {
            SetExpr::Select(select) => self.bind_select(select, &[]),
            SetExpr::Values(values) => self.bind_values(values),
            SetExpr::Query(inner) => self.bind_query(inner),
            SetExpr::SetOperation {
                left,
                op,
                set_quantifier,
                right,
            } => {
                let kind = match op {
                    ast::SetOperator::Union => SetOpKind::Union,
                    ast::SetOperator::Intersect => SetOpKind::Intersect,
                    ast::SetOperator::Except | ast::SetOperator::Minus => SetOpKind::Except,
                };
                let all = match set_quantifier {
                    ast::SetQuantifier::All => true,
                    ast::SetQuantifier::Distinct | ast::SetQuantifier::None => false,
                    other => return Err(Error::unsupported(format!("{op} {other}"))),
                };
                let (left, left_columns) = self.bind_set_expr(left)?;
                let (right, right_columns) = self.bind_set_expr(right)?;
                if left_columns.len() != right_columns.len() {
                    return Err(Error::InvalidStatement(format!(
                        "each {op} query must have the same number of columns"
                    )));
                }
                let mut types = Vec::with_capacity(left_columns.len());
                for (l, r) in left_columns.iter().zip(&right_columns) {
                    let common =
                        compare::common_type(&l.data_type, &r.data_type).ok_or_else(|| {
                            Error::DatatypeMismatch(format!(
                                "{op} types {} and {} cannot be matched",
                                l.data_type, r.data_type
                            ))
                        })?;
                    types.push(if common == DataType::Unknown {
                        DataType::Text
                    } else {
                        common
                    });
                }
                let left = cast_columns(left, &left_columns, &types);
                let right = cast_columns(right, &right_columns, &types);
                let columns = retyped(left_columns, types);
                Ok((
                    Plan::SetOp {
                        kind,
                        all,
                        left: Box::new(left),
                        right: Box::new(right),
                    },
                    columns,
                ))
            }
            other => Err(Error::unsupported(format!(
                "query form {}",
                short(&other.to_string())
            ))),
        }
    }

    fn bind_values(&mut self, values: &ast::Values) -> Result<(Plan, Vec<Column>)> {
        let width = values.rows.first().map_or(0, |r| r.content.len());
        let mut rows = Vec::with_capacity(values.rows.len());
        for row in values.rows.iter().map(|r| &r.content) {
            if row.len() != width {
                return Err(Error::InvalidStatement(
                    "VALUES lists must all be the same length".into(),
                ));
            }
            rows.push(
                row.iter()
                    .map(|e| {
                        self.bind_expr(e, &Scope::default(), ExprContext::no_aggregates("VALUES"))
                    })
                    .collect::<Result<Vec<_>>>()?,
            );
        }
        let mut columns = Vec::with_capacity(width);
        for c in 0..width {
            let column: Vec<Expr> = rows
                .iter_mut()
                .map(|r| std::mem::replace(&mut r[c], Expr::literal(crate::Value::Null)))
                .collect();
            let (unified, data_type) = self.unify(column, "VALUES")?;
            for (row, e) in rows.iter_mut().zip(unified) {
                row[c] = e;
            }
            columns.push(Column {
                name: format!("column{}", c + 1),
                data_type,
            });
        }
        Ok((Plan::Values { rows, width }, columns))
    }

    /// ORDER BY over an already projected result (VALUES): keys must name output columns.
    fn order_output(
        &mut self,
        plan: Plan,
        columns: Vec<Column>,
        order_by: &[ast::OrderByExpr],
    ) -> Result<(Plan, Vec<Column>)> {
        if order_by.is_empty() {
            return Ok((plan, columns));
        }
        let scope = Scope {
            columns: columns
                .iter()
                .map(|c| super::ScopeColumn::new(None, &c.name, c.data_type.clone()))
                .collect(),
        };
        let mut keys = Vec::with_capacity(order_by.len());
        for o in order_by {
            let expr = match ordinal(&o.expr) {
                Some(n) if n >= 1 && n <= columns.len() => Expr::Column {
                    index: n - 1,
                    data_type: columns[n - 1].data_type.clone(),
                },
                Some(n) => {
                    return Err(Error::InvalidColumnReference(format!(
                        "ORDER BY position {n} is not in select list"
                    )))
                }
                None => self.bind_expr(&o.expr, &scope, ExprContext::no_aggregates("ORDER BY"))?,
            };
            let descending = matches!(o.options.sort, Some(ast::OrderBySort::Desc));
            keys.push(SortKey {
                expr,
                descending,
                nulls_first: o.options.nulls_first.unwrap_or(descending),
            });
        }
        Ok((
            Plan::Sort {
                input: Box::new(plan),
                keys,
                fetch: None,
            },
            columns,
        ))
    }
}

/// Replaces each window call by the column the window operator appends for it.
fn extract_windows(expr: Expr, base: usize, calls: &mut Vec<WindowCall>) -> Result<Expr> {
    match expr {
        Expr::Window(call) => {
            let data_type = call.data_type.clone();
            calls.push(*call);
            Ok(Expr::Column {
                index: base + calls.len() - 1,
                data_type,
            })
        }
        other => other.map_children(&mut |child| extract_windows(child, base, calls)),
    }
}

/// The columns with their types replaced by `types` (names kept).
fn retyped(columns: Vec<Column>, types: Vec<DataType>) -> Vec<Column> {
    columns
        .into_iter()
        .zip(types)
        .map(|(c, data_type)| Column {
            name: c.name,
            data_type,
        })
        .collect()
}

/// Wraps `plan` in a projection casting its columns to `types` where they differ.
pub(super) fn cast_columns(plan: Plan, columns: &[Column], types: &[DataType]) -> Plan {
    if columns.iter().zip(types).all(|(c, t)| c.data_type == *t) {
        return plan;
    }
    let exprs = columns
        .iter()
        .zip(types)
        .enumerate()
        .map(|(index, (c, t))| {
            let column = Expr::Column {
                index,
                data_type: c.data_type.clone(),
            };
            if c.data_type == *t {
                column
            } else {
                Expr::Cast {
                    expr: Box::new(column),
                    data_type: t.clone(),
                }
            }
        })
        .collect();
    Plan::Project {
        input: Box::new(plan),
        exprs,
    }
}

/// Replaces, top-down, GROUP BY expressions by their output column and aggregate calls by
/// theirs; any other column reference is a grouping error.
fn rewrite_grouped(
    expr: Expr,
    groups: &[Expr],
    aggregates: &mut Vec<AggregateCall>,
    scope: &Scope,
) -> Result<Expr> {
    if let Some(k) = groups.iter().position(|g| *g == expr) {
        return Ok(Expr::Column {
            index: k,
            data_type: expr.data_type(),
        });
    }
    if let Expr::Subquery(mut subquery) = expr {
        if subquery.correlated {
            subquery
                .plan
                .map_exprs(&mut |e| regroup_outer_refs(e, 1, groups))?;
        }
        subquery.kind = subquery
            .kind
            .map_needle(&mut |e| rewrite_grouped(e, groups, aggregates, scope))?;
        return Ok(Expr::Subquery(subquery));
    }
    match expr {
        Expr::Aggregate(call) => {
            let data_type = call.data_type.clone();
            let index = groups.len() + aggregates.len();
            aggregates.push(*call);
            Ok(Expr::Column { index, data_type })
        }
        Expr::Column { index, .. } => {
            let name = scope.columns.get(index).map_or_else(
                || "?".to_string(),
                |c| match &c.qualifier {
                    Some(q) => format!("{q}.{}", c.name),
                    None => c.name.clone(),
                },
            );
            Err(Error::Grouping(format!(
                "column \"{name}\" must appear in the GROUP BY clause or be used in an aggregate function"
            )))
        }
        other => other.map_children(&mut |child| rewrite_grouped(child, groups, aggregates, scope)),
    }
}

/// Inside a correlated subquery of a grouped query: its references to the grouped query's row
/// (at `depth`) now read the group-by output instead of the input row.
fn regroup_outer_refs(expr: Expr, depth: usize, groups: &[Expr]) -> Result<Expr> {
    match expr {
        Expr::OuterColumn {
            depth: d,
            index,
            data_type,
        } if d == depth => {
            let grouped = groups
                .iter()
                .position(|g| matches!(g, Expr::Column { index: i, .. } if *i == index));
            match grouped {
                Some(k) => Ok(Expr::OuterColumn {
                    depth,
                    index: k,
                    data_type,
                }),
                None => Err(Error::Grouping(
                    "subquery uses ungrouped column from outer query".into(),
                )),
            }
        }
        Expr::Subquery(mut subquery) => {
            subquery
                .plan
                .map_exprs(&mut |e| regroup_outer_refs(e, depth + 1, groups))?;
            subquery.kind = subquery
                .kind
                .map_needle(&mut |e| regroup_outer_refs(e, depth, groups))?;
            Ok(Expr::Subquery(subquery))
        }
        other => other.map_children(&mut |child| regroup_outer_refs(child, depth, groups)),
    }
}

/// The integer of a positional reference like `ORDER BY 2`.
fn ordinal(e: &ast::Expr) -> Option<usize> {
    match e {
        ast::Expr::Value(v) => match &v.value {
            ast::Value::Number(n, _) => n.parse().ok(),
            _ => None,
        },
        _ => None,
    }
}

/// PostgreSQL's output column name for an unaliased expression.
fn output_name(e: &ast::Expr) -> String {
    match e {
        ast::Expr::Identifier(id) => names::ident(id),
        ast::Expr::CompoundIdentifier(parts) => {
            parts.last().map_or("?column?".into(), names::ident)
        }
        ast::Expr::Function(f) => f
            .name
            .0
            .last()
            .map_or("?column?".into(), |p| p.to_string().to_lowercase()),
        ast::Expr::Cast { expr, .. } => match output_name(expr).as_str() {
            "?column?" => "?column?".into(),
            name => name.to_string(),
        },
        ast::Expr::Nested(inner) => output_name(inner),
        ast::Expr::Case { .. } => "case".into(),
        ast::Expr::Extract { .. } => "extract".into(),
        ast::Expr::Substring { .. } => "substring".into(),
        ast::Expr::Position { .. } => "position".into(),
        ast::Expr::Trim { .. } => "btrim".into(),
        ast::Expr::Ceil { .. } => "ceil".into(),
        ast::Expr::Floor { .. } => "floor".into(),
        _ => "?column?".into(),
    }
}

/// The start of a statement's text for messages.
pub(super) fn short(text: &str) -> String {
    text.chars().take(40).collect()
}

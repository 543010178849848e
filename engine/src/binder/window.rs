//! Binding of window function calls: `f(args) OVER (PARTITION BY ... ORDER BY ... frame)`.

use sqlparser::ast::{self, WindowFrameBound, WindowFrameUnits, WindowType};

use super::expr::ExprContext;
use super::scope::Scope;
use super::Binder;
use crate::error::{Error, Result};
use crate::expr::{AggregateFunction, Expr, FrameBound, WindowCall, WindowFrame, WindowFunction};
use crate::planner::SortKey;
use crate::types::DataType;

/// The clause name of window function arguments (which may not hold window functions).
pub(super) const WINDOW_ARGUMENTS: &str = "window function calls";

impl Binder<'_> {
    /// Binds a window function call.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn bind_window(
        &mut self,
        name: &str,
        args: &[&ast::Expr],
        distinct: bool,
        star: bool,
        over: &WindowType,
        scope: &Scope,
        ctx: ExprContext,
    ) -> Result<Expr> {
        match ctx.clause {
            "SELECT" | "ORDER BY" => {}
            WINDOW_ARGUMENTS => {
                return Err(Error::Windowing(
                    "window function calls cannot be nested".into(),
                ))
            }
            clause => {
                return Err(Error::Windowing(format!(
                    "window functions are not allowed in {clause}"
                )))
            }
        }
        let spec = self.resolve_window(over)?;
        let spec = &spec;
        // Arguments may use aggregates of a grouped query, but not other window functions.
        let inner = ExprContext {
            allow_aggregates: ctx.allow_aggregates,
            clause: WINDOW_ARGUMENTS,
        };
        let arity = |range: std::ops::RangeInclusive<usize>| -> Result<()> {
            if range.contains(&args.len()) && !star && !distinct {
                Ok(())
            } else {
                Err(Error::UndefinedFunction(format!(
                    "{name} with {} argument(s)",
                    args.len()
                )))
            }
        };
        let mut bound_args = Vec::new();
        let (function, data_type) = match name {
            "row_number" | "rank" | "dense_rank" => {
                arity(0..=0)?;
                let function = match name {
                    "row_number" => WindowFunction::RowNumber,
                    "rank" => WindowFunction::Rank,
                    _ => WindowFunction::DenseRank,
                };
                (function, DataType::Int64)
            }
            "lag" | "lead" | "first_value" | "last_value" => {
                arity(if name.ends_with("_value") {
                    1..=1
                } else {
                    1..=3
                })?;
                let mut value = self.bind_expr(args[0], scope, inner)?;
                let offset = match args.get(1) {
                    Some(offset) => {
                        let offset = self.bind_expr(offset, scope, inner)?;
                        Some(self.coerce(offset, &DataType::Int64)?)
                    }
                    None => None,
                };
                let mut default = match args.get(2) {
                    Some(default) => Some(self.bind_expr(default, scope, inner)?),
                    None => None,
                };
                // The value and the default share one type (PostgreSQL 13+ unifies them).
                let value_type = match default.take() {
                    Some(given) => {
                        let (unified, common) = self.unify(vec![value, given], "lag/lead")?;
                        let mut unified = unified.into_iter().map(|e| cast_to(e, &common));
                        value = unified
                            .next()
                            .unwrap_or_else(|| Expr::literal(crate::Value::Null));
                        default = unified.next();
                        common
                    }
                    None => value.data_type(),
                };
                bound_args.push(value);
                bound_args.extend(offset);
                bound_args.extend(default);
                let function = match name {
                    "lag" => WindowFunction::Lag,
                    "lead" => WindowFunction::Lead,
                    "first_value" => WindowFunction::FirstValue,
                    _ => WindowFunction::LastValue,
                };
                (function, value_type)
            }
            _ => match AggregateFunction::by_name(name) {
                Some(aggregate) => {
                    let aggregate_ctx = ExprContext {
                        allow_aggregates: true,
                        clause: WINDOW_ARGUMENTS,
                    };
                    match self.bind_aggregate(
                        name,
                        aggregate,
                        args,
                        distinct,
                        star,
                        false,
                        scope,
                        aggregate_ctx,
                    )? {
                        Expr::Aggregate(call) => {
                            let data_type = call.data_type.clone();
                            (WindowFunction::Aggregate(call), data_type)
                        }
                        _ => {
                            return Err(Error::Internal(
                                "aggregate binding returned a non-aggregate".into(),
                            ))
                        }
                    }
                }
                None => {
                    return Err(Error::UndefinedFunction(format!(
                        "{name} is not a window function"
                    )))
                }
            },
        };
        let partition_by = spec
            .partition_by
            .iter()
            .map(|e| self.bind_expr(e, scope, inner))
            .collect::<Result<Vec<_>>>()?;
        let mut order_by = Vec::with_capacity(spec.order_by.len());
        for o in &spec.order_by {
            let expr = self.bind_expr(&o.expr, scope, inner)?;
            let descending = matches!(o.options.sort, Some(ast::OrderBySort::Desc));
            order_by.push(SortKey {
                expr,
                descending,
                nulls_first: o.options.nulls_first.unwrap_or(descending),
            });
        }
        let frame = match &spec.window_frame {
            None => WindowFrame::DEFAULT,
            Some(frame) => bind_frame(frame)?,
        };
        Ok(Expr::Window(Box::new(WindowCall {
            function,
            args: bound_args,
            partition_by,
            order_by,
            frame,
            data_type,
        })))
    }
}

impl Binder<'_> {
    /// The window specification of an OVER clause, with references to the query's WINDOW
    /// clause resolved: `OVER w`, or `OVER (w ORDER BY ...)` extending `w`.
    fn resolve_window(&self, over: &WindowType) -> Result<ast::WindowSpec> {
        let (base_name, own) = match over {
            WindowType::NamedWindow(name) => (Some(name), None),
            WindowType::WindowSpec(spec) => (spec.window_name.as_ref(), Some(spec)),
        };
        let Some(base_name) = base_name else {
            return own
                .cloned()
                .ok_or_else(|| Error::Internal("window without a specification".into()));
        };
        let name = super::names::ident(base_name);
        let base = self
            .named_windows
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|(_, spec)| spec.clone())
            .ok_or_else(|| Error::UndefinedObject(format!("window \"{name}\" does not exist")))?;
        let Some(own) = own else { return Ok(base) };
        if !own.partition_by.is_empty() {
            return Err(Error::Windowing(format!(
                "cannot override PARTITION BY clause of window \"{name}\""
            )));
        }
        if !own.order_by.is_empty() && !base.order_by.is_empty() {
            return Err(Error::Windowing(format!(
                "cannot override ORDER BY clause of window \"{name}\""
            )));
        }
        Ok(ast::WindowSpec {
            window_name: None,
            partition_by: base.partition_by,
            order_by: if own.order_by.is_empty() {
                base.order_by
            } else {
                own.order_by.clone()
            },
            window_frame: own.window_frame.clone().or(base.window_frame),
        })
    }

    /// Makes the WINDOW clause of the SELECT being bound visible to its OVER clauses.
    pub(super) fn define_windows(
        &mut self,
        definitions: &[ast::NamedWindowDefinition],
    ) -> Result<()> {
        for ast::NamedWindowDefinition(name, expr) in definitions {
            let spec = match expr {
                ast::NamedWindowExpr::WindowSpec(spec) => {
                    self.resolve_window(&WindowType::WindowSpec(spec.clone()))?
                }
                ast::NamedWindowExpr::NamedWindow(other) => {
                    self.resolve_window(&WindowType::NamedWindow(other.clone()))?
                }
            };
            self.named_windows.push((super::names::ident(name), spec));
        }
        Ok(())
    }
}

fn bind_frame(frame: &ast::WindowFrame) -> Result<WindowFrame> {
    let rows = match frame.units {
        WindowFrameUnits::Rows => true,
        WindowFrameUnits::Range => false,
        WindowFrameUnits::Groups => return Err(Error::unsupported("GROUPS window frames")),
    };
    let start = bound(&frame.start_bound, rows)?;
    let end = match &frame.end_bound {
        Some(b) => bound(b, rows)?,
        None => FrameBound::CurrentRow,
    };
    if start == FrameBound::UnboundedFollowing || end == FrameBound::UnboundedPreceding {
        return Err(Error::InvalidStatement(
            "frame start cannot be UNBOUNDED FOLLOWING, nor frame end UNBOUNDED PRECEDING".into(),
        ));
    }
    Ok(WindowFrame { rows, start, end })
}

fn bound(b: &WindowFrameBound, rows: bool) -> Result<FrameBound> {
    let offset = |e: &ast::Expr| -> Result<u64> {
        if !rows {
            return Err(Error::unsupported("RANGE frames with an offset (use ROWS)"));
        }
        match e {
            ast::Expr::Value(v) => match &v.value {
                ast::Value::Number(n, _) => n.parse().map_err(|_| {
                    Error::InvalidStatement(format!(
                        "frame offset must be a non-negative integer, not {n}"
                    ))
                }),
                other => Err(Error::InvalidStatement(format!(
                    "frame offset must be a non-negative integer, not {other}"
                ))),
            },
            other => Err(Error::unsupported(format!("frame offset {other}"))),
        }
    };
    Ok(match b {
        WindowFrameBound::CurrentRow => FrameBound::CurrentRow,
        WindowFrameBound::Preceding(None) => FrameBound::UnboundedPreceding,
        WindowFrameBound::Following(None) => FrameBound::UnboundedFollowing,
        WindowFrameBound::Preceding(Some(e)) => FrameBound::Preceding(offset(e)?),
        WindowFrameBound::Following(Some(e)) => FrameBound::Following(offset(e)?),
    })
}

/// `expr` cast to `data_type` unless it already has it.
fn cast_to(expr: Expr, data_type: &DataType) -> Expr {
    if expr.data_type() == *data_type {
        expr
    } else {
        Expr::Cast {
            expr: Box::new(expr),
            data_type: data_type.clone(),
        }
    }
}

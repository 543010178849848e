//! Binding of window function calls: `f(args) OVER (PARTITION BY ... ORDER BY ... frame)`.

use sqlparser::ast::{self, WindowFrameBound, WindowFrameUnits, WindowType};

use super::expr::ExprContext;
use super::scope::Scope;
use super::Binder;
use crate::error::{Error, Result};
use crate::expr::{AggregateFunction, Expr, FrameBound, WindowCall, WindowFrame, WindowFunction};
use crate::planner::SortKey;
use crate::types::DataType;

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
        if !matches!(ctx.clause, "SELECT" | "ORDER BY") {
            return Err(Error::Grouping(format!(
                "window functions are not allowed in {}",
                ctx.clause
            )));
        }
        let WindowType::WindowSpec(spec) = over else {
            return Err(Error::unsupported("named windows (WINDOW clause)"));
        };
        if spec.window_name.is_some() {
            return Err(Error::unsupported("named windows (WINDOW clause)"));
        }
        // Arguments may use aggregates of a grouped query, but not other window functions.
        let inner = ExprContext {
            allow_aggregates: ctx.allow_aggregates,
            clause: "window function calls",
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
                let value = self.bind_expr(args[0], scope, inner)?;
                let value_type = value.data_type();
                bound_args.push(value);
                if let Some(offset) = args.get(1) {
                    let offset = self.bind_expr(offset, scope, inner)?;
                    bound_args.push(self.coerce(offset, &DataType::Int64)?);
                }
                if let Some(default) = args.get(2) {
                    let default = self.bind_expr(default, scope, inner)?;
                    bound_args.push(self.coerce(default, &value_type)?);
                }
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
                        clause: "window function calls",
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

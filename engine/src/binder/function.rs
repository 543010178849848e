//! Binding of function calls: aggregates, the lazily evaluated COALESCE/NULLIF, and scalar
//! functions resolved through the function library.

use sqlparser::ast::{self, DuplicateTreatment, FunctionArg, FunctionArgExpr, FunctionArguments};

use super::expr::ExprContext;
use super::scope::Scope;
use super::{names, Binder};
use crate::error::{Error, Result};
use crate::expr::{AggregateCall, AggregateFunction, Expr};
use crate::functions;
use crate::types::DataType;

impl Binder<'_> {
    /// Binds `name(args)`.
    pub(super) fn bind_function(
        &mut self,
        function: &ast::Function,
        scope: &Scope,
        ctx: ExprContext,
    ) -> Result<Expr> {
        let (_, name) = names::object_name(&function.name)?;
        let (args, distinct, star) = match &function.args {
            FunctionArguments::None => (Vec::new(), false, false),
            FunctionArguments::Subquery(_) => return Err(Error::unsupported("subqueries")),
            FunctionArguments::List(list) => {
                let distinct =
                    matches!(list.duplicate_treatment, Some(DuplicateTreatment::Distinct));
                let mut args = Vec::with_capacity(list.args.len());
                let mut star = false;
                for arg in &list.args {
                    match arg {
                        FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => args.push(e),
                        FunctionArg::Unnamed(FunctionArgExpr::Wildcard) => star = true,
                        other => {
                            return Err(Error::unsupported(format!("function argument {other}")))
                        }
                    }
                }
                (args, distinct, star)
            }
        };
        if let Some(over) = &function.over {
            return self.bind_window(&name, &args, distinct, star, over, scope, ctx);
        }
        if let Some(aggregate) = AggregateFunction::by_name(&name) {
            return self.bind_aggregate(
                &name,
                aggregate,
                &args,
                distinct,
                star,
                function.filter.is_some(),
                scope,
                ctx,
            );
        }
        if star || distinct {
            return Err(Error::InvalidStatement(format!(
                "{name}(*) or DISTINCT is only valid for aggregate functions"
            )));
        }
        let bound = args
            .iter()
            .map(|a| self.bind_expr(a, scope, ctx))
            .collect::<Result<Vec<_>>>()?;
        match name.as_str() {
            "coalesce" => {
                if bound.is_empty() {
                    return Err(Error::InvalidStatement(
                        "coalesce needs at least one argument".into(),
                    ));
                }
                let (args, data_type) = self.unify(bound, "COALESCE")?;
                Ok(Expr::Coalesce { args, data_type })
            }
            "nullif" => {
                let count = bound.len();
                let [l, r]: [Expr; 2] = bound.try_into().map_err(|_| {
                    Error::UndefinedFunction(format!("nullif with {count} arguments"))
                })?;
                let (l, r) = self.comparable(l, r)?;
                let data_type = l.data_type();
                Ok(Expr::NullIf {
                    left: Box::new(l),
                    right: Box::new(r),
                    data_type,
                })
            }
            _ => self.call_scalar(&name, bound),
        }
    }

    /// Resolves and binds a scalar function call over already bound arguments.
    pub(super) fn call_scalar(&mut self, name: &str, args: Vec<Expr>) -> Result<Expr> {
        let types: Vec<DataType> = args.iter().map(Expr::data_type).collect();
        let (function, data_type) = functions::resolve(name, &types)?;
        Ok(Expr::Function {
            function,
            args,
            data_type,
        })
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn bind_aggregate(
        &mut self,
        name: &str,
        function: AggregateFunction,
        args: &[&ast::Expr],
        distinct: bool,
        star: bool,
        has_filter: bool,
        scope: &Scope,
        ctx: ExprContext,
    ) -> Result<Expr> {
        if !ctx.allow_aggregates {
            return Err(Error::Grouping(format!(
                "aggregate functions are not allowed in {}",
                ctx.clause
            )));
        }
        if has_filter {
            return Err(Error::unsupported("FILTER on aggregates"));
        }
        // A window aggregate's argument may use the grouped query's aggregates; a plain
        // aggregate's may not nest another.
        let inner = if ctx.clause == super::window::WINDOW_ARGUMENTS {
            ctx
        } else {
            ExprContext::no_aggregates("aggregate function calls")
        };
        let (function, arg, separator) = match (function, star, args) {
            (AggregateFunction::Count, true, []) => (AggregateFunction::CountStar, None, None),
            (AggregateFunction::StringAgg, false, [value, separator]) => {
                let value = self.bind_expr(value, scope, inner)?;
                let value = self.coerce(value, &DataType::Text)?;
                let separator = self.bind_expr(separator, scope, inner)?;
                let separator = self.coerce(separator, &DataType::Text)?;
                (function, Some(value), Some(separator))
            }
            (f, false, [arg]) if f != AggregateFunction::StringAgg => {
                let arg = self.bind_expr(arg, scope, inner).map_err(|e| match e {
                    Error::Grouping(_) => {
                        Error::Grouping("aggregate function calls cannot be nested".into())
                    }
                    other => other,
                })?;
                (f, Some(arg), None)
            }
            _ => {
                return Err(Error::UndefinedFunction(format!(
                    "{name} with {} argument(s)",
                    args.len()
                )))
            }
        };
        let arg_type = arg.as_ref().map_or(DataType::Unknown, Expr::data_type);
        let data_type = function.result_type(&arg_type)?;
        Ok(Expr::Aggregate(Box::new(AggregateCall {
            function,
            arg,
            separator,
            distinct,
            data_type,
        })))
    }
}

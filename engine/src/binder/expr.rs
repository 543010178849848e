//! Binding of SQL expressions: names to column positions, literals and parameters to typed
//! values, operators to typed nodes.

use sqlparser::ast::{self, BinaryOperator, UnaryOperator, Value as AstValue};

use super::scope::Scope;
use super::subquery::SubqueryForm;
use super::{names, types, Binder};
use crate::error::{Error, Result};
use crate::expr::{CompareOp, Expr};
use crate::types::{arith, compare, ArithOp, DataType, Decimal, Value};

/// Where an expression appears, which decides whether aggregates are allowed.
#[derive(Debug, Clone, Copy)]
pub struct ExprContext {
    pub allow_aggregates: bool,
    /// Clause name for messages ("WHERE", "VALUES", ...).
    pub clause: &'static str,
}

impl ExprContext {
    pub const WHERE: ExprContext = ExprContext {
        allow_aggregates: false,
        clause: "WHERE",
    };
    pub const SELECT: ExprContext = ExprContext {
        allow_aggregates: true,
        clause: "SELECT",
    };
    pub fn no_aggregates(clause: &'static str) -> Self {
        ExprContext {
            allow_aggregates: false,
            clause,
        }
    }
}

impl Binder<'_> {
    /// Binds an expression over `scope`.
    pub fn bind_expr(&mut self, expr: &ast::Expr, scope: &Scope, ctx: ExprContext) -> Result<Expr> {
        use ast::Expr as E;
        match expr {
            E::Identifier(id) => self.bind_column(scope, None, &names::ident(id)),
            E::CompoundIdentifier(parts) => {
                let parts: Vec<String> = parts.iter().map(names::ident).collect();
                match parts.as_slice() {
                    [q, c] => self.bind_column(scope, Some(q), c),
                    [_schema, q, c] => self.bind_column(scope, Some(q), c),
                    _ => Err(Error::UndefinedColumn(parts.join("."))),
                }
            }
            E::Value(v) => self.bind_value(&v.value),
            E::Nested(e) => self.bind_expr(e, scope, ctx),
            E::UnaryOp { op, expr } => self.bind_unary(*op, expr, scope, ctx),
            E::BinaryOp { left, op, right } => self.bind_binary(left, op, right, scope, ctx),
            E::IsNull(e) | E::IsNotNull(e) => Ok(Expr::IsNull {
                expr: Box::new(self.bind_expr(e, scope, ctx)?),
                negated: matches!(expr, E::IsNotNull(_)),
            }),
            E::IsUnknown(e) | E::IsNotUnknown(e) => {
                let inner = self.bind_expr(e, scope, ctx)?;
                let inner = self.coerce_bool(inner, "IS UNKNOWN")?;
                Ok(Expr::IsNull {
                    expr: Box::new(inner),
                    negated: matches!(expr, E::IsNotUnknown(_)),
                })
            }
            E::IsTrue(e) | E::IsNotTrue(e) | E::IsFalse(e) | E::IsNotFalse(e) => {
                let inner = self.bind_expr(e, scope, ctx)?;
                let inner = self.coerce_bool(inner, "IS TRUE")?;
                Ok(Expr::IsBool {
                    expr: Box::new(inner),
                    value: matches!(expr, E::IsTrue(_) | E::IsNotTrue(_)),
                    negated: matches!(expr, E::IsNotTrue(_) | E::IsNotFalse(_)),
                })
            }
            E::IsDistinctFrom(l, r) | E::IsNotDistinctFrom(l, r) => {
                let (left, right) = self.bind_comparable(l, r, scope, ctx)?;
                Ok(Expr::IsDistinctFrom {
                    left: Box::new(left),
                    right: Box::new(right),
                    negated: matches!(expr, E::IsNotDistinctFrom(..)),
                })
            }
            E::InList {
                expr,
                list,
                negated,
            } => {
                let needle = self.bind_expr(expr, scope, ctx)?;
                let mut items = Vec::with_capacity(list.len() + 1);
                items.push(needle);
                for item in list {
                    items.push(self.bind_expr(item, scope, ctx)?);
                }
                let (mut items, _) = self.unify(items, "IN")?;
                let needle = items.remove(0);
                Ok(Expr::InList {
                    expr: Box::new(needle),
                    list: items,
                    negated: *negated,
                })
            }
            E::Between {
                expr,
                negated,
                low,
                high,
            } => {
                let value = self.bind_expr(expr, scope, ctx)?;
                let low = self.bind_expr(low, scope, ctx)?;
                let high = self.bind_expr(high, scope, ctx)?;
                let (lo_l, lo_r) = self.comparable(value.clone(), low)?;
                let (hi_l, hi_r) = self.comparable(value, high)?;
                let (lower_op, upper_op) = if *negated {
                    (CompareOp::Lt, CompareOp::Gt)
                } else {
                    (CompareOp::GtEq, CompareOp::LtEq)
                };
                let lower = Expr::Compare {
                    op: lower_op,
                    left: Box::new(lo_l),
                    right: Box::new(lo_r),
                };
                let upper = Expr::Compare {
                    op: upper_op,
                    left: Box::new(hi_l),
                    right: Box::new(hi_r),
                };
                Ok(if *negated {
                    Expr::Or(Box::new(lower), Box::new(upper))
                } else {
                    Expr::And(Box::new(lower), Box::new(upper))
                })
            }
            E::Like {
                negated,
                any: false,
                expr: text,
                pattern,
                escape_char,
            }
            | E::ILike {
                negated,
                any: false,
                expr: text,
                pattern,
                escape_char,
            } => self.bind_like(
                text,
                pattern,
                escape_char.as_deref(),
                *negated,
                matches!(expr, E::ILike { .. }),
                scope,
                ctx,
            ),
            E::Case {
                operand,
                conditions,
                else_result,
                ..
            } => self.bind_case(
                operand.as_deref(),
                conditions,
                else_result.as_deref(),
                scope,
                ctx,
            ),
            E::Cast {
                expr,
                data_type,
                format: None,
                ..
            } => {
                let target = types::cast_type(data_type)?;
                let inner = self.bind_expr(expr, scope, ctx)?;
                self.bind_cast(inner, target)
            }
            E::TypedString(typed) => {
                let target = types::cast_type(&typed.data_type)?;
                let text = match &typed.value.value {
                    AstValue::SingleQuotedString(s) | AstValue::EscapedStringLiteral(s) => {
                        s.clone()
                    }
                    other => {
                        return Err(Error::InvalidStatement(format!(
                            "expected a string after the type name, found {other}"
                        )))
                    }
                };
                self.coerce(
                    Expr::Literal {
                        value: Value::text(text),
                        data_type: DataType::Unknown,
                    },
                    &target,
                )
            }
            E::Interval(interval) => {
                let mut text = match self.bind_expr(&interval.value, scope, ctx)? {
                    Expr::Literal {
                        value: Value::Text(s),
                        ..
                    } => s.to_string(),
                    Expr::Literal { value, .. } => value.to_string(),
                    _ => return Err(Error::unsupported("INTERVAL with a non-constant value")),
                };
                if let Some(field) = &interval.leading_field {
                    text = format!("{text} {field}");
                }
                self.coerce(
                    Expr::Literal {
                        value: Value::text(text),
                        data_type: DataType::Unknown,
                    },
                    &DataType::Interval,
                )
            }
            E::Function(function) => self.bind_function(function, scope, ctx),
            E::Extract { field, expr, .. } => {
                let field = Expr::literal(Value::text(field.to_string().to_lowercase()));
                let source = self.bind_expr(expr, scope, ctx)?;
                self.call_scalar("extract", vec![field, source])
            }
            E::Substring {
                expr,
                substring_from,
                substring_for,
                ..
            } => {
                let mut args = vec![self.bind_expr(expr, scope, ctx)?];
                args.push(match substring_from {
                    Some(from) => self.bind_expr(from, scope, ctx)?,
                    None => Expr::literal(Value::Int32(1)),
                });
                if let Some(count) = substring_for {
                    args.push(self.bind_expr(count, scope, ctx)?);
                }
                self.call_scalar("substring", args)
            }
            E::Position { expr, r#in } => {
                let needle = self.bind_expr(expr, scope, ctx)?;
                let haystack = self.bind_expr(r#in, scope, ctx)?;
                self.call_scalar("strpos", vec![haystack, needle])
            }
            E::Trim {
                trim_where,
                trim_what,
                expr,
                trim_characters,
            } => {
                let name = match trim_where {
                    Some(ast::TrimWhereField::Leading) => "ltrim",
                    Some(ast::TrimWhereField::Trailing) => "rtrim",
                    _ => "btrim",
                };
                let mut args = vec![self.bind_expr(expr, scope, ctx)?];
                if let Some(what) = trim_what {
                    args.push(self.bind_expr(what, scope, ctx)?);
                } else if let Some(chars) = trim_characters.as_ref().and_then(|c| c.first()) {
                    args.push(self.bind_expr(chars, scope, ctx)?);
                }
                self.call_scalar(name, args)
            }
            E::Ceil { expr, .. } => {
                let arg = self.bind_expr(expr, scope, ctx)?;
                self.call_scalar("ceil", vec![arg])
            }
            E::Floor { expr, .. } => {
                let arg = self.bind_expr(expr, scope, ctx)?;
                self.call_scalar("floor", vec![arg])
            }
            E::Subquery(query) => self.bind_subquery(query, SubqueryForm::Scalar, scope, ctx),
            E::Exists { subquery, negated } => {
                let exists = self.bind_subquery(subquery, SubqueryForm::Exists, scope, ctx)?;
                Ok(if *negated {
                    Expr::Not(Box::new(exists))
                } else {
                    exists
                })
            }
            E::InSubquery {
                expr: needle,
                subquery,
                negated,
            } => {
                let found = self.bind_subquery(subquery, SubqueryForm::In(needle), scope, ctx)?;
                Ok(if *negated {
                    Expr::Not(Box::new(found))
                } else {
                    found
                })
            }
            E::AnyOp {
                left,
                compare_op,
                right,
                ..
            }
            | E::AllOp {
                left,
                compare_op,
                right,
            } => {
                let ast::Expr::Subquery(query) = &**right else {
                    return Err(Error::unsupported("ANY/ALL over an array"));
                };
                let all = matches!(expr, E::AllOp { .. });
                let form = SubqueryForm::quantified(left, compare_op, all)?;
                self.bind_subquery(query, form, scope, ctx)
            }
            other => Err(Error::unsupported(format!("expression {other}"))),
        }
    }

    /// A column of this query, or else of an enclosing query (a correlated reference).
    fn bind_column(&mut self, scope: &Scope, qualifier: Option<&str>, name: &str) -> Result<Expr> {
        let known_here = qualifier.is_none_or(|q| scope.has_qualifier(q));
        if known_here {
            if let Some((index, column)) = scope.find(qualifier, name)? {
                return Ok(Expr::Column {
                    index,
                    data_type: column.data_type.clone(),
                });
            }
        }
        if let Some(outer) = self.bind_outer_column(qualifier, name)? {
            return Ok(outer);
        }
        match qualifier {
            Some(q) if !known_here => Err(Error::UndefinedTable(format!(
                "missing FROM-clause entry for table \"{q}\""
            ))),
            _ => scope
                .resolve(qualifier, name)
                .map(|(index, data_type)| Expr::Column { index, data_type }),
        }
    }

    /// A literal: integers are `integer` if they fit, then `bigint`, then `numeric`; decimals
    /// are `numeric`; strings stay untyped until context decides.
    pub(super) fn bind_value(&mut self, value: &AstValue) -> Result<Expr> {
        Ok(match value {
            AstValue::Number(text, _) => number_literal(text)?,
            AstValue::SingleQuotedString(s) | AstValue::EscapedStringLiteral(s) => Expr::Literal {
                value: Value::text(s.as_str()),
                data_type: DataType::Unknown,
            },
            AstValue::DollarQuotedString(s) => Expr::Literal {
                value: Value::text(s.value.as_str()),
                data_type: DataType::Unknown,
            },
            AstValue::Boolean(b) => Expr::literal(Value::Bool(*b)),
            AstValue::Null => Expr::Literal {
                value: Value::Null,
                data_type: DataType::Unknown,
            },
            AstValue::Placeholder(p) => {
                let index = p
                    .strip_prefix('$')
                    .and_then(|n| n.parse::<usize>().ok())
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| {
                        Error::InvalidStatement(format!(
                            "invalid parameter placeholder {p}: use $1, $2, ..."
                        ))
                    })?;
                self.note_param(index - 1);
                let data_type = self.param_type(index - 1);
                Expr::Param {
                    index: index - 1,
                    data_type,
                }
            }
            other => return Err(Error::unsupported(format!("literal {other}"))),
        })
    }

    fn bind_unary(
        &mut self,
        op: UnaryOperator,
        expr: &ast::Expr,
        scope: &Scope,
        ctx: ExprContext,
    ) -> Result<Expr> {
        // Fold `-<number>` so that -2147483648 is an integer literal, as in PostgreSQL.
        if let (UnaryOperator::Minus, ast::Expr::Value(v)) = (op, expr) {
            if let AstValue::Number(text, _) = &v.value {
                return number_literal(&format!("-{text}"));
            }
        }
        let inner = self.bind_expr(expr, scope, ctx)?;
        match op {
            UnaryOperator::Not => Ok(Expr::Not(Box::new(self.coerce_bool(inner, "NOT")?))),
            UnaryOperator::Plus => Ok(inner),
            UnaryOperator::Minus => {
                let inner = if inner.data_type() == DataType::Unknown {
                    self.coerce(
                        inner,
                        &DataType::Numeric {
                            precision: None,
                            scale: None,
                        },
                    )?
                } else {
                    inner
                };
                let data_type = inner.data_type();
                if !data_type.is_numeric() && data_type != DataType::Interval {
                    return Err(Error::UndefinedOperator(format!("- {data_type}")));
                }
                Ok(Expr::Negate {
                    expr: Box::new(inner),
                    data_type,
                })
            }
            other => Err(Error::unsupported(format!("operator {other}"))),
        }
    }

    fn bind_binary(
        &mut self,
        left: &ast::Expr,
        op: &BinaryOperator,
        right: &ast::Expr,
        scope: &Scope,
        ctx: ExprContext,
    ) -> Result<Expr> {
        use BinaryOperator as B;
        let compare_op = match op {
            B::Eq => Some(CompareOp::Eq),
            B::NotEq => Some(CompareOp::NotEq),
            B::Lt => Some(CompareOp::Lt),
            B::LtEq => Some(CompareOp::LtEq),
            B::Gt => Some(CompareOp::Gt),
            B::GtEq => Some(CompareOp::GtEq),
            _ => None,
        };
        if let Some(op) = compare_op {
            let (l, r) = self.bind_comparable(left, right, scope, ctx)?;
            return Ok(Expr::Compare {
                op,
                left: Box::new(l),
                right: Box::new(r),
            });
        }
        let l = self.bind_expr(left, scope, ctx)?;
        let r = self.bind_expr(right, scope, ctx)?;
        let arith_op = match op {
            B::And => {
                return Ok(Expr::And(
                    Box::new(self.coerce_bool(l, "AND")?),
                    Box::new(self.coerce_bool(r, "AND")?),
                ))
            }
            B::Or => {
                return Ok(Expr::Or(
                    Box::new(self.coerce_bool(l, "OR")?),
                    Box::new(self.coerce_bool(r, "OR")?),
                ))
            }
            B::Arrow | B::LongArrow | B::HashArrow | B::HashLongArrow => {
                return self.bind_json_get(l, r, op)
            }
            B::Plus => ArithOp::Add,
            B::Minus => ArithOp::Sub,
            B::Multiply => ArithOp::Mul,
            B::Divide => ArithOp::Div,
            B::Modulo => ArithOp::Mod,
            B::StringConcat => ArithOp::Concat,
            B::PGExp => return self.call_scalar("power", vec![l, r]),
            B::PGRegexMatch | B::PGRegexIMatch | B::PGRegexNotMatch | B::PGRegexNotIMatch => {
                let mut args = vec![l, r];
                if matches!(op, B::PGRegexIMatch | B::PGRegexNotIMatch) {
                    args.push(Expr::literal(Value::text("i")));
                }
                let matched = self.call_scalar("regexp_like", args)?;
                return Ok(if matches!(op, B::PGRegexNotMatch | B::PGRegexNotIMatch) {
                    Expr::Not(Box::new(matched))
                } else {
                    matched
                });
            }
            other => return Err(Error::unsupported(format!("operator {other}"))),
        };
        self.bind_arith(arith_op, l, r)
    }

    /// Binds `left op right` for an arithmetic operator, typing untyped sides from the other.
    pub(super) fn bind_arith(&mut self, op: ArithOp, l: Expr, r: Expr) -> Result<Expr> {
        let (lt, rt) = (l.data_type(), r.data_type());
        let (l, r) = match (lt == DataType::Unknown, rt == DataType::Unknown) {
            (true, true) if op == ArithOp::Concat => (
                self.coerce(l, &DataType::Text)?,
                self.coerce(r, &DataType::Text)?,
            ),
            (true, true) => {
                let numeric = DataType::Numeric {
                    precision: None,
                    scale: None,
                };
                (self.coerce(l, &numeric)?, self.coerce(r, &numeric)?)
            }
            (true, false) => (self.coerce(l, &untyped_partner(op, &rt))?, r),
            (false, true) => {
                let target = untyped_partner(op, &lt);
                (l, self.coerce(r, &target)?)
            }
            (false, false) => (l, r),
        };
        let data_type = arith::result_type(op, &l.data_type(), &r.data_type())?;
        Ok(Expr::Arith {
            op,
            left: Box::new(l),
            right: Box::new(r),
            data_type,
        })
    }

    /// Binds both sides of a comparison and makes them comparable.
    pub(super) fn bind_comparable(
        &mut self,
        left: &ast::Expr,
        right: &ast::Expr,
        scope: &Scope,
        ctx: ExprContext,
    ) -> Result<(Expr, Expr)> {
        let l = self.bind_expr(left, scope, ctx)?;
        let r = self.bind_expr(right, scope, ctx)?;
        self.comparable(l, r)
    }

    /// Types untyped sides from the other side; refuses types that cannot be compared.
    pub(super) fn comparable(&mut self, l: Expr, r: Expr) -> Result<(Expr, Expr)> {
        let (lt, rt) = (l.data_type(), r.data_type());
        match (lt == DataType::Unknown, rt == DataType::Unknown) {
            (true, true) => Ok((
                self.coerce(l, &DataType::Text)?,
                self.coerce(r, &DataType::Text)?,
            )),
            (true, false) => Ok((self.coerce(l, &rt)?, r)),
            (false, true) => Ok((l, self.coerce(r, &lt)?)),
            (false, false) => {
                if compare::common_type(&lt, &rt).is_none() {
                    return Err(Error::UndefinedOperator(format!("{lt} = {rt}")));
                }
                Ok((l, r))
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn bind_like(
        &mut self,
        expr: &ast::Expr,
        pattern: &ast::Expr,
        escape: Option<&ast::Expr>,
        negated: bool,
        case_insensitive: bool,
        scope: &Scope,
        ctx: ExprContext,
    ) -> Result<Expr> {
        let text = self.bind_expr(expr, scope, ctx)?;
        let text_type = text.data_type();
        let text = self.coerce(text, &DataType::Text).map_err(|_| {
            Error::UndefinedOperator(format!("{text_type} ~~ text (LIKE needs a string)"))
        })?;
        let pattern = self.bind_expr(pattern, scope, ctx)?;
        let pattern = self.coerce(pattern, &DataType::Text)?;
        let escape = match escape {
            None => None,
            Some(e) => match self.bind_expr(e, scope, ctx)? {
                Expr::Literal {
                    value: Value::Text(s),
                    ..
                } if s.chars().count() <= 1 => s.chars().next(),
                _ => {
                    return Err(Error::InvalidParameterValue(
                        "invalid escape string: it must be empty or one character".into(),
                    ))
                }
            },
        };
        Ok(Expr::Like {
            expr: Box::new(text),
            pattern: Box::new(pattern),
            escape,
            negated,
            case_insensitive,
        })
    }

    fn bind_case(
        &mut self,
        operand: Option<&ast::Expr>,
        conditions: &[ast::CaseWhen],
        otherwise: Option<&ast::Expr>,
        scope: &Scope,
        ctx: ExprContext,
    ) -> Result<Expr> {
        let operand = operand.map(|o| self.bind_expr(o, scope, ctx)).transpose()?;
        let mut whens = Vec::with_capacity(conditions.len());
        let mut results = Vec::with_capacity(conditions.len() + 1);
        for when in conditions {
            let condition = self.bind_expr(&when.condition, scope, ctx)?;
            let condition = match &operand {
                Some(subject) => self.comparable(subject.clone(), condition)?.1,
                None => self.coerce_bool(condition, "CASE/WHEN")?,
            };
            whens.push(condition);
            results.push(self.bind_expr(&when.result, scope, ctx)?);
        }
        let has_else = otherwise.is_some();
        if let Some(e) = otherwise {
            results.push(self.bind_expr(e, scope, ctx)?);
        }
        let (results, data_type) = self.unify(results, "CASE")?;
        let mut results = results.into_iter();
        let branches: Vec<(Expr, Expr)> = whens.into_iter().zip(results.by_ref()).collect();
        let otherwise = if has_else {
            results.next().map(Box::new)
        } else {
            None
        };
        Ok(Expr::Case {
            operand: operand.map(Box::new),
            branches,
            otherwise,
            data_type,
        })
    }

    /// `expr::type` / `CAST(expr AS type)`; casts of constants are done now.
    pub(super) fn bind_cast(&mut self, inner: Expr, target: DataType) -> Result<Expr> {
        match inner {
            Expr::Literal {
                value: Value::Text(text),
                data_type: DataType::Unknown,
            } => {
                let value = crate::types::cast::cast(
                    Value::Text(text),
                    &target,
                    crate::types::CastMode::Explicit,
                )?;
                Ok(Expr::Literal {
                    value,
                    data_type: target,
                })
            }
            Expr::Literal { .. }
            | Expr::Param {
                data_type: DataType::Unknown,
                ..
            } if inner.data_type() == DataType::Unknown => self.coerce(inner, &target),
            Expr::Literal { value, .. } => {
                let value =
                    crate::types::cast::cast(value, &target, crate::types::CastMode::Explicit)?;
                Ok(Expr::Literal {
                    value,
                    data_type: target,
                })
            }
            inner => {
                let source = inner.data_type();
                if !crate::types::cast::can_cast(&source, &target, crate::types::CastMode::Explicit)
                {
                    return Err(Error::DatatypeMismatch(format!(
                        "cannot cast type {source} to {target}"
                    )));
                }
                // CHAR(n) to another string type drops the padding, as in PostgreSQL.
                let inner = if matches!(source, DataType::Char(_))
                    && matches!(target, DataType::Text | DataType::Varchar(_))
                {
                    let (function, data_type) =
                        crate::functions::resolve("rtrim", &[DataType::Text])?;
                    Expr::Function {
                        function,
                        args: vec![inner],
                        data_type,
                    }
                } else {
                    inner
                };
                Ok(Expr::Cast {
                    expr: Box::new(inner),
                    data_type: target,
                })
            }
        }
    }

    fn bind_json_get(&mut self, document: Expr, key: Expr, op: &BinaryOperator) -> Result<Expr> {
        let document = match document.data_type() {
            DataType::Unknown => self.coerce(document, &DataType::Jsonb)?,
            t if t.is_json() => document,
            t => {
                return Err(Error::UndefinedOperator(format!(
                    "{t} {op} {}",
                    key.data_type()
                )))
            }
        };
        let as_text = matches!(
            op,
            BinaryOperator::LongArrow | BinaryOperator::HashLongArrow
        );
        let key = if key.data_type() == DataType::Unknown {
            self.coerce(key, &DataType::Text)?
        } else {
            key
        };
        Ok(Expr::JsonGet {
            document: Box::new(document),
            path: vec![key],
            as_text,
        })
    }
}

/// The type an untyped operand takes opposite `other` in `op`.
fn untyped_partner(op: ArithOp, other: &DataType) -> DataType {
    match (op, other) {
        (ArithOp::Concat, DataType::Bytea) => DataType::Bytea,
        (ArithOp::Concat, DataType::Jsonb) => DataType::Jsonb,
        (ArithOp::Concat, _) => DataType::Text,
        (
            ArithOp::Add | ArithOp::Sub,
            DataType::Timestamp | DataType::TimestampTz | DataType::Time,
        ) => DataType::Interval,
        (ArithOp::Sub, DataType::Date) => DataType::Date,
        (ArithOp::Add, DataType::Date) => DataType::Int32,
        (ArithOp::Mul | ArithOp::Div, DataType::Interval) => DataType::Float64,
        _ => other.clone(),
    }
}

/// Types an integer or decimal literal as PostgreSQL does.
fn number_literal(text: &str) -> Result<Expr> {
    if let Ok(v) = text.parse::<i32>() {
        return Ok(Expr::literal(Value::Int32(v)));
    }
    if let Ok(v) = text.parse::<i64>() {
        return Ok(Expr::literal(Value::Int64(v)));
    }
    let decimal: Decimal = text
        .parse()
        .map_err(|_| Error::invalid_text("numeric", text))?;
    Ok(Expr::literal(Value::numeric(decimal)))
}

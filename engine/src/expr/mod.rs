//! Bound expressions: what the binder turns SQL expressions into. Column references are
//! positions in the input row, every node knows its result type, and functions are resolved.
//! Nothing here refers to sqlparser.

mod aggregate;
pub mod aggregate_state;
mod cache;
mod columns;
mod eval;
mod like;
mod subquery;
mod window;

pub use aggregate::{AggregateCall, AggregateFunction};
pub use cache::StatementCache;
pub use eval::{eval_predicate, EvalContext};
pub use like::like_match;
pub use subquery::{SubqueryExpr, SubqueryKind};
pub use window::{FrameBound, WindowCall, WindowFrame, WindowFunction};

use crate::functions::ScalarFunction;
use crate::types::{ArithOp, DataType, Value};

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
}

impl CompareOp {
    /// Whether two values in `ordering` satisfy the operator.
    pub fn holds(self, ordering: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            CompareOp::Eq => ordering == Equal,
            CompareOp::NotEq => ordering != Equal,
            CompareOp::Lt => ordering == Less,
            CompareOp::LtEq => ordering != Greater,
            CompareOp::Gt => ordering == Greater,
            CompareOp::GtEq => ordering != Less,
        }
    }

    /// The operator with its operands swapped (`a < b` == `b > a`).
    pub fn flipped(self) -> Self {
        match self {
            CompareOp::Lt => CompareOp::Gt,
            CompareOp::LtEq => CompareOp::GtEq,
            CompareOp::Gt => CompareOp::Lt,
            CompareOp::GtEq => CompareOp::LtEq,
            other => other,
        }
    }
}

/// A bound expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// The input row's value at `index`.
    Column {
        index: usize,
        data_type: DataType,
    },
    Literal {
        value: Value,
        data_type: DataType,
    },
    /// `$n` (0-based index), converted to `data_type` when the statement runs.
    Param {
        index: usize,
        data_type: DataType,
    },
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Compare {
        op: CompareOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    Arith {
        op: ArithOp,
        left: Box<Expr>,
        right: Box<Expr>,
        data_type: DataType,
    },
    Negate {
        expr: Box<Expr>,
        data_type: DataType,
    },
    IsNull {
        expr: Box<Expr>,
        negated: bool,
    },
    /// `IS [NOT] TRUE` / `IS [NOT] FALSE`.
    IsBool {
        expr: Box<Expr>,
        value: bool,
        negated: bool,
    },
    IsDistinctFrom {
        left: Box<Expr>,
        right: Box<Expr>,
        negated: bool,
    },
    InList {
        expr: Box<Expr>,
        list: Vec<Expr>,
        negated: bool,
    },
    Like {
        expr: Box<Expr>,
        pattern: Box<Expr>,
        escape: Option<char>,
        negated: bool,
        case_insensitive: bool,
    },
    Case {
        operand: Option<Box<Expr>>,
        branches: Vec<(Expr, Expr)>,
        otherwise: Option<Box<Expr>>,
        data_type: DataType,
    },
    Cast {
        expr: Box<Expr>,
        data_type: DataType,
    },
    Function {
        function: ScalarFunction,
        args: Vec<Expr>,
        data_type: DataType,
    },
    Coalesce {
        args: Vec<Expr>,
        data_type: DataType,
    },
    NullIf {
        left: Box<Expr>,
        right: Box<Expr>,
        data_type: DataType,
    },
    /// `->` / `->>` / `#>` / `#>>`.
    JsonGet {
        document: Box<Expr>,
        path: Vec<Expr>,
        as_text: bool,
    },
    /// A column of an enclosing query's row (`depth` 1 = the immediately enclosing query), as
    /// read by a correlated subquery.
    OuterColumn {
        depth: usize,
        index: usize,
        data_type: DataType,
    },
    /// A subquery used as an expression (scalar, EXISTS, IN, ANY/ALL).
    Subquery(Box<SubqueryExpr>),
    /// Only while binding: replaced by a column of the window operator's output.
    Window(Box<WindowCall>),
    /// Only while binding: replaced by a column of the aggregate's output.
    Aggregate(Box<AggregateCall>),
}

impl Expr {
    /// A literal of the value's own type.
    pub fn literal(value: Value) -> Expr {
        let data_type = value.data_type();
        Expr::Literal { value, data_type }
    }

    /// The type of the expression's result.
    pub fn data_type(&self) -> DataType {
        match self {
            Expr::Column { data_type, .. }
            | Expr::Literal { data_type, .. }
            | Expr::Param { data_type, .. }
            | Expr::Arith { data_type, .. }
            | Expr::Negate { data_type, .. }
            | Expr::Case { data_type, .. }
            | Expr::Cast { data_type, .. }
            | Expr::Function { data_type, .. }
            | Expr::Coalesce { data_type, .. }
            | Expr::NullIf { data_type, .. } => data_type.clone(),
            Expr::Not(_)
            | Expr::And(..)
            | Expr::Or(..)
            | Expr::Compare { .. }
            | Expr::IsNull { .. }
            | Expr::IsBool { .. }
            | Expr::IsDistinctFrom { .. }
            | Expr::InList { .. }
            | Expr::Like { .. } => DataType::Bool,
            Expr::JsonGet { as_text: true, .. } => DataType::Text,
            Expr::JsonGet { document, .. } => match document.data_type() {
                DataType::Jsonb => DataType::Jsonb,
                _ => DataType::Json,
            },
            Expr::Aggregate(call) => call.data_type.clone(),
            Expr::OuterColumn { data_type, .. } => data_type.clone(),
            Expr::Window(call) => call.data_type.clone(),
            Expr::Subquery(s) => s.data_type(),
        }
    }

    /// Calls `visit` on this node and every node below it.
    pub fn walk(&self, visit: &mut dyn FnMut(&Expr)) {
        visit(self);
        self.for_each_child(&mut |child| child.walk(visit));
    }

    /// Calls `f` on each direct child.
    pub fn for_each_child(&self, f: &mut dyn FnMut(&Expr)) {
        match self {
            Expr::Column { .. } | Expr::Literal { .. } | Expr::Param { .. } => {}
            Expr::Not(e)
            | Expr::Negate { expr: e, .. }
            | Expr::IsNull { expr: e, .. }
            | Expr::IsBool { expr: e, .. } => f(e),
            Expr::Cast { expr, .. } => f(expr),
            Expr::And(l, r) | Expr::Or(l, r) => {
                f(l);
                f(r);
            }
            Expr::Compare { left, right, .. }
            | Expr::Arith { left, right, .. }
            | Expr::IsDistinctFrom { left, right, .. }
            | Expr::NullIf { left, right, .. } => {
                f(left);
                f(right);
            }
            Expr::InList { expr, list, .. } => {
                f(expr);
                list.iter().for_each(f);
            }
            Expr::Like { expr, pattern, .. } => {
                f(expr);
                f(pattern);
            }
            Expr::Case {
                operand,
                branches,
                otherwise,
                ..
            } => {
                if let Some(o) = operand {
                    f(o);
                }
                for (when, then) in branches {
                    f(when);
                    f(then);
                }
                if let Some(o) = otherwise {
                    f(o);
                }
            }
            Expr::Function { args, .. } | Expr::Coalesce { args, .. } => args.iter().for_each(f),
            Expr::JsonGet { document, path, .. } => {
                f(document);
                path.iter().for_each(f);
            }
            Expr::Aggregate(call) => {
                if let Some(arg) = &call.arg {
                    f(arg);
                }
            }
            Expr::OuterColumn { .. } => {}
            Expr::Window(call) => call.exprs().for_each(f),
            Expr::Subquery(s) => {
                if let Some(needle) = s.kind.needle() {
                    f(needle);
                }
            }
        }
    }

    /// Rebuilds this node with each direct child replaced by `f(child)`.
    pub fn map_children(
        self,
        f: &mut dyn FnMut(Expr) -> crate::Result<Expr>,
    ) -> crate::Result<Expr> {
        let mut t = |e: Box<Expr>| -> crate::Result<Box<Expr>> { Ok(Box::new(f(*e)?)) };
        let node = match self {
            leaf @ (Expr::Column { .. } | Expr::Literal { .. } | Expr::Param { .. }) => leaf,
            Expr::Not(e) => Expr::Not(t(e)?),
            Expr::And(l, r) => Expr::And(t(l)?, t(r)?),
            Expr::Or(l, r) => Expr::Or(t(l)?, t(r)?),
            Expr::Compare { op, left, right } => Expr::Compare {
                op,
                left: t(left)?,
                right: t(right)?,
            },
            Expr::Arith {
                op,
                left,
                right,
                data_type,
            } => Expr::Arith {
                op,
                left: t(left)?,
                right: t(right)?,
                data_type,
            },
            Expr::Negate { expr, data_type } => Expr::Negate {
                expr: t(expr)?,
                data_type,
            },
            Expr::IsNull { expr, negated } => Expr::IsNull {
                expr: t(expr)?,
                negated,
            },
            Expr::IsBool {
                expr,
                value,
                negated,
            } => Expr::IsBool {
                expr: t(expr)?,
                value,
                negated,
            },
            Expr::IsDistinctFrom {
                left,
                right,
                negated,
            } => Expr::IsDistinctFrom {
                left: t(left)?,
                right: t(right)?,
                negated,
            },
            Expr::InList {
                expr,
                list,
                negated,
            } => {
                let expr = t(expr)?;
                Expr::InList {
                    expr,
                    list: list
                        .into_iter()
                        .map(|e| t(Box::new(e)).map(|b| *b))
                        .collect::<crate::Result<_>>()?,
                    negated,
                }
            }
            Expr::Like {
                expr,
                pattern,
                escape,
                negated,
                case_insensitive,
            } => Expr::Like {
                expr: t(expr)?,
                pattern: t(pattern)?,
                escape,
                negated,
                case_insensitive,
            },
            Expr::Case {
                operand,
                branches,
                otherwise,
                data_type,
            } => {
                let operand = operand.map(&mut t).transpose()?;
                let mut mapped = Vec::with_capacity(branches.len());
                for (when, then) in branches {
                    mapped.push((*t(Box::new(when))?, *t(Box::new(then))?));
                }
                Expr::Case {
                    operand,
                    branches: mapped,
                    otherwise: otherwise.map(&mut t).transpose()?,
                    data_type,
                }
            }
            Expr::Cast { expr, data_type } => Expr::Cast {
                expr: t(expr)?,
                data_type,
            },
            Expr::Function {
                function,
                args,
                data_type,
            } => Expr::Function {
                function,
                args: args
                    .into_iter()
                    .map(|e| t(Box::new(e)).map(|b| *b))
                    .collect::<crate::Result<_>>()?,
                data_type,
            },
            Expr::Coalesce { args, data_type } => Expr::Coalesce {
                args: args
                    .into_iter()
                    .map(|e| t(Box::new(e)).map(|b| *b))
                    .collect::<crate::Result<_>>()?,
                data_type,
            },
            Expr::NullIf {
                left,
                right,
                data_type,
            } => Expr::NullIf {
                left: t(left)?,
                right: t(right)?,
                data_type,
            },
            Expr::JsonGet {
                document,
                path,
                as_text,
            } => {
                let document = t(document)?;
                Expr::JsonGet {
                    document,
                    path: path
                        .into_iter()
                        .map(|e| t(Box::new(e)).map(|b| *b))
                        .collect::<crate::Result<_>>()?,
                    as_text,
                }
            }
            Expr::Aggregate(call) => Expr::Aggregate(call),
            outer @ Expr::OuterColumn { .. } => outer,
            Expr::Window(mut call) => {
                call.map_exprs(f)?;
                Expr::Window(call)
            }
            Expr::Subquery(mut s) => {
                s.kind = s.kind.map_needle(f)?;
                Expr::Subquery(s)
            }
        };
        Ok(node)
    }

    /// True if the tree holds a subquery that reads the current row.
    pub fn has_correlated_subquery(&self) -> bool {
        let mut found = false;
        self.walk(&mut |e| found |= matches!(e, Expr::Subquery(s) if s.correlated));
        found
    }

    /// True if the tree contains a window function call.
    pub fn has_window(&self) -> bool {
        let mut found = false;
        self.walk(&mut |e| found |= matches!(e, Expr::Window(_)));
        found
    }

    /// True if the tree contains an aggregate call.
    pub fn has_aggregate(&self) -> bool {
        let mut found = false;
        self.walk(&mut |e| found |= matches!(e, Expr::Aggregate(_)));
        found
    }

    /// True if the expression reads no column of the input row (literals, parameters, and
    /// functions of them): it can be evaluated once when a scan starts.
    pub fn is_row_independent(&self) -> bool {
        let mut independent = true;
        self.walk(&mut |e| match e {
            Expr::Column { .. } | Expr::Aggregate(_) | Expr::Window(_) => independent = false,
            Expr::Subquery(s) if s.correlated => independent = false,
            _ => {}
        });
        independent
    }
}

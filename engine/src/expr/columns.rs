//! Questions and rewrites about which input columns an expression reads, used by the planner to
//! push conditions below joins.

use super::Expr;
use crate::error::Result;

impl Expr {
    /// The lowest and highest input column the expression reads, or `None` if it reads none.
    pub fn column_span(&self) -> Option<(usize, usize)> {
        let mut span: Option<(usize, usize)> = None;
        self.walk(&mut |e| {
            if let Expr::Column { index, .. } = e {
                span = Some(match span {
                    None => (*index, *index),
                    Some((lo, hi)) => (lo.min(*index), hi.max(*index)),
                });
            }
        });
        span
    }

    /// The expression with every column reference moved down by `offset` (for an expression
    /// over a join's right input, bound over the combined row).
    pub fn shift_columns_down(self, offset: usize) -> Result<Expr> {
        match self {
            Expr::Column { index, data_type } => Ok(Expr::Column {
                index: index.saturating_sub(offset),
                data_type,
            }),
            other => other.map_children(&mut |child| child.shift_columns_down(offset)),
        }
    }

    /// Splits a conjunction into its parts.
    pub fn into_conjuncts(self) -> Vec<Expr> {
        match self {
            Expr::And(l, r) => {
                let mut parts = l.into_conjuncts();
                parts.extend(r.into_conjuncts());
                parts
            }
            other => vec![other],
        }
    }

    /// One column reference per type, in order: the identity projection of a row.
    pub fn columns(types: impl IntoIterator<Item = crate::types::DataType>) -> Vec<Expr> {
        types
            .into_iter()
            .enumerate()
            .map(|(index, data_type)| Expr::Column { index, data_type })
            .collect()
    }

    /// The conjunction of `parts`, or `None` for no parts.
    pub fn conjunction(parts: Vec<Expr>) -> Option<Expr> {
        parts
            .into_iter()
            .reduce(|acc, e| Expr::And(Box::new(acc), Box::new(e)))
    }
}

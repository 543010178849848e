//! Window function calls (`row_number() OVER (...)` and friends): what the binder produces and
//! the window operator computes.

use super::{AggregateCall, Expr};
use crate::planner::SortKey;
use crate::types::DataType;

/// The window functions.
#[derive(Debug, Clone, PartialEq)]
pub enum WindowFunction {
    RowNumber,
    Rank,
    DenseRank,
    /// `lag(value [, offset [, default]])`
    Lag,
    /// `lead(value [, offset [, default]])`
    Lead,
    FirstValue,
    LastValue,
    /// An aggregate over the window frame.
    Aggregate(Box<AggregateCall>),
}

/// One end of a window frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameBound {
    UnboundedPreceding,
    Preceding(u64),
    CurrentRow,
    Following(u64),
    UnboundedFollowing,
}

/// Which rows of the partition an aggregate sees for the current row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowFrame {
    /// ROWS counts rows; RANGE (the default) also takes the current row's peers.
    pub rows: bool,
    pub start: FrameBound,
    pub end: FrameBound,
}

impl WindowFrame {
    /// PostgreSQL's default: RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW.
    pub const DEFAULT: WindowFrame = WindowFrame {
        rows: false,
        start: FrameBound::UnboundedPreceding,
        end: FrameBound::CurrentRow,
    };
}

/// A bound window function call.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowCall {
    pub function: WindowFunction,
    pub args: Vec<Expr>,
    pub partition_by: Vec<Expr>,
    pub order_by: Vec<SortKey>,
    pub frame: WindowFrame,
    pub data_type: DataType,
}

impl WindowCall {
    /// Every expression of the call (arguments, aggregate argument, partition and order keys).
    pub fn exprs(&self) -> impl Iterator<Item = &Expr> {
        let aggregate_arg = match &self.function {
            WindowFunction::Aggregate(call) => call.arg.as_ref(),
            _ => None,
        };
        self.args
            .iter()
            .chain(aggregate_arg)
            .chain(&self.partition_by)
            .chain(self.order_by.iter().map(|k| &k.expr))
    }

    /// Rewrites every expression of the call by `f`.
    pub fn map_exprs(
        &mut self,
        f: &mut dyn FnMut(Expr) -> crate::Result<Expr>,
    ) -> crate::Result<()> {
        let mut apply = |e: &mut Expr| -> crate::Result<()> {
            let taken = std::mem::replace(e, Expr::literal(crate::Value::Null));
            *e = f(taken)?;
            Ok(())
        };
        self.args.iter_mut().try_for_each(&mut apply)?;
        if let WindowFunction::Aggregate(call) = &mut self.function {
            if let Some(arg) = &mut call.arg {
                apply(arg)?;
            }
        }
        self.partition_by.iter_mut().try_for_each(&mut apply)?;
        self.order_by
            .iter_mut()
            .try_for_each(|k| apply(&mut k.expr))
    }
}

//! [`StatementCache`]: state shared by all operators of one statement execution — results of
//! uncorrelated subqueries, and the work tables of recursive CTEs.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use super::subquery::SubqueryRows;
use crate::types::Value;

/// Per-execution state; a fresh one is made for every statement run.
#[derive(Default)]
pub struct StatementCache {
    /// Uncorrelated subquery results by subquery id.
    pub(super) subqueries: RefCell<HashMap<usize, Rc<SubqueryRows>>>,
    /// The rows the current iteration of a recursive CTE reads, by CTE id.
    work_tables: RefCell<HashMap<usize, Rc<Vec<Vec<Value>>>>>,
}

impl StatementCache {
    /// Sets the rows a recursive CTE's work table yields.
    pub fn set_work_table(&self, id: usize, rows: Rc<Vec<Vec<Value>>>) {
        self.work_tables.borrow_mut().insert(id, rows);
    }

    /// The rows of a recursive CTE's work table (empty before the first iteration).
    pub fn work_table(&self, id: usize) -> Rc<Vec<Vec<Value>>> {
        self.work_tables
            .borrow()
            .get(&id)
            .cloned()
            .unwrap_or_default()
    }
}

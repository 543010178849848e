//! What a statement returns: [`QueryResult`] with its [`Column`]s, [`Row`]s and [`CommandTag`].

use std::fmt;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::types::{DataType, FromValue, Value};

/// Name and type of one result column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub data_type: DataType,
}

/// The PostgreSQL-style completion tag of a statement, e.g. `SELECT 3`, `INSERT 0 1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandTag {
    Select(u64),
    Insert(u64),
    Update(u64),
    Delete(u64),
    /// Any other statement; the text is the tag (`CREATE TABLE`, `BEGIN`, ...).
    Other(String),
}

impl CommandTag {
    /// Rows returned or affected, when the statement counts rows.
    pub fn rows(&self) -> Option<u64> {
        match self {
            CommandTag::Select(n)
            | CommandTag::Insert(n)
            | CommandTag::Update(n)
            | CommandTag::Delete(n) => Some(*n),
            CommandTag::Other(_) => None,
        }
    }
}

impl fmt::Display for CommandTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommandTag::Select(n) => write!(f, "SELECT {n}"),
            CommandTag::Insert(n) => write!(f, "INSERT 0 {n}"),
            CommandTag::Update(n) => write!(f, "UPDATE {n}"),
            CommandTag::Delete(n) => write!(f, "DELETE {n}"),
            CommandTag::Other(tag) => f.write_str(tag),
        }
    }
}

/// The outcome of one statement: columns and rows (empty for statements without a result set or
/// `RETURNING`), and the completion tag.
#[derive(Debug, Clone)]
pub struct QueryResult {
    pub columns: Arc<[Column]>,
    pub rows: Vec<Row>,
    pub tag: CommandTag,
}

impl QueryResult {
    /// A result without rows.
    pub fn command(tag: CommandTag) -> Self {
        QueryResult {
            columns: no_columns(),
            rows: Vec::new(),
            tag,
        }
    }

    /// True when the statement produces a result set (a query or `RETURNING`).
    pub fn has_rows(&self) -> bool {
        !self.columns.is_empty()
    }

    /// Rows affected (DML) or returned (SELECT).
    pub fn rows_affected(&self) -> u64 {
        self.tag.rows().unwrap_or(0)
    }
}

/// The empty column list of results without rows, shared so that a command allocates none.
fn no_columns() -> Arc<[Column]> {
    static EMPTY: std::sync::OnceLock<Arc<[Column]>> = std::sync::OnceLock::new();
    EMPTY.get_or_init(|| Arc::from(Vec::new())).clone()
}

/// One result row. Values are read by position or by column name with [`Row::get`].
#[derive(Debug, Clone)]
pub struct Row {
    columns: Arc<[Column]>,
    values: Vec<Value>,
}

/// Addresses a column of a [`Row`]: a `usize` position or a `&str` name.
pub trait ColumnIndex {
    /// The position of the column in `columns`.
    fn position(&self, columns: &[Column]) -> Result<usize>;
}

impl ColumnIndex for usize {
    fn position(&self, columns: &[Column]) -> Result<usize> {
        if *self < columns.len() {
            Ok(*self)
        } else {
            Err(Error::InvalidParameterValue(format!(
                "column index {self} is out of range (the row has {} columns)",
                columns.len()
            )))
        }
    }
}

impl ColumnIndex for &str {
    fn position(&self, columns: &[Column]) -> Result<usize> {
        columns
            .iter()
            .position(|c| c.name == *self)
            .ok_or_else(|| Error::UndefinedColumn((*self).to_string()))
    }
}

impl Row {
    /// A row of `values` under `columns` (one value per column).
    pub fn new(columns: Arc<[Column]>, values: Vec<Value>) -> Self {
        Row { columns, values }
    }

    /// Reads one column as a Rust type; `Option<T>` reads NULL as `None`.
    pub fn get<T: FromValue>(&self, index: impl ColumnIndex) -> Result<T> {
        let position = index.position(&self.columns)?;
        T::from_value(&self.values[position])
    }

    /// The raw value of one column.
    pub fn value(&self, index: impl ColumnIndex) -> Result<&Value> {
        let position = index.position(&self.columns)?;
        Ok(&self.values[position])
    }

    /// All values, in column order.
    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// Takes the values out of the row.
    pub fn into_values(self) -> Vec<Value> {
        self.values
    }

    /// The row's columns.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// Number of columns.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// True for a row of zero columns.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

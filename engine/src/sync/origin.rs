//! The [`Origin`] trait: what tether needs from an upstream database to mirror its tables and
//! write back to them. The in-process origin ([`super::TetherOrigin`]) implements it over another
//! tether database; the `tether-origins` crate implements it for PostgreSQL and MySQL/MariaDB.
//!
//! The trait is dyn-compatible (boxed futures), so origins are registered as `Arc<dyn Origin>`.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::api::QueryResult;
use crate::types::{DataType, Value};

/// A boxed, sendable future, as the trait's methods return.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A table at an origin: `schema.name` (for MySQL the schema is the database).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OriginTableName {
    pub schema: String,
    pub name: String,
}

impl fmt::Display for OriginTableName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.schema, self.name)
    }
}

/// One column of an origin table, with its type mapped to tether's.
#[derive(Debug, Clone, PartialEq)]
pub struct OriginColumn {
    pub name: String,
    pub data_type: DataType,
    pub nullable: bool,
}

/// What [`Origin::describe_table`] reports.
#[derive(Debug, Clone, PartialEq)]
pub struct OriginTable {
    pub name: OriginTableName,
    pub columns: Vec<OriginColumn>,
    /// Names of the primary key columns, in key order; never empty for a mirrorable table.
    pub primary_key: Vec<String>,
    /// Whether rows carry a system version (PostgreSQL and tether `xmin`).
    pub has_system_version: bool,
}

impl OriginTable {
    /// The position of a column by exact name.
    pub fn column_position(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }
}

/// How far a change stream has been read: an origin-specific label (LSN, binlog file/position,
/// commit timestamp) and a number that orders positions of one origin.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Position {
    pub ordinal: u64,
    pub label: Arc<str>,
}

impl Position {
    /// A position whose label is its number.
    pub fn numbered(ordinal: u64) -> Position {
        Position {
            ordinal,
            label: Arc::from(ordinal.to_string()),
        }
    }
}

impl PartialOrd for Position {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Position {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.ordinal.cmp(&other.ordinal)
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)
    }
}

/// An origin row: values in the table's column order, and its version when the view has one.
#[derive(Debug, Clone, PartialEq)]
pub struct OriginRow {
    pub values: Vec<Value>,
    /// The system version (`xmin`) as text, when the origin has one.
    pub system_version: Option<String>,
    /// Positions of columns whose value the change does not carry because it did not change
    /// (PostgreSQL's unchanged TOAST values): the mirror keeps the value it has.
    pub unchanged: Vec<usize>,
}

impl OriginRow {
    /// A row with every value given.
    pub fn new(values: Vec<Value>, system_version: Option<String>) -> OriginRow {
        OriginRow {
            values,
            system_version,
            unchanged: Vec::new(),
        }
    }
}

/// A consistent copy of one table and the stream position it was taken at.
#[derive(Debug, Clone)]
pub struct OriginSnapshot {
    pub position: Position,
    pub rows: Vec<OriginRow>,
}

/// What happened to one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OriginChangeKind {
    Insert,
    Update,
    Delete,
    /// Every row of the table is gone (`TRUNCATE`); `old` and `new` are `None`.
    Truncate,
}

/// One row change of an origin transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct OriginChange {
    pub table: OriginTableName,
    pub kind: OriginChangeKind,
    /// The row before (update, delete): at least its primary key values.
    pub old: Option<OriginRow>,
    /// The row after (insert, update).
    pub new: Option<OriginRow>,
}

/// One committed origin transaction, whole.
#[derive(Debug, Clone, PartialEq)]
pub struct OriginTransaction {
    /// The commit's position.
    pub position: Position,
    pub changes: Vec<OriginChange>,
}

/// What a change stream yields.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamEvent {
    /// A committed transaction (possibly with no change to the followed tables).
    Transaction(OriginTransaction),
    /// The stream has seen everything up to this position (keepalives, idle origin).
    Progress(Position),
}

/// Committed origin transactions in commit order, from a position.
pub trait ChangeStream: Send {
    /// The next event; waits for one. An error means the stream is broken: reopen it with
    /// [`Origin::changes`] from the last acknowledged position.
    fn next(&mut self) -> BoxFuture<'_, Result<StreamEvent, OriginError>>;
    /// Tells the origin that everything up to `position` is applied locally and may be
    /// released (slot confirmed, binlog position saved).
    fn acknowledge(&mut self, position: &Position);
}

/// Which version a compare-and-set write checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionCheck {
    /// The origin's system version (`xmin`).
    System,
    /// A BIGINT column the write bumps by one (`col = col + 1`).
    Column(String),
    /// No version: last writer wins.
    None,
}

/// The kind of a row write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteOp {
    Insert,
    Update,
    Delete,
}

impl WriteOp {
    /// `insert`, `update` or `delete`, as `tether.write_attempts.op` shows it.
    pub fn as_str(self) -> &'static str {
        match self {
            WriteOp::Insert => "insert",
            WriteOp::Update => "update",
            WriteOp::Delete => "delete",
        }
    }
}

/// One row write of a batch, in origin column names.
#[derive(Debug, Clone, PartialEq)]
pub struct OriginWrite {
    pub table: OriginTableName,
    pub op: WriteOp,
    /// Primary key columns and values.
    pub key: Vec<(String, Value)>,
    /// Columns to set (insert: the given columns; update: the assigned ones).
    pub values: Vec<(String, Value)>,
    pub version: VersionCheck,
    /// The version the write is based on (update, delete); `None` with [`VersionCheck::None`].
    pub base_version: Option<String>,
    /// The row as the client saw it (update, delete): the origin columns the view shows. An
    /// origin whose stream can report a version other than the row's real one (PostgreSQL rows
    /// written in a subtransaction) compares these values before calling a mismatch a conflict.
    pub base_row: Option<Vec<(String, Value)>>,
    /// An earlier write of this batch touched the same row: check against the version that
    /// write produced instead of `base_version`.
    pub follows_previous: bool,
}

/// Why a compare-and-set did not apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictKind {
    /// The row's version is not the base version: someone else changed it.
    VersionMismatch,
    /// The row is gone (update, delete).
    RowMissing,
    /// An insert's key exists already.
    DuplicateKey,
}

impl ConflictKind {
    /// As `tether.write_attempts.conflict` shows it.
    pub fn as_str(self) -> &'static str {
        match self {
            ConflictKind::VersionMismatch => "version_mismatch",
            ConflictKind::RowMissing => "row_missing",
            ConflictKind::DuplicateKey => "duplicate_key",
        }
    }
}

/// The outcome of one write of a batch.
#[derive(Debug, Clone, PartialEq)]
pub enum WriteOutcome {
    /// Applied; the version the row has now (`None` for deletes and last-writer-wins).
    Applied { new_version: Option<String> },
    /// The compare-and-set failed; `origin_row` is the row as the origin has it (column name,
    /// value), `None` when it does not exist.
    Conflicted {
        kind: ConflictKind,
        origin_row: Option<Vec<(String, Value)>>,
    },
    /// The origin refused the write for good (constraint, permission): retrying cannot help.
    Rejected { error: String },
    /// Not applied because another write of the same batch failed (the batch is all or nothing).
    RolledBack,
}

/// The outcome of a batch: one outcome per write, and where the batch committed.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchOutcome {
    pub outcomes: Vec<WriteOutcome>,
    /// The commit's stream position, when the batch committed.
    pub commit_position: Option<Position>,
}

/// An origin-side failure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OriginError {
    /// The origin cannot be reached now; retrying later may work.
    #[error("origin unavailable: {0}")]
    Unavailable(String),
    /// The origin or table is set up in a way tether cannot use; the message says how to fix it.
    #[error("{0}")]
    Setup(String),
    /// The stream position asked for is gone; the view must take a new snapshot.
    #[error("stream position no longer available: {0}")]
    PositionLost(String),
    /// A statement failed at the origin.
    #[error("{0}")]
    Sql(String),
}

impl OriginError {
    /// Whether retrying later may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, OriginError::Unavailable(_))
    }
}

/// An upstream database that views can mirror and write back to.
pub trait Origin: Send + Sync + 'static {
    /// Columns, types, primary key and version support of a table.
    fn describe_table<'a>(
        &'a self,
        table: &'a OriginTableName,
    ) -> BoxFuture<'a, Result<OriginTable, OriginError>>;

    /// Every row of a table, consistent with the returned stream position: the changes after
    /// that position are exactly those the snapshot does not contain.
    fn snapshot<'a>(
        &'a self,
        table: &'a OriginTable,
    ) -> BoxFuture<'a, Result<OriginSnapshot, OriginError>>;

    /// [`Origin::snapshot`] streamed: the rows come in chunks as the origin sends them, so
    /// loading overlaps the copy. The default streams the whole snapshot once taken.
    fn snapshot_stream<'a>(
        &'a self,
        table: &'a OriginTable,
    ) -> BoxFuture<'a, Result<Box<dyn super::SnapshotStream + 'a>, OriginError>> {
        Box::pin(async move {
            let snapshot = self.snapshot(table).await?;
            let stream: Box<dyn super::SnapshotStream + 'a> =
                Box::new(super::WholeSnapshot::from(snapshot));
            Ok(stream)
        })
    }

    /// The committed transactions after `from`, in commit order, for the given table.
    fn changes<'a>(
        &'a self,
        table: &'a OriginTable,
        from: &'a Position,
    ) -> BoxFuture<'a, Result<Box<dyn ChangeStream>, OriginError>>;

    /// The origin's current stream position (what a flush waits for views to reach).
    fn current_position(&self) -> BoxFuture<'_, Result<Position, OriginError>>;

    /// Applies a batch of writes as ONE origin transaction: all applied, or none.
    fn apply<'a>(
        &'a self,
        writes: &'a [OriginWrite],
    ) -> BoxFuture<'a, Result<BatchOutcome, OriginError>>;

    /// How many batches the dispatcher may have in [`Origin::apply`] at once. Batches in flight
    /// together never share a row (per-row order is kept); an origin that can pipeline
    /// statements says more than one. The default is one batch at a time.
    fn max_in_flight(&self) -> usize {
        1
    }

    /// Runs plain SQL on the origin (one or more statements) and returns their results.
    fn execute<'a>(&'a self, sql: &'a str) -> BoxFuture<'a, Result<Vec<QueryResult>, OriginError>>;

    /// A view of `table` was dropped: free what its streams held at the origin (a persistent
    /// replication slot). The default does nothing.
    fn release<'a>(&'a self, table: &'a OriginTable) -> BoxFuture<'a, ()> {
        let _ = table;
        Box::pin(async {})
    }
}

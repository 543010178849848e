//! [`MySqlOrigin`]: a MySQL or MariaDB server as an origin of realtime views. SQL (describe,
//! write-back, `execute`, positions) runs on one connection with `CLIENT_FOUND_ROWS`, UTC and
//! utf8mb4; each snapshot runs on a connection of its own, and each change stream on a binlog
//! connection of its own, registered as a replica with a server id unique in this process.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use mysql_async::prelude::Queryable;
use mysql_async::{Conn, Opts, OptsBuilder};
use tether_engine::sync::{
    BatchOutcome, BoxFuture, ChangeStream, Origin, OriginError, OriginSnapshot, OriginTable,
    OriginTableName, OriginWrite, Position,
};
use tether_engine::QueryResult;

use super::error::MySqlError;
use super::position::BinlogPosition;
use super::types::ColumnInfo;
use super::{apply, describe, snapshot, stream};
use crate::connection_pool::ConnectionPool;
use crate::group_commit::{GroupCommit, MAX_GROUP, MAX_IN_FLIGHT};

/// How long a connection attempt may take.
pub(super) const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A described table with the origin encoding of each column.
#[derive(Debug, Clone)]
pub struct TableInfo {
    pub table: OriginTable,
    /// Parallel to `table.columns`.
    pub columns: Vec<ColumnInfo>,
}

impl TableInfo {
    /// The encoding of a column by name.
    pub fn column(&self, name: &str) -> Option<&ColumnInfo> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// Described tables by name, shared with the streams (which forget a table whose schema
/// changed).
pub(super) type TableCache = Arc<parking_lot::Mutex<HashMap<OriginTableName, Arc<TableInfo>>>>;

/// Which server this is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flavor {
    pub mariadb: bool,
    /// `SELECT VERSION()`.
    pub version: String,
}

/// A MySQL / MariaDB origin.
#[derive(Clone)]
pub struct MySqlOrigin {
    inner: Arc<Inner>,
}

pub(super) struct Inner {
    /// Options of every connection (SQL, snapshot, binlog).
    pub opts: Opts,
    conn: tokio::sync::Mutex<Option<Conn>>,
    /// Write-back connections: batches in flight together each run on their own.
    writers: ConnectionPool<Conn>,
    pub tables: TableCache,
    flavor: parking_lot::Mutex<Option<Flavor>>,
    /// The user may stream the binlog (checked once, at the first describe).
    pub replication_checked: AtomicBool,
    server_id_base: AtomicU32,
    /// Single-write batches in flight, sent together as one transaction per group.
    pub groups: GroupCommit,
}

/// How many write-back connections an origin opens at most (so how many batches or groups run
/// at once; batches in flight together never share a row).
pub const WRITERS: usize = 4;

/// Numbers the binlog connections of this process.
static STREAMS: AtomicU32 = AtomicU32::new(0);

impl std::fmt::Debug for MySqlOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "MySqlOrigin({}:{}/{})",
            self.inner.opts.ip_or_hostname(),
            self.inner.opts.tcp_port(),
            self.inner.opts.db_name().unwrap_or("")
        )
    }
}

impl MySqlOrigin {
    /// An origin for the server at `url` (`mysql://user:password@host:port/database`, with
    /// mysql_async's URL parameters). Unqualified table names are in `database`. Nothing
    /// connects until the origin is used.
    pub fn new(url: &str) -> Result<MySqlOrigin, OriginError> {
        let opts = Opts::from_url(url)
            .map_err(|e| OriginError::Setup(format!("bad MySQL URL {url:?}: {e}")))?;
        Ok(MySqlOrigin::from_opts(opts))
    }

    /// An origin from mysql_async options (socket connections, TLS, ...).
    pub fn from_opts(opts: impl Into<Opts>) -> MySqlOrigin {
        let opts: Opts = opts.into();
        // The caller's init commands, then ours: text as UTF-8, TIMESTAMP values in UTC.
        let mut init: Vec<String> = opts.init().to_vec();
        init.push("SET NAMES utf8mb4".into());
        init.push("SET time_zone = '+00:00'".into());
        let opts: Opts = OptsBuilder::from_opts(opts)
            .client_found_rows(true)
            .init(init)
            .into();
        let pid = std::process::id();
        MySqlOrigin {
            inner: Arc::new(Inner {
                opts,
                conn: tokio::sync::Mutex::new(None),
                writers: ConnectionPool::new(WRITERS),
                tables: TableCache::default(),
                flavor: parking_lot::Mutex::new(None),
                replication_checked: AtomicBool::new(false),
                server_id_base: AtomicU32::new(0x4000_0000 | ((pid & 0x7FFF) << 15)),
                groups: GroupCommit::new(WRITERS, MAX_GROUP),
            }),
        }
    }

    /// Sets the first server id this origin's binlog connections register with (each stream
    /// takes the next one). Every replica and binlog reader of a server needs its own id; the
    /// default is derived from the process id, `0x40000000 | pid << 15`.
    pub fn with_server_id_base(self, base: u32) -> MySqlOrigin {
        self.inner.server_id_base.store(base, Ordering::Relaxed);
        self
    }
}

impl Inner {
    /// The SQL connection, (re)connecting when there is none.
    pub async fn conn(&self) -> Result<tokio::sync::MutexGuard<'_, Option<Conn>>, MySqlError> {
        let mut guard = self.conn.lock().await;
        if guard.is_none() {
            *guard = Some(self.connect().await?);
        }
        Ok(guard)
    }

    /// A write-back connection: a free one, else the next in turn once it is free;
    /// (re)connecting when it has none.
    pub async fn writer(&self) -> Result<tokio::sync::MutexGuard<'_, Option<Conn>>, MySqlError> {
        let mut guard = self.writers.slot().await;
        if guard.is_none() {
            *guard = Some(self.connect().await?);
        }
        Ok(guard)
    }

    /// Forgets the SQL connection (it broke).
    pub fn forget(guard: &mut tokio::sync::MutexGuard<'_, Option<Conn>>) {
        **guard = None;
    }

    /// A new connection.
    pub async fn connect(&self) -> Result<Conn, MySqlError> {
        match tokio::time::timeout(CONNECT_TIMEOUT, Conn::new(self.opts.clone())).await {
            Ok(conn) => Ok(conn?),
            Err(_) => Err(MySqlError::Closed(format!(
                "connecting to {}:{} timed out after {} s",
                self.opts.ip_or_hostname(),
                self.opts.tcp_port(),
                CONNECT_TIMEOUT.as_secs()
            ))),
        }
    }

    /// The database unqualified table names are in.
    pub fn default_database(&self) -> Option<&str> {
        self.opts.db_name().filter(|d| !d.is_empty())
    }

    /// A server id for a new binlog connection.
    pub fn next_server_id(&self) -> u32 {
        let n = STREAMS.fetch_add(1, Ordering::Relaxed) & 0x7FFF;
        self.server_id_base
            .load(Ordering::Relaxed)
            .wrapping_add(n)
            .max(2)
    }

    /// MariaDB or MySQL, asked once.
    pub async fn flavor(&self, conn: &mut Conn) -> Result<Flavor, MySqlError> {
        if let Some(flavor) = self.flavor.lock().clone() {
            return Ok(flavor);
        }
        let version: Option<String> = conn.query_first("SELECT VERSION()").await?;
        let version = version.unwrap_or_default();
        let flavor = Flavor {
            mariadb: version.to_ascii_lowercase().contains("mariadb"),
            version,
        };
        *self.flavor.lock() = Some(flavor.clone());
        Ok(flavor)
    }

    /// The table's description, describing it now if needed.
    pub async fn table_info(&self, name: &OriginTableName) -> Result<Arc<TableInfo>, OriginError> {
        if let Some(info) = self.tables.lock().get(name) {
            return Ok(info.clone());
        }
        describe::describe(self, name).await
    }

    /// The described-table cache, for a stream.
    pub fn tables_handle(&self) -> TableCache {
        self.tables.clone()
    }
}

/// The binlog file and offset the server writes next (`SHOW MASTER STATUS`, or `SHOW BINARY LOG
/// STATUS` on MySQL 8.4), `None` when the binary log is off.
pub(super) async fn binlog_status(conn: &mut Conn) -> Result<Option<BinlogPosition>, MySqlError> {
    let rows: Vec<mysql_async::Row> = match conn.query("SHOW MASTER STATUS").await {
        Ok(rows) => rows,
        // MySQL 8.4 removed SHOW MASTER STATUS (a syntax error there).
        Err(mysql_async::Error::Server(e)) if e.code == SYNTAX_ERROR => {
            conn.query("SHOW BINARY LOG STATUS").await?
        }
        Err(e) => return Err(e.into()),
    };
    status_position(&rows)
}

/// MySQL's syntax error: what `SHOW MASTER STATUS` gets on MySQL 8.4.
const SYNTAX_ERROR: u16 = 1064;

/// `COMMIT`, then the binlog position after it, in one round trip (`COMMIT; SHOW MASTER
/// STATUS`). The outer error is the COMMIT's (the transaction did not commit); the inner
/// result is the position's (the transaction committed either way). On a server without
/// `SHOW MASTER STATUS` the position is asked again through [`binlog_status`].
pub(super) async fn commit_with_status(
    conn: &mut Conn,
) -> Result<Result<Option<BinlogPosition>, MySqlError>, MySqlError> {
    // The first response is the COMMIT's: an error there means it failed, and the server runs
    // nothing after it.
    let mut result = conn.query_iter("COMMIT; SHOW MASTER STATUS").await?;
    let mut status: Result<Vec<mysql_async::Row>, mysql_async::Error> = Ok(Vec::new());
    while !result.is_empty() {
        match result.collect::<mysql_async::Row>().await {
            Ok(rows) if rows.is_empty() => {}
            Ok(rows) => status = Ok(rows),
            Err(e) => {
                status = Err(e);
                break;
            }
        }
    }
    drop(result);
    Ok(match status {
        Ok(rows) => status_position(&rows),
        Err(mysql_async::Error::Server(e)) if e.code == SYNTAX_ERROR => binlog_status(conn).await,
        Err(e) => Err(e.into()),
    })
}

/// The position in the rows of `SHOW MASTER STATUS` (none: the binary log is off).
fn status_position(rows: &[mysql_async::Row]) -> Result<Option<BinlogPosition>, MySqlError> {
    let Some(row) = rows.first() else {
        return Ok(None);
    };
    let file: Option<String> = row.get_opt(0).and_then(Result::ok);
    let pos: Option<u64> = row.get_opt(1).and_then(Result::ok);
    match (file, pos) {
        (Some(file), Some(pos)) => Ok(Some(BinlogPosition::new(file, pos))),
        _ => Err(MySqlError::Decode(format!(
            "unexpected binary log status row: {row:?}"
        ))),
    }
}

impl Origin for MySqlOrigin {
    fn describe_table<'a>(
        &'a self,
        table: &'a OriginTableName,
    ) -> BoxFuture<'a, Result<OriginTable, OriginError>> {
        Box::pin(async move {
            let info = describe::describe(&self.inner, table).await?;
            Ok(info.table.clone())
        })
    }

    fn snapshot<'a>(
        &'a self,
        table: &'a OriginTable,
    ) -> BoxFuture<'a, Result<OriginSnapshot, OriginError>> {
        Box::pin(snapshot::take(&self.inner, table))
    }

    fn changes<'a>(
        &'a self,
        table: &'a OriginTable,
        from: &'a Position,
    ) -> BoxFuture<'a, Result<Box<dyn ChangeStream>, OriginError>> {
        Box::pin(async move {
            let stream = stream::open(&self.inner, table, from).await?;
            let stream: Box<dyn ChangeStream> = Box::new(stream);
            Ok(stream)
        })
    }

    fn current_position(&self) -> BoxFuture<'_, Result<Position, OriginError>> {
        Box::pin(async move {
            // An idle connection may have died with a server restart: a second try runs on a
            // new one (the query only reads).
            for first_try in [true, false] {
                let mut guard = self.inner.conn().await?;
                let Some(conn) = guard.as_mut() else {
                    return Err(OriginError::Unavailable("no connection".into()));
                };
                match binlog_status(conn).await {
                    Ok(Some(position)) => return Ok(position.to_position()),
                    Ok(None) => return Err(OriginError::Setup(describe::BINLOG_OFF.into())),
                    Err(e) if e.is_connection_loss() => {
                        Inner::forget(&mut guard);
                        if !first_try {
                            return Err(e.into());
                        }
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            Err(OriginError::Unavailable("no connection".into()))
        })
    }

    fn apply<'a>(
        &'a self,
        writes: &'a [OriginWrite],
    ) -> BoxFuture<'a, Result<BatchOutcome, OriginError>> {
        Box::pin(apply::apply_batch(&self.inner, writes))
    }

    fn max_in_flight(&self) -> usize {
        MAX_IN_FLIGHT
    }

    fn execute<'a>(&'a self, sql: &'a str) -> BoxFuture<'a, Result<Vec<QueryResult>, OriginError>> {
        Box::pin(apply::execute_sql(&self.inner, sql))
    }
}

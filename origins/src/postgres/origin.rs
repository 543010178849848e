//! [`PostgresOrigin`]: a PostgreSQL database as an origin of realtime views. SQL (describe,
//! `execute`) runs on one tokio-postgres connection, write-back on another that concurrent
//! batches share (tokio-postgres pipelines them); snapshots and change streams run on walsender
//! connections of [`super::wire`], one per view, each with its own temporary slot.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use tether_engine::sync::{
    BatchOutcome, BoxFuture, ChangeStream, Origin, OriginError, OriginSnapshot, OriginTable,
    OriginTableName, OriginWrite, Position, SnapshotStream,
};
use tether_engine::QueryResult;
use tokio_postgres::config::Host;
use tokio_postgres::{Client, NoTls};

use super::error::PgError;
use super::pgoutput::format_lsn;
use super::wire::{Endpoint, WireConfig, WireConnection};
use super::{apply, describe, snapshot, stream};
use crate::connection_pool::ConnectionPool;
use crate::group_commit::{GroupCommit, MAX_GROUP, MAX_IN_FLIGHT};

/// A described table with the PostgreSQL type name of each column (for parameter casts).
#[derive(Debug, Clone)]
pub struct TableInfo {
    pub table: OriginTable,
    /// `format_type` of each column, parallel to `table.columns`.
    pub type_names: Vec<String>,
}

/// A snapshot's replication connection, holding its slot, waiting for `changes`.
pub(super) struct PreparedStream {
    pub table: OriginTableName,
    pub position: u64,
    pub connection: WireConnection,
    pub slot: String,
    pub publication: String,
}

/// A persistent slot this origin created, and whether a stream reads it now.
#[derive(Debug, Clone)]
pub(super) struct SlotRecord {
    pub table: OriginTableName,
    pub slot: String,
    pub publication: String,
    /// The position the slot's snapshot was taken at.
    pub created: u64,
    pub in_use: bool,
}

/// The persistent slots of an origin, shared with its streams.
pub(super) type SlotRecords = Arc<parking_lot::Mutex<Vec<SlotRecord>>>;

/// A PostgreSQL origin.
#[derive(Clone)]
pub struct PostgresOrigin {
    inner: Arc<Inner>,
}

pub(super) struct Inner {
    pub config: tokio_postgres::Config,
    pub wire: WireConfig,
    client: tokio::sync::Mutex<Option<Client>>,
    /// The write-back connection, shared by the batches in flight.
    writer: tokio::sync::Mutex<Option<Arc<apply::WriteConnection>>>,
    /// Held shared by single-statement batches (pipelined) and exclusively by a batch that
    /// needs a transaction block, so no other statement lands inside its block.
    pub writer_block: tokio::sync::RwLock<()>,
    /// Single-write batches in flight, sent together as one transaction per group.
    pub groups: GroupCommit,
    /// The connections groups are sent on, one group at a time each (so a group's statements
    /// are a transaction block of their own while the next group is on its way).
    group_writers: ConnectionPool<Arc<apply::WriteConnection>>,
    pub tables: parking_lot::Mutex<HashMap<OriginTableName, Arc<TableInfo>>>,
    pub prepared: parking_lot::Mutex<Vec<PreparedStream>>,
    /// Keep slots across connections (resume after a dropped connection) instead of temporary
    /// slots that end with their connection (a new snapshot after a dropped connection).
    pub persistent_slots: AtomicBool,
    pub slots: SlotRecords,
}

/// How many write-back groups may be out at once, each on its own connection.
const GROUP_SENDERS: usize = 2;

/// Numbers slots uniquely within the process (slot names are cluster-wide).
static SLOTS: AtomicU64 = AtomicU64::new(0);

impl std::fmt::Debug for PostgresOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PostgresOrigin({:?})", self.inner.wire.endpoint)
    }
}

impl PostgresOrigin {
    /// An origin for the database at `url` (`postgres://user:password@host:port/db`, or
    /// `host=/socket/dir port=5432 user=u dbname=d`). Nothing connects until it is used.
    pub fn new(url: &str) -> Result<PostgresOrigin, OriginError> {
        let config = tokio_postgres::Config::from_str(url)
            .map_err(|e| OriginError::Setup(format!("bad PostgreSQL URL {url:?}: {e}")))?;
        let port = config.get_ports().first().copied().unwrap_or(5432);
        let endpoint = match config.get_hosts().first() {
            Some(Host::Unix(dir)) => Endpoint::Unix(dir.join(format!(".s.PGSQL.{port}"))),
            Some(Host::Tcp(host)) => Endpoint::Tcp {
                host: host.clone(),
                port,
            },
            None => Endpoint::Tcp {
                host: "localhost".into(),
                port,
            },
        };
        let user = config
            .get_user()
            .map(str::to_string)
            .or_else(|| std::env::var("USER").ok())
            .unwrap_or_else(|| "postgres".into());
        let database = config
            .get_dbname()
            .map(str::to_string)
            .unwrap_or_else(|| user.clone());
        let wire = WireConfig {
            endpoint,
            user,
            password: config.get_password().map(<[u8]>::to_vec),
            database,
            application_name: "tether".into(),
        };
        Ok(PostgresOrigin {
            inner: Arc::new(Inner {
                config,
                wire,
                client: tokio::sync::Mutex::new(None),
                writer: tokio::sync::Mutex::new(None),
                writer_block: tokio::sync::RwLock::new(()),
                groups: GroupCommit::new(GROUP_SENDERS, MAX_GROUP),
                group_writers: ConnectionPool::new(GROUP_SENDERS),
                tables: parking_lot::Mutex::default(),
                prepared: parking_lot::Mutex::default(),
                persistent_slots: AtomicBool::new(false),
                slots: Arc::default(),
            }),
        })
    }

    /// Uses persistent replication slots: a stream whose connection dropped (walsender killed,
    /// server restarted) resumes from the position the view acknowledged, without a new
    /// snapshot. DROP VIEW drops its slot; a process that dies leaves its slots behind (named
    /// `tether_<database>_<table>_<pid>_<n>`), holding WAL until someone drops them. The default
    /// is temporary slots, which PostgreSQL drops with their connection.
    pub fn with_persistent_slots(self, persistent: bool) -> PostgresOrigin {
        self.inner
            .persistent_slots
            .store(persistent, Ordering::Relaxed);
        self
    }
}

impl Inner {
    /// The SQL connection, (re)connecting when there is none or it broke.
    pub async fn client(&self) -> Result<tokio::sync::MutexGuard<'_, Option<Client>>, PgError> {
        let mut guard = self.client.lock().await;
        if guard.as_ref().is_none_or(Client::is_closed) {
            *guard = Some(self.connect().await?);
        }
        Ok(guard)
    }

    /// The write-back connection, (re)connecting when there is none or it broke.
    pub async fn writer(&self) -> Result<Arc<apply::WriteConnection>, PgError> {
        let mut guard = self.writer.lock().await;
        if let Some(writer) = guard.as_ref().filter(|w| !w.client.is_closed()) {
            return Ok(writer.clone());
        }
        let writer = Arc::new(apply::WriteConnection::new(self.connect().await?));
        *guard = Some(writer.clone());
        Ok(writer)
    }

    /// A connection to send a write-back group on, to itself while the guard lives;
    /// (re)connecting when it has none or it broke.
    pub async fn group_writer(
        &self,
    ) -> Result<tokio::sync::MutexGuard<'_, Option<Arc<apply::WriteConnection>>>, PgError> {
        let mut guard = self.group_writers.slot().await;
        if guard.as_ref().is_none_or(|w| w.client.is_closed()) {
            *guard = Some(Arc::new(apply::WriteConnection::new(self.connect().await?)));
        }
        Ok(guard)
    }

    /// Forgets a broken write-back connection (unless it was replaced already).
    pub async fn drop_writer(&self, broken: &Arc<apply::WriteConnection>) {
        let mut guard = self.writer.lock().await;
        if guard.as_ref().is_some_and(|w| Arc::ptr_eq(w, broken)) {
            *guard = None;
        }
    }

    /// A new SQL connection, driven by its own task.
    async fn connect(&self) -> Result<Client, PgError> {
        let (client, connection) = self.config.connect(NoTls).await?;
        tokio::spawn(async move {
            let _ = connection.await;
        });
        Ok(client)
    }

    /// A new replication connection.
    pub async fn replication_connection(&self) -> Result<WireConnection, PgError> {
        WireConnection::connect(&self.wire).await
    }

    /// A fresh slot name, unique in the cluster: prefix, database, table, process, counter.
    pub fn slot_name(&self, table: &OriginTableName) -> String {
        let n = SLOTS.fetch_add(1, Ordering::Relaxed);
        identifier(&format!(
            "tether_{}_{}_{}_{n}",
            self.wire.database,
            table.name,
            std::process::id()
        ))
    }

    /// The publication for a table.
    pub fn publication_name(&self, table: &OriginTableName) -> String {
        identifier(&format!("tether_{}_{}", table.schema, table.name))
    }

    /// The table's description, describing it now if needed.
    pub async fn table_info(&self, name: &OriginTableName) -> Result<Arc<TableInfo>, OriginError> {
        if let Some(info) = self.tables.lock().get(name) {
            return Ok(info.clone());
        }
        describe::describe(self, name).await
    }
}

/// A lower-case identifier of letters, digits and `_`, at most 63 bytes (slot and publication
/// names).
fn identifier(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    cleaned.chars().take(63).collect()
}

/// A position at an LSN.
pub(super) fn lsn_position(lsn: u64) -> Position {
    Position {
        ordinal: lsn,
        label: Arc::from(format_lsn(lsn)),
    }
}

impl Origin for PostgresOrigin {
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

    fn snapshot_stream<'a>(
        &'a self,
        table: &'a OriginTable,
    ) -> BoxFuture<'a, Result<Box<dyn SnapshotStream + 'a>, OriginError>> {
        Box::pin(async move {
            let stream: Box<dyn SnapshotStream + 'a> =
                Box::new(snapshot::open(&self.inner, table).await?);
            Ok(stream)
        })
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
            let text = {
                let guard = self.inner.client().await?;
                let Some(client) = guard.as_ref() else {
                    return Err(OriginError::Unavailable("no connection".into()));
                };
                let row = client
                    .query_one("SELECT pg_current_wal_lsn()::text", &[])
                    .await
                    .map_err(PgError::from)?;
                row.get::<_, String>(0)
            };
            let lsn = super::pgoutput::parse_lsn(&text)
                .map_err(|e| OriginError::Sql(format!("bad LSN {text}: {e}")))?;
            Ok(lsn_position(lsn))
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

    fn release<'a>(&'a self, table: &'a OriginTable) -> BoxFuture<'a, ()> {
        Box::pin(snapshot::drop_slots(&self.inner, &table.name))
    }
}

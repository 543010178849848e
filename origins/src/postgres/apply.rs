//! Write-back to PostgreSQL: a batch of compare-and-set statements in one transaction (READ
//! COMMITTED), every value a `$n::text::type` parameter; RETURNING gives the new `xmin` or
//! version. A mismatch whose row still holds the values the client saw is only a stale xid
//! token (rows written in a subtransaction): the write is retried once with the row's real
//! `xmin` instead of being called a conflict. Also plain SQL for `execute`.
//!
//! Single-write batches in flight together go out as groups ([`super::apply_group`]). A batch
//! sent alone runs on the write-back connection: a single write as one autocommit statement
//! (several may be pipelined there at once), a batch with a transaction block with the
//! connection to itself.

use std::collections::HashMap;
use std::sync::Arc;

use tether_engine::sync::cas_sql::{
    all_or_nothing, cas_statement, effective_base, row_lookup, SqlStyle,
};
use tether_engine::sync::{
    BatchOutcome, ConflictKind, OriginError, OriginTableName, OriginWrite, Position, VersionCheck,
    WriteOp, WriteOutcome,
};
use tether_engine::{Column, CommandTag, DataType, QueryResult, Row, Value};
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, SimpleQueryMessage};

use super::describe::quote;
use super::error::PgError;
use super::origin::{lsn_position, Inner, TableInfo};
use super::pgoutput::parse_lsn;
use super::types::{value_from_text, value_to_text};

/// Prepared statements of a connection, by text.
type StatementCache = parking_lot::Mutex<HashMap<String, tokio_postgres::Statement>>;

/// The write-back connection and the statements prepared on it.
pub struct WriteConnection {
    pub client: Client,
    statements: StatementCache,
}

impl WriteConnection {
    pub fn new(client: Client) -> WriteConnection {
        WriteConnection {
            client,
            statements: StatementCache::default(),
        }
    }
}

/// How many prepared statements are kept before the cache starts over.
const STATEMENT_CACHE_SIZE: usize = 256;

/// Serialization failures and deadlocks: the batch is run again this many times.
const SERIALIZATION_RETRIES: usize = 5;

/// PostgreSQL's spelling of write-back statements.
pub(super) struct PgSql {
    tables: HashMap<OriginTableName, Arc<TableInfo>>,
}

impl SqlStyle for PgSql {
    fn quote(&self, identifier: &str) -> String {
        quote(identifier)
    }

    fn value_param(&self, index: usize, table: &OriginTableName, column: &str) -> String {
        let type_name = self.tables.get(table).and_then(|info| {
            info.table
                .column_position(column)
                .and_then(|p| info.type_names.get(p))
        });
        match type_name {
            Some(type_name) => format!("${index}::text::{type_name}"),
            None => format!("${index}"),
        }
    }

    fn version_param(&self, index: usize, system: bool) -> String {
        if system {
            format!("${index}::text")
        } else {
            format!("${index}::text::bigint")
        }
    }

    fn system_version(&self) -> &str {
        "xmin::text"
    }

    fn returning(&self) -> bool {
        true
    }

    fn as_text(&self, expression: String) -> String {
        format!("{expression}::text")
    }
}

/// Applies a batch as one origin transaction. A single write joins the origin's write-back
/// group (see [`crate::group_commit`]): it is sent with the other single writes in flight.
pub async fn apply_batch(
    inner: &Inner,
    writes: &[OriginWrite],
) -> Result<BatchOutcome, OriginError> {
    if let [write] = writes {
        return inner
            .groups
            .submit(write.clone(), |group| {
                super::apply_group::send_group(inner, group)
            })
            .await;
    }
    apply_alone(inner, writes).await
}

/// The statement spelling for `writes`, with the described tables they touch.
pub(super) async fn style_for(inner: &Inner, writes: &[OriginWrite]) -> Result<PgSql, OriginError> {
    let mut tables = HashMap::new();
    for write in writes {
        if !tables.contains_key(&write.table) {
            tables.insert(write.table.clone(), inner.table_info(&write.table).await?);
        }
    }
    Ok(PgSql { tables })
}

/// Applies a batch as one origin transaction of its own.
pub(super) async fn apply_alone(
    inner: &Inner,
    writes: &[OriginWrite],
) -> Result<BatchOutcome, OriginError> {
    let style = style_for(inner, writes).await?;
    // A transaction block must not share the connection with other batches' statements.
    let block = writes.len() > 1;
    for _ in 0..SERIALIZATION_RETRIES {
        let _shared;
        let _exclusive;
        if block {
            _exclusive = inner.writer_block.write().await;
        } else {
            _shared = inner.writer_block.read().await;
        }
        let connection = inner.writer().await?;
        match run_batch(&connection, &style, writes, block).await {
            Ok(outcome) => return Ok(outcome),
            Err(e) if matches!(e.sqlstate(), Some("40001" | "40P01")) => {
                if block {
                    let _ = connection.client.batch_execute("ROLLBACK").await;
                }
            }
            Err(e) => {
                if e.is_connection_loss() {
                    inner.drop_writer(&connection).await;
                }
                return Err(e.into());
            }
        }
    }
    Err(OriginError::Unavailable(
        "the origin kept failing with serialization failures".into(),
    ))
}

async fn run_batch(
    connection: &WriteConnection,
    style: &PgSql,
    writes: &[OriginWrite],
    block: bool,
) -> Result<BatchOutcome, PgError> {
    let client = &connection.client;
    if block {
        client.batch_execute("BEGIN").await?;
    }
    let mut outcomes = Vec::with_capacity(writes.len());
    let mut produced: Vec<(&OriginWrite, Option<String>)> = Vec::new();
    for write in writes {
        let outcome = apply_one(connection, style, write, effective_base(write, &produced)).await?;
        let applied = matches!(outcome, WriteOutcome::Applied { .. });
        if let WriteOutcome::Applied { new_version } = &outcome {
            produced.push((write, new_version.clone()));
        }
        outcomes.push(outcome);
        if !applied {
            if block {
                client.batch_execute("ROLLBACK").await?;
            }
            return Ok(BatchOutcome {
                outcomes: all_or_nothing(outcomes, writes.len()),
                commit_position: None,
            });
        }
    }
    if block {
        client.batch_execute("COMMIT").await?;
    }
    // Sent after the commit, so at least the commit's end: the echo comes at or before it.
    let rows = query(connection, CURRENT_LSN, &[]).await?;
    Ok(BatchOutcome {
        outcomes,
        commit_position: Some(commit_position(&rows)?),
    })
}

/// Asks for the end of the WAL written so far: sent after a commit, the commit's echo comes at
/// or before it.
pub(super) const CURRENT_LSN: &str = "SELECT pg_current_wal_lsn()::text";

/// The position [`CURRENT_LSN`] answered.
pub(super) fn commit_position(rows: &[tokio_postgres::Row]) -> Result<Position, PgError> {
    let lsn: String = rows
        .first()
        .map(|row| row.try_get(0))
        .transpose()?
        .ok_or_else(|| PgError::Protocol("pg_current_wal_lsn() returned no row".into()))?;
    let lsn = parse_lsn(&lsn).map_err(|e| PgError::Decode(format!("bad LSN {lsn}: {e}")))?;
    Ok(lsn_position(lsn))
}

/// One write: its outcome, or an error that ends the batch (connection, serialization).
async fn apply_one(
    connection: &WriteConnection,
    style: &PgSql,
    write: &OriginWrite,
    base: Option<String>,
) -> Result<WriteOutcome, PgError> {
    let mut base = base;
    for second_try in [false, true] {
        let statement = cas_statement(style, write, base.as_deref());
        let rows = match query(connection, &statement.sql, &statement.params).await {
            Ok(rows) => rows,
            Err(e) if is_permanent(&e) => {
                return Ok(WriteOutcome::Rejected {
                    error: e.to_string(),
                })
            }
            Err(e) => return Err(e),
        };
        if let Some(row) = rows.first() {
            return Ok(applied(write, row));
        }
        let (current, current_xmin) = current_row(connection, style, write).await?;
        let stale_token = !second_try
            && write.op != WriteOp::Insert
            && write.version == VersionCheck::System
            && current.is_some()
            && same_values(write.base_row.as_deref(), current.as_deref());
        if stale_token {
            base = current_xmin;
            continue;
        }
        let kind = match (write.op, &current) {
            (WriteOp::Insert, _) => ConflictKind::DuplicateKey,
            (_, None) => ConflictKind::RowMissing,
            (_, Some(_)) => ConflictKind::VersionMismatch,
        };
        return Ok(WriteOutcome::Conflicted {
            kind,
            origin_row: current,
        });
    }
    Err(PgError::Protocol("write-back retry loop ended".into()))
}

/// The outcome of a write whose compare-and-set returned `row`: applied, with the version the
/// row has now (none for deletes and last-writer-wins).
pub(super) fn applied(write: &OriginWrite, row: &tokio_postgres::Row) -> WriteOutcome {
    let version: Option<String> = row.try_get::<_, Option<String>>(0).ok().flatten();
    let new_version = match (write.op, &write.version) {
        (WriteOp::Delete, _) | (_, VersionCheck::None) => None,
        _ => version,
    };
    WriteOutcome::Applied { new_version }
}

/// The origin's row for a write's key, with its `xmin`.
async fn current_row(
    connection: &WriteConnection,
    style: &PgSql,
    write: &OriginWrite,
) -> Result<(Option<Vec<(String, Value)>>, Option<String>), PgError> {
    let Some(info) = style.tables.get(&write.table) else {
        return Ok((None, None));
    };
    let columns: Vec<String> = info
        .table
        .columns
        .iter()
        .map(|c| format!("{}::text", quote(&c.name)))
        .collect();
    let lookup = row_lookup(style, write, &format!("xmin::text, {}", columns.join(", ")));
    let rows = query(connection, &lookup.sql, &lookup.params).await?;
    let Some(row) = rows.first() else {
        return Ok((None, None));
    };
    let xmin: Option<String> = row.try_get(0)?;
    let mut values = Vec::with_capacity(info.table.columns.len());
    for (i, column) in info.table.columns.iter().enumerate() {
        let text: Option<String> = row.try_get(i + 1)?;
        values.push((
            column.name.clone(),
            value_from_text(text.as_deref(), &column.data_type)?,
        ));
    }
    Ok((Some(values), xmin))
}

/// Whether the origin row still holds every value the client saw.
fn same_values(base: Option<&[(String, Value)]>, current: Option<&[(String, Value)]>) -> bool {
    let (Some(base), Some(current)) = (base, current) else {
        return false;
    };
    base.iter().all(|(name, value)| {
        current
            .iter()
            .find(|(n, _)| n == name)
            .is_some_and(|(_, v)| v == value)
    })
}

/// Runs `sql` as a prepared statement, preparing it once per connection.
async fn query(
    connection: &WriteConnection,
    sql: &str,
    params: &[Value],
) -> Result<Vec<tokio_postgres::Row>, PgError> {
    let texts = param_texts(params);
    let statement = prepared(connection, sql).await?;
    Ok(connection
        .client
        .query(&statement, &param_refs(&texts))
        .await?)
}

/// Parameters as the text the `$n::text::type` placeholders take.
pub(super) fn param_texts(params: &[Value]) -> Vec<Option<String>> {
    params.iter().map(value_to_text).collect()
}

/// [`param_texts`] as tokio-postgres takes them.
pub(super) fn param_refs(texts: &[Option<String>]) -> Vec<&(dyn ToSql + Sync)> {
    texts.iter().map(|t| t as &(dyn ToSql + Sync)).collect()
}

/// The statement `sql` prepared on the connection (once; cached by its text).
pub(super) async fn prepared(
    connection: &WriteConnection,
    sql: &str,
) -> Result<tokio_postgres::Statement, PgError> {
    let cache = &connection.statements;
    if let Some(statement) = cache.lock().get(sql).cloned() {
        return Ok(statement);
    }
    let statement = connection.client.prepare(sql).await?;
    let mut cache = cache.lock();
    if cache.len() >= STATEMENT_CACHE_SIZE {
        cache.clear();
    }
    cache.insert(sql.to_string(), statement.clone());
    Ok(statement)
}

/// Constraint, data, permission and statement errors: the same write cannot succeed later.
fn is_permanent(error: &PgError) -> bool {
    matches!(error.sqlstate(), Some(code) if code.starts_with("23")
        || code.starts_with("22")
        || code.starts_with("42")
        || code.starts_with("44"))
}

/// Runs plain SQL at the origin (simple protocol); rows come back as text.
pub async fn execute_sql(inner: &Inner, sql: &str) -> Result<Vec<QueryResult>, OriginError> {
    let messages = {
        let guard = inner.client().await?;
        let Some(client) = guard.as_ref() else {
            return Err(OriginError::Unavailable("no connection".into()));
        };
        client.simple_query(sql).await.map_err(PgError::from)?
    };
    let mut results = Vec::new();
    let mut columns: Option<Arc<[Column]>> = None;
    let mut rows = Vec::new();
    for message in messages {
        match message {
            SimpleQueryMessage::RowDescription(description) => {
                columns = Some(
                    description
                        .iter()
                        .map(|c| Column {
                            name: c.name().to_string(),
                            data_type: DataType::Text,
                        })
                        .collect(),
                );
            }
            SimpleQueryMessage::Row(row) => {
                let values = (0..row.len())
                    .map(|i| row.get(i).map_or(Value::Null, Value::text))
                    .collect();
                let columns = columns.clone().unwrap_or_else(|| Arc::from(Vec::new()));
                rows.push(Row::new(columns, values));
            }
            SimpleQueryMessage::CommandComplete(count) => {
                let result_columns = columns.take();
                let tag = if result_columns.is_some() {
                    CommandTag::Select(count)
                } else {
                    CommandTag::Other(format!("OK {count}"))
                };
                results.push(QueryResult {
                    columns: result_columns.unwrap_or_else(|| Arc::from(Vec::new())),
                    rows: std::mem::take(&mut rows),
                    tag,
                });
            }
            _ => {}
        }
    }
    Ok(results)
}

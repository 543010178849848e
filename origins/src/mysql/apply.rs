//! Write-back to MySQL/MariaDB: a batch of compare-and-set statements in one READ COMMITTED
//! transaction, every value a `?` parameter, every identifier backquoted.
//!
//! There is no RETURNING: an UPDATE or DELETE applied when its affected-row count is 1 (the
//! connection uses CLIENT_FOUND_ROWS, so an update that changes nothing still counts as
//! matched). The version an UPDATE produced is its base + 1 (it sets `ver = ver + 1` where
//! `ver` had the base); an INSERT's is read back with a SELECT in the same transaction.
//! An INSERT is plain; a duplicate primary key (error 1062 with the key's row present) is a
//! `duplicate_key` conflict, any other constraint error a rejection. Deadlocks and lock wait
//! timeouts rerun the batch; a lost connection leaves it pending. Also plain SQL for
//! `execute`.
//!
//! Single writes in flight together (autocommit local UPDATEs on different rows) are sent as
//! one group transaction ([`crate::group_commit`]), each keeping its own outcome.
//!
//! Round trips of a batch: one opens the transaction (`SET TRANSACTION ISOLATION LEVEL READ
//! COMMITTED; START TRANSACTION`), one per statement and one per version read back, and one
//! commits and reads the binlog position the view waits for (`COMMIT; SHOW MASTER STATUS`). A
//! batch of one write that needs no read-back (the common case: one local UPDATE) runs in
//! autocommit instead: the statement, then `SHOW MASTER STATUS`.

use std::collections::HashMap;
use std::sync::Arc;

use mysql_async::prelude::Queryable;
use mysql_async::{Conn, Row, Value as MyValue};
use tether_engine::sync::cas_sql::{
    all_or_nothing, cas_statement, effective_base, row_lookup, SqlStyle, Statement,
};
use tether_engine::sync::{
    BatchOutcome, ConflictKind, OriginError, OriginTableName, OriginWrite, Position, VersionCheck,
    WriteOp, WriteOutcome,
};
use tether_engine::{Column, CommandTag, DataType, QueryResult, Row as TetherRow, Value};

use super::error::{codes, MySqlError};
use super::origin::{binlog_status, commit_with_status, Inner, TableInfo};
use super::snapshot::quote;
use super::types::{from_sql, to_param, ColumnKind};
use crate::group_commit::WriteAnswer;

/// Deadlocks and lock wait timeouts: the batch is run again this many times.
const LOCK_RETRIES: usize = 5;

/// MySQL's spelling of write-back statements.
struct MySql {
    tables: HashMap<OriginTableName, Arc<TableInfo>>,
}

impl SqlStyle for MySql {
    fn quote(&self, identifier: &str) -> String {
        quote(identifier)
    }

    fn value_param(&self, _index: usize, table: &OriginTableName, column: &str) -> String {
        let json = self
            .tables
            .get(table)
            .and_then(|info| info.column(column))
            .is_some_and(|c| c.kind == ColumnKind::Json { binary: true });
        if json {
            // MySQL's JSON type takes text parameters through a cast.
            "CAST(? AS JSON)".into()
        } else {
            "?".into()
        }
    }

    fn version_param(&self, _index: usize, _system: bool) -> String {
        // An exact integer comparison (a text parameter would compare as a double).
        "CAST(? AS SIGNED)".into()
    }

    fn system_version(&self) -> &str {
        // MySQL rows have no system version; a view of a MySQL table never checks one.
        "NULL"
    }

    fn returning(&self) -> bool {
        false
    }

    fn insert_skips_existing_key(&self) -> bool {
        false
    }
}

impl MySql {
    /// A statement's parameters as driver values, typed for their columns.
    /// `with_values`: the statement binds the write's values first (INSERT, UPDATE), as
    /// cas_statement does; then come the key values (and the version, bound as text).
    fn params(
        &self,
        write: &OriginWrite,
        statement: &Statement,
        with_values: bool,
    ) -> Vec<MyValue> {
        let info = self.tables.get(&write.table);
        let mut columns: Vec<Option<&str>> = Vec::new();
        if with_values {
            columns.extend(write.values.iter().map(|(c, _)| Some(c.as_str())));
        }
        columns.extend(write.key.iter().map(|(c, _)| Some(c.as_str())));
        statement
            .params
            .iter()
            .enumerate()
            .map(|(i, value)| {
                let column = columns
                    .get(i)
                    .copied()
                    .flatten()
                    .and_then(|c| info.and_then(|info| info.column(c)));
                to_param(value, column)
            })
            .collect()
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
            .submit(write.clone(), |group| send_group(inner, group))
            .await;
    }
    run_on_writer(inner, writes, AllOrNothing::Yes).await
}

/// Sends a group of single writes as one transaction; each write keeps its own outcome (a
/// statement that fails or conflicts changes nothing, and the others commit without it).
async fn send_group(inner: &Inner, group: Vec<OriginWrite>) -> Vec<WriteAnswer> {
    match run_on_writer(inner, &group, AllOrNothing::No).await {
        Ok(BatchOutcome {
            outcomes,
            commit_position,
        }) => outcomes
            .into_iter()
            .map(|outcome| {
                let applied = matches!(outcome, WriteOutcome::Applied { .. });
                Ok(BatchOutcome {
                    outcomes: vec![outcome],
                    commit_position: commit_position.clone().filter(|_| applied),
                })
            })
            .collect(),
        Err(e) => vec![Err(e); group.len()],
    }
}

/// Whether one write that does not apply undoes the others (a local transaction's batch) or
/// not (a group of independent single writes).
#[derive(Clone, Copy, PartialEq, Eq)]
enum AllOrNothing {
    Yes,
    No,
}

/// Runs `writes` as one transaction on a write-back connection, again after a deadlock.
async fn run_on_writer(
    inner: &Inner,
    writes: &[OriginWrite],
    all_or_nothing_writes: AllOrNothing,
) -> Result<BatchOutcome, OriginError> {
    let mut tables = HashMap::new();
    for write in writes {
        if !tables.contains_key(&write.table) {
            tables.insert(write.table.clone(), inner.table_info(&write.table).await?);
        }
    }
    let style = MySql { tables };
    for _ in 0..LOCK_RETRIES {
        let mut guard = inner.writer().await?;
        let Some(conn) = guard.as_mut() else {
            return Err(OriginError::Unavailable("no connection".into()));
        };
        match run_batch(conn, &style, writes, all_or_nothing_writes).await {
            Ok(outcome) => return Ok(outcome),
            Err(e) if e.is_retryable() => {
                let _ = conn.query_drop("ROLLBACK").await;
            }
            Err(e) => {
                if e.is_connection_loss() {
                    Inner::forget(&mut guard);
                } else {
                    let _ = conn.query_drop("ROLLBACK").await;
                }
                return Err(e.into());
            }
        }
    }
    Err(OriginError::Unavailable(
        "the origin kept failing with deadlocks or lock wait timeouts".into(),
    ))
}

async fn run_batch(
    conn: &mut Conn,
    style: &MySql,
    writes: &[OriginWrite],
    all_or_nothing_writes: AllOrNothing,
) -> Result<BatchOutcome, MySqlError> {
    // A lone write whose new version is known without reading it back is atomic by itself:
    // it runs in autocommit, with no transaction to open or commit.
    let autocommit = match writes {
        [write] => known_new_version(write, effective_base(write, &[]).as_deref()).is_some(),
        _ => false,
    };
    if !autocommit {
        // One round trip (the connection allows several statements per query).
        conn.query_drop("SET TRANSACTION ISOLATION LEVEL READ COMMITTED; START TRANSACTION")
            .await?;
    }
    let mut outcomes = Vec::with_capacity(writes.len());
    let mut produced: Vec<(&OriginWrite, Option<String>)> = Vec::new();
    let mut any_applied = false;
    for write in writes {
        let outcome = apply_one(conn, style, write, effective_base(write, &produced)).await?;
        let applied = matches!(outcome, WriteOutcome::Applied { .. });
        any_applied |= applied;
        if let WriteOutcome::Applied { new_version } = &outcome {
            produced.push((write, new_version.clone()));
        }
        outcomes.push(outcome);
        if !applied && all_or_nothing_writes == AllOrNothing::Yes {
            if !autocommit {
                conn.query_drop("ROLLBACK").await?;
            }
            return Ok(BatchOutcome {
                outcomes: all_or_nothing(outcomes, writes.len()),
                commit_position: None,
            });
        }
    }
    // The position right after our commit (read in the COMMIT's round trip, or after the
    // autocommit statement): the view has the echo once it reaches it. Without the privilege to
    // read it, the outcome carries no position.
    let status = if autocommit {
        binlog_status(conn).await
    } else {
        commit_with_status(conn).await?
    };
    let commit_position: Option<Position> = match status {
        Ok(position) => position.map(|p| p.to_position()).filter(|_| any_applied),
        Err(e) if e.is_connection_loss() => return Err(e),
        Err(_) => None,
    };
    Ok(BatchOutcome {
        outcomes,
        commit_position,
    })
}

/// One write: its outcome, or an error that ends the batch (connection, deadlock).
async fn apply_one(
    conn: &mut Conn,
    style: &MySql,
    write: &OriginWrite,
    base: Option<String>,
) -> Result<WriteOutcome, MySqlError> {
    if write.version == VersionCheck::System {
        return Ok(WriteOutcome::Rejected {
            error: "MySQL rows have no system version: name a BIGINT version column with \
                    upstream_mvcc_key, or use none (last writer wins)"
                .into(),
        });
    }
    let statement = cas_statement(style, write, base.as_deref());
    let params = style.params(write, &statement, write.op != WriteOp::Delete);
    match conn.exec_drop(&statement.sql, params).await {
        Ok(()) => {}
        Err(e) => {
            let e = MySqlError::from(e);
            if e.is_connection_loss() || e.is_retryable() || e.code().is_none() {
                return Err(e);
            }
            if write.op == WriteOp::Insert && e.code() == Some(codes::DUPLICATE_ENTRY) {
                if let Some(row) = current_row(conn, style, write).await? {
                    return Ok(WriteOutcome::Conflicted {
                        kind: ConflictKind::DuplicateKey,
                        origin_row: Some(row),
                    });
                }
            }
            return Ok(WriteOutcome::Rejected {
                error: e.to_string(),
            });
        }
    }
    if write.op != WriteOp::Insert && conn.affected_rows() == 0 {
        let current = current_row(conn, style, write).await?;
        let kind = if current.is_some() {
            ConflictKind::VersionMismatch
        } else {
            ConflictKind::RowMissing
        };
        return Ok(WriteOutcome::Conflicted {
            kind,
            origin_row: current,
        });
    }
    let new_version = match (known_new_version(write, base.as_deref()), &write.version) {
        (Some(version), _) => version,
        (None, VersionCheck::Column(column)) => current_version(conn, style, write, column).await?,
        (None, _) => None,
    };
    Ok(WriteOutcome::Applied { new_version })
}

/// The version an applied write produced, when it is known without reading the row back:
/// `Some(None)` for deletes and writes without a version column; `Some(Some(base + 1))` for an
/// UPDATE that compared its version column with `base`, since its statement sets
/// `ver = ver + 1` on the row that had `base`. `None` when it must be read: an INSERT with a
/// version column (the row's default or the written value), or a base that is missing or not an
/// integer, or an UPDATE that also writes the version column. (A BEFORE UPDATE trigger that rewrites the version column makes `base + 1` wrong;
/// the next write through the view that builds on it then conflicts, and the view takes the
/// row's real version from the echo: never a lost update.)
fn known_new_version(write: &OriginWrite, base: Option<&str>) -> Option<Option<String>> {
    match (&write.op, &write.version) {
        (WriteOp::Delete, _) | (_, VersionCheck::None) | (_, VersionCheck::System) => Some(None),
        (WriteOp::Update, VersionCheck::Column(column)) => {
            if write.values.iter().any(|(c, _)| c == column) {
                // `ver = ?` first, then `ver = ver + 1` of that value.
                return None;
            }
            let base: i64 = base?.trim().parse().ok()?;
            Some(Some(base.checked_add(1)?.to_string()))
        }
        (WriteOp::Insert, VersionCheck::Column(_)) => None,
    }
}

/// The origin's row for a write's key (column name, value), read in the batch's transaction.
async fn current_row(
    conn: &mut Conn,
    style: &MySql,
    write: &OriginWrite,
) -> Result<Option<Vec<(String, Value)>>, MySqlError> {
    let Some(info) = style.tables.get(&write.table) else {
        return Ok(None);
    };
    let columns: Vec<String> = info.columns.iter().map(|c| quote(&c.name)).collect();
    let lookup = row_lookup(style, write, &columns.join(", "));
    let params = style.params(write, &lookup, false);
    let rows: Vec<Row> = conn.exec(&lookup.sql, params).await?;
    let Some(row) = rows.first() else {
        return Ok(None);
    };
    let mut values = Vec::with_capacity(info.columns.len());
    for (i, column) in info.columns.iter().enumerate() {
        let value = row.as_ref(i).unwrap_or(&MyValue::NULL);
        values.push((
            column.name.clone(),
            from_sql(value, column).map_err(MySqlError::Decode)?,
        ));
    }
    Ok(Some(values))
}

/// The version column's value now (after our write), as the stream will report it.
async fn current_version(
    conn: &mut Conn,
    style: &MySql,
    write: &OriginWrite,
    column: &str,
) -> Result<Option<String>, MySqlError> {
    let Some(info) = style.tables.get(&write.table) else {
        return Ok(None);
    };
    let Some(version_column) = info.column(column) else {
        return Ok(None);
    };
    let lookup = row_lookup(style, write, &quote(column));
    let params = style.params(write, &lookup, false);
    let rows: Vec<Row> = conn.exec(&lookup.sql, params).await?;
    let Some(value) = rows.first().and_then(|r| r.as_ref(0)) else {
        return Ok(None);
    };
    match from_sql(value, version_column).map_err(MySqlError::Decode)? {
        Value::Null => Ok(None),
        value => Ok(Some(value.to_string())),
    }
}

/// Runs plain SQL at the origin (text protocol, several statements allowed); rows come back
/// as text.
pub async fn execute_sql(inner: &Inner, sql: &str) -> Result<Vec<QueryResult>, OriginError> {
    let mut guard = inner.conn().await?;
    let Some(conn) = guard.as_mut() else {
        return Err(OriginError::Unavailable("no connection".into()));
    };
    match run_sql(conn, sql).await {
        Ok(results) => Ok(results),
        Err(e) => {
            if e.is_connection_loss() {
                Inner::forget(&mut guard);
            }
            Err(e.into())
        }
    }
}

async fn run_sql(conn: &mut Conn, sql: &str) -> Result<Vec<QueryResult>, MySqlError> {
    let mut results = Vec::new();
    let mut result = conn.query_iter(sql).await?;
    // One pending result per statement; `columns()` is `None` once all are read.
    while let Some(result_columns) = result.columns() {
        let affected = result.affected_rows();
        let columns: Option<Arc<[Column]>> = (!result_columns.is_empty()).then(|| {
            result_columns
                .iter()
                .map(|column| Column {
                    name: column.name_str().into_owned(),
                    data_type: DataType::Text,
                })
                .collect()
        });
        let rows: Vec<Row> = result.collect().await?;
        match columns {
            Some(columns) => {
                let rows: Vec<TetherRow> = rows
                    .iter()
                    .map(|row| {
                        let values = (0..row.len())
                            .map(|i| match row.as_ref(i) {
                                None | Some(MyValue::NULL) => Value::Null,
                                Some(MyValue::Bytes(b)) => {
                                    Value::text(String::from_utf8_lossy(b).into_owned())
                                }
                                Some(other) => Value::text(other.as_sql(true)),
                            })
                            .collect();
                        TetherRow::new(columns.clone(), values)
                    })
                    .collect();
                results.push(QueryResult {
                    tag: CommandTag::Select(rows.len() as u64),
                    columns,
                    rows,
                });
            }
            None => results.push(QueryResult {
                columns: Arc::from(Vec::new()),
                rows: Vec::new(),
                tag: CommandTag::Other(format!("OK {affected}")),
            }),
        }
    }
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(op: WriteOp, values: &[&str], base: Option<&str>) -> OriginWrite {
        OriginWrite {
            table: OriginTableName {
                schema: "shop".into(),
                name: "items".into(),
            },
            op,
            key: vec![("id".into(), Value::Int32(1))],
            values: values
                .iter()
                .map(|c| (c.to_string(), Value::Int32(7)))
                .collect(),
            version: VersionCheck::Column("ver".into()),
            base_version: base.map(str::to_string),
            base_row: None,
            follows_previous: false,
        }
    }

    #[test]
    fn an_update_with_a_version_column_produces_base_plus_one() {
        let update = write(WriteOp::Update, &["name"], Some("41"));
        assert_eq!(
            known_new_version(&update, Some("41")),
            Some(Some("42".into()))
        );
    }

    #[test]
    fn versions_that_must_be_read_back() {
        // The statement sets `ver = ?` first, then `ver = ver + 1` of that value.
        let writes_version = write(WriteOp::Update, &["name", "ver"], Some("41"));
        assert_eq!(known_new_version(&writes_version, Some("41")), None);
        // No base: no version condition, so the row's version is unknown.
        let update = write(WriteOp::Update, &["name"], None);
        assert_eq!(known_new_version(&update, None), None);
        assert_eq!(known_new_version(&update, Some("not a number")), None);
        assert_eq!(
            known_new_version(&update, Some(&i64::MAX.to_string())),
            None
        );
        // An insert's version is the column's default or the written value.
        let insert = write(WriteOp::Insert, &["id", "name"], None);
        assert_eq!(known_new_version(&insert, None), None);
    }

    #[test]
    fn deletes_and_last_writer_wins_produce_no_version() {
        let delete = write(WriteOp::Delete, &[], Some("3"));
        assert_eq!(known_new_version(&delete, Some("3")), Some(None));
        let mut unversioned = write(WriteOp::Update, &["name"], None);
        unversioned.version = VersionCheck::None;
        assert_eq!(known_new_version(&unversioned, None), Some(None));
    }
}

//! [`TetherOrigin`]: another tether database acting as an origin (`tether:NAME`). Its rows'
//! `xmin` (the creating transaction's id) is the version; its change feed is the stream; write
//! batches run as one transaction of compare-and-set statements with bound parameters.
//!
//! It can be switched offline ([`TetherOrigin::set_online`]) to play an unreachable server.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use parking_lot::Mutex;
use tokio::sync::Notify;

use super::cas_sql::{all_or_nothing, cas_statement, effective_base, row_lookup, SqlStyle};
use super::origin::{
    BatchOutcome, BoxFuture, ChangeStream, ConflictKind, Origin, OriginChange, OriginChangeKind,
    OriginColumn, OriginError, OriginRow, OriginSnapshot, OriginTable, OriginTableName,
    OriginTransaction, OriginWrite, Position, StreamEvent, VersionCheck, WriteOp, WriteOutcome,
};
use crate::api::{ChangeFollower, ChangeKind, Database, QueryResult, Session};
use crate::catalog::Relation;
use crate::error::Error;

/// How many times a batch that hit a serialization failure is retried at once.
const SERIALIZATION_RETRIES: usize = 8;
/// How many idle change followers (of dropped streams) are kept for resuming.
const KEPT_FOLLOWERS: usize = 8;

/// An origin backed by an in-process tether database.
#[derive(Debug, Clone)]
pub struct TetherOrigin {
    db: Database,
    online: Arc<AtomicBool>,
    online_changed: Arc<Notify>,
    /// Followers ready to resume a stream (from snapshots, or dropped streams).
    followers: Arc<Mutex<Vec<ChangeFollower>>>,
}

impl TetherOrigin {
    /// An origin over `db`. Clones share the origin (and its online switch).
    pub fn new(db: Database) -> TetherOrigin {
        TetherOrigin {
            db,
            online: Arc::new(AtomicBool::new(true)),
            online_changed: Arc::new(Notify::new()),
            followers: Arc::default(),
        }
    }

    /// The database behind the origin (to play "another client" writing to it).
    pub fn database(&self) -> &Database {
        &self.db
    }

    /// Takes the origin off the network (`false`) or back: while offline every call fails as
    /// an unreachable server would, and open streams break.
    pub fn set_online(&self, online: bool) {
        self.online.store(online, Ordering::Release);
        self.online_changed.notify_waiters();
    }

    fn check_online(&self) -> Result<(), OriginError> {
        check_online(&self.online)
    }

    fn describe(&self, name: &OriginTableName) -> Result<OriginTable, OriginError> {
        let catalog = self.db.shared.catalog.read();
        let schema = if name.schema.is_empty() {
            crate::catalog::DEFAULT_SCHEMA
        } else {
            &name.schema
        };
        let table = match catalog.relation(Some(schema), &name.name) {
            Ok(Relation::Table(table)) => table.clone(),
            Ok(_) => {
                return Err(OriginError::Setup(format!(
                    "{name} is not a table at the origin"
                )))
            }
            Err(_) => {
                return Err(OriginError::Setup(format!(
                    "table {name} does not exist at the origin"
                )))
            }
        };
        let def = table.def();
        if def.primary_key.is_empty() {
            return Err(OriginError::Setup(format!(
                "origin table {name} has no primary key; add one to mirror it"
            )));
        }
        Ok(OriginTable {
            name: OriginTableName {
                schema: def.schema.clone(),
                name: def.name.clone(),
            },
            columns: def
                .visible_columns()
                .filter(|(_, c)| !c.hidden)
                .map(|(_, c)| OriginColumn {
                    name: c.name.clone(),
                    data_type: c.data_type.clone(),
                    nullable: c.nullable,
                })
                .collect(),
            primary_key: def
                .primary_key
                .iter()
                .map(|&p| def.columns[p].name.clone())
                .collect(),
            has_system_version: true,
        })
    }

    async fn take_snapshot(&self, table: &OriginTable) -> Result<OriginSnapshot, OriginError> {
        self.check_online()?;
        let follower = self.db.follow_changes();
        let mut session = self.db.connect();
        let sql = format!(
            "SELECT {}, xmin FROM {}",
            column_list(table),
            TetherSql.table(&table.name)
        );
        session.execute("BEGIN", &[]).await.map_err(sql_error)?;
        let rows = session.query(&sql, &[]).await.map_err(sql_error)?;
        let position = session.snapshot_position().unwrap_or(0);
        session.execute("COMMIT", &[]).await.map_err(sql_error)?;
        let width = table.columns.len();
        let rows = rows
            .into_iter()
            .map(|row| {
                let mut values = row.into_values();
                let xmin = values.pop().map(|v| v.to_string());
                values.truncate(width);
                OriginRow::new(values, xmin)
            })
            .collect();
        let mut follower = follower;
        follower.seek(position);
        self.keep_follower(follower);
        Ok(OriginSnapshot {
            position: Position::numbered(position),
            rows,
        })
    }

    fn keep_follower(&self, follower: ChangeFollower) {
        keep_follower(&self.followers, follower);
    }

    /// A follower positioned at `from`, or `PositionLost` if the changes after `from` are gone.
    fn follower_at(&self, from: u64) -> Result<ChangeFollower, OriginError> {
        let mut followers = self.followers.lock();
        let best = followers
            .iter()
            .enumerate()
            .filter(|(_, f)| f.position() <= from)
            .max_by_key(|(_, f)| f.position())
            .map(|(i, _)| i);
        if let Some(index) = best {
            let mut follower = followers.remove(index);
            follower.seek(from);
            return Ok(follower);
        }
        drop(followers);
        let follower = self.db.follow_changes();
        if follower.position() > from {
            return Err(OriginError::PositionLost(format!(
                "the origin's change log no longer holds position {from}"
            )));
        }
        Ok(follower)
    }

    async fn apply_batch(&self, writes: &[OriginWrite]) -> Result<BatchOutcome, OriginError> {
        self.check_online()?;
        for _ in 0..SERIALIZATION_RETRIES {
            let mut session = self.db.connect();
            match apply_once(&mut session, writes).await {
                Ok(outcomes) => {
                    let failed = outcomes
                        .iter()
                        .any(|o| !matches!(o, WriteOutcome::Applied { .. }));
                    if failed {
                        session.execute("ROLLBACK", &[]).await.map_err(sql_error)?;
                        return Ok(BatchOutcome {
                            outcomes: all_or_nothing(outcomes, writes.len()),
                            commit_position: None,
                        });
                    }
                    session.execute("COMMIT", &[]).await.map_err(sql_error)?;
                    return Ok(BatchOutcome {
                        outcomes,
                        commit_position: Some(Position::numbered(
                            self.db.shared.txns.last_commit_position(),
                        )),
                    });
                }
                Err(Error::SerializationFailure) => {
                    let _ = session.execute("ROLLBACK", &[]).await;
                    tokio::task::yield_now().await;
                }
                Err(e) => return Err(OriginError::Sql(e.to_string())),
            }
        }
        Err(OriginError::Unavailable(
            "the origin kept failing with serialization failures".into(),
        ))
    }
}

fn check_online(online: &AtomicBool) -> Result<(), OriginError> {
    if online.load(Ordering::Acquire) {
        Ok(())
    } else {
        Err(OriginError::Unavailable("the origin is offline".into()))
    }
}

fn keep_follower(followers: &Mutex<Vec<ChangeFollower>>, follower: ChangeFollower) {
    let mut followers = followers.lock();
    followers.push(follower);
    if followers.len() > KEPT_FOLLOWERS {
        followers.remove(0);
    }
}

/// Runs the writes in one open transaction; stops at the first that does not apply.
async fn apply_once(
    session: &mut Session,
    writes: &[OriginWrite],
) -> Result<Vec<WriteOutcome>, Error> {
    session.execute("BEGIN", &[]).await?;
    let mut outcomes = Vec::with_capacity(writes.len());
    let mut produced: Vec<(&OriginWrite, Option<String>)> = Vec::new();
    for write in writes {
        let base = effective_base(write, &produced);
        let statement = cas_statement(&TetherSql, write, base.as_deref());
        let result = match session.query(&statement.sql, &statement.params).await {
            Ok(rows) => match rows.into_iter().next() {
                Some(row) => {
                    let version = row.into_values().pop().filter(|v| !v.is_null());
                    let new_version = match (write.op, &write.version) {
                        (WriteOp::Delete, _) | (_, VersionCheck::None) => None,
                        _ => version.map(|v| v.to_string()),
                    };
                    produced.push((write, new_version.clone()));
                    WriteOutcome::Applied { new_version }
                }
                None => conflict(session, write).await?,
            },
            Err(Error::SerializationFailure) => return Err(Error::SerializationFailure),
            Err(e) if is_permanent(&e) => WriteOutcome::Rejected {
                error: e.to_string(),
            },
            Err(e) => return Err(e),
        };
        let stop = !matches!(result, WriteOutcome::Applied { .. });
        outcomes.push(result);
        if stop {
            break;
        }
    }
    Ok(outcomes)
}

/// Constraint, permission and data errors: retrying the same write cannot succeed.
fn is_permanent(error: &Error) -> bool {
    let code = error.sqlstate();
    code.starts_with("23") || code.starts_with("22") || code.starts_with("42")
}

/// Why a write matched no row: the row is gone, or has another version (with its values).
async fn conflict(session: &mut Session, write: &OriginWrite) -> Result<WriteOutcome, Error> {
    let lookup = row_lookup(&TetherSql, write, "*");
    let rows = session.query(&lookup.sql, &lookup.params).await?;
    let origin_row = rows.into_iter().next().map(|row| {
        let names: Vec<String> = row.columns().iter().map(|c| c.name.clone()).collect();
        names.into_iter().zip(row.into_values()).collect()
    });
    let kind = match (write.op, &origin_row) {
        (WriteOp::Insert, _) => ConflictKind::DuplicateKey,
        (_, None) => ConflictKind::RowMissing,
        (_, Some(_)) => ConflictKind::VersionMismatch,
    };
    Ok(WriteOutcome::Conflicted { kind, origin_row })
}

fn column_list(table: &OriginTable) -> String {
    table
        .columns
        .iter()
        .map(|c| TetherSql.quote(&c.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// tether's own SQL: `"quoted"` names, `$n` parameters, `xmin` as BIGINT.
struct TetherSql;

impl SqlStyle for TetherSql {
    fn quote(&self, identifier: &str) -> String {
        format!("\"{}\"", identifier.replace('"', "\"\""))
    }

    fn value_param(&self, index: usize, _table: &OriginTableName, _column: &str) -> String {
        format!("${index}")
    }

    fn version_param(&self, index: usize, _system: bool) -> String {
        format!("${index}::bigint")
    }

    fn system_version(&self) -> &str {
        "xmin"
    }

    fn returning(&self) -> bool {
        true
    }
}

fn sql_error(e: Error) -> OriginError {
    OriginError::Sql(e.to_string())
}

/// The change stream of one table: the origin's change feed, filtered.
struct TetherStream {
    follower: Option<ChangeFollower>,
    table: OriginTableName,
    online: Arc<AtomicBool>,
    online_changed: Arc<Notify>,
    followers: Arc<Mutex<Vec<ChangeFollower>>>,
}

impl ChangeStream for TetherStream {
    fn next(&mut self) -> BoxFuture<'_, Result<StreamEvent, OriginError>> {
        Box::pin(async move {
            loop {
                check_online(&self.online)?;
                let changed = self.online_changed.clone();
                let notified = changed.notified();
                let Some(follower) = self.follower.as_mut() else {
                    return Err(OriginError::Unavailable("stream closed".into()));
                };
                tokio::select! {
                    committed = follower.next() => {
                        let changes = committed
                            .changes
                            .into_iter()
                            .filter(|c| c.schema == self.table.schema && c.table == self.table.name)
                            .map(|c| OriginChange {
                                table: self.table.clone(),
                                kind: match c.kind {
                                    ChangeKind::Insert => OriginChangeKind::Insert,
                                    ChangeKind::Update => OriginChangeKind::Update,
                                    ChangeKind::Delete => OriginChangeKind::Delete,
                                },
                                old: c.old.map(|values| {
                                    OriginRow::new(values, c.old_version.map(|v| v.to_string()))
                                }),
                                new: c.new.map(|values| {
                                    OriginRow::new(values, c.new_version.map(|v| v.to_string()))
                                }),
                            })
                            .collect();
                        return Ok(StreamEvent::Transaction(OriginTransaction {
                            position: Position::numbered(committed.position),
                            changes,
                        }));
                    }
                    _ = notified => continue,
                }
            }
        })
    }

    fn acknowledge(&mut self, position: &Position) {
        if let Some(follower) = &self.follower {
            follower.acknowledge(position.ordinal);
        }
    }
}

impl Drop for TetherStream {
    fn drop(&mut self) {
        if let Some(follower) = self.follower.take() {
            keep_follower(&self.followers, follower);
        }
    }
}

impl Origin for TetherOrigin {
    fn describe_table<'a>(
        &'a self,
        table: &'a OriginTableName,
    ) -> BoxFuture<'a, Result<OriginTable, OriginError>> {
        Box::pin(async move {
            self.check_online()?;
            self.describe(table)
        })
    }

    fn snapshot<'a>(
        &'a self,
        table: &'a OriginTable,
    ) -> BoxFuture<'a, Result<OriginSnapshot, OriginError>> {
        Box::pin(self.take_snapshot(table))
    }

    fn changes<'a>(
        &'a self,
        table: &'a OriginTable,
        from: &'a Position,
    ) -> BoxFuture<'a, Result<Box<dyn ChangeStream>, OriginError>> {
        Box::pin(async move {
            self.check_online()?;
            let follower = self.follower_at(from.ordinal)?;
            let stream: Box<dyn ChangeStream> = Box::new(TetherStream {
                follower: Some(follower),
                table: table.name.clone(),
                online: self.online.clone(),
                online_changed: self.online_changed.clone(),
                followers: self.followers.clone(),
            });
            Ok(stream)
        })
    }

    fn current_position(&self) -> BoxFuture<'_, Result<Position, OriginError>> {
        Box::pin(async move {
            self.check_online()?;
            Ok(Position::numbered(
                self.db.shared.txns.last_commit_position(),
            ))
        })
    }

    fn apply<'a>(
        &'a self,
        writes: &'a [OriginWrite],
    ) -> BoxFuture<'a, Result<BatchOutcome, OriginError>> {
        Box::pin(self.apply_batch(writes))
    }

    fn execute<'a>(&'a self, sql: &'a str) -> BoxFuture<'a, Result<Vec<QueryResult>, OriginError>> {
        Box::pin(async move {
            self.check_online()?;
            let mut session = self.db.connect();
            session.execute_batch(sql).await.map_err(sql_error)
        })
    }
}

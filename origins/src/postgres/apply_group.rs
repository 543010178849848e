//! Sends a write-back group (see [`crate::group_commit`]) to PostgreSQL as one transaction in
//! one round trip: `BEGIN`, every write's compare-and-set, `COMMIT` and the WAL position the
//! echo will reach, pipelined on a group connection (two groups may be out at once, each on
//! its own connection, so one is on its way while the server runs the other).
//!
//! A compare-and-set that returns no row (a conflict, or a version token of a row written in a
//! subtransaction) changed nothing, so the others commit without it; it is then sent again on
//! its own, which reads the origin's row and tells a conflict from a stale token as a lone write
//! does. A statement that fails aborts the transaction (its `COMMIT` rolls back), and every
//! write of the group is then sent on its own, so each gets its own outcome.

use std::slice;

use tether_engine::sync::cas_sql::cas_statement;
use tether_engine::sync::{BatchOutcome, OriginError, OriginWrite, Position, WriteOutcome};
use tokio_postgres::Row;

use super::apply::{
    applied, apply_alone, commit_position, param_refs, param_texts, prepared, style_for, PgSql,
    WriteConnection, CURRENT_LSN,
};
use super::error::PgError;
use super::origin::Inner;
use super::pipeline::{self, Step};
use crate::group_commit::WriteAnswer;

/// What became of a group sent as one transaction.
enum GroupResult {
    /// Committed at `position`; per write, its outcome when its compare-and-set applied.
    Committed {
        outcomes: Vec<Option<WriteOutcome>>,
        position: Option<Position>,
    },
    /// A statement failed and the transaction rolled back: nothing applied.
    RolledBack,
}

/// Sends `group` and answers each write's own outcome, in order.
pub async fn send_group(inner: &Inner, group: Vec<OriginWrite>) -> Vec<WriteAnswer> {
    if group.len() == 1 {
        return vec![apply_alone(inner, &group).await];
    }
    let result = match style_for(inner, &group).await {
        Ok(style) => run_exclusive(inner, &style, &group).await,
        Err(e) => Err(e),
    };
    let mut answers = Vec::with_capacity(group.len());
    match result {
        Err(e) => answers.resize(group.len(), Err(e)),
        Ok(GroupResult::RolledBack) => {
            for write in &group {
                answers.push(apply_alone(inner, slice::from_ref(write)).await);
            }
        }
        Ok(GroupResult::Committed { outcomes, position }) => {
            for (write, outcome) in group.iter().zip(outcomes) {
                let answer = match outcome {
                    Some(outcome) => Ok(BatchOutcome {
                        outcomes: vec![outcome],
                        commit_position: position.clone(),
                    }),
                    None => apply_alone(inner, slice::from_ref(write)).await,
                };
                answers.push(answer);
            }
        }
    }
    answers
}

/// Runs the group's transaction on a group connection of its own.
async fn run_exclusive(
    inner: &Inner,
    style: &PgSql,
    group: &[OriginWrite],
) -> Result<GroupResult, OriginError> {
    let mut guard = inner.group_writer().await?;
    let Some(connection) = guard.clone() else {
        return Err(OriginError::Unavailable("no connection".into()));
    };
    match run_group(&connection, style, group).await {
        Ok(result) => Ok(result),
        Err(e) => {
            if e.is_connection_loss() {
                *guard = None;
            }
            Err(e.into())
        }
    }
}

/// The pipelined transaction. An error means its fate is unknown (the connection broke, or
/// `BEGIN` failed so the statements may have run alone): the writes stay pending.
async fn run_group(
    connection: &WriteConnection,
    style: &PgSql,
    group: &[OriginWrite],
) -> Result<GroupResult, PgError> {
    // Prepare first: a statement being prepared would go out ahead of the pipeline.
    let mut statements = Vec::with_capacity(group.len());
    let mut texts = Vec::with_capacity(group.len());
    for write in group {
        let cas = cas_statement(style, write, write.base_version.as_deref());
        statements.push(prepared(connection, &cas.sql).await?);
        texts.push(param_texts(&cas.params));
    }
    let current_lsn = prepared(connection, CURRENT_LSN).await?;
    let client = &connection.client;
    let refs: Vec<_> = texts.iter().map(|t| param_refs(t)).collect();
    let mut steps: Vec<Step<'_, Result<Vec<Row>, tokio_postgres::Error>>> = Vec::new();
    steps.push(Box::pin(async move {
        client.batch_execute("BEGIN").await.map(|()| Vec::new())
    }));
    for (statement, params) in statements.iter().zip(&refs) {
        steps.push(Box::pin(client.query(statement, params)));
    }
    steps.push(Box::pin(async move {
        client.batch_execute("COMMIT").await.map(|()| Vec::new())
    }));
    steps.push(Box::pin(client.query(&current_lsn, &[])));
    let mut results = pipeline::run(steps).await.into_iter();
    let begin = results.next();
    let writes: Vec<_> = results.by_ref().take(group.len()).collect();
    let commit = results.next();
    let lsn = results.next();
    match begin {
        Some(Ok(_)) => {}
        Some(Err(e)) => return Err(e.into()),
        None => return Err(PgError::Protocol("the pipeline lost BEGIN's answer".into())),
    }
    let mut failed = false;
    let mut applied_writes = Vec::with_capacity(group.len());
    for (write, result) in group.iter().zip(writes) {
        match result {
            Ok(rows) => applied_writes.push(rows.first().map(|row| applied(write, row))),
            Err(e) => {
                statement_failed(e)?;
                failed = true;
                applied_writes.push(None);
            }
        }
    }
    match commit {
        Some(Ok(_)) => {}
        Some(Err(e)) => {
            statement_failed(e)?;
            failed = true;
        }
        None => failed = true,
    }
    if failed {
        return Ok(GroupResult::RolledBack);
    }
    // The group committed; without its position a staged row settles without waiting.
    let position = match lsn {
        Some(Ok(rows)) => commit_position(&rows).ok(),
        _ => None,
    };
    Ok(GroupResult::Committed {
        outcomes: applied_writes,
        position,
    })
}

/// A statement's error: fine to go on (it aborted the transaction, which rolls back) unless it
/// is the connection's, when the transaction's fate is unknown.
fn statement_failed(error: tokio_postgres::Error) -> Result<(), PgError> {
    let error = PgError::from(error);
    if error.is_connection_loss() {
        Err(error)
    } else {
        Ok(())
    }
}

//! The change stream of one table: `START_REPLICATION` on the snapshot's slot, pgoutput v1
//! decoded into whole origin transactions (delivered at Commit), keepalives answered and turned
//! into progress, standby status reporting only what the view has applied as flushed.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tether_engine::sync::{
    BoxFuture, ChangeStream, OriginChange, OriginChangeKind, OriginError, OriginRow, OriginTable,
    OriginTransaction, Position, StreamEvent,
};
use tether_engine::Value;

use super::describe::quote;
use super::error::PgError;
use super::origin::{lsn_position, Inner, SlotRecords, TableInfo};
use super::pgoutput::{
    decode, decode_change, decode_copy_data, encode_standby_status, format_lsn, ChangeRef,
    PgOutputMessage, RelationBody, ReplicationMessage, TupleRef, TupleValueRef,
};
use super::types::value_from_text;
use super::wire::WireConnection;

/// Status updates go out at least this often, even when idle.
const STATUS_INTERVAL: Duration = Duration::from_secs(10);
/// No message for this long means the server is gone.
const SILENCE_LIMIT: Duration = Duration::from_secs(60);

/// Opens the stream that continues the snapshot taken at `from`. Slots are temporary, so a
/// stream whose connection was lost cannot resume: the view takes a new snapshot.
pub async fn open(
    inner: &Inner,
    table: &OriginTable,
    from: &Position,
) -> Result<PgStream, OriginError> {
    let prepared = {
        let mut prepared = inner.prepared.lock();
        let index = prepared
            .iter()
            .position(|p| p.table == table.name && p.position == from.ordinal);
        index.map(|i| prepared.remove(i))
    };
    let (mut connection, slot, publication) = match prepared {
        Some(prepared) => (prepared.connection, prepared.slot, prepared.publication),
        None => resume(inner, table, from).await?,
    };
    let info = inner.table_info(&table.name).await?;
    let started = connection
        .start_replication(&format!(
            "START_REPLICATION SLOT {} LOGICAL {} (\"proto_version\" '1', \"publication_names\" '{}')",
            quote(&slot),
            format_lsn(from.ordinal),
            publication.replace('\'', "''")
        ))
        .await;
    if let Err(e) = started {
        release_slot(&inner.slots, &slot);
        return Err(e.into());
    }
    Ok(PgStream {
        connection,
        info,
        relations: HashMap::new(),
        pending: None,
        received: from.ordinal,
        acknowledged: from.ordinal,
        reported: 0,
        last_status: Instant::now(),
        slot,
        slots: inner.slots.clone(),
    })
}

/// A new connection to the persistent slot that continues `from`, or `PositionLost`.
async fn resume(
    inner: &Inner,
    table: &OriginTable,
    from: &Position,
) -> Result<(WireConnection, String, String), OriginError> {
    let record = {
        let mut slots = inner.slots.lock();
        let found = slots
            .iter_mut()
            .filter(|s| s.table == table.name && !s.in_use && s.created <= from.ordinal)
            .max_by_key(|s| s.created);
        found.map(|s| {
            s.in_use = true;
            (s.slot.clone(), s.publication.clone())
        })
    };
    let Some((slot, publication)) = record else {
        return Err(OriginError::PositionLost(format!(
            "no replication slot continues position {from} of {} (temporary slots end with \
             their connection)",
            table.name
        )));
    };
    match inner.replication_connection().await {
        Ok(connection) => Ok((connection, slot, publication)),
        Err(e) => {
            release_slot(&inner.slots, &slot);
            Err(e.into())
        }
    }
}

/// Marks a persistent slot as read by no stream.
fn release_slot(slots: &SlotRecords, slot: &str) {
    if let Some(record) = slots.lock().iter_mut().find(|s| s.slot == slot) {
        record.in_use = false;
    }
}

/// A transaction being received.
struct PendingTransaction {
    /// The xid as text: the version of every row the transaction writes.
    xid: String,
    changes: Vec<OriginChange>,
}

/// A live replication stream.
pub struct PgStream {
    connection: WireConnection,
    info: Arc<TableInfo>,
    relations: HashMap<u32, RelationBody>,
    pending: Option<PendingTransaction>,
    /// The furthest WAL position seen.
    received: u64,
    /// What the view has applied (reported as flushed).
    acknowledged: u64,
    /// The flushed position last reported.
    reported: u64,
    last_status: Instant,
    slot: String,
    slots: SlotRecords,
}

impl Drop for PgStream {
    fn drop(&mut self) {
        release_slot(&self.slots, &self.slot);
    }
}

impl ChangeStream for PgStream {
    fn next(&mut self) -> BoxFuture<'_, Result<StreamEvent, OriginError>> {
        Box::pin(async move { self.next_event().await.map_err(OriginError::from) })
    }

    fn acknowledge(&mut self, position: &Position) {
        self.acknowledged = self.acknowledged.max(position.ordinal);
    }
}

impl PgStream {
    async fn next_event(&mut self) -> Result<StreamEvent, PgError> {
        let mut silent_since = Instant::now();
        loop {
            if self.acknowledged != self.reported || self.last_status.elapsed() >= STATUS_INTERVAL {
                self.send_status(false).await?;
            }
            let data = match tokio::time::timeout(STATUS_INTERVAL, self.connection.next_copy_data())
                .await
            {
                Ok(data) => data?,
                Err(_) if silent_since.elapsed() >= SILENCE_LIMIT => {
                    return Err(PgError::Closed(format!(
                        "no message from the walsender for {} s",
                        SILENCE_LIMIT.as_secs()
                    )))
                }
                Err(_) => continue,
            };
            silent_since = Instant::now();
            match decode_copy_data(&data).map_err(|e| PgError::Decode(e.to_string()))? {
                ReplicationMessage::PrimaryKeepalive {
                    wal_end,
                    reply_requested,
                    ..
                } => {
                    self.received = self.received.max(wal_end);
                    if reply_requested {
                        self.send_status(false).await?;
                    }
                    if self.pending.is_none() {
                        return Ok(StreamEvent::Progress(lsn_position(wal_end)));
                    }
                }
                ReplicationMessage::XLogData { wal_end, data, .. } => {
                    self.received = self.received.max(wal_end);
                    // Row changes, the bulk of the stream, are read with their values in place.
                    let change = decode_change(data).map_err(|e| PgError::Decode(e.to_string()))?;
                    if let Some(change) = change {
                        self.handle_change(change)?;
                        continue;
                    }
                    let message = decode(data).map_err(|e| PgError::Decode(e.to_string()))?;
                    if let Some(transaction) = self.handle(message)? {
                        return Ok(StreamEvent::Transaction(transaction));
                    }
                }
            }
        }
    }

    /// Takes one pgoutput message; returns a transaction when it commits.
    fn handle(&mut self, message: PgOutputMessage) -> Result<Option<OriginTransaction>, PgError> {
        match message {
            PgOutputMessage::Begin { xid, .. } => {
                self.pending = Some(PendingTransaction {
                    xid: xid.to_string(),
                    changes: Vec::new(),
                });
            }
            PgOutputMessage::Commit { end_lsn, .. } => {
                self.received = self.received.max(end_lsn);
                let pending = self.pending.take();
                return Ok(Some(OriginTransaction {
                    position: lsn_position(end_lsn),
                    changes: pending.map(|p| p.changes).unwrap_or_default(),
                }));
            }
            PgOutputMessage::Relation(relation) => {
                if self.is_ours(&relation) {
                    self.check_relation(&relation)?;
                }
                self.relations.insert(relation.id, relation);
            }
            PgOutputMessage::Truncate { relations, .. }
                if relations.iter().any(|r| self.relation_is_ours(*r)) =>
            {
                self.push(OriginChangeKind::Truncate, None, None);
            }
            _ => {}
        }
        Ok(None)
    }

    /// Takes one row change.
    fn handle_change(&mut self, change: ChangeRef<'_>) -> Result<(), PgError> {
        match change {
            ChangeRef::Insert { relation, new } if self.relation_is_ours(relation) => {
                let new = self.row(&new)?;
                self.push(OriginChangeKind::Insert, None, Some(new));
            }
            ChangeRef::Update {
                relation,
                key,
                old,
                new,
            } if self.relation_is_ours(relation) => {
                let old = old.or(key).map(|t| self.row(&t)).transpose()?;
                let new = self.row(&new)?;
                self.push(OriginChangeKind::Update, old, Some(new));
            }
            ChangeRef::Delete { relation, key, old } if self.relation_is_ours(relation) => {
                let old = old.or(key).map(|t| self.row(&t)).transpose()?;
                self.push(OriginChangeKind::Delete, old, None);
            }
            _ => {}
        }
        Ok(())
    }

    fn push(&mut self, kind: OriginChangeKind, old: Option<OriginRow>, new: Option<OriginRow>) {
        let table = self.info.table.name.clone();
        if let Some(pending) = &mut self.pending {
            pending.changes.push(OriginChange {
                table,
                kind,
                old,
                new,
            });
        }
    }

    fn is_ours(&self, relation: &RelationBody) -> bool {
        relation.namespace == self.info.table.name.schema
            && relation.name == self.info.table.name.name
    }

    fn relation_is_ours(&self, id: u32) -> bool {
        self.relations.get(&id).is_some_and(|r| self.is_ours(r))
    }

    /// A schema change at the origin that the view's mapping cannot follow is an error.
    fn check_relation(&self, relation: &RelationBody) -> Result<(), PgError> {
        let expected: Vec<&str> = self
            .info
            .table
            .columns
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        let got: Vec<&str> = relation.columns.iter().map(|c| c.name.as_str()).collect();
        if expected != got {
            return Err(PgError::SchemaChanged(format!(
                "the columns of {} changed at the origin (now {}; the view was created with {}): \
                 drop and re-create the view",
                self.info.table.name,
                got.join(", "),
                expected.join(", ")
            )));
        }
        Ok(())
    }

    /// A tuple as an origin row; the version is the transaction's xid (see the docs on
    /// subtransactions: write-back verifies by values before calling a mismatch a conflict).
    fn row(&self, tuple: &TupleRef<'_>) -> Result<OriginRow, PgError> {
        let columns = &self.info.table.columns;
        if tuple.0.len() != columns.len() {
            return Err(PgError::Decode(format!(
                "a change of {} has {} columns, the view expects {}",
                self.info.table.name,
                tuple.0.len(),
                columns.len()
            )));
        }
        // Room for the mirror's version and staged columns (see `SnapshotRow::values`).
        let mut values = Vec::with_capacity(columns.len() + 2);
        let mut unchanged = Vec::new();
        for (position, (value, column)) in tuple.0.iter().zip(columns).enumerate() {
            values.push(match *value {
                TupleValueRef::Null => Value::Null,
                TupleValueRef::UnchangedToast => {
                    unchanged.push(position);
                    Value::Null
                }
                TupleValueRef::Text(text) => value_from_text(Some(text), &column.data_type)?,
                TupleValueRef::Binary(_) => {
                    return Err(PgError::Decode(
                        "binary tuple values were not asked for".into(),
                    ))
                }
            });
        }
        Ok(OriginRow {
            values,
            system_version: self.pending.as_ref().map(|p| p.xid.clone()),
            unchanged,
        })
    }

    async fn send_status(&mut self, reply_requested: bool) -> Result<(), PgError> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_micros() as i64)
            - 946_684_800_000_000;
        let payload = encode_standby_status(
            self.received,
            self.acknowledged,
            self.acknowledged,
            now,
            reply_requested,
        );
        self.connection.send_copy_data(&payload).await?;
        self.reported = self.acknowledged;
        self.last_status = Instant::now();
        Ok(())
    }
}

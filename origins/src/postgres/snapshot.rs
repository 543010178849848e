//! The consistent start: a publication for the table, then on a walsender connection a
//! REPEATABLE READ transaction whose first command creates a logical slot using the
//! transaction's snapshot, the table copied inside it (a binary `COPY` streamed chunk by chunk,
//! see [`super::copy_rows`]), and the slot's consistent point as the position. The stream then
//! starts exactly there — no gap, no duplicate.

use std::sync::atomic::Ordering;
use std::time::Duration;

use tether_engine::sync::{
    BoxFuture, OriginError, OriginRow, OriginSnapshot, OriginTable, OriginTableName, Position,
    SnapshotRow, SnapshotStream,
};

use super::copy_rows::{CopyColumn, CopyRows};
use super::describe::quote;
use super::error::PgError;
use super::origin::{lsn_position, Inner, PreparedStream, SlotRecord};
use super::pgoutput::parse_lsn;
use super::wire::WireConnection;

/// How many unclaimed snapshot connections (each holding a slot) are kept.
const KEPT_PREPARED: usize = 16;
/// Rows per chunk of a streamed snapshot.
const CHUNK_ROWS: usize = 8192;

/// A snapshot being copied: the walsender connection in its snapshot transaction, reading the
/// COPY's rows.
pub struct PgSnapshot<'a> {
    inner: &'a Inner,
    table: OriginTableName,
    lsn: u64,
    position: Position,
    /// `None` once the copy is over and the connection waits for the stream.
    connection: Option<WireConnection>,
    slot: String,
    publication: String,
    persistent: bool,
    rows: CopyRows,
}

/// Takes a snapshot of `table` whole (the rows collected) and prepares its stream.
pub async fn take(inner: &Inner, table: &OriginTable) -> Result<OriginSnapshot, OriginError> {
    let mut snapshot = open(inner, table).await?;
    let mut rows = Vec::new();
    while let Some(chunk) = snapshot.next_chunk().await? {
        rows.extend(
            chunk
                .into_iter()
                .map(|row| OriginRow::new(row.values, row.system_version.map(|v| v.to_string()))),
        );
    }
    Ok(OriginSnapshot {
        position: snapshot.position,
        rows,
    })
}

/// Starts a snapshot of `table`: creates its slot and starts the copy.
pub async fn open<'a>(
    inner: &'a Inner,
    table: &OriginTable,
) -> Result<PgSnapshot<'a>, OriginError> {
    let info = inner.table_info(&table.name).await?;
    let publication = inner.publication_name(&table.name);
    ensure_publication(inner, &publication, &table.name).await?;
    let mut connection = inner.replication_connection().await?;
    let slot = inner.slot_name(&table.name);
    let persistent = inner.persistent_slots.load(Ordering::Relaxed);
    connection
        .simple_query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .await?;
    let created = connection
        .simple_query(&format!(
            "CREATE_REPLICATION_SLOT {} {}LOGICAL pgoutput USE_SNAPSHOT",
            quote(&slot),
            if persistent { "" } else { "TEMPORARY " }
        ))
        .await?;
    let consistent_point = created
        .first()
        .and_then(|rows| rows.first())
        .and_then(|row| row.get(1).cloned().flatten())
        .ok_or_else(|| OriginError::Sql("CREATE_REPLICATION_SLOT returned no position".into()))?;
    let lsn = parse_lsn(&consistent_point)
        .map_err(|e| OriginError::Sql(format!("bad LSN {consistent_point}: {e}")))?;
    let mut columns = Vec::with_capacity(info.table.columns.len());
    let mut select = Vec::with_capacity(info.table.columns.len() + 1);
    select.push("xmin".to_string());
    for (column, type_name) in info.table.columns.iter().zip(&info.type_names) {
        let (copied, cast) = CopyColumn::of(type_name, &column.data_type);
        columns.push(copied);
        select.push(if cast {
            format!("{}::text", quote(&column.name))
        } else {
            quote(&column.name)
        });
    }
    connection
        .copy_out(&format!(
            "COPY (SELECT {} FROM {}.{}) TO STDOUT (FORMAT binary)",
            select.join(", "),
            quote(&table.name.schema),
            quote(&table.name.name)
        ))
        .await?;
    Ok(PgSnapshot {
        inner,
        table: table.name.clone(),
        lsn,
        position: lsn_position(lsn),
        connection: Some(connection),
        slot,
        publication,
        persistent,
        rows: CopyRows::new(columns),
    })
}

impl SnapshotStream for PgSnapshot<'_> {
    fn position(&self) -> &Position {
        &self.position
    }

    fn next_chunk(&mut self) -> BoxFuture<'_, Result<Option<Vec<SnapshotRow>>, OriginError>> {
        Box::pin(async move { self.read_chunk().await.map_err(OriginError::from) })
    }
}

impl PgSnapshot<'_> {
    async fn read_chunk(&mut self) -> Result<Option<Vec<SnapshotRow>>, PgError> {
        let Some(connection) = self.connection.as_mut() else {
            return Ok(None);
        };
        let mut chunk = Vec::with_capacity(CHUNK_ROWS);
        let rows = &mut self.rows;
        let ended = connection
            .copy_data(CHUNK_ROWS, |payload| rows.payload(payload, &mut chunk))
            .await?;
        if ended {
            if !self.rows.ended() {
                return Err(PgError::Decode("the COPY ended without its trailer".into()));
            }
            self.finish().await?;
        }
        Ok((!chunk.is_empty()).then_some(chunk))
    }

    /// Ends the snapshot transaction and keeps the connection, holding its slot, for the
    /// stream that continues the snapshot.
    async fn finish(&mut self) -> Result<(), PgError> {
        let Some(mut connection) = self.connection.take() else {
            return Ok(());
        };
        connection.simple_query("COMMIT").await?;
        if self.persistent {
            self.inner.slots.lock().push(SlotRecord {
                table: self.table.clone(),
                slot: self.slot.clone(),
                publication: self.publication.clone(),
                created: self.lsn,
                in_use: true,
            });
        }
        let mut prepared = self.inner.prepared.lock();
        prepared.push(PreparedStream {
            table: self.table.clone(),
            position: self.lsn,
            connection,
            slot: self.slot.clone(),
            publication: self.publication.clone(),
        });
        if prepared.len() > KEPT_PREPARED {
            prepared.remove(0);
        }
        Ok(())
    }
}

/// Creates the table's publication, or adds the table to it, unless it is there already.
async fn ensure_publication(
    inner: &Inner,
    publication: &str,
    table: &OriginTableName,
) -> Result<(), OriginError> {
    let guard = inner.client().await?;
    let Some(client) = guard.as_ref() else {
        return Err(OriginError::Unavailable("no connection".into()));
    };
    let listed = client
        .query(
            "SELECT 1 FROM pg_publication_tables WHERE pubname = $1 AND schemaname = $2 \
             AND tablename = $3",
            &[&publication, &table.schema, &table.name],
        )
        .await
        .map_err(PgError::from)?;
    if !listed.is_empty() {
        return Ok(());
    }
    let exists = !client
        .query(
            "SELECT 1 FROM pg_publication WHERE pubname = $1",
            &[&publication],
        )
        .await
        .map_err(PgError::from)?
        .is_empty();
    let target = format!("{}.{}", quote(&table.schema), quote(&table.name));
    let sql = if exists {
        format!(
            "ALTER PUBLICATION {} ADD TABLE {target}",
            quote(publication)
        )
    } else {
        format!(
            "CREATE PUBLICATION {} FOR TABLE {target}",
            quote(publication)
        )
    };
    match client.batch_execute(&sql).await {
        Ok(()) => Ok(()),
        // Another view created it at the same moment.
        Err(e) if e.code().map(|c| c.code()) == Some("42710") => Ok(()),
        Err(e) => {
            let error = PgError::from(e);
            Err(match error.sqlstate() {
                Some("42501") => OriginError::Setup(format!(
                    "cannot create publication {publication} for {target}: the role must own \
                     the table and have CREATE on the database ({error})"
                )),
                _ => error.into(),
            })
        }
    }
}

/// Drops the persistent slots of `table` that no stream reads (a view of it was dropped).
/// A slot whose walsender is still ending is retried for a few seconds.
pub async fn drop_slots(inner: &Inner, table: &OriginTableName) {
    // The dropped view's stream may still be ending (its task is being aborted): wait for it to
    // let go of its slot, for up to ten seconds.
    for _ in 0..100 {
        let (idle, busy) = {
            let mut slots = inner.slots.lock();
            let idle: Vec<String> = slots
                .iter()
                .filter(|s| s.table == *table && !s.in_use)
                .map(|s| s.slot.clone())
                .collect();
            slots.retain(|s| s.table != *table || s.in_use);
            let busy = slots.iter().any(|s| s.table == *table);
            (idle, busy)
        };
        for slot in idle {
            drop_slot(inner, &slot).await;
        }
        if !busy {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Drops one slot, retrying while its walsender is still ending.
async fn drop_slot(inner: &Inner, slot: &str) {
    for _ in 0..50 {
        let dropped = match inner.client().await {
            Ok(guard) => match guard.as_ref() {
                Some(client) => client
                    .execute("SELECT pg_drop_replication_slot($1)", &[&slot])
                    .await
                    .map(|_| true)
                    .unwrap_or_else(|e| e.code().map(|c| c.code()) == Some("42704")),
                None => false,
            },
            Err(_) => false,
        };
        if dropped {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

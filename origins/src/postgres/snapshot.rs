//! The consistent start: a publication for the table, then on a walsender connection a
//! REPEATABLE READ transaction whose first command creates a temporary logical slot using the
//! transaction's snapshot, the table copied inside it, and the slot's consistent point as the
//! position. The stream then starts exactly there — no gap, no duplicate.

use std::sync::atomic::Ordering;
use std::time::Duration;

use tether_engine::sync::{OriginError, OriginRow, OriginSnapshot, OriginTable, OriginTableName};

use super::describe::quote;
use super::error::PgError;
use super::origin::{lsn_position, Inner, PreparedStream, SlotRecord};
use super::pgoutput::parse_lsn;
use super::types::value_from_text;

/// How many unclaimed snapshot connections (each holding a slot) are kept.
const KEPT_PREPARED: usize = 16;

/// Takes a snapshot of `table` and prepares its stream.
pub async fn take(inner: &Inner, table: &OriginTable) -> Result<OriginSnapshot, OriginError> {
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
    let position = parse_lsn(&consistent_point)
        .map_err(|e| OriginError::Sql(format!("bad LSN {consistent_point}: {e}")))?;
    let columns: Vec<String> = info.table.columns.iter().map(|c| quote(&c.name)).collect();
    let select = format!(
        "SELECT xmin::text, {} FROM {}.{}",
        columns.join(", "),
        quote(&table.name.schema),
        quote(&table.name.name)
    );
    let copied = connection.simple_query(&select).await?;
    connection.simple_query("COMMIT").await?;
    let mut rows = Vec::new();
    for row in copied.into_iter().flatten() {
        let mut fields = row.into_iter();
        let version = fields.next().flatten();
        let values = fields
            .zip(&info.table.columns)
            .map(|(text, column)| value_from_text(text.as_deref(), &column.data_type))
            .collect::<Result<Vec<_>, PgError>>()?;
        rows.push(OriginRow::new(values, version));
    }
    if persistent {
        inner.slots.lock().push(SlotRecord {
            table: table.name.clone(),
            slot: slot.clone(),
            publication: publication.clone(),
            created: position,
            in_use: true,
        });
    }
    let mut prepared = inner.prepared.lock();
    prepared.push(PreparedStream {
        table: table.name.clone(),
        position,
        connection,
        slot,
        publication,
    });
    if prepared.len() > KEPT_PREPARED {
        prepared.remove(0);
    }
    Ok(OriginSnapshot {
        position: lsn_position(position),
        rows,
    })
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

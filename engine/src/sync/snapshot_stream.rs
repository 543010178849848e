//! Streamed snapshots: an origin table's rows delivered in chunks as they arrive, so the copy's
//! transfer overlaps turning its rows into mirror rows. [`SnapshotStream`] is what
//! [`Origin::snapshot_stream`](super::Origin::snapshot_stream) returns; [`WholeSnapshot`]
//! streams an [`OriginSnapshot`] taken whole, for origins without a streaming copy.

use std::sync::Arc;

use super::origin::{BoxFuture, OriginError, OriginSnapshot, Position};
use crate::types::Value;

/// One row of a streamed snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct SnapshotRow {
    /// Values in the table's column order. Origins allocate room for two more values (the
    /// mirror's version and staged columns), so a view showing the table's columns unchanged
    /// reuses the vector.
    pub values: Vec<Value>,
    /// The system version (`xmin`) as text when the origin has one; rows with the same version
    /// share the text.
    pub system_version: Option<Arc<str>>,
}

/// The rows of a consistent copy of one table, chunk by chunk.
pub trait SnapshotStream: Send {
    /// The stream position the snapshot is consistent with: the changes after it are exactly
    /// those the rows do not contain. Known before the first chunk.
    fn position(&self) -> &Position;

    /// The next chunk of rows, `None` after the last one. An error ends the snapshot; nothing
    /// of it may be used.
    fn next_chunk(&mut self) -> BoxFuture<'_, Result<Option<Vec<SnapshotRow>>, OriginError>>;
}

/// Rows per chunk of a [`WholeSnapshot`].
const WHOLE_CHUNK_ROWS: usize = 4096;

/// A snapshot taken whole ([`Origin::snapshot`](super::Origin::snapshot)), streamed in chunks.
#[derive(Debug)]
pub struct WholeSnapshot {
    position: Position,
    rows: std::vec::IntoIter<super::OriginRow>,
}

impl From<OriginSnapshot> for WholeSnapshot {
    fn from(snapshot: OriginSnapshot) -> WholeSnapshot {
        WholeSnapshot {
            position: snapshot.position,
            rows: snapshot.rows.into_iter(),
        }
    }
}

impl SnapshotStream for WholeSnapshot {
    fn position(&self) -> &Position {
        &self.position
    }

    fn next_chunk(&mut self) -> BoxFuture<'_, Result<Option<Vec<SnapshotRow>>, OriginError>> {
        let chunk: Vec<SnapshotRow> = self
            .rows
            .by_ref()
            .take(WHOLE_CHUNK_ROWS)
            .map(|row| SnapshotRow {
                values: row.values,
                system_version: row.system_version.map(Arc::from),
            })
            .collect();
        Box::pin(async move { Ok((!chunk.is_empty()).then_some(chunk)) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::OriginRow;

    #[tokio::test]
    async fn whole_snapshot_streams_every_row_in_order() {
        let rows: Vec<OriginRow> = (0..10_000)
            .map(|i| OriginRow::new(vec![Value::Int64(i)], Some(format!("{}", i % 3))))
            .collect();
        let mut stream = WholeSnapshot::from(OriginSnapshot {
            position: Position::numbered(7),
            rows,
        });
        assert_eq!(stream.position().ordinal, 7);
        let mut seen = Vec::new();
        while let Some(chunk) = stream.next_chunk().await.expect("chunk") {
            assert!(chunk.len() <= WHOLE_CHUNK_ROWS);
            seen.extend(chunk);
        }
        assert_eq!(seen.len(), 10_000);
        assert_eq!(seen[5].values, vec![Value::Int64(5)]);
        assert_eq!(seen[5].system_version.as_deref(), Some("2"));
    }
}

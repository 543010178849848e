//! Loading a streamed snapshot into a view's mirror. Each chunk is turned into mirror rows and
//! row versions as it arrives, while the origin is still sending the next (no lock is held
//! meanwhile); at the end the rows are installed in ONE local transaction with the snapshot's
//! position. Into an empty mirror that is a bulk fill under one write lock; a mirror that has
//! rows (a re-snapshot after the position was lost) or staged keys is compared key by key.

use std::collections::HashSet;
use std::sync::Arc;

use super::commit::settle;
use super::inbound::{finish, Target};
use super::mirror_rows::MirrorRows;
use super::origin::{OriginError, Position};
use super::rows::{self, Chain};
use super::snapshot_stream::{SnapshotRow, SnapshotStream};
use super::view_sync::{Staging, ViewSync};
use crate::api::Shared;
use crate::catalog::TableDef;
use crate::error::Result;
use crate::storage::{Key, RowVersion};
use crate::txn::{Transaction, WriteRecord};

/// The snapshot's rows so far, as entries of a mirror's row map. Their write records go
/// straight into the load's transaction.
struct Loaded {
    rows: Vec<(Key, Chain)>,
    /// Keys came in strictly ascending order (so far).
    ascending: bool,
}

/// Reads a snapshot stream to its end and makes the view's mirror hold its rows, at its
/// position.
pub(crate) async fn load(
    shared: &Shared,
    view: &Arc<ViewSync>,
    mut stream: Box<dyn SnapshotStream + '_>,
) -> Result<(), OriginError> {
    let position = stream.position().clone();
    // The versions are made by this transaction as the rows arrive; it writes nothing to the
    // table until the install.
    let mut txn = shared.txns.begin();
    let mut loaded = Loaded {
        rows: Vec::new(),
        ascending: true,
    };
    let outcome = loop {
        match stream.next_chunk().await {
            Ok(Some(chunk)) => {
                if let Err(e) = convert(view, &mut txn, chunk, &mut loaded) {
                    break Err(OriginError::Sql(e.to_string()));
                }
            }
            Ok(None) => break Ok(()),
            Err(e) => break Err(e),
        }
    };
    drop(stream);
    if let Err(e) = outcome {
        discard(shared, txn);
        return Err(e);
    }
    install(shared, view, txn, loaded, &position).map_err(|e| OriginError::Sql(e.to_string()))
}

/// Turns one chunk into mirror rows and versions of `txn`, with their write records.
fn convert(
    view: &Arc<ViewSync>,
    txn: &mut Transaction,
    chunk: Vec<SnapshotRow>,
    loaded: &mut Loaded,
) -> Result<()> {
    let spec = &view.spec;
    let txn_id = txn.id();
    let mut mirror = MirrorRows::new(spec);
    loaded.rows.reserve(chunk.len());
    txn.writes.reserve(chunk.len());
    for row in chunk {
        let key = spec.key_of_values(&row.values);
        let Some(values) = mirror.row(row.values, row.system_version.as_deref())? else {
            continue;
        };
        if loaded.ascending {
            loaded.ascending = loaded.rows.last().is_none_or(|(last, _)| *last < key);
        }
        let version = Arc::new(RowVersion::new(txn_id, values.into_boxed_slice()));
        txn.writes.push(WriteRecord::Created {
            table: view.table.clone(),
            key: key.clone(),
            version: version.clone(),
        });
        loaded.rows.push((key, smallvec::smallvec![version]));
    }
    Ok(())
}

/// Makes the mirror hold the loaded rows and commits with the snapshot's position.
fn install(
    shared: &Shared,
    view: &Arc<ViewSync>,
    txn: Transaction,
    loaded: Loaded,
    position: &Position,
) -> Result<()> {
    let mut staging = view.staging.lock();
    let def = view.table.def();
    let mut data = view.table.data.write();
    if staging.keys.is_empty() && data.rows.is_empty() {
        // The first snapshot into an empty mirror: nothing to compare or remove.
        let outcome = rows::fill_empty(&mut data, &def, &txn, loaded.rows, loaded.ascending);
        drop(data);
        return finish(shared, view, txn, outcome, position);
    }
    drop(data);
    // The mirror has rows or staged keys: compare key by key in a transaction that sees what
    // was committed during the copy.
    discard(shared, txn);
    let mut txn = shared.txns.begin();
    let outcome = compare(view, &mut staging, &mut txn, &def, loaded.rows)
        .and_then(|()| settle(view, &mut staging, &mut txn, None, position.ordinal));
    finish(shared, view, txn, outcome, position)
}

/// Ends the load's transaction without installing its versions: no table holds them, so
/// their write records are dropped rather than undone one by one.
fn discard(shared: &Shared, mut txn: Transaction) {
    txn.writes.clear();
    crate::api::rollback_transaction(shared, txn);
}

/// Makes a mirror that has rows or staged keys hold the snapshot's rows, key by key: rows that
/// change are replaced, rows the snapshot no longer has (or that the view's filter leaves out
/// now) are removed, and staged keys only get the origin's row as their shadow.
fn compare(
    view: &Arc<ViewSync>,
    staging: &mut Staging,
    txn: &mut Transaction,
    def: &TableDef,
    loaded: Vec<(Key, Chain)>,
) -> Result<()> {
    let mut data = view.table.data.write();
    let mut target = Target {
        view,
        def,
        staging,
        txn,
    };
    let mut seen: HashSet<Key> = HashSet::with_capacity(loaded.len());
    for (key, chain) in loaded {
        seen.insert(key.clone());
        for version in chain {
            let values = match Arc::try_unwrap(version) {
                Ok(version) => version.values.into_vec(),
                Err(version) => version.values.to_vec(),
            };
            target.set(&mut data, key.clone(), Some(values))?;
        }
    }
    // Staged keys the snapshot does not have (a staged delete leaves no row) are stale too.
    let mut stale: Vec<Key> = data
        .rows
        .keys()
        .chain(target.staging.keys.keys())
        .filter(|k| !seen.contains(*k))
        .cloned()
        .collect();
    stale.sort();
    stale.dedup();
    for key in stale {
        target.set(&mut data, key, None)?;
    }
    Ok(())
}

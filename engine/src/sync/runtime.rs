//! [`SyncRuntime`]: the sync machinery of one database — registered origins, live views, the
//! outbox of committed write attempts the dispatcher sends, the rebase chains of our own
//! applied writes, and the event bus.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use parking_lot::{Mutex, RwLock};
use serde_json::Value as Json;
use tokio::sync::Notify;

use super::events::EventBus;
use super::origin::{Origin, OriginWrite};
use super::rebase::RebaseChains;
use super::view_sync::ViewSync;
use crate::catalog::TableId;
use crate::storage::Key;

/// One write attempt waiting for (or being sent to) its origin.
#[derive(Debug, Clone)]
pub struct PendingAttempt {
    pub id: i64,
    pub view: Arc<ViewSync>,
    pub key: Key,
    pub key_json: Json,
    pub write: OriginWrite,
    /// The snapshot of the transaction that made the attempt (what its base is as of).
    pub snapshot: u64,
    pub base_row: Option<Json>,
    pub written_row: Option<Json>,
    /// The key has a staged row in the view (`local_first`).
    pub staged: bool,
}

/// The attempts of one local transaction to one origin: sent as one origin transaction.
#[derive(Debug)]
pub struct PendingBatch {
    pub commit_ts: u64,
    pub local_txn: u64,
    pub origin: String,
    /// Shared with the dispatcher while it sends them.
    pub attempts: Arc<[PendingAttempt]>,
    pub tries: u32,
    pub next_try: Instant,
    /// The dispatcher is sending it now.
    pub in_flight: bool,
}

impl PendingBatch {
    /// Whether any attempt of the batch is on a paused view.
    pub fn paused(&self) -> bool {
        self.attempts.iter().any(|a| a.view.is_paused())
    }
}

/// What a local transaction did that the sync machinery must hear of at commit or rollback.
#[derive(Debug, Default)]
pub struct TxnEffects {
    pub attempts: Vec<PendingAttempt>,
    /// Keys this transaction staged, once each.
    pub staged: Vec<(Arc<ViewSync>, Key)>,
}

impl TxnEffects {
    pub fn is_empty(&self) -> bool {
        self.attempts.is_empty() && self.staged.is_empty()
    }
}

/// The sync state of one database.
#[derive(Default)]
pub struct SyncRuntime {
    pub origins: RwLock<HashMap<String, Arc<dyn Origin>>>,
    /// Live views by mirror table id.
    pub views: RwLock<BTreeMap<TableId, Arc<ViewSync>>>,
    pub events: EventBus,
    /// Committed batches in commit order.
    pub outbox: Mutex<VecDeque<PendingBatch>>,
    /// The rows that batches in flight write, and how many such batches write each: a batch
    /// touching one of them waits (per-row order). Kept as batches start and end, so starting
    /// one need not look at every batch in flight. Locked after `outbox` when both are.
    in_flight_rows: Mutex<HashMap<TableId, HashMap<Key, u32>>>,
    /// Our applied writes per (view, key): base version -> produced version.
    pub chains: Mutex<RebaseChains>,
    pub next_attempt_id: AtomicI64,
    /// Batches recorded so far (rebase links are pruned every so many).
    pub recorded_batches: std::sync::atomic::AtomicU64,
    /// Wakes the dispatcher (a commit queued attempts, a view resumed).
    pub wake_dispatcher: Arc<Notify>,
    /// Wakes flush waiters (anything resolved or advanced).
    pub progress: Notify,
    pub dispatcher_started: AtomicBool,
    /// Held across a commit with write attempts and their queueing.
    pub commit_order: Mutex<()>,
    /// Origins currently failing, for connected/disconnected events.
    pub unreachable: Mutex<HashMap<String, String>>,
}

impl std::fmt::Debug for SyncRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncRuntime")
            .field("origins", &self.origins.read().keys().collect::<Vec<_>>())
            .field("views", &self.views.read().len())
            .finish()
    }
}

impl SyncRuntime {
    /// The origin registered under `name`.
    pub fn origin(&self, name: &str) -> Option<Arc<dyn Origin>> {
        self.origins.read().get(name).cloned()
    }

    /// The live view whose mirror is table `id`.
    pub fn view(&self, id: TableId) -> Option<Arc<ViewSync>> {
        self.views.read().get(&id).cloned()
    }

    /// A fresh attempt id.
    pub fn allocate_attempt_id(&self) -> i64 {
        self.next_attempt_id.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Queues a committed transaction's attempts, one batch per origin.
    pub fn enqueue(&self, commit_ts: u64, local_txn: u64, attempts: Vec<PendingAttempt>) {
        let mut by_origin: BTreeMap<String, Vec<PendingAttempt>> = BTreeMap::new();
        for attempt in attempts {
            by_origin
                .entry(attempt.view.spec.origin.clone())
                .or_default()
                .push(attempt);
        }
        let mut outbox = self.outbox.lock();
        for (origin, attempts) in by_origin {
            let at = outbox.partition_point(|b| b.commit_ts <= commit_ts);
            outbox.insert(
                at,
                PendingBatch {
                    commit_ts,
                    local_txn,
                    origin,
                    attempts: attempts.into(),
                    tries: 0,
                    next_try: Instant::now(),
                    in_flight: false,
                },
            );
        }
        drop(outbox);
        self.wake_dispatcher.notify_one();
    }

    /// Takes every batch that may be sent now — not in flight, not paused, due, its origin has
    /// room (`may_start`, asked once per batch it would take, which counts it as started when
    /// it says yes), and touching no key an earlier unresolved batch touches (per-key order) —
    /// and marks them in flight, in outbox order. Also returns the earliest time a batch
    /// waiting for its retry is due, among those looked at.
    ///
    /// One pass over the outbox, which ends once every origin is out of room: a batch only
    /// ever waits for batches of its own origin (a view has one origin), so the batches
    /// behind need not be looked at until a send ends.
    pub fn take_batches(
        &self,
        now: Instant,
        mut may_start: impl FnMut(&str) -> bool,
    ) -> (Vec<DispatchedBatch>, Option<Instant>) {
        let origins = self.origins.read().len();
        let mut outbox = self.outbox.lock();
        let mut in_flight_rows = self.in_flight_rows.lock();
        // Rows of waiting batches passed over: later batches on them wait too.
        let mut passed: HashSet<(TableId, &Key)> = HashSet::new();
        let mut full: Vec<String> = Vec::new();
        let mut earliest: Option<Instant> = None;
        let mut taken = Vec::new();
        for batch in outbox.iter_mut() {
            if batch.in_flight {
                continue;
            }
            if full.contains(&batch.origin) {
                if full.len() >= origins {
                    break;
                }
                continue;
            }
            let waits = batch.attempts.iter().any(|a| {
                let row = (a.view.table.id, &a.key);
                passed.contains(&row)
                    || in_flight_rows
                        .get(&row.0)
                        .is_some_and(|keys| keys.contains_key(&**row.1))
            });
            let eligible = !waits && !batch.paused();
            let due = batch.next_try <= now;
            let room = eligible && due && may_start(&batch.origin);
            if eligible && due && !room {
                full.push(batch.origin.clone());
            }
            if room {
                batch.in_flight = true;
                for attempt in batch.attempts.iter() {
                    *in_flight_rows
                        .entry(attempt.view.table.id)
                        .or_default()
                        .entry(attempt.key.clone())
                        .or_default() += 1;
                }
                taken.push(DispatchedBatch {
                    origin: batch.origin.clone(),
                    local_txn: batch.local_txn,
                    attempts: batch.attempts.clone(),
                });
                continue;
            }
            if eligible && !due {
                earliest = Some(earliest.map_or(batch.next_try, |e| e.min(batch.next_try)));
            }
            passed.extend(batch.attempts.iter().map(|a| (a.view.table.id, &a.key)));
        }
        (taken, earliest)
    }

    /// A batch taken by [`SyncRuntime::take_batches`] is no longer in flight (answered, or
    /// back in the outbox for a retry): its rows no longer hold back later batches.
    pub fn end_in_flight(&self, attempts: &[PendingAttempt]) {
        let mut in_flight_rows = self.in_flight_rows.lock();
        for attempt in attempts {
            let Some(keys) = in_flight_rows.get_mut(&attempt.view.table.id) else {
                continue;
            };
            if let Some(count) = keys.get_mut(&*attempt.key) {
                *count -= 1;
                if *count == 0 {
                    keys.remove(&*attempt.key);
                }
            }
        }
    }
}

/// A batch the dispatcher took from the outbox to send.
#[derive(Debug)]
pub struct DispatchedBatch {
    pub origin: String,
    pub local_txn: u64,
    pub attempts: Arc<[PendingAttempt]>,
}

//! [`SyncEvent`]s: what the sync machinery tells the application — writes applied, conflicts
//! (with the three rows needed to resolve them), rejections, view state changes and origin
//! connectivity. Every subscriber gets every event from the moment it subscribed.

use parking_lot::Mutex;
use serde_json::Value as Json;
use tokio::sync::mpsc;

/// Something that happened in the sync machinery.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)] // events are few; flat variants keep matching simple
pub enum SyncEvent {
    /// A write attempt was applied at the origin.
    Applied {
        attempt: i64,
        view: String,
        key: Json,
        new_version: Option<String>,
    },
    /// A write attempt lost its compare-and-set: someone changed or removed the row first.
    Conflict {
        attempt: i64,
        view: String,
        key: Json,
        /// `version_mismatch`, `row_missing` or `duplicate_key`.
        kind: String,
        /// The row the client saw, the row it tried to write, and the origin's row now.
        base_row: Option<Json>,
        written_row: Option<Json>,
        origin_row: Option<Json>,
    },
    /// The origin refused a write for good (constraint, permission).
    Rejected {
        attempt: i64,
        view: String,
        key: Json,
        error: String,
    },
    /// A view changed state (`snapshotting`, `streaming`, `paused`, `error`, ...).
    ViewState {
        view: String,
        state: String,
        error: Option<String>,
    },
    /// An origin became reachable again.
    OriginConnected { origin: String },
    /// An origin stopped answering; writes to it stay pending and are retried.
    OriginDisconnected { origin: String, error: String },
}

impl std::fmt::Display for SyncEvent {
    /// One line per event, as the shell prints them.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let json = |v: &Option<Json>| v.as_ref().map_or("null".to_string(), |v| v.to_string());
        match self {
            SyncEvent::Applied {
                attempt,
                view,
                key,
                new_version,
            } => write!(
                f,
                "applied   #{attempt} {view} {key} version {}",
                new_version.as_deref().unwrap_or("-")
            ),
            SyncEvent::Conflict {
                attempt,
                view,
                key,
                kind,
                base_row,
                written_row,
                origin_row,
            } => write!(
                f,
                "conflict  #{attempt} {view} {key} {kind}: base {} written {} origin {}",
                json(base_row),
                json(written_row),
                json(origin_row)
            ),
            SyncEvent::Rejected {
                attempt,
                view,
                key,
                error,
            } => write!(f, "rejected  #{attempt} {view} {key}: {error}"),
            SyncEvent::ViewState { view, state, error } => match error {
                Some(e) => write!(f, "view      {view} {state}: {e}"),
                None => write!(f, "view      {view} {state}"),
            },
            SyncEvent::OriginConnected { origin } => write!(f, "origin    {origin} connected"),
            SyncEvent::OriginDisconnected { origin, error } => {
                write!(f, "origin    {origin} disconnected: {error}")
            }
        }
    }
}

/// A subscription to sync events (see [`crate::Database::sync_events`]). Dropping it
/// unsubscribes.
#[derive(Debug)]
pub struct SyncEvents {
    receiver: mpsc::UnboundedReceiver<SyncEvent>,
}

impl SyncEvents {
    /// Waits for the next event.
    pub async fn next(&mut self) -> Option<SyncEvent> {
        self.receiver.recv().await
    }

    /// The next event if one is waiting.
    pub fn try_next(&mut self) -> Option<SyncEvent> {
        self.receiver.try_recv().ok()
    }
}

/// Fans events out to every subscriber.
#[derive(Debug, Default)]
pub struct EventBus {
    subscribers: Mutex<Vec<mpsc::UnboundedSender<SyncEvent>>>,
}

impl EventBus {
    /// A new subscription.
    pub fn subscribe(&self) -> SyncEvents {
        let (sender, receiver) = mpsc::unbounded_channel();
        self.subscribers.lock().push(sender);
        SyncEvents { receiver }
    }

    /// Sends an event to every live subscriber.
    pub fn emit(&self, event: SyncEvent) {
        let mut subscribers = self.subscribers.lock();
        subscribers.retain(|s| s.send(event.clone()).is_ok());
    }
}

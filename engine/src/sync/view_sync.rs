//! [`ViewSync`]: the live state of one realtime or materialized view — its mirror table, its
//! stream state and position, and the registry of staged rows (`local_first` writes waiting
//! for the origin).
//!
//! The staging mutex is "the view lock": inbound applies, staged writes and resolutions of
//! staged rows each hold it for the whole of their local transaction, so they never interleave.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use parking_lot::Mutex;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use super::mirror::MirrorSpec;
use super::origin::Position;
use crate::catalog::Table;
use crate::storage::Key;
use crate::types::Value;

/// Where a view is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewState {
    /// Taking (or retaking) its snapshot.
    Snapshotting,
    /// Following the origin's change stream.
    Streaming,
    /// A materialized view holding a snapshot; it changes on REFRESH.
    Ready,
    /// Offline by request: sends and receives nothing.
    Paused,
    /// The last attempt to snapshot or stream failed; it is retried.
    Error,
}

impl ViewState {
    pub fn as_str(self) -> &'static str {
        match self {
            ViewState::Snapshotting => "snapshotting",
            ViewState::Streaming => "streaming",
            ViewState::Ready => "ready",
            ViewState::Paused => "paused",
            ViewState::Error => "error",
        }
    }
}

/// The changing part of a view's state.
#[derive(Debug, Clone)]
pub struct ViewStatus {
    pub state: ViewState,
    /// How far the view has applied the origin's stream (`None` before its first snapshot).
    pub position: Option<Position>,
    pub last_error: Option<String>,
    /// The highest commit position of writes applied through this view: a flush waits for the
    /// view to reach it, so the echoes are in.
    pub expected: Option<Position>,
}

/// A key with local writes the origin has not confirmed yet.
#[derive(Debug, Clone, Default)]
pub struct StagedKey {
    /// Open local transactions that staged the key.
    pub stagers: u32,
    /// Committed attempts on the key not yet resolved.
    pub pending: u32,
    /// An applied attempt's commit position the view must reach before the row is unstaged.
    pub awaiting: Option<u64>,
    /// The origin's row for the key at the view's position (mirror values), `None` = no row.
    pub shadow: Option<Vec<Value>>,
}

impl StagedKey {
    /// Whether nothing but the view's position keeps the key staged.
    pub fn settled(&self, position: u64) -> bool {
        self.stagers == 0 && self.pending == 0 && self.awaiting.is_none_or(|a| a <= position)
    }
}

/// The staged-key registry of one view.
#[derive(Debug, Default)]
pub struct Staging {
    pub keys: HashMap<Key, StagedKey>,
}

/// One view's sync state.
#[derive(Debug)]
pub struct ViewSync {
    /// `schema.name`, or `name` in `public`.
    pub name: String,
    pub table: Arc<Table>,
    pub spec: Arc<MirrorSpec>,
    pub staging: Mutex<Staging>,
    pub status: Mutex<ViewStatus>,
    pub paused: AtomicBool,
    /// Wakes the view's stream task (pause, resume, refresh, drop).
    pub control: Notify,
    pub(super) task: Mutex<Option<JoinHandle<()>>>,
    /// The statement that created the view (ALTER VIEW re-creates from it).
    pub definition: tether_dialect::CreateViewStatement,
}

impl ViewSync {
    pub fn new(
        name: String,
        table: Arc<Table>,
        spec: Arc<MirrorSpec>,
        definition: tether_dialect::CreateViewStatement,
    ) -> Self {
        ViewSync {
            name,
            table,
            spec,
            staging: Mutex::default(),
            status: Mutex::new(ViewStatus {
                state: ViewState::Snapshotting,
                position: None,
                last_error: None,
                expected: None,
            }),
            paused: AtomicBool::new(false),
            control: Notify::new(),
            task: Mutex::new(None),
            definition,
        }
    }

    pub fn is_paused(&self) -> bool {
        self.paused.load(Ordering::Acquire)
    }

    /// The position's ordinal (0 before the first snapshot).
    pub fn position_ordinal(&self) -> u64 {
        self.status
            .lock()
            .position
            .as_ref()
            .map_or(0, |p| p.ordinal)
    }

    /// Stops the view's stream task.
    pub fn stop(&self) {
        if let Some(task) = self.task.lock().take() {
            task.abort();
        }
    }
}

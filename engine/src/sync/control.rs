//! The sync control API on [`Database`]: register origins, subscribe to events, flush, pause
//! and resume views, and the rows of `tether.views`.

use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use tether_dialect::{ReplicationOrigin, ViewMode};

use super::attempts;
use super::events::SyncEvents;
use super::inbound::set_state;
use super::origin::{Origin, Position};
use super::view_sync::{ViewState, ViewSync};
use crate::api::{Database, Shared};
use crate::catalog::{Relation, SystemTable};
use crate::error::{Error, Result};
use crate::txn::Snapshot;
use crate::types::{DataType, Value};

/// One view as `tether.views` shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ViewInfo {
    pub name: String,
    /// `realtime` or `materialized`.
    pub mode: String,
    pub origin: String,
    pub origin_table: String,
    /// `xmin`, the version column, or `None` (last writer wins).
    pub version_key: Option<String>,
    pub write_policy: String,
    pub state: String,
    pub rows: i64,
    pub position: Option<String>,
    pub pending_writes: i64,
    pub staged_rows: i64,
    pub last_error: Option<String>,
}

impl Database {
    /// Registers an origin under its full name (`tether:demo`, `postgres:primary`), which
    /// views name in `replication_origin`. Replaces an origin of the same name.
    pub fn register_origin(&self, name: &str, origin: Arc<dyn Origin>) -> Result<()> {
        name.parse::<ReplicationOrigin>()
            .map_err(Error::InvalidParameterValue)?;
        self.shared
            .sync
            .origins
            .write()
            .insert(name.to_string(), origin);
        self.shared.sync.wake_dispatcher.notify_one();
        Ok(())
    }

    /// The origin registered under `name`.
    pub fn origin(&self, name: &str) -> Option<Arc<dyn Origin>> {
        self.shared.sync.origin(name)
    }

    /// Names of the registered origins, sorted.
    pub fn origin_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.shared.sync.origins.read().keys().cloned().collect();
        names.sort();
        names
    }

    /// Subscribes to sync events from now on.
    pub fn sync_events(&self) -> SyncEvents {
        self.shared.sync.events.subscribe()
    }

    /// Waits until every pending write attempt is resolved and every realtime view has caught
    /// up with its origin as it was when `flush` was called (and with the echoes of the writes
    /// applied meanwhile). Paused views are left out. Fails after `timeout`.
    pub async fn flush(&self, timeout: Duration) -> Result<()> {
        let deadline = Instant::now() + timeout;
        let mut targets: Vec<(Arc<ViewSync>, Position)> = Vec::new();
        let views: Vec<Arc<ViewSync>> = self.shared.sync.views.read().values().cloned().collect();
        for view in views {
            if view.is_paused() || view.spec.mode != ViewMode::Realtime {
                continue;
            }
            if let Some(origin) = self.shared.sync.origin(&view.spec.origin) {
                let position = tokio::time::timeout_at(deadline.into(), origin.current_position())
                    .await
                    .map_err(|_| flush_timeout(&self.shared, timeout, &[]))??;
                targets.push((view, position));
            }
        }
        loop {
            let notified = self.shared.sync.progress.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let behind = behind(&self.shared, &targets);
            if behind.is_empty() {
                return Ok(());
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(flush_timeout(&self.shared, timeout, &behind));
            }
            tokio::select! {
                _ = notified => {}
                _ = tokio::time::sleep((deadline - now).min(Duration::from_millis(50))) => {}
            }
        }
    }

    /// Takes one view (or every view, `None`) offline: it sends and receives nothing until
    /// resumed. Local reads and writes go on.
    pub fn pause(&self, view: Option<&str>) -> Result<()> {
        for view in self.select_views(view)? {
            view.paused
                .store(true, std::sync::atomic::Ordering::Release);
            // Wait out an apply in progress: from here on the view receives nothing.
            drop(view.staging.lock());
            set_state(&self.shared, &view, ViewState::Paused, None);
            view.control.notify_one();
        }
        Ok(())
    }

    /// Brings paused views back: they catch up with the origin and send their queued writes.
    pub fn resume(&self, view: Option<&str>) -> Result<()> {
        for view in self.select_views(view)? {
            if !view.paused.swap(false, std::sync::atomic::Ordering::AcqRel) {
                continue;
            }
            let state = match view.spec.mode {
                ViewMode::Realtime => ViewState::Snapshotting,
                ViewMode::Materialized => ViewState::Ready,
            };
            if view.spec.mode == ViewMode::Realtime && view.status.lock().position.is_some() {
                set_state(&self.shared, &view, ViewState::Streaming, None);
            } else {
                set_state(&self.shared, &view, state, None);
            }
            view.control.notify_one();
        }
        self.shared.sync.wake_dispatcher.notify_one();
        Ok(())
    }

    /// What `tether.views` shows, one entry per view.
    pub fn views(&self) -> Vec<ViewInfo> {
        view_infos(&self.shared)
    }

    fn select_views(&self, name: Option<&str>) -> Result<Vec<Arc<ViewSync>>> {
        let views: Vec<Arc<ViewSync>> = self.shared.sync.views.read().values().cloned().collect();
        match name {
            None => Ok(views),
            Some(name) => {
                let wanted = name.trim().to_lowercase();
                let found: Vec<_> = views
                    .into_iter()
                    .filter(|v| v.name == wanted || v.name == name)
                    .collect();
                if found.is_empty() {
                    Err(Error::UndefinedObject(format!(
                        "there is no realtime or materialized view \"{name}\""
                    )))
                } else {
                    Ok(found)
                }
            }
        }
    }
}

/// What a flush still waits for; empty when done.
fn behind(shared: &Shared, targets: &[(Arc<ViewSync>, Position)]) -> Vec<String> {
    let mut waiting = Vec::new();
    let pending = shared
        .sync
        .outbox
        .lock()
        .iter()
        .filter(|b| !b.paused())
        .map(|b| b.attempts.len())
        .sum::<usize>();
    if pending > 0 {
        waiting.push(format!("{pending} write attempt(s) pending"));
    }
    for (view, target) in targets {
        if view.is_paused() {
            continue;
        }
        let status = view.status.lock().clone();
        let goal = status.expected.clone().max(Some(target.clone()));
        if status.position < goal {
            waiting.push(format!(
                "view {} at position {} of {}",
                view.name,
                status.position.map_or("none".into(), |p| p.to_string()),
                goal.map_or("?".into(), |p| p.to_string())
            ));
        }
        let staged = view
            .staging
            .lock()
            .keys
            .values()
            .filter(|k| k.pending > 0 || k.awaiting.is_some())
            .count();
        if staged > 0 {
            waiting.push(format!("view {} has {staged} staged row(s)", view.name));
        }
        if let Some(error) = status
            .last_error
            .filter(|_| status.state == ViewState::Error)
        {
            waiting.push(format!("view {} is in error: {error}", view.name));
        }
    }
    waiting
}

fn flush_timeout(shared: &Shared, timeout: Duration, behind: &[String]) -> Error {
    let _ = shared;
    Error::Timeout(format!(
        "flush did not finish within {:.1}s: {}",
        timeout.as_secs_f64(),
        if behind.is_empty() {
            "an origin did not report its position".to_string()
        } else {
            behind.join("; ")
        }
    ))
}

const VIEW_COLUMNS: [(&str, DataType); 12] = [
    ("name", DataType::Text),
    ("mode", DataType::Text),
    ("origin", DataType::Text),
    ("origin_table", DataType::Text),
    ("version_key", DataType::Text),
    ("write_policy", DataType::Text),
    ("state", DataType::Text),
    ("rows", DataType::Int64),
    ("position", DataType::Text),
    ("pending_writes", DataType::Int64),
    ("staged_rows", DataType::Int64),
    ("last_error", DataType::Text),
];

/// Adds `tether.views` to a new database's catalog.
pub(crate) fn install_system_tables(shared: &Arc<Shared>) {
    let weak: Weak<Shared> = Arc::downgrade(shared);
    let table = SystemTable {
        schema: attempts::SCHEMA.into(),
        name: "views".into(),
        columns: VIEW_COLUMNS
            .iter()
            .map(|(n, t)| (n.to_string(), t.clone()))
            .collect(),
        rows: Box::new(move || {
            weak.upgrade()
                .map(|shared| view_infos(&shared).into_iter().map(view_row).collect())
                .unwrap_or_default()
        }),
    };
    let mut catalog = shared.catalog.write();
    if let Ok(schema) = catalog.schema_mut(attempts::SCHEMA) {
        schema
            .relations
            .insert("views".into(), Relation::System(Arc::new(table)));
    }
}

fn view_row(info: ViewInfo) -> Vec<Value> {
    let text = |t: Option<String>| t.map_or(Value::Null, Value::text);
    vec![
        Value::text(info.name),
        Value::text(info.mode),
        Value::text(info.origin),
        Value::text(info.origin_table),
        Value::text(
            info.version_key
                .unwrap_or_else(|| "none (last writer wins)".into()),
        ),
        Value::text(info.write_policy),
        Value::text(info.state),
        Value::Int64(info.rows),
        text(info.position),
        Value::Int64(info.pending_writes),
        Value::Int64(info.staged_rows),
        text(info.last_error),
    ]
}

fn view_infos(shared: &Shared) -> Vec<ViewInfo> {
    let views: Vec<Arc<ViewSync>> = shared.sync.views.read().values().cloned().collect();
    let latest = Snapshot {
        txn_id: 0,
        ts: shared.txns.last_commit_position(),
    };
    let mut infos: Vec<ViewInfo> = views
        .iter()
        .map(|view| {
            let status = view.status.lock().clone();
            let rows = {
                let data = view.table.data.read();
                data.rows
                    .keys()
                    .filter(|k| data.visible(k, &latest).is_some())
                    .count() as i64
            };
            let pending_writes = shared
                .sync
                .outbox
                .lock()
                .iter()
                .flat_map(|b| b.attempts.iter())
                .filter(|a| a.view.table.id == view.table.id)
                .count() as i64;
            ViewInfo {
                name: view.name.clone(),
                mode: view.spec.mode.to_string().to_lowercase(),
                origin: view.spec.origin.clone(),
                origin_table: view.spec.origin_table.name.to_string(),
                version_key: view.spec.version_key_name(),
                write_policy: view.spec.policy.as_str().into(),
                state: status.state.as_str().into(),
                rows,
                position: status.position.map(|p| p.to_string()),
                pending_writes,
                staged_rows: view.staging.lock().keys.len() as i64,
                last_error: status.last_error,
            }
        })
        .collect();
    infos.sort_by(|a, b| a.name.cmp(&b.name));
    infos
}

//! The life of a view: CREATE (describe the origin table, create the mirror, take the first
//! snapshot, start following), REFRESH (a new snapshot), ALTER (re-create with new options),
//! DROP (stop following, remove the mirror).

use std::sync::Arc;

use sqlparser::ast::{ObjectName, SetExpr, TableFactor};
use tether_dialect::{
    AlterViewAction, AlterViewStatement, CreateViewStatement, RefreshViewStatement, ViewMode,
    ViewOptionName,
};

use super::inbound::{self, set_state};
use super::mirror::MirrorSpec;
use super::origin::{OriginError, OriginTableName};
use super::view_sync::{ViewState, ViewSync};
use super::{dispatcher, Origin};
use crate::api::{CommandTag, Database, QueryResult, Shared};
use crate::binder::names;
use crate::catalog::{Relation, Table, DEFAULT_SCHEMA};
use crate::error::{Error, Result};

/// `CREATE {REALTIME | MATERIALIZED} VIEW`.
pub(crate) async fn create_view(
    db: &Database,
    statement: &CreateViewStatement,
) -> Result<QueryResult> {
    let shared = &db.shared;
    let (schema, name) = names::object_name(&statement.name)?;
    let schema = schema.unwrap_or_else(|| DEFAULT_SCHEMA.to_string());
    let exists = shared.catalog.read().name_taken(&schema, &name);
    if exists {
        if statement.if_not_exists {
            return Ok(created(statement.mode));
        }
        match live_view(shared, &schema, &name) {
            Some(view) if statement.or_replace => drop_live_view(shared, &view)?,
            _ => return Err(Error::DuplicateTable(name)),
        }
    }
    let origin_name = statement.options.replication_origin.to_string();
    let origin = shared.sync.origin(&origin_name).ok_or_else(|| {
        Error::UndefinedObject(format!(
            "origin \"{origin_name}\" is not registered (register it with \
             Database::register_origin, or the shell's --origin {origin_name}=URL)"
        ))
    })?;
    let handle = tokio::runtime::Handle::try_current().map_err(|_| {
        Error::FeatureNotSupported(
            "realtime and materialized views need a running tokio runtime".into(),
        )
    })?;
    let table_name = origin_table_name(statement, origin.as_ref())?;
    let described = origin.describe_table(&table_name).await?;
    let columns: Vec<String> = statement.columns.iter().map(names::ident).collect();
    let version_key = statement
        .options
        .upstream_mvcc_key
        .as_ref()
        .map(names::ident);
    let spec = Arc::new(MirrorSpec::new(
        statement.mode,
        &statement.options.replication_origin,
        described,
        &statement.query,
        &columns,
        version_key.as_deref(),
        statement.options.effective_write_policy(),
    )?);
    let view = {
        let mut catalog = shared.catalog.write();
        if catalog.name_taken(&schema, &name) {
            return Err(Error::DuplicateTable(name));
        }
        let id = catalog.allocate_table_id();
        let table = Arc::new(Table::new(id, spec.table_def(&schema, &name)));
        catalog
            .schema_mut(&schema)?
            .relations
            .insert(name.clone(), Relation::Table(table.clone()));
        catalog.bump();
        let display = if schema == DEFAULT_SCHEMA {
            name.clone()
        } else {
            format!("{schema}.{name}")
        };
        let view = Arc::new(ViewSync::new(display, table, spec, statement.clone()));
        shared.sync.views.write().insert(id, view.clone());
        view
    };
    dispatcher::ensure_started(shared);
    match inbound::snapshot_now(shared, &view, origin.as_ref()).await {
        Ok(()) => {}
        Err(e) if e.is_transient() => {
            set_state(shared, &view, ViewState::Error, Some(e.to_string()));
        }
        Err(e) => {
            drop_live_view(shared, &view)?;
            return Err(e.into());
        }
    }
    match statement.mode {
        ViewMode::Realtime => start_following(shared, &view, &handle),
        ViewMode::Materialized => {
            if view.status.lock().state != ViewState::Error {
                set_state(shared, &view, ViewState::Ready, None);
            }
        }
    }
    Ok(created(statement.mode))
}

fn created(mode: ViewMode) -> QueryResult {
    QueryResult::command(CommandTag::Other(format!("CREATE {mode} VIEW")))
}

/// Spawns the view's stream task.
pub(crate) fn start_following(
    shared: &Arc<Shared>,
    view: &Arc<ViewSync>,
    handle: &tokio::runtime::Handle,
) {
    let task = handle.spawn(inbound::follow(Arc::downgrade(shared), view.clone()));
    if let Some(previous) = view.task.lock().replace(task) {
        previous.abort();
    }
}

/// The origin table a view's query reads: its only FROM item. Unqualified names are in the
/// origin's default schema (`public`; a MySQL origin's database).
fn origin_table_name(
    statement: &CreateViewStatement,
    origin: &dyn Origin,
) -> Result<OriginTableName> {
    let _ = origin;
    let not_simple = || {
        Error::FeatureNotSupported(
            "a realtime or materialized view mirrors one origin table: its query must be \
             SELECT ... FROM one table [WHERE ...]"
                .into(),
        )
    };
    let SetExpr::Select(select) = &*statement.query.body else {
        return Err(not_simple());
    };
    let [from] = select.from.as_slice() else {
        return Err(not_simple());
    };
    if !from.joins.is_empty() {
        return Err(not_simple());
    }
    let TableFactor::Table { name, .. } = &from.relation else {
        return Err(not_simple());
    };
    let (schema, table) = names::object_name(name)?;
    let default_schema = match statement.options.replication_origin.kind {
        tether_dialect::OriginKind::Mysql => String::new(),
        _ => DEFAULT_SCHEMA.to_string(),
    };
    Ok(OriginTableName {
        schema: schema.unwrap_or(default_schema),
        name: table,
    })
}

/// The live view called `schema.name`, if that is one.
pub(crate) fn live_view(shared: &Shared, schema: &str, name: &str) -> Option<Arc<ViewSync>> {
    let catalog = shared.catalog.read();
    let Ok(Relation::Table(table)) = catalog.relation(Some(schema), name) else {
        return None;
    };
    shared.sync.view(table.id)
}

/// Finds a live view by object name, or says what is wrong.
fn named_view(shared: &Shared, name: &ObjectName) -> Result<Option<Arc<ViewSync>>> {
    let (schema, name) = names::object_name(name)?;
    let schema = schema.unwrap_or_else(|| DEFAULT_SCHEMA.to_string());
    Ok(live_view(shared, &schema, &name))
}

/// Stops a view and removes its mirror table. Its committed write attempts are still sent.
pub(crate) fn drop_live_view(shared: &Shared, view: &Arc<ViewSync>) -> Result<()> {
    view.stop();
    shared.sync.views.write().remove(&view.table.id);
    if let (Some(origin), Ok(handle)) = (
        shared.sync.origin(&view.spec.origin),
        tokio::runtime::Handle::try_current(),
    ) {
        let spec = view.spec.clone();
        handle.spawn(async move { origin.release(&spec.origin_table).await });
    }
    let def = view.table.def();
    let mut catalog = shared.catalog.write();
    if let Ok(schema) = catalog.schema_mut(&def.schema) {
        schema.relations.remove(&def.name);
    }
    catalog.bump();
    Ok(())
}

/// Whether any of `names` is a live view (then the statement is a view drop of ours).
pub(crate) fn names_live_view(shared: &Shared, names: &[ObjectName]) -> bool {
    names
        .iter()
        .any(|n| named_view(shared, n).ok().flatten().is_some())
}

/// `DROP [REALTIME | MATERIALIZED] VIEW [IF EXISTS] names`.
pub(crate) fn drop_views(
    shared: &Shared,
    names: &[ObjectName],
    if_exists: bool,
) -> Result<QueryResult> {
    let mut views = Vec::new();
    for name in names {
        match named_view(shared, name)? {
            Some(view) => views.push(view),
            None if if_exists => {}
            None => return Err(Error::UndefinedTable(name.to_string())),
        }
    }
    for view in views {
        drop_live_view(shared, &view)?;
    }
    Ok(QueryResult::command(CommandTag::Other("DROP VIEW".into())))
}

/// `REFRESH [REALTIME | MATERIALIZED] VIEW name`: a new snapshot; a realtime view then
/// follows the stream from the new position.
pub(crate) async fn refresh_view(
    db: &Database,
    statement: &RefreshViewStatement,
) -> Result<QueryResult> {
    let shared = &db.shared;
    let view = named_view(shared, &statement.name)?
        .ok_or_else(|| Error::UndefinedTable(statement.name.to_string()))?;
    check_mode(&view, statement.mode)?;
    let origin = shared.sync.origin(&view.spec.origin).ok_or_else(|| {
        Error::Origin(OriginError::Unavailable(format!(
            "origin {} is not registered",
            view.spec.origin
        )))
    })?;
    view.stop();
    let outcome = inbound::snapshot_now(shared, &view, origin.as_ref()).await;
    if let Err(e) = &outcome {
        set_state(shared, &view, ViewState::Error, Some(e.to_string()));
    }
    match view.spec.mode {
        ViewMode::Realtime => {
            if let Ok(handle) = tokio::runtime::Handle::try_current() {
                start_following(shared, &view, &handle);
            }
        }
        ViewMode::Materialized if outcome.is_ok() => {
            set_state(shared, &view, ViewState::Ready, None)
        }
        ViewMode::Materialized => {}
    }
    outcome?;
    Ok(QueryResult::command(CommandTag::Other(
        "REFRESH VIEW".into(),
    )))
}

/// `ALTER VIEW name SET (...) | RESET (...)`: re-creates the view with the new options. The
/// view must have no unsent or unconfirmed writes (flush first).
pub(crate) async fn alter_view(
    db: &Database,
    statement: &AlterViewStatement,
) -> Result<QueryResult> {
    let shared = &db.shared;
    let Some(view) = named_view(shared, &statement.name)? else {
        if statement.if_exists {
            return Ok(QueryResult::command(CommandTag::Other("ALTER VIEW".into())));
        }
        return Err(Error::UndefinedTable(statement.name.to_string()));
    };
    if let Some(mode) = statement.mode {
        check_mode(&view, Some(mode))?;
    }
    let busy = !view.staging.lock().keys.is_empty()
        || shared
            .sync
            .outbox
            .lock()
            .iter()
            .any(|b| b.attempts.iter().any(|a| a.view.table.id == view.table.id));
    if busy {
        return Err(Error::ObjectInUse(format!(
            "view \"{}\" has write attempts in flight; flush them before ALTER VIEW",
            view.name
        )));
    }
    let mut definition = view.definition.clone();
    match &statement.action {
        AlterViewAction::Set(changes) => {
            if let Some(origin) = &changes.replication_origin {
                definition.options.replication_origin = origin.clone();
            }
            if let Some(key) = &changes.upstream_mvcc_key {
                definition.options.upstream_mvcc_key = Some(key.clone());
            }
            if let Some(policy) = changes.write_policy {
                definition.options.write_policy = Some(policy);
            }
        }
        AlterViewAction::Reset(options) => {
            for option in options {
                match option {
                    ViewOptionName::UpstreamMvccKey => definition.options.upstream_mvcc_key = None,
                    ViewOptionName::WritePolicy => definition.options.write_policy = None,
                    ViewOptionName::ReplicationOrigin => {}
                }
            }
        }
    }
    definition.or_replace = true;
    definition.if_not_exists = false;
    create_view(db, &definition).await?;
    Ok(QueryResult::command(CommandTag::Other("ALTER VIEW".into())))
}

/// A mode keyword that contradicts the view is an error.
fn check_mode(view: &ViewSync, mode: Option<ViewMode>) -> Result<()> {
    match mode {
        Some(mode) if mode != view.spec.mode => Err(Error::WrongObjectType(format!(
            "\"{}\" is a {} view, not a {} view",
            view.name,
            view.spec.mode.to_string().to_lowercase(),
            mode.to_string().to_lowercase()
        ))),
        _ => Ok(()),
    }
}

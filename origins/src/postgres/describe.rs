//! Describing an origin table, with the setup checks that say how to fix what is wrong:
//! `wal_level`, the REPLICATION privilege, a primary key, replica identity, and column types.

use std::sync::Arc;

use tether_engine::sync::{OriginColumn, OriginError, OriginTable, OriginTableName};

use super::error::PgError;
use super::origin::{Inner, TableInfo};
use super::types::column_type;

const COLUMNS: &str = "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, \
     t.typtype::text \
     FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid \
     WHERE a.attrelid = $1::text::regclass AND a.attnum > 0 AND NOT a.attisdropped \
     ORDER BY a.attnum";

const PRIMARY_KEY: &str = "SELECT a.attname FROM pg_index i \
     JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) \
     WHERE i.indrelid = $1::text::regclass AND i.indisprimary \
     ORDER BY array_position(i.indkey::int2[], a.attnum)";

const SETTINGS: &str = "SELECT current_setting('wal_level'), \
     (SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user), \
     current_user::text, \
     (SELECT relreplident::text FROM pg_class WHERE oid = $1::text::regclass)";

/// Describes `name` and checks that it can be mirrored; caches the result.
pub async fn describe(
    inner: &Inner,
    name: &OriginTableName,
) -> Result<Arc<TableInfo>, OriginError> {
    let schema = if name.schema.is_empty() {
        "public"
    } else {
        &name.schema
    };
    let resolved = OriginTableName {
        schema: schema.to_string(),
        name: name.name.clone(),
    };
    let regclass = format!("{}.{}", quote(schema), quote(&name.name));
    let guard = inner.client().await?;
    let Some(client) = guard.as_ref() else {
        return Err(OriginError::Unavailable("no connection".into()));
    };
    let columns = match client.query(COLUMNS, &[&regclass]).await {
        Ok(rows) => rows,
        Err(e) if e.code().map(|c| c.code()) == Some("42P01") => {
            return Err(OriginError::Setup(format!(
                "table {resolved} does not exist at the origin"
            )))
        }
        Err(e) => return Err(PgError::from(e).into()),
    };
    let settings = client
        .query_one(SETTINGS, &[&regclass])
        .await
        .map_err(PgError::from)?;
    let key_rows = client
        .query(PRIMARY_KEY, &[&regclass])
        .await
        .map_err(PgError::from)?;
    drop(guard);

    let wal_level: String = settings.get(0);
    if wal_level != "logical" {
        return Err(OriginError::Setup(format!(
            "the origin has wal_level = {wal_level}; realtime views need logical decoding: set \
             wal_level = logical in postgresql.conf and restart PostgreSQL"
        )));
    }
    let can_replicate: Option<bool> = settings.get(1);
    let user: String = settings.get(2);
    if can_replicate != Some(true) {
        return Err(OriginError::Setup(format!(
            "role \"{user}\" lacks the REPLICATION privilege needed to stream changes: run \
             ALTER ROLE \"{user}\" REPLICATION as a superuser"
        )));
    }
    let replica_identity: Option<String> = settings.get(3);
    if replica_identity.as_deref() == Some("n") {
        return Err(OriginError::Setup(format!(
            "table {resolved} has REPLICA IDENTITY NOTHING; its updates and deletes cannot be \
             streamed: ALTER TABLE {regclass} REPLICA IDENTITY DEFAULT"
        )));
    }
    let primary_key: Vec<String> = key_rows.iter().map(|r| r.get(0)).collect();
    if primary_key.is_empty() {
        return Err(OriginError::Setup(format!(
            "table {resolved} has no primary key; a view needs one to mirror it: \
             ALTER TABLE {regclass} ADD PRIMARY KEY (...)"
        )));
    }
    let mut origin_columns = Vec::with_capacity(columns.len());
    let mut type_names = Vec::with_capacity(columns.len());
    for row in &columns {
        let column: String = row.get(0);
        let type_name: String = row.get(1);
        let not_null: bool = row.get(2);
        let kind: String = row.get(3);
        let data_type = column_type(&column, &type_name, &kind)
            .map_err(|e| OriginError::Setup(format!("table {resolved}: {e}")))?;
        origin_columns.push(OriginColumn {
            name: column,
            data_type,
            nullable: !not_null,
        });
        type_names.push(type_name);
    }
    let info = Arc::new(TableInfo {
        table: OriginTable {
            name: resolved.clone(),
            columns: origin_columns,
            primary_key,
            has_system_version: true,
        },
        type_names,
    });
    inner.tables.lock().insert(resolved.clone(), info.clone());
    if resolved != *name {
        inner.tables.lock().insert(name.clone(), info.clone());
    }
    Ok(info)
}

/// A double-quoted identifier.
pub fn quote(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

//! Describing an origin table, with setup checks that say how to fix what is wrong: the binary
//! log (on, ROW format, FULL row images, uncompressed, no partial JSON), the REPLICATION
//! privileges, the table (exists, InnoDB, has a primary key) and its column types.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use mysql_async::prelude::Queryable;
use mysql_async::{BinlogStreamRequest, Conn, Row, Value as MyValue};
use tether_engine::sync::{OriginColumn, OriginError, OriginTable, OriginTableName};

use super::error::{codes, MySqlError};
use super::origin::{binlog_status, Flavor, Inner, TableInfo};
use super::stream::next_binlog_event;
use super::types::{column_info, ColumnDefinition};

/// The error for a server whose binary log is off.
pub const BINLOG_OFF: &str = "the origin's binary log is off; realtime views stream it: start \
     the server with --log-bin --binlog-format=ROW --binlog-row-image=FULL (MariaDB's binary log \
     is off by default) and a unique --server-id";

const SETTINGS: &str = "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('log_bin', \
     'binlog_format', 'binlog_row_image', 'log_bin_compress', 'binlog_row_value_options')";

const TABLE: &str = "SELECT TABLE_TYPE, ENGINE, TABLE_SCHEMA, TABLE_NAME \
     FROM information_schema.TABLES \
     WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?";

const COLUMNS: &str = "SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, \
     NUMERIC_PRECISION, NUMERIC_SCALE, CHARACTER_MAXIMUM_LENGTH, CHARACTER_OCTET_LENGTH, \
     CHARACTER_SET_NAME FROM information_schema.COLUMNS \
     WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION";

const PRIMARY_KEY: &str = "SELECT COLUMN_NAME FROM information_schema.STATISTICS \
     WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX";

/// MariaDB spells JSON as LONGTEXT with a `json_valid(col)` check.
const JSON_CHECKS: &str = "SELECT CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS \
     WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?";

/// Describes `name` and checks that it can be mirrored; caches the result.
pub async fn describe(
    inner: &Inner,
    name: &OriginTableName,
) -> Result<Arc<TableInfo>, OriginError> {
    let schema = if name.schema.is_empty() {
        inner
            .default_database()
            .map(str::to_string)
            .ok_or_else(|| {
                OriginError::Setup(format!(
                    "table {} names no database and the origin URL has none: write \
                 database.{} or put the database in the URL (mysql://host/database)",
                    name.name, name.name
                ))
            })?
    } else {
        name.schema.clone()
    };
    let resolved = OriginTableName {
        schema,
        name: name.name.clone(),
    };
    let mut guard = inner.conn().await?;
    let Some(conn) = guard.as_mut() else {
        return Err(OriginError::Unavailable("no connection".into()));
    };
    let described = describe_on(inner, conn, &resolved).await;
    let info = match described {
        Ok(info) => info,
        Err(Described::Origin(e)) => return Err(e),
        Err(Described::Driver(e)) => {
            if e.is_connection_loss() {
                Inner::forget(&mut guard);
            }
            return Err(e.into());
        }
    };
    drop(guard);
    check_replication(inner).await?;
    let info = Arc::new(info);
    let mut tables = inner.tables.lock();
    tables.insert(info.table.name.clone(), info.clone());
    if info.table.name != *name {
        tables.insert(name.clone(), info.clone());
    }
    Ok(info)
}

/// A describe failure: a setup problem found, or the connection failing.
enum Described {
    Origin(OriginError),
    Driver(MySqlError),
}

impl From<MySqlError> for Described {
    fn from(error: MySqlError) -> Described {
        Described::Driver(error)
    }
}

impl From<mysql_async::Error> for Described {
    fn from(error: mysql_async::Error) -> Described {
        Described::Driver(error.into())
    }
}

fn setup(message: String) -> Described {
    Described::Origin(OriginError::Setup(message))
}

async fn describe_on(
    inner: &Inner,
    conn: &mut Conn,
    table: &OriginTableName,
) -> Result<TableInfo, Described> {
    let flavor = inner.flavor(conn).await?;
    check_settings(conn, &flavor).await?;
    check_binlog_status(conn).await?;
    let params = (table.schema.as_str(), table.name.as_str());
    let kind: Vec<Row> = conn.exec(TABLE, params).await?;
    let Some(kind) = kind.first() else {
        return Err(setup(format!(
            "table {table} does not exist at the origin (or the user may not see it: GRANT \
             SELECT ON `{}`.`{}`)",
            table.schema, table.name
        )));
    };
    let table_type = text(kind, 0).unwrap_or_default();
    if table_type != "BASE TABLE" {
        return Err(setup(format!(
            "{table} is a {}, not a table; only base tables have their rows in the binary log",
            table_type.to_ascii_lowercase()
        )));
    }
    // The names as stored (the binlog spells them so).
    let stored = OriginTableName {
        schema: text(kind, 2).unwrap_or_else(|| table.schema.clone()),
        name: text(kind, 3).unwrap_or_else(|| table.name.clone()),
    };
    let engine = text(kind, 1).unwrap_or_default();
    if !engine.eq_ignore_ascii_case("InnoDB") {
        return Err(setup(format!(
            "table {table} uses the {engine} storage engine; a consistent snapshot needs a \
             transactional table: ALTER TABLE `{}`.`{}` ENGINE = InnoDB",
            table.schema, table.name
        )));
    }
    let key_rows: Vec<Row> = conn.exec(PRIMARY_KEY, params).await?;
    let primary_key: Vec<String> = key_rows.iter().filter_map(|r| text(r, 0)).collect();
    if primary_key.is_empty() {
        return Err(setup(format!(
            "table {table} has no primary key; a view needs one to mirror it: ALTER TABLE \
             `{}`.`{}` ADD PRIMARY KEY (...)",
            table.schema, table.name
        )));
    }
    let json_checks: Vec<String> = if flavor.mariadb {
        let rows: Vec<Row> = conn.exec(JSON_CHECKS, params).await?;
        rows.iter().filter_map(|r| text(r, 0)).collect()
    } else {
        Vec::new()
    };
    let column_rows: Vec<Row> = conn.exec(COLUMNS, params).await?;
    let mut columns = Vec::with_capacity(column_rows.len());
    let mut origin_columns = Vec::with_capacity(column_rows.len());
    for row in &column_rows {
        let name = text(row, 0).unwrap_or_default();
        let json_check = json_checks
            .iter()
            .any(|c| c.replace(' ', "") == format!("json_valid(`{name}`)"));
        let definition = ColumnDefinition {
            data_type: text(row, 1).unwrap_or_default(),
            column_type: text(row, 2).unwrap_or_default(),
            nullable: text(row, 3).is_some_and(|n| n.eq_ignore_ascii_case("YES")),
            numeric_precision: number(row, 4).and_then(|n| u32::try_from(n).ok()),
            numeric_scale: number(row, 5).and_then(|n| u32::try_from(n).ok()),
            character_maximum_length: number(row, 6),
            character_octet_length: number(row, 7),
            character_set: text(row, 8),
            json_check,
            name,
        };
        let info = column_info(&definition).map_err(|e| setup(format!("table {table}: {e}")))?;
        origin_columns.push(OriginColumn {
            name: info.name.clone(),
            data_type: info.data_type.clone(),
            nullable: info.nullable,
        });
        columns.push(info);
    }
    Ok(TableInfo {
        table: OriginTable {
            name: stored,
            columns: origin_columns,
            primary_key,
            has_system_version: false,
        },
        columns,
    })
}

/// The binary log must be on, in ROW format with FULL images, uncompressed, without partial
/// JSON updates.
async fn check_settings(conn: &mut Conn, flavor: &Flavor) -> Result<(), Described> {
    let rows: Vec<Row> = conn.query(SETTINGS).await?;
    let setting = |name: &str| {
        rows.iter()
            .find(|r| text(r, 0).is_some_and(|n| n.eq_ignore_ascii_case(name)))
            .and_then(|r| text(r, 1))
            .unwrap_or_default()
    };
    let server = if flavor.mariadb { "MariaDB" } else { "MySQL" };
    if !setting("log_bin").eq_ignore_ascii_case("ON") {
        return Err(setup(BINLOG_OFF.into()));
    }
    let format = setting("binlog_format");
    if !format.eq_ignore_ascii_case("ROW") {
        return Err(setup(format!(
            "the origin has binlog_format = {format}; realtime views need row events: run SET \
             GLOBAL binlog_format = 'ROW' and set binlog_format=ROW in the {server} \
             configuration"
        )));
    }
    let image = setting("binlog_row_image");
    if !image.eq_ignore_ascii_case("FULL") {
        return Err(setup(format!(
            "the origin has binlog_row_image = {image}; realtime views need whole rows: run SET \
             GLOBAL binlog_row_image = 'FULL' and set binlog_row_image=FULL in the {server} \
             configuration"
        )));
    }
    if setting("log_bin_compress").eq_ignore_ascii_case("ON") {
        return Err(setup(
            "the origin has log_bin_compress = ON; tether cannot read compressed binlog events: \
             SET GLOBAL log_bin_compress = OFF"
                .into(),
        ));
    }
    let value_options = setting("binlog_row_value_options");
    if !value_options.is_empty() {
        return Err(setup(format!(
            "the origin has binlog_row_value_options = {value_options}; tether needs whole JSON \
             values: SET GLOBAL binlog_row_value_options = ''"
        )));
    }
    Ok(())
}

/// `SHOW MASTER STATUS` needs REPLICATION CLIENT (MariaDB: BINLOG MONITOR).
async fn check_binlog_status(conn: &mut Conn) -> Result<(), Described> {
    match binlog_status(conn).await {
        Ok(Some(_)) => Ok(()),
        Ok(None) => Err(setup(BINLOG_OFF.into())),
        Err(e) if e.code() == Some(codes::SPECIFIC_ACCESS_DENIED) => Err(setup(format!(
            "the origin user may not read the binary log position ({e}): GRANT REPLICATION \
             CLIENT ON *.* TO the user (MariaDB 10.5+: BINLOG MONITOR)"
        ))),
        Err(e) => Err(e.into()),
    }
}

/// Opens a binlog stream once (non-blocking, at the current position) to check the REPLICATION
/// SLAVE privilege.
async fn check_replication(inner: &Inner) -> Result<(), OriginError> {
    if inner.replication_checked.load(Ordering::Relaxed) {
        return Ok(());
    }
    let missing = |e: &MySqlError| {
        OriginError::Setup(format!(
            "the origin user may not stream the binary log ({e}): GRANT REPLICATION SLAVE ON \
             *.* TO the user"
        ))
    };
    let mut conn = inner.connect().await?;
    let Some(position) = binlog_status(&mut conn).await? else {
        return Err(OriginError::Setup(BINLOG_OFF.into()));
    };
    let request = BinlogStreamRequest::new(inner.next_server_id())
        .with_filename(position.file.as_bytes())
        .with_pos(position.pos)
        .with_non_blocking();
    let mut stream = match conn.get_binlog_stream(request).await {
        Ok(stream) => stream,
        Err(e) => {
            let e = MySqlError::from(e);
            return Err(if e.is_access_denied() {
                missing(&e)
            } else {
                e.into()
            });
        }
    };
    for _ in 0..8 {
        match tokio::time::timeout(Duration::from_secs(5), next_binlog_event(&mut stream)).await {
            Ok(Some(Ok(_))) => continue,
            Ok(Some(Err(e))) => {
                let e = MySqlError::from(e);
                return Err(if e.is_access_denied() {
                    missing(&e)
                } else {
                    e.into()
                });
            }
            Ok(None) | Err(_) => break,
        }
    }
    let _ = stream.close().await;
    inner.replication_checked.store(true, Ordering::Relaxed);
    Ok(())
}

/// A column of an information_schema row as text.
pub(super) fn text(row: &Row, index: usize) -> Option<String> {
    match row.as_ref(index)? {
        MyValue::NULL => None,
        MyValue::Bytes(bytes) => Some(String::from_utf8_lossy(bytes).into_owned()),
        MyValue::Int(v) => Some(v.to_string()),
        MyValue::UInt(v) => Some(v.to_string()),
        other => Some(format!("{other:?}")),
    }
}

fn number(row: &Row, index: usize) -> Option<u64> {
    text(row, index).and_then(|t| t.parse().ok())
}

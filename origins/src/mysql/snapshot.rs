//! The consistent start: the table copied in a consistent-snapshot transaction whose binlog
//! position is exactly where the copy's data ends, so the stream starts there with no gap and
//! no duplicate.
//!
//! - MariaDB (lock-free): `START TRANSACTION WITH CONSISTENT SNAPSHOT`, then
//!   `SHOW STATUS LIKE 'binlog_snapshot_%'` gives the binlog position of that snapshot.
//! - MySQL (documented, untested here): `FLUSH TABLES WITH READ LOCK`, start the snapshot
//!   transaction, read `SHOW BINARY LOG STATUS`, `UNLOCK TABLES`, copy. Without the RELOAD
//!   privilege FTWRL is refused and `LOCK TABLES t READ` on the one table is used instead
//!   (the position then holds for that table, which is all a view follows).

use mysql_async::prelude::Queryable;
use mysql_async::{Conn, Row};
use tether_engine::sync::{OriginError, OriginRow, OriginSnapshot, OriginTable};

use super::describe::text;
use super::error::{codes, MySqlError};
use super::origin::{binlog_status, Inner};
use super::position::BinlogPosition;
use super::stream::Layout;
use super::types::from_sql;

/// Takes a snapshot of `table`.
pub async fn take(inner: &Inner, table: &OriginTable) -> Result<OriginSnapshot, OriginError> {
    let info = inner.table_info(&table.name).await?;
    let layout = Layout::new(&info, table)?;
    let mut conn = inner.connect().await?;
    let mariadb = inner.flavor(&mut conn).await?.mariadb;
    let result = copy(&mut conn, table, &layout, mariadb).await;
    let _ = conn.disconnect().await;
    let (position, rows) = result?;
    Ok(OriginSnapshot {
        position: position.to_position(),
        rows,
    })
}

async fn copy(
    conn: &mut Conn,
    table: &OriginTable,
    layout: &Layout,
    mariadb: bool,
) -> Result<(BinlogPosition, Vec<OriginRow>), OriginError> {
    conn.query_drop("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        .await
        .map_err(MySqlError::from)?;
    let position = if mariadb {
        conn.query_drop("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
            .await
            .map_err(MySqlError::from)?;
        mariadb_snapshot_position(conn).await?
    } else {
        locked_snapshot_start(conn, table).await?
    };
    let columns: Vec<String> = table.columns.iter().map(|c| quote(&c.name)).collect();
    let select = format!(
        "SELECT {} FROM {}.{}",
        columns.join(", "),
        quote(&table.name.schema),
        quote(&table.name.name)
    );
    let copied: Vec<Row> = conn.exec(select, ()).await.map_err(MySqlError::from)?;
    conn.query_drop("COMMIT").await.map_err(MySqlError::from)?;
    let mut rows = Vec::with_capacity(copied.len());
    for row in &copied {
        let mut values = Vec::with_capacity(layout.columns.len());
        for (i, column) in layout.columns.iter().enumerate() {
            let value = row.as_ref(i).unwrap_or(&mysql_async::Value::NULL);
            values.push(
                from_sql(value, column)
                    .map_err(|e| OriginError::Setup(format!("table {}: {e}", table.name)))?,
            );
        }
        rows.push(OriginRow::new(values, None));
    }
    Ok((position, rows))
}

/// `Binlog_snapshot_file` / `Binlog_snapshot_position` of the open snapshot transaction.
async fn mariadb_snapshot_position(conn: &mut Conn) -> Result<BinlogPosition, OriginError> {
    let rows: Vec<Row> = conn
        .query("SHOW STATUS LIKE 'binlog_snapshot_%'")
        .await
        .map_err(MySqlError::from)?;
    let value = |name: &str| {
        rows.iter()
            .find(|r| text(r, 0).is_some_and(|n| n.eq_ignore_ascii_case(name)))
            .and_then(|r| text(r, 1))
    };
    match (
        value("Binlog_snapshot_file"),
        value("Binlog_snapshot_position").and_then(|p| p.parse().ok()),
    ) {
        (Some(file), Some(pos)) if !file.is_empty() => Ok(BinlogPosition::new(file, pos)),
        _ => Err(OriginError::Setup(
            "the origin reports no binlog snapshot position (SHOW STATUS LIKE \
             'binlog_snapshot_%'); is the binary log on?"
                .into(),
        )),
    }
}

/// MySQL: the snapshot transaction started while writes are blocked, and the binlog position
/// read under the same lock.
async fn locked_snapshot_start(
    conn: &mut Conn,
    table: &OriginTable,
) -> Result<BinlogPosition, OriginError> {
    let global = match conn.query_drop("FLUSH TABLES WITH READ LOCK").await {
        Ok(()) => true,
        Err(e) => {
            let e = MySqlError::from(e);
            if e.code() != Some(codes::SPECIFIC_ACCESS_DENIED) {
                return Err(e.into());
            }
            false
        }
    };
    let result = async {
        if !global {
            conn.query_drop(format!(
                "LOCK TABLES {}.{} READ",
                quote(&table.name.schema),
                quote(&table.name.name)
            ))
            .await
            .map_err(|e| {
                OriginError::Setup(format!(
                    "cannot lock {} for a consistent snapshot ({}): GRANT RELOAD ON *.* (or LOCK \
                     TABLES on the database) to the origin user",
                    table.name,
                    MySqlError::from(e)
                ))
            })?;
            let position = binlog_status(conn).await?;
            // START TRANSACTION releases LOCK TABLES; the snapshot is taken first.
            conn.query_drop("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
                .await
                .map_err(MySqlError::from)?;
            return Ok::<_, OriginError>(position);
        }
        conn.query_drop("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
            .await
            .map_err(MySqlError::from)?;
        Ok(binlog_status(conn).await?)
    }
    .await;
    let _ = conn.query_drop("UNLOCK TABLES").await;
    result?.ok_or_else(|| OriginError::Setup(super::describe::BINLOG_OFF.into()))
}

/// A backquoted identifier.
pub fn quote(identifier: &str) -> String {
    format!("`{}`", identifier.replace('`', "``"))
}

//! Small helpers of the MySQL parts: origin SQL, binlog positions (`SHOW MASTER STATUS`), and
//! the views (create, flush to a commit, compare with the origin).

use tether::{Database, Session};
use tether_origins::mysql::driver::prelude::Queryable;
use tether_origins::mysql::driver::{Conn, Row, Value};
use tether_origins::mysql::BinlogPosition;

use crate::sync_bench::view;
use crate::sync_bench::{ctx, BenchResult};

/// Runs SQL at the origin (text protocol; several statements allowed).
pub async fn exec(conn: &mut Conn, sql: &str) -> BenchResult<()> {
    conn.query_drop(sql).await.map_err(ctx(sql.to_string()))
}

/// The columns of the only row of `sql`, as text (`NULL` for NULL).
pub async fn one_row_text(conn: &mut Conn, sql: &str) -> BenchResult<Vec<String>> {
    let row: Row = conn
        .query_first(sql)
        .await
        .map_err(ctx(sql.to_string()))?
        .ok_or_else(|| format!("{sql}: no row"))?;
    Ok((0..row.len())
        .map(|i| match row.as_ref(i) {
            None | Some(Value::NULL) => "NULL".to_string(),
            Some(Value::Bytes(b)) => String::from_utf8_lossy(b).into_owned(),
            Some(other) => other.as_sql(true),
        })
        .collect())
}

/// `SHOW MASTER STATUS`: where the server writes next. Right after a commit (nothing else
/// writing) it is the end of the commit's XID event, which is where a reader is after it.
pub async fn binlog_end(conn: &mut Conn) -> BenchResult<BinlogPosition> {
    let status = one_row_text(conn, "SHOW MASTER STATUS").await?;
    let (Some(file), Some(pos)) = (status.first(), status.get(1)) else {
        return Err(format!("SHOW MASTER STATUS: unexpected row {status:?}"));
    };
    let pos = pos
        .parse()
        .map_err(ctx(format!("SHOW MASTER STATUS: position {pos:?}")))?;
    Ok(BinlogPosition::new(file.clone(), pos))
}

/// A view position label (`file:pos`) as a binlog position.
fn parse_label(label: &str) -> BenchResult<BinlogPosition> {
    let (file, pos) = label
        .rsplit_once(':')
        .ok_or_else(|| format!("bad binlog position {label:?}"))?;
    let pos = pos
        .parse()
        .map_err(ctx(format!("bad binlog position {label:?}")))?;
    Ok(BinlogPosition::new(file, pos))
}

/// Waits until the view has applied everything up to `end` (its position is at or past it).
pub async fn flush_to(db: &Database, view: &str, end: &BinlogPosition) -> BenchResult<()> {
    view::flush_to(db, view, &end.to_string(), |label| {
        Ok(parse_label(label)?.ordinal() >= end.ordinal())
    })
    .await
}

/// `CREATE REALTIME VIEW table AS SELECT * FROM table` on the origin (`options`: more `WITH`
/// options, starting with a comma), then a flush, so the view streams when this returns.
pub async fn create_view(
    db: &Database,
    session: &mut Session,
    table: &str,
    options: &str,
) -> BenchResult<()> {
    view::create_view(db, session, table, super::ORIGIN, options).await
}

/// Row count and column sums of `table` (columns `id`, `v` and text `s` when `with_s`) at the
/// origin and in the view; `Err` describes a difference.
pub async fn same_rows(
    conn: &mut Conn,
    session: &mut Session,
    table: &str,
    with_s: bool,
) -> BenchResult<String> {
    let sql = view::sums_select(table, with_s, |e| format!("CAST({e} AS CHAR)"));
    let origin = one_row_text(conn, &sql).await?;
    view::compare_sums(session, table, with_s, origin).await
}

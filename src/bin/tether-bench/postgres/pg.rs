//! Small helpers shared by the parts: origin SQL (LSNs, slots, publications), the check that a
//! view holds exactly the origin's rows, and statistics.

use std::time::{Duration, Instant};

use tether::{Database, Session};
use tokio_postgres::Client;

pub use crate::sync_bench::stats::median;
use crate::sync_bench::view;
pub use crate::sync_bench::view::drop_view;

use super::{ctx, PgResult};

/// Runs a script at the origin.
pub async fn exec(client: &Client, sql: &str) -> PgResult<()> {
    client
        .batch_execute(sql)
        .await
        .map_err(ctx(sql.to_string()))
}

/// The first column of the only row of `sql`, as text (write `::text` in the query).
pub async fn one_text(client: &Client, sql: &str) -> PgResult<String> {
    client
        .query_one(sql, &[])
        .await
        .map_err(ctx(sql.to_string()))?
        .try_get::<_, String>(0)
        .map_err(ctx(sql.to_string()))
}

/// An LSN `X/Y` as a number.
pub fn parse_lsn(text: &str) -> PgResult<u64> {
    let (hi, lo) = text
        .split_once('/')
        .ok_or_else(|| format!("bad LSN {text:?}"))?;
    let hi = u64::from_str_radix(hi, 16).map_err(ctx(format!("bad LSN {text:?}")))?;
    let lo = u64::from_str_radix(lo, 16).map_err(ctx(format!("bad LSN {text:?}")))?;
    Ok((hi << 32) | lo)
}

/// An LSN as `X/Y`.
pub fn format_lsn(lsn: u64) -> String {
    format!("{:X}/{:X}", lsn >> 32, lsn & 0xFFFF_FFFF)
}

/// `pg_current_wal_lsn()`: right after a commit (synchronous_commit on, nothing else writing)
/// it is the end of the commit record, i.e. the end LSN pgoutput's Commit message carries.
pub async fn current_lsn(client: &Client) -> PgResult<u64> {
    parse_lsn(&one_text(client, "SELECT pg_current_wal_lsn()::text").await?)
}

/// Creates a (permanent) logical slot with pgoutput; it starts at the current WAL position.
pub async fn create_slot(client: &Client, slot: &str) -> PgResult<()> {
    client
        .execute(
            "SELECT pg_create_logical_replication_slot($1, 'pgoutput')",
            &[&slot],
        )
        .await
        .map(|_| ())
        .map_err(ctx(format!("creating slot {slot}")))
}

/// Drops a slot, waiting (up to 10 s) for a walsender still holding it to exit.
pub async fn drop_slot(client: &Client, slot: &str) -> PgResult<()> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match client
            .execute("SELECT pg_drop_replication_slot($1)", &[&slot])
            .await
        {
            Ok(_) => return Ok(()),
            Err(e) if e.code().map(|c| c.code()) == Some("42704") => return Ok(()),
            Err(e) if Instant::now() < deadline && e.code().map(|c| c.code()) == Some("55006") => {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Err(e) => return Err(format!("dropping slot {slot}: {e}")),
        }
    }
}

/// Waits (up to 10 s) until a walsender has the slot.
pub async fn wait_slot_active(client: &Client, slot: &str) -> PgResult<()> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let active: Option<bool> = client
            .query_opt(
                "SELECT active FROM pg_replication_slots WHERE slot_name = $1",
                &[&slot],
            )
            .await
            .map_err(ctx(format!("reading slot {slot}")))?
            .map(|row| row.get(0));
        if active == Some(true) {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(format!("slot {slot} not active after 10 s"));
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Waits until the view has applied everything up to `lsn` (its position is at or past it).
pub async fn flush_to(db: &Database, view: &str, lsn: u64) -> PgResult<()> {
    view::flush_to(db, view, &format_lsn(lsn), |position| {
        Ok(parse_lsn(position)? >= lsn)
    })
    .await
}

/// `CREATE REALTIME VIEW name AS SELECT * FROM name` on the origin, then a flush, so the view
/// streams when this returns.
pub async fn create_view(db: &Database, session: &mut Session, table: &str) -> PgResult<()> {
    view::create_view(db, session, table, super::ORIGIN, "").await
}

/// Row count and column sums of `table` (columns `id`, `v` and text `s` when `with_s`), as text,
/// at the origin and in the view; `Err` describes a difference.
pub async fn same_rows(
    client: &Client,
    session: &mut Session,
    table: &str,
    with_s: bool,
) -> PgResult<String> {
    let origin_sql = view::sums_select(table, with_s, |e| format!("{e}::text"));
    let row = client
        .query_one(&origin_sql, &[])
        .await
        .map_err(ctx(origin_sql.clone()))?;
    let origin: Vec<String> = (0..row.len())
        .map(|i| {
            row.try_get::<_, Option<String>>(i)
                .map(|v| v.unwrap_or_else(|| "NULL".into()))
        })
        .collect::<Result<_, _>>()
        .map_err(ctx(origin_sql))?;
    view::compare_sums(session, table, with_s, origin).await
}

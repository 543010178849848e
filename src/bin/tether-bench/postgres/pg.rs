//! Small helpers shared by the parts: origin SQL (LSNs, slots, publications), the check that a
//! view holds exactly the origin's rows, and statistics.

use std::time::{Duration, Instant};

use tether::{Database, Session, ViewInfo};
use tokio_postgres::Client;

use super::{ctx, tether_ctx, PgResult, FLUSH_TIMEOUT};

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

/// The view named `name` as `tether.views` shows it.
pub fn view_info(db: &Database, name: &str) -> PgResult<ViewInfo> {
    db.views()
        .into_iter()
        .find(|v| v.name == name)
        .ok_or_else(|| format!("no view {name} in tether.views"))
}

/// Waits until the view has applied everything up to `lsn` (its position is at or past it);
/// `flush` does the waiting, this checks the outcome.
pub async fn flush_to(db: &Database, view: &str, lsn: u64) -> PgResult<()> {
    db.flush(FLUSH_TIMEOUT)
        .await
        .map_err(tether_ctx("flushing"))?;
    let info = view_info(db, view)?;
    let position = info
        .position
        .as_deref()
        .ok_or_else(|| format!("view {view} has no position after a flush"))?;
    if parse_lsn(position)? < lsn {
        return Err(format!(
            "view {view} is at {position} after a flush, before the commit at {}",
            format_lsn(lsn)
        ));
    }
    if let Some(error) = info.last_error.filter(|_| info.state == "error") {
        return Err(format!("view {view} is in error: {error}"));
    }
    Ok(())
}

/// `CREATE REALTIME VIEW name AS SELECT * FROM name` on the origin, then a flush, so the view
/// streams when this returns.
pub async fn create_view(db: &Database, session: &mut Session, table: &str) -> PgResult<()> {
    let sql = format!(
        "CREATE REALTIME VIEW {table} AS SELECT * FROM {table} WITH (replication_origin = '{}')",
        super::ORIGIN
    );
    session
        .execute(&sql, &[])
        .await
        .map_err(tether_ctx(sql.clone()))?;
    db.flush(FLUSH_TIMEOUT)
        .await
        .map_err(tether_ctx("flushing after CREATE"))
}

/// `DROP VIEW name`: stops the stream (its temporary slot goes with the connection).
pub async fn drop_view(session: &mut Session, view: &str) -> PgResult<()> {
    let sql = format!("DROP VIEW {view}");
    session
        .execute(&sql, &[])
        .await
        .map(|_| ())
        .map_err(tether_ctx(sql))
}

/// Row count and column sums of `table` (columns `id`, `v` and text `s` when `with_s`), as text,
/// at the origin and in the view; `Err` describes a difference.
pub async fn same_rows(
    client: &Client,
    session: &mut Session,
    table: &str,
    with_s: bool,
) -> PgResult<String> {
    let s_sum = if with_s { ", sum(length(s))" } else { "" };
    let origin_sql = format!(
        "SELECT count(*)::text, sum(id)::text, sum(v)::text{} FROM {table}",
        if with_s { ", sum(length(s))::text" } else { "" }
    );
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
    let local_sql = format!("SELECT count(*), sum(id), sum(v){s_sum} FROM {table}");
    let result = session
        .execute(&local_sql, &[])
        .await
        .map_err(tether_ctx(local_sql.clone()))?;
    let local: Vec<String> = result
        .rows
        .first()
        .ok_or_else(|| format!("{local_sql}: no row"))?
        .values()
        .iter()
        .map(|v| {
            if v.is_null() {
                "NULL".to_string()
            } else {
                v.to_string()
            }
        })
        .collect();
    let described = format!("count, sum(id), sum(v){s_sum}: {}", origin.join(", "));
    if origin == local {
        Ok(described)
    } else {
        Err(format!(
            "RESULT MISMATCH in {table}: origin has {}, the view has {}",
            origin.join(", "),
            local.join(", ")
        ))
    }
}

/// The median of `xs` (not empty).
pub fn median(xs: &[f64]) -> f64 {
    let mut sorted = xs.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

/// The `p`-th percentile (0..=100, nearest rank) of sorted `xs`.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

//! The local side of a realtime view in a benchmark: creating and dropping it, waiting until it
//! has applied the origin up to a position, and comparing its row count and sums with the
//! origin's.

use tether::{Database, Session, ViewInfo};

use super::{tether_ctx, BenchResult, FLUSH_TIMEOUT};

/// The view named `name` as `tether.views` shows it.
pub fn view_info(db: &Database, name: &str) -> BenchResult<ViewInfo> {
    db.views()
        .into_iter()
        .find(|v| v.name == name)
        .ok_or_else(|| format!("no view {name} in tether.views"))
}

/// Waits until the view has applied everything up to the origin's commit `target` (its position
/// is at or past it, which `at_or_past` decides from the position's label); `flush` does the
/// waiting, this checks the outcome.
pub async fn flush_to(
    db: &Database,
    view: &str,
    target: &str,
    at_or_past: impl FnOnce(&str) -> BenchResult<bool>,
) -> BenchResult<()> {
    db.flush(FLUSH_TIMEOUT)
        .await
        .map_err(tether_ctx("flushing"))?;
    let info = view_info(db, view)?;
    let position = info
        .position
        .as_deref()
        .ok_or_else(|| format!("view {view} has no position after a flush"))?;
    if !at_or_past(position)? {
        return Err(format!(
            "view {view} is at {position} after a flush, before the commit at {target}"
        ));
    }
    if let Some(error) = info.last_error.filter(|_| info.state == "error") {
        return Err(format!("view {view} is in error: {error}"));
    }
    Ok(())
}

/// `CREATE REALTIME VIEW table AS SELECT * FROM table WITH (replication_origin = 'origin'
/// <options>)` (`options` empty, or starting with a comma), then a flush, so the view streams
/// when this returns.
pub async fn create_view(
    db: &Database,
    session: &mut Session,
    table: &str,
    origin: &str,
    options: &str,
) -> BenchResult<()> {
    let sql = format!(
        "CREATE REALTIME VIEW {table} AS SELECT * FROM {table} WITH (replication_origin = \
         '{origin}'{options})"
    );
    session
        .execute(&sql, &[])
        .await
        .map_err(tether_ctx(sql.clone()))?;
    db.flush(FLUSH_TIMEOUT)
        .await
        .map_err(tether_ctx("flushing after CREATE"))
}

/// `DROP VIEW name`: stops the view's stream.
pub async fn drop_view(session: &mut Session, view: &str) -> BenchResult<()> {
    let sql = format!("DROP VIEW {view}");
    session
        .execute(&sql, &[])
        .await
        .map(|_| ())
        .map_err(tether_ctx(sql))
}

/// The aggregates both sides compute: row count and the sums of `id`, `v` and, when `with_s`,
/// of `length(s)`, each written with `text` around it (the origin's cast to text).
pub fn sums_select(table: &str, with_s: bool, text: impl Fn(&str) -> String) -> String {
    let mut columns = vec![text("count(*)"), text("sum(id)"), text("sum(v)")];
    if with_s {
        columns.push(text("sum(length(s))"));
    }
    format!("SELECT {} FROM {table}", columns.join(", "))
}

/// Compares the origin's aggregates (`origin`, as text, from [`sums_select`]) with the view's;
/// `Ok` describes them, `Err` describes a difference.
pub async fn compare_sums(
    session: &mut Session,
    table: &str,
    with_s: bool,
    origin: Vec<String>,
) -> BenchResult<String> {
    let local_sql = sums_select(table, with_s, str::to_string);
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
    let s_sum = if with_s { ", sum(length(s))" } else { "" };
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

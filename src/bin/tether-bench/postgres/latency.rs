//! Part 2: origin commit → visible in the view.
//!
//! Table `l (id int PRIMARY KEY, v int)` with 1,000 rows and its realtime view. Each sample is
//! one autocommit `UPDATE l SET v = $1 WHERE id = $2` at the origin (tokio-postgres, prepared),
//! with a value never used before; the waiting and timing are the shared
//! [`crate::sync_bench::latency`] (follower, then a prepared local SELECT until it shows the
//! value), after a warm-up of 500.

use crate::sync_bench::latency::{run_samples, TABLE_ROWS};

use super::pg::{create_view, drop_view, exec};
use super::report::Report;
use super::{ctx, Env, PgResult};

/// Runs part 2; returns whether every check passed.
pub async fn run(env: &Env, report: &mut Report) -> PgResult<bool> {
    let (db, client) = env.database("bench_latency").await?;
    exec(
        &client,
        &format!(
            "CREATE TABLE l (id int PRIMARY KEY, v int NOT NULL) WITH (autovacuum_enabled = false);
             INSERT INTO l SELECT i, 0 FROM generate_series(1, {TABLE_ROWS}) i;"
        ),
    )
    .await?;
    let (local, mut session) = env.tether(&db)?;
    create_view(&local, &mut session, "l").await?;
    let update = client
        .prepare("UPDATE l SET v = $1 WHERE id = $2")
        .await
        .map_err(ctx("preparing the origin UPDATE"))?;
    let samples = run_samples(
        &local,
        &mut session,
        "l",
        env.args.latency_samples,
        async |id: i32, v: i32| {
            let changed = client
                .execute(&update, &[&v, &id])
                .await
                .map_err(ctx("origin UPDATE"))?;
            if changed != 1 {
                return Err(format!("origin UPDATE of id {id} changed {changed} rows"));
            }
            Ok(())
        },
    )
    .await?;
    drop_view(&mut session, "l").await?;
    samples.report(
        report,
        "UPDATE",
        "the walsender is woken at the WAL flush, before the backend answers the client",
    );
    Ok(true)
}

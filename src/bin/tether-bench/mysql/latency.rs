//! Part 2: origin commit → visible in the view.
//!
//! Table `l (id INT PRIMARY KEY, v INT)` with 1,000 rows and its realtime view. Each sample is
//! one autocommit `UPDATE l SET v = ? WHERE id = ?` at the origin (mysql_async, prepared once,
//! binary protocol), with a value never used before; the waiting and timing are the shared
//! [`crate::sync_bench::latency`] (follower, then a prepared local SELECT until it shows the
//! value), after a warm-up of 500.

use tether_origins::mysql::driver::prelude::Queryable;

use crate::sync_bench::latency::{run_samples, TABLE_ROWS};
use crate::sync_bench::report::Report;
use crate::sync_bench::view::drop_view;
use crate::sync_bench::{ctx, BenchResult};

use super::my::{create_view, exec};
use super::Env;

/// Runs part 2; returns whether every check passed.
pub async fn run(env: &Env, report: &mut Report) -> BenchResult<bool> {
    let (db, mut conn) = env.database("bench_latency").await?;
    exec(
        &mut conn,
        &format!(
            "CREATE TABLE l (id INT PRIMARY KEY, v INT NOT NULL) ENGINE = InnoDB;
             INSERT INTO l SELECT seq, 0 FROM seq_1_to_{TABLE_ROWS};"
        ),
    )
    .await?;
    let (local, mut session) = env.tether(&db)?;
    create_view(&local, &mut session, "l", "").await?;
    let update = conn
        .prep("UPDATE l SET v = ? WHERE id = ?")
        .await
        .map_err(ctx("preparing the origin UPDATE"))?;
    let samples = run_samples(
        &local,
        &mut session,
        "l",
        env.args.latency_samples,
        async |id: i32, v: i32| {
            conn.exec_drop(&update, (v, id))
                .await
                .map_err(ctx("origin UPDATE"))?;
            let changed = conn.affected_rows();
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
        "the dump thread is signalled when the binlog is written, before the storage engine \
         commits and the client is answered",
    );
    Ok(true)
}

//! Group commit of write-back against real throwaway PostgreSQL and MariaDB servers: many
//! autocommit writes through a view go out together, and each still gets its own outcome — a
//! conflicting write does not stop the others, and a write the origin refuses (a CHECK
//! constraint) is rejected alone while the rest of its group applies.

mod support;

use support::{mysql_local, rows};

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use tether::{Database, Session, Value};
use tether_origins::mysql::driver::prelude::Queryable;
use tether_origins::postgres::PostgresOrigin;
use tether_origins::testing::mariadb::MariaDbServer;
use tether_origins::testing::postgres::PostgresServer;

const FLUSH: Duration = Duration::from_secs(30);
const ROWS: i32 = 40;

/// The origin table: `ROWS` rows with `n = 0`; the origin refuses a negative `n`.
fn items_sql(id_type: &str) -> String {
    format!(
        "CREATE TABLE items (id {id_type} PRIMARY KEY, n INT NOT NULL CHECK (n >= 0), \
         ver BIGINT NOT NULL DEFAULT 1)"
    )
}

/// The origin side of a scenario: direct SQL and the table's rows.
trait OriginSide {
    async fn run(&mut self, sql: &str);
    /// `id -> n` of every origin row.
    async fn rows(&mut self) -> BTreeMap<i32, i32>;
}

struct Pg(tokio_postgres::Client);

impl OriginSide for Pg {
    async fn run(&mut self, sql: &str) {
        self.0
            .batch_execute(sql)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    async fn rows(&mut self) -> BTreeMap<i32, i32> {
        let rows = self.0.query("SELECT id, n FROM items", &[]).await.unwrap();
        rows.iter().map(|r| (r.get(0), r.get(1))).collect()
    }
}

struct My(tether_origins::mysql::driver::Conn);

impl OriginSide for My {
    async fn run(&mut self, sql: &str) {
        self.0
            .query_drop(sql)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    async fn rows(&mut self) -> BTreeMap<i32, i32> {
        let rows: Vec<(i32, i32)> = self.0.query("SELECT id, n FROM items").await.unwrap();
        rows.into_iter().collect()
    }
}

/// The view's rows as `id -> n`, after checking none is still staged.
async fn view_rows(session: &mut Session) -> BTreeMap<i32, i32> {
    rows(session, "SELECT id, n, __staged FROM items")
        .await
        .into_iter()
        .map(|r| match r.as_slice() {
            [Value::Int32(id), Value::Int32(n), Value::Bool(false)] => (*id, *n),
            other => panic!("unexpected view row {other:?}"),
        })
        .collect()
}

/// How many attempts ended in each (status, conflict), for attempts numbered above `after`.
async fn outcomes(session: &mut Session, after: usize) -> BTreeMap<String, i64> {
    rows(
        session,
        &format!(
            "SELECT status || coalesce('/' || conflict, ''), count(*) FROM tether.write_attempts \
             WHERE id > {after} GROUP BY 1"
        ),
    )
    .await
    .into_iter()
    .map(|r| match r.as_slice() {
        [Value::Text(kind), Value::Int64(count)] => (kind.to_string(), *count),
        other => panic!("unexpected outcome row {other:?}"),
    })
    .collect()
}

fn counts(expected: &[(&str, i64)]) -> BTreeMap<String, i64> {
    expected.iter().map(|(k, n)| (k.to_string(), *n)).collect()
}

/// Sends `updates` (id, new n) through the paused view, one autocommit UPDATE each, while
/// `origin_sql` runs at the origin; then resumes, so the dispatcher has them all in flight at
/// once, and flushes.
async fn write_while_paused(
    local: &Database,
    session: &mut Session,
    origin: &mut impl OriginSide,
    origin_sql: &str,
    updates: &[(i32, i32)],
) {
    local.pause(None).unwrap();
    origin.run(origin_sql).await;
    for (id, n) in updates {
        let result = session
            .execute(&format!("UPDATE items SET n = {n} WHERE id = {id}"), &[])
            .await
            .unwrap();
        assert_eq!(result.rows_affected(), 1, "local UPDATE of id {id}");
    }
    local.resume(None).unwrap();
    local.flush(FLUSH).await.unwrap();
}

/// Round 1: every row but a few changed at the origin meanwhile applies; the changed ones
/// conflict. Round 2: one write the origin refuses is rejected, the others apply.
async fn conflicts_and_rejections_stay_per_write(
    local: &Database,
    session: &mut Session,
    origin: &mut impl OriginSide,
    bump: &str,
) {
    let everyone: Vec<(i32, i32)> = (1..=ROWS).map(|id| (id, id)).collect();
    write_while_paused(
        local,
        session,
        origin,
        &format!(
            "UPDATE items SET n = 1000{bump} WHERE id IN (3, 5); DELETE FROM items WHERE id = 9;"
        ),
        &everyone,
    )
    .await;
    assert_eq!(
        outcomes(session, 0).await,
        counts(&[
            ("applied", i64::from(ROWS) - 3),
            ("conflicted/version_mismatch", 2),
            ("conflicted/row_missing", 1),
        ])
    );
    let mut expected: BTreeMap<i32, i32> = everyone.iter().copied().collect();
    expected.insert(3, 1000);
    expected.insert(5, 1000);
    expected.remove(&9);
    assert_eq!(origin.rows().await, expected);
    assert_eq!(view_rows(session).await, expected);

    let round_two: Vec<(i32, i32)> = (10..=20)
        .map(|id| (id, if id == 15 { -5 } else { id + 100 }))
        .collect();
    write_while_paused(local, session, origin, "SELECT 1", &round_two).await;
    assert_eq!(
        outcomes(session, ROWS as usize).await,
        counts(&[("applied", 10), ("rejected", 1)])
    );
    for (id, n) in &round_two {
        if *id != 15 {
            expected.insert(*id, *n);
        }
    }
    assert_eq!(origin.rows().await, expected);
    assert_eq!(view_rows(session).await, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_groups_keep_outcomes_per_write() {
    let server = PostgresServer::shared().expect("PostgreSQL test server");
    for (version_column, local_first) in [(false, false), (true, true)] {
        let db = server.create_database("groups").await.expect("database");
        let mut origin = Pg(server.connect(&db).await.expect("connect"));
        origin
            .run(&format!(
                "{}; INSERT INTO items (id, n) SELECT g, 0 FROM generate_series(1, {ROWS}) g;",
                items_sql("INT")
            ))
            .await;
        let local = Database::open_in_memory();
        let url = server.url(&db);
        local
            .register_origin(
                "postgres:primary",
                Arc::new(PostgresOrigin::new(&url).expect("origin")),
            )
            .unwrap();
        let mut session = local.connect();
        let options = format!(
            "replication_origin = 'postgres:primary'{}{}",
            if version_column {
                ", upstream_mvcc_key = 'ver'"
            } else {
                ""
            },
            if local_first {
                ", write_policy = 'local_first'"
            } else {
                ""
            }
        );
        session
            .execute(
                &format!("CREATE REALTIME VIEW items AS SELECT * FROM items WITH ({options})"),
                &[],
            )
            .await
            .unwrap();
        let bump = if version_column {
            ", ver = ver + 1"
        } else {
            ""
        };
        conflicts_and_rejections_stay_per_write(&local, &mut session, &mut origin, bump).await;
        // The first round's writes went out in groups: rows written in one origin transaction
        // share its xmin.
        let transactions: i64 = origin
            .0
            .query_one(
                "SELECT count(DISTINCT xmin::text) FROM items WHERE n = id",
                &[],
            )
            .await
            .unwrap()
            .get(0);
        assert!(
            transactions < i64::from(ROWS) - 3 - 10,
            "{transactions} origin transactions for the first round's writes"
        );
        assert_eq!(
            rows(
                &mut session,
                "SELECT count(*) FROM tether.write_attempts WHERE status = 'pending'"
            )
            .await,
            vec![vec![Value::Int64(0)]]
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mysql_groups_keep_outcomes_per_write() {
    let server = MariaDbServer::shared().expect("MariaDB test server");
    for local_first in [false, true] {
        let db = server.create_database("groups").await.expect("database");
        let mut origin = My(server.connect(&db).await.expect("connect"));
        origin.run(&items_sql("INT")).await;
        let values: Vec<String> = (1..=ROWS).map(|id| format!("({id}, 0)")).collect();
        origin
            .run(&format!(
                "INSERT INTO items (id, n) VALUES {}",
                values.join(", ")
            ))
            .await;
        let (local, mut session) = mysql_local(&server.url(&db));
        session
            .execute(
                &format!(
                    "CREATE REALTIME VIEW items AS SELECT * FROM items WITH \
                     (replication_origin = 'mysql:shop', upstream_mvcc_key = 'ver'{})",
                    if local_first {
                        ", write_policy = 'local_first'"
                    } else {
                        ""
                    }
                ),
                &[],
            )
            .await
            .unwrap();
        conflicts_and_rejections_stay_per_write(
            &local,
            &mut session,
            &mut origin,
            ", ver = ver + 1",
        )
        .await;
    }
}

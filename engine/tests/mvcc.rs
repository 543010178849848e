//! MVCC and snapshot isolation across sessions (issue 2, "Transactions").
//!
//! tether runs every transaction under snapshot isolation, the level PostgreSQL calls
//! REPEATABLE READ: a transaction sees the database as of its snapshot, readers never block
//! writers, and of two transactions writing the same row the second gets SQLSTATE 40001.

use std::future::Future;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use tether_engine::{Database, Error, Session, TransactionStatus, Value};

// `Database` is shared by threads: a compile-time assertion.
const _: () = {
    const fn assert_shareable<T: Clone + Send + Sync + 'static>() {}
    assert_shareable::<Database>();
};

// A session can be moved to another thread.
const _: () = {
    const fn assert_send<T: Send>() {}
    assert_send::<Session>();
};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

async fn exec(s: &mut Session, sql: &str) {
    s.execute(sql, &[])
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn int(s: &mut Session, sql: &str) -> i64 {
    let rows = s
        .query(sql, &[])
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    assert_eq!(rows.len(), 1, "{sql}: expected one row");
    rows[0].get::<i64>(0).unwrap()
}

async fn ints(s: &mut Session, sql: &str) -> Vec<i64> {
    let rows = s
        .query(sql, &[])
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    rows.iter().map(|r| r.get::<i64>(0).unwrap()).collect()
}

async fn setup() -> (Database, Session, Session) {
    let db = Database::open_in_memory();
    let mut a = db.connect();
    let b = db.connect();
    exec(
        &mut a,
        "CREATE TABLE acct (id INT PRIMARY KEY, balance BIGINT NOT NULL)",
    )
    .await;
    exec(&mut a, "INSERT INTO acct VALUES (1, 100), (2, 100)").await;
    (db, a, b)
}

fn assert_serialization_failure(e: &Error) {
    assert!(
        e.sqlstate() == "40001",
        "expected 40001, got {} {e}",
        e.sqlstate()
    );
}

#[tokio::test]
async fn a_transaction_keeps_its_snapshot_while_another_session_commits() {
    let (_db, mut reader, mut writer) = setup().await;
    exec(&mut reader, "BEGIN").await;
    assert_eq!(
        int(&mut reader, "SELECT balance FROM acct WHERE id = 1").await,
        100
    );

    // the writer is not blocked by the reader's open transaction
    exec(&mut writer, "UPDATE acct SET balance = 1 WHERE id = 1").await;
    exec(&mut writer, "INSERT INTO acct VALUES (3, 3)").await;
    exec(&mut writer, "DELETE FROM acct WHERE id = 2").await;

    // the reader still sees its snapshot: old value, no new row, the deleted row still there
    assert_eq!(
        int(&mut reader, "SELECT balance FROM acct WHERE id = 1").await,
        100
    );
    assert_eq!(
        ints(&mut reader, "SELECT id FROM acct ORDER BY id").await,
        vec![1, 2]
    );
    assert_eq!(
        int(&mut reader, "SELECT sum(balance)::bigint FROM acct").await,
        200
    );
    // also through an index scan
    assert_eq!(
        int(&mut reader, "SELECT count(*) FROM acct WHERE id = 3").await,
        0
    );
    assert_eq!(
        int(&mut reader, "SELECT count(*) FROM acct WHERE id = 2").await,
        1
    );
    exec(&mut reader, "COMMIT").await;

    assert_eq!(
        ints(&mut reader, "SELECT balance FROM acct ORDER BY id").await,
        vec![1, 3]
    );
}

#[tokio::test]
async fn readers_do_not_block_writers_across_threads() {
    let (db, mut reader, _) = setup().await;
    exec(&mut reader, "BEGIN").await;
    assert_eq!(int(&mut reader, "SELECT count(*) FROM acct").await, 2);
    let (tx, rx) = mpsc::channel();
    let writer_db = db.clone();
    let handle = thread::spawn(move || {
        runtime().block_on(async {
            let mut writer = writer_db.connect();
            exec(&mut writer, "UPDATE acct SET balance = balance + 1").await;
            exec(&mut writer, "INSERT INTO acct VALUES (3, 0)").await;
        });
        tx.send(()).unwrap();
    });
    rx.recv_timeout(Duration::from_secs(10))
        .expect("the writer was blocked by an open read transaction");
    handle.join().unwrap();
    assert_eq!(
        int(&mut reader, "SELECT sum(balance)::bigint FROM acct").await,
        200
    );
    exec(&mut reader, "ROLLBACK").await;
    assert_eq!(
        int(&mut reader, "SELECT sum(balance)::bigint FROM acct").await,
        202
    );
}

#[tokio::test]
async fn uncommitted_writes_are_invisible_to_others_and_own_writes_visible() {
    let (_db, mut a, mut b) = setup().await;
    exec(&mut a, "BEGIN").await;
    exec(&mut a, "UPDATE acct SET balance = 0 WHERE id = 1").await;
    exec(&mut a, "INSERT INTO acct VALUES (9, 9)").await;
    assert_eq!(
        ints(&mut a, "SELECT balance FROM acct ORDER BY id").await,
        vec![0, 100, 9]
    );
    assert_eq!(
        ints(&mut b, "SELECT balance FROM acct ORDER BY id").await,
        vec![100, 100]
    );
    exec(&mut a, "COMMIT").await;
    assert_eq!(
        ints(&mut b, "SELECT balance FROM acct ORDER BY id").await,
        vec![0, 100, 9]
    );
}

/// Two open transactions update the same row: the second gets 40001, either at its UPDATE or at
/// its COMMIT; the first commits normally.
#[tokio::test]
async fn concurrent_updates_of_one_row_second_gets_40001() {
    let (_db, mut first, mut second) = setup().await;
    exec(&mut first, "BEGIN").await;
    exec(&mut second, "BEGIN").await;
    // fix both snapshots
    assert_eq!(
        int(&mut first, "SELECT balance FROM acct WHERE id = 1").await,
        100
    );
    assert_eq!(
        int(&mut second, "SELECT balance FROM acct WHERE id = 1").await,
        100
    );

    exec(
        &mut first,
        "UPDATE acct SET balance = balance + 10 WHERE id = 1",
    )
    .await;
    let second_update = second
        .execute("UPDATE acct SET balance = balance + 20 WHERE id = 1", &[])
        .await;
    match second_update {
        Err(e) => {
            assert_serialization_failure(&e);
            assert_eq!(second.transaction_status(), TransactionStatus::Failed);
            exec(&mut first, "COMMIT").await;
            exec(&mut second, "ROLLBACK").await;
        }
        Ok(_) => {
            exec(&mut first, "COMMIT").await;
            let e = second
                .execute("COMMIT", &[])
                .await
                .expect_err("the second writer must not commit");
            assert_serialization_failure(&e);
        }
    }
    assert_eq!(
        int(&mut first, "SELECT balance FROM acct WHERE id = 1").await,
        110
    );
    // the other row is untouched and both sessions are usable again
    assert_eq!(
        int(&mut second, "SELECT balance FROM acct WHERE id = 2").await,
        100
    );
    assert_eq!(second.transaction_status(), TransactionStatus::Idle);
}

/// The first writer committed before the second (whose snapshot is older) writes: 40001, as in
/// PostgreSQL REPEATABLE READ ("could not serialize access due to concurrent update").
#[tokio::test]
async fn updating_a_row_changed_after_the_snapshot_gets_40001() {
    let (_db, mut first, mut second) = setup().await;
    exec(&mut second, "BEGIN").await;
    assert_eq!(
        int(&mut second, "SELECT balance FROM acct WHERE id = 1").await,
        100
    );
    exec(&mut first, "UPDATE acct SET balance = 50 WHERE id = 1").await; // autocommit
    let e = second
        .execute("UPDATE acct SET balance = balance - 1 WHERE id = 1", &[])
        .await
        .unwrap_err();
    assert_eq!(e.sqlstate(), "40001", "{e}");
    assert!(e.to_string().contains("could not serialize access"), "{e}");
    exec(&mut second, "ROLLBACK").await;
    assert_eq!(
        int(&mut second, "SELECT balance FROM acct WHERE id = 1").await,
        50
    );
}

#[tokio::test]
async fn deleting_a_row_changed_after_the_snapshot_gets_40001() {
    let (_db, mut first, mut second) = setup().await;
    exec(&mut second, "BEGIN").await;
    assert_eq!(int(&mut second, "SELECT count(*) FROM acct").await, 2);
    exec(&mut first, "UPDATE acct SET balance = 0 WHERE id = 2").await;
    let e = second
        .execute("DELETE FROM acct WHERE id = 2", &[])
        .await
        .unwrap_err();
    assert_eq!(e.sqlstate(), "40001", "{e}");
    exec(&mut second, "ROLLBACK").await;
    // and update after a concurrent delete
    exec(&mut second, "BEGIN").await;
    assert_eq!(int(&mut second, "SELECT count(*) FROM acct").await, 2);
    exec(&mut first, "DELETE FROM acct WHERE id = 2").await;
    let e = second
        .execute("UPDATE acct SET balance = 1 WHERE id = 2", &[])
        .await
        .unwrap_err();
    assert_eq!(e.sqlstate(), "40001", "{e}");
    exec(&mut second, "ROLLBACK").await;
    assert_eq!(ints(&mut second, "SELECT id FROM acct").await, vec![1]);
}

#[tokio::test]
async fn rolled_back_and_dropped_writers_release_their_rows() {
    let (db, mut a, mut b) = setup().await;
    exec(&mut a, "BEGIN").await;
    exec(&mut a, "UPDATE acct SET balance = 0 WHERE id = 1").await;
    exec(&mut a, "ROLLBACK").await;
    exec(&mut b, "UPDATE acct SET balance = 1 WHERE id = 1").await;

    let mut c = db.connect();
    exec(&mut c, "BEGIN").await;
    exec(&mut c, "UPDATE acct SET balance = 2 WHERE id = 1").await;
    drop(c); // an open transaction is rolled back when its session goes away
    exec(
        &mut b,
        "UPDATE acct SET balance = balance + 10 WHERE id = 1",
    )
    .await;
    assert_eq!(
        int(&mut a, "SELECT balance FROM acct WHERE id = 1").await,
        11
    );
}

#[tokio::test]
async fn concurrent_inserts_of_one_key_leave_one_row() {
    let (_db, mut a, mut b) = setup().await;
    exec(&mut a, "BEGIN").await;
    exec(&mut a, "INSERT INTO acct VALUES (5, 1)").await;
    exec(&mut b, "BEGIN").await;
    // PostgreSQL would wait for `a` and then raise 23505; tether may answer at once with 23505
    // or 40001, or refuse at commit
    let inserted = b.execute("INSERT INTO acct VALUES (5, 2)", &[]).await;
    exec(&mut a, "COMMIT").await;
    match inserted {
        Err(e) => {
            assert!(["23505", "40001"].contains(&e.sqlstate()), "{e}");
            exec(&mut b, "ROLLBACK").await;
        }
        Ok(_) => {
            let e = b
                .execute("COMMIT", &[])
                .await
                .expect_err("two rows with key 5 must not both commit");
            assert!(["23505", "40001"].contains(&e.sqlstate()), "{e}");
        }
    }
    assert_eq!(
        ints(&mut b, "SELECT balance FROM acct WHERE id = 5").await,
        vec![1]
    );
}

/// Lost update: two transactions read the same balance and write back read + amount. Under
/// snapshot isolation the second write is refused (40001); retrying it gives the right total.
#[tokio::test]
async fn lost_update_is_prevented() {
    let (_db, mut a, mut b) = setup().await;
    exec(&mut a, "BEGIN").await;
    exec(&mut b, "BEGIN").await;
    let read_a = int(&mut a, "SELECT balance FROM acct WHERE id = 1").await;
    let read_b = int(&mut b, "SELECT balance FROM acct WHERE id = 1").await;
    a.execute(
        "UPDATE acct SET balance = $1 WHERE id = 1",
        &[Value::from(read_a + 10)],
    )
    .await
    .unwrap();
    exec(&mut a, "COMMIT").await;
    let refused = match b
        .execute(
            "UPDATE acct SET balance = $1 WHERE id = 1",
            &[Value::from(read_b + 20)],
        )
        .await
    {
        Err(e) => e,
        Ok(_) => b
            .execute("COMMIT", &[])
            .await
            .expect_err("lost update: b overwrote a's committed change"),
    };
    assert_eq!(refused.sqlstate(), "40001", "{refused}");
    if b.transaction_status() != TransactionStatus::Idle {
        exec(&mut b, "ROLLBACK").await;
    }
    // retry
    exec(&mut b, "BEGIN").await;
    let read_b = int(&mut b, "SELECT balance FROM acct WHERE id = 1").await;
    b.execute(
        "UPDATE acct SET balance = $1 WHERE id = 1",
        &[Value::from(read_b + 20)],
    )
    .await
    .unwrap();
    exec(&mut b, "COMMIT").await;
    assert_eq!(
        int(&mut a, "SELECT balance FROM acct WHERE id = 1").await,
        130
    );
}

/// Write skew IS allowed: this is snapshot isolation, exactly PostgreSQL's REPEATABLE READ
/// (only SERIALIZABLE/SSI would refuse it). Two doctors are on call; each transaction checks that
/// at least two are on call and takes a *different* doctor off call. The write sets do not
/// overlap, so both commit, and nobody is on call any more.
#[tokio::test]
async fn write_skew_is_allowed_under_snapshot_isolation() {
    let db = Database::open_in_memory();
    let mut a = db.connect();
    let mut b = db.connect();
    exec(
        &mut a,
        "CREATE TABLE doctors (id INT PRIMARY KEY, on_call BOOLEAN NOT NULL)",
    )
    .await;
    exec(&mut a, "INSERT INTO doctors VALUES (1, true), (2, true)").await;
    exec(&mut a, "BEGIN").await;
    exec(&mut b, "BEGIN").await;
    assert_eq!(
        int(&mut a, "SELECT count(*) FROM doctors WHERE on_call").await,
        2
    );
    assert_eq!(
        int(&mut b, "SELECT count(*) FROM doctors WHERE on_call").await,
        2
    );
    exec(&mut a, "UPDATE doctors SET on_call = false WHERE id = 1").await;
    exec(&mut b, "UPDATE doctors SET on_call = false WHERE id = 2").await;
    exec(&mut a, "COMMIT").await;
    exec(&mut b, "COMMIT").await;
    assert_eq!(
        int(&mut a, "SELECT count(*) FROM doctors WHERE on_call").await,
        0,
        "SI permits write skew"
    );
}

/// A database whose `counter (id, v)` table holds the row `(1, 0)`.
fn counter_database() -> Database {
    let db = Database::open_in_memory();
    runtime().block_on(async {
        let mut s = db.connect();
        exec(
            &mut s,
            "CREATE TABLE counter (id INT PRIMARY KEY, v BIGINT NOT NULL)",
        )
        .await;
        exec(&mut s, "INSERT INTO counter VALUES (1, 0)").await;
    });
    db
}

/// Runs `work(session, index)` on `threads` threads, each with its own session and runtime, and
/// returns what each returned, in thread order.
fn on_threads<T, F, Fut>(db: &Database, threads: usize, work: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(Session, usize) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = T>,
{
    let handles: Vec<_> = (0..threads)
        .map(|index| {
            let db = db.clone();
            let work = work.clone();
            thread::spawn(move || runtime().block_on(work(db.connect(), index)))
        })
        .collect();
    handles
        .into_iter()
        .map(|h| h.join().expect("worker panicked"))
        .collect()
}

/// N threads, each with its own session and runtime, increment one counter with read-then-write
/// transactions, retrying on 40001. The final value equals the number of successful commits.
#[test]
fn many_threads_increment_a_counter_with_retries() {
    const THREADS: usize = 8;
    const INCREMENTS: usize = 25;
    let db = counter_database();
    let results = on_threads(&db, THREADS, |mut s, _| async move {
        let (mut commits, mut retries) = (0u64, 0u64);
        while commits < INCREMENTS as u64 {
            let attempt: Result<(), Error> = async {
                s.execute("BEGIN", &[]).await?;
                let rows = s.query("SELECT v FROM counter WHERE id = 1", &[]).await?;
                let v: i64 = rows[0].get(0)?;
                s.execute(
                    "UPDATE counter SET v = $1 WHERE id = 1",
                    &[Value::from(v + 1)],
                )
                .await?;
                s.execute("COMMIT", &[]).await?;
                Ok(())
            }
            .await;
            match attempt {
                Ok(()) => commits += 1,
                Err(e) if e.sqlstate() == "40001" => {
                    retries += 1;
                    if s.transaction_status() != TransactionStatus::Idle {
                        s.execute("ROLLBACK", &[]).await.unwrap();
                    }
                    thread::yield_now();
                }
                Err(e) => panic!("unexpected error {}: {e}", e.sqlstate()),
            }
            assert!(retries < 100_000, "livelock");
        }
        (commits, retries)
    });
    let commits: u64 = results.iter().map(|(commits, _)| commits).sum();
    let final_value = runtime().block_on(async {
        let mut s = db.connect();
        int(&mut s, "SELECT v FROM counter WHERE id = 1").await
    });
    assert_eq!(commits, (THREADS * INCREMENTS) as u64);
    assert_eq!(
        final_value as u64, commits,
        "every successful commit is counted exactly once"
    );
}

/// The same with autocommit `UPDATE ... SET v = v + 1`, retrying on 40001 if the engine reports it.
#[test]
fn many_threads_autocommit_increments() {
    const THREADS: usize = 8;
    const INCREMENTS: usize = 50;
    let db = counter_database();
    on_threads(&db, THREADS, |mut s, _| async move {
        let mut done = 0;
        while done < INCREMENTS {
            match s
                .execute("UPDATE counter SET v = v + 1 WHERE id = 1", &[])
                .await
            {
                Ok(r) => {
                    assert_eq!(r.rows_affected(), 1);
                    done += 1;
                }
                Err(e) if e.sqlstate() == "40001" => thread::yield_now(),
                Err(e) => panic!("unexpected error {}: {e}", e.sqlstate()),
            }
        }
    });
    let v = runtime().block_on(async { int(&mut db.connect(), "SELECT v FROM counter").await });
    assert_eq!(v as usize, THREADS * INCREMENTS);
}

/// Concurrent inserts of distinct keys from many threads all land.
#[test]
fn many_threads_insert_distinct_rows() {
    const THREADS: i64 = 8;
    const ROWS: i64 = 100;
    let db = Database::open_in_memory();
    runtime().block_on(async {
        exec(
            &mut db.connect(),
            "CREATE TABLE items (id BIGINT PRIMARY KEY, owner BIGINT)",
        )
        .await;
        exec(
            &mut db.connect(),
            "CREATE INDEX items_owner ON items (owner)",
        )
        .await;
    });
    on_threads(&db, THREADS as usize, |mut s, t| async move {
        let t = t as i64;
        for i in 0..ROWS {
            s.execute(
                "INSERT INTO items VALUES ($1, $2)",
                &[Value::from(t * ROWS + i), Value::from(t)],
            )
            .await
            .unwrap();
        }
    });
    runtime().block_on(async {
        let mut s = db.connect();
        assert_eq!(
            int(&mut s, "SELECT count(*) FROM items").await,
            THREADS * ROWS
        );
        assert_eq!(
            int(&mut s, "SELECT count(DISTINCT id) FROM items").await,
            THREADS * ROWS
        );
        for t in 0..THREADS {
            let n = s
                .query(
                    "SELECT count(*) FROM items WHERE owner = $1",
                    &[Value::from(t)],
                )
                .await
                .unwrap();
            assert_eq!(n[0].get::<i64>(0).unwrap(), ROWS);
        }
    });
}

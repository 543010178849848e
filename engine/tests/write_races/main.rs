//! Property tests of write races: several tether replicas writing back to one origin table
//! through realtime views, racing each other and direct writers at the origin.
//!
//! A [`Scenario`] sets up one origin table `t(id INT PRIMARY KEY, v INT, ver BIGINT)` (with
//! `CHECK (v <> 7)`, which only the origin enforces, so some writes are rejected) and 2–3
//! replicas whose view `t` mirrors it under `local_first` or `origin_first`, checking versions
//! by the origin's `xmin` or by the version column `ver`. Its [`Step`]s interleave local writes
//! (single- and multi-row statements, autocommit or in explicit transactions on two sessions
//! per replica), direct origin transactions, pauses, resumes, origin outages, echoes held back
//! from a replica while its write-back goes on and the other way round (a slow link), flushes
//! and short waits. Steps print as one line each, so a failure shrinks to something readable.
//!
//! After resuming everything and flushing every replica until the origin is stable, the
//! checks compare `tether.write_attempts`, the origin's change feed (followed from before the
//! first row), the origin table and every view:
//!
//! 1. every write attempt is terminal (no `pending`);
//! 2. every applied update/delete checked the version the row had just before the origin
//!    transaction that applied it (a later write to the row in the same transaction records
//!    the base of the write before it); a base that differs from the version the statement
//!    read was rebased only across this replica's own applied writes, or from a version its
//!    own transaction passed through (no lost updates);
//! 3. every origin transaction is a direct writer's or exactly one local transaction's applied
//!    attempts, and every applied local transaction is exactly one origin transaction (nothing
//!    lost, nothing applied twice);
//! 4. replaying direct writes and applied attempts in origin commit order reproduces each
//!    origin transaction's changes, the recorded `new_version`s and the final origin table;
//! 5. every view equals the origin table, with `__version` = the origin's version and
//!    `__staged` false;
//! 6. the attempts of one local transaction are all applied or none (invariant 3);
//! 7. one replica's local transactions touching a key reach the origin in local commit order;
//! 8. with a single `local_first` writer and no other writer, every committed transaction
//!    the origin does not reject applies (our own successive writes never conflict,
//!    invariant 4);
//! 9. more generally, no update or delete conflicts when, after the version it read, only its
//!    own replica wrote the row (and never deleted it, nor did its own transaction);
//!
//! plus bookkeeping: the attempts of a committed local transaction are exactly those its
//! statements created (`RETURNING` tells which rows, and what version each read), and a
//! rolled-back transaction left none.
//!
//! Direct writers and `xmin` replicas bump `ver` like tether does for version-column views, so
//! version-column replicas can see their writes. `PROPTEST_CASES` scales the case count (default
//! [`DEFAULT_CASES`]); failing cases are not persisted (shrinking prints the minimal one, with
//! a log of the run; `WRITE_RACES_TRACE=1` adds every view's rows after each step).
//!
//! The parts: `scenario.rs` (what a case is and how proptest draws it), `lagging_origin.rs`
//! (the slow link), this file (running a case), `checks.rs` (the invariants) and
//! `regressions.rs`.
//!
//! Deterministic tests pin down single behaviours: the FlashQL self-conflict defect
//! (two offline updates of one row under `local_first` must both apply) and reproductions of
//! engine bugs the property test found (marked `BUG REPRODUCTION`, each with the commit that
//! fixed it). They describe the behaviour as it was when found.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};
use tether_engine::sync::{
    BatchOutcome, BoxFuture, ChangeStream, OriginError, OriginSnapshot, OriginTable,
    OriginTableName, OriginWrite, Position, StreamEvent,
};
use tether_engine::{
    ChangeFollower, CommittedChanges, Database, Origin, QueryResult, Session, TetherOrigin,
    TransactionStatus, Value,
};
use tokio::sync::Notify;

mod checks;
mod lagging_origin;
mod scenario;

use checks::*;
use lagging_origin::*;
use scenario::*;

/// The origin's registered name on every replica.
const ORIGIN: &str = "tether:o";
/// Keys are drawn from `1..=KEYS`; rows 1..=3 exist at the start.
const KEYS: i32 = 4;
/// Set this environment variable to log every view's rows and state after each step.
const TRACE: &str = "WRITE_RACES_TRACE";
/// Cases run when `PROPTEST_CASES` is not set.
const DEFAULT_CASES: u32 = 64;
/// How long the final flushes may take before the scenario fails as stuck.
const FINAL_FLUSH: Duration = Duration::from_secs(10);
/// How long one flush of the final rounds may take.
const ROUND_FLUSH: Duration = Duration::from_secs(5);

// ---------------------------------------------------------------------------------------------
// Running a scenario
// ---------------------------------------------------------------------------------------------

/// SQL of a write through a view.
fn view_sql(config: ReplicaConfig, write: &Write) -> String {
    // xmin views bump `ver` themselves, so version-column views see their writes.
    let bump = match config.version {
        VersionKey::Xmin => ", ver = ver + 1",
        VersionKey::Ver => "",
    };
    match write {
        Write::Update { id, v } => {
            format!("UPDATE t SET v = {v}{bump} WHERE id = {id} RETURNING id, __version")
        }
        Write::AddRange { lo, hi, by } => format!(
            "UPDATE t SET v = v + {by}{bump} WHERE id BETWEEN {lo} AND {hi} RETURNING id, __version"
        ),
        Write::Delete { id } => format!("DELETE FROM t WHERE id = {id} RETURNING id, __version"),
        Write::Insert { id, v } => match config.version {
            VersionKey::Xmin => {
                format!("INSERT INTO t (id, v, ver) VALUES ({id}, {v}, 1) RETURNING id, __version")
            }
            VersionKey::Ver => {
                format!("INSERT INTO t (id, v) VALUES ({id}, {v}) RETURNING id, __version")
            }
        },
    }
}

/// SQL of a direct write at the origin (it bumps `ver` like tether does).
fn direct_sql(write: &Write) -> String {
    match write {
        Write::Update { id, v } => format!("UPDATE t SET v = {v}, ver = ver + 1 WHERE id = {id}"),
        Write::AddRange { lo, hi, by } => {
            format!("UPDATE t SET v = v + {by}, ver = ver + 1 WHERE id BETWEEN {lo} AND {hi}")
        }
        Write::Delete { id } => format!("DELETE FROM t WHERE id = {id}"),
        Write::Insert { id, v } => {
            format!("INSERT INTO t VALUES ({id}, {v}, 1) ON CONFLICT (id) DO NOTHING")
        }
    }
}

fn view_ddl(config: ReplicaConfig) -> String {
    let policy = match config.policy {
        Policy::LocalFirst => "local_first",
        Policy::OriginFirst => "origin_first",
    };
    let key = match config.version {
        VersionKey::Xmin => "",
        VersionKey::Ver => ", upstream_mvcc_key = 'ver'",
    };
    format!(
        "CREATE REALTIME VIEW t AS SELECT * FROM t \
         WITH (replication_origin = '{ORIGIN}', write_policy = '{policy}'{key})"
    )
}

/// What a statement through a view created: the attempt, its key and the version it read.
#[derive(Debug, Clone)]
struct Intent {
    id: i64,
    key: i32,
    read_base: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Open,
    /// Committed at this step (autocommit statements commit at their own step).
    Committed(usize),
    RolledBack,
}

/// One local transaction as the driver saw it.
#[derive(Debug)]
struct LocalTxn {
    replica: usize,
    local_txn: Option<i64>,
    intents: Vec<Intent>,
    outcome: Outcome,
}

struct Replica {
    db: Database,
    /// The replica's way to the origin (its echoes can be held).
    link: LaggingOrigin,
    config: ReplicaConfig,
    sessions: Vec<Session>,
    /// The open explicit transaction of each session (index into `World::txns`).
    open: Vec<Option<usize>>,
}

struct World {
    origin_db: Database,
    origin: TetherOrigin,
    /// Which replicas are paused.
    paused: Vec<bool>,
    follower: ChangeFollower,
    replicas: Vec<Replica>,
    txns: Vec<LocalTxn>,
    log: Vec<String>,
    online: bool,
}

type Fallible<T> = Result<T, String>;

fn sql_err(context: &str, e: impl fmt::Display) -> String {
    format!("{context}: {e}")
}

impl World {
    async fn new(configs: &[ReplicaConfig]) -> Fallible<World> {
        let origin_db = Database::open_in_memory();
        let mut setup = origin_db.connect();
        setup
            .execute_batch(
                "CREATE TABLE t (id INT PRIMARY KEY, v INT CHECK (v <> 7), ver BIGINT);
                 CREATE TABLE direct_marker (id INT PRIMARY KEY, n INT);",
            )
            .await
            .map_err(|e| sql_err("origin setup", e))?;
        // Followed from before the first row: the feed is the origin's whole history.
        let follower = origin_db.follow_changes();
        setup
            .execute_batch(
                "BEGIN;
                 INSERT INTO direct_marker VALUES (1, 0);
                 INSERT INTO t VALUES (1, 10, 1), (2, 20, 1), (3, 30, 1);
                 COMMIT;",
            )
            .await
            .map_err(|e| sql_err("origin rows", e))?;
        let origin = TetherOrigin::new(origin_db.clone());
        let mut replicas = Vec::new();
        for (index, &config) in configs.iter().enumerate() {
            let db = Database::open_in_memory();
            // The first replica sends one batch at a time, the others pipeline.
            let in_flight = if index == 0 { 1 } else { 4 };
            let link = LaggingOrigin::new(origin.clone(), in_flight);
            db.register_origin(ORIGIN, Arc::new(link.clone()))
                .map_err(|e| sql_err("register_origin", e))?;
            let mut session = db.connect();
            session
                .execute(&view_ddl(config), &[])
                .await
                .map_err(|e| sql_err("CREATE REALTIME VIEW", e))?;
            let other = db.connect();
            replicas.push(Replica {
                db,
                link,
                config,
                sessions: vec![session, other],
                open: vec![None, None],
            });
        }
        Ok(World {
            origin_db,
            origin,
            paused: vec![false; replicas.len()],
            follower,
            replicas,
            txns: Vec::new(),
            log: Vec::new(),
            online: true,
        })
    }

    async fn run(&mut self, scenario: &Scenario) -> Fallible<()> {
        for (index, step) in scenario.steps.iter().enumerate() {
            let note = self.step(index, step).await?;
            self.log.push(format!("{index:>2}. {step:?} -> {note}"));
            if std::env::var_os(TRACE).is_some() {
                for (r, replica) in self.replicas.iter().enumerate() {
                    let rows = query(
                        &replica.db,
                        "SELECT id, v, __version, __staged FROM t ORDER BY id",
                    )
                    .await?;
                    let views = query(
                        &replica.db,
                        "SELECT state, position, pending_writes, staged_rows FROM tether.views",
                    )
                    .await?;
                    self.log.push(format!("      r{r}: {rows:?} {views:?}"));
                }
            }
        }
        self.settle().await
    }

    async fn step(&mut self, index: usize, step: &Step) -> Fallible<String> {
        Ok(match step {
            Step::Write { r, s, write } => self.write(index, *r, *s, write).await?,
            Step::Edits { r, id, values } => {
                let mut notes = Vec::new();
                for &v in values {
                    let edit = Write::Update { id: *id, v };
                    notes.push(self.write(index, *r, 0, &edit).await?);
                    notes.push(self.write_back(*r).await?);
                }
                notes.join("; ")
            }
            Step::Begin { r, s } => {
                if self.replicas[*r].open[*s].is_some() {
                    return Ok("already in a transaction".into());
                }
                let replica = &mut self.replicas[*r];
                replica.sessions[*s]
                    .execute("BEGIN", &[])
                    .await
                    .map_err(|e| sql_err("BEGIN", e))?;
                self.txns.push(LocalTxn {
                    replica: *r,
                    local_txn: None,
                    intents: Vec::new(),
                    outcome: Outcome::Open,
                });
                replica.open[*s] = Some(self.txns.len() - 1);
                "ok".into()
            }
            Step::Commit { r, s } => self.end(index, *r, *s, true).await,
            Step::Rollback { r, s } => self.end(index, *r, *s, false).await,
            Step::Direct(writes) => self.direct(writes).await,
            Step::Pause(r) => {
                self.paused[*r] = true;
                self.replicas[*r]
                    .db
                    .pause(Some("t"))
                    .map_err(|e| sql_err("pause", e))?;
                "ok".into()
            }
            Step::Resume(r) => {
                self.paused[*r] = false;
                self.replicas[*r]
                    .db
                    .resume(Some("t"))
                    .map_err(|e| sql_err("resume", e))?;
                "ok".into()
            }
            Step::OriginOffline => {
                self.origin.set_online(false);
                self.online = false;
                "ok".into()
            }
            Step::OriginOnline => {
                self.origin.set_online(true);
                self.online = true;
                "ok".into()
            }
            Step::HoldEchoes(r) => {
                self.replicas[*r].link.hold_echoes(true);
                "ok".into()
            }
            Step::ReleaseEchoes(r) => {
                self.replicas[*r].link.hold_echoes(false);
                "ok".into()
            }
            Step::HoldWriteBack(r) => {
                self.replicas[*r].link.hold_write_back(true);
                "ok".into()
            }
            Step::ReleaseWriteBack(r) => {
                self.replicas[*r].link.hold_write_back(false);
                "ok".into()
            }
            Step::Flush(r) => {
                if !self.online {
                    return Ok("skipped (origin offline)".into());
                }
                if self.replicas[*r].link.holds_echoes() {
                    return Ok("skipped (echoes held)".into());
                }
                match self.replicas[*r].db.flush(Duration::from_secs(1)).await {
                    Ok(()) => "ok".into(),
                    Err(e) => format!("{e}"),
                }
            }
            Step::WriteBack(r) => self.write_back(*r).await?,
            Step::Wait(ms) => {
                tokio::time::sleep(Duration::from_millis(*ms)).await;
                "ok".into()
            }
        })
    }

    /// Waits (up to a second) until replica `r` has no pending attempt, if it can send any.
    async fn write_back(&self, r: usize) -> Fallible<String> {
        if !self.online
            || self.paused[r]
            || self.replicas[r].link.sends_held.load(Ordering::Acquire)
        {
            return Ok("skipped (nothing is sent)".into());
        }
        let deadline = Instant::now() + Duration::from_secs(1);
        loop {
            let pending = count(
                &self.replicas[r].db,
                "SELECT count(*) FROM tether.write_attempts WHERE status = 'pending'",
            )
            .await?;
            if pending == 0 {
                return Ok("sent".into());
            }
            if Instant::now() > deadline {
                return Ok(format!("{pending} still pending"));
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }

    /// Runs a write through a view and records which attempts it created.
    async fn write(&mut self, step: usize, r: usize, s: usize, write: &Write) -> Fallible<String> {
        let sql = view_sql(self.replicas[r].config, write);
        let open = self.replicas[r].open[s];
        let session = &mut self.replicas[r].sessions[s];
        let rows = match session.query(&sql, &[]).await {
            Ok(rows) => rows,
            Err(e) => {
                // Legitimate local failures (23505, 40001, 25P02): the transaction is doomed.
                bump(&COVERAGE.local_errors, 1);
                return Ok(format!("error {}: {e}", e.sqlstate()));
            }
        };
        let returned: Vec<(i32, Option<String>)> = rows
            .into_iter()
            .map(|row| {
                let values = row.into_values();
                (int(&values[0]) as i32, opt_text(&values[1]))
            })
            .collect();
        let mut intents = Vec::new();
        let mut local_txn = None;
        if !returned.is_empty() {
            // Attempt ids are allocated in statement order and nothing else allocates them
            // while this statement runs: the newest ones this session sees are its own.
            let created = session
                .query(
                    &format!(
                        "SELECT id, local_txn, (row_key->>'id')::int FROM tether.write_attempts \
                         ORDER BY id DESC LIMIT {}",
                        returned.len()
                    ),
                    &[],
                )
                .await
                .map_err(|e| sql_err("reading the new attempts", e))?;
            for row in created {
                let values = row.into_values();
                let key = int(&values[2]) as i32;
                let txn = int(&values[1]);
                if local_txn.is_some_and(|t| t != txn) {
                    return Err(format!(
                        "one statement's attempts carry different local_txn values: {local_txn:?} and {txn}"
                    ));
                }
                local_txn = Some(txn);
                let Some((_, read_base)) = returned.iter().find(|(k, _)| *k == key) else {
                    return Err(format!(
                        "statement {sql:?} returned keys {returned:?} but its newest attempt is for key {key}"
                    ));
                };
                intents.push(Intent {
                    id: int(&values[0]),
                    key,
                    read_base: read_base.clone(),
                });
            }
            intents.sort_by_key(|i| i.id);
        }
        let note = format!(
            "{} row(s), attempts {:?}",
            returned.len(),
            intents
                .iter()
                .map(|i| format!("#{} key {} read {:?}", i.id, i.key, i.read_base))
                .collect::<Vec<_>>()
        );
        let index = match open {
            Some(index) => index,
            None => {
                self.txns.push(LocalTxn {
                    replica: r,
                    local_txn: None,
                    intents: Vec::new(),
                    outcome: Outcome::Committed(step),
                });
                self.txns.len() - 1
            }
        };
        let txn = &mut self.txns[index];
        if let Some(id) = local_txn {
            if txn.local_txn.is_some_and(|t| t != id) {
                return Err(format!(
                    "statements of one transaction recorded local_txn {:?} and {id}",
                    txn.local_txn
                ));
            }
            txn.local_txn = Some(id);
        }
        txn.intents.extend(intents);
        Ok(note)
    }

    /// COMMIT (or ROLLBACK) of session `s`'s open transaction.
    async fn end(&mut self, step: usize, r: usize, s: usize, commit: bool) -> String {
        let Some(index) = self.replicas[r].open[s].take() else {
            return "no transaction".into();
        };
        let session = &mut self.replicas[r].sessions[s];
        let failed = session.transaction_status() == TransactionStatus::Failed;
        let result = session
            .execute(if commit { "COMMIT" } else { "ROLLBACK" }, &[])
            .await;
        let committed = commit && !failed && result.is_ok();
        self.txns[index].outcome = if committed {
            Outcome::Committed(step)
        } else {
            Outcome::RolledBack
        };
        match result {
            Ok(_) if committed => "committed".into(),
            Ok(_) => "rolled back".into(),
            Err(e) => format!("rolled back: {e}"),
        }
    }

    /// One direct origin transaction; it touches `direct_marker`, which identifies it in the
    /// change feed.
    async fn direct(&mut self, writes: &[Write]) -> String {
        let mut session = self.origin_db.connect();
        let mut sql = vec![
            "BEGIN".to_string(),
            "UPDATE direct_marker SET n = n + 1 WHERE id = 1".to_string(),
        ];
        sql.extend(writes.iter().map(direct_sql));
        for statement in &sql {
            if let Err(e) = session.execute(statement, &[]).await {
                let _ = session.execute("ROLLBACK", &[]).await;
                return format!("rolled back: {e}");
            }
        }
        match session.execute("COMMIT", &[]).await {
            Ok(_) => {
                bump(&COVERAGE.direct_transactions, 1);
                "committed".into()
            }
            Err(e) => format!("commit failed: {e}"),
        }
    }

    /// Ends open transactions (COMMIT), brings everything back online and flushes every
    /// replica until a whole round leaves the origin unchanged and no attempt pending.
    async fn settle(&mut self) -> Fallible<()> {
        let end = usize::MAX;
        for r in 0..self.replicas.len() {
            for s in 0..2 {
                if self.replicas[r].open[s].is_some() {
                    let note = self.end(end, r, s, true).await;
                    self.log.push(format!("end. r{r}/s{s}: COMMIT -> {note}"));
                }
            }
        }
        self.origin.set_online(true);
        self.online = true;
        for replica in &self.replicas {
            replica.link.hold_echoes(false);
            replica.link.hold_write_back(false);
            replica.db.resume(None).map_err(|e| sql_err("resume", e))?;
        }
        let deadline = Instant::now() + FINAL_FLUSH;
        for round in 0.. {
            let before = self.origin_db.follow_changes().position();
            for (r, replica) in self.replicas.iter().enumerate() {
                let left = deadline.saturating_duration_since(Instant::now());
                if let Err(e) = replica.db.flush(left.min(ROUND_FLUSH)).await {
                    return Err(format!("final flush of r{r} (round {round}): {e}"));
                }
            }
            let after = self.origin_db.follow_changes().position();
            let mut pending = 0;
            for replica in &self.replicas {
                pending += count(
                    &replica.db,
                    "SELECT count(*) FROM tether.write_attempts WHERE status = 'pending'",
                )
                .await?;
            }
            if before == after && pending == 0 {
                break;
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "the replicas never became stable: origin {before} -> {after}, {pending} pending"
                ));
            }
        }
        Ok(())
    }

    /// Everything the checks look at.
    async fn observe(&mut self) -> Fallible<Observed> {
        let mut attempts = Vec::new();
        let mut views = Vec::new();
        for (r, replica) in self.replicas.iter().enumerate() {
            let rows = query(
                &replica.db,
                "SELECT id, local_txn, op, (row_key->>'id')::int, base_version, new_version, \
                 status, conflict, (written_row->>'v')::int, (written_row->>'ver')::bigint, \
                 last_error FROM tether.write_attempts ORDER BY id",
            )
            .await?;
            attempts.push(
                rows.into_iter()
                    .map(|v| AttemptRow {
                        replica: r,
                        id: int(&v[0]),
                        local_txn: int(&v[1]),
                        op: opt_text(&v[2]).unwrap_or_default(),
                        key: int(&v[3]) as i32,
                        base: opt_text(&v[4]),
                        new_version: opt_text(&v[5]),
                        status: opt_text(&v[6]).unwrap_or_default(),
                        conflict: opt_text(&v[7]),
                        written_v: opt_int(&v[8]),
                        written_ver: opt_int(&v[9]),
                        last_error: opt_text(&v[10]),
                    })
                    .collect(),
            );
            let rows = query(
                &replica.db,
                "SELECT id, v, ver, __version, __staged FROM t ORDER BY id",
            )
            .await?;
            views.push(
                rows.into_iter()
                    .map(|v| ViewRow {
                        id: int(&v[0]) as i32,
                        v: opt_int(&v[1]),
                        ver: opt_int(&v[2]),
                        version: opt_text(&v[3]),
                        staged: v[4] != Value::Bool(false),
                    })
                    .collect(),
            );
        }
        let origin_rows = query(
            &self.origin_db,
            "SELECT id, v, ver, xmin::text FROM t ORDER BY id",
        )
        .await?
        .into_iter()
        .map(|v| {
            (
                int(&v[0]) as i32,
                ModelRow {
                    v: opt_int(&v[1]),
                    ver: opt_int(&v[2]),
                    xmin: opt_text(&v[3]).and_then(|x| x.parse().ok()).unwrap_or(0),
                },
            )
        })
        .collect();
        let mut commits = Vec::new();
        loop {
            let batch = self.follower.poll(1024);
            if batch.is_empty() {
                break;
            }
            commits.extend(batch);
        }
        Ok(Observed {
            configs: self.replicas.iter().map(|r| r.config).collect(),
            attempts,
            views,
            origin_rows,
            commits,
        })
    }
}

async fn query(db: &Database, sql: &str) -> Fallible<Vec<Vec<Value>>> {
    Ok(db
        .connect()
        .query(sql, &[])
        .await
        .map_err(|e| sql_err(sql, e))?
        .into_iter()
        .map(|r| r.into_values())
        .collect())
}

async fn count(db: &Database, sql: &str) -> Fallible<i64> {
    Ok(query(db, sql)
        .await?
        .first()
        .and_then(|r| r.first())
        .map_or(0, int))
}

fn opt_int(value: &Value) -> Option<i64> {
    match value {
        Value::Int16(n) => Some(i64::from(*n)),
        Value::Int32(n) => Some(i64::from(*n)),
        Value::Int64(n) => Some(*n),
        Value::Text(t) => t.parse().ok(),
        _ => None,
    }
}

fn int(value: &Value) -> i64 {
    opt_int(value).unwrap_or(i64::MIN)
}

fn opt_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::Text(t) => Some(t.to_string()),
        other => Some(other.to_string()),
    }
}

/// Runs one scenario on a fresh runtime; `Err` describes every violation with the run's log.
fn run_scenario(scenario: &Scenario) -> Fallible<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("runtime: {e}"))?;
    runtime.block_on(async {
        let mut world = World::new(&scenario.replicas).await?;
        let outcome = world.run(scenario).await;
        let observed = world.observe().await?;
        let mut violations = match outcome {
            Ok(()) => Vec::new(),
            Err(e) => vec![e],
        };
        violations.extend(check(scenario, &world.txns, &observed));
        if violations.is_empty() {
            count_coverage(&world.txns, &observed);
            return Ok(());
        }
        let attempts: Vec<String> = observed
            .attempts
            .iter()
            .flatten()
            .map(|a| a.to_string())
            .collect();
        Err(format!(
            "{}\n--- run ---\n{}\n--- attempts ---\n{}",
            violations.join("\n"),
            world.log.join("\n"),
            attempts.join("\n")
        ))
    })
}

fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(DEFAULT_CASES);
    Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 400,
        // Failing cases may each wait out a flush timeout; bound the search.
        max_shrink_time: 120_000,
        ..Config::default()
    }
}

#[test]
fn write_races_keep_the_invariants() {
    let mut runner = TestRunner::new(config());
    let result = runner.run(&scenario(), |scenario| {
        run_scenario(&scenario).map_err(TestCaseError::fail)
    });
    let c = &COVERAGE;
    let n = |counter: &AtomicUsize| counter.load(Ordering::Relaxed);
    eprintln!(
        "{} passing cases: attempts {} applied, {} conflicted, {} rejected; {} applied \
         multi-write transactions; {} applied attempts rebased; {} direct transactions; {} \
         local statements failed",
        n(&c.cases),
        n(&c.applied),
        n(&c.conflicted),
        n(&c.rejected),
        n(&c.multi_write_transactions),
        n(&c.rebased),
        n(&c.direct_transactions),
        n(&c.local_errors),
    );
    match result {
        Ok(()) => {}
        Err(TestError::Fail(reason, scenario)) => {
            panic!("minimal failing scenario:\n{scenario:?}\n{reason}")
        }
        Err(e) => panic!("{e}"),
    }
}

mod regressions;

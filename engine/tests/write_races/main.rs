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
//! Deterministic tests at the end pin down single behaviours: the FlashQL self-conflict defect
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
// Scenarios
// ---------------------------------------------------------------------------------------------

/// What the passing cases exercised, printed at the end (`--nocapture`) to show coverage.
struct Coverage {
    cases: AtomicUsize,
    applied: AtomicUsize,
    conflicted: AtomicUsize,
    rejected: AtomicUsize,
    multi_write_transactions: AtomicUsize,
    rebased: AtomicUsize,
    direct_transactions: AtomicUsize,
    local_errors: AtomicUsize,
}

static COVERAGE: Coverage = Coverage {
    cases: AtomicUsize::new(0),
    applied: AtomicUsize::new(0),
    conflicted: AtomicUsize::new(0),
    rejected: AtomicUsize::new(0),
    multi_write_transactions: AtomicUsize::new(0),
    rebased: AtomicUsize::new(0),
    direct_transactions: AtomicUsize::new(0),
    local_errors: AtomicUsize::new(0),
};

fn bump(counter: &AtomicUsize, by: usize) {
    counter.fetch_add(by, Ordering::Relaxed);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Policy {
    LocalFirst,
    OriginFirst,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum VersionKey {
    /// The origin's `xmin` (tether's default).
    Xmin,
    /// `upstream_mvcc_key = 'ver'`.
    Ver,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ReplicaConfig {
    policy: Policy,
    version: VersionKey,
}

/// One write statement (through a view) or one statement of a direct origin transaction.
#[derive(Clone, PartialEq, Eq)]
enum Write {
    Update {
        id: i32,
        v: i32,
    },
    /// A multi-row update: `v = v + by` for `id BETWEEN lo AND hi`.
    AddRange {
        lo: i32,
        hi: i32,
        by: i32,
    },
    Delete {
        id: i32,
    },
    Insert {
        id: i32,
        v: i32,
    },
}

impl fmt::Debug for Write {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Write::Update { id, v } => write!(f, "update id={id} set v={v}"),
            Write::AddRange { lo, hi, by } => write!(f, "update id in {lo}..={hi} set v+={by}"),
            Write::Delete { id } => write!(f, "delete id={id}"),
            Write::Insert { id, v } => write!(f, "insert id={id} v={v}"),
        }
    }
}

/// One step of a scenario. `r` is a replica, `s` one of its two sessions.
#[derive(Clone, PartialEq, Eq)]
enum Step {
    /// A write through replica `r`'s view, in session `s` (in its open transaction, if any).
    Write {
        r: usize,
        s: usize,
        write: Write,
    },
    /// A user editing one row several times in session 0 of replica `r`, waiting after each
    /// edit until it was sent (as [`Step::WriteBack`]); echoes may lag meanwhile.
    Edits {
        r: usize,
        id: i32,
        values: Vec<i32>,
    },
    Begin {
        r: usize,
        s: usize,
    },
    Commit {
        r: usize,
        s: usize,
    },
    Rollback {
        r: usize,
        s: usize,
    },
    /// One transaction of another client, straight at the origin.
    Direct(Vec<Write>),
    /// `pause(Some("t"))` on replica `r`.
    Pause(usize),
    Resume(usize),
    /// The origin becomes unreachable for every replica (direct writers still reach it).
    OriginOffline,
    OriginOnline,
    /// Replica `r`'s view stops receiving echoes (a slow replication link); write-back goes on.
    HoldEchoes(usize),
    ReleaseEchoes(usize),
    /// Replica `r`'s write-back finds the origin unreachable; its echoes go on.
    HoldWriteBack(usize),
    ReleaseWriteBack(usize),
    /// `flush` on replica `r` (skipped while the origin is offline or `r`'s echoes are held;
    /// may time out).
    Flush(usize),
    /// Wait (up to a second) until replica `r` has no pending write attempt: its write-back
    /// caught up, whatever its echoes do.
    WriteBack(usize),
    /// Sleep this many milliseconds (lets the background tasks run).
    Wait(u64),
}

impl fmt::Debug for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Write { r, s, write } => write!(f, "r{r}/s{s}: {write:?}"),
            Step::Edits { r, id, values } => write!(f, "r{r}/s0: edits of id={id}: v={values:?}"),
            Step::Begin { r, s } => write!(f, "r{r}/s{s}: BEGIN"),
            Step::Commit { r, s } => write!(f, "r{r}/s{s}: COMMIT"),
            Step::Rollback { r, s } => write!(f, "r{r}/s{s}: ROLLBACK"),
            Step::Direct(writes) => write!(f, "direct: {writes:?}"),
            Step::Pause(r) => write!(f, "r{r}: pause"),
            Step::Resume(r) => write!(f, "r{r}: resume"),
            Step::OriginOffline => write!(f, "origin offline"),
            Step::OriginOnline => write!(f, "origin online"),
            Step::HoldEchoes(r) => write!(f, "r{r}: hold echoes"),
            Step::ReleaseEchoes(r) => write!(f, "r{r}: release echoes"),
            Step::HoldWriteBack(r) => write!(f, "r{r}: hold write-back"),
            Step::ReleaseWriteBack(r) => write!(f, "r{r}: release write-back"),
            Step::Flush(r) => write!(f, "r{r}: flush"),
            Step::WriteBack(r) => write!(f, "r{r}: wait for write-back"),
            Step::Wait(ms) => write!(f, "wait {ms}ms"),
        }
    }
}

#[derive(Clone)]
struct Scenario {
    replicas: Vec<ReplicaConfig>,
    steps: Vec<Step>,
}

impl fmt::Debug for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Scenario {{")?;
        for (i, r) in self.replicas.iter().enumerate() {
            writeln!(f, "  r{i}: {:?} / {:?}", r.policy, r.version)?;
        }
        for (i, step) in self.steps.iter().enumerate() {
            writeln!(f, "  {i:>2}. {step:?}")?;
        }
        write!(f, "}}")
    }
}

impl Scenario {
    /// The only replica that writes, if it is `local_first` and nobody writes at the origin
    /// directly: then none of its committed writes may conflict (check 8).
    fn solo_local_first_writer(&self) -> Option<usize> {
        let mut writers = BTreeSet::new();
        for step in &self.steps {
            match step {
                Step::Direct(_) => return None,
                Step::Write { r, .. } | Step::Edits { r, .. } => {
                    writers.insert(*r);
                }
                _ => {}
            }
        }
        let mut writers = writers.into_iter();
        match (writers.next(), writers.next()) {
            (Some(r), None) if self.replicas[r].policy == Policy::LocalFirst => Some(r),
            _ => None,
        }
    }
}

fn replica_config() -> impl Strategy<Value = ReplicaConfig> {
    (
        prop_oneof![Just(Policy::LocalFirst), Just(Policy::OriginFirst)],
        prop_oneof![2 => Just(VersionKey::Xmin), 0 => Just(VersionKey::Ver)],
    )
        .prop_map(|(policy, version)| ReplicaConfig { policy, version })
}

fn write() -> impl Strategy<Value = Write> {
    prop_oneof![
        4 => (1..=KEYS, 0..50i32).prop_map(|(id, v)| Write::Update { id, v }),
        2 => (1..=KEYS, 0..KEYS, 1..5i32)
            .prop_map(|(lo, span, by)| Write::AddRange { lo, hi: lo + span, by }),
        2 => (1..=KEYS).prop_map(|id| Write::Delete { id }),
        2 => (1..=KEYS, 0..50i32).prop_map(|(id, v)| Write::Insert { id, v }),
    ]
}

fn step(replicas: usize) -> impl Strategy<Value = Step> {
    let r = 0..replicas;
    let s = 0..2usize;
    prop_oneof![
        10 => (r.clone(), s.clone(), write()).prop_map(|(r, s, write)| Step::Write { r, s, write }),
        2 => (r.clone(), 1..=KEYS, prop::collection::vec(0..50i32, 2..5))
            .prop_map(|(r, id, values)| Step::Edits { r, id, values }),
        3 => (r.clone(), s.clone()).prop_map(|(r, s)| Step::Begin { r, s }),
        3 => (r.clone(), s.clone()).prop_map(|(r, s)| Step::Commit { r, s }),
        1 => (r.clone(), s).prop_map(|(r, s)| Step::Rollback { r, s }),
        3 => prop::collection::vec(write(), 1..3).prop_map(Step::Direct),
        2 => r.clone().prop_map(Step::Pause),
        2 => r.clone().prop_map(Step::Resume),
        1 => Just(Step::OriginOffline),
        1 => Just(Step::OriginOnline),
        2 => r.clone().prop_map(Step::HoldEchoes),
        2 => r.clone().prop_map(Step::ReleaseEchoes),
        1 => r.clone().prop_map(Step::HoldWriteBack),
        1 => r.clone().prop_map(Step::ReleaseWriteBack),
        2 => r.clone().prop_map(Step::Flush),
        2 => r.prop_map(Step::WriteBack),
        2 => (0..4u64).prop_map(Step::Wait),
    ]
}

/// Which writers a scenario has.
#[derive(Debug, Clone, Copy)]
enum Flavor {
    /// Every replica and direct writers.
    Crowd,
    /// Replica 0 writes alone, under `local_first` (check 8 applies).
    SoloLocalFirst,
    /// Replica 0 writes alone, under either policy (its own writes race only each other).
    Solo,
}

/// 2–3 replicas and up to 30 steps; half the scenarios have a single writer and no direct
/// writes, which makes runs of our own writes to one row likely.
fn scenario() -> impl Strategy<Value = Scenario> {
    (2..=3usize)
        .prop_flat_map(|n| {
            (
                prop::collection::vec(replica_config(), n),
                prop::collection::vec(step(n), 1..30),
                prop_oneof![
                    2 => Just(Flavor::Crowd),
                    1 => Just(Flavor::SoloLocalFirst),
                    1 => Just(Flavor::Solo),
                ],
            )
        })
        .prop_map(|(mut replicas, steps, flavor)| {
            match flavor {
                Flavor::Crowd => return Scenario { replicas, steps },
                Flavor::SoloLocalFirst => replicas[0].policy = Policy::LocalFirst,
                Flavor::Solo => {}
            }
            let steps = steps
                .into_iter()
                .map(|step| match step {
                    Step::Write { s, write, .. } => Step::Write { r: 0, s, write },
                    Step::Edits { id, values, .. } => Step::Edits { r: 0, id, values },
                    Step::Direct(_) => Step::Wait(1),
                    other => other,
                })
                .collect();
            Scenario { replicas, steps }
        })
}

// ---------------------------------------------------------------------------------------------
// An origin whose echoes can lag
// ---------------------------------------------------------------------------------------------

/// A [`TetherOrigin`] seen through a slow link: everything is forwarded, but while echoes are
/// held the change streams keep the transaction they read and deliver it only on release (or
/// one at a time, [`LaggingOrigin::let_one_echo_through`]), and while write-back is held the
/// origin refuses batches as unreachable. Either direction can lag behind the other.
#[derive(Clone)]
struct LaggingOrigin {
    inner: TetherOrigin,
    held: Arc<AtomicBool>,
    /// Echoes that may pass while held.
    allowance: Arc<AtomicUsize>,
    released: Arc<Notify>,
    sends_held: Arc<AtomicBool>,
    /// Write batches the dispatcher may have in flight at once (pipelined write-back).
    in_flight: usize,
}

impl LaggingOrigin {
    fn new(inner: TetherOrigin, in_flight: usize) -> LaggingOrigin {
        LaggingOrigin {
            inner,
            held: Arc::default(),
            allowance: Arc::default(),
            released: Arc::default(),
            sends_held: Arc::default(),
            in_flight,
        }
    }

    /// Lets one held echo through.
    fn let_one_echo_through(&self) {
        self.allowance.fetch_add(1, Ordering::AcqRel);
        self.released.notify_waiters();
    }

    fn hold_write_back(&self, held: bool) {
        self.sends_held.store(held, Ordering::Release);
    }

    fn hold_echoes(&self, held: bool) {
        self.held.store(held, Ordering::Release);
        if !held {
            self.released.notify_waiters();
        }
    }

    fn holds_echoes(&self) -> bool {
        self.held.load(Ordering::Acquire)
    }
}

/// A change stream of a [`LaggingOrigin`]; the event it read survives a cancelled `next`.
struct LaggingStream {
    inner: Box<dyn ChangeStream>,
    pending: Option<StreamEvent>,
    held: Arc<AtomicBool>,
    allowance: Arc<AtomicUsize>,
    released: Arc<Notify>,
}

impl ChangeStream for LaggingStream {
    fn next(&mut self) -> BoxFuture<'_, Result<StreamEvent, OriginError>> {
        Box::pin(async move {
            if self.pending.is_none() {
                self.pending = Some(self.inner.next().await?);
            }
            loop {
                let released = self.released.notified();
                if !self.held.load(Ordering::Acquire) {
                    break;
                }
                let allowed =
                    self.allowance
                        .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1));
                if allowed.is_ok() {
                    break;
                }
                released.await;
            }
            self.pending
                .take()
                .ok_or_else(|| OriginError::Unavailable("no event".into()))
        })
    }

    fn acknowledge(&mut self, position: &Position) {
        self.inner.acknowledge(position);
    }
}

impl Origin for LaggingOrigin {
    fn describe_table<'a>(
        &'a self,
        table: &'a OriginTableName,
    ) -> BoxFuture<'a, Result<OriginTable, OriginError>> {
        self.inner.describe_table(table)
    }

    fn snapshot<'a>(
        &'a self,
        table: &'a OriginTable,
    ) -> BoxFuture<'a, Result<OriginSnapshot, OriginError>> {
        self.inner.snapshot(table)
    }

    fn changes<'a>(
        &'a self,
        table: &'a OriginTable,
        from: &'a Position,
    ) -> BoxFuture<'a, Result<Box<dyn ChangeStream>, OriginError>> {
        Box::pin(async move {
            let inner = self.inner.changes(table, from).await?;
            let stream: Box<dyn ChangeStream> = Box::new(LaggingStream {
                inner,
                pending: None,
                held: self.held.clone(),
                allowance: self.allowance.clone(),
                released: self.released.clone(),
            });
            Ok(stream)
        })
    }

    fn current_position(&self) -> BoxFuture<'_, Result<Position, OriginError>> {
        self.inner.current_position()
    }

    fn apply<'a>(
        &'a self,
        writes: &'a [OriginWrite],
    ) -> BoxFuture<'a, Result<BatchOutcome, OriginError>> {
        if self.sends_held.load(Ordering::Acquire) {
            return Box::pin(async { Err(OriginError::Unavailable("write-back is held".into())) });
        }
        self.inner.apply(writes)
    }

    fn max_in_flight(&self) -> usize {
        self.in_flight
    }

    fn execute<'a>(&'a self, sql: &'a str) -> BoxFuture<'a, Result<Vec<QueryResult>, OriginError>> {
        self.inner.execute(sql)
    }

    fn release<'a>(&'a self, table: &'a OriginTable) -> BoxFuture<'a, ()> {
        self.inner.release(table)
    }
}

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

// ---------------------------------------------------------------------------------------------
// Checking
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct AttemptRow {
    replica: usize,
    id: i64,
    local_txn: i64,
    op: String,
    key: i32,
    base: Option<String>,
    new_version: Option<String>,
    status: String,
    conflict: Option<String>,
    written_v: Option<i64>,
    written_ver: Option<i64>,
    last_error: Option<String>,
}

impl fmt::Display for AttemptRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "r{} #{} (txn {}) {} key {} base {:?} -> {:?} [{}{}{}]",
            self.replica,
            self.id,
            self.local_txn,
            self.op,
            self.key,
            self.base,
            self.new_version,
            self.status,
            self.conflict
                .as_ref()
                .map_or(String::new(), |c| format!(" {c}")),
            self.last_error
                .as_ref()
                .map_or(String::new(), |e| format!(": {e}")),
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
struct ViewRow {
    id: i32,
    v: Option<i64>,
    ver: Option<i64>,
    version: Option<String>,
    staged: bool,
}

/// An origin row in the replayed model: values and the `xmin` of its version.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ModelRow {
    v: Option<i64>,
    ver: Option<i64>,
    xmin: u64,
}

/// A row's version token as a view of the given kind sees it (`None`: no row).
fn token(row: Option<&ModelRow>, key: VersionKey) -> Option<String> {
    let row = row?;
    match key {
        VersionKey::Xmin => Some(row.xmin.to_string()),
        VersionKey::Ver => row.ver.map(|v| v.to_string()),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Writer {
    Direct,
    Replica(usize),
}

/// One entry of a key's history at the origin: its state after a transaction, and who wrote it.
#[derive(Debug, Clone)]
struct HistoryEntry {
    state: Option<ModelRow>,
    by: Writer,
    txn: u64,
    /// For our own transactions: the versions the row passed through inside it (the bases and
    /// results of its attempts — a delete then insert shows only as an update in the feed).
    passed: Vec<Option<String>>,
}

struct Observed {
    configs: Vec<ReplicaConfig>,
    attempts: Vec<Vec<AttemptRow>>,
    views: Vec<Vec<ViewRow>>,
    origin_rows: Vec<(i32, ModelRow)>,
    commits: Vec<CommittedChanges>,
}

type GroupId = (usize, i64);

/// Where an applied local transaction landed at the origin.
#[derive(Debug, Clone, Copy)]
struct Landing {
    /// Index into `Observed::commits`.
    commit: usize,
    txn_id: u64,
}

fn row_of(values: &[Value], xmin: u64) -> (i32, ModelRow) {
    (
        int(&values[0]) as i32,
        ModelRow {
            v: opt_int(&values[1]),
            ver: opt_int(&values[2]),
            xmin,
        },
    )
}

/// Replays a local transaction's applied attempts over the model as of just before origin
/// transaction `txn_id`; returns the state of every key it touched, or why it cannot be the
/// transaction that did this.
fn simulate(
    group: &[&AttemptRow],
    key_kind: VersionKey,
    model: &BTreeMap<i32, ModelRow>,
    txn_id: u64,
) -> Fallible<BTreeMap<i32, Option<ModelRow>>> {
    let mut touched: BTreeMap<i32, Option<ModelRow>> = BTreeMap::new();
    // The base recorded by the previous attempt on each key in this transaction: a later
    // write to the row follows it (and records the same base).
    let mut previous_base: BTreeMap<i32, Option<String>> = BTreeMap::new();
    for a in group {
        let before = model.get(&a.key);
        let current = touched
            .get(&a.key)
            .cloned()
            .unwrap_or_else(|| before.cloned());
        let expected_base = previous_base
            .insert(a.key, a.base.clone())
            .unwrap_or_else(|| token(before, key_kind));
        let after = match a.op.as_str() {
            "insert" => {
                if current.is_some() {
                    return Err(format!("{a}: inserts a key the origin has"));
                }
                if a.base.is_some() {
                    return Err(format!("{a}: an insert with a base version"));
                }
                let ver = match key_kind {
                    VersionKey::Xmin => a.written_ver,
                    VersionKey::Ver => Some(1),
                };
                Some(ModelRow {
                    v: a.written_v,
                    ver,
                    xmin: txn_id,
                })
            }
            "update" | "delete" => {
                let Some(current) = current else {
                    return Err(format!("{a}: the origin has no such row"));
                };
                if a.base != expected_base {
                    return Err(format!(
                        "{a}: base {:?}, but the row's version before origin transaction \
                         {txn_id} (or the base of the write before it in the transaction) was \
                         {expected_base:?}",
                        a.base
                    ));
                }
                if a.op == "delete" {
                    None
                } else {
                    let ver = match key_kind {
                        VersionKey::Xmin => a.written_ver,
                        VersionKey::Ver => current.ver.map(|v| v + 1),
                    };
                    Some(ModelRow {
                        v: a.written_v,
                        ver,
                        xmin: txn_id,
                    })
                }
            }
            other => return Err(format!("{a}: unknown op {other}")),
        };
        let produced = token(after.as_ref(), key_kind);
        if a.new_version != produced {
            return Err(format!(
                "{a}: recorded new_version {:?}, but the write produced {produced:?}",
                a.new_version
            ));
        }
        touched.insert(a.key, after);
    }
    Ok(touched)
}

/// Whether a local transaction's attempts change anything at the origin once combined (an
/// insert later deleted in the same transaction cancels out).
fn has_net_effect(group: &[&AttemptRow]) -> bool {
    let mut per_key: BTreeMap<i32, (&str, &str)> = BTreeMap::new();
    for a in group {
        per_key
            .entry(a.key)
            .and_modify(|(_, last)| *last = a.op.as_str())
            .or_insert((a.op.as_str(), a.op.as_str()));
    }
    per_key
        .values()
        .any(|(first, last)| !(*first == "insert" && *last == "delete"))
}

fn check(scenario: &Scenario, txns: &[LocalTxn], observed: &Observed) -> Vec<String> {
    let mut violations = Vec::new();
    let all: Vec<&AttemptRow> = observed.attempts.iter().flatten().collect();

    // 1. Every attempt is terminal.
    for a in &all {
        if !matches!(a.status.as_str(), "applied" | "conflicted" | "rejected") {
            violations.push(format!("check 1 (terminal): {a}"));
        }
    }

    // Groups: the attempts of one local transaction.
    let mut groups: BTreeMap<GroupId, Vec<&AttemptRow>> = BTreeMap::new();
    for a in &all {
        groups.entry((a.replica, a.local_txn)).or_default().push(a);
    }

    // Bookkeeping: committed transactions have exactly their statements' attempts; rolled
    // back ones none; every attempt belongs to a committed transaction.
    let mut known: BTreeMap<GroupId, &LocalTxn> = BTreeMap::new();
    for txn in txns {
        let ids: BTreeSet<i64> = txn.intents.iter().map(|i| i.id).collect();
        match (txn.outcome, txn.local_txn) {
            (Outcome::Committed(_), Some(local_txn)) => {
                known.insert((txn.replica, local_txn), txn);
                let recorded: BTreeSet<i64> = groups
                    .get(&(txn.replica, local_txn))
                    .map(|g| g.iter().map(|a| a.id).collect())
                    .unwrap_or_default();
                if recorded != ids {
                    violations.push(format!(
                        "bookkeeping: r{} local txn {local_txn} created attempts {ids:?}, \
                         tether.write_attempts has {recorded:?}",
                        txn.replica
                    ));
                }
            }
            (Outcome::RolledBack, _) => {
                for a in observed.attempts[txn.replica]
                    .iter()
                    .filter(|a| ids.contains(&a.id))
                {
                    violations.push(format!(
                        "bookkeeping: attempt of a rolled-back transaction survived: {a}"
                    ));
                }
            }
            _ => {}
        }
    }
    for (id, group) in &groups {
        if !known.contains_key(id) {
            violations.push(format!(
                "bookkeeping: attempts of no committed local transaction: {}",
                group
                    .iter()
                    .map(|a| a.to_string())
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        }
    }

    // 6. All or nothing per local transaction.
    for group in groups.values() {
        let applied = group.iter().filter(|a| a.status == "applied").count();
        if applied != 0 && applied != group.len() {
            violations.push(format!(
                "check 6 (atomic): a local transaction half applied: {}",
                group
                    .iter()
                    .map(|a| a.to_string())
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        }
    }

    // 8. A single local_first writer never conflicts with itself. A transaction the origin
    // rejected (its CHECK constraint) is rolled back whole, and later writes to the rows it
    // touched were based on what never happened: those may fail too.
    if let Some(writer) = scenario.solo_local_first_writer() {
        let mut tainted: BTreeMap<i32, i64> = BTreeMap::new();
        for ((r, _), group) in &groups {
            if *r == writer && group.iter().any(|a| a.status == "rejected") {
                for a in group {
                    let first = tainted.entry(a.key).or_insert(a.id);
                    *first = (*first).min(a.id);
                }
            }
        }
        for ((r, _), group) in &groups {
            if *r != writer || group.iter().any(|a| a.status == "rejected") {
                continue;
            }
            let after_rejection = |a: &AttemptRow| {
                group
                    .iter()
                    .any(|b| tainted.get(&b.key).is_some_and(|first| *first < a.id))
            };
            for a in group
                .iter()
                .filter(|a| a.status != "applied" && !after_rejection(a))
            {
                violations.push(format!(
                    "check 8 (own writes never conflict): r{writer} is the only writer, yet {a}"
                ));
            }
        }
    }

    // 2, 3, 4: replay the origin's history.
    let applied_groups: BTreeMap<GroupId, Vec<&AttemptRow>> = groups
        .iter()
        .filter(|(_, g)| g.iter().all(|a| a.status == "applied"))
        .map(|(id, g)| (*id, g.clone()))
        .collect();
    let mut landed: BTreeMap<GroupId, Landing> = BTreeMap::new();
    let mut model: BTreeMap<i32, ModelRow> = BTreeMap::new();
    let mut history: BTreeMap<i32, Vec<HistoryEntry>> = BTreeMap::new();
    for (index, commit) in observed.commits.iter().enumerate() {
        let changes: Vec<_> = commit.changes.iter().filter(|c| c.table == "t").collect();
        let direct = commit.changes.iter().any(|c| c.table == "direct_marker");
        if changes.is_empty() && !direct {
            continue;
        }
        // The feed must agree with the model (it is the origin's complete history).
        let mut after: BTreeMap<i32, Option<ModelRow>> = BTreeMap::new();
        for change in &changes {
            let old = change
                .old
                .as_ref()
                .map(|v| row_of(v, change.old_version.unwrap_or(0)));
            let new = change
                .new
                .as_ref()
                .map(|v| row_of(v, change.new_version.unwrap_or(0)));
            let key = old.as_ref().or(new.as_ref()).map_or(0, |(k, _)| *k);
            let in_model = model.get(&key);
            if old.as_ref().map(|(_, r)| r) != in_model {
                violations.push(format!(
                    "feed: origin txn {} changes key {key} from {old:?}, the replay has {in_model:?}",
                    commit.txn_id
                ));
            }
            after.insert(key, new.map(|(_, r)| r));
        }
        let writer = if direct {
            Writer::Direct
        } else {
            let mut reasons = Vec::new();
            let mut found = None;
            for (id, group) in &applied_groups {
                if landed.contains_key(id) {
                    continue;
                }
                let kind = observed.configs[id.0].version;
                match simulate(group, kind, &model, commit.txn_id) {
                    Ok(touched) => {
                        let mut expected: BTreeMap<i32, Option<ModelRow>> = BTreeMap::new();
                        for (key, state) in touched {
                            if state.as_ref() != model.get(&key) {
                                expected.insert(key, state);
                            }
                        }
                        if expected == after {
                            found = Some(*id);
                            break;
                        }
                        if expected.keys().eq(after.keys()) {
                            reasons
                                .push(format!("r{} txn {}: would give {expected:?}", id.0, id.1));
                        }
                    }
                    Err(why) => {
                        if group.iter().any(|a| after.contains_key(&a.key)) {
                            reasons.push(why);
                        }
                    }
                }
            }
            match found {
                Some(id) => {
                    landed.insert(
                        id,
                        Landing {
                            commit: index,
                            txn_id: commit.txn_id,
                        },
                    );
                    Writer::Replica(id.0)
                }
                None => {
                    violations.push(format!(
                        "check 3/4: origin txn {} (position {}) wrote {after:?}, which is no \
                         direct write and no applied local transaction; candidates: {}",
                        commit.txn_id,
                        commit.position,
                        if reasons.is_empty() {
                            "none".to_string()
                        } else {
                            reasons.join("; ")
                        }
                    ));
                    Writer::Direct
                }
            }
        };
        let mut passed: BTreeMap<i32, Vec<Option<String>>> = BTreeMap::new();
        if let Some((id, _)) = landed.iter().find(|(_, l)| l.commit == index) {
            for a in &applied_groups[id] {
                let versions = passed.entry(a.key).or_default();
                versions.push(a.base.clone());
                versions.push(a.new_version.clone());
            }
        }
        for (key, state) in after {
            match &state {
                Some(row) => model.insert(key, row.clone()),
                None => model.remove(&key),
            };
            history.entry(key).or_default().push(HistoryEntry {
                state,
                by: writer,
                txn: commit.txn_id,
                passed: passed.remove(&key).unwrap_or_default(),
            });
        }
    }
    for (id, group) in &applied_groups {
        if !landed.contains_key(id) && has_net_effect(group) {
            violations.push(format!(
                "check 3: applied, but no origin transaction did it: {}",
                group
                    .iter()
                    .map(|a| a.to_string())
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        }
    }
    // 4. The replay ends where the origin is.
    let origin: BTreeMap<i32, ModelRow> = observed.origin_rows.iter().cloned().collect();
    if origin != model {
        violations.push(format!(
            "check 4: the origin table is {origin:?}, the replay of its history gives {model:?}"
        ));
    }

    // 2. Rebased bases moved only across our own applied writes.
    for (id, landing) in &landed {
        let Some(txn) = known.get(id) else { continue };
        let kind = observed.configs[id.0].version;
        for a in &applied_groups[id] {
            if a.op == "insert" {
                continue;
            }
            let Some(intent) = txn.intents.iter().find(|i| i.id == a.id) else {
                continue;
            };
            if intent.read_base == a.base {
                continue;
            }
            let entries = history.get(&a.key).map_or(&[][..], |h| &h[..]);
            let Some(at) = entries.iter().position(|e| e.txn == landing.txn_id) else {
                continue;
            };
            // Walk back over our own writes to the version the statement read; before the
            // first entry the key had no row.
            let mut ok = None;
            for entry in entries[..at].iter().rev() {
                if token(entry.state.as_ref(), kind) == intent.read_base {
                    ok = Some(true);
                    break;
                }
                if entry.by != Writer::Replica(id.0) {
                    ok = Some(false);
                    break;
                }
                if entry.passed.contains(&intent.read_base) {
                    ok = Some(true);
                    break;
                }
            }
            let ok = ok.unwrap_or(intent.read_base.is_none());
            if !ok {
                violations.push(format!(
                    "check 2 (lost update): {a} read version {:?} and was rebased to {:?} \
                     across a write that was not its replica's own; key history: {}",
                    intent.read_base,
                    a.base,
                    describe_history(entries, kind)
                ));
            }
        }
    }

    // 9. No self-conflict: an update or delete that failed on its own (not rolled back with
    // a batch mate) although, after the version it read, only its own replica wrote the row
    // and never deleted it. Only where that version occurs once in the key's history (always
    // for xmin), so the read is unambiguous.
    for txn in &known {
        let (id, txn) = txn;
        let kind = observed.configs[id.0].version;
        for intent in &txn.intents {
            let Some(a) = observed.attempts[id.0].iter().find(|a| a.id == intent.id) else {
                continue;
            };
            if a.status != "conflicted" || a.conflict.is_none() || a.op == "insert" {
                continue;
            }
            let Some(read) = &intent.read_base else {
                continue;
            };
            // The row deleted earlier in the same transaction: a real "row missing".
            if txn
                .intents
                .iter()
                .any(|i| i.id < a.id && i.key == a.key && deletes(&observed.attempts[id.0], i.id))
            {
                continue;
            }
            let entries = history.get(&a.key).map_or(&[][..], |h| &h[..]);
            let matching: Vec<usize> = entries
                .iter()
                .enumerate()
                .filter(|(_, e)| token(e.state.as_ref(), kind).as_ref() == Some(read))
                .map(|(i, _)| i)
                .collect();
            let [at] = matching[..] else { continue };
            let own_since = entries[at + 1..]
                .iter()
                .all(|e| e.by == Writer::Replica(id.0) && e.state.is_some());
            if own_since {
                violations.push(format!(
                    "check 9 (own writes never conflict): {a} read version {read:?}, after which \
                     only r{} wrote the row; key history: {}",
                    id.0,
                    describe_history(entries, kind)
                ));
            }
        }
    }

    // 7. Per replica and key, local commit order is origin order.
    let mut last: HashMap<(usize, i32), (usize, u64)> = HashMap::new();
    let mut by_origin_order: Vec<(&GroupId, &Landing)> = landed.iter().collect();
    by_origin_order.sort_by_key(|(_, l)| l.commit);
    for (id, landing) in by_origin_order {
        let Some(Outcome::Committed(step)) = known.get(id).map(|t| t.outcome) else {
            continue;
        };
        let keys: BTreeSet<i32> = applied_groups[id].iter().map(|a| a.key).collect();
        for key in keys {
            if let Some((previous, previous_txn)) = last.insert((id.0, key), (step, landing.txn_id))
            {
                if previous > step {
                    violations.push(format!(
                        "check 7 (commit order): r{} key {key}: the local transaction committed at \
                         step {step} reached the origin (txn {}) after the one committed at step \
                         {previous} (txn {previous_txn})",
                        id.0, landing.txn_id
                    ));
                }
            }
        }
    }

    // 5. Every view equals the origin.
    for (r, view) in observed.views.iter().enumerate() {
        let kind = observed.configs[r].version;
        let expected: Vec<ViewRow> = observed
            .origin_rows
            .iter()
            .map(|(id, row)| ViewRow {
                id: *id,
                v: row.v,
                ver: row.ver,
                version: token(Some(row), kind),
                staged: false,
            })
            .collect();
        if *view != expected {
            violations.push(format!(
                "check 5: view of r{r} is {view:?}, the origin is {expected:?}"
            ));
        }
    }
    violations
}

/// Whether attempt `id` (of one replica's attempts) is a delete.
fn deletes(attempts: &[AttemptRow], id: i64) -> bool {
    attempts.iter().any(|a| a.id == id && a.op == "delete")
}

fn describe_history(entries: &[HistoryEntry], kind: VersionKey) -> String {
    entries
        .iter()
        .map(|e| {
            format!(
                "{:?} by {:?} (txn {})",
                token(e.state.as_ref(), kind),
                e.by,
                e.txn
            )
        })
        .collect::<Vec<_>>()
        .join(" -> ")
}

/// Adds a passing case to [`COVERAGE`].
fn count_coverage(txns: &[LocalTxn], observed: &Observed) {
    bump(&COVERAGE.cases, 1);
    let mut per_txn: HashMap<(usize, i64), usize> = HashMap::new();
    for a in observed.attempts.iter().flatten() {
        let counter = match a.status.as_str() {
            "applied" => &COVERAGE.applied,
            "conflicted" => &COVERAGE.conflicted,
            _ => &COVERAGE.rejected,
        };
        bump(counter, 1);
        if a.status == "applied" {
            *per_txn.entry((a.replica, a.local_txn)).or_default() += 1;
        }
    }
    bump(
        &COVERAGE.multi_write_transactions,
        per_txn.values().filter(|n| **n > 1).count(),
    );
    for txn in txns {
        for intent in &txn.intents {
            let rebased = observed.attempts[txn.replica].iter().any(|a| {
                a.id == intent.id
                    && a.status == "applied"
                    && a.op != "insert"
                    && a.base != intent.read_base
            });
            if rebased {
                bump(&COVERAGE.rebased, 1);
            }
        }
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

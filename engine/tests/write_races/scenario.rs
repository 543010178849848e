//! Scenarios: the replicas' configurations, the steps they take, and the proptest strategies
//! that generate them (plus the coverage counters the passing cases fill).

use super::*;

/// What the passing cases exercised, printed at the end (`--nocapture`) to show coverage.
pub(super) struct Coverage {
    pub(super) cases: AtomicUsize,
    pub(super) applied: AtomicUsize,
    pub(super) conflicted: AtomicUsize,
    pub(super) rejected: AtomicUsize,
    pub(super) multi_write_transactions: AtomicUsize,
    pub(super) rebased: AtomicUsize,
    pub(super) direct_transactions: AtomicUsize,
    pub(super) local_errors: AtomicUsize,
}

pub(super) static COVERAGE: Coverage = Coverage {
    cases: AtomicUsize::new(0),
    applied: AtomicUsize::new(0),
    conflicted: AtomicUsize::new(0),
    rejected: AtomicUsize::new(0),
    multi_write_transactions: AtomicUsize::new(0),
    rebased: AtomicUsize::new(0),
    direct_transactions: AtomicUsize::new(0),
    local_errors: AtomicUsize::new(0),
};

pub(super) fn bump(counter: &AtomicUsize, by: usize) {
    counter.fetch_add(by, Ordering::Relaxed);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Policy {
    LocalFirst,
    OriginFirst,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum VersionKey {
    /// The origin's `xmin` (tether's default).
    Xmin,
    /// `upstream_mvcc_key = 'ver'`.
    Ver,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct ReplicaConfig {
    pub(super) policy: Policy,
    pub(super) version: VersionKey,
}

/// One write statement (through a view) or one statement of a direct origin transaction.
#[derive(Clone, PartialEq, Eq)]
pub(super) enum Write {
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
pub(super) enum Step {
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
pub(super) struct Scenario {
    pub(super) replicas: Vec<ReplicaConfig>,
    pub(super) steps: Vec<Step>,
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
    pub(super) fn solo_local_first_writer(&self) -> Option<usize> {
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

pub(super) fn replica_config() -> impl Strategy<Value = ReplicaConfig> {
    (
        prop_oneof![Just(Policy::LocalFirst), Just(Policy::OriginFirst)],
        prop_oneof![2 => Just(VersionKey::Xmin), 0 => Just(VersionKey::Ver)],
    )
        .prop_map(|(policy, version)| ReplicaConfig { policy, version })
}

pub(super) fn write() -> impl Strategy<Value = Write> {
    prop_oneof![
        4 => (1..=KEYS, 0..50i32).prop_map(|(id, v)| Write::Update { id, v }),
        2 => (1..=KEYS, 0..KEYS, 1..5i32)
            .prop_map(|(lo, span, by)| Write::AddRange { lo, hi: lo + span, by }),
        2 => (1..=KEYS).prop_map(|id| Write::Delete { id }),
        2 => (1..=KEYS, 0..50i32).prop_map(|(id, v)| Write::Insert { id, v }),
    ]
}

pub(super) fn step(replicas: usize) -> impl Strategy<Value = Step> {
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
pub(super) enum Flavor {
    /// Every replica and direct writers.
    Crowd,
    /// Replica 0 writes alone, under `local_first` (check 8 applies).
    SoloLocalFirst,
    /// Replica 0 writes alone, under either policy (its own writes race only each other).
    Solo,
}

/// 2–3 replicas and up to 30 steps; half the scenarios have a single writer and no direct
/// writes, which makes runs of our own writes to one row likely.
pub(super) fn scenario() -> impl Strategy<Value = Scenario> {
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

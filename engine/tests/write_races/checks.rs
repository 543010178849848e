//! Checking a finished run: the attempts, views and origin history observed, replayed in
//! origin commit order against the invariants listed in `main.rs`.

use super::*;

#[derive(Debug, Clone)]
pub(super) struct AttemptRow {
    pub(super) replica: usize,
    pub(super) id: i64,
    pub(super) local_txn: i64,
    pub(super) op: String,
    pub(super) key: i32,
    pub(super) base: Option<String>,
    pub(super) new_version: Option<String>,
    pub(super) status: String,
    pub(super) conflict: Option<String>,
    pub(super) written_v: Option<i64>,
    pub(super) written_ver: Option<i64>,
    pub(super) last_error: Option<String>,
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
pub(super) struct ViewRow {
    pub(super) id: i32,
    pub(super) v: Option<i64>,
    pub(super) ver: Option<i64>,
    pub(super) version: Option<String>,
    pub(super) staged: bool,
}

/// An origin row in the replayed model: values and the `xmin` of its version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ModelRow {
    pub(super) v: Option<i64>,
    pub(super) ver: Option<i64>,
    pub(super) xmin: u64,
}

/// A row's version token as a view of the given kind sees it (`None`: no row).
pub(super) fn token(row: Option<&ModelRow>, key: VersionKey) -> Option<String> {
    let row = row?;
    match key {
        VersionKey::Xmin => Some(row.xmin.to_string()),
        VersionKey::Ver => row.ver.map(|v| v.to_string()),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Writer {
    Direct,
    Replica(usize),
}

/// One entry of a key's history at the origin: its state after a transaction, and who wrote it.
#[derive(Debug, Clone)]
pub(super) struct HistoryEntry {
    pub(super) state: Option<ModelRow>,
    pub(super) by: Writer,
    pub(super) txn: u64,
    /// For our own transactions: the versions the row passed through inside it (the bases and
    /// results of its attempts — a delete then insert shows only as an update in the feed).
    pub(super) passed: Vec<Option<String>>,
}

pub(super) struct Observed {
    pub(super) configs: Vec<ReplicaConfig>,
    pub(super) attempts: Vec<Vec<AttemptRow>>,
    pub(super) views: Vec<Vec<ViewRow>>,
    pub(super) origin_rows: Vec<(i32, ModelRow)>,
    pub(super) commits: Vec<CommittedChanges>,
}

pub(super) type GroupId = (usize, i64);

/// Where an applied local transaction landed at the origin.
#[derive(Debug, Clone, Copy)]
pub(super) struct Landing {
    /// Index into `Observed::commits`.
    pub(super) commit: usize,
    pub(super) txn_id: u64,
}

pub(super) fn row_of(values: &[Value], xmin: u64) -> (i32, ModelRow) {
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
pub(super) fn simulate(
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
pub(super) fn has_net_effect(group: &[&AttemptRow]) -> bool {
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

pub(super) fn check(scenario: &Scenario, txns: &[LocalTxn], observed: &Observed) -> Vec<String> {
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
pub(super) fn deletes(attempts: &[AttemptRow], id: i64) -> bool {
    attempts.iter().any(|a| a.id == id && a.op == "delete")
}

pub(super) fn describe_history(entries: &[HistoryEntry], kind: VersionKey) -> String {
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
pub(super) fn count_coverage(txns: &[LocalTxn], observed: &Observed) {
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

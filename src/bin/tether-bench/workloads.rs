//! The dataset and the OLTP/analytic workload set shared by every comparison subcommand.
//!
//! Dataset at N rows (every value is a pure function of the row id, so any engine can reload or
//! refill rows identically):
//!
//! - `t(id PK, k UNIQUE-ish indexed, grp 0..99, cid -> c.id, v double, s text)`, N rows;
//! - `c(id PK, name text, region 0..9)`, max(N/10, 1) rows.
//!
//! Write workloads keep the table at about N rows: inserted rows are deleted and deleted rows
//! re-inserted between timed batches, outside the clock.

use crate::backend::{Backend, BenchResult, Flavor, Param, StmtId};

/// Deterministic 64-bit generator (splitmix64); every engine gets one seeded identically.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.0)
    }

    /// Uniform in `1..=n`.
    pub fn key(&mut self, n: i64) -> i64 {
        (self.next_u64() % n as u64) as i64 + 1
    }
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The dataset size.
#[derive(Debug, Clone, Copy)]
pub struct Dataset {
    pub rows: i64,
}

impl Dataset {
    pub fn customers(&self) -> i64 {
        (self.rows / 10).max(1)
    }

    /// Secondary key of row `id`: a bijection of the id (odd multiplier mod 2^32), so unique.
    pub fn k_of(id: i64) -> i64 {
        ((id as u64).wrapping_mul(2_654_435_761) & 0xffff_ffff) as i64
    }

    /// All values of row `id` of `t`, in column order.
    pub fn t_row(&self, id: i64) -> Vec<Param> {
        let h = mix(id as u64 ^ 0x5eed);
        vec![
            Param::Int(id),
            Param::Int(Self::k_of(id)),
            Param::Int((h % 100) as i64),
            Param::Int(((h >> 8) % self.customers() as u64) as i64 + 1),
            Param::Float(((h >> 24) % 1_000_000) as f64 / 100.0),
            Param::Text(format!("s{:012x}", h >> 16)),
        ]
    }

    pub fn c_row(id: i64) -> Vec<Param> {
        vec![
            Param::Int(id),
            Param::Text(format!("customer-{id}")),
            Param::Int(id % 10),
        ]
    }

    pub fn ddl(flavor: Flavor) -> &'static str {
        match flavor {
            Flavor::Postgres => {
                "CREATE TABLE t (id BIGINT PRIMARY KEY, k BIGINT NOT NULL, grp BIGINT NOT NULL, \
                 cid BIGINT NOT NULL, v DOUBLE PRECISION NOT NULL, s TEXT NOT NULL);
                 CREATE INDEX t_k ON t (k);
                 CREATE TABLE c (id BIGINT PRIMARY KEY, name TEXT NOT NULL, region BIGINT NOT NULL);"
            }
            Flavor::Sqlite => {
                "CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER NOT NULL, grp INTEGER NOT NULL, \
                 cid INTEGER NOT NULL, v REAL NOT NULL, s TEXT NOT NULL);
                 CREATE INDEX t_k ON t (k);
                 CREATE TABLE c (id INTEGER PRIMARY KEY, name TEXT NOT NULL, region INTEGER NOT NULL);"
            }
        }
    }

    /// Creates the schema and loads both tables (prepared inserts, 10k rows per transaction).
    pub fn load(&self, b: &mut dyn Backend) -> BenchResult<()> {
        b.batch(Self::ddl(b.flavor()))?;
        let ins_t = b.prepare(INSERT_T)?;
        let ins_c = b.prepare("INSERT INTO c VALUES ($1, $2, $3)")?;
        let mut chunk = Vec::with_capacity(10_000);
        for id in 1..=self.customers() {
            chunk.push(Self::c_row(id));
            if chunk.len() == 10_000 {
                b.exec_txn(ins_c, &chunk)?;
                chunk.clear();
            }
        }
        if !chunk.is_empty() {
            b.exec_txn(ins_c, &chunk)?;
            chunk.clear();
        }
        for id in 1..=self.rows {
            chunk.push(self.t_row(id));
            if chunk.len() == 10_000 {
                b.exec_txn(ins_t, &chunk)?;
                chunk.clear();
            }
        }
        if !chunk.is_empty() {
            b.exec_txn(ins_t, &chunk)?;
        }
        Ok(())
    }
}

pub const INSERT_T: &str = "INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6)";

/// How one timed operation runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpKind {
    /// A query; every value of every row is materialised.
    Query,
    /// A DML statement in autocommit.
    Exec,
    /// `rows_per_op` executions of the statement inside one BEGIN ... COMMIT.
    Txn,
}

/// What happens between timed batches (outside the clock) to keep the table at N rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reset {
    None,
    /// Delete the rows with `id > N` the batch inserted.
    DeleteInserted,
    /// Re-insert the rows the batch deleted (their ids are the first parameter of each op).
    ReinsertDeleted,
}

/// Per-engine state of a workload's parameter generator.
pub struct Gen {
    pub rng: Rng,
    pub data: Dataset,
    /// A shuffled 1..=N, consumed in order (delete keys are distinct within a batch).
    perm: Vec<i64>,
    cursor: usize,
}

impl Gen {
    pub fn new(seed: u64, data: Dataset) -> Self {
        Gen {
            rng: Rng::new(seed),
            data,
            perm: Vec::new(),
            cursor: 0,
        }
    }

    fn next_distinct(&mut self) -> i64 {
        if self.perm.is_empty() {
            self.perm = (1..=self.data.rows).collect();
            for i in (1..self.perm.len()).rev() {
                let j = (self.rng.next_u64() % (i as u64 + 1)) as usize;
                self.perm.swap(i, j);
            }
        }
        let key = self.perm[self.cursor];
        self.cursor = (self.cursor + 1) % self.perm.len();
        key
    }
}

/// One workload.
pub struct Workload {
    pub name: &'static str,
    pub description: &'static str,
    pub sql: &'static str,
    pub kind: OpKind,
    /// For [`OpKind::Txn`]: statements per transaction (one op = one transaction).
    pub rows_per_op: usize,
    /// Modifies the data (gets a freshly loaded database, and a state check after verification).
    pub writes: bool,
    /// Whether row order is part of the result (ORDER BY); otherwise rows compare as multisets.
    pub ordered: bool,
    /// Operations in the verification pass.
    pub verify_ops: usize,
    /// Upper bound on ops per timed batch (bounded by the reset work it causes).
    pub max_batch: usize,
    pub reset: Reset,
    /// Parameters of op number `i` of a batch.
    pub params: fn(&mut Gen, usize) -> Vec<Param>,
}

fn no_params(_: &mut Gen, _: usize) -> Vec<Param> {
    Vec::new()
}

fn random_id(g: &mut Gen, _: usize) -> Vec<Param> {
    vec![Param::Int(g.rng.key(g.data.rows))]
}

fn random_k(g: &mut Gen, _: usize) -> Vec<Param> {
    vec![Param::Int(Dataset::k_of(g.rng.key(g.data.rows)))]
}

fn random_range_100(g: &mut Gen, _: usize) -> Vec<Param> {
    let lo = g.rng.key((g.data.rows - 99).max(1));
    vec![Param::Int(lo), Param::Int(lo + 100)]
}

fn new_row(g: &mut Gen, i: usize) -> Vec<Param> {
    g.data.t_row(g.data.rows + 1 + i as i64)
}

fn distinct_id(g: &mut Gen, _: usize) -> Vec<Param> {
    vec![Param::Int(g.next_distinct())]
}

/// Rows per transaction of the batch-insert workload.
pub const TXN_ROWS: usize = 10_000;

/// Every workload, in run order (reads first; each write workload gets a fresh database).
pub fn all() -> Vec<Workload> {
    let read = |name, description, sql, params, verify_ops, ordered| Workload {
        name,
        description,
        sql,
        kind: OpKind::Query,
        rows_per_op: 1,
        writes: false,
        ordered,
        verify_ops,
        max_batch: 1 << 16,
        reset: Reset::None,
        params,
    };
    vec![
        read(
            "point_pk",
            "SELECT all columns WHERE id = $1 (prepared)",
            "SELECT id, k, grp, cid, v, s FROM t WHERE id = $1",
            random_id as fn(&mut Gen, usize) -> Vec<Param>,
            2000,
            false,
        ),
        read(
            "point_secondary",
            "SELECT all columns WHERE k = $1 (secondary index)",
            "SELECT id, k, grp, cid, v, s FROM t WHERE k = $1",
            random_k,
            2000,
            false,
        ),
        read(
            "range_pk_100",
            "SELECT all columns WHERE id >= $1 AND id < $1 + 100",
            "SELECT id, k, grp, cid, v, s FROM t WHERE id >= $1 AND id < $2",
            random_range_100,
            200,
            true,
        ),
        read(
            "scan_aggregate",
            "SELECT COUNT(*), SUM(k), SUM(v), AVG(v) FROM t (full scan)",
            "SELECT COUNT(*), SUM(k), SUM(v), AVG(v) FROM t",
            no_params,
            2,
            false,
        ),
        read(
            "group_by_100",
            "SELECT grp, COUNT(*), SUM(v), AVG(v) FROM t GROUP BY grp (100 groups)",
            "SELECT grp, COUNT(*), SUM(v), AVG(v) FROM t GROUP BY grp",
            no_params,
            2,
            false,
        ),
        read(
            "join_range_100",
            "t JOIN c ON c.id = t.cid for 100 t rows by id range",
            "SELECT t.id, t.v, c.id, c.name, c.region FROM t JOIN c ON c.id = t.cid \
             WHERE t.id >= $1 AND t.id < $2",
            random_range_100,
            50,
            false,
        ),
        read(
            "order_by_limit_10",
            "SELECT id, k, v, s FROM t ORDER BY v DESC, id LIMIT 10 (v not indexed)",
            "SELECT id, k, v, s FROM t ORDER BY v DESC, id LIMIT 10",
            no_params,
            2,
            true,
        ),
        Workload {
            name: "insert_autocommit",
            description: "single-row INSERT, autocommit (new ids above N)",
            sql: INSERT_T,
            kind: OpKind::Exec,
            rows_per_op: 1,
            writes: true,
            ordered: false,
            verify_ops: 500,
            max_batch: 4096,
            reset: Reset::DeleteInserted,
            params: new_row,
        },
        Workload {
            name: "insert_10k_txn",
            description: "10,000 single-row INSERTs in one BEGIN ... COMMIT (op = transaction)",
            sql: INSERT_T,
            kind: OpKind::Txn,
            rows_per_op: TXN_ROWS,
            writes: true,
            ordered: false,
            verify_ops: 1,
            max_batch: 1,
            reset: Reset::DeleteInserted,
            params: new_row,
        },
        Workload {
            name: "update_pk",
            description: "UPDATE t SET v = v + 1 WHERE id = $1, autocommit",
            sql: "UPDATE t SET v = v + 1 WHERE id = $1",
            kind: OpKind::Exec,
            rows_per_op: 1,
            writes: true,
            ordered: false,
            verify_ops: 2000,
            max_batch: 1 << 16,
            reset: Reset::None,
            params: random_id,
        },
        Workload {
            name: "delete_pk",
            description:
                "DELETE FROM t WHERE id = $1, autocommit (rows re-inserted between batches)",
            sql: "DELETE FROM t WHERE id = $1",
            kind: OpKind::Exec,
            rows_per_op: 1,
            writes: true,
            ordered: false,
            verify_ops: 2000,
            max_batch: 4096,
            reset: Reset::ReinsertDeleted,
            params: distinct_id,
        },
    ]
}

/// Statements a workload needs, prepared once per backend.
pub struct Prepared {
    pub main: StmtId,
    pub insert_t: StmtId,
    pub delete_above: StmtId,
    pub state: StmtId,
}

impl Prepared {
    pub fn new(b: &mut dyn Backend, w: &Workload) -> BenchResult<Self> {
        Ok(Prepared {
            main: b.prepare(w.sql)?,
            insert_t: b.prepare(INSERT_T)?,
            delete_above: b.prepare("DELETE FROM t WHERE id > $1")?,
            state: b.prepare(
                "SELECT COUNT(*), SUM(id), SUM(k), SUM(grp), SUM(cid), SUM(v), MAX(s) FROM t",
            )?,
        })
    }
}

/// Ops in one timed op's worth of parameters: one set per statement execution.
pub fn op_params(w: &Workload, g: &mut Gen, op_index: usize) -> Vec<Vec<Param>> {
    match w.kind {
        OpKind::Txn => (0..w.rows_per_op)
            .map(|j| (w.params)(g, op_index * w.rows_per_op + j))
            .collect(),
        _ => vec![(w.params)(g, op_index)],
    }
}

/// Restores the table to N rows after a batch (never timed).
pub fn reset(
    w: &Workload,
    b: &mut dyn Backend,
    p: &Prepared,
    data: &Dataset,
    batch: &[Vec<Vec<Param>>],
) -> BenchResult<()> {
    match w.reset {
        Reset::None => Ok(()),
        Reset::DeleteInserted => b.exec(p.delete_above, &[Param::Int(data.rows)]).map(|_| ()),
        Reset::ReinsertDeleted => {
            let rows: Vec<Vec<Param>> = batch
                .iter()
                .flatten()
                .map(|params| match params[0] {
                    Param::Int(id) => data.t_row(id),
                    _ => unreachable!("delete keys are integers"),
                })
                .collect();
            b.exec_txn(p.insert_t, &rows).map(|_| ())
        }
    }
}

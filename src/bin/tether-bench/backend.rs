//! What every benchmarked engine implements ([`Backend`]), the engine-neutral parameter type
//! ([`Param`]) and the canonical form of result values ([`Canon`]) used to check that two engines
//! return the same results.
//!
//! A backend runs prepared statements and materialises every value of every row. The timed loop
//! only calls [`Backend::query`], [`Backend::exec`] and [`Backend::exec_txn`]; everything else
//! (schema, loading, resets between batches) happens outside the clock.

use std::fmt;

/// An error from a backend, as text.
pub type BenchResult<T> = Result<T, String>;

/// Which SQL flavour a backend speaks; workloads pick their DDL (and, later, their SQL) by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// tether and PostgreSQL: `$n` parameters, `BIGINT PRIMARY KEY`.
    Postgres,
    /// SQLite: `?n` parameters, `INTEGER PRIMARY KEY` (the rowid alias).
    Sqlite,
}

/// A statement parameter, converted by each backend into its own value type inside the timed
/// section (the conversion is part of each API's cost).
#[derive(Debug, Clone)]
pub enum Param {
    Int(i64),
    Float(f64),
    Text(String),
}

/// A prepared-statement handle returned by [`Backend::prepare`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StmtId(pub usize);

/// One engine under test.
pub trait Backend {
    /// Display name (`tether`, `sqlite`).
    fn name(&self) -> &str;
    /// SQL flavour for DDL.
    fn flavor(&self) -> Flavor;
    /// Runs a script of statements without parameters (setup only, never timed).
    fn batch(&mut self, sql: &str) -> BenchResult<()>;
    /// Prepares a statement written with `$n` parameters.
    fn prepare(&mut self, sql: &str) -> BenchResult<StmtId>;
    /// Runs a query and materialises every value of every row into owned values; returns the
    /// number of rows. The rows are passed to `sink` (the timed loop passes a black box, the
    /// verification pass a collector).
    fn query(
        &mut self,
        stmt: StmtId,
        params: &[Param],
        sink: &mut dyn RowSink,
    ) -> BenchResult<usize>;
    /// Runs a statement without a result set; returns the rows affected.
    fn exec(&mut self, stmt: StmtId, params: &[Param]) -> BenchResult<u64>;
    /// Runs BEGIN, COMMIT or ROLLBACK (prepared once by the backend).
    fn control(&mut self, step: TxnControl) -> BenchResult<()>;
    /// Runs `stmt` once per parameter set inside one explicit transaction (BEGIN ... COMMIT,
    /// or ROLLBACK at the first error); returns the total rows affected.
    fn exec_txn(&mut self, stmt: StmtId, params: &[Vec<Param>]) -> BenchResult<u64> {
        self.control(TxnControl::Begin)?;
        let mut total = 0;
        for p in params {
            match self.exec(stmt, p) {
                Ok(n) => total += n,
                Err(e) => {
                    let _ = self.control(TxnControl::Rollback);
                    return Err(e);
                }
            }
        }
        self.control(TxnControl::Commit)?;
        Ok(total)
    }
}

/// A transaction-control statement, run by [`Backend::control`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxnControl {
    Begin,
    Commit,
    Rollback,
}

/// Receives materialised rows; [`Canon`] conversion only happens in the verification pass.
pub trait RowSink {
    /// Whether the sink wants canonical values (verification) or just consumes rows (timing).
    fn wants_canon(&self) -> bool;
    /// One row, canonicalised (only called when `wants_canon`).
    fn row(&mut self, row: Vec<Canon>);
}

/// Consumes rows without looking at them (the timed loop). The backend has already
/// materialised the values before it calls anything here.
pub struct Discard;

impl RowSink for Discard {
    fn wants_canon(&self) -> bool {
        false
    }
    fn row(&mut self, _row: Vec<Canon>) {}
}

/// Collects canonical rows (the verification pass).
#[derive(Default)]
pub struct Collect(pub Vec<Vec<Canon>>);

impl RowSink for Collect {
    fn wants_canon(&self) -> bool {
        true
    }
    fn row(&mut self, row: Vec<Canon>) {
        self.0.push(row);
    }
}

/// An engine-neutral value for comparing results: integers and integral floats compare as
/// integers (SQLite's `SUM(int)` is an integer, PostgreSQL's is a numeric), other numbers as
/// floats equal within a relative 1e-9 (summation order differs between engines).
#[derive(Debug, Clone)]
pub enum Canon {
    Null,
    Int(i64),
    Float(f64),
    Text(String),
}

impl Canon {
    pub fn float(x: f64) -> Canon {
        if x.is_finite() && x.fract() == 0.0 && x.abs() < 9.0e15 {
            Canon::Int(x as i64)
        } else {
            Canon::Float(x)
        }
    }

    /// A decimal number given as text (e.g. a NUMERIC).
    pub fn decimal_text(s: &str) -> Canon {
        if let Ok(i) = s.parse::<i64>() {
            Canon::Int(i)
        } else if let Ok(x) = s.parse::<f64>() {
            Canon::float(x)
        } else {
            Canon::Text(s.to_string())
        }
    }

    fn rank(&self) -> u8 {
        match self {
            Canon::Null => 0,
            Canon::Int(_) | Canon::Float(_) => 1,
            Canon::Text(_) => 2,
        }
    }

    fn as_f64(&self) -> Option<f64> {
        match self {
            Canon::Int(i) => Some(*i as f64),
            Canon::Float(x) => Some(*x),
            _ => None,
        }
    }
}

fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

impl PartialEq for Canon {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Canon::Null, Canon::Null) => true,
            (Canon::Int(a), Canon::Int(b)) => a == b,
            (Canon::Text(a), Canon::Text(b)) => a == b,
            (Canon::Float(_), _) | (_, Canon::Float(_)) => match (self.as_f64(), other.as_f64()) {
                (Some(a), Some(b)) => close(a, b),
                _ => false,
            },
            _ => false,
        }
    }
}

impl Eq for Canon {}

impl PartialOrd for Canon {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Total order for sorting result rows (floats by value; only used to line rows up).
impl Ord for Canon {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        match (self, other) {
            (Canon::Int(a), Canon::Int(b)) => a.cmp(b),
            (Canon::Text(a), Canon::Text(b)) => a.cmp(b),
            _ => match (self.as_f64(), other.as_f64()) {
                (Some(a), Some(b)) => a.total_cmp(&b),
                _ => self.rank().cmp(&other.rank()),
            },
        }
    }
}

impl fmt::Display for Canon {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Canon::Null => f.write_str("NULL"),
            Canon::Int(i) => write!(f, "{i}"),
            Canon::Float(x) => write!(f, "{x:.12e}"),
            Canon::Text(s) => write!(f, "'{s}'"),
        }
    }
}

/// Rewrites `$n` parameters as `?n` (SQLite's explicit positional form).
pub fn dollar_to_question(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(|d| d.is_ascii_digit()) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out
}

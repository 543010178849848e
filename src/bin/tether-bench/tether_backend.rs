//! tether as a [`Backend`]: an in-memory database, one session, prepared statements, and a
//! tokio current-thread runtime whose `block_on` drives every call (that overhead is part of the
//! API cost an embedding application pays, so it is measured).

use std::hint::black_box;

use tether::{Database, PreparedStatement, QueryResult, Session, Value};
use tokio::runtime::Runtime;

use crate::backend::{Backend, BenchResult, Canon, Flavor, Param, RowSink, StmtId, TxnControl};

pub struct TetherBackend {
    rt: Runtime,
    // Kept so the database outlives the session explicitly.
    _db: Database,
    session: Session,
    stmts: Vec<PreparedStatement>,
    begin: PreparedStatement,
    commit: PreparedStatement,
    rollback: PreparedStatement,
    /// Reused parameter buffer: the API takes `&[Value]`, so a caller can keep one.
    params: Vec<Value>,
}

impl TetherBackend {
    pub fn open() -> BenchResult<Self> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .map_err(|e| e.to_string())?;
        let db = Database::open_in_memory();
        let mut session = db.connect();
        let begin = session.prepare("BEGIN").map_err(err)?;
        let commit = session.prepare("COMMIT").map_err(err)?;
        let rollback = session.prepare("ROLLBACK").map_err(err)?;
        Ok(TetherBackend {
            rt,
            _db: db,
            session,
            stmts: Vec::new(),
            begin,
            commit,
            rollback,
            params: Vec::with_capacity(8),
        })
    }

    /// Runs the prepared statement `stmt` with `params`, converted into the reused buffer.
    fn exec_prepared(&mut self, stmt: StmtId, params: &[Param]) -> BenchResult<QueryResult> {
        self.bind(params);
        execute(
            &self.rt,
            &mut self.session,
            &self.stmts[stmt.0],
            &self.params,
        )
    }

    fn bind(&mut self, params: &[Param]) {
        self.params.clear();
        self.params.extend(params.iter().map(|p| match p {
            Param::Int(i) => Value::from(*i),
            Param::Float(x) => Value::from(*x),
            Param::Text(s) => Value::from(s.as_str()),
        }));
    }
}

/// Runs `stmt` with `params` on `session`, driven by `rt`.
fn execute(
    rt: &Runtime,
    session: &mut Session,
    stmt: &PreparedStatement,
    params: &[Value],
) -> BenchResult<QueryResult> {
    rt.block_on(session.execute_prepared(stmt, params))
        .map_err(err)
}

fn err(e: tether::Error) -> String {
    format!("{e} (SQLSTATE {})", e.sqlstate())
}

/// The canonical form of a tether value.
pub fn canon(v: &Value) -> Canon {
    match v {
        Value::Null => Canon::Null,
        Value::Bool(b) => Canon::Int(i64::from(*b)),
        Value::Int16(i) => Canon::Int(i64::from(*i)),
        Value::Int32(i) => Canon::Int(i64::from(*i)),
        Value::Int64(i) => Canon::Int(*i),
        Value::Float32(x) => Canon::float(f64::from(*x)),
        Value::Float64(x) => Canon::float(*x),
        Value::Numeric(_) => Canon::decimal_text(&v.to_string()),
        Value::Text(s) | Value::Json(s) => Canon::Text(s.to_string()),
        other => Canon::Text(other.to_string()),
    }
}

impl Backend for TetherBackend {
    fn name(&self) -> &str {
        "tether"
    }

    fn flavor(&self) -> Flavor {
        Flavor::Postgres
    }

    fn batch(&mut self, sql: &str) -> BenchResult<()> {
        let session = &mut self.session;
        self.rt
            .block_on(session.execute_batch(sql))
            .map(|_| ())
            .map_err(err)
    }

    fn prepare(&mut self, sql: &str) -> BenchResult<StmtId> {
        let stmt = self.session.prepare(sql).map_err(err)?;
        self.stmts.push(stmt);
        Ok(StmtId(self.stmts.len() - 1))
    }

    fn query(
        &mut self,
        stmt: StmtId,
        params: &[Param],
        sink: &mut dyn RowSink,
    ) -> BenchResult<usize> {
        let result = self.exec_prepared(stmt, params)?;
        let n = result.rows.len();
        if sink.wants_canon() {
            for row in &result.rows {
                sink.row(row.values().iter().map(canon).collect());
            }
        }
        // Rows are materialised `Vec<Value>`s already; dropping them is part of the cost.
        black_box(result);
        Ok(n)
    }

    fn exec(&mut self, stmt: StmtId, params: &[Param]) -> BenchResult<u64> {
        Ok(self.exec_prepared(stmt, params)?.rows_affected())
    }

    fn control(&mut self, step: TxnControl) -> BenchResult<()> {
        let stmt = match step {
            TxnControl::Begin => &self.begin,
            TxnControl::Commit => &self.commit,
            TxnControl::Rollback => &self.rollback,
        };
        execute(&self.rt, &mut self.session, stmt, &[]).map(|_| ())
    }
}

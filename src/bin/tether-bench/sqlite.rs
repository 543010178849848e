//! `tether-bench sqlite`: tether against SQLite (rusqlite, bundled, in-memory) in one process.

use std::hint::black_box;

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, Statement};

use crate::backend::{
    dollar_to_question, Backend, BenchResult, Canon, Flavor, Param, RowSink, StmtId, TxnControl,
};
use crate::harness::{self, Contender, RunArgs};
use crate::tether_backend::TetherBackend;

/// Runs the subcommand; returns the process exit code.
pub fn run(args: &RunArgs) -> i32 {
    let sqlite_version = rusqlite::version().to_string();
    let header = harness::Header {
        title: "tether vs SQLite (in-memory)".into(),
        versions: vec![
            ("tether".into(), env!("CARGO_PKG_VERSION").into()),
            (
                "SQLite".into(),
                format!("{sqlite_version} (rusqlite, bundled, in-memory)"),
            ),
        ],
        baseline: "sqlite".into(),
    };
    let contenders = [
        Contender {
            name: "tether",
            open: Box::new(|| Ok(Box::new(TetherBackend::open()?) as Box<dyn Backend>)),
        },
        Contender {
            name: "sqlite",
            open: Box::new(|| Ok(Box::new(SqliteBackend::open()?) as Box<dyn Backend>)),
        },
    ];
    harness::run(args, &header, &contenders)
}

/// rusqlite with statements prepared once and kept for the whole run.
pub struct SqliteBackend {
    // Declared before `conn` so they are dropped first (see `open`).
    stmts: Vec<Statement<'static>>,
    begin: Statement<'static>,
    commit: Statement<'static>,
    rollback: Statement<'static>,
    conn: Box<Connection>,
}

fn err(e: rusqlite::Error) -> String {
    e.to_string()
}

impl SqliteBackend {
    pub fn open() -> BenchResult<Self> {
        let conn = Box::new(Connection::open_in_memory().map_err(err)?);
        // SAFETY: the connection is boxed (its address never changes) and owned by the backend;
        // every statement borrowing it is a field declared before `conn`, so it is dropped
        // before the connection, and no statement escapes the backend.
        let conn_ref: &'static Connection = unsafe { &*(conn.as_ref() as *const Connection) };
        Ok(SqliteBackend {
            stmts: Vec::new(),
            begin: conn_ref.prepare("BEGIN").map_err(err)?,
            commit: conn_ref.prepare("COMMIT").map_err(err)?,
            rollback: conn_ref.prepare("ROLLBACK").map_err(err)?,
            conn,
        })
    }

    fn conn_static(&self) -> &'static Connection {
        // SAFETY: as in `open`.
        unsafe { &*(self.conn.as_ref() as *const Connection) }
    }
}

fn bind(stmt: &mut Statement<'_>, params: &[Param]) -> rusqlite::Result<()> {
    for (i, p) in params.iter().enumerate() {
        match p {
            Param::Int(v) => stmt.raw_bind_parameter(i + 1, *v)?,
            Param::Float(v) => stmt.raw_bind_parameter(i + 1, *v)?,
            Param::Text(v) => stmt.raw_bind_parameter(i + 1, v.as_str())?,
        }
    }
    Ok(())
}

fn canon(v: &SqlValue) -> Canon {
    match v {
        SqlValue::Null => Canon::Null,
        SqlValue::Integer(i) => Canon::Int(*i),
        SqlValue::Real(x) => Canon::float(*x),
        SqlValue::Text(s) => Canon::Text(s.clone()),
        SqlValue::Blob(b) => Canon::Text(format!("{b:?}")),
    }
}

impl Backend for SqliteBackend {
    fn name(&self) -> &str {
        "sqlite"
    }

    fn flavor(&self) -> Flavor {
        Flavor::Sqlite
    }

    fn batch(&mut self, sql: &str) -> BenchResult<()> {
        self.conn.execute_batch(sql).map_err(err)
    }

    fn prepare(&mut self, sql: &str) -> BenchResult<StmtId> {
        let stmt = self
            .conn_static()
            .prepare(&dollar_to_question(sql))
            .map_err(err)?;
        self.stmts.push(stmt);
        Ok(StmtId(self.stmts.len() - 1))
    }

    fn query(
        &mut self,
        stmt: StmtId,
        params: &[Param],
        sink: &mut dyn RowSink,
    ) -> BenchResult<usize> {
        let stmt = &mut self.stmts[stmt.0];
        bind(stmt, params).map_err(err)?;
        let ncols = stmt.column_count();
        let mut out: Vec<Vec<SqlValue>> = Vec::new();
        let mut rows = stmt.raw_query();
        while let Some(row) = rows.next().map_err(err)? {
            let mut values = Vec::with_capacity(ncols);
            for i in 0..ncols {
                // Owned values: text is copied out of SQLite's buffer, as tether's rows own theirs.
                values.push(row.get::<_, SqlValue>(i).map_err(err)?);
            }
            out.push(values);
        }
        let n = out.len();
        if sink.wants_canon() {
            for row in &out {
                sink.row(row.iter().map(canon).collect());
            }
        }
        black_box(out);
        Ok(n)
    }

    fn exec(&mut self, stmt: StmtId, params: &[Param]) -> BenchResult<u64> {
        let stmt = &mut self.stmts[stmt.0];
        bind(stmt, params).map_err(err)?;
        stmt.raw_execute().map(|n| n as u64).map_err(err)
    }

    fn control(&mut self, step: TxnControl) -> BenchResult<()> {
        let stmt = match step {
            TxnControl::Begin => &mut self.begin,
            TxnControl::Commit => &mut self.commit,
            TxnControl::Rollback => &mut self.rollback,
        };
        stmt.raw_execute().map(|_| ()).map_err(err)
    }
}

//! [`Session`]: one connection — runs statements, and owns the current transaction
//! (autocommit unless BEGIN was issued).

use std::borrow::Cow;
use std::sync::Arc;

use chrono::Utc;
use sqlparser::ast::Statement;
use tether_dialect::TetherStatement;

use super::prepared::{CachedPlan, PreparedStatement};
use super::{Column, CommandTag, Database, QueryResult, Row};
use crate::binder::{Binder, BoundStatement, TransactionStatement};
use crate::error::{Error, Result};
use crate::executor::{self, dml};
use crate::expr::{EvalContext, StatementCache};
use crate::functions;
use crate::planner;
use crate::txn::{CatalogUndo, Transaction, WriteRecord};
use crate::types::{cast, CastMode, DataType, Value};

/// Whether a session is inside a transaction block, as psql's prompt shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransactionStatus {
    /// Autocommit: no transaction block open.
    Idle,
    /// Inside BEGIN ... COMMIT.
    InTransaction,
    /// Inside a transaction block that failed; only ROLLBACK (or COMMIT, which rolls back) helps.
    Failed,
}

/// A connection to a [`Database`]. Sessions are independent: each has its own transaction.
#[derive(Debug)]
pub struct Session {
    db: Database,
    /// The open transaction block, if BEGIN was issued.
    block: Option<Transaction>,
    failed: bool,
}

impl Session {
    pub(crate) fn new(db: Database) -> Self {
        Session {
            db,
            block: None,
            failed: false,
        }
    }

    /// The database this session is connected to.
    pub fn database(&self) -> &Database {
        &self.db
    }

    /// The position of the open transaction block's snapshot: the change-log position up to
    /// which it sees every commit (see [`crate::ChangeFollower`]). `None` outside a block.
    pub fn snapshot_position(&self) -> Option<u64> {
        self.block.as_ref().map(|txn| txn.snapshot.ts)
    }

    /// Whether a transaction block is open, and whether it failed.
    pub fn transaction_status(&self) -> TransactionStatus {
        match (&self.block, self.failed) {
            (None, _) => TransactionStatus::Idle,
            (Some(_), false) => TransactionStatus::InTransaction,
            (Some(_), true) => TransactionStatus::Failed,
        }
    }

    /// Runs exactly one statement with `$1..$n` parameters.
    pub async fn execute(&mut self, sql: &str, params: &[Value]) -> Result<QueryResult> {
        let statement = self.parse(tether_dialect::parse_tether_one(sql))?;
        self.run_statement(statement, params).await
    }

    /// Runs one statement and returns its rows.
    pub async fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>> {
        Ok(self.execute(sql, params).await?.rows)
    }

    /// Runs every statement of a script (no parameters), stopping at the first error.
    pub async fn execute_batch(&mut self, sql: &str) -> Result<Vec<QueryResult>> {
        let statements = self.parse(tether_dialect::parse_tether(sql))?;
        let mut results = Vec::with_capacity(statements.len());
        for statement in statements {
            results.push(self.run_statement(statement, &[]).await?);
        }
        Ok(results)
    }

    /// Runs one statement of tether's dialect: view statements here, plain SQL through
    /// [`Session::run`].
    async fn run_statement(
        &mut self,
        statement: TetherStatement,
        params: &[Value],
    ) -> Result<QueryResult> {
        use crate::sync::lifecycle;
        if self.failed {
            return match statement {
                TetherStatement::Sql(sql) => self.run(&sql, None, params),
                _ => Err(Error::InFailedTransaction),
            };
        }
        let view_statement = match &statement {
            TetherStatement::Sql(sql) => match &**sql {
                Statement::Drop {
                    object_type: sqlparser::ast::ObjectType::View,
                    names,
                    ..
                } => lifecycle::names_live_view(&self.db.shared, names),
                _ => false,
            },
            _ => true,
        };
        if !view_statement {
            let TetherStatement::Sql(sql) = statement else {
                return Err(Error::Internal("view statement taken for SQL".into()));
            };
            return self.run(&sql, None, params);
        }
        if self.block.is_some() {
            self.fail_block();
            return Err(Error::ActiveTransaction(format!(
                "{} cannot run inside a transaction block",
                statement_head(&statement)
            )));
        }
        match &statement {
            TetherStatement::CreateView(create) => lifecycle::create_view(&self.db, create).await,
            TetherStatement::RefreshView(refresh) => {
                lifecycle::refresh_view(&self.db, refresh).await
            }
            TetherStatement::AlterView(alter) => lifecycle::alter_view(&self.db, alter).await,
            TetherStatement::DropView(drop) => {
                lifecycle::drop_views(&self.db.shared, &drop.names, drop.if_exists)
            }
            TetherStatement::Sql(sql) => match &**sql {
                Statement::Drop {
                    names, if_exists, ..
                } => lifecycle::drop_views(&self.db.shared, names, *if_exists),
                _ => Err(Error::Internal("unexpected view statement".into())),
            },
        }
    }

    /// Parses a statement once for repeated execution; its plan is cached.
    pub fn prepare(&mut self, sql: &str) -> Result<PreparedStatement> {
        let statement = match self.parse(tether_dialect::parse_tether_one(sql))? {
            TetherStatement::Sql(statement) => *statement,
            other => {
                return Err(Error::unsupported(format!(
                    "preparing {}; run it with execute",
                    statement_head(&other)
                )))
            }
        };
        Ok(PreparedStatement {
            sql: sql.to_string(),
            statement,
            cache: parking_lot::Mutex::new(None),
        })
    }

    /// Runs a prepared statement with parameters.
    pub async fn execute_prepared(
        &mut self,
        statement: &PreparedStatement,
        params: &[Value],
    ) -> Result<QueryResult> {
        self.run(&statement.statement, Some(statement), params)
    }

    /// Runs one parsed statement: transaction control directly, everything else inside the
    /// open transaction block or a transaction of its own.
    fn run(
        &mut self,
        statement: &Statement,
        prepared: Option<&PreparedStatement>,
        params: &[Value],
    ) -> Result<QueryResult> {
        if self.failed
            && !matches!(
                statement,
                Statement::Commit { .. } | Statement::Rollback { .. }
            )
        {
            return Err(Error::InFailedTransaction);
        }
        let (bound, param_types) = match self.bind(statement, prepared) {
            Ok(b) => b,
            Err(e) => {
                self.fail_block();
                return Err(e);
            }
        };
        if let BoundStatement::Transaction(control) = &*bound {
            return self.control(*control);
        }
        let mut txn = match self.block.take() {
            Some(txn) => txn,
            None => self.db.shared.txns.begin(),
        };
        let in_block = self.failed || self.block_open_marker(&txn);
        let outcome = convert_params(params, &param_types)
            .and_then(|params| self.execute_bound(&bound, &mut txn, &params));
        match (outcome, in_block) {
            (Ok(result), true) => {
                self.block = Some(txn);
                Ok(result)
            }
            (Ok(result), false) => {
                crate::sync::commit(&self.db.shared, txn);
                Ok(result)
            }
            (Err(e), true) => {
                self.block = Some(txn);
                self.failed = true;
                Err(e)
            }
            (Err(e), false) => {
                self.rollback(txn);
                Err(e)
            }
        }
    }

    /// True if `txn` is the session's explicit block (taken out of `self.block` for the call).
    fn block_open_marker(&self, txn: &Transaction) -> bool {
        txn.explicit
    }

    /// A syntax error aborts an open transaction block, as any other error does.
    fn parse<T>(
        &mut self,
        parsed: std::result::Result<T, tether_dialect::ParseError>,
    ) -> Result<T> {
        parsed.map_err(|e| {
            self.fail_block();
            Error::from(e)
        })
    }

    fn fail_block(&mut self) {
        if self.block.is_some() {
            self.failed = true;
        }
    }

    /// Binds (or reuses the cached binding of) a statement; returns it with its parameter types.
    fn bind(
        &self,
        statement: &Statement,
        prepared: Option<&PreparedStatement>,
    ) -> Result<(Arc<BoundStatement>, Arc<[DataType]>)> {
        let catalog = self.db.shared.catalog.read();
        if let Some(p) = prepared {
            if let Some(cached) = &*p.cache.lock() {
                if cached.catalog_version == catalog.version() {
                    return Ok((cached.bound.clone(), cached.param_types.clone()));
                }
            }
        }
        let mut binder = Binder::new(&catalog);
        let bound = optimize(binder.bind(statement)?);
        let param_types: Arc<[DataType]> = Arc::from(binder.param_types());
        let bound = Arc::new(bound);
        if let Some(p) = prepared {
            *p.cache.lock() = Some(CachedPlan {
                catalog_version: catalog.version(),
                bound: bound.clone(),
                param_types: param_types.clone(),
            });
        }
        Ok((bound, param_types))
    }

    fn control(&mut self, control: TransactionStatement) -> Result<QueryResult> {
        match control {
            TransactionStatement::Begin => {
                if self.block.is_some() {
                    return Err(Error::ActiveTransaction(
                        "there is already a transaction in progress".into(),
                    ));
                }
                let mut txn = self.db.shared.txns.begin();
                txn.explicit = true;
                txn.start_time = Some(Utc::now());
                self.block = Some(txn);
                Ok(QueryResult::command(CommandTag::Other("BEGIN".into())))
            }
            TransactionStatement::Commit => {
                let failed = std::mem::replace(&mut self.failed, false);
                match self.block.take() {
                    None => Err(Error::NoActiveTransaction(
                        "there is no transaction in progress".into(),
                    )),
                    Some(txn) if failed => {
                        self.rollback(txn);
                        Ok(QueryResult::command(CommandTag::Other("ROLLBACK".into())))
                    }
                    Some(txn) => {
                        crate::sync::commit(&self.db.shared, txn);
                        Ok(QueryResult::command(CommandTag::Other("COMMIT".into())))
                    }
                }
            }
            TransactionStatement::Rollback => {
                self.failed = false;
                match self.block.take() {
                    None => Err(Error::NoActiveTransaction(
                        "there is no transaction in progress".into(),
                    )),
                    Some(txn) => {
                        self.rollback(txn);
                        Ok(QueryResult::command(CommandTag::Other("ROLLBACK".into())))
                    }
                }
            }
        }
    }

    fn execute_bound(
        &self,
        bound: &BoundStatement,
        txn: &mut Transaction,
        params: &[Value],
    ) -> Result<QueryResult> {
        let statement_time = Utc::now();
        let clock = functions::EvalContext {
            transaction_time: txn.start_time_or(statement_time),
            statement_time,
        };
        let cache = StatementCache::default();
        let ctx = EvalContext::new(txn.snapshot, params, &clock, &cache);
        match bound {
            BoundStatement::Query { plan, columns } => {
                let rows = executor::collect(plan, &ctx)?;
                Ok(rows_result(columns, rows, CommandTag::Select))
            }
            BoundStatement::Insert(plan) => {
                let (count, rows) = if plan.def.mirror.is_some() {
                    crate::sync::view_dml::insert(&self.db.shared, plan, txn, &ctx)?
                } else {
                    refuse_control_plane_write(&plan.def)?;
                    dml::execute_insert(plan, txn, &ctx)?
                };
                Ok(dml_result(
                    plan.returning.as_ref(),
                    rows,
                    CommandTag::Insert(count),
                ))
            }
            BoundStatement::Update(plan) => {
                let (count, rows) = if plan.target.def.mirror.is_some() {
                    crate::sync::view_dml::update(&self.db.shared, plan, txn, &ctx)?
                } else {
                    refuse_control_plane_write(&plan.target.def)?;
                    dml::execute_update(plan, txn, &ctx)?
                };
                Ok(dml_result(
                    plan.target.returning.as_ref(),
                    rows,
                    CommandTag::Update(count),
                ))
            }
            BoundStatement::Delete(plan) => {
                let (count, rows) = if plan.target.def.mirror.is_some() {
                    crate::sync::view_dml::delete(&self.db.shared, plan, txn, &ctx)?
                } else {
                    if plan.target.def.schema == crate::sync::attempts::SCHEMA {
                        crate::sync::view_dml::check_attempts_delete(plan, &ctx)?;
                    }
                    dml::execute_delete(plan, txn, &ctx)?
                };
                Ok(dml_result(
                    plan.target.returning.as_ref(),
                    rows,
                    CommandTag::Delete(count),
                ))
            }
            BoundStatement::Ddl(ddl) => {
                let mut catalog = self.db.shared.catalog.write();
                let tag = executor::execute_ddl(ddl, &mut catalog, txn, &ctx)?;
                Ok(QueryResult::command(tag))
            }
            BoundStatement::Explain(inner) => {
                let columns = vec![Column {
                    name: "QUERY PLAN".into(),
                    data_type: DataType::Text,
                }];
                let lines = explain_lines(inner);
                let rows = lines.into_iter().map(|l| vec![Value::text(l)]).collect();
                Ok(rows_result(&Arc::from(columns), rows, CommandTag::Select))
            }
            BoundStatement::Transaction(_) => Err(Error::Internal(
                "transaction control reached the executor".into(),
            )),
        }
    }

    /// Undoes a transaction: row writes, then catalog changes, newest first.
    fn rollback(&self, txn: Transaction) {
        rollback_transaction(&self.db.shared, txn);
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Some(txn) = self.block.take() {
            self.rollback(txn);
        }
    }
}

/// Undoes a transaction: row writes, then catalog changes, newest first; then tells the sync
/// machinery what the transaction had staged.
pub(crate) fn rollback_transaction(shared: &super::database::Shared, mut txn: Transaction) {
    let id = txn.id();
    shared.txns.end(&txn);
    for write in txn.writes.iter().rev() {
        match write {
            WriteRecord::Created {
                table,
                key,
                version,
            } => {
                version.mark_aborted();
                table.data.write().remove_version(key, version);
            }
            WriteRecord::Deleted { version, .. } => version.release_delete(id),
        }
    }
    let effects = std::mem::take(&mut txn.sync);
    if !txn.catalog_undo.is_empty() {
        let mut catalog = shared.catalog.write();
        for undo in txn.catalog_undo.into_iter().rev() {
            undo_catalog_change(&mut catalog, undo);
        }
        catalog.bump();
    }
    if !effects.is_empty() {
        crate::sync::rolled_back(shared, effects);
    }
}

fn undo_catalog_change(catalog: &mut crate::catalog::Catalog, undo: CatalogUndo) {
    match undo {
        CatalogUndo::Created { schema, name } => {
            if let Some(s) = catalog.schemas.get_mut(&schema) {
                s.relations.remove(&name);
            }
        }
        CatalogUndo::Dropped {
            schema,
            name,
            relation,
        } => {
            if let Some(s) = catalog.schemas.get_mut(&schema) {
                s.relations.insert(name, relation);
            }
        }
        CatalogUndo::DefinitionChanged {
            table,
            previous,
            previous_indexes,
        } => {
            table.restore_def(previous);
            if let Some(indexes) = previous_indexes {
                table.data.write().indexes = indexes;
            }
        }
        CatalogUndo::Renamed { schema, from, to } => {
            if let Some(s) = catalog.schemas.get_mut(&schema) {
                if let Some(relation) = s.relations.remove(&to) {
                    s.relations.insert(from, relation);
                }
            }
        }
        CatalogUndo::SchemaCreated { name } => {
            catalog.schemas.remove(&name);
        }
        CatalogUndo::SchemaDropped { name, schema } => {
            catalog.schemas.insert(name, schema);
        }
    }
}

/// Runs the planner over every plan in a bound statement.
fn optimize(bound: BoundStatement) -> BoundStatement {
    match bound {
        BoundStatement::Query { plan, columns } => BoundStatement::Query {
            plan: Box::new(planner::plan_query(*plan)),
            columns,
        },
        BoundStatement::Update(mut plan) => {
            plan_target(&mut plan.target);
            BoundStatement::Update(plan)
        }
        BoundStatement::Delete(mut plan) => {
            plan_target(&mut plan.target);
            BoundStatement::Delete(plan)
        }
        BoundStatement::Insert(mut plan) => {
            if let crate::binder::InsertSource::Query(query) = plan.source {
                plan.source =
                    crate::binder::InsertSource::Query(Box::new(planner::plan_query(*query)));
            }
            BoundStatement::Insert(plan)
        }
        BoundStatement::Explain(inner) => BoundStatement::Explain(Box::new(optimize(*inner))),
        other => other,
    }
}

/// Chooses how an UPDATE or DELETE finds its rows; the filter keeps what that does not enforce.
fn plan_target(target: &mut crate::binder::TargetRows) {
    if let Some(filter) = target.filter.take() {
        let access = planner::choose_access_path(&target.def, filter);
        target.access = access.path;
        target.filter = access.residual;
    }
}

/// `tether.write_attempts` is written by tether only (resolved attempts may be deleted).
fn refuse_control_plane_write(def: &crate::catalog::TableDef) -> Result<()> {
    if def.schema == crate::sync::attempts::SCHEMA {
        return Err(Error::InsufficientPrivilege(format!(
            "{}.{} is maintained by tether: it can be read, and resolved attempts deleted",
            def.schema, def.name
        )));
    }
    Ok(())
}

/// The leading words of a statement, for messages (`CREATE REALTIME VIEW`).
fn statement_head(statement: &TetherStatement) -> String {
    let text = statement.to_string();
    let words: Vec<&str> = text.split_whitespace().take(3).collect();
    words.join(" ")
}

/// Converts the caller's parameters to the types the statement inferred for them; borrows them
/// when every one already has its type.
fn convert_params<'a>(params: &'a [Value], types: &[DataType]) -> Result<Cow<'a, [Value]>> {
    if params.len() < types.len() {
        return Err(Error::UndefinedParameter(params.len() + 1));
    }
    if params.len() > types.len() {
        return Err(Error::InvalidParameterValue(format!(
            "statement takes {} parameter(s) but {} were supplied",
            types.len(),
            params.len()
        )));
    }
    let fits = |value: &Value, data_type: &DataType| {
        *data_type == DataType::Unknown || value.data_type() == *data_type
    };
    if params.iter().zip(types).all(|(v, t)| fits(v, t)) {
        return Ok(Cow::Borrowed(params));
    }
    params
        .iter()
        .zip(types)
        .map(|(value, data_type)| match data_type {
            t if fits(value, t) => Ok(value.clone()),
            t => cast::cast(value.clone(), t, CastMode::Explicit),
        })
        .collect::<Result<Vec<_>>>()
        .map(Cow::Owned)
}

fn rows_result(
    columns: &Arc<[Column]>,
    rows: Vec<Vec<Value>>,
    tag: impl Fn(u64) -> CommandTag,
) -> QueryResult {
    let columns = columns.clone();
    let count = rows.len() as u64;
    let rows = rows
        .into_iter()
        .map(|values| Row::new(columns.clone(), values))
        .collect();
    QueryResult {
        columns,
        rows,
        tag: tag(count),
    }
}

fn dml_result(
    returning: Option<&crate::binder::Returning>,
    rows: Vec<Vec<Value>>,
    tag: CommandTag,
) -> QueryResult {
    match returning {
        None => QueryResult::command(tag),
        Some(r) => {
            let mut result = rows_result(&r.columns, rows, |_| tag.clone());
            result.tag = tag;
            result
        }
    }
}

/// The indented plan tree of a statement.
fn explain_lines(bound: &BoundStatement) -> Vec<String> {
    fn walk(plan: &planner::Plan, depth: usize, out: &mut Vec<String>) {
        let prefix = if depth == 0 {
            String::new()
        } else {
            format!("{}->  ", "  ".repeat(depth * 2 - 1))
        };
        out.push(format!("{prefix}{}", plan.describe()));
        for child in plan.children() {
            walk(child, depth + 1, out);
        }
    }
    let mut out = Vec::new();
    match bound {
        BoundStatement::Query { plan, .. } => walk(plan, 0, &mut out),
        BoundStatement::Update(p) => out.push(format!(
            "Update on {} ({})",
            p.target.def.display_name(),
            planner::describe_access(&p.target.def, &p.target.access)
        )),
        BoundStatement::Delete(p) => out.push(format!(
            "Delete on {} ({})",
            p.target.def.display_name(),
            planner::describe_access(&p.target.def, &p.target.access)
        )),
        BoundStatement::Insert(p) => out.push(format!("Insert on {}", p.def.display_name())),
        _ => out.push("Utility statement".into()),
    }
    out
}

//! The compare-and-set statements of write-back, for any SQL origin: every value a bound
//! parameter, every identifier quoted. A [`SqlStyle`] supplies what differs between servers
//! (quoting, placeholders and casts, the system version column, RETURNING).

use super::origin::{OriginTableName, OriginWrite, VersionCheck, WriteOp, WriteOutcome};
use crate::types::Value;

/// How one kind of server spells the pieces of a statement.
pub trait SqlStyle {
    /// A quoted identifier.
    fn quote(&self, identifier: &str) -> String;
    /// Parameter `index` (1-based) holding a value of `column` of `table`.
    fn value_param(&self, index: usize, table: &OriginTableName, column: &str) -> String;
    /// Parameter `index` holding a version as text, compared with the system version column or
    /// a BIGINT version column.
    fn version_param(&self, index: usize, system: bool) -> String;
    /// The system version column, read as text (`xmin`).
    fn system_version(&self) -> &str;
    /// Whether statements can say `RETURNING`.
    fn returning(&self) -> bool;
    /// Whether an INSERT skips an existing key (`ON CONFLICT (key) DO NOTHING`) rather than
    /// failing with the server's duplicate-key error.
    fn insert_skips_existing_key(&self) -> bool {
        true
    }
    /// An expression read back as text (RETURNING of a version column).
    fn as_text(&self, expression: String) -> String {
        expression
    }

    /// `"schema"."table"` (or just the table when the schema is empty).
    fn table(&self, name: &OriginTableName) -> String {
        if name.schema.is_empty() {
            self.quote(&name.name)
        } else {
            format!("{}.{}", self.quote(&name.schema), self.quote(&name.name))
        }
    }
}

/// A statement and its parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub sql: String,
    pub params: Vec<Value>,
}

/// The compare-and-set statement of `write`, checking `base` (the version it is based on).
/// Inserts skip an existing key (`ON CONFLICT (key) DO NOTHING`) where the style allows;
/// updates bump a version column. With RETURNING, a row comes back exactly when the write applied, holding the new
/// version (or `1`).
pub fn cas_statement(style: &dyn SqlStyle, write: &OriginWrite, base: Option<&str>) -> Statement {
    let table = style.table(&write.table);
    let returning = if style.returning() {
        let version = match &write.version {
            VersionCheck::System => style.system_version().to_string(),
            VersionCheck::Column(c) => style.as_text(style.quote(c)),
            VersionCheck::None => "1".to_string(),
        };
        match write.op {
            WriteOp::Delete => " RETURNING 1".to_string(),
            _ => format!(" RETURNING {version}"),
        }
    } else {
        String::new()
    };
    let mut params: Vec<Value> = Vec::new();
    match write.op {
        WriteOp::Insert => {
            let mut columns = Vec::new();
            let mut placeholders = Vec::new();
            for (column, value) in &write.values {
                params.push(value.clone());
                columns.push(style.quote(column));
                placeholders.push(style.value_param(params.len(), &write.table, column));
            }
            let on_conflict = if style.insert_skips_existing_key() {
                let key: Vec<String> = write.key.iter().map(|(c, _)| style.quote(c)).collect();
                format!(" ON CONFLICT ({}) DO NOTHING", key.join(", "))
            } else {
                String::new()
            };
            Statement {
                sql: format!(
                    "INSERT INTO {table} ({}) VALUES ({}){on_conflict}{returning}",
                    columns.join(", "),
                    placeholders.join(", "),
                ),
                params,
            }
        }
        WriteOp::Update | WriteOp::Delete => {
            let mut sets: Vec<String> = Vec::new();
            if write.op == WriteOp::Update {
                for (column, value) in &write.values {
                    params.push(value.clone());
                    let param = style.value_param(params.len(), &write.table, column);
                    sets.push(format!("{} = {param}", style.quote(column)));
                }
                if let VersionCheck::Column(c) = &write.version {
                    sets.push(format!("{0} = {0} + 1", style.quote(c)));
                }
            }
            let mut condition = key_condition(style, write, &mut params);
            match (&write.version, base) {
                (VersionCheck::None, _) => {}
                (VersionCheck::System, Some(base)) => {
                    params.push(Value::text(base));
                    let param = style.version_param(params.len(), true);
                    condition.push_str(&format!(" AND {} = {param}", style.system_version()));
                }
                (VersionCheck::Column(c), Some(base)) => {
                    params.push(Value::text(base));
                    let param = style.version_param(params.len(), false);
                    condition.push_str(&format!(" AND {} = {param}", style.quote(c)));
                }
                (_, None) => condition.push_str(" AND 1 = 0"),
            }
            let sql = match write.op {
                WriteOp::Update => format!(
                    "UPDATE {table} SET {} WHERE {condition}{returning}",
                    sets.join(", ")
                ),
                _ => format!("DELETE FROM {table} WHERE {condition}{returning}"),
            };
            Statement { sql, params }
        }
    }
}

/// `SELECT <columns> FROM table WHERE <key>`: the row a write is about, as the origin has it.
pub fn row_lookup(style: &dyn SqlStyle, write: &OriginWrite, columns: &str) -> Statement {
    let mut params = Vec::new();
    let condition = key_condition(style, write, &mut params);
    Statement {
        sql: format!(
            "SELECT {columns} FROM {} WHERE {condition}",
            style.table(&write.table)
        ),
        params,
    }
}

/// `"k1" = $n AND "k2" = $n+1 ...`, appending the key values to `params`.
fn key_condition(style: &dyn SqlStyle, write: &OriginWrite, params: &mut Vec<Value>) -> String {
    write
        .key
        .iter()
        .map(|(column, value)| {
            params.push(value.clone());
            format!(
                "{} = {}",
                style.quote(column),
                style.value_param(params.len(), &write.table, column)
            )
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The outcomes of a batch that failed at one write: that write keeps its outcome, every
/// other write is rolled back with it (the batch is all or nothing).
pub fn all_or_nothing(outcomes: Vec<WriteOutcome>, total: usize) -> Vec<WriteOutcome> {
    let mut all: Vec<WriteOutcome> = outcomes
        .into_iter()
        .map(|o| match o {
            WriteOutcome::Applied { .. } => WriteOutcome::RolledBack,
            other => other,
        })
        .collect();
    all.resize(total, WriteOutcome::RolledBack);
    all
}

/// The version a write should check: the one an earlier write of the batch to the same row
/// produced (when it follows one), else its own base.
pub fn effective_base(
    write: &OriginWrite,
    produced: &[(&OriginWrite, Option<String>)],
) -> Option<String> {
    if write.follows_previous {
        if let Some((_, version)) = produced
            .iter()
            .rev()
            .find(|(w, _)| w.table == write.table && w.key == write.key)
        {
            return version.clone().or_else(|| write.base_version.clone());
        }
    }
    write.base_version.clone()
}

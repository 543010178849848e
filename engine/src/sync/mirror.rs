//! [`MirrorSpec`]: how a realtime or materialized view maps its origin table onto the local
//! mirror table — which origin rows it keeps (the WHERE filter), which columns it shows (the
//! projection), the key, the version column and whether writes through it can be mapped back.
//!
//! The view's query is bound with tether's own binder against a catalog holding only the origin
//! table's description, so projections and filters are ordinary expressions evaluated locally
//! over each origin row.

use std::sync::Arc;

use sqlparser::ast::Query;
use tether_dialect::{OriginKind, ViewMode, WritePolicy};

use super::origin::{OriginRow, OriginTable, VersionCheck};
use crate::binder::Binder;
use crate::catalog::{Catalog, ColumnDef, Relation, Schema, Table, TableDef};
use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::planner::Plan;
use crate::storage::Key;
use crate::types::{DataType, Value};

/// The hidden column holding the origin row's version as text.
pub const VERSION_COLUMN: &str = "__version";
/// The hidden column that is true for rows written locally and not yet confirmed.
pub const STAGED_COLUMN: &str = "__staged";

/// One column the view shows.
#[derive(Debug, Clone)]
pub struct MirrorColumn {
    pub name: String,
    pub data_type: DataType,
    /// The origin column it shows unchanged, if it is a plain column reference; derived
    /// (computed) columns are read-only through the view.
    pub source: Option<usize>,
}

/// Everything fixed about a view when it is created.
#[derive(Debug, Clone)]
pub struct MirrorSpec {
    pub mode: ViewMode,
    /// The registered origin's full name, e.g. `tether:demo`.
    pub origin: String,
    pub origin_kind: OriginKind,
    pub origin_table: OriginTable,
    pub version: VersionCheck,
    pub policy: WritePolicy,
    /// The defining query, as SQL over the origin's table.
    pub query: String,
    /// The view's visible columns, in order (the mirror table's first columns).
    pub columns: Vec<MirrorColumn>,
    /// One expression per mirror column before `__version` (visible columns, then hidden key
    /// columns), over an origin row followed by one NULL (the scan's `xmin` slot).
    pub(super) projection: Vec<Expr>,
    pub(super) filter: Option<Expr>,
    /// When the view has no filter and shows origin columns unchanged: the origin position of
    /// each projected column (rows are copied, not evaluated).
    pub(super) direct: Option<Vec<usize>>,
    /// The view shows every origin column, in order, unchanged: an origin row's values are the
    /// mirror row's first values.
    pub(super) identity: bool,
    /// The origin position of the version column ([`VersionCheck::Column`]).
    pub(super) version_column: Option<usize>,
    /// Origin column positions of the primary key.
    pub origin_key: Vec<usize>,
    /// Physical positions of `__version` and `__staged` in the mirror table.
    pub version_position: usize,
    pub staged_position: usize,
    /// Why writes through the view are refused, when they are.
    pub not_writable: Option<String>,
}

impl MirrorSpec {
    /// Binds the view's query against the described origin table and checks the options.
    pub fn new(
        mode: ViewMode,
        origin: &tether_dialect::ReplicationOrigin,
        origin_table: OriginTable,
        query: &Query,
        column_names: &[String],
        version_key: Option<&str>,
        policy: WritePolicy,
    ) -> Result<MirrorSpec> {
        let version = version_check(origin.kind, &origin_table, version_key)?;
        let (projection, filter, bound_columns) = bind_view_query(&origin_table, query)?;
        if !column_names.is_empty() && column_names.len() != bound_columns.len() {
            return Err(Error::InvalidStatement(format!(
                "the view names {} columns but its query gives {}",
                column_names.len(),
                bound_columns.len()
            )));
        }
        let mut columns = Vec::with_capacity(bound_columns.len());
        for (i, (name, data_type)) in bound_columns.into_iter().enumerate() {
            let name = column_names.get(i).cloned().unwrap_or(name);
            if name.starts_with("__") {
                return Err(Error::InvalidStatement(format!(
                    "view column \"{name}\": names starting with \"__\" are reserved for tether's hidden columns"
                )));
            }
            if columns.iter().any(|c: &MirrorColumn| c.name == name) {
                return Err(Error::DuplicateColumn(name));
            }
            let source = match &projection[i] {
                Expr::Column { index, .. } if *index < origin_table.columns.len() => Some(*index),
                _ => None,
            };
            columns.push(MirrorColumn {
                name,
                data_type,
                source,
            });
        }
        let origin_key: Vec<usize> = origin_table
            .primary_key
            .iter()
            .map(|name| {
                origin_table.column_position(name).ok_or_else(|| {
                    Error::Internal(format!("origin key column {name} is not a column"))
                })
            })
            .collect::<Result<_>>()?;
        if origin_key.is_empty() {
            return Err(Error::InvalidTableDefinition(format!(
                "origin table {} has no primary key; a view needs one to mirror it \
                 (add a PRIMARY KEY at the origin)",
                origin_table.name
            )));
        }
        let mut projection = projection;
        let missing_key: Vec<&str> = origin_key
            .iter()
            .filter(|&&k| !columns.iter().any(|c| c.source == Some(k)))
            .map(|&k| origin_table.columns[k].name.as_str())
            .collect();
        for &k in &origin_key {
            if !columns.iter().any(|c| c.source == Some(k)) {
                projection.push(Expr::Column {
                    index: k,
                    data_type: origin_table.columns[k].data_type.clone(),
                });
            }
        }
        let not_writable = (!missing_key.is_empty()).then(|| {
            format!(
                "the view does not show the origin's primary key ({})",
                missing_key.join(", ")
            )
        });
        let version_position = projection.len();
        let direct = if filter.is_none() {
            projection
                .iter()
                .map(|e| match e {
                    Expr::Column { index, .. } if *index < origin_table.columns.len() => {
                        Some(*index)
                    }
                    _ => None,
                })
                .collect::<Option<Vec<usize>>>()
        } else {
            None
        };
        let identity = direct.as_ref().is_some_and(|d| {
            d.len() == origin_table.columns.len() && d.iter().enumerate().all(|(i, &p)| i == p)
        });
        let version_column = match &version {
            VersionCheck::Column(name) => origin_table.column_position(name),
            _ => None,
        };
        Ok(MirrorSpec {
            mode,
            origin: origin.to_string(),
            origin_kind: origin.kind,
            origin_table,
            version,
            policy,
            query: query.to_string(),
            columns,
            projection,
            filter,
            direct,
            identity,
            version_column,
            origin_key,
            version_position,
            staged_position: version_position + 1,
            not_writable,
        })
    }

    /// The local table that holds the view's rows: visible columns, hidden key columns the
    /// view does not show, `__version` and `__staged`; keyed by the origin's primary key.
    pub fn table_def(self: &Arc<Self>, schema: &str, name: &str) -> TableDef {
        let column = |name: String, data_type: DataType, nullable: bool, hidden: bool| ColumnDef {
            hidden,
            ..ColumnDef::plain(name, data_type, nullable)
        };
        let mut columns: Vec<ColumnDef> = self
            .columns
            .iter()
            .map(|c| column(c.name.clone(), c.data_type.clone(), true, false))
            .collect();
        for expr in &self.projection[self.columns.len()..] {
            if let Expr::Column { index, data_type } = expr {
                let origin_column = &self.origin_table.columns[*index];
                columns.push(column(
                    format!("__key_{}", origin_column.name),
                    data_type.clone(),
                    false,
                    true,
                ));
            }
        }
        columns.push(column(VERSION_COLUMN.into(), DataType::Text, true, true));
        columns.push(column(STAGED_COLUMN.into(), DataType::Bool, false, true));
        let primary_key: Vec<usize> = self
            .origin_key
            .iter()
            .filter_map(|&k| self.mirror_position_of_origin(k))
            .collect();
        for &p in &primary_key {
            columns[p].nullable = false;
        }
        TableDef {
            schema: schema.to_string(),
            name: name.to_string(),
            columns,
            primary_key,
            primary_key_name: Some(format!("{name}_pkey")),
            indexes: Vec::new(),
            checks: Vec::new(),
            mirror: Some(self.clone()),
        }
    }

    /// The mirror column that holds origin column `origin_position` unchanged.
    pub fn mirror_position_of_origin(&self, origin_position: usize) -> Option<usize> {
        self.projection
            .iter()
            .position(|e| matches!(e, Expr::Column { index, .. } if *index == origin_position))
    }

    /// The mirror row for an origin row — projected, with version, not staged — or `None`
    /// when the view's filter leaves the row out.
    pub fn mirror_row(&self, row: &OriginRow) -> Result<Option<Vec<Value>>> {
        super::mirror_rows::MirrorRows::new(self)
            .row(row.values.clone(), row.system_version.as_deref())
    }

    /// The mirror key of an origin row (its primary key values).
    pub fn key_of(&self, row: &OriginRow) -> Key {
        self.key_of_values(&row.values)
    }

    /// The mirror key of an origin row's values.
    pub fn key_of_values(&self, values: &[Value]) -> Key {
        self.origin_key
            .iter()
            .map(|&k| values.get(k).cloned().unwrap_or(Value::Null))
            .collect()
    }

    /// Whether the view may be written through; the error says why not.
    pub fn check_writable(&self, view: &str) -> Result<()> {
        match &self.not_writable {
            None => Ok(()),
            Some(reason) => Err(Error::ViewNotWritable(format!(
                "cannot write to view \"{view}\": {reason}"
            ))),
        }
    }

    /// The view's columns for `tether.views` and `\d`.
    pub fn version_key_name(&self) -> Option<String> {
        match &self.version {
            VersionCheck::System => Some("xmin".into()),
            VersionCheck::Column(c) => Some(c.clone()),
            VersionCheck::None => None,
        }
    }
}

/// The version a view checks: the option, or the origin kind's default.
fn version_check(kind: OriginKind, table: &OriginTable, key: Option<&str>) -> Result<VersionCheck> {
    match key {
        Some(name)
            if name.eq_ignore_ascii_case("xmin") && table.column_position(name).is_none() =>
        {
            system_version(table)
        }
        Some(name) => {
            let position = table.column_position(name).ok_or_else(|| {
                Error::UndefinedColumn(format!(
                    "{name}\" of origin table \"{}\" (named by upstream_mvcc_key)",
                    table.name
                ))
            })?;
            match table.columns[position].data_type {
                DataType::Int16 | DataType::Int32 | DataType::Int64 => {
                    Ok(VersionCheck::Column(name.to_string()))
                }
                ref other => Err(Error::DatatypeMismatch(format!(
                    "upstream_mvcc_key column \"{name}\" is {other}; it must be an integer column \
                     (BIGINT) that tether increments on every write"
                ))),
            }
        }
        None if kind == OriginKind::Mysql => Ok(VersionCheck::None),
        None => system_version(table),
    }
}

fn system_version(table: &OriginTable) -> Result<VersionCheck> {
    if table.has_system_version {
        Ok(VersionCheck::System)
    } else {
        Err(Error::InvalidStatement(format!(
            "origin table {} has no system row version; name a BIGINT version column with \
             upstream_mvcc_key",
            table.name
        )))
    }
}

/// A view query bound over its origin table: projection, filter, output columns.
type BoundViewQuery = (Vec<Expr>, Option<Expr>, Vec<(String, DataType)>);

/// Binds the view's query over the origin table; returns the projection and filter over the
/// origin row, and the output columns. Only `SELECT items FROM table [WHERE ...]` is accepted.
fn bind_view_query(table: &OriginTable, query: &Query) -> Result<BoundViewQuery> {
    let mut catalog = Catalog::default();
    let def = TableDef {
        schema: table.name.schema.clone(),
        name: table.name.name.clone(),
        columns: table
            .columns
            .iter()
            .map(|c| ColumnDef::plain(c.name.clone(), c.data_type.clone(), c.nullable))
            .collect(),
        primary_key: Vec::new(),
        primary_key_name: None,
        indexes: Vec::new(),
        checks: Vec::new(),
        mirror: None,
    };
    let id = catalog.allocate_table_id();
    catalog
        .schemas
        .entry(table.name.schema.clone())
        .or_insert_with(Schema::default)
        .relations
        .insert(
            table.name.name.clone(),
            Relation::Table(Arc::new(Table::new(id, def))),
        );
    if table.name.schema != crate::catalog::DEFAULT_SCHEMA {
        // Unqualified names in the view's query mean the origin table's schema.
        let schema = catalog.schemas[&table.name.schema].clone();
        catalog
            .schemas
            .entry(crate::catalog::DEFAULT_SCHEMA.to_string())
            .or_default()
            .relations
            .extend(schema.relations);
    }
    let (plan, columns) = Binder::new(&catalog)
        .bind_query(query)
        .map_err(|e| match e {
            Error::UndefinedTable(name) => Error::UndefinedTable(format!(
                "{name}\" at the origin (a view's query names a table of its origin, here {}",
                table.name
            )),
            other => other,
        })?;
    let not_simple = || {
        Error::FeatureNotSupported(format!(
            "a realtime or materialized view mirrors one origin table: its query must be \
             SELECT columns or expressions FROM {} [WHERE ...] (no joins, grouping, \
             ordering, limits, DISTINCT or set operations)",
            table.name
        ))
    };
    let (exprs, filter) = match plan {
        Plan::Project { input, exprs } => match *input {
            Plan::Scan { .. } => (exprs, None),
            Plan::Filter { input, predicate } if matches!(*input, Plan::Scan { .. }) => {
                (exprs, Some(predicate))
            }
            _ => return Err(not_simple()),
        },
        Plan::Scan { .. } => (
            Expr::columns(table.columns.iter().map(|c| c.data_type.clone())),
            None,
        ),
        _ => return Err(not_simple()),
    };
    let columns = columns
        .into_iter()
        .map(|c| (c.name, c.data_type))
        .collect::<Vec<_>>();
    Ok((exprs, filter, columns))
}

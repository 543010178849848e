//! DDL execution against the catalog. Every change is logged in the transaction's catalog undo
//! log so ROLLBACK restores the previous state.

use std::sync::Arc;

use crate::api::CommandTag;
use crate::binder::{AlterAction, DdlStatement};
use crate::catalog::{Catalog, Relation, Schema, Table, TableDef};
use crate::error::{Error, Result};
use crate::executor::EvalContext;
use crate::storage::IndexData;
use crate::txn::{CatalogUndo, Transaction};
use crate::types::Value;

fn tag(text: &str) -> CommandTag {
    CommandTag::Other(text.to_string())
}

/// Runs one DDL statement with the catalog write-locked.
pub fn execute_ddl(
    ddl: &DdlStatement,
    catalog: &mut Catalog,
    txn: &mut Transaction,
    ctx: &EvalContext,
) -> Result<CommandTag> {
    let result = match ddl {
        DdlStatement::CreateSchema {
            name,
            if_not_exists,
        } => {
            if catalog.schemas.contains_key(name) {
                if *if_not_exists {
                    return Ok(tag("CREATE SCHEMA"));
                }
                return Err(Error::DuplicateSchema(name.clone()));
            }
            catalog.schemas.insert(name.clone(), Schema::default());
            txn.catalog_undo
                .push(CatalogUndo::SchemaCreated { name: name.clone() });
            tag("CREATE SCHEMA")
        }
        DdlStatement::DropSchema {
            names,
            if_exists,
            cascade,
        } => {
            for name in names {
                match catalog.schemas.get(name) {
                    None if *if_exists => continue,
                    None => return Err(Error::UndefinedSchema(name.clone())),
                    Some(s) if !s.relations.is_empty() && !cascade => {
                        return Err(Error::DependentObjectsStillExist(format!(
                            "cannot drop schema {name} because other objects depend on it"
                        )))
                    }
                    Some(_) => {}
                }
                if let Some(schema) = catalog.schemas.remove(name) {
                    txn.catalog_undo.push(CatalogUndo::SchemaDropped {
                        name: name.clone(),
                        schema,
                    });
                }
            }
            tag("DROP SCHEMA")
        }
        DdlStatement::CreateTable { def, if_not_exists } => {
            if catalog.name_taken(&def.schema, &def.name) {
                if *if_not_exists {
                    return Ok(tag("CREATE TABLE"));
                }
                return Err(Error::DuplicateTable(def.name.clone()));
            }
            for index in &def.indexes {
                if catalog.name_taken(&def.schema, &index.name) {
                    return Err(Error::DuplicateTable(index.name.clone()));
                }
            }
            let id = catalog.allocate_table_id();
            let table = Arc::new(Table::new(id, def.clone()));
            catalog
                .schema_mut(&def.schema)?
                .relations
                .insert(def.name.clone(), Relation::Table(table));
            txn.catalog_undo.push(CatalogUndo::Created {
                schema: def.schema.clone(),
                name: def.name.clone(),
            });
            tag("CREATE TABLE")
        }
        DdlStatement::DropTable { names, if_exists } => {
            drop_relations(catalog, txn, names, *if_exists, "table", |r| {
                matches!(r, Relation::Table(t) if t.def().mirror.is_none()
                    && t.def().schema != crate::sync::attempts::SCHEMA)
            })?;
            tag("DROP TABLE")
        }
        DdlStatement::CreateView { view, or_replace } => {
            let index_named_so = catalog
                .table_of_index(Some(&view.schema), &view.name)
                .is_some();
            let schema = catalog.schema_mut(&view.schema)?;
            match schema.relations.get(&view.name) {
                Some(Relation::View(_)) if *or_replace => {
                    if let Some(previous) = schema.relations.remove(&view.name) {
                        txn.catalog_undo.push(CatalogUndo::Dropped {
                            schema: view.schema.clone(),
                            name: view.name.clone(),
                            relation: previous,
                        });
                    }
                }
                Some(_) => return Err(Error::DuplicateTable(view.name.clone())),
                None if index_named_so => return Err(Error::DuplicateTable(view.name.clone())),
                None => {}
            }
            catalog
                .schema_mut(&view.schema)?
                .relations
                .insert(view.name.clone(), Relation::View(Arc::new(view.clone())));
            txn.catalog_undo.push(CatalogUndo::Created {
                schema: view.schema.clone(),
                name: view.name.clone(),
            });
            tag("CREATE VIEW")
        }
        DdlStatement::DropView { names, if_exists } => {
            drop_relations(catalog, txn, names, *if_exists, "view", |r| {
                matches!(r, Relation::View(_))
            })?;
            tag("DROP VIEW")
        }
        DdlStatement::CreateIndex {
            table,
            index,
            if_not_exists,
        } => {
            let def = table.def();
            if catalog.name_taken(&def.schema, &index.name) {
                if *if_not_exists {
                    return Ok(tag("CREATE INDEX"));
                }
                return Err(Error::DuplicateTable(index.name.clone()));
            }
            let mut new_def = (*def).clone();
            new_def.indexes.push(index.clone());
            let mut data = table.data.write();
            let built = data.build_index(&new_def, &index.columns);
            if index.unique {
                check_unique(&new_def, &index.columns, &built, &index.name)?;
            }
            let previous_indexes = data.indexes.clone();
            data.indexes.push(built);
            drop(data);
            let previous = table.replace_def(new_def);
            txn.catalog_undo.push(CatalogUndo::DefinitionChanged {
                table: table.clone(),
                previous,
                previous_indexes: Some(previous_indexes),
            });
            tag("CREATE INDEX")
        }
        DdlStatement::DropIndex { names, if_exists } => {
            for (schema, name) in names {
                let Some(table) = catalog.table_of_index(schema.as_deref(), name) else {
                    if *if_exists {
                        continue;
                    }
                    return Err(Error::UndefinedObject(format!(
                        "index \"{name}\" does not exist"
                    )));
                };
                let def = table.def();
                let Some(position) = def.index_position(name) else {
                    continue;
                };
                let mut new_def = (*def).clone();
                new_def.indexes.remove(position);
                let mut data = table.data.write();
                let previous_indexes = data.indexes.clone();
                data.indexes.remove(position);
                drop(data);
                let previous = table.replace_def(new_def);
                txn.catalog_undo.push(CatalogUndo::DefinitionChanged {
                    table,
                    previous,
                    previous_indexes: Some(previous_indexes),
                });
            }
            tag("DROP INDEX")
        }
        DdlStatement::AlterTable { table, action } => {
            alter_table(catalog, table, action, txn, ctx)?;
            tag("ALTER TABLE")
        }
    };
    catalog.bump();
    Ok(result)
}

/// Drops the named relations, which must be of the kind `is_kind` accepts (`kind` names it in
/// the error); missing ones are skipped under IF EXISTS.
fn drop_relations(
    catalog: &mut Catalog,
    txn: &mut Transaction,
    names: &[(Option<String>, String)],
    if_exists: bool,
    kind: &str,
    is_kind: fn(&Relation) -> bool,
) -> Result<()> {
    for (schema, name) in names {
        let schema_name = schema
            .clone()
            .unwrap_or_else(|| crate::catalog::DEFAULT_SCHEMA.to_string());
        match catalog.relation(Some(&schema_name), name) {
            Ok(relation) if is_kind(relation) => {}
            Ok(_) => {
                return Err(Error::WrongObjectType(format!(
                    "\"{name}\" is not a {kind}"
                )))
            }
            Err(_) if if_exists => continue,
            Err(_) => {
                return Err(Error::UndefinedTable(crate::catalog::qualified(
                    schema.as_deref(),
                    name,
                )))
            }
        }
        if let Some(relation) = catalog.schema_mut(&schema_name)?.relations.remove(name) {
            txn.catalog_undo.push(CatalogUndo::Dropped {
                schema: schema_name,
                name: name.clone(),
                relation,
            });
        }
    }
    Ok(())
}

/// Fails if two live rows share the values of a new unique index.
fn check_unique(def: &TableDef, columns: &[usize], built: &IndexData, name: &str) -> Result<()> {
    let width = columns.len();
    let mut previous: Option<&[Value]> = None;
    let mut previous_key: Option<&[Value]> = None;
    for entry in &built.entries {
        let (values, key) = entry.split_at(width.min(entry.len()));
        if values.iter().any(Value::is_null) {
            continue;
        }
        if previous == Some(values) && previous_key != Some(key) {
            return Err(Error::UniqueIndexBuild {
                index: name.to_string(),
                columns: def.column_names(columns),
                values: values
                    .iter()
                    .map(|v| v.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        previous = Some(values);
        previous_key = Some(key);
    }
    Ok(())
}

fn alter_table(
    catalog: &mut Catalog,
    table: &Arc<Table>,
    action: &AlterAction,
    txn: &mut Transaction,
    ctx: &EvalContext,
) -> Result<()> {
    let def = table.def();
    let mut new_def = (*def).clone();
    let mut new_indexes: Option<Vec<IndexData>> = None;
    match action {
        AlterAction::AddColumn {
            column,
            if_not_exists,
            unique,
            checks,
        } => {
            if new_def.column_position(&column.name).is_some() {
                if *if_not_exists {
                    return Ok(());
                }
                return Err(Error::ColumnExists {
                    table: def.name.clone(),
                    column: column.name.clone(),
                });
            }
            let has_rows = !table.data.read().rows.is_empty();
            if has_rows && column.identity.is_some() {
                return Err(Error::unsupported(
                    "adding an identity column to a table that has rows",
                ));
            }
            let mut column = column.clone();
            column.missing = match &column.default {
                Some(d) => crate::types::cast::cast(
                    d.expr.eval(&[], ctx)?,
                    &column.data_type,
                    crate::types::CastMode::Assignment,
                )?,
                None => Value::Null,
            };
            if has_rows && column.missing.is_null() && !column.nullable {
                return Err(Error::NotNullExistingRows {
                    table: def.name.clone(),
                    column: column.name.clone(),
                });
            }
            let position = new_def.columns.len();
            new_def.columns.push(column.clone());
            new_def.checks.extend(checks.iter().cloned());
            if *unique {
                let name = format!("{}_{}_key", new_def.name, column.name);
                new_def.indexes.push(crate::catalog::IndexDef {
                    name,
                    columns: vec![position],
                    unique: true,
                });
                let data = table.data.read();
                let built = data.build_index(&new_def, &[position]);
                let index_name = new_def
                    .indexes
                    .last()
                    .map_or(String::new(), |i| i.name.clone());
                check_unique(&new_def, &[position], &built, &index_name)?;
                let mut indexes = data.indexes.clone();
                indexes.push(built);
                new_indexes = Some(indexes);
            }
        }
        AlterAction::DropColumn { name, if_exists } => {
            let Some(position) = new_def.column_position(name) else {
                if *if_exists {
                    return Ok(());
                }
                return Err(Error::UndefinedColumn(format!(
                    "{name}\" of relation \"{}",
                    def.name
                )));
            };
            if new_def.primary_key.contains(&position) {
                return Err(Error::DependentObjectsStillExist(format!(
                    "cannot drop column {name} of table {} because the primary key depends on it",
                    def.name
                )));
            }
            new_def.columns[position].dropped = true;
            new_def.columns[position].name = format!("........pg.dropped.{position}........");
            let keep: Vec<bool> = new_def
                .indexes
                .iter()
                .map(|i| !i.columns.contains(&position))
                .collect();
            if keep.iter().any(|k| !k) {
                let data = table.data.read();
                new_indexes = Some(
                    data.indexes
                        .iter()
                        .zip(&keep)
                        .filter(|(_, k)| **k)
                        .map(|(d, _)| d.clone())
                        .collect(),
                );
                let mut kept = keep.iter();
                new_def.indexes.retain(|_| *kept.next().unwrap_or(&true));
            }
            new_def.checks.retain(|c| {
                let mut uses = false;
                c.expr.walk(&mut |e| uses |= matches!(e, crate::expr::Expr::Column { index, .. } if *index == position));
                !uses
            });
        }
        AlterAction::RenameColumn { from, to } => {
            let position = new_def
                .column_position(from)
                .ok_or_else(|| Error::UndefinedColumn(from.clone()))?;
            if new_def.column_position(to).is_some() || to == "xmin" {
                return Err(Error::ColumnExists {
                    table: def.name.clone(),
                    column: to.clone(),
                });
            }
            new_def.columns[position].name = to.clone();
        }
        AlterAction::RenameTable { to } => {
            if catalog.name_taken(&def.schema, to) {
                return Err(Error::DuplicateTable(to.clone()));
            }
            let schema = catalog.schema_mut(&def.schema)?;
            if let Some(relation) = schema.relations.remove(&def.name) {
                schema.relations.insert(to.clone(), relation);
            }
            new_def.name = to.clone();
            txn.catalog_undo.push(CatalogUndo::Renamed {
                schema: def.schema.clone(),
                from: def.name.clone(),
                to: to.clone(),
            });
        }
    }
    if !matches!(action, AlterAction::AddColumn { .. }) || new_def.checks.len() != def.checks.len()
    {
        validate_checks(table, &new_def, ctx)?;
    }
    let previous_indexes = match new_indexes {
        Some(indexes) => Some(std::mem::replace(&mut table.data.write().indexes, indexes)),
        None => None,
    };
    let previous = table.replace_def(new_def);
    txn.catalog_undo.push(CatalogUndo::DefinitionChanged {
        table: table.clone(),
        previous,
        previous_indexes,
    });
    Ok(())
}

/// Verifies that every visible row satisfies the CHECK constraints of `def`.
fn validate_checks(table: &Arc<Table>, def: &TableDef, ctx: &EvalContext) -> Result<()> {
    if def.checks.is_empty() {
        return Ok(());
    }
    let def = Arc::new(def.clone());
    let targets =
        super::dml::collect_targets(table, &def, &crate::planner::AccessPath::Full, None, ctx)?;
    for target in targets {
        for check in &def.checks {
            if let Value::Bool(false) = check.expr.eval(&target.row, ctx)? {
                return Err(Error::CheckViolation {
                    table: def.name.clone(),
                    constraint: check.name.clone(),
                    row: String::from("existing row"),
                });
            }
        }
    }
    Ok(())
}

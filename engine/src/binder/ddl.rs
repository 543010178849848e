//! Binding of DDL: CREATE/DROP SCHEMA, CREATE/DROP TABLE (keys, UNIQUE, NOT NULL, DEFAULT,
//! CHECK, identity and serial columns), CREATE/DROP INDEX, ALTER TABLE.

use sqlparser::ast::{
    self, AlterTableOperation, ColumnOption, ObjectType, RenameTableNameKind, SchemaName,
    Statement, TableConstraint,
};

use super::expr::ExprContext;
use super::scope::Scope;
use super::statement::{AlterAction, DdlStatement};
use super::{names, types, unsupported_statement, Binder, BoundStatement};
use crate::catalog::{
    CheckDef, ColumnDef, DefaultValue, Identity, IndexDef, Relation, TableDef, ViewDef,
    DEFAULT_SCHEMA,
};
use crate::error::{Error, Result};
use crate::types::{DataType, Value};

/// Column-level constraints found while binding a column, applied to the table afterwards.
#[derive(Default)]
struct ColumnConstraints {
    primary_key: bool,
    unique: Option<Option<String>>,
    checks: Vec<(Option<String>, ast::Expr)>,
}

impl Binder<'_> {
    pub(super) fn bind_ddl(&mut self, statement: &Statement) -> Result<BoundStatement> {
        let ddl = match statement {
            Statement::CreateSchema {
                schema_name,
                if_not_exists,
                ..
            } => {
                let name = match schema_name {
                    SchemaName::Simple(name) => names::object_name(name)?.1,
                    _ => return Err(Error::unsupported("CREATE SCHEMA AUTHORIZATION")),
                };
                DdlStatement::CreateSchema {
                    name,
                    if_not_exists: *if_not_exists,
                }
            }
            Statement::CreateTable(create) => self.bind_create_table(create)?,
            Statement::CreateIndex(create) => self.bind_create_index(create)?,
            Statement::CreateView(create) => self.bind_create_view(create)?,
            Statement::AlterTable(alter) => self.bind_alter_table(alter)?,
            Statement::Drop {
                object_type,
                if_exists,
                names: objects,
                cascade,
                ..
            } => {
                let names = objects
                    .iter()
                    .map(names::object_name)
                    .collect::<Result<Vec<_>>>()?;
                match object_type {
                    ObjectType::Table => DdlStatement::DropTable {
                        names,
                        if_exists: *if_exists,
                    },
                    ObjectType::Index => DdlStatement::DropIndex {
                        names,
                        if_exists: *if_exists,
                    },
                    ObjectType::View => DdlStatement::DropView {
                        names,
                        if_exists: *if_exists,
                    },
                    ObjectType::Schema => DdlStatement::DropSchema {
                        names: names.into_iter().map(|(_, n)| n).collect(),
                        if_exists: *if_exists,
                        cascade: *cascade,
                    },
                    other => return Err(Error::unsupported(format!("DROP {other}"))),
                }
            }
            other => return Err(unsupported_statement(other)),
        };
        Ok(BoundStatement::Ddl(Box::new(ddl)))
    }

    fn bind_create_table(&mut self, create: &ast::CreateTable) -> Result<DdlStatement> {
        if create.query.is_some() {
            return Err(Error::unsupported("CREATE TABLE ... AS"));
        }
        let (schema, name) = names::object_name(&create.name)?;
        let schema = schema.unwrap_or_else(|| DEFAULT_SCHEMA.to_string());
        if !self.catalog.schemas.contains_key(&schema) {
            return Err(Error::UndefinedSchema(schema));
        }
        let mut def = TableDef {
            schema,
            name: name.clone(),
            columns: Vec::with_capacity(create.columns.len()),
            primary_key: Vec::new(),
            primary_key_name: None,
            indexes: Vec::new(),
            checks: Vec::new(),
            mirror: None,
        };
        let mut per_column = Vec::with_capacity(create.columns.len());
        for column in &create.columns {
            let (column_def, constraints) = self.bind_column_def(column)?;
            if def.column_position(&column_def.name).is_some() {
                return Err(Error::DuplicateColumn(column_def.name));
            }
            def.columns.push(column_def);
            per_column.push(constraints);
        }
        for (position, constraints) in per_column.into_iter().enumerate() {
            self.apply_column_constraints(&mut def, position, constraints)?;
        }
        for constraint in &create.constraints {
            self.apply_table_constraint(&mut def, constraint)?;
        }
        for &p in &def.primary_key {
            def.columns[p].nullable = false;
        }
        Ok(DdlStatement::CreateTable {
            def,
            if_not_exists: create.if_not_exists,
        })
    }

    fn bind_column_def(
        &mut self,
        column: &ast::ColumnDef,
    ) -> Result<(ColumnDef, ColumnConstraints)> {
        let name = names::ident(&column.name);
        if name == "xmin" {
            return Err(Error::SystemColumnName(name));
        }
        let declared = types::declared_type(&column.data_type)?;
        let mut def = ColumnDef {
            name,
            data_type: declared.data_type,
            nullable: true,
            default: None,
            identity: declared.serial.then_some(Identity { always: false }),
            missing: Value::Null,
            dropped: false,
            hidden: false,
        };
        if declared.serial {
            def.nullable = false;
        }
        let mut constraints = ColumnConstraints::default();
        for option in &column.options {
            let constraint_name = option.name.as_ref().map(names::ident);
            match &option.option {
                ColumnOption::Null => def.nullable = true,
                ColumnOption::NotNull => def.nullable = false,
                ColumnOption::Default(e) => {
                    let expr = self.bind_expr(
                        e,
                        &Scope::default(),
                        ExprContext::no_aggregates("DEFAULT expressions"),
                    )?;
                    let expr = self.coerce_for_column(expr, &def.name, &def.data_type)?;
                    def.default = Some(DefaultValue {
                        expr,
                        sql: e.to_string(),
                    });
                }
                ColumnOption::PrimaryKey(_) => constraints.primary_key = true,
                ColumnOption::Unique(_) => constraints.unique = Some(constraint_name),
                ColumnOption::Check(check) => constraints.checks.push((
                    constraint_name.or(check.name.as_ref().map(names::ident)),
                    (*check.expr).clone(),
                )),
                ColumnOption::Generated {
                    generated_as,
                    generation_expr: None,
                    ..
                } => {
                    if !def.data_type.is_integer() {
                        return Err(Error::InvalidTableDefinition(format!(
                            "identity column type must be smallint, integer, or bigint, not {}",
                            def.data_type
                        )));
                    }
                    def.identity = Some(Identity {
                        always: matches!(generated_as, ast::GeneratedAs::Always),
                    });
                    def.nullable = false;
                }
                other => return Err(Error::unsupported(format!("column option {other}"))),
            }
        }
        if def.identity.is_some() && def.default.is_some() {
            return Err(Error::InvalidTableDefinition(format!(
                "both default and identity specified for column \"{}\"",
                def.name
            )));
        }
        Ok((def, constraints))
    }

    fn apply_column_constraints(
        &mut self,
        def: &mut TableDef,
        position: usize,
        constraints: ColumnConstraints,
    ) -> Result<()> {
        if constraints.primary_key {
            set_primary_key(def, vec![position], None)?;
        }
        if let Some(name) = constraints.unique {
            add_unique(def, vec![position], name);
        }
        for (name, expr) in constraints.checks {
            let column = def.columns[position].name.clone();
            self.add_check(def, name, &expr, Some(&column))?;
        }
        Ok(())
    }

    fn apply_table_constraint(
        &mut self,
        def: &mut TableDef,
        constraint: &TableConstraint,
    ) -> Result<()> {
        match constraint {
            TableConstraint::PrimaryKey(pk) => {
                let columns = index_columns(def, &pk.columns)?;
                set_primary_key(def, columns, pk.name.as_ref().map(names::ident))
            }
            TableConstraint::Unique(unique) => {
                let columns = index_columns(def, &unique.columns)?;
                add_unique(def, columns, unique.name.as_ref().map(names::ident));
                Ok(())
            }
            TableConstraint::Check(check) => self.add_check(
                def,
                check.name.as_ref().map(names::ident),
                &check.expr,
                None,
            ),
            other => Err(Error::unsupported(format!("table constraint {other}"))),
        }
    }

    fn add_check(
        &mut self,
        def: &mut TableDef,
        name: Option<String>,
        expr: &ast::Expr,
        column: Option<&str>,
    ) -> Result<()> {
        let scope = Self::table_scope(def, &def.name);
        let bound = self.bind_expr(
            expr,
            &scope,
            ExprContext::no_aggregates("check constraints"),
        )?;
        let bound = self.coerce_bool(bound, "CHECK")?;
        let name = name.unwrap_or_else(|| {
            let base = match column {
                Some(c) => format!("{}_{c}_check", def.name),
                None => format!("{}_check", def.name),
            };
            unique_name(base, |n| def.checks.iter().any(|c| c.name == n))
        });
        def.checks.push(CheckDef {
            name,
            expr: bound,
            sql: expr.to_string(),
        });
        Ok(())
    }

    fn bind_create_view(&mut self, create: &ast::CreateView) -> Result<DdlStatement> {
        if create.materialized {
            return Err(Error::unsupported("materialized views"));
        }
        let (schema, name) = names::object_name(&create.name)?;
        let schema = schema.unwrap_or_else(|| DEFAULT_SCHEMA.to_string());
        if !self.catalog.schemas.contains_key(&schema) {
            return Err(Error::UndefinedSchema(schema));
        }
        let (_, bound_columns) = self.bind_query(&create.query)?;
        if create.columns.len() > bound_columns.len() {
            return Err(Error::InvalidStatement(
                "CREATE VIEW specifies more column names than columns".into(),
            ));
        }
        let types: Vec<DataType> = bound_columns.iter().map(|c| c.data_type.clone()).collect();
        let mut columns: Vec<String> = bound_columns.into_iter().map(|c| c.name).collect();
        for (column, given) in columns.iter_mut().zip(&create.columns) {
            *column = names::ident(&given.name);
        }
        if create.or_replace {
            if let Ok(Relation::View(existing)) = self.catalog.relation(Some(&schema), &name) {
                check_replacement(existing, &columns, &types)?;
            }
        }
        let view = ViewDef {
            schema,
            name,
            query: create.query.to_string(),
            columns,
            types,
        };
        Ok(DdlStatement::CreateView {
            view,
            or_replace: create.or_replace,
        })
    }

    fn bind_create_index(&mut self, create: &ast::CreateIndex) -> Result<DdlStatement> {
        if create.predicate.is_some() {
            return Err(Error::unsupported("partial indexes"));
        }
        let (schema, table_name) = names::object_name(&create.table_name)?;
        let table = self.catalog.table(schema.as_deref(), &table_name)?.clone();
        let def = table.def();
        let columns = index_columns(&def, &create.columns)?;
        let name = match &create.name {
            Some(n) => names::object_name(n)?.1,
            None => unique_name(
                format!("{}_{}_idx", def.name, column_list(&def, &columns)),
                |n| def.index_position(n).is_some(),
            ),
        };
        Ok(DdlStatement::CreateIndex {
            table,
            index: IndexDef {
                name,
                columns,
                unique: create.unique,
            },
            if_not_exists: create.if_not_exists,
        })
    }

    fn bind_alter_table(&mut self, alter: &ast::AlterTable) -> Result<DdlStatement> {
        let (schema, name) = names::object_name(&alter.name)?;
        let table = self.catalog.table(schema.as_deref(), &name)?.clone();
        if table.def().mirror.is_some() || table.def().schema == crate::sync::attempts::SCHEMA {
            return Err(Error::WrongObjectType(format!(
                "\"{name}\" is maintained by tether and cannot be altered (ALTER VIEW ... SET \
                 changes a realtime view's options)"
            )));
        }
        let [operation] = alter.operations.as_slice() else {
            return Err(Error::unsupported(
                "several ALTER TABLE actions in one statement",
            ));
        };
        let action = match operation {
            AlterTableOperation::AddColumn {
                if_not_exists,
                column_def,
                ..
            } => {
                let (column, constraints) = self.bind_column_def(column_def)?;
                if constraints.primary_key {
                    return Err(Error::unsupported("ADD COLUMN ... PRIMARY KEY"));
                }
                let def = table.def();
                let mut probe = (*def).clone();
                probe.columns.push(column.clone());
                let mut checks = Vec::new();
                for (check_name, expr) in constraints.checks {
                    let column_name = column.name.clone();
                    self.add_check(&mut probe, check_name, &expr, Some(&column_name))?;
                    if let Some(added) = probe.checks.last() {
                        checks.push(added.clone());
                    }
                }
                AlterAction::AddColumn {
                    column,
                    if_not_exists: *if_not_exists,
                    unique: constraints.unique.is_some(),
                    checks,
                }
            }
            AlterTableOperation::DropColumn {
                column_names,
                if_exists,
                ..
            } => {
                let [column] = column_names.as_slice() else {
                    return Err(Error::unsupported("dropping several columns at once"));
                };
                AlterAction::DropColumn {
                    name: names::ident(column),
                    if_exists: *if_exists,
                }
            }
            AlterTableOperation::RenameColumn {
                old_column_name,
                new_column_name,
            } => AlterAction::RenameColumn {
                from: names::ident(old_column_name),
                to: names::ident(new_column_name),
            },
            AlterTableOperation::RenameTable { table_name } => {
                let (RenameTableNameKind::As(n) | RenameTableNameKind::To(n)) = table_name;
                AlterAction::RenameTable {
                    to: names::object_name(n)?.1,
                }
            }
            other => return Err(Error::unsupported(format!("ALTER TABLE {other}"))),
        };
        Ok(DdlStatement::AlterTable { table, action })
    }
}

fn set_primary_key(def: &mut TableDef, columns: Vec<usize>, name: Option<String>) -> Result<()> {
    if !def.primary_key.is_empty() {
        return Err(Error::InvalidTableDefinition(format!(
            "multiple primary keys for table \"{}\" are not allowed",
            def.name
        )));
    }
    def.primary_key = columns;
    def.primary_key_name = Some(name.unwrap_or_else(|| format!("{}_pkey", def.name)));
    Ok(())
}

fn add_unique(def: &mut TableDef, columns: Vec<usize>, name: Option<String>) {
    let name = name.unwrap_or_else(|| {
        unique_name(
            format!("{}_{}_key", def.name, column_list(def, &columns)),
            |n| def.index_position(n).is_some(),
        )
    });
    def.indexes.push(IndexDef {
        name,
        columns,
        unique: true,
    });
}

fn column_list(def: &TableDef, columns: &[usize]) -> String {
    columns
        .iter()
        .filter_map(|&c| def.columns.get(c))
        .map(|c| c.name.as_str())
        .collect::<Vec<_>>()
        .join("_")
}

/// `base`, or `base1`, `base2`, ... until `taken` says no.
fn unique_name(base: String, taken: impl Fn(&str) -> bool) -> String {
    if !taken(&base) {
        return base;
    }
    (1..)
        .map(|i| format!("{base}{i}"))
        .find(|n| !taken(n))
        .unwrap_or(base)
}

/// Physical positions of the plain column references in an index or key column list.
fn index_columns(def: &TableDef, columns: &[ast::IndexColumn]) -> Result<Vec<usize>> {
    let mut positions = Vec::with_capacity(columns.len());
    for c in columns {
        let name = match &c.column.expr {
            ast::Expr::Identifier(id) => names::ident(id),
            other => return Err(Error::unsupported(format!("index on expression {other}"))),
        };
        let position = def.column_position(&name).ok_or_else(|| {
            Error::UndefinedColumn(format!(
                "{name}\" named in key does not exist in \"{}",
                def.name
            ))
        })?;
        if positions.contains(&position) {
            return Err(Error::DuplicateColumn(name));
        }
        if !matches!(def.columns[position].data_type, DataType::Json) {
            positions.push(position);
        } else {
            return Err(Error::unsupported(format!(
                "an index on json column \"{name}\" (use jsonb)"
            )));
        }
    }
    Ok(positions)
}

/// CREATE OR REPLACE VIEW may add columns at the end, but not drop, rename or retype any.
fn check_replacement(existing: &ViewDef, columns: &[String], types: &[DataType]) -> Result<()> {
    if columns.len() < existing.columns.len() {
        return Err(Error::InvalidTableDefinition(
            "cannot drop columns from view".into(),
        ));
    }
    for ((old, old_type), (new, new_type)) in existing
        .columns
        .iter()
        .zip(&existing.types)
        .zip(columns.iter().zip(types))
    {
        if old != new {
            return Err(Error::InvalidTableDefinition(format!(
                "cannot change name of view column \"{old}\" to \"{new}\""
            )));
        }
        if old_type != new_type {
            return Err(Error::InvalidTableDefinition(format!(
                "cannot change data type of view column \"{old}\" from {old_type} to {new_type}"
            )));
        }
    }
    Ok(())
}

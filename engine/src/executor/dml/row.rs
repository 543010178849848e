//! Preparing a row for storage: assignment casts to each column's type, NOT NULL and CHECK.

use super::super::EvalContext;
use crate::catalog::TableDef;
use crate::error::{Error, Result};
use crate::expr::Expr;
use crate::types::{cast, CastMode, Value};

/// Casts every live column's value to its type and enforces NOT NULL and CHECK constraints.
pub fn prepare_row(
    def: &TableDef,
    mut values: Vec<Value>,
    ctx: &EvalContext,
) -> Result<Box<[Value]>> {
    for (position, column) in def.columns.iter().enumerate() {
        let Some(slot) = values.get_mut(position) else {
            continue;
        };
        if column.dropped {
            *slot = Value::Null;
            continue;
        }
        let value = std::mem::replace(slot, Value::Null);
        *slot =
            cast::cast(value, &column.data_type, CastMode::Assignment).map_err(|e| match e {
                Error::StringDataRightTruncation(t) => {
                    Error::StringDataRightTruncation(format!("{t} (column \"{}\")", column.name))
                }
                other => other,
            })?;
        if slot.is_null() && !column.nullable {
            return Err(Error::NotNullViolation {
                table: def.name.clone(),
                column: column.name.clone(),
            });
        }
    }
    check_constraints(def, &values, ctx)?;
    Ok(values.into_boxed_slice())
}

fn check_constraints(def: &TableDef, values: &[Value], ctx: &EvalContext) -> Result<()> {
    if def.checks.is_empty() {
        return Ok(());
    }
    let mut row = values.to_vec();
    row.push(Value::Null);
    for check in &def.checks {
        if let Value::Bool(false) = check.expr.eval(&row, ctx)? {
            let shown = values
                .iter()
                .zip(&def.columns)
                .filter(|(_, c)| !c.dropped)
                .map(|(v, _)| {
                    if v.is_null() {
                        "null".to_string()
                    } else {
                        v.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join(", ");
            return Err(Error::CheckViolation {
                table: def.name.clone(),
                constraint: check.name.clone(),
                row: shown,
            });
        }
    }
    Ok(())
}

/// The value of a column's DEFAULT (or NULL without one) for a new row.
pub fn default_value(default: Option<&Expr>, ctx: &EvalContext) -> Result<Value> {
    match default {
        Some(e) => e.eval(&[], ctx),
        None => Ok(Value::Null),
    }
}

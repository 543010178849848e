//! `greatest(...)` and `least(...)`: the largest / smallest of their arguments, ignoring NULLs
//! (NULL only if every argument is NULL).
//!
//! Their result type is the common type of the arguments, as PostgreSQL's `UNION`/`CASE`
//! resolution computes it: numbers widen along `smallint -> integer -> bigint -> numeric -> real
//! -> double precision`, `date -> timestamp -> timestamptz`, the string types meet in `text`,
//! all-`unknown` arguments are `text`, and anything else must be the same type on every side.
//! Because an evaluator is a plain function pointer, each possible common type gets its own
//! monomorphised evaluator, which converts every argument to that type before comparing.

use std::cmp::Ordering;

use super::args::coerce;
use super::signature::{FunctionDef, Ty};
use super::{EvalContext, EvalFn};
use crate::error::{Error, Result};
use crate::types::compare::sql_compare;
use crate::types::{DataType, Value};

/// `greatest` and `least`.
pub(super) const FUNCTIONS: &[FunctionDef] = &[
    FunctionDef::custom(&["greatest"], |types| resolve(types, true)).non_strict(),
    FunctionDef::custom(&["least"], |types| resolve(types, false)).non_strict(),
];

/// The types an argument list can be unified to; an evaluator exists for each.
static TARGETS: [DataType; 17] = [
    DataType::Bool,
    DataType::Int16,
    DataType::Int32,
    DataType::Int64,
    DataType::Float32,
    DataType::Float64,
    DataType::Numeric {
        precision: None,
        scale: None,
    },
    DataType::Text,
    DataType::Bytea,
    DataType::Date,
    DataType::Time,
    DataType::Timestamp,
    DataType::TimestampTz,
    DataType::Interval,
    DataType::Uuid,
    DataType::Json,
    DataType::Jsonb,
];

/// One evaluator per entry of `TARGETS`, for `greatest` (`true`) or `least`.
macro_rules! evaluators {
    ($greatest:literal: $($index:literal)*) => {
        [$(extreme::<$greatest, $index> as EvalFn),*]
    };
}

static GREATEST: [EvalFn; 17] = evaluators!(true: 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16);
static LEAST: [EvalFn; 17] = evaluators!(false: 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16);

fn resolve(types: &[DataType], greatest: bool) -> Result<Option<(EvalFn, DataType)>> {
    if types.is_empty() {
        return Ok(None);
    }
    let name = if greatest { "GREATEST" } else { "LEAST" };
    let common = common_type(types, name)?;
    let target = match Ty::of(&common) {
        Some(ty) => ty.data_type(),
        None => common.clone(),
    };
    let index = TARGETS
        .iter()
        .position(|candidate| *candidate == target)
        .ok_or_else(|| Error::Internal(format!("no {name} evaluator for type {common}")))?;
    let table = if greatest { &GREATEST } else { &LEAST };
    let eval = table
        .get(index)
        .copied()
        .ok_or_else(|| Error::Internal(format!("no {name} evaluator for type {common}")))?;
    Ok(Some((eval, common)))
}

/// The common type of the argument types (ignoring `unknown`; all-unknown is `text`).
fn common_type(types: &[DataType], name: &str) -> Result<DataType> {
    let mut common: Option<DataType> = None;
    for ty in types.iter().filter(|ty| **ty != DataType::Unknown) {
        common = Some(match common {
            None => ty.clone(),
            Some(current) => unify(&current, ty).ok_or_else(|| {
                Error::DatatypeMismatch(format!(
                    "{name} types {current} and {ty} cannot be matched"
                ))
            })?,
        });
    }
    Ok(common.unwrap_or(DataType::Text))
}

/// The type both `a` and `b` convert to implicitly, if any.
fn unify(a: &DataType, b: &DataType) -> Option<DataType> {
    if a == b {
        return Some(a.clone());
    }
    let (x, y) = (Ty::of(a)?, Ty::of(b)?);
    if x == y {
        // Same type with different modifiers (varchar(3) and text, numeric(5,2) and numeric).
        Some(x.data_type())
    } else if x.coerces_to(y) {
        Some(y.data_type())
    } else if y.coerces_to(x) {
        Some(x.data_type())
    } else {
        None
    }
}

/// The greatest (or least) non-NULL argument, converted to `TARGETS[TARGET]`.
fn extreme<const GREATEST: bool, const TARGET: usize>(
    args: &[Value],
    _: &EvalContext,
) -> Result<Value> {
    let target = TARGETS
        .get(TARGET)
        .ok_or_else(|| Error::Internal("greatest/least evaluator out of range".into()))?;
    let wanted = if GREATEST {
        Ordering::Greater
    } else {
        Ordering::Less
    };
    let mut best = Value::Null;
    for value in args.iter().filter(|value| !value.is_null()) {
        let value = coerce(value, target)?;
        if best.is_null() || sql_compare(&value, &best)? == Some(wanted) {
            best = value;
        }
    }
    Ok(best)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{call, date, num, result_type, text, ts};
    use super::*;

    #[test]
    fn result_type_is_the_common_type() {
        let numeric = DataType::Numeric {
            precision: None,
            scale: None,
        };
        assert_eq!(
            result_type("greatest", &[DataType::Int32, DataType::Int64]).unwrap(),
            DataType::Int64
        );
        assert_eq!(
            result_type("greatest", &[DataType::Int32, numeric.clone()]).unwrap(),
            numeric
        );
        assert_eq!(
            result_type("least", &[numeric, DataType::Float32]).unwrap(),
            DataType::Float32
        );
        assert_eq!(
            result_type(
                "least",
                &[DataType::Unknown, DataType::Date, DataType::Timestamp]
            )
            .unwrap(),
            DataType::Timestamp
        );
        assert_eq!(
            result_type(
                "greatest",
                &[DataType::Varchar(Some(3)), DataType::Varchar(Some(3))]
            )
            .unwrap(),
            DataType::Varchar(Some(3))
        );
        assert_eq!(
            result_type("greatest", &[DataType::Varchar(None), DataType::Text]).unwrap(),
            DataType::Text
        );
        assert_eq!(
            result_type("greatest", &[DataType::Unknown]).unwrap(),
            DataType::Text
        );
        assert_eq!(
            result_type("greatest", &[DataType::Jsonb]).unwrap(),
            DataType::Jsonb
        );
        let err = result_type("greatest", &[DataType::Int32, DataType::Text]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "GREATEST types integer and text cannot be matched"
        );
        assert_eq!(err.sqlstate(), "42804");
        assert!(result_type("least", &[]).is_err());
    }

    #[test]
    fn every_target_has_an_evaluator() {
        for target in &TARGETS {
            assert!(resolve(std::slice::from_ref(target), true)
                .unwrap()
                .is_some());
            assert!(resolve(std::slice::from_ref(target), false)
                .unwrap()
                .is_some());
        }
    }

    #[test]
    fn picks_extremes_ignoring_nulls() {
        let args = [
            Value::Int32(3),
            Value::Null,
            Value::Int64(7),
            Value::Int16(-1),
        ];
        assert_eq!(call("greatest", &args).unwrap(), Value::Int64(7));
        assert_eq!(call("least", &args).unwrap(), Value::Int64(-1));
        assert_eq!(
            call("greatest", &[Value::Null, Value::Null]).unwrap(),
            Value::Null
        );
        assert_eq!(
            call("least", &[text("b"), text("a"), text("c")]).unwrap(),
            text("a")
        );
        assert_eq!(
            call("greatest", &[num("1.5"), Value::Int32(1)]).unwrap(),
            num("1.5")
        );
        assert_eq!(
            call("greatest", &[date(2024, 1, 2), ts(2024, 1, 1, 12, 0, 0, 0)]).unwrap(),
            ts(2024, 1, 2, 0, 0, 0, 0)
        );
    }

    #[test]
    fn unknown_arguments_are_converted_to_the_common_type() {
        let (function, ty) =
            crate::functions::resolve("greatest", &[DataType::Int32, DataType::Unknown]).unwrap();
        assert_eq!(ty, DataType::Int32);
        let ctx = super::super::test_support::ctx();
        assert_eq!(
            function.call(&[Value::Int32(3), text("10")], &ctx).unwrap(),
            Value::Int32(10)
        );
        assert!(function.call(&[Value::Int32(3), text("x")], &ctx).is_err());
    }
}

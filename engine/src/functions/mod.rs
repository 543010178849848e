//! The scalar function library: every built-in function a query can call by name, and the
//! registry the binder resolves `name(argument types)` against.
//!
//! The binder calls [`resolve`] once per call site and keeps the returned [`ScalarFunction`]
//! (a `Copy` handle holding the evaluator) together with the result type in the bound
//! expression; the executor then calls [`ScalarFunction::call`] per row.
//!
//! Each family of functions lives in its own file and exports a table of
//! `FunctionDef`s: `string.rs`, `regexp.rs`, `math.rs` (with the
//! arbitrary-precision numeric forms of `exp`/`ln`/`log`/`power` in `numeric_math.rs`),
//! `comparison.rs` (greatest/least), `datetime.rs`, `datetime_fields.rs` (date_trunc, date_part,
//! extract), `format_datetime.rs` / `format_number.rs` (to_char, to_date, to_timestamp) and
//! `misc.rs`. `signature.rs` holds the overload-matching rules, `args.rs` the run-time argument
//! conversions.
//!
//! Special SQL syntax is mapped by the binder to plain calls:
//!
//! | syntax | call |
//! |---|---|
//! | `EXTRACT(field FROM x)` | `extract('field', x)` (numeric, PostgreSQL 14+) |
//! | `POSITION(a IN b)` | `strpos(b, a)` |
//! | `SUBSTRING(s FROM a FOR b)` | `substring(s, a, b)` (`substring(s, a)` without `FOR`) |
//! | `TRIM([BOTH] x FROM y)` / `LEADING` / `TRAILING` | `btrim(y, x)` / `ltrim(y, x)` / `rtrim(y, x)` |
//! | `CEIL(x)` / `CEILING(x)` / `FLOOR(x)` | `ceil(x)` / `ceiling(x)` / `floor(x)` |
//! | `SUBSTRING(s FROM 'pattern')` | `substring(s, 'pattern')` (an untyped or text second argument selects the regular-expression form) |
//! | `CURRENT_DATE` / `CURRENT_TIMESTAMP` / `LOCALTIMESTAMP` / `CURRENT_TIME` / `LOCALTIME` | the function of that name with no arguments |
//! | `a ~ b` / `a ~* b` / `a !~ b` | `regexp_like(a, b)` / `regexp_like(a, b, 'i')` / `NOT regexp_like(a, b)` |
//! | `a ^ b` | `power(a, b)` |
//!
//! `COALESCE`, `NULLIF`, `CASE` and the aggregates are not here: they are evaluated lazily by the
//! executor.

mod args;
mod comparison;
mod datetime;
mod datetime_fields;
mod format_datetime;
mod format_number;
mod math;
mod misc;
mod numeric_math;
mod regexp;
mod signature;
mod string;
mod template;

use std::fmt;

use chrono::{DateTime, Utc};

use crate::error::{Error, Result};
use crate::types::{DataType, Value};
use signature::{FunctionDef, Score, Signatures};

/// Time values fixed for one statement and transaction, as in PostgreSQL: `now()` is the start of
/// the transaction, `statement_timestamp()` the start of the statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvalContext {
    /// When the current transaction started.
    pub transaction_time: DateTime<Utc>,
    /// When the current statement started.
    pub statement_time: DateTime<Utc>,
}

impl EvalContext {
    /// A context for a statement and transaction starting at these times.
    pub fn new(transaction_time: DateTime<Utc>, statement_time: DateTime<Utc>) -> Self {
        EvalContext {
            transaction_time,
            statement_time,
        }
    }

    /// A context whose transaction and statement both start now (an autocommit statement).
    pub fn now() -> Self {
        let now = Utc::now();
        EvalContext {
            transaction_time: now,
            statement_time: now,
        }
    }
}

/// The evaluator of a scalar function. It receives the argument values in call order.
pub type EvalFn = fn(&[Value], &EvalContext) -> Result<Value>;

/// A resolved scalar function: what the binder keeps in a bound expression.
#[derive(Clone, Copy)]
pub struct ScalarFunction {
    /// The lower-case name the function was called by.
    pub name: &'static str,
    /// A NULL in any argument gives NULL without calling `eval`.
    pub strict: bool,
    /// Not constant-foldable: the result may change between calls with the same arguments
    /// (`random()`, `gen_random_uuid()`, `clock_timestamp()`) or within a session (`now()`).
    pub volatile: bool,
    /// Computes the result. Arguments may be of any variant that can be read as the parameter
    /// type (an `unknown` argument arrives as whatever the parameter was bound to).
    pub eval: EvalFn,
}

impl ScalarFunction {
    /// Calls the function with SQL NULL handling: a strict function with a NULL argument
    /// returns NULL without being evaluated.
    pub fn call(&self, args: &[Value], ctx: &EvalContext) -> Result<Value> {
        if self.strict && args.iter().any(Value::is_null) {
            return Ok(Value::Null);
        }
        (self.eval)(args, ctx)
    }
}

impl fmt::Debug for ScalarFunction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScalarFunction")
            .field("name", &self.name)
            .field("strict", &self.strict)
            .field("volatile", &self.volatile)
            .finish_non_exhaustive()
    }
}

impl PartialEq for ScalarFunction {
    fn eq(&self, other: &Self) -> bool {
        // Two handles are the same function if they run the same evaluator.
        self.name == other.name && self.eval as usize == other.eval as usize
    }
}

impl Eq for ScalarFunction {}

/// Every function table, in the order their entries are searched.
const CATALOG: &[&[FunctionDef]] = &[
    string::FUNCTIONS,
    regexp::FUNCTIONS,
    math::FUNCTIONS,
    comparison::FUNCTIONS,
    datetime::FUNCTIONS,
    datetime_fields::FUNCTIONS,
    format_datetime::FUNCTIONS,
    format_number::FUNCTIONS,
    misc::FUNCTIONS,
];

fn definitions() -> impl Iterator<Item = &'static FunctionDef> {
    CATALOG.iter().flat_map(|table| table.iter())
}

/// Looks a function up by name (case-insensitive) for these argument types and returns it with
/// its result type.
///
/// Arguments of type [`DataType::Unknown`] (untyped literals, NULL, unbound parameters) fit any
/// parameter; the evaluator converts the run-time value. An unknown name, or no overload that
/// takes these types, is [`Error::UndefinedFunction`] (`function abs(text) does not exist`).
pub fn resolve(name: &str, arg_types: &[DataType]) -> Result<(ScalarFunction, DataType)> {
    let name = name.to_ascii_lowercase();
    let mut best: Option<(Score, ScalarFunction, DataType)> = None;
    for def in definitions() {
        let Some(canonical) = def
            .names
            .iter()
            .copied()
            .find(|candidate| *candidate == name)
        else {
            continue;
        };
        let function = |eval| ScalarFunction {
            name: canonical,
            strict: def.strict,
            volatile: def.volatile,
            eval,
        };
        match def.signatures {
            Signatures::Custom(resolver) => {
                if let Some((eval, result_type)) = resolver(arg_types)? {
                    return Ok((function(eval), result_type));
                }
            }
            Signatures::Overloads(overloads) => {
                for overload in overloads {
                    let Some(score) = overload.score(arg_types) else {
                        continue;
                    };
                    let better = match &best {
                        Some((best_score, ..)) => score > *best_score,
                        None => true,
                    };
                    if better {
                        best = Some((score, function(overload.eval), overload.returns.data_type()));
                    }
                }
            }
        }
    }
    best.map(|(_, function, result_type)| (function, result_type))
        .ok_or_else(|| Error::UndefinedFunction(call_signature(&name, arg_types)))
}

/// True if some function of this name exists (whatever its argument types).
pub fn is_function(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    definitions().any(|def| def.names.contains(&name.as_str()))
}

/// `name(integer, text)`, as PostgreSQL names a call in its errors.
fn call_signature(name: &str, arg_types: &[DataType]) -> String {
    let types: Vec<String> = arg_types.iter().map(ToString::to_string).collect();
    format!("{name}({})", types.join(", "))
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Helpers shared by the unit tests of the function files.

    use chrono::{NaiveDate, NaiveDateTime, TimeZone, Utc};

    use super::{resolve, EvalContext};
    use crate::error::Result;
    use crate::types::{DataType, Value};

    /// A fixed context: transaction 2024-03-15 12:30:45.123456 UTC, statement one second later.
    pub(crate) fn ctx() -> EvalContext {
        let transaction = Utc
            .with_ymd_and_hms(2024, 3, 15, 12, 30, 45)
            .single()
            .unwrap_or_default()
            + chrono::TimeDelta::microseconds(123_456);
        EvalContext::new(transaction, transaction + chrono::TimeDelta::seconds(1))
    }

    /// Resolves `name` for the natural types of `args` and calls it.
    pub(crate) fn call(name: &str, args: &[Value]) -> Result<Value> {
        let types: Vec<DataType> = args.iter().map(Value::data_type).collect();
        let (function, _) = resolve(name, &types)?;
        function.call(args, &ctx())
    }

    /// Resolves `name` for explicit argument types (e.g. `unknown` for untyped literals) and
    /// calls it with `args`.
    pub(crate) fn call_typed(name: &str, types: &[DataType], args: &[Value]) -> Result<Value> {
        let (function, _) = resolve(name, types)?;
        function.call(args, &ctx())
    }

    /// The text of a numeric value as PostgreSQL prints it (panics in tests otherwise).
    pub(crate) fn num_text(value: &Value) -> String {
        match value {
            Value::Numeric(d) => super::args::decimal_text(d),
            other => panic!("expected numeric, got {other:?}"),
        }
    }

    /// The result type `name` resolves to for these argument types.
    pub(crate) fn result_type(name: &str, types: &[DataType]) -> Result<DataType> {
        resolve(name, types).map(|(_, result_type)| result_type)
    }

    /// A text value.
    pub(crate) fn text(s: &str) -> Value {
        Value::text(s)
    }

    /// A numeric value parsed from its decimal text.
    pub(crate) fn num(s: &str) -> Value {
        Value::numeric(s.parse().unwrap_or_default())
    }

    /// A timestamp value.
    pub(crate) fn ts(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, micros: u32) -> Value {
        Value::Timestamp(naive(y, mo, d, h, mi, s, micros))
    }

    /// A naive date-time.
    pub(crate) fn naive(
        y: i32,
        mo: u32,
        d: u32,
        h: u32,
        mi: u32,
        s: u32,
        micros: u32,
    ) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .and_then(|date| date.and_hms_micro_opt(h, mi, s, micros))
            .unwrap_or_default()
    }

    /// An interval value.
    pub(crate) fn iv(months: i32, days: i32, micros: i64) -> Value {
        Value::Interval(crate::types::datetime::Interval {
            months,
            days,
            micros,
        })
    }

    /// A date value.
    pub(crate) fn date(y: i32, mo: u32, d: u32) -> Value {
        Value::Date(NaiveDate::from_ymd_opt(y, mo, d).unwrap_or_default())
    }

    /// The unconstrained `numeric` type.
    pub(crate) const NUMERIC: DataType = DataType::Numeric {
        precision: None,
        scale: None,
    };

    /// The text of the numeric result of calling `name` (panics in tests otherwise).
    pub(crate) fn call_num_text(name: &str, args: &[Value]) -> String {
        num_text(&call(name, args).unwrap())
    }

    /// The text of `to_char(value, template)` (panics in tests otherwise).
    pub(crate) fn to_char(value: Value, template: &str) -> String {
        as_text(&call("to_char", &[value, text(template)]).unwrap())
    }

    /// A sample timestamp: 2001-02-16 20:38:40.123456, a Friday, day 47 of the year, ISO
    /// week 7.
    pub(crate) fn sample_timestamp() -> Value {
        ts(2001, 2, 16, 20, 38, 40, 123_456)
    }

    /// The text inside a text value (panics in tests otherwise).
    pub(crate) fn as_text(value: &Value) -> String {
        match value {
            Value::Text(s) => s.to_string(),
            other => panic!("expected text, got {other:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;

    #[test]
    fn resolves_case_insensitively_with_result_type() {
        let (function, ty) = resolve("ABS", &[DataType::Int32]).unwrap();
        assert_eq!(function.name, "abs");
        assert_eq!(ty, DataType::Int32);
        assert!(function.strict);
        assert!(!function.volatile);
    }

    #[test]
    fn unknown_function_or_overload_is_42883() {
        let err = resolve("no_such_function", &[DataType::Int32, DataType::Text]).unwrap_err();
        assert_eq!(err.sqlstate(), "42883");
        assert_eq!(
            err.to_string(),
            "function no_such_function(integer, text) does not exist"
        );
        let err = resolve("abs", &[DataType::Text]).unwrap_err();
        assert_eq!(err.to_string(), "function abs(text) does not exist");
        let err = resolve("lower", &[]).unwrap_err();
        assert_eq!(err.to_string(), "function lower() does not exist");
    }

    #[test]
    fn strict_functions_return_null_without_evaluating() {
        assert_eq!(call("lower", &[Value::Null]).unwrap(), Value::Null);
        assert_eq!(call("abs", &[Value::Null]).unwrap(), Value::Null);
    }

    #[test]
    fn volatile_functions_are_marked() {
        for name in ["random", "gen_random_uuid", "clock_timestamp", "now"] {
            let (function, _) = resolve(name, &[]).unwrap();
            assert!(function.volatile, "{name} must be volatile");
        }
    }

    #[test]
    fn handles_compare_by_evaluator() {
        let (a, _) = resolve("abs", &[DataType::Int32]).unwrap();
        let (b, _) = resolve("abs", &[DataType::Int32]).unwrap();
        let (c, _) = resolve("abs", &[DataType::Int64]).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(format!("{a:?}").contains("abs"));
    }

    #[test]
    fn every_name_is_lower_case_and_defined_once_per_strictness() {
        for def in definitions() {
            for name in def.names {
                assert_eq!(*name, name.to_ascii_lowercase());
                assert!(is_function(name));
                let conflicting = definitions().any(|other| {
                    other.names.contains(name)
                        && (other.strict != def.strict || other.volatile != def.volatile)
                });
                assert!(
                    !conflicting,
                    "{name} has definitions with different strictness"
                );
            }
        }
        assert!(!is_function("coalesce"));
    }
}

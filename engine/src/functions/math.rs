//! Mathematical functions: absolute value, rounding, roots, powers, logarithms, trigonometry,
//! `mod`/`div` and `random()`.
//!
//! Result types follow PostgreSQL: integer inputs keep their type where PostgreSQL has an integer
//! overload (`abs`, `mod`), `numeric` stays `numeric` (`abs`, `round`, `trunc`, `ceil`, `floor`,
//! `sign`, `sqrt`, `mod`, `div`, and `exp`, `ln`, `log`, `log10`, `power` whose numeric forms
//! are in `numeric_math.rs`), everything else computes in `double precision` (integer arguments
//! of `power`, `ln`, ... resolve to the `double precision` forms, as in PostgreSQL).
//!
//! Errors match PostgreSQL's SQLSTATE classes: 22003 for overflow and inputs outside a
//! function's domain (`asin(2)`), 22012 for division by zero, 22023 for the arguments of `sqrt`,
//! `ln`, `log` and `power` that PostgreSQL reports as 2201E/2201F.

use std::borrow::Cow;

use bigdecimal::num_bigint::BigInt;
use bigdecimal::{Context, RoundingMode, Zero};

use super::args::{arg, decimal, float64, int32, int64, optional};
use super::numeric_math;
use super::signature::Ty::{Float32, Float64, Int16, Int32, Int64, Numeric};
use super::signature::{fixed, FunctionDef};
use super::EvalContext;
use crate::error::{Error, Result};
use crate::types::{Decimal, Value};

/// The largest scale `round`/`trunc` produce, as PostgreSQL's `NUMERIC_MAX_RESULT_SCALE`.
const MAX_RESULT_SCALE: i64 = 2000;

/// The function `name` of one `double precision` argument, computed by `wrap(args, f)`.
macro_rules! float_function {
    ($name:literal, $wrap:ident, $f:expr) => {
        FunctionDef::new(&[$name], &[fixed(&[Float64], Float64, |a, _| $wrap(a, $f))])
    };
}

/// The mathematical functions.
pub(super) const FUNCTIONS: &[FunctionDef] = &[
    FunctionDef::new(
        &["abs"],
        &[
            fixed(&[Float64], Float64, |a, _| float_fn(a, f64::abs)),
            fixed(&[Int16], Int16, |a, _| {
                int_fn(a, IntKind::Int16, |x| x.abs())
            }),
            fixed(&[Int32], Int32, |a, _| {
                int_fn(a, IntKind::Int32, |x| x.abs())
            }),
            fixed(&[Int64], Int64, |a, _| {
                int_fn(a, IntKind::Int64, |x| x.abs())
            }),
            fixed(&[Float32], Float32, abs_float32),
            fixed(&[Numeric], Numeric, |a, _| {
                Ok(Value::numeric(decimal(a, 0)?.abs()))
            }),
        ],
    ),
    FunctionDef::new(
        &["ceil", "ceiling"],
        &[
            fixed(&[Float64], Float64, |a, _| float_fn(a, f64::ceil)),
            fixed(&[Numeric], Numeric, |a, _| {
                round_numeric(a, RoundingMode::Ceiling)
            }),
        ],
    ),
    FunctionDef::new(
        &["floor"],
        &[
            fixed(&[Float64], Float64, |a, _| float_fn(a, f64::floor)),
            fixed(&[Numeric], Numeric, |a, _| {
                round_numeric(a, RoundingMode::Floor)
            }),
        ],
    ),
    FunctionDef::new(
        &["round"],
        &[
            // PostgreSQL rounds doubles with rint(): ties to even.
            fixed(&[Float64], Float64, |a, _| {
                float_fn(a, f64::round_ties_even)
            }),
            fixed(&[Numeric], Numeric, |a, _| {
                round_numeric(a, RoundingMode::HalfUp)
            }),
            fixed(&[Numeric, Int32], Numeric, |a, _| {
                round_numeric(a, RoundingMode::HalfUp)
            }),
        ],
    ),
    FunctionDef::new(
        &["trunc"],
        &[
            fixed(&[Float64], Float64, |a, _| float_fn(a, f64::trunc)),
            fixed(&[Numeric], Numeric, |a, _| {
                round_numeric(a, RoundingMode::Down)
            }),
            fixed(&[Numeric, Int32], Numeric, |a, _| {
                round_numeric(a, RoundingMode::Down)
            }),
        ],
    ),
    FunctionDef::new(
        &["sign"],
        &[
            fixed(&[Float64], Float64, |a, _| float_fn(a, sign_float)),
            fixed(&[Numeric], Numeric, sign_numeric),
        ],
    ),
    FunctionDef::new(
        &["sqrt"],
        &[
            fixed(&[Float64], Float64, sqrt_float),
            fixed(&[Numeric], Numeric, sqrt_numeric),
        ],
    ),
    float_function!("cbrt", float_fn, f64::cbrt),
    FunctionDef::new(
        &["power", "pow"],
        &[
            fixed(&[Float64, Float64], Float64, power),
            fixed(&[Numeric, Numeric], Numeric, numeric_math::power),
        ],
    ),
    FunctionDef::new(
        &["exp"],
        &[
            fixed(&[Float64], Float64, exp),
            fixed(&[Numeric], Numeric, numeric_math::exp),
        ],
    ),
    FunctionDef::new(
        &["ln"],
        &[
            fixed(&[Float64], Float64, |a, _| logarithm(a, f64::ln)),
            fixed(&[Numeric], Numeric, numeric_math::ln),
        ],
    ),
    FunctionDef::new(
        &["log10"],
        &[
            fixed(&[Float64], Float64, |a, _| logarithm(a, f64::log10)),
            fixed(&[Numeric], Numeric, numeric_math::log),
        ],
    ),
    // As in PostgreSQL, the two-argument form exists for numeric only.
    FunctionDef::new(
        &["log"],
        &[
            fixed(&[Float64], Float64, |a, _| logarithm(a, f64::log10)),
            fixed(&[Numeric], Numeric, numeric_math::log),
            fixed(&[Numeric, Numeric], Numeric, numeric_math::log),
        ],
    ),
    FunctionDef::new(
        &["mod"],
        &[
            fixed(&[Numeric, Numeric], Numeric, mod_numeric),
            fixed(&[Int16, Int16], Int16, |a, _| int_mod(a, IntKind::Int16)),
            fixed(&[Int32, Int32], Int32, |a, _| int_mod(a, IntKind::Int32)),
            fixed(&[Int64, Int64], Int64, |a, _| int_mod(a, IntKind::Int64)),
        ],
    ),
    FunctionDef::new(
        &["div"],
        &[fixed(&[Numeric, Numeric], Numeric, div_numeric)],
    ),
    FunctionDef::new(&["scale"], &[fixed(&[Numeric], Int32, scale)]),
    FunctionDef::new(&["trim_scale"], &[fixed(&[Numeric], Numeric, trim_scale)]),
    FunctionDef::new(
        &["pi"],
        &[fixed(&[], Float64, |_, _| {
            Ok(Value::Float64(std::f64::consts::PI))
        })],
    ),
    float_function!("degrees", float_fn, f64::to_degrees),
    float_function!("radians", float_fn, f64::to_radians),
    float_function!("sin", float_fn, f64::sin),
    float_function!("cos", float_fn, f64::cos),
    float_function!("tan", float_fn, f64::tan),
    // cot(0) is Infinity in PostgreSQL, not an overflow.
    float_function!("cot", unbounded_float_fn, |x| 1.0 / x.tan()),
    float_function!("asin", float_fn, f64::asin),
    float_function!("acos", float_fn, f64::acos),
    float_function!("atan", float_fn, f64::atan),
    FunctionDef::new(&["atan2"], &[fixed(&[Float64, Float64], Float64, atan2)]),
    // The hyperbolic functions saturate to ±Infinity, as in PostgreSQL.
    float_function!("sinh", unbounded_float_fn, f64::sinh),
    float_function!("cosh", unbounded_float_fn, f64::cosh),
    float_function!("tanh", unbounded_float_fn, f64::tanh),
    float_function!("asinh", unbounded_float_fn, f64::asinh),
    float_function!("acosh", unbounded_float_fn, f64::acosh),
    float_function!("atanh", unbounded_float_fn, f64::atanh),
    FunctionDef::new(
        &["random"],
        &[fixed(&[], Float64, |_, _| {
            Ok(Value::Float64(rand::random::<f64>()))
        })],
    )
    .volatile(),
];

fn overflow() -> Error {
    Error::NumericOutOfRange("value out of range: overflow".into())
}

fn underflow() -> Error {
    Error::NumericOutOfRange("value out of range: underflow".into())
}

fn input_out_of_range() -> Error {
    Error::NumericOutOfRange("input is out of range".into())
}

/// Checks a double result computed from finite or NaN inputs: NaN from non-NaN inputs means the
/// input was outside the function's domain; with `bounded`, Infinity from finite inputs is an
/// overflow.
fn check_float(result: f64, inputs: &[f64], bounded: bool) -> Result<Value> {
    if result.is_nan() && !inputs.iter().any(|x| x.is_nan()) {
        return Err(input_out_of_range());
    }
    if bounded && result.is_infinite() && inputs.iter().all(|x| x.is_finite()) {
        return Err(overflow());
    }
    Ok(Value::Float64(result))
}

/// A `double precision -> double precision` function that may not overflow.
fn float_fn(args: &[Value], f: fn(f64) -> f64) -> Result<Value> {
    let x = float64(args, 0)?;
    check_float(f(x), &[x], true)
}

/// A `double precision -> double precision` function whose infinite results are legitimate.
fn unbounded_float_fn(args: &[Value], f: fn(f64) -> f64) -> Result<Value> {
    let x = float64(args, 0)?;
    check_float(f(x), &[x], false)
}

fn abs_float32(args: &[Value], _: &EvalContext) -> Result<Value> {
    match arg(args, 0)? {
        Value::Float32(v) => Ok(Value::Float32(v.abs())),
        // An unknown argument bound to another type: compute in double, store as real.
        #[allow(clippy::cast_possible_truncation)]
        _ => Ok(Value::Float32(float64(args, 0)?.abs() as f32)),
    }
}

fn sign_float(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        0.0
    }
}

fn sqrt_float(args: &[Value], _: &EvalContext) -> Result<Value> {
    let x = float64(args, 0)?;
    if x < 0.0 {
        return Err(negative_sqrt());
    }
    check_float(x.sqrt(), &[x], true)
}

fn negative_sqrt() -> Error {
    Error::InvalidParameterValue("cannot take square root of a negative number".into())
}

fn exp(args: &[Value], _: &EvalContext) -> Result<Value> {
    let x = float64(args, 0)?;
    let result = x.exp();
    if x.is_finite() && result == 0.0 {
        return Err(underflow());
    }
    check_float(result, &[x], true)
}

/// `ln`/`log10`: PostgreSQL's errors for zero and negative arguments.
fn logarithm(args: &[Value], f: fn(f64) -> f64) -> Result<Value> {
    let x = float64(args, 0)?;
    check_log_argument(x)?;
    check_float(f(x), &[x], true)
}

fn check_log_argument(x: f64) -> Result<()> {
    if x == 0.0 {
        return Err(Error::InvalidParameterValue(
            "cannot take logarithm of zero".into(),
        ));
    }
    if x < 0.0 {
        return Err(Error::InvalidParameterValue(
            "cannot take logarithm of a negative number".into(),
        ));
    }
    Ok(())
}

fn power(args: &[Value], _: &EvalContext) -> Result<Value> {
    let base = float64(args, 0)?;
    let exponent = float64(args, 1)?;
    // POSIX: NaN ^ 0 = 1 and 1 ^ NaN = 1; other NaN inputs give NaN without error.
    if base.is_nan() || exponent.is_nan() {
        let one = (base.is_nan() && exponent == 0.0) || (exponent.is_nan() && base == 1.0);
        return Ok(Value::Float64(if one { 1.0 } else { f64::NAN }));
    }
    if base == 0.0 && exponent < 0.0 {
        return Err(Error::InvalidParameterValue(
            "zero raised to a negative power is undefined".into(),
        ));
    }
    if base < 0.0 && exponent.floor() != exponent {
        return Err(Error::InvalidParameterValue(
            "a negative number raised to a non-integer power yields a complex result".into(),
        ));
    }
    let result = base.powf(exponent);
    if result == 0.0 && base != 0.0 && base.is_finite() && exponent.is_finite() {
        return Err(underflow());
    }
    check_float(result, &[base, exponent], true)
}

fn atan2(args: &[Value], _: &EvalContext) -> Result<Value> {
    let y = float64(args, 0)?;
    let x = float64(args, 1)?;
    check_float(y.atan2(x), &[y, x], true)
}

/// The integer types, for range checks of integer results.
#[derive(Clone, Copy)]
enum IntKind {
    Int16,
    Int32,
    Int64,
}

impl IntKind {
    /// `value` as this type, or 22003 "<type> out of range".
    fn value(self, value: i128) -> Result<Value> {
        let out_of_range = |name: &str| Error::NumericOutOfRange(format!("{name} out of range"));
        match self {
            IntKind::Int16 => i16::try_from(value)
                .map(Value::Int16)
                .map_err(|_| out_of_range("smallint")),
            IntKind::Int32 => i32::try_from(value)
                .map(Value::Int32)
                .map_err(|_| out_of_range("integer")),
            IntKind::Int64 => i64::try_from(value)
                .map(Value::Int64)
                .map_err(|_| out_of_range("bigint")),
        }
    }
}

/// An integer function computed in i128 and range-checked for the result type.
fn int_fn(args: &[Value], kind: IntKind, f: fn(i128) -> i128) -> Result<Value> {
    kind.value(f(i128::from(int64(args, 0)?)))
}

/// `mod(x, y)` on integers: the remainder has the sign of `x`.
fn int_mod(args: &[Value], kind: IntKind) -> Result<Value> {
    let x = i128::from(int64(args, 0)?);
    let y = i128::from(int64(args, 1)?);
    if y == 0 {
        return Err(Error::DivisionByZero);
    }
    kind.value(x % y)
}

/// `round`/`trunc`/`ceil`/`floor` on numeric: to `digits` decimal places (default 0; negative
/// rounds to tens, hundreds, ...), using `mode`.
fn round_numeric(args: &[Value], mode: RoundingMode) -> Result<Value> {
    let value = decimal(args, 0)?;
    let digits = match optional(args, 1) {
        Some(_) => i64::from(int32(args, 1)?).clamp(-MAX_RESULT_SCALE, MAX_RESULT_SCALE),
        None => 0,
    };
    Ok(Value::numeric(round_decimal(&value, digits, mode)))
}

/// Rounds to `digits` decimal places; the result never has a negative scale.
pub(super) fn round_decimal(value: &Decimal, digits: i64, mode: RoundingMode) -> Decimal {
    let rounded = value.with_scale_round(digits, mode);
    if digits < 0 {
        rounded.with_scale(0)
    } else {
        rounded
    }
}

fn sign_numeric(args: &[Value], _: &EvalContext) -> Result<Value> {
    let value = decimal(args, 0)?;
    let sign = if value.is_zero() {
        0
    } else if value.sign() == bigdecimal::num_bigint::Sign::Minus {
        -1
    } else {
        1
    };
    Ok(Value::numeric(Decimal::from(sign)))
}

/// The scale of a decimal as PostgreSQL reports it (never negative).
fn display_scale(value: &Decimal) -> i64 {
    value.fractional_digit_count().max(0)
}

/// `sqrt(numeric)` with PostgreSQL's result scale: at least 16 significant digits, and at least
/// the argument's scale.
fn sqrt_numeric(args: &[Value], _: &EvalContext) -> Result<Value> {
    let value = decimal(args, 0)?;
    if value.sign() == bigdecimal::num_bigint::Sign::Minus {
        return Err(negative_sqrt());
    }
    // PostgreSQL estimates the result's weight from the argument's weight in base-10000 digits.
    let decimal_exponent = if value.is_zero() {
        0
    } else {
        i64::try_from(value.digits()).unwrap_or(i64::MAX) - value.fractional_digit_count() - 1
    };
    let weight = decimal_exponent.div_euclid(4);
    let result_scale = (15 - 2 * weight).max(display_scale(&value)).clamp(0, 1000);
    let integer_digits = (decimal_exponent / 2 + 1).max(1);
    let precision = u64::try_from(integer_digits + result_scale + 8).unwrap_or(u64::MAX);
    let context = Context::default()
        .with_prec(precision)
        .ok_or_else(|| Error::Internal("invalid decimal precision".into()))?;
    let root = value
        .sqrt_with_context(&context)
        .ok_or_else(negative_sqrt)?;
    Ok(Value::numeric(
        root.with_scale_round(result_scale, RoundingMode::HalfUp),
    ))
}

/// Both decimals as integers at a common scale (the larger of theirs, at least 0).
fn common_scale(x: &Decimal, y: &Decimal) -> (BigInt, BigInt, i64) {
    let scale = display_scale(x).max(display_scale(y));
    let (x, _) = x.with_scale(scale).into_bigint_and_exponent();
    let (y, _) = y.with_scale(scale).into_bigint_and_exponent();
    (x, y, scale)
}

fn numeric_operands(args: &[Value]) -> Result<(Cow<'_, Decimal>, Cow<'_, Decimal>)> {
    let x = decimal(args, 0)?;
    let y = decimal(args, 1)?;
    if y.is_zero() {
        return Err(Error::DivisionByZero);
    }
    Ok((x, y))
}

/// `mod(numeric, numeric)`: `x - trunc(x / y) * y`, at the larger of the two scales.
fn mod_numeric(args: &[Value], _: &EvalContext) -> Result<Value> {
    let (x, y) = numeric_operands(args)?;
    let (x, y, scale) = common_scale(&x, &y);
    Ok(Value::numeric(Decimal::new(x % y, scale)))
}

/// `div(numeric, numeric)`: the integer quotient, truncated towards zero.
fn div_numeric(args: &[Value], _: &EvalContext) -> Result<Value> {
    let (x, y) = numeric_operands(args)?;
    let (x, y, _) = common_scale(&x, &y);
    Ok(Value::numeric(Decimal::new(x / y, 0)))
}

fn scale(args: &[Value], _: &EvalContext) -> Result<Value> {
    let scale = display_scale(decimal(args, 0)?.as_ref());
    i32::try_from(scale)
        .map(Value::Int32)
        .map_err(|_| Error::NumericOutOfRange("integer out of range".into()))
}

fn trim_scale(args: &[Value], _: &EvalContext) -> Result<Value> {
    let value = decimal(args, 0)?;
    let trimmed = value.normalized();
    Ok(Value::numeric(if trimmed.fractional_digit_count() < 0 {
        trimmed.with_scale(0)
    } else {
        trimmed
    }))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{
        call, call_num_text as n, call_typed, num, result_type, text, NUMERIC,
    };
    use crate::types::{DataType, Value};

    fn f(name: &str, args: &[Value]) -> f64 {
        match call(name, args).unwrap() {
            Value::Float64(v) => v,
            other => panic!("{name} returned {other:?}"),
        }
    }

    fn sqlstate(name: &str, args: &[Value]) -> String {
        call(name, args).unwrap_err().sqlstate().to_string()
    }

    #[test]
    fn abs_keeps_the_argument_type() {
        assert_eq!(call("abs", &[Value::Int16(-3)]).unwrap(), Value::Int16(3));
        assert_eq!(call("abs", &[Value::Int32(-3)]).unwrap(), Value::Int32(3));
        assert_eq!(call("abs", &[Value::Int64(-3)]).unwrap(), Value::Int64(3));
        assert_eq!(
            call("abs", &[Value::Float32(-1.5)]).unwrap(),
            Value::Float32(1.5)
        );
        assert_eq!(f("abs", &[Value::Float64(-1.5)]), 1.5);
        assert_eq!(n("abs", &[num("-1.50")]), "1.50");
        assert_eq!(sqlstate("abs", &[Value::Int32(i32::MIN)]), "22003");
        assert_eq!(
            call("abs", &[Value::Int64(i64::MIN)])
                .unwrap_err()
                .to_string(),
            "bigint out of range"
        );
        assert_eq!(sqlstate("abs", &[Value::Int16(i16::MIN)]), "22003");
        assert_eq!(
            result_type("abs", &[DataType::Int16]).unwrap(),
            DataType::Int16
        );
        assert_eq!(
            result_type("abs", &[DataType::Unknown]).unwrap(),
            DataType::Float64
        );
        // An untyped literal is parsed at run time.
        let unknown = [DataType::Unknown];
        assert_eq!(
            call_typed("abs", &unknown, &[text("-3")]).unwrap(),
            Value::Float64(3.0)
        );
        assert_eq!(
            call_typed("abs", &unknown, &[text("x")])
                .unwrap_err()
                .sqlstate(),
            "22P02"
        );
        // A parameter bound to an integer, passed to the double precision overload.
        assert_eq!(
            call_typed("abs", &unknown, &[Value::Int32(-2)]).unwrap(),
            Value::Float64(2.0)
        );
    }

    #[test]
    fn rounding_numeric_is_half_away_from_zero() {
        assert_eq!(n("round", &[num("2.5")]), "3");
        assert_eq!(n("round", &[num("-2.5")]), "-3");
        assert_eq!(n("round", &[num("2.4999")]), "2");
        assert_eq!(n("round", &[num("42.4382"), Value::Int32(2)]), "42.44");
        assert_eq!(n("round", &[num("1.5"), Value::Int32(3)]), "1.500");
        assert_eq!(n("round", &[num("1234.5678"), Value::Int32(-2)]), "1200");
        assert_eq!(n("round", &[num("1250"), Value::Int32(-2)]), "1300");
        assert_eq!(n("round", &[num("-1250"), Value::Int32(-2)]), "-1300");
        assert_eq!(n("round", &[num("12"), Value::Int32(-5)]), "0");
        assert_eq!(n("round", &[Value::Int32(7), Value::Int32(1)]), "7.0");
        assert_eq!(n("trunc", &[num("42.4382"), Value::Int32(2)]), "42.43");
        assert_eq!(n("trunc", &[num("-42.8")]), "-42");
        assert_eq!(n("trunc", &[num("1299"), Value::Int32(-2)]), "1200");
        assert_eq!(n("ceil", &[num("-42.8")]), "-42");
        assert_eq!(n("ceiling", &[num("42.2")]), "43");
        assert_eq!(n("floor", &[num("-42.8")]), "-43");
        assert_eq!(
            result_type("round", &[NUMERIC, DataType::Int32]).unwrap(),
            NUMERIC
        );
        // As in PostgreSQL, there is no round(double precision, integer).
        assert!(result_type("round", &[DataType::Float64, DataType::Int32]).is_err());
    }

    #[test]
    fn rounding_doubles_is_half_even() {
        assert_eq!(f("round", &[Value::Float64(2.5)]), 2.0);
        assert_eq!(f("round", &[Value::Float64(3.5)]), 4.0);
        assert_eq!(f("round", &[Value::Float64(-2.5)]), -2.0);
        assert_eq!(f("trunc", &[Value::Float64(-2.7)]), -2.0);
        assert_eq!(f("ceil", &[Value::Float64(1.1)]), 2.0);
        assert_eq!(f("floor", &[Value::Float64(-1.1)]), -2.0);
        // Integers resolve to the double precision overloads, as in PostgreSQL.
        assert_eq!(
            result_type("round", &[DataType::Int32]).unwrap(),
            DataType::Float64
        );
        assert_eq!(f("round", &[Value::Int32(5)]), 5.0);
        assert!(f("round", &[Value::Float64(f64::NAN)]).is_nan());
    }

    #[test]
    fn sign_and_roots() {
        assert_eq!(f("sign", &[Value::Float64(-8.4)]), -1.0);
        assert_eq!(f("sign", &[Value::Float64(0.0)]), 0.0);
        assert_eq!(n("sign", &[num("-8.4")]), "-1");
        assert_eq!(n("sign", &[num("0.00")]), "0");
        assert_eq!(n("sign", &[num("3")]), "1");
        assert_eq!(f("sqrt", &[Value::Float64(2.0)]), std::f64::consts::SQRT_2);
        assert_eq!(n("sqrt", &[num("2")]), "1.414213562373095");
        assert_eq!(n("sqrt", &[num("16")]), "4.000000000000000");
        assert_eq!(n("sqrt", &[num("0")]), "0.000000000000000");
        assert_eq!(n("sqrt", &[num("0.0001")]), "0.01000000000000000");
        assert_eq!(
            n("sqrt", &[num("2.00000000000000000000")]),
            "1.41421356237309504880"
        );
        assert_eq!(sqlstate("sqrt", &[Value::Float64(-1.0)]), "22023");
        assert_eq!(
            call("sqrt", &[num("-4")]).unwrap_err().to_string(),
            "cannot take square root of a negative number"
        );
        assert_eq!(f("cbrt", &[Value::Float64(27.0)]), 3.0);
        assert_eq!(f("cbrt", &[Value::Float64(-8.0)]), -2.0);
    }

    #[test]
    fn powers_and_logarithms() {
        assert_eq!(
            f("power", &[Value::Float64(2.0), Value::Float64(10.0)]),
            1024.0
        );
        assert_eq!(f("pow", &[Value::Int32(9), Value::Float64(0.5)]), 3.0);
        assert_eq!(
            f("power", &[Value::Float64(-2.0), Value::Float64(3.0)]),
            -8.0
        );
        assert_eq!(
            f("power", &[Value::Float64(f64::NAN), Value::Float64(0.0)]),
            1.0
        );
        assert_eq!(
            f("power", &[Value::Float64(1.0), Value::Float64(f64::NAN)]),
            1.0
        );
        assert!(f("power", &[Value::Float64(f64::NAN), Value::Float64(1.0)]).is_nan());
        assert_eq!(
            sqlstate("power", &[Value::Float64(0.0), Value::Float64(-1.0)]),
            "22023"
        );
        assert_eq!(
            sqlstate("power", &[Value::Float64(-8.0), Value::Float64(0.5)]),
            "22023"
        );
        assert_eq!(
            sqlstate("power", &[Value::Float64(10.0), Value::Float64(400.0)]),
            "22003"
        );
        assert_eq!(
            sqlstate("power", &[Value::Float64(10.0), Value::Float64(-400.0)]),
            "22003"
        );
        assert_eq!(f("exp", &[Value::Float64(0.0)]), 1.0);
        assert_eq!(f("exp", &[Value::Float64(f64::NEG_INFINITY)]), 0.0);
        assert_eq!(sqlstate("exp", &[Value::Float64(1000.0)]), "22003");
        assert_eq!(
            call("exp", &[Value::Float64(-1000.0)])
                .unwrap_err()
                .to_string(),
            "value out of range: underflow"
        );
        assert_eq!(f("ln", &[Value::Float64(std::f64::consts::E)]), 1.0);
        assert_eq!(f("log", &[Value::Float64(100.0)]), 2.0);
        assert_eq!(f("log10", &[Value::Int32(1000)]), 3.0);
        // log(b, x) exists for numeric only (see numeric_math.rs), as in PostgreSQL.
        assert_eq!(
            sqlstate("log", &[Value::Float64(2.0), Value::Float64(8.0)]),
            "42883"
        );
        assert_eq!(
            call("ln", &[Value::Float64(0.0)]).unwrap_err().to_string(),
            "cannot take logarithm of zero"
        );
        assert_eq!(sqlstate("log", &[Value::Float64(-1.0)]), "22023");
        assert_eq!(
            result_type("ln", &[DataType::Float32]).unwrap(),
            DataType::Float64
        );
    }

    #[test]
    fn mod_and_div() {
        assert_eq!(
            call("mod", &[Value::Int32(9), Value::Int32(4)]).unwrap(),
            Value::Int32(1)
        );
        assert_eq!(
            call("mod", &[Value::Int32(-9), Value::Int32(4)]).unwrap(),
            Value::Int32(-1)
        );
        assert_eq!(
            call("mod", &[Value::Int16(9), Value::Int16(-4)]).unwrap(),
            Value::Int16(1)
        );
        assert_eq!(
            call("mod", &[Value::Int64(i64::MIN), Value::Int64(-1)]).unwrap(),
            Value::Int64(0)
        );
        assert_eq!(
            call("mod", &[Value::Int32(9), Value::Int64(4)]).unwrap(),
            Value::Int64(1)
        );
        assert_eq!(
            sqlstate("mod", &[Value::Int32(1), Value::Int32(0)]),
            "22012"
        );
        assert_eq!(n("mod", &[num("10.5"), num("3")]), "1.5");
        assert_eq!(n("mod", &[num("-10.5"), num("3.00")]), "-1.50");
        assert_eq!(sqlstate("mod", &[num("1"), num("0.0")]), "22012");
        assert_eq!(n("div", &[num("9"), num("4")]), "2");
        assert_eq!(n("div", &[num("-9.5"), num("2")]), "-4");
        assert_eq!(sqlstate("div", &[num("1"), num("0")]), "22012");
        assert_eq!(
            result_type("mod", &[DataType::Unknown, DataType::Unknown]).unwrap(),
            NUMERIC
        );
        assert_eq!(
            result_type("div", &[DataType::Int32, DataType::Int32]).unwrap(),
            NUMERIC
        );
    }

    #[test]
    fn scale_functions() {
        assert_eq!(call("scale", &[num("8.4100")]).unwrap(), Value::Int32(4));
        assert_eq!(call("scale", &[num("12")]).unwrap(), Value::Int32(0));
        assert_eq!(n("trim_scale", &[num("8.4100")]), "8.41");
        assert_eq!(n("trim_scale", &[num("1200.00")]), "1200");
    }

    #[test]
    fn trigonometry() {
        assert_eq!(f("pi", &[]), std::f64::consts::PI);
        assert_eq!(f("degrees", &[Value::Float64(std::f64::consts::PI)]), 180.0);
        assert_eq!(f("radians", &[Value::Float64(180.0)]), std::f64::consts::PI);
        assert_eq!(f("sin", &[Value::Float64(0.0)]), 0.0);
        assert_eq!(f("cos", &[Value::Float64(0.0)]), 1.0);
        assert!((f("tan", &[Value::Float64(std::f64::consts::FRAC_PI_4)]) - 1.0).abs() < 1e-12);
        assert_eq!(f("cot", &[Value::Float64(0.0)]), f64::INFINITY);
        assert_eq!(
            f("asin", &[Value::Float64(1.0)]),
            std::f64::consts::FRAC_PI_2
        );
        assert_eq!(f("acos", &[Value::Float64(1.0)]), 0.0);
        assert_eq!(f("atan", &[Value::Float64(0.0)]), 0.0);
        assert_eq!(
            f("atan2", &[Value::Float64(1.0), Value::Float64(1.0)]),
            std::f64::consts::FRAC_PI_4
        );
        assert_eq!(
            call("asin", &[Value::Float64(2.0)])
                .unwrap_err()
                .to_string(),
            "input is out of range"
        );
        assert_eq!(sqlstate("sin", &[Value::Float64(f64::INFINITY)]), "22003");
        assert_eq!(f("sinh", &[Value::Float64(0.0)]), 0.0);
        assert_eq!(f("cosh", &[Value::Float64(1000.0)]), f64::INFINITY);
        assert_eq!(f("tanh", &[Value::Float64(0.0)]), 0.0);
        assert_eq!(f("asinh", &[Value::Float64(0.0)]), 0.0);
        assert_eq!(f("acosh", &[Value::Float64(1.0)]), 0.0);
        assert_eq!(f("atanh", &[Value::Float64(1.0)]), f64::INFINITY);
        assert_eq!(sqlstate("acosh", &[Value::Float64(0.5)]), "22003");
    }

    #[test]
    fn random_is_in_unit_interval() {
        for _ in 0..100 {
            let x = f("random", &[]);
            assert!((0.0..1.0).contains(&x));
        }
    }
}

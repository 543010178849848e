//! `exp`, `ln`, `log`, `log10` and `power` on `numeric`: arbitrary-precision evaluation with
//! PostgreSQL's choice of result scale — at least 16 significant digits and at least the
//! scale of the inputs — so `log(2, 8)` is `3.0000000000000000`, `exp(1.0)` is
//! `2.7182818284590452` and `power(2.0, 3)` is `8.0000000000000000`, as in PostgreSQL.
//!
//! Logarithms reduce the argument to `m * 10^k` with `1 <= m < 10`, take square roots of `m`
//! until it is within 0.01 of 1 and sum the `atanh` series; `exp` halves its argument below
//! 0.01, sums the Taylor series and squares back. Every step keeps guard digits beyond the
//! requested scale, and results are rounded half away from zero.

use bigdecimal::num_bigint::{BigInt, Sign};
use bigdecimal::{Context, One, RoundingMode, Signed, ToPrimitive, Zero};

use super::args::{decimal, optional};
use super::EvalContext;
use crate::error::{Error, Result};
use crate::types::{Decimal, Value};

/// PostgreSQL's `NUMERIC_MIN_SIG_DIGITS`.
const MIN_SIG_DIGITS: i64 = 16;
/// PostgreSQL's `NUMERIC_MAX_DISPLAY_SCALE`.
const MAX_DISPLAY_SCALE: i64 = 1000;
/// Extra decimal places carried through intermediate steps.
const GUARD: i64 = 10;
/// log10(e).
const LOG10_E: f64 = std::f64::consts::LOG10_E;

fn overflow() -> Error {
    Error::NumericOutOfRange("value overflows numeric format".into())
}

/// A result scale limited to PostgreSQL's range.
fn clamp_scale(scale: i64) -> i64 {
    scale.clamp(0, MAX_DISPLAY_SCALE)
}

/// The display scale of a decimal (never negative).
fn display_scale(x: &Decimal) -> i64 {
    x.fractional_digit_count().max(0)
}

/// floor(log10(|x|)) of a non-zero decimal.
fn exponent10(x: &Decimal) -> i64 {
    i64::try_from(x.digits()).unwrap_or(i64::MAX) - x.fractional_digit_count() - 1
}

fn is_negative(x: &Decimal) -> bool {
    x.sign() == Sign::Minus
}

/// A double approximation of a decimal, saturating instead of failing.
fn approximate(x: &Decimal) -> f64 {
    x.to_f64()
        .unwrap_or(if is_negative(x) { f64::MIN } else { f64::MAX })
}

fn pow10(exponent: i64) -> BigInt {
    BigInt::from(10).pow(u32::try_from(exponent.max(0)).unwrap_or(u32::MAX))
}

/// `numerator / denominator` rounded half away from zero.
fn round_quotient(numerator: &BigInt, denominator: &BigInt) -> BigInt {
    let quotient = numerator / denominator;
    let remainder = numerator - &quotient * denominator;
    if remainder.abs() * 2 >= denominator.abs() && !remainder.is_zero() {
        if numerator.sign() == denominator.sign() {
            quotient + 1
        } else {
            quotient - 1
        }
    } else {
        quotient
    }
}

/// `a / b` rounded to `scale` decimal places (`b` must not be zero).
fn div_to_scale(a: &Decimal, b: &Decimal, scale: i64) -> Decimal {
    let (a_digits, a_scale) = a.as_bigint_and_exponent();
    let (b_digits, b_scale) = b.as_bigint_and_exponent();
    let shift = scale + b_scale - a_scale;
    let (numerator, denominator) = if shift >= 0 {
        (a_digits * pow10(shift), b_digits)
    } else {
        (a_digits, b_digits * pow10(-shift))
    };
    Decimal::new(round_quotient(&numerator, &denominator), scale)
}

/// `a * b` rounded to `scale` decimal places.
fn mul_to_scale(a: &Decimal, b: &Decimal, scale: i64) -> Decimal {
    (a * b).with_scale_round(scale, RoundingMode::HalfUp)
}

/// Rounds to `digits` significant digits.
fn to_precision(x: Decimal, digits: i64) -> Decimal {
    x.with_prec(u64::try_from(digits.max(1)).unwrap_or(u64::MAX))
}

/// ln(y) for 1 <= y <= 10, accurate to about `scale` decimal places.
fn ln_reduced(y: &Decimal, scale: i64) -> Decimal {
    // Each square root halves ln(y); the result is multiplied back by 2^doublings.
    let work = scale + 4;
    let one = Decimal::one();
    let threshold = Decimal::new(BigInt::one(), 2);
    let context = Context::default().with_prec(u64::try_from(work + 3).unwrap_or(u64::MAX));
    let mut y = y.clone();
    let mut doublings: u32 = 0;
    while (&y - &one).abs() > threshold && doublings < 64 {
        match context.as_ref().and_then(|c| y.sqrt_with_context(c)) {
            Some(root) => y = root,
            None => break,
        }
        doublings += 1;
    }
    // ln(y) = 2 atanh(z) = 2 (z + z^3/3 + z^5/5 + ...), z = (y - 1) / (y + 1).
    let z = div_to_scale(&(&y - &one), &(&y + &one), work);
    let z_squared = mul_to_scale(&z, &z, work);
    let mut power = z.clone();
    let mut sum = z;
    let mut denominator: i64 = 1;
    loop {
        power = mul_to_scale(&power, &z_squared, work);
        if power.is_zero() {
            break;
        }
        denominator += 2;
        sum += div_to_scale(&power, &Decimal::from(denominator), work);
    }
    sum * Decimal::from(2_i64 << doublings.min(62))
}

/// ln(x) for x > 0, rounded to `scale` decimal places.
fn ln_decimal(x: &Decimal, scale: i64) -> Decimal {
    let k = exponent10(x);
    // k * ln(10) multiplies the error of ln(10) by |k|.
    let k_digits = i64::try_from(k.unsigned_abs().to_string().len()).unwrap_or(20);
    let work = scale + GUARD + k_digits;
    let (digits, digits_scale) = x.as_bigint_and_exponent();
    let mantissa = Decimal::new(digits, digits_scale + k);
    let mut ln = ln_reduced(&mantissa, work);
    if k != 0 {
        ln += ln_reduced(&Decimal::from(10), work) * Decimal::from(k);
    }
    ln.with_scale_round(scale, RoundingMode::HalfUp)
}

/// e^x rounded to `scale` decimal places.
fn exp_decimal(x: &Decimal, scale: i64) -> Result<Decimal> {
    let approx = approximate(x);
    if approx >= 6000.0 {
        return Err(overflow());
    }
    if approx <= -6000.0 {
        return Ok(Decimal::zero().with_scale(scale));
    }
    // Truncation to an integer weight is intended.
    #[allow(clippy::cast_possible_truncation)]
    let weight = (approx * LOG10_E).floor() as i64;
    let significant = (scale + weight + 1).max(1) + GUARD;
    let threshold = Decimal::new(BigInt::one(), 2);
    let mut reduced = x.clone();
    let mut halvings: i64 = 0;
    while reduced.abs() > threshold {
        reduced = reduced.half();
        halvings += 1;
    }
    // Squaring back multiplies the relative error by 2^halvings.
    let work = significant + halvings / 3 + GUARD;
    let mut term = Decimal::one();
    let mut sum = Decimal::one();
    let mut k: i64 = 1;
    loop {
        term = div_to_scale(
            &mul_to_scale(&term, &reduced, work),
            &Decimal::from(k),
            work,
        );
        if term.is_zero() {
            break;
        }
        sum += &term;
        k += 1;
    }
    for _ in 0..halvings {
        sum = to_precision(&sum * &sum, work);
    }
    Ok(sum.with_scale_round(scale, RoundingMode::HalfUp))
}

/// PostgreSQL's `estimate_ln_dweight`: roughly the decimal weight of ln(x).
fn estimate_ln_dweight(x: &Decimal) -> i64 {
    if x.sign() != Sign::Plus {
        return 0;
    }
    let near_one_low = Decimal::new(BigInt::from(9), 1);
    let near_one_high = Decimal::new(BigInt::from(11), 1);
    if *x >= near_one_low && *x <= near_one_high {
        let difference = x - Decimal::one();
        return if difference.is_zero() {
            0
        } else {
            exponent10(&difference)
        };
    }
    let k = exponent10(x);
    let (digits, digits_scale) = x.as_bigint_and_exponent();
    let mantissa = approximate(&Decimal::new(digits, digits_scale + k));
    #[allow(clippy::cast_precision_loss)]
    let ln = mantissa.ln() + k as f64 * std::f64::consts::LN_10;
    // PostgreSQL truncates towards zero.
    #[allow(clippy::cast_possible_truncation)]
    let weight = ln.abs().log10() as i64;
    weight
}

fn check_log_argument(x: &Decimal) -> Result<()> {
    if x.is_zero() {
        return Err(Error::InvalidParameterValue(
            "cannot take logarithm of zero".into(),
        ));
    }
    if is_negative(x) {
        return Err(Error::InvalidParameterValue(
            "cannot take logarithm of a negative number".into(),
        ));
    }
    Ok(())
}

/// `ln(numeric)`.
pub(super) fn ln(args: &[Value], _: &EvalContext) -> Result<Value> {
    let x = decimal(args, 0)?;
    check_log_argument(&x)?;
    let scale = clamp_scale((MIN_SIG_DIGITS - estimate_ln_dweight(&x)).max(display_scale(&x)));
    Ok(Value::numeric(ln_decimal(&x, scale)))
}

/// `log(numeric)` / `log10(numeric)` (base 10) and `log(base numeric, x numeric)`.
pub(super) fn log(args: &[Value], _: &EvalContext) -> Result<Value> {
    let (base, x) = match optional(args, 1) {
        Some(_) => (
            decimal(args, 0)?.into_owned(),
            decimal(args, 1)?.into_owned(),
        ),
        None => (Decimal::from(10), decimal(args, 0)?.into_owned()),
    };
    check_log_argument(&base)?;
    check_log_argument(&x)?;
    if base.is_one() {
        return Err(Error::DivisionByZero);
    }
    let (base_weight, x_weight) = (estimate_ln_dweight(&base), estimate_ln_dweight(&x));
    let scale = clamp_scale(
        (MIN_SIG_DIGITS - (x_weight - base_weight))
            .max(display_scale(&base))
            .max(display_scale(&x)),
    );
    // The quotient's error grows as ln(base) shrinks, so carry its weight as guard digits.
    let work = scale + 2 * GUARD + base_weight.abs() + x_weight.abs();
    let ln_base = ln_decimal(&base, work);
    let ln_x = ln_decimal(&x, work);
    Ok(Value::numeric(div_to_scale(&ln_x, &ln_base, scale)))
}

/// `exp(numeric)`.
pub(super) fn exp(args: &[Value], _: &EvalContext) -> Result<Value> {
    let x = decimal(args, 0)?;
    let weight = (approximate(&x) * LOG10_E).clamp(-2000.0, 2000.0);
    // Truncation towards zero, as PostgreSQL's (int) cast.
    #[allow(clippy::cast_possible_truncation)]
    let weight = weight as i64;
    let scale = clamp_scale((MIN_SIG_DIGITS - weight).max(display_scale(&x)));
    Ok(Value::numeric(exp_decimal(&x, scale)?))
}

/// `power(numeric, numeric)`.
pub(super) fn power(args: &[Value], _: &EvalContext) -> Result<Value> {
    let base = decimal(args, 0)?;
    let exponent = decimal(args, 1)?;
    if base.is_zero() && is_negative(&exponent) {
        return Err(Error::InvalidParameterValue(
            "zero raised to a negative power is undefined".into(),
        ));
    }
    let integral = exponent.is_integer();
    if is_negative(&base) && !integral {
        return Err(Error::InvalidParameterValue(
            "a negative number raised to a non-integer power yields a complex result".into(),
        ));
    }
    if integral {
        if let Some(small) = exponent.to_i64().filter(|e| i32::try_from(*e).is_ok()) {
            return power_integer(&base, small, display_scale(&exponent)).map(Value::numeric);
        }
    }
    if base.is_zero() {
        return Ok(Value::numeric(Decimal::zero().with_scale(MIN_SIG_DIGITS)));
    }
    // A negative base has an integral exponent here: the sign follows its parity.
    let odd = integral && exponent.with_scale(0).into_bigint_and_exponent().0.bit(0);
    let magnitude = base.abs();
    let result = power_general(&magnitude, &exponent, display_scale(&base))?;
    Ok(Value::numeric(if is_negative(&base) && odd {
        -result
    } else {
        result
    }))
}

/// `base ^ exponent` for an exponent in the `integer` range (PostgreSQL's `power_var_int`).
fn power_integer(base: &Decimal, exponent: i64, exponent_scale: i64) -> Result<Decimal> {
    let weight = if base.is_zero() {
        0.0
    } else {
        let k = exponent10(base);
        let (digits, digits_scale) = base.as_bigint_and_exponent();
        let mantissa = approximate(&Decimal::new(digits, digits_scale + k)).abs();
        #[allow(clippy::cast_precision_loss)]
        let weight = exponent as f64 * (mantissa.log10() + k as f64);
        weight
    };
    if weight > 131_072.0 {
        return Err(overflow());
    }
    if weight + 1.0 < -(MAX_DISPLAY_SCALE as f64) {
        return Ok(Decimal::zero().with_scale(MAX_DISPLAY_SCALE));
    }
    // Truncation towards zero, as PostgreSQL's (int) cast.
    #[allow(clippy::cast_possible_truncation)]
    let weight = weight as i64;
    let scale = clamp_scale(
        (MIN_SIG_DIGITS - weight)
            .max(display_scale(base))
            .max(exponent_scale),
    );
    match exponent {
        0 => return Ok(Decimal::one().with_scale(scale)),
        1 => return Ok(base.with_scale_round(scale, RoundingMode::HalfUp)),
        -1 => return Ok(div_to_scale(&Decimal::one(), base, scale)),
        2 => return Ok(mul_to_scale(base, base, scale)),
        _ => {}
    }
    let steps = i64::from(64 - exponent.unsigned_abs().leading_zeros());
    let significant = (scale + weight).max(0) + GUARD + steps;
    let mut result = Decimal::one();
    let mut square = base.clone();
    let mut remaining = exponent.unsigned_abs();
    while remaining > 0 {
        if remaining & 1 == 1 {
            result = to_precision(&result * &square, significant);
        }
        remaining >>= 1;
        if remaining > 0 {
            square = to_precision(&square * &square, significant);
        }
    }
    Ok(if exponent < 0 {
        div_to_scale(&Decimal::one(), &result, scale)
    } else {
        result.with_scale_round(scale, RoundingMode::HalfUp)
    })
}

/// `base ^ exponent` for a positive base, as `exp(ln(base) * exponent)`.
fn power_general(base: &Decimal, exponent: &Decimal, base_scale: i64) -> Result<Decimal> {
    let ln_weight = estimate_ln_dweight(base);
    let rough_scale = (8 - ln_weight).max(0);
    let rough = mul_to_scale(&ln_decimal(base, rough_scale), exponent, rough_scale);
    let value = approximate(&rough);
    if value.abs() > 2000.0 * 3.01 {
        if value > 0.0 {
            return Err(overflow());
        }
        return Ok(Decimal::zero().with_scale(MAX_DISPLAY_SCALE));
    }
    // Truncation towards zero, as PostgreSQL's (int) cast.
    #[allow(clippy::cast_possible_truncation)]
    let weight = (value * LOG10_E) as i64;
    let scale = clamp_scale(
        (MIN_SIG_DIGITS - weight)
            .max(base_scale)
            .max(display_scale(exponent)),
    );
    let significant = (scale + weight).max(0);
    let exponent_digits = if exponent.is_zero() {
        0
    } else {
        exponent10(exponent).max(0) + 1
    };
    let work = significant - ln_weight + 8 + GUARD + exponent_digits;
    let ln_power = mul_to_scale(&ln_decimal(base, work), exponent, work);
    exp_decimal(&ln_power, scale)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{call, call_num_text as n, num, result_type, NUMERIC};
    use super::*;
    use crate::types::DataType;

    #[test]
    fn logarithms_match_postgres() {
        assert_eq!(n("ln", &[num("2.0")]), "0.6931471805599453");
        assert_eq!(n("ln", &[num("1")]), "0.0000000000000000");
        assert_eq!(n("ln", &[num("1000")]), "6.9077552789821371");
        assert_eq!(n("ln", &[num("0.5")]), "-0.6931471805599453");
        assert_eq!(n("log", &[num("2"), num("8")]), "3.0000000000000000");
        assert_eq!(n("log", &[num("100.0")]), "2.0000000000000000");
        assert_eq!(n("log10", &[num("1000")]), "3.0000000000000000");
        assert_eq!(n("log", &[num("10"), num("2")]), "0.3010299956639812");
        let tiny = format!("0.{}1{}", "0".repeat(19), "0".repeat(16));
        assert_eq!(n("ln", &[num("1.00000000000000000001")]), tiny);
        assert_eq!(call("ln", &[num("0")]).unwrap_err().sqlstate(), "22023");
        assert_eq!(call("log", &[num("-1")]).unwrap_err().sqlstate(), "22023");
        assert_eq!(
            call("log", &[num("1"), num("5")]).unwrap_err().sqlstate(),
            "22012"
        );
        let numeric2 = [NUMERIC, NUMERIC];
        assert_eq!(result_type("log", &numeric2).unwrap(), NUMERIC);
        assert_eq!(
            result_type("log", &[DataType::Int32, DataType::Int32]).unwrap(),
            NUMERIC
        );
        assert_eq!(result_type("ln", &[NUMERIC]).unwrap(), NUMERIC);
        assert_eq!(
            result_type("ln", &[DataType::Int32]).unwrap(),
            DataType::Float64
        );
    }

    #[test]
    fn exponentials_match_postgres() {
        assert_eq!(n("exp", &[num("1.0")]), "2.7182818284590452");
        assert_eq!(n("exp", &[num("0.0")]), "1.0000000000000000");
        assert_eq!(n("exp", &[num("-1")]), "0.3678794411714423");
        assert_eq!(n("exp", &[num("10")]), "22026.465794806717");
        assert_eq!(
            n("exp", &[num("-10000")]),
            format!("0.{}", "0".repeat(1000))
        );
        assert_eq!(
            call("exp", &[num("10000")]).unwrap_err().sqlstate(),
            "22003"
        );
    }

    #[test]
    fn powers_match_postgres() {
        assert_eq!(n("power", &[num("2.0"), num("3")]), "8.0000000000000000");
        assert_eq!(n("power", &[num("1.05"), num("10")]), "1.6288946267774414");
        assert_eq!(n("power", &[num("2"), num("-3")]), "0.1250000000000000");
        assert_eq!(n("power", &[num("-2.0"), num("3")]), "-8.0000000000000000");
        assert_eq!(n("power", &[num("0.0"), num("0")]), "1.0000000000000000");
        assert_eq!(n("power", &[num("2"), num("0.5")]), "1.4142135623730950");
        assert_eq!(n("power", &[num("0"), num("0.5")]), "0.0000000000000000");
        assert_eq!(n("power", &[num("10"), num("20")]), "100000000000000000000");
        assert_eq!(
            n("power", &[num("-2"), num("64.0")]),
            "18446744073709551616.0"
        );
        let err = call("power", &[num("0"), num("-1")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "zero raised to a negative power is undefined"
        );
        assert!(call("power", &[num("-8"), num("0.5")]).is_err());
        assert_eq!(
            call("power", &[num("10"), num("1000000")])
                .unwrap_err()
                .sqlstate(),
            "22003"
        );
        // Integers still resolve to double precision, as in PostgreSQL.
        assert_eq!(
            call("power", &[Value::Int32(2), Value::Int32(10)]).unwrap(),
            Value::Float64(1024.0)
        );
    }

    #[test]
    fn helpers() {
        assert_eq!(
            div_to_scale(&Decimal::from(2), &Decimal::from(3), 3).to_string(),
            "0.667"
        );
        assert_eq!(
            div_to_scale(&Decimal::from(-2), &Decimal::from(3), 3).to_string(),
            "-0.667"
        );
        assert_eq!(
            div_to_scale(&Decimal::from(1), &Decimal::from(8), 2).to_string(),
            "0.13"
        );
        assert_eq!(exponent10(&Decimal::new(BigInt::from(5), 3)), -3);
        assert_eq!(estimate_ln_dweight(&Decimal::from(2)), 0);
        assert_eq!(
            estimate_ln_dweight(&Decimal::new(BigInt::from(10001), 4)),
            -4
        );
        assert_eq!(estimate_ln_dweight(&Decimal::from(100_000_000_000_i64)), 1);
    }
}

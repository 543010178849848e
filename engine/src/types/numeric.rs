//! NUMERIC helpers shared by parsing, output, casts, arithmetic and comparison: PostgreSQL's
//! numeric text input and output, precision/scale enforcement, division scale selection, and
//! exact conversions between floats and decimals.
//!
//! Every numeric value built here keeps a non-negative scale, which is PostgreSQL's display
//! scale: `1.50` keeps scale 2 and prints as `1.50`.

use std::fmt::{self, Write};

use bigdecimal::num_bigint::{BigInt, Sign};
use bigdecimal::{RoundingMode, ToPrimitive, Zero};

use super::Decimal;
use crate::error::{Error, Result};

/// Largest display scale PostgreSQL accepts for a numeric value.
const MAX_SCALE: i64 = 16_383;
/// Most digits before the decimal point PostgreSQL accepts.
const MAX_INTEGER_DIGITS: i64 = 131_072;
/// PostgreSQL's `NUMERIC_MIN_SIG_DIGITS`: the least number of significant digits a division
/// result gets.
const MIN_SIGNIFICANT_DIGITS: i64 = 16;
/// PostgreSQL's `NUMERIC_MAX_DISPLAY_SCALE`, the cap on a division result's scale.
const MAX_DISPLAY_SCALE: i64 = 1000;

fn overflows_format() -> Error {
    Error::NumericOutOfRange("value overflows numeric format".into())
}

/// `10^exponent` as a big integer.
fn ten_to(exponent: u64) -> BigInt {
    power(BigInt::from(10u8), exponent)
}

fn power(base: BigInt, exponent: u64) -> BigInt {
    let mut result = BigInt::from(1u8);
    let mut base = base;
    let mut exponent = exponent;
    while exponent > 0 {
        if exponent & 1 == 1 {
            result *= &base;
        }
        exponent >>= 1;
        if exponent > 0 {
            base = &base * &base;
        }
    }
    result
}

/// Returns `value` with a scale of at least 0 (PostgreSQL never has negative display scales).
pub(crate) fn with_nonnegative_scale(value: Decimal) -> Decimal {
    if value.fractional_digit_count() < 0 {
        value.with_scale(0)
    } else {
        value
    }
}

/// Parses PostgreSQL numeric input: `12`, `-1.50`, `.5`, `5.`, `1e3`, `1.5E-2`, with
/// surrounding whitespace. NaN and infinities are not supported (0A000).
pub(crate) fn parse_numeric(text: &str) -> Result<Decimal> {
    let invalid = || Error::invalid_text("numeric", text);
    let trimmed = text.trim();
    let lower = trimmed.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "nan" | "infinity" | "+infinity" | "-infinity" | "inf" | "+inf" | "-inf"
    ) {
        return Err(Error::unsupported("NaN and infinite numeric values"));
    }
    let (negative, body) = match trimmed.as_bytes().first() {
        Some(b'-') => (true, trimmed.get(1..).unwrap_or("")),
        Some(b'+') => (false, trimmed.get(1..).unwrap_or("")),
        _ => (false, trimmed),
    };
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => (
            body.get(..at).unwrap_or(""),
            Some(body.get(at + 1..).unwrap_or("")),
        ),
        None => (body, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !all_digits(whole) || !all_digits(fraction) {
        return Err(invalid());
    }
    let exponent: i64 = match exponent {
        None => 0,
        Some(e) => {
            let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
            if digits.is_empty() || !all_digits(digits) {
                return Err(invalid());
            }
            if digits.trim_start_matches('0').len() > 9 {
                return Err(overflows_format());
            }
            e.parse().map_err(|_| invalid())?
        }
    };
    let digits = format!("{whole}{fraction}");
    let magnitude = digits.parse::<BigInt>().map_err(|_| invalid())?;
    let fraction_len = i64::try_from(fraction.len()).map_err(|_| overflows_format())?;
    let scale = fraction_len - exponent;
    let significant = i64::try_from(digits.trim_start_matches('0').len()).unwrap_or(i64::MAX);
    if scale > MAX_SCALE || significant - scale > MAX_INTEGER_DIGITS {
        return Err(overflows_format());
    }
    let signed = if negative { -magnitude } else { magnitude };
    Ok(with_nonnegative_scale(Decimal::new(signed, scale)))
}

/// Writes a numeric in plain notation with exactly its scale: `1.50`, `-0.001`, `100`.
pub(crate) fn write_numeric(out: &mut impl Write, value: &Decimal) -> fmt::Result {
    let (int, scale) = value.as_bigint_and_exponent();
    if int.sign() == Sign::Minus {
        out.write_char('-')?;
    }
    let digits = int.magnitude().to_string();
    if scale <= 0 {
        out.write_str(&digits)?;
        for _ in 0..scale.unsigned_abs() {
            out.write_char('0')?;
        }
        return Ok(());
    }
    let scale = usize::try_from(scale).unwrap_or(usize::MAX);
    if digits.len() > scale {
        let (whole, fraction) = digits.split_at(digits.len() - scale);
        write!(out, "{whole}.{fraction}")
    } else {
        out.write_str("0.")?;
        for _ in digits.len()..scale {
            out.write_char('0')?;
        }
        out.write_str(&digits)
    }
}

/// Rounds to `scale` fractional digits, halves away from zero (PostgreSQL's `round`).
pub(crate) fn round_to_scale(value: &Decimal, scale: i64) -> Decimal {
    value.with_scale_round(scale, RoundingMode::HalfUp)
}

/// Enforces a NUMERIC(precision, scale) type modifier: rounds to the scale, then fails with
/// 22003 "numeric field overflow" if the integer part has more than `precision - scale` digits.
pub(crate) fn apply_typmod(
    value: &Decimal,
    precision: Option<u32>,
    scale: Option<u32>,
) -> Result<Decimal> {
    let Some(precision) = precision else {
        return Ok(match scale {
            Some(scale) => round_to_scale(value, i64::from(scale)),
            None => value.clone(),
        });
    };
    let scale = i64::from(scale.unwrap_or(0));
    let rounded = round_to_scale(value, scale);
    if !rounded.is_zero() {
        let (int, _) = rounded.as_bigint_and_exponent();
        // The rounded value has exactly `scale` fractional digits, so it fits when its digit
        // count is at most the precision.
        let digits = int.magnitude().to_string().len();
        if u64::try_from(digits).unwrap_or(u64::MAX) > u64::from(precision) {
            return Err(Error::NumericOutOfRange("numeric field overflow".into()));
        }
    }
    Ok(rounded)
}

/// The base-10000 weight and first base-10000 digit of a value, as PostgreSQL stores numerics.
/// Zero gives `(0, 0)`.
fn base_10000_weight_and_first_digit(value: &Decimal) -> (i64, i64) {
    let (int, scale) = value.as_bigint_and_exponent();
    if int.is_zero() {
        return (0, 0);
    }
    let digits = int.magnitude().to_string();
    let len = i64::try_from(digits.len()).unwrap_or(i64::MAX);
    let leading_exponent = len - 1 - scale;
    let weight = leading_exponent.div_euclid(4);
    let group_len = usize::try_from(leading_exponent - weight * 4 + 1).unwrap_or(1);
    let mut first = 0i64;
    for position in 0..group_len {
        let digit = digits
            .as_bytes()
            .get(position)
            .map_or(0, |b| i64::from(b - b'0'));
        first = first * 10 + digit;
    }
    (weight, first)
}

/// `left / right` with PostgreSQL's result scale (`select_div_scale`: at least 16 significant
/// digits, at least either input's scale, at most 1000), rounded half away from zero.
/// `1 / 3 = 0.33333333333333333333`, `10 / 4 = 2.5000000000000000`.
pub(crate) fn divide(left: &Decimal, right: &Decimal) -> Result<Decimal> {
    if right.is_zero() {
        return Err(Error::DivisionByZero);
    }
    let (weight1, first1) = base_10000_weight_and_first_digit(left);
    let (weight2, first2) = base_10000_weight_and_first_digit(right);
    let mut quotient_weight = weight1 - weight2;
    if first1 <= first2 {
        quotient_weight -= 1;
    }
    let scale = (MIN_SIGNIFICANT_DIGITS - quotient_weight * 4)
        .max(left.fractional_digit_count())
        .max(right.fractional_digit_count())
        .clamp(0, MAX_DISPLAY_SCALE);
    Ok(divide_rounded(left, right, scale))
}

/// `left / right` rounded half away from zero to `scale` digits; `right` must be non-zero.
fn divide_rounded(left: &Decimal, right: &Decimal, scale: i64) -> Decimal {
    let (numerator, left_scale) = left.as_bigint_and_exponent();
    let (denominator, right_scale) = right.as_bigint_and_exponent();
    // quotient * 10^scale = numerator * 10^(right_scale - left_scale + scale) / denominator
    let shift = right_scale - left_scale + scale;
    let (numerator, denominator) = if shift >= 0 {
        (numerator * ten_to(shift.unsigned_abs()), denominator)
    } else {
        (numerator, denominator * ten_to(shift.unsigned_abs()))
    };
    let mut quotient = &numerator / &denominator;
    let remainder = &numerator % &denominator;
    if remainder.magnitude() * 2u8 >= *denominator.magnitude() {
        let away = if (numerator.sign() == Sign::Minus) == (denominator.sign() == Sign::Minus) {
            1
        } else {
            -1
        };
        quotient += away;
    }
    Decimal::new(quotient, scale)
}

/// `left / right` truncated toward zero to an integer (PostgreSQL's `div`).
pub(crate) fn divide_truncating(left: &Decimal, right: &Decimal) -> Result<Decimal> {
    if right.is_zero() {
        return Err(Error::DivisionByZero);
    }
    let (numerator, left_scale) = left.as_bigint_and_exponent();
    let (denominator, right_scale) = right.as_bigint_and_exponent();
    let shift = right_scale - left_scale;
    let (numerator, denominator) = if shift >= 0 {
        (numerator * ten_to(shift.unsigned_abs()), denominator)
    } else {
        (numerator, denominator * ten_to(shift.unsigned_abs()))
    };
    Ok(Decimal::new(numerator / denominator, 0))
}

/// `left % right`: the remainder of truncating division, with the sign of `left` and the
/// larger of the two scales (`10.5 % 3 = 1.5`).
pub(crate) fn modulo(left: &Decimal, right: &Decimal) -> Result<Decimal> {
    let quotient = divide_truncating(left, right)?;
    Ok(with_nonnegative_scale(left - quotient * right))
}

/// The exact value of a finite float as a decimal (`0.1f64` becomes
/// `0.1000000000000000055511151231257827021181583404541015625`). `None` for NaN and infinities.
pub(crate) fn from_f64_exact(value: f64) -> Option<Decimal> {
    if !value.is_finite() {
        return None;
    }
    let bits = value.to_bits();
    let negative = bits >> 63 == 1;
    let exponent_bits = i64::try_from((bits >> 52) & 0x7ff).unwrap_or(0);
    let fraction = bits & ((1u64 << 52) - 1);
    let (mantissa, exponent) = if exponent_bits == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1u64 << 52), exponent_bits - 1075)
    };
    if mantissa == 0 {
        return Some(Decimal::zero());
    }
    // An odd mantissa gives the shortest exact decimal: m * 5^k has no factor 10.
    let trailing = mantissa.trailing_zeros();
    let (mantissa, exponent) = (mantissa >> trailing, exponent + i64::from(trailing));
    let mantissa = BigInt::from(mantissa);
    let mantissa = if negative { -mantissa } else { mantissa };
    Some(if exponent >= 0 {
        Decimal::new(mantissa << exponent.unsigned_abs(), 0)
    } else {
        // m * 2^-k = m * 5^k / 10^k
        let k = exponent.unsigned_abs();
        Decimal::new(mantissa * power(BigInt::from(5u8), k), exponent.abs())
    })
}

/// Float to numeric the way PostgreSQL casts: through the float's text with `significant`
/// digits (15 for double precision, 6 for real), trailing zeros dropped. 22003 for NaN and
/// infinities.
pub(crate) fn from_f64_rounded(value: f64, significant: usize) -> Result<Decimal> {
    if value.is_nan() {
        return Err(Error::unsupported("NaN numeric values"));
    }
    if value.is_infinite() {
        return Err(Error::NumericOutOfRange(
            "cannot convert infinity to numeric".into(),
        ));
    }
    let text = format!("{value:.prec$e}", prec = significant.saturating_sub(1));
    let parsed = parse_numeric(&text)?;
    Ok(with_nonnegative_scale(parsed.normalized()))
}

/// Numeric to double precision, correctly rounded; 22003 if it does not fit.
pub(crate) fn to_f64(value: &Decimal) -> Result<f64> {
    let mut text = String::new();
    write_numeric(&mut text, value)
        .map_err(|_| Error::Internal("numeric formatting failed".into()))?;
    let result: f64 = text
        .parse()
        .map_err(|_| Error::Internal(format!("numeric {text} is not a float")))?;
    if result.is_infinite() {
        return Err(Error::NumericOutOfRange(
            "value out of range: overflow".into(),
        ));
    }
    Ok(result)
}

/// Numeric to an integer, rounding halves away from zero; `None` if it does not fit an i64.
pub(crate) fn to_i64_rounded(value: &Decimal) -> Option<i64> {
    round_to_scale(value, 0).to_i64()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(text: &str) -> Decimal {
        parse_numeric(text).unwrap_or_default()
    }

    fn show(value: &Decimal) -> String {
        let mut s = String::new();
        let _ = write_numeric(&mut s, value);
        s
    }

    #[test]
    fn parse_and_print_keep_scale() {
        for (input, output) in [
            ("1.50", "1.50"),
            (" -0.001 ", "-0.001"),
            ("100", "100"),
            ("1e3", "1000"),
            ("1.5E-2", "0.015"),
            ("1.50e1", "15.0"),
            (".5", "0.5"),
            ("5.", "5"),
            ("+7", "7"),
            ("-0", "0"),
            ("-0.00", "0.00"),
            ("00012.3400", "12.3400"),
        ] {
            assert_eq!(show(&num(input)), output, "{input}");
        }
        for bad in ["", "abc", "1.2.3", "1e", "--1", "1 2", "e5", "."] {
            assert!(
                matches!(
                    parse_numeric(bad),
                    Err(Error::InvalidTextRepresentation { .. })
                ),
                "{bad}"
            );
        }
        assert!(matches!(
            parse_numeric("NaN"),
            Err(Error::FeatureNotSupported(_))
        ));
        assert!(matches!(
            parse_numeric("1e999999999999"),
            Err(Error::NumericOutOfRange(_))
        ));
        assert!(matches!(
            parse_numeric("1e-20000"),
            Err(Error::NumericOutOfRange(_))
        ));
    }

    #[test]
    fn typmod_rounds_and_checks_precision() {
        let apply = |v: &str, p, s| apply_typmod(&num(v), p, s).map(|d| show(&d));
        assert_eq!(
            apply("123.456", Some(5), Some(2)).ok().as_deref(),
            Some("123.46")
        );
        assert_eq!(
            apply("-0.005", Some(5), Some(2)).ok().as_deref(),
            Some("-0.01")
        );
        assert_eq!(apply("2.5", Some(3), None).ok().as_deref(), Some("3"));
        assert_eq!(apply("1", Some(5), Some(2)).ok().as_deref(), Some("1.00"));
        assert_eq!(apply("1.5", None, None).ok().as_deref(), Some("1.5"));
        assert_eq!(
            apply("1234.5", Some(5), Some(2)),
            Err(Error::NumericOutOfRange("numeric field overflow".into()))
        );
        assert!(apply("999.995", Some(5), Some(2)).is_err());
        assert_eq!(
            apply("999.994", Some(5), Some(2)).ok().as_deref(),
            Some("999.99")
        );
    }

    #[test]
    fn division_scale_matches_postgres() {
        let div = |a: &str, b: &str| divide(&num(a), &num(b)).map(|d| show(&d));
        assert_eq!(
            div("1", "3").ok().as_deref(),
            Some("0.33333333333333333333")
        );
        assert_eq!(div("10", "4").ok().as_deref(), Some("2.5000000000000000"));
        assert_eq!(
            div("2", "3").ok().as_deref(),
            Some("0.66666666666666666667")
        );
        assert_eq!(
            div("-2", "3").ok().as_deref(),
            Some("-0.66666666666666666667")
        );
        assert_eq!(
            div("1.000", "8").ok().as_deref(),
            Some("0.12500000000000000000")
        );
        assert_eq!(
            div("100000", "3").ok().as_deref(),
            Some("33333.333333333333")
        );
        assert_eq!(div("1", "0"), Err(Error::DivisionByZero));
    }

    #[test]
    fn modulo_has_sign_of_dividend() {
        let m = |a: &str, b: &str| modulo(&num(a), &num(b)).map(|d| show(&d));
        assert_eq!(m("10.5", "3").ok().as_deref(), Some("1.5"));
        assert_eq!(m("-7", "3").ok().as_deref(), Some("-1"));
        assert_eq!(m("7", "-3").ok().as_deref(), Some("1"));
        assert_eq!(m("7", "0.00"), Err(Error::DivisionByZero));
    }

    #[test]
    fn float_conversions() {
        assert_eq!(
            from_f64_exact(0.5).map(|d| show(&d)).as_deref(),
            Some("0.5")
        );
        assert_eq!(from_f64_exact(-8.0), Some(num("-8")));
        assert_eq!(
            from_f64_exact(0.1).map(|d| show(&d)).as_deref(),
            Some("0.1000000000000000055511151231257827021181583404541015625")
        );
        assert_eq!(from_f64_exact(f64::NAN), None);
        assert_eq!(
            from_f64_rounded(0.1, 15).map(|d| show(&d)).ok().as_deref(),
            Some("0.1")
        );
        assert_eq!(
            from_f64_rounded(1.0 / 3.0, 15)
                .map(|d| show(&d))
                .ok()
                .as_deref(),
            Some("0.333333333333333")
        );
        assert_eq!(
            from_f64_rounded(1e20, 15).map(|d| show(&d)).ok().as_deref(),
            Some("100000000000000000000")
        );
        assert_eq!(
            from_f64_rounded(100.0, 15)
                .map(|d| show(&d))
                .ok()
                .as_deref(),
            Some("100")
        );
        assert!(from_f64_rounded(f64::INFINITY, 15).is_err());
        assert_eq!(to_f64(&num("1.5")).ok(), Some(1.5));
        assert!(to_f64(&num("1e400")).is_err());
        assert_eq!(to_i64_rounded(&num("2.5")), Some(3));
        assert_eq!(to_i64_rounded(&num("-2.5")), Some(-3));
        assert_eq!(to_i64_rounded(&num("1e30")), None);
    }
}

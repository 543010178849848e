//! Text input and output of [`Interval`] in PostgreSQL's formats: the `postgres` output style
//! (`1 year 2 mons 3 days 04:05:06.5`), the verbose input forms it accepts (`2 hours 30
//! minutes`, `1.5 days`, `@ 1 day ago`, `1 04:05:06`) and ISO 8601 durations (`P1DT2H`).

use std::fmt;

use super::interval::{
    Interval, DAYS_PER_MONTH, MICROS_PER_DAY, MICROS_PER_HOUR, MICROS_PER_MINUTE, MICROS_PER_SECOND,
};
use super::parse_fraction_micros;
use crate::error::{Error, Result};

impl fmt::Display for Interval {
    /// PostgreSQL's default (`postgres`) interval output style.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut is_zero = true;
        let mut is_before = false;
        let years = self.months / 12;
        let months = self.months % 12;
        for (value, unit) in [(years, "year"), (months, "mon"), (self.days, "day")] {
            if value == 0 {
                continue;
            }
            let space = if is_zero { "" } else { " " };
            let plus = if is_before && value > 0 { "+" } else { "" };
            let plural = if value == 1 { "" } else { "s" };
            write!(f, "{space}{plus}{value} {unit}{plural}")?;
            is_before = value < 0;
            is_zero = false;
        }
        if is_zero || self.micros != 0 {
            let space = if is_zero { "" } else { " " };
            let sign = if self.micros < 0 {
                "-"
            } else if is_before {
                "+"
            } else {
                ""
            };
            let abs = self.micros.unsigned_abs();
            let unit = |micros: i64| micros.unsigned_abs();
            let hours = abs / unit(MICROS_PER_HOUR);
            let minutes = abs % unit(MICROS_PER_HOUR) / unit(MICROS_PER_MINUTE);
            let seconds = abs % unit(MICROS_PER_MINUTE) / unit(MICROS_PER_SECOND);
            let fraction = abs % unit(MICROS_PER_SECOND);
            write!(f, "{space}{sign}{hours:02}:{minutes:02}:{seconds:02}")?;
            write_fraction(f, fraction)?;
        }
        Ok(())
    }
}

/// Writes `.ffffff` with trailing zeros removed, or nothing for a zero fraction.
pub(crate) fn write_fraction(f: &mut impl fmt::Write, micros: u64) -> fmt::Result {
    if micros == 0 {
        return Ok(());
    }
    let digits = format!("{micros:06}");
    write!(f, ".{}", digits.trim_end_matches('0'))
}

impl std::str::FromStr for Interval {
    type Err = Error;

    fn from_str(text: &str) -> Result<Interval> {
        parse_interval(text)
    }
}

/// Sums of the parsed fields, kept wide so that overflow is detected once at the end.
#[derive(Default)]
struct Fields {
    months: i128,
    days: i128,
    micros: i128,
}

impl Fields {
    /// Adds `fraction` of a unit that is `days_per_unit` days long: whole days to `days`, the
    /// rest to `micros` (PostgreSQL's `AdjustFractDays`).
    fn add_fraction_of_days(&mut self, fraction: f64, days_per_unit: f64) {
        let days = fraction * days_per_unit;
        self.days = self
            .days
            .saturating_add(i128::from(f64_to_i64(days.trunc())));
        self.add_fraction_of_micros(days.fract(), MICROS_PER_DAY);
    }

    fn add_fraction_of_micros(&mut self, fraction: f64, micros_per_unit: i64) {
        // Units are at most a day long, so the product stays far below 2^53.
        #[allow(clippy::cast_precision_loss)]
        let micros = (fraction * micros_per_unit as f64).round_ties_even();
        self.micros = self.micros.saturating_add(i128::from(f64_to_i64(micros)));
    }

    /// Adds `whole + fraction` of `unit`.
    fn add(&mut self, unit: Unit, whole: i128, fraction: f64) {
        match unit {
            Unit::Years(factor) => {
                let months = whole.saturating_mul(12 * i128::from(factor));
                let fraction = (fraction * 12.0 * f64::from(factor)).round_ties_even();
                self.months = self
                    .months
                    .saturating_add(months)
                    .saturating_add(i128::from(f64_to_i64(fraction)));
            }
            Unit::Months => {
                self.months = self.months.saturating_add(whole);
                // DAYS_PER_MONTH is 30; exact in f64.
                #[allow(clippy::cast_precision_loss)]
                self.add_fraction_of_days(fraction, DAYS_PER_MONTH as f64);
            }
            Unit::Weeks => {
                self.days = self.days.saturating_add(whole.saturating_mul(7));
                self.add_fraction_of_days(fraction, 7.0);
            }
            Unit::Days => {
                self.days = self.days.saturating_add(whole);
                self.add_fraction_of_micros(fraction, MICROS_PER_DAY);
            }
            Unit::Micros(per_unit) => {
                let micros = whole.saturating_mul(i128::from(per_unit));
                self.micros = self.micros.saturating_add(micros);
                self.add_fraction_of_micros(fraction, per_unit);
            }
        }
    }

    fn negate(&mut self) {
        self.months = self.months.saturating_neg();
        self.days = self.days.saturating_neg();
        self.micros = self.micros.saturating_neg();
    }

    fn finish(self, text: &str) -> Result<Interval> {
        let overflow =
            || Error::InvalidDatetime(format!("interval field value out of range: \"{text}\""));
        Ok(Interval {
            months: i32::try_from(self.months).map_err(|_| overflow())?,
            days: i32::try_from(self.days).map_err(|_| overflow())?,
            micros: i64::try_from(self.micros).map_err(|_| overflow())?,
        })
    }
}

/// Saturating conversion of an already-rounded float (callers keep values small).
fn f64_to_i64(value: f64) -> i64 {
    if value.is_nan() {
        0
    } else {
        // `as` saturates; values reaching here are bounded by the parsed input.
        #[allow(clippy::cast_possible_truncation)]
        let v = value as i64;
        v
    }
}

#[derive(Clone, Copy)]
enum Unit {
    /// Years times the factor (1 for years, 10 for decades, ...).
    Years(i32),
    Months,
    Weeks,
    Days,
    /// A fixed number of microseconds per unit (hours and smaller).
    Micros(i64),
}

fn unit_named(word: &str) -> Option<Unit> {
    Some(match word {
        "millennium" | "millennia" | "millenniums" | "mil" | "mils" => Unit::Years(1000),
        "century" | "centuries" | "cent" | "c" => Unit::Years(100),
        "decade" | "decades" | "dec" | "decs" => Unit::Years(10),
        "year" | "years" | "y" | "yr" | "yrs" => Unit::Years(1),
        "month" | "months" | "mon" | "mons" => Unit::Months,
        "week" | "weeks" | "w" => Unit::Weeks,
        "day" | "days" | "d" => Unit::Days,
        "hour" | "hours" | "h" | "hr" | "hrs" => Unit::Micros(MICROS_PER_HOUR),
        "minute" | "minutes" | "m" | "min" | "mins" => Unit::Micros(MICROS_PER_MINUTE),
        "second" | "seconds" | "s" | "sec" | "secs" => Unit::Micros(MICROS_PER_SECOND),
        "millisecond" | "milliseconds" | "ms" | "msec" | "msecs" => Unit::Micros(1000),
        "microsecond" | "microseconds" | "us" | "usec" | "usecs" => Unit::Micros(1),
        _ => return None,
    })
}

/// One lexical piece of an interval's text.
enum Token {
    /// A signed number: whole part and fraction, both carrying the sign.
    Number {
        whole: i128,
        fraction: f64,
    },
    /// `[+-]H:MM[:SS[.ffffff]]`, as signed microseconds.
    Time(i128),
    Word(String),
}

/// Parses PostgreSQL interval input.
pub(crate) fn parse_interval(text: &str) -> Result<Interval> {
    let syntax = || {
        Error::InvalidDatetime(format!(
            "invalid input syntax for type interval: \"{text}\""
        ))
    };
    let lower = text.trim().to_ascii_lowercase();
    if let Some(iso) = lower.strip_prefix('p') {
        return parse_iso(iso).ok_or_else(syntax)?.finish(text);
    }
    let tokens = tokenize(&lower).ok_or_else(syntax)?;
    if tokens.is_empty() {
        return Err(syntax());
    }
    let mut fields = Fields::default();
    let mut index = 0;
    while let Some(token) = tokens.get(index) {
        index += 1;
        match token {
            Token::Number { whole, fraction } => match tokens.get(index) {
                Some(Token::Word(word)) if word != "ago" => {
                    let unit = unit_named(word).ok_or_else(syntax)?;
                    fields.add(unit, *whole, *fraction);
                    index += 1;
                }
                // `1 04:05:06`: a bare number before a time counts days.
                Some(Token::Time(_)) => fields.add(Unit::Days, *whole, *fraction),
                // A trailing bare number counts seconds.
                None | Some(Token::Word(_)) => {
                    fields.add(Unit::Micros(MICROS_PER_SECOND), *whole, *fraction)
                }
                Some(Token::Number { .. }) => return Err(syntax()),
            },
            Token::Time(micros) => fields.micros = fields.micros.saturating_add(*micros),
            Token::Word(word) if word == "ago" && index == tokens.len() => fields.negate(),
            Token::Word(_) => return Err(syntax()),
        }
    }
    fields.finish(text)
}

fn tokenize(text: &str) -> Option<Vec<Token>> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut pos = 0;
    while let Some(&c) = bytes.get(pos) {
        if c.is_ascii_whitespace() || (c == b'@' && tokens.is_empty()) {
            pos += 1;
        } else if c.is_ascii_alphabetic() {
            let start = pos;
            while bytes.get(pos).is_some_and(u8::is_ascii_alphabetic) {
                pos += 1;
            }
            tokens.push(Token::Word(text.get(start..pos)?.to_string()));
        } else if c == b'+' || c == b'-' || c == b'.' || c.is_ascii_digit() {
            let negative = c == b'-';
            if c == b'+' || c == b'-' {
                pos += 1;
            }
            let start = pos;
            while bytes
                .get(pos)
                .is_some_and(|b| b.is_ascii_digit() || *b == b'.' || *b == b':')
            {
                pos += 1;
            }
            let body = text.get(start..pos)?;
            let token = if body.contains(':') {
                let micros = parse_time_of_interval(body)?;
                Token::Time(if negative { -micros } else { micros })
            } else {
                let (whole, fraction) = parse_decimal(body)?;
                if negative {
                    Token::Number {
                        whole: -whole,
                        fraction: -fraction,
                    }
                } else {
                    Token::Number { whole, fraction }
                }
            };
            tokens.push(token);
        } else {
            return None;
        }
    }
    Some(tokens)
}

/// `digits[.digits]` or `.digits` -> whole part and fraction.
fn parse_decimal(body: &str) -> Option<(i128, f64)> {
    let (whole, fraction) = match body.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (body, None),
    };
    if whole.is_empty() && matches!(fraction, None | Some("")) {
        return None;
    }
    let whole_value = if whole.is_empty() {
        0
    } else {
        parse_digits(whole)?
    };
    let fraction_value = match fraction {
        None | Some("") => 0.0,
        Some(f) if f.bytes().all(|b| b.is_ascii_digit()) => format!("0.{f}").parse().ok()?,
        Some(_) => return None,
    };
    Some((whole_value, fraction_value))
}

/// Unsigned decimal digits, at most 30 of them (anything longer overflows every field anyway).
/// Callers combine the values with saturating arithmetic, and the final range check rejects
/// anything that saturated.
fn parse_digits(digits: &str) -> Option<i128> {
    if digits.is_empty() || digits.len() > 30 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// `H:MM[:SS[.ffffff]]` (hours unbounded) -> microseconds.
fn parse_time_of_interval(body: &str) -> Option<i128> {
    let mut parts = body.split(':');
    let hours = parse_digits(parts.next()?)?;
    let minutes_text = parts.next()?;
    let minutes = parse_digits(minutes_text)?;
    let seconds_text = parts.next().unwrap_or("0");
    if parts.next().is_some() || minutes > 59 {
        return None;
    }
    let (seconds, fraction) = match seconds_text.split_once('.') {
        Some((s, f)) => (parse_digits(s)?, parse_fraction_micros(f)?),
        None => (parse_digits(seconds_text)?, 0),
    };
    if seconds > 59 {
        return None;
    }
    Some(
        hours
            .saturating_mul(i128::from(MICROS_PER_HOUR))
            .saturating_add(minutes * i128::from(MICROS_PER_MINUTE))
            .saturating_add(seconds * i128::from(MICROS_PER_SECOND))
            .saturating_add(i128::from(fraction)),
    )
}

/// ISO 8601 duration after the leading `P`: `1Y2M3W4DT5H6M7.5S`.
fn parse_iso(text: &str) -> Option<Fields> {
    let bytes = text.as_bytes();
    let mut fields = Fields::default();
    let mut in_time = false;
    let mut pos = 0;
    let mut any = false;
    while let Some(&c) = bytes.get(pos) {
        if c == b't' && !in_time {
            in_time = true;
            pos += 1;
            continue;
        }
        let start = pos;
        if c == b'-' || c == b'+' {
            pos += 1;
        }
        while bytes
            .get(pos)
            .is_some_and(|b| b.is_ascii_digit() || *b == b'.')
        {
            pos += 1;
        }
        let number = text.get(start..pos)?;
        let (negative, digits) = match number.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, number.strip_prefix('+').unwrap_or(number)),
        };
        let (whole, fraction) = parse_decimal(digits)?;
        let (whole, fraction) = if negative {
            (-whole, -fraction)
        } else {
            (whole, fraction)
        };
        let unit = match (in_time, bytes.get(pos)?) {
            (false, b'y') => Unit::Years(1),
            (false, b'm') => Unit::Months,
            (false, b'w') => Unit::Weeks,
            (false, b'd') => Unit::Days,
            (true, b'h') => Unit::Micros(MICROS_PER_HOUR),
            (true, b'm') => Unit::Micros(MICROS_PER_MINUTE),
            (true, b's') => Unit::Micros(MICROS_PER_SECOND),
            _ => return None,
        };
        pos += 1;
        fields.add(unit, whole, fraction);
        any = true;
    }
    any.then_some(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(text: &str) -> Interval {
        match parse_interval(text) {
            Ok(v) => v,
            Err(e) => panic!("{text}: {e}"),
        }
    }

    #[test]
    fn parses_verbose_forms() {
        assert_eq!(iv("1 day"), Interval::new(0, 1, 0));
        assert_eq!(
            iv("2 hours 30 minutes"),
            Interval::from_micros(150 * MICROS_PER_MINUTE)
        );
        assert_eq!(
            iv("1 year 2 mons 3 days 04:05:06.5"),
            Interval::new(
                14,
                3,
                4 * MICROS_PER_HOUR + 5 * MICROS_PER_MINUTE + 6_500_000
            )
        );
        assert_eq!(iv("-1 day"), Interval::new(0, -1, 0));
        assert_eq!(iv("@ 1 day ago"), Interval::new(0, -1, 0));
        assert_eq!(iv("1.5 days"), Interval::new(0, 1, 12 * MICROS_PER_HOUR));
        assert_eq!(iv("1.5 years"), Interval::new(18, 0, 0));
        assert_eq!(
            iv("1 04:05:06"),
            Interval::new(
                0,
                1,
                4 * MICROS_PER_HOUR + 5 * MICROS_PER_MINUTE + 6 * MICROS_PER_SECOND
            )
        );
        assert_eq!(iv("10"), Interval::from_micros(10 * MICROS_PER_SECOND));
        assert_eq!(iv("1day"), Interval::new(0, 1, 0));
        assert_eq!(iv("2 weeks"), Interval::new(0, 14, 0));
        assert_eq!(iv("-00:00:01"), Interval::from_micros(-MICROS_PER_SECOND));
        assert_eq!(
            iv("100:00:00"),
            Interval::from_micros(100 * MICROS_PER_HOUR)
        );
    }

    #[test]
    fn parses_iso_8601() {
        assert_eq!(iv("P1DT2H"), Interval::new(0, 1, 2 * MICROS_PER_HOUR));
        assert_eq!(iv("P1Y2M"), Interval::new(14, 0, 0));
        assert_eq!(iv("PT0.5S"), Interval::from_micros(500_000));
        assert_eq!(iv("PT1M"), Interval::from_micros(MICROS_PER_MINUTE));
        assert!(parse_interval("P").is_err());
        assert!(parse_interval("P1X").is_err());
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            "",
            "abc",
            "1 fortnight",
            "1 2",
            "1:99",
            "day",
            "1 day ago 2",
        ] {
            let err = parse_interval(bad).err();
            assert!(matches!(err, Some(Error::InvalidDatetime(_))), "{bad}");
        }
        assert!(parse_interval("9999999999 days").is_err());
        // Huge fields saturate and are then rejected, without overflowing.
        assert!(parse_interval("999999999999999999999999999999:00:00").is_err());
        assert!(parse_interval("-999999999999999999999999999999 millennium").is_err());
        let many = "999999999999999999999999999999 millennium ".repeat(20_000);
        assert!(parse_interval(&many).is_err());
    }

    #[test]
    fn formats_postgres_style() {
        assert_eq!(Interval::ZERO.to_string(), "00:00:00");
        assert_eq!(
            iv("1 year 2 mons 3 days 04:05:06.5").to_string(),
            "1 year 2 mons 3 days 04:05:06.5"
        );
        assert_eq!(iv("-1 day").to_string(), "-1 days");
        assert_eq!(Interval::new(-1, 1, 0).to_string(), "-1 mons +1 day");
        assert_eq!(
            Interval::new(0, -1, MICROS_PER_HOUR).to_string(),
            "-1 days +01:00:00"
        );
        assert_eq!(Interval::new(-14, 0, 0).to_string(), "-1 years -2 mons");
        assert_eq!(Interval::from_micros(-1).to_string(), "-00:00:00.000001");
    }

    #[test]
    fn extreme_values_round_trip() {
        for v in [
            Interval::new(i32::MIN, i32::MIN, i64::MIN),
            Interval::new(i32::MAX, i32::MAX, i64::MAX),
            Interval::new(-1, 1, -1),
        ] {
            assert_eq!(iv(&v.to_string()), v, "{v}");
        }
    }
}

//! `to_char` for dates, timestamps and intervals: the value's [`Parts`] and the text of each
//! template pattern.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};

use super::patterns::{
    parse_template, Key, Node, DAYS, DAYS_SHORT, ERA, ERA_DOTS, MERIDIEM, MERIDIEM_DOTS, MONTHS,
    MONTHS_SHORT, ROMAN_MONTHS,
};
use crate::error::{Error, Result};
use crate::functions::args::text;
use crate::functions::datetime_fields::julian_day;
use crate::functions::template::ordinal_suffix;
use crate::types::datetime::Interval;
use crate::types::Value;

/// The fields of the value being formatted. For an interval the fields are its own (years,
/// months of the year, days, hours...) and `date` is `None`.
pub(super) struct Parts {
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
    micros: i64,
    /// Day of the year; for an interval, its total length in 30-day months and days.
    year_day: i64,
    date: Option<NaiveDate>,
    /// The time zone abbreviation (`UTC` for timestamptz).
    zone: Option<&'static str>,
}

impl Parts {
    pub(super) fn of_timestamp(t: NaiveDateTime, with_time_zone: bool) -> Parts {
        Parts {
            year: i64::from(t.year()),
            month: i64::from(t.month()),
            day: i64::from(t.day()),
            hour: i64::from(t.hour()),
            minute: i64::from(t.minute()),
            second: i64::from(t.second()),
            micros: i64::from(t.nanosecond() / 1000),
            year_day: i64::from(t.ordinal()),
            date: Some(t.date()),
            zone: with_time_zone.then_some("UTC"),
        }
    }

    pub(super) fn of_interval(value: Interval) -> Parts {
        let months = i64::from(value.months);
        let time = value.micros;
        let (year, month, day) = (months / 12, months % 12, i64::from(value.days));
        Parts {
            year,
            month,
            day,
            hour: time / 3_600_000_000,
            minute: time % 3_600_000_000 / 60_000_000,
            second: time % 60_000_000 / 1_000_000,
            micros: time % 1_000_000,
            year_day: (year * 12 + month) * 30 + day,
            date: None,
            zone: None,
        }
    }

    /// The year as printed: BC years count down from 1 (intervals print theirs as is).
    fn display_year(&self, year: i64) -> i64 {
        if self.date.is_none() || year > 0 {
            year
        } else {
            1 - year
        }
    }
}

fn interval_not_allowed() -> Error {
    Error::InvalidDatetime("invalid format specification for an interval value".into())
}

/// `value` zero-padded to `width` digits (one more when negative), or unpadded with `FM`.
fn padded(value: i64, width: usize, fill: bool) -> String {
    if fill {
        value.to_string()
    } else {
        let width = if value < 0 { width + 1 } else { width };
        format!("{value:0width$}")
    }
}

/// A name left-justified to 9 characters unless `FM`.
fn name(text: String, fill: bool) -> String {
    if fill {
        text
    } else {
        format!("{text:<9}")
    }
}

/// The element of `names` for a 1-based index, or nothing.
fn pick<'a>(names: &[&'a str], one_based: i64) -> &'a str {
    usize::try_from(one_based - 1)
        .ok()
        .and_then(|i| names.get(i))
        .copied()
        .unwrap_or("")
}

/// `to_char(value, template)`; NULL for an empty template.
pub(super) fn format_value(args: &[Value], parts: Parts) -> Result<Value> {
    let template = text(args, 1)?;
    if template.is_empty() {
        return Ok(Value::Null);
    }
    let mut out = String::new();
    for node in parse_template(&template) {
        match node {
            Node::Literal(c) | Node::Separator(c) | Node::Space(c) => out.push(c),
            Node::Field {
                key, fill, ordinal, ..
            } => {
                let (text, numeric) = format_field(&parts, key, fill)?;
                out.push_str(&text);
                if let (Some(upper), true) = (ordinal, numeric) {
                    out.push_str(ordinal_suffix(&text, upper));
                }
            }
        }
    }
    Ok(Value::text(out))
}

/// The text of one pattern, and whether it is a number (which `TH` may follow).
fn format_field(p: &Parts, key: Key, fill: bool) -> Result<(String, bool)> {
    let interval = p.date.is_none();
    // The calendar date, for patterns that have no meaning for an interval.
    let date = || p.date.ok_or_else(interval_not_allowed);
    let number = |s: String| Ok((s, true));
    let words = |s: String| Ok((s, false));
    match key {
        Key::Meridiem { dots, upper } => {
            let pm = usize::from(p.hour % 24 >= 12);
            let index = pm + if upper { 2 } else { 0 };
            let names = if dots { MERIDIEM_DOTS } else { MERIDIEM };
            words(names.get(index).copied().unwrap_or("").to_string())
        }
        Key::Era { dots, upper } => {
            date()?;
            let bc = usize::from(p.year <= 0);
            let index = bc + if upper { 2 } else { 0 };
            let names = if dots { ERA_DOTS } else { ERA };
            words(names.get(index).copied().unwrap_or("").to_string())
        }
        Key::Hour12 => {
            let hour = if p.hour % 12 == 0 { 12 } else { p.hour % 12 };
            number(padded(hour, 2, fill))
        }
        Key::Hour24 => number(padded(p.hour, 2, fill)),
        Key::Minute => number(padded(p.minute, 2, fill)),
        Key::Second => number(padded(p.second, 2, fill)),
        Key::Millis => number(format!("{:03}", p.micros / 1000)),
        Key::Micros => number(format!("{:06}", p.micros)),
        Key::Fraction(digits) => {
            let divisor = 10_i64.pow(u32::from(6 - digits.min(6)));
            number(format!(
                "{:0width$}",
                p.micros / divisor,
                width = usize::from(digits)
            ))
        }
        Key::SecondsOfDay => number((p.hour * 3600 + p.minute * 60 + p.second).to_string()),
        Key::TzName { upper } => {
            date()?;
            let zone = p.zone.unwrap_or("");
            words(if upper {
                zone.to_string()
            } else {
                zone.to_lowercase()
            })
        }
        Key::TzHours => {
            date()?;
            words("+00".into())
        }
        Key::TzMinutes => {
            date()?;
            words("00".into())
        }
        Key::TzOffset => {
            date()?;
            words(if fill { "+0".into() } else { "+00".into() })
        }
        Key::YearComma => {
            let year = p.display_year(p.year);
            number(format!("{},{:03}", year / 1000, year - year / 1000 * 1000))
        }
        Key::Year(digits) => number(year_digits(p.display_year(p.year), digits, fill)),
        Key::IsoYear(digits) => {
            let year = i64::from(date()?.iso_week().year());
            number(year_digits(p.display_year(year), digits, fill))
        }
        Key::MonthName(letters) => {
            date()?;
            words(name(letters.apply(pick(&MONTHS, p.month)), fill))
        }
        Key::MonthAbbrev(letters) => {
            date()?;
            words(letters.apply(pick(&MONTHS_SHORT, p.month)))
        }
        Key::MonthNumber => number(padded(p.month, 2, fill)),
        Key::DayName(letters) => {
            let day = i64::from(date()?.weekday().num_days_from_sunday()) + 1;
            words(name(letters.apply(pick(&DAYS, day)), fill))
        }
        Key::DayAbbrev(letters) => {
            let day = i64::from(date()?.weekday().num_days_from_sunday()) + 1;
            words(letters.apply(pick(&DAYS_SHORT, day)))
        }
        Key::DayOfYear => number(padded(p.year_day, 3, fill)),
        Key::IsoDayOfYear => {
            let d = date()?;
            let day = (i64::from(d.iso_week().week()) - 1) * 7
                + i64::from(d.weekday().number_from_monday());
            number(padded(day, 3, fill))
        }
        Key::DayOfMonth => number(padded(p.day, 2, fill)),
        Key::DayOfWeek => number((date()?.weekday().num_days_from_sunday() + 1).to_string()),
        Key::IsoDayOfWeek => number(date()?.weekday().number_from_monday().to_string()),
        Key::WeekOfMonth => number(((p.day - 1) / 7 + 1).to_string()),
        Key::WeekOfYear => number(padded((p.year_day - 1) / 7 + 1, 2, fill)),
        Key::IsoWeek => number(padded(i64::from(date()?.iso_week().week()), 2, fill)),
        Key::Century => {
            let century = if interval {
                p.year / 100
            } else if p.year > 0 {
                (p.year - 1) / 100 + 1
            } else {
                p.year / 100 - 1
            };
            number(if (-99..=99).contains(&century) {
                padded(century, 2, fill)
            } else {
                century.to_string()
            })
        }
        Key::Julian => number(julian_day(date()?).to_string()),
        Key::Quarter => {
            if p.month == 0 {
                return words(String::new());
            }
            number(((p.month - 1) / 3 + 1).to_string())
        }
        Key::RomanMonth { upper } => {
            if p.month == 0 && p.year == 0 {
                return words(String::new());
            }
            let index = if p.month == 0 {
                if p.year >= 0 {
                    0
                } else {
                    11
                }
            } else if p.month < 0 {
                -(p.month + 1)
            } else {
                12 - p.month
            };
            let numeral = usize::try_from(index)
                .ok()
                .and_then(|i| ROMAN_MONTHS.get(i))
                .copied()
                .unwrap_or("");
            let numeral = if upper {
                numeral.to_string()
            } else {
                numeral.to_lowercase()
            };
            words(if fill {
                numeral
            } else {
                format!("{numeral:<4}")
            })
        }
        Key::FixedFormat => words(String::new()),
    }
}

/// The last `digits` digits of a year (all of them for 4), padded as PostgreSQL does.
fn year_digits(year: i64, digits: u8, fill: bool) -> String {
    match digits {
        4 => padded(year, 4, fill),
        3 => padded(year % 1000, 3, fill),
        2 => padded(year % 100, 2, fill),
        _ => (year % 10).to_string(),
    }
}

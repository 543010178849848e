//! Functions taking a date/time unit by name: `date_trunc(unit, x)`, `date_part(unit, x)` and
//! `extract(unit, x)` (what the binder turns `EXTRACT(unit FROM x)` into).
//!
//! Units are spelled as PostgreSQL accepts them (`'year'`, `'years'`, `'y'`, `'yr'`, `'mon'`,
//! `'microseconds'`, `'dow'`, ..., case-insensitive). `date_part` returns `double precision`;
//! `extract` returns `numeric` with PostgreSQL 14's scales (`second` has six decimals,
//! `milliseconds` three, `epoch` six). Years are numbered as in PostgreSQL: there is no year 0,
//! 1 BC is year -1, and the 21st century starts in 2001.

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

use super::args::{date, interval, text, time, timestamp};
use super::datetime::epoch_micros;
use super::signature::Ty::{
    Date, Float64, Interval as IntervalTy, Numeric, Text, Time, Timestamp, TimestampTz,
};
use super::signature::{fixed, FunctionDef};
use crate::error::{Error, Result};
use crate::types::datetime::Interval;
use crate::types::{Decimal, Value};

const MICROS_PER_SECOND: i64 = 1_000_000;
const MICROS_PER_MINUTE: i64 = 60 * MICROS_PER_SECOND;
const MICROS_PER_HOUR: i64 = 60 * MICROS_PER_MINUTE;
const SECONDS_PER_DAY: i64 = 86_400;

/// The overloads of `date_part` or `extract` (`$eval`), one per source type, returning
/// `$returns`. A date is read as `$date`: `date_part` takes it as a timestamp (PostgreSQL casts
/// it), `extract` as a date.
macro_rules! by_source {
    ($eval:ident -> $returns:ident, date as $date:ident) => {
        &[
            fixed(&[Text, TimestampTz], $returns, |a, _| {
                $eval(a, SourceKind::TimestampTz)
            }),
            fixed(&[Text, Timestamp], $returns, |a, _| {
                $eval(a, SourceKind::Timestamp)
            }),
            fixed(&[Text, Date], $returns, |a, _| $eval(a, SourceKind::$date)),
            fixed(&[Text, Time], $returns, |a, _| $eval(a, SourceKind::Time)),
            fixed(&[Text, IntervalTy], $returns, |a, _| {
                $eval(a, SourceKind::Interval)
            }),
        ]
    };
}

/// `date_trunc`, `date_part` and `extract`.
pub(super) const FUNCTIONS: &[FunctionDef] = &[
    FunctionDef::new(
        &["date_trunc"],
        &[
            fixed(&[Text, TimestampTz], TimestampTz, |a, _| {
                trunc_timestamp(a, "timestamp with time zone")
                    .map(|t| Value::TimestampTz(t.and_utc()))
            }),
            fixed(&[Text, Timestamp], Timestamp, |a, _| {
                trunc_timestamp(a, "timestamp without time zone").map(Value::Timestamp)
            }),
            fixed(&[Text, IntervalTy], IntervalTy, trunc_interval),
        ],
    ),
    FunctionDef::new(
        &["date_part"],
        by_source!(date_part -> Float64, date as Timestamp),
    ),
    FunctionDef::new(&["extract"], by_source!(extract -> Numeric, date as Date)),
];

/// A unit of `date_trunc`, `date_part` and `extract`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Unit {
    Microseconds,
    Milliseconds,
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Quarter,
    Year,
    Decade,
    Century,
    Millennium,
    Epoch,
    Dow,
    IsoDow,
    Doy,
    IsoYear,
    Julian,
    Timezone,
    TimezoneHour,
    TimezoneMinute,
}

/// PostgreSQL's spellings of each unit (after lower-casing and truncating to 10 characters).
const UNIT_NAMES: &[(&str, Unit)] = &[
    ("microsecon", Unit::Microseconds),
    ("us", Unit::Microseconds),
    ("usec", Unit::Microseconds),
    ("usecs", Unit::Microseconds),
    ("useconds", Unit::Microseconds),
    ("millisecon", Unit::Milliseconds),
    ("ms", Unit::Milliseconds),
    ("msec", Unit::Milliseconds),
    ("msecs", Unit::Milliseconds),
    ("mseconds", Unit::Milliseconds),
    ("second", Unit::Second),
    ("seconds", Unit::Second),
    ("s", Unit::Second),
    ("sec", Unit::Second),
    ("secs", Unit::Second),
    ("minute", Unit::Minute),
    ("minutes", Unit::Minute),
    ("m", Unit::Minute),
    ("min", Unit::Minute),
    ("mins", Unit::Minute),
    ("hour", Unit::Hour),
    ("hours", Unit::Hour),
    ("h", Unit::Hour),
    ("hr", Unit::Hour),
    ("hrs", Unit::Hour),
    ("day", Unit::Day),
    ("days", Unit::Day),
    ("d", Unit::Day),
    ("week", Unit::Week),
    ("weeks", Unit::Week),
    ("w", Unit::Week),
    ("month", Unit::Month),
    ("months", Unit::Month),
    ("mon", Unit::Month),
    ("mons", Unit::Month),
    ("quarter", Unit::Quarter),
    ("qtr", Unit::Quarter),
    ("year", Unit::Year),
    ("years", Unit::Year),
    ("y", Unit::Year),
    ("yr", Unit::Year),
    ("yrs", Unit::Year),
    ("decade", Unit::Decade),
    ("decades", Unit::Decade),
    ("dec", Unit::Decade),
    ("decs", Unit::Decade),
    ("century", Unit::Century),
    ("centuries", Unit::Century),
    ("c", Unit::Century),
    ("cent", Unit::Century),
    ("millennium", Unit::Millennium),
    ("millennia", Unit::Millennium),
    ("mil", Unit::Millennium),
    ("mils", Unit::Millennium),
    ("epoch", Unit::Epoch),
    ("dow", Unit::Dow),
    ("isodow", Unit::IsoDow),
    ("doy", Unit::Doy),
    ("isoyear", Unit::IsoYear),
    ("julian", Unit::Julian),
    ("j", Unit::Julian),
    ("jd", Unit::Julian),
    ("timezone", Unit::Timezone),
    ("timezone_h", Unit::TimezoneHour),
    ("timezone_m", Unit::TimezoneMinute),
];

/// The unit named by `text`, or 22023 `unit "..." not recognized for type <type_name>`.
fn parse_unit(text: &str, type_name: &str) -> Result<Unit> {
    let lower = text.to_lowercase();
    let key: String = lower.chars().take(10).collect();
    UNIT_NAMES
        .iter()
        .find(|(name, _)| *name == key)
        .map(|(_, unit)| *unit)
        .ok_or_else(|| {
            Error::InvalidParameterValue(format!(
                "unit \"{lower}\" not recognized for type {type_name}"
            ))
        })
}

/// 0A000 for a unit that exists but does not apply to the type.
fn unsupported(text: &str, type_name: &str) -> Error {
    Error::unsupported(format!(
        "unit \"{}\" for type {type_name}",
        text.to_lowercase()
    ))
}

fn out_of_range() -> Error {
    Error::InvalidDatetime("timestamp out of range".into())
}

/// PostgreSQL's year number: 1 BC is -1 (chrono's year 0).
fn sql_year(astronomical: i32) -> i64 {
    let year = i64::from(astronomical);
    if year > 0 {
        year
    } else {
        year - 1
    }
}

fn century_of(year: i64) -> i64 {
    if year > 0 {
        (year + 99) / 100
    } else {
        -((99 - (year - 1)) / 100)
    }
}

fn millennium_of(year: i64) -> i64 {
    if year > 0 {
        (year + 999) / 1000
    } else {
        -((999 - (year - 1)) / 1000)
    }
}

fn decade_of(year: i64) -> i64 {
    if year >= 0 {
        year / 10
    } else {
        -((8 - (year - 1)) / 10)
    }
}

/// `date_trunc(unit, timestamp)`.
fn trunc_timestamp(args: &[Value], type_name: &str) -> Result<NaiveDateTime> {
    let unit_text = text(args, 0)?;
    let source = timestamp(args, 1)?;
    let unit = parse_unit(&unit_text, type_name)?;
    truncate(source, unit).ok_or_else(|| match unit {
        Unit::Microseconds
        | Unit::Milliseconds
        | Unit::Second
        | Unit::Minute
        | Unit::Hour
        | Unit::Day
        | Unit::Week
        | Unit::Month
        | Unit::Quarter
        | Unit::Year
        | Unit::Decade
        | Unit::Century
        | Unit::Millennium => out_of_range(),
        _ => unsupported(&unit_text, type_name),
    })
}

/// Truncates `t` to the start of its `unit`; `None` for units that do not truncate (or a
/// result out of range).
fn truncate(t: NaiveDateTime, unit: Unit) -> Option<NaiveDateTime> {
    let year = t.year();
    let start_of_year = |year: i32, month: u32| {
        NaiveDate::from_ymd_opt(year, month, 1).map(|d| d.and_time(NaiveTime::MIN))
    };
    let micro = t.nanosecond() / 1000;
    match unit {
        Unit::Microseconds => t.with_nanosecond(micro * 1000),
        Unit::Milliseconds => t.with_nanosecond(micro / 1000 * 1_000_000),
        Unit::Second => t.with_nanosecond(0),
        Unit::Minute => t.with_nanosecond(0)?.with_second(0),
        Unit::Hour => t.with_nanosecond(0)?.with_second(0)?.with_minute(0),
        Unit::Day => Some(t.date().and_time(NaiveTime::MIN)),
        Unit::Week => {
            let monday = t
                .date()
                .checked_sub_days(Days::new(u64::from(t.weekday().num_days_from_monday())))?;
            Some(monday.and_time(NaiveTime::MIN))
        }
        Unit::Month => start_of_year(year, t.month()),
        Unit::Quarter => start_of_year(year, 3 * ((t.month() - 1) / 3) + 1),
        Unit::Year => start_of_year(year, 1),
        Unit::Decade => {
            let decade = if year > 0 {
                year / 10 * 10
            } else {
                -((8 - (year - 1)) / 10) * 10
            };
            start_of_year(decade, 1)
        }
        Unit::Century => start_of_year(first_year_of_period(year, 100), 1),
        Unit::Millennium => start_of_year(first_year_of_period(year, 1000), 1),
        _ => None,
    }
}

/// The first year of the `span`-year period (century, millennium) that contains `year`:
/// periods start at year 1, and before it at year `-span + 1`, `-2 * span + 1`, ….
fn first_year_of_period(year: i32, span: i32) -> i32 {
    if year > 0 {
        (year + span - 1) / span * span - (span - 1)
    } else {
        -((span - 1 - (year - 1)) / span) * span + 1
    }
}

/// An interval's fields as PostgreSQL's `interval2itm` splits them (each keeps the sign of its
/// source field).
struct IntervalFields {
    years: i64,
    months: i64,
    days: i64,
    hours: i64,
    minutes: i64,
    seconds: i64,
    micros: i64,
}

impl IntervalFields {
    fn of(value: Interval) -> Self {
        let months = i64::from(value.months);
        let time = value.micros;
        IntervalFields {
            years: months / 12,
            months: months % 12,
            days: i64::from(value.days),
            hours: time / MICROS_PER_HOUR,
            minutes: time % MICROS_PER_HOUR / MICROS_PER_MINUTE,
            seconds: time % MICROS_PER_MINUTE / MICROS_PER_SECOND,
            micros: time % MICROS_PER_SECOND,
        }
    }

    fn interval(&self) -> Result<Interval> {
        let overflow = || Error::InvalidDatetime("interval out of range".into());
        let time = ((self.hours * 60 + self.minutes) * 60 + self.seconds)
            .checked_mul(MICROS_PER_SECOND)
            .and_then(|t| t.checked_add(self.micros))
            .ok_or_else(overflow)?;
        Ok(Interval {
            months: i32::try_from(self.years * 12 + self.months).map_err(|_| overflow())?,
            days: i32::try_from(self.days).map_err(|_| overflow())?,
            micros: time,
        })
    }
}

/// `date_trunc(unit, interval)`: zeroes every field below `unit`.
fn trunc_interval(args: &[Value], _: &super::EvalContext) -> Result<Value> {
    let unit_text = text(args, 0)?;
    let unit = parse_unit(&unit_text, "interval")?;
    let mut f = IntervalFields::of(interval(args, 1)?);
    // Each arm zeroes its own level; falling through the ones below is done by `rank`.
    let rank = match unit {
        Unit::Millennium => 12,
        Unit::Century => 11,
        Unit::Decade => 10,
        Unit::Year => 9,
        Unit::Quarter => 8,
        Unit::Month => 7,
        Unit::Day => 6,
        Unit::Hour => 5,
        Unit::Minute => 4,
        Unit::Second => 3,
        Unit::Milliseconds => 2,
        Unit::Microseconds => 1,
        _ => return Err(unsupported(&unit_text, "interval")),
    };
    if rank >= 12 {
        f.years = f.years / 1000 * 1000;
    }
    if rank >= 11 {
        f.years = f.years / 100 * 100;
    }
    if rank >= 10 {
        f.years = f.years / 10 * 10;
    }
    if rank >= 9 {
        f.months = 0;
    }
    if rank >= 8 {
        f.months = 3 * (f.months / 3);
    }
    if rank >= 7 {
        f.days = 0;
    }
    if rank >= 6 {
        f.hours = 0;
    }
    if rank >= 5 {
        f.minutes = 0;
    }
    if rank >= 4 {
        f.seconds = 0;
    }
    if rank >= 3 {
        f.micros = 0;
    } else if rank == 2 {
        f.micros = f.micros / 1000 * 1000;
    }
    f.interval().map(Value::Interval)
}

/// What kind of value a unit is taken from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SourceKind {
    Timestamp,
    TimestampTz,
    Date,
    Time,
    Interval,
}

impl SourceKind {
    fn type_name(self) -> &'static str {
        match self {
            SourceKind::Timestamp => "timestamp without time zone",
            SourceKind::TimestampTz => "timestamp with time zone",
            SourceKind::Date => "date",
            SourceKind::Time => "time without time zone",
            SourceKind::Interval => "interval",
        }
    }
}

/// A field's value: an exact decimal `value / 10^scale`, or (for `julian`) a double.
#[derive(Debug, Clone, Copy, PartialEq)]
enum FieldValue {
    Exact { value: i128, scale: u32 },
    Float(f64),
}

fn exact(value: i64) -> Option<FieldValue> {
    Some(FieldValue::Exact {
        value: i128::from(value),
        scale: 0,
    })
}

fn scaled(value: i64, scale: u32) -> Option<FieldValue> {
    Some(FieldValue::Exact {
        value: i128::from(value),
        scale,
    })
}

/// The field `unit` of the second argument, read as `kind`.
fn field(args: &[Value], kind: SourceKind) -> Result<FieldValue> {
    let unit_text = text(args, 0)?;
    let unit = parse_unit(&unit_text, kind.type_name())?;
    let value = match kind {
        SourceKind::Timestamp | SourceKind::TimestampTz => {
            timestamp_field(timestamp(args, 1)?, unit, kind == SourceKind::TimestampTz)
        }
        SourceKind::Date => date_field(date(args, 1)?, unit),
        SourceKind::Time => time_field(time(args, 1)?, unit),
        SourceKind::Interval => interval_field(interval(args, 1)?, unit),
    };
    value.ok_or_else(|| unsupported(&unit_text, kind.type_name()))
}

/// The time-of-day units of a time (or of a timestamp's time); `None` for any other unit.
fn clock_field(t: NaiveTime, unit: Unit) -> Option<FieldValue> {
    let micros_of_minute =
        i64::from(t.second()) * MICROS_PER_SECOND + i64::from(t.nanosecond() / 1000);
    match unit {
        Unit::Microseconds => exact(micros_of_minute),
        Unit::Milliseconds => scaled(micros_of_minute, 3),
        Unit::Second => scaled(micros_of_minute, 6),
        Unit::Minute => exact(i64::from(t.minute())),
        Unit::Hour => exact(i64::from(t.hour())),
        _ => None,
    }
}

fn timestamp_field(t: NaiveDateTime, unit: Unit, with_time_zone: bool) -> Option<FieldValue> {
    let year = sql_year(t.year());
    match unit {
        Unit::Microseconds | Unit::Milliseconds | Unit::Second | Unit::Minute | Unit::Hour => {
            clock_field(t.time(), unit)
        }
        Unit::Day => exact(i64::from(t.day())),
        Unit::Month => exact(i64::from(t.month())),
        Unit::Quarter => exact(i64::from((t.month() - 1) / 3 + 1)),
        Unit::Week => exact(i64::from(t.iso_week().week())),
        Unit::Year => exact(year),
        Unit::Decade => exact(decade_of(i64::from(t.year()))),
        Unit::Century => exact(century_of(i64::from(t.year()))),
        Unit::Millennium => exact(millennium_of(i64::from(t.year()))),
        Unit::Epoch => scaled(epoch_micros(t), 6),
        Unit::Dow => exact(i64::from(t.weekday().num_days_from_sunday())),
        Unit::IsoDow => exact(i64::from(t.weekday().number_from_monday())),
        Unit::Doy => exact(i64::from(t.ordinal())),
        Unit::IsoYear => exact(sql_year(t.iso_week().year())),
        Unit::Julian => {
            let seconds =
                f64::from(t.num_seconds_from_midnight()) + f64::from(t.nanosecond() / 1000) / 1e6;
            // Julian day numbers are below 2^53, so the conversion is exact.
            #[allow(clippy::cast_precision_loss)]
            let day = julian_day(t.date()) as f64;
            Some(FieldValue::Float(day + seconds / 86_400.0))
        }
        Unit::Timezone | Unit::TimezoneHour | Unit::TimezoneMinute if with_time_zone => exact(0),
        Unit::Timezone | Unit::TimezoneHour | Unit::TimezoneMinute => None,
    }
}

/// The Julian day number of a date (4714-11-24 BC is day 0).
pub(super) fn julian_day(d: NaiveDate) -> i64 {
    i64::from(d.num_days_from_ce()) + 1_721_425
}

fn date_field(d: NaiveDate, unit: Unit) -> Option<FieldValue> {
    match unit {
        Unit::Microseconds
        | Unit::Milliseconds
        | Unit::Second
        | Unit::Minute
        | Unit::Hour
        | Unit::Timezone
        | Unit::TimezoneHour
        | Unit::TimezoneMinute => None,
        Unit::Epoch => exact(epoch_micros(d.and_time(NaiveTime::MIN)) / MICROS_PER_SECOND),
        Unit::Julian => exact(julian_day(d)),
        _ => timestamp_field(d.and_time(NaiveTime::MIN), unit, false),
    }
}

fn time_field(t: NaiveTime, unit: Unit) -> Option<FieldValue> {
    match unit {
        Unit::Epoch => scaled(
            i64::from(t.num_seconds_from_midnight()) * MICROS_PER_SECOND
                + i64::from(t.nanosecond() / 1000),
            6,
        ),
        _ => clock_field(t, unit),
    }
}

fn interval_field(value: Interval, unit: Unit) -> Option<FieldValue> {
    let f = IntervalFields::of(value);
    let micros_of_minute = f.seconds * MICROS_PER_SECOND + f.micros;
    match unit {
        Unit::Microseconds => exact(micros_of_minute),
        Unit::Milliseconds => scaled(micros_of_minute, 3),
        Unit::Second => scaled(micros_of_minute, 6),
        Unit::Minute => exact(f.minutes),
        Unit::Hour => exact(f.hours),
        Unit::Day => exact(f.days),
        Unit::Month => exact(f.months),
        Unit::Quarter => exact(f.months / 3 + 1),
        Unit::Year => exact(f.years),
        Unit::Decade => exact(f.years / 10),
        Unit::Century => exact(f.years / 100),
        Unit::Millennium => exact(f.years / 1000),
        Unit::Epoch => {
            // A year counts 365.25 days and a month 30 days, as in PostgreSQL.
            let months = i128::from(value.months);
            let quarter_days =
                1461 * (months / 12) + 120 * (months % 12) + 4 * i128::from(value.days);
            let micros =
                quarter_days * i128::from(SECONDS_PER_DAY / 4) * i128::from(MICROS_PER_SECOND)
                    + i128::from(value.micros);
            Some(FieldValue::Exact {
                value: micros,
                scale: 6,
            })
        }
        _ => None,
    }
}

/// `date_part(unit, source)` as a double.
fn date_part(args: &[Value], kind: SourceKind) -> Result<Value> {
    Ok(Value::Float64(match field(args, kind)? {
        // Field values are far below 2^53 except epoch micros, where the double is the
        // nearest to the exact quotient anyway.
        #[allow(clippy::cast_precision_loss)]
        FieldValue::Exact { value, scale } => {
            value as f64 / 10f64.powi(i32::try_from(scale).unwrap_or(0))
        }
        FieldValue::Float(value) => value,
    }))
}

/// `extract(unit, source)` as a numeric.
fn extract(args: &[Value], kind: SourceKind) -> Result<Value> {
    match field(args, kind)? {
        FieldValue::Exact { value, scale } => {
            Ok(Value::numeric(Decimal::new(value.into(), i64::from(scale))))
        }
        // Only `julian` of a timestamp is inexact; PostgreSQL's numeric form of it is not
        // provided.
        FieldValue::Float(_) => Err(unsupported(&text(args, 0)?, kind.type_name())),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{
        call, date, iv, naive, num_text, sample_timestamp as sample, text, ts,
    };
    use super::*;

    fn trunc(unit: &str, source: Value) -> Value {
        call("date_trunc", &[text(unit), source]).unwrap()
    }

    fn part(unit: &str, source: Value) -> f64 {
        match call("date_part", &[text(unit), source]).unwrap() {
            Value::Float64(v) => v,
            other => panic!("{other:?}"),
        }
    }

    fn ext(unit: &str, source: Value) -> String {
        num_text(&call("extract", &[text(unit), source]).unwrap())
    }

    #[test]
    fn units_accept_postgres_spellings() {
        for (spelling, unit) in [
            ("YEAR", Unit::Year),
            ("Years", Unit::Year),
            ("microseconds", Unit::Microseconds),
            ("milliseconds", Unit::Milliseconds),
            ("millisecond", Unit::Milliseconds),
            ("mon", Unit::Month),
            ("timezone_hour", Unit::TimezoneHour),
            ("centuries", Unit::Century),
            ("isodow", Unit::IsoDow),
        ] {
            assert_eq!(
                parse_unit(spelling, "timestamp").unwrap(),
                unit,
                "{spelling}"
            );
        }
        let err = parse_unit("fortnight", "timestamp without time zone").unwrap_err();
        assert_eq!(
            err.to_string(),
            "unit \"fortnight\" not recognized for type timestamp without time zone"
        );
        assert_eq!(err.sqlstate(), "22023");
    }

    #[test]
    fn date_trunc_timestamp_every_unit() {
        let day = |y, mo, d| ts(y, mo, d, 0, 0, 0, 0);
        let t = sample();
        let of_sample = [
            ("microseconds", t.clone()),
            ("milliseconds", ts(2001, 2, 16, 20, 38, 40, 123_000)),
            ("second", ts(2001, 2, 16, 20, 38, 40, 0)),
            ("minute", ts(2001, 2, 16, 20, 38, 0, 0)),
            ("hour", ts(2001, 2, 16, 20, 0, 0, 0)),
            ("day", day(2001, 2, 16)),
            ("week", day(2001, 2, 12)),
            ("month", day(2001, 2, 1)),
            ("quarter", day(2001, 1, 1)),
            ("year", day(2001, 1, 1)),
            ("decade", day(2000, 1, 1)),
            ("century", day(2001, 1, 1)),
            ("millennium", day(2001, 1, 1)),
        ];
        for (unit, expected) in of_sample {
            assert_eq!(trunc(unit, t.clone()), expected, "{unit}");
        }
        let others = [
            ("quarter", ts(2001, 12, 31, 1, 0, 0, 0), day(2001, 10, 1)),
            ("century", day(2000, 12, 31), day(1901, 1, 1)),
            ("millennium", day(2000, 6, 1), day(1001, 1, 1)),
            // Week starts on Monday, possibly in the previous year.
            ("week", day(2021, 1, 1), day(2020, 12, 28)),
            // BC years: 1 BC is chrono's year 0.
            ("century", day(0, 6, 1), day(-99, 1, 1)),
            ("decade", day(-5, 6, 1), day(-10, 1, 1)),
        ];
        for (unit, source, expected) in others {
            assert_eq!(
                trunc(unit, source.clone()),
                expected,
                "{unit} of {source:?}"
            );
        }
    }

    #[test]
    fn date_trunc_other_types_and_errors() {
        let tz = Value::TimestampTz(naive(2001, 2, 16, 20, 38, 40, 0).and_utc());
        assert_eq!(
            trunc("hour", tz),
            Value::TimestampTz(naive(2001, 2, 16, 20, 0, 0, 0).and_utc())
        );
        // A date resolves to the timestamptz overload, as in PostgreSQL.
        assert_eq!(
            trunc("month", date(2024, 3, 15)),
            Value::TimestampTz(naive(2024, 3, 1, 0, 0, 0, 0).and_utc())
        );
        let err = call("date_trunc", &[text("fortnight"), sample()]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unit \"fortnight\" not recognized for type timestamp without time zone"
        );
        let err = call("date_trunc", &[text("dow"), sample()]).unwrap_err();
        assert_eq!(err.sqlstate(), "0A000");
    }

    #[test]
    fn date_trunc_interval() {
        let hour = 3_600_000_000;
        let value = iv(
            2 * 12 * 1000 + 12 * 7 + 5,
            10,
            3 * hour + 25 * 60_000_000 + 30_123_456,
        );
        assert_eq!(trunc("millennium", value.clone()), iv(12 * 2000, 0, 0));
        assert_eq!(trunc("century", value.clone()), iv(12 * 2000, 0, 0));
        assert_eq!(trunc("year", value.clone()), iv(12 * 2007, 0, 0));
        assert_eq!(trunc("quarter", value.clone()), iv(12 * 2007 + 3, 0, 0));
        assert_eq!(trunc("month", value.clone()), iv(12 * 2007 + 5, 0, 0));
        assert_eq!(trunc("day", value.clone()), iv(12 * 2007 + 5, 10, 0));
        assert_eq!(
            trunc("hour", value.clone()),
            iv(12 * 2007 + 5, 10, 3 * hour)
        );
        assert_eq!(
            trunc("minute", value.clone()),
            iv(12 * 2007 + 5, 10, 3 * hour + 25 * 60_000_000)
        );
        assert_eq!(
            trunc("second", value.clone()),
            iv(12 * 2007 + 5, 10, 3 * hour + 25 * 60_000_000 + 30_000_000)
        );
        assert_eq!(
            trunc("ms", value.clone()),
            iv(12 * 2007 + 5, 10, 3 * hour + 25 * 60_000_000 + 30_123_000)
        );
        assert_eq!(trunc("us", value.clone()), value);
        assert_eq!(trunc("hour", iv(0, 0, -(hour + 1))), iv(0, 0, -hour));
        assert_eq!(
            call("date_trunc", &[text("week"), iv(1, 0, 0)])
                .unwrap_err()
                .sqlstate(),
            "0A000"
        );
    }

    #[test]
    fn date_part_of_every_timestamp_field() {
        let t = sample();
        assert_eq!(part("microseconds", t.clone()), 40_123_456.0);
        assert_eq!(part("milliseconds", t.clone()), 40_123.456);
        assert_eq!(part("second", t.clone()), 40.123456);
        assert_eq!(part("minute", t.clone()), 38.0);
        assert_eq!(part("hour", t.clone()), 20.0);
        assert_eq!(part("day", t.clone()), 16.0);
        assert_eq!(part("month", t.clone()), 2.0);
        assert_eq!(part("quarter", t.clone()), 1.0);
        assert_eq!(part("week", t.clone()), 7.0);
        assert_eq!(part("year", t.clone()), 2001.0);
        assert_eq!(part("decade", t.clone()), 200.0);
        assert_eq!(part("century", t.clone()), 21.0);
        assert_eq!(part("millennium", t.clone()), 3.0);
        assert_eq!(part("dow", t.clone()), 5.0);
        assert_eq!(part("isodow", ts(2001, 2, 18, 0, 0, 0, 0)), 7.0);
        assert_eq!(part("dow", ts(2001, 2, 18, 0, 0, 0, 0)), 0.0);
        assert_eq!(part("doy", t.clone()), 47.0);
        assert_eq!(part("isoyear", ts(2006, 1, 1, 0, 0, 0, 0)), 2005.0);
        assert_eq!(
            part("epoch", ts(2001, 2, 16, 20, 38, 40, 120_000)),
            982_355_920.12
        );
        assert_eq!(part("julian", ts(2000, 1, 1, 12, 0, 0, 0)), 2_451_545.5);
        assert_eq!(part("year", ts(0, 1, 1, 0, 0, 0, 0)), -1.0);
        assert_eq!(part("century", ts(0, 1, 1, 0, 0, 0, 0)), -1.0);
        assert_eq!(part("millennium", ts(-1000, 1, 1, 0, 0, 0, 0)), -2.0);
        assert_eq!(part("decade", ts(-1, 1, 1, 0, 0, 0, 0)), -1.0);
        assert_eq!(
            call("date_part", &[text("timezone"), sample()])
                .unwrap_err()
                .sqlstate(),
            "0A000"
        );
        let tz = Value::TimestampTz(naive(2001, 2, 16, 20, 38, 40, 0).and_utc());
        assert_eq!(part("timezone", tz.clone()), 0.0);
        assert_eq!(part("hour", tz), 20.0);
    }

    #[test]
    fn untyped_sources_are_parsed() {
        use super::super::test_support::call_typed;
        use crate::types::DataType;
        let types = [DataType::Text, DataType::Unknown];
        let truncated = call_typed(
            "date_trunc",
            &types,
            &[text("day"), text("2024-03-15 10:11:12")],
        );
        assert_eq!(
            truncated.unwrap(),
            Value::TimestampTz(naive(2024, 3, 15, 0, 0, 0, 0).and_utc())
        );
        let year = call_typed("extract", &types, &[text("year"), text("2024-03-15")]);
        assert_eq!(num_text(&year.unwrap()), "2024");
        // A parameter bound to a date, passed where a timestamptz is expected.
        let month = call_typed("date_part", &types, &[text("month"), date(2024, 3, 15)]);
        assert_eq!(month.unwrap(), Value::Float64(3.0));
        let bad = call_typed("date_part", &types, &[text("month"), text("not a date")]);
        assert!(bad.is_err());
    }

    #[test]
    fn date_part_of_dates_times_and_intervals() {
        assert_eq!(part("hour", date(2001, 2, 16)), 0.0);
        assert_eq!(part("epoch", date(1970, 1, 2)), 86_400.0);
        let t = Value::Time(naive(2000, 1, 1, 13, 30, 15, 500_000).time());
        assert_eq!(part("hour", t.clone()), 13.0);
        assert_eq!(part("second", t.clone()), 15.5);
        assert_eq!(part("epoch", t.clone()), 48_615.5);
        assert!(call("date_part", &[text("day"), t]).is_err());
        let value = iv(
            3 * 12 + 4,
            5,
            6 * 3_600_000_000 + 7 * 60_000_000 + 8_500_000,
        );
        assert_eq!(part("year", value.clone()), 3.0);
        assert_eq!(part("month", value.clone()), 4.0);
        assert_eq!(part("quarter", value.clone()), 2.0);
        assert_eq!(part("day", value.clone()), 5.0);
        assert_eq!(part("hour", value.clone()), 6.0);
        assert_eq!(part("minute", value.clone()), 7.0);
        assert_eq!(part("second", value.clone()), 8.5);
        assert_eq!(part("milliseconds", value.clone()), 8_500.0);
        assert_eq!(part("microseconds", value), 8_500_000.0);
        assert_eq!(part("hour", iv(0, 0, 100 * 3_600_000_000)), 100.0);
        assert_eq!(part("minute", iv(0, 0, -90 * 60_000_000)), -30.0);
        assert_eq!(part("epoch", iv(12, 0, 0)), 31_557_600.0);
        assert_eq!(part("epoch", iv(1, 1, 1_000_000)), 2_678_401.0);
        assert_eq!(part("decade", iv(12 * 25, 0, 0)), 2.0);
        assert!(call("date_part", &[text("dow"), iv(1, 0, 0)]).is_err());
    }

    #[test]
    fn extract_returns_numeric_with_postgres_scales() {
        let t = sample();
        assert_eq!(ext("second", t.clone()), "40.123456");
        assert_eq!(ext("milliseconds", t.clone()), "40123.456");
        assert_eq!(ext("microseconds", t.clone()), "40123456");
        assert_eq!(ext("year", t.clone()), "2001");
        assert_eq!(
            ext("epoch", ts(2001, 2, 16, 20, 38, 40, 0)),
            "982355920.000000"
        );
        assert_eq!(ext("epoch", date(2001, 2, 16)), "982281600");
        assert_eq!(ext("julian", date(2000, 1, 1)), "2451545");
        assert_eq!(ext("day", date(2001, 2, 16)), "16");
        assert_eq!(
            call("extract", &[text("hour"), date(2001, 2, 16)])
                .unwrap_err()
                .sqlstate(),
            "0A000"
        );
        assert_eq!(
            call("extract", &[text("julian"), t])
                .unwrap_err()
                .sqlstate(),
            "0A000"
        );
        assert_eq!(ext("epoch", iv(12, 0, 0)), "31557600.000000");
        assert_eq!(
            ext("second", Value::Time(naive(2000, 1, 1, 0, 0, 5, 0).time())),
            "5.000000"
        );
    }
}

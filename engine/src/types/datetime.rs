//! Dates, times, timestamps and intervals: the [`Interval`] type, PostgreSQL text input/output
//! for all date/time types, and the calendar arithmetic used by `+`/`-` (adding an interval
//! clamps the day of month like PostgreSQL: `2024-01-31 + 1 mon = 2024-02-29`).
//!
//! Sessions run in UTC: TIMESTAMPTZ values are stored and printed in UTC, and a TIMESTAMP
//! converts to TIMESTAMPTZ by reading it as UTC.

mod interval;
mod interval_text;
mod text;

use chrono::{DateTime, Days, Months, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};

pub use interval::Interval;
pub(crate) use interval::MICROS_PER_DAY;
pub use text::{
    parse_date, parse_time, parse_timestamp, parse_timestamptz, write_date, write_time,
    write_timestamp, write_timestamptz,
};

use crate::error::{Error, Result};

/// Parses an interval from PostgreSQL input text (`1 day 02:00:00`, `2 hours`, `P1DT2H`).
pub fn parse_interval(text: &str) -> Result<Interval> {
    interval_text::parse_interval(text)
}

/// Fraction-of-second digits -> microseconds, rounded half up at the seventh digit.
/// `None` if `digits` is empty or not all digits.
pub(crate) fn parse_fraction_micros(digits: &str) -> Option<i64> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut micros: i64 = 0;
    for position in 0..6 {
        let digit = digits
            .as_bytes()
            .get(position)
            .map_or(0, |b| i64::from(b - b'0'));
        micros = micros * 10 + digit;
    }
    if digits.as_bytes().get(6).is_some_and(|b| *b >= b'5') {
        micros += 1;
    }
    Some(micros)
}

fn timestamp_out_of_range() -> Error {
    Error::InvalidDatetime("timestamp out of range".into())
}

fn date_out_of_range() -> Error {
    Error::InvalidDatetime("date out of range".into())
}

/// `date + days` (negative `days` subtracts); 22008 "date out of range" beyond the calendar.
pub fn add_days_to_date(date: NaiveDate, days: i64) -> Result<NaiveDate> {
    let magnitude = Days::new(days.unsigned_abs());
    let result = if days >= 0 {
        date.checked_add_days(magnitude)
    } else {
        date.checked_sub_days(magnitude)
    };
    result.ok_or_else(date_out_of_range)
}

/// `date - date` in days.
pub fn date_difference(left: NaiveDate, right: NaiveDate) -> i32 {
    let days = left.signed_duration_since(right).num_days();
    // The calendar spans about 190 million days, which fits an i32.
    i32::try_from(days).unwrap_or(if days < 0 { i32::MIN } else { i32::MAX })
}

/// `timestamp + interval`: months first (clamping the day of month), then days, then time.
pub fn add_interval_to_timestamp(ts: NaiveDateTime, interval: Interval) -> Result<NaiveDateTime> {
    let months = Months::new(interval.months.unsigned_abs());
    let shifted = if interval.months >= 0 {
        ts.checked_add_months(months)
    } else {
        ts.checked_sub_months(months)
    }
    .ok_or_else(timestamp_out_of_range)?;
    let days = Days::new(u64::from(interval.days.unsigned_abs()));
    let shifted = if interval.days >= 0 {
        shifted.checked_add_days(days)
    } else {
        shifted.checked_sub_days(days)
    }
    .ok_or_else(timestamp_out_of_range)?;
    shifted
        .checked_add_signed(chrono::Duration::microseconds(interval.micros))
        .ok_or_else(timestamp_out_of_range)
}

/// `timestamptz + interval`, computed in UTC (the session time zone).
pub fn add_interval_to_timestamptz(ts: DateTime<Utc>, interval: Interval) -> Result<DateTime<Utc>> {
    add_interval_to_timestamp(ts.naive_utc(), interval).map(|t| t.and_utc())
}

/// `date + interval`, which is a TIMESTAMP in PostgreSQL.
pub fn add_interval_to_date(date: NaiveDate, interval: Interval) -> Result<NaiveDateTime> {
    add_interval_to_timestamp(date.and_time(NaiveTime::MIN), interval)
}

/// `time + interval`: only the interval's time part counts, and the result wraps around
/// midnight (PostgreSQL's `time_pl_interval`).
pub fn add_interval_to_time(time: NaiveTime, interval: Interval) -> NaiveTime {
    let micros =
        (time_micros(time) + interval.micros.rem_euclid(MICROS_PER_DAY)).rem_euclid(MICROS_PER_DAY);
    time_from_micros(micros)
}

/// `timestamp - timestamp` as days and time (PostgreSQL applies `justify_hours`).
pub fn timestamp_difference(left: NaiveDateTime, right: NaiveDateTime) -> Result<Interval> {
    let micros = left
        .signed_duration_since(right)
        .num_microseconds()
        .ok_or_else(|| Error::InvalidDatetime("interval out of range".into()))?;
    Ok(Interval::justified_from_micros(micros))
}

/// `time - time` as an interval of microseconds.
pub fn time_difference(left: NaiveTime, right: NaiveTime) -> Interval {
    Interval::from_micros(time_micros(left) - time_micros(right))
}

/// Microseconds since midnight (a leap second counts as the following second).
pub fn time_micros(time: NaiveTime) -> i64 {
    i64::from(time.num_seconds_from_midnight()) * 1_000_000 + i64::from(time.nanosecond() / 1000)
}

/// The time `micros` microseconds after midnight, wrapped into one day.
pub fn time_from_micros(micros: i64) -> NaiveTime {
    let micros = micros.rem_euclid(MICROS_PER_DAY);
    let seconds = u32::try_from(micros / 1_000_000).unwrap_or(0);
    let nanos = u32::try_from(micros % 1_000_000 * 1000).unwrap_or(0);
    NaiveTime::from_num_seconds_from_midnight_opt(seconds, nanos).unwrap_or(NaiveTime::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(text: &str) -> NaiveDateTime {
        parse_timestamp(text).unwrap_or_default()
    }

    #[test]
    fn fraction_rounding() {
        assert_eq!(parse_fraction_micros("5"), Some(500_000));
        assert_eq!(parse_fraction_micros("123456"), Some(123_456));
        assert_eq!(parse_fraction_micros("1234565"), Some(123_457));
        assert_eq!(parse_fraction_micros("9999995"), Some(1_000_000));
        assert_eq!(parse_fraction_micros(""), None);
        assert_eq!(parse_fraction_micros("1a"), None);
    }

    #[test]
    fn month_arithmetic_clamps_day() {
        let one_month = Interval::new(1, 0, 0);
        assert_eq!(
            add_interval_to_timestamp(ts("2024-01-31"), one_month).ok(),
            Some(ts("2024-02-29"))
        );
        assert_eq!(
            add_interval_to_timestamp(ts("2023-01-31"), one_month).ok(),
            Some(ts("2023-02-28"))
        );
        let minus = Interval::new(-1, -1, -3_600_000_000);
        assert_eq!(
            add_interval_to_timestamp(ts("2024-03-31 12:00"), minus).ok(),
            Some(ts("2024-02-28 11:00"))
        );
        let date = parse_date("2024-01-31").unwrap_or_default();
        assert_eq!(
            add_interval_to_date(date, Interval::new(0, 1, 1)).ok(),
            Some(ts("2024-02-01 00:00:00.000001"))
        );
        assert!(
            add_interval_to_timestamp(ts("2024-01-01"), Interval::new(i32::MAX, 0, 0)).is_err()
        );
    }

    #[test]
    fn date_and_time_arithmetic() {
        let d = |t| parse_date(t).unwrap_or_default();
        assert_eq!(
            add_days_to_date(d("2024-02-28"), 2).ok(),
            Some(d("2024-03-01"))
        );
        assert_eq!(
            add_days_to_date(d("2024-03-01"), -1).ok(),
            Some(d("2024-02-29"))
        );
        assert!(add_days_to_date(d("2024-03-01"), i64::MAX).is_err());
        assert_eq!(date_difference(d("2024-03-01"), d("2024-02-28")), 2);
        let t = |s| parse_time(s).unwrap_or_default();
        assert_eq!(
            add_interval_to_time(t("23:00"), Interval::new(5, 5, 7_200_000_000)),
            t("01:00")
        );
        assert_eq!(
            add_interval_to_time(t("01:00"), Interval::from_micros(-7_200_000_000)),
            t("23:00")
        );
        assert_eq!(
            time_difference(t("01:00"), t("02:30")),
            Interval::from_micros(-5_400_000_000)
        );
        assert_eq!(
            timestamp_difference(ts("2024-01-02 01:00"), ts("2024-01-01")).ok(),
            Some(Interval::new(0, 1, 3_600_000_000))
        );
    }
}

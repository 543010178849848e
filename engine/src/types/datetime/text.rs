//! Text input and output of DATE, TIME, TIMESTAMP and TIMESTAMPTZ in PostgreSQL's ISO style:
//! `2024-01-02`, `04:05:06.5`, `2024-01-02 04:05:06.123456`, `2024-01-02 04:05:06+00`, with
//! ` BC` after years before 1 AD. Input also accepts a `T` separator, `YYYYMMDD`, `24:00:00`,
//! zone offsets (`Z`, `UTC`, `+02`, `+05:30`, `-0800`) and `epoch`.

use std::fmt::{self, Write};

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};

use super::interval::{MICROS_PER_HOUR, MICROS_PER_MINUTE, MICROS_PER_SECOND};
use super::interval_text::write_fraction;
use super::parse_fraction_micros;
use crate::error::{Error, Result};

/// What a date/time text contained.
#[derive(Default)]
struct Parts {
    /// Year (astronomical, already adjusted for BC), month, day.
    date: Option<(i32, u32, u32)>,
    /// Microseconds since midnight; may reach a full day (`24:00:00`, leap second carry).
    time: Option<i64>,
    /// Zone offset east of UTC, in seconds.
    offset_seconds: Option<i32>,
    /// ` BC` followed the date: `date.0` counts years before 1 AD.
    before_christ: bool,
}

/// A tiny cursor over ASCII-lowercased input.
struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.text.as_bytes().get(self.pos + ahead).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn skip_spaces(&mut self) -> bool {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
        self.pos > start
    }

    fn take_while(&mut self, keep: impl Fn(u8) -> bool) -> &'a str {
        let start = self.pos;
        while self.peek().is_some_and(&keep) {
            self.pos += 1;
        }
        self.text.get(start..self.pos).unwrap_or("")
    }

    fn digits(&mut self) -> &'a str {
        self.take_while(|b| b.is_ascii_digit())
    }

    fn at_end(&self) -> bool {
        self.pos >= self.text.len()
    }
}

fn number<T: std::str::FromStr>(digits: &str, max_len: usize) -> Option<T> {
    if digits.is_empty() || digits.len() > max_len {
        return None;
    }
    digits.parse().ok()
}

/// Parses the whole text into its parts, or `None` on a syntax error.
fn parse_parts(text: &str) -> Option<Parts> {
    let lower = text.trim().to_ascii_lowercase();
    if lower == "epoch" {
        return Some(Parts {
            date: Some((1970, 1, 1)),
            time: Some(0),
            offset_seconds: Some(0),
            before_christ: false,
        });
    }
    let mut cur = Cursor {
        text: &lower,
        pos: 0,
    };
    let mut parts = Parts::default();

    // A date starts with digits followed by '-', or is eight digits (YYYYMMDD).
    let start = cur.pos;
    let leading = cur.digits();
    if cur.peek() == Some(b'-') && !leading.is_empty() {
        let year: i32 = number(leading, 9)?;
        cur.eat(b'-');
        let month = number(cur.digits(), 2)?;
        if !cur.eat(b'-') {
            return None;
        }
        let day = number(cur.digits(), 2)?;
        parts.date = Some((year, month, day));
    } else if leading.len() == 8 && cur.peek() != Some(b':') {
        let year = number(leading.get(0..4)?, 4)?;
        let month = number(leading.get(4..6)?, 2)?;
        let day = number(leading.get(6..8)?, 2)?;
        parts.date = Some((year, month, day));
    } else {
        cur.pos = start;
    }

    // The time follows a 'T' or spaces, or starts the text when there is no date.
    let before_time = cur.pos;
    let separated = if parts.date.is_some() {
        cur.eat(b't') || cur.skip_spaces()
    } else {
        true
    };
    if separated && cur.peek().is_some_and(|b| b.is_ascii_digit()) {
        parts.time = Some(parse_clock(&mut cur)?);
    } else {
        cur.pos = before_time;
    }
    if parts.date.is_none() && parts.time.is_none() {
        return None;
    }

    // Zone: an offset after a time, or a zone name.
    cur.skip_spaces();
    match cur.peek() {
        Some(b'+' | b'-') if parts.time.is_some() => {
            parts.offset_seconds = Some(parse_offset(&mut cur)?);
        }
        Some(b'z') if matches!(cur.peek_at(1), None | Some(b' ' | b'\t' | b'\n' | b'\r')) => {
            cur.pos += 1;
            parts.offset_seconds = Some(0);
        }
        _ => {
            let save = cur.pos;
            match cur.take_while(|b| b.is_ascii_alphabetic()) {
                "utc" | "gmt" | "zulu" => parts.offset_seconds = Some(0),
                _ => cur.pos = save,
            }
        }
    }

    // Era.
    cur.skip_spaces();
    let save = cur.pos;
    match cur.take_while(|b| b.is_ascii_alphabetic()) {
        "bc" => {
            parts.date?;
            parts.before_christ = true;
        }
        "ad" => {}
        _ => cur.pos = save,
    }
    cur.skip_spaces();
    cur.at_end().then_some(parts)
}

/// `H[H]:MM[:SS[.ffffff]]` -> microseconds since midnight (unvalidated beyond field ranges).
fn parse_clock(cur: &mut Cursor<'_>) -> Option<i64> {
    let hour: i64 = number(cur.digits(), 2)?;
    if !cur.eat(b':') {
        return None;
    }
    let minute: i64 = number(cur.digits(), 2)?;
    let mut second: i64 = 0;
    let mut fraction = 0;
    if cur.eat(b':') {
        second = number(cur.digits(), 2)?;
        if cur.eat(b'.') {
            fraction = parse_fraction_micros(cur.digits())?;
        }
    }
    let total =
        hour * MICROS_PER_HOUR + minute * MICROS_PER_MINUTE + second * MICROS_PER_SECOND + fraction;
    let valid =
        minute < 60 && second <= 60 && (hour < 24 || (hour == 24 && total == 24 * MICROS_PER_HOUR));
    valid.then_some(total)
}

/// `+HH`, `+HH:MM`, `+HH:MM:SS`, `+HHMM`, `+HHMMSS` -> seconds east of UTC.
fn parse_offset(cur: &mut Cursor<'_>) -> Option<i32> {
    let negative = cur.peek() == Some(b'-');
    cur.pos += 1;
    let first = cur.digits();
    let (hours, mut minutes, mut seconds): (i32, i32, i32) = match first.len() {
        1 | 2 => (number(first, 2)?, 0, 0),
        4 => (
            number(first.get(0..2)?, 2)?,
            number(first.get(2..4)?, 2)?,
            0,
        ),
        6 => (
            number(first.get(0..2)?, 2)?,
            number(first.get(2..4)?, 2)?,
            number(first.get(4..6)?, 2)?,
        ),
        _ => return None,
    };
    if first.len() <= 2 && cur.eat(b':') {
        minutes = number(cur.digits(), 2)?;
        if cur.eat(b':') {
            seconds = number(cur.digits(), 2)?;
        }
    }
    if hours > 15 || minutes > 59 || seconds > 59 {
        return None;
    }
    let total = hours * 3600 + minutes * 60 + seconds;
    Some(if negative { -total } else { total })
}

fn syntax_error(type_name: &str, text: &str) -> Error {
    Error::InvalidDatetime(format!(
        "invalid input syntax for type {type_name}: \"{text}\""
    ))
}

fn range_error(text: &str) -> Error {
    Error::InvalidDatetime(format!("date/time field value out of range: \"{text}\""))
}

fn make_date(parts: &Parts, type_name: &str, text: &str) -> Result<NaiveDate> {
    let (year, month, day) = parts.date.ok_or_else(|| syntax_error(type_name, text))?;
    // There is no year 0: 1 BC is followed by 1 AD. chrono counts 1 BC as year 0.
    if year == 0 {
        return Err(range_error(text));
    }
    let year = if parts.before_christ { 1 - year } else { year };
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| range_error(text))
}

fn make_datetime(parts: &Parts, type_name: &str, text: &str) -> Result<NaiveDateTime> {
    let date = make_date(parts, type_name, text)?;
    let micros = parts.time.unwrap_or(0);
    date.and_time(NaiveTime::MIN)
        .checked_add_signed(Duration::microseconds(micros))
        .ok_or_else(|| range_error(text))
}

/// Parses DATE input. A time part, if present, must be valid and is ignored.
pub fn parse_date(text: &str) -> Result<NaiveDate> {
    let parts = parse_parts(text).ok_or_else(|| syntax_error("date", text))?;
    make_date(&parts, "date", text)
}

/// Parses TIME input (`HH:MM[:SS[.ffffff]]`); a date or zone before/after it is ignored.
pub fn parse_time(text: &str) -> Result<NaiveTime> {
    let parts = parse_parts(text).ok_or_else(|| syntax_error("time", text))?;
    let micros = parts.time.ok_or_else(|| syntax_error("time", text))?;
    let seconds = u32::try_from(micros / MICROS_PER_SECOND).map_err(|_| range_error(text))?;
    let nanos = u32::try_from(micros % MICROS_PER_SECOND * 1000).map_err(|_| range_error(text))?;
    // A leap second (`23:59:60`) or `24:00:00` is rejected: TIME cannot hold it.
    if seconds >= 86_400 {
        return Err(range_error(text));
    }
    NaiveTime::from_num_seconds_from_midnight_opt(seconds, nanos).ok_or_else(|| range_error(text))
}

/// Parses TIMESTAMP input; a zone offset, if present, is ignored (as PostgreSQL does).
pub fn parse_timestamp(text: &str) -> Result<NaiveDateTime> {
    let parts = parse_parts(text).ok_or_else(|| syntax_error("timestamp", text))?;
    make_datetime(&parts, "timestamp", text)
}

/// Parses TIMESTAMPTZ input; without an offset the time is taken as UTC.
pub fn parse_timestamptz(text: &str) -> Result<DateTime<Utc>> {
    const TYPE: &str = "timestamp with time zone";
    let parts = parse_parts(text).ok_or_else(|| syntax_error(TYPE, text))?;
    let local = make_datetime(&parts, TYPE, text)?;
    let offset = i64::from(parts.offset_seconds.unwrap_or(0));
    local
        .checked_sub_signed(Duration::seconds(offset))
        .map(|utc| utc.and_utc())
        .ok_or_else(|| range_error(text))
}

/// Writes `YYYY-MM-DD` (without the era).
fn write_ymd(out: &mut impl Write, date: NaiveDate) -> fmt::Result {
    let year = date.year();
    let shown = if year <= 0 {
        1 - i64::from(year)
    } else {
        i64::from(year)
    };
    write!(out, "{shown:04}-{:02}-{:02}", date.month(), date.day())
}

fn write_era(out: &mut impl Write, date: NaiveDate) -> fmt::Result {
    if date.year() <= 0 {
        out.write_str(" BC")?;
    }
    Ok(())
}

/// Writes DATE output: `2024-01-02`, `0044-03-15 BC`.
pub fn write_date(out: &mut impl Write, date: NaiveDate) -> fmt::Result {
    write_ymd(out, date)?;
    write_era(out, date)
}

/// Writes TIME output: `04:05:06`, `04:05:06.5` (microsecond precision, zeros trimmed).
pub fn write_time(out: &mut impl Write, time: NaiveTime) -> fmt::Result {
    let nanos = time.nanosecond();
    // chrono encodes a leap second as nanoseconds >= 1e9.
    let second = time.second() + nanos / 1_000_000_000;
    write!(out, "{:02}:{:02}:{second:02}", time.hour(), time.minute())?;
    write_fraction(out, u64::from(nanos % 1_000_000_000 / 1000))
}

/// Writes TIMESTAMP output: `2024-01-02 04:05:06.123456`.
pub fn write_timestamp(out: &mut impl Write, ts: NaiveDateTime) -> fmt::Result {
    write_ymd(out, ts.date())?;
    out.write_char(' ')?;
    write_time(out, ts.time())?;
    write_era(out, ts.date())
}

/// Writes TIMESTAMPTZ output in UTC: `2024-01-02 04:05:06+00`.
pub fn write_timestamptz(out: &mut impl Write, ts: DateTime<Utc>) -> fmt::Result {
    let naive = ts.naive_utc();
    write_ymd(out, naive.date())?;
    out.write_char(' ')?;
    write_time(out, naive.time())?;
    out.write_str("+00")?;
    write_era(out, naive.date())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
    }

    fn show(write: impl Fn(&mut String) -> fmt::Result) -> String {
        let mut s = String::new();
        let _ = write(&mut s);
        s
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("2024-01-02").ok(), Some(date(2024, 1, 2)));
        assert_eq!(parse_date(" 2024-1-2 ").ok(), Some(date(2024, 1, 2)));
        assert_eq!(parse_date("20240102").ok(), Some(date(2024, 1, 2)));
        assert_eq!(parse_date("2024-01-02 10:00").ok(), Some(date(2024, 1, 2)));
        assert_eq!(parse_date("0044-03-15 BC").ok(), Some(date(-43, 3, 15)));
        assert_eq!(parse_date("epoch").ok(), Some(date(1970, 1, 1)));
        assert!(
            matches!(parse_date("2024-02-30"), Err(Error::InvalidDatetime(m)) if m.contains("out of range"))
        );
        assert!(
            matches!(parse_date("hello"), Err(Error::InvalidDatetime(m)) if m == "invalid input syntax for type date: \"hello\"")
        );
        assert!(parse_date("0000-01-01").is_err());
        assert!(parse_date("2024-01").is_err());
        assert_eq!(show(|s| write_date(s, date(2024, 1, 2))), "2024-01-02");
        assert_eq!(show(|s| write_date(s, date(-43, 3, 15))), "0044-03-15 BC");
        assert_eq!(show(|s| write_date(s, date(12345, 3, 15))), "12345-03-15");
    }

    #[test]
    fn times() {
        let t = |h, m, s, micro| NaiveTime::from_hms_micro_opt(h, m, s, micro);
        assert_eq!(parse_time("04:05").ok(), t(4, 5, 0, 0));
        assert_eq!(parse_time("04:05:06.5").ok(), t(4, 5, 6, 500_000));
        assert_eq!(parse_time("04:05:06.1234567").ok(), t(4, 5, 6, 123_457));
        assert_eq!(parse_time("2024-01-02 04:05:06+02").ok(), t(4, 5, 6, 0));
        assert!(parse_time("25:00").is_err());
        assert!(parse_time("24:00:00").is_err());
        assert!(parse_time("12:60").is_err());
        assert!(parse_time("2024-01-02").is_err());
        assert_eq!(show(|s| write_time(s, NaiveTime::MIN)), "00:00:00");
        let t = t(4, 5, 6, 500_000).unwrap_or(NaiveTime::MIN);
        assert_eq!(show(|s| write_time(s, t)), "04:05:06.5");
    }

    #[test]
    fn timestamps() {
        let ts = |text| parse_timestamp(text).map(|v| show(|s| write_timestamp(s, v)));
        assert_eq!(
            ts("2024-01-02 04:05:06.123456").ok().as_deref(),
            Some("2024-01-02 04:05:06.123456")
        );
        assert_eq!(
            ts("2024-01-02T04:05:06").ok().as_deref(),
            Some("2024-01-02 04:05:06")
        );
        assert_eq!(
            ts("2024-01-02").ok().as_deref(),
            Some("2024-01-02 00:00:00")
        );
        assert_eq!(
            ts("2024-01-02 24:00:00").ok().as_deref(),
            Some("2024-01-03 00:00:00")
        );
        assert_eq!(
            ts("2024-01-02 10:00+05").ok().as_deref(),
            Some("2024-01-02 10:00:00")
        );
        assert_eq!(
            ts("0044-03-15 10:00 BC").ok().as_deref(),
            Some("0044-03-15 10:00:00 BC")
        );
        assert_eq!(
            ts("2024-12-31 23:59:59.9999999").ok().as_deref(),
            Some("2025-01-01 00:00:00")
        );
        assert!(ts("2024-01-02 10").is_err());
        assert!(ts("2024-01-02 10:00 nonsense").is_err());
    }

    #[test]
    fn timestamps_with_zone() {
        let tz = |text| parse_timestamptz(text).map(|v| show(|s| write_timestamptz(s, v)));
        assert_eq!(
            tz("2024-01-02 04:05:06").ok().as_deref(),
            Some("2024-01-02 04:05:06+00")
        );
        assert_eq!(
            tz("2024-01-02 04:05:06+02").ok().as_deref(),
            Some("2024-01-02 02:05:06+00")
        );
        assert_eq!(
            tz("2024-01-02 04:05:06+05:30").ok().as_deref(),
            Some("2024-01-01 22:35:06+00")
        );
        assert_eq!(
            tz("2024-01-02 04:05:06-0800").ok().as_deref(),
            Some("2024-01-02 12:05:06+00")
        );
        assert_eq!(
            tz("2024-01-02T04:05:06Z").ok().as_deref(),
            Some("2024-01-02 04:05:06+00")
        );
        assert_eq!(
            tz("2024-01-02 04:05:06 UTC").ok().as_deref(),
            Some("2024-01-02 04:05:06+00")
        );
        assert_eq!(
            tz("0044-03-15 10:00:00+00 BC").ok().as_deref(),
            Some("0044-03-15 10:00:00+00 BC")
        );
        assert!(tz("2024-01-02 04:05:06+16").is_err());
    }
}

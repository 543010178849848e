//! Date/time templates: `to_char(timestamp|timestamptz|date|interval, template)`,
//! `to_date(text, template)` and `to_timestamp(text, template)`, following PostgreSQL's
//! `formatting.c`.
//!
//! Supported template patterns (PostgreSQL's full set except localisation):
//! `HH`, `HH12`, `HH24`, `MI`, `SS`, `MS`, `US`, `FF1`..`FF6`, `SSSS`/`SSSSS`, `AM`/`PM`/`A.M.`/`P.M.`
//! (and lower case), `Y,YYY`, `YYYY`, `YYY`, `YY`, `Y`, `IYYY`..`I`, `BC`/`AD`/`B.C.`/`A.D.`,
//! `MONTH`/`Month`/`month`, `MON`/`Mon`/`mon`, `MM`, `DAY`/`Day`/`day`, `DY`/`Dy`/`dy`, `DDD`,
//! `IDDD`, `DD`, `D`, `ID`, `W`, `WW`, `IW`, `CC`, `J`, `Q`, `RM`/`rm`, `TZ`/`tz`, `TZH`, `TZM`,
//! `OF`; the modifiers `FM` (no padding), `TH`/`th` (ordinal suffix), `FX` (exact spacing when
//! parsing) and `TM` (accepted, names are always English); `"quoted"` literal text and `\"`.
//! The session time zone is UTC, so `TZ` prints `UTC` for a `timestamptz` and nothing for a
//! `timestamp`. When parsing, `TZ` accepts only `UTC`/`GMT` or a numeric offset.

use chrono::{
    DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Timelike, Utc, Weekday,
};

use super::args::{interval, text, timestamp, timestamptz};
use super::datetime::days_in_month;
use super::datetime_fields::julian_day;
use super::signature::Ty::{Date as DateTy, Interval as IntervalTy, Text, Timestamp, TimestampTz};
use super::signature::{fixed, FunctionDef};
use super::template::longest_keyword;
use crate::error::{Error, Result};
use crate::types::datetime::Interval;
use crate::types::Value;

/// `to_char` for date/time values, `to_date` and `to_timestamp(text, text)`.
pub(super) const FUNCTIONS: &[FunctionDef] = &[
    FunctionDef::new(
        &["to_char"],
        &[
            fixed(&[TimestampTz, Text], Text, |a, _| {
                format_value(a, Parts::of_timestamp(timestamptz(a, 0)?.naive_utc(), true))
            }),
            fixed(&[Timestamp, Text], Text, |a, _| {
                format_value(a, Parts::of_timestamp(timestamp(a, 0)?, false))
            }),
            fixed(&[IntervalTy, Text], Text, |a, _| {
                format_value(a, Parts::of_interval(interval(a, 0)?))
            }),
        ],
    ),
    FunctionDef::new(&["to_date"], &[fixed(&[Text, Text], DateTy, to_date)]),
    FunctionDef::new(
        &["to_timestamp"],
        &[fixed(&[Text, Text], TimestampTz, to_timestamp)],
    ),
];

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_SHORT: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const DAYS_SHORT: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
/// Roman month numerals, December first (PostgreSQL's order, which parsing relies on).
const ROMAN_MONTHS: [&str; 12] = [
    "XII", "XI", "X", "IX", "VIII", "VII", "VI", "V", "IV", "III", "II", "I",
];
const MERIDIEM: [&str; 4] = ["am", "pm", "AM", "PM"];
const MERIDIEM_DOTS: [&str; 4] = ["a.m.", "p.m.", "A.M.", "P.M."];
const ERA: [&str; 4] = ["ad", "bc", "AD", "BC"];
const ERA_DOTS: [&str; 4] = ["a.d.", "b.c.", "A.D.", "B.C."];

/// How a name is capitalised: `MONTH`, `Month` or `month`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Letters {
    Upper,
    Capitalized,
    Lower,
}

impl Letters {
    fn apply(self, name: &str) -> String {
        match self {
            Letters::Upper => name.to_uppercase(),
            Letters::Capitalized => name.to_string(),
            Letters::Lower => name.to_lowercase(),
        }
    }
}

/// A template pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Meridiem { dots: bool, upper: bool },
    Era { dots: bool, upper: bool },
    Hour12,
    Hour24,
    Minute,
    Second,
    Millis,
    Micros,
    Fraction(u8),
    SecondsOfDay,
    TzName { upper: bool },
    TzHours,
    TzMinutes,
    TzOffset,
    YearComma,
    Year(u8),
    IsoYear(u8),
    MonthName(Letters),
    MonthAbbrev(Letters),
    MonthNumber,
    DayName(Letters),
    DayAbbrev(Letters),
    DayOfYear,
    IsoDayOfYear,
    DayOfMonth,
    DayOfWeek,
    IsoDayOfWeek,
    WeekOfMonth,
    WeekOfYear,
    IsoWeek,
    Century,
    Julian,
    Quarter,
    RomanMonth { upper: bool },
    FixedFormat,
}

/// Every pattern's upper-case (and `Month`-style capitalised) spelling; the all-lower-case
/// spelling of an upper-case one is a pattern too, with [`Key::lower_case`]'s key. The
/// longest one matching at a position wins.
const KEYWORDS: &[(&str, Key)] = &[
    ("A.D.", era(true)),
    ("A.M.", meridiem(true)),
    ("AD", era(false)),
    ("AM", meridiem(false)),
    ("B.C.", era(true)),
    ("BC", era(false)),
    ("CC", Key::Century),
    ("DAY", Key::DayName(Letters::Upper)),
    ("DDD", Key::DayOfYear),
    ("DD", Key::DayOfMonth),
    ("DY", Key::DayAbbrev(Letters::Upper)),
    ("Day", Key::DayName(Letters::Capitalized)),
    ("Dy", Key::DayAbbrev(Letters::Capitalized)),
    ("D", Key::DayOfWeek),
    ("FF1", Key::Fraction(1)),
    ("FF2", Key::Fraction(2)),
    ("FF3", Key::Fraction(3)),
    ("FF4", Key::Fraction(4)),
    ("FF5", Key::Fraction(5)),
    ("FF6", Key::Fraction(6)),
    ("FX", Key::FixedFormat),
    ("HH24", Key::Hour24),
    ("HH12", Key::Hour12),
    ("HH", Key::Hour12),
    ("IDDD", Key::IsoDayOfYear),
    ("ID", Key::IsoDayOfWeek),
    ("IW", Key::IsoWeek),
    ("IYYY", Key::IsoYear(4)),
    ("IYY", Key::IsoYear(3)),
    ("IY", Key::IsoYear(2)),
    ("I", Key::IsoYear(1)),
    ("J", Key::Julian),
    ("MI", Key::Minute),
    ("MM", Key::MonthNumber),
    ("MONTH", Key::MonthName(Letters::Upper)),
    ("MON", Key::MonthAbbrev(Letters::Upper)),
    ("MS", Key::Millis),
    ("Month", Key::MonthName(Letters::Capitalized)),
    ("Mon", Key::MonthAbbrev(Letters::Capitalized)),
    ("OF", Key::TzOffset),
    ("P.M.", meridiem(true)),
    ("PM", meridiem(false)),
    ("Q", Key::Quarter),
    ("RM", Key::RomanMonth { upper: true }),
    ("SSSSS", Key::SecondsOfDay),
    ("SSSS", Key::SecondsOfDay),
    ("SS", Key::Second),
    ("TZH", Key::TzHours),
    ("TZM", Key::TzMinutes),
    ("TZ", Key::TzName { upper: true }),
    ("US", Key::Micros),
    ("WW", Key::WeekOfYear),
    ("W", Key::WeekOfMonth),
    ("Y,YYY", Key::YearComma),
    ("YYYY", Key::Year(4)),
    ("YYY", Key::Year(3)),
    ("YY", Key::Year(2)),
    ("Y", Key::Year(1)),
];

/// The upper-case `AD`/`BC` pattern, with or without dots.
const fn era(dots: bool) -> Key {
    Key::Era { dots, upper: true }
}

/// The upper-case `AM`/`PM` pattern, with or without dots.
const fn meridiem(dots: bool) -> Key {
    Key::Meridiem { dots, upper: true }
}

/// Which calendar a pattern belongs to; parsing may not mix Gregorian and ISO week dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Calendar {
    Neither,
    Gregorian,
    Iso,
}

impl Key {
    /// The pattern spelled in lower case: lower-case names, `am`, `ad`, `rm` and `tz`.
    fn lower_case(self) -> Key {
        match self {
            Key::Meridiem { dots, .. } => Key::Meridiem { dots, upper: false },
            Key::Era { dots, .. } => Key::Era { dots, upper: false },
            Key::TzName { .. } => Key::TzName { upper: false },
            Key::RomanMonth { .. } => Key::RomanMonth { upper: false },
            Key::MonthName(_) => Key::MonthName(Letters::Lower),
            Key::MonthAbbrev(_) => Key::MonthAbbrev(Letters::Lower),
            Key::DayName(_) => Key::DayName(Letters::Lower),
            Key::DayAbbrev(_) => Key::DayAbbrev(Letters::Lower),
            other => other,
        }
    }

    /// True for patterns whose value is a number (they read digits when parsing).
    fn is_numeric(self) -> bool {
        !matches!(
            self,
            Key::Meridiem { .. }
                | Key::Era { .. }
                | Key::TzName { .. }
                | Key::TzHours
                | Key::TzOffset
                | Key::MonthName(_)
                | Key::MonthAbbrev(_)
                | Key::DayName(_)
                | Key::DayAbbrev(_)
                | Key::RomanMonth { .. }
                | Key::FixedFormat
        )
    }

    fn calendar(self) -> Calendar {
        match self {
            Key::DayOfYear
            | Key::DayOfMonth
            | Key::DayOfWeek
            | Key::MonthNumber
            | Key::MonthName(_)
            | Key::MonthAbbrev(_)
            | Key::RomanMonth { .. }
            | Key::WeekOfYear
            | Key::WeekOfMonth
            | Key::YearComma
            | Key::Year(_) => Calendar::Gregorian,
            Key::IsoDayOfYear | Key::IsoDayOfWeek | Key::IsoWeek | Key::IsoYear(_) => Calendar::Iso,
            _ => Calendar::Neither,
        }
    }
}

/// One element of a parsed template.
#[derive(Debug, Clone, PartialEq)]
enum Node<'a> {
    /// A pattern; `name` is its spelling in the template (for error messages).
    Field {
        key: Key,
        name: &'a str,
        fill: bool,
        ordinal: Option<bool>,
    },
    /// Quoted text, or a letter or digit that is not part of a pattern.
    Literal(char),
    /// Punctuation outside quotes (matches any separator when parsing).
    Separator(char),
    /// White space outside quotes.
    Space(char),
}

/// The longest pattern that `rest` starts with, as spelled in `rest`.
fn keyword_at(rest: &str) -> Option<(&str, Key)> {
    longest_keyword(rest, KEYWORDS, Key::lower_case)
}

/// Parses a template into nodes, as PostgreSQL's `parse_format`.
fn parse_template(template: &str) -> Vec<Node<'_>> {
    let mut nodes = Vec::new();
    let mut rest = template;
    while !rest.is_empty() {
        let mut fill = false;
        if let Some(after) = rest.strip_prefix("FM").or_else(|| rest.strip_prefix("fm")) {
            fill = true;
            rest = after;
        } else if let Some(after) = rest.strip_prefix("TM").or_else(|| rest.strip_prefix("tm")) {
            rest = after;
        }
        if let Some((name, key)) = keyword_at(rest) {
            rest = rest.get(name.len()..).unwrap_or("");
            let mut ordinal = None;
            if let Some(after) = rest.strip_prefix("TH") {
                ordinal = Some(true);
                rest = after;
            } else if let Some(after) = rest.strip_prefix("th") {
                ordinal = Some(false);
                rest = after;
            } else if let Some(after) = rest.strip_prefix("SP") {
                rest = after;
            }
            nodes.push(Node::Field {
                key,
                name,
                fill,
                ordinal,
            });
            continue;
        }
        let mut chars = rest.chars();
        let Some(c) = chars.next() else { break };
        if c == '"' {
            // Quoted text; a backslash quotes the next character.
            loop {
                match chars.next() {
                    None | Some('"') => break,
                    Some('\\') => match chars.next() {
                        Some(quoted) => nodes.push(Node::Literal(quoted)),
                        None => nodes.push(Node::Literal('\\')),
                    },
                    Some(other) => nodes.push(Node::Literal(other)),
                }
            }
            rest = chars.as_str();
            continue;
        }
        let c = if c == '\\' && chars.as_str().starts_with('"') {
            chars.next();
            '"'
        } else {
            c
        };
        nodes.push(if c.is_ascii_punctuation() {
            Node::Separator(c)
        } else if c.is_whitespace() {
            Node::Space(c)
        } else {
            Node::Literal(c)
        });
        rest = chars.as_str();
    }
    nodes
}

/// The fields of the value being formatted. For an interval the fields are its own (years,
/// months of the year, days, hours...) and `date` is `None`.
struct Parts {
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
    fn of_timestamp(t: NaiveDateTime, with_time_zone: bool) -> Parts {
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

    fn of_interval(value: Interval) -> Parts {
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

/// The English ordinal suffix for the number ending `digits`.
fn ordinal_suffix(digits: &str, upper: bool) -> &'static str {
    let mut tail = digits.chars().rev();
    let last = tail.next();
    let teen = tail.next() == Some('1');
    let suffix = match last {
        _ if teen => "th",
        Some('1') => "st",
        Some('2') => "nd",
        Some('3') => "rd",
        _ => "th",
    };
    if upper {
        match suffix {
            "st" => "ST",
            "nd" => "ND",
            "rd" => "RD",
            _ => "TH",
        }
    } else {
        suffix
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
fn format_value(args: &[Value], parts: Parts) -> Result<Value> {
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

/// The fields read from the input by `to_date`/`to_timestamp`; zero means "not given", as in
/// PostgreSQL.
#[derive(Default)]
struct FromChar {
    calendar: Option<Calendar>,
    year: i64,
    year_size: u8,
    bc: bool,
    century: i64,
    month: i64,
    day: i64,
    day_of_year: i64,
    week: i64,
    week_of_month: i64,
    weekday: i64,
    hour: i64,
    twelve_hour: bool,
    pm: bool,
    minute: i64,
    second: i64,
    seconds_of_day: i64,
    millis: i64,
    micros: i64,
    julian: i64,
    tz_sign: i64,
    tz_hours: i64,
    tz_minutes: i64,
}

/// A cursor over the input text.
struct Scanner<'a> {
    input: &'a str,
    position: usize,
}

impl<'a> Scanner<'a> {
    fn rest(&self) -> &'a str {
        self.input.get(self.position..).unwrap_or("")
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn previous(&self) -> Option<char> {
        self.input
            .get(..self.position)
            .and_then(|before| before.chars().next_back())
    }

    fn advance(&mut self) {
        if let Some(c) = self.peek() {
            self.position += c.len_utf8();
        }
    }

    fn skip_spaces(&mut self) -> usize {
        let mut count = 0;
        while self.peek().is_some_and(char::is_whitespace) {
            self.advance();
            count += 1;
        }
        count
    }

    fn advance_bytes(&mut self, bytes: usize) {
        self.position = (self.position + bytes).min(self.input.len());
    }
}

fn invalid_value(input: &str, pattern: &str) -> Error {
    let shown: String = input.chars().take_while(|c| !c.is_whitespace()).collect();
    Error::InvalidDatetime(format!("invalid value \"{shown}\" for \"{pattern}\""))
}

/// `strtol`: optional white space and sign, then digits. Returns the value and the number of
/// bytes read (0 when there are no digits).
fn read_integer(text: &str) -> (i64, usize) {
    let trimmed = text.trim_start();
    let mut used = text.len() - trimmed.len();
    let mut chars = trimmed.chars().peekable();
    let mut negative = false;
    if let Some(sign @ ('+' | '-')) = chars.peek().copied() {
        negative = sign == '-';
        chars.next();
        used += 1;
    }
    let mut value: i64 = 0;
    let mut digits = 0;
    while let Some(digit) = chars.peek().and_then(|c| c.to_digit(10)) {
        value = value.saturating_mul(10).saturating_add(i64::from(digit));
        chars.next();
        digits += 1;
    }
    if digits == 0 {
        return (0, 0);
    }
    (if negative { -value } else { value }, used + digits)
}

/// Reads the integer of a numeric pattern: as many digits as there are when `FM` is given or
/// the next template node is not a number, else exactly `width` characters.
fn read_field_integer(
    scanner: &mut Scanner<'_>,
    width: usize,
    greedy: bool,
    pattern: &str,
) -> Result<(i64, usize)> {
    scanner.skip_spaces();
    let rest = scanner.rest();
    let (value, used) = if greedy {
        read_integer(rest)
    } else {
        let available: String = rest.chars().take(width).collect();
        let count = available.chars().count();
        if count < width {
            return Err(Error::InvalidDatetime(format!(
                "source string too short for \"{pattern}\" formatting field"
            )));
        }
        let (value, used) = read_integer(&available);
        if used > 0 && used < available.len() {
            return Err(invalid_value(&available, pattern));
        }
        (value, used)
    };
    if used == 0 {
        return Err(invalid_value(rest, pattern));
    }
    if i32::try_from(value).is_err() {
        return Err(Error::InvalidDatetime(format!(
            "value for \"{pattern}\" in source string is out of range"
        )));
    }
    let digits = rest
        .get(..used)
        .map_or(0, |s| s.chars().filter(char::is_ascii_digit).count());
    scanner.advance_bytes(used);
    Ok((value, digits))
}

/// Matches the input against `names` case-insensitively; returns the index of the first match.
fn read_name(scanner: &mut Scanner<'_>, names: &[&str], pattern: &str) -> Result<usize> {
    let rest = scanner.rest();
    for (index, name) in names.iter().enumerate() {
        let matches = rest
            .get(..name.len())
            .is_some_and(|prefix| prefix.eq_ignore_ascii_case(name));
        if matches && !name.is_empty() {
            scanner.advance_bytes(name.len());
            return Ok(index);
        }
    }
    Err(invalid_value(rest, pattern))
}

/// Stores a parsed field, refusing a second, different value for it.
fn set_field(field: &mut i64, value: i64, pattern: &str) -> Result<()> {
    if *field != 0 && *field != value {
        return Err(Error::InvalidDatetime(format!(
            "conflicting values for \"{pattern}\" field in formatting string"
        )));
    }
    *field = value;
    Ok(())
}

/// PostgreSQL's rule for years with fewer than four digits: the one nearest to 2020.
fn adjust_partial_year(year: i64) -> i64 {
    match year {
        y if y < 70 => y + 2000,
        y if y < 100 => y + 1900,
        y if y < 520 => y + 2000,
        y if y < 1000 => y + 1000,
        y => y,
    }
}

/// True if the node after `index` is not a numeric pattern (so a number may be read greedily).
fn next_is_separator(nodes: &[Node<'_>], index: usize) -> bool {
    if let Some(Node::Field {
        ordinal: Some(_), ..
    }) = nodes.get(index)
    {
        return true;
    }
    match nodes.get(index + 1) {
        None => true,
        Some(Node::Field { key, .. }) => !key.is_numeric(),
        Some(Node::Literal(c)) => !c.is_ascii_digit(),
        Some(_) => true,
    }
}

/// Reads `input` according to `template` (PostgreSQL's `DCH_from_char`).
fn read_fields(input: &str, template: &str) -> Result<FromChar> {
    let nodes = parse_template(template);
    let mut out = FromChar::default();
    let mut scanner = Scanner { input, position: 0 };
    let mut fixed_format = false;
    let mut extra_skip: i64 = 0;
    for (index, node) in nodes.iter().enumerate() {
        if scanner.peek().is_none() {
            break;
        }
        let is_field = matches!(node, Node::Field { key, .. } if *key != Key::FixedFormat);
        if !fixed_format && (is_field || index == 0) {
            extra_skip += i64::try_from(scanner.skip_spaces()).unwrap_or(0);
        }
        match node {
            Node::Space(_) | Node::Separator(_) => {
                if fixed_format {
                    scanner.advance();
                } else {
                    extra_skip -= 1;
                    if scanner
                        .peek()
                        .is_some_and(|c| c.is_whitespace() || c.is_ascii_punctuation())
                    {
                        scanner.advance();
                        extra_skip += 1;
                    }
                }
            }
            Node::Literal(_) => {
                if !fixed_format && extra_skip > 0 {
                    extra_skip -= 1;
                } else {
                    scanner.advance();
                }
            }
            Node::Field {
                key,
                name,
                fill,
                ordinal,
            } => {
                if *key == Key::FixedFormat {
                    fixed_format = true;
                    continue;
                }
                read_field(
                    &mut scanner,
                    &mut out,
                    *key,
                    name,
                    *fill || next_is_separator(&nodes, index),
                    extra_skip,
                )?;
                if ordinal.is_some() {
                    scanner.advance();
                    scanner.advance();
                }
                if !fixed_format {
                    extra_skip = i64::try_from(scanner.skip_spaces()).unwrap_or(0);
                }
            }
        }
    }
    Ok(out)
}

/// Reads one pattern's value into `out`.
fn read_field(
    scanner: &mut Scanner<'_>,
    out: &mut FromChar,
    key: Key,
    name: &str,
    greedy: bool,
    extra_skip: i64,
) -> Result<()> {
    let calendar = key.calendar();
    if calendar != Calendar::Neither {
        match out.calendar {
            Some(existing) if existing != calendar => {
                return Err(Error::InvalidDatetime(
                    "invalid combination of date conventions".into(),
                ))
            }
            _ => out.calendar = Some(calendar),
        }
    }
    let integer =
        |scanner: &mut Scanner<'_>, width: usize| read_field_integer(scanner, width, greedy, name);
    let keyword_width = name.chars().count();
    match key {
        Key::Meridiem { dots, .. } => {
            let index = read_name(scanner, if dots { &MERIDIEM_DOTS } else { &MERIDIEM }, name)?;
            out.pm = index % 2 == 1;
            out.twelve_hour = true;
        }
        Key::Era { dots, .. } => {
            let index = read_name(scanner, if dots { &ERA_DOTS } else { &ERA }, name)?;
            out.bc = index % 2 == 1;
        }
        Key::Hour12 => {
            set_field(&mut out.hour, integer(scanner, 2)?.0, name)?;
            out.twelve_hour = true;
        }
        Key::Hour24 => set_field(&mut out.hour, integer(scanner, 2)?.0, name)?,
        Key::Minute => set_field(&mut out.minute, integer(scanner, 2)?.0, name)?,
        Key::Second => set_field(&mut out.second, integer(scanner, 2)?.0, name)?,
        Key::Millis => {
            let (value, digits) = integer(scanner, 3)?;
            let scale = match digits {
                1 => 100,
                2 => 10,
                _ => 1,
            };
            set_field(&mut out.millis, value * scale, name)?;
        }
        Key::Micros | Key::Fraction(_) => {
            let width = match key {
                Key::Fraction(n) => usize::from(n),
                _ => 6,
            };
            let (value, digits) = integer(scanner, width)?;
            let scale =
                10_i64.pow(u32::try_from(6_usize.saturating_sub(digits.max(1))).unwrap_or(0));
            set_field(&mut out.micros, value * scale, name)?;
        }
        Key::SecondsOfDay => set_field(
            &mut out.seconds_of_day,
            integer(scanner, keyword_width)?.0,
            name,
        )?,
        Key::TzName { .. } => {
            if scanner.peek().is_some_and(char::is_alphabetic) {
                read_name(scanner, &["UTC", "GMT", "Z"], name)?;
                out.tz_sign = 1;
            } else {
                read_offset(scanner, out, name, extra_skip, true)?;
            }
        }
        Key::TzOffset => read_offset(scanner, out, name, extra_skip, true)?,
        Key::TzHours => read_offset(scanner, out, name, extra_skip, false)?,
        Key::TzMinutes => {
            if out.tz_sign == 0 {
                out.tz_sign = 1;
            }
            out.tz_minutes = read_field_integer(scanner, 2, false, name)?.0;
        }
        Key::YearComma => {
            let (thousands, _) = read_integer(scanner.rest());
            let (_, used) = read_integer(scanner.rest());
            if used == 0 {
                return Err(Error::InvalidDatetime(
                    "invalid input string for \"Y,YYY\"".into(),
                ));
            }
            scanner.advance_bytes(used);
            if scanner.peek() != Some(',') {
                return Err(Error::InvalidDatetime(
                    "invalid input string for \"Y,YYY\"".into(),
                ));
            }
            scanner.advance();
            let (units, used) = read_integer(scanner.rest());
            if used == 0 {
                return Err(Error::InvalidDatetime(
                    "invalid input string for \"Y,YYY\"".into(),
                ));
            }
            scanner.advance_bytes(used);
            set_field(
                &mut out.year,
                thousands.saturating_mul(1000).saturating_add(units),
                name,
            )?;
            out.year_size = 4;
        }
        Key::Year(size) | Key::IsoYear(size) => {
            let (value, digits) = integer(scanner, usize::from(size))?;
            let value = if size < 4 && digits < 4 {
                adjust_partial_year(value)
            } else {
                value
            };
            set_field(&mut out.year, value, name)?;
            out.year_size = size;
        }
        Key::MonthName(_) => set_month(out, read_name(scanner, &MONTHS, name)?, name)?,
        Key::MonthAbbrev(_) => set_month(out, read_name(scanner, &MONTHS_SHORT, name)?, name)?,
        Key::MonthNumber => set_field(&mut out.month, integer(scanner, 2)?.0, name)?,
        Key::RomanMonth { .. } => {
            let index = read_name(scanner, &ROMAN_MONTHS, name)?;
            set_field(&mut out.month, 12 - i64::try_from(index).unwrap_or(0), name)?;
        }
        Key::DayName(_) => set_weekday(out, read_name(scanner, &DAYS, name)?, name)?,
        Key::DayAbbrev(_) => set_weekday(out, read_name(scanner, &DAYS_SHORT, name)?, name)?,
        Key::DayOfYear => set_field(
            &mut out.day_of_year,
            integer(scanner, keyword_width)?.0,
            name,
        )?,
        Key::IsoDayOfYear => set_field(&mut out.day_of_year, integer(scanner, 3)?.0, name)?,
        Key::DayOfMonth => set_field(&mut out.day, integer(scanner, 2)?.0, name)?,
        Key::DayOfWeek => set_field(&mut out.weekday, integer(scanner, 1)?.0, name)?,
        Key::IsoDayOfWeek => {
            // Stored in the Gregorian numbering, Sunday = 1.
            let iso = integer(scanner, 1)?.0;
            set_field(
                &mut out.weekday,
                if iso + 1 > 7 { 1 } else { iso + 1 },
                name,
            )?;
        }
        Key::WeekOfYear | Key::IsoWeek => set_field(&mut out.week, integer(scanner, 2)?.0, name)?,
        Key::WeekOfMonth => set_field(&mut out.week_of_month, integer(scanner, 1)?.0, name)?,
        Key::Century => set_field(&mut out.century, integer(scanner, 2)?.0, name)?,
        Key::Julian => set_field(&mut out.julian, integer(scanner, 1)?.0, name)?,
        // The quarter is read but not used, as in PostgreSQL.
        Key::Quarter => {
            integer(scanner, 1)?;
        }
        Key::FixedFormat => {}
    }
    Ok(())
}

fn set_month(out: &mut FromChar, index: usize, name: &str) -> Result<()> {
    set_field(&mut out.month, i64::try_from(index).unwrap_or(0) + 1, name)
}

fn set_weekday(out: &mut FromChar, index: usize, name: &str) -> Result<()> {
    set_field(
        &mut out.weekday,
        i64::try_from(index).unwrap_or(0) + 1,
        name,
    )
}

/// Reads a time zone offset: `[+|-]HH` and, with `minutes`, an optional `:MM`.
fn read_offset(
    scanner: &mut Scanner<'_>,
    out: &mut FromChar,
    name: &str,
    extra_skip: i64,
    minutes: bool,
) -> Result<()> {
    match scanner.peek() {
        Some(sign @ ('+' | '-' | ' ')) => {
            out.tz_sign = if sign == '-' { -1 } else { 1 };
            scanner.advance();
        }
        // A minus may have been taken for a separator.
        _ => {
            out.tz_sign = if extra_skip > 0 && scanner.previous() == Some('-') {
                -1
            } else {
                1
            }
        }
    }
    out.tz_hours = read_field_integer(scanner, 2, false, name)?.0;
    if minutes && scanner.peek() == Some(':') {
        scanner.advance();
        out.tz_minutes = read_field_integer(scanner, 2, false, name)?.0;
    }
    Ok(())
}

/// The date and time `fields` describe (PostgreSQL's `do_to_timestamp`), and the time zone
/// offset east of UTC in seconds, if one was given.
fn assemble(fields: &FromChar, input: &str) -> Result<(NaiveDateTime, Option<i64>)> {
    let out_of_range =
        || Error::InvalidDatetime(format!("date/time field value out of range: \"{input}\""));
    let (mut hour, mut minute, mut second) = (0, 0, 0);
    if fields.seconds_of_day != 0 {
        hour = fields.seconds_of_day / 3600;
        minute = fields.seconds_of_day % 3600 / 60;
        second = fields.seconds_of_day % 60;
    }
    if fields.second != 0 {
        second = fields.second;
    }
    if fields.minute != 0 {
        minute = fields.minute;
    }
    if fields.hour != 0 {
        hour = fields.hour;
    }
    if fields.twelve_hour {
        if !(1..=12).contains(&hour) {
            return Err(Error::InvalidDatetime(format!(
                "hour \"{hour}\" is invalid for the 12-hour clock"
            )));
        }
        if fields.pm && hour < 12 {
            hour += 12;
        } else if !fields.pm && hour == 12 {
            hour = 0;
        }
    }

    // Astronomical year numbering (0 = 1 BC), like chrono.
    let mut year: i64 = 0;
    let mut century = fields.century;
    if fields.year != 0 {
        if century != 0 && fields.year_size <= 2 {
            if fields.bc {
                century = -century;
            }
            year = fields.year % 100;
            year = if year != 0 {
                if century >= 0 {
                    year + (century - 1) * 100
                } else {
                    (century + 1) * 100 - year + 1
                }
            } else {
                century * 100 + if century >= 0 { 0 } else { 1 }
            };
        } else {
            year = if fields.bc { -fields.year } else { fields.year };
            if year < 0 {
                year += 1;
            }
        }
    } else if century != 0 {
        if fields.bc {
            century = -century;
        }
        year = if century >= 0 {
            (century - 1) * 100 + 1
        } else {
            century * 100 + 1
        };
    }
    let year_i32 = i32::try_from(year).map_err(|_| out_of_range())?;

    let mut month = 1;
    let mut day = 1;
    let mut date: Option<NaiveDate> = None;
    let mut day_of_year = fields.day_of_year;
    let iso = fields.calendar == Some(Calendar::Iso);
    if fields.julian != 0 {
        let from_ce = i32::try_from(fields.julian - 1_721_425).map_err(|_| out_of_range())?;
        date = Some(NaiveDate::from_num_days_from_ce_opt(from_ce).ok_or_else(out_of_range)?);
    }
    if fields.week != 0 {
        if iso {
            let week = u32::try_from(fields.week).map_err(|_| out_of_range())?;
            let monday =
                NaiveDate::from_isoywd_opt(year_i32, 1, Weekday::Mon).ok_or_else(out_of_range)?;
            // Gregorian weekday numbering: Sunday = 1 is the last day of the ISO week.
            let offset = match fields.weekday {
                0 => 0,
                1 => 6,
                d => d - 2,
            };
            let days = (i64::from(week) - 1) * 7 + offset;
            date = Some(
                monday
                    .checked_add_signed(TimeDelta::days(days))
                    .ok_or_else(out_of_range)?,
            );
        } else {
            day_of_year = (fields.week - 1) * 7 + 1;
        }
    }
    let mut day_of_month = fields.day;
    if fields.week_of_month != 0 {
        day_of_month = (fields.week_of_month - 1) * 7 + 1;
    }
    if let Some(d) = date {
        year = i64::from(d.year());
        month = i64::from(d.month());
        day = i64::from(d.day());
    }
    if day_of_month != 0 {
        day = day_of_month;
    }
    if fields.month != 0 {
        month = fields.month;
    }
    if day_of_year != 0 && (month <= 1 || day <= 1) {
        if year == 0 && !fields.bc {
            return Err(Error::InvalidDatetime(
                "cannot calculate day of year without year information".into(),
            ));
        }
        let year_i32 = i32::try_from(year).map_err(|_| out_of_range())?;
        let first = if iso {
            NaiveDate::from_isoywd_opt(year_i32, 1, Weekday::Mon)
        } else {
            NaiveDate::from_ymd_opt(year_i32, 1, 1)
        }
        .ok_or_else(out_of_range)?;
        let d = first
            .checked_add_signed(TimeDelta::days(day_of_year - 1))
            .ok_or_else(out_of_range)?;
        if iso {
            (year, month, day) = (
                i64::from(d.year()),
                i64::from(d.month()),
                i64::from(d.day()),
            );
        } else {
            if month <= 1 {
                month = i64::from(d.month());
            }
            if day <= 1 {
                day = i64::from(d.day());
            }
        }
    }
    let micros = fields.millis * 1000 + fields.micros;

    let year = i32::try_from(year).map_err(|_| out_of_range())?;
    let month_u = u32::try_from(month).map_err(|_| out_of_range())?;
    let day_u = u32::try_from(day).map_err(|_| out_of_range())?;
    if !(1..=12).contains(&month_u) || i64::from(day_u) > days_in_month(year, month_u) {
        return Err(out_of_range());
    }
    let date = NaiveDate::from_ymd_opt(year, month_u, day_u).ok_or_else(out_of_range)?;
    let time = (|| {
        let h = u32::try_from(hour).ok().filter(|h| *h < 24)?;
        let m = u32::try_from(minute).ok().filter(|m| *m < 60)?;
        let s = u32::try_from(second).ok().filter(|s| *s < 60)?;
        let us = u32::try_from(micros).ok().filter(|us| *us < 1_000_000)?;
        NaiveTime::from_hms_micro_opt(h, m, s, us)
    })()
    .ok_or_else(out_of_range)?;
    let offset = (fields.tz_sign != 0)
        .then(|| fields.tz_sign * (fields.tz_hours * 3600 + fields.tz_minutes * 60));
    Ok((date.and_time(time), offset))
}

fn to_date(args: &[Value], _: &super::EvalContext) -> Result<Value> {
    let input = text(args, 0)?;
    let fields = read_fields(&input, &text(args, 1)?)?;
    let (datetime, _) = assemble(&fields, &input)?;
    Ok(Value::Date(datetime.date()))
}

fn to_timestamp(args: &[Value], _: &super::EvalContext) -> Result<Value> {
    let input = text(args, 0)?;
    let fields = read_fields(&input, &text(args, 1)?)?;
    let (local, offset) = assemble(&fields, &input)?;
    let utc = local
        .checked_sub_signed(TimeDelta::seconds(offset.unwrap_or(0)))
        .ok_or_else(|| Error::InvalidDatetime("timestamp out of range".into()))?;
    Ok(Value::TimestampTz(
        DateTime::<Utc>::from_naive_utc_and_offset(utc, Utc),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{
        call, date, iv, naive, sample_timestamp as sample, text as t, to_char as fmt, ts,
    };
    use super::*;

    #[test]
    fn to_char_numeric_patterns() {
        let s = sample();
        assert_eq!(
            fmt(s.clone(), "YYYY-MM-DD HH24:MI:SS"),
            "2001-02-16 20:38:40"
        );
        assert_eq!(fmt(s.clone(), "HH12:MI AM"), "08:38 PM");
        assert_eq!(fmt(s.clone(), "HH:MI a.m."), "08:38 p.m.");
        assert_eq!(fmt(ts(2001, 2, 16, 0, 5, 0, 0), "HH12 PM pm"), "12 AM am");
        assert_eq!(
            fmt(s.clone(), "MS US FF1 FF3 FF6"),
            "123 123456 1 123 123456"
        );
        assert_eq!(fmt(s.clone(), "SSSS"), "74320");
        assert_eq!(fmt(s.clone(), "Y,YYY YYY YY Y"), "2,001 001 01 1");
        assert_eq!(
            fmt(s.clone(), "DDD D ID W WW IW Q CC J"),
            "047 6 5 3 07 07 1 21 2451957"
        );
        assert_eq!(fmt(s.clone(), "IYYY IDDD"), "2001 047");
        assert_eq!(
            fmt(ts(2006, 1, 1, 0, 0, 0, 0), "IYYY-IW-ID IDDD YYYY"),
            "2005-52-7 364 2006"
        );
        assert_eq!(fmt(s.clone(), "RM rm"), "II   ii  ");
        assert_eq!(fmt(s, "FMRM"), "II");
    }

    #[test]
    fn to_char_names_and_fill_mode() {
        let s = sample();
        assert_eq!(
            fmt(s.clone(), "Month|MONTH|month"),
            "February |FEBRUARY |february "
        );
        assert_eq!(fmt(s.clone(), "FMMonth FMDay"), "February Friday");
        assert_eq!(
            fmt(s.clone(), "Mon MON mon Dy DY dy"),
            "Feb FEB feb Fri FRI fri"
        );
        assert_eq!(fmt(s.clone(), "Day,"), "Friday   ,");
        assert_eq!(fmt(s.clone(), "FMDD FMMM FMHH24"), "16 2 20");
        assert_eq!(
            fmt(ts(2001, 2, 3, 4, 5, 6, 0), "FMDD/FMMM FMHH12:MI"),
            "3/2 4:05"
        );
        assert_eq!(fmt(s.clone(), "TMMonth"), "February ");
    }

    #[test]
    fn to_char_ordinals_literals_and_eras() {
        let s = sample();
        assert_eq!(fmt(s.clone(), "DDth DDTH"), "16th 16TH");
        assert_eq!(fmt(ts(2001, 2, 1, 0, 0, 0, 0), "FMDDth"), "1st");
        assert_eq!(fmt(ts(2001, 2, 2, 0, 0, 0, 0), "FMDDth"), "2nd");
        assert_eq!(fmt(ts(2001, 2, 3, 0, 0, 0, 0), "FMDDth"), "3rd");
        assert_eq!(fmt(ts(2001, 2, 11, 0, 0, 0, 0), "FMDDth"), "11th");
        assert_eq!(fmt(ts(2001, 2, 22, 0, 0, 0, 0), "FMDDth"), "22nd");
        assert_eq!(
            fmt(s.clone(), "\"Year\" YYYY \"\\\"q\\\"\""),
            "Year 2001 \"q\""
        );
        assert_eq!(fmt(s.clone(), "YYYY \\\"x"), "2001 \"x");
        assert_eq!(fmt(s.clone(), "BC AD b.c."), "AD AD a.d.");
        assert_eq!(fmt(ts(0, 3, 1, 0, 0, 0, 0), "YYYY BC CC"), "0001 BC -01");
        assert_eq!(fmt(ts(-99, 3, 1, 0, 0, 0, 0), "YYYY B.C."), "0100 B.C.");
        assert_eq!(fmt(ts(999, 3, 1, 0, 0, 0, 0), "YYYY CC"), "0999 10");
        assert_eq!(fmt(ts(12345, 3, 1, 0, 0, 0, 0), "YYYY"), "12345");
    }

    #[test]
    fn to_char_time_zones() {
        let tz = Value::TimestampTz(naive(2001, 2, 16, 20, 38, 40, 0).and_utc());
        assert_eq!(
            fmt(tz.clone(), "HH24 TZ tz OF TZH:TZM"),
            "20 UTC utc +00 +00:00"
        );
        assert_eq!(fmt(sample(), "HH24 TZ|"), "20 |");
        // A date is formatted as the midnight of its day.
        assert_eq!(fmt(date(2024, 3, 5), "YYYY-MM-DD HH24"), "2024-03-05 00");
        assert_eq!(call("to_char", &[sample(), t("")]).unwrap(), Value::Null);
    }

    #[test]
    fn to_char_intervals() {
        let hour = 3_600_000_000;
        let value = iv(14, 3, 25 * hour + 61_500_000);
        assert_eq!(
            fmt(value.clone(), "YYYY MM DD HH24:MI:SS.MS"),
            "0001 02 03 25:01:01.500"
        );
        assert_eq!(fmt(value.clone(), "HH12 DDD"), "01 423");
        let negative = iv(0, 0, -(2 * hour));
        assert_eq!(fmt(negative, "HH24:MI"), "-02:00");
        let err = call("to_char", &[value, t("Month")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid format specification for an interval value"
        );
    }

    fn parse_date(input: &str, template: &str) -> Result<Value> {
        call("to_date", &[t(input), t(template)])
    }

    fn parse_ts(input: &str, template: &str) -> Result<Value> {
        call("to_timestamp", &[t(input), t(template)])
    }

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, us: u32) -> Value {
        Value::TimestampTz(naive(y, mo, d, h, mi, s, us).and_utc())
    }

    #[test]
    fn to_date_reads_common_templates() {
        let cases = [
            ("2024-03-05", "YYYY-MM-DD", (2024, 3, 5)),
            ("05 Dec 2000", "DD Mon YYYY", (2000, 12, 5)),
            ("05 december 2000", "DD Month YYYY", (2000, 12, 5)),
            ("20240305", "YYYYMMDD", (2024, 3, 5)),
            ("2024/3/5", "YYYY-MM-DD", (2024, 3, 5)),
            ("  2024  3 5", "YYYY MM DD", (2024, 3, 5)),
            ("5.3.24", "DD.MM.YY", (2024, 3, 5)),
            ("5.3.95", "DD.MM.YY", (1995, 3, 5)),
            ("2024 060", "YYYY DDD", (2024, 2, 29)),
            ("2451545", "J", (2000, 1, 1)),
            ("2,024-01-02", "Y,YYY-MM-DD", (2024, 1, 2)),
            ("0044-03-15 BC", "YYYY-MM-DD BC", (-43, 3, 15)),
            ("2024-III-05", "YYYY-RM-DD", (2024, 3, 5)),
            ("2024-W10-2", "IYYY-\"W\"IW-ID", (2024, 3, 5)),
            ("1st March 2024", "DDth FMMonth YYYY", (2024, 3, 1)),
            ("Tuesday 2024-03-05", "Day YYYY-MM-DD", (2024, 3, 5)),
            ("21 05", "CC YY", (2005, 1, 1)),
        ];
        for (input, template, (y, m, d)) in cases {
            assert_eq!(
                parse_date(input, template).unwrap(),
                date(y, m, d),
                "{input} / {template}"
            );
        }
    }

    #[test]
    fn to_date_rejects_bad_input() {
        let err = parse_date("2024-13-01", "YYYY-MM-DD").unwrap_err();
        assert_eq!(
            err.to_string(),
            "date/time field value out of range: \"2024-13-01\""
        );
        assert!(parse_date("2023-02-29", "YYYY-MM-DD").is_err());
        let err = parse_date("2024-xx-01", "YYYY-MM-DD").unwrap_err();
        assert_eq!(err.to_string(), "invalid value \"xx-01\" for \"MM\"");
        assert!(parse_date("05 Foo 2000", "DD Mon YYYY").is_err());
        assert!(parse_date("202", "YYYYMMDD").is_err());
        assert_eq!(parse_date("2024031", "YYYYMMDD").unwrap(), date(2024, 3, 1));
        assert!(parse_date("060", "DDD").is_err());
        assert!(parse_date("2024 Mar 04", "YYYY MM DD").is_err());
        assert!(parse_date("2024-W10-2 03", "IYYY-\"W\"IW-ID MM").is_err());
        let err = parse_date("2024 3 4", "YYYY MM MM").unwrap_err();
        assert_eq!(
            err.to_string(),
            "conflicting values for \"MM\" field in formatting string"
        );
        assert!(parse_date("99999999999", "YYYY").is_err());
    }

    #[test]
    fn to_timestamp_reads_times_and_zones() {
        let cases = [
            (
                "2024-03-05 14:30:15",
                "YYYY-MM-DD HH24:MI:SS",
                (2024, 3, 5, 14, 30, 15, 0),
            ),
            (
                "2024-03-05 02:30 PM",
                "YYYY-MM-DD HH:MI AM",
                (2024, 3, 5, 14, 30, 0, 0),
            ),
            (
                "2024-03-05 12:30 a.m.",
                "YYYY-MM-DD HH12:MI a.m.",
                (2024, 3, 5, 0, 30, 0, 0),
            ),
            (
                "2024-03-05 10:00:00.5",
                "YYYY-MM-DD HH24:MI:SS.MS",
                (2024, 3, 5, 10, 0, 0, 500_000),
            ),
            ("10:00:00.000123", "HH24:MI:SS.US", (0, 1, 1, 10, 0, 0, 123)),
            (
                "10:00:00.12",
                "HH24:MI:SS.FF3",
                (0, 1, 1, 10, 0, 0, 120_000),
            ),
            (
                "2024-03-05 10:00 +02",
                "YYYY-MM-DD HH24:MI TZH",
                (2024, 3, 5, 8, 0, 0, 0),
            ),
            (
                "2024-03-05 10:00 -05:30",
                "YYYY-MM-DD HH24:MI OF",
                (2024, 3, 5, 15, 30, 0, 0),
            ),
            (
                "2024-03-05 10:00 UTC",
                "YYYY-MM-DD HH24:MI TZ",
                (2024, 3, 5, 10, 0, 0, 0),
            ),
            ("37800", "SSSS", (0, 1, 1, 10, 30, 0, 0)),
        ];
        for (input, template, (y, mo, d, h, mi, s, us)) in cases {
            assert_eq!(
                parse_ts(input, template).unwrap(),
                utc(y, mo, d, h, mi, s, us),
                "{input} / {template}"
            );
        }
        let err = parse_ts("13:00 PM", "HH:MI PM").unwrap_err();
        assert_eq!(
            err.to_string(),
            "hour \"13\" is invalid for the 12-hour clock"
        );
        assert!(parse_ts("25:00", "HH24:MI").is_err());
        assert!(parse_ts("2024-03-05 10:00 XYZ", "YYYY-MM-DD HH24:MI TZ").is_err());
    }

    #[test]
    fn round_trips_through_to_char() {
        let template = "YYYY-MM-DD HH24:MI:SS.US";
        let formatted = fmt(sample(), template);
        assert_eq!(
            parse_ts(&formatted, template).unwrap(),
            utc(2001, 2, 16, 20, 38, 40, 123_456)
        );
    }

    #[test]
    fn templates_parse_into_nodes() {
        let nodes = parse_template("FMHH24th:\"a\"x ");
        assert_eq!(
            nodes,
            vec![
                Node::Field {
                    key: Key::Hour24,
                    name: "HH24",
                    fill: true,
                    ordinal: Some(false)
                },
                Node::Separator(':'),
                Node::Literal('a'),
                Node::Literal('x'),
                Node::Space(' '),
            ]
        );
        assert_eq!(read_integer("  -42x"), (-42, 5));
        assert_eq!(read_integer("x"), (0, 0));
        assert_eq!(adjust_partial_year(69), 2069);
        assert_eq!(adjust_partial_year(70), 1970);
        assert_eq!(adjust_partial_year(519), 2519);
        assert_eq!(adjust_partial_year(520), 1520);
    }
}

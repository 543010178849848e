//! The date/time template language: the English names, the pattern table and its lookup, and
//! [`parse_template`], which turns a template into [`Node`]s for formatting and parsing alike.

use crate::functions::template::{literal_text, longest_keyword};

pub(super) const MONTHS: [&str; 12] = [
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
pub(super) const MONTHS_SHORT: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
pub(super) const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
pub(super) const DAYS_SHORT: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
/// Roman month numerals, December first (PostgreSQL's order, which parsing relies on).
pub(super) const ROMAN_MONTHS: [&str; 12] = [
    "XII", "XI", "X", "IX", "VIII", "VII", "VI", "V", "IV", "III", "II", "I",
];
pub(super) const MERIDIEM: [&str; 4] = ["am", "pm", "AM", "PM"];
pub(super) const MERIDIEM_DOTS: [&str; 4] = ["a.m.", "p.m.", "A.M.", "P.M."];
pub(super) const ERA: [&str; 4] = ["ad", "bc", "AD", "BC"];
pub(super) const ERA_DOTS: [&str; 4] = ["a.d.", "b.c.", "A.D.", "B.C."];

/// How a name is capitalised: `MONTH`, `Month` or `month`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Letters {
    Upper,
    Capitalized,
    Lower,
}

impl Letters {
    pub(super) fn apply(self, name: &str) -> String {
        match self {
            Letters::Upper => name.to_uppercase(),
            Letters::Capitalized => name.to_string(),
            Letters::Lower => name.to_lowercase(),
        }
    }
}

/// A template pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Key {
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
pub(super) enum Calendar {
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
    pub(super) fn is_numeric(self) -> bool {
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

    pub(super) fn calendar(self) -> Calendar {
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
pub(super) enum Node<'a> {
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
pub(super) fn parse_template(template: &str) -> Vec<Node<'_>> {
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
        rest = literal_text(rest, |c, quoted| {
            nodes.push(if quoted {
                Node::Literal(c)
            } else if c.is_ascii_punctuation() {
                Node::Separator(c)
            } else if c.is_whitespace() {
                Node::Space(c)
            } else {
                Node::Literal(c)
            });
        });
    }
    nodes
}

//! The reading half of `to_date`/`to_timestamp` (PostgreSQL's `DCH_from_char`): walks the
//! template over the input and collects each pattern's value into [`FromChar`].

use super::patterns::{
    parse_template, Calendar, Key, Node, DAYS, DAYS_SHORT, ERA, ERA_DOTS, MERIDIEM, MERIDIEM_DOTS,
    MONTHS, MONTHS_SHORT, ROMAN_MONTHS,
};
use super::scanner::{read_field_integer, read_integer, read_name, Scanner};
use crate::error::{Error, Result};

/// The fields read from the input by `to_date`/`to_timestamp`; zero means "not given", as in
/// PostgreSQL.
#[derive(Default)]
pub(super) struct FromChar {
    pub(super) calendar: Option<Calendar>,
    pub(super) year: i64,
    pub(super) year_size: u8,
    pub(super) bc: bool,
    pub(super) century: i64,
    pub(super) month: i64,
    pub(super) day: i64,
    pub(super) day_of_year: i64,
    pub(super) week: i64,
    pub(super) week_of_month: i64,
    pub(super) weekday: i64,
    pub(super) hour: i64,
    pub(super) twelve_hour: bool,
    pub(super) pm: bool,
    pub(super) minute: i64,
    pub(super) second: i64,
    pub(super) seconds_of_day: i64,
    pub(super) millis: i64,
    pub(super) micros: i64,
    pub(super) julian: i64,
    pub(super) tz_sign: i64,
    pub(super) tz_hours: i64,
    pub(super) tz_minutes: i64,
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
pub(super) fn adjust_partial_year(year: i64) -> i64 {
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
pub(super) fn read_fields(input: &str, template: &str) -> Result<FromChar> {
    let nodes = parse_template(template);
    let mut out = FromChar::default();
    let mut scanner = Scanner::new(input);
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
            set_field(&mut out.year, read_year_comma(scanner)?, name)?;
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

/// Reads `Y,YYY`: the thousands, a comma, then the rest of the year.
fn read_year_comma(scanner: &mut Scanner<'_>) -> Result<i64> {
    let invalid = || Error::InvalidDatetime("invalid input string for \"Y,YYY\"".into());
    let number = |scanner: &mut Scanner<'_>| {
        let (value, used) = read_integer(scanner.rest());
        if used == 0 {
            return Err(invalid());
        }
        scanner.advance_bytes(used);
        Ok(value)
    };
    let thousands = number(scanner)?;
    if scanner.peek() != Some(',') {
        return Err(invalid());
    }
    scanner.advance();
    let units = number(scanner)?;
    Ok(thousands.saturating_mul(1000).saturating_add(units))
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

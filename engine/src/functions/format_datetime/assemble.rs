//! The date, time and offset that the fields read by `to_date`/`to_timestamp` describe
//! (PostgreSQL's `do_to_timestamp`).

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Weekday};

use super::from_char::FromChar;
use super::patterns::Calendar;
use crate::error::{Error, Result};
use crate::functions::datetime::days_in_month;

/// The date and time `fields` describe (PostgreSQL's `do_to_timestamp`), and the time zone
/// offset east of UTC in seconds, if one was given.
pub(super) fn assemble(fields: &FromChar, input: &str) -> Result<(NaiveDateTime, Option<i64>)> {
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

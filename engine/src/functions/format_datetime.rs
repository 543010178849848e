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

mod assemble;
mod from_char;
mod patterns;
mod scanner;
mod to_char;

#[cfg(test)]
mod tests;

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};

use super::args::{interval, text, timestamp, timestamptz};
use super::signature::Ty::{Date as DateTy, Interval as IntervalTy, Text, Timestamp, TimestampTz};
use super::signature::{fixed, FunctionDef};
use super::EvalContext;
use crate::error::{Error, Result};
use crate::types::Value;
use assemble::assemble;
use from_char::read_fields;
use to_char::{format_value, Parts};

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

/// The date and time `to_date`/`to_timestamp` read from their text argument with their
/// template, and the time zone offset east of UTC in seconds, if one was given.
fn read_datetime(args: &[Value]) -> Result<(NaiveDateTime, Option<i64>)> {
    let input = text(args, 0)?;
    let fields = read_fields(&input, &text(args, 1)?)?;
    assemble(&fields, &input)
}

fn to_date(args: &[Value], _: &EvalContext) -> Result<Value> {
    let (datetime, _) = read_datetime(args)?;
    Ok(Value::Date(datetime.date()))
}

fn to_timestamp(args: &[Value], _: &EvalContext) -> Result<Value> {
    let (local, offset) = read_datetime(args)?;
    let utc = local
        .checked_sub_signed(TimeDelta::seconds(offset.unwrap_or(0)))
        .ok_or_else(|| Error::InvalidDatetime("timestamp out of range".into()))?;
    Ok(Value::TimestampTz(
        DateTime::<Utc>::from_naive_utc_and_offset(utc, Utc),
    ))
}

//! Date/time functions: the current time, `age`, `make_date`/`make_time`/`make_timestamp`,
//! `justify_*`, `date_bin`, `isfinite` and `to_timestamp(epoch)`.
//!
//! The session time zone is UTC: `timestamptz` values are read and built in UTC, and
//! `current_date` is the UTC date of the transaction start. As in PostgreSQL, `now()`,
//! `current_timestamp` and `transaction_timestamp()` are the transaction's start time,
//! `statement_timestamp()` the statement's and `clock_timestamp()` the real time; all are marked
//! volatile so a prepared statement never folds them into a constant. `current_time` and
//! `localtime` return `time without time zone` (tether has no `timetz`).
//! `unit`-taking functions (`date_trunc`, `date_part`, `extract`) are in `datetime_fields.rs`.

use std::ops::{AddAssign, Div, Mul, SubAssign};

use chrono::{
    DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, SubsecRound, TimeDelta, Timelike, Utc,
};

use super::args::{float64, int32, interval, optional, timestamp};
use super::signature::Ty::{
    Bool, Date, Float64, Int32, Interval as IntervalTy, Time, Timestamp, TimestampTz,
};
use super::signature::{fixed, FunctionDef};
use super::EvalContext;
use crate::error::{Error, Result};
use crate::types::datetime::Interval;
use crate::types::Value;

const MICROS_PER_SECOND: i64 = 1_000_000;
const MICROS_PER_DAY: i64 = 86_400 * MICROS_PER_SECOND;
const DAYS_PER_MONTH: i32 = 30;

/// The date/time functions.
pub(super) const FUNCTIONS: &[FunctionDef] = &[
    FunctionDef::new(
        &["now", "current_timestamp", "transaction_timestamp"],
        &[fixed(&[], TimestampTz, |_, ctx| {
            Ok(Value::TimestampTz(micros(ctx.transaction_time)))
        })],
    )
    .volatile(),
    FunctionDef::new(
        &["statement_timestamp"],
        &[fixed(&[], TimestampTz, |_, ctx| {
            Ok(Value::TimestampTz(micros(ctx.statement_time)))
        })],
    )
    .volatile(),
    FunctionDef::new(
        &["clock_timestamp"],
        &[fixed(&[], TimestampTz, |_, _| {
            Ok(Value::TimestampTz(micros(Utc::now())))
        })],
    )
    .volatile(),
    FunctionDef::new(
        &["current_date"],
        &[fixed(&[], Date, |_, ctx| {
            Ok(Value::Date(ctx.transaction_time.date_naive()))
        })],
    )
    .volatile(),
    FunctionDef::new(
        &["current_time", "localtime"],
        &[fixed(&[], Time, |_, ctx| {
            Ok(Value::Time(micros(ctx.transaction_time).time()))
        })],
    )
    .volatile(),
    FunctionDef::new(
        &["localtimestamp"],
        &[fixed(&[], Timestamp, |_, ctx| {
            Ok(Value::Timestamp(micros(ctx.transaction_time).naive_utc()))
        })],
    )
    .volatile(),
    // age(x) depends on current_date, so the whole function is volatile.
    FunctionDef::new(
        &["age"],
        &[
            fixed(&[TimestampTz, TimestampTz], IntervalTy, age),
            fixed(&[Timestamp, Timestamp], IntervalTy, age),
            fixed(&[TimestampTz], IntervalTy, age),
            fixed(&[Timestamp], IntervalTy, age),
        ],
    )
    .volatile(),
    FunctionDef::new(
        &["make_date"],
        &[fixed(&[Int32, Int32, Int32], Date, make_date)],
    ),
    FunctionDef::new(
        &["make_time"],
        &[fixed(&[Int32, Int32, Float64], Time, make_time)],
    ),
    FunctionDef::new(
        &["make_timestamp"],
        &[fixed(
            &[Int32, Int32, Int32, Int32, Int32, Float64],
            Timestamp,
            |a, _| make_timestamp(a).map(Value::Timestamp),
        )],
    ),
    FunctionDef::new(
        &["make_timestamptz"],
        &[fixed(
            &[Int32, Int32, Int32, Int32, Int32, Float64],
            TimestampTz,
            |a, _| make_timestamp(a).map(|t| Value::TimestampTz(t.and_utc())),
        )],
    ),
    FunctionDef::new(
        &["justify_days"],
        &[fixed(&[IntervalTy], IntervalTy, |a, _| {
            justify(a, justify_days)
        })],
    ),
    FunctionDef::new(
        &["justify_hours"],
        &[fixed(&[IntervalTy], IntervalTy, |a, _| {
            justify(a, justify_hours)
        })],
    ),
    FunctionDef::new(
        &["justify_interval"],
        &[fixed(&[IntervalTy], IntervalTy, |a, _| {
            justify(a, justify_interval)
        })],
    ),
    // Every value tether can store is finite.
    FunctionDef::new(
        &["isfinite"],
        &[
            fixed(&[TimestampTz], Bool, |_, _| Ok(Value::Bool(true))),
            fixed(&[Timestamp], Bool, |_, _| Ok(Value::Bool(true))),
            fixed(&[Date], Bool, |_, _| Ok(Value::Bool(true))),
            fixed(&[IntervalTy], Bool, |_, _| Ok(Value::Bool(true))),
        ],
    ),
    FunctionDef::new(
        &["date_bin"],
        &[
            fixed(
                &[IntervalTy, TimestampTz, TimestampTz],
                TimestampTz,
                |a, _| date_bin(a).map(|t| Value::TimestampTz(t.and_utc())),
            ),
            fixed(&[IntervalTy, Timestamp, Timestamp], Timestamp, |a, _| {
                date_bin(a).map(Value::Timestamp)
            }),
        ],
    ),
    FunctionDef::new(
        &["to_timestamp"],
        &[fixed(&[Float64], TimestampTz, epoch_to_timestamp)],
    ),
];

/// Truncates to microseconds, PostgreSQL's resolution.
fn micros(time: DateTime<Utc>) -> DateTime<Utc> {
    time.trunc_subsecs(6)
}

fn interval_out_of_range() -> Error {
    Error::InvalidDatetime("interval out of range".into())
}

fn timestamp_out_of_range() -> Error {
    Error::InvalidDatetime("timestamp out of range".into())
}

/// Microseconds since 1970-01-01 00:00:00.
pub(super) fn epoch_micros(time: NaiveDateTime) -> i64 {
    time.and_utc().timestamp_micros()
}

/// Days in `month` (1-12) of `year` (astronomical numbering).
pub(super) fn days_in_month(year: i32, month: u32) -> i64 {
    let first = NaiveDate::from_ymd_opt(year, month, 1);
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    };
    match (first, next) {
        (Some(first), Some(next)) => (next - first).num_days(),
        _ => 31,
    }
}

/// `age(a, b)` or `age(a)` (= `age(current_date, a)`).
fn age(args: &[Value], ctx: &EvalContext) -> Result<Value> {
    let (later, earlier) = match optional(args, 1) {
        Some(_) => (timestamp(args, 0)?, timestamp(args, 1)?),
        None => (
            ctx.transaction_time.date_naive().and_time(NaiveTime::MIN),
            timestamp(args, 0)?,
        ),
    };
    age_between(later, earlier).map(Value::Interval)
}

/// PostgreSQL's `timestamp_age`: the field-wise difference in years, months, days and time,
/// borrowing from the next larger field (a borrowed month has the length of the earlier
/// timestamp's month), with the sign of `a - b`.
pub(super) fn age_between(a: NaiveDateTime, b: NaiveDateTime) -> Result<Interval> {
    let fields = |t: NaiveDateTime| {
        [
            i64::from(t.year()),
            i64::from(t.month()),
            i64::from(t.day()),
            i64::from(t.hour()),
            i64::from(t.minute()),
            i64::from(t.second()),
            i64::from(t.nanosecond() / 1000),
        ]
    };
    let negative = a < b;
    let sign = if negative { -1 } else { 1 };
    let mut difference = fields(a);
    for (field, other) in difference.iter_mut().zip(fields(b)) {
        *field = sign * (*field - other);
    }
    let [mut years, mut months, mut days, mut hours, mut minutes, mut seconds, mut micros] =
        difference;
    // The month whose length a borrowed month has: the earlier timestamp's.
    let borrow_from = if negative { a } else { b };
    while micros < 0 {
        micros += MICROS_PER_SECOND;
        seconds -= 1;
    }
    while seconds < 0 {
        seconds += 60;
        minutes -= 1;
    }
    while minutes < 0 {
        minutes += 60;
        hours -= 1;
    }
    while hours < 0 {
        hours += 24;
        days -= 1;
    }
    while days < 0 {
        days += days_in_month(borrow_from.year(), borrow_from.month());
        months -= 1;
    }
    while months < 0 {
        months += 12;
        years -= 1;
    }
    let total_months = sign * (years * 12 + months);
    let time = sign * ((((hours * 60) + minutes) * 60 + seconds) * MICROS_PER_SECOND + micros);
    Ok(Interval {
        months: i32::try_from(total_months).map_err(|_| interval_out_of_range())?,
        days: i32::try_from(sign * days).map_err(|_| interval_out_of_range())?,
        micros: time,
    })
}

fn date_out_of_range(year: i32, month: i32, day: i32) -> Error {
    Error::InvalidDatetime(format!(
        "date field value out of range: {year}-{month:02}-{day:02}"
    ))
}

/// A date from PostgreSQL's year numbering (no year 0; negative years are BC).
fn date_from_fields(year: i32, month: i32, day: i32) -> Result<NaiveDate> {
    let astronomical = match year {
        0 => return Err(date_out_of_range(year, month, day)),
        y if y < 0 => y + 1,
        y => y,
    };
    let (Ok(m), Ok(d)) = (u32::try_from(month), u32::try_from(day)) else {
        return Err(date_out_of_range(year, month, day));
    };
    NaiveDate::from_ymd_opt(astronomical, m, d).ok_or_else(|| date_out_of_range(year, month, day))
}

/// A time of day from hours, minutes and fractional seconds.
fn time_from_fields(hour: i32, minute: i32, seconds: f64) -> Result<NaiveTime> {
    let error = || {
        Error::InvalidDatetime(format!(
            "time field value out of range: {hour}:{minute:02}:{seconds:02}"
        ))
    };
    if !(0.0..60.0).contains(&seconds) {
        return Err(error());
    }
    // Exact: 0 <= seconds < 60, so the product is below 6e7.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let total_micros = (seconds * 1e6).round_ties_even() as u64;
    let (Ok(h), Ok(m)) = (u32::try_from(hour), u32::try_from(minute)) else {
        return Err(error());
    };
    let whole = u32::try_from(total_micros / 1_000_000).map_err(|_| error())?;
    let fraction = u32::try_from(total_micros % 1_000_000).map_err(|_| error())?;
    NaiveTime::from_hms_micro_opt(h, m, whole, fraction).ok_or_else(error)
}

fn make_date(args: &[Value], _: &EvalContext) -> Result<Value> {
    date_from_fields(int32(args, 0)?, int32(args, 1)?, int32(args, 2)?).map(Value::Date)
}

fn make_time(args: &[Value], _: &EvalContext) -> Result<Value> {
    time_from_fields(int32(args, 0)?, int32(args, 1)?, float64(args, 2)?).map(Value::Time)
}

fn make_timestamp(args: &[Value]) -> Result<NaiveDateTime> {
    let date = date_from_fields(int32(args, 0)?, int32(args, 1)?, int32(args, 2)?)?;
    let time = time_from_fields(int32(args, 3)?, int32(args, 4)?, float64(args, 5)?)?;
    Ok(date.and_time(time))
}

fn justify(args: &[Value], f: fn(Interval) -> Result<Interval>) -> Result<Value> {
    f(interval(args, 0)?).map(Value::Interval)
}

fn add_i32(a: i32, b: i64) -> Result<i32> {
    i64::from(a)
        .checked_add(b)
        .and_then(|sum| i32::try_from(sum).ok())
        .ok_or_else(interval_out_of_range)
}

/// Moves the whole `unit`s of `smaller` into `larger` (both keep their signs).
fn carry<T>(larger: &mut i32, smaller: &mut T, unit: T) -> Result<()>
where
    T: Copy + Div<Output = T> + Mul<Output = T> + SubAssign + Into<i64>,
{
    let whole = *smaller / unit;
    *smaller -= whole * unit;
    *larger = add_i32(*larger, whole.into())?;
    Ok(())
}

/// Borrows one of `larger` as `unit` of `smaller` when `smaller_sign` (the sign of what lies
/// below `larger`) is opposite to `larger`'s sign.
fn borrow<T>(larger: &mut i32, smaller: &mut T, unit: T, smaller_sign: i64)
where
    T: AddAssign + SubAssign,
{
    if *larger > 0 && smaller_sign < 0 {
        *smaller += unit;
        *larger -= 1;
    } else if *larger < 0 && smaller_sign > 0 {
        *smaller -= unit;
        *larger += 1;
    }
}

/// Borrows a month as 30 days where the months' sign is opposite to `below_sign`, the sign
/// of the rest of `value`.
fn borrow_month(value: &mut Interval, below_sign: i64) {
    borrow(
        &mut value.months,
        &mut value.days,
        DAYS_PER_MONTH,
        below_sign,
    );
}

/// Borrows a day as 24 hours where the days and the microseconds have opposite signs.
fn borrow_day(value: &mut Interval) {
    let micros_sign = value.micros.signum();
    borrow(
        &mut value.days,
        &mut value.micros,
        MICROS_PER_DAY,
        micros_sign,
    );
}

/// `justify_days`: whole 30-day periods become months.
fn justify_days(mut value: Interval) -> Result<Interval> {
    carry(&mut value.months, &mut value.days, DAYS_PER_MONTH)?;
    let days_sign = i64::from(value.days.signum());
    borrow_month(&mut value, days_sign);
    Ok(value)
}

/// `justify_hours`: whole 24-hour periods become days.
fn justify_hours(mut value: Interval) -> Result<Interval> {
    carry(&mut value.days, &mut value.micros, MICROS_PER_DAY)?;
    borrow_day(&mut value);
    Ok(value)
}

/// `justify_interval`: both adjustments, with all fields given the same sign.
fn justify_interval(mut value: Interval) -> Result<Interval> {
    if (value.days > 0 && value.micros > 0) || (value.days < 0 && value.micros < 0) {
        carry(&mut value.months, &mut value.days, DAYS_PER_MONTH)?;
    }
    carry(&mut value.days, &mut value.micros, MICROS_PER_DAY)?;
    carry(&mut value.months, &mut value.days, DAYS_PER_MONTH)?;
    let below_months_sign = match value.days {
        0 => value.micros.signum(),
        days => i64::from(days.signum()),
    };
    borrow_month(&mut value, below_months_sign);
    borrow_day(&mut value);
    Ok(value)
}

/// `date_bin(stride, source, origin)`: the start of the stride-long bin, counted from `origin`,
/// that contains `source`.
fn date_bin(args: &[Value]) -> Result<NaiveDateTime> {
    let stride = interval(args, 0)?;
    let source = timestamp(args, 1)?;
    let origin = timestamp(args, 2)?;
    if stride.months != 0 {
        return Err(Error::unsupported(
            "timestamps cannot be binned into intervals containing months or years",
        ));
    }
    let stride_micros = i64::from(stride.days)
        .checked_mul(MICROS_PER_DAY)
        .and_then(|days| days.checked_add(stride.micros))
        .ok_or_else(interval_out_of_range)?;
    if stride_micros <= 0 {
        return Err(Error::InvalidDatetime(
            "stride must be greater than zero".into(),
        ));
    }
    let difference = epoch_micros(source)
        .checked_sub(epoch_micros(origin))
        .ok_or_else(interval_out_of_range)?;
    // Round towards minus infinity, so sources before the origin land in the bin below.
    let offset = difference - difference.rem_euclid(stride_micros);
    origin
        .checked_add_signed(TimeDelta::microseconds(offset))
        .ok_or_else(timestamp_out_of_range)
}

/// `to_timestamp(seconds since 1970-01-01 UTC)`.
fn epoch_to_timestamp(args: &[Value], _: &EvalContext) -> Result<Value> {
    let seconds = float64(args, 0)?;
    if seconds.is_nan() {
        return Err(Error::InvalidDatetime("timestamp cannot be NaN".into()));
    }
    let micros = (seconds * 1e6).round_ties_even();
    if !micros.is_finite() || micros.abs() >= 9.2e18 {
        return Err(timestamp_out_of_range());
    }
    // In range by the check above.
    #[allow(clippy::cast_possible_truncation)]
    let micros = micros as i64;
    DateTime::from_timestamp_micros(micros)
        .map(Value::TimestampTz)
        .ok_or_else(timestamp_out_of_range)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{call, ctx, date, iv, naive, ts};
    use super::*;
    use crate::types::DataType;

    const HOUR: i64 = 3_600_000_000;

    #[test]
    fn current_time_functions_use_the_context() {
        let ctx = ctx();
        let start = micros(ctx.transaction_time);
        for name in ["now", "current_timestamp", "transaction_timestamp"] {
            assert_eq!(call(name, &[]).unwrap(), Value::TimestampTz(start));
        }
        assert_eq!(
            call("statement_timestamp", &[]).unwrap(),
            Value::TimestampTz(micros(ctx.statement_time))
        );
        assert_eq!(call("current_date", &[]).unwrap(), date(2024, 3, 15));
        assert_eq!(
            call("localtimestamp", &[]).unwrap(),
            ts(2024, 3, 15, 12, 30, 45, 123_456)
        );
        assert_eq!(
            call("current_time", &[]).unwrap(),
            Value::Time(naive(2024, 3, 15, 12, 30, 45, 123_456).time())
        );
        assert_eq!(
            call("localtime", &[]).unwrap(),
            call("current_time", &[]).unwrap()
        );
        match call("clock_timestamp", &[]).unwrap() {
            Value::TimestampTz(t) => assert!(t > start),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn age_normalises_like_postgres() {
        let age = |a: Value, b: Value| call("age", &[a, b]).unwrap();
        // PostgreSQL: age('2001-04-10', '1957-06-13') = 43 years 9 mons 27 days
        assert_eq!(
            age(ts(2001, 4, 10, 0, 0, 0, 0), ts(1957, 6, 13, 0, 0, 0, 0)),
            iv(43 * 12 + 9, 27, 0)
        );
        assert_eq!(
            age(ts(1957, 6, 13, 0, 0, 0, 0), ts(2001, 4, 10, 0, 0, 0, 0)),
            iv(-(43 * 12 + 9), -27, 0)
        );
        assert_eq!(
            age(ts(2024, 3, 1, 0, 0, 0, 0), ts(2024, 1, 31, 0, 0, 0, 0)),
            iv(1, 1, 0)
        );
        assert_eq!(
            age(
                ts(2024, 3, 1, 1, 0, 0, 0),
                ts(2024, 2, 28, 23, 30, 0, 500_000)
            ),
            iv(0, 1, HOUR + 29 * 60_000_000 + 59_500_000)
        );
        assert_eq!(
            age(ts(2024, 1, 1, 0, 0, 0, 0), ts(2024, 1, 1, 0, 0, 0, 0)),
            iv(0, 0, 0)
        );
        let later = Value::TimestampTz(naive(2024, 5, 1, 0, 0, 0, 0).and_utc());
        let earlier = Value::TimestampTz(naive(2023, 5, 1, 12, 0, 0, 0).and_utc());
        assert_eq!(age(later, earlier), iv(11, 30, 12 * HOUR));
        // age(x) measures from midnight of current_date (2024-03-15).
        assert_eq!(
            call("age", &[ts(2023, 3, 14, 0, 0, 0, 0)]).unwrap(),
            iv(12, 1, 0)
        );
        assert_eq!(call("age", &[date(2024, 3, 15)]).unwrap(), iv(0, 0, 0));
    }

    #[test]
    fn make_functions_validate_fields() {
        assert_eq!(
            call(
                "make_date",
                &[Value::Int32(2013), Value::Int32(7), Value::Int32(15)]
            )
            .unwrap(),
            date(2013, 7, 15)
        );
        assert_eq!(
            call(
                "make_date",
                &[Value::Int32(-44), Value::Int32(3), Value::Int32(15)]
            )
            .unwrap(),
            date(-43, 3, 15)
        );
        let err = call(
            "make_date",
            &[Value::Int32(2013), Value::Int32(2), Value::Int32(30)],
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "date field value out of range: 2013-02-30");
        assert_eq!(err.sqlstate(), "22007");
        assert!(call(
            "make_date",
            &[Value::Int32(0), Value::Int32(1), Value::Int32(1)]
        )
        .is_err());
        assert!(call(
            "make_date",
            &[Value::Int32(2000), Value::Int32(-1), Value::Int32(1)]
        )
        .is_err());
        assert_eq!(
            call(
                "make_time",
                &[Value::Int32(8), Value::Int32(15), Value::Float64(23.5)]
            )
            .unwrap(),
            Value::Time(naive(2000, 1, 1, 8, 15, 23, 500_000).time())
        );
        assert!(call(
            "make_time",
            &[Value::Int32(25), Value::Int32(0), Value::Float64(0.0)]
        )
        .is_err());
        assert!(call(
            "make_time",
            &[Value::Int32(1), Value::Int32(0), Value::Float64(60.0)]
        )
        .is_err());
        assert!(call(
            "make_time",
            &[Value::Int32(1), Value::Int32(0), Value::Float64(f64::NAN)]
        )
        .is_err());
        let args = [2013, 7, 15, 8, 15].map(Value::Int32);
        let mut with_seconds = args.to_vec();
        with_seconds.push(Value::Float64(23.5));
        assert_eq!(
            call("make_timestamp", &with_seconds).unwrap(),
            ts(2013, 7, 15, 8, 15, 23, 500_000)
        );
        assert_eq!(
            call("make_timestamptz", &with_seconds).unwrap(),
            Value::TimestampTz(naive(2013, 7, 15, 8, 15, 23, 500_000).and_utc())
        );
    }

    #[test]
    fn justify_functions() {
        let one = |name: &str, v: Value| call(name, &[v]).unwrap();
        assert_eq!(one("justify_days", iv(0, 35, 0)), iv(1, 5, 0));
        assert_eq!(one("justify_days", iv(1, -35, 0)), iv(0, -5, 0));
        assert_eq!(one("justify_days", iv(2, -35, 0)), iv(0, 25, 0));
        assert_eq!(
            one("justify_hours", iv(0, 0, 27 * HOUR)),
            iv(0, 1, 3 * HOUR)
        );
        assert_eq!(
            one("justify_hours", iv(0, 1, -3 * HOUR)),
            iv(0, 0, 21 * HOUR)
        );
        // PostgreSQL: justify_interval('1 mon -1 hour') = 29 days 23:00:00
        assert_eq!(
            one("justify_interval", iv(1, 0, -HOUR)),
            iv(0, 29, 23 * HOUR)
        );
        assert_eq!(
            one("justify_interval", iv(0, 0, 50 * 24 * HOUR)),
            iv(1, 20, 0)
        );
        assert!(call("justify_days", &[iv(i32::MAX, 60, 0)]).is_err());
    }

    #[test]
    fn isfinite_is_always_true() {
        assert_eq!(
            call("isfinite", &[date(2001, 2, 16)]).unwrap(),
            Value::Bool(true)
        );
        assert_eq!(call("isfinite", &[iv(0, 1, 0)]).unwrap(), Value::Bool(true));
    }

    #[test]
    fn date_bin_rounds_down_from_origin() {
        let bin = |source: Value, origin: Value| {
            call("date_bin", &[iv(0, 0, 15 * 60_000_000), source, origin]).unwrap()
        };
        assert_eq!(
            bin(ts(2020, 2, 11, 15, 44, 17, 0), ts(2001, 1, 1, 0, 0, 0, 0)),
            ts(2020, 2, 11, 15, 30, 0, 0)
        );
        assert_eq!(
            bin(ts(2020, 2, 11, 15, 44, 17, 0), ts(2001, 1, 1, 0, 2, 30, 0)),
            ts(2020, 2, 11, 15, 32, 30, 0)
        );
        assert_eq!(
            bin(ts(2000, 12, 31, 23, 59, 0, 0), ts(2001, 1, 1, 0, 0, 0, 0)),
            ts(2000, 12, 31, 23, 45, 0, 0)
        );
        let month = call(
            "date_bin",
            &[
                iv(1, 0, 0),
                ts(2020, 1, 1, 0, 0, 0, 0),
                ts(2020, 1, 1, 0, 0, 0, 0),
            ],
        );
        assert_eq!(month.unwrap_err().sqlstate(), "0A000");
        let zero = call(
            "date_bin",
            &[
                iv(0, 0, 0),
                ts(2020, 1, 1, 0, 0, 0, 0),
                ts(2020, 1, 1, 0, 0, 0, 0),
            ],
        );
        assert!(zero.is_err());
        assert_eq!(
            super::super::test_support::result_type(
                "date_bin",
                &[DataType::Interval, DataType::Timestamp, DataType::Timestamp]
            )
            .unwrap(),
            DataType::Timestamp
        );
    }

    #[test]
    fn epoch_to_timestamp_rounds_to_microseconds() {
        assert_eq!(
            call("to_timestamp", &[Value::Float64(1_284_352_323.5)]).unwrap(),
            Value::TimestampTz(naive(2010, 9, 13, 4, 32, 3, 500_000).and_utc())
        );
        assert_eq!(
            call("to_timestamp", &[Value::Int32(0)]).unwrap(),
            Value::TimestampTz(naive(1970, 1, 1, 0, 0, 0, 0).and_utc())
        );
        assert!(call("to_timestamp", &[Value::Float64(f64::NAN)]).is_err());
        assert!(call("to_timestamp", &[Value::Float64(f64::INFINITY)]).is_err());
        assert!(call("to_timestamp", &[Value::Float64(1e300)]).is_err());
    }

    #[test]
    fn days_in_month_handles_leap_years() {
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(1900, 2), 28);
        assert_eq!(days_in_month(2023, 12), 31);
    }
}

//! The [`Interval`] type (PostgreSQL's months / days / microseconds triple) and its arithmetic.
//! Text input and output live in `interval_text.rs`.

use crate::error::{Error, Result};

/// Microseconds in one second.
pub(crate) const MICROS_PER_SECOND: i64 = 1_000_000;
/// Microseconds in one minute.
pub(crate) const MICROS_PER_MINUTE: i64 = 60 * MICROS_PER_SECOND;
/// Microseconds in one hour.
pub(crate) const MICROS_PER_HOUR: i64 = 60 * MICROS_PER_MINUTE;
/// Microseconds in one day of 24 hours.
pub(crate) const MICROS_PER_DAY: i64 = 24 * MICROS_PER_HOUR;
/// Days per month when an interval's months must be compared with days (PostgreSQL's rule).
pub(crate) const DAYS_PER_MONTH: i64 = 30;

/// A span of time, stored like PostgreSQL's `interval`: whole months, whole days and
/// microseconds are kept apart because their lengths vary (a month has 28 to 31 days, a day 23
/// to 25 hours across daylight-saving changes).
///
/// The derived `Eq`/`Ord` compare the three fields structurally (`1 mon` != `30 days`). SQL
/// comparison, and the total order of [`Value`](crate::types::Value), use
/// [`Interval::span_micros`] instead, under which `1 mon` = `30 days` and `1 day` = `24:00:00`,
/// as in PostgreSQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Interval {
    /// Whole months (a year is 12 months).
    pub months: i32,
    /// Whole days.
    pub days: i32,
    /// Microseconds (may exceed a day and may be negative).
    pub micros: i64,
}

fn out_of_range() -> Error {
    Error::InvalidDatetime("interval out of range".into())
}

impl Interval {
    /// The zero interval, printed `00:00:00`.
    pub const ZERO: Interval = Interval {
        months: 0,
        days: 0,
        micros: 0,
    };

    /// Builds an interval from its three fields.
    pub const fn new(months: i32, days: i32, micros: i64) -> Interval {
        Interval {
            months,
            days,
            micros,
        }
    }

    /// An interval of only microseconds.
    pub const fn from_micros(micros: i64) -> Interval {
        Interval {
            months: 0,
            days: 0,
            micros,
        }
    }

    /// The length used to compare intervals: a month counts 30 days and a day 24 hours.
    pub fn span_micros(&self) -> i128 {
        let days = i128::from(self.months) * i128::from(DAYS_PER_MONTH) + i128::from(self.days);
        days * i128::from(MICROS_PER_DAY) + i128::from(self.micros)
    }

    /// Field-wise sum; 22008 "interval out of range" on overflow.
    pub fn checked_add(self, other: Interval) -> Result<Interval> {
        Ok(Interval {
            months: self
                .months
                .checked_add(other.months)
                .ok_or_else(out_of_range)?,
            days: self.days.checked_add(other.days).ok_or_else(out_of_range)?,
            micros: self
                .micros
                .checked_add(other.micros)
                .ok_or_else(out_of_range)?,
        })
    }

    /// Field-wise difference; 22008 "interval out of range" on overflow.
    pub fn checked_sub(self, other: Interval) -> Result<Interval> {
        self.checked_add(other.checked_neg()?)
    }

    /// The negated interval; 22008 "interval out of range" on overflow.
    pub fn checked_neg(self) -> Result<Interval> {
        Ok(Interval {
            months: self.months.checked_neg().ok_or_else(out_of_range)?,
            days: self.days.checked_neg().ok_or_else(out_of_range)?,
            micros: self.micros.checked_neg().ok_or_else(out_of_range)?,
        })
    }

    /// `interval * factor`, cascading fractional months into days and fractional days into
    /// time exactly as PostgreSQL's `interval_mul` does.
    pub fn mul_f64(self, factor: f64) -> Result<Interval> {
        self.scale(|x| x * factor)
    }

    /// `interval / divisor`; 22012 on division by zero. Mirrors PostgreSQL's `interval_div`.
    pub fn div_f64(self, divisor: f64) -> Result<Interval> {
        if divisor == 0.0 {
            return Err(Error::DivisionByZero);
        }
        self.scale(|x| x / divisor)
    }

    /// Applies `apply` (a multiplication or division) to every field, PostgreSQL style.
    fn scale(self, apply: impl Fn(f64) -> f64) -> Result<Interval> {
        let months_exact = apply(f64::from(self.months));
        let days_exact = apply(f64::from(self.days));
        let months = f64_to_i32(months_exact)?;
        let mut days = f64_to_i32(days_exact)?;

        let month_remainder_days = round_to_micro((months_exact - f64::from(months)) * 30.0);
        let mut sec_remainder = round_to_micro(
            (days_exact - f64::from(days) + month_remainder_days - month_remainder_days.trunc())
                * 86_400.0,
        );
        if sec_remainder.abs() >= 86_400.0 {
            let whole_days = (sec_remainder / 86_400.0).trunc();
            days = days
                .checked_add(f64_to_i32(whole_days)?)
                .ok_or_else(out_of_range)?;
            sec_remainder -= whole_days * 86_400.0;
        }
        days = days
            .checked_add(f64_to_i32(month_remainder_days.trunc())?)
            .ok_or_else(out_of_range)?;

        // Microseconds are integers below 2^63; the f64 product can only be rounded, not exact.
        #[allow(clippy::cast_precision_loss)]
        let micros_exact = apply(self.micros as f64) + sec_remainder * 1e6;
        let micros = micros_exact.round_ties_even();
        // 2^63: every float in [-2^63, 2^63) converts to an i64 exactly.
        const LIMIT: f64 = 9_223_372_036_854_775_808.0;
        if !(-LIMIT..LIMIT).contains(&micros) {
            return Err(out_of_range());
        }
        // In range by the check above.
        #[allow(clippy::cast_possible_truncation)]
        let micros = micros as i64;
        Ok(Interval {
            months,
            days,
            micros,
        })
    }

    /// An interval of `micros` microseconds expressed as whole days plus time, the way
    /// PostgreSQL reports the difference of two timestamps (`justify_hours`).
    pub fn justified_from_micros(micros: i64) -> Interval {
        let days = micros / MICROS_PER_DAY;
        let rest = micros % MICROS_PER_DAY;
        // |i64| / MICROS_PER_DAY is at most about 1.07e8, so this always fits an i32.
        let days = i32::try_from(days).unwrap_or(if days < 0 { i32::MIN } else { i32::MAX });
        Interval {
            months: 0,
            days,
            micros: rest,
        }
    }
}

/// Rounds to six decimal places, like PostgreSQL's `TSROUND`.
fn round_to_micro(value: f64) -> f64 {
    (value * 1e6).round_ties_even() / 1e6
}

fn f64_to_i32(value: f64) -> Result<i32> {
    if value.is_nan() || value < f64::from(i32::MIN) || value > f64::from(i32::MAX) {
        return Err(out_of_range());
    }
    // In range by the check above; truncation toward zero is intended.
    #[allow(clippy::cast_possible_truncation)]
    Ok(value as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_treats_month_as_thirty_days() {
        assert_eq!(
            Interval::new(1, 0, 0).span_micros(),
            Interval::new(0, 30, 0).span_micros()
        );
        assert_eq!(
            Interval::new(0, 1, 0).span_micros(),
            Interval::from_micros(MICROS_PER_DAY).span_micros()
        );
    }

    #[test]
    fn add_sub_neg_check_overflow() {
        let a = Interval::new(1, 2, 3);
        assert_eq!(a.checked_add(a).ok(), Some(Interval::new(2, 4, 6)));
        assert_eq!(a.checked_sub(a).ok(), Some(Interval::ZERO));
        assert!(Interval::new(i32::MIN, 0, 0).checked_neg().is_err());
        assert!(Interval::new(i32::MAX, 0, 0).checked_add(a).is_err());
    }

    #[test]
    fn multiply_cascades_fractions_like_postgres() {
        // '1 mon' * 1.5 = '1 mon 15 days'
        assert_eq!(
            Interval::new(1, 0, 0).mul_f64(1.5).ok(),
            Some(Interval::new(1, 15, 0))
        );
        // '1 day' * 1.5 = '1 day 12:00:00'
        assert_eq!(
            Interval::new(0, 1, 0).mul_f64(1.5).ok(),
            Some(Interval::new(0, 1, 12 * MICROS_PER_HOUR))
        );
        // '1 hour' / 4 = '00:15:00'
        assert_eq!(
            Interval::from_micros(MICROS_PER_HOUR).div_f64(4.0).ok(),
            Some(Interval::from_micros(15 * MICROS_PER_MINUTE))
        );
        assert_eq!(
            Interval::new(1, 0, 0).div_f64(0.0),
            Err(Error::DivisionByZero)
        );
        assert!(Interval::new(i32::MAX, 0, 0).mul_f64(2.0).is_err());
        assert!(Interval::new(1, 0, 0).mul_f64(f64::NAN).is_err());
    }

    #[test]
    fn justify_hours_splits_days() {
        assert_eq!(
            Interval::justified_from_micros(MICROS_PER_DAY + MICROS_PER_HOUR),
            Interval::new(0, 1, MICROS_PER_HOUR)
        );
        assert_eq!(
            Interval::justified_from_micros(-MICROS_PER_DAY - MICROS_PER_HOUR),
            Interval::new(0, -1, -MICROS_PER_HOUR)
        );
    }
}

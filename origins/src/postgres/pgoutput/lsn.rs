//! LSN text form: two hexadecimal halves `X/Y` meaning `(X << 32) | Y`, as `pg_lsn` prints and
//! as `START_REPLICATION` and `CREATE_REPLICATION_SLOT` use.

use super::DecodeError;

/// Parses `"16/B374D848"`: 1–8 hex digits (either case), `/`, 1–8 hex digits, nothing else —
/// the same rule as PostgreSQL's `pg_lsn` input. Leading zeros are fine, so the zero-padded
/// low half that newer PostgreSQL versions print (`16/0374D848`) parses too.
pub fn parse_lsn(text: &str) -> Result<u64, DecodeError> {
    let fail = |(offset, reason)| DecodeError::InvalidLsn {
        text: text.to_owned(),
        offset,
        reason,
    };
    let Some((high, low)) = text.split_once('/') else {
        return Err(fail((text.len(), "expected '/'")));
    };
    let high = half(high, 0).map_err(fail)?;
    let low = half(low, text.len() - low.len()).map_err(fail)?;
    Ok(u64::from(high) << 32 | u64::from(low))
}

/// Formats an LSN as PostgreSQL (before 18) prints it: `"16/B374D848"`, `"0/0"`.
pub fn format_lsn(lsn: u64) -> String {
    format!("{:X}/{:X}", lsn >> 32, lsn & 0xFFFF_FFFF)
}

/// One half of an LSN, starting at byte `offset` of the whole text.
fn half(digits: &str, offset: usize) -> Result<u32, (usize, &'static str)> {
    if digits.is_empty() {
        return Err((offset, "expected a hex digit"));
    }
    if let Some(i) = digits.bytes().position(|b| !b.is_ascii_hexdigit()) {
        return Err((offset + i, "not a hex digit"));
    }
    if digits.len() > 8 {
        return Err((offset + 8, "more than 8 hex digits"));
    }
    u32::from_str_radix(digits, 16).map_err(|_| (offset, "not a hex number"))
}

//! The single error type of the pgoutput decoder. Every variant says what was being read and
//! at which byte offset (counted from the start of the slice handed to the decoding function).

/// Why a replication payload, pgoutput message or LSN could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The input ended (or a declared length ran) past the end of the input.
    #[error("truncated {what} at byte {offset}: need {needed} bytes, {available} available")]
    Truncated {
        what: &'static str,
        offset: usize,
        needed: usize,
        available: usize,
    },
    /// A length or count field was negative.
    #[error("negative {what} {value} at byte {offset}")]
    NegativeLength {
        what: &'static str,
        value: i32,
        offset: usize,
    },
    /// A tag or enumerated byte had a value the protocol does not define (here).
    #[error("unexpected {what} {} at byte {offset}", show_byte(*.found))]
    BadTag {
        what: &'static str,
        found: u8,
        offset: usize,
    },
    /// A NUL-terminated string had no NUL before the end of the input.
    #[error("unterminated string for {what} starting at byte {offset}")]
    UnterminatedString { what: &'static str, offset: usize },
    /// Text that must be UTF-8 was not; `offset` is the first invalid byte.
    #[error("{what} is not valid UTF-8 at byte {offset}")]
    InvalidUtf8 { what: &'static str, offset: usize },
    /// A complete message was followed by extra bytes.
    #[error("{count} unexpected trailing bytes after {what} at byte {offset}")]
    TrailingBytes {
        what: &'static str,
        count: usize,
        offset: usize,
    },
    /// Text that is not an LSN of the form `X/Y` (1–8 hex digits each side).
    #[error("invalid LSN {text:?} at byte {offset}: {reason}")]
    InvalidLsn {
        text: String,
        offset: usize,
        reason: &'static str,
    },
}

/// `'B' (0x42)` for printable ASCII, `0x07` otherwise.
fn show_byte(b: u8) -> String {
    if b.is_ascii_graphic() {
        format!("'{}' ({b:#04x})", char::from(b))
    } else {
        format!("{b:#04x}")
    }
}

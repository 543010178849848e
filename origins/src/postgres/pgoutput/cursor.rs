//! A big-endian reader over a byte slice. Every read is bounds-checked and every failure names
//! the field being read and the byte offset (from the start of the slice) where it failed.

use super::DecodeError;

/// Reads big-endian integers, NUL-terminated strings and length-prefixed byte runs.
pub(super) struct Cursor<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    pub(super) fn new(buf: &'a [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    /// Offset of the next unread byte.
    pub(super) fn offset(&self) -> usize {
        self.pos
    }

    /// Bytes not yet read.
    pub(super) fn remaining(&self) -> usize {
        self.buf.len().saturating_sub(self.pos)
    }

    fn rest(&self) -> &'a [u8] {
        self.buf.get(self.pos..).unwrap_or_default()
    }

    /// The next `n` bytes.
    pub(super) fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], DecodeError> {
        let Some((head, _)) = self.rest().split_at_checked(n) else {
            return Err(self.truncated(what, n));
        };
        self.pos += n;
        Ok(head)
    }

    /// Everything not yet read.
    pub(super) fn take_rest(&mut self) -> &'a [u8] {
        let rest = self.rest();
        self.pos = self.buf.len();
        rest
    }

    fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], DecodeError> {
        let Some((head, _)) = self.rest().split_first_chunk::<N>() else {
            return Err(self.truncated(what, N));
        };
        self.pos += N;
        Ok(*head)
    }

    pub(super) fn u8(&mut self, what: &'static str) -> Result<u8, DecodeError> {
        self.array::<1>(what).map(|[b]| b)
    }

    pub(super) fn i16(&mut self, what: &'static str) -> Result<i16, DecodeError> {
        self.array(what).map(i16::from_be_bytes)
    }

    pub(super) fn i32(&mut self, what: &'static str) -> Result<i32, DecodeError> {
        self.array(what).map(i32::from_be_bytes)
    }

    pub(super) fn u32(&mut self, what: &'static str) -> Result<u32, DecodeError> {
        self.array(what).map(u32::from_be_bytes)
    }

    pub(super) fn i64(&mut self, what: &'static str) -> Result<i64, DecodeError> {
        self.array(what).map(i64::from_be_bytes)
    }

    pub(super) fn u64(&mut self, what: &'static str) -> Result<u64, DecodeError> {
        self.array(what).map(u64::from_be_bytes)
    }

    /// A NUL-terminated UTF-8 string (the terminator is consumed, not returned).
    pub(super) fn cstr(&mut self, what: &'static str) -> Result<String, DecodeError> {
        let start = self.pos;
        let rest = self.rest();
        let Some(nul) = rest.iter().position(|&b| b == 0) else {
            return Err(DecodeError::UnterminatedString {
                what,
                offset: start,
            });
        };
        let text = utf8(rest.get(..nul).unwrap_or_default(), what, start)?;
        self.pos += nul + 1;
        Ok(text.to_owned())
    }

    /// An Int32 length followed by that many bytes. The length is checked against the bytes
    /// actually present before anything is sliced or allocated.
    pub(super) fn len_prefixed(&mut self, what: &'static str) -> Result<&'a [u8], DecodeError> {
        let len = self.count32(what)?;
        self.take(len, what)
    }

    /// An Int32 length followed by that many bytes of UTF-8 text, borrowed.
    pub(super) fn len_prefixed_str(&mut self, what: &'static str) -> Result<&'a str, DecodeError> {
        let len = self.count32(what)?;
        let start = self.pos;
        utf8(self.take(len, what)?, what, start)
    }

    /// A non-negative Int16 count.
    pub(super) fn count16(&mut self, what: &'static str) -> Result<usize, DecodeError> {
        let offset = self.pos;
        let n = self.i16(what)?;
        usize::try_from(n).map_err(|_| DecodeError::NegativeLength {
            what,
            value: n.into(),
            offset,
        })
    }

    /// A non-negative Int32 count or length.
    pub(super) fn count32(&mut self, what: &'static str) -> Result<usize, DecodeError> {
        let offset = self.pos;
        let n = self.i32(what)?;
        usize::try_from(n).map_err(|_| DecodeError::NegativeLength {
            what,
            value: n,
            offset,
        })
    }

    /// A safe `Vec` capacity for `n` declared items of at least `min_item_len` bytes each: never
    /// more items than the remaining bytes could hold, so a forged count cannot force a large
    /// allocation.
    pub(super) fn capacity_for(&self, n: usize, min_item_len: usize) -> usize {
        n.min(self.remaining() / min_item_len.max(1))
    }

    /// Succeeds only if every byte has been read.
    pub(super) fn finish(&self, what: &'static str) -> Result<(), DecodeError> {
        match self.remaining() {
            0 => Ok(()),
            count => Err(DecodeError::TrailingBytes {
                what,
                count,
                offset: self.pos,
            }),
        }
    }

    fn truncated(&self, what: &'static str, needed: usize) -> DecodeError {
        DecodeError::Truncated {
            what,
            offset: self.pos,
            needed,
            available: self.remaining(),
        }
    }
}

/// Validates `bytes` (which start at byte `start` of the input) as UTF-8.
fn utf8<'a>(bytes: &'a [u8], what: &'static str, start: usize) -> Result<&'a str, DecodeError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) => Err(DecodeError::InvalidUtf8 {
            what,
            offset: start + e.valid_up_to(),
        }),
    }
}

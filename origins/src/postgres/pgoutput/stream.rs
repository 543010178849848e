//! The replication stream's framing inside CopyBoth: the CopyData sub-messages the walsender
//! sends (`'w'` XLogData, `'k'` primary keepalive) and the standby status update (`'r'`) the
//! client sends back.

use bytes::BufMut;

use super::cursor::Cursor;
use super::DecodeError;

/// PostgreSQL timestamps count microseconds from 2000-01-01 00:00 UTC, this many seconds after
/// the Unix epoch.
pub const PG_EPOCH_UNIX_SECS: i64 = 946_684_800;

/// Length of a standby status update payload (without the CopyData `'d'` + Int32 framing).
pub const STANDBY_STATUS_LEN: usize = 34;

/// One server-to-client CopyData payload of a logical replication stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplicationMessage<'a> {
    /// `'w'`: WAL data; `data` is one pgoutput message, to be passed to
    /// [`decode`](super::decode). The walsender may send 0 for `wal_start`/`wal_end` on
    /// messages that are not transaction boundaries; take positions from Begin/Commit.
    XLogData {
        wal_start: u64,
        wal_end: u64,
        send_time: i64,
        data: &'a [u8],
    },
    /// `'k'`: keepalive. When `reply_requested`, send a standby status update at once or the
    /// walsender drops the connection at `wal_sender_timeout`.
    PrimaryKeepalive {
        wal_end: u64,
        send_time: i64,
        reply_requested: bool,
    },
}

/// Decodes one CopyData payload (the bytes after CopyData's `'d'` tag and Int32 length).
/// The pgoutput message inside an XLogData is returned undecoded; its offsets in later errors
/// count from the start of `data`, which is byte 25 of this payload.
pub fn decode_copy_data(bytes: &[u8]) -> Result<ReplicationMessage<'_>, DecodeError> {
    let mut cur = Cursor::new(bytes);
    match cur.u8("replication message tag")? {
        b'w' => Ok(ReplicationMessage::XLogData {
            wal_start: cur.u64("XLogData WAL start")?,
            wal_end: cur.u64("XLogData WAL end")?,
            send_time: cur.i64("XLogData send time")?,
            data: cur.take_rest(),
        }),
        b'k' => {
            let message = ReplicationMessage::PrimaryKeepalive {
                wal_end: cur.u64("keepalive WAL end")?,
                send_time: cur.i64("keepalive send time")?,
                reply_requested: cur.u8("keepalive reply-requested flag")? != 0,
            };
            cur.finish("primary keepalive")?;
            Ok(message)
        }
        found => Err(DecodeError::BadTag {
            what: "replication message tag (expected 'w' or 'k')",
            found,
            offset: 0,
        }),
    }
}

/// Encodes a standby status update: the 34-byte `'r'` payload to wrap in a CopyData message.
/// The server may discard WAL only up to `flushed`; report there the end LSN of the last
/// commit applied and persisted locally. `client_time` is µs since 2000-01-01 UTC.
pub fn encode_standby_status(
    written: u64,
    flushed: u64,
    applied: u64,
    client_time: i64,
    reply_requested: bool,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(STANDBY_STATUS_LEN);
    out.put_u8(b'r');
    out.put_u64(written);
    out.put_u64(flushed);
    out.put_u64(applied);
    out.put_i64(client_time);
    out.put_u8(u8::from(reply_requested));
    out
}

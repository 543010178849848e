//! Decoder for PostgreSQL's `pgoutput` logical-replication protocol, version 1, and for the
//! CopyBoth framing of the replication stream that carries it.
//!
//! Everything here is pure: bytes in, values out, no I/O. The walsender client reads CopyData
//! (`'d'`) payloads off the socket, hands each to [`decode_copy_data`], and passes the `data` of
//! every [`ReplicationMessage::XLogData`] to [`decode`]. Acknowledgements go back as
//! [`encode_standby_status`] payloads.
//!
//! No input makes these functions panic or allocate more than the input's own size: truncated
//! input, bad tags, negative or oversized lengths and invalid UTF-8 all come back as a
//! [`DecodeError`] naming the field and its byte offset.
//!
//! Reference: PostgreSQL "Logical Replication Message Formats" and "Streaming Replication
//! Protocol"; see also `/work/shared/reference/postgres-cdc.md` §3.4–§6.

mod cursor;
mod decode;
mod error;
mod lsn;
mod stream;
mod types;

#[cfg(test)]
pub(crate) mod encode;
#[cfg(test)]
mod tests;

pub use decode::{decode, decode_change};
pub use error::DecodeError;
pub use lsn::{format_lsn, parse_lsn};
pub use stream::{
    decode_copy_data, encode_standby_status, ReplicationMessage, PG_EPOCH_UNIX_SECS,
    STANDBY_STATUS_LEN,
};
pub use types::{
    ChangeRef, PgOutputMessage, RelationBody, RelationColumn, ReplicaIdentity, TupleData, TupleRef,
    TupleValue, TupleValueRef, TRUNCATE_CASCADE, TRUNCATE_RESTART_IDENTITY,
};

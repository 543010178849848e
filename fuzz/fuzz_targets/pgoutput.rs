//! Fuzz target: the pgoutput decoder must never panic (nor allocate wildly), whatever bytes it
//! is given.
//!
//! The input goes to `decode` as a pgoutput message and to `decode_copy_data` as a replication
//! CopyData payload; an XLogData's inner data is decoded too, and UTF-8 input is tried as an
//! LSN (a parsed LSN must survive `format_lsn` → `parse_lsn`).

#![no_main]

use libfuzzer_sys::fuzz_target;
use tether_origins::postgres::pgoutput::{
    decode, decode_copy_data, format_lsn, parse_lsn, ReplicationMessage,
};

fuzz_target!(|data: &[u8]| {
    if let Ok(message) = decode(data) {
        let _ = format!("{message:?}");
    }
    if let Ok(ReplicationMessage::XLogData { data: inner, .. }) = decode_copy_data(data) {
        let _ = decode(inner);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(lsn) = parse_lsn(text) {
            assert_eq!(parse_lsn(&format_lsn(lsn)), Ok(lsn));
        }
    }
});

//! Test-only encoder: the inverse of [`decode`](super::decode) and
//! [`decode_copy_data`](super::decode_copy_data), used to build messages for round-trip and
//! byte-level tests (also by other tests in this crate that need a fake replication stream).

use bytes::BufMut;

use super::{PgOutputMessage, ReplicationMessage, TupleData, TupleValue};

/// Encodes one pgoutput v1 message. Panics on values the protocol cannot carry (a NUL inside a
/// string, more than `i16::MAX` columns, both `key` and `old` on an Update).
pub(crate) fn encode(message: &PgOutputMessage) -> Vec<u8> {
    let mut out = Vec::new();
    match message {
        PgOutputMessage::Begin {
            final_lsn,
            commit_time,
            xid,
        } => {
            out.put_u8(b'B');
            out.put_u64(*final_lsn);
            out.put_i64(*commit_time);
            out.put_u32(*xid);
        }
        PgOutputMessage::Commit {
            flags,
            commit_lsn,
            end_lsn,
            commit_time,
        } => {
            out.put_u8(b'C');
            out.put_u8(*flags);
            out.put_u64(*commit_lsn);
            out.put_u64(*end_lsn);
            out.put_i64(*commit_time);
        }
        PgOutputMessage::Origin { commit_lsn, name } => {
            out.put_u8(b'O');
            out.put_u64(*commit_lsn);
            put_cstr(&mut out, name);
        }
        PgOutputMessage::Relation(body) => {
            out.put_u8(b'R');
            out.put_u32(body.id);
            put_cstr(&mut out, &body.namespace);
            put_cstr(&mut out, &body.name);
            out.put_u8(body.replica_identity.as_byte());
            out.put_i16(count16(body.columns.len()));
            for column in &body.columns {
                out.put_u8(u8::from(column.is_key));
                put_cstr(&mut out, &column.name);
                out.put_u32(column.type_oid);
                out.put_i32(column.type_modifier);
            }
        }
        PgOutputMessage::Type {
            id,
            namespace,
            name,
        } => {
            out.put_u8(b'Y');
            out.put_u32(*id);
            put_cstr(&mut out, namespace);
            put_cstr(&mut out, name);
        }
        PgOutputMessage::Insert { relation, new } => {
            out.put_u8(b'I');
            out.put_u32(*relation);
            put_tuple(&mut out, b'N', new);
        }
        PgOutputMessage::Update {
            relation,
            key,
            old,
            new,
        } => {
            assert!(key.is_none() || old.is_none(), "Update with both K and O");
            out.put_u8(b'U');
            out.put_u32(*relation);
            if let Some(key) = key {
                put_tuple(&mut out, b'K', key);
            }
            if let Some(old) = old {
                put_tuple(&mut out, b'O', old);
            }
            put_tuple(&mut out, b'N', new);
        }
        PgOutputMessage::Delete { relation, key, old } => {
            assert!(
                key.is_some() != old.is_some(),
                "Delete needs exactly one of K, O"
            );
            out.put_u8(b'D');
            out.put_u32(*relation);
            if let Some(key) = key {
                put_tuple(&mut out, b'K', key);
            }
            if let Some(old) = old {
                put_tuple(&mut out, b'O', old);
            }
        }
        PgOutputMessage::Truncate { options, relations } => {
            out.put_u8(b'T');
            out.put_i32(count32(relations.len()));
            out.put_u8(*options);
            for relation in relations {
                out.put_u32(*relation);
            }
        }
        PgOutputMessage::Message {
            transactional,
            lsn,
            prefix,
            content,
        } => {
            out.put_u8(b'M');
            out.put_u8(u8::from(*transactional));
            out.put_u64(*lsn);
            put_cstr(&mut out, prefix);
            out.put_i32(count32(content.len()));
            out.put_slice(content);
        }
    }
    out
}

/// Encodes one server-to-client CopyData payload.
pub(crate) fn encode_copy_data(message: &ReplicationMessage) -> Vec<u8> {
    let mut out = Vec::new();
    match message {
        ReplicationMessage::XLogData {
            wal_start,
            wal_end,
            send_time,
            data,
        } => {
            out.put_u8(b'w');
            out.put_u64(*wal_start);
            out.put_u64(*wal_end);
            out.put_i64(*send_time);
            out.put_slice(data);
        }
        ReplicationMessage::PrimaryKeepalive {
            wal_end,
            send_time,
            reply_requested,
        } => {
            out.put_u8(b'k');
            out.put_u64(*wal_end);
            out.put_i64(*send_time);
            out.put_u8(u8::from(*reply_requested));
        }
    }
    out
}

fn put_cstr(out: &mut Vec<u8>, text: &str) {
    assert!(!text.contains('\0'), "NUL inside a protocol string");
    out.put_slice(text.as_bytes());
    out.put_u8(0);
}

fn put_tuple(out: &mut Vec<u8>, kind: u8, tuple: &TupleData) {
    out.put_u8(kind);
    out.put_i16(count16(tuple.0.len()));
    for value in &tuple.0 {
        match value {
            TupleValue::Null => out.put_u8(b'n'),
            TupleValue::UnchangedToast => out.put_u8(b'u'),
            TupleValue::Text(text) => {
                out.put_u8(b't');
                out.put_i32(count32(text.len()));
                out.put_slice(text.as_bytes());
            }
            TupleValue::Binary(bytes) => {
                out.put_u8(b'b');
                out.put_i32(count32(bytes.len()));
                out.put_slice(bytes);
            }
        }
    }
}

fn count16(n: usize) -> i16 {
    i16::try_from(n).expect("count fits in Int16")
}

fn count32(n: usize) -> i32 {
    i32::try_from(n).expect("length fits in Int32")
}

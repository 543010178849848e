//! Property tests: encode → decode round trips for every message kind, every strict prefix of a
//! valid message fails, trailing bytes fail, and corrupted or random input never panics.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;

use super::super::encode::{encode, encode_copy_data};
use super::super::*;

/// Protocol strings: anything but NUL.
fn name() -> impl Strategy<Value = String> {
    "[^\\x00]{0,12}"
}

fn tuple_value() -> impl Strategy<Value = TupleValue> {
    prop_oneof![
        Just(TupleValue::Null),
        Just(TupleValue::UnchangedToast),
        any::<String>().prop_map(TupleValue::Text),
        vec(any::<u8>(), 0..16).prop_map(TupleValue::Binary),
    ]
}

fn tuple() -> impl Strategy<Value = TupleData> {
    vec(tuple_value(), 0..6).prop_map(TupleData)
}

fn begin() -> impl Strategy<Value = PgOutputMessage> {
    (any::<u64>(), any::<i64>(), any::<u32>()).prop_map(|(final_lsn, commit_time, xid)| {
        PgOutputMessage::Begin {
            final_lsn,
            commit_time,
            xid,
        }
    })
}

fn commit() -> impl Strategy<Value = PgOutputMessage> {
    (any::<u8>(), any::<u64>(), any::<u64>(), any::<i64>()).prop_map(
        |(flags, commit_lsn, end_lsn, commit_time)| PgOutputMessage::Commit {
            flags,
            commit_lsn,
            end_lsn,
            commit_time,
        },
    )
}

fn origin() -> impl Strategy<Value = PgOutputMessage> {
    (any::<u64>(), name())
        .prop_map(|(commit_lsn, name)| PgOutputMessage::Origin { commit_lsn, name })
}

fn relation() -> impl Strategy<Value = PgOutputMessage> {
    let identity = prop::sample::select(vec![
        ReplicaIdentity::Default,
        ReplicaIdentity::Nothing,
        ReplicaIdentity::Full,
        ReplicaIdentity::Index,
    ]);
    let column = (any::<bool>(), name(), any::<u32>(), any::<i32>()).prop_map(
        |(is_key, name, type_oid, type_modifier)| RelationColumn {
            is_key,
            name,
            type_oid,
            type_modifier,
        },
    );
    (any::<u32>(), name(), name(), identity, vec(column, 0..5)).prop_map(
        |(id, namespace, name, replica_identity, columns)| {
            PgOutputMessage::Relation(RelationBody {
                id,
                namespace,
                name,
                replica_identity,
                columns,
            })
        },
    )
}

fn type_message() -> impl Strategy<Value = PgOutputMessage> {
    (any::<u32>(), name(), name()).prop_map(|(id, namespace, name)| PgOutputMessage::Type {
        id,
        namespace,
        name,
    })
}

fn insert() -> impl Strategy<Value = PgOutputMessage> {
    (any::<u32>(), tuple()).prop_map(|(relation, new)| PgOutputMessage::Insert { relation, new })
}

fn update() -> impl Strategy<Value = PgOutputMessage> {
    (any::<u32>(), 0..3u8, tuple(), tuple()).prop_map(|(relation, kind, before, new)| {
        let (key, old) = match kind {
            0 => (None, None),
            1 => (Some(before), None),
            _ => (None, Some(before)),
        };
        PgOutputMessage::Update {
            relation,
            key,
            old,
            new,
        }
    })
}

fn delete() -> impl Strategy<Value = PgOutputMessage> {
    (any::<u32>(), any::<bool>(), tuple()).prop_map(|(relation, is_key, before)| {
        let (key, old) = if is_key {
            (Some(before), None)
        } else {
            (None, Some(before))
        };
        PgOutputMessage::Delete { relation, key, old }
    })
}

fn truncate() -> impl Strategy<Value = PgOutputMessage> {
    (any::<u8>(), vec(any::<u32>(), 0..6))
        .prop_map(|(options, relations)| PgOutputMessage::Truncate { options, relations })
}

fn logical_message() -> impl Strategy<Value = PgOutputMessage> {
    (any::<bool>(), any::<u64>(), name(), vec(any::<u8>(), 0..16)).prop_map(
        |(transactional, lsn, prefix, content)| PgOutputMessage::Message {
            transactional,
            lsn,
            prefix,
            content,
        },
    )
}

fn message() -> impl Strategy<Value = PgOutputMessage> {
    prop_oneof![
        begin(),
        commit(),
        origin(),
        relation(),
        type_message(),
        insert(),
        update(),
        delete(),
        truncate(),
        logical_message(),
    ]
}

/// One round-trip property test per message kind.
macro_rules! round_trips {
    ($($test:ident: $strategy:expr;)*) => {
        proptest! {
            $(
                #[test]
                fn $test(message in $strategy) {
                    prop_assert_eq!(decode(&encode(&message)), Ok(message));
                }
            )*
        }
    };
}

round_trips! {
    round_trip_begin: begin();
    round_trip_commit: commit();
    round_trip_origin: origin();
    round_trip_relation: relation();
    round_trip_type: type_message();
    round_trip_insert: insert();
    round_trip_update: update();
    round_trip_delete: delete();
    round_trip_truncate: truncate();
    round_trip_message: logical_message();
}

proptest! {
    #[test]
    fn only_the_full_message_decodes(message in message(), extra in any::<u8>()) {
        let mut bytes = encode(&message);
        for end in 0..bytes.len() {
            prop_assert!(decode(&bytes[..end]).is_err(), "prefix of {} bytes decoded", end);
        }
        prop_assert_eq!(decode(&bytes), Ok(message));
        bytes.push(extra);
        let is_trailing = matches!(decode(&bytes), Err(DecodeError::TrailingBytes { .. }));
        prop_assert!(is_trailing);
    }

    #[test]
    fn corrupted_messages_never_panic(message in message(), at in any::<Index>(), byte in any::<u8>()) {
        let mut bytes = encode(&message);
        let i = at.index(bytes.len());
        bytes[i] = byte;
        let _ = decode(&bytes);
    }

    #[test]
    fn random_bytes_never_panic(bytes in vec(any::<u8>(), 0..96)) {
        let _ = decode(&bytes);
        if let Ok(ReplicationMessage::XLogData { data, .. }) = decode_copy_data(&bytes) {
            let _ = decode(data);
        }
    }

    #[test]
    fn xlog_data_round_trip(
        wal_start in any::<u64>(),
        wal_end in any::<u64>(),
        send_time in any::<i64>(),
        message in message(),
    ) {
        let data = encode(&message);
        let framed = ReplicationMessage::XLogData { wal_start, wal_end, send_time, data: &data };
        let bytes = encode_copy_data(&framed);
        prop_assert_eq!(decode_copy_data(&bytes), Ok(framed));
        for end in 0..25 {
            prop_assert!(decode_copy_data(&bytes[..end]).is_err());
        }
    }

    #[test]
    fn keepalive_round_trip(wal_end in any::<u64>(), send_time in any::<i64>(), reply_requested in any::<bool>()) {
        let keepalive = ReplicationMessage::PrimaryKeepalive { wal_end, send_time, reply_requested };
        let bytes = encode_copy_data(&keepalive);
        prop_assert_eq!(bytes.len(), 18);
        prop_assert_eq!(decode_copy_data(&bytes), Ok(keepalive));
        for end in 0..bytes.len() {
            prop_assert!(decode_copy_data(&bytes[..end]).is_err());
        }
    }

    #[test]
    fn standby_status_fields(written in any::<u64>(), flushed in any::<u64>(), applied in any::<u64>(), time in any::<i64>(), reply in any::<bool>()) {
        let bytes = encode_standby_status(written, flushed, applied, time, reply);
        let mut expected = vec![b'r'];
        expected.extend(written.to_be_bytes());
        expected.extend(flushed.to_be_bytes());
        expected.extend(applied.to_be_bytes());
        expected.extend(time.to_be_bytes());
        expected.push(u8::from(reply));
        prop_assert_eq!(bytes, expected);
    }

    #[test]
    fn lsn_round_trip(lsn in any::<u64>()) {
        prop_assert_eq!(parse_lsn(&format_lsn(lsn)), Ok(lsn));
        let padded = format!("{:X}/{:08x}", lsn >> 32, lsn & 0xFFFF_FFFF);
        prop_assert_eq!(parse_lsn(&padded), Ok(lsn));
    }

    #[test]
    fn lsn_parse_never_panics(text in "\\PC{0,24}") {
        let _ = parse_lsn(&text);
    }
}

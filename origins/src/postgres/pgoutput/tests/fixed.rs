//! Byte-level tests: hand-written wire bytes for each layout the brief names, checked against
//! both the decoder and the test encoder, plus one test per error path.

use super::super::encode::{encode, encode_copy_data};
use super::super::*;

/// Concatenates byte runs (lets a test spell a message field by field).
fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

fn text(s: &str) -> TupleValue {
    TupleValue::Text(s.to_owned())
}

/// Decodes `bytes`, checks the result, and checks the encoder reproduces `bytes` exactly.
fn check(bytes: &[u8], expected: PgOutputMessage) {
    assert_eq!(decode(bytes), Ok(expected.clone()));
    assert_eq!(encode(&expected), bytes);
}

#[test]
fn begin_layout() {
    let bytes = cat(&[
        b"B",
        &[0x00, 0x00, 0x00, 0x16, 0xB3, 0x74, 0xD8, 0x48], // final LSN 16/B374D848
        &[0x00, 0x02, 0x9A, 0x5E, 0x2F, 0x3C, 0x4D, 0x5E], // commit timestamp
        &[0x00, 0x00, 0x02, 0xE5],                         // xid 741
    ]);
    assert_eq!(bytes.len(), 21);
    check(
        &bytes,
        PgOutputMessage::Begin {
            final_lsn: 0x16_B374_D848,
            commit_time: 0x0002_9A5E_2F3C_4D5E,
            xid: 741,
        },
    );
}

#[test]
fn commit_layout() {
    let bytes = cat(&[
        b"C",
        &[0],
        &[0, 0, 0, 0x16, 0xB3, 0x74, 0xD8, 0x48],
        &[0, 0, 0, 0x16, 0xB3, 0x74, 0xD8, 0x78],
        &[0, 0, 0, 0, 0, 0, 0, 7],
    ]);
    check(
        &bytes,
        PgOutputMessage::Commit {
            flags: 0,
            commit_lsn: 0x16_B374_D848,
            end_lsn: 0x16_B374_D878,
            commit_time: 7,
        },
    );
}

#[test]
fn relation_layout() {
    let bytes = cat(&[
        b"R",
        &[0x00, 0x00, 0x40, 0x00], // relation id 16384
        b"public\0",
        b"users\0",
        b"d",                      // replica identity DEFAULT
        &[0x00, 0x02],             // 2 columns
        &[0x01],                   // key
        b"id\0",                   //
        &[0x00, 0x00, 0x00, 0x17], // int4
        &[0xFF, 0xFF, 0xFF, 0xFF], // typmod -1
        &[0x00],                   // not key
        b"name\0",                 //
        &[0x00, 0x00, 0x04, 0x13], // varchar (1043)
        &[0x00, 0x00, 0x00, 0x24], // typmod 36 = varchar(32)
    ]);
    check(
        &bytes,
        PgOutputMessage::Relation(RelationBody {
            id: 16384,
            namespace: "public".into(),
            name: "users".into(),
            replica_identity: ReplicaIdentity::Default,
            columns: vec![
                RelationColumn {
                    is_key: true,
                    name: "id".into(),
                    type_oid: 23,
                    type_modifier: -1,
                },
                RelationColumn {
                    is_key: false,
                    name: "name".into(),
                    type_oid: 1043,
                    type_modifier: 36,
                },
            ],
        }),
    );
}

#[test]
fn insert_with_null_and_unchanged_toast() {
    let bytes = cat(&[
        b"I",
        &[0x00, 0x00, 0x40, 0x00], // relation 16384
        b"N",
        &[0x00, 0x04], // 4 columns
        b"t",
        &[0x00, 0x00, 0x00, 0x02],
        b"42",
        b"n",
        b"u",
        b"b",
        &[0x00, 0x00, 0x00, 0x01, 0xFF],
    ]);
    check(
        &bytes,
        PgOutputMessage::Insert {
            relation: 16384,
            new: TupleData(vec![
                text("42"),
                TupleValue::Null,
                TupleValue::UnchangedToast,
                TupleValue::Binary(vec![0xFF]),
            ]),
        },
    );
}

#[test]
fn update_with_key_tuple() {
    let bytes = cat(&[
        b"U",
        &[0x00, 0x00, 0x40, 0x00],
        b"K",
        &[0x00, 0x02],
        b"t",
        &[0x00, 0x00, 0x00, 0x01],
        b"1",
        b"n", // non-key columns of a 'K' tuple are sent as null
        b"N",
        &[0x00, 0x02],
        b"t",
        &[0x00, 0x00, 0x00, 0x01],
        b"2",
        b"t",
        &[0x00, 0x00, 0x00, 0x03],
        b"bob",
    ]);
    check(
        &bytes,
        PgOutputMessage::Update {
            relation: 16384,
            key: Some(TupleData(vec![text("1"), TupleValue::Null])),
            old: None,
            new: TupleData(vec![text("2"), text("bob")]),
        },
    );
}

#[test]
fn update_with_old_tuple_and_plain_update() {
    let old = cat(&[
        b"U",
        &[0, 0, 0, 9],
        b"O",
        &[0, 1],
        b"n",
        b"N",
        &[0, 1],
        b"u",
    ]);
    check(
        &old,
        PgOutputMessage::Update {
            relation: 9,
            key: None,
            old: Some(TupleData(vec![TupleValue::Null])),
            new: TupleData(vec![TupleValue::UnchangedToast]),
        },
    );
    let plain = cat(&[b"U", &[0, 0, 0, 9], b"N", &[0, 0]]);
    check(
        &plain,
        PgOutputMessage::Update {
            relation: 9,
            key: None,
            old: None,
            new: TupleData(vec![]),
        },
    );
}

#[test]
fn delete_truncate_type_origin_message_layouts() {
    check(
        &cat(&[
            b"D",
            &[0, 0, 0, 9],
            b"K",
            &[0, 1],
            b"t",
            &[0, 0, 0, 1],
            b"7",
        ]),
        PgOutputMessage::Delete {
            relation: 9,
            key: Some(TupleData(vec![text("7")])),
            old: None,
        },
    );
    check(
        &cat(&[b"T", &[0, 0, 0, 2], &[3], &[0, 0, 0, 9], &[0, 0, 0, 10]]),
        PgOutputMessage::Truncate {
            options: TRUNCATE_CASCADE | TRUNCATE_RESTART_IDENTITY,
            relations: vec![9, 10],
        },
    );
    check(
        &cat(&[b"Y", &[0, 0, 0x40, 0x01], b"public\0", b"mood\0"]),
        PgOutputMessage::Type {
            id: 16385,
            namespace: "public".into(),
            name: "mood".into(),
        },
    );
    check(
        &cat(&[b"O", &[0, 0, 0, 0, 0, 0, 0, 5], b"node1\0"]),
        PgOutputMessage::Origin {
            commit_lsn: 5,
            name: "node1".into(),
        },
    );
    check(
        &cat(&[
            b"M",
            &[1],
            &[0, 0, 0, 0, 0, 0, 0, 5],
            b"tether\0",
            &[0, 0, 0, 2],
            b"hi",
        ]),
        PgOutputMessage::Message {
            transactional: true,
            lsn: 5,
            prefix: "tether".into(),
            content: b"hi".to_vec(),
        },
    );
}

#[test]
fn keepalive_layout() {
    let bytes = cat(&[
        b"k",
        &[0x00, 0x00, 0x00, 0x16, 0xB3, 0x74, 0xD8, 0x48], // WAL end
        &[0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00], // send time 256
        &[0x01],                                           // reply requested
    ]);
    assert_eq!(bytes.len(), 18);
    let expected = ReplicationMessage::PrimaryKeepalive {
        wal_end: 0x16_B374_D848,
        send_time: 256,
        reply_requested: true,
    };
    assert_eq!(decode_copy_data(&bytes), Ok(expected));
    assert_eq!(encode_copy_data(&expected), bytes);
}

#[test]
fn xlog_data_layout() {
    let payload = cat(&[b"B", &[0; 20]]);
    let bytes = cat(&[
        b"w",
        &[0, 0, 0, 0, 0, 0, 0, 1], // WAL start
        &[0, 0, 0, 0, 0, 0, 0, 2], // WAL end
        &[0, 0, 0, 0, 0, 0, 0, 3], // send time
        &payload,
    ]);
    let decoded = decode_copy_data(&bytes);
    assert_eq!(
        decoded,
        Ok(ReplicationMessage::XLogData {
            wal_start: 1,
            wal_end: 2,
            send_time: 3,
            data: &payload,
        })
    );
    let Ok(ReplicationMessage::XLogData { data, .. }) = decoded else {
        unreachable!()
    };
    assert_eq!(
        decode(data),
        Ok(PgOutputMessage::Begin {
            final_lsn: 0,
            commit_time: 0,
            xid: 0
        })
    );
}

#[test]
fn standby_status_layout() {
    let bytes = encode_standby_status(
        0x0102_0304_0506_0708,
        0x1112_1314_1516_1718,
        0x2122_2324_2526_2728,
        -2,
        true,
    );
    assert_eq!(bytes.len(), STANDBY_STATUS_LEN);
    assert_eq!(bytes.len(), 34);
    let expected = cat(&[
        b"r",
        &[0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08], // written
        &[0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18], // flushed
        &[0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28], // applied
        &[0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE], // client time -2
        &[0x01],                                           // reply requested
    ]);
    assert_eq!(bytes, expected);
    assert_eq!(encode_standby_status(0, 0, 0, 0, false)[33], 0);
}

#[test]
fn empty_input() {
    let err = DecodeError::Truncated {
        what: "pgoutput message tag",
        offset: 0,
        needed: 1,
        available: 0,
    };
    assert_eq!(decode(&[]), Err(err));
    assert!(decode_copy_data(&[]).is_err());
}

#[test]
fn unknown_tags() {
    // 'S' is protocol v2's Stream Start: not v1.
    assert!(matches!(
        decode(b"S\0\0\0\x01\x01"),
        Err(DecodeError::BadTag {
            found: b'S',
            offset: 0,
            ..
        })
    ));
    assert!(matches!(
        decode_copy_data(b"r"),
        Err(DecodeError::BadTag {
            found: b'r',
            offset: 0,
            ..
        })
    ));
    let err = decode(&[0x07]).unwrap_err().to_string();
    assert_eq!(err, "unexpected pgoutput message tag 0x07 at byte 0");
}

#[test]
fn oversized_length_is_truncation_not_allocation() {
    // A text value claiming 2^31 - 1 bytes with 2 present.
    let bytes = cat(&[
        b"I",
        &[0, 0, 0, 1],
        b"N",
        &[0, 1],
        b"t",
        &[0x7F, 0xFF, 0xFF, 0xFF],
        b"ab",
    ]);
    assert_eq!(
        decode(&bytes),
        Err(DecodeError::Truncated {
            what: "TupleData text value",
            offset: 13,
            needed: 0x7FFF_FFFF,
            available: 2,
        })
    );
    // Counts that the remaining bytes cannot hold.
    let columns = cat(&[b"I", &[0, 0, 0, 1], b"N", &[0x7F, 0xFF]]);
    assert!(matches!(
        decode(&columns),
        Err(DecodeError::Truncated { offset: 8, .. })
    ));
    let relations = cat(&[b"T", &[0x7F, 0xFF, 0xFF, 0xFF], &[0], &[0, 0, 0, 1]]);
    assert!(matches!(
        decode(&relations),
        Err(DecodeError::Truncated { offset: 10, .. })
    ));
    let message = cat(&[b"M", &[0], &[0; 8], b"p\0", &[0x7F, 0xFF, 0xFF, 0xFF]]);
    assert!(matches!(
        decode(&message),
        Err(DecodeError::Truncated { .. })
    ));
}

#[test]
fn negative_lengths() {
    let text = cat(&[
        b"I",
        &[0, 0, 0, 1],
        b"N",
        &[0, 1],
        b"t",
        &[0xFF, 0xFF, 0xFF, 0xFF],
    ]);
    assert_eq!(
        decode(&text),
        Err(DecodeError::NegativeLength {
            what: "TupleData text value",
            value: -1,
            offset: 9,
        })
    );
    let columns = cat(&[b"I", &[0, 0, 0, 1], b"N", &[0x80, 0x00]]);
    assert!(matches!(
        decode(&columns),
        Err(DecodeError::NegativeLength {
            value: -32768,
            offset: 6,
            ..
        })
    ));
    let relations = cat(&[b"T", &[0x80, 0, 0, 0], &[0]]);
    assert!(matches!(
        decode(&relations),
        Err(DecodeError::NegativeLength { offset: 1, .. })
    ));
}

#[test]
fn invalid_utf8() {
    let value = cat(&[
        b"I",
        &[0, 0, 0, 1],
        b"N",
        &[0, 1],
        b"t",
        &[0, 0, 0, 3],
        b"a",
        &[0xC3, 0x28],
    ]);
    assert_eq!(
        decode(&value),
        Err(DecodeError::InvalidUtf8 {
            what: "TupleData text value",
            offset: 14,
        })
    );
    let name = cat(&[b"Y", &[0, 0, 0, 1], b"ok\0", &[0xFF], b"\0"]);
    assert_eq!(
        decode(&name),
        Err(DecodeError::InvalidUtf8 {
            what: "Type name",
            offset: 8,
        })
    );
}

#[test]
fn unterminated_string() {
    assert_eq!(
        decode(&cat(&[b"Y", &[0, 0, 0, 1], b"public"])),
        Err(DecodeError::UnterminatedString {
            what: "Type namespace",
            offset: 5,
        })
    );
}

#[test]
fn trailing_bytes() {
    let bytes = cat(&[b"B", &[0; 20], b"x"]);
    assert_eq!(
        decode(&bytes),
        Err(DecodeError::TrailingBytes {
            what: "pgoutput message",
            count: 1,
            offset: 21,
        })
    );
    let keepalive = cat(&[b"k", &[0; 17], b"x"]);
    assert!(matches!(
        decode_copy_data(&keepalive),
        Err(DecodeError::TrailingBytes { offset: 18, .. })
    ));
}

#[test]
fn bad_tuple_kinds_and_identity() {
    // Update carrying both K and O: the second marker must be 'N'.
    let both = cat(&[
        b"U",
        &[0, 0, 0, 1],
        b"K",
        &[0, 0],
        b"O",
        &[0, 0],
        b"N",
        &[0, 0],
    ]);
    assert!(matches!(
        decode(&both),
        Err(DecodeError::BadTag {
            found: b'O',
            offset: 8,
            ..
        })
    ));
    let delete_new = cat(&[b"D", &[0, 0, 0, 1], b"N", &[0, 0]]);
    assert!(matches!(
        decode(&delete_new),
        Err(DecodeError::BadTag {
            found: b'N',
            offset: 5,
            ..
        })
    ));
    let insert_old = cat(&[b"I", &[0, 0, 0, 1], b"O", &[0, 0]]);
    assert!(matches!(
        decode(&insert_old),
        Err(DecodeError::BadTag { found: b'O', .. })
    ));
    let column_kind = cat(&[b"I", &[0, 0, 0, 1], b"N", &[0, 1], b"x"]);
    assert!(matches!(
        decode(&column_kind),
        Err(DecodeError::BadTag {
            found: b'x',
            offset: 8,
            ..
        })
    ));
    let identity = cat(&[b"R", &[0, 0, 0, 1], b"\0", b"t\0", b"x", &[0, 0]]);
    assert!(matches!(
        decode(&identity),
        Err(DecodeError::BadTag {
            found: b'x',
            offset: 8,
            ..
        })
    ));
}

#[test]
fn lsn_text() {
    assert_eq!(parse_lsn("16/B374D848"), Ok(0x16_B374_D848));
    assert_eq!(parse_lsn("0/0"), Ok(0));
    assert_eq!(parse_lsn("ffffffff/FFFFFFFF"), Ok(u64::MAX));
    assert_eq!(parse_lsn("16/0374D848"), Ok(0x16_0374_D848));
    assert_eq!(format_lsn(0x16_B374_D848), "16/B374D848");
    assert_eq!(format_lsn(0), "0/0");
    assert_eq!(format_lsn(u64::MAX), "FFFFFFFF/FFFFFFFF");
    for (bad, offset) in [
        ("", 0),
        ("16", 2),
        ("/1", 0),
        ("1/", 2),
        ("123456789/0", 8),
        ("1/123456789", 10),
        ("G/0", 0),
        ("+1/0", 0),
        ("1/-0", 2),
        (" 1/0", 0),
        ("1/0 ", 3),
        ("1/2/3", 3),
        ("1/é", 2),
    ] {
        match parse_lsn(bad) {
            Err(DecodeError::InvalidLsn { offset: got, .. }) => {
                assert_eq!(got, offset, "offset for {bad:?}")
            }
            other => panic!("{bad:?} gave {other:?}"),
        }
    }
}

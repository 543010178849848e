//! Decoding of one pgoutput v1 message: a dispatch on the tag byte and one function per message
//! kind. Each function reads exactly its fields; [`decode`] then rejects trailing bytes. Row
//! changes can also be read borrowed ([`decode_change`]): their values stay in the message.

use super::cursor::Cursor;
use super::types::{
    ChangeRef, PgOutputMessage, RelationBody, RelationColumn, ReplicaIdentity, TupleRef,
    TupleValueRef,
};
use super::DecodeError;

/// Smallest encoding of a Relation column: flags, empty name's NUL, type OID, typmod.
const MIN_RELATION_COLUMN_LEN: usize = 1 + 1 + 4 + 4;
/// Smallest encoding of a tuple column: the kind byte alone (`'n'` or `'u'`).
const MIN_TUPLE_COLUMN_LEN: usize = 1;

/// Decodes one pgoutput protocol v1 message (the `data` of an XLogData). The whole slice must
/// be exactly one message. Protocol v2+ tags (streaming, two-phase) are rejected as unknown.
pub fn decode(bytes: &[u8]) -> Result<PgOutputMessage, DecodeError> {
    let mut cur = Cursor::new(bytes);
    let message = match cur.u8("pgoutput message tag")? {
        b'B' => begin(&mut cur)?,
        b'C' => commit(&mut cur)?,
        b'O' => origin(&mut cur)?,
        b'R' => PgOutputMessage::Relation(relation(&mut cur)?),
        b'Y' => type_message(&mut cur)?,
        b'I' => insert(&mut cur)?.into_message(),
        b'U' => update(&mut cur)?.into_message(),
        b'D' => delete(&mut cur)?.into_message(),
        b'T' => truncate(&mut cur)?,
        b'M' => logical_message(&mut cur)?,
        found => {
            return Err(DecodeError::BadTag {
                what: "pgoutput message tag",
                found,
                offset: 0,
            })
        }
    };
    cur.finish("pgoutput message")?;
    Ok(message)
}

/// Decodes a row change (Insert, Update or Delete) with its values borrowed from `bytes`;
/// `None` for every other message, which [`decode`] reads. The whole slice must be exactly one
/// message.
pub fn decode_change(bytes: &[u8]) -> Result<Option<ChangeRef<'_>>, DecodeError> {
    let mut cur = Cursor::new(bytes);
    let change = match cur.u8("pgoutput message tag")? {
        b'I' => insert(&mut cur)?,
        b'U' => update(&mut cur)?,
        b'D' => delete(&mut cur)?,
        _ => return Ok(None),
    };
    cur.finish("pgoutput message")?;
    Ok(Some(change))
}

fn begin(cur: &mut Cursor) -> Result<PgOutputMessage, DecodeError> {
    Ok(PgOutputMessage::Begin {
        final_lsn: cur.u64("Begin final LSN")?,
        commit_time: cur.i64("Begin commit timestamp")?,
        xid: cur.u32("Begin xid")?,
    })
}

fn commit(cur: &mut Cursor) -> Result<PgOutputMessage, DecodeError> {
    Ok(PgOutputMessage::Commit {
        flags: cur.u8("Commit flags")?,
        commit_lsn: cur.u64("Commit LSN")?,
        end_lsn: cur.u64("Commit end LSN")?,
        commit_time: cur.i64("Commit timestamp")?,
    })
}

fn origin(cur: &mut Cursor) -> Result<PgOutputMessage, DecodeError> {
    Ok(PgOutputMessage::Origin {
        commit_lsn: cur.u64("Origin commit LSN")?,
        name: cur.cstr("Origin name")?,
    })
}

fn relation(cur: &mut Cursor) -> Result<RelationBody, DecodeError> {
    let id = cur.u32("Relation id")?;
    let namespace = cur.cstr("Relation namespace")?;
    let name = cur.cstr("Relation name")?;
    let offset = cur.offset();
    let identity_byte = cur.u8("Relation replica identity")?;
    let replica_identity =
        ReplicaIdentity::from_byte(identity_byte).ok_or(DecodeError::BadTag {
            what: "Relation replica identity",
            found: identity_byte,
            offset,
        })?;
    let n = cur.count16("Relation column count")?;
    let mut columns = Vec::with_capacity(cur.capacity_for(n, MIN_RELATION_COLUMN_LEN));
    for _ in 0..n {
        columns.push(RelationColumn {
            is_key: cur.u8("Relation column flags")? & 1 != 0,
            name: cur.cstr("Relation column name")?,
            type_oid: cur.u32("Relation column type OID")?,
            type_modifier: cur.i32("Relation column type modifier")?,
        });
    }
    Ok(RelationBody {
        id,
        namespace,
        name,
        replica_identity,
        columns,
    })
}

fn type_message(cur: &mut Cursor) -> Result<PgOutputMessage, DecodeError> {
    Ok(PgOutputMessage::Type {
        id: cur.u32("Type OID")?,
        namespace: cur.cstr("Type namespace")?,
        name: cur.cstr("Type name")?,
    })
}

fn insert<'a>(cur: &mut Cursor<'a>) -> Result<ChangeRef<'a>, DecodeError> {
    let relation = cur.u32("Insert relation id")?;
    expect(cur, b'N', "Insert tuple kind (expected 'N')")?;
    Ok(ChangeRef::Insert {
        relation,
        new: tuple_data(cur)?,
    })
}

fn update<'a>(cur: &mut Cursor<'a>) -> Result<ChangeRef<'a>, DecodeError> {
    let relation = cur.u32("Update relation id")?;
    let offset = cur.offset();
    let (key, old) = match cur.u8("Update tuple kind")? {
        b'K' => (Some(tuple_data(cur)?), None),
        b'O' => (None, Some(tuple_data(cur)?)),
        b'N' => {
            return Ok(ChangeRef::Update {
                relation,
                key: None,
                old: None,
                new: tuple_data(cur)?,
            })
        }
        found => {
            return Err(DecodeError::BadTag {
                what: "Update tuple kind (expected 'K', 'O' or 'N')",
                found,
                offset,
            })
        }
    };
    expect(cur, b'N', "Update new tuple kind (expected 'N')")?;
    Ok(ChangeRef::Update {
        relation,
        key,
        old,
        new: tuple_data(cur)?,
    })
}

fn delete<'a>(cur: &mut Cursor<'a>) -> Result<ChangeRef<'a>, DecodeError> {
    let relation = cur.u32("Delete relation id")?;
    let offset = cur.offset();
    let (key, old) = match cur.u8("Delete tuple kind")? {
        b'K' => (Some(tuple_data(cur)?), None),
        b'O' => (None, Some(tuple_data(cur)?)),
        found => {
            return Err(DecodeError::BadTag {
                what: "Delete tuple kind (expected 'K' or 'O')",
                found,
                offset,
            })
        }
    };
    Ok(ChangeRef::Delete { relation, key, old })
}

fn truncate(cur: &mut Cursor) -> Result<PgOutputMessage, DecodeError> {
    let n = cur.count32("Truncate relation count")?;
    let options = cur.u8("Truncate options")?;
    let mut relations = Vec::with_capacity(cur.capacity_for(n, 4));
    for _ in 0..n {
        relations.push(cur.u32("Truncate relation id")?);
    }
    Ok(PgOutputMessage::Truncate { options, relations })
}

fn logical_message(cur: &mut Cursor) -> Result<PgOutputMessage, DecodeError> {
    Ok(PgOutputMessage::Message {
        transactional: cur.u8("Message flags")? & 1 != 0,
        lsn: cur.u64("Message LSN")?,
        prefix: cur.cstr("Message prefix")?,
        content: cur.len_prefixed("Message content")?.to_vec(),
    })
}

/// TupleData: Int16 column count, then per column a kind byte and, for `'t'`/`'b'`, an Int32
/// length and the value.
fn tuple_data<'a>(cur: &mut Cursor<'a>) -> Result<TupleRef<'a>, DecodeError> {
    let n = cur.count16("TupleData column count")?;
    let mut values = Vec::with_capacity(cur.capacity_for(n, MIN_TUPLE_COLUMN_LEN));
    for _ in 0..n {
        let offset = cur.offset();
        values.push(match cur.u8("TupleData column kind")? {
            b'n' => TupleValueRef::Null,
            b'u' => TupleValueRef::UnchangedToast,
            b't' => TupleValueRef::Text(cur.len_prefixed_str("TupleData text value")?),
            b'b' => TupleValueRef::Binary(cur.len_prefixed("TupleData binary value")?),
            found => {
                return Err(DecodeError::BadTag {
                    what: "TupleData column kind (expected 'n', 'u', 't' or 'b')",
                    found,
                    offset,
                })
            }
        });
    }
    Ok(TupleRef(values))
}

/// Reads one byte that must equal `tag`.
fn expect(cur: &mut Cursor, tag: u8, what: &'static str) -> Result<(), DecodeError> {
    let offset = cur.offset();
    match cur.u8(what)? {
        found if found == tag => Ok(()),
        found => Err(DecodeError::BadTag {
            what,
            found,
            offset,
        }),
    }
}

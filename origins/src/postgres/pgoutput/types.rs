//! The decoded form of pgoutput protocol version 1 messages.
//!
//! Field names follow the PostgreSQL documentation ("Logical Replication Message Formats").
//! LSNs are `u64`; timestamps are `i64` microseconds since 2000-01-01 00:00 UTC (see
//! [`PG_EPOCH_UNIX_SECS`](super::PG_EPOCH_UNIX_SECS)); OIDs, relation ids and xids are `u32`.

/// `Truncate::options` bit: `TRUNCATE … CASCADE`.
pub const TRUNCATE_CASCADE: u8 = 1;
/// `Truncate::options` bit: `TRUNCATE … RESTART IDENTITY`.
pub const TRUNCATE_RESTART_IDENTITY: u8 = 2;

/// One pgoutput v1 message: the payload of one XLogData.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PgOutputMessage {
    /// `'B'`: start of a transaction. `xid` is the top-level transaction id.
    Begin {
        /// LSN of the commit record (equals the following Commit's `commit_lsn`).
        final_lsn: u64,
        commit_time: i64,
        xid: u32,
    },
    /// `'C'`: end of a transaction. Acknowledge `end_lsn` once the transaction is applied.
    Commit {
        /// Unused by PostgreSQL; always 0 so far.
        flags: u8,
        commit_lsn: u64,
        /// End of the commit record: the position to report as flushed.
        end_lsn: u64,
        commit_time: i64,
    },
    /// `'O'`: the transaction was itself replicated from another node.
    Origin { commit_lsn: u64, name: String },
    /// `'R'`: a relation's schema, sent before its first change in a session and after changes.
    Relation(RelationBody),
    /// `'Y'`: a non-built-in type used by a following Relation.
    Type {
        id: u32,
        /// Empty means `pg_catalog`.
        namespace: String,
        name: String,
    },
    /// `'I'`: a new row.
    Insert { relation: u32, new: TupleData },
    /// `'U'`: a changed row. At most one of `key` (`'K'`: replica-identity columns, present only
    /// when they changed) and `old` (`'O'`: the whole old row, REPLICA IDENTITY FULL) is set.
    Update {
        relation: u32,
        key: Option<TupleData>,
        old: Option<TupleData>,
        new: TupleData,
    },
    /// `'D'`: a deleted row. Exactly one of `key` (`'K'`) and `old` (`'O'`) is set.
    Delete {
        relation: u32,
        key: Option<TupleData>,
        old: Option<TupleData>,
    },
    /// `'T'`: the relations were truncated. `options` holds [`TRUNCATE_CASCADE`] and
    /// [`TRUNCATE_RESTART_IDENTITY`] bits.
    Truncate { options: u8, relations: Vec<u32> },
    /// `'M'`: from `pg_logical_emit_message` (needs the `messages 'true'` option).
    Message {
        transactional: bool,
        lsn: u64,
        prefix: String,
        content: Vec<u8>,
    },
}

/// The body of a Relation (`'R'`) message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationBody {
    /// The relation's OID; changes refer to it by this id.
    pub id: u32,
    /// Empty means `pg_catalog`.
    pub namespace: String,
    pub name: String,
    pub replica_identity: ReplicaIdentity,
    /// Published columns only, in the order tuples carry them.
    pub columns: Vec<RelationColumn>,
}

/// One column of a [`RelationBody`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationColumn {
    /// Part of the replica identity (flag bit 1).
    pub is_key: bool,
    pub name: String,
    pub type_oid: u32,
    /// `atttypmod`; -1 when the type has none.
    pub type_modifier: i32,
}

/// `pg_class.relreplident`: which old values Update and Delete carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReplicaIdentity {
    /// `'d'`: the primary key.
    Default,
    /// `'n'`: nothing (updates and deletes of a published table then fail on the origin).
    Nothing,
    /// `'f'`: the whole old row.
    Full,
    /// `'i'`: the columns of a chosen unique index.
    Index,
}

impl ReplicaIdentity {
    /// The protocol byte for this identity.
    pub fn as_byte(self) -> u8 {
        match self {
            Self::Default => b'd',
            Self::Nothing => b'n',
            Self::Full => b'f',
            Self::Index => b'i',
        }
    }

    /// The identity a protocol byte stands for, if any.
    pub fn from_byte(byte: u8) -> Option<Self> {
        match byte {
            b'd' => Some(Self::Default),
            b'n' => Some(Self::Nothing),
            b'f' => Some(Self::Full),
            b'i' => Some(Self::Index),
            _ => None,
        }
    }
}

/// The column values of one row, in relation column order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TupleData(pub Vec<TupleValue>);

/// One column value in a [`TupleData`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TupleValue {
    /// `'n'`: SQL NULL.
    Null,
    /// `'u'`: an out-of-line (TOASTed) value the change did not touch; the value is not sent.
    /// Fill it from the old tuple or the current row; never store it as NULL.
    UnchangedToast,
    /// `'t'`: the value in the type's text output format.
    Text(String),
    /// `'b'`: the value in the type's binary send format (only with `binary 'true'`).
    Binary(Vec<u8>),
}

/// A row change with its tuples borrowed from the message ([`decode_change`](super::decode_change)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeRef<'a> {
    /// `'I'`: see [`PgOutputMessage::Insert`].
    Insert { relation: u32, new: TupleRef<'a> },
    /// `'U'`: see [`PgOutputMessage::Update`].
    Update {
        relation: u32,
        key: Option<TupleRef<'a>>,
        old: Option<TupleRef<'a>>,
        new: TupleRef<'a>,
    },
    /// `'D'`: see [`PgOutputMessage::Delete`].
    Delete {
        relation: u32,
        key: Option<TupleRef<'a>>,
        old: Option<TupleRef<'a>>,
    },
}

impl ChangeRef<'_> {
    /// The change as an owned message.
    pub fn into_message(self) -> PgOutputMessage {
        match self {
            ChangeRef::Insert { relation, new } => PgOutputMessage::Insert {
                relation,
                new: new.to_owned_tuple(),
            },
            ChangeRef::Update {
                relation,
                key,
                old,
                new,
            } => PgOutputMessage::Update {
                relation,
                key: key.map(|t| t.to_owned_tuple()),
                old: old.map(|t| t.to_owned_tuple()),
                new: new.to_owned_tuple(),
            },
            ChangeRef::Delete { relation, key, old } => PgOutputMessage::Delete {
                relation,
                key: key.map(|t| t.to_owned_tuple()),
                old: old.map(|t| t.to_owned_tuple()),
            },
        }
    }
}

/// The column values of one row, borrowed from the message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TupleRef<'a>(pub Vec<TupleValueRef<'a>>);

impl TupleRef<'_> {
    /// The tuple with its values copied out of the message.
    pub fn to_owned_tuple(&self) -> TupleData {
        TupleData(
            self.0
                .iter()
                .map(|value| match value {
                    TupleValueRef::Null => TupleValue::Null,
                    TupleValueRef::UnchangedToast => TupleValue::UnchangedToast,
                    TupleValueRef::Text(text) => TupleValue::Text((*text).to_owned()),
                    TupleValueRef::Binary(bytes) => TupleValue::Binary(bytes.to_vec()),
                })
                .collect(),
        )
    }
}

/// One column value of a [`TupleRef`]; see [`TupleValue`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TupleValueRef<'a> {
    Null,
    UnchangedToast,
    Text(&'a str),
    Binary(&'a [u8]),
}

//! The baseline of part 1: a raw mysql_async binlog client, the way a program that reads the
//! binlog itself would, on the same server and with the same settings as the view's stream.
//!
//! It connects over the Unix socket, sets `@mariadb_slave_capability = 4` and a 1 s heartbeat
//! (as the origin does), registers as a replica with a server id of its own
//! (`Conn::get_binlog_stream` with a `BinlogStreamRequest` from a `file:pos`), and reads events.
//! Every rows event is decoded row by row (`RowsEventData::rows` with its table map), every
//! value of every row image is turned into an owned value (integers as `i64`, strings checked
//! as UTF-8 and kept as `String`), and a transaction's rows are collected until its XID event,
//! where they are dropped: the same decoding work the view's stream does before handing a
//! transaction to the engine, minus the engine. Values are moved out of the driver's rows
//! rather than copied, which makes it the stricter baseline.
//!
//! [`RawBinlog::decode_until`] reads on the caller's task (the cold client, started after the
//! commit). [`LiveBinlog`] reads on a task of its own from the moment it registers, like the
//! view's stream, and notes when each XID was decoded: MariaDB's dump thread sends a
//! transaction while the committing statement has yet to return (it is signalled once the
//! binlog is written, before the storage engine commits), so a client that only started
//! reading when COMMIT returned would be timed for work a streaming reader has already done.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use tether_origins::mysql::driver::binlog::events::{EventData, RowsEventData};
use tether_origins::mysql::driver::binlog::row::BinlogRow;
use tether_origins::mysql::driver::binlog::value::BinlogValue;
use tether_origins::mysql::driver::prelude::Queryable;
use tether_origins::mysql::driver::{BinlogStream, BinlogStreamRequest, Value};
use tether_origins::mysql::{next_binlog_event, BinlogPosition};

use super::Env;
use crate::sync_bench::{ctx, BenchResult};

/// Server ids of the raw clients: distinct from the server (1) and from the origin's streams
/// (`0x40000000 | pid << 15` and up).
static NEXT_SERVER_ID: AtomicU32 = AtomicU32::new(0x2000_0000);
/// MariaDB's ANNOTATE_ROWS, BINLOG_CHECKPOINT, GTID and GTID_LIST events, and heartbeats: no
/// rows and no framing the baseline needs (it ends a transaction at its XID).
const SKIPPED_EVENTS: [u8; 5] = [160, 161, 162, 163, 27];
/// No event for this long: give up.
const SILENCE_LIMIT: Duration = Duration::from_secs(600);

/// One decoded value. Held until the transaction's XID and never read: the decoding is the
/// work being measured.
#[derive(Debug)]
#[allow(dead_code)]
pub enum Decoded {
    Null,
    Int(i64),
    UInt(u64),
    Text(String),
    Bytes(Vec<u8>),
    Other(Value),
}

/// One decoded row change: the before and after images.
type DecodedRow = (Option<Vec<Decoded>>, Option<Vec<Decoded>>);

/// What one transaction held.
#[derive(Debug, Default, Clone, Copy)]
pub struct Transaction {
    /// Row changes (an UPDATE of one row is one, with two images).
    pub rows: u64,
    /// Values decoded, over all images.
    pub values: u64,
    /// When its first rows event arrived.
    pub first_rows: Option<Instant>,
}

/// A raw binlog client reading from a position.
pub struct RawBinlog {
    stream: BinlogStream,
    file: String,
    format_seen: bool,
}

impl RawBinlog {
    /// Connects, registers as a replica and starts reading at `from`.
    pub async fn open(env: &Env, from: &BinlogPosition) -> BenchResult<RawBinlog> {
        let mut conn = env.connect("").await?;
        conn.query_drop("SET @mariadb_slave_capability = 4, @master_heartbeat_period = 1000000000")
            .await
            .map_err(ctx("setting up the binlog connection"))?;
        let server_id = NEXT_SERVER_ID.fetch_add(1, Ordering::Relaxed);
        let request = BinlogStreamRequest::new(server_id)
            .with_filename(from.file.as_bytes())
            .with_pos(from.pos);
        let stream = conn
            .get_binlog_stream(request)
            .await
            .map_err(ctx("requesting the binlog stream"))?;
        Ok(RawBinlog {
            stream,
            file: from.file.clone(),
            format_seen: false,
        })
    }

    /// Reads and decodes events until the XID event that ends at or after `end`; returns what
    /// the transactions up to it held (summed).
    pub async fn decode_until(&mut self, end: &BinlogPosition) -> BenchResult<Transaction> {
        let mut total = Transaction::default();
        loop {
            let (at, txn) = self.next_transaction().await?;
            total.rows += txn.rows;
            total.values = total.values.max(txn.values);
            total.first_rows = total.first_rows.or(txn.first_rows);
            if at.ordinal() >= end.ordinal() {
                return Ok(total);
            }
        }
    }

    /// Reads and decodes events up to the next XID; returns where that XID ends and what the
    /// transaction held.
    async fn next_transaction(&mut self) -> BenchResult<(BinlogPosition, Transaction)> {
        let mut txn = Transaction::default();
        let mut open: Vec<DecodedRow> = Vec::new();
        loop {
            let event = tokio::time::timeout(SILENCE_LIMIT, next_binlog_event(&mut self.stream))
                .await
                .map_err(|_| format!("no binlog event for {SILENCE_LIMIT:?}"))?
                .ok_or("the server ended the binlog stream")?
                .map_err(ctx("reading the binlog"))?;
            let kind = event.header().event_type_raw();
            if SKIPPED_EVENTS.contains(&kind) {
                continue;
            }
            let log_pos = u64::from(event.header().log_pos());
            let data = event.read_data().map_err(ctx("decoding a binlog event"))?;
            match data {
                Some(EventData::FormatDescriptionEvent(_)) => self.format_seen = true,
                Some(EventData::RotateEvent(rotate)) if self.format_seen => {
                    self.file = String::from_utf8_lossy(rotate.name_raw()).into_owned();
                }
                Some(EventData::RowsEvent(rows)) => {
                    txn.first_rows.get_or_insert_with(Instant::now);
                    let Some(map) = self.stream.get_tme(rows.table_id()) else {
                        return Err(format!("rows of unknown table id {}", rows.table_id()));
                    };
                    decode_rows(&rows, map, &mut open, &mut txn)?;
                }
                Some(EventData::XidEvent(_)) => {
                    drop(open);
                    return Ok((BinlogPosition::new(self.file.clone(), log_pos), txn));
                }
                _ => {}
            }
        }
    }

    /// Reads on a task of its own from now on (see [`LiveBinlog`]).
    pub fn spawn_live(mut self) -> LiveBinlog {
        let (sender, receiver) = mpsc::unbounded_channel();
        let task = tokio::spawn(async move {
            loop {
                let seen = self.next_transaction().await.map(|(at, txn)| Commit {
                    ordinal: at.ordinal(),
                    decoded: Instant::now(),
                    txn,
                });
                let failed = seen.is_err();
                if sender.send(seen).is_err() || failed {
                    break;
                }
            }
            self.close().await;
        });
        LiveBinlog { receiver, task }
    }

    /// Unregisters (closes the connection).
    pub async fn close(self) {
        let _ = self.stream.close().await;
    }
}

fn decode_rows(
    rows: &RowsEventData<'_>,
    map: &tether_origins::mysql::driver::binlog::events::TableMapEvent<'static>,
    open: &mut Vec<DecodedRow>,
    total: &mut Transaction,
) -> BenchResult<()> {
    for row in rows.rows(map) {
        let (before, after) = row.map_err(ctx("decoding a row"))?;
        let before = before.map(|r| decode_image(r, total));
        let after = after.map(|r| decode_image(r, total));
        open.push((before, after));
        total.rows += 1;
    }
    Ok(())
}

fn decode_image(row: BinlogRow, total: &mut Transaction) -> Vec<Decoded> {
    let values = row.unwrap();
    total.values += values.len() as u64;
    values
        .into_iter()
        .map(|value| match value {
            BinlogValue::Value(Value::NULL) => Decoded::Null,
            BinlogValue::Value(Value::Int(i)) => Decoded::Int(i),
            BinlogValue::Value(Value::UInt(u)) => Decoded::UInt(u),
            BinlogValue::Value(Value::Bytes(b)) => match String::from_utf8(b) {
                Ok(text) => Decoded::Text(text),
                Err(e) => Decoded::Bytes(e.into_bytes()),
            },
            BinlogValue::Value(other) => Decoded::Other(other),
            other => Decoded::Other(Value::Bytes(format!("{other:?}").into_bytes())),
        })
        .collect()
}

/// One transaction a live client decoded: where its XID ends, when it was decoded, and what it
/// held.
struct Commit {
    ordinal: u64,
    decoded: Instant,
    txn: Transaction,
}

/// A raw client streaming on a task of its own (see the module doc).
pub struct LiveBinlog {
    receiver: mpsc::UnboundedReceiver<BenchResult<Commit>>,
    task: JoinHandle<()>,
}

impl LiveBinlog {
    /// Waits until the client has decoded the XID that ends at or after `end`; returns when it
    /// did, and what the transactions up to it held (summed).
    pub async fn wait_for(&mut self, end: &BinlogPosition) -> BenchResult<(Instant, Transaction)> {
        let mut total = Transaction::default();
        loop {
            let commit = tokio::time::timeout(SILENCE_LIMIT, self.receiver.recv())
                .await
                .map_err(|_| format!("the live binlog client saw no commit for {SILENCE_LIMIT:?}"))?
                .ok_or("the live binlog client stopped")??;
            total.rows += commit.txn.rows;
            total.values = total.values.max(commit.txn.values);
            total.first_rows = total.first_rows.or(commit.txn.first_rows);
            if commit.ordinal >= end.ordinal() {
                return Ok((commit.decoded, total));
            }
        }
    }

    /// Stops the client (it unregisters).
    pub fn stop(self) {
        self.task.abort();
    }
}

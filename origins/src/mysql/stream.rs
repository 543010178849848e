//! The change stream of one table: a binlog connection registered as a replica (with
//! `@mariadb_slave_capability = 4` and a 1 s heartbeat), reading ROW events from the view's
//! `file:pos`. Table-map events of the table are checked against the view's columns; rows
//! events are decoded into whole origin transactions, delivered at their XID (or COMMIT), with
//! the position after it. Transactions of other tables and databases (the binlog is
//! server-wide) become progress. DDL on the table ends the stream with a setup error: the view
//! stays in error until REFRESH.
//!
//! Transaction framing: a MariaDB GTID event (type 162, parsed here: mysql_common does not
//! know it) or a MySQL GTID event opens a transaction, as does `BEGIN`. XID or `COMMIT` closes
//! it; a DDL statement outside `BEGIN` (MariaDB's standalone GTID flag, MySQL's DDL after its
//! GTID) closes it too.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures_core::Stream;
use mysql_async::binlog::events::{
    Event, EventData, OptionalMetaExtractor, RowsEventData, TableMapEvent,
};
use mysql_async::consts::ColumnType;
use mysql_async::prelude::Queryable;
use mysql_async::{BinlogStream, BinlogStreamRequest};
use tether_engine::sync::{
    BoxFuture, ChangeStream, OriginChange, OriginChangeKind, OriginError, OriginRow, OriginTable,
    OriginTableName, Position, StreamEvent,
};

use super::ddl::{effect_on, query_kind, Effect, QueryKind};
use super::error::MySqlError;
use super::origin::{Inner, TableInfo};
use super::position::{clean_file_name, BinlogPosition};
use super::row_image::{ImageColumns, ImageError, ImageLayout};
use super::types::{from_binlog, ColumnInfo, ColumnKind};
use tether_engine::Value;

/// No event (heartbeats come every second) for this long means the connection is dead.
const SILENCE_LIMIT: Duration = Duration::from_secs(20);
/// The heartbeat period asked of the server, in nanoseconds.
const HEARTBEAT_NANOS: u64 = 1_000_000_000;

/// MariaDB's GTID event, unknown to mysql_common.
const MARIADB_GTID_EVENT: u8 = 162;
/// MariaDB's GTID flag: the transaction has no terminating XID or COMMIT (DDL).
const MARIADB_GTID_STANDALONE: u8 = 0x01;
/// MariaDB's ANNOTATE_ROWS, BINLOG_CHECKPOINT and GTID_LIST events: no data for a view.
const MARIADB_IGNORED_EVENTS: [u8; 3] = [160, 161, 163];
/// HEARTBEAT_LOG_EVENT: liveness, and the position the server is at when idle.
const HEARTBEAT_EVENT: u8 = 27;

/// The origin encoding of each of the view's columns, found by name in the table's current
/// description.
#[derive(Debug, Clone)]
pub struct Layout {
    pub columns: Vec<ColumnInfo>,
}

impl Layout {
    /// The view's columns (`table`, as the view was created) in the origin's current shape
    /// (`info`). A column that is gone or changed type is a setup error.
    pub fn new(info: &TableInfo, table: &OriginTable) -> Result<Layout, OriginError> {
        let mut columns = Vec::with_capacity(table.columns.len());
        for column in &table.columns {
            let Some(current) = info.column(&column.name) else {
                return Err(schema_changed(
                    &table.name,
                    &format!("column \"{}\" is gone", column.name),
                ));
            };
            if current.data_type != column.data_type {
                return Err(schema_changed(
                    &table.name,
                    &format!(
                        "column \"{}\" is now {} ({}), the view has {}",
                        column.name, current.column_type, current.data_type, column.data_type
                    ),
                ));
            }
            columns.push(current.clone());
        }
        Ok(Layout { columns })
    }
}

fn schema_changed(table: &OriginTableName, what: &str) -> OriginError {
    OriginError::Setup(format!(
        "the table {table} changed at the origin ({what}): REFRESH the view, or drop and \
         re-create it"
    ))
}

/// The next event of a binlog stream; `None` when the server ended it.
pub async fn next_binlog_event(
    stream: &mut BinlogStream,
) -> Option<Result<Event, mysql_async::Error>> {
    std::future::poll_fn(|cx| Pin::new(&mut *stream).poll_next(cx)).await
}

/// Opens the stream that continues from `from` (a snapshot's position, or the last one the
/// view applied).
pub async fn open(
    inner: &Inner,
    table: &OriginTable,
    from: &Position,
) -> Result<MyStream, OriginError> {
    let start = BinlogPosition::from_position(from)?;
    let info = inner.table_info(&table.name).await?;
    let layout = Layout::new(&info, table)?;
    let mut conn = inner.connect().await?;
    conn.query_drop(format!(
        "SET @mariadb_slave_capability = 4, @master_heartbeat_period = {HEARTBEAT_NANOS}, \
         @source_heartbeat_period = {HEARTBEAT_NANOS}"
    ))
    .await
    .map_err(MySqlError::from)?;
    let request = BinlogStreamRequest::new(inner.next_server_id())
        .with_filename(start.file.as_bytes())
        .with_pos(start.pos);
    let binlog = conn
        .get_binlog_stream(request)
        .await
        .map_err(MySqlError::from)?;
    let all_columns = vec![true; table.columns.len()];
    let mut key_columns: Vec<bool> = table
        .columns
        .iter()
        .map(|c| table.primary_key.contains(&c.name))
        .collect();
    if !key_columns.contains(&true) {
        key_columns.clone_from(&all_columns);
    }
    Ok(MyStream {
        binlog,
        table: table.name.clone(),
        layout: Arc::new(layout),
        column_names: table.columns.iter().map(|c| c.name.clone()).collect(),
        key_columns,
        all_columns,
        described: info.columns.iter().map(|c| c.name.clone()).collect(),
        file: start.file.clone(),
        format_seen: false,
        payload_end: None,
        reported: start.to_position().ordinal,
        pending: None,
        maps: HashMap::new(),
        tables: TableCacheHandle(inner.tables_handle()),
    })
}

/// Lets a stream forget its table's cached description when the table changes.
struct TableCacheHandle(super::origin::TableCache);

/// Where each of the view's columns is in a table map's columns.
#[derive(Debug)]
struct Mapping {
    positions: Vec<usize>,
    /// How to decode the row images of the table map's rows events; `None`: with mysql_common.
    image: Option<ImageLayout>,
}

/// A transaction being received.
struct Pending {
    changes: Vec<OriginChange>,
    /// Opened by BEGIN (or a MariaDB GTID that is not standalone): ends at XID or COMMIT only.
    begun: bool,
}

/// A live binlog stream for one table.
pub struct MyStream {
    binlog: BinlogStream,
    table: OriginTableName,
    layout: Arc<Layout>,
    /// The view's column names, in order.
    column_names: Vec<String>,
    /// The view's primary key columns: all a before image (UPDATE, DELETE) needs to carry.
    key_columns: Vec<bool>,
    /// Every column of the view: what an after image carries.
    all_columns: Vec<bool>,
    /// The table's column names when the stream opened, in origin order (for table maps
    /// without column names).
    described: Vec<String>,
    /// The binlog file being read.
    file: String,
    /// A format description event arrived (from then on the crate strips checksums).
    format_seen: bool,
    /// The end of the compressed transaction payload being read (MySQL).
    payload_end: Option<u64>,
    /// The ordinal of the last position reported.
    reported: u64,
    pending: Option<Pending>,
    /// Table map of each table id of our table (ids change after DDL and FLUSH).
    maps: HashMap<u64, Mapping>,
    tables: TableCacheHandle,
}

impl ChangeStream for MyStream {
    fn next(&mut self) -> BoxFuture<'_, Result<StreamEvent, OriginError>> {
        Box::pin(self.next_event())
    }

    fn acknowledge(&mut self, position: &Position) {
        // There is nothing to confirm at a MySQL server: the view keeps its position.
        let _ = position;
    }
}

impl MyStream {
    async fn next_event(&mut self) -> Result<StreamEvent, OriginError> {
        loop {
            let event = match tokio::time::timeout(
                SILENCE_LIMIT,
                next_binlog_event(&mut self.binlog),
            )
            .await
            {
                Err(_) => {
                    return Err(OriginError::Unavailable(format!(
                        "no binlog event or heartbeat for {} s",
                        SILENCE_LIMIT.as_secs()
                    )))
                }
                Ok(None) => {
                    return Err(OriginError::Unavailable(
                        "the server ended the binlog stream".into(),
                    ))
                }
                Ok(Some(Err(e))) => return Err(MySqlError::from(e).into()),
                Ok(Some(Ok(event))) => event,
            };
            if let Some(out) = self.handle(&event)? {
                return Ok(out);
            }
        }
    }

    /// Takes one event; returns what the view should see, if anything.
    fn handle(&mut self, event: &Event) -> Result<Option<StreamEvent>, OriginError> {
        let header = event.header();
        let log_pos = u64::from(header.log_pos());
        let kind = header.event_type_raw();
        if kind == MARIADB_GTID_EVENT {
            let flags = event.data().get(12).copied().unwrap_or(0);
            self.begin(flags & MARIADB_GTID_STANDALONE == 0);
            return Ok(None);
        }
        if kind == HEARTBEAT_EVENT {
            // Sent when the server has nothing more: the end of the named file.
            if event.data() == self.file.as_bytes() {
                return Ok(self.progress(log_pos));
            }
            return Ok(None);
        }
        if MARIADB_IGNORED_EVENTS.contains(&kind) {
            return Ok(self.progress(log_pos));
        }
        let data = event
            .read_data()
            .map_err(|e| OriginError::Sql(format!("cannot decode a binlog event: {e}")))?;
        match data {
            Some(EventData::RotateEvent(rotate)) => {
                let name = rotate.name_raw();
                self.file = if self.format_seen {
                    String::from_utf8_lossy(name).into_owned()
                } else if name.starts_with(self.file.as_bytes()) {
                    // The artificial rotate at stream start comes before the format
                    // description, so its checksum is left on the name
                    // (blackbeam/mysql_async#189): it names the file we asked for.
                    self.file.clone()
                } else {
                    clean_file_name(name)
                };
                if self.pending.is_none() {
                    return Ok(
                        self.report(BinlogPosition::new(self.file.clone(), rotate.position()))
                    );
                }
                return Ok(None);
            }
            Some(EventData::FormatDescriptionEvent(_)) => self.format_seen = true,
            Some(EventData::TransactionPayloadEvent(_)) => {
                // MySQL binlog transaction compression: the crate hands out the events inside
                // next; the transaction ends (for resuming) after the whole payload.
                self.payload_end = Some(log_pos);
                return Ok(None);
            }
            Some(EventData::GtidEvent(_)) | Some(EventData::AnonymousGtidEvent(_)) => {
                self.begin(false);
                return Ok(None);
            }
            Some(EventData::XidEvent(_)) => return Ok(self.commit(log_pos)),
            Some(EventData::QueryEvent(query)) => {
                let text = query.query();
                match query_kind(&text) {
                    QueryKind::Begin => {
                        self.begin(true);
                        return Ok(None);
                    }
                    QueryKind::Commit | QueryKind::Rollback => return Ok(self.commit(log_pos)),
                    QueryKind::Inside => {}
                    QueryKind::Statement => {
                        self.statement(&text, &query.schema())?;
                        if !self.pending.as_ref().is_some_and(|p| p.begun) {
                            return Ok(self.commit(log_pos));
                        }
                    }
                }
            }
            Some(EventData::TableMapEvent(map)) => self.map_table(&map)?,
            Some(EventData::RowsEvent(rows)) => self.rows(&rows)?,
            _ => {}
        }
        Ok(self.progress(log_pos))
    }

    /// A DDL or statement-logged DML statement.
    fn statement(&mut self, text: &str, schema: &str) -> Result<(), OriginError> {
        match effect_on(text, schema, &self.table) {
            Effect::None => Ok(()),
            Effect::Truncate => {
                self.push(OriginChange {
                    table: self.table.clone(),
                    kind: OriginChangeKind::Truncate,
                    old: None,
                    new: None,
                });
                Ok(())
            }
            Effect::SchemaChange => {
                self.tables.forget(&self.table);
                Err(schema_changed(&self.table, &format!("`{}`", shorten(text))))
            }
            Effect::StatementDml => Err(OriginError::Setup(format!(
                "a change of {} was logged as an SQL statement, not as rows (`{}`): the session \
                 ran with binlog_format STATEMENT or MIXED; tether needs row events: SET GLOBAL \
                 binlog_format = 'ROW' (and in the configuration), then REFRESH the view",
                self.table,
                shorten(text)
            ))),
        }
    }

    fn begin(&mut self, begun: bool) {
        match &mut self.pending {
            Some(pending) => pending.begun |= begun,
            None => {
                self.pending = Some(Pending {
                    changes: Vec::new(),
                    begun,
                })
            }
        }
    }

    fn push(&mut self, change: OriginChange) {
        self.begin(false);
        if let Some(pending) = &mut self.pending {
            pending.changes.push(change);
        }
    }

    /// The end of a transaction at `log_pos`.
    fn commit(&mut self, log_pos: u64) -> Option<StreamEvent> {
        let log_pos = self.payload_end.take().unwrap_or(log_pos);
        let changes = self.pending.take().map(|p| p.changes).unwrap_or_default();
        let position = BinlogPosition::new(self.file.clone(), log_pos);
        if changes.is_empty() {
            return self.report(position);
        }
        let position = position.to_position();
        self.reported = self.reported.max(position.ordinal);
        Some(StreamEvent::Transaction(
            tether_engine::sync::OriginTransaction { position, changes },
        ))
    }

    /// Progress to `log_pos` of the current file, when outside a transaction.
    fn progress(&mut self, log_pos: u64) -> Option<StreamEvent> {
        if self.pending.is_some() || self.payload_end.is_some() || log_pos == 0 {
            return None;
        }
        self.report(BinlogPosition::new(self.file.clone(), log_pos))
    }

    /// Progress to `position` if it is past what was reported.
    fn report(&mut self, position: BinlogPosition) -> Option<StreamEvent> {
        let position = position.to_position();
        if position.ordinal <= self.reported {
            return None;
        }
        self.reported = position.ordinal;
        Some(StreamEvent::Progress(position))
    }

    /// Remembers where the view's columns are in a table map of our table.
    fn map_table(&mut self, map: &TableMapEvent<'_>) -> Result<(), OriginError> {
        let id = map.table_id();
        if map.database_name() != self.table.schema || map.table_name() != self.table.name {
            self.maps.remove(&id);
            return Ok(());
        }
        let count = usize::try_from(map.columns_count()).unwrap_or(usize::MAX);
        let names: Vec<String> = OptionalMetaExtractor::new(map.iter_optional_meta())
            .map(|meta| {
                meta.iter_column_name()
                    .filter_map(Result::ok)
                    .map(|n| n.name().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        let mut positions = Vec::with_capacity(self.column_names.len());
        for (column, info) in self.column_names.iter().zip(&self.layout.columns) {
            let position = if names.len() == count {
                names.iter().position(|n| n == column)
            } else if self.described.len() == count {
                // binlog_row_metadata = MINIMAL/NO_LOG: the columns as described.
                self.described.iter().position(|n| n == column)
            } else {
                None
            };
            let Some(position) = position else {
                self.tables.forget(&self.table);
                return Err(schema_changed(
                    &self.table,
                    &format!("the binlog's row images have no column \"{column}\""),
                ));
            };
            let binlog_type = map.get_column_type(position).ok().flatten();
            if !binlog_type.is_some_and(|t| compatible(&info.kind, t)) {
                self.tables.forget(&self.table);
                return Err(schema_changed(
                    &self.table,
                    &format!(
                        "column \"{column}\" arrives as {binlog_type:?}, the view expects {}",
                        info.column_type
                    ),
                ));
            }
            positions.push(position);
        }
        let image = ImageLayout::new(map, &positions);
        self.maps.insert(id, Mapping { positions, image });
        Ok(())
    }

    /// Decodes the rows of a rows event of our table into the open transaction.
    fn rows(&mut self, rows: &RowsEventData<'_>) -> Result<(), OriginError> {
        let id = rows.table_id();
        let Some(mapping) = self.maps.get(&id) else {
            return Ok(());
        };
        let Some(map) = self.binlog.get_tme(id) else {
            return Ok(());
        };
        let kind = match rows {
            RowsEventData::WriteRowsEvent(_) | RowsEventData::WriteRowsEventV1(_) => {
                OriginChangeKind::Insert
            }
            RowsEventData::UpdateRowsEvent(_) | RowsEventData::UpdateRowsEventV1(_) => {
                OriginChangeKind::Update
            }
            RowsEventData::DeleteRowsEvent(_) | RowsEventData::DeleteRowsEventV1(_) => {
                OriginChangeKind::Delete
            }
            RowsEventData::PartialUpdateRowsEvent(_) => {
                return Err(OriginError::Setup(format!(
                    "the binlog holds partial JSON updates of {}: SET GLOBAL \
                     binlog_row_value_options = '' at the origin, then REFRESH the view",
                    self.table
                )))
            }
        };
        // The rows go straight into the open transaction (one vector, grown by doubling).
        let pending = self.pending.get_or_insert_with(|| Pending {
            changes: Vec::new(),
            begun: false,
        });
        let mut changes = std::mem::take(&mut pending.changes);
        let decoded = match &mapping.image {
            Some(layout) => self.decode_images(rows, layout, kind, &mut changes),
            None => self.decode_with_driver(rows, map, mapping, kind, &mut changes),
        };
        if let Some(pending) = &mut self.pending {
            pending.changes = changes;
        }
        decoded
    }

    /// The rows of a rows event, read with the table map's [`ImageLayout`]. Before images
    /// (UPDATE, DELETE) are converted only in the key columns: the rest is NULL.
    fn decode_images(
        &self,
        rows: &RowsEventData<'_>,
        layout: &ImageLayout,
        kind: OriginChangeKind,
        changes: &mut Vec<OriginChange>,
    ) -> Result<(), OriginError> {
        let before = rows
            .columns_before_image()
            .map(|bits| ImageColumns::new(bits.iter().map(|bit| *bit)));
        let after = rows
            .columns_after_image()
            .map(|bits| ImageColumns::new(bits.iter().map(|bit| *bit)));
        let images = [(&before, &self.key_columns), (&after, &self.all_columns)];
        for (image, wanted) in images {
            if let Some(image) = image {
                self.check_carried(wanted, |view_column| layout.carries(image, view_column))?;
            }
        }
        let columns = &self.layout.columns;
        let mut data = rows.rows_data();
        while !data.is_empty() {
            let left = data.len();
            let mut decode = |image: &Option<ImageColumns>, wanted: &[bool]| {
                image
                    .as_ref()
                    .map(|image| layout.decode(&mut data, image, wanted, columns))
                    .transpose()
                    .map(|values| values.map(|values| OriginRow::new(values, None)))
                    .map_err(|e| self.image_error(e))
            };
            let old = decode(&before, &self.key_columns)?;
            let new = decode(&after, &self.all_columns)?;
            if data.len() == left {
                // A row that takes no bytes (a table map without columns): never ends.
                return Err(self.image_error(ImageError::Truncated));
            }
            changes.push(OriginChange {
                table: self.table.clone(),
                kind,
                old,
                new,
            });
        }
        Ok(())
    }

    /// The rows of a rows event, decoded by mysql_common (tables with columns the
    /// [`ImageLayout`] does not read). Before images are converted only in the key columns.
    fn decode_with_driver(
        &self,
        rows: &RowsEventData<'_>,
        map: &TableMapEvent<'_>,
        mapping: &Mapping,
        kind: OriginChangeKind,
        changes: &mut Vec<OriginChange>,
    ) -> Result<(), OriginError> {
        for row in rows.rows(map) {
            let (before, after) = row.map_err(|e| {
                OriginError::Sql(format!("cannot decode a row of {}: {e}", self.table))
            })?;
            let decode = |row: Option<mysql_async::binlog::row::BinlogRow>, wanted: &[bool]| {
                row.map(|row| self.origin_row(&row, mapping, wanted))
                    .transpose()
            };
            changes.push(OriginChange {
                table: self.table.clone(),
                kind,
                old: decode(before, &self.key_columns)?,
                new: decode(after, &self.all_columns)?,
            });
        }
        Ok(())
    }

    fn origin_row(
        &self,
        row: &mysql_async::binlog::row::BinlogRow,
        mapping: &Mapping,
        wanted: &[bool],
    ) -> Result<OriginRow, OriginError> {
        self.check_carried(wanted, |view_column| {
            mapping
                .positions
                .get(view_column)
                .is_some_and(|&position| row.as_ref(position).is_some())
        })?;
        let mut values = Vec::with_capacity(mapping.positions.len());
        for ((&position, column), &wanted) in mapping
            .positions
            .iter()
            .zip(&self.layout.columns)
            .zip(wanted)
        {
            let value = match row.as_ref(position) {
                Some(value) if wanted => from_binlog(value, column)
                    .map_err(|e| OriginError::Setup(format!("table {}: {e}", self.table)))?,
                _ => Value::Null,
            };
            values.push(value);
        }
        Ok(OriginRow::new(values, None))
    }

    /// An error unless every `wanted` view column is `carried` by a row image.
    fn check_carried(
        &self,
        wanted: &[bool],
        carried: impl Fn(usize) -> bool,
    ) -> Result<(), OriginError> {
        let missing = wanted
            .iter()
            .enumerate()
            .find(|&(view_column, &wanted)| wanted && !carried(view_column));
        match missing.and_then(|(view_column, _)| self.layout.columns.get(view_column)) {
            None => Ok(()),
            Some(column) => Err(OriginError::Setup(format!(
                "a row image of {} lacks column \"{}\": set binlog_row_image = FULL at the \
                 origin, then REFRESH the view",
                self.table, column.name
            ))),
        }
    }

    fn image_error(&self, error: ImageError) -> OriginError {
        match error {
            ImageError::Truncated => OriginError::Sql(format!(
                "cannot decode a row of {}: a row image ends early",
                self.table
            )),
            ImageError::Value(e) => OriginError::Setup(format!("table {}: {e}", self.table)),
        }
    }
}

impl TableCacheHandle {
    fn forget(&self, table: &OriginTableName) {
        self.0
            .lock()
            .retain(|key, info| key != table && info.table.name != *table);
    }
}

/// Whether a binlog column type can carry values of a column of `kind`.
fn compatible(kind: &ColumnKind, binlog: ColumnType) -> bool {
    use ColumnType::*;
    let blob = matches!(
        binlog,
        MYSQL_TYPE_TINY_BLOB | MYSQL_TYPE_MEDIUM_BLOB | MYSQL_TYPE_LONG_BLOB | MYSQL_TYPE_BLOB
    );
    let string = matches!(
        binlog,
        MYSQL_TYPE_VARCHAR | MYSQL_TYPE_VAR_STRING | MYSQL_TYPE_STRING
    );
    match kind {
        ColumnKind::Signed { .. } | ColumnKind::Unsigned { .. } => matches!(
            binlog,
            MYSQL_TYPE_TINY
                | MYSQL_TYPE_SHORT
                | MYSQL_TYPE_INT24
                | MYSQL_TYPE_LONG
                | MYSQL_TYPE_LONGLONG
        ),
        ColumnKind::Decimal => matches!(binlog, MYSQL_TYPE_NEWDECIMAL | MYSQL_TYPE_DECIMAL),
        ColumnKind::Float => binlog == MYSQL_TYPE_FLOAT,
        ColumnKind::Double => binlog == MYSQL_TYPE_DOUBLE,
        ColumnKind::Text { .. } | ColumnKind::Binary { .. } => blob || string,
        ColumnKind::Date => matches!(binlog, MYSQL_TYPE_NEWDATE | MYSQL_TYPE_DATE),
        ColumnKind::DateTime => matches!(binlog, MYSQL_TYPE_DATETIME | MYSQL_TYPE_DATETIME2),
        ColumnKind::Timestamp => matches!(binlog, MYSQL_TYPE_TIMESTAMP | MYSQL_TYPE_TIMESTAMP2),
        ColumnKind::Time => matches!(binlog, MYSQL_TYPE_TIME | MYSQL_TYPE_TIME2),
        ColumnKind::Year => binlog == MYSQL_TYPE_YEAR,
        ColumnKind::Bit { .. } => binlog == MYSQL_TYPE_BIT,
        ColumnKind::Json { binary: true } => binlog == MYSQL_TYPE_JSON,
        ColumnKind::Json { binary: false } => blob,
        ColumnKind::Enum { .. } => binlog == MYSQL_TYPE_ENUM || string,
        ColumnKind::Set { .. } => binlog == MYSQL_TYPE_SET || string,
    }
}

/// A statement for an error message: one line, at most 200 characters.
fn shorten(text: &str) -> String {
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > 200 {
        format!("{}...", line.chars().take(200).collect::<String>())
    } else {
        line
    }
}

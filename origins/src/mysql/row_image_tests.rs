//! Tests of the row image decoder: fixed images, and proptest comparisons with mysql_common's
//! decoding (`RowsEventData::rows` then `from_binlog`) of the same events, built here byte by
//! byte (a table map, then a rows event).

use mysql_async::binlog::events::{Event, EventData, FormatDescriptionEvent, TableMapEvent};
use mysql_async::binlog::BinlogVersion;
use proptest::prelude::*;

use super::*;
use crate::mysql::types::{column_info, ColumnDefinition};

const TABLE_MAP_EVENT: u8 = 19;
const WRITE_ROWS_EVENT: u8 = 30;
const UPDATE_ROWS_EVENT: u8 = 31;

/// A test column: its binlog type and metadata, and the MySQL type the view thinks it has.
#[derive(Debug, Clone)]
struct Spec {
    binlog_type: u8,
    metadata: Vec<u8>,
    data_type: &'static str,
    column_type: String,
    charset: Option<&'static str>,
    octets: Option<u64>,
}

fn spec(binlog_type: u8, metadata: &[u8], data_type: &'static str, column_type: &str) -> Spec {
    Spec {
        binlog_type,
        metadata: metadata.to_vec(),
        data_type,
        column_type: column_type.into(),
        charset: None,
        octets: None,
    }
}

fn info(spec: &Spec, index: usize) -> ColumnInfo {
    column_info(&ColumnDefinition {
        name: format!("c{index}"),
        data_type: spec.data_type.into(),
        column_type: spec.column_type.clone(),
        nullable: true,
        numeric_precision: Some(10),
        numeric_scale: Some(0),
        character_maximum_length: Some(32),
        character_octet_length: spec.octets,
        character_set: spec.charset.map(str::to_string),
        json_check: false,
    })
    .unwrap()
}

fn lenenc(n: usize, out: &mut Vec<u8>) {
    assert!(n < 251);
    out.push(n as u8);
}

/// An event with a v4 header.
fn event(event_type: u8, body: &[u8]) -> Event {
    let mut bytes = vec![0u8; 4];
    bytes.push(event_type);
    bytes.extend_from_slice(&1u32.to_le_bytes());
    bytes.extend_from_slice(&(19 + body.len() as u32).to_le_bytes());
    bytes.extend_from_slice(&0u32.to_le_bytes());
    bytes.extend_from_slice(&0u16.to_le_bytes());
    bytes.extend_from_slice(body);
    let fde = FormatDescriptionEvent::new(BinlogVersion::Version4);
    Event::read(&fde, &bytes[..]).unwrap()
}

fn table_map(specs: &[Spec], signedness: &[u8]) -> TableMapEvent<'static> {
    let mut body = vec![7, 0, 0, 0, 0, 0, 0, 0];
    for name in ["db", "t"] {
        body.push(name.len() as u8);
        body.extend_from_slice(name.as_bytes());
        body.push(0);
    }
    lenenc(specs.len(), &mut body);
    body.extend(specs.iter().map(|s| s.binlog_type));
    let metadata: Vec<u8> = specs.iter().flat_map(|s| s.metadata.clone()).collect();
    lenenc(metadata.len(), &mut body);
    body.extend_from_slice(&metadata);
    body.extend(std::iter::repeat_n(0xff, specs.len().div_ceil(8)));
    // Optional metadata: SIGNEDNESS, one bit per numeric column.
    let numeric = specs
        .iter()
        .filter(|s| matches!(s.binlog_type, 1..=5 | 8 | 9))
        .count();
    if numeric > 0 {
        let bytes = numeric.div_ceil(8);
        body.push(1);
        lenenc(bytes, &mut body);
        body.extend((0..bytes).map(|i| signedness.get(i).copied().unwrap_or(0)));
    }
    let event = event(TABLE_MAP_EVENT, &body);
    match event.read_data().unwrap() {
        Some(EventData::TableMapEvent(map)) => map.into_owned(),
        other => panic!("not a table map: {other:?}"),
    }
}

fn rows_event(event_type: u8, columns: usize, rows_data: &[u8]) -> Event {
    let mut body = vec![7, 0, 0, 0, 0, 0, 0, 0, 2, 0];
    lenenc(columns, &mut body);
    let images = if event_type == UPDATE_ROWS_EVENT {
        2
    } else {
        1
    };
    for _ in 0..images {
        body.extend(std::iter::repeat_n(0xff, columns.div_ceil(8)));
    }
    body.extend_from_slice(rows_data);
    event(event_type, &body)
}

/// One image: NULL bitmap, then the non-NULL values (`None` is NULL).
fn image(values: &[Option<Vec<u8>>]) -> Vec<u8> {
    let mut out = vec![0u8; values.len().div_ceil(8)];
    for (i, value) in values.iter().enumerate() {
        if value.is_none() {
            out[i / 8] |= 1 << (i % 8);
        }
    }
    for value in values.iter().flatten() {
        out.extend_from_slice(value);
    }
    out
}

/// What mysql_common decodes from the event, converted with `from_binlog`: per row, its
/// images. `Err(None)`: the bytes did not decode; `Err(Some(message))`: a value did not
/// convert.
type Decoded = Result<Vec<Vec<Vec<Value>>>, Option<String>>;

fn by_mysql_common(map: &TableMapEvent<'_>, event: &Event, infos: &[ColumnInfo]) -> Decoded {
    let Ok(Some(EventData::RowsEvent(rows))) = event.read_data() else {
        panic!("not a rows event");
    };
    let mut out = Vec::new();
    for row in rows.rows(map) {
        let (before, after) = row.map_err(|_| None)?;
        let mut images = Vec::new();
        for image in [before, after].into_iter().flatten() {
            let values = infos
                .iter()
                .enumerate()
                .map(|(i, info)| from_binlog(image.as_ref(i).unwrap(), info))
                .collect::<Result<Vec<_>, _>>()
                .map_err(Some)?;
            images.push(values);
        }
        out.push(images);
    }
    Ok(out)
}

fn by_layout(map: &TableMapEvent<'_>, event: &Event, infos: &[ColumnInfo]) -> Decoded {
    let Ok(Some(EventData::RowsEvent(rows))) = event.read_data() else {
        panic!("not a rows event");
    };
    let positions: Vec<usize> = (0..infos.len()).collect();
    let layout = ImageLayout::new(map, &positions).expect("a layout");
    let wanted = vec![true; infos.len()];
    let images: Vec<ImageColumns> = [rows.columns_before_image(), rows.columns_after_image()]
        .into_iter()
        .flatten()
        .map(|bits| ImageColumns::new(bits.iter().map(|b| *b)))
        .collect();
    let mut data = rows.rows_data();
    let mut out = Vec::new();
    while !data.is_empty() {
        let mut row = Vec::new();
        for image in &images {
            let values = layout
                .decode(&mut data, image, &wanted, infos)
                .map_err(|e| match e {
                    ImageError::Truncated => None,
                    ImageError::Value(message) => Some(message),
                })?;
            row.push(values);
        }
        out.push(row);
    }
    Ok(out)
}

#[test]
fn decodes_an_int_int_varchar_insert() {
    let specs = [
        spec(3, &[], "int", "int(11)"),
        spec(3, &[], "int", "int(11)"),
        spec(15, &[32 * 4, 0], "varchar", "varchar(32)"),
    ];
    let infos: Vec<ColumnInfo> = specs.iter().enumerate().map(|(i, s)| info(s, i)).collect();
    let map = table_map(&specs, &[0]);
    let mut rows = image(&[
        Some(7i32.to_le_bytes().to_vec()),
        Some((-2i32).to_le_bytes().to_vec()),
        Some(b"\x05row 7".to_vec()),
    ]);
    rows.extend(image(&[Some(8i32.to_le_bytes().to_vec()), None, None]));
    let event = rows_event(WRITE_ROWS_EVENT, 3, &rows);
    let decoded = by_layout(&map, &event, &infos).unwrap();
    assert_eq!(
        decoded,
        vec![
            vec![vec![
                Value::Int32(7),
                Value::Int32(-2),
                Value::text("row 7")
            ]],
            vec![vec![Value::Int32(8), Value::Null, Value::Null]],
        ]
    );
    assert_eq!(Ok(decoded), by_mysql_common(&map, &event, &infos));
}

#[test]
fn converts_only_the_wanted_columns() {
    let specs = [
        spec(3, &[], "int", "int(11)"),
        spec(15, &[32 * 4, 0], "varchar", "varchar(32)"),
    ];
    let infos: Vec<ColumnInfo> = specs.iter().enumerate().map(|(i, s)| info(s, i)).collect();
    let map = table_map(&specs, &[0]);
    let layout = ImageLayout::new(&map, &[1, 0]).unwrap();
    let view = [infos[1].clone(), infos[0].clone()];
    // Invalid UTF-8 in the column not wanted: skipped, not converted.
    let bytes = image(&[
        Some(9i32.to_le_bytes().to_vec()),
        Some(b"\x01\xff".to_vec()),
    ]);
    let all = ImageColumns::new([true, true]);
    let mut data = &bytes[..];
    let values = layout
        .decode(&mut data, &all, &[false, true], &view)
        .unwrap();
    assert_eq!(values, vec![Value::Null, Value::Int32(9)]);
    assert!(data.is_empty());
    let mut data = &bytes[..];
    let e = layout.decode(&mut data, &all, &[true, true], &view);
    assert!(matches!(e, Err(ImageError::Value(m)) if m.contains("UTF-8")));
}

#[test]
fn decodes_temporal_values() {
    let specs = [
        spec(14, &[], "date", "date"),
        spec(17, &[3], "timestamp", "timestamp(3)"),
        spec(18, &[6], "datetime", "datetime(6)"),
    ];
    let infos: Vec<ColumnInfo> = specs.iter().enumerate().map(|(i, s)| info(s, i)).collect();
    let map = table_map(&specs, &[]);
    // 2024-02-29; 1700000000.123 s; 2024-02-29 13:14:15.000042.
    let date = 29 | (2 << 5) | (2024 << 9);
    let mut timestamp = 1_700_000_000u32.to_be_bytes().to_vec();
    timestamp.extend(1230u16.to_be_bytes());
    let packed: u64 =
        0x80_0000_0000 + (((((2024 * 13 + 2) << 5) | 29) << 17) | (13 << 12) | (14 << 6) | 15);
    let mut datetime = packed.to_be_bytes()[3..].to_vec();
    datetime.extend(&42u32.to_be_bytes()[1..]);
    let rows = image(&[
        Some(u32::to_le_bytes(date)[..3].to_vec()),
        Some(timestamp),
        Some(datetime),
    ]);
    let event = rows_event(WRITE_ROWS_EVENT, 3, &rows);
    let decoded = by_layout(&map, &event, &infos).unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
    assert_eq!(
        decoded[0][0],
        vec![
            Value::Date(day),
            Value::TimestampTz(
                chrono::DateTime::from_timestamp(1_700_000_000, 123_000_000).unwrap()
            ),
            Value::Timestamp(day.and_hms_micro_opt(13, 14, 15, 42).unwrap()),
        ]
    );
    assert_eq!(Ok(decoded), by_mysql_common(&map, &event, &infos));
}

#[test]
fn truncated_images_are_errors() {
    let specs = [spec(8, &[], "bigint", "bigint(20)")];
    let infos = [info(&specs[0], 0)];
    let map = table_map(&specs, &[0]);
    let layout = ImageLayout::new(&map, &[0]).unwrap();
    let all = ImageColumns::new([true]);
    for bytes in [&[][..], &[0u8, 1, 2][..]] {
        let mut data = bytes;
        let e = layout.decode(&mut data, &all, &[true], &infos);
        assert_eq!(e, Err(ImageError::Truncated));
    }
}

#[test]
fn tables_with_other_types_have_no_layout() {
    // TIME2 (19), metadata: fractional digits.
    let specs = [
        spec(3, &[], "int", "int(11)"),
        spec(19, &[0], "time", "time"),
    ];
    assert!(ImageLayout::new(&table_map(&specs, &[0]), &[0]).is_none());
}

/// A column of a type the layout reads, with a view type for it.
fn any_spec() -> impl Strategy<Value = Spec> {
    prop_oneof![
        Just(spec(1, &[], "tinyint", "tinyint(4)")),
        Just(spec(1, &[], "tinyint", "tinyint(3) unsigned")),
        Just(spec(2, &[], "smallint", "smallint(6)")),
        Just(spec(2, &[], "smallint", "smallint(5) unsigned")),
        Just(spec(9, &[], "mediumint", "mediumint(9)")),
        Just(spec(9, &[], "mediumint", "mediumint(8) unsigned")),
        Just(spec(3, &[], "int", "int(11)")),
        Just(spec(3, &[], "int", "int(10) unsigned")),
        Just(spec(8, &[], "bigint", "bigint(20)")),
        Just(spec(8, &[], "bigint", "bigint(20) unsigned")),
        // Width and view type disagreeing: an INT image of a SMALLINT view column.
        Just(spec(3, &[], "smallint", "smallint(6)")),
        Just(spec(4, &[4], "float", "float")),
        Just(spec(5, &[8], "double", "double")),
        Just(spec(15, &[128, 0], "varchar", "varchar(32)")),
        Just(spec(15, &[0x2c, 0x01], "varchar", "varchar(300)")),
        Just(spec(15, &[32, 0], "varbinary", "varbinary(32)")),
        Just(Spec {
            charset: Some("latin1"),
            ..spec(254, &[254, 32], "char", "char(32)")
        }),
        Just(Spec {
            octets: Some(6),
            ..spec(254, &[254, 6], "binary", "binary(6)")
        }),
        Just(spec(252, &[2], "text", "text")),
        Just(spec(252, &[1], "blob", "tinyblob")),
        Just(spec(252, &[4], "longtext", "longtext")),
        Just(spec(14, &[], "date", "date")),
        Just(spec(13, &[], "year", "year(4)")),
        Just(spec(254, &[247, 1], "enum", "enum('x','y','z')")),
        Just(spec(254, &[247, 2], "enum", "enum('x','y')")),
        Just(spec(254, &[248, 1], "set", "set('a','b','c')")),
        Just(spec(
            254,
            &[248, 2],
            "set",
            "set('a','b','c','d','e','f','g','h','i')"
        )),
        Just(spec(16, &[1, 0], "bit", "bit(1)")),
        Just(spec(16, &[2, 1], "bit", "bit(10)")),
        Just(spec(16, &[0, 8], "bit", "bit(64)")),
        (0u8..=7).prop_map(|digits| spec(17, &[digits], "timestamp", "timestamp")),
        (0u8..=7).prop_map(|digits| spec(18, &[digits], "datetime", "datetime")),
    ]
}

/// The bytes of a TIMESTAMP2's or DATETIME2's fraction of `digits` digits.
fn fraction_width(digits: u8) -> usize {
    match digits {
        1..=6 => usize::from(digits).div_ceil(2),
        _ => 0,
    }
}

/// The bytes of a value of `spec`'s binlog type: the right width, or a length prefix that
/// matches the bytes, from text or from arbitrary bytes.
fn value_bytes(spec: &Spec) -> BoxedStrategy<Vec<u8>> {
    let digits = spec.metadata.first().copied().unwrap_or(0);
    let width = match spec.binlog_type {
        1 => 1,
        2 => 2,
        9 | 14 => 3,
        3 | 4 => 4,
        8 | 5 => 8,
        17 => 4 + fraction_width(digits),
        13 => 1,
        254 if matches!(digits, 247 | 248) => usize::from(spec.metadata[1]),
        16 => (usize::from(spec.metadata[1]) * 8 + usize::from(digits)).div_ceil(8),
        18 => 5 + fraction_width(digits),
        _ => 0,
    };
    if spec.binlog_type == 18 {
        // A DATETIME2 at or after year 0: mysql_common's packing overflows (a panic in a
        // debug build) for the negative ones, which MySQL never writes.
        return proptest::collection::vec(any::<u8>(), width)
            .prop_map(|mut bytes| {
                bytes[0] |= 0x80;
                bytes
            })
            .boxed();
    }
    if width > 0 {
        return proptest::collection::vec(any::<u8>(), width).boxed();
    }
    let prefix = match (spec.binlog_type, spec.metadata.as_slice()) {
        (252, [p]) => usize::from(*p),
        (15, [_, 1]) => 2,
        _ => 1,
    };
    let text = "[a-zé€ \u{1F600}]{0,12}".prop_map(String::into_bytes);
    let bytes = proptest::collection::vec(any::<u8>(), 0..12);
    prop_oneof![text, bytes]
        .prop_map(move |body| {
            let mut out = body.len().to_le_bytes()[..prefix].to_vec();
            out.extend(body);
            out
        })
        .boxed()
}

/// A row: per column, its value's bytes or NULL.
type Row = Vec<Option<Vec<u8>>>;

/// Columns, signedness bits, and rows.
fn any_table() -> impl Strategy<Value = (Vec<Spec>, Vec<u8>, Vec<Row>)> {
    proptest::collection::vec(any_spec(), 1..6).prop_flat_map(|specs| {
        let row = specs
            .iter()
            .map(|s| proptest::option::weighted(0.9, value_bytes(s)))
            .collect::<Vec<_>>();
        (
            Just(specs.clone()),
            proptest::collection::vec(any::<u8>(), 1),
            proptest::collection::vec(row, 1..4),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Whole events decode to what mysql_common decodes, or fail where it fails.
    #[test]
    fn decodes_as_mysql_common((specs, signedness, rows) in any_table(), update in any::<bool>(), cut in 0usize..4) {
        let infos: Vec<ColumnInfo> = specs.iter().enumerate().map(|(i, s)| info(s, i)).collect();
        let map = table_map(&specs, &signedness);
        let mut data = Vec::new();
        for row in &rows {
            data.extend(image(row));
            if update {
                data.extend(image(row));
            }
        }
        // Sometimes cut the last bytes off.
        data.truncate(data.len().saturating_sub(cut.saturating_sub(1)));
        let kind = if update { UPDATE_ROWS_EVENT } else { WRITE_ROWS_EVENT };
        let event = rows_event(kind, specs.len(), &data);
        let ours = by_layout(&map, &event, &infos);
        let theirs = by_mysql_common(&map, &event, &infos);
        match (&ours, &theirs) {
            (Ok(a), Ok(b)) => prop_assert_eq!(format!("{a:?}"), format!("{b:?}")),
            // mysql_common decodes a whole row before converting it: a conversion error may
            // come first here, a truncation there.
            (Err(_), Err(None)) | (Err(None), Err(_)) => {}
            (Err(Some(a)), Err(Some(b))) => prop_assert_eq!(a, b),
            _ => prop_assert!(false, "ours {ours:?}, mysql_common {theirs:?}"),
        }
    }

    /// Arbitrary bytes after a table map never panic.
    #[test]
    fn arbitrary_bytes_do_not_panic(specs in proptest::collection::vec(any_spec(), 1..6), bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        let infos: Vec<ColumnInfo> = specs.iter().enumerate().map(|(i, s)| info(s, i)).collect();
        let map = table_map(&specs, &[0]);
        let positions: Vec<usize> = (0..specs.len()).collect();
        let layout = ImageLayout::new(&map, &positions).unwrap();
        let all = ImageColumns::new(vec![true; specs.len()]);
        let wanted = vec![true; specs.len()];
        let mut data = &bytes[..];
        while !data.is_empty() {
            if layout.decode(&mut data, &all, &wanted, &infos).is_err() {
                break;
            }
        }
    }
}

//! Binlog coordinates as engine [`Position`]s: the label is `file:pos`
//! (`mariadb-bin.000003:1234`), the ordinal `(file sequence number << 32) | pos`, so positions of
//! one server order by file, then by offset. There is no replication slot on MySQL: a stream
//! resumes from the `file:pos` the view acknowledged, which the engine hands back as the `from`
//! position of `Origin::changes`.

use std::sync::Arc;

use tether_engine::sync::{OriginError, Position};

/// A point in the binary log: the file and the byte offset of the next event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinlogPosition {
    pub file: String,
    pub pos: u64,
}

impl BinlogPosition {
    pub fn new(file: impl Into<String>, pos: u64) -> BinlogPosition {
        BinlogPosition {
            file: file.into(),
            pos,
        }
    }

    /// The engine position. Offsets past 4 GiB (one transaction larger than that in one file)
    /// saturate the low 32 bits.
    pub fn to_position(&self) -> Position {
        Position {
            ordinal: self.ordinal(),
            label: Arc::from(format!("{}:{}", self.file, self.pos)),
        }
    }

    /// `(sequence << 32) | pos`.
    pub fn ordinal(&self) -> u64 {
        (file_sequence(&self.file) << 32) | self.pos.min(u64::from(u32::MAX))
    }

    /// Reads a position this module made (its label).
    pub fn from_position(position: &Position) -> Result<BinlogPosition, OriginError> {
        let lost = || {
            OriginError::PositionLost(format!(
                "{position} is not a binlog position (file:offset); the view takes a new snapshot"
            ))
        };
        let (file, pos) = position.label.rsplit_once(':').ok_or_else(lost)?;
        let pos: u64 = pos.parse().map_err(|_| lost())?;
        if file.is_empty() {
            return Err(lost());
        }
        Ok(BinlogPosition::new(file, pos))
    }
}

impl std::fmt::Display for BinlogPosition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.pos)
    }
}

/// The number after the last `.` of a binlog file name (`mariadb-bin.000003` → 3), at most
/// 32 bits; 0 when there is none.
pub fn file_sequence(file: &str) -> u64 {
    file.rsplit_once('.')
        .and_then(|(_, n)| n.parse::<u64>().ok())
        .unwrap_or(0)
        .min(u64::from(u32::MAX))
}

/// A file name as the server sent it in a rotate event, without trailing bytes that are not
/// part of a name (the CRC32 checksum some servers leave on the first, artificial rotate event:
/// blackbeam/mysql_async#189).
pub fn clean_file_name(raw: &[u8]) -> String {
    let end = raw
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'/')))
        .unwrap_or(raw.len());
    String::from_utf8_lossy(&raw[..end]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_order_by_file_then_offset() {
        let a = BinlogPosition::new("mariadb-bin.000003", 1234).to_position();
        let b = BinlogPosition::new("mariadb-bin.000003", 99_999).to_position();
        let c = BinlogPosition::new("mariadb-bin.000004", 4).to_position();
        assert!(a < b && b < c);
        assert_eq!(&*a.label, "mariadb-bin.000003:1234");
        assert_eq!(a.ordinal, (3 << 32) | 1234);
        assert_eq!(
            BinlogPosition::from_position(&a).unwrap(),
            BinlogPosition::new("mariadb-bin.000003", 1234)
        );
        assert!(BinlogPosition::from_position(&Position::numbered(5)).is_err());
    }

    #[test]
    fn rotate_names_lose_trailing_checksum_bytes() {
        assert_eq!(
            clean_file_name(b"mariadb-bin.000001\xfa\x01\xc3\x9f"),
            "mariadb-bin.000001"
        );
        assert_eq!(clean_file_name(b"binlog.000007"), "binlog.000007");
    }
}

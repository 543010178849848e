//! [`MySqlError`]: what can go wrong talking to MySQL or MariaDB, and how it maps onto the
//! engine's [`OriginError`] (unreachable → retry later; setup → say how to fix; purged binlog →
//! new snapshot; statement → report).

use tether_engine::sync::OriginError;

/// Server error codes the origin treats specially.
pub mod codes {
    /// ER_DUP_ENTRY: a duplicate key on INSERT.
    pub const DUPLICATE_ENTRY: u16 = 1062;
    /// ER_LOCK_WAIT_TIMEOUT: retry the origin transaction.
    pub const LOCK_WAIT_TIMEOUT: u16 = 1205;
    /// ER_LOCK_DEADLOCK: retry the origin transaction.
    pub const DEADLOCK: u16 = 1213;
    /// ER_MASTER_FATAL_ERROR_READING_BINLOG: the binlog file or position is gone (purged).
    pub const BINLOG_READ_FAILED: u16 = 1236;
    /// ER_SPECIFIC_ACCESS_DENIED_ERROR: a missing global privilege (REPLICATION SLAVE, ...).
    pub const SPECIFIC_ACCESS_DENIED: u16 = 1227;
    /// ER_ACCESS_DENIED_ERROR: wrong user or password.
    pub const ACCESS_DENIED: u16 = 1045;
    /// ER_DBACCESS_DENIED_ERROR: no access to the database.
    pub const DB_ACCESS_DENIED: u16 = 1044;
    /// ER_TABLEACCESS_DENIED_ERROR: no privilege on the table.
    pub const TABLE_ACCESS_DENIED: u16 = 1142;
    /// ER_COLUMNACCESS_DENIED_ERROR.
    pub const COLUMN_ACCESS_DENIED: u16 = 1143;
    /// ER_BAD_DB_ERROR: unknown database.
    pub const BAD_DB: u16 = 1049;
}

/// Server errors after which the connection is gone or the server is going away.
const CONNECTION_LOST: [u16; 6] = [
    1040, // too many connections
    1053, // server shutdown in progress
    1077, // normal shutdown
    1079, // shutdown complete
    1152, // aborted connection
    1927, // connection killed
];

/// A MySQL/MariaDB origin failure.
#[derive(Debug, thiserror::Error)]
pub enum MySqlError {
    /// An error from the driver or the server.
    #[error("{}", driver_message(.0))]
    Driver(mysql_async::Error),
    /// A value the origin sent that tether cannot represent exactly, or a malformed event.
    #[error("{0}")]
    Decode(String),
    /// The server or table is set up in a way tether cannot use (the text says how to fix it).
    #[error("{0}")]
    Setup(String),
    /// The connection or stream is gone (no heartbeat, stream ended).
    #[error("{0}")]
    Closed(String),
}

impl From<mysql_async::Error> for MySqlError {
    fn from(error: mysql_async::Error) -> MySqlError {
        MySqlError::Driver(error)
    }
}

fn driver_message(error: &mysql_async::Error) -> String {
    match error {
        mysql_async::Error::Server(e) => format!(
            "{} (MySQL error {}, SQLSTATE {})",
            e.message, e.code, e.state
        ),
        other => other.to_string(),
    }
}

impl MySqlError {
    /// The server's error code, if the server answered with an error.
    pub fn code(&self) -> Option<u16> {
        match self {
            MySqlError::Driver(mysql_async::Error::Server(e)) => Some(e.code),
            _ => None,
        }
    }

    /// Whether the connection is gone (retry on a new one).
    pub fn is_connection_loss(&self) -> bool {
        match self {
            MySqlError::Driver(mysql_async::Error::Io(_)) => true,
            MySqlError::Driver(mysql_async::Error::Driver(e)) => matches!(
                e,
                mysql_async::DriverError::ConnectionClosed
                    | mysql_async::DriverError::PacketOutOfOrder
                    | mysql_async::DriverError::UnexpectedPacket { .. }
                    | mysql_async::DriverError::PoolDisconnected
            ),
            MySqlError::Driver(mysql_async::Error::Server(e)) => CONNECTION_LOST.contains(&e.code),
            MySqlError::Closed(_) => true,
            _ => false,
        }
    }

    /// Deadlocks and lock wait timeouts: the origin transaction can be run again.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.code(),
            Some(codes::DEADLOCK | codes::LOCK_WAIT_TIMEOUT)
        )
    }

    /// Permission and authentication failures, which only the administrator can fix.
    pub fn is_access_denied(&self) -> bool {
        matches!(
            self.code(),
            Some(
                codes::SPECIFIC_ACCESS_DENIED
                    | codes::ACCESS_DENIED
                    | codes::DB_ACCESS_DENIED
                    | codes::TABLE_ACCESS_DENIED
                    | codes::COLUMN_ACCESS_DENIED
                    | codes::BAD_DB
            )
        )
    }
}

impl From<MySqlError> for OriginError {
    fn from(error: MySqlError) -> OriginError {
        let text = error.to_string();
        if error.is_connection_loss() {
            return OriginError::Unavailable(text);
        }
        if error.is_access_denied() {
            return OriginError::Setup(text);
        }
        match error {
            MySqlError::Setup(_) | MySqlError::Decode(_) => OriginError::Setup(text),
            MySqlError::Driver(mysql_async::Error::Url(_)) => OriginError::Setup(text),
            _ if error.code() == Some(codes::BINLOG_READ_FAILED) => OriginError::PositionLost(text),
            _ => OriginError::Sql(text),
        }
    }
}

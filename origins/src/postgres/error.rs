//! [`PgError`]: what can go wrong talking to PostgreSQL, and how it maps onto the engine's
//! [`OriginError`] (unreachable → retry later; setup → say how to fix; statement → report).

use tether_engine::sync::OriginError;

/// A PostgreSQL origin failure.
#[derive(Debug, thiserror::Error)]
pub enum PgError {
    #[error("I/O error talking to PostgreSQL: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Closed(String),
    #[error("authentication failed: {0}")]
    Auth(String),
    #[error("PostgreSQL protocol error: {0}")]
    Protocol(String),
    #[error("{message} (SQLSTATE {code})")]
    Server { code: String, message: String },
    /// A client-side failure of the SQL connection (server errors become [`PgError::Server`]).
    #[error("{}", client_message(.0))]
    Client(tokio_postgres::Error),
    #[error("{0}")]
    Decode(String),
    /// The origin table's columns changed under a view.
    #[error("{0}")]
    SchemaChanged(String),
}

impl From<tokio_postgres::Error> for PgError {
    fn from(error: tokio_postgres::Error) -> PgError {
        match error.as_db_error() {
            Some(db) => PgError::Server {
                code: db.code().code().to_string(),
                message: match db.detail() {
                    Some(detail) => format!("{}: {detail}", db.message()),
                    None => db.message().to_string(),
                },
            },
            None => PgError::Client(error),
        }
    }
}

/// A client error with its cause (tokio-postgres puts the detail in the source).
fn client_message(error: &tokio_postgres::Error) -> String {
    match std::error::Error::source(error) {
        Some(source) => format!("{error}: {source}"),
        None => error.to_string(),
    }
}

impl PgError {
    /// The SQLSTATE of a server error, if it is one.
    pub fn sqlstate(&self) -> Option<&str> {
        match self {
            PgError::Server { code, .. } => Some(code),
            PgError::Client(_) => None,
            _ => None,
        }
    }

    /// Whether the connection is gone (retry on a new one).
    pub fn is_connection_loss(&self) -> bool {
        match self {
            PgError::Io(_) | PgError::Closed(_) => true,
            PgError::Client(_) => true,
            PgError::Server { code, .. } => {
                code.starts_with("08") || code.starts_with("57P") || code == "53300"
            }
            _ => false,
        }
    }
}

impl From<PgError> for OriginError {
    fn from(error: PgError) -> OriginError {
        let text = error.to_string();
        if error.is_connection_loss() {
            return OriginError::Unavailable(text);
        }
        match error.sqlstate() {
            Some(code) if code.starts_with("28") || code == "42501" => OriginError::Setup(text),
            _ => match error {
                PgError::Auth(_) | PgError::SchemaChanged(_) => OriginError::Setup(text),
                _ => OriginError::Sql(text),
            },
        }
    }
}

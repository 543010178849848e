//! The engine's error type. Every variant carries a SQLSTATE code (`Error::sqlstate`) so callers
//! can react to the class of failure the way they would with PostgreSQL.

use thiserror::Error as ThisError;

/// Result alias used throughout the engine.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Every failure the engine reports. The `Display` text is the user-facing message; the SQLSTATE
/// code is available from [`Error::sqlstate`].
#[derive(Debug, Clone, PartialEq, ThisError)]
pub enum Error {
    /// 42601: the SQL text does not parse.
    #[error("syntax error at line {line}, column {column}: {message}")]
    Syntax {
        line: u64,
        column: u64,
        message: String,
    },
    /// 42P01
    #[error("relation \"{0}\" does not exist")]
    UndefinedTable(String),
    /// 42703
    #[error("column \"{0}\" does not exist")]
    UndefinedColumn(String),
    /// 42702
    #[error("column reference \"{0}\" is ambiguous")]
    AmbiguousColumn(String),
    /// 42883
    #[error("function {0} does not exist")]
    UndefinedFunction(String),
    /// 42883: no operator for these operand types. The text says which.
    #[error("operator does not exist: {0}")]
    UndefinedOperator(String),
    /// 42704: an index, constraint, type or other named object is missing.
    #[error("{0}")]
    UndefinedObject(String),
    /// 3F000
    #[error("schema \"{0}\" does not exist")]
    UndefinedSchema(String),
    /// 42P02
    #[error("there is no parameter ${0}")]
    UndefinedParameter(usize),
    /// 42P07
    #[error("relation \"{0}\" already exists")]
    DuplicateTable(String),
    /// 42P06
    #[error("schema \"{0}\" already exists")]
    DuplicateSchema(String),
    /// 42701
    #[error("column \"{0}\" specified more than once")]
    DuplicateColumn(String),
    /// 42701: ADD COLUMN / RENAME COLUMN onto an existing name.
    #[error("column \"{column}\" of relation \"{table}\" already exists")]
    ColumnExists { table: String, column: String },
    /// 42701: a user column named like a system column.
    #[error("column name \"{0}\" conflicts with a system column name")]
    SystemColumnName(String),
    /// 42710
    #[error("{0}")]
    DuplicateObject(String),
    /// 42804: a value or expression has the wrong type for where it is used.
    #[error("{0}")]
    DatatypeMismatch(String),
    /// 42809
    #[error("{0}")]
    WrongObjectType(String),
    /// 42803
    #[error("{0}")]
    Grouping(String),
    /// 42P20: window functions where they are not allowed.
    #[error("{0}")]
    Windowing(String),
    /// 42P19: a malformed recursive query.
    #[error("{0}")]
    InvalidRecursion(String),
    /// 42712: the same alias (e.g. WITH query name) twice.
    #[error("{0}")]
    DuplicateAlias(String),
    /// 42P10
    #[error("{0}")]
    InvalidColumnReference(String),
    /// 42P16
    #[error("{0}")]
    InvalidTableDefinition(String),
    /// 2BP01
    #[error("{0}")]
    DependentObjectsStillExist(String),
    /// 22P02: text that cannot be read as the target type.
    #[error("invalid input syntax for type {type_name}: \"{value}\"")]
    InvalidTextRepresentation { type_name: String, value: String },
    /// 22007 / 22008: malformed or out-of-range date/time.
    #[error("{0}")]
    InvalidDatetime(String),
    /// 22012
    #[error("division by zero")]
    DivisionByZero,
    /// 22003
    #[error("{0}")]
    NumericOutOfRange(String),
    /// 22001
    #[error("value too long for type {0}")]
    StringDataRightTruncation(String),
    /// 22023
    #[error("{0}")]
    InvalidParameterValue(String),
    /// 22004 / 22000 and other data exceptions.
    #[error("{0}")]
    DataException(String),
    /// 21000
    #[error("{0}")]
    CardinalityViolation(String),
    /// 23505
    #[error("duplicate key value violates unique constraint \"{constraint}\"\nDETAIL: Key ({columns})=({values}) already exists.")]
    UniqueViolation {
        constraint: String,
        columns: String,
        values: String,
    },
    /// 23505 while building a unique index over existing rows.
    #[error("could not create unique index \"{index}\"\nDETAIL: Key ({columns})=({values}) is duplicated.")]
    UniqueIndexBuild {
        index: String,
        columns: String,
        values: String,
    },
    /// 23502 while adding a NOT NULL column to a table with rows.
    #[error("column \"{column}\" of relation \"{table}\" contains null values")]
    NotNullExistingRows { table: String, column: String },
    /// 23502
    #[error(
        "null value in column \"{column}\" of relation \"{table}\" violates not-null constraint"
    )]
    NotNullViolation { table: String, column: String },
    /// 23514
    #[error("new row for relation \"{table}\" violates check constraint \"{constraint}\"\nDETAIL: Failing row contains ({row}).")]
    CheckViolation {
        table: String,
        constraint: String,
        row: String,
    },
    /// 40001
    #[error("could not serialize access due to concurrent update")]
    SerializationFailure,
    /// 25P02
    #[error("current transaction is aborted, commands ignored until end of transaction block")]
    InFailedTransaction,
    /// 25001
    #[error("{0}")]
    ActiveTransaction(String),
    /// 25P01
    #[error("{0}")]
    NoActiveTransaction(String),
    /// 0A000
    #[error("not supported: {0}")]
    FeatureNotSupported(String),
    /// 42601 for statements that parse but are malformed in a way the binder detects.
    #[error("{0}")]
    InvalidStatement(String),
    /// 428C9: an explicit value for a GENERATED ALWAYS column.
    #[error("cannot insert a non-DEFAULT value into column \"{0}\"\nDETAIL: Column \"{0}\" is an identity column defined as GENERATED ALWAYS.")]
    GeneratedAlways(String),
    /// XX000: a bug in tether. Reported rather than panicking.
    /// 55000: writing through a view that cannot map writes back to its origin.
    #[error("{0}")]
    ViewNotWritable(String),
    /// 57014: a wait (flush) ran out of time.
    #[error("{0}")]
    Timeout(String),
    /// 55006: the object is busy (a view with writes in flight).
    #[error("{0}")]
    ObjectInUse(String),
    /// 42501: writing a table tether maintains.
    #[error("{0}")]
    InsufficientPrivilege(String),
    /// An origin failed: 08006 unreachable, 55000 misconfigured, 58000 a statement failed.
    #[error("{0}")]
    Origin(#[from] crate::sync::OriginError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// The five-character SQLSTATE code of this error.
    pub fn sqlstate(&self) -> &'static str {
        match self {
            Error::Syntax { .. } | Error::InvalidStatement(_) => "42601",
            Error::UndefinedTable(_) => "42P01",
            Error::UndefinedColumn(_) => "42703",
            Error::AmbiguousColumn(_) => "42702",
            Error::UndefinedFunction(_) | Error::UndefinedOperator(_) => "42883",
            Error::UndefinedObject(_) => "42704",
            Error::UndefinedSchema(_) => "3F000",
            Error::UndefinedParameter(_) => "42P02",
            Error::DuplicateTable(_) => "42P07",
            Error::DuplicateSchema(_) => "42P06",
            Error::DuplicateColumn(_) | Error::ColumnExists { .. } | Error::SystemColumnName(_) => {
                "42701"
            }
            Error::DuplicateObject(_) => "42710",
            Error::DatatypeMismatch(_) => "42804",
            Error::WrongObjectType(_) => "42809",
            Error::Grouping(_) => "42803",
            Error::InvalidColumnReference(_) => "42P10",
            Error::Windowing(_) => "42P20",
            Error::InvalidRecursion(_) => "42P19",
            Error::DuplicateAlias(_) => "42712",
            Error::InvalidTableDefinition(_) => "42P16",
            Error::DependentObjectsStillExist(_) => "2BP01",
            Error::InvalidTextRepresentation { .. } => "22P02",
            Error::InvalidDatetime(_) => "22007",
            Error::DivisionByZero => "22012",
            Error::NumericOutOfRange(_) => "22003",
            Error::StringDataRightTruncation(_) => "22001",
            Error::InvalidParameterValue(_) => "22023",
            Error::DataException(_) => "22000",
            Error::CardinalityViolation(_) => "21000",
            Error::UniqueViolation { .. } | Error::UniqueIndexBuild { .. } => "23505",
            Error::NotNullViolation { .. } | Error::NotNullExistingRows { .. } => "23502",
            Error::CheckViolation { .. } => "23514",
            Error::SerializationFailure => "40001",
            Error::InFailedTransaction => "25P02",
            Error::ActiveTransaction(_) => "25001",
            Error::NoActiveTransaction(_) => "25P01",
            Error::FeatureNotSupported(_) => "0A000",
            Error::GeneratedAlways(_) => "428C9",
            Error::ViewNotWritable(_) => "55000",
            Error::InsufficientPrivilege(_) => "42501",
            Error::ObjectInUse(_) => "55006",
            Error::Timeout(_) => "57014",
            Error::Origin(e) => match e {
                crate::sync::OriginError::Unavailable(_) => "08006",
                crate::sync::OriginError::Setup(_) | crate::sync::OriginError::PositionLost(_) => {
                    "55000"
                }
                crate::sync::OriginError::Sql(_) => "58000",
            },
            Error::Internal(_) => "XX000",
        }
    }

    /// Shorthand for a 22P02 error naming the type and the offending text.
    pub fn invalid_text(type_name: impl Into<String>, value: impl Into<String>) -> Self {
        Error::InvalidTextRepresentation {
            type_name: type_name.into(),
            value: value.into(),
        }
    }

    /// Shorthand for a 0A000 error.
    pub fn unsupported(what: impl Into<String>) -> Self {
        Error::FeatureNotSupported(what.into())
    }
}

impl From<tether_dialect::ParseError> for Error {
    fn from(err: tether_dialect::ParseError) -> Self {
        Error::Syntax {
            line: err.line,
            column: err.column,
            message: err.message,
        }
    }
}

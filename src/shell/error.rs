//! [`ShellError`]: every failure the shell reports, and how it is printed.
//!
//! SQL errors print as `ERROR:  <message>` and `SQLSTATE: <code>` on stderr, like psql. A syntax
//! error in a script names the script and the script-relative position (`demo.sql:12:8`) instead
//! of the position inside the statement.

use std::fmt;
use std::io;

use tether_dialect::split::ScriptStatement;

/// A failure while running shell input.
#[derive(Debug)]
pub enum ShellError {
    /// A statement (or a catalog lookup such as `\d NAME`) failed in the engine.
    Sql {
        error: tether::Error,
        location: Option<Location>,
    },
    /// A meta-command was unknown or misused.
    Meta(String),
    /// SQL sent to an origin with `\origin` failed there, or the origin could not be reached.
    Origin {
        origin: String,
        error: tether::sync::OriginError,
    },
    /// Input could not be read (missing file, invalid UTF-8, ...).
    Input(String),
    /// Output could not be written (e.g. a closed pipe). Fatal: the shell stops.
    Output(io::Error),
    /// The shell could not start.
    Startup(String),
}

/// A position in a named script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub source: String,
    pub line: u64,
    pub column: u64,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.source, self.line, self.column)
    }
}

impl ShellError {
    /// A failed statement. A syntax error's statement-relative position is turned into a position
    /// in `source` when the statement came from a named script.
    pub fn statement(
        error: tether::Error,
        statement: &ScriptStatement,
        source: Option<&str>,
    ) -> Self {
        let location = match (&error, source) {
            (tether::Error::Syntax { line, column, .. }, Some(source)) => {
                let (line, column) = statement.script_position(*line, *column);
                Some(Location {
                    source: source.to_string(),
                    line,
                    column,
                })
            }
            _ => None,
        };
        ShellError::Sql { error, location }
    }

    /// True when the shell cannot go on after this error, whatever `--on-error` says.
    pub fn is_fatal(&self) -> bool {
        matches!(self, ShellError::Output(_) | ShellError::Startup(_))
    }

    /// The text printed on stderr, without the final newline.
    pub fn message(&self) -> String {
        match self {
            ShellError::Sql { error, location } => {
                let text = match (error, location) {
                    (tether::Error::Syntax { message, .. }, Some(location)) => {
                        format!("syntax error at {location}: {message}")
                    }
                    _ => error.to_string(),
                };
                format!("ERROR:  {text}\nSQLSTATE: {}", error.sqlstate())
            }
            ShellError::Meta(message) | ShellError::Input(message) => format!("ERROR:  {message}"),
            ShellError::Origin { origin, error } => format!("ERROR:  at origin {origin}: {error}"),
            ShellError::Output(err) => format!("tether: could not write output: {err}"),
            ShellError::Startup(message) => format!("tether: {message}"),
        }
    }

    /// Prints the error on stderr. A failure to write to stderr is ignored: there is nowhere left
    /// to report it.
    pub fn report(&self) {
        use io::Write;
        let _ = writeln!(io::stderr().lock(), "{}", self.message());
    }
}

impl From<io::Error> for ShellError {
    fn from(err: io::Error) -> Self {
        ShellError::Output(err)
    }
}

impl From<tether::Error> for ShellError {
    fn from(error: tether::Error) -> Self {
        ShellError::Sql {
            error,
            location: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syntax_error() -> tether::Error {
        tether::Error::Syntax {
            line: 1,
            column: 3,
            message: "Expected: an SQL statement".into(),
        }
    }

    #[test]
    fn syntax_error_in_a_script_names_the_script_position() {
        let statement = ScriptStatement {
            text: "SELEC 1".into(),
            line: 12,
            column: 6,
        };
        let err = ShellError::statement(syntax_error(), &statement, Some("demo.sql"));
        assert_eq!(
            err.message(),
            "ERROR:  syntax error at demo.sql:12:8: Expected: an SQL statement\nSQLSTATE: 42601"
        );
    }

    #[test]
    fn syntax_error_without_a_script_keeps_the_statement_position() {
        let statement = ScriptStatement {
            text: "SELEC 1".into(),
            line: 12,
            column: 6,
        };
        let err = ShellError::statement(syntax_error(), &statement, None);
        assert_eq!(
            err.message(),
            "ERROR:  syntax error at line 1, column 3: Expected: an SQL statement\nSQLSTATE: 42601"
        );
    }

    #[test]
    fn origin_errors_name_the_origin() {
        let err = ShellError::Origin {
            origin: "tether:demo".into(),
            error: tether::sync::OriginError::Sql("relation \"nope\" does not exist".into()),
        };
        assert_eq!(
            err.message(),
            "ERROR:  at origin tether:demo: relation \"nope\" does not exist"
        );
        assert!(!err.is_fatal());
    }

    #[test]
    fn other_errors_print_message_and_sqlstate() {
        let err = ShellError::from(tether::Error::UndefinedTable("nope".into()));
        assert_eq!(
            err.message(),
            "ERROR:  relation \"nope\" does not exist\nSQLSTATE: 42P01"
        );
        assert!(!err.is_fatal());
    }
}

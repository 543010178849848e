//! [`Shell`]: the state one shell process works on.
//!
//! The shell is synchronous (line editing and scripts are line by line) and the engine's API is
//! async, so the shell owns a multi-threaded tokio runtime and blocks on each statement. Background
//! tasks the engine spawns keep running on the runtime's workers while the shell waits for input.
//!
//! The origins given with `--origin` are registered on the database when the shell starts, so
//! scripts can create realtime views over them and reach them with `\origin`.

use tether::{Database, Session, TransactionStatus};

use super::args::{OnError, Settings};
use super::error::ShellError;
use super::events::EventWatch;
use super::output::OutputFormat;

/// The database, the session statements run on, and the user's settings.
pub struct Shell {
    pub runtime: tokio::runtime::Runtime,
    pub database: Database,
    pub session: Session,
    /// How results are printed (`--format`, `\format`).
    pub format: OutputFormat,
    /// Whether each statement's run time is printed (`\timing`).
    pub timing: bool,
    /// `--on-error`: whether scripts stop at the first error.
    pub on_error: OnError,
    /// Whether and how sync events are printed (`\events`).
    pub events: EventWatch,
    /// Set once any statement or meta-command has failed.
    had_error: bool,
}

impl Shell {
    /// Opens an in-memory database with the origins of `settings` and one session on it.
    pub fn new(settings: Settings) -> Result<Shell, ShellError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .thread_name("tether-shell")
            .build()
            .map_err(|err| {
                ShellError::Startup(format!("could not start the async runtime: {err}"))
            })?;
        let database = Database::open_in_memory();
        for origin in &settings.origins {
            origin.register(&database)?;
        }
        let session = database.connect();
        Ok(Shell {
            runtime,
            database,
            session,
            format: settings.format,
            timing: false,
            on_error: settings.on_error,
            events: EventWatch::new(),
            had_error: false,
        })
    }

    /// Prints an error and remembers that one happened.
    pub fn report(&mut self, err: &ShellError) {
        self.had_error = true;
        err.report();
    }

    /// True once any error was reported.
    pub fn had_error(&self) -> bool {
        self.had_error
    }

    /// The interactive prompt, psql style: `tether=> ` when no statement is open and
    /// `tether-> ` while one is; `*` inside a transaction block, `!` in a failed one.
    pub fn prompt(&self, statement_open: bool) -> String {
        let state = if statement_open { '-' } else { '=' };
        let transaction = match self.session.transaction_status() {
            TransactionStatus::Idle => "",
            TransactionStatus::InTransaction => "*",
            TransactionStatus::Failed => "!",
        };
        format!("tether{state}{transaction}> ")
    }
}

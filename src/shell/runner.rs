//! [`Runner`]: turns input lines into executed statements and meta-commands, and applies the
//! error policy. Scripts and the interactive loop both feed their lines through a runner.
//!
//! After each statement and meta-command the runner prints the sync events that arrived
//! meanwhile (with `\events on`), so they follow that command's output.

use tether_dialect::split::{ScriptStatement, StatementSplitter};

use super::error::ShellError;
use super::meta::{self, MetaFlow};
use super::state::Shell;

/// What the caller should do after a piece of input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Go on reading input.
    Continue,
    /// `\q`: stop reading input, successfully.
    Quit,
    /// An error stopped the run (`--on-error stop`, or a fatal error).
    Stop,
}

/// Line-by-line input handling for one script or one interactive session.
pub struct Runner {
    /// The script's name for syntax error positions; `None` for interactive input.
    source: Option<String>,
    splitter: StatementSplitter,
    stop_on_error: bool,
}

impl Runner {
    /// A runner for a named script; `stop_on_error` applies `--on-error stop`.
    pub fn script(source: impl Into<String>, stop_on_error: bool) -> Self {
        Runner {
            source: Some(source.into()),
            splitter: StatementSplitter::new(),
            stop_on_error,
        }
    }

    /// A runner for interactive input: errors are reported and never stop the session.
    pub fn interactive() -> Self {
        Runner {
            source: None,
            splitter: StatementSplitter::new(),
            stop_on_error: false,
        }
    }

    /// True while a statement (or a comment) is open, i.e. more lines are needed.
    pub fn statement_open(&self) -> bool {
        !self.splitter.is_idle()
    }

    /// Drops the open statement (Ctrl-C at the interactive prompt).
    pub fn discard_open_statement(&mut self) {
        self.splitter.reset();
    }

    /// Handles one input line: a meta-command when it starts with `\` and no statement is open,
    /// otherwise SQL, whose complete statements are executed in order.
    pub fn feed_line(&mut self, shell: &mut Shell, line: &str) -> Flow {
        if self.splitter.is_idle() && line.trim_start().starts_with('\\') {
            self.splitter.skip_line();
            let flow = match meta::run(shell, line.trim()) {
                Ok(MetaFlow::Continue) => Flow::Continue,
                Ok(MetaFlow::Quit) => Flow::Quit,
                Err(err) => self.failed(shell, &err),
            };
            return self.print_events(shell, flow);
        }
        for statement in self.splitter.push_line(line) {
            let flow = self.execute(shell, &statement);
            if flow != Flow::Continue {
                return flow;
            }
        }
        Flow::Continue
    }

    /// Ends the input: a last statement without `;` is executed.
    pub fn finish(&mut self, shell: &mut Shell) -> Flow {
        match self.splitter.finish() {
            Some(statement) => self.execute(shell, &statement),
            None => Flow::Continue,
        }
    }

    /// Reports an error that happened outside a statement (e.g. unreadable input) under this
    /// runner's error policy.
    pub fn failed(&self, shell: &mut Shell, err: &ShellError) -> Flow {
        shell.report(err);
        if self.stop_on_error || err.is_fatal() {
            Flow::Stop
        } else {
            Flow::Continue
        }
    }

    fn execute(&mut self, shell: &mut Shell, statement: &ScriptStatement) -> Flow {
        let flow = match shell.execute(statement, self.source.as_deref()) {
            Ok(()) => Flow::Continue,
            Err(err) => self.failed(shell, &err),
        };
        self.print_events(shell, flow)
    }

    /// Prints the sync events that arrived during a command; `flow` is what the command asked
    /// for, unless printing fails.
    fn print_events(&self, shell: &mut Shell, flow: Flow) -> Flow {
        match shell.print_pending_events() {
            Ok(()) => flow,
            Err(err) => match self.failed(shell, &err) {
                Flow::Continue => flow,
                stop => stop,
            },
        }
    }
}

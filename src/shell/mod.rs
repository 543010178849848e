//! The `tether` shell, in the style of `psql`.
//!
//! How the pieces fit:
//! - [`args`] parses the command line into [`args::Invocation`]: settings and the ordered
//!   `-c`/`-f` script sources.
//! - [`state::Shell`] is the shell's state: the tokio runtime, the [`tether::Database`], the
//!   [`tether::Session`] every statement runs on, and the user's settings (`\format`, `\timing`).
//!   New shell-wide state belongs there.
//! - [`origins`] reads `--origin NAME=URL` and registers those origins on the database;
//!   [`events`] prints sync events (`\events on`) without mixing them into other output.
//! - [`runner::Runner`] turns input lines into work: a line starting with `\` (when no statement is
//!   open) is a meta-command, anything else goes through the
//!   [`StatementSplitter`](tether_dialect::split::StatementSplitter) and each complete statement is
//!   executed ([`execute`]). It applies the error policy (`--on-error`).
//! - [`script`] feeds `-c` strings, files and stdin to a runner; [`interactive`] feeds lines read
//!   with rustyline.
//! - [`meta`] holds the meta-command table (one handler per command); [`output`] prints results as
//!   table, csv or json; [`error`] defines how failures are reported.

mod args;
mod error;
mod events;
mod execute;
mod interactive;
mod meta;
mod origins;
mod output;
mod runner;
mod script;
mod state;

use std::io::IsTerminal;
use std::process::ExitCode;

use args::Invocation;
use runner::Flow;
use state::Shell;

/// Runs the shell with the process's arguments and returns its exit status: 0 on success, 1 when a
/// script had an error (or the shell could not start), 2 for invalid arguments.
pub fn main() -> ExitCode {
    let invocation = Invocation::from_env();
    let mut shell = match Shell::new(invocation.settings) {
        Ok(shell) => shell,
        Err(err) => {
            err.report();
            return ExitCode::FAILURE;
        }
    };
    let mut sources = invocation.sources;
    let interactive = sources.is_empty() && std::io::stdin().is_terminal();
    if sources.is_empty() && !interactive {
        sources.push(args::ScriptSource::Stdin);
    }
    let flow = if interactive {
        interactive::run(&mut shell)
    } else {
        script::run_all(&mut shell, &sources)
    };
    let failed = match flow {
        Flow::Stop => true,
        Flow::Continue | Flow::Quit => !interactive && shell.had_error(),
    };
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

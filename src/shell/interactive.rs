//! The interactive prompt: rustyline line editing, history in `$HOME/.tether_history`, the
//! `tether=> ` / `tether-> ` prompts. Ctrl-C discards the statement being typed; Ctrl-D quits.

use std::io::{self, Write};
use std::path::PathBuf;

use rustyline::error::ReadlineError;
use rustyline::DefaultEditor;

use super::error::ShellError;
use super::runner::{Flow, Runner};
use super::state::Shell;

/// Reads and runs lines until `\q`, end of input or a fatal error.
pub fn run(shell: &mut Shell) -> Flow {
    let mut editor = match DefaultEditor::new() {
        Ok(editor) => editor,
        Err(err) => {
            shell.report(&ShellError::Startup(format!(
                "could not start line editing: {err}"
            )));
            return Flow::Stop;
        }
    };
    let history = history_path();
    if let Some(path) = &history {
        // A missing or unreadable history file only means no history.
        let _ = editor.load_history(path);
    }
    let _ = writeln!(
        io::stdout(),
        "tether {} (in-memory database). Type \\? for help, \\q to quit.",
        env!("CARGO_PKG_VERSION")
    );

    let mut runner = Runner::interactive();
    let flow = loop {
        let prompt = shell.prompt(runner.statement_open());
        match editor.readline(&prompt) {
            Ok(line) => {
                if !line.trim().is_empty() {
                    let _ = editor.add_history_entry(line.as_str());
                }
                match runner.feed_line(shell, &line) {
                    Flow::Continue => {}
                    flow => break flow,
                }
            }
            Err(ReadlineError::Interrupted) => runner.discard_open_statement(),
            Err(ReadlineError::Eof) => break Flow::Quit,
            Err(err) => {
                shell.report(&ShellError::Input(format!("could not read input: {err}")));
                break Flow::Stop;
            }
        }
    };
    if let Some(path) = &history {
        let _ = editor.save_history(path);
    }
    flow
}

/// `$HOME/.tether_history`, when `HOME` is set.
fn history_path() -> Option<PathBuf> {
    let home = std::env::var_os("HOME")?;
    Some(PathBuf::from(home).join(".tether_history"))
}

//! The interactive prompt: rustyline line editing, history in `$HOME/.tether_history`, the
//! `tether=> ` / `tether-> ` prompts. Ctrl-C discards the statement being typed; Ctrl-D quits.
//!
//! While sync events are on (`\events on`), a background thread prints them through rustyline's
//! external printer, above the prompt; while a line runs the loop holds the printer's lock, so
//! they come after that line's output. The external printer exists only while events are on:
//! rustyline 17 holds back input that arrives in one burst (a paste) until the next key press
//! while one exists (kkawakam/rustyline#976).

use std::io::{self, Write};
use std::path::PathBuf;

use rustyline::error::ReadlineError;
use rustyline::DefaultEditor;

use super::error::ShellError;
use super::events::{self, LinePrinter, StdoutPrinter};
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
        update_event_printer(&mut editor, shell);
        let prompt = shell.prompt(runner.statement_open());
        match editor.readline(&prompt) {
            Ok(line) => {
                if !line.trim().is_empty() {
                    let _ = editor.add_history_entry(line.as_str());
                }
                let output = shell.events.output_lock();
                let busy = output.as_deref().map(events::lock);
                let flow = runner.feed_line(shell, &line);
                drop(busy);
                if flow != Flow::Continue {
                    break flow;
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

/// Hands rustyline's external printer to the shell when sync events were turned on, and takes
/// it back when they were turned off.
fn update_event_printer(editor: &mut DefaultEditor, shell: &mut Shell) {
    match (shell.events.is_on(), shell.events.prints_in_background()) {
        (true, false) => {
            let printer: LinePrinter = match editor.create_external_printer() {
                Ok(printer) => Box::new(printer),
                // Standard output is not a terminal: print events to it directly.
                Err(_) => Box::new(StdoutPrinter),
            };
            let runtime = shell.runtime.handle().clone();
            if let Err(err) = shell.events.print_in_background(printer, &runtime) {
                shell.report(&err);
            }
        }
        (false, true) => shell.events.stop_printing_in_background(),
        _ => {}
    }
}

/// `$HOME/.tether_history`, when `HOME` is set.
fn history_path() -> Option<PathBuf> {
    let home = std::env::var_os("HOME")?;
    Some(PathBuf::from(home).join(".tether_history"))
}

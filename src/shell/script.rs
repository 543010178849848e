//! Running scripts: `-c` strings, `-f` files and standard input, in order.
//!
//! Each script gets its own [`Runner`], so line numbers in error positions are relative to that
//! script. Syntax error positions name the file as given, `<stdin>` or `<command>`.

use std::fs::File;
use std::io::{self, BufRead, BufReader};

use super::args::{OnError, ScriptSource};
use super::error::ShellError;
use super::runner::{Flow, Runner};
use super::state::Shell;

/// Runs every source in order; stops early on `\q` or when an error stops the run.
pub fn run_all(shell: &mut Shell, sources: &[ScriptSource]) -> Flow {
    for source in sources {
        let flow = run(shell, source);
        if flow != Flow::Continue {
            return flow;
        }
    }
    Flow::Continue
}

/// Runs one source to its end (or until it stops).
pub fn run(shell: &mut Shell, source: &ScriptSource) -> Flow {
    let stop_on_error = shell.on_error == OnError::Stop;
    match source {
        ScriptSource::Command(text) => {
            let runner = Runner::script("<command>", stop_on_error);
            run_lines(shell, runner, text.lines().map(|line| Ok(line.to_string())))
        }
        ScriptSource::Stdin => {
            let runner = Runner::script("<stdin>", stop_on_error);
            run_lines(shell, runner, io::stdin().lock().lines())
        }
        ScriptSource::File(path) => {
            let name = path.display().to_string();
            let runner = Runner::script(name.clone(), stop_on_error);
            match File::open(path) {
                Ok(file) => run_lines(shell, runner, BufReader::new(file).lines()),
                Err(err) => runner.failed(shell, &ShellError::Input(format!("{name}: {err}"))),
            }
        }
    }
}

/// Feeds lines to `runner`; a read error ends the script as an error.
fn run_lines(
    shell: &mut Shell,
    mut runner: Runner,
    lines: impl Iterator<Item = io::Result<String>>,
) -> Flow {
    for line in lines {
        let flow = match line {
            Ok(line) => runner.feed_line(shell, &line),
            Err(err) => {
                let flow = runner.failed(
                    shell,
                    &ShellError::Input(format!("could not read input: {err}")),
                );
                return if flow == Flow::Continue {
                    runner.finish(shell)
                } else {
                    flow
                };
            }
        };
        if flow != Flow::Continue {
            return flow;
        }
    }
    runner.finish(shell)
}

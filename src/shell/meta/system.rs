//! `\q`, `\?` and `\!`: leaving the shell, help, and running operating-system commands.

use std::io::{self, Write};
use std::process::Command;

use super::{MetaFlow, COMMANDS};
use crate::shell::error::ShellError;
use crate::shell::state::Shell;

/// `\q`: quit.
pub fn quit(_shell: &mut Shell, _args: &str) -> Result<MetaFlow, ShellError> {
    Ok(MetaFlow::Quit)
}

/// `\?`: lists the meta-commands.
pub fn help(_shell: &mut Shell, _args: &str) -> Result<MetaFlow, ShellError> {
    let width = COMMANDS
        .iter()
        .map(|command| command.usage.len())
        .max()
        .unwrap_or(0);
    let mut out = io::stdout().lock();
    writeln!(out, "Meta-commands (SQL statements end with ;):")?;
    for command in COMMANDS {
        writeln!(out, "  {:width$}  {}", command.usage, command.help)?;
        for detail in command.details {
            writeln!(out, "  {:width$}    {detail}", "")?;
        }
    }
    out.flush()?;
    Ok(MetaFlow::Continue)
}

/// `\! COMMAND`: runs COMMAND with `sh -c`, sharing the shell's terminal; with no command, starts
/// `$SHELL` (or `sh`). The command's exit status is not an error, as in psql; failing to start it
/// is.
pub fn shell_command(_shell: &mut Shell, args: &str) -> Result<MetaFlow, ShellError> {
    // Our buffered output must come before the command's.
    io::stdout().flush()?;
    let mut command = if args.is_empty() {
        Command::new(std::env::var_os("SHELL").unwrap_or_else(|| "sh".into()))
    } else {
        let mut command = Command::new("sh");
        command.arg("-c").arg(args);
        command
    };
    command
        .status()
        .map_err(|err| ShellError::Meta(format!("\\!: could not run command: {err}")))?;
    Ok(MetaFlow::Continue)
}

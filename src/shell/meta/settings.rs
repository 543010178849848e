//! `\format` and `\timing`: meta-commands that change how results are shown.

use std::io::{self, Write};

use super::MetaFlow;
use crate::shell::error::ShellError;
use crate::shell::state::Shell;

/// `\format [table|csv|json]`: shows or sets the output format.
pub fn format(shell: &mut Shell, args: &str) -> Result<MetaFlow, ShellError> {
    if !args.is_empty() {
        shell.format = args.parse().map_err(ShellError::Meta)?;
    }
    writeln!(io::stdout(), "Output format is {}.", shell.format)?;
    Ok(MetaFlow::Continue)
}

/// `\timing [on|off]`: toggles or sets printing each statement's run time.
pub fn timing(shell: &mut Shell, args: &str) -> Result<MetaFlow, ShellError> {
    shell.timing = match args.to_ascii_lowercase().as_str() {
        "" => !shell.timing,
        "on" => true,
        "off" => false,
        other => {
            return Err(ShellError::Meta(format!(
                "\\timing: unrecognized value \"{other}\"; use on or off"
            )))
        }
    };
    let state = if shell.timing { "on" } else { "off" };
    writeln!(io::stdout(), "Timing is {state}.")?;
    Ok(MetaFlow::Continue)
}

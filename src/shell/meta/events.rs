//! `\events [on|off]`: printing sync events (writes applied, conflicts, rejections, view state
//! and origin connectivity changes) as they happen. How they are kept apart from other output
//! is [`crate::shell::events`]'s business.

use std::io::{self, Write};

use super::MetaFlow;
use crate::shell::error::ShellError;
use crate::shell::state::Shell;

/// `\events [on|off]`: toggles or sets printing sync events.
pub fn run(shell: &mut Shell, args: &str) -> Result<MetaFlow, ShellError> {
    let on = match args.to_ascii_lowercase().as_str() {
        "" => !shell.events.is_on(),
        "on" => true,
        "off" => false,
        other => {
            return Err(ShellError::Meta(format!(
                "\\events: unrecognized value \"{other}\"; use on or off"
            )))
        }
    };
    if on {
        let runtime = shell.runtime.handle().clone();
        shell.events.turn_on(&shell.database, &runtime)?;
    } else {
        shell.events.turn_off();
    }
    let state = if on { "on" } else { "off" };
    writeln!(io::stdout(), "Sync events are {state}.")?;
    Ok(MetaFlow::Continue)
}

//! Meta-commands: input lines starting with `\`, handled by the shell rather than the engine.
//!
//! [`COMMANDS`] is the whole set: one [`MetaCommand`] per command with its name, usage, help text
//! and handler. `\?` prints the table, so adding a command is one handler function (in the file
//! for its topic, or a new file) plus one entry here.

mod describe;
mod events;
mod origin;
mod settings;
mod sync;
mod system;

use super::error::ShellError;
use super::state::Shell;

/// What the input loop does after a meta-command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetaFlow {
    Continue,
    /// `\q`: stop reading input.
    Quit,
}

/// A meta-command handler: gets the shell and the text after the command name (trimmed).
pub type Handler = fn(&mut Shell, &str) -> Result<MetaFlow, ShellError>;

/// One meta-command.
pub struct MetaCommand {
    /// The name after the backslash, e.g. `d` or `timing`.
    pub name: &'static str,
    /// How it is called, for `\?`.
    pub usage: &'static str,
    /// One line of help, for `\?`.
    pub help: &'static str,
    /// More lines of help (e.g. one per subcommand), printed below `help`.
    pub details: &'static [&'static str],
    pub run: Handler,
}

/// Every meta-command, in the order `\?` lists them.
pub const COMMANDS: &[MetaCommand] = &[
    MetaCommand {
        name: "d",
        usage: "\\d [NAME]",
        help: "list relations, or describe relation NAME (columns, keys, indexes, checks)",
        details: &[],
        run: describe::run,
    },
    MetaCommand {
        name: "format",
        usage: "\\format [table|csv|json]",
        help: "show or set the output format of query results",
        details: &[],
        run: settings::format,
    },
    MetaCommand {
        name: "timing",
        usage: "\\timing [on|off]",
        help: "toggle or set printing the time each statement takes",
        details: &[],
        run: settings::timing,
    },
    MetaCommand {
        name: "origin",
        usage: "\\origin [NAME SQL]",
        help: "run SQL on origin NAME (e.g. demo) as another client would; alone: list origins",
        details: &[],
        run: origin::run,
    },
    MetaCommand {
        name: "sync",
        usage: "\\sync [SUBCOMMAND]",
        help: "sync control of realtime views:",
        details: &[
            "status           show tether.views: state, position, pending writes (the default)",
            "flush [SECONDS]  wait until all writes are resolved and views caught up (default 10)",
            "pause [VIEW]     take a view (default: all) offline; local reads and writes go on",
            "resume [VIEW]    bring paused views back: they catch up and send queued writes",
        ],
        run: sync::run,
    },
    MetaCommand {
        name: "events",
        usage: "\\events [on|off]",
        help: "toggle or set printing sync events (applied, conflict, ...) as they happen",
        details: &[],
        run: events::run,
    },
    MetaCommand {
        name: "!",
        usage: "\\! [COMMAND]",
        help: "run COMMAND with sh -c (or start a shell)",
        details: &[],
        run: system::shell_command,
    },
    MetaCommand {
        name: "?",
        usage: "\\?",
        help: "show this help",
        details: &[],
        run: system::help,
    },
    MetaCommand {
        name: "q",
        usage: "\\q",
        help: "quit",
        details: &[],
        run: system::quit,
    },
];

/// Runs one meta-command line (starting with `\`).
pub fn run(shell: &mut Shell, line: &str) -> Result<MetaFlow, ShellError> {
    let (name, args) = split_command(line);
    match COMMANDS.iter().find(|command| command.name == name) {
        Some(command) => (command.run)(shell, args),
        None => Err(ShellError::Meta(format!(
            "invalid command \\{name}\nTry \\? for help."
        ))),
    }
}

/// Splits `\name args` into the name and the trimmed arguments. A name is a run of letters (or
/// digits) or a single other character, so `\!ls` and `\! ls` are the same.
fn split_command(line: &str) -> (&str, &str) {
    let body = line.strip_prefix('\\').unwrap_or(line);
    let name_len = match body.chars().next() {
        Some(first) if first.is_alphanumeric() => body
            .find(|c: char| !c.is_alphanumeric() && c != '_')
            .unwrap_or(body.len()),
        Some(first) => first.len_utf8(),
        None => 0,
    };
    (&body[..name_len], body[name_len..].trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_names_and_arguments() {
        assert_eq!(split_command("\\d"), ("d", ""));
        assert_eq!(split_command("\\d  public.users "), ("d", "public.users"));
        assert_eq!(split_command("\\timing on"), ("timing", "on"));
        assert_eq!(split_command("\\! echo hi"), ("!", "echo hi"));
        assert_eq!(split_command("\\!echo"), ("!", "echo"));
        assert_eq!(split_command("\\?"), ("?", ""));
        assert_eq!(split_command("\\"), ("", ""));
    }

    #[test]
    fn command_names_are_unique() {
        for (i, command) in COMMANDS.iter().enumerate() {
            assert!(
                COMMANDS[i + 1..]
                    .iter()
                    .all(|other| other.name != command.name),
                "{}",
                command.name
            );
        }
    }
}

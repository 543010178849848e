//! Command-line arguments of the `tether` shell.
//!
//! `-c` and `-f` may be repeated and mixed; they run in the order given, so the parsed
//! [`Invocation`] keeps them as one ordered list of [`ScriptSource`]s. Options that configure the
//! shell as a whole go into [`Settings`], among them the origins of `--origin NAME=URL`
//! ([`OriginSpec`]), which [`crate::shell::state::Shell::new`] registers. A new flag is a field
//! on [`Args`] plus, if the shell needs it at start-up, a field on [`Settings`].

use std::path::PathBuf;

use clap::error::ErrorKind;
use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, ValueEnum};

use super::origins::OriginSpec;
use super::output::OutputFormat;

/// What to do when a statement or meta-command of a script fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnError {
    /// Stop at the first error; the exit status is 1.
    Stop,
    /// Report the error and go on; the exit status is still 1 at the end.
    Continue,
}

/// The raw command line, as clap sees it.
#[derive(Debug, Parser)]
#[command(
    name = "tether",
    version,
    about = "The tether shell: run SQL on an embedded, in-memory tether database",
    after_help = "With no -c or -f, tether reads commands interactively on a terminal, or a script \
                  from standard input otherwise. Type \\? inside the shell for meta-commands."
)]
struct Args {
    /// Run SQL (or one meta-command line); repeatable, runs in order with --file.
    #[arg(short = 'c', long = "command", value_name = "SQL")]
    commands: Vec<String>,

    /// Run the script in FILE ("-" reads standard input); repeatable.
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    files: Vec<PathBuf>,

    /// How query results are printed.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    format: OutputFormat,

    /// Whether a script stops at the first error.
    #[arg(long = "on-error", value_enum, default_value_t = OnError::Stop)]
    on_error: OnError,

    /// Register an origin views can mirror; repeatable. tether:NAME=memory is an in-process
    /// origin over a new in-memory database (the shell cannot connect to postgres: and mysql:
    /// origins yet).
    #[arg(long = "origin", value_name = "NAME=URL", value_parser = OriginSpec::parse)]
    origins: Vec<OriginSpec>,
}

/// One script to run: a `-c` string, a `-f` file, or standard input (`-f -`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScriptSource {
    Command(String),
    File(PathBuf),
    Stdin,
}

/// Shell-wide settings chosen on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub format: OutputFormat,
    pub on_error: OnError,
    /// The `--origin` arguments, in order; names are unique.
    pub origins: Vec<OriginSpec>,
}

/// The parsed command line: settings and the scripts in the order they were given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    pub settings: Settings,
    pub sources: Vec<ScriptSource>,
}

impl Invocation {
    /// Parses the process's arguments; on invalid arguments, `--help` or `--version` clap prints
    /// its message and exits (status 2 for errors).
    pub fn from_env() -> Invocation {
        Self::parse_from(std::env::args_os()).unwrap_or_else(|err| err.exit())
    }

    /// Parses an argument list (the first item is the program name).
    pub fn parse_from<I, T>(arguments: I) -> Result<Invocation, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let matches = Args::command().try_get_matches_from(arguments)?;
        let args = Args::from_arg_matches(&matches)?;
        if let Some(name) = first_duplicate(&args.origins) {
            return Err(Args::command().error(
                ErrorKind::ArgumentConflict,
                format!("origin {name} is given twice with --origin"),
            ));
        }
        let sources = ordered_sources(&matches, args.commands, args.files);
        Ok(Invocation {
            settings: Settings {
                format: args.format,
                on_error: args.on_error,
                origins: args.origins,
            },
            sources,
        })
    }
}

/// The name of the first origin given twice, if any.
fn first_duplicate(origins: &[OriginSpec]) -> Option<&str> {
    origins.iter().enumerate().find_map(|(i, spec)| {
        origins[..i]
            .iter()
            .any(|earlier| earlier.name == spec.name)
            .then_some(spec.name.as_str())
    })
}

/// Interleaves `-c` and `-f` values by their position on the command line.
fn ordered_sources(
    matches: &ArgMatches,
    commands: Vec<String>,
    files: Vec<PathBuf>,
) -> Vec<ScriptSource> {
    let positions = |id: &str| -> Vec<usize> {
        matches
            .indices_of(id)
            .map(Iterator::collect)
            .unwrap_or_default()
    };
    let mut sources: Vec<(usize, ScriptSource)> = positions("commands")
        .into_iter()
        .zip(commands.into_iter().map(ScriptSource::Command))
        .chain(
            positions("files")
                .into_iter()
                .zip(files.into_iter().map(|path| {
                    if path.as_os_str() == "-" {
                        ScriptSource::Stdin
                    } else {
                        ScriptSource::File(path)
                    }
                })),
        )
        .collect();
    sources.sort_by_key(|(position, _)| *position);
    sources.into_iter().map(|(_, source)| source).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_and_files_keep_their_order() {
        let invocation = Invocation::parse_from([
            "tether", "-f", "a.sql", "-c", "SELECT 1", "-f", "-", "-c", "\\d",
        ])
        .expect("valid arguments");
        assert_eq!(
            invocation.sources,
            [
                ScriptSource::File("a.sql".into()),
                ScriptSource::Command("SELECT 1".into()),
                ScriptSource::Stdin,
                ScriptSource::Command("\\d".into()),
            ]
        );
        assert_eq!(invocation.settings.format, OutputFormat::Table);
        assert_eq!(invocation.settings.on_error, OnError::Stop);
    }

    #[test]
    fn format_and_error_policy() {
        let invocation =
            Invocation::parse_from(["tether", "--format", "json", "--on-error", "continue"])
                .expect("valid arguments");
        assert_eq!(invocation.settings.format, OutputFormat::Json);
        assert_eq!(invocation.settings.on_error, OnError::Continue);
        assert!(invocation.sources.is_empty());
    }

    #[test]
    fn origins_are_kept_in_order_and_must_be_unique() {
        let invocation = Invocation::parse_from([
            "tether",
            "--origin",
            "tether:a=memory",
            "--origin",
            "tether:b=memory",
        ])
        .expect("valid arguments");
        let names: Vec<&str> = invocation
            .settings
            .origins
            .iter()
            .map(|spec| spec.name.as_str())
            .collect();
        assert_eq!(names, ["tether:a", "tether:b"]);
        let err = Invocation::parse_from([
            "tether",
            "--origin",
            "tether:a=memory",
            "--origin",
            "TETHER:a=memory",
        ])
        .expect_err("duplicate origin");
        assert_eq!(err.kind(), ErrorKind::ArgumentConflict);
        assert!(Invocation::parse_from(["tether", "--origin", "tether:a"]).is_err());
    }

    #[test]
    fn rejects_unknown_format() {
        assert!(Invocation::parse_from(["tether", "--format", "xml"]).is_err());
    }
}

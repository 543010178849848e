//! `\sync`: the sync control of realtime views from the shell.
//!
//! - `\sync` or `\sync status` prints `tether.views` (each view's state, position, pending
//!   writes and staged rows);
//! - `\sync flush [SECONDS]` waits until every write attempt is resolved and every realtime view
//!   has caught up with its origin (10 seconds at most unless told), prints the sync events that
//!   arrived (with `\events on`) and then `Flushed.`;
//! - `\sync pause [VIEW]` takes one view, or all, offline: it sends and receives nothing until
//!   `\sync resume [VIEW]`. Local reads and writes go on meanwhile, which is how a script stages a
//!   race between a local edit and an origin edit.

use std::io::{self, BufWriter, Write};
use std::time::{Duration, Instant};

use tether::Database;

use super::MetaFlow;
use crate::shell::error::ShellError;
use crate::shell::output;
use crate::shell::state::Shell;

/// How long `\sync flush` waits when no time is given.
pub const DEFAULT_FLUSH: Duration = Duration::from_secs(10);

/// The longest wait `\sync flush` accepts, in seconds (a day).
const MAX_FLUSH_SECONDS: f64 = 86_400.0;

/// `\sync [status | flush [SECONDS] | pause [VIEW] | resume [VIEW]]`.
pub fn run(shell: &mut Shell, args: &str) -> Result<MetaFlow, ShellError> {
    let (subcommand, rest) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
    let rest = rest.trim();
    match subcommand.to_ascii_lowercase().as_str() {
        "" | "status" if rest.is_empty() => status(shell),
        "status" => Err(ShellError::Meta(format!(
            "\\sync status: unexpected argument \"{rest}\""
        ))),
        "flush" => flush(shell, rest),
        "pause" => pause(shell, rest),
        "resume" => resume(shell, rest),
        other => Err(ShellError::Meta(format!(
            "\\sync: unknown subcommand \"{other}\"; use status, flush [SECONDS], pause [VIEW] \
             or resume [VIEW]"
        ))),
    }?;
    Ok(MetaFlow::Continue)
}

/// Prints `tether.views`, through a session of its own so that it works inside any transaction
/// state of the shell's session.
fn status(shell: &mut Shell) -> Result<(), ShellError> {
    if shell.database.views().is_empty() {
        writeln!(io::stdout(), "No realtime or materialized views.")?;
        return Ok(());
    }
    let mut session = shell.database.connect();
    let result = shell
        .runtime
        .block_on(session.execute("SELECT * FROM tether.views ORDER BY name", &[]))?;
    let mut out = BufWriter::new(io::stdout().lock());
    output::print_result(&mut out, shell.format, &result)?;
    out.flush()?;
    Ok(())
}

/// `\sync flush [SECONDS]`.
fn flush(shell: &mut Shell, seconds: &str) -> Result<(), ShellError> {
    let timeout = if seconds.is_empty() {
        DEFAULT_FLUSH
    } else {
        parse_seconds(seconds)?
    };
    let deadline = Instant::now() + timeout;
    let database = &shell.database;
    shell.runtime.block_on(async {
        database.flush(timeout).await?;
        wait_until_streaming(database, timeout, deadline).await
    })?;
    // The events the flush waited for come before its own line, so that a script's output does
    // not depend on whether they arrived before or during the flush.
    shell.print_pending_events()?;
    writeln!(io::stdout(), "Flushed.")?;
    Ok(())
}

/// Waits until no realtime view is still starting its stream. `Database::flush` returns once a
/// new view's snapshot is loaded, while its stream (and its `streaming` event) may start a
/// moment later; waiting for it here keeps the events a script prints in the same place on
/// every run.
async fn wait_until_streaming(
    database: &Database,
    timeout: Duration,
    deadline: Instant,
) -> Result<(), ShellError> {
    loop {
        let starting: Vec<String> = database
            .views()
            .into_iter()
            .filter(|view| view.mode == "realtime" && view.state == "snapshotting")
            .map(|view| view.name)
            .collect();
        if starting.is_empty() {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(tether::Error::Timeout(format!(
                "flush did not finish within {:.1}s: view(s) {} still starting their stream",
                timeout.as_secs_f64(),
                starting.join(", ")
            ))
            .into());
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// `\sync pause [VIEW]`.
fn pause(shell: &mut Shell, view: &str) -> Result<(), ShellError> {
    let view = (!view.is_empty()).then_some(view);
    if view.is_none() && shell.database.views().is_empty() {
        writeln!(io::stdout(), "No realtime or materialized views to pause.")?;
        return Ok(());
    }
    if let Some(view) = view {
        check_view(shell, "pause", view)?;
    }
    shell.database.pause(view)?;
    match view {
        Some(view) => writeln!(io::stdout(), "Paused view {view}.")?,
        None => writeln!(io::stdout(), "Paused all views.")?,
    }
    Ok(())
}

/// `\sync resume [VIEW]`.
fn resume(shell: &mut Shell, view: &str) -> Result<(), ShellError> {
    let view = (!view.is_empty()).then_some(view);
    if view.is_none() && shell.database.views().is_empty() {
        writeln!(io::stdout(), "No realtime or materialized views to resume.")?;
        return Ok(());
    }
    if let Some(view) = view {
        check_view(shell, "resume", view)?;
    }
    shell.database.resume(view)?;
    match view {
        Some(view) => writeln!(io::stdout(), "Resumed view {view}.")?,
        None => writeln!(io::stdout(), "Resumed all views.")?,
    }
    Ok(())
}

/// Fails unless `view` names a realtime or materialized view (as the engine matches names:
/// exactly, or in lower case), listing the views there are.
fn check_view(shell: &Shell, verb: &str, view: &str) -> Result<(), ShellError> {
    let names: Vec<String> = shell.database.views().into_iter().map(|v| v.name).collect();
    let lowered = view.to_lowercase();
    if names.iter().any(|name| *name == view || *name == lowered) {
        return Ok(());
    }
    let known = if names.is_empty() {
        " (there are none)".to_string()
    } else {
        format!("; views: {}", names.join(", "))
    };
    Err(ShellError::Meta(format!(
        "\\sync {verb}: \"{view}\" is not a realtime or materialized view{known}"
    )))
}

/// A positive number of seconds, at most a day.
fn parse_seconds(text: &str) -> Result<Duration, ShellError> {
    let invalid = || {
        ShellError::Meta(format!(
            "\\sync flush: \"{text}\" is not a number of seconds (e.g. 10 or 0.5; at most \
             {MAX_FLUSH_SECONDS})"
        ))
    };
    let seconds: f64 = text.parse().map_err(|_| invalid())?;
    if !(seconds > 0.0 && seconds <= MAX_FLUSH_SECONDS) {
        return Err(invalid());
    }
    Duration::try_from_secs_f64(seconds).map_err(|_| invalid())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flush_takes_a_positive_number_of_seconds() {
        assert_eq!(parse_seconds("2").ok(), Some(Duration::from_secs(2)));
        assert_eq!(parse_seconds("0.5").ok(), Some(Duration::from_millis(500)));
        for bad in ["0", "-1", "NaN", "inf", "1e300", "soon", "1s"] {
            let err = parse_seconds(bad).expect_err(bad);
            assert!(
                err.message().contains("is not a number of seconds"),
                "{bad}: {}",
                err.message()
            );
        }
    }
}

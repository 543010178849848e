//! Printing sync events (`\events on`): one line per [`tether::SyncEvent`], in its `Display`
//! form, on standard output.
//!
//! Output never interleaves mid-line and keeps its order:
//! - In scripts, events are printed by the input loop itself, after each statement or
//!   meta-command, so they follow the output of the command during which they arrived. The
//!   sync machinery works in the background, so an event can arrive a little later than the
//!   statement that caused it. `\sync flush` waits until every write is resolved and prints the
//!   events that arrived before its own `Flushed.` line, so a script whose every write (and
//!   `CREATE REALTIME VIEW`, `\sync resume`) is directly followed by `\sync flush` prints the
//!   same output on every run.
//! - Interactively, the input loop hands over rustyline's external printer while events are on
//!   ([`EventWatch::print_in_background`]) and a background thread prints events as they arrive,
//!   above the prompt while you type. The input loop holds [`EventWatch::output_lock`] while a
//!   line runs, so events that arrive meanwhile are printed after that line's output.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread;

use rustyline::ExternalPrinter;
use tether::{Database, SyncEvents};
use tokio::runtime::Handle;
use tokio::sync::Notify;

use super::error::ShellError;
use super::state::Shell;

/// Where the background thread writes event lines (rustyline's external printer, or stdout).
pub type LinePrinter = Box<dyn ExternalPrinter + Send>;

/// Whether sync events are printed, and how.
pub struct EventWatch {
    /// Interactive sessions: the printer events go through. The input loop locks it while a
    /// line runs; the background thread locks it to print.
    terminal: Option<Arc<Mutex<LinePrinter>>>,
    subscription: Subscription,
}

enum Subscription {
    Off,
    /// Events wait in the subscription until the input loop prints them.
    Inline(SyncEvents),
    /// A thread prints events as they arrive; it stops when this is dropped.
    Background {
        _printer: BackgroundPrinter,
    },
}

impl Default for EventWatch {
    fn default() -> Self {
        EventWatch::new()
    }
}

impl EventWatch {
    /// Events off, printed inline when turned on.
    pub fn new() -> Self {
        EventWatch {
            terminal: None,
            subscription: Subscription::Off,
        }
    }

    /// True while events are printed.
    pub fn is_on(&self) -> bool {
        !matches!(self.subscription, Subscription::Off)
    }

    /// Switches to printing events from a background thread through `printer` (interactive
    /// sessions); a subscription already on moves to the thread. On failure events are off.
    pub fn print_in_background(
        &mut self,
        printer: LinePrinter,
        runtime: &Handle,
    ) -> Result<(), ShellError> {
        let terminal = Arc::new(Mutex::new(printer));
        self.terminal = Some(terminal.clone());
        if let Subscription::Inline(events) =
            std::mem::replace(&mut self.subscription, Subscription::Off)
        {
            self.subscription = Subscription::Background {
                _printer: BackgroundPrinter::start(events, terminal, runtime)?,
            };
        }
        Ok(())
    }

    /// True while a background thread prints events (or would, once they are on).
    pub fn prints_in_background(&self) -> bool {
        self.terminal.is_some()
    }

    /// Gives back the printer of [`EventWatch::print_in_background`] (once the thread has
    /// stopped); events turned on later wait for the input loop to print them.
    pub fn stop_printing_in_background(&mut self) {
        if matches!(self.subscription, Subscription::Background { .. }) {
            self.subscription = Subscription::Off;
        }
        self.terminal = None;
    }

    /// Starts printing the events that happen from now on; nothing changes if already on.
    pub fn turn_on(&mut self, database: &Database, runtime: &Handle) -> Result<(), ShellError> {
        if self.is_on() {
            return Ok(());
        }
        let events = database.sync_events();
        self.subscription = match &self.terminal {
            Some(terminal) => Subscription::Background {
                _printer: BackgroundPrinter::start(events, terminal.clone(), runtime)?,
            },
            None => Subscription::Inline(events),
        };
        Ok(())
    }

    /// Stops printing events; events not printed yet are dropped.
    pub fn turn_off(&mut self) {
        self.subscription = Subscription::Off;
    }

    /// The lock the input loop holds while a line runs (interactive sessions only).
    pub fn output_lock(&self) -> Option<Arc<Mutex<LinePrinter>>> {
        self.terminal.clone()
    }

    /// Prints the events waiting in an inline subscription.
    fn print_pending(&mut self, out: &mut impl Write) -> io::Result<()> {
        if let Subscription::Inline(events) = &mut self.subscription {
            while let Some(event) = events.try_next() {
                writeln!(out, "{event}")?;
            }
        }
        Ok(())
    }
}

impl Shell {
    /// Prints the sync events that arrived since the last call (scripts; interactive sessions
    /// print them from a background thread).
    pub fn print_pending_events(&mut self) -> Result<(), ShellError> {
        let mut out = io::stdout().lock();
        self.events.print_pending(&mut out)?;
        out.flush()?;
        Ok(())
    }
}

/// Locks `mutex`, also after a panic of another holder (the printer has no state to corrupt).
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The thread that prints events as they arrive; dropping it stops the thread.
struct BackgroundPrinter {
    stop: Arc<Notify>,
    stopped: Arc<AtomicBool>,
}

impl BackgroundPrinter {
    fn start(
        mut events: SyncEvents,
        printer: Arc<Mutex<LinePrinter>>,
        runtime: &Handle,
    ) -> Result<Self, ShellError> {
        let stop = Arc::new(Notify::new());
        let stopped = Arc::new(AtomicBool::new(false));
        let runtime = runtime.clone();
        let (thread_stop, thread_stopped) = (stop.clone(), stopped.clone());
        thread::Builder::new()
            .name("tether-events".into())
            .spawn(move || loop {
                let next = runtime.block_on(async {
                    tokio::select! {
                        biased;
                        _ = thread_stop.notified() => None,
                        event = events.next() => event,
                    }
                });
                let Some(event) = next else { return };
                let mut printer = lock(&printer);
                // `\events off` may have run while this event waited for the lock.
                if thread_stopped.load(Ordering::Acquire)
                    || printer.print(format!("{event}\n")).is_err()
                {
                    return;
                }
            })
            .map_err(|err| {
                ShellError::Meta(format!(
                    "\\events: could not start the event printer: {err}"
                ))
            })?;
        Ok(BackgroundPrinter { stop, stopped })
    }
}

impl Drop for BackgroundPrinter {
    fn drop(&mut self) {
        self.stopped.store(true, Ordering::Release);
        self.stop.notify_one();
    }
}

/// Writes event lines straight to standard output, when rustyline has no external printer
/// (standard output is not a terminal).
pub struct StdoutPrinter;

impl ExternalPrinter for StdoutPrinter {
    fn print(&mut self, message: String) -> rustyline::Result<()> {
        let mut out = io::stdout().lock();
        out.write_all(message.as_bytes())?;
        out.flush()?;
        Ok(())
    }
}

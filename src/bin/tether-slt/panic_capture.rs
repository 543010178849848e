//! Keeps engine panics from ending the run: a panic inside one record is caught by the file
//! runner and counted as that record's failure. This module replaces the default panic hook
//! (which would print a backtrace banner per panic) with one that stores the message for the
//! file runner to report.

use std::cell::RefCell;
use std::panic::PanicHookInfo;

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs the capturing hook for the whole process.
pub fn install() {
    std::panic::set_hook(Box::new(|info: &PanicHookInfo<'_>| {
        let message = describe(info);
        LAST_PANIC.with(|slot| *slot.borrow_mut() = Some(message));
    }));
}

/// The message of the last panic on this thread, if any, clearing it.
pub fn take_message() -> Option<String> {
    LAST_PANIC.with(|slot| slot.borrow_mut().take())
}

fn describe(info: &PanicHookInfo<'_>) -> String {
    let payload = info.payload();
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(non-string payload)".to_string());
    match info.location() {
        Some(location) => format!("panic at {location}: {text}"),
        None => format!("panic: {text}"),
    }
}

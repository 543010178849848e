//! The `tether` shell: an interactive SQL prompt and script runner on an in-memory tether
//! database, with in-process origins for realtime views (`--origin tether:NAME=memory`).
//! Everything lives in the [`shell`] module; this file only hands over the exit status.

mod shell;

fn main() -> std::process::ExitCode {
    shell::main()
}

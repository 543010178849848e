//! Runs the files on a fixed number of worker threads. Each file has its own database, so the
//! files are independent; outcomes are handed to `on_outcome` as files finish.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use crate::file_runner::{run_file, FileOutcome};

/// Stack of each worker: the corpus has deeply nested expressions, and parsing, binding and
/// evaluating them recurses.
const WORKER_STACK_BYTES: usize = 64 * 1024 * 1024;

/// Runs `files` on `jobs` threads, calling `on_outcome` on this thread for each finished file.
pub fn run_files(files: &[PathBuf], jobs: usize, mut on_outcome: impl FnMut(FileOutcome)) {
    let next = AtomicUsize::new(0);
    let (sender, receiver) = mpsc::channel();
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, files.len().max(1)) {
            let sender = sender.clone();
            let next = &next;
            let worker = std::thread::Builder::new()
                .name("tether-slt-worker".to_string())
                .stack_size(WORKER_STACK_BYTES);
            let spawned = worker.spawn_scoped(scope, move || loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(file) = files.get(index) else {
                    break;
                };
                if sender.send(run_file(file)).is_err() {
                    break;
                }
            });
            if let Err(e) = spawned {
                eprintln!("tether-slt: cannot start a worker thread: {e}");
            }
        }
        drop(sender);
        for outcome in receiver {
            on_outcome(outcome);
        }
    });
}

//! Throwaway database servers for tests and benchmarks: real PostgreSQL and MariaDB processes in
//! temporary directories. No Docker and no mocks.
//!
//! - [`postgres::PostgresServer`]: a PostgreSQL cluster with `wal_level=logical`, a private Unix
//!   socket directory and a TCP port on 127.0.0.1.
//! - [`mariadb::MariaDbServer`]: a MariaDB server with a ROW binlog, a private Unix socket and a
//!   TCP port on 127.0.0.1.
//!
//! Both have the same shape:
//! - `shared()` starts one server lazily per test binary and hands the same `&'static` server to
//!   every test. Tests isolate themselves with `create_database(prefix)`.
//! - `start(options)` starts a private server, for tests that restart, kill or reconfigure it.
//!   Dropping it kills the server and deletes its directory.
//!
//! Start-up is synchronous and blocks for a few hundred milliseconds. Call it from a blocking context
//! or accept the short stall of an async test's runtime thread.
//!
//! Cleanup also happens when the test process crashes. Each instance directory has a watchdog
//! (`sh`) whose stdin is a pipe held only by the test process. When the process exits, for any reason,
//! the watchdog sees EOF, kills the server and removes the directory. Directories left behind anyway
//! (watchdog killed, machine reset) are reaped by the next harness user: the owner PID is recorded
//! in the directory.
//!
//! When the test process runs as root (CI containers), PostgreSQL's `initdb` and `pg_ctl` run as the
//! `postgres` OS user through `runuser`, and MariaDB's `mariadbd` gets `--user=root`.
//!
//! Environment:
//! - `TETHER_PG_BINDIR`: directory with `initdb` and `pg_ctl`. Default: the highest
//!   `/usr/lib/postgresql/*/bin`, then `PATH`.
//! - `TETHER_MARIADB_BINDIR`: directory with `mariadbd` and `mariadb-install-db`. Default: `PATH`,
//!   then `/usr/sbin` and `/usr/bin`.
//! - `TETHER_TEST_TMPDIR`: where instance directories and cached templates go. Default: `/dev/shm`
//!   if it is a tmpfs with at least 2 GiB free, else `/tmp`. Keep it short: Unix socket paths are
//!   limited to about 107 bytes.
//! - `TETHER_TEST_NO_TEMPLATE=1`: always run `initdb` / `mariadb-install-db` instead of copying a
//!   cached, initialised data directory.

pub mod mariadb;
pub mod postgres;
mod process;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Errors of the test-server harness.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HarnessError {
    /// A server binary could not be found.
    #[error(
        "`{program}` not found: install the `{package}` package or set {env_var} to the directory \
         holding it (searched: {searched})"
    )]
    BinaryNotFound {
        /// The program that was looked for.
        program: &'static str,
        /// The (Debian) package that provides it.
        package: &'static str,
        /// The environment variable that overrides the search.
        env_var: &'static str,
        /// Where the harness looked.
        searched: String,
    },
    /// Running as root, but the OS user a server must run as does not exist.
    #[error(
        "running as root, but the OS user `{user}` (needed because {program} refuses to run as root) \
         does not exist: install the `{package}` package, which creates it"
    )]
    MissingOsUser {
        /// The OS user that was looked up.
        user: &'static str,
        /// The program that must run as that user.
        program: &'static str,
        /// The package that creates the user.
        package: &'static str,
    },
    /// A file-system or process-spawning operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What the harness was doing.
        context: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A helper command exited unsuccessfully.
    #[error("`{command}` failed ({status}):\n{output}")]
    CommandFailed {
        /// The command line.
        command: String,
        /// Its exit status.
        status: String,
        /// The tail of its standard output and error.
        output: String,
    },
    /// A helper command did not finish in time and was killed.
    #[error("`{command}` did not finish within {timeout:?} and was killed:\n{output}")]
    CommandTimedOut {
        /// The command line.
        command: String,
        /// The time limit.
        timeout: Duration,
        /// The tail of its standard output and error.
        output: String,
    },
    /// A server did not come up.
    #[error("{server} in {dir} failed to start: {reason}\n--- tail of {log} ---\n{log_tail}")]
    StartFailed {
        /// "PostgreSQL" or "MariaDB".
        server: &'static str,
        /// The instance directory.
        dir: PathBuf,
        /// What went wrong.
        reason: String,
        /// The server log.
        log: PathBuf,
        /// The last lines of the server log.
        log_tail: String,
    },
    /// A server did not shut down cleanly (it has been killed).
    #[error("{server} in {dir} failed to stop: {reason}\n--- tail of {log} ---\n{log_tail}")]
    StopFailed {
        /// "PostgreSQL" or "MariaDB".
        server: &'static str,
        /// The instance directory.
        dir: PathBuf,
        /// What went wrong.
        reason: String,
        /// The server log.
        log: PathBuf,
        /// The last lines of the server log.
        log_tail: String,
    },
    /// An instance directory's socket path would exceed the Unix socket path limit.
    #[error(
        "Unix socket path {path} is {len} bytes, over the limit of {limit}: set TETHER_TEST_TMPDIR to \
         a shorter directory"
    )]
    SocketPathTooLong {
        /// The socket path.
        path: PathBuf,
        /// Its length in bytes.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// The shared server of this test binary failed to start (on first use; the error is
    /// remembered).
    #[error("the shared {server} server of this test binary failed to start: {message}")]
    SharedServer {
        /// "PostgreSQL" or "MariaDB".
        server: &'static str,
        /// The original error, rendered.
        message: String,
    },
    /// The operation needs a running server, but it was stopped.
    #[error("the {server} server in {dir} is stopped; call restart() first")]
    NotRunning {
        /// "PostgreSQL" or "MariaDB".
        server: &'static str,
        /// The instance directory.
        dir: PathBuf,
    },
    /// A PostgreSQL client error.
    #[error("PostgreSQL: {0}")]
    Postgres(#[from] tokio_postgres::Error),
    /// A MariaDB client error.
    #[error("MariaDB: {0}")]
    MariaDb(#[from] mysql_async::Error),
}

/// A database name unique within this process: the prefix reduced to `[a-z0-9_]` (at most 40
/// characters, starting with a letter), then `_` and a process-wide counter.
fn unique_database_name(prefix: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(1);
    let mut name: String = prefix
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(40)
        .collect();
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        name.insert_str(0, "t_");
    }
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{name}_{n}")
}

#[cfg(test)]
mod tests {
    use super::unique_database_name;

    #[test]
    fn database_names_are_sanitised_and_unique() {
        let a = unique_database_name("My Test::case-1");
        let b = unique_database_name("My Test::case-1");
        assert!(a.starts_with("my_test__case_1_"), "{a}");
        assert_ne!(a, b);
        assert!(unique_database_name("").starts_with("t__"));
        assert!(unique_database_name("9lives").starts_with("t_9lives_"));
        assert!(unique_database_name(&"x".repeat(100)).len() < 64);
    }
}

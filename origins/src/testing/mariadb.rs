//! Throwaway MariaDB servers for tests.
//!
//! [`MariaDbServer::shared`] starts one server per test binary, on first use; tests isolate
//! themselves with [`MariaDbServer::create_database`]. [`MariaDbServer::start`] starts a private
//! server, for tests that restart or kill it, or that run `RESET MASTER` / `FLUSH LOGS`.
//!
//! The binlog is server-wide. A CDC test on the shared server must filter by its own database,
//! start at the position `SHOW MASTER STATUS` gives at test start, and register with its own
//! `server_id` (the server itself is 1).
//!
//! A server lives in an instance directory `tether-mariadb-<pid>-<n>/` (under `TETHER_TEST_TMPDIR`,
//! else `/dev/shm` when it is a tmpfs with room, else `/tmp`): `data/` (copied from a cached template, or made by `mariadb-install-db --no-defaults
//! --auth-root-authentication-method=normal --skip-test-db --skip-name-resolve`), `mysql.sock`,
//! `mariadb.pid`, `error.log` and `mariadbd.out`. `mariadbd` runs with `--no-defaults`, a free
//! `--port` on `--bind-address=127.0.0.1`, `--log-bin --binlog-format=ROW --binlog-row-image=FULL
//! --binlog-row-metadata=FULL --server-id=1 --innodb-flush-log-at-trx-commit=2 --sync-binlog=0
//! --innodb-log-file-size=16M`,
//! `utf8mb4` as server character set, and `--user=root` when the test process is root. Per-instance
//! options come last and win.
//!
//! Accounts: `root` without password, at `localhost` (socket, or TCP from 127.0.0.1, which resolves
//! to localhost), `127.0.0.1` and `::1`.
//!
//! Binaries: `TETHER_MARIADB_BINDIR`, else `PATH`, `/usr/sbin`, `/usr/bin`.

use std::ffi::OsString;
use std::fs::{self, OpenOptions};
use std::io::Read;
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant};

use mysql_async::prelude::Queryable;
use mysql_async::{Conn, Opts, OptsBuilder};
use parking_lot::Mutex;

use super::process::{
    self, io_error, os_args, Kind, Watchdog, INIT_TIMEOUT, PORT_ATTEMPTS, START_TIMEOUT,
    STOP_TIMEOUT,
};
use super::{unique_database_name, HarnessError};

/// The administrative user of every test server (no password).
pub const ROOT_USER: &str = "root";

const SERVER: &str = "MariaDB";
const PACKAGE: &str = "mariadb-server";
const BINDIR_ENV: &str = "TETHER_MARIADB_BINDIR";
const KIND: Kind = Kind {
    name: "mariadb",
    pid_file: "mariadb.pid",
    kill_signal: "KILL",
};

/// The default redo log is 96 MiB, a third of the copying time of a template; the data is
/// disposable anyway. Given to `mariadb-install-db` and `mariadbd` alike, so it is never resized.
const INNODB_LOG_FILE_SIZE: &str = "--innodb-log-file-size=16M";

/// Options of a private server, on top of the harness defaults.
#[derive(Clone, Debug, Default)]
pub struct MariaDbOptions {
    args: Vec<String>,
}

impl MariaDbOptions {
    /// The harness defaults only.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a `mariadbd` command-line option, e.g. `"--max-binlog-size=4096"`. Later options win,
    /// also over harness defaults. Leave `--port`, `--socket`, `--datadir` and `--pid-file` alone:
    /// the harness chooses them and relies on them.
    pub fn arg(mut self, arg: impl Into<String>) -> Self {
        self.args.push(arg.into());
        self
    }
}

/// The MariaDB binaries in use.
#[derive(Clone, Debug)]
struct MariaBins {
    mariadbd: PathBuf,
    install_db: PathBuf,
}

impl MariaBins {
    fn find() -> Result<MariaBins, HarnessError> {
        static FOUND: OnceLock<MariaBins> = OnceLock::new();
        if let Some(bins) = FOUND.get() {
            return Ok(bins.clone());
        }
        let dirs: Vec<PathBuf> = match std::env::var_os(BINDIR_ENV).filter(|v| !v.is_empty()) {
            Some(dir) => vec![PathBuf::from(dir)],
            None => {
                let mut dirs = process::path_dirs();
                dirs.extend(
                    ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"]
                        .map(PathBuf::from),
                );
                dirs
            }
        };
        let searched = || {
            dirs.iter()
                .map(|d| d.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let find = |names: &[&str]| {
            dirs.iter()
                .flat_map(|d| names.iter().map(move |n| d.join(n)))
                .find(|p| process::is_executable(p))
        };
        let mariadbd =
            find(&["mariadbd", "mysqld"]).ok_or_else(|| HarnessError::BinaryNotFound {
                program: "mariadbd",
                package: PACKAGE,
                env_var: BINDIR_ENV,
                searched: searched(),
            })?;
        let install_db = find(&["mariadb-install-db", "mysql_install_db"]).ok_or_else(|| {
            HarnessError::BinaryNotFound {
                program: "mariadb-install-db",
                package: PACKAGE,
                env_var: BINDIR_ENV,
                searched: searched(),
            }
        })?;
        let bins = MariaBins {
            mariadbd,
            install_db,
        };
        Ok(FOUND.get_or_init(|| bins).clone())
    }
}

/// A throwaway MariaDB server. Dropping it kills the server and deletes its directory.
pub struct MariaDbServer {
    dir: PathBuf,
    data_dir: PathBuf,
    socket: PathBuf,
    pid_file: PathBuf,
    error_log: PathBuf,
    stdout_log: PathBuf,
    port: u16,
    bins: MariaBins,
    args: Vec<OsString>,
    child: Mutex<Option<Child>>,
    watchdog: Watchdog,
}

impl std::fmt::Debug for MariaDbServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MariaDbServer")
            .field("dir", &self.dir)
            .field("port", &self.port)
            .field("running", &self.child.lock().is_some())
            .finish_non_exhaustive()
    }
}

impl MariaDbServer {
    /// The server shared by all tests of this test binary, started on first use. Never restart it,
    /// nor run `RESET MASTER` or `FLUSH LOGS` on it; use [`MariaDbServer::start`] for that. It is
    /// removed when the process exits.
    pub fn shared() -> Result<&'static MariaDbServer, HarnessError> {
        static SHARED: OnceLock<Result<MariaDbServer, String>> = OnceLock::new();
        SHARED
            .get_or_init(|| MariaDbServer::start(MariaDbOptions::new()).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|message| HarnessError::SharedServer {
                server: SERVER,
                message: message.clone(),
            })
    }

    /// Starts a private server.
    pub fn start(options: MariaDbOptions) -> Result<MariaDbServer, HarnessError> {
        let bins = MariaBins::find()?;
        process::reap_stale(&KIND);
        let dir = process::create_instance_dir(&KIND)?;
        // From here on, dropping the watchdog (or `server`, below) removes `dir`.
        let watchdog = Watchdog::spawn(&dir, &KIND)?;
        let mut server = MariaDbServer {
            data_dir: dir.join("data"),
            socket: dir.join("mysql.sock"),
            pid_file: dir.join(KIND.pid_file),
            error_log: dir.join("error.log"),
            stdout_log: dir.join("mariadbd.out"),
            dir,
            port: 0,
            bins,
            args: Vec::new(),
            child: Mutex::new(None),
            watchdog,
        };
        process::check_socket_path(&server.socket)?;
        server.init_data_dir()?;
        let mut attempt = 1;
        loop {
            server.port = process::free_port()?;
            server.args = server.server_args(&options);
            match server.spawn_until_ready() {
                Ok(child) => {
                    *server.child.lock() = Some(child);
                    return Ok(server);
                }
                Err(e) => {
                    if attempt >= PORT_ATTEMPTS || !process::says_address_in_use(&server.log_tail())
                    {
                        return Err(e);
                    }
                    attempt += 1;
                    let _ = fs::remove_file(&server.error_log);
                    let _ = fs::remove_file(&server.stdout_log);
                }
            }
        }
    }

    /// The instance directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The data directory (also holds the binlog, `mariadb-bin.*`).
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The Unix socket.
    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// The TCP port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The error log.
    pub fn error_log(&self) -> &Path {
        &self.error_log
    }

    /// The last lines of the error log (and of mariadbd's own output, if any).
    pub fn log_tail(&self) -> String {
        let mut tail = process::log_tail(&self.error_log);
        let out = fs::read_to_string(&self.stdout_log).unwrap_or_default();
        if !out.trim().is_empty() {
            tail.push_str("\n--- mariadbd output ---\n");
            tail.push_str(&process::log_tail(&self.stdout_log));
        }
        tail
    }

    /// A TCP URL for `db` (empty: no default database): `mysql://root@127.0.0.1:<port>/<db>`.
    /// Note that mysql_async switches such connections to the server's socket unless
    /// `prefer_socket=false` is given.
    pub fn url(&self, db: &str) -> String {
        format!("mysql://{ROOT_USER}@127.0.0.1:{}/{db}", self.port)
    }

    /// Client options for `db` (empty: none) over the Unix socket, as root.
    pub fn opts(&self, db: &str) -> Opts {
        OptsBuilder::default()
            .socket(Some(self.socket.to_string_lossy().into_owned()))
            .user(Some(ROOT_USER))
            .db_name((!db.is_empty()).then_some(db))
            .into()
    }

    /// Client options for `db` (empty: none) over TCP to 127.0.0.1, as root, never switching to
    /// the socket.
    pub fn tcp_opts(&self, db: &str) -> Opts {
        OptsBuilder::default()
            .ip_or_hostname("127.0.0.1")
            .tcp_port(self.port)
            .prefer_socket(false)
            .user(Some(ROOT_USER))
            .db_name((!db.is_empty()).then_some(db))
            .into()
    }

    /// Connects to `db` (empty: none) over the Unix socket.
    pub async fn connect(&self, db: &str) -> Result<Conn, HarnessError> {
        Ok(Conn::new(self.opts(db)).await?)
    }

    /// Connects to `db` (empty: none) over TCP.
    pub async fn connect_tcp(&self, db: &str) -> Result<Conn, HarnessError> {
        Ok(Conn::new(self.tcp_opts(db)).await?)
    }

    /// Creates a database named `<prefix>_<n>` (sanitised, unique within the process) and returns
    /// its name.
    pub async fn create_database(&self, prefix: &str) -> Result<String, HarnessError> {
        let name = unique_database_name(prefix);
        let mut conn = self.connect("").await?;
        conn.query_drop(format!("CREATE DATABASE `{name}`")).await?;
        conn.disconnect().await?;
        Ok(name)
    }

    /// Stops the server if it runs (SIGTERM, clean shutdown) and starts it again on the same port
    /// with the same data and options. Blocks. Only for private servers.
    pub fn restart(&self) -> Result<(), HarnessError> {
        let mut child = self.child.lock();
        if let Some(running) = child.take() {
            self.terminate(running)?;
        }
        *child = Some(self.spawn_until_ready()?);
        Ok(())
    }

    /// Stops the server (SIGTERM: clean shutdown). The data stays; [`restart`](Self::restart)
    /// starts it again. Blocks.
    pub fn stop(&self) -> Result<(), HarnessError> {
        match self.child.lock().take() {
            Some(running) => self.terminate(running),
            None => Ok(()),
        }
    }

    /// Kills the server (SIGKILL, like a crash: the next start runs recovery). Blocks.
    pub fn kill(&self) -> Result<(), HarnessError> {
        if let Some(mut running) = self.child.lock().take() {
            running
                .kill()
                .and_then(|()| running.wait())
                .map_err(io_error("killing mariadbd"))?;
        }
        Ok(())
    }

    /// Whether the server is (supposed to be) running.
    pub fn is_running(&self) -> bool {
        self.child.lock().is_some()
    }

    /// The server's PID.
    pub fn pid(&self) -> Option<u32> {
        self.child.lock().as_ref().map(Child::id)
    }

    fn init_data_dir(&self) -> Result<(), HarnessError> {
        let fingerprint = process::fingerprint(
            &[&self.bins.mariadbd, &self.bins.install_db],
            "install-db-v2",
        );
        let template = process::template(&KIND, fingerprint, |scratch, target| {
            self.install_db(scratch, target)
        });
        if let Some(template) = template {
            match process::copy_dir(&template, &self.data_dir) {
                Ok(()) => return Ok(()),
                Err(e) => {
                    eprintln!(
                        "tether testing: copying {} failed, running mariadb-install-db: {e}",
                        template.display()
                    );
                    let _ = fs::remove_dir_all(&self.data_dir);
                }
            }
        }
        self.install_db(&self.dir, &self.data_dir)
    }

    fn install_db(&self, cwd: &Path, target: &Path) -> Result<(), HarnessError> {
        let mut cmd = Command::new(&self.bins.install_db);
        // --no-defaults must come first.
        cmd.arg("--no-defaults")
            .arg(format!("--datadir={}", target.display()))
            .args([
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
                "--skip-name-resolve",
                INNODB_LOG_FILE_SIZE,
            ])
            .current_dir(cwd);
        process::run(&mut cmd, INIT_TIMEOUT).map(drop)
    }

    fn server_args(&self, options: &MariaDbOptions) -> Vec<OsString> {
        let path = |flag: &str, p: &Path| format!("{flag}={}", p.display());
        let mut args = vec!["--no-defaults".to_owned()];
        if process::is_root() {
            args.push("--user=root".into());
        }
        args.extend([
            path("--datadir", &self.data_dir),
            path("--socket", &self.socket),
            path("--pid-file", &self.pid_file),
            format!("--port={}", self.port),
            "--bind-address=127.0.0.1".into(),
            path("--log-bin", &self.data_dir.join("mariadb-bin")),
            "--binlog-format=ROW".into(),
            "--binlog-row-image=FULL".into(),
            "--binlog-row-metadata=FULL".into(),
            "--server-id=1".into(),
            "--innodb-flush-log-at-trx-commit=2".into(),
            "--sync-binlog=0".into(),
            INNODB_LOG_FILE_SIZE.into(),
            "--character-set-server=utf8mb4".into(),
            "--collation-server=utf8mb4_general_ci".into(),
            "--max-connections=300".into(),
            path("--log-error", &self.error_log),
        ]);
        args.extend(options.args.iter().cloned());
        os_args(args)
    }

    /// Spawns mariadbd and waits until it greets on its socket.
    fn spawn_until_ready(&self) -> Result<Child, HarnessError> {
        let start_failed = |reason: String| HarnessError::StartFailed {
            server: SERVER,
            dir: self.dir.clone(),
            reason,
            log: self.error_log.clone(),
            log_tail: self.log_tail(),
        };
        let out = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.stdout_log)
            .map_err(io_error(format!("opening {}", self.stdout_log.display())))?;
        let err = out
            .try_clone()
            .map_err(io_error(format!("opening {}", self.stdout_log.display())))?;
        let mut child = Command::new(&self.bins.mariadbd)
            .args(&self.args)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .current_dir(&self.dir)
            // Own process group: a Ctrl-C at the terminal leaves the cleanup to the watchdog.
            .process_group(0)
            .spawn()
            .map_err(io_error(format!(
                "spawning {}",
                self.bins.mariadbd.display()
            )))?;
        // mariadbd writes the PID file itself only after some initialisation; the watchdog needs
        // it from the start.
        let _ = fs::write(&self.pid_file, format!("{}\n", child.id()));
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            match child.try_wait() {
                Ok(Some(status)) => {
                    return Err(start_failed(format!("mariadbd exited ({status})")))
                }
                Ok(None) => {}
                Err(e) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(start_failed(format!("waiting for mariadbd: {e}")));
                }
            }
            let now = Instant::now();
            if now >= deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Err(start_failed(format!("not ready within {START_TIMEOUT:?}")));
            }
            if greets(&self.socket, deadline - now) {
                return Ok(child);
            }
            thread::sleep(Duration::from_millis(5));
        }
    }

    /// SIGTERM and wait; SIGKILL after the stop timeout.
    fn terminate(&self, mut child: Child) -> Result<(), HarnessError> {
        let stop_failed = |reason: String| HarnessError::StopFailed {
            server: SERVER,
            dir: self.dir.clone(),
            reason,
            log: self.error_log.clone(),
            log_tail: self.log_tail(),
        };
        let signalled = process::send_signal(child.id(), "TERM");
        let waited = match signalled {
            Ok(()) => process::wait_timeout(&mut child, STOP_TIMEOUT),
            Err(_) => Ok(None),
        };
        match waited {
            Ok(Some(_)) => Ok(()),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                Err(stop_failed(match signalled {
                    Ok(()) => format!("no exit within {STOP_TIMEOUT:?} of SIGTERM; killed"),
                    Err(e) => format!("SIGTERM failed ({e}); killed"),
                }))
            }
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                Err(stop_failed(format!("waiting for mariadbd: {e}; killed")))
            }
        }
    }
}

/// Whether a server answers on `socket` with a protocol-10 handshake (it only does once ready).
fn greets(socket: &Path, limit: Duration) -> bool {
    let Ok(mut stream) = UnixStream::connect(socket) else {
        return false;
    };
    if stream
        .set_read_timeout(Some(limit.min(Duration::from_secs(5))))
        .is_err()
    {
        return false;
    }
    let mut header = [0u8; 5];
    // 3-byte length, sequence id, then the payload's first byte: 10 = handshake, 0xff = error.
    stream.read_exact(&mut header).is_ok() && header[4] == 10
}

impl Drop for MariaDbServer {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.lock().take() {
            let _ = child.kill();
            let _ = process::wait_timeout(&mut child, STOP_TIMEOUT);
        }
        // The watchdog removes the directory.
        self.watchdog.release();
    }
}

#[cfg(test)]
mod tests {
    use mysql_async::Row;

    use super::*;

    fn must<T>(result: Result<T, HarnessError>) -> T {
        result.unwrap_or_else(|e| panic!("{e}"))
    }

    #[tokio::test]
    async fn shared_server_has_a_row_binlog() {
        let t = Instant::now();
        let my = must(MariaDbServer::shared());
        eprintln!("MariaDbServer::shared() took {:?}", t.elapsed());
        let t = Instant::now();
        let db = must(my.create_database("binlog").await);
        eprintln!("MariaDB create_database took {:?}", t.elapsed());

        let mut conn = must(my.connect(&db).await);
        let settings: (i64, String, String, String, i64) = conn
            .query_first(
                "SELECT @@log_bin, @@binlog_format, @@binlog_row_image, @@binlog_row_metadata, \
                 @@server_id",
            )
            .await
            .expect("query")
            .expect("a row");
        assert_eq!(settings, (1, "ROW".into(), "FULL".into(), "FULL".into(), 1));
        let status: Vec<Row> = conn
            .query("SHOW MASTER STATUS")
            .await
            .expect("master status");
        assert_eq!(status.len(), 1, "binlog on");
        let current: Option<String> = conn.query_first("SELECT DATABASE()").await.expect("db");
        assert_eq!(current.as_deref(), Some(db.as_str()));
        let host: Option<String> = conn
            .query_first(
                "SELECT host FROM information_schema.processlist WHERE id = CONNECTION_ID()",
            )
            .await
            .expect("host");
        assert_eq!(host.as_deref(), Some("localhost"), "a socket connection");
        conn.query_drop(
            "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10)); INSERT INTO t VALUES (1, 'é')",
        )
        .await
        .expect("setup");
        conn.disconnect().await.expect("disconnect");

        let mut tcp = must(my.connect_tcp(&db).await);
        let host: Option<String> = tcp
            .query_first(
                "SELECT host FROM information_schema.processlist WHERE id = CONNECTION_ID()",
            )
            .await
            .expect("host");
        assert!(
            host.as_deref().is_some_and(|h| h.contains(':')),
            "a TCP connection: {host:?}"
        );
        let v: Option<String> = tcp
            .query_first("SELECT v FROM t WHERE id = 1")
            .await
            .expect("select");
        assert_eq!(v.as_deref(), Some("é"));
        tcp.disconnect().await.expect("disconnect");

        // The URL form works too.
        let opts = Opts::from_url(&my.url(&db)).expect("url parses");
        let mut by_url = Conn::new(opts).await.expect("connect by url");
        let n: Option<i64> = by_url
            .query_first("SELECT COUNT(*) FROM t")
            .await
            .expect("count");
        assert_eq!(n, Some(1));
        by_url.disconnect().await.expect("disconnect");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn private_instance_restart_and_kill_keep_data() {
        let t = Instant::now();
        let my = must(MariaDbServer::start(
            MariaDbOptions::new().arg("--max-binlog-size=1M"),
        ));
        eprintln!("MariaDbServer::start() took {:?}", t.elapsed());
        let dir = my.dir().to_owned();
        let db = must(my.create_database("restart").await);
        let mut conn = must(my.connect(&db).await);
        let size: Option<i64> = conn
            .query_first("SELECT @@max_binlog_size")
            .await
            .expect("size");
        assert_eq!(size, Some(1 << 20), "per-instance option applied");
        conn.query_drop("CREATE TABLE t (v VARCHAR(20)); INSERT INTO t VALUES ('kept')")
            .await
            .expect("setup");
        conn.disconnect().await.expect("disconnect");

        let t = Instant::now();
        must(my.restart());
        eprintln!("MariaDbServer::restart() took {:?}", t.elapsed());
        let mut conn = must(my.connect_tcp(&db).await);
        let v: Option<String> = conn.query_first("SELECT v FROM t").await.expect("select");
        assert_eq!(v.as_deref(), Some("kept"));
        conn.query_drop("INSERT INTO t VALUES ('before crash')")
            .await
            .expect("insert");
        conn.disconnect().await.expect("disconnect");

        must(my.kill());
        assert!(!my.is_running());
        assert!(my.connect(&db).await.is_err());
        must(my.restart());
        let mut conn = must(my.connect(&db).await);
        let n: Option<i64> = conn
            .query_first("SELECT COUNT(*) FROM t")
            .await
            .expect("count");
        assert_eq!(n, Some(2));
        conn.disconnect().await.expect("disconnect");

        must(my.stop());
        must(my.stop());
        let pid_gone = my.pid().is_none();
        assert!(pid_gone);
        drop(my);
        assert!(!dir.exists(), "{} removed on drop", dir.display());
    }

    /// Not a test by itself: run by `crash_of_the_test_process_removes_the_server` in a child
    /// process, which it kills.
    #[test]
    #[ignore]
    fn crash_helper() {
        if std::env::var_os("TETHER_CRASH_HELPER").is_none() {
            return;
        }
        let my = must(MariaDbServer::start(MariaDbOptions::new()));
        println!("DIR={}", my.dir().display());
        println!("PID={}", my.pid().expect("pid"));
        // A crash: SIGKILL, so no destructor, panic hook or atexit handler runs.
        let _ = process::send_signal(std::process::id(), "KILL");
        loop {
            std::thread::sleep(Duration::from_secs(1));
        }
    }

    #[test]
    fn crash_of_the_test_process_removes_the_server() {
        let exe = std::env::current_exe().expect("current_exe");
        let out = Command::new(exe)
            .args(["--exact", "testing::mariadb::tests::crash_helper"])
            .args(["--ignored", "--nocapture", "--test-threads=1"])
            .env("TETHER_CRASH_HELPER", "1")
            .output()
            .expect("run helper");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let field = |key: &str| -> String {
            stdout
                .lines()
                .find_map(|l| l.split_once(key).map(|(_, value)| value))
                .unwrap_or_else(|| {
                    panic!(
                        "no {key} in helper output:\n{stdout}\n{}",
                        String::from_utf8_lossy(&out.stderr)
                    )
                })
                .to_owned()
        };
        let dir = PathBuf::from(field("DIR="));
        let pid = field("PID=");
        assert!(!out.status.success(), "the helper was killed");
        let proc_dir = PathBuf::from(format!("/proc/{pid}"));
        let deadline = Instant::now() + Duration::from_secs(20);
        while (dir.exists() || proc_dir.exists()) && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(20));
        }
        assert!(!dir.exists(), "{} removed after the crash", dir.display());
        assert!(!proc_dir.exists(), "mariadbd {pid} gone");
    }
}

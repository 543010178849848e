//! Throwaway PostgreSQL servers for tests.
//!
//! [`PostgresServer::shared`] starts one cluster per test binary, on first use; tests isolate
//! themselves with [`PostgresServer::create_database`]. [`PostgresServer::start`] starts a private
//! cluster, for tests that restart or kill the server or need other settings (e.g. a small
//! `wal_sender_timeout`).
//!
//! A cluster lives in an instance directory `tether-pg-<pid>-<n>/` (under `TETHER_TEST_TMPDIR`,
//! else `/dev/shm` when it is a tmpfs with room, else `/tmp`): `data/` (copied from a cached `initdb`
//! template, or made by `initdb -U postgres --auth=trust --no-sync -E UTF8 --locale=C`), `pg.log`,
//! and the Unix socket `.s.PGSQL.<port>`. It is started with `pg_ctl -w start` (the harness returns
//! as soon as `postmaster.pid` says "ready", without pg_ctl's 100 ms polling) and stopped by
//! signalling the postmaster (SIGINT = fast, SIGQUIT = immediate). Settings are written to
//! `data/tether.conf`, included from `postgresql.conf`; per-instance options come last and win:
//!
//! `listen_addresses = '127.0.0.1'`, a free `port`, `unix_socket_directories` = the instance
//! directory, `wal_level = logical`, `max_replication_slots = 64`, `max_wal_senders = 64`,
//! `fsync = off`, `full_page_writes = off`, `max_connections = 200`, `shared_buffers = 32MB`.
//! `synchronous_commit` stays on: off delays what logical decoding sees.
//!
//! Authentication is `trust` for the superuser `postgres`, over the socket and over TCP (also for
//! `replication=database` connections).
//!
//! Binaries: `TETHER_PG_BINDIR`, else the highest `/usr/lib/postgresql/*/bin`, else `PATH`. When
//! the test process is root, `initdb` and `pg_ctl` run as the `postgres` OS user (`runuser -u
//! postgres --`) and the instance directory belongs to it.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use tokio_postgres::{Client, Config, NoTls};

use super::process::{
    self, command_as, io_error, Kind, OsUser, Watchdog, INIT_TIMEOUT, PORT_ATTEMPTS, START_TIMEOUT,
    STOP_TIMEOUT,
};
use super::{unique_database_name, HarnessError};

/// The superuser of every test cluster (no password).
pub const SUPERUSER: &str = "postgres";

const SERVER: &str = "PostgreSQL";
const PACKAGE: &str = "postgresql-15";
const BINDIR_ENV: &str = "TETHER_PG_BINDIR";
const KIND: Kind = Kind {
    name: "pg",
    pid_file: "data/postmaster.pid",
    // Immediate shutdown: the postmaster takes its children down, then removes its PID file.
    kill_signal: "QUIT",
};
/// Name of the settings file inside the data directory.
const CONF_FILE: &str = "tether.conf";

/// Settings of a private cluster, on top of the harness defaults.
#[derive(Clone, Debug, Default)]
pub struct PostgresOptions {
    settings: Vec<(String, String)>,
}

impl PostgresOptions {
    /// The harness defaults only.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `name = value` (like `-c name=value`), e.g. `("wal_sender_timeout", "2s")` or
    /// `("logical_decoding_work_mem", "64kB")`. Later settings win, also over harness defaults.
    /// Leave `port` and `unix_socket_directories` alone: the harness chooses and reports them.
    pub fn setting(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.settings.push((name.into(), value.into()));
        self
    }
}

/// The PostgreSQL binaries in use.
#[derive(Clone, Debug)]
struct PgBins {
    initdb: PathBuf,
    pg_ctl: PathBuf,
}

impl PgBins {
    fn in_dir(dir: &Path) -> Option<PgBins> {
        let bins = PgBins {
            initdb: dir.join("initdb"),
            pg_ctl: dir.join("pg_ctl"),
        };
        (process::is_executable(&bins.initdb) && process::is_executable(&bins.pg_ctl))
            .then_some(bins)
    }

    fn find() -> Result<PgBins, HarnessError> {
        static FOUND: OnceLock<PgBins> = OnceLock::new();
        if let Some(bins) = FOUND.get() {
            return Ok(bins.clone());
        }
        let mut searched = Vec::new();
        let mut candidates = Vec::new();
        if let Some(dir) = std::env::var_os(BINDIR_ENV).filter(|v| !v.is_empty()) {
            // An explicit directory is the only candidate: never silently use another version.
            candidates.push(PathBuf::from(dir));
        } else {
            candidates.extend(debian_bindirs());
            candidates.extend(process::path_dirs());
            candidates.push(PathBuf::from("/usr/local/pgsql/bin"));
        }
        for dir in &candidates {
            searched.push(dir.display().to_string());
            if let Some(bins) = PgBins::in_dir(dir) {
                return Ok(FOUND.get_or_init(|| bins).clone());
            }
        }
        Err(HarnessError::BinaryNotFound {
            program: "initdb",
            package: PACKAGE,
            env_var: BINDIR_ENV,
            searched: if searched.is_empty() {
                "nothing".into()
            } else {
                searched.join(", ")
            },
        })
    }
}

/// `/usr/lib/postgresql/*/bin`, highest version first.
fn debian_bindirs() -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir("/usr/lib/postgresql") else {
        return Vec::new();
    };
    let mut versions: Vec<(Vec<u32>, PathBuf)> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let version = name
                .split('.')
                .map(|p| p.parse().ok())
                .collect::<Option<Vec<u32>>>()?;
            Some((version, e.path().join("bin")))
        })
        .collect();
    versions.sort();
    versions.into_iter().rev().map(|(_, dir)| dir).collect()
}

/// Quotes a value for postgresql.conf.
fn conf_quote(value: &str) -> String {
    format!("'{}'", value.replace('\\', "\\\\").replace('\'', "''"))
}

/// A throwaway PostgreSQL cluster. Dropping it kills the server and deletes its directory.
pub struct PostgresServer {
    dir: PathBuf,
    data_dir: PathBuf,
    log_file: PathBuf,
    port: u16,
    bins: PgBins,
    run_as: Option<OsUser>,
    running: Mutex<bool>,
    watchdog: Watchdog,
}

impl std::fmt::Debug for PostgresServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresServer")
            .field("dir", &self.dir)
            .field("port", &self.port)
            .field("running", &*self.running.lock())
            .finish_non_exhaustive()
    }
}

impl PostgresServer {
    /// The cluster shared by all tests of this test binary, started on first use. Never restart or
    /// reconfigure it; use [`PostgresServer::start`] for that. It is removed when the process exits.
    pub fn shared() -> Result<&'static PostgresServer, HarnessError> {
        static SHARED: OnceLock<Result<PostgresServer, String>> = OnceLock::new();
        SHARED
            .get_or_init(|| {
                PostgresServer::start(PostgresOptions::new()).map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(|message| HarnessError::SharedServer {
                server: SERVER,
                message: message.clone(),
            })
    }

    /// Starts a private cluster.
    pub fn start(options: PostgresOptions) -> Result<PostgresServer, HarnessError> {
        let bins = PgBins::find()?;
        let run_as = if process::is_root() {
            Some(process::os_user("postgres", "PostgreSQL", PACKAGE)?)
        } else {
            None
        };
        process::reap_stale(&KIND);
        let dir = process::create_instance_dir(&KIND)?;
        // From here on, dropping the watchdog (or `server`, below) removes `dir`.
        let watchdog = Watchdog::spawn(&dir, &KIND)?;
        let mut server = PostgresServer {
            data_dir: dir.join("data"),
            log_file: dir.join("pg.log"),
            dir,
            port: 0,
            bins,
            run_as,
            running: Mutex::new(false),
            watchdog,
        };
        process::check_socket_path(&server.dir.join(".s.PGSQL.65535"))?;
        if let Some(user) = &server.run_as {
            process::make_ancestors_traversable(&server.dir)?;
            process::chown(&server.dir, user)?;
        }
        server.init_data_dir()?;
        server.include_conf()?;
        let mut attempt = 1;
        loop {
            server.port = process::free_port()?;
            server.write_conf(&options)?;
            match server.pg_ctl_start() {
                Ok(()) => {
                    *server.running.lock() = true;
                    return Ok(server);
                }
                Err(e) => {
                    let log = process::log_tail(&server.log_file);
                    if attempt >= PORT_ATTEMPTS || !process::says_address_in_use(&log) {
                        return Err(e);
                    }
                    attempt += 1;
                    // Start the next attempt's log afresh, so the check above sees only it.
                    let _ = fs::remove_file(&server.log_file);
                }
            }
        }
    }

    /// The instance directory (holds `data/`, `pg.log` and the socket).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The server log.
    pub fn log_file(&self) -> &Path {
        &self.log_file
    }

    /// The last lines of the server log.
    pub fn log_tail(&self) -> String {
        process::log_tail(&self.log_file)
    }

    /// The Unix socket directory (the socket is `<dir>/.s.PGSQL.<port>`).
    pub fn socket_dir(&self) -> &Path {
        &self.dir
    }

    /// The Unix socket file, for clients that connect by path (e.g. a walsender client).
    pub fn socket_path(&self) -> PathBuf {
        self.dir.join(format!(".s.PGSQL.{}", self.port))
    }

    /// The TCP port on 127.0.0.1 (also names the Unix socket).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A client configuration for `db` over the Unix socket, as the superuser.
    pub fn host_config(&self, db: &str) -> Config {
        let mut config = Config::new();
        config
            .host_path(&self.dir)
            .port(self.port)
            .user(SUPERUSER)
            .dbname(db)
            .connect_timeout(Duration::from_secs(10));
        config
    }

    /// A client configuration for `db` over TCP (127.0.0.1), as the superuser.
    pub fn tcp_config(&self, db: &str) -> Config {
        let mut config = Config::new();
        config
            .host("127.0.0.1")
            .port(self.port)
            .user(SUPERUSER)
            .dbname(db)
            .connect_timeout(Duration::from_secs(10));
        config
    }

    /// A TCP URL for `db`: `postgres://postgres@127.0.0.1:<port>/<db>`.
    pub fn url(&self, db: &str) -> String {
        format!("postgres://{SUPERUSER}@127.0.0.1:{}/{db}", self.port)
    }

    /// A key/value connection string for `db` over the Unix socket:
    /// `host=<dir> port=<port> user=postgres dbname=<db>`.
    pub fn socket_conninfo(&self, db: &str) -> String {
        format!(
            "host={} port={} user={SUPERUSER} dbname={db}",
            self.dir.display(),
            self.port
        )
    }

    /// Connects to `db` over the Unix socket, spawning the connection task on the current Tokio
    /// runtime.
    pub async fn connect(&self, db: &str) -> Result<Client, HarnessError> {
        Self::connect_with(self.host_config(db)).await
    }

    /// Connects to `db` over TCP, spawning the connection task on the current Tokio runtime.
    pub async fn connect_tcp(&self, db: &str) -> Result<Client, HarnessError> {
        Self::connect_with(self.tcp_config(db)).await
    }

    async fn connect_with(config: Config) -> Result<Client, HarnessError> {
        let (client, connection) = config.connect(NoTls).await?;
        tokio::spawn(async move {
            // Ends when the client is dropped or the server goes away; errors surface on the client.
            let _ = connection.await;
        });
        Ok(client)
    }

    /// Creates a database named `<prefix>_<n>` (sanitised, unique within the process) and returns
    /// its name.
    pub async fn create_database(&self, prefix: &str) -> Result<String, HarnessError> {
        let name = unique_database_name(prefix);
        let client = self.connect("postgres").await?;
        client
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .await?;
        Ok(name)
    }

    /// Stops the server if it runs (fast shutdown) and starts it again on the same port with
    /// the same data and settings. Blocks. Only for private clusters.
    pub fn restart(&self) -> Result<(), HarnessError> {
        let mut running = self.running.lock();
        if *running {
            self.stop_postmaster("INT")?;
            *running = false;
        }
        self.pg_ctl_start()?;
        *running = true;
        Ok(())
    }

    /// Stops the server (fast shutdown, SIGINT: disconnects clients, clean shutdown). The data stays;
    /// [`restart`](Self::restart) starts it again. Blocks.
    pub fn stop(&self) -> Result<(), HarnessError> {
        self.stop_mode("INT")
    }

    /// Stops the server abruptly (immediate shutdown, SIGQUIT, like a crash: the next start runs
    /// recovery). Blocks.
    pub fn kill(&self) -> Result<(), HarnessError> {
        self.stop_mode("QUIT")
    }

    fn stop_mode(&self, signal: &str) -> Result<(), HarnessError> {
        let mut running = self.running.lock();
        if *running {
            self.stop_postmaster(signal)?;
            *running = false;
        }
        Ok(())
    }

    /// Whether the server is (supposed to be) running.
    pub fn is_running(&self) -> bool {
        *self.running.lock()
    }

    /// The postmaster's PID, from `postmaster.pid`.
    pub fn pid(&self) -> Option<u32> {
        let text = fs::read_to_string(self.data_dir.join("postmaster.pid")).ok()?;
        text.lines().next()?.trim().parse().ok()
    }

    fn init_data_dir(&self) -> Result<(), HarnessError> {
        let fingerprint = process::fingerprint(&[&self.bins.initdb], "initdb-v1");
        let template = process::template(&KIND, fingerprint, |scratch, target| {
            if let Some(user) = &self.run_as {
                process::chown(scratch, user)?;
            }
            self.initdb(scratch, target)
        });
        if let Some(template) = template {
            match process::copy_dir(&template, &self.data_dir) {
                Ok(()) => return Ok(()),
                Err(e) => {
                    eprintln!(
                        "tether testing: copying {} failed, running initdb: {e}",
                        template.display()
                    );
                    let _ = fs::remove_dir_all(&self.data_dir);
                }
            }
        }
        self.initdb(&self.dir, &self.data_dir)
    }

    fn initdb(&self, cwd: &Path, target: &Path) -> Result<(), HarnessError> {
        let mut cmd = command_as(self.run_as.as_ref(), &self.bins.initdb, cwd)?;
        cmd.arg("-D").arg(target).args([
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C",
        ]);
        process::run(&mut cmd, INIT_TIMEOUT).map(drop)
    }

    /// Appends `include 'tether.conf'` to postgresql.conf.
    fn include_conf(&self) -> Result<(), HarnessError> {
        let path = self.data_dir.join("postgresql.conf");
        let mut file = OpenOptions::new()
            .append(true)
            .open(&path)
            .map_err(io_error(format!("opening {}", path.display())))?;
        file.write_all(format!("\n# tether test harness\ninclude '{CONF_FILE}'\n").as_bytes())
            .map_err(io_error(format!("writing {}", path.display())))
    }

    fn write_conf(&self, options: &PostgresOptions) -> Result<(), HarnessError> {
        let dir = self.dir.to_string_lossy();
        let defaults = [
            ("listen_addresses", "127.0.0.1".to_owned()),
            ("port", self.port.to_string()),
            ("unix_socket_directories", dir.into_owned()),
            ("wal_level", "logical".into()),
            ("max_replication_slots", "64".into()),
            ("max_wal_senders", "64".into()),
            ("fsync", "off".into()),
            ("full_page_writes", "off".into()),
            ("max_connections", "200".into()),
            ("shared_buffers", "32MB".into()),
        ];
        let mut text = String::from("# Written by tether's test harness.\n");
        let user = options
            .settings
            .iter()
            .map(|(n, v)| (n.as_str(), v.clone()));
        for (name, value) in defaults.into_iter().chain(user) {
            text.push_str(&format!("{name} = {}\n", conf_quote(&value)));
        }
        let path = self.data_dir.join(CONF_FILE);
        fs::write(&path, text).map_err(io_error(format!("writing {}", path.display())))?;
        if let Some(user) = &self.run_as {
            process::chown(&path, user)?;
        }
        Ok(())
    }

    fn pid_file(&self) -> PathBuf {
        self.data_dir.join("postmaster.pid")
    }

    /// Whether `postmaster.pid` says "ready" (what `pg_ctl -w` waits for) and its PID is alive.
    fn postmaster_ready(&self) -> bool {
        let Ok(text) = fs::read_to_string(self.pid_file()) else {
            return false;
        };
        let lines: Vec<&str> = text.lines().collect();
        let pid = lines.first().and_then(|l| l.trim().parse().ok());
        // Line 8 is the postmaster status: "starting", "stopping", "ready", "standby".
        lines.get(7).map(|l| l.trim()) == Some("ready") && pid.is_some_and(process::process_alive)
    }

    fn start_failed(&self, reason: String) -> HarnessError {
        HarnessError::StartFailed {
            server: SERVER,
            dir: self.dir.clone(),
            reason,
            log: self.log_file.clone(),
            log_tail: self.log_tail(),
        }
    }

    fn stop_failed(&self, reason: String) -> HarnessError {
        HarnessError::StopFailed {
            server: SERVER,
            dir: self.dir.clone(),
            reason,
            log: self.log_file.clone(),
            log_tail: self.log_tail(),
        }
    }

    /// `pg_ctl -w start`, returning as soon as `postmaster.pid` says "ready". pg_ctl checks only every
    /// 100 ms; it still decides failures (and finishes in the background on success).
    fn pg_ctl_start(&self) -> Result<(), HarnessError> {
        if let Some(pid) = self.pid() {
            if process::process_alive(pid) {
                return Err(
                    self.start_failed(format!("a postmaster (PID {pid}) is running already"))
                );
            }
            // Left by a killed postmaster: it must not look "ready".
            let _ = fs::remove_file(self.pid_file());
        }
        let out_path = self.dir.join("pg_ctl.out");
        let out = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&out_path)
            .map_err(io_error(format!("opening {}", out_path.display())))?;
        let err = out
            .try_clone()
            .map_err(io_error(format!("opening {}", out_path.display())))?;
        let mut cmd = command_as(self.run_as.as_ref(), &self.bins.pg_ctl, &self.dir)?;
        cmd.arg("-D")
            .arg(&self.data_dir)
            .arg("-l")
            .arg(&self.log_file)
            .args(["-w", "-t"])
            .arg(START_TIMEOUT.as_secs().to_string())
            .args(["-s", "start"])
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err);
        let mut pg_ctl = cmd
            .spawn()
            .map_err(io_error(format!("spawning {}", self.bins.pg_ctl.display())))?;
        let deadline = Instant::now() + START_TIMEOUT + Duration::from_secs(5);
        let mut pause = Duration::from_millis(1);
        loop {
            if self.postmaster_ready() {
                // Reap pg_ctl when it notices too.
                thread::spawn(move || {
                    if let Ok(None) = process::wait_timeout(&mut pg_ctl, START_TIMEOUT) {
                        let _ = pg_ctl.kill();
                        let _ = pg_ctl.wait();
                    }
                });
                return Ok(());
            }
            match pg_ctl.try_wait() {
                Ok(Some(status)) if status.success() => return Ok(()),
                Ok(Some(status)) => {
                    let output = fs::read_to_string(&out_path).unwrap_or_default();
                    return Err(self.start_failed(format!(
                        "pg_ctl start failed ({status}): {}",
                        output.trim()
                    )));
                }
                Ok(None) => {}
                Err(e) => return Err(io_error("waiting for pg_ctl")(e)),
            }
            if Instant::now() >= deadline {
                let _ = pg_ctl.kill();
                let _ = pg_ctl.wait();
                return Err(self.start_failed(format!("not ready within {START_TIMEOUT:?}")));
            }
            thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_millis(5));
        }
    }

    /// Signals the postmaster (`INT`: fast shutdown, `QUIT`: immediate) and waits until it is gone,
    /// as `pg_ctl stop` does but without its 100 ms polling. Kills it after the stop timeout.
    fn stop_postmaster(&self, signal: &str) -> Result<(), HarnessError> {
        let Some(pid) = self.pid() else {
            return Ok(()); // no PID file: not running
        };
        if let Err(e) = process::send_signal(pid, signal) {
            if process::process_alive(pid) {
                return Err(self.stop_failed(format!("sending SIG{signal} to {pid}: {e}")));
            }
        }
        let deadline = Instant::now() + STOP_TIMEOUT;
        let mut pause = Duration::from_millis(1);
        while self.pid_file().exists() || process::process_alive(pid) {
            if Instant::now() >= deadline {
                let _ = process::send_signal(pid, "KILL");
                return Err(self.stop_failed(format!(
                    "postmaster {pid} still running {STOP_TIMEOUT:?} after SIG{signal}; killed"
                )));
            }
            thread::sleep(pause);
            pause = (pause * 2).min(Duration::from_millis(5));
        }
        Ok(())
    }
}

impl Drop for PostgresServer {
    fn drop(&mut self) {
        // The watchdog stops the server (immediate shutdown) and removes the directory.
        self.watchdog.release();
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    fn must<T>(result: Result<T, HarnessError>) -> T {
        result.unwrap_or_else(|e| panic!("{e}"))
    }

    async fn one_string(client: &Client, sql: &str) -> String {
        let row = client
            .query_one(sql, &[])
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        row.get(0)
    }

    #[tokio::test]
    async fn shared_server_serves_two_databases_over_tcp_and_socket() {
        let t = Instant::now();
        let pg = must(PostgresServer::shared());
        eprintln!("PostgresServer::shared() took {:?}", t.elapsed());
        let t = Instant::now();
        let a = must(pg.create_database("two_dbs").await);
        eprintln!("PostgreSQL create_database took {:?}", t.elapsed());
        let b = must(pg.create_database("two_dbs").await);
        assert_ne!(a, b);

        let over_socket = must(pg.connect(&a).await);
        assert_eq!(one_string(&over_socket, "SHOW wal_level").await, "logical");
        assert_eq!(
            one_string(&over_socket, "SHOW synchronous_commit").await,
            "on"
        );
        assert_eq!(one_string(&over_socket, "SHOW fsync").await, "off");
        assert_eq!(
            one_string(&over_socket, "SHOW max_replication_slots").await,
            "64"
        );
        assert_eq!(
            one_string(&over_socket, "SELECT current_database()").await,
            a
        );
        let addr = over_socket
            .query_one("SELECT inet_server_addr()::text", &[])
            .await
            .expect("inet_server_addr");
        assert_eq!(
            addr.get::<_, Option<String>>(0),
            None,
            "a Unix-socket connection"
        );

        let over_tcp = must(pg.connect_tcp(&b).await);
        assert_eq!(one_string(&over_tcp, "SELECT current_database()").await, b);
        assert_eq!(
            one_string(&over_tcp, "SELECT host(inet_server_addr())").await,
            "127.0.0.1"
        );
        assert_eq!(one_string(&over_tcp, "SHOW wal_level").await, "logical");

        // The databases are separate.
        over_socket
            .batch_execute("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)")
            .await
            .expect("create in a");
        let missing = over_tcp.query("SELECT * FROM t", &[]).await;
        assert!(missing.is_err(), "table t must not exist in {b}");

        // URL and conninfo forms parse and work.
        let by_url: Config = pg.url(&b).parse().expect("url parses");
        let (c, conn) = by_url.connect(NoTls).await.expect("connect by url");
        tokio::spawn(conn);
        assert_eq!(one_string(&c, "SELECT current_database()").await, b);
        let by_conninfo: Config = pg.socket_conninfo(&a).parse().expect("conninfo parses");
        let (c, conn) = by_conninfo
            .connect(NoTls)
            .await
            .expect("connect by conninfo");
        tokio::spawn(conn);
        assert_eq!(one_string(&c, "SELECT count(*)::text FROM t").await, "1");
    }

    #[tokio::test]
    async fn shared_server_supports_logical_decoding() {
        let pg = must(PostgresServer::shared());
        let db = must(pg.create_database("decoding").await);
        let client = must(pg.connect(&db).await);
        let slot = format!("{db}_slot");
        client
            .batch_execute("CREATE TABLE t (id int PRIMARY KEY, v text)")
            .await
            .expect("create table");
        // Not in the same (implicit) transaction as a write.
        client
            .batch_execute(&format!(
                "SELECT pg_create_logical_replication_slot('{slot}', 'test_decoding')"
            ))
            .await
            .expect("create slot");
        client
            .batch_execute("INSERT INTO t VALUES (1, 'x')")
            .await
            .expect("insert");
        let rows = client
            .query(
                &format!("SELECT data FROM pg_logical_slot_get_changes('{slot}', NULL, NULL)"),
                &[],
            )
            .await
            .expect("changes");
        let changes: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
        assert!(
            changes
                .iter()
                .any(|c| c.contains("INSERT") && c.contains("'x'")),
            "{changes:?}"
        );
        client
            .batch_execute(&format!("SELECT pg_drop_replication_slot('{slot}')"))
            .await
            .expect("drop slot");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn private_instance_restart_keeps_data_and_settings() {
        let t = Instant::now();
        let pg = must(PostgresServer::start(
            PostgresOptions::new().setting("wal_sender_timeout", "2s"),
        ));
        eprintln!("PostgresServer::start() took {:?}", t.elapsed());
        let dir = pg.dir().to_owned();
        let port = pg.port();
        let db = must(pg.create_database("restart").await);
        let client = must(pg.connect(&db).await);
        assert_eq!(one_string(&client, "SHOW wal_sender_timeout").await, "2s");
        client
            .batch_execute("CREATE TABLE t (v text); INSERT INTO t VALUES ('kept')")
            .await
            .expect("setup");

        let t = Instant::now();
        must(pg.restart());
        eprintln!("PostgresServer::restart() took {:?}", t.elapsed());
        assert!(client.is_closed() || client.simple_query("SELECT 1").await.is_err());
        assert_eq!(pg.port(), port);
        let client = must(pg.connect_tcp(&db).await);
        assert_eq!(one_string(&client, "SELECT v FROM t").await, "kept");
        assert_eq!(one_string(&client, "SHOW wal_sender_timeout").await, "2s");

        // Stopped: connections are refused; restart() brings it back.
        must(pg.stop());
        assert!(!pg.is_running());
        assert!(pg.connect(&db).await.is_err());
        must(pg.restart());
        let client = must(pg.connect(&db).await);
        client
            .batch_execute("INSERT INTO t VALUES ('before crash')")
            .await
            .expect("insert");

        // A crash (immediate shutdown) keeps committed data too.
        must(pg.kill());
        must(pg.restart());
        let client = must(pg.connect(&db).await);
        assert_eq!(
            one_string(&client, "SELECT count(*)::text FROM t").await,
            "2"
        );

        let pid = pg.pid().expect("postmaster pid");
        let t = Instant::now();
        drop(pg);
        eprintln!("dropping a PostgresServer took {:?}", t.elapsed());
        assert!(!dir.exists(), "{} removed on drop", dir.display());
        // The postmaster removes its PID file just before it exits.
        let proc_dir = PathBuf::from(format!("/proc/{pid}"));
        let deadline = Instant::now() + Duration::from_secs(5);
        while proc_dir.exists() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(!proc_dir.exists(), "postmaster {pid} gone");
    }

    #[test]
    fn private_instances_run_side_by_side() {
        let a = must(PostgresServer::start(PostgresOptions::new()));
        let b = must(PostgresServer::start(PostgresOptions::new()));
        assert_ne!(a.port(), b.port());
        assert_ne!(a.dir(), b.dir());
        assert!(a.socket_path().exists() && b.socket_path().exists());
    }

    /// Not a test by itself: run by `crash_of_the_test_process_removes_the_server` in a child
    /// process, which it kills.
    #[test]
    #[ignore]
    fn crash_helper() {
        if std::env::var_os("TETHER_CRASH_HELPER").is_none() {
            return;
        }
        let pg = must(PostgresServer::start(PostgresOptions::new()));
        println!("DIR={}", pg.dir().display());
        println!("PID={}", pg.pid().expect("pid"));
        // A crash: SIGKILL, so no destructor, panic hook or atexit handler runs.
        let _ = process::send_signal(std::process::id(), "KILL");
        loop {
            std::thread::sleep(Duration::from_secs(1));
        }
    }

    #[test]
    fn crash_of_the_test_process_removes_the_server() {
        let exe = std::env::current_exe().expect("current_exe");
        let out = std::process::Command::new(exe)
            .args(["--exact", "testing::postgres::tests::crash_helper"])
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
        let deadline = Instant::now() + Duration::from_secs(20);
        while (dir.exists() || Path::new(&format!("/proc/{pid}")).exists())
            && Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(!dir.exists(), "{} removed after the crash", dir.display());
        assert!(
            !Path::new(&format!("/proc/{pid}")).exists(),
            "postmaster {pid} gone"
        );
    }
}

//! Plumbing shared by the PostgreSQL and MariaDB harnesses: user identity and `runuser`, helper
//! commands with time limits, instance directories, the stdin-EOF watchdog, reaping of directories
//! left by dead processes, cached template data directories, and free TCP ports.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashSet;
use std::ffi::OsString;
use std::fs;
use std::hash::{Hash, Hasher};
use std::io::{self, Read};
use std::net::TcpListener;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, OnceLock};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use parking_lot::Mutex;

use super::HarnessError;

/// Limit for a server start, including its readiness wait.
pub(crate) const START_TIMEOUT: Duration = Duration::from_secs(30);
/// Limit for a server stop.
pub(crate) const STOP_TIMEOUT: Duration = Duration::from_secs(30);
/// Limit for creating a data directory (`initdb`, `mariadb-install-db`, `cp -a`).
pub(crate) const INIT_TIMEOUT: Duration = Duration::from_secs(120);
/// How often a server start is retried with a new port after "Address already in use".
pub(crate) const PORT_ATTEMPTS: usize = 4;
/// `sizeof(sockaddr_un.sun_path) - 1` on Linux.
const SOCKET_PATH_LIMIT: usize = 107;
/// Lines of server log quoted in errors.
const LOG_TAIL_LINES: usize = 40;

/// Shorthand for mapping an `io::Error` with context.
pub(crate) fn io_error(context: impl Into<String>) -> impl FnOnce(io::Error) -> HarnessError {
    let context = context.into();
    move |source| HarnessError::Io { context, source }
}

// ---------------------------------------------------------------------------------------------
// Identity

/// The effective uid of this process.
pub(crate) fn effective_uid() -> u32 {
    static UID: OnceLock<u32> = OnceLock::new();
    *UID.get_or_init(|| {
        // /proc/self belongs to the effective uid; `id -u` is the portable fallback.
        if let Ok(meta) = fs::metadata("/proc/self") {
            return meta.uid();
        }
        Command::new("id")
            .arg("-u")
            .output()
            .ok()
            .and_then(|out| String::from_utf8(out.stdout).ok())
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(u32::MAX)
    })
}

pub(crate) fn is_root() -> bool {
    effective_uid() == 0
}

/// An OS user that server commands run as when the test process is root.
#[derive(Clone, Debug)]
pub(crate) struct OsUser {
    pub(crate) name: &'static str,
    pub(crate) uid: u32,
    pub(crate) gid: u32,
}

/// Looks up an OS user with `id`, which also consults NSS.
pub(crate) fn os_user(
    name: &'static str,
    program: &'static str,
    package: &'static str,
) -> Result<OsUser, HarnessError> {
    let id = |flag: &str| -> Option<u32> {
        let out = Command::new("id").arg(flag).arg(name).output().ok()?;
        if !out.status.success() {
            return None;
        }
        String::from_utf8(out.stdout).ok()?.trim().parse().ok()
    };
    match (id("-u"), id("-g")) {
        (Some(uid), Some(gid)) => Ok(OsUser { name, uid, gid }),
        _ => Err(HarnessError::MissingOsUser {
            user: name,
            program,
            package,
        }),
    }
}

pub(crate) fn chown(path: &Path, user: &OsUser) -> Result<(), HarnessError> {
    std::os::unix::fs::chown(path, Some(user.uid), Some(user.gid)).map_err(io_error(format!(
        "chown {} to {}",
        path.display(),
        user.name
    )))
}

/// Adds `o+x` to every ancestor of `path` that lacks it, so that another OS user can reach `path`.
pub(crate) fn make_ancestors_traversable(path: &Path) -> Result<(), HarnessError> {
    for dir in path.ancestors().skip(1) {
        if dir.as_os_str().is_empty() {
            continue;
        }
        let meta = fs::metadata(dir).map_err(io_error(format!("stat {}", dir.display())))?;
        let mode = meta.permissions().mode();
        if mode & 0o001 == 0 {
            fs::set_permissions(dir, fs::Permissions::from_mode(mode | 0o001))
                .map_err(io_error(format!("chmod o+x {}", dir.display())))?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Binaries

pub(crate) fn is_executable(path: &Path) -> bool {
    fs::metadata(path)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// The directories of `PATH`.
pub(crate) fn path_dirs() -> Vec<PathBuf> {
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default()
}

/// `runuser` (util-linux), which is often outside a non-login PATH.
fn runuser() -> Result<PathBuf, HarnessError> {
    let mut dirs = vec![PathBuf::from("/usr/sbin"), PathBuf::from("/sbin")];
    dirs.extend(path_dirs());
    dirs.extend([PathBuf::from("/usr/bin"), PathBuf::from("/bin")]);
    dirs.iter()
        .map(|d| d.join("runuser"))
        .find(|p| is_executable(p))
        .ok_or_else(|| HarnessError::BinaryNotFound {
            program: "runuser",
            package: "util-linux",
            env_var: "PATH",
            searched: "/usr/sbin, /sbin, PATH, /usr/bin, /bin".into(),
        })
}

/// A command for `program`, run as `user` through `runuser` when given. The working directory is
/// `cwd` (the user may not be able to enter the test's working directory).
pub(crate) fn command_as(
    user: Option<&OsUser>,
    program: &Path,
    cwd: &Path,
) -> Result<Command, HarnessError> {
    let mut cmd = match user {
        Some(user) => {
            let mut cmd = Command::new(runuser()?);
            cmd.args(["-u", user.name, "--"]).arg(program);
            cmd
        }
        None => Command::new(program),
    };
    cmd.current_dir(cwd);
    Ok(cmd)
}

// ---------------------------------------------------------------------------------------------
// Commands with time limits

fn describe(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for arg in cmd.get_args() {
        s.push(' ');
        s.push_str(&arg.to_string_lossy());
    }
    s
}

/// The last `max` bytes of `s`, cut at a line start.
fn tail_str(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut start = s.len() - max;
    while !s.is_char_boundary(start) {
        start += 1;
    }
    match s[start..].find('\n') {
        Some(i) => &s[start + i + 1..],
        None => &s[start..],
    }
}

/// Waits for `child` to exit, polling, for at most `timeout`. `Ok(None)`: still running.
pub(crate) fn wait_timeout(child: &mut Child, timeout: Duration) -> io::Result<Option<ExitStatus>> {
    let deadline = Instant::now() + timeout;
    let mut pause = Duration::from_millis(1);
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        let now = Instant::now();
        if now >= deadline {
            return Ok(None);
        }
        thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(Duration::from_millis(10));
    }
}

/// Runs `cmd` to completion with stdin from /dev/null, killing it after `timeout`. Returns its
/// combined stdout and stderr; a non-zero exit is an error.
pub(crate) fn run(cmd: &mut Command, timeout: Duration) -> Result<String, HarnessError> {
    let command = describe(cmd);
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .map_err(io_error(format!("spawning `{command}`")))?;
    // Readers on threads, so that a chatty command cannot block on a full pipe.
    let (tx, rx) = mpsc::channel::<Vec<u8>>();
    let pipes: [Option<Box<dyn Read + Send>>; 2] = [
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    ];
    let mut readers = 0;
    for mut pipe in pipes.into_iter().flatten() {
        let tx = tx.clone();
        readers += 1;
        thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = pipe.read_to_end(&mut buf);
            let _ = tx.send(buf);
        });
    }
    drop(tx);
    let start = Instant::now();
    let status =
        wait_timeout(&mut child, timeout).map_err(io_error(format!("waiting for `{command}`")))?;
    if status.is_none() {
        let _ = child.kill();
        let _ = child.wait();
    }
    // A daemonising command may leave a grandchild holding the pipes: do not wait forever.
    let mut output = Vec::new();
    for _ in 0..readers {
        let left = (timeout + Duration::from_secs(1)).saturating_sub(start.elapsed());
        match rx.recv_timeout(left.max(Duration::from_millis(200))) {
            Ok(buf) => output.extend_from_slice(&buf),
            Err(_) => break,
        }
    }
    let output = tail_str(&String::from_utf8_lossy(&output), 8000).to_owned();
    match status {
        None => Err(HarnessError::CommandTimedOut {
            command,
            timeout,
            output,
        }),
        Some(status) if status.success() => Ok(output),
        Some(status) => Err(HarnessError::CommandFailed {
            command,
            status: status.to_string(),
            output,
        }),
    }
}

/// Sends `signal` (a name such as `TERM`) to `pid` with the shell's `kill`.
pub(crate) fn send_signal(pid: u32, signal: &str) -> Result<(), HarnessError> {
    run(
        Command::new("sh")
            .args(["-c", "kill -s \"$1\" \"$2\"", "sh", signal])
            .arg(pid.to_string()),
        Duration::from_secs(10),
    )
    .map(drop)
}

// ---------------------------------------------------------------------------------------------
// Files and directories

/// The last lines of a log file, or a note saying why there are none.
pub(crate) fn log_tail(path: &Path) -> String {
    match fs::read(path) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            let lines: Vec<&str> = text.lines().collect();
            let from = lines.len().saturating_sub(LOG_TAIL_LINES);
            lines[from..].join("\n")
        }
        Err(e) => format!("(cannot read {}: {e})", path.display()),
    }
}

/// `TETHER_TEST_TMPDIR`, if set, made absolute (commands run in other working directories).
fn tmpdir_override() -> Option<PathBuf> {
    let dir = PathBuf::from(std::env::var_os("TETHER_TEST_TMPDIR").filter(|v| !v.is_empty())?);
    Some(std::path::absolute(&dir).unwrap_or(dir))
}

/// Free space below which `/dev/shm` is not used for instances.
const SHM_MIN_FREE_KIB: u64 = 2 * 1024 * 1024;

/// Where instance directories and templates go: `TETHER_TEST_TMPDIR`, else `/dev/shm` if it is a
/// tmpfs with at least 2 GiB free (a PostgreSQL data directory is ~1000 small files: creating or
/// copying it on tmpfs takes a tenth of the time it takes on a journaling disk), else `/tmp`.
pub(crate) fn base_dir() -> PathBuf {
    static BASE: OnceLock<PathBuf> = OnceLock::new();
    BASE.get_or_init(|| {
        tmpdir_override().unwrap_or_else(|| {
            let shm = Path::new("/dev/shm");
            if is_roomy_tmpfs(shm) {
                shm.to_owned()
            } else {
                PathBuf::from("/tmp")
            }
        })
    })
    .clone()
}

fn is_roomy_tmpfs(dir: &Path) -> bool {
    let mounts = fs::read_to_string("/proc/mounts").unwrap_or_default();
    let is_tmpfs = mounts.lines().any(|line| {
        let mut fields = line.split_whitespace().skip(1);
        fields.next().map(Path::new) == Some(dir) && fields.next() == Some("tmpfs")
    });
    if !is_tmpfs {
        return false;
    }
    // `df -Pk`: the second line's fourth field is the available space in KiB.
    let available = Command::new("df")
        .arg("-Pk")
        .arg(dir)
        .stderr(Stdio::null())
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|text| {
            let line = text.lines().nth(1)?.to_owned();
            line.split_whitespace().nth(3)?.parse::<u64>().ok()
        });
    let writable = fs::metadata(dir)
        .is_ok_and(|m| m.permissions().mode() & 0o002 != 0 || m.uid() == effective_uid());
    writable && available.is_some_and(|kib| kib >= SHM_MIN_FREE_KIB)
}

pub(crate) fn check_socket_path(path: &Path) -> Result<(), HarnessError> {
    let len = path.as_os_str().len();
    if len > SOCKET_PATH_LIMIT {
        return Err(HarnessError::SocketPathTooLong {
            path: path.to_owned(),
            len,
            limit: SOCKET_PATH_LIMIT,
        });
    }
    Ok(())
}

/// The kernel start time of a process (field 22 of `/proc/<pid>/stat`), `None` if it does not
/// exist or is a zombie.
fn process_start_time(pid: u32) -> Option<u64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may contain anything: split after it.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    if fields.first() == Some(&"Z") {
        return None;
    }
    fields.get(19)?.parse().ok()
}

/// Whether a process exists and is not a zombie.
pub(crate) fn process_alive(pid: u32) -> bool {
    process_start_time(pid).is_some()
}

/// What the reaper and the watchdog need to know about one kind of server.
pub(crate) struct Kind {
    /// Directory-name component, e.g. `pg`.
    pub(crate) name: &'static str,
    /// PID file of the server, relative to the instance directory. Its first line is the PID.
    pub(crate) pid_file: &'static str,
    /// Signal that stops the server at once (the data is discarded anyway).
    pub(crate) kill_signal: &'static str,
}

/// Name of the file recording the owning process in an instance directory.
const OWNER_FILE: &str = "owner";

fn instance_prefix(kind: &Kind) -> String {
    format!("tether-{}-", kind.name)
}

/// Creates a fresh instance directory `<base>/tether-<kind>-<pid>-<n>` (mode 755) and records this
/// process as its owner.
pub(crate) fn create_instance_dir(kind: &Kind) -> Result<PathBuf, HarnessError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let base = base_dir();
    fs::create_dir_all(&base).map_err(io_error(format!("creating {}", base.display())))?;
    let pid = std::process::id();
    loop {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir = base.join(format!("{}{pid}-{n}", instance_prefix(kind)));
        match fs::create_dir(&dir) {
            Ok(()) => {
                fs::set_permissions(&dir, fs::Permissions::from_mode(0o755))
                    .map_err(io_error(format!("chmod {}", dir.display())))?;
                let start = process_start_time(pid).unwrap_or(0);
                let owner = dir.join(OWNER_FILE);
                if let Err(e) = fs::write(&owner, format!("{pid} {start}\n")) {
                    let _ = fs::remove_dir_all(&dir);
                    return Err(io_error(format!("writing {}", owner.display()))(e));
                }
                return Ok(dir);
            }
            // Left by an earlier process with the same PID: the reaper deals with it.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io_error(format!("creating {}", dir.display()))(e)),
        }
    }
}

/// Whether the owner recorded in an instance directory is gone.
fn owner_is_dead(dir: &Path) -> bool {
    if process_start_time(std::process::id()).is_none() {
        return false; // no usable /proc: never reap
    }
    match fs::read_to_string(dir.join(OWNER_FILE)) {
        Ok(text) => {
            let mut parts = text.split_whitespace();
            let pid: Option<u32> = parts.next().and_then(|s| s.parse().ok());
            let start: Option<u64> = parts.next().and_then(|s| s.parse().ok());
            match (pid, start) {
                (Some(pid), Some(start)) => process_start_time(pid) != Some(start),
                _ => older_than(dir, Duration::from_secs(600)),
            }
        }
        // The owner file is written right after the directory is created.
        Err(_) => older_than(dir, Duration::from_secs(600)),
    }
}

fn older_than(path: &Path, age: Duration) -> bool {
    fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|elapsed| elapsed > age)
}

/// Removes instance directories of `kind` whose owning process is dead, stopping their servers.
/// Runs once per kind and process; errors are ignored (another process may be reaping too).
pub(crate) fn reap_stale(kind: &Kind) {
    static DONE: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());
    {
        let mut done = DONE.lock();
        if done.contains(&kind.name) {
            return;
        }
        done.push(kind.name);
    }
    reap_stale_now(kind);
}

pub(crate) fn reap_stale_now(kind: &Kind) {
    let prefix = instance_prefix(kind);
    let Ok(entries) = fs::read_dir(base_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let is_instance = name.to_str().is_some_and(|n| n.starts_with(&prefix));
        let path = entry.path();
        if !is_instance || !path.is_dir() || !owner_is_dead(&path) {
            continue;
        }
        // The watchdog script with stdin at EOF performs exactly the cleanup needed.
        let _ = run(
            watchdog_command(&path, kind).stdin(Stdio::null()),
            STOP_TIMEOUT,
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Watchdog

/// Waits for EOF on stdin (the test process exited or dropped the instance), then kills the server
/// whose PID is in the PID file (only if its command line names the instance directory, so a
/// recycled PID is never hit), waits for it to go away and removes the directory. Terminal signals
/// are ignored: a Ctrl-C of the test run must not skip the cleanup.
const WATCHDOG_SCRIPT: &str = r#"
trap '' INT HUP QUIT TSTP
dir=$1 pidfile=$2 sig=$3
while read -r _; do :; done
pid=$(head -n 1 "$pidfile" 2>/dev/null)
case $pid in
''|*[!0-9]*) ;;
*)
  if tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$dir"; then
    kill -s "$sig" "$pid" 2>/dev/null
    i=0
    while [ "$i" -lt 200 ] && [ -e "$pidfile" ] && kill -0 "$pid" 2>/dev/null; do
      stat=$(cat "/proc/$pid/stat" 2>/dev/null) || break
      state=${stat##*) }
      case $state in Z*) break ;; esac
      sleep 0.02
      i=$((i + 1))
    done
    kill -s KILL "$pid" 2>/dev/null
  fi
  ;;
esac
rm -rf -- "$dir"
"#;

fn watchdog_command(dir: &Path, kind: &Kind) -> Command {
    let mut cmd = Command::new("sh");
    cmd.args(["-c", WATCHDOG_SCRIPT, "tether-watchdog"])
        .arg(dir)
        .arg(dir.join(kind.pid_file))
        .arg(kind.kill_signal)
        .current_dir("/")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

/// The cleanup process of one instance directory. Closing its stdin (drop, or the test process
/// exiting) kills the server and removes the directory.
pub(crate) struct Watchdog {
    child: Child,
    stdin: Option<ChildStdin>,
}

impl Watchdog {
    /// Starts the watchdog of `dir`. On failure, removes `dir`.
    pub(crate) fn spawn(dir: &Path, kind: &Kind) -> Result<Watchdog, HarnessError> {
        let spawned = watchdog_command(dir, kind)
            .stdin(Stdio::piped())
            // Own process group: a Ctrl-C at the terminal does not reach it.
            .process_group(0)
            .spawn();
        match spawned {
            Ok(mut child) => {
                let stdin = child.stdin.take();
                Ok(Watchdog { child, stdin })
            }
            Err(e) => {
                let _ = fs::remove_dir_all(dir);
                Err(io_error(format!(
                    "spawning the watchdog of {}",
                    dir.display()
                ))(e))
            }
        }
    }

    /// Triggers the cleanup and waits (bounded) for it to finish.
    pub(crate) fn release(&mut self) {
        self.stdin.take();
        let _ = wait_timeout(&mut self.child, STOP_TIMEOUT);
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.release();
    }
}

// ---------------------------------------------------------------------------------------------
// Templates

fn template_lock() -> &'static Mutex<()> {
    static LOCK: Mutex<()> = Mutex::new(());
    &LOCK
}

/// A stable-enough fingerprint of binaries: path, size and modification time.
pub(crate) fn fingerprint(parts: &[&Path], extra: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    for part in parts {
        part.hash(&mut hasher);
        if let Ok(meta) = fs::metadata(part) {
            meta.len().hash(&mut hasher);
            meta.mtime().hash(&mut hasher);
        }
    }
    extra.hash(&mut hasher);
    hasher.finish()
}

fn days_since_epoch() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() / 86_400)
        .unwrap_or(0)
}

/// A cached, initialised data directory for `kind` and binaries with `fingerprint`, built by
/// `build(target)` if missing. `None` if templates are disabled (`TETHER_TEST_NO_TEMPLATE`) or the
/// build failed; the caller then initialises the instance directly.
///
/// Templates live in `<base>/tether-tpl-<kind>-u<uid>-<fingerprint>-d<day>`. They are built inside
/// an instance directory (so a crash mid-build is reaped) and published with an atomic `rename`:
/// concurrent test processes may each build one, the first rename wins. The day in the name bounds
/// a template's age (tmp cleaners delete old files); older templates are removed.
pub(crate) fn template(
    kind: &Kind,
    fingerprint: u64,
    build: impl FnOnce(&Path, &Path) -> Result<(), HarnessError>,
) -> Option<PathBuf> {
    if std::env::var_os("TETHER_TEST_NO_TEMPLATE").is_some_and(|v| !v.is_empty() && v != "0") {
        return None;
    }
    let _guard = template_lock().lock();
    let base = base_dir();
    let family = format!("tether-tpl-{}-u{}-", kind.name, effective_uid());
    let name = format!("{family}{fingerprint:016x}-d{}", days_since_epoch());
    let path = base.join(&name);
    remove_old_templates(&base, &family, &name);
    if path.is_dir() {
        return Some(path);
    }
    let scratch = create_instance_dir(kind).ok()?;
    let built = build(&scratch, &scratch.join("template"));
    let published = match built {
        Ok(()) => match fs::rename(scratch.join("template"), &path) {
            Ok(()) => true,
            // Somebody else published first.
            Err(_) => path.is_dir(),
        },
        Err(e) => {
            eprintln!(
                "tether testing: building a {} template failed, initialising directly: {e}",
                kind.name
            );
            false
        }
    };
    let _ = fs::remove_dir_all(&scratch);
    published.then_some(path)
}

fn remove_old_templates(base: &Path, family: &str, current: &str) {
    let Ok(entries) = fs::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        // Leave templates of concurrent runs with other binaries alone for a while.
        if name.starts_with(family)
            && name != current
            && older_than(&entry.path(), Duration::from_secs(3600))
        {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// `cp -a src dst` (dst must not exist). Preserves ownership when run as root.
pub(crate) fn copy_dir(src: &Path, dst: &Path) -> Result<(), HarnessError> {
    let mut cmd = Command::new("cp");
    cmd.arg("-a").arg("--").arg(src).arg(dst);
    run(&mut cmd, INIT_TIMEOUT).map(drop)
}

// ---------------------------------------------------------------------------------------------
// Ports

/// A TCP port on 127.0.0.1 that was free a moment ago and has not been handed out before by this
/// process. Servers must still retry on "Address already in use".
pub(crate) fn free_port() -> Result<u16, HarnessError> {
    static HANDED_OUT: Mutex<Option<HashSet<u16>>> = Mutex::new(None);
    for _ in 0..64 {
        let listener = TcpListener::bind("127.0.0.1:0")
            .map_err(io_error("binding 127.0.0.1:0 to find a free port"))?;
        let port = listener
            .local_addr()
            .map_err(io_error("reading the port of a listener"))?
            .port();
        drop(listener);
        if HANDED_OUT
            .lock()
            .get_or_insert_with(HashSet::new)
            .insert(port)
        {
            return Ok(port);
        }
    }
    Err(HarnessError::Io {
        context: "finding a free TCP port".into(),
        source: io::Error::new(io::ErrorKind::AddrInUse, "no fresh port after 64 attempts"),
    })
}

/// Whether a server log says the port was taken.
pub(crate) fn says_address_in_use(log: &str) -> bool {
    log.contains("Address already in use") || log.contains("Bind on TCP/IP port")
}

/// Args as `OsString`s.
pub(crate) fn os_args<I, S>(args: I) -> Vec<OsString>
where
    I: IntoIterator<Item = S>,
    S: Into<OsString>,
{
    args.into_iter().map(Into::into).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_reports_failure_output_and_timeouts() {
        let out = run(
            Command::new("sh").args(["-c", "echo hi; echo err >&2"]),
            Duration::from_secs(10),
        );
        let out = out.expect("sh runs");
        assert!(out.contains("hi") && out.contains("err"), "{out}");
        let err = run(
            Command::new("sh").args(["-c", "echo boom; exit 3"]),
            Duration::from_secs(10),
        )
        .expect_err("exit 3 is a failure");
        assert!(
            matches!(err, HarnessError::CommandFailed { ref output, .. } if output.contains("boom")),
            "{err}"
        );
        let start = Instant::now();
        let err =
            run(Command::new("sleep").arg("5"), Duration::from_millis(200)).expect_err("times out");
        assert!(matches!(err, HarnessError::CommandTimedOut { .. }), "{err}");
        assert!(start.elapsed() < Duration::from_secs(3));
    }

    #[test]
    fn tail_str_cuts_at_line_start() {
        assert_eq!(tail_str("abc", 10), "abc");
        assert_eq!(tail_str("line1\nline2\nline3", 8), "line3");
    }

    const TEST_KIND: Kind = Kind {
        name: "wdtest",
        pid_file: "server.pid",
        kill_signal: "TERM",
    };

    /// A fake "server" whose command line names the directory, as real servers' do.
    fn fake_server(dir: &Path) -> Child {
        Command::new("sh")
            .args(["-c", "trap 'exit 0' TERM; while :; do sleep 0.05; done"])
            .arg(dir)
            .spawn()
            .expect("spawn sh")
    }

    #[test]
    fn watchdog_kills_the_server_and_removes_the_dir_on_eof() {
        let dir = create_instance_dir(&TEST_KIND).expect("instance dir");
        let mut server = fake_server(&dir);
        fs::write(dir.join("server.pid"), format!("{}\n", server.id())).expect("pid file");
        let mut watchdog = Watchdog::spawn(&dir, &TEST_KIND).expect("watchdog");
        thread::sleep(Duration::from_millis(50));
        assert!(dir.exists(), "the watchdog waits for EOF");
        watchdog.release();
        assert!(!dir.exists(), "the directory is removed");
        let status = wait_timeout(&mut server, Duration::from_secs(5)).expect("wait");
        assert!(status.is_some(), "the server was killed");
    }

    #[test]
    fn watchdog_spares_a_process_that_does_not_belong_to_the_dir() {
        let dir = create_instance_dir(&TEST_KIND).expect("instance dir");
        let mut other = Command::new("sleep")
            .arg("600")
            .spawn()
            .expect("spawn sleep");
        fs::write(dir.join("server.pid"), format!("{}\n", other.id())).expect("pid file");
        let mut watchdog = Watchdog::spawn(&dir, &TEST_KIND).expect("watchdog");
        watchdog.release();
        assert!(!dir.exists());
        assert!(
            other.try_wait().expect("try_wait").is_none(),
            "unrelated process untouched"
        );
        let _ = other.kill();
        let _ = other.wait();
    }

    #[test]
    fn reaper_removes_dirs_of_dead_owners_only() {
        let live = create_instance_dir(&TEST_KIND).expect("instance dir");
        let dead = create_instance_dir(&TEST_KIND).expect("instance dir");
        // An owner that has exited: a finished child's PID with a wrong start time.
        let mut gone = Command::new("true").spawn().expect("spawn true");
        let _ = gone.wait();
        fs::write(dead.join(OWNER_FILE), format!("{} 1\n", gone.id())).expect("owner");
        let mut server = fake_server(&dead);
        fs::write(dead.join("server.pid"), format!("{}\n", server.id())).expect("pid file");
        reap_stale_now(&TEST_KIND);
        assert!(!dead.exists(), "dead owner's directory reaped");
        assert!(live.exists(), "live owner's directory kept");
        assert!(wait_timeout(&mut server, Duration::from_secs(5))
            .expect("wait")
            .is_some());
        fs::remove_dir_all(&live).expect("cleanup");
    }
}

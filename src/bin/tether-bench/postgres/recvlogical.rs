//! `pg_recvlogical` as the baseline decoder of part 1, in two ways:
//!
//! - [`cold`]: started after the commit with `--endpos <commit end LSN>` and `-f /dev/null`; its
//!   wall time covers decoding the transaction from the WAL, sending it, and process start-up.
//! - [`Live`]: started before the load and streaming into a pipe we read, like a realtime view
//!   streams (the walsender decodes while the load runs). A reader thread spots pgoutput Commit
//!   messages in the output and reports each one's end LSN with the instant it arrived.
//!
//! `pg_recvlogical` writes every message's raw bytes followed by `\n`. A pgoutput v1 Commit is
//! 26 bytes: `'C'`, flags (0), commit LSN, end LSN, timestamp (big-endian 8 bytes each).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use super::pg::format_lsn;
use super::{ctx, PgResult};

const BINARY: &str = "pg_recvlogical";

/// Finds `pg_recvlogical`: `dir`, else `TETHER_PG_BINDIR`, else the highest
/// `/usr/lib/postgresql/*/bin`, else `PATH`.
pub fn find(dir: Option<&Path>) -> PgResult<PathBuf> {
    if let Some(dir) = dir {
        let path = dir.join(BINARY);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(format!("{} does not exist", path.display()))
        };
    }
    if let Some(dir) = std::env::var_os("TETHER_PG_BINDIR").filter(|d| !d.is_empty()) {
        let path = PathBuf::from(dir).join(BINARY);
        if path.is_file() {
            return Ok(path);
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| {
                    let version = e.file_name().to_str()?.parse::<u32>().ok()?;
                    let path = e.path().join("bin").join(BINARY);
                    path.is_file().then_some((version, path))
                })
                .collect()
        })
        .unwrap_or_default();
    versions.sort();
    if let Some((_, path)) = versions.pop() {
        return Ok(path);
    }
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|d| d.join(BINARY))
        .find(|p| p.is_file());
    on_path.ok_or_else(|| {
        "pg_recvlogical not found (install postgresql-15 or pass --pg-bindir)".to_string()
    })
}

/// `pg_recvlogical --version`.
pub fn version(binary: &Path) -> String {
    Command::new(binary)
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map_or_else(
            || "unknown".into(),
            |o| String::from_utf8_lossy(&o.stdout).trim().to_string(),
        )
}

fn base_command(binary: &Path, conninfo: &str, slot: &str, publication: &str) -> Command {
    let mut command = Command::new(binary);
    command
        .arg("-d")
        .arg(conninfo)
        .arg("--slot")
        .arg(slot)
        .arg("--start")
        .arg("--no-loop")
        .args(["-o", "proto_version=1"])
        .arg("-o")
        .arg(format!("publication_names={publication}"))
        .stdin(Stdio::null());
    command
}

/// Runs `pg_recvlogical` from the slot's position to `endpos`, output to /dev/null; returns its
/// wall time. Blocks: call it from `spawn_blocking`.
pub fn cold(
    binary: &Path,
    conninfo: &str,
    slot: &str,
    publication: &str,
    endpos: u64,
) -> PgResult<Duration> {
    let mut command = base_command(binary, conninfo, slot, publication);
    command
        .arg("--endpos")
        .arg(format_lsn(endpos))
        .args(["-f", "/dev/null"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let start = Instant::now();
    let output = command
        .output()
        .map_err(ctx(format!("running {}", binary.display())))?;
    let elapsed = start.elapsed();
    if !output.status.success() {
        return Err(format!(
            "pg_recvlogical --endpos {} failed ({}): {}",
            format_lsn(endpos),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(elapsed)
}

/// A streaming `pg_recvlogical` whose output we read.
pub struct Live {
    child: Child,
    commits: mpsc::UnboundedReceiver<(u64, Instant)>,
    reader: Option<std::thread::JoinHandle<u64>>,
}

impl Live {
    /// Starts `pg_recvlogical` on `slot`, writing to a pipe that a reader thread scans.
    pub fn start(binary: &Path, conninfo: &str, slot: &str, publication: &str) -> PgResult<Live> {
        let mut command = base_command(binary, conninfo, slot, publication);
        command
            .args(["-f", "-"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let mut child = command
            .spawn()
            .map_err(ctx(format!("starting {}", binary.display())))?;
        let Some(stdout) = child.stdout.take() else {
            let _ = child.kill();
            let _ = child.wait();
            return Err("pg_recvlogical has no stdout pipe".into());
        };
        let (sender, commits) = mpsc::unbounded_channel();
        let reader = std::thread::Builder::new()
            .name("pg_recvlogical reader".into())
            .spawn(move || scan_commits(stdout, &sender))
            .map_err(ctx("starting the reader thread"))?;
        Ok(Live {
            child,
            commits,
            reader: Some(reader),
        })
    }

    /// Waits for the Commit message ending at `end_lsn`; returns when it arrived.
    pub async fn wait_for(&mut self, end_lsn: u64, timeout: Duration) -> PgResult<Instant> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            match tokio::time::timeout_at(deadline, self.commits.recv()).await {
                Ok(Some((lsn, at))) if lsn == end_lsn => return Ok(at),
                Ok(Some(_)) => {}
                Ok(None) => {
                    return Err(format!(
                        "pg_recvlogical ended before the commit at {}",
                        format_lsn(end_lsn)
                    ))
                }
                Err(_) => {
                    return Err(format!(
                        "pg_recvlogical did not deliver the commit at {} within {timeout:?}",
                        format_lsn(end_lsn)
                    ))
                }
            }
        }
    }

    /// Stops `pg_recvlogical` (it is our child; killed by its PID) and returns the bytes read.
    pub fn stop(mut self) -> u64 {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.reader
            .take()
            .and_then(|r| r.join().ok())
            .unwrap_or_default()
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        if self.reader.is_some() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Length of a pgoutput v1 Commit message.
const COMMIT_LEN: usize = 26;

/// Reads `pg_recvlogical`'s output to the end, reporting `(end LSN, arrival)` of every frame that
/// looks like a Commit (`\n`, `'C'`, 0, 24 bytes, `\n`). Returns the bytes read.
fn scan_commits(mut out: impl Read, commits: &mpsc::UnboundedSender<(u64, Instant)>) -> u64 {
    // Frames are `\n` + 26 bytes + `\n`: keep the last 28 bytes of each read for the next scan.
    const KEEP: usize = COMMIT_LEN + 2;
    let mut total = 0u64;
    let mut buffer: Vec<u8> = Vec::with_capacity(1 << 20);
    let mut chunk = vec![0u8; 1 << 20];
    // The first message of the stream has no `\n` before it (and is a Begin anyway).
    buffer.push(b'\n');
    loop {
        let n = match out.read(&mut chunk) {
            Ok(0) | Err(_) => return total,
            Ok(n) => n,
        };
        let at = Instant::now();
        total += n as u64;
        buffer.extend_from_slice(&chunk[..n]);
        let len = buffer.len();
        if len >= KEEP {
            for i in 1..=len - KEEP + 1 {
                if buffer[i] == b'C'
                    && buffer[i + 1] == 0
                    && buffer[i - 1] == b'\n'
                    && buffer[i + COMMIT_LEN] == b'\n'
                {
                    let mut end = [0u8; 8];
                    end.copy_from_slice(&buffer[i + 10..i + 18]);
                    let _ = commits.send((u64::from_be_bytes(end), at));
                }
            }
            buffer.drain(..len - KEEP + 1);
        }
    }
}

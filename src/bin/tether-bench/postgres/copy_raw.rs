//! A minimal frontend/backend-protocol client that runs one `COPY ... TO STDOUT` over the Unix
//! socket and reads every CopyData message to the end, counting bytes and rows.
//!
//! This is the baseline of part 4. tokio-postgres's `copy_out` returns a `futures` `Stream`,
//! which this binary cannot poll without depending on `futures-util` (not a dependency of the
//! package); reading the protocol directly does the same work with less client overhead, so it is
//! the stricter baseline. Trust authentication only (the throwaway cluster's).

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;

use super::{ctx, PgResult};

/// What a COPY returned.
#[derive(Debug, Clone, Copy, Default)]
pub struct CopyStats {
    pub bytes: u64,
    pub rows: u64,
}

/// Connects to `socket` as `user` to `database`, runs `sql` (a `COPY ... TO STDOUT`) and reads
/// it fully. Blocks: call it from `spawn_blocking`.
pub fn copy_out(socket: &Path, user: &str, database: &str, sql: &str) -> PgResult<CopyStats> {
    let stream =
        UnixStream::connect(socket).map_err(ctx(format!("connecting to {}", socket.display())))?;
    let mut reader = Reader {
        stream,
        buf: vec![0; 1 << 20],
        start: 0,
        end: 0,
    };
    // StartupMessage: length, protocol 3.0, key/value pairs, terminator.
    let mut startup = vec![0u8; 4];
    startup.extend_from_slice(&196_608u32.to_be_bytes());
    for (key, value) in [("user", user), ("database", database)] {
        startup.extend_from_slice(key.as_bytes());
        startup.push(0);
        startup.extend_from_slice(value.as_bytes());
        startup.push(0);
    }
    startup.push(0);
    let len = startup.len() as u32;
    startup[..4].copy_from_slice(&len.to_be_bytes());
    reader
        .stream
        .write_all(&startup)
        .map_err(ctx("sending the startup message"))?;
    loop {
        let (tag, body) = reader.next().map_err(ctx("reading the startup answer"))?;
        match tag {
            b'R' => {
                let code = body
                    .get(..4)
                    .map_or(u32::MAX, |b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
                if code != 0 {
                    return Err(format!(
                        "the server asks for authentication method {code}; only trust is supported"
                    ));
                }
            }
            b'E' => return Err(format!("connection refused: {}", error_text(body))),
            b'Z' => break,
            _ => {}
        }
    }
    let mut query = vec![b'Q', 0, 0, 0, 0];
    query.extend_from_slice(sql.as_bytes());
    query.push(0);
    let len = (query.len() - 1) as u32;
    query[1..5].copy_from_slice(&len.to_be_bytes());
    reader
        .stream
        .write_all(&query)
        .map_err(ctx("sending the query"))?;
    let mut stats = CopyStats::default();
    let mut error = None;
    loop {
        let (tag, body) = reader.next().map_err(ctx("reading the COPY"))?;
        match tag {
            b'd' => {
                stats.bytes += body.len() as u64;
                stats.rows += 1;
            }
            b'E' => error = Some(error_text(body)),
            b'Z' => break,
            _ => {}
        }
    }
    // Terminate.
    let _ = reader.stream.write_all(&[b'X', 0, 0, 0, 4]);
    match error {
        Some(e) => Err(format!("{sql}: {e}")),
        None => Ok(stats),
    }
}

/// The message of an ErrorResponse body (its `M` field).
fn error_text(body: &[u8]) -> String {
    body.split(|b| *b == 0)
        .find_map(|field| field.strip_prefix(b"M"))
        .map_or_else(
            || "unknown error".into(),
            |m| String::from_utf8_lossy(m).into_owned(),
        )
}

/// Buffered reading of backend messages.
struct Reader {
    stream: UnixStream,
    buf: Vec<u8>,
    start: usize,
    end: usize,
}

impl Reader {
    /// The next message: its tag and body.
    fn next(&mut self) -> std::io::Result<(u8, &[u8])> {
        self.fill(5)?;
        let head = &self.buf[self.start..self.start + 5];
        let tag = head[0];
        let len = u32::from_be_bytes([head[1], head[2], head[3], head[4]]) as usize;
        if len < 4 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("message {:?} with length {len}", tag as char),
            ));
        }
        self.fill(1 + len)?;
        let body = self.start + 5..self.start + 1 + len;
        self.start += 1 + len;
        Ok((tag, &self.buf[body]))
    }

    /// Makes at least `n` unread bytes available.
    fn fill(&mut self, n: usize) -> std::io::Result<()> {
        while self.end - self.start < n {
            if self.start > 0 {
                self.buf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            }
            if self.buf.len() < n {
                self.buf.resize(n, 0);
            }
            let read = self.stream.read(&mut self.buf[self.end..])?;
            if read == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            self.end += read;
        }
        Ok(())
    }
}

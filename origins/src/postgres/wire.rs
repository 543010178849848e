//! A minimal PostgreSQL walsender client on `postgres-protocol`: startup with
//! `replication=database`, trust / cleartext / MD5 / SCRAM-SHA-256 authentication over TCP or a
//! Unix socket, simple queries (replication commands and SQL), and the CopyBoth stream of
//! `START_REPLICATION`. Mainline tokio-postgres has no replication mode, hence this module.

use std::path::PathBuf;

use bytes::{Buf, Bytes, BytesMut};
use fallible_iterator::FallibleIterator;
use postgres_protocol::authentication::{md5_hash, sasl};
use postgres_protocol::message::backend::{ErrorFields, Message};
use postgres_protocol::message::frontend;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use super::error::PgError;

/// Where the server listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    Tcp {
        host: String,
        port: u16,
    },
    /// The socket file (`<dir>/.s.PGSQL.<port>`).
    Unix(PathBuf),
}

/// How to open a replication connection.
#[derive(Debug, Clone)]
pub struct WireConfig {
    pub endpoint: Endpoint,
    pub user: String,
    pub password: Option<Vec<u8>>,
    pub database: String,
    pub application_name: String,
}

trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// The rows of one simple-query statement, as text.
pub type TextRows = Vec<Vec<Option<String>>>;

/// What the server sent, with CopyBothResponse (which `postgres-protocol` cannot parse) apart.
enum Backend {
    Message(Message),
    CopyBoth,
}

/// An open replication connection.
pub struct WireConnection {
    stream: Box<dyn Io>,
    read: BytesMut,
    write: BytesMut,
}

impl std::fmt::Debug for WireConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WireConnection")
    }
}

impl WireConnection {
    /// Connects, authenticates and waits until the server is ready for queries.
    pub async fn connect(config: &WireConfig) -> Result<WireConnection, PgError> {
        let stream: Box<dyn Io> = match &config.endpoint {
            Endpoint::Tcp { host, port } => {
                let stream = tokio::net::TcpStream::connect((host.as_str(), *port)).await?;
                stream.set_nodelay(true)?;
                Box::new(stream)
            }
            Endpoint::Unix(path) => Box::new(tokio::net::UnixStream::connect(path).await?),
        };
        let mut connection = WireConnection {
            stream,
            read: BytesMut::with_capacity(64 * 1024),
            write: BytesMut::new(),
        };
        let parameters = [
            ("user", config.user.as_str()),
            ("database", config.database.as_str()),
            ("replication", "database"),
            ("application_name", config.application_name.as_str()),
            ("client_encoding", "UTF8"),
            ("DateStyle", "ISO"),
            ("TimeZone", "UTC"),
            ("IntervalStyle", "postgres"),
            ("extra_float_digits", "3"),
        ];
        frontend::startup_message(parameters.iter().copied(), &mut connection.write)?;
        connection.flush().await?;
        connection.authenticate(config).await?;
        loop {
            match connection.next_message().await? {
                Message::ReadyForQuery(_) => return Ok(connection),
                Message::ErrorResponse(body) => return Err(server_error(body.fields())),
                _ => {}
            }
        }
    }

    async fn authenticate(&mut self, config: &WireConfig) -> Result<(), PgError> {
        let password = || {
            config.password.clone().ok_or_else(|| {
                PgError::Auth(format!(
                    "the server asks a password for user \"{}\" and none was given",
                    config.user
                ))
            })
        };
        loop {
            match self.next_message().await? {
                Message::AuthenticationOk => return Ok(()),
                Message::AuthenticationCleartextPassword => {
                    frontend::password_message(&password()?, &mut self.write)?;
                    self.flush().await?;
                }
                Message::AuthenticationMd5Password(body) => {
                    let hash = md5_hash(config.user.as_bytes(), &password()?, body.salt());
                    frontend::password_message(hash.as_bytes(), &mut self.write)?;
                    self.flush().await?;
                }
                Message::AuthenticationSasl(body) => {
                    let mut mechanisms = body.mechanisms();
                    let mut scram = false;
                    while let Some(mechanism) = mechanisms.next()? {
                        scram |= mechanism == sasl::SCRAM_SHA_256;
                    }
                    if !scram {
                        return Err(PgError::Auth(
                            "the server offers no SASL mechanism tether supports (SCRAM-SHA-256)"
                                .into(),
                        ));
                    }
                    self.scram(&password()?).await?;
                }
                Message::ErrorResponse(body) => return Err(server_error(body.fields())),
                _ => {
                    return Err(PgError::Auth(
                        "the server asks for an authentication method tether does not support \
                         (use trust, password, md5 or scram-sha-256)"
                            .into(),
                    ))
                }
            }
        }
    }

    async fn scram(&mut self, password: &[u8]) -> Result<(), PgError> {
        let mut scram = sasl::ScramSha256::new(password, sasl::ChannelBinding::unsupported());
        frontend::sasl_initial_response(sasl::SCRAM_SHA_256, scram.message(), &mut self.write)?;
        self.flush().await?;
        match self.next_message().await? {
            Message::AuthenticationSaslContinue(body) => scram.update(body.data())?,
            Message::ErrorResponse(body) => return Err(server_error(body.fields())),
            _ => return Err(PgError::Protocol("unexpected message during SCRAM".into())),
        }
        frontend::sasl_response(scram.message(), &mut self.write)?;
        self.flush().await?;
        match self.next_message().await? {
            Message::AuthenticationSaslFinal(body) => scram.finish(body.data())?,
            Message::ErrorResponse(body) => return Err(server_error(body.fields())),
            _ => return Err(PgError::Protocol("unexpected message during SCRAM".into())),
        }
        Ok(())
    }

    /// Runs a simple query (one or more statements); returns each statement's rows as text.
    pub async fn simple_query(&mut self, sql: &str) -> Result<Vec<TextRows>, PgError> {
        frontend::query(sql, &mut self.write)?;
        self.flush().await?;
        let mut results = Vec::new();
        let mut current: TextRows = Vec::new();
        let mut error = None;
        loop {
            match self.next_message().await? {
                Message::DataRow(row) => {
                    let buffer = row.buffer();
                    let values = row
                        .ranges()
                        .map(|range| {
                            Ok(range.and_then(|r| {
                                buffer
                                    .get(r)
                                    .map(|b| String::from_utf8_lossy(b).into_owned())
                            }))
                        })
                        .collect::<Vec<_>>()?;
                    current.push(values);
                }
                Message::CommandComplete(_) | Message::EmptyQueryResponse => {
                    results.push(std::mem::take(&mut current));
                }
                Message::ErrorResponse(body) => error = Some(server_error(body.fields())),
                Message::ReadyForQuery(_) => {
                    return match error {
                        Some(e) => Err(e),
                        None => Ok(results),
                    }
                }
                _ => {}
            }
        }
    }

    /// Starts a `COPY ... TO STDOUT`: returns once the server is sending its data.
    pub async fn copy_out(&mut self, sql: &str) -> Result<(), PgError> {
        frontend::query(sql, &mut self.write)?;
        self.flush().await?;
        loop {
            match self.next_message().await? {
                Message::CopyOutResponse(_) => return Ok(()),
                Message::ErrorResponse(body) => {
                    let error = server_error(body.fields());
                    return self.ready_for_query(Some(error)).await;
                }
                Message::ReadyForQuery(_) => {
                    return Err(PgError::Protocol(format!("{sql:?} started no COPY")))
                }
                _ => {}
            }
        }
    }

    /// Hands the CopyData payloads of a running COPY TO STDOUT to `each`, straight from the
    /// receive buffer: everything received, and at least `min` payloads unless the COPY ends
    /// first. Returns `true` once the COPY has ended (the connection is ready for queries).
    pub async fn copy_data(
        &mut self,
        min: usize,
        mut each: impl FnMut(&[u8]) -> Result<(), PgError>,
    ) -> Result<bool, PgError> {
        let mut handed = 0;
        loop {
            let mut at = 0;
            while let Some(&[tag, a, b, c, d]) = self.read.get(at..at + 5) {
                if tag != b'd' {
                    break;
                }
                let length = u32::from_be_bytes([a, b, c, d]) as usize;
                if length < 4 {
                    return Err(PgError::Protocol(format!("CopyData length {length}")));
                }
                let Some(payload) = self.read.get(at + 5..at + 1 + length) else {
                    break;
                };
                each(payload)?;
                handed += 1;
                at += 1 + length;
            }
            self.read.advance(at);
            if self.read.first().is_some_and(|&tag| tag != b'd') {
                match self.next_message().await? {
                    Message::CopyDone => return self.ready_for_query(None).await.map(|()| true),
                    Message::ErrorResponse(body) => {
                        let error = server_error(body.fields());
                        return self.ready_for_query(Some(error)).await.map(|()| true);
                    }
                    // Notices and parameter changes may come between rows.
                    _ => continue,
                }
            }
            if handed >= min {
                return Ok(false);
            }
            self.receive().await?;
        }
    }

    /// Reads to ReadyForQuery; fails with `error`, or with the first error the server sends.
    async fn ready_for_query(&mut self, mut error: Option<PgError>) -> Result<(), PgError> {
        loop {
            match self.next_message().await? {
                Message::ErrorResponse(body) if error.is_none() => {
                    error = Some(server_error(body.fields()))
                }
                Message::ReadyForQuery(_) => return error.map_or(Ok(()), Err),
                _ => {}
            }
        }
    }

    /// `START_REPLICATION`: from here on the connection carries CopyData both ways.
    pub async fn start_replication(&mut self, command: &str) -> Result<(), PgError> {
        frontend::query(command, &mut self.write)?;
        self.flush().await?;
        loop {
            match self.next_backend().await? {
                Backend::CopyBoth => return Ok(()),
                Backend::Message(Message::ErrorResponse(body)) => {
                    let error = server_error(body.fields());
                    // Drain to ReadyForQuery so the connection stays usable.
                    while !matches!(
                        self.next_backend().await?,
                        Backend::Message(Message::ReadyForQuery(_))
                    ) {}
                    return Err(error);
                }
                Backend::Message(_) => {}
            }
        }
    }

    /// The next CopyData payload of the replication stream.
    pub async fn next_copy_data(&mut self) -> Result<Bytes, PgError> {
        loop {
            match self.next_message().await? {
                Message::CopyData(body) => return Ok(body.into_bytes()),
                Message::ErrorResponse(body) => return Err(server_error(body.fields())),
                Message::CopyDone => {
                    return Err(PgError::Closed(
                        "the server ended the replication stream".into(),
                    ))
                }
                _ => {}
            }
        }
    }

    /// Sends one CopyData payload (a standby status update).
    pub async fn send_copy_data(&mut self, payload: &[u8]) -> Result<(), PgError> {
        frontend::CopyData::new(payload)?.write(&mut self.write);
        self.flush().await
    }

    async fn flush(&mut self) -> Result<(), PgError> {
        self.stream.write_all(&self.write).await?;
        self.write.clear();
        self.stream.flush().await?;
        Ok(())
    }

    async fn next_message(&mut self) -> Result<Message, PgError> {
        match self.next_backend().await? {
            Backend::Message(message) => Ok(message),
            Backend::CopyBoth => Err(PgError::Protocol(
                "unexpected CopyBothResponse outside START_REPLICATION".into(),
            )),
        }
    }

    async fn next_backend(&mut self) -> Result<Backend, PgError> {
        loop {
            if self.read.len() >= 5 && self.read[0] == b'W' {
                let length =
                    u32::from_be_bytes([self.read[1], self.read[2], self.read[3], self.read[4]])
                        as usize;
                if self.read.len() > length {
                    self.read.advance(length + 1);
                    return Ok(Backend::CopyBoth);
                }
            } else if let Some(message) = Message::parse(&mut self.read)? {
                return Ok(Backend::Message(message));
            }
            self.receive().await?;
        }
    }

    /// Reads more of what the server sent into the receive buffer.
    async fn receive(&mut self) -> Result<(), PgError> {
        if self.read.capacity() - self.read.len() < 8 * 1024 {
            self.read.reserve(64 * 1024);
        }
        let read = self.stream.read_buf(&mut self.read).await?;
        if read == 0 {
            return Err(PgError::Closed("the server closed the connection".into()));
        }
        Ok(())
    }
}

/// A server ErrorResponse as an error with its SQLSTATE.
fn server_error(mut fields: ErrorFields<'_>) -> PgError {
    let mut code = String::new();
    let mut message = String::new();
    while let Ok(Some(field)) = fields.next() {
        match field.type_() {
            b'C' => code = String::from_utf8_lossy(field.value_bytes()).into_owned(),
            b'M' => message = String::from_utf8_lossy(field.value_bytes()).into_owned(),
            _ => {}
        }
    }
    PgError::Server { code, message }
}

//! One connection to one server: TCP (and TLS) opened here so that refusals,
//! timeouts and handshake failures are told apart, then handed to the
//! `redis` crate's multiplexed connection for the commands.

use crate::error::LiveError;
use crate::options::Target;
use crate::tls::{self, TlsSetup};
use redis::aio::MultiplexedConnection;
use redis::{AsyncConnectionConfig, FromRedisValue, RedisConnectionInfo, RedisError};
use rustls::pki_types::ServerName;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::task::JoinHandle;
use tokio::time::timeout;

/// Timeouts a connection works under.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Timeouts {
    pub connect: Duration,
    pub command: Duration,
}

pub(crate) struct Conn {
    con: MultiplexedConnection,
    pub target: Target,
    /// Our end of the socket: how the server lists this connection.
    pub local: Option<SocketAddr>,
    timeouts: Timeouts,
    /// `--redis-ca`, for messages.
    ca_file: Option<String>,
    driver: JoinHandle<()>,
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.driver.abort();
    }
}

impl Conn {
    /// Connects, authenticates and pings. The whole takes at most the
    /// connect timeout.
    pub async fn open(
        target: &Target,
        tls: Option<&TlsSetup>,
        timeouts: Timeouts,
    ) -> Result<Conn, LiveError> {
        let server = target.server();
        let ca_file = tls.and_then(|t| t.ca_file.clone());
        let ca = ca_file.as_deref();
        // Which step the timeout caught, for the message.
        let phase = std::sync::Mutex::new("resolving the host name");
        let set_phase = |p: &'static str| {
            if let Ok(mut guard) = phase.lock() {
                *guard = p;
            }
        };
        let connect = async {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((target.host.as_str(), target.port))
                    .await
                    .map_err(|e| LiveError::Resolve {
                        server: server.clone(),
                        cause: e.to_string(),
                    })?
                    .collect();
            set_phase("connecting");
            let mut last_err = None;
            let mut stream = None;
            for addr in &addrs {
                match TcpStream::connect(addr).await {
                    Ok(s) => {
                        stream = Some(s);
                        break;
                    }
                    Err(e) => last_err = Some(e),
                }
            }
            let stream = match (stream, last_err) {
                (Some(s), _) => s,
                (None, Some(e)) if e.kind() == io::ErrorKind::ConnectionRefused => {
                    return Err(LiveError::Refused {
                        server: server.clone(),
                    })
                }
                (None, e) => {
                    return Err(LiveError::Network {
                        server: server.clone(),
                        during: "connecting".into(),
                        cause: e
                            .map(|e| e.to_string())
                            .unwrap_or_else(|| "no address".into()),
                    })
                }
            };
            let _ = stream.set_nodelay(true);
            let local = stream.local_addr().ok();
            match (target.tls, tls) {
                (true, Some(TlsSetup { config, .. })) => {
                    let name =
                        ServerName::try_from(target.host.clone()).map_err(|_| LiveError::Tls {
                            server: server.clone(),
                            reason: format!("`{}` is not a valid TLS server name", target.host),
                        })?;
                    set_phase("doing the TLS handshake");
                    let connector = tokio_rustls::TlsConnector::from(config.clone());
                    let stream = connector
                        .connect(name, stream)
                        .await
                        .map_err(|e| handshake_error(&server, &target.host, ca, e))?;
                    set_phase("starting the connection");
                    Conn::start(target, stream, local, timeouts, ca).await
                }
                _ => {
                    set_phase("starting the connection");
                    Conn::start(target, stream, local, timeouts, ca).await
                }
            }
        };
        let mut conn = match timeout(timeouts.connect, connect).await {
            Ok(result) => result?,
            Err(_) => {
                let during = phase.lock().map(|p| *p).unwrap_or("connecting");
                let hint = match during {
                    "doing the TLS handshake" => {
                        " (no TLS answer: is this the plain port? use redis:// for it)"
                    }
                    "connecting" => " (a firewall dropping packets, or a wrong address?)",
                    _ => "",
                };
                return Err(LiveError::Timeout {
                    server,
                    during: during.into(),
                    after: timeouts.connect,
                    hint: hint.into(),
                });
            }
        };
        conn.authenticate().await?;
        match conn
            .query::<redis::Value>(&redis::cmd("PING"), "PING")
            .await
        {
            Ok(_) | Err(LiveError::NoPerm { .. }) => Ok(conn),
            Err(e) => Err(e),
        }
    }

    async fn start<S>(
        target: &Target,
        stream: S,
        local: Option<SocketAddr>,
        timeouts: Timeouts,
        ca_file: Option<&str>,
    ) -> Result<Conn, LiveError>
    where
        S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        // No credentials here: AUTH is sent by hand so that its reply is
        // reported precisely. No CLIENT SETINFO either: a least-privilege
        // user may not run it.
        let info = RedisConnectionInfo::default().set_skip_set_lib_name();
        let config = AsyncConnectionConfig::new().set_response_timeout(Some(timeouts.command));
        let (con, driver) = MultiplexedConnection::new_with_config(&info, stream, config)
            .await
            .map_err(|e| map_error(target, ca_file, "connecting", e, timeouts.command))?;
        Ok(Conn {
            con,
            target: target.clone(),
            local,
            timeouts,
            ca_file: ca_file.map(str::to_string),
            driver: tokio::spawn(driver),
        })
    }

    async fn authenticate(&mut self) -> Result<(), LiveError> {
        let Some(password) = self.target.password.clone() else {
            return Ok(());
        };
        let mut cmd = redis::cmd("AUTH");
        if let Some(user) = &self.target.user {
            cmd.arg(user);
        }
        cmd.arg(password.expose());
        match self.query::<redis::Value>(&cmd, "AUTH").await {
            Ok(_) => Ok(()),
            // A password from the environment, sent to a server that has
            // none: the connection works as it is.
            Err(LiveError::Server { message, .. })
                if self.target.user.is_none()
                    && message.contains("without any password configured") =>
            {
                Ok(())
            }
            // Scrub the password from anything a server might echo back.
            Err(e) => Err(scrub(e, password.expose())),
        }
    }

    /// Runs one command; errors name the server and the command.
    pub async fn query<T: FromRedisValue>(
        &mut self,
        cmd: &redis::Cmd,
        label: &str,
    ) -> Result<T, LiveError> {
        // The redis crate's response timeout is the real limit; this one
        // only guards against a stuck driver.
        let limit = self.timeouts.command + Duration::from_millis(500);
        match timeout(limit, cmd.query_async::<T>(&mut self.con)).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(map_error(
                &self.target,
                self.ca_file.as_deref(),
                label,
                e,
                self.timeouts.command,
            )),
            Err(_) => Err(LiveError::Timeout {
                server: self.target.server(),
                during: format!("waiting for {label}"),
                after: self.timeouts.command,
                hint: silent_hint(&self.target, label).into(),
            }),
        }
    }
}

/// Why a server that took the connection may answer nothing: only for
/// the first commands of a connection (a server that answered them and
/// then is slow is no other service).
fn silent_hint(target: &Target, label: &str) -> &'static str {
    if !matches!(label, "connecting" | "AUTH" | "PING") {
        ""
    } else if target.tls {
        " (the port took the connection and the handshake but nothing answered: is it a Redis, not a proxy or another TLS service?)"
    } else {
        " (the port took the connection but nothing answered: is it a Redis? a TLS port waits for a handshake: use rediss:// for it)"
    }
}

fn handshake_error(server: &str, host: &str, ca_file: Option<&str>, e: io::Error) -> LiveError {
    if let Some(tls_err) = tls::find_rustls_error(&e) {
        return LiveError::Tls {
            server: server.to_string(),
            reason: tls::explain(tls_err, host, ca_file),
        };
    }
    let reason = match e.kind() {
        io::ErrorKind::UnexpectedEof | io::ErrorKind::ConnectionReset => {
            "the server closed the connection during the handshake (is this the plain port? use redis:// for it)".to_string()
        }
        _ => e.to_string(),
    };
    LiveError::Tls {
        server: server.to_string(),
        reason,
    }
}

/// A `redis` crate error in the user's terms.
pub(crate) fn map_error(
    target: &Target,
    ca_file: Option<&str>,
    label: &str,
    e: RedisError,
    after: Duration,
) -> LiveError {
    let server = target.server();
    match e.code() {
        Some("NOPERM") => {
            return LiveError::NoPerm {
                server,
                user: target.user_name().to_string(),
                command: label.to_string(),
                acl: label.to_ascii_lowercase().replace(' ', "|"),
            }
        }
        Some("NOAUTH") => return LiveError::NoAuth { server },
        Some("WRONGPASS") => {
            return LiveError::WrongPass {
                server,
                user: target.user_name().to_string(),
            }
        }
        _ => {}
    }
    if let Some(tls_err) = tls::find_rustls_error(&e) {
        return LiveError::Tls {
            server,
            reason: tls::explain(tls_err, &target.host, ca_file),
        };
    }
    if e.is_timeout() {
        return LiveError::Timeout {
            server,
            during: format!("waiting for {label}"),
            after,
            hint: silent_hint(target, label).into(),
        };
    }
    // Bytes that are not Redis's protocol: another service on the port.
    if matches!(e.kind(), redis::ErrorKind::Parse) {
        return LiveError::Server {
            server,
            command: label.to_string(),
            message: "the reply is not Redis's protocol (RESP): another service (HTTP, a database) answers on this port; check the address and port".to_string(),
        };
    }
    if e.is_connection_dropped() || e.is_io_error() {
        let hint = if target.tls {
            " (a server that wants a client certificate closes the connection after the handshake: --redis-cert and --redis-key)"
        } else {
            " (is this a TLS port? use rediss:// for it)"
        };
        return LiveError::Closed {
            server,
            during: label.to_string(),
            hint: hint.to_string(),
        };
    }
    LiveError::Server {
        server,
        command: label.to_string(),
        message: match (e.code(), e.detail()) {
            (Some(code), Some(detail)) => format!("{code} {detail}"),
            _ => e.to_string(),
        },
    }
}

fn scrub(e: LiveError, password: &str) -> LiveError {
    if password.is_empty() {
        return e;
    }
    let clean = |s: String| s.replace(password, "***");
    match e {
        LiveError::Server {
            server,
            command,
            message,
        } => LiveError::Server {
            server,
            command,
            message: clean(message),
        },
        LiveError::Network {
            server,
            during,
            cause,
        } => LiveError::Network {
            server,
            during,
            cause: clean(cause),
        },
        LiveError::Tls { server, reason } => LiveError::Tls {
            server,
            reason: clean(reason),
        },
        other => other,
    }
}

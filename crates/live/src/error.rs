//! Why a live source could not be read. Every variant names the server (or
//! file) it is about and never holds a password: messages are built from
//! redacted URLs, and server replies are scrubbed of the password before
//! they are kept.

use fallout_scan::client_list::ClientListError;
use std::time::Duration;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum LiveError {
    /// A `--redis` value that is not a Redis URL fallout can use.
    #[error("{url}: {reason}")]
    BadUrl { url: String, reason: String },

    /// A CA, client certificate or key file that could not be read or parsed.
    #[error("{path}: {reason}")]
    TlsFile { path: String, reason: String },

    /// The server's host name did not resolve.
    #[error("{server}: cannot resolve the host name: {cause}")]
    Resolve { server: String, cause: String },

    /// Nothing listens on the address: the connection was refused.
    #[error("{server}: connection refused (is Redis listening on this address and port?)")]
    Refused { server: String },

    /// Connecting, the TLS handshake or a command took longer than its timeout.
    #[error("{server}: timed out after {} while {during}{hint}", secs(*.after))]
    Timeout {
        server: String,
        during: String,
        after: Duration,
        hint: String,
    },

    /// Any other network failure (no route, reset, …).
    #[error("{server}: network error while {during}: {cause}")]
    Network {
        server: String,
        during: String,
        cause: String,
    },

    /// The TLS handshake failed; `reason` says why in the user's terms.
    #[error("{server}: TLS handshake failed: {reason}")]
    Tls { server: String, reason: String },

    /// The server closed the connection; `hint` suggests why.
    #[error("{server}: the server closed the connection during {during}{hint}")]
    Closed {
        server: String,
        during: String,
        hint: String,
    },

    /// WRONGPASS: the user does not exist, is disabled, or the password is wrong.
    #[error("{server}: authentication failed for user `{user}`: wrong password, or no such user, or the user is disabled (WRONGPASS)")]
    WrongPass { server: String, user: String },

    /// NOAUTH: the server requires a password and none was given.
    #[error("{server}: the server requires authentication; give a password in the URL or in FALLOUT_REDIS_PASSWORD (NOAUTH)")]
    NoAuth { server: String },

    /// NOPERM for a command fallout cannot work without.
    #[error("{server}: user `{user}` may not run {command} (NOPERM); allow it with `ACL SETUSER {user} +{acl}`")]
    NoPerm {
        server: String,
        user: String,
        command: String,
        acl: String,
    },

    /// Any other error reply, or a reply of an unexpected shape.
    #[error("{server}: {command} failed: {message}")]
    Server {
        server: String,
        command: String,
        message: String,
    },

    /// No sentinel could name the master's address.
    #[error("{server}: {reason}")]
    Sentinel { server: String, reason: String },

    /// A saved `CLIENT LIST` dump that did not parse.
    #[error("client list {alias}: {source}")]
    Dump {
        alias: String,
        #[source]
        source: ClientListError,
    },

    /// A saved `CLIENT LIST` dump with no client in it: a real one always
    /// lists the connection that captured it, so the capture failed.
    #[error("client list {alias}: no client in it, yet a CLIENT LIST always lists at least the connection that ran it: the capture failed (did its error go to stderr?); capture it again")]
    EmptyDump { alias: String },

    /// Several servers failed; each error on its own line.
    #[error("{}", join(.0))]
    Several(Vec<LiveError>),

    /// The blocking wrapper could not start its async runtime.
    #[error("cannot start the async runtime: {0}")]
    Runtime(String),

    /// No usable Kubernetes configuration: no kubeconfig and not in a pod,
    /// a kubeconfig that does not parse, or a context it does not have
    /// (`reason` then lists the contexts it has). `kubeconfig` is the kubeconfig
    /// path(s) or `in-cluster`.
    #[error("{kubeconfig}: {reason}")]
    KubeConfig { kubeconfig: String, reason: String },

    /// The API server rejected the credentials (401), or they could not be
    /// obtained (an exec plugin that failed).
    #[error("kube context `{context}` ({server}): authentication failed: {reason}")]
    KubeAuth {
        context: String,
        server: String,
        reason: String,
    },

    /// The API server could not be reached (refused, timed out, TLS).
    #[error("kube context `{context}`: cannot reach the API server {server}: {cause}")]
    KubeUnreachable {
        context: String,
        server: String,
        cause: String,
    },
}

impl LiveError {
    /// The server (or file, or dump alias) the error is about.
    pub fn subject(&self) -> Option<&str> {
        match self {
            LiveError::BadUrl { url: s, .. }
            | LiveError::TlsFile { path: s, .. }
            | LiveError::Resolve { server: s, .. }
            | LiveError::Refused { server: s }
            | LiveError::Timeout { server: s, .. }
            | LiveError::Network { server: s, .. }
            | LiveError::Tls { server: s, .. }
            | LiveError::Closed { server: s, .. }
            | LiveError::WrongPass { server: s, .. }
            | LiveError::NoAuth { server: s }
            | LiveError::NoPerm { server: s, .. }
            | LiveError::Server { server: s, .. }
            | LiveError::Sentinel { server: s, .. }
            | LiveError::Dump { alias: s, .. }
            | LiveError::EmptyDump { alias: s }
            | LiveError::KubeConfig { kubeconfig: s, .. }
            | LiveError::KubeAuth { server: s, .. }
            | LiveError::KubeUnreachable { server: s, .. } => Some(s),
            LiveError::Several(_) | LiveError::Runtime(_) => None,
        }
    }

    /// One error, or all of them.
    pub(crate) fn from_many(mut errors: Vec<LiveError>) -> Option<LiveError> {
        match errors.len() {
            0 => None,
            1 => errors.pop(),
            _ => Some(LiveError::Several(errors)),
        }
    }
}

fn secs(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{:.1}s", d.as_secs_f64())
    }
}

fn join(errors: &[LiveError]) -> String {
    errors
        .iter()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

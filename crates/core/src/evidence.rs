//! Evidence: where a link between a consumer and a resource was seen, and
//! how much it proves.

use serde::Serialize;
use std::fmt;
use std::sync::Arc;

/// How strongly a piece of evidence ties a consumer to a resource.
/// Declared strongest first, so `Ord` sorts the strongest to the front.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strength {
    /// A literal endpoint in the consumer's own config.
    Explicit,
    /// Reached through a ConfigMap or Secret key, envFrom, a mounted file or an env_file.
    Indirect,
    /// Seen connected in a live client list.
    Observed,
    /// A name only: a NetworkPolicy, a shared Secret key, an unreadable Redis-named variable.
    Inferred,
    /// Listed in a catalog or the inventory file.
    Documented,
}

impl Strength {
    pub fn as_str(self) -> &'static str {
        match self {
            Strength::Explicit => "explicit",
            Strength::Indirect => "indirect",
            Strength::Observed => "observed",
            Strength::Inferred => "inferred",
            Strength::Documented => "documented",
        }
    }

    /// Weak evidence is shown as such: it does not prove a connection.
    pub fn is_weak(self) -> bool {
        matches!(self, Strength::Inferred | Strength::Documented)
    }
}

impl fmt::Display for Strength {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a piece of evidence comes from.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Origin {
    /// A file, with a 1-based line (0 when the line is not known). The path
    /// is shared: every setting and piece of evidence read from one file
    /// holds the same text (a count, not a copy).
    File { path: Arc<str>, line: u32 },
    /// A live source: a Redis server or a Kubernetes API object, e.g.
    /// `redis://10.0.0.5:6379 CLIENT LIST at 2026-11-28T10:00:00Z` or
    /// `kube://prod/api/Deployment/events-api`.
    Live { source: String },
}

impl Origin {
    pub fn file(path: impl Into<Arc<str>>, line: u32) -> Origin {
        Origin::File {
            path: path.into(),
            line,
        }
    }

    pub fn path(&self) -> Option<&str> {
        match self {
            Origin::File { path, .. } => Some(path),
            Origin::Live { .. } => None,
        }
    }

    pub fn line(&self) -> Option<u32> {
        match self {
            Origin::File { line, .. } if *line > 0 => Some(*line),
            _ => None,
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::File { path, line } if *line > 0 => write!(f, "{path}:{line}"),
            Origin::File { path, .. } => f.write_str(path),
            Origin::Live { source } => f.write_str(source),
        }
    }
}

/// One observation that links a consumer to a resource.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Evidence {
    pub strength: Strength,
    pub origin: Origin,
    /// What was seen, in the reader's words, e.g.
    /// `env SESSION_STORE <- secretKeyRef auth-cache/AUTH_CACHE_URL`. Never holds a secret value.
    pub detail: String,
}

impl Evidence {
    pub fn new(strength: Strength, origin: Origin, detail: impl Into<String>) -> Evidence {
        Evidence {
            strength,
            origin,
            detail: detail.into(),
        }
    }
}

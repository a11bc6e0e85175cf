//! Facts: what one scanner learned from one source. Plain data; the graph
//! merges them.

use crate::{Endpoint, Evidence, Origin};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// What kind of thing a consumer is.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ConsumerKind {
    /// A Kubernetes kind: `Deployment`, `StatefulSet`, `CronJob`, a Rollout…
    Kube(String),
    /// A service of a docker-compose project.
    ComposeService,
    /// An application known only from its config files.
    App,
    /// A live client that could not be attributed.
    Client,
}

impl ConsumerKind {
    pub fn as_str(&self) -> &str {
        match self {
            ConsumerKind::Kube(kind) => kind,
            ConsumerKind::ComposeService => "compose-service",
            ConsumerKind::App => "app",
            ConsumerKind::Client => "client",
        }
    }
}

/// Identity of something that runs and connects.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConsumerId {
    pub kind: ConsumerKind,
    /// Kubernetes namespace; `None` outside Kubernetes.
    pub namespace: Option<String>,
    pub name: String,
    /// The compose file or config file that defines it, outside Kubernetes.
    pub file: Option<String>,
}

impl ConsumerId {
    pub fn kube(namespace: &str, kind: &str, name: &str) -> ConsumerId {
        ConsumerId {
            kind: ConsumerKind::Kube(kind.to_string()),
            namespace: Some(namespace.to_string()),
            name: name.to_string(),
            file: None,
        }
    }

    pub fn compose(file: &str, service: &str) -> ConsumerId {
        ConsumerId {
            kind: ConsumerKind::ComposeService,
            namespace: None,
            name: service.to_string(),
            file: Some(file.to_string()),
        }
    }

    pub fn app(dir: &str, name: &str) -> ConsumerId {
        ConsumerId {
            kind: ConsumerKind::App,
            namespace: None,
            name: name.to_string(),
            file: Some(dir.to_string()),
        }
    }

    pub fn client(addr: &str) -> ConsumerId {
        ConsumerId {
            kind: ConsumerKind::Client,
            namespace: None,
            name: addr.to_string(),
            file: None,
        }
    }
}

/// `namespace/Kind/name` for Kubernetes, `file#service` for compose,
/// `app:dir` for apps, `client/ip:port` for unattributed clients.
impl fmt::Display for ConsumerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.kind, &self.namespace, &self.file) {
            (ConsumerKind::Kube(kind), Some(ns), _) => write!(f, "{ns}/{kind}/{}", self.name),
            (ConsumerKind::ComposeService, _, Some(file)) => write!(f, "{file}#{}", self.name),
            (ConsumerKind::App, _, Some(dir)) => write!(f, "app:{dir}"),
            (ConsumerKind::Client, _, _) => write!(f, "client/{}", self.name),
            (kind, _, _) => write!(f, "{}/{}", kind.as_str(), self.name),
        }
    }
}

/// How a short host name is resolved: the namespace (Kubernetes) or the
/// project (a compose file) the reference was made in.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    Namespace(String),
    Compose(String),
    None,
}

/// A server process recognised by its image: a Redis-compatible workload.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RedisServer {
    pub image: String,
    /// Plain (non-TLS) port; `None` when disabled with `--port 0`.
    pub port: Option<u16>,
    pub tls_port: Option<u16>,
    /// The Unix socket it also listens on (`--unixsocket`, `unixsocket` in
    /// redis.conf), as a path inside its container. Boxed: rarely there.
    pub unixsocket: Option<Box<str>>,
    /// Secret keys the server reads its password from: (secret, key).
    pub password_secrets: Vec<(String, String)>,
    /// ACL users the server is configured with, when visible.
    pub requires_auth: bool,
    /// It is told to read a config file (`redis-server /etc/redis/redis.conf`)
    /// that is not among the scanned files: its ports, TLS and password
    /// may be set there, out of sight.
    pub config_unread: bool,
    /// Where it is told to require a password (`--requirepass`, Bitnami's
    /// `REDIS_PASSWORD`), when that is a line of the scan.
    pub auth_origin: Option<Origin>,
    /// It runs as a Sentinel (its image or command says so), whatever its
    /// port: its clients ask it for the primary it watches.
    pub sentinel: bool,
}

/// Something that runs: a Kubernetes workload, a compose service, an app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Workload {
    pub id: ConsumerId,
    /// Pod-template labels (what Service selectors and NetworkPolicies match).
    pub pod_labels: BTreeMap<String, String>,
    /// Object labels and annotations (for owners).
    pub labels: BTreeMap<String, String>,
    pub defined_at: Origin,
    /// Set when the workload runs a Redis-compatible server.
    pub server: Option<RedisServer>,
    /// Other names it answers to (compose: container_name, hostname,
    /// network aliases). Resolved within `scope`.
    pub aliases: Vec<String>,
    pub scope: Scope,
    /// Compose profiles it belongs to.
    pub profiles: Vec<String>,
    /// The Redis proxy or TLS tunnel one of its containers runs, named by
    /// its image (`twemproxy`, `haproxy`, `envoy`, `stunnel`…): what makes
    /// the clients of its Service clients of the Redis it reaches.
    pub proxy: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServicePort {
    pub name: Option<String>,
    pub port: u16,
    /// Numeric target port, when given as a number.
    pub target_port: Option<u16>,
    /// Named target port.
    pub target_port_name: Option<String>,
}

/// A Kubernetes Service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Service {
    pub namespace: String,
    pub name: String,
    pub selector: Option<BTreeMap<String, String>>,
    pub ports: Vec<ServicePort>,
    pub headless: bool,
    pub external_name: Option<String>,
    pub cluster_ips: Vec<String>,
    pub labels: BTreeMap<String, String>,
    pub defined_at: Origin,
    /// It selects a Redis's pods, but every port of it leads to another
    /// container of them (`cache-metrics` → the exporter's 9121): it is no
    /// name of that Redis.
    pub to_side_containers: bool,
}

/// Endpoints / EndpointSlice addresses of a Service without selector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceBackends {
    pub namespace: String,
    pub service: String,
    pub addresses: Vec<String>,
    pub defined_at: Origin,
}

/// Where a consumer keeps the credential it uses (never the value).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Credential {
    /// e.g. `Secret api/auth-cache key AUTH_CACHE_URL` or `env REDIS_PASSWORD in .env`.
    pub location: String,
    pub origin: Origin,
    /// Only suspected, not seen: a Secret outside the scanned objects feeds
    /// the consumer's environment and may hold the password. Verdicts that
    /// hang on it say at-risk, not ok or breaks.
    pub suspected: bool,
}

/// A consumer names an endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    pub consumer: ConsumerId,
    pub scope: Scope,
    pub endpoint: Endpoint,
    pub evidence: Evidence,
    /// Where the password for this reference lives, when it has one.
    pub credential: Option<Credential>,
    /// Where the port is written, when that is not where the evidence
    /// points (`REDIS_PORT` two lines below `REDIS_HOST`).
    pub port_origin: Option<Origin>,
    /// For an address on the loopback interface (`localhost`, `127.0.0.1`,
    /// `::1`): the workload whose network the consumer shares and that runs
    /// the Redis it reaches there, when the scanner knows it: its own pod (a
    /// Redis container beside it, the consumer itself) or the compose
    /// service it joins with `network_mode: service:…`. For a Unix socket:
    /// the workload whose Redis serves that very file (a volume both mount
    /// there, in one pod or one compose project). That workload's Redis is
    /// what the address names, and no other. `None` for any other address
    /// (a socket with `None` is linked to nothing: a path names no Redis).
    pub same_network_as: Option<Box<ConsumerId>>,
}

/// What an inferred link points at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HintTarget {
    /// Admitted by a NetworkPolicy to the pods with these labels.
    PodSelector {
        namespace: String,
        labels: BTreeMap<String, String>,
    },
    /// Reads the same Secret key a Redis server reads its password from.
    SecretKey {
        namespace: String,
        secret: String,
        key: String,
    },
    /// A Redis-named setting whose value could not be read: any Redis in scope.
    AnyInScope(Scope),
    /// A name only (compose `depends_on`, a `links` entry): whatever it resolves to in scope.
    Name { scope: Scope, host: String },
}

/// An inferred link: a name, not an address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hint {
    pub consumer: ConsumerId,
    pub target: HintTarget,
    pub evidence: Evidence,
}

/// A pod address, for attributing live clients.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodAddress {
    pub ip: String,
    pub workload: ConsumerId,
    pub host_network: bool,
    pub origin: Origin,
}

/// A client seen in a live client list, over one or more samples.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ClientObservation {
    /// The instance, as `host:port` of the endpoint it was sampled from, or
    /// the alias the user gave it (`--redis ALIAS=URL`).
    pub server: String,
    /// Sampled over TLS (`rediss://`): the evidence names the scheme used.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub sampled_over_tls: bool,
    /// The `host:port` actually sampled, when `server` is an alias for it
    /// (never a password).
    pub queried: Option<String>,
    pub addr: String,
    pub laddr: Option<String>,
    pub name: Option<String>,
    pub user: Option<String>,
    pub db: Option<u32>,
    pub lib_name: Option<String>,
    pub lib_ver: Option<String>,
    pub last_cmd: Option<String>,
    pub first_seen: String,
    pub last_seen: String,
    pub samples: u32,
    /// Whether the connection uses TLS, from `laddr`'s port.
    pub tls: Option<bool>,
    /// Distinct connections merged into this observation (a pool, or a
    /// client that reconnects between samples).
    pub connections: u32,
    /// `CLIENT LIST` flags of the last connection seen: `N` normal, `S` a
    /// replica's link, `P` pub/sub…
    pub flags: Option<String>,
}

/// One thing a scanner learned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fact {
    Workload(Workload),
    Service(Service),
    ServiceBackends(ServiceBackends),
    Reference(Reference),
    Hint(Hint),
    Pod(PodAddress),
    Client(ClientObservation),
    Sampled(SampledServer),
}

/// A Redis sampled live on which no client was seen: still a resource (the
/// strongest "nobody uses it" there is), with no consumers. A server with
/// clients is known from their [`ClientObservation`]s.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SampledServer {
    /// As [`ClientObservation::server`]: `host:port`, or the alias given.
    pub server: String,
    /// The `host:port` sampled, when `server` is an alias.
    pub queried: Option<String>,
    pub first_seen: String,
    pub last_seen: String,
    pub samples: u32,
}

#[cfg(test)]
mod tests {
    /// Every fact is as large as the largest kind, and a scan of 20,000
    /// workloads holds ~60,000 of them: a field that grows `Reference`
    /// grows them all (an inline `Option<ConsumerId>` took 408 → 496 bytes
    /// and cost page faults in the graph). Box what is rarely there.
    #[test]
    fn facts_stay_small() {
        assert!(
            std::mem::size_of::<super::Fact>() <= 408,
            "{}",
            std::mem::size_of::<super::Fact>()
        );
    }
}

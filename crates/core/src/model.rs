//! The merged picture renderers format: resources, their consumers, and
//! (after an impact run) a verdict per consumer.

use crate::{ConsumerId, Diagnostic, Endpoint, Evidence, Origin, Strength, Tls};
use serde::Serialize;
use std::fmt;

/// What a change does to one consumer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Fails after the change unless it is changed first.
    Breaks,
    /// Cannot be shown safe.
    AtRisk,
    /// Already compatible.
    Ok,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Breaks => "breaks",
            Verdict::AtRisk => "at-risk",
            Verdict::Ok => "ok",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A sign-off that lets a breaking consumer through the gate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Approval {
    pub consumer: String,
    pub by: String,
    pub note: Option<String>,
}

/// A consumer of one resource, with everything known about the link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Consumer {
    pub id: ConsumerId,
    /// Whether its connections use TLS, merged over its references.
    pub tls: Tls,
    /// The strongest evidence it has.
    pub strength: Strength,
    pub owner: Option<String>,
    /// Listed in a catalog or the inventory file.
    pub documented: bool,
    /// Aliases of the resource it uses, as written (`redis.cache:6379`).
    pub via: Vec<String>,
    /// Each address-based reference it makes to the resource.
    pub links: Vec<Link>,
    /// Where its credentials for this resource live.
    pub credentials: Vec<String>,
    /// Users it authenticates as.
    pub users: Vec<String>,
    pub evidence: Vec<Evidence>,
    pub verdict: Option<Verdict>,
    pub reasons: Vec<String>,
    pub approval: Option<Approval>,
    /// Compose profiles it runs under.
    pub profiles: Vec<String>,
    /// Findings about the link that are not verdict reasons: "not in any
    /// config", "not seen connected between T1 and T2", "needs Secrets
    /// that could not be read".
    pub notes: Vec<String>,
    /// Seen live over TLS at least once (a client list's TLS flag, or the
    /// TLS port it is connected to): `tls` merges it with the plaintext
    /// connections into `no`, this keeps it for `tls=disabled`.
    pub seen_over_tls: bool,
}

/// One reference from a consumer to a resource, resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// The endpoint as the consumer wrote it (password already redacted).
    pub endpoint: Endpoint,
    /// The Kubernetes Service (`namespace/name`), ExternalName or compose
    /// alias it went through, when it did not name the server directly.
    pub service: Option<String>,
    /// The server port this reaches (after Service port mapping).
    pub server_port: Option<u16>,
    /// Whether it uses TLS: from the scheme, a TLS flag, or the port.
    pub tls: Tls,
    pub evidence: Evidence,
    /// Where its password lives, when it has one.
    pub credential: Option<String>,
    /// The credential is only suspected ([`crate::Credential::suspected`]).
    pub credential_suspected: bool,
    /// Where the port is written when apart from the evidence's line
    /// ([`crate::Reference::port_origin`]): what a port change edits.
    pub port_origin: Option<Origin>,
    /// The Redis proxy this link goes through (its consumer id as text,
    /// `shop/Deployment/twemproxy`): the endpoint is the proxy's address as
    /// the consumer writes it, while `server_port` and `tls` are the
    /// proxy's own hop to the server, which is what a change of the server
    /// reaches. `None` for a direct link.
    pub proxy: Option<String>,
}

impl Consumer {
    /// A consumer with nothing known yet: TLS unknown, no evidence, links
    /// or verdict; `strength` until evidence says otherwise.
    pub fn new(id: ConsumerId, strength: Strength) -> Consumer {
        Consumer {
            id,
            tls: Tls::Unknown,
            strength,
            owner: None,
            documented: false,
            via: Vec::new(),
            links: Vec::new(),
            credentials: Vec::new(),
            users: Vec::new(),
            evidence: Vec::new(),
            verdict: None,
            reasons: Vec::new(),
            approval: None,
            profiles: Vec::new(),
            notes: Vec::new(),
            seen_over_tls: false,
        }
    }

    /// Strongest evidence first, then by place.
    pub fn primary_evidence(&self) -> Option<&Evidence> {
        self.evidence
            .iter()
            .min_by(|a, b| a.strength.cmp(&b.strength))
    }

    /// Seen live but named in no config.
    pub fn only_observed(&self) -> bool {
        self.evidence
            .iter()
            .all(|e| e.strength == Strength::Observed)
    }
}

/// Something that can be changed: a Redis instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resource {
    /// `namespace/name` for Kubernetes, `file#service` for compose, the host for external ones.
    pub id: String,
    pub kind: &'static str,
    pub name: String,
    pub namespace: Option<String>,
    /// Every name it is reachable by.
    pub aliases: Vec<String>,
    pub defined_by: Option<Origin>,
    pub owner: Option<String>,
    pub port: Option<u16>,
    pub tls_port: Option<u16>,
    /// The Unix socket path it listens on, inside its container, when its
    /// config names one.
    pub unixsocket: Option<String>,
    /// Its server config requires a password (`requirepass`, `aclfile`,
    /// a password variable of the image), as far as the scan sees.
    pub requires_auth: bool,
    /// Where it is told to require a password, when that is a line of the
    /// scan (else `defined_by` is cited).
    pub auth_origin: Option<Origin>,
    /// Its server reads a config file the scan does not have
    /// ([`crate::RedisServer::config_unread`]): what the scan says of its
    /// ports and TLS may be incomplete.
    pub config_unread: bool,
    /// Service addresses that reach its TLS port, as (`ns/service`,
    /// `service.ns:port`): the address to give a client that goes through
    /// a Service with no port for TLS.
    pub tls_addresses: Vec<(String, String)>,
    /// Not defined in the scanned sources: an ExternalName target or a
    /// host that consumers name (a managed service, another cluster).
    pub external: bool,
    pub consumers: Vec<Consumer>,
}

/// Everything one run found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inventory {
    pub resources: Vec<Resource>,
    pub diagnostics: Vec<Diagnostic>,
    /// A catalog or inventory file was read, so `documented: false` means
    /// undocumented (drift). Without one, nothing is called undocumented.
    pub documentation_checked: bool,
}

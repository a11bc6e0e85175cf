//! Names: every way a consumer can write a Redis resource down, indexed so
//! that resolving one reference is a few hash lookups.
//!
//! Kubernetes names are kept fully qualified (`svc.ns`, `svc.ns.svc`,
//! `svc.ns.svc.<domain>`, ClusterIPs, pod IPs); a short name is qualified
//! with the namespace it was written in before lookup. Compose names only
//! resolve within their compose file. Headless-service pod names
//! (`redis-0.redis.cache`) are recognised by shape at lookup, since any
//! ordinal is valid.

use fallout_core::{Scope, ServicePort};
use foldhash::HashMap;
use std::sync::Arc;

/// What a name leads to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Target {
    /// A resource defined in the scanned sources (index into the build's list).
    Resource(usize),
    /// A host outside them: becomes an external resource when referenced.
    External(String),
}

/// How a name reaches its target.
#[derive(Clone, Debug)]
pub(crate) struct Route {
    pub target: Target,
    /// The Service (`ns/name`) or ExternalName (`ns/name (ExternalName)`)
    /// the name goes through; `None` when it names the server itself.
    pub service: Option<String>,
    /// The port mapping of the Service in front of the server.
    pub ports: Option<Arc<Vec<ServicePort>>>,
}

impl Route {
    pub fn direct(target: Target) -> Route {
        Route {
            target,
            service: None,
            ports: None,
        }
    }
}

/// Marks a link that went through an ExternalName Service, written
/// `ns/name (ExternalName)` or `ns/name (ExternalName → ns/service)` when a
/// Service maps its ports further on: the impact of a host or port move
/// differs (repoint the ExternalName, update the Service).
pub(crate) const EXTERNAL_NAME: &str = " (ExternalName";

/// The ExternalName Service a link went through, and the Service behind it.
pub(crate) fn split_external_name(service: &str) -> Option<(&str, Option<&str>)> {
    let (name, rest) = service.split_once(EXTERNAL_NAME)?;
    let behind = rest.strip_prefix(" → ").map(|r| r.trim_end_matches(')'));
    Some((name, behind))
}

#[derive(Debug, Default)]
pub(crate) struct NameIndex {
    /// Fully qualified Kubernetes names and IPs.
    pub global: HashMap<String, Route>,
    /// `(compose file, name)` → resource.
    pub compose: HashMap<(String, String), usize>,
    /// Headless Service names → (StatefulSet name, route) for pod names.
    pub headless: HashMap<String, Vec<(String, Route)>>,
}

/// Lower-cased, without the trailing dot of an absolute DNS name.
pub(crate) fn normalize(host: &str) -> String {
    host.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// Whether a host names no server of its own to resolve.
pub(crate) fn is_loopback(host: &str) -> bool {
    // The scanner's rule (`localhost`, 127/8, `::1`, bracketed or not), and
    // `0.0.0.0`, a listen address that names no server either.
    fallout_core::endpoint::is_loopback(host) || host == "0.0.0.0"
}

fn is_ip(host: &str) -> bool {
    host.parse::<std::net::IpAddr>().is_ok()
}

/// A single DNS label: what a namespace or compose project qualifies.
pub(crate) fn is_short(host: &str) -> bool {
    !host.is_empty() && !host.contains(['.', ':', '/']) && !is_loopback(host) && !is_ip(host)
}

/// A short name written in a namespace means `name.ns`; in a compose
/// project, `file#name` (so two projects' unresolved `redis` stay apart).
pub(crate) fn qualify(scope: &Scope, host: &str) -> String {
    match scope {
        Scope::Namespace(ns) if is_short(host) => format!("{host}.{}", ns.to_ascii_lowercase()),
        Scope::Compose(file) if is_short(host) => format!("{file}#{host}"),
        _ => host.to_string(),
    }
}

/// The DNS names of Service `name` in `ns`.
pub(crate) fn service_names(ns: &str, name: &str, domain: &str) -> [String; 3] {
    let base = format!("{}.{}", name.to_ascii_lowercase(), ns.to_ascii_lowercase());
    [
        base.clone(),
        format!("{base}.svc"),
        format!("{base}.svc.{}", domain.to_ascii_lowercase()),
    ]
}

impl NameIndex {
    /// Adds a global name unless one is already there (first definition wins).
    pub fn add(&mut self, name: String, route: Route) {
        self.global.entry(name).or_insert(route);
    }

    /// Resolves `host` as written in `scope`. Never creates anything.
    pub fn lookup(&self, scope: &Scope, host: &str) -> Option<Route> {
        let host = normalize(host);
        if host.is_empty() || is_loopback(&host) {
            return None;
        }
        if let Scope::Compose(file) = scope {
            if let Some(&i) = self.compose.get(&(file.clone(), host.clone())) {
                return Some(Route::direct(Target::Resource(i)));
            }
        }
        let qualified = qualify(scope, &host);
        if let Some(route) = self.exact(&qualified) {
            return Some(route);
        }
        // `pod-0.headless` in its own namespace: the pod's DNS search path
        // adds the namespace, as for a short Service name.
        match scope {
            Scope::Namespace(ns) if host.matches('.').count() == 1 => {
                self.pod_name(&format!("{host}.{}", ns.to_ascii_lowercase()))
            }
            _ => None,
        }
    }

    /// A fully qualified name, IP or headless pod name.
    pub fn exact(&self, host: &str) -> Option<Route> {
        if let Some(route) = self.global.get(host) {
            return Some(route.clone());
        }
        self.pod_name(host)
    }

    /// `<statefulset>-<ordinal>.<headless svc>.<ns>[.svc[.domain]]`.
    fn pod_name(&self, host: &str) -> Option<Route> {
        let (pod, rest) = host.split_once('.')?;
        let (workload, ordinal) = pod.rsplit_once('-')?;
        if ordinal.is_empty() || !ordinal.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        self.headless
            .get(rest)?
            .iter()
            .find(|(name, _)| name == workload)
            .map(|(_, route)| route.clone())
    }
}

/// The server port a reference to `port` reaches through `route`, given the
/// server's plain and TLS ports.
pub(crate) fn server_port(
    route: Option<&Route>,
    port: u16,
    plain: Option<u16>,
    tls: Option<u16>,
) -> Option<u16> {
    let Some(ports) = route.and_then(|r| r.ports.as_ref()) else {
        return Some(port);
    };
    let sp = ports.iter().find(|sp| sp.port == port)?;
    match (sp.target_port, &sp.target_port_name) {
        (Some(target), _) => Some(target),
        (None, Some(name)) if name.to_ascii_lowercase().contains("tls") => tls,
        // a TLS-only server (Bitnami `REDIS_TLS_PORT=6379`) has no plain port
        (None, Some(_)) => plain.or(tls),
        (None, None) => Some(sp.port),
    }
}

//! Attribution: which workload a live client connection belongs to.
//!
//! Strongest first: the client's IP is a pod's IP (the pod folds into its
//! owning workload); then the name the client gave itself (`CLIENT SETNAME`)
//! is a workload's or compose service's name, or a pod name of one; then the
//! ACL user it authenticated as is a workload's name (weaker: users are
//! often shared). A client nothing matches stays a `client` consumer keyed
//! by its IP, never dropped. Pure: no IO.

use fallout_core::{ClientObservation, ConsumerId, ConsumerKind, PodAddress, Workload};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Pod and node addresses, for finding a client's workload by its IP.
#[derive(Clone, Debug, Default)]
pub struct PodIndex {
    by_ip: BTreeMap<String, Vec<PodAddress>>,
    node_ips: BTreeSet<String>,
}

impl PodIndex {
    pub fn new() -> PodIndex {
        PodIndex::default()
    }

    pub fn from_pods<'a>(pods: impl IntoIterator<Item = &'a PodAddress>) -> PodIndex {
        let mut index = PodIndex::new();
        for pod in pods {
            index.add(pod.clone());
        }
        index
    }

    pub fn add(&mut self, pod: PodAddress) {
        let ip = normalize_ip(&pod.ip);
        let entry = self.by_ip.entry(ip).or_default();
        if !entry.iter().any(|p| p.workload == pod.workload) {
            entry.push(pod);
        }
    }

    /// A node's address: clients from it may be any host-network pod or a
    /// process on the node, so attribution by IP is ambiguous.
    pub fn add_node_ip(&mut self, ip: &str) {
        self.node_ips.insert(normalize_ip(ip));
    }

    /// The pods (one per workload) that had this IP.
    pub fn pods_at(&self, ip: &str) -> &[PodAddress] {
        self.by_ip
            .get(&normalize_ip(ip))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    pub fn is_node_ip(&self, ip: &str) -> bool {
        self.node_ips.contains(&normalize_ip(ip))
    }

    pub fn is_empty(&self) -> bool {
        self.by_ip.is_empty() && self.node_ips.is_empty()
    }
}

/// Which evidence tied a client to its consumer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AttributedBy {
    /// The client's IP is a pod's IP.
    PodIp,
    /// The client's `CLIENT SETNAME` matches a workload or compose service.
    ClientName,
    /// Only the ACL user matches a workload's name: weaker evidence.
    AclUser,
    /// Nothing matched: the consumer is the client's IP.
    Unattributed,
}

impl AttributedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            AttributedBy::PodIp => "pod-ip",
            AttributedBy::ClientName => "client-name",
            AttributedBy::AclUser => "acl-user",
            AttributedBy::Unattributed => "unattributed",
        }
    }
}

impl fmt::Display for AttributedBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The consumer a client connection belongs to, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribution {
    pub consumer: ConsumerId,
    pub how: AttributedBy,
    /// Several consumers fit (a node IP shared by host-network pods, one
    /// name in several namespaces): `consumer` is the best guess.
    pub ambiguous: bool,
    /// The reason in the reader's words, for the evidence line.
    pub detail: String,
}

/// Attributes one observed client. `workloads` are every workload and
/// compose service known from manifests and configs.
pub fn attribute(obs: &ClientObservation, pods: &PodIndex, workloads: &[Workload]) -> Attribution {
    let ip = client_ip(&obs.addr);
    let at_ip = pods.pods_at(&ip);
    let host_network = at_ip.iter().any(|p| p.host_network);
    let shared_ip = pods.is_node_ip(&ip) || host_network;
    let by_name = obs
        .name
        .as_deref()
        .map(|n| match_name(n, workloads, true))
        .unwrap_or_default();

    if !at_ip.is_empty() && !shared_ip {
        let mut ids: Vec<&ConsumerId> = at_ip.iter().map(|p| &p.workload).collect();
        ids.sort();
        // A pod IP reused by two workloads (dumps taken at different times):
        // the client name, when it names one of them, decides.
        let chosen = ids
            .iter()
            .find(|id| by_name.iter().any(|w| &w.id == **id))
            .copied()
            .unwrap_or(ids[0]);
        let pod = at_ip
            .iter()
            .find(|p| &p.workload == chosen)
            .unwrap_or(&at_ip[0]);
        let mut detail = format!("client {ip} is a pod IP of {chosen} ({})", pod.origin);
        let ambiguous = ids.len() > 1 && !by_name.iter().any(|w| &w.id == chosen);
        if ambiguous {
            detail.push_str(&format!("; the IP was also used by {}", list(&ids, chosen)));
        }
        return Attribution {
            consumer: chosen.clone(),
            how: AttributedBy::PodIp,
            ambiguous,
            detail,
        };
    }

    let shared_note = if shared_ip {
        let mut ids: Vec<&ConsumerId> = at_ip.iter().map(|p| &p.workload).collect();
        ids.sort();
        if ids.is_empty() {
            format!("client {ip} is a node address")
        } else {
            format!(
                "client {ip} is a node address shared by host-network pods of {}",
                ids.iter()
                    .map(|i| i.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    } else {
        String::new()
    };
    let prefix = |text: String| {
        if shared_note.is_empty() {
            text
        } else {
            format!("{shared_note}; {text}")
        }
    };

    if let Some(name) = obs.name.as_deref() {
        if let Some((workload, ambiguous, others)) = pick(&by_name, at_ip) {
            let mut detail = format!("client name `{name}` matches {}", workload.id);
            if ambiguous {
                detail.push_str(&format!(" (also {others})"));
            }
            return Attribution {
                consumer: workload.id.clone(),
                how: AttributedBy::ClientName,
                ambiguous,
                detail: prefix(detail),
            };
        }
    }

    if shared_ip && !at_ip.is_empty() {
        // No name to tell them apart: the host-network pod, as a guess.
        let mut ids: Vec<&ConsumerId> = at_ip.iter().map(|p| &p.workload).collect();
        ids.sort();
        return Attribution {
            consumer: ids[0].clone(),
            how: AttributedBy::PodIp,
            ambiguous: true,
            detail: prefix(format!("attributed to {} as a guess", ids[0])),
        };
    }

    if let Some(user) = obs.user.as_deref().filter(|u| *u != "default") {
        let by_user = match_name(user, workloads, false);
        if let Some((workload, ambiguous, others)) = pick(&by_user, at_ip) {
            let mut detail = format!(
                "only the ACL user `{user}` matches {} (weaker: a user can be shared by several workloads)",
                workload.id
            );
            if ambiguous {
                detail.push_str(&format!("; also {others}"));
            }
            return Attribution {
                consumer: workload.id.clone(),
                how: AttributedBy::AclUser,
                ambiguous,
                detail: prefix(detail),
            };
        }
    }

    let mut tried = Vec::new();
    if let Some(name) = &obs.name {
        tried.push(format!("name `{name}`"));
    }
    if let Some(user) = &obs.user {
        tried.push(format!("user `{user}`"));
    }
    let detail = if tried.is_empty() {
        format!("no pod has IP {ip} and the client gave no name")
    } else {
        format!(
            "no pod has IP {ip} and no workload matches its {}",
            tried.join(" or ")
        )
    };
    Attribution {
        consumer: ConsumerId::client(&ip),
        how: AttributedBy::Unattributed,
        ambiguous: shared_ip,
        detail: prefix(detail),
    }
}

/// The best of several name matches: one at the client's IP if any, else
/// the first. Returns it, whether others fit too, and their list.
fn pick<'a>(
    matches: &[&'a Workload],
    at_ip: &[PodAddress],
) -> Option<(&'a Workload, bool, String)> {
    let first = matches
        .iter()
        .find(|w| at_ip.iter().any(|p| p.workload == w.id))
        .or_else(|| matches.first())
        .copied()?;
    let others: Vec<&ConsumerId> = matches.iter().map(|w| &w.id).collect();
    let ambiguous = matches.len() > 1;
    Some((first, ambiguous, list(&others, &first.id)))
}

fn list(ids: &[&ConsumerId], except: &ConsumerId) -> String {
    ids.iter()
        .filter(|i| **i != except)
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Workloads a client-given name (or ACL user) refers to. Exact names win
/// over pod names; `pod_names` also accepts `events-api-7d9f8b6c4-x2x9z`,
/// `redis-0`, and compose container names such as `shop-worker-1`.
fn match_name<'a>(name: &str, workloads: &'a [Workload], pod_names: bool) -> Vec<&'a Workload> {
    let name = name.trim().to_ascii_lowercase();
    if name.is_empty() {
        return Vec::new();
    }
    let exact: Vec<&Workload> = workloads
        .iter()
        .filter(|w| names_exactly(&name, w))
        .collect();
    if !exact.is_empty() || !pod_names {
        return exact;
    }
    workloads
        .iter()
        .filter(|w| names_a_pod_of(&name, w))
        .collect()
}

fn names_exactly(name: &str, w: &Workload) -> bool {
    let wname = w.id.name.to_ascii_lowercase();
    if name == wname || w.aliases.iter().any(|a| a.eq_ignore_ascii_case(name)) {
        return true;
    }
    if let Some(ns) = &w.id.namespace {
        let ns = ns.to_ascii_lowercase();
        let kind = w.id.kind.as_str().to_ascii_lowercase();
        let forms = [
            format!("{ns}/{wname}"),
            format!("{ns}/{kind}/{wname}"),
            format!("{wname}.{ns}"),
            format!("{ns}.{wname}"),
            format!("{wname}@{ns}"),
        ];
        return forms.iter().any(|f| f == name);
    }
    false
}

fn names_a_pod_of(name: &str, w: &Workload) -> bool {
    let wname = w.id.name.to_ascii_lowercase();
    match &w.id.kind {
        ConsumerKind::ComposeService => {
            // `project-service-1` (compose v2) or `project_service_1` (v1).
            for sep in ['-', '_'] {
                if let Some((head, n)) = name.rsplit_once(sep) {
                    if n.chars().all(|c| c.is_ascii_digit())
                        && !n.is_empty()
                        && (head == wname || head.ends_with(&format!("{sep}{wname}")))
                    {
                        return true;
                    }
                }
            }
            false
        }
        _ => {
            let Some(rest) = name.strip_prefix(&wname).and_then(|r| r.strip_prefix('-')) else {
                return false;
            };
            let segments: Vec<&str> = rest.split('-').collect();
            (1..=3).contains(&segments.len()) && segments.iter().all(|s| looks_generated(s))
        }
    }
}

/// A segment Kubernetes generates for a pod name: a ReplicaSet hash, a
/// five-character suffix, a StatefulSet ordinal or a CronJob timestamp.
fn looks_generated(segment: &str) -> bool {
    const SAFE: &str = "bcdfghjklmnpqrstvwxz2456789";
    !segment.is_empty()
        && (segment.chars().all(|c| c.is_ascii_digit())
            || ((5..=10).contains(&segment.len()) && segment.chars().all(|c| SAFE.contains(c))))
}

/// The IP of `ip:port`, `[v6]:port`, or a bare IP; IPv4-mapped v6
/// addresses become IPv4.
pub fn client_ip(addr: &str) -> String {
    let addr = addr.trim();
    let host = if let Some(rest) = addr.strip_prefix('[') {
        rest.split(']').next().unwrap_or(rest)
    } else if addr.matches(':').count() == 1 {
        addr.split(':').next().unwrap_or(addr)
    } else if addr.matches(':').count() > 1 && addr.parse::<std::net::Ipv6Addr>().is_err() {
        // `::1:6379` as Redis prints v6 clients without brackets.
        addr.rsplit_once(':').map(|(h, _)| h).unwrap_or(addr)
    } else {
        addr
    };
    normalize_ip(host)
}

fn normalize_ip(ip: &str) -> String {
    let ip = ip.trim().to_ascii_lowercase();
    match ip.strip_prefix("::ffff:") {
        Some(v4) if v4.parse::<std::net::Ipv4Addr>().is_ok() => v4.to_string(),
        _ => ip,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fallout_core::{Origin, Scope};

    fn workload(id: ConsumerId) -> Workload {
        Workload {
            id,
            pod_labels: Default::default(),
            labels: Default::default(),
            defined_at: Origin::file("k8s/app.yaml", 1),
            server: None,
            aliases: Vec::new(),
            scope: Scope::None,
            profiles: Vec::new(),
            proxy: None,
        }
    }

    fn pod(ip: &str, workload: &ConsumerId, host_network: bool) -> PodAddress {
        PodAddress {
            ip: ip.into(),
            workload: workload.clone(),
            host_network,
            origin: Origin::file("pods.json", 10),
        }
    }

    fn obs(addr: &str, name: Option<&str>, user: Option<&str>) -> ClientObservation {
        ClientObservation {
            queried: None,
            server: "10.0.0.5:6379".into(),
            addr: addr.into(),
            name: name.map(Into::into),
            user: user.map(Into::into),
            samples: 1,
            ..Default::default()
        }
    }

    fn events() -> ConsumerId {
        ConsumerId::kube("api", "Deployment", "events-api")
    }
    fn billing() -> ConsumerId {
        ConsumerId::kube("billing", "Deployment", "worker")
    }
    fn agent() -> ConsumerId {
        ConsumerId::kube("kube-system", "DaemonSet", "node-agent")
    }

    fn world() -> (PodIndex, Vec<Workload>) {
        let mut pods = PodIndex::from_pods(&[
            pod("10.1.2.3", &events(), false),
            pod("10.1.2.4", &events(), false),
            pod("10.1.9.9", &billing(), false),
            pod("192.168.0.10", &agent(), true),
        ]);
        pods.add_node_ip("192.168.0.11");
        let mut compose = workload(ConsumerId::compose("shop/docker-compose.yml", "cart"));
        compose.aliases.push("shop-cart".into());
        let workloads = vec![
            workload(events()),
            workload(billing()),
            workload(agent()),
            workload(ConsumerId::kube("other", "Deployment", "worker")),
            compose,
        ];
        (pods, workloads)
    }

    #[test]
    fn pod_ip_wins_over_name_and_user() {
        let (pods, workloads) = world();
        let a = attribute(
            &obs("10.1.2.3:50000", Some("cart"), Some("worker")),
            &pods,
            &workloads,
        );
        assert_eq!(a.consumer, events());
        assert_eq!(a.how, AttributedBy::PodIp);
        assert!(!a.ambiguous);
        assert!(
            a.detail
                .contains("pod IP of api/Deployment/events-api (pods.json:10)"),
            "{}",
            a.detail
        );
    }

    #[test]
    fn ipv6_and_mapped_addresses() {
        let mut pods = PodIndex::new();
        pods.add(pod("fd00::5", &events(), false));
        pods.add(pod("10.1.2.3", &billing(), false));
        let w = vec![workload(events()), workload(billing())];
        assert_eq!(
            attribute(&obs("[fd00::5]:6000", None, None), &pods, &w).consumer,
            events()
        );
        assert_eq!(
            attribute(&obs("::ffff:10.1.2.3:6000", None, None), &pods, &w).consumer,
            billing()
        );
        assert_eq!(client_ip("[::ffff:10.1.2.3]:1"), "10.1.2.3");
    }

    #[test]
    fn host_network_and_node_ips_are_ambiguous() {
        let (pods, workloads) = world();
        let a = attribute(&obs("192.168.0.10:4000", None, None), &pods, &workloads);
        assert_eq!(a.consumer, agent());
        assert!(a.ambiguous);
        assert!(a.detail.contains("host-network"), "{}", a.detail);

        // A name settles who on the node it is, but the IP stays noted.
        let a = attribute(
            &obs("192.168.0.10:4000", Some("events-api"), None),
            &pods,
            &workloads,
        );
        assert_eq!(a.consumer, events());
        assert_eq!(a.how, AttributedBy::ClientName);
        assert!(!a.ambiguous);
        assert!(
            a.detail
                .starts_with("client 192.168.0.10 is a node address"),
            "{}",
            a.detail
        );

        let a = attribute(&obs("192.168.0.11:4000", None, None), &pods, &workloads);
        assert_eq!(a.consumer, ConsumerId::client("192.168.0.11"));
        assert_eq!(a.how, AttributedBy::Unattributed);
        assert!(a.ambiguous);
    }

    #[test]
    fn client_names_exact_pod_and_compose_forms() {
        let (pods, workloads) = world();
        for name in [
            "events-api",
            "api/events-api",
            "api/deployment/events-api",
            "events-api.api",
            "Events-API",
            "events-api-7d9f8b6c4-x2x9z",
        ] {
            let a = attribute(&obs("10.9.9.9:1", Some(name), None), &pods, &workloads);
            assert_eq!(a.consumer, events(), "{name}");
            assert_eq!(a.how, AttributedBy::ClientName, "{name}");
            assert!(!a.ambiguous, "{name}");
        }
        for name in ["cart", "shop-cart", "shop-cart-1", "shop_cart_2"] {
            let a = attribute(&obs("10.9.9.9:1", Some(name), None), &pods, &workloads);
            assert_eq!(
                a.consumer,
                ConsumerId::compose("shop/docker-compose.yml", "cart"),
                "{name}"
            );
        }
        // A longer word is not a pod suffix.
        let a = attribute(
            &obs("10.9.9.9:1", Some("events-api-gateway"), None),
            &pods,
            &workloads,
        );
        assert_eq!(a.how, AttributedBy::Unattributed);
    }

    #[test]
    fn one_name_in_two_namespaces_is_ambiguous_unless_qualified() {
        let (pods, workloads) = world();
        let a = attribute(&obs("10.9.9.9:1", Some("worker"), None), &pods, &workloads);
        assert_eq!(a.how, AttributedBy::ClientName);
        assert!(a.ambiguous);
        assert!(a.detail.contains("also"), "{}", a.detail);
        let a = attribute(
            &obs("10.9.9.9:1", Some("other/worker"), None),
            &pods,
            &workloads,
        );
        assert_eq!(
            a.consumer,
            ConsumerId::kube("other", "Deployment", "worker")
        );
        assert!(!a.ambiguous);
    }

    #[test]
    fn acl_user_is_weaker_and_says_so() {
        let (pods, workloads) = world();
        let a = attribute(
            &obs("10.9.9.9:1", Some("unknown-thing"), Some("events-api")),
            &pods,
            &workloads,
        );
        assert_eq!(a.consumer, events());
        assert_eq!(a.how, AttributedBy::AclUser);
        assert!(a.detail.contains("weaker"), "{}", a.detail);
        // Pod-name forms are not accepted for users; `default` is nobody.
        let a = attribute(
            &obs("10.9.9.9:1", None, Some("events-api-7d9f8b6c4-x2x9z")),
            &pods,
            &workloads,
        );
        assert_eq!(a.how, AttributedBy::Unattributed);
        let a = attribute(&obs("10.9.9.9:1", None, Some("default")), &pods, &workloads);
        assert_eq!(a.how, AttributedBy::Unattributed);
    }

    #[test]
    fn unattributed_clients_keep_their_ip() {
        let (pods, workloads) = world();
        let a = attribute(
            &obs("10.200.0.1:5555", Some("mystery"), Some("default")),
            &pods,
            &workloads,
        );
        assert_eq!(a.consumer, ConsumerId::client("10.200.0.1"));
        assert_eq!(a.consumer.to_string(), "client/10.200.0.1");
        assert_eq!(a.how, AttributedBy::Unattributed);
        assert!(!a.ambiguous);
        assert!(a.detail.contains("name `mystery`"), "{}", a.detail);
        let a = attribute(&obs("10.200.0.1:5555", None, None), &PodIndex::new(), &[]);
        assert_eq!(
            a.detail,
            "no pod has IP 10.200.0.1 and the client gave no name"
        );
    }

    #[test]
    fn reused_pod_ip_is_settled_by_name() {
        let mut pods = PodIndex::new();
        pods.add(pod("10.1.2.3", &events(), false));
        pods.add(pod("10.1.2.3", &billing(), false));
        let w = vec![workload(events()), workload(billing())];
        let a = attribute(&obs("10.1.2.3:1", None, None), &pods, &w);
        assert!(a.ambiguous);
        let a = attribute(&obs("10.1.2.3:1", Some("worker"), None), &pods, &w);
        assert_eq!(a.consumer, billing());
        assert!(!a.ambiguous);
    }
}

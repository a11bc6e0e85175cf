//! Identity resolution: facts from every scanner become resources (the
//! Redis servers, by every name they answer to) and their consumers (every
//! workload that references, is hinted to use, or was seen connected to one).
//!
//! Everything is keyed by hash maps so that a cluster of tens of thousands
//! of workloads resolves in linear time; output order never depends on map
//! iteration (resources and consumers are sorted at the end).

use crate::attribute::{attribute, client_ip, AttributedBy, Attribution, PodIndex};
use crate::names::{
    is_loopback, is_short, normalize, qualify, server_port, service_names, split_external_name,
    NameIndex, Route, Target, EXTERNAL_NAME,
};
use crate::Options;
use fallout_core::endpoint::split_host_port;
use fallout_core::{
    ClientObservation, Consumer, ConsumerId, ConsumerKind, Diagnostic, Evidence, Fact, Hint,
    HintTarget, Inventory, Link, Origin, PodAddress, Reference, Resource, SampledServer, Scope,
    Service, ServiceBackends, Strength, Tls, Workload,
};
use foldhash::{HashMap, HashSet};
use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The StatefulSet pod-name label, and the per-pod labels a selector may
/// carry that no pod template declares.
const POD_NAME_LABEL: &str = "statefulset.kubernetes.io/pod-name";
const PER_POD_LABELS: &[&str] = &[POD_NAME_LABEL, "apps.kubernetes.io/pod-index"];

/// Merges facts into resources with their consumers. No verdicts; findings
/// about the graph itself (ExternalName cycles, ambiguous Services) go to
/// `diagnostics`.
pub fn build(facts: &[Fact], opts: &Options) -> Inventory {
    let mut b = Builder::new(facts, opts);
    b.define_resources();
    b.index_names();
    // Name lookups are independent: done in parallel, applied in order.
    let routes: Vec<(String, Option<Route>)> = b
        .facts
        .references
        .par_iter()
        .map(|r| {
            let host = normalize(&r.endpoint.host);
            let route = b.names.lookup(&r.scope, &host);
            (host, route)
        })
        .collect();
    // Which resource each reference lands on, in order (this creates the
    // external ones); then the links, in parallel; then attached in order.
    let refs = b.facts.references.clone();
    let targets: Vec<Option<usize>> = refs
        .iter()
        .zip(&routes)
        .map(|(r, (host, route))| b.resolve(r, host, route.as_ref()))
        .collect();
    let links: Vec<Option<(usize, Linked)>> = refs
        .par_iter()
        .zip(routes.into_par_iter())
        .zip(targets.into_par_iter())
        .map(|((r, (host, route)), target)| {
            target.map(|resource| (resource, b.link(r, &host, route, resource)))
        })
        .collect();
    b.attach_all(&refs, links);
    for h in b.facts.hints.clone() {
        b.hint(h);
    }
    b.through_sentinels();
    b.live();
    b.through_proxies();
    b.finish()
}

/// A name kept as an external resource that scanned workloads answer to
/// ([`Builder::through_proxies`]).
struct Unresolved<'a> {
    /// The external resource's name.
    qualified: String,
    /// The name as the first consumer wrote it.
    host: String,
    /// What answers to it: `the Service shop/redis-proxy`, `the compose
    /// service proxy`; `None` when nothing scanned does.
    service: Option<String>,
    /// The workloads behind it.
    backends: Vec<&'a Workload>,
    /// The `name-unresolved` note, said when it is no proxy.
    note: Diagnostic,
    origin: Origin,
}

/// A reference's link, its `via` text and its evidence, built in parallel.
type Linked = (Link, String, Evidence);

/// Facts by kind, in input order.
#[derive(Default)]
struct Sorted<'a> {
    workloads: Vec<&'a Workload>,
    services: Vec<&'a Service>,
    backends: Vec<&'a ServiceBackends>,
    references: Vec<&'a Reference>,
    hints: Vec<&'a Hint>,
    pods: Vec<&'a PodAddress>,
    clients: Vec<&'a ClientObservation>,
    sampled: Vec<&'a SampledServer>,
}

/// What the build knows about a resource besides the `Resource` itself.
struct Defined {
    /// The workload that runs it (never its own consumer).
    workload: Option<ConsumerId>,
    pod_labels: BTreeMap<String, String>,
    password_secrets: Vec<(String, String)>,
    /// The compose file it belongs to.
    compose: Option<String>,
    /// Observation window: (first seen, last seen).
    window: Option<(String, String)>,
    /// For external resources: ports consumers use, and whether with TLS.
    used_ports: Vec<(u16, Tls)>,
    /// An external resource that is a Redis proxy's address: its consumers
    /// were carried to the Redis behind it, and it is left out.
    fronted: bool,
    /// For external resources: the longer in-cluster names consumers wrote
    /// for it (`redis.platform.svc.cluster.local` of `redis.platform`).
    written: Vec<String>,
    /// It runs as a Sentinel ([`fallout_core::RedisServer::sentinel`]).
    sentinel: bool,
}

struct Draft {
    consumer: Consumer,
    /// TLS of its live connections, merged.
    observed_tls: Option<Tls>,
}

struct Builder<'a> {
    facts: Sorted<'a>,
    opts: &'a Options,
    resources: Vec<Resource>,
    defined: Vec<Defined>,
    names: NameIndex,
    externals: HashMap<String, usize>,
    /// Resources run by each workload (by id).
    by_workload: HashMap<ConsumerId, usize>,
    workloads: HashMap<&'a ConsumerId, &'a Workload>,
    /// Keyed by the consumer's id as the facts hold it (no copy per
    /// reference), or owned for consumers seen only live.
    drafts: HashMap<(usize, Cow<'a, ConsumerId>), usize>,
    /// The consumers being built, with their resource, indexed by `drafts`
    /// (kept apart: a draft is large, and a map of them moved each one at
    /// every growth).
    draft_list: Vec<(usize, Draft)>,
    /// Consumers that have at least one resolved reference.
    referencing: HashSet<&'a ConsumerId>,
    /// Short names already reported as unresolved.
    unresolved: HashSet<String>,
    /// Names kept as external resources that a scanned workload may answer
    /// to (a Service selecting no Redis, a compose service running none),
    /// with the note to say if it is no Redis proxy
    /// ([`Builder::through_proxies`]).
    unresolved_notes: Vec<Unresolved<'a>>,
    /// (compose file, lower-case name or alias) → its service that runs no
    /// Redis ([`Builder::compose_service`]), built when first asked.
    compose_names: Option<HashMap<(String, String), &'a Workload>>,
    /// Workloads by namespace, indexed once, when a first consumer names a
    /// Service that selects no Redis ([`Builder::selected_workloads`]).
    workloads_by_namespace: Option<HashMap<&'a str, Vec<&'a Workload>>>,
    /// DNS names of Services whose selector picks no Redis workload, for
    /// the message of a consumer naming one ([`Builder::plain_service`]).
    plain_services: HashMap<String, &'a Service>,
    /// (ns, label key, label value) → Kubernetes resources whose pods carry it.
    label_index: HashMap<(String, String, String), Vec<usize>>,
    /// Namespace → its Kubernetes resources; compose file → its resources.
    by_namespace: HashMap<String, Vec<usize>>,
    by_compose: HashMap<String, Vec<usize>>,
    /// (ns, secret, key) → resources that read their password from it.
    by_secret: HashMap<(String, String, String), Vec<usize>>,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Builder<'a> {
    fn new(facts: &'a [Fact], opts: &'a Options) -> Builder<'a> {
        let mut sorted = Sorted::default();
        for fact in facts {
            match fact {
                Fact::Workload(w) => sorted.workloads.push(w),
                Fact::Service(s) => sorted.services.push(s),
                Fact::ServiceBackends(s) => sorted.backends.push(s),
                Fact::Reference(r) => sorted.references.push(r),
                Fact::Hint(h) => sorted.hints.push(h),
                Fact::Pod(p) => sorted.pods.push(p),
                Fact::Client(c) => sorted.clients.push(c),
                Fact::Sampled(s) => sorted.sampled.push(s),
            }
        }
        let mut workloads = HashMap::default();
        for w in &sorted.workloads {
            workloads.entry(&w.id).or_insert(*w);
        }
        Builder {
            facts: sorted,
            opts,
            resources: Vec::new(),
            defined: Vec::new(),
            names: NameIndex::default(),
            externals: HashMap::default(),
            by_workload: HashMap::default(),
            workloads,
            drafts: HashMap::default(),
            draft_list: Vec::new(),
            referencing: HashSet::default(),
            unresolved: HashSet::default(),
            unresolved_notes: Vec::new(),
            compose_names: None,
            workloads_by_namespace: None,
            plain_services: HashMap::default(),
            label_index: HashMap::default(),
            by_namespace: HashMap::default(),
            by_compose: HashMap::default(),
            by_secret: HashMap::default(),
            diagnostics: Vec::new(),
        }
    }

    /// Every workload that runs a Redis server is a resource.
    fn define_resources(&mut self) {
        let mut servers: Vec<&Workload> = Vec::new();
        let mut seen = HashSet::default();
        for w in &self.facts.workloads {
            if w.server.is_some() && seen.insert(&w.id) {
                servers.push(w);
            }
        }
        let mut defs: Vec<(Resource, Defined)> =
            servers.into_iter().map(|w| self.define(w)).collect();
        // Two servers of one name in one namespace (a Deployment `redis` and
        // a StatefulSet `redis`): each goes by its workload's id
        // (`default/StatefulSet/redis`), so each can be named.
        let mut ids: HashMap<String, usize> = HashMap::default();
        for (r, _) in &defs {
            *ids.entry(r.id.clone()).or_default() += 1;
        }
        for (r, d) in &mut defs {
            if ids.get(&r.id).is_some_and(|&n| n > 1) {
                if let Some(w) = &d.workload {
                    r.id = w.to_string();
                }
            }
        }
        defs.sort_by(|a, b| a.0.id.cmp(&b.0.id));
        for (resource, defined) in defs {
            let i = self.resources.len();
            if let Some(id) = &defined.workload {
                self.by_workload.insert(id.clone(), i);
            }
            if let Some(file) = &defined.compose {
                self.by_compose.entry(file.clone()).or_default().push(i);
            }
            if let Some(ns) = &resource.namespace {
                self.by_namespace.entry(ns.clone()).or_default().push(i);
                for (secret, key) in &defined.password_secrets {
                    self.by_secret
                        .entry((ns.clone(), secret.clone(), key.clone()))
                        .or_default()
                        .push(i);
                }
                for (k, v) in &defined.pod_labels {
                    self.label_index
                        .entry((ns.clone(), k.clone(), v.clone()))
                        .or_default()
                        .push(i);
                }
            }
            self.resources.push(resource);
            self.defined.push(defined);
        }
    }

    fn define(&self, w: &Workload) -> (Resource, Defined) {
        let server = w.server.clone().unwrap_or_default();
        let compose = match (&w.id.kind, &w.scope) {
            (ConsumerKind::Kube(_), _) => None,
            (_, Scope::Compose(file)) => Some(file.clone()),
            _ => w.id.file.clone(),
        };
        let id = match (&w.id.namespace, &compose) {
            (Some(ns), _) => format!("{ns}/{}", w.id.name),
            (None, Some(file)) => format!("{file}#{}", w.id.name),
            (None, None) => w.id.to_string(),
        };
        let resource = Resource {
            id,
            kind: "redis",
            name: w.id.name.clone(),
            namespace: w.id.namespace.clone(),
            aliases: Vec::new(),
            defined_by: Some(w.defined_at.clone()),
            owner: self.opts.owner(&w.labels),
            port: server.port,
            tls_port: server.tls_port,
            unixsocket: server.unixsocket.as_deref().map(str::to_string),
            requires_auth: server.requires_auth,
            auth_origin: server.auth_origin.clone(),
            config_unread: server.config_unread,
            tls_addresses: Vec::new(),
            external: false,
            consumers: Vec::new(),
        };
        let defined = Defined {
            workload: Some(w.id.clone()),
            pod_labels: w.pod_labels.clone(),
            password_secrets: server.password_secrets.clone(),
            compose,
            window: None,
            used_ports: Vec::new(),
            fronted: false,
            written: Vec::new(),
            sentinel: server.sentinel,
        };
        (resource, defined)
    }

    /// Kubernetes resources in `ns` whose pods carry every label of `selector`.
    fn selected(&self, ns: &str, selector: &BTreeMap<String, String>) -> Vec<usize> {
        // Labels the StatefulSet controller puts on each pod (redis-ha's
        // per-pod "announce" Services select on them): `<name>-<ordinal>`.
        let pod = selector.get(POD_NAME_LABEL).map(String::as_str);
        let of_pod = |i: usize| {
            pod.is_none_or(|p| {
                p.strip_prefix(self.resources[i].name.as_str())
                    .and_then(|rest| rest.strip_prefix('-'))
                    .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            })
        };
        if selector
            .keys()
            .any(|k| PER_POD_LABELS.contains(&k.as_str()))
        {
            let rest: BTreeMap<String, String> = selector
                .iter()
                .filter(|(k, _)| !PER_POD_LABELS.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            return self
                .selected(ns, &rest)
                .into_iter()
                .filter(|&i| of_pod(i))
                .collect();
        }
        let Some((k, v)) = selector.iter().next() else {
            return self.in_namespace(ns);
        };
        let Some(candidates) = self
            .label_index
            .get(&(ns.to_string(), k.clone(), v.clone()))
        else {
            return Vec::new();
        };
        candidates
            .iter()
            .copied()
            .filter(|&i| {
                selector
                    .iter()
                    .all(|(k, v)| self.defined[i].pod_labels.get(k) == Some(v))
            })
            .collect()
    }

    fn in_namespace(&self, ns: &str) -> Vec<usize> {
        // (an empty selector after removing per-pod labels: every resource
        // in the namespace, narrowed by the pod name)
        self.by_namespace.get(ns).cloned().unwrap_or_default()
    }

    /// Builds the name index: Services, pod IPs, backends, ExternalNames, compose names.
    fn index_names(&mut self) {
        let domain = self.opts.cluster_domain.trim_matches('.').to_string();
        let mut selectorless: HashMap<(&str, &str), &Service> = HashMap::default();
        let mut external_names: Vec<&Service> = Vec::new();

        for svc in self.facts.services.clone() {
            if svc.external_name.is_some() {
                external_names.push(svc);
                continue;
            }
            let selector = match &svc.selector {
                Some(sel) if !sel.is_empty() => sel,
                _ => {
                    selectorless.insert((&svc.namespace, &svc.name), svc);
                    continue;
                }
            };
            let mut selected = self.selected(&svc.namespace, selector);
            // A Service whose every port leads to another container of the
            // Redis's pods (`cache-metrics` → the exporter's 9121) is no
            // name of that Redis.
            if svc.to_side_containers {
                selected.clear();
            }
            let Some(&first) = selected.first() else {
                for name in service_names(&svc.namespace, &svc.name, &domain) {
                    self.plain_services.insert(name, svc);
                }
                continue;
            };
            if selected.len() > 1 {
                let ids: Vec<&str> = selected
                    .iter()
                    .map(|&i| self.resources[i].id.as_str())
                    .collect();
                let message = format!(
                    "Service {}/{} selects several Redis workloads ({}); its names are taken to mean {}",
                    svc.namespace,
                    svc.name,
                    ids.join(", "),
                    ids[0]
                );
                // A headless Service over a primary and its replicas (every
                // Bitnami replication chart) is how pods are named, not an
                // address clients share: for the record, not a warning.
                let diagnostic = if svc.headless {
                    Diagnostic::info("service-ambiguous", message)
                } else {
                    Diagnostic::warning("service-ambiguous", message)
                };
                self.diagnostics.push(at(diagnostic, &svc.defined_at));
            }
            // A headless Service's name resolves to the pod IPs: clients
            // reach the server port as written, with no Service in between.
            // A Service port that leads to the server's TLS port: the
            // address to give clients of this Redis that go through Services.
            if !svc.headless {
                let res = &mut self.resources[first];
                if let Some(tls) = res.tls_port {
                    if let Some(p) = svc
                        .ports
                        .iter()
                        .find(|p| p.target_port.unwrap_or(p.port) == tls)
                    {
                        res.tls_addresses.push((
                            format!("{}/{}", svc.namespace, svc.name),
                            format!("{}.{}:{}", svc.name, svc.namespace, p.port),
                        ));
                    }
                }
            }
            let route = if svc.headless {
                Route::direct(Target::Resource(first))
            } else {
                Route {
                    target: Target::Resource(first),
                    service: Some(format!("{}/{}", svc.namespace, svc.name)),
                    ports: Some(Arc::new(svc.ports.clone())),
                }
            };
            self.add_service_names(svc, &domain, &route);
            if svc.headless {
                for &i in &selected {
                    let workload = self.resources[i].name.to_ascii_lowercase();
                    for name in service_names(&svc.namespace, &svc.name, &domain) {
                        self.names
                            .headless
                            .entry(name)
                            .or_default()
                            .push((workload.clone(), Route::direct(Target::Resource(i))));
                    }
                }
            }
        }

        // Pod IPs of Redis workloads name the server directly.
        let mut pod_ips: HashMap<String, &ConsumerId> = HashMap::default();
        for pod in &self.facts.pods {
            let ip = normalize(&pod.ip);
            pod_ips.entry(ip.clone()).or_insert(&pod.workload);
            if let Some(&i) = self.by_workload.get(&pod.workload) {
                if !pod.host_network {
                    self.names.add(ip, Route::direct(Target::Resource(i)));
                }
            }
        }

        // Services without selector: their Endpoints say where they lead.
        for be in self.facts.backends.clone() {
            let Some(svc) = selectorless
                .get(&(be.namespace.as_str(), be.service.as_str()))
                .copied()
            else {
                continue;
            };
            let mut addresses: Vec<String> = be.addresses.iter().map(|a| normalize(a)).collect();
            addresses.sort();
            addresses.dedup();
            let resource = addresses.iter().find_map(|a| {
                pod_ips
                    .get(a)
                    .and_then(|w| self.by_workload.get(*w))
                    .copied()
            });
            let target = match (resource, addresses.first()) {
                (Some(i), _) => Target::Resource(i),
                (None, Some(first)) => Target::External(first.clone()),
                (None, None) => continue,
            };
            if let Target::External(first) = &target {
                for a in &addresses {
                    self.names
                        .add(a.clone(), Route::direct(Target::External(first.clone())));
                }
            }
            let route = Route {
                target,
                service: Some(format!("{}/{}", svc.namespace, svc.name)),
                ports: Some(Arc::new(svc.ports.clone())),
            };
            self.add_service_names(svc, &domain, &route);
        }

        self.index_external_names(&external_names, &domain);

        for (i, d) in self.defined.iter().enumerate() {
            let Some(file) = &d.compose else { continue };
            let w = d.workload.as_ref().and_then(|id| self.workloads.get(id));
            let mut names = vec![self.resources[i].name.clone()];
            if let Some(w) = w {
                names.extend(w.aliases.iter().cloned());
            }
            for name in names {
                self.names
                    .compose
                    .entry((file.clone(), normalize(&name)))
                    .or_insert(i);
            }
        }

        // Every name a resource answers to, for the report and find_target.
        let mut aliases: Vec<Vec<String>> = vec![Vec::new(); self.resources.len()];
        for (name, route) in &self.names.global {
            if let Target::Resource(i) = route.target {
                aliases[i].push(name.clone());
            }
        }
        for ((_, name), &i) in &self.names.compose {
            aliases[i].push(name.clone());
        }
        for (resource, mut list) in self.resources.iter_mut().zip(aliases) {
            list.sort();
            list.dedup();
            resource.aliases = list;
        }
    }

    fn add_service_names(&mut self, svc: &Service, domain: &str, route: &Route) {
        for name in service_names(&svc.namespace, &svc.name, domain) {
            self.names.add(name, route.clone());
        }
        for ip in &svc.cluster_ips {
            let ip = normalize(ip);
            if !ip.is_empty() && ip != "none" {
                self.names.add(ip, route.clone());
            }
        }
    }

    /// ExternalName Services alias what their external name resolves to,
    /// through chains of other ExternalNames; a cycle is reported, not followed.
    fn index_external_names(&mut self, services: &[&Service], domain: &str) {
        let mut graph: DiGraph<usize, ()> = DiGraph::new();
        let nodes: Vec<NodeIndex> = (0..services.len()).map(|i| graph.add_node(i)).collect();
        let mut by_name: HashMap<String, NodeIndex> = HashMap::default();
        for (i, svc) in services.iter().enumerate() {
            for name in service_names(&svc.namespace, &svc.name, domain) {
                by_name.entry(name).or_insert(nodes[i]);
            }
        }
        let targets: Vec<String> = services
            .iter()
            .map(|s| normalize(s.external_name.as_deref().unwrap_or_default()))
            .collect();
        for (i, target) in targets.iter().enumerate() {
            if let Some(&to) = by_name.get(target) {
                graph.add_edge(nodes[i], to, ());
            }
        }
        // Tarjan yields strongly connected components targets-first, so a
        // chain is resolved from its end.
        for scc in tarjan_scc(&graph) {
            let cyclic = scc.len() > 1 || graph.contains_edge(scc[0], scc[0]);
            if cyclic {
                let mut members: Vec<String> = scc
                    .iter()
                    .map(|&n| {
                        let s = services[graph[n]];
                        format!("{}/{}", s.namespace, s.name)
                    })
                    .collect();
                members.sort();
                for &n in &scc {
                    let svc = services[graph[n]];
                    self.diagnostics.push(at(
                        Diagnostic::warning(
                            "externalname-cycle",
                            format!(
                                "ExternalName Service {}/{} is part of a cycle ({}); its names resolve to nothing",
                                svc.namespace,
                                svc.name,
                                members.join(" -> ")
                            ),
                        ),
                        &svc.defined_at,
                    ));
                }
                continue;
            }
            let i = graph[scc[0]];
            let svc = services[i];
            let target = &targets[i];
            if target.is_empty() || is_loopback(target) {
                continue;
            }
            let through = self.names.exact(target);
            // The Service that maps ports behind the chain, if any.
            let behind = through
                .as_ref()
                .filter(|r| r.ports.is_some())
                .and_then(|r| r.service.as_deref())
                .map(|s| match split_external_name(s) {
                    Some((_, behind)) => behind.unwrap_or(s).to_string(),
                    None => s.to_string(),
                });
            let service = match behind {
                Some(b) => format!("{}/{}{EXTERNAL_NAME} → {b})", svc.namespace, svc.name),
                None => format!("{}/{}{EXTERNAL_NAME})", svc.namespace, svc.name),
            };
            let route = Route {
                target: through
                    .as_ref()
                    .map(|r| r.target.clone())
                    .unwrap_or_else(|| Target::External(target.clone())),
                service: Some(service),
                ports: through.and_then(|r| r.ports),
            };
            for name in service_names(&svc.namespace, &svc.name, domain) {
                self.names.add(name, route.clone());
            }
        }
    }

    /// The external resource for `host`, created on first use.
    fn external(&mut self, written: &str) -> usize {
        let host = self.external_key(written);
        let i = self.external_at(&host);
        if host != written && !self.defined[i].written.iter().any(|w| w == written) {
            self.defined[i].written.push(written.to_string());
        }
        i
    }

    /// The external resource a host names, if there is one yet.
    fn external_of(&self, written: &str) -> Option<usize> {
        self.externals
            .get(self.external_key(written).as_ref())
            .copied()
    }

    /// The name an external resource is known by: an in-cluster DNS name
    /// without its `.svc` / `.svc.<cluster-domain>` suffix
    /// (`redis.platform.svc.cluster.local` → `redis.platform`), so every
    /// way of writing a Service that the scan does not define is one
    /// resource, as it is one Service; any other host as written.
    fn external_key<'h>(&self, host: &'h str) -> Cow<'h, str> {
        let domain = self.opts.cluster_domain.trim_matches('.');
        let full = format!(".svc.{domain}");
        let short = host
            .strip_suffix(full.as_str())
            .or_else(|| host.strip_suffix(".svc"));
        match short {
            Some(rest) if rest.contains('.') && !rest.starts_with('.') => Cow::Borrowed(rest),
            _ => Cow::Borrowed(host),
        }
    }

    fn external_at(&mut self, host: &str) -> usize {
        if let Some(&i) = self.externals.get(host) {
            return i;
        }
        let i = self.resources.len();
        self.resources.push(Resource {
            id: host.to_string(),
            kind: "redis",
            name: host.to_string(),
            namespace: None,
            aliases: Vec::new(),
            defined_by: None,
            owner: None,
            port: None,
            tls_port: None,
            unixsocket: None,
            requires_auth: false,
            auth_origin: None,
            config_unread: false,
            tls_addresses: Vec::new(),
            external: true,
            consumers: Vec::new(),
        });
        self.defined.push(Defined {
            workload: None,
            pod_labels: BTreeMap::new(),
            password_secrets: Vec::new(),
            compose: None,
            window: None,
            used_ports: Vec::new(),
            fronted: false,
            written: Vec::new(),
            sentinel: false,
        });
        self.externals.insert(host.to_string(), i);
        i
    }

    fn is_self(&self, resource: usize, consumer: &ConsumerId) -> bool {
        self.defined[resource].workload.as_ref() == Some(consumer)
    }

    fn draft(&mut self, resource: usize, id: Cow<'a, ConsumerId>) -> &mut Draft {
        let (opts, workloads, list) = (self.opts, &self.workloads, &mut self.draft_list);
        let i = *self
            .drafts
            .entry((resource, id))
            .or_insert_with_key(|(_, id)| {
                list.push((resource, new_draft(opts, workloads, id)));
                list.len() - 1
            });
        &mut self.draft_list[i].1
    }

    /// The workloads a Service selects (in its namespace, every label of
    /// its selector on their pods), in id order: worked out only when a
    /// consumer names a Service that selects no Redis (most Services of a
    /// cluster do not).
    fn selected_workloads(&mut self, svc: &Service) -> Vec<&'a Workload> {
        let Some(selector) = svc.selector.as_ref().filter(|s| !s.is_empty()) else {
            return Vec::new();
        };
        let workloads = &self.facts.workloads;
        let by_namespace = self.workloads_by_namespace.get_or_insert_with(|| {
            let mut index: HashMap<&'a str, Vec<&'a Workload>> = HashMap::default();
            for w in workloads.iter().copied() {
                if let Some(ns) = w.id.namespace.as_deref() {
                    index.entry(ns).or_default().push(w);
                }
            }
            index
        });
        let mut picked: Vec<&'a Workload> = by_namespace
            .get(svc.namespace.as_str())
            .into_iter()
            .flatten()
            .copied()
            .filter(|w| selector.iter().all(|(k, v)| w.pod_labels.get(k) == Some(v)))
            .collect();
        picked.sort_by(|a, b| a.id.cmp(&b.id));
        picked.dedup_by(|a, b| a.id == b.id);
        picked
    }

    /// The service of compose file `file` that answers to `host` (its name,
    /// container name, hostname or a network alias) and runs no Redis.
    fn compose_service(&mut self, file: &str, host: &str) -> Option<&'a Workload> {
        // Indexed once, when a first compose name is unresolved.
        let workloads = &self.facts.workloads;
        let index = self.compose_names.get_or_insert_with(|| {
            let mut index: HashMap<(String, String), &'a Workload> = HashMap::default();
            for &w in workloads {
                let Scope::Compose(f) = &w.scope else {
                    continue;
                };
                if w.server.is_some() {
                    continue;
                }
                for name in std::iter::once(&w.id.name).chain(&w.aliases) {
                    index
                        .entry((f.clone(), name.to_ascii_lowercase()))
                        .or_insert(w);
                }
            }
            index
        });
        index
            .get(&(file.to_string(), host.to_ascii_lowercase()))
            .copied()
    }

    /// A reference to a Unix socket that reaches no Redis: a
    /// `socket-unlinked` warning at its line, `why` said after the socket.
    fn socket_unlinked(&mut self, r: &Reference, why: &str) {
        self.diagnostics.push(at(
            Diagnostic::warning(
                "socket-unlinked",
                format!(
                    "{} names the Unix socket {}, {why}",
                    r.consumer, r.endpoint.host
                ),
            ),
            &r.evidence.origin,
        ));
    }

    /// The resource a reference to `host` (normalized), named by `route`,
    /// lands on; `None` for a server's reference to itself. Creates external
    /// resources and says which short names resolve to nothing.
    fn resolve(&mut self, r: &'a Reference, host: &str, route: Option<&Route>) -> Option<usize> {
        // `localhost` in a network the consumer shares with a Redis: that
        // Redis, even when it runs in the consumer's own pod (a container
        // beside it), and never another one of the same address.
        if let Some(on) = &r.same_network_as {
            let Some(&resource) = self.by_workload.get(&**on) else {
                if r.endpoint.is_socket() {
                    self.socket_unlinked(
                        r,
                        &format!("shared with {on}, which runs no Redis of the scanned sources: linked to none; scan the files that define {on}'s Redis"),
                    );
                    return None;
                }
                self.diagnostics.push(at(
                    Diagnostic::info(
                        "loopback-unlinked",
                        format!(
                            "{} names {host} in the network of {on}, which runs no Redis of the scanned sources: linked to none",
                            r.consumer
                        ),
                    ),
                    &r.evidence.origin,
                ));
                return None;
            };
            self.referencing.insert(&r.consumer);
            return Some(resource);
        }
        // A socket is a file: no name leads to it, only a volume shared with
        // the Redis that serves it, which the scanner found or did not.
        if r.endpoint.is_socket() {
            self.socket_unlinked(
                r,
                "and no Redis of the scanned sources is shown to serve that file (a Redis with `unixsocket` there, sharing the folder with it through a volume); linked to none: scan the Redis that serves it, or name it by host and port",
            );
            return None;
        }
        let resource = match route.map(|r| &r.target) {
            Some(Target::Resource(i)) => *i,
            Some(Target::External(h)) => {
                let h = h.clone();
                self.external(&h)
            }
            None => {
                let written = qualify(&r.scope, host);
                let qualified = self.external_key(&written).into_owned();
                if let Some(svc) = self.plain_services.get(&qualified).copied() {
                    if self.unresolved.insert(qualified.clone()) {
                        let backends = self.selected_workloads(svc);
                        let what = plain_service(svc, &backends);
                        let message = format!(
                            "`{host}` is {what}; it is kept as the external resource {qualified}, reached directly (verdicts do not follow the Service's port mapping)"
                        );
                        self.unresolved_notes.push(Unresolved {
                            qualified: qualified.clone(),
                            host: host.to_string(),
                            service: Some(format!("the Service {}/{}", svc.namespace, svc.name)),
                            backends,
                            note: at(
                                Diagnostic::info("name-unresolved", message),
                                &r.evidence.origin,
                            ),
                            origin: r.evidence.origin.clone(),
                        });
                    }
                } else if is_short(host) && self.unresolved.insert(qualified.clone()) {
                    let place = match &r.scope {
                        Scope::Namespace(ns) => format!("namespace {ns}"),
                        Scope::Compose(file) => format!("compose file {file}"),
                        Scope::None => "its config".to_string(),
                    };
                    // A compose service of that name that runs no Redis.
                    let backends: Vec<&'a Workload> = match &r.scope {
                        Scope::Compose(file) => {
                            self.compose_service(file, host).into_iter().collect()
                        }
                        _ => Vec::new(),
                    };
                    self.unresolved_notes.push(Unresolved {
                        qualified: qualified.clone(),
                        host: host.to_string(),
                        service: None,
                        backends,
                        note: at(
                            Diagnostic::info(
                                "name-unresolved",
                                format!(
                                    "`{host}` in {place} names no Redis in the scanned sources; it is kept as the external resource {qualified}"
                                ),
                            ),
                            &r.evidence.origin,
                        ),
                        origin: r.evidence.origin.clone(),
                    });
                }
                self.external(&written)
            }
        };
        if self.is_self(resource, &r.consumer) {
            return None;
        }
        self.referencing.insert(&r.consumer);
        Some(resource)
    }

    /// The link a reference makes to `resource`, and its `via` text.
    fn link(&self, r: &Reference, host: &str, route: Option<Route>, resource: usize) -> Linked {
        let port = r.endpoint.port_or_default();
        let res = &self.resources[resource];
        // A socket reaches no port: a port change or a TLS port is not its.
        let server_port = match r.endpoint.is_socket() {
            true => None,
            false => server_port(route.as_ref(), port, res.port, res.tls_port),
        };
        let tls = link_tls(r.endpoint.tls, server_port, res);
        let link = Link {
            endpoint: r.endpoint.clone(),
            service: route.and_then(|r| r.service),
            server_port,
            tls,
            evidence: r.evidence.clone(),
            // where the password lives, with its file and line when known
            credential: r.credential.as_ref().map(|c| match &c.origin {
                // Said once when the place already names it (`path:line`);
                // a place naming only the file (`env_file .env: REDIS_PASSWORD`)
                // still gets its line.
                Origin::File { path, line }
                    if *line > 0 && !c.location.contains(&format!("{path}:{line}")) =>
                {
                    format!("{} at {path}:{line}", c.location)
                }
                _ => c.location.clone(),
            }),
            credential_suspected: r.credential.as_ref().is_some_and(|c| c.suspected),
            port_origin: r.port_origin.clone(),
            proxy: None,
        };
        let via = match r.endpoint.port {
            Some(p) => format!("{host}:{p}"),
            // A path is case-sensitive: as written.
            None if r.endpoint.is_socket() => r.endpoint.host.clone(),
            None => host.to_string(),
        };
        (link, via, r.evidence.clone())
    }

    /// Adds each reference's link to its consumer under its resource. The
    /// links are grouped by consumer in order, each consumer's lists are
    /// built at their exact size in parallel, then added in order (one at
    /// a time this was 40 ms of one core for 16,000 references).
    fn attach_all(&mut self, refs: &[&'a Reference], links: Vec<Option<(usize, Linked)>>) {
        type Group<'r> = ((usize, &'r ConsumerId), Vec<(&'r Reference, Linked)>);
        let mut index: HashMap<(usize, &ConsumerId), usize> = HashMap::default();
        index.reserve(refs.len());
        let mut groups: Vec<Group<'a>> = Vec::with_capacity(refs.len());
        for (r, item) in refs.iter().zip(links) {
            let Some((resource, linked)) = item else {
                continue;
            };
            if self.resources[resource].external {
                let port = r.endpoint.port_or_default();
                self.defined[resource].used_ports.push((port, linked.0.tls));
            }
            let g = *index.entry((resource, &r.consumer)).or_insert_with(|| {
                groups.push(((resource, &r.consumer), Vec::new()));
                groups.len() - 1
            });
            groups[g].1.push((*r, linked));
        }
        let (opts, workloads) = (self.opts, &self.workloads);
        let drafts: Vec<((usize, &ConsumerId), Draft)> = groups
            .into_par_iter()
            .map(|(key, items)| {
                let mut draft = new_draft(opts, workloads, key.1);
                add_links(&mut draft.consumer, items);
                (key, draft)
            })
            .collect();
        self.drafts.reserve(drafts.len());
        self.draft_list.reserve(drafts.len());
        for ((resource, id), draft) in drafts {
            match self.drafts.entry((resource, Cow::Borrowed(id))) {
                std::collections::hash_map::Entry::Occupied(e) => {
                    let into = &mut self.draft_list[*e.get()].1.consumer;
                    let from = draft.consumer;
                    into.via.extend(from.via);
                    into.credentials.extend(from.credentials);
                    into.users.extend(from.users);
                    into.evidence.extend(from.evidence);
                    into.links.extend(from.links);
                }
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(self.draft_list.len());
                    self.draft_list.push((resource, draft));
                }
            }
        }
    }

    fn hint(&mut self, h: &'a Hint) {
        let targets: Vec<usize> = match &h.target {
            HintTarget::PodSelector { namespace, labels } => self.selected(namespace, labels),
            HintTarget::SecretKey {
                namespace,
                secret,
                key,
            } => {
                let sharing = self
                    .by_secret
                    .get(&(namespace.clone(), secret.clone(), key.clone()))
                    .cloned()
                    .unwrap_or_default();
                // A chart's one password Secret is read by its primary and
                // its replicas alike: a consumer linked by address to one
                // of them reads the password for that one, not the others.
                let linked = |&i: &usize| {
                    self.drafts
                        .get(&(i, Cow::Borrowed(&h.consumer)))
                        .is_some_and(|&d| !self.draft_list[d].1.consumer.links.is_empty())
                };
                if sharing.iter().any(linked) {
                    return;
                }
                sharing
            }
            HintTarget::AnyInScope(scope) => {
                // An unreadable Redis-named setting is explained by any
                // reference the consumer makes.
                if self.referencing.contains(&h.consumer) {
                    return;
                }
                let in_scope = match scope {
                    Scope::Namespace(ns) => self.in_namespace(ns),
                    Scope::Compose(file) => self.by_compose.get(file).cloned().unwrap_or_default(),
                    Scope::None => Vec::new(),
                };
                if in_scope.is_empty() {
                    // Nothing to pin it on: said, so a consumer is not lost
                    // without a word.
                    self.diagnostics.push(at(
                        Diagnostic::warning(
                            "redis-unattributed",
                            format!(
                                "{} may use a Redis, which one is unknown ({}); scan the object that holds the value",
                                h.consumer, h.evidence.detail
                            ),
                        ),
                        &h.evidence.origin,
                    ));
                }
                in_scope
            }
            HintTarget::Name { scope, host } => match self.names.lookup(scope, host) {
                Some(Route {
                    target: Target::Resource(i),
                    ..
                }) => vec![i],
                Some(Route {
                    target: Target::External(h),
                    ..
                }) => self.external_of(&h).into_iter().collect(),
                None => self
                    .external_of(&qualify(scope, &normalize(host)))
                    .into_iter()
                    .collect(),
            },
        };
        let mut evidence = h.evidence.clone();
        evidence.strength = Strength::Inferred;
        for i in targets {
            if self.is_self(i, &h.consumer) {
                continue;
            }
            self.draft(i, Cow::Borrowed(&h.consumer))
                .consumer
                .evidence
                .push(evidence.clone());
        }
    }

    /// A client of a Sentinel asks it for the primary, then connects to
    /// that primary: each consumer of a Sentinel the scan runs is also a
    /// consumer of the Redis that Sentinel is configured to watch (its own
    /// reference to it), with its evidence said to go through the Sentinel.
    fn through_sentinels(&mut self) {
        // consumer id → the resources it references
        let mut watched: HashMap<&ConsumerId, Vec<usize>> = HashMap::default();
        for (resource, id) in self.drafts.keys() {
            watched.entry(id.as_ref()).or_default().push(*resource);
        }
        let mut carried: Vec<(usize, usize, Draft)> = Vec::new();
        let mut unknown_primaries: Vec<(usize, usize)> = Vec::new();
        for (s, res) in self.resources.iter().enumerate() {
            let is_sentinel =
                self.defined[s].sentinel || res.port == Some(26379) || res.tls_port == Some(26379);
            let Some(ws) = self.defined[s].workload.as_ref().filter(|_| is_sentinel) else {
                continue;
            };
            let Some(primaries) = watched.get(ws) else {
                // Its clients ask it for a primary the scan cannot name.
                let clients = self
                    .draft_list
                    .iter()
                    .filter(|(r, d)| *r == s && !d.consumer.links.is_empty())
                    .count();
                if clients > 0 {
                    unknown_primaries.push((s, clients));
                }
                continue;
            };
            for &p in primaries
                .iter()
                .filter(|&&p| p != s && !self.resources[p].external)
            {
                for (i, (r, draft)) in self.draft_list.iter().enumerate() {
                    if *r != s || draft.consumer.links.is_empty() {
                        continue;
                    }
                    let c = &draft.consumer;
                    let note = |detail: &str| {
                        format!(
                            "through sentinel {} (which watches {}): {detail}",
                            res.id, self.resources[p].id
                        )
                    };
                    let mut copy = new_draft(self.opts, &self.workloads, &c.id);
                    copy.consumer.via = c.via.clone();
                    copy.consumer.credentials = c.credentials.clone();
                    copy.consumer.users = c.users.clone();
                    copy.consumer.links = c.links.clone();
                    for l in &mut copy.consumer.links {
                        l.evidence.detail = note(&l.evidence.detail);
                        l.service = Some(format!("sentinel {}", res.id));
                        // Its advice is the sentinel's: TLS to both.
                        l.endpoint.scheme = fallout_core::Scheme::Sentinel;
                    }
                    copy.consumer.evidence = c
                        .evidence
                        .iter()
                        .map(|e| Evidence {
                            detail: note(&e.detail),
                            ..e.clone()
                        })
                        .collect();
                    carried.push((p, i, copy));
                }
            }
        }
        for (s, clients) in unknown_primaries {
            let res = &self.resources[s];
            let said = format!(
                "the Sentinel {} has {clients} client(s), but which Redis it watches is not in the scanned sources (its `sentinel monitor` line is written at run time or in a file the scan does not have): those clients are consumers of that Redis too, and an impact on it does not list them; scan the Sentinel's sentinel.conf",
                res.id
            );
            let d = Diagnostic::warning("sentinel-primary-unknown", said);
            self.diagnostics.push(match &res.defined_by {
                Some(origin) => at(d, origin),
                None => d,
            });
        }
        for (p, i, copy) in carried {
            let id = self.draft_list[i].1.consumer.id.clone();
            if self.is_self(p, &id) {
                continue;
            }
            let d = self.draft(p, Cow::Owned(id));
            // Its own references to the primary, if any, stand beside.
            let c = &mut d.consumer;
            c.via.extend(copy.consumer.via);
            c.credentials.extend(copy.consumer.credentials);
            c.users.extend(copy.consumer.users);
            c.links.extend(copy.consumer.links);
            c.evidence.extend(copy.consumer.evidence);
        }
    }

    /// The resource a live client list was sampled from.
    fn live_server(&mut self, server: &str) -> usize {
        if let Some((host, port)) = split_host_port(server) {
            if let Some(route) = self.names.exact(&host) {
                match route.target {
                    Target::Resource(i) => {
                        let res = &self.resources[i];
                        let reached =
                            port.and_then(|p| server_port(Some(&route), p, res.port, res.tls_port));
                        let fits =
                            |p: Option<u16>| p.is_some() && (p == res.port || p == res.tls_port);
                        if port.is_none() || fits(port) || fits(reached) {
                            return i;
                        }
                    }
                    Target::External(h) => return self.external(&h),
                }
            }
            // A port-forward on localhost is not what configs call localhost.
            if !is_loopback(&host) {
                if let Some(i) = self.external_of(&host) {
                    return i;
                }
            }
        }
        // Any other name the report gives it: its id (`cache/redis`,
        // `compose.yaml#cache`), or an alias only one Redis of the scan
        // has (a compose service's `cache`, which no global name holds).
        let (host, port) = split_host_port(server).unwrap_or_else(|| (server.to_string(), None));
        let named: Vec<usize> = self
            .resources
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                !r.external
                    && (r.id == server || r.id == host || r.aliases.contains(&host))
                    // a port written must be one it serves
                    && (r.id == server || port.is_none_or(|p| r.port == Some(p) || r.tls_port == Some(p)))
            })
            .map(|(i, _)| i)
            .collect();
        if let [i] = named[..] {
            return i;
        }
        let key = normalize(server);
        if self.external_of(&key).is_none() {
            if named.len() > 1 {
                let ids: Vec<&str> = named
                    .iter()
                    .map(|&i| self.resources[i].id.as_str())
                    .collect();
                self.diagnostics.push(Diagnostic::warning(
                    "live-unmatched",
                    format!(
                        "the live clients of `{server}` are shown as a Redis of their own: `{host}` names several Redis of the scan ({}); name one by its id (`--redis ID=URL`)",
                        ids.join(", ")
                    ),
                ));
            } else {
                self.say_live_unmatched(server);
            }
        }
        self.external(&key)
    }

    /// Live clients that match no Redis of the scanned sources: said once per
    /// server, with the closest name, so a mistyped alias does not pass as a
    /// Redis of its own.
    fn say_live_unmatched(&mut self, server: &str) {
        let host = split_host_port(server).map_or_else(|| server.to_string(), |(h, _)| h);
        // `localhost` sampled is a port-forward to some Redis, not what a
        // config's `localhost` is (the app's own): said whenever the scan
        // has anything to match it with.
        if is_loopback(&host) && !self.resources.is_empty() {
            self.diagnostics.push(Diagnostic::warning(
                "live-unmatched",
                format!(
                    "the live clients of `{server}` are shown as a Redis of their own: a `localhost` URL is read as a port-forward, not as the `localhost` a config names (each app's own); name the Redis it forwards to as the scan does (`--redis NAME=URL`, NAME any of its aliases or its id)"
                ),
            ));
            return;
        }
        let closest = self
            .resources
            .iter()
            .filter(|r| !r.external)
            .map(|r| {
                let name = match &r.namespace {
                    Some(ns) => format!("{}.{ns}", r.name),
                    None => r.name.clone(),
                };
                (strsim::normalized_damerau_levenshtein(&host, &name), name)
            })
            .max_by(|a, b| a.0.total_cmp(&b.0));
        let Some((_, example)) = closest else {
            // Only live sources: nothing to match them with.
            return;
        };
        self.diagnostics.push(Diagnostic::warning(
            "live-unmatched",
            format!(
                "the live clients of `{server}` match no Redis of the scanned sources, so they are shown as a Redis of their own; if it is one of them, name it as the scan does (`--redis NAME=URL`, `--client-list NAME=FILE`, NAME any of its aliases, e.g. `{example}`)"
            ),
        ));
    }

    /// Widens the time a resource was sampled over to take in `first..last`.
    fn widen_window(&mut self, resource: usize, first: &str, last: &str) {
        let window = &mut self.defined[resource].window;
        *window = Some(match window.take() {
            None => (first.to_string(), last.to_string()),
            Some((from, to)) => (from.min(first.to_string()), to.max(last.to_string())),
        });
    }

    fn live(&mut self) {
        // Servers sampled with no client on them: resources all the same;
        // said once the clients of the resource's other servers (another
        // node of its cluster) are known.
        let mut quiet: Vec<(usize, String)> = Vec::new();
        for s in std::mem::take(&mut self.facts.sampled) {
            let resource = self.live_server(&s.server);
            let sampled = match &s.queried {
                Some(q) => format!("{q} (as {})", s.server),
                None => s.server.clone(),
            };
            let when = if s.first_seen.is_empty() {
                "in the saved CLIENT LIST".to_string()
            } else if s.first_seen == s.last_seen {
                format!("at {}", s.first_seen)
            } else {
                format!("between {} and {}", s.first_seen, s.last_seen)
            };
            quiet.push((
                resource,
                format!(
                    "{sampled}: no client was connected {when}{}",
                    if s.samples > 0 {
                        format!(" ({} sample(s))", s.samples)
                    } else {
                        String::new()
                    },
                ),
            ));
            self.widen_window(resource, &s.first_seen, &s.last_seen);
        }
        let clients = std::mem::take(&mut self.facts.clients);
        let mut seen: HashSet<usize> = HashSet::default();
        self.live_clients(&clients, &mut seen);
        for (resource, said) in quiet {
            let id = &self.resources[resource].id;
            self.diagnostics.push(Diagnostic::info(
                "live-no-clients",
                if seen.contains(&resource) {
                    format!("{said}; the clients of {id}'s other servers sampled are counted")
                } else {
                    format!("{said}, so no consumer of {id} was seen live")
                },
            ));
        }
    }

    /// Live clients, each to the consumer it is attributed to; `seen` gets
    /// the resources that have any.
    fn live_clients(&mut self, clients: &[&ClientObservation], seen: &mut HashSet<usize>) {
        if clients.is_empty() {
            return;
        }
        let pods = PodIndex::from_pods(self.facts.pods.iter().copied());
        let workloads: Vec<Workload> = self.facts.workloads.iter().map(|w| (*w).clone()).collect();
        for obs in clients {
            let resource = self.live_server(&obs.server);
            let mut who = attribute(obs, &pods, &workloads);
            let flags = obs.flags.as_deref().unwrap_or("");
            let replication = flags.contains('S') || flags.contains('M');
            if self.is_self(resource, &who.consumer) && !replication {
                // The Redis's own pod (a probe, an exporter in it): no
                // consumer. Named like it from elsewhere: kept, as a client.
                if who.how == AttributedBy::PodIp {
                    continue;
                }
                let ip = client_ip(&obs.addr);
                who = Attribution {
                    consumer: ConsumerId::client(&ip),
                    how: AttributedBy::Unattributed,
                    ambiguous: false,
                    detail: format!(
                        "its {} names {} itself, but no pod of it has IP {ip}: listed as a client of its own",
                        if who.how == AttributedBy::ClientName { "client name" } else { "ACL user" },
                        self.resources[resource].id
                    ),
                };
            }
            self.widen_window(resource, &obs.first_seen, &obs.last_seen);
            seen.insert(resource);
            let mut detail = vec![format!("client {}", obs.addr)];
            if let Some(name) = &obs.name {
                detail.push(format!("name `{name}`"));
            }
            if let Some(user) = &obs.user {
                detail.push(user_detail(user));
            }
            if let Some(lib) = &obs.lib_name {
                match &obs.lib_ver {
                    Some(ver) => detail.push(format!("lib {lib} {ver}")),
                    None => detail.push(format!("lib {lib}")),
                }
            }
            match obs.tls {
                Some(true) => detail.push("TLS".to_string()),
                Some(false) => detail.push("no TLS".to_string()),
                None => {}
            }
            detail.push(format!("{} sample(s)", obs.samples));
            // A pool of twenty is one observation: say how many.
            if obs.connections > 1 {
                detail.push(format!("{} connections", obs.connections));
            }
            let mut detail = format!("{}; {}", detail.join(", "), who.detail);
            if who.ambiguous {
                detail.push_str(" (attribution ambiguous)");
            }
            let evidence = Evidence::new(
                Strength::Observed,
                Origin::Live {
                    source: if obs.first_seen.is_empty() {
                        // a saved list (`--client-list`): no sampling times
                        format!("{} saved CLIENT LIST", obs.server)
                    } else {
                        // The server sampled, and the alias it was given.
                        let scheme = if obs.sampled_over_tls {
                            "rediss"
                        } else {
                            "redis"
                        };
                        let server = match &obs.queried {
                            Some(q) => format!("{scheme}://{q} (as {})", obs.server),
                            None => format!("{scheme}://{}", obs.server),
                        };
                        if obs.first_seen == obs.last_seen {
                            format!("{server} CLIENT LIST at {}", obs.first_seen)
                        } else {
                            format!("{server} CLIENT LIST {}..{}", obs.first_seen, obs.last_seen)
                        }
                    },
                },
                detail,
            );
            // A saved list does not know the server's ports; the manifests
            // may: the client's `laddr` port against them.
            let from_ports = || {
                let res = &self.resources[resource];
                let port = obs
                    .laddr
                    .as_deref()
                    .and_then(split_host_port)
                    .and_then(|(_, p)| p)?;
                if res.tls_port == Some(port) && res.port != Some(port) {
                    Some(Tls::Yes)
                } else if res.port == Some(port) && res.tls_port != Some(port) {
                    Some(Tls::No)
                } else {
                    None
                }
            };
            let tls = match obs.tls {
                Some(true) => Tls::Yes,
                Some(false) => Tls::No,
                None => from_ports().unwrap_or(Tls::Unknown),
            };
            let draft = self.draft(resource, Cow::Owned(who.consumer.clone()));
            draft.observed_tls = Some(draft.observed_tls.map_or(tls, |t| t.merge(tls)));
            if who.ambiguous {
                // a guess (host network, a node IP): said where people read
                let note = match who.how {
                    AttributedBy::ClientName | AttributedBy::AclUser => {
                        format!("attribution is a guess: {}; confirm which", who.detail)
                    }
                    _ => format!(
                        "attribution is a guess: {} is shared (several pods, host network or a node); confirm it",
                        client_ip(&obs.addr)
                    ),
                };
                if !draft.consumer.notes.contains(&note) {
                    draft.consumer.notes.push(note);
                }
            }
            let c = &mut draft.consumer;
            c.seen_over_tls |= tls == Tls::Yes;
            c.evidence.push(evidence);
            if let Some(user) = obs.user.as_deref().filter(|u| *u != "default") {
                c.users.push(user.to_string());
            }
            if replication {
                c.notes.push("replication link".to_string());
            }
        }
    }

    /// A Redis proxy (twemproxy, HAProxy, Envoy, a TLS tunnel…) passes its
    /// clients' commands on to the Redis it reaches itself. A name kept as
    /// an external resource that a scanned workload answers to (a Service
    /// selecting it, a compose service) is that workload's address; when the
    /// workload is itself a consumer of a Redis, each consumer of the name
    /// is carried to that Redis, its links marked as going through the
    /// proxy (`Link::proxy`: verdicts are the proxy's), and the name is left
    /// out of the inventory. A workload whose image is no proxy fallout
    /// knows is taken for one only as inferred evidence, and said so.
    fn through_proxies(&mut self) {
        let notes = std::mem::take(&mut self.unresolved_notes);
        // Names something scanned answers to: a proxy's address. A name
        // nothing answers to may be what a proxy reaches (its upstream).
        let names: HashSet<usize> = notes
            .iter()
            .filter(|n| !n.backends.is_empty())
            .filter_map(|n| self.externals.get(&n.qualified).copied())
            .collect();
        let backend_ids: HashSet<&ConsumerId> = notes
            .iter()
            .flat_map(|n| n.backends.iter().map(|w| &w.id))
            .collect();
        // Each backend's drafts with links, on resources that are no
        // proxy's name themselves (one hop only).
        let mut upstream: HashMap<&ConsumerId, Vec<(usize, usize)>> = HashMap::default();
        let mut on_name: HashMap<usize, Vec<usize>> = HashMap::default();
        for (i, (resource, draft)) in self.draft_list.iter().enumerate() {
            if names.contains(resource) {
                on_name.entry(*resource).or_default().push(i);
            } else if !draft.consumer.links.is_empty() {
                if let Some(id) = backend_ids.get(&draft.consumer.id) {
                    upstream.entry(id).or_default().push((*resource, i));
                }
            }
        }
        let mut carried: Vec<(usize, Consumer)> = Vec::new();
        for n in notes {
            let Some(&e) = self.externals.get(&n.qualified) else {
                self.diagnostics.push(n.note);
                continue;
            };
            let hops: Vec<(&Workload, usize, usize)> = n
                .backends
                .iter()
                .flat_map(|w| {
                    upstream
                        .get(&w.id)
                        .into_iter()
                        .flatten()
                        .map(move |&(r, i)| (*w, r, i))
                })
                .collect();
            if hops.is_empty() {
                self.diagnostics.push(n.note);
                continue;
            }
            self.defined[e].fronted = true;
            let users = on_name.get(&e).cloned().unwrap_or_default();
            let service = n
                .service
                .as_deref()
                .map(|s| format!(" ({s})"))
                .unwrap_or_default();
            let mut reached: Vec<&str> = Vec::new();
            for &(w, r, pi) in &hops {
                let proxy_id = w.id.to_string();
                let hop = &self.draft_list[pi].1.consumer;
                let hop_tls = hop.links.iter().map(|l| l.tls).reduce(Tls::merge);
                let hop_port = hop.links.iter().find_map(|l| l.server_port);
                let hop_strength = match &w.proxy {
                    Some(_) => hop
                        .links
                        .iter()
                        .map(|l| l.evidence.strength)
                        .min()
                        .map_or(Strength::Inferred, |s| s.max(Strength::Indirect)),
                    None => Strength::Inferred,
                };
                let what = match &w.proxy {
                    Some(name) => format!("the {name} proxy {proxy_id}"),
                    None => format!("{proxy_id}, taken to be a Redis proxy"),
                };
                let target = &self.resources[r].id;
                if !reached.contains(&target.as_str()) {
                    reached.push(target);
                }
                let carry = |e: &Evidence| Evidence {
                    strength: e.strength.max(hop_strength),
                    origin: e.origin.clone(),
                    detail: format!(
                        "through {what}{service}, which reaches {target}: {}",
                        e.detail
                    ),
                };
                for &ci in &users {
                    let c = &self.draft_list[ci].1.consumer;
                    if c.id == w.id || self.is_self(r, &c.id) {
                        continue;
                    }
                    let mut copy = Consumer::new(c.id.clone(), Strength::Inferred);
                    copy.via = c.via.clone();
                    copy.links = c
                        .links
                        .iter()
                        .map(|l| Link {
                            proxy: Some(proxy_id.clone()),
                            server_port: hop_port,
                            tls: hop_tls.unwrap_or(Tls::Unknown),
                            evidence: carry(&l.evidence),
                            ..l.clone()
                        })
                        .collect();
                    copy.evidence = c.evidence.iter().map(carry).collect();
                    carried.push((r, copy));
                }
            }
            let backends: Vec<String> = n.backends.iter().map(|w| w.id.to_string()).collect();
            let kind = match hops.iter().find_map(|(w, _, _)| w.proxy.as_deref()) {
                Some(name) => format!("a Redis proxy ({name})"),
                None => "taken to be a Redis proxy (inferred: a client of a Redis that others address as one, its image none fallout knows as a proxy)".to_string(),
            };
            self.diagnostics.push(at(
                Diagnostic::info(
                    "redis-proxy",
                    format!(
                        "`{}` is {}, {kind} that reaches {}: its consumers are counted as consumers of {} through it, each with the proxy's verdict",
                        n.host,
                        match &n.service {
                            Some(s) => format!("{s}, in front of {}", backends.join(", ")),
                            None => backends.join(", "),
                        },
                        reached.join(", "),
                        reached.join(", ")
                    ),
                ),
                &n.origin,
            ));
        }
        for (r, copy) in carried {
            let d = self.draft(r, Cow::Owned(copy.id.clone()));
            let c = &mut d.consumer;
            c.via.extend(copy.via);
            c.links.extend(copy.links);
            c.evidence.extend(copy.evidence);
        }
    }

    /// An external resource whose consumers reach one port both with TLS
    /// and without: a Redis port serves one or the other (a managed service
    /// migrating to TLS may take both), so one side may fail today, or a
    /// setting is out of sight: an info note, not a warning. Said once per port, at the
    /// plaintext link, citing a TLS one; the resource's ports say both.
    fn say_tls_disagreements(&mut self) {
        // (resource, port) → (a TLS link, a plaintext link): its consumer
        // and its place.
        type Side<'o> = Option<(&'o ConsumerId, &'o Origin)>;
        let mut seen: BTreeMap<(usize, u16), (Side<'_>, Side<'_>)> = BTreeMap::new();
        for (i, draft) in &self.draft_list {
            if !self.resources[*i].external || self.defined[*i].fronted {
                continue;
            }
            for l in &draft.consumer.links {
                // A link through a proxy reaches the server on the proxy's
                // own hop.
                let port = match l.proxy {
                    Some(_) => l.server_port,
                    None => l.endpoint.port.or(l.server_port),
                };
                let Some(port) = port else {
                    continue;
                };
                let entry = seen.entry((*i, port)).or_default();
                let side = (&draft.consumer.id, &l.evidence.origin);
                match l.tls {
                    Tls::Yes => {
                        entry.0.get_or_insert(side);
                    }
                    Tls::No => {
                        entry.1.get_or_insert(side);
                    }
                    Tls::Unknown => {}
                }
            }
        }
        let said: Vec<Diagnostic> = seen
            .into_iter()
            .filter_map(|((i, port), (yes, no))| {
                let ((with, yes), (without, no)) = (yes?, no?);
                Some(at(
                    Diagnostic::info(
                        "tls-disagreement",
                        format!(
                            "{} port {port} is reached without TLS by {without} (here) and with TLS by {with} (at {yes}): a Redis port serves one or the other (a managed service in a TLS migration mode may take both), so one of them may fail today, or a TLS setting is out of sight; check which before a TLS change",
                            self.resources[i].id
                        ),
                    ),
                    no,
                ))
            })
            .collect();
        self.diagnostics.extend(said);
    }

    fn finish(mut self) -> Inventory {
        // External resources: the ports consumers use.
        for (res, d) in self.resources.iter_mut().zip(&self.defined) {
            if !res.external {
                continue;
            }
            res.port = d
                .used_ports
                .iter()
                .filter(|(_, t)| *t != Tls::Yes)
                .map(|(p, _)| *p)
                .min();
            res.tls_port = d
                .used_ports
                .iter()
                .filter(|(_, t)| *t == Tls::Yes)
                .map(|(p, _)| *p)
                .min();
        }
        let mut external_aliases: HashMap<usize, Vec<String>> = HashMap::default();
        for (name, route) in &self.names.global {
            if let Target::External(h) = &route.target {
                if let Some(i) = self.external_of(h) {
                    if name != &self.resources[i].id {
                        external_aliases.entry(i).or_default().push(name.clone());
                    }
                }
            }
        }
        for (i, d) in self.defined.iter().enumerate() {
            if !d.written.is_empty() {
                external_aliases
                    .entry(i)
                    .or_default()
                    .extend(d.written.iter().cloned());
            }
        }
        for (i, mut list) in external_aliases {
            list.sort();
            list.dedup();
            self.resources[i].aliases = list;
        }

        self.say_tls_disagreements();
        let drafts: Vec<(usize, Consumer)> = std::mem::take(&mut self.draft_list)
            .into_par_iter()
            .map(|(i, draft)| (i, finish_consumer(draft)))
            .collect();
        for (i, mut c) in drafts {
            if let Some((first, last)) = &self.defined[i].window {
                if !c.evidence.iter().any(|e| e.strength == Strength::Observed) {
                    c.notes.push(if first.is_empty() {
                        "not in the saved client list".to_string()
                    } else {
                        format!("not seen connected between {first} and {last}")
                    });
                }
            }
            self.resources[i].consumers.push(c);
        }
        // A proxy's address is no Redis: its consumers were carried.
        if self.defined.iter().any(|d| d.fronted) {
            let mut fronted = self.defined.iter().map(|d| d.fronted);
            self.resources.retain(|_| !fronted.next().unwrap_or(false));
        }
        self.resources
            .par_iter_mut()
            .for_each(|res| res.consumers.sort_by_cached_key(|c| c.id.to_string()));
        self.resources.sort_by(|a, b| a.id.cmp(&b.id));
        self.diagnostics.sort();
        Inventory {
            resources: self.resources,
            diagnostics: self.diagnostics,
            documentation_checked: false,
        }
    }
}

/// What to say of a Service that selects no Redis workload, with the
/// workloads it does select ([`Builder::selected_workloads`]).
fn plain_service(svc: &Service, picked: &[&Workload]) -> String {
    match picked {
        [] => format!(
            "the Service {}/{}, whose selector matches no workload of the scan",
            svc.namespace, svc.name
        ),
        [one] => format!(
            "the Service {}/{}, which selects {}: its image and command are not ones fallout knows as a Redis server",
            svc.namespace, svc.name, one.id
        ),
        many => format!(
            "the Service {}/{}, which selects {}: their images and commands are not ones fallout knows as a Redis server",
            svc.namespace,
            svc.name,
            many.iter()
                .map(|w| w.id.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn finish_consumer(draft: Draft) -> Consumer {
    let mut c = draft.consumer;
    c.evidence.sort();
    c.evidence.dedup();
    for list in [&mut c.via, &mut c.credentials, &mut c.users] {
        list.sort();
        list.dedup();
    }
    c.notes.dedup();
    c.strength = c
        .evidence
        .iter()
        .map(|e| e.strength)
        .min()
        .unwrap_or(Strength::Inferred);
    let configured = c.links.iter().map(|l| l.tls).reduce(Tls::merge);
    c.tls = match (configured, draft.observed_tls) {
        (None, observed) => observed.unwrap_or(Tls::Unknown),
        (Some(Tls::Unknown), Some(observed)) => observed,
        (Some(configured), Some(Tls::Unknown) | None) => configured,
        (Some(configured), Some(observed)) => configured.merge(observed),
    };
    if c.only_observed() && !c.evidence.is_empty() {
        c.notes.insert(0, "not in any config".to_string());
    }
    c
}

/// Whether one link uses TLS: what the consumer wrote, else what the port it
/// reaches says.
fn link_tls(written: Tls, server_port: Option<u16>, res: &Resource) -> Tls {
    if written != Tls::Unknown {
        return written;
    }
    if res.external {
        return Tls::Unknown;
    }
    match server_port {
        Some(p) if Some(p) == res.tls_port => Tls::Yes,
        // A plain-text-only port: the server listens without TLS there.
        Some(p) if Some(p) == res.port => Tls::No,
        _ => Tls::Unknown,
    }
}

fn at(d: Diagnostic, origin: &Origin) -> Diagnostic {
    d.at_origin(origin)
}

/// A consumer with nothing linked yet: its owner and profiles from its
/// workload.
fn new_draft(
    opts: &Options,
    workloads: &HashMap<&ConsumerId, &Workload>,
    id: &ConsumerId,
) -> Draft {
    let workload = workloads.get(id).copied();
    Draft {
        consumer: Consumer {
            owner: workload.and_then(|w| opts.owner(&w.labels)),
            profiles: workload.map(|w| w.profiles.clone()).unwrap_or_default(),
            ..Consumer::new(id.clone(), Strength::Inferred)
        },
        observed_tls: None,
    }
}

/// A consumer's links, each with its `via`, evidence, credential and user,
/// in order, into lists of their exact size.
fn add_links(c: &mut Consumer, items: Vec<(&Reference, Linked)>) {
    let n = items.len();
    c.via.reserve_exact(n);
    c.evidence.reserve_exact(n);
    c.links.reserve_exact(n);
    for (r, (link, via, evidence)) in items {
        c.via.push(via);
        if let Some(cred) = &link.credential {
            c.credentials.push(cred.clone());
        }
        if let Some(user) = &r.endpoint.user {
            c.users.push(user.clone());
        }
        c.evidence.push(evidence);
        c.links.push(link);
    }
}

/// How a live observation's evidence names the ACL user it was seen as:
/// `impact` finds a consumer's observations as one user by it.
pub(crate) fn user_detail(user: &str) -> String {
    format!("user `{user}`")
}

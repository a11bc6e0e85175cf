//! KEDA scalers (`keda.sh/v1alpha1`, `ScaledObject` / `ScaledJob`) with a
//! Redis trigger (`redis`, `redis-streams`, `redis-cluster`,
//! `redis-sentinel`, and their `-streams`): the KEDA operator connects to
//! the Redis to read a list or stream, so the scaler is a consumer of its
//! own, named by its kind and name. Its address is written in the trigger
//! (`address`, `host` + `port`), or read from the environment of the
//! workload it scales (`addressFromEnv`…), or from a TriggerAuthentication;
//! its password from the environment or a TriggerAuthentication.

use super::{Copies, Looked};
use crate::k8s::{owner_labels, Ctx, EnvVar, Obj};
use crate::settings::{self, KeyValue};
use crate::yaml::Node;
use crate::Scanned;
use fallout_core::endpoint::is_loopback;
use fallout_core::{
    ConsumerId, Credential, Diagnostic, Evidence, Fact, Hint, HintTarget, Origin, Scheme, Scope,
    Strength, Tls, Workload,
};
use foldhash::HashMap;
use std::collections::BTreeMap;

/// Whether `o` is a KEDA ScaledObject or ScaledJob.
pub(super) fn is_scaler(o: &Obj<'_>) -> bool {
    matches!(o.kind, "ScaledObject" | "ScaledJob") && is_keda(o)
}

fn is_keda(o: &Obj<'_>) -> bool {
    o.root
        .str_at(&["apiVersion"])
        .is_some_and(|v| v.starts_with("keda.sh/"))
}

/// A Redis scaler of KEDA's, whatever its topology or data type.
fn is_redis_trigger(kind: &str) -> bool {
    let kind = kind.to_ascii_lowercase();
    kind == "redis" || kind.starts_with("redis-")
}

/// What a scaler scales, whose environment `*FromEnv` names.
enum Target<'i, 'a> {
    /// A ScaledObject's `scaleTargetRef`, among the scanned workloads.
    Workload {
        obj: &'i Obj<'a>,
        /// `envSourceContainerName`, else the first container.
        container: Option<&'a str>,
    },
    /// A ScaledObject's `scaleTargetRef` that the scan does not hold.
    Missing { kind: &'a str, name: &'a str },
    /// A ScaledJob's own `jobTargetRef` pod template (`spec` is its pod
    /// spec, in the copy `obj`).
    Job {
        obj: &'i Obj<'a>,
        spec: Option<&'a Node<'a>>,
        container: Option<&'a str>,
    },
}

impl Target<'_, '_> {
    /// `scales Deployment worker`, for the evidence.
    fn says(&self) -> String {
        match self {
            Target::Workload { obj, .. } => format!("scales {} {}", obj.kind, obj.name),
            Target::Missing { kind, name } => format!("scales {kind} {name}"),
            Target::Job { .. } => "runs the Jobs of its jobTargetRef".to_string(),
        }
    }
}

/// An environment variable of the target as KEDA resolves it.
enum FromEnv<'v> {
    /// Set, with the container that sets it.
    Set(&'v EnvVar, &'v str),
    /// Not set by name, but a source whose keys the scan cannot see
    /// (`envFrom` of an object outside it) may set it.
    Maybe(&'v EnvVar, &'v str),
    /// The container does not set it.
    Unset,
    /// No container to read: the target is not in the scan.
    NoTarget,
}

/// The environment of the target's container, read once per scaler.
struct TargetEnv<'a> {
    /// (container name, its variables) for the container KEDA reads and
    /// for any other a TriggerAuthentication's `env` names.
    containers: Vec<(&'a str, Vec<EnvVar>)>,
    /// The container `*FromEnv` reads.
    source: Option<&'a str>,
    /// `container worker of jobs/Deployment/worker`, for messages.
    label: String,
}

impl<'a> TargetEnv<'a> {
    fn read<'i>(ctx: &Ctx<'i, 'a>, target: &Target<'i, 'a>) -> TargetEnv<'a> {
        let (obj, spec, wanted) = match target {
            Target::Workload { obj, container } => (Some(*obj), obj.pod.map(|p| p.0), *container),
            Target::Job {
                obj,
                spec,
                container,
            } => (Some(*obj), *spec, *container),
            Target::Missing { .. } => (None, None, None),
        };
        let list = spec
            .and_then(|s| s.get("containers"))
            .map(Node::as_seq)
            .unwrap_or_default();
        let chosen = match wanted {
            Some(name) => list.iter().find(|c| c.str_at(&["name"]) == Some(name)),
            None => list.first(),
        };
        let mut out = TargetEnv {
            containers: Vec::new(),
            source: None,
            label: String::new(),
        };
        if let (Some(obj), Some(container)) = (obj, chosen) {
            let name = container.str_at(&["name"]).unwrap_or("?");
            out.label = format!("container {name} of {}", obj.label());
            out.source = Some(name);
            out.containers.push((name, ctx.env_of(obj, container)));
            // The others too: a TriggerAuthentication's `env` may name one.
            for c in list.iter().filter(|c| !std::ptr::eq(*c, container)) {
                if let Some(n) = c.str_at(&["name"]) {
                    out.containers.push((n, ctx.env_of(obj, c)));
                }
            }
        }
        out
    }

    /// Variable `name` of `container` (the source container by default).
    fn get(&self, name: &str, container: Option<&str>) -> FromEnv<'_> {
        let Some(wanted) = container.or(self.source) else {
            return FromEnv::NoTarget;
        };
        let Some((c, vars)) = self.containers.iter().find(|(c, _)| *c == wanted) else {
            return FromEnv::Unset;
        };
        if let Some(v) = vars.iter().rev().find(|v| v.name == name) {
            return FromEnv::Set(v, c);
        }
        match vars.iter().find(|v| {
            v.value.is_none()
                && v.name
                    .strip_suffix('*')
                    .is_some_and(|p| name.starts_with(p))
        }) {
            Some(v) => FromEnv::Maybe(v, c),
            None => FromEnv::Unset,
        }
    }
}

/// A TriggerAuthentication's parameter (`password`, `username`, `tls`,
/// `address`…) and where its value comes from.
struct Param {
    name: String,
    value: Option<String>,
    origin: Origin,
    via: String,
}

/// A scaler's TriggerAuthentication, as far as the scan holds it.
enum Auth {
    /// None named.
    None,
    /// Named and in the scan: its parameters.
    Params(Vec<Param>),
    /// Named, not among the scanned objects: it may give a password or
    /// TLS. Says which.
    Missing(String),
}

impl Auth {
    fn param(&self, name: &str) -> Option<&Param> {
        match self {
            Auth::Params(list) => list
                .iter()
                .rev()
                .find(|p| p.name.eq_ignore_ascii_case(name)),
            _ => None,
        }
    }
}

pub(super) fn scan(ctx: &Ctx<'_, '_>, scalers: &[Copies<'_, '_>], out: &mut Scanned) {
    // The workloads a ScaledObject may scale, by namespace, kind and name.
    let workloads: HashMap<(&str, &str, &str), &Obj<'_>> = ctx
        .workloads
        .iter()
        .filter(|(w, _, _)| !w.patch)
        .map(|(w, _, _)| ((w.ns, w.kind, w.name), w))
        .collect();
    for s in scalers {
        let o = s.object();
        let Some((file, triggers)) = s.field(&["spec", "triggers"]) else {
            continue;
        };
        let redis: Vec<&Node<'_>> = triggers
            .as_seq()
            .iter()
            .filter(|t| t.str_at(&["type"]).is_some_and(is_redis_trigger))
            .collect();
        if redis.is_empty() {
            continue;
        }
        let id = ConsumerId::kube(o.ns, o.kind, o.name);
        out.facts.push(Fact::Workload(workload(o, &id)));
        let target = target(&workloads, s);
        let env = TargetEnv::read(ctx, &target);
        for trigger in redis {
            let kind = trigger.str_at(&["type"]).unwrap_or("redis");
            let label = format!(
                "KEDA trigger {kind} of {} {}/{} ({})",
                o.kind,
                o.ns,
                o.name,
                target.says()
            );
            let auth = auth(ctx, o.ns, trigger, &env);
            let reading = Reading {
                file,
                trigger,
                label: &label,
                env: &env,
                auth: &auth,
                job: matches!(target, Target::Job { .. }),
                id: &id,
                scope: Scope::Namespace(o.ns.to_string()),
                target: &target,
            };
            reading.read(kind, out);
        }
    }
}

/// The scaler as a workload: no pods of its own (nothing selects it), its
/// labels for its owner.
fn workload(o: &Obj<'_>, id: &ConsumerId) -> Workload {
    Workload {
        id: id.clone(),
        pod_labels: BTreeMap::new(),
        labels: owner_labels(o),
        defined_at: o.defined_at(),
        server: None,
        aliases: Vec::new(),
        scope: Scope::Namespace(o.ns.to_string()),
        profiles: Vec::new(),
        proxy: None,
    }
}

fn target<'i, 'a>(
    workloads: &HashMap<(&str, &str, &str), &'i Obj<'a>>,
    s: &Copies<'i, 'a>,
) -> Target<'i, 'a> {
    let o = s.object();
    let str_field = |path: &[&str]| s.field(path).and_then(|(_, n)| n.as_str());
    if o.kind == "ScaledJob" {
        let job = s.field(&["spec", "jobTargetRef"]);
        return Target::Job {
            obj: job.map_or(o, |(copy, _)| copy),
            spec: job.and_then(|(_, j)| j.at(&["template", "spec"])),
            container: str_field(&["spec", "envSourceContainerName"]),
        };
    }
    let kind = str_field(&["spec", "scaleTargetRef", "kind"]).unwrap_or("Deployment");
    let name = str_field(&["spec", "scaleTargetRef", "name"]).unwrap_or("");
    match workloads.get(&(o.ns, kind, name)) {
        Some(w) => Target::Workload {
            obj: w,
            container: str_field(&["spec", "scaleTargetRef", "envSourceContainerName"]),
        },
        None => Target::Missing { kind, name },
    }
}

/// The TriggerAuthentication (or ClusterTriggerAuthentication) a trigger
/// names, with the parameters it gives.
fn auth(ctx: &Ctx<'_, '_>, ns: &str, trigger: &Node<'_>, env: &TargetEnv<'_>) -> Auth {
    let Some(name) = trigger.str_at(&["authenticationRef", "name"]) else {
        return Auth::None;
    };
    let kind = trigger
        .str_at(&["authenticationRef", "kind"])
        .unwrap_or("TriggerAuthentication");
    let cluster = kind == "ClusterTriggerAuthentication";
    let label = if cluster {
        format!("{kind} {name}")
    } else {
        format!("{kind} {ns}/{name}")
    };
    let Some(a) = ctx
        .objs
        .iter()
        .rev()
        .find(|o| o.kind == kind && o.name == name && (cluster || o.ns == ns) && is_keda(o))
    else {
        return Auth::Missing(label);
    };
    let spec = a.root.get("spec");
    let list = |field: &str| {
        spec.and_then(|s| s.get(field))
            .map(Node::as_seq)
            .unwrap_or_default()
    };
    let mut params = Vec::new();
    for (field, is_secret) in [("secretTargetRef", true), ("configMapTargetRef", false)] {
        for item in list(field) {
            let (Some(p), Some(obj), Some(key)) = (
                item.str_at(&["parameter"]),
                item.str_at(&["name"]),
                item.str_at(&["key"]),
            ) else {
                continue;
            };
            let at_item = Origin::file(a.path, item.line);
            let via = format!("{label} parameter {p} <- {field}");
            let (value, origin, via) = if cluster {
                // In KEDA's own namespace, which the scan does not know.
                (
                    None,
                    at_item,
                    format!("{via} {obj} key {key} (in the KEDA operator's namespace)"),
                )
            } else {
                let via = format!("{via} {ns}/{obj} key {key}");
                let looked = if is_secret {
                    Looked::secret(ctx, ns, obj, key)
                } else {
                    Looked::config_map(ctx, ns, obj, key)
                };
                match looked {
                    Looked::Found(value, origin) => (value, origin, via),
                    missing => (None, at_item, format!("{via} ({})", missing.why())),
                }
            };
            params.push(Param {
                name: p.to_string(),
                value,
                origin,
                via,
            });
        }
    }
    for item in list("env") {
        let (Some(p), Some(var)) = (item.str_at(&["parameter"]), item.str_at(&["name"])) else {
            continue;
        };
        let at_item = Origin::file(a.path, item.line);
        let via = format!("{label} parameter {p} <- env {var}");
        let (value, origin, via) = match env.get(var, item.str_at(&["containerName"])) {
            FromEnv::Set(v, c) => (
                v.value.clone(),
                v.origin.clone(),
                format!("{via}: {} (container {c})", v.via),
            ),
            _ => (None, at_item, format!("{via} (not set)")),
        };
        params.push(Param {
            name: p.to_string(),
            value,
            origin,
            via,
        });
    }
    // Secrets of a store outside the cluster: there, not readable here.
    for store in [
        "hashiCorpVault",
        "azureKeyVault",
        "awsSecretManager",
        "gcpSecretManager",
    ] {
        for item in spec
            .and_then(|s| s.at(&[store, "secrets"]))
            .map(Node::as_seq)
            .unwrap_or_default()
        {
            if let Some(p) = item.str_at(&["parameter"]) {
                params.push(Param {
                    name: p.to_string(),
                    value: None,
                    origin: Origin::file(a.path, item.line),
                    via: format!("{label} parameter {p} <- {store}"),
                });
            }
        }
    }
    Auth::Params(params)
}

/// One Redis trigger being read.
struct Reading<'r, 'i, 'a> {
    /// The copy whose `spec.triggers` is read (its file has the lines).
    file: &'i Obj<'a>,
    trigger: &'a Node<'a>,
    label: &'r str,
    env: &'r TargetEnv<'a>,
    auth: &'r Auth,
    /// A ScaledJob: the environment is its own pod template's.
    job: bool,
    id: &'r ConsumerId,
    scope: Scope,
    target: &'r Target<'i, 'a>,
}

/// What a trigger parameter came to.
enum Value {
    /// A setting to give the endpoint finder.
    Setting(KeyValue),
    /// Named, its value out of sight: said (hint or diagnostic) already.
    Unknown,
}

/// A cluster's `hosts` and `ports` (comma lists, in order) as one
/// `address` setting of `host:port` pairs.
fn pairs(mut hosts: KeyValue, ports: &KeyValue) -> KeyValue {
    let list: Vec<&str> = ports.value.split(',').map(str::trim).collect();
    let last = list.last().copied().unwrap_or("");
    hosts.value = hosts
        .value
        .split(',')
        .map(str::trim)
        .zip(list.iter().copied().chain(std::iter::repeat(last)))
        .map(|(h, p)| format!("{h}:{p}"))
        .collect::<Vec<_>>()
        .join(",");
    let ports_key = ports.via.rsplit(' ').next().unwrap_or("ports");
    hosts.via = format!("{} + {ports_key}", hosts.via);
    hosts.key = "address".into();
    hosts
}

/// A parameter a TriggerAuthentication gives, as the setting `as_key`.
fn auth_setting(p: &Param, as_key: &str) -> Value {
    match &p.value {
        Some(value) => Value::Setting(KeyValue {
            key: as_key.to_string(),
            value: value.clone(),
            origin: p.origin.clone(),
            strength: Strength::Indirect,
            via: p.via.clone(),
        }),
        None => Value::Unknown,
    }
}

impl<'a> Reading<'_, '_, 'a> {
    fn read(&self, kind: &str, out: &mut Scanned) {
        let Some(mut kvs) = self.address(out) else {
            return;
        };
        let tls_known = self.tls(&mut kvs);
        let suspected = self.password(&mut kvs);
        self.user_and_db(&mut kvs);
        let sentinel = kind.to_ascii_lowercase().contains("sentinel");
        let master = sentinel.then(|| self.master()).flatten();
        for mut f in settings::find_endpoints(&kvs) {
            let host = f.endpoint.host.clone();
            if f.endpoint.is_socket() || settings::is_unexpanded(&host) || host.is_empty() {
                continue;
            }
            if is_loopback(&host) {
                out.diagnostics.push(
                    Diagnostic::info(
                        "loopback-unlinked",
                        format!(
                            "{} names {}, the KEDA operator's own network (it connects from its own pod, not from the workload it scales): linked to none",
                            f.evidence.detail,
                            f.endpoint.address()
                        ),
                    )
                    .at_origin(&f.evidence.origin),
                );
                continue;
            }
            if let Some(said) = self.short_host(&host, &f.evidence.detail) {
                out.diagnostics.push(said.at_origin(&f.evidence.origin));
            }
            if sentinel {
                f.endpoint.scheme = Scheme::Sentinel;
                f.endpoint.sentinel_master = master.clone();
            }
            if tls_known && f.endpoint.tls == Tls::Unknown {
                f.endpoint.tls = Tls::No;
                f.evidence.detail += " (no enableTLS: KEDA connects in plaintext)";
            }
            if let (None, Some((location, origin))) = (&f.credential, &suspected) {
                f.credential = Some(Credential {
                    location: location.clone(),
                    origin: origin.clone(),
                    suspected: true,
                });
            }
            out.facts.push(Fact::Reference(f.into_reference(
                self.id,
                &self.scope,
                None,
            )));
        }
    }

    /// A trigger metadata value, when written and not blank.
    fn literal(&self, key: &str) -> Option<&'a Node<'a>> {
        self.trigger
            .get("metadata")?
            .get(key)
            .filter(|n| n.as_str().is_some_and(|v| !v.trim().is_empty()))
    }

    /// A parameter as KEDA looks for it: a TriggerAuthentication's, the
    /// trigger's own, then the target's environment (`<name>FromEnv`).
    fn param(&self, names: &[&str], as_key: &str, out: &mut Scanned) -> Option<Value> {
        if let Some(p) = names.iter().find_map(|name| self.auth.param(name)) {
            return Some(auth_setting(p, as_key));
        }
        for name in names {
            if let Some(node) = self.literal(name) {
                return Some(Value::Setting(KeyValue {
                    key: as_key.to_string(),
                    value: node.as_str().unwrap_or("").to_string(),
                    origin: Origin::file(self.file.path, node.line),
                    strength: Strength::Explicit,
                    via: format!("{} metadata {name}", self.label),
                }));
            }
        }
        names.iter().find_map(|name| {
            let from = format!("{name}FromEnv");
            let node = self.literal(&from)?;
            Some(self.env_setting(&from, node, as_key, out))
        })
    }

    /// The address settings (an address, else a host and a port); `None`
    /// when there is none to read, said already.
    fn address(&self, out: &mut Scanned) -> Option<Vec<KeyValue>> {
        let mut kvs = Vec::new();
        let mut unknown = false;
        let mut take = |v: Option<Value>, kvs: &mut Vec<KeyValue>| match v {
            Some(Value::Setting(kv)) => {
                kvs.push(kv);
                true
            }
            Some(Value::Unknown) => {
                unknown = true;
                true
            }
            None => false,
        };
        let address = self.param(&["address", "addresses"], "address", out);
        if !take(address, &mut kvs) {
            let host = self.param(&["host", "hosts"], "host", out);
            let port = self.param(&["port", "ports"], "port", out);
            match (host, port) {
                // A cluster's `hosts` and `ports`: one address per pair.
                (Some(Value::Setting(h)), Some(Value::Setting(p))) if p.value.contains(',') => {
                    kvs.push(pairs(h, &p));
                }
                (host, port) => {
                    take(host, &mut kvs);
                    take(port, &mut kvs);
                }
            }
        }
        if !kvs.is_empty() {
            return Some(kvs);
        }
        // (a value out of sight is a hint or a warning already)
        if !unknown {
            out.diagnostics.push(
                Diagnostic::warning(
                    "keda-trigger-unresolved",
                    format!(
                        "{} names no Redis address (`address`, `host` and `port`, or their `FromEnv` forms): KEDA's scaler cannot connect",
                        self.label
                    ),
                )
                .at(self.file.path, Some(self.trigger.line), None),
            );
        }
        None
    }

    /// The TLS setting: `enableTLS`, else a TriggerAuthentication's `tls:
    /// enable`. Whether TLS is known (KEDA's default is plaintext, unless
    /// a TriggerAuthentication the scan cannot read may turn it on).
    fn tls(&self, kvs: &mut Vec<KeyValue>) -> bool {
        if let Some(node) = self.literal("enableTLS") {
            kvs.push(KeyValue {
                key: "enableTLS".into(),
                value: node.as_str().unwrap_or("").to_string(),
                origin: Origin::file(self.file.path, node.line),
                strength: Strength::Explicit,
                via: format!("{} metadata enableTLS", self.label),
            });
            return true;
        }
        match (self.auth.param("tls"), self.auth) {
            (Some(p), _) => match &p.value {
                Some(v) => {
                    kvs.push(KeyValue {
                        key: "enableTLS".into(),
                        value: (v.trim() == "enable").to_string(),
                        origin: p.origin.clone(),
                        strength: Strength::Indirect,
                        via: p.via.clone(),
                    });
                    true
                }
                None => false,
            },
            (None, Auth::Missing(_)) => false,
            (None, _) => true,
        }
    }

    /// The password setting, from a TriggerAuthentication or
    /// `passwordFromEnv`; else, when something out of sight may give one,
    /// where (a suspected credential).
    fn password(&self, kvs: &mut Vec<KeyValue>) -> Option<(String, Origin)> {
        if let Some(p) = self.auth.param("password") {
            kvs.push(KeyValue {
                key: "password".into(),
                value: p.value.clone().unwrap_or_else(|| "(unread)".into()),
                origin: p.origin.clone(),
                strength: Strength::Indirect,
                via: p.via.clone(),
            });
            return None;
        }
        if let Some(var) = self.literal("passwordFromEnv").and_then(Node::as_str) {
            match self.env.get(var, None) {
                FromEnv::Set(v, c) => {
                    kvs.push(KeyValue {
                        key: "password".into(),
                        value: v.value.clone().unwrap_or_else(|| "(unread)".into()),
                        origin: v.origin.clone(),
                        strength: Strength::Indirect,
                        via: format!("passwordFromEnv: {} (container {c})", v.via),
                    });
                    return None;
                }
                FromEnv::Maybe(v, _) => {
                    return Some((format!("{} may hold it", v.via), v.origin.clone()));
                }
                FromEnv::Unset | FromEnv::NoTarget => {}
            }
        }
        let Auth::Missing(label) = self.auth else {
            return None;
        };
        let at = self.trigger.at(&["authenticationRef", "name"]);
        Some((
            format!("{label} (not among the scanned objects) may hold it"),
            Origin::file(self.file.path, at.map_or(self.trigger.line, |n| n.line)),
        ))
    }

    /// The ACL user (a TriggerAuthentication's, or `usernameFromEnv`) and
    /// the database (`databaseIndex`).
    fn user_and_db(&self, kvs: &mut Vec<KeyValue>) {
        let user = match self.auth.param("username") {
            Some(p) => p
                .value
                .clone()
                .map(|v| (v, p.origin.clone(), p.via.clone())),
            None => self
                .literal("usernameFromEnv")
                .and_then(Node::as_str)
                .and_then(|var| match self.env.get(var, None) {
                    FromEnv::Set(v, c) => v.value.clone().map(|value| {
                        let via = format!("usernameFromEnv: {} (container {c})", v.via);
                        (value, v.origin.clone(), via)
                    }),
                    _ => None,
                }),
        };
        if let Some((value, origin, via)) = user {
            kvs.push(KeyValue {
                key: "username".into(),
                value,
                origin,
                strength: Strength::Indirect,
                via,
            });
        }
        if let Some(node) = self.literal("databaseIndex") {
            kvs.push(KeyValue {
                key: "db".into(),
                value: node.as_str().unwrap_or("").to_string(),
                origin: Origin::file(self.file.path, node.line),
                strength: Strength::Explicit,
                via: format!("{} metadata databaseIndex", self.label),
            });
        }
    }

    /// A one-label host name: the KEDA operator, in a namespace of its own,
    /// looks it up there, not in the scaler's, where it is read.
    fn short_host(&self, host: &str, detail: &str) -> Option<Diagnostic> {
        if host.contains('.') || host.parse::<std::net::IpAddr>().is_ok() {
            return None;
        }
        let ns = self.file.ns;
        let from_env = if detail.contains("FromEnv") {
            ", where the app finds it"
        } else {
            ""
        };
        Some(Diagnostic::warning(
            "keda-short-host",
            format!(
                "{detail}: the KEDA operator connects from its own pod and looks `{host}` up in its own namespace (keda, unless installed elsewhere), not in {ns}{from_env}; read here as {ns}'s, but write `{host}.{ns}` (or the full name) for KEDA to find it"
            ),
        ))
    }

    /// `<name>FromEnv: VAR`: the variable as the target's container sets
    /// it; what the scan cannot read there is a hint or a warning.
    fn env_setting(&self, key: &str, node: &Node<'_>, as_key: &str, out: &mut Scanned) -> Value {
        let var = node.as_str().unwrap_or("");
        let at = Origin::file(self.file.path, node.line);
        let said = format!("{} {key} {var}", self.label);
        let hint = |origin: Origin, detail: String, out: &mut Scanned| {
            out.facts.push(Fact::Hint(Hint {
                consumer: self.id.clone(),
                target: HintTarget::AnyInScope(self.scope.clone()),
                evidence: Evidence::new(Strength::Inferred, origin, detail),
            }));
        };
        match self.env.get(var, None) {
            FromEnv::Set(v, c) => match &v.value {
                Some(value) => {
                    // The target's config, not the scaler's own (a
                    // ScaledJob's template is its own).
                    let strength = if self.job {
                        v.strength
                    } else {
                        v.strength.max(Strength::Indirect)
                    };
                    Value::Setting(KeyValue {
                        key: as_key.to_string(),
                        value: value.clone(),
                        origin: v.origin.clone(),
                        strength,
                        via: format!("{} {key}: {} (container {c})", self.label, v.via),
                    })
                }
                None => {
                    hint(
                        v.origin.clone(),
                        format!(
                            "{said}: {} (container {c}): a Redis setting whose value could not be read",
                            v.via
                        ),
                        out,
                    );
                    Value::Unknown
                }
            },
            FromEnv::Maybe(v, c) => {
                hint(
                    v.origin.clone(),
                    format!("{said}: {} may set it (container {c})", v.via),
                    out,
                );
                Value::Unknown
            }
            FromEnv::Unset => {
                out.diagnostics.push(
                    Diagnostic::warning(
                        "keda-env-unset",
                        format!(
                            "{said}: {} does not set {var}, so KEDA has no address and its scaler fails; set it there, or write the address in the trigger",
                            self.env.label
                        ),
                    )
                    .at_origin(&at),
                );
                Value::Unknown
            }
            FromEnv::NoTarget => {
                let what = match self.target {
                    Target::Missing { kind, name } => format!(
                        "{kind} {}/{name} is not among the scanned objects",
                        self.file.ns
                    ),
                    _ => "its target has no container to read".to_string(),
                };
                hint(at, format!("{said}: {what}"), out);
                Value::Unknown
            }
        }
    }

    /// The master group a sentinel trigger asks for.
    fn master(&self) -> Option<String> {
        if let Some(v) = self
            .auth
            .param("sentinelMaster")
            .and_then(|p| p.value.clone())
        {
            return Some(v);
        }
        let meta = self.trigger.get("metadata")?;
        if let Some(v) = meta.str_at(&["sentinelMaster"]) {
            return Some(v.to_string());
        }
        match self.env.get(meta.str_at(&["sentinelMasterFromEnv"])?, None) {
            FromEnv::Set(v, _) => v.value.clone(),
            _ => None,
        }
    }
}

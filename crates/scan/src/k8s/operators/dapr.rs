//! Dapr components (`dapr.io/v1alpha1`, `kind: Component`) of a Redis
//! type (`state.redis`, `pubsub.redis`, `lock.redis`…: any `*.redis`).
//! The connection is the daprd sidecar's, so the consumers are the apps
//! whose sidecar loads the component: the workloads of its namespace whose
//! pod template says `dapr.io/enabled: "true"` and whose `dapr.io/app-id`
//! is among its `scopes` (every one when it has none). The evidence is the
//! component's `redisHost`, reached indirectly.

use super::{Copies, Looked};
use crate::k8s::{Ctx, Loopback, Obj};
use crate::settings::{self, KeyValue};
use crate::yaml::Node;
use crate::Scanned;
use fallout_core::endpoint::is_loopback;
use fallout_core::{
    ConsumerId, Credential, Diagnostic, Evidence, Fact, Hint, HintTarget, Origin, RedisServer,
    Scheme, Scope, Strength, Tls,
};
use foldhash::HashMap;

/// Whether `o` is a Dapr component (a kustomize `Component` is not).
pub(super) fn is_component(o: &Obj<'_>) -> bool {
    o.kind == "Component"
        && o.root
            .str_at(&["apiVersion"])
            .is_some_and(|v| v.starts_with("dapr.io/"))
}

/// A workload whose pods run a daprd sidecar.
struct App<'i, 'a> {
    id: &'i ConsumerId,
    obj: &'i Obj<'a>,
    /// `dapr.io/app-id`; without it Dapr takes the pod's name, known only
    /// for a Pod.
    app_id: Option<&'a str>,
}

impl App<'_, '_> {
    /// Whether its sidecar loads a component of namespace `ns` with these
    /// `scopes` (none or an empty list: every app of the namespace).
    fn loads(&self, ns: &str, scopes: &[&str]) -> bool {
        self.obj.ns == ns
            && (scopes.is_empty() || self.app_id.is_some_and(|id| scopes.contains(&id)))
    }

    /// How the evidence names the app.
    fn says(&self, ns: &str, scopes: &[&str]) -> String {
        let who = match self.app_id {
            Some(id) => format!("app-id {id}"),
            None => self.id.to_string(),
        };
        if scopes.is_empty() {
            format!("for the daprd sidecar of {who} (no scopes: every Dapr app of {ns})")
        } else {
            format!("for the daprd sidecar of {who} (in its scopes)")
        }
    }
}

/// The Dapr-enabled workloads, once per consumer (a patch's annotations
/// join its object's).
fn apps<'i, 'a>(ctx: &Ctx<'i, 'a>) -> Vec<App<'i, 'a>> {
    let mut out: Vec<(App<'i, 'a>, Option<bool>)> = Vec::new();
    let mut at: HashMap<&ConsumerId, usize> = HashMap::default();
    for (o, id, owner_present) in ctx.workloads {
        if *owner_present {
            continue;
        }
        let annotations = o.pod.and_then(|(_, meta)| meta?.get("annotations"));
        let annotation = |key: &str| annotations.and_then(|a| a.str_at(&[key]));
        let enabled = annotation("dapr.io/enabled").and_then(settings::parse_bool);
        let app_id = annotation("dapr.io/app-id")
            .map(str::trim)
            .filter(|id| !id.is_empty());
        match at.get(id) {
            Some(&i) => {
                let (app, on) = &mut out[i];
                *on = enabled.or(*on);
                app.app_id = app_id.or(app.app_id);
            }
            None => {
                at.insert(id, out.len());
                let app_id = app_id.or((o.kind == "Pod").then_some(o.name));
                out.push((App { id, obj: o, app_id }, enabled));
            }
        }
    }
    out.into_iter()
        .filter(|(_, on)| *on == Some(true))
        .map(|(app, _)| app)
        .collect()
}

/// One `spec.metadata` item as the scan reads it.
struct Item {
    /// Its name, lower case (Dapr reads them so).
    name: String,
    /// Its value; `None` when it lives where the scan cannot read it.
    value: Option<String>,
    origin: Origin,
    via: String,
}

pub(super) fn scan(
    ctx: &Ctx<'_, '_>,
    components: &[Copies<'_, '_>],
    servers: &HashMap<ConsumerId, RedisServer>,
    out: &mut Scanned,
) {
    let apps = apps(ctx);
    for c in components {
        let o = c.object();
        let Some(kind) = c
            .field(&["spec", "type"])
            .and_then(|(_, t)| t.as_str())
            .filter(|t| {
                t.len() > ".redis".len()
                    && t.get(t.len() - ".redis".len()..)
                        .is_some_and(|end| end.eq_ignore_ascii_case(".redis"))
            })
        else {
            continue;
        };
        let label = format!("Dapr component {}/{} ({kind})", o.ns, o.name);
        let store = c
            .field(&["auth", "secretStore"])
            .and_then(|(_, s)| s.as_str())
            .filter(|s| *s != "kubernetes");
        let items: Vec<Item> = c
            .field(&["spec", "metadata"])
            .map(|(file, list)| {
                list.as_seq()
                    .iter()
                    .filter_map(|item| read_item(ctx, file, &label, store, item))
                    .collect()
            })
            .unwrap_or_default();
        let scopes: Vec<&str> = c
            .field(&["scopes"])
            .map(|(_, s)| s.as_seq().iter().filter_map(Node::as_str).collect())
            .unwrap_or_default();
        let item = |name: &str| items.iter().rev().find(|i| i.name == name);
        let scope = Scope::Namespace(o.ns.to_string());
        let found = endpoints(&items);
        let host = item("redishost");
        let loading: Vec<&App<'_, '_>> = apps.iter().filter(|a| a.loads(o.ns, &scopes)).collect();
        if loading.is_empty() {
            // The address as parsed (a URL's password masked), never the
            // raw value, which may come from a Secret.
            let names = found
                .first()
                .map(|f| f.endpoint.address())
                .unwrap_or_else(|| "a Redis".to_string());
            let among = if scopes.is_empty() {
                String::new()
            } else {
                format!(
                    ", with a `dapr.io/app-id` among its scopes: {}",
                    scopes.join(", ")
                )
            };
            out.diagnostics.push(
                Diagnostic::info(
                    "dapr-component-unused",
                    format!(
                        "{label} names {names}, but no workload of namespace {} in the scan runs a daprd sidecar that loads it (pod template annotated `dapr.io/enabled: \"true\"`{among}): no consumer is linked through it; scan the apps that use it (a daprd started outside Kubernetes, by docker compose or `dapr run` with `--resources-path`, is not read)",
                        o.ns
                    ),
                )
                .at_origin(&host.map_or_else(|| o.defined_at(), |h| h.origin.clone())),
            );
            continue;
        }
        // A host the scan cannot read: any Redis of the namespace, as for
        // a Redis-named variable whose value is out of sight.
        if found.is_empty() {
            let (origin, what) = match host {
                Some(h) => (
                    h.origin.clone(),
                    format!("{}: a Redis setting whose value could not be read", h.via),
                ),
                None => (o.defined_at(), format!("{label} sets no redisHost")),
            };
            for app in &loading {
                out.facts.push(Fact::Hint(Hint {
                    consumer: app.id.clone(),
                    target: HintTarget::AnyInScope(scope.clone()),
                    evidence: Evidence::new(
                        Strength::Inferred,
                        origin.clone(),
                        format!("{what}, {}", app.says(o.ns, &scopes)),
                    ),
                }));
            }
            continue;
        }
        for f in &found {
            if f.endpoint.is_socket() {
                out.diagnostics.push(
                    Diagnostic::warning(
                        "socket-unlinked",
                        format!(
                            "{} names a Unix socket, and Dapr's Redis components connect over TCP only: linked to none; name the Redis by host and port",
                            f.evidence.detail
                        ),
                    )
                    .at_origin(&f.evidence.origin),
                );
            }
        }
        for app in loading {
            let loopback = match servers.get(app.id) {
                Some(server) => Loopback::Pod {
                    workload: app.id,
                    container: "daprd",
                    ports: [server.port, server.tls_port],
                },
                None => Loopback::Nothing { obj: app.obj },
            };
            for f in found.iter().filter(|f| !f.endpoint.is_socket()) {
                let mut f = f.clone();
                f.evidence.detail = format!("{}, {}", f.evidence.detail, app.says(o.ns, &scopes));
                if is_loopback(&f.endpoint.host) {
                    loopback.found(app.id, &scope, f, out);
                } else {
                    out.facts
                        .push(Fact::Reference(f.into_reference(app.id, &scope, None)));
                }
            }
        }
    }
}

/// The endpoints a component's items name, as Dapr reads them: TLS only
/// with `enableTLS`, sentinels with `failover`.
fn endpoints(items: &[Item]) -> Vec<settings::Found> {
    let item = |name: &str| items.iter().rev().find(|i| i.name == name);
    // Under names the endpoint finder groups as one (`redis` + role).
    let as_setting = |name: &str, key: &str| {
        let i = item(name)?;
        let value = match (&i.value, name) {
            (Some(v), _) => v.clone(),
            // A password out of sight is still a password.
            (None, "redispassword") => "(unread)".to_string(),
            (None, _) => return None,
        };
        Some(KeyValue {
            key: key.to_string(),
            value,
            origin: i.origin.clone(),
            strength: Strength::Indirect,
            via: i.via.clone(),
        })
    };
    let kvs: Vec<KeyValue> = [
        ("redishost", "redisHost"),
        ("redisport", "redisPort"),
        ("redispassword", "redisPassword"),
        ("redisusername", "redisUsername"),
        ("enabletls", "redisEnableTLS"),
        ("redisdb", "redisDB"),
    ]
    .into_iter()
    .filter_map(|(name, key)| as_setting(name, key))
    .collect();
    if !kvs.iter().any(|kv| kv.key == "redisHost") {
        return Vec::new();
    }
    let flag = |name: &str| {
        item(name)
            .and_then(|i| i.value.as_deref())
            .and_then(settings::parse_bool)
    };
    let tls_written = item("enabletls").is_some();
    let failover = flag("failover") == Some(true);
    let master = item("sentinelmastername").and_then(|i| i.value.clone());
    let entra = item("useentraid")
        .or_else(|| item("useazuread"))
        .filter(|i| i.value.as_deref().and_then(settings::parse_bool) == Some(true));
    let mut found = settings::find_endpoints(&kvs);
    for f in &mut found {
        if !tls_written && f.endpoint.tls == Tls::Unknown && !f.endpoint.is_socket() {
            f.endpoint.tls = Tls::No;
            f.evidence.detail += " (no enableTLS: Dapr connects in plaintext)";
        }
        if failover {
            f.endpoint.scheme = Scheme::Sentinel;
            f.endpoint.sentinel_master = master.clone();
            f.evidence.detail += &format!(
                " (failover: a sentinel of master {})",
                master.as_deref().unwrap_or("(not named)")
            );
        }
        if let (None, Some(entra)) = (&f.credential, entra) {
            f.credential = Some(Credential {
                location: format!("{} (an Entra ID token)", entra.via),
                origin: entra.origin.clone(),
                suspected: false,
            });
            f.endpoint.has_password = true;
        }
    }
    found
}

/// One `spec.metadata` item: `{name, value}` or `{name, secretKeyRef:
/// {name, key}}`, the Secret read from the component's secret store (the
/// Kubernetes one unless `auth.secretStore` names another).
fn read_item(
    ctx: &Ctx<'_, '_>,
    file: &Obj<'_>,
    label: &str,
    store: Option<&str>,
    item: &Node<'_>,
) -> Option<Item> {
    let name = item.str_at(&["name"])?;
    let via = format!("{label} metadata {name}");
    let at_item = Origin::file(file.path, item.line);
    let (value, origin, via) = if let Some(value) = item.get("value") {
        (
            value.as_str().map(str::to_string),
            Origin::file(file.path, value.line),
            via,
        )
    } else if let Some(secret) = item.str_at(&["secretKeyRef", "name"]) {
        // Dapr's key defaults to the Secret's name.
        let key = item.str_at(&["secretKeyRef", "key"]).unwrap_or(secret);
        match store {
            Some(store) => (
                None,
                at_item,
                format!("{via} <- secretKeyRef {secret} key {key} in secret store {store}"),
            ),
            None => {
                let via = format!("{via} <- secretKeyRef {}/{secret} key {key}", file.ns);
                match Looked::secret(ctx, file.ns, secret, key) {
                    Looked::Found(value, origin) => (value, origin, via),
                    missing => (None, at_item, format!("{via} ({})", missing.why())),
                }
            }
        }
    } else {
        (None, at_item, via)
    };
    Some(Item {
        name: name.to_ascii_lowercase(),
        value,
        origin,
        via,
    })
}

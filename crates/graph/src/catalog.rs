//! Comparing what was found with what the documentation says: which
//! consumers are documented (drift), owners from the inventory file,
//! Backstage and CODEOWNERS, and aliases only the documentation knows
//! (DNS names, managed endpoints) joined to the resource they name.
//!
//! Runs after [`build`](crate::build) and before
//! [`find_target`](crate::find_target), so a declared alias can be a target.

use crate::names::normalize;
use fallout_core::endpoint::split_host_port;
use fallout_core::{Consumer, Diagnostic, Inventory, Origin, Resource, Severity};
use fallout_scan::catalog::{Catalog, Component, DeclaredResource, Source};
use std::collections::HashMap;

/// Applies `catalog` to `inv`:
///
/// 1. declared aliases join their resource; an external resource (a host
///    consumers name that no manifest defines) whose host is a declared
///    alias is merged into the declared resource, consumers and all;
/// 2. consumers the catalog lists for a resource become `documented`, and
///    `documentation_checked` is set when a catalog or inventory file was read;
/// 3. owners: the inventory file's `owners` override; Backstage component
///    `spec.owner`, then CODEOWNERS, fill in consumers labels gave none;
///    resource owners likewise (inventory overrides, Backstage fills in).
///
/// Catalog entries naming nothing found become `catalog-unknown` diagnostics
/// at their file and line.
pub fn apply(inv: &mut Inventory, catalog: &Catalog) {
    if catalog.checks_documentation() {
        inv.documentation_checked = true;
    }
    let mut diagnostics = Vec::new();
    for declared in &catalog.resources {
        join_aliases(inv, declared, &mut diagnostics);
    }

    for declared in &catalog.resources {
        let found = matching_resources(inv, &declared.name);
        if found.is_empty() {
            diagnostics.push(unknown_resource(inv, declared));
            continue;
        }
        for i in found {
            let res = &mut inv.resources[i];
            match (&declared.owner, declared.source) {
                (Some(owner), Source::Inventory) => res.owner = Some(owner.clone()),
                (Some(owner), Source::Backstage) if res.owner.is_none() => {
                    res.owner = Some(owner.clone())
                }
                _ => {}
            }
        }
    }

    // Catalogs of thousands of entries meet inventories of thousands of
    // workloads: consumers are looked up by name, not compared one by one.
    // Built only when something is looked up in it.
    let consumers = if catalog.uses.is_empty() && catalog.owners.is_empty() {
        ConsumerIndex::default()
    } else {
        ConsumerIndex::new(inv)
    };
    for doc in &catalog.uses {
        let found = matching_resources(inv, &doc.resource);
        if found.is_empty() {
            // A declared resource already had its own warning; an undeclared
            // one is only worth one when it looks like a Redis: Backstage
            // components depend on databases fallout never sees.
            let declared = catalog
                .resources
                .iter()
                .any(|r| r.name.eq_ignore_ascii_case(&doc.resource));
            let probe = DeclaredResource {
                name: doc.resource.clone(),
                aliases: Vec::new(),
                owner: None,
                source: doc.source,
                kind: None,
                at: doc.at.clone(),
            };
            if !declared {
                diagnostics.push(unknown_resource(inv, &probe));
            }
            continue;
        }
        let mut any = false;
        for (i, j) in consumers.lookup(inv, &doc.consumer, &catalog.components) {
            if found.contains(&i) {
                inv.resources[i].consumers[j].documented = true;
                any = true;
            }
        }
        if !any {
            let ids: Vec<&str> = found
                .iter()
                .map(|&i| inv.resources[i].id.as_str())
                .collect();
            diagnostics.push(at(
                Diagnostic::warning(
                    "catalog-unknown",
                    format!(
                        "`{}` is documented as a consumer of {} but was not found using it; \
                         remove it from the catalog or check its name (a consumer id like \
                         `ns/Deployment/name`, `file#service`, or its bare name)",
                        doc.consumer,
                        ids.join(", ")
                    ),
                ),
                &doc.at,
            ));
        }
    }

    let mut by_workload: HashMap<String, Vec<&Component>> = HashMap::new();
    for k in &catalog.components {
        by_workload.entry(workload_of(k)).or_default().push(k);
    }
    let nothing_to_own = catalog.components.is_empty() && catalog.codeowners.is_empty();
    for res in inv.resources.iter_mut().filter(|_| !nothing_to_own) {
        for c in &mut res.consumers {
            if c.owner.is_none() {
                c.owner = by_workload
                    .get(&c.id.name.to_ascii_lowercase())
                    .and_then(|ks| ks.iter().find(|k| component_matches(k, c)))
                    .and_then(|k| k.owner.clone());
            }
            if c.owner.is_none() {
                if let Some(path) = defining_path(c) {
                    c.owner = catalog.codeowners.iter().find_map(|f| f.owner_of(&path));
                }
            }
        }
    }

    for set in &catalog.owners {
        let mut any = false;
        for (i, j) in consumers.lookup(inv, &set.consumer, &catalog.components) {
            inv.resources[i].consumers[j].owner = Some(set.owner.clone());
            any = true;
        }
        if !any {
            diagnostics.push(at(
                Diagnostic::warning(
                    "catalog-unknown",
                    format!(
                        "owners: `{}` names no consumer found in the scanned sources",
                        set.consumer
                    ),
                ),
                &set.at,
            ));
        }
    }
    inv.diagnostics.extend(diagnostics);
}

fn at(d: Diagnostic, origin: &Origin) -> Diagnostic {
    d.at_origin(origin)
}

fn unknown_resource(inv: &Inventory, declared: &DeclaredResource) -> Diagnostic {
    let mut known: Vec<&str> = inv.resources.iter().map(|r| r.id.as_str()).collect();
    let more = known.len().saturating_sub(8);
    known.truncate(8);
    let mut list = if known.is_empty() {
        "none".to_string()
    } else {
        known.join(", ")
    };
    if more > 0 {
        list.push_str(&format!(" (+{more} more)"));
    }
    let severity = if declared.is_redis_like() {
        Severity::Warning
    } else {
        Severity::Info
    };
    at(
        Diagnostic::new(
            severity,
            "catalog-unknown",
            format!(
                "`{}` names no resource found in the scanned sources (known: {list}); \
                 add the aliases it is reached by, or remove it",
                declared.name
            ),
        ),
        &declared.at,
    )
}

/// Whether `name` is one of the names of `res`: its id, bare name, an alias
/// (with or without a port), or `namespace/name`.
fn resource_named(res: &Resource, name: &str) -> bool {
    let wanted = normalize(name);
    let host = match split_host_port(&wanted) {
        Some((host, Some(_))) => host,
        _ => wanted.clone(),
    };
    let same = |s: &str| {
        let s = normalize(s);
        s == wanted || s == host
    };
    same(&res.id)
        || same(&res.name)
        || res.aliases.iter().any(|a| same(a))
        || res
            .namespace
            .as_ref()
            .is_some_and(|ns| same(&format!("{ns}/{}", res.name)))
}

fn matching_resources(inv: &Inventory, name: &str) -> Vec<usize> {
    (0..inv.resources.len())
        .filter(|&i| resource_named(&inv.resources[i], name))
        .collect()
}

/// Adds the declared aliases to the resource the declaration names, and
/// folds into it the external resources consumers reach by those aliases
/// (the graph made them because no manifest defines those hosts).
fn join_aliases(inv: &mut Inventory, declared: &DeclaredResource, diags: &mut Vec<Diagnostic>) {
    if declared.aliases.is_empty() {
        return;
    }
    let by_name = matching_resources(inv, &declared.name);
    let externals: Vec<usize> = (0..inv.resources.len())
        .filter(|&i| inv.resources[i].external && !by_name.contains(&i))
        .filter(|&i| {
            declared
                .aliases
                .iter()
                .any(|a| resource_named(&inv.resources[i], a))
        })
        .collect();
    let target = match by_name.as_slice() {
        [one] => *one,
        [] => match externals.first() {
            // Only the documentation names it: the first host consumers use
            // becomes the resource, reachable by its declared name too.
            Some(&first) => first,
            None => return, // reported as unknown by the caller
        },
        several => {
            let ids: Vec<&str> = several
                .iter()
                .map(|&i| inv.resources[i].id.as_str())
                .collect();
            diags.push(at(
                Diagnostic::warning(
                    "catalog-ambiguous",
                    format!(
                        "`{}` matches several resources ({}); its aliases were not added. \
                         Name one by its id",
                        declared.name,
                        ids.join(", ")
                    ),
                ),
                &declared.at,
            ));
            return;
        }
    };
    let mut names: Vec<String> = declared.aliases.clone();
    names.push(declared.name.clone());
    let mut absorbed = Vec::new();
    for &i in externals.iter().filter(|&&i| i != target) {
        let ext = std::mem::take(&mut inv.resources[i].consumers);
        let ext_port = inv.resources[i].port;
        let ext_names: Vec<String> = std::iter::once(inv.resources[i].id.clone())
            .chain(inv.resources[i].aliases.iter().cloned())
            .collect();
        let res = &mut inv.resources[target];
        for c in ext {
            merge_consumer(res, c);
        }
        names.extend(ext_names);
        if res.port.is_none() {
            res.port = ext_port;
        }
        absorbed.push(i);
    }
    let res = &mut inv.resources[target];
    for name in names {
        let name = normalize(&name);
        if name != normalize(&res.id) && !res.aliases.iter().any(|a| normalize(a) == name) {
            res.aliases.push(name);
        }
    }
    res.aliases.sort();
    absorbed.sort_unstable();
    for i in absorbed.into_iter().rev() {
        inv.resources.remove(i);
    }
}

/// Adds `from` to `res`'s consumers, merging with the one of the same id.
fn merge_consumer(res: &mut Resource, from: Consumer) {
    let Some(into) = res.consumers.iter_mut().find(|c| c.id == from.id) else {
        res.consumers.push(from);
        return;
    };
    into.tls = into.tls.merge(from.tls);
    into.strength = into.strength.min(from.strength);
    into.owner = into.owner.take().or(from.owner);
    into.documented |= from.documented;
    fn extend<T: PartialEq>(into: &mut Vec<T>, from: Vec<T>) {
        for item in from {
            if !into.contains(&item) {
                into.push(item);
            }
        }
    }
    extend(&mut into.via, from.via);
    extend(&mut into.links, from.links);
    extend(&mut into.credentials, from.credentials);
    extend(&mut into.users, from.users);
    extend(&mut into.evidence, from.evidence);
    extend(&mut into.profiles, from.profiles);
    extend(&mut into.notes, from.notes);
    into.evidence.sort();
}

/// Every consumer by the names a catalog may call it: its full id
/// (`ns/Kind/name`, `file#service`, `app:dir`), `ns/name` and its bare
/// name, lower-cased. Values are (resource, consumer) positions.
#[derive(Default)]
struct ConsumerIndex(HashMap<String, Vec<(usize, usize)>>);

impl ConsumerIndex {
    fn new(inv: &Inventory) -> ConsumerIndex {
        let mut map: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        for (i, res) in inv.resources.iter().enumerate() {
            for (j, c) in res.consumers.iter().enumerate() {
                let mut keys = vec![c.id.to_string(), c.id.name.clone()];
                if let Some(ns) = &c.id.namespace {
                    keys.push(format!("{ns}/{}", c.id.name));
                }
                for key in keys {
                    let at = map.entry(key.to_ascii_lowercase()).or_default();
                    if !at.contains(&(i, j)) {
                        at.push((i, j));
                    }
                }
            }
        }
        ConsumerIndex(map)
    }

    /// The consumers the catalog name `name` means; a Backstage component
    /// name means the workload tied to it (by `backstage.io/kubernetes-id`,
    /// else by name, within `backstage.io/kubernetes-namespace`).
    fn lookup(&self, inv: &Inventory, name: &str, components: &[Component]) -> Vec<(usize, usize)> {
        let name = name.trim();
        if let Some(k) = components
            .iter()
            .find(|k| k.name.eq_ignore_ascii_case(name))
        {
            return self
                .0
                .get(&workload_of(k))
                .into_iter()
                .flatten()
                .copied()
                .filter(|&(i, j)| component_matches(k, &inv.resources[i].consumers[j]))
                .collect();
        }
        self.0
            .get(&name.to_ascii_lowercase())
            .cloned()
            .unwrap_or_default()
    }
}

/// The workload name a component stands for, lower-cased.
fn workload_of(component: &Component) -> String {
    component
        .kubernetes_id
        .as_deref()
        .unwrap_or(&component.name)
        .to_ascii_lowercase()
}

fn component_matches(component: &Component, c: &Consumer) -> bool {
    if !c.id.name.eq_ignore_ascii_case(&workload_of(component)) {
        return false;
    }
    match (&component.kubernetes_namespace, &c.id.namespace) {
        (Some(want), Some(ns)) => want.eq_ignore_ascii_case(ns),
        (Some(_), None) => false,
        (None, _) => true,
    }
}

/// The file that defines a consumer: the compose file or app folder it
/// belongs to, else the file of its strongest file evidence (for a
/// workload, its manifest).
fn defining_path(c: &Consumer) -> Option<String> {
    if let Some(file) = &c.id.file {
        return Some(file.clone());
    }
    let mut files: Vec<_> = c
        .evidence
        .iter()
        .filter(|e| e.origin.path().is_some())
        .collect();
    files.sort_by_key(|e| e.strength);
    files
        .first()
        .and_then(|e| e.origin.path())
        .map(str::to_string)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use fallout_core::{ConsumerId, Evidence, Strength, Tls};
    use fallout_scan::catalog::{parse_backstage, parse_inventory, CodeownersFile};

    fn consumer(id: ConsumerId, path: &str, owner: Option<&str>) -> Consumer {
        Consumer {
            tls: Tls::No,
            owner: owner.map(str::to_string),
            via: vec!["x".into()],
            evidence: vec![Evidence::new(
                Strength::Explicit,
                Origin::file(path, 3),
                "env REDIS_URL",
            )],
            ..Consumer::new(id, Strength::Explicit)
        }
    }

    /// A resource with its `name.ns` alias, port 6379 and nothing else.
    pub(crate) fn resource(id: &str, name: &str, ns: Option<&str>, external: bool) -> Resource {
        Resource {
            id: id.into(),
            kind: "redis",
            name: name.into(),
            namespace: ns.map(str::to_string),
            aliases: ns
                .map(|ns| vec![format!("{name}.{ns}")])
                .unwrap_or_default(),
            defined_by: None,
            owner: None,
            port: Some(6379),
            tls_port: None,
            unixsocket: None,
            requires_auth: false,
            auth_origin: None,
            config_unread: false,
            tls_addresses: Vec::new(),
            external,
            consumers: Vec::new(),
        }
    }

    fn inventory() -> Inventory {
        let mut sessions = resource(
            "cache/redis-sessions",
            "redis-sessions",
            Some("cache"),
            false,
        );
        sessions.owner = Some("platform".into());
        sessions.consumers = vec![
            consumer(
                ConsumerId::kube("api", "Deployment", "sessions-api"),
                "k8s/api/sessions.yaml",
                Some("identity"),
            ),
            consumer(
                ConsumerId::kube("api", "Deployment", "events-api"),
                "k8s/api/events.yaml",
                None,
            ),
            consumer(
                ConsumerId::compose("dev/compose.yaml", "worker"),
                "dev/compose.yaml",
                None,
            ),
        ];
        let mut managed = resource(
            "sessions.abc.cache.amazonaws.com",
            "sessions.abc.cache.amazonaws.com",
            None,
            true,
        );
        managed.consumers = vec![
            consumer(
                ConsumerId::kube("api", "Deployment", "events-api"),
                "k8s/api/events.yaml",
                None,
            ),
            consumer(
                ConsumerId::kube("billing", "Deployment", "invoicer"),
                "k8s/billing/invoicer.yaml",
                None,
            ),
        ];
        Inventory {
            resources: vec![
                sessions,
                managed,
                resource("jobs/redis-queue", "redis-queue", Some("jobs"), false),
            ],
            diagnostics: Vec::new(),
            documentation_checked: false,
        }
    }

    fn documented(inv: &Inventory) -> Vec<String> {
        inv.resources
            .iter()
            .flat_map(|r| r.consumers.iter())
            .filter(|c| c.documented)
            .map(|c| c.id.to_string())
            .collect()
    }

    const BACKSTAGE: &str = "\
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: redis-sessions
spec:
  type: cache
  owner: group:default/storage
  dependencyOf: [component:sessions-api]
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: sessions-api
spec:
  owner: group:default/identity-team
  dependsOn: [resource:default/redis-sessions, resource:postgres-main]
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: events
  annotations:
    backstage.io/kubernetes-id: events-api
spec:
  owner: scheduling
  dependsOn: [resource:redis-ghost]
";

    #[test]
    fn backstage_documents_components_and_fills_owners() {
        let mut inv = inventory();
        let cat = parse_backstage("catalog-info.yaml", BACKSTAGE).unwrap();
        apply(&mut inv, &cat);
        assert!(inv.documentation_checked);
        assert_eq!(documented(&inv), ["api/Deployment/sessions-api"]);
        let sessions = &inv.resources[0];
        // Labels said identity; Backstage only fills what is missing.
        assert_eq!(sessions.consumers[0].owner.as_deref(), Some("identity"));
        // events-api has no label; its component (by kubernetes-id) has an owner.
        assert_eq!(sessions.consumers[1].owner.as_deref(), Some("scheduling"));
        assert_eq!(sessions.owner.as_deref(), Some("platform"));
        // redis-ghost: a Redis-looking name nobody uses: a warning at its line.
        // postgres-main: not a Redis; an info at most.
        let codes: Vec<(Severity, u32, bool)> = inv
            .diagnostics
            .iter()
            .map(|d| {
                (
                    d.severity,
                    d.line.unwrap_or(0),
                    d.message.contains("redis-ghost"),
                )
            })
            .collect();
        assert_eq!(
            codes,
            [(Severity::Info, 16, false), (Severity::Warning, 26, true)]
        );
        assert!(
            inv.diagnostics
                .iter()
                .all(|d| d.code == "catalog-unknown"
                    && d.path.as_deref() == Some("catalog-info.yaml"))
        );
    }

    #[test]
    fn inventory_aliases_merge_external_hosts_and_owners_override() {
        let mut inv = inventory();
        let cat = parse_inventory(
            "fallout.yaml",
            "resources:\n\
             \x20 - name: redis-sessions\n\
             \x20   aliases: [sessions.abc.cache.amazonaws.com:6379, 10.0.0.5]\n\
             \x20   owner: storage\n\
             \x20   consumers: [api/Deployment/events-api, dev/compose.yaml#worker, nobody-api]\n\
             owners:\n\
             \x20 api/Deployment/sessions-api: identity-platform\n\
             \x20 ghost: x\n",
        )
        .unwrap();
        apply(&mut inv, &cat);
        // The managed endpoint was folded into the declared resource.
        assert_eq!(inv.resources.len(), 2);
        let sessions = &inv.resources[0];
        assert_eq!(sessions.owner.as_deref(), Some("storage"));
        assert!(sessions.aliases.contains(&"10.0.0.5".to_string()));
        assert!(sessions
            .aliases
            .contains(&"sessions.abc.cache.amazonaws.com".to_string()));
        let ids: Vec<String> = sessions
            .consumers
            .iter()
            .map(|c| c.id.to_string())
            .collect();
        assert_eq!(
            ids,
            [
                "api/Deployment/sessions-api",
                "api/Deployment/events-api",
                "dev/compose.yaml#worker",
                "billing/Deployment/invoicer"
            ]
        );
        assert_eq!(
            documented(&inv),
            ["api/Deployment/events-api", "dev/compose.yaml#worker"]
        );
        assert_eq!(
            sessions.consumers[0].owner.as_deref(),
            Some("identity-platform")
        );
        let lines: Vec<u32> = inv
            .diagnostics
            .iter()
            .map(|d| d.line.unwrap_or(0))
            .collect();
        assert_eq!(lines, [5, 8], "{:?}", inv.diagnostics);
        assert!(inv.diagnostics[0].message.contains("nobody-api"));

        // The declared alias is now a target.
        let opts = crate::Options::default();
        assert_eq!(crate::find_target(&inv, "10.0.0.5", &opts), Ok(0));
        assert_eq!(
            crate::find_target(&inv, "sessions.abc.cache.amazonaws.com", &opts),
            Ok(0)
        );
    }

    #[test]
    fn a_resource_only_the_documentation_names() {
        let mut inv = inventory();
        inv.resources.remove(0);
        let cat = parse_inventory(
            "fallout.yaml",
            "resources:\n  - name: sessions-managed\n    aliases: [sessions.abc.cache.amazonaws.com]\n    consumers: [invoicer]\n",
        )
        .unwrap();
        apply(&mut inv, &cat);
        assert!(inv.diagnostics.is_empty(), "{:?}", inv.diagnostics);
        let opts = crate::Options::default();
        let i = crate::find_target(&inv, "sessions-managed", &opts).unwrap();
        assert_eq!(inv.resources[i].id, "sessions.abc.cache.amazonaws.com");
        assert_eq!(documented(&inv), ["billing/Deployment/invoicer"]);
    }

    #[test]
    fn unknown_declared_resource_is_a_warning_at_its_line() {
        let mut inv = inventory();
        let cat =
            parse_inventory("ops/fallout.yaml", "resources:\n  - name: redis-nowhere\n").unwrap();
        apply(&mut inv, &cat);
        let d = &inv.diagnostics[0];
        assert_eq!((d.severity, d.code), (Severity::Warning, "catalog-unknown"));
        assert_eq!(
            (d.path.as_deref(), d.line),
            (Some("ops/fallout.yaml"), Some(2))
        );
        assert!(d.message.contains("redis-nowhere"), "{}", d.message);
    }

    #[test]
    fn codeowners_fill_owners_labels_did_not_give() {
        let mut inv = inventory();
        let cat = Catalog {
            codeowners: vec![CodeownersFile {
                path: "CODEOWNERS".into(),
                root: "k8s".into(),
                prefix: String::new(),
                rules: fallout_scan::codeowners::parse(
                    "* @acme/ops\n/api/events.yaml @acme/scheduling\n",
                ),
            }],
            ..Catalog::default()
        };
        apply(&mut inv, &cat);
        // CODEOWNERS alone documents owners, not uses.
        assert!(!inv.documentation_checked);
        let owners: Vec<Option<&str>> = inv.resources[0]
            .consumers
            .iter()
            .map(|c| c.owner.as_deref())
            .collect();
        // Labels win; the compose file is outside the CODEOWNERS root.
        assert_eq!(owners, [Some("identity"), Some("@acme/scheduling"), None]);
        assert_eq!(
            inv.resources[1].consumers[1].owner.as_deref(),
            Some("@acme/ops")
        );
    }

    #[test]
    fn empty_catalog_changes_nothing() {
        let mut inv = inventory();
        let before = inv.clone();
        apply(&mut inv, &Catalog::default());
        assert_eq!(inv, before);
    }
}

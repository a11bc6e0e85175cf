//! Pure scanners: bytes in, facts and diagnostics out. No IO here: the CLI
//! reads files and the live crate fetches objects; these only parse.

pub mod catalog;
pub mod client_list;
pub mod codeowners;
pub mod compose;
pub mod config;
pub mod dockerfile;
pub mod frameworks;
pub mod interpolate;
pub mod json_patch;
pub mod k8s;
pub mod kustomize;
pub mod projects;
pub mod settings;
pub mod yaml;

use fallout_core::{Diagnostic, Evidence, Fact};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

/// A file handed to the scanners: its display path (relative to what the
/// user named) and its text.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
}

/// What scanning produced.
#[derive(Clone, Debug, Default)]
pub struct Scanned {
    pub facts: Vec<Fact>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Scanned {
    pub fn extend(&mut self, other: Scanned) {
        self.facts.extend(other.facts);
        self.diagnostics.extend(other.diagnostics);
    }
}

/// Scans files: Kubernetes manifests (with any objects fetched from a
/// cluster, which see the same ConfigMaps and Secrets), compose projects and
/// application config files. Manifests are parsed in parallel.
pub fn scan_files<'a>(
    files: &'a [SourceFile],
    cluster_objects: Vec<k8s::Object<'a>>,
    opts: &k8s::Options,
) -> Scanned {
    scan_files_with_ignored(files, &[], cluster_objects, opts)
}

/// [`scan_files`], with files `.gitignore` leaves out beside them: read
/// only where a compose project names them (its `.env`, an `env_file`, an
/// override file, a mounted file or folder), never as manifests or
/// application config on their own.
pub fn scan_files_with_ignored<'a>(
    files: &'a [SourceFile],
    ignored: &[SourceFile],
    cluster_objects: Vec<k8s::Object<'a>>,
    opts: &k8s::Options,
) -> Scanned {
    use rayon::prelude::*;
    // Kustomizations are read on one core while the other parses manifests
    // (a tree with hundreds of them spends ~30 ms there).
    let (parsed, mut kustomized): (Vec<(Vec<k8s::Object<'a>>, Vec<Diagnostic>)>, _) = rayon::join(
        || {
            files
                .par_iter()
                .filter(|f| k8s::is_manifest_path(&f.path) && k8s::looks_like_manifest(&f.text))
                .map(|f| k8s::parse_manifests(&f.path, &f.text))
                .collect()
        },
        || kustomize::apply(files),
    );
    let mut objects = cluster_objects;
    objects.reserve(parsed.iter().map(|(objs, _)| objs.len()).sum::<usize>());
    let mut diagnostics = Vec::new();
    diagnostics.extend(std::mem::take(&mut kustomized.diagnostics));
    // Files a generator makes into ConfigMaps are read as such, not also as
    // the app config of their folder.
    let generator_files = std::mem::take(&mut kustomized.generator_files);
    // Name prefixes and suffixes rename what the kustomizations make: they
    // need the names of the objects of the files they list.
    let mut renames = std::mem::take(&mut kustomized.renames);
    renames.resolve(parsed.iter().flat_map(|(objs, _)| objs));
    // `o` as the kustomizations `at` place it.
    let place_at = |o: &k8s::Object<'a>, at: &kustomize::Placement| {
        let mut copy = k8s::Object {
            namespace: at.namespace.clone(),
            ..o.clone()
        };
        if !at.levels.is_empty() {
            renames.rename(&mut copy, &at.levels);
        }
        // The labels they add join the object's selectors and pod labels:
        // two instances of one base in one namespace, told apart by
        // `commonLabels`, are two Redis servers, not one.
        if !o.patch {
            kustomize::add_labels(&mut copy.root, &at.labels);
        }
        copy
    };
    // The copies of `o` where the kustomizations place it; two that come
    // out the same (a chain of kustomizations that renames nothing of
    // this file) are one object, not a duplicate.
    let place = |o: &k8s::Object<'a>, list: &BTreeSet<kustomize::Placement>| {
        let mut copies: Vec<k8s::Object<'a>> = Vec::with_capacity(list.len());
        for at in list {
            let copy = place_at(o, at);
            let same = |c: &k8s::Object<'_>| c.namespace == copy.namespace && c.root == copy.root;
            if !copies.iter().any(same) {
                copies.push(copy);
            }
        }
        copies
    };
    // Patches come after what they patch (the object's first copy speaks
    // for it: its labels, where it is defined), in the order kustomize
    // applies them: an inner kustomization's before an outer one's.
    let mut patches: Vec<(kustomize::PatchOrder, k8s::Object<'a>)> = Vec::new();
    // A patch with a `target:` patches each object it selects among those
    // its kustomization gathers, under that object's kind and name.
    let targeted = kustomized
        .patches
        .values()
        .flatten()
        .any(|u| u.target.is_some())
        || kustomized.generated.iter().any(|g| g.target.is_some())
        || !kustomized.json_patches.is_empty();
    // Each target with what it selects, worked out once: a patch file's
    // every object and placement meets the same target.
    let mut aimed: Vec<(Arc<kustomize::Target>, Vec<kustomize::Selected>)> = Vec::new();
    if targeted {
        let by_file: HashMap<&str, &[k8s::Object<'a>]> = parsed
            .iter()
            .filter_map(|(objs, _)| Some((objs.first()?.path.as_str(), objs.as_slice())))
            .collect();
        let objects_of = |file: &str| by_file.get(file).copied().unwrap_or_default();
        let placements = &kustomized.placements;
        // The patch `make` writes for each object `target` selects, aimed
        // at it and renamed as the kustomizations rename it.
        let mut aim = |make: &mut dyn FnMut(&kustomize::Selected) -> Option<k8s::Object<'a>>,
                       target: &Arc<kustomize::Target>,
                       namespace: Option<&str>,
                       levels: &[usize],
                       order: kustomize::PatchOrder| {
            let at = match aimed.iter().position(|(t, _)| Arc::ptr_eq(t, target)) {
                Some(at) => at,
                None => {
                    aimed.push((target.clone(), target.select(objects_of, &renames)));
                    aimed.len() - 1
                }
            };
            for selected in &aimed[at].1 {
                // Only where the object is: a Component many overlays list
                // selects the objects of them all, each in its own
                // namespace.
                if let (Some(ns), Some(list)) = (namespace, placements.get(&selected.file)) {
                    if !list.iter().any(|p| p.namespace.as_deref() == Some(ns)) {
                        continue;
                    }
                }
                let Some(patch) = make(selected) else {
                    continue;
                };
                let mut copy = kustomize::Target::aim(&patch, selected, namespace);
                copy.patch = true;
                if !levels.is_empty() {
                    renames.rename(&mut copy, levels);
                }
                patches.push((order, copy));
            }
        };
        for (objs, _) in &parsed {
            for o in objs {
                for u in kustomized.patches.get(&o.path).into_iter().flatten() {
                    if let Some(target) = &u.target {
                        let ns = u.placement.namespace.as_deref();
                        aim(
                            &mut |_| Some(o.clone()),
                            target,
                            ns,
                            &u.placement.levels,
                            u.order,
                        );
                    }
                }
            }
        }
        for g in &kustomized.generated {
            if let Some(target) = &g.target {
                aim(
                    &mut |_| Some(g.object.clone()),
                    target,
                    g.object.namespace.as_deref(),
                    &g.levels,
                    g.order,
                );
            }
        }
        // A JSON 6902 patch: each operation, read as the merge patch that
        // does the same to the object selected ([`json_patch`]); one a
        // merge cannot say is said at its line, once.
        let mut refused: Vec<Diagnostic> = Vec::new();
        for jp in &kustomized.json_patches {
            // The patch's operations, laid one over the other, are one
            // merge patch of each object selected.
            let mut make = |at: &kustomize::Selected| {
                let base = by_file.get(at.file.as_str())?.get(at.index)?;
                let mut merged: Option<yaml::Node<'static>> = None;
                for op in jp.ops.iter() {
                    match json_patch::as_merge_patch(op, &base.root) {
                        Ok(Some(part)) => match &mut merged {
                            Some(m) => json_patch::merge_into(m, part),
                            None => merged = Some(part),
                        },
                        Ok(None) => {}
                        Err(why) => {
                            let said = Diagnostic::warning(
                                "kustomize-patch-unapplied",
                                format!(
                                    "{why}; this operation is not applied to {} {}: scan the output of `kubectl kustomize` for what it changes",
                                    at.kind, at.name
                                ),
                            )
                            .at(&jp.path, Some(op.line), None);
                            if !refused.contains(&said) {
                                refused.push(said);
                            }
                        }
                    }
                }
                Some(k8s::Object {
                    path: jp.path.clone(),
                    root: with_metadata(merged?),
                    namespace: None,
                    patch: true,
                    renamed: None,
                })
            };
            let ns = jp.placement.namespace.as_deref();
            aim(&mut make, &jp.target, ns, &jp.placement.levels, jp.order);
        }
        diagnostics.extend(refused);
    }
    for (objs, diags) in parsed {
        for mut o in objs {
            if let Some(uses) = kustomized.patches.get(&o.path) {
                o.patch = true;
                let mut copies: Vec<(kustomize::PatchOrder, k8s::Object<'a>)> = Vec::new();
                for u in uses.iter().filter(|u| u.target.is_none()) {
                    let copy = if u.placement.as_written() {
                        o.clone()
                    } else {
                        place_at(&o, &u.placement)
                    };
                    let same = |(_, c): &(_, k8s::Object<'_>)| {
                        c.namespace == copy.namespace && c.root == copy.root
                    };
                    if !copies.iter().any(same) {
                        copies.push((u.order, copy));
                    }
                }
                patches.extend(copies);
                continue;
            }
            match kustomized.placements.get(&o.path) {
                // One copy per placement the file's kustomizations give it.
                Some(list) => objects.extend(place(&o, list)),
                None => objects.push(o),
            }
        }
        diagnostics.extend(diags);
    }
    // A generator reached along two ways that place and name it the same
    // (an overlay deployed alone and through a Flux `clusters/prod` that
    // lists it) makes one object, not a duplicate.
    let mut made: HashSet<(Option<String>, String, u32)> = HashSet::new();
    for g in kustomized.generated {
        if g.target.is_some() {
            continue;
        }
        let mut o: k8s::Object<'a> = g.object;
        if !g.levels.is_empty() {
            renames.rename(&mut o, &g.levels);
        }
        if o.patch {
            patches.push((g.order, o));
        } else {
            let name = o
                .root
                .str_at(&["metadata", "name"])
                .unwrap_or("")
                .to_string();
            let kind = o.root.str_at(&["kind"]).unwrap_or("");
            let at = format!("{} {kind}/{name}", o.path);
            if made.insert((o.namespace.clone(), at, o.root.line)) {
                objects.push(o);
            }
        }
    }
    // A `target:` that selects nothing among the scanned objects: its patch
    // changes nothing here, which may not be what kustomize renders.
    for (target, selected) in aimed {
        if selected.is_empty() {
            diagnostics.push(
                fallout_core::Diagnostic::warning(
                    "kustomize-patch-unmatched",
                    format!(
                        "this patch's `target:` ({}) selects none of the objects its kustomization gathers among the scanned files, so it is applied to nothing; scan the overlay together with its bases, or the output of `kubectl kustomize`",
                        target.describe()
                    ),
                )
                .at(&target.path, Some(target.line), None),
            );
        }
    }
    patches.sort_by_key(|(order, _)| *order);
    delete_patched(&mut objects, &mut patches, &mut diagnostics);
    objects.extend(patches.into_iter().map(|(_, o)| o));

    let mut out = k8s::scan_objects(&objects, opts);
    out.diagnostics.extend(diagnostics);
    // Freeing tens of thousands of node trees is work of its own: done
    // while the other files are scanned.
    let ((), projects) = rayon::join(
        || drop(objects),
        || projects::scan_projects_except(files, ignored, &generator_files),
    );
    out.extend(projects);
    out
}

/// A patch that is `$patch: delete` removes the object it names where it is
/// applied (its namespace there), with the patches of it, as `kubectl
/// kustomize` renders it; an info note says so at the patch.
fn delete_patched<'a>(
    objects: &mut Vec<k8s::Object<'a>>,
    patches: &mut Vec<(kustomize::PatchOrder, k8s::Object<'a>)>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    fn identity<'o>(o: &'o k8s::Object<'_>) -> (Option<&'o str>, Option<&'o str>, Option<&'o str>) {
        (
            o.root.str_at(&["kind"]),
            o.root.str_at(&["metadata", "name"]),
            o.namespace
                .as_deref()
                .or_else(|| o.root.str_at(&["metadata", "namespace"])),
        )
    }
    let deletes = |o: &k8s::Object<'_>| o.root.str_at(&["$patch"]) == Some("delete");
    if !patches.iter().any(|(_, o)| deletes(o)) {
        return;
    }
    let gone: Vec<(String, String, Option<String>)> = patches
        .iter()
        .filter(|(_, o)| deletes(o))
        .filter_map(|(_, o)| {
            let (kind, name, ns) = identity(o);
            let said = format!(
                "`$patch: delete` removes {} {}{}, as `kubectl kustomize` renders it: what it held is not read there",
                kind?,
                name?,
                ns.map(|ns| format!(" from namespace {ns}")).unwrap_or_default()
            );
            let line = o.root.at(&["$patch"]).map(|n| n.line);
            diagnostics.push(Diagnostic::info("kustomize-deleted", said).at(&o.path, line, None));
            Some((kind?.to_string(), name?.to_string(), ns.map(str::to_string)))
        })
        .collect();
    let kept = |o: &k8s::Object<'_>| {
        let (kind, name, ns) = identity(o);
        !gone.iter().any(|(k, n, s)| {
            Some(k.as_str()) == kind && Some(n.as_str()) == name && s.as_deref() == ns
        })
    };
    objects.retain(|o| kept(o));
    patches.retain(|(_, o)| kept(o));
}

/// A patch's root with a `metadata` map, for [`kustomize::Target::aim`] to
/// put the name of the object it patches in.
fn with_metadata(mut root: yaml::Node<'static>) -> yaml::Node<'static> {
    if let yaml::Value::Map(entries) = &mut root.value {
        if !entries.iter().any(|(k, _)| k.as_str() == Some("metadata")) {
            let (line, col) = (root.line, root.col);
            entries.push((
                yaml::Node::scalar("metadata", line, col),
                yaml::Node {
                    line,
                    col,
                    value: yaml::Value::Map(Vec::new()),
                    block: false,
                },
            ));
        }
    }
    root
}

/// Programs in a Redis image that are clients (a container or service that
/// runs only these is a consumer), and those that serve.
pub(crate) const CLIENT_PROGRAMS: &[&str] = &[
    "redis-cli",
    "valkey-cli",
    "keydb-cli",
    "redis-benchmark",
    "valkey-benchmark",
];
pub(crate) const SERVER_PROGRAMS: &[&str] = &[
    "redis-server",
    "valkey-server",
    "keydb-server",
    "redis-sentinel",
    "valkey-sentinel",
];

/// Whether a container's command line (`command`, else `args`: a Redis
/// image's entrypoint runs what it is given) keeps it up doing nothing: a
/// toolbox pod (`kubectl run redis-shell --image=redis --command -- sleep
/// infinity`) that someone execs `redis-cli` in by hand runs no server. Only
/// programs that never start one count (`sleep`, `tail -f /dev/null`, a
/// bare shell), also as a `sh -c` script's first word; an entrypoint
/// script (`start-master.sh`) may start a server and is not one.
pub(crate) fn idles(argv: &[&str]) -> bool {
    const IDLE: &[&str] = &["sleep", "tail", "cat", "pause", "true"];
    const SHELLS: &[&str] = &["sh", "bash", "ash", "dash", "zsh"];
    let base = |w: &str| w.rsplit('/').next().unwrap_or(w).to_string();
    let words: Vec<&str> = argv.iter().flat_map(|a| a.split_whitespace()).collect();
    if words.iter().any(|w| {
        let w = w.trim_matches([';', '&', '|', '(', ')', '"', '\'']);
        SERVER_PROGRAMS.contains(&base(w).as_str())
    }) {
        return false;
    }
    let Some(first) = argv.first().map(|a| a.trim()) else {
        return false;
    };
    let program = base(first.split_whitespace().next().unwrap_or(""));
    if SHELLS.contains(&program.as_str()) {
        return match argv.get(1).map(|a| a.trim()) {
            // A bare shell (`kubectl run -it … -- sh`) waits on its input.
            None => first.split_whitespace().count() == 1,
            // One command only: `sleep 3 && exec dragonfly`, `cat a.conf >
            // b.conf; exec docker-entrypoint.sh b.conf` go on to a server.
            Some("-c") => argv.get(2).is_some_and(|script| {
                let script = script.trim().trim_start_matches("exec ");
                !script.contains([';', '&', '|', '\n', '>', '<', '`', '(']) && idles(&[script])
            }),
            Some(_) => false,
        };
    }
    IDLE.contains(&program.as_str())
}

/// Images of Redis-compatible servers, matched on the image's repository
/// name (registry and tag ignored). Adding one is one line.
const REDIS_IMAGES: &[&str] = &[
    "redis",
    "redis-stack",
    "redis-stack-server",
    "redis-cluster",
    "redis-sentinel",
    "valkey",
    "valkey-cluster",
    "valkey-sentinel",
    "keydb",
    "dragonfly",
    "garnet",
    "kvrocks",
    "redis-enterprise",
    "rejson",
    "redisearch",
    "redisgraph",
    "redistimeseries",
    "redisbloom",
    "redismod",
    "valkey-bundle",
    // Harbor's own Redis.
    "redis-photon",
    "falkordb",
    // The Kubernetes and GKE guestbook samples.
    "gb-redis-leader",
    "gb-redis-follower",
    "gb-redisslave",
    "redis-slave",
];

/// Images of other datastores' servers (matched like [`is_redis_image`]):
/// they read no Redis settings, so a Redis address in their environment
/// (a project-wide env file they share with the apps) is no use of Redis.
const OTHER_DATASTORE_IMAGES: &[&str] = &[
    "postgres",
    "postgresql",
    "postgis",
    "timescaledb",
    "mysql",
    "mariadb",
    "percona-server",
    "mongo",
    "mongodb",
    "memcached",
    "rabbitmq",
    "elasticsearch",
    "opensearch",
    "clickhouse-server",
    "cassandra",
    "etcd",
    "zookeeper",
    "minio",
    "mysql-server",
    "percona",
    "postgresql-repmgr",
    "timescaledb-ha",
    "pgvector",
    "pgbouncer",
    "mssql-server",
    "neo4j",
    "influxdb",
    "kafka",
    "cp-kafka",
    "nats",
    "cockroach",
    "couchdb",
    "scylla",
];

/// Whether an image runs another datastore's server ([`OTHER_DATASTORE_IMAGES`]).
pub fn is_other_datastore_image(image: &str) -> bool {
    let repo = image_repo(image);
    OTHER_DATASTORE_IMAGES.contains(&repo.as_ref())
        || is_versioned_repo(&repo, &["postgresql", "mysql", "mariadb", "mongodb"])
}

/// The note said, instead of a consumer, for a compose service or a
/// Kubernetes container whose image runs another datastore's server
/// ([`is_other_datastore_image`]) and whose environment holds a Redis
/// setting (an env file or ConfigMap it shares with the apps): that server
/// reads none, so its environment is no use of Redis. Its command line and
/// mounted files are written for it alone and stay evidence. `who` names it
/// (`service db`, `container db of data/StatefulSet/postgres`); `first` is
/// the evidence of the first setting it would have been linked by, and
/// where the note is placed.
pub(crate) fn not_a_consumer(who: &str, image: &str, first: &Evidence) -> Diagnostic {
    Diagnostic::info(
        "not-a-consumer",
        format!(
            "{who} runs {image}, a server that reads no Redis settings: the Redis setting in its environment ({}) is not read as a use of Redis",
            first.detail
        ),
    )
    .at_origin(&first.origin)
}

/// An image's repository name, lower-cased, without registry, path, tag or
/// digest: `docker.io/bitnami/redis:7.2@sha256:…` → `redis`.
fn image_repo(image: &str) -> std::borrow::Cow<'_, str> {
    // Byte scans: an image is a few dozen bytes, looked at for every
    // container several times.
    let b = image.as_bytes();
    let end = b.iter().position(|&c| c == b'@').unwrap_or(b.len());
    let start = b[..end]
        .iter()
        .rposition(|&c| c == b'/')
        .map_or(0, |i| i + 1);
    let end = b[start..end]
        .iter()
        .position(|&c| c == b':')
        .map_or(end, |i| start + i);
    let repo = &image[start..end];
    if repo.bytes().any(|c| c.is_ascii_uppercase()) {
        std::borrow::Cow::Owned(repo.to_ascii_lowercase())
    } else {
        std::borrow::Cow::Borrowed(repo)
    }
}

/// Whether a Redis image may configure its server from environment
/// variables (`REDIS_PASSWORD`, `REDIS_TLS_ENABLED`: Bitnami's and the
/// images built like it). The official images (`redis`, `valkey/valkey`,
/// from Docker Hub or a mirror) read none: there such a variable only
/// matters where a command passes it.
pub(crate) fn configured_from_env(image: &str) -> bool {
    let path = image.split('@').next().unwrap_or(image);
    // The tag follows the last `:` after the last `/` (a registry may
    // have a port: `registry:5000/redis`).
    let path = match path.rsplit_once(':') {
        Some((p, tag)) if !tag.contains('/') => p,
        _ => path,
    };
    let path = path.to_ascii_lowercase();
    let mut path = path.as_str();
    for registry in [
        "docker.io/",
        "index.docker.io/",
        "registry-1.docker.io/",
        "mirror.gcr.io/",
        "public.ecr.aws/docker/",
    ] {
        path = path.strip_prefix(registry).unwrap_or(path);
    }
    // A Docker Hub proxy or mirror keeps the `library/` path
    // (`harbor.example.com/dockerhub/library/redis`).
    let path = match path.rfind("library/") {
        Some(at) if at == 0 || path[..at].ends_with('/') => &path[at + "library/".len()..],
        _ => path,
    };
    !matches!(
        path,
        "redis" | "valkey/valkey" | "redis/redis-stack" | "redis/redis-stack-server"
    )
}

/// Red Hat and Software Collections images name their version in the
/// repository: `rhel9/redis-7`, `sclorg/redis-7-c9s`, `centos/redis-5-centos7`,
/// `rhscl/redis-6-rhel7`, `sclorg/valkey-8-c10s`.
fn is_versioned_redis_repo(repo: &str) -> bool {
    is_versioned_repo(repo, &["redis", "valkey"])
}

/// `<name>-<version>[-<platform>]` for one of `names` (`postgresql-15`,
/// `mysql-80-el8`, `redis-7-c9s`), as Red Hat and Software Collections
/// name their images.
fn is_versioned_repo(repo: &str, names: &[&str]) -> bool {
    let Some(rest) = names
        .iter()
        .find_map(|n| repo.strip_prefix(n).and_then(|r| r.strip_prefix('-')))
    else {
        return false;
    };
    let (version, platform) = rest.split_once('-').unwrap_or((rest, ""));
    let platform_ok = platform.is_empty()
        || ["c", "el", "rhel", "centos", "ubi"].iter().any(|p| {
            platform.strip_prefix(p).is_some_and(|n| {
                let n = n.strip_suffix('s').unwrap_or(n);
                !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
            })
        });
    !version.is_empty() && version.bytes().all(|b| b.is_ascii_digit()) && platform_ok
}

/// Whether an image runs a Redis-compatible server: `redis:7`,
/// `bitnami/redis:7.2`, `docker.io/valkey/valkey:8`,
/// `docker.dragonflydb.io/dragonflydb/dragonfly`. Not `redis-exporter`,
/// `redis-commander` or `redisinsight`, which are clients.
pub fn is_redis_image(image: &str) -> bool {
    let repo = image_repo(image);
    REDIS_IMAGES.contains(&repo.as_ref()) || is_versioned_redis_repo(&repo)
}

/// Images of Redis proxies and TLS tunnels, by repository name, with the
/// name fallout gives the software: a workload running one that is itself
/// a client of a Redis passes its own clients' commands on to that Redis.
const PROXY_IMAGES: &[(&str, &str)] = &[
    ("twemproxy", "twemproxy"),
    ("nutcracker", "twemproxy"),
    ("haproxy", "haproxy"),
    ("haproxy-alpine", "haproxy"),
    ("haproxy-debian", "haproxy"),
    ("haproxy-ubuntu", "haproxy"),
    ("envoy", "envoy"),
    ("envoy-distroless", "envoy"),
    ("predixy", "predixy"),
    ("redis-cluster-proxy", "redis-cluster-proxy"),
    ("codis-proxy", "codis-proxy"),
    ("codis", "codis-proxy"),
    ("dynomite", "dynomite"),
    ("corvus", "corvus"),
    ("overlord", "overlord"),
    ("stunnel", "stunnel"),
    ("stunnel4", "stunnel"),
    ("ghostunnel", "ghostunnel"),
    ("spiped", "spiped"),
    ("socat", "socat"),
];

/// The Redis proxy or TLS tunnel an image runs ([`PROXY_IMAGES`]):
/// `envoyproxy/envoy:v1.30` → `envoy`, `malexer/twemproxy` → `twemproxy`,
/// `dweomer/stunnel` → `stunnel`. `None` for anything else.
pub fn proxy_of_image(image: &str) -> Option<&'static str> {
    let repo = image_repo(image);
    PROXY_IMAGES
        .iter()
        .find(|(r, _)| *r == repo)
        .map(|(_, name)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn official_images_read_no_server_env() {
        for official in [
            "redis",
            "redis:7",
            "docker.io/library/redis:7.2@sha256:abc",
            "valkey/valkey:8",
            "mirror.gcr.io/redis",
            "registry.hub.docker.com/library/redis:7",
            "harbor.example.com/dockerhub/library/redis",
            "redis/redis-stack:latest",
        ] {
            assert!(!configured_from_env(official), "{official}");
        }
        for env in [
            "bitnami/redis:7.2",
            "docker.io/bitnami/valkey",
            "registry:5000/redis",
            "myorg/redis:7",
            "bitnamilegacy/redis-sentinel",
        ] {
            assert!(configured_from_env(env), "{env}");
        }
    }

    #[test]
    fn other_datastore_images() {
        for image in [
            "postgres:16",
            "bitnami/postgresql:16.2.0",
            "mysql/mysql-server:8.0",
            "registry.redhat.io/rhel9/postgresql-15",
            "quay.io/sclorg/postgresql-16-c9s",
            "registry.redhat.io/rhel8/mysql-80",
            "bitnami/postgresql-repmgr:16",
            "timescale/timescaledb-ha:pg16",
            "pgvector/pgvector:pg16",
            "confluentinc/cp-kafka:7.6.0",
        ] {
            assert!(is_other_datastore_image(image), "{image}");
        }
        for image in [
            "acme/postgres-backup-s3",
            "acme/api",
            "redis:7",
            "postgresql-tools",
        ] {
            assert!(!is_other_datastore_image(image), "{image}");
        }
    }

    #[test]
    fn idle_command_lines() {
        use super::idles;
        for idle in [
            &["sleep", "infinity"][..],
            &["/bin/sleep", "3600"],
            &["tail", "-f", "/dev/null"],
            &["sh"],
            &["/bin/bash"],
            &["sh", "-c", "exec sleep 3600"],
            &["sh", "-c", " sleep infinity "],
            &["sleep infinity"],
        ] {
            assert!(idles(idle), "{idle:?}");
        }
        for busy in [
            &["redis-server", "--port", "6380"][..],
            &["sh", "-c", "sleep 5 && redis-server /etc/redis.conf"],
            &["sh", "-c", "sleep 3 && exec dragonfly --port 6379"],
            &[
                "sh",
                "-c",
                "cat /conf/redis.conf > /data/redis.conf; exec docker-entrypoint.sh /data/redis.conf",
            ],
            &["sh", "-c", "sleep 10; echo done"],
            &[
                "/bin/bash",
                "-c",
                "/opt/bitnami/scripts/start-scripts/start-master.sh",
            ],
            &["bash", "/scripts/start.sh"],
            &["docker-entrypoint.sh", "sleep", "infinity"],
            &["--appendonly", "yes"],
            &[],
        ] {
            assert!(!idles(busy), "{busy:?}");
        }
    }

    #[test]
    fn proxy_images() {
        for (image, proxy) in [
            ("malexer/twemproxy:0.5.0", "twemproxy"),
            ("haproxy:2.9-alpine", "haproxy"),
            ("envoyproxy/envoy:v1.30-latest", "envoy"),
            ("docker.io/dweomer/stunnel", "stunnel"),
            ("ghostunnel/ghostunnel:v1.8", "ghostunnel"),
            ("haoxiang/predixy:1.0.5", "predixy"),
            ("haproxytech/haproxy-alpine:2.9", "haproxy"),
        ] {
            assert_eq!(proxy_of_image(image), Some(proxy), "{image}");
        }
        for image in [
            "redis:7",
            "acme/api",
            "nginx:1.27",
            "oliver006/redis_exporter",
        ] {
            assert_eq!(proxy_of_image(image), None, "{image}");
        }
    }

    #[test]
    fn image_repositories() {
        for (image, repo) in [
            ("redis", "redis"),
            ("redis:7.2", "redis"),
            ("docker.io/Bitnami/Redis:7.2@sha256:0a1b", "redis"),
            ("localhost:5000/cache/valkey:8", "valkey"),
            ("redis@sha256:0a1b", "redis"),
            ("ghcr.io/a/b/redis-stack-server", "redis-stack-server"),
            ("", ""),
        ] {
            assert_eq!(image_repo(image), repo, "{image}");
        }
    }

    #[test]
    fn redis_images() {
        for image in [
            "redis:alpine",
            "bitnami/redis:7.2",
            "public.ecr.aws/docker/library/redis:8.10.1-alpine",
            "docker.io/valkey/valkey:8@sha256:abc",
            "eqalpha/keydb",
            "docker.dragonflydb.io/dragonflydb/dragonfly:v1",
            "redis/redis-stack-server:latest",
            "localhost:5000/redis:7",
            "redislabs/rejson:2.6",
            "redislabs/redisearch:2.8",
            "valkey/valkey-bundle:8",
            "goharbor/redis-photon:v2.10.0",
            "registry.redhat.io/rhel9/redis-7",
            "quay.io/sclorg/redis-7-c9s:latest",
            "centos/redis-5-centos7",
            "registry.access.redhat.com/rhscl/redis-6-rhel7",
            "quay.io/sclorg/valkey-8-c10s",
            "falkordb/falkordb:latest",
            "us-docker.pkg.dev/google-samples/containers/gke/gb-redis-follower:v2",
        ] {
            assert!(is_redis_image(image), "{image}");
        }
        for image in [
            "oliver006/redis_exporter",
            "rediscommander/redis-commander",
            "redislabs/redisinsight",
            "postgres:15",
            "myorg/redis-sessions-api:1",
            "myorg/redis-7-migrator:1",
            "redis-backup",
            "bitnami/redis-exporter",
        ] {
            assert!(!is_redis_image(image), "{image}");
        }
    }
}

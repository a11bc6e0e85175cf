//! What kustomizations do to the files they list, as `kubectl kustomize`
//! would, as far as it matters for who uses a Redis:
//! - `namespace:` applies to the files listed under `resources:`; an
//!   overlay's namespace wins over its bases', and a base listed by two
//!   overlays is two sets of objects, one per namespace;
//! - `components:` (folders whose kustomization is `kind: Component`) are
//!   read like bases: their resources, patches and generators join the
//!   including kustomization, in its namespace;
//! - strategic-merge patches (`patches:`, `patchesStrategicMerge:`), files
//!   or written inline, are read in the namespace of the kustomization that
//!   applies them, so their settings join the object they patch;
//! - `configMapGenerator` and `secretGenerator` (`literals`, `envs`,
//!   `files`) make ConfigMaps and Secrets under the name written
//!   (kustomize's hash suffix is rewritten into references, so the written
//!   name is what they use).
//!
//! Name prefixes and suffixes, JSON 6902 patches and replacements are not
//! applied (the scanner says so where it meets a kustomization), nor is a
//! patch's `target:` (a patch joins the object it names itself).

use crate::k8s::Object;
use crate::projects::{dir_of, join_path, Tree};
use crate::yaml::{self, Node, Value};
use crate::{config, SourceFile};
use fallout_core::Diagnostic;
use std::collections::{BTreeMap, BTreeSet};

/// File names kustomize reads in a folder.
const NAMES: &[&str] = &["kustomization.yaml", "kustomization.yml", "Kustomization"];

struct Kustomization<'a> {
    path: &'a str,
    text: &'a str,
    namespace: Option<&'a str>,
    /// `kind: Component`: applied only where a kustomization lists it.
    component: bool,
    /// `resources` (and the older `bases`) and `components`, as written,
    /// with their lines.
    resources: Vec<(&'a str, u32)>,
    /// Strategic-merge patch files, as written, with their lines.
    patches: Vec<(&'a str, u32)>,
    /// Patches written inline (`patch: |`, or YAML text as an entry of
    /// `patchesStrategicMerge`): the scalars that hold them.
    inline_patches: Vec<&'a Node<'a>>,
    root: &'a Node<'a>,
}

/// What the kustomizations of a tree do to it.
#[derive(Debug, Default)]
pub struct Kustomized {
    /// For each manifest file a kustomization with a namespace reaches: the
    /// namespaces its objects get (several when overlays share a base).
    /// Files no such kustomization reaches are not in the map.
    /// `None`: a copy in the object's own namespace, for a file also applied
    /// by a kustomization without one.
    pub namespaces: BTreeMap<String, BTreeSet<Option<String>>>,
    /// Patch files, with the namespaces they are applied in (empty: the
    /// patch's own, or the default).
    pub patches: BTreeMap<String, BTreeSet<String>>,
    /// Objects the kustomizations hold themselves, at their lines, one per
    /// namespace the kustomization is applied in: the ConfigMaps and Secrets
    /// the generators make, and inline patches (`patch` set, as is a
    /// generator's `behavior: merge`).
    pub generated: Vec<Object<'static>>,
    /// Files a generator's `files:` reads: their text is a ConfigMap's or
    /// Secret's value, read where that is mounted, not the config of an app
    /// in their folder.
    pub generator_files: BTreeSet<String>,
    /// A kustomization that does not parse (an error: what it does is not
    /// applied), and files it lists that are not among the scanned ones.
    pub diagnostics: Vec<Diagnostic>,
}

/// Words that, in a kustomization, mean it does more than list files.
const DOES_MORE: &[&str] = &[
    "namespace:",
    "patches:",
    "patchesStrategicMerge:",
    "configMapGenerator:",
    "secretGenerator:",
];

/// What the kustomizations among `files` do ([`Kustomized`]).
pub fn apply(files: &[SourceFile]) -> Kustomized {
    let candidates: Vec<&SourceFile> = files
        .iter()
        .filter(|f| NAMES.contains(&f.path.rsplit('/').next().unwrap_or("")))
        .collect();
    let mut out = Kustomized::default();
    let mut docs: Vec<(&SourceFile, Vec<yaml::Document<'_>>)> = Vec::new();
    for f in candidates {
        match yaml::parse(&f.text, 1) {
            Ok(parsed) => docs.push((f, parsed)),
            Err(e) => out.diagnostics.push(
                Diagnostic::error(
                    "yaml-parse",
                    format!(
                        "{}; fix the kustomization (its namespace, patches and generators are not applied)",
                        e.message
                    ),
                )
                .at(&f.path, Some(e.line), Some(e.col)),
            ),
        }
    }
    if docs.is_empty() {
        return out;
    }
    let does_more = docs
        .iter()
        .any(|(f, _)| DOES_MORE.iter().any(|w| f.text.contains(w)));
    let kustomizations: Vec<Kustomization<'_>> = docs
        .iter()
        .filter_map(|(f, docs)| {
            let root = &docs.first()?.root;
            let kind = root.str_at(&["kind"]);
            if kind.is_some_and(|k| k != "Kustomization" && k != "Component") {
                return None;
            }
            let items = |keys: &[&str]| -> Vec<&Node<'_>> {
                keys.iter()
                    .flat_map(|k| root.get(k).map(Node::as_seq).unwrap_or_default())
                    .collect()
            };
            let resources = items(&["resources", "bases", "components"])
                .into_iter()
                .filter_map(|item| Some((item.as_str()?, item.line)))
                .collect();
            let mut patches = Vec::new();
            let mut inline_patches = Vec::new();
            for item in items(&["patches", "patchesStrategicMerge"]) {
                match item.as_str() {
                    Some(text) if is_inline(text) => inline_patches.push(item),
                    Some(path) => patches.push((path, item.line)),
                    None => {
                        if let Some(path) = item.str_at(&["path"]) {
                            patches.push((path, item.line));
                        } else if let Some(patch) = item.get("patch") {
                            inline_patches.push(patch);
                        }
                    }
                }
            }
            Some(Kustomization {
                path: &f.path,
                text: &f.text,
                namespace: root.str_at(&["namespace"]),
                component: kind == Some("Component"),
                resources,
                patches,
                inline_patches,
                root,
            })
        })
        .collect();
    let by_dir: BTreeMap<&str, usize> = kustomizations
        .iter()
        .enumerate()
        .map(|(i, k)| (dir_of(k.path), i))
        .collect();
    // Most trees have no kustomization that does more than list files:
    // nothing to apply, but a listed file that is not there is still said.
    if !does_more {
        out.diagnostics
            .extend(missing_resources(files, &kustomizations, &by_dir));
        return out;
    }
    let tree = Tree::new(files);
    // What each entry names: a file of the scan, or a folder with a
    // kustomization (remote bases and missing paths name nothing here).
    enum Entry {
        File(String),
        Kustomization(usize),
    }
    let mut missing = Vec::new();
    let entries: Vec<Vec<Entry>> = kustomizations
        .iter()
        .map(|k| {
            k.resources
                .iter()
                .filter_map(|&(r, line)| {
                    if is_remote(r) {
                        return None;
                    }
                    let joined = join_path(dir_of(k.path), r.trim_end_matches('/'))?;
                    if let Some(f) = tree.get(&joined) {
                        return Some(Entry::File(f.path.clone()));
                    }
                    let found = by_dir
                        .get(joined.as_str())
                        .map(|&i| Entry::Kustomization(i));
                    if found.is_none() {
                        missing.push(not_scanned(k.path, r, line));
                    }
                    found
                })
                .collect()
        })
        .collect();
    out.diagnostics.extend(missing);
    let listed: BTreeSet<usize> = entries
        .iter()
        .flatten()
        .filter_map(|e| match e {
            Entry::Kustomization(i) => Some(*i),
            Entry::File(_) => None,
        })
        .collect();
    // The namespaces each kustomization is applied in (`None`: its objects
    // keep their own).
    let mut applied: BTreeMap<usize, BTreeSet<Option<&str>>> = BTreeMap::new();
    // From each kustomization no other lists (what `kubectl apply -k` is
    // pointed at), down through its bases; the outermost namespace wins.
    let mut stack: Vec<(usize, Option<&str>, usize)> = (0..kustomizations.len())
        .filter(|&i| !listed.contains(&i) && !kustomizations[i].component)
        .map(|i| (i, kustomizations[i].namespace, 0))
        .collect();
    // Each kustomization is walked once per namespace it is reached with:
    // diamonds of bases (and a base listed twice) stay linear.
    let mut walked: BTreeSet<(usize, Option<&str>)> = BTreeSet::new();
    while let Some((i, ns, depth)) = stack.pop() {
        // A cycle of bases is kustomize's error; here it ends the walk.
        if depth > 32 || !walked.insert((i, ns)) {
            continue;
        }
        applied.entry(i).or_default().insert(ns);
        let k = &kustomizations[i];
        for &(patch, line) in &k.patches {
            let Some(joined) = join_path(dir_of(k.path), patch) else {
                continue;
            };
            let Some(f) = tree.get(&joined) else {
                // Said once, not once per namespace the walk reaches it in.
                say_once(&mut out.diagnostics, not_scanned(k.path, patch, line));
                continue;
            };
            let namespaces = out.patches.entry(f.path.clone()).or_default();
            namespaces.extend(ns.map(str::to_string));
        }
        for entry in &entries[i] {
            match entry {
                Entry::File(path) => {
                    out.namespaces
                        .entry(path.clone())
                        .or_default()
                        .insert(ns.map(str::to_string));
                }
                Entry::Kustomization(j) => {
                    stack.push((*j, ns.or(kustomizations[*j].namespace), depth + 1));
                }
            }
        }
    }
    // Files no namespace reaches are read as they are.
    out.namespaces
        .retain(|_, list| list.iter().any(Option::is_some));
    for (i, namespaces) in applied {
        let k = &kustomizations[i];
        let patches = inline_patches(k, &mut out.diagnostics);
        for ns in namespaces {
            let made = generated(k, ns, &tree, &mut out);
            out.generated.extend(made);
            out.generated.extend(patches.iter().map(|o| Object {
                namespace: ns.map(str::to_string),
                ..o.clone()
            }));
        }
    }
    out
}

/// The `resources:` (`bases:`, `components:`) entries that name neither a
/// scanned file nor a folder with a kustomization, for trees where nothing
/// else is applied: a pass over the paths only, without building a [`Tree`].
fn missing_resources(
    files: &[SourceFile],
    kustomizations: &[Kustomization<'_>],
    by_dir: &BTreeMap<&str, usize>,
) -> Vec<Diagnostic> {
    // Each local entry, resolved: (path, kustomization, entry, line).
    let listed: Vec<(String, &str, &str, u32)> = kustomizations
        .iter()
        .flat_map(|k| {
            k.resources.iter().filter_map(|&(r, line)| {
                if is_remote(r) {
                    return None;
                }
                let joined = join_path(dir_of(k.path), r.trim_end_matches('/'))?;
                (!by_dir.contains_key(joined.as_str())).then_some((joined, k.path, r, line))
            })
        })
        .collect();
    if listed.is_empty() {
        return Vec::new();
    }
    let wanted: BTreeSet<&str> = listed.iter().map(|(p, ..)| p.as_str()).collect();
    let found: BTreeSet<String> = files
        .iter()
        .filter_map(|f| {
            let key = path_key(&f.path);
            wanted.contains(key.as_ref()).then(|| key.into_owned())
        })
        .collect();
    listed
        .into_iter()
        .filter(|(p, ..)| !found.contains(p))
        .map(|(_, k, r, line)| not_scanned(k, r, line))
        .collect()
}

/// A scanned file's path as [`join_path`] writes it (as [`Tree`] keys it).
fn path_key(path: &str) -> std::borrow::Cow<'_, str> {
    let inner = path.strip_prefix('/').unwrap_or(path);
    if !inner.is_empty() && inner.split('/').all(|p| !matches!(p, "" | "." | "..")) {
        return path.into();
    }
    let (dir, rel) = match path.strip_prefix('/') {
        Some(rest) => ("/", rest),
        None => ("", path),
    };
    join_path(dir, rel).map_or(path.into(), Into::into)
}

/// Hosts that serve git repositories kustomize fetches bases from.
const GIT_HOSTS: &[&str] = &[
    "github.com",
    "gitlab.com",
    "bitbucket.org",
    "dev.azure.com",
    "ssh.dev.azure.com",
    "codeberg.org",
    "gitea.com",
    "sourcehut.org",
    "git.sr.ht",
];

/// Whether a `resources:` entry is a remote base (a URL, or go-getter's
/// forms: `github.com/org/repo//path?ref=v1`, `git@github.com:org/repo.git`,
/// `git::https://…`), which kustomize fetches and the scan cannot hold.
fn is_remote(entry: &str) -> bool {
    let entry = entry.trim();
    if entry.contains("://") || entry.starts_with("git::") {
        return true;
    }
    // A query of go-getter's or kustomize's: `?ref=v1`, `?version=`, ...
    if let Some((_, query)) = entry.split_once('?') {
        if query.split('&').any(|p| {
            matches!(
                p.split('=').next(),
                Some("ref" | "version" | "timeout" | "submodules" | "depth")
            )
        }) {
            return true;
        }
    }
    let first = entry.split('/').next().unwrap_or("");
    // scp-like: `git@github.com:org/repo.git`, `github.com:org/repo`.
    if first.contains(':') {
        return true;
    }
    // A host as the first part: a known one, or a domain name followed by
    // go-getter's `//` (repository, then the folder in it) or a `.git`.
    let host = first.rsplit('@').next().unwrap_or(first);
    if GIT_HOSTS.contains(&host.to_ascii_lowercase().as_str()) {
        return true;
    }
    let domain = !host.starts_with('.')
        && host.split('.').count() > 1
        && host
            .rsplit('.')
            .next()
            .is_some_and(|tld| tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()))
        && host.split('.').all(|label| !label.is_empty());
    let rest = &entry[first.len()..];
    domain && (rest.contains("//") || rest.contains(".git/") || rest.ends_with(".git"))
}

/// Whether an entry of `patchesStrategicMerge` is the patch itself, written
/// inline, rather than the path of a file holding it.
fn is_inline(entry: &str) -> bool {
    entry.contains('\n') || entry.contains(": ") || entry.trim_start().starts_with('{')
}

/// The objects of a kustomization's inline patches, as patches, at the
/// kustomization's lines. A patch that does not parse is an error there;
/// JSON 6902 patches (a list of operations) are no object and not read.
fn inline_patches(
    k: &Kustomization<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Object<'static>> {
    let mut out = Vec::new();
    for node in &k.inline_patches {
        let Some(text) = node.as_str() else { continue };
        // A block scalar (`patch: |`) starts on the line below its `|`, and
        // each of its lines is indented as that first one is.
        let lines = node.line.saturating_sub(1);
        let cols = if node.block {
            let first = k.text.lines().nth(lines as usize).unwrap_or("");
            (first.len() - first.trim_start().len()) as u32
        } else {
            0
        };
        let (objects, diags) = crate::k8s::parse_manifests(k.path, text);
        for mut d in diags {
            d.line = d.line.map(|l| l + lines);
            d.col = d.col.map(|c| c + cols);
            say_once(diagnostics, d);
        }
        for o in objects {
            let mut root = o.root.into_owned();
            shift(&mut root, lines, cols);
            out.push(Object {
                path: k.path.to_string(),
                root,
                namespace: None,
                patch: true,
            });
        }
    }
    out
}

/// Moves a node parsed on its own to where its text is in the file.
fn shift(node: &mut Node<'_>, lines: u32, cols: u32) {
    node.line += lines;
    node.col += cols;
    match &mut node.value {
        Value::Scalar { .. } => {}
        Value::Seq(items) => items.iter_mut().for_each(|n| shift(n, lines, cols)),
        Value::Map(entries) => {
            for (key, value) in entries {
                shift(key, lines, cols);
                shift(value, lines, cols);
            }
        }
    }
}

/// The ConfigMaps and Secrets one kustomization's generators make, in `ns`.
fn generated(
    k: &Kustomization<'_>,
    ns: Option<&str>,
    tree: &Tree<'_>,
    kustomized: &mut Kustomized,
) -> Vec<Object<'static>> {
    let mut out = Vec::new();
    for (field, kind, data_key) in [
        ("configMapGenerator", "ConfigMap", "data"),
        ("secretGenerator", "Secret", "stringData"),
    ] {
        for generator in k.root.get(field).map(Node::as_seq).unwrap_or_default() {
            let Some(name) = generator.str_at(&["name"]) else {
                continue;
            };
            let mut data: Vec<(Node<'static>, Node<'static>)> = Vec::new();
            for literal in generator
                .get("literals")
                .map(Node::as_seq)
                .unwrap_or_default()
            {
                if let Some((key, value)) = literal.as_str().and_then(|l| l.split_once('=')) {
                    data.push(pair(key, value, literal.line));
                }
            }
            for env in ["envs", "env"].iter().flat_map(|f| match generator.get(f) {
                Some(n) if n.as_seq().is_empty() => vec![n],
                Some(n) => n.as_seq().iter().collect(),
                None => Vec::new(),
            }) {
                let Some(name) = env.as_str() else { continue };
                let Some(file) = join_path(dir_of(k.path), name).and_then(|p| tree.get(&p)) else {
                    // Said once, not once per namespace it is made in.
                    say_once(
                        &mut kustomized.diagnostics,
                        not_scanned(k.path, name, env.line),
                    );
                    continue;
                };
                for s in config::read_format(config::Format::Dotenv, &file.text).settings {
                    data.push(pair(&s.key, &s.value, env.line));
                }
            }
            // `- application.yml` is key `application.yml`; `- key=path`
            // names the key.
            for entry in generator.get("files").map(Node::as_seq).unwrap_or_default() {
                let Some(written) = entry.as_str() else {
                    continue;
                };
                let (key, name) = match written.split_once('=') {
                    Some((key, name)) => (key, name),
                    None => (written.rsplit('/').next().unwrap_or(written), written),
                };
                match join_path(dir_of(k.path), name).and_then(|p| tree.get(&p)) {
                    Some(file) => {
                        data.push(pair(key, &file.text, entry.line));
                        kustomized.generator_files.insert(file.path.clone());
                    }
                    // Binary files (keystores, images) are not read, so
                    // not among the scanned ones, and hold no Redis address.
                    None if is_binary_name(name) => {}
                    None => say_once(
                        &mut kustomized.diagnostics,
                        not_scanned(k.path, written, entry.line),
                    ),
                }
            }
            let namespace = ns.or_else(|| generator.str_at(&["namespace"]));
            let mut metadata = vec![pair("name", name, generator.line)];
            if let Some(ns) = namespace {
                metadata.push(pair("namespace", ns, generator.line));
            }
            let map = |entries, line| Node {
                line,
                col: 1,
                value: Value::Map(entries),
                block: false,
            };
            let root = map(
                vec![
                    pair("apiVersion", "v1", generator.line),
                    pair("kind", kind, generator.line),
                    (
                        Node::scalar("metadata", generator.line, 1),
                        map(metadata, generator.line),
                    ),
                    (
                        Node::scalar(data_key, generator.line, 1),
                        map(data, generator.line),
                    ),
                ],
                generator.line,
            );
            // `behavior: merge` or `replace` changes a base's generator: the
            // same ConfigMap, not a second one.
            let patch = matches!(generator.str_at(&["behavior"]), Some("merge" | "replace"));
            out.push(Object {
                path: k.path.to_string(),
                root,
                namespace: ns.map(str::to_string),
                patch,
            });
        }
    }
    out
}

/// Extensions of files a generator may hold that the scan does not read
/// (they are binary).
const BINARY_EXTENSIONS: &[&str] = &[
    "jks",
    "p12",
    "pfx",
    "keystore",
    "truststore",
    "der",
    "gz",
    "tgz",
    "zip",
    "jar",
    "png",
    "jpg",
    "jpeg",
    "gif",
    "ico",
    "webp",
    "woff",
    "woff2",
    "ttf",
    "otf",
    "pdf",
];

fn is_binary_name(name: &str) -> bool {
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| BINARY_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()))
}

/// Pushes a diagnostic unless it is already there: a kustomization applied
/// in several namespaces says each thing once.
fn say_once(diagnostics: &mut Vec<Diagnostic>, said: Diagnostic) {
    if !diagnostics.contains(&said) {
        diagnostics.push(said);
    }
}

/// A file a kustomization lists that is not among the scanned ones.
fn not_scanned(kustomization: &str, entry: &str, line: u32) -> Diagnostic {
    Diagnostic::warning(
        "kustomize-missing",
        format!(
            "lists `{entry}`, which names no file or kustomization among the scanned ones; scan the overlay together with its bases"
        ),
    )
    .at(kustomization, Some(line), None)
}

/// A key and its value, both at `line`.
fn pair(key: &str, value: &str, line: u32) -> (Node<'static>, Node<'static>) {
    (
        Node::scalar(key.to_string(), line, 1),
        Node::scalar(value.to_string(), line, 1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[(&str, &str)]) -> Vec<SourceFile> {
        list.iter()
            .map(|(p, t)| SourceFile {
                path: p.to_string(),
                text: t.to_string(),
            })
            .collect()
    }

    fn show_ns(map: &BTreeMap<String, BTreeSet<Option<String>>>) -> Vec<String> {
        map.iter()
            .map(|(p, ns)| {
                let ns: Vec<&str> = ns.iter().map(|n| n.as_deref().unwrap_or("(own)")).collect();
                format!("{p}: {}", ns.join(","))
            })
            .collect()
    }

    fn show(map: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
        map.iter()
            .map(|(p, ns)| format!("{p}: {}", ns.iter().cloned().collect::<Vec<_>>().join(",")))
            .collect()
    }

    #[test]
    fn a_namespace_reaches_the_files_listed_and_overlays_win() {
        let f = files(&[
            ("base/kustomization.yaml", "resources: [deploy.yaml, svc.yaml]\nnamespace: base-ns\n"),
            ("base/deploy.yaml", "kind: Deployment"),
            ("base/svc.yaml", "kind: Service"),
            ("overlays/prod/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: prod\nresources:\n  - ../../base\n  - extra.yaml\n"),
            ("overlays/prod/extra.yaml", "kind: ConfigMap"),
            ("overlays/dev/kustomization.yml", "namespace: dev\nbases: [../../base/]\n"),
            ("team/kustomization.yaml", "namespace: team\nresources: [app.yaml, https://github.com/x/y//z, missing.yaml]\n"),
            ("team/app.yaml", "kind: Deployment"),
            ("plain/kustomization.yaml", "resources: [a.yaml]\n"),
            // A root without a namespace over the base: the base's own.
            ("bare/kustomization.yaml", "resources: [../base]\n"),
            ("plain/a.yaml", "kind: Deployment"),
        ]);
        assert_eq!(
            show_ns(&apply(&f).namespaces),
            [
                "base/deploy.yaml: base-ns,dev,prod",
                "base/svc.yaml: base-ns,dev,prod",
                "overlays/prod/extra.yaml: prod",
                "team/app.yaml: team",
            ]
        );
    }

    /// Patch files take the namespace of the kustomization applying them;
    /// generators make a ConfigMap (literals, an env file) and a Secret
    /// (`stringData`) per namespace, at the kustomization's lines.
    #[test]
    fn patches_and_generators() {
        let f = files(&[
            ("base/kustomization.yaml", "resources: [api.yaml]\nconfigMapGenerator:\n  - name: api-env\n    literals: [REDIS_HOST=cache.data, 'X=a=b']\n    envs: [api.env]\nsecretGenerator:\n  - name: api-secret\n    literals: [REDIS_PASSWORD=s3cret]\n"),
            ("base/api.yaml", "kind: Deployment"),
            ("base/api.env", "REDIS_PORT=6390\n"),
            ("prod/kustomization.yaml", "namespace: prod\nresources: [../base, ../base/]\npatches:\n  - path: env.yaml\n    target: {kind: Deployment, name: api}\npatchesStrategicMerge: [more.yaml]\nconfigMapGenerator:\n  - {name: api-env, behavior: merge, literals: [REDIS_PORT=6391]}\n"),
            ("prod/env.yaml", "kind: Deployment"),
            ("prod/more.yaml", "kind: Deployment"),
        ]);
        let k = apply(&f);
        assert_eq!(
            show(&k.patches),
            ["prod/env.yaml: prod", "prod/more.yaml: prod"]
        );
        let made: Vec<String> = k
            .generated
            .iter()
            .map(|o| {
                let data = o
                    .root
                    .get("data")
                    .or_else(|| o.root.get("stringData"))
                    .unwrap();
                let entries: Vec<String> = data
                    .entries()
                    .map(|(k, v)| format!("{k}={}@{}", v.as_str().unwrap(), v.line))
                    .collect();
                format!(
                    "{} {} {:?} {}: {}",
                    o.path,
                    o.root.str_at(&["kind"]).unwrap(),
                    o.namespace,
                    o.root.str_at(&["metadata", "name"]).unwrap(),
                    entries.join(" ")
                )
            })
            .collect();
        // The base listed twice is walked once; the overlay's merge is a patch.
        assert_eq!(
            made,
            [
                "base/kustomization.yaml ConfigMap Some(\"prod\") api-env: REDIS_HOST=cache.data@4 X=a=b@4 REDIS_PORT=6390@5",
                "base/kustomization.yaml Secret Some(\"prod\") api-secret: REDIS_PASSWORD=s3cret@8",
                "prod/kustomization.yaml ConfigMap Some(\"prod\") api-env: REDIS_PORT=6391@8",
            ]
        );
        let merges: Vec<bool> = k.generated.iter().map(|o| o.patch).collect();
        assert_eq!(merges, [false, false, true]);
    }

    /// `files:` entries are keys named after the file (or as written before
    /// `=`) holding its text, at the line that lists them; the files read
    /// are listed, and a missing one is said once, however many namespaces.
    #[test]
    fn generator_files() {
        let f = files(&[
            ("base/kustomization.yaml", "configMapGenerator:\n  - name: app\n    files:\n      - conf/application.yml\n      - redis.conf=conf/cache.conf\n      - gone.yml\n      - store.jks\n"),
            ("base/conf/application.yml", "spring.data.redis.host: cache\n"),
            ("base/conf/cache.conf", "port 6390\n"),
            ("a/kustomization.yaml", "namespace: a\nresources: [../base]\n"),
            ("b/kustomization.yaml", "namespace: b\nresources: [../base]\n"),
        ]);
        let k = apply(&f);
        let data: Vec<Vec<String>> = k
            .generated
            .iter()
            .map(|o| {
                o.root
                    .get("data")
                    .unwrap()
                    .entries()
                    .map(|(k, v)| format!("{k}@{}={:?}", v.line, v.as_str().unwrap()))
                    .collect()
            })
            .collect();
        let one = [
            "application.yml@4=\"spring.data.redis.host: cache\\n\"",
            "redis.conf@5=\"port 6390\\n\"",
        ];
        assert_eq!(data, [one, one]);
        assert_eq!(
            k.generator_files.iter().collect::<Vec<_>>(),
            ["base/conf/application.yml", "base/conf/cache.conf"]
        );
        let said: Vec<(Option<u32>, &str)> = k
            .diagnostics
            .iter()
            .map(|d| (d.line, d.message.as_str()))
            .collect();
        assert_eq!(said.len(), 1, "{said:?}");
        assert_eq!(said[0].0, Some(6));
        assert!(said[0].1.starts_with("lists `gone.yml`"), "{said:?}");
    }

    /// A component is read like a base, in the namespace of what includes
    /// it, and is applied nowhere on its own.
    #[test]
    fn components_are_read_like_bases() {
        let f = files(&[
            ("comp/kustomization.yaml", "kind: Component\nresources: [w.yaml]\npatches: [p.yaml]\nconfigMapGenerator: [{name: env, literals: [A=b]}]\n"),
            ("comp/w.yaml", "kind: Deployment"),
            ("comp/p.yaml", "kind: Deployment"),
            ("prod/kustomization.yaml", "namespace: prod\ncomponents: [../comp]\n"),
            ("lone/kustomization.yaml", "kind: Component\nnamespace: lone\nresources: [x.yaml]\n"),
            ("lone/x.yaml", "kind: Deployment"),
        ]);
        let k = apply(&f);
        assert_eq!(show_ns(&k.namespaces), ["comp/w.yaml: prod"]);
        assert_eq!(show(&k.patches), ["comp/p.yaml: prod"]);
        let made: Vec<(&str, Option<&str>)> = k
            .generated
            .iter()
            .map(|o| (o.path.as_str(), o.namespace.as_deref()))
            .collect();
        assert_eq!(made, [("comp/kustomization.yaml", Some("prod"))]);
    }

    /// Inline patches are patch objects at their lines in the
    /// kustomization, one per namespace; a JSON 6902 one is none, and one
    /// that does not parse is said at its line.
    #[test]
    fn inline_patches() {
        let text = "namespace: prod\npatches:\n  - patch: |-\n      apiVersion: apps/v1\n      kind: Deployment\n      metadata: {name: api}\n  - patch: '[{op: remove, path: /spec}]'\n  - path: file.yaml\npatchesStrategicMerge:\n  - |\n    apiVersion: v1\n    kind: Service\n    metadata:\n      name: [x\n";
        let f = files(&[
            ("k/kustomization.yaml", text),
            ("k/file.yaml", "kind: Deployment"),
        ]);
        let k = apply(&f);
        assert_eq!(show(&k.patches), ["k/file.yaml: prod"]);
        let made: Vec<(&str, u32, u32, Option<&str>, bool)> = k
            .generated
            .iter()
            .map(|o| {
                let name = o.root.at(&["metadata", "name"]).unwrap();
                (
                    o.root.str_at(&["kind"]).unwrap(),
                    name.line,
                    name.col,
                    o.namespace.as_deref(),
                    o.patch,
                )
            })
            .collect();
        assert_eq!(made, [("Deployment", 6, 24, Some("prod"), true)]);
        let said: Vec<(&str, Option<u32>)> =
            k.diagnostics.iter().map(|d| (d.code, d.line)).collect();
        assert_eq!(said.len(), 1, "{said:?}");
        assert_eq!(said[0].0, "yaml-parse");
        assert!(said[0].1.is_some_and(|l| l >= 13), "{said:?}");
    }

    /// A file applied with a namespace and also without one: a copy of
    /// each, the second in the object's own namespace.
    #[test]
    fn with_and_without_a_namespace_is_two_copies() {
        let f = files(&[
            (
                "ns/kustomization.yaml",
                "namespace: x\nresources: [../app/a.yaml]\n",
            ),
            ("plain/kustomization.yaml", "resources: [../app/a.yaml]\n"),
            ("app/a.yaml", "kind: Deployment"),
        ]);
        assert_eq!(show_ns(&apply(&f).namespaces), ["app/a.yaml: (own),x"]);
    }

    #[test]
    fn no_namespace_anywhere_is_nothing_and_cycles_end() {
        let f = files(&[
            ("k/kustomization.yaml", "resources: [a.yaml]\n"),
            ("k/a.yaml", "x: 1"),
        ]);
        assert!(apply(&f).namespaces.is_empty());
        let f = files(&[
            (
                "a/kustomization.yaml",
                "namespace: a\nresources: [../b, x.yaml]\n",
            ),
            ("b/kustomization.yaml", "resources: [../a]\n"),
            ("a/x.yaml", "kind: Deployment"),
        ]);
        // Neither is a root (each lists the other): nothing is applied.
        assert!(apply(&f).namespaces.is_empty());
    }
}

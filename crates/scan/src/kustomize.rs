//! What kustomizations do to the files they list, as `kubectl kustomize`
//! would, as far as it matters for who uses a Redis:
//! - `namespace:` applies to the files listed under `resources:`; an
//!   overlay's namespace wins over its bases', and a base listed by two
//!   overlays is two sets of objects, one per namespace;
//! - strategic-merge patch files (`patches:`, `patchesStrategicMerge:`)
//!   are read in the namespace of the kustomization that applies them, so
//!   their settings join the object they patch;
//! - `configMapGenerator` and `secretGenerator` (`literals`, `envs`) make
//!   ConfigMaps and Secrets under the name written (kustomize's hash suffix
//!   is rewritten into references, so the written name is what they use).
//!
//! Name prefixes and suffixes, JSON 6902 patches and replacements are not
//! applied (the scanner says so where it meets a kustomization).

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
    namespace: Option<&'a str>,
    /// `resources` (and the older `bases`), as written, with their lines.
    resources: Vec<(&'a str, u32)>,
    /// Strategic-merge patch files, as written, with their lines.
    patches: Vec<(&'a str, u32)>,
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
    /// ConfigMaps and Secrets the generators make, at the kustomization's
    /// lines, one per namespace the kustomization is applied in.
    pub generated: Vec<Object<'static>>,
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
    // Most trees have no kustomization that does more than list files.
    if !docs
        .iter()
        .any(|(f, _)| DOES_MORE.iter().any(|w| f.text.contains(w)))
    {
        return out;
    }
    let kustomizations: Vec<Kustomization<'_>> = docs
        .iter()
        .filter_map(|(f, docs)| {
            let root = &docs.first()?.root;
            let kind = root.str_at(&["kind"]);
            if kind.is_some_and(|k| k != "Kustomization") {
                return None;
            }
            let list = |keys: &[&str]| -> Vec<(&str, u32)> {
                keys.iter()
                    .flat_map(|k| root.get(k).map(Node::as_seq).unwrap_or_default())
                    .filter_map(|item| {
                        let path = item.as_str().or_else(|| item.str_at(&["path"]))?;
                        Some((path, item.line))
                    })
                    .collect()
            };
            Some(Kustomization {
                path: &f.path,
                namespace: root.str_at(&["namespace"]),
                resources: list(&["resources", "bases"]),
                patches: list(&["patches", "patchesStrategicMerge"]),
                root,
            })
        })
        .collect();
    let tree = Tree::new(files);
    let by_dir: BTreeMap<&str, usize> = kustomizations
        .iter()
        .enumerate()
        .map(|(i, k)| (dir_of(k.path), i))
        .collect();
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
        .filter(|i| !listed.contains(i))
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
                let said = not_scanned(k.path, patch, line);
                if !out.diagnostics.contains(&said) {
                    out.diagnostics.push(said);
                }
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
        for ns in namespaces {
            let made = generated(&kustomizations[i], ns, &tree, &mut out.diagnostics);
            out.generated.extend(made);
        }
    }
    out
}

/// The ConfigMaps and Secrets one kustomization's generators make, in `ns`.
fn generated(
    k: &Kustomization<'_>,
    ns: Option<&str>,
    tree: &Tree<'_>,
    diagnostics: &mut Vec<Diagnostic>,
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
                    let said = not_scanned(k.path, name, env.line);
                    if !diagnostics.contains(&said) {
                        diagnostics.push(said);
                    }
                    continue;
                };
                for s in config::read_format(config::Format::Dotenv, &file.text).settings {
                    data.push(pair(&s.key, &s.value, env.line));
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

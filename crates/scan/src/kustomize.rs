//! The `namespace:` of kustomizations, applied to the files they list, as
//! `kubectl kustomize` would: an overlay's namespace wins over its bases',
//! and a base listed by two overlays is two sets of objects, one per
//! namespace. Patches, generators and name prefixes are not applied (the
//! scanner says so where it meets a kustomization).

use crate::projects::{dir_of, join_path, Tree};
use crate::yaml;
use crate::SourceFile;
use std::collections::{BTreeMap, BTreeSet};

/// File names kustomize reads in a folder.
const NAMES: &[&str] = &["kustomization.yaml", "kustomization.yml", "Kustomization"];

struct Kustomization<'a> {
    path: &'a str,
    namespace: Option<&'a str>,
    /// `resources` (and the older `bases`), as written.
    resources: Vec<&'a str>,
}

/// For each manifest file a kustomization with a namespace reaches: the
/// namespaces its objects get (several when overlays share a base). Files
/// no such kustomization reaches are not in the map.
pub fn namespaces(files: &[SourceFile]) -> BTreeMap<String, BTreeSet<String>> {
    let candidates: Vec<&SourceFile> = files
        .iter()
        .filter(|f| NAMES.contains(&f.path.rsplit('/').next().unwrap_or("")))
        .collect();
    // Most trees have no kustomization that sets a namespace: nothing to do.
    if !candidates.iter().any(|f| f.text.contains("namespace:")) {
        return BTreeMap::new();
    }
    let docs: Vec<(&SourceFile, Vec<yaml::Document<'_>>)> = candidates
        .iter()
        .filter_map(|f| Some((*f, yaml::parse(&f.text, 1).ok()?)))
        .collect();
    let kustomizations: Vec<Kustomization<'_>> = docs
        .iter()
        .filter_map(|(f, docs)| {
            let root = &docs.first()?.root;
            let kind = root.str_at(&["kind"]);
            if kind.is_some_and(|k| k != "Kustomization") {
                return None;
            }
            let resources = ["resources", "bases"]
                .iter()
                .flat_map(|k| root.get(k).map(yaml::Node::as_seq).unwrap_or_default())
                .filter_map(yaml::Node::as_str)
                .collect();
            Some(Kustomization {
                path: &f.path,
                namespace: root.str_at(&["namespace"]),
                resources,
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
    let entries: Vec<Vec<Entry>> = kustomizations
        .iter()
        .map(|k| {
            k.resources
                .iter()
                .filter_map(|r| {
                    let joined = join_path(dir_of(k.path), r.trim_end_matches('/'))?;
                    if let Some(f) = tree.get(&joined) {
                        return Some(Entry::File(f.path.clone()));
                    }
                    by_dir
                        .get(joined.as_str())
                        .map(|&i| Entry::Kustomization(i))
                })
                .collect()
        })
        .collect();
    let listed: BTreeSet<usize> = entries
        .iter()
        .flatten()
        .filter_map(|e| match e {
            Entry::Kustomization(i) => Some(*i),
            Entry::File(_) => None,
        })
        .collect();
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    // From each kustomization no other lists (what `kubectl apply -k` is
    // pointed at), down through its bases; the outermost namespace wins.
    let mut stack: Vec<(usize, Option<&str>, usize)> = (0..kustomizations.len())
        .filter(|i| !listed.contains(i))
        .map(|i| (i, kustomizations[i].namespace, 0))
        .collect();
    while let Some((i, ns, depth)) = stack.pop() {
        // A cycle of bases is kustomize's error; here it ends the walk.
        if depth > 32 {
            continue;
        }
        for entry in &entries[i] {
            match entry {
                Entry::File(path) => {
                    if let Some(ns) = ns {
                        out.entry(path.clone()).or_default().insert(ns.to_string());
                    }
                }
                Entry::Kustomization(j) => {
                    stack.push((*j, ns.or(kustomizations[*j].namespace), depth + 1));
                }
            }
        }
    }
    out
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
            ("plain/a.yaml", "kind: Deployment"),
        ]);
        assert_eq!(
            show(&namespaces(&f)),
            [
                "base/deploy.yaml: dev,prod",
                "base/svc.yaml: dev,prod",
                "overlays/prod/extra.yaml: prod",
                "team/app.yaml: team",
            ]
        );
    }

    #[test]
    fn no_namespace_anywhere_is_nothing_and_cycles_end() {
        let f = files(&[
            ("k/kustomization.yaml", "resources: [a.yaml]\n"),
            ("k/a.yaml", "x: 1"),
        ]);
        assert!(namespaces(&f).is_empty());
        let f = files(&[
            (
                "a/kustomization.yaml",
                "namespace: a\nresources: [../b, x.yaml]\n",
            ),
            ("b/kustomization.yaml", "resources: [../a]\n"),
            ("a/x.yaml", "kind: Deployment"),
        ]);
        // Neither is a root (each lists the other): nothing is applied.
        assert!(namespaces(&f).is_empty());
    }
}

//! What kustomizations do to the files they list, as `kubectl kustomize`
//! would, as far as it matters for who uses a Redis:
//! - `namespace:` applies to the files listed under `resources:`; an
//!   overlay's namespace wins over its bases', and a base listed by two
//!   overlays is two sets of objects, one per namespace;
//! - `namePrefix:` and `nameSuffix:` rename every object a kustomization
//!   makes (its files, its bases' objects, its generators' ConfigMaps and
//!   Secrets), except Namespaces, CustomResourceDefinitions and
//!   APIServices, as kustomize's prefix transformer does; an overlay's
//!   prefix goes in front of its base's (`a-b-name`), its suffix after
//!   (`name-b-a`). A base reached with two prefixes is two sets of objects,
//!   as with namespaces ([`Placement`]). References by name inside the
//!   renamed objects (kustomize's `nameReference` fields: `envFrom`,
//!   `configMapKeyRef`, `secretKeyRef`, configMap, secret and projected
//!   volumes, `imagePullSecrets`, `serviceAccountName`, a StatefulSet's
//!   `serviceName`, a PVC's `claimName`) follow the object they name when
//!   the kustomization, or one of its bases, makes it; other references,
//!   and host names written in values, stay as written ([`Renames`]);
//! - `components:` (folders whose kustomization is `kind: Component`) are
//!   read like bases: their resources, patches and generators join the
//!   including kustomization, in its namespace;
//! - strategic-merge patches (`patches:`, `patchesStrategicMerge:`), files
//!   or written inline, are read in the namespace of the kustomization that
//!   applies them, so their settings join the object they patch; a patch
//!   names its object as written before any prefix (or with its bases'
//!   prefixes), and is renamed with it. A patch with a `target:` patches
//!   each object the target selects among those its kustomization gathers
//!   (kind, name as a regular expression, namespace, label and annotation
//!   selectors, against the labels as written plus those bases add), under
//!   that object's kind and name, as kustomize does. Patches of one object
//!   stack in nesting order ([`PatchOrder`]): an inner kustomization's (a
//!   base's, a component's) first, then the outer ones', the last value
//!   winning, whatever the file paths; a `behavior: merge` generator comes
//!   before its kustomization's patches;
//! - `configMapGenerator` and `secretGenerator` (`literals`, `envs`,
//!   `files`) make ConfigMaps and Secrets under the name written, with the
//!   kustomization's prefix and suffix (kustomize's hash suffix is
//!   rewritten into references, so it is left out).
//!
//!
//! Which kustomizations are applied on their own (what `kubectl apply -k`
//! is pointed at) is written nowhere; the walk starts from each one that is
//! no Component and that either no other kustomization lists, or that sets
//! its own `namespace:`, builds on another kustomization (a local base
//! that is no Component, or a remote one) and whose folder is not named as
//! a base (`base`, `bases`, `*-base`, `base-*`): an overlay that another
//! overlay extends (`overlays/prod` under `overlays/prod-eu`). A base that
//! overlays list (no namespace, or files only, or under `base/`) is read
//! only through them, so nothing lands in `default` that is not deployed.
//! This is a guess: each listed kustomization with a `namespace:` that a
//! kustomization listing it changes (another namespace, or a prefix or
//! suffix) is a `kustomize-deployed` info note saying which way it was
//! read.
//!
//! JSON 6902 patches (`patchesJson6902`, or a `patches:` entry whose text
//! is a list of operations) are applied to what their `target:` selects,
//! each operation read as the strategic-merge patch that does the same
//! ([`crate::json_patch`]); one a merge cannot say (`remove`) is a
//! `kustomize-patch-unapplied` warning at its line. Replacements are not
//! applied. A `target:` that cannot be read is that warning at the line
//! that lists the patch; a `target:` that selects none
//! of the scanned objects is a `kustomize-patch-unmatched` warning. A
//! Component's own prefix renames what the component brings, not
//! everything the including kustomization has gathered before it.

use crate::k8s::{Object, Renamed};
use crate::projects::{dir_of, join_path, Tree};
use crate::yaml::{self, Node, Value};
use crate::{config, json_patch, SourceFile};
use fallout_core::Diagnostic;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

/// File names kustomize reads in a folder.
const NAMES: &[&str] = &["kustomization.yaml", "kustomization.yml", "Kustomization"];

struct Kustomization<'a> {
    path: &'a str,
    text: &'a str,
    namespace: Option<&'a str>,
    /// `namePrefix` and `nameSuffix` (empty when not set).
    prefix: &'a str,
    suffix: &'a str,
    /// `kind: Component`: applied only where a kustomization lists it.
    component: bool,
    /// `resources` (and the older `bases`) and `components`, as written,
    /// with their lines.
    resources: Vec<(&'a str, u32)>,
    /// Its patches, in the order kustomize applies them
    /// (`patchesStrategicMerge`, then `patches`, then `patchesJson6902`).
    patches: Vec<PatchEntry<'a>>,
    root: &'a Node<'a>,
}

/// Top-level kustomization fields this reader does not apply.
const UNAPPLIED_FIELDS: &[&str] = &[
    "helmCharts",
    "helmChartInflationGenerator",
    "transformers",
    "generators",
    "validators",
    "vars",
    "openapi",
];

/// Whether a kustomization changes the objects it gathers (patches,
/// generators, images, replicas, replacements), beyond where they go.
fn changes_objects(k: &Kustomization<'_>) -> bool {
    !k.patches.is_empty()
        || [
            "configMapGenerator",
            "secretGenerator",
            "images",
            "replicas",
            "replacements",
        ]
        .iter()
        .any(|f| k.root.get(f).is_some())
}

/// One patch a kustomization lists.
struct PatchEntry<'a> {
    /// The file holding it, as written; `None` when it is written inline.
    file: Option<&'a str>,
    /// The scalar holding it when written inline (`patch: |`, or YAML text
    /// as an entry of `patchesStrategicMerge`).
    inline: Option<&'a Node<'a>>,
    /// The line that lists it.
    line: u32,
    /// Its `target:`, which selects the objects it patches.
    target: Option<&'a Node<'a>>,
    /// Listed under `patchesJson6902`: operations, never an object.
    json6902: bool,
}

/// Where a kustomization puts the objects of a file it lists: one copy of
/// them per placement.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Placement {
    /// The namespace they get (`None`: their own).
    pub namespace: Option<String>,
    /// The kustomizations that rename them ([`Renames::rename`]), innermost
    /// first: each one that sets `namePrefix` or `nameSuffix`, or lists a
    /// base that does, from the one listing the file up to the root.
    pub levels: Vec<usize>,
    /// The labels the kustomizations on the way add ([`add_labels`]).
    pub labels: AddedLabels,
}

impl Placement {
    /// The objects as written: their own namespace, names and labels.
    pub fn as_written(&self) -> bool {
        self.namespace.is_none() && self.levels.is_empty() && self.labels.is_empty()
    }
}

/// The labels kustomizations add to the objects they make, as (key,
/// value), a later pair winning over an earlier one of the same key (an
/// outer kustomization's over its bases'), by where kustomize writes them.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AddedLabels {
    /// `metadata.labels` of every object: `commonLabels` and every
    /// `labels:` entry.
    pub metadata: Vec<(String, String)>,
    /// Also the pod template's labels: `commonLabels`, and `labels:`
    /// entries with `includeSelectors` or `includeTemplates`.
    pub templates: Vec<(String, String)>,
    /// Also the selectors (a Service's `spec.selector`, a workload's
    /// `spec.selector.matchLabels`): `commonLabels`, and `labels:` entries
    /// with `includeSelectors`.
    pub selectors: Vec<(String, String)>,
}

impl AddedLabels {
    pub fn is_empty(&self) -> bool {
        self.metadata.is_empty()
    }

    /// What kustomization `k` adds.
    fn of(k: &Kustomization<'_>) -> AddedLabels {
        let mut out = AddedLabels::default();
        let common = string_pairs(k.root.get("commonLabels"));
        out.metadata.extend(common.iter().cloned());
        out.templates.extend(common.iter().cloned());
        out.selectors.extend(common);
        for entry in k.root.get("labels").map(Node::as_seq).unwrap_or_default() {
            let pairs = string_pairs(entry.get("pairs"));
            let flag = |f: &str| entry.get(f).and_then(Node::as_str) == Some("true");
            let (selectors, templates) = (flag("includeSelectors"), flag("includeTemplates"));
            if selectors || templates {
                out.templates.extend(pairs.iter().cloned());
            }
            if selectors {
                out.selectors.extend(pairs.iter().cloned());
            }
            out.metadata.extend(pairs);
        }
        out
    }

    /// `self` (an inner kustomization's) with `outer`'s after it.
    fn then(mut self, outer: &AddedLabels) -> AddedLabels {
        self.metadata.extend(outer.metadata.iter().cloned());
        self.templates.extend(outer.templates.iter().cloned());
        self.selectors.extend(outer.selectors.iter().cloned());
        self
    }
}

/// Adds kustomize's labels to an object as `kubectl kustomize` writes them:
/// `metadata.labels`; a Service's `spec.selector`; a workload's pod
/// template labels and `spec.selector.matchLabels` (made where missing,
/// except a Job's and a CronJob's selector). The new entries are at the
/// line of the map they join (or of the object).
pub fn add_labels(root: &mut Node<'_>, labels: &AddedLabels) {
    if labels.is_empty() {
        return;
    }
    let kind = root.str_at(&["kind"]).unwrap_or("").to_string();
    insert_pairs(root, &["metadata", "labels"], &labels.metadata, true);
    if kind == "Service" {
        insert_pairs(root, &["spec", "selector"], &labels.selectors, true);
    }
    let Some(spec) = pod_spec_path(&kind).filter(|p| p.len() >= 3) else {
        return;
    };
    // `[…, "template", "spec"]`: the template is the path less its last
    // field, its owner's spec the path less the last two.
    let template = &spec[..spec.len() - 1];
    let owner = &spec[..spec.len() - 2];
    let at = |tail: &[&'static str]| -> Vec<&'static str> {
        let mut path = Vec::with_capacity(owner.len() + tail.len());
        path.extend_from_slice(owner);
        path.extend_from_slice(tail);
        path
    };
    let mut template_labels = template.to_vec();
    template_labels.extend(["metadata", "labels"]);
    insert_pairs(root, &template_labels, &labels.templates, true);
    if kind == "ReplicationController" {
        insert_pairs(root, &at(&["selector"]), &labels.selectors, true);
    } else {
        let create = !matches!(kind.as_str(), "Job" | "CronJob");
        insert_pairs(
            root,
            &at(&["selector", "matchLabels"]),
            &labels.selectors,
            create,
        );
    }
}

/// Sets each pair in the map at `path`, making the maps on the way where
/// `create` allows.
fn insert_pairs(root: &mut Node<'_>, path: &[&str], pairs: &[(String, String)], create: bool) {
    if pairs.is_empty() {
        return;
    }
    let mut node = root;
    for field in path {
        let line = node.line;
        let Value::Map(entries) = &mut node.value else {
            return;
        };
        let at = match entries.iter().position(|(k, _)| k.is_key(field)) {
            Some(at) => at,
            None if create => {
                entries.push((
                    Node::scalar(field.to_string(), line, 1),
                    Node {
                        line,
                        col: 1,
                        value: Value::Map(Vec::new()),
                        block: false,
                    },
                ));
                entries.len() - 1
            }
            None => return,
        };
        node = &mut entries[at].1;
        // `selector:` written empty is a map to fill.
        if create && node.is_null() {
            node.value = Value::Map(Vec::new());
        }
    }
    for (key, value) in pairs {
        set_or_insert(node, key, value);
    }
}

/// What the kustomizations of a tree do to it.
#[derive(Debug, Default)]
pub struct Kustomized {
    /// For each manifest file a kustomization with a namespace or a name
    /// prefix or suffix reaches: where its objects go (several copies when
    /// overlays share a base). Files no such kustomization reaches are not
    /// in the map; a placement [`Placement::as_written`] among others is a
    /// copy as written, for a file also applied by a kustomization that
    /// changes nothing.
    pub placements: BTreeMap<String, BTreeSet<Placement>>,
    /// Patch files, with where and how they are applied (once per
    /// kustomization and placement that applies them).
    pub patches: BTreeMap<String, Vec<PatchUse>>,
    /// JSON 6902 patches, files or written inline, once per kustomization
    /// and placement that applies them.
    pub json_patches: Vec<JsonPatch>,
    /// Objects the kustomizations hold themselves, at their lines, one per
    /// placement of the kustomization: the ConfigMaps and Secrets the
    /// generators make, and inline patches (`patch` set, as is a
    /// generator's `behavior: merge`).
    pub generated: Vec<Generated>,
    /// What the name prefixes and suffixes do; empty when none is set.
    pub renames: Renames,
    /// Files a generator's `files:` reads: their text is a ConfigMap's or
    /// Secret's value, read where that is mounted, not the config of an app
    /// in their folder. Patch files (a JSON 6902 one is no manifest) are
    /// here too, for the same reason.
    pub generator_files: BTreeSet<String>,
    /// A kustomization that does not parse (an error: what it does is not
    /// applied), and files it lists that are not among the scanned ones.
    pub diagnostics: Vec<Diagnostic>,
}

/// Where a patch comes among those kustomize applies to one object: the
/// kustomization's place in the nesting (a base's and a component's before
/// the kustomizations that list them) and the patch's among its
/// kustomization's (0 for its generators' `behavior: merge`, which come
/// before its patches). Patches of an object apply in this order, the last
/// one's value winning.
pub type PatchOrder = (u32, u32);

/// A patch file applied by one kustomization at one placement.
#[derive(Clone, Debug)]
pub struct PatchUse {
    pub placement: Placement,
    pub order: PatchOrder,
    /// Its `target:`: it patches the objects that selects, whatever the
    /// kind and name it writes.
    pub target: Option<Arc<Target>>,
}

/// A JSON 6902 patch applied by one kustomization at one placement: its
/// operations, read as merge patches of each object its `target:` selects
/// ([`crate::json_patch`]).
#[derive(Clone, Debug)]
pub struct JsonPatch {
    /// The file that writes the operations (the kustomization, inline).
    pub path: String,
    pub ops: Arc<Vec<json_patch::Op>>,
    pub placement: Placement,
    pub order: PatchOrder,
    pub target: Arc<Target>,
}

/// An object a kustomization holds itself, at one placement.
#[derive(Debug)]
pub struct Generated {
    pub object: Object<'static>,
    /// The kustomizations that rename it ([`Placement::levels`]).
    pub levels: Vec<usize>,
    /// For a patch (an inline one, a generator's `behavior: merge`).
    pub order: PatchOrder,
    /// An inline patch's `target:` ([`PatchUse::target`]).
    pub target: Option<Arc<Target>>,
}

/// Words that, in a kustomization, mean it does more than list files.
const DOES_MORE: &[&str] = &[
    "namespace:",
    "namePrefix:",
    "nameSuffix:",
    "patches:",
    "patchesStrategicMerge:",
    "configMapGenerator:",
    "secretGenerator:",
    "commonLabels:",
    "labels:",
    "replacements:",
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
            // Kustomize's patch transformers run strategic-merge patches
            // first, then `patches`, then JSON 6902 ones.
            let mut patches = Vec::new();
            for (field, item) in ["patchesStrategicMerge", "patches", "patchesJson6902"]
                .into_iter()
                .flat_map(|f| items(&[f]).into_iter().map(move |item| (f, item)))
            {
                let mut entry = PatchEntry {
                    file: None,
                    inline: None,
                    line: item.line,
                    target: item.get("target"),
                    json6902: field == "patchesJson6902",
                };
                match item.as_str() {
                    Some(text) if is_inline(text) => entry.inline = Some(item),
                    Some(path) => entry.file = Some(path),
                    None => {
                        if let Some(path) = item.str_at(&["path"]) {
                            entry.file = Some(path);
                        } else if let Some(patch) = item.get("patch") {
                            entry.inline = Some(patch);
                        } else {
                            continue;
                        }
                    }
                }
                patches.push(entry);
            }
            Some(Kustomization {
                path: &f.path,
                text: &f.text,
                namespace: root.str_at(&["namespace"]),
                prefix: root.str_at(&["namePrefix"]).unwrap_or(""),
                suffix: root.str_at(&["nameSuffix"]).unwrap_or(""),
                component: kind == Some("Component"),
                resources,
                patches,
                root,
            })
        })
        .collect();
    // What is not applied is said where it is written.
    for k in &kustomizations {
        for (key, node) in k.root.as_map().unwrap_or(&[]) {
            let Some(field) = key.as_str().filter(|f| UNAPPLIED_FIELDS.contains(f)) else {
                continue;
            };
            if node.is_null() {
                continue;
            }
            out.diagnostics.push(
                Diagnostic::warning(
                    "kustomize-unapplied",
                    format!("this kustomization's `{field}` is not applied: what it makes or changes is not among the scanned objects; scan the output of `kubectl kustomize`"),
                )
                .at(k.path, Some(key.line), None),
            );
        }
        out.diagnostics.extend(malformed_labels(k));
    }
    let by_dir: BTreeMap<&str, usize> = kustomizations
        .iter()
        .enumerate()
        .map(|(i, k)| (dir_of(k.path), i))
        .collect();
    out.diagnostics
        .extend(unlisted_manifests(files, &kustomizations, &by_dir));
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
    // Who lists each kustomization.
    let mut listed_by: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, list) in entries.iter().enumerate() {
        for e in list {
            if let Entry::Kustomization(j) = e {
                listed_by.entry(*j).or_default().push(i);
            }
        }
    }
    // Which kustomizations rename what they make: those that set a prefix
    // or a suffix, and those over a base that does (their references and
    // patches may name a base's object by the name it had).
    let mut renames: Vec<bool> = kustomizations
        .iter()
        .map(|k| !k.prefix.is_empty() || !k.suffix.is_empty())
        .collect();
    if renames.contains(&true) {
        loop {
            let mut changed = false;
            for (i, list) in entries.iter().enumerate() {
                let below = list
                    .iter()
                    .any(|e| matches!(e, Entry::Kustomization(j) if renames[*j]));
                if below && !renames[i] {
                    renames[i] = true;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        out.renames = Renames {
            levels: kustomizations
                .iter()
                .zip(&entries)
                .zip(&renames)
                .map(|((k, list), &renames)| Level {
                    path: k.path.to_string(),
                    prefix: k.prefix.to_string(),
                    suffix: k.suffix.to_string(),
                    renames,
                    files: list
                        .iter()
                        .filter_map(|e| match e {
                            Entry::File(path) => Some(path.clone()),
                            Entry::Kustomization(_) => None,
                        })
                        .collect(),
                    bases: list
                        .iter()
                        .filter_map(|e| match e {
                            Entry::Kustomization(j) => Some(*j),
                            Entry::File(_) => None,
                        })
                        .collect(),
                    generated: generated_names(k),
                    names: HashMap::new(),
                })
                .collect(),
        };
    }
    // Which kustomizations are applied on their own (what `kubectl apply
    // -k` is pointed at): those no other lists, and overlays that others
    // build on ([`deployed_alone`]). Components never are.
    let builds_on_base = |i: usize| {
        kustomizations[i]
            .resources
            .iter()
            .any(|&(r, _)| is_remote(r))
            || entries[i]
                .iter()
                .any(|e| matches!(e, Entry::Kustomization(j) if !kustomizations[*j].component))
    };
    let roots: Vec<usize> = (0..kustomizations.len())
        .filter(|&i| {
            let k = &kustomizations[i];
            let Some(by) = listed_by.get(&i) else {
                return !k.component;
            };
            if k.component || k.namespace.is_none() {
                return false;
            }
            let alone = builds_on_base(i) && !named_as_base(k.path);
            // Said where the guess changes what is read: a kustomization
            // that lists it puts its objects elsewhere or renames them.
            let moved = by.iter().any(|&j| {
                let l = &kustomizations[j];
                l.namespace.is_some_and(|n| Some(n) != k.namespace)
                    || !l.prefix.is_empty()
                    || !l.suffix.is_empty()
            });
            if moved {
                out.diagnostics
                    .push(deployed_note(k, alone, by, &kustomizations));
            }
            alone
        })
        .collect();
    // Patches of one object stack as kustomize applies them: an inner
    // kustomization's (a base's, a component's) before the outer one's,
    // whatever the paths.
    let rank = nesting_order(kustomizations.len(), |i| {
        entries[i]
            .iter()
            .filter_map(|e| match e {
                Entry::Kustomization(j) => Some(*j),
                Entry::File(_) => None,
            })
            .collect()
    });
    // What each kustomization with a `target:` patch gathers, once.
    let mut gathered: HashMap<usize, Arc<Vec<Gathered>>> = HashMap::new();
    let mut targets: HashMap<(usize, usize), Option<Arc<Target>>> = HashMap::new();
    let mut target_of =
        |i: usize, at: usize, out: &mut Kustomized| -> Option<Option<Arc<Target>>> {
            let entry = &kustomizations[i].patches[at];
            let node = entry.target?;
            let made = targets.entry((i, at)).or_insert_with(|| {
                let under = gathered
                    .entry(i)
                    .or_insert_with(|| {
                        let of = |k: usize| {
                            gather(k, &kustomizations, &renames, |j| {
                                entries[j]
                                    .iter()
                                    .map(|e| match e {
                                        Entry::File(path) => Ok(path.as_str()),
                                        Entry::Kustomization(j) => Err(*j),
                                    })
                                    .collect()
                            })
                        };
                        // A Component's patches apply to what the
                        // kustomizations listing it gather (their
                        // resources, this component's among them).
                        let parents = listed_by.get(&i).filter(|_| kustomizations[i].component);
                        match parents {
                            Some(parents) => {
                                let mut seen: HashSet<Gathered> = HashSet::new();
                                let all = parents
                                    .iter()
                                    .flat_map(|&p| of(p))
                                    .filter(|g| seen.insert(g.clone()))
                                    .collect();
                                Arc::new(all)
                            }
                            None => Arc::new(of(i)),
                        }
                    })
                    .clone();
                match Target::read(node, kustomizations[i].path, entry.line, under) {
                    Ok(target) => Some(Arc::new(target)),
                    Err(why) => {
                        out.diagnostics
                            .push(unapplied(kustomizations[i].path, entry.line, &why));
                        None
                    }
                }
            });
            Some(made.clone())
        };
    // The operations of each JSON 6902 patch file, read once.
    let mut ops_of: HashMap<&str, ReadOps> = HashMap::new();
    // Where each kustomization is applied: the namespace (`None`: its
    // objects keep their own) and the kustomizations that rename.
    let mut applied: BTreeMap<usize, BTreeSet<Placement>> = BTreeMap::new();
    // From each root down through its bases; the outermost namespace wins,
    // and each prefix goes in front of those below it.
    let mut stack: Vec<Visit<'_>> = roots
        .into_iter()
        .map(|i| {
            let ns = kustomizations[i].namespace;
            (i, ns, Vec::new(), Vec::new(), AddedLabels::default())
        })
        .collect();
    // (kustomization, placement) → the roots that reach it so, and the
    // roots whose way patches or generates something.
    let mut placed_by: BTreeMap<(usize, Placement), BTreeSet<usize>> = BTreeMap::new();
    let mut root_changes: BTreeSet<usize> = BTreeSet::new();
    while let Some((i, ns, above, way, outer)) = stack.pop() {
        // A cycle of bases is kustomize's error: said at the kustomization
        // that closes it, and the walk ends there (renaming bases would
        // otherwise make a new placement at each turn).
        if way.contains(&i) {
            let names: Vec<&str> = way
                .iter()
                .skip_while(|&&w| w != i)
                .chain(std::iter::once(&i))
                .map(|&w| kustomizations[w].path)
                .collect();
            let last = way.last().map_or(i, |&w| w);
            say_once(
                &mut out.diagnostics,
                Diagnostic::warning(
                    "kustomize-cycle",
                    format!(
                        "kustomizations list each other in a cycle ({}); kustomize refuses it, and each is read once along it: remove the entry that closes it",
                        names.join(" → ")
                    ),
                )
                .at(kustomizations[last].path, None, None),
            );
            continue;
        }
        if way.len() > 32 {
            continue;
        }
        let levels = if renames[i] {
            std::iter::once(i).chain(above).collect()
        } else {
            above
        };
        let labels = AddedLabels::of(&kustomizations[i]).then(&outer);
        let placement = Placement {
            namespace: ns.map(str::to_string),
            levels: levels.clone(),
            labels: labels.clone(),
        };
        // Which top-level kustomization reached it, and whether the way
        // there changes objects.
        let root = way.first().copied().unwrap_or(i);
        if placement.namespace.is_some() {
            placed_by
                .entry((i, placement.clone()))
                .or_default()
                .insert(root);
        }
        if way
            .iter()
            .chain(std::iter::once(&i))
            .any(|&w| changes_objects(&kustomizations[w]))
        {
            root_changes.insert(root);
        }
        // Each kustomization is walked once per placement it is reached
        // with: a base listed twice is walked once.
        if !applied.entry(i).or_default().insert(placement.clone()) {
            continue;
        }
        let k = &kustomizations[i];
        for (at, entry) in k.patches.iter().enumerate() {
            let Some(patch) = entry.file else { continue };
            let Some(joined) = join_path(dir_of(k.path), patch) else {
                continue;
            };
            let Some(f) = tree.get(&joined) else {
                // Said once, not once per namespace the walk reaches it in.
                say_once(&mut out.diagnostics, not_scanned(k.path, patch, entry.line));
                continue;
            };
            // A patch is part of an object, not an app's config file.
            out.generator_files.insert(f.path.clone());
            if entry.json6902 || is_json_patch(&f.text) {
                let ops = ops_of
                    .entry(f.path.as_str())
                    .or_insert_with(|| json_patch::read_ops(&f.text, 1).map(Arc::new))
                    .clone();
                let target = target_of(i, at, &mut out);
                json_use(
                    &mut out,
                    target,
                    (&f.path, ops),
                    (k, entry),
                    &placement,
                    (rank[i], at as u32 + 1),
                );
                continue;
            }
            let target = match target_of(i, at, &mut out) {
                // A `target:` that cannot be read: said, not applied.
                Some(None) => continue,
                Some(target) => target,
                None => None,
            };
            out.patches
                .entry(f.path.clone())
                .or_default()
                .push(PatchUse {
                    placement: placement.clone(),
                    order: (rank[i], at as u32 + 1),
                    target,
                });
        }
        for entry in &entries[i] {
            match entry {
                Entry::File(path) => {
                    out.placements
                        .entry(path.clone())
                        .or_default()
                        .insert(placement.clone());
                }
                Entry::Kustomization(j) => {
                    let mut way = way.clone();
                    way.push(i);
                    let ns = ns.or(kustomizations[*j].namespace);
                    stack.push((*j, ns, levels.clone(), way, labels.clone()));
                }
            }
        }
    }
    // Two top-level kustomizations (overlays of separate clusters) that
    // put the same objects in the same namespace under the same names:
    // read as one cluster, their patches and generators merge. Said once
    // per set of overlays, when one of them changes something.
    let mut said: BTreeSet<Vec<usize>> = BTreeSet::new();
    for ((at, placement), roots) in &placed_by {
        // One that makes no object of its own (a Component of patches
        // only) gives the overlays no object in common.
        let k = &kustomizations[*at];
        let makes = entries[*at].iter().any(|e| matches!(e, Entry::File(_)))
            || ["configMapGenerator", "secretGenerator"]
                .iter()
                .any(|g| k.root.get(g).is_some());
        if !makes {
            continue;
        }
        let path = kustomizations[*at].path;
        // A root another of them lists (an overlay a Flux `clusters/prod`
        // aggregates) is deployed once, through it: not two clusters.
        let below = |r: usize| -> BTreeSet<usize> {
            let mut seen = BTreeSet::new();
            let mut stack = vec![r];
            while let Some(k) = stack.pop() {
                for e in &entries[k] {
                    if let Entry::Kustomization(j) = e {
                        if seen.insert(*j) {
                            stack.push(*j);
                        }
                    }
                }
            }
            seen
        };
        let roots: Vec<usize> = if roots.len() < 2 {
            Vec::new()
        } else {
            let reached: BTreeSet<usize> = roots.iter().flat_map(|&r| below(r)).collect();
            roots
                .iter()
                .copied()
                .filter(|r| !reached.contains(r))
                .collect()
        };
        if roots.len() < 2 || !roots.iter().any(|r| root_changes.contains(r)) {
            continue;
        }
        if !said.insert(roots.clone()) {
            continue;
        }
        let names: Vec<&str> = roots.iter().map(|&r| kustomizations[r].path).collect();
        out.diagnostics.push(
            Diagnostic::warning(
                "kustomize-overlays-merged",
                format!(
                    "{} {} build on {path} in namespace {} under the same names: scanned together they are read as one cluster, so their patches and generators merge into one object; scan each overlay on its own (`fallout scan {}`), or give them different namespaces",
                    names.join(", "),
                    if names.len() == 2 { "both" } else { "all" },
                    placement.namespace.as_deref().unwrap_or("?"),
                    dir_of(names[0])
                ),
            )
            .at(
                names[0],
                kustomizations[roots[0]].resources.first().map(|(_, line)| *line),
                None,
            ),
        );
    }
    // Files nothing changes are read as they are.
    out.placements
        .retain(|_, list| list.iter().any(|p| !p.as_written()));
    for (i, placements) in applied {
        let k = &kustomizations[i];
        let (patches, json) = inline_patches(k, &mut out.diagnostics);
        let json: Vec<_> = json
            .into_iter()
            .map(|(ops, at)| (ops, at, target_of(i, at, &mut out)))
            .collect();
        let patches: Vec<(Object<'static>, PatchOrder, Option<Arc<Target>>)> = patches
            .into_iter()
            .filter_map(|(o, at)| {
                let target = match target_of(i, at, &mut out) {
                    Some(None) => return None,
                    Some(target) => target,
                    None => None,
                };
                Some((o, (rank[i], at as u32 + 1), target))
            })
            .collect();
        for Placement {
            namespace,
            levels,
            labels,
        } in placements
        {
            let ns = namespace.as_deref();
            let made = generated(k, ns, &tree, &mut out);
            // Replacements from its generators' data, after its patches.
            let replaced = replacement_patches(k, &made, ns, &mut out.diagnostics);
            out.generated
                .extend(replaced.into_iter().map(|object| Generated {
                    object,
                    levels: levels.clone(),
                    order: (rank[i], u32::MAX),
                    target: None,
                }));
            // A generator's `behavior: merge` comes before the
            // kustomization's patches.
            out.generated
                .extend(made.into_iter().map(|object| Generated {
                    object,
                    levels: levels.clone(),
                    order: (rank[i], 0),
                    target: None,
                }));
            out.generated
                .extend(patches.iter().map(|(o, order, target)| Generated {
                    object: Object {
                        namespace: ns.map(str::to_string),
                        ..o.clone()
                    },
                    levels: levels.clone(),
                    order: *order,
                    target: target.clone(),
                }));
            let placement = Placement {
                namespace,
                levels,
                labels,
            };
            for (ops, at, target) in &json {
                json_use(
                    &mut out,
                    target.clone(),
                    (k.path, ops.clone()),
                    (k, &k.patches[*at]),
                    &placement,
                    (rank[i], *at as u32 + 1),
                );
            }
        }
    }
    out
}

/// Records a JSON 6902 patch's use at one placement; one whose target
/// cannot be read was said already, one with none or whose operations
/// cannot be read is said here.
fn json_use(
    out: &mut Kustomized,
    target: Option<Option<Arc<Target>>>,
    (path, ops): (&str, ReadOps),
    (k, entry): (&Kustomization<'_>, &PatchEntry<'_>),
    placement: &Placement,
    order: PatchOrder,
) {
    let target = match target {
        Some(Some(target)) => target,
        Some(None) => return,
        None => return say_once(&mut out.diagnostics, json_unapplied(k, entry)),
    };
    match ops {
        Ok(ops) => out.json_patches.push(JsonPatch {
            path: path.to_string(),
            ops,
            placement: placement.clone(),
            order,
            target,
        }),
        Err((line, why)) => say_once(
            &mut out.diagnostics,
            Diagnostic::warning(
                "kustomize-patch-unapplied",
                format!(
                    "this JSON 6902 patch cannot be read ({why}), so it is not applied; fix it, or scan the output of `kubectl kustomize {}`",
                    dir_of(k.path)
                ),
            )
            .at(path, Some(line), None),
        ),
    }
}

/// What `namePrefix` and `nameSuffix` do, kustomization by kustomization
/// (indexed as [`Placement::levels`] name them).
#[derive(Debug, Default)]
pub struct Renames {
    levels: Vec<Level>,
}

#[derive(Debug, Default)]
struct Level {
    /// The kustomization, for messages.
    path: String,
    prefix: String,
    suffix: String,
    /// It, or a base of it, sets a prefix or a suffix.
    renames: bool,
    /// The files it lists itself.
    files: Vec<String>,
    /// The kustomizations it lists (bases and components).
    bases: Vec<usize>,
    /// (kind, name) of the ConfigMaps and Secrets its generators make.
    generated: Vec<(&'static str, String)>,
    /// (kind, a name an object it makes has, or had below it) → the
    /// object's name once it is through this kustomization; filled by
    /// [`Renames::resolve`], for the kustomizations that rename.
    names: HashMap<(String, String), String>,
}

/// Kinds kustomize's prefix and suffix transformers leave alone.
const KEEP_NAMES: &[&str] = &["Namespace", "CustomResourceDefinition", "APIService"];

impl Renames {
    /// Whether any kustomization renames.
    pub fn is_empty(&self) -> bool {
        self.levels.is_empty()
    }

    /// Learns the names of the objects the files hold (objects of files no
    /// kustomization lists, and patches, are passed over), and so what each
    /// kustomization makes and calls it.
    pub fn resolve<'o, 's: 'o>(&mut self, objects: impl IntoIterator<Item = &'o Object<'s>>) {
        if self.is_empty() {
            return;
        }
        let listed: HashSet<&str> = self
            .levels
            .iter()
            .flat_map(|l| l.files.iter().map(String::as_str))
            .collect();
        let mut by_file: HashMap<String, Vec<(String, String)>> = HashMap::new();
        for o in objects {
            if o.patch || !listed.contains(o.path.as_str()) {
                continue;
            }
            let (Some(kind), Some(name)) = (
                o.root.str_at(&["kind"]),
                o.root.str_at(&["metadata", "name"]),
            ) else {
                continue;
            };
            by_file
                .entry(o.path.clone())
                .or_default()
                .push((kind.to_string(), name.to_string()));
        }
        let mut made: Vec<Option<Vec<Made>>> = vec![None; self.levels.len()];
        let mut walking = vec![false; self.levels.len()];
        for i in 0..self.levels.len() {
            if self.levels[i].renames {
                self.made_by(i, &by_file, &mut made, &mut walking);
            }
        }
    }

    /// The objects kustomization `i` makes, each with the names it had on
    /// the way (its bases' first), filling in `names` where it renames.
    fn made_by(
        &mut self,
        i: usize,
        by_file: &HashMap<String, Vec<(String, String)>>,
        made: &mut Vec<Option<Vec<Made>>>,
        walking: &mut Vec<bool>,
    ) -> Vec<Made> {
        if let Some(done) = &made[i] {
            return done.clone();
        }
        // A cycle of bases (kustomize's error) makes nothing more.
        if walking[i] {
            return Vec::new();
        }
        walking[i] = true;
        let level = &self.levels[i];
        let mut objects: Vec<Made> = level
            .files
            .iter()
            .flat_map(|f| by_file.get(f).map(Vec::as_slice).unwrap_or_default())
            .map(|(kind, name)| (kind.clone(), vec![name.clone()]))
            .chain(
                level
                    .generated
                    .iter()
                    .map(|(kind, name)| (kind.to_string(), vec![name.clone()])),
            )
            .collect();
        for base in level.bases.clone() {
            objects.extend(self.made_by(base, by_file, made, walking));
        }
        let level = &mut self.levels[i];
        if level.renames {
            // An object's name as it comes in wins over a name another had
            // further down (kustomize matches the current name first).
            let mut names = HashMap::new();
            for (kind, had) in &objects {
                let now = had.last().cloned().unwrap_or_default();
                let new = with_affixes(kind, &now, &level.prefix, &level.suffix);
                names.entry((kind.clone(), now)).or_insert(new);
            }
            for (kind, had) in &objects {
                let now = &had[had.len() - 1];
                let new = names[&(kind.clone(), now.clone())].clone();
                for old in &had[..had.len() - 1] {
                    names
                        .entry((kind.clone(), old.clone()))
                        .or_insert(new.clone());
                }
            }
            for (kind, had) in &mut objects {
                let new = &names[&(kind.clone(), had[had.len() - 1].clone())];
                if had.last() != Some(new) {
                    had.push(new.clone());
                }
            }
            level.names = names;
        }
        walking[i] = false;
        made[i] = Some(objects.clone());
        objects
    }

    /// Renames `object` as the kustomizations `levels` (innermost first)
    /// do: its own name (a patch takes the name of the object it patches)
    /// and the references in it to objects they make. Lines stay where the
    /// names are written.
    pub fn rename(&self, object: &mut Object<'_>, levels: &[usize]) {
        let kind = object.root.str_at(&["kind"]).unwrap_or("").to_string();
        let written = object
            .root
            .str_at(&["metadata", "name"])
            .map(str::to_string);
        for (target, node) in name_refs(&mut object.root, &kind) {
            let Some(mut name) = node.as_str().map(str::to_string) else {
                continue;
            };
            let mut changed = false;
            for &l in levels {
                if let Some(new) = self.levels[l]
                    .names
                    .get(&(target.to_string(), name.clone()))
                {
                    changed |= *new != name;
                    name.clone_from(new);
                }
            }
            if changed {
                set_text(node, name);
            }
        }
        let Some(written) = written else { return };
        let (name, by, between) = self.renamed(&kind, &written, levels);
        let Some(by) = by else { return };
        if let Some(node) = node_mut(&mut object.root, &["metadata", "name"]) {
            set_text(node, name);
        }
        object.renamed = Some(Box::new(Renamed {
            from: written,
            by,
            between,
        }));
    }
}

impl Renames {
    /// The name an object of `kind` written `written` has through the
    /// kustomizations `levels` (innermost first).
    pub fn name(&self, kind: &str, written: &str, levels: &[usize]) -> String {
        if self.is_empty() {
            return written.to_string();
        }
        self.renamed(kind, written, levels).0
    }

    /// [`Renames::name`], with the outermost kustomization that changed it
    /// and the names it had between (an inner overlay's `prod-redis` on the
    /// way to `eu-prod-redis`).
    fn renamed(
        &self,
        kind: &str,
        written: &str,
        levels: &[usize],
    ) -> (String, Option<String>, Vec<String>) {
        let mut name = written.to_string();
        let mut by = None;
        let mut between = Vec::new();
        for &l in levels {
            let level = &self.levels[l];
            let new = level
                .names
                .get(&(kind.to_string(), name.clone()))
                .cloned()
                .unwrap_or_else(|| with_affixes(kind, &name, &level.prefix, &level.suffix));
            if new != name {
                by = Some(level.path.clone());
                if name != written {
                    between.push(std::mem::replace(&mut name, new));
                } else {
                    name = new;
                }
            }
        }
        (name, by, between)
    }
}

/// An object a kustomization makes: its kind and the names it had, the
/// last its current one.
type Made = (String, Vec<String>);

/// `name` with a kustomization's prefix and suffix, unless `kind` keeps it.
fn with_affixes(kind: &str, name: &str, prefix: &str, suffix: &str) -> String {
    if KEEP_NAMES.contains(&kind) {
        name.to_string()
    } else {
        format!("{prefix}{name}{suffix}")
    }
}

/// Where a pod spec is in each kind kustomize's name references know.
fn pod_spec_path(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "Pod" => &["spec"],
        "PodTemplate" => &["template", "spec"],
        "Deployment"
        | "ReplicaSet"
        | "DaemonSet"
        | "StatefulSet"
        | "Job"
        | "ReplicationController" => &["spec", "template", "spec"],
        "CronJob" => &["spec", "jobTemplate", "spec", "template", "spec"],
        _ => return None,
    })
}

/// The fields of a pod spec that name another object (kustomize's
/// `nameReference` configuration), with the kind they name. A list on the
/// way is walked item by item.
const POD_SPEC_REFS: &[(&[&str], &str)] = &[
    (
        &["containers", "env", "valueFrom", "configMapKeyRef", "name"],
        "ConfigMap",
    ),
    (
        &[
            "initContainers",
            "env",
            "valueFrom",
            "configMapKeyRef",
            "name",
        ],
        "ConfigMap",
    ),
    (
        &["containers", "envFrom", "configMapRef", "name"],
        "ConfigMap",
    ),
    (
        &["initContainers", "envFrom", "configMapRef", "name"],
        "ConfigMap",
    ),
    (&["volumes", "configMap", "name"], "ConfigMap"),
    (
        &["volumes", "projected", "sources", "configMap", "name"],
        "ConfigMap",
    ),
    (
        &["containers", "env", "valueFrom", "secretKeyRef", "name"],
        "Secret",
    ),
    (
        &["initContainers", "env", "valueFrom", "secretKeyRef", "name"],
        "Secret",
    ),
    (&["containers", "envFrom", "secretRef", "name"], "Secret"),
    (
        &["initContainers", "envFrom", "secretRef", "name"],
        "Secret",
    ),
    (&["volumes", "secret", "secretName"], "Secret"),
    (
        &["volumes", "projected", "sources", "secret", "name"],
        "Secret",
    ),
    (&["imagePullSecrets", "name"], "Secret"),
    (&["serviceAccountName"], "ServiceAccount"),
    (
        &["volumes", "persistentVolumeClaim", "claimName"],
        "PersistentVolumeClaim",
    ),
];

/// The nodes of an object of `kind` that name another object by name, with
/// the kind each names.
fn name_refs<'n, 's>(root: &'n mut Node<'s>, kind: &str) -> Vec<(&'static str, &'n mut Node<'s>)> {
    let mut patterns: Vec<(Vec<&'static str>, &'static str)> = Vec::new();
    if let Some(spec) = pod_spec_path(kind) {
        patterns.extend(
            POD_SPEC_REFS
                .iter()
                .map(|(path, target)| ([spec, *path].concat(), *target)),
        );
    }
    if kind == "StatefulSet" {
        patterns.push((vec!["spec", "serviceName"], "Service"));
    }
    let mut out = Vec::new();
    if !patterns.is_empty() {
        let patterns: Vec<(&[&str], &'static str)> =
            patterns.iter().map(|(p, k)| (p.as_slice(), *k)).collect();
        collect_refs(root, &patterns, &mut out);
    }
    out
}

fn collect_refs<'n, 's>(
    node: &'n mut Node<'s>,
    patterns: &[(&[&str], &'static str)],
    out: &mut Vec<(&'static str, &'n mut Node<'s>)>,
) {
    if let Some(&(_, kind)) = patterns.iter().find(|(path, _)| path.is_empty()) {
        out.push((kind, node));
        return;
    }
    match &mut node.value {
        Value::Seq(items) => {
            for item in items {
                collect_refs(item, patterns, out);
            }
        }
        Value::Map(entries) => {
            for (key, value) in entries.iter_mut() {
                let Some(key) = key.as_str() else { continue };
                let below: Vec<(&[&str], &'static str)> = patterns
                    .iter()
                    .filter(|(path, _)| path.first() == Some(&key))
                    .map(|(path, kind)| (&path[1..], *kind))
                    .collect();
                if !below.is_empty() {
                    collect_refs(value, &below, out);
                }
            }
        }
        Value::Scalar { .. } => {}
    }
}

/// The node at `path` (map keys), to change.
fn node_mut<'n, 's>(node: &'n mut Node<'s>, path: &[&str]) -> Option<&'n mut Node<'s>> {
    let Some((first, rest)) = path.split_first() else {
        return Some(node);
    };
    let Value::Map(entries) = &mut node.value else {
        return None;
    };
    let (_, value) = entries.iter_mut().find(|(key, _)| key.is_key(first))?;
    node_mut(value, rest)
}

/// Puts `text` in a scalar, in place (its line and column stay).
fn set_text(node: &mut Node<'_>, text: String) {
    if let Value::Scalar { text: old, .. } = &mut node.value {
        *old = text.into();
    }
}

/// (kind, name) of the ConfigMaps and Secrets a kustomization's generators
/// make (a `behavior: merge` or `replace` one changes a base's instead).
fn generated_names(k: &Kustomization<'_>) -> Vec<(&'static str, String)> {
    [
        ("configMapGenerator", "ConfigMap"),
        ("secretGenerator", "Secret"),
    ]
    .into_iter()
    .flat_map(|(field, kind)| {
        k.root
            .get(field)
            .map(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .filter(|g| !matches!(g.str_at(&["behavior"]), Some("merge" | "replace")))
            .filter_map(move |g| Some((kind, g.str_at(&["name"])?.to_string())))
    })
    .collect()
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
            let key = crate::projects::normalized(&f.path);
            wanted.contains(key.as_ref()).then(|| key.into_owned())
        })
        .collect();
    listed
        .into_iter()
        .filter(|(p, ..)| !found.contains(p))
        .map(|(_, k, r, line)| not_scanned(k, r, line))
        .collect()
}

/// Manifests beside a kustomization that no kustomization names: `kubectl
/// apply -k` of that folder does not apply them. They are still read (as
/// `kubectl apply -f` of the folder would), and a `kustomize-unlisted` info
/// note at each says so. A file named anywhere in any kustomization (a
/// resource, a patch, a generator's `key=path`, a replacement's source) is
/// not unlisted.
fn unlisted_manifests(
    files: &[SourceFile],
    kustomizations: &[Kustomization<'_>],
    by_dir: &BTreeMap<&str, usize>,
) -> Vec<Diagnostic> {
    fn texts<'n>(node: &'n Node<'_>, out: &mut Vec<&'n str>) {
        match &node.value {
            Value::Seq(items) => items.iter().for_each(|i| texts(i, out)),
            Value::Map(entries) => entries.iter().for_each(|(_, v)| texts(v, out)),
            _ => out.extend(node.as_str()),
        }
    }
    // Cheap tests first: most files are elsewhere, most beside one listed.
    let dirs: foldhash::HashSet<&str> = by_dir.keys().copied().collect();
    let beside: Vec<&SourceFile> = files
        .iter()
        .filter(|f| {
            let (dir, name) = f.path.rsplit_once('/').unwrap_or(("", &f.path));
            dirs.contains(dir) && !NAMES.contains(&name) && crate::k8s::is_manifest_path(name)
        })
        .collect();
    // Most are listed as written beside their kustomization: no paths to
    // join for those.
    let as_written: foldhash::HashSet<(&str, &str)> = kustomizations
        .iter()
        .flat_map(|k| k.resources.iter().map(|&(r, _)| (dir_of(k.path), r)))
        .collect();
    let beside: Vec<&SourceFile> = beside
        .into_iter()
        .filter(|f| !as_written.contains(&f.path.rsplit_once('/').unwrap_or(("", &f.path))))
        .collect();
    if beside.is_empty() {
        return Vec::new();
    }
    let mut mentioned: foldhash::HashSet<String> = foldhash::HashSet::default();
    // Names reached through `..` above the scanned folder (`../app/svc.yaml`
    // scanned from inside `app/`): where they land is not known here, so a
    // file of that name is taken as named.
    let mut above: HashSet<&str> = HashSet::new();
    for k in kustomizations {
        let mut found = Vec::new();
        texts(k.root, &mut found);
        for text in found {
            // A generator's `key=path` names `path`.
            let rel = text.rsplit_once('=').map_or(text, |(_, path)| path).trim();
            if !crate::k8s::is_manifest_path(rel) {
                continue;
            }
            match join_path(dir_of(k.path), rel) {
                Some(joined) if !joined.starts_with("..") => {
                    mentioned.insert(joined);
                }
                // Above the scanned folder (or outside it).
                _ if rel.contains("..") => {
                    above.insert(rel.rsplit('/').next().unwrap_or(rel));
                }
                _ => {}
            }
        }
    }
    // Only files that run something: a workload is what would be counted
    // as a consumer (a `skaffold.yaml`'s `kind: Config` is not).
    let runs_a_workload = |text: &str| {
        text.lines().any(|l| {
            l.strip_prefix("kind:").is_some_and(|k| {
                matches!(
                    k.trim().trim_matches(['"', '\'']),
                    "Deployment"
                        | "StatefulSet"
                        | "DaemonSet"
                        | "ReplicaSet"
                        | "ReplicationController"
                        | "Pod"
                        | "Job"
                        | "CronJob"
                        | "Rollout"
                        | "DeploymentConfig"
                )
            })
        })
    };
    beside
        .into_iter()
        .filter(|f| {
            !mentioned.contains(crate::projects::normalized(&f.path).as_ref())
                && !above.contains(f.path.rsplit('/').next().unwrap_or(""))
                && runs_a_workload(&f.text)
        })
        .map(|f| {
            let k = kustomizations[by_dir[dir_of(&f.path)]].path;
            Diagnostic::info(
                "kustomize-unlisted",
                format!(
                    "{k} does not list this file, so `kubectl apply -k` of its folder does not apply it; it is read as applied on its own (as `kubectl apply -f` would). If it is not deployed, the consumers found in it are not real: list it under `resources:`, or move it out of the folder"
                ),
            )
            .at(&f.path, None, None)
        })
        .collect()
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

/// A JSON 6902 patch's operations, or where and why they cannot be read.
type ReadOps = Result<Arc<Vec<json_patch::Op>>, (u32, String)>;

/// An inline JSON 6902 patch and its place among its kustomization's.
type InlineJson = (ReadOps, usize);

/// The objects of a kustomization's inline patches, as patches, at the
/// kustomization's lines, each with its place among the kustomization's
/// patches, and its inline JSON 6902 patches (operations, no object). A
/// patch that does not parse is an error there.
fn inline_patches(
    k: &Kustomization<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<(Object<'static>, usize)>, Vec<InlineJson>) {
    let mut out = Vec::new();
    let mut json = Vec::new();
    for (at, entry) in k.patches.iter().enumerate() {
        let Some(node) = entry.inline else { continue };
        let Some(text) = node.as_str() else { continue };
        if entry.json6902 || is_json_patch(text) {
            // `node.line` is the text's first line (a block scalar is
            // marked at its first content line, below its `|`).
            json.push((json_patch::read_ops(text, node.line).map(Arc::new), at));
            continue;
        }
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
            out.push((
                Object {
                    path: k.path.to_string(),
                    root,
                    namespace: None,
                    patch: true,
                    renamed: None,
                },
                at,
            ));
        }
    }
    (out, json)
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
                // The env file is the ConfigMap's data, not an app's config.
                kustomized.generator_files.insert(file.path.clone());
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
            let mut fields = vec![
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
            ];
            // `behavior: replace`: its keys take the place of the base's
            // (the Kubernetes scan reads `$patch: replace` so).
            if generator.str_at(&["behavior"]) == Some("replace") {
                fields.push(pair("$patch", "replace", generator.line));
            }
            let root = map(fields, generator.line);
            // `behavior: merge` or `replace` changes a base's generator: the
            // same ConfigMap, not a second one.
            let patch = matches!(generator.str_at(&["behavior"]), Some("merge" | "replace"));
            out.push(Object {
                path: k.path.to_string(),
                root,
                namespace: ns.map(str::to_string),
                patch,
                renamed: None,
            });
        }
    }
    out
}

/// kustomize's `replacements:` whose source is a key of a ConfigMap or
/// Secret this kustomization generates (`fieldPath: data.redis-url`), as
/// strategic-merge patches of the objects they select by kind and name,
/// each setting the field a `fieldPath` names
/// (`spec.template.spec.containers.[name=app].env.[name=REDIS_URL].value`)
/// to the key's value, at the line it is written. One the scan cannot
/// apply (another source, `options`, `reject`, an index in a path) is a
/// warning at its line: what it sets keeps the value written in the file.
fn replacement_patches(
    k: &Kustomization<'_>,
    made: &[Object<'static>],
    ns: Option<&str>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Object<'static>> {
    let mut out = Vec::new();
    for r in k
        .root
        .get("replacements")
        .map(Node::as_seq)
        .unwrap_or_default()
    {
        let unapplied = |why: &str| {
            Diagnostic::warning(
                "kustomize-replacement-unapplied",
                format!("this replacement is not applied ({why}): the fields it sets keep the values written in the files it targets, which may be placeholders; scan the output of `kubectl kustomize`"),
            )
            .at(k.path, Some(r.line), None)
        };
        let source = r.get("source");
        let kind = source.and_then(|s| s.str_at(&["kind"]));
        let name = source.and_then(|s| s.str_at(&["name"]));
        let field = source
            .and_then(|s| s.str_at(&["fieldPath"]))
            .unwrap_or("metadata.name");
        let value = match (kind, name) {
            (Some(kind @ ("ConfigMap" | "Secret")), Some(name)) => {
                let key = field
                    .strip_prefix("data.")
                    .or_else(|| field.strip_prefix("stringData."));
                made.iter()
                    .filter(|o| {
                        o.root.str_at(&["kind"]) == Some(kind)
                            && o.root.str_at(&["metadata", "name"]) == Some(name)
                    })
                    .find_map(|o| {
                        let data = o.root.get("data").or_else(|| o.root.get("stringData"))?;
                        data.get(key?)
                    })
            }
            _ => None,
        };
        let Some(value) = value.filter(|_| source.and_then(|s| s.get("options")).is_none()) else {
            say_once(
                diagnostics,
                unapplied(
                    "its source is not a key of a ConfigMap or Secret this kustomization generates",
                ),
            );
            continue;
        };
        for target in r.get("targets").map(Node::as_seq).unwrap_or_default() {
            let select = target.get("select");
            let (Some(kind), Some(name)) = (
                select.and_then(|s| s.str_at(&["kind"])),
                select.and_then(|s| s.str_at(&["name"])),
            ) else {
                say_once(diagnostics, unapplied("a target selects no kind and name"));
                continue;
            };
            if target.get("reject").is_some() || target.get("options").is_some() {
                say_once(diagnostics, unapplied("a target has `reject` or `options`"));
                continue;
            }
            for path in target
                .get("fieldPaths")
                .map(Node::as_seq)
                .unwrap_or_default()
            {
                let fields = match path.as_str().map(field_path) {
                    Some(Ok(fields)) => fields,
                    Some(Err(why)) => {
                        say_once(diagnostics, unapplied(why));
                        continue;
                    }
                    None => continue,
                };
                let Some(body) = nested(&fields, value.clone(), path.line) else {
                    continue;
                };
                let line = path.line;
                let mut metadata = vec![pair("name", name, line)];
                if let Some(ns) = ns {
                    metadata.push(pair("namespace", ns, line));
                }
                let mut root = vec![
                    pair("kind", kind, line),
                    (
                        Node::scalar("metadata", line, 1),
                        Node {
                            line,
                            col: 1,
                            value: Value::Map(metadata),
                            block: false,
                        },
                    ),
                ];
                if let Value::Map(entries) = body.value {
                    root.extend(entries);
                }
                out.push(Object {
                    path: k.path.to_string(),
                    root: Node {
                        line,
                        col: 1,
                        value: Value::Map(root),
                        block: false,
                    },
                    namespace: ns.map(str::to_string),
                    patch: true,
                    renamed: None,
                });
            }
        }
    }
    out
}

/// One step of a replacement's field path: a field, or the item of a list
/// whose `key` is `value` (`[name=app]`).
enum Step<'p> {
    Field(&'p str),
    Item(&'p str, &'p str),
}

/// A field path's steps (`a.b.[name=x.y].c`), or why it is not applied:
/// an index, `*` or `-` (which a merge patch cannot say), or an item
/// selector that does not read as `[key=value]`.
fn field_path(path: &str) -> Result<Vec<Step<'_>>, &'static str> {
    const INDEX: &str = "a field path with an index or a wildcard";
    const ITEM: &str = "a field path with an item selector that is not `[key=value]`";
    let mut steps = Vec::new();
    let mut rest = path.trim();
    while !rest.is_empty() {
        if let Some(inner) = rest.strip_prefix('[') {
            let end = inner.find(']').ok_or(ITEM)?;
            let (key, value) = inner[..end].split_once('=').ok_or(ITEM)?;
            steps.push(Step::Item(key, value));
            rest = inner[end + 1..].trim_start_matches('.');
        } else {
            let end = rest.find('.').unwrap_or(rest.len());
            let field = &rest[..end];
            if field.is_empty()
                || field == "*"
                || field == "-"
                || field.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(INDEX);
            }
            steps.push(Step::Field(field));
            rest = rest[end..].trim_start_matches('.');
        }
    }
    if steps.is_empty() {
        return Err(INDEX);
    }
    Ok(steps)
}

/// The map that sets the field `steps` names to `value`.
fn nested(steps: &[Step<'_>], value: Node<'static>, line: u32) -> Option<Node<'static>> {
    let map = |entries| Node {
        line,
        col: 1,
        value: Value::Map(entries),
        block: false,
    };
    let (first, rest) = steps.split_first()?;
    let Step::Field(field) = first else {
        return None;
    };
    let child = match rest.first() {
        None => value,
        Some(Step::Field(_)) => nested(rest, value, line)?,
        Some(Step::Item(key, v)) => {
            let mut item = vec![pair(key, v, line)];
            if rest.len() > 1 {
                if let Value::Map(entries) = nested(&rest[1..], value, line)?.value {
                    item.extend(entries);
                }
            }
            Node {
                line,
                col: 1,
                value: Value::Seq(vec![map(item)]),
                block: false,
            }
        }
    };
    Some(map(vec![(Node::scalar(field.to_string(), line, 1), child)]))
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

/// A kustomization reached in the walk from a root: (its index, the
/// namespace it is applied in, the renaming kustomizations above it, the
/// kustomizations on the way from the root).
type Visit<'k> = (usize, Option<&'k str>, Vec<usize>, Vec<usize>, AddedLabels);

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

/// `commonLabels` / `labels` written in a shape `kubectl kustomize`
/// refuses (a list where a mapping goes, a label whose value is a list or
/// a mapping): said at their line (the labels that are text are applied).
fn malformed_labels(k: &Kustomization<'_>) -> Vec<Diagnostic> {
    let said = |node: &Node<'_>, what: &str| {
        Diagnostic::warning(
            "kustomize-labels-malformed",
            format!("{what}: `kubectl kustomize` refuses this kustomization; here its text-valued labels are applied and this one is not; write `label: value` pairs"),
        )
        .at(k.path, Some(node.line), None)
    };
    // A map of labels: every value a scalar (null counts: kustomize reads
    // it as an empty label).
    let pairs = |node: &Node<'_>, field: &str| -> Option<Diagnostic> {
        let Some(entries) = node.as_map() else {
            return Some(said(node, &format!("`{field}` is not a mapping")));
        };
        entries
            .iter()
            .find(|(_, v)| !matches!(v.value, Value::Scalar { .. }))
            .map(|(key, _)| {
                said(
                    key,
                    &format!(
                        "label `{}` of `{field}` is not a text value",
                        key.as_str().unwrap_or("?")
                    ),
                )
            })
    };
    let mut out = Vec::new();
    if let Some(common) = k.root.get("commonLabels").filter(|n| !n.is_null()) {
        out.extend(pairs(common, "commonLabels"));
    }
    if let Some(labels) = k.root.get("labels").filter(|n| !n.is_null()) {
        let Value::Seq(entries) = &labels.value else {
            out.push(said(
                labels,
                "`labels` is not a list of entries (`- pairs: {…}`)",
            ));
            return out;
        };
        for entry in entries {
            match entry.get("pairs").filter(|n| !n.is_null()) {
                _ if entry.as_map().is_none() => out.push(said(
                    entry,
                    "an entry of `labels` is not a mapping with `pairs:`",
                )),
                Some(p) => out.extend(pairs(p, "labels[].pairs")),
                None => {}
            }
        }
    }
    out
}

/// A map's string entries, in order (later ones win where a key repeats);
/// empty for anything else.
fn string_pairs(node: Option<&Node<'_>>) -> Vec<(String, String)> {
    node.into_iter()
        .flat_map(Node::entries)
        .filter_map(|(k, v)| Some((k.to_string(), v.as_str()?.to_string())))
        .collect()
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

    /// Each file with the namespaces it is placed in (`(own)`: none given).
    fn show_ns(map: &BTreeMap<String, BTreeSet<Placement>>) -> Vec<String> {
        map.iter()
            .map(|(p, at)| {
                let ns: BTreeSet<&str> = at
                    .iter()
                    .map(|at| at.namespace.as_deref().unwrap_or("(own)"))
                    .collect();
                format!("{p}: {}", ns.into_iter().collect::<Vec<_>>().join(","))
            })
            .collect()
    }

    /// Each patch file with the namespaces given to it.
    fn show(map: &BTreeMap<String, Vec<PatchUse>>) -> Vec<String> {
        map.iter()
            .map(|(p, uses)| {
                let at: Vec<&Placement> = uses.iter().map(|u| &u.placement).collect();
                let ns: BTreeSet<&str> =
                    at.iter().filter_map(|at| at.namespace.as_deref()).collect();
                format!("{p}: {}", ns.into_iter().collect::<Vec<_>>().join(","))
            })
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
            show_ns(&apply(&f).placements),
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
            .map(|Generated { object: o, .. }| {
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
        let merges: Vec<bool> = k.generated.iter().map(|g| g.object.patch).collect();
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
            .map(|Generated { object: o, .. }| {
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
        assert_eq!(show_ns(&k.placements), ["comp/w.yaml: prod"]);
        assert_eq!(show(&k.patches), ["comp/p.yaml: prod"]);
        let made: Vec<(&str, Option<&str>)> = k
            .generated
            .iter()
            .map(|g| (g.object.path.as_str(), g.object.namespace.as_deref()))
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
            .map(|Generated { object: o, .. }| {
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
        assert_eq!(said.len(), 2, "{said:?}");
        assert_eq!(said[0].0, "yaml-parse");
        assert!(said[0].1.is_some_and(|l| l >= 13), "{said:?}");
        // The JSON 6902 patch is not applied, and says so at its line.
        assert_eq!(said[1], ("kustomize-patch-unapplied", Some(7)));
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
        assert_eq!(show_ns(&apply(&f).placements), ["app/a.yaml: (own),x"]);
    }

    #[test]
    fn no_namespace_anywhere_is_nothing_and_cycles_end() {
        let f = files(&[
            ("k/kustomization.yaml", "resources: [a.yaml]\n"),
            ("k/a.yaml", "x: 1"),
        ]);
        assert!(apply(&f).placements.is_empty());
        let f = files(&[
            (
                "a/kustomization.yaml",
                "namespace: a\nresources: [../b, x.yaml]\n",
            ),
            ("b/kustomization.yaml", "resources: [../a]\n"),
            ("a/x.yaml", "kind: Deployment"),
        ]);
        // `a` sets its own namespace and builds on `b`: an overlay, read
        // as deployed though `b` lists it; the cycle ends the walk.
        assert_eq!(show_ns(&apply(&f).placements), ["a/x.yaml: a"]);
    }

    /// Finding h6-1: which kustomizations are deployed on their own. An
    /// overlay with its own namespace over a base is, though an overlay
    /// lists it; a base is not, with or without a namespace, whether named
    /// `base/` or listing files only; a component never is.
    #[test]
    fn an_overlay_listed_by_another_is_deployed_and_a_base_is_not() {
        let f = files(&[
            ("base/kustomization.yaml", "namespace: app\nresources: [d.yaml, ../parts]\n"),
            ("base/d.yaml", "kind: Deployment"),
            ("parts/kustomization.yaml", "namespace: parts\nresources: [p.yaml]\n"),
            ("parts/p.yaml", "kind: Deployment"),
            ("comp/kustomization.yaml", "kind: Component\nnamespace: comp\nresources: [../base, c.yaml]\n"),
            ("comp/c.yaml", "kind: Deployment"),
            ("overlays/prod/kustomization.yaml", "namespace: shop\nnamePrefix: prod-\nresources: [../../base]\ncomponents: [../../comp]\n"),
            ("overlays/prod-eu/kustomization.yaml", "namespace: shop-eu\nnamePrefix: eu-\nresources: [../prod]\n"),
        ]);
        let k = apply(&f);
        assert_eq!(
            show_ns(&k.placements),
            [
                "base/d.yaml: shop,shop-eu",
                "comp/c.yaml: shop,shop-eu",
                "parts/p.yaml: shop,shop-eu",
            ]
        );
        let mut notes: Vec<(&str, Option<u32>, bool)> = k
            .diagnostics
            .iter()
            .filter(|d| d.code == "kustomize-deployed")
            .map(|d| {
                (
                    d.path.as_deref().unwrap_or(""),
                    d.line,
                    d.message.contains("also read as deployed"),
                )
            })
            .collect();
        notes.sort();
        assert_eq!(
            notes,
            [
                ("base/kustomization.yaml", Some(1), false),
                ("overlays/prod/kustomization.yaml", Some(1), true),
                ("parts/kustomization.yaml", Some(1), false),
            ]
        );
    }

    /// Finding h6-2: every kustomization is ranked after those it lists,
    /// whatever the order of the paths; a cycle ends.
    #[test]
    fn nesting_order_puts_bases_first() {
        // 0 lists 2, 2 lists 1, 3 lists 0 and 1; 4 and 5 list each other.
        let lists = [vec![2], vec![], vec![1], vec![0, 1], vec![5], vec![4]];
        let rank = nesting_order(lists.len(), |i| lists[i].clone());
        assert!(
            rank[1] < rank[2] && rank[2] < rank[0] && rank[0] < rank[3],
            "{rank:?}"
        );
        assert!(rank.iter().all(|&r| r != u32::MAX), "{rank:?}");
    }

    #[test]
    fn label_selectors() {
        let labels = |list: &[(&str, &str)]| -> Vec<(String, String)> {
            list.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let backend = labels(&[("tier", "backend"), ("env", "prod")]);
        let holds =
            |sel: &str, l: &[(String, String)]| selector(sel).unwrap().iter().all(|r| r.holds(l));
        assert!(holds("tier=backend", &backend));
        assert!(holds("tier==backend,env!=dev", &backend));
        assert!(holds("tier in (web, backend),!canary", &backend));
        assert!(holds("env", &backend));
        assert!(!holds("tier notin (backend)", &backend));
        assert!(!holds("canary", &backend));
        assert!(!holds("tier=web", &backend));
        assert!(selector("tier in backend").is_err());
    }

    /// What `kubectl kustomize` would deploy, as the scan reads it: each
    /// object as `ns/Kind/name@line`, a patch marked, with the names it
    /// references (and their lines).
    fn rendered(f: &[SourceFile]) -> Vec<String> {
        let mut k = apply(f);
        let parsed: Vec<Object<'_>> = f
            .iter()
            .flat_map(|f| crate::k8s::parse_manifests(&f.path, &f.text).0)
            .collect();
        k.renames.resolve(&parsed);
        let show = |o: &Object<'_>| {
            let kind = o.root.str_at(&["kind"]).unwrap().to_string();
            let name = o.root.at(&["metadata", "name"]).unwrap();
            let ns = o
                .namespace
                .as_deref()
                .or_else(|| o.root.str_at(&["metadata", "namespace"]))
                .unwrap_or("-");
            let mut root = o.root.clone();
            let refs: Vec<String> = name_refs(&mut root, &kind)
                .iter()
                .map(|(target, n)| format!(" {target}:{}@{}", n.as_str().unwrap(), n.line))
                .collect();
            let from = o
                .renamed
                .as_ref()
                .map(|r| format!(" (was {} by {})", r.from, r.by))
                .unwrap_or_default();
            format!(
                "{}{ns}/{kind}/{}@{}{from}{}",
                if o.patch { "patch " } else { "" },
                name.as_str().unwrap(),
                name.line,
                refs.concat()
            )
        };
        let mut out = Vec::new();
        for o in &parsed {
            let uses: Option<BTreeSet<Placement>> = k
                .patches
                .get(&o.path)
                .map(|uses| uses.iter().map(|u| u.placement.clone()).collect());
            let at = k.placements.get(&o.path).or(uses.as_ref());
            let patch = k.patches.contains_key(&o.path);
            match at {
                Some(list) => {
                    for at in list {
                        let mut copy = Object {
                            namespace: at.namespace.clone(),
                            patch,
                            ..o.clone()
                        };
                        k.renames.rename(&mut copy, &at.levels);
                        out.push(show(&copy));
                    }
                }
                None => out.push(show(o)),
            }
        }
        for Generated {
            object: mut o,
            levels,
            ..
        } in k.generated
        {
            k.renames.rename(&mut o, &levels);
            out.push(show(&o));
        }
        out.sort();
        out
    }

    const API: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      serviceAccountName: api
      imagePullSecrets: [{name: pull}]
      containers:
        - name: api
          envFrom: [{configMapRef: {name: api-env}}, {secretRef: {name: vault}}]
          env:
            - {name: REDIS_PASSWORD, valueFrom: {secretKeyRef: {name: api-secret, key: p}}}
            - {name: REDIS_HOST, value: redis}
      volumes:
        - {name: a, configMap: {name: api-files}}
        - {name: b, projected: {sources: [{configMap: {name: api-env}}, {secret: {name: api-secret}}]}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: api-files}
data: {a: b}
";

    /// An overlay's prefix goes in front of its base's, its suffix after;
    /// every object the base makes is renamed (files and generators, a
    /// generator of the overlay too), and references to them follow, at
    /// the lines they are written; references to what the kustomizations
    /// do not make (`vault`, `pull`, the ServiceAccount) stay. A second
    /// overlay without a prefix is a second set of objects, in its
    /// namespace, named as the base names them.
    #[test]
    fn prefixes_and_suffixes_accumulate_and_references_follow() {
        let f = files(&[
            ("base/kustomization.yaml", "namePrefix: b-\nnameSuffix: -b\nresources: [api.yaml]\nconfigMapGenerator:\n  - {name: api-env, literals: [A=1]}\n"),
            ("base/api.yaml", API),
            ("a/kustomization.yaml", "namespace: a\nnamePrefix: a-\nnameSuffix: -a\nresources: [../base]\nsecretGenerator:\n  - {name: api-secret, literals: [p=x]}\n"),
            ("plain/kustomization.yaml", "namespace: plain\nresources: [../base]\n"),
        ]);
        let refs = |env: &str, secret: &str, files: &str| {
            format!(" ServiceAccount:api@7 Secret:pull@8 ConfigMap:{env}@11 Secret:vault@11 Secret:{secret}@13 ConfigMap:{files}@16 ConfigMap:{env}@17 Secret:{secret}@17")
        };
        assert_eq!(
            rendered(&f),
            [
                "a/ConfigMap/a-b-api-env-b-a@5 (was api-env by a/kustomization.yaml)".to_string(),
                "a/ConfigMap/a-b-api-files-b-a@21 (was api-files by a/kustomization.yaml)"
                    .to_string(),
                format!(
                    "a/Deployment/a-b-api-b-a@3 (was api by a/kustomization.yaml){}",
                    refs("a-b-api-env-b-a", "a-api-secret-a", "a-b-api-files-b-a")
                ),
                "a/Secret/a-api-secret-a@6 (was api-secret by a/kustomization.yaml)".to_string(),
                "plain/ConfigMap/b-api-env-b@5 (was api-env by base/kustomization.yaml)"
                    .to_string(),
                "plain/ConfigMap/b-api-files-b@21 (was api-files by base/kustomization.yaml)"
                    .to_string(),
                format!(
                    "plain/Deployment/b-api-b@3 (was api by base/kustomization.yaml){}",
                    refs("b-api-env-b", "api-secret", "b-api-files-b")
                ),
            ]
        );
    }

    /// A patch names its object as written in the base (or with the base's
    /// prefix) and is renamed with it; an overlay's `behavior: merge`
    /// generator joins the base's renamed ConfigMap. References in the
    /// overlay's own files to the base's objects follow them too.
    #[test]
    fn patches_and_merges_follow_the_renamed_object() {
        let f = files(&[
            ("base/kustomization.yaml", "namePrefix: b-\nresources: [api.yaml, redis.yaml]\nconfigMapGenerator:\n  - {name: api-env, literals: [A=1]}\n"),
            ("base/api.yaml", API),
            ("base/redis.yaml", "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: redis}\nspec:\n  serviceName: redis\n  template:\n    spec:\n      containers: [{name: redis, image: redis}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: redis}\n"),
            ("prod/kustomization.yaml", "namespace: prod\nnamePrefix: prod-\nresources: [../base, job.yaml]\npatches: [{path: api-patch.yaml}, {path: redis-patch.yaml}]\nconfigMapGenerator:\n  - {name: api-env, behavior: merge, literals: [B=2]}\n"),
            ("prod/api-patch.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    spec:\n      containers: [{name: api, envFrom: [{configMapRef: {name: api-env}}]}]\n"),
            ("prod/redis-patch.yaml", "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: b-redis}\n"),
            ("prod/job.yaml", "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: flush}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers: [{name: f, envFrom: [{configMapRef: {name: b-api-env}}, {configMapRef: {name: api-files}}]}]\n"),
        ]);
        let all = rendered(&f);
        let picked: Vec<&str> = all
            .iter()
            .map(String::as_str)
            .filter(|l| !l.contains("/Deployment/") || l.starts_with("patch"))
            .collect();
        assert_eq!(
            picked,
            [
                "patch prod/ConfigMap/prod-b-api-env@6 (was api-env by prod/kustomization.yaml)",
                "patch prod/Deployment/prod-b-api@3 (was api by prod/kustomization.yaml) ConfigMap:prod-b-api-env@7",
                "patch prod/StatefulSet/prod-b-redis@3 (was b-redis by prod/kustomization.yaml)",
                "prod/ConfigMap/prod-b-api-env@4 (was api-env by prod/kustomization.yaml)",
                "prod/ConfigMap/prod-b-api-files@21 (was api-files by prod/kustomization.yaml)",
                "prod/CronJob/prod-flush@3 (was flush by prod/kustomization.yaml) ConfigMap:prod-b-api-env@9 ConfigMap:prod-b-api-files@9",
                "prod/Service/prod-b-redis@12 (was redis by prod/kustomization.yaml)",
                "prod/StatefulSet/prod-b-redis@3 (was redis by prod/kustomization.yaml) Service:prod-b-redis@5",
            ]
        );
    }

    /// Namespaces, CRDs and APIServices keep their names, as kustomize's
    /// prefix transformer leaves them; a file no kustomization that changes
    /// anything reaches is read as written.
    #[test]
    fn some_kinds_keep_their_names() {
        assert_eq!(with_affixes("Namespace", "shop", "p-", "-s"), "shop");
        assert_eq!(
            with_affixes("CustomResourceDefinition", "x.acme.io", "p-", ""),
            "x.acme.io"
        );
        assert_eq!(
            with_affixes("APIService", "v1.acme.io", "p-", ""),
            "v1.acme.io"
        );
        assert_eq!(with_affixes("Service", "redis", "p-", "-s"), "p-redis-s");
        let f = files(&[
            (
                "k/kustomization.yaml",
                "namePrefix: p-\nresources: [ns.yaml]\n",
            ),
            (
                "k/ns.yaml",
                "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n",
            ),
            ("other/kustomization.yaml", "resources: [cm.yaml]\n"),
            (
                "other/cm.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
            ),
        ]);
        let mut k = apply(&f);
        assert_eq!(show_ns(&k.placements), ["k/ns.yaml: (own)"]);
        let text = &f[1].text;
        let doc = &yaml::parse(text, 1).unwrap()[0];
        let mut ns = Object {
            path: "k/ns.yaml".into(),
            root: doc.root.clone(),
            namespace: None,
            patch: false,
            renamed: None,
        };
        k.renames.resolve([&ns]);
        let levels = &k.placements["k/ns.yaml"].first().unwrap().levels;
        k.renames.rename(&mut ns, levels);
        assert_eq!(ns.root.str_at(&["metadata", "name"]), Some("shop"));
        assert!(ns.renamed.is_none());
    }
}

/// A patch's `target:`: which of the objects its kustomization gathers it
/// patches (kustomize's selector: kind, name as an anchored regular
/// expression, namespace, label and annotation selectors; group and
/// version are not compared).
#[derive(Debug)]
pub struct Target {
    /// The kustomization and the line that lists the patch.
    pub path: String,
    pub line: u32,
    kind: Option<String>,
    name: Option<regex::Regex>,
    namespace: Option<String>,
    labels: Vec<Requirement>,
    annotations: Vec<Requirement>,
    /// The files whose objects the kustomization gathers.
    under: Arc<Vec<Gathered>>,
}

/// A file whose objects a kustomization gathers, with what its bases did
/// to them before its patches run.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Gathered {
    file: String,
    /// The namespace a base gave them (`None`: their own).
    namespace: Option<String>,
    /// The bases that renamed them, innermost first.
    levels: Vec<usize>,
    /// The labels bases added (`commonLabels`, `labels`).
    labels: Vec<(String, String)>,
}

/// An object a [`Target`] selects: its kind, its name as its file writes
/// it, and its namespace as the patch sees it (`None`: none set).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selected {
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    /// Where it is: its file and its place among the file's objects (the
    /// first, when a file writes the same object twice).
    pub file: String,
    pub index: usize,
}

/// One requirement of a label (or annotation) selector.
#[derive(Debug)]
enum Requirement {
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    Absent(String),
}

impl Requirement {
    fn holds(&self, labels: &[(String, String)]) -> bool {
        let value = |key: &str| labels.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v);
        match self {
            Requirement::In(key, values) => value(key).is_some_and(|v| values.contains(v)),
            Requirement::NotIn(key, values) => !value(key).is_some_and(|v| values.contains(v)),
            Requirement::Exists(key) => value(key).is_some(),
            Requirement::Absent(key) => value(key).is_none(),
        }
    }
}

/// A Kubernetes label selector (`tier=backend,env!=dev`, `tier in (a,b)`,
/// `!canary`), or why it cannot be read.
fn selector(text: &str) -> Result<Vec<Requirement>, String> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    let list = |values: &str| -> Option<Vec<String>> {
        let inner = values.trim().strip_prefix('(')?.strip_suffix(')')?;
        Some(inner.split(',').map(|v| v.trim().to_string()).collect())
    };
    let mut out = Vec::new();
    for part in parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        let bad = || format!("`{part}` is no label selector requirement");
        let words: Vec<&str> = part.splitn(2, char::is_whitespace).collect();
        let requirement = if let Some((key, value)) = part.split_once("!=") {
            Requirement::NotIn(key.trim().into(), vec![value.trim().into()])
        } else if let Some((key, value)) = part.split_once("==").or_else(|| part.split_once('=')) {
            Requirement::In(key.trim().into(), vec![value.trim().into()])
        } else if let [key, rest] = words[..] {
            let rest = rest.trim_start();
            if let Some(values) = rest.strip_prefix("notin") {
                Requirement::NotIn(key.into(), list(values).ok_or_else(bad)?)
            } else if let Some(values) = rest.strip_prefix("in") {
                Requirement::In(key.into(), list(values).ok_or_else(bad)?)
            } else {
                return Err(bad());
            }
        } else if let Some(key) = part.strip_prefix('!') {
            Requirement::Absent(key.trim().into())
        } else {
            Requirement::Exists(part.into())
        };
        out.push(requirement);
    }
    Ok(out)
}

impl Target {
    /// Reads a `target:`; `Err` says why it cannot be applied.
    fn read(
        node: &Node<'_>,
        path: &str,
        line: u32,
        under: Arc<Vec<Gathered>>,
    ) -> Result<Target, String> {
        let field = |key: &str| node.str_at(&[key]).map(str::to_string);
        if node.as_seq().is_empty() && !matches!(node.value, Value::Map(_)) {
            return Err("it is no map of kind, name and selectors".into());
        }
        let name = match field("name") {
            Some(name) => Some(
                regex::Regex::new(&format!("^(?:{name})$"))
                    .map_err(|_| format!("its name `{name}` is no regular expression"))?,
            ),
            None => None,
        };
        Ok(Target {
            path: path.to_string(),
            line,
            kind: field("kind"),
            name,
            namespace: field("namespace"),
            labels: field("labelSelector")
                .map(|s| selector(&s))
                .transpose()?
                .unwrap_or_default(),
            annotations: field("annotationSelector")
                .map(|s| selector(&s))
                .transpose()?
                .unwrap_or_default(),
            under,
        })
    }

    /// The objects it selects among those its kustomization gathers
    /// (`objects_of` gives a file's), named as their files write them.
    pub fn select<'o, 's: 'o>(
        &self,
        objects_of: impl Fn(&str) -> &'o [Object<'s>],
        renames: &Renames,
    ) -> Vec<Selected> {
        let mut out: Vec<Selected> = Vec::new();
        for g in self.under.iter() {
            for (index, o) in objects_of(&g.file).iter().enumerate() {
                if o.patch {
                    continue;
                }
                let (Some(kind), Some(written)) = (
                    o.root.str_at(&["kind"]),
                    o.root.str_at(&["metadata", "name"]),
                ) else {
                    continue;
                };
                if self.kind.as_deref().is_some_and(|k| k != kind) {
                    continue;
                }
                let namespace = g.namespace.clone().or_else(|| {
                    o.root
                        .str_at(&["metadata", "namespace"])
                        .map(str::to_string)
                });
                if let Some(want) = &self.namespace {
                    if namespace.as_deref().unwrap_or("default") != want {
                        continue;
                    }
                }
                if let Some(name) = &self.name {
                    if !name.is_match(&renames.name(kind, written, &g.levels)) {
                        continue;
                    }
                }
                let pairs =
                    |field: &str| string_pairs(o.root.get("metadata").and_then(|m| m.get(field)));
                if !self.labels.is_empty() {
                    let mut labels = pairs("labels");
                    labels.extend(g.labels.iter().cloned());
                    if !self.labels.iter().all(|r| r.holds(&labels)) {
                        continue;
                    }
                }
                if !self.annotations.is_empty() {
                    let annotations = pairs("annotations");
                    if !self.annotations.iter().all(|r| r.holds(&annotations)) {
                        continue;
                    }
                }
                let same =
                    |s: &Selected| s.kind == kind && s.name == written && s.namespace == namespace;
                if !out.iter().any(same) {
                    out.push(Selected {
                        kind: kind.to_string(),
                        name: written.to_string(),
                        namespace,
                        file: g.file.clone(),
                        index,
                    });
                }
            }
        }
        out
    }

    /// A copy of `patch` aimed at `at`, as kustomize aims a patch with a
    /// target: the object's kind and name (and namespace, when no
    /// kustomization sets one) stand instead of the patch's own.
    pub fn aim<'s>(patch: &Object<'s>, at: &Selected, namespace: Option<&str>) -> Object<'s> {
        let mut copy = Object {
            namespace: namespace
                .map(str::to_string)
                .or_else(|| at.namespace.clone()),
            ..patch.clone()
        };
        set_or_insert(&mut copy.root, "kind", &at.kind);
        if let Some(metadata) = node_mut(&mut copy.root, &["metadata"]) {
            set_or_insert(metadata, "name", &at.name);
        }
        copy
    }

    /// What it names, for messages: `Deployment tier=backend`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        parts.extend(self.kind.clone());
        if let Some(name) = &self.name {
            let name = name.as_str();
            parts.push(format!("name {}", &name[4..name.len() - 2]));
        }
        if !self.labels.is_empty() {
            parts.push("labelSelector".into());
        }
        if !self.annotations.is_empty() {
            parts.push("annotationSelector".into());
        }
        if let Some(ns) = &self.namespace {
            parts.push(format!("namespace {ns}"));
        }
        if parts.is_empty() {
            "every object".into()
        } else {
            parts.join(", ")
        }
    }
}

/// Sets `key` of a map to `text`, adding it when missing.
fn set_or_insert(node: &mut Node<'_>, key: &str, text: &str) {
    let line = node.line;
    let Value::Map(entries) = &mut node.value else {
        return;
    };
    match entries.iter_mut().find(|(k, _)| k.is_key(key)) {
        Some((_, value)) => {
            value.value = Value::Scalar {
                text: text.to_string().into(),
                quoted: true,
            }
        }
        None => entries.push((
            Node::scalar(key.to_string(), line, 1),
            Node::scalar(text.to_string(), line, 1),
        )),
    }
}

/// The files whose objects kustomization `i` gathers before its own
/// patches run, with what its bases did to them: each base's namespace
/// (the outermost one), renames and labels. `list` gives a kustomization's
/// entries: files (`Ok`) and kustomizations (`Err`).
fn gather<'k>(
    i: usize,
    kustomizations: &[Kustomization<'_>],
    renames: &[bool],
    list: impl Fn(usize) -> Vec<Result<&'k str, usize>>,
) -> Vec<Gathered> {
    let mut out = Vec::new();
    let mut seen: HashSet<Gathered> = HashSet::new();
    // A kustomization on the way down, with what those above it (below
    // `i`) did; the namespace, renames and labels of `i` itself come after
    // its patches.
    struct Below<'n> {
        at: usize,
        namespace: Option<&'n str>,
        levels: Vec<usize>,
        labels: Labels,
        depth: usize,
    }
    let mut stack = vec![Below {
        at: i,
        namespace: None,
        levels: Vec::new(),
        labels: Vec::new(),
        depth: 0,
    }];
    while let Some(b) = stack.pop() {
        if b.depth > 32 {
            continue;
        }
        for entry in list(b.at) {
            match entry {
                Ok(file) => {
                    let g = Gathered {
                        file: file.to_string(),
                        namespace: b.namespace.map(str::to_string),
                        levels: b.levels.clone(),
                        labels: b.labels.clone(),
                    };
                    if seen.insert(g.clone()) {
                        out.push(g);
                    }
                }
                Err(base) => {
                    let k = &kustomizations[base];
                    let levels = if renames[base] {
                        std::iter::once(base)
                            .chain(b.levels.iter().copied())
                            .collect()
                    } else {
                        b.levels.clone()
                    };
                    // An outer base's labels win over an inner one's.
                    let mut labels = AddedLabels::of(k).metadata;
                    labels.extend(b.labels.iter().cloned());
                    stack.push(Below {
                        at: base,
                        namespace: b.namespace.or(k.namespace),
                        levels,
                        labels,
                        depth: b.depth + 1,
                    });
                }
            }
        }
    }
    out
}

/// Labels, as (key, value).
type Labels = Vec<(String, String)>;

/// Each kustomization's place in the nesting: every kustomization comes
/// after those it lists (a post-order walk, bases in the order listed).
fn nesting_order(n: usize, children: impl Fn(usize) -> Vec<usize>) -> Vec<u32> {
    let mut rank = vec![u32::MAX; n];
    let mut next = 0;
    // 0: not met, 1: on the way (a cycle ends there), 2: ranked.
    let mut state = vec![0u8; n];
    for start in 0..n {
        if state[start] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, Vec<usize>)> = vec![(start, children(start))];
        state[start] = 1;
        while let Some((at, pending)) = stack.last_mut() {
            if pending.is_empty() {
                rank[*at] = next;
                next += 1;
                state[*at] = 2;
                stack.pop();
                continue;
            }
            let child = pending.remove(0);
            if state[child] == 0 {
                state[child] = 1;
                stack.push((child, children(child)));
            }
        }
    }
    rank
}

/// Whether a kustomization's folder is named as a base (`base/`, `bases/`,
/// `app-base/`, `base-web/`): it is there to be built on.
fn named_as_base(path: &str) -> bool {
    dir_of(path).split('/').any(|part| {
        let part = part.to_ascii_lowercase();
        matches!(part.as_str(), "base" | "bases" | "_base")
            || ["-base", "_base", "-bases"]
                .iter()
                .any(|s| part.ends_with(s))
            || ["base-", "base_"].iter().any(|s| part.starts_with(s))
    })
}

/// Says how a kustomization that sets a namespace and that others list is
/// read: deployed on its own too, or only as their base. Which
/// kustomizations are applied is not written anywhere: this is a guess.
fn deployed_note(
    k: &Kustomization<'_>,
    alone: bool,
    by: &[usize],
    kustomizations: &[Kustomization<'_>],
) -> Diagnostic {
    let mut by: Vec<&str> = by.iter().map(|&i| dir_of(kustomizations[i].path)).collect();
    by.sort_unstable();
    by.dedup();
    let by = by
        .iter()
        .map(|d| format!("`{d}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let ns = k.namespace.unwrap_or_default();
    let message = if alone {
        format!(
            "listed by {by}, and also read as deployed on its own, in namespace {ns}: it sets its own namespace and builds on a base, as an overlay that another overlay extends does (a guess: which kustomizations are applied is not written in them); if it is only ever applied through {by}, its objects in {ns} are not deployed: scan the output of `kubectl kustomize` of the overlays you apply"
        )
    } else {
        let why = if named_as_base(k.path) {
            "its folder is named as a base"
        } else {
            "it builds on no other kustomization"
        };
        format!(
            "read only as a base of {by}, not as deployed on its own in namespace {ns}: {why} (a guess: which kustomizations are applied is not written in them); if it is applied on its own too, scan the output of `kubectl kustomize {}` as well",
            dir_of(k.path)
        )
    };
    let line = k.root.get("namespace").map_or(1, |n| n.line);
    Diagnostic::info("kustomize-deployed", message).at(k.path, Some(line), None)
}

/// Whether a patch's text is a JSON 6902 patch (a list of operations)
/// rather than an object.
fn is_json_patch(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#') && *l != "---")
        .is_some_and(|l| l.starts_with('-') || l.starts_with('['))
}

/// A patch whose `target:` cannot be read: it is not applied.
fn unapplied(path: &str, line: u32, why: &str) -> Diagnostic {
    Diagnostic::warning(
        "kustomize-patch-unapplied",
        format!(
            "this patch's `target:` is not applied ({why}), so what it changes is not read; scan the output of `kubectl kustomize {}`",
            dir_of(path)
        ),
    )
    .at(path, Some(line), None)
}

/// A JSON 6902 patch without a `target:`: kustomize cannot tell what it
/// patches, and neither can the scan.
fn json_unapplied(k: &Kustomization<'_>, entry: &PatchEntry<'_>) -> Diagnostic {
    Diagnostic::warning(
        "kustomize-patch-unapplied",
        "this JSON 6902 patch has no `target:`, so what it changes (a Redis host, port or TLS setting) is not read; kustomize refuses it too: add the `target:` (kind and name) it patches",
    )
    .at(k.path, Some(entry.line), None)
}

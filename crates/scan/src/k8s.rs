//! Kubernetes manifests: workloads, Services, ConfigMaps, Secrets,
//! NetworkPolicies and Pods, from files or from the API (as JSON).
//! Pure: objects in, facts and diagnostics out.
//!
//! Evidence strength follows DESIGN.md: a literal in a container's `env`,
//! `args` or `command` is explicit; a value reached through a ConfigMap, a
//! Secret, `envFrom` or a mounted file is indirect; a name whose value
//! cannot be read, a Secret key shared with a Redis server's password and a
//! NetworkPolicy admitting the workload are inferred (hints).

use crate::compose::{self, At};
use crate::frameworks::{self, Reading};
use crate::settings::{self, KeyValue};
use crate::yaml::{self, Node, Value};
use crate::{config, Scanned};
use base64::Engine;
use fallout_core::endpoint::is_loopback;
use fallout_core::{
    ConsumerId, Credential, Diagnostic, Evidence, Fact, Hint, HintTarget, Origin, PodAddress,
    RedisServer, Scope, Service, ServiceBackends, ServicePort, Strength, Workload,
};
use foldhash::{HashMap, HashSet};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

mod operators;

/// One Kubernetes object and where it came from: a file path (lines are
/// real) or `kube://CONTEXT/NAMESPACE/KIND/NAME` (line 0).
#[derive(Clone, Debug)]
pub struct Object<'s> {
    pub path: String,
    pub root: Node<'s>,
    /// The namespace a kustomization gives it, which wins over its own
    /// `metadata.namespace` as with `kubectl kustomize`.
    pub namespace: Option<String>,
    /// A kustomization's patch: part of an object defined elsewhere, not a
    /// copy of it.
    pub patch: bool,
    /// The name its file writes, when a kustomization's `namePrefix` or
    /// `nameSuffix` changed it (`metadata.name` holds the new one).
    pub renamed: Option<Box<Renamed>>,
}

/// A name a kustomization changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Renamed {
    /// The name as written.
    pub from: String,
    /// The (outermost) kustomization whose prefix or suffix changed it.
    pub by: String,
    /// The names it had between, under inner overlays (`prod-redis` on the
    /// way to `eu-prod-redis`): hosts written there name it no more either.
    pub between: Vec<String>,
}

/// Scanner settings.
#[derive(Clone, Debug)]
pub struct Options {
    /// Namespace for objects that name none.
    pub default_namespace: String,
    /// Namespaces whose Secrets could not be read (`*` for all): a reference
    /// to a Secret missing there is a hint, said to need the Secret.
    pub unreadable_secrets: Vec<String>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            default_namespace: "default".into(),
            unreadable_secrets: Vec::new(),
        }
    }
}

/// Kinds that never matter here, skipped before parsing.
const IGNORED_KINDS: &[&str] = &[
    "APIService",
    "Certificate",
    "CertificateSigningRequest",
    "ClusterIssuer",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "HorizontalPodAutoscaler",
    "Ingress",
    "IngressClass",
    "Issuer",
    "LimitRange",
    "MutatingWebhookConfiguration",
    "Namespace",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "PodDisruptionBudget",
    "PodMonitor",
    "PriorityClass",
    "PrometheusRule",
    "ResourceQuota",
    "Role",
    "RoleBinding",
    "ServiceAccount",
    "ServiceMonitor",
    "StorageClass",
    "ValidatingWebhookConfiguration",
    "VerticalPodAutoscaler",
];

/// Whether a file is one `kubectl apply -f <folder>` reads: `.yaml`,
/// `.yml` or `.json` (any case), or stdin. A backup (`app.yaml.bak`,
/// `app.yaml~`, `app.yaml.orig`) is no manifest, however it reads.
pub fn is_manifest_path(path: &str) -> bool {
    if path == "<stdin>" {
        return true;
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    let Some((_, ext)) = name.rsplit_once('.') else {
        return false;
    };
    ["yaml", "yml", "json"]
        .iter()
        .any(|e| ext.eq_ignore_ascii_case(e))
}

/// Whether a file's text looks like Kubernetes manifests (an `apiVersion`
/// and a `kind` at the top level of some document).
pub fn looks_like_manifest(text: &str) -> bool {
    let t = text.trim_start();
    if t.starts_with('{') || t.starts_with('[') {
        return t.contains("\"apiVersion\"") && t.contains("\"kind\"");
    }
    line_starts_with(text, "apiVersion:").next().is_some()
        && line_starts_with(text, "kind:").next().is_some()
}

/// The top-level `kind:` of a YAML document, read without parsing it.
fn top_level_kind(doc: &str) -> Option<&str> {
    let at = line_starts_with(doc, "kind:").next()?;
    let rest = &doc[at + "kind:".len()..];
    let line = rest.split('\n').next().unwrap_or("");
    Some(
        line.split('#')
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches(['"', '\'']),
    )
}

/// Byte offsets of the lines of `text` that start with `prefix`.
fn line_starts_with<'t>(text: &'t str, prefix: &'t str) -> impl Iterator<Item = usize> + 't {
    let b = text.as_bytes();
    memchr::memmem::find_iter(b, prefix.as_bytes()).filter(move |&at| at == 0 || b[at - 1] == b'\n')
}

/// Parses a YAML or JSON stream into Kubernetes objects. Documents that are
/// not Kubernetes objects are passed over; `kind: List` is flattened; a
/// document that does not parse is an error diagnostic at `path:line:col`.
pub fn parse_manifests<'t>(path: &str, text: &'t str) -> (Vec<Object<'t>>, Vec<Diagnostic>) {
    if matches!(text.trim_start().as_bytes().first(), Some(b'{' | b'[')) {
        return parse_json(path, text);
    }
    let docs = yaml::split_documents(text);
    // A file of many documents (a rendered chart, a `kubectl get -o yaml`
    // dump, a whole organisation in one file) is parsed in parallel.
    let parts: Vec<(Vec<Object<'t>>, Vec<Diagnostic>)> = if docs.len() > PARALLEL_DOCS {
        use rayon::prelude::*;
        docs.par_iter()
            .map(|&(first_line, doc)| parse_document(path, first_line, doc))
            .collect()
    } else {
        docs.iter()
            .map(|&(first_line, doc)| parse_document(path, first_line, doc))
            .collect()
    };
    let mut objects = Vec::with_capacity(parts.iter().map(|(o, _)| o.len()).sum());
    let mut diagnostics = Vec::new();
    for (objs, diags) in parts {
        objects.extend(objs);
        diagnostics.extend(diags);
    }
    (objects, diagnostics)
}

/// A JSON manifest file: one value (the usual case, read by the YAML
/// parser, which gives lines) or several one after another, as kubectl
/// reads them (`{...}\n{...}`, one object per line). A top-level array is
/// read like a `kind: List`. A syntax error is said at its line; the values
/// before it are still read.
fn parse_json<'t>(path: &str, text: &'t str) -> (Vec<Object<'t>>, Vec<Diagnostic>) {
    let mut objects = Vec::new();
    let mut diagnostics = Vec::new();
    if let Ok(parsed) = parse_doc(text, 1) {
        if let Some(at) = template_line(text) {
            diagnostics.push(helm_template(path, 1 + at));
        }
        for d in parsed {
            diagnostics.extend(duplicate_keys(path, text, 1, &d));
            push_json_root(path, d.root, &mut objects);
        }
        return (objects, diagnostics);
    }
    // Not one value: split the stream where serde_json ends each value.
    let mut values = serde_json::Deserializer::from_str(text).into_iter::<serde::de::IgnoredAny>();
    let (mut start, mut line) = (0, 1u32);
    let lines_in = |s: &str| memchr::memchr_iter(b'\n', s.as_bytes()).count() as u32;
    loop {
        match values.next() {
            None => break,
            Some(Ok(_)) => {
                let end = values.byte_offset();
                let value = text[start..end].trim_start();
                line += lines_in(&text[start..end - value.len()]);
                match parse_doc(value, line) {
                    Ok(parsed) => {
                        for d in parsed {
                            diagnostics.extend(duplicate_keys(path, value, line, &d));
                            push_json_root(path, d.root, &mut objects);
                        }
                    }
                    // Valid JSON the YAML parser refuses: read without lines
                    // but its first.
                    Err(_) => {
                        if let Ok(v) = serde_json::from_str::<serde_json::Value>(value) {
                            let mut root = Node::from_json(&v);
                            shift(&mut root, line);
                            push_json_root(path, root, &mut objects);
                        }
                    }
                }
                line += lines_in(value);
                start = end;
            }
            // `{{- if … }}`: a Helm template that starts like JSON.
            Some(Err(e)) if text.contains("{{") => {
                diagnostics.push(helm_template(path, e.line() as u32));
                break;
            }
            Some(Err(e)) => {
                let message = e.to_string();
                let message = message
                    .rsplit_once(" at line ")
                    .map_or(message.as_str(), |(m, _)| m);
                diagnostics.push(
                    Diagnostic::error(
                        "json-parse",
                        format!(
                            "{message}; fix the JSON (the values before it were still read, not the rest of the file)"
                        ),
                    )
                    .at(path, Some(e.line() as u32), Some(e.column() as u32)),
                );
                break;
            }
        }
    }
    (objects, diagnostics)
}

/// Keys a manifest gives twice in one mapping: errors, as kubectl's.
fn duplicate_keys(
    path: &str,
    text: &str,
    first_line: u32,
    doc: &yaml::Document<'_>,
) -> Vec<Diagnostic> {
    yaml::duplicate_keys(
        path,
        text,
        first_line,
        doc,
        "kubectl rejects the file (`mapping key already defined`, or a duplicate field under strict validation)",
    )
}

fn helm_template(path: &str, line: u32) -> Diagnostic {
    Diagnostic::warning(
        "helm-template",
        "a Helm or Go template, not a manifest: render it first (`helm template … > rendered.yaml`) and scan the output",
    )
    .at(path, Some(line), None)
}

/// One top-level JSON value: an object, or an array of them read like the
/// items of a `kind: List`.
fn push_json_root<'t>(path: &str, root: Node<'t>, out: &mut Vec<Object<'t>>) {
    match root.value {
        yaml::Value::Seq(items) => {
            for item in items {
                push_object(path, item, None, out);
            }
        }
        _ => push_object(path, root, None, out),
    }
}

/// Documents in one file beyond which they are parsed in parallel.
const PARALLEL_DOCS: usize = 64;

/// One document of a manifest file: its objects and diagnostics.
fn parse_document<'t>(
    path: &str,
    first_line: u32,
    doc: &'t str,
) -> (Vec<Object<'t>>, Vec<Diagnostic>) {
    let mut objects = Vec::new();
    let mut diagnostics = Vec::new();
    match top_level_kind(doc) {
        // Read by the kustomize reader (`kustomize.rs`), which says what
        // it does not apply.
        Some("Kustomization") => {
            return (objects, diagnostics);
        }
        None => return (objects, diagnostics),
        Some(kind) if IGNORED_KINDS.contains(&kind) => return (objects, diagnostics),
        Some(_) => {}
    }
    // Two objects run together without `---`: YAML keeps only the later
    // keys, so the first object would vanish without a word.
    let mut starts = line_starts_with(doc, "apiVersion:");
    if let (Some(_), Some(at)) = (starts.next(), starts.next()) {
        let second = first_line + memchr::memchr_iter(b'\n', &doc.as_bytes()[..at]).count() as u32;
        diagnostics.push(
            Diagnostic::error(
                "yaml-duplicate-key",
                "a second `apiVersion:` in the same document: two objects run together and only the later one's keys survive (kubectl rejects this); put `---` between them",
            )
            .at(path, Some(second), Some(1)),
        );
    }
    match parse_doc(doc, first_line) {
        Ok(parsed) => {
            // `name: {{ .Release.Name }}` is valid YAML (a flow map), so a
            // template may parse; its values are not what runs.
            if let Some(at) = template_line(doc) {
                let line = first_line + at;
                diagnostics.push(
                    Diagnostic::warning(
                        "helm-template",
                        "a Helm or Go template, not a manifest: render it first (`helm template … > rendered.yaml`) and scan the output",
                    )
                    .at(path, Some(line), None),
                );
            }
            // Two objects run together are said above, not key by key.
            let run_together = diagnostics.iter().any(|d| d.code == "yaml-duplicate-key");
            for d in parsed {
                if !run_together {
                    diagnostics.extend(duplicate_keys(path, doc, first_line, &d));
                }
                push_object(path, d.root, None, &mut objects);
            }
        }
        Err(e) if doc.contains("{{") => diagnostics.push(
            Diagnostic::warning(
                "helm-template",
                "a Helm or Go template, not a manifest: render it first (`helm template … > rendered.yaml`) and scan the output",
            )
            .at(path, Some(e.line.max(first_line)), None),
        ),
        Err(e) => diagnostics.push(
            Diagnostic::error(
                "yaml-parse",
                format!("{}; fix the YAML (the rest of the file was still scanned)", e.message),
            )
            .at(path, Some(e.line), Some(e.col)),
        ),
    }
    (objects, diagnostics)
}

/// The line (0-based, in `doc`) where a template takes effect on the YAML:
/// a line or an unquoted value that starts with `{{` (`{{- if …}}`,
/// `name: {{ .Release.Name }}`), outside block scalars. A `{{` inside a
/// quoted string or a `|` block (Prometheus rules, Alertmanager and
/// Grafana templates kept in a ConfigMap) is data, not a template.
pub(crate) fn template_line(doc: &str) -> Option<u32> {
    if !doc.contains("{{") {
        return None;
    }
    let mut block: Option<usize> = None;
    for (n, line) in doc.lines().enumerate() {
        let text = line.trim_start();
        let indent = line.len() - text.len();
        if let Some(b) = block {
            if text.is_empty() || indent > b {
                continue;
            }
            block = None;
        }
        let item = text.strip_prefix("- ").unwrap_or(text).trim_start();
        let value = item.split_once(": ").map_or(item, |(_, v)| v.trim_start());
        if item.starts_with("{{") || value.starts_with("{{") {
            return Some(n as u32);
        }
        let end = text.split(" #").next().unwrap_or(text).trim_end();
        let indicator = end.rsplit([' ', ':']).next().unwrap_or("");
        if (end.ends_with(':') || end.contains(": ") || end.starts_with("- "))
            && matches!(
                indicator.trim_end_matches(|c: char| c.is_ascii_digit()),
                "|" | "|-" | "|+" | ">" | ">-" | ">+"
            )
        {
            block = Some(indent);
        }
    }
    None
}

/// Parses one document, retrying as go-yaml would accept it.
fn parse_doc(doc: &str, first_line: u32) -> Result<Vec<yaml::Document<'_>>, yaml::YamlError> {
    match yaml::parse(doc, first_line) {
        Ok(docs) => Ok(docs),
        Err(first) => match config::parse_yaml(doc) {
            Ok(mut docs) => {
                let by = first_line.saturating_sub(1);
                for d in &mut docs {
                    shift(&mut d.root, by);
                    for (later, first) in &mut d.duplicates {
                        *later += by;
                        *first += by;
                    }
                }
                Ok(docs)
            }
            Err(_) => Err(first),
        },
    }
}

fn shift(node: &mut Node, by: u32) {
    node.line += by;
    match &mut node.value {
        yaml::Value::Seq(items) => items.iter_mut().for_each(|n| shift(n, by)),
        yaml::Value::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            shift(k, by);
            shift(v, by)
        }),
        yaml::Value::Scalar { .. } => {}
    }
}

fn push_object<'t>(path: &str, root: Node<'t>, item_kind: Option<&str>, out: &mut Vec<Object<'t>>) {
    let kind = root
        .str_at(&["kind"])
        .map(str::to_string)
        .or_else(|| item_kind.map(str::to_string));
    let Some(kind) = kind else { return };
    if let Some(item_kind) = kind.strip_suffix("List") {
        if let Some(items) = root.get("items") {
            let item_kind = if item_kind.is_empty() {
                None
            } else {
                Some(item_kind)
            };
            for item in items.as_seq() {
                push_object(path, item.clone(), item_kind, out);
            }
            return;
        }
    }
    if root.str_at(&["apiVersion"]).is_none() && item_kind.is_none() {
        return;
    }
    if root.get("metadata").is_none() {
        return;
    }
    let root = match item_kind {
        Some(k) if root.get("kind").is_none() => with_kind(root, k),
        _ => root,
    };
    out.push(Object {
        path: path.to_string(),
        root,
        namespace: None,
        patch: false,
        renamed: None,
    });
}

fn with_kind<'t>(mut root: Node<'t>, kind: &str) -> Node<'t> {
    if let yaml::Value::Map(entries) = &mut root.value {
        let (line, col) = (root.line, root.col);
        entries.push((
            Node::scalar("kind", line, col),
            Node::scalar(kind.to_string(), line, col),
        ));
    }
    root
}

/// An object fetched from the API, as JSON.
pub fn object_from_json(path: &str, value: &serde_json::Value) -> Object<'static> {
    Object {
        path: path.to_string(),
        root: Node::from_json(value),
        namespace: None,
        patch: false,
        renamed: None,
    }
}

/// A view of one object.
struct Obj<'a> {
    path: &'a str,
    /// The path, shared by every origin read from the object (one count
    /// each, not a copy of the path per setting and piece of evidence).
    shared_path: std::sync::Arc<str>,
    root: &'a Node<'a>,
    kind: &'a str,
    name: &'a str,
    ns: &'a str,
    /// A kustomization's patch ([`Object::patch`]).
    patch: bool,
    /// Its pod spec and pod metadata, found once ([`find_pod_template`]).
    pod: Option<(&'a Node<'a>, Option<&'a Node<'a>>)>,
    /// The line of `metadata.name` (or of the object): where it is defined.
    name_line: u32,
    /// The name as written, when a kustomization changed it.
    renamed: Option<&'a Renamed>,
}

impl<'a> Obj<'a> {
    fn new(o: &'a Object, default_ns: &'a str) -> Option<Obj<'a>> {
        let kind = o.root.str_at(&["kind"])?;
        let meta = o.root.get("metadata");
        let field = |key: &str| meta.and_then(|m| m.get(key));
        let name_node = field("name");
        Some(Obj {
            path: &o.path,
            shared_path: o.path.as_str().into(),
            root: &o.root,
            kind,
            pod: find_pod_template(kind, &o.root),
            // `generateName` (`backup-`) where the API would add a suffix.
            name: name_node
                .and_then(Node::as_str)
                .or_else(|| field("generateName").and_then(Node::as_str))?,
            name_line: name_node.map_or(o.root.line, |n| n.line),
            ns: o
                .namespace
                .as_deref()
                .or_else(|| field("namespace").and_then(Node::as_str))
                .unwrap_or(default_ns),
            patch: o.patch,
            renamed: o.renamed.as_deref(),
        })
    }

    fn origin(&self, node: &Node) -> Origin {
        Origin::file(self.shared_path.clone(), node.line)
    }

    fn defined_at(&self) -> Origin {
        Origin::file(self.shared_path.clone(), self.name_line)
    }

    /// `namespace/Kind/name`, for messages.
    fn label(&self) -> String {
        format!("{}/{}/{}", self.ns, self.kind, self.name)
    }
}

/// The pod template (or the Pod's own spec and metadata) of a workload.
fn pod_template<'a>(obj: &Obj<'a>) -> Option<(&'a Node<'a>, Option<&'a Node<'a>>)> {
    obj.pod
}

/// [`pod_template`], looked up (once per object: workloads ask for it
/// several times, and the lookups were 4% of a scan).
fn find_pod_template<'a>(
    kind: &str,
    root: &'a Node<'a>,
) -> Option<(&'a Node<'a>, Option<&'a Node<'a>>)> {
    if kind == "Pod" {
        return root.get("spec").map(|spec| (spec, root.get("metadata")));
    }
    let spec = root.get("spec")?;
    let template = spec
        .get("template")
        .or_else(|| spec.at(&["jobTemplate", "spec", "template"]))?;
    let pod_spec = template.get("spec")?;
    pod_spec.get("containers")?;
    Some((pod_spec, template.get("metadata")))
}

/// A key of a ConfigMap or Secret: its value when readable and the node
/// that holds it (for lines).
struct DataEntry<'a> {
    value: Option<String>,
    node: &'a Node<'a>,
    /// The file it is written in: an overlay's `behavior: merge` key lives
    /// in the overlay, not in the base its ConfigMap is named after.
    path: &'a str,
    /// A ConfigMap's `binaryData` key: a file of a volume, never an
    /// environment variable (the kubelet reads `data` only for those).
    file_only: bool,
}

impl DataEntry<'_> {
    fn origin(&self) -> Origin {
        Origin::file(self.path, self.node.line)
    }
}

type DataMap<'a> = BTreeMap<&'a str, DataEntry<'a>>;

fn config_map_data<'a>(path: &'a str, root: &'a Node<'a>) -> DataMap<'a> {
    let mut out: DataMap<'a> = root
        .get("data")
        .map(|d| {
            d.entries()
                .map(|(k, v)| {
                    (
                        k,
                        DataEntry {
                            value: v.as_str().map(str::to_string),
                            node: v,
                            path,
                            file_only: false,
                        },
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    // `binaryData` (what `kubectl create configmap --from-file` makes of a
    // file that is not UTF-8, a Latin-1 properties file): base64, written
    // to a mounted volume like `data`; read as a file is, invalid bytes
    // replaced. (Its keys may not repeat `data`'s: the API refuses that.)
    if let Some(binary) = root.get("binaryData") {
        for (k, v) in binary.entries() {
            let value = v
                .as_str()
                .and_then(decode_base64)
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
            out.entry(k).or_insert(DataEntry {
                value,
                node: v,
                path,
                file_only: true,
            });
        }
    }
    out
}

/// A Secret's `data:` value decoded as the API server does (Go's
/// `base64.StdEncoding`: line breaks ignored, as a `|` block wraps long
/// values); `None` when it is no base64. A space or a tab (what a folded
/// `>` or a plain multi-line scalar makes of wrapped lines) is refused
/// there, and so here.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let clean: String = text.chars().filter(|c| !matches!(c, '\r' | '\n')).collect();
    base64::engine::general_purpose::STANDARD.decode(clean).ok()
}

fn secret_data<'a>(path: &'a str, root: &'a Node<'a>) -> DataMap<'a> {
    let mut out: DataMap<'_> = root
        .get("data")
        .map(|d| {
            d.entries()
                .map(|(k, v)| {
                    let decoded = v
                        .as_str()
                        .and_then(decode_base64)
                        .and_then(|bytes| String::from_utf8(bytes).ok());
                    (
                        k,
                        DataEntry {
                            value: decoded,
                            node: v,
                            path,
                            file_only: false,
                        },
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    if let Some(sd) = root.get("stringData") {
        for (k, v) in sd.entries() {
            out.insert(
                k,
                DataEntry {
                    value: v.as_str().map(str::to_string),
                    node: v,
                    path,
                    file_only: false,
                },
            );
        }
    }
    out
}

/// A Secret's `data:` value that is not base64 (a URL written there for
/// `stringData:`): the API server refuses the Secret, and the scan cannot
/// read the value. Said at the value's line, never quoting it.
fn undecodable_secret_data(o: &Obj<'_>, data: &DataMap<'_>, out: &mut Vec<Diagnostic>) {
    let Some(written) = o.root.get("data") else {
        return;
    };
    for (key, node) in written.entries() {
        let Some(text) = node.as_str() else { continue };
        if data.get(key).is_some_and(|e| e.value.is_some()) {
            continue;
        }
        // Binary data (a keystore) is base64 too, only not text: fine.
        if decode_base64(text).is_some() {
            continue;
        }
        let spaced = text.contains([' ', '\t']) && {
            let clean: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            decode_base64(&clean).is_some()
        };
        let why = if spaced {
            "a `data:` value must be base64 without spaces or tabs, and this one has some (a folded `>` or plain multi-line value joins its lines with spaces), so Kubernetes refuses the Secret and the scan does not read it; write it on one line or as a `|` block"
        } else {
            "a `data:` value must be base64 and this one is not, so Kubernetes refuses the Secret and the scan cannot read it; write it under `stringData:`, or base64-encode it"
        };
        out.push(
            Diagnostic::error(
                "secret-data-invalid",
                format!("{} key {key}: {why}", o.label()),
            )
            .at(o.path, Some(node.line), Some(node.col)),
        );
    }
}

/// Everything the objects hold, indexed for lookups.
struct Index<'a> {
    config_maps: HashMap<(&'a str, &'a str), (Obj<'a>, DataMap<'a>)>,
    secrets: HashMap<(&'a str, &'a str), (Obj<'a>, DataMap<'a>)>,
    /// (namespace, kind, name) of every object, to fold Pods into owners.
    /// (namespace, kind, name) of every object → the first object so named,
    /// to fold Pods into owners and to find copies.
    present: HashMap<(&'a str, &'a str, &'a str), usize>,
    /// ReplicaSet and Job owners: (ns, kind, name) → (kind, name) of their controller.
    owners: HashMap<(&'a str, &'a str, &'a str), (&'a str, &'a str)>,
}

fn controller_of<'a>(root: &'a Node<'a>) -> Option<(&'a str, &'a str)> {
    let refs = root.at(&["metadata", "ownerReferences"])?.as_seq();
    let pick = refs
        .iter()
        .find(|r| r.str_at(&["controller"]) == Some("true"))
        .or_else(|| refs.first())?;
    Some((pick.str_at(&["kind"])?, pick.str_at(&["name"])?))
}

/// Facts from a set of objects (they see each other: a workload's
/// `configMapKeyRef` is resolved against the ConfigMaps among them).
pub fn scan_objects(objects: &[Object], opts: &Options) -> Scanned {
    let mut out = Scanned::default();
    let objs: Vec<Obj<'_>> = objects
        .par_iter()
        .filter_map(|o| Obj::new(o, &opts.default_namespace))
        .collect();
    // ConfigMap and Secret data decoded in parallel, indexed after.
    let data: Vec<Option<DataMap<'_>>> = objs
        .par_iter()
        .map(|o| match o.kind {
            "ConfigMap" => Some(config_map_data(o.path, o.root)),
            "Secret" => Some(secret_data(o.path, o.root)),
            _ => None,
        })
        .collect();
    let mut index = Index {
        config_maps: HashMap::default(),
        secrets: HashMap::default(),
        present: HashMap::default(),
        owners: HashMap::default(),
    };
    // The same object twice (a prod and a staging copy, overlays rendered
    // side by side): merged, and said, with where each copy is.
    index.present.reserve(objs.len());
    for (at, (o, data)) in objs.iter().zip(data).enumerate() {
        let first_at = *index.present.entry((o.ns, o.kind, o.name)).or_insert(at);
        if first_at != at {
            let first = &objs[first_at];
            // A repository's copy of what a cluster runs is no duplicate.
            let live = |o: &Obj<'_>| o.path.starts_with("kube://");
            if live(first) == live(o)
                && !first.patch
                && !o.patch
                // `generateName` objects are many by design (`migrate-`).
                && o.root.str_at(&["metadata", "name"]).is_some()
            {
                let at = o.defined_at();
                out.diagnostics.push(
                    Diagnostic::warning(
                        "duplicate-object",
                        format!(
                            "{} is also defined at {}: the copies are read as one object (their references merge); if they are different clusters or overlays, scan each on its own",
                            o.label(),
                            first.defined_at()
                        ),
                    )
                    .at(o.path, at.line(), None),
                );
            }
        }
        match (o.kind, data) {
            (kind @ ("ConfigMap" | "Secret"), Some(data)) => {
                if kind == "Secret" && data.values().any(|e| e.value.is_none()) {
                    undecodable_secret_data(o, &data, &mut out.diagnostics);
                }
                // `binaryData` is base64 too, and refused the same way.
                for (key, e) in data
                    .iter()
                    .filter(|(_, e)| e.file_only && e.value.is_none())
                {
                    out.diagnostics.push(
                        Diagnostic::error(
                            "configmap-binary-data-invalid",
                            format!(
                                "{} key {key}: a `binaryData` value must be base64 (line breaks allowed, no spaces) and this one is not, so Kubernetes refuses the ConfigMap and the scan cannot read the file; base64-encode it, or move it under `data:` if it is text",
                                o.label()
                            ),
                        )
                        .at(o.path, Some(e.node.line), Some(e.node.col)),
                    );
                }
                let map = if kind == "ConfigMap" {
                    &mut index.config_maps
                } else {
                    &mut index.secrets
                };
                match map.get_mut(&(o.ns, o.name)) {
                    // A generator's `behavior: merge` adds its keys to the
                    // base's (a later key wins); `behavior: replace` takes
                    // their place.
                    Some((_, base)) if o.patch => {
                        if o.root.str_at(&["$patch"]) == Some("replace") {
                            *base = data;
                        } else {
                            base.extend(data);
                        }
                    }
                    _ => {
                        map.insert(
                            (o.ns, o.name),
                            (
                                Obj {
                                    shared_path: o.shared_path.clone(),
                                    ..*o
                                },
                                data,
                            ),
                        );
                    }
                }
            }
            ("ReplicaSet" | "Job", _) => {
                if let Some(owner) = controller_of(o.root) {
                    index.owners.insert((o.ns, o.kind, o.name), owner);
                }
            }
            _ => {}
        }
    }

    // A patch that patches nothing among the objects (its target named
    // apart from its own metadata) is no workload of its own.
    let patched: HashSet<(&str, &str, &str)> = if objs.iter().any(|o| o.patch) {
        objs.iter()
            .filter(|o| !o.patch)
            .map(|o| (o.ns, o.kind, o.name))
            .collect()
    } else {
        HashSet::default()
    };
    // Workloads: each object with a pod template, under the id of the
    // owner it folds into.
    let workloads: Vec<(Obj<'_>, ConsumerId, bool)> = objs
        .par_iter()
        .filter(|o| !o.patch || patched.contains(&(o.ns, o.kind, o.name)))
        .filter(|o| pod_template(o).is_some())
        .map(|o| {
            let (kind, name) = fold_owner(o, &index);
            let owner_present =
                (kind, name) != (o.kind, o.name) && index.present.contains_key(&(o.ns, kind, name));
            (
                Obj {
                    shared_path: o.shared_path.clone(),
                    ..*o
                },
                ConsumerId::kube(o.ns, kind, name),
                owner_present,
            )
        })
        .collect();
    for (o, id, _) in &workloads {
        if o.kind == "Pod" {
            pod_addresses(o, id, &mut out);
        }
    }

    let mut ctx = Ctx {
        index: &index,
        opts,
        server_secrets: HashSet::default(),
        redis_names: HashSet::default(),
        side_services: HashSet::default(),
        services: HashMap::default(),
        workloads: &workloads,
        selects_workloads: Default::default(),
        service_env: HashMap::default(),
        overrides: container_patches(&objs, &patched),
        objs: &objs,
        renamed_services: HashMap::default(),
    };
    for o in objs.iter().filter(|o| o.kind == "Service" && !o.patch) {
        let Some(renamed) = o.renamed else { continue };
        for old in std::iter::once(&renamed.from).chain(&renamed.between) {
            if index.present.contains_key(&(o.ns, "Service", old.as_str())) {
                continue;
            }
            let new = ctx
                .renamed_services
                .entry(qualified(old, o.ns))
                .or_default();
            if !new.iter().any(|(name, _)| *name == o.name) {
                new.push((o.name, renamed));
            }
        }
    }
    // First pass: Redis servers (their password Secrets make hints).
    let mut servers: HashMap<ConsumerId, RedisServer> = HashMap::default();
    let found: Vec<Option<RedisServer>> = workloads
        .par_iter()
        .map(|(o, _, owner_present)| {
            if *owner_present {
                None
            } else {
                ctx.server_of(o)
            }
        })
        .collect();
    for ((o, id, _), server) in workloads.iter().zip(found) {
        if let Some(server) = server {
            for (secret, key) in &server.password_secrets {
                ctx.server_secrets
                    .insert((o.ns.to_string(), secret.clone(), key.clone()));
            }
            match servers.entry(id.clone()) {
                // A patch's ports replace the object's when it writes the
                // command or args (a strategic merge replaces those lists).
                std::collections::hash_map::Entry::Occupied(mut e) if o.patch => {
                    let base = e.get_mut();
                    if ctx.writes_command(o) {
                        base.port = server.port;
                        base.tls_port = server.tls_port;
                    } else {
                        base.tls_port = base.tls_port.or(server.tls_port);
                    }
                    base.requires_auth |= server.requires_auth;
                    base.auth_origin = base.auth_origin.take().or(server.auth_origin);
                    base.password_secrets.extend(server.password_secrets);
                }
                e => {
                    e.or_insert(server);
                }
            }
        }
    }
    // The pod labels of the Redis workloads, by namespace (a scan of all of
    // them per Service was 25 ms at 11,000 Services and 700 Redis).
    // With each, the ports its other containers declare (a metrics
    // exporter's 9121): a Service whose every port leads there is no way
    // to the Redis.
    type RedisPods = Vec<(BTreeMap<String, String>, Vec<u16>)>;
    let mut redis_labels: HashMap<&str, RedisPods> = HashMap::default();
    for (o, id, _) in &workloads {
        if servers.contains_key(id) {
            redis_labels
                .entry(o.ns)
                .or_default()
                .push((pod_labels(o), ctx.side_ports(o)));
        }
    }
    // Container ports by name, per workload, so a Service's named
    // `targetPort` (`redis-sentinel`, `redis-tls`) becomes a number.
    let named_ports: Vec<NamedPorts<'_>> = workloads
        .par_iter()
        .filter(|(_, _, owner_present)| !owner_present)
        .filter_map(|(o, _, _)| {
            let ports = container_ports(o);
            (!ports.is_empty()).then(|| (o.ns, pod_labels(o), ports))
        })
        .collect();
    // By namespace: a Service selects only in its own (a scan over every
    // workload per Service was quadratic: 0.19 s for 20,000 workloads with
    // named target ports).
    let mut named_by_ns: HashMap<&str, Vec<&NamedPorts<'_>>> = HashMap::default();
    for n in &named_ports {
        named_by_ns.entry(n.0).or_default().push(n);
    }
    // Services, their backends and the names that mean a Redis.
    let mut services: Vec<Service> = Vec::new();
    let mut backends: Vec<ServiceBackends> = Vec::new();
    // Each Service read, and matched against the Redis pods, in parallel
    // (a serial loop was 50 ms for 11,000 Services); recorded in order.
    // The Redis pods a Service selects, each with whether the Service's
    // ports reach its Redis (not only its other containers).
    let redis_pods_of = |svc: &Service| -> Vec<bool> {
        let Some(sel) = svc.selector.as_ref().filter(|s| !s.is_empty()) else {
            return Vec::new();
        };
        redis_labels
            .get(svc.namespace.as_str())
            .map(|all| {
                all.iter()
                    .filter(|(labels, _)| selects(sel, labels))
                    .map(|(_, side)| !leads_only_to(svc, side))
                    .collect()
            })
            .unwrap_or_default()
    };
    // Whether the Service names a Redis; marks it `to_side_containers`
    // when it selects Redis pods but reaches only their other containers.
    let classify = |svc: &mut Service| -> bool {
        let pods = redis_pods_of(svc);
        let redis = pods.contains(&true);
        svc.to_side_containers = !redis && !pods.is_empty();
        redis
    };
    let read: Vec<(&Obj<'_>, Service, bool)> = objs
        .par_iter()
        .filter(|o| o.kind == "Service")
        .map(|o| {
            let mut svc = service(o);
            resolve_named_ports(
                &mut svc,
                named_by_ns.get(o.ns).map(Vec::as_slice).unwrap_or_default(),
            );
            let redis = classify(&mut svc);
            (o, svc, redis)
        })
        .collect();
    // A kustomization's patch of a Service changes that Service (its type,
    // `externalName`, selector, ports), as a strategic merge does: one
    // Service, not two. Patches come after what they patch.
    let read = if read.iter().any(|(o, _, _)| o.patch) {
        let mut merged: Vec<(&Obj<'_>, Service, bool)> = Vec::with_capacity(read.len());
        let mut at: HashMap<(&str, &str), usize> = HashMap::default();
        for (o, svc, redis) in read {
            match at.get(&(o.ns, o.name)) {
                Some(&i) if o.patch => {
                    let base = &mut merged[i];
                    patch_service(&mut base.1, o, svc);
                    base.2 = classify(&mut base.1);
                }
                _ => {
                    if !o.patch {
                        at.insert((o.ns, o.name), merged.len());
                    }
                    merged.push((o, svc, redis));
                }
            }
        }
        merged
    } else {
        read
    };
    for (_, svc, _) in &read {
        // Headless and ExternalName Services get no variables.
        if svc.headless || svc.external_name.is_some() {
            continue;
        }
        let prefix = svc.name.to_ascii_uppercase().replace(['-', '.'], "_");
        let vars = ctx.service_env.entry(svc.namespace.clone()).or_default();
        vars.insert(format!("{prefix}_SERVICE_HOST"), svc.name.clone());
        if let Some(first) = svc.ports.first() {
            vars.insert(format!("{prefix}_SERVICE_PORT"), first.port.to_string());
        }
        for p in &svc.ports {
            if let Some(name) = &p.name {
                let name = name.to_ascii_uppercase().replace('-', "_");
                vars.insert(format!("{prefix}_SERVICE_PORT_{name}"), p.port.to_string());
            }
        }
    }
    for (o, svc, selects_redis) in read {
        if selects_redis {
            ctx.redis_names.insert(qualified(o.name, o.ns));
            ctx.redis_names.extend(svc.cluster_ips.iter().cloned());
        } else if svc.to_side_containers {
            ctx.side_services.insert(qualified(o.name, o.ns));
            ctx.side_services.extend(svc.cluster_ips.iter().cloned());
        }
        let redis_port = svc.ports.iter().any(|p| {
            matches!(p.port, 6379 | 6380 | 26379)
                || matches!(p.target_port, Some(6379 | 6380 | 26379))
        });
        if svc.selector.as_ref().is_some_and(|s| !s.is_empty()) && !redis_port {
            if let Some(sel) = o.root.at(&["spec", "selector"]) {
                ctx.services.insert((o.name, o.ns), sel);
            }
        }
        services.push(svc);
    }
    for o in &objs {
        match o.kind {
            "Endpoints" => {
                let addresses: Vec<String> = o
                    .root
                    .get("subsets")
                    .map(Node::as_seq)
                    .unwrap_or_default()
                    .iter()
                    .flat_map(|s| s.get("addresses").map(Node::as_seq).unwrap_or_default())
                    .filter_map(|a| a.str_at(&["ip"]).map(str::to_string))
                    .collect();
                backends.push(ServiceBackends {
                    namespace: o.ns.to_string(),
                    service: o.name.to_string(),
                    addresses,
                    defined_at: o.defined_at(),
                });
            }
            "EndpointSlice" => {
                let Some(service) =
                    o.root
                        .str_at(&["metadata", "labels", "kubernetes.io/service-name"])
                else {
                    continue;
                };
                let addresses: Vec<String> = o
                    .root
                    .get("endpoints")
                    .map(Node::as_seq)
                    .unwrap_or_default()
                    .iter()
                    .flat_map(|e| e.get("addresses").map(Node::as_seq).unwrap_or_default())
                    .filter_map(|a| a.as_str().map(str::to_string))
                    .collect();
                backends.push(ServiceBackends {
                    namespace: o.ns.to_string(),
                    service: service.to_string(),
                    addresses,
                    defined_at: o.defined_at(),
                });
            }
            _ => {}
        }
    }
    // Services without selector whose backends are a Redis's pods, or whose
    // name says Redis; ExternalNames that lead to any of these or to a
    // managed Redis (followed until nothing changes: chains).
    let redis_ips: HashSet<&str> = out
        .facts
        .iter()
        .filter_map(|f| match f {
            Fact::Pod(p) if servers.contains_key(&p.workload) => Some(p.ip.as_str()),
            _ => None,
        })
        .collect();
    for b in &backends {
        if b.addresses.iter().any(|a| redis_ips.contains(a.as_str()))
            || settings::says_redis(&b.service)
        {
            ctx.redis_names.insert(qualified(&b.service, &b.namespace));
        }
    }
    loop {
        let before = ctx.redis_names.len();
        for svc in &services {
            let Some(ext) = &svc.external_name else {
                continue;
            };
            let ext = ext.trim_end_matches('.').to_ascii_lowercase();
            if ctx.known_host(&ext, &svc.namespace) || is_managed_redis_host(&ext) {
                ctx.redis_names.insert(qualified(&svc.name, &svc.namespace));
            }
        }
        if ctx.redis_names.len() == before {
            break;
        }
    }
    out.facts.extend(services.into_iter().map(Fact::Service));
    out.facts
        .extend(backends.into_iter().map(Fact::ServiceBackends));

    // Second pass: workloads and what they reference.
    let mut emitted: HashSet<&ConsumerId> = HashSet::default();
    // (object, id, first object of this id: emits the Workload fact)
    let mut todo: Vec<(&Obj<'_>, &ConsumerId, bool)> = Vec::new();
    for (o, id, owner_present) in &workloads {
        if !*owner_present {
            todo.push((o, id, emitted.insert(id)));
        }
    }
    let workload_fact = |o: &Obj<'_>, id: &ConsumerId| {
        Fact::Workload(Workload {
            id: id.clone(),
            pod_labels: pod_labels(o),
            labels: owner_labels(o),
            defined_at: o.defined_at(),
            server: servers.get(id).cloned(),
            aliases: Vec::new(),
            scope: Scope::Namespace(o.ns.to_string()),
            profiles: Vec::new(),
            proxy: ctx.proxy_of(o).map(str::to_string),
        })
    };
    // Each workload's containers are independent: scanned in parallel, kept
    // in order.
    let per_workload: Vec<Scanned> = todo
        .par_iter()
        .map(|(o, id, first)| {
            let mut s = Scanned::default();
            if *first {
                s.facts.push(workload_fact(o, id));
            }
            ctx.references(o, id, servers.get(*id), &mut s);
            // Room for four facts where most workloads make one or two:
            // the spare capacity alone was ~18 MB at 20,000 workloads.
            s.facts.shrink_to_fit();
            s
        })
        .collect();
    // One allocation for all of them: growing the list fact by fact cost
    // tens of milliseconds at 20,000 workloads, on one core.
    out.facts
        .reserve(per_workload.iter().map(|s| s.facts.len()).sum::<usize>());
    for s in per_workload {
        out.extend(s);
    }
    still_running_owned(&ctx, &workloads, &servers, &mut out);
    // Dapr components and KEDA scalers: connections an operator makes on
    // a workload's behalf.
    operators::scan(&ctx, &servers, &mut out);

    // Charts a GitOps object renders with values naming a Redis: not
    // rendered here, so said rather than passed over.
    for o in objs
        .iter()
        .filter(|o| matches!(o.kind, "Application" | "ApplicationSet" | "HelmRelease"))
    {
        if let Some(d) = unrendered_chart(o) {
            out.diagnostics.push(d);
        }
    }
    // NetworkPolicies admitting workloads to pods (the graph keeps those
    // that select a Redis).
    let policies: Vec<&Obj<'_>> = objs.iter().filter(|o| o.kind == "NetworkPolicy").collect();
    if !policies.is_empty() {
        let mut by_ns: HashMap<&str, Vec<&(Obj<'_>, ConsumerId, bool)>> = HashMap::default();
        for w in &workloads {
            by_ns.entry(w.0.ns).or_default().push(w);
        }
        for o in policies {
            network_policy_hints(o, &by_ns, &mut out);
        }
    }
    out
}

/// The containers of a pod spec that run beside each other: its
/// `containers` and its native sidecars (init containers with
/// `restartPolicy: Always`); not the init containers that run before them
/// (a `socat` waiting for a port is no proxy).
fn running_containers<'n, 's>(spec: &'n Node<'s>) -> impl Iterator<Item = &'n Node<'s>> {
    let sidecars = spec
        .get("initContainers")
        .map(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .filter(|c| c.str_at(&["restartPolicy"]) == Some("Always"));
    spec.get("containers")
        .map(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .chain(sidecars)
}

/// An object's labels and annotations, where its owner is read
/// (`Options::owner`); kubectl's copy of the whole object
/// (`last-applied-configuration`) is never an owner, and often large.
fn owner_labels(o: &Obj<'_>) -> BTreeMap<String, String> {
    let mut labels: BTreeMap<String, String> = o
        .root
        .at(&["metadata", "labels"])
        .map(Node::string_map)
        .unwrap_or_default();
    labels.extend(
        o.root
            .at(&["metadata", "annotations"])
            .map(Node::string_map)
            .unwrap_or_default()
            .into_iter()
            .filter(|(k, _)| k != "kubectl.kubernetes.io/last-applied-configuration"),
    );
    labels
}

/// An Argo CD `Application`/`ApplicationSet` or a Flux `HelmRelease` whose
/// Helm values (inline `values`, `valuesObject`, `parameters`) name a
/// Redis: an info note at the first such line, saying the chart is not
/// rendered and how to scan what it makes.
fn unrendered_chart(o: &Obj<'_>) -> Option<Diagnostic> {
    let spec = o.root.get("spec")?;
    let spec = match o.kind {
        "ApplicationSet" => spec.at(&["template", "spec"])?,
        _ => spec,
    };
    let mut places: Vec<&Node<'_>> = Vec::new();
    if o.kind == "HelmRelease" {
        places.extend(spec.get("values"));
    } else {
        let sources = spec
            .get("source")
            .into_iter()
            .chain(spec.get("sources").map(Node::as_seq).unwrap_or_default());
        for helm in sources.filter_map(|s| s.get("helm")) {
            places.extend(
                ["values", "valuesObject", "parameters"]
                    .iter()
                    .filter_map(|k| helm.get(k)),
            );
        }
    }
    let line = places.iter().find_map(|n| redis_line(n))?;
    Some(
        Diagnostic::info(
            "chart-not-rendered",
            format!(
                "{} {}/{} renders a Helm chart whose values name a Redis; fallout does not render charts: scan the output of `helm template` (or `argocd app manifests`) to see its consumers",
                o.kind, o.ns, o.name
            ),
        )
        .at(o.path, Some(line), None),
    )
}

/// The line of the first key or scalar under `node` that says Redis (an
/// inline `values: |` block is one scalar: its own line).
fn redis_line(node: &Node<'_>) -> Option<u32> {
    match &node.value {
        Value::Scalar { .. } => node
            .as_str()
            .filter(|t| crate::projects::has_redis_text(t))
            .map(|_| node.line),
        Value::Seq(items) => items.iter().find_map(redis_line),
        Value::Map(entries) => entries.iter().find_map(|(k, v)| {
            k.as_str()
                .filter(|t| crate::projects::has_redis_text(t))
                .map(|_| k.line)
                .or_else(|| redis_line(v))
        }),
    }
}

/// For each object that a kustomize patch among `objs` patches, what the
/// patch writes in each container.
fn container_patches<'a>(
    objs: &[Obj<'a>],
    patched: &HashSet<(&'a str, &'a str, &'a str)>,
) -> HashMap<(&'a str, &'a str, &'a str), Vec<ContainerPatch<'a>>> {
    let mut out: HashMap<(&str, &str, &str), Vec<ContainerPatch<'_>>> = HashMap::default();
    for o in objs.iter().filter(|o| o.patch) {
        let key = (o.ns, o.kind, o.name);
        if !patched.contains(&key) {
            continue;
        }
        let Some((spec, _)) = o.pod else { continue };
        for field in ["initContainers", "containers"] {
            for c in spec.get(field).map(Node::as_seq).unwrap_or_default() {
                if let Some(cp) = ContainerPatch::of(o.path, c) {
                    out.entry(key).or_default().push(cp);
                }
            }
        }
    }
    out
}

/// Pods, ReplicaSets and Jobs whose owner is in the scan fold into it, and
/// its template is what they run, except while they still run an older
/// one: mid-rollout, the previous ReplicaSet's Pods; a Job a CronJob
/// started before its template was edited (what `kubectl get -o yaml` and
/// `--kube` return). What such an object references that its owner does
/// not is its owner's too, cited at its own line; the rest (the same
/// settings, read again) is dropped. Scaled-down ReplicaSets, finished
/// Pods and Jobs run nothing.
fn still_running_owned<'a>(
    ctx: &Ctx<'_, 'a>,
    workloads: &[(Obj<'a>, ConsumerId, bool)],
    servers: &HashMap<ConsumerId, RedisServer>,
    out: &mut Scanned,
) {
    use rayon::prelude::*;
    let owned: Vec<&(Obj<'a>, ConsumerId, bool)> = workloads
        .iter()
        .filter(|(o, _, owner_present)| *owner_present && still_running(o))
        .collect();
    if owned.is_empty() {
        return;
    }
    let ids: HashSet<&ConsumerId> = owned.iter().map(|(_, id, _)| id).collect();
    let known: HashSet<(ConsumerId, String)> = out
        .facts
        .iter()
        .filter_map(|f| match f {
            Fact::Reference(r) if ids.contains(&r.consumer) => {
                Some((r.consumer.clone(), r.evidence.detail.clone()))
            }
            _ => None,
        })
        .collect();
    let said: HashSet<(&'static str, String)> = out
        .diagnostics
        .iter()
        .map(|d| (d.code, d.message.clone()))
        .collect();
    let scanned: Vec<Scanned> = owned
        .par_iter()
        .map(|(o, id, _)| {
            let mut s = Scanned::default();
            ctx.references(o, id, servers.get(id), &mut s);
            s
        })
        .collect();
    for ((o, _, _), s) in owned.iter().zip(scanned) {
        let before = out.facts.len();
        for f in s.facts {
            let Fact::Reference(mut r) = f else { continue };
            if known.contains(&(r.consumer.clone(), r.evidence.detail.clone())) {
                continue;
            }
            r.evidence.detail = format!(
                "{} ({} {}, still running a template its owner no longer has)",
                r.evidence.detail, o.kind, o.name
            );
            out.facts.push(Fact::Reference(r));
        }
        // What an object running its owner's template says, the owner
        // said already (under its own name): only one that adds a link
        // says more.
        if out.facts.len() > before {
            out.diagnostics.extend(
                s.diagnostics
                    .into_iter()
                    .filter(|d| !said.contains(&(d.code, d.message.clone()))),
            );
        }
    }
}

/// Whether an owned object runs pods now: a Pod not finished, a ReplicaSet
/// not scaled to zero, a Job with active pods (or, as written in a
/// repository, no status yet).
fn still_running(o: &Obj<'_>) -> bool {
    let count = |path: &[&str]| o.root.str_at(path).and_then(|n| n.parse::<u64>().ok());
    match o.kind {
        "Pod" => !matches!(
            o.root.str_at(&["status", "phase"]),
            Some("Succeeded" | "Failed")
        ),
        "ReplicaSet" => {
            count(&["spec", "replicas"]).unwrap_or(1) > 0
                || count(&["status", "replicas"]).unwrap_or(0) > 0
        }
        // `status: {}` is what `kubectl create job --dry-run -o yaml` writes.
        "Job" => {
            o.root
                .get("status")
                .is_none_or(|s| s.is_null() || s.as_map().is_some_and(<[_]>::is_empty))
                || count(&["status", "active"]).unwrap_or(0) > 0
        }
        _ => false,
    }
}

/// The (kind, name) a workload object counts as: Pods, ReplicaSets and Jobs
/// fold into their owners, through ownerReferences, the pod-template-hash
/// label (`web-5d9c7b-x2x`) or a CronJob's `name-<digits>` Jobs.
fn fold_owner<'a>(o: &Obj<'a>, index: &Index<'a>) -> (&'a str, &'a str) {
    let (mut kind, mut name) = (o.kind, o.name);
    let hash = o.root.str_at(&["metadata", "labels", "pod-template-hash"]);
    if matches!(kind, "Pod" | "ReplicaSet" | "Job") {
        if let Some(owner) = controller_of(o.root) {
            (kind, name) = owner;
        } else if kind == "Pod" {
            if let Some(rs) = hash.and_then(|h| {
                name.find(&format!("-{h}-"))
                    .map(|i| &name[..i + 1 + h.len()])
            }) {
                (kind, name) = ("ReplicaSet", rs);
            }
        }
    }
    for _ in 0..3 {
        if let Some(owner) = index.owners.get(&(o.ns, kind, name)) {
            (kind, name) = *owner;
            continue;
        }
        match kind {
            "ReplicaSet" => match hash.and_then(|h| name.strip_suffix(&format!("-{h}"))) {
                Some(dep) => (kind, name) = ("Deployment", dep),
                None => break,
            },
            // The CronJob controller names a Job `<cronjob>-<minutes since
            // the epoch>` (eight digits); `sweeper-7` is a Job of its own.
            "Job" => match name.rsplit_once('-') {
                Some((cron, n))
                    if n.len() >= 8
                        && n.bytes().all(|b| b.is_ascii_digit())
                        && index.present.contains_key(&(o.ns, "CronJob", cron)) =>
                {
                    (kind, name) = ("CronJob", cron)
                }
                _ => break,
            },
            _ => break,
        }
    }
    (kind, name)
}

fn pod_labels(o: &Obj<'_>) -> BTreeMap<String, String> {
    pod_template(o)
        .and_then(|(_, meta)| meta)
        .and_then(|m| m.get("labels"))
        .map(Node::string_map)
        .unwrap_or_default()
}

fn pod_addresses(o: &Obj<'_>, id: &ConsumerId, out: &mut Scanned) {
    let host_network = o.root.str_at(&["spec", "hostNetwork"]) == Some("true");
    let mut ips: BTreeSet<&str> = BTreeSet::new();
    if let Some(ip) = o.root.str_at(&["status", "podIP"]) {
        ips.insert(ip);
    }
    for item in o
        .root
        .at(&["status", "podIPs"])
        .map(Node::as_seq)
        .unwrap_or_default()
    {
        if let Some(ip) = item.str_at(&["ip"]) {
            ips.insert(ip);
        }
    }
    for ip in ips {
        out.facts.push(Fact::Pod(PodAddress {
            ip: ip.to_string(),
            workload: id.clone(),
            host_network,
            origin: o.defined_at(),
        }));
    }
}

/// A container of any image whose command starts a Redis server
/// (`command: ["redis-server", "/etc/redis.conf"]` in a custom image).
fn starts_a_server(container: &Node) -> bool {
    let is_server = |w: &str| crate::SERVER_PROGRAMS.contains(&w.rsplit('/').next().unwrap_or(w));
    // The first word of `command`, of `args` (after an entrypoint script
    // such as `docker-entrypoint.sh`), or any word of a `sh -c` script.
    ["command", "args"]
        .iter()
        .filter_map(|field| container.get(field))
        .any(|items| {
            let items = items.as_seq();
            let first = items
                .first()
                .and_then(Node::as_str)
                .and_then(|t| t.split_whitespace().next());
            let script = items
                .get(2)
                .filter(|_| items.get(1).and_then(Node::as_str) == Some("-c"))
                .and_then(Node::as_str);
            first.is_some_and(is_server)
                || script.is_some_and(|t| {
                    t.split(|c: char| c.is_whitespace() || matches!(c, ';' | '&' | '|'))
                        .any(is_server)
                })
        })
}

/// Whether a container of image `image` runs a Redis server: its command
/// starts one, or it is of a Redis image and runs not only a client.
fn runs_a_server(container: &Node, image: &str) -> bool {
    starts_a_server(container)
        || crate::is_redis_image(image) && !runs_only_a_client(container) && !idles(container)
}

/// Whether a container's command line keeps it up doing nothing (`sleep
/// infinity`): [`crate::idles`] on `command` followed by `args` (Bitnami
/// writes `command: [/bin/bash]`, `args: [-c, start-master.sh]`), or on
/// `args` alone, which the image's entrypoint runs.
fn idles(container: &Node) -> bool {
    let words: Vec<&str> = ["command", "args"]
        .iter()
        .filter_map(|field| container.get(field))
        .flat_map(Node::as_seq)
        .filter_map(Node::as_str)
        .collect();
    crate::idles(&words)
}

/// Whether a container's `command`, `args` or `sh -c` script runs a Redis
/// client program (`redis-cli`) and no server.
fn runs_only_a_client(container: &Node) -> bool {
    let (mut client, mut server) = (false, false);
    for items in ["command", "args"].iter().filter_map(|f| container.get(f)) {
        for text in items.as_seq().iter().filter_map(Node::as_str) {
            for word in text.split(|c: char| c.is_whitespace() || matches!(c, ';' | '&' | '|')) {
                let base = word.rsplit('/').next().unwrap_or(word);
                client |= crate::CLIENT_PROGRAMS.contains(&base);
                server |= crate::SERVER_PROGRAMS.contains(&base);
            }
        }
    }
    client && !server
}

/// Whether a Service selector matches pod-template labels. The labels the
/// StatefulSet controller puts on each pod (`statefulset.kubernetes.io/pod-name`,
/// `apps.kubernetes.io/pod-index`) are in no template; they are taken to match.
fn selects(selector: &BTreeMap<String, String>, labels: &BTreeMap<String, String>) -> bool {
    selector.iter().all(|(k, v)| {
        labels.get(k) == Some(v)
            || k == "statefulset.kubernetes.io/pod-name"
            || k == "apps.kubernetes.io/pod-index"
    })
}

/// A workload's namespace, pod labels and `name → containerPort`.
type NamedPorts<'a> = (&'a str, BTreeMap<String, String>, HashMap<String, u16>);

/// `name → containerPort` over a workload's containers.
fn container_ports(o: &Obj<'_>) -> HashMap<String, u16> {
    let mut out = HashMap::default();
    let Some((spec, _)) = pod_template(o) else {
        return out;
    };
    for c in spec.get("containers").map(Node::as_seq).unwrap_or_default() {
        for p in c.get("ports").map(Node::as_seq).unwrap_or_default() {
            if let (Some(name), Some(port)) = (
                p.str_at(&["name"]),
                p.str_at(&["containerPort"]).and_then(|n| n.parse().ok()),
            ) {
                out.insert(name.to_string(), port);
            }
        }
    }
    out
}

/// Whether every port of a Service targets one of `side` (the ports the
/// other containers of a Redis pod declare: `cache-metrics` on 9121 →
/// `metrics`, the exporter's). A port whose target is unknown (a name no
/// container declares) may be the Redis's.
fn leads_only_to(svc: &Service, side: &[u16]) -> bool {
    !side.is_empty()
        && !svc.ports.is_empty()
        && svc.ports.iter().all(|p| {
            let target = match (p.target_port, &p.target_port_name) {
                (Some(t), _) => Some(t),
                (None, None) => Some(p.port),
                (None, Some(_)) => None,
            };
            target.is_some_and(|t| side.contains(&t))
        })
}

/// Resolves a Service's named target ports against the containers its
/// selector matches (the first that names the port).
fn resolve_named_ports(svc: &mut Service, named: &[&NamedPorts<'_>]) {
    let Some(sel) = svc.selector.as_ref().filter(|s| !s.is_empty()) else {
        return;
    };
    for sp in &mut svc.ports {
        let Some(name) = sp.target_port_name.as_deref() else {
            continue;
        };
        if sp.target_port.is_some() {
            continue;
        }
        sp.target_port = named
            .iter()
            .filter(|(ns, labels, _)| *ns == svc.namespace && selects(sel, labels))
            .find_map(|(_, _, ports)| ports.get(name).copied());
    }
}

fn service(o: &Obj<'_>) -> Service {
    let spec = o.root.get("spec");
    let get = |k: &str| spec.and_then(|s| s.str_at(&[k]));
    let mut cluster_ips: Vec<String> = Vec::new();
    for ip in get("clusterIP").into_iter().chain(
        spec.and_then(|s| s.get("clusterIPs"))
            .map(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .filter_map(Node::as_str),
    ) {
        if ip != "None" && !ip.is_empty() && !cluster_ips.iter().any(|c| c == ip) {
            cluster_ips.push(ip.to_string());
        }
    }
    let ports = spec
        .and_then(|s| s.get("ports"))
        .map(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(|p| {
            let port = p.str_at(&["port"])?.parse().ok()?;
            let target = p.str_at(&["targetPort"]);
            Some(ServicePort {
                name: p.str_at(&["name"]).map(str::to_string),
                port,
                target_port: target.and_then(|t| t.parse().ok()),
                target_port_name: target
                    .filter(|t| t.parse::<u16>().is_err())
                    .map(str::to_string),
            })
        })
        .collect();
    Service {
        namespace: o.ns.to_string(),
        name: o.name.to_string(),
        selector: spec.and_then(|s| s.get("selector")).map(Node::string_map),
        ports,
        headless: get("clusterIP") == Some("None"),
        external_name: (get("type") == Some("ExternalName"))
            .then(|| get("externalName").map(str::to_string))
            .flatten(),
        cluster_ips,
        labels: o
            .root
            .at(&["metadata", "labels"])
            .map(Node::string_map)
            .unwrap_or_default(),
        defined_at: o.defined_at(),
        to_side_containers: false,
    }
}

/// What a strategic-merge patch `o` (read as `patch`) changes of `base`: the
/// fields it writes win; a `selector: null` removes the selector; ports
/// merge by port number. A Service the patch turns into an ExternalName is
/// defined where the patch says so.
fn patch_service(base: &mut Service, o: &Obj<'_>, patch: Service) {
    let spec = o.root.get("spec");
    let writes = |key: &str| spec.and_then(|s| s.get(key));
    if let Some(kind) = writes("type") {
        let was = base.external_name.is_some();
        base.external_name = patch.external_name;
        if kind.as_str() == Some("ExternalName") && !was {
            base.defined_at = patch.defined_at;
        }
    } else if writes("externalName").is_some() && base.external_name.is_some() {
        base.external_name = spec
            .and_then(|s| s.str_at(&["externalName"]))
            .map(str::to_string);
    }
    if let Some(selector) = writes("selector") {
        base.selector = if selector.is_null() {
            None
        } else {
            let mut merged = base.selector.take().unwrap_or_default();
            merged.extend(patch.selector.unwrap_or_default());
            Some(merged)
        };
    }
    for p in patch.ports {
        match base.ports.iter_mut().find(|b| b.port == p.port) {
            Some(b) => *b = p,
            None => base.ports.push(p),
        }
    }
    if writes("clusterIP").is_some() || writes("clusterIPs").is_some() {
        base.headless = patch.headless;
        base.cluster_ips = patch.cluster_ips;
    }
    base.labels.extend(patch.labels);
}

/// One environment variable of a container, resolved as far as the
/// scanned objects allow.
struct EnvVar {
    name: String,
    value: Option<String>,
    /// Where its value is written (a Secret's or ConfigMap's key line for
    /// one read from there).
    origin: Origin,
    /// Where the container sets it: its `env` entry or `envFrom` line.
    entry: Origin,
    strength: Strength,
    via: String,
    /// The Secret key it reads, when it reads one: (secret, key).
    secret_key: Option<(String, String)>,
    /// The value lives in a Secret the scan could not read.
    unreadable: bool,
    /// Every key of a Secret that is not among the objects (envFrom): any
    /// of them may be the password. Says which Secret.
    opaque: Option<String>,
}

/// The variables of one container as they stand: a later definition of a
/// name takes the place of an earlier one, which is dropped.
#[derive(Default)]
struct Environment {
    /// In the order defined; `None` where a later definition replaced one.
    vars: Vec<Option<EnvVar>>,
    /// Where each name's definition stands in `vars`.
    at: HashMap<String, usize>,
}

impl Environment {
    fn set(&mut self, var: EnvVar) {
        // A source whose keys are unknown (`prefix*`) replaces nothing.
        if !var.name.ends_with('*') {
            if let Some(old) = self.at.insert(var.name.clone(), self.vars.len()) {
                self.vars[old] = None;
            }
        }
        self.vars.push(Some(var));
    }

    /// Room for `n` more variables (an `envFrom` source's keys).
    fn reserve(&mut self, n: usize) {
        self.vars.reserve(n);
        self.at.reserve(n);
    }

    fn unset(&mut self, name: &str) {
        if let Some(i) = self.at.remove(name) {
            self.vars[i] = None;
        }
    }

    /// The values known so far, for `$(VAR)`.
    fn known(&self) -> HashMap<&str, &str> {
        known_values(self.vars.iter().flatten())
    }

    fn into_vars(self) -> Vec<EnvVar> {
        self.vars.into_iter().flatten().collect()
    }
}

/// A container's `env` entries with its patches' merged in, each with the
/// file it is written in: a patch's entry takes the place of the entries of
/// its name (a strategic merge by `name`), a new name comes after the rest.
fn merged_env<'n>(
    path: &'n str,
    container: &'n Node<'n>,
    patches: &[&ContainerPatch<'n>],
) -> Vec<(&'n str, &'n Node<'n>)> {
    let entries = |c: &'n Node<'n>| c.get("env").map(Node::as_seq).unwrap_or_default();
    let mut env: Vec<(&str, &Node)> = entries(container).iter().map(|e| (path, e)).collect();
    for p in patches {
        for e in entries(p.container) {
            let name = e.str_at(&["name"]);
            let same = |(_, x): &(&str, &Node)| name.is_some() && x.str_at(&["name"]) == name;
            match env.iter().position(same) {
                Some(i) => {
                    env[i] = (p.path, e);
                    // A base that writes the name twice: both are replaced.
                    let rest = env.split_off(i + 1);
                    env.extend(rest.into_iter().filter(|x| !same(x)));
                }
                None => env.push((p.path, e)),
            }
        }
    }
    env
}

struct Ctx<'i, 'a> {
    index: &'i Index<'a>,
    opts: &'i Options,
    /// (namespace, secret, key) that Redis servers read their password from.
    server_secrets: HashSet<(String, String, String)>,
    /// Names of Services and workloads that run a Redis (lower case).
    redis_names: HashSet<String>,
    /// Services that select a Redis's pods but whose every port leads to
    /// another container of them (`cache-metrics` → the exporter's 9121).
    side_services: HashSet<String>,
    /// (name, namespace) → the selector of every Service of the scan with a
    /// selector and no Redis port (6379, 6380, 26379), read when asked.
    services: HashMap<(&'a str, &'a str), &'a Node<'a>>,
    /// The workloads, to see what a Service selects.
    workloads: &'i [(Obj<'a>, ConsumerId, bool)],
    /// Services found to select workloads (none a Redis), by name; filled
    /// as references ask.
    selects_workloads: std::sync::Mutex<HashMap<String, bool>>,
    /// The variables Kubernetes gives every pod for each Service of its
    /// namespace (`REDIS_LEADER_SERVICE_HOST`, `…_SERVICE_PORT`), which
    /// `$(VAR)` may name: namespace → (variable, value). The host is the
    /// Service's name (its ClusterIP, as names go).
    service_env: HashMap<String, HashMap<String, String>>,
    /// What kustomize patches write in each patched object's containers
    /// (a strategic merge: `env` by name, `args`, `command` and `envFrom`
    /// whole): the patched object's own copy of what they replace is not
    /// read, and its environment is the merged one ([`Ctx::env_of`]).
    overrides: HashMap<(&'a str, &'a str, &'a str), Vec<ContainerPatch<'a>>>,
    /// Every object (`index.present` says where the first of a name is).
    objs: &'i [Obj<'a>],
    /// Services a kustomization renamed, by the name they are written with
    /// (`name.namespace`, when no Service keeps that name there) → their
    /// new names (one per overlay that renames the base there) and who
    /// renamed them.
    renamed_services: HashMap<String, Vec<(&'a str, &'a Renamed)>>,
}

/// What a strategic-merge patch writes in one container.
struct ContainerPatch<'a> {
    name: &'a str,
    env_from: bool,
    args: bool,
    command: bool,
    /// The patch's file (its lines are the evidence of what it writes).
    path: &'a str,
    /// The patch's container, whose `env` and `envFrom` join the patched
    /// object's environment ([`Ctx::env_of`]).
    container: &'a Node<'a>,
}

impl<'a> ContainerPatch<'a> {
    fn of(path: &'a str, container: &'a Node<'a>) -> Option<ContainerPatch<'a>> {
        let has = |field: &str| container.get(field).is_some();
        Some(ContainerPatch {
            path,
            container,
            name: container.str_at(&["name"])?,
            env_from: has("envFrom"),
            args: has("args"),
            command: has("command"),
        })
    }
}

impl<'i, 'a> Ctx<'i, 'a> {
    /// Whether `host`, said in namespace `ns`, names a Redis Service (short
    /// name, `svc.ns`, `svc.ns.svc[.domain]`, a headless pod name, a ClusterIP).
    fn known_host(&self, host: &str, ns: &str) -> bool {
        names_one_of(&self.redis_names, host, ns)
    }

    /// The container of `o` that runs a Redis server, and its image (a
    /// patch's container names its image only when it changes it: the
    /// patched object's is taken).
    fn server_container(&self, o: &Obj<'a>) -> Option<(&'a Node<'a>, &'a str)> {
        let (spec, _) = o.pod?;
        let image_of = |c: &'a Node<'a>| self.container_image(o, c);
        // A native sidecar (an init container with `restartPolicy: Always`)
        // runs beside the others as long as the pod does.
        // A Redis image that runs only a client (`redis-cli -h other …`, a
        // warm-up or health sidecar) is no server, wherever it is listed.
        running_containers(spec)
            .filter_map(|c| Some((c, image_of(c)?)))
            .find(|(c, image)| runs_a_server(c, image))
    }

    /// The ports the containers of `o` declare that run no Redis server
    /// (not the server, a Sentinel or another server beside it): a metrics
    /// exporter's, an application's. A Redis's own port is never one.
    fn side_ports(&self, o: &Obj<'a>) -> Vec<u16> {
        let Some((spec, _)) = o.pod else {
            return Vec::new();
        };
        let serves = |c: &Node<'a>| {
            starts_a_server(c)
                || self
                    .container_image(o, c)
                    .is_some_and(|i| runs_a_server(c, i))
        };
        let ports = |c: &Node<'a>| -> Vec<u16> {
            c.get("ports")
                .map(Node::as_seq)
                .unwrap_or_default()
                .iter()
                .filter_map(|p| p.str_at(&["containerPort"])?.parse().ok())
                .collect()
        };
        let server: Vec<u16> = running_containers(spec)
            .filter(|c| serves(c))
            .flat_map(ports)
            .collect();
        let mut side: Vec<u16> = running_containers(spec)
            .filter(|c| !serves(c))
            .flat_map(ports)
            .filter(|p| !server.contains(p) && !matches!(p, 6379 | 6380 | 26379))
            .collect();
        side.sort_unstable();
        side.dedup();
        side
    }

    /// The variables Kubernetes gives `o`'s containers for each Service of
    /// its namespace (`CACHE_SERVICE_HOST`): none when its pod spec says
    /// `enableServiceLinks: false`.
    fn service_links(&self, o: &Obj<'a>) -> Option<&HashMap<String, String>> {
        let off = o
            .pod
            .and_then(|(spec, _)| spec.str_at(&["enableServiceLinks"]))
            .is_some_and(|v| v.eq_ignore_ascii_case("false"));
        if off {
            return None;
        }
        self.service_env.get(o.ns)
    }

    /// The Redis proxy or TLS tunnel a container of `o` runs, by its image
    /// ([`crate::proxy_of_image`]).
    fn proxy_of(&self, o: &Obj<'a>) -> Option<&'static str> {
        let (spec, _) = o.pod?;
        running_containers(spec)
            .filter_map(|c| self.container_image(o, c))
            .find_map(crate::proxy_of_image)
    }

    /// Whether a container of `o` is part of the Redis its pod runs: the
    /// server, a Sentinel or another server beside it, or a metrics
    /// exporter watching it (a Redis image running only a client, `redis-cli
    /// … ping`, is not). Its loopback addresses are the Redis's own
    /// business, not a consumer's. `server_container` is the pod's
    /// ([`Self::server_container`], found once per workload).
    fn part_of_the_redis(
        &self,
        o: &Obj<'a>,
        server_container: Option<&Node>,
        container: &Node,
        words: &[At<String>],
    ) -> bool {
        if server_container.is_some_and(|c| std::ptr::eq(c, container))
            || starts_a_server(container)
        {
            return true;
        }
        let image = self.container_image(o, container);
        let runs = |names: &[&str]| {
            words.iter().any(|w| {
                let base = w.value.rsplit('/').next().unwrap_or(&w.value);
                names.contains(&base)
            })
        };
        // (a client program alone makes it a client)
        image.is_some_and(|i| {
            is_exporter_image(i)
                || crate::is_redis_image(i)
                    && (runs(crate::SERVER_PROGRAMS) || !runs(crate::CLIENT_PROGRAMS))
        })
    }

    /// A container's image (a patch's container names its image only when
    /// it changes it: the patched object's is taken).
    fn container_image<'c>(&self, o: &Obj<'a>, container: &'c Node<'a>) -> Option<&'c str>
    where
        'a: 'c,
    {
        container.str_at(&["image"]).or_else(|| {
            o.patch
                .then(|| {
                    container
                        .str_at(&["name"])
                        .and_then(|n| self.patched_image(o, n))
                })
                .flatten()
        })
    }

    /// Whether a patch object writes `command` or `args` in the container
    /// that runs its server (a sidecar's args change no port).
    fn writes_command(&self, o: &Obj<'a>) -> bool {
        self.server_container(o)
            .is_some_and(|(c, _)| c.get("args").is_some() || c.get("command").is_some())
    }

    /// What patches replace in this container of `o` (none for a patch).
    fn patches_of(&self, o: &Obj<'a>, container: &Node) -> Vec<&ContainerPatch<'a>> {
        if o.patch || self.overrides.is_empty() {
            return Vec::new();
        }
        let Some(name) = container.str_at(&["name"]) else {
            return Vec::new();
        };
        self.overrides
            .get(&(o.ns, o.kind, o.name))
            .map(|list| list.iter().filter(|p| p.name == name).collect())
            .unwrap_or_default()
    }

    /// The image of the container named `name` in the object a patch
    /// patches (a patch seldom repeats it).
    fn patched_image(&self, o: &Obj<'a>, name: &str) -> Option<&'a str> {
        self.patched_container(o, name)?.str_at(&["image"])
    }

    /// The object a patch patches.
    fn patched_object(&self, o: &Obj<'a>) -> Option<&'i Obj<'a>> {
        // Patches come after what they patch: the first of the name is it.
        self.index
            .present
            .get(&(o.ns, o.kind, o.name))
            .map(|&i| &self.objs[i])
            .filter(|b| !b.patch)
    }

    /// The container named `name` in the object a patch patches.
    fn patched_container(&self, o: &Obj<'a>, name: &str) -> Option<&'a Node<'a>> {
        let (spec, _) = self.patched_object(o)?.pod?;
        ["initContainers", "containers"]
            .iter()
            .flat_map(|f| spec.get(f).map(Node::as_seq).unwrap_or_default())
            .find(|c| c.str_at(&["name"]) == Some(name))
    }

    /// Whether `host` names a Service of the scan that selects workloads of
    /// the scan, none of them a Redis (or it would be a known host).
    fn names_other_service(&self, host: &str, ns: &str) -> bool {
        let Some(name) = service_named(host, ns) else {
            return false;
        };
        let Some(&selector) = name.split_once('.').and_then(|key| self.services.get(&key)) else {
            return false;
        };
        let svc_ns = name.split_once('.').map_or("", |(_, ns)| ns);
        let lock = || {
            self.selects_workloads
                .lock()
                .unwrap_or_else(|e| e.into_inner())
        };
        if let Some(known) = lock().get(&name) {
            return *known;
        }
        // Worked out without the lock held: the workloads run in parallel.
        let selector = selector.string_map();
        let selects_some = self
            .workloads
            .iter()
            .any(|(o, _, _)| o.ns == svc_ns && selects(&selector, &pod_labels(o)));
        lock().insert(name, selects_some);
        selects_some
    }

    fn secrets_unreadable(&self, ns: &str) -> bool {
        self.opts
            .unreadable_secrets
            .iter()
            .any(|n| n == "*" || n == ns)
    }

    /// A container's environment as Kubernetes builds it: every `envFrom`
    /// source in order, then every `env` entry in order. A later definition
    /// of a name replaces an earlier one (`env` over `envFrom`, a later
    /// source or entry over an earlier), and `$(VAR)` sees only what was
    /// defined before it. Only the value a name ends with is returned: an
    /// overridden value is read nowhere.
    ///
    /// Kustomize patches of the container join it first, as a strategic
    /// merge does (`env` by name, in the base's place; `envFrom` whole), so
    /// the patched object reads the merged container and a patch's copy of
    /// a container its object has reads nothing of its own.
    fn env_of(&self, o: &Obj<'a>, container: &Node) -> Vec<EnvVar> {
        if o.patch
            && container
                .str_at(&["name"])
                .is_some_and(|name| self.patched_container(o, name).is_some())
        {
            return Vec::new();
        }
        let mut vars = Environment::default();
        let patches = self.patches_of(o, container);
        // A patch's `envFrom` replaces the whole list (the last patch's).
        let (from_path, env_from) = match patches.iter().rev().find(|p| p.env_from) {
            Some(p) => (std::sync::Arc::from(p.path), p.container.get("envFrom")),
            None => (o.shared_path.clone(), container.get("envFrom")),
        };
        for from in env_from.map(Node::as_seq).unwrap_or_default() {
            let prefix = from.str_at(&["prefix"]).unwrap_or("");
            let (kind, name, data) = if let Some(name) = from.str_at(&["configMapRef", "name"]) {
                ("configMap", name, self.index.config_maps.get(&(o.ns, name)))
            } else if let Some(name) = from.str_at(&["secretRef", "name"]) {
                ("secret", name, self.index.secrets.get(&(o.ns, name)))
            } else {
                continue;
            };
            let Some((_, data)) = data else {
                // Its keys are unknown: any variable may come from it. (It
                // is not taken to replace the known keys before it: such a
                // source, a Secret made elsewhere, mostly holds passwords.)
                let unreadable = kind == "secret" && self.secrets_unreadable(o.ns);
                let outside = format!("{}/{name} (not among the scanned objects)", o.ns);
                vars.set(EnvVar {
                    name: format!("{prefix}*"),
                    value: None,
                    origin: Origin::file(from_path.clone(), from.line),
                    entry: Origin::file(from_path.clone(), from.line),
                    strength: Strength::Inferred,
                    via: if unreadable {
                        format!("envFrom secret {name} (not readable)")
                    } else {
                        format!("envFrom {kind} {outside}")
                    },
                    secret_key: None,
                    unreadable,
                    // Not in the repository (sealed, external secrets): a
                    // password may come from it. A ConfigMap's keys are
                    // said when the container's other variables speak of a
                    // Redis that nothing else locates.
                    opaque: (kind == "secret" && !unreadable).then(|| {
                        format!(
                            "Secret {}/{name} (envFrom, not among the scanned objects)",
                            o.ns
                        )
                    }),
                });
                continue;
            };
            // Every key of the source, for every container that takes it:
            // built by hand, not by `format!` (a shared ConfigMap of
            // hundreds of keys made that a tenth of the scan).
            vars.reserve(data.len());
            let from_what = format!(" <- envFrom {kind} {}/{name}", o.ns);
            let entry_at = Origin::file(from_path.clone(), from.line);
            for (key, entry) in data.iter().filter(|(_, e)| !e.file_only) {
                let mut var_name = String::with_capacity(prefix.len() + key.len());
                var_name.push_str(prefix);
                var_name.push_str(key);
                let mut via = String::with_capacity(4 + var_name.len() + from_what.len());
                via.push_str("env ");
                via.push_str(&var_name);
                via.push_str(&from_what);
                vars.set(EnvVar {
                    name: var_name,
                    value: entry.value.clone(),
                    origin: entry.origin(),
                    entry: entry_at.clone(),
                    strength: Strength::Indirect,
                    via,
                    secret_key: (kind == "secret").then(|| (name.to_string(), key.to_string())),
                    unreadable: false,
                    opaque: None,
                });
            }
        }
        for (path, e) in merged_env(o.path, container, &patches) {
            let Some(name) = e.str_at(&["name"]) else {
                continue;
            };
            // The object's own file (most entries): its shared path.
            let shared: std::sync::Arc<str> = if path == o.path {
                o.shared_path.clone()
            } else {
                path.into()
            };
            let at = |node: &Node| Origin::file(shared.clone(), node.line);
            if let Some(value_node) = e.get("value") {
                let raw = value_node.as_str().unwrap_or("");
                let mut strength = Strength::Explicit;
                let mut via = format!("env {name}");
                // `$(VAR)` sees the variables before it; most values have none.
                let value = if raw.contains("$(") {
                    // A variable taken from a ConfigMap or Secret makes the
                    // value as indirect as it is, and is named.
                    for used in var_refs(raw) {
                        let Some(v) = vars.at.get(used).and_then(|&i| vars.vars[i].as_ref()) else {
                            continue;
                        };
                        if v.strength == Strength::Indirect && v.value.is_some() {
                            strength = Strength::Indirect;
                            via.push_str(&format!(" (with {})", v.via));
                        }
                    }
                    expand(raw, &vars.known(), self.service_links(o))
                } else {
                    raw.to_string()
                };
                vars.set(EnvVar {
                    name: name.to_string(),
                    value: Some(value),
                    origin: at(value_node),
                    entry: at(value_node),
                    strength,
                    via,
                    secret_key: None,
                    unreadable: false,
                    opaque: None,
                });
                continue;
            }
            // Set to what only the running pod knows (`status.hostIP`, a
            // resource limit), or to nothing (no `value`: empty): what came
            // before is gone, and nothing is read in its place.
            let Some(from) = e.get("valueFrom") else {
                vars.unset(name);
                continue;
            };
            if let Some(path) = from.str_at(&["fieldRef", "fieldPath"]) {
                // The namespace is known statically; other fields are not.
                if path == "metadata.namespace" {
                    vars.set(EnvVar {
                        name: name.to_string(),
                        value: Some(o.ns.to_string()),
                        origin: at(e),
                        entry: at(e),
                        strength: Strength::Explicit,
                        via: format!("env {name} <- fieldRef metadata.namespace"),
                        secret_key: None,
                        unreadable: false,
                        opaque: None,
                    });
                } else {
                    vars.unset(name);
                }
                continue;
            }
            let (kind, r) = if let Some(r) = from.get("configMapKeyRef") {
                ("configMapKeyRef", r)
            } else if let Some(r) = from.get("secretKeyRef") {
                ("secretKeyRef", r)
            } else {
                vars.unset(name);
                continue;
            };
            let (Some(src_name), Some(key)) = (r.str_at(&["name"]), r.str_at(&["key"])) else {
                vars.unset(name);
                continue;
            };
            let is_secret = kind == "secretKeyRef";
            let source = if is_secret {
                self.index.secrets.get(&(o.ns, src_name))
            } else {
                self.index.config_maps.get(&(o.ns, src_name))
            };
            let via = format!("env {name} <- {kind} {}/{src_name} key {key}", o.ns);
            let secret_key = is_secret.then(|| (src_name.to_string(), key.to_string()));
            match source
                .and_then(|(_, data)| data.get(key))
                .filter(|e| !e.file_only)
            {
                Some(entry) => vars.set(EnvVar {
                    name: name.to_string(),
                    value: entry.value.clone(),
                    origin: entry.origin(),
                    entry: at(e),
                    strength: Strength::Indirect,
                    via,
                    secret_key,
                    unreadable: false,
                    opaque: None,
                }),
                // An `optional` key its ConfigMap or Secret (in the scan)
                // lacks: the variable is not set by this entry (the kubelet
                // skips it; an earlier definition stands), and says nothing.
                None if source.is_some() && r.str_at(&["optional"]) == Some("true") => {}
                // Set from what the scan cannot read: it replaces what came
                // before (whose value is not read) with a value unknown.
                None => {
                    let unreadable = is_secret && source.is_none() && self.secrets_unreadable(o.ns);
                    // A Secret that the scan holds only as what makes it:
                    // encrypted, or fetched from a store at run time.
                    let made_by = ["SealedSecret", "ExternalSecret"].into_iter().find(|kind| {
                        is_secret && self.index.present.contains_key(&(o.ns, *kind, src_name))
                    });
                    let made_by_text;
                    let why = match (source.is_some(), unreadable, made_by) {
                        (true, _, _) => "key not found",
                        (false, true, _) => "Secret not readable",
                        (false, false, Some(kind)) => {
                            made_by_text = format!(
                                "made by {kind} {}/{src_name}, whose value the scan cannot read",
                                o.ns
                            );
                            &made_by_text
                        }
                        (false, false, None) => "not among the scanned objects",
                    };
                    vars.set(EnvVar {
                        name: name.to_string(),
                        value: None,
                        origin: at(e),
                        entry: at(e),
                        strength: Strength::Inferred,
                        via: format!("{via} ({why})"),
                        secret_key,
                        unreadable,
                        opaque: None,
                    })
                }
            }
        }
        vars.into_vars()
    }

    /// The Redis server a workload runs, if any.
    fn server_of(&self, o: &Obj<'a>) -> Option<RedisServer> {
        let (spec, _) = pod_template(o)?;
        let (container, image) = self.server_container(o)?;
        let vars = self.env_of(o, container);
        // Where the server is told something is where its container sets
        // the variable (a password's Secret line is the credential's).
        let env: Vec<(&str, Option<&str>, &Origin)> = vars
            .iter()
            .map(|v| (v.name.as_str(), v.value.as_deref(), &v.entry))
            .collect();
        let known = known_values(&vars);
        let words = self.command_words(o, container, &known);
        // A Redis image running a client (`redis-cli … PING`, a benchmark)
        // is a consumer, not a server.
        let files = self.mounted_files(o, spec, container);
        // A script it runs from a mounted ConfigMap (`bash
        // /scripts/worker.sh`): its words are what runs.
        let script: Vec<compose::At<String>> = words
            .iter()
            .filter_map(|w| files.iter().find(|f| f.mount_path == w.value))
            .filter_map(|f| {
                let origin = Origin::file(f.src_path, f.node.line);
                Some((f.text.as_deref()?, origin))
            })
            .flat_map(|(text, origin)| {
                compose::shell_words(text)
                    .into_iter()
                    .map(move |value| compose::At {
                        value,
                        origin: origin.clone(),
                    })
            })
            .collect();
        let runs = |names: &[&str]| {
            words
                .iter()
                .chain(&script)
                .map(|w| w.value.as_str())
                .any(|w| {
                    let w = w.trim_matches([';', '&', '|', '(', ')']);
                    names.contains(&w.rsplit('/').next().unwrap_or(w))
                })
        };
        if runs(crate::CLIENT_PROGRAMS) && !runs(crate::SERVER_PROGRAMS) {
            return None;
        }
        let mounted = |targets: &BTreeSet<String>| -> Vec<(String, String)> {
            files
                .iter()
                .filter(|f| {
                    targets.contains(&f.mount_path) || compose::is_server_conf_name(&f.mount_path)
                })
                .filter_map(|f| Some((f.mount_path.clone(), f.text.clone()?)))
                .collect()
        };
        // What its script passes the server (`--requirepass "$REDIS_PASSWORD"`)
        // is what the server is told.
        let mut all_words = words.clone();
        all_words.extend(script.iter().cloned());
        let mut server = compose::redis_server(image, &env, all_words, &mounted);
        // A config file the scan does not have (written by an init
        // container, a ConfigMap outside the scan) may set the port: the
        // one port the container declares says where, better than the
        // default.
        let default_port = if server.sentinel { 26379 } else { 6379 };
        // Or an image of its own with no command (kubernetes/examples'
        // `redis:v1`, whose run.sh starts a Sentinel when `SENTINEL` is
        // set): its entrypoint decides, and the one port it declares says
        // where. The official images listen where their command says.
        let own_entrypoint = words.is_empty() && crate::configured_from_env(image);
        if (server.config_unread || own_entrypoint) && server.port == Some(default_port) {
            let declared: Vec<u16> = container
                .get("ports")
                .map(Node::as_seq)
                .unwrap_or_default()
                .iter()
                .filter_map(|p| p.str_at(&["containerPort"])?.parse().ok())
                .collect();
            // For an image's own entrypoint, only a port like Redis's
            // (6xxx, a Sentinel's 26379): a lone 8001 is a web UI.
            let redis_like = |p: u16| !own_entrypoint || (6000..7000).contains(&p) || p == 26379;
            if let [only] = declared[..] {
                if Some(only) != server.tls_port && redis_like(only) {
                    server.port = Some(only);
                }
            }
        }
        // A container port named for TLS (`redis-tls`, `tls`) when the
        // command and config said nothing of one.
        if server.tls_port.is_none() {
            for p in container.get("ports").map(Node::as_seq).unwrap_or_default() {
                let named_tls = p
                    .str_at(&["name"])
                    .is_some_and(|n| n.to_ascii_lowercase().contains("tls"));
                if let (true, Some(port)) = (
                    named_tls,
                    p.str_at(&["containerPort"]).and_then(|n| n.parse().ok()),
                ) {
                    if server.port != Some(port) {
                        server.tls_port = Some(port);
                    }
                }
            }
        }
        // The password: a Secret key behind an env var the server uses.
        for v in &vars {
            let norm = settings::normalize_key(&v.name);
            let named = norm.contains("pass") || norm.ends_with("auth");
            let reference = format!("$({})", v.name);
            let in_args = words.iter().find(|w| w.value.contains(&reference));
            if let Some(sk) = &v.secret_key {
                if named || in_args.is_some() {
                    server.password_secrets.push(sk.clone());
                    // Named for the server: what a Bitnami-style image
                    // reads; the official images read no variable.
                    let read_by_image = (norm.starts_with("redis") || norm.starts_with("valkey"))
                        && (crate::configured_from_env(image) || compose::runs_a_script(&words));
                    if in_args.is_some() || read_by_image {
                        server.requires_auth = true;
                        // The argument that passes it, else the variable.
                        server.auth_origin.get_or_insert_with(|| {
                            in_args.map_or(v.entry.clone(), |w| w.origin.clone())
                        });
                    }
                }
            }
        }
        Some(server)
    }

    /// Words of `command` and `args`, `$(VAR)` expanded and shell-split.
    fn command_words(
        &self,
        o: &Obj<'a>,
        container: &Node,
        known: &HashMap<&str, &str>,
    ) -> Vec<At<String>> {
        // A patch's copy of a container its object has reads no variables
        // of its own ([`Ctx::env_of`]): its `$(VAR)` are the merged ones.
        let merged = self.patched_env(o, container);
        let merged_known: HashMap<&str, &str>;
        let known = if merged.is_empty() {
            known
        } else {
            merged_known = known_values(&merged);
            &merged_known
        };
        let mut items = Vec::new();
        let patches = self.patches_of(o, container);
        for field in ["command", "args"] {
            let replaced = patches.iter().any(|p| match field {
                "command" => p.command,
                _ => p.args,
            });
            if replaced {
                continue;
            }
            for item in container.get(field).map(Node::as_seq).unwrap_or_default() {
                if let Some(text) = item.as_str() {
                    items.push(At {
                        value: expand(text, known, self.service_links(o)),
                        origin: o.origin(item),
                    });
                }
            }
        }
        compose::words(&items)
    }

    /// For a patch's copy of a container its object has, whose `command` or
    /// `args` say `$(VAR)`: the merged container's environment.
    fn patched_env(&self, o: &Obj<'a>, container: &Node) -> Vec<EnvVar> {
        if !o.patch || !expands_vars(container) {
            return Vec::new();
        }
        let base = container
            .str_at(&["name"])
            .and_then(|name| Some((self.patched_object(o)?, self.patched_container(o, name)?)));
        match base {
            Some((base, base_container)) => self.env_of(base, base_container),
            None => Vec::new(),
        }
    }

    /// Files of configMap, secret and projected volumes a container mounts.
    fn mounted_files(
        &self,
        o: &Obj<'a>,
        spec: &'a Node<'a>,
        container: &Node,
    ) -> Vec<MountedFile<'a>> {
        let volumes: HashMap<&str, &Node> = spec
            .get("volumes")
            .map(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .filter_map(|v| Some((v.str_at(&["name"])?, v)))
            .collect();
        let mut files = Vec::new();
        for mount in container
            .get("volumeMounts")
            .map(Node::as_seq)
            .unwrap_or_default()
        {
            let (Some(vol_name), Some(mount_path)) =
                (mount.str_at(&["name"]), mount.str_at(&["mountPath"]))
            else {
                continue;
            };
            let sub_path = mount.str_at(&["subPath"]);
            let Some(volume) = volumes.get(vol_name) else {
                continue;
            };
            let mut sources: Vec<(&str, &str, Option<&Node>)> = Vec::new();
            if let Some(cm) = volume.get("configMap") {
                if let Some(name) = cm.str_at(&["name"]) {
                    sources.push(("configMap", name, cm.get("items")));
                }
            }
            if let Some(s) = volume.get("secret") {
                if let Some(name) = s.str_at(&["secretName"]) {
                    sources.push(("secret", name, s.get("items")));
                }
            }
            for src in volume
                .at(&["projected", "sources"])
                .map(Node::as_seq)
                .unwrap_or_default()
            {
                if let Some(cm) = src.get("configMap") {
                    if let Some(name) = cm.str_at(&["name"]) {
                        sources.push(("configMap", name, cm.get("items")));
                    }
                }
                if let Some(s) = src.get("secret") {
                    if let Some(name) = s.str_at(&["name"]) {
                        sources.push(("secret", name, s.get("items")));
                    }
                }
            }
            for (kind, name, items) in sources {
                let found = if kind == "secret" {
                    self.index.secrets.get(&(o.ns, name))
                } else {
                    self.index.config_maps.get(&(o.ns, name))
                };
                let Some((_, data)) = found else { continue };
                // key → file path under the mount
                let mut keys: Vec<(&str, String)> = match items {
                    Some(items) => items
                        .as_seq()
                        .iter()
                        .filter_map(|i| {
                            Some((i.str_at(&["key"])?, i.str_at(&["path"])?.to_string()))
                        })
                        .collect(),
                    None => data.keys().map(|k| (*k, k.to_string())).collect(),
                };
                if let Some(sub) = sub_path {
                    keys.retain(|(_, p)| p == sub);
                }
                for (key, rel) in keys {
                    let Some(entry) = data.get(key) else { continue };
                    let path = match sub_path {
                        Some(_) => mount_path.to_string(),
                        None => format!("{}/{rel}", mount_path.trim_end_matches('/')),
                    };
                    files.push(MountedFile {
                        mount_path: path,
                        key: key.to_string(),
                        text: entry.value.clone(),
                        node: entry.node,
                        source: format!("{kind} {}/{name}", o.ns),
                        src_path: entry.path,
                        secret: kind == "secret",
                    });
                }
            }
        }
        files
    }

    /// References and hints of every container of a workload; `server` is
    /// the Redis one of its containers runs, if any.
    fn references(
        &self,
        o: &Obj<'a>,
        id: &ConsumerId,
        server: Option<&RedisServer>,
        out: &mut Scanned,
    ) {
        let Some((spec, _)) = pod_template(o) else {
            return;
        };
        let workload_is_server = server.is_some();
        let scope = Scope::Namespace(o.ns.to_string());
        // The container that runs the pod's Redis, found once (not again
        // for each container's loopback).
        let server_container = self.server_container(o).map(|(c, _)| c);
        // The file the pod's Redis serves its Unix socket at, in a volume
        // of the pod, worked out once.
        let server_socket = server.map(|srv| {
            let path = srv.unixsocket.as_deref();
            let file = path.and_then(|u| volume_file(server_container?, u));
            (path, file)
        });
        let containers = spec
            .get("initContainers")
            .map(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .chain(spec.get("containers").map(Node::as_seq).unwrap_or_default());
        for container in containers {
            // Sidecars of a Redis pod (exporters) share its password: no hints.
            let is_server = workload_is_server
                || container
                    .str_at(&["image"])
                    .is_some_and(crate::is_redis_image)
                || starts_a_server(container);
            let vars = self.env_of(o, container);
            // An envFrom source whose keys are unknown, beside a variable
            // that names Redis: if nothing locates that Redis, the address
            // is likely in the source (said below, not lost).
            let unknown_source = vars
                .iter()
                .find(|v| v.name.ends_with('*') && v.value.is_none() && !v.unreadable)
                .map(|v| (v.via.clone(), v.origin.clone()));
            // An address or a credential that says Redis: not a flag or a
            // prefix (`REDIS_ENABLED: "false"`, `REDIS_KEY_PREFIX`).
            let redis_named = vars
                .iter()
                .filter(|v| !v.name.ends_with('*') && settings::says_redis(&v.name))
                .find(|v| {
                    let norm = settings::normalize_key(&v.name);
                    let last = norm.rsplit('.').next().unwrap_or("");
                    is_address_name(&v.name)
                        || matches!(
                            last,
                            "password" | "pass" | "passwd" | "auth" | "user" | "username"
                        )
                })
                .map(|v| v.name.clone());
            let container_start = out.facts.len();
            let diagnostics_start = out.diagnostics.len();
            // `$(VAR)` in command and args sees the environment; most have none.
            let uses_vars = expands_vars(container);
            let known = if uses_vars {
                known_values(&vars)
            } else {
                HashMap::default()
            };
            let words = self.command_words(o, container, &known);
            drop(known);
            // What `localhost` is to this container: the pod's network, so
            // the Redis a container beside it runs, if one does.
            let loopback = if self.part_of_the_redis(o, server_container, container, &words) {
                Loopback::PartOfTheRedis
            } else {
                match server {
                    Some(server) => Loopback::Pod {
                        workload: id,
                        container: container.str_at(&["name"]).unwrap_or("?"),
                        ports: [server.port, server.tls_port],
                    },
                    None => Loopback::Nothing { obj: o },
                }
            };
            // A flag takes the strength of the variables whose values it
            // holds: `--url=redis://$(HOST):6379` with HOST from a ConfigMap
            // is indirect; a `--log-level=$(LEVEL)` beside it changes
            // nothing. (A variable left as written, its value unknown, adds
            // nothing.)
            // The references are read as for env values (`var_refs`): an
            // escaped `$$(H)` is left as written, and one in a URL's
            // password is the credential's, not the address's.
            let expanded: Vec<(String, Strength, String)> = if uses_vars {
                ["command", "args"]
                    .iter()
                    .flat_map(|field| container.get(field).map(Node::as_seq).unwrap_or_default())
                    .filter_map(Node::as_str)
                    .flat_map(var_refs)
                    .filter_map(|name| vars.iter().rev().find(|v| v.name == name))
                    .filter(|v| v.strength != Strength::Explicit)
                    .filter_map(|v| {
                        let value = v.value.clone().filter(|x| !x.is_empty())?;
                        Some((value, v.strength, v.via.clone()))
                    })
                    .collect()
            } else {
                Vec::new()
            };
            // A Secret outside the scan that feeds this container's env.
            let opaque = vars
                .iter()
                .find_map(|v| Some((v.opaque.clone()?, v.origin.clone())));
            let mut kvs: Vec<KeyValue> = Vec::with_capacity(vars.len());
            // Variables set from what could not be read: set, value unknown.
            let unread: Vec<String> = vars
                .iter()
                .filter(|v| v.value.is_none())
                .map(|v| v.name.clone())
                .collect();
            // Variables a mode setting switches off (`frameworks::MODES`)
            // are no sign of use either.
            let off = frameworks::switched_off(
                vars.iter()
                    .filter_map(|v| Some((v.name.as_str(), v.value.as_deref()?))),
            );
            for v in vars {
                if let Some((secret, key)) = &v.secret_key {
                    if !is_server
                        && !frameworks::is_switched_off(&v.name, &off)
                        && self.server_secrets.contains(&(
                            o.ns.to_string(),
                            secret.clone(),
                            key.clone(),
                        ))
                    {
                        out.facts.push(Fact::Hint(Hint {
                            consumer: id.clone(),
                            target: HintTarget::SecretKey {
                                namespace: o.ns.to_string(),
                                secret: secret.clone(),
                                key: key.clone(),
                            },
                            evidence: Evidence::new(
                                Strength::Inferred,
                                v.origin.clone(),
                                format!(
                                    "{}: the Secret key a Redis server reads its password from",
                                    v.via
                                ),
                            ),
                        }));
                    }
                }
                match v.value {
                    Some(value) => kvs.push(KeyValue {
                        key: v.name,
                        value,
                        origin: v.origin,
                        strength: v.strength,
                        via: v.via,
                    }),
                    None => {
                        // A password from a Secret that is not among the
                        // objects: its value is unknown, where it lives is not.
                        let last = settings::normalize_key(&v.name);
                        let last = last.rsplit('.').next().unwrap_or("");
                        if v.secret_key.is_some()
                            && matches!(last, "password" | "pass" | "passwd" | "auth")
                        {
                            kvs.push(KeyValue {
                                key: v.name.clone(),
                                value: "(unread)".into(),
                                origin: v.origin.clone(),
                                strength: v.strength,
                                via: v.via.clone(),
                            });
                        }
                        let named = settings::says_redis(&v.name) && is_address_name(&v.name);
                        if !is_server && (named || v.unreadable && compose::is_address_key(&v.name))
                        {
                            out.facts.push(Fact::Hint(Hint {
                                consumer: id.clone(),
                                target: HintTarget::AnyInScope(scope.clone()),
                                evidence: Evidence::new(
                                    Strength::Inferred,
                                    v.origin.clone(),
                                    format!(
                                        "{}: a Redis setting whose value could not be read",
                                        v.via
                                    ),
                                ),
                            }));
                        }
                    }
                }
            }
            // The container's variables with a value, for mounted files
            // that read one with a fallback.
            let env_count = kvs.len();
            // Flags come from the words as a whole, not one by one.
            kvs.extend(
                compose::flag_settings(&words, "args", Strength::Explicit)
                    .into_iter()
                    .map(|mut kv| {
                        for (value, strength, via) in &expanded {
                            if kv.value.contains(value.as_str()) {
                                kv.strength = kv.strength.max(*strength);
                                kv.via.push_str(&format!(" (with {via})"));
                            }
                        }
                        kv
                    }),
            );
            // An exec probe runs in the container, on every period: a
            // `redis-cli -h cache ping` readiness check is a client of that
            // Redis (TLS or a password makes the pod unready). Kubernetes
            // expands no `$(VAR)` there; each probe is a command of its own.
            for probe in ["startupProbe", "readinessProbe", "livenessProbe"] {
                let Some(command) = container.at(&[probe, "exec", "command"]) else {
                    continue;
                };
                let items: Vec<At<String>> = command
                    .as_seq()
                    .iter()
                    .filter_map(|item| {
                        Some(At {
                            value: item.as_str()?.to_string(),
                            origin: o.origin(item),
                        })
                    })
                    .collect();
                kvs.extend(compose::flag_settings(
                    &compose::words(&items),
                    &format!("{probe} exec"),
                    Strength::Explicit,
                ));
            }
            let flags_end = kvs.len();
            // Settings inside a setting: `JAVA_OPTS` flags, JSON.
            let embedded: Vec<KeyValue> = kvs.iter().flat_map(compose::embedded_settings).collect();
            kvs.extend(embedded);
            let mut before = out.facts.len();
            // What a Unix socket path is to it: a file of its pod.
            let local = Local {
                sockets: SocketView {
                    part_of_the_redis: matches!(loopback, Loopback::PartOfTheRedis),
                    workload: id,
                    obj: o,
                    container,
                    server: server_socket.as_ref(),
                },
                loopback,
            };
            self.push_found(id, &scope, &kvs, Reading::Settings, &local, out);
            let located = out.facts[container_start..]
                .iter()
                .any(|f| matches!(f, Fact::Reference(_) | Fact::Hint(_)));
            if let (false, false, Some((via, origin)), Some(named)) =
                (located, is_server, &unknown_source, &redis_named)
            {
                out.facts.push(Fact::Hint(Hint {
                    consumer: id.clone(),
                    target: HintTarget::AnyInScope(scope.clone()),
                    evidence: Evidence::new(
                        Strength::Inferred,
                        origin.clone(),
                        format!("{named} speaks of a Redis whose address is nowhere in sight; {via} may hold it"),
                    ),
                }));
            }
            // A container running another datastore's server (a Postgres
            // given the namespace's shared ConfigMap by `envFrom`) reads no
            // Redis settings: its environment is no use of Redis, as for a
            // compose service. Its args and mounted files are written for it
            // alone and stay evidence. The image is looked at only when
            // something was found: most containers find nothing.
            // (All this container's settings gave so far are references
            // and hints.)
            let found = out.facts.len() > container_start;
            if let Some(image) = found
                .then(|| self.container_image(o, container))
                .flatten()
                .filter(|i| crate::is_other_datastore_image(i))
            {
                before = container_start;
                let taken: Vec<Fact> = out.facts.drain(container_start..).collect();
                out.diagnostics.truncate(diagnostics_start);
                let with_embedded = |part: &[KeyValue]| -> Vec<KeyValue> {
                    let embedded = part.iter().flat_map(compose::embedded_settings);
                    part.iter().cloned().chain(embedded).collect()
                };
                // What the environment alone gave: the note's place is the
                // first reference it made, else the first hint.
                let env_kvs = with_embedded(&kvs[..env_count]);
                let mut env = Scanned::default();
                self.push_found(id, &scope, &env_kvs, Reading::Settings, &local, &mut env);
                let first = env
                    .facts
                    .iter()
                    .find_map(|f| match f {
                        Fact::Reference(r) => Some(&r.evidence),
                        _ => None,
                    })
                    .or_else(|| {
                        taken.iter().find_map(|f| match f {
                            Fact::Hint(h) => Some(&h.evidence),
                            _ => None,
                        })
                    });
                // A value the scan cannot decode is said whoever holds it.
                out.diagnostics
                    .extend(settings::unreadable_warnings(&env_kvs));
                if let Some(first) = first {
                    let who = format!(
                        "container {} of {}",
                        container.str_at(&["name"]).unwrap_or("?"),
                        o.label()
                    );
                    out.diagnostics
                        .push(crate::not_a_consumer(&who, image, first));
                }
                let args = with_embedded(&kvs[env_count..flags_end]);
                self.push_found(id, &scope, &args, Reading::Settings, &local, out);
            }
            // A Secret outside the scan feeds this container's env: its
            // references may authenticate from it (said as such, not as fact).
            if let Some((opaque, origin)) = &opaque {
                for f in &mut out.facts[before..] {
                    if let Fact::Reference(r) = f {
                        if r.credential.is_none() && !r.endpoint.has_password {
                            r.credential = Some(Credential {
                                location: format!("{opaque} may hold it"),
                                origin: origin.clone(),
                                suspected: true,
                            });
                        }
                    }
                }
            }

            let files_start = out.facts.len();
            for file in self.mounted_files(o, spec, container) {
                let Some(text) = &file.text else { continue };
                // A mounted `MIGRATION.md` that mentions a Redis URL in its
                // prose: a document, not settings (docs/scanners.md).
                if frameworks::is_document(&file.mount_path) {
                    continue;
                }
                let mut read = config::read_settings(&file.mount_path, text);
                // The first of the file's variables that the container sets
                // (each set once: the last definition stands).
                let profiles = config::profile_variables(&file.mount_path)
                    .iter()
                    .find_map(|var| kvs[..env_count].iter().rev().find(|v| v.key == *var));
                let apart = config::with_profiles(
                    &mut read.settings,
                    profiles
                        .map(|v| v.value.as_str())
                        .or_else(|| config::default_profile(&file.mount_path)),
                );
                for err in &read.errors {
                    out.diagnostics.push(
                        Diagnostic::warning(
                            "mounted-file-parse",
                            format!(
                                "{} key {} (mounted at {} by {}): {}",
                                file.source,
                                file.key,
                                file.mount_path,
                                o.label(),
                                err.message
                            ),
                        )
                        .at(
                            file.src_path,
                            Some(file.node.line_of(err.line.saturating_sub(1) as usize)),
                            None,
                        ),
                    );
                }
                let src_path: std::sync::Arc<str> = file.src_path.into();
                let file_kvs: Vec<KeyValue> = read
                    .settings
                    .iter()
                    .filter_map(|s| {
                        // A file of no known format gives its URLs with no key.
                        let via = if s.key.is_empty() {
                            format!(
                                "file {} <- {} key {}",
                                file.mount_path, file.source, file.key
                            )
                        } else {
                            format!(
                                "file {} key {} <- {} key {}",
                                file.mount_path, s.key, file.source, file.key
                            )
                        };
                        let origin = Origin::file(
                            src_path.clone(),
                            if file.secret {
                                file.node.line
                            } else {
                                file.node.line_of(s.line.saturating_sub(1) as usize)
                            },
                        );
                        let plain = |value: String, strength, via| KeyValue {
                            key: s.key.clone(),
                            value,
                            origin: origin.clone(),
                            strength,
                            via,
                        };
                        // `os.environ.get("REDIS_URL", "redis://…")`: the
                        // container's variable when it sets one, else the
                        // fallback, weakly.
                        let Some(d) = &s.default_of else {
                            return Some(plain(s.value.clone(), Strength::Indirect, via));
                        };
                        // (A password from a Secret that could not be read
                        // is there as `(unread)`: where it lives is known.)
                        let set = kvs[..env_count].iter().rev().find(|v| v.key == d.var);
                        match set {
                            // The variable is the whole value: its place is
                            // the evidence; part of it: the file's line stays.
                            Some(v) if d.fallback == s.value.trim() => Some(KeyValue {
                                key: s.key.clone(),
                                value: d.with_value(&s.value, &v.value),
                                origin: v.origin.clone(),
                                strength: v.strength.max(Strength::Indirect),
                                via: format!("{via} from {}", v.via),
                            }),
                            Some(v) => Some(plain(
                                d.with_value(&s.value, &v.value),
                                Strength::Indirect,
                                format!("{via} with {} from {}", d.var, v.via),
                            )),
                            // Set from what could not be read: not the fallback.
                            None if unread.contains(&d.var) => None,
                            // node-config: an unset variable sets no key.
                            None if d.only_when_set => None,
                            None => Some(plain(
                                s.value.clone(),
                                Strength::Inferred,
                                format!(
                                    "{via} (default of {}, which the container does not set)",
                                    d.var
                                ),
                            )),
                        }
                    })
                    // A Spring profile document whose activation is not
                    // known: only under its profile.
                    .map(|mut kv| {
                        if let Some(doc) = config::ConditionalDocument::of(&apart, &kv.key) {
                            kv.strength = Strength::Inferred;
                            kv.via = doc.only(&kv.via);
                        }
                        kv
                    })
                    .collect();
                let reading = frameworks::config_file(&file.mount_path)
                    .map(|c| c.reading)
                    .unwrap_or(Reading::Settings);
                self.push_found(id, &scope, &file_kvs, reading, &local, out);
            }
            drop_variables_files_read(&mut out.facts, container_start, files_start);
        }
    }

    fn push_found(
        &self,
        id: &ConsumerId,
        scope: &Scope,
        kvs: &[KeyValue],
        reading: Reading,
        local: &Local<'_, '_>,
        out: &mut Scanned,
    ) {
        let Local { loopback, sockets } = local;
        // Settings that can play no part are left out first: a shared
        // `envFrom` ConfigMap of hundreds of keys cost every container all
        // of them (`frameworks::inert`).
        let relevant: Vec<KeyValue>;
        let keep: Vec<bool> = if reading == Reading::Settings {
            kvs.iter()
                .map(|kv| !frameworks::inert(&kv.key, &kv.value))
                .collect()
        } else {
            Vec::new()
        };
        let kvs = if keep.contains(&false) {
            relevant = kvs
                .iter()
                .zip(&keep)
                .filter(|(_, keep)| **keep)
                .map(|(kv, _)| kv.clone())
                .collect();
            &relevant[..]
        } else {
            kvs
        };
        out.diagnostics.extend(settings::unreadable_warnings(kvs));
        for f in frameworks::find_endpoints(reading, kvs) {
            if f.endpoint.is_socket() {
                sockets.found(scope, f, out);
                continue;
            }
            let host = f.endpoint.host.to_ascii_lowercase();
            if is_loopback(&host) {
                loopback.found(id, scope, f, out);
                continue;
            }
            if matches!(host.as_str(), "0.0.0.0" | "") || settings::is_unexpanded(&host) {
                continue;
            }
            let Scope::Namespace(ns) = scope else {
                continue;
            };
            // A Service of a Redis's pods that leads only to their other
            // containers (the exporter's metrics port): whatever its name
            // says, no way to the Redis.
            if !self.side_services.is_empty()
                && names_one_of(&self.side_services, &host, ns)
                && !self.known_host(&host, ns)
            {
                out.diagnostics.push(
                    Diagnostic::info(
                        "not-a-redis",
                        format!(
                            "{} names {host}, a Service of a Redis's pods whose ports lead only to their other containers (a metrics exporter's): not read as a Redis",
                            f.evidence.detail,
                        ),
                    )
                    .at_origin(&f.evidence.origin),
                );
                continue;
            }
            let known = self.known_host(&host, ns)
                || f.host_says_redis()
                || is_managed_redis_host(&host)
                || matches!(f.endpoint.port, Some(6379 | 6380 | 26379));
            if !(f.says_redis || known) {
                continue;
            }
            // A Redis-named setting pointing at a Service of the scan that
            // runs no Redis, on a port that is not Redis's
            // (`REDIS_HOST=postgres.data`, `REDIS_PORT=5432`): no Redis.
            if !known && f.endpoint.port.is_some() && self.names_other_service(&host, ns) {
                out.diagnostics.push(
                    Diagnostic::info(
                        "not-a-redis",
                        format!(
                            "{} names {}, a Service that runs no Redis, on port {}: not read as a Redis",
                            f.evidence.detail,
                            host,
                            f.endpoint
                                .port
                                .map_or_else(|| "(none written)".to_string(), |p| p.to_string())
                        ),
                    )
                    .at_origin(&f.evidence.origin),
                );
                continue;
            }
            // kustomize renames the Service, not the host names written in
            // values: as deployed, the name is the old one.
            if let Some(renames) = (!self.renamed_services.is_empty())
                .then(|| service_named(&host, ns))
                .flatten()
                .filter(|_| !self.known_host(&host, ns))
                .and_then(|q| self.renamed_services.get(&q))
            {
                let new: Vec<String> = renames.iter().map(|(n, _)| format!("`{n}`")).collect();
                let by: BTreeSet<&str> = renames.iter().map(|(_, r)| r.by.as_str()).collect();
                let (from, new, by) = (
                    &renames[0].1.from,
                    new.join(", "),
                    by.into_iter().collect::<Vec<_>>().join(", "),
                );
                out.diagnostics.push(
                    Diagnostic::warning(
                        "kustomize-renamed",
                        format!(
                            "{}: the Service written `{from}` is deployed as {new} in namespace {ns} (namePrefix/nameSuffix of {by}), and kustomize does not rewrite host names in values: as deployed, `{host}` names no Service there; write {new} (or set the host in the overlay)",
                            f.evidence.detail,
                        ),
                    )
                    .at_origin(&f.evidence.origin),
                );
            }
            out.facts
                .push(Fact::Reference(f.into_reference(id, scope, None)));
        }
    }
}

/// What `localhost` (`127.0.0.1`, `::1`) is to one container: its pod's
/// network, shared by every container of the pod and by no other pod.
enum Loopback<'c, 'n> {
    /// A container beside it runs a Redis: that one, the pod's own.
    Pod {
        workload: &'c ConsumerId,
        container: &'c str,
        /// The Redis's plain and TLS ports.
        ports: [Option<u16>; 2],
    },
    /// It is part of the Redis: the server, a Sentinel beside it, a
    /// metrics exporter watching it.
    PartOfTheRedis,
    /// No container of the pod runs a Redis: something the scan does not
    /// see answers there (a Redis inside the same container, a proxy
    /// sidecar, the node with `hostNetwork`), said and not linked. The
    /// workload is named only when a note is said (most containers name
    /// no loopback address: no label made for each).
    Nothing { obj: &'c Obj<'n> },
}

impl Loopback<'_, '_> {
    /// A loopback address found in a container's settings: a reference to
    /// the pod's own Redis, or a note.
    fn found(&self, id: &ConsumerId, scope: &Scope, mut f: settings::Found, out: &mut Scanned) {
        match self {
            Loopback::PartOfTheRedis => {}
            Loopback::Pod {
                workload,
                container,
                ports,
            } => {
                let serves = f.endpoint.port.is_some_and(|p| ports.contains(&Some(p)));
                if !(f.says_redis || serves || matches!(f.endpoint.port, Some(6379 | 6380))) {
                    return;
                }
                f.evidence.detail = format!(
                    "{} (container {container}, to the Redis in its own pod)",
                    f.evidence.detail
                );
                out.facts.push(Fact::Reference(f.into_reference(
                    id,
                    scope,
                    Some(Box::new((*workload).clone())),
                )));
            }
            Loopback::Nothing { obj } => {
                if !(f.says_redis || matches!(f.endpoint.port, Some(6379 | 6380 | 26379))) {
                    return;
                }
                let label = obj.label();
                // A Redis proxy beside it (an Envoy redis_proxy, twemproxy):
                // the pod's link is the proxy's own config.
                let proxy = obj.pod.and_then(|(spec, _)| {
                    running_containers(spec).find_map(|c| {
                        let proxy = crate::proxy_of_image(c.str_at(&["image"])?)?;
                        Some((c.str_at(&["name"]).unwrap_or("?"), proxy))
                    })
                });
                let message = match proxy {
                    Some((container, proxy)) => format!(
                        "{} names {}, the pod's own network, where its container {container} runs {proxy}, a Redis proxy: this setting is linked to none, and {label} is a consumer of the Redis the proxy's own config reaches (if the scan has that config)",
                        f.evidence.detail,
                        f.endpoint.address()
                    ),
                    None => format!(
                        "{} names {}, the pod's own network, and no container of {label} runs a Redis: linked to none (a Redis inside the same container, a proxy sidecar or, with hostNetwork, the node may answer there)",
                        f.evidence.detail,
                        f.endpoint.address()
                    ),
                };
                out.diagnostics.push(
                    Diagnostic::info("loopback-unlinked", message).at_origin(&f.evidence.origin),
                );
            }
        }
    }
}

/// The file a path inside a container is, when a volume of its pod holds
/// it: (`<volume>/<subPath>/<rest>`, the volume's name).
fn volume_file(container: &Node, path: &str) -> Option<(String, String)> {
    container
        .get("volumeMounts")
        .map(Node::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(|m| {
            let name = m.str_at(&["name"])?;
            let dir = m.str_at(&["mountPath"])?.trim_end_matches('/');
            let rest = path.strip_prefix(dir)?;
            if !(rest.is_empty() || rest.starts_with('/')) {
                return None;
            }
            let sub = m.str_at(&["subPath"]).unwrap_or("").trim_matches('/');
            let key = match sub {
                "" => format!("{name}{rest}"),
                sub => format!("{name}/{sub}{rest}"),
            };
            Some((dir.len(), key, name))
        })
        .max_by_key(|(len, _, _)| *len)
        .map(|(_, key, name)| (key, name.to_string()))
}

/// What the container's own addresses name: `localhost` and Unix sockets.
struct Local<'c, 'n> {
    loopback: Loopback<'c, 'n>,
    sockets: SocketView<'c, 'n>,
}

/// The pod's Redis as a socket's server: its `unixsocket`, and the file
/// that is in a volume of the pod ([`volume_file`]).
type ServerSocket<'c> = (Option<&'c str>, Option<(String, String)>);

/// What a Unix socket path is to one container: a file, shared with the
/// Redis of its pod only through a volume both containers mount there. A
/// socket never leaves the pod (or the node, for a hostPath: not read as
/// one Redis).
struct SocketView<'c, 'n> {
    /// The container is part of the Redis: its socket is the Redis's own.
    part_of_the_redis: bool,
    workload: &'c ConsumerId,
    /// The workload, named in warnings only (a label is made when one is
    /// said, not for every container).
    obj: &'c Obj<'n>,
    container: &'c Node<'n>,
    /// The pod's Redis, when it runs one: its socket path and the file
    /// that is in a volume ([`volume_file`]).
    server: Option<&'c ServerSocket<'c>>,
}

impl SocketView<'_, '_> {
    /// A socket found in the container's settings: a reference to the
    /// pod's Redis when it serves that very file, else a warning.
    fn found(&self, scope: &Scope, mut f: settings::Found, out: &mut Scanned) {
        if self.part_of_the_redis {
            return;
        }
        let path = f.endpoint.host.clone();
        let folder = path.rsplit_once('/').map_or("/", |(d, _)| d);
        let container = self.container.str_at(&["name"]).unwrap_or("?");
        let label = self.obj.label();
        let why = match (volume_file(self.container, &path), self.server) {
            (None, _) => format!(
                "container {container} mounts no volume at {folder}: the socket is a file of its own container, where no Redis of {} runs (a Redis inside that container may)",
                label
            ),
            (Some(_), None) => format!(
                "no container of {} runs a Redis (a socket is a file no other pod can reach)",
                label
            ),
            (Some((_, volume)), Some((None, _))) => format!(
                "the Redis of {} serves no socket the scan sees (no `--unixsocket` or `unixsocket` in a redis.conf it mounts) in volume {volume}",
                label
            ),
            (Some((file, volume)), Some((Some(_), Some((theirs, _))))) if *theirs == file => {
                f.evidence.detail = format!(
                    "{} (container {container}, the socket in volume {volume}, served there by the Redis in its own pod)",
                    f.evidence.detail
                );
                out.facts.push(Fact::Reference(f.into_reference(
                    self.workload,
                    scope,
                    Some(Box::new(self.workload.clone())),
                )));
                return;
            }
            (Some(_), Some((Some(theirs), _))) => format!(
                "the Redis of {} serves its socket at {theirs}, another file (not in a volume container {container} mounts there)",
                label
            ),
        };
        out.diagnostics.push(
            Diagnostic::warning(
                "socket-unlinked",
                format!(
                    "{} names the Unix socket {path}, and {why}: linked to no Redis; mount the socket's folder from a volume the Redis container mounts too (an emptyDir) and set its `unixsocket` there, or name the Redis by host and port",
                    f.evidence.detail
                ),
            )
            .at_origin(&f.evidence.origin),
        );
    }
}

/// A variable a mounted config file reads (`os.environ.get("REDIS_URL",
/// …)`) is that file's reading, cited at the variable's line: the
/// container's references before `files_start` (from `from` on) that the
/// file's references repeat (same line, host and port) are dropped, as the
/// variable read on its own says less (Celery's `broker_use_ssl` makes the
/// file's URL TLS, not the variable's).
fn drop_variables_files_read(facts: &mut Vec<Fact>, from: usize, files_start: usize) {
    if facts.len() <= files_start {
        return;
    }
    let key = |f: &Fact| match f {
        Fact::Reference(r) => Some((
            r.evidence.origin.clone(),
            r.endpoint.host.clone(),
            r.endpoint.port,
        )),
        _ => None,
    };
    let read: Vec<_> = facts[files_start..].iter().filter_map(key).collect();
    if read.is_empty() {
        return;
    }
    // The variable's own strength stays (a literal in the container's env
    // is explicit, whoever reads it).
    let mut strongest: Vec<(usize, Strength)> = Vec::new();
    for f in &facts[from..files_start] {
        let (Some(k), Fact::Reference(r)) = (key(f), f) else {
            continue;
        };
        if let Some(n) = read.iter().position(|x| *x == k) {
            strongest.push((n, r.evidence.strength));
        }
    }
    for (n, strength) in strongest {
        if let Some(Fact::Reference(r)) = nth_reference(facts, files_start, n) {
            r.evidence.strength = r.evidence.strength.min(strength);
        }
    }
    let mut at = 0;
    facts.retain(|f| {
        at += 1;
        at <= from || at > files_start || key(f).is_none_or(|k| !read.contains(&k))
    });
}

/// The `n`th reference from `start` on.
fn nth_reference(facts: &mut [Fact], start: usize, n: usize) -> Option<&mut Fact> {
    facts[start..]
        .iter_mut()
        .filter(|f| matches!(f, Fact::Reference(_)))
        .nth(n)
}

/// The variables with a known value, for `$(VAR)`.
fn known_values<'v>(vars: impl IntoIterator<Item = &'v EnvVar>) -> HashMap<&'v str, &'v str> {
    vars.into_iter()
        .filter_map(|v| Some((v.name.as_str(), v.value.as_deref()?)))
        .collect()
}

/// Whether a container's `command` or `args` say `$(VAR)` (most say none).
/// The names of the `$(VAR)` references of a value (not `$$(VAR)`, which
/// Kubernetes leaves as written).
/// One in a URL's user information (`redis://:$(PASSWORD)@cache:6379`) is
/// the credential's, not the address's, and is left out.
fn var_refs(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find("$(").map(|i| from + i) {
        let escaped = text[..at].ends_with('$');
        let Some(end) = text[at + 2..].find(')').map(|i| at + 2 + i) else {
            break;
        };
        if !escaped && !in_userinfo(text, at) {
            out.push(&text[at + 2..end]);
        }
        from = end + 1;
    }
    out
}

/// Whether byte `at` of `text` is in the user information of a URL
/// (between `scheme://` and the `@` before its host).
fn in_userinfo(text: &str, at: usize) -> bool {
    let Some(start) = text[..at].rfind("://").map(|i| i + 3) else {
        return false;
    };
    let authority = &text[start..];
    let authority = &authority[..authority.find('/').unwrap_or(authority.len())];
    authority.rfind('@').is_some_and(|i| start + i > at)
}

fn expands_vars(container: &Node) -> bool {
    ["command", "args"].iter().any(|field| {
        container
            .get(field)
            .map(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .any(|item| item.as_str().is_some_and(|t| t.contains("$(")))
    })
}

struct MountedFile<'a> {
    mount_path: String,
    key: String,
    text: Option<String>,
    node: &'a Node<'a>,
    /// `configMap ns/name` or `secret ns/name`.
    source: String,
    src_path: &'a str,
    secret: bool,
}

/// A Prometheus exporter's image (`oliver006/redis_exporter`,
/// `bitnami/redis-exporter`): beside a Redis, it is part of that Redis's
/// deployment (its metrics), not a consumer of it. On its own, reaching a
/// Redis over the network, it is one.
/// The image's own name must say both (`redis_exporter`,
/// `redis-exporter`, `valkey-exporter`): an application named for what it
/// exports (`ledger-exporter-job`, `csv-exporter`) beside a Redis sidecar
/// is that Redis's consumer.
pub(crate) fn is_exporter_image(image: &str) -> bool {
    let repo = crate::image_repo(image);
    let name = repo.rsplit('/').next().unwrap_or(&repo);
    name.contains("exporter")
        && ["redis", "valkey", "keydb"]
            .iter()
            .any(|r| name.contains(r))
}

/// `name.namespace`, the key of a Service in `Ctx::redis_names`.
/// Whether `host`, said in namespace `ns`, names one of `names`
/// (`name.namespace`): a Service's name ([`service_named`]), a headless
/// pod name (`pod.svc.ns…`), or one of the names as written (a ClusterIP).
fn names_one_of(names: &HashSet<String>, host: &str, ns: &str) -> bool {
    if names.contains(host) || service_named(host, ns).is_some_and(|q| names.contains(&q)) {
        return true;
    }
    let labels: Vec<&str> = host.split('.').collect();
    match labels.as_slice() {
        [_pod, name, svc_ns, ..] if *svc_ns != "svc" => names.contains(&qualified(name, svc_ns)),
        _ => false,
    }
}

/// `name.namespace` of the Service `host` names, said in namespace `ns`: a
/// short name, `svc.ns`, or `svc.ns.svc[.domain]`.
fn service_named(host: &str, ns: &str) -> Option<String> {
    let labels: Vec<&str> = host.split('.').collect();
    match labels.as_slice() {
        [name] => Some(qualified(name, ns)),
        [name, svc_ns] | [name, svc_ns, "svc", ..] => Some(qualified(name, svc_ns)),
        _ => None,
    }
}

fn qualified(name: &str, ns: &str) -> String {
    format!("{}.{}", name.to_ascii_lowercase(), ns.to_ascii_lowercase())
}

/// Managed Redis endpoints by their DNS suffix: ElastiCache / MemoryDB,
/// Azure Cache for Redis, Memorystore (by IP, so not here), Upstash.
pub(crate) fn is_managed_redis_host(host: &str) -> bool {
    [
        ".cache.amazonaws.com",
        ".memorydb.",
        ".redis.cache.windows.net",
        ".upstash.io",
        ".redislabs.com",
        ".redis-cloud.com",
    ]
    .iter()
    .any(|s| host.contains(s))
}

/// A setting name that holds an address (not a db number, a prefix, a
/// compression switch…), for hints about values that cannot be read.
fn is_address_name(name: &str) -> bool {
    const NOT_ADDRESSES: &[&str] = &[
        "db",
        "compression",
        "prefix",
        "timeout",
        "ttl",
        "pool",
        "max",
        "min",
        "retry",
        "retries",
        "expire",
        "namespace",
        "mode",
        "master",
        "size",
        "version",
        "ca",
        "cert",
        "key",
    ];
    let norm = settings::normalize_key(name);
    let last = norm.rsplit('.').next().unwrap_or("");
    compose::is_address_key(name) && !NOT_ADDRESSES.contains(&last) && !last.ends_with("db")
}

/// Expands `$(VAR)` as Kubernetes does: only variables defined before
/// (`known`), then the Service variables of the namespace (`services`);
/// `$$(VAR)` stays `$(VAR)`; unknown references stay as written.
fn expand(
    text: &str,
    known: &HashMap<&str, &str>,
    services: Option<&HashMap<String, String>>,
) -> String {
    if !text.contains("$(") {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(escaped) = after.strip_prefix("$(") {
            out.push_str("$(");
            rest = escaped;
            continue;
        }
        if let Some(body) = after.strip_prefix('(') {
            if let Some(end) = body.find(')') {
                let name = &body[..end];
                let service = || services.and_then(|m| m.get(name)).map(String::as_str);
                match known.get(name).copied().or_else(service) {
                    Some(v) => out.push_str(v),
                    None => {
                        out.push_str("$(");
                        out.push_str(name);
                        out.push(')');
                    }
                }
                rest = &body[end + 1..];
                continue;
            }
        }
        out.push('$');
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Hints from a NetworkPolicy: the workloads its ingress rules admit (by
/// pod selector) to the pods it selects.
fn network_policy_hints(
    o: &Obj<'_>,
    workloads_by_ns: &HashMap<&str, Vec<&(Obj<'_>, ConsumerId, bool)>>,
    out: &mut Scanned,
) {
    let target = o
        .root
        .at(&["spec", "podSelector", "matchLabels"])
        .map(Node::string_map)
        .unwrap_or_default();
    if target.is_empty() {
        return;
    }
    for rule in o
        .root
        .at(&["spec", "ingress"])
        .map(Node::as_seq)
        .unwrap_or_default()
    {
        for from in rule.get("from").map(Node::as_seq).unwrap_or_default() {
            let Some(selector) = from.get("podSelector") else {
                continue;
            };
            let labels = selector
                .get("matchLabels")
                .map(Node::string_map)
                .unwrap_or_default();
            let ns_selector = from.get("namespaceSelector");
            let ns = match ns_selector {
                None => Some(o.ns),
                Some(sel) => sel.str_at(&["matchLabels", "kubernetes.io/metadata.name"]),
            };
            if labels.is_empty() && ns_selector.is_none() {
                continue;
            }
            let mut seen = HashSet::default();
            let candidates: Vec<&(Obj<'_>, ConsumerId, bool)> = match ns {
                Some(ns) => workloads_by_ns.get(ns).cloned().unwrap_or_default(),
                // Every namespace, in the order the workloads came.
                None => {
                    let mut all: Vec<_> = workloads_by_ns.values().flatten().copied().collect();
                    all.sort_by_key(|w| *w as *const _ as usize);
                    all
                }
            };
            for (w, id, owner_present) in candidates {
                if *owner_present || !seen.insert(id.clone()) {
                    continue;
                }
                let pod = pod_labels(w);
                if !labels.is_empty()
                    && labels.iter().all(|(k, v)| pod.get(k) == Some(v))
                    && pod != target
                {
                    out.facts.push(Fact::Hint(Hint {
                        consumer: id.clone(),
                        target: HintTarget::PodSelector {
                            namespace: o.ns.to_string(),
                            labels: target.clone(),
                        },
                        evidence: Evidence::new(
                            Strength::Inferred,
                            o.origin(selector),
                            format!(
                                "NetworkPolicy {}/{} admits it to the pods it selects",
                                o.ns, o.name
                            ),
                        ),
                    }));
                }
            }
        }
    }
}

//! What the documentation says: Backstage `catalog-info.yaml` entities and
//! the inventory file `fallout.yaml`, merged into one [`Catalog`] that the
//! graph compares with what was found (documentation drift, owners,
//! aliases the scanners cannot see). Pure: the CLI reads the files.
//!
//! The inventory file is strict: an unknown key is an error naming the key,
//! the file and the line (its schema is docs/fallout.schema.json). Backstage
//! files are read leniently: only the fields fallout uses are looked at.

use crate::codeowners::{Codeowners, PathPattern};
use crate::yaml::{self, Node, Value};
use fallout_core::Origin;
use std::fmt;

/// Where an entry of the catalog came from: a Backstage file or the inventory file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Backstage,
    Inventory,
}

/// A resource the documentation declares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeclaredResource {
    /// Matched against resource ids, names and aliases.
    pub name: String,
    /// Names the scanners cannot see: DNS names, managed endpoints, IPs.
    pub aliases: Vec<String>,
    pub owner: Option<String>,
    pub source: Source,
    /// Backstage `spec.type` (`database`, `cache`, ...).
    pub kind: Option<String>,
    pub at: Origin,
}

impl DeclaredResource {
    /// Whether the declaration is about a Redis: an inventory-file entry
    /// always is; a Backstage Resource when its type or name says so. A
    /// Backstage catalog lists buckets and databases fallout never sees,
    /// so only these are worth a warning when nothing matches them.
    pub fn is_redis_like(&self) -> bool {
        if self.source == Source::Inventory {
            return true;
        }
        let words = ["redis", "valkey", "keydb", "dragonfly", "cache"];
        let name = self.name.to_ascii_lowercase();
        let kind = self.kind.as_deref().unwrap_or("").to_ascii_lowercase();
        words.iter().any(|w| name.contains(w) || kind.contains(w))
    }
}

/// "This consumer uses that resource", as documented.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentedUse {
    /// A resource name or alias.
    pub resource: String,
    /// A consumer id (`ns/Kind/name`, `file#service`), a bare name or a
    /// Backstage component name.
    pub consumer: String,
    pub source: Source,
    pub at: Origin,
}

/// A Backstage Component: ties a catalog name and owner to a workload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Component {
    pub name: String,
    /// `backstage.io/kubernetes-id` (annotation or label): the workload name.
    pub kubernetes_id: Option<String>,
    /// `backstage.io/kubernetes-namespace`: limits the match to one namespace.
    pub kubernetes_namespace: Option<String>,
    pub owner: Option<String>,
    pub at: Origin,
}

/// An owner the inventory file sets for a consumer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnerOverride {
    /// A consumer id or bare name.
    pub consumer: String,
    pub owner: String,
    pub at: Origin,
}

/// A path pattern of the inventory file's `ignore` list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IgnorePattern {
    pub pattern: PathPattern,
    pub at: Origin,
}

/// A CODEOWNERS file and where its paths start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeownersFile {
    /// The file, as shown to the user.
    pub path: String,
    /// The scanned root (as evidence paths spell it) this file applies to.
    pub root: String,
    /// The root's path relative to the repository the file belongs to
    /// (empty when the root is the repository).
    pub prefix: String,
    pub rules: Codeowners,
}

impl CodeownersFile {
    /// The owner of a file given as evidence shows it; `None` when the file
    /// is outside `root` or no rule names an owner.
    pub fn owner_of(&self, path: &str) -> Option<String> {
        let root = self.root.trim_end_matches('/');
        let rest = if root.is_empty() || root == "." {
            path.trim_start_matches("./")
        } else if path == root {
            ""
        } else {
            path.strip_prefix(root)?.strip_prefix('/')?
        };
        let prefix = self.prefix.trim_matches('/');
        let relative = match (prefix.is_empty(), rest.is_empty()) {
            (true, _) => rest.to_string(),
            (false, true) => prefix.to_string(),
            (false, false) => format!("{prefix}/{rest}"),
        };
        self.rules.owner_of(&relative)
    }
}

/// Everything the documentation says, merged over every file read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Catalog {
    /// The catalog and inventory files read (CODEOWNERS not included).
    pub files: Vec<String>,
    pub resources: Vec<DeclaredResource>,
    pub uses: Vec<DocumentedUse>,
    pub components: Vec<Component>,
    pub owners: Vec<OwnerOverride>,
    pub ignore: Vec<IgnorePattern>,
    pub codeowners: Vec<CodeownersFile>,
}

impl Catalog {
    pub fn merge(&mut self, other: Catalog) {
        self.files.extend(other.files);
        self.resources.extend(other.resources);
        self.uses.extend(other.uses);
        self.components.extend(other.components);
        self.owners.extend(other.owners);
        self.ignore.extend(other.ignore);
        self.codeowners.extend(other.codeowners);
    }

    /// Whether documentation was read, so a consumer it does not list is
    /// undocumented. CODEOWNERS alone documents owners, not uses.
    pub fn checks_documentation(&self) -> bool {
        !self.files.is_empty()
    }

    /// Whether `path` (relative to a scanned root) is in the `ignore` list.
    pub fn is_ignored(&self, path: &str) -> bool {
        self.ignore.iter().any(|p| p.pattern.matches(path))
    }
}

/// A catalog or inventory file that cannot be used. Every variant names the
/// file and line.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    /// Not valid YAML.
    #[error("{path}:{line}:{col}: not valid YAML: {message}")]
    Yaml {
        path: String,
        line: u32,
        col: u32,
        message: String,
    },
    /// A key the inventory file does not define (a typo would otherwise
    /// silently document nothing).
    #[error("{path}:{line}: unknown key `{key}` in {within}; valid keys: {valid}")]
    UnknownKey {
        path: String,
        line: u32,
        key: String,
        within: String,
        valid: String,
    },
    /// A value of the wrong shape, or a required key that is missing.
    #[error("{path}:{line}: {message}")]
    Invalid {
        path: String,
        line: u32,
        message: String,
    },
}

/// What kind of file a path holds, by name and content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Backstage,
    Inventory,
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FileKind::Backstage => "Backstage catalog",
            FileKind::Inventory => "inventory file",
        })
    }
}

/// Whether a file name is an inventory file (`fallout.yaml`, `fallout.yml`).
pub fn is_inventory_name(path: &str) -> bool {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    matches!(name, "fallout.yaml" | "fallout.yml")
}

/// Whether a file name is a Backstage catalog (`catalog-info.yaml`, `catalog-*.yaml`).
pub fn is_backstage_name(path: &str) -> bool {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    name.starts_with("catalog-") && (name.ends_with(".yaml") || name.ends_with(".yml"))
}

/// Tells a Backstage catalog from an inventory file: by name first, then
/// by content (Backstage entities have `apiVersion: backstage.io/...`).
pub fn detect(path: &str, text: &str) -> FileKind {
    if is_inventory_name(path) {
        return FileKind::Inventory;
    }
    if is_backstage_name(path) {
        return FileKind::Backstage;
    }
    let backstage = text.lines().any(|l| {
        let l = l.trim_start();
        l.starts_with("apiVersion:") && l.contains("backstage.io")
    });
    if backstage {
        FileKind::Backstage
    } else {
        FileKind::Inventory
    }
}

/// Parses either kind of file (see [`detect`]).
pub fn parse(path: &str, text: &str) -> Result<Catalog, CatalogError> {
    match detect(path, text) {
        FileKind::Backstage => parse_backstage(path, text),
        FileKind::Inventory => parse_inventory(path, text),
    }
}

fn documents<'t>(path: &str, text: &'t str) -> Result<Vec<yaml::Document<'t>>, CatalogError> {
    yaml::parse(text, 1).map_err(|e| CatalogError::Yaml {
        path: path.to_string(),
        line: e.line,
        col: e.col,
        message: e.message,
    })
}

fn invalid(path: &str, node: &Node, message: impl Into<String>) -> CatalogError {
    CatalogError::Invalid {
        path: path.to_string(),
        line: node.line,
        message: message.into(),
    }
}

fn origin(path: &str, node: &Node) -> Origin {
    Origin::file(path, node.line)
}

/// A Backstage entity reference, `[kind:][namespace/]name`, as
/// (kind lowercased, name). The namespace is dropped: fallout matches by name.
pub fn entity_ref(text: &str) -> (Option<String>, String) {
    let text = text.trim();
    let (kind, rest) = match text.split_once(':') {
        Some((kind, rest)) if !kind.contains('/') => (Some(kind.to_ascii_lowercase()), rest),
        _ => (None, text),
    };
    let name = rest.rsplit('/').next().unwrap_or(rest);
    (kind, name.to_string())
}

/// An owner reference as people say it: `group:default/identity` → `identity`,
/// `group:team-ns/identity` → `team-ns/identity`.
fn owner_name(text: &str) -> String {
    let text = text.trim();
    let rest = match text.split_once(':') {
        Some((kind, rest)) if !kind.contains('/') => rest,
        _ => text,
    };
    rest.strip_prefix("default/").unwrap_or(rest).to_string()
}

/// Parses a Backstage catalog: every `Resource` and `Component` entity of a
/// multi-document file; other kinds are skipped.
pub fn parse_backstage(path: &str, text: &str) -> Result<Catalog, CatalogError> {
    let mut out = Catalog {
        files: vec![path.to_string()],
        ..Catalog::default()
    };
    for doc in documents(path, text)? {
        let root = &doc.root;
        if root.is_null() {
            continue;
        }
        if root.as_map().is_none() {
            return Err(invalid(path, root, "a catalog entity must be a map"));
        }
        let Some(kind) = root.str_at(&["kind"]) else {
            continue;
        };
        let name_node = root.at(&["metadata", "name"]);
        let name = name_node.and_then(Node::as_str).map(str::trim);
        let kind = kind.trim().to_ascii_lowercase();
        if !matches!(kind.as_str(), "resource" | "component") {
            continue;
        }
        let Some(name) = name.filter(|n| !n.is_empty()) else {
            return Err(invalid(
                path,
                root,
                format!("a {kind} entity needs metadata.name"),
            ));
        };
        let at = origin(path, name_node.unwrap_or(root));
        let owner = root.str_at(&["spec", "owner"]).map(owner_name);
        let refs = |key: &str| -> Result<Vec<(String, Origin, Option<String>)>, CatalogError> {
            let Some(node) = root.at(&["spec", key]) else {
                return Ok(Vec::new());
            };
            if node.is_null() {
                return Ok(Vec::new());
            }
            if !matches!(node.value, Value::Seq(_)) {
                return Err(invalid(
                    path,
                    node,
                    format!("spec.{key} must be a list of entity references"),
                ));
            }
            let mut out = Vec::new();
            for item in node.as_seq() {
                let text = item.as_str().ok_or_else(|| {
                    invalid(
                        path,
                        item,
                        format!("spec.{key} entries must be entity references like resource:redis-sessions"),
                    )
                })?;
                let (kind, name) = entity_ref(text);
                out.push((name, origin(path, item), kind));
            }
            Ok(out)
        };
        if kind == "resource" {
            out.resources.push(DeclaredResource {
                name: name.to_string(),
                aliases: Vec::new(),
                owner,
                source: Source::Backstage,
                kind: root.str_at(&["spec", "type"]).map(str::to_string),
                at,
            });
            for (consumer, at, kind) in refs("dependencyOf")? {
                if kind.as_deref().is_none_or(|k| k == "component") {
                    out.uses.push(DocumentedUse {
                        resource: name.to_string(),
                        consumer,
                        source: Source::Backstage,
                        at,
                    });
                }
            }
        } else {
            let annotation = |key: &str| {
                root.str_at(&["metadata", "annotations", key])
                    .or_else(|| root.str_at(&["metadata", "labels", key]))
                    .map(|v| v.trim().to_string())
                    .filter(|v| !v.is_empty())
            };
            out.components.push(Component {
                name: name.to_string(),
                kubernetes_id: annotation("backstage.io/kubernetes-id"),
                kubernetes_namespace: annotation("backstage.io/kubernetes-namespace"),
                owner,
                at,
            });
            for (resource, at, kind) in refs("dependsOn")? {
                // A bare name in dependsOn is taken as a resource; other
                // kinds (component:, api:) are not datastores.
                if kind.as_deref().is_none_or(|k| k == "resource") {
                    out.uses.push(DocumentedUse {
                        resource,
                        consumer: name.to_string(),
                        source: Source::Backstage,
                        at,
                    });
                }
            }
        }
    }
    Ok(out)
}

const TOP_KEYS: &[&str] = &["resources", "owners", "ignore"];
const RESOURCE_KEYS: &[&str] = &["name", "aliases", "owner", "consumers"];

fn check_keys(path: &str, node: &Node, valid: &[&str], within: &str) -> Result<(), CatalogError> {
    for (key, _) in node.as_map().unwrap_or(&[]) {
        let text = key.as_str().unwrap_or("");
        if !valid.contains(&text) {
            return Err(CatalogError::UnknownKey {
                path: path.to_string(),
                line: key.line,
                key: text.to_string(),
                within: within.to_string(),
                valid: valid.join(", "),
            });
        }
    }
    Ok(())
}

fn string(path: &str, node: &Node, what: &str) -> Result<String, CatalogError> {
    match (&node.value, node.as_str()) {
        (Value::Scalar { .. }, Some(text)) if !text.trim().is_empty() => {
            Ok(text.trim().to_string())
        }
        _ => Err(invalid(
            path,
            node,
            format!("{what} must be a non-empty string"),
        )),
    }
}

fn strings(path: &str, node: &Node, what: &str) -> Result<Vec<(String, Origin)>, CatalogError> {
    if node.is_null() {
        return Ok(Vec::new());
    }
    if !matches!(node.value, Value::Seq(_)) {
        return Err(invalid(
            path,
            node,
            format!("{what} must be a list of strings"),
        ));
    }
    node.as_seq()
        .iter()
        .map(|item| {
            Ok((
                string(path, item, &format!("each of {what}"))?,
                origin(path, item),
            ))
        })
        .collect()
}

/// An alias as a name: a URL (`rediss://user:secret@host:6380/0`) is cut
/// to `host:port`, so no password from the file is ever kept or shown.
fn alias_name(text: &str) -> String {
    let Some((_, rest)) = text.split_once("://") else {
        return text.to_string();
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    host.to_string()
}

/// Parses the inventory file (`fallout.yaml`). Strict: unknown keys and
/// values of the wrong shape are errors with the file and line.
pub fn parse_inventory(path: &str, text: &str) -> Result<Catalog, CatalogError> {
    let mut out = Catalog {
        files: vec![path.to_string()],
        ..Catalog::default()
    };
    let docs = documents(path, text)?;
    if docs.len() > 1 {
        return Err(invalid(
            path,
            &docs[1].root,
            "the inventory file holds one document; remove the `---`",
        ));
    }
    let Some(doc) = docs.into_iter().next() else {
        return Ok(out);
    };
    let root = &doc.root;
    if root.is_null() {
        return Ok(out);
    }
    if root.as_map().is_none() {
        return Err(invalid(
            path,
            root,
            "the inventory file must be a map with resources, owners and ignore",
        ));
    }
    check_keys(path, root, TOP_KEYS, "the inventory file")?;

    if let Some(list) = root.get("resources").filter(|n| !n.is_null()) {
        if !matches!(list.value, Value::Seq(_)) {
            return Err(invalid(path, list, "resources must be a list"));
        }
        for entry in list.as_seq() {
            if entry.as_map().is_none() {
                return Err(invalid(
                    path,
                    entry,
                    "each resource must be a map with name, aliases, owner, consumers",
                ));
            }
            check_keys(path, entry, RESOURCE_KEYS, "a resource")?;
            let name_node = entry
                .get("name")
                .ok_or_else(|| invalid(path, entry, "a resource needs a name"))?;
            let name = string(path, name_node, "name")?;
            let aliases = match entry.get("aliases") {
                Some(n) => strings(path, n, "aliases")?,
                None => Vec::new(),
            };
            let owner = entry
                .get("owner")
                .filter(|n| !n.is_null())
                .map(|n| string(path, n, "owner"))
                .transpose()?;
            let consumers = match entry.get("consumers") {
                Some(n) => strings(path, n, "consumers")?,
                None => Vec::new(),
            };
            for (consumer, at) in consumers {
                out.uses.push(DocumentedUse {
                    resource: name.clone(),
                    consumer,
                    source: Source::Inventory,
                    at,
                });
            }
            out.resources.push(DeclaredResource {
                name,
                aliases: aliases.into_iter().map(|(a, _)| alias_name(&a)).collect(),
                owner,
                source: Source::Inventory,
                kind: None,
                at: origin(path, name_node),
            });
        }
    }

    if let Some(map) = root.get("owners").filter(|n| !n.is_null()) {
        let Some(entries) = map.as_map() else {
            return Err(invalid(
                path,
                map,
                "owners must be a map of consumer to owner, e.g. `api/Deployment/events-api: scheduling`",
            ));
        };
        for (key, value) in entries {
            let consumer = string(path, key, "an owners key")?;
            let owner = string(path, value, &format!("the owner of {consumer}"))?;
            out.owners.push(OwnerOverride {
                consumer,
                owner,
                at: origin(path, key),
            });
        }
    }

    if let Some(list) = root.get("ignore") {
        for (text, at) in strings(path, list, "ignore")? {
            let pattern = PathPattern::new(&text).ok_or_else(|| CatalogError::Invalid {
                path: path.to_string(),
                line: at.line().unwrap_or(0),
                message: format!("ignore pattern `{text}` is not a valid path pattern"),
            })?;
            out.ignore.push(IgnorePattern { pattern, at });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BACKSTAGE: &str = "\
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: redis-sessions
spec:
  type: cache
  owner: group:default/platform
  dependencyOf:
    - component:default/sessions-api
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: sessions-api
  annotations:
    backstage.io/kubernetes-id: sessions
    backstage.io/kubernetes-namespace: api
spec:
  type: service
  owner: identity
  dependsOn:
    - resource:redis-sessions
    - component:auth
    - resource:default/postgres-main
---
apiVersion: backstage.io/v1alpha1
kind: System
metadata:
  name: identity
";

    #[test]
    fn backstage_resources_components_and_refs() {
        let cat = parse("catalog-info.yaml", BACKSTAGE).unwrap();
        assert_eq!(cat.files, ["catalog-info.yaml"]);
        assert_eq!(cat.resources.len(), 1);
        let r = &cat.resources[0];
        assert_eq!(r.name, "redis-sessions");
        assert_eq!(r.owner.as_deref(), Some("platform"));
        assert_eq!(r.at, Origin::file("catalog-info.yaml", 4));
        assert!(r.is_redis_like());
        assert_eq!(cat.components.len(), 1);
        let c = &cat.components[0];
        assert_eq!(c.kubernetes_id.as_deref(), Some("sessions"));
        assert_eq!(c.kubernetes_namespace.as_deref(), Some("api"));
        assert_eq!(c.owner.as_deref(), Some("identity"));
        let uses: Vec<(&str, &str, u32)> = cat
            .uses
            .iter()
            .map(|u| {
                (
                    u.resource.as_str(),
                    u.consumer.as_str(),
                    u.at.line().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            uses,
            [
                ("redis-sessions", "sessions-api", 9),
                ("redis-sessions", "sessions-api", 22),
                ("postgres-main", "sessions-api", 24),
            ]
        );
    }

    #[test]
    fn entity_refs() {
        assert_eq!(
            entity_ref("resource:default/x"),
            (Some("resource".into()), "x".into())
        );
        assert_eq!(
            entity_ref("Resource:x"),
            (Some("resource".into()), "x".into())
        );
        assert_eq!(entity_ref("x"), (None, "x".into()));
        assert_eq!(entity_ref("ns/x"), (None, "x".into()));
    }

    #[test]
    fn backstage_errors_name_the_line() {
        let err = parse_backstage(
            "c.yaml",
            "kind: Component\nmetadata:\n  name: a\nspec:\n  dependsOn: resource:x\n",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "c.yaml:5: spec.dependsOn must be a list of entity references"
        );
        let err = parse_backstage("c.yaml", "kind: Resource\nmetadata:\n  title: x\n").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("c.yaml:1: a resource entity needs metadata.name"),
            "{err}"
        );
        let err = parse_backstage("c.yaml", "kind: [\n").unwrap_err();
        assert!(matches!(err, CatalogError::Yaml { .. }), "{err}");
    }

    const INVENTORY: &str = "\
resources:
  - name: redis-sessions
    aliases: [sessions.redis.example.com, 10.0.0.5]
    owner: platform
    consumers:
      - api/Deployment/sessions-api
      - audit-log
owners:
  api/Deployment/events-api: scheduling
ignore: [legacy/**, \"**/testdata/**\"]
";

    #[test]
    fn inventory_file() {
        let cat = parse("deploy/fallout.yaml", INVENTORY).unwrap();
        let r = &cat.resources[0];
        assert_eq!(r.name, "redis-sessions");
        assert_eq!(r.aliases, ["sessions.redis.example.com", "10.0.0.5"]);
        assert_eq!(r.owner.as_deref(), Some("platform"));
        assert_eq!(r.at, Origin::file("deploy/fallout.yaml", 2));
        let consumers: Vec<&str> = cat.uses.iter().map(|u| u.consumer.as_str()).collect();
        assert_eq!(consumers, ["api/Deployment/sessions-api", "audit-log"]);
        assert_eq!(cat.uses[1].at.line(), Some(7));
        assert_eq!(cat.owners[0].consumer, "api/Deployment/events-api");
        assert_eq!(cat.owners[0].owner, "scheduling");
        assert_eq!(cat.owners[0].at.line(), Some(9));
        assert!(cat.is_ignored("legacy/old.yaml"));
        assert!(cat.is_ignored("api/testdata/x.yaml"));
        assert!(!cat.is_ignored("api/events.yaml"));
        assert!(cat.checks_documentation());
    }

    #[test]
    fn url_aliases_keep_no_password() {
        let cat = parse_inventory(
            "fallout.yaml",
            "resources:\n  - name: r\n    aliases: [\"rediss://app:hunter2@sessions.example.com:6380/0\", redis://h2]\n",
        )
        .unwrap();
        assert_eq!(
            cat.resources[0].aliases,
            ["sessions.example.com:6380", "h2"]
        );
        assert!(!format!("{cat:?}").contains("hunter2"));
    }

    #[test]
    fn inventory_unknown_keys_name_key_file_and_line() {
        let err = parse_inventory("fallout.yaml", "resources: []\nowner: x\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "fallout.yaml:2: unknown key `owner` in the inventory file; valid keys: resources, owners, ignore"
        );
        let err = parse_inventory(
            "fallout.yaml",
            "resources:\n  - name: r\n    consumer: [a]\n",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "fallout.yaml:3: unknown key `consumer` in a resource; valid keys: name, aliases, owner, consumers"
        );
    }

    #[test]
    fn inventory_shapes() {
        let bad = [
            (
                "resources:\n  - aliases: [a]\n",
                "fallout.yaml:2: a resource needs a name",
            ),
            (
                "resources:\n  - name: r\n    aliases: a\n",
                "fallout.yaml:3: aliases must be a list of strings",
            ),
            (
                "resources: {}\n",
                "fallout.yaml:1: resources must be a list",
            ),
            ("owners: [a]\n", "fallout.yaml:1: owners must be a map"),
            (
                "ignore:\n  - [x]\n",
                "fallout.yaml:2: each of ignore must be a non-empty string",
            ),
            ("- a\n", "fallout.yaml:1: the inventory file must be a map"),
            (
                "a: 1\n---\nb: 2\n",
                "fallout.yaml:3: the inventory file holds one document",
            ),
        ];
        for (text, want) in bad {
            let err = parse_inventory("fallout.yaml", text)
                .unwrap_err()
                .to_string();
            assert!(err.starts_with(want), "{text:?}: {err}");
        }
        assert_eq!(parse_inventory("fallout.yaml", "").unwrap().resources, []);
        assert_eq!(
            parse_inventory("fallout.yaml", "# nothing yet\n")
                .unwrap()
                .uses,
            []
        );
    }

    #[test]
    fn detection() {
        assert_eq!(detect("x/fallout.yml", BACKSTAGE), FileKind::Inventory);
        assert_eq!(
            detect("x/catalog-info.yaml", INVENTORY),
            FileKind::Backstage
        );
        assert_eq!(detect("x/other.yaml", BACKSTAGE), FileKind::Backstage);
        assert_eq!(detect("x/other.yaml", INVENTORY), FileKind::Inventory);
    }

    #[test]
    fn codeowners_relative_to_the_repository() {
        let file = CodeownersFile {
            path: "repo/CODEOWNERS".into(),
            root: "repo/deploy".into(),
            prefix: "deploy".into(),
            rules: crate::codeowners::parse("/deploy/api/ @acme/api\n"),
        };
        assert_eq!(
            file.owner_of("repo/deploy/api/x.yaml").as_deref(),
            Some("@acme/api")
        );
        assert_eq!(file.owner_of("repo/deploy/cache/x.yaml"), None);
        assert_eq!(file.owner_of("elsewhere/api/x.yaml"), None);
        let at_root = CodeownersFile {
            root: ".".into(),
            prefix: String::new(),
            ..file
        };
        assert_eq!(
            at_root.owner_of("deploy/api/x.yaml").as_deref(),
            Some("@acme/api")
        );
    }
}

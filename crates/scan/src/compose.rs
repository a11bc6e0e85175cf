//! docker-compose projects (the Compose Specification and Swarm stack files):
//! every service becomes a workload, services running a Redis-compatible
//! image become Redis servers, and what each service is told about Redis
//! (`environment`, `env_file`, the project `.env`, `command`, mounted config
//! files, the config files of its `build:` context) becomes references with
//! the line where the value really is.
//!
//! One compose project is one scope: its base file, the overlays and the
//! override file merged into it, and the files it `include:`s. Service
//! names resolve within it only.

use crate::config::{self, ConditionalDocument, Format};
use crate::frameworks::{self, Reading};
use crate::interpolate::{interpolate, Interpolated, Var, Vars, UNSET};
use crate::projects::{dir_of, join_path, Kind, Tree};
use crate::settings::{self, find_endpoints, Found, KeyValue};
use crate::yaml::{Node, Value};
use crate::{is_redis_image, Scanned, SourceFile};
use fallout_core::endpoint::is_loopback;
use fallout_core::{
    ConsumerId, Diagnostic, Evidence, Fact, Hint, HintTarget, Origin, RedisServer, Scope, Strength,
    Workload,
};
use std::collections::{BTreeMap, BTreeSet};

/// File names docker compose picks up by itself, in its order of preference.
const BASE_NAMES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];

/// Override files merged into the base of the same folder.
const OVERRIDE_NAMES: &[&str] = &[
    "compose.override.yaml",
    "compose.override.yml",
    "docker-compose.override.yaml",
    "docker-compose.override.yml",
];

fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// A compose file by its name: `compose.yaml`, `compose.*.yaml`,
/// `docker-compose*.yml`, `docker-stack*.yml` (`.yml` or `.yaml`).
pub fn is_compose_name(path: &str) -> bool {
    let name = base_name(path);
    let lower = |n: &str| n.to_ascii_lowercase();
    // Most files are not: a look at the name's start before any copy.
    let b = name.as_bytes();
    if b.len() < 11 || !matches!(b[0], b'c' | b'C' | b'd' | b'D') {
        return false;
    }
    let name = lower(name);
    let Some(stem) = name
        .strip_suffix(".yaml")
        .or_else(|| name.strip_suffix(".yml"))
    else {
        return false;
    };
    (stem == "compose"
        || stem.starts_with("compose.")
        || stem.starts_with("docker-compose")
        || stem.starts_with("docker-stack"))
        // `docker-compose.example.yml` is a template to copy, not a project.
        && !crate::frameworks::is_example_name(stem)
}

/// A YAML document that is a compose file whatever its name: a top-level
/// `services:` map whose entries have `image` or `build`.
pub fn looks_like_compose(root: &Node) -> bool {
    let Some(services) = root.get("services") else {
        return false;
    };
    services
        .entries()
        .any(|(_, s)| s.get("image").is_some() || s.get("build").is_some())
}

/// A file of a mounted folder that is no service's config: a compose file
/// (by name, or one [`scan`] read as such: `compose_files`), a Kubernetes
/// manifest or a Helm template (`{{`), or one of the files that are never
/// config (kustomizations, lock files...).
fn is_not_a_services_config(file: &SourceFile, compose_files: &BTreeSet<String>) -> bool {
    if frameworks::is_not_config(&file.path)
        || is_compose_name(&file.path)
        || compose_files.contains(&file.path)
    {
        return true;
    }
    matches!(config::format_of(&file.path), Format::Yaml | Format::Json)
        && (crate::k8s::looks_like_manifest(&file.text)
            || crate::k8s::template_line(&file.text).is_some())
}

/// A parsed compose file.
struct ComposeFile<'a> {
    path: &'a str,
    root: Node<'a>,
}

/// One entry of a compose file's top-level `include:` (Compose v2.20+):
/// the files it names, merged as `-f a -f b` and joining the including
/// project, the folder their relative paths resolve against and the env
/// files their interpolation reads.
struct Include {
    /// Each file as written, with its tree path when it is a path inside
    /// the tree (not a remote `oci://`/`git` source, not absolute).
    files: Vec<(String, Option<String>)>,
    /// `project_directory`: where the included files' relative paths
    /// (env_file, volumes) point. By default the included file's folder.
    project_directory: Option<String>,
    /// `env_file`: the interpolation environment of the included files. By
    /// default the `.env` of their project directory.
    env_files: Vec<String>,
    origin: Origin,
}

/// The `include:` entries of the compose file at `path`, in both forms
/// (`- other.yaml`, `- path: other.yaml | [a, b]`), paths interpolated
/// with `vars` and resolved against the file's folder.
fn includes(path: &str, root: &Node, vars: &Vars) -> Vec<Include> {
    let Some(list) = root.get("include") else {
        return Vec::new();
    };
    let dir = dir_of(path);
    let text = |n: &Node| {
        n.as_str()
            .map(|t| interpolate(t, vars).value.unwrap_or_else(|| t.to_string()))
    };
    let texts = |n: Option<&Node>| -> Vec<String> {
        match n {
            Some(n) if matches!(n.value, Value::Seq(_)) => {
                n.as_seq().iter().filter_map(text).collect()
            }
            Some(n) => text(n).into_iter().collect(),
            None => Vec::new(),
        }
    };
    list.as_seq()
        .iter()
        .map(|entry| {
            let (files, project_directory, env_files) = match &entry.value {
                Value::Map(_) => (
                    texts(entry.get("path")),
                    entry.get("project_directory").and_then(text),
                    texts(entry.get("env_file")),
                ),
                _ => (texts(Some(entry)), None, Vec::new()),
            };
            Include {
                files: files
                    .into_iter()
                    .map(|f| {
                        let at = join_path(dir, &f).filter(|_| !f.starts_with("git@"));
                        (f, at)
                    })
                    .collect(),
                project_directory: project_directory.and_then(|p| join_path(dir, &p)),
                env_files: env_files.iter().filter_map(|f| join_path(dir, f)).collect(),
                origin: Origin::file(path, entry.line),
            }
        })
        .collect()
}

/// Scans every compose project among `files`. Returns what it found and the
/// paths of the files it read (compose files, `.env`, `env_file`s, mounted
/// files), which are not scanned again as application config.
pub fn scan(tree: &Tree<'_>) -> (Scanned, BTreeSet<String>) {
    let mut out = Scanned::default();
    let mut claimed = BTreeSet::new();
    let mut composes = Vec::new();
    // An override file `.gitignore` leaves out (a machine's own settings)
    // is still merged into its project, as `docker compose` does.
    // Only beside a base file that is scanned: an ignored folder's override
    // alone is no project.
    let scanned_bases: BTreeSet<&str> = tree
        .files()
        .filter(|f| is_compose_name(&f.path) && !is_override_name(&f.path))
        .map(|f| dir_of(&f.path))
        .collect();
    // And an ignored compose file its folder's `COMPOSE_FILE` names (in a
    // `.env`, ignored or not): `docker compose` there loads it.
    let named_by_compose_file = |f: &SourceFile| {
        let dir = dir_of(&f.path);
        let dotenv = join_path(dir, ".env").unwrap_or_else(|| ".env".into());
        tree.get(&dotenv)
            .and_then(|e| compose_file_setting(dir, &e.text))
            .is_some_and(|(paths, _)| {
                paths
                    .iter()
                    .any(|p| *p == crate::projects::normalized(&f.path))
            })
    };
    let ignored_overrides = tree.ignored_files().filter(|f| {
        is_override_name(&f.path) && scanned_bases.contains(dir_of(&f.path))
            || is_compose_name(&f.path) && named_by_compose_file(f)
    });
    for file in tree.files().chain(ignored_overrides) {
        let path = file.path.as_str();
        let lower = path.to_ascii_lowercase();
        // stdin (`-`) has no name: its content decides
        let yaml_ext = lower.ends_with(".yml") || lower.ends_with(".yaml") || path == "<stdin>";
        if !yaml_ext {
            continue;
        }
        let by_name = is_compose_name(path);
        if !by_name && !file.text.contains("services:") {
            continue;
        }
        // A CI pipeline's `services:` (GitHub Actions, GitLab CI) are the
        // pipeline's test containers, not a project that runs.
        if !by_name && (frameworks::is_not_config(path) || crate::projects::in_skipped_folder(path))
        {
            continue;
        }
        match config::parse_yaml(&file.text) {
            Ok(docs) => {
                let Some(doc) = docs.into_iter().next() else {
                    continue;
                };
                if by_name && doc.root.get("services").is_some() || looks_like_compose(&doc.root) {
                    claimed.insert(path.to_string());
                    out.diagnostics.extend(crate::yaml::duplicate_keys(
                        path,
                        &file.text,
                        1,
                        &doc,
                        "docker compose rejects the file (`mapping key already defined`)",
                    ));
                    composes.push(ComposeFile {
                        path,
                        root: doc.root,
                    });
                }
            }
            Err(e) if by_name => {
                claimed.insert(path.to_string());
                out.diagnostics.push(
                    Diagnostic::error(
                        "yaml-parse",
                        format!("{}; fix the YAML syntax: the services of this compose file were not read", e.message),
                    )
                    .at(path, Some(e.line), Some(e.col)),
                );
            }
            // Not a compose file by name and not YAML: left to the config scanner.
            Err(_) => {}
        }
    }
    // A file that other compose files only `extends` from is not a project
    // of its own (unless its name says it is one).
    let extended: BTreeSet<String> = composes
        .iter()
        .flat_map(|c| {
            let dir = dir_of(c.path);
            c.root
                .get("services")
                .into_iter()
                .flat_map(|s| s.entries())
                .filter_map(move |(_, svc)| {
                    svc.get("extends")?
                        .get("file")?
                        .as_str()
                        .and_then(|f| join_path(dir, f))
                })
        })
        .collect();
    // A file that compose files only `include` is part of their projects,
    // not one of its own, unless its name is one `docker compose` picks up
    // by itself in its folder (`infra/compose.yaml`, also run alone).
    let included: BTreeSet<String> = composes
        .iter()
        .filter(|c| c.root.get("include").is_some())
        .flat_map(|c| includes(c.path, &c.root, &Vars::new()))
        .flat_map(|i| i.files.into_iter().filter_map(|(_, at)| at))
        .collect();
    // Every compose file, extended-only ones too: none is a service's config
    // when a folder holding it is mounted.
    let compose_files: BTreeSet<String> = composes.iter().map(|c| c.path.to_string()).collect();
    let (composes, included_only): (Vec<ComposeFile<'_>>, Vec<ComposeFile<'_>>) =
        composes.into_iter().partition(|c| {
            if included.contains(c.path) {
                BASE_NAMES
                    .iter()
                    .any(|n| base_name(c.path).eq_ignore_ascii_case(n))
            } else {
                is_compose_name(c.path) || !extended.contains(c.path)
            }
        });
    let roots: BTreeMap<&str, &Node<'_>> = composes
        .iter()
        .chain(&included_only)
        .filter(|c| included.contains(c.path))
        .map(|c| (c.path, &c.root))
        .collect();
    let files = ProjectFiles {
        compose_files: &compose_files,
        included: &roots,
    };
    // `COMPOSE_FILE` in a folder's `.env` names that folder's project files.
    let mut chosen: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for c in &composes {
        let dir = dir_of(c.path);
        if chosen.contains_key(dir) {
            continue;
        }
        let dotenv = join_path(dir, ".env").unwrap_or_else(|| ".env".into());
        let Some((paths, line)) = tree
            .get(&dotenv)
            .and_then(|f| compose_file_setting(dir, &f.text))
        else {
            continue;
        };
        for p in &paths {
            if !composes.iter().any(|c| c.path == p.as_str()) {
                out.diagnostics.push(
                    Diagnostic::warning(
                        "compose-file-missing",
                        format!("COMPOSE_FILE names {p}, which is not among the compose files scanned: its services are not part of this project; scan the folder that holds it too"),
                    )
                    .at(&dotenv, Some(line), None),
                );
            }
        }
        chosen.insert(dir, paths);
    }
    for project in group_projects(&composes, |dir| chosen.get(dir).cloned()) {
        let mut scanner = ProjectScan::new(tree, &project, &files, &mut out, &mut claimed);
        scanner.run();
    }
    (out, claimed)
}

/// What every project scan may look up among the tree's compose files.
struct ProjectFiles<'s, 'a> {
    /// Every compose file of the tree ([`is_not_a_services_config`]).
    compose_files: &'s BTreeSet<String>,
    /// The parsed files some compose file includes, by path.
    included: &'s BTreeMap<&'s str, &'s Node<'a>>,
}

/// A compose project: the base file first, then files merged into it.
struct Project<'f, 'a> {
    files: Vec<&'f ComposeFile<'a>>,
}

impl Project<'_, '_> {
    fn base(&self) -> &str {
        self.files[0].path
    }
}

fn service_names<'n>(file: &'n ComposeFile<'_>) -> impl Iterator<Item = &'n str> {
    file.root
        .get("services")
        .into_iter()
        .flat_map(|s| s.entries().map(|(k, _)| k))
}

/// A file that only patches services of a base (a service with no
/// `image`, `build` or `extends` that the base defines): an overlay meant
/// for `docker compose -f base -f overlay`.
fn patches(file: &ComposeFile<'_>, base: &ComposeFile<'_>) -> bool {
    let base_services: BTreeSet<&str> = service_names(base).collect();
    file.root.get("services").is_some_and(|services| {
        services.entries().any(|(name, s)| {
            base_services.contains(name)
                && s.get("image").is_none()
                && s.get("build").is_none()
                && s.get("extends").is_none()
        })
    })
}

/// The files `COMPOSE_FILE` in a folder's `.env` text names, as tree
/// paths in their order (separated by `COMPOSE_PATH_SEPARATOR`, `:` by
/// default): `docker compose` in that folder loads them as one project,
/// in place of the base and override files it would pick by name.
fn compose_file_setting(dir: &str, dotenv: &str) -> Option<(Vec<String>, u32)> {
    let read = config::read_format(Format::Dotenv, dotenv);
    let setting = |key: &str| read.settings.iter().rev().find(|s| s.key == key);
    let written = setting("COMPOSE_FILE").filter(|s| !s.value.trim().is_empty())?;
    let files = written.value.trim();
    let separator = setting("COMPOSE_PATH_SEPARATOR")
        .map(|s| s.value.trim())
        .filter(|s| !s.is_empty())
        .unwrap_or(":");
    let paths: Vec<String> = files
        .split(separator)
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .filter_map(|f| join_path(dir, f))
        .collect();
    (!paths.is_empty()).then_some((paths, written.line))
}

/// An override file's name (`compose.override.yaml`, …).
fn is_override_name(path: &str) -> bool {
    OVERRIDE_NAMES
        .iter()
        .any(|n| base_name(path).eq_ignore_ascii_case(n))
}

/// A name `docker compose` picks up by itself as a project's base or
/// override file.
fn is_compose_name_of_base(path: &str) -> bool {
    is_override_name(path)
        || BASE_NAMES
            .iter()
            .any(|n| base_name(path).eq_ignore_ascii_case(n))
}

fn group_projects<'f, 'a>(
    composes: &'f [ComposeFile<'a>],
    chosen: impl Fn(&str) -> Option<Vec<String>>,
) -> Vec<Project<'f, 'a>> {
    let mut by_dir: BTreeMap<&str, Vec<&'f ComposeFile<'a>>> = BTreeMap::new();
    for c in composes {
        by_dir.entry(dir_of(c.path)).or_default().push(c);
    }
    let mut projects = Vec::new();
    for (dir, mut files) in by_dir {
        // `COMPOSE_FILE`: the files it names are the project, in its
        // order; the folder's other compose files are read as if alone.
        if let Some(paths) = chosen(dir) {
            let listed: Vec<&'f ComposeFile<'a>> = paths
                .iter()
                .filter_map(|p| composes.iter().find(|c| c.path == p.as_str()))
                .collect();
            if !listed.is_empty() {
                files.retain(|f| !listed.iter().any(|l| l.path == f.path));
                // A file that only patches its services (an overlay for
                // `-f docker-compose.prod.yml`) still joins it.
                let mut project = Project { files: listed };
                files.retain(|f| {
                    let joins = !is_compose_name_of_base(f.path) && patches(f, project.files[0]);
                    if joins {
                        project.files.push(f);
                    }
                    !joins
                });
                projects.push(project);
            }
        }
        files.sort_by_key(|f| f.path);
        let rank = |f: &ComposeFile<'_>| {
            BASE_NAMES
                .iter()
                .position(|n| base_name(f.path).eq_ignore_ascii_case(n))
        };
        let is_override = |f: &ComposeFile<'_>| is_override_name(f.path);
        let mut bases: Vec<&ComposeFile<'_>> = files
            .iter()
            .copied()
            .filter(|f| rank(f).is_some())
            .collect();
        bases.sort_by_key(|f| rank(f));
        let mut groups: Vec<Project<'f, 'a>> =
            bases.iter().map(|b| Project { files: vec![*b] }).collect();
        let mut overrides = Vec::new();
        for f in files.iter().copied().filter(|f| rank(f).is_none()) {
            if is_override(f) {
                overrides.push(f);
            } else if let Some(group) = groups.first_mut().filter(|g| patches(f, g.files[0])) {
                group.files.push(f);
            } else {
                projects.push(Project { files: vec![f] });
            }
        }
        for o in overrides {
            // compose.override.* goes with compose.*, docker-compose.override.* with docker-compose.*.
            let family = base_name(o.path)
                .to_ascii_lowercase()
                .starts_with("docker-");
            let target = groups
                .iter()
                .position(|g| {
                    base_name(g.base())
                        .to_ascii_lowercase()
                        .starts_with("docker-")
                        == family
                })
                .or(if groups.is_empty() { None } else { Some(0) });
            match target {
                Some(i) => groups[i].files.push(o),
                None => projects.push(Project { files: vec![o] }),
            }
        }
        projects.extend(groups);
    }
    projects
}

/// A value with the place it was written.
#[derive(Clone, Debug)]
pub(crate) struct At<T> {
    pub(crate) value: T,
    pub(crate) origin: Origin,
}

/// One `environment` entry as declared.
#[derive(Clone, Debug)]
struct EnvDecl {
    key: String,
    /// `None` for a bare `- VAR` / `VAR:` (passed through from the environment).
    value: Option<Interpolated>,
    origin: Origin,
}

#[derive(Clone, Debug)]
struct EnvFileRef {
    /// As written in the compose file.
    written: String,
    /// Resolved tree path, when it stays within the tree.
    path: Option<String>,
    required: bool,
    origin: Origin,
}

#[derive(Clone, Debug)]
struct Mount {
    /// Tree path of the bind-mounted file or folder.
    source: String,
    /// As written, for evidence.
    written: String,
    target: String,
}

/// A folder a service shares with others through a volume: where a Unix
/// socket in it is the same file for each. (Bind mounts of config files
/// are [`Mount`]s too; this is only for finding sockets.)
#[derive(Clone, Debug)]
struct SharedDir {
    /// `volume <name>` for a named volume, `host <path>` for a bind mount.
    source: String,
    /// The folder in the container.
    target: String,
}

/// A service's `build:` (short form `build: ./dir`, long form `{context,
/// dockerfile, target}`): the folder its image is built from, whose config
/// files are the service's (baked in by the Dockerfile, or maybe).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Build {
    /// `context` as written; `None` in a long form without one (`.`).
    context: Option<String>,
    /// The folder of the compose file that declared the context: a relative
    /// one resolves against it.
    dir: String,
    /// `dockerfile`, relative to the context (default `Dockerfile`).
    dockerfile: Option<String>,
    /// `target`: the Dockerfile stage the image is (default the last).
    target: Option<String>,
}

impl Build {
    /// Compose merges `build` key by key: an override that sets only
    /// `args` or `target` keeps the base's context.
    fn merge(&mut self, over: Build) {
        if over.context.is_some() {
            self.context = over.context;
            self.dir = over.dir;
        }
        if over.dockerfile.is_some() {
            self.dockerfile = over.dockerfile;
        }
        if over.target.is_some() {
            self.target = over.target;
        }
    }

    /// The context's tree folder and how it is written (`./svc/feed`), or
    /// `None` for one that is not a local folder of the tree: a git or
    /// HTTP URL (`https://github.com/o/r.git#main:dir`, `git@…`), an
    /// absolute or `~` path.
    fn context(&self) -> Option<(String, String)> {
        let written = self.context.clone().unwrap_or_else(|| ".".to_string());
        if written.starts_with("git@") || written.starts_with("github.com/") {
            return None;
        }
        Some((join_path(&self.dir, &written)?, written))
    }
}

#[derive(Clone, Debug)]
struct Link {
    service: String,
    alias: Option<String>,
    origin: Origin,
}

/// A service as declared by one or more compose files, merged.
#[derive(Clone, Debug, Default)]
struct Spec {
    defined_at: Option<Origin>,
    image: Option<String>,
    container_name: Option<String>,
    hostname: Option<String>,
    network_aliases: Vec<String>,
    links: Vec<Link>,
    depends_on: Vec<At<String>>,
    profiles: Vec<String>,
    labels: BTreeMap<String, String>,
    env_files: Vec<EnvFileRef>,
    environment: Vec<EnvDecl>,
    command: Option<Vec<At<String>>>,
    entrypoint: Option<Vec<At<String>>>,
    /// `healthcheck.test` as words (`CMD-SHELL` as `sh -c`); empty when
    /// disabled (`NONE`, `disable: true`); `Err` at a `test` of no form
    /// compose knows (said, not read).
    healthcheck: Option<Result<Vec<At<String>>, Origin>>,
    /// `network_mode` (`service:redis`, `container:name`, `host`): whose
    /// network, and so whose `localhost`, the service runs in.
    network_mode: Option<At<String>>,
    /// Host ports it publishes (`ports: ["6379:6379"]`).
    published: Vec<u16>,
    mounts: Vec<Mount>,
    build: Option<Build>,
    /// Named volumes and bind mounts, for Unix sockets.
    shared: Vec<SharedDir>,
    /// `volumes_from`: the services whose volumes it mounts too.
    volumes_from: Vec<String>,
    extends: Option<(String, Option<String>, Origin)>,
    /// The file that declared `extends`, for a relative `file:`.
    extends_from: Option<String>,
}

impl Spec {
    /// Applies `over` on top of `self`, as compose merges files.
    fn merge(&mut self, over: Spec, inherit_dependencies: bool) {
        if self.defined_at.is_none() {
            self.defined_at = over.defined_at;
        }
        macro_rules! replace {
            ($($field:ident),*) => {$(if over.$field.is_some() { self.$field = over.$field; })*};
        }
        replace!(
            image,
            container_name,
            hostname,
            command,
            entrypoint,
            healthcheck,
            network_mode,
            extends
        );
        if over.extends_from.is_some() {
            self.extends_from = over.extends_from;
        }
        for alias in over.network_aliases {
            if !self.network_aliases.contains(&alias) {
                self.network_aliases.push(alias);
            }
        }
        if inherit_dependencies {
            self.links.extend(over.links);
            self.depends_on.extend(over.depends_on);
        } else {
            self.links = over.links;
            self.depends_on = over.depends_on;
        }
        if !over.profiles.is_empty() {
            self.profiles = over.profiles;
        }
        self.labels.extend(over.labels);
        for f in over.env_files {
            if !self
                .env_files
                .iter()
                .any(|e| e.path == f.path && e.written == f.written)
            {
                self.env_files.push(f);
            }
        }
        for decl in over.environment {
            self.environment.retain(|d| d.key != decl.key);
            self.environment.push(decl);
        }
        for m in over.mounts {
            self.mounts.retain(|x| x.target != m.target);
            self.mounts.push(m);
        }
        match (&mut self.build, over.build) {
            (Some(build), Some(over)) => build.merge(over),
            (build @ None, over) => *build = over,
            (Some(_), None) => {}
        }
        for m in over.shared {
            self.shared.retain(|x| x.target != m.target);
            self.shared.push(m);
        }
        for v in over.volumes_from {
            if !self.volumes_from.contains(&v) {
                self.volumes_from.push(v);
            }
        }
        for p in over.published {
            if !self.published.contains(&p) {
                self.published.push(p);
            }
        }
    }
}

/// Splits a command string into words as a POSIX shell would (quotes,
/// backslashes, `#` comments), as compose splits a string `command`; the
/// `shlex` crate does the splitting. Text a shell rejects (an unclosed
/// quote) is read as if the quote were closed at its end.
pub fn shell_words(text: &str) -> Vec<String> {
    shlex::split(text)
        .or_else(|| shlex::split(&format!("{text}'")))
        .or_else(|| shlex::split(&format!("{text}\"")))
        .unwrap_or_else(|| text.split_whitespace().map(str::to_string).collect())
}

/// Words of a command: each list item, split again on whitespace so that
/// `sh -c "redis-server --port 6380"` shows its flags.
pub(crate) fn words(command: &[At<String>]) -> Vec<At<String>> {
    command
        .iter()
        .flat_map(|item| {
            // An empty item is an empty argument (`--requirepass ""`).
            let words = if item.value.is_empty() {
                vec![String::new()]
            } else if item.value.trim_end().contains('\n') {
                script_words(&item.value)
            } else {
                shell_words(&item.value)
            };
            words.into_iter().map(move |w| At {
                value: w,
                origin: item.origin.clone(),
            })
        })
        .collect()
}

/// The words of a script of several lines, a `;` between its commands
/// (a line ending in `\` goes on): `redis-cli ping` on one line and `grep
/// -h x` on the next are two commands.
fn script_words(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut line = String::new();
    let flush = |line: &mut String, out: &mut Vec<String>| {
        let words = shell_words(line);
        line.clear();
        if words.is_empty() {
            return;
        }
        if !out.is_empty() {
            out.push(";".into());
        }
        out.extend(words);
    };
    for l in text.lines() {
        match l.strip_suffix('\\') {
            Some(head) => {
                line.push_str(head);
                line.push(' ');
            }
            None => {
                line.push_str(l);
                flush(&mut line, &mut out);
            }
        }
    }
    flush(&mut line, &mut out);
    out
}

/// Keys of flags that name an address (`--redis-url`, `--cache-addr`).
pub(crate) fn is_address_key(key: &str) -> bool {
    let norm = settings::normalize_key(key);
    let last = norm.rsplit('.').next().unwrap_or("");
    matches!(
        last,
        "host"
            | "hostname"
            | "hosts"
            | "url"
            | "uri"
            | "dsn"
            | "addr"
            | "address"
            | "addrs"
            | "server"
            | "servers"
            | "endpoint"
            | "nodes"
            | "sentinels"
    ) || (settings::says_redis(&norm)
        && !matches!(
            last,
            "password"
                | "pass"
                | "passwd"
                | "auth"
                | "port"
                | "tls"
                | "ssl"
                | "db"
                | "database"
                | "user"
                | "username"
                | "enabled"
                | "timeout"
                | "prefix"
        ))
}

/// Whether a command runs a script (`sh /scripts/start.sh`,
/// `/usr/local/bin/run.sh`): what the script reads from the environment
/// is out of sight, so a `REDIS_PASSWORD` beside it may well be passed on.
pub(crate) fn runs_a_script(words: &[At<String>]) -> bool {
    words
        .iter()
        .any(|w| w.value.ends_with(".sh") || w.value.ends_with(".bash"))
}

/// An empty value as written: nothing, `""` or `''`.
fn is_empty_value(value: &str) -> bool {
    matches!(value.trim(), "" | "\"\"" | "''")
}

/// Whether a shell word ends its command: `;`, `&&`, `||`, `|`, `&`, or a
/// word written against one (`/etc/hosts;`).
fn ends_a_command(word: &str) -> bool {
    word.ends_with(';') || word.ends_with('&') || word.ends_with('|')
}

/// Settings from command-line words: `--key=value`, `--key value`,
/// `redis-cli -h host -p port`, `--replicaof host port`, URLs anywhere.
pub(crate) fn flag_settings(words: &[At<String>], what: &str, strength: Strength) -> Vec<KeyValue> {
    let mut out = Vec::new();
    let kv = |key: String, value: String, origin: &Origin, via: String| KeyValue {
        key,
        value,
        origin: origin.clone(),
        strength,
        via,
    };
    let cli_name = |word: &str| {
        let name = word.rsplit('/').next().unwrap_or("");
        (name.ends_with("-cli") || name.ends_with("-benchmark"))
            && (name.contains("redis") || name.contains("valkey") || name.contains("keydb"))
    };
    // Whether the word is an argument of redis-cli: from its name to the
    // end of its shell command (`;`, `&&`, `||`, `|`, `&`), so `grep -h
    // pattern file; redis-cli ping` reads no host from grep's `-h`.
    let mut is_cli = false;
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        let word = w.value.as_str();
        if let Some(at) = word
            .rfind(['|', ';', '&'])
            .filter(|&at| at + 1 < word.len())
        {
            // Two commands in one word (`ping|grep`, `a&&redis-cli`): the
            // later one's.
            is_cli = cli_name(&word[at + 1..]);
        } else if cli_name(word) {
            is_cli = true;
        } else if i > 0 && ends_a_command(&words[i - 1].value) {
            is_cli = false;
        }
        // A reachability probe (`nc -z -w 2 cache 6379`, `telnet cache
        // 6379`): the first name after it is a host, the number after that
        // its port; an address that does not say Redis.
        if matches!(
            word.rsplit('/').next().unwrap_or(""),
            "nc" | "ncat" | "netcat" | "telnet"
        ) {
            let rest = &words[i + 1..];
            // A name, or an IPv4 address (`nc -z 10.96.0.5 6379`); not the
            // value of an option (`-w 2`).
            let host = rest.iter().position(|n| {
                !n.value.starts_with('-')
                    && (n.value.bytes().any(|b| b.is_ascii_alphabetic())
                        || n.value.parse::<std::net::Ipv4Addr>().is_ok())
            });
            if let Some(h) = host {
                // `6379;` ends a shell command.
                let port = rest[h + 1..]
                    .first()
                    .map(|p| p.value.trim_end_matches([';', '&', '|', ')']))
                    .filter(|p| p.parse::<u16>().is_ok());
                if let Some(port) = port {
                    let via = format!("{what} {word}");
                    out.push(kv(
                        "probe.host".into(),
                        rest[h].value.clone(),
                        &w.origin,
                        via.clone(),
                    ));
                    out.push(kv("probe.port".into(), port.to_string(), &w.origin, via));
                    i += h + 3;
                    continue;
                }
            }
        }
        let next = words.get(i + 1).filter(|n| !n.value.starts_with('-'));
        // redis-cli's own flags: TLS, ACL user, password (kept only as
        // "has a password", never shown).
        if is_cli {
            let role = match word {
                "--tls" => Some(("redis.cli.tls", false)),
                "--user" => Some(("redis.cli.user", true)),
                "--pass" | "-a" => Some(("redis.cli.password", true)),
                _ => None,
            };
            match role {
                Some((key, false)) => {
                    out.push(kv(
                        key.into(),
                        "true".into(),
                        &w.origin,
                        format!("{what} {word}"),
                    ));
                    i += 1;
                    continue;
                }
                Some((key, true)) => {
                    if let Some(n) = next {
                        out.push(kv(
                            key.into(),
                            n.value.clone(),
                            &w.origin,
                            format!("{what} {word}"),
                        ));
                        i += 2;
                        continue;
                    }
                }
                None => {}
            }
        }
        if let Some(flag) = long_flag(word) {
            let dashes = &word[..word.len() - flag.len()];
            if let Some((k, v)) = flag.split_once('=') {
                out.push(kv(
                    k.to_string(),
                    v.to_string(),
                    &w.origin,
                    format!("{what} {dashes}{k}"),
                ));
            } else if matches!(flag, "replicaof" | "slaveof") {
                if let (Some(h), Some(p)) = (words.get(i + 1), words.get(i + 2)) {
                    out.push(kv(
                        frameworks::REPLICATION.into(),
                        format!("{}:{}", h.value, p.value),
                        &w.origin,
                        format!("{what} --{flag}"),
                    ));
                    i += 3;
                    continue;
                }
            } else if flag == "tls-replication" {
                let value = next
                    .map(|n| n.value.clone())
                    .unwrap_or_else(|| "yes".into());
                out.push(kv(
                    frameworks::REPLICATION_TLS.into(),
                    value,
                    &w.origin,
                    format!("{what} --{flag}"),
                ));
                i += if next.is_some() { 2 } else { 1 };
                continue;
            } else if let Some(n) = next {
                let role_key = settings::normalize_key(flag);
                let last = role_key.rsplit('.').next().unwrap_or("");
                // `--listen 10.0.0.1:6379`, `--bind-addr x`: the process's
                // own address, not one it reaches.
                if settings::names_a_listener(&role_key) {
                    i += 2;
                    continue;
                }
                if is_address_key(flag)
                    || role_key.ends_with("port")
                    || role_key.ends_with("tls")
                    || role_key.ends_with("ssl")
                    // `--redis-pass pw`, `--cache-user app`: the password
                    // only as "has one", never shown.
                    || matches!(
                        last,
                        "password" | "passwd" | "pass" | "username" | "user" | "db"
                    ) && role_key.contains('.')
                {
                    out.push(kv(
                        flag.to_string(),
                        n.value.clone(),
                        &w.origin,
                        format!("{what} {dashes}{flag}"),
                    ));
                    i += 2;
                    continue;
                }
            } else {
                // A bare switch: `--cache-tls`, `--redis-ssl`.
                let role_key = settings::normalize_key(flag);
                if role_key.ends_with("tls") || role_key.ends_with("ssl") {
                    out.push(kv(
                        flag.to_string(),
                        "true".into(),
                        &w.origin,
                        format!("{what} {dashes}{flag}"),
                    ));
                }
            }
        } else if is_cli && matches!(word, "-h" | "-p") {
            if let Some(n) = next {
                let role = if word == "-h" {
                    "redis.cli.host"
                } else {
                    "redis.cli.port"
                };
                out.push(kv(
                    role.into(),
                    n.value.clone(),
                    &w.origin,
                    format!("{what} {word}"),
                ));
                i += 2;
                continue;
            }
        } else if is_cli && word == "--tls" {
            out.push(kv(
                "redis.cli.tls".into(),
                "true".into(),
                &w.origin,
                format!("{what} --tls"),
            ));
        } else if !settings::find_urls(word).is_empty() {
            out.push(kv(
                String::new(),
                word.to_string(),
                &w.origin,
                what.to_string(),
            ));
        } else if i > 0 && word.contains(':') && !word.starts_with('-') {
            // A bare `host:port` (`wait-for-it.sh cache.data:6379`): an
            // address that does not say Redis, kept where it names one.
            out.push(kv(
                String::new(),
                word.to_string(),
                &w.origin,
                what.to_string(),
            ));
        }
        i += 1;
    }
    out
}

/// The name (and `=value`) of a long flag: `--name`, Go's single-dash
/// `-name` (two letters or more: `-h`, `-c` and `-p` are not), and Java's
/// `-Dname=value` system properties.
fn long_flag(word: &str) -> Option<&str> {
    if let Some(flag) = word.strip_prefix("--") {
        return Some(flag);
    }
    let flag = word.strip_prefix('-')?;
    // Java properties are dotted (`-Dspring.redis.host=h`); `-Debug=true`
    // is a Go flag named `Debug`.
    if let Some(property) = flag
        .strip_prefix('D')
        .filter(|p| p.split('=').next().is_some_and(|name| name.contains('.')))
    {
        return Some(property);
    }
    let name = flag.split('=').next().unwrap_or("");
    (name.len() >= 2
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
    .then_some(flag)
}

/// Settings written inside one setting's value: command-line flags in a
/// `*_OPTS` / `*_ARGS` / `*_FLAGS` / `*_OPTIONS` variable (`JAVA_OPTS=
/// -Dspring.redis.host=cache`), and a JSON object (`SPRING_APPLICATION_JSON`).
/// Each keeps the setting's origin and strength; `via` says where it sat.
pub(crate) fn embedded_settings(setting: &KeyValue) -> Vec<KeyValue> {
    let value = setting.value.trim();
    // Most values are neither: the key is looked at only for those that are.
    if !value.starts_with(['-', '{']) {
        return Vec::new();
    }
    let norm = settings::normalize_key(&setting.key);
    let last = norm.rsplit('.').next().unwrap_or("");
    if matches!(last, "opts" | "options" | "args" | "flags") && value.starts_with('-') {
        let words: Vec<At<String>> = value
            .split_whitespace()
            .map(|w| At {
                value: w.to_string(),
                origin: setting.origin.clone(),
            })
            .collect();
        return flag_settings(&words, &setting.via, setting.strength);
    }
    if value.starts_with('{') && value.ends_with('}') {
        return config::read_format(Format::Json, value)
            .settings
            .into_iter()
            .map(|s| KeyValue {
                via: format!("{} key {}", setting.via, s.key),
                key: s.key,
                value: s.value,
                origin: setting.origin.clone(),
                strength: setting.strength,
            })
            .collect();
    }
    Vec::new()
}

/// Reads one service's declaration in one file.
struct SpecReader<'t, 'v> {
    file: &'t str,
    dir: &'t str,
    vars: &'v Vars,
    /// Top-level `configs:` of the file: name → tree path.
    configs: BTreeMap<String, String>,
}

impl SpecReader<'_, '_> {
    fn origin(&self, node: &Node) -> Origin {
        Origin::file(self.file, node.line)
    }

    fn text(&self, node: &Node) -> Option<String> {
        node.as_str().map(|t| {
            interpolate(t, self.vars)
                .value
                .unwrap_or_else(|| t.to_string())
        })
    }

    fn list(&self, node: Option<&Node>) -> Vec<At<String>> {
        node.map(|n| n.as_seq())
            .unwrap_or_default()
            .iter()
            .filter_map(|i| {
                self.text(i).map(|value| At {
                    value,
                    origin: self.origin(i),
                })
            })
            .collect()
    }

    fn command(&self, node: Option<&Node>) -> Option<Vec<At<String>>> {
        let node = node?;
        match &node.value {
            Value::Seq(_) => Some(self.list(Some(node))),
            // Compose splits a string (shell form) into its arguments with
            // shell quoting; [`words`] then reads each argument as a list
            // item, so `sh -c '<script>'` shows the words of its script.
            Value::Scalar { .. } => self.text(node).map(|value| {
                let origin = self.origin(node);
                shell_words(&value)
                    .into_iter()
                    .map(|value| At {
                        value,
                        origin: origin.clone(),
                    })
                    .collect()
            }),
            Value::Map(_) => None,
        }
    }

    /// A healthcheck's `test`: `[CMD, redis-cli, -h, cache, ping]` runs
    /// its words, `[CMD-SHELL, "…"]` and a string run a shell script
    /// (read as `sh -c '…'`), `[NONE]` and `disable: true` run nothing.
    fn healthcheck(&self, node: Option<&Node>) -> Option<Result<Vec<At<String>>, Origin>> {
        let node = node?;
        if node.get("disable").and_then(|n| self.text(n)).as_deref() == Some("true") {
            return Some(Ok(Vec::new()));
        }
        let test = node.get("test").filter(|t| !t.is_null())?;
        // An empty list: compose's own default (the image's
        // HEALTHCHECK), nothing written here to read.
        if test.as_seq().is_empty() && matches!(test.value, Value::Seq(_)) {
            return None;
        }
        // Said at the `test:` key (a mapping's own mark is its first key).
        let key_line = node
            .as_map()
            .and_then(|m| m.iter().find(|(k, _)| k.as_str() == Some("test")))
            .map_or(test.line, |(k, _)| k.line);
        Some(
            self.healthcheck_test(test)
                .ok_or_else(|| Origin::file(self.file, key_line)),
        )
    }

    fn healthcheck_test(&self, test: &Node) -> Option<Vec<At<String>>> {
        let shell = |script: &[At<String>]| {
            // `[CMD-SHELL]` alone runs nothing, as `[CMD]` alone.
            let Some(first) = script.first() else {
                return Some(Vec::new());
            };
            let sh = |value: &str| At {
                value: value.to_string(),
                origin: first.origin.clone(),
            };
            let script = script
                .iter()
                .map(|w| w.value.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            Some(vec![sh("sh"), sh("-c"), sh(&script)])
        };
        match &test.value {
            Value::Seq(_) => {
                let items = self.list(Some(test));
                let (form, rest) = items.split_first()?;
                match form.value.as_str() {
                    "CMD" => Some(rest.to_vec()),
                    "CMD-SHELL" => shell(rest),
                    "NONE" => Some(Vec::new()),
                    _ => None,
                }
            }
            Value::Scalar { .. } => shell(&[At {
                value: self.text(test)?,
                origin: self.origin(test),
            }]),
            Value::Map(_) => None,
        }
    }

    fn read(&self, key_line: u32, node: &Node) -> Spec {
        let mut spec = Spec {
            defined_at: Some(Origin::file(self.file, key_line)),
            image: node.get("image").and_then(|n| self.text(n)),
            container_name: node.get("container_name").and_then(|n| self.text(n)),
            hostname: node.get("hostname").and_then(|n| self.text(n)),
            command: self.command(node.get("command")),
            entrypoint: self.command(node.get("entrypoint")),
            healthcheck: self.healthcheck(node.get("healthcheck")),
            network_mode: node.get("network_mode").and_then(|n| {
                Some(At {
                    value: self.text(n)?,
                    origin: self.origin(n),
                })
            }),
            volumes_from: node
                .get("volumes_from")
                .map(Node::as_seq)
                .unwrap_or_default()
                .iter()
                .filter_map(|n| self.text(n))
                // `service[:ro]`; `container:name` names no service
                .filter(|v| !v.starts_with("container:"))
                .map(|v| v.split(':').next().unwrap_or_default().to_string())
                .collect(),
            ..Spec::default()
        };
        for p in node.get("ports").map(Node::as_seq).unwrap_or_default() {
            let published = match &p.value {
                Value::Map(_) => p.get("published").and_then(|n| self.text(n)),
                // `[ip:]host:container[/proto]`; a bare container port
                // publishes on a port the engine picks.
                _ => self.text(p).and_then(|t| {
                    let t = t.split('/').next().unwrap_or(&t).to_string();
                    let parts: Vec<&str> = t.rsplitn(3, ':').collect();
                    (parts.len() >= 2).then(|| parts[1].to_string())
                }),
            };
            if let Some(port) = published.and_then(|p| p.trim().parse::<u16>().ok()) {
                spec.published.push(port);
            }
        }
        if let Some(networks) = node.get("networks") {
            for (_, net) in networks.entries() {
                for alias in self.list(net.get("aliases")) {
                    spec.network_aliases.push(alias.value);
                }
            }
        }
        for link in self.list(node.get("links")) {
            let (service, alias) = match link.value.split_once(':') {
                Some((s, a)) => (s.to_string(), Some(a.to_string())),
                None => (link.value.clone(), None),
            };
            spec.links.push(Link {
                service,
                alias,
                origin: link.origin,
            });
        }
        if let Some(deps) = node.get("depends_on") {
            match &deps.value {
                Value::Seq(_) => spec.depends_on = self.list(Some(deps)),
                Value::Map(entries) => {
                    for (k, _) in entries {
                        if let Some(service) = k.as_str() {
                            spec.depends_on.push(At {
                                value: service.to_string(),
                                origin: self.origin(k),
                            });
                        }
                    }
                }
                Value::Scalar { .. } => {}
            }
        }
        spec.profiles = self
            .list(node.get("profiles"))
            .into_iter()
            .map(|p| p.value)
            .collect();
        if let Some(labels) = node.get("labels") {
            match &labels.value {
                Value::Map(_) => spec.labels = labels.string_map(),
                _ => {
                    for l in self.list(Some(labels)) {
                        let (k, v) = l.value.split_once('=').unwrap_or((&l.value, ""));
                        spec.labels.insert(k.to_string(), v.to_string());
                    }
                }
            }
        }
        if let Some(env_file) = node.get("env_file") {
            let items: Vec<&Node> = match &env_file.value {
                Value::Seq(items) => items.iter().collect(),
                _ => vec![env_file],
            };
            for item in items {
                let (path_node, required) = match &item.value {
                    Value::Map(_) => (
                        item.get("path"),
                        item.get("required")
                            .and_then(Node::as_str)
                            .and_then(settings::parse_bool)
                            .unwrap_or(true),
                    ),
                    _ => (Some(item), true),
                };
                let Some(written) = path_node.and_then(|n| self.text(n)) else {
                    continue;
                };
                spec.env_files.push(EnvFileRef {
                    path: join_path(self.dir, &written),
                    written,
                    required,
                    origin: self.origin(item),
                });
            }
        }
        if let Some(env) = node.get("environment") {
            match &env.value {
                Value::Map(entries) => {
                    for (k, v) in entries {
                        let Some(key) = k.as_str() else { continue };
                        spec.environment.push(EnvDecl {
                            key: key.to_string(),
                            value: v.as_str().map(|t| interpolate(t, self.vars)),
                            origin: if v.is_null() {
                                self.origin(k)
                            } else {
                                self.origin(v)
                            },
                        });
                    }
                }
                Value::Seq(items) => {
                    for item in items {
                        let Some(text) = item.as_str() else { continue };
                        let (key, value) = match text.split_once('=') {
                            Some((k, v)) => (k, Some(interpolate(v, self.vars))),
                            None => (text, None),
                        };
                        spec.environment.push(EnvDecl {
                            key: key.trim().to_string(),
                            value,
                            origin: self.origin(item),
                        });
                    }
                }
                Value::Scalar { .. } => {}
            }
        }
        for volume in node.get("volumes").map(Node::as_seq).unwrap_or_default() {
            let (source, target) = match &volume.value {
                Value::Map(_) => {
                    let kind = volume.str_at(&["type"]);
                    if kind == Some("volume") {
                        if let (Some(source), Some(target)) = (
                            volume.get("source").and_then(|n| self.text(n)),
                            volume.get("target").and_then(|n| self.text(n)),
                        ) {
                            spec.shared.push(SharedDir {
                                source: format!("volume {source}"),
                                target,
                            });
                        }
                    }
                    if kind.is_some_and(|t| t != "bind") {
                        continue;
                    }
                    (
                        volume.get("source").and_then(|n| self.text(n)),
                        volume.get("target").and_then(|n| self.text(n)),
                    )
                }
                _ => match self.text(volume) {
                    Some(text) => {
                        let mut parts = text.splitn(3, ':');
                        (
                            parts.next().map(str::to_string),
                            parts.next().map(str::to_string),
                        )
                    }
                    None => (None, None),
                },
            };
            let (Some(source), Some(target)) = (source, target) else {
                continue;
            };
            // Named volumes have no `.`, `/` or `~` in front.
            if !(source.starts_with('.') || source.starts_with('/') || source.starts_with('~')) {
                spec.shared.push(SharedDir {
                    source: format!("volume {source}"),
                    target,
                });
                continue;
            }
            spec.shared.push(SharedDir {
                source: format!(
                    "host {}",
                    join_path(self.dir, &source).unwrap_or_else(|| source.clone())
                ),
                target: target.clone(),
            });
            if let Some(path) = join_path(self.dir, &source) {
                spec.mounts.push(Mount {
                    source: path,
                    written: source,
                    target,
                });
            }
        }
        if let Some(build) = node.get("build") {
            let (context, dockerfile, target) = match &build.value {
                Value::Map(_) => (
                    build.get("context").and_then(|n| self.text(n)),
                    build.get("dockerfile").and_then(|n| self.text(n)),
                    build.get("target").and_then(|n| self.text(n)),
                ),
                _ => (self.text(build), None, None),
            };
            spec.build = Some(Build {
                context,
                dir: self.dir.to_string(),
                dockerfile,
                target,
            });
        }
        for config in node.get("configs").map(Node::as_seq).unwrap_or_default() {
            let (name, target) = match &config.value {
                Value::Map(_) => (
                    config.str_at(&["source"]).map(str::to_string),
                    config.str_at(&["target"]).map(str::to_string),
                ),
                _ => (config.as_str().map(str::to_string), None),
            };
            let Some(name) = name else { continue };
            if let Some(path) = self.configs.get(&name) {
                spec.mounts.push(Mount {
                    source: path.clone(),
                    written: format!("configs.{name}"),
                    target: target.unwrap_or_else(|| format!("/{name}")),
                });
            }
        }
        if let Some(extends) = node.get("extends") {
            let origin = self.origin(extends);
            match extends.as_str() {
                Some(service) => spec.extends = Some((service.to_string(), None, origin)),
                None => {
                    if let Some(service) = extends.str_at(&["service"]) {
                        let file = extends.get("file").and_then(|n| self.text(n));
                        spec.extends = Some((service.to_string(), file, origin));
                    }
                }
            }
            spec.extends_from = Some(self.file.to_string());
        }
        spec
    }
}

/// The value of an interpolated string when it is known well enough: all of
/// it, or a URL whose only unknown part is the password
/// (`redis://:${REDIS_PASSWORD}@redis:6379` with the password set in the shell).
fn known_value(interp: &Interpolated) -> Option<String> {
    interp.value.clone().or_else(|| {
        let p = &interp.partial;
        (p.contains("://") && !fallout_core::endpoint::redact_url(p).contains(UNSET))
            .then(|| p.clone())
    })
}

/// A resolved environment variable of a service.
struct EnvValue {
    key: String,
    /// `None`: set from the shell, unknown here.
    value: Option<String>,
    origin: Origin,
    strength: Strength,
    via: String,
}

/// Whether a service runs a Redis server: a Redis-compatible image, unless
/// its `entrypoint`/`command` runs only a client (`redis-cli … ping` as a
/// health probe, a benchmark, a one-shot job), which makes it a consumer of
/// the Redis it names, as in Kubernetes.
fn serves_redis(spec: &Spec) -> bool {
    if !spec.image.as_deref().is_some_and(is_redis_image) {
        return false;
    }
    let command: Vec<At<String>> = [&spec.entrypoint, &spec.command]
        .into_iter()
        .flatten()
        .flat_map(|part| words(part))
        .collect();
    let runs = |names: &[&str]| {
        command.iter().any(|w| {
            let word = w.value.trim_matches([';', '&', '|', '(', ')']);
            names.contains(&word.rsplit('/').next().unwrap_or(word))
        })
    };
    if runs(crate::SERVER_PROGRAMS) {
        return true;
    }
    // The command line as its items (a `sh -c` script whole), not split.
    let argv: Vec<&str> = [&spec.entrypoint, &spec.command]
        .into_iter()
        .flatten()
        .flatten()
        .map(|w| w.value.as_str())
        .collect();
    !runs(crate::CLIENT_PROGRAMS) && !crate::idles(&argv)
}

/// Where a service's Redis server listens, from its command, env and config file.
fn server_of(image: &str, spec: &Spec, env: &[EnvValue], tree: &Tree<'_>) -> RedisServer {
    let env: Vec<(&str, Option<&str>, &Origin)> = env
        .iter()
        .map(|e| (e.key.as_str(), e.value.as_deref(), &e.origin))
        .collect();
    let mut command = Vec::new();
    for part in [&spec.entrypoint, &spec.command].into_iter().flatten() {
        command.extend(words(part));
    }
    let mounted = |conf_targets: &BTreeSet<String>| -> Vec<(String, String)> {
        spec.mounts
            .iter()
            .filter(|m| conf_targets.contains(&m.target) || is_server_conf_name(&m.target))
            .filter_map(|m| {
                tree.get(&m.source)
                    .map(|f| (m.target.clone(), f.text.clone()))
            })
            .collect()
    };
    redis_server(image, &env, command, &mounted)
}

/// Whether a mounted file's name says it configures a Redis server.
pub(crate) fn is_server_conf_name(target: &str) -> bool {
    let name = base_name(target).to_ascii_lowercase();
    ["redis", "valkey", "keydb", "sentinel", "dragonfly"]
        .iter()
        .any(|w| name.contains(w))
        && name.ends_with(".conf")
}

/// The config files a server container mounts, as (path inside the
/// container, text), given the `.conf` paths its command line names.
pub(crate) type MountedConfigs<'m> = dyn Fn(&BTreeSet<String>) -> Vec<(String, String)> + 'm;

/// Whether a server runs as a Sentinel: its image (`bitnami/redis-sentinel`)
/// or its command (`redis-sentinel`, `redis-server … --sentinel`).
fn runs_sentinel(image: &str, words: &[At<String>]) -> bool {
    image.to_ascii_lowercase().contains("sentinel")
        || words.iter().any(|w| {
            let word = w.value.trim_matches([';', '&', '|', '(', ')']);
            matches!(
                word.rsplit('/').next().unwrap_or(word),
                "redis-sentinel" | "valkey-sentinel"
            ) || word == "--sentinel"
        })
}

/// Where a Redis server listens and whether it needs a password, from its
/// image, environment (name, value when known, where), command words and
/// its mounted config files, (path, text) (`mounted` gets the `.conf`
/// paths named on the command line). A Sentinel (by image or command)
/// listens on 26379 unless told otherwise and reads `sentinel.conf`; a
/// server reads no `sentinel.conf` mounted beside its own config (Bitnami's
/// chart mounts both into each container). Shared by compose and Kubernetes.
pub(crate) fn redis_server(
    image: &str,
    env: &[(&str, Option<&str>, &Origin)],
    mut all_words: Vec<At<String>>,
    mounted: &MountedConfigs<'_>,
) -> RedisServer {
    let sentinel = runs_sentinel(image, &all_words);
    let mut port = Some(if sentinel { 26379 } else { 6379 });
    let mut tls_port = None;
    // `--unixsocket /run/redis/redis.sock`: a path, not a port
    let mut unixsocket: Option<String> = None;
    let mut requires_auth = false;
    let mut auth_origin: Option<Origin> = None;
    let mut tls_main = false;
    let env_of = |k: &str| env.iter().find(|e| e.0 == k).and_then(|e| e.1);
    // Bitnami images configure the server from env; the official images
    // read none of it (`REDIS_PASSWORD` there is for a script, if any).
    let from_env = crate::configured_from_env(image) || runs_a_script(&all_words);
    for prefix in ["REDIS", "VALKEY"].into_iter().filter(|_| from_env) {
        if let Some(p) = env_of(&format!("{prefix}_PORT_NUMBER")).and_then(|p| p.parse().ok()) {
            port = Some(p);
        }
        if env_of(&format!("{prefix}_TLS_ENABLED")).and_then(settings::parse_bool) == Some(true) {
            let tls = env_of(&format!("{prefix}_TLS_PORT_NUMBER"))
                .or_else(|| env_of(&format!("{prefix}_TLS_PORT")))
                .and_then(|p| p.parse().ok())
                .unwrap_or(6379);
            // Bitnami's libredis.sh turns the plain port off only when both
            // are 6379 (the defaults); `REDIS_TLS_PORT_NUMBER=6380` keeps
            // 6379 plain beside it. One port given to both is TLS.
            if port == Some(tls) {
                port = None;
            }
            tls_port = Some(tls);
        }
        // A password from the shell (value unknown here) is still a password.
        let password = env.iter().find(|e| e.0 == format!("{prefix}_PASSWORD"));
        if let Some(p) = password.filter(|p| {
            p.1 != Some("")
                && env_of("ALLOW_EMPTY_PASSWORD").and_then(settings::parse_bool) != Some(true)
        }) {
            requires_auth = true;
            auth_origin.get_or_insert_with(|| p.2.clone());
        }
    }
    for args in ["REDIS_ARGS", "VALKEY_EXTRA_FLAGS", "REDIS_EXTRA_FLAGS"] {
        if let Some((_, Some(v), origin)) = env.iter().find(|e| e.0 == args) {
            all_words.extend(shell_words(v).into_iter().map(|w| At {
                value: w,
                origin: (*origin).clone(),
            }));
        }
    }
    let mut conf_targets = BTreeSet::new();
    let mut i = 0;
    while i < all_words.len() {
        let word = all_words[i].value.as_str();
        let (flag, inline) = match word.strip_prefix("--") {
            Some(f) => match f.split_once('=') {
                Some((k, v)) => (Some(k), Some(v.to_string())),
                None => (Some(f), None),
            },
            None => (None, None),
        };
        let value = inline
            .clone()
            .or_else(|| all_words.get(i + 1).map(|w| w.value.clone()));
        match flag {
            Some("port") => port = value.and_then(|v| v.parse().ok()).filter(|p| *p != 0),
            Some("tls-port") => tls_port = value.and_then(|v| v.parse().ok()).filter(|p| *p != 0),
            Some("unixsocket") => unixsocket = value.filter(|v| v.starts_with('/')),
            // `--requirepass ""` (Chatwoot's `"$REDIS_PASSWORD"` with the
            // variable empty) turns authentication off, not on.
            Some("requirepass") if value.as_deref().is_some_and(is_empty_value) => {}
            Some("requirepass" | "aclfile") => {
                requires_auth = true;
                // The flag on the command line is where it is told, before
                // a variable that may only feed it.
                auth_origin = Some(all_words[i].origin.clone());
            }
            Some("tls") => {
                tls_main = inline
                    .as_deref()
                    .and_then(settings::parse_bool)
                    .unwrap_or(true)
            }
            None if word.ends_with(".conf") => {
                conf_targets.insert(word.to_string());
            }
            _ => {}
        }
        i += 1;
    }
    // A mounted redis.conf: named on the command line, or a known file name.
    let texts = mounted(&conf_targets);
    // One named on the command line that is not among the scanned files
    // (a ConfigMap outside the scan): what it sets is out of sight.
    let config_unread = !conf_targets.is_empty() && texts.is_empty();
    let sentinel_conf = |path: &str| base_name(path).to_ascii_lowercase().contains("sentinel");
    // A Sentinel reads its sentinel.conf, a server everything else.
    let has_sentinel_conf = texts.iter().any(|(path, _)| sentinel_conf(path));
    for (_, text) in texts.iter().filter(|(path, _)| {
        if sentinel && has_sentinel_conf {
            sentinel_conf(path)
        } else {
            !sentinel_conf(path) || sentinel
        }
    }) {
        let read = config::read_format(Format::Conf, text);
        for s in read.settings {
            match s.key.as_str() {
                "port" => port = s.value.parse().ok().filter(|p| *p != 0),
                "tls-port" => tls_port = s.value.parse().ok().filter(|p| *p != 0),
                "unixsocket" if s.value.trim_matches(['"', '\'']).starts_with('/') => {
                    unixsocket = Some(s.value.trim_matches(['"', '\'']).to_string())
                }
                "requirepass" if is_empty_value(&s.value) => {}
                "requirepass" | "aclfile" => requires_auth = true,
                "user" if !s.value.contains("nopass") && s.value.contains(" on") => {
                    requires_auth = true
                }
                _ => {}
            }
        }
    }
    if tls_main && tls_port.is_none() {
        tls_port = port.take();
    }
    RedisServer {
        image: image.to_string(),
        port,
        tls_port,
        unixsocket: unixsocket.map(Into::into),
        password_secrets: Vec::new(),
        requires_auth,
        config_unread,
        auth_origin,
        sentinel,
    }
}

/// The services of one project, scanned.
struct ProjectScan<'s, 't, 'f, 'a> {
    tree: &'s Tree<'t>,
    project: &'s Project<'f, 'a>,
    /// Every compose file of the tree ([`is_not_a_services_config`]).
    compose_files: &'s BTreeSet<String>,
    /// The parsed files some compose file includes, by path.
    included: &'s BTreeMap<&'s str, &'s Node<'a>>,
    out: &'s mut Scanned,
    claimed: &'s mut BTreeSet<String>,
    scope: Scope,
    dir: String,
    vars: Vars,
    /// env_files whose parse errors were reported already.
    reported: BTreeSet<String>,
}

impl<'s, 't, 'f, 'a> ProjectScan<'s, 't, 'f, 'a> {
    fn new(
        tree: &'s Tree<'t>,
        project: &'s Project<'f, 'a>,
        files: &ProjectFiles<'s, 'a>,
        out: &'s mut Scanned,
        claimed: &'s mut BTreeSet<String>,
    ) -> Self {
        let dir = dir_of(project.base()).to_string();
        ProjectScan {
            tree,
            project,
            compose_files: files.compose_files,
            included: files.included,
            out,
            claimed,
            scope: Scope::Compose(project.base().to_string()),
            dir,
            vars: Vars::new(),
            reported: BTreeSet::new(),
        }
    }

    /// Reads a dotenv file as interpolation variables, each value
    /// interpolated with the variables before it.
    fn read_env_file(
        &mut self,
        path: &str,
        base: &Vars,
    ) -> Option<Vec<(String, Interpolated, Origin)>> {
        let file = self.tree.get(path)?;
        self.claimed.insert(path.to_string());
        let read = config::read_format(Format::Dotenv, &file.text);
        if self.reported.insert(path.to_string()) {
            for e in &read.errors {
                self.out.diagnostics.push(
                    Diagnostic::error(
                        "env-parse",
                        format!("{}; {}", e.message, Format::Dotenv.fix_hint()),
                    )
                    .at(path, Some(e.line), Some(e.col)),
                );
            }
        }
        let mut vars = base.clone();
        let mut out = Vec::new();
        for s in read.settings {
            let value = interpolate(&s.value, &vars);
            let origin = Origin::file(path, s.line);
            vars.insert(
                s.key.clone(),
                Var {
                    value: value.value.clone().unwrap_or_else(|| s.value.clone()),
                    origin: origin.clone(),
                },
            );
            out.push((s.key, value, origin));
        }
        Some(out)
    }

    fn run(&mut self) {
        // The project's .env: the interpolation environment.
        let dotenv = join_path(&self.dir, ".env").unwrap_or_else(|| ".env".into());
        if let Some(vars) = self.read_env_file(&dotenv, &Vars::new()) {
            for (key, value, origin) in vars {
                if let Some(v) = value.value {
                    self.vars.insert(key, Var { value: v, origin });
                }
            }
        }
        // Per-file specs, merged in file order.
        let mut specs: BTreeMap<String, Spec> = BTreeMap::new();
        let mut order: Vec<String> = Vec::new();
        let mut read: BTreeSet<String> = BTreeSet::new();
        for file in &self.project.files {
            // Included files first, as compose loads them.
            if file.root.get("include").is_some() {
                let mut stack = vec![file.path.to_string()];
                read.insert(file.path.to_string());
                self.read_includes(
                    file.path, &file.root, &mut stack, &mut read, &mut specs, &mut order,
                );
            }
            for (name, spec) in self.read_file(file.path, &file.root) {
                if !order.contains(&name) {
                    order.push(name.clone());
                }
                specs.entry(name).or_default().merge(spec, true);
            }
        }
        // extends
        let names = order.clone();
        for name in &names {
            let resolved = self.resolve_extends(&specs, name, 0);
            specs.insert(name.clone(), resolved);
        }
        self.emit(&specs, &order);
    }

    /// The services of the files `path` includes (and those they include),
    /// merged into the project: they join its network, so its services
    /// reach them by name. `stack` holds the files being included, to stop
    /// at a cycle; `read` the files read already (a diamond reads once).
    fn read_includes(
        &mut self,
        path: &str,
        root: &Node,
        stack: &mut Vec<String>,
        read: &mut BTreeSet<String>,
        specs: &mut BTreeMap<String, Spec>,
        order: &mut Vec<String>,
    ) {
        for include in includes(path, root, &self.vars) {
            let project_directory = include.project_directory.clone().or_else(|| {
                include
                    .files
                    .first()
                    .and_then(|(_, at)| at.as_deref())
                    .map(|p| dir_of(p).to_string())
            });
            for (written, at) in &include.files {
                let parsed;
                let root = match at {
                    Some(p) => match self.included.get(p.as_str()) {
                        Some(root) => Some(*root),
                        // A file with no service compose would recognise
                        // (only `networks:`, services without `image`).
                        None => {
                            parsed = self
                                .tree
                                .get(p)
                                .and_then(|f| config::parse_yaml(&f.text).ok())
                                .and_then(|docs| docs.into_iter().next());
                            parsed.as_ref().map(|d| &d.root)
                        }
                    },
                    None => None,
                };
                let (Some(p), Some(root)) = (at, root) else {
                    let why = if at.is_none()
                        && (written.contains("://") || written.starts_with("git@"))
                    {
                        "a remote project, which fallout does not fetch: check it out and scan it with this project"
                    } else if at.is_none() {
                        "outside the scanned tree: scan the folder that holds it too"
                    } else {
                        "not among the scanned files: scan the folder that holds it too"
                    };
                    self.out.diagnostics.push(
                        Diagnostic::warning(
                            "compose-include-missing",
                            format!("`include` names `{written}`, {why}; its services were not read, so what this project's services say about them is not linked"),
                        )
                        .at_origin(&include.origin),
                    );
                    continue;
                };
                if stack.iter().any(|s| s == p) {
                    self.out.diagnostics.push(
                        Diagnostic::warning(
                            "compose-include-cycle",
                            format!("`include` names `{written}`, which includes this file again (through {}); docker compose refuses the project: break the cycle", stack.join(" → ")),
                        )
                        .at_origin(&include.origin),
                    );
                    continue;
                }
                if !read.insert(p.clone()) {
                    continue;
                }
                self.claimed.insert(p.clone());
                if self.compose_files.contains(p)
                    && BASE_NAMES
                        .iter()
                        .any(|n| base_name(p).eq_ignore_ascii_case(n))
                {
                    self.out.diagnostics.push(
                        Diagnostic::info(
                            "compose-include-also-project",
                            format!("`{written}` is included here and is also a project of its own (`docker compose up` in its folder runs it alone): its services are two sets of containers, `{}#<service>` here and `{p}#<service>` alone; a change names one of them", self.project.base()),
                        )
                        .at_origin(&include.origin),
                    );
                }
                // The included files' own env files, under the including
                // project's variables (those win, as in compose).
                let outer = self.vars.clone();
                let env_files = if include.env_files.is_empty() {
                    project_directory
                        .as_deref()
                        .and_then(|d| join_path(d, ".env"))
                        .into_iter()
                        .collect()
                } else {
                    include.env_files.clone()
                };
                let mut vars = Vars::new();
                for env in &env_files {
                    for (key, value, origin) in self.read_env_file(env, &vars).unwrap_or_default() {
                        if let Some(v) = value.value {
                            vars.insert(key, Var { value: v, origin });
                        }
                    }
                }
                vars.extend(outer.clone());
                self.vars = vars;
                stack.push(p.clone());
                self.read_includes(p, root, stack, read, specs, order);
                stack.pop();
                let dir = project_directory
                    .clone()
                    .unwrap_or_else(|| dir_of(p).to_string());
                for (name, spec) in self.read_file_in(p, &dir, root) {
                    if !order.contains(&name) {
                        order.push(name.clone());
                    }
                    specs.entry(name).or_default().merge(spec, true);
                }
                self.vars = outer;
            }
        }
    }

    fn read_file(&mut self, path: &str, root: &Node) -> Vec<(String, Spec)> {
        self.read_file_in(path, dir_of(path), root)
    }

    /// The services of the compose file at `path`, its relative paths
    /// resolved against `dir` (an include's `project_directory`).
    fn read_file_in(&mut self, path: &str, dir: &str, root: &Node) -> Vec<(String, Spec)> {
        let dir = dir.to_string();
        let mut configs = BTreeMap::new();
        for (name, config) in root
            .get("configs")
            .map(|c| c.entries().collect::<Vec<_>>())
            .unwrap_or_default()
        {
            if let Some(file) = config.get("file").and_then(Node::as_str) {
                let file = interpolate(file, &self.vars)
                    .value
                    .unwrap_or_else(|| file.to_string());
                if let Some(p) = join_path(&dir, &file) {
                    configs.insert(name.to_string(), p);
                }
            }
        }
        let reader = SpecReader {
            file: path,
            dir: &dir,
            vars: &self.vars,
            configs,
        };
        let mut out = Vec::new();
        if let Some(services) = root.get("services").and_then(Node::as_map) {
            for (k, v) in services {
                let Some(name) = k.as_str() else { continue };
                out.push((name.to_string(), reader.read(k.line, v)));
            }
        }
        // `${VAR:?err}` that compose would stop on.
        self.required_vars(path, root);
        out
    }

    fn required_vars(&mut self, path: &str, node: &Node) {
        match &node.value {
            Value::Scalar { .. } => {
                if let Some(text) = node.as_str() {
                    for name in interpolate(text, &self.vars).required_unset() {
                        self.out.diagnostics.push(
                            Diagnostic::warning(
                                "compose-variable-unset",
                                format!("`{name}` is required here but not set in the project's .env; set it there so the value can be read"),
                            )
                            .at(path, Some(node.line), Some(node.col)),
                        );
                    }
                }
            }
            Value::Seq(items) => items.iter().for_each(|i| self.required_vars(path, i)),
            Value::Map(entries) => entries
                .iter()
                .for_each(|(_, v)| self.required_vars(path, v)),
        }
    }

    fn resolve_extends(&mut self, specs: &BTreeMap<String, Spec>, name: &str, depth: u32) -> Spec {
        let Some(spec) = specs.get(name).cloned() else {
            return Spec::default();
        };
        let Some((service, file, origin)) = spec.extends.clone() else {
            return spec;
        };
        if depth > 8 {
            return spec;
        }
        let base = match &file {
            None => specs
                .get(&service)
                .map(|_| self.resolve_extends(specs, &service, depth + 1)),
            Some(file) => {
                let from_dir = spec
                    .extends_from
                    .as_deref()
                    .map(dir_of)
                    .unwrap_or(&self.dir)
                    .to_string();
                let path = join_path(&from_dir, file);
                let root = path.as_ref().and_then(|p| {
                    let text = &self.tree.get(p)?.text;
                    config::parse_yaml(text)
                        .ok()?
                        .into_iter()
                        .next()
                        .map(|d| d.root)
                });
                match (path, root) {
                    (Some(path), Some(root)) => {
                        self.claimed.insert(path.clone());
                        let other: BTreeMap<String, Spec> =
                            self.read_file(&path, &root).into_iter().collect();
                        other
                            .contains_key(&service)
                            .then(|| self.resolve_extends(&other, &service, depth + 1))
                    }
                    _ => None,
                }
            }
        };
        match base {
            Some(mut base) => {
                let defined_at = spec.defined_at.clone();
                base.defined_at = None;
                base.extends = None;
                base.merge(spec, false);
                base.defined_at = defined_at;
                base.extends = None;
                base
            }
            None => {
                let detail = match &file {
                    Some(f) => format!("service `{service}` in `{f}`"),
                    None => format!("service `{service}`"),
                };
                self.out.diagnostics.push(
                    Diagnostic::warning(
                        "compose-extends-missing",
                        format!("`{name}` extends {detail}, which was not found; its inherited settings were not read"),
                    )
                    .at_origin(&origin),
                );
                spec
            }
        }
    }

    /// A service's environment: env_files in order, then `environment`.
    fn environment(&mut self, spec: &Spec) -> Vec<EnvValue> {
        let mut env: Vec<EnvValue> = Vec::new();
        let set = |env: &mut Vec<EnvValue>, v: EnvValue| {
            env.retain(|e| e.key != v.key);
            env.push(v);
        };
        for f in &spec.env_files {
            let read = f.path.clone().and_then(|p| {
                let vars = self.vars.clone();
                self.read_env_file(&p, &vars)
            });
            match read {
                Some(vars) => {
                    for (key, value, origin) in vars {
                        let via = format!("env_file {}: {key}", f.written);
                        set(
                            &mut env,
                            EnvValue {
                                key,
                                value: known_value(&value),
                                origin,
                                strength: Strength::Indirect,
                                via,
                            },
                        );
                    }
                }
                None if f.required && f.path.is_none() => {
                    self.out.diagnostics.push(
                        Diagnostic::warning(
                            "compose-env-file-outside",
                            format!("env_file `{}` is outside the scanned tree; its settings were not read", f.written),
                        )
                        .at_origin(&f.origin),
                    );
                }
                None if f.required => {
                    let looked = f.path.as_deref().unwrap_or_default();
                    self.out.diagnostics.push(
                        Diagnostic::error(
                            "compose-env-file-missing",
                            format!(
                                "env_file `{}` not found (looked for {looked}); add the file, or mark it `required: false` if it is optional",
                                f.written
                            ),
                        )
                        .at_origin(&f.origin),
                    );
                }
                None => {}
            }
        }
        for decl in &spec.environment {
            let value = match &decl.value {
                Some(interp) => {
                    let from: Vec<(&str, &Origin)> = interp.from_vars().collect();
                    let (origin, strength, via) = if from.is_empty() {
                        (
                            decl.origin.clone(),
                            Strength::Explicit,
                            format!("env {}", decl.key),
                        )
                    } else if interp.whole {
                        (
                            from[0].1.clone(),
                            Strength::Indirect,
                            format!("env {} from .env", decl.key),
                        )
                    } else {
                        let names: Vec<String> =
                            from.iter().map(|(n, _)| format!("${{{n}}}")).collect();
                        (
                            decl.origin.clone(),
                            Strength::Indirect,
                            format!("env {} with {} from .env", decl.key, names.join(", ")),
                        )
                    };
                    let value = known_value(interp);
                    EnvValue {
                        key: decl.key.clone(),
                        value,
                        origin,
                        strength,
                        via,
                    }
                }
                None => match self.vars.get(&decl.key) {
                    Some(var) => EnvValue {
                        key: decl.key.clone(),
                        value: Some(var.value.clone()),
                        origin: var.origin.clone(),
                        strength: Strength::Indirect,
                        via: format!("env {} from .env", decl.key),
                    },
                    // From the shell: an env_file value stays if there is one.
                    None if env.iter().any(|e| e.key == decl.key) => continue,
                    None => EnvValue {
                        key: decl.key.clone(),
                        value: None,
                        origin: decl.origin.clone(),
                        strength: Strength::Inferred,
                        via: format!("env {}", decl.key),
                    },
                },
            };
            set(&mut env, value);
        }
        env
    }

    fn emit(&mut self, specs: &BTreeMap<String, Spec>, order: &[String]) {
        let base = self.project.base().to_string();
        // Resolve each service's environment once.
        let mut envs: BTreeMap<&str, Vec<EnvValue>> = BTreeMap::new();
        for name in order {
            let env = self.environment(&specs[name]);
            envs.insert(name, env);
        }
        // Redis servers and every name they answer to.
        let redis: BTreeSet<&str> = order
            .iter()
            .filter(|n| serves_redis(&specs[*n]))
            .map(String::as_str)
            .collect();
        let mut aliases: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for name in order {
            let spec = &specs[name];
            let list = aliases.entry(name).or_default();
            list.push(name.clone());
            list.extend(spec.container_name.iter().cloned());
            list.extend(spec.hostname.iter().cloned());
            list.extend(spec.network_aliases.iter().cloned());
        }
        for name in order {
            for link in &specs[name].links {
                if let (Some(alias), Some(list)) =
                    (&link.alias, aliases.get_mut(link.service.as_str()))
                {
                    if !list.contains(alias) {
                        list.push(alias.clone());
                    }
                }
            }
        }
        let redis_names: BTreeSet<String> = redis
            .iter()
            .flat_map(|r| aliases[r].iter().map(|a| a.to_ascii_lowercase()))
            .collect();
        // The names of the project's services that run something else, from
        // an image the scan knows (a proxy passes Redis on: not one of them).
        let other_names: BTreeMap<String, &str> = order
            .iter()
            .filter(|n| !redis.contains(n.as_str()))
            .filter_map(|n| {
                let spec = &specs[n.as_str()];
                let image = spec.image.as_deref()?;
                (spec.build.is_none() && crate::proxy_of_image(image).is_none()).then(|| {
                    aliases[n.as_str()]
                        .iter()
                        .map(move |a| (a.to_ascii_lowercase(), image))
                })
            })
            .flatten()
            .filter(|(a, _)| !redis_names.contains(a))
            .collect();
        let servers: BTreeMap<&str, RedisServer> = redis
            .iter()
            .filter_map(|&name| {
                let spec = &specs[name];
                let image = spec.image.as_deref()?;
                Some((name, server_of(image, spec, &envs[name], self.tree)))
            })
            .collect();

        let built = self.built_by_service(specs, order);

        for name in order {
            let spec = &specs[name];
            let env = &envs[name.as_str()];
            let id = ConsumerId::compose(&base, name);
            let defined_at = spec
                .defined_at
                .clone()
                .unwrap_or_else(|| Origin::file(base.as_str(), 0));
            let server = servers.get(name.as_str()).cloned();
            let loopback = loopback_of(name, specs, &servers);
            let mut list = aliases[name.as_str()].clone();
            list.dedup();
            self.out.facts.push(Fact::Workload(Workload {
                id: id.clone(),
                pod_labels: BTreeMap::new(),
                labels: spec.labels.clone(),
                defined_at,
                server,
                aliases: list,
                scope: self.scope.clone(),
                profiles: spec.profiles.clone(),
                proxy: spec
                    .image
                    .as_deref()
                    .and_then(crate::proxy_of_image)
                    .map(str::to_string),
            }));

            let mut found: Vec<Found> = Vec::new();
            // environment, env_file, .env
            // Framework spellings apply to env too (Laravel `REDIS_SCHEME=tls`).
            let mut kvs: Vec<KeyValue> = env
                .iter()
                .filter_map(|e| {
                    Some(KeyValue {
                        key: e.key.clone(),
                        value: e.value.clone()?,
                        origin: e.origin.clone(),
                        strength: e.strength,
                        via: e.via.clone(),
                    })
                })
                .collect();
            // Settings inside a variable (`JAVA_OPTS` flags,
            // `SPRING_APPLICATION_JSON`), as for a Kubernetes container.
            let embedded: Vec<KeyValue> = kvs.iter().flat_map(embedded_settings).collect();
            kvs.extend(embedded);
            let env_found = frameworks::find_endpoints(Reading::Settings, &kvs);
            // A value naming a Redis in a form the scan cannot read, said
            // once per line (an env_file is shared by several services).
            for d in settings::unreadable_warnings(&kvs) {
                if self
                    .reported
                    .insert(format!("{:?}:{:?}:unreadable", d.path, d.line))
                {
                    self.out.diagnostics.push(d);
                }
            }
            let is_redis = |f: &Found| {
                f.says_redis || redis_names.contains(&f.endpoint.host.to_ascii_lowercase())
            };
            match spec
                .image
                .as_deref()
                .filter(|i| crate::is_other_datastore_image(i))
            {
                // Superset's `db: {image: postgres, env_file: docker/.env}`
                // shares the apps' env file: Postgres reads no REDIS_HOST.
                Some(image) => {
                    if let Some(first) = env_found.iter().find(|f| is_redis(f)) {
                        self.out.diagnostics.push(crate::not_a_consumer(
                            &format!("service {name}"),
                            image,
                            &first.evidence,
                        ));
                    }
                }
                None => found.extend(env_found),
            }
            // command and entrypoint
            // A healthcheck runs in the container, on every interval: a
            // `redis-cli -h cache ping` check is a client of that Redis (TLS
            // or a password makes the service unhealthy, and what waits on
            // `service_healthy` never starts).
            let healthcheck = match &spec.healthcheck {
                Some(Ok(words)) => Some(words),
                Some(Err(origin)) => {
                    self.out.diagnostics.push(
                        Diagnostic::warning(
                            "compose-healthcheck-unread",
                            format!("service `{name}`: `healthcheck.test` is neither a string nor a list starting with CMD, CMD-SHELL or NONE, so its command was not read (docker compose refuses it too): write it in one of those forms"),
                        )
                        .at_origin(origin),
                    );
                    None
                }
                None => None,
            };
            for (what, part) in [
                ("entrypoint", spec.entrypoint.as_ref()),
                ("command", spec.command.as_ref()),
                ("healthcheck", healthcheck),
            ] {
                if let Some(part) = part {
                    found.extend(find_endpoints(&flag_settings(
                        &words(part),
                        what,
                        Strength::Explicit,
                    )));
                }
            }
            // mounted config files
            let files_start = found.len();
            let mut mounted = BTreeSet::new();
            for m in &spec.mounts {
                for (path, reading) in self.mounted_files(m) {
                    found.extend(self.mounted_settings(&path, &Delivery::Mounted(m), reading, env));
                    mounted.insert(path);
                }
            }
            // config files of the build context (a folder also mounted is
            // read as mounted: the mount is what the container sees)
            for b in built.get(name.as_str()).into_iter().flatten() {
                if !mounted.contains(&b.path) {
                    found.extend(self.mounted_settings(
                        &b.path,
                        &Delivery::Built(b),
                        b.reading,
                        env,
                    ));
                }
            }
            // A variable a config file reads (`os.environ.get("REDIS_URL",
            // …)`) is that file's reading, cited at the variable's line:
            // the variable read on its own again would say less (Celery's
            // `broker_use_ssl` makes the file's URL TLS, not the variable's).
            if found.len() > files_start {
                let read_by_files: Vec<(Origin, String, Option<u16>)> = found[files_start..]
                    .iter()
                    .map(|f| {
                        (
                            f.evidence.origin.clone(),
                            f.endpoint.host.clone(),
                            f.endpoint.port,
                        )
                    })
                    .collect();
                let read = |f: &Found| {
                    read_by_files.iter().position(|(origin, host, port)| {
                        *origin == f.evidence.origin
                            && *host == f.endpoint.host
                            && *port == f.endpoint.port
                    })
                };
                // The variable's own strength stays (a literal in the
                // service's environment is explicit, whoever reads it).
                let strongest: Vec<(usize, Strength)> = found[..files_start]
                    .iter()
                    .filter_map(|f| Some((files_start + read(f)?, f.evidence.strength)))
                    .collect();
                for (i, strength) in strongest {
                    let e = &mut found[i].evidence;
                    e.strength = e.strength.min(strength);
                }
                let mut at = 0;
                found.retain(|f| {
                    at += 1;
                    at > files_start || read(f).is_none()
                });
            }
            let mut seen = BTreeSet::new();
            for mut f in found {
                // A Unix socket is a file: the Redis that serves that file
                // through a volume both mount, or none.
                if f.endpoint.is_socket() {
                    match socket_server(name, &f.endpoint.host, specs, &servers) {
                        Ok((service, how)) => {
                            f.evidence.detail = format!("{} ({how})", f.evidence.detail);
                            if seen.insert((f.endpoint.clone(), f.evidence.origin.clone())) {
                                let server = ConsumerId::compose(&base, &service);
                                self.out.facts.push(Fact::Reference(f.into_reference(
                                    &id,
                                    &self.scope,
                                    Some(Box::new(server)),
                                )));
                            }
                        }
                        Err(None) => {}
                        Err(Some(why)) => self.out.diagnostics.push(
                            Diagnostic::warning(
                                "socket-unlinked",
                                format!(
                                    "{} names the Unix socket {}, and {why}: linked to no Redis; share the socket's folder with the Redis service through a volume both mount (and set its `unixsocket` there), or name the Redis by host and port",
                                    f.evidence.detail, f.endpoint.host
                                ),
                            )
                            .at_origin(&f.evidence.origin),
                        ),
                    }
                    continue;
                }
                let host = f.endpoint.host.to_ascii_lowercase();
                let loopback = if is_loopback(&host) {
                    &loopback
                } else {
                    &Loopback::Own
                };
                let redis_port = matches!(f.endpoint.port, Some(6379 | 6380 | 26379));
                let same_network_as = match loopback {
                    Loopback::Own => {
                        // A Redis service's own localhost is itself: its
                        // healthcheck's `redis-cli -h 127.0.0.1 ping`, a
                        // script of its own, are no client of anything.
                        if is_loopback(&host) {
                            continue;
                        }
                        if !(f.says_redis || redis_names.contains(&host)) {
                            continue;
                        }
                        // A Redis-named setting pointing at a service of the
                        // project that runs no Redis, on a port that is not
                        // Redis's (`REDIS_DOCS_HOST=redis-docs` +
                        // `REDIS_DOCS_PORT=80`, an nginx): no Redis, as for
                        // a Kubernetes Service.
                        let known = redis_names.contains(&host)
                            || f.host_says_redis()
                            || crate::k8s::is_managed_redis_host(&host)
                            || redis_port;
                        let other = other_names.get(&host);
                        if !known && other.is_some() && f.endpoint.port.is_some() {
                            self.out.diagnostics.push(
                                Diagnostic::info(
                                    "not-a-redis",
                                    format!(
                                        "{} names {host}, a service of the project that runs no Redis, on port {}: not read as a Redis",
                                        f.evidence.detail,
                                        f.endpoint.port_or_default()
                                    ),
                                )
                                .at_origin(&f.evidence.origin),
                            );
                            continue;
                        }
                        // Otherwise (no port written, a name that says
                        // Redis) it may still be a Redis the scan does not
                        // know by its image: a lead, not a fact.
                        if let Some(image) = other {
                            f.evidence.strength = Strength::Inferred;
                            f.evidence.detail = format!(
                                "{} (a service of the project that runs {image}, not a Redis image)",
                                f.evidence.detail
                            );
                        }
                        None
                    }
                    // An exporter in the Redis's network is part of it.
                    Loopback::Service { .. }
                        if spec
                            .image
                            .as_deref()
                            .is_some_and(crate::k8s::is_exporter_image) =>
                    {
                        continue
                    }
                    Loopback::Service {
                        service,
                        ports,
                        how,
                    } => {
                        let serves = f.endpoint.port.is_some_and(|p| ports.contains(&Some(p)));
                        if !(f.says_redis || serves || redis_port) {
                            continue;
                        }
                        f.evidence.detail = format!("{} ({how})", f.evidence.detail);
                        Some(ConsumerId::compose(&base, service))
                    }
                    Loopback::Unknown { why, published } => {
                        if !(f.says_redis || redis_port) {
                            continue;
                        }
                        let port = f.endpoint.port_or_default();
                        // The host's port, published by a Redis service of
                        // the project: a lead, not a fact.
                        let publisher = published
                            .iter()
                            .find(|(p, _)| *p == port)
                            .map(|(_, s)| s.clone());
                        if let Some(publisher) = &publisher {
                            self.out.facts.push(Fact::Hint(Hint {
                                consumer: id.clone(),
                                target: HintTarget::Name {
                                    scope: self.scope.clone(),
                                    host: publisher.clone(),
                                },
                                evidence: Evidence::new(
                                    Strength::Inferred,
                                    f.evidence.origin.clone(),
                                    format!(
                                        "{} ({why}; service {publisher} publishes port {port} there)",
                                        f.evidence.detail
                                    ),
                                ),
                            }));
                        }
                        self.out.diagnostics.push(
                            Diagnostic::info(
                                "loopback-unlinked",
                                format!(
                                    "{} names {}, and `{name}` {why}: {}",
                                    f.evidence.detail,
                                    f.endpoint.address(),
                                    match publisher {
                                        Some(p) => format!(
                                            "linked to {p}, which publishes port {port} on the host, as inferred only"
                                        ),
                                        None => "linked to no Redis".to_string(),
                                    }
                                ),
                            )
                            .at_origin(&f.evidence.origin),
                        );
                        continue;
                    }
                };
                if !seen.insert((f.endpoint.clone(), f.evidence.origin.clone())) {
                    continue;
                }
                self.out.facts.push(Fact::Reference(f.into_reference(
                    &id,
                    &self.scope,
                    same_network_as.map(Box::new),
                )));
            }
            // A Redis-named address whose value comes from the shell.
            for e in env.iter().filter(|e| e.value.is_none()) {
                if settings::says_redis(&e.key) && is_address_key(&e.key) {
                    self.out.facts.push(Fact::Hint(Hint {
                        consumer: id.clone(),
                        target: HintTarget::AnyInScope(self.scope.clone()),
                        evidence: Evidence::new(
                            Strength::Inferred,
                            e.origin.clone(),
                            format!(
                                "{} is set from the shell environment, not known when scanning",
                                e.via
                            ),
                        ),
                    }));
                }
            }
            // depends_on and links name a Redis service: inferred only.
            let mut named: Vec<(String, Origin, String)> = spec
                .depends_on
                .iter()
                .map(|d| {
                    (
                        d.value.clone(),
                        d.origin.clone(),
                        format!("depends_on {}", d.value),
                    )
                })
                .collect();
            named.extend(spec.links.iter().map(|l| {
                let written = match &l.alias {
                    Some(a) => format!("links {}:{a}", l.service),
                    None => format!("links {}", l.service),
                };
                (l.service.clone(), l.origin.clone(), written)
            }));
            for (target, origin, detail) in named {
                if redis.contains(target.as_str()) {
                    self.out.facts.push(Fact::Hint(Hint {
                        consumer: id.clone(),
                        target: HintTarget::Name {
                            scope: self.scope.clone(),
                            host: target,
                        },
                        evidence: Evidence::new(Strength::Inferred, origin, detail),
                    }));
                }
            }
        }
    }

    /// The config files of each service's build context, only for services
    /// with `build:`. A file one service's Dockerfile copies into its image
    /// is that service's, not maybe every other's built from a folder
    /// holding it (a monorepo's services built from `.`, each copying its
    /// own folder). Every file kept is claimed: it is no app of its own.
    fn built_by_service<'n>(
        &mut self,
        specs: &BTreeMap<String, Spec>,
        order: &'n [String],
    ) -> BTreeMap<&'n str, Vec<BuiltFile>> {
        // Services built alike share their files; services built from one
        // folder (a monorepo's `context: .`, each with its Dockerfile)
        // share its listing, read once (once per service was services ×
        // files).
        let mut listed: BTreeMap<&Build, Vec<BuiltFile>> = BTreeMap::new();
        let mut folders: BTreeMap<String, Vec<(String, &'t SourceFile, Reading)>> = BTreeMap::new();
        let mut built: BTreeMap<&str, Vec<BuiltFile>> = BTreeMap::new();
        for name in order {
            let Some(build) = &specs[name].build else {
                continue;
            };
            let files = match listed.get(build) {
                Some(files) => files.clone(),
                None => {
                    let files = match build.context() {
                        Some((dir, _)) => {
                            let listing = folders
                                .entry(dir.clone())
                                .or_insert_with(|| self.folder_listing(&dir));
                            self.built_files(build, listing)
                        }
                        None => Vec::new(),
                    };
                    listed.insert(build, files.clone());
                    files
                }
            };
            // A file the service reads as its env_file is its
            // environment, not a config file its image may hold.
            let env_files: Vec<&str> = specs[name]
                .env_files
                .iter()
                .filter_map(|f| f.path.as_deref())
                .collect();
            let mut files = files;
            files.retain(|f| !env_files.contains(&f.path.as_str()));
            built.insert(name, files);
        }
        let copied: BTreeSet<String> = built
            .values()
            .flatten()
            .filter(|f| f.copied_by.is_some())
            .map(|f| f.path.clone())
            .collect();
        for files in built.values_mut() {
            files.retain(|f| f.copied_by.is_some() || !copied.contains(&f.path));
            for f in files.iter() {
                self.claimed.insert(crate::projects::normalize(&f.path));
            }
        }
        built
    }

    /// The config files a bind mount brings into the container: the file
    /// itself, or the config files under a mounted folder.
    fn mounted_files(&mut self, m: &Mount) -> Vec<(String, Reading)> {
        if self.tree.get(&m.source).is_some() {
            let reading = frameworks::config_file(&m.target)
                .or_else(|| frameworks::config_file(&m.source))
                .map(|f| f.reading)
                .unwrap_or(Reading::Settings);
            self.claimed.insert(m.source.clone());
            return vec![(m.source.clone(), reading)];
        }
        let prefix = if m.source.is_empty() {
            String::new()
        } else {
            format!("{}/", m.source)
        };
        let mut out = Vec::new();
        for file in self.tree.all_files() {
            if let Some(rest) = file.path.strip_prefix(&prefix) {
                let inside = format!("{}/{rest}", m.target.trim_end_matches('/'));
                if let Some(reading) = folder_file_reading(file, &inside, self.compose_files) {
                    self.claimed.insert(file.path.clone());
                    out.push((file.path.clone(), reading));
                }
            }
        }
        out
    }

    /// The files of a folder a service's config may be among, each with
    /// how it is read ([`folder_file_reading`]).
    fn folder_listing(&self, dir: &str) -> Vec<(String, &'t SourceFile, Reading)> {
        self.tree
            .under(dir)
            .filter_map(|(rest, file)| {
                let reading = folder_file_reading(file, rest, self.compose_files)?;
                Some((rest.to_string(), file, reading))
            })
            .collect()
    }

    /// The config files of a service's build context (`build: ./svc/feed`),
    /// from its folder's `listing`: the same files a folder mounted whole
    /// gives (the folder's compose files, manifests and charts are not
    /// among them), each with the Dockerfile line that copies it into the
    /// image when one does. Files under the context are the service's
    /// rather than an app's of their own, but they are not claimed here:
    /// [`Self::emit`] decides which service of the project each one is.
    fn built_files(
        &self,
        build: &Build,
        listing: &[(String, &'t SourceFile, Reading)],
    ) -> Vec<BuiltFile> {
        let Some((dir, written)) = build.context() else {
            return Vec::new();
        };
        let dockerfile = match &build.dockerfile {
            Some(d) => join_path(&dir, d).and_then(|p| self.tree.get(&p)),
            None => ["Dockerfile", "Containerfile"]
                .iter()
                .find_map(|d| self.tree.get(&join_path(&dir, d)?)),
        };
        let copies = dockerfile
            .map(|f| crate::dockerfile::image_copies(&f.text, build.target.as_deref()))
            .unwrap_or_default();
        let shown = written.trim_end_matches('/');
        let mut out = Vec::new();
        for (rest, file, reading) in listing {
            let (rest, reading) = (rest.as_str(), *reading);
            let copied_by = copies.iter().find(|c| c.covers(rest)).and_then(|c| {
                let dockerfile = dockerfile?;
                Some(Origin::file(dockerfile.path.as_str(), c.line))
            });
            let why_maybe = match dockerfile {
                _ if copied_by.is_some() => String::new(),
                Some(d) => format!("not copied by {}", d.path),
                None => "no Dockerfile scanned".to_string(),
            };
            out.push(BuiltFile {
                path: file.path.clone(),
                reading,
                written: format!("{shown}/{rest}"),
                copied_by,
                why_maybe,
            });
        }
        out
    }

    /// The settings of a config file the service has, mounted or in its
    /// build context (`delivery`, which sets the detail and the strength:
    /// indirect, or inferred for a built file no copy into the image is
    /// known for). One that reads an environment
    /// variable (`<%= ENV.fetch("REDIS_URL") { … } %>`) has the service's
    /// value of it, where the value is; its fallback counts only when the
    /// service does not set it, and then as inferred.
    fn mounted_settings(
        &mut self,
        path: &str,
        delivery: &Delivery<'_>,
        reading: Reading,
        env: &[EnvValue],
    ) -> Vec<Found> {
        let Some(file) = self.tree.get(path) else {
            return Vec::new();
        };
        let format = config::format_of(path);
        let mut read = config::read_file(format, path, &file.text);
        let profiles = config::profile_variables(path)
            .iter()
            .find_map(|var| env.iter().rev().find(|e| e.key == *var));
        let apart = config::with_profiles(
            &mut read.settings,
            match profiles {
                Some(e) => e.value.as_deref(),
                None => config::default_profile(path),
            },
        );
        for e in &read.errors {
            if self.reported.insert(format!("{path}:{}", e.line)) {
                self.out.diagnostics.push(
                    Diagnostic::error(
                        format.parse_code(),
                        format!("{}; {}", e.message, format.fix_hint()),
                    )
                    .at(path, Some(e.line), Some(e.col)),
                );
            }
        }
        if self.reported.insert(format!("{path}:duplicate-keys")) {
            self.out
                .diagnostics
                .extend(read.duplicate_key_warnings(path));
        }
        // [`Self::mounted_files`] gives source code in a folder `UrlsOnly`
        // (no framework's config file is read that way).
        let code_in_folder = reading == Reading::UrlsOnly;
        let reading = if format == Format::Text {
            Reading::UrlsOnly
        } else {
            reading
        };
        // How the file is named in the detail, how strong a setting of it
        // is, and what to say of source code in the folder.
        let (written, strength, code) = match delivery {
            Delivery::Mounted(m) => (
                match path.strip_prefix(&m.source) {
                    Some("") => m.written.clone(),
                    // `.:/app` mounts the tree's root (`source` is empty).
                    Some(rest) => format!(
                        "{}/{}",
                        m.written.trim_end_matches('/'),
                        rest.trim_start_matches('/')
                    ),
                    None => path.to_string(),
                },
                Strength::Indirect,
                "code in a mounted folder",
            ),
            // A file the Dockerfile copies into the image is as much the
            // service's as a mounted one; one it does not copy (or with no
            // Dockerfile to tell) is only maybe in the image.
            Delivery::Built(b) => (
                b.written.clone(),
                if b.copied_by.is_some() {
                    Strength::Indirect
                } else {
                    Strength::Inferred
                },
                "code in the build context",
            ),
        };
        let written = match delivery {
            Delivery::Mounted(_) => format!("mounted {written}"),
            Delivery::Built(b) => match &b.copied_by {
                Some(at) => format!("in build context {written} (copied into the image by {at})"),
                None => format!(
                    "in build context {written} ({}: whether the image holds it is not known)",
                    b.why_maybe
                ),
            },
        };
        let kvs: Vec<KeyValue> = frameworks::apply(reading, &read.settings)
            .into_iter()
            // node-config: a variable the service does not set sets no key.
            .filter(|r| match &r.default_of {
                Some(d) if d.only_when_set => env.iter().any(|e| e.key == d.var),
                _ => true,
            })
            .map(|r| {
                let via = if r.written.is_empty() {
                    written.clone()
                } else {
                    format!("{written}: {}", r.written)
                };
                let set = r.default_of.as_ref().and_then(|d| {
                    let e = env.iter().rev().find(|e| e.key == d.var)?;
                    Some((d, e, e.value.as_deref()?))
                });
                let doc = ConditionalDocument::of(&apart, &r.written);
                let mut kv = match (&r.default_of, set) {
                    (_, Some((d, e, value))) => KeyValue {
                        key: r.setting_key(),
                        value: d.with_value(&r.value, value),
                        origin: e.origin.clone(),
                        strength: e.strength.max(strength),
                        via: format!("{via} from {}", e.via),
                    },
                    (Some(d), None) => KeyValue {
                        key: r.setting_key(),
                        value: r.value,
                        origin: Origin::file(path, r.line),
                        strength: Strength::Inferred,
                        via: format!(
                            "{via} (default of {}, which the service does not set)",
                            d.var
                        ),
                    },
                    // Source code in a folder mounted whole (`.:/app`) or
                    // built from: the folder may hold other services' code
                    // too, so which of it this service runs is not known.
                    (None, _) if code_in_folder => KeyValue {
                        key: r.setting_key(),
                        value: r.value,
                        origin: Origin::file(path, r.line),
                        strength: Strength::Inferred,
                        via: format!("{via} ({code}: whether this service runs it is not known)"),
                    },
                    (None, _) => KeyValue {
                        key: r.setting_key(),
                        value: r.value,
                        origin: Origin::file(path, r.line),
                        strength,
                        via,
                    },
                };
                // A Spring profile document whose activation is not known.
                if let Some(doc) = doc {
                    kv.strength = Strength::Inferred;
                    kv.via = doc.only(&kv.via);
                }
                kv
            })
            .collect();
        find_endpoints(&kvs)
    }
}

/// How a file of a folder a service has (mounted whole, or its build
/// context) is read as the service's config, `inside` being its path in
/// the container (or under the context); `None` when it is not the
/// service's config. A folder mounted whole (`.:/app`, the usual dev
/// layout) holds the project's compose files, manifests and charts too:
/// they describe other services, not this one's config.
fn folder_file_reading(
    file: &SourceFile,
    inside: &str,
    compose_files: &BTreeSet<String>,
) -> Option<Reading> {
    if is_not_a_services_config(file, compose_files) {
        return None;
    }
    match frameworks::config_file(inside) {
        Some(cf) => Some(cf.reading),
        // Any other config file in the folder that mentions Redis
        // (`conf/settings.yaml` with `redis: {host: cache}`), and source
        // code naming a Redis URL, are this service's, not an app's of its
        // own.
        None => match crate::projects::kind_of(&file.path, &file.text) {
            Some(Kind::Named(reading)) => Some(reading),
            Some(Kind::Generic) => Some(Reading::Settings),
            Some(Kind::Source) => Some(Reading::UrlsOnly),
            // `.ini`, `.properties`, `.conf` files no framework names: read
            // when they mention Redis.
            None => (!matches!(
                config::format_of(&file.path),
                Format::Text | Format::Php | Format::Yaml | Format::Json | Format::Toml
            ) && !crate::projects::in_skipped_folder(&file.path)
                && crate::projects::has_redis_text(&file.text))
            .then_some(Reading::Settings),
        },
    }
}

/// A config file of a service's build context.
#[derive(Clone, Debug)]
struct BuiltFile {
    /// Its tree path.
    path: String,
    reading: Reading,
    /// As the service would write it: the context as written, then the
    /// file's path under it (`./svc/feed/settings.json`).
    written: String,
    /// The Dockerfile `COPY`/`ADD` that puts it into the image.
    copied_by: Option<Origin>,
    /// Why it is only maybe in the image, when no copy is known.
    why_maybe: String,
}

/// How a file of the tree reaches a service's container, for the
/// evidence and its strength.
enum Delivery<'d> {
    /// Bind-mounted, or a file-based `configs:` entry.
    Mounted(&'d Mount),
    /// In the build context the image is built from.
    Built(&'d BuiltFile),
}

/// The file a path inside a service's container is, when a volume or a
/// bind mount holds it (`volume sock/redis.sock`), and how it is shared.
fn shared_file<'s>(
    name: &str,
    path: &str,
    specs: &'s BTreeMap<String, Spec>,
) -> Option<(String, &'s SharedDir)> {
    let own = specs.get(name)?;
    let from = own.volumes_from.iter().filter_map(|v| specs.get(v));
    std::iter::once(own)
        .chain(from)
        .flat_map(|s| &s.shared)
        .filter_map(|d| {
            let dir = d.target.trim_end_matches('/');
            let rest = path.strip_prefix(dir)?;
            (rest.is_empty() || rest.starts_with('/')).then_some((dir.len(), d, rest))
        })
        .max_by_key(|(len, _, _)| *len)
        .map(|(_, d, rest)| (format!("{}{rest}", d.source), d))
}

/// The Redis service of the project that serves the Unix socket `path`
/// that service `name` names, and how the two share it: one whose
/// `unixsocket` is the same file, through a named volume or a host folder
/// both mount (with `volumes_from` too). `Err(None)` for a Redis's own
/// socket; `Err(Some(why))` when none or several do.
fn socket_server(
    name: &str,
    path: &str,
    specs: &BTreeMap<String, Spec>,
    servers: &BTreeMap<&str, RedisServer>,
) -> Result<(String, String), Option<String>> {
    if servers.contains_key(name) {
        return Err(None);
    }
    let folder = path.rsplit_once('/').map_or("/", |(d, _)| d);
    let Some((file, dir)) = shared_file(name, path, specs) else {
        return Err(Some(format!(
            "service {name} mounts no volume at {folder}: the socket is a file of its own container, which no Redis service of the project can serve (a Redis inside that container may)"
        )));
    };
    let mut serving: Vec<&str> = Vec::new();
    let mut sharing: Vec<String> = Vec::new();
    for (server, redis) in servers {
        let source_shared = specs.get(*server).is_some_and(|s| {
            s.shared.iter().any(|d| d.source == dir.source)
                || s.volumes_from
                    .iter()
                    .filter_map(|v| specs.get(v))
                    .any(|v| v.shared.iter().any(|d| d.source == dir.source))
        });
        let socket = redis.unixsocket.as_deref();
        match socket.and_then(|u| shared_file(server, u, specs)) {
            Some((theirs, _)) if theirs == file => serving.push(server),
            _ if source_shared => sharing.push(match socket {
                Some(u) => format!("service {server} mounts {} too, but its socket is {u}, another file", dir.source),
                None => format!("service {server} mounts {} too, but serves no socket the scan sees (no `--unixsocket` or `unixsocket` in a redis.conf it mounts)", dir.source),
            }),
            _ => {}
        }
    }
    match serving.as_slice() {
        [one] => Ok((
            one.to_string(),
            format!(
                "the socket in {}, served there by service {one}",
                dir.source
            ),
        )),
        [] if !sharing.is_empty() => Err(Some(sharing.join("; "))),
        [] => Err(Some(format!(
            "no Redis service of the project mounts {}, where it is",
            dir.source
        ))),
        many => Err(Some(format!(
            "services {} all serve a socket at that file: which one answers is not known",
            many.join(", ")
        ))),
    }
}

/// What `localhost` (`127.0.0.1`, `::1`) is to a compose service.
enum Loopback {
    /// Any other host, or `localhost` in a service that is itself a Redis
    /// (its own container's, no `network_mode`): read as any other host.
    Own,
    /// The network of `service`, a Redis of the project, that it joins
    /// (`network_mode: service:redis` or `container:<its container_name>`).
    Service {
        service: String,
        /// The Redis's plain and TLS ports.
        ports: [Option<u16>; 2],
        /// How it joins, for the evidence.
        how: String,
    },
    /// Not a Redis of the project as fact: why (said, not linked), and
    /// the host ports Redis services publish, for `network_mode: host`.
    Unknown {
        why: String,
        published: Vec<(u16, String)>,
    },
}

/// Whose `localhost` service `name` sees: its `network_mode` followed
/// through services that join others (`service:a` where `a` has
/// `network_mode: service:b`).
fn loopback_of(
    name: &str,
    specs: &BTreeMap<String, Spec>,
    servers: &BTreeMap<&str, RedisServer>,
) -> Loopback {
    let mut current = name;
    let mut how: Vec<String> = Vec::new();
    for _ in 0..8 {
        let Some(mode) = specs.get(current).and_then(|s| s.network_mode.as_ref()) else {
            break;
        };
        let at = &mode.origin;
        let value = mode.value.trim();
        let joined = if let Some(service) = value.strip_prefix("service:") {
            specs
                .contains_key(service)
                .then_some(service)
                .ok_or_else(|| format!("joins the network of service {service} (network_mode at {at}), which is not in the project"))
        } else if let Some(container) = value.strip_prefix("container:") {
            specs
                .iter()
                .find(|(_, s)| s.container_name.as_deref() == Some(container))
                .map(|(n, _)| n.as_str())
                .ok_or_else(|| format!("joins the network of container {container} (network_mode at {at}), which no service of the project is named"))
        } else if value == "host" {
            let published = specs
                .iter()
                .filter(|(n, _)| servers.contains_key(n.as_str()))
                .flat_map(|(n, s)| s.published.iter().map(move |p| (*p, n.clone())))
                .collect();
            return Loopback::Unknown {
                why: format!("runs with network_mode: host ({at}), where localhost is the host's and any process on it may answer"),
                published,
            };
        } else {
            break;
        };
        match joined {
            Ok(service) => {
                how.push(format!("network_mode: {value} at {at}"));
                current = service;
            }
            Err(why) => {
                return Loopback::Unknown {
                    why,
                    published: Vec::new(),
                }
            }
        }
    }
    if current == name {
        // Its own container's `localhost`: a Redis runs there only if the
        // service is one (as a pod with no Redis container, said, not
        // read as a Redis named `localhost` somewhere).
        return if servers.contains_key(name) {
            Loopback::Own
        } else {
            Loopback::Unknown {
                why: "sees its own container's localhost, where no Redis of the project runs"
                    .to_string(),
                published: Vec::new(),
            }
        };
    }
    match servers.get(current) {
        Some(server) => Loopback::Service {
            service: current.to_string(),
            ports: [server.port, server.tls_port],
            how: format!("{}: its localhost is {current}'s", how.join(", ")),
        },
        None => Loopback::Unknown {
            why: format!(
                "shares the network of service {current} ({}), which runs no Redis",
                how.join(", ")
            ),
            published: Vec::new(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<At<String>> {
        text.split_whitespace()
            .map(|w| At {
                value: w.to_string(),
                origin: Origin::file("d.yaml", 7),
            })
            .collect()
    }

    fn pairs(kvs: &[KeyValue]) -> Vec<(String, String, String)> {
        kvs.iter()
            .map(|kv| (kv.key.clone(), kv.value.clone(), kv.via.clone()))
            .collect()
    }

    /// Go's `-name value` and `-name=value`, Java's `-Dname=value`, bare
    /// TLS switches; not single letters, JVM sizes or `sh -c`.
    #[test]
    fn flags_of_every_style() {
        let t = |k: &str, v: &str, via: &str| (k.to_string(), v.to_string(), via.to_string());
        let args = |text: &str| pairs(&flag_settings(&words(text), "args", Strength::Explicit));
        assert_eq!(
            args("/app -redis.addr cache.data:6379 -cache-url=redis://c:1 -Dspring.redis.host=h -Xmx512m -v --cache-tls"),
            [
                t("redis.addr", "cache.data:6379", "args -redis.addr"),
                t("cache-url", "redis://c:1", "args -cache-url"),
                t("spring.redis.host", "h", "args -Dspring.redis.host"),
                t("cache-tls", "true", "args --cache-tls"),
            ]
        );
        assert!(flag_settings(&words("sh -c redis-check"), "args", Strength::Explicit).is_empty());
        // `-Debug=true` is a Go flag, not a Java property `ebug`.
        assert_eq!(args("app -Debug=true"), [t("Debug", "true", "args -Debug")]);
        // A reachability probe names a host and a port.
        assert_eq!(
            args("until nc -z -w 2 cache.data 6379; do sleep 1; done"),
            [
                t("probe.host", "cache.data", "args nc"),
                t("probe.port", "6379", "args nc")
            ]
        );
        // redis-benchmark takes redis-cli's `-h` and `-p`.
        assert_eq!(
            args("redis-benchmark -h valkey.data -p 6379 -q"),
            [
                t("redis.cli.host", "valkey.data", "args -h"),
                t("redis.cli.port", "6379", "args -p")
            ]
        );
    }

    /// Flags in a `*_OPTS` variable and JSON in a variable are settings,
    /// with the variable's origin and strength; other values are not.
    #[test]
    fn settings_inside_a_setting() {
        let kv = |key: &str, value: &str| KeyValue {
            key: key.into(),
            value: value.into(),
            origin: Origin::file("d.yaml", 9),
            strength: Strength::Indirect,
            via: format!("env {key}"),
        };
        let opts = embedded_settings(&kv(
            "JAVA_OPTS",
            "-Xmx1g -Dspring.redis.host=cache -Dspring.redis.port=6390",
        ));
        assert_eq!(opts.len(), 2);
        assert_eq!(
            (opts[1].key.as_str(), opts[1].value.as_str()),
            ("spring.redis.port", "6390")
        );
        assert_eq!(opts[0].via, "env JAVA_OPTS -Dspring.redis.host");
        assert_eq!(
            (opts[0].origin.line(), opts[0].strength),
            (Some(9), Strength::Indirect)
        );
        let json = embedded_settings(&kv(
            "SPRING_APPLICATION_JSON",
            r#"{"spring":{"data":{"redis":{"host":"c","port":6390}}}}"#,
        ));
        assert_eq!(
            pairs(&json),
            [
                (
                    "spring.data.redis.host".into(),
                    "c".into(),
                    "env SPRING_APPLICATION_JSON key spring.data.redis.host".into()
                ),
                (
                    "spring.data.redis.port".into(),
                    "6390".into(),
                    "env SPRING_APPLICATION_JSON key spring.data.redis.port".into()
                ),
            ]
        );
        for (key, value) in [
            ("JAVA_OPTS", "plain words"),
            ("LOG_FORMAT", "{json}"),
            ("REDIS_HOST", "-Dx=y"),
        ] {
            assert!(
                embedded_settings(&kv(key, value)).is_empty(),
                "{key}={value}"
            );
        }
    }

    #[test]
    fn compose_names() {
        for name in [
            "compose.yaml",
            "a/compose.yml",
            "compose.override.yaml",
            "compose.full.yaml",
            "docker-compose.yml",
            "x/docker-compose.prod.yaml",
            "docker-stack.yml",
        ] {
            assert!(is_compose_name(name), "{name}");
        }
        for name in [
            "docker-compose.override.yml.example",
            "compose.json",
            "app.yml",
            "k8s/deploy.yaml",
        ] {
            assert!(!is_compose_name(name), "{name}");
        }
    }

    #[test]
    fn shell_words_split_like_sh() {
        assert_eq!(
            shell_words("sh -c 'redis-server --port 6380' # x"),
            ["sh", "-c", "redis-server --port 6380"]
        );
        assert_eq!(shell_words(r#"a "b c" d\ e"#), ["a", "b c", "d e"]);
        // an unclosed quote runs to the end, as if closed there
        assert_eq!(
            shell_words("sh -c 'redis-cli -h redis ping"),
            ["sh", "-c", "redis-cli -h redis ping"]
        );
        assert_eq!(shell_words(r#"sh -c "a b"#), ["sh", "-c", "a b"]);
    }

    #[test]
    fn flags_become_settings() {
        let at = |w: &str| At {
            value: w.to_string(),
            origin: Origin::file("c.yml", 3),
        };
        let ws: Vec<At<String>> = [
            "app",
            "--redis-host",
            "cache",
            "--redis-port=6380",
            "--other",
            "x",
            "--cache-url",
            "rediss://c:1",
        ]
        .iter()
        .map(|w| at(w))
        .collect();
        let found = find_endpoints(&flag_settings(&ws, "command", Strength::Explicit));
        let eps: Vec<_> = found
            .iter()
            .map(|f| (f.endpoint.host.as_str(), f.endpoint.port))
            .collect();
        assert_eq!(eps, [("cache", Some(6380)), ("c", Some(1))]);
        let ws: Vec<At<String>> = ["redis-cli", "-h", "primary", "-p", "6390", "ping"]
            .iter()
            .map(|w| at(w))
            .collect();
        let found = find_endpoints(&flag_settings(&ws, "command", Strength::Explicit));
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].endpoint.host.as_str(), found[0].endpoint.port),
            ("primary", Some(6390))
        );
        // A password flag with its value as the next word.
        let ws: Vec<At<String>> = ["app", "--redis-addr=redis:6379", "--redis-pass", "s3cret"]
            .iter()
            .map(|w| at(w))
            .collect();
        let found = find_endpoints(&flag_settings(&ws, "args", Strength::Explicit));
        assert_eq!(found.len(), 1);
        assert!(found[0].endpoint.has_password, "{:?}", found[0].endpoint);
        assert!(!format!("{found:?}").contains("s3cret"));
    }

    use crate::projects::scan_projects;
    use crate::SourceFile;
    use fallout_core::Tls;

    fn files(pairs: &[(&str, &str)]) -> Vec<SourceFile> {
        pairs
            .iter()
            .map(|(p, t)| SourceFile {
                path: p.to_string(),
                text: t.to_string(),
            })
            .collect()
    }

    fn servers(s: &Scanned) -> Vec<(String, RedisServer, Vec<String>)> {
        s.facts
            .iter()
            .filter_map(|f| match f {
                Fact::Workload(w) => w
                    .server
                    .clone()
                    .map(|srv| (w.id.to_string(), srv, w.aliases.clone())),
                _ => None,
            })
            .collect()
    }

    fn refs(s: &Scanned) -> Vec<(String, String, Tls, Strength, String)> {
        s.facts
            .iter()
            .filter_map(|f| match f {
                Fact::Reference(r) => Some((
                    r.consumer.to_string(),
                    r.endpoint.address(),
                    r.endpoint.tls,
                    r.evidence.strength,
                    r.evidence.origin.to_string(),
                )),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn bitnami_tls_and_dragonfly_tls() {
        let s = scan_projects(&files(&[(
            "compose.yaml",
            "services:\n  a:\n    image: bitnami/redis:7.2\n    environment:\n      REDIS_TLS_ENABLED: \"yes\"\n      ALLOW_EMPTY_PASSWORD: \"yes\"\n      REDIS_PASSWORD: \"\"\n  b:\n    image: docker.dragonflydb.io/dragonflydb/dragonfly\n    command: --port 6390 --tls --requirepass=x\n  c:\n    image: redis/redis-stack-server\n    environment:\n      REDIS_ARGS: \"--tls-port 6380 --requirepass x\"\n",
        )]));
        let got: Vec<(Option<u16>, Option<u16>, bool)> = servers(&s)
            .into_iter()
            .map(|(_, srv, _)| (srv.port, srv.tls_port, srv.requires_auth))
            .collect();
        assert_eq!(
            got,
            [
                (None, Some(6379), false),
                (None, Some(6390), true),
                (Some(6379), Some(6380), true)
            ]
        );
    }

    #[test]
    fn extends_in_the_same_file_and_override_replaces_command() {
        let base = "services:\n  base:\n    image: example/app\n    environment:\n      REDIS_URL: redis://cache:6379\n  jobs:\n    extends: base\n    command: [run, --redis-host, old]\n  cache:\n    image: redis:7\n    container_name: shared-cache\n";
        let over = "services:\n  jobs:\n    command: [run]\n    environment:\n      SIDE_REDIS_URL: rediss://shared-cache:6380\n";
        let s = scan_projects(&files(&[
            ("app/compose.yaml", base),
            ("app/compose.override.yaml", over),
        ]));
        assert_eq!(
            refs(&s),
            [
                (
                    "app/compose.yaml#base".into(),
                    "cache:6379".into(),
                    Tls::No,
                    Strength::Explicit,
                    "app/compose.yaml:5".into()
                ),
                (
                    "app/compose.yaml#jobs".into(),
                    "cache:6379".into(),
                    Tls::No,
                    Strength::Explicit,
                    "app/compose.yaml:5".into()
                ),
                (
                    "app/compose.yaml#jobs".into(),
                    "shared-cache:6380".into(),
                    Tls::Yes,
                    Strength::Explicit,
                    "app/compose.override.yaml:5".into()
                ),
            ]
        );
        assert_eq!(servers(&s)[0].2, ["cache", "shared-cache"]);
    }

    #[test]
    fn env_file_forms_and_bare_map_entries() {
        let compose = "services:\n  redis:\n    image: redis\n  app:\n    image: x\n    env_file:\n      - a.env\n      - path: b.env\n        required: true\n      - path: c.env\n        required: false\n    environment:\n      REDIS_PORT:\n";
        let s = scan_projects(&files(&[
            ("compose.yaml", compose),
            (".env", "REDIS_PORT=6381\n"),
            ("a.env", "REDIS_HOST=redis\n"),
            ("b.env", "REDIS_TLS=true\n"),
        ]));
        assert_eq!(
            refs(&s),
            [(
                "compose.yaml#app".into(),
                "redis:6381".into(),
                Tls::Yes,
                Strength::Indirect,
                "a.env:1".into()
            )]
        );
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        // none of the env files is an app of its own
        assert!(!s.facts.iter().any(
            |f| matches!(f, Fact::Workload(w) if w.id.kind == fallout_core::ConsumerKind::App)
        ));
    }

    #[test]
    fn url_whose_password_is_set_in_the_shell_is_still_a_reference() {
        let compose = "services:\n  redis:\n    image: redis\n  app:\n    image: x\n    environment:\n      REDIS_URL: redis://:${REDIS_PASSWORD}@redis:6379/0\n      OTHER_REDIS_URL: redis://${OTHER_HOST}:6379\n";
        let s = scan_projects(&files(&[("compose.yaml", compose)]));
        assert_eq!(
            refs(&s),
            [(
                "compose.yaml#app".into(),
                "redis:6379".into(),
                Tls::No,
                Strength::Explicit,
                "compose.yaml:7".into()
            )]
        );
        let hints = s
            .facts
            .iter()
            .filter(|f| matches!(f, Fact::Hint(_)))
            .count();
        assert_eq!(hints, 1, "OTHER_REDIS_URL's host is unknown: a hint");
        assert!(!format!("{:?}", s.facts).contains(UNSET));
    }

    #[test]
    fn file_configs_are_mounts() {
        let compose = "services:\n  web:\n    image: x\n    configs:\n      - source: app_config\n        target: /etc/app/config.yml\nconfigs:\n  app_config:\n    file: ./conf/app.yml\n";
        let s = scan_projects(&files(&[
            ("compose.yaml", compose),
            ("conf/app.yml", "redis:\n  url: redis://r:6379\n"),
        ]));
        assert_eq!(
            refs(&s),
            [(
                "compose.yaml#web".into(),
                "r:6379".into(),
                Tls::No,
                Strength::Indirect,
                "conf/app.yml:2".into()
            )]
        );
    }

    #[test]
    fn non_redis_hosts_are_not_references() {
        let compose = "services:\n  db:\n    image: postgres\n  app:\n    image: x\n    environment:\n      DB_HOST: db\n      EMAIL_SERVER: localhost\n      EMAIL_PORT: \"25\"\n      REDIS_ARGS: --requirepass hunter2\n";
        let s = scan_projects(&files(&[("compose.yaml", compose)]));
        assert!(refs(&s).is_empty(), "{:?}", refs(&s));
        assert!(!format!("{:?}", s.facts).contains("hunter2"));
    }

    #[test]
    fn missing_extends_and_outside_env_file_are_warnings() {
        let compose = "services:\n  a:\n    extends:\n      file: nowhere.yml\n      service: x\n    env_file: /etc/app.env\n";
        let s = scan_projects(&files(&[("compose.yaml", compose)]));
        let codes: Vec<(&str, Option<u32>)> =
            s.diagnostics.iter().map(|d| (d.code, d.line)).collect();
        assert_eq!(
            codes,
            [
                ("compose-extends-missing", Some(4)),
                ("compose-env-file-outside", Some(6))
            ]
        );
    }

    #[test]
    fn folder_mounts_share_settings_through_anchors() {
        // The shape of Sentry self-hosted: many services share a mounted
        // folder of settings through an anchor; relay mounts its own.
        let compose = "x-sentry: &sentry\n  image: sentry-local\n  depends_on:\n    redis:\n      condition: service_healthy\n  volumes:\n    - ./sentry:/etc/sentry\nservices:\n  redis:\n    image: redis:6.2-alpine\n  web:\n    <<: *sentry\n  worker:\n    <<: *sentry\n    command: run worker\n  relay:\n    image: getsentry/relay\n    volumes:\n      - type: bind\n        source: ./relay\n        target: /work/.relay\n";
        let conf = "SENTRY_OPTIONS[\"redis.clusters\"] = {\n    \"default\": {\"hosts\": {0: {\"host\": \"redis\", \"port\": \"6379\"}}}\n}\n";
        let s = scan_projects(&files(&[
            ("docker-compose.yml", compose),
            ("sentry/sentry.conf.py", conf),
            ("sentry/Dockerfile", "FROM x\n"),
            (
                "relay/config.yml",
                "processing:\n  enabled: true\n  redis: redis://redis:6379\n",
            ),
        ]));
        assert_eq!(
            refs(&s),
            [
                (
                    "docker-compose.yml#web".into(),
                    "redis:6379".into(),
                    Tls::Unknown,
                    Strength::Indirect,
                    "sentry/sentry.conf.py:2".into()
                ),
                (
                    "docker-compose.yml#worker".into(),
                    "redis:6379".into(),
                    Tls::Unknown,
                    Strength::Indirect,
                    "sentry/sentry.conf.py:2".into()
                ),
                (
                    "docker-compose.yml#relay".into(),
                    "redis:6379".into(),
                    Tls::No,
                    Strength::Indirect,
                    "relay/config.yml:3".into()
                ),
            ]
        );
        // the mounted files are the services', not an `app`
        assert!(!s.facts.iter().any(
            |f| matches!(f, Fact::Workload(w) if w.id.kind == fallout_core::ConsumerKind::App)
        ));
    }
}

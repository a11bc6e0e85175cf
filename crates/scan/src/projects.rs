//! Everything in a tree that is not a Kubernetes manifest: docker-compose
//! projects (`compose.rs`) and application config files. A config file
//! belongs to the compose service that mounts it, names it in `env_file` or
//! is built from its folder (`build:`); otherwise to the nearest folder that looks like a service (a Dockerfile,
//! Cargo.toml, package.json… in it), which becomes a consumer of kind `app`.

use crate::config::{self, ConditionalDocument, Format};
use crate::frameworks::{self, Reading};
use crate::settings::{self, find_endpoints, KeyValue};
use crate::{compose, Scanned, SourceFile};
use fallout_core::{ConsumerId, Diagnostic, Fact, Origin, Scope, Strength, Workload};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

/// Files whose folder is an application: the owner of the config files in it
/// and below. Adding one is one line.
pub const APP_MARKERS: &[&str] = &[
    "Dockerfile",
    "Containerfile",
    "Cargo.toml",
    "package.json",
    "pom.xml",
    "build.gradle",
    "build.gradle.kts",
    "go.mod",
    "pyproject.toml",
    "setup.py",
    "requirements.txt",
    "Gemfile",
    "composer.json",
    "mix.exs",
];

/// Folders that hold config rather than being the application: a config
/// file in `svc/config/` with no marker around belongs to `svc`.
const CONFIG_FOLDERS: &[&str] = &[
    "config",
    "configs",
    "conf",
    "settings",
    "resources",
    "etc",
    "env",
    "environments",
];

/// Folders never scanned as config: dependencies, build output, VCS data,
/// CI systems' folders (a workflow's `services:` are its test containers).
pub const SKIPPED_FOLDERS: &[&str] = &[
    ".git",
    ".github",
    ".circleci",
    ".buildkite",
    ".woodpecker",
    "node_modules",
    "vendor",
    ".venv",
    "venv",
    "__pycache__",
    "target",
    ".tox",
];

/// Folders whose source files are tests or docs: their URLs are examples.
const EXAMPLE_FOLDERS: &[&str] = &[
    "test",
    "tests",
    "spec",
    "specs",
    "__tests__",
    "testdata",
    "docs",
    "doc",
    "examples",
    "example",
    "fixtures",
];

/// Source files scanned for Redis URLs as a last resort.
const SOURCE_EXTENSIONS: &[&str] = &[
    "py", "rb", "js", "mjs", "cjs", "ts", "go", "java", "kt", "kts", "scala", "groovy", "cs",
    "php", "rs", "ex", "exs", "erl", "clj", "lua", "pl", "swift", "sh",
];

/// The files of one scan, by path.
pub struct Tree<'a> {
    files: &'a [SourceFile],
    /// Files `.gitignore` leaves out, read only where a compose project
    /// names them ([`Tree::with_ignored`]).
    ignored: &'a [SourceFile],
    /// Index into `files`, or past it into `ignored`.
    by_path: BTreeMap<String, usize>,
}

impl<'a> Tree<'a> {
    pub fn new(files: &'a [SourceFile]) -> Tree<'a> {
        Tree::with_ignored(files, &[])
    }

    /// The scanned files, and beside them files `.gitignore` leaves out:
    /// found by path (an `env_file`, a project's `.env`, a mounted file or
    /// folder, an override file), never listed by [`Tree::files`].
    pub fn with_ignored(files: &'a [SourceFile], ignored: &'a [SourceFile]) -> Tree<'a> {
        let mut by_path: BTreeMap<String, usize> = files
            .iter()
            .enumerate()
            .map(|(i, f)| (normalize(&f.path), i))
            .collect();
        for (i, f) in ignored.iter().enumerate() {
            by_path.entry(normalize(&f.path)).or_insert(files.len() + i);
        }
        Tree {
            files,
            ignored,
            by_path,
        }
    }

    fn at(&self, i: usize) -> &'a SourceFile {
        match i.checked_sub(self.files.len()) {
            Some(j) => &self.ignored[j],
            None => &self.files[i],
        }
    }

    /// The file at a normalized path.
    pub fn get(&self, path: &str) -> Option<&'a SourceFile> {
        self.by_path.get(path).map(|&i| self.at(i))
    }

    /// The scanned files (not the ignored ones).
    pub fn files(&self) -> impl Iterator<Item = &'a SourceFile> {
        self.files.iter()
    }

    /// The files `.gitignore` leaves out.
    pub fn ignored_files(&self) -> impl Iterator<Item = &'a SourceFile> {
        self.ignored.iter()
    }

    /// The scanned files, then the ignored ones.
    pub fn all_files(&self) -> impl Iterator<Item = &'a SourceFile> {
        self.files.iter().chain(self.ignored)
    }

    /// The scanned files under the normalized folder `dir` (`""`: every file), each
    /// with its path below `dir`; a range of the index, not a walk of
    /// every file.
    pub fn under<'s>(&'s self, dir: &str) -> impl Iterator<Item = (&'s str, &'a SourceFile)> + 's {
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let skip = prefix.len();
        // The scanned files only: a build context's ignored files are its
        // build output (`dist/`), not what it runs with.
        let scanned = self.files.len();
        self.by_path
            .range(prefix.clone()..)
            .take_while(move |(p, _)| p.starts_with(&prefix))
            .filter(move |(_, &i)| i < scanned)
            .map(move |(p, &i)| (&p[skip..], self.at(i)))
    }
}

/// Whether a path is inside a folder never scanned as config.
pub(crate) fn in_skipped_folder(path: &str) -> bool {
    let folder = dir_of(path);
    !folder.is_empty() && folder.split('/').any(|p| SKIPPED_FOLDERS.contains(&p))
}

/// The folder of a path (`""` at the root).
pub fn dir_of(path: &str) -> &str {
    path.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

/// `rel` resolved against `dir`, normalized (`.`, `..`, `//`) the same way
/// whether `dir` is relative (`deploy`, `../deploy`) or absolute
/// (`/ci/workspace/deploy`). `None` for a `rel` that is absolute, `~` or a
/// URL, or that climbs above `/`.
pub fn join_path(dir: &str, rel: &str) -> Option<String> {
    if rel.starts_with('/') || rel.starts_with('~') || rel.contains("://") {
        return None;
    }
    // Most joins are plain (`base/deployment.yaml` under `apps/web`):
    // nothing to normalize.
    let plain = |p: &str| {
        !p.is_empty()
            && !p.starts_with('/')
            && !p.contains("..")
            && !p.contains("./")
            && !p.contains("//")
            && !p.ends_with('/')
            && !p.ends_with("/.")
            && p != "."
    };
    if plain(rel) && (dir.is_empty() || plain(dir.strip_prefix('/').unwrap_or(dir))) {
        return Some(if dir.is_empty() {
            rel.to_string()
        } else {
            format!("{dir}/{rel}")
        });
    }
    join_normalized(dir, rel)
}

/// [`join_path`] part by part.
fn join_normalized(dir: &str, rel: &str) -> Option<String> {
    let absolute = dir.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    let dir_parts = dir.split('/').map(|p| (p, true));
    for (part, in_dir) in dir_parts.chain(rel.split('/').map(|p| (p, false))) {
        match part {
            "" | "." => {}
            ".." => match parts.last() {
                // `../deploy` as the folder given: kept as written
                Some(&"..") | None if in_dir && !absolute => parts.push(".."),
                // above the folder's root: outside the tree
                Some(&"..") | None => return None,
                Some(_) => {
                    parts.pop();
                }
            },
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    Some(if absolute {
        format!("/{joined}")
    } else {
        joined
    })
}

/// The key of a path in a [`Tree`]: relative and absolute paths normalized alike.
pub(crate) fn normalize(path: &str) -> String {
    normalized(path).into_owned()
}

/// [`normalize`], borrowing a path that is already normal.
pub(crate) fn normalized(path: &str) -> std::borrow::Cow<'_, str> {
    // Most paths are already normal: no empty, `.` or `..` parts.
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

/// Scans every file that is not a Kubernetes manifest: compose projects,
/// then the config files no compose service owns. Pure: `files` holds the
/// text of every file, so `.env`, `env_file` targets and mounted files are
/// looked up among them.
pub fn scan_projects(files: &[SourceFile]) -> Scanned {
    scan_projects_except(files, &[], &BTreeSet::new())
}

/// [`scan_projects`], with files that are something else's and no app's
/// config (those a kustomize generator makes into ConfigMaps).
pub fn scan_projects_except(
    files: &[SourceFile],
    ignored: &[SourceFile],
    not_config: &BTreeSet<String>,
) -> Scanned {
    let tree = Tree::with_ignored(files, ignored);
    let (mut out, mut claimed) = compose::scan(&tree);
    claimed.extend(not_config.iter().map(|p| normalize(p)));
    out.extend(scan_apps(&tree, &claimed));
    out
}

/// How a file is read, if at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A config file by its name.
    Named(Reading),
    /// YAML/JSON/TOML with no known name: kept only for Redis-named keys
    /// and Redis URLs.
    Generic,
    /// Source code: Redis URLs only.
    Source,
}

pub(crate) fn has_redis_text(text: &str) -> bool {
    // One case-insensitive literal search, no lower-cased copy of the file.
    static WORDS: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new("(?i)redis|valkey|keydb|dragonfly|sentinel").expect("valid regex")
    });
    WORDS.is_match(text)
}

pub(crate) fn kind_of(path: &str, text: &str) -> Option<Kind> {
    // fallout's own reports, saved in the tree, are not configuration.
    if text.contains("\"schema\": \"fallout/v1\"")
        || text.contains("sarif-2.1.0") && text.contains("\"name\": \"fallout\"")
    {
        return None;
    }
    if in_skipped_folder(path) || frameworks::is_not_config(path) {
        return None;
    }
    let parts: Vec<&str> = path.split('/').collect();
    if let Some(cf) = frameworks::config_file(path) {
        return Some(Kind::Named(cf.reading));
    }
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match config::format_of(path) {
        Format::Yaml | Format::Json | Format::Toml if has_redis_text(text) => Some(Kind::Generic),
        // A PHP file that is a config (`$CONFIG = array(…)`, `return […]`,
        // `define(…)`) is read for its settings; other PHP is source.
        Format::Php if has_redis_text(text) && config::is_php_config(text) => Some(Kind::Generic),
        Format::Text | Format::Php if SOURCE_EXTENSIONS.contains(&ext.as_str()) => {
            let example = parts[..parts.len() - 1]
                .iter()
                .any(|p| EXAMPLE_FOLDERS.contains(&p.to_ascii_lowercase().as_str()));
            (!example && !settings::find_urls(text).is_empty()).then_some(Kind::Source)
        }
        _ => None,
    }
}

/// A Kubernetes object (the manifest scanner's), or a Helm template.
fn is_manifest_or_template(text: &str) -> bool {
    crate::k8s::looks_like_manifest(text) || crate::k8s::template_line(text).is_some()
}

/// The folder that owns a config file, and the consumer's name.
fn owner_of(path: &str, app_dirs: &BTreeSet<&str>) -> (String, String) {
    let mut dir = dir_of(path);
    loop {
        if app_dirs.contains(dir) {
            break;
        }
        if dir.is_empty() {
            // No marker anywhere above: the file's folder, less config folders.
            dir = dir_of(path);
            while let Some((parent, last)) = dir
                .rsplit_once('/')
                .or_else(|| (!dir.is_empty()).then_some(("", dir)))
            {
                let is_config = CONFIG_FOLDERS.contains(&last.to_ascii_lowercase().as_str())
                    || (last == "main" && parent.ends_with("src"));
                if !is_config && last != "src" {
                    break;
                }
                dir = parent;
            }
            break;
        }
        dir = dir_of(dir);
    }
    if dir.is_empty() {
        (".".to_string(), ".".to_string())
    } else {
        let name = dir.rsplit('/').next().unwrap_or(dir).to_string();
        (dir.to_string(), name)
    }
}

/// A `values*.yaml` of a Helm chart (a `Chart.yaml` in its folder).
fn is_chart_values(path: &str, chart_dirs: &BTreeSet<&str>) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.starts_with("values")
        && (name.ends_with(".yaml") || name.ends_with(".yml"))
        && chart_dirs.contains(dir_of(path))
}

/// Whether an endpoint that no key calls Redis still looks like one: a
/// host that says Redis, or a Redis port.
fn looks_like_redis(found: &settings::Found) -> bool {
    found.host_says_redis() || matches!(found.endpoint.port, Some(6379 | 6380 | 26379))
}

fn scan_apps(tree: &Tree<'_>, claimed: &BTreeSet<String>) -> Scanned {
    let mut out = Scanned::default();
    let app_dirs: BTreeSet<&str> = tree
        .files()
        .filter(|f| APP_MARKERS.contains(&f.path.rsplit('/').next().unwrap_or(&f.path)))
        .map(|f| dir_of(&f.path))
        .collect();
    let mut files: Vec<&SourceFile> = tree.files().collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    // The variables each app's own `.env` sets (Laravel, Symfony, Rails
    // dotenv load it into the environment the app's config reads).
    let mut dotenv: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in files
        .iter()
        .filter(|f| f.path.rsplit('/').next() == Some(".env"))
    {
        let read = config::read_format(Format::Dotenv, &f.text);
        let (dir, _) = owner_of(&f.path, &app_dirs);
        dotenv
            .entry(dir)
            .or_default()
            .extend(read.settings.into_iter().map(|s| s.key));
    }
    // Each file is read on its own (in parallel); apps gather after, in path order.
    let per_file: Vec<(Scanned, Option<(String, String)>)> = files
        .par_iter()
        .map(|file| {
            let mut out = Scanned::default();
            let owner = scan_app_file(file, claimed, &app_dirs, &dotenv, &mut out);
            (out, owner)
        })
        .collect();
    // owner dir -> (name, references, first file)
    let mut apps: BTreeMap<String, (String, Vec<Fact>, Origin)> = BTreeMap::new();
    // A Helm chart's values files: what its templates pass to a container
    // is not read (the chart is not rendered), so what they hold is
    // inferred, not a setting the app is shown to use.
    let chart_dirs: BTreeSet<&str> = tree
        .files()
        .filter(|f| f.path.rsplit('/').next() == Some("Chart.yaml"))
        .map(|f| dir_of(&f.path))
        .collect();
    for ((mut scanned, owner), file) in per_file.into_iter().zip(&files) {
        out.diagnostics.append(&mut scanned.diagnostics);
        let Some((dir, name)) = owner else { continue };
        if !chart_dirs.is_empty() && is_chart_values(&file.path, &chart_dirs) {
            for f in &mut scanned.facts {
                if let Fact::Reference(r) = f {
                    r.evidence.strength = Strength::Inferred;
                    r.evidence.detail.push_str(
                        " (a Helm chart's values: whether its templates pass it to a container is not read; render the chart to know)",
                    );
                }
            }
        }
        let entry = apps
            .entry(dir)
            .or_insert_with(|| (name, Vec::new(), Origin::file(file.path.as_str(), 0)));
        entry.1.extend(scanned.facts);
    }
    for (dir, (name, refs, first_file)) in apps {
        let id = ConsumerId::app(&dir, &name);
        out.facts.push(Fact::Workload(Workload {
            id,
            pod_labels: BTreeMap::new(),
            labels: BTreeMap::new(),
            defined_at: first_file,
            server: None,
            aliases: Vec::new(),
            scope: Scope::None,
            profiles: Vec::new(),
            proxy: None,
        }));
        out.facts.extend(refs);
    }
    out
}

/// A fallout change file (`target:` and `set:`, with only `change:`,
/// `window:`, `rollback:` beside) or approvals file (`approvals:` alone), as
/// docs/cli.md describes them: fallout's own input, whose `rollback: …
/// redis://…` or approval note names a Redis without using it. Read from
/// the top-level keys (lines at column 0).
fn is_fallout_input(text: &str) -> bool {
    let keys: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with([' ', '\t', '#', '-']) && !l.trim().is_empty())
        .filter_map(|l| l.split_once(':').map(|(k, _)| k.trim()))
        .collect();
    let only = |allowed: &[&str]| !keys.is_empty() && keys.iter().all(|k| allowed.contains(k));
    let has = |k: &str| keys.contains(&k);
    (has("target") && has("set") && only(&["change", "target", "set", "window", "rollback"]))
        || (has("approvals") && only(&["approvals"]))
}

/// One file's references as an app's config (facts in `out`), and the
/// app that owns it (dir, name) when it has any.
fn scan_app_file(
    file: &SourceFile,
    claimed: &BTreeSet<String>,
    app_dirs: &BTreeSet<&str>,
    dotenv: &BTreeMap<String, BTreeSet<String>>,
    out: &mut Scanned,
) -> Option<(String, String)> {
    let path = file.path.as_str();
    let mut format = config::format_of(path);
    // Manifests are the Kubernetes scanner's: the cheapest test first.
    // A Helm template is not one until its `{{` stand where YAML is (a
    // rendered chart keeps Alertmanager's `{{ define }}` inside a block
    // scalar and is a manifest like any other).
    let template = || crate::k8s::template_line(&file.text).is_some();
    if matches!(format, Format::Yaml | Format::Json)
        && crate::k8s::looks_like_manifest(&file.text)
        && !template()
    {
        return None;
    }
    if claimed.contains(&normalize(path)) {
        return None;
    }
    if format == Format::Yaml && is_fallout_input(&file.text) {
        return None;
    }
    let kind = kind_of(path, &file.text)?;
    if matches!(format, Format::Yaml | Format::Json) && is_manifest_or_template(&file.text) {
        if template() && !settings::find_urls(&file.text).is_empty() {
            format = Format::Text;
        } else {
            return None;
        }
    }
    let reading = match kind {
        Kind::Named(r) => r,
        Kind::Generic => Reading::Settings,
        Kind::Source => Reading::UrlsOnly,
    };
    if reading == Reading::UrlsOnly {
        format = Format::Text;
    }
    // An ERB template (`config/resque.yml.erb`) is read as the file it
    // renders (`config::read_settings`).
    let mut read = if path.ends_with(".erb") && reading != Reading::UrlsOnly {
        config::read_settings(path, &file.text)
    } else {
        config::read_file(format, path, &file.text)
    };
    // No environment is known: only the file's own `spring.profiles.active`
    // (or ASP.NET Core's default environment).
    let apart = config::with_profiles(&mut read.settings, config::default_profile(path));
    for e in &read.errors {
        out.diagnostics.push(
            Diagnostic::error(
                format.parse_code(),
                format!("{}; {}", e.message, format.fix_hint()),
            )
            .at(path, Some(e.line), Some(e.col)),
        );
    }
    out.diagnostics.extend(read.duplicate_key_warnings(path));
    // No environment is known here: a variable's fallback is only what
    // the app uses when the variable is unset, said as such; one the app's
    // own `.env` sets is not used at all (its `.env` is read as the app's).
    let (dir, name) = owner_of(path, app_dirs);
    let set_by_dotenv = |var: &str| dotenv.get(&dir).is_some_and(|vars| vars.contains(var));
    let kvs: Vec<KeyValue> = frameworks::apply(reading, &read.settings)
        .into_iter()
        // node-config's `custom-environment-variables`: with no
        // environment, none of its keys is set.
        .filter(|r| !r.default_of.as_ref().is_some_and(|d| d.only_when_set))
        .filter(|r| {
            !r.default_of
                .as_ref()
                .is_some_and(|d| format != Format::Dotenv && set_by_dotenv(&d.var))
        })
        .map(|r| {
            let written = if r.written.is_empty() {
                "URL".to_string()
            } else {
                r.written.clone()
            };
            let (strength, via) = match &r.default_of {
                Some(d) => (
                    Strength::Inferred,
                    format!("{written} (default of {})", d.var),
                ),
                None => (Strength::Explicit, written),
            };
            let (strength, via) = match ConditionalDocument::of(&apart, &r.written) {
                Some(doc) => (Strength::Inferred, doc.only(&via)),
                None => (strength, via),
            };
            KeyValue {
                key: r.setting_key(),
                value: r.value,
                origin: Origin::file(path, r.line),
                strength,
                via,
            }
        })
        .collect();
    let id = ConsumerId::app(&dir, &name);
    out.diagnostics
        .extend(crate::settings::unreadable_warnings(&kvs));
    for f in find_endpoints(&kvs) {
        let keep = f.says_redis || (matches!(kind, Kind::Named(_)) && looks_like_redis(&f));
        if !keep {
            continue;
        }
        out.facts
            .push(Fact::Reference(f.into_reference(&id, &Scope::None, None)));
    }
    (!out.facts.is_empty()).then_some((dir, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_join_within_the_tree() {
        assert_eq!(
            join_path("a/b", "./env/x.env").as_deref(),
            Some("a/b/env/x.env")
        );
        assert_eq!(join_path("a/b", "../c").as_deref(), Some("a/c"));
        assert_eq!(join_path("", "x").as_deref(), Some("x"));
        assert_eq!(join_path("a", "../../x"), None);
        assert_eq!(join_path("a", "/etc/x"), None);
        assert_eq!(join_path("a", "~/x"), None);
        // absolute and `..`-led folders keep their root
        assert_eq!(
            join_path("/ci/deploy", "env/a.env").as_deref(),
            Some("/ci/deploy/env/a.env")
        );
        assert_eq!(
            join_path("../deploy", "env/a.env").as_deref(),
            Some("../deploy/env/a.env")
        );
        assert_eq!(join_path("s2/../s2", "a.env").as_deref(), Some("s2/a.env"));
        // The shortcut for plain paths answers as the part-by-part join.
        let pieces = [
            "", ".", "..", "a", "b.c", "a..b", "x/", "/", "a/./b", "a//b", "./a", "a/.", ".env",
            "/x",
        ];
        let mut plain = 0;
        for dir in pieces
            .iter()
            .flat_map(|p| [p.to_string(), format!("/{p}"), format!("d/{p}")])
        {
            for rel in pieces
                .iter()
                .flat_map(|p| [p.to_string(), format!("{p}/f.yaml"), format!("k/{p}")])
            {
                if rel.starts_with('/') {
                    continue;
                }
                assert_eq!(
                    join_path(&dir, &rel),
                    join_normalized(&dir, &rel),
                    "{dir:?} + {rel:?}"
                );
                plain += usize::from(!dir.contains('.') && !rel.contains('.'));
            }
        }
        assert!(plain > 10);
        assert_eq!(normalize("/ci/deploy/./env/a.env"), "/ci/deploy/env/a.env");
        assert_eq!(dir_of("a/b/c.yml"), "a/b");
        assert_eq!(dir_of("c.yml"), "");
    }

    #[test]
    fn owners() {
        let dirs: BTreeSet<&str> = ["svc", "svc/worker", ""].into_iter().collect();
        assert_eq!(
            owner_of("svc/config/app.yml", &dirs),
            ("svc".into(), "svc".into())
        );
        assert_eq!(
            owner_of("svc/worker/.env", &dirs),
            ("svc/worker".into(), "worker".into())
        );
        let none = BTreeSet::new();
        assert_eq!(
            owner_of("api/config/cable.yml", &none),
            ("api".into(), "api".into())
        );
        assert_eq!(
            owner_of("billing/src/main/resources/application.yml", &none),
            ("billing".into(), "billing".into())
        );
        assert_eq!(
            owner_of("config/redis.yml", &none),
            (".".into(), ".".into())
        );
        assert_eq!(
            owner_of("tools/x.ini", &none),
            ("tools".into(), "tools".into())
        );
    }
}

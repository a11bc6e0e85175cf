//! Application config files as flat settings: nested YAML, JSON and TOML
//! keys become dotted keys (`cache.redis.host`); dotenv, `.properties`, INI
//! and `key value` conf files become their keys (INI sections prefix them).
//! Every setting keeps the line it was read from, and commented-out lines
//! never become settings. Used for files mounted from ConfigMaps, compose
//! `env_file`s and config files on disk.

mod php;

pub use php::is_config as is_php_config;

use crate::yaml::{self, Node, Value};
use fallout_core::Diagnostic;

/// One setting of a config file, with its 1-based line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawSetting {
    pub key: String,
    pub value: String,
    pub line: u32,
    /// The value reads an environment variable and holds only its fallback.
    pub default_of: Option<EnvDefault>,
}

/// A setting that reads an environment variable with a fallback: Rails ERB
/// `<%= ENV.fetch("REDIS_URL") { "redis://localhost:6379/1" } %>`, Python
/// `os.environ.get("CELERY_BROKER_URL", "redis://…")`. The setting's value
/// holds the fallback, which counts only where the variable is unset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvDefault {
    /// The variable read.
    pub var: String,
    /// The part of the value that stands for the variable: the fallback as
    /// written, or `${VAR}` when there is none.
    pub fallback: String,
    /// Where the fallback starts in the setting's value.
    at: usize,
    /// The setting is there only when the variable is set: node-config's
    /// `custom-environment-variables` leaves a key whose variable is unset
    /// to the other config files. Such a setting without its variable is
    /// no setting at all (not even a password's place).
    pub only_when_set: bool,
    /// Another setting turns TLS on for this URL (Celery's
    /// `broker_use_ssl`): the variable's `redis://` is read as `rediss://`.
    pub tls: bool,
}

impl EnvDefault {
    /// The setting's value with the variable's value in place of the fallback.
    pub fn with_value(&self, setting_value: &str, var_value: &str) -> String {
        let value = match setting_value.get(self.at..) {
            Some(rest) if rest.starts_with(&self.fallback) => format!(
                "{}{var_value}{}",
                &setting_value[..self.at],
                &rest[self.fallback.len()..]
            ),
            _ => setting_value.replacen(&self.fallback, var_value, 1),
        };
        if self.tls {
            flip_to_tls(&value)
        } else {
            value
        }
    }

    /// TLS turned on for the setting `value` (its `redis://` now
    /// `rediss://`), the fallback's place kept, and for what the variable
    /// gives ([`EnvDefault::with_value`]).
    pub fn turn_tls_on(&mut self, value: &mut String) {
        if let Some(rest) = value
            .get(self.at..)
            .filter(|r| r.starts_with(&self.fallback))
        {
            let before = flip_to_tls(&value[..self.at]);
            let fallback = flip_to_tls(&self.fallback);
            let after = flip_to_tls(&rest[self.fallback.len()..]);
            self.at = before.len();
            *value = format!("{before}{fallback}{after}");
            self.fallback = fallback;
        } else {
            *value = flip_to_tls(value);
        }
        self.tls = true;
    }
}

/// `redis://` (any case) as `rediss://`.
fn flip_to_tls(text: &str) -> String {
    crate::frameworks::replace_ignore_case(text, "redis://", "rediss://")
}

/// A config file, or one line of it, that could not be parsed. The message
/// never quotes the input (it may hold a password).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub line: u32,
    pub col: u32,
    pub message: String,
}

/// What reading a config file produced: the settings it could read, and what
/// it could not. Line formats (dotenv) skip a bad line and go on; whole-file
/// formats (YAML, JSON, TOML) give no settings when they do not parse.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    pub settings: Vec<RawSetting>,
    pub errors: Vec<ParseError>,
    /// Keys a YAML or JSON file gives twice in one mapping, at the later
    /// key (whose value is the one read), naming the first's line.
    pub duplicate_keys: Vec<ParseError>,
}

impl Settings {
    /// A `yaml-duplicate-key` warning for each key given twice: the later
    /// value is read, as most readers do, but some apps refuse the file.
    pub fn duplicate_key_warnings<'a>(
        &'a self,
        path: &'a str,
    ) -> impl Iterator<Item = Diagnostic> + 'a {
        self.duplicate_keys.iter().map(move |d| {
            Diagnostic::warning("yaml-duplicate-key", d.message.clone()).at(
                path,
                Some(d.line),
                None,
            )
        })
    }
}

/// The `duplicate_keys` of a parsed YAML document (`text` its whole file).
fn note_duplicates(text: &str, doc: &yaml::Document<'_>, out: &mut Vec<ParseError>) {
    for (line, first, key) in yaml::duplicate_key_names(text, 1, doc) {
        out.push(ParseError {
            line,
            col: 0,
            message: yaml::duplicate_key_message(
                &key,
                first,
                "the later value is read, as Ruby's Psych and Python's PyYAML read it, but Spring (SnakeYAML), js-yaml and Go's yaml.v3 refuse such a file",
            ),
        });
    }
}

/// The format of a config file, from its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Json,
    Toml,
    /// `.env`, `*.env`, `.env.*`: `KEY=value`, quotes, `export`, ` #` comments.
    Dotenv,
    /// Java `.properties`: `key=value`, `key: value`, `key value`; `#`/`!` comments.
    Properties,
    /// `[section]` and `key = value`; `;` and `#` comments.
    Ini,
    /// `*.conf`, `*.cfg`: `key value` (redis.conf style), `key = value` or INI.
    Conf,
    /// Python settings modules (`settings.py`, `sentry.conf.py`): literal
    /// assignments, dicts and keyword arguments, plus URLs anywhere.
    Python,
    /// PHP config files (Nextcloud `config.php`, Laravel `config/*.php`,
    /// `wp-config.php`): literal arrays, assignments and `define`s, when
    /// the file is such a config ([`is_php_config`]); Redis URLs otherwise.
    Php,
    /// Anything else: Redis URLs on uncommented lines only.
    Text,
}

impl Format {
    /// The diagnostic code for input of this format that does not parse.
    pub fn parse_code(self) -> &'static str {
        match self {
            Format::Yaml => "yaml-parse",
            Format::Json => "json-parse",
            Format::Toml => "toml-parse",
            Format::Dotenv => "env-parse",
            Format::Ini => "ini-parse",
            Format::Php => "php-parse",
            Format::Properties | Format::Conf | Format::Python | Format::Text => "config-parse",
        }
    }

    /// What the user should do about a parse error, for diagnostics.
    pub fn fix_hint(self) -> &'static str {
        match self {
            Format::Yaml => "fix the YAML syntax; settings in this file were not read",
            Format::Json => "fix the JSON syntax; settings in this file were not read",
            Format::Toml => "fix the TOML syntax; settings in this file were not read",
            Format::Dotenv => {
                "write the line as KEY=value (quote values with spaces); this line was not read"
            }
            Format::Ini => "close the section header with `]`; this line was not read",
            Format::Php => {
                "fix the PHP syntax; only Redis URLs in this file were read, not its settings"
            }
            Format::Properties | Format::Conf | Format::Python | Format::Text => {
                "fix the line; it was not read"
            }
        }
    }
}

pub fn format_of(file_name: &str) -> Format {
    let name = file_name
        .rsplit('/')
        .next()
        .unwrap_or(file_name)
        .to_ascii_lowercase();
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext {
        "yaml" | "yml" => Format::Yaml,
        "json" => Format::Json,
        "toml" => Format::Toml,
        "env" => Format::Dotenv,
        "properties" => Format::Properties,
        "ini" => Format::Ini,
        "conf" | "cfg" | "cnf" => Format::Conf,
        "py" => Format::Python,
        "php" => Format::Php,
        _ if name == ".env" || name.starts_with(".env.") => Format::Dotenv,
        _ => Format::Text,
    }
}

/// Reads the settings of a config file, in the format its name says.
///
/// An ERB template (`resque.yml.erb`, `cable.yml.erb`: GitLab's chart
/// mounts them and renders them at start-up) is read as the file it
/// renders: its control lines (`<% if … %>`) blank, its output tags
/// (`<%= … %>`) values the scan cannot read.
pub fn read_settings(file_name: &str, text: &str) -> Settings {
    if let Some(rendered) = file_name.strip_suffix(".erb") {
        let mut read = read_file(format_of(rendered), rendered, &erb_control_blanked(text));
        // Both branches of an `<% if %>` stand in the text: a key given in
        // each is no key given twice in what the template renders.
        read.duplicate_keys.clear();
        return read;
    }
    read_file(format_of(file_name), file_name, text)
}

/// `text` with each line that holds only ERB control tags (`<% … %>`,
/// `<%- … -%>`, not `<%= … %>`) blank, so the rest reads as its format.
fn erb_control_blanked(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        let control = t.starts_with("<%") && !t.starts_with("<%=") && t.ends_with("%>");
        if control {
            out.push_str(if line.ends_with("\r\n") {
                "\r\n"
            } else if line.ends_with('\n') {
                "\n"
            } else {
                ""
            });
        } else {
            out.push_str(line);
        }
    }
    out
}

/// Reads the settings of the config file at `path` in `format` (which may
/// be other than its name says: a template read as text), with what its
/// name adds: a node-config `custom-environment-variables` file names the
/// variable each key takes its value from ([`names_env_vars`]).
pub fn read_file(format: Format, path: &str, text: &str) -> Settings {
    let mut out = read_format(format, text);
    if names_env_vars(path) {
        as_env_reads(&mut out.settings);
    }
    if let Some(profile) = profile_file(path) {
        as_profile_document(profile, &mut out.settings);
    }
    quarkus_profiles(&mut out.settings);
    if format == Format::Yaml {
        as_environment_blocks(&mut out.settings);
    }
    if matches!(format, Format::Yaml | Format::Json) {
        envoy_redis_clusters(&mut out.settings);
    }
    out
}

/// Envoy's `redis_proxy` filter: the clusters it routes to (`prefix_routes`
/// `cluster:`, or a cluster with `RedisProtocolOptions`) are Redis servers
/// Envoy connects to. Each endpoint's `socket_address` `address` and
/// `port_value` become `redis.envoy.<cluster>.<n>.host`/`.port`, with the
/// cluster's upstream TLS (`transport_socket` `envoy.transport_sockets.tls`
/// or an `UpstreamTlsContext`) as `.tls` and its `auth_password` (a file,
/// an inline string, an environment variable: never its value) as
/// `.password`, so they pair as one connection. Other clusters are left
/// as they are.
fn envoy_redis_clusters(settings: &mut Vec<RawSetting>) {
    const CLUSTERS: &str = "static_resources.clusters.";
    if !settings.iter().any(|s| s.key.starts_with(CLUSTERS)) {
        return;
    }
    // Filters that are redis_proxy: the key prefix of each.
    let proxies: Vec<String> = settings
        .iter()
        .filter(|s| s.value.contains("redis_proxy"))
        .filter_map(|s| {
            s.key
                .strip_suffix(".name")
                .or_else(|| s.key.strip_suffix(".typed_config.@type"))
                .map(|p| format!("{p}."))
        })
        .collect();
    let mut redis_clusters: Vec<String> = settings
        .iter()
        .filter(|s| {
            s.key.ends_with(".cluster") && proxies.iter().any(|p| s.key.starts_with(p.as_str()))
        })
        .map(|s| s.value.trim().to_string())
        .collect();
    // The index of each cluster (`static_resources.clusters.<i>.`) by name,
    // and those with Redis protocol options.
    let mut clusters: Vec<(String, String)> = Vec::new();
    for s in settings.iter() {
        if let Some(i) = s
            .key
            .strip_prefix(CLUSTERS)
            .and_then(|rest| rest.strip_suffix(".name"))
            .filter(|i| i.bytes().all(|b| b.is_ascii_digit()))
        {
            clusters.push((format!("{CLUSTERS}{i}."), s.value.trim().to_string()));
        }
    }
    for (prefix, name) in &clusters {
        let options = format!("{prefix}typed_extension_protocol_options.");
        if settings
            .iter()
            .any(|s| s.key.starts_with(&options) && s.key.contains("redis_proxy"))
        {
            redis_clusters.push(name.clone());
        }
    }
    for (prefix, name) in clusters.iter().filter(|(_, n)| redis_clusters.contains(n)) {
        let own = |s: &RawSetting| s.key.starts_with(prefix.as_str());
        let tls = settings
            .iter()
            .filter(|s| own(s) && s.key.contains(".transport_socket."))
            .find(|s| {
                s.value.contains("transport_sockets.tls") || s.value.contains("UpstreamTlsContext")
            })
            .map(|s| s.line);
        let password = settings
            .iter()
            .find(|s| own(s) && s.key.contains(".auth_password."))
            .map(|s| s.line);
        let mut added: Vec<RawSetting> = Vec::new();
        let mut n = 0;
        for at in 0..settings.len() {
            let s = &settings[at];
            if !own(s) || !s.key.ends_with(".socket_address.address") {
                continue;
            }
            let port_key = format!("{}.port_value", s.key.trim_end_matches(".address"));
            let group = format!("redis.envoy.{name}.{n}");
            n += 1;
            settings[at].key = format!("{group}.host");
            if let Some(port) = settings.iter_mut().find(|p| p.key == port_key) {
                port.key = format!("{group}.port");
            }
            if let Some(line) = tls {
                added.push(synthetic(format!("{group}.tls"), "true", line));
            }
            if let Some(line) = password {
                added.push(synthetic(
                    format!("{group}.password"),
                    "(auth_password)",
                    line,
                ));
            }
        }
        settings.extend(added);
        // The cluster's own auth settings: read above as where the password
        // lives; left in, an `inline_string` (under a key that says Redis)
        // would be read as a value of its own, a password as a host.
        settings.retain(|s| {
            !(own(s) && (s.key.contains(".auth_password.") || s.key.contains(".auth_username.")))
        });
    }
}

/// The environments whose top-level block of an environment-keyed YAML
/// file (Rails `config/cable.yml`, `config/redis.yml`, `database.yml`…)
/// holds for a developer's machine or the test suite, not a deployment.
const LOCAL_ENVIRONMENTS: &[&str] = &["development", "test"];

/// An environment-keyed YAML file (two or more of `development:`, `test:`,
/// `staging:`, `production:` at the top) holds one block per environment,
/// and the app reads the block of its own (`RAILS_ENV`). The
/// `development` and `test` blocks are read apart as documents for their
/// environment ([`apart`]): their settings are inferred and named
/// (`in the document for environment development`), never a deployment's
/// link as fact. The other blocks are read as written.
fn as_environment_blocks(settings: &mut Vec<RawSetting>) {
    let top = |s: &RawSetting| s.key.split('.').next().unwrap_or("").to_string();
    let mut envs: Vec<String> = settings
        .iter()
        .map(top)
        .filter(|t| {
            matches!(
                t.as_str(),
                "development" | "test" | "staging" | "production"
            )
        })
        .collect();
    envs.sort();
    envs.dedup();
    if envs.len() < 2 || settings.iter().any(|s| s.key.starts_with("---")) {
        return;
    }
    for (n, env) in LOCAL_ENVIRONMENTS.iter().enumerate() {
        let prefix = format!("{env}.");
        let mut first_line = None;
        for s in settings.iter_mut().filter(|s| s.key.starts_with(&prefix)) {
            first_line.get_or_insert(s.line);
            s.key = format!("---{}.{}", n + 1, &s.key[prefix.len()..]);
        }
        if let Some(line) = first_line {
            settings.push(synthetic(format!("---{}.environment", n + 1), *env, line));
        }
    }
}

/// The variables that name the active profile or environment of the app
/// reading the file at `path`, most decisive first: ASP.NET Core's for an
/// `appsettings*.json` (`ASPNETCORE_ENVIRONMENT` before
/// `DOTNET_ENVIRONMENT`, as ASP.NET Core gives it precedence), Spring's
/// and Quarkus' otherwise ([`with_profiles`]).
pub fn profile_variables(path: &str) -> &'static [&'static str] {
    let name = path.rsplit('/').next().unwrap_or(path);
    if name.starts_with("appsettings") && name.ends_with(".json") {
        &["ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT"]
    } else {
        &["SPRING_PROFILES_ACTIVE", "QUARKUS_PROFILE"]
    }
}

/// The profile a config file is for, from its name: Spring's
/// `application-prod.yml`, `bootstrap-eu.properties` → `prod`, `eu`;
/// ASP.NET Core's `appsettings.Production.json` → `Production`. The app
/// reads it only when that profile (environment) is active.
pub fn profile_file(path: &str) -> Option<&str> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let (stem, ext) = name.rsplit_once('.')?;
    let profile = match ext {
        "yml" | "yaml" | "properties" => stem
            .strip_prefix("application-")
            .or_else(|| stem.strip_prefix("bootstrap-"))?,
        "json" => stem.strip_prefix("appsettings.")?,
        _ => return None,
    };
    (!profile.is_empty()).then_some(profile)
}

/// The profile an app runs under when no variable names one, for the
/// file at `path`: ASP.NET Core's environment is `Production` unless
/// `ASPNETCORE_ENVIRONMENT` / `DOTNET_ENVIRONMENT` says otherwise, so its
/// `appsettings.Production.json` holds by default. Spring and Quarkus
/// files have no such default here (`None`).
pub fn default_profile(path: &str) -> Option<&'static str> {
    let name = path.rsplit('/').next().unwrap_or(path);
    // Only the Production file is known to hold then: another
    // environment's file stays apart (inferred), not dropped, as the
    // environment may be set where the scan cannot see.
    (name.starts_with("appsettings.")
        && profile_file(path).is_some_and(|p| p.eq_ignore_ascii_case("Production")))
    .then_some("Production")
}

/// Quarkus' profile keys, `%dev.quarkus.redis.hosts` (or a `"%dev":` YAML
/// block): each profile's keys read apart as a profile document
/// ([`apart`]), so [`with_profiles`] lays the active one (`QUARKUS_PROFILE`)
/// over the unprefixed keys, drops the others, or leaves them inferred and
/// named when the profile is not known.
fn quarkus_profiles(settings: &mut Vec<RawSetting>) {
    if !settings.iter().any(|s| s.key.starts_with('%')) {
        return;
    }
    let mut next = settings
        .iter()
        .filter_map(|s| {
            s.key
                .strip_prefix("---")?
                .split_once('.')?
                .0
                .parse::<usize>()
                .ok()
        })
        .max()
        .unwrap_or(0)
        + 1;
    let mut profiles: Vec<(String, usize, u32)> = Vec::new();
    for s in settings.iter_mut() {
        let Some((profile, rest)) = s.key.strip_prefix('%').and_then(|k| k.split_once('.')) else {
            continue;
        };
        if profile.is_empty() || rest.is_empty() {
            continue;
        }
        let n = match profiles.iter().find(|(p, _, _)| p == profile) {
            Some((_, n, _)) => *n,
            None => {
                profiles.push((profile.to_string(), next, s.line));
                next += 1;
                next - 1
            }
        };
        s.key = format!("---{n}.{rest}");
    }
    for (profile, n, line) in profiles {
        settings.push(synthetic(format!("---{n}.{ON_PROFILE}"), profile, line));
    }
}

/// The condition key a profile document is read apart by ([`apart`]).
const ON_PROFILE: &str = "spring.config.activate.on-profile";

/// A setting the readers add to what a file writes: a profile document's
/// condition, an Envoy cluster's TLS or password place.
fn synthetic(key: String, value: impl Into<String>, line: u32) -> RawSetting {
    RawSetting {
        key,
        value: value.into(),
        line,
        default_of: None,
    }
}

/// A profile file's settings as one profile document ([`apart`]), as if
/// the file were a `---` document with `spring.config.activate.on-profile`
/// set to `profile`: [`with_profiles`] then lays it over the default
/// settings, drops it, or leaves it apart (its settings inferred, named
/// by the profile) as the active profiles say. A profile file of several
/// documents is left as it is.
fn as_profile_document(profile: &str, settings: &mut Vec<RawSetting>) {
    if settings.is_empty() || settings.iter().any(|s| s.key.starts_with("---")) {
        return;
    }
    apart(1, settings);
    settings.insert(0, synthetic(format!("---1.{ON_PROFILE}"), profile, 1));
}

/// node-config's `config/custom-environment-variables.{json,yml,yaml}`
/// (lorenwest/node-config): its values are the names of the environment
/// variables that set each key (`"host": "QUEUE_REDIS_HOST"`), not values.
pub fn names_env_vars(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_prefix("custom-environment-variables.")
        .is_some_and(|ext| matches!(ext, "json" | "yml" | "yaml" | "json5"))
}

/// The settings of a [`names_env_vars`] file as reads of the variables they
/// name: `queue.connection.host = QUEUE_REDIS_HOST` becomes a read of
/// `QUEUE_REDIS_HOST` with no fallback (`${QUEUE_REDIS_HOST}`), which a
/// container or service that sets the variable fills in and which names
/// no host otherwise (node-config leaves the key to the other files when
/// the variable is unset). `{"__name": "VAR", "__format": "json"}` names
/// `VAR` for the key that holds it.
fn as_env_reads(settings: &mut Vec<RawSetting>) {
    settings.retain_mut(|s| {
        let key = s.key.strip_suffix(".__name").unwrap_or(&s.key).to_string();
        let var = s.value.trim();
        // `__format` says how to parse the variable; the `true` that a
        // `tls: {…}` object adds is no variable's name.
        let is_name = !var.is_empty()
            && var
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
            && !(is_tls_object_key(&key) && var == "true");
        if key.ends_with(".__format") || key == "__format" || !is_name {
            return false;
        }
        let fallback = format!("${{{var}}}");
        s.default_of = Some(EnvDefault {
            var: var.to_string(),
            fallback: fallback.clone(),
            at: 0,
            only_when_set: true,
            tls: false,
        });
        s.key = key;
        s.value = fallback;
        true
    });
}

/// Reads the settings of a config file in a known format.
pub fn read_format(format: Format, text: &str) -> Settings {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Settings::default();
    match format {
        Format::Yaml => match parse_yaml(text) {
            Ok(docs) => {
                for (n, doc) in docs.iter().enumerate() {
                    note_duplicates(text, doc, &mut out.duplicate_keys);
                    let from = out.settings.len();
                    flatten("", &doc.root, &mut out.settings);
                    if docs.len() > 1 && is_conditional(&out.settings[from..]) {
                        apart(n + 1, &mut out.settings[from..]);
                    }
                }
            }
            Err(e) => out.errors.push(ParseError {
                line: e.line,
                col: e.col,
                message: e.message,
            }),
        },
        Format::Json => read_json(text, &mut out),
        Format::Toml => read_toml(text, &mut out),
        Format::Dotenv => read_dotenv(text, &mut out),
        Format::Properties => out.settings = properties_lines(text),
        Format::Ini => read_ini(text, &mut out),
        Format::Conf => out.settings = conf_lines(text),
        Format::Python => out.settings = python_settings(text),
        Format::Php => {
            let read = php::read(text);
            out.settings = read.settings;
            out.errors.extend(read.error);
        }
        Format::Text => out.settings = url_lines(text),
    }
    out.settings.sort_by_key(|s| s.line);
    out
}

/// Reads the settings of a config file. A file that does not parse as a
/// whole is an error; a bad line of a line format (dotenv) is skipped. Use
/// [`read_settings`] to get both the settings and every error.
pub fn settings_from_text(file_name: &str, text: &str) -> Result<Vec<RawSetting>, ParseError> {
    let read = read_settings(file_name, text);
    match (read.errors.into_iter().next(), read.settings.is_empty()) {
        (Some(err), true) => Err(err),
        _ => Ok(read.settings),
    }
}

/// Parses YAML as docker compose and kubectl (go-yaml) and PyYAML do: the
/// lines of a flow collection after its first (`command: ["./daprd",` then
/// `"-app-id", "app"]` under `command`), its closing line included, may sit
/// at the parent key's indentation or left of it, which libyaml accepts and
/// the YAML 1.2 parser does not. Such lines are indented one past the line
/// that opened the collection and the text parsed again; a text that still
/// fails gives the first error. Lines keep their numbers.
pub fn parse_yaml(text: &str) -> Result<Vec<yaml::Document<'_>>, yaml::YamlError> {
    let first = match yaml::parse(text, 1) {
        Ok(docs) => return Ok(docs),
        Err(e) => e,
    };
    let mut fixed = String::with_capacity(text.len() + 64);
    let mut prev_indent = 0;
    // Open `[`/`{` at the start of a line, and the indentation of the line
    // that opened the outermost one.
    let (mut depth, mut opened_at) = (0usize, 0usize);
    let mut changed = false;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let blank = trimmed.trim().is_empty() || trimmed.starts_with('#');
        let closer = trimmed.trim_end().trim_end_matches(',');
        let inside = depth > 0 && !blank && indent <= opened_at;
        let lone_closer = matches!(closer, "]" | "}") && indent <= prev_indent && prev_indent > 0;
        if inside || lone_closer {
            let to = if inside { opened_at } else { prev_indent };
            fixed.push_str(&" ".repeat(to + 1));
            fixed.push_str(trimmed);
            changed = true;
            depth = flow_depth(depth, trimmed);
            continue;
        }
        if depth == 0 && !blank {
            opened_at = indent;
        }
        if !blank {
            depth = flow_depth(depth, trimmed);
        }
        if !trimmed.trim().is_empty() {
            prev_indent = indent;
        }
        fixed.push_str(line);
    }
    if !changed {
        return Err(first);
    }
    yaml::parse(&fixed, 1)
        .map(|docs| docs.into_iter().map(yaml::Document::into_owned).collect())
        .map_err(|_| first)
}

/// The flow nesting after a line: `[`/`{` opened minus closed, outside
/// quotes and comments.
fn flow_depth(mut depth: usize, line: &str) -> usize {
    let mut quote: Option<u8> = None;
    let mut prev = b' ';
    for &b in line.as_bytes() {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'')
                if depth > 0 || matches!(prev, b' ' | b':' | b'[' | b'{' | b',') =>
            {
                quote = Some(b)
            }
            (None, b'#') if prev == b' ' || prev == b'\t' => break,
            (None, b'[' | b'{') => depth += 1,
            (None, b']' | b'}') => depth = depth.saturating_sub(1),
            _ => {}
        }
        prev = b;
    }
    depth
}

/// 1-based (line, col) of a byte offset.
fn position(text: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() as u32 + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0) as u32
        + 1;
    (line, col)
}

fn push(out: &mut Vec<RawSetting>, key: &str, value: impl Into<String>, line: u32) {
    let value = value.into();
    let default_of = placeholder(&value);
    out.push(RawSetting {
        key: key.to_string(),
        value,
        line,
        default_of,
    });
}

/// A value that is a Spring or shell placeholder, `${REDIS_PASSWORD}`,
/// `${REDIS_HOST:localhost}` or `${REDIS_HOST:-localhost}`: the variable it
/// reads. The placeholder
/// stays as written (its default is not taken for the value: whoever runs
/// the app may set it where the scan cannot see); a container or service
/// that sets the variable puts its value in the placeholder's place.
fn placeholder(value: &str) -> Option<EnvDefault> {
    // Only a value that is the placeholder: in `redis://:${PASS}@host` the
    // address is written, and stays the file's.
    let value_trim = value.trim();
    let inner = value_trim.strip_prefix("${")?.strip_suffix('}')?;
    if inner.contains(['{', '}']) {
        return None;
    }
    let at = value.find("${")?;
    let end = inner.len();
    let var = inner.split([':']).next().unwrap_or(inner);
    if var.is_empty() || !var.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return None;
    }
    Some(EnvDefault {
        var: var.to_string(),
        fallback: value[at..at + 2 + end + 1].to_string(),
        at,
        only_when_set: false,
        tls: false,
    })
}

/// A setting whose value reads `var`, with `fallback` (none: `${VAR}`).
fn push_default(
    out: &mut Vec<RawSetting>,
    key: &str,
    var: &str,
    fallback: Option<&str>,
    line: u32,
) {
    let fallback = fallback.map_or_else(|| format!("${{{var}}}"), str::to_string);
    out.push(RawSetting {
        key: key.to_string(),
        value: fallback.clone(),
        line,
        default_of: Some(EnvDefault {
            var: var.to_string(),
            fallback,
            at: 0,
            only_when_set: false,
            tls: false,
        }),
    });
}

/// Reads of an environment variable, with their fallback when they have
/// one: Ruby `ENV.fetch("X") { "d" }`, `ENV.fetch("X", "d")`,
/// `ENV["X"] || "d"`; Node `process.env.X || "d"` (`??`); Python
/// `os.environ.get("X", "d")`, `os.getenv("X", "d")`.
static ENV_READS: std::sync::LazyLock<[regex::Regex; 4]> = std::sync::LazyLock::new(|| {
    [
        r#"ENV\.fetch\(\s*["'](\w+)["']\s*(?:,\s*["']([^"']*)["']\s*)?\)(?:\s*\{\s*["']([^"']*)["']\s*\})?"#,
        r#"ENV\[\s*["'](\w+)["']\s*\](?:\s*(?:\|\||\bor\b)\s*["']([^"']*)["'])?"#,
        r#"process\.env(?:\.(\w+)|\[\s*["'](\w+)["']\s*\])(?:\s*(?:\|\||\?\?)\s*["'`]([^"'`]*)["'`])?"#,
        r#"\b(?:environ\.get|getenv)\(\s*["'](\w+)["']\s*(?:,\s*(?:default\s*=\s*)?["']([^"']*)["']\s*)?\)"#,
    ]
    .map(|re| regex::Regex::new(re).expect("valid pattern"))
});

/// The first read of an environment variable in `text`, and `text` with
/// that read (or the ERB tag `<%= … %>` that is only the read) replaced by
/// its fallback, or by `${VAR}` when it has none.
fn env_read(text: &str) -> Option<(EnvDefault, String)> {
    if !(text.contains("ENV") || text.contains("env")) {
        return None;
    }
    let caps = ENV_READS.iter().find_map(|re| re.captures(text))?;
    let whole = caps.get(0)?;
    let mut groups = caps.iter().skip(1).flatten().map(|m| m.as_str());
    let var = groups.next()?.to_string();
    let fallback = groups
        .next()
        .map_or_else(|| format!("${{{var}}}"), str::to_string);
    let (mut start, mut end) = (whole.start(), whole.end());
    let before = text[..start].trim_end_matches([' ', '(']);
    let after = text[end..].trim_start_matches([' ', ')']);
    if let (Some(open), Some(close)) = (before.strip_suffix("<%="), after.strip_prefix("%>")) {
        start = open.len();
        end = text.len() - close.len();
    }
    let value = format!("{}{fallback}{}", &text[..start], &text[end..]);
    Some((
        EnvDefault {
            var,
            fallback,
            at: start,
            only_when_set: false,
            tls: false,
        },
        value,
    ))
}

/// Pushes `key = text`, as the fallback of an environment variable when
/// `text` reads one.
fn push_text(out: &mut Vec<RawSetting>, key: &str, text: &str, line: u32) {
    match env_read(text) {
        Some((default_of, value)) => out.push(RawSetting {
            key: key.to_string(),
            value,
            line,
            default_of: Some(default_of),
        }),
        None => push(out, key, text, line),
    }
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// A `tls` / `ssl` key whose value is an options object (ioredis `tls: {}`)
/// turns TLS on; see [`crate::frameworks::TLS_OPTION_OBJECTS`].
fn is_tls_object_key(key: &str) -> bool {
    let last = key.rsplit('.').next().unwrap_or(key).to_ascii_lowercase();
    crate::frameworks::TLS_OPTION_OBJECTS.contains(&last.as_str())
}

/// A Python key whose dict value is TLS options: its last word, once
/// normalized, is `tls` or `ssl` (`broker_use_ssl`, `"ssl"`).
fn is_tls_options_key(key: &str) -> bool {
    let norm = crate::settings::normalize_key(key);
    let last = norm.rsplit('.').next().unwrap_or("");
    crate::frameworks::TLS_OPTION_OBJECTS.contains(&last)
}

fn flatten(prefix: &str, node: &Node, out: &mut Vec<RawSetting>) {
    match &node.value {
        Value::Scalar { .. } => {
            if let Some(text) = node.as_str() {
                if node.block && holds_yaml_config(prefix) {
                    // Redisson's config written inline in Spring
                    // (`spring.redis.redisson.config: |`): its keys, each
                    // at its own line (the block is marked at its first
                    // content line; blank lines before it are in its text).
                    let blank = text.len() - text.trim_start_matches('\n').len();
                    let first = node.line.saturating_sub(blank as u32).max(1);
                    if let Ok(docs) = yaml::parse(text, first) {
                        for doc in &docs {
                            flatten(prefix, &doc.root, out);
                        }
                        return;
                    }
                }
                push_text(out, prefix, text, node.line);
            }
        }
        Value::Seq(items) => {
            // Maps in a list get an index so that each one's host and port
            // pair up (`sentinels.0.host` + `sentinels.0.port`); scalars keep
            // the list's key (`hosts: [a, b]`).
            for (i, item) in items.iter().enumerate() {
                if item.as_map().is_some() {
                    flatten(&join(prefix, &i.to_string()), item, out);
                } else {
                    flatten(prefix, item, out);
                }
            }
        }
        Value::Map(_) => {
            if !prefix.is_empty() && is_tls_object_key(prefix) {
                push(out, prefix, "true", node.line);
            }
            for (key, value) in node.entries() {
                flatten(&join(prefix, key), value, out);
            }
        }
    }
}

/// A key whose block scalar is a YAML config of its own, read as nested
/// keys: Spring's `spring.redis.redisson.config` (and
/// `spring.data.redis.redisson.config`).
fn holds_yaml_config(key: &str) -> bool {
    crate::settings::normalize_key(key).ends_with("redisson.config")
}

/// Keys that make a YAML document count only in some runs of the app:
/// Spring Boot's `spring.config.activate.on-profile` (and
/// `on-cloud-platform`), its legacy `spring.profiles: local`, and a
/// document-level `profile:` or `environment:` naming where it applies.
/// Normalized ([`crate::settings::normalize_key`]).
const DOCUMENT_CONDITIONS: &[&str] = &[
    "spring.config.activate.on.profile",
    "spring.config.activate.on.cloud.platform",
    "spring.profiles",
    "profile",
    "profiles",
    "environment",
    "env",
];

/// Whether a document of a multi-document YAML file holds settings for
/// some profile or environment only.
fn is_conditional(settings: &[RawSetting]) -> bool {
    settings.iter().any(|s| {
        DOCUMENT_CONDITIONS.contains(&crate::settings::normalize_key(&s.key).as_str())
            && !s.value.trim().is_empty()
    })
}

/// Keys of the `n`th document (1-based) of a YAML file prefixed with
/// `---n.`: a profile document (`---` then `on-profile: local`) is a run of
/// the app of its own, so its `port: 6379` must not pair with the default
/// document's `host` (Spring applies it only when the profile is active).
/// Settings without a key (a bare URL) stay as they are; lines do not move.
fn apart(n: usize, settings: &mut [RawSetting]) {
    for s in settings.iter_mut().filter(|s| !s.key.is_empty()) {
        s.key = format!("---{n}.{}", s.key);
    }
}

/// A document of a YAML file read apart ([`apart`]): its key prefix
/// (`---2.`) and what it holds for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConditionalDocument {
    pub prefix: String,
    /// The Spring profile expression (`prod`, `prod & eu`, `!dev`) when the
    /// condition is a Spring profile.
    pub spring_profile: Option<String>,
    /// The condition, for the evidence: `profile prod`, `environment test`.
    pub condition: String,
}

impl ConditionalDocument {
    /// The document of `docs` that `key` (a setting's key as read) is in.
    pub fn of<'d>(docs: &'d [ConditionalDocument], key: &str) -> Option<&'d ConditionalDocument> {
        if !key.starts_with("---") {
            return None;
        }
        docs.iter().find(|d| key.starts_with(&d.prefix))
    }

    /// An evidence detail (`via`) of a setting in this document, without
    /// its `---N.` prefix, saying that it holds only under the condition.
    pub fn only(&self, via: &str) -> String {
        format!(
            "{} (in the document for {}: whether it is active is not known)",
            via.replacen(&self.prefix, "", 1),
            self.condition
        )
    }
}

/// The documents of a YAML file read apart, from their condition keys.
fn conditional_documents(settings: &[RawSetting]) -> Vec<ConditionalDocument> {
    let mut out: Vec<ConditionalDocument> = Vec::new();
    for s in settings {
        let Some((n, key)) = s
            .key
            .strip_prefix("---")
            .and_then(|rest| rest.split_once('.'))
        else {
            continue;
        };
        let prefix = format!("---{n}.");
        let norm = crate::settings::normalize_key(key);
        let value = s.value.trim();
        if value.is_empty() || !DOCUMENT_CONDITIONS.contains(&norm.as_str()) {
            continue;
        }
        let spring = matches!(
            norm.as_str(),
            "spring.config.activate.on.profile" | "spring.profiles"
        );
        let condition = match norm.as_str() {
            _ if spring => format!("profile {value}"),
            "spring.config.activate.on.cloud.platform" => format!("cloud platform {value}"),
            _ => format!("{norm} {value}"),
        };
        match out.iter_mut().find(|d| d.prefix == prefix) {
            // A list (`on-profile: [prod, eu]`) is one setting per item.
            Some(d) if spring => {
                let expr = d.spring_profile.get_or_insert_with(String::new);
                if !expr.is_empty() {
                    expr.push(',');
                }
                expr.push_str(value);
                d.condition = format!("profile {expr}");
            }
            Some(_) => {}
            None => out.push(ConditionalDocument {
                prefix,
                spring_profile: spring.then(|| value.to_string()),
                condition,
            }),
        }
    }
    out
}

/// Whether a Spring profile expression holds for the `active` profiles:
/// `prod`, `prod,eu` or `prod | eu` (either), `prod & eu` (both), `!dev`.
fn profile_holds(expr: &str, active: &[&str]) -> bool {
    expr.split([',', '|']).any(|either| {
        either.split('&').all(|term| {
            let term = term.trim().trim_matches(['(', ')']).trim();
            match term.strip_prefix('!') {
                Some(name) => !active.iter().any(|a| a.eq_ignore_ascii_case(name.trim())),
                None => active.iter().any(|a| a.eq_ignore_ascii_case(term)),
            }
        })
    })
}

/// A YAML file's settings for a run of the app with the Spring profiles
/// `active` (`SPRING_PROFILES_ACTIVE` of the container or service that
/// reads it), else the file's own `spring.profiles.active`. With them
/// known, each profile document that holds for them is laid over the
/// default document, as Spring does (its keys replace the same keys
/// before it, which are then no setting of this run) and the others are
/// dropped. Returns the documents still read apart, whose activation is
/// not known (or that are not Spring profiles): a caller says their
/// settings hold only under their condition.
pub fn with_profiles(
    settings: &mut Vec<RawSetting>,
    active: Option<&str>,
) -> Vec<ConditionalDocument> {
    // Most files have one document: nothing to do.
    if !settings.iter().any(|s| s.key.starts_with("---")) {
        return Vec::new();
    }
    let docs = conditional_documents(settings);
    let own = || {
        settings
            .iter()
            .filter(|s| crate::settings::normalize_key(&s.key) == "spring.profiles.active")
            .map(|s| s.value.clone())
            .collect::<Vec<_>>()
            .join(",")
    };
    let active = active.map_or_else(own, str::to_string);
    let active: Vec<&str> = active
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if active.is_empty() || active.iter().any(|p| crate::settings::is_unexpanded(p)) {
        return docs;
    }
    let holds = |d: &ConditionalDocument| {
        d.spring_profile
            .as_deref()
            .map(|expr| profile_holds(expr, &active))
    };
    // Documents by prefix: laid over (Some(true)), dropped (Some(false)),
    // or left apart (None: not a Spring profile).
    let doc_of = |key: &str| docs.iter().find(|d| key.starts_with(&d.prefix));
    settings.retain(|s| doc_of(&s.key).and_then(holds) != Some(false));
    // The key each setting has in this run, and its document's order.
    let mut keyed: Vec<(String, usize)> = Vec::with_capacity(settings.len());
    for s in settings.iter_mut() {
        let doc = doc_of(&s.key);
        if let Some(d) = doc.filter(|d| holds(d) == Some(true)) {
            let order = d.prefix[3..d.prefix.len() - 1].parse().unwrap_or(0);
            s.key = s.key[d.prefix.len()..].to_string();
            keyed.push((crate::settings::normalize_key(&s.key), order));
        } else {
            keyed.push((crate::settings::normalize_key(&s.key), 0));
        }
    }
    // A key a later document sets replaces the earlier ones (a list whole).
    let mut last: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (key, order) in &keyed {
        let at = last.entry(key.as_str()).or_insert(*order);
        *at = (*at).max(*order);
    }
    let keep: Vec<bool> = keyed
        .iter()
        .map(|(key, order)| last.get(key.as_str()) == Some(order))
        .collect();
    let mut keep = keep.into_iter();
    settings.retain(|_| keep.next().unwrap_or(true));
    docs.into_iter().filter(|d| holds(d).is_none()).collect()
}

/// JSON is read as YAML (for positions); JSON that YAML rejects (`\/`
/// escapes, tabs) is read with serde_json and lines are found by key.
fn read_json(text: &str, out: &mut Settings) {
    if let Ok(docs) = parse_yaml(text) {
        for doc in &docs {
            note_duplicates(text, doc, &mut out.duplicate_keys);
            flatten("", &doc.root, &mut out.settings);
        }
        return;
    }
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(value) => {
            let mut cursor = 0;
            flatten_json(text, "", &value, &mut cursor, &mut out.settings);
        }
        Err(e) => out.errors.push(ParseError {
            line: e.line() as u32,
            col: e.column() as u32,
            message: json_message(&e),
        }),
    }
}

/// serde_json's message without its ` at line L column C` tail.
fn json_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

fn flatten_json(
    text: &str,
    prefix: &str,
    value: &serde_json::Value,
    cursor: &mut usize,
    out: &mut Vec<RawSetting>,
) {
    let line = |cursor: usize| position(text, cursor).0;
    match value {
        serde_json::Value::Null => {}
        serde_json::Value::Bool(b) => push(out, prefix, b.to_string(), line(*cursor)),
        serde_json::Value::Number(n) => push(out, prefix, n.to_string(), line(*cursor)),
        serde_json::Value::String(s) => push(out, prefix, s.clone(), line(*cursor)),
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                if item.is_object() {
                    flatten_json(text, &join(prefix, &i.to_string()), item, cursor, out);
                } else {
                    flatten_json(text, prefix, item, cursor, out);
                }
            }
        }
        serde_json::Value::Object(map) => {
            if !prefix.is_empty() && is_tls_object_key(prefix) {
                push(out, prefix, "true", line(*cursor));
            }
            for (key, value) in map {
                let quoted = format!("\"{key}\"");
                if let Some(at) = text[*cursor..].find(&quoted) {
                    *cursor += at + quoted.len();
                }
                flatten_json(text, &join(prefix, key), value, cursor, out);
            }
        }
    }
}

fn read_toml(text: &str, out: &mut Settings) {
    use toml::de::{DeTable, DeValue};
    use toml::Spanned;

    fn walk(text: &str, prefix: &str, value: &Spanned<DeValue<'_>>, out: &mut Vec<RawSetting>) {
        let line = position(text, value.span().start).0;
        match value.get_ref() {
            DeValue::String(s) => push(out, prefix, s.to_string(), line),
            DeValue::Integer(i) => push(out, prefix, i.as_str(), line),
            DeValue::Float(f) => push(out, prefix, f.as_str(), line),
            DeValue::Boolean(b) => push(out, prefix, b.to_string(), line),
            DeValue::Datetime(d) => push(out, prefix, d.to_string(), line),
            DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    if item.get_ref().is_table() {
                        walk(text, &join(prefix, &i.to_string()), item, out);
                    } else {
                        walk(text, prefix, item, out);
                    }
                }
            }
            DeValue::Table(table) => {
                if !prefix.is_empty() && is_tls_object_key(prefix) {
                    push(out, prefix, "true", line);
                }
                for (key, value) in table.iter() {
                    walk(text, &join(prefix, key.get_ref()), value, out);
                }
            }
        }
    }

    match DeTable::parse(text) {
        Ok(root) => {
            for (key, value) in root.get_ref().iter() {
                walk(text, key.get_ref(), value, &mut out.settings);
            }
        }
        Err(e) => {
            let (line, col) = position(text, e.span().map(|s| s.start).unwrap_or(0));
            out.errors.push(ParseError {
                line,
                col,
                message: e.message().trim().to_string(),
            });
        }
    }
}

fn is_env_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        && !key.starts_with(|c: char| c.is_ascii_digit())
}

/// dotenv as docker compose reads it: `KEY=value`, `export KEY=value`,
/// `KEY: value`; single quotes literal, double quotes with escapes (both may
/// span lines); unquoted values end at ` #`. A line with a name only
/// (`KEY`) passes a variable through and is no setting.
fn read_dotenv(text: &str, out: &mut Settings) {
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line_no = i as u32 + 1;
        let raw = lines[i];
        i += 1;
        let line = raw.trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let indent = (raw.len() - line.len()) as u32;
        let line = line
            .strip_prefix("export ")
            .map(str::trim_start)
            .unwrap_or(line);
        let split = match (line.find('='), line.find(':')) {
            (Some(eq), Some(colon)) if colon < eq && line[colon + 1..].starts_with(' ') => {
                Some((colon, 1))
            }
            (Some(eq), _) => Some((eq, 1)),
            (None, Some(colon))
                if line[colon + 1..].starts_with(' ') || line.len() == colon + 1 =>
            {
                Some((colon, 1))
            }
            _ => None,
        };
        let Some((at, sep)) = split else {
            if !is_env_key(line.trim()) {
                out.errors.push(ParseError {
                    line: line_no,
                    col: indent + 1,
                    message: "not a KEY=value line".into(),
                });
            }
            continue;
        };
        let key = line[..at].trim();
        if !is_env_key(key) {
            out.errors.push(ParseError {
                line: line_no,
                col: indent + 1,
                message:
                    "the name before `=` is not a variable name (letters, digits, `_`, `.`, `-`)"
                        .into(),
            });
            continue;
        }
        let rest = line[at + sep..].trim_start();
        let value_col = indent + (line.len() - rest.len()) as u32 + 1;
        let value = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => {
                // A quoted value, possibly over several lines.
                let mut body = rest[1..].to_string();
                let mut closed = None;
                loop {
                    if let Some(end) = closing_quote(&body, q) {
                        closed = Some(end);
                        break;
                    }
                    if i >= lines.len() {
                        break;
                    }
                    body.push('\n');
                    body.push_str(lines[i]);
                    i += 1;
                }
                let Some(end) = closed else {
                    out.errors.push(ParseError {
                        line: line_no,
                        col: value_col,
                        message: format!(
                            "the value of {key} opens a {q} quote that is never closed"
                        ),
                    });
                    continue;
                };
                let inner = &body[..end];
                if q == '"' {
                    unescape_double(inner)
                } else {
                    inner.to_string()
                }
            }
            _ => match rest.find(" #").or_else(|| rest.find("\t#")) {
                Some(hash) => rest[..hash].trim_end().to_string(),
                None => rest.trim_end().to_string(),
            },
        };
        push(&mut out.settings, key, value, line_no);
    }
}

fn closing_quote(body: &str, quote: char) -> Option<usize> {
    let mut escaped = false;
    for (at, c) in body.char_indices() {
        match c {
            '\\' if quote == '"' && !escaped => escaped = true,
            c if c == quote && !escaped => return Some(at),
            _ => escaped = false,
        }
    }
    None
}

fn unescape_double(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

fn strip_quotes(value: &str) -> &str {
    let v = value.trim();
    for q in ['"', '\''] {
        if v.len() >= 2 && v.starts_with(q) && v.ends_with(q) {
            return &v[1..v.len() - 1];
        }
    }
    v
}

/// Java properties: `#` and `!` comments, `=`, `:` or whitespace between
/// key and value, `\` at the end of a line continues it.
fn properties_lines(text: &str) -> Vec<RawSetting> {
    let mut out = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let line_no = i as u32 + 1;
        let mut line = lines[i].trim_start().to_string();
        i += 1;
        if line.is_empty() || line.starts_with('#') || line.starts_with('!') {
            continue;
        }
        while line.ends_with('\\') && !line.ends_with("\\\\") && i < lines.len() {
            line.pop();
            line.push_str(lines[i].trim_start());
            i += 1;
        }
        let mut key = String::new();
        let mut chars = line.char_indices().peekable();
        let mut value_start = line.len();
        while let Some((at, c)) = chars.next() {
            match c {
                '\\' => {
                    if let Some((_, next)) = chars.next() {
                        key.push(next);
                    }
                }
                '=' | ':' => {
                    value_start = at + 1;
                    break;
                }
                c if c.is_whitespace() => {
                    // `key value` or `key = value`
                    let rest = line[at..].trim_start();
                    value_start = line.len() - rest.len();
                    if rest.starts_with(['=', ':']) {
                        value_start += 1;
                    }
                    break;
                }
                c => key.push(c),
            }
        }
        if key.is_empty() {
            continue;
        }
        push(&mut out, &key, line[value_start..].trim(), line_no);
    }
    out
}

/// Cuts an inline comment (` ;` or ` #`) off an unquoted INI value.
fn cut_inline_comment(value: &str) -> &str {
    let v = value.trim();
    if v.starts_with(['"', '\'']) {
        return v;
    }
    let cut = [" ;", "\t;", " #", "\t#"]
        .iter()
        .filter_map(|m| v.find(m))
        .min();
    match cut {
        Some(at) => v[..at].trim_end(),
        None => v,
    }
}

fn read_ini(text: &str, out: &mut Settings) {
    let mut section = String::new();
    for (i, raw) in text.lines().enumerate() {
        let line_no = i as u32 + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with(';') || line.starts_with('#') {
            continue;
        }
        if let Some(header) = line.strip_prefix('[') {
            match header.find(']') {
                Some(end) => section = header[..end].trim().to_string(),
                None => out.errors.push(ParseError {
                    line: line_no,
                    col: (raw.len() - raw.trim_start().len()) as u32 + 1,
                    message: "section header without closing `]`".into(),
                }),
            }
            continue;
        }
        let Some(at) = line.find(['=', ':']) else {
            continue;
        };
        let key = line[..at].trim();
        if key.is_empty() {
            continue;
        }
        let value = strip_quotes(cut_inline_comment(&line[at + 1..]));
        push(&mut out.settings, &join(&section, key), value, line_no);
    }
}

/// Conf directives whose first value word is a sub-command.
const SUBCOMMAND_KEYS: &[&str] = &["sentinel"];

/// HAProxy directives that name a server, and which of their value words
/// is its address: `server <name> <address>[:port] [params]`,
/// `server-template <prefix> <num> <fqdn>[:port] [params]`,
/// `peer <name> <address>:port`. The other words are labels and options,
/// never hosts.
const HAPROXY_ADDRESS_AT: &[(&str, usize)] = &[("server", 1), ("server-template", 2), ("peer", 1)];

/// An HAProxy config: it has `frontend`, `backend` or `listen` sections.
fn is_haproxy(text: &str) -> bool {
    text.lines().any(|l| {
        let t = l.trim_start();
        ["backend ", "frontend ", "listen "]
            .iter()
            .any(|section| t.starts_with(section))
    })
}

/// The address word of an HAProxy server line, without an `ipv4@`/`ipv6@`
/// family prefix.
fn haproxy_address<'v>(haproxy: bool, key: &str, value: &'v str) -> Option<&'v str> {
    if !haproxy {
        return None;
    }
    let (_, at) = HAPROXY_ADDRESS_AT.iter().find(|(k, _)| *k == key)?;
    let word = value.split_whitespace().nth(*at)?;
    Some(word.rsplit('@').next().unwrap_or(word))
}

/// `key value` (redis.conf, sentinel.conf), `key = value`, `key: value`,
/// INI `[section]` headers and `name {` … `}` blocks; `#`, `;` and `//`
/// comments; a trailing `;` is dropped.
fn conf_lines(text: &str) -> Vec<RawSetting> {
    let haproxy = is_haproxy(text);
    let mut out = Vec::new();
    let mut sections: Vec<String> = Vec::new();
    let mut ini_section = String::new();
    for (i, raw) in text.lines().enumerate() {
        let line_no = i as u32 + 1;
        let line = raw.trim();
        if line.is_empty()
            || line.starts_with('#')
            || line.starts_with(';')
            || line.starts_with("//")
        {
            continue;
        }
        if line.starts_with('[') && line.ends_with(']') {
            ini_section = line.trim_matches(['[', ']']).trim().to_string();
            continue;
        }
        if line == "}" || line == "};" {
            sections.pop();
            continue;
        }
        if let Some(block) = line.strip_suffix('{') {
            sections.push(block.trim().replace(char::is_whitespace, "."));
            continue;
        }
        let line = line.trim_end_matches(';').trim_end();
        let key_end = line
            .find(|c: char| c.is_whitespace() || c == '=' || c == ':')
            .unwrap_or(line.len());
        let key = &line[..key_end];
        let rest = line[key_end..].trim_start();
        let value = rest.strip_prefix(['=', ':']).unwrap_or(rest);
        if key.is_empty() || (value.is_empty() && key_end == line.len()) {
            continue;
        }
        let value = strip_quotes(cut_inline_comment(value));
        // `sentinel monitor m h p q`, `sentinel auth-pass m pw`: the
        // directive's first word is part of the key (so `auth-pass` reads
        // as a password, never as a host).
        let (key, value) = match value.split_once(char::is_whitespace) {
            Some((sub, rest)) if SUBCOMMAND_KEYS.contains(&key) => {
                (format!("{key}.{sub}"), rest.trim())
            }
            _ => (key.to_string(), value),
        };
        let value = match haproxy_address(haproxy, &key, value) {
            Some(address) => address,
            None if haproxy && HAPROXY_ADDRESS_AT.iter().any(|(k, _)| *k == key) => continue,
            None => value,
        };
        let mut prefix = ini_section.clone();
        for s in &sections {
            prefix = join(&prefix, s);
        }
        push(&mut out, &join(&prefix, &key), value, line_no);
    }
    out
}

/// A token of Python source, with its line.
#[derive(Clone, Debug, PartialEq)]
enum Py {
    Name(String),
    /// A literal: string (`None` for an f-string with placeholders), number.
    Lit(Option<String>),
    Punct(char),
    /// `==`, `<=`, `**`, … : never part of a setting.
    Op,
}

fn python_tokens(text: &str) -> Vec<(Py, u32)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut line = 1u32;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\n' => {
                line += 1;
                i += 1;
            }
            c if c.is_whitespace() || c == '\\' => i += 1,
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                let prefix = word.to_ascii_lowercase();
                if i < chars.len()
                    && matches!(chars[i], '"' | '\'')
                    && prefix.len() <= 2
                    && prefix.chars().all(|c| "rbuf".contains(c))
                {
                    let (value, end, lines) = python_string(&chars, i, prefix.contains('r'));
                    let fstring = prefix.contains('f') && value.contains('{');
                    out.push((Py::Lit((!fstring).then_some(value)), line));
                    line += lines;
                    i = end;
                } else {
                    out.push((Py::Name(word), line));
                }
            }
            '"' | '\'' => {
                let (value, end, lines) = python_string(&chars, i, false);
                out.push((Py::Lit(Some(value)), line));
                line += lines;
                i = end;
            }
            c if c.is_ascii_digit() => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric() || chars[i] == '.' || chars[i] == '_')
                {
                    i += 1;
                }
                out.push((Py::Lit(Some(chars[start..i].iter().collect())), line));
            }
            '=' | '<' | '>' | '!' | '*' | '/' | '%' | '+' | '-' | '&' | '|' | '^' | '~' | '@' => {
                let next = chars.get(i + 1).copied();
                if c == '=' && next != Some('=') {
                    out.push((Py::Punct('='), line));
                    i += 1;
                } else {
                    out.push((Py::Op, line));
                    i += if next == Some('=') || next == Some(c) {
                        2
                    } else {
                        1
                    };
                }
            }
            c => {
                out.push((Py::Punct(c), line));
                i += 1;
            }
        }
    }
    out
}

/// A string literal at `start` (a quote): (value, end index, newlines in it).
fn python_string(chars: &[char], start: usize, raw: bool) -> (String, usize, u32) {
    let q = chars[start];
    let triple = chars.get(start + 1) == Some(&q) && chars.get(start + 2) == Some(&q);
    let mut i = start + if triple { 3 } else { 1 };
    let mut value = String::new();
    let mut lines = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            lines += 1;
            if !triple {
                break;
            }
        }
        if c == '\\' && !raw && i + 1 < chars.len() {
            value.push(chars[i + 1]);
            i += 2;
            continue;
        }
        if c == q && (!triple || (chars.get(i + 1) == Some(&q) && chars.get(i + 2) == Some(&q))) {
            return (value, i + if triple { 3 } else { 1 }, lines);
        }
        value.push(c);
        i += 1;
    }
    (value, i, lines)
}

/// Python settings as flat settings: `NAME = literal`,
/// `NAME["key"] = {...}` (dict keys become dotted keys, as in YAML),
/// `obj.attr = ...`, and keyword arguments of calls (`Redis(host="cache",
/// port=6380, ssl=True)` → `Redis.host`, …). Other code is passed over;
/// Redis URLs in any string literal are kept (with an empty key).
fn python_settings(text: &str) -> Vec<RawSetting> {
    struct P<'t> {
        toks: &'t [(Py, u32)],
        i: usize,
        out: Vec<RawSetting>,
    }
    impl P<'_> {
        fn peek(&self, ahead: usize) -> Option<&Py> {
            self.toks.get(self.i + ahead).map(|t| &t.0)
        }
        fn is(&self, ahead: usize, c: char) -> bool {
            self.peek(ahead) == Some(&Py::Punct(c))
        }
        /// `a.b["c"][0]` as `a.b.c.0`; `None` when it is not such a path.
        fn path(&mut self) -> Option<String> {
            let Some(Py::Name(first)) = self.peek(0).cloned() else {
                return None;
            };
            let mut path = first;
            self.i += 1;
            loop {
                if self.is(0, '.') {
                    if let Some(Py::Name(n)) = self.peek(1).cloned() {
                        path = join(&path, &n);
                        self.i += 2;
                        continue;
                    }
                } else if self.is(0, '[') && self.is(2, ']') {
                    if let Some(Py::Lit(Some(k))) = self.peek(1).cloned() {
                        path = join(&path, &k);
                        self.i += 3;
                        continue;
                    }
                }
                return Some(path);
            }
        }
        fn value(&mut self, key: &str, depth: u32) {
            if depth > 64 {
                self.i += 1;
                return;
            }
            let Some((tok, line)) = self.toks.get(self.i).cloned() else {
                return;
            };
            match tok {
                Py::Lit(value) => {
                    self.i += 1;
                    if let Some(v) = value {
                        push(&mut self.out, key, v, line);
                    }
                }
                Py::Name(n) if matches!(n.as_str(), "True" | "False") => {
                    self.i += 1;
                    push(&mut self.out, key, n.to_ascii_lowercase(), line);
                }
                Py::Name(_) => {
                    let start = self.i;
                    let callee = self.path().unwrap_or_default();
                    if self.is(0, '(') && self.env_read(&callee, key) {
                        return;
                    }
                    if self.is(0, '(') {
                        self.i += 1;
                        let base = if crate::settings::says_redis(&callee) || key.is_empty() {
                            callee
                        } else {
                            key.to_string()
                        };
                        self.items(')', &base, true, depth);
                    } else if self.i == start {
                        self.i += 1;
                    }
                }
                Py::Punct('{') => {
                    self.i += 1;
                    // A dict of TLS options turns TLS on (Celery
                    // `broker_use_ssl = {"ssl_cert_reqs": ssl.CERT_REQUIRED}`),
                    // whatever its values are; an empty one is false.
                    if !self.is(0, '}') && is_tls_options_key(key) {
                        push(&mut self.out, key, "true", line);
                    }
                    while let Some(t) = self.peek(0).cloned() {
                        if t == Py::Punct('}') {
                            self.i += 1;
                            break;
                        }
                        if t == Py::Punct(',') {
                            self.i += 1;
                            continue;
                        }
                        let entry_key = match t {
                            Py::Lit(Some(k)) if self.is(1, ':') => Some(k),
                            Py::Name(k) if self.is(1, ':') => Some(k),
                            _ => None,
                        };
                        match entry_key {
                            Some(k) => {
                                self.i += 2;
                                self.value(&join(key, &k), depth + 1);
                            }
                            None => self.value("", depth + 1),
                        }
                    }
                }
                // `("cache", 6379)`: one address, as channels_redis and
                // redis-py's sentinel lists write it.
                Py::Punct(open @ ('[' | '(')) => {
                    match (open == '(').then(|| self.host_port_tuple()).flatten() {
                        Some((address, end)) => {
                            push(&mut self.out, key, address, line);
                            self.i = end;
                        }
                        None => {
                            self.i += 1;
                            self.items(if open == '[' { ']' } else { ')' }, key, false, depth);
                        }
                    }
                }
                _ => self.i += 1,
            }
        }
        /// At a `(`: a tuple of a host and a port number, as `host:port`,
        /// with the index after its `)`.
        fn host_port_tuple(&self) -> Option<(String, usize)> {
            let (Some(Py::Lit(Some(host))), Some(Py::Lit(Some(port)))) =
                (self.peek(1), self.peek(3))
            else {
                return None;
            };
            if !self.is(2, ',') || host.parse::<f64>().is_ok() || host.contains(':') {
                return None;
            }
            let port: u16 = port.parse().ok()?;
            let end = if self.is(4, ')') {
                5
            } else if self.is(4, ',') && self.is(5, ')') {
                6
            } else {
                return None;
            };
            Some((format!("{host}:{port}"), self.i + end))
        }
        /// At the `(` of a call: `os.environ.get("X", "d")`,
        /// `os.getenv("X")`, django-environ `env("X", default="d")`
        /// (`env.str`, `env.cache_url`, …) set `key` to the fallback of `X`.
        fn env_read(&mut self, callee: &str, key: &str) -> bool {
            let getter = callee.ends_with("environ.get")
                || callee == "getenv"
                || callee.ends_with(".getenv");
            let environ = callee == "env" || callee.starts_with("env.");
            if !(getter || environ) {
                return false;
            }
            let Some((Py::Lit(Some(var)), line)) = self.toks.get(self.i + 1).cloned() else {
                return false;
            };
            let fallback = match (self.peek(3), self.peek(4), self.peek(5)) {
                _ if !self.is(2, ',') => None,
                (Some(Py::Lit(Some(d))), _, _) if getter => Some(d.clone()),
                (Some(Py::Name(n)), Some(Py::Punct('=')), Some(Py::Lit(Some(d))))
                    if n == "default" =>
                {
                    Some(d.clone())
                }
                _ => None,
            };
            push_default(&mut self.out, key, &var, fallback.as_deref(), line);
            // The rest of the call, whatever it holds.
            let mut depth = 0u32;
            while let Some(t) = self.peek(0).cloned() {
                self.i += 1;
                match t {
                    Py::Punct('(' | '[' | '{') => depth += 1,
                    Py::Punct(')' | ']' | '}') => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
            }
            true
        }
        /// Items up to `close`: values under `key`, `name=value` keyword
        /// arguments under `key.name` when `kwargs`.
        fn items(&mut self, close: char, key: &str, kwargs: bool, depth: u32) {
            let mut index = 0;
            while let Some(t) = self.peek(0).cloned() {
                if t == Py::Punct(close) {
                    self.i += 1;
                    return;
                }
                if matches!(t, Py::Punct(',')) {
                    self.i += 1;
                    continue;
                }
                if matches!(t, Py::Punct(')' | ']' | '}')) {
                    return;
                }
                match t {
                    Py::Name(k) if kwargs && self.is(1, '=') => {
                        self.i += 2;
                        self.value(&join(key, &k), depth + 1);
                    }
                    Py::Punct('{') if !kwargs => {
                        self.value(&join(key, &index.to_string()), depth + 1);
                        index += 1;
                    }
                    _ => {
                        let before = self.i;
                        self.value(if kwargs { "" } else { key }, depth + 1);
                        if self.i == before {
                            self.i += 1;
                        }
                    }
                }
            }
        }
    }
    let toks = python_tokens(text);
    let mut p = P {
        toks: &toks,
        i: 0,
        out: Vec::new(),
    };
    while p.i < toks.len() {
        let before = p.i;
        if let Some(Py::Name(_)) = p.peek(0) {
            if let Some(target) = p.path() {
                if p.is(0, '=') {
                    p.i += 1;
                    p.value(&target, 0);
                } else if p.is(0, '(') {
                    p.i += 1;
                    let base = target.clone();
                    p.items(')', &base, true, 0);
                }
            }
        } else {
            p.value("", 0);
        }
        if p.i == before {
            p.i += 1;
        }
    }
    // Strings that are not settings still count when they are Redis URLs.
    p.out
        .into_iter()
        .filter(|s| !s.key.is_empty() || !crate::settings::find_urls(&s.value).is_empty())
        .collect()
}

/// Lines of free text that hold a Redis URL and are not comments.
fn url_lines(text: &str) -> Vec<RawSetting> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            let t = l.trim_start();
            !(t.starts_with('#')
                || t.starts_with("//")
                || t.starts_with("--")
                || t.starts_with(';')
                || t.starts_with("<!--")
                || t.starts_with('*'))
        })
        .filter(|(_, l)| !crate::settings::find_urls(l).is_empty())
        .fold(Vec::new(), |mut out, (i, l)| {
            push_text(&mut out, "", l.trim(), i as u32 + 1);
            out
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(read: &Settings) -> Vec<(&str, &str, u32)> {
        read.settings
            .iter()
            .map(|s| (s.key.as_str(), s.value.as_str(), s.line))
            .collect()
    }

    #[test]
    fn nested_yaml_becomes_dotted_keys() {
        let s = settings_from_text(
            "app.yaml",
            "cache:\n  redis:\n    host: r\n    port: 6379\n",
        )
        .unwrap();
        assert_eq!(
            s[0],
            RawSetting {
                key: "cache.redis.host".into(),
                value: "r".into(),
                line: 3,
                default_of: None,
            }
        );
        assert_eq!(s[1].key, "cache.redis.port");
    }

    #[test]
    fn yaml_lists_of_maps_are_indexed_and_comments_skipped() {
        let text = "redis:\n  # host: old\n  sentinels:\n    - host: s1\n      port: 26379\n    - host: s2\n      port: 26380\n  hosts: [a, b]\n";
        let read = read_settings("config/x.yml", text);
        assert_eq!(
            pairs(&read),
            [
                ("redis.sentinels.0.host", "s1", 4),
                ("redis.sentinels.0.port", "26379", 5),
                ("redis.sentinels.1.host", "s2", 6),
                ("redis.sentinels.1.port", "26380", 7),
                ("redis.hosts", "a", 8),
                ("redis.hosts", "b", 8),
            ]
        );
    }

    #[test]
    fn tls_option_object_means_tls_on() {
        let read = read_settings(
            "default.json",
            "{\n  \"redis\": {\n    \"host\": \"r\",\n    \"tls\": {}\n  }\n}\n",
        );
        assert_eq!(
            pairs(&read),
            [("redis.host", "r", 3), ("redis.tls", "true", 4)]
        );
        let read = read_settings("c.yml", "redis:\n  tls:\n    servername: r\n");
        assert!(pairs(&read).contains(&("redis.tls", "true", 3)));
    }

    #[test]
    fn json_that_yaml_rejects_is_read_with_lines() {
        let text = "{\n\t\"a\": \"x\\/y\",\n\t\"redis\": {\n\t\t\"url\": \"redis://r:1\"\n\t}\n}\n";
        let read = read_settings("config/app.json", text);
        assert!(read.errors.is_empty(), "{:?}", read.errors);
        assert!(
            pairs(&read).contains(&("redis.url", "redis://r:1", 4)),
            "{:?}",
            pairs(&read)
        );
    }

    #[test]
    fn broken_json_is_an_error_with_position() {
        let read = read_settings("config/app.json", "{\n  \"a\": 1,\n  \"b\" 2\n}\n");
        assert_eq!(read.errors.len(), 1);
        assert_eq!(read.errors[0].line, 3);
        assert!(read.settings.is_empty());
    }

    #[test]
    fn toml_tables_and_arrays_of_tables_with_lines() {
        let text = "title = \"x\"\n# [old]\n[cache.redis]\nhost = \"r\"\nport = 6380\ntls = true\n\n[[redis.nodes]]\nhost = \"n1\"\n[[redis.nodes]]\nhost = \"n2\"\n";
        let read = read_settings("app.toml", text);
        assert!(read.errors.is_empty());
        assert_eq!(
            pairs(&read),
            [
                ("title", "x", 1),
                ("cache.redis.host", "r", 4),
                ("cache.redis.port", "6380", 5),
                ("cache.redis.tls", "true", 6),
                ("redis.nodes.0.host", "n1", 9),
                ("redis.nodes.1.host", "n2", 11),
            ]
        );
    }

    #[test]
    fn broken_toml_is_an_error_without_the_input() {
        let read = read_settings("app.toml", "a = 1\npassword = \"hunter2\nb = 2\n");
        assert_eq!(read.errors.len(), 1);
        let e = &read.errors[0];
        assert_eq!(e.line, 2, "{e:?}");
        assert!(!e.message.contains("hunter2"), "{e:?}");
        assert_eq!(format_of("app.toml").parse_code(), "toml-parse");
    }

    #[test]
    fn dotenv_quotes_export_and_comments() {
        let text = "# REDIS_HOST=old\nREDIS_HOST=new # the new one\nexport REDIS_PORT=\"6380\"\nA='x # not a comment'\nB=\"line1\nline2\"\nC=a#b\n  D: e\nPASSTHROUGH\nE=\n";
        let read = read_settings(".env", text);
        assert!(read.errors.is_empty(), "{:?}", read.errors);
        assert_eq!(
            pairs(&read),
            [
                ("REDIS_HOST", "new", 2),
                ("REDIS_PORT", "6380", 3),
                ("A", "x # not a comment", 4),
                ("B", "line1\nline2", 5),
                ("C", "a#b", 7),
                ("D", "e", 8),
                ("E", "", 10),
            ]
        );
    }

    #[test]
    fn dotenv_bad_lines_are_errors_and_the_rest_is_read() {
        let text = "GOOD=1\nthis is not a setting\nBAD KEY=2\nQ=\"unclosed hunter2\n";
        let read = read_settings("app/docker-compose.env", text);
        assert_eq!(pairs(&read), [("GOOD", "1", 1)]);
        let lines: Vec<u32> = read.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [2, 3, 4]);
        assert!(read.errors.iter().all(|e| !e.message.contains("hunter2")));
        // the old API keeps the good lines
        assert_eq!(settings_from_text(".env", text).unwrap().len(), 1);
    }

    #[test]
    fn properties_separators_and_continuations() {
        let text = "# spring.redis.host=old\n! also a comment\nspring.data.redis.host=cache\nspring.data.redis.port: 6379\nspring.data.redis.ssl.enabled true\nlong=a,\\\n  b\nkey\\:with\\=escapes = v\n";
        let read = read_settings("application.properties", text);
        assert_eq!(
            pairs(&read),
            [
                ("spring.data.redis.host", "cache", 3),
                ("spring.data.redis.port", "6379", 4),
                ("spring.data.redis.ssl.enabled", "true", 5),
                ("long", "a,b", 6),
                ("key:with=escapes", "v", 8),
            ]
        );
    }

    #[test]
    fn ini_sections_and_semicolon_comments() {
        let text = "[remote_cache]\n;connstr = addr=127.0.0.1:6379\ntype = redis ; inline\nconnstr = \"addr=r:6379,ssl=true\"\n[live]\n# ha_engine = redis\nha_engine_address = r2:6379\n[broken\n";
        let read = read_settings("grafana.ini", text);
        assert_eq!(
            pairs(&read),
            [
                ("remote_cache.type", "redis", 3),
                ("remote_cache.connstr", "addr=r:6379,ssl=true", 4),
                ("live.ha_engine_address", "r2:6379", 7),
            ]
        );
        assert_eq!(read.errors.len(), 1);
        assert_eq!(read.errors[0].line, 8);
    }

    #[test]
    fn conf_key_value_styles() {
        let text = "# port 6379\nport 0\ntls-port 6380\nreplicaof redis-primary 6379\nmaxmemory=100mb\n[cache]\nredis_url = redis://r:1\nupstream redis {\n  server r3:6379;\n}\n";
        let read = read_settings("redis.conf", text);
        assert_eq!(
            pairs(&read),
            [
                ("port", "0", 2),
                ("tls-port", "6380", 3),
                ("replicaof", "redis-primary 6379", 4),
                ("maxmemory", "100mb", 5),
                ("cache.redis_url", "redis://r:1", 7),
                ("cache.upstream.redis.server", "r3:6379", 9),
            ]
        );
    }

    /// Reads of an environment variable keep only their fallback, and say
    /// which variable they read.
    #[test]
    fn env_reads_hold_their_fallback() {
        let read = read_settings(
            "config/cable.yml",
            "production:\n  url: <%= ENV.fetch(\"REDIS_URL\") { \"redis://localhost:6379/1\" } %>\n  b: <%= ENV.fetch('B_URL', 'redis://b:1') %>\n  c: \"<%= ENV['C_URL'] || 'redis://c:1' %>\"\n  d: <%= ENV['D_URL'] %>\n  e: redis://<%= ENV.fetch(\"E_HOST\") { \"e\" } %>:6379\n  f: redis://f:1\n",
        );
        let got: Vec<(&str, &str, Option<&str>)> = read
            .settings
            .iter()
            .map(|s| {
                let var = s.default_of.as_ref().map(|d| d.var.as_str());
                (s.key.as_str(), s.value.as_str(), var)
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "production.url",
                    "redis://localhost:6379/1",
                    Some("REDIS_URL")
                ),
                ("production.b", "redis://b:1", Some("B_URL")),
                ("production.c", "redis://c:1", Some("C_URL")),
                ("production.d", "${D_URL}", Some("D_URL")),
                ("production.e", "redis://e:6379", Some("E_HOST")),
                ("production.f", "redis://f:1", None),
            ]
        );
        let e = read.settings[4].default_of.as_ref().unwrap();
        assert_eq!(
            e.with_value(&read.settings[4].value, "cache"),
            "redis://cache:6379"
        );

        let py = read_settings(
            "settings.py",
            "import os\nA = os.environ.get(\"A_URL\", \"redis://a:1\")\nB = os.getenv('B_URL')\nC = env.cache_url(\"C_URL\", default=\"rediscache://c:1\")\nCACHES = {\"default\": {\"LOCATION\": environ.get(\"D_URL\", default=\"redis://d:1\"), \"X\": 1}}\n",
        );
        let got: Vec<(&str, &str, Option<&str>)> = py
            .settings
            .iter()
            .map(|s| {
                let var = s.default_of.as_ref().map(|d| d.var.as_str());
                (s.key.as_str(), s.value.as_str(), var)
            })
            .collect();
        assert_eq!(
            got,
            [
                ("A", "redis://a:1", Some("A_URL")),
                ("B", "${B_URL}", Some("B_URL")),
                ("C", "rediscache://c:1", Some("C_URL")),
                ("CACHES.default.LOCATION", "redis://d:1", Some("D_URL")),
                ("CACHES.default.X", "1", None),
            ]
        );

        let js = read_settings(
            "src/queue.js",
            "const url = process.env.REDIS_URL || \"redis://localhost:6379\";\n",
        );
        assert_eq!(js.settings[0].value, "const url = redis://localhost:6379;");
        assert_eq!(js.settings[0].default_of.as_ref().unwrap().var, "REDIS_URL");
    }

    /// node-config's `custom-environment-variables` file names variables:
    /// each key is a read of one, with no fallback, never a value.
    #[test]
    fn node_config_custom_environment_variables_are_reads_of_variables() {
        let reads = |read: &Settings| -> Vec<(String, String, Option<String>, u32)> {
            read.settings
                .iter()
                .map(|s| {
                    let var = s.default_of.as_ref().map(|d| d.var.clone());
                    (s.key.clone(), s.value.clone(), var, s.line)
                })
                .collect()
        };
        let json = "{\"queue\":{\"connection\":{\"host\":\"QUEUE_REDIS_HOST\",\n  \"password\":\"QUEUE_REDIS_PASSWORD\",\n  \"port\":{\"__name\":\"QUEUE_REDIS_PORT\",\"__format\":\"json\"},\n  \"tls\":{\"ca\":\"QUEUE_REDIS_CA\"}}}}\n";
        let want = |host_line: u32| {
            vec![
                (
                    "queue.connection.host".to_string(),
                    "${QUEUE_REDIS_HOST}".to_string(),
                    Some("QUEUE_REDIS_HOST".to_string()),
                    host_line,
                ),
                (
                    "queue.connection.password".into(),
                    "${QUEUE_REDIS_PASSWORD}".into(),
                    Some("QUEUE_REDIS_PASSWORD".into()),
                    2,
                ),
                (
                    "queue.connection.port".into(),
                    "${QUEUE_REDIS_PORT}".into(),
                    Some("QUEUE_REDIS_PORT".into()),
                    3,
                ),
                (
                    "queue.connection.tls.ca".into(),
                    "${QUEUE_REDIS_CA}".into(),
                    Some("QUEUE_REDIS_CA".into()),
                    4,
                ),
            ]
        };
        let read = read_settings("config/custom-environment-variables.json", json);
        assert_eq!(reads(&read), want(1));
        let yml = "queue:\n  connection:\n    host: QUEUE_REDIS_HOST\n";
        let read = read_settings("app/config/custom-environment-variables.yml", yml);
        assert_eq!(reads(&read)[..], want(3)[..1]);
        // The same text under another name holds values.
        let read = read_settings("config/default.json", json);
        assert!(
            pairs(&read).contains(&("queue.connection.host", "QUEUE_REDIS_HOST", 1)),
            "{:?}",
            pairs(&read)
        );
        assert!(names_env_vars("custom-environment-variables.yaml"));
        assert!(names_env_vars("config/custom-environment-variables.json5"));
        assert!(!names_env_vars("config/custom-environment-variables.toml"));
    }

    /// `server <name> <address> [params]`: the name is a label, not a host.
    #[test]
    fn haproxy_server_lines_give_only_their_address() {
        let text = "defaults\n  mode tcp\nbackend bk_redis\n  default-server check\n  server redis-0 redis-0.redis-headless:6379 check inter 1s\n  server r1 ipv4@10.0.0.7:6380\n  server-template cache 3 cache.svc:6379 check\n  server lonely\n";
        let read = read_settings("haproxy.cfg", text);
        assert_eq!(
            pairs(&read),
            [
                ("mode", "tcp", 2),
                ("backend", "bk_redis", 3),
                ("default-server", "check", 4),
                ("server", "redis-0.redis-headless:6379", 5),
                ("server", "10.0.0.7:6380", 6),
                ("server-template", "cache.svc:6379", 7),
            ]
        );
    }

    #[test]
    fn sentinel_directives_keep_their_sub_command() {
        let read = read_settings(
            "sentinel.conf",
            "sentinel monitor mymaster redis-primary 6379 2\nsentinel auth-pass mymaster s3cret\n",
        );
        assert_eq!(
            pairs(&read),
            [
                ("sentinel.monitor", "mymaster redis-primary 6379 2", 1),
                ("sentinel.auth-pass", "mymaster s3cret", 2)
            ]
        );
    }

    #[test]
    fn python_settings_dicts_assignments_and_kwargs() {
        let text = r#"# BROKER_URL = "redis://old:6379"
SENTRY_OPTIONS["redis.clusters"] = {
    "default": {
        "hosts": {0: {"host": "redis", "password": "", "port": "6379", "db": "0"}}
    }
}
CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": os.environ.get("CACHE_URL", "redis://cache:6379/1")}}
app.conf.broker_url = 'rediss://broker:6380/0'
client = redis.Redis(host="sessions", port=6381, ssl=True, password=env("PW"))
DEBUG = x == 1
name = f"redis://{host}:6379"
"#;
        let read = read_settings("sentry.conf.py", text);
        let got = pairs(&read);
        for want in [
            (
                "SENTRY_OPTIONS.redis.clusters.default.hosts.0.host",
                "redis",
                4,
            ),
            (
                "SENTRY_OPTIONS.redis.clusters.default.hosts.0.port",
                "6379",
                4,
            ),
            ("CACHES.default.BACKEND", "django_redis.cache.RedisCache", 7),
            // the fallback of `CACHE_URL`, under the key it sets
            ("CACHES.default.LOCATION", "redis://cache:6379/1", 7),
            ("app.conf.broker_url", "rediss://broker:6380/0", 8),
            ("redis.Redis.host", "sessions", 9),
            ("redis.Redis.port", "6381", 9),
            ("redis.Redis.ssl", "true", 9),
        ] {
            assert!(got.contains(&want), "{want:?} not in {got:?}");
        }
        assert!(
            !got.iter()
                .any(|(_, v, _)| v.contains("old") || v.contains("{host}")),
            "{got:?}"
        );
    }

    /// `("host", 6379)` is one address (channels_redis `hosts`), in a list
    /// or an `address` map; other tuples are items as before.
    /// A dict of TLS options is TLS on, whatever its values (names such
    /// as `ssl.CERT_REQUIRED` are not read); an empty dict is not.
    #[test]
    fn python_tls_option_dicts_are_tls_on() {
        let text = "import ssl\nbroker_use_ssl = {\"ssl_cert_reqs\": ssl.CERT_REQUIRED, \"ssl_ca_certs\": \"/etc/ssl/certs/ca.pem\"}\nredis_backend_use_ssl = {\"ssl_cert_reqs\": ssl.CERT_REQUIRED}\nCELERY_BROKER_USE_SSL = {}\nCACHE_OPTIONS = {\"x\": ssl.CERT_NONE}\n";
        let read = read_settings("celeryconfig.py", text);
        assert_eq!(
            pairs(&read),
            [
                ("broker_use_ssl", "true", 2),
                ("broker_use_ssl.ssl_ca_certs", "/etc/ssl/certs/ca.pem", 2),
                ("redis_backend_use_ssl", "true", 3),
            ]
        );
    }

    #[test]
    fn python_host_port_tuples_are_addresses() {
        let read = read_format(
            Format::Python,
            "CHANNEL_LAYERS = {\n    \"default\": {\n        \"CONFIG\": {\"hosts\": [(\"channels.prod.internal\", 6379)]},\n    },\n    \"b\": {\"CONFIG\": {\"hosts\": [{\"address\": (\"b.internal\", 6380,), \"db\": 2}]}},\n}\nPAIR = (1, 2)\nNAMES = (\"a\", \"b\")\n",
        );
        assert_eq!(
            pairs(&read),
            [
                (
                    "CHANNEL_LAYERS.default.CONFIG.hosts",
                    "channels.prod.internal:6379",
                    3
                ),
                (
                    "CHANNEL_LAYERS.b.CONFIG.hosts.0.address",
                    "b.internal:6380",
                    5
                ),
                ("CHANNEL_LAYERS.b.CONFIG.hosts.0.db", "2", 5),
                ("PAIR", "1", 7),
                ("PAIR", "2", 7),
                ("NAMES", "a", 8),
                ("NAMES", "b", 8),
            ]
        );
    }

    /// (key, value, line, variable read) of each setting.
    fn reads(read: &Settings) -> Vec<(&str, &str, u32, Option<&str>)> {
        read.settings
            .iter()
            .map(|s| {
                let var = s.default_of.as_ref().map(|d| d.var.as_str());
                (s.key.as_str(), s.value.as_str(), s.line, var)
            })
            .collect()
    }

    const NEXTCLOUD: &str = "<?php\n$CONFIG = array (\n  'memcache.locking' => '\\OC\\Memcache\\Redis',\n  'redis' => array(\n    'host' => 'redis',\n    'port' => 6380,\n    'password' => 'NextcloudRedisPw_6380',\n    'dbindex' => 0,\n  ),\n  'trusted_domains' => \n  array (\n    0 => 'localhost',\n    1 => 'cloud.example.com',\n  ),\n  'maintenance' => false,\n  'ldap' => null,\n);\n";

    #[test]
    fn php_nextcloud_config_array() {
        let read = read_settings("config/config.php", NEXTCLOUD);
        assert!(read.errors.is_empty(), "{:?}", read.errors);
        assert_eq!(
            pairs(&read),
            [
                ("CONFIG.memcache.locking", "\\OC\\Memcache\\Redis", 3),
                ("CONFIG.redis.host", "redis", 5),
                ("CONFIG.redis.port", "6380", 6),
                ("CONFIG.redis.password", "NextcloudRedisPw_6380", 7),
                ("CONFIG.redis.dbindex", "0", 8),
                ("CONFIG.trusted_domains.0", "localhost", 12),
                ("CONFIG.trusted_domains.1", "cloud.example.com", 13),
                ("CONFIG.maintenance", "false", 15),
            ]
        );
        assert_eq!(format_of("config.php").parse_code(), "php-parse");
        assert!(is_php_config(NEXTCLOUD));
    }

    #[test]
    fn php_laravel_env_reads_hold_their_default() {
        let text = "<?php\n\nuse Illuminate\\Support\\Str;\n\nreturn [\n    'default' => env('DB_CONNECTION', 'sqlite'),\n    'redis' => [\n        'client' => env('REDIS_CLIENT', 'phpredis'),\n        'options' => [\n            'prefix' => env('REDIS_PREFIX', Str::slug(env('APP_NAME', 'laravel'), '_').'_database_'),\n        ],\n        'default' => [\n            'url' => env('REDIS_URL'),\n            'host' => env('REDIS_HOST', '127.0.0.1'),\n            'password' => env('REDIS_PASSWORD'),\n            'port' => env('REDIS_PORT', '6379'),\n            'database' => env('REDIS_DB', 0),\n            'scheme' => \\Illuminate\\Support\\Env::get('REDIS_SCHEME', 'tcp'),\n        ],\n        'cache' => [\n            'host' => getenv('REDIS_CACHE_HOST') ?: 'cache',\n            'port' => $_ENV['REDIS_CACHE_PORT'] ?? 6381,\n            'timeout' => 'a' . 'b',\n        ],\n    ],\n];\n";
        let read = read_settings("config/database.php", text);
        assert!(read.errors.is_empty(), "{:?}", read.errors);
        assert_eq!(
            reads(&read),
            [
                ("default", "sqlite", 6, Some("DB_CONNECTION")),
                ("redis.client", "phpredis", 8, Some("REDIS_CLIENT")),
                // the default is code: the variable only
                (
                    "redis.options.prefix",
                    "${REDIS_PREFIX}",
                    10,
                    Some("REDIS_PREFIX")
                ),
                ("redis.default.url", "${REDIS_URL}", 13, Some("REDIS_URL")),
                ("redis.default.host", "127.0.0.1", 14, Some("REDIS_HOST")),
                (
                    "redis.default.password",
                    "${REDIS_PASSWORD}",
                    15,
                    Some("REDIS_PASSWORD")
                ),
                ("redis.default.port", "6379", 16, Some("REDIS_PORT")),
                ("redis.default.database", "0", 17, Some("REDIS_DB")),
                ("redis.default.scheme", "tcp", 18, Some("REDIS_SCHEME")),
                ("redis.cache.host", "cache", 21, Some("REDIS_CACHE_HOST")),
                ("redis.cache.port", "6381", 22, Some("REDIS_CACHE_PORT")),
            ]
        );
        let host = &read.settings[4];
        assert_eq!(
            host.default_of
                .as_ref()
                .unwrap()
                .with_value(&host.value, "redis"),
            "redis"
        );
    }

    #[test]
    fn php_magento_env_php() {
        let text = "<?php\nreturn [\n    'session' => [\n        'save' => 'redis',\n        'redis' => [\n            'host' => 'redis',\n            'port' => '6379',\n            'password' => '',\n            'database' => '2',\n        ]\n    ],\n    'cache' => [\n        'frontend' => [\n            'default' => [\n                'id_prefix' => '40d_',\n                'backend' => 'Magento\\\\Framework\\\\Cache\\\\Backend\\\\Redis',\n                'backend_options' => [\n                    'server' => 'redis',\n                    'database' => '0',\n                    'port' => '6379',\n                ],\n            ],\n        ],\n    ],\n];\n";
        let read = read_settings("app/etc/env.php", text);
        assert!(read.errors.is_empty(), "{:?}", read.errors);
        assert_eq!(
            pairs(&read),
            [
                ("session.save", "redis", 4),
                ("session.redis.host", "redis", 6),
                ("session.redis.port", "6379", 7),
                ("session.redis.password", "", 8),
                ("session.redis.database", "2", 9),
                ("cache.frontend.default.id_prefix", "40d_", 15),
                (
                    "cache.frontend.default.backend",
                    "Magento\\Framework\\Cache\\Backend\\Redis",
                    16
                ),
                ("cache.frontend.default.backend_options.server", "redis", 18),
                ("cache.frontend.default.backend_options.database", "0", 19),
                ("cache.frontend.default.backend_options.port", "6379", 20),
            ]
        );
    }

    #[test]
    fn php_drupal_indexed_assignments_and_if_blocks() {
        let text = "<?php\n\n/**\n * $settings['redis.connection']['host'] = 'old';\n */\n$databases = [];\n$settings['hash_salt'] = file_get_contents('/run/salt');\n$settings['config_sync_directory'] = $app_root . '/../config';\nif (extension_loaded('redis')) {\n  $settings['redis.connection']['interface'] = 'PhpRedis';\n  $settings['redis.connection']['host'] = \"redis\";\n  $settings['redis.connection']['port'] = 6379;\n  $settings['cache']['default'] = 'cache.backend.redis';\n}\nif (file_exists($app_root . '/' . $site_path . '/settings.local.php')) {\n  include $app_root . '/' . $site_path . '/settings.local.php';\n}\n";
        let read = read_settings("sites/default/settings.php", text);
        assert!(read.errors.is_empty(), "{:?}", read.errors);
        assert_eq!(
            pairs(&read),
            [
                ("settings.redis.connection.interface", "PhpRedis", 10),
                ("settings.redis.connection.host", "redis", 11),
                ("settings.redis.connection.port", "6379", 12),
                ("settings.cache.default", "cache.backend.redis", 13),
            ]
        );
    }

    #[test]
    fn php_wordpress_defines() {
        let text = "<?php\n// ** Database settings ** //\ndefine( 'DB_NAME', 'wordpress' );\ndefine( 'DB_PASSWORD', getenv('WORDPRESS_DB_PASSWORD') );\n# define('WP_REDIS_HOST', 'old');\ndefine('WP_REDIS_HOST', 'redis');\ndefine( 'WP_REDIS_PORT', 6379 );\ndefine('WP_REDIS_PASSWORD', 'WpRedisPw');\ndefine('WP_REDIS_SCHEME', \"tls\");\n$table_prefix = 'wp_';\nif ( ! defined( 'ABSPATH' ) ) {\n\tdefine( 'ABSPATH', __DIR__ . '/' );\n}\nrequire_once ABSPATH . 'wp-settings.php';\n";
        let read = read_settings("wp-config.php", text);
        assert!(read.errors.is_empty(), "{:?}", read.errors);
        assert_eq!(
            reads(&read),
            [
                ("DB_NAME", "wordpress", 3, None),
                (
                    "DB_PASSWORD",
                    "${WORDPRESS_DB_PASSWORD}",
                    4,
                    Some("WORDPRESS_DB_PASSWORD")
                ),
                ("WP_REDIS_HOST", "redis", 6, None),
                ("WP_REDIS_PORT", "6379", 7, None),
                ("WP_REDIS_PASSWORD", "WpRedisPw", 8, None),
                ("WP_REDIS_SCHEME", "tls", 9, None),
                ("table_prefix", "wp_", 10, None),
            ]
        );
    }

    #[test]
    fn php_comments_trailing_commas_and_short_arrays() {
        let text = "<?php\n/* a block\n   'host' => 'not-this', */\nreturn [ // trailing\n  'redis' => [ # hash comment\n    'host' => 'cache', /* inline */ 'port' => 6379,\n    // 'port' => 1,\n    'servers' => ['tcp://a:6379', 'tcp://b:6379',],\n    'sentinels' => [['host' => 's1', 'port' => 26379,], ['host' => 's2', 'port' => 26380]],\n    'ssl' => ['verify_peer' => false],\n  ],\n  'url' => 'redis://' . $host,\n  'note' => \"redis://{$host}:6379\",\n  'fixed' => \"redis://fixed:6379\",\n];\n?>\n<p>html after</p>\n";
        let read = read_settings("config/cache.php", text);
        assert!(read.errors.is_empty(), "{:?}", read.errors);
        assert_eq!(
            pairs(&read),
            [
                ("redis.host", "cache", 6),
                ("redis.port", "6379", 6),
                ("redis.servers", "tcp://a:6379", 8),
                ("redis.servers", "tcp://b:6379", 8),
                ("redis.sentinels.0.host", "s1", 9),
                ("redis.sentinels.0.port", "26379", 9),
                ("redis.sentinels.1.host", "s2", 9),
                ("redis.sentinels.1.port", "26380", 9),
                ("redis.ssl", "true", 10),
                ("redis.ssl.verify_peer", "false", 10),
                ("fixed", "redis://fixed:6379", 14),
            ]
        );
    }

    /// PHP code (a class, calls) is read as text: its Redis URLs only.
    #[test]
    fn php_code_falls_back_to_urls() {
        let text = "<?php\nnamespace App;\n\nclass Cache\n{\n    private $host = 'cache';\n    public function connect()\n    {\n        // $r = new \\Redis('redis://commented:6379');\n        return new \\Predis\\Client('redis://cache.internal:6379');\n    }\n}\n";
        assert!(!is_php_config(text));
        let read = read_settings("src/Cache.php", text);
        assert!(read.errors.is_empty(), "{:?}", read.errors);
        assert_eq!(read.settings.len(), 1, "{:?}", read.settings);
        assert_eq!(read.settings[0].key, "");
        assert_eq!(read.settings[0].line, 10);
        assert!(read.settings[0]
            .value
            .contains("redis://cache.internal:6379"));

        // A script: more calls than data.
        let script = "<?php\n$redis = new Redis();\n$redis->connect('cache', 6379);\n$redis->set('k', 1);\necho $redis->get('k');\n";
        assert!(!is_php_config(script));
        assert!(read_settings("bin/check.php", script).settings.is_empty());
        // Not PHP at all (no `<?php`).
        assert!(!is_php_config("redis://x:6379\n"));
    }

    /// A config-shaped PHP file with broken syntax is a `php-parse` error
    /// at its line, and is read as text (PHP would refuse the whole file).
    /// A file cut off inside a nowdoc's or heredoc's opening
    /// (`<<<'EOF` with no closing quote) is an unclosed heredoc, not a
    /// panic.
    #[test]
    fn php_heredoc_cut_off_at_its_name() {
        for text in [
            "<?php\nreturn [\n  'host' => 'redis',\n  'motd' => <<<'EOF",
            "<?php\nreturn [\n  'host' => 'redis',\n  'motd' => <<<\"EOF",
        ] {
            let read = read_settings("config/app.php", text);
            assert_eq!(read.errors.len(), 1, "{text}: {:?}", read.errors);
            assert_eq!(read.errors[0].line, 4, "{text}");
            assert!(is_php_config(text), "{text}");
        }
    }

    #[test]
    fn php_malformed_config_is_an_error_and_read_as_text() {
        let text = "<?php\n$CONFIG = array (\n  'redis' => array(\n    'host' => 'redis',\n    'password' => 'BrokenPw',\n  ),\n  'url' => 'redis://fallback:6379',\n";
        let read = read_settings("config/config.php", text);
        assert_eq!(read.errors.len(), 1, "{:?}", read.errors);
        assert!(!read.errors[0].message.contains("BrokenPw"));
        assert_eq!(pairs(&read), [("", "'url' => 'redis://fallback:6379',", 7)]);
        assert!(is_php_config(text));

        let unclosed = "<?php\nreturn [\n  'redis' => ['host' => 'r', 'password' => 'open],\n];\n";
        let read = read_settings("config/database.php", unclosed);
        assert_eq!(read.errors.len(), 1, "{:?}", read.errors);
        assert_eq!(read.errors[0].line, 3);
        assert!(read.settings.is_empty());
    }

    #[test]
    fn text_finds_urls_on_uncommented_lines() {
        let text = "# CACHE = 'redis://old:6379'\nCACHES = {'default': {'LOCATION': 'redis://cache:6379/1'}}\n";
        let read = read_settings("settings.py", text);
        assert_eq!(read.settings.len(), 1);
        assert_eq!(read.settings[0].line, 2);
    }

    #[test]
    fn flow_closers_at_the_key_indentation_are_accepted() {
        let text = "svc:\n  command: [\n    \"start\",\n    \"--redis-url=redis://r:1\"\n  ]\n  other: 1\n";
        let read = read_settings("x.yml", text);
        assert!(read.errors.is_empty(), "{:?}", read.errors);
        assert_eq!(
            pairs(&read),
            [
                ("svc.command", "start", 3),
                ("svc.command", "--redis-url=redis://r:1", 4),
                ("svc.other", "1", 6)
            ]
        );
    }

    /// Dapr's compose sample (dapr/samples 10.hello-docker-compose):
    /// the items of `command: [` continue at the key's column, as libyaml
    /// (docker-compose, PyYAML) accepts. The whole file had been refused.
    #[test]
    fn flow_items_at_the_key_indentation_are_accepted() {
        let text = "services:\n  app-dapr:\n    image: \"daprio/daprd:edge\"\n    command: [\"./daprd\",\n    \"-app-id\", \"app\",\n    \"-redis-host\", \"redis:6379\", # the store\n    \"-resources-path\", \"./components\"]\n    depends_on:\n      - redis\n";
        let read = read_settings("docker-compose.yml", text);
        assert!(read.errors.is_empty(), "{:?}", read.errors);
        let command: Vec<(&str, &str, u32)> = pairs(&read)
            .into_iter()
            .filter(|(k, _, _)| *k == "services.app-dapr.command")
            .collect();
        assert_eq!(command.len(), 7, "{command:?}");
        assert_eq!(command[0], ("services.app-dapr.command", "./daprd", 4));
        assert_eq!(command[4], ("services.app-dapr.command", "redis:6379", 6));
        assert_eq!(
            pairs(&read).last().copied(),
            Some(("services.app-dapr.depends_on", "redis", 9))
        );
        // Brackets inside quotes and comments do not open a collection:
        // the mapping after it keeps its indentation.
        let text = "a: [\"x]\", \"[y\",\n  \"z\"] # ]\nb: 1\n";
        let read = read_settings("x.yml", text);
        assert!(read.errors.is_empty(), "{:?}", read.errors);
        assert_eq!(pairs(&read).last().copied(), Some(("b", "1", 3)));
        // Text that is broken beyond this is still an error.
        assert!(settings_from_text("x.yml", "a: [1,\nb: 2\n").is_err());
    }

    /// Scenario review #2 H10: Redisson's config inline in Spring lost its
    /// password and cited the block's first line for the address.
    #[test]
    fn an_inline_redisson_config_is_read_as_keys_at_their_lines() {
        let text = "spring:\n  redis:\n    redisson:\n      config: |\n        singleServerConfig:\n          address: \"rediss://ledger:6380\"\n          password: \"Pw-6t\"\n        threads: 16\n";
        // The same with a blank line first in the block: lines as written.
        let blank = text.replace("config: |\n", "config: |\n\n");
        let read = read_settings("application.yml", &blank);
        assert_eq!(
            pairs(&read)[0],
            (
                "spring.redis.redisson.config.singleServerConfig.address",
                "rediss://ledger:6380",
                7
            )
        );
        let read = read_settings("application.yml", text);
        assert_eq!(
            pairs(&read),
            [
                (
                    "spring.redis.redisson.config.singleServerConfig.address",
                    "rediss://ledger:6380",
                    6
                ),
                (
                    "spring.redis.redisson.config.singleServerConfig.password",
                    "Pw-6t",
                    7
                ),
                ("spring.redis.redisson.config.threads", "16", 8),
            ]
        );
    }

    /// Bad input in the new readers: an inline Redisson block that is no
    /// YAML is read as text (its URL kept, at the block's line); a `%` key
    /// with no profile or no key after it is left as written.
    #[test]
    fn bad_inline_configs_and_profile_keys_are_read_as_written() {
        let text = "spring:\n  redis:\n    redisson:\n      config: |\n        singleServerConfig: [\n          address: redis://ledger:6379\n";
        let read = read_settings("application.yml", text);
        assert!(read.errors.is_empty(), "{:?}", read.errors);
        let urls: Vec<(&str, u32)> = read
            .settings
            .iter()
            .filter(|s| s.value.contains("redis://ledger:6379"))
            .map(|s| (s.key.as_str(), s.line))
            .collect();
        assert_eq!(urls.len(), 1, "{:?}", read.settings);
        assert!(
            urls[0].0.starts_with("spring.redis.redisson.config"),
            "{urls:?}"
        );
        let read = read_settings(
            "application.properties",
            "%=x\n%dev=y\nquarkus.redis.hosts=redis://a:6379\n",
        );
        let keys: Vec<&str> = read.settings.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(keys, ["%", "%dev", "quarkus.redis.hosts"]);
    }

    #[test]
    fn broken_yaml_is_an_error_with_line() {
        let err = settings_from_text("app.yml", "a: 1\nb: [\n").unwrap_err();
        assert!(err.line >= 2);
    }

    /// A profile document is read apart (its keys under `---n.`), with its
    /// own lines; a document with no condition still adds to the default.
    #[test]
    fn profile_documents_are_read_apart_with_their_lines() {
        let text = "redis:\n  host: prod\n  port: 6380\n---\n# local runs\nspring:\n  profiles: local\nredis:\n  port: 6379\n---\nredis:\n  db: 2\n---\nenvironment: test\nurl: redis://t:1\n";
        let read = read_settings("application.yml", text);
        assert_eq!(
            pairs(&read),
            [
                ("redis.host", "prod", 2),
                ("redis.port", "6380", 3),
                ("---2.spring.profiles", "local", 7),
                ("---2.redis.port", "6379", 9),
                ("redis.db", "2", 12),
                ("---4.environment", "test", 14),
                ("---4.url", "redis://t:1", 15),
            ]
        );
        // one document: nothing to keep apart
        let read = read_settings("application.yml", "spring:\n  profiles: local\n");
        assert_eq!(pairs(&read), [("spring.profiles", "local", 2)]);
    }

    /// With the active Spring profiles known, the documents for them are
    /// laid over the default one and the others dropped; unknown, the
    /// profile documents stay apart and are returned.
    #[test]
    fn spring_profiles_lay_their_documents_over_the_default() {
        let text = "spring:\n  data:\n    redis:\n      host: redis-dev\n      port: 6379\n---\nspring:\n  config:\n    activate:\n      on-profile: prod\n  data:\n    redis:\n      host: redis-prod\n      ssl:\n        enabled: true\n---\nspring:\n  config:\n    activate:\n      on-profile: \"!prod & !staging\"\n  data:\n    redis:\n      host: redis-local\n---\nenvironment: test\nredis:\n  host: t\n";
        let settings = read_settings("application.yml", text).settings;
        let read = |active: Option<&str>| {
            let mut s = settings.clone();
            let apart = with_profiles(&mut s, active);
            let kept: Vec<(String, String, u32)> = s
                .into_iter()
                .filter(|s| !s.key.contains("activate"))
                .map(|s| (s.key, s.value, s.line))
                .collect();
            let conditions: Vec<String> = apart.into_iter().map(|d| d.condition).collect();
            (kept, conditions)
        };
        let owned = |pairs: &[(&str, &str, u32)]| -> Vec<(String, String, u32)> {
            pairs
                .iter()
                .map(|(k, v, l)| (k.to_string(), v.to_string(), *l))
                .collect()
        };
        assert_eq!(
            read(Some("prod, eu")),
            (
                owned(&[
                    ("spring.data.redis.port", "6379", 5),
                    ("spring.data.redis.host", "redis-prod", 13),
                    ("spring.data.redis.ssl", "true", 15),
                    ("spring.data.redis.ssl.enabled", "true", 15),
                    ("---4.environment", "test", 25),
                    ("---4.redis.host", "t", 27),
                ]),
                vec!["environment test".to_string()]
            )
        );
        assert_eq!(
            read(Some("dev")).0[..3],
            owned(&[
                ("spring.data.redis.port", "6379", 5),
                ("spring.data.redis.host", "redis-local", 23),
                ("---4.environment", "test", 25),
            ])[..]
        );
        // Not known: as read, the profile documents named.
        let (kept, conditions) = read(None);
        assert_eq!(kept.len(), 8, "{kept:?}");
        assert_eq!(
            conditions,
            [
                "profile prod",
                "profile !prod & !staging",
                "environment test"
            ]
        );
        // The file's own `spring.profiles.active`.
        let mut own = read_settings(
            "application.yml",
            &format!("spring.profiles.active: prod\n{text}"),
        )
        .settings;
        with_profiles(&mut own, None);
        assert!(own
            .iter()
            .any(|s| s.key == "spring.data.redis.host" && s.value == "redis-prod"));
        assert!(!own.iter().any(|s| s.value == "redis-dev"));
        // A placeholder is not a profile.
        let mut placeholder = settings.clone();
        assert_eq!(with_profiles(&mut placeholder, Some("${PROFILE}")).len(), 3);
        assert_eq!(placeholder, settings);
    }

    #[test]
    fn formats_by_name() {
        assert_eq!(format_of("x/.env.production"), Format::Dotenv);
        assert_eq!(format_of("docker-compose.env"), Format::Dotenv);
        assert_eq!(format_of("a/b/sentinel.conf"), Format::Conf);
        assert_eq!(format_of("setup.cfg"), Format::Conf);
        assert_eq!(format_of("Pipfile"), Format::Text);
    }
}

//! Framework spellings of Redis settings, as data. Which files are config
//! files ([`FILES`]) and what framework-specific keys mean ([`KEYS`]): adding
//! a spelling is one line in a table. The generic logic in `settings.rs`
//! (host + port + TLS flag paired by prefix, URLs anywhere) does the rest.

use crate::config::{EnvDefault, RawSetting};
use crate::settings::{self, normalize_key, Found, KeyValue};
use foldhash::HashMap;
use std::sync::LazyLock;

/// Keys whose value, when it is an options object rather than a flag, turns
/// TLS on: ioredis `tls: {}`, `ssl: {rejectUnauthorized: false}`.
pub const TLS_OPTION_OBJECTS: &[&str] = &["tls", "ssl"];

/// How a config file is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    /// Every key is a Redis client setting (the file name says Redis):
    /// read as if under a `redis.` key.
    Redis,
    /// Keys are read as written; the file counts even if no key says Redis.
    Settings,
    /// Only Redis URLs on uncommented lines count (code, e.g. `settings.py`).
    UrlsOnly,
}

/// A file that is a config file by its name.
#[derive(Clone, Copy, Debug)]
pub struct ConfigFile {
    pub framework: &'static str,
    /// A glob over the end of the path: `*` within one part, `**/` any folders.
    pub path: &'static str,
    pub reading: Reading,
}

const fn file(framework: &'static str, path: &'static str, reading: Reading) -> ConfigFile {
    ConfigFile {
        framework,
        path,
        reading,
    }
}

/// Files that are config files by name, first match wins. Other YAML, JSON
/// and TOML files count only when a key says Redis or a value is a Redis URL.
#[rustfmt::skip]
pub const FILES: &[ConfigFile] = &[
    file("Rails", "config/cable.yml", Reading::Settings),
    file("Rails / GitLab", "config/redis*.yml", Reading::Redis),
    file("Rails / GitLab", "config/redis*.yaml", Reading::Redis),
    file("GitLab", "config/resque.yml", Reading::Redis),
    file("Sidekiq", "config/sidekiq.yml", Reading::Settings),
    file("Spring Boot", "application*.yml", Reading::Settings),
    file("Spring Boot", "application*.yaml", Reading::Settings),
    file("Spring Boot", "application*.properties", Reading::Settings),
    file("Spring Boot", "bootstrap*.yml", Reading::Settings),
    file("Django / Celery", "settings*.py", Reading::Settings),
    file("Django / Celery", "**/settings/*.py", Reading::Settings),
    file("Celery", "celeryconfig.py", Reading::Settings),
    file("Sentry", "sentry.conf.py", Reading::Settings),
    file(
        "Sentry / Relay / Symbolicator",
        "config.yml",
        Reading::Settings,
    ),
    file("Nextcloud / Laravel", "config/*.php", Reading::Settings),
    file("Magento", "app/etc/env.php", Reading::Settings),
    file("Drupal", "settings*.php", Reading::Settings),
    file("WordPress", "wp-config.php", Reading::Settings),
    file("Node (config)", "config/*.json", Reading::Settings),
    file("Node (config)", "config/*.yml", Reading::Settings),
    file("Node (config)", "config/*.yaml", Reading::Settings),
    file("Node (config)", "config/*.toml", Reading::Settings),
    file("redis.conf / sentinel.conf", "*.conf", Reading::Settings),
    file("dotenv / Laravel", ".env", Reading::Settings),
    file("dotenv / Laravel", ".env.*", Reading::Settings),
    file("dotenv", "*.env", Reading::Settings),
    file("Java", "*.properties", Reading::Settings),
    file("INI", "*.ini", Reading::Settings),
    file("INI", "*.cfg", Reading::Settings),
    file("TOML", "*.toml", Reading::Settings),
];

/// Files never read as config: build manifests and lock files (their
/// dependency names, such as `redis = "5.0.1"`, are not settings), docs,
/// templates and examples of settings that are not in use.
pub const NOT_CONFIG: &[&str] = &[
    // Kustomizations are read as such (what they generate and patch), even
    // without an `apiVersion` header.
    "kustomization.yaml",
    "kustomization.yml",
    "Kustomization",
    "Cargo.toml",
    "Cargo.lock",
    "pyproject.toml",
    "poetry.lock",
    "Pipfile",
    "Pipfile.lock",
    "uv.lock",
    "package.json",
    "package-lock.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "composer.json",
    "composer.lock",
    "Gemfile",
    "Gemfile.lock",
    "go.mod",
    "go.sum",
    "pom.xml",
    "build.gradle",
    "build.gradle.kts",
    "requirements*.txt",
    "tsconfig*.json",
    "*.lock",
    "Dockerfile*",
    "*.example",
    "*.sample",
    "*.template",
    "*.tmpl",
    "*.dist",
    "*.orig",
    "*.bak",
    ".env.example",
    ".env.sample",
    ".env.template",
    ".env.dist",
    // CI pipelines: their Redis is a throw-away test service.
    ".gitlab-ci.yml",
    ".travis.yml",
    "azure-pipelines.yml",
    "bitbucket-pipelines.yml",
    "Jenkinsfile",
];

/// Where a Redis server's own connection to its primary is read: redis.conf
/// `replicaof`, sentinel.conf `sentinel monitor`, `--replicaof` flags.
pub const REPLICATION: &str = "redis.replication.host";
/// Its TLS flag: `tls-replication yes`.
pub const REPLICATION_TLS: &str = "redis.replication.tls";
/// Its password: redis.conf `masterauth`, sentinel.conf `sentinel
/// auth-pass <master> <password>`.
pub const REPLICATION_PASSWORD: &str = "redis.replication.password";

/// What a framework key means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Meaning {
    /// A Redis client setting: read as if under a `redis.` key, so it says
    /// Redis and pairs with its siblings.
    Redis,
    /// Another spelling of a role at the same prefix: node-redis
    /// `socket.host` is `host`.
    Role(&'static str),
    /// A scheme setting: TLS when the value is one of these (Laravel
    /// `REDIS_SCHEME=tls`).
    TlsWhen(&'static [&'static str]),
    /// `k=v,k=v` or `k=v k=v` options (Grafana `connstr`, Gitea's macaron
    /// `PROVIDER_CONFIG`, `CONN_STR`): each becomes a setting under the
    /// key, as a Redis setting. A URL there is read as [`Meaning::Redis`].
    Options,
    /// `host port` among the value's words, after `skip` words: redis.conf
    /// `replicaof host port`, sentinel.conf `sentinel monitor name host port q`.
    /// Read as `<REPLICATION>.host` (`host:port`), so that
    /// `tls-replication yes` ([`Meaning::Key`]) pairs with it.
    HostPort { skip: usize },
    /// The key means this (normalized) key.
    Key(&'static str),
    /// The value's word `skip` (0-based) is the value of this key
    /// (`sentinel auth-pass <master> <password>`).
    KeyWord { skip: usize, key: &'static str },
    /// A URL scheme Redis clients accept under another name: the value's
    /// `from://` is read as `to://` (django-environ `rediscache://`).
    Scheme {
        from: &'static str,
        to: &'static str,
    },
    /// TLS for the URL at `<prefix>.<url>` when the key is on (`True`) or
    /// a map of TLS options: Celery's `broker_use_ssl` makes kombu connect
    /// to a `redis://` `broker_url` with TLS, so that URL is read as
    /// `rediss://`.
    UrlTls { url: &'static str },
    /// The key wraps another's name after this first part: docker-zulip's
    /// `SETTING_REDIS_HOST` is the Django setting `REDIS_HOST`,
    /// `SECRETS_redis_password` the secret `redis_password`.
    Wraps(&'static str),
}

/// One framework spelling of a key.
#[derive(Clone, Copy, Debug)]
pub struct Spelling {
    pub framework: &'static str,
    /// The key, normalized (`settings::normalize_key`): `*` is one part,
    /// `**` any number of parts.
    pub key: &'static str,
    pub meaning: Meaning,
    /// Only when another key has this word in its value, e.g. Rails
    /// `adapter: redis`, Grafana `remote_cache.type = redis`. The key is
    /// normalized and relative to the part of the key before the pattern's
    /// literal tail (`production` for `production.url` and `**.url`).
    pub when: Option<(&'static str, &'static str)>,
}

const fn key(framework: &'static str, key: &'static str, meaning: Meaning) -> Spelling {
    Spelling {
        framework,
        key,
        meaning,
        when: None,
    }
}

const fn key_when(
    framework: &'static str,
    key: &'static str,
    meaning: Meaning,
    sibling: &'static str,
    value: &'static str,
) -> Spelling {
    Spelling {
        framework,
        key,
        meaning,
        when: Some((sibling, value)),
    }
}

/// Framework key spellings, first match wins. Spellings that the generic
/// rules already read (Spring Boot `spring.data.redis.{host,port,ssl.enabled}`,
/// `REDIS_HOST` + `REDIS_PORT` + `REDIS_TLS`, URLs under any key) are listed
/// too, so this table is the reference of what is known.
#[rustfmt::skip]
pub const KEYS: &[Spelling] = &[
    key("docker-zulip", "setting.**", Meaning::Wraps("setting")),
    key("docker-zulip", "secrets.**", Meaning::Wraps("secrets")),
    key("Spring Boot 2", "**.spring.redis.**", Meaning::Redis),
    key("Spring Boot 3", "**.spring.data.redis.**", Meaning::Redis),
    key_when("Rails Action Cable", "**.url", Meaning::Redis, "adapter", "redis"),
    key("Sidekiq", "**.redis.url", Meaning::Redis),
    key("Celery", "**.broker.url", Meaning::Scheme { from: "sentinel", to: "redis+sentinel" }),
    key("Celery", "**.result.backend", Meaning::Scheme { from: "sentinel", to: "redis+sentinel" }),
    key("Celery", "**.broker.use.ssl", Meaning::UrlTls { url: "broker.url" }),
    key("Celery", "**.redis.backend.use.ssl", Meaning::UrlTls { url: "result.backend" }),
    key("django-environ", "**.cache.url", Meaning::Scheme { from: "rediscache", to: "redis" }),
    key_when("django-redis", "**.caches.*.location", Meaning::Redis, "backend", "redis"),
    key("Laravel", "**.redis.scheme", Meaning::TlsWhen(&["tls", "rediss"])),
    key("Laravel", "**.redis.*.scheme", Meaning::TlsWhen(&["tls", "rediss"])),
    // Magento's `cache.frontend.<name>.backend_options` beside a Redis
    // `backend` class (`Magento\Framework\Cache\Backend\Redis`,
    // `Cm_Cache_Backend_Redis`): its `server` is the Redis host.
    key_when("Magento", "**.backend.options.server", Meaning::Redis, "backend", "redis"),
    key_when("Magento", "**.backend.options.port", Meaning::Redis, "backend", "redis"),
    key_when("Magento", "**.backend.options.database", Meaning::Redis, "backend", "redis"),
    key("node-redis", "**.socket.host", Meaning::Role("host")),
    key("node-redis", "**.socket.port", Meaning::Role("port")),
    key("node-redis", "**.socket.tls", Meaning::Role("tls")),
    // redis-cli reads its password from `REDISCLI_AUTH`: the password of
    // the container's `REDIS_*` settings it connects with.
    key("redis-cli", "rediscli.auth", Meaning::Key("redis.password")),
    key("Sentry", "**.redis.clusters.**", Meaning::Redis),
    key("Relay", "**.processing.redis", Meaning::Redis),
    key("redis.conf", "replicaof", Meaning::HostPort { skip: 0 }),
    key("redis.conf", "slaveof", Meaning::HostPort { skip: 0 }),
    key("sentinel.conf", "sentinel.monitor", Meaning::HostPort { skip: 1 }),
    key("redis.conf", "tls.replication", Meaning::Key(REPLICATION_TLS)),
    key("redis.conf", "masterauth", Meaning::Key(REPLICATION_PASSWORD)),
    key(
        "sentinel.conf",
        "sentinel.auth.pass",
        Meaning::KeyWord { skip: 1, key: REPLICATION_PASSWORD },
    ),
    key_when("Grafana", "**.remote.cache.connstr", Meaning::Options, "remote.cache.type", "redis"),
    key_when("Grafana Live", "**.live.ha.engine.address", Meaning::Redis, "live.ha.engine", "redis"),
    key_when("Gitea", "**.session.provider.config", Meaning::Options, "session.provider", "redis"),
    key_when("Gitea", "**.queue.conn.str", Meaning::Options, "queue.type", "redis"),
    key_when("Gitea", "**.cache.host", Meaning::Options, "cache.adapter", "redis"),
    // channels_redis: no other channel layer has `CONFIG.hosts`.
    key("Django Channels", "**.channel.layers.*.config.hosts.**", Meaning::Redis),
];

/// Whether a path's end matches a glob of [`FILES`] / [`NOT_CONFIG`].
pub fn path_matches(path: &str, glob: &str) -> bool {
    // A glob always matches the end of the path; `**/` says so explicitly.
    let glob = glob.strip_prefix("**/").unwrap_or(glob);
    let mut have = path.rsplit('/');
    glob.rsplit('/')
        .all(|w| have.next().is_some_and(|h| wildcard(h, w)))
}

/// `*` matches any run of characters within one name.
pub(crate) fn wildcard(text: &str, pattern: &str) -> bool {
    let Some((first, rest)) = pattern.split_once('*') else {
        return text == pattern;
    };
    let (middles, last) = rest.rsplit_once('*').unwrap_or(("", rest));
    if text.len() < first.len() + last.len() || !text.starts_with(first) || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in middles.split('*').filter(|m| !m.is_empty()) {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

/// How a file is read when it is a config file by name.
pub fn config_file(path: &str) -> Option<&'static ConfigFile> {
    // An ERB template is the file it renders (GitLab's `resque.yml.erb`).
    let path = path.strip_suffix(".erb").unwrap_or(path);
    FILES.iter().find(|f| path_matches(path, f.path))
}

/// Documents, never read as settings wherever they sit (in the tree, or
/// mounted into a container from a ConfigMap): a Redis URL in a migration
/// note's prose is no connection.
pub const DOCS: &[&str] = &[
    "*.md",
    "*.markdown",
    "*.rst",
    "*.adoc",
    "*.html",
    "*.htm",
    "README*",
    "LICENSE*",
    "CHANGELOG*",
];

/// A file that is never a config file ([`NOT_CONFIG`], [`DOCS`]).
pub fn is_not_config(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    is_example_name(name)
        || NOT_CONFIG
            .iter()
            .chain(DOCS)
            .any(|glob| wildcard(name, glob))
}

/// Words of a file name that say it is an example or a template of
/// settings, not settings in use.
const EXAMPLE_WORDS: &[&str] = &[
    "example",
    "examples",
    "sample",
    "samples",
    "template",
    "templates",
    "tmpl",
    "dist",
];

/// A name that says the file is an example or template of settings: a word
/// of it (split at `.`, `_` and `-`) is one of [`EXAMPLE_WORDS`]:
/// `config.example.yml`, `sentry.conf.example.py`, `compose_example.yml`,
/// `example.env`, `.env.production.sample`. Projects ship these to be
/// copied (`cp config.example.yml config.yml`); the copy is what runs.
pub fn is_example_name(path: &str) -> bool {
    // Byte by byte: every scanned file's name meets this.
    let b = path.as_bytes();
    let from = b.iter().rposition(|&c| c == b'/').map_or(0, |i| i + 1);
    let mut start = from;
    for i in from..=b.len() {
        if i < b.len() && !matches!(b[i], b'.' | b'_' | b'-') {
            continue;
        }
        let word = &b[start..i];
        if matches!(word.len(), 4 | 6 | 7 | 8 | 9)
            && EXAMPLE_WORDS
                .iter()
                .any(|e| word.eq_ignore_ascii_case(e.as_bytes()))
        {
            return true;
        }
        start = i + 1;
    }
    false
}

/// A document ([`DOCS`]), by its file name.
pub fn is_document(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    DOCS.iter().any(|glob| wildcard(name, glob))
}

/// A cheap test before the full match: a pattern ending in a literal part
/// needs the key to end with it; one ending in `**` needs its literal parts
/// somewhere in the key. Every setting of every consumer meets every
/// spelling, so this is most of what `apply` costs (docs/decisions.md).
fn could_match(key: &str, key_last: &str, tail: &Tail<'_>) -> bool {
    match tail {
        Tail::Within(literal) => literal.find(key.as_bytes()).is_some(),
        Tail::Any => true,
        Tail::Last(last) => key_last == *last,
    }
}

/// What a pattern needs of a key's end, for [`could_match`].
#[derive(Clone)]
enum Tail<'p> {
    /// `a.b.**`: the literal parts somewhere in the key.
    Within(Box<memchr::memmem::Finder<'p>>),
    /// `a.*`: anything.
    Any,
    /// `**.url`: the key's last part is this.
    Last(&'p str),
}

impl<'p> Tail<'p> {
    fn of(pattern: &'p str) -> Tail<'p> {
        match pattern.rsplit('.').next().unwrap_or("") {
            // The literal parts after the last inner wildcard:
            // `config.hosts` of `**.channel.layers.*.config.hosts.**`.
            "**" => Tail::Within(Box::new(memchr::memmem::Finder::new(
                pattern
                    .trim_end_matches(".**")
                    .rsplit(".*")
                    .next()
                    .unwrap_or("")
                    .trim_start_matches("**.")
                    .trim_matches('.'),
            ))),
            "*" => Tail::Any,
            last => Tail::Last(last),
        }
    }
}

/// The tails of [`KEYS`], worked out once.
static TAILS: LazyLock<Vec<Tail<'static>>> =
    LazyLock::new(|| KEYS.iter().map(|sp| Tail::of(sp.key)).collect());

/// [`KEYS`] by what their tails need: those that end in a literal part
/// (`**.url`), by that part; the others (`a.**`, `a.*`) always tried. Each
/// list in [`KEYS`] order, so that merging them finds the first spelling
/// that applies, as trying every one in order would: a key meets a handful
/// of spellings instead of all of them.
struct ByTail {
    last: HashMap<&'static str, Vec<usize>>,
    always: Vec<usize>,
}

static BY_TAIL: LazyLock<ByTail> = LazyLock::new(|| {
    let mut by = ByTail {
        last: HashMap::default(),
        always: Vec::new(),
    };
    for (i, tail) in TAILS.iter().enumerate() {
        match tail {
            Tail::Last(last) => by.last.entry(*last).or_default().push(i),
            Tail::Within(_) | Tail::Any => by.always.push(i),
        }
    }
    by
});

/// Matches a normalized key against a pattern; returns the part of the key
/// before the pattern's literal tail (the prefix) on a match.
#[cfg(test)]
fn match_key<'k>(key: &'k str, pattern: &str) -> Option<&'k str> {
    let key_last = key.rsplit('.').next().unwrap_or("");
    match_key_with(key, key_last, pattern, &Tail::of(pattern))
}

/// [`match_key`] with the key's last part and the pattern's tail worked out.
fn match_key_with<'k>(
    key: &'k str,
    key_last: &str,
    pattern: &str,
    tail: &Tail<'_>,
) -> Option<&'k str> {
    if !could_match(key, key_last, tail) {
        return None;
    }
    // Parts on the stack: keys and patterns are short (a longer key falls
    // back to the heap).
    let mut k_buf = [""; 16];
    let mut p_buf = [""; 16];
    let (k_heap, p_heap);
    let k: &[&str] = match parts(key, &mut k_buf) {
        Some(n) => &k_buf[..n],
        None => {
            k_heap = key.split('.').collect::<Vec<_>>();
            &k_heap
        }
    };
    let p: &[&str] = match parts(pattern, &mut p_buf) {
        Some(n) => &p_buf[..n],
        None => {
            p_heap = pattern.split('.').collect::<Vec<_>>();
            &p_heap
        }
    };
    fn go(k: &[&str], p: &[&str]) -> bool {
        match p.split_first() {
            None => k.is_empty(),
            Some((&"**", rest)) => (0..=k.len()).any(|i| go(&k[i..], rest)),
            Some((head, rest)) => {
                !k.is_empty() && (*head == "*" || k[0] == *head) && go(&k[1..], rest)
            }
        }
    }
    if !go(k, p) {
        return None;
    }
    // The literal tail: the pattern parts after the last wildcard.
    let tail = p.iter().rev().take_while(|s| !s.contains('*')).count();
    let prefix_parts = k.len().saturating_sub(tail);
    let prefix_len = k[..prefix_parts].iter().map(|s| s.len() + 1).sum::<usize>();
    Some(key[..prefix_len.min(key.len())].trim_end_matches('.'))
}

/// The dot-separated parts of `text` in `buf`, their count; `None` when
/// there are more than fit. No parts for an empty text.
fn parts<'t>(text: &'t str, buf: &mut [&'t str; 16]) -> Option<usize> {
    if text.is_empty() {
        return Some(0);
    }
    let mut n = 0;
    for part in text.split('.') {
        *buf.get_mut(n)? = part;
        n += 1;
    }
    Some(n)
}

/// A setting after framework spellings are applied: the key that the
/// generic rules read, and the key as written (for the evidence).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Read {
    /// Normalized key the generic rules pair on.
    pub key: String,
    /// The key as written in the file.
    pub written: String,
    pub value: String,
    pub line: u32,
    /// The value is the fallback of an environment variable.
    pub default_of: Option<EnvDefault>,
}

impl Read {
    /// The key to give the generic rules: as written when no spelling
    /// rewrote it (so evidence says `REDIS_PORT`), else the rewritten key.
    pub fn setting_key(&self) -> String {
        if normalize_key(&self.written) == self.key {
            self.written.clone()
        } else {
            self.key.clone()
        }
    }
}

/// Whether a setting's key says it holds no address (its last part is one
/// of [`NOT_ADDRESSES`]) and its value does not prove otherwise: a URL, or
/// a StackExchange.Redis string (.NET's `ConnectionStrings__Queue`,
/// `ConnectionStrings__RedisConnection`: `host:6379,abortConnect=False`).
///
/// A Prometheus scrape target (`scrape_configs.*.static_configs.*.targets`,
/// also vmagent's and Grafana Agent's) holds none either, whatever it says:
/// the scraper reaches it over HTTP, and a `redis://` target there is one
/// that `redis_exporter` (multi-target, `/scrape`) connects to, not this
/// workload.
fn holds_no_address(norm: &str, value: &str) -> bool {
    if norm.starts_with("scrape.configs.") && norm.split('.').any(|p| p == "targets") {
        return true;
    }
    let last = norm.rsplit('.').next().unwrap_or("");
    // .NET's `RedisConnection=cache:6379` is an address where Laravel's
    // `REDIS_CONNECTION=default` is a name: the value tells.
    let an_address = value.contains("://")
        || settings::is_stackexchange(value)
        || last == "connection" && settings::host_and_port(value).is_some();
    NOT_ADDRESSES.contains(&last) && !an_address
}

/// The words of a key that some rule reads ([`inert`]).
#[rustfmt::skip]
const KEY_WORDS: &[&str] = &[
    "redis", "valkey", "keydb", "dragonfly", "garnet", "kvrocks", "sentinel", "elasticache",
    "memorystore", "cache", "host", "port", "url", "uri", "addr", "endpoint", "server", "node",
    "cluster", "location", "dsn", "conn", "secure", "tls", "ssl", "pass", "auth", "user", "db",
    "database", "enable", "disable", "broker", "backend", "queue", "mode", "adapter", "driver",
    "store", "session", "socket", "master", "primary", "replica", "slave", "scheme", "provider",
    "engine", "processing", "channel", "layer", "remote", "spring", "celery", "sidekiq", "bull",
    "omnibus", "kv", "ip",
];

/// Whether a setting can play no part in finding an endpoint, whatever
/// settings are beside it (`LOG_LEVEL=info`, `WORKERS=4`,
/// `FEATURE_SEARCH=true`): its value holds no URL, `host:port`, option
/// list, path, variable or word that says Redis, and its key has none of
/// the words of a role (`settings::ROLES`: host, port, url, password, tls,
/// db…), of a framework spelling or its sibling condition ([`KEYS`]:
/// adapter, backend, broker, location…), of a mode ([`MODES`]) or an
/// omnibus setting. (A wrapping prefix, docker-zulip's `SETTING_` and
/// `SECRETS_`, adds nothing: what it wraps must say one of those itself;
/// an option string, JSON or `-D` flags hold `=`, `{` or `:`.) Such settings are left out before the search, which
/// otherwise costs every container of a namespace every key of a shared
/// `envFrom` ConfigMap. The words are matched anywhere in the key, so the
/// test keeps more than it needs to, never less.
pub fn inert(key: &str, value: &str) -> bool {
    const VALUE_MARKS: &[char] = &[':', '/', '@', ',', '=', ';', '$', '<', '{', '[', '\\'];
    // One case-insensitive automaton over every word (a substring search
    // per word cost more than the search it saves).
    static WORDS: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(&format!("(?i){}", KEY_WORDS.join("|"))).expect("valid regex")
    });
    !value.contains(VALUE_MARKS) && !settings::says_redis(value) && !WORDS.is_match(key)
}

/// Last parts of Redis-named keys that never hold an address, whatever the
/// framework: Laravel `REDIS_CLIENT=predis`, `REDIS_PREFIX`, `REDIS_QUEUE`.
pub const NOT_ADDRESSES: &[&str] = &[
    "client",
    "prefix",
    "driver",
    "queue",
    "connection",
    "timeout",
    "serializer",
    "compression",
    "persistent",
    "ttl",
    "retries",
    "namespace",
    "key",
    "expire",
    "lifetime",
    "version",
    "mode",
    "name",
    "args",
    "arguments",
    "flags",
    "options",
    "command",
    "cmd",
];

/// Endpoints among one consumer's settings (env vars, flags, in one place),
/// framework spellings applied first (Celery `sentinel://`, django-environ
/// `rediscache://`, Laravel `REDIS_SCHEME`, Spring keys...), as config files
/// get them; `via` names the spelling's key where one was rewritten. Most
/// settings meet no spelling: those are read as they are, uncopied.
pub fn find_endpoints(reading: Reading, kvs: &[KeyValue]) -> Vec<Found> {
    if kvs.iter().any(|kv| kv.key == OMNIBUS) {
        let expanded = omnibus_settings(kvs);
        return find_endpoints(reading, &expanded);
    }
    let norms: Vec<String> = kvs.iter().map(|kv| normalize_key(&kv.key)).collect();
    // (once: what is left holds nothing the mode turns off)
    if let Some(off) = modes_off(kvs, &norms)
        .filter(|off| norms.iter().any(|n| off.iter().any(|p| is_under(n, p))))
    {
        let (kvs, _): (Vec<KeyValue>, Vec<String>) = kvs
            .iter()
            .zip(&norms)
            .filter(|(_, n)| !off.iter().any(|prefix| is_under(n, prefix)))
            .map(|(kv, n)| (kv.clone(), n.clone()))
            .unzip();
        return find_endpoints(reading, &kvs);
    }
    if leaves_alone(reading, kvs, &norms) {
        return settings::find_endpoints_normalized(kvs, &norms);
    }
    let raws: Vec<RawSetting> = kvs
        .iter()
        .enumerate()
        .map(|(i, kv)| RawSetting {
            key: kv.key.clone(),
            value: kv.value.clone(),
            line: i as u32,
            default_of: None,
        })
        .collect();
    let rewritten: Vec<KeyValue> = apply(reading, &raws)
        .into_iter()
        .map(|r| {
            let kv = &kvs[r.line as usize];
            KeyValue {
                key: r.setting_key(),
                via: if r.written == kv.key {
                    kv.via.clone()
                } else {
                    format!("{} ({})", kv.via, r.written)
                },
                value: r.value,
                origin: kv.origin.clone(),
                strength: kv.strength,
            }
        })
        .collect();
    settings::find_endpoints(&rewritten)
}

/// Settings an application reads only in a mode another setting chooses:
/// (the mode's key, normalized; the value that turns them on; their key
/// prefix). n8n reads `QUEUE_BULL_REDIS_*` only with `EXECUTIONS_MODE=queue`
/// (`regular` runs every execution in the main process, without Redis).
const MODES: &[(&str, &str, &str)] = &[("executions.mode", "queue", "queue.bull.redis")];

/// The key prefixes whose settings a mode written among `kvs` turns off.
fn modes_off(kvs: &[KeyValue], norms: &[String]) -> Option<Vec<&'static str>> {
    let off = off_prefixes(
        norms
            .iter()
            .map(String::as_str)
            .zip(kvs.iter().map(|kv| kv.value.as_str())),
    );
    (!off.is_empty()).then_some(off)
}

/// The key prefixes a mode among a container's variables (name, value)
/// turns off, for what is read apart from the settings (the Secret keys
/// it reads: an n8n in `regular` mode reading the queue's password).
pub(crate) fn switched_off<'v>(
    vars: impl Iterator<Item = (&'v str, &'v str)>,
) -> Vec<&'static str> {
    // Every variable of every container passes here: only a name ending
    // as a mode's key does (`…MODE`) is normalized.
    let ends_as_a_mode = |name: &str| {
        MODES.iter().any(|(key, _, _)| {
            let last = key.rsplit('.').next().unwrap_or(key);
            name.len() >= last.len()
                && name.as_bytes()[name.len() - last.len()..].eq_ignore_ascii_case(last.as_bytes())
        })
    };
    let normalized: Vec<(String, &str)> = vars
        .filter(|(n, _)| ends_as_a_mode(n))
        .map(|(n, v)| (normalize_key(n), v))
        .collect();
    off_prefixes(normalized.iter().map(|(n, v)| (n.as_str(), *v)))
}

/// The [`MODES`] prefixes that (normalized key, value) pairs turn off: the
/// mode's key written with a readable value other than the one that
/// turns them on.
fn off_prefixes<'v>(pairs: impl Iterator<Item = (&'v str, &'v str)>) -> Vec<&'static str> {
    let mut off = Vec::new();
    for (norm, value) in pairs {
        let value = value.trim();
        for (key, on, prefix) in MODES {
            if norm == *key
                && !value.is_empty()
                && !settings::is_unexpanded(value)
                && !value.eq_ignore_ascii_case(on)
            {
                off.push(*prefix);
            }
        }
    }
    off
}

/// Whether a variable's name is under one of the prefixes `off` holds.
pub(crate) fn is_switched_off(name: &str, off: &[&str]) -> bool {
    !off.is_empty() && {
        let norm = normalize_key(name);
        off.iter().any(|p| is_under(&norm, p))
    }
}

/// Whether a normalized key is `prefix` or under it.
fn is_under(norm: &str, prefix: &str) -> bool {
    norm.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

/// GitLab's Omnibus image reads its settings from this variable: Ruby
/// lines such as `gitlab_rails['redis_host'] = 'redis'`.
const OMNIBUS: &str = "GITLAB_OMNIBUS_CONFIG";

/// `kvs` with `GITLAB_OMNIBUS_CONFIG` replaced by its `name['key'] = value`
/// lines, one setting each (`gitlab_rails.redis_host`), at the variable's
/// origin: so `redis_host`, `redis_port`, `redis_password` and `redis_ssl`
/// pair as any other settings do.
fn omnibus_settings(kvs: &[KeyValue]) -> Vec<KeyValue> {
    static LINE: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(
            r##"^\s*([A-Za-z_]+)\['([A-Za-z0-9_]+)'\]\s*=\s*['"]?([^'"#]*?)['"]?\s*(?:#.*)?$"##,
        )
        .expect("valid regex")
    });
    let mut out = Vec::with_capacity(kvs.len() + 8);
    for kv in kvs {
        if kv.key != OMNIBUS {
            out.push(kv.clone());
            continue;
        }
        for line in kv.value.lines().flat_map(|l| l.split(';')) {
            let Some(c) = LINE.captures(line) else {
                continue;
            };
            out.push(KeyValue {
                key: format!("{}.{}", &c[1], &c[2]),
                value: c[3].trim().to_string(),
                origin: kv.origin.clone(),
                strength: kv.strength,
                via: format!("{} {}['{}']", kv.via, &c[1], &c[2]),
            });
        }
    }
    out
}

/// Whether [`apply`] leaves these settings exactly as they are (no
/// spelling matches, none is dropped), so a caller with many settings can
/// skip the copy that `apply` makes.
///
/// `norms` are the settings' keys, normalized.
pub fn leaves_alone(reading: Reading, settings: &[KeyValue], norms: &[String]) -> bool {
    if reading == Reading::Redis {
        return false;
    }
    let values: Vec<&str> = settings.iter().map(|s| s.value.as_str()).collect();
    norms.iter().zip(&values).all(|(norm, value)| {
        if holds_no_address(norm, value) {
            return false;
        }
        if settings::says_redis(norm) && settings::address_options(value).is_some() {
            return false;
        }
        match first_spelling(norm, norms, &values) {
            None => true,
            // Sidekiq's `redis.url`: already says Redis, nothing to add.
            Some((sp, _)) => {
                matches!(sp.meaning, Meaning::Redis) && crate::settings::says_redis(norm)
            }
        }
    })
}

/// The spelling that applies to a normalized key, with the key's prefix:
/// the first in [`KEYS`] that matches and whose sibling condition holds
/// among the settings (`norms`, `values`). What `apply` and `leaves_alone`
/// both decide on.
fn first_spelling<'k>(
    key: &'k str,
    norms: &[String],
    values: &[&str],
) -> Option<(&'static Spelling, &'k str)> {
    with_spellings_of(key, |matching| {
        matching.iter().find_map(|&(i, prefix_len)| {
            let (sp, prefix) = (&KEYS[i as usize], &key[..prefix_len as usize]);
            match sp.when {
                Some((sibling, value)) if !sibling_is(norms, values, prefix, sibling, value) => {
                    None
                }
                _ => Some((sp, prefix)),
            }
        })
    })
}

/// Calls `f` with the spellings whose pattern matches a normalized key, in
/// [`KEYS`] order, each with the length of the key's prefix: what depends on
/// the key alone, worked out once per key and thread (every workload of an
/// organisation writes `LOG_LEVEL` and `REDIS_URL` again; matching one key
/// against the patterns was ~2,000 instructions).
fn with_spellings_of<R>(key: &str, f: impl FnOnce(&[(u32, u32)]) -> R) -> R {
    use std::cell::RefCell;
    type Memo = HashMap<Box<str>, Box<[(u32, u32)]>>;
    thread_local! {
        static MEMO: RefCell<Memo> = RefCell::default();
    }
    MEMO.with(|memo| {
        if let Some(found) = memo.borrow().get(key) {
            return f(found);
        }
        let found = spellings_of(key);
        let out = f(&found);
        let mut memo = memo.borrow_mut();
        // Bounded: a scan of many distinct config keys starts over.
        if memo.len() >= 1 << 16 {
            memo.clear();
        }
        memo.insert(key.into(), found);
        out
    })
}

/// The spellings whose pattern matches `key` ([`with_spellings_of`]).
fn spellings_of(key: &str) -> Box<[(u32, u32)]> {
    let last = key.rsplit('.').next().unwrap_or("");
    let (by_last, always) = (
        BY_TAIL.last.get(last).map_or(&[][..], Vec::as_slice),
        BY_TAIL.always.as_slice(),
    );
    let mut found = Vec::new();
    // The two lists merged, in KEYS order.
    let (mut a, mut b) = (0, 0);
    loop {
        let i = match (by_last.get(a), always.get(b)) {
            (Some(&x), Some(&y)) if x < y => {
                a += 1;
                x
            }
            (_, Some(&y)) => {
                b += 1;
                y
            }
            (Some(&x), None) => {
                a += 1;
                x
            }
            (None, None) => return found.into_boxed_slice(),
        };
        if let Some(prefix) = match_key_with(key, last, KEYS[i].key, &TAILS[i]) {
            found.push((i as u32, prefix.len() as u32));
        }
    }
}

/// Whether the setting `<prefix>.<sibling>` has the word `value` in its value.
fn sibling_is(norms: &[String], values: &[&str], prefix: &str, sibling: &str, value: &str) -> bool {
    let want = if prefix.is_empty() {
        sibling.to_string()
    } else {
        format!("{prefix}.{sibling}")
    };
    norms
        .iter()
        .zip(values)
        // A PHP class name (`Magento\Framework\Cache\Backend\Redis`) is
        // words between backslashes.
        .any(|(n, v)| {
            *n == want
                && normalize_key(v)
                    .split(['.', '\\'])
                    .any(|part| part == value)
        })
}

/// Applies [`KEYS`] (and the file's [`Reading`]) to a file's settings.
pub fn apply(reading: Reading, settings: &[RawSetting]) -> Vec<Read> {
    let norms: Vec<String> = settings.iter().map(|s| normalize_key(&s.key)).collect();
    let values: Vec<&str> = settings.iter().map(|s| s.value.as_str()).collect();
    let bases: Vec<String> = norms
        .iter()
        .map(|norm| match reading {
            Reading::Redis => format!("redis.{norm}").trim_end_matches('.').to_string(),
            _ => norm.clone(),
        })
        .collect();
    let spellings: Vec<Option<(&Spelling, String)>> = bases
        .iter()
        .map(|base| {
            first_spelling(base, &norms, &values).map(|(sp, prefix)| (sp, prefix.to_string()))
        })
        .collect();
    // Keys a spelling says are Redis's get `redis.` in front; their
    // password and TLS keys beside them follow, so that they stay one
    // group (django-redis `CACHES.default.LOCATION` with
    // `CACHES.default.OPTIONS.PASSWORD`).
    let renamed: Vec<&str> = bases
        .iter()
        .zip(&spellings)
        .filter(|(base, sp)| {
            matches!(sp, Some((sp, _)) if matches!(sp.meaning, Meaning::Redis))
                && !crate::settings::says_redis(base)
        })
        .filter_map(|(base, _)| base.rsplit_once('.').map(|(parent, _)| parent))
        .collect();
    let tls_urls = urls_with_tls(settings, &bases, &norms, &values);
    let mut out = Vec::new();
    for ((s, norm), (base, spelling)) in
        settings.iter().zip(&norms).zip(bases.iter().zip(spellings))
    {
        if holds_no_address(norm, &s.value) {
            continue;
        }
        let mut read = Read {
            key: base.clone(),
            written: s.key.clone(),
            value: s.value.clone(),
            line: s.line,
            default_of: s.default_of.clone(),
        };
        match spelling {
            // `REDIS_CONFIG=network=tcp,addr=cache:6379,db=1`: options
            // under a key that says Redis, as a spelling's would be.
            None if crate::settings::says_redis(base) => {
                match crate::settings::address_options(&s.value) {
                    Some(options) => out.extend(option_settings(s, base, &options)),
                    None => out.push(read),
                }
            }
            None => {
                let beside_renamed = !renamed.is_empty()
                    && crate::settings::is_credential_or_tls(base)
                    && !crate::settings::says_redis(base)
                    && renamed.iter().any(|parent| {
                        base.strip_prefix(parent)
                            .is_some_and(|rest| rest.starts_with('.'))
                    });
                if beside_renamed {
                    read.key = format!("redis.{base}");
                }
                out.push(read);
            }
            Some((sp, prefix)) => match sp.meaning {
                Meaning::Redis => {
                    if !crate::settings::says_redis(base) {
                        read.key = format!("redis.{base}");
                    }
                    out.push(read);
                }
                Meaning::Role(role) => {
                    read.key = join(&prefix, role);
                    out.push(read);
                }
                Meaning::TlsWhen(values) => {
                    let on = values
                        .iter()
                        .any(|v| s.value.trim().eq_ignore_ascii_case(v));
                    let parent = base.rsplit_once('.').map(|(p, _)| p).unwrap_or("");
                    read.key = join(parent, "tls");
                    read.value = on.to_string();
                    out.push(read);
                }
                Meaning::Scheme { from, to } => {
                    let from_scheme = format!("{from}://");
                    if s.value.to_ascii_lowercase().contains(&from_scheme) {
                        read.value =
                            replace_ignore_case(&s.value, &from_scheme, &format!("{to}://"));
                    }
                    out.push(read);
                }
                Meaning::HostPort { skip } => {
                    let words: Vec<&str> = s.value.split_whitespace().skip(skip).take(2).collect();
                    if let [host, port] = words[..] {
                        read.key = REPLICATION.to_string();
                        read.value = format!("{host}:{port}");
                        out.push(read);
                    }
                }
                Meaning::Key(key) => {
                    read.key = key.to_string();
                    out.push(read);
                }
                Meaning::KeyWord { skip, key } => {
                    if let Some(word) = s.value.split_whitespace().nth(skip) {
                        read.key = key.to_string();
                        read.value = word.to_string();
                        out.push(read);
                    }
                }
                // Read for the URL it turns TLS on for ([`urls_with_tls`]).
                Meaning::UrlTls { .. } => out.push(read),
                Meaning::Wraps(first) => {
                    if let Some(rest) = base.strip_prefix(first).and_then(|r| r.strip_prefix('.')) {
                        read.key = rest.to_string();
                    }
                    out.push(read);
                }
                Meaning::Options => {
                    let _ = prefix;
                    let options = crate::settings::options(&s.value);
                    if s.value.contains("://") || options.is_empty() {
                        // A URL (Gitea's `redis://…`) or a bare address.
                        if !crate::settings::says_redis(base) {
                            read.key = format!("redis.{base}");
                        }
                        out.push(read);
                    } else {
                        out.extend(option_settings(s, base, &options));
                    }
                }
            },
        }
    }
    for read in out.iter_mut().filter(|_| !tls_urls.is_empty()) {
        if let Some((_, tls_key)) = tls_urls.iter().find(|(url, _)| *url == read.key) {
            if read.value.to_ascii_lowercase().contains("redis://") || read.default_of.is_some() {
                // A URL from a variable: what the variable gives is turned
                // too, not only the fallback.
                match &mut read.default_of {
                    Some(d) => d.turn_tls_on(&mut read.value),
                    None => read.value = replace_ignore_case(&read.value, "redis://", "rediss://"),
                }
                read.written = format!("{} with {tls_key} on", read.written);
            }
        }
    }
    out
}

/// Celery's `broker_use_ssl` (and `redis_backend_use_ssl`) on: `True`, or a
/// map of TLS options (keys under it; the Python reader's `true` for a
/// dict of names such as `ssl.CERT_REQUIRED`). The normalized key of each
/// URL it turns TLS on for, and the key as written, for the evidence.
fn urls_with_tls(
    settings: &[RawSetting],
    bases: &[String],
    norms: &[String],
    values: &[&str],
) -> Vec<(String, String)> {
    /// The literal tails of the [`Meaning::UrlTls`] spellings.
    static TLS_KEYS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
        KEYS.iter()
            .filter(|sp| matches!(sp.meaning, Meaning::UrlTls { .. }))
            .map(|sp| sp.key.trim_start_matches("**."))
            .collect()
    });
    let mut out: Vec<(String, String)> = Vec::new();
    for (s, base) in settings.iter().zip(bases) {
        // Most settings say nothing of SSL: one cheap test first.
        if !base.contains("ssl") {
            continue;
        }
        for tail in TLS_KEYS.iter() {
            let Some(at) = base.find(tail) else { continue };
            let end = at + tail.len();
            let nested = base.len() > end;
            if (at > 0 && base.as_bytes()[at - 1] != b'.')
                || nested && base.as_bytes()[end] != b'.'
                || !nested && settings::parse_bool(&s.value) != Some(true)
            {
                continue;
            }
            let on = &base[..end];
            let Some((sp, prefix)) = first_spelling(on, norms, values) else {
                continue;
            };
            let Meaning::UrlTls { url } = sp.meaning else {
                continue;
            };
            // The written key down to the TLS key (`broker_use_ssl` of
            // `broker_use_ssl.ssl_ca_certs`).
            let mut written = String::new();
            for part in s.key.split('.') {
                written = join(&written, part);
                if normalize_key(&written).len() >= on.len() {
                    break;
                }
            }
            let url = join(prefix, url);
            if !out.iter().any(|(u, _)| *u == url) {
                out.push((url, written));
            }
        }
    }
    out
}

/// `k=v` options of a setting as Redis settings under its key:
/// `remote_cache.connstr addr` for `connstr = addr=h:p`.
fn option_settings(s: &RawSetting, base: &str, options: &[(&str, &str)]) -> Vec<Read> {
    let under = if crate::settings::says_redis(base) {
        base.to_string()
    } else {
        join("redis", base)
    };
    options
        .iter()
        .map(|(k, v)| Read {
            key: join(&under, &normalize_key(k)),
            written: format!("{} {}", s.key, k.trim()),
            value: v.trim().to_string(),
            line: s.line,
            default_of: s.default_of.clone(),
        })
        .collect()
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

pub(crate) fn replace_ignore_case(text: &str, from: &str, to: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (at, _) in lower.match_indices(from) {
        out.push_str(&text[last..at]);
        out.push_str(to);
        last = at + from.len();
    }
    out.push_str(&text[last..]);
    out
}

#[cfg(test)]
mod tests {
    /// `inert` keeps every key a spelling, a sibling condition, a role or a
    /// mode names (so a spelling added later cannot be filtered out), and
    /// every value with an address in it.
    #[test]
    fn inert_keeps_what_any_rule_reads() {
        use super::{inert, Meaning, KEYS, MODES};
        let literal = |pattern: &str| -> String {
            pattern
                .split('.')
                .filter(|p| !p.contains('*'))
                .collect::<Vec<_>>()
                .join("_")
        };
        for sp in KEYS {
            // A wrapping prefix reads what it wraps, which must say more.
            if matches!(sp.meaning, Meaning::Wraps(_)) {
                continue;
            }
            let key = literal(sp.key);
            assert!(key.is_empty() || !inert(&key, "x"), "{}", sp.key);
            if let Some((sibling, value)) = sp.when {
                assert!(!inert(sibling, value), "{sibling}");
            }
        }
        for (suffix, _) in crate::settings::ROLES {
            assert!(!inert(&literal(suffix), "x"), "{suffix}");
        }
        for (mode, _, prefix) in MODES {
            assert!(!inert(&literal(mode), "x"), "{mode}");
            assert!(!inert(&literal(prefix), "x"), "{prefix}");
        }
        for value in [
            "redis://cache:6379",
            "cache:6379",
            "cache,abortConnect=false",
            "/run/redis.sock",
            "$(HOST)",
            "${HOST}",
            "<%= ENV['X'] %>",
            "-Dspring.redis.host=cache",
            "{\"host\":\"cache\"}",
            "my-redis",
            "valkey-0",
        ] {
            assert!(!inert("OPAQUE_NAME", value), "{value}");
        }
        for (key, value) in [
            ("LOG_LEVEL", "info"),
            ("WORKERS", "4"),
            ("FEATURE_SEARCH", "true"),
            ("SETTING_42", "value-42-xx"),
            ("APP_NAME", "checkout"),
        ] {
            assert!(inert(key, value), "{key}={value}");
        }
    }

    /// The spelling index answers as trying every spelling in order does,
    /// for keys made from every pattern (and their siblings' conditions
    /// met or not).
    #[test]
    fn the_tail_index_finds_the_first_spelling_as_a_linear_search_does() {
        fn linear<'k>(
            key: &'k str,
            norms: &[String],
            values: &[&str],
        ) -> Option<(&'static Spelling, &'k str)> {
            let last = key.rsplit('.').next().unwrap_or("");
            KEYS.iter().zip(TAILS.iter()).find_map(|(sp, tail)| {
                let prefix = match_key_with(key, last, sp.key, tail)?;
                match sp.when {
                    Some((sibling, value))
                        if !sibling_is(norms, values, prefix, sibling, value) =>
                    {
                        None
                    }
                    _ => Some((sp, prefix)),
                }
            })
        }
        let mut keys: Vec<String> = Vec::new();
        for sp in KEYS {
            for (deep, one) in [("", "x"), ("app.prod", "cache"), ("a", "b.c")] {
                let k = sp.key.replace("**", deep).replace('*', one);
                keys.push(k.trim_matches('.').replace("..", "."));
                keys.push(format!("spring.{}", k.trim_matches('.')));
            }
        }
        keys.extend(["redis.url", "url", "host", "cache.redis.host", "x.y.z"].map(String::from));
        let mut checked = 0;
        for key in &keys {
            let key = normalize_key(key);
            for sibling_value in ["redis", "memcached"] {
                let norms: Vec<String> = keys
                    .iter()
                    .map(|k| normalize_key(k))
                    .chain(
                        KEYS.iter()
                            .filter_map(|sp| sp.when)
                            .map(|(s, _)| s.to_string()),
                    )
                    .collect();
                let values: Vec<&str> = norms.iter().map(|_| sibling_value).collect();
                let got = first_spelling(&key, &norms, &values).map(|(sp, p)| (sp.key, p));
                let want = linear(&key, &norms, &values).map(|(sp, p)| (sp.key, p));
                assert_eq!(got, want, "{key}");
                checked += usize::from(want.is_some());
            }
        }
        assert!(checked > KEYS.len(), "only {checked} keys met a spelling");
    }

    use super::*;

    fn raw(pairs: &[(&str, &str)]) -> Vec<RawSetting> {
        pairs
            .iter()
            .enumerate()
            .map(|(i, (k, v))| RawSetting {
                key: k.to_string(),
                value: v.to_string(),
                line: i as u32 + 1,
                default_of: None,
            })
            .collect()
    }

    fn keys(reading: Reading, pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        apply(reading, &raw(pairs))
            .into_iter()
            .map(|r| (r.key, r.value))
            .collect()
    }

    fn kv(k: &str, v: &str) -> (String, String) {
        (k.to_string(), v.to_string())
    }

    #[test]
    fn config_files_by_name() {
        let reading = |p: &str| config_file(p).map(|f| f.reading);
        assert_eq!(reading("app/config/cable.yml"), Some(Reading::Settings));
        assert_eq!(
            reading("gitlab/config/redis.cache.yml"),
            Some(Reading::Redis)
        );
        assert_eq!(reading("config/resque.yml"), Some(Reading::Redis));
        assert_eq!(
            reading("svc/src/main/resources/application-prod.yml"),
            Some(Reading::Settings)
        );
        assert_eq!(reading("proj/settings.py"), Some(Reading::Settings));
        assert_eq!(
            reading("proj/settings/production.py"),
            Some(Reading::Settings)
        );
        assert_eq!(reading("api/.env.production"), Some(Reading::Settings));
        assert_eq!(reading("redis/sentinel.conf"), Some(Reading::Settings));
        assert_eq!(reading("data/values.yml"), None);
        assert_eq!(reading("src/app.py"), None);
        assert!(is_not_config("svc/package.json"));
        assert!(is_not_config("svc/.env.example"));
        assert!(is_not_config("paperless.conf.example"));
        assert!(is_not_config("Cargo.toml"));
        assert!(!is_not_config("svc/config/default.json"));
        for example in [
            "sentry/sentry.conf.example.py",
            "relay/config.example.yml",
            "compose_example.yml",
            ".config/docker_example.yml",
            "docker/example.env",
            "settings-template.json",
            "app.sample.toml",
            "config.DIST.yml",
        ] {
            assert!(is_not_config(example), "{example}");
        }
        for real in [
            "sampler.yaml",
            "exampleco/config.yml",
            "templating.yml",
            "redis-examples-not.conf.d/x.conf",
        ] {
            assert!(!is_not_config(real), "{real}");
        }
    }

    #[test]
    fn gitlab_redis_files_say_redis() {
        assert_eq!(
            keys(Reading::Redis, &[("production.url", "redis://r:6379")]),
            [kv("redis.production.url", "redis://r:6379")]
        );
    }

    #[test]
    fn rails_cable_only_with_the_redis_adapter() {
        assert_eq!(
            keys(
                Reading::Settings,
                &[
                    ("production.adapter", "redis"),
                    ("production.url", "r:6379")
                ]
            )[1],
            kv("redis.production.url", "r:6379")
        );
        assert_eq!(
            keys(
                Reading::Settings,
                &[
                    ("production.adapter", "postgresql"),
                    ("production.url", "r:6379")
                ]
            )[1],
            kv("production.url", "r:6379")
        );
    }

    #[test]
    fn laravel_client_and_prefix_are_not_addresses() {
        assert_eq!(
            keys(
                Reading::Settings,
                &[
                    ("REDIS_CLIENT", "predis"),
                    ("REDIS_PREFIX", "shop_"),
                    ("REDIS_HOST", "r")
                ]
            ),
            [kv("redis.host", "r")]
        );
    }

    #[test]
    fn redis_conf_replication_and_sentinel_monitor() {
        assert_eq!(
            keys(
                Reading::Settings,
                &[("replicaof", "primary 6380"), ("tls-replication", "yes")]
            ),
            [kv(REPLICATION, "primary:6380"), kv(REPLICATION_TLS, "yes")]
        );
        assert_eq!(
            keys(
                Reading::Settings,
                &[("sentinel.monitor", "mymaster primary 6379 2")]
            ),
            [kv(REPLICATION, "primary:6379")]
        );
        // The password of that connection: a replica's `masterauth`, a
        // Sentinel's `sentinel auth-pass <master> <password>`.
        assert_eq!(
            keys(
                Reading::Settings,
                &[
                    ("sentinel.monitor", "mymaster primary 6379 2"),
                    ("sentinel.auth-pass", "mymaster s3cret")
                ]
            ),
            [
                kv(REPLICATION, "primary:6379"),
                kv(REPLICATION_PASSWORD, "s3cret")
            ]
        );
        assert_eq!(
            keys(Reading::Settings, &[("masterauth", "s3cret")]),
            [kv(REPLICATION_PASSWORD, "s3cret")]
        );
        assert!(keys(
            Reading::Settings,
            &[("REDIS_ARGS", "--requirepass hunter2")]
        )
        .is_empty());
    }

    #[test]
    fn laravel_scheme_is_a_tls_flag() {
        assert_eq!(
            keys(Reading::Settings, &[("REDIS_SCHEME", "tls")]),
            [kv("redis.tls", "true")]
        );
        assert_eq!(
            keys(Reading::Settings, &[("REDIS_SCHEME", "tcp")]),
            [kv("redis.tls", "false")]
        );
    }

    #[test]
    fn node_redis_socket_options() {
        assert_eq!(
            keys(
                Reading::Settings,
                &[("redis.socket.host", "r"), ("redis.socket.tls", "true")]
            ),
            [kv("redis.host", "r"), kv("redis.tls", "true")]
        );
    }

    #[test]
    fn celery_sentinel_and_django_environ_schemes() {
        assert_eq!(
            keys(
                Reading::Settings,
                &[(
                    "CELERY_BROKER_URL",
                    "sentinel://s1:26379;sentinel://s2:26379"
                )]
            ),
            [kv(
                "celery.broker.url",
                "redis+sentinel://s1:26379;redis+sentinel://s2:26379"
            )]
        );
        assert_eq!(
            keys(Reading::Settings, &[("CACHE_URL", "rediscache://c:6379/1")]),
            [kv("cache.url", "redis://c:6379/1")]
        );
    }

    /// Celery's `broker_use_ssl` / `redis_backend_use_ssl` (`True` or a
    /// dict of options) make kombu use TLS with a `redis://` URL.
    #[test]
    fn celery_use_ssl_turns_tls_on_for_its_url() {
        let url = "redis://:pw@q.example.com:6380/0";
        assert_eq!(
            keys(
                Reading::Settings,
                &[
                    ("broker_url", url),
                    ("result_backend", url),
                    ("broker_use_ssl", "true"),
                    ("redis_backend_use_ssl", "true"),
                ]
            )[..2],
            [
                kv("broker.url", "rediss://:pw@q.example.com:6380/0"),
                kv("result.backend", "rediss://:pw@q.example.com:6380/0"),
            ]
        );
        // Django-style names, a dict of options (its keys under the name),
        // and the old `BROKER_USE_SSL`.
        assert_eq!(
            keys(
                Reading::Settings,
                &[
                    ("CELERY_BROKER_URL", url),
                    ("CELERY_RESULT_BACKEND", url),
                    ("CELERY_BROKER_USE_SSL.ssl_ca_certs", "/etc/ssl/ca.pem"),
                    ("CELERY_REDIS_BACKEND_USE_SSL", "True"),
                ]
            )[..2],
            [
                kv("celery.broker.url", "rediss://:pw@q.example.com:6380/0"),
                kv("celery.result.backend", "rediss://:pw@q.example.com:6380/0"),
            ]
        );
        let read = apply(
            Reading::Settings,
            &raw(&[("BROKER_URL", url), ("BROKER_USE_SSL", "1")]),
        );
        assert_eq!(read[0].value, "rediss://:pw@q.example.com:6380/0");
        assert_eq!(read[0].written, "BROKER_URL with BROKER_USE_SSL on");
        // Off, or for the other URL only: as written.
        assert_eq!(
            keys(
                Reading::Settings,
                &[
                    ("broker_url", url),
                    ("result_backend", url),
                    ("broker_use_ssl", "False"),
                    ("redis_backend_use_ssl", "true"),
                ]
            )[..2],
            [
                kv("broker.url", url),
                kv("result.backend", "rediss://:pw@q.example.com:6380/0"),
            ]
        );
    }

    /// docker-zulip: `SETTING_<Django setting>`, `SECRETS_<secret name>`.
    #[test]
    fn docker_zulip_settings_and_secrets_are_the_names_they_wrap() {
        assert_eq!(
            keys(
                Reading::Settings,
                &[
                    ("SETTING_REDIS_HOST", "redis"),
                    ("SETTING_REDIS_PORT", "6379"),
                    ("SECRETS_redis_password", "pw"),
                    ("SETTING_EXTERNAL_HOST", "chat.example.com"),
                    ("SECRETS", "x"),
                    ("APP_SETTING_REDIS_HOST", "r"),
                ]
            ),
            [
                kv("redis.host", "redis"),
                kv("redis.port", "6379"),
                kv("redis.password", "pw"),
                kv("external.host", "chat.example.com"),
                kv("secrets", "x"),
                kv("app.setting.redis.host", "r"),
            ]
        );
    }

    #[test]
    fn django_caches_location() {
        assert_eq!(
            keys(
                Reading::Settings,
                &[
                    ("CACHES.default.BACKEND", "django_redis.cache.RedisCache"),
                    ("CACHES.default.LOCATION", "c:6379")
                ]
            )[1],
            kv("redis.caches.default.location", "c:6379")
        );
        assert_eq!(
            keys(
                Reading::Settings,
                &[
                    (
                        "CACHES.default.BACKEND",
                        "django.core.cache.backends.memcached.PyMemcacheCache"
                    ),
                    ("CACHES.default.LOCATION", "c:11211")
                ]
            )[1],
            kv("caches.default.location", "c:11211")
        );
        // its options' password follows the location into `redis.`; other
        // options and other caches' keys do not
        assert_eq!(
            keys(
                Reading::Settings,
                &[
                    ("CACHES.default.BACKEND", "django_redis.cache.RedisCache"),
                    ("CACHES.default.LOCATION", "c:6379"),
                    ("CACHES.default.OPTIONS.PASSWORD", "pw"),
                    ("CACHES.default.OPTIONS.CLIENT_CLASS", "x.DefaultClient"),
                    ("CACHES.other.OPTIONS.PASSWORD", "pw2"),
                ]
            )[2..],
            [
                kv("redis.caches.default.options.password", "pw"),
                kv("caches.default.options.client.class", "x.DefaultClient"),
                kv("caches.other.options.password", "pw2"),
            ]
        );
    }

    #[test]
    fn grafana_connstr_only_for_redis() {
        let read = keys(
            Reading::Settings,
            &[
                ("remote_cache.type", "redis"),
                (
                    "remote_cache.connstr",
                    "addr=r:6379,pool_size=100,db=0,ssl=true",
                ),
            ],
        );
        assert!(
            read.contains(&kv("redis.remote.cache.connstr.addr", "r:6379")),
            "{read:?}"
        );
        assert!(read.contains(&kv("redis.remote.cache.connstr.ssl", "true")));
        let read = keys(
            Reading::Settings,
            &[
                ("remote_cache.type", "memcached"),
                ("remote_cache.connstr", "m:11211"),
            ],
        );
        assert_eq!(read[1], kv("remote.cache.connstr", "m:11211"));
    }

    /// Gitea's macaron option strings, only where its sibling says redis;
    /// a URL under the same key stays a URL.
    #[test]
    fn gitea_option_strings_only_for_redis() {
        let read = keys(
            Reading::Settings,
            &[
                ("GITEA__session__PROVIDER", "redis"),
                (
                    "GITEA__session__PROVIDER_CONFIG",
                    "network=tcp,addr=redis:6379,db=1,pool_size=100",
                ),
                ("GITEA__queue__TYPE", "redis"),
                ("GITEA__queue__CONN_STR", "addr=redis:6379 db=2"),
                ("GITEA__cache__ADAPTER", "redis"),
                ("GITEA__cache__HOST", "redis://redis:6379/0?pool_size=100"),
            ],
        );
        for want in [
            kv("redis.gitea.session.provider.config.addr", "redis:6379"),
            kv("redis.gitea.session.provider.config.db", "1"),
            kv("redis.gitea.queue.conn.str.addr", "redis:6379"),
            kv("redis.gitea.queue.conn.str.db", "2"),
            kv(
                "redis.gitea.cache.host",
                "redis://redis:6379/0?pool_size=100",
            ),
        ] {
            assert!(read.contains(&want), "{want:?} in {read:?}");
        }
        // Another provider, another queue: not Redis, `addr=` or not.
        let read = keys(
            Reading::Settings,
            &[
                ("GITEA__session__PROVIDER", "file"),
                ("GITEA__session__PROVIDER_CONFIG", "data/sessions"),
                ("GITEA__queue__TYPE", "level"),
                ("GITEA__queue__CONN_STR", "addr=queue:6379"),
                ("LISTEN", "addr=0.0.0.0:8080,proto=tcp"),
            ],
        );
        assert!(
            read.iter().all(|(k, _)| !k.starts_with("redis")),
            "{read:?}"
        );
    }

    /// `addr=` options under a key that says Redis are read as a
    /// spelling's would be; leaves_alone knows.
    #[test]
    fn address_options_under_a_redis_key() {
        let settings = [("REDIS_CONN", "network=tcp,addr=cache:6379,db=3")];
        assert_eq!(
            keys(Reading::Settings, &settings),
            [
                kv("redis.conn.network", "tcp"),
                kv("redis.conn.addr", "cache:6379"),
                kv("redis.conn.db", "3")
            ]
        );
        let kvs: Vec<KeyValue> = settings
            .iter()
            .map(|(k, v)| KeyValue {
                key: k.to_string(),
                value: v.to_string(),
                origin: fallout_core::Origin::file("f", 1),
                strength: fallout_core::Strength::Explicit,
                via: format!("env {k}"),
            })
            .collect();
        let found = find_endpoints(Reading::Settings, &kvs);
        assert_eq!(found.len(), 1, "{found:?}");
        let e = &found[0].endpoint;
        assert_eq!(
            (e.host.as_str(), e.port, e.db),
            ("cache", Some(6379), Some(3))
        );
        assert!(found[0].says_redis);
        assert_eq!(
            found[0].evidence.detail,
            "env REDIS_CONN (REDIS_CONN addr) = cache:6379"
        );
    }

    /// channels_redis `CONFIG.hosts`: tuples, URLs and `address` maps.
    #[test]
    fn django_channels_hosts_are_redis() {
        assert_eq!(
            keys(
                Reading::Settings,
                &[
                    (
                        "CHANNEL_LAYERS.default.CONFIG.hosts",
                        "channels.internal:6390"
                    ),
                    ("CHANNEL_LAYERS.b.CONFIG.hosts.0.address", "b.internal:6390"),
                    ("CHANNEL_LAYERS.b.CONFIG.hosts.0.password", "pw"),
                    ("CHANNEL_LAYERS.c.CONFIG.capacity", "100"),
                ]
            ),
            [
                kv(
                    "redis.channel.layers.default.config.hosts",
                    "channels.internal:6390"
                ),
                kv(
                    "redis.channel.layers.b.config.hosts.0.address",
                    "b.internal:6390"
                ),
                kv("redis.channel.layers.b.config.hosts.0.password", "pw"),
                kv("channel.layers.c.config.capacity", "100"),
            ]
        );
    }

    #[test]
    fn sentry_clusters_and_relay() {
        assert_eq!(
            keys(Reading::Settings, &[("processing.redis", "redis://r:6379")]),
            [kv("processing.redis", "redis://r:6379")]
        );
        assert_eq!(
            keys(
                Reading::Settings,
                &[("redis.clusters.default.hosts.0.host", "r")]
            ),
            [kv("redis.clusters.default.hosts.0.host", "r")]
        );
    }

    #[test]
    fn leaves_alone_means_apply_changes_nothing() {
        let kv = |k: &str, v: &str| crate::settings::KeyValue {
            key: k.into(),
            value: v.into(),
            origin: fallout_core::Origin::file("f", 1),
            strength: fallout_core::Strength::Explicit,
            via: String::new(),
        };
        let leaves_alone = |reading, kvs: &[crate::settings::KeyValue]| {
            let norms: Vec<String> = kvs.iter().map(|kv| normalize_key(&kv.key)).collect();
            leaves_alone(reading, kvs, &norms)
        };
        let alone_one = |reading, k: &str, v: &str| leaves_alone(reading, &[kv(k, v)]);
        let pairs = [
            ("REDIS_HOST", "cache"),
            ("REDIS_URL", "redis://cache:6379"),
            ("CACHE_URL", "rediscache://cache:6379"),
            ("REDIS_PREFIX", "app"),
            ("spring.data.redis.host", "cache"),
            ("socket.host", "cache"),
            ("LOG_LEVEL", "info"),
            ("SESSION_STORE_ADDR", "cache:6379"),
        ];
        let mut alone = 0;
        for reading in [Reading::Settings, Reading::UrlsOnly, Reading::Redis] {
            for (k, v) in pairs {
                let raws = raw(&[(k, v)]);
                let read = apply(reading, &raws);
                let unchanged = read.len() == 1
                    && read[0].setting_key() == k
                    && read[0].value == v
                    && read[0].written == k;
                if alone_one(reading, k, v) {
                    alone += 1;
                    assert!(unchanged, "{k}={v} under {reading:?}: {read:?}");
                }
            }
        }
        // Some are left alone, and the ones a spelling rewrites are not.
        // REDIS_HOST, LOG_LEVEL, SESSION_STORE_ADDR and, as their spellings
        // add nothing to keys that say Redis already, REDIS_URL (Sidekiq)
        // and spring.data.redis.host, under two readings.
        assert_eq!(alone, 10);
        assert!(!leaves_alone(Reading::Settings, &[kv("CACHE_URL", "x")]));
        assert!(!leaves_alone(
            Reading::Settings,
            &[kv("REDIS_PREFIX", "app")]
        ));
        assert!(!leaves_alone(Reading::Redis, &[kv("host", "cache")]));
        assert!(!leaves_alone(
            Reading::Settings,
            &[kv("socket.host", "cache")]
        ));
        // A conditional spelling counts only with its sibling.
        assert!(leaves_alone(Reading::Settings, &[kv("cable.url", "x")]));
        assert!(!leaves_alone(
            Reading::Settings,
            &[kv("cable.url", "x"), kv("cable.adapter", "redis")]
        ));
    }

    #[test]
    fn key_patterns() {
        assert_eq!(
            match_key("a.spring.redis.host", "**.spring.redis.**"),
            Some("a.spring.redis.host")
        );
        assert_eq!(match_key("spring.data.host", "**.spring.redis.**"), None);
        assert_eq!(match_key("x.socket.host", "**.socket.host"), Some("x"));
        assert_eq!(
            match_key("caches.default.location", "**.caches.*.location"),
            Some("caches.default")
        );
        assert_eq!(match_key("caches.location", "**.caches.*.location"), None);
        let channels = "**.channel.layers.*.config.hosts.**";
        assert!(match_key("channel.layers.default.config.hosts.0.address", channels).is_some());
        assert!(match_key("channel.layers.config.hosts", channels).is_none());
    }
}

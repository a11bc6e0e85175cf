//! Endpoints from settings: the shared logic that turns key/value pairs (env
//! vars, config-file keys, command-line flags) into Redis endpoints. Used by
//! every scanner, so `REDIS_HOST` + `REDIS_PORT` in a Deployment, a `.env`
//! file and `cache.redis.{host,port}` in a YAML config pair up the same way.

use fallout_core::endpoint::split_host_port;
use fallout_core::{Credential, Endpoint, Evidence, Origin, Scheme, Strength, Tls};
use regex::Regex;
use std::collections::HashMap;
use std::sync::LazyLock;

/// One setting as the scanner found it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyValue {
    /// The key as written: `REDIS_HOST`, `spring.data.redis.host`, `redis-addr`.
    pub key: String,
    /// The value, after any expansion the scanner could do.
    pub value: String,
    /// Where the value was read.
    pub origin: Origin,
    /// How the consumer reaches this value (a literal is `Explicit`).
    pub strength: Strength,
    /// How the value was reached, for the evidence detail,
    /// e.g. `env REDIS_URL <- configMapKeyRef billing/redis.url`.
    pub via: String,
}

/// An endpoint found among settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub endpoint: Endpoint,
    pub evidence: Evidence,
    /// The setting itself says Redis (a Redis scheme or a Redis-named key).
    /// Endpoints that do not are kept only if they resolve to a known Redis.
    pub says_redis: bool,
    pub credential: Option<Credential>,
    /// Where the port is written when a setting apart from the host's
    /// gives it (`REDIS_PORT` with `REDIS_HOST`).
    pub port_origin: Option<Origin>,
    /// The setting's key names another datastore (`DATABASE_HOST`,
    /// `POSTGRES_HOST`, `AMQP_URL`): a host there is that datastore's,
    /// whatever its name says.
    pub other_datastore_key: bool,
    /// A bare name under the server's own key (`REDIS=azure-vote-back`):
    /// kept only where it names a known Redis, whatever its name says.
    pub known_only: bool,
}

impl Found {
    /// Whether the host's name says Redis (`redis-main`, `cache-redis.prod`)
    /// and nothing says otherwise: not on a well-known port of another
    /// service (`redis-audit-db:5432`, an exporter's `shop-redis-exporter:9121`),
    /// not under a key that names another datastore (`DATABASE_HOST`).
    pub fn host_says_redis(&self) -> bool {
        says_redis(&self.endpoint.host)
            && !self
                .endpoint
                .port
                .is_some_and(|p| OTHER_SERVICE_PORTS.contains(&p))
            && !self.other_datastore_key
            && !self.known_only
    }

    /// The reference `consumer` makes to this endpoint, its short names
    /// resolved in `scope`; `same_network_as` when the endpoint is the
    /// loopback of that workload's network.
    pub fn into_reference(
        self,
        consumer: &fallout_core::ConsumerId,
        scope: &fallout_core::Scope,
        same_network_as: Option<Box<fallout_core::ConsumerId>>,
    ) -> fallout_core::Reference {
        fallout_core::Reference {
            consumer: consumer.clone(),
            scope: scope.clone(),
            endpoint: self.endpoint,
            evidence: self.evidence,
            credential: self.credential,
            port_origin: self.port_origin,
            same_network_as,
        }
    }
}

/// The settings of one prefix, by role: the index of the last one of each.
type Group = [Option<usize>; 8];

/// What the last part of a key means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    Host,
    Port,
    Tls,
    Password,
    User,
    Db,
    Enabled,
    Url,
}

/// Key endings and what they mean, longest first. Adding a spelling is one line.
pub(crate) const ROLES: &[(&str, Role)] = &[
    // `REDIS_SENTINEL_TLS` beside `REDIS_SENTINELS`: the same group's TLS.
    ("sentinel.tls.enabled", Role::Tls),
    ("sentinel.ssl.enabled", Role::Tls),
    ("sentinel.tls", Role::Tls),
    ("sentinel.ssl", Role::Tls),
    ("ssl.enabled", Role::Tls),
    // `REDIS_PASSWORD_FILE=/run/secrets/redis` (Docker secrets, Bitnami,
    // Vault agent): the password is in that file
    ("password.file", Role::Password),
    ("pass.file", Role::Password),
    ("tls.enabled", Role::Tls),
    ("use.ssl", Role::Tls),
    ("use.tls", Role::Tls),
    ("enable.tls", Role::Tls),
    ("enable.ssl", Role::Tls),
    ("tls", Role::Tls),
    ("ssl", Role::Tls),
    ("secure", Role::Tls),
    ("hostname", Role::Host),
    ("host", Role::Host),
    ("hosts", Role::Host),
    ("server", Role::Host),
    ("servers", Role::Host),
    ("addr", Role::Host),
    ("addrs", Role::Host),
    ("address", Role::Host),
    ("addresses", Role::Host),
    ("endpoint", Role::Host),
    ("nodes", Role::Host),
    ("cluster.nodes", Role::Host),
    ("sentinels", Role::Host),
    ("location", Role::Url),
    ("url", Role::Url),
    ("uri", Role::Url),
    ("dsn", Role::Url),
    ("connection.string", Role::Url),
    // Bitnami's `REDIS_MASTER_PORT_NUMBER` beside `REDIS_MASTER_HOST`
    ("port.number", Role::Port),
    ("port", Role::Port),
    ("password", Role::Password),
    ("passwd", Role::Password),
    ("pass", Role::Password),
    ("auth", Role::Password),
    ("requirepass", Role::Password),
    ("username", Role::User),
    ("user", Role::User),
    ("db", Role::Db),
    ("database", Role::Db),
    ("enabled", Role::Enabled),
    ("enable", Role::Enabled),
];

/// Maps of client options under an endpoint's own keys (normalized), where
/// its password, user or TLS may be: django-redis `OPTIONS` and
/// `OPTIONS.CONNECTION_POOL_KWARGS`, ioredis Cluster `redisOptions`.
const OPTION_MAPS: &[&str] = &[
    "options",
    "options.connection.pool.kwargs",
    "connection.pool.kwargs",
    "redis.options",
];

/// Names that say Redis.
pub fn says_redis(key: &str) -> bool {
    // One pass: a word is compared only where its first letter is.
    let b = key.as_bytes();
    (0..b.len()).any(|i| {
        let word: &[u8] = match b[i].to_ascii_lowercase() {
            b'r' => b"redis",
            b'v' => b"valkey",
            b'k' => b"keydb",
            b'd' => b"dragonfly",
            b's' => b"sentinel",
            b'e' => b"elasticache",
            b'm' => b"memorystore",
            _ => return false,
        };
        b[i..].len() >= word.len() && b[i..i + word.len()].eq_ignore_ascii_case(word)
    })
}

/// A key (normalized) whose last part is the server's product name
/// (`redis`, `cache.redis`, `valkey`): its value names the server.
fn names_the_server(key: &str) -> bool {
    let mut parts = key.split('.');
    matches!(
        key.rsplit('.').next(),
        Some("redis" | "valkey" | "keydb" | "dragonfly")
    )
    // `IMAGE_REDIS=redis`, `REDIS_VERSION`-like keys name an image, a
    // chart, a package: not the server's address.
    && !parts.any(|p| {
        matches!(
            p,
            "image" | "images" | "tag" | "version" | "container" | "chart" | "command" | "repo"
                | "repository" | "registry" | "package" | "pkg" | "docker" | "helm"
        )
    })
}

/// Normalizes a key: lower case, `camelCase`, `_`, `-`, `__`, `:` and `/` → `.`.
pub fn normalize_key(key: &str) -> String {
    if !key.is_ascii() {
        return normalize_chars(key);
    }
    // Byte by byte, one allocation: most keys are ASCII.
    let mut out: Vec<u8> = Vec::with_capacity(key.len() + 4);
    let mut prev_lower = false;
    let b = key.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        // An acronym ends before a capital that starts a word:
        // `DPConnectionString` is `dp.connection.string`, `REDISHost`
        // `redis.host` (a plural `URLs` stays one word).
        // Two lower-case letters after it (`Connection`, `Host`), so a
        // plural (`URLs`, `IPsList`) or a version (`IPv4`, `TLSv1_2`) stays.
        let starts_word = || {
            let next = b.get(i + 1).copied().unwrap_or(0);
            let after = b.get(i + 2).copied().unwrap_or(0);
            let plural = next == b's' && !after.is_ascii_lowercase();
            next.is_ascii_lowercase() && after.is_ascii_lowercase() && !plural
        };
        if c.is_ascii_uppercase()
            && (prev_lower || i > 0 && b[i - 1].is_ascii_uppercase() && starts_word())
        {
            out.push(b'.');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        match c {
            b'_' | b'-' | b':' | b'/' | b'.' => {
                if out.last() != Some(&b'.') {
                    out.push(b'.')
                }
            }
            c => out.push(c.to_ascii_lowercase()),
        }
    }
    let end = out.iter().rposition(|&c| c != b'.').map_or(0, |i| i + 1);
    out.truncate(end);
    let start = out.iter().position(|&c| c != b'.').unwrap_or(out.len());
    out.drain(..start);
    String::from_utf8(out).unwrap_or_else(|_| normalize_chars(key))
}

/// [`normalize_key`] for keys with non-ASCII characters.
fn normalize_chars(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 4);
    let mut prev_lower = false;
    for c in key.chars() {
        if c.is_ascii_uppercase() && prev_lower {
            out.push('.');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        match c {
            '_' | '-' | ':' | '/' | '.' => {
                if !out.ends_with('.') {
                    out.push('.')
                }
            }
            c => out.push(c.to_ascii_lowercase()),
        }
    }
    out.trim_matches('.').to_string()
}

/// Whether a normalized key holds a credential or a TLS flag of the
/// endpoint its prefix names (`caches.default.options.password`).
pub(crate) fn is_credential_or_tls(norm: &str) -> bool {
    matches!(
        role_of(norm),
        Some((_, Role::Password | Role::User | Role::Tls))
    )
}

/// Splits a normalized key into (prefix, role).
fn role_of(norm: &str) -> Option<(&str, Role)> {
    // The last part must match first: a cheap test before the full one.
    static LASTS: LazyLock<Vec<&str>> = LazyLock::new(|| {
        ROLES
            .iter()
            .map(|(suffix, _)| suffix.rsplit('.').next().unwrap_or(suffix))
            .collect()
    });
    let last = norm.rsplit('.').next().unwrap_or(norm);
    ROLES
        .iter()
        .zip(LASTS.iter())
        .find_map(|((suffix, role), l)| {
            if *l != last {
                None
            } else if norm == *suffix {
                Some(("", *role))
            } else {
                norm.strip_suffix(suffix)
                    .and_then(|p| p.strip_suffix('.'))
                    .map(|p| (p, *role))
            }
        })
}

static URL_RE: LazyLock<Regex> = LazyLock::new(|| {
    // A `$(VAR)` or `${VAR}` left as written (a Secret outside the scan
    // feeds the password) is part of the URL, not its end. So are `;` and
    // `,`, which a password may hold; `find_urls` splits at one only where
    // a scheme follows (Celery's `sentinel://a:26379;sentinel://b:26379`).
    Regex::new(r"(?i)\b(?:rediss?|valkeys?|redis[+-]sentinel|rediss\+sentinel|redis\+unix)://(?:\[[0-9A-Fa-f:.]+\]|\$\([A-Za-z0-9_.-]+\)|\$\{[A-Za-z0-9_.:-]+\}|[^\s'`<>\x22\]\)\}])+")
        .expect("valid regex")
});

/// Every Redis URL in a piece of text, with its byte offset.
/// A value with each ERB tag (`<%= … %>`) replaced by `$(ERB)`, a value
/// the scan cannot read.
fn erb_as_unexpanded(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(start) = rest.find("<%") {
        let Some(end) = rest[start..].find("%>") else {
            break;
        };
        out.push_str(&rest[..start]);
        out.push_str("$(ERB)");
        rest = &rest[start + end + 2..];
    }
    out.push_str(rest);
    out
}

/// Options only a StackExchange.Redis connection string has, lower-cased.
const STACKEXCHANGE_OPTIONS: &[&str] = &[
    "abortconnect",
    "allowadmin",
    "connectretry",
    "synctimeout",
    "asynctimeout",
    "defaultdatabase",
    "sslhost",
    "tiebreaker",
    "configchannel",
    "resolvedns",
    "servicename",
];

/// Whether a value is a StackExchange.Redis connection string: `host:port`
/// items, then `key=value` options at commas, one of them its own
/// (`abortConnect`, `defaultDatabase`, …).
pub(crate) fn is_stackexchange(value: &str) -> bool {
    // Every setting of every workload passes here: byte tests first.
    if !value.contains(',') || !value.contains('=') {
        return false;
    }
    let mut parts = value.split(',').map(str::trim);
    let first = parts.next().unwrap_or("");
    if first.contains('=') || split_host_port(first).is_none() {
        return false;
    }
    value
        .split(',')
        .filter_map(|p| p.split_once('='))
        .any(|(k, _)| {
            let k = k.trim().to_ascii_lowercase();
            STACKEXCHANGE_OPTIONS.contains(&k.as_str())
        })
}

/// A key that lists Sentinel addresses (`sentinelAddresses`,
/// `sentinel.nodes`, `REDIS_SENTINELS`, `sentinels.0`), not one that names
/// a Sentinel's master or options.
fn is_sentinel_list_key(key: &str) -> bool {
    let norm = normalize_key(key);
    let parts: Vec<&str> = norm
        .split('.')
        .filter(|p| !p.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    match parts.as_slice() {
        [.., a, b] => {
            (a.starts_with("sentinel") && matches!(*b, "addresses" | "address" | "nodes" | "hosts"))
                || *b == "sentinels"
        }
        [only] => *only == "sentinels",
        _ => false,
    }
}

pub fn find_urls(text: &str) -> Vec<(usize, &str)> {
    // Most values hold no URL at all: skip the regex for them.
    static SCHEME_END: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new("://"));
    if SCHEME_END.find(text.as_bytes()).is_none() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for m in URL_RE.find_iter(text) {
        let (mut start, mut url) = (m.start(), m.as_str());
        // Cut inside its credentials by a character that ends a URL in
        // prose (a backtick, a quote, a bracket in a password): the word
        // goes on to an `@`, so the URL does too (else the consumer is lost).
        if !url.contains('@') {
            let rest = &text[m.end()..];
            let word = &rest[..rest.find(char::is_whitespace).unwrap_or(rest.len())];
            if let Some(at) = word.rfind('@') {
                let host = &word[at + 1..];
                let host_end = host
                    .find(['\'', '`', '<', '>', '"', ']', ')', '}'])
                    .unwrap_or(host.len());
                if host_end > 0 {
                    url = &text[m.start()..m.end() + at + 1 + host_end];
                }
            }
        }
        // `;` or `,` then a scheme starts the next URL (Celery's
        // `sentinel://a;sentinel://b`, Quarkus' `redis://a,redis://b`).
        while let Some(at) = url
            .match_indices([';', ','])
            .map(|(i, _)| i)
            .find(|&i| URL_RE.find(&url[i + 1..]).is_some_and(|n| n.start() == 0))
        {
            out.push((start, url[..at].trim_end_matches([',', '.', ';', ':'])));
            start += at + 1;
            url = &url[at + 1..];
        }
        out.push((start, url.trim_end_matches([',', '.', ';', ':'])));
    }
    out
}

pub fn parse_bool(value: &str) -> Option<bool> {
    match value
        .trim()
        .trim_matches(['"', '\''])
        .to_ascii_lowercase()
        .as_str()
    {
        "true" | "yes" | "on" | "1" | "required" | "enabled" => Some(true),
        "false" | "no" | "off" | "0" | "disabled" | "none" => Some(false),
        _ => None,
    }
}

/// A value that is a template or reference the scanner could not expand:
/// `${VAR}`, `{{ x }}`, `$(VAR)`, `%(name)s`, ERB `<%= ENV[...] %>`.
pub fn is_unexpanded(value: &str) -> bool {
    value.contains("${")
        || value.contains("{{")
        || value.contains("$(")
        || value.contains("%(")
        || value.contains("<%")
}

/// Finds endpoints in a set of settings that belong to one consumer and one
/// place (one container's env, one config file). Host and port pair up when
/// they share a prefix; a TLS flag with the same prefix sets TLS.
pub fn find_endpoints(settings: &[KeyValue]) -> Vec<Found> {
    let norms: Vec<String> = settings.iter().map(|s| normalize_key(&s.key)).collect();
    find_endpoints_normalized(settings, &norms)
}

/// [`find_endpoints`] with the keys already normalized ([`normalize_key`]).
pub fn find_endpoints_normalized(settings: &[KeyValue], norms: &[String]) -> Vec<Found> {
    // prefix -> index of the (last) setting for each role
    let roles: Vec<Option<(&str, Role)>> = norms.iter().map(|n| role_of(n)).collect();
    let mut groups: HashMap<&str, Group> = HashMap::new();
    for (i, role) in roles.iter().enumerate() {
        if let Some((prefix, role)) = role {
            groups.entry(prefix).or_default()[*role as usize] = Some(i);
        }
    }
    // redis-rb (GitLab `resque.yml`, `config/redis.*.yml`): a URL beside
    // `sentinels:` names the master group, not a host; its sentinels are
    // the way to that Redis. (master endpoint, its URL setting, the
    // sentinels' key prefix)
    let masters: Vec<(Endpoint, usize, String)> = if norms.iter().any(|n| n.contains("sentinels."))
    {
        groups
            .iter()
            .filter_map(|(p, g)| {
                let url = g[Role::Url as usize]?;
                let under_of = |p: &str| {
                    if p.is_empty() {
                        "sentinels.".to_string()
                    } else {
                        format!("{p}.sentinels.")
                    }
                };
                // Only sentinels the scan can read stand for the URL: with
                // none (`host: <%= ENV['S1'] %>`), the URL is read as one.
                let readable = |under: &str| {
                    norms.iter().zip(settings).any(|(n, kv)| {
                        n.starts_with(under)
                            && !is_unexpanded(kv.value.trim())
                            && kv.value.chars().any(|c| c.is_ascii_alphanumeric())
                            && matches!(role_of(n), Some((_, Role::Host)))
                    })
                };
                // A URL a framework spelling moved under `redis.` (Action
                // Cable's `production.url` beside `adapter: redis`) keeps
                // its sentinels where they are written.
                let under = [Some(*p), p.strip_prefix("redis.")]
                    .into_iter()
                    .flatten()
                    .map(under_of)
                    .find(|under| readable(under))?;
                // GitLab's `redis://:<%= …password… %>@mymaster` too.
                let value = &settings[url].value;
                let without_erb = value.contains("<%").then(|| erb_as_unexpanded(value));
                let (_, text) = find_urls(without_erb.as_deref().unwrap_or(value))
                    .into_iter()
                    .next()?;
                let master = Endpoint::parse_url(text)?.into_iter().next()?;
                matches!(master.scheme, Scheme::Redis | Scheme::Rediss)
                    .then_some((master, url, under))
            })
            .collect()
    } else {
        Vec::new()
    };
    let has_host_groups = groups.keys().any(|p| *p == "host" || p.ends_with(".host"));
    let has_option_groups = groups
        .keys()
        .any(|p| OPTION_MAPS.iter().any(|o| p.ends_with(o)));
    let group_of = |i: usize| -> Option<&Group> { roles[i].and_then(|(p, _)| groups.get(p)) };
    let setting = |g: &Group, role: Role| g[role as usize].map(|i| &settings[i]);
    // A role for setting `i`: in its own group; else under `<prefix>.host`
    // (Nextcloud `REDIS_HOST` + `REDIS_HOST_PORT` + `REDIS_HOST_PASSWORD`);
    // else, for credentials and TLS, in the options map of its own group
    // (django-redis `CACHES.default.OPTIONS.PASSWORD` with
    // `CACHES.default.LOCATION`), then in a parent group
    // (`REDIS_SENTINEL_HOSTS` with `REDIS_PASSWORD`).
    let related = |i: usize, role: Role| -> Option<&KeyValue> {
        let (prefix, _) = roles[i]?;
        if let Some(s) = groups.get(prefix).and_then(|g| setting(g, role)) {
            return Some(s);
        }
        // A profile document (`---N.` keys, read apart by the config
        // reader) is laid over the default one, as Spring does: what it
        // leaves out (port, TLS, password) it inherits. Never the reverse.
        if settings[i].key.starts_with("---") {
            if let Some((_, inherited)) = prefix.split_once('.') {
                if let Some(s) = groups.get(inherited).and_then(|g| setting(g, role)) {
                    return Some(s);
                }
            }
        }
        if has_host_groups {
            let host_group = if prefix.is_empty() {
                "host".to_string()
            } else {
                format!("{prefix}.host")
            };
            if let Some(s) = groups
                .get(host_group.as_str())
                .and_then(|g| setting(g, role))
            {
                return Some(s);
            }
        }
        if !matches!(role, Role::Password | Role::User | Role::Tls) {
            return None;
        }
        if has_option_groups {
            if let Some(s) = OPTION_MAPS.iter().find_map(|o| {
                let options = if prefix.is_empty() {
                    o.to_string()
                } else {
                    format!("{prefix}.{o}")
                };
                groups.get(options.as_str()).and_then(|g| setting(g, role))
            }) {
                return Some(s);
            }
        }
        let mut p = prefix;
        while let Some((parent, _)) = p.rsplit_once('.') {
            if let Some(s) = groups.get(parent).and_then(|g| setting(g, role)) {
                return Some(s);
            }
            // An ioredis Cluster's nodes (`redis.clusterNodes.0.host`) take
            // the `redisOptions` beside their list
            // (`redis.clusterOptions.redisOptions.password`).
            if has_option_groups {
                if let Some(s) = OPTION_MAPS
                    .iter()
                    .chain(&["cluster.options.redis.options"])
                    .find_map(|o| groups.get(format!("{parent}.{o}").as_str()))
                    .and_then(|g| setting(g, role))
                {
                    return Some(s);
                }
            }
            p = parent;
        }
        None
    };

    let mut out = Vec::new();
    for (i, kv) in settings.iter().enumerate() {
        // An address the process listens on (`BIND_ADDRESS`, `LISTEN`,
        // `http.listen`) is its own, not a server it reaches.
        if names_a_listener(&norms[i]) {
            continue;
        }
        let group = group_of(i);
        let role = roles[i].map(|(_, r)| r);
        let disabled = group
            .and_then(|g| setting(g, Role::Enabled))
            .and_then(|s| parse_bool(&s.value))
            == Some(false);
        if disabled
            || matches!(
                role,
                Some(Role::Enabled | Role::Tls | Role::User | Role::Db)
            )
        {
            continue;
        }
        let tls_flag = group
            .and_then(|_| related(i, Role::Tls))
            .and_then(|s| parse_bool(&s.value));
        let password = group
            .and_then(|_| related(i, Role::Password))
            // Laravel's `.env` says `REDIS_PASSWORD=null` for none.
            .filter(|s| !matches!(s.value.trim(), "" | "null" | "NULL" | "~" | "None" | "nil"));
        let credential = |ep: &Endpoint| -> Option<Credential> {
            if ep.has_password {
                Some(Credential {
                    location: kv.via.clone(),
                    origin: kv.origin.clone(),
                    suspected: false,
                })
            } else if let Some(p) = password {
                Some(Credential {
                    location: p.via.clone(),
                    origin: p.origin.clone(),
                    suspected: false,
                })
            } else {
                // `redis://name@host`: the password only to some clients.
                ep.lone_userinfo.then(|| Credential {
                    location: format!(
                        "the lone name before `@` in {} (the password to Lettuce; a user name to redis-py, go-redis, ioredis, node-redis and redis-rb)",
                        kv.via
                    ),
                    origin: kv.origin.clone(),
                    suspected: true,
                })
            }
        };
        let key_says_redis = says_redis(&kv.key);
        if masters.iter().any(|(_, url, _)| *url == i) {
            // A master group's name: its sentinels below are the endpoints.
            continue;
        }

        // URLs anywhere in the value, whatever the key. An ERB tag in one
        // (GitLab's `redis://:<%= …password… %>@host:6379`) stands for a
        // value the scan cannot read, as `$(VAR)` does.
        let without_erb = kv
            .value
            .contains("<%")
            .then(|| erb_as_unexpanded(&kv.value));
        let urls = find_urls(without_erb.as_deref().unwrap_or(&kv.value));
        if !urls.is_empty() {
            for (_, url) in urls {
                for mut ep in Endpoint::parse_url(url).unwrap_or_default() {
                    // A URL under a key of Sentinel addresses (Redisson's
                    // `sentinelServersConfig.sentinelAddresses`) is a
                    // Sentinel's, whatever its scheme says.
                    if matches!(ep.scheme, Scheme::Redis | Scheme::Rediss)
                        && is_sentinel_list_key(&kv.key)
                    {
                        ep.scheme = Scheme::Sentinel;
                    }
                    if ep.scheme == Scheme::Sentinel && tls_flag == Some(true) {
                        ep.tls = Tls::Yes;
                    }
                    let credential = credential(&ep);
                    ep.has_password |= credential.as_ref().is_some_and(|c| !c.suspected);
                    out.push(found(kv, ep, true, credential, None));
                }
            }
            continue;
        }
        // A Unix socket: `unix:///run/redis.sock`, `redis+socket://…`, or a
        // bare path under a Redis key (phpredis and Nextcloud `host`).
        if let Some(socket) = socket_in(&kv.value, role, key_says_redis) {
            if let Some(mut ep) = socket {
                if let Some(user) = group.and_then(|_| related(i, Role::User)) {
                    ep.user = ep
                        .user
                        .or_else(|| Some(user.value.trim().to_string()))
                        .filter(|u| !u.is_empty() && !is_unexpanded(u));
                }
                if let Some(db) = group.and_then(|g| setting(g, Role::Db)) {
                    ep.db = ep.db.or_else(|| db.value.trim().parse().ok());
                }
                let credential = credential(&ep);
                ep.has_password |= credential.as_ref().is_some_and(|c| !c.suspected);
                out.push(found(kv, ep, true, credential, None));
            }
            continue;
        }
        // Schemes other clients write: Predis / phpredis `tcp://` and
        // `tls://`, Outline's `ioredis://<base64 JSON>`.
        if let Some(other) = other_scheme(&kv.value) {
            let (endpoints, says) = match other {
                OtherScheme::Stream => (stream_endpoints(&kv.value), key_says_redis),
                // Never anything but Redis, whatever the key.
                OtherScheme::Ioredis => (ioredis_endpoints(&kv.value).unwrap_or_default(), true),
            };
            // Nextcloud's `'host' => 'tls://redis', 'port' => 6380`: a host
            // with no port written pairs with its group's port.
            let port_setting = (role == Some(Role::Host))
                .then(|| group.and_then(|_| related(i, Role::Port)))
                .flatten()
                .filter(|s| s.value.trim().trim_matches('"').parse::<u16>().is_ok());
            for mut ep in endpoints {
                let credential = credential(&ep);
                ep.has_password |= credential.as_ref().is_some_and(|c| !c.suspected);
                let paired = match port_setting {
                    Some(port) if ep.port.is_none() => {
                        ep.port = port.value.trim().trim_matches('"').parse().ok();
                        if let Some(p) = ep.port {
                            ep.raw = format!("{}:{p}", ep.raw.trim_end_matches('/'));
                        }
                        Some(port)
                    }
                    _ => None,
                };
                out.push(found(kv, ep, says, credential, paired));
            }
            continue;
        }
        // A port key holding a whole address (`CACHE_HOST_PORT=cache:6379`).
        if role == Some(Role::Port) && kv.value.trim().parse::<u16>().is_err() {
            if let Some(mut ep) = host_and_port(&kv.value) {
                ep.tls = match tls_flag {
                    Some(true) => Tls::Yes,
                    Some(false) => Tls::No,
                    None => Tls::Unknown,
                };
                let credential = credential(&ep);
                ep.has_password = credential.as_ref().is_some_and(|c| !c.suspected);
                out.push(found(kv, ep, key_says_redis, credential, None));
            }
            continue;
        }
        if role == Some(Role::Password)
            || role == Some(Role::Port) && group.and_then(|g| setting(g, Role::Host)).is_some()
        {
            continue;
        }
        // A bare value: host, host:port or a list of them.
        let is_address_key = matches!(role, Some(Role::Host | Role::Url));
        // A StackExchange.Redis string under any key (.NET's
        // `ConnectionStrings__Cache`, which Aspire's `AddRedis("cache")`
        // injects): its own options say Redis.
        let stackexchange = role.is_none() && is_stackexchange(&kv.value);
        if !(is_address_key || key_says_redis && role.is_none() || stackexchange) {
            // Any other key (`SESSION_STORE`, `CACHE`, `BROKER`) holding
            // exactly `host:port`: an address that does not say Redis, kept
            // by the scanners only where it names a known Redis.
            if role.is_none() {
                if let Some(ep) = host_and_port(&kv.value) {
                    out.push(found(kv, ep, false, None, None));
                }
            }
            continue;
        }
        if is_unexpanded(&kv.value) {
            continue;
        }
        // A Redis-named key of no known role (`REDIS_SENTINEL_MASTER`,
        // `REDIS_MAXMEMORY_POLICY`, `REDIS_CLIENT`) holds an address only
        // when its value looks like one.
        let generic = role.is_none();
        let port_setting = group.and_then(|_| related(i, Role::Port));
        let paired_port =
            port_setting.and_then(|s| s.value.trim().trim_matches('"').parse::<u16>().ok());
        // StackExchange.Redis (.NET, Azure Cache's own format):
        // `host:6380,password=…,ssl=True,abortConnect=False`.
        let options: Vec<(&str, &str)> = kv
            .value
            .split(',')
            .filter_map(|o| o.trim().split_once('='))
            .collect();
        let option = |name: &str| {
            options
                .iter()
                .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
                .map(|(_, v)| v.trim())
        };
        let option_tls = option("ssl").and_then(parse_bool);
        let option_password = option("password").is_some_and(|p| !p.is_empty());
        let option_user = option("user").filter(|u| !u.is_empty() && !is_unexpanded(u));
        // With options, items are split at commas only: a password may hold
        // a `;` or a space, and no part of it is a host.
        let items: Vec<&str> = if options.is_empty() {
            kv.value.split([',', ' ', ';']).collect()
        } else {
            kv.value
                .split(',')
                .map(str::trim)
                .filter(|item| !item.contains('='))
                .collect()
        };
        for item in items.into_iter().filter(|s| !s.is_empty()) {
            let item = item.strip_prefix("tcp://").unwrap_or(item);
            // redis-commander's `label:host:port[:db[:password]]`,
            // twemproxy's `host:port:weight`
            let labelled = labelled_host(item);
            let item = labelled.as_deref().unwrap_or(item);
            let Some((host, port)) = split_host_port(item) else {
                continue;
            };
            // A bare name (`back`) under a key that names the server
            // itself (`REDIS`, `CACHE_REDIS`: the Azure voting app's
            // `REDIS=azure-vote-back`) is kept as an address that does not
            // say Redis: only where it names a known Redis. Under other
            // keys (`REDIS_MODE=cluster`) it is no address.
            let bare = generic && port.is_none() && !host.contains('.');
            if bare && !names_the_server(&norms[i]) {
                continue;
            }
            if host.parse::<f64>().is_ok()
                || parse_bool(&host).is_some()
                || !host.chars().any(|c| c.is_ascii_alphanumeric())
            {
                continue;
            }
            let port = port.or(paired_port);
            let raw = match (port, paired_port.is_some() && !item.contains(':')) {
                (Some(p), true) => format!("{host}:{p}"),
                _ => item.to_string(),
            };
            let mut ep = Endpoint::plain(&host, port, &raw);
            // Hosts under a sentinel key are sentinels: the client asks
            // them for the primary (TLS advice is for both).
            if kv.key.to_ascii_lowercase().contains("sentinel") && role == Some(Role::Host) {
                ep.scheme = fallout_core::Scheme::Sentinel;
            }
            ep.tls = match tls_flag.or(option_tls) {
                Some(true) => Tls::Yes,
                Some(false) => Tls::No,
                // StackExchange.Redis connects in plaintext unless `ssl=true`.
                None if !options.is_empty() && is_stackexchange(&kv.value) => Tls::No,
                None => Tls::Unknown,
            };
            if let Some(user) = group.and_then(|_| related(i, Role::User)) {
                ep.user = Some(user.value.trim().to_string())
                    .filter(|u| !u.is_empty() && !is_unexpanded(u));
            }
            if let Some(user) = option_user {
                ep.user = Some(user.to_string());
            }
            if let Some(db) = group.and_then(|g| setting(g, Role::Db)) {
                ep.db = db.value.trim().parse().ok();
            }
            let credential = credential(&ep).or_else(|| {
                option_password.then(|| Credential {
                    location: kv.via.clone(),
                    origin: kv.origin.clone(),
                    suspected: false,
                })
            });
            ep.has_password = credential.is_some();
            let mut credential = credential;
            if ep.scheme == Scheme::Sentinel {
                if let Some((master, url, _)) = masters
                    .iter()
                    .find(|(_, _, under)| norms[i].starts_with(under.as_str()))
                {
                    ep.sentinel_master = Some(master.host.clone());
                    ep.db = ep.db.or(master.db);
                    if ep.tls == Tls::Unknown {
                        ep.tls = master.tls;
                    }
                    if credential.is_none() && master.has_password {
                        credential = Some(Credential {
                            location: settings[*url].via.clone(),
                            origin: settings[*url].origin.clone(),
                            suspected: false,
                        });
                        ep.has_password = true;
                    }
                    ep.raw = format!("{} (sentinel of master {})", ep.raw, master.host);
                }
            }
            let says = !bare
                && (key_says_redis
                    || stackexchange
                    || port_setting.is_some_and(|p| says_redis(&p.key)));
            let paired = port_setting.filter(|_| !item.contains(':'));
            let mut f = found(kv, ep, says, credential, paired);
            f.known_only = bare;
            out.push(f);
        }
    }
    out
}

/// The Unix socket a value names: `Some(Some(endpoint))` for a Redis
/// socket; `Some(None)` for a socket address that is no Redis's (Docker's
/// `DOCKER_HOST=unix:///var/run/docker.sock`), which is nothing else
/// either; `None` for any other value. Every value of every workload
/// passes here: byte tests first, no allocation until one looks like a
/// socket.
///
/// A socket says Redis by its scheme (`redis+unix://`, `redis+socket://`,
/// `redis-socket://`, `valkey+unix://`), or, for `unix:` and `socket://`
/// (redis-py, node-redis, Predis, Sidekiq), by its key or its path
/// (`/run/redis/redis.sock`). A bare path counts under a host or URL key
/// that says Redis or whose path does (phpredis, Nextcloud `'host' =>
/// '/run/redis/redis-server.sock'`), or as a `.sock`/`.socket` file under
/// any Redis-named key (`REDIS_SOCKET`, GitLab's `redis_socket`).
fn socket_in(value: &str, role: Option<Role>, key_says_redis: bool) -> Option<Option<Endpoint>> {
    let v = value.trim().trim_matches(['"', '\'']);
    let b = v.as_bytes();
    match b.first()? {
        b'/' => {
            if v.len() < 2 || v.contains(char::is_whitespace) || is_unexpanded(v) {
                return None;
            }
            let socket_file = v.ends_with(".sock") || v.ends_with(".socket");
            let names_redis = match role {
                Some(Role::Host | Role::Url) => key_says_redis || says_redis(v),
                None => key_says_redis && socket_file,
                Some(_) => false,
            };
            if !names_redis {
                return None;
            }
            // Options after the path (`?auth=…`, phpredis's session save
            // path) are read, and a password masked, as a `unix:` URL's.
            if v.contains(['?', '@']) {
                return Some(
                    Endpoint::parse_url(&format!("unix:{v}"))?
                        .into_iter()
                        .next(),
                );
            }
            Some(Some(Endpoint::socket(v, v)))
        }
        b'u' | b'U' | b's' | b'S' | b'r' | b'R' | b'v' | b'V' => {
            let mut head = [0u8; 16];
            let n = b.len().min(head.len());
            head[..n].copy_from_slice(&b[..n]);
            head.make_ascii_lowercase();
            let head = &head[..n];
            let has = |w: &[u8]| head.windows(w.len()).any(|x| x == w);
            if !(has(b"unix:") || has(b"socket:")) {
                return None;
            }
            let ep = Endpoint::parse_url(v)?.into_iter().next()?;
            if !ep.is_socket() {
                return None;
            }
            let scheme = v.split(':').next().unwrap_or("").to_ascii_lowercase();
            let redis_scheme = scheme.starts_with("redis") || scheme.starts_with("valkey");
            Some((redis_scheme || key_says_redis || says_redis(&ep.host)).then_some(ep))
        }
        _ => None,
    }
}

/// `k=v` options, separated by commas (`addr=h:p,db=1`, Grafana, macaron)
/// or, when more than one whitespace-separated word holds a `=`, by
/// whitespace (Gitea's `addr=h:p db=2`, where `addrs=a:1,b:2` is one).
/// Words without `=` are passed over.
pub fn options(value: &str) -> Vec<(&str, &str)> {
    let spaced = value
        .split_whitespace()
        .filter(|w| w.contains('='))
        .nth(1)
        .is_some();
    if spaced {
        return value
            .split_whitespace()
            .map(|w| w.trim_matches(','))
            .filter_map(|w| w.split_once('='))
            .map(|(k, v)| (k.trim(), v.trim()))
            .filter(|(k, _)| !k.is_empty())
            .collect();
    }
    // At commas; a part with no `=` continues the value before it
    // (`addrs=a:6379,b:6379,db=2`: `addrs` is both addresses).
    let mut out: Vec<(&str, (usize, usize))> = Vec::new();
    let mut start = 0;
    for part in value.split(',') {
        let end = start + part.len();
        match part.split_once('=') {
            Some((k, _)) if !k.trim().is_empty() => {
                out.push((k.trim(), (start + k.len() + 1, end)));
            }
            Some(_) => {}
            None => {
                if let Some((_, span)) = out.last_mut() {
                    span.1 = end;
                }
            }
        }
        start = end + 1;
    }
    out.into_iter()
        .map(|(k, (from, to))| (k, value[from..to].trim()))
        .collect()
}

/// The options of a go-redis / macaron option string, which names its
/// address with `addr=` or `addrs=` (`network=tcp,addr=redis:6379,db=1`);
/// `None` for any other value. A memchr test before any allocation.
pub fn address_options(value: &str) -> Option<Vec<(&str, &str)>> {
    static ADDR: LazyLock<[memchr::memmem::Finder<'static>; 2]> = LazyLock::new(|| {
        [
            memchr::memmem::Finder::new("addr"),
            memchr::memmem::Finder::new("ADDR"),
        ]
    });
    if ADDR.iter().all(|f| f.find(value.as_bytes()).is_none()) || value.contains("://") {
        return None;
    }
    let options = options(value);
    options
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("addr") || k.eq_ignore_ascii_case("addrs"))
        .then_some(options)
}

/// A value in a scheme [`find_urls`] does not read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OtherScheme {
    /// Predis / phpredis `tcp://host:port` and `tls://host:port`.
    Stream,
    /// ioredis options as base64 JSON (Outline's `REDIS_URL`).
    Ioredis,
}

/// Which [`OtherScheme`] a value starts with: a byte test first, as every
/// value of every workload passes here.
fn other_scheme(value: &str) -> Option<OtherScheme> {
    let b = value.trim_start().as_bytes();
    let starts =
        |prefix: &[u8]| b.len() > prefix.len() && b[..prefix.len()].eq_ignore_ascii_case(prefix);
    match b.first()? {
        b't' | b'T' if starts(b"tcp://") || starts(b"tls://") => Some(OtherScheme::Stream),
        b'i' | b'I' if starts(b"ioredis://") => Some(OtherScheme::Ioredis),
        _ => None,
    }
}

/// Predis / phpredis addresses: `tcp://redis:6379?database=2` (plaintext),
/// `tls://redis:6380` (TLS), one or a list. Read as plain addresses whose
/// TLS the scheme says; `raw` keeps the scheme (the TLS advice does too).
fn stream_endpoints(value: &str) -> Vec<Endpoint> {
    let mut out = Vec::new();
    for item in value.split([',', ' ', '\t', '\n', ';']).map(str::trim) {
        // `tcp://` is six bytes; text past a non-ASCII byte is no scheme.
        let (Some(scheme), Some(rest)) = (item.get(..6), item.get(6..)) else {
            continue;
        };
        if rest.is_empty() {
            continue;
        }
        let tls = if scheme.eq_ignore_ascii_case("tls://") {
            Tls::Yes
        } else if scheme.eq_ignore_ascii_case("tcp://") {
            Tls::No
        } else {
            continue;
        };
        // Predis names the database `database`, as a query parameter.
        let database = rest.split_once('?').and_then(|(_, q)| {
            q.split('&')
                .find_map(|kv| kv.strip_prefix("database="))
                .and_then(|d| d.parse().ok())
        });
        for mut ep in Endpoint::parse_url(&format!("redis://{rest}")).unwrap_or_default() {
            ep.scheme = Scheme::Plain;
            ep.tls = tls;
            ep.db = ep.db.or(database);
            ep.raw = fallout_core::endpoint::redact_url(item);
            out.push(ep);
        }
    }
    out
}

/// Why an `ioredis://` value names no Redis; `None` for other values.
/// Outline (`REDIS_URL=ioredis://eyJ...`) decodes the rest as ioredis
/// options; when the scan cannot, the setting must not pass in silence.
pub fn unreadable_value(value: &str) -> Option<&'static str> {
    match other_scheme(value)? {
        OtherScheme::Ioredis => ioredis_endpoints(value).err(),
        OtherScheme::Stream => None,
    }
}

/// A `redis-unattributed` warning for each setting whose value names a
/// Redis in a form the scan cannot read ([`unreadable_value`]), at its line.
/// The password never shows: the message names the key, not the value.
pub fn unreadable_warnings(settings: &[KeyValue]) -> Vec<fallout_core::Diagnostic> {
    settings
        .iter()
        .filter_map(|kv| {
            let why = unreadable_value(&kv.value)?;
            Some(
                fallout_core::Diagnostic::warning(
                    "redis-unattributed",
                    format!(
                        "{} holds an `ioredis://` value whose options {why}; which Redis it names is unknown: write it as base64 of ioredis options in JSON (`host`, `port` or `sentinels`), or as a redis:// URL",
                        kv.via
                    ),
                )
                .at_origin(&kv.origin),
            )
        })
        .collect()
}

/// Endpoints of Outline's `ioredis://<base64 of ioredis options in JSON>`:
/// `host`, `port`, `db`, `username`, `password`, `tls`; with `sentinels:
/// [{host, port}]`, the sentinels of the master group `name`, as
/// `redis+sentinel://` is read. `raw` is the URL those options amount to,
/// password redacted: the base64 text holds it in the clear.
fn ioredis_endpoints(value: &str) -> Result<Vec<Endpoint>, &'static str> {
    use base64::engine::{general_purpose, DecodePaddingMode, GeneralPurpose};
    use base64::Engine;
    use serde_json::Value;
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        general_purpose::GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    );
    let encoded = value.trim()["ioredis://".len()..].trim_end_matches('/');
    if is_unexpanded(encoded) {
        return Err("are a placeholder the scan cannot expand");
    }
    // Node's `Buffer.from(s, "base64")` reads the URL-safe alphabet too.
    let encoded = encoded.replace('-', "+").replace('_', "/");
    let json = LENIENT
        .decode(encoded.as_bytes())
        .map_err(|_| "are not base64")?;
    let options: Value = serde_json::from_slice(&json).map_err(|_| "are not base64 of JSON")?;
    let Value::Object(options) = options else {
        return Err("are not base64 of a JSON object");
    };
    let text = |v: Option<&Value>| match v {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => None,
    };
    let number = |v: Option<&Value>| match v {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    let port = |v: Option<&Value>| number(v).and_then(|p| u16::try_from(p).ok());
    let db = number(options.get("db")).and_then(|d| u32::try_from(d).ok());
    let user = text(options.get("username"));
    let has_password = text(options.get("password")).is_some();
    // ioredis turns TLS on for any `tls` object; a string is read as a
    // flag (`"false"` is no TLS).
    let tls = match options.get("tls") {
        None | Some(Value::Null | Value::Bool(false)) => Tls::No,
        Some(Value::String(flag)) => match parse_bool(flag) {
            Some(false) => Tls::No,
            Some(true) => Tls::Yes,
            None => Tls::Unknown,
        },
        Some(_) => Tls::Yes,
    };
    let userinfo = match (&user, has_password) {
        (Some(u), true) => format!("{u}:***@"),
        (Some(u), false) => format!("{u}@"),
        (None, true) => ":***@".to_string(),
        (None, false) => String::new(),
    };
    let db_path = db.map(|d| format!("/{d}")).unwrap_or_default();
    let sentinels: Vec<(String, u16)> = match options.get("sentinels") {
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(|s| {
                let host = text(s.get("host"))?;
                Some((host, port(s.get("port")).unwrap_or(26379)))
            })
            .collect(),
        _ => Vec::new(),
    };
    let endpoint = |scheme, host: &str, port, master: Option<String>, raw: &str| Endpoint {
        scheme,
        host: host.trim_end_matches('.').to_ascii_lowercase(),
        port: Some(port),
        db,
        user: user.clone(),
        has_password,
        lone_userinfo: false,
        tls,
        sentinel_master: master,
        raw: raw.to_string(),
    };
    if !sentinels.is_empty() {
        // With Sentinels, ioredis opens the primary's connection with TLS
        // only when `enableTLSForSentinelMode` is set beside `tls`.
        let tls = match options.get("enableTLSForSentinelMode") {
            Some(Value::Bool(true)) => tls,
            Some(Value::String(flag)) if parse_bool(flag) == Some(true) => tls,
            _ if tls == Tls::Yes => Tls::No,
            _ => tls,
        };
        let endpoint = |scheme, host: &str, port, master: Option<String>, raw: &str| Endpoint {
            tls,
            ..endpoint(scheme, host, port, master, raw)
        };
        let master = text(options.get("name"));
        let hosts: Vec<String> = sentinels.iter().map(|(h, p)| format!("{h}:{p}")).collect();
        let raw = format!(
            "ioredis://… (base64 JSON: redis+sentinel://{userinfo}{}/{}{db_path})",
            hosts.join(","),
            master.as_deref().unwrap_or("mymaster")
        );
        return Ok(sentinels
            .iter()
            .map(|(h, p)| endpoint(Scheme::Sentinel, h, *p, master.clone(), &raw))
            .collect());
    }
    let Some(host) = text(options.get("host")) else {
        return Err("name neither a `host` nor `sentinels`");
    };
    let port = port(options.get("port")).unwrap_or(6379);
    let scheme = if tls == Tls::Yes { "rediss" } else { "redis" };
    let raw = format!("ioredis://… (base64 JSON: {scheme}://{userinfo}{host}:{port}{db_path})");
    // Plain: its TLS is the `tls` option, not a scheme to switch.
    Ok(vec![endpoint(Scheme::Plain, &host, port, None, &raw)])
}

/// A value that is exactly `host:port` (a DNS name or address and a port
/// from 1024): not a time (`10:30`), an image (`nginx:1.25`, `redis:7`), a
/// label (`app:web`), a template or a listen address.
pub(crate) fn host_and_port(value: &str) -> Option<Endpoint> {
    let value = value.trim();
    if !value.contains(':')
        || value.len() > 260
        || is_unexpanded(value)
        || value.contains(['/', '@', ' ', ','])
    {
        return None;
    }
    let (host, port) = split_host_port(value)?;
    // Below 1024 it is an image tag (`redis:7`), a user id (`app:1000` is
    // not, `app:100` is) or a label (`tier:1`), not a Redis port.
    let port = port.filter(|p| *p >= 1024)?;
    // An IPv4 address (`10.96.0.5:6379`: a ClusterIP, a Memorystore
    // instance) is an address; other all-digit hosts (`12.5:3000`) are not.
    let ip = host.parse::<std::net::Ipv4Addr>().ok();
    if ip.is_some_and(|ip| {
        ip.is_loopback()
            || ip.is_unspecified()
            || ip.is_link_local()
            || ip.is_multicast()
            || ip.is_broadcast()
    }) || ip.is_none()
        && (host.parse::<f64>().is_ok() || !host.bytes().any(|c| c.is_ascii_alphabetic()))
        || host == "localhost"
    {
        return None;
    }
    Some(Endpoint::plain(&host, Some(port), value))
}

/// A normalized key for an address a process listens on: a part `bind`,
/// `listen` or `listening` (`bind.address`, `listen.addr`, `http.listen`).
pub(crate) fn names_a_listener(norm: &str) -> bool {
    // One pass over the bytes: every setting of every container meets it.
    let b = norm.as_bytes();
    let mut start = 0;
    for i in 0..=b.len() {
        if i == b.len() || b[i] == b'.' {
            if matches!(&b[start..i], b"bind" | b"listen" | b"listening") {
                return true;
            }
            start = i + 1;
        }
    }
    false
}

/// `label:host:port[:db[:password]]` (redis-commander `REDIS_HOSTS`) as
/// `host:port`; the password never leaves.
fn labelled_host(item: &str) -> Option<String> {
    if item.starts_with('[') {
        return None;
    }
    let parts: Vec<&str> = item.split(':').collect();
    // twemproxy's `host:port:weight` (nutcracker.yml `servers:`).
    if parts.len() == 3
        && parts[1].parse::<u16>().is_ok()
        && parts[2].parse::<u32>().is_ok()
        && !parts[0].is_empty()
        && parts[0].parse::<u16>().is_err()
    {
        return Some(format!("{}:{}", parts[0], parts[1]));
    }
    if parts.len() < 3
        || parts[2].parse::<u16>().is_err()
        || parts[1].is_empty()
        || parts[0].parse::<u16>().is_ok()
    {
        return None;
    }
    Some(format!("{}:{}", parts[1], parts[2]))
}

/// A key without the `---N.` prefix of the YAML document it was read
/// apart from (`---2.spring.data.redis.port` → `spring.data.redis.port`),
/// as a reader wrote it.
fn without_document(key: &str) -> &str {
    key.strip_prefix("---")
        .and_then(|rest| rest.split_once('.'))
        .filter(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .map_or(key, |(_, key)| key)
}

fn found(
    kv: &KeyValue,
    endpoint: Endpoint,
    says_redis: bool,
    credential: Option<Credential>,
    paired_with: Option<&KeyValue>,
) -> Found {
    let key = match paired_with {
        Some(port) => format!("{} + {}", kv.via, without_document(&port.key)),
        None => kv.via.clone(),
    };
    Found {
        evidence: Evidence::new(
            kv.strength,
            kv.origin.clone(),
            format!("{key} = {}", endpoint.raw),
        ),
        endpoint,
        says_redis,
        credential,
        port_origin: paired_with.map(|port| port.origin.clone()),
        other_datastore_key: !says_redis && names_another_datastore(&kv.key),
        known_only: false,
    }
}

/// Well-known ports of services that are not Redis: databases, brokers,
/// HTTP, SSH, mail, metrics (`redis_exporter`'s 9121, node-exporter's 9100).
const OTHER_SERVICE_PORTS: &[u16] = &[
    21, 22, 25, 53, 80, 443, 465, 587, 1433, 1521, 2181, 2379, 3306, 4222, 5432, 5672, 8080, 8443,
    9042, 9090, 9092, 9093, 9100, 9121, 9187, 9200, 9300, 11211, 15672, 27017,
];

/// Key words that name a datastore or broker other than Redis.
const OTHER_DATASTORE_WORDS: &[&str] = &[
    "database",
    "db",
    "postgres",
    "postgresql",
    "pg",
    "psql",
    "mysql",
    "mariadb",
    "mongo",
    "mongodb",
    "amqp",
    "rabbitmq",
    "rabbit",
    "kafka",
    "nats",
    "memcache",
    "memcached",
    "elasticsearch",
    "opensearch",
    "clickhouse",
    "cassandra",
    "etcd",
    "zookeeper",
    "smtp",
    "ldap",
    "minio",
];

/// Whether a key names another datastore ([`OTHER_DATASTORE_WORDS`]) by one
/// of its parts (`DATABASE_HOST`, `PG_HOST`, `spring.datasource` is not).
fn names_another_datastore(key: &str) -> bool {
    normalize_key(key)
        .split('.')
        .any(|w| OTHER_DATASTORE_WORDS.contains(&w))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Nextcloud writes TLS as a scheme on the host and the port apart:
    /// the port is its group's, cited where it is written.
    #[test]
    fn a_stream_scheme_host_pairs_with_its_port() {
        let found = find_endpoints(&[
            kv("CONFIG.redis.host", "tls://redis", 7),
            kv("CONFIG.redis.port", "6380", 8),
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
        let f = &found[0];
        assert_eq!(
            (f.endpoint.host.as_str(), f.endpoint.port),
            ("redis", Some(6380))
        );
        assert_eq!(f.endpoint.tls, Tls::Yes);
        assert_eq!(f.port_origin, Some(Origin::file("app.env", 8)));
        assert_eq!(
            f.evidence.detail,
            "env CONFIG.redis.host + CONFIG.redis.port = tls://redis:6380"
        );
        // A port written in the URL stays.
        let found = find_endpoints(&[
            kv("CONFIG.redis.host", "tls://redis:6390", 7),
            kv("CONFIG.redis.port", "6380", 8),
        ]);
        assert_eq!(found[0].endpoint.port, Some(6390));
    }

    fn kv(key: &str, value: &str, line: u32) -> KeyValue {
        KeyValue {
            key: key.into(),
            value: value.into(),
            origin: Origin::file("app.env", line),
            strength: Strength::Explicit,
            via: format!("env {key}"),
        }
    }

    /// Under a key that is no address word, only an exact `host:port` is
    /// an address, and one that does not say Redis (the scanners keep it
    /// where it names a known Redis).
    #[test]
    fn host_port_under_any_key_is_an_address_that_does_not_say_redis() {
        let found = find_endpoints(&[kv("SESSION_STORE", "sessions.cache:6379", 1)]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].endpoint.host, "sessions.cache");
        assert_eq!(found[0].endpoint.port, Some(6379));
        assert!(!found[0].says_redis);
        assert_eq!(
            found[0].evidence.detail,
            "env SESSION_STORE = sessions.cache:6379"
        );
        for (key, value) in [
            ("OPENS_AT", "10:30"),
            ("IMAGE", "nginx:1.25"),
            ("ROLE", "app:web"),
            ("LISTEN", "0.0.0.0:8080"),
            ("LOCAL", "localhost:6379"),
            ("PAIR", "1.5:2"),
            ("CACHE_IMAGE", "redis:7"),
            ("OWNER", "app:100"),
            ("UPSTREAM", "http://api:8080"),
            ("PEERS", "a:1,b:2"),
            ("TEMPLATED", "${HOST}:6379"),
            ("NAME", "sessions.cache"),
        ] {
            assert!(
                find_endpoints(&[kv(key, value, 1)]).is_empty(),
                "{key}={value}"
            );
        }
    }

    #[test]
    fn normalize_key_byte_path_agrees_with_the_char_path() {
        for key in [
            "REDIS_HOST",
            "spring.data.redis.host",
            "redisHost",
            "cacheRedisURL",
            "__redis__host__",
            "redis--tls/enabled:x",
            ".leading.and.trailing.",
            "a1B2c3",
            "",
            "___",
            "X",
        ] {
            assert_eq!(normalize_key(key), normalize_chars(key), "{key}");
        }
        assert_eq!(normalize_key("redisHost"), "redis.host");
        assert_eq!(normalize_key("__REDIS__HOST__"), "redis.host");
        assert_eq!(normalize_key("rédis_Hôst"), normalize_chars("rédis_Hôst"));
    }

    #[test]
    fn says_redis_in_any_case_anywhere() {
        for key in [
            "REDIS_URL",
            "cache.Valkey",
            "KEYDB",
            "x_dragonfly",
            "SentinelS",
            "my-elasticache",
            "gcp_MemoryStore",
        ] {
            assert!(says_redis(key), "{key}");
        }
        for key in ["", "r", "redi", "CACHE_URL", "sentinE", "memcached"] {
            assert!(!says_redis(key), "{key}");
        }
    }

    #[test]
    fn url_in_any_key() {
        let found = find_endpoints(&[kv(
            "SESSION_STORE",
            "redis://:pw@redis-sessions.cache:6379/1",
            3,
        )]);
        assert_eq!(found.len(), 1);
        let f = &found[0];
        assert_eq!(f.endpoint.host, "redis-sessions.cache");
        assert_eq!(f.endpoint.tls, Tls::No);
        assert!(f.says_redis);
        assert_eq!(
            f.evidence.detail,
            "env SESSION_STORE = redis://:***@redis-sessions.cache:6379/1"
        );
        assert!(f.credential.is_some());
    }

    #[test]
    fn host_and_port_pair_by_prefix_with_tls_flag() {
        let found = find_endpoints(&[
            kv("CACHE_REDIS_HOST", "redis-a", 1),
            kv("CACHE_REDIS_PORT", "6380", 2),
            kv("CACHE_REDIS_TLS", "true", 3),
            kv("QUEUE_REDIS_HOST", "redis-b", 4),
            kv("QUEUE_REDIS_PORT", "6379", 5),
        ]);
        let eps: Vec<_> = found
            .iter()
            .map(|f| (f.endpoint.host.as_str(), f.endpoint.port, f.endpoint.tls))
            .collect();
        assert_eq!(
            eps,
            [
                ("redis-a", Some(6380), Tls::Yes),
                ("redis-b", Some(6379), Tls::Unknown)
            ]
        );
        assert_eq!(
            found[0].evidence.detail,
            "env CACHE_REDIS_HOST + CACHE_REDIS_PORT = redis-a:6380"
        );
        assert_eq!(found[0].evidence.origin, Origin::file("app.env", 1));
    }

    #[test]
    fn dotted_and_camel_case_keys() {
        let found = find_endpoints(&[
            kv("spring.data.redis.host", "cache.internal", 1),
            kv("spring.data.redis.port", "6379", 2),
            kv("spring.data.redis.ssl.enabled", "false", 3),
            kv("redisAddr", "other:7000", 4),
        ]);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].endpoint.tls, Tls::No);
        assert_eq!(
            (found[1].endpoint.host.as_str(), found[1].endpoint.port),
            ("other", Some(7000))
        );
    }

    #[test]
    fn acronyms_end_where_a_word_starts() {
        for (key, normal) in [
            ("DPConnectionString", "dp.connection.string"),
            ("REDISHost", "redis.host"),
            ("SSLEnabled", "ssl.enabled"),
            ("redisURLs", "redis.urls"),
            ("redisURLsFile", "redis.urls.file"),
            ("IPsList", "ips.list"),
            ("IPv4Address", "ipv4.address"),
            ("TLSv1_2", "tlsv1.2"),
            ("REDIS_URL", "redis.url"),
            ("redisAddr", "redis.addr"),
            (
                "SignalrStoreConnectionString",
                "signalr.store.connection.string",
            ),
        ] {
            assert_eq!(normalize_key(key), normal, "{key}");
        }
    }

    #[test]
    fn a_password_file_is_a_credential() {
        let found = find_endpoints(&[
            kv("REDIS_HOST", "cache", 1),
            kv("REDIS_PASSWORD_FILE", "/run/secrets/redis", 2),
        ]);
        assert_eq!(found.len(), 1, "the file path is not a host");
        assert_eq!(
            found[0].credential.as_ref().map(|c| c.location.as_str()),
            Some("env REDIS_PASSWORD_FILE")
        );
    }

    /// Bitnami: `REDIS_MASTER_PORT_NUMBER` is the master's port; the
    /// replica's own `REDIS_PORT_NUMBER` is not.
    #[test]
    fn port_number_pairs_like_port() {
        let found = find_endpoints(&[
            kv("REDIS_MASTER_HOST", "primary", 1),
            kv("REDIS_MASTER_PORT_NUMBER", "6390", 2),
            kv("REDIS_PORT_NUMBER", "6379", 3),
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].endpoint.port, Some(6390));
        assert_eq!(found[0].port_origin, Some(Origin::file("app.env", 2)));
        let found = find_endpoints(&[
            kv("REDIS_MASTER_HOST", "primary", 1),
            kv("REDIS_PORT_NUMBER", "6380", 2),
        ]);
        assert_eq!(found[0].endpoint.port, None);
    }

    /// A client's options map beside its address holds its password
    /// (django-redis `OPTIONS`, `CONNECTION_POOL_KWARGS`), not a sibling's.
    #[test]
    fn a_password_in_the_options_map_is_the_endpoints() {
        let found = find_endpoints(&[
            kv("redis.caches.a.location", "redis://a:6379/1", 1),
            kv("redis.caches.a.options.password", "hunter2", 2),
            kv("redis.caches.b.location", "redis://b:6379/1", 3),
            kv(
                "redis.caches.b.options.connection.pool.kwargs.password",
                "hunter3",
                4,
            ),
            kv("redis.caches.c.location", "redis://c:6379/1", 5),
            kv("redis.caches.d.options.password", "hunter4", 6),
        ]);
        let creds: Vec<_> = found
            .iter()
            .map(|f| {
                (
                    f.endpoint.host.as_str(),
                    f.credential.as_ref().map(|c| c.origin.clone()),
                )
            })
            .collect();
        assert_eq!(
            creds,
            [
                ("a", Some(Origin::file("app.env", 2))),
                ("b", Some(Origin::file("app.env", 4))),
                ("c", None),
            ]
        );
        assert!(!format!("{found:?}").contains("hunter"));
    }

    #[test]
    fn comma_separated_hosts() {
        let found = find_endpoints(&[kv("REDIS_NODES", "n1:7000,n2:7001", 1)]);
        assert_eq!(found.len(), 2);
    }

    #[test]
    fn disabled_groups_and_flags_are_not_endpoints() {
        assert!(find_endpoints(&[kv("REDIS_CACHE_ENABLED", "false", 1)]).is_empty());
        assert!(
            find_endpoints(&[kv("REDIS_ENABLED", "false", 1), kv("REDIS_HOST", "r", 2)]).is_empty()
        );
        assert!(find_endpoints(&[kv("REDIS_PASSWORD", "hunter2", 1)]).is_empty());
        assert!(find_endpoints(&[kv("REDIS_TIMEOUT", "5", 1)]).is_empty());
        assert!(find_endpoints(&[kv("REDIS_HOST", "${REDIS_HOST}", 1)]).is_empty());
    }

    /// `REDIS=azure-vote-back`: a bare name under a key that names the
    /// server is a candidate (kept where it names a known Redis); under
    /// another Redis key of no role it is no address.
    #[test]
    fn a_bare_name_under_the_servers_own_key_is_a_candidate() {
        for key in ["REDIS", "CACHE_REDIS", "valkey"] {
            let found = find_endpoints(&[kv(key, "azure-vote-back", 1)]);
            assert_eq!(found.len(), 1, "{key}");
            assert_eq!(found[0].endpoint.host, "azure-vote-back");
            assert!(!found[0].says_redis, "{key}");
            assert!(found[0].known_only, "{key}");
        }
        // A name that says Redis is still only a candidate there.
        let found = find_endpoints(&[kv("REDIS", "redis-foo", 1)]);
        assert!(found[0].known_only && !found[0].host_says_redis());
        for (key, value) in [
            ("REDIS_MODE", "cluster"),
            ("REDIS_CLIENT", "ioredis"),
            ("REDIS", "true"),
            ("REDIS", "1"),
            ("IMAGE_REDIS", "redis"),
            ("DOCKER_IMAGE_REDIS", "redis"),
            ("CHART_REDIS", "bitnami"),
        ] {
            assert!(
                find_endpoints(&[kv(key, value, 1)]).is_empty(),
                "{key}={value}"
            );
        }
    }

    #[test]
    fn non_redis_host_keys_are_candidates_only() {
        let found = find_endpoints(&[kv("CACHE_HOST", "redis-sessions.cache", 1)]);
        assert_eq!(found.len(), 1);
        assert!(!found[0].says_redis);
    }

    #[test]
    fn password_never_in_detail() {
        let found = find_endpoints(&[kv("REDIS_HOST", "r", 1), kv("REDIS_PASSWORD", "hunter2", 2)]);
        assert_eq!(found.len(), 1);
        assert!(found[0].endpoint.has_password);
        assert!(!format!("{:?}", found[0]).contains("hunter2"));
    }

    /// One setting each, as the clients write a socket: the path is the
    /// host, the detail keeps the form written, a password never shows.
    #[test]
    fn socket_addresses_under_redis_keys() {
        let one = |key: &str, value: &str| -> Vec<(String, Option<u32>, String)> {
            find_endpoints(&[kv(key, value, 1)])
                .into_iter()
                .inspect(|f| assert!(f.endpoint.is_socket() && f.says_redis, "{f:?}"))
                .map(|f| (f.endpoint.host, f.endpoint.db, f.evidence.detail))
                .collect()
        };
        let path =
            |p: &str, db: Option<u32>, detail: &str| vec![(p.to_string(), db, detail.to_string())];
        // redis-py, node-redis, Sidekiq
        assert_eq!(
            one("REDIS_URL", "unix:///run/redis/redis.sock?db=2"),
            path(
                "/run/redis/redis.sock",
                Some(2),
                "env REDIS_URL = unix:///run/redis/redis.sock?db=2"
            )
        );
        // Predis
        assert_eq!(
            one("REDIS_DSN", "unix:/var/run/redis.sock"),
            path(
                "/var/run/redis.sock",
                None,
                "env REDIS_DSN = unix:/var/run/redis.sock"
            )
        );
        // Django / Celery (Kombu)
        assert_eq!(
            one(
                "CELERY_BROKER_URL",
                "redis+socket:///tmp/redis.sock?virtual_host=1"
            ),
            path(
                "/tmp/redis.sock",
                Some(1),
                "env CELERY_BROKER_URL = redis+socket:///tmp/redis.sock?virtual_host=1"
            )
        );
        assert_eq!(one("BROKER", "redis-socket:///tmp/r.sock").len(), 1);
        assert_eq!(one("REDIS_LOCATION", "socket:///tmp/r.sock").len(), 1);
        // a bare path under a key that holds the Redis host or socket
        assert_eq!(
            one("REDIS_SOCKET", "/run/redis/redis.sock"),
            path(
                "/run/redis/redis.sock",
                None,
                "env REDIS_SOCKET = /run/redis/redis.sock"
            )
        );
        assert_eq!(one("REDIS_PATH", "/var/run/redis.sock").len(), 1);
        assert_eq!(one("redis.host", "/run/redis/redis-server.sock").len(), 1);
        assert_eq!(one("cache.host", "/var/run/redis/redis.sock").len(), 1);
        assert_eq!(
            one(
                "gitlab_rails.redis_socket",
                "/var/opt/gitlab/redis/redis.socket"
            )
            .len(),
            1
        );
        // Not Redis sockets: Docker's, a data folder, a host key that says
        // nothing of Redis.
        assert!(find_endpoints(&[kv("DOCKER_HOST", "unix:///var/run/docker.sock", 1)]).is_empty());
        assert!(find_endpoints(&[kv("REDIS_DATA_DIR", "/data", 1)]).is_empty());
        assert!(find_endpoints(&[kv("DB_HOST", "/var/run/postgresql", 1)]).is_empty());
        assert!(find_endpoints(&[kv("REDIS_PORT", "/run/redis.sock", 1)]).is_empty());
    }

    /// A socket's password, in the URL or beside it, is a credential whose
    /// value never reaches the endpoint, the detail or the debug text.
    #[test]
    fn socket_passwords_are_redacted() {
        let found = find_endpoints(&[kv("REDIS_URL", "unix://:hunter2@/run/redis.sock?db=1", 1)]);
        assert_eq!(found.len(), 1);
        assert!(found[0].endpoint.has_password);
        assert_eq!(
            found[0].evidence.detail,
            "env REDIS_URL = unix://:***@/run/redis.sock?db=1"
        );
        assert!(!format!("{found:?}").contains("hunter2"));
        let found = find_endpoints(&[kv(
            "SESSION_SAVE_PATH",
            "unix:/run/redis/redis.sock?auth=hunter2",
            1,
        )]);
        assert_eq!(found.len(), 1);
        assert!(found[0].endpoint.has_password);
        assert!(!format!("{found:?}").contains("hunter2"));
        // A bare path with options under a host key: read as that URL.
        let found = find_endpoints(&[kv("REDIS_HOST", "/run/redis.sock?auth=hunter2", 1)]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].endpoint.has_password);
        assert_eq!(found[0].endpoint.host, "/run/redis.sock");
        assert!(!format!("{found:?}").contains("hunter2"), "{found:?}");
        // Nextcloud: host, port 0, password beside it
        let found = find_endpoints(&[
            kv("redis.host", "/run/redis/redis-server.sock", 1),
            kv("redis.port", "0", 2),
            kv("redis.password", "hunter2", 3),
            kv("redis.dbindex", "0", 4),
        ]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].endpoint.host, "/run/redis/redis-server.sock");
        assert_eq!(
            found[0].credential.as_ref().map(|c| c.origin.clone()),
            Some(Origin::file("app.env", 3))
        );
        assert!(!format!("{found:?}").contains("hunter2"));
    }

    #[test]
    fn twemproxy_servers_with_weights() {
        let found = find_endpoints(&[kv(
            "alpha.servers",
            "shard-0.shard.kv.svc.cluster.local:6379:1",
            3,
        )]);
        let eps: Vec<_> = found
            .iter()
            .map(|f| (f.endpoint.host.as_str(), f.endpoint.port))
            .collect();
        assert_eq!(eps, [("shard-0.shard.kv.svc.cluster.local", Some(6379))]);
        let found = find_endpoints(&[kv("pool.servers", "10.0.0.7:6380:2 primary", 3)]);
        assert_eq!(found[0].endpoint.host, "10.0.0.7");
        assert_eq!(found[0].endpoint.port, Some(6380));
    }

    #[test]
    fn stackexchange_connection_strings() {
        let found = find_endpoints(&[kv(
            "ConnectionStrings__Redis",
            "reports.redis.cache.windows.net:6380,password=p4ss;w=rd.k8 xy,ssl=True,abortConnect=False",
            3,
        )]);
        assert_eq!(found.len(), 1, "{found:?}");
        let ep = &found[0].endpoint;
        assert_eq!(
            (ep.host.as_str(), ep.port, ep.tls, ep.has_password),
            (
                "reports.redis.cache.windows.net",
                Some(6380),
                Tls::Yes,
                true
            )
        );
        assert!(found[0].credential.is_some());
        assert!(!format!("{found:?}").contains("p4ss"));
        let found = find_endpoints(&[kv("REDIS", "cache:6379,ssl=false", 1)]);
        assert_eq!(found[0].endpoint.tls, Tls::No);
        assert!(!found[0].endpoint.has_password);
    }

    #[test]
    fn sentinel_lists_are_sentinels_with_their_tls_flag() {
        let found = find_endpoints(&[
            kv("REDIS_SENTINELS", "s-0.h:26379,s-1.h:26379", 1),
            kv("REDIS_SENTINEL_TLS", "false", 2),
        ]);
        assert_eq!(found.len(), 2, "{found:?}");
        for f in &found {
            assert_eq!(f.endpoint.scheme, Scheme::Sentinel);
            assert_eq!(f.endpoint.tls, Tls::No);
        }
    }

    /// ioredis Cluster (scenario review #2 H9): `redisOptions` beside the
    /// node list apply to every node (its password and TLS were not seen).
    #[test]
    fn cluster_nodes_take_the_redis_options_beside_their_list() {
        let found = find_endpoints(&[
            kv("redis.clusterNodes.0.host", "redis-cluster-0.h", 4),
            kv("redis.clusterNodes.0.port", "6379", 4),
            kv("redis.clusterNodes.1.host", "redis-cluster-1.h", 5),
            kv("redis.clusterNodes.1.port", "6379", 5),
            kv(
                "redis.clusterOptions.redisOptions.password",
                "IoPw-5566",
                12,
            ),
            kv("redis.clusterOptions.redisOptions.tls", "true", 13),
        ]);
        assert_eq!(found.len(), 2, "{found:?}");
        for f in &found {
            assert!(f.credential.is_some(), "{f:?}");
            assert_eq!(f.endpoint.tls, Tls::Yes, "{f:?}");
        }
        assert!(!format!("{found:?}").contains("IoPw-5566"));
    }

    /// GitLab's chart writes `resque.yml.erb` with the password read by ERB
    /// in the URL (scenario review #3 H1): the URL was not recognised, and
    /// Sidekiq was missing.
    #[test]
    fn an_erb_tag_in_a_url_is_a_value_out_of_sight() {
        let url = r#"redis://:<%= ERB::Util::url_encode(File.read("/etc/gitlab/redis/redis-password").strip) %>@gitlab-redis-master.gitlab.svc:6379"#;
        let found = find_endpoints(&[kv("production.url", url, 3)]);
        assert_eq!(found.len(), 1, "{found:?}");
        let e = &found[0].endpoint;
        assert_eq!(
            (e.host.as_str(), e.port, e.has_password),
            ("gitlab-redis-master.gitlab.svc", Some(6379), true)
        );
        assert!(
            !found[0].evidence.detail.contains("File.read"),
            "{}",
            found[0].evidence.detail
        );
        // A host written by ERB is no host.
        let found = find_endpoints(&[kv("url", "redis://<%= ENV['REDIS_HOST'] %>:6379", 1)]);
        assert!(found.iter().all(|f| f.endpoint.host != "erb"), "{found:?}");
    }

    /// .NET Aspire's `ConnectionStrings__cache` (scenario review #2 H4): a
    /// StackExchange.Redis string under a key that does not say Redis.
    #[test]
    fn stackexchange_strings_say_redis_under_any_key() {
        let found = find_endpoints(&[kv(
            "ConnectionStrings__Cache",
            "basket-redis.cache.svc.cluster.local:6380,ssl=true,password=Pw-x1,abortConnect=false",
            1,
        )]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].says_redis);
        assert_eq!(found[0].endpoint.port, Some(6380));
        assert_eq!(found[0].endpoint.tls, Tls::Yes);
        assert!(found[0].credential.is_some());
        assert!(!format!("{found:?}").contains("Pw-x1"));
        // Without `ssl=`, StackExchange.Redis speaks plaintext.
        let found = find_endpoints(&[kv(
            "ConnectionStrings__Cache",
            "cache:6379,abortConnect=false",
            1,
        )]);
        assert_eq!(found[0].endpoint.tls, Tls::No);
        // Options any client has do not say Redis on their own.
        let found = find_endpoints(&[kv("ConnectionStrings__Db", "db:5432,timeout=5", 1)]);
        assert!(found.iter().all(|f| !f.says_redis), "{found:?}");
    }

    /// Redisson's `sentinelServersConfig.sentinelAddresses` are URLs with
    /// `redis://`, of Sentinels (scenario review #2 H8: read as the
    /// primary, a port move said the client "fails today").
    #[test]
    fn urls_under_a_sentinel_address_key_are_sentinels() {
        let found = find_endpoints(&[
            kv(
                "sentinelServersConfig.sentinelAddresses.0",
                "redis://s-0.h:26379",
                1,
            ),
            kv(
                "sentinelServersConfig.sentinelAddresses.1",
                "rediss://s-1.h:26379",
                2,
            ),
            kv("sentinelServersConfig.masterName", "mymaster", 3),
            kv("singleServerConfig.address", "redis://cache:6379", 4),
        ]);
        let schemes: Vec<(Scheme, Tls)> = found
            .iter()
            .map(|f| (f.endpoint.scheme, f.endpoint.tls))
            .collect();
        assert_eq!(
            schemes,
            [
                (Scheme::Sentinel, Tls::No),
                (Scheme::Sentinel, Tls::Yes),
                (Scheme::Redis, Tls::No)
            ]
        );
    }

    #[test]
    fn a_password_of_null_is_none() {
        for none in ["null", "", "None"] {
            let found = find_endpoints(&[kv("REDIS_HOST", "r", 1), kv("REDIS_PASSWORD", none, 2)]);
            assert_eq!(found.len(), 1);
            assert!(!found[0].endpoint.has_password, "{none:?} is no password");
            assert!(found[0].credential.is_none(), "{none:?} is no password");
        }
    }

    /// Predis / phpredis schemes: `tcp://` is plaintext, `tls://` TLS;
    /// under a key that does not say Redis they are candidates only.
    #[test]
    fn tcp_and_tls_schemes_are_redis_addresses_under_redis_keys() {
        let found = find_endpoints(&[
            kv(
                "REDIS_DSN",
                "tcp://redis:6379?database=2&password=hunter2",
                1,
            ),
            kv("REDIS_URL", "tls://redis:6380", 2),
        ]);
        let eps: Vec<_> = found
            .iter()
            .map(|f| {
                let e = &f.endpoint;
                (e.host.as_str(), e.port, e.db, e.tls, e.scheme, f.says_redis)
            })
            .collect();
        assert_eq!(
            eps,
            [
                ("redis", Some(6379), Some(2), Tls::No, Scheme::Plain, true),
                ("redis", Some(6380), None, Tls::Yes, Scheme::Plain, true),
            ]
        );
        assert_eq!(
            found[0].evidence.detail,
            "env REDIS_DSN = tcp://redis:6379?database=2&password=***"
        );
        assert!(found[0].credential.is_some());
        assert!(!format!("{found:?}").contains("hunter2"));
        for (key, value) in [
            ("DATABASE_URL", "tcp://postgres:5432"),
            ("AMQP", "tcp://rabbit:5672"),
            ("NATS_URL", "tls://nats:4222"),
        ] {
            let found = find_endpoints(&[kv(key, value, 1)]);
            assert!(found.iter().all(|f| !f.says_redis), "{key}: {found:?}");
        }
    }

    const OUTLINE: &str = "ioredis://eyJkYiI6MCwic2VudGluZWxzIjpbeyJob3N0Ijoic2VudGluZWwtMC5jYWNoZS5pbnRlcm5hbCIsInBvcnQiOjI2Mzc5fSx7Imhvc3QiOiJzZW50aW5lbC0xLmNhY2hlLmludGVybmFsIiwicG9ydCI6MjYzNzl9XSwibmFtZSI6Im91dGxpbmUtbWFzdGVyIn0=";

    /// Outline's `REDIS_URL=ioredis://<base64 JSON>`: sentinels of a master
    /// group, or a host; the password in it never shows.
    #[test]
    fn ioredis_base64_options_are_read_like_sentinel_urls() {
        use base64::Engine;
        let found = find_endpoints(&[kv("REDIS_URL", OUTLINE, 5)]);
        let eps: Vec<_> = found
            .iter()
            .map(|f| {
                let e = &f.endpoint;
                (
                    e.host.as_str(),
                    e.port,
                    e.scheme,
                    e.sentinel_master.as_deref(),
                    e.db,
                )
            })
            .collect();
        assert_eq!(
            eps,
            [
                (
                    "sentinel-0.cache.internal",
                    Some(26379),
                    Scheme::Sentinel,
                    Some("outline-master"),
                    Some(0)
                ),
                (
                    "sentinel-1.cache.internal",
                    Some(26379),
                    Scheme::Sentinel,
                    Some("outline-master"),
                    Some(0)
                ),
            ]
        );
        assert!(found.iter().all(|f| f.says_redis));
        assert_eq!(
            found[0].evidence.detail,
            "env REDIS_URL = ioredis://… (base64 JSON: redis+sentinel://sentinel-0.cache.internal:26379,sentinel-1.cache.internal:26379/outline-master/0)"
        );
        // A host with a password and TLS, under any key, URL-safe base64
        // without padding.
        let json = r#"{"host":"Cache.Internal","port":"6380","password":"s3cr?t>>","tls":{}}"#;
        let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json);
        let found = find_endpoints(&[kv("STORE", &format!("ioredis://{encoded}"), 1)]);
        assert_eq!(found.len(), 1, "{found:?}");
        let e = &found[0].endpoint;
        assert_eq!(
            (e.host.as_str(), e.port, e.tls, e.has_password),
            ("cache.internal", Some(6380), Tls::Yes, true)
        );
        assert!(found[0].credential.is_some());
        assert!(!format!("{found:?}").contains("s3cr"), "{found:?}");
        assert!(!format!("{found:?}").contains(&encoded), "{found:?}");
        assert!(unreadable_warnings(&[kv("REDIS_URL", OUTLINE, 5)]).is_empty());
        // `"tls": "false"` is a flag, not a TLS options object.
        for (flag, want) in [
            ("\"false\"", Tls::No),
            ("\"true\"", Tls::Yes),
            ("false", Tls::No),
        ] {
            let json = format!(r#"{{"host":"cache","tls":{flag}}}"#);
            let encoded = base64::engine::general_purpose::STANDARD.encode(json);
            let found = find_endpoints(&[kv("REDIS_URL", &format!("ioredis://{encoded}"), 1)]);
            assert_eq!(found[0].endpoint.tls, want, "{flag}");
        }
        // Through Sentinels, `tls` alone leaves the primary's connection in
        // plaintext: ioredis needs `enableTLSForSentinelMode` too
        // (scenario review #3 H3).
        for (extra, want) in [
            ("", Tls::No),
            (r#","enableTLSForSentinelMode":true"#, Tls::Yes),
        ] {
            let json = format!(
                r#"{{"sentinels":[{{"host":"s-0","port":26379}}],"name":"m","tls":{{}}{extra}}}"#
            );
            let encoded = base64::engine::general_purpose::STANDARD.encode(json);
            let found = find_endpoints(&[kv("REDIS_URL", &format!("ioredis://{encoded}"), 1)]);
            assert_eq!(found[0].endpoint.tls, want, "{extra}");
        }
    }

    /// An `ioredis://` value that does not decode names no Redis, and says so.
    #[test]
    fn an_unreadable_ioredis_value_is_a_warning_without_the_value() {
        for (value, why) in [
            ("ioredis://not*base64!", "are not base64"),
            ("ioredis://aHVudGVyMiBwbGFpbg==", "are not base64 of JSON"),
            (
                "ioredis://eyJkYiI6MH0=",
                "name neither a `host` nor `sentinels`",
            ),
        ] {
            assert!(
                find_endpoints(&[kv("REDIS_URL", value, 5)]).is_empty(),
                "{value}"
            );
            assert_eq!(unreadable_value(value), Some(why), "{value}");
            let warnings = unreadable_warnings(&[kv("REDIS_URL", value, 5)]);
            assert_eq!(warnings.len(), 1, "{value}");
            let w = &warnings[0];
            assert_eq!(
                (w.code, w.path.as_deref(), w.line),
                ("redis-unattributed", Some("app.env"), Some(5))
            );
            assert!(w
                .message
                .starts_with("env REDIS_URL holds an `ioredis://` value"));
            assert!(!w.message.contains(&value[10..]), "{}", w.message);
        }
        assert_eq!(unreadable_value("tcp://redis:6379"), None);
        assert_eq!(unreadable_value("redis://x"), None);
    }

    /// redis-rb (GitLab `resque.yml`): the URL beside `sentinels:` names
    /// the master group; the sentinels are the endpoints, with its password.
    #[test]
    fn a_url_beside_sentinels_names_their_master_group() {
        let found = find_endpoints(&[
            kv(
                "redis.production.url",
                "redis://:pw@gitlab-redis-persistent",
                20,
            ),
            kv("redis.production.sentinels.0.host", "s-1.internal", 23),
            kv("redis.production.sentinels.0.port", "26379", 24),
            kv("redis.production.sentinels.1.host", "s-2.internal", 26),
            kv("redis.cache.url", "redis://cache.internal:6379", 30),
        ]);
        let eps: Vec<_> = found
            .iter()
            .map(|f| {
                let e = &f.endpoint;
                (
                    e.host.as_str(),
                    e.port_or_default(),
                    e.scheme,
                    e.sentinel_master.as_deref(),
                    e.has_password,
                )
            })
            .collect();
        assert_eq!(
            eps,
            [
                (
                    "s-1.internal",
                    26379,
                    Scheme::Sentinel,
                    Some("gitlab-redis-persistent"),
                    true
                ),
                (
                    "s-2.internal",
                    26379,
                    Scheme::Sentinel,
                    Some("gitlab-redis-persistent"),
                    true
                ),
                ("cache.internal", 6379, Scheme::Redis, None, false),
            ]
        );
        assert_eq!(
            found[0].credential.as_ref().map(|c| c.origin.clone()),
            Some(Origin::file("app.env", 20))
        );
        assert_eq!(
            found[0].evidence.detail,
            "env redis.production.sentinels.0.host + redis.production.sentinels.0.port = s-1.internal:26379 (sentinel of master gitlab-redis-persistent)"
        );
    }

    /// Sentinels the scan cannot read (ERB placeholders) do not stand for
    /// the URL beside them: it is read as an address, not dropped (found by
    /// the code review: the consumer vanished).
    #[test]
    fn a_url_beside_unreadable_sentinels_is_read_itself() {
        let found = find_endpoints(&[
            kv("production.url", "redis://:pw@redis-main.internal:6379", 2),
            kv("production.sentinels.0.host", "<%= ENV['SENTINEL_1'] %>", 4),
            kv("production.sentinels.0.port", "26379", 5),
        ]);
        let hosts: Vec<(&str, Scheme)> = found
            .iter()
            .map(|f| (f.endpoint.host.as_str(), f.endpoint.scheme))
            .collect();
        assert_eq!(
            hosts,
            [("redis-main.internal", Scheme::Redis)],
            "{found:#?}"
        );
    }

    #[test]
    fn options_split_at_commas_or_at_whitespace() {
        // A part with no `=` continues the value before it.
        assert!(address_options("ADDR=redis:6379,DB=1").is_some());
        assert!(address_options("TYPE=level").is_none());
        assert_eq!(
            options("addrs=a:6379,b:6379,db=2"),
            [("addrs", "a:6379,b:6379"), ("db", "2")]
        );
        assert_eq!(
            options("network=tcp,addr=redis:6379,db=1,pool_size=100"),
            [
                ("network", "tcp"),
                ("addr", "redis:6379"),
                ("db", "1"),
                ("pool_size", "100")
            ]
        );
        assert_eq!(
            options("addrs=a:6379,b:6379 db=2"),
            [("addrs", "a:6379,b:6379"), ("db", "2")]
        );
        assert_eq!(
            options("network=tcp, addr=r:6379"),
            [("network", "tcp"), ("addr", "r:6379")]
        );
        assert!(address_options("addr=r:6379 db=2").is_some());
        assert!(address_options("host=r,port=6379").is_none());
        assert!(address_options("redis://r:6379/0?addr=x").is_none());
        assert!(address_options("email_address=a@b").is_none());
    }

    #[test]
    fn urls_in_free_text() {
        let urls = find_urls("connect to redis://a:1/0, then rediss://b:2.");
        assert_eq!(
            urls.iter().map(|u| u.1).collect::<Vec<_>>(),
            ["redis://a:1/0", "rediss://b:2"]
        );
        // Quarkus' `quarkus.redis.hosts`: a comma-separated list of URLs
        // (the second was lost); a `,` in a password stays in it.
        let urls = find_urls("redis://redis-a.cache:6379,redis://redis-b.cache:6379/1");
        assert_eq!(
            urls.iter().map(|u| u.1).collect::<Vec<_>>(),
            ["redis://redis-a.cache:6379", "redis://redis-b.cache:6379/1"]
        );
        let urls = find_urls("redis://:pa,ss@redis.data:6379");
        assert_eq!(
            urls.iter().map(|u| u.1).collect::<Vec<_>>(),
            ["redis://:pa,ss@redis.data:6379"]
        );
        // A `;` in a password is part of it: no host made of its first half.
        let urls = find_urls("redis://tok3n;SECRET@redis.data:6379");
        assert_eq!(
            urls.iter().map(|u| u.1).collect::<Vec<_>>(),
            ["redis://tok3n;SECRET@redis.data:6379"]
        );
        // Celery's sentinel list; a password Kubernetes left as `$(VAR)`.
        let urls = find_urls(
            "redis+sentinel://a:26379;redis+sentinel://b:26380 redis://:$(REDIS_PASSWORD)@c:6379/0",
        );
        assert_eq!(
            urls.iter().map(|u| u.1).collect::<Vec<_>>(),
            [
                "redis+sentinel://a:26379",
                "redis+sentinel://b:26380",
                "redis://:$(REDIS_PASSWORD)@c:6379/0"
            ]
        );
    }
}

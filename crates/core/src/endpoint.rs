//! Endpoints: a normalized reference to a server, parsed from a URL or a
//! `host:port`, with any password dropped at once.

use serde::Serialize;
use std::fmt;

/// How a consumer reaches a server.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scheme {
    /// `redis://` or `valkey://`.
    Redis,
    /// `rediss://` or `valkeys://`: TLS.
    Rediss,
    /// `redis+sentinel://` / `redis-sentinel://`: the host is a sentinel.
    Sentinel,
    /// A Unix socket, a file on the same host or shared volume:
    /// `unix:///path`, `unix:/path`, `redis+unix://`, `redis+socket://`,
    /// `redis-socket://`, `socket://`, or a bare `/path` under a Redis key.
    /// The endpoint's `host` is the socket path, its `port` is `None`.
    Unix,
    /// A bare `host:port` or host: no scheme says how.
    Plain,
}

/// Whether a reference uses TLS.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tls {
    Yes,
    No,
    Unknown,
}

impl Tls {
    pub fn as_str(self) -> &'static str {
        match self {
            Tls::Yes => "yes",
            Tls::No => "no",
            Tls::Unknown => "unknown",
        }
    }

    /// Combines the TLS of several references of one consumer: all agree or unknown.
    pub fn merge(self, other: Tls) -> Tls {
        match (self, other) {
            (a, b) if a == b => a,
            (Tls::No, _) | (_, Tls::No) => Tls::No,
            _ => Tls::Unknown,
        }
    }
}

impl fmt::Display for Tls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A normalized reference to one server.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Endpoint {
    pub scheme: Scheme,
    /// Lower-cased host name or IP; for `unix`, the socket path.
    pub host: String,
    pub port: Option<u16>,
    pub db: Option<u32>,
    pub user: Option<String>,
    /// A password was present (in the URL or next to it). Its value is never kept.
    pub has_password: bool,
    /// A lone name before `@` (`redis://name@host`): a user name to most
    /// clients (redis-py, go-redis, ioredis, node-redis, redis-rb, Kombu),
    /// the password to Lettuce. Not counted as a password; redacted as one.
    pub lone_userinfo: bool,
    pub tls: Tls,
    /// Sentinel master name, for `redis+sentinel://`.
    pub sentinel_master: Option<String>,
    /// The text it came from, with any password replaced by `***`.
    pub raw: String,
}

/// Marker written where a password was.
pub const REDACTED: &str = "***";

impl Endpoint {
    /// An endpoint from a host and an optional port (no scheme).
    pub fn plain(host: &str, port: Option<u16>, raw: &str) -> Endpoint {
        Endpoint {
            scheme: Scheme::Plain,
            host: host.trim().trim_end_matches('.').to_ascii_lowercase(),
            port,
            db: None,
            user: None,
            has_password: false,
            lone_userinfo: false,
            tls: Tls::Unknown,
            sentinel_master: None,
            raw: raw.to_string(),
        }
    }

    /// The port a client uses when none is given.
    pub fn port_or_default(&self) -> u16 {
        self.port.unwrap_or(match self.scheme {
            Scheme::Sentinel => 26379,
            _ => 6379,
        })
    }

    /// A Unix socket at `path` (as written: paths are case-sensitive).
    pub fn socket(path: &str, raw: &str) -> Endpoint {
        Endpoint {
            scheme: Scheme::Unix,
            host: path.to_string(),
            port: None,
            db: None,
            user: None,
            has_password: false,
            lone_userinfo: false,
            tls: Tls::No,
            sentinel_master: None,
            raw: raw.to_string(),
        }
    }

    /// Reached over a Unix socket: `host` is the socket's path.
    pub fn is_socket(&self) -> bool {
        self.scheme == Scheme::Unix
    }

    /// `host:port` as written (port defaulted when absent); the path of a socket.
    pub fn address(&self) -> String {
        match self.scheme {
            Scheme::Unix => self.host.clone(),
            _ => format!("{}:{}", self.host, self.port_or_default()),
        }
    }

    /// Parses every endpoint in a Redis URL. A URL may list several hosts
    /// (`redis+sentinel://a:26379,b:26379/mymaster`); one endpoint each.
    /// Returns `None` when `text` is not a Redis URL.
    pub fn parse_url(text: &str) -> Option<Vec<Endpoint>> {
        let text = text.trim();
        let (scheme_text, rest) = split_scheme(text)?;
        let scheme = match scheme_text.to_ascii_lowercase().as_str() {
            "redis" | "valkey" => Scheme::Redis,
            "rediss" | "valkeys" => Scheme::Rediss,
            "redis+sentinel" | "redis-sentinel" | "sentinel" | "rediss+sentinel"
            | "valkey+sentinel" => Scheme::Sentinel,
            "unix" | "redis+unix" | "redis+socket" | "redis-socket" | "valkey+unix" | "socket" => {
                Scheme::Unix
            }
            _ => return None,
        };
        let sentinel_tls = scheme_text.eq_ignore_ascii_case("rediss+sentinel");
        let (rest, query) = match rest.split_once('?') {
            Some((r, q)) => (r, Some(q)),
            None => (rest, None),
        };
        // userinfo ends at the last '@' before the path.
        let (authority_and_path, userinfo) = match rest.rfind('@') {
            Some(at) => (&rest[at + 1..], Some(&rest[..at])),
            None => (rest, None),
        };
        let (user, has_password) = match userinfo {
            None => (None, false),
            Some(info) => match info.split_once(':') {
                Some((u, p)) => (non_empty(u), !p.is_empty()),
                // `redis://name@host`: a user name or a password, by client.
                None => (None, false),
            },
        };
        let lone_userinfo = userinfo.is_some_and(|i| !i.is_empty() && !i.contains(':'));
        let query_password = query
            .map(|q| {
                q.split('&')
                    .any(|kv| kv.split_once('=').is_some_and(|(k, _)| is_password_key(k)))
            })
            .unwrap_or(false);
        let query_user = query.and_then(|q| {
            q.split('&')
                .find_map(|kv| {
                    kv.strip_prefix("username=")
                        .or_else(|| kv.strip_prefix("user="))
                })
                .and_then(non_empty)
        });
        // `db=` (redis-py), Predis's `database=`, Kombu's `virtual_host=`.
        let query_db = query.and_then(|q| {
            q.split('&')
                .find_map(|kv| {
                    kv.strip_prefix("db=")
                        .or_else(|| kv.strip_prefix("database="))
                        .or_else(|| kv.strip_prefix("virtual_host="))
                })
                .and_then(|d| d.parse().ok())
        });
        // Beside a password in the query, a lone name is surely the user.
        let (user, lone_userinfo) = match (lone_userinfo, query_password) {
            (true, true) => (userinfo.and_then(non_empty), false),
            _ => (user, lone_userinfo),
        };
        let user = user.or(query_user);
        let has_password = has_password || query_password;
        let raw = redact_url(text);

        if scheme == Scheme::Unix {
            // An absolute path only: `unix://redis:6379` is no socket.
            let path = authority_and_path;
            if !path.starts_with('/') || path.len() < 2 || path.contains(char::is_whitespace) {
                return None;
            }
            return Some(vec![Endpoint {
                scheme,
                host: path.to_string(),
                port: None,
                db: query_db,
                user,
                has_password,
                lone_userinfo,
                tls: Tls::No,
                sentinel_master: None,
                raw,
            }]);
        }

        let (authority, path) = match authority_and_path.find('/') {
            Some(slash) => (
                &authority_and_path[..slash],
                &authority_and_path[slash + 1..],
            ),
            None => (authority_and_path, ""),
        };
        let path = path.trim_end_matches('/');
        let (db, sentinel_master) = match scheme {
            Scheme::Sentinel => {
                let mut parts = path.split('/');
                let master = parts.next().and_then(non_empty);
                let db = parts.next().and_then(|d| d.parse().ok());
                (db.or(query_db), master)
            }
            _ => (path.parse().ok().or(query_db), None),
        };
        let tls = match scheme {
            Scheme::Rediss => Tls::Yes,
            Scheme::Redis => Tls::No,
            _ if sentinel_tls => Tls::Yes,
            _ => Tls::No,
        };
        let mut out = Vec::new();
        for hostport in authority.split(',') {
            let Some((host, port)) = split_host_port(hostport) else {
                continue;
            };
            out.push(Endpoint {
                scheme,
                host,
                port,
                db,
                user: user.clone(),
                has_password,
                lone_userinfo,
                tls,
                sentinel_master: sentinel_master.clone(),
                raw: raw.clone(),
            });
        }
        if out.is_empty() {
            None
        } else {
            Some(out)
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// A URL's scheme and the rest: `scheme://rest`, or `unix:/path` (Predis,
/// redis-rb), which has no `//`.
fn split_scheme(text: &str) -> Option<(&str, &str)> {
    match text.split_once("://") {
        Some(split) => Some(split),
        None => {
            let rest = text
                .get(..5)
                .filter(|s| s.eq_ignore_ascii_case("unix:"))
                .map(|_| &text[5..])?;
            rest.starts_with('/').then_some((&text[..4], rest))
        }
    }
}

/// Splits `host:port`, `[v6]:port`, `host`. Rejects hosts that cannot be
/// host names (spaces, template syntax), so prose is not taken for an address.
pub fn split_host_port(text: &str) -> Option<(String, Option<u16>)> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let (host, port) = if let Some(rest) = text.strip_prefix('[') {
        let (h, after) = rest.split_once(']')?;
        let port = match after.strip_prefix(':') {
            Some(p) => Some(p.parse().ok()?),
            None if after.is_empty() => None,
            None => return None,
        };
        (h.to_string(), port)
    } else {
        match text.rsplit_once(':') {
            Some((h, p)) if !h.contains(':') => (h.to_string(), Some(p.parse().ok()?)),
            Some(_) => return None,
            None => (text.to_string(), None),
        }
    };
    if !is_host(&host) {
        return None;
    }
    Some((host.trim_end_matches('.').to_ascii_lowercase(), port))
}

/// A plausible DNS name or IP address.
pub fn is_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 253
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | ':'))
        && !host.starts_with('-')
        && !host.starts_with('.')
}

/// Whether a host is the loopback interface as a client writes it:
/// `localhost`, `127.0.0.0/8`, `::1` (bracketed or not). `0.0.0.0` is a
/// bind address, not one.
pub fn is_loopback(host: &str) -> bool {
    let host = host.trim().trim_end_matches('.');
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    host.eq_ignore_ascii_case("localhost")
        || host.eq_ignore_ascii_case("ip6-localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A query parameter that carries a password: `password=` (redis-py,
/// Lettuce), phpredis's `auth=` and `auth[]=` (also percent-encoded),
/// `pass=`.
fn is_password_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    matches!(key.as_str(), "password" | "pass" | "auth")
        || key.starts_with("auth[")
        || key.starts_with("auth%5b")
}

/// Replaces the password of a URL (userinfo, or a `password=`, `auth=`,
/// `auth[]=` or `pass=` query parameter) with `***`.
pub fn redact_url(text: &str) -> String {
    let Some((scheme, rest)) = split_scheme(text) else {
        return text.to_string();
    };
    let separator = if text[scheme.len()..].starts_with("://") {
        "://"
    } else {
        ":"
    };
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (rest, None),
    };
    let mut out = format!("{scheme}{separator}");
    match rest.rfind('@') {
        Some(at) => {
            let info = &rest[..at];
            match info.split_once(':') {
                // An empty password (`redis://:@host`, Airflow's
                // `redis://:@redis:6379/0`) hides nothing: shown as written,
                // so it does not look like one.
                Some((user, "")) => {
                    out.push_str(user);
                    out.push(':');
                }
                Some((user, _)) => {
                    out.push_str(user);
                    out.push(':');
                    out.push_str(REDACTED);
                }
                None if info.is_empty() => {}
                None => out.push_str(REDACTED),
            }
            out.push_str(&rest[at..]);
        }
        None => out.push_str(rest),
    }
    if let Some(q) = query {
        out.push('?');
        let parts: Vec<String> = q
            .split('&')
            .map(|kv| match kv.split_once('=') {
                Some((k, _)) if is_password_key(k) => format!("{k}={REDACTED}"),
                _ => kv.to_string(),
            })
            .collect();
        out.push_str(&parts.join("&"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_with_password_is_redacted_and_flagged() {
        let eps = Endpoint::parse_url("redis://app:s3cret@redis.cache:6380/2").unwrap();
        assert_eq!(eps.len(), 1);
        let ep = &eps[0];
        assert_eq!(ep.host, "redis.cache");
        assert_eq!(ep.port, Some(6380));
        assert_eq!(ep.db, Some(2));
        assert_eq!(ep.user.as_deref(), Some("app"));
        assert!(ep.has_password);
        assert_eq!(ep.tls, Tls::No);
        assert_eq!(ep.raw, "redis://app:***@redis.cache:6380/2");
        assert!(!format!("{ep:?}").contains("s3cret"));
    }

    #[test]
    fn password_only_userinfo_is_a_password() {
        let ep = &Endpoint::parse_url("rediss://:hunter2@Cache.Example.COM").unwrap()[0];
        assert_eq!(ep.host, "cache.example.com");
        assert_eq!(ep.port, None);
        assert_eq!(ep.port_or_default(), 6379);
        assert_eq!(ep.tls, Tls::Yes);
        assert_eq!(ep.user, None);
        assert!(ep.has_password);
        assert_eq!(ep.raw, "rediss://:***@Cache.Example.COM");
        // A lone name: a user to most clients, the password to Lettuce.
        // Not counted as a password, redacted as one.
        let ep = &Endpoint::parse_url("redis://hunter2@h:1").unwrap()[0];
        assert!(!ep.has_password && ep.lone_userinfo && ep.user.is_none());
        assert_eq!(ep.raw, "redis://***@h:1");
        assert_eq!(
            redact_url("redis://:@redis:6379/0"),
            "redis://:@redis:6379/0"
        );
        assert_eq!(
            redact_url("redis://app:@redis:6379"),
            "redis://app:@redis:6379"
        );
        assert_eq!(redact_url("redis://@redis:6379"), "redis://@redis:6379");
        let ep = &Endpoint::parse_url("redis://u:p@h:1").unwrap()[0];
        assert!(ep.has_password && !ep.lone_userinfo);
        // Beside a password in the query, the lone name is the user.
        let ep = &Endpoint::parse_url("redis://alice@h:1?password=pw").unwrap()[0];
        assert!(ep.has_password && !ep.lone_userinfo);
        assert_eq!(ep.user.as_deref(), Some("alice"));
    }

    #[test]
    fn sentinel_lists_every_host() {
        let eps = Endpoint::parse_url("redis+sentinel://s1:26379,s2:26380,s3/mymaster/1").unwrap();
        let hosts: Vec<_> = eps.iter().map(|e| (e.host.as_str(), e.port)).collect();
        assert_eq!(
            hosts,
            [("s1", Some(26379)), ("s2", Some(26380)), ("s3", None)]
        );
        assert_eq!(eps[0].sentinel_master.as_deref(), Some("mymaster"));
        assert_eq!(eps[0].db, Some(1));
        assert_eq!(eps[2].port_or_default(), 26379);
    }

    #[test]
    fn valkey_and_unix_schemes() {
        assert_eq!(
            Endpoint::parse_url("valkeys://v:6380").unwrap()[0].tls,
            Tls::Yes
        );
        assert_eq!(
            Endpoint::parse_url("valkey://v").unwrap()[0].scheme,
            Scheme::Redis
        );
        let ep = &Endpoint::parse_url("unix:///run/redis.sock?db=3").unwrap()[0];
        assert_eq!(ep.scheme, Scheme::Unix);
        assert_eq!(ep.host, "/run/redis.sock");
        assert_eq!(ep.db, Some(3));
    }

    /// Every spelling of a socket address: the path is the host, there is
    /// no port, TLS is off (Redis TLS is for TCP), and a password in the
    /// userinfo or the query never reaches `raw`.
    #[test]
    fn socket_addresses_in_every_spelling() {
        for (text, path, db) in [
            (
                "unix:///run/redis/redis.sock?db=2",
                "/run/redis/redis.sock",
                Some(2),
            ),
            ("unix:/var/run/redis.sock", "/var/run/redis.sock", None),
            (
                "UNIX:/var/run/redis.sock?database=4",
                "/var/run/redis.sock",
                Some(4),
            ),
            (
                "redis+socket:///tmp/redis.sock?virtual_host=1",
                "/tmp/redis.sock",
                Some(1),
            ),
            ("redis-socket:///tmp/redis.sock", "/tmp/redis.sock", None),
            ("socket:///tmp/redis.sock", "/tmp/redis.sock", None),
            ("valkey+unix:///run/valkey.sock", "/run/valkey.sock", None),
        ] {
            let eps = Endpoint::parse_url(text).unwrap_or_else(|| panic!("{text}"));
            let ep = &eps[0];
            assert!(ep.is_socket(), "{text}");
            assert_eq!(
                (ep.host.as_str(), ep.port, ep.db),
                (path, None, db),
                "{text}"
            );
            assert_eq!(ep.tls, Tls::No);
            assert_eq!(ep.address(), path);
            assert_eq!(ep.raw, text);
        }
        let ep = &Endpoint::parse_url("unix://app:hunter2@/run/redis.sock?db=1").unwrap()[0];
        assert_eq!(ep.host, "/run/redis.sock");
        assert_eq!(ep.user.as_deref(), Some("app"));
        assert!(ep.has_password);
        assert_eq!(ep.raw, "unix://app:***@/run/redis.sock?db=1");
        let ep = &Endpoint::parse_url("unix:/run/redis.sock?auth=hunter2&persistent=1").unwrap()[0];
        assert!(ep.has_password);
        assert_eq!(ep.raw, "unix:/run/redis.sock?auth=***&persistent=1");
        assert!(!format!("{ep:?}").contains("hunter2"));
        // Not sockets: no path, a relative one, a host.
        assert!(Endpoint::parse_url("unix://").is_none());
        assert!(Endpoint::parse_url("unix:redis.sock").is_none());
        assert!(Endpoint::parse_url("unix://redis:6379").is_none());
    }

    #[test]
    fn query_password_is_redacted() {
        let ep = &Endpoint::parse_url("redis://h:1/0?password=topsecret&timeout=5").unwrap()[0];
        assert!(ep.has_password);
        assert_eq!(ep.raw, "redis://h:1/0?password=***&timeout=5");
    }

    #[test]
    fn not_redis_urls() {
        assert!(Endpoint::parse_url("http://redis:6379").is_none());
        assert!(Endpoint::parse_url("postgres://u:p@db/x").is_none());
        assert!(Endpoint::parse_url("redis://").is_none());
    }

    #[test]
    fn host_port_splitting() {
        assert_eq!(
            split_host_port("redis-cart:6379"),
            Some(("redis-cart".into(), Some(6379)))
        );
        assert_eq!(
            split_host_port("[::1]:6380"),
            Some(("::1".into(), Some(6380)))
        );
        assert_eq!(
            split_host_port("Redis.Cache."),
            Some(("redis.cache".into(), None))
        );
        assert_eq!(split_host_port("host:notaport"), None);
        assert_eq!(split_host_port("{{ .Values.host }}"), None);
        assert_eq!(split_host_port("two words"), None);
    }

    #[test]
    fn tls_merge() {
        assert_eq!(Tls::Yes.merge(Tls::Yes), Tls::Yes);
        assert_eq!(Tls::Yes.merge(Tls::No), Tls::No);
        assert_eq!(Tls::Yes.merge(Tls::Unknown), Tls::Unknown);
    }
}

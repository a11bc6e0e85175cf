//! What to connect to and how: `--redis` URLs, credentials, TLS files,
//! timeouts and the sampling window.

use crate::error::LiveError;
use fallout_core::endpoint::redact_url;
use fallout_core::{Endpoint, Scheme};
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// Environment variables a password is read from, in order, when a URL has
/// none: fallout's own, then the one `redis-cli` reads.
pub const PASSWORD_ENV: [&str; 2] = ["FALLOUT_REDIS_PASSWORD", "REDISCLI_AUTH"];

/// A password. Its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub fn new(value: impl Into<String>) -> Password {
        Password(value.into())
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// The first non-empty password in [`PASSWORD_ENV`].
pub fn password_from_env() -> Option<Password> {
    PASSWORD_ENV
        .iter()
        .filter_map(|var| std::env::var(var).ok())
        .find(|v| !v.is_empty())
        .map(Password)
}

/// How to reach the servers and how long to watch them. Its `Debug` shows
/// the URLs redacted.
#[derive(Clone)]
pub struct RedisOptions {
    /// `redis://`, `rediss://`, `redis+sentinel://` or `rediss+sentinel://`
    /// URLs, with user and password in the URL when wanted.
    pub urls: Vec<String>,
    /// Password for URLs that carry none (see [`password_from_env`]).
    pub password: Option<Password>,
    /// PEM file of the CA(s) to trust for `rediss://`; the system roots otherwise.
    pub ca_file: Option<PathBuf>,
    /// PEM client certificate (chain) and key, for servers that ask for one.
    pub client_cert: Option<PathBuf>,
    pub client_key: Option<PathBuf>,
    /// Accept a certificate that does not name the host connected to. The
    /// chain is still verified against the CA.
    pub insecure: bool,
    /// For the TCP connect, the TLS handshake and authentication together.
    pub connect_timeout: Duration,
    /// For each command.
    pub command_timeout: Duration,
    /// Sample `CLIENT LIST` repeatedly over this window; one sample when `None`.
    pub observe: Option<Duration>,
    /// Time between samples.
    pub every: Duration,
}

impl fmt::Debug for RedisOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let urls: Vec<String> = self.urls.iter().map(|u| display_url(u)).collect();
        f.debug_struct("RedisOptions")
            .field("urls", &urls)
            .field("password", &self.password)
            .field("ca_file", &self.ca_file)
            .field("client_cert", &self.client_cert)
            .field("client_key", &self.client_key)
            .field("insecure", &self.insecure)
            .field("connect_timeout", &self.connect_timeout)
            .field("command_timeout", &self.command_timeout)
            .field("observe", &self.observe)
            .field("every", &self.every)
            .finish()
    }
}

impl RedisOptions {
    /// Defaults: 5 s timeouts, one sample, 1 s between samples when observing.
    pub fn new(urls: impl IntoIterator<Item = impl Into<String>>) -> RedisOptions {
        RedisOptions {
            urls: urls.into_iter().map(Into::into).collect(),
            password: None,
            ca_file: None,
            client_cert: None,
            client_key: None,
            insecure: false,
            connect_timeout: Duration::from_secs(5),
            command_timeout: Duration::from_secs(5),
            observe: None,
            every: Duration::from_secs(1),
        }
    }

    /// Takes the password from [`PASSWORD_ENV`] for URLs without one.
    pub fn with_env_password(mut self) -> RedisOptions {
        if self.password.is_none() {
            self.password = password_from_env();
        }
        self
    }
}

/// Parses `--observe` / `--every` values: `500ms`, `30s`, `10m`, `1h`,
/// `1m30s`; a bare number is seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("an empty duration; expected e.g. 30s, 10m, 500ms".into());
    }
    if let Ok(secs) = t.parse::<u64>() {
        return Ok(Duration::from_secs(secs));
    }
    let mut total = Duration::ZERO;
    let mut rest = t;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let unit_end = rest[digits..]
            .find(|c: char| c.is_ascii_digit())
            .map_or(rest.len(), |i| digits + i);
        let number: u64 = rest[..digits]
            .parse()
            .map_err(|_| format!("`{t}` is not a duration; expected e.g. 30s, 10m, 500ms"))?;
        let part = match &rest[digits..unit_end] {
            "ms" => Duration::from_millis(number),
            "s" => Duration::from_secs(number),
            "m" => Duration::from_secs(number * 60),
            "h" => Duration::from_secs(number * 3600),
            unit => return Err(format!("`{t}`: unknown unit `{unit}`; use ms, s, m or h")),
        };
        total += part;
        rest = &rest[unit_end..];
    }
    Ok(total)
}

/// One server to connect to, credentials resolved.
#[derive(Clone, Debug)]
pub(crate) struct Target {
    pub tls: bool,
    pub host: String,
    pub port: u16,
    pub user: Option<String>,
    pub password: Option<Password>,
    /// How it was found, for the instance's `via`.
    pub via: Option<String>,
    /// From a `--redis` URL (its failure fails the run), not discovered.
    pub seed: bool,
}

impl Target {
    /// `redis://host:port` or `rediss://host:port`: no user, no password.
    pub fn server(&self) -> String {
        let scheme = if self.tls { "rediss" } else { "redis" };
        format!("{scheme}://{}", self.address())
    }

    /// `host:port`, IPv6 in brackets.
    pub fn address(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    pub fn user_name(&self) -> &str {
        self.user.as_deref().unwrap_or("default")
    }

    /// Another server of the same deployment (a cluster node, a replica),
    /// reached the same way.
    pub fn sibling(&self, host: &str, port: u16, via: String) -> Target {
        Target {
            tls: self.tls,
            host: host.to_string(),
            port,
            user: self.user.clone(),
            password: self.password.clone(),
            via: Some(via),
            seed: false,
        }
    }
}

/// A `--redis` URL: servers to sample directly, or sentinels to ask.
#[derive(Clone, Debug)]
pub(crate) enum Seed {
    Server(Target),
    Sentinel {
        /// `redis+sentinel://s1:26379,s2:26379/mymaster`, redacted.
        display: String,
        master: String,
        /// The sentinels, with the URL's credentials (used if a sentinel asks).
        sentinels: Vec<Target>,
        /// How to reach the master and replicas.
        data: Target,
    },
}

pub(crate) fn parse_seed(url: &str, fallback: Option<&Password>) -> Result<Seed, LiveError> {
    let redacted = display_url(url.trim());
    let bad = |reason: &str| LiveError::BadUrl {
        url: redacted.clone(),
        reason: reason.to_string(),
    };
    if let Some((_, rest)) = url.trim().split_once("://") {
        // `redis://u:pa?ss@h`: the `?` would cut the password in two and
        // put its tail in the host.
        if let Some(at) = rest.rfind('@') {
            if rest[..at].contains(['?', '#']) {
                return Err(bad("a `?` or `#` before the last `@`: percent-encode them in a user name or password (`?` is %3F, `#` is %23), and an `@` in a query value (`?password=a%40b`) as %40"));
            }
        }
    }
    let endpoints = Endpoint::parse_url(url).ok_or_else(|| match bad_port(url) {
        Some(port) => bad(&format!(
            "port {port} is not a TCP port (1-65535); Redis listens on 6379 unless told otherwise"
        )),
        None => bad(
            "not a Redis URL; expected redis://, rediss://, redis+sentinel:// or rediss+sentinel://",
        ),
    })?;
    let first = &endpoints[0];
    let (user, password) = url_credentials(url);
    let password = password.map(Password).or_else(|| fallback.cloned());
    if user.is_some() && password.is_none() {
        return Err(bad("the URL names a user but no password was given: give it in FALLOUT_REDIS_PASSWORD (or REDISCLI_AUTH), or as redis://USER:PASSWORD@host; a password alone is redis://:PASSWORD@host"));
    }
    let tls = first.tls == fallout_core::Tls::Yes;
    match first.scheme {
        Scheme::Redis | Scheme::Rediss => {
            if endpoints.len() > 1 {
                return Err(bad("several hosts in one URL are only for redis+sentinel://; give one --redis per server"));
            }
            Ok(Seed::Server(Target {
                tls,
                host: first.host.clone(),
                port: first.port_or_default(),
                user,
                password,
                via: None,
                seed: true,
            }))
        }
        Scheme::Sentinel => {
            let master = first.sentinel_master.clone().ok_or_else(|| {
                bad("a sentinel URL names the master: redis+sentinel://host:26379/MASTER")
            })?;
            let sentinels = endpoints
                .iter()
                .map(|e| Target {
                    tls,
                    host: e.host.clone(),
                    port: e.port_or_default(),
                    user: user.clone(),
                    password: password.clone(),
                    via: None,
                    seed: true,
                })
                .collect();
            let data = Target {
                tls,
                host: String::new(),
                port: 0,
                user,
                password,
                via: None,
                seed: true,
            };
            Ok(Seed::Sentinel {
                display: redacted,
                master,
                sentinels,
                data,
            })
        }
        Scheme::Unix => Err(bad("Unix sockets are not supported; connect over TCP")),
        Scheme::Plain => Err(bad("not a Redis URL")),
    }
}

/// A port written in a URL's hosts that no TCP port can be (`:99999`),
/// as written; `None` when every port is one.
fn bad_port(url: &str) -> Option<String> {
    let (_, rest) = url.trim().split_once("://")?;
    // Credentials end at the last `@` of the whole text, whatever they
    // hold (`redis://:70000/x@h`), as `display_url` masks them.
    let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
    let hosts = rest.split(['/', '?', '#']).next()?;
    hosts.split(',').find_map(|host| {
        let (_, port) = host.rsplit_once(':')?;
        let digits = !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit());
        (digits && !port.parse::<u16>().is_ok_and(|p| p > 0)).then(|| port.to_string())
    })
}

/// A `--redis` value for messages. Everything between `://` and the last
/// `@` is treated as credentials, whether or not the URL parses: a password
/// holding an unencoded `?`, `/`, `#` or `@` is still masked. The user name
/// is kept when it is plainly one (`user:***@host`); a lone userinfo is
/// masked, since some clients read it as a password. `password=` query
/// values are masked too.
pub fn display_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        // `unix:/tmp/r.sock?password=…`: a socket path, then options that
        // may hold a password; only the path is shown.
        if url
            .get(..5)
            .is_some_and(|s| s.eq_ignore_ascii_case("unix:"))
        {
            let path = url.split(['?', '@', '#']).next().unwrap_or(url);
            return match path.len() < url.len() {
                true => format!("{path}***"),
                false => url.to_string(),
            };
        }
        // Not even a scheme: whatever comes before an `@` may be a password.
        return match url.rfind('@') {
            Some(at) => format!("***{}", &url[at..]),
            None => url.to_string(),
        };
    };
    let Some(at) = rest.rfind('@') else {
        return redact_url(url);
    };
    let info = &rest[..at];
    // `h:1/0?password=Top@Secret9`: the last `@` is inside a query value,
    // not the end of a userinfo; where the secret ends is unknowable, so
    // nothing after the scheme is shown.
    if info.contains('=') {
        return format!("{scheme}://***");
    }
    let user = match info.split_once(':') {
        Some((u, _)) if !u.contains(['?', '/', '#', '@', '&', '=']) => format!("{u}:"),
        _ => String::new(),
    };
    // The tail (host, path, query) may still carry `?password=`.
    let tail = redact_url(&format!("x://{}", &rest[at + 1..]));
    let tail = tail.strip_prefix("x://").unwrap_or(&tail);
    format!("{scheme}://{user}***@{tail}")
}

/// The user and password of a `--redis` URL, percent-decoded. The userinfo
/// is `USER:PASSWORD@`, `:PASSWORD@` or `USER@` (a user whose password
/// comes from `?password=` or the environment); `?password=` and
/// `?username=` (or `user=`) fill what the userinfo leaves out.
fn url_credentials(url: &str) -> (Option<String>, Option<String>) {
    let Some((_, rest)) = url.trim().split_once("://") else {
        return (None, None);
    };
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (rest, None),
    };
    let authority = rest.split('/').next().unwrap_or(rest);
    let non_empty = |s: &str| (!s.is_empty()).then(|| percent_decode(s));
    let (mut user, mut password) = match authority.rfind('@') {
        Some(at) => match authority[..at].split_once(':') {
            Some((u, p)) => (non_empty(u), non_empty(p)),
            None => (non_empty(&authority[..at]), None),
        },
        None => (None, None),
    };
    for kv in query.into_iter().flat_map(|q| q.split('&')) {
        let Some((k, v)) = kv.split_once('=') else {
            continue;
        };
        if k.eq_ignore_ascii_case("password") && password.is_none() {
            password = non_empty(v);
        } else if (k.eq_ignore_ascii_case("username") || k.eq_ignore_ascii_case("user"))
            && user.is_none()
        {
            user = non_empty(v);
        }
    }
    (user, password)
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(b) = u8::from_str_radix(hex, 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_from_userinfo_and_query() {
        let c = |u: &str| {
            let (user, pass) = url_credentials(u);
            (user.unwrap_or_default(), pass.unwrap_or_default())
        };
        let pair = |u: &str, p: &str| (u.to_string(), p.to_string());
        assert_eq!(c("redis://u:p%40ss@h:1/0"), pair("u", "p@ss"));
        assert_eq!(c("rediss://:only@h"), pair("", "only"));
        // A lone userinfo is the user (docs: `redis://scanner@host`, the
        // password from the environment).
        assert_eq!(c("redis://scanner@h"), pair("scanner", ""));
        assert_eq!(c("redis://h:1/0?password=q&x=1"), pair("", "q"));
        assert_eq!(c("redis://scanner@h:1?password=q"), pair("scanner", "q"));
        assert_eq!(c("redis://h:1?username=s&password=q"), pair("s", "q"));
        assert_eq!(c("redis://u:@h:1"), pair("u", ""));
        assert_eq!(c("redis://h:1"), pair("", ""));
        assert_eq!(percent_decode("a%2"), "a%2");
    }

    #[test]
    fn the_url_user_goes_with_a_password_from_anywhere() {
        let env = Password::new("from-env");
        for (url, fallback, pass) in [
            ("redis://fallout-scanner@h:1", Some(&env), "from-env"),
            ("redis://fallout-scanner@h:1?password=q", None, "q"),
            ("redis://fallout-scanner@h:1?password=q", Some(&env), "q"),
            ("redis://fallout-scanner:url@h:1", Some(&env), "url"),
        ] {
            let Seed::Server(t) = parse_seed(url, fallback).unwrap() else {
                panic!()
            };
            assert_eq!(t.user.as_deref(), Some("fallout-scanner"), "{url}");
            assert_eq!(t.password.as_ref().unwrap().expose(), pass, "{url}");
        }
        let Seed::Sentinel { sentinels, .. } =
            parse_seed("redis+sentinel://scan@s1/m", Some(&env)).unwrap()
        else {
            panic!()
        };
        assert_eq!(sentinels[0].user.as_deref(), Some("scan"));
        // A user and no password anywhere: said, not sent as `default`.
        let err = parse_seed("redis://fallout-scanner@h:1", None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("FALLOUT_REDIS_PASSWORD"), "{err}");
        assert!(!err.contains("fallout-scanner"), "{err}");
    }

    #[test]
    fn malformed_urls_never_show_the_password() {
        let secret = "Le?k-d-zz1";
        for url in [
            "redis://u:Le?k-d-zz1@127.0.0.1:17999",
            "redis://u:Le?k-d-zz1@127.0.0.1:17999:1",
            "redis://u:Le?k-d-zz1@127.0.0.1:99999",
            "redis://Le?k-d-zz1@127.0.0.1:17999",
            "redis://:Le?k-d-zz1@127.0.0.1:17999",
            "redis://u:Le?k-d-zz1@h1,h2",
            "rediss://u:Le?k-d-zz1@h:1/0?db=1",
            "redis+sentinel://u:Le?k-d-zz1@s1:26379/m",
            "http://u:Le?k-d-zz1@h",
            "unix://u:Le?k-d-zz1@/tmp/redis.sock",
            "redis://u:Le#k?d/zz1@h:1",
            "redis://u:Le@k?-d-zz1@h:1",
            "redis:/u:Le?k-d-zz1@h",
            "u:Le?k-d-zz1@h:1",
            // The `@` inside a query value (review E).
            "redis://h:1/0?password=Le?k-d-zz1@k-d-zz1",
            "redis://127.0.0.1:1?password=Le#k@k-d-zz1",
            "redis://h:1/0?db=0&password=Le@k-d-zz1",
            // A socket without `//` (review of the third stop).
            "unix:/tmp/r.sock?password=Le?k-d-zz1",
            "unix:/tmp/r.sock?auth=Le@k-d-zz1",
        ] {
            let err = parse_seed(url, None).unwrap_err();
            let shown = format!("{err}\n{err:?}");
            for piece in ["Le?k", "k-d-zz1", "Le#k", "Le@k"] {
                assert!(!shown.contains(piece), "{url}: {shown}");
            }
            assert!(!shown.contains(secret), "{url}: {shown}");
        }
        let err = parse_seed("redis://u:Le?k-d-zz1@127.0.0.1:17999", None)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("redis://u:***@127.0.0.1:17999: "), "{err}");
        assert!(err.contains("percent-encode"), "{err}");
    }

    #[test]
    fn seeds() {
        let Seed::Server(t) = parse_seed("rediss://scan:s3cret@cache.example:6380", None).unwrap()
        else {
            panic!()
        };
        assert!(t.tls);
        assert_eq!(t.user.as_deref(), Some("scan"));
        assert_eq!(t.password.as_ref().unwrap().expose(), "s3cret");
        assert_eq!(t.server(), "rediss://cache.example:6380");
        assert!(!format!("{t:?}").contains("s3cret"));

        let env = Password::new("fromenv");
        let Seed::Server(t) = parse_seed("redis://h", Some(&env)).unwrap() else {
            panic!()
        };
        assert_eq!(t.port, 6379);
        assert_eq!(t.password.as_ref().unwrap().expose(), "fromenv");

        let Seed::Sentinel {
            master,
            sentinels,
            display,
            ..
        } = parse_seed("redis+sentinel://:pw@s1:26379,s2/mymaster", None).unwrap()
        else {
            panic!()
        };
        assert_eq!(master, "mymaster");
        assert_eq!(sentinels.len(), 2);
        assert_eq!(sentinels[1].port, 26379);
        assert_eq!(display, "redis+sentinel://:***@s1:26379,s2/mymaster");

        let err = parse_seed("http://u:topsecret@h", None)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("http://u:***@h:"), "{err}");
        assert!(!err.contains("topsecret"));
        assert!(parse_seed("redis+sentinel://s1", None).is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("2h"), Ok(Duration::from_secs(7200)));
        assert_eq!(parse_duration("5"), Ok(Duration::from_secs(5)));
        assert!(parse_duration("5x")
            .unwrap_err()
            .contains("unknown unit `x`"));
        assert!(parse_duration("s").is_err());
        assert!(parse_duration("").is_err());
    }

    #[test]
    fn ipv6_addresses_are_bracketed() {
        let Seed::Server(t) = parse_seed("redis://[::1]:7000", None).unwrap() else {
            panic!()
        };
        assert_eq!(t.address(), "[::1]:7000");
    }
}

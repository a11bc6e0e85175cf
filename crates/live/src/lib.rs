//! Live sources: who is connected to a Redis right now. Connects to each
//! `--redis` URL (and the cluster nodes or sentinel-managed servers behind
//! it), samples `CLIENT LIST` over a window, and hands back one
//! [`Instance`] per server with the clients it saw. Saved `CLIENT LIST`
//! dumps go through the same parser ([`from_dump`]). [`kube`] lists a
//! cluster through its API for the manifest scanner.
//!
//! The only crate with tokio and network IO; everything it learns leaves as
//! plain data (`ClientObservation`s and `Diagnostic`s) for the graph.

mod conn;
pub mod error;
pub mod kube;
pub mod options;
mod sampler;
mod time;
mod tls;
mod topology;

pub use error::LiveError;
pub use options::{
    display_url, parse_duration, password_from_env, Password, RedisOptions, PASSWORD_ENV,
};

use fallout_core::{
    ClientObservation, Diagnostic, Evidence, Fact, Origin, SampledServer, Strength,
};
use fallout_scan::client_list::parse_client_list;
use std::collections::BTreeMap;

/// What the live sources showed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LiveRedis {
    pub instances: Vec<Instance>,
    /// What could not be learned (a command the user may not run, a
    /// cluster node that did not answer) and why.
    pub diagnostics: Vec<Diagnostic>,
}

/// One Redis server, however many endpoints reached it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Instance {
    /// INFO `run_id`: the same on every port and name of one server. `None`
    /// for a dump.
    pub run_id: Option<String>,
    /// `host:port` of every endpoint that reached this server, as given
    /// (first: the one sampled), or a dump's alias.
    pub endpoints: Vec<String>,
    /// The endpoint sampled (the first) was reached with `rediss://`.
    pub tls: bool,
    /// Plain port (`CONFIG GET port`, else INFO `tcp_port`).
    pub port: Option<u16>,
    /// TLS port (`CONFIG GET tls-port`, else a port reached with `rediss://`).
    pub tls_port: Option<u16>,
    /// `master`, `replica` or `sentinel`.
    pub role: Option<String>,
    pub version: Option<String>,
    /// How it was found when not named directly: `cluster node of
    /// 10.0.0.5:7000`, `master mymaster via redis+sentinel://…`.
    pub via: Option<String>,
    /// The window: times of the first and last sample (RFC 3339, UTC);
    /// empty for a dump.
    pub first_sample: String,
    pub last_sample: String,
    pub samples: u32,
    /// Clients seen, the scanner's own connections left out.
    pub observations: Vec<ClientObservation>,
}

impl Instance {
    /// `redis://10.0.0.5:6379 CLIENT LIST at T` (or `from T1 to T2`;
    /// `rediss://` when sampled over TLS): the source of every piece of
    /// evidence from this instance.
    pub fn source(&self) -> String {
        let server = self.endpoints.first().map(String::as_str).unwrap_or("?");
        let scheme = if self.tls { "rediss" } else { "redis" };
        if self.samples == 0 || self.first_sample.is_empty() {
            format!("{server} CLIENT LIST dump")
        } else if self.first_sample == self.last_sample {
            format!("{scheme}://{server} CLIENT LIST at {}", self.first_sample)
        } else {
            format!(
                "{scheme}://{server} CLIENT LIST, {} samples from {} to {}",
                self.samples, self.first_sample, self.last_sample
            )
        }
    }

    /// The `observed` evidence for one of this instance's clients.
    pub fn evidence(&self, obs: &ClientObservation) -> Evidence {
        let mut parts = vec![format!("connected from {}", obs.addr)];
        if let Some(laddr) = &obs.laddr {
            let tls = match obs.tls {
                Some(true) => " (TLS)",
                Some(false) => " (plain)",
                None => "",
            };
            parts.push(format!("to {laddr}{tls}"));
        }
        if let Some(name) = &obs.name {
            parts.push(format!("name `{name}`"));
        }
        if let Some(user) = &obs.user {
            parts.push(format!("user `{user}`"));
        }
        if let Some(lib) = &obs.lib_name {
            let ver = obs
                .lib_ver
                .as_deref()
                .map(|v| format!(" {v}"))
                .unwrap_or_default();
            parts.push(format!("library {lib}{ver}"));
        }
        if self.samples > 1 {
            parts.push(format!(
                "seen in {} of {} samples ({} to {})",
                obs.samples, self.samples, obs.first_seen, obs.last_seen
            ));
        }
        if obs.connections > 1 {
            parts.push(format!("{} connections", obs.connections));
        }
        if let Some(cmd) = &obs.last_cmd {
            parts.push(format!("last command {cmd}"));
        }
        Evidence::new(
            Strength::Observed,
            Origin::Live {
                source: self.source(),
            },
            parts.join(", "),
        )
    }
}

impl LiveRedis {
    /// Every observation as a fact, for the graph.
    /// Its observations as facts; an instance with none on it is a
    /// [`SampledServer`] (a resource nobody was seen using).
    pub fn facts(&self) -> Vec<Fact> {
        let mut facts = Vec::new();
        for i in &self.instances {
            if i.observations.is_empty() {
                facts.push(Fact::Sampled(SampledServer {
                    server: i.endpoints.first().cloned().unwrap_or_default(),
                    queried: None,
                    first_seen: i.first_sample.clone(),
                    last_seen: i.last_sample.clone(),
                    samples: i.samples,
                }));
            }
            facts.extend(i.observations.iter().cloned().map(Fact::Client));
        }
        facts
    }

    /// The instance an observation came from (by its `server`).
    pub fn instance_of(&self, obs: &ClientObservation) -> Option<&Instance> {
        self.instances
            .iter()
            .find(|i| i.endpoints.contains(&obs.server))
    }
}

/// Connects to every server in `opts`, samples `CLIENT LIST` once or over
/// `opts.observe`, and returns what it saw. A server named in `opts` that
/// cannot be read is an error; one discovered behind it (a cluster node, a
/// replica) becomes a diagnostic.
pub async fn sample(opts: &RedisOptions) -> Result<LiveRedis, LiveError> {
    sampler::sample(opts).await
}

/// [`sample`] for callers without a runtime: starts one for the call.
pub fn sample_blocking(opts: &RedisOptions) -> Result<LiveRedis, LiveError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| LiveError::Runtime(e.to_string()))?
        .block_on(sample(opts))
}

/// A saved `redis-cli CLIENT LIST` output, for the instance known as
/// `alias` (`--client-list ALIAS=FILE`). Parsed by the same code as live
/// replies; TLS per client is unknown (no ports are known), first and last
/// seen are empty (a dump has no time).
///
/// The connection that captured the dump (`redis-cli ... CLIENT LIST`) is
/// on it, running `client|list` with `idle=0`: it is left out, as the
/// sampler leaves out its own, and an info diagnostic says which line it
/// was. An empty dump is an error: a real `CLIENT LIST` is never empty.
pub fn from_dump(alias: &str, text: &str) -> Result<LiveRedis, LiveError> {
    let mut entries = parse_client_list(text).map_err(|source| LiveError::Dump {
        alias: alias.to_string(),
        source,
    })?;
    if entries.is_empty() {
        return Err(LiveError::EmptyDump {
            alias: alias.to_string(),
        });
    }
    let mut diagnostics = Vec::new();
    // The capture is the connection running CLIENT LIST right now; if
    // several ran it within the second, the newest (highest id).
    let capture = entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.cmd.as_deref() == Some("client|list") && e.idle.unwrap_or(0) == 0)
        .max_by_key(|(_, e)| e.id)
        .map(|(i, _)| i);
    if let Some(i) = capture {
        let e = entries.remove(i);
        diagnostics.push(Diagnostic::info(
            "client-list-capture",
            format!(
                "client list {alias}: the connection that captured it (id {}, addr {}, cmd=client|list) is left out",
                e.id, e.addr
            ),
        ));
    }
    let mut merged = BTreeMap::new();
    sampler::merge(&mut merged, entries.iter(), alias, "", 0, |e| {
        e.is_unix_socket().then_some(false)
    });
    Ok(LiveRedis {
        instances: vec![Instance {
            endpoints: vec![alias.to_string()],
            samples: 0,
            observations: merged.into_values().map(|m| m.obs).collect(),
            ..Instance::default()
        }],
        diagnostics,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dump_merges_pools_and_names_its_alias() {
        let text = "id=1 addr=10.0.0.7:4000 laddr=10.0.0.5:6379 name=events-api flags=N db=0 user=events cmd=get\n\
id=2 addr=10.0.0.7:4001 laddr=10.0.0.5:6379 name=events-api flags=N db=0 user=events cmd=set\n\
id=3 addr=10.0.0.8:4000 laddr=10.0.0.5:6380 flags=N db=1 user=default cmd=ping\n";
        let live = from_dump("cache/redis-sessions", text).unwrap();
        let inst = &live.instances[0];
        assert_eq!(inst.endpoints, ["cache/redis-sessions"]);
        assert_eq!(inst.observations.len(), 2);
        let pool = &inst.observations[0];
        assert_eq!(pool.connections, 2);
        assert_eq!(pool.samples, 1);
        assert_eq!(pool.addr, "10.0.0.7:4001");
        assert_eq!(pool.last_cmd.as_deref(), Some("set"));
        assert_eq!(pool.server, "cache/redis-sessions");
        assert_eq!(pool.tls, None);
        assert_eq!(live.facts().len(), 2);
        assert_eq!(live.instance_of(pool), Some(inst));
        let ev = inst.evidence(pool);
        assert_eq!(ev.strength, Strength::Observed);
        assert_eq!(
            ev.origin.to_string(),
            "cache/redis-sessions CLIENT LIST dump"
        );
        assert!(ev.detail.contains("name `events-api`"), "{}", ev.detail);

        let err = from_dump("sessions", "id=1 addr=a:1\ngarbage\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "client list sessions: line 2: `garbage` is not a key=value field; is this CLIENT LIST output?"
        );
    }

    #[test]
    fn a_dump_leaves_out_its_capture_and_is_never_empty() {
        // `redis-cli CLIENT LIST > file` on a server nobody else uses.
        let own = "id=7 addr=127.0.0.1:41000 laddr=127.0.0.1:6379 fd=8 name= age=0 idle=0 flags=N db=0 cmd=client|list user=default\n";
        let live = from_dump("cache", own).unwrap();
        assert!(live.instances[0].observations.is_empty(), "{live:#?}");
        assert_eq!(live.diagnostics.len(), 1);
        assert_eq!(live.diagnostics[0].code, "client-list-capture");
        assert!(live.diagnostics[0].message.contains("127.0.0.1:41000"));

        // A monitor that ran CLIENT LIST a while ago is a client like any other.
        let text = format!(
            "id=3 addr=10.0.0.9:5000 laddr=10.0.0.5:6379 age=600 idle=30 flags=N db=0 cmd=client|list user=monitor\n{own}"
        );
        let live = from_dump("cache", &text).unwrap();
        let obs = &live.instances[0].observations;
        assert_eq!(obs.len(), 1, "{obs:#?}");
        assert_eq!(obs[0].user.as_deref(), Some("monitor"));

        for empty in ["", "\n\n", "  \r\n"] {
            let err = from_dump("cache", empty).unwrap_err();
            assert!(matches!(err, LiveError::EmptyDump { .. }), "{err:?}");
            assert!(
                err.to_string().starts_with("client list cache: no client"),
                "{err}"
            );
        }
    }

    #[test]
    fn tls_from_the_local_port() {
        use fallout_scan::client_list::ClientEntry;
        let on = |laddr: &str| ClientEntry {
            id: 1,
            addr: "10.0.0.1:5000".into(),
            laddr: Some(laddr.into()),
            flags: "N".into(),
            ..Default::default()
        };
        let t = sampler::client_tls;
        assert_eq!(t(&on("h:6379"), Some(6379), Some(6380), true), Some(false));
        assert_eq!(t(&on("h:6380"), Some(6379), Some(6380), true), Some(true));
        assert_eq!(t(&on("h:6380"), Some(6379), None, true), Some(false));
        assert_eq!(t(&on("h:6380"), Some(6379), None, false), None);
        assert_eq!(t(&on("h:6380"), Some(6380), Some(6380), true), None);
        // A TLS-only server (`port 0`): no plain port, every TCP client on the TLS port.
        assert_eq!(t(&on("h:6380"), None, Some(6380), true), Some(true));
        assert_eq!(t(&on("h:6380"), None, Some(6380), false), Some(true));
        let mut no_laddr = on("h:1");
        no_laddr.laddr = None;
        assert_eq!(t(&no_laddr, Some(6379), Some(6380), true), None);
    }
}

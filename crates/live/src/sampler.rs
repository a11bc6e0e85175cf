//! From URLs to instances: ask sentinels for their servers, connect to
//! every server, discover cluster nodes, fold endpoints of one server (same
//! `run_id`) into one instance, then sample each instance's `CLIENT LIST`
//! over the window, merging what each sample saw.

use crate::conn::{Conn, Timeouts};
use crate::error::LiveError;
use crate::options::{parse_seed, RedisOptions, Seed, Target};
use crate::topology::{self, ClusterNode, ServerInfo};
use crate::{time, Instance, LiveRedis};
use fallout_core::{ClientObservation, Diagnostic};
use fallout_scan::client_list::{parse_client_list, ClientEntry};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinSet;
use tokio::time::Instant;

struct Ctx {
    tls: Option<crate::tls::TlsSetup>,
    timeouts: Timeouts,
}

/// One server reached through one endpoint, and what it said about itself.
struct Probe {
    conn: Conn,
    info: ServerInfo,
    own_id: Option<u64>,
    /// `CONFIG GET port` / `tls-port`: `None` when not allowed.
    config_port: Option<u16>,
    config_tls_port: Option<u16>,
    /// `CONFIG GET port` said 0: no plain port (a TLS-only server).
    config_no_plain: bool,
    config_known: bool,
    role: Option<String>,
    cluster_nodes: Vec<ClusterNode>,
    /// Optional commands the user may not run.
    denied: BTreeSet<&'static str>,
}

pub(crate) async fn sample(opts: &RedisOptions) -> Result<LiveRedis, LiveError> {
    let mut seeds = Vec::new();
    let mut errors = Vec::new();
    for url in &opts.urls {
        match parse_seed(url, opts.password.as_ref()) {
            Ok(seed) => seeds.push(seed),
            Err(e) => errors.push(e),
        }
    }
    if let Some(e) = LiveError::from_many(errors) {
        return Err(e);
    }
    let any_tls = seeds.iter().any(|s| match s {
        Seed::Server(t) => t.tls,
        Seed::Sentinel { data, .. } => data.tls,
    });
    let ctx = Arc::new(Ctx {
        tls: if any_tls {
            Some(crate::tls::setup(opts)?)
        } else {
            None
        },
        timeouts: Timeouts {
            connect: opts.connect_timeout,
            command: opts.command_timeout,
        },
    });
    let mut diagnostics = Vec::new();

    // Sentinels first: they name the servers.
    let mut targets = Vec::new();
    let mut errors = Vec::new();
    for seed in seeds {
        match seed {
            Seed::Server(t) => targets.push(t),
            Seed::Sentinel {
                display,
                master,
                sentinels,
                data,
            } => match ask_sentinels(&ctx, &display, &master, &sentinels, &data).await {
                Ok(found) => targets.extend(found),
                Err(e) => errors.push(e),
            },
        }
    }

    let mut probes: Vec<Probe> = Vec::new();
    let mut known: BTreeSet<String> = targets.iter().map(Target::address).collect();
    let mut pending = targets;
    while !pending.is_empty() {
        for (target, result) in probe_all(&ctx, pending).await {
            match result {
                Ok(probe) => probes.push(probe),
                Err(e) if target.seed => errors.push(e),
                Err(e) => diagnostics.push(Diagnostic::error(
                    "redis-node-unreachable",
                    format!(
                        "{} ({}) could not be sampled, so its clients are missing: {e}",
                        target.server(),
                        target.via.as_deref().unwrap_or("discovered")
                    ),
                )),
            }
        }
        // Cluster nodes not reached yet.
        pending = Vec::new();
        for probe in &probes {
            for node in &probe.cluster_nodes {
                let host = match (&node.hostname, probe.conn.target.tls) {
                    (Some(name), true) => name.clone(),
                    _ => node.host.clone(),
                };
                let target = probe.conn.target.sibling(
                    &host,
                    node.port,
                    format!("cluster node of {}", probe.conn.target.address()),
                );
                if known.insert(target.address()) && !node.myself {
                    pending.push(target);
                }
            }
        }
    }
    if let Some(e) = LiveError::from_many(std::mem::take(&mut errors)) {
        return Err(e);
    }

    // One instance per server, whichever endpoints reached it.
    let mut groups: Vec<Vec<Probe>> = Vec::new();
    for probe in probes {
        let key = probe.info.run_id.clone();
        match groups
            .iter_mut()
            .find(|g| key.is_some() && g[0].info.run_id == key)
        {
            Some(group) => group.push(probe),
            None => groups.push(vec![probe]),
        }
    }

    let every = opts.every.max(Duration::from_millis(10));
    let mut tasks = JoinSet::new();
    for (index, group) in groups.into_iter().enumerate() {
        let observe = opts.observe;
        tasks.spawn(async move { (index, sample_group(group, observe, every).await) });
    }
    let mut results = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(result) => results.push(result),
            Err(e) => errors.push(LiveError::Runtime(format!("a sampling task failed: {e}"))),
        }
    }
    results.sort_by_key(|(index, _)| *index);
    let mut instances = Vec::new();
    for (_, (result, seed)) in results {
        match result {
            Ok((instance, diags)) => {
                instances.push(instance);
                diagnostics.extend(diags);
            }
            Err(e) if seed => errors.push(e),
            Err(e) => diagnostics.push(Diagnostic::error(
                "redis-node-unreachable",
                format!("could not sample a discovered server, so its clients are missing: {e}"),
            )),
        }
    }
    if let Some(e) = LiveError::from_many(errors) {
        return Err(e);
    }
    Ok(LiveRedis {
        instances,
        diagnostics,
    })
}

async fn probe_all(
    ctx: &Arc<Ctx>,
    targets: Vec<Target>,
) -> Vec<(Target, Result<Probe, LiveError>)> {
    let mut tasks = JoinSet::new();
    for (index, target) in targets.into_iter().enumerate() {
        let ctx = ctx.clone();
        tasks.spawn(async move {
            let result = probe(&ctx, &target).await;
            (index, target, result)
        });
    }
    let mut out = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        if let Ok(item) = joined {
            out.push(item);
        }
    }
    out.sort_by_key(|(index, _, _)| *index);
    out.into_iter().map(|(_, t, r)| (t, r)).collect()
}

async fn probe(ctx: &Ctx, target: &Target) -> Result<Probe, LiveError> {
    let mut conn = Conn::open(target, ctx.tls.as_ref(), ctx.timeouts).await?;
    let mut denied = BTreeSet::new();

    // Without CLIENT ID our connection is recognised by its address.
    let own_id = conn
        .query::<u64>(redis::cmd("CLIENT").arg("ID"), "CLIENT ID")
        .await
        .ok();
    let info_text: String = conn.query(&redis::cmd("INFO"), "INFO").await?;
    let info = topology::parse_info(&info_text);

    let mut config_port = None;
    let mut config_tls_port = None;
    let mut config_known = true;
    let mut config_no_plain = false;
    for (param, slot) in [
        ("port", &mut config_port),
        ("tls-port", &mut config_tls_port),
    ] {
        match conn
            .query::<Vec<String>>(redis::cmd("CONFIG").arg("GET").arg(param), "CONFIG GET")
            .await
        {
            Ok(pair) => {
                let value = pair.get(1).and_then(|v| v.parse::<u16>().ok());
                if param == "port" && value == Some(0) {
                    config_no_plain = true;
                }
                *slot = value.filter(|p| *p != 0)
            }
            Err(LiveError::NoPerm { .. }) => {
                denied.insert("CONFIG GET");
                config_known = false;
            }
            Err(_) => config_known = config_known && param == "tls-port",
        }
    }

    let role = match conn
        .query::<redis::Value>(&redis::cmd("ROLE"), "ROLE")
        .await
    {
        Ok(redis::Value::Array(items)) => match items.first() {
            Some(redis::Value::BulkString(b)) => {
                Some(topology::normalize_role(&String::from_utf8_lossy(b)))
            }
            Some(redis::Value::SimpleString(s)) => Some(topology::normalize_role(s)),
            _ => None,
        },
        // INFO's `role` says the same.
        _ => None,
    }
    .or_else(|| info.role.clone());

    let mut cluster_nodes = Vec::new();
    if info.cluster_enabled || info.mode.as_deref() == Some("cluster") {
        match conn
            .query::<String>(redis::cmd("CLUSTER").arg("NODES"), "CLUSTER NODES")
            .await
        {
            Ok(text) => cluster_nodes = topology::parse_cluster_nodes(&text),
            Err(LiveError::NoPerm { .. }) => {
                denied.insert("CLUSTER NODES");
            }
            Err(e) => return Err(e),
        }
    }
    Ok(Probe {
        conn,
        info,
        own_id,
        config_port,
        config_tls_port,
        config_no_plain,
        config_known,
        role,
        cluster_nodes,
        denied,
    })
}

/// Asks each sentinel in turn for the master and its replicas.
async fn ask_sentinels(
    ctx: &Ctx,
    display: &str,
    master: &str,
    sentinels: &[Target],
    data: &Target,
) -> Result<Vec<Target>, LiveError> {
    let mut errors = Vec::new();
    for sentinel in sentinels {
        // Sentinels often have no password of their own: try without first.
        let anonymous = Target {
            user: None,
            password: None,
            ..sentinel.clone()
        };
        let conn = match Conn::open(&anonymous, ctx.tls.as_ref(), ctx.timeouts).await {
            Err(LiveError::NoAuth { .. }) if sentinel.password.is_some() => {
                Conn::open(sentinel, ctx.tls.as_ref(), ctx.timeouts).await
            }
            other => other,
        };
        let mut conn = match conn {
            Ok(c) => c,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let addr: Option<(String, String)> = match conn
            .query(
                redis::cmd("SENTINEL")
                    .arg("GET-MASTER-ADDR-BY-NAME")
                    .arg(master),
                "SENTINEL GET-MASTER-ADDR-BY-NAME",
            )
            .await
        {
            Ok(a) => a,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let Some((host, port)) = addr else {
            errors.push(LiveError::Sentinel {
                server: sentinel.server(),
                reason: format!("the sentinel knows no master named `{master}`"),
            });
            continue;
        };
        let Ok(port) = port.parse::<u16>() else {
            errors.push(LiveError::Sentinel {
                server: sentinel.server(),
                reason: format!("the sentinel gave an unreadable port `{port}` for `{master}`"),
            });
            continue;
        };
        let via = format!("{master} via {display}");
        let mut out = vec![Target {
            seed: true,
            ..data.sibling(&host, port, format!("master {via}"))
        }];
        match conn
            .query::<Vec<Vec<String>>>(
                redis::cmd("SENTINEL").arg("REPLICAS").arg(master),
                "SENTINEL REPLICAS",
            )
            .await
        {
            Ok(replies) => {
                for (h, p) in topology::parse_sentinel_replicas(&replies) {
                    out.push(data.sibling(&h, p, format!("replica {via}")));
                }
            }
            Err(e) => errors.push(e),
        }
        return Ok(out);
    }
    Err(LiveError::from_many(errors).unwrap_or(LiveError::Sentinel {
        server: display.to_string(),
        reason: "no sentinel given".into(),
    }))
}

type GroupResult = (Result<(Instance, Vec<Diagnostic>), LiveError>, bool);

/// Samples one server through the first of its connections; the others
/// stay open (and are left out of the list) until the window ends.
async fn sample_group(
    group: Vec<Probe>,
    observe: Option<Duration>,
    every: Duration,
) -> GroupResult {
    let seed = group.iter().any(|p| p.conn.target.seed);
    let first = &group[0];
    let own_ids: BTreeSet<u64> = group.iter().filter_map(|p| p.own_id).collect();
    let own_addrs: BTreeSet<String> = group
        .iter()
        .filter_map(|p| p.conn.local.map(|a| a.to_string()))
        .collect();
    let config_known = group.iter().all(|p| p.config_known);
    // `port 0` (CONFIG GET) means no plain port. INFO's `tcp_port` then
    // reports the TLS port, so it is not taken for the plain port when it is
    // a port fallout reached with rediss://.
    let no_plain = group.iter().any(|p| p.config_no_plain);
    let reached_tls: BTreeSet<u16> = group
        .iter()
        .filter(|p| p.conn.target.tls)
        .map(|p| p.conn.target.port)
        .collect();
    let port = if no_plain {
        None
    } else {
        group.iter().find_map(|p| p.config_port).or(first
            .info
            .tcp_port
            .filter(|p| *p != 0 && !reached_tls.contains(p)))
    };
    let mut tls_port = group.iter().find_map(|p| p.config_tls_port).or_else(|| {
        group
            .iter()
            .filter(|p| p.conn.target.tls && Some(p.conn.target.port) != port)
            .map(|p| p.conn.target.port)
            .next()
    });
    let mut endpoints: Vec<String> = Vec::new();
    for p in &group {
        let address = p.conn.target.address();
        if !endpoints.contains(&address) {
            endpoints.push(address);
        }
    }
    let server = endpoints[0].clone();
    let denied: BTreeSet<&str> = group
        .iter()
        .flat_map(|p| p.denied.iter().copied())
        .collect();
    let user = first.conn.target.user_name().to_string();
    let mut diagnostics = Vec::new();
    if denied.contains("CLUSTER NODES") {
        diagnostics.push(Diagnostic::warning(
            "redis-noperm",
            format!("{server}: user `{user}` may not run CLUSTER NODES, so the other nodes of this cluster were not found; give each node with --redis, or allow +cluster|nodes"),
        ));
    }

    let tls_port_given = tls_port;
    // Without CONFIG GET: Redis takes clients on its plain and TLS ports
    // only, so a client on another port than the plain one is on the TLS
    // port. Not for Dragonfly, whose admin port is a second plain port.
    let infer_tls_port =
        tls_port.is_none() && !config_known && port.is_some() && !first.info.dragonfly;
    let run_id = first.info.run_id.clone();
    let role = first.role.clone();
    let version = first.info.version.clone();
    let via = group.iter().find_map(|p| p.conn.target.via.clone());

    let sampled_tls = first.conn.target.tls;
    let mut probes = group;
    let conn = &mut probes[0].conn;
    let mut merged: BTreeMap<Key, Merged> = BTreeMap::new();
    let start = Instant::now();
    let mut samples = 0u32;
    let mut first_sample = String::new();
    let mut last_sample = String::new();
    loop {
        let at = time::now();
        let text = match conn
            .query::<String>(redis::cmd("CLIENT").arg("LIST"), "CLIENT LIST")
            .await
        {
            Ok(t) => t,
            Err(e) if samples == 0 => return (Err(client_list_unavailable(e)), seed),
            Err(e) => {
                let e = went_away(e, samples);
                diagnostics.push(Diagnostic::error(
                    "redis-sampling-stopped",
                    format!("{server}: sampling stopped after {samples} samples at {at}: {e}"),
                ));
                break;
            }
        };
        let entries = match parse_client_list(&text) {
            Ok(entries) => entries,
            Err(e) => {
                let e = LiveError::Server {
                    server: conn.target.server(),
                    command: "CLIENT LIST".into(),
                    message: format!("unreadable reply: {e}"),
                };
                return (Err(e), seed);
            }
        };
        if samples == 0 {
            first_sample = at.clone();
        }
        last_sample = at.clone();
        if infer_tls_port && tls_port.is_none() {
            tls_port = entries
                .iter()
                .filter(|e| !e.is_unix_socket())
                .filter_map(ClientEntry::local_port)
                .find(|p| Some(*p) != port);
        }
        let theirs = entries
            .iter()
            .filter(|e| !own_ids.contains(&e.id) && !own_addrs.contains(&e.addr));
        merge(&mut merged, theirs, &server, &at, samples, |e| {
            client_tls(e, port, tls_port, config_known)
        });
        samples += 1;
        let Some(window) = observe else { break };
        let next = start + every * samples;
        if next > start + window {
            break;
        }
        tokio::time::sleep_until(next).await;
    }
    drop(probes);

    if denied.contains("CONFIG GET") {
        let how = match (tls_port_given, tls_port) {
            (Some(p), _) => format!("the TLS port {p} is known from the rediss:// URL"),
            (None, Some(p)) => format!("clients on port {p} are taken to be on the TLS port (Redis takes clients on its plain and TLS ports only)"),
            (None, None) if infer_tls_port => format!("no client was on another port than the plain port {}, so none uses TLS", port.unwrap_or_default()),
            (None, None) => "clients on other ports than the plain one have TLS unknown".into(),
        };
        diagnostics.push(Diagnostic::warning(
            "redis-noperm",
            format!("{server}: user `{user}` may not run CONFIG GET, so {how}; allow +config|get or give the TLS port as a rediss:// URL"),
        ));
    }

    let instance = Instance {
        run_id,
        tls: sampled_tls,
        endpoints,
        port,
        tls_port,
        role,
        version,
        via,
        first_sample,
        last_sample,
        samples,
        observations: merged
            .into_values()
            .map(|m| ClientObservation {
                sampled_over_tls: sampled_tls,
                ..m.obs
            })
            .collect(),
    };
    (Ok((instance, diagnostics)), seed)
}

/// The first CLIENT LIST failed with an error reply that is not NOPERM:
/// `unknown command` when CLIENT is renamed or disabled (`rename-command
/// CLIENT ""`, some managed services). Says what to do instead.
fn client_list_unavailable(e: LiveError) -> LiveError {
    match e {
        LiveError::Server {
            server,
            command,
            message,
        } if command == "CLIENT LIST" => LiveError::Server {
            message: format!(
                "{message}; CLIENT LIST is renamed or disabled on this server, so it cannot be sampled: run it as a user allowed to (`ACL SETUSER USER +client|list`) where it is only refused, or save its output (under the renamed command, or from the provider's console) and give it with --client-list ALIAS=FILE"
            ),
            server,
            command,
        },
        other => other,
    }
}

/// A server that answered `samples` samples and then closed the
/// connection went away (restarted, killed, failed over): no hint about
/// TLS ports, which the earlier samples rule out.
fn went_away(e: LiveError, samples: u32) -> LiveError {
    match e {
        LiveError::Closed { server, during, .. } => LiveError::Closed {
            server,
            during,
            hint: format!(
                " after answering {samples} sample(s) (did it restart, stop or fail over?)"
            ),
        },
        other => other,
    }
}

/// Connections of one client are merged: same IP, same server address,
/// same name and user. A pool of ten is one observation with
/// `connections: 10`; a client that reconnects every second is one too.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Key {
    ip: String,
    laddr: Option<String>,
    name: Option<String>,
    user: Option<String>,
}

pub(crate) struct Merged {
    pub obs: ClientObservation,
    ids: BTreeSet<u64>,
    last_sample: Option<u32>,
}

pub(crate) fn merge<'a>(
    merged: &mut BTreeMap<Key, Merged>,
    entries: impl Iterator<Item = &'a ClientEntry>,
    server: &str,
    at: &str,
    sample: u32,
    tls: impl Fn(&ClientEntry) -> Option<bool>,
) {
    for e in entries {
        let key = Key {
            ip: e.ip().to_string(),
            laddr: e.laddr.clone(),
            name: e.name.clone(),
            user: e.user.clone(),
        };
        let m = merged.entry(key).or_insert_with(|| Merged {
            obs: ClientObservation {
                queried: None,
                server: server.to_string(),
                first_seen: at.to_string(),
                ..Default::default()
            },
            ids: BTreeSet::new(),
            last_sample: None,
        });
        let obs = &mut m.obs;
        obs.addr = e.addr.clone();
        obs.laddr = e.laddr.clone();
        obs.name = e.name.clone();
        obs.user = e.user.clone();
        obs.db = e.db.or(obs.db);
        obs.lib_name = e.lib_name.clone().or(obs.lib_name.take());
        obs.lib_ver = e.lib_ver.clone().or(obs.lib_ver.take());
        obs.last_cmd = e.cmd.clone().or(obs.last_cmd.take());
        obs.flags = Some(e.flags.clone()).filter(|f| !f.is_empty());
        obs.last_seen = at.to_string();
        obs.tls = tls(e);
        if m.last_sample != Some(sample) {
            m.last_sample = Some(sample);
            obs.samples += 1;
        }
        m.ids.insert(e.id);
        obs.connections = m.ids.len() as u32;
    }
}

/// Whether a client's connection uses TLS, from the server port it reached.
/// `config_known`: `CONFIG GET` said which ports exist, so a port that is
/// not the TLS port is plain and the other way round.
pub(crate) fn client_tls(
    e: &ClientEntry,
    port: Option<u16>,
    tls_port: Option<u16>,
    config_known: bool,
) -> Option<bool> {
    if e.is_unix_socket() {
        return Some(false);
    }
    let local = e.local_port()?;
    if port.is_some() && port == tls_port {
        // One port serving both: cannot tell.
        return None;
    }
    if Some(local) == tls_port {
        Some(true)
    } else if Some(local) == port {
        Some(false)
    } else if config_known && tls_port.is_none() && port.is_some() {
        // No TLS port at all: everything is plain.
        Some(false)
    } else {
        None
    }
}

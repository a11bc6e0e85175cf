//! The impact engine: what a change does to each consumer of a resource,
//! as a verdict with reasons a reader can act on (each cites where the
//! consumer's link was seen), and the gate built on it.

use crate::names::split_external_name;
use fallout_core::{
    Approval, Change, Consumer, Diagnostic, Evidence, Link, Origin, Resource, Scheme, Setting,
    Strength, Tls, TlsMode, Verdict,
};
use std::fmt;
use std::str::FromStr;

/// Gives every consumer of `resource` a verdict and its reasons for
/// `change`, then sorts them: breaks, at-risk, ok, each by id. Several
/// settings: the worst verdict wins and the reasons add up.
pub fn impact(resource: &mut Resource, change: &Change) {
    // Judged apart from the resource, which the rules read.
    let mut consumers = std::mem::take(&mut resource.consumers);
    for c in &mut consumers {
        let (verdict, reasons) = if c.links.iter().any(|l| l.proxy.is_some()) {
            // Its own links are judged here; those through a proxy take
            // the proxy's verdict below.
            if c.links.iter().all(|l| l.proxy.is_some()) {
                (Verdict::Ok, Vec::new())
            } else {
                let mut direct = c.clone();
                direct.links.retain(|l| l.proxy.is_none());
                judge_all(resource, &direct, change)
            }
        } else {
            judge_all(resource, c, change)
        };
        c.verdict = Some(verdict);
        c.reasons = reasons;
    }
    through_proxies(&resource.id, &mut consumers);
    for c in &mut consumers {
        if c.reasons.len() > 1 {
            c.reasons = collapse_places(std::mem::take(&mut c.reasons));
        }
    }
    consumers.sort_by_cached_key(|c| (c.verdict, c.id.to_string()));
    resource.consumers = consumers;
}

/// The first place (`path:line`) a reason cites: its byte range and the
/// path. A token with a `.` or `/` before its last `:` and digits after it
/// (`api/app.yaml:22,`), not `port 6379` or a URL's `host:6380`.
fn first_place(reason: &str) -> Option<(usize, usize, &str)> {
    let mut at = 0;
    for token in reason.split(' ') {
        let start = at;
        at += token.len() + 1;
        let trimmed = token.trim_end_matches([',', ';', ')', ':']);
        let Some((path, line)) = trimmed.rsplit_once(':') else {
            continue;
        };
        if line.is_empty()
            || !line.bytes().all(|b| b.is_ascii_digit())
            || !(path.contains('/') || path.contains('.'))
            || path.contains("://")
            || path.starts_with(['`', '('])
        {
            continue;
        }
        return Some((start, start + trimmed.len(), path));
    }
    None
}

/// Reasons that say the same of several lines of one file (one per
/// Sentinel or cluster node: "asks Sentinel on port 26379 at r.yaml:22,
/// which announces the new port", then :23, :24) said once, with the lines
/// listed (`r.yaml:22, 23, 24`). Others as they are, in order.
pub(crate) fn collapse_places(reasons: Vec<String>) -> Vec<String> {
    // (reason with its first place cut out, the place's path) → lines
    let mut groups: Vec<(String, String, Vec<String>, String)> = Vec::new();
    for reason in reasons {
        let Some((start, end, path)) = first_place(&reason) else {
            groups.push((reason.clone(), String::new(), Vec::new(), reason));
            continue;
        };
        let line = reason[start + path.len() + 1..end].to_string();
        let template = format!("{}\u{0}{}", &reason[..start], &reason[end..]);
        match groups
            .iter_mut()
            .find(|(t, p, lines, _)| !lines.is_empty() && *t == template && p == path)
        {
            Some((_, _, lines, _)) => lines.push(line),
            None => groups.push((template, path.to_string(), vec![line], reason)),
        }
    }
    groups
        .into_iter()
        .map(|(template, path, lines, original)| {
            if lines.len() < 2 {
                original
            } else {
                template.replace('\u{0}', &format!("{path}:{}", lines.join(", ")))
            }
        })
        .collect()
}

/// The worst verdict of `change`'s settings for `c`, with their reasons.
fn judge_all(resource: &Resource, c: &Consumer, change: &Change) -> (Verdict, Vec<String>) {
    let mut verdict = Verdict::Ok;
    let mut reasons: Vec<String> = Vec::new();
    for setting in &change.settings {
        let (v, rs) = judge(resource, c, setting);
        verdict = verdict.min(v);
        for r in rs {
            if !reasons.contains(&r) {
                reasons.push(r);
            }
        }
    }
    (verdict, reasons)
}

/// A consumer that reaches the server through a Redis proxy fares as the
/// proxy does (the proxy is a consumer of the same server, judged with the
/// others): its calls fail when the proxy's connection does, and what must
/// change is the proxy's config, not its own.
fn through_proxies(resource: &str, consumers: &mut [Consumer]) {
    if !consumers
        .iter()
        .any(|c| c.links.iter().any(|l| l.proxy.is_some()))
    {
        return;
    }
    let judged: std::collections::HashMap<String, Option<Verdict>> = consumers
        .iter()
        .map(|c| (c.id.to_string(), c.verdict))
        .collect();
    for c in consumers.iter_mut() {
        let mut proxies: Vec<(&str, &Link)> = Vec::new();
        for l in &c.links {
            if let Some(p) = l.proxy.as_deref() {
                if !proxies.iter().any(|(q, _)| *q == p) {
                    proxies.push((p, l));
                }
            }
        }
        for (proxy, l) in proxies {
            let (address, at) = (l.endpoint.address(), &l.evidence.origin);
            let (verdict, reason) = match judged.get_key_value(proxy) {
                Some((_, Some(Verdict::Ok))) => continue,
                // Taken for a proxy on inferred evidence only: at risk.
                Some((_, Some(v))) if l.evidence.strength == Strength::Inferred => (
                    Verdict::AtRisk.max(*v),
                    format!(
                        "uses `{address}` at {at}, taken to be a Redis proxy in front of {resource} ({proxy}, whose own verdict says what it needs): if it passes this consumer's commands on, its calls fail with the proxy's connection; confirm how {proxy} serves them"
                    ),
                ),
                Some((_, Some(v))) => {
                    let fares = match v {
                        Verdict::Breaks => "breaks",
                        _ => "is at risk",
                    };
                    (
                        *v,
                        format!(
                            "uses `{address}` at {at}, the Redis proxy {proxy}, which {fares} with this change (its own verdict says why): this consumer's calls go through the proxy's connection to {resource}; change the proxy, not this consumer"
                        ),
                    )
                }
                _ => (
                    Verdict::AtRisk,
                    format!(
                        "uses `{address}` at {at}, the Redis proxy {proxy}, whose own link to {resource} was not judged: check how the proxy reaches it"
                    ),
                ),
            };
            let now = c.verdict.unwrap_or(Verdict::Ok);
            c.verdict = Some(now.min(verdict));
            if !c.reasons.contains(&reason) {
                c.reasons.push(reason);
            }
        }
    }
}

/// Where a link through a Service should go for TLS: its own Service's
/// TLS port, else another Service's (`redis-secure.cache:6379`); `None`
/// for a link that names the server itself, or when no Service maps the
/// TLS port.
fn tls_address(server: &Resource, link: &Link) -> Option<String> {
    let service = link.service.as_deref()?;
    let port_of = |address: &str| {
        let port = address.rsplit_once(':').map_or("", |(_, p)| p);
        format!("{}:{port}", link.endpoint.host)
    };
    // An ExternalName (`ns/name (ExternalName → ns/service)`) leads to
    // a Service: the client keeps its name, with that Service's port.
    let own = service
        .split_once("(ExternalName → ")
        .map_or(service, |(_, to)| to.trim_end_matches(')'));
    if let Some((_, address)) = server.tls_addresses.iter().find(|(s, _)| s == own) {
        // Its own Service: the host as the client writes it, that
        // Service's port for TLS.
        return Some(port_of(address));
    }
    server
        .tls_addresses
        .first()
        .map(|(_, address)| address.clone())
}

/// What a link that does not use TLS should change under `tls=required`.
fn plain_tls_advice(server: &Resource, l: &Link) -> String {
    let (written, at) = (written_plain(l), &l.evidence.origin);
    let port_at = |p: &Origin| format!("the port is written at {p}");
    match client_spelling(l) {
        // Predis / phpredis: TLS is the `tls://` scheme.
        Spelling::Stream => {
            let to = match tls_address(server, l) {
                Some(address) => format!("tls://{address}"),
                None => tls_url(l, server.tls_port),
            };
            return format!("uses {written} at {at}; switch to {to} and configure the CA");
        }
        // Outline's base64 JSON: TLS is an option in it, for sentinels too.
        Spelling::IoredisOptions if l.endpoint.scheme == Scheme::Sentinel => {
            return format!(
                "uses {written} at {at}; set `tls` and `enableTLSForSentinelMode` in its ioredis options (the base64 JSON), with the sentinels' TLS ports, and configure the CA"
            );
        }
        // Dapr and KEDA: an `enableTLS` item in the metadata.
        Spelling::EnableTls => {
            let port = match server.tls_port {
                Some(p) => format!("the server's port {p}"),
                None => "the TLS port the server will serve (it serves none yet)".to_string(),
            };
            return format!(
                "uses {written} at {at} without TLS; set `enableTLS: \"true\"` in its metadata, use {port}, and configure the CA"
            );
        }
        Spelling::IoredisOptions | Spelling::Url => {}
    }
    match (l.endpoint.scheme, tls_address(server, l)) {
        // A host and port, not a URL: nothing to switch to `rediss://`;
        // its client's TLS option and the port.
        (Scheme::Plain, Some(address)) => format!(
            "uses {written} at {at} without TLS; turn on its client's TLS option and point it at `{address}` (a Service port that leads to TLS{}), and configure the CA",
            l.port_origin
                .as_ref()
                .map(|p| format!("; {}", port_at(p)))
                .unwrap_or_default()
        ),
        (Scheme::Plain, None) => {
            let port = match (server.tls_port, &l.port_origin) {
                (Some(p), Some(o)) => format!(", use port {p} ({})", port_at(o)),
                (Some(p), None) => format!(", use port {p}"),
                // No TLS port yet: the one the change opens.
                (None, Some(o)) => format!(
                    ", use the TLS port the server will serve (it serves none yet; {})",
                    port_at(o)
                ),
                (None, None) => {
                    ", use the TLS port the server will serve (it serves none yet)".to_string()
                }
            };
            format!("uses {written} at {at} without TLS; turn on its client's TLS option{port}, and configure the CA")
        }
        (Scheme::Sentinel, _) | (_, None) => format!(
            "uses {written} at {at}; switch to {} and configure the CA",
            tls_url(l, server.tls_port)
        ),
        (_, Some(address)) => {
            format!("uses {written} at {at}; switch to rediss://{address} and configure the CA")
        }
    }
}

type Judgement = (Verdict, Vec<String>);

fn judge(server: &Resource, c: &Consumer, setting: &Setting) -> Judgement {
    // A consumer known only from inferred evidence (`depends_on`, a value
    // the scan cannot read) may not use it at all: at risk, whatever the
    // change, decommissioning included; breaking would state a guess.
    if !c.evidence.is_empty() && c.evidence.iter().all(|e| e.strength.is_weak()) {
        let seen: Vec<String> = c.evidence.iter().map(describe).collect();
        return (
            Verdict::AtRisk,
            vec![format!(
                "only inferred evidence ({}); confirm how it connects",
                seen.join("; ")
            )],
        );
    }
    if let Setting::Decommission = setting {
        let cite = c
            .primary_evidence()
            .map(|e| format!(" ({})", e.origin))
            .unwrap_or_default();
        return (
            Verdict::Breaks,
            vec![format!(
                "uses it{cite}; move it to another instance or remove the dependency before decommissioning"
            )],
        );
    }
    match setting {
        Setting::Tls(mode) => tls(server, c, *mode),
        Setting::Port(new) => port_move(server, c, server.port, *new, "port"),
        Setting::TlsPort(new) => port_move(server, c, server.tls_port, *new, "tls-port"),
        Setting::Host(new) => host_move(server, c, new),
        Setting::AuthRequired => auth_required(server, c),
        Setting::PasswordRotate => password_rotate(server, c),
        Setting::AclUserRemoved(user) => acl_user_removed(c, user),
        Setting::Decommission => (Verdict::Breaks, Vec::new()),
    }
}

/// `detail at origin`.
fn describe(e: &Evidence) -> String {
    if e.detail.is_empty() {
        e.origin.to_string()
    } else {
        format!("{} at {}", e.detail, e.origin)
    }
}

/// Where it was seen live, for consumers known only from a client list.
fn observed(c: &Consumer) -> Vec<&Evidence> {
    c.evidence
        .iter()
        .filter(|e| e.strength == Strength::Observed)
        .collect()
}

/// Its live observations as ACL user `user`.
fn observed_as<'c>(c: &'c Consumer, user: &str) -> Vec<&'c Evidence> {
    let said = crate::build::user_detail(user);
    observed(c)
        .into_iter()
        .filter(|e| e.detail.contains(&said))
        .collect()
}

/// Where it was first seen live over TLS (the evidence that says so).
fn first_observed_tls(c: &Consumer) -> String {
    observed(c)
        .into_iter()
        .find(|e| e.detail.split(", ").any(|part| part == "TLS"))
        .or_else(|| observed(c).into_iter().next())
        .map(|e| e.origin.to_string())
        .unwrap_or_else(|| "a client list".to_string())
}

fn first_observed(c: &Consumer) -> String {
    observed(c)
        .first()
        .map(|e| e.origin.to_string())
        .unwrap_or_else(|| "a client list".to_string())
}

/// `rediss://host:port` the link should use; for a sentinel link,
/// `rediss+sentinel://` to the same sentinel (sentinels have TLS ports of
/// their own, which the server's does not say).
fn tls_url(link: &Link, tls_port: Option<u16>) -> String {
    if client_spelling(link) == Spelling::Stream {
        return match tls_port {
            Some(p) => format!("tls://{}:{p}", link.endpoint.host),
            None => format!("tls://{}:<TLS port>", link.endpoint.host),
        };
    }
    if link.endpoint.scheme == Scheme::Sentinel {
        return format!(
            "rediss+sentinel://{}:<sentinel TLS port> (TLS to the sentinels and to the server they name)",
            link.endpoint.host
        );
    }
    match tls_port {
        Some(p) => format!("rediss://{}:{p}", link.endpoint.host),
        None => format!("rediss://{}:<TLS port>", link.endpoint.host),
    }
}

/// How a client writes its address when not as a Redis URL: its TLS
/// advice is in the same words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Spelling {
    /// A Redis URL, or a host and port.
    Url,
    /// Predis / phpredis `tcp://` (plaintext) and `tls://` (TLS).
    Stream,
    /// ioredis options as base64 JSON (Outline's `ioredis://`).
    IoredisOptions,
    /// A Dapr component's or a KEDA trigger's metadata: TLS is its
    /// `enableTLS` item.
    EnableTls,
}

fn client_spelling(link: &Link) -> Spelling {
    let raw = link.endpoint.raw.as_bytes();
    let starts = |p: &[u8]| raw.len() >= p.len() && raw[..p.len()].eq_ignore_ascii_case(p);
    if link.endpoint.scheme != Scheme::Plain && link.endpoint.scheme != Scheme::Sentinel {
        Spelling::Url
    } else if starts(b"tcp://") || starts(b"tls://") {
        Spelling::Stream
    } else if starts(b"ioredis://") {
        Spelling::IoredisOptions
    } else if [
        "Dapr component ",
        "KEDA trigger ",
        "TriggerAuthentication ",
        "ClusterTriggerAuthentication ",
    ]
    .iter()
    .any(|p| link.evidence.detail.starts_with(p))
    {
        Spelling::EnableTls
    } else {
        Spelling::Url
    }
}

fn written(link: &Link) -> String {
    match link.endpoint.scheme {
        Scheme::Redis => "redis://".to_string(),
        _ => format!("`{}`", link.endpoint.raw),
    }
}

/// As [`written`], for a link known to be plaintext: with no scheme, say
/// why (the port it reaches serves plaintext only).
fn written_plain(link: &Link) -> String {
    match (link.endpoint.scheme, link.server_port) {
        (Scheme::Redis, _) | (_, None) => written(link),
        (_, Some(port)) => format!("`{}` (plaintext port {port})", link.endpoint.raw),
    }
}

/// A reason per link that matches `which`; a consumer with none (seen only
/// live) gets the one `seen` says about its first observation.
fn per_link(
    c: &Consumer,
    which: impl Fn(&Link) -> bool,
    each: impl Fn(&Link) -> String,
    seen: impl FnOnce(String) -> String,
) -> Vec<String> {
    let reasons: Vec<String> = c.links.iter().filter(|l| which(l)).map(each).collect();
    if reasons.is_empty() {
        vec![seen(first_observed(c))]
    } else {
        reasons
    }
}

/// A server of the scan whose config serves plaintext only (a port, no TLS
/// port): what connects to it today does so without TLS.
fn serves_no_tls(server: &Resource) -> bool {
    !server.external
        && !server.config_unread
        && server.port.is_some()
        && server.tls_port.is_none()
        && server.defined_by.is_some()
}

/// What a link whose TLS nothing shows should check under `tls=required`.
fn unknown_tls_advice(server: &Resource, l: &Link) -> String {
    format!(
        "TLS not configured anywhere visible: {} at {}; use {} or the client's TLS option, and configure the CA",
        written(l),
        l.evidence.origin,
        tls_url(l, server.tls_port)
    )
}

/// What TLS does to a link over a Unix socket: nothing. Redis serves TLS
/// on TCP ports only (`tls-port`); a socket stays plain and keeps working.
fn socket_tls_reason(l: &Link, mode: TlsMode) -> String {
    format!(
        "connects over the Unix socket {} at {}; Redis TLS covers TCP ports only, so tls={} leaves the socket as it is (unless the change also removes `unixsocket`)",
        l.endpoint.host,
        l.evidence.origin,
        mode_name(mode)
    )
}

fn mode_name(mode: TlsMode) -> &'static str {
    match mode {
        TlsMode::Required => "required",
        TlsMode::Preferred => "preferred",
        TlsMode::Disabled => "disabled",
    }
}

fn tls(server: &Resource, c: &Consumer, mode: TlsMode) -> Judgement {
    // Socket links are judged apart: TLS does not apply to them, and the
    // consumer's other links decide.
    if c.links.iter().any(|l| l.endpoint.is_socket()) {
        let (sockets, tcp): (Vec<&Link>, Vec<&Link>) =
            c.links.iter().partition(|l| l.endpoint.is_socket());
        let socket_reasons = sockets.iter().map(|l| socket_tls_reason(l, mode));
        if tcp.is_empty() {
            return (Verdict::Ok, socket_reasons.collect());
        }
        let mut rest = c.clone();
        rest.links = tcp.into_iter().cloned().collect();
        rest.tls = rest
            .links
            .iter()
            .map(|l| l.tls)
            .reduce(Tls::merge)
            .unwrap_or(Tls::Unknown);
        let (verdict, mut reasons) = tls(server, &rest, mode);
        reasons.extend(socket_reasons);
        return (verdict, reasons);
    }
    let (verdict, mut reasons) = tls_by_mode(server, c, mode);
    if mode == TlsMode::Disabled {
        // its fix is the one tls=disabled asks for anyway: plain redis://
        return (verdict, reasons);
    }
    let mut wrong = tls_to_plain_port(server, c);
    wrong.extend(tls_to_no_tls_server(server, c));
    wrong.extend(unserved_ports(
        server,
        c,
        &format!("tls={}", mode_name(mode)),
    ));
    let plain_to_tls = plain_to_tls_port(server, c);
    if !plain_to_tls.is_empty()
        && c.links
            .iter()
            .filter(|l| l.tls != Tls::Yes)
            .all(|l| is_plain_to_tls_port(server, l))
    {
        // Its only links without TLS fail today: the change is not what
        // breaks them.
        reasons.retain(|r| plain_to_tls.iter().all(|(at, _)| !cites(r, at)));
        reasons.extend(plain_to_tls.into_iter().map(|(_, why)| why));
        reasons.extend(wrong);
        return (Verdict::AtRisk, reasons);
    }
    if wrong.is_empty() {
        return (verdict, reasons);
    }
    if verdict == Verdict::Ok {
        // "already uses TLS" would be false: TLS there never worked
        reasons.retain(|r| !r.starts_with("already uses TLS"));
    }
    reasons.extend(wrong);
    (verdict.min(Verdict::AtRisk), reasons)
}

/// Links to a port a server of the scan does not serve (neither its port
/// nor its TLS port): broken today, or the scan misses where it serves it.
/// As for a port move, said citing the line where the port is written.
fn unserved_ports(server: &Resource, c: &Consumer, change: &str) -> Vec<String> {
    let served: Vec<u16> = [server.port, server.tls_port]
        .into_iter()
        .flatten()
        .collect();
    if server.external || server.config_unread || served.is_empty() {
        return Vec::new();
    }
    c.links
        .iter()
        .filter(|l| !l.endpoint.is_socket() && l.endpoint.scheme != Scheme::Sentinel)
        .filter_map(|l| {
            let p = l.server_port.filter(|p| !served.contains(p))?;
            let at = l.port_origin.as_ref().unwrap_or(&l.evidence.origin);
            Some(format!(
                "names port {p} at {at}, which {} does not serve (it serves {}); it fails today or the scan misses a setting: check it before {change}",
                server.id,
                served.iter().map(u16::to_string).collect::<Vec<_>>().join(" and ")
            ))
        })
        .collect()
}

/// Links that speak TLS to a port the server serves in plaintext only
/// (`rediss://redis:6379` to a server with `--port 6379 --tls-port 6380`):
/// broken or misconfigured today, whatever the change. Only when the
/// server's config names its TLS port, so a TLS setup the scan cannot see
/// is not called wrong.
fn tls_to_plain_port(server: &Resource, c: &Consumer) -> Vec<String> {
    let (Some(plain), Some(tls_port)) = (server.port, server.tls_port) else {
        return Vec::new();
    };
    if server.external || plain == tls_port {
        return Vec::new();
    }
    c.links
        .iter()
        .filter(|l| l.tls == Tls::Yes && l.server_port == Some(plain))
        .map(|l| {
            format!(
                "uses TLS ({}) at {} to port {plain}, which the server serves in plaintext only: it fails today or is misconfigured; use the TLS port {tls_port} ({})",
                written(l),
                l.evidence.origin,
                tls_url(l, Some(tls_port))
            )
        })
        .collect()
}

/// Whether a reason cites the place `at` (`app.yaml:2`), and not another
/// line that starts the same (`app.yaml:21`).
fn cites(reason: &str, at: &str) -> bool {
    reason.match_indices(at).any(|(i, _)| {
        !reason[i + at.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
    })
}

/// Whether a link speaks plaintext (`redis://`, a TLS flag off) to the
/// port a server of the scan serves with TLS only.
fn is_plain_to_tls_port(server: &Resource, l: &Link) -> bool {
    !server.external
        && l.tls == Tls::No
        && l.proxy.is_none()
        && server.tls_port.is_some()
        && l.server_port == server.tls_port
        && server.port != server.tls_port
}

/// Links that speak plaintext to a TLS-only port (`redis://redis:6379` to
/// Bitnami's `REDIS_TLS_PORT=6379` with the plain port off): broken or
/// misconfigured today, whatever the change. (the link's place, the reason)
fn plain_to_tls_port(server: &Resource, c: &Consumer) -> Vec<(String, String)> {
    c.links
        .iter()
        .filter(|l| is_plain_to_tls_port(server, l))
        .map(|l| {
            let at = l.evidence.origin.to_string();
            let port = l.server_port.unwrap_or_default();
            let why = format!(
                "uses plaintext ({}) at {at} to port {port}, which the server serves with TLS only: it fails today or is misconfigured; switch it to {} and configure the CA",
                written(l),
                tls_url(l, Some(port))
            );
            (at, why)
        })
        .collect()
}

/// Links that speak TLS to a server whose config names no TLS port at all
/// (`tls://redis:6380` to a plain `redis:7`): failing today, or TLS is set
/// where the scan cannot see. Not for servers outside the scan.
fn tls_to_no_tls_server(server: &Resource, c: &Consumer) -> Vec<String> {
    if server.external || server.tls_port.is_some() || server.port.is_none() {
        return Vec::new();
    }
    c.links
        .iter()
        .filter(|l| l.tls == Tls::Yes)
        .map(|l| {
            format!(
                "uses TLS ({}) at {}, but {} serves no TLS port the scan can see: it fails today, or TLS is set where the scan cannot see; confirm it before tls=required",
                written(l),
                l.evidence.origin,
                server.id
            )
        })
        .collect()
}

fn tls_by_mode(server: &Resource, c: &Consumer, mode: TlsMode) -> Judgement {
    let without: Vec<&Link> = c.links.iter().filter(|l| l.tls != Tls::Yes).collect();
    match mode {
        TlsMode::Required => match c.tls {
            Tls::Yes => {
                let at: Vec<String> = c
                    .links
                    .iter()
                    .map(|l| l.evidence.origin.to_string())
                    .collect();
                let reason = if at.is_empty() {
                    format!("seen connected with TLS ({})", first_observed(c))
                } else {
                    format!("already uses TLS at {}", at.join(", "))
                };
                (Verdict::Ok, vec![reason])
            }
            Tls::No => {
                let replication = c.notes.iter().any(|n| n == "replication link");
                // Every link not on TLS: the plain ones, and the ones whose
                // TLS nothing shows (`REDIS_SENTINELS=h:26379` beside
                // `CELERY_BROKER_URL=sentinel://h:26379`), or the team fixes
                // half the app.
                let reasons = per_link(
                    c,
                    |l| l.tls != Tls::Yes,
                    |l| {
                        if l.tls == Tls::No {
                            plain_tls_advice(server, l)
                        } else {
                            unknown_tls_advice(server, l)
                        }
                    },
                    |seen| {
                        if replication {
                            format!("replication link without TLS ({seen}); set tls-replication yes on the replicas")
                        } else {
                            format!("seen connected without TLS ({seen}); switch it to rediss:// and configure the CA")
                        }
                    },
                );
                (Verdict::Breaks, reasons)
            }
            // Nothing shows TLS on the client, and the server serves none:
            // the client connects in plaintext today, so it breaks.
            Tls::Unknown if serves_no_tls(server) => {
                let reasons = per_link(
                    c,
                    |l| l.tls != Tls::Yes,
                    |l| {
                        format!(
                            "{} at {} sets no TLS, and {} serves no TLS port the scan can see (defined at {}): it connects in plaintext today; use {} or the client's TLS option, and configure the CA",
                            written(l),
                            l.evidence.origin,
                            server.id,
                            server
                                .defined_by
                                .as_ref()
                                .map_or_else(|| "?".to_string(), ToString::to_string),
                            tls_url(l, server.tls_port)
                        )
                    },
                    |seen| {
                        format!("seen connected ({seen}) to a server that serves no TLS port: it connects in plaintext today; switch it to rediss:// and configure the CA")
                    },
                );
                (Verdict::Breaks, reasons)
            }
            Tls::Unknown => {
                let reasons = per_link(
                    c,
                    |l| l.tls != Tls::Yes,
                    |l| unknown_tls_advice(server, l),
                    |seen| {
                        format!("TLS not configured anywhere visible: seen connected ({seen}) but whether it uses TLS is unknown; confirm it connects with rediss://")
                    },
                );
                (Verdict::AtRisk, reasons)
            }
        },
        TlsMode::Preferred => {
            let mut reasons: Vec<String> = without
                .iter()
                .map(|l| match (l.endpoint.scheme, client_spelling(l)) {
                    // Dapr and KEDA: an `enableTLS` item in the metadata.
                    (_, Spelling::EnableTls) => format!(
                        "still connects without TLS at {}; set `enableTLS: \"true\"` in its metadata before tls=required",
                        l.evidence.origin
                    ),
                    // A host and port: no URL to move; its client's option.
                    (Scheme::Plain, Spelling::Url | Spelling::IoredisOptions) => {
                        let port = match server.tls_port {
                            Some(p) => format!(" and use port {p}"),
                            None => " and use the server's TLS port".to_string(),
                        };
                        format!(
                            "still connects without TLS at {}; turn on its client's TLS option{port} before tls=required",
                            l.evidence.origin
                        )
                    }
                    _ => format!(
                        "still connects without TLS at {}; move to {} before tls=required",
                        l.evidence.origin,
                        tls_url(l, server.tls_port)
                    ),
                })
                .collect();
            if reasons.is_empty() && c.tls != Tls::Yes {
                reasons.push(format!(
                    "still connects without TLS ({}); move it to rediss:// before tls=required",
                    first_observed(c)
                ));
            }
            (Verdict::Ok, reasons)
        }
        TlsMode::Disabled => {
            let plain = |l: &Link| {
                let scheme = match client_spelling(l) {
                    Spelling::Stream => "tcp",
                    Spelling::Url | Spelling::IoredisOptions | Spelling::EnableTls => "redis",
                };
                match server.port {
                    Some(p) => format!("{scheme}://{}:{p}", l.endpoint.host),
                    None => format!("{scheme}://{}", l.endpoint.host),
                }
            };
            // Judged link by link: one connection over TLS fails when the
            // TLS port goes, whatever the consumer's other connections do.
            // A consumer known only from a client list has its merged TLS.
            let on = |t: Tls| {
                if c.links.is_empty() {
                    c.tls == t || (t == Tls::Yes && c.seen_over_tls)
                } else {
                    c.links.iter().any(|l| l.tls == t)
                }
            };
            let unknown_reason = |l: &Link| {
                format!(
                    "TLS use unknown at {}; confirm it can connect with {}",
                    l.evidence.origin,
                    plain(l)
                )
            };
            if !on(Tls::Yes) && c.seen_over_tls {
                // Its config shows no TLS, but a connection seen live has it.
                return (
                    Verdict::Breaks,
                    vec![format!(
                        "seen connected with TLS ({}) though its config shows none: a setting the scan cannot see, or another process of it; switch it to redis:// first",
                        first_observed_tls(c)
                    )],
                );
            }
            if on(Tls::Yes) {
                let reasons = per_link(
                    c,
                    |l| l.tls != Tls::No,
                    |l| match l.tls {
                        Tls::Yes => format!(
                            "uses TLS ({}) at {}; switch to {}",
                            written(l),
                            l.evidence.origin,
                            plain(l)
                        ),
                        _ => unknown_reason(l),
                    },
                    |seen| format!("seen connected with TLS ({seen}); switch it to redis:// first"),
                );
                (Verdict::Breaks, reasons)
            } else if on(Tls::Unknown) {
                let reasons = per_link(
                    c,
                    |l| l.tls == Tls::Unknown,
                    unknown_reason,
                    |seen| {
                        format!("seen connected ({seen}) but whether it uses TLS is unknown; confirm it can connect without TLS")
                    },
                );
                (Verdict::AtRisk, reasons)
            } else {
                let reasons = per_link(
                    c,
                    |_| true,
                    |l| {
                        format!(
                            "connects without TLS ({}) at {}: unaffected",
                            written(l),
                            l.evidence.origin
                        )
                    },
                    |seen| format!("seen connected without TLS ({seen}): unaffected"),
                );
                (Verdict::Ok, reasons)
            }
        }
    }
}

fn is_external_name(link: &Link) -> bool {
    link.service
        .as_deref()
        .is_some_and(|s| split_external_name(s).is_some())
}

/// The Service that maps the link's port, when one does.
fn port_mapping_service(link: &Link) -> Option<&str> {
    let service = link.service.as_deref()?;
    match split_external_name(service) {
        Some((_, behind)) => behind,
        None => Some(service),
    }
}

fn port_move(server: &Resource, c: &Consumer, old: Option<u16>, new: u16, key: &str) -> Judgement {
    let external = server.external;
    if c.links.is_empty() {
        return (
            Verdict::AtRisk,
            vec![format!(
                "seen connected ({}) but its config is unknown; make sure it follows the move to {key} {new}",
                first_observed(c)
            )],
        );
    }
    let mut verdict = Verdict::Ok;
    let mut reasons = Vec::new();
    for l in &c.links {
        if l.endpoint.is_socket() {
            reasons.push(format!(
                "connects over the Unix socket {} at {}, which the move to {key} {new} does not touch",
                l.endpoint.host, l.evidence.origin
            ));
            continue;
        }
        if l.server_port.is_none() && !external {
            verdict = verdict.min(Verdict::AtRisk);
            reasons.push(format!(
                "the port {} reaches is unknown ({} at {}); check it after the move to {key} {new}",
                l.endpoint.port_or_default(),
                l.endpoint.raw,
                l.evidence.origin
            ));
            continue;
        }
        // The server serves no such port today (`--port 0`): the change
        // opens one, and the port this link uses stays where it is.
        if old.is_none() {
            let (what, other) = if key == "port" {
                ("plaintext port", "tls-port")
            } else {
                ("TLS port", "port")
            };
            let uses = l
                .server_port
                .unwrap_or_else(|| l.endpoint.port_or_default());
            reasons.push(format!(
                "uses port {uses} at {}, which does not move: {} serves no {what} today, so {key} {new} opens one; to move the port it uses, set {other}=",
                l.evidence.origin, server.id
            ));
            continue;
        }
        if l.server_port != old {
            let served: Vec<String> = [server.port, server.tls_port]
                .into_iter()
                .flatten()
                .map(|p| p.to_string())
                .collect();
            match l.server_port {
                Some(p) if served.contains(&p.to_string()) => reasons.push(format!(
                    "uses port {p} at {}, which does not move",
                    l.evidence.origin
                )),
                Some(p) if l.endpoint.scheme == Scheme::Sentinel => reasons.push(format!(
                    "asks Sentinel on port {p} at {}, which announces the new {key}",
                    l.evidence.origin
                )),
                // A port the instance does not serve: broken today, or
                // the scan misses where the instance serves it.
                Some(p) => {
                    verdict = verdict.min(Verdict::AtRisk);
                    let at = l.port_origin.as_ref().unwrap_or(&l.evidence.origin);
                    reasons.push(format!(
                        "names port {p} at {at}, which {} does not serve (it serves {}); it fails today or the scan misses a setting: check it before the move to {key} {new}",
                        server.id,
                        served.join(" and ")
                    ));
                }
                None => {}
            }
            continue;
        }
        let written_port = l.endpoint.port_or_default();
        match port_mapping_service(l) {
            Some(service) if !external => reasons.push(format!(
                "reaches it through Service {service} port {written_port} at {}; update the Service targetPort to {new}",
                l.evidence.origin
            )),
            _ => {
                verdict = Verdict::Breaks;
                // Cite where the port is written: that is the line to edit.
                let at = l.port_origin.as_ref().unwrap_or(&l.evidence.origin);
                reasons.push(match l.endpoint.port {
                    Some(_) => format!("names port {written_port} at {at}; change to {new}"),
                    None => format!(
                        "uses the default port {written_port} (none written) at {at}; set port {new}"
                    ),
                });
            }
        }
    }
    (verdict, reasons)
}

fn host_move(server: &Resource, c: &Consumer, new: &str) -> Judgement {
    let same = |host: &str| {
        host.trim_end_matches('.')
            .eq_ignore_ascii_case(new.trim_end_matches('.'))
    };
    // A name the instance already answers to: nothing moves.
    if same(&server.name) || server.aliases.iter().any(|a| same(a)) {
        return (
            Verdict::Ok,
            vec![format!(
                "`{new}` is already a name of {}: nothing moves; give the host it moves to",
                server.id
            )],
        );
    }
    if c.links.is_empty() {
        return (
            Verdict::AtRisk,
            vec![format!(
                "seen connected ({}) but its config is unknown; make sure it follows the move to {new}",
                first_observed(c)
            )],
        );
    }
    let mut verdict = Verdict::Ok;
    let mut reasons = Vec::new();
    for l in &c.links {
        match l.service.as_deref() {
            Some(service) if is_external_name(l) => {
                let name = split_external_name(service).map_or(service, |(n, _)| n);
                reasons.push(format!(
                    "reaches it through ExternalName {name} at {}; repoint ExternalName {name} to {new}",
                    l.evidence.origin
                ));
            }
            _ if same(&l.endpoint.host) => {
                reasons.push(format!("already uses `{new}` at {}", l.evidence.origin))
            }
            // A socket is a file beside the Redis (a volume of its pod or
            // project): it does not follow the Redis to another host.
            _ if l.endpoint.is_socket() => {
                verdict = Verdict::Breaks;
                // The server's TCP ports as its config gives them: a
                // socket-only Redis (`--port 0`) has none to name yet.
                let over_tcp = match (server.port, server.tls_port) {
                    (Some(p), Some(t)) => format!("`redis://{new}:{p}`, or `rediss://{new}:{t}`"),
                    (Some(p), None) => format!("`redis://{new}:{p}`"),
                    (None, Some(t)) => format!("`rediss://{new}:{t}`"),
                    (None, None) => "the port it will serve there: it serves no TCP port today (`--port 0`), so give it one".to_string(),
                };
                reasons.push(format!(
                    "reaches it over the Unix socket {} at {}, a file shared with the Redis on its own host or pod; the socket does not move to {new}: point it at {new} over TCP ({over_tcp})",
                    l.endpoint.host, l.evidence.origin
                ));
            }
            // A sidecar in its own pod, over `localhost`: the name keeps
            // resolving, to nothing, once the Redis moves away.
            _ if fallout_core::endpoint::is_loopback(&l.endpoint.host) => {
                verdict = Verdict::Breaks;
                reasons.push(format!(
                    "reaches it in its own pod over `{}` at {}; the Redis leaves the pod with the move to {new}: point it at {new}",
                    l.endpoint.host, l.evidence.origin
                ));
            }
            _ => {
                verdict = Verdict::Breaks;
                reasons.push(format!(
                    "uses alias `{}` at {}; it stops resolving after the move to {new}; change it to {new}",
                    l.endpoint.host, l.evidence.origin
                ));
            }
        }
    }
    (verdict, reasons)
}

fn authenticates(c: &Consumer) -> bool {
    !c.credentials.is_empty()
        || c.links.iter().any(link_authenticates)
        || !seen_logged_in(c).is_empty()
}

/// Whether one link sends a password: in its URL, or from a credential
/// paired with it. A user name alone (`REDIS_USERNAME=alice`,
/// `redis://alice@cache`) is no credential: `AUTH` needs a password.
fn link_authenticates(l: &Link) -> bool {
    l.endpoint.has_password || l.credential.is_some()
}

/// The users it was seen logged in as on a client list (Redis lists a
/// client that sent no `AUTH` as `default`, which is never kept): a
/// login, so a password was sent, wherever it is set.
fn seen_logged_in(c: &Consumer) -> Vec<&String> {
    c.users
        .iter()
        .filter(|u| !observed_as(c, u).is_empty())
        .collect()
}

/// Authenticates only through credentials the scanner could only suspect
/// (a Secret outside the scan feeding the environment may hold them). A
/// user name written beside them proves no password.
fn only_uncertain(c: &Consumer) -> bool {
    let mut with_credential = c.links.iter().filter(|l| l.credential.is_some()).peekable();
    with_credential.peek().is_some()
        && with_credential.all(|l| l.credential_suspected)
        && seen_logged_in(c).is_empty()
        && !c.links.iter().any(|l| l.endpoint.has_password)
}

/// At risk, one reason per suspected credential.
fn uncertain(c: &Consumer, reason: impl Fn(&str) -> String) -> Judgement {
    (
        Verdict::AtRisk,
        c.credentials.iter().map(|cred| reason(cred)).collect(),
    )
}

fn auth_required(server: &Resource, c: &Consumer) -> Judgement {
    if only_uncertain(c) {
        return uncertain(c, |cred| {
            format!("no password visible; {cred}: confirm it sets one before auth is required")
        });
    }
    let already = if server.requires_auth {
        // Where it is told to, else where it is defined.
        let at = server
            .auth_origin
            .as_ref()
            .or(server.defined_by.as_ref())
            .map(|d| format!(" ({d})"))
            .unwrap_or_default();
        format!("; the server already requires a password{at}")
    } else {
        String::new()
    };
    if authenticates(c) {
        // A credential it surely holds: a suspected one beside it
        // (`… may hold it`) says nothing of a password.
        let certain = c
            .links
            .iter()
            .filter(|l| !l.credential_suspected)
            .find_map(|l| l.credential.as_ref());
        let how = certain
            .map(|cred| format!("with the password {}", password_in(cred)))
            .or_else(|| {
                c.links.iter().find(|l| l.endpoint.has_password).map(|l| {
                    format!(
                        "with the password in `{}` at {}",
                        l.endpoint.raw, l.evidence.origin
                    )
                })
            })
            .or_else(|| {
                seen_logged_in(c)
                    .first()
                    .map(|u| format!("as user `{u}` (seen logged in)"))
            })
            .unwrap_or_else(|| "with a password".to_string());
        // One connection with a password says nothing of another without
        // (`CACHE_REDIS_URL=redis://:pw@redis`, `QUEUE_REDIS_URL=redis://redis`):
        // unless both spell one connection, the second fails.
        let bare: Vec<&Link> = c.links.iter().filter(|l| !link_authenticates(l)).collect();
        if let (false, Some(with)) = (
            bare.is_empty(),
            c.links.iter().find(|l| link_authenticates(l)),
        ) {
            let reasons = bare
                .iter()
                .map(|l| {
                    format!(
                        "connects without a password at {}, though it sends one at {}: unless both name one connection, give this one a password{} before auth is required",
                        l.evidence.origin, with.evidence.origin, kept_from(c)
                    )
                })
                .collect();
            return (Verdict::AtRisk, reasons);
        }
        // Seen live logged in as `default` on a server that requires no
        // password: that connection sent none, whatever the others do.
        // (`AUTH <password>` logs in as `default` too: only a login as
        // another user shows the `default` connection sent nothing.)
        let as_default = observed_as(c, "default");
        if !server.requires_auth && !as_default.is_empty() && !seen_logged_in(c).is_empty() {
            let reasons = as_default
                .iter()
                .map(|e| {
                    format!(
                        "seen connected as `default`, sending no password ({}), though it authenticates {how} on another connection: unless both are one connection's, give this one a password{} before auth is required",
                        e.origin,
                        kept_from(c)
                    )
                })
                .collect();
            return (Verdict::AtRisk, reasons);
        }
        return (
            Verdict::Ok,
            vec![format!("already authenticates {how}{already}")],
        );
    }
    if c.links.is_empty() {
        return (
            Verdict::AtRisk,
            vec![format!(
                "seen connected ({}) but whether it sends a password is unknown; check before auth is required",
                first_observed(c)
            )],
        );
    }
    // A server that already requires a password and a client that shows
    // none: the password is set where the scan cannot see, or the client
    // fails today. Either way the change itself is not what breaks it.
    if server.requires_auth {
        let reasons = c
            .links
            .iter()
            .map(|l| {
                format!(
                    "no password visible at {}{already}: it is set where the scan cannot see, or the connection fails today; confirm which",
                    l.evidence.origin
                )
            })
            .collect();
        return (Verdict::AtRisk, reasons);
    }
    let reasons = c
        .links
        .iter()
        .map(|l| {
            format!(
                "connects without a password at {}; give it one{} before auth is required",
                l.evidence.origin,
                kept_from(c)
            )
        })
        .collect();
    (Verdict::Breaks, reasons)
}

/// Where a new password should come from, for the consumer's kind: a
/// Secret in Kubernetes, an env file or compose secret in compose.
fn kept_from(c: &Consumer) -> &'static str {
    match c.id.kind {
        fallout_core::ConsumerKind::Kube(_) => " (from a Secret)",
        fallout_core::ConsumerKind::ComposeService => " (from an env_file or a compose secret)",
        _ => "",
    }
}

/// Where a credential is, after "the password": `in env REDIS_PASSWORD at
/// …`; a place that says `in` itself (`in build context ./app …`) as it is.
fn password_in(cred: &str) -> String {
    if cred.starts_with("in ") {
        cred.to_string()
    } else {
        format!("in {cred}")
    }
}

fn password_rotate(server: &Resource, c: &Consumer) -> Judgement {
    if only_uncertain(c) {
        return uncertain(c, |cred| {
            format!("{cred}: if it holds the password, update it with the rotation")
        });
    }
    if !c.credentials.is_empty() {
        let reasons = c
            .credentials
            .iter()
            .map(|cred| {
                format!(
                    "holds the password {}; update it with the rotation",
                    password_in(cred)
                )
            })
            .collect();
        return (Verdict::Breaks, reasons);
    }
    let with_password: Vec<String> = c
        .links
        .iter()
        .filter(|l| l.endpoint.has_password)
        .map(|l| {
            format!(
                "has the password in `{}` at {}; update it with the rotation",
                l.endpoint.raw, l.evidence.origin
            )
        })
        .collect();
    if !with_password.is_empty() {
        return (Verdict::Breaks, with_password);
    }
    let at = c
        .primary_evidence()
        .map(|e| e.origin.to_string())
        .unwrap_or_default();
    // The server requires a password: a client that works today sends
    // one, from where the scan cannot see.
    if server.requires_auth {
        let told = server
            .auth_origin
            .as_ref()
            .or(server.defined_by.as_ref())
            .map(|d| format!(" ({d})"))
            .unwrap_or_default();
        return (
            Verdict::AtRisk,
            vec![format!(
                "no visible credential ({at}), but the server requires a password{told}: it authenticates with one set where the scan cannot see (or fails today); find where and update it with the rotation"
            )],
        );
    }
    (
        Verdict::AtRisk,
        vec![format!(
            "no visible credential ({at}); if it authenticates, its password must be updated with the rotation"
        )],
    )
}

/// Removing an ACL user breaks who authenticates as it; removing (or
/// disabling) `default` breaks every client that sends no user name, since
/// Redis logs those in as `default`.
fn acl_user_removed(c: &Consumer, user: &str) -> Judgement {
    if c.users.iter().any(|u| u == user) {
        let mut at: Vec<String> = c
            .links
            .iter()
            .filter(|l| l.endpoint.user.as_deref() == Some(user))
            .map(|l| l.evidence.origin.to_string())
            .collect();
        if at.is_empty() {
            // The connections seen as that user, each by its address.
            at = observed_as(c, user).iter().map(|e| describe(e)).collect();
        }
        return (
            Verdict::Breaks,
            vec![format!(
                "authenticates as ACL user `{user}` at {}; move it to another user first",
                at.join(", ")
            )],
        );
    }
    let named: Vec<&Link> = c
        .links
        .iter()
        .filter(|l| l.endpoint.user.is_some())
        .collect();
    let unnamed: Vec<&Link> = c
        .links
        .iter()
        .filter(|l| l.endpoint.user.is_none())
        .collect();
    // A user name written wins over one a Secret's `envFrom` may hold.
    if named.is_empty() && c.users.is_empty() && only_uncertain(c) {
        // `redis://name@host`: to most clients the name is the user's,
        // shown nowhere (to Lettuce it is the password).
        if let Some(l) = c.links.iter().find(|l| l.endpoint.lone_userinfo) {
            return (
                Verdict::AtRisk,
                vec![format!(
                    "a lone name before `@` at {} is the user name to most clients (not shown: to Lettuce it is the password); confirm it is not `{user}`",
                    l.evidence.origin
                )],
            );
        }
        return uncertain(c, |cred| {
            format!("no user name visible; {cred}: confirm it does not log in as `{user}`")
        });
    }
    if user == "default" {
        // Seen connected as `default`, whatever else it also logs in as;
        // or seen only live, with no user at all.
        let as_default = observed_as(c, "default");
        let seen = if !as_default.is_empty() {
            Some(
                as_default
                    .iter()
                    .map(|e| describe(e))
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        } else if c.links.is_empty() && c.users.is_empty() {
            Some(first_observed(c))
        } else {
            None
        };
        if let Some(seen) = seen {
            return (
                Verdict::Breaks,
                vec![format!(
                    "seen connected as `default` ({seen}); give it its own ACL user first"
                )],
            );
        }
        // Seen live as another user, though no config names one: the name
        // is set where the scan cannot see.
        let live_users: Vec<&String> = c
            .users
            .iter()
            .filter(|u| !named.iter().any(|l| l.endpoint.user.as_ref() == Some(*u)))
            .collect();
        if !unnamed.is_empty() && !live_users.is_empty() {
            let reasons = unnamed
                .iter()
                .map(|l| {
                    format!(
                        "sends no user name at {}, but was seen live as `{}`: the name is set where the scan cannot see; confirm it never logs in as `default`",
                        l.evidence.origin, live_users[0]
                    )
                })
                .collect();
            return (Verdict::AtRisk, reasons);
        }
        if !unnamed.is_empty() {
            let reasons = unnamed
                .iter()
                .map(|l| {
                    format!(
                        "sends no user name at {}, so Redis logs it in as `default`; give it its own ACL user first",
                        l.evidence.origin
                    )
                })
                .collect();
            return (Verdict::Breaks, reasons);
        }
    }
    let as_whom = match (named.first(), c.users.first()) {
        (Some(l), _) => format!(
            "authenticates as `{}` at {}",
            l.endpoint.user.as_deref().unwrap_or_default(),
            l.evidence.origin
        ),
        (None, Some(u)) => format!("authenticates as `{u}`"),
        (None, None) => match c.primary_evidence() {
            Some(e) => format!("sends no user name ({}), so it is `default`", e.origin),
            None => "sends no user name, so it is `default`".to_string(),
        },
    };
    (Verdict::Ok, vec![format!("{as_whom}, not `{user}`")])
}

/// The level at which a gate fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FailOn {
    /// A consumer breaks.
    Breaks,
    /// A consumer breaks or is at risk.
    AtRisk,
    /// A consumer breaks, is at risk, or is not documented.
    Undocumented,
}

impl FailOn {
    pub fn as_str(self) -> &'static str {
        match self {
            FailOn::Breaks => "breaks",
            FailOn::AtRisk => "at-risk",
            FailOn::Undocumented => "undocumented",
        }
    }
}

impl fmt::Display for FailOn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A `--fail-on` value that is not a level.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailOnError {
    pub value: String,
}

impl fmt::Display for FailOnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid fail level `{}`; valid values: breaks, at-risk, undocumented",
            self.value
        )
    }
}

impl std::error::Error for FailOnError {}

impl FromStr for FailOn {
    type Err = FailOnError;

    fn from_str(s: &str) -> Result<FailOn, FailOnError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "breaks" => Ok(FailOn::Breaks),
            "at-risk" => Ok(FailOn::AtRisk),
            "undocumented" => Ok(FailOn::Undocumented),
            _ => Err(FailOnError {
                value: s.to_string(),
            }),
        }
    }
}

/// The consumers that fail the gate at `fail_on`. Approved consumers never do.
pub fn failing(resource: &Resource, fail_on: FailOn) -> Vec<&Consumer> {
    resource
        .consumers
        .iter()
        .filter(|c| c.approval.is_none())
        .filter(|c| match fail_on {
            FailOn::Breaks => c.verdict == Some(Verdict::Breaks),
            FailOn::AtRisk => matches!(c.verdict, Some(Verdict::Breaks | Verdict::AtRisk)),
            FailOn::Undocumented => {
                matches!(c.verdict, Some(Verdict::Breaks | Verdict::AtRisk)) || !c.documented
            }
        })
        .collect()
}

/// Attaches each approval to the consumer it names (by consumer id). Each
/// comes with where it is written (the approvals file and the line of its
/// entry), which its warnings cite: an approval that names no consumer of
/// `resource` (a typo there would silently let nothing through; the
/// closest id is suggested), one that names several, and two that name the
/// same consumer (the later one is kept).
pub fn apply_approvals(
    resource: &mut Resource,
    approvals: &[(Approval, Origin)],
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    // consumer index → where the approval it holds is written
    let mut approved_at: Vec<Option<&Origin>> = vec![None; resource.consumers.len()];
    for (approval, origin) in approvals {
        let wanted = approval.consumer.trim();
        // The full id (`api/Deployment/search`), else the names reports
        // print: `api/search` or `search`, when only one consumer has it.
        let full: Vec<usize> = (0..resource.consumers.len())
            .filter(|&i| resource.consumers[i].id.to_string() == wanted)
            .collect();
        let matches = if full.is_empty() {
            (0..resource.consumers.len())
                .filter(|&i| {
                    let id = &resource.consumers[i].id;
                    id.name == wanted
                        || id
                            .namespace
                            .as_deref()
                            .is_some_and(|ns| format!("{ns}/{}", id.name) == wanted)
                })
                .collect()
        } else {
            full
        };
        if matches.len() > 1 {
            let names: Vec<String> = matches
                .iter()
                .map(|&i| resource.consumers[i].id.to_string())
                .collect();
            diagnostics.push(
                Diagnostic::warning(
                    "approval-ambiguous",
                    format!(
                        "approval by {} names `{}`, which matches several consumers ({}); write the full id; it approves nothing",
                        approval.by,
                        approval.consumer,
                        names.join(", ")
                    ),
                )
                .at_origin(origin),
            );
            continue;
        }
        let Some(&i) = matches.first() else {
            let hint = closest_consumer(resource, wanted)
                .map(|id| format!("; did you mean {id}?"))
                .unwrap_or_default();
            diagnostics.push(
                Diagnostic::warning(
                    "approval-unknown",
                    format!(
                        "approval by {} names `{}`, which is not a consumer of {}; it approves nothing{hint}",
                        approval.by, approval.consumer, resource.id
                    ),
                )
                .at_origin(origin),
            );
            continue;
        };
        if let Some(earlier) = approved_at[i] {
            diagnostics.push(
                Diagnostic::warning(
                    "approval-duplicate",
                    format!(
                        "{} is approved twice, at {earlier} and at {origin}; the later (by {}) is kept; remove one",
                        resource.consumers[i].id, approval.by
                    ),
                )
                .at_origin(origin),
            );
        }
        approved_at[i] = Some(origin);
        resource.consumers[i].approval = Some(approval.clone());
    }
    diagnostics
}

/// The consumer id within a typo of `wanted` (edits under a quarter of its
/// length, transpositions counting one), matched against the full id and
/// the names reports print (`ns/name`, `name`).
fn closest_consumer(resource: &Resource, wanted: &str) -> Option<String> {
    let wanted = wanted.to_ascii_lowercase();
    resource
        .consumers
        .iter()
        .map(|c| {
            let id = c.id.to_string();
            let mut names = vec![id.to_ascii_lowercase(), c.id.name.to_ascii_lowercase()];
            if let Some(ns) = &c.id.namespace {
                names.push(format!("{ns}/{}", c.id.name).to_ascii_lowercase());
            }
            let best = names
                .iter()
                .map(|n| strsim::normalized_damerau_levenshtein(&wanted, n))
                .fold(0.0, f64::max);
            (best, id)
        })
        .filter(|(score, _)| *score >= 0.75)
        .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)))
        .map(|(_, id)| id)
}

//! Wording and ordering every renderer shares, so the formats agree: which
//! consumer comes first, how a piece of evidence is labelled, how counts read.

use crate::View;
use fallout_core::{Consumer, Evidence, Origin, Resource, Verdict};

/// Consumers in report order: undocumented first (the drift a reader must
/// see), then those seen live but named in no config (the finding nobody
/// wrote down), then by verdict (breaks, at-risk, ok, none), then by id.
pub fn ordered_consumers(consumers: &[Consumer]) -> Vec<&Consumer> {
    ordered_consumers_with_ids(consumers)
        .into_iter()
        .map(|(_, c)| c)
        .collect()
}

/// [`ordered_consumers`] with each consumer's id as text, which the order
/// is made with (for renderers that print it: made once, not twice).
pub(crate) fn ordered_consumers_with_ids(consumers: &[Consumer]) -> Vec<(String, &Consumer)> {
    let mut keyed: Vec<((bool, bool, u8), String, &Consumer)> = consumers
        .iter()
        .map(|c| {
            let rank = (c.documented, !c.only_observed(), verdict_rank(c.verdict));
            (rank, c.id.to_string(), c)
        })
        .collect();
    keyed.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    keyed.into_iter().map(|(_, id, c)| (id, c)).collect()
}

/// Consumers by verdict first (breaks, at-risk, ok), then undocumented, then
/// id: the checklist's order, where the work to do leads each owner's list.
pub(crate) fn by_verdict(consumers: &[&Consumer]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..consumers.len()).collect();
    idx.sort_by_cached_key(|&i| {
        let c = consumers[i];
        (verdict_rank(c.verdict), c.documented, c.id.to_string())
    });
    idx
}

fn verdict_rank(verdict: Option<Verdict>) -> u8 {
    match verdict {
        Some(Verdict::Breaks) => 0,
        Some(Verdict::AtRisk) => 1,
        Some(Verdict::Ok) => 2,
        None => 3,
    }
}

/// How many consumers there are and what the change does to them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub consumers: usize,
    pub breaks: usize,
    pub at_risk: usize,
    pub ok: usize,
    pub undocumented: usize,
}

impl Counts {
    pub fn of<'a>(consumers: impl IntoIterator<Item = &'a Consumer>) -> Counts {
        let mut counts = Counts::default();
        for c in consumers {
            counts.consumers += 1;
            match c.verdict {
                Some(Verdict::Breaks) => counts.breaks += 1,
                Some(Verdict::AtRisk) => counts.at_risk += 1,
                Some(Verdict::Ok) => counts.ok += 1,
                None => {}
            }
            if !c.documented {
                counts.undocumented += 1;
            }
        }
        counts
    }

    pub fn of_view(view: &View) -> Counts {
        Counts::of(
            view.inventory
                .resources
                .iter()
                .flat_map(|r| r.consumers.iter()),
        )
    }

    /// `3 break, 2 at risk, 1 ok`.
    pub fn verdicts(&self) -> String {
        format!(
            "{} break, {} at risk, {} ok",
            self.breaks, self.at_risk, self.ok
        )
    }

    /// `6 consumers: 3 break, 2 at risk, 1 ok; 2 undocumented`, or without
    /// verdicts `6 consumers; 2 undocumented`.
    pub fn summary(&self, with_verdicts: bool) -> String {
        let mut out = plural(self.consumers, "consumer", "consumers");
        if with_verdicts {
            out.push_str(": ");
            out.push_str(&self.verdicts());
        }
        if self.undocumented > 0 {
            out.push_str(&format!("; {} undocumented", self.undocumented));
        }
        out
    }
}

pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The verdict's words in prose: `breaks`, `at risk`, `ok`.
pub(crate) fn verdict_words(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Breaks => "breaks",
        Verdict::AtRisk => "at risk",
        Verdict::Ok => "ok",
    }
}

/// How the consumer reaches the resource `resource_id`: the address each
/// link names, with the Service or alias it went through when that is not
/// the resource itself (`sessions-redis:6380 (web/sessions-redis)`); else
/// the aliases it used.
pub(crate) fn via(consumer: &Consumer, resource_id: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for link in &consumer.links {
        let address = link.endpoint.address();
        let hop = match (&link.proxy, &link.service) {
            (Some(proxy), _) => format!("{address} (proxy {proxy})"),
            (None, Some(service)) if service != resource_id => format!("{address} ({service})"),
            _ => address,
        };
        if !out.contains(&hop) {
            out.push(hop);
        }
    }
    if out.is_empty() {
        for v in &consumer.via {
            if !out.contains(v) {
                out.push(v.clone());
            }
        }
    }
    out
}

/// What a live client said about itself, for a `client` consumer (one
/// seen in `CLIENT LIST` and attributed to no workload): its names, its
/// users other than `default` (`name mystery-job, user reports`); its
/// client library only when it gave neither (`lib redis-py`). The IP alone tells a
/// reader nothing; the name usually says which job it is. `None` for other
/// consumers and for a client that said nothing.
///
/// The name and library are read from the observed evidence's detail,
/// which the graph writes as `client ADDR, name `N`, user `U`, lib L V, …;
/// how it was attributed` (`fallout_graph` build.rs); Redis forbids spaces
/// in client names, users and library names, so `, ` separates them safely.
pub(crate) fn client_identity(consumer: &Consumer) -> Option<String> {
    if consumer.id.kind != fallout_core::ConsumerKind::Client {
        return None;
    }
    let mut names: Vec<String> = Vec::new();
    let mut users: Vec<String> = Vec::new();
    let mut libs: Vec<String> = Vec::new();
    let add = |list: &mut Vec<String>, value: &str| {
        // one cell, one line: nothing that could move the columns
        let value: String = value.chars().filter(|c| !c.is_control()).collect();
        if !value.is_empty() && value != "default" && !list.contains(&value) {
            list.push(value);
        }
    };
    for e in &consumer.evidence {
        if e.strength != fallout_core::Strength::Observed {
            continue;
        }
        let seen = e.detail.split("; ").next().unwrap_or("");
        for part in seen.split(", ") {
            let quoted = |key: &str| {
                part.strip_prefix(key)
                    .and_then(|v| v.strip_prefix(" `"))
                    .and_then(|v| v.strip_suffix('`'))
            };
            if let Some(name) = quoted("name") {
                add(&mut names, name);
            } else if let Some(user) = quoted("user") {
                add(&mut users, user);
            } else if let Some(lib) = part.strip_prefix("lib ") {
                add(&mut libs, lib.split(' ').next().unwrap_or(""));
            }
        }
    }
    for user in &consumer.users {
        add(&mut users, user);
    }
    if !names.is_empty() || !users.is_empty() {
        // the library says little once the client has a name or a user
        libs.clear();
    }
    let mut parts = Vec::new();
    for (one, many, list) in [
        ("name", "names", &names),
        ("user", "users", &users),
        ("lib", "libs", &libs),
    ] {
        if !list.is_empty() {
            let key = if list.len() == 1 { one } else { many };
            parts.push(format!("{key} {}", list.join(" and ")));
        }
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// The consumer as a reader recognises it: its id (or `name`, for the
/// table) and, for an unattributed live client, what it said about itself:
/// `client/10.0.0.5 (name mystery-job, user reports)`.
pub(crate) fn consumer_label(consumer: &Consumer, shown: &str) -> String {
    match client_identity(consumer) {
        Some(identity) => format!("{shown} ({identity})"),
        None => shown.to_string(),
    }
}

/// The consumer's namespace, else the file that defines it, else `-`.
pub(crate) fn place(consumer: &Consumer) -> &str {
    consumer
        .id
        .namespace
        .as_deref()
        .or(consumer.id.file.as_deref())
        .unwrap_or("-")
}

/// Evidence strongest first, then by place: the first is the primary one.
pub(crate) fn sorted_evidence(consumer: &Consumer) -> Vec<&Evidence> {
    let mut ev: Vec<&Evidence> = consumer.evidence.iter().collect();
    ev.sort();
    ev
}

/// `explicit`, or `weak: inferred` for evidence that proves no connection.
pub(crate) fn strength_label(evidence: &Evidence) -> String {
    if evidence.strength.is_weak() {
        format!("weak: {}", evidence.strength)
    } else {
        evidence.strength.to_string()
    }
}

/// `api/events.yaml:22 (explicit)`, `live redis://… (observed)`.
pub(crate) fn evidence_label(evidence: &Evidence) -> String {
    format!(
        "{} ({})",
        origin_label(&evidence.origin),
        strength_label(evidence)
    )
}

pub(crate) fn origin_label(origin: &Origin) -> String {
    match origin {
        Origin::File { .. } => origin.to_string(),
        Origin::Live { source } => format!("live {source}"),
    }
}

/// A file path fit for a SARIF artifact URI: a real file (not a `kube://`
/// or other URL-shaped origin), relative as given, with forward slashes.
pub(crate) fn file_path(origin: &Origin) -> Option<(String, Option<u32>)> {
    match origin {
        Origin::File { path, .. } if !path.contains("://") && !path.is_empty() => {
            Some((uri_path(path), origin.line()))
        }
        _ => None,
    }
}

/// A path as a URI reference: forward slashes, and the characters a URI
/// cannot hold (spaces, `%`, `#`, `?`, non-ASCII…) percent-encoded.
pub(crate) fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 8);
    // An absolute path is a `file://` URI (a bare `/tmp/…` is no absolute
    // URI in SARIF); a relative one stays relative to where fallout ran,
    // which is what code scanning maps to the repository.
    let unix_absolute = path.starts_with('/');
    let windows_absolute = path.as_bytes().get(1) == Some(&b':')
        && path.as_bytes().first().is_some_and(u8::is_ascii_alphabetic);
    if unix_absolute {
        out.push_str("file://");
    } else if windows_absolute {
        out.push_str("file:///");
    }
    for byte in path.replace('\\', "/").bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => out.push(byte as char),
            b'-' | b'.' | b'_' | b'~' | b'/' | b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*'
            | b'+' | b',' | b';' | b'=' | b':' | b'@' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// `tls=required, port=6380 on cache/redis-sessions`: what the change does
/// and to which resource (the resolved id when the view has exactly one).
pub(crate) fn change_summary(view: &View) -> Option<String> {
    let change = view.change?;
    let settings: Vec<String> = change.settings.iter().map(|s| s.to_string()).collect();
    let settings = if settings.is_empty() {
        "no settings".to_string()
    } else {
        settings.join(", ")
    };
    Some(format!("{settings} on {}", target(view)))
}

/// The change's target: the resolved resource id, else the alias as given;
/// without a change, the resources the report covers.
pub(crate) fn target(view: &View) -> String {
    match (view.inventory.resources.as_slice(), view.change) {
        ([only], _) => only.id.clone(),
        (_, Some(change)) => change.target.clone(),
        ([], None) => "no resources".to_string(),
        (all, None) => all
            .iter()
            .map(|r| r.id.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// `ports 6379, tls 6380`, `port 6379`, `tls port 6380`, or nothing.
pub(crate) fn ports(resource: &Resource) -> Option<String> {
    match (resource.port, resource.tls_port) {
        (Some(p), Some(t)) => Some(format!("ports {p}, tls {t}")),
        (Some(p), None) => Some(format!("port {p}")),
        (None, Some(t)) => Some(format!("tls port {t}")),
        (None, None) => None,
    }
}

/// The gate's outcome: `failed (fail on breaks): 2 consumers: a, b`.
pub(crate) fn gate_line(view: &View) -> Option<String> {
    let gate = view.gate?;
    let on = if gate.fail_on.is_empty() {
        "nothing".to_string()
    } else {
        gate.fail_on.join(", ")
    };
    Some(if gate.failed {
        format!(
            "failed (fail on {on}): {}: {}",
            plural(gate.failing.len(), "consumer", "consumers"),
            gate.failing.join(", ")
        )
    } else {
        format!("passed (fail on {on})")
    })
}

/// Diagnostics as one line each: `warning: path:line:col: message [code]`.
pub(crate) fn diagnostic_line(d: &fallout_core::Diagnostic) -> String {
    let mut out = format!("{}: ", severity_str(d.severity));
    if let Some(path) = &d.path {
        out.push_str(path);
        if let Some(line) = d.line {
            out.push_str(&format!(":{line}"));
            if let Some(col) = d.col {
                out.push_str(&format!(":{col}"));
            }
        }
        out.push_str(": ");
    }
    out.push_str(&format!("{} [{}]", d.message, d.code));
    out
}

pub(crate) fn severity_str(s: fallout_core::Severity) -> &'static str {
    match s {
        fallout_core::Severity::Error => "error",
        fallout_core::Severity::Warning => "warning",
        fallout_core::Severity::Info => "info",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_paths_keep_slashes_and_encode_the_rest() {
        assert_eq!(uri_path("api/events.yaml"), "api/events.yaml");
        assert_eq!(
            uri_path("deploy\\my app#1.yaml"),
            "deploy/my%20app%231.yaml"
        );
        assert_eq!(uri_path("ü.yaml"), "%C3%BC.yaml");
        // Absolute paths become file URIs (scenario review #2 M1).
        assert_eq!(
            uri_path("/tmp/r/api/app.yaml"),
            "file:///tmp/r/api/app.yaml"
        );
        assert_eq!(uri_path("C:\\r\\app.yaml"), "file:///C:/r/app.yaml");
    }

    #[test]
    fn an_unattributed_client_is_shown_with_what_it_said_about_itself() {
        use fallout_core::{ConsumerId, Strength};
        let observed = |detail: &str| {
            Evidence::new(
                Strength::Observed,
                Origin::Live {
                    source: "redis://10.0.0.1:6379 CLIENT LIST at T".into(),
                },
                detail,
            )
        };
        let mut c = Consumer::new(ConsumerId::client("10.0.0.5"), Strength::Observed);
        c.evidence.push(observed(
            "client 10.0.0.5:4100, name `mystery-job`, user `reports`, lib redis-py 5.0, no TLS, 2 sample(s); unattributed: no pod has IP 10.0.0.5 and no workload matches its name `mystery-job` or user `reports`",
        ));
        c.users.push("reports".into());
        assert_eq!(
            consumer_label(&c, "client/10.0.0.5"),
            "client/10.0.0.5 (name mystery-job, user reports)"
        );
        c.evidence.push(observed(
            "client 10.0.0.5:4200, name `nightly`, user `default`, 1 sample(s); unattributed: no pod has IP 10.0.0.5",
        ));
        assert_eq!(
            client_identity(&c).as_deref(),
            Some("names mystery-job and nightly, user reports")
        );

        let mut anonymous = Consumer::new(ConsumerId::client("10.0.0.6"), Strength::Observed);
        anonymous.evidence.push(observed(
            "client 10.0.0.6:4100, user `default`, lib jedis 5.1, 1 sample(s); unattributed: no pod has IP 10.0.0.6 and the client gave no name",
        ));
        assert_eq!(client_identity(&anonymous).as_deref(), Some("lib jedis"));

        let workload = Consumer::new(
            ConsumerId::kube("api", "Deployment", "events-api"),
            Strength::Observed,
        );
        assert_eq!(consumer_label(&workload, "events-api"), "events-api");
    }

    #[test]
    fn counts_read_as_a_sentence() {
        let counts = Counts {
            consumers: 1,
            breaks: 1,
            at_risk: 0,
            ok: 0,
            undocumented: 0,
        };
        assert_eq!(counts.summary(true), "1 consumer: 1 break, 0 at risk, 0 ok");
        assert_eq!(counts.summary(false), "1 consumer");
    }
}

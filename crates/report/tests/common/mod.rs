//! A realistic inventory for every renderer's tests: the sessions cache of
//! the incident fallout starts from, with six consumers that each stand for
//! one way a consumer is found (explicit URL, secretKeyRef, mounted file,
//! ExternalName alias, NetworkPolicy only, live client only).

#![allow(dead_code)]

use fallout_core::endpoint::redact_url;
use fallout_core::{
    Approval, Change, Consumer, ConsumerId, Diagnostic, Endpoint, Evidence, Inventory, Link,
    Origin, Resource, Setting, Strength, Tls, TlsMode, Verdict,
};
use fallout_report::{Command, Gate, View};

/// A password planted in the builder's raw URLs before redaction; no
/// report may ever contain it.
pub const PLANTED_SECRET: &str = "hunter2";

pub const VERSION: &str = "0.0.0-test";

pub const LIVE_SOURCE: &str = "redis://10.96.12.7:6379 CLIENT LIST at 2026-11-28T10:00:00Z";

fn consumer(id: ConsumerId, tls: Tls, owner: Option<&str>, documented: bool) -> Consumer {
    Consumer {
        tls,
        owner: owner.map(str::to_string),
        documented,
        ..Consumer::new(id, Strength::Documented)
    }
}

/// A link from a URL as a consumer wrote it, password redacted as core does.
fn link(url: &str, service: Option<&str>, server_port: u16, evidence: &Evidence) -> Link {
    let mut endpoint = Endpoint::parse_url(url).expect("test URL parses").remove(0);
    endpoint.raw = redact_url(url);
    Link {
        tls: endpoint.tls,
        endpoint,
        service: service.map(str::to_string),
        server_port: Some(server_port),
        evidence: evidence.clone(),
        credential: None,
        credential_suspected: false,
        port_origin: None,
        proxy: None,
    }
}

fn finish(mut c: Consumer) -> Consumer {
    c.strength = c
        .evidence
        .iter()
        .map(|e| e.strength)
        .min()
        .unwrap_or(Strength::Documented);
    c
}

/// The six consumers of `cache/redis-sessions`, without verdicts.
fn sessions_consumers() -> Vec<Consumer> {
    // 1. An explicit redis:// URL in its own env.
    let mut events = consumer(
        ConsumerId::kube("api", "Deployment", "events-api"),
        Tls::No,
        Some("scheduling"),
        true,
    );
    let ev = Evidence::new(
        Strength::Explicit,
        Origin::file("api/events.yaml", 22),
        "env REDIS_URL = redis://:***@redis-sessions.cache:6379/0",
    );
    events.links.push(link(
        &format!("redis://:{PLANTED_SECRET}@redis-sessions.cache:6379/0"),
        Some("cache/redis-sessions"),
        6379,
        &ev,
    ));
    events.evidence.push(ev);
    events.evidence.push(Evidence::new(
        Strength::Documented,
        Origin::file("catalog/events-api.yaml", 14),
        "dependsOn resource:cache/redis-sessions",
    ));
    events.via.push("redis-sessions.cache:6379".into());
    events
        .credentials
        .push("Secret api/events-redis key REDIS_PASSWORD".into());

    // 2. Through a secretKeyRef, in no catalog: the incident's hidden consumer.
    let mut auth = consumer(
        ConsumerId::kube("api", "Deployment", "auth-api"),
        Tls::No,
        Some("identity"),
        false,
    );
    let ev = Evidence::new(
        Strength::Indirect,
        Origin::file("api/auth.yaml", 41),
        "env SESSION_STORE <- secretKeyRef auth-cache-credentials/AUTH_CACHE_URL",
    );
    auth.links.push(link(
        &format!("redis://default:{PLANTED_SECRET}@redis-sessions.cache.svc.cluster.local:6379"),
        Some("cache/redis-sessions"),
        6379,
        &ev,
    ));
    auth.evidence.push(ev);
    auth.via
        .push("redis-sessions.cache.svc.cluster.local:6379".into());
    auth.credentials
        .push("Secret api/auth-cache-credentials key AUTH_CACHE_URL".into());
    auth.users.push("default".into());

    // 3. A config file mounted from a ConfigMap; its TLS settings are not visible.
    let mut reaper = consumer(
        ConsumerId::kube("jobs", "CronJob", "session-reaper"),
        Tls::Unknown,
        Some("data-eng"),
        true,
    );
    let ev = Evidence::new(
        Strength::Indirect,
        Origin::file("jobs/reaper.yaml", 30),
        "volume settings <- ConfigMap reaper-config key settings.ini mounted at /etc/reaper",
    );
    let mut file_link = Link {
        endpoint: Endpoint::plain(
            "redis-sessions.cache",
            Some(6379),
            "redis-sessions.cache:6379",
        ),
        service: Some("cache/redis-sessions".into()),
        server_port: Some(6379),
        tls: Tls::Unknown,
        evidence: ev.clone(),
        credential: None,
        credential_suspected: false,
        port_origin: None,
        proxy: None,
    };
    file_link.endpoint.tls = Tls::Unknown;
    reaper.links.push(file_link);
    reaper.evidence.push(ev);
    reaper.evidence.push(Evidence::new(
        Strength::Explicit,
        Origin::file("jobs/reaper-config.yaml", 9),
        "settings.ini host = redis-sessions.cache",
    ));
    reaper.via.push("redis-sessions.cache:6379".into());

    // 4. Through an ExternalName alias in its own namespace, already on TLS.
    let mut storefront = consumer(
        ConsumerId::kube("web", "Deployment", "storefront"),
        Tls::Yes,
        Some("storefront"),
        true,
    );
    let ev = Evidence::new(
        Strength::Explicit,
        Origin::file("web/storefront.yaml", 18),
        "env CACHE_URL = rediss://sessions-redis:6380",
    );
    storefront.links.push(link(
        "rediss://sessions-redis:6380",
        Some("web/sessions-redis"),
        6380,
        &ev,
    ));
    storefront.evidence.push(ev);
    storefront.evidence.push(Evidence::new(
        Strength::Observed,
        Origin::Live {
            source: LIVE_SOURCE.into(),
        },
        "addr=10.0.3.21:40112 laddr=10.96.12.7:6380 name=storefront, 12 samples",
    ));
    storefront.via.push("sessions-redis.web:6380".into());

    // 5. Only a NetworkPolicy admits it: weak evidence.
    let mut reports = consumer(
        ConsumerId::kube("batch", "Deployment", "report-builder"),
        Tls::Unknown,
        None,
        true,
    );
    reports.evidence.push(Evidence::new(
        Strength::Inferred,
        Origin::file("cache/netpol.yaml", 9),
        "NetworkPolicy allow-report-builder admits app=report-builder to app=redis-sessions",
    ));
    reports
        .notes
        .push("needs Secrets that could not be read".into());

    // 6. Seen connected, named in no config.
    let mut client = consumer(ConsumerId::client("10.0.4.17:53122"), Tls::No, None, false);
    client.evidence.push(Evidence::new(
        Strength::Observed,
        Origin::Live {
            source: LIVE_SOURCE.into(),
        },
        "client 10.0.4.17:53122, name `legacy-export`, user `default`, lib redis-py 5.0.1, no TLS, 3 sample(s); unattributed: no pod has IP 10.0.4.17 and no workload matches its name `legacy-export` or user `default`",
    ));
    client.users.push("default".into());
    client.notes.push("not in any config".into());

    // Deliberately not in report order: the renderers sort.
    vec![storefront, client, reports, events, reaper, auth]
        .into_iter()
        .map(finish)
        .collect()
}

fn sessions_resource(consumers: Vec<Consumer>) -> Resource {
    Resource {
        id: "cache/redis-sessions".into(),
        kind: "redis",
        name: "redis-sessions".into(),
        namespace: Some("cache".into()),
        aliases: vec![
            "redis-sessions.cache".into(),
            "redis-sessions.cache.svc".into(),
            "redis-sessions.cache.svc.cluster.local".into(),
            "10.96.12.7".into(),
            "sessions-redis.web".into(),
            "redis-sessions-0.redis-sessions.cache".into(),
        ],
        defined_by: Some(Origin::file("cache/redis.yaml", 3)),
        owner: Some("platform".into()),
        port: Some(6379),
        tls_port: Some(6380),
        unixsocket: None,
        requires_auth: false,
        auth_origin: None,
        config_unread: false,
        tls_addresses: Vec::new(),
        external: false,
        consumers,
    }
}

fn diagnostics() -> Vec<Diagnostic> {
    vec![
        Diagnostic::warning(
            "yaml-parse",
            "mapping values are not allowed in this context",
        )
        .at("api/broken.yaml", Some(7), Some(12)),
        Diagnostic::info(
            "secret-unreadable",
            "Secret batch/report-builder-env is not in the scanned files",
        ),
    ]
}

/// `fallout scan`: two resources, one with no consumers; no verdicts.
pub fn scan_inventory() -> Inventory {
    let legacy = Resource {
        id: "legacy/redis-old".into(),
        kind: "redis",
        name: "redis-old".into(),
        namespace: Some("legacy".into()),
        aliases: vec!["redis-old.legacy".into()],
        defined_by: Some(Origin::file("legacy/redis.yaml", 1)),
        owner: None,
        port: Some(6379),
        tls_port: None,
        unixsocket: None,
        requires_auth: false,
        auth_origin: None,
        config_unread: false,
        tls_addresses: Vec::new(),
        external: false,
        consumers: Vec::new(),
    };
    Inventory {
        resources: vec![sessions_resource(sessions_consumers()), legacy],
        diagnostics: diagnostics(),
        documentation_checked: true,
    }
}

fn judge(c: &mut Consumer) {
    let (verdict, reasons): (Verdict, &[&str]) = match c.id.name.as_str() {
        "events-api" => (
            Verdict::Breaks,
            &["uses redis:// at api/events.yaml:22; switch to rediss://redis-sessions.cache:6380"],
        ),
        "auth-api" => (
            Verdict::Breaks,
            &["uses redis:// from Secret api/auth-cache-credentials key AUTH_CACHE_URL (api/auth.yaml:41); update the Secret to rediss:// on port 6380"],
        ),
        "10.0.4.17:53122" => (
            Verdict::Breaks,
            &["seen connected without TLS on port 6379; find and fix the client before the change"],
        ),
        "session-reaper" => (
            Verdict::AtRisk,
            &["TLS setting unknown: settings.ini from ConfigMap reaper-config names no scheme; check it uses TLS and port 6380"],
        ),
        "report-builder" => (
            Verdict::AtRisk,
            &["only a NetworkPolicy names it; its config could not be read"],
        ),
        _ => (Verdict::Ok, &["already uses rediss:// on port 6380"]),
    };
    c.verdict = Some(verdict);
    c.reasons = reasons.iter().map(|r| r.to_string()).collect();
}

/// `fallout impact cache/redis-sessions --set tls=required`: the target only.
pub fn impact_inventory() -> Inventory {
    let mut consumers = sessions_consumers();
    consumers.iter_mut().for_each(judge);
    Inventory {
        resources: vec![sessions_resource(consumers)],
        diagnostics: diagnostics(),
        documentation_checked: true,
    }
}

/// `fallout check`: as impact, with events-api approved.
pub fn check_inventory() -> Inventory {
    let mut inventory = impact_inventory();
    for c in &mut inventory.resources[0].consumers {
        if c.id.name == "events-api" {
            c.approval = Some(Approval {
                consumer: c.id.to_string(),
                by: "lead-scheduling".into(),
                note: Some("moves to rediss:// before the window".into()),
            });
        }
    }
    inventory
}

pub fn impact_change() -> Change {
    Change {
        title: None,
        target: "redis-sessions.cache".into(),
        settings: vec![Setting::Tls(TlsMode::Required)],
        window: None,
        rollback: None,
    }
}

pub fn check_change() -> Change {
    Change {
        title: Some("Enforce TLS on the sessions cache".into()),
        target: "redis-sessions.cache".into(),
        settings: vec![Setting::Tls(TlsMode::Required)],
        window: Some("2026-12-03T02:00:00Z/PT2H".into()),
        rollback: Some("set tls back to preferred".into()),
    }
}

pub fn check_gate() -> Gate {
    Gate {
        failed: true,
        fail_on: vec!["breaks".into()],
        failing: vec![
            "api/Deployment/auth-api".into(),
            "client/10.0.4.17:53122".into(),
        ],
    }
}

/// The three runs every format is rendered for.
pub struct Runs {
    pub scan: Inventory,
    pub impact: Inventory,
    pub check: Inventory,
    pub impact_change: Change,
    pub check_change: Change,
    pub gate: Gate,
}

impl Runs {
    pub fn new() -> Runs {
        Runs {
            scan: scan_inventory(),
            impact: impact_inventory(),
            check: check_inventory(),
            impact_change: impact_change(),
            check_change: check_change(),
            gate: check_gate(),
        }
    }

    pub fn scan(&self) -> View<'_> {
        View {
            inventory: &self.scan,
            command: Command::Scan,
            change: None,
            gate: None,
            version: VERSION,
        }
    }

    pub fn impact(&self) -> View<'_> {
        View {
            inventory: &self.impact,
            command: Command::Impact,
            change: Some(&self.impact_change),
            gate: None,
            version: VERSION,
        }
    }

    pub fn check(&self) -> View<'_> {
        View {
            inventory: &self.check,
            command: Command::Check,
            change: Some(&self.check_change),
            gate: Some(&self.gate),
            version: VERSION,
        }
    }

    pub fn all(&self) -> [(&'static str, View<'_>); 3] {
        [
            ("scan", self.scan()),
            ("impact", self.impact()),
            ("check", self.check()),
        ]
    }
}

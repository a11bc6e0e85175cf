//! The incident scenario (fixtures/tls-incident): enforcing TLS on the
//! sessions cache, which five services use and one document names.

use crate::support::{consumers, fallout, json, resource};

const FIXTURE: &str = "fixtures/tls-incident";

fn impact(format: &str) -> String {
    let run = fallout(&[
        "impact",
        "redis-sessions.cache",
        FIXTURE,
        "--set",
        "tls=required",
        "--format",
        format,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout
}

#[test]
fn every_consumer_found_with_the_right_verdict() {
    let doc = json(&[
        "impact",
        "redis-sessions.cache",
        FIXTURE,
        "--set",
        "tls=required",
    ]);
    assert_eq!(doc["schema"], "fallout/v1");
    let sessions = resource(&doc, "cache/redis-sessions");
    assert_eq!(
        consumers(sessions, "verdict"),
        [
            (
                "api/Deployment/billing-worker".to_string(),
                "breaks".to_string()
            ),
            ("api/Deployment/events-api".into(), "breaks".into()),
            ("api/Deployment/sessions-api".into(), "breaks".into()),
            ("audit/Deployment/audit-log".into(), "ok".into()),
            ("notify/Deployment/notifier".into(), "breaks".into()),
            ("reports/CronJob/nightly-reports".into(), "breaks".into()),
        ]
    );
    assert_eq!(
        consumers(sessions, "strength"),
        [
            (
                "api/Deployment/billing-worker".to_string(),
                "indirect".to_string()
            ),
            ("api/Deployment/events-api".into(), "indirect".into()),
            ("api/Deployment/sessions-api".into(), "explicit".into()),
            ("audit/Deployment/audit-log".into(), "explicit".into()),
            ("notify/Deployment/notifier".into(), "explicit".into()),
            ("reports/CronJob/nightly-reports".into(), "indirect".into()),
        ]
    );
}

#[test]
fn evidence_points_at_real_lines() {
    let doc = json(&[
        "impact",
        "redis-sessions.cache",
        FIXTURE,
        "--set",
        "tls=required",
    ]);
    let sessions = resource(&doc, "cache/redis-sessions");
    for c in sessions["consumers"].as_array().unwrap() {
        for e in c["evidence"].as_array().unwrap() {
            let path = e["path"].as_str().unwrap();
            let line = e["line"].as_u64().unwrap() as usize;
            let text = std::fs::read_to_string(path).unwrap();
            let at = text
                .lines()
                .nth(line - 1)
                .unwrap_or_else(|| panic!("{path}:{line} past the end"));
            // the line holds the value the evidence is about
            let detail = e["detail"].as_str().unwrap();
            let key = detail
                .rsplit(" key ")
                .next()
                .unwrap()
                .split(' ')
                .next()
                .unwrap();
            assert!(
                at.contains("redis")
                    || at.contains(key)
                    || at.contains("AUTH_CACHE_URL")
                    || at.contains("sessions-cache"),
                "{path}:{line} is `{at}` for {detail}"
            );
        }
    }
}

#[test]
fn look_alikes_are_not_consumers() {
    let doc = json(&["scan", FIXTURE]);
    let all: Vec<String> = doc["resources"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| consumers(r, "id").into_iter().map(|(id, _)| id))
        .collect();
    assert!(
        !all.iter().any(|c| c.contains("feature-flags")),
        "REDIS_CACHE_ENABLED=false: {all:?}"
    );
    assert!(
        !all.iter().any(|c| c.contains("legacy-cache-config")),
        "{all:?}"
    );
    let queue = resource(&doc, "jobs/redis-queue");
    assert_eq!(
        consumers(queue, "id").len(),
        1,
        "only queue-worker uses the queue"
    );
}

#[test]
fn no_secret_in_any_format() {
    for format in [
        "table",
        "json",
        "markdown",
        "sarif",
        "checklist",
        "dot",
        "mermaid",
    ] {
        let out = impact(format);
        assert!(
            !out.contains("not-a-real-password"),
            "{format} leaks the Secret's password"
        );
    }
}

#[test]
fn snapshot_table() {
    insta::assert_snapshot!("incident_table", impact("table"));
}

#[test]
fn snapshot_json() {
    insta::assert_snapshot!("incident_json", impact("json"));
}

#[test]
fn snapshot_markdown() {
    insta::assert_snapshot!("incident_markdown", impact("markdown"));
}

#[test]
fn snapshot_sarif() {
    insta::assert_snapshot!("incident_sarif", impact("sarif"));
}

#[test]
fn snapshot_checklist() {
    let run = fallout(&[
        "check",
        "--change",
        "fixtures/tls-incident/change.yaml",
        FIXTURE,
        "--format",
        "checklist",
    ]);
    assert_eq!(run.code, 1, "five consumers break: the gate fails");
    insta::assert_snapshot!("incident_checklist", run.stdout);
}

#[test]
fn snapshot_graphs() {
    let dot = fallout(&["graph", FIXTURE, "--format", "dot"]);
    insta::assert_snapshot!("incident_dot", dot.stdout);
    let mermaid = fallout(&["graph", FIXTURE]);
    insta::assert_snapshot!("incident_mermaid", mermaid.stdout);
}

#[test]
fn snapshot_scan_table() {
    let run = fallout(&["scan", FIXTURE]);
    assert_eq!(run.code, 0);
    insta::assert_snapshot!("incident_scan_table", run.stdout);
}

#[test]
fn a_tls_only_server_on_the_default_port_is_tls() {
    let doc = json(&[
        "impact",
        "myredis-master.cache",
        "tests/data/bitnami-tls-only.yaml",
        "--set",
        "tls=required",
    ]);
    let redis = resource(&doc, "cache/myredis-master");
    assert_eq!(
        consumers(redis, "tls"),
        [("app/Deployment/c".to_string(), "yes".to_string())]
    );
    assert_eq!(
        consumers(redis, "verdict"),
        [("app/Deployment/c".to_string(), "ok".to_string())]
    );
}

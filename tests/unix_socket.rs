//! fixtures/unix-socket through the binary: a Unix socket shared through a
//! volume names its Redis; TLS and port changes leave it alone, a host
//! move breaks it, and a socket nothing serves is a warning, not a link.

use crate::support::{consumers, fallout, json, resource};

const FIXTURE: &str = "fixtures/unix-socket";
const COMPOSE: &str = "fixtures/unix-socket/compose/docker-compose.yml";

fn impact(target: &str, set: &str, format: &str) -> String {
    let run = fallout(&["impact", target, FIXTURE, "--set", set, "--format", format]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout
}

#[test]
fn socket_consumers_are_found_and_judged() {
    let doc = json(&["scan", FIXTURE]);
    let redis = resource(&doc, &format!("{COMPOSE}#redis"));
    assert_eq!(redis["unixsocket"], "/run/redis/redis.sock");
    assert_eq!(redis["port"], serde_json::Value::Null);
    let storefront = resource(&doc, "shop/storefront");
    assert_eq!(storefront["unixsocket"], "/sock/redis.sock");
    assert!(!serde_json::to_string(&doc).unwrap().contains("hunter2"));
    let target = format!("{COMPOSE}#redis");
    let verdicts = |set: &str| {
        let doc: serde_json::Value = serde_json::from_str(&impact(&target, set, "json")).unwrap();
        consumers(resource(&doc, &target), "verdict")
    };
    let web = format!("{COMPOSE}#web");
    let worker = format!("{COMPOSE}#worker");
    assert_eq!(
        verdicts("tls=required"),
        [
            (web.clone(), "ok".to_string()),
            (worker.clone(), "ok".to_string())
        ]
    );
    assert_eq!(
        verdicts("port=6390"),
        [
            (web.clone(), "ok".to_string()),
            (worker.clone(), "ok".to_string())
        ]
    );
    assert_eq!(
        verdicts("host=redis.prod.example"),
        [
            (web.clone(), "breaks".to_string()),
            (worker.clone(), "breaks".to_string())
        ]
    );
    assert_eq!(
        verdicts("auth=required"),
        [(web, "breaks".to_string()), (worker, "ok".to_string())]
    );
}

#[test]
fn unix_socket_snapshots() {
    insta::assert_snapshot!("unix_socket_scan_table", fallout(&["scan", FIXTURE]).stdout);
    insta::assert_snapshot!(
        "unix_socket_tls_table",
        impact(&format!("{COMPOSE}#redis"), "tls=required", "table")
    );
    insta::assert_snapshot!(
        "unix_socket_host_json",
        impact("shop/storefront", "host=redis.prod.example", "json")
    );
}

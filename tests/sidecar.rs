//! fixtures/sidecar-redis through the binary: `localhost` is the Redis of
//! the consumer's own pod (or of the compose service whose network it
//! joins), and a change to that Redis judges it like any other consumer.

use crate::support::{consumers, fallout, ids, json, resource};

const FIXTURE: &str = "fixtures/sidecar-redis";
const COMPOSE: &str = "fixtures/sidecar-redis/compose/compose.yaml";

#[test]
fn each_app_is_a_consumer_of_its_own_sidecar_only() {
    let doc = json(&["scan", FIXTURE]);
    // Two pods, two Redis; no `localhost` resource they would share.
    assert_eq!(
        ids(&doc),
        [
            format!("{COMPOSE}#redis"),
            "shop/cart".to_string(),
            "shop/checkout".to_string()
        ]
    );
    assert_eq!(
        consumers(resource(&doc, "shop/cart"), "strength"),
        [("shop/Deployment/cart".to_string(), "explicit".to_string())]
    );
    assert_eq!(
        consumers(resource(&doc, "shop/checkout"), "strength"),
        [(
            "shop/Deployment/checkout".to_string(),
            "explicit".to_string()
        )]
    );
    // network_mode: service:redis is a fact; network_mode: host a lead.
    assert_eq!(
        consumers(resource(&doc, &format!("{COMPOSE}#redis")), "strength"),
        [
            (format!("{COMPOSE}#app"), "explicit".to_string()),
            (format!("{COMPOSE}#worker"), "inferred".to_string()),
        ]
    );
    let unlinked: Vec<String> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "loopback-unlinked")
        .map(|d| {
            format!(
                "{}:{} {}",
                d["path"].as_str().unwrap(),
                d["line"],
                d["severity"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        unlinked,
        [
            format!("{COMPOSE}:17 info"),
            "fixtures/sidecar-redis/k8s/shop.yaml:72 info".to_string()
        ]
    );
}

#[test]
fn tls_required_on_a_sidecar_breaks_the_app_beside_it() {
    let run = fallout(&[
        "impact",
        "shop/cart",
        FIXTURE,
        "--set",
        "tls=required",
        "--fail-on",
        "breaks",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let cart = resource(&doc, "shop/cart");
    assert_eq!(
        consumers(cart, "verdict"),
        [("shop/Deployment/cart".to_string(), "breaks".to_string())]
    );
    let reasons = cart["consumers"][0]["reasons"].to_string();
    // Both containers, each at its line: the init container and the app.
    assert!(
        reasons.contains("fixtures/sidecar-redis/k8s/shop.yaml:23")
            && reasons.contains("uses redis:// at fixtures/sidecar-redis/k8s/shop.yaml:31"),
        "{reasons}"
    );
}

#[test]
fn auth_and_port_changes_on_a_sidecar_judge_its_pod() {
    let doc = json(&["impact", "shop/checkout", FIXTURE, "--set", "auth=required"]);
    let checkout = resource(&doc, "shop/checkout");
    assert_eq!(
        consumers(checkout, "verdict"),
        [("shop/Deployment/checkout".to_string(), "breaks".to_string())]
    );
    let doc = json(&["impact", "shop/checkout", FIXTURE, "--set", "port=6390"]);
    let checkout = resource(&doc, "shop/checkout");
    assert_eq!(
        consumers(checkout, "reasons"),
        [(
            "shop/Deployment/checkout".to_string(),
            r#"["names port 6379 at fixtures/sidecar-redis/k8s/shop.yaml:50; change to 6390"]"#
                .to_string()
        )]
    );
}

#[test]
fn a_compose_redis_judges_the_service_in_its_network_and_the_host_network_lead() {
    let doc = json(&[
        "impact",
        &format!("{COMPOSE}#redis"),
        FIXTURE,
        "--set",
        "tls=required",
    ]);
    let redis = resource(&doc, &format!("{COMPOSE}#redis"));
    assert_eq!(
        consumers(redis, "verdict"),
        [
            (format!("{COMPOSE}#app"), "breaks".to_string()),
            (format!("{COMPOSE}#worker"), "at-risk".to_string()),
        ]
    );
}

/// Moving a sidecar Redis to another host: the app reaches it over
/// `localhost`, which keeps resolving, to nothing; the reason says the
/// Redis leaves the pod, not that an alias stops resolving (review H6 #11).
#[test]
fn host_move_of_a_sidecar_says_the_redis_leaves_the_pod() {
    let doc = json(&[
        "impact",
        "shop/checkout",
        FIXTURE,
        "--set",
        "host=cache.example.com",
    ]);
    let checkout = resource(&doc, "shop/checkout");
    let reasons = consumers(checkout, "reasons");
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    assert!(
        reasons[0].1.contains("reaches it in its own pod over `localhost` at fixtures/sidecar-redis/k8s/shop.yaml:50; the Redis leaves the pod with the move to cache.example.com"),
        "{reasons:?}"
    );
    assert!(!reasons[0].1.contains("stops resolving"), "{reasons:?}");
}

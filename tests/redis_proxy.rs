//! fixtures/redis-proxy through the binary: consumers that reach a Redis
//! through twemproxy, an in-house gateway or an stunnel client are
//! consumers of that Redis, each with its proxy's verdict; the proxy's
//! address is no Redis of its own.

use crate::support::{consumers, fallout, json, resource};

const FIXTURE: &str = "fixtures/redis-proxy";
const COMPOSE: &str = "fixtures/redis-proxy/compose/docker-compose.yml";

fn impact(target: &str, set: &str, format: &str) -> (i32, String) {
    let run = fallout(&["impact", target, FIXTURE, "--set", set, "--format", format]);
    (run.code, run.stdout)
}

fn verdicts(target: &str, set: &str) -> Vec<(String, String)> {
    let (_, out) = impact(target, set, "json");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    consumers(resource(&doc, target), "verdict")
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn proxied_consumers_belong_to_the_redis_behind_the_proxy() {
    let doc = json(&["scan", FIXTURE]);
    let ids: Vec<&str> = doc["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            &format!("{COMPOSE}#cache") as &str,
            "ml/features",
            "shop/redis"
        ]
    );
    assert_eq!(
        consumers(resource(&doc, "shop/redis"), "strength"),
        pairs(&[
            ("shop/Deployment/auth", "explicit"),
            ("shop/Deployment/cart", "indirect"),
            ("shop/Deployment/twemproxy", "indirect"),
        ])
    );
    assert_eq!(
        consumers(resource(&doc, "ml/features"), "strength"),
        pairs(&[
            ("ml/Deployment/feature-gateway", "explicit"),
            ("ml/Deployment/ranker", "inferred"),
        ])
    );
    let cart = resource(&doc, "shop/redis")["consumers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "cart")
        .unwrap();
    assert_eq!(cart["links"][0]["proxy"], "shop/Deployment/twemproxy");
    assert_eq!(cart["links"][0]["server_port"], 6379);
    assert_eq!(cart["evidence"][0]["line"], 92);
    let codes: Vec<&str> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["redis-proxy", "redis-proxy", "redis-proxy"]);
}

#[test]
fn a_proxied_consumer_takes_its_proxys_verdict() {
    assert_eq!(
        verdicts("shop/redis", "tls=required"),
        pairs(&[
            ("shop/Deployment/auth", "breaks"),
            ("shop/Deployment/cart", "breaks"),
            ("shop/Deployment/twemproxy", "breaks"),
        ])
    );
    // The stunnel client already speaks TLS to the TLS-only cache.
    let cache = format!("{COMPOSE}#cache");
    assert_eq!(
        verdicts(&cache, "tls=required"),
        pairs(&[
            (&format!("{COMPOSE}#tunnel"), "ok"),
            (&format!("{COMPOSE}#web"), "ok"),
        ])
    );
    assert_eq!(
        verdicts(&cache, "decommission=true"),
        pairs(&[
            (&format!("{COMPOSE}#tunnel"), "breaks"),
            (&format!("{COMPOSE}#web"), "breaks"),
        ])
    );
    // Taken for a proxy on inferred evidence: at risk, not breaks.
    assert_eq!(
        verdicts("ml/features", "decommission=true"),
        pairs(&[
            ("ml/Deployment/feature-gateway", "breaks"),
            ("ml/Deployment/ranker", "at-risk"),
        ])
    );
    // The gate counts a proxied consumer that breaks.
    let run = fallout(&[
        "impact",
        "shop/redis",
        FIXTURE,
        "--set",
        "tls=required",
        "--fail-on",
        "breaks",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
}

#[test]
fn redis_proxy_snapshots() {
    insta::assert_snapshot!("redis_proxy_scan_table", fallout(&["scan", FIXTURE]).stdout);
    insta::assert_snapshot!(
        "redis_proxy_tls_table",
        impact("shop/redis", "tls=required", "table").1
    );
    insta::assert_snapshot!(
        "redis_proxy_tls_markdown",
        impact("shop/redis", "tls=required", "markdown").1
    );
    insta::assert_snapshot!(
        "redis_proxy_decommission_json",
        impact("ml/features", "decommission=true", "json").1
    );
}

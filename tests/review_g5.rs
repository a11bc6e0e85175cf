//! Review G5: a fifth independent generator (written from the words
//! alone) found four wrong answers. Each test is one, on the manifests that
//! showed it (`tests/data/review-g5/`), written to fail before its fix.

use crate::support::{consumers, json, resource};

fn scan(case: &str) -> serde_json::Value {
    let path = format!(
        "{}/tests/data/review-g5/{case}.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    json(&["scan", &path])
}

fn consumer_ids(doc: &serde_json::Value, id: &str) -> Vec<String> {
    consumers(resource(doc, id), "strength")
        .into_iter()
        .map(|(c, _)| c)
        .collect()
}

/// A StackExchange.Redis string (`host:6379,…,abortConnect=False`) says
/// Redis under any key, also one whose last word is one that names no
/// address elsewhere (`REDIS_QUEUE=jobs`): .NET's `ConnectionStrings__Queue`
/// and the usual `ConnectionStrings__RedisConnection`, in env and in a
/// mounted `appsettings.json`. They were dropped.
#[test]
fn a_stackexchange_string_is_read_under_any_key() {
    let doc = scan("stackexchange-key-suffix");
    assert_eq!(
        consumer_ids(&doc, "notify/redis-main"),
        [
            "notify/Deployment/found-cache",
            "notify/Deployment/missed-appsettings",
            "notify/Deployment/missed-queue",
            "notify/Deployment/missed-redisconnection",
        ]
    );
}

/// A Service over a Redis's pods whose only port leads to the metrics
/// exporter beside it (`cache-metrics` → 9121) is no way to the Redis: a
/// Prometheus scrape target and an HTTP checker naming it were reported as
/// its consumers, and its names were taken as the Redis's aliases.
#[test]
fn a_service_to_the_exporter_port_is_not_the_redis() {
    let doc = scan("metrics-port-scrape");
    let cache = resource(&doc, "data/cache");
    assert_eq!(consumer_ids(&doc, "data/cache"), Vec::<String>::new());
    let aliases: Vec<&str> = cache["aliases"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a.as_str())
        .collect();
    assert!(aliases.contains(&"cache.data"), "{aliases:?}");
    assert!(
        !aliases.iter().any(|a| a.starts_with("cache-metrics")),
        "{aliases:?}"
    );
    let notes: Vec<&str> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "not-a-redis")
        .filter_map(|d| d["message"].as_str())
        .collect();
    // The HTTP checker's setting is said; the Prometheus target is a
    // scrape target, no connection at all (`tests/review_g6.rs`).
    assert_eq!(notes.len(), 1, "{notes:#?}");
    assert!(notes[0].contains("METRICS_ENDPOINT"), "{notes:#?}");
    assert!(
        notes
            .iter()
            .all(|n| n.contains("lead only to their other containers")),
        "{notes:#?}"
    );
}

/// A container of a Redis image that runs only `redis-cli` against another
/// Redis (a warm-up sidecar) was taken for the pod's server, so the pod's
/// real Redis (listed after it, or a native sidecar) was no resource and the
/// app's `localhost` setting reached "no Redis".
#[test]
fn a_redis_cli_container_does_not_hide_the_pods_server() {
    let doc = scan("redis-cli-container-hides-sidecar");
    assert_eq!(
        consumer_ids(&doc, "ads/importer"),
        ["ads/Deployment/importer"]
    );
    assert_eq!(consumer_ids(&doc, "ads/native"), ["ads/Deployment/native"]);
    // The warm-up containers are consumers of the Redis they ping.
    assert_eq!(
        consumer_ids(&doc, "ads/feature-cache"),
        ["ads/Deployment/importer", "ads/Deployment/native"]
    );
}

/// An application whose image name merely contains "exporter"
/// (`ledger-exporter-job`) beside a Redis sidecar was taken for a metrics
/// exporter, part of the Redis, and dropped; a Redis exporter
/// (`redis_exporter`) still is part of it.
#[test]
fn only_a_redis_exporter_is_part_of_the_redis() {
    let doc = scan("exporter-named-app-image");
    assert_eq!(
        consumer_ids(&doc, "ledger/ledger-exporter-job"),
        ["ledger/Deployment/ledger-exporter-job"]
    );
    assert_eq!(
        consumer_ids(&doc, "ledger/billing-api"),
        ["ledger/Deployment/billing-api"]
    );
    assert_eq!(consumer_ids(&doc, "ledger/sessions"), Vec::<String>::new());
}

//! fixtures/dapr-keda through the binary: the apps whose daprd sidecar
//! loads a Redis component, and the KEDA scalers with a Redis trigger, are
//! consumers of shop/redis, judged like any other; no report shows the
//! passwords the fixture plants.

use crate::support::{consumers, fallout, json, resource};

const FIXTURE: &str = "fixtures/dapr-keda";
const PLANTED: &[&str] = &["Planted-Secret-Pw-1", "Planted-Literal-Pw-2"];

fn impact(set: &str, format: &str) -> String {
    let run = fallout(&[
        "impact",
        "shop/redis",
        FIXTURE,
        "--set",
        set,
        "--format",
        format,
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn dapr_apps_and_keda_scalers_are_consumers() {
    let doc = json(&["scan", FIXTURE]);
    let redis = resource(&doc, "shop/redis");
    assert_eq!(
        consumers(redis, "strength"),
        pairs(&[
            ("shop/Deployment/checkout", "indirect"),
            ("shop/Deployment/events-consumer", "indirect"),
            ("shop/Deployment/order-processor", "indirect"),
            ("shop/Deployment/worker", "explicit"),
            ("shop/ScaledObject/events-scaler", "indirect"),
            ("shop/ScaledObject/worker-scaler", "explicit"),
        ])
    );
    assert_eq!(
        consumers(redis, "owner"),
        pairs(&[
            ("shop/Deployment/checkout", "storefront"),
            ("shop/Deployment/events-consumer", "fulfilment"),
            ("shop/Deployment/order-processor", "orders"),
            ("shop/Deployment/worker", "fulfilment"),
            ("shop/ScaledObject/events-scaler", "fulfilment"),
            ("shop/ScaledObject/worker-scaler", "fulfilment"),
        ])
    );
    let codes: Vec<&str> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["dapr-component-unused", "keda-short-host"]);
}

#[test]
fn tls_required_breaks_every_dapr_app_and_scaler() {
    let doc: serde_json::Value = serde_json::from_str(&impact("tls=required", "json")).unwrap();
    assert_eq!(
        consumers(resource(&doc, "shop/redis"), "verdict"),
        pairs(&[
            ("shop/Deployment/checkout", "breaks"),
            ("shop/Deployment/events-consumer", "breaks"),
            ("shop/Deployment/order-processor", "breaks"),
            ("shop/Deployment/worker", "breaks"),
            ("shop/ScaledObject/events-scaler", "breaks"),
            ("shop/ScaledObject/worker-scaler", "breaks"),
        ])
    );
    // Each authenticates already, with the password its component,
    // TriggerAuthentication or environment reads.
    let doc: serde_json::Value = serde_json::from_str(&impact("auth=required", "json")).unwrap();
    assert_eq!(
        consumers(resource(&doc, "shop/redis"), "verdict"),
        pairs(&[
            ("shop/Deployment/checkout", "ok"),
            ("shop/Deployment/events-consumer", "ok"),
            ("shop/Deployment/order-processor", "ok"),
            ("shop/Deployment/worker", "ok"),
            ("shop/ScaledObject/events-scaler", "ok"),
            ("shop/ScaledObject/worker-scaler", "ok"),
        ])
    );
}

#[test]
fn planted_passwords_appear_in_no_report() {
    for format in ["table", "json", "markdown", "sarif"] {
        let scan = fallout(&["scan", FIXTURE, "--format", format]);
        assert_eq!(scan.code, 0, "{}", scan.stderr);
        let impact = impact("tls=required", format);
        for (what, text) in [("scan", &scan.stdout), ("impact", &impact)] {
            // The components were read (their evidence or notes are there)…
            assert!(
                text.contains("fixtures/dapr-keda/dapr/"),
                "{what} --format {format} says nothing of the components:\n{text}"
            );
            // …where their passwords live, when the format lists it…
            if matches!(format, "json" | "markdown") {
                assert!(
                    text.contains("orders-pubsub (pubsub.redis) metadata redisPassword"),
                    "{what} --format {format}"
                );
            }
            // …and never the passwords themselves.
            for planted in PLANTED {
                assert!(
                    !text.contains(planted),
                    "{what} --format {format} shows `{planted}`"
                );
                assert!(!scan.stderr.contains(planted), "stderr shows `{planted}`");
            }
        }
    }
}

#[test]
fn dapr_keda_snapshots() {
    insta::assert_snapshot!("dapr_keda_scan_table", fallout(&["scan", FIXTURE]).stdout);
    insta::assert_snapshot!("dapr_keda_tls_table", impact("tls=required", "table"));
    insta::assert_snapshot!("dapr_keda_tls_json", impact("tls=required", "json"));
}

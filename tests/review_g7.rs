//! Review G7: a seventh independent generator, on Kubernetes semantics at
//! their edges (service links, `$(VAR)` order and escapes, envFrom
//! precedence, projected and `items` mounts, ExternalName chains), found
//! these. Manifests in `tests/data/review-g7/`.

use crate::support::{consumers, json, resource};

fn scan(case: &str) -> serde_json::Value {
    let path = format!(
        "{}/tests/data/review-g7/{case}.yaml",
        env!("CARGO_MANIFEST_DIR")
    );
    json(&["scan", &path])
}

/// With `enableServiceLinks: false` Kubernetes gives the pod no
/// `CACHE_SERVICE_HOST`/`_PORT`: `$(CACHE_SERVICE_HOST)` stays as written
/// and reaches nothing. It was expanded as for any pod.
#[test]
fn service_links_off_give_no_service_variables() {
    let doc = scan("service-links-disabled");
    assert_eq!(
        consumers(resource(&doc, "shop/cache-store"), "strength"),
        [("shop/Deployment/linked".to_string(), "explicit".to_string())]
    );
}

/// A value whose host is a variable taken from a Secret
/// (`CACHE_ADDR=$(H):6379`, `H` from `secretKeyRef`) is as indirect as that
/// variable, and its evidence names it; it was `explicit`. A variable in a
/// URL's password only (`redis://:$(PW)@sessions`) leaves the address
/// explicit.
#[test]
fn a_variable_from_a_secret_makes_the_address_indirect() {
    let doc = scan("var-from-secret-strength");
    let kv = resource(&doc, "shop/kv");
    assert_eq!(
        consumers(kv, "strength"),
        [
            ("shop/Deployment/api".to_string(), "indirect".to_string()),
            (
                "shop/Deployment/literal".to_string(),
                "explicit".to_string()
            )
        ]
    );
    let api = kv["consumers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "shop/Deployment/api")
        .unwrap();
    let detail = api["evidence"][0]["detail"].as_str().unwrap();
    assert!(
        detail.contains("secretKeyRef shop/api-h key host"),
        "{detail}"
    );
}

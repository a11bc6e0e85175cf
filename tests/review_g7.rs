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

/// A flag takes the strength of the variables it expands, read as env
/// values are: the host from a Secret (`--redis=redis://$(H):6379/0`)
/// makes it indirect and is named; a variable in the URL's password only,
/// or one escaped as `$$(H)` (Kubernetes leaves it as written), leaves the
/// literal address explicit. Both were `indirect`.
#[test]
fn a_flag_is_as_indirect_as_the_variables_that_give_its_host() {
    let doc = scan("args-var-strength");
    let kv = resource(&doc, "shop/kv");
    assert_eq!(
        consumers(kv, "strength"),
        [
            (
                "shop/Deployment/escaped".to_string(),
                "explicit".to_string()
            ),
            (
                "shop/Deployment/host-var".to_string(),
                "indirect".to_string()
            ),
            (
                "shop/Deployment/pw-only".to_string(),
                "explicit".to_string()
            )
        ]
    );
    let host_var = kv["consumers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "shop/Deployment/host-var")
        .unwrap();
    let detail = host_var["evidence"][0]["detail"].as_str().unwrap();
    assert!(
        detail.contains("secretKeyRef shop/creds key host"),
        "{detail}"
    );
    assert!(!doc.to_string().contains("s3cr3t-value"), "{doc:#}");
}

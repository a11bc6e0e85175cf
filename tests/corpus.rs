//! Real-world manifests from ../shared/corpus: the consumers written down
//! here were found by reading those files.

use crate::support::{consumers, json, resource};
use std::path::Path;

/// The shared corpus: `FALLOUT_CORPUS`, else `../shared/corpus` beside the
/// checkout, else `/work/shared/corpus`. Missing is a failure, not a skip.
fn corpus(name: &str) -> Option<String> {
    let beside = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let root = [
        std::env::var_os("FALLOUT_CORPUS").map(std::path::PathBuf::from),
        Some(beside),
        Some(std::path::PathBuf::from("/work/shared/corpus")),
    ]
    .into_iter()
    .flatten()
    .find(|p| p.is_dir())
    .expect("the shared corpus is not beside the checkout nor at /work/shared/corpus; set FALLOUT_CORPUS");
    Some(root.join(name).display().to_string())
}

#[test]
fn online_boutique_cartservice_uses_redis_cart() {
    let Some(dir) = corpus("online-boutique/release") else {
        return;
    };
    let doc = json(&["scan", &dir]);
    let cart = resource(&doc, "default/redis-cart");
    // cartservice: REDIS_ADDR=redis-cart:6379, a literal in its env
    assert_eq!(
        consumers(cart, "strength"),
        [(
            "default/Deployment/cartservice".to_string(),
            "explicit".to_string()
        )]
    );
    assert_eq!(
        doc["resources"].as_array().unwrap().len(),
        1,
        "one Redis in the release manifests"
    );
}

#[test]
fn argocd_consumers_are_only_inferred() {
    let Some(dir) = corpus("argocd") else { return };
    let doc = json(&["scan", &dir]);
    let redis = resource(&doc, "default/argocd-redis");
    // repo-server, server and application-controller read the Secret key
    // the server's --requirepass uses, name REDIS_SERVER from a ConfigMap
    // key that is not there, and are admitted by the NetworkPolicy.
    assert_eq!(
        consumers(redis, "strength"),
        [
            (
                "default/Deployment/argocd-repo-server".to_string(),
                "inferred".to_string()
            ),
            ("default/Deployment/argocd-server".into(), "inferred".into()),
            (
                "default/StatefulSet/argocd-application-controller".into(),
                "inferred".into()
            ),
        ]
    );
    let server = redis["consumers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "argocd-server")
        .unwrap();
    let details: Vec<&str> = server["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["detail"].as_str().unwrap())
        .collect();
    assert!(
        details
            .iter()
            .any(|d| d.contains("secretKeyRef default/argocd-redis key auth")),
        "{details:?}"
    );
    assert!(
        details.iter().any(|d| d.contains("NetworkPolicy")),
        "{details:?}"
    );
    // `REDIS_SERVER` comes from an `optional` key that argocd-cmd-params-cm
    // (in the scan) does not have: unset, so no evidence, and no inferred
    // link to every other Redis of the namespace.
    assert!(
        !details.iter().any(|d| d.contains("redis.server")),
        "{details:?}"
    );
    // The whole corpus: the voting app's and Online Boutique's Redis share
    // the `default` namespace with Argo CD, and are not its.
    let Some(all) = corpus("") else { return };
    let doc = json(&["scan", &all]);
    for other in ["default/redis", "default/redis-cart"] {
        let r = resource(&doc, other);
        assert!(
            !consumers(r, "id")
                .iter()
                .any(|(id, _)| id.contains("argocd")),
            "{other} is not Argo CD's: {r:#}"
        );
    }
}

#[test]
fn voting_app_kubernetes_redis_has_no_visible_consumers() {
    let Some(dir) = corpus("voting-app/k8s-specifications") else {
        return;
    };
    let doc = json(&["scan", &dir]);
    let redis = resource(&doc, "default/redis");
    // vote and worker hard-code the host `redis` in their source; the
    // manifests carry no setting, so nothing is claimed.
    assert!(consumers(redis, "id").is_empty(), "{redis:#}");
}

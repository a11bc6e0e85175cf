//! Kubernetes' environment precedence through the binary: a Deployment
//! that overrides a shared ConfigMap's `REDIS_HOST` in `env`, or writes it
//! twice, uses only the value that stands.

use crate::support::{consumers, json, resource, tree};

/// A Deployment `name` in `app` whose container `api` has `fields`
/// (indented as a list item's fields).
fn deployment(name: &str, fields: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: app}}
spec:
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
        - name: api
          image: example/api:1
{fields}"
    )
}

/// A Redis Deployment and its Service, both `name`, in `app`.
fn redis(name: &str, image: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: app}}
spec:
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers: [{{name: r, image: '{image}'}}]
---
apiVersion: v1
kind: Service
metadata: {{name: {name}, namespace: app}}
spec: {{selector: {{app: {name}}}, ports: [{{port: 6379}}]}}
"
    )
}

/// The reviewer's migration: `legacy-env` still says `old-redis`; `k8s-api`
/// overrides it in `env`, `k8s-dup` writes `REDIS_HOST` twice, the new one
/// last; `k8s-legacy` was not moved. Decommissioning `old-redis` breaks
/// only `k8s-legacy`; the two moved ones are `new-redis`'s, at the line of
/// the value that stands.
#[test]
fn env_overrides_of_a_shared_config_map_are_the_value_read() {
    let old = redis("old-redis", "redis:6");
    let new = redis("new-redis", "redis:7");
    let api = deployment(
        "k8s-api",
        "          envFrom: [{configMapRef: {name: legacy-env}}]
          env:
            - {name: REDIS_HOST, value: new-redis}
",
    );
    let dup = deployment(
        "k8s-dup",
        "          env:
            - {name: REDIS_HOST, value: old-redis}
            - {name: REDIS_HOST, value: new-redis}
",
    );
    let legacy = deployment(
        "k8s-legacy",
        "          envFrom: [{configMapRef: {name: legacy-env}}]\n",
    );
    let dir = tree(&[
        (
            "legacy-env.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: legacy-env, namespace: app}\ndata: {REDIS_HOST: old-redis}\n",
        ),
        ("old-redis.yaml", &old),
        ("new-redis.yaml", &new),
        ("k8s-api.yaml", &api),
        ("k8s-dup.yaml", &dup),
        ("k8s-legacy.yaml", &legacy),
    ]);
    let root = dir.path().to_str().unwrap();
    let doc = json(&[
        "impact",
        "old-redis.app",
        root,
        "--set",
        "decommission=true",
    ]);
    assert_eq!(
        consumers(resource(&doc, "app/old-redis"), "verdict"),
        [(
            "app/Deployment/k8s-legacy".to_string(),
            "breaks".to_string()
        )],
        "{doc:#}"
    );
    let doc = json(&["scan", root]);
    let cited: Vec<(String, String)> = consumers(resource(&doc, "app/new-redis"), "evidence")
        .into_iter()
        .map(|(id, evidence)| {
            let evidence: serde_json::Value = serde_json::from_str(&evidence).unwrap();
            let first = &evidence[0];
            let path = first["path"].as_str().unwrap();
            let file = path.rsplit('/').next().unwrap();
            (id, format!("{file}:{}", first["line"]))
        })
        .collect();
    assert_eq!(
        cited,
        [
            (
                "app/Deployment/k8s-api".to_string(),
                "k8s-api.yaml:14".to_string()
            ),
            (
                "app/Deployment/k8s-dup".to_string(),
                "k8s-dup.yaml:14".to_string()
            ),
        ],
        "{doc:#}"
    );
}

//! Defects of the compose and app-config scanners found by an independent
//! tester (scenarios s07, s14 and s18 of the review), one test each,
//! through the binary.

use crate::support::{consumers, json, resource};

fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn ids(doc: &serde_json::Value) -> Vec<String> {
    doc["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

/// s14: a service of the Redis image whose entrypoint only runs
/// `redis-cli` (a health probe) consumes the Redis it names; it serves none.
#[test]
fn compose_redis_image_running_only_redis_cli_is_a_consumer_not_a_server() {
    let dir = tree(&[(
        "compose.yaml",
        "services:\n  redis:\n    image: redis:7.2\n    command: [\"redis-server\", \"--port\", \"6379\"]\n  probe:\n    image: redis:7.2\n    entrypoint: [\"sh\", \"-c\", \"redis-cli -h redis ping && redis-cli -u redis://redis:6379 ping\"]\n  bench:\n    image: valkey/valkey:8\n    command: valkey-benchmark -h redis -p 6379 -q\n",
    )]);
    let doc = json(&["scan", dir.path().to_str().unwrap()]);
    let base = format!("{}/compose.yaml", dir.path().display());
    assert_eq!(ids(&doc), [format!("{base}#redis")], "{doc:#}");
    let redis = resource(&doc, &format!("{base}#redis"));
    assert_eq!(
        consumers(redis, "name"),
        [
            (format!("{base}#bench"), "bench".to_string()),
            (format!("{base}#probe"), "probe".to_string())
        ],
        "{doc:#}"
    );
}

/// s18: in haproxy.cfg `server redis-0 <address>:6379 check`, `redis-0` is
/// the server's label; only the address names a Redis.
#[test]
fn haproxy_server_label_is_not_a_host() {
    let dir = tree(&[(
        "all.yaml",
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: redis, namespace: cache}\nspec:\n  serviceName: redis-headless\n  selector: {matchLabels: {app: redis}}\n  template:\n    metadata: {labels: {app: redis}}\n    spec:\n      containers: [{name: redis, image: \"redis:7.2\"}]\n---\n\
apiVersion: v1\nkind: Service\nmetadata: {name: redis-headless, namespace: cache}\nspec:\n  clusterIP: None\n  selector: {app: redis}\n  ports: [{port: 6379}]\n---\n\
apiVersion: v1\nkind: ConfigMap\nmetadata: {name: haproxy-cfg, namespace: cache}\ndata:\n  haproxy.cfg: |\n    defaults\n      mode tcp\n    frontend ft_redis\n      bind *:6379 name redis\n      default_backend bk_redis\n    backend bk_redis\n      server redis-0 redis-0.redis-headless.cache.svc.cluster.local:6379 check inter 1s\n      server redis-1 redis-1.redis-headless.cache.svc.cluster.local:6379 check inter 1s\n---\n\
apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: redis-haproxy, namespace: cache}\nspec:\n  selector: {matchLabels: {app: redis-haproxy}}\n  template:\n    metadata: {labels: {app: redis-haproxy}}\n    spec:\n      containers:\n        - name: haproxy\n          image: haproxy:2.9\n          volumeMounts: [{name: cfg, mountPath: /usr/local/etc/haproxy}]\n      volumes: [{name: cfg, configMap: {name: haproxy-cfg}}]\n",
    )]);
    let doc = json(&["scan", dir.path().to_str().unwrap()]);
    assert_eq!(
        ids(&doc),
        ["cache/redis"],
        "no external redis-0.cache: {doc:#}"
    );
    assert_eq!(
        consumers(resource(&doc, "cache/redis"), "id"),
        [(
            "cache/Deployment/redis-haproxy".to_string(),
            "cache/Deployment/redis-haproxy".to_string()
        )]
    );
}

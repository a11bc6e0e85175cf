//! Defects of the compose and app-config scanners found by an independent
//! tester (scenarios s07, s14 and s18 of the review), one test each,
//! through the binary.

use crate::support::{consumers, ids, json, resource, tree};

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
/// The evidence of every consumer of a resource: (consumer id, strength, detail).
fn evidence(resource: &serde_json::Value) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for c in resource["consumers"].as_array().unwrap() {
        for e in c["evidence"].as_array().unwrap() {
            out.push((
                c["id"].as_str().unwrap_or_default().to_string(),
                e["strength"].as_str().unwrap_or_default().to_string(),
                e["detail"].as_str().unwrap_or_default().to_string(),
            ));
        }
    }
    out.sort();
    out
}

/// s07: Rails' `ENV.fetch("REDIS_URL") { "redis://localhost:6379/1" }` and
/// Celery's `os.getenv("CELERY_BROKER_URL", "redis://…")` in mounted files
/// are the service's variable where it sets one (in `environment` or an
/// `env_file`); only where it does not is the fallback read, as inferred.
#[test]
fn compose_env_fallbacks_in_mounted_files_yield_to_the_service_environment() {
    let mounts = "    volumes:\n      - ./config/cable.yml:/rails/config/cable.yml:ro\n      - ./celeryconfig.py:/app/celeryconfig.py:ro\n";
    let compose = format!(
        "services:\n  web:\n    image: acme/forum:1\n    env_file: [env/web.env]\n{mounts}  sidekiq:\n    image: acme/forum:1\n    environment:\n      REDIS_URL: rediss://cache:6380/1\n      CELERY_BROKER_URL: rediss://cache:6380/2\n{mounts}  cron:\n    image: acme/forum:1\n{mounts}  cache:\n    image: bitnami/redis:7.2\n    environment: [ALLOW_EMPTY_PASSWORD=yes, REDIS_TLS_ENABLED=yes, REDIS_TLS_PORT_NUMBER=6380, REDIS_PORT_NUMBER=6379]\n"
    );
    let dir = tree(&[
        ("compose.yaml", compose.as_str()),
        (
            "env/web.env",
            "REDIS_URL=redis://cache:6379/0\nCELERY_BROKER_URL=redis://cache:6379/3\n",
        ),
        (
            "config/cable.yml",
            "production:\n  adapter: redis\n  url: <%= ENV.fetch(\"REDIS_URL\") { \"redis://localhost:6379/1\" } %>\n",
        ),
        (
            "celeryconfig.py",
            "import os\nbroker_url = os.getenv(\"CELERY_BROKER_URL\", \"redis://localhost:6379/0\")\n",
        ),
    ]);
    let doc = json(&["scan", dir.path().to_str().unwrap()]);
    let base = format!("{}/compose.yaml", dir.path().display());
    let id = |s: &str| format!("{base}#{s}");
    // `cron` sets neither variable: its fallbacks name its own container's
    // localhost, where no Redis runs: said, not a Redis named `localhost`.
    assert_eq!(ids(&doc), [id("cache")], "{doc:#}");
    let cache = resource(&doc, &id("cache"));
    let via: Vec<(String, String)> = consumers(cache, "via");
    assert_eq!(
        via,
        [
            (id("sidekiq"), r#"["cache:6380"]"#.to_string()),
            (id("web"), r#"["cache:6379"]"#.to_string())
        ],
        "{cache:#}"
    );
    // Nothing but the variable's own lines speaks for the cache.
    assert!(
        evidence(cache)
            .iter()
            .all(|(_, strength, detail)| strength != "inferred" && !detail.contains("localhost")),
        "{cache:#}"
    );
    let notes: Vec<&str> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "loopback-unlinked")
        .map(|d| d["message"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(notes.len(), 2, "{notes:#?}");
    for note in &notes {
        assert!(note.contains("default of "), "{note}");
        assert!(
            note.contains("sees its own container's localhost, where no Redis of the project runs"),
            "{note}"
        );
    }
}

/// s06: a Python settings file's `os.environ.get("CELERY_BROKER_URL",
/// "redis://…")` is a fallback, not the app's address: inferred, and said so.
#[test]
fn app_settings_env_fallbacks_are_inferred_defaults() {
    let dir = tree(&[
        ("blog/requirements.txt", "django\ncelery\n"),
        (
            "blog/settings.py",
            "import os\nCELERY_BROKER_URL = os.environ.get(\"CELERY_BROKER_URL\", \"redis://localhost:6379/0\")\nCELERY_RESULT_BACKEND = \"redis://results:6379/2\"\n",
        ),
    ]);
    let doc = json(&["scan", dir.path().to_str().unwrap()]);
    let fallback = evidence(resource(&doc, "localhost"));
    assert_eq!(fallback.len(), 1, "{doc:#}");
    assert_eq!(fallback[0].1, "inferred");
    assert_eq!(
        fallback[0].2,
        "CELERY_BROKER_URL (default of CELERY_BROKER_URL) = redis://localhost:6379/0"
    );
    let literal = evidence(resource(&doc, "results"));
    assert_eq!(literal[0].1, "explicit", "{doc:#}");
}

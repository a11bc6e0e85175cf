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

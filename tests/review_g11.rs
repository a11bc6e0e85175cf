//! Review G11: an eleventh independent generator (written from the user
//! docs alone: every workload kind in its real schema, Secrets and
//! ConfigMaps in every encoding, .NET and other key conventions) found
//! these wrong answers. Each test is one, on the files that showed it
//! (`tests/data/review-g11/`).

use crate::support::{consumers, ids, json, resource, tree};

fn dir(case: &str) -> String {
    format!("tests/data/review-g11/{case}")
}

/// (consumer id, evidence (line, detail)) of `cache/redis` in a scan.
fn evidence_of(doc: &serde_json::Value) -> Vec<(String, Vec<(u64, String)>)> {
    resource(doc, "cache/redis")["consumers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let ev = c["evidence"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    (
                        e["line"].as_u64().unwrap(),
                        e["detail"].as_str().unwrap().to_string(),
                    )
                })
                .collect();
            (c["id"].as_str().unwrap().to_string(), ev)
        })
        .collect()
}

/// Mid-rollout (`kubectl get deploy,rs,pod,cronjob,job -o yaml`): the
/// previous ReplicaSet and its Pod still run a template that names Redis,
/// and a Job a CronJob started before its edit still runs; their owners'
/// templates no longer do. The owners are consumers, cited at the owned
/// objects' lines (they were dropped, and the Redis had no consumers).
#[test]
fn owned_objects_still_running_an_older_template_count_for_their_owner() {
    let doc = json(&["scan", &dir("owned-rs-pod-job-settings-dropped")]);
    let ev = evidence_of(&doc);
    let ids: Vec<&str> = ev.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(
        ids,
        ["shop/CronJob/backup", "shop/Deployment/web"],
        "{doc:#}"
    );
    let lines = |i: usize| ev[i].1.iter().map(|(l, _)| *l).collect::<Vec<_>>();
    assert_eq!(lines(0), [67]);
    assert_eq!(lines(1), [31, 42]);
    assert!(
        ev[1].1[0]
            .1
            .contains("(ReplicaSet web-5d8f7c9b4, still running"),
        "{:?}",
        ev[1]
    );
    assert!(
        ev[0].1[0].1.contains("(Job backup-28123456, still running"),
        "{:?}",
        ev[0]
    );
}

/// An owned object that runs its owner's template adds nothing (the same
/// setting is not cited twice), and one that runs nothing (a ReplicaSet
/// scaled to zero, a finished Job or Pod) is no consumer at all.
#[test]
fn owned_objects_at_rest_or_alike_add_nothing() {
    let template = |hash: &str| {
        format!(
            r#"    metadata: {{labels: {{app: web{hash}}}}}
    spec:
      containers:
      - {{name: app, image: "example/web:1", env: [{{name: REDIS_URL, value: "redis://redis.cache:6379/0"}}]}}
"#
        )
    };
    let old = r#"      containers:
      - {name: app, image: "example/web:0", env: [{name: REDIS_URL, value: "redis://old-redis.cache:6379/0"}]}
"#;
    let dump = format!(
        r#"apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: shop}}
spec:
  template:
{}---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web-aaa
  namespace: shop
  labels: {{pod-template-hash: aaa}}
  ownerReferences: [{{kind: Deployment, name: web, controller: true}}]
spec:
  replicas: 1
  template:
{}---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web-old
  namespace: shop
  ownerReferences: [{{kind: Deployment, name: web, controller: true}}]
spec:
  replicas: 0
  template:
    spec:
{old}status: {{replicas: 0}}
---
apiVersion: v1
kind: Pod
metadata:
  name: web-old-x1
  namespace: shop
  ownerReferences: [{{kind: ReplicaSet, name: web-old, controller: true}}]
spec:
{}status: {{phase: Succeeded}}
"#,
        template(""),
        template(", pod-template-hash: aaa"),
        old.replace("      ", "  "),
    );
    let redis =
        std::fs::read_to_string(dir("owned-rs-pod-job-settings-dropped") + "/redis.yaml").unwrap();
    let t = tree(&[("dump.yaml", dump.as_str()), ("redis.yaml", redis.as_str())]);
    let doc = json(&["scan", t.path().to_str().unwrap()]);
    let ev = evidence_of(&doc);
    assert_eq!(ev.len(), 1, "{doc:#}");
    assert_eq!(ev[0].0, "shop/Deployment/web");
    assert_eq!(
        ev[0].1.len(),
        1,
        "the ReplicaSet's copy is not cited: {ev:?}"
    );
    let found = ids(&doc);
    assert!(
        !found.iter().any(|id| id.contains("old-redis")),
        "{found:?}"
    );
}

/// .NET's `RedisConnection=redis.cache:6379` (and `CACHE_CONNECTION`) is
/// an address: the `connection` word that skips Laravel's
/// `REDIS_CONNECTION=default` no longer vetoes a `host:port` value.
#[test]
fn a_connection_key_holding_host_and_port_is_an_address() {
    let doc = json(&["scan", &dir("connection-key-known-redis-host")]);
    let ids: Vec<String> = consumers(resource(&doc, "cache/redis"), "id")
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(
        ids,
        [
            "shop/Deployment/control",
            "shop/Deployment/dotnet-api",
            "shop/Deployment/worker"
        ],
        "{doc:#}"
    );
    // A name there stays a name.
    let t = tree(&[(
        ".env",
        "REDIS_CONNECTION=default\nREDIS_HOST=cache.example.com\n",
    )]);
    let doc = json(&["scan", t.path().to_str().unwrap()]);
    let r = &doc["resources"].as_array().unwrap();
    assert_eq!(r.len(), 1, "{doc:#}");
    assert_eq!(r[0]["id"], "cache.example.com", "{doc:#}");
}

/// A ConfigMap's `binaryData` key mounted as a file is read like a `data`
/// key (it was skipped in silence); it is never an environment variable.
#[test]
fn configmap_binary_data_is_a_mounted_file_not_an_env_var() {
    let doc = json(&["scan", &dir("configmap-binarydata-mount-not-read")]);
    let ev = evidence_of(&doc);
    assert_eq!(ev.len(), 1, "{doc:#}");
    assert_eq!(ev[0].0, "shop/Deployment/orders");
    assert_eq!(ev[0].1[0].0, 9, "{ev:?}");
    assert!(ev[0].1[0].1.contains("spring.redis.host"), "{ev:?}");
}

/// Secret `data` with a space or a tab (a folded `>` value) is refused by
/// the API server, whose decoder skips only line breaks: an error at the
/// value, not read (it was decoded and linked).
#[test]
fn secret_data_with_spaces_is_refused_as_kubernetes_does() {
    let run = crate::support::fallout(&[
        "scan",
        &dir("secret-base64-whitespace-accepted"),
        "--format",
        "json",
    ]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(evidence_of(&doc).is_empty(), "{doc:#}");
    let errors: Vec<(u64, String)> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "secret-data-invalid")
        .map(|d| {
            (
                d["line"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(errors.iter().map(|(l, _)| *l).collect::<Vec<_>>(), [9, 16]);
    assert!(errors[0].1.contains("spaces or tabs"), "{errors:?}");
    assert!(!run.stdout.contains("cmVkaXM6"), "no value is quoted");
    // `|` blocks wrap with line breaks: read.
    let t = tree(&[(
        "s.yaml",
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: shop}\ndata:\n  url: |\n    cmVkaXM6Ly9y\n    ZWRpcy5jYWNoZTo2Mzc5LzQ=\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a, namespace: shop}\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n        image: example/a\n        env:\n        - {name: REDIS_URL, valueFrom: {secretKeyRef: {name: s, key: url}}}\n",
    )]);
    let doc = json(&["scan", t.path().to_str().unwrap()]);
    assert_eq!(doc["resources"][0]["id"], "redis.cache", "{doc:#}");
}

/// A Redis image kept up by `sleep`, `tail -f /dev/null` or a `sh -c
/// 'exec sleep …'` (a toolbox pod to exec `redis-cli` in) runs no server;
/// one started by a start script still does. The same in compose.
#[test]
fn a_redis_image_that_only_sleeps_is_no_server() {
    let doc = json(&["scan", &dir("redis-image-sleep-is-a-server")]);
    assert_eq!(
        ids(&doc),
        ["cache/redis", "shop/redis-master", "shop/redis-replicas"],
        "{doc:#}"
    );

    let t = tree(&[(
        "compose.yaml",
        "services:\n  cache:\n    image: redis:7\n  shell:\n    image: redis:7\n    command: sleep infinity\n  app:\n    image: acme/app\n    environment:\n      REDIS_URL: redis://cache:6379\n",
    )]);
    let root = t.path().to_str().unwrap();
    let doc = json(&["scan", root]);
    assert_eq!(ids(&doc), [format!("{root}/compose.yaml#cache")], "{doc:#}");
}

/// The code review of the fixes above found these.
///
/// A Redis started by a script whose first command waits or copies
/// (`cat a.conf > b.conf; exec docker-entrypoint.sh b.conf`, `sleep 3 &&
/// exec dragonfly`) is a server, in Kubernetes and compose: only a script
/// of one idle command is idle.
#[test]
fn a_script_that_waits_then_starts_a_server_is_a_server() {
    let doc = json(&["scan", &dir("idles-real-server")]);
    assert_eq!(ids(&doc), ["cache/df", "cache/redis"], "{doc:#}");
    for r in doc["resources"].as_array().unwrap() {
        assert_eq!(r["consumers"][0]["strength"], "explicit", "{r:#}");
    }
    let root = dir("compose-idles-real-server");
    let doc = json(&["scan", &root]);
    let want = ["cache", "kv"].map(|s| format!("{root}/compose.yaml#{s}"));
    assert_eq!(ids(&doc), want, "{doc:#}");
    for r in doc["resources"].as_array().unwrap() {
        assert!(r["external"].is_null() || r["external"] == false, "{r:#}");
    }
}

/// A dump of a Deployment, its ReplicaSet and two Pods that all run the
/// same template says what the template says once (it said it four
/// times, once per object).
#[test]
fn owned_objects_running_the_owners_template_say_nothing_again() {
    let doc = json(&["scan", &dir("owned-same-template-duplicate-diagnostics")]);
    let codes: Vec<&str> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["loopback-unlinked"], "{doc:#}");
}

/// `kubectl create job --from=cronjob/x --dry-run=client -o yaml` writes
/// `status: {}`: a Job not started yet, not a finished one.
#[test]
fn a_job_with_an_empty_status_is_not_finished() {
    let doc = json(&["scan", &dir("job-status-empty-not-running")]);
    let ev = evidence_of(&doc);
    assert_eq!(ev.len(), 1, "{doc:#}");
    assert_eq!(ev[0].0, "shop/CronJob/backup");
    assert_eq!(ev[0].1[0].0, 27);
}

/// `binaryData` that is not base64 is refused by Kubernetes: said at the
/// value, never quoting it (it was skipped in silence).
#[test]
fn configmap_binary_data_that_is_not_base64_is_said() {
    let t = tree(&[(
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app-config, namespace: shop}\nbinaryData:\n  app.properties: not base64 at all!\n",
    )]);
    let run = crate::support::fallout(&["scan", t.path().to_str().unwrap(), "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let said: Vec<(String, u64)> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        said,
        [("configmap-binary-data-invalid".to_string(), 5)],
        "{doc:#}"
    );
    assert!(
        !run.stdout.contains("not base64 at all"),
        "the value is not quoted"
    );
}

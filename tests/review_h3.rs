//! Review H3: what the CLI says on realistic repositories it had not seen.

use crate::support::{fallout, tree};

/// A consumer naming a Service whose pods run an image fallout does not
/// know as Redis was told the name "names no Redis in the scanned sources",
/// though the Service and its workload are right there: the note now names
/// the Service and what it selects, and says verdicts treat it as reached
/// directly.
#[test]
fn a_service_over_an_unknown_image_is_named_in_the_note() {
    let kv = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: kv, namespace: harbor}\nspec:\n  template:\n    metadata:\n      labels: {app: kv}\n    spec:\n      containers:\n        - name: kv\n          image: myorg/kv-store:1\n---\napiVersion: v1\nkind: Service\nmetadata: {name: harbor-redis, namespace: harbor}\nspec:\n  selector: {app: kv}\n  ports:\n    - {port: 6379, targetPort: 6379}\n";
    let core = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: core, namespace: harbor}\nspec:\n  template:\n    spec:\n      containers:\n        - name: core\n          image: goharbor/harbor-core:v2\n          env:\n            - {name: REDIS_URL, value: \"redis://harbor-redis:6379/0\"}\n";
    let dir = tree(&[("kv.yaml", kv), ("core.yaml", core)]);
    let run = fallout(&["scan", dir.path().to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(
            "core.yaml:11: `harbor-redis` is the Service harbor/harbor-redis, which selects harbor/StatefulSet/kv: its image and command are not ones fallout knows as a Redis server; it is kept as the external resource harbor-redis.harbor"
        ),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("names no Redis"), "{}", run.stdout);
}

/// `auth=required` judged a consumer ok when any one of its connections
/// sent a password: the queue connection below sends none and fails once
/// the server requires one. Both connections are said, the bare one at
/// risk with the line to fix.
#[test]
fn auth_required_looks_at_each_connection() {
    let compose = "services:\n  redis:\n    image: redis:7\n  app:\n    image: app:1\n    environment:\n      CACHE_REDIS_URL: redis://:Pl4nted-pw@redis:6379/1\n      QUEUE_REDIS_URL: redis://redis:6379/2\n  worker:\n    image: app:1\n    environment:\n      QUEUE_REDIS_URL: redis://:Pl4nted-pw@redis:6379/2\n";
    let dir = tree(&[("docker-compose.yml", compose)]);
    let root = dir.path().to_str().unwrap();
    let run = fallout(&[
        "impact",
        "redis",
        root,
        "--set",
        "auth=required",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("Pl4nted"), "{}", run.stdout);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let consumers = json["resources"][0]["consumers"].as_array().unwrap();
    let verdict = |name: &str| {
        let c = consumers
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("{name} in {consumers:#?}"));
        (
            c["verdict"].as_str().unwrap().to_string(),
            c["reasons"].to_string(),
        )
    };
    let (v, why) = verdict("app");
    assert_eq!(v, "at-risk", "{why}");
    assert!(
        why.contains("docker-compose.yml:8, though it sends one at")
            && why.contains("docker-compose.yml:7"),
        "{why}"
    );
    let (v, why) = verdict("worker");
    assert_eq!(v, "ok", "{why}");
}

/// Under `tls=required` a consumer with a plain link was told about that
/// link only; its other link to the same server, whose TLS nothing shows
/// (`REDIS_HOST` + `REDIS_PORT` beside `CELERY_BROKER_URL`), went unnamed,
/// and the team fixed half the app (review H6 #7).
#[test]
fn tls_required_names_every_link_not_on_tls() {
    let compose = "services:\n  app:\n    image: app:1\n    environment:\n      CELERY_BROKER_URL: redis://cache.example.com:6379/1\n      REDIS_HOST: cache.example.com\n      REDIS_PORT: \"6379\"\n";
    let dir = tree(&[("docker-compose.yml", compose)]);
    let run = fallout(&[
        "impact",
        "cache.example.com",
        dir.path().to_str().unwrap(),
        "--set",
        "tls=required",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("1 break"), "{}", run.stdout);
    assert!(
        run.stdout.contains("uses redis:// at ")
            && run
                .stdout
                .contains("docker-compose.yml:5; switch to rediss://"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("TLS not configured anywhere visible: `cache.example.com:6379` at "),
        "{}",
        run.stdout
    );
}

/// A Predis `tls://` address to a Redis whose config names no TLS port was
/// "already uses TLS" under `tls=required`: it fails today, or TLS is set
/// where the scan cannot see, so it is at risk and says so (review H6 #9).
#[test]
fn tls_to_a_server_with_no_tls_port_is_at_risk() {
    let compose = "services:\n  redis:\n    image: redis:7\n  php:\n    image: php:8\n    environment:\n      CACHE_DSN: tls://redis:6380\n";
    let dir = tree(&[("docker-compose.yml", compose)]);
    let run = fallout(&[
        "impact",
        "redis",
        dir.path().to_str().unwrap(),
        "--set",
        "tls=required",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("1 at risk"), "{}", run.stdout);
    assert!(
        run.stdout.contains("serves no TLS port the scan can see"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("already uses TLS"), "{}", run.stdout);
}

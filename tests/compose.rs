//! Compose projects and config files through the binary.

use crate::support::{consumers, fallout, json, resource, tree};

#[test]
fn compose_consumers_break_under_tls_required() {
    let doc = json(&[
        "impact",
        "shop-cache",
        "fixtures/compose-anchors-override",
        "--set",
        "tls=required",
    ]);
    let cache = resource(
        &doc,
        "fixtures/compose-anchors-override/docker-compose.yml#cache",
    );
    let file = "fixtures/compose-anchors-override/docker-compose.yml";
    assert_eq!(
        consumers(cache, "verdict"),
        [
            (format!("{file}#scheduler"), "breaks".to_string()),
            (format!("{file}#web"), "breaks".to_string()),
            (format!("{file}#worker"), "breaks".to_string()),
        ]
    );
}

#[test]
fn two_projects_are_two_scopes() {
    let doc = json(&["scan", "fixtures/compose-two-projects"]);
    let blog = resource(
        &doc,
        "fixtures/compose-two-projects/blog/docker-compose.yml#redis",
    );
    let shop = resource(
        &doc,
        "fixtures/compose-two-projects/shop/compose.yaml#redis",
    );
    assert_eq!(
        consumers(blog, "id"),
        [(
            "fixtures/compose-two-projects/blog/docker-compose.yml#app".to_string(),
            "fixtures/compose-two-projects/blog/docker-compose.yml#app".to_string()
        )]
    );
    assert_eq!(consumers(shop, "id").len(), 1);
    // `redis` alone names two resources: the target is ambiguous
    let run = fallout(&[
        "impact",
        "redis",
        "fixtures/compose-two-projects",
        "--set",
        "tls=required",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("blog/docker-compose.yml#redis")
            && run.stderr.contains("shop/compose.yaml#redis"),
        "{}",
        run.stderr
    );
}

#[test]
fn bad_config_files_are_reported_with_lines_and_strict_fails() {
    let lax = fallout(&["scan", "fixtures/compose-bad-input", "--format", "json"]);
    assert_eq!(lax.code, 0);
    let doc: serde_json::Value = serde_json::from_str(&lax.stdout).unwrap();
    let diags: Vec<String> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}:{} {}",
                d["path"].as_str().unwrap_or("?"),
                d["line"],
                d["code"].as_str().unwrap()
            )
        })
        .collect();
    for expected in [
        "fixtures/compose-bad-input/app.env:3 env-parse",
        "fixtures/compose-bad-input/broken/compose.yaml:5 yaml-parse",
        "fixtures/compose-bad-input/docker-compose.yml:9 compose-env-file-missing",
        "fixtures/compose-bad-input/svc/config.toml:3 toml-parse",
        "fixtures/compose-bad-input/svc2/config/settings.json:4 json-parse",
    ] {
        assert!(
            diags.iter().any(|d| d == expected),
            "missing {expected} in {diags:?}"
        );
    }
    assert!(
        lax.stderr.contains("app.env:3"),
        "diagnostics also reach stderr: {}",
        lax.stderr
    );
    let strict = fallout(&["scan", "fixtures/compose-bad-input", "--strict"]);
    assert_eq!(strict.code, 2);
}

#[test]
fn app_config_files_are_consumers_of_external_redis() {
    let doc = json(&["scan", "fixtures/app-frameworks"]);
    let billing = resource(&doc, "billing-redis.internal");
    assert_eq!(
        consumers(billing, "tls"),
        [(
            "app:fixtures/app-frameworks/billing".to_string(),
            "yes".to_string()
        )]
    );
}

#[test]
fn json_manifests_are_not_also_read_as_app_config() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("d.json"),
        r#"{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api", "namespace": "x"},
 "spec": {"template": {"spec": {"containers": [{"name": "a", "image": "a",
   "env": [{"name": "REDIS_URL", "value": "redis://redis:6379"}]}]}}}}"#,
    )
    .unwrap();
    let doc = json(&["scan", dir.path().to_str().unwrap()]);
    let ids: Vec<String> = doc["resources"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| consumers(r, "id").into_iter().map(|(id, _)| id))
        .collect();
    assert_eq!(ids, ["x/Deployment/api"], "one consumer, not also an app");
}

#[test]
fn absolute_paths_and_mounted_folders_resolve_like_relative_ones() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("env")).unwrap();
    std::fs::create_dir_all(root.join("conf")).unwrap();
    std::fs::write(
        root.join("compose.yaml"),
        "services:\n  cache:\n    image: redis:7\n  app:\n    image: x/app\n    env_file: env/app.env\n  e:\n    image: x/e\n    volumes:\n      - ./conf:/etc/app\n",
    )
    .unwrap();
    std::fs::write(root.join("env/app.env"), "REDIS_URL=redis://cache:6379/0\n").unwrap();
    std::fs::write(
        root.join("conf/settings.yaml"),
        "redis:\n  host: cache\n  port: 6379\n",
    )
    .unwrap();
    let abs = root.to_str().unwrap();
    assert!(abs.starts_with('/'));
    let doc = json(&["scan", abs]);
    let cache = resource(&doc, &format!("{abs}/compose.yaml#cache"));
    let mut got = consumers(cache, "strength");
    got.sort();
    assert_eq!(
        got,
        [
            (format!("{abs}/compose.yaml#app"), "indirect".to_string()),
            (format!("{abs}/compose.yaml#e"), "indirect".to_string()),
        ],
        "{doc:#}"
    );
    assert_eq!(
        doc["resources"].as_array().unwrap().len(),
        1,
        "no phantom external `cache`: {doc:#}"
    );
}

/// `fallout scan - --format json` with `bytes` on stdin: exit code and JSON.
fn scan_stdin(bytes: &[u8]) -> (Option<i32>, serde_json::Value) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_fallout"))
        .args(["scan", "-", "--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    let doc = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code(), doc)
}

const STDIN_COMPOSE: &str = "services:\n  redis:\n    image: redis:7\n  app:\n    image: x/app\n    environment:\n      REDIS_URL: redis://redis:6379\n";

#[test]
fn a_compose_file_on_stdin_is_read() {
    let (_, doc) = scan_stdin(STDIN_COMPOSE.as_bytes());
    let redis = resource(&doc, "<stdin>#redis");
    assert_eq!(
        consumers(redis, "id"),
        [("<stdin>#app".to_string(), "<stdin>#app".to_string())]
    );
}

/// Latin-1 bytes on stdin are read as a file's are (the invalid byte
/// replaced), not refused with exit 2.
#[test]
fn non_utf8_on_stdin_is_read_like_a_file() {
    let mut bytes = b"# caf\xe9\n".to_vec();
    bytes.extend(STDIN_COMPOSE.as_bytes());
    let (code, doc) = scan_stdin(&bytes);
    assert_eq!(code, Some(0));
    assert_eq!(consumers(resource(&doc, "<stdin>#redis"), "id").len(), 1);
}

/// fixtures/compose-include: a Redis in a file the project `include:`s is
/// one of the project's; named by the file that defines it, it is found,
/// and decommissioning it breaks the service that uses it.
#[test]
fn an_included_redis_is_the_including_projects_and_named_by_its_file() {
    let dir = "fixtures/compose-include";
    let run = fallout(&[
        "impact",
        "fixtures/compose-include/infra/redis.compose.yaml#valkey",
        dir,
        "--set",
        "decommission=true",
        "--fail-on",
        "breaks",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    let valkey = resource(&doc, "fixtures/compose-include/compose.yaml#valkey");
    assert_eq!(
        consumers(valkey, "verdict"),
        [(
            "fixtures/compose-include/compose.yaml#api".to_string(),
            "breaks".to_string()
        )]
    );
}

#[test]
fn snapshot_compose_include_table() {
    let run = fallout(&[
        "impact",
        "fixtures/compose-include/infra/redis.compose.yaml#valkey",
        "fixtures/compose-include",
        "--set",
        "decommission=true",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("compose_include_table", run.stdout);
}

/// fixtures/compose-shell-commands: a `redis-cli` job on the Redis image
/// whose `command` is a string (`sh -c '…'`, a folded block) is a consumer,
/// as the list form is, not a Redis server with no consumers.
#[test]
fn string_commands_running_redis_cli_are_consumers() {
    let doc = json(&[
        "impact",
        "redis",
        "fixtures/compose-shell-commands",
        "--set",
        "decommission=true",
    ]);
    let file = "fixtures/compose-shell-commands/compose.yaml";
    let redis = resource(&doc, &format!("{file}#redis"));
    assert_eq!(
        consumers(redis, "verdict"),
        [
            (format!("{file}#m1"), "breaks".to_string()),
            (format!("{file}#m2"), "breaks".to_string()),
            (format!("{file}#m3"), "breaks".to_string()),
        ]
    );
}

#[test]
fn snapshot_compose_shell_commands_table() {
    let run = fallout(&[
        "impact",
        "redis",
        "fixtures/compose-shell-commands",
        "--set",
        "decommission=true",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("compose_shell_commands_table", run.stdout);
}

/// fixtures/compose-build-context: a config file in the folder a service is
/// built from is that service's (every service built from it), read in its
/// project: `cache` is one resource, the compose Redis, not also an
/// external `cache` of an `app`, so `impact cache` names it.
#[test]
fn config_in_a_build_context_is_the_services_and_cache_is_one_resource() {
    let run = fallout(&[
        "impact",
        "cache",
        "fixtures/compose-build-context",
        "--set",
        "decommission=true",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        !run.stderr.contains("matches several resources"),
        "{}",
        run.stderr
    );
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let file = "fixtures/compose-build-context/docker-compose.yml";
    let cache = resource(&doc, &format!("{file}#cache"));
    assert_eq!(
        consumers(cache, "verdict"),
        [
            (format!("{file}#feed"), "breaks".to_string()),
            (format!("{file}#web"), "at-risk".to_string()),
            (format!("{file}#worker"), "breaks".to_string()),
        ]
    );
    assert_eq!(doc["resources"].as_array().unwrap().len(), 1);
}

#[test]
fn snapshot_compose_build_context_table() {
    let run = fallout(&[
        "impact",
        "cache",
        "fixtures/compose-build-context",
        "--set",
        "decommission=true",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("compose_build_context_table", run.stdout);
}

/// A healthcheck runs in its container: `redis-cli -h cache ping` (exec or
/// shell form) makes the service a client of that Redis, cited at the
/// test's line; the Redis's own `redis-cli -h 127.0.0.1 ping` is no
/// consumer (it made an external Redis `127.0.0.1`), and a disabled or
/// `NONE` check reads nothing.
#[test]
fn a_healthcheck_reaching_a_redis_is_a_consumer() {
    let t = tree(&[(
        "compose.yaml",
        r#"services:
  cache:
    image: redis:7
    healthcheck:
      test: ["CMD", "redis-cli", "-h", "127.0.0.1", "ping"]
  web:
    image: acme/web
    healthcheck:
      test: ["CMD", "redis-cli", "-h", "cache", "-p", "6379", "ping"]
  worker:
    image: acme/worker
    healthcheck:
      test: ["CMD-SHELL", "redis-cli -h cache ping | grep PONG"]
  cron:
    image: acme/cron
    healthcheck:
      test: redis-cli -h cache ping
  off:
    image: acme/off
    healthcheck:
      test: ["NONE", "redis-cli -h cache ping"]
  disabled:
    image: acme/disabled
    healthcheck:
      disable: true
      test: ["CMD", "redis-cli", "-h", "cache", "ping"]
"#,
    )]);
    let root = t.path().to_str().unwrap();
    let doc = json(&["scan", root]);
    let cache = resource(&doc, &format!("{root}/compose.yaml#cache"));
    let ids: Vec<String> = consumers(cache, "id")
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(
        ids,
        ["cron", "web", "worker"].map(|s| format!("{root}/compose.yaml#{s}")),
        "{doc:#}"
    );
    assert_eq!(doc["resources"].as_array().unwrap().len(), 1, "{doc:#}");
    let lines: Vec<(String, u64)> = cache["consumers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let e = &c["evidence"][0];
            (
                e["detail"].as_str().unwrap().to_string(),
                e["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(lines[0].0.starts_with("healthcheck"), "{lines:?}");
    assert_eq!(
        lines.iter().map(|(_, l)| *l).collect::<Vec<_>>(),
        [17, 9, 13],
        "{lines:?}"
    );
}

/// A `healthcheck.test` of no form compose knows (a list led by neither
/// CMD, CMD-SHELL nor NONE, or a mapping) is said at its line, not dropped
/// in silence; an empty list (compose's "use the image's check") and the
/// known forms say nothing.
#[test]
fn an_unknown_healthcheck_form_is_said_at_its_line() {
    let t = tree(&[(
        "compose.yaml",
        r#"services:
  cache:
    image: redis:7
  web:
    image: acme/web
    healthcheck:
      test: ["FOO", "redis-cli", "-h", "cache", "ping"]
  api:
    image: acme/api
    healthcheck:
      test:
        cmd: redis-cli -h cache ping
  ok:
    image: acme/ok
    healthcheck:
      test: []
  known:
    image: acme/known
    healthcheck:
      test: ["CMD", "true"]
  bare:
    image: acme/bare
    healthcheck:
      test: ["CMD-SHELL"]
"#,
    )]);
    let root = t.path().to_str().unwrap();
    let doc = json(&["scan", root]);
    let said: Vec<(String, u64, String)> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "compose-healthcheck-unread")
        .map(|d| {
            (
                d["severity"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        said.iter()
            .map(|(s, l, _)| (s.as_str(), *l))
            .collect::<Vec<_>>(),
        [("warning", 7), ("warning", 11)],
        "{doc:#}"
    );
    assert!(said[0].2.contains("service `web`"), "{said:?}");
    assert!(said[1].2.contains("service `api`"), "{said:?}");
}

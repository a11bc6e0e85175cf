//! The binary with documentation: Backstage catalogs, the inventory file,
//! CODEOWNERS, drift and the `undocumented` gate.

use crate::support::{fallout, Run};
use std::path::Path;

fn json(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}), exit {}:\n{}\n{}",
            run.code, run.stdout, run.stderr
        )
    })
}

/// (consumer id, value of `field`) of the first resource, sorted.
fn consumers(doc: &serde_json::Value, field: &str) -> Vec<(String, serde_json::Value)> {
    let mut out: Vec<(String, serde_json::Value)> = doc["resources"][0]["consumers"]
        .as_array()
        .expect("consumers")
        .iter()
        .map(|c| (c["id"].as_str().unwrap().to_string(), c[field].clone()))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn write(dir: &Path, rel: &str, text: &str) -> String {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// A Deployment with no owner label that uses `url`.
fn deployment(ns: &str, name: &str, url: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {ns}
spec:
  template:
    spec:
      containers:
        - name: app
          image: example.com/{name}:1
          env:
            - name: REDIS_URL
              value: {url}
"
    )
}

const FIXTURE: &str = "fixtures/tls-incident";
const CATALOG: &str = "fixtures/tls-incident/catalog-info.yaml";

#[test]
fn incident_catalog_documents_one_consumer_of_six() {
    let args = [
        "impact",
        "redis-sessions.cache",
        FIXTURE,
        "--set",
        "tls=required",
        "--catalog",
        CATALOG,
        "--fail-on",
        "undocumented",
    ];
    let table = fallout(&args);
    assert_eq!(table.code, 1, "{}\n{}", table.stdout, table.stderr);
    assert_eq!(
        table.stdout.matches("(undocumented)").count(),
        5,
        "{}",
        table.stdout
    );
    assert!(table.stdout.contains("5 undocumented"), "{}", table.stdout);

    let mut with_json = args.to_vec();
    with_json.extend(["--format", "json"]);
    let run = fallout(&with_json);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let doc = json(&run);
    assert_eq!(doc["documentation_checked"], true);
    let documented: Vec<(String, serde_json::Value)> = consumers(&doc, "documented");
    let yes: Vec<&str> = documented
        .iter()
        .filter(|(_, d)| d == true)
        .map(|(id, _)| id.as_str())
        .collect();
    assert_eq!(yes, ["api/Deployment/sessions-api"]);
    assert_eq!(documented.len(), 6);
    // The catalog names nothing that is not there.
    assert!(!run.stderr.contains("catalog-unknown"), "{}", run.stderr);
}

#[test]
fn catalog_folder_finds_catalog_info() {
    let run = fallout(&["scan", FIXTURE, "--catalog", FIXTURE, "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc = json(&run);
    assert_eq!(doc["documentation_checked"], true);
    let sessions = doc["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "cache/redis-sessions")
        .expect("cache/redis-sessions");
    let documented: Vec<&str> = sessions["consumers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["documented"] == true)
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(documented, ["api/Deployment/sessions-api"]);
}

#[test]
fn fail_on_undocumented_needs_a_catalog() {
    for command in [
        vec![
            "impact",
            "redis-sessions.cache",
            FIXTURE,
            "--set",
            "tls=required",
        ],
        vec![
            "check",
            "--change",
            "fixtures/tls-incident/change.yaml",
            FIXTURE,
        ],
    ] {
        let mut args = command.clone();
        args.extend(["--fail-on", "undocumented"]);
        let run = fallout(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stdout);
        assert!(
            run.stderr.contains("--catalog") && run.stderr.contains("fallout.yaml"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn unknown_key_in_the_inventory_file_exits_2_naming_key_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = write(
        dir.path(),
        "fallout.yaml",
        "resources:\n  - name: redis-sessions\n    owner: platform\n    consumer: [sessions-api]\n",
    );
    let run = fallout(&["scan", FIXTURE, "--config", &config]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr
            .contains(&format!("{config}:4: unknown key `consumer`")),
        "{}",
        run.stderr
    );

    // The same file found at the root of a scanned folder.
    write(
        dir.path(),
        "apps/worker.yaml",
        &deployment("apps", "worker", "redis://cache.example.com:6379"),
    );
    let root = dir.path().display().to_string();
    let run = fallout(&["scan", &root]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr
            .contains("fallout.yaml:4: unknown key `consumer`"),
        "{}",
        run.stderr
    );
}

#[test]
fn declared_alias_is_a_target() {
    let dir = tempfile::tempdir().unwrap();
    let config = write(
        dir.path(),
        "inventory.yaml",
        "resources:\n  - name: redis-sessions\n    aliases: [sessions.redis.example.com]\n    consumers: [sessions-api, api/Deployment/events-api]\n",
    );
    let run = fallout(&[
        "impact",
        "sessions.redis.example.com",
        FIXTURE,
        "--set",
        "tls=required",
        "--config",
        &config,
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc = json(&run);
    assert_eq!(doc["resources"][0]["id"], "cache/redis-sessions");
    let documented: Vec<String> = consumers(&doc, "documented")
        .into_iter()
        .filter(|(_, d)| d == true)
        .map(|(id, _)| id)
        .collect();
    assert_eq!(
        documented,
        ["api/Deployment/events-api", "api/Deployment/sessions-api"]
    );
}

#[test]
fn declared_alias_joins_a_managed_endpoint() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "apps/worker.yaml",
        &deployment(
            "apps",
            "worker",
            "redis://sessions.abc123.cache.amazonaws.com:6379",
        ),
    );
    write(
        dir.path(),
        "apps/mailer.yaml",
        &deployment("apps", "mailer", "redis://10.0.0.5:6379"),
    );
    write(
        dir.path(),
        "fallout.yaml",
        "resources:\n  - name: sessions-managed\n    aliases: [sessions.abc123.cache.amazonaws.com, 10.0.0.5]\n    owner: platform\n    consumers: [apps/Deployment/worker]\n",
    );
    let root = dir.path().display().to_string();
    let run = fallout(&[
        "impact",
        "sessions-managed",
        &root,
        "--set",
        "tls=required",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc = json(&run);
    assert_eq!(doc["resources"].as_array().unwrap().len(), 1);
    assert_eq!(doc["resources"][0]["owner"], "platform");
    assert_eq!(
        consumers(&doc, "documented"),
        [
            ("apps/Deployment/mailer".to_string(), false.into()),
            ("apps/Deployment/worker".to_string(), true.into()),
        ]
    );
}

#[test]
fn codeowners_owner_appears() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "apps/worker.yaml",
        &deployment("apps", "worker", "redis://cache.example.com:6379"),
    );
    write(
        dir.path(),
        "legacy/old.yaml",
        &deployment("apps", "old", "redis://cache.example.com:6379"),
    );
    write(
        dir.path(),
        ".github/CODEOWNERS",
        "*  @acme/platform\n/apps/  @acme/apps\n",
    );
    let root = dir.path().display().to_string();
    let run = fallout(&["scan", &root, "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        consumers(&json(&run), "owner"),
        [
            ("apps/Deployment/old".to_string(), "@acme/platform".into()),
            ("apps/Deployment/worker".to_string(), "@acme/apps".into()),
        ]
    );

    // The inventory file's owners win; its ignore list drops files.
    write(
        dir.path(),
        "fallout.yaml",
        "owners:\n  worker: storage\nignore: [legacy/**]\n",
    );
    let run = fallout(&["scan", &root, "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        consumers(&json(&run), "owner"),
        [("apps/Deployment/worker".to_string(), "storage".into())]
    );
}

#[test]
fn catalog_entries_naming_nothing_are_warnings_at_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = write(
        dir.path(),
        "fallout.yaml",
        "resources:\n  - name: redis-sessions\n    consumers:\n      - sessions-api\n      - ghost-api\n  - name: redis-ghost\n",
    );
    let run = fallout(&["scan", FIXTURE, "--config", &config, "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(&format!("warning: {config}:5: `ghost-api`")),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains(&format!("warning: {config}:6: `redis-ghost`")),
        "{}",
        run.stderr
    );
    let doc = json(&run);
    let unknown: Vec<u64> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "catalog-unknown")
        .map(|d| d["line"].as_u64().unwrap())
        .collect();
    assert_eq!(unknown, [5, 6]);
    // With --strict, the warnings fail the run.
    let run = fallout(&["scan", FIXTURE, "--config", &config, "--strict"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn the_documented_inventory_example_is_valid() {
    let page =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/inventory.md"))
            .expect("docs/inventory.md");
    let section = page
        .split("## The inventory file")
        .nth(1)
        .expect("inventory section");
    let example = section
        .split("```yaml\n")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .expect("yaml example");
    let dir = tempfile::tempdir().unwrap();
    let config = write(dir.path(), "fallout.yaml", example);
    let run = fallout(&["scan", FIXTURE, "--config", &config, "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc = json(&run);
    assert_eq!(doc["documentation_checked"], true);
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/fallout.schema.json"),
        )
        .expect("docs/fallout.schema.json"),
    )
    .expect("the schema is JSON");
    let mut keys: Vec<&String> = schema["properties"].as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["ignore", "owners", "resources"]);
}

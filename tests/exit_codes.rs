//! The exit-code matrix of docs/cli.md: 0 nothing at or above the fail
//! level, 1 the gate failed, 2 usage, input (with --strict) or source errors.

use crate::support::fallout;
use std::io::Write;

const FIXTURE: &str = "fixtures/tls-incident";

fn temp_file(text: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::Builder::new().suffix(".yaml").tempfile().unwrap();
    f.write_all(text.as_bytes()).unwrap();
    f
}

#[test]
fn impact_reports_without_failing_unless_asked() {
    assert_eq!(
        fallout(&[
            "impact",
            "redis-sessions.cache",
            FIXTURE,
            "--set",
            "tls=required"
        ])
        .code,
        0
    );
    let gate = fallout(&[
        "impact",
        "redis-sessions.cache",
        FIXTURE,
        "--set",
        "tls=required",
        "--fail-on",
        "breaks",
    ]);
    assert_eq!(gate.code, 1, "{}", gate.stderr);
    // preferred breaks nobody
    let preferred = fallout(&[
        "impact",
        "redis-sessions.cache",
        FIXTURE,
        "--set",
        "tls=preferred",
        "--fail-on",
        "breaks",
    ]);
    assert_eq!(preferred.code, 0, "{}", preferred.stdout);
}

#[test]
fn check_fails_until_every_breaking_consumer_is_approved() {
    let change = "fixtures/tls-incident/change.yaml";
    assert_eq!(fallout(&["check", "--change", change, FIXTURE]).code, 1);
    let partial =
        temp_file("approvals:\n  - consumer: api/Deployment/events-api\n    by: lead-scheduling\n");
    let run = fallout(&[
        "check",
        "--change",
        change,
        FIXTURE,
        "--approvals",
        partial.path().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1, "four still break");
    assert!(
        run.stdout.contains("approved by lead-scheduling"),
        "{}",
        run.stdout
    );
    // the full id, `namespace/name` or the bare name the table prints
    let all = temp_file(
        "approvals:\n\
         - {consumer: api/Deployment/events-api, by: lead-scheduling}\n\
         - {consumer: api/sessions-api, by: lead-identity}\n\
         - {consumer: api/Deployment/billing-worker, by: lead-payments}\n\
         - {consumer: notifier, by: lead-messaging}\n\
         - {consumer: reports/CronJob/nightly-reports, by: lead-analytics}\n\
         - {consumer: api/Deployment/gone, by: someone}\n",
    );
    let run = fallout(&[
        "check",
        "--change",
        change,
        FIXTURE,
        "--approvals",
        all.path().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout.contains("api/Deployment/gone"),
        "an approval for a consumer that does not exist is a warning"
    );
    let at_risk = fallout(&[
        "check",
        "--change",
        change,
        FIXTURE,
        "--approvals",
        all.path().to_str().unwrap(),
        "--fail-on",
        "at-risk",
    ]);
    assert_eq!(at_risk.code, 0);
}

#[test]
fn bad_change_values_and_keys_exit_2_naming_them() {
    let run = fallout(&[
        "impact",
        "redis-sessions.cache",
        FIXTURE,
        "--set",
        "tls=mandatory",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("mandatory") && run.stderr.contains("required"),
        "{}",
        run.stderr
    );
    let run = fallout(&[
        "impact",
        "redis-sessions.cache",
        FIXTURE,
        "--set",
        "colour=blue",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("colour") && run.stderr.contains("tls"),
        "{}",
        run.stderr
    );
    let bad = temp_file("target: redis-sessions.cache\nset:\n  tls: sometimes\n");
    let run = fallout(&["check", "--change", bad.path().to_str().unwrap(), FIXTURE]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(":3:") && run.stderr.contains("sometimes"),
        "file and line: {}",
        run.stderr
    );
    let run = fallout(&[
        "impact",
        "redis-sessions.cache",
        FIXTURE,
        "--set",
        "tls=required",
        "--set",
        "tls=disabled",
    ]);
    assert_eq!(run.code, 2, "conflicting settings");
    assert!(run.stderr.contains("conflicting"), "{}", run.stderr);
    assert_eq!(
        fallout(&[
            "impact",
            "redis-sessions.cache",
            FIXTURE,
            "--set",
            "decommission=True"
        ])
        .code,
        0,
        "booleans are case-insensitive"
    );
    let twice = temp_file("target: redis-sessions.cache\nset:\n  tls: required\n  tls: disabled\n");
    let run = fallout(&["check", "--change", twice.path().to_str().unwrap(), FIXTURE]);
    assert_eq!(
        run.code, 2,
        "a key given twice is not silently the last one"
    );
    assert!(
        run.stderr.contains(":4:") && run.stderr.contains("`tls`"),
        "{}",
        run.stderr
    );
    let unknown = temp_file("target: x\nset: {tls: required}\nwhen: tomorrow\n");
    let run = fallout(&[
        "check",
        "--change",
        unknown.path().to_str().unwrap(),
        FIXTURE,
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("`when`"), "{}", run.stderr);
}

#[test]
fn unknown_or_ambiguous_targets_exit_2_with_candidates() {
    let run = fallout(&["impact", "redis-nope", FIXTURE, "--set", "tls=required"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cache/redis-sessions") && run.stderr.contains("jobs/redis-queue"),
        "{}",
        run.stderr
    );
    let dir = tempfile::tempdir().unwrap();
    for ns in ["a", "b"] {
        std::fs::write(
            dir.path().join(format!("{ns}.yaml")),
            format!(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: redis, namespace: {ns}}}\nspec:\n  template:\n    spec:\n      containers: [{{name: r, image: redis:7}}]\n"
            ),
        )
        .unwrap();
    }
    let run = fallout(&[
        "impact",
        "redis",
        dir.path().to_str().unwrap(),
        "--set",
        "tls=required",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("a/redis") && run.stderr.contains("b/redis"),
        "{}",
        run.stderr
    );
}

#[test]
fn malformed_yaml_is_reported_and_strict_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n   namespace: y\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("ok.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: redis}\nspec:\n  template:\n    spec:\n      containers: [{name: r, image: redis:7}]\n",
    )
    .unwrap();
    let lax = fallout(&["scan", dir.path().to_str().unwrap()]);
    assert_eq!(lax.code, 0);
    assert!(
        lax.stdout.contains("bad.yaml:5:"),
        "path:line:col in the report: {}",
        lax.stdout
    );
    assert!(
        lax.stdout.contains("default/redis"),
        "the rest is still scanned"
    );
    let strict = fallout(&["scan", dir.path().to_str().unwrap(), "--strict"]);
    assert_eq!(strict.code, 2);
}

/// A file over the size limit is named with its size and not read; the
/// rest is scanned. (A sparse file: nothing is written to disk.)
#[test]
fn a_file_over_the_limit_is_reported_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let big = std::fs::File::create(dir.path().join("huge.yaml")).unwrap();
    big.set_len(257 * 1024 * 1024).unwrap();
    std::fs::write(
        dir.path().join("ok.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: redis}\nspec:\n  template:\n    spec:\n      containers: [{name: r, image: redis:7}]\n",
    )
    .unwrap();
    let doc = crate::support::json(&["scan", dir.path().to_str().unwrap()]);
    let diags = doc["diagnostics"].as_array().unwrap();
    let big = diags
        .iter()
        .find(|d| d["code"] == "file-too-large")
        .unwrap_or_else(|| panic!("no file-too-large in {diags:?}"));
    assert!(
        big["path"].as_str().unwrap().ends_with("huge.yaml"),
        "{big}"
    );
    assert!(
        big["message"]
            .as_str()
            .unwrap()
            .starts_with("269484032 bytes"),
        "{big}"
    );
    assert!(doc["resources"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["id"] == "default/redis"));
    let strict = fallout(&["scan", dir.path().to_str().unwrap(), "--strict"]);
    assert_eq!(
        strict.code, 2,
        "a file not read fails --strict: {}",
        strict.stderr
    );
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(fallout(&["scan", "--format", "pdf", FIXTURE]).code, 2);
    assert_eq!(fallout(&["scan", "no/such/dir"]).code, 2);
    assert_eq!(fallout(&["frobnicate"]).code, 2);
    assert_eq!(
        fallout(&["impact", "redis-sessions.cache", FIXTURE]).code,
        2,
        "impact needs a change"
    );
    assert_eq!(fallout(&["--version"]).code, 0);
}

#[test]
fn reports_are_written_alongside_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("out.sarif");
    let md = dir.path().join("comment.md");
    let run = fallout(&[
        "check",
        "--change",
        "fixtures/tls-incident/change.yaml",
        FIXTURE,
        "--report",
        &format!("sarif={}", sarif.display()),
        "--report",
        &format!("markdown={}", md.display()),
    ]);
    assert_eq!(run.code, 1);
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 5, "one result per breaking consumer");
    for r in results {
        let loc = &r["locations"][0]["physicalLocation"];
        assert!(loc["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .starts_with("fixtures/tls-incident/"));
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
    }
    assert!(std::fs::read_to_string(&md).unwrap().contains("```mermaid"));
}

#[test]
fn stdin_is_a_path() {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_fallout"))
        .args(["scan", "-", "--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let manifest = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/tls-incident/cache/redis-sessions.yaml"
    ))
    .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(manifest.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["resources"][0]["id"], "cache/redis-sessions");
}

#[test]
fn bad_approvals_dumps_reports_and_durations_exit_2_naming_them() {
    let change = "fixtures/tls-incident/change.yaml";
    let no_by = temp_file("approvals:\n  - consumer: api/Deployment/events-api\n");
    let run = fallout(&[
        "check",
        "--change",
        change,
        FIXTURE,
        "--approvals",
        no_by.path().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(":2:") && run.stderr.contains("`by:`"),
        "file and line: {}",
        run.stderr
    );

    let run = fallout(&[
        "scan",
        FIXTURE,
        "--client-list",
        "redis-sessions.cache=no/such/clients.txt",
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no/such/clients.txt"), "{}", run.stderr);

    let bad_dump = temp_file("id=1 addr=oops\nthis is not a client list line\n");
    let run = fallout(&[
        "scan",
        FIXTURE,
        "--client-list",
        &format!("r={}", bad_dump.path().display()),
    ]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.contains(bad_dump.path().to_str().unwrap()),
        "{}",
        run.stderr
    );

    let run = fallout(&["scan", FIXTURE, "--report", "pdf=out.pdf"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("pdf") && run.stderr.contains("sarif"),
        "lists the valid formats: {}",
        run.stderr
    );

    let run = fallout(&[
        "scan",
        "--redis",
        "redis://127.0.0.1:1",
        "--observe",
        "soon",
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--observe soon"), "{}", run.stderr);
}

#[test]
fn a_password_typed_as_a_change_value_is_never_echoed() {
    let run = fallout(&[
        "impact",
        "redis-sessions.cache",
        FIXTURE,
        "--set",
        "password=hunter2",
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("rotate"), "{}", run.stderr);
    assert!(
        !run.stderr.contains("hunter2") && !run.stdout.contains("hunter2"),
        "{}",
        run.stderr
    );
}

//! Defects a reviewer found in the reports, the approvals file and the TLS
//! rule, one test each, through the binary.

use crate::support::{fallout, json, resource, tree};

/// A Redis serving plaintext on 6379 and TLS on 6380, as in the incident.
const SERVER: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: redis, namespace: cache}\nspec:\n  template:\n    metadata: {labels: {app: redis}}\n    spec:\n      containers:\n        - name: redis\n          image: redis:7.2\n          args: ['--port', '6379', '--tls-port', '6380']\n---\n\
apiVersion: v1\nkind: Service\nmetadata: {name: redis, namespace: cache}\nspec:\n  selector: {app: redis}\n  ports: [{name: redis, port: 6379}, {name: tls, port: 6380}]\n";

fn client(name: &str, url: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}, namespace: cache}}\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          image: x/{name}\n          env:\n            - name: REDIS_URL\n              value: {url}\n"
    )
}

#[test]
fn tls_to_the_plaintext_port_is_at_risk_not_ok() {
    let wrong = client("wrong-port", "rediss://redis:6379");
    let right = client("right-port", "rediss://redis:6380");
    let dir = tree(&[
        ("redis.yaml", SERVER),
        ("wrong.yaml", &wrong),
        ("right.yaml", &right),
    ]);
    let doc = json(&[
        "impact",
        "redis.cache",
        dir.path().to_str().unwrap(),
        "--set",
        "tls=required",
    ]);
    let consumers = resource(&doc, "cache/redis")["consumers"]
        .as_array()
        .unwrap();
    let find = |id: &str| consumers.iter().find(|c| c["id"] == id).unwrap();
    let wrong = find("cache/Deployment/wrong-port");
    assert_eq!(wrong["verdict"], "at-risk", "{wrong:#}");
    let reasons = wrong["reasons"].to_string();
    assert!(
        reasons.contains("port 6379") && reasons.contains("rediss://redis:6380"),
        "names the port it uses and the TLS port: {reasons}"
    );
    assert!(!reasons.contains("already uses TLS"), "{reasons}");
    assert_eq!(find("cache/Deployment/right-port")["verdict"], "ok");
}

#[test]
fn documented_is_null_when_no_documentation_was_read() {
    let doc = json(&[
        "impact",
        "redis-sessions.cache",
        "fixtures/tls-incident",
        "--set",
        "tls=required",
    ]);
    assert_eq!(doc["documentation_checked"], false);
    let consumers = resource(&doc, "cache/redis-sessions")["consumers"]
        .as_array()
        .unwrap();
    assert!(!consumers.is_empty());
    for c in consumers {
        assert!(c["documented"].is_null(), "{c:#}");
    }
    let doc = json(&[
        "impact",
        "redis-sessions.cache",
        "fixtures/tls-incident",
        "--set",
        "tls=required",
        "--catalog",
        "fixtures/tls-incident/catalog-info.yaml",
    ]);
    assert_eq!(doc["documentation_checked"], true);
    let consumers = resource(&doc, "cache/redis-sessions")["consumers"]
        .as_array()
        .unwrap();
    let documented: Vec<&str> = consumers
        .iter()
        .filter(|c| c["documented"] == true)
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(documented, ["api/Deployment/sessions-api"]);
    assert!(consumers.iter().all(|c| c["documented"].is_boolean()));
}

/// The incident, plus a folder with a YAML file that does not parse and an
/// approvals file naming a consumer with a typo.
fn incident_with_input_problems() -> tempfile::TempDir {
    tree(&[
        (
            "extra/broken.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken\ndata:\n  REDIS_URL: \"redis://redis-sessions.cache:6379\n  other: [unclosed\n",
        ),
        (
            "approvals.yaml",
            "approvals:\n  - consumer: api/Deployment/events-api\n    by: lead-scheduling\n  - consumer: api/Deployment/biling-worker\n    by: lead-payments\n",
        ),
    ])
}

fn check(dir: &tempfile::TempDir, format: &str) -> crate::support::Run {
    let approvals = dir.path().join("approvals.yaml");
    let extra = dir.path().join("extra");
    fallout(&[
        "check",
        "--change",
        "fixtures/tls-incident/change.yaml",
        "fixtures/tls-incident",
        extra.to_str().unwrap(),
        "--approvals",
        approvals.to_str().unwrap(),
        "--format",
        format,
    ])
}

#[test]
fn checklist_lists_input_problems_with_path_and_line() {
    let dir = incident_with_input_problems();
    let run = check(&dir, "checklist");
    assert_eq!(run.code, 1, "{}", run.stderr);
    let out = run.stdout;
    let section = out
        .find("## Input problems")
        .unwrap_or_else(|| panic!("no input problems section:\n{out}"));
    assert!(
        section < out.find("## Owner").unwrap(),
        "before the sections to sign:\n{out}"
    );
    let problems = &out[section..out.find("## Owner").unwrap()];
    assert!(
        problems.contains("broken.yaml:"),
        "the file that did not parse, with its line:\n{problems}"
    );
    assert!(
        problems.contains("[approval-unknown]") && problems.contains("biling-worker"),
        "the approval that approves nobody:\n{problems}"
    );
}

#[test]
fn unmatched_approvals_are_warnings_in_markdown_and_sarif() {
    let dir = incident_with_input_problems();
    let markdown = check(&dir, "markdown").stdout;
    let diagnostics = &markdown[markdown
        .find("### Diagnostics")
        .unwrap_or_else(|| panic!("{markdown}"))..];
    assert!(
        diagnostics.contains("[approval-unknown]") && diagnostics.contains("biling-worker"),
        "{diagnostics}"
    );
    let sarif: serde_json::Value = serde_json::from_str(&check(&dir, "sarif").stdout).unwrap();
    let notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap_or_else(|| panic!("no notifications: {sarif:#}"));
    let unknown = notes
        .iter()
        .find(|n| n["descriptor"]["id"] == "approval-unknown")
        .unwrap_or_else(|| panic!("no approval-unknown in {notes:#?}"));
    assert_eq!(unknown["level"], "warning");
    assert!(unknown["message"]["text"]
        .as_str()
        .unwrap()
        .contains("biling-worker"));
}

/// `fallout check` of the incident as JSON with this approvals file.
fn check_with_approvals(text: &str) -> (tempfile::TempDir, crate::support::Run) {
    check_with_approvals_as(text, "json")
}

/// `fallout check` of the incident in `format` with this approvals file.
pub(crate) fn check_with_approvals_as(
    text: &str,
    format: &str,
) -> (tempfile::TempDir, crate::support::Run) {
    let dir = tree(&[("approvals.yaml", text)]);
    let approvals = dir.path().join("approvals.yaml");
    let run = fallout(&[
        "check",
        "--change",
        "fixtures/tls-incident/change.yaml",
        "fixtures/tls-incident",
        "--approvals",
        approvals.to_str().unwrap(),
        "--format",
        format,
    ]);
    (dir, run)
}

fn diagnostics_with<'d>(doc: &'d serde_json::Value, code: &str) -> Vec<&'d serde_json::Value> {
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == code)
        .collect()
}

#[test]
fn an_unknown_approval_names_its_file_and_line_and_the_closest_consumer() {
    let (dir, run) = check_with_approvals(
        "approvals:\n  - consumer: api/Deployment/events-api\n    by: lead-scheduling\n  - consumer: api/Deployment/biling-worker\n    by: lead-payments\n",
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let unknown = diagnostics_with(&doc, "approval-unknown");
    assert_eq!(unknown.len(), 1, "{doc:#}");
    let d = unknown[0];
    assert_eq!(
        d["path"].as_str(),
        dir.path().join("approvals.yaml").to_str()
    );
    assert_eq!(d["line"], 4);
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("did you mean api/Deployment/billing-worker?"),
        "{d:#}"
    );
    assert!(
        run.stderr
            .contains("approvals.yaml:4: approval by lead-payments"),
        "{}",
        run.stderr
    );
}

#[test]
fn approvals_written_as_a_mapping_are_an_error_showing_the_list_shape() {
    let (_dir, run) = check_with_approvals(
        "# signed off\napprovals:\n  api/Deployment/events-api:\n    by: lead-scheduling\n",
    );
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("approvals.yaml:2: `approvals:` is a mapping"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("  - consumer: api/Deployment/events-api"),
        "shows the expected shape: {}",
        run.stderr
    );
}

#[test]
fn two_approvals_of_one_consumer_are_a_warning_naming_both_lines() {
    let (_dir, run) = check_with_approvals(
        "approvals:\n  - consumer: api/Deployment/events-api\n    by: lead-scheduling\n  - consumer: api/events-api\n    by: lead-platform\n",
    );
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let duplicate = diagnostics_with(&doc, "approval-duplicate");
    assert_eq!(duplicate.len(), 1, "{doc:#}");
    let message = duplicate[0]["message"].as_str().unwrap();
    assert!(
        message.contains("approvals.yaml:2") && message.contains("approvals.yaml:4"),
        "{message}"
    );
    assert_eq!(duplicate[0]["severity"], "warning");
}

/// The words of the README's `sh` examples.
fn readme_commands() -> Vec<String> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let mut out = Vec::new();
    let mut in_sh = false;
    for line in readme.lines() {
        match line.trim() {
            "```sh" => in_sh = true,
            "```" => in_sh = false,
            text if in_sh => out.push(text.to_string()),
            _ => {}
        }
    }
    out
}

#[test]
fn readme_examples_name_files_that_exist() {
    let commands = readme_commands();
    assert!(!commands.is_empty());
    for line in &commands {
        for word in line.split_whitespace() {
            let path = word.split_once('=').map_or(word, |(_, p)| p);
            if path.starts_with("fixtures/") {
                assert!(
                    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                        .join(path)
                        .exists(),
                    "README names {path}, which does not exist: {line}"
                );
            }
            assert!(!word.starts_with("deploy/"), "no deploy/ folder: {line}");
        }
    }
    let check = commands
        .iter()
        .find(|l| l.contains("--approvals"))
        .expect("the CI gate example");
    assert!(
        check.contains("fixtures/tls-incident/approvals.yaml"),
        "{check}"
    );
}

/// The README's CI gate example: the fixture's approvals let events-api
/// through, approve nobody else, and the other breaking consumers fail it.
#[test]
fn readme_gate_example_runs_on_the_fixture() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = format!("sarif={}", dir.path().join("fallout.sarif").display());
    let markdown = format!("markdown={}", dir.path().join("comment.md").display());
    let run = fallout(&[
        "check",
        "--change",
        "fixtures/tls-incident/change.yaml",
        "fixtures/tls-incident",
        "--approvals",
        "fixtures/tls-incident/approvals.yaml",
        "--report",
        &sarif,
        "--report",
        &markdown,
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["diagnostics"], serde_json::json!([]), "{doc:#}");
    let failing = doc["gate"]["failing"].as_array().unwrap();
    assert!(!failing.contains(&"api/Deployment/events-api".into()));
    assert_eq!(failing.len(), 4, "{failing:?}");
    assert!(dir.path().join("fallout.sarif").exists());
    assert!(dir.path().join("comment.md").exists());
}

/// An approvals file may say which resource it was signed for: the same
/// resource, however written, approves as before; another resource's
/// approvals are refused (exit 2) rather than passing this change's gate.
#[test]
fn approvals_signed_for_another_target_are_refused() {
    let approve = "approvals:\n  - consumer: api/Deployment/events-api\n    by: lead-scheduling\n";
    let approved = |doc: &serde_json::Value| -> usize {
        doc["resources"][0]["consumers"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["approval"].is_object())
            .count()
    };
    let (_dir, same) = check_with_approvals(&format!(
        "target: redis-sessions.cache.svc.cluster.local\n{approve}"
    ));
    assert_eq!(same.code, 1, "{}", same.stderr);
    let doc: serde_json::Value = serde_json::from_str(&same.stdout).unwrap();
    assert_eq!(approved(&doc), 1, "{doc:#}");

    let (_dir, other) = check_with_approvals(&format!("target: redis-queue.jobs\n{approve}"));
    assert_eq!(other.code, 2, "{}\n{}", other.stdout, other.stderr);
    assert!(
        other.stderr.contains(
            "approvals.yaml:1: these approvals are for `redis-queue.jobs` (jobs/redis-queue), but the change targets `redis-sessions.cache` (cache/redis-sessions)"
        ),
        "{}",
        other.stderr
    );

    let (_dir, unknown) = check_with_approvals(&format!("target: redis-gone.jobs\n{approve}"));
    assert_eq!(unknown.code, 2, "{}", unknown.stderr);
    assert!(
        unknown.stderr.contains("approvals.yaml:1: target: "),
        "{}",
        unknown.stderr
    );

    let (_dir, blank) = check_with_approvals(&format!("target:\n{approve}"));
    assert_eq!(blank.code, 2, "{}", blank.stderr);
    assert!(
        blank
            .stderr
            .contains("approvals.yaml:1: `target:` must name the resource"),
        "{}",
        blank.stderr
    );
}

//! Review of the command line and its reports: unknown live clients shown
//! by what they said about themselves, flags that only mean something with
//! another, change files with the wrong shape, `graph`'s formats, and what
//! an input error means for the exit status.

use crate::support::fallout;

/// A saved `CLIENT LIST` with one client no manifest explains.
fn mystery_dump(dir: &std::path::Path) -> String {
    let dump = dir.join("clients.txt");
    std::fs::write(
        &dump,
        "id=41 addr=10.250.0.5:41234 laddr=10.96.12.7:6379 fd=9 name=mystery-job age=300 idle=2 flags=N db=0 sub=0 psub=0 multi=-1 qbuf=0 qbuf-free=0 obl=0 oll=0 omem=0 events=r cmd=get user=reports lib-name=redis-py lib-ver=5.0.1\n",
    )
    .unwrap();
    format!("redis-sessions.cache={}", dump.display())
}

#[test]
fn an_unknown_live_client_is_shown_with_its_name_and_user() {
    let dir = tempfile::tempdir().unwrap();
    let list = mystery_dump(dir.path());
    let args = ["scan", "fixtures/tls-incident", "--client-list", &list];

    let table = fallout(&args);
    assert_eq!(table.code, 0, "{}", table.stderr);
    let lines: Vec<&str> = table.stdout.lines().collect();
    let row = lines
        .iter()
        .find(|l| l.trim_start().starts_with("10.250.0.5"))
        .unwrap_or_else(|| panic!("no row for the client:\n{}", table.stdout));
    assert!(
        row.contains("10.250.0.5 (name mystery-job, user reports)"),
        "{row}"
    );
    // The columns still line up: KIND starts where the header says.
    let header = lines
        .iter()
        .find(|l| l.trim_start().starts_with("CONSUMER"))
        .unwrap();
    let kind_col = header.find("KIND").unwrap();
    assert_eq!(&row[kind_col..kind_col + 6], "client", "{header}\n{row}");

    let mut checklist_args = args.to_vec();
    checklist_args.extend(["--format", "checklist"]);
    let checklist = fallout(&checklist_args);
    assert_eq!(checklist.code, 0, "{}", checklist.stderr);
    let item = checklist
        .stdout
        .lines()
        .find(|l| l.contains("client/10.250.0.5"))
        .unwrap_or_else(|| panic!("{}", checklist.stdout));
    assert!(
        item.contains("**client/10.250.0.5** (name mystery-job, user reports)"),
        "{item}"
    );
    assert!(
        item.contains("owner unknown: ask the Redis owner (platform)"),
        "{item}"
    );

    // JSON ids are unchanged.
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let json = fallout(&json_args);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert!(
        doc.to_string().contains("\"id\":\"client/10.250.0.5\""),
        "{doc:#}"
    );
}

#[test]
fn observe_and_every_without_a_redis_are_usage_errors() {
    for args in [
        &["scan", "fixtures/tls-incident", "--observe", "3s"][..],
        &["scan", "fixtures/tls-incident", "--every", "100ms"][..],
    ] {
        let run = fallout(args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stdout);
        assert!(
            run.stderr.starts_with("error: ") && run.stderr.contains("needs one: --redis URL"),
            "{}",
            run.stderr
        );
    }
}

/// A change file in a temporary folder.
fn change_file(dir: &std::path::Path, text: &str) -> String {
    let path = dir.join("change.yaml");
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn a_change_whose_set_is_a_list_is_told_to_write_a_mapping() {
    let dir = tempfile::tempdir().unwrap();
    for (text, line) in [
        ("target: redis-sessions.cache\nset: [tls: required]\n", 2),
        (
            "change: TLS\ntarget: redis-sessions.cache\nset:\n  - tls: required\n",
            3,
        ),
    ] {
        let change = change_file(dir.path(), text);
        let run = fallout(&["check", "--change", &change, "fixtures/tls-incident"]);
        assert_eq!(run.code, 2, "{}", run.stdout);
        assert!(
            run.stderr.contains(&format!(
                "{change}:{line}: `set:` is a list; it must be a mapping"
            )),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("set:\n  tls: required"),
            "shows the shape: {}",
            run.stderr
        );
        assert!(!run.stderr.contains("missing"), "{}", run.stderr);
    }
}

#[test]
fn a_change_window_that_is_no_iso_8601_time_is_an_error_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let change = change_file(
        dir.path(),
        "target: redis-sessions.cache\nset:\n  tls: required\nwindow: tomorrow night\n",
    );
    let run = fallout(&["check", "--change", &change, "fixtures/tls-incident"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.contains(&format!(
            "{change}:4: `window: tomorrow night` is not an ISO 8601 time or interval"
        )) && run.stderr.contains("2026-12-03T02:00:00Z/PT2H"),
        "{}",
        run.stderr
    );

    // The documented forms pass.
    for window in [
        "2026-12-03T02:00:00Z/PT2H",
        "2026-12-03T02:00:00Z/2026-12-03T04:00:00Z",
    ] {
        let change = change_file(
            dir.path(),
            &format!("target: redis-sessions.cache\nset:\n  tls: required\nwindow: {window}\n"),
        );
        let run = fallout(&[
            "check",
            "--change",
            &change,
            "fixtures/tls-incident",
            "--format",
            "checklist",
        ]);
        assert_eq!(
            run.code, 1,
            "the gate fails, the file is fine: {}",
            run.stderr
        );
        assert!(
            run.stdout.contains(&format!("- **Window:** {window}")),
            "{}",
            run.stdout
        );
    }
}

#[test]
fn graph_says_its_formats_and_refuses_reports_it_cannot_write() {
    let help = fallout(&["graph", "--help"]);
    assert_eq!(help.code, 0);
    let format = help
        .stdout
        .lines()
        .find(|l| l.contains("--format"))
        .unwrap();
    assert!(format.contains("mermaid (default), dot, json"), "{format}");
    assert!(
        !format.contains("sarif") && !format.contains("checklist"),
        "{format}"
    );

    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("g.sarif");
    let report = format!("sarif={}", sarif.display());
    let run = fallout(&["graph", "fixtures/tls-incident", "--report", &report]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr
            .contains("`fallout graph` writes dot, mermaid or json, not sarif"),
        "{}",
        run.stderr
    );
    assert!(!sarif.exists(), "nothing written");

    let dot = dir.path().join("g.dot");
    let report = format!("dot={}", dot.display());
    let run = fallout(&["graph", "fixtures/tls-incident", "--report", &report]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(std::fs::read_to_string(&dot)
        .unwrap()
        .starts_with("digraph"));
}

#[test]
fn an_input_error_that_does_not_fail_the_run_says_so_last() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("broken.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n  data: [\n",
    )
    .unwrap();
    let path = dir.path().display().to_string();

    let run = fallout(&["scan", &path, "fixtures/tls-incident", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("error: "), "{}", run.stderr);
    assert_eq!(
        run.stderr.lines().last(),
        Some("note: 1 input error above; the rest was scanned (use --strict to fail on it)"),
        "{}",
        run.stderr
    );

    let strict = fallout(&[
        "scan",
        &path,
        "fixtures/tls-incident",
        "--format",
        "json",
        "--strict",
    ]);
    assert_eq!(strict.code, 2);
    assert!(!strict.stderr.contains("note:"), "{}", strict.stderr);
    assert!(
        strict
            .stderr
            .contains("error: --strict: 1 input problem(s) above"),
        "{}",
        strict.stderr
    );

    // Nothing wrong, nothing said.
    let clean = fallout(&["scan", "fixtures/tls-incident", "--format", "json"]);
    assert!(!clean.stderr.contains("note:"), "{}", clean.stderr);
}

/// `https://github.com/OWNER/NAME` at the start of `text`'s first GitHub URL.
fn github_repo(text: &str) -> String {
    let at = text
        .find("https://github.com/")
        .unwrap_or_else(|| panic!("no GitHub URL in {text}"));
    text[at..]
        .split(|c: char| c.is_whitespace() || c == '"')
        .next()
        .unwrap()
        .split('/')
        .take(5)
        .collect::<Vec<_>>()
        .join("/")
}

#[test]
fn the_schema_sarif_and_ci_docs_name_one_repository() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("docs/fallout.schema.json")).unwrap(),
    )
    .unwrap();
    let schema_repo = github_repo(schema["$id"].as_str().unwrap());

    let sarif = fallout(&["scan", "fixtures/tls-incident", "--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
    let tool = sarif["runs"][0]["tool"]["driver"]["informationUri"]
        .as_str()
        .unwrap();
    assert_eq!(github_repo(tool), schema_repo);

    let ci = std::fs::read_to_string(root.join("docs/ci.md")).unwrap();
    let install = ci
        .lines()
        .find(|l| l.contains("cargo install") && l.contains("--git"))
        .unwrap();
    assert_eq!(github_repo(install), schema_repo, "{install}");
}

/// A URL password holding a backtick, a quote or a bracket (`redis://:a`b@…`)
/// cut the URL in its credentials, and the consumer vanished: the gate
/// passed while it breaks. It is found now, and the password is in no
/// output.
#[test]
fn a_password_with_a_backtick_or_quote_keeps_its_consumer() {
    let redis = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: redis, namespace: cache}\nspec:\n  serviceName: redis\n  selector: {matchLabels: {app: redis}}\n  template:\n    metadata: {labels: {app: redis}}\n    spec:\n      containers: [{name: redis, image: \"redis:7\"}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: redis, namespace: cache}\nspec:\n  selector: {app: redis}\n  ports: [{port: 6379}]\n";
    for password in ["a`b", "q'x", "p)w", "c}d"] {
        let app = format!("apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: app, namespace: web}}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: example/app\n          env:\n            - name: REDIS_URL\n              value: \"redis://:{password}@redis.cache:6379\"\n");
        let t = crate::support::tree(&[("redis.yaml", redis), ("app.yaml", &app)]);
        let root = t.path().to_str().unwrap();
        let run = fallout(&[
            "impact",
            "redis.cache",
            root,
            "--set",
            "tls=required",
            "--fail-on",
            "breaks",
        ]);
        assert_eq!(run.code, 1, "{password}: {}{}", run.stdout, run.stderr);
        assert!(
            run.stdout.contains("web/Deployment/app"),
            "{password}: {}",
            run.stdout
        );
        for format in ["json", "markdown", "sarif", "table"] {
            let out = fallout(&["scan", root, "--format", format]);
            assert!(
                !out.stdout.contains(password) && !out.stderr.contains(password),
                "{password} in {format}: {}",
                out.stdout
            );
        }
    }
}

/// The Markdown comment: a 70,000-character change title is clipped (the
/// comment went over GitHub's limit though its rows were cut to fit); a
/// backtick in user text is escaped (it paired with the report's code
/// spans); an id with `|` outside a table is shown as written (it kept a
/// table's `\|`).
#[test]
fn the_comment_stays_in_bounds_and_escapes_user_text() {
    let redis = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: redis, namespace: cache}\nspec:\n  serviceName: redis\n  selector: {matchLabels: {app: redis}}\n  template:\n    metadata: {labels: {app: redis}}\n    spec:\n      containers: [{name: redis, image: \"redis:7\"}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: redis, namespace: cache}\nspec:\n  selector: {app: redis}\n  ports: [{port: 6379}]\n";
    let title = "x".repeat(70_000);
    let change = format!("change: {title}\ntarget: redis.cache\nset:\n  tls: required\n");
    let t = crate::support::tree(&[
        ("redis.yaml", redis),
        ("svc|x/.env", "REDIS_URL=redis://redis.cache:6379\n"),
        ("svc|x/Dockerfile", "FROM scratch\n"),
        (
            "apps/app.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n  namespace: web\n  labels: {team: \"core`x\"}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: example/app\n          env: [{name: REDIS_URL, value: \"redis://redis.cache:6379\"}]\n",
        ),
        ("changes/c.yaml", &change),
    ]);
    let root = t.path().to_str().unwrap();
    let change = t.path().join("changes/c.yaml");
    let run = fallout(&[
        "check",
        "--change",
        change.to_str().unwrap(),
        root,
        "--format",
        "markdown",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let md = &run.stdout;
    assert!(
        md.chars().count() < 60_000,
        "{} characters",
        md.chars().count()
    );
    assert!(md.contains(&format!("> {}…", "x".repeat(500))), "{md}");
    let gate = md.lines().find(|l| l.contains("**Gate failed**")).unwrap();
    assert!(
        gate.contains("svc|x") && !gate.contains("svc\\|x"),
        "{gate}"
    );
    let row = md
        .lines()
        .find(|l| l.contains("svc") && l.starts_with("| "))
        .unwrap();
    assert!(row.contains("svc\\|x"), "a table still escapes `|`: {row}");
    let owner = md
        .lines()
        .find(|l| l.contains("web/Deployment/app") && l.starts_with("| "))
        .unwrap();
    assert!(owner.contains("core\\`x"), "{owner}");
}

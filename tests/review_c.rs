//! Review C: change files and approvals files that are wrong in small ways
//! (a blank approver, a list where text goes, a byte-order mark, a day that
//! does not exist, an interval that ends before it starts, several YAML
//! documents) are exit 2 at their file and line, and the checklist is
//! Markdown in which no text turns into HTML.

use crate::support::{fallout, tree, Run};

const FIXTURE: &str = "fixtures/tls-incident";
const CHANGE: &str = "fixtures/tls-incident/change.yaml";
const OK_CHANGE: &str = "target: redis-sessions.cache\nset:\n  tls: required\n";

/// `fallout check` of the fixture with a change file written from `change`.
fn check_change(change: &str) -> (Run, String) {
    check_change_with(change, &[])
}

/// [`check_change`] with `extra` arguments (a format).
fn check_change_with(change: &str, extra: &[&str]) -> (Run, String) {
    let dir = tree(&[("change.yaml", change)]);
    let path = dir.path().join("change.yaml").display().to_string();
    let mut args = vec!["check", "--change", &path, FIXTURE];
    args.extend(extra);
    (fallout(&args), path)
}

/// `fallout check` of the fixture with an approvals file written from `approvals`.
fn check_approvals(approvals: &str, extra: &[&str]) -> (Run, String) {
    let dir = tree(&[("approvals.yaml", approvals)]);
    let path = dir.path().join("approvals.yaml").display().to_string();
    let mut args = vec!["check", "--change", CHANGE, FIXTURE, "--approvals", &path];
    args.extend(extra);
    (fallout(&args), path)
}

/// Exit 2, one `error:` naming `path:line`, and every one of `says`.
fn rejected(run: &Run, path: &str, line: u32, says: &[&str]) {
    assert_eq!(
        run.code, 2,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    let at = format!("error: {path}:{line}: ");
    assert!(run.stderr.contains(&at), "want `{at}` in:\n{}", run.stderr);
    for s in says {
        assert!(run.stderr.contains(s), "want `{s}` in:\n{}", run.stderr);
    }
}

// M2 ------------------------------------------------------------------------

#[test]
fn an_approval_by_nobody_is_rejected_at_its_line() {
    for by in ["\"\"", "\"   \"", ""] {
        let (run, path) = check_approvals(
            &format!("approvals:\n  - consumer: api/Deployment/events-api\n    by: {by}\n"),
            &["--format", "checklist"],
        );
        rejected(&run, &path, 3, &["`by:`", "e.g. lead-scheduling"]);
        assert!(!run.stdout.contains("- [x]"), "{}", run.stdout);
    }
    // A blank consumer is no approval either.
    let (run, path) = check_approvals("approvals:\n  - consumer: \" \"\n    by: lead\n", &[]);
    rejected(&run, &path, 2, &["`consumer:` is blank"]);
}

/// A key given twice in an approval (or anywhere in the file) is refused at
/// the later key: YAML would keep the last in silence, and the checklist
/// would name a signer the file also contradicts.
#[test]
fn an_approval_with_a_key_given_twice_is_rejected() {
    let (run, path) = check_approvals(
        "approvals:\n  - consumer: api/Deployment/events-api\n    by: lead-scheduling\n    by: someone-else\n",
        &["--format", "checklist"],
    );
    rejected(&run, &path, 4, &["`by`", "given twice", "first at line 3"]);
    assert!(!run.stdout.contains("- [x]"), "{}", run.stdout);
    let (run, path) = check_approvals(
        "approvals:\n  - consumer: a\n    by: b\napprovals:\n  - consumer: c\n    by: d\n",
        &[],
    );
    rejected(&run, &path, 4, &["`approvals`", "first at line 1"]);
}

#[test]
fn an_approval_with_a_name_still_approves() {
    let (run, _) = check_approvals(
        "approvals:\n  - consumer: api/Deployment/events-api\n    by: lead-scheduling\n",
        &["--format", "checklist"],
    );
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with("- [x] **api/Deployment/events-api**")
                && l.contains("approved by lead-scheduling")),
        "{}",
        run.stdout
    );
}

// M5 ------------------------------------------------------------------------

/// A compose project whose Redis has no TLS port: the reason says
/// `rediss://cache:<TLS port>`.
fn no_tls_port() -> tempfile::TempDir {
    tree(&[
        (
            "deploy/compose.yaml",
            "services:\n  app:\n    image: app\n    environment:\n      REDIS_URL: \"redis://cache:6379/0\"\n  cache:\n    image: redis:7\n",
        ),
        (
            "change.yaml",
            "change: \"TLS <b>now</b> & later\"\ntarget: cache\nset:\n  tls: required\nrollback: \"undo <script>x</script>\"\n",
        ),
        (
            "approvals.yaml",
            "approvals:\n  - consumer: app\n    by: \"lead <i>one</i>\"\n    note: \"moves later </details> <script>x</script>\"\n",
        ),
    ])
}

#[test]
fn the_checklist_escapes_text_as_the_markdown_report_does() {
    let dir = no_tls_port();
    let root = dir.path().display().to_string();
    let change = format!("{root}/change.yaml");
    let approvals = format!("{root}/approvals.yaml");
    let deploy = format!("{root}/deploy");
    let run = fallout(&[
        "check",
        "--change",
        &change,
        &deploy,
        "--approvals",
        &approvals,
        "--format",
        "checklist",
    ]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let out = &run.stdout;
    // `<TLS port>` would be an HTML tag, and vanish when rendered.
    assert!(out.contains("rediss://cache:&lt;TLS port>"), "{out}");
    assert!(!out.contains("<TLS port>"), "{out}");
    // Title, rollback, approver and note: no tag survives.
    assert!(
        out.contains("# Change checklist: TLS &lt;b>now&lt;/b> &amp; later"),
        "{out}"
    );
    assert!(
        out.contains("- **Rollback:** undo &lt;script>x&lt;/script>"),
        "{out}"
    );
    assert!(out.contains("approved by lead &lt;i>one&lt;/i>"), "{out}");
    assert!(
        out.contains("(moves later &lt;/details> &lt;script>x&lt;/script>)"),
        "{out}"
    );
    for tag in ["<b>", "<i>", "<script>", "</details>"] {
        assert!(!out.contains(tag), "{tag} in:\n{out}");
    }

    // The same text in `--format markdown` is escaped the same way.
    let md = fallout(&[
        "check",
        "--change",
        &change,
        &deploy,
        "--approvals",
        &approvals,
        "--format",
        "markdown",
    ]);
    assert!(
        md.stdout.contains("rediss://cache:&lt;TLS port>"),
        "{}",
        md.stdout
    );
}

// L1 ------------------------------------------------------------------------

#[test]
fn optional_fields_of_the_wrong_type_are_errors_at_their_line() {
    let (run, path) = check_change(&format!("change: {{a: 1}}\n{OK_CHANGE}"));
    rejected(
        &run,
        &path,
        1,
        &["`change:` is a mapping", "it must be text"],
    );

    let (run, path) = check_change(&format!("{OK_CHANGE}rollback: [a]\n"));
    rejected(
        &run,
        &path,
        4,
        &["`rollback:` is a list", "e.g. `rollback: "],
    );

    let (run, path) = check_change(&format!("{OK_CHANGE}window:\n  - 2026-12-03\n"));
    rejected(&run, &path, 4, &["`window:` is a list", "ISO 8601"]);

    let (run, path) = check_approvals(
        "approvals:\n  - consumer: api/Deployment/events-api\n    by: x\n    note: {a: 1}\n",
        &[],
    );
    rejected(&run, &path, 4, &["`note:` is a mapping", "e.g. `note: "]);

    let (run, path) = check_approvals(
        "approvals:\n  - consumer: [api/Deployment/events-api, notify/x]\n    by: x\n",
        &[],
    );
    rejected(&run, &path, 2, &["`consumer:` is a list", "one value"]);
}

#[test]
fn a_rollback_written_as_text_is_in_the_checklist() {
    let (run, _) = check_change_with(
        &format!("{OK_CHANGE}rollback: |\n  set tls back\n"),
        &["-f", "checklist"],
    );
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    assert!(
        run.stdout.contains("- **Rollback:** set tls back"),
        "{}",
        run.stdout
    );
}

// L2 ------------------------------------------------------------------------

#[test]
fn a_byte_order_mark_is_not_part_of_the_first_key() {
    let (run, _) = check_change(&format!("\u{feff}{OK_CHANGE}"));
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    assert!(!run.stderr.contains("unknown key"), "{}", run.stderr);

    let (run, _) = check_approvals(
        "\u{feff}approvals:\n  - consumer: api/Deployment/events-api\n    by: x\n",
        &["--format", "checklist"],
    );
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    assert!(run.stdout.contains("approved by x"), "{}", run.stdout);
}

// L3 ------------------------------------------------------------------------

#[test]
fn a_window_on_a_day_that_does_not_exist_is_rejected() {
    for (window, month) in [
        ("2026-02-30", "2026-02 has 28 days"),
        ("2026-04-31T02:00Z/PT2H", "2026-04 has 30 days"),
        ("2026-12-03T02:00Z/2026-02-29T04:00Z", "2026-02 has 28 days"),
    ] {
        let (run, path) = check_change(&format!("{OK_CHANGE}window: \"{window}\"\n"));
        rejected(&run, &path, 4, &["does not exist", month]);
    }
    // 2028 is a leap year.
    let (run, _) = check_change(&format!("{OK_CHANGE}window: 2028-02-29\n"));
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
}

#[test]
fn a_window_that_ends_before_it_starts_is_rejected() {
    for window in [
        "2026-12-03T04:00:00Z/2026-12-03T02:00:00Z",
        "2026-12-03T04:00Z/02:00Z",
        "2026-12-04/2026-12-03",
        // 03:00 at +02:00 is 01:00 UTC, before 02:00 UTC.
        "2026-12-03T02:00Z/2026-12-03T03:00+02:00",
    ] {
        let (run, path) = check_change(&format!("{OK_CHANGE}window: \"{window}\"\n"));
        rejected(&run, &path, 4, &["ends before it starts", "START/DURATION"]);
    }
    for window in [
        "2026-12-03T02:00Z/2026-12-03T04:00Z",
        "2026-12-03T02:00Z/04:00Z",
        "2026-12-03T02:00Z/2026-12-03T03:30+01:00",
    ] {
        let (run, _) = check_change(&format!("{OK_CHANGE}window: \"{window}\"\n"));
        assert!(run.code == 0 || run.code == 1, "{window}: {}", run.stderr);
    }
}

// L4 ------------------------------------------------------------------------

#[test]
fn a_target_of_the_wrong_type_is_named_at_its_line() {
    let body = "set:\n  tls: required\n";
    let (run, path) = check_change(&format!("target: [a, b]\n{body}"));
    rejected(
        &run,
        &path,
        1,
        &["`target:` is a list", "one name of the resource"],
    );
    assert!(!run.stderr.contains("missing"), "{}", run.stderr);

    let (run, path) = check_change(&format!("target: \"\"\n{body}"));
    rejected(
        &run,
        &path,
        1,
        &["`target:` is empty", "redis-sessions.cache"],
    );

    let (run, path) = check_change(&format!("target: 6379\n{body}"));
    rejected(
        &run,
        &path,
        1,
        &["`target: 6379` is a number", "redis-sessions.cache:6379"],
    );
}

#[test]
fn a_setting_given_as_a_list_says_so() {
    let (run, path) = check_change("target: redis-sessions.cache\nset: {tls: [required]}\n");
    rejected(
        &run,
        &path,
        2,
        &[
            "set.tls is a list",
            "required, preferred, disabled",
            "`tls: required`",
        ],
    );
    assert!(!run.stderr.contains("invalid value ``"), "{}", run.stderr);
}

#[test]
fn a_change_file_with_several_documents_says_so() {
    let (run, path) = check_change(&format!("{OK_CHANGE}---\n{OK_CHANGE}"));
    rejected(&run, &path, 4, &["2 YAML documents", "`---`"]);
    assert!(!run.stderr.contains("given twice"), "{}", run.stderr);
    // A trailing `---` is no second document.
    let (run, _) = check_change(&format!("{OK_CHANGE}---\n"));
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
}

#[test]
fn a_change_file_that_is_not_yaml_says_to_fix_it() {
    let (run, path) = check_change("target: redis-sessions.cache\nset:\n  tls: \"required\n");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!("error: {path}:3:")),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("fix the YAML"), "{}", run.stderr);
}

// L5 ------------------------------------------------------------------------

#[test]
fn an_unknown_key_with_a_block_value_is_named_at_the_key() {
    let (run, path) = check_change("target: redis-sessions.cache\nsets:\n  tls: required\n");
    rejected(&run, &path, 2, &["unknown key `sets`"]);

    let (run, path) = check_approvals(
        "approval:\n  - consumer: api/Deployment/events-api\n    by: x\n",
        &[],
    );
    rejected(&run, &path, 1, &["unknown key `approval`"]);
}

//! Review C: change files and approvals files that are wrong in small ways
//! (a blank approver, a list where text goes, a byte-order mark, a day that
//! does not exist, an interval that ends before it starts, several YAML
//! documents) are exit 2 at their file and line, and the checklist is
//! Markdown in which no text turns into HTML.

use crate::support::{fallout, tree};

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

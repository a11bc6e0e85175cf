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

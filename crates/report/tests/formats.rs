//! Every format rendered for scan, impact and check over one realistic
//! inventory (snapshots), plus the properties each format promises.

mod common;

use common::{Runs, PLANTED_SECRET};
use fallout_core::Inventory;
use fallout_report::{render, Command, Format, View};
use serde_json::Value;

#[test]
fn snapshots() {
    let runs = Runs::new();
    for format in Format::ALL {
        for (run, view) in runs.all() {
            let name = format!("{}_{run}", format.as_str());
            insta::assert_snapshot!(name, render(format, &view));
        }
    }
}

#[test]
fn no_report_contains_a_secret() {
    let runs = Runs::new();
    for format in Format::ALL {
        for (run, view) in runs.all() {
            let out = render(format, &view);
            assert!(
                !out.contains(PLANTED_SECRET),
                "{format} {run} leaks the planted password:\n{out}"
            );
        }
    }
}

#[test]
fn every_report_ends_with_one_newline_and_is_stable() {
    let runs = Runs::new();
    for format in Format::ALL {
        for (run, view) in runs.all() {
            let out = render(format, &view);
            assert!(
                out.ends_with('\n') && !out.ends_with("\n\n"),
                "{format} {run}"
            );
            assert_eq!(
                out,
                render(format, &view),
                "{format} {run} is not deterministic"
            );
        }
    }
}

fn json(view: &View) -> Value {
    serde_json::from_str(&render(Format::Json, view)).expect("json output parses")
}

#[test]
fn json_scan_has_schema_and_no_verdicts() {
    let runs = Runs::new();
    let doc = json(&runs.scan());
    assert_eq!(doc["schema"], "fallout/v1");
    let consumers = doc["resources"][0]["consumers"].as_array().unwrap();
    assert_eq!(consumers.len(), 6);
    for c in consumers {
        let c = c.as_object().unwrap();
        assert!(!c.contains_key("verdict"), "{c:?}");
        assert!(!c.contains_key("reasons"), "{c:?}");
        assert!(!c.contains_key("approval"), "{c:?}");
    }
    assert!(doc.get("change").is_none() && doc.get("gate").is_none());
}

#[test]
fn json_keys_follow_the_design_order() {
    let runs = Runs::new();
    let text = render(Format::Json, &runs.check());
    let top = [
        "\"schema\"",
        "\"resources\"",
        "\"diagnostics\"",
        "\"change\"",
        "\"gate\"",
    ];
    let at: Vec<usize> = top.iter().map(|k| text.find(k).unwrap()).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "top-level order {at:?}");

    let doc: Value = serde_json::from_str(&text).unwrap();
    let keys: Vec<&str> = doc["resources"][0]["consumers"][0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    // serde_json's map sorts keys unless preserve_order is on; compare as text instead.
    assert!(keys.contains(&"verdict") && keys.contains(&"reasons"));
    let consumer = &text[text.find("\"consumers\"").unwrap()..];
    let design = [
        "\"id\"",
        "\"kind\"",
        "\"namespace\"",
        "\"name\"",
        "\"file\"",
        "\"tls\"",
        "\"strength\"",
        "\"owner\"",
        "\"documented\"",
        "\"verdict\"",
        "\"reasons\"",
        "\"evidence\"",
        "\"via\"",
    ];
    let at: Vec<usize> = design.iter().map(|k| consumer.find(k).unwrap()).collect();
    assert!(
        at.windows(2).all(|w| w[0] < w[1]),
        "consumer key order {at:?}"
    );
}

#[test]
fn json_check_carries_verdicts_evidence_and_gate() {
    let runs = Runs::new();
    let doc = json(&runs.check());
    let consumers = doc["resources"][0]["consumers"].as_array().unwrap();
    // Undocumented first, seen-only-live first among them, then breaks,
    // at-risk, ok.
    let ids: Vec<&str> = consumers
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "client/10.0.4.17:53122",
            "api/Deployment/auth-api",
            "api/Deployment/events-api",
            "batch/Deployment/report-builder",
            "jobs/CronJob/session-reaper",
            "web/Deployment/storefront",
        ]
    );
    let auth = &consumers[1];
    assert_eq!(auth["verdict"], "breaks");
    assert_eq!(auth["documented"], false);
    assert_eq!(auth["evidence"][0]["path"], "api/auth.yaml");
    assert_eq!(auth["evidence"][0]["line"], 41);
    let client = &consumers[0];
    assert_eq!(client["evidence"][0]["source"], common::LIVE_SOURCE);
    assert!(client["evidence"][0].get("path").is_none());
    assert_eq!(consumers[2]["approval"]["by"], "lead-scheduling");
    assert_eq!(doc["gate"]["failed"], true);
    assert_eq!(doc["change"]["settings"][0], "tls=required");
    assert_eq!(doc["diagnostics"][0]["code"], "yaml-parse");
    assert_eq!(doc["diagnostics"][0]["line"], 7);
}

#[test]
fn links_show_redacted_endpoints() {
    let runs = Runs::new();
    let doc = json(&runs.impact());
    let auth = &doc["resources"][0]["consumers"][1];
    assert_eq!(auth["id"], "api/Deployment/auth-api");
    assert_eq!(
        auth["links"][0]["endpoint"],
        "redis://default:***@redis-sessions.cache.svc.cluster.local:6379"
    );
}

fn sarif(view: &View) -> Value {
    serde_json::from_str(&render(Format::Sarif, view)).expect("sarif output parses")
}

/// The schema kept with the tests: the SARIF 2.1.0 definitions of every
/// object fallout writes (see its description).
fn sarif_validator() -> jsonschema::Validator {
    validator_at(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/sarif-schema-2.1.0.json"
    ))
}

fn validator_at(path: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let schema: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn assert_valid(validator: &jsonschema::Validator, doc: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} is not valid SARIF 2.1.0:\n{}",
        errors.join("\n")
    );
}

#[test]
fn sarif_validates_against_the_schema() {
    let runs = Runs::new();
    let validator = sarif_validator();
    for (run, view) in runs.all() {
        assert_valid(&validator, &sarif(&view), run);
    }
    let empty = Inventory::default();
    let view = View {
        inventory: &empty,
        command: Command::Scan,
        change: None,
        gate: None,
        version: "1.2.3",
    };
    assert_valid(&validator, &sarif(&view), "an empty run");

    // With the complete OASIS schema at hand, check against it too.
    if let Ok(path) = std::env::var("FALLOUT_SARIF_SCHEMA") {
        let official = validator_at(&path);
        for (run, view) in runs.all() {
            assert_valid(&official, &sarif(&view), run);
        }
    }
}

#[test]
fn an_empty_inventory_renders_in_every_format() {
    let empty = Inventory::default();
    for command in [
        Command::Scan,
        Command::Impact,
        Command::Check,
        Command::Graph,
    ] {
        let view = View {
            inventory: &empty,
            command,
            change: None,
            gate: None,
            version: "1.2.3",
        };
        for format in Format::ALL {
            let out = render(format, &view);
            assert!(out.ends_with('\n'), "{format}");
        }
        assert!(render(Format::Table, &view).contains("no resources found"));
        assert!(render(Format::Checklist, &view).contains("No consumers found."));
    }
}

#[test]
fn the_schema_rejects_what_it_should() {
    // The validation test can fail: a level outside the enum is refused.
    let runs = Runs::new();
    let validator = sarif_validator();
    let mut doc = sarif(&runs.check());
    doc["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!validator.is_valid(&doc));
    let mut doc = sarif(&runs.check());
    doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        Value::from(0);
    assert!(!validator.is_valid(&doc));
}

#[test]
fn sarif_results_carry_files_lines_and_fingerprints() {
    let runs = Runs::new();
    let doc = sarif(&runs.check());
    assert_eq!(doc["version"], "2.1.0");
    let driver = &doc["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "fallout");
    assert_eq!(driver["version"], common::VERSION);
    let rules: Vec<&str> = driver["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        ["fallout/breaks", "fallout/at-risk", "fallout/undocumented"]
    );

    let results = doc["runs"][0]["results"].as_array().unwrap();
    let summary: Vec<(&str, &str, &str)> = results
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap(),
                r["level"].as_str().unwrap(),
                r["properties"]["consumer"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("fallout/breaks", "error", "client/10.0.4.17:53122"),
            ("fallout/undocumented", "note", "client/10.0.4.17:53122"),
            ("fallout/breaks", "error", "api/Deployment/auth-api"),
            ("fallout/undocumented", "note", "api/Deployment/auth-api"),
            ("fallout/breaks", "error", "api/Deployment/events-api"),
            (
                "fallout/at-risk",
                "warning",
                "batch/Deployment/report-builder"
            ),
            ("fallout/at-risk", "warning", "jobs/CronJob/session-reaper"),
        ]
    );
    for r in results {
        let loc = &r["locations"][0]["physicalLocation"];
        assert!(loc["artifactLocation"]["uri"].is_string(), "{r}");
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1, "{r}");
        let fp = r["partialFingerprints"]["falloutConsumer/v1"]
            .as_str()
            .unwrap();
        assert!(fp.starts_with("cache/redis-sessions|"), "{fp}");
    }
    let auth = &results[2];
    assert_eq!(
        auth["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "api/auth.yaml"
    );
    assert_eq!(
        auth["locations"][0]["physicalLocation"]["region"]["startLine"],
        41
    );
    assert!(auth["message"]["text"]
        .as_str()
        .unwrap()
        .contains("AUTH_CACHE_URL"));
    // The live-only client points at the resource's definition, not at a redis:// URL.
    let client = &results[0];
    assert_eq!(
        client["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "cache/redis.yaml"
    );
    // Other file evidence becomes related locations.
    let reaper = &results[6];
    assert_eq!(
        reaper["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "jobs/reaper.yaml"
    );
}

#[test]
fn sarif_scan_reports_only_undocumented_consumers() {
    let runs = Runs::new();
    let doc = sarif(&runs.scan());
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert!(results
        .iter()
        .all(|r| r["ruleId"] == "fallout/undocumented"));
}

#[test]
fn markdown_has_summary_tables_mermaid_and_details() {
    let runs = Runs::new();
    let out = render(Format::Markdown, &runs.check());
    assert!(
        out.starts_with(
            "**fallout**: tls=required on cache/redis-sessions — 3 break, 2 at risk, 1 ok (2 undocumented)\n"
        ),
        "{out}"
    );
    assert!(out.contains("```mermaid\nflowchart LR\n"), "{out}");
    assert!(out.contains("classDef breaks"), "{out}");
    assert!(out.contains("-.->"), "weak edge not dotted:\n{out}");
    assert!(
        out.contains("### Breaks (3)")
            && out.contains("### At risk (2)")
            && out.contains("### OK (1)")
    );
    assert_eq!(out.matches("<details>").count(), 6);
    assert!(out.contains("**Gate failed**"));
    let undocumented = out.find("undocumented consumers").unwrap();
    assert!(undocumented < out.find("### Breaks").unwrap());
}

#[test]
fn markdown_escapes_cells() {
    let mut inventory = common::impact_inventory();
    let c = &mut inventory.resources[0].consumers[0];
    c.reasons = vec!["a | b <script>".into()];
    c.owner = Some("team|x".into());
    let change = common::impact_change();
    let view = View {
        inventory: &inventory,
        command: Command::Impact,
        change: Some(&change),
        gate: None,
        version: common::VERSION,
    };
    let out = render(Format::Markdown, &view);
    assert!(out.contains("a \\| b &lt;script>"), "{out}");
    assert!(out.contains("team\\|x"), "{out}");
    assert!(!out.contains("<script>"), "{out}");
}

/// Scenario review #2 H7: on a 20,000-workload tree the comment was
/// 280,000 characters, and GitHub refuses a comment over 65,536. Parts are
/// left out (info notes first, then evidence and graph, then table rows)
/// and the report says so.
#[test]
fn markdown_fits_a_pull_request_comment() {
    let mut inventory = common::impact_inventory();
    let template = inventory.resources[0].consumers[0].clone();
    for i in 0..3_000 {
        let mut c = template.clone();
        c.id.name = format!("{}-{i}", c.id.name);
        c.reasons = vec![format!("uses redis:// at api/app-{i}.yaml:12; switch to rediss://redis-sessions.cache:6380 and configure the CA")];
        inventory.resources[0].consumers.push(c);
    }
    for i in 0..2_000 {
        inventory.diagnostics.push(
            fallout_core::Diagnostic::info("kustomize", format!("a kustomization note {i}")).at(
                format!("overlays/o{i}/kustomization.yaml"),
                Some(1),
                None,
            ),
        );
    }
    inventory.diagnostics.push(
        fallout_core::Diagnostic::warning("yaml-parse", "a broken file").at(
            "broken.yaml",
            Some(3),
            None,
        ),
    );
    let change = common::impact_change();
    let view = View {
        inventory: &inventory,
        command: Command::Impact,
        change: Some(&change),
        gate: None,
        version: common::VERSION,
    };
    let out = render(Format::Markdown, &view);
    assert!(out.len() <= 65_536, "{} characters", out.len());
    assert!(
        out.starts_with("**fallout**: tls=required"),
        "{}",
        &out[..200]
    );
    assert!(out.contains("more, left out to fit a pull-request comment |"));
    assert!(out.contains("> Cut to fit a pull-request comment (GitHub refuses more than 65,536 characters): left out "));
    assert!(out.contains("the info notes"));
    assert!(!out.contains("a kustomization note 1999"));
    // A small report is whole, with no note.
    let runs = Runs::new();
    let small = render(Format::Markdown, &runs.check());
    assert!(!small.contains("Cut to fit"), "{small}");
}

/// The code review's cases: many undocumented consumers, a gate failing
/// on many, and a scan of many resources stay within the limit too.
#[test]
fn markdown_fits_with_many_resources_and_a_long_gate() {
    let mut inventory = common::impact_inventory();
    let template = inventory.resources[0].clone();
    let consumer = template.consumers[0].clone();
    inventory.resources.clear();
    for r in 0..1_500 {
        let mut res = template.clone();
        res.id = format!("ns-{r}/redis-{r}");
        res.consumers = (0..2)
            .map(|i| {
                let mut c = consumer.clone();
                c.id.name = format!("app-{r}-{i}");
                c.documented = false;
                c
            })
            .collect();
        inventory.resources.push(res);
    }
    inventory.documentation_checked = true;
    let view = View {
        inventory: &inventory,
        command: Command::Scan,
        change: None,
        gate: None,
        version: common::VERSION,
    };
    let out = render(Format::Markdown, &view);
    assert!(out.len() <= 65_536, "{} characters", out.len());
    assert!(
        out.contains("> - and 2950 more (the tables below list them)"),
        "{}",
        &out[..3000]
    );
    assert!(out.contains("resources' tables"));
    // A gate failing on 3,000 consumers names 50 of them.
    let mut one = common::impact_inventory();
    let c0 = one.resources[0].consumers[0].clone();
    for i in 0..3_000 {
        let mut c = c0.clone();
        c.id.name = format!("svc-{i}");
        one.resources[0].consumers.push(c);
    }
    let change = common::impact_change();
    let gate = fallout_report::Gate {
        failed: true,
        fail_on: vec!["breaks".into()],
        failing: (0..3_000)
            .map(|i| format!("ns/Deployment/svc-{i}"))
            .collect(),
    };
    let view = View {
        inventory: &one,
        command: Command::Impact,
        change: Some(&change),
        gate: Some(&gate),
        version: common::VERSION,
    };
    let out = render(Format::Markdown, &view);
    assert!(out.len() <= 65_536, "{} characters", out.len());
    assert!(out.contains(", and 2950 more\n"), "{}", &out[..2000]);
}

#[test]
fn checklist_has_a_box_per_breaking_consumer_under_its_owner() {
    let runs = Runs::new();
    let out = render(Format::Checklist, &runs.check());
    assert!(out.starts_with("# Change checklist: Enforce TLS on the sessions cache\n"));
    assert!(out.contains("- **Window:** 2026-12-03T02:00:00Z/PT2H\n"));
    assert!(out.contains("- **Rollback:** set tls back to preferred\n"));

    let section = |heading: &str| {
        let start = out
            .find(heading)
            .unwrap_or_else(|| panic!("no {heading} in\n{out}"));
        let rest = &out[start..];
        let end = rest.find("Sign-off:").unwrap();
        rest[..end].to_string()
    };
    let identity = section("## Owner: identity");
    assert!(
        identity.contains("- [ ] **api/Deployment/auth-api** (undocumented) — breaks"),
        "{identity}"
    );
    let scheduling = section("## Owner: scheduling");
    assert!(
        scheduling.contains("- [x] **api/Deployment/events-api** — breaks"),
        "{scheduling}"
    );
    assert!(
        scheduling.contains("approved by lead-scheduling"),
        "{scheduling}"
    );
    let none = section("## No owner recorded");
    let client = none.find("client/10.0.4.17:53122").unwrap();
    let reports = none.find("batch/Deployment/report-builder").unwrap();
    assert!(client < reports, "breaking consumers first:\n{none}");
    assert_eq!(out.matches("— breaks —").count(), 3);
    assert_eq!(
        out.matches("Sign-off: ____________  Date: ________")
            .count(),
        5
    );
}

#[test]
fn checklist_says_what_was_not_given() {
    let runs = Runs::new();
    let out = render(Format::Checklist, &runs.impact());
    assert!(out.contains("- **Window:** not given\n"), "{out}");
    assert!(out.contains("- **Rollback:** not given\n"), "{out}");
    assert!(
        out.contains("- **Target:** cache/redis-sessions (given as `redis-sessions.cache`)"),
        "{out}"
    );
}

#[test]
fn table_scan_has_no_verdict_column_and_says_no_consumers() {
    let runs = Runs::new();
    let out = render(Format::Table, &runs.scan());
    assert!(!out.contains("VERDICT"), "{out}");
    assert!(out.contains("no consumers found"), "{out}");
    assert!(
        out.contains("cache/redis-sessions  redis  ports 6379, tls 6380"),
        "{out}"
    );
    assert!(out.contains("(weak: inferred)"), "{out}");
    assert!(out.contains("warning: api/broken.yaml:7:12: mapping values are not allowed in this context [yaml-parse]"));
}

#[test]
fn table_impact_has_verdicts_reasons_and_summary() {
    let runs = Runs::new();
    let out = render(Format::Table, &runs.check());
    assert!(out.contains("VERDICT"), "{out}");
    assert!(out.contains("breaks, approved by lead-scheduling"), "{out}");
    assert!(
        out.contains("6 consumers: 3 break, 2 at risk, 1 ok; 2 undocumented"),
        "{out}"
    );
    assert!(
        out.contains("10.0.4.17:53122: note: not in any config"),
        "{out}"
    );
    // Undocumented consumers lead the table.
    let auth = out.find("auth-api (undocumented)").unwrap();
    let events = out.find("events-api ").unwrap();
    assert!(auth < events, "{out}");
}

#[test]
fn graphs_draw_weak_edges_dashed_and_colour_verdicts() {
    let runs = Runs::new();
    let dot = render(Format::Dot, &runs.impact());
    assert!(dot.starts_with("digraph fallout {"));
    assert!(dot.contains("style=dashed"), "{dot}");
    assert!(dot.contains("fillcolor="), "{dot}");
    let dot_scan = render(Format::Dot, &runs.scan());
    assert!(
        !dot_scan.contains("fillcolor="),
        "scan has no verdict colours:\n{dot_scan}"
    );
    let mermaid = render(Format::Mermaid, &runs.impact());
    assert!(mermaid.contains("class c0,c1,c2 breaks"), "{mermaid}");
    assert!(mermaid.contains(" -.->|"), "{mermaid}");
}

#[test]
fn hostile_names_cannot_break_graph_or_markdown_syntax() {
    let mut inventory = common::impact_inventory();
    let c = &mut inventory.resources[0].consumers[0];
    c.id.name = "evil\"] --> x[\"<b>|".into();
    let change = common::impact_change();
    let view = View {
        inventory: &inventory,
        command: Command::Impact,
        change: Some(&change),
        gate: None,
        version: common::VERSION,
    };
    let dot = render(Format::Dot, &view);
    assert!(dot.contains(r#"evil\"] --> x[\"<b>|"#), "{dot}");
    let mermaid = render(Format::Mermaid, &view);
    assert!(
        mermaid.contains("evil#quot;] --#gt; x[#quot;#lt;b#gt;#124;"),
        "{mermaid}"
    );
    assert!(!mermaid.contains("<b>"), "{mermaid}");
    let md = render(Format::Markdown, &view);
    assert!(
        md.contains("<summary><code>web/Deployment/evil&quot;] --&gt; x[&quot;&lt;b&gt;|</code>"),
        "{md}"
    );
    // Elsewhere the name is only ever inside a code span, where `<b>` is text.
    for (at, _) in md.match_indices("<b>") {
        let line_start = md[..at].rfind('\n').map_or(0, |i| i + 1);
        let ticks = md[line_start..at].matches('`').count();
        assert!(
            ticks % 2 == 1,
            "<b> outside a code span: {}",
            &md[line_start..at + 3]
        );
    }
}

/// Without a catalog nothing is known to be undocumented: reports for people
/// do not say so, JSON says `documented: null` and that it was not checked.
#[test]
fn nothing_is_called_undocumented_without_a_catalog() {
    let mut inventory = common::scan_inventory();
    inventory.documentation_checked = false;
    let view = View {
        inventory: &inventory,
        command: Command::Scan,
        change: None,
        gate: None,
        version: "0.0.0-test",
    };
    for format in [
        Format::Table,
        Format::Markdown,
        Format::Checklist,
        Format::Dot,
        Format::Mermaid,
        Format::Sarif,
    ] {
        let out = render(format, &view);
        assert!(
            !out.to_lowercase().contains("(undocumented)"),
            "{format:?}:\n{out}"
        );
        assert!(!out.contains("**undocumented**"), "{format:?}");
    }
    let sarif: Value = serde_json::from_str(&render(Format::Sarif, &view)).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"].as_array().map(Vec::len),
        Some(0)
    );
    let json: Value = serde_json::from_str(&render(Format::Json, &view)).unwrap();
    assert_eq!(json["documentation_checked"], false);
    for c in json["resources"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["consumers"].as_array().unwrap())
    {
        assert!(c["documented"].is_null(), "{c:#}");
    }
    let checked = Inventory {
        documentation_checked: true,
        ..inventory.clone()
    };
    let view = View {
        inventory: &checked,
        ..view
    };
    assert!(render(Format::Table, &view).contains("(undocumented)"));
}

/// An approved breaking consumer is a suppressed result, so code scanning
/// shows it dismissed with the approver, not as an open error.
#[test]
fn sarif_suppresses_approved_consumers_only() {
    let runs = Runs::new();
    let doc = sarif(&runs.check());
    let results = doc["runs"][0]["results"].as_array().unwrap();
    for r in results {
        let approved = r["properties"]["consumer"] == "api/Deployment/events-api"
            && r["ruleId"] != "fallout/undocumented";
        assert_eq!(r.get("suppressions").is_some(), approved, "{r}");
        if approved {
            assert_eq!(r["suppressions"][0]["kind"], "external");
            assert!(r["suppressions"][0]["justification"]
                .as_str()
                .unwrap()
                .contains("lead-scheduling"));
        }
    }
    assert!(sarif_validator().is_valid(&doc));
}

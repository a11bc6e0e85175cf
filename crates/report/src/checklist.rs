//! The sign-off checklist: the change (target, settings, window, rollback),
//! its counts, the input problems (files that could not be read, approvals
//! that approve nobody), then a section per owner with a box per consumer to
//! tick and a line to sign. Work to do comes first in each section.

use crate::common::{self, Counts};
use crate::{markdown, Report, View};
use fallout_core::{Consumer, ConsumerKind, Severity};
use std::collections::BTreeMap;
use std::fmt::Write;

/// `--format checklist`.
pub struct ChecklistReport;

const NO_OWNER: &str = "No owner recorded";

impl Report for ChecklistReport {
    fn render(&self, view: &View) -> String {
        let verdicts = view.command.has_verdicts();
        let change = view.change;
        let title = change
            .and_then(|c| c.title.clone())
            .or_else(|| common::change_summary(view))
            .unwrap_or_else(|| format!("consumers of {}", common::target(view)));
        let mut out = format!("# Change checklist: {}\n\n", text(&title));

        let given = |v: Option<&String>| v.map_or("not given".to_string(), |s| text(s));
        let target = common::target(view);
        match change {
            Some(c) if c.target != target => {
                let _ = writeln!(
                    out,
                    "- **Target:** {} (given as {})",
                    text(&target),
                    code(&c.target)
                );
            }
            _ => {
                let _ = writeln!(out, "- **Target:** {}", text(&target));
            }
        }
        let settings: Vec<String> = change
            .map(|c| c.settings.iter().map(|s| code(&s.to_string())).collect())
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "- **Settings:** {}",
            if settings.is_empty() {
                "not given".to_string()
            } else {
                settings.join(", ")
            }
        );
        let _ = writeln!(
            out,
            "- **Window:** {}",
            given(change.and_then(|c| c.window.as_ref()))
        );
        let _ = writeln!(
            out,
            "- **Rollback:** {}",
            given(change.and_then(|c| c.rollback.as_ref()))
        );
        let _ = writeln!(
            out,
            "- **Consumers:** {}",
            Counts::of_view(view).summary(verdicts)
        );
        if let Some(gate) = common::gate_line(view) {
            let _ = writeln!(out, "- **Gate:** {}", text(&gate));
        }

        // Before anyone signs: what could not be read, and approvals that
        // approve nobody (info-level notes are left to the other formats).
        let shown: Vec<&fallout_core::Diagnostic> = view
            .inventory
            .diagnostics
            .iter()
            .filter(|d| d.severity != Severity::Info)
            .collect();
        let problems: Vec<String> = shown
            .iter()
            .map(|d| format!("- {}", markdown::prose(&common::diagnostic_line(d))))
            .collect();
        if !problems.is_empty() {
            // Approvals that approve nobody hide no consumer; what could
            // not be read may.
            let lead = if shown
                .iter()
                .all(|d| matches!(d.code, "approval-unknown" | "approval-ambiguous"))
            {
                "These approvals approve nobody; fix them before signing:"
            } else if shown.iter().all(|d| d.code.starts_with("approval-")) {
                "Fix these approvals before signing:"
            } else {
                "The consumers below may be incomplete until these are fixed:"
            };
            let _ = writeln!(
                out,
                "\n## Input problems\n\n{lead}\n\n{}",
                problems.join("\n")
            );
        }

        // Owner sections in name order; consumers with no owner last.
        type Item<'a> = ((&'a str, Option<&'a str>), &'a Consumer);
        let mut sections: BTreeMap<(bool, String), Vec<Item>> = BTreeMap::new();
        for r in &view.inventory.resources {
            for c in common::ordered_consumers(&r.consumers) {
                let key = match &c.owner {
                    Some(owner) => (false, owner.clone()),
                    None => (true, String::new()),
                };
                let resource = (r.id.as_str(), r.owner.as_deref());
                sections.entry(key).or_default().push((resource, c));
            }
        }
        if sections.is_empty() {
            out.push_str("\nNo consumers found.\n");
        }
        let several = view.inventory.resources.len() > 1;
        for ((no_owner, owner), items) in &sections {
            if *no_owner {
                let _ = writeln!(out, "\n## {NO_OWNER}\n");
            } else {
                let _ = writeln!(out, "\n## Owner: {}\n", text(owner));
            }
            let consumers: Vec<&Consumer> = items.iter().map(|(_, c)| *c).collect();
            for i in common::by_verdict(&consumers) {
                let (resource, c) = items[i];
                let _ = writeln!(out, "{}", item(c, verdicts, resource, several));
            }
            out.push_str("\nSign-off: ____________  Date: ________\n");
        }
        out
    }
}

/// `- [ ] **api/Deployment/events-api** — breaks — <what to do> — evidence: path:line (strength)`.
fn item(
    c: &Consumer,
    verdicts: bool,
    (resource, resource_owner): (&str, Option<&str>),
    show_resource: bool,
) -> String {
    let done = c.approval.is_some();
    let mut line = format!(
        "- [{}] **{}**",
        if done { "x" } else { " " },
        text(&c.id.to_string())
    );
    if let Some(identity) = common::client_identity(c) {
        let _ = write!(line, " ({})", text(&identity));
    }
    if !c.documented {
        line.push_str(" (undocumented)");
    }
    if show_resource {
        let _ = write!(line, " → {}", text(resource));
    }
    if verdicts {
        if let Some(v) = c.verdict {
            let _ = write!(line, " — {}", common::verdict_words(v));
        }
        let todo = if c.reasons.is_empty() {
            "no action recorded".to_string()
        } else {
            c.reasons.join("; ")
        };
        let _ = write!(line, " — {}", markdown::prose(&todo));
    } else {
        let via = common::via(c, resource);
        if !via.is_empty() {
            let _ = write!(line, " — via {}", text(&via.join(", ")));
        }
    }
    // A client nobody claims: whoever runs the Redis can see where it
    // connects from, so the line says whom to ask.
    if let (None, Some(owner)) = (&c.owner, resource_owner) {
        if c.id.kind == ConsumerKind::Client {
            let _ = write!(
                line,
                " — owner unknown: ask the Redis owner ({})",
                text(owner)
            );
        }
    }
    for note in &c.notes {
        let _ = write!(line, " — note: {}", markdown::prose(note));
    }
    if let Some(a) = &c.approval {
        let _ = write!(line, " — approved by {}", text(&a.by));
        if let Some(note) = &a.note {
            let _ = write!(line, " ({})", text(note));
        }
    }
    match common::sorted_evidence(c).first() {
        Some(e) => {
            let _ = write!(line, " — evidence: {}", text(&common::evidence_label(e)));
        }
        None => line.push_str(" — evidence: none"),
    }
    line
}

/// Text on one line, so no value can start a heading or a checkbox of its
/// own, and Markdown, not HTML: `<TLS port>` in a reason or `<script>` in
/// a note is shown as written (the `markdown` format's escaping).
fn text(text: &str) -> String {
    markdown::cell(text)
}

/// Inline code on one line; a backtick in the text needs a longer fence.
/// Nothing in a code span is HTML, so only the line is kept.
fn code(text: &str) -> String {
    let text = text.replace(['\n', '\r'], " ");
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

//! The pull-request comment: a one-line summary, the gate, undocumented
//! consumers called out, a table per verdict (per resource for a scan), a
//! Mermaid graph, evidence in `<details>` sections, then diagnostics.

use crate::common::{self, Counts};
use crate::{graph, Report, View};
use fallout_core::{Consumer, Verdict};
use std::fmt::Write;

/// `--format markdown`.
pub struct MarkdownReport;

/// The most consumers named in the gate line and the undocumented list.
const LISTED: usize = 50;

/// The most a report may hold: a pull-request comment on GitHub is at most
/// 65,536 characters, and a longer body is refused. Parts that do not fit
/// are left out in this order (info notes, the evidence, the graph, other
/// diagnostics, table rows), and the report says what was left out.
pub const COMMENT_LIMIT: usize = 60_000;

/// The change's title in the comment, at most (characters).
const TITLE_LIMIT: usize = 500;

/// `text` cut to `limit` characters, `…` marking the cut.
fn clipped(text: &str, limit: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(limit) {
        Some((at, _)) => format!("{}…", &text[..at]).into(),
        None => text.into(),
    }
}

impl Report for MarkdownReport {
    fn render(&self, view: &View) -> String {
        let verdicts = view.command.has_verdicts();
        let counts = Counts::of_view(view);
        let mut out = String::new();

        // Summary line.
        let undocumented = if counts.undocumented > 0 {
            format!(" ({} undocumented)", counts.undocumented)
        } else {
            String::new()
        };
        match common::change_summary(view) {
            Some(change) if verdicts => {
                let _ = writeln!(
                    out,
                    "**fallout**: {} — {}{undocumented}",
                    cell(&change),
                    counts.verdicts()
                );
            }
            _ => {
                let _ = writeln!(
                    out,
                    "**fallout** {}: {}, {}{undocumented}",
                    view.command.as_str(),
                    common::plural(view.inventory.resources.len(), "resource", "resources"),
                    common::plural(counts.consumers, "consumer", "consumers"),
                );
            }
        }
        if let Some(title) = view.change.and_then(|c| c.title.as_deref()) {
            // A title is a line, not the comment: one as long as the
            // limit would leave no room for the consumers.
            let _ = writeln!(out, "\n> {}", cell(&clipped(title, TITLE_LIMIT)));
        }

        if let Some(gate) = view.gate {
            let on = gate.fail_on.join(", ");
            if gate.failed {
                let mut failing: Vec<String> = gate
                    .failing
                    .iter()
                    .take(LISTED)
                    .map(|id| code(id))
                    .collect();
                if gate.failing.len() > LISTED {
                    failing.push(format!("and {} more", gate.failing.len() - LISTED));
                }
                let _ = writeln!(
                    out,
                    "\n:x: **Gate failed** (fail on: {}): {}",
                    cell(&on),
                    failing.join(", ")
                );
            } else {
                let _ = writeln!(
                    out,
                    "\n:white_check_mark: **Gate passed** (fail on: {})",
                    cell(&on)
                );
            }
        }

        // (resource id, consumer) in report order.
        let all: Vec<(&str, &Consumer)> = view
            .inventory
            .resources
            .iter()
            .flat_map(|r| {
                common::ordered_consumers(&r.consumers)
                    .into_iter()
                    .map(|c| (r.id.as_str(), c))
            })
            .collect();
        let undocumented: Vec<&Consumer> = all
            .iter()
            .map(|(_, c)| *c)
            .filter(|c| !c.documented)
            .collect();
        if !undocumented.is_empty() {
            let _ = writeln!(
                out,
                "\n> [!WARNING]\n> **{}** in no catalog or inventory file:",
                common::plural(
                    undocumented.len(),
                    "undocumented consumer",
                    "undocumented consumers"
                )
            );
            let more = undocumented.len().saturating_sub(LISTED);
            for c in undocumented.into_iter().take(LISTED) {
                let mut line = format!("> - {}", code(&c.id.to_string()));
                if let Some(identity) = common::client_identity(c) {
                    let _ = write!(line, " ({})", cell(&identity));
                }
                if let Some(v) = c.verdict.filter(|_| verdicts) {
                    let _ = write!(line, " — {}", common::verdict_words(v));
                }
                if let Some(e) = common::sorted_evidence(c).first() {
                    let _ = write!(line, " — {}", cell(&common::evidence_label(e)));
                }
                let _ = writeln!(out, "{line}");
            }
            if more > 0 {
                let _ = writeln!(out, "> - and {more} more (the tables below list them)");
            }
        }

        // What is left out to stay within [`COMMENT_LIMIT`].
        let mut left_out: Vec<String> = Vec::new();
        // Room kept for the parts after the tables' first rows and the
        // closing note.
        const RESERVE: usize = 2_000;
        if verdicts {
            for (verdict, heading) in [
                (Verdict::Breaks, "Breaks"),
                (Verdict::AtRisk, "At risk"),
                (Verdict::Ok, "OK"),
            ] {
                let group: Vec<(&str, &Consumer)> = all
                    .iter()
                    .copied()
                    .filter(|(_, c)| c.verdict == Some(verdict))
                    .collect();
                if group.is_empty() {
                    continue;
                }
                let _ = writeln!(out, "\n### {heading} ({})\n", group.len());
                let mut rows = String::new();
                table(&mut rows, &group, true);
                let shown = fit_rows(&mut out, &rows, COMMENT_LIMIT.saturating_sub(RESERVE));
                if shown < group.len() {
                    left_out.push(format!(
                        "{} of the {} table's rows",
                        group.len() - shown,
                        heading.to_lowercase()
                    ));
                }
            }
        } else {
            let mut skipped = 0usize;
            for r in &view.inventory.resources {
                if out.len() + RESERVE * 2 > COMMENT_LIMIT {
                    skipped += 1;
                    continue;
                }
                let mut heading = format!("{} ({})", code(&r.id), r.kind);
                if let Some(ports) = common::ports(r) {
                    let _ = write!(heading, ", {ports}");
                }
                let _ = writeln!(out, "\n### {heading}\n");
                if r.consumers.is_empty() {
                    out.push_str("No consumers found.\n");
                    continue;
                }
                let consumers: Vec<(&str, &Consumer)> = common::ordered_consumers(&r.consumers)
                    .into_iter()
                    .map(|c| (r.id.as_str(), c))
                    .collect();
                let mut rows = String::new();
                table(&mut rows, &consumers, false);
                let shown = fit_rows(&mut out, &rows, COMMENT_LIMIT.saturating_sub(RESERVE));
                if shown < consumers.len() {
                    left_out.push(format!(
                        "{} rows of {}'s table",
                        consumers.len() - shown,
                        code(&r.id)
                    ));
                }
            }
            if skipped > 0 {
                left_out.push(format!("{skipped} resources' tables"));
            }
        }

        // The rest, most useful first, each part whole or not at all.
        let problems: Vec<String> = view
            .inventory
            .diagnostics
            .iter()
            .filter(|d| d.severity != fallout_core::Severity::Info)
            .map(|d| format!("- {}\n", prose(&common::diagnostic_line(d))))
            .collect();
        let notes: Vec<String> = view
            .inventory
            .diagnostics
            .iter()
            .filter(|d| d.severity == fallout_core::Severity::Info)
            .map(|d| format!("- {}\n", prose(&common::diagnostic_line(d))))
            .collect();
        let graph_text = (!all.is_empty())
            .then(|| format!("\n### Graph\n\n```mermaid\n{}```\n", graph::mermaid(view)));
        let evidence_text = (!all.is_empty()).then(|| {
            let mut details = String::from("\n### Evidence\n");
            for (_, c) in &all {
                evidence(&mut details, c, verdicts);
            }
            details
        });
        const HEADING: &str = "\n### Diagnostics\n\n";
        // Which parts fit, chosen most useful first; written in the
        // report's order (graph, evidence, diagnostics).
        let mut room = COMMENT_LIMIT.saturating_sub(out.len() + RESERVE + HEADING.len());
        let mut fits = |what: &str, text: &str| {
            if text.is_empty() {
                return false;
            }
            if text.len() > room {
                left_out.push(what.to_string());
                return false;
            }
            room -= text.len();
            true
        };
        let problems = problems.concat();
        let notes = notes.concat();
        let with_problems = fits("the errors and warnings", &problems);
        let with_evidence = evidence_text
            .as_deref()
            .is_some_and(|t| fits("the evidence", t));
        let with_graph = graph_text.as_deref().is_some_and(|t| fits("the graph", t));
        let with_notes = fits("the info notes", &notes);
        if with_graph {
            out.push_str(graph_text.as_deref().unwrap_or_default());
        }
        if with_evidence {
            out.push_str(evidence_text.as_deref().unwrap_or_default());
        }
        if with_problems || with_notes {
            out.push_str(HEADING);
        }
        if with_problems {
            out.push_str(&problems);
        }
        if with_notes {
            out.push_str(&notes);
        }
        if !left_out.is_empty() {
            let _ = writeln!(
                out,
                "\n> [!NOTE]\n> Cut to fit a pull-request comment (GitHub refuses more than 65,536 characters): left out {}. `--format json` or `--format table` has the whole report.",
                left_out.join(", ")
            );
        }
        out
    }
}

/// Appends the lines of a Markdown table (its header and separator, then
/// one row per line) while they fit in `limit`; returns the rows shown.
/// A row that does not fit ends the table with a row saying so.
fn fit_rows(out: &mut String, table: &str, limit: usize) -> usize {
    let mut lines = table.lines();
    for header in lines.by_ref().take(2) {
        out.push_str(header);
        out.push('\n');
    }
    let rows: Vec<&str> = lines.collect();
    for (n, row) in rows.iter().enumerate() {
        if out.len() + row.len() + 1 > limit {
            let _ = writeln!(
                out,
                "| … | {} more, left out to fit a pull-request comment |",
                rows.len() - n
            );
            return n;
        }
        out.push_str(row);
        out.push('\n');
    }
    rows.len()
}

fn table(out: &mut String, consumers: &[(&str, &Consumer)], verdicts: bool) {
    out.push_str("| Consumer | Namespace | Kind | Via | TLS | Owner | Evidence |");
    if verdicts {
        out.push_str(" Reasons |");
    }
    out.push_str("\n|---|---|---|---|---|---|---|");
    if verdicts {
        out.push_str("---|");
    }
    out.push('\n');
    for &(resource_id, c) in consumers {
        let mut name = code_in_cell(&c.id.to_string());
        if let Some(identity) = common::client_identity(c) {
            let _ = write!(name, " ({})", cell(&identity));
        }
        if !c.documented {
            name.push_str(" **undocumented**");
        }
        let via = common::via(c, resource_id);
        let evidence = common::sorted_evidence(c);
        let mut ev = evidence
            .first()
            .map_or("-".to_string(), |e| common::evidence_label(e));
        if evidence.len() > 1 {
            let _ = write!(ev, " +{} more", evidence.len() - 1);
        }
        let _ = write!(
            out,
            "| {name} | {} | {} | {} | {} | {} | {} |",
            cell(common::place(c)),
            cell(c.id.kind.as_str()),
            cell(&if via.is_empty() {
                "-".to_string()
            } else {
                via.join(", ")
            }),
            c.tls,
            cell(c.owner.as_deref().unwrap_or("-")),
            cell(&ev),
        );
        if verdicts {
            let mut reasons = prose(&c.reasons.join("; "));
            if let Some(a) = &c.approval {
                if !reasons.is_empty() {
                    reasons.push_str("; ");
                }
                let _ = write!(reasons, "approved by {}", cell(&a.by));
                if let Some(note) = &a.note {
                    let _ = write!(reasons, ": {}", cell(note));
                }
            }
            let _ = write!(
                out,
                " {} |",
                if reasons.is_empty() { "-" } else { &reasons }
            );
        }
        out.push('\n');
    }
}

fn evidence(out: &mut String, c: &Consumer, verdicts: bool) {
    let mut summary = format!("<code>{}</code>", html(&c.id.to_string()));
    if let Some(v) = c.verdict.filter(|_| verdicts) {
        let _ = write!(summary, " — {}", common::verdict_words(v));
    }
    let _ = write!(
        summary,
        " — {}",
        common::plural(c.evidence.len(), "piece of evidence", "pieces of evidence")
    );
    let _ = writeln!(out, "\n<details><summary>{summary}</summary>\n");
    for e in common::sorted_evidence(c) {
        let _ = writeln!(
            out,
            "- {} ({}): {}",
            code(&common::origin_label(&e.origin)),
            common::strength_label(e),
            prose(&e.detail)
        );
    }
    for credential in &c.credentials {
        let _ = writeln!(out, "- credentials: {}", cell(credential));
    }
    for note in &c.notes {
        let _ = writeln!(out, "- note: {}", cell(note));
    }
    out.push_str("\n</details>\n");
}

/// Text fit for a table cell or a list item: `|` escaped, `<` and `&` as
/// entities (so no text becomes HTML), newlines folded. The checklist
/// escapes its text with it too.
pub(crate) fn cell(text: &str) -> String {
    escaped(text, true)
}

/// Text fallout writes, whose code spans (`rediss://host:6380`) are
/// meant: escaped as [`cell`] but for backticks.
pub(crate) fn prose(text: &str) -> String {
    escaped(text, false)
}

fn escaped(text: &str, backticks: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '|' => out.push_str("\\|"),
            // (else it pairs with a code span the report writes)
            '`' if backticks => out.push_str("\\`"),
            '<' => out.push_str("&lt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Inline code outside a table; a backtick in the text needs a longer
/// fence. (`\\|` would show its backslash here.)
fn code(text: &str) -> String {
    let text = text.replace(['\n', '\r'], " ");
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

/// Inline code in a table cell: `|` must still be escaped there (GitHub
/// splits the row before it reads code spans, and shows `\\|` as `|`).
fn code_in_cell(text: &str) -> String {
    code(&text.replace('|', "\\|"))
}

/// Text inside HTML (`<summary>`).
fn html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

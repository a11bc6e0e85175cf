//! The terminal report: per resource a heading line and a table of its
//! consumers, then reasons, notes, a summary line and the diagnostics.
//! No colours and no terminal-width wrapping, so output is the same in a
//! pipe, a CI log and a snapshot.

use crate::common::{self, Counts};
use crate::{Report, View};
use comfy_table::{presets, ContentArrangement, Table};
use fallout_core::{Consumer, Resource};
use std::fmt::Write;

/// How many aliases a heading shows before `+N more`.
const ALIASES_SHOWN: usize = 4;

/// `--format table`.
pub struct TableReport;

impl Report for TableReport {
    fn render(&self, view: &View) -> String {
        let mut out = String::new();
        let verdicts = view.command.has_verdicts();
        if let Some(change) = view.change {
            if let Some(title) = &change.title {
                let _ = writeln!(out, "change: {title}");
            }
            if let Some(summary) = common::change_summary(view) {
                let _ = writeln!(out, "{}: {summary}", view.command.as_str());
            }
            out.push('\n');
        }
        if view.inventory.resources.is_empty() {
            out.push_str("no resources found\n");
        }
        for (i, resource) in view.inventory.resources.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            render_resource(&mut out, resource, verdicts);
        }
        if view.inventory.resources.len() > 1 {
            let counts = Counts::of_view(view);
            let _ = writeln!(
                out,
                "\n{} resources, {}",
                view.inventory.resources.len(),
                counts.summary(verdicts)
            );
        }
        if let Some(gate) = common::gate_line(view) {
            let _ = writeln!(out, "\ngate {gate}");
        }
        if !view.inventory.diagnostics.is_empty() {
            out.push('\n');
            for d in &view.inventory.diagnostics {
                let _ = writeln!(out, "{}", common::diagnostic_line(d));
            }
        }
        out
    }
}

fn render_resource(out: &mut String, resource: &Resource, verdicts: bool) {
    let _ = writeln!(out, "{}", heading(resource));
    if resource.consumers.is_empty() {
        out.push_str("  no consumers found\n");
        return;
    }
    let consumers = common::ordered_consumers(&resource.consumers);
    let mut table = Table::new();
    table
        .load_preset(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Disabled)
        .force_no_tty();
    let mut header = vec!["CONSUMER", "NAMESPACE", "KIND", "VIA", "TLS"];
    if verdicts {
        header.push("VERDICT");
    }
    header.extend(["OWNER", "EVIDENCE"]);
    table.set_header(header);
    for c in &consumers {
        table.add_row(row(c, &resource.id, verdicts));
    }
    // Columns two spaces apart, the table indented under its heading.
    for column in table.column_iter_mut() {
        column.set_padding((0, 2));
    }
    for line in table.lines() {
        let _ = writeln!(out, "  {}", line.trim_end());
    }

    let explained: Vec<&&Consumer> = consumers
        .iter()
        .filter(|c| !c.reasons.is_empty() || !c.notes.is_empty() || c.approval.is_some())
        .collect();
    if !explained.is_empty() {
        out.push('\n');
    }
    // Two consumers of one name (a Deployment `worker` and its
    // ScaledObject `worker`): each by its full id.
    let mut named: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for c in &consumers {
        *named.entry(c.id.name.as_str()).or_default() += 1;
    }
    for c in explained {
        let shared = named.get(c.id.name.as_str()).is_some_and(|&n| n > 1);
        let name = if shared {
            c.id.to_string()
        } else {
            c.id.name.clone()
        };
        if verdicts && !c.reasons.is_empty() {
            let _ = writeln!(out, "  {name}: {}", c.reasons.join("; "));
        }
        for note in &c.notes {
            let _ = writeln!(out, "  {name}: note: {note}");
        }
        if let Some(approval) = &c.approval {
            let _ = match &approval.note {
                Some(note) => writeln!(out, "  {name}: approved by {}: {note}", approval.by),
                None => writeln!(out, "  {name}: approved by {}", approval.by),
            };
        }
    }
    let counts = Counts::of(resource.consumers.iter());
    let _ = writeln!(out, "\n  {}", counts.summary(verdicts));
}

/// `cache/redis-sessions  redis  ports 6379, tls 6380  aliases: a, b (+3 more)`.
fn heading(resource: &Resource) -> String {
    let mut parts = vec![resource.id.clone(), resource.kind.to_string()];
    if let Some(ports) = common::ports(resource) {
        parts.push(ports);
    }
    if resource.external {
        parts.push("external".to_string());
    }
    if let Some(owner) = &resource.owner {
        parts.push(format!("owner: {owner}"));
    }
    if !resource.aliases.is_empty() {
        let shown: Vec<&str> = resource
            .aliases
            .iter()
            .take(ALIASES_SHOWN)
            .map(String::as_str)
            .collect();
        let mut aliases = format!("aliases: {}", shown.join(", "));
        if resource.aliases.len() > ALIASES_SHOWN {
            let _ = write!(
                aliases,
                " (+{} more)",
                resource.aliases.len() - ALIASES_SHOWN
            );
        }
        parts.push(aliases);
    }
    parts.join("  ")
}

fn row(c: &Consumer, resource_id: &str, verdicts: bool) -> Vec<String> {
    let via = common::via(c, resource_id);
    let mut name = common::consumer_label(c, &c.id.name);
    if !c.documented {
        name.push_str(" (undocumented)");
    }
    // A compose service that runs only under a profile (Sentry's
    // `*-errors-only`): said, as `docker compose up` skips it without one.
    if !c.profiles.is_empty() {
        let _ = write!(name, " (profile {})", c.profiles.join(", "));
    }
    let mut row = vec![
        name,
        common::place(c).to_string(),
        c.id.kind.as_str().to_string(),
        if via.is_empty() {
            "-".to_string()
        } else {
            via.join(", ")
        },
        c.tls.as_str().to_string(),
    ];
    if verdicts {
        let mut verdict = c.verdict.map_or("-", |v| v.as_str()).to_string();
        if let Some(approval) = &c.approval {
            let _ = write!(verdict, ", approved by {}", approval.by);
        }
        row.push(verdict);
    }
    row.push(c.owner.clone().unwrap_or_else(|| "-".to_string()));
    let evidence = common::sorted_evidence(c);
    let mut cell = match evidence.first() {
        Some(e) => common::evidence_label(e),
        None => "-".to_string(),
    };
    if evidence.len() > 1 {
        let _ = write!(cell, " +{} more", evidence.len() - 1);
    }
    row.push(cell);
    row
}

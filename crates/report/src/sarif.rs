//! SARIF 2.1.0 for code-scanning uploads: a result per breaking (error) or
//! at-risk (warning) consumer and per undocumented one (note), located at
//! the file evidence that ties it to the resource. Diagnostics go in the
//! invocation's notifications, not among the results: they are about the
//! input, not about a consumer.

use crate::common;
use crate::{Report, View};
use fallout_core::{Consumer, Diagnostic, Resource, Severity, Verdict};
use serde::Serialize;
use std::collections::BTreeMap;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/fallout/fallout";
/// The key of the fingerprint code-scanning tools use to follow a result
/// across runs: resource id and consumer id, nothing that moves with lines.
const FINGERPRINT: &str = "falloutConsumer/v1";

/// `--format sarif`.
pub struct SarifReport;

struct Rule {
    id: &'static str,
    name: &'static str,
    short: &'static str,
    full: &'static str,
    help: &'static str,
    level: &'static str,
}

const RULES: [Rule; 3] = [
    Rule {
        id: "fallout/breaks",
        name: "ConsumerBreaks",
        short: "A consumer breaks under the proposed change",
        full: "The consumer's configuration is incompatible with the change: it fails after the change unless it is changed first.",
        help: "Change the consumer first (the result's message says how), or record an approval for it in the approvals file.",
        level: "error",
    },
    Rule {
        id: "fallout/at-risk",
        name: "ConsumerAtRisk",
        short: "A consumer cannot be shown safe under the proposed change",
        full: "fallout could not show the consumer is compatible with the change: its config could not be read, it was seen live but named in no config, or its TLS settings are incomplete.",
        help: "Check the consumer's configuration by hand and fix or document it before the change.",
        level: "warning",
    },
    Rule {
        id: "fallout/undocumented",
        name: "UndocumentedConsumer",
        short: "A consumer uses the resource but is not documented",
        full: "The consumer is linked to the resource by configuration or live traffic, but no catalog entry or inventory file lists it.",
        help: "Add the consumer to the service catalog (e.g. Backstage dependsOn) or the inventory file.",
        level: "note",
    },
];

const BREAKS: usize = 0;
const AT_RISK: usize = 1;
const UNDOCUMENTED: usize = 2;

impl Report for SarifReport {
    fn render(&self, view: &View) -> String {
        let log = Log::new(view);
        let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
        out.push('\n');
        out
    }
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    invocations: Vec<Invocation>,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'a str,
    information_uri: &'static str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    name: &'static str,
    short_description: Message,
    full_description: Message,
    help: Message,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

impl Message {
    fn new(text: impl Into<String>) -> Message {
        Message { text: text.into() }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Notification {
    level: &'static str,
    message: Message,
    descriptor: DescriptorReference,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location>,
}

#[derive(Serialize)]
struct DescriptorReference {
    id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Message,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    /// An approved consumer: suppressed, so code scanning shows it as
    /// dismissed rather than as an open error.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression>,
    properties: Properties,
}

#[derive(Serialize)]
struct Suppression {
    kind: &'static str,
    status: &'static str,
    justification: String,
}

#[derive(Serialize)]
struct Properties {
    resource: String,
    consumer: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    verdict: Option<&'static str>,
    strength: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    owner: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Message>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<u32>,
}

fn physical(path: String, line: Option<u32>, col: Option<u32>) -> PhysicalLocation {
    PhysicalLocation {
        artifact_location: ArtifactLocation { uri: path },
        region: line.filter(|l| *l >= 1).map(|start_line| Region {
            start_line,
            start_column: col.filter(|c| *c >= 1),
        }),
    }
}

impl<'a> Log<'a> {
    fn new(view: &View<'a>) -> Log<'a> {
        let verdicts = view.command.has_verdicts();
        let mut results = Vec::new();
        for resource in &view.inventory.resources {
            for c in common::ordered_consumers(&resource.consumers) {
                let verdict_rule = match c.verdict.filter(|_| verdicts) {
                    Some(Verdict::Breaks) => Some(BREAKS),
                    Some(Verdict::AtRisk) => Some(AT_RISK),
                    _ => None,
                };
                if let Some(rule) = verdict_rule {
                    results.push(result(view, resource, c, rule));
                }
                if !c.documented {
                    results.push(result(view, resource, c, UNDOCUMENTED));
                }
            }
        }
        let notifications: Vec<Notification> = view
            .inventory
            .diagnostics
            .iter()
            .map(notification)
            .collect();
        let invocations = if notifications.is_empty() {
            Vec::new()
        } else {
            vec![Invocation {
                execution_successful: true,
                tool_execution_notifications: notifications,
            }]
        };
        Log {
            schema: SCHEMA,
            version: "2.1.0",
            runs: [Run {
                tool: Tool {
                    driver: Driver {
                        name: "fallout",
                        version: view.version,
                        information_uri: INFORMATION_URI,
                        rules: RULES
                            .iter()
                            .map(|r| ReportingDescriptor {
                                id: r.id,
                                name: r.name,
                                short_description: Message::new(r.short),
                                full_description: Message::new(r.full),
                                help: Message::new(r.help),
                                default_configuration: Configuration { level: r.level },
                            })
                            .collect(),
                    },
                },
                invocations,
                results,
            }],
        }
    }
}

fn result(view: &View, resource: &Resource, c: &Consumer, rule: usize) -> SarifResult {
    let id = c.id.to_string();
    let text = match rule {
        UNDOCUMENTED => {
            let mut text = format!(
                "{id} uses {} ({} evidence) but no catalog or inventory file lists it.",
                resource.id, c.strength
            );
            for note in &c.notes {
                text.push_str(&format!(" Note: {note}."));
            }
            text
        }
        _ => {
            let verdict = c.verdict.map_or("", common::verdict_words);
            let change = common::change_summary(view)
                .map(|s| format!(" under {s}"))
                .unwrap_or_default();
            let mut text = format!("{id} {verdict}{change}");
            if c.reasons.is_empty() {
                text.push('.');
            } else {
                text.push_str(": ");
                text.push_str(&c.reasons.join("; "));
            }
            if let Some(a) = &c.approval {
                text.push_str(&format!(" (approved by {})", a.by));
            }
            text
        }
    };

    // The strongest file evidence locates the result; the rest relate to it.
    let files: Vec<_> = common::sorted_evidence(c)
        .into_iter()
        .filter_map(|e| common::file_path(&e.origin).map(|(path, line)| (path, line, e)))
        .collect();
    let mut locations = Vec::new();
    let mut related = Vec::new();
    for (i, (path, line, e)) in files.into_iter().enumerate() {
        if i == 0 {
            locations.push(Location {
                id: None,
                physical_location: physical(path, line, None),
                message: None,
            });
        } else {
            related.push(Location {
                id: Some(i),
                physical_location: physical(path, line, None),
                message: Some(Message::new(format!(
                    "{} evidence: {}",
                    e.strength, e.detail
                ))),
            });
        }
    }
    // A consumer seen only live has no file of its own: point at the resource.
    if locations.is_empty() {
        if let Some((path, line)) = resource.defined_by.as_ref().and_then(common::file_path) {
            locations.push(Location {
                id: None,
                physical_location: physical(path, line, None),
                message: None,
            });
        }
    }

    let mut fingerprints = BTreeMap::new();
    fingerprints.insert(FINGERPRINT, format!("{}|{id}", resource.id));
    SarifResult {
        rule_id: RULES[rule].id,
        rule_index: rule,
        level: RULES[rule].level,
        message: Message::new(text),
        locations,
        related_locations: related,
        partial_fingerprints: fingerprints,
        suppressions: match (&c.approval, rule) {
            (Some(a), r) if r != UNDOCUMENTED => vec![Suppression {
                kind: "external",
                status: "accepted",
                justification: match &a.note {
                    Some(note) => format!("approved by {}: {note}", a.by),
                    None => format!("approved by {}", a.by),
                },
            }],
            _ => Vec::new(),
        },
        properties: Properties {
            resource: resource.id.clone(),
            consumer: id,
            verdict: c.verdict.map(|v| v.as_str()),
            strength: c.strength.as_str(),
            owner: c.owner.clone(),
        },
    }
}

fn notification(d: &Diagnostic) -> Notification {
    let level = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    };
    let locations = match &d.path {
        Some(path) if !path.contains("://") => vec![Location {
            id: None,
            physical_location: physical(common::uri_path(path), d.line, d.col),
            message: None,
        }],
        _ => Vec::new(),
    };
    Notification {
        level,
        message: Message::new(d.message.clone()),
        descriptor: DescriptorReference { id: d.code },
        locations,
    }
}

//! Graphviz and Mermaid: a node per resource and per consumer, an edge from
//! each consumer to each resource it uses, labelled with how (via) and how
//! sure (strength). Weak edges are dashed; consumers are coloured by verdict
//! when there is one. Node ids are generated (`r0`, `c3`), never taken from
//! names, so no name can break the syntax; names live in quoted labels.

use crate::common;
use crate::{Report, View};
use fallout_core::{Consumer, Verdict};
use std::collections::BTreeMap;
use std::fmt::Write;

/// `--format dot`.
pub struct DotReport;

/// `--format mermaid`.
pub struct MermaidReport;

/// The graph both formats draw, with stable node ids.
pub(crate) struct Graph<'a> {
    pub resources: Vec<ResourceNode>,
    pub consumers: Vec<ConsumerNode<'a>>,
    pub edges: Vec<Edge>,
}

pub(crate) struct ResourceNode {
    pub id: String,
    pub label: String,
}

pub(crate) struct ConsumerNode<'a> {
    pub id: String,
    pub label: String,
    pub consumer: &'a Consumer,
}

pub(crate) struct Edge {
    pub from: String,
    pub to: String,
    pub label: String,
    pub weak: bool,
}

impl<'a> Graph<'a> {
    pub fn new(view: &View<'a>) -> Graph<'a> {
        let mut graph = Graph {
            resources: Vec::new(),
            consumers: Vec::new(),
            edges: Vec::new(),
        };
        // One node per consumer even when it uses several resources.
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for (ri, resource) in view.inventory.resources.iter().enumerate() {
            let rid = format!("r{ri}");
            graph.resources.push(ResourceNode {
                id: rid.clone(),
                label: format!("{}\n{}", resource.id, resource.kind),
            });
            for c in common::ordered_consumers(&resource.consumers) {
                let key = c.id.to_string();
                let cid = match seen.get(&key) {
                    Some(id) => id.clone(),
                    None => {
                        let id = format!("c{}", graph.consumers.len());
                        seen.insert(key.clone(), id.clone());
                        let mut label = key.clone();
                        if !c.documented {
                            label.push_str("\n(undocumented)");
                        }
                        graph.consumers.push(ConsumerNode {
                            id: id.clone(),
                            label,
                            consumer: c,
                        });
                        id
                    }
                };
                let via = common::via(c, &resource.id);
                let label = if via.is_empty() {
                    c.strength.to_string()
                } else {
                    format!("{}\n{}", via.join(", "), c.strength)
                };
                graph.edges.push(Edge {
                    from: cid,
                    to: rid.clone(),
                    label,
                    weak: c.strength.is_weak(),
                });
            }
        }
        graph
    }
}

/// Graphviz fill and border colours per verdict.
fn dot_colours(verdict: Verdict) -> (&'static str, &'static str) {
    match verdict {
        Verdict::Breaks => ("#f8b4b4", "#c81e1e"),
        Verdict::AtRisk => ("#fdd8a5", "#d97706"),
        Verdict::Ok => ("#bbf7d0", "#15803d"),
    }
}

/// A Graphviz quoted string: quotes and backslashes escaped, newlines as `\n`.
fn dot_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl Report for DotReport {
    fn render(&self, view: &View) -> String {
        let graph = Graph::new(view);
        let mut out = String::from("digraph fallout {\n");
        out.push_str("  rankdir=LR;\n");
        out.push_str("  node [shape=box, fontname=\"Helvetica\"];\n");
        out.push_str("  edge [fontname=\"Helvetica\", fontsize=10];\n");
        for r in &graph.resources {
            let _ = writeln!(
                out,
                "  {} [label={}, shape=cylinder, style=bold];",
                r.id,
                dot_quote(&r.label)
            );
        }
        for c in &graph.consumers {
            let mut attrs = vec![format!("label={}", dot_quote(&c.label))];
            let mut styles = Vec::new();
            if let Some(verdict) = c.consumer.verdict {
                let (fill, border) = dot_colours(verdict);
                styles.push("filled");
                attrs.push(format!("fillcolor={}", dot_quote(fill)));
                attrs.push(format!("color={}", dot_quote(border)));
            }
            if !c.consumer.documented {
                styles.push("dashed");
            }
            if !styles.is_empty() {
                attrs.push(format!("style={}", dot_quote(&styles.join(","))));
            }
            let _ = writeln!(out, "  {} [{}];", c.id, attrs.join(", "));
        }
        for e in &graph.edges {
            let mut attrs = vec![format!("label={}", dot_quote(&e.label))];
            if e.weak {
                attrs.push("style=dashed".to_string());
            }
            let _ = writeln!(out, "  {} -> {} [{}];", e.from, e.to, attrs.join(", "));
        }
        out.push_str("}\n");
        out
    }
}

/// Mermaid label text: quotes and markup characters as entity codes,
/// newlines as `<br/>`.
fn mermaid_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '|' => out.push_str("#124;"),
            '\n' => out.push_str("<br/>"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

fn mermaid_class(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Breaks => "breaks",
        Verdict::AtRisk => "atrisk",
        Verdict::Ok => "ok",
    }
}

/// The flowchart's lines (no code fence), shared with the Markdown report.
pub(crate) fn mermaid(view: &View) -> String {
    let graph = Graph::new(view);
    let mut out = String::from("flowchart LR\n");
    for r in &graph.resources {
        let _ = writeln!(out, "  {}[(\"{}\")]", r.id, mermaid_text(&r.label));
    }
    let mut classes: BTreeMap<&'static str, Vec<&str>> = BTreeMap::new();
    for c in &graph.consumers {
        let _ = writeln!(out, "  {}[\"{}\"]", c.id, mermaid_text(&c.label));
        if let Some(verdict) = c.consumer.verdict {
            classes
                .entry(mermaid_class(verdict))
                .or_default()
                .push(&c.id);
        }
    }
    for e in &graph.edges {
        let arrow = if e.weak { "-.->" } else { "-->" };
        let _ = writeln!(
            out,
            "  {} {arrow}|\"{}\"| {}",
            e.from,
            mermaid_text(&e.label),
            e.to
        );
    }
    if !classes.is_empty() {
        out.push_str("  classDef breaks fill:#f8b4b4,stroke:#c81e1e,color:#000\n");
        out.push_str("  classDef atrisk fill:#fdd8a5,stroke:#d97706,color:#000\n");
        out.push_str("  classDef ok fill:#bbf7d0,stroke:#15803d,color:#000\n");
        for (class, ids) in classes {
            let _ = writeln!(out, "  class {} {class}", ids.join(","));
        }
    }
    out
}

impl Report for MermaidReport {
    fn render(&self, view: &View) -> String {
        mermaid(view)
    }
}

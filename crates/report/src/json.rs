//! The `fallout/v1` JSON document (docs: DESIGN.md, "JSON"). Structs, not
//! maps, so keys come out in the documented order; keys beyond the design's
//! come after them. `verdict`, `reasons` and `approval` appear only for
//! impact and check.

use crate::common;
use crate::{Report, View};
use fallout_core::{Consumer, Diagnostic, Evidence, Link, Origin, Resource};
use rayon::prelude::*;
use serde::Serialize;

/// The schema name every document carries.
pub const SCHEMA: &str = "fallout/v1";

/// `--format json`.
pub struct JsonReport;

impl Report for JsonReport {
    fn render(&self, view: &View) -> String {
        let mut out = Vec::new();
        // Writing to memory cannot fail; serde_json writes UTF-8 only.
        let _ = self.render_to(view, &mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    /// Resources are rendered each on its own, in parallel, and written in
    /// the document's `"resources": []`, indented for their place (two
    /// levels down): the text is exactly what one `to_string_pretty` of the
    /// whole would give. They go to `out` one by one, never joined into
    /// one string as large as the report.
    fn render_to(&self, view: &View, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let mut doc = Document::new(view);
        let resources = std::mem::take(&mut doc.resources);
        let rendered: Vec<String> = resources
            .par_iter()
            .map(|r| pretty_at(r, 2, 512 + 1024 * r.consumers.len()))
            .collect();
        drop(resources);
        let head = pretty_at(&doc, 0, 4096);
        const EMPTY: &str = "\n  \"resources\": []";
        let Some(at) = head.find(EMPTY).filter(|_| !rendered.is_empty()) else {
            out.write_all(head.as_bytes())?;
            return out.write_all(b"\n");
        };
        out.write_all(&head.as_bytes()[..at])?;
        out.write_all(b"\n  \"resources\": [")?;
        for (i, r) in rendered.iter().enumerate() {
            out.write_all(if i == 0 { b"\n    " } else { b",\n    " })?;
            out.write_all(r.as_bytes())?;
        }
        out.write_all(b"\n  ]")?;
        out.write_all(&head.as_bytes()[at + EMPTY.len()..])?;
        out.write_all(b"\n")
    }
}

/// Pretty JSON of plain structs, as `serde_json::to_string_pretty` writes
/// it but starting `level` levels deep (two spaces each), so a part
/// rendered on its own fits its place in the whole. Plain structs cannot
/// fail to serialize; should one, the error is said in the JSON rather
/// than a panic.
fn pretty_at<T: Serialize>(value: &T, level: usize, capacity: usize) -> String {
    let mut buf = Vec::with_capacity(capacity);
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, Indented::at(level));
    match value.serialize(&mut ser) {
        // serde_json writes valid UTF-8 only.
        Ok(()) => String::from_utf8(buf).unwrap_or_default(),
        Err(e) => format!("{{\"schema\": \"{SCHEMA}\", \"error\": \"{e}\"}}"),
    }
}

/// serde_json's `PrettyFormatter` (two-space indent) with a starting depth.
/// Indentation is written as one slice rather than one write per level.
struct Indented {
    level: usize,
    has_value: bool,
}

impl Indented {
    fn at(level: usize) -> Indented {
        Indented {
            level,
            has_value: false,
        }
    }

    fn newline<W: ?Sized + std::io::Write>(&self, w: &mut W, comma: bool) -> std::io::Result<()> {
        const SPACES: &[u8; 66] =
            b",\n                                                                ";
        let width = 2 * self.level;
        let from = usize::from(!comma);
        if width + 2 <= SPACES.len() {
            return w.write_all(&SPACES[from..width + 2]);
        }
        w.write_all(&SPACES[from..2])?;
        (0..self.level).try_for_each(|_| w.write_all(b"  "))
    }
}

impl serde_json::ser::Formatter for Indented {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.level -= 1;
        if self.has_value {
            self.newline(w, false)?;
        }
        w.write_all(b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.newline(w, !first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.level -= 1;
        if self.has_value {
            self.newline(w, false)?;
        }
        w.write_all(b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.newline(w, !first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[derive(Serialize)]
struct Document<'a> {
    schema: &'static str,
    /// Rendered apart, in parallel (`JsonReport::render`).
    resources: Vec<JsonResource<'a>>,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    command: &'static str,
    version: &'a str,
    /// Whether `documented` was checked against a catalog or inventory file.
    documentation_checked: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    change: Option<JsonChange<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gate: Option<JsonGate<'a>>,
}

impl<'a> Document<'a> {
    fn new(view: &View<'a>) -> Document<'a> {
        let verdicts = view.command.has_verdicts();
        Document {
            schema: SCHEMA,
            resources: view
                .inventory
                .resources
                .par_iter()
                .map(|r| JsonResource::new(r, verdicts, view.inventory.documentation_checked))
                .collect(),
            diagnostics: view
                .inventory
                .diagnostics
                .iter()
                .map(JsonDiagnostic::new)
                .collect(),
            command: view.command.as_str(),
            version: view.version,
            documentation_checked: view.inventory.documentation_checked,
            change: view.change.map(|c| JsonChange {
                title: c.title.as_deref(),
                target: &c.target,
                settings: c.settings.iter().map(|s| s.to_string()).collect(),
                window: c.window.as_deref(),
                rollback: c.rollback.as_deref(),
            }),
            gate: view.gate.map(|g| JsonGate {
                failed: g.failed,
                fail_on: &g.fail_on,
                failing: &g.failing,
            }),
        }
    }
}

#[derive(Serialize)]
struct JsonResource<'a> {
    id: &'a str,
    kind: &'a str,
    name: &'a str,
    namespace: Option<&'a str>,
    aliases: &'a [String],
    defined_by: Option<JsonOrigin<'a>>,
    consumers: Vec<JsonConsumer<'a>>,
    port: Option<u16>,
    tls_port: Option<u16>,
    /// The Unix socket it serves; absent when none is known (older
    /// readers see the same document as before).
    #[serde(skip_serializing_if = "Option::is_none")]
    unixsocket: Option<&'a str>,
    external: bool,
    owner: Option<&'a str>,
}

impl<'a> JsonResource<'a> {
    /// `checked`: whether documentation was read (else `documented` is null).
    fn new(r: &'a Resource, verdicts: bool, checked: bool) -> JsonResource<'a> {
        JsonResource {
            id: &r.id,
            kind: r.kind,
            name: &r.name,
            namespace: r.namespace.as_deref(),
            aliases: &r.aliases,
            defined_by: r.defined_by.as_ref().map(JsonOrigin::new),
            consumers: common::ordered_consumers_with_ids(&r.consumers)
                .into_iter()
                .map(|(id, c)| JsonConsumer::new(id, c, &r.id, verdicts, checked))
                .collect(),
            port: r.port,
            tls_port: r.tls_port,
            unixsocket: r.unixsocket.as_deref(),
            external: r.external,
            owner: r.owner.as_deref(),
        }
    }
}

/// `{path, line}` for files, `{source}` for live origins.
#[derive(Serialize)]
#[serde(untagged)]
enum JsonOrigin<'a> {
    File { path: &'a str, line: Option<u32> },
    Live { source: &'a str },
}

impl<'a> JsonOrigin<'a> {
    fn new(origin: &'a Origin) -> JsonOrigin<'a> {
        match origin {
            Origin::File { path, .. } => JsonOrigin::File {
                path,
                line: origin.line(),
            },
            Origin::Live { source } => JsonOrigin::Live { source },
        }
    }
}

#[derive(Serialize)]
struct JsonConsumer<'a> {
    id: String,
    kind: &'a str,
    namespace: Option<&'a str>,
    name: &'a str,
    file: Option<&'a str>,
    tls: &'static str,
    strength: &'static str,
    owner: Option<&'a str>,
    /// `null` when no catalog or inventory file was read: nothing is known
    /// to be undocumented then.
    documented: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    verdict: Option<Option<&'static str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reasons: Option<&'a [String]>,
    evidence: Vec<JsonEvidence<'a>>,
    via: Vec<String>,
    credentials: &'a [String],
    users: &'a [String],
    notes: &'a [String],
    profiles: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    approval: Option<Option<JsonApproval<'a>>>,
    links: Vec<JsonLink<'a>>,
}

impl<'a> JsonConsumer<'a> {
    /// `id` is the consumer's id as text (`ConsumerId`'s `Display`).
    fn new(
        id: String,
        c: &'a Consumer,
        resource_id: &str,
        verdicts: bool,
        checked: bool,
    ) -> JsonConsumer<'a> {
        JsonConsumer {
            id,
            kind: c.id.kind.as_str(),
            namespace: c.id.namespace.as_deref(),
            name: &c.id.name,
            file: c.id.file.as_deref(),
            tls: c.tls.as_str(),
            strength: c.strength.as_str(),
            owner: c.owner.as_deref(),
            documented: checked.then_some(c.documented),
            verdict: verdicts.then(|| c.verdict.map(|v| v.as_str())),
            reasons: verdicts.then_some(c.reasons.as_slice()),
            evidence: common::sorted_evidence(c)
                .into_iter()
                .map(JsonEvidence::new)
                .collect(),
            via: common::via(c, resource_id),
            credentials: &c.credentials,
            users: &c.users,
            notes: &c.notes,
            profiles: &c.profiles,
            approval: verdicts.then(|| {
                c.approval.as_ref().map(|a| JsonApproval {
                    by: &a.by,
                    note: a.note.as_deref(),
                })
            }),
            links: c.links.iter().map(JsonLink::new).collect(),
        }
    }
}

#[derive(Serialize)]
#[serde(untagged)]
enum JsonEvidence<'a> {
    File {
        strength: &'static str,
        path: &'a str,
        line: Option<u32>,
        detail: &'a str,
    },
    Live {
        strength: &'static str,
        source: &'a str,
        detail: &'a str,
    },
}

impl<'a> JsonEvidence<'a> {
    fn new(e: &'a Evidence) -> JsonEvidence<'a> {
        let strength = e.strength.as_str();
        match &e.origin {
            Origin::File { path, .. } => JsonEvidence::File {
                strength,
                path,
                line: e.origin.line(),
                detail: &e.detail,
            },
            Origin::Live { source } => JsonEvidence::Live {
                strength,
                source,
                detail: &e.detail,
            },
        }
    }
}

#[derive(Serialize)]
struct JsonApproval<'a> {
    by: &'a str,
    note: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonLink<'a> {
    /// As written, with the password already replaced by `***` in core.
    endpoint: &'a str,
    service: Option<&'a str>,
    server_port: Option<u16>,
    tls: &'static str,
    /// The Redis proxy it goes through (present only then): `endpoint` is
    /// the proxy's address, `server_port` and `tls` the proxy's own hop.
    #[serde(skip_serializing_if = "Option::is_none")]
    proxy: Option<&'a str>,
}

impl<'a> JsonLink<'a> {
    fn new(l: &'a Link) -> JsonLink<'a> {
        JsonLink {
            endpoint: &l.endpoint.raw,
            service: l.service.as_deref(),
            server_port: l.server_port,
            tls: l.tls.as_str(),
            proxy: l.proxy.as_deref(),
        }
    }
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    severity: &'static str,
    code: &'static str,
    path: Option<&'a str>,
    line: Option<u32>,
    message: &'a str,
    col: Option<u32>,
}

impl<'a> JsonDiagnostic<'a> {
    fn new(d: &'a Diagnostic) -> JsonDiagnostic<'a> {
        JsonDiagnostic {
            severity: common::severity_str(d.severity),
            code: d.code,
            path: d.path.as_deref(),
            line: d.line,
            message: &d.message,
            col: d.col,
        }
    }
}

#[derive(Serialize)]
struct JsonChange<'a> {
    title: Option<&'a str>,
    target: &'a str,
    settings: Vec<String>,
    window: Option<&'a str>,
    rollback: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonGate<'a> {
    failed: bool,
    fail_on: &'a [String],
    failing: &'a [String],
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `pretty_at` is `to_string_pretty` shifted by `level` levels, nested
    /// deeper than its one-slice indentation reaches, with empty arrays and
    /// objects, escapes and nulls.
    #[test]
    fn pretty_at_is_pretty_shifted() {
        let mut deep = serde_json::json!({"leaf": [1, "two\n\"", null, {}, []]});
        for i in 0..40 {
            deep = serde_json::json!({ format!("k{i}"): [deep, {"n": i}], "e": [] });
        }
        let whole = serde_json::to_string_pretty(&deep).unwrap();
        assert_eq!(pretty_at(&deep, 0, 0), whole);
        assert_eq!(pretty_at(&deep, 2, 16), whole.replace('\n', "\n    "));
        assert_eq!(
            pretty_at(&deep, 35, 16),
            whole.replace('\n', &format!("\n{}", " ".repeat(70)))
        );
    }
}

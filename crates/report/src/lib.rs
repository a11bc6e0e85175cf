//! Renderers: turn an [`Inventory`] (and, after an impact run, its verdicts)
//! into table, JSON, Markdown, SARIF, checklist, Graphviz or Mermaid text.
//!
//! Renderers only format; they decide nothing. Verdicts, reasons, notes and
//! the gate's outcome arrive in the [`View`]; a renderer chooses words and
//! layout, never which consumer breaks. Nothing here prints: every renderer
//! returns a `String` for the CLI to write.

mod checklist;
mod common;
mod graph;
mod json;
mod markdown;
mod sarif;
mod table;

use fallout_core::{Change, Inventory};
use std::fmt;
use std::str::FromStr;

pub use checklist::ChecklistReport;
pub use common::{ordered_consumers, Counts};
pub use graph::{DotReport, MermaidReport};
pub use json::JsonReport;
pub use markdown::MarkdownReport;
pub use sarif::SarifReport;
pub use table::TableReport;

/// An output format, as named on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// A table per resource for the terminal.
    Table,
    /// The `fallout/v1` JSON document.
    Json,
    /// A pull-request comment.
    Markdown,
    /// SARIF 2.1.0 for code-scanning uploads.
    Sarif,
    /// A Markdown checklist for the leads who sign off a change.
    Checklist,
    /// A Graphviz digraph.
    Dot,
    /// A Mermaid flowchart.
    Mermaid,
}

impl Format {
    pub const ALL: [Format; 7] = [
        Format::Table,
        Format::Json,
        Format::Markdown,
        Format::Sarif,
        Format::Checklist,
        Format::Dot,
        Format::Mermaid,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Markdown => "markdown",
            Format::Sarif => "sarif",
            Format::Checklist => "checklist",
            Format::Dot => "dot",
            Format::Mermaid => "mermaid",
        }
    }

    /// The renderer for this format.
    pub fn reporter(self) -> &'static dyn Report {
        match self {
            Format::Table => &TableReport,
            Format::Json => &JsonReport,
            Format::Markdown => &MarkdownReport,
            Format::Sarif => &SarifReport,
            Format::Checklist => &ChecklistReport,
            Format::Dot => &DotReport,
            Format::Mermaid => &MermaidReport,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A format name that is not one of [`Format::ALL`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownFormat(pub String);

impl fmt::Display for UnknownFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let valid: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
        write!(
            f,
            "unknown format `{}`; valid: {}",
            self.0,
            valid.join(", ")
        )
    }
}

impl std::error::Error for UnknownFormat {}

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Format, UnknownFormat> {
        let wanted = s.trim().to_ascii_lowercase();
        Format::ALL
            .into_iter()
            .find(|f| f.as_str() == wanted)
            .ok_or_else(|| UnknownFormat(s.to_string()))
    }
}

/// The command whose result is being rendered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Command {
    /// Inventory only: no verdicts.
    Scan,
    /// A change's effect on each consumer.
    Impact,
    /// The CI gate over a change file.
    Check,
    /// The dependency graph.
    Graph,
}

impl Command {
    pub fn as_str(self) -> &'static str {
        match self {
            Command::Scan => "scan",
            Command::Impact => "impact",
            Command::Check => "check",
            Command::Graph => "graph",
        }
    }

    /// Whether consumers carry verdicts and reasons in this command's output.
    pub fn has_verdicts(self) -> bool {
        matches!(self, Command::Impact | Command::Check)
    }
}

/// The outcome of `check`, or of `impact --fail-on`, decided by the CLI.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Gate {
    pub failed: bool,
    /// The levels the gate fails on: `breaks`, `at-risk`, `undocumented`.
    pub fail_on: Vec<String>,
    /// Ids (`ConsumerId` Display) of the consumers that failed it.
    pub failing: Vec<String>,
}

/// Everything a renderer needs for one report.
#[derive(Clone, Copy, Debug)]
pub struct View<'a> {
    /// For impact and check, only the target resource; its consumers carry
    /// verdicts and reasons.
    pub inventory: &'a Inventory,
    pub command: Command,
    pub change: Option<&'a Change>,
    pub gate: Option<&'a Gate>,
    /// The tool's version, for SARIF and JSON.
    pub version: &'a str,
}

/// One output format.
pub trait Report {
    /// The whole report, ending with a newline.
    fn render(&self, view: &View) -> String;

    /// The report written to `out` (what [`Report::render`] gives; a
    /// format may write it in parts rather than build it whole).
    fn render_to(&self, view: &View, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        out.write_all(self.render(view).as_bytes())
    }
}

/// Renders `view` in `format`.
/// Without a catalog or inventory file nothing is known to be
/// undocumented, so reports for people do not call anything so; JSON says
/// `documented: null` and `documentation_checked: false`.
pub fn render(format: Format, view: &View) -> String {
    let mut out = Vec::new();
    // Writing to memory cannot fail; every format writes UTF-8.
    let _ = render_to(format, view, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// [`render`] written to `out`: the JSON report in parts, never whole in
/// memory.
pub fn render_to(format: Format, view: &View, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    if view.inventory.documentation_checked || format == Format::Json {
        return format.reporter().render_to(view, out);
    }
    let mut inventory = view.inventory.clone();
    for c in inventory
        .resources
        .iter_mut()
        .flat_map(|r| r.consumers.iter_mut())
    {
        c.documented = true;
    }
    format.reporter().render_to(
        &View {
            inventory: &inventory,
            ..*view
        },
        out,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for format in Format::ALL {
            assert_eq!(format.as_str().parse::<Format>(), Ok(format));
        }
        assert_eq!("JSON".parse::<Format>(), Ok(Format::Json));
    }

    #[test]
    fn unknown_format_lists_valid_values() {
        let err = "yaml".parse::<Format>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown format `yaml`; valid: table, json, markdown, sarif, checklist, dot, mermaid"
        );
    }
}

//! Diagnostics: findings about the input itself (a file that did not parse,
//! a reference that could not be resolved). Data, not errors: the scan goes on.

use serde::Serialize;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Input that could not be read or parsed; `--strict` fails the run on these.
    Error,
    /// Something the user should look at; the scan is still complete.
    Warning,
    /// For the record.
    Info,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable kebab-case code, e.g. `yaml-parse`, `missing-config-key`.
    pub code: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub col: Option<u32>,
    pub message: String,
}

impl Diagnostic {
    pub fn new(severity: Severity, code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity,
            code,
            path: None,
            line: None,
            col: None,
            message: message.into(),
        }
    }

    pub fn error(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Error, code, message)
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Warning, code, message)
    }

    pub fn info(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Info, code, message)
    }

    /// At a file origin's path and line; a live origin (a server, an API
    /// object) leaves it unplaced, the message naming it.
    pub fn at_origin(self, origin: &crate::Origin) -> Diagnostic {
        match origin {
            crate::Origin::File { path, line } => self.at(path.to_string(), Some(*line), None),
            crate::Origin::Live { .. } => self,
        }
    }

    pub fn at(
        mut self,
        path: impl Into<String>,
        line: Option<u32>,
        col: Option<u32>,
    ) -> Diagnostic {
        self.path = Some(path.into());
        self.line = line.filter(|l| *l > 0);
        self.col = col.filter(|c| *c > 0);
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        write!(f, "{sev}[{}]", self.code)?;
        if let Some(path) = &self.path {
            write!(f, " {path}")?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
                if let Some(col) = self.col {
                    write!(f, ":{col}")?;
                }
            }
            f.write_str(":")?;
        }
        write!(f, " {}", self.message)
    }
}

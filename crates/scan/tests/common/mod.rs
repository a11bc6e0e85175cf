//! Helpers shared by the scan integration tests: read a folder as the CLI
//! would hand it over, and print facts as one line each so that tests
//! compare exact consumers, lines and TLS values.

#![allow(dead_code)]

use fallout_core::{Fact, HintTarget, Scope, Severity};
use fallout_scan::{Scanned, SourceFile};
use std::path::{Path, PathBuf};

/// The shared corpus of real-world configuration: `FALLOUT_CORPUS`, else
/// `../shared/corpus` beside the checkout, else `/work/shared/corpus`.
pub fn corpus(name: &str) -> PathBuf {
    let beside = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    let root = [
        std::env::var_os("FALLOUT_CORPUS").map(PathBuf::from),
        Some(beside),
        Some(PathBuf::from("/work/shared/corpus")),
    ]
    .into_iter()
    .flatten()
    .find(|p| p.is_dir())
    .unwrap_or_else(|| panic!("the shared corpus is not beside the checkout nor at /work/shared/corpus; set FALLOUT_CORPUS"));
    root.join(name)
}

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(name)
}

/// Every text file under `root`, with '/'-separated paths relative to it.
pub fn load(root: &Path) -> Vec<SourceFile> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<SourceFile>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.expect("dir entry").path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(root, &path, out);
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                let rel = path.strip_prefix(root).expect("under root");
                let rel = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                out.push(SourceFile { path: rel, text });
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out
}

/// Source files from `(path, text)` pairs.
pub fn files(list: &[(&str, &str)]) -> Vec<SourceFile> {
    list.iter()
        .map(|(path, text)| SourceFile {
            path: path.to_string(),
            text: text.to_string(),
        })
        .collect()
}

fn scope(s: &Scope) -> String {
    match s {
        Scope::Namespace(n) => format!("ns:{n}"),
        Scope::Compose(f) => format!("compose:{f}"),
        Scope::None => "none".into(),
    }
}

/// Workloads that run a Redis server: `id port=.. tls-port=.. auth=.. aliases=..`.
pub fn servers(s: &Scanned) -> Vec<String> {
    let mut out: Vec<String> = s
        .facts
        .iter()
        .filter_map(|f| match f {
            Fact::Workload(w) => w.server.as_ref().map(|srv| {
                let port = |p: Option<u16>| p.map(|p| p.to_string()).unwrap_or_else(|| "-".into());
                format!(
                    "{} port={} tls-port={} auth={} aliases={}",
                    w.id,
                    port(srv.port),
                    port(srv.tls_port),
                    srv.requires_auth,
                    w.aliases.join(",")
                )
            }),
            _ => None,
        })
        .collect();
    out.sort();
    out
}

/// Every workload id, with profiles when it has some.
pub fn workloads(s: &Scanned) -> Vec<String> {
    let mut out: Vec<String> = s
        .facts
        .iter()
        .filter_map(|f| match f {
            Fact::Workload(w) if w.profiles.is_empty() => Some(w.id.to_string()),
            Fact::Workload(w) => Some(format!("{} profiles={}", w.id, w.profiles.join(","))),
            _ => None,
        })
        .collect();
    out.sort();
    out
}

/// `consumer -> host:port tls=.. strength path:line | detail`, plus the
/// credential's place when there is one.
pub fn references(s: &Scanned) -> Vec<String> {
    let mut out: Vec<String> = s
        .facts
        .iter()
        .filter_map(|f| match f {
            Fact::Reference(r) => {
                let mut line = format!(
                    "{} -> {} tls={} {} {} | {}",
                    r.consumer,
                    r.endpoint.address(),
                    r.endpoint.tls,
                    r.evidence.strength,
                    r.evidence.origin,
                    r.evidence.detail
                );
                if let Some(db) = r.endpoint.db {
                    line = line.replacen(" tls=", &format!(" db={db} tls="), 1);
                }
                if let Some(c) = &r.credential {
                    line.push_str(&format!(" [credential {}]", c.origin));
                }
                if let Some(on) = &r.same_network_as {
                    line.push_str(&format!(" [network of {on}]"));
                }
                Some(line)
            }
            _ => None,
        })
        .collect();
    out.sort();
    out
}

/// Every reference's scope, once per consumer.
pub fn reference_scopes(s: &Scanned) -> Vec<String> {
    let mut out: Vec<String> = s
        .facts
        .iter()
        .filter_map(|f| match f {
            Fact::Reference(r) => Some(format!("{} in {}", r.consumer, scope(&r.scope))),
            _ => None,
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// `consumer ~> target strength path:line | detail`.
pub fn hints(s: &Scanned) -> Vec<String> {
    let mut out: Vec<String> = s
        .facts
        .iter()
        .filter_map(|f| match f {
            Fact::Hint(h) => {
                let target = match &h.target {
                    HintTarget::Name { scope: sc, host } => format!("{host} in {}", scope(sc)),
                    HintTarget::AnyInScope(sc) => format!("any redis in {}", scope(sc)),
                    other => format!("{other:?}"),
                };
                Some(format!(
                    "{} ~> {target} {} {} | {}",
                    h.consumer, h.evidence.strength, h.evidence.origin, h.evidence.detail
                ))
            }
            _ => None,
        })
        .collect();
    out.sort();
    out
}

/// `severity code path:line`.
pub fn diagnostics(s: &Scanned) -> Vec<String> {
    let mut out: Vec<String> = s
        .diagnostics
        .iter()
        .map(|d| {
            let sev = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "info",
            };
            format!(
                "{sev} {} {}:{}",
                d.code,
                d.path.as_deref().unwrap_or("-"),
                d.line.unwrap_or(0)
            )
        })
        .collect();
    out.sort();
    out
}

/// Fails if any of `secrets` appears in any fact or diagnostic.
pub fn assert_no_secret(s: &Scanned, secrets: &[&str]) {
    let everything = format!(
        "{:?}\n{:?}\n{}",
        s.facts,
        s.diagnostics,
        s.diagnostics
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
    for secret in secrets {
        assert!(
            !everything.contains(secret),
            "secret `{secret}` appears in the output"
        );
    }
}

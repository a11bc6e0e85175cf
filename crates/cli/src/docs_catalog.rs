//! Finding and reading the documentation fallout compares with: `--catalog`
//! files and folders, `--config` (else `fallout.yaml` at the root of each
//! scanned folder) and CODEOWNERS. Parsing is in `fallout_scan::catalog`;
//! this only does the IO and decides which folder paths are relative to.

use crate::args::Common;
use fallout_scan::catalog::{self, Catalog, CodeownersFile};
use fallout_scan::SourceFile;
use std::path::{Path, PathBuf};

/// Where GitHub looks for CODEOWNERS, in its order.
const CODEOWNERS: &[&str] = &[".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"];

/// Every catalog, inventory and CODEOWNERS file for this run. An
/// unreadable or invalid catalog or inventory file is an error (exit 2): a
/// typo there would silently call everything undocumented.
pub fn load(paths: &[PathBuf], common: &Common) -> Result<Catalog, String> {
    let mut out = Catalog::default();
    let mut read: Vec<PathBuf> = Vec::new();
    for path in &common.catalog {
        if path.is_dir() {
            let found = find_catalogs(path);
            if found.is_empty() {
                return Err(format!(
                    "--catalog {}: no catalog-info.yaml or fallout.yaml inside",
                    path.display()
                ));
            }
            for file in found {
                read_file(&file, None, &mut out, &mut read)?;
            }
        } else if path.is_file() {
            read_file(path, None, &mut out, &mut read)?;
        } else {
            return Err(format!(
                "--catalog {}: no such file or directory",
                path.display()
            ));
        }
    }
    match &common.config {
        Some(file) => {
            if !file.is_file() {
                return Err(format!("--config {}: no such file", file.display()));
            }
            read_file(
                file,
                Some(catalog::FileKind::Inventory),
                &mut out,
                &mut read,
            )?;
        }
        None => {
            for dir in paths.iter().filter(|p| p.is_dir()) {
                for name in ["fallout.yaml", "fallout.yml"] {
                    let file = dir.join(name);
                    if file.is_file() {
                        read_file(
                            &file,
                            Some(catalog::FileKind::Inventory),
                            &mut out,
                            &mut read,
                        )?;
                    }
                }
            }
        }
    }
    out.codeowners = codeowners(paths);
    Ok(out)
}

fn read_file(
    path: &Path,
    kind: Option<catalog::FileKind>,
    out: &mut Catalog,
    read: &mut Vec<PathBuf>,
) -> Result<(), String> {
    let key = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    if read.contains(&key) {
        return Ok(());
    }
    read.push(key);
    let shown = display(path);
    let text = std::fs::read_to_string(path).map_err(|e| format!("{shown}: cannot read: {e}"))?;
    let parsed = match kind.unwrap_or_else(|| catalog::detect(&shown, &text)) {
        catalog::FileKind::Backstage => catalog::parse_backstage(&shown, &text),
        catalog::FileKind::Inventory => catalog::parse_inventory(&shown, &text),
    };
    out.merge(parsed.map_err(|e| e.to_string())?);
    Ok(())
}

/// `catalog-info.yaml` and `fallout.yaml` files under a folder (`.gitignore` respected).
fn find_catalogs(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = ignore::WalkBuilder::new(dir)
        .hidden(false)
        .require_git(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .map(|e| e.into_path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            is_documentation(name)
        })
        .collect();
    found.sort();
    found
}

fn is_documentation(name: &str) -> bool {
    matches!(
        name,
        "catalog-info.yaml" | "catalog-info.yml" | "fallout.yaml" | "fallout.yml"
    )
}

/// Paths as the scanners show them (`./` dropped), so roots and evidence agree.
fn display(path: &Path) -> String {
    let s = path.display().to_string();
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// The CODEOWNERS file of each scanned root: in the root itself, else in
/// the nearest folder above it up to the repository root (the one with `.git`).
fn codeowners(paths: &[PathBuf]) -> Vec<CodeownersFile> {
    let mut out: Vec<CodeownersFile> = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" || !path.exists() {
            continue;
        }
        let root = if path.is_dir() {
            path.clone()
        } else {
            path.parent().map(Path::to_path_buf).unwrap_or_default()
        };
        let shown_root = display(&root);
        let Ok(abs_root) = (if root.as_os_str().is_empty() {
            std::env::current_dir()
        } else {
            root.canonicalize()
        }) else {
            continue;
        };
        for dir in abs_root.ancestors() {
            let file = CODEOWNERS.iter().map(|n| dir.join(n)).find(|f| f.is_file());
            if let Some(file) = file {
                let Ok(text) = std::fs::read_to_string(&file) else {
                    break;
                };
                let prefix = abs_root
                    .strip_prefix(dir)
                    .map(|p| p.to_string_lossy().replace('\\', "/"))
                    .unwrap_or_default();
                let shown = if dir == abs_root {
                    display(&root.join(file.strip_prefix(dir).unwrap_or(&file)))
                } else {
                    file.display().to_string()
                };
                if !out.iter().any(|c| c.path == shown && c.root == shown_root) {
                    out.push(CodeownersFile {
                        path: shown,
                        root: shown_root.clone(),
                        prefix,
                        rules: fallout_scan::codeowners::parse(&text),
                    });
                }
                break;
            }
            if dir.join(".git").exists() {
                break;
            }
        }
    }
    out
}

/// Drops the files the inventory file's `ignore` patterns name (matched
/// relative to the scanned root they were found under, and as shown), and
/// the documentation files themselves: they are not configuration.
pub fn drop_ignored(files: &mut Vec<SourceFile>, paths: &[PathBuf], catalog: &Catalog) {
    let roots: Vec<String> = paths
        .iter()
        .filter(|p| p.is_dir())
        .map(|p| display(p).trim_end_matches('/').to_string())
        .collect();
    files.retain(|f| {
        let name = f.path.rsplit(['/', '\\']).next().unwrap_or(&f.path);
        if is_documentation(name) {
            return false;
        }
        if catalog.ignore.is_empty() {
            return true;
        }
        if catalog.is_ignored(&f.path) {
            return false;
        }
        !roots.iter().any(|root| {
            let rest = if root.is_empty() || root == "." {
                Some(f.path.as_str())
            } else {
                f.path
                    .strip_prefix(root.as_str())
                    .and_then(|r| r.strip_prefix('/'))
            };
            rest.is_some_and(|rest| catalog.is_ignored(rest))
        })
    });
}

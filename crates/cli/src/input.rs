//! Reading what the user named: files, directories (walked in parallel,
//! `.gitignore` respected) and stdin. Nothing is skipped silently: a file
//! that cannot be read is a diagnostic.

use fallout_core::Diagnostic;
use fallout_scan::SourceFile;
use std::io::Read;
use std::path::Path;
use std::sync::Mutex;

/// Files larger than this are not configuration; they are reported, not
/// read. Large enough for a whole organisation rendered into one file (a
/// `helm template` or `kubectl get -o yaml` of 20,000 workloads is ~20 MB).
const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// What reading produced.
#[derive(Default)]
pub struct Input {
    pub files: Vec<SourceFile>,
    /// Files `.gitignore` leaves out in the folders of compose projects
    /// ([`read_ignored`]): read by the scan only where a project names them.
    pub ignored: Vec<SourceFile>,
    pub diagnostics: Vec<Diagnostic>,
    /// The folders walked, as file paths show them (`""` for `.`).
    walked: Vec<String>,
}

/// Ignored files larger than this are not a project's settings.
const MAX_IGNORED_BYTES: u64 = 1024 * 1024;

/// Folders never walked for ignored files, besides those no scan reads
/// (`fallout_scan::projects::SKIPPED_FOLDERS`: `node_modules`, `vendor`,
/// `target`...): what tools build.
const BUILT_FOLDERS: &[&str] = &[
    ".terraform",
    "dist",
    "build",
    "out",
    ".next",
    ".nuxt",
    "coverage",
    ".gradle",
    ".cache",
    ".idea",
    ".vscode",
];

/// Whether an ignored file may be a project's settings, by its name: an
/// env file, or a config or script format (not a bundle, an image, a log).
fn settings_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower.starts_with(".env") || lower.ends_with(".env") {
        return true;
    }
    let ext = lower.rsplit_once('.').map_or("", |(_, e)| e);
    matches!(
        ext,
        "yml"
            | "yaml"
            | "json"
            | "toml"
            | "conf"
            | "cfg"
            | "ini"
            | "properties"
            | "py"
            | "rb"
            | "php"
            | "sh"
            | "xml"
            | "config"
    )
}

/// The files `.gitignore` leaves out under the folders of the compose
/// projects among `input.files`. On a server, a project's own settings
/// (`.env`, `.env.production`, `docker-compose.override.yml`, a config file
/// copied from its `.example`) are often ignored so their secrets stay out
/// of git, yet they are what `docker compose` runs with: the scan reads
/// them where the project names them, and nowhere else. Only env files and
/// config or script formats ([`settings_name`]) are read; files over 1 MiB,
/// symbolic links and installed or built folders (`node_modules`, `dist`,
/// `target`...) are left out.
pub fn read_ignored(input: &mut Input) {
    let mut dirs: Vec<String> = input
        .files
        .iter()
        .filter(|f| fallout_scan::compose::is_compose_name(&f.path))
        .map(|f| fallout_scan::projects::dir_of(&f.path).to_string())
        // Only in the folders given: a compose file named alone brings
        // nothing else in.
        .filter(|d| {
            input.walked.iter().any(|w| {
                // `.`: the relative folders below it, not `/abs` or `../x`
                // (a compose file named on its own beside it).
                let below_dot = w.is_empty() && !d.starts_with('/') && !d.starts_with("..");
                below_dot
                    || !w.is_empty()
                        && (d == w || d.starts_with(&format!("{}/", w.trim_end_matches('/'))))
            })
        })
        .collect();
    if dirs.is_empty() {
        return;
    }
    dirs.sort();
    dirs.dedup();
    // A folder under another is walked with it.
    let mut roots: Vec<String> = Vec::new();
    for d in dirs {
        let under = |r: &String| {
            if r.is_empty() {
                !d.starts_with('/') && !d.starts_with("..")
            } else {
                d == *r || d.starts_with(&format!("{r}/"))
            }
        };
        if !roots.iter().any(under) {
            roots.push(d);
        }
    }
    let read: std::collections::HashSet<&str> =
        input.files.iter().map(|f| f.path.as_str()).collect();
    let found: Mutex<Vec<std::path::PathBuf>> = Mutex::new(Vec::new());
    for root in &roots {
        let root = if root.is_empty() { "." } else { root.as_str() };
        let walker = ignore::WalkBuilder::new(root)
            .hidden(false)
            .require_git(false)
            .git_ignore(false)
            .git_global(false)
            .git_exclude(false)
            .follow_links(false)
            .filter_entry(|e| {
                let name = e.file_name().to_str().unwrap_or("");
                !e.file_type().is_some_and(|t| t.is_dir())
                    || !(fallout_scan::projects::SKIPPED_FOLDERS.contains(&name)
                        || BUILT_FOLDERS.contains(&name)
                        || name.starts_with("bazel-"))
            })
            .build_parallel();
        walker.run(|| {
            Box::new(|entry| {
                if let Ok(e) = entry {
                    let small = e.file_name().to_str().is_some_and(settings_name)
                        && e.metadata()
                            .is_ok_and(|m| m.is_file() && m.len() <= MAX_IGNORED_BYTES);
                    if small && !read.contains(display(e.path()).as_str()) {
                        found
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push(e.into_path());
                    }
                }
                ignore::WalkState::Continue
            })
        });
    }
    let found = found.into_inner().unwrap_or_else(|e| e.into_inner());
    let into = Mutex::new(Input::default());
    for path in &found {
        read_one(path, &into);
    }
    let mut ignored = into.into_inner().unwrap_or_else(|e| e.into_inner()).files;
    ignored.sort_by(|a, b| a.path.cmp(&b.path));
    input.ignored = ignored;
}

/// Reads every path. A path that does not exist is an error for the caller (exit 2).
pub fn read_paths(paths: &[std::path::PathBuf]) -> Result<Input, String> {
    let out = Mutex::new(Input::default());
    for path in paths {
        if path.as_os_str() == "-" {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|e| format!("cannot read stdin: {e}"))?;
            // As a file's bytes are: invalid UTF-8 replaced, UTF-16 read.
            match decode(bytes) {
                Some(text) => lock(&out).files.push(SourceFile {
                    path: "<stdin>".into(),
                    text,
                }),
                None => lock(&out).diagnostics.push(
                    Diagnostic::error("read", "binary data, not configuration: not read")
                        .at("<stdin>", None, None),
                ),
            }
            continue;
        }
        if !path.exists() {
            return Err(format!("{}: no such file or directory", path.display()));
        }
        if path.is_file() {
            read_one(path, &out);
            continue;
        }
        let shown = display(path);
        lock(&out).walked.push(match shown.trim_end_matches('/') {
            "." => String::new(),
            root => root.to_string(),
        });
        // Symbolic links are followed (shared bases and manifests are often
        // linked in); a loop or a link to nothing is a diagnostic.
        let walker = ignore::WalkBuilder::new(path)
            .hidden(false)
            .require_git(false)
            .follow_links(true)
            .filter_entry(|e| e.file_name() != ".git")
            .build_parallel();
        walker.run(|| {
            Box::new(|entry| {
                match entry {
                    Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => read_one(e.path(), &out),
                    Ok(_) => {}
                    Err(err) => lock(&out).diagnostics.push(walk_error(&err)),
                }
                ignore::WalkState::Continue
            })
        });
    }
    let mut input = out.into_inner().unwrap_or_else(|e| e.into_inner());
    input.files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(input)
}

/// A walk error as a diagnostic at the path it names, saying what to do.
fn walk_error(err: &ignore::Error) -> Diagnostic {
    fn parts(err: &ignore::Error) -> (Option<&Path>, Option<&Path>, Option<&std::io::Error>) {
        match err {
            ignore::Error::WithPath { path, err } => {
                let (_, ancestor, io) = parts(err);
                (Some(path.as_path()), ancestor, io)
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                parts(err)
            }
            ignore::Error::Loop { ancestor, child } => {
                (Some(child.as_path()), Some(ancestor.as_path()), None)
            }
            ignore::Error::Io(io) => (None, None, Some(io)),
            _ => (None, None, None),
        }
    }
    let (path, ancestor, io) = parts(err);
    let d = match (ancestor, io) {
        (Some(ancestor), _) => Diagnostic::warning(
            "symlink-loop",
            format!(
                "a symbolic link back to {}, which is already being read: not followed again (nothing is lost)",
                display(ancestor)
            ),
        ),
        (None, Some(io)) if io.kind() == std::io::ErrorKind::NotFound => Diagnostic::error(
            "read",
            "a symbolic link to nothing: not read; fix or remove the link",
        ),
        _ => Diagnostic::error("read", format!("cannot walk: {err}; check the permissions")),
    };
    match path {
        Some(p) => d.at(display(p), None, None),
        None => d,
    }
}

fn lock(m: &Mutex<Input>) -> std::sync::MutexGuard<'_, Input> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn display(path: &Path) -> String {
    let s = path.display().to_string();
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

fn read_one(path: &Path, out: &Mutex<Input>) {
    let shown = display(path);
    let read_err = |e: std::io::Error| {
        Diagnostic::error("read", format!("cannot read: {e}; check the permissions"))
            .at(&shown, None, None)
    };
    // One open and one fstat per file: the size is checked on the open file.
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return lock(out).diagnostics.push(read_err(e)),
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    if len > MAX_FILE_BYTES {
        lock(out).diagnostics.push(
            Diagnostic::warning(
                "file-too-large",
                format!("{len} bytes: not read (over {MAX_FILE_BYTES}); add it to .gitignore or name smaller files"),
            )
            .at(&shown, None, None),
        );
        return;
    }
    let mut bytes = Vec::with_capacity(len as usize + 1);
    // Through `Take`: `File::read_to_end` would ask the size again (a
    // second fstat and a seek per file, 4% of a scan's samples).
    if let Err(e) = Read::take(&mut file, MAX_FILE_BYTES + 1).read_to_end(&mut bytes) {
        return lock(out).diagnostics.push(read_err(e));
    }
    let text = match decode(bytes) {
        Some(text) => text,
        // Binary files (images, archives) are not configuration.
        None => return,
    };
    lock(out).files.push(SourceFile { path: shown, text });
}

/// A file's text: UTF-8 without its byte order mark, or UTF-16 with one (what
/// Windows PowerShell's `>` writes); `None` for binary files. Invalid UTF-8
/// is replaced, not refused: the rest of the file is still read.
fn decode(bytes: Vec<u8>) -> Option<String> {
    let utf16 = |be: bool| {
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|p| {
                if be {
                    u16::from_be_bytes([p[0], p[1]])
                } else {
                    u16::from_le_bytes([p[0], p[1]])
                }
            })
            .collect();
        String::from_utf16_lossy(&units)
    };
    match bytes.get(..3) {
        Some([0xff, 0xfe, ..]) => return Some(utf16(false)),
        Some([0xfe, 0xff, ..]) => return Some(utf16(true)),
        _ => {}
    }
    if memchr::memchr(0, &bytes[..bytes.len().min(8000)]).is_some() {
        return None;
    }
    let mut text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn byte_order_marks_are_read_past() {
        let text = "kind: Service\n";
        let mut utf8 = vec![0xef, 0xbb, 0xbf];
        utf8.extend(text.as_bytes());
        assert_eq!(decode(utf8).as_deref(), Some(text));
        let mut le = vec![0xff, 0xfe];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(le).as_deref(), Some(text));
        let mut be = vec![0xfe, 0xff];
        be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode(be).as_deref(), Some(text));
        assert_eq!(decode(b"PNG\0\x01".to_vec()), None);
        assert_eq!(decode(text.as_bytes().to_vec()).as_deref(), Some(text));
    }
}

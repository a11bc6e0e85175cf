//! Prints the facts scanned from the given files (a debugging aid).
#![allow(clippy::print_stdout)]
use fallout_scan::{scan_files, SourceFile};

fn main() {
    let mut files = Vec::new();
    for arg in std::env::args().skip(1) {
        for entry in ignore::Walk::new(&arg).flatten() {
            if entry.file_type().is_some_and(|t| t.is_file()) {
                if let Ok(text) = std::fs::read_to_string(entry.path()) {
                    files.push(SourceFile {
                        path: entry.path().display().to_string(),
                        text,
                    });
                }
            }
        }
    }
    let out = scan_files(&files, Vec::new(), &Default::default());
    for f in &out.facts {
        println!("{f:?}");
    }
    for d in &out.diagnostics {
        println!("{d:?}");
    }
}

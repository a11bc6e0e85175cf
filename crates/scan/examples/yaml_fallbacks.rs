//! Which YAML documents of a tree the fast path leaves to yaml-rust2 (about
//! 4× slower), by kind: what a generator or repository writes that the
//! fast path does not read yet.
//! `cargo run --release -p fallout-scan --example yaml_fallbacks -- DIR`
#![allow(clippy::print_stdout)]
use std::collections::BTreeMap;

fn main() {
    let dir = std::env::args().nth(1).expect("a folder");
    let (mut docs, mut bytes) = (0, 0);
    let mut kinds = BTreeMap::<&str, (usize, usize)>::new();
    let mut shown = 0;
    for entry in ignore::Walk::new(&dir).flatten() {
        let path = entry.path();
        if !path
            .extension()
            .is_some_and(|x| x == "yaml" || x == "yml" || x == "json")
        {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        // As the CLI reads files: past a byte order mark.
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        for (line, doc) in fallout_scan::yaml::split_documents(text) {
            docs += 1;
            bytes += doc.len();
            if fallout_scan::yaml::parse_fast_ended(doc, line).is_some()
                || fallout_scan::yaml::parse_crlf(doc, line).is_some()
            {
                continue;
            }
            let only_comments = doc.lines().all(|l| {
                let t = l.trim();
                t.is_empty() || t.starts_with('#') || t == "---"
            });
            let kind = if only_comments {
                "comments only"
            } else if fallout_scan::yaml::parse_events(doc, line).is_err() {
                "not YAML to yaml-rust2 either"
            } else {
                "other"
            };
            let k = kinds.entry(kind).or_default();
            k.0 += 1;
            k.1 += doc.len();
            if kind == "other" && shown < 3 {
                shown += 1;
                let end = (0..=doc.len().min(1500))
                    .rev()
                    .find(|&i| doc.is_char_boundary(i))
                    .unwrap_or(0);
                println!("==== {}:{line}\n{}", path.display(), &doc[..end]);
            }
        }
    }
    println!("{docs} documents, {bytes} bytes; left to yaml-rust2:");
    for (kind, (n, b)) in kinds {
        println!("  {kind}: {n} documents, {b} bytes");
    }
}

//! The fast YAML path against yaml-rust2, document by document: wherever
//! `yaml::parse_fast` returns a tree, it must equal what yaml-rust2 builds
//! (`yaml::parse_events`) exactly — lines, columns, styles, texts, map order.
//! Documents are cut as `k8s::parse_manifests` cuts them
//! (`yaml::split_documents`); whole files are compared too (as
//! `config::parse_yaml` reads compose files). Mutated copies of every
//! document (a byte inserted, deleted, a line duplicated) check that the fast
//! path gives up wherever it should.
//!
//! Generated trees: `cargo run --release -p fallout-bench --bin fallout-gen --
//! --workloads 2000 --out /tmp/gen2k`, then
//! `FALLOUT_YAML_DIFF_DIR=/tmp/gen2k cargo test --release -p fallout-scan
//! --test yaml_fast_diff -- --ignored --nocapture`.
#![allow(clippy::print_stderr)]

use fallout_scan::yaml;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

#[derive(Default, Debug)]
struct Tally {
    docs: usize,
    fast: usize,
    /// Documents yaml-rust2 rejects (the fast path must give up on all).
    invalid: usize,
    /// Some valid documents the fast path left to yaml-rust2.
    fallbacks: Vec<String>,
}

/// Compares both paths on one text; panics on any difference.
fn compare(what: &str, text: &str, first_line: u32, tally: &mut Tally) {
    let fast = yaml::parse_fast(text, first_line);
    let slow = yaml::parse_events(text, first_line);
    tally.docs += 1;
    if slow.is_err() {
        tally.invalid += 1;
    }
    if fast.is_none() && slow.is_ok() && tally.fallbacks.len() < 40 {
        tally.fallbacks.push(what.to_string());
    }
    if let Some(fast) = fast {
        tally.fast += 1;
        match slow {
            Ok(slow) => assert!(
                fast == slow,
                "{what}: the fast path differs from yaml-rust2: {}\n--- text ---\n{}",
                first_difference(&fast, &slow),
                excerpt(text)
            ),
            Err(e) => panic!(
                "{what}: the fast path accepted what yaml-rust2 rejects ({e:?})\n--- text ---\n{}",
                excerpt(text)
            ),
        }
    }
    // `parse` itself is whichever path answers.
    assert_eq!(
        yaml::parse(text, first_line).ok(),
        yaml::parse_events(text, first_line).ok(),
        "{what}"
    );
}

fn excerpt(text: &str) -> &str {
    let mut end = text.len().min(3000);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Where two parses first differ, for a readable failure.
fn first_difference(fast: &[yaml::Document], slow: &[yaml::Document]) -> String {
    if fast.len() != slow.len() {
        return format!("{} documents against {}", fast.len(), slow.len());
    }
    for (f, s) in fast.iter().zip(slow) {
        if f.line != s.line {
            return format!("document line {} against {}", f.line, s.line);
        }
        if let Some(d) = node_difference(&f.root, &s.root, "") {
            return d;
        }
    }
    "equal".into()
}

fn node_difference(f: &yaml::Node, s: &yaml::Node, path: &str) -> Option<String> {
    use yaml::Value;
    let shallow = |n: &yaml::Node| match &n.value {
        Value::Scalar { text, quoted } => format!(
            "{}:{} scalar {text:?} quoted={quoted} block={}",
            n.line, n.col, n.block
        ),
        Value::Seq(items) => format!("{}:{} seq of {}", n.line, n.col, items.len()),
        Value::Map(entries) => format!("{}:{} map of {}", n.line, n.col, entries.len()),
    };
    let here = || {
        Some(format!(
            "at {path:?}: fast {} / yaml-rust2 {}",
            shallow(f),
            shallow(s)
        ))
    };
    match (&f.value, &s.value) {
        (Value::Seq(a), Value::Seq(b)) if a.len() == b.len() => {
            if (f.line, f.col, f.block) != (s.line, s.col, s.block) {
                return here();
            }
            a.iter()
                .zip(b)
                .enumerate()
                .find_map(|(i, (x, y))| node_difference(x, y, &format!("{path}/{i}")))
        }
        (Value::Map(a), Value::Map(b)) if a.len() == b.len() => {
            if (f.line, f.col, f.block) != (s.line, s.col, s.block) {
                return here();
            }
            a.iter().zip(b).find_map(|((k1, v1), (k2, v2))| {
                let key = k1.as_str().unwrap_or("?");
                node_difference(k1, k2, &format!("{path}/key {key}"))
                    .or_else(|| node_difference(v1, v2, &format!("{path}/{key}")))
            })
        }
        _ if f == s => None,
        _ => here(),
    }
}

fn compare_file(path: &Path, tally: &mut Tally, whole: &mut Tally) {
    let Ok(text) = std::fs::read_to_string(path) else {
        return;
    };
    let name = path.display().to_string();
    for (line, doc) in yaml::split_documents(&text) {
        compare(&format!("{name}:{line}"), doc, line, tally);
    }
    compare(&name, &text, 1, whole);
}

/// A small deterministic generator (no dependency needed).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const INSERTS: &[&str] = &[
    " ", "  ", "\n", "\n\n", ":", ": ", "-", "- ", "#", " #", "'", "\"", "''", "\\", "|", "|-",
    ">", ">+", "[", "]", "{", "}", ",", "\t", "&a ", "*a", "!", "?", "---\n", "...\n", "\r", "é",
    "x: ", "\n  ", "\n- ", "\\x4", "\\u00e9",
];

/// Variants of `text`: one edit each, at pseudo-random places.
fn mutations(text: &str, seed: u64, n: usize) -> Vec<String> {
    let mut rng = Rng(seed | 1);
    let mut out = Vec::with_capacity(n);
    let boundaries: Vec<usize> = (0..=text.len())
        .filter(|&i| text.is_char_boundary(i))
        .collect();
    if boundaries.len() < 2 {
        return out;
    }
    for _ in 0..n {
        let at = boundaries[rng.below(boundaries.len())];
        let mut s = String::with_capacity(text.len() + 8);
        match rng.below(4) {
            0 => {
                let end = boundaries
                    .iter()
                    .copied()
                    .find(|&b| b > at)
                    .unwrap_or(text.len());
                s.push_str(&text[..at]);
                s.push_str(&text[end..]);
            }
            1 => {
                // Duplicate (or re-indent) the line holding `at`.
                let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
                let end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
                s.push_str(&text[..end]);
                if rng.below(2) == 0 {
                    s.push_str("  ");
                }
                s.push_str(&text[start..end]);
                s.push_str(&text[end..]);
            }
            _ => {
                s.push_str(&text[..at]);
                s.push_str(INSERTS[rng.below(INSERTS.len())]);
                s.push_str(&text[at..]);
            }
        }
        out.push(s);
    }
    out
}

fn report(what: &str, t: &Tally) {
    eprintln!(
        "{what}: {} documents, fast path {} ({:.1}%), yaml-rust2 rejects {}",
        t.docs,
        t.fast,
        100.0 * t.fast as f64 / t.docs.max(1) as f64,
        t.invalid
    );
    for f in &t.fallbacks {
        eprintln!("  left to yaml-rust2: {f}");
    }
}

/// The shared corpus, found as `tests/common` finds it: `FALLOUT_CORPUS`,
/// else `../shared/corpus` beside the checkout, else `/work/shared/corpus`.
fn corpus() -> PathBuf {
    [
        std::env::var_os("FALLOUT_CORPUS").map(PathBuf::from),
        Some(root().join("../shared/corpus")),
        Some(PathBuf::from("/work/shared/corpus")),
    ]
    .into_iter()
    .flatten()
    .find(|p| p.is_dir())
    .expect("the shared corpus is not beside the checkout nor at /work/shared/corpus; set FALLOUT_CORPUS")
}

fn repository_files() -> Vec<PathBuf> {
    let root = root();
    let mut files = Vec::new();
    yaml_files(&corpus(), &mut files);
    assert!(
        files.len() >= 20,
        "only {} YAML files in the corpus",
        files.len()
    );
    yaml_files(&root.join("fixtures"), &mut files);
    if let Ok(crates) = std::fs::read_dir(root.join("crates")) {
        let mut crates: Vec<PathBuf> = crates.flatten().map(|e| e.path()).collect();
        crates.sort();
        for c in crates {
            yaml_files(&c.join("tests"), &mut files);
        }
    }
    files
}

#[test]
fn corpus_fixtures_and_test_files_parse_the_same() {
    let files = repository_files();
    assert!(files.len() > 20, "found only {} YAML files", files.len());
    let (mut docs, mut whole) = (Tally::default(), Tally::default());
    for path in &files {
        compare_file(path, &mut docs, &mut whole);
    }
    report("documents", &docs);
    report("whole files", &whole);
    // Most of the corpus is in the subset; if this drops, the fast path
    // gives up on something common.
    assert!(
        docs.fast * 10 >= docs.docs * 8,
        "the fast path took only {} of {} documents",
        docs.fast,
        docs.docs
    );
}

#[test]
fn mutated_documents_parse_the_same_or_fall_back() {
    let files = repository_files();
    let mut tally = Tally::default();
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        for (line, doc) in yaml::split_documents(&text).into_iter().take(40) {
            if doc.len() > 20_000 {
                continue;
            }
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            for (i, m) in mutations(doc, seed, 30).iter().enumerate() {
                compare(
                    &format!("{}:{line} mutation {i}", path.display()),
                    m,
                    line,
                    &mut tally,
                );
            }
        }
    }
    tally.fallbacks.clear();
    report("mutations", &tally);
    assert!(tally.fast > 1000 && tally.invalid > 100, "{tally:?}");
}

/// Route of the fast path under test: a tree, or `None` where it gives up.
type Route = for<'t> fn(&'t str, u32) -> Option<Vec<yaml::Document<'t>>>;

/// Every repository document that the fast path reads, remade by `remake`
/// (none, one or several variants): where `route` takes a variant, its tree
/// equals yaml-rust2's, and `parse` answers as yaml-rust2 does; `route`
/// must take at least `percent` of the variants.
fn variants_parse_the_same(
    what: &str,
    remake: impl Fn(&str) -> Vec<String>,
    route: Route,
    percent: usize,
) {
    let (mut docs, mut taken) = (0, 0);
    for path in &repository_files() {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        for (line, doc) in yaml::split_documents(&text) {
            if doc.contains('\r') || doc.len() > 50_000 || yaml::parse_fast(doc, line).is_none() {
                continue;
            }
            for variant in remake(doc) {
                docs += 1;
                let slow = yaml::parse_events(&variant, line);
                if let Some(fast) = route(&variant, line) {
                    taken += 1;
                    let slow = slow.unwrap_or_else(|e| {
                        panic!(
                            "{}:{line} {what}: the fast path accepted what yaml-rust2 rejects ({e:?})\n{}",
                            path.display(),
                            excerpt(&variant)
                        )
                    });
                    assert!(
                        fast == slow,
                        "{}:{line} {what}: differs from yaml-rust2: {}\n{}",
                        path.display(),
                        first_difference(&fast, &slow),
                        excerpt(&variant)
                    );
                }
                assert_eq!(
                    yaml::parse(&variant, line).ok(),
                    yaml::parse_events(&variant, line).ok()
                );
            }
        }
    }
    assert!(
        docs > 100 && taken * 100 >= docs * percent,
        "{what}: the fast path took only {taken} of {docs} documents"
    );
}

/// Every document again with CRLF line ends: where the CRLF route takes
/// it, the tree equals yaml-rust2's (which reads `\r\n` as one break).
#[test]
fn crlf_documents_parse_the_same() {
    variants_parse_the_same(
        "CRLF",
        |doc| vec![doc.replace('\n', "\r\n")],
        yaml::parse_crlf,
        80,
    );
}

/// Every document again closed by `...` (PyYAML's `explicit_end`), with
/// and without a comment after it: where the fast path takes it, the tree
/// equals yaml-rust2's.
#[test]
fn documents_closed_by_dots_parse_the_same() {
    variants_parse_the_same(
        "closed by `...`",
        |doc| {
            let body = if doc.ends_with('\n') {
                doc.to_string()
            } else {
                format!("{doc}\n")
            };
            ["...\n", "... # end\n\n# after\n", "...\n\n"]
                .iter()
                .map(|end| format!("{body}{end}"))
                .collect()
        },
        yaml::parse_fast_ended,
        90,
    );
}

/// `doc` with an anchor on every mapping value (`key: &aN value`, `key:
/// &aN` before a nested block) and, when its root is a mapping, a last key
/// whose items are aliases of them all; `None` when nothing was anchored.
fn anchored(doc: &str) -> Option<String> {
    let mut out = String::with_capacity(doc.len() * 2);
    let mut n = 0;
    let mut in_block: Option<usize> = None;
    for line in doc.split_inclusive('\n') {
        let body = line.trim_end_matches('\n');
        let indent = body.len() - body.trim_start_matches(' ').len();
        if let Some(at) = in_block {
            if body.trim().is_empty() || indent > at {
                out.push_str(line);
                continue;
            }
            in_block = None;
        }
        let item = body[indent..].strip_prefix("- ").map_or(0, |_| 2);
        let rest = &body[indent + item..];
        let key_end = rest
            .find(": ")
            .or_else(|| rest.ends_with(':').then(|| rest.len() - 1));
        let plain_key = key_end.is_some_and(|k| {
            k > 0
                && rest[..k]
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || b"_-./".contains(&c))
        });
        if !plain_key {
            out.push_str(line);
            continue;
        }
        let k = key_end.unwrap();
        let value = rest[k + 1..].trim_start();
        if value.starts_with(['|', '>']) {
            in_block = Some(indent);
        }
        n += 1;
        out.push_str(&body[..indent + item + k + 1]);
        if value.is_empty() || value.starts_with('#') {
            out.push_str(&format!(" &a{n}"));
            if !value.is_empty() {
                out.push(' ');
                out.push_str(value);
            }
        } else {
            out.push_str(&format!(" &a{n} {value}"));
        }
        out.push('\n');
    }
    if n == 0 {
        return None;
    }
    let root_is_map = doc
        .lines()
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#') && *l != "---")
        .is_some_and(|l| !l.starts_with(['-', ' ']));
    if root_is_map {
        out.push_str("zz_aliases:\n");
        for i in 1..=n {
            out.push_str(&format!("- *a{i}\n"));
        }
    }
    Some(out)
}

/// `doc` with every plain key quoted (`"key":` and `'key':`).
fn keys_quoted(doc: &str, quote: char) -> String {
    let mut out = String::with_capacity(doc.len() + doc.len() / 4);
    for line in doc.split_inclusive('\n') {
        let body = line.trim_end_matches('\n');
        let indent = body.len() - body.trim_start_matches(' ').len();
        let item = if body[indent..].starts_with("- ") {
            2
        } else {
            0
        };
        let rest = &body[indent + item..];
        let key_end = rest
            .find(": ")
            .or_else(|| rest.ends_with(':').then(|| rest.len() - 1));
        match key_end {
            Some(k)
                if k > 0
                    && rest[..k]
                        .bytes()
                        .all(|c| c.is_ascii_alphanumeric() || b"_-./".contains(&c)) =>
            {
                out.push_str(&body[..indent + item]);
                out.push(quote);
                out.push_str(&rest[..k]);
                out.push(quote);
                out.push_str(&rest[k..]);
                if line.ends_with('\n') {
                    out.push('\n');
                }
            }
            _ => out.push_str(line),
        }
    }
    out
}

/// Every document again with its keys quoted, both ways: where the fast
/// path takes it, the tree equals yaml-rust2's.
#[test]
fn documents_with_quoted_keys_parse_the_same() {
    variants_parse_the_same(
        "keys quoted",
        |doc| vec![keys_quoted(doc, '"'), keys_quoted(doc, '\'')],
        yaml::parse_fast,
        80,
    );
}

/// Every document again with anchors on its values and aliases of them:
/// where the fast path takes it, the tree equals yaml-rust2's.
#[test]
fn anchored_documents_parse_the_same() {
    variants_parse_the_same(
        "anchored",
        |doc| anchored(doc).into_iter().collect(),
        yaml::parse_fast,
        80,
    );
}

/// A tree as JSON: plain scalars that JSON reads as numbers, booleans or
/// null written bare, everything else a string.
fn to_json(node: &yaml::Node) -> serde_json::Value {
    match &node.value {
        yaml::Value::Scalar { text, quoted } => {
            if !quoted {
                if let Ok(
                    v @ (serde_json::Value::Number(_)
                    | serde_json::Value::Bool(_)
                    | serde_json::Value::Null),
                ) = serde_json::from_str::<serde_json::Value>(text)
                {
                    return v;
                }
            }
            serde_json::Value::String(text.to_string())
        }
        yaml::Value::Seq(items) => serde_json::Value::Array(items.iter().map(to_json).collect()),
        yaml::Value::Map(entries) => serde_json::Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.as_str().unwrap_or("~").to_string(), to_json(v)))
                .collect(),
        ),
    }
}

/// Every document again as JSON (a manifest saved by `kubectl get -o
/// json`), pretty over many lines and on one line, and the repository's
/// own JSON files, each with seeded single edits: where the fast path takes
/// a text, the tree equals yaml-rust2's.
#[test]
fn json_documents_parse_the_same() {
    let mut texts: Vec<(String, String)> = Vec::new();
    for path in &repository_files() {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        for (line, doc) in yaml::split_documents(&text) {
            let Ok(docs) = yaml::parse_events(doc, line) else {
                continue;
            };
            for d in docs {
                let value = to_json(&d.root);
                let what = format!("{}:{line}", path.display());
                texts.push((
                    format!("{what} pretty"),
                    serde_json::to_string_pretty(&value).unwrap() + "\n",
                ));
                texts.push((
                    format!("{what} compact"),
                    serde_json::to_string(&value).unwrap(),
                ));
            }
        }
    }
    let mut json_files = Vec::new();
    json_files_in(&root(), &mut json_files);
    for path in json_files {
        if let Ok(text) = std::fs::read_to_string(&path) {
            texts.push((path.display().to_string(), text));
        }
    }
    let (mut docs, mut taken) = (0, 0);
    let mut seed = 0x51_7cc1_b727_220au64;
    let mut check = |what: &str, text: &str| {
        docs += 1;
        if let Some(fast) = yaml::parse_fast(text, 1) {
            taken += 1;
            let slow = yaml::parse_events(text, 1).unwrap_or_else(|e| {
                panic!(
                    "{what}: the fast path accepted what yaml-rust2 rejects ({e:?})\n{}",
                    excerpt(text)
                )
            });
            assert!(
                fast == slow,
                "{what}: differs from yaml-rust2: {}\n{}",
                first_difference(&fast, &slow),
                excerpt(text)
            );
        }
    };
    let n = texts.len();
    for (what, text) in &texts {
        check(what, text);
        if text.len() < 20_000 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            for (i, m) in mutations(text, seed, 6).iter().enumerate() {
                check(&format!("{what} mutation {i}"), m);
            }
        }
    }
    assert!(n > 200, "only {n} JSON texts");
    assert!(
        taken * 2 >= docs,
        "the fast path took only {taken} of {docs} JSON texts"
    );
}

fn json_files_in(dir: &Path, out: &mut Vec<PathBuf>) {
    for sub in ["fixtures", "tests"] {
        let mut stack = vec![dir.join(sub)];
        while let Some(d) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&d) else {
                continue;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "json") {
                    out.push(p);
                }
            }
        }
    }
    out.sort();
}

/// A generated organisation (see the module comment): set
/// `FALLOUT_YAML_DIFF_DIR`, or generate `target/bench-data/20000-s1` with
/// the bench crate first.
#[test]
#[ignore = "needs a generated tree"]
fn generated_tree_parses_the_same() {
    let dir = std::env::var_os("FALLOUT_YAML_DIFF_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/bench-data/20000-s1"));
    let mut files = Vec::new();
    yaml_files(&dir, &mut files);
    assert!(!files.is_empty(), "no YAML under {}", dir.display());
    let (mut docs, mut whole) = (Tally::default(), Tally::default());
    for path in &files {
        compare_file(path, &mut docs, &mut whole);
    }
    report(&dir.display().to_string(), &docs);
    report("whole files", &whole);
    let mut mutated = Tally::default();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for path in files.iter().take(1000) {
        let text = std::fs::read_to_string(path).expect("readable");
        for (line, doc) in yaml::split_documents(&text) {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            for (i, m) in mutations(doc, seed, 20).iter().enumerate() {
                let what = format!("{}:{line} mutation {i}", path.display());
                compare(&what, m, line, &mut mutated);
            }
        }
    }
    mutated.fallbacks.clear();
    report("mutations", &mutated);
    assert!(
        docs.fast * 100 >= docs.docs * 95,
        "the fast path took only {} of {} documents",
        docs.fast,
        docs.docs
    );
}

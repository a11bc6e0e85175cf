//! Where a scan's time goes, phase by phase, over a generated tree:
//! `cargo run --release -p fallout-bench --example phases -- target/bench-data/20000-s1`
#![allow(clippy::print_stdout)]
use fallout_scan::SourceFile;
use rayon::prelude::*;
use std::time::Instant;

/// Resident memory now, in MiB (Linux; 0 elsewhere).
fn rss_mib() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096 / (1 << 20))
}

fn main() {
    let dir = std::env::args().nth(1).expect("a directory");
    let t = Instant::now();
    let paths: Vec<std::path::PathBuf> = ignore::WalkBuilder::new(&dir)
        .hidden(false)
        .build()
        .flatten()
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .map(|e| e.into_path())
        .collect();
    let walk = (t.elapsed(), rss_mib());
    let t = Instant::now();
    let files: Vec<SourceFile> = paths
        .par_iter()
        .filter_map(|p| {
            std::fs::read_to_string(p).ok().map(|text| SourceFile {
                path: p.display().to_string(),
                text,
            })
        })
        .collect();
    let read = (t.elapsed(), rss_mib());
    let t = Instant::now();
    let parsed: Vec<_> = files
        .par_iter()
        .filter(|f| fallout_scan::k8s::looks_like_manifest(&f.text))
        .map(|f| fallout_scan::k8s::parse_manifests(&f.path, &f.text))
        .collect();
    let parse = (t.elapsed(), rss_mib());
    let objects: Vec<_> = parsed.into_iter().flat_map(|(o, _)| o).collect();
    let t = Instant::now();
    let scanned = fallout_scan::k8s::scan_objects(&objects, &Default::default());
    let k8s = (t.elapsed(), rss_mib());
    let t = Instant::now();
    let projects = fallout_scan::projects::scan_projects(&files);
    let proj = (t.elapsed(), rss_mib());
    let mut facts = scanned.facts;
    facts.extend(projects.facts);
    let t = Instant::now();
    let inv = fallout_graph::build(&facts, &Default::default());
    let graph = (t.elapsed(), rss_mib());
    println!(
        "{} files, {} objects, {} facts, {} resources",
        files.len(),
        objects.len(),
        facts.len(),
        inv.resources.len()
    );
    for (name, d) in [
        ("walk", walk),
        ("read", read),
        ("parse", parse),
        ("k8s scan", k8s),
        ("projects", proj),
        ("graph", graph),
    ] {
        println!(
            "{name:>10}: {:>7.1} ms, {:>4} MiB resident after",
            d.0.as_secs_f64() * 1e3,
            d.1
        );
    }
}

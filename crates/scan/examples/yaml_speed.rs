//! Measures YAML parsing: fallout's positioned parser (yaml-rust2 events →
//! nodes with lines) against serde_yaml's untyped Value, over a file.
//! `cargo run --release -p fallout-scan --example yaml_speed -- FILE`
#![allow(clippy::print_stdout)]
use std::time::Instant;

fn main() {
    let path = std::env::args().nth(1).expect("a YAML file");
    let text = std::fs::read_to_string(&path).expect("readable");
    let rounds = 10;
    let t = Instant::now();
    let mut n = 0;
    for _ in 0..rounds {
        for (line, doc) in fallout_scan::yaml::split_documents(&text) {
            n += fallout_scan::yaml::parse(doc, line)
                .map(|d| d.len())
                .unwrap_or(0);
        }
    }
    let ours = t.elapsed().as_secs_f64() / rounds as f64;
    let t = Instant::now();
    let mut m = 0;
    for _ in 0..rounds {
        for doc in serde_yaml::Deserializer::from_str(&text) {
            use serde::Deserialize;
            if serde_yaml::Value::deserialize(doc).is_ok() {
                m += 1;
            }
        }
    }
    let theirs = t.elapsed().as_secs_f64() / rounds as f64;
    let mb = text.len() as f64 / 1e6;
    println!("{path}: {mb:.2} MB, {n} / {m} documents");
    println!(
        "fallout yaml (positions): {:.1} ms  ({:.1} MB/s)",
        ours * 1e3,
        mb / ours
    );
    println!(
        "serde_yaml Value:         {:.1} ms  ({:.1} MB/s)",
        theirs * 1e3,
        mb / theirs
    );
    let t = Instant::now();
    let (objs, _) = fallout_scan::k8s::parse_manifests(&path, &text);
    println!(
        "k8s::parse_manifests (kind pre-filter): {:.1} ms, {} objects",
        t.elapsed().as_secs_f64() * 1e3,
        objs.len()
    );
}

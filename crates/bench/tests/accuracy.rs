//! The scanner library over a generated organisation finds every true
//! consumer and nothing else, with the right TLS.

use fallout_bench::{compare, found_in_inventory, generate, Comparison, Options};
use fallout_scan::SourceFile;

fn scan(opts: &Options) -> Comparison {
    let org = generate(opts);
    let files: Vec<SourceFile> = org
        .files
        .iter()
        .map(|f| SourceFile {
            path: f.path.clone(),
            text: f.text.clone(),
        })
        .collect();
    let scanned = fallout_scan::scan_files(&files, Vec::new(), &Default::default());
    let inventory = fallout_graph::build(&scanned.facts, &Default::default());
    compare(&org.truth, &found_in_inventory(&inventory))
}

fn show(c: &Comparison) -> String {
    let lines: Vec<String> = c
        .misses
        .iter()
        .map(|m| format!("miss {} <- {} ({})", m.resource, m.consumer, m.detail))
        .chain(
            c.false_positives
                .iter()
                .map(|m| format!("false {} <- {} ({})", m.resource, m.consumer, m.detail)),
        )
        .chain(
            c.tls_mismatches
                .iter()
                .map(|m| format!("tls {} <- {} ({})", m.resource, m.consumer, m.detail)),
        )
        .take(10)
        .collect();
    lines.join("\n")
}

#[test]
fn every_consumer_found_and_none_false_at_300_workloads() {
    let c = scan(&Options {
        workloads: 300,
        seed: 3,
        durations: false,
    });
    assert!(c.true_links > 150, "{} true links", c.true_links);
    assert_eq!(c.recall(), 1.0, "{}", show(&c));
    assert_eq!(c.precision(), 1.0, "{}", show(&c));
    assert!(c.exact(), "{}", show(&c));
}

/// `spring.data.redis.timeout=2s` and `cache.redis.timeout: 2s` in mounted
/// config files are read as the host `2s` (a false resource per namespace).
#[test]
fn redis_timeout_settings_are_not_hosts() {
    let c = scan(&Options {
        workloads: 300,
        seed: 3,
        durations: true,
    });
    assert!(c.exact(), "{}", show(&c));
}

/// The same organisation with every manifest in one file (a `helm template`
/// or `kubectl get -o yaml` dump): documents are then parsed in parallel
/// within the file, and every consumer must still be found, none false.
#[test]
fn one_file_of_every_manifest_finds_the_same() {
    let org = generate(&Options {
        workloads: 300,
        seed: 5,
        durations: false,
    });
    let (manifests, rest): (Vec<_>, Vec<_>) = org.files.iter().partition(|f| {
        f.path.ends_with(".yaml") && fallout_scan::k8s::looks_like_manifest(&f.text)
    });
    assert!(manifests.len() > 300, "{} manifest files", manifests.len());
    let mut files: Vec<SourceFile> = rest
        .iter()
        .map(|f| SourceFile {
            path: f.path.clone(),
            text: f.text.clone(),
        })
        .collect();
    files.push(SourceFile {
        path: "all.yaml".into(),
        text: manifests
            .iter()
            .map(|f| format!("---\n{}\n", f.text))
            .collect(),
    });
    let scanned = fallout_scan::scan_files(&files, Vec::new(), &Default::default());
    let inventory = fallout_graph::build(&scanned.facts, &Default::default());
    let c = compare(&org.truth, &found_in_inventory(&inventory));
    assert!(c.true_links > 150, "{} true links", c.true_links);
    assert!(c.exact(), "{}", show(&c));
}

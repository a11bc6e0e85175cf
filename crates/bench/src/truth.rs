//! The generated truth (`truth.json`) and the comparison of a scan with it.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The true consumers of every resource of a generated organisation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Truth {
    /// `fallout-bench/truth/v1`.
    pub schema: String,
    /// The generator's version: data from another version is regenerated.
    pub generator: u32,
    pub seed: u64,
    pub workloads: usize,
    /// Resource id as fallout reports it (`ns/name`, or the external host)
    /// → its true consumers, sorted by id.
    pub resources: BTreeMap<String, Vec<TrueConsumer>>,
    /// Route name → how many consumer links use it.
    pub routes: BTreeMap<String, usize>,
    /// Look-alike name → how many were written.
    pub look_alikes: BTreeMap<String, usize>,
    /// A resource with many consumers, for timing `fallout impact`.
    pub impact_target: String,
}

/// One true consumer of a resource.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrueConsumer {
    /// `ns/Kind/name`, as fallout reports consumers.
    pub id: String,
    /// The TLS fallout should report: `yes`, `no` or `unknown`.
    pub tls: String,
    /// The routes it reaches the resource by (for explaining a miss).
    pub routes: Vec<String>,
}

/// What a scan found: resource id → consumer id → TLS.
pub type Found = BTreeMap<String, BTreeMap<String, String>>;

/// Reads `fallout scan --format json` output (schema `fallout/v1`).
pub fn found_in_json(v: &serde_json::Value) -> Found {
    let mut out = Found::new();
    for r in v["resources"].as_array().into_iter().flatten() {
        let Some(id) = r["id"].as_str() else { continue };
        let consumers = out.entry(id.to_string()).or_default();
        for c in r["consumers"].as_array().into_iter().flatten() {
            if let Some(cid) = c["id"].as_str() {
                let tls = c["tls"].as_str().unwrap_or("unknown");
                consumers.insert(cid.to_string(), tls.to_string());
            }
        }
    }
    out
}

/// Reads an inventory built in-process (the library route the tests use).
pub fn found_in_inventory(inv: &fallout_core::Inventory) -> Found {
    inv.resources
        .iter()
        .map(|r| {
            (
                r.id.clone(),
                r.consumers
                    .iter()
                    .map(|c| (c.id.to_string(), c.tls.as_str().to_string()))
                    .collect(),
            )
        })
        .collect()
}

/// One consumer link that differs from the truth.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    pub resource: String,
    pub consumer: String,
    /// The routes of a miss, the TLS expected and got for a TLS mismatch.
    pub detail: String,
}

/// A scan compared with the truth, link by link (resource, consumer).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Comparison {
    pub true_links: usize,
    pub found_links: usize,
    pub matched: usize,
    pub misses: Vec<Mismatch>,
    pub false_positives: Vec<Mismatch>,
    pub tls_mismatches: Vec<Mismatch>,
    /// Resources of the truth that the scan did not report at all.
    pub missing_resources: Vec<String>,
}

impl Comparison {
    pub fn recall(&self) -> f64 {
        ratio(self.matched, self.true_links)
    }
    pub fn precision(&self) -> f64 {
        ratio(self.matched, self.found_links)
    }
    /// Every consumer found, none false, every TLS right.
    pub fn exact(&self) -> bool {
        self.misses.is_empty() && self.false_positives.is_empty() && self.tls_mismatches.is_empty()
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

/// Compares what a scan found with the truth.
pub fn compare(truth: &Truth, found: &Found) -> Comparison {
    let mut c = Comparison::default();
    let empty = BTreeMap::new();
    for (rid, consumers) in &truth.resources {
        let got = match found.get(rid) {
            Some(g) => g,
            None => {
                c.missing_resources.push(rid.clone());
                &empty
            }
        };
        c.true_links += consumers.len();
        for tc in consumers {
            match got.get(&tc.id) {
                Some(tls) => {
                    c.matched += 1;
                    if *tls != tc.tls {
                        c.tls_mismatches.push(Mismatch {
                            resource: rid.clone(),
                            consumer: tc.id.clone(),
                            detail: format!(
                                "tls expected {} got {tls} (via {})",
                                tc.tls,
                                tc.routes.join(", ")
                            ),
                        });
                    }
                }
                None => c.misses.push(Mismatch {
                    resource: rid.clone(),
                    consumer: tc.id.clone(),
                    detail: format!("via {}", tc.routes.join(", ")),
                }),
            }
        }
    }
    for (rid, consumers) in found {
        let expected: BTreeSet<&str> = truth
            .resources
            .get(rid)
            .map(|v| v.iter().map(|t| t.id.as_str()).collect())
            .unwrap_or_default();
        c.found_links += consumers.len();
        for cid in consumers.keys() {
            if !expected.contains(cid.as_str()) {
                c.false_positives.push(Mismatch {
                    resource: rid.clone(),
                    consumer: cid.clone(),
                    detail: if truth.resources.contains_key(rid) {
                        "not a consumer of this resource".into()
                    } else {
                        "a resource the organisation does not have".into()
                    },
                });
            }
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    fn truth() -> Truth {
        let mut t = Truth::default();
        t.resources.insert(
            "cache/redis-a".into(),
            vec![
                TrueConsumer {
                    id: "api/Deployment/one".into(),
                    tls: "no".into(),
                    routes: vec!["url".into()],
                },
                TrueConsumer {
                    id: "api/Deployment/two".into(),
                    tls: "yes".into(),
                    routes: vec!["tls-url".into()],
                },
            ],
        );
        t
    }

    #[test]
    fn misses_false_positives_and_tls_are_counted() {
        let mut found = Found::new();
        found.entry("cache/redis-a".into()).or_default().extend([
            ("api/Deployment/one".to_string(), "no".to_string()),
            ("api/Deployment/three".to_string(), "no".to_string()),
        ]);
        let c = compare(&truth(), &found);
        assert_eq!((c.true_links, c.found_links, c.matched), (2, 2, 1));
        assert_eq!(c.misses[0].consumer, "api/Deployment/two");
        assert_eq!(c.false_positives[0].consumer, "api/Deployment/three");
        assert!((c.recall() - 0.5).abs() < 1e-9);
        assert!(!c.exact());
    }

    #[test]
    fn exact_match_and_wrong_tls() {
        let mut found = Found::new();
        found.entry("cache/redis-a".into()).or_default().extend([
            ("api/Deployment/one".to_string(), "no".to_string()),
            ("api/Deployment/two".to_string(), "yes".to_string()),
        ]);
        assert!(compare(&truth(), &found).exact());
        found
            .get_mut("cache/redis-a")
            .unwrap()
            .insert("api/Deployment/two".into(), "unknown".into());
        let c = compare(&truth(), &found);
        assert_eq!(c.recall(), 1.0);
        assert_eq!(c.tls_mismatches.len(), 1);
    }

    #[test]
    fn reads_fallout_json() {
        let v = serde_json::json!({"schema": "fallout/v1", "resources": [
            {"id": "cache/redis-a", "consumers": [{"id": "api/Deployment/one", "tls": "no"}]}
        ]});
        let f = found_in_json(&v);
        assert_eq!(f["cache/redis-a"]["api/Deployment/one"], "no");
    }
}

//! A hand-written organisation, independent of the benchmark's generator
//! (fixtures/independent-org): every true consumer is found, no look-alike
//! is, and the only links beyond the truth are labelled inferred.

use crate::support::json;

/// A resource answers to `want` by id, name, alias or `alias:port`.
fn answers_to(resource: &serde_json::Value, want: &str) -> bool {
    let mut names = vec![resource["id"].as_str(), resource["name"].as_str()];
    names.extend(
        resource["aliases"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|a| a.as_str()),
    );
    names
        .into_iter()
        .flatten()
        .any(|n| n == want || n.split(':').next() == Some(want))
}

#[test]
fn an_independent_organisation_is_read_whole() {
    let truth: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("fixtures/independent-org/truth.json").unwrap(),
    )
    .unwrap();
    let doc = json(&["scan", "fixtures/independent-org/manifests"]);
    let resources = doc["resources"].as_array().unwrap();
    // (consumer id, resource, strength) of every link found.
    let found: Vec<(&str, &serde_json::Value, &str)> = resources
        .iter()
        .flat_map(|r| {
            r["consumers"].as_array().unwrap().iter().map(move |c| {
                (
                    c["id"].as_str().unwrap(),
                    r,
                    c["strength"].as_str().unwrap(),
                )
            })
        })
        .collect();
    let wanted = |section: &str, consumer: &str| -> Vec<String> {
        truth[section][consumer]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|w| w.as_str().map(str::to_string))
            .collect()
    };
    let mut misses = Vec::new();
    let consumers = truth["consumers"].as_object().unwrap();
    for (consumer, wants) in consumers {
        for want in wants.as_array().unwrap() {
            let want = want.as_str().unwrap();
            if !found
                .iter()
                .any(|(c, r, _)| c == consumer && answers_to(r, want))
            {
                misses.push(format!("{consumer} -> {want}"));
            }
        }
    }
    assert!(
        consumers.len() >= 60,
        "{} consumers in the truth",
        consumers.len()
    );
    assert_eq!(misses, Vec::<String>::new(), "missed links");
    let mut extra = Vec::new();
    for (consumer, resource, strength) in &found {
        let mut wants = wanted("consumers", consumer);
        wants.extend(wanted("optional", consumer));
        if !wants.iter().any(|w| answers_to(resource, w)) {
            extra.push(format!("{consumer} -> {} ({strength})", resource["id"]));
        }
    }
    // Beyond the truth, only weak links, said as such (a Bitnami replica
    // reading the same password Secret as the one the consumer reads).
    assert!(
        extra.iter().all(|e| e.ends_with("(inferred)")),
        "links beyond the truth: {extra:?}"
    );
    assert!(extra.len() <= 1, "links beyond the truth: {extra:?}");
    for not in truth["not_consumers"].as_array().unwrap() {
        let not = not.as_str().unwrap();
        assert!(
            !found.iter().any(|(c, _, _)| *c == not),
            "{not} is no consumer"
        );
    }
}

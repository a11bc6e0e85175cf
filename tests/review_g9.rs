//! Review G9: a ninth independent generator, on kustomize GitOps
//! repositories (bases, overlays, components, generators, replacements,
//! Flux-style cluster folders; checked against `kubectl kustomize`), found
//! these wrong answers. Each test is one, on the files that showed it
//! (`tests/data/review-g9/`).

use crate::support::{consumers, fallout, ids, json, resource, tree};

fn dir(case: &str) -> String {
    format!("tests/data/review-g9/{case}")
}

/// The codes of a report's diagnostics.
fn codes(doc: &serde_json::Value) -> Vec<String> {
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

/// Two Redis instances built from one base into one namespace, told apart
/// by `commonLabels` and by `labels: {includeSelectors: true}`: kustomize
/// adds the labels to each Service's selector and StatefulSet's pod labels,
/// so each Service selects its own. They were read as one Redis under two
/// names (`service-ambiguous`), and the sessions Redis had no consumer.
#[test]
fn common_labels_tell_instances_of_one_base_apart() {
    let doc = json(&["scan", &dir("commonlabels-selector")]);
    assert_eq!(
        ids(&doc),
        ["data/queue-redis", "data/sessions-redis"],
        "{doc:#}"
    );
    assert!(
        !codes(&doc).contains(&"service-ambiguous".to_string()),
        "{doc:#}"
    );
    assert_eq!(
        consumers(resource(&doc, "data/sessions-redis"), "strength"),
        [("web/Deployment/api".to_string(), "explicit".to_string())]
    );
    assert_eq!(
        consumers(resource(&doc, "data/queue-redis"), "id"),
        Vec::<(String, String)>::new()
    );
    let run = fallout(&[
        "impact",
        "data/sessions-redis",
        &dir("commonlabels-selector"),
        "--set",
        "tls=required",
    ]);
    assert!(run.stdout.contains("1 consumer: 1 break"), "{}", run.stdout);
}

/// A Component's patch with a `target:` patches what the kustomizations
/// listing it gather (their bases' Deployments), not the component's own
/// (empty) resources; two overlays sharing a component that makes no
/// object are not "merged".
#[test]
fn a_components_targeted_patch_reaches_the_overlays_objects() {
    let doc = json(&["scan", &dir("component-target-patch")]);
    assert_eq!(
        consumers(resource(&doc, "queue-redis.data"), "strength"),
        [
            (
                "shop-prod/Deployment/api".to_string(),
                "explicit".to_string()
            ),
            (
                "shop-prod/Deployment/web".to_string(),
                "explicit".to_string()
            )
        ]
    );
    let codes = codes(&doc);
    assert!(
        !codes.contains(&"kustomize-patch-unmatched".to_string()),
        "{codes:?}"
    );
    assert!(
        !codes.contains(&"kustomize-overlays-merged".to_string()),
        "{codes:?}"
    );
}

/// `behavior: replace` on a generator takes the place of the base's keys:
/// the base's `REDIS_HOST` is gone, so the Deployment uses no Redis. It was
/// read as `merge`.
#[test]
fn a_generator_replace_drops_the_bases_keys() {
    let doc = json(&["scan", &dir("generator-behavior-replace")]);
    assert_eq!(ids(&doc), Vec::<String>::new(), "{doc:#}");
}

/// `replacements:` from a generated ConfigMap's key into an env value set
/// the value the pod gets: the placeholder written in the base
/// (`set-by-overlay`) was read as a host.
#[test]
fn a_replacement_from_a_generated_key_sets_the_env_value() {
    let doc = json(&["scan", &dir("replacements-placeholder")]);
    assert_eq!(ids(&doc), ["sessions-redis.data"], "{doc:#}");
    let r = resource(&doc, "sessions-redis.data");
    assert_eq!(
        consumers(r, "strength"),
        [(
            "shop-prod/Deployment/api".to_string(),
            "explicit".to_string()
        )]
    );
    let evidence = &r["consumers"][0]["evidence"][0];
    let path = evidence["path"].as_str().unwrap();
    assert!(path.ends_with("overlays/prod/kustomization.yaml"), "{path}");
    assert_eq!(evidence["line"], 6);
    assert!(!doc.to_string().contains("set-by-overlay"), "{doc:#}");
}

/// A replacement the scan cannot apply, and a field it does not read, are
/// warnings at their lines.
#[test]
fn what_kustomize_does_that_the_scan_does_not_is_said() {
    let t = tree(&[
        (
            "app/kustomization.yaml",
            "resources: [d.yaml]\nreplacements:\n  - source: {kind: Deployment, name: api, fieldPath: metadata.name}\n    targets: [{select: {kind: Deployment, name: api}, fieldPaths: [spec.template.spec.containers.0.image]}]\nhelmCharts:\n  - name: redis\n",
        ),
        (
            "app/d.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    spec:\n      containers: [{name: app, image: acme/api:1}]\n",
        ),
    ]);
    let run = fallout(&["scan", t.path().to_str().unwrap()]);
    let broken = tree(&[
        (
            "app/kustomization.yaml",
            "resources: [d.yaml]\nconfigMapGenerator: [{name: e, literals: [u=redis://cache:6379]}]\nreplacements:\n  - source: {kind: ConfigMap, name: e, fieldPath: data.u}\n    targets: [{select: {kind: Deployment, name: api}, fieldPaths: [\"spec.template.spec.containers.[name=app.env\"]}]\n",
        ),
        ("app/d.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\n"),
    ]);
    let bad = fallout(&["scan", broken.path().to_str().unwrap()]);
    let part = "app/kustomization.yaml:4: this replacement is not applied (a field path with an item selector that is not `[key=value]`)";
    assert!(bad.stdout.contains(part), "{part}: {}", bad.stdout);
    for part in [
        "app/kustomization.yaml:3: this replacement is not applied (its source is not a key of a ConfigMap or Secret this kustomization generates)",
        "app/kustomization.yaml:5: this kustomization's `helmCharts` is not applied",
    ] {
        assert!(run.stdout.contains(part), "{part}: {}", run.stdout);
    }
}

/// A Flux-style `clusters/prod` listing an overlay that is also deployed on
/// its own is one deployment: no `duplicate-object` for its generated
/// ConfigMap (named twice at the same line), no `kustomize-overlays-merged`.
#[test]
fn an_overlay_a_cluster_folder_lists_is_deployed_once() {
    let doc = json(&["scan", &dir("aggregator-self-duplicate")]);
    assert_eq!(
        consumers(resource(&doc, "sessions-redis.data-prod"), "strength"),
        [(
            "shop-prod/Deployment/prod-api".to_string(),
            "indirect".to_string()
        )]
    );
    let codes = codes(&doc);
    assert!(
        !codes.contains(&"duplicate-object".to_string()),
        "{codes:?}"
    );
    assert!(
        !codes.contains(&"kustomize-overlays-merged".to_string()),
        "{codes:?}"
    );
}

/// Labels written in a shape `kubectl kustomize` refuses are said at their
/// line (they were dropped in silence): a list for `commonLabels`, a label
/// whose value is a mapping, `labels` written as a mapping, an entry of
/// `labels` that is a bare word. Well-formed ones say nothing.
#[test]
fn malformed_kustomize_labels_are_said_at_their_line() {
    let d = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\n";
    let bad = tree(&[
        (
            "a/kustomization.yaml",
            "resources: [d.yaml]\ncommonLabels:\n  - app: api\n",
        ),
        ("a/d.yaml", d),
        (
            "b/kustomization.yaml",
            "resources: [d.yaml]\ncommonLabels:\n  team: core\n  tier: {name: web}\nlabels:\n  pairs: {app: b}\n",
        ),
        ("b/d.yaml", d),
        (
            "c/kustomization.yaml",
            "resources: [d.yaml]\nlabels:\n  - app\n  - pairs:\n      x: [1]\n",
        ),
        ("c/d.yaml", d),
    ]);
    let run = fallout(&["scan", bad.path().to_str().unwrap()]);
    for part in [
        "a/kustomization.yaml:3: `commonLabels` is not a mapping: `kubectl kustomize` refuses",
        "b/kustomization.yaml:4: label `tier` of `commonLabels` is not a text value",
        "b/kustomization.yaml:6: `labels` is not a list of entries",
        "c/kustomization.yaml:3: an entry of `labels` is not a mapping with `pairs:`",
        "c/kustomization.yaml:5: label `x` of `labels[].pairs` is not a text value",
    ] {
        assert!(run.stdout.contains(part), "{part}: {}", run.stdout);
    }
    let good = tree(&[
        (
            "a/kustomization.yaml",
            "resources: [d.yaml]\ncommonLabels: {team: core, empty: }\nlabels:\n  - pairs: {app: a}\n    includeSelectors: true\n",
        ),
        ("a/d.yaml", d),
    ]);
    let run = fallout(&["scan", good.path().to_str().unwrap()]);
    assert!(
        !run.stdout.contains("kustomize-labels-malformed") && !run.stdout.contains("refuses"),
        "{}",
        run.stdout
    );
}

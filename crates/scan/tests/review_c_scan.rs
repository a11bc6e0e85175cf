//! Review findings B9 (kustomize remote bases and missing local entries),
//! C M4 (JSON manifest streams and arrays) and C M3 (duplicate keys).

mod common;

use common::files;
use fallout_scan::kustomize;

fn missing(list: &[(&str, &str)]) -> Vec<(u32, String)> {
    kustomize::apply(&files(list))
        .diagnostics
        .iter()
        .filter(|d| d.code == "kustomize-missing")
        .map(|d| (d.line.unwrap_or(0), d.message.clone()))
        .collect()
}

/// Remote bases in go-getter form are fetched by kustomize, not missing;
/// local entries that are not there are, whatever the kustomization sets.
#[test]
fn kustomize_remote_bases_in_go_getter_form_are_not_missing() {
    let remote = "namespace: prod\nresources:\n  - github.com/acme/x//deploy?ref=v1\n  - git@github.com:acme/x.git//deploy\n  - gitlab.com/acme/x/deploy\n  - example.org/acme/x//deploy\n  - ssh://git@example.org/acme/x.git\n  - git::https://example.org/acme/x\n  - ./acme/x?ref=main\n  - https://github.com/acme/x//deploy\n  - app.yaml\n  - gone.yaml\n  - ../nobase\n";
    let said = missing(&[
        ("prod/kustomization.yaml", remote),
        ("prod/app.yaml", "kind: Deployment"),
    ]);
    let lines: Vec<u32> = said.iter().map(|(l, _)| *l).collect();
    assert_eq!(lines, [12, 13], "{said:?}");
    assert!(said[0].1.starts_with("lists `gone.yaml`"), "{said:?}");
    assert!(said[1].1.starts_with("lists `../nobase`"), "{said:?}");
}

#[test]
fn kustomize_missing_local_resource_warns_without_a_namespace() {
    let plain = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - nothere.yaml\n  - here.yaml\n  - ./sub/\n  - github.com/acme/x//deploy?ref=v1\n";
    let list = [
        ("k/kustomization.yaml", plain),
        ("k/./here.yaml", "kind: Deployment"),
        ("k/sub/kustomization.yaml", "resources: [a.yaml]\n"),
        ("k/sub/a.yaml", "kind: Deployment"),
    ];
    let said = missing(&list);
    assert_eq!(said.len(), 1, "{said:?}");
    assert_eq!(said[0].0, 4);
    assert!(said[0].1.starts_with("lists `nothere.yaml`"), "{said:?}");
    // The same with a namespace says the same.
    let with_ns = format!("namespace: x\n{plain}");
    let mut list = list.to_vec();
    list[0].1 = &with_ns;
    let said = missing(&list);
    assert_eq!(said.len(), 1, "{said:?}");
    assert_eq!(said[0].0, 5);
}

fn manifests(path: &str, text: &str) -> (Vec<String>, Vec<(String, u32, String)>) {
    let (objects, diags) = fallout_scan::k8s::parse_manifests(path, text);
    let objects = objects
        .iter()
        .map(|o| {
            let name = o.root.at(&["metadata", "name"]).unwrap();
            format!(
                "{} {}@{}",
                o.root.str_at(&["kind"]).unwrap(),
                name.as_str().unwrap(),
                name.line
            )
        })
        .collect();
    let diags = diags
        .iter()
        .map(|d| (d.code.to_string(), d.line.unwrap_or(0), d.message.clone()))
        .collect();
    (objects, diags)
}

fn deployment(name: &str) -> String {
    format!(
        r#"{{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {{"name": "{name}"}}, "spec": {{}}}}"#
    )
}

/// Several JSON objects one after another (one per line, or pretty-printed
/// back to back), as kubectl reads them: each is an object, at its lines.
#[test]
fn json_objects_one_after_another_are_each_read() {
    let text = format!("{}\n{}\n", deployment("a"), deployment("b"));
    let (objects, diags) = manifests("ndjson.json", &text);
    assert_eq!(objects, ["Deployment a@1", "Deployment b@2"]);
    assert!(diags.is_empty(), "{diags:?}");
    let pretty = "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"ConfigMap\",\n  \"metadata\": {\"name\": \"one\"}\n}\n\n{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"ConfigMap\",\n  \"metadata\": {\n    \"name\": \"two\"\n  }\n}{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"three\"}}\n";
    let (objects, diags) = manifests("pretty.json", pretty);
    assert_eq!(
        objects,
        ["ConfigMap one@4", "ConfigMap two@11", "ConfigMap three@13"]
    );
    assert!(diags.is_empty(), "{diags:?}");
}

/// A syntax error is said as JSON's, at its line; the objects before it
/// are read.
#[test]
fn a_json_syntax_error_says_fix_the_json_and_keeps_what_came_before() {
    let text = format!(
        "{}\n{{\"apiVersion\": \"v1\",\n  \"kind\" \"ConfigMap\"}}\n{}\n",
        deployment("a"),
        deployment("c")
    );
    let (objects, diags) = manifests("bad.json", &text);
    assert_eq!(objects, ["Deployment a@1"]);
    assert_eq!(diags.len(), 1, "{diags:?}");
    let (code, line, message) = &diags[0];
    assert_eq!((code.as_str(), *line), ("json-parse", 3), "{diags:?}");
    assert!(message.contains("fix the JSON"), "{message}");
    assert!(!message.contains("YAML"), "{message}");
    assert!(!message.contains(" at line "), "{message}");
}

/// A top-level JSON array of manifests (`jq` output) is read like a
/// `kind: List`; entries that are no object are passed over.
#[test]
fn a_json_array_of_manifests_is_read_like_a_list() {
    let text = format!(
        "[\n{},\n{},\n{{\"x\": 1}}, 3]\n",
        deployment("a"),
        deployment("b")
    );
    let (objects, diags) = manifests("array.json", &text);
    assert_eq!(objects, ["Deployment a@2", "Deployment b@3"]);
    assert!(diags.is_empty(), "{diags:?}");
    // And a stream of arrays and objects.
    let text = format!("[{}]\n{}\n", deployment("a"), deployment("b"));
    let (objects, _) = manifests("mixed.json", &text);
    assert_eq!(objects, ["Deployment a@1", "Deployment b@2"]);
}

/// A Helm template that starts with `{{` is still said to be one, not a
/// JSON error.
#[test]
fn a_template_starting_like_json_is_still_a_helm_template() {
    let text = "{{- if .Values.enabled }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n{{- end }}\n";
    let (_, diags) = manifests("t.yaml", text);
    let codes: Vec<&str> = diags.iter().map(|(c, ..)| c.as_str()).collect();
    assert_eq!(codes, ["helm-template"], "{diags:?}");
}

fn duplicate_errors(diags: &[fallout_core::Diagnostic]) -> Vec<(u32, String)> {
    diags
        .iter()
        .filter(|d| d.code == "yaml-duplicate-key")
        .map(|d| {
            assert_eq!(d.severity, fallout_core::Severity::Error, "{d:?}");
            (d.line.unwrap_or(0), d.message.clone())
        })
        .collect()
}

/// A key given twice in one mapping of a manifest is an error at the
/// later key's line naming the first's; the later value is the one read.
#[test]
fn a_duplicate_key_in_a_manifest_is_an_error_at_the_second_key() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: '1'}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: dup\n  namespace: api\n  name: dup2\nspec:\n  template:\n    metadata: {labels: {app: a, app: b}}\n    spec: {}\n";
    let (objects, diags) = fallout_scan::k8s::parse_manifests("d.yaml", text);
    let names: Vec<&str> = objects
        .iter()
        .map(|o| o.root.str_at(&["metadata", "name"]).unwrap())
        .collect();
    assert_eq!(names, ["x", "dup2"]);
    let said = duplicate_errors(&diags);
    assert_eq!(said.len(), 2, "{said:?}");
    assert_eq!(said[0].0, 11);
    assert!(
        said[0].1.starts_with("`name` is given a second time") && said[0].1.contains("line 9"),
        "{said:?}"
    );
    // In a flow mapping, on one line: the line is said, the key is not guessed.
    assert_eq!(said[1].0, 14);
    assert!(
        said[1].1.starts_with("a key is given") && said[1].1.contains("first at line 14"),
        "{said:?}"
    );
}

/// Both parsers (the fast one and yaml-rust2's, which anchors send the
/// text to) find the same duplicates; a key written over one a `<<` merge
/// brought in is an override, not a duplicate.
#[test]
fn duplicates_are_found_on_both_parse_paths_and_merges_are_not_duplicates() {
    let plain = "a: 1\nb:\n  c: 2\n  c: 3\na: 4\n";
    let fast = fallout_scan::yaml::parse_fast(plain, 1).unwrap();
    let slow = fallout_scan::yaml::parse_events(plain, 1).unwrap();
    assert_eq!(fast[0].duplicates, [(4, 3), (5, 1)]);
    assert_eq!(fast, slow);
    let merged = "d: &d {image: redis, port: 1}\ns:\n  <<: *d\n  image: valkey\n  x: 1\n  x: 2\n";
    let docs = fallout_scan::yaml::parse(merged, 1).unwrap();
    assert_eq!(docs[0].duplicates, [(6, 5)]);
    // With a first line, lines are the file's.
    let docs = fallout_scan::yaml::parse(plain, 10).unwrap();
    assert_eq!(docs[0].duplicates, [(13, 12), (14, 10)]);
}

/// Two objects run together stay one error at the second `apiVersion:`,
/// not one per key they share.
#[test]
fn objects_run_together_are_one_error_not_one_per_key() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n";
    let (_, diags) = fallout_scan::k8s::parse_manifests("r.yaml", text);
    let said = duplicate_errors(&diags);
    assert_eq!(said.len(), 1, "{said:?}");
    assert_eq!(said[0].0, 4);
    assert!(said[0].1.contains("second `apiVersion:`"), "{said:?}");
}

/// JSON manifests too (kubectl's strict decoding refuses duplicate fields).
#[test]
fn a_duplicate_key_in_a_json_manifest_is_an_error() {
    let text = "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"ConfigMap\",\n  \"metadata\": {\"name\": \"a\"},\n  \"kind\": \"ConfigMap\"\n}\n{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\",\n \"metadata\": {\"name\": \"b\"}, \"metadata\": {\"name\": \"c\"}}\n";
    let (objects, diags) = fallout_scan::k8s::parse_manifests("d.json", text);
    assert_eq!(objects.len(), 2);
    let said = duplicate_errors(&diags);
    let lines: Vec<u32> = said.iter().map(|(l, _)| *l).collect();
    assert_eq!(lines, [5, 8], "{said:?}");
    assert!(said[0].1.starts_with("`kind` is given"), "{said:?}");
    assert!(said[0].1.contains("first at line 3"), "{said:?}");
}

/// A compose file that sets a key twice is refused by `docker compose`:
/// an error at the second key; the later value is the one read.
#[test]
fn a_duplicate_key_in_a_compose_file_is_an_error() {
    let compose = "services:\n  web:\n    image: app\n    environment:\n      REDIS_URL: redis://cache:6379\n      REDIS_URL: redis://other:6379\n  cache:\n    image: redis\n";
    let list = files(&[("dupc/compose.yaml", compose)]);
    let out = fallout_scan::projects::scan_projects(&list);
    let said = duplicate_errors(&out.diagnostics);
    assert_eq!(said.len(), 1, "{said:?}");
    assert_eq!(said[0].0, 6);
    assert!(
        said[0].1.starts_with("`REDIS_URL` is given a second time")
            && said[0].1.contains("first at line 5")
            && said[0].1.contains("docker compose"),
        "{said:?}"
    );
    // A compose file that overrides a merged key says nothing.
    let merged = "x-base: &base\n  image: app\n  environment: {A: b}\nservices:\n  web:\n    <<: *base\n    image: app2\n";
    let out = fallout_scan::projects::scan_projects(&files(&[("m/compose.yaml", merged)]));
    assert!(duplicate_errors(&out.diagnostics).is_empty());
}

/// An app's YAML config with a key given twice: the later value is read (as
/// Psych and PyYAML do) and a warning at the later key says that Spring,
/// js-yaml and yaml.v3 would refuse the file. It used to be silent.
#[test]
fn a_duplicate_key_in_app_config_is_a_warning_and_the_later_value_is_read() {
    let files = common::files(&[(
        "billing/src/main/resources/application.yml",
        "spring:\n  redis:\n    host: redis-a\n  redis:\n    host: redis-b\n",
    )]);
    let scanned = fallout_scan::scan_files(&files, Vec::new(), &Default::default());
    let refs = common::references(&scanned);
    assert!(refs.iter().any(|r| r.contains("redis-b")), "{refs:?}");
    assert!(!refs.iter().any(|r| r.contains("redis-a")), "{refs:?}");
    let warned: Vec<_> = scanned
        .diagnostics
        .iter()
        .filter(|d| d.code == "yaml-duplicate-key")
        .collect();
    assert_eq!(warned.len(), 1, "{:?}", scanned.diagnostics);
    let d = warned[0];
    assert_eq!(d.severity, fallout_core::Severity::Warning);
    assert_eq!(d.line, Some(4));
    assert!(
        d.message.starts_with("`redis` is given a second time")
            && d.message.contains("first at line 2")
            && d.message.contains("Spring"),
        "{}",
        d.message
    );
}

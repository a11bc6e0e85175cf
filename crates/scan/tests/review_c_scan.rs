//! Review findings B9 (kustomize remote bases and missing local entries),
//! C M4 (JSON manifest streams and arrays) and C M3 (duplicate keys).

use fallout_scan::{kustomize, SourceFile};

fn files(list: &[(&str, &str)]) -> Vec<SourceFile> {
    list.iter()
        .map(|(p, t)| SourceFile {
            path: p.to_string(),
            text: t.to_string(),
        })
        .collect()
}

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

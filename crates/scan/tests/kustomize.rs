//! Kustomize's name prefixes and suffixes, read from the files the way
//! `kubectl kustomize` renders them (`fixtures/kustomize-prefix`).

mod common;

use common::{diagnostics, fixture, load, references, servers, workloads};
use fallout_core::Fact;
use fallout_scan::k8s::Options;
use fallout_scan::{scan_files, Scanned};

fn scan(name: &str) -> Scanned {
    scan_files(&load(&fixture(name)), Vec::new(), &Options::default())
}

/// `namespace/name path:line` of every Service.
fn services(s: &Scanned) -> Vec<String> {
    let mut out: Vec<String> = s
        .facts
        .iter()
        .filter_map(|f| match f {
            Fact::Service(svc) => {
                Some(format!("{}/{} {}", svc.namespace, svc.name, svc.defined_at))
            }
            _ => None,
        })
        .collect();
    out.sort();
    out
}

/// The base read twice: as written in staging, with `prod-` in prod. The
/// renamed objects are defined where their files write them.
#[test]
fn a_prefix_renames_the_base_in_one_overlay_only() {
    let s = scan("kustomize-prefix");
    assert_eq!(
        workloads(&s),
        [
            "shop-prod/Deployment/prod-api",
            "shop-prod/Deployment/prod-worker",
            "shop-prod/StatefulSet/prod-redis",
            "shop-staging/Deployment/api",
            "shop-staging/Deployment/worker",
            "shop-staging/StatefulSet/redis",
        ]
    );
    assert_eq!(
        servers(&s),
        [
            "shop-prod/StatefulSet/prod-redis port=6379 tls-port=- auth=false aliases=",
            "shop-staging/StatefulSet/redis port=6379 tls-port=- auth=false aliases=",
        ]
    );
    assert_eq!(
        services(&s),
        [
            "shop-prod/prod-redis base/redis.yaml:21",
            "shop-staging/redis base/redis.yaml:21",
        ]
    );
}

/// `worker`'s `envFrom` follows the renamed ConfigMap (`prod-worker-env`,
/// merged by the overlay at its line); `api`'s literal `redis` stays as
/// written, in prod too, and is said there, at its line: the Service it
/// meant is `prod-redis`.
#[test]
fn references_follow_the_rename_and_host_names_do_not() {
    let s = scan("kustomize-prefix");
    assert_eq!(
        references(&s),
        [
            "shop-prod/Deployment/prod-api -> redis:6379 tls=unknown explicit base/api.yaml:17 | env REDIS_HOST + REDIS_PORT = redis:6379",
            "shop-prod/Deployment/prod-worker -> prod-redis:6379 tls=unknown indirect overlays/prod/kustomization.yaml:11 | env REDIS_HOST <- envFrom configMap shop-prod/prod-worker-env + REDIS_PORT = prod-redis:6379",
            "shop-staging/Deployment/api -> redis:6379 tls=unknown explicit base/api.yaml:17 | env REDIS_HOST + REDIS_PORT = redis:6379",
            "shop-staging/Deployment/worker -> redis:6379 tls=unknown indirect base/kustomization.yaml:10 | env REDIS_HOST <- envFrom configMap shop-staging/worker-env + REDIS_PORT = redis:6379",
        ]
    );
    assert_eq!(
        diagnostics(&s),
        [
            "info kustomize base/kustomization.yaml:1",
            "info kustomize overlays/prod/kustomization.yaml:1",
            "info kustomize overlays/staging/kustomization.yaml:1",
            "warning kustomize-renamed base/api.yaml:17",
        ]
    );
    let renamed = s
        .diagnostics
        .iter()
        .find(|d| d.code == "kustomize-renamed")
        .unwrap();
    assert_eq!(
        renamed.message,
        "env REDIS_HOST + REDIS_PORT = redis:6379: the Service written `redis` is deployed as `prod-redis` in namespace shop-prod (namePrefix/nameSuffix of overlays/prod/kustomization.yaml), and kustomize does not rewrite host names in values: as deployed, `redis` names no Service there; write `prod-redis` (or set the host in the overlay)"
    );
}

/// One root over two overlays of the same base, one with a prefix, one
/// with a suffix, in one namespace: two apps, each reading its own copy of
/// the generated ConfigMap (as `kubectl kustomize root` renders it), and
/// no duplicate objects.
#[test]
fn a_base_under_two_renaming_overlays_is_two_sets_of_objects() {
    let s = scan_files(
        &common::files(&[
            ("base/kustomization.yaml", "resources: [app.yaml, redis.yaml]\nconfigMapGenerator:\n  - {name: env, literals: [REDIS_URL=redis://cache:6379]}\n"),
            ("base/app.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\nspec:\n  template:\n    spec:\n      containers: [{name: app, image: acme/app, envFrom: [{configMapRef: {name: env}}]}]\n"),
            ("base/redis.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: cache}\nspec: {type: ExternalName, externalName: cache.abc123.use1.cache.amazonaws.com}\n"),
            ("a/kustomization.yaml", "namePrefix: a-\nresources: [../base]\n"),
            ("b/kustomization.yaml", "nameSuffix: -b\nresources: [../base]\n"),
            ("root/kustomization.yaml", "namespace: shop\nresources: [../a, ../b]\n"),
        ]),
        Vec::new(),
        &Options::default(),
    );
    assert_eq!(
        workloads(&s),
        ["shop/Deployment/a-app", "shop/Deployment/app-b"]
    );
    assert_eq!(
        references(&s),
        [
            "shop/Deployment/a-app -> cache:6379 tls=no indirect base/kustomization.yaml:3 | env REDIS_URL <- envFrom configMap shop/a-env = redis://cache:6379",
            "shop/Deployment/app-b -> cache:6379 tls=no indirect base/kustomization.yaml:3 | env REDIS_URL <- envFrom configMap shop/env-b = redis://cache:6379",
        ]
    );
    let said = diagnostics(&s);
    assert!(
        !said.iter().any(|d| d.contains("duplicate-object")),
        "{said:?}"
    );
    // Each app's `cache` is one of the renamed Services: said per app,
    // naming both new names.
    let renamed: Vec<(Option<u32>, &str)> = s
        .diagnostics
        .iter()
        .filter(|d| d.code == "kustomize-renamed")
        .map(|d| (d.line, d.message.as_str()))
        .collect();
    assert_eq!(renamed.len(), 2, "{renamed:?}");
    for (line, message) in renamed {
        assert_eq!(line, Some(3));
        assert!(
            message.contains("deployed as `a-cache`, `cache-b` in namespace shop (namePrefix/nameSuffix of a/kustomization.yaml, b/kustomization.yaml)"),
            "{message}"
        );
    }
}

/// Two roots deploy `app.yaml` into the same namespace, one of them over
/// a base with a prefix (so its chain renames, though nothing of
/// `app.yaml`): one object, as with two roots without prefixes, not a
/// duplicate; the prefixed base's objects are renamed.
#[test]
fn a_file_placed_twice_the_same_way_is_one_object() {
    let app = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\nspec:\n  template:\n    spec:\n      containers: [{name: app, image: acme/app, env: [{name: REDIS_HOST, value: cache}]}]\n";
    let s = scan_files(
        &common::files(&[
            ("lib/kustomization.yaml", "namePrefix: lib-\nresources: [job.yaml]\n"),
            ("lib/job.yaml", "apiVersion: batch/v1\nkind: Job\nmetadata: {name: warm}\nspec:\n  template:\n    spec:\n      containers: [{name: w, image: acme/w}]\n"),
            ("one/kustomization.yaml", "namespace: shop\nresources: [../lib, ../app.yaml]\n"),
            ("two/kustomization.yaml", "namespace: shop\nresources: [../app.yaml]\n"),
            ("app.yaml", app),
        ]),
        Vec::new(),
        &Options::default(),
    );
    assert_eq!(workloads(&s), ["shop/Deployment/app", "shop/Job/lib-warm"]);
    let said = diagnostics(&s);
    assert!(
        !said.iter().any(|d| d.contains("duplicate-object")),
        "{said:?}"
    );
}

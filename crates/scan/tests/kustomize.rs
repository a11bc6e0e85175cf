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
        ["warning kustomize-renamed base/api.yaml:17",]
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

/// `consumer -> host:port [db] tls` of every reference, without where it is
/// written (the source and `kubectl kustomize`'s output write it apart).
fn links(s: &Scanned) -> Vec<String> {
    let mut out: Vec<String> = references(s)
        .iter()
        .map(|r| {
            r.split(' ')
                .take_while(|w| !w.starts_with("tls="))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    out.dedup();
    out
}

/// What `kubectl kustomize` (v5.5.0) renders for the overlays of a fixture,
/// stored beside these tests, scanned as one tree.
fn rendered(name: &str) -> Scanned {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/rendered")
        .join(name);
    scan_files(&load(&dir), Vec::new(), &Options::default())
}

/// Finding h6-1: `overlays/prod` (namespace `shop`, `prod-`) is deployed,
/// and `overlays/prod-eu` builds on it. Both are read, as `kubectl
/// kustomize` renders each: `shop/prod-redis` and its consumers are there,
/// and the eu worker's `prod-redis.shop.svc.cluster.local` is it.
#[test]
fn an_overlay_another_overlay_builds_on_is_still_deployed() {
    let s = scan("kustomize-nested-overlays");
    let r = rendered("kustomize-nested-overlays");
    assert_eq!(workloads(&s), workloads(&r));
    assert!(
        workloads(&s).contains(&"shop/Deployment/prod-worker".to_string()),
        "{:?}",
        workloads(&s)
    );
    assert_eq!(links(&s), links(&r));
    // The base (no namespace, under `base/`) is not deployed on its own:
    // nothing lands in `default`.
    assert!(
        !workloads(&s).iter().any(|w| w.starts_with("default/")),
        "{:?}",
        workloads(&s)
    );
    // The guess is said where the user reads it.
    let note = s
        .diagnostics
        .iter()
        .find(|d| d.code == "kustomize-deployed")
        .expect("a kustomize-deployed note");
    assert_eq!(
        note.path.as_deref(),
        Some("overlays/prod/kustomization.yaml")
    );
    assert_eq!(note.line, Some(3));
    assert!(
        note.message.contains(
            "listed by `overlays/prod-eu`, and also read as deployed on its own, in namespace shop"
        ),
        "{}",
        note.message
    );
}

/// Finding h6-2: prod patches `worker`'s `REDIS_HOST`, prod-eu patches it
/// again; the outer (eu) patch wins, as in kustomize, though `prod-eu`
/// sorts before `prod/`.
#[test]
fn an_outer_overlays_patch_wins_over_an_inner_ones() {
    // Whatever order the files come in: by path as text (the CLI's, where
    // `prod-eu/` comes before `prod/`), and the reverse.
    let mut files = load(&fixture("kustomize-nested-overlays"));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    for _ in 0..2 {
        let s = scan_files(&files, Vec::new(), &Options::default());
        let eu: Vec<String> = references(&s)
            .into_iter()
            .filter(|r| r.starts_with("shop-eu/Deployment/eu-prod-worker"))
            .collect();
        assert_eq!(
            eu,
            ["shop-eu/Deployment/eu-prod-worker -> eu-prod-redis:6379 tls=unknown explicit overlays/prod-eu/eu-worker-patch.yaml:12 | env REDIS_HOST + REDIS_PORT = eu-prod-redis:6379"]
        );
        files.reverse();
    }
}

/// Finding h6-2, generators: prod and prod-eu both `behavior: merge`
/// `app-env`; the outer merge's `REDIS_HOST` wins, and prod-eu's
/// `behavior: replace` of `app-files` stands instead of the base's.
#[test]
fn an_outer_overlays_generator_merge_wins_over_an_inner_ones() {
    let r = rendered("kustomize-nested-generators");
    let mut files = load(&fixture("kustomize-nested-generators"));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    for _ in 0..2 {
        let s = scan_files(&files, Vec::new(), &Options::default());
        assert_eq!(links(&s), links(&r));
        assert!(
            links(&s).contains(&"eu/Deployment/eu-prod-app -> eu-prod-redis:6379".to_string()),
            "{:?}",
            links(&s)
        );
        files.reverse();
    }
}

/// Finding h6-4: a patch with `target:` patches what the target selects (a
/// label selector here), whatever name it writes, as `kubectl kustomize`
/// renders it; a JSON 6902 patch is not applied and a target that selects
/// nothing is said, each at the line that lists the patch.
#[test]
fn a_patch_with_a_target_patches_what_it_selects() {
    let s = scan("kustomize-patch-targets");
    let r = rendered("kustomize-patch-targets");
    let tls = |s: &Scanned| -> Vec<String> {
        references(s)
            .iter()
            .map(|r| r.split(" explicit").next().unwrap_or(r).to_string())
            .collect()
    };
    assert_eq!(
        tls(&s),
        [
            "x/Deployment/api -> redis-tls:6380 tls=yes",
            "x/Deployment/cron -> redis-tls:6380 tls=yes",
            "x/Deployment/worker -> redis-tls:6380 tls=yes",
        ]
    );
    // As `kubectl kustomize` renders it, `cron`'s JSON 6902 patch included.
    assert_eq!(tls(&s), tls(&r));
    let said: Vec<String> = s
        .diagnostics
        .iter()
        .filter(|d| d.code.starts_with("kustomize-patch"))
        .map(|d| {
            format!(
                "{} {}:{} {}",
                d.code,
                d.path.as_deref().unwrap_or(""),
                d.line.unwrap_or(0),
                d.message
            )
        })
        .collect();
    assert_eq!(
        said,
        [
            "kustomize-patch-unmatched ov/kustomization.yaml:20 this patch's `target:` (StatefulSet) selects none of the objects its kustomization gathers among the scanned files, so it is applied to nothing; scan the overlay together with its bases, or the output of `kubectl kustomize`",
        ]
    );
}

/// JSON 6902 patches, as `kubectl kustomize` applies them: a value replaced
/// at a list position (the API moves to the TLS Redis), ConfigMap keys
/// replaced from a JSON file (the worker follows), an env list added (its
/// session store); the
/// evidence is the patch's line. The `remove` a merge cannot say is a
/// warning at its line, and `reports` stays what its base says.
#[test]
fn json_6902_patches_are_applied_as_kustomize_renders_them() {
    let s = scan("kustomize-json-patches");
    let r = rendered("kustomize-json-patches");
    assert_eq!(
        references(&s),
        [
            "prod/Deployment/api -> redis-tls:6380 db=0 tls=yes explicit prod/api-tls.yaml:6 | env REDIS_URL = rediss://redis-tls:6380/0",
            "prod/Deployment/reports -> redis:6379 db=2 tls=no explicit base/app.yaml:51 | env SESSION_REDIS_URL = redis://redis:6379/2",
            "prod/Deployment/worker -> redis-tls:6380 db=1 tls=yes explicit prod/kustomization.yaml:18 | env SESSION_REDIS_URL = rediss://redis-tls:6380/1",
            "prod/Deployment/worker -> redis-tls:6380 tls=unknown indirect prod/cache-tls.json:2 | env CACHE_HOST <- envFrom configMap prod/cache-config + CACHE_PORT = redis-tls:6380",
        ]
    );
    let not_reports = |l: Vec<String>| -> Vec<String> {
        l.into_iter()
            .filter(|r| !r.contains("/reports "))
            .map(|r| r.split(" explicit").next().unwrap_or(&r).to_string())
            .map(|r| r.split(" indirect").next().unwrap_or(&r).to_string())
            .collect()
    };
    assert_eq!(not_reports(references(&s)), not_reports(references(&r)));
    let said: Vec<String> = s
        .diagnostics
        .iter()
        .filter(|d| d.code.starts_with("kustomize-patch"))
        .map(|d| {
            format!(
                "{}:{} {}",
                d.path.as_deref().unwrap_or(""),
                d.line.unwrap_or(0),
                d.message
            )
        })
        .collect();
    assert_eq!(
        said,
        ["prod/kustomization.yaml:22 a `remove` of /spec/template/spec/containers/0/env/0 is not applied: only `add` and `replace` are read; this operation is not applied to Deployment reports: scan the output of `kubectl kustomize` for what it changes"]
    );
}

/// `$patch: delete` removes the in-cluster Redis of `prod`, and a patch
/// turns its Service into an ExternalName, as `kubectl kustomize` renders
/// each overlay: the same workloads and Services (one `redis` per
/// namespace, not a second one from the patch), and a note at the delete.
#[test]
fn deleted_objects_and_patched_services_are_as_rendered() {
    let s = scan("kustomize-delete-external");
    let r = rendered("kustomize-delete-external");
    let services = |s: &Scanned| -> Vec<String> {
        let mut out: Vec<String> = s
            .facts
            .iter()
            .filter_map(|f| match f {
                Fact::Service(svc) => Some(format!(
                    "{}/{} external={:?} selector={:?} ports={:?}",
                    svc.namespace,
                    svc.name,
                    svc.external_name,
                    svc.selector,
                    svc.ports.iter().map(|p| p.port).collect::<Vec<_>>()
                )),
                _ => None,
            })
            .collect();
        out.sort();
        out
    };
    assert_eq!(
        services(&s),
        [
            "api-prod/redis external=Some(\"sessions.redis.cache.example.com\") selector=None ports=[6379]",
            "api-staging/redis external=None selector=Some({\"app\": \"redis\"}) ports=[6379]",
        ]
    );
    assert_eq!(services(&s), services(&r));
    assert_eq!(
        workloads(&s),
        [
            "api-prod/Deployment/api",
            "api-staging/Deployment/api",
            "api-staging/Deployment/redis"
        ]
    );
    assert_eq!(workloads(&s), workloads(&r));
    assert!(
        diagnostics(&s)
            .contains(&"info kustomize-deleted overlays/prod/delete-redis.yaml:1".to_string()),
        "{:?}",
        diagnostics(&s)
    );
}

/// The operations of one JSON 6902 patch are one patch: `replace
/// /spec/type` and `add /spec/externalName`, written apart as people do,
/// make the Service an ExternalName (each alone is no ExternalName).
#[test]
fn a_json_6902_patch_is_one_patch_of_its_operations() {
    let file = |path: &str, text: &str| fallout_scan::SourceFile {
        path: path.into(),
        text: text.into(),
    };
    let s = scan_files(
        &[
            file("base/kustomization.yaml", "resources: [redis.yaml]\n"),
            file(
                "base/redis.yaml",
                "apiVersion: v1\nkind: Service\nmetadata: {name: redis}\nspec:\n  selector: {app: redis}\n  ports: [{port: 6379}]\n",
            ),
            file(
                "prod/kustomization.yaml",
                "namespace: prod\nresources: [../base]\npatches:\n  - target: {kind: Service, name: redis}\n    patch: |-\n      - op: replace\n        path: /spec/type\n        value: ExternalName\n      - op: add\n        path: /spec/externalName\n        value: prod-redis.abc123.cache.amazonaws.com\n",
            ),
        ],
        Vec::new(),
        &Options::default(),
    );
    let external: Vec<(String, Option<String>)> = s
        .facts
        .iter()
        .filter_map(|f| match f {
            Fact::Service(svc) => Some((
                format!("{}/{}", svc.namespace, svc.name),
                svc.external_name.clone(),
            )),
            _ => None,
        })
        .collect();
    assert_eq!(
        external,
        [(
            "prod/redis".to_string(),
            Some("prod-redis.abc123.cache.amazonaws.com".to_string())
        )]
    );
}

/// Scenario review #3 H2: staging and prod overlays of separate clusters,
/// both in namespace `shop`, scanned together, were merged into one object
/// (prod's generator port and TLS on staging's host) without a word. It is
/// a warning now; overlays that change nothing, or use different
/// namespaces, say nothing.
#[test]
fn overlays_in_one_namespace_that_change_objects_are_said_to_merge() {
    let base_k = "resources:\n  - deployment.yaml\nconfigMapGenerator:\n  - name: api-config\n    literals:\n      - REDIS_HOST=redis\n";
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: shop/api:1\n          envFrom:\n            - configMapRef: {name: api-config}\n";
    let prod = "namespace: shop\nresources:\n  - ../../base\nconfigMapGenerator:\n  - name: api-config\n    behavior: merge\n    literals:\n      - REDIS_HOST=prod-cache.example.com\n";
    let staging = "namespace: shop\nresources:\n  - ../../base\n";
    let tree = |staging_ns: &str| {
        common::files(&[
            ("base/kustomization.yaml", base_k),
            ("base/deployment.yaml", deployment),
            ("overlays/prod/kustomization.yaml", prod),
            (
                "overlays/staging/kustomization.yaml",
                &staging.replace("shop", staging_ns),
            ),
        ])
    };
    let said = |s: &Scanned| {
        s.diagnostics
            .iter()
            .filter(|d| d.code == "kustomize-overlays-merged")
            .map(|d| d.message.clone())
            .collect::<Vec<_>>()
    };
    let s = scan_files(&tree("shop"), Vec::new(), &Options::default());
    let merged = said(&s);
    assert_eq!(merged.len(), 1, "{:?}", diagnostics(&s));
    assert!(
        merged[0].starts_with("overlays/prod/kustomization.yaml, overlays/staging/kustomization.yaml both build on base/kustomization.yaml in namespace shop"),
        "{}",
        merged[0]
    );
    let s = scan_files(&tree("shop-staging"), Vec::new(), &Options::default());
    assert!(said(&s).is_empty(), "{:?}", said(&s));
}

/// A manifest beside a kustomization that lists it not (a leftover) is not
/// what `kubectl apply -k` applies: still read, and said once at the file.
/// Files a kustomization names anywhere (a resource, a patch, a generator's
/// `key=path`, a file of the folder an overlay patches from) are not.
#[test]
fn a_manifest_no_kustomization_names_is_said_at_the_file() {
    let file = |path: &str, text: &str| fallout_scan::SourceFile {
        path: path.into(),
        text: text.into(),
    };
    let deploy = |name: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  template:\n    spec:\n      containers:\n        - name: {name}\n          image: {name}:1\n          env:\n            - name: REDIS_URL\n              value: redis://cache:6379\n"
        )
    };
    let s = scan_files(
        &[
            file(
                "app/kustomization.yaml",
                "resources:\n  - deploy.yaml\npatches:\n  - path: patch.yaml\nconfigMapGenerator:\n  - name: cfg\n    files:\n      - conf=settings.yaml\n",
            ),
            file("app/deploy.yaml", &deploy("web")),
            file("app/old.yaml", &deploy("legacy")),
            file("app/patch.yaml", &deploy("web")),
            file("app/settings.yaml", "apiVersion: v1\nkind: Config\n"),
            file("app/extra.yaml", &deploy("extra")),
            file(
                "overlay/kustomization.yaml",
                "resources:\n  - ../app\npatches:\n  - path: ../app/extra.yaml\n",
            ),
            // No kustomization in this folder: nothing to say.
            file("plain/old.yaml", &deploy("plain")),
            // Runs nothing (a skaffold config): nothing to say.
            file("app/skaffold.yaml", "apiVersion: skaffold/v4beta1\nkind: Config\n"),
        ],
        Vec::new(),
        &Options::default(),
    );
    let unlisted: Vec<String> = diagnostics(&s)
        .into_iter()
        .filter(|d| d.contains("kustomize-unlisted"))
        .collect();
    assert_eq!(unlisted, ["info kustomize-unlisted app/old.yaml:0"]);
    let note = s
        .diagnostics
        .iter()
        .find(|d| d.code == "kustomize-unlisted")
        .unwrap();
    assert!(
        note.message
            .starts_with("app/kustomization.yaml does not list this file"),
        "{}",
        note.message
    );
    // Still read: its consumer is there.
    assert!(workloads(&s).contains(&"default/Deployment/legacy".to_string()));

    // Scanned from inside `app/`, whose kustomization names its file by
    // way of the folder above (`../app/svc.yaml`): named.
    let s = scan_files(
        &[
            file("kustomization.yaml", "resources:\n  - ../app/svc.yaml\n"),
            file("svc.yaml", &deploy("svc")),
        ],
        Vec::new(),
        &Options::default(),
    );
    assert!(
        !diagnostics(&s)
            .iter()
            .any(|d| d.contains("kustomize-unlisted")),
        "{:?}",
        diagnostics(&s)
    );
}

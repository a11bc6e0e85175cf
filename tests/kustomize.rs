//! Kustomize through the binary: generators that read files, components
//! and inline patches, each in an overlay's namespace as `kubectl kustomize`
//! would render it.

use crate::support::{consumers, fallout, ids, json, resource, tree};

/// Every consumer id of a resource.
fn consumer_ids(doc: &serde_json::Value, id: &str) -> Vec<String> {
    consumers(resource(doc, id), "id")
        .into_iter()
        .map(|(id, _)| id)
        .collect()
}

/// (line, message) of every `kustomize-missing` warning.
fn missing(doc: &serde_json::Value) -> Vec<(u64, String)> {
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "kustomize-missing")
        .map(|d| {
            (
                d["line"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

const REDIS: &str = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: redis}\nspec:\n  serviceName: redis\n  template:\n    metadata: {labels: {app: redis}}\n    spec:\n      containers: [{name: redis, image: 'redis:7.2'}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: redis}\nspec: {selector: {app: redis}, ports: [{port: 6379}]}\n";

const SPRING: &str = "spring:\n  data:\n    redis:\n      host: redis\n      port: 6379\n";

/// A Deployment `checkout` that mounts ConfigMap `config` at `/config`.
fn checkout_mounting(config: &str) -> String {
    format!("apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: checkout}}\nspec:\n  template:\n    spec:\n      containers:\n        - name: checkout\n          image: acme/checkout\n          volumeMounts: [{{name: config, mountPath: /config}}]\n      volumes: [{{name: config, configMap: {{name: {config}}}}}]\n")
}

/// A base with a Spring Boot `application.yml` turned into a ConfigMap by
/// `configMapGenerator` `files:` and mounted by `checkout`, under an
/// overlay with a namespace.
fn spring_tree() -> tempfile::TempDir {
    let checkout = checkout_mounting("checkout-config");
    tree(&[
        ("base/kustomization.yaml", "resources: [checkout.yaml, redis.yaml]\nconfigMapGenerator:\n  - name: checkout-config\n    files: [application.yml]\n"),
        ("base/application.yml", SPRING),
        ("base/checkout.yaml", &checkout),
        ("base/redis.yaml", REDIS),
        ("overlays/prod/kustomization.yaml", "namespace: shop-prod\nresources: [../../base]\n"),
    ])
}

/// The generated ConfigMap holds the file: `checkout` reads it where it is
/// mounted, in the overlay's namespace, and the host `redis` is the Service
/// beside it; the evidence is the line that lists the file.
#[test]
fn generator_files_become_the_mounted_config_map() {
    let dir = spring_tree();
    let doc = json(&["scan", dir.path().to_str().unwrap()]);
    let redis = resource(&doc, "shop-prod/redis");
    assert_eq!(
        consumers(redis, "strength"),
        [(
            "shop-prod/Deployment/checkout".to_string(),
            "indirect".to_string()
        )],
        "{doc:#}"
    );
    let evidence = &redis["consumers"][0]["evidence"][0];
    assert!(
        evidence["path"]
            .as_str()
            .unwrap()
            .ends_with("base/kustomization.yaml"),
        "{evidence}"
    );
    assert_eq!(evidence["line"], 4, "{evidence}");
}

/// A file a generator lists is the ConfigMap's, not the config of an app
/// named after its folder (which would be an `app:…/base` consumer of an
/// external `redis`).
#[test]
fn generator_files_are_no_app_config() {
    let dir = spring_tree();
    let doc = json(&["scan", dir.path().to_str().unwrap()]);
    assert_eq!(
        ids(&doc),
        ["shop-prod/redis"],
        "no external `redis`: {doc:#}"
    );
    assert_eq!(
        consumer_ids(&doc, "shop-prod/redis"),
        ["shop-prod/Deployment/checkout"],
        "no app:base: {doc:#}"
    );
}

/// `- key=path` names the ConfigMap's key; a file listed that is not among
/// the scanned ones is a warning at the line that lists it, unless it is
/// binary (a keystore), which the scan never reads.
#[test]
fn generator_files_with_a_key_and_missing_files() {
    let checkout = checkout_mounting("checkout-config");
    let dir = tree(&[
        ("base/kustomization.yaml", "resources: [checkout.yaml, redis.yaml]\nsecretGenerator:\n  - name: unused\n    files:\n      - gone.txt\n      - keystore.jks\nconfigMapGenerator:\n  - name: checkout-config\n    files:\n      - application.yml=spring/checkout.yml\n      - absent.yml\n"),
        ("base/spring/checkout.yml", SPRING),
        ("base/checkout.yaml", &checkout),
        ("base/redis.yaml", REDIS),
        ("overlays/prod/kustomization.yaml", "namespace: shop-prod\nresources: [../../base]\n"),
    ]);
    let doc = json(&["scan", dir.path().to_str().unwrap()]);
    assert!(
        consumer_ids(&doc, "shop-prod/redis")
            .contains(&"shop-prod/Deployment/checkout".to_string()),
        "{doc:#}"
    );
    let missing = missing(&doc);
    assert_eq!(
        missing.iter().map(|(line, _)| *line).collect::<Vec<_>>(),
        [5, 11],
        "{missing:?}"
    );
    assert!(missing[0].1.starts_with("lists `gone.txt`"), "{missing:?}");
    assert!(
        missing[1].1.starts_with("lists `absent.yml`"),
        "{missing:?}"
    );
}

/// A Deployment with no Redis setting of its own.
fn deployment(name: &str) -> String {
    format!("apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}}}\nspec:\n  template:\n    spec:\n      containers: [{{name: {name}, image: acme/{name}}}]\n")
}

/// A component the overlay includes brings a workload, a generated
/// ConfigMap and a patch, all in the overlay's namespace: no copy in the
/// default namespace, no external `redis`, no phantom patch workload.
#[test]
fn components_join_the_including_kustomization() {
    let api = deployment("api");
    let checkout = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: checkout}\nspec:\n  template:\n    spec:\n      containers: [{name: checkout, image: acme/checkout, envFrom: [{configMapRef: {name: checkout-env}}]}]\n";
    let dir = tree(&[
        ("base/kustomization.yaml", "resources: [api.yaml, checkout.yaml, redis.yaml]\n"),
        ("base/api.yaml", &api),
        ("base/checkout.yaml", checkout),
        ("base/redis.yaml", REDIS),
        ("components/cache/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [worker.yaml]\nconfigMapGenerator:\n  - name: checkout-env\n    literals: [REDIS_HOST=redis, REDIS_PORT=6379]\npatches:\n  - path: api-cache.yaml\n"),
        ("components/cache/worker.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: worker}\nspec:\n  template:\n    spec:\n      containers: [{name: w, image: acme/w, env: [{name: REDIS_URL, value: 'redis://redis:6379/1'}]}]\n"),
        ("components/cache/api-cache.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    spec:\n      containers: [{name: api, env: [{name: REDIS_URL, value: 'redis://redis:6379/2'}]}]\n"),
        ("overlays/prod/kustomization.yaml", "namespace: shop-prod\nresources: [../../base]\ncomponents:\n  - ../../components/cache\n"),
    ]);
    let doc = json(&["scan", dir.path().to_str().unwrap()]);
    assert_eq!(ids(&doc), ["shop-prod/redis"], "{doc:#}");
    assert_eq!(
        consumer_ids(&doc, "shop-prod/redis"),
        [
            "shop-prod/Deployment/api",
            "shop-prod/Deployment/checkout",
            "shop-prod/Deployment/worker"
        ],
        "{doc:#}"
    );
    assert!(missing(&doc).is_empty(), "{doc:#}");
}

/// Strategic-merge patches written inline (`patch: |-` with a target, and
/// YAML text under `patchesStrategicMerge`) join the object they name in
/// the overlay's namespace, with evidence at their lines in the
/// kustomization; an inline JSON 6902 patch is passed over, not an error.
#[test]
fn inline_patches_join_the_object_they_patch() {
    let api = deployment("api");
    let worker = deployment("worker");
    let dir = tree(&[
        (
            "base/kustomization.yaml",
            "resources: [api.yaml, worker.yaml, redis.yaml]\n",
        ),
        ("base/api.yaml", &api),
        ("base/worker.yaml", &worker),
        ("base/redis.yaml", REDIS),
        (
            "overlays/prod/kustomization.yaml",
            "apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: shop-prod
resources: [../../base]
patches:
  - target: {kind: Deployment, name: api}
    patch: |-
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: api}
      spec:
        template:
          spec:
            containers:
              - name: api
                env: [{name: REDIS_URL, value: 'redis://redis:6379/2'}]
  - target: {kind: Deployment, name: worker}
    patch: |-
      - op: add
        path: /metadata/labels/tier
        value: cache
patchesStrategicMerge:
  - |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: worker
    spec:
      template:
        spec:
          containers: [{name: worker, env: [{name: REDIS_HOST, value: redis}]}]
",
        ),
    ]);
    let doc = json(&["scan", dir.path().to_str().unwrap()]);
    assert_eq!(ids(&doc), ["shop-prod/redis"], "{doc:#}");
    let redis = resource(&doc, "shop-prod/redis");
    let found: Vec<(String, u64)> = redis["consumers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let evidence = &c["evidence"][0];
            assert!(
                evidence["path"]
                    .as_str()
                    .unwrap()
                    .ends_with("overlays/prod/kustomization.yaml"),
                "{evidence}"
            );
            (
                c["id"].as_str().unwrap().to_string(),
                evidence["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("shop-prod/Deployment/api".to_string(), 16),
            ("shop-prod/Deployment/worker".to_string(), 31),
        ],
        "{doc:#}"
    );
    let codes: Vec<&str> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(
        !codes
            .iter()
            .any(|c| matches!(*c, "kustomize-missing" | "yaml-parse" | "duplicate-object")),
        "{codes:?}"
    );
}

/// A kustomization without `apiVersion`/`kind` whose inline patch holds a
/// Redis URL is no app config of its folder (an `app:…/prod` consumer of an
/// external `redis`).
#[test]
fn kustomizations_are_no_app_config() {
    let api = deployment("api");
    let dir = tree(&[
        ("base/kustomization.yaml", "resources: [api.yaml, redis.yaml]\n"),
        ("base/api.yaml", &api),
        ("base/redis.yaml", REDIS),
        ("prod/kustomization.yaml", "namespace: shop-prod\nresources: [../base]\npatches:\n  - patch: |-\n      apiVersion: apps/v1\n      kind: Deployment\n      metadata: {name: api}\n      spec:\n        template:\n          spec:\n            containers: [{name: api, env: [{name: REDIS_URL, value: 'redis://redis:6379'}]}]\n"),
    ]);
    let doc = json(&["scan", dir.path().to_str().unwrap()]);
    assert_eq!(ids(&doc), ["shop-prod/redis"], "{doc:#}");
    assert_eq!(
        consumer_ids(&doc, "shop-prod/redis"),
        ["shop-prod/Deployment/api"],
        "{doc:#}"
    );
}

/// An overlay's `behavior: merge` key is evidence in the overlay, at its
/// own line: the base kustomization names the ConfigMap, but the value the
/// workload reads is written in the overlay (the base's line 9 would send
/// the reader, and code scanning, to the wrong file).
#[test]
fn merged_generator_keys_are_cited_where_they_are_written() {
    let worker = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: worker}\nspec:\n  template:\n    spec:\n      containers: [{name: worker, image: acme/worker, envFrom: [{configMapRef: {name: worker-env}}]}]\n";
    let dir = tree(&[
        ("base/kustomization.yaml", "resources: [worker.yaml, redis.yaml]\nconfigMapGenerator:\n  - name: worker-env\n    literals:\n      - REDIS_ADDR=redis:6379\n"),
        ("base/worker.yaml", worker),
        ("base/redis.yaml", REDIS),
        ("overlays/prod/kustomization.yaml", "# prod\n# overlay\nnamespace: shop-prod\nresources: [../../base]\nconfigMapGenerator:\n  - name: worker-env\n    behavior: merge\n    literals:\n      - LOG_LEVEL=info\n      - REDIS_ADDR=redis.shop-prod.svc.cluster.local:6379\n"),
    ]);
    let doc = json(&["scan", dir.path().to_str().unwrap()]);
    let redis = resource(&doc, "shop-prod/redis");
    let evidence: Vec<(String, u64)> = redis["consumers"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["evidence"].as_array().unwrap().clone())
        .map(|e| {
            let path = e["path"].as_str().unwrap();
            let at = path.find("overlays").or_else(|| path.find("base")).unwrap();
            (path[at..].to_string(), e["line"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(
        evidence,
        [("overlays/prod/kustomization.yaml".to_string(), 10)],
        "{doc:#}"
    );
}

/// `fixtures/kustomize-prefix`: prod's `namePrefix: prod-` deploys the
/// base's Redis as `shop-prod/prod-redis`. `worker` follows it (its
/// ConfigMap is renamed with it and prod merges `REDIS_HOST=prod-redis`);
/// `api`'s literal `REDIS_HOST: redis` is not rewritten, so in prod it is a
/// consumer of an external `redis.shop-prod`, said at its line with the
/// Service's real name. Staging, without a prefix, keeps the names.
#[test]
fn name_prefix_is_what_is_deployed_and_a_literal_host_is_said() {
    let doc = json(&["scan", "fixtures/kustomize-prefix"]);
    assert_eq!(
        ids(&doc),
        [
            "redis.shop-prod",
            "shop-prod/prod-redis",
            "shop-staging/redis"
        ],
        "{doc:#}"
    );
    assert_eq!(
        consumer_ids(&doc, "shop-prod/prod-redis"),
        ["shop-prod/Deployment/prod-worker"]
    );
    assert_eq!(
        consumer_ids(&doc, "redis.shop-prod"),
        ["shop-prod/Deployment/prod-api"]
    );
    assert_eq!(
        consumer_ids(&doc, "shop-staging/redis"),
        [
            "shop-staging/Deployment/api",
            "shop-staging/Deployment/worker"
        ]
    );
    let said: Vec<(String, String, u64)> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] != "kustomize")
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["path"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let at = "fixtures/kustomize-prefix/base/api.yaml".to_string();
    assert_eq!(
        said,
        [
            ("kustomize-renamed".to_string(), at.clone(), 17),
            ("name-unresolved".to_string(), at, 17),
        ]
    );
    // In the human report, after the tables.
    let run = fallout(&["scan", "fixtures/kustomize-prefix"]);
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(
        all.contains("warning: fixtures/kustomize-prefix/base/api.yaml:17: env REDIS_HOST + REDIS_PORT = redis:6379: the Service written `redis` is deployed as `prod-redis` in namespace shop-prod (namePrefix/nameSuffix of fixtures/kustomize-prefix/overlays/prod/kustomization.yaml), and kustomize does not rewrite host names in values: as deployed, `redis` names no Service there; write `prod-redis` (or set the host in the overlay) [kustomize-renamed]"),
        "{all}"
    );
}

/// A change to the renamed Redis judges the consumers that reach it under
/// its deployed name: `prod-worker` breaks; `prod-api`, which names
/// `redis`, is not among them.
#[test]
fn impact_on_a_renamed_redis() {
    let doc = json(&[
        "impact",
        "shop-prod/prod-redis",
        "fixtures/kustomize-prefix",
        "--set",
        "tls=required",
    ]);
    let redis = resource(&doc, "shop-prod/prod-redis");
    assert_eq!(
        consumers(redis, "verdict"),
        [(
            "shop-prod/Deployment/prod-worker".to_string(),
            "breaks".to_string()
        )],
        "{doc:#}"
    );
}

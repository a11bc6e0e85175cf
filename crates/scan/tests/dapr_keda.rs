//! Operators that connect to a Redis on a workload's behalf: the daprd
//! sidecar of each app that loads a Dapr component of a Redis type, and
//! the KEDA operator for each ScaledObject or ScaledJob with a Redis
//! trigger (fixtures/dapr-keda, and one case per test below).

mod common;

use common::{assert_no_secret, diagnostics, files, fixture, hints, load, references, workloads};
use fallout_core::{Fact, Scheme, Tls};
use fallout_scan::k8s::Options;
use fallout_scan::{scan_files, Scanned};

fn scan_fixture() -> Scanned {
    scan_files(
        &load(&fixture("dapr-keda")),
        Vec::new(),
        &Options::default(),
    )
}

fn scan(list: &[(&str, &str)]) -> Scanned {
    scan_files(&files(list), Vec::new(), &Options::default())
}

/// The references of one consumer.
fn references_of(s: &Scanned, consumer: &str) -> Vec<String> {
    references(s)
        .into_iter()
        .filter(|r| r.starts_with(&format!("{consumer} -> ")))
        .collect()
}

fn messages(s: &Scanned, code: &str) -> Vec<String> {
    s.diagnostics
        .iter()
        .filter(|d| d.code == code)
        .map(|d| d.message.clone())
        .collect()
}

/// The credential locations of a consumer's references.
fn credentials_of(s: &Scanned, consumer: &str) -> Vec<String> {
    let mut out: Vec<String> = s
        .facts
        .iter()
        .filter_map(|f| match f {
            Fact::Reference(r) if r.consumer.to_string() == consumer => r
                .credential
                .as_ref()
                .map(|c| format!("{} at {}", c.location, c.origin)),
            _ => None,
        })
        .collect();
    out.sort();
    out
}

/// A Dapr-enabled Deployment `name` of namespace `ns`, with `annotations`
/// besides `dapr.io/enabled` (indented for the pod template's map).
fn dapr_app(ns: &str, name: &str, enabled: &str, annotations: &str) -> String {
    format!(
        "\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: {ns}}}
spec:
  template:
    metadata:
      annotations:
        dapr.io/enabled: \"{enabled}\"
{annotations}
    spec:
      containers: [{{name: app, image: 'acme/{name}:1'}}]
"
    )
}

/// A Dapr component of `kind` in `ns` whose `spec.metadata` items follow
/// (from line 9), and whose top-level fields (`scopes`, `auth`) come after.
fn component(ns: &str, name: &str, kind: &str, items: &str, rest: &str) -> String {
    format!(
        "\
apiVersion: dapr.io/v1alpha1
kind: Component
metadata:
  name: {name}
  namespace: {ns}
spec:
  type: {kind}
  metadata:
{items}{rest}"
    )
}

// Dapr ---------------------------------------------------------------------

#[test]
fn dapr_apps_connect_through_the_components_they_load() {
    let s = scan_fixture();
    assert_eq!(
        references_of(&s, "shop/Deployment/order-processor"),
        [
            "shop/Deployment/order-processor -> redis.shop.svc.cluster.local:6379 tls=no indirect dapr/pubsub.yaml:14 | Dapr component shop/orders-pubsub (pubsub.redis) metadata redisHost = redis.shop.svc.cluster.local:6379 (no enableTLS: Dapr connects in plaintext), for the daprd sidecar of app-id order-processor (no scopes: every Dapr app of shop) [credential dapr/pubsub.yaml:16]",
            "shop/Deployment/order-processor -> redis:6379 tls=no indirect dapr/statestore.yaml:12 | Dapr component shop/statestore (state.redis) metadata redisHost = redis:6379, for the daprd sidecar of app-id order-processor (in its scopes) [credential redis.yaml:9]",
        ]
    );
    // Not in the statestore's scopes: the pub/sub component only.
    assert_eq!(
        references_of(&s, "shop/Deployment/checkout"),
        ["shop/Deployment/checkout -> redis.shop.svc.cluster.local:6379 tls=no indirect dapr/pubsub.yaml:14 | Dapr component shop/orders-pubsub (pubsub.redis) metadata redisHost = redis.shop.svc.cluster.local:6379 (no enableTLS: Dapr connects in plaintext), for the daprd sidecar of app-id checkout (no scopes: every Dapr app of shop) [credential dapr/pubsub.yaml:16]"]
    );
    // No Dapr sidecar: the components are nothing to it.
    assert!(references_of(&s, "shop/Deployment/catalog").is_empty());
}

#[test]
fn dapr_passwords_are_located_never_quoted() {
    let s = scan_fixture();
    assert_eq!(
        credentials_of(&s, "shop/Deployment/order-processor"),
        [
            "Dapr component shop/orders-pubsub (pubsub.redis) metadata redisPassword at dapr/pubsub.yaml:16",
            "Dapr component shop/statestore (state.redis) metadata redisPassword <- secretKeyRef shop/redis key redis-password at redis.yaml:9",
        ]
    );
    assert_no_secret(&s, &["Planted-Secret-Pw-1", "Planted-Literal-Pw-2"]);

    // A Secret outside the scan still holds a password, said where it is
    // asked for; another secret store's is not looked for.
    let items = "    - name: redisHost\n      value: cache:6379\n    - name: redisPassword\n      secretKeyRef: {name: cache-auth, key: pw}\n";
    let s = scan(&[
        ("app.yaml", &dapr_app("web", "api", "true", "")),
        (
            "c.yaml",
            &component("web", "cache", "state.redis", items, ""),
        ),
        (
            "v.yaml",
            &component(
                "web",
                "vaulted",
                "state.redis",
                items,
                "auth:\n  secretStore: vault\n",
            ),
        ),
    ]);
    assert_eq!(
        credentials_of(&s, "web/Deployment/api"),
        [
            "Dapr component web/cache (state.redis) metadata redisPassword <- secretKeyRef web/cache-auth key pw (not among the scanned objects) at c.yaml:11",
            "Dapr component web/vaulted (state.redis) metadata redisPassword <- secretKeyRef cache-auth key pw in secret store vault at v.yaml:11",
        ]
    );
}

#[test]
fn a_component_no_app_loads_is_said() {
    let s = scan_fixture();
    assert_eq!(
        messages(&s, "dapr-component-unused"),
        ["Dapr component shop/order-lock (lock.redis) names redis:6379, but no workload of namespace shop in the scan runs a daprd sidecar that loads it (pod template annotated `dapr.io/enabled: \"true\"`, with a `dapr.io/app-id` among its scopes: invoicing): no consumer is linked through it; scan the apps that use it (a daprd started outside Kubernetes, by docker compose or `dapr run` with `--resources-path`, is not read)"]
    );
    assert!(diagnostics(&s).contains(&"info dapr-component-unused dapr/lock.yaml:12".to_string()));

    // Dapr apps of another namespace do not load it either.
    let items = "    - name: redisHost\n      value: cache:6379\n";
    let s = scan(&[
        ("app.yaml", &dapr_app("web", "api", "true", "")),
        (
            "c.yaml",
            &component("jobs", "cache", "pubsub.redis", items, ""),
        ),
    ]);
    assert!(references(&s).is_empty(), "{:?}", references(&s));
    assert_eq!(diagnostics(&s), ["info dapr-component-unused c.yaml:10"]);
}

#[test]
fn only_apps_with_the_sidecar_enabled_load_components() {
    let items = "    - name: redisHost\n      value: cache:6379\n";
    let s = scan(&[
        (
            "on.yaml",
            &dapr_app("web", "on", "true", "        dapr.io/app-id: on\n"),
        ),
        (
            "off.yaml",
            &dapr_app("web", "off", "false", "        dapr.io/app-id: off\n"),
        ),
        (
            "c.yaml",
            &component("web", "cache", "state.redis", items, ""),
        ),
    ]);
    let consumers: Vec<String> = references(&s)
        .iter()
        .map(|r| r.split(" -> ").next().unwrap().to_string())
        .collect();
    assert_eq!(consumers, ["web/Deployment/on"]);
}

#[test]
fn scopes_name_app_ids_not_workloads() {
    // The app-id is the annotation's; without one (Dapr takes the pod's
    // name, which a Deployment's pods do not share) no scope holds it.
    let items = "    - name: redisHost\n      value: cache:6379\n";
    let s = scan(&[
        (
            "a.yaml",
            &dapr_app("web", "api", "true", "        dapr.io/app-id: storefront\n"),
        ),
        ("b.yaml", &dapr_app("web", "billing", "true", "")),
        (
            "c.yaml",
            &component(
                "web",
                "cache",
                "state.redis",
                items,
                "scopes: [storefront, billing]\n",
            ),
        ),
    ]);
    assert_eq!(
        references(&s),
        ["web/Deployment/api -> cache:6379 tls=no indirect c.yaml:10 | Dapr component web/cache (state.redis) metadata redisHost = cache:6379 (no enableTLS: Dapr connects in plaintext), for the daprd sidecar of app-id storefront (in its scopes)"]
    );
}

#[test]
fn dapr_tls_user_db_and_sentinels() {
    let tls = "    - name: redisHost\n      value: cache:6380\n    - name: enableTLS\n      value: \"true\"\n    - name: redisUsername\n      value: app\n    - name: redisDB\n      value: \"3\"\n";
    let sentinel = "    - name: redisHost\n      value: sentinel-0:26379,sentinel-1:26379\n    - name: failover\n      value: \"true\"\n    - name: sentinelMasterName\n      value: mymaster\n";
    let s = scan(&[
        ("app.yaml", &dapr_app("web", "api", "true", "")),
        ("tls.yaml", &component("web", "tls", "state.redis", tls, "")),
        (
            "sentinel.yaml",
            &component("web", "ha", "pubsub.redis", sentinel, ""),
        ),
    ]);
    let mut endpoints: Vec<String> = s
        .facts
        .iter()
        .filter_map(|f| match f {
            Fact::Reference(r) => Some(format!(
                "{} {:?} tls={} user={:?} db={:?} master={:?}",
                r.endpoint.address(),
                r.endpoint.scheme,
                r.endpoint.tls,
                r.endpoint.user,
                r.endpoint.db,
                r.endpoint.sentinel_master,
            )),
            _ => None,
        })
        .collect();
    endpoints.sort();
    assert_eq!(
        endpoints,
        [
            "cache:6380 Plain tls=yes user=Some(\"app\") db=Some(3) master=None",
            "sentinel-0:26379 Sentinel tls=no user=None db=None master=Some(\"mymaster\")",
            "sentinel-1:26379 Sentinel tls=no user=None db=None master=Some(\"mymaster\")",
        ]
    );
}

#[test]
fn a_redis_host_that_cannot_be_read_points_at_the_namespace() {
    // From a Secret outside the scan: the Redis of the namespace, inferred.
    let items = "    - name: redisHost\n      secretKeyRef: {name: cache-conn, key: host}\n";
    let s = scan(&[
        ("app.yaml", &dapr_app("web", "api", "true", "")),
        (
            "c.yaml",
            &component("web", "cache", "state.redis", items, ""),
        ),
    ]);
    assert!(references(&s).is_empty());
    assert_eq!(
        hints(&s),
        ["web/Deployment/api ~> any redis in ns:web inferred c.yaml:9 | Dapr component web/cache (state.redis) metadata redisHost <- secretKeyRef web/cache-conn key host (not among the scanned objects): a Redis setting whose value could not be read, for the daprd sidecar of web/Deployment/api (no scopes: every Dapr app of web)"]
    );
    // From a Secret in the scan: read there.
    let secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: cache-conn, namespace: web}\nstringData:\n  host: cache.web.svc:6379\n";
    let s = scan(&[
        (
            "app.yaml",
            &dapr_app("web", "api", "true", "        dapr.io/app-id: api\n"),
        ),
        (
            "c.yaml",
            &component("web", "cache", "state.redis", items, ""),
        ),
        ("s.yaml", secret),
    ]);
    assert_eq!(
        references(&s),
        ["web/Deployment/api -> cache.web.svc:6379 tls=no indirect s.yaml:5 | Dapr component web/cache (state.redis) metadata redisHost <- secretKeyRef web/cache-conn key host = cache.web.svc:6379 (no enableTLS: Dapr connects in plaintext), for the daprd sidecar of app-id api (no scopes: every Dapr app of web)"]
    );
}

#[test]
fn localhost_in_a_component_is_the_apps_own_pod() {
    let items = "    - name: redisHost\n      value: localhost:6379\n";
    let with_redis = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: web}
spec:
  template:
    metadata:
      annotations: {dapr.io/enabled: \"true\", dapr.io/app-id: api}
    spec:
      containers:
        - {name: app, image: 'acme/api:1'}
        - {name: cache, image: 'redis:7'}
";
    let s = scan(&[
        ("app.yaml", with_redis),
        ("other.yaml", &dapr_app("web", "other", "true", "")),
        (
            "c.yaml",
            &component("web", "cache", "state.redis", items, ""),
        ),
    ]);
    assert_eq!(
        references(&s),
        ["web/Deployment/api -> localhost:6379 tls=no indirect c.yaml:10 | Dapr component web/cache (state.redis) metadata redisHost = localhost:6379 (no enableTLS: Dapr connects in plaintext), for the daprd sidecar of app-id api (no scopes: every Dapr app of web) (container daprd, to the Redis in its own pod) [network of web/Deployment/api]"]
    );
    assert_eq!(diagnostics(&s), ["info loopback-unlinked c.yaml:10"]);
}

#[test]
fn kustomize_places_components_in_its_namespace() {
    // /tmp/review-cases/cases/dapr-kustomize: the component and the app
    // name no namespace; the kustomization gives them `shop`.
    let s = scan(&[
        (
            "base/kustomization.yaml",
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: shop\nresources:\n  - statestore.yaml\n  - app.yaml\n",
        ),
        (
            "base/statestore.yaml",
            "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: statestore\nspec:\n  type: state.redis\n  metadata:\n  - name: redisHost\n    value: redis:6379\nscopes:\n- api\n",
        ),
        ("base/app.yaml", &dapr_app("default", "api", "true", "        dapr.io/app-id: api\n").replace("namespace: default", "labels: {}")),
    ]);
    assert_eq!(
        references(&s),
        ["shop/Deployment/api -> redis:6379 tls=no indirect base/statestore.yaml:9 | Dapr component shop/statestore (state.redis) metadata redisHost = redis:6379 (no enableTLS: Dapr connects in plaintext), for the daprd sidecar of app-id api (in its scopes)"]
    );
    assert_eq!(
        common::reference_scopes(&s),
        ["shop/Deployment/api in ns:shop"]
    );
}

#[test]
fn a_kustomize_patch_of_a_component_replaces_its_metadata() {
    // A CRD has no merge keys: the overlay's `spec.metadata` list stands
    // in place of the base's, as `kubectl kustomize` renders it.
    let s = scan(&[
        (
            "base/kustomization.yaml",
            "resources:\n  - statestore.yaml\n  - app.yaml\n",
        ),
        (
            "base/statestore.yaml",
            "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: statestore\nspec:\n  type: state.redis\n  metadata:\n  - name: redisHost\n    value: redis-dev:6379\n",
        ),
        ("base/app.yaml", &dapr_app("default", "api", "true", "        dapr.io/app-id: api\n").replace("namespace: default", "labels: {}")),
        (
            "prod/kustomization.yaml",
            "namespace: prod\nresources:\n  - ../base\npatches:\n  - path: statestore.yaml\n",
        ),
        (
            "prod/statestore.yaml",
            "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: statestore\nspec:\n  metadata:\n  - name: redisHost\n    value: redis-prod:6379\n  - name: enableTLS\n    value: \"true\"\n",
        ),
    ]);
    let refs: Vec<String> = references(&s)
        .iter()
        .map(|r| r.split(" | ").next().unwrap().to_string())
        .collect();
    assert_eq!(
        refs,
        ["prod/Deployment/api -> redis-prod:6379 tls=yes indirect prod/statestore.yaml:8"]
    );
}

#[test]
fn only_redis_components_of_dapr_are_read() {
    // A Postgres state store, and a kustomize `Component` (which is no
    // Dapr object, whatever it holds), beside one Redis component.
    let items = "    - name: redisHost\n      value: cache:6379\n";
    let kustomize_component = "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nspec:\n  type: state.redis\n  metadata:\n    - {name: redisHost, value: 'other:6379'}\n";
    let s = scan(&[
        (
            "app.yaml",
            &dapr_app("web", "api", "true", "        dapr.io/app-id: api\n"),
        ),
        (
            "pg.yaml",
            &component("web", "pg", "state.postgresql", items, ""),
        ),
        ("k/kustomization.yaml", kustomize_component),
        (
            "c.yaml",
            &component("web", "cache", "bindings.redis", items, ""),
        ),
    ]);
    let consumers: Vec<String> = references(&s)
        .iter()
        .map(|r| {
            r.split(" | ")
                .nth(1)
                .unwrap()
                .split(" = ")
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        consumers,
        ["Dapr component web/cache (bindings.redis) metadata redisHost"]
    );
    assert!(messages(&s, "dapr-component-unused").is_empty());
}

// KEDA ---------------------------------------------------------------------

#[test]
fn a_scaled_object_with_a_redis_trigger_is_a_consumer() {
    let s = scan_fixture();
    assert!(workloads(&s).contains(&"shop/ScaledObject/worker-scaler".to_string()));
    let scaler = s
        .facts
        .iter()
        .find_map(|f| match f {
            Fact::Workload(w) if w.id.to_string() == "shop/ScaledObject/worker-scaler" => Some(w),
            _ => None,
        })
        .unwrap();
    assert!(scaler.pod_labels.is_empty());
    assert_eq!(
        scaler.labels.get("team").map(String::as_str),
        Some("fulfilment")
    );
    assert_eq!(scaler.defined_at.to_string(), "keda/worker.yaml:46");
    assert_eq!(
        references_of(&s, "shop/ScaledObject/worker-scaler"),
        ["shop/ScaledObject/worker-scaler -> redis.shop.svc.cluster.local:6379 tls=no explicit keda/worker.yaml:58 | KEDA trigger redis of ScaledObject shop/worker-scaler (scales Deployment worker) metadata address = redis.shop.svc.cluster.local:6379 [credential redis.yaml:9]"]
    );
    assert_eq!(
        credentials_of(&s, "shop/ScaledObject/worker-scaler"),
        ["TriggerAuthentication shop/redis-auth parameter password <- secretTargetRef shop/redis key redis-password at redis.yaml:9"]
    );
    // The app it scales is a consumer of its own, as before.
    assert_eq!(
        references_of(&s, "shop/Deployment/worker"),
        ["shop/Deployment/worker -> redis.shop.svc.cluster.local:6379 tls=unknown explicit keda/worker.yaml:25 | env REDIS_ADDR = redis.shop.svc.cluster.local:6379 [credential redis.yaml:9]"]
    );
}

#[test]
fn address_from_env_is_read_in_the_scale_targets_container() {
    let s = scan_fixture();
    assert_eq!(
        references_of(&s, "shop/ScaledObject/events-scaler"),
        ["shop/ScaledObject/events-scaler -> redis:6379 tls=no indirect keda/events.yaml:11 | KEDA trigger redis-streams of ScaledObject shop/events-scaler (scales Deployment events-consumer) addressFromEnv: env REDIS_ADDRESS <- configMapKeyRef shop/events-env key REDIS_ADDRESS (container consumer) = redis:6379 (no enableTLS: KEDA connects in plaintext) [credential redis.yaml:9]"]
    );
    assert_eq!(
        credentials_of(&s, "shop/ScaledObject/events-scaler"),
        ["passwordFromEnv: env REDIS_PASSWORD <- secretKeyRef shop/redis key redis-password (container consumer) at redis.yaml:9"]
    );
    assert_no_secret(&s, &["Planted-Secret-Pw-1", "Planted-Literal-Pw-2"]);
}

#[test]
fn a_short_host_is_looked_up_in_the_keda_operators_namespace() {
    let s = scan_fixture();
    assert_eq!(
        messages(&s, "keda-short-host"),
        ["KEDA trigger redis-streams of ScaledObject shop/events-scaler (scales Deployment events-consumer) addressFromEnv: env REDIS_ADDRESS <- configMapKeyRef shop/events-env key REDIS_ADDRESS (container consumer) = redis:6379: the KEDA operator connects from its own pod and looks `redis` up in its own namespace (keda, unless installed elsewhere), not in shop, where the app finds it; read here as shop's, but write `redis.shop` (or the full name) for KEDA to find it"]
    );
    assert!(diagnostics(&s).contains(&"warning keda-short-host keda/events.yaml:11".to_string()));
    // A name with its namespace is found from anywhere.
    assert!(!messages(&s, "keda-short-host")
        .iter()
        .any(|m| m.contains("worker-scaler")));
}

/// A Deployment `worker` of `jobs` whose container's fields follow (from
/// line 10), and a ScaledObject `scaler` scaling it with `trigger` as its
/// triggers (from line 20: the first metadata key is line 22).
fn scaled(container: &str, trigger: &str) -> String {
    format!(
        "\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: worker, namespace: jobs}}
spec:
  template:
    spec:
      containers:
        - name: worker
          image: acme/worker:1
{container}---
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: scaler
  namespace: jobs
spec:
  scaleTargetRef:
    name: worker
  triggers:
{trigger}"
    )
}

#[test]
fn keda_host_port_tls_and_sentinels() {
    let host_port = "    - type: redis-streams\n      metadata:\n        host: cache.jobs\n        port: \"6380\"\n        enableTLS: \"true\"\n        databaseIndex: \"2\"\n";
    let s = scan(&[("w.yaml", &scaled("", host_port))]);
    let refs: Vec<String> = references(&s)
        .iter()
        .map(|r| r.split(" | ").next().unwrap().to_string())
        .collect();
    assert_eq!(
        refs,
        ["jobs/ScaledObject/scaler -> cache.jobs:6380 db=2 tls=yes explicit w.yaml:22"]
    );
    let cluster = "    - type: redis-cluster\n      metadata:\n        hosts: node-0.jobs,node-1.jobs\n        ports: \"7000,7001\"\n";
    let s = scan(&[("w.yaml", &scaled("", cluster))]);
    let refs: Vec<String> = references(&s)
        .iter()
        .map(|r| r.split(" | ").next().unwrap().to_string())
        .collect();
    assert_eq!(
        refs,
        [
            "jobs/ScaledObject/scaler -> node-0.jobs:7000 tls=no explicit w.yaml:22",
            "jobs/ScaledObject/scaler -> node-1.jobs:7001 tls=no explicit w.yaml:22"
        ]
    );
    let sentinel = "    - type: redis-sentinel\n      metadata:\n        addresses: s-0.jobs:26379, s-1.jobs:26379\n        sentinelMaster: mymaster\n";
    let s = scan(&[("w.yaml", &scaled("", sentinel))]);
    let endpoints: Vec<(String, Scheme, Option<String>)> = s
        .facts
        .iter()
        .filter_map(|f| match f {
            Fact::Reference(r) => Some((
                r.endpoint.address(),
                r.endpoint.scheme,
                r.endpoint.sentinel_master.clone(),
            )),
            _ => None,
        })
        .collect();
    let master = Some("mymaster".to_string());
    assert_eq!(
        endpoints,
        [
            (
                "s-0.jobs:26379".to_string(),
                Scheme::Sentinel,
                master.clone()
            ),
            ("s-1.jobs:26379".to_string(), Scheme::Sentinel, master),
        ]
    );
}

#[test]
fn an_env_keda_cannot_read_is_said() {
    // The target does not set it: KEDA's scaler fails.
    let trigger = "    - type: redis\n      metadata:\n        addressFromEnv: REDIS_HOST\n        listName: jobs\n";
    let s = scan(&[("w.yaml", &scaled("", trigger))]);
    assert!(references(&s).is_empty());
    assert_eq!(
        messages(&s, "keda-env-unset"),
        ["KEDA trigger redis of ScaledObject jobs/scaler (scales Deployment worker) addressFromEnv REDIS_HOST: container worker of jobs/Deployment/worker does not set REDIS_HOST, so KEDA has no address and its scaler fails; set it there, or write the address in the trigger"]
    );
    assert_eq!(diagnostics(&s), ["warning keda-env-unset w.yaml:22"]);

    // From a ConfigMap outside the scan: any Redis of the namespace, inferred.
    let from = "          envFrom: [{configMapRef: {name: redis-env}}]\n";
    let s = scan(&[("w.yaml", &scaled(from, trigger))]);
    assert_eq!(
        hints(&s),
        ["jobs/ScaledObject/scaler ~> any redis in ns:jobs inferred w.yaml:10 | KEDA trigger redis of ScaledObject jobs/scaler (scales Deployment worker) addressFromEnv REDIS_HOST: envFrom configMap jobs/redis-env (not among the scanned objects) may set it (container worker)"]
    );

    // A target outside the scan: the same.
    let s = scan(&[(
        "w.yaml",
        &scaled("", trigger).replace("name: worker\n  triggers", "name: elsewhere\n  triggers"),
    )]);
    assert_eq!(
        hints(&s),
        ["jobs/ScaledObject/scaler ~> any redis in ns:jobs inferred w.yaml:22 | KEDA trigger redis of ScaledObject jobs/scaler (scales Deployment elsewhere) addressFromEnv REDIS_HOST: Deployment jobs/elsewhere is not among the scanned objects"]
    );
}

#[test]
fn a_trigger_without_an_address_is_said() {
    // KEDA refuses it: the scaler is a consumer of nothing, and says so.
    let trigger = "    - type: redis\n      metadata:\n        listName: jobs\n";
    let s = scan(&[("w.yaml", &scaled("", trigger))]);
    assert!(references(&s).is_empty());
    assert_eq!(
        diagnostics(&s),
        ["warning keda-trigger-unresolved w.yaml:20"]
    );
    assert_eq!(
        messages(&s, "keda-trigger-unresolved"),
        ["KEDA trigger redis of ScaledObject jobs/scaler (scales Deployment worker) names no Redis address (`address`, `host` and `port`, or their `FromEnv` forms): KEDA's scaler cannot connect"]
    );
}

#[test]
fn localhost_in_a_trigger_is_the_keda_operators_own() {
    let trigger = "    - type: redis\n      metadata:\n        address: localhost:6379\n        listName: jobs\n";
    let s = scan(&[("w.yaml", &scaled("", trigger))]);
    assert!(references(&s).is_empty());
    assert_eq!(
        messages(&s, "loopback-unlinked"),
        ["KEDA trigger redis of ScaledObject jobs/scaler (scales Deployment worker) metadata address = localhost:6379 names localhost:6379, the KEDA operator's own network (it connects from its own pod, not from the workload it scales): linked to none"]
    );
}

#[test]
fn a_trigger_authentication_outside_the_scan_may_hold_a_password_and_tls() {
    let trigger = "    - type: redis\n      metadata:\n        address: cache.jobs:6379\n        listName: jobs\n      authenticationRef:\n        name: cache-auth\n";
    let s = scan(&[("w.yaml", &scaled("", trigger))]);
    let r = s
        .facts
        .iter()
        .find_map(|f| match f {
            Fact::Reference(r) => Some(r),
            _ => None,
        })
        .unwrap();
    // It may enable TLS: not known.
    assert_eq!(r.endpoint.tls, Tls::Unknown);
    let c = r.credential.as_ref().unwrap();
    assert!(c.suspected);
    assert_eq!(
        c.location,
        "TriggerAuthentication jobs/cache-auth (not among the scanned objects) may hold it"
    );
    // One that enables TLS from a Secret.
    let auth = "apiVersion: keda.sh/v1alpha1\nkind: TriggerAuthentication\nmetadata: {name: cache-auth, namespace: jobs}\nspec:\n  secretTargetRef:\n    - {parameter: tls, name: cache-tls, key: tls}\n    - {parameter: username, name: cache-tls, key: user}\n";
    let secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: cache-tls, namespace: jobs}\nstringData:\n  tls: enable\n  user: scaler\n";
    let s = scan(&[
        ("w.yaml", &scaled("", trigger)),
        ("a.yaml", auth),
        ("s.yaml", secret),
    ]);
    let r = s
        .facts
        .iter()
        .find_map(|f| match f {
            Fact::Reference(r) => Some(r),
            _ => None,
        })
        .unwrap();
    assert_eq!(r.endpoint.tls, Tls::Yes);
    assert_eq!(r.endpoint.user.as_deref(), Some("scaler"));
    assert!(r.credential.is_none());
}

#[test]
fn a_scaled_job_is_a_consumer_too() {
    let job = "\
apiVersion: keda.sh/v1alpha1
kind: ScaledJob
metadata:
  name: reports
  namespace: jobs
spec:
  jobTargetRef:
    template:
      spec:
        containers:
          - name: report
            image: acme/report:1
            env:
              - {name: REDIS_ADDRESS, value: 'cache.jobs:6379'}
  triggers:
    - type: redis
      metadata:
        addressFromEnv: REDIS_ADDRESS
        listName: reports
";
    let s = scan(&[("job.yaml", job)]);
    assert_eq!(workloads(&s), ["jobs/ScaledJob/reports"]);
    assert_eq!(
        references(&s),
        ["jobs/ScaledJob/reports -> cache.jobs:6379 tls=no explicit job.yaml:14 | KEDA trigger redis of ScaledJob jobs/reports (runs the Jobs of its jobTargetRef) addressFromEnv: env REDIS_ADDRESS (container report) = cache.jobs:6379 (no enableTLS: KEDA connects in plaintext)"]
    );
}

#[test]
fn only_redis_triggers_make_a_scaler_a_consumer() {
    let rabbit = "    - type: rabbitmq\n      metadata:\n        host: amqp://guest:guest@rabbit.jobs:5672/\n        queueName: jobs\n";
    let redis = "    - type: redis\n      metadata:\n        address: cache.jobs:6379\n        listName: jobs\n";
    let s = scan(&[
        ("w.yaml", &scaled("", rabbit)),
        (
            "r.yaml",
            &scaled("", redis)
                .replace("name: worker", "name: reporter")
                .replace("name: scaler", "name: reporter-scaler"),
        ),
    ]);
    assert_eq!(
        workloads(&s),
        [
            "jobs/Deployment/reporter",
            "jobs/Deployment/worker",
            "jobs/ScaledObject/reporter-scaler"
        ]
    );
    let consumers: Vec<String> = references(&s)
        .iter()
        .map(|r| r.split(" -> ").next().unwrap().to_string())
        .collect();
    assert_eq!(consumers, ["jobs/ScaledObject/reporter-scaler"]);
}

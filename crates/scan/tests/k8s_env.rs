//! A container's environment as Kubernetes builds it: every `envFrom`
//! source, then every `env` entry, a later definition of a name in place of
//! an earlier one; only the value a name ends with is read.

mod common;

use fallout_scan::k8s::Options;
use fallout_scan::{scan_files, Scanned};

fn scan(list: &[(&str, &str)]) -> Scanned {
    scan_files(&common::files(list), Vec::new(), &Options::default())
}

/// Two Redis Deployments with their Services in `app`: the old one being
/// retired, the new one the consumers moved to.
const REDISES: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: old-redis, namespace: app}
spec:
  selector: {matchLabels: {app: old-redis}}
  template:
    metadata: {labels: {app: old-redis}}
    spec:
      containers: [{name: r, image: 'redis:6'}]
---
apiVersion: v1
kind: Service
metadata: {name: old-redis, namespace: app}
spec: {selector: {app: old-redis}, ports: [{port: 6379}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: new-redis, namespace: app}
spec:
  selector: {matchLabels: {app: new-redis}}
  template:
    metadata: {labels: {app: new-redis}}
    spec:
      containers: [{name: r, image: 'redis:7'}]
---
apiVersion: v1
kind: Service
metadata: {name: new-redis, namespace: app}
spec: {selector: {app: new-redis}, ports: [{port: 6379}]}
";

/// The ConfigMap every app shared before the move (line 5: `REDIS_HOST`).
const LEGACY_ENV: &str = "\
apiVersion: v1
kind: ConfigMap
metadata: {name: legacy-env, namespace: app}
data:
  REDIS_HOST: old-redis
  REDIS_PORT: '6379'
";

/// A Deployment `api` in `app` whose one container's fields go on with
/// `container` (from line 10), indented as a list item's (ten spaces).
fn api(container: &str) -> String {
    format!(
        "\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: api, namespace: app}}
spec:
  template:
    spec:
      containers:
        - name: api
          image: acme/api:1
{container}"
    )
}

/// The references of `api`, with `REDISES` and `LEGACY_ENV` beside it.
fn refs_of(container: &str) -> Vec<String> {
    let api = api(container);
    let s = scan(&[
        ("redis.yaml", REDISES),
        ("legacy.yaml", LEGACY_ENV),
        ("api.yaml", &api),
    ]);
    common::references(&s)
}

/// The migration pattern: a shared ConfigMap keeps the old default and the
/// Deployment overrides it in `env`. Only the `env` value is read; the
/// ConfigMap's is no reference (it was one, beside the new one).
#[test]
fn env_overrides_a_config_map_of_env_from() {
    let refs = refs_of(
        "          envFrom: [{configMapRef: {name: legacy-env}}]
          env:
            - {name: REDIS_HOST, value: new-redis}
",
    );
    assert_eq!(
        refs,
        ["app/Deployment/api -> new-redis:6379 tls=unknown explicit api.yaml:12 | env REDIS_HOST + REDIS_PORT = new-redis:6379"]
    );
}

/// Two `env` entries of one name: the later one is the value.
#[test]
fn a_later_env_entry_of_the_same_name_wins() {
    let refs = refs_of(
        "          env:
            - {name: REDIS_HOST, value: old-redis}
            - {name: REDIS_HOST, value: new-redis}
",
    );
    assert_eq!(
        refs,
        ["app/Deployment/api -> new-redis:6379 tls=unknown explicit api.yaml:12 | env REDIS_HOST = new-redis"]
    );
}

/// A later `envFrom` source replaces an earlier one's key, its `prefix`
/// part of the name: `REDIS_` + `HOST` replaces the legacy `REDIS_HOST`.
#[test]
fn a_later_env_from_source_wins_with_its_prefix() {
    let moved = "\
apiVersion: v1
kind: ConfigMap
metadata: {name: moved, namespace: app}
data:
  HOST: new-redis
";
    let api = api("          envFrom:
            - configMapRef: {name: legacy-env}
            - {prefix: REDIS_, configMapRef: {name: moved}}
");
    let s = scan(&[
        ("redis.yaml", REDISES),
        ("legacy.yaml", LEGACY_ENV),
        ("moved.yaml", moved),
        ("api.yaml", &api),
    ]);
    assert_eq!(
        common::references(&s),
        ["app/Deployment/api -> new-redis:6379 tls=unknown indirect moved.yaml:5 | env REDIS_HOST <- envFrom configMap app/moved + REDIS_PORT = new-redis:6379"]
    );
}

/// `$(VAR)` sees what was defined before it, as it stood then: the URL
/// written before the override holds the ConfigMap's host (Kubernetes
/// expands it so), the one after and the args hold the `env` one.
#[test]
fn variables_expand_to_the_value_defined_before_them() {
    let refs = refs_of(
        "          args: ['--cache=$(REDIS_HOST):6379']
          envFrom: [{configMapRef: {name: legacy-env}}]
          env:
            - {name: SESSION_REDIS_URL, value: 'redis://$(REDIS_HOST):6379/0'}
            - {name: REDIS_HOST, value: new-redis}
            - {name: CACHE_REDIS_URL, value: 'redis://$(REDIS_HOST):6379/1'}
",
    );
    assert_eq!(
        refs,
        [
            "app/Deployment/api -> new-redis:6379 db=1 tls=no explicit api.yaml:15 | env CACHE_REDIS_URL = redis://new-redis:6379/1",
            "app/Deployment/api -> new-redis:6379 tls=unknown explicit api.yaml:10 | args --cache = new-redis:6379",
            "app/Deployment/api -> new-redis:6379 tls=unknown explicit api.yaml:14 | env REDIS_HOST + REDIS_PORT = new-redis:6379",
            // its host is the ConfigMap's: as indirect as that, and named
            "app/Deployment/api -> old-redis:6379 db=0 tls=no indirect api.yaml:13 | env SESSION_REDIS_URL (with env REDIS_HOST <- envFrom configMap app/legacy-env) = redis://old-redis:6379/0",
        ]
    );
}

/// Host from the ConfigMap, port overridden in `env`: the pair is made of
/// the values that stand, not the ConfigMap's port.
#[test]
fn a_split_host_and_port_pair_from_the_values_that_stand() {
    let refs = refs_of(
        "          envFrom: [{configMapRef: {name: legacy-env}}]
          env:
            - {name: REDIS_PORT, value: '6380'}
",
    );
    assert_eq!(
        refs,
        ["app/Deployment/api -> old-redis:6380 tls=unknown indirect legacy.yaml:5 | env REDIS_HOST <- envFrom configMap app/legacy-env + REDIS_PORT = old-redis:6380"]
    );
}

/// Overridden from a Secret outside the scan: the ConfigMap's host is not
/// read as the address; what stands is a Redis setting whose value is
/// unknown, an inferred hint at the Redis of the namespace.
#[test]
fn an_override_the_scan_cannot_read_leaves_no_old_value() {
    let api = api("          envFrom: [{configMapRef: {name: legacy-env}}]
          env:
            - name: REDIS_HOST
              valueFrom: {secretKeyRef: {name: redis-conn, key: host}}
");
    let s = scan(&[
        ("redis.yaml", REDISES),
        ("legacy.yaml", LEGACY_ENV),
        ("api.yaml", &api),
    ]);
    assert_eq!(common::references(&s), Vec::<String>::new());
    assert_eq!(
        common::hints(&s),
        ["app/Deployment/api ~> any redis in ns:app inferred api.yaml:12 | env REDIS_HOST <- secretKeyRef app/redis-conn key host (not among the scanned objects): a Redis setting whose value could not be read"]
    );
}

/// Overridden with what only the running pod knows (`status.hostIP`, a
/// node-local Redis) or with nothing (no `value`): the old host is gone.
#[test]
fn an_override_known_only_at_run_time_leaves_no_old_value() {
    for entry in [
        "{name: REDIS_HOST, valueFrom: {fieldRef: {fieldPath: status.hostIP}}}",
        "{name: REDIS_HOST}",
    ] {
        let refs = refs_of(&format!(
            "          envFrom: [{{configMapRef: {{name: legacy-env}}}}]
          env:
            - {entry}
"
        ));
        assert_eq!(refs, Vec::<String>::new(), "{entry}");
    }
}

/// An `optional` key its ConfigMap lacks sets nothing (the kubelet skips
/// the entry): what `envFrom` gave stands.
#[test]
fn an_optional_key_not_there_leaves_the_earlier_value() {
    let refs = refs_of(
        "          envFrom: [{configMapRef: {name: legacy-env}}]
          env:
            - name: REDIS_HOST
              valueFrom: {configMapKeyRef: {name: legacy-env, key: NEW_HOST, optional: true}}
",
    );
    assert_eq!(
        refs,
        ["app/Deployment/api -> old-redis:6379 tls=unknown indirect legacy.yaml:5 | env REDIS_HOST <- envFrom configMap app/legacy-env + REDIS_PORT = old-redis:6379"]
    );
}

/// `api` as a base with `LEGACY_ENV` and the Redises, and a kustomization
/// beside it that patches its container with `patch` (the `api` container's
/// fields, indented by ten spaces; the patch file's line 9 is the first).
fn patched(base_container: &str, patch: &str) -> Scanned {
    let base = api(base_container);
    let patch = format!(
        "\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: api, namespace: app}}
spec:
  template:
    spec:
      containers:
        - name: api
{patch}"
    );
    scan(&[
        (
            "kustomization.yaml",
            "resources: [redis.yaml, legacy.yaml, api.yaml]\npatches:\n  - path: patch.yaml\n",
        ),
        ("redis.yaml", REDISES),
        ("legacy.yaml", LEGACY_ENV),
        ("api.yaml", &base),
        ("patch.yaml", &patch),
    ])
}

/// An overlay's patch sets `REDIS_HOST` where the base reads the legacy
/// ConfigMap: `kubectl apply -k` gives the patch's value; the ConfigMap's
/// is no reference.
#[test]
fn a_patch_env_overrides_the_base_env_from() {
    let s = patched(
        "          envFrom: [{configMapRef: {name: legacy-env}}]\n",
        "          env: [{name: REDIS_HOST, value: new-redis}]\n",
    );
    assert_eq!(
        common::references(&s),
        ["app/Deployment/api -> new-redis:6379 tls=unknown explicit patch.yaml:9 | env REDIS_HOST + REDIS_PORT = new-redis:6379"]
    );
}

/// The base's host and a patch's port are one container's variables: they
/// pair, and the base's port is replaced (by name, in its place).
#[test]
fn a_patch_port_pairs_with_the_base_host() {
    let s = patched(
        "          env:
            - {name: REDIS_HOST, value: new-redis}
            - {name: REDIS_PORT, value: '6379'}
",
        "          env: [{name: REDIS_PORT, value: '6380'}]\n",
    );
    assert_eq!(
        common::references(&s),
        ["app/Deployment/api -> new-redis:6380 tls=unknown explicit api.yaml:11 | env REDIS_HOST + REDIS_PORT = new-redis:6380"]
    );
}

/// A patch's `envFrom` replaces the base's list, and the base's `env`
/// still overrides what it brings.
#[test]
fn a_patch_env_from_yields_to_the_base_env() {
    let s = patched(
        "          env: [{name: REDIS_HOST, value: new-redis}]\n",
        "          envFrom: [{configMapRef: {name: legacy-env}}]\n",
    );
    assert_eq!(
        common::references(&s),
        ["app/Deployment/api -> new-redis:6379 tls=unknown explicit api.yaml:10 | env REDIS_HOST + REDIS_PORT = new-redis:6379"]
    );
}

/// A patch that writes `args` with `$(VAR)` and sets the variable: the
/// args expand against the merged container's environment (the patch's
/// `REDIS_HOST` over the base ConfigMap's), as `kubectl apply -k` renders.
#[test]
fn a_patch_args_expand_against_the_merged_environment() {
    let s = patched(
        "          envFrom: [{configMapRef: {name: legacy-env}}]\n",
        "          args: ['--cache=$(REDIS_HOST):$(REDIS_PORT)']
          env: [{name: REDIS_HOST, value: new-redis}]
",
    );
    // (The flag's strength is not weighed against the merged variables,
    // which the patch's own reading does not see: the address and line are
    // what this pins.)
    let refs: Vec<String> = common::references(&s)
        .iter()
        .map(|r| r.replace(" explicit ", " ").replace(" indirect ", " "))
        .collect();
    assert_eq!(
        refs,
        [
            "app/Deployment/api -> new-redis:6379 tls=unknown patch.yaml:10 | env REDIS_HOST + REDIS_PORT = new-redis:6379",
            "app/Deployment/api -> new-redis:6379 tls=unknown patch.yaml:9 | args --cache = new-redis:6379",
        ]
    );
}

/// The namespace's shared ConfigMap (line 5: `REDIS_URL`), given by
/// `envFrom` to the apps and, as often, to the database too.
const SHARED_ENV: &str = "\
apiVersion: v1
kind: ConfigMap
metadata: {name: shared-env, namespace: app}
data:
  REDIS_URL: redis://new-redis:6379/0
  DATABASE_HOST: postgres
";

/// A StatefulSet `postgres` in `app` whose one container runs `image`, fed
/// `shared-env` by `envFrom`, its fields going on with `more`.
fn postgres(image: &str, more: &str) -> String {
    format!(
        "\
apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: postgres, namespace: app}}
spec:
  template:
    spec:
      containers:
        - name: db
          image: {image}
          envFrom: [{{configMapRef: {{name: shared-env}}}}]
{more}"
    )
}

fn notes(s: &Scanned) -> Vec<&fallout_core::Diagnostic> {
    s.diagnostics
        .iter()
        .filter(|d| d.code == "not-a-consumer")
        .collect()
}

/// A Postgres StatefulSet given the apps' ConfigMap, which holds
/// `REDIS_URL`: Postgres reads no Redis settings, so it is no consumer (it
/// broke under every change), and a note at the ConfigMap's line says why it
/// is left out. The app given the same ConfigMap still is one. (As compose's
/// `a_database_sharing_the_apps_env_file_is_not_a_consumer`.)
#[test]
fn a_database_given_the_apps_config_map_is_not_a_consumer() {
    let db = postgres("postgres:16", "");
    let api = api("          envFrom: [{configMapRef: {name: shared-env}}]\n");
    let s = scan(&[
        ("redis.yaml", REDISES),
        ("shared.yaml", SHARED_ENV),
        ("postgres.yaml", &db),
        ("api.yaml", &api),
    ]);
    assert_eq!(
        common::references(&s),
        ["app/Deployment/api -> new-redis:6379 db=0 tls=no indirect shared.yaml:5 | env REDIS_URL <- envFrom configMap app/shared-env = redis://new-redis:6379/0"]
    );
    assert!(common::workloads(&s).contains(&"app/StatefulSet/postgres".to_string()));
    let notes = notes(&s);
    assert_eq!(notes.len(), 1, "{:#?}", s.diagnostics);
    assert_eq!(
        (notes[0].path.as_deref(), notes[0].line),
        (Some("shared.yaml"), Some(5))
    );
    assert!(
        notes[0]
            .message
            .starts_with("container db of app/StatefulSet/postgres runs postgres:16, a server that reads no Redis settings"),
        "{}",
        notes[0].message
    );
}

/// Bitnami's and MySQL's images are read like the official Postgres one,
/// with a registry and a digest.
#[test]
fn other_database_images_are_not_consumers_either() {
    for image in [
        "docker.io/bitnami/postgresql:16.2.0",
        "mysql:8@sha256:abc",
        "registry.example.com/mirror/mariadb:11",
    ] {
        let db = postgres(image, "");
        let s = scan(&[("shared.yaml", SHARED_ENV), ("postgres.yaml", &db)]);
        assert_eq!(common::references(&s), Vec::<String>::new(), "{image}");
        assert_eq!(notes(&s).len(), 1, "{image}: {:#?}", s.diagnostics);
    }
}

/// An app container beside a Postgres container in one pod, both given the
/// ConfigMap: the app's `REDIS_URL` is a use of Redis (the workload is a
/// consumer), the database's is not (no second reference, a note naming
/// the container).
#[test]
fn an_app_beside_a_database_in_one_pod_is_still_a_consumer() {
    let pod = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: app}
spec:
  template:
    spec:
      containers:
        - name: db
          image: bitnami/postgresql:16
          envFrom: [{configMapRef: {name: shared-env}}]
        - name: api
          image: acme/api:1
          envFrom: [{configMapRef: {name: shared-env}}]
";
    let s = scan(&[
        ("redis.yaml", REDISES),
        ("shared.yaml", SHARED_ENV),
        ("api.yaml", pod),
    ]);
    assert_eq!(
        common::references(&s),
        ["app/Deployment/api -> new-redis:6379 db=0 tls=no indirect shared.yaml:5 | env REDIS_URL <- envFrom configMap app/shared-env = redis://new-redis:6379/0"]
    );
    let notes = notes(&s);
    assert_eq!(notes.len(), 1, "{:#?}", s.diagnostics);
    assert!(
        notes[0]
            .message
            .starts_with("container db of app/Deployment/api runs bitnami/postgresql:16"),
        "{}",
        notes[0].message
    );
}

/// The database's own args and mounted files are written for it alone, as
/// a compose service's command is: a Redis address there stays evidence
/// (Postgres's `redis_fdw` does reach a Redis); only the shared environment
/// is not read.
#[test]
fn a_databases_own_args_still_name_its_redis() {
    let db = postgres(
        "postgres:16",
        "          args: ['--fdw-redis=redis://old-redis:6379']\n",
    );
    let s = scan(&[
        ("redis.yaml", REDISES),
        ("shared.yaml", SHARED_ENV),
        ("postgres.yaml", &db),
    ]);
    assert_eq!(
        common::references(&s),
        ["app/StatefulSet/postgres -> old-redis:6379 tls=no explicit postgres.yaml:11 | args --fdw-redis = redis://old-redis:6379"]
    );
    assert_eq!(notes(&s).len(), 1, "{:#?}", s.diagnostics);
}

/// A Redis container given the shared ConfigMap is a server, not another
/// datastore: the rule leaves it as it was, its `REDIS_URL` to another
/// Redis read (a replica's primary), and no note.
#[test]
fn a_redis_given_the_apps_config_map_is_no_other_datastore() {
    let redis = postgres("redis:7", "").replace("name: postgres", "name: cache");
    let s = scan(&[
        ("redis.yaml", REDISES),
        ("shared.yaml", SHARED_ENV),
        ("cache.yaml", &redis),
    ]);
    assert!(notes(&s).is_empty(), "{:#?}", s.diagnostics);
    assert_eq!(
        common::references(&s),
        ["app/StatefulSet/cache -> new-redis:6379 db=0 tls=no indirect shared.yaml:5 | env REDIS_URL <- envFrom configMap app/shared-env = redis://new-redis:6379/0"]
    );
    assert!(
        common::servers(&s)
            .iter()
            .any(|x| x.starts_with("app/StatefulSet/cache ")),
        "{:#?}",
        common::servers(&s)
    );
}

/// A database whose environment only speaks of a Redis (`REDIS_PASSWORD`
/// beside an `envFrom` ConfigMap outside the scan) was an inferred consumer
/// of any Redis in its namespace: that hint is its environment's too, and
/// goes, the note placed at it.
#[test]
fn a_database_whose_environment_only_hints_at_a_redis_is_not_a_consumer() {
    let db = postgres(
        "postgres:16",
        "          env: [{name: REDIS_PASSWORD, valueFrom: {secretKeyRef: {name: elsewhere, key: password}}}]\n",
    )
    .replace("name: shared-env", "name: not-scanned");
    let s = scan(&[("redis.yaml", REDISES), ("postgres.yaml", &db)]);
    assert_eq!(common::hints(&s), Vec::<String>::new());
    let notes = notes(&s);
    assert_eq!(notes.len(), 1, "{:#?}", s.diagnostics);
    assert_eq!(
        (notes[0].path.as_deref(), notes[0].line),
        (Some("postgres.yaml"), Some(10))
    );
}

//! Defects found by reviewers on scenarios the fixtures did not cover, one
//! test each, through the binary.

use crate::support::{consumers, fallout, ids, json, resource, tree};

/// The first diagnostic with this code, or a failure showing the document.
fn diagnostic<'d>(doc: &'d serde_json::Value, code: &str) -> &'d serde_json::Value {
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {doc:#}"))
}

/// The codes of every diagnostic, in order.
fn diagnostic_codes(doc: &serde_json::Value) -> Vec<&str> {
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect()
}

#[test]
fn cluster_peers_named_pod_dot_headless_resolve_in_their_namespace() {
    let dir = tree(&[(
        "rc.yaml",
        "apiVersion: v1\nkind: Service\nmetadata: {name: rc-headless, namespace: cache}\nspec: {clusterIP: None, ports: [{port: 6379}], selector: {app: rc}}\n---\n\
apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: rc, namespace: cache}\nspec:\n  template:\n    metadata: {labels: {app: rc}}\n    spec:\n      containers:\n        - name: redis\n          image: bitnami/redis-cluster:7.2\n          env: [{name: REDIS_NODES, value: 'rc-0.rc-headless rc-1.rc-headless'}]\n---\n\
apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app, namespace: cache}\nspec:\n  template:\n    spec:\n      containers: [{name: a, image: x/a, env: [{name: REDIS_HOST, value: rc-0.rc-headless}]}]\n",
    )]);
    let doc = json(&["scan", dir.path().to_str().unwrap()]);
    assert_eq!(
        ids(&doc),
        ["cache/rc"],
        "no external `rc-0.rc-headless`: {doc:#}"
    );
    let rc = resource(&doc, "cache/rc");
    assert_eq!(
        consumers(rc, "id").len(),
        1,
        "the app; the cluster's own peers are not consumers"
    );
}

#[test]
fn per_pod_services_select_a_statefulset_pod() {
    let dir = tree(&[(
        "ha.yaml",
        "apiVersion: v1\nkind: Service\nmetadata: {name: ha-announce-0, namespace: argocd}\nspec:\n  ports: [{port: 6379, targetPort: 6379}]\n  selector: {app: redis-ha, statefulset.kubernetes.io/pod-name: ha-server-0}\n---\n\
apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: ha-server, namespace: argocd}\nspec:\n  template:\n    metadata: {labels: {app: redis-ha}}\n    spec: {containers: [{name: redis, image: 'redis:7.0'}]}\n---\n\
apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: haproxy, namespace: argocd}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: x/app, env: [{name: REDIS_URL, value: 'redis://ha-announce-0:6379'}]}]\n",
    )]);
    let doc = json(&["scan", dir.path().to_str().unwrap()]);
    assert_eq!(ids(&doc), ["argocd/ha-server"], "{doc:#}");
    assert_eq!(consumers(resource(&doc, "argocd/ha-server"), "id").len(), 1);
}

#[test]
fn a_redis_image_running_redis_cli_is_a_consumer_with_tls_user_and_password() {
    let dir = tree(&[(
        "warmer.yaml",
        "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: warmer, namespace: web}\nspec:\n  schedule: '*/5 * * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n            - name: c\n              image: redis:7.2\n              command: [redis-cli, --tls, -h, prod.abc123.cache.amazonaws.com, -p, '6379', --user, app, --pass, PlantedX, PING]\n",
    )]);
    let path = dir.path().to_str().unwrap();
    let doc = json(&[
        "impact",
        "prod.abc123.cache.amazonaws.com",
        path,
        "--set",
        "acl-user-removed=app",
    ]);
    assert_eq!(
        ids(&doc),
        ["prod.abc123.cache.amazonaws.com"],
        "not a server: {doc:#}"
    );
    let r = resource(&doc, "prod.abc123.cache.amazonaws.com");
    assert_eq!(
        consumers(r, "tls"),
        [("web/CronJob/warmer".to_string(), "yes".to_string())]
    );
    assert_eq!(
        consumers(r, "verdict"),
        [("web/CronJob/warmer".to_string(), "breaks".to_string())]
    );
    let auth = json(&[
        "impact",
        "prod.abc123.cache.amazonaws.com",
        path,
        "--set",
        "auth=required",
    ]);
    assert_eq!(
        consumers(&auth["resources"][0], "verdict")[0].1,
        "ok",
        "it has a password"
    );
    assert!(!fallout(&["scan", path, "--format", "json"])
        .stdout
        .contains("PlantedX"));
}

#[test]
fn passwords_pair_with_sentinel_hosts_and_nextcloud_spellings() {
    let dir = tree(&[(
        "apps.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: redis, namespace: c}\nspec:\n  template:\n    metadata: {labels: {app: redis}}\n    spec: {containers: [{name: r, image: 'redis:7'}]}\n---\n\
apiVersion: v1\nkind: Service\nmetadata: {name: redis, namespace: c}\nspec: {selector: {app: redis}, ports: [{port: 6390}]}\n---\n\
apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: nextcloud, namespace: c}\nspec:\n  template:\n    spec:\n      containers:\n        - name: n\n          image: nextcloud\n          env:\n            - {name: REDIS_HOST, value: redis}\n            - {name: REDIS_HOST_PORT, value: '6390'}\n            - name: REDIS_HOST_PASSWORD\n              valueFrom: {secretKeyRef: {name: nc, key: password}}\n---\n\
apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: inventory, namespace: c}\nspec:\n  template:\n    spec:\n      containers:\n        - name: i\n          image: x/i\n          env:\n            - {name: REDIS_SENTINEL_HOSTS, value: 'redis:6390'}\n            - name: REDIS_PASSWORD\n              valueFrom: {secretKeyRef: {name: inv, key: password}}\n",
    )]);
    let doc = json(&[
        "impact",
        "redis.c",
        dir.path().to_str().unwrap(),
        "--set",
        "auth=required",
    ]);
    let r = resource(&doc, "c/redis");
    assert_eq!(
        consumers(r, "verdict"),
        [
            ("c/Deployment/inventory".to_string(), "ok".to_string()),
            ("c/Deployment/nextcloud".to_string(), "ok".to_string())
        ],
        "both hold a password: {r:#}"
    );
    let nc = r["consumers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "nextcloud")
        .unwrap();
    assert_eq!(
        nc["via"][0], "redis:6390",
        "REDIS_HOST_PORT pairs with REDIS_HOST"
    );
}

/// A Service with a data and a sentinel port named after container ports,
/// the Redis with its sentinel, and a consumer through `redis+sentinel://`.
const SENTINEL_SCENARIO: &str = "apiVersion: v1\nkind: Service\nmetadata: {name: redis, namespace: cache}\nspec:\n  ports:\n    - {name: tcp-redis, port: 6379, targetPort: redis}\n    - {name: tcp-sentinel, port: 26379, targetPort: redis-sentinel}\n  selector: {app: redis}\n---\n\
apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: redis-node, namespace: cache}\nspec:\n  template:\n    metadata: {labels: {app: redis}}\n    spec:\n      containers:\n        - {name: redis, image: 'bitnami/redis:7.2', ports: [{name: redis, containerPort: 6379}]}\n        - {name: sentinel, image: 'bitnami/redis-sentinel:7.2', ports: [{name: redis-sentinel, containerPort: 26379}]}\n---\n\
apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: orders, namespace: api}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: x/o, env: [{name: REDIS_URL, value: 'redis+sentinel://redis.cache:26379/mymaster'}]}]\n";

#[test]
fn a_named_target_port_is_the_container_port_of_that_name() {
    let dir = tree(&[("s.yaml", SENTINEL_SCENARIO)]);
    let doc = json(&[
        "impact",
        "redis.cache",
        dir.path().to_str().unwrap(),
        "--set",
        "port=6390",
    ]);
    let orders = &resource(&doc, "cache/redis-node")["consumers"][0];
    assert_eq!(orders["links"][0]["server_port"], 26379, "{orders:#}");
    assert_eq!(orders["verdict"], "ok", "sentinel announces the new port");
    let reason = orders["reasons"][0].as_str().unwrap();
    assert!(
        reason.starts_with("asks Sentinel on port 26379 at ")
            && reason.ends_with("which announces the new port"),
        "{reason}"
    );
}

#[test]
fn tls_advice_for_a_sentinel_link_keeps_the_sentinel_scheme() {
    let dir = tree(&[("s.yaml", SENTINEL_SCENARIO)]);
    let doc = json(&[
        "impact",
        "redis.cache",
        dir.path().to_str().unwrap(),
        "--set",
        "tls=required",
    ]);
    let orders = &resource(&doc, "cache/redis-node")["consumers"][0];
    assert_eq!(orders["verdict"], "breaks", "{orders:#}");
    let why = orders["reasons"][0].as_str().unwrap();
    assert!(
        why.contains("switch to rediss+sentinel://redis.cache:<sentinel TLS port>"),
        "{why}"
    );
    assert!(!why.contains("switch to rediss://"), "{why}");
}

#[test]
fn a_port_change_cites_the_line_where_the_port_is_written() {
    // A Redis outside the scan (managed), reached directly: a port change
    // means editing the consumer, on the line where its port is written.
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: split, namespace: api}\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          image: x/split\n          env:\n            - name: REDIS_HOST\n              value: sessions.abc123.cache.amazonaws.com\n            - name: LOG_LEVEL\n              value: info\n            - name: REDIS_PORT\n              value: '6379'\n---\n\
apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: bare, namespace: api}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: x/bare, env: [{name: REDIS_HOST, value: sessions.abc123.cache.amazonaws.com}]}]\n";
    let line_of = |needle: &str| 1 + text.lines().position(|l| l.contains(needle)).unwrap();
    let (host_line, port_line) = (line_of("value: sessions"), line_of("value: '6379'"));
    assert_ne!(host_line, port_line);
    let dir = tree(&[("s.yaml", text)]);
    let path = dir.path().to_str().unwrap();
    let doc = json(&[
        "impact",
        "sessions.abc123.cache.amazonaws.com",
        path,
        "--set",
        "port=6390",
    ]);
    let res = &doc["resources"][0];
    let reason = |id: &str| -> String {
        let c = res["consumers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("{id} in {res:#}"));
        assert_eq!(c["verdict"], "breaks", "{c:#}");
        c["reasons"][0].as_str().unwrap().to_string()
    };
    let split = reason("api/Deployment/split");
    assert!(split.starts_with("names port 6379 at "), "{split}");
    assert!(
        split.ends_with(&format!("s.yaml:{port_line}; change to 6390")),
        "{split} (the port is on line {port_line}, the host on {host_line})"
    );
    let bare = reason("api/Deployment/bare");
    assert!(
        bare.starts_with("uses the default port 6379 (none written) at "),
        "{bare}"
    );
    assert!(bare.ends_with("; set port 6390"), "{bare}");
}

#[test]
fn kustomizations_are_said_their_namespace_applies_and_own_reports_are_not_scanned() {
    let dir = tree(&[
        ("cache/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: cache\nresources: [redis.yaml]\n"),
        ("cache/redis.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: redis}\nspec:\n  template:\n    spec: {containers: [{name: r, image: 'redis:7'}]}\n"),
    ]);
    let path = dir.path().to_str().unwrap();
    let run = fallout(&["scan", path, "--format", "json"]);
    // What the scan applies goes unsaid: no note per kustomization.
    assert!(!run.stdout.contains("\"kustomize"), "{}", run.stdout);
    std::fs::write(dir.path().join("report.json"), &run.stdout).unwrap();
    let again = json(&["scan", path]);
    assert_eq!(
        ids(&again),
        ["cache/redis"],
        "the kustomization's namespace applies; the saved report is not an app config: {again:#}"
    );
}

#[test]
fn a_secret_outside_the_scan_feeding_env_makes_auth_at_risk_not_a_certainty() {
    let dir = tree(&[(
        "apps.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: redis, namespace: cache}\nspec:\n  template:\n    metadata: {labels: {app: redis}}\n    spec: {containers: [{name: r, image: 'redis:7'}]}\n---\n\
apiVersion: v1\nkind: Service\nmetadata: {name: redis, namespace: cache}\nspec: {selector: {app: redis}, ports: [{port: 6379}]}\n---\n\
apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: sealed, namespace: web}\nspec:\n  template:\n    spec:\n      containers:\n        - name: s\n          image: x/s\n          envFrom: [{secretRef: {name: app-secrets}}]\n          env: [{name: REDIS_URL, value: 'redis://redis.cache:6379'}]\n---\n\
apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: bare, namespace: web}\nspec:\n  template:\n    spec:\n      containers: [{name: b, image: x/b, env: [{name: REDIS_URL, value: 'redis://redis.cache:6379'}]}]\n",
    )]);
    let doc = json(&[
        "impact",
        "redis.cache",
        dir.path().to_str().unwrap(),
        "--set",
        "auth=required",
    ]);
    assert_eq!(
        consumers(resource(&doc, "cache/redis"), "verdict"),
        [
            ("web/Deployment/bare".to_string(), "breaks".to_string()),
            ("web/Deployment/sealed".to_string(), "at-risk".to_string())
        ]
    );
}

/// A Redis StatefulSet and Service in namespace `data`, shared by the
/// tests below.
const DATA_REDIS: &str = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: redis-master, namespace: data}\nspec:\n  template:\n    metadata: {labels: {app: redis}}\n    spec: {containers: [{name: redis, image: 'redis:7.2'}]}\n---\n\
apiVersion: v1\nkind: Service\nmetadata: {name: redis-master, namespace: data}\nspec: {selector: {app: redis}, ports: [{port: 6379}]}\n";

/// Kubernetes leaves a `$(VAR)` it cannot expand as written: a URL whose
/// password comes from a Secret outside the scan still names its Redis.
#[test]
fn a_url_with_an_unexpanded_password_still_names_its_redis() {
    let dir = tree(&[
        ("redis.yaml", DATA_REDIS),
        (
            "app.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app, namespace: web}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: acme/app\n          env:\n            - name: REDIS_PASSWORD\n              valueFrom: {secretKeyRef: {name: not-here, key: password}}\n            - name: REDIS_URL\n              value: 'redis://:$(REDIS_PASSWORD)@redis-master.data.svc.cluster.local:6379/0'\n",
        ),
    ]);
    let run = fallout(&["scan", dir.path().to_str().unwrap(), "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        consumers(resource(&doc, "data/redis-master"), "id"),
        [(
            "web/Deployment/app".to_string(),
            "web/Deployment/app".to_string()
        )],
        "{doc:#}"
    );
    assert!(
        !run.stdout.contains("$(REDIS_PASSWORD)@"),
        "the password part is redacted"
    );
}

/// A Redis setting whose value lives in an object outside the scan, with no
/// Redis in the consumer's namespace to pin it on, is said, not dropped.
#[test]
fn an_unreadable_redis_setting_with_no_redis_in_reach_is_a_warning() {
    let dir = tree(&[
        ("redis.yaml", DATA_REDIS),
        (
            "app.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app, namespace: web}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: acme/app\n          env:\n            - name: REDIS_URL\n              valueFrom: {secretKeyRef: {name: redis-creds, key: url}}\n",
        ),
    ]);
    let doc = json(&["scan", dir.path().to_str().unwrap()]);
    let warning = diagnostic(&doc, "redis-unattributed");
    assert_eq!(warning["severity"], "warning");
    assert_eq!(warning["line"], 11, "{warning}");
    let message = warning["message"].as_str().unwrap();
    assert!(
        message.starts_with("web/Deployment/app may use a Redis"),
        "{message}"
    );
    assert!(message.contains("web/redis-creds key url"), "{message}");
}

/// `host:port` of a known Redis under a key that is no address word
/// (`SESSION_STORE`, `BROKER`) is a reference; the same shape naming a host
/// that is no known Redis (`api.web:8080`) is not.
#[test]
fn host_port_of_a_known_redis_under_any_key_is_a_reference() {
    let dir = tree(&[
        ("redis.yaml", DATA_REDIS),
        (
            "app.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app, namespace: web}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: acme/app\n          env:\n            - {name: SESSION_STORE, value: 'redis-master.data:6379'}\n            - {name: UPSTREAM, value: 'api.web:8080'}\n",
        ),
    ]);
    let doc = json(&["scan", dir.path().to_str().unwrap()]);
    assert_eq!(
        ids(&doc),
        ["data/redis-master"],
        "no external api.web: {doc:#}"
    );
    let redis = resource(&doc, "data/redis-master");
    assert_eq!(
        consumers(redis, "strength"),
        [("web/Deployment/app".to_string(), "explicit".to_string())]
    );
    let evidence = &redis["consumers"][0]["evidence"][0];
    assert_eq!(evidence["line"], 11, "{evidence}");
    assert_eq!(
        evidence["detail"],
        "env SESSION_STORE = redis-master.data:6379"
    );
}

/// A custom image whose command starts `redis-server` runs a Redis: its
/// Service's short name is that Redis, not an external host.
#[test]
fn a_custom_image_running_redis_server_is_a_redis() {
    let dir = tree(&[(
        "geo.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: geo-cache, namespace: edge}\nspec:\n  template:\n    metadata: {labels: {app: geo-cache}}\n    spec:\n      containers:\n        - name: cache\n          image: ghcr.io/acme/cache-server:1.0\n          command: [\"/usr/local/bin/redis-server\", \"--port\", \"6390\"]\n---\n\
apiVersion: v1\nkind: Service\nmetadata: {name: geo-cache, namespace: edge}\nspec: {selector: {app: geo-cache}, ports: [{port: 6390}]}\n---\n\
apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: edge}\nspec:\n  template:\n    spec:\n      containers: [{name: api, image: acme/api, env: [{name: GEO_REDIS_HOST, value: geo-cache}, {name: GEO_REDIS_PORT, value: '6390'}]}]\n",
    )]);
    let doc = json(&["scan", dir.path().to_str().unwrap()]);
    assert_eq!(ids(&doc), ["edge/geo-cache"], "{doc:#}");
    let geo = resource(&doc, "edge/geo-cache");
    assert_eq!(geo["port"], 6390);
    assert_eq!(consumers(geo, "id").len(), 1, "{geo:#}");
}

/// Two overlays of one base, each with its namespace: two Redis and two
/// consumers, one per namespace, as `kubectl kustomize` renders them; the
/// base's own namespace loses to the overlay's.
#[test]
fn overlays_sharing_a_base_are_one_copy_per_namespace() {
    let dir = tree(&[
        ("base/kustomization.yaml", "resources: [redis.yaml, api.yaml]\nnamespace: base\n"),
        ("base/redis.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: redis}\nspec:\n  template:\n    metadata: {labels: {app: redis}}\n    spec: {containers: [{name: r, image: 'redis:7'}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: redis}\nspec: {selector: {app: redis}, ports: [{port: 6379}]}\n"),
        ("base/api.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    spec: {containers: [{name: a, image: x/api, env: [{name: REDIS_HOST, value: redis}]}]}\n"),
        ("overlays/prod/kustomization.yaml", "namespace: prod\nresources: [../../base]\n"),
        ("overlays/staging/kustomization.yaml", "namespace: staging\nresources: [../../base]\n"),
    ]);
    let doc = json(&["scan", dir.path().to_str().unwrap()]);
    assert_eq!(ids(&doc), ["prod/redis", "staging/redis"], "{doc:#}");
    for ns in ["prod", "staging"] {
        let redis = resource(&doc, &format!("{ns}/redis"));
        let id = format!("{ns}/Deployment/api");
        assert_eq!(consumers(redis, "id"), [(id.clone(), id)]);
    }
    let codes = diagnostic_codes(&doc);
    assert!(!codes.contains(&"duplicate-object"), "{codes:?}");
}

/// The same object in two folders (a prod and a staging copy) is read as
/// one, and said, with both places.
#[test]
fn the_same_object_in_two_folders_is_a_warning() {
    let redis = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: redis, namespace: cache}\nspec:\n  template:\n    spec: {containers: [{name: r, image: 'redis:7'}]}\n";
    let dir = tree(&[
        ("clusters/prod/redis.yaml", redis),
        ("clusters/staging/redis.yaml", redis),
    ]);
    let doc = json(&["scan", dir.path().to_str().unwrap()]);
    let dup = diagnostic(&doc, "duplicate-object");
    assert_eq!(dup["severity"], "warning");
    assert!(
        dup["path"]
            .as_str()
            .unwrap()
            .ends_with("clusters/staging/redis.yaml"),
        "{dup}"
    );
    assert_eq!(dup["line"], 3);
    let message = dup["message"].as_str().unwrap();
    assert!(
        message.starts_with("cache/StatefulSet/redis is also defined at "),
        "{message}"
    );
    assert!(message.contains("clusters/prod/redis.yaml:3"), "{message}");
}

/// A Redis-named setting that points at a Service of the scan running no
/// Redis, on a port that is not Redis's, makes no Redis: an info note says
/// why, at the setting's line.
#[test]
fn a_redis_setting_naming_a_postgres_service_makes_no_redis() {
    let dir = tree(&[
        ("redis.yaml", DATA_REDIS),
        (
            "pg.yaml",
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: postgres, namespace: data}\nspec:\n  template:\n    metadata: {labels: {app: pg}}\n    spec: {containers: [{name: pg, image: 'postgres:16'}]}\n---\n\
apiVersion: v1\nkind: Service\nmetadata: {name: postgres, namespace: data}\nspec: {selector: {app: pg}, ports: [{port: 5432}]}\n",
        ),
        (
            "app.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: reporting, namespace: legacy}\nspec:\n  template:\n    spec:\n      containers:\n        - name: r\n          image: acme/reporting\n          env:\n            - {name: REDIS_HOST, value: postgres.data}\n            - {name: REDIS_PORT, value: '5432'}\n",
        ),
    ]);
    let doc = json(&["scan", dir.path().to_str().unwrap()]);
    assert_eq!(
        ids(&doc),
        ["data/redis-master"],
        "no external postgres.data: {doc:#}"
    );
    let note = diagnostic(&doc, "not-a-redis");
    assert_eq!(
        (note["severity"].as_str(), note["line"].as_u64()),
        (Some("info"), Some(11))
    );
    assert_eq!(
        note["message"],
        "env REDIS_HOST + REDIS_PORT = postgres.data:5432 names postgres.data, a Service that runs no Redis, on port 5432: not read as a Redis"
    );
}

/// Flags that expand a variable from a ConfigMap are as strong as it
/// (indirect); one left as written (a password from a Secret outside the
/// scan) does not weaken the literal host around it.
#[test]
fn args_take_the_strength_of_the_variables_they_expand() {
    let cron = |arg: &str, env: &str| {
        format!("apiVersion: batch/v1\nkind: CronJob\nmetadata: {{name: report, namespace: web}}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n            - name: r\n              image: acme/report\n              env: [{env}]\n              args: ['--source-url', '{arg}']\n")
    };
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: web}\ndata: {host: redis-master.data, level: warn}\n";
    for (arg, env, want) in [
        (
            "redis://$(HOST):6379/0",
            "{name: HOST, valueFrom: {configMapKeyRef: {name: cfg, key: host}}}",
            "indirect",
        ),
        (
            "redis://:$(PW)@redis-master.data:6379/0",
            "{name: PW, valueFrom: {secretKeyRef: {name: gone, key: pw}}}",
            "explicit",
        ),
        // Another flag's ConfigMap variable leaves this one literal.
        (
            "redis://redis-master.data:6379/0', '--log-level=$(LEVEL)",
            "{name: LEVEL, valueFrom: {configMapKeyRef: {name: cfg, key: level}}}",
            "explicit",
        ),
    ] {
        let dir = tree(&[
            ("redis.yaml", DATA_REDIS),
            ("cm.yaml", cm),
            ("cron.yaml", &cron(arg, env)),
        ]);
        let doc = json(&["scan", dir.path().to_str().unwrap()]);
        let redis = resource(&doc, "data/redis-master");
        let args: Vec<&serde_json::Value> = redis["consumers"][0]["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| {
                e["detail"]
                    .as_str()
                    .unwrap()
                    .starts_with("args --source-url")
            })
            .collect();
        assert_eq!(args.len(), 1, "{arg}: {redis:#}");
        assert_eq!(args[0]["strength"], want, "{arg}");
        assert_eq!(args[0]["line"], 13, "{arg}");
    }
}

/// Rarer spellings of a consumer: a Job named by `generateName`, an IPv6
/// URL, an init container waiting on `host:port`, a mounted file of no
/// known format (its evidence names no empty key).
#[test]
fn rarer_spellings_of_a_consumer() {
    let dir = tree(&[
        ("redis.yaml", DATA_REDIS),
        (
            "apps.yaml",
            "apiVersion: batch/v1\nkind: Job\nmetadata: {generateName: backup-, namespace: ops}\nspec:\n  template:\n    spec:\n      containers: [{name: b, image: acme/backup, env: [{name: REDIS_URL, value: 'redis://redis-master.data:6379'}]}]\n---\n\
apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: v6, namespace: web}\nspec:\n  template:\n    spec:\n      containers: [{name: a, image: acme/a, env: [{name: REDIS_URL, value: 'redis://[fd00::1]:6379/0'}]}]\n---\n\
apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: waits, namespace: web}\nspec:\n  template:\n    spec:\n      initContainers: [{name: w, image: acme/wait, command: [wait-for-it.sh, 'redis-master.data:6379', '--', 'true']}]\n      containers: [{name: a, image: acme/a}]\n---\n\
apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: web}\ndata:\n  appconfig: |\n    cache -> redis://redis-master.data:6379\n---\n\
apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: plain, namespace: web}\nspec:\n  template:\n    spec:\n      volumes: [{name: c, configMap: {name: cfg}}]\n      containers: [{name: a, image: acme/a, volumeMounts: [{name: c, mountPath: /etc/app}]}]\n",
        ),
    ]);
    let doc = json(&["scan", dir.path().to_str().unwrap()]);
    let redis = resource(&doc, "data/redis-master");
    let ids: Vec<String> = consumers(redis, "id")
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(
        ids,
        [
            "ops/Job/backup-",
            "web/Deployment/plain",
            "web/Deployment/waits"
        ],
        "{redis:#}"
    );
    let v6 = resource(&doc, "fd00::1");
    assert_eq!(consumers(v6, "id").len(), 1);
    let plain = redis["consumers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "web/Deployment/plain")
        .unwrap();
    assert_eq!(
        plain["evidence"][0]["detail"],
        "file /etc/app/appconfig <- configMap web/cfg key appconfig = redis://redis-master.data:6379"
    );
}

/// From an independent generator: a port key holding a whole address, a
/// Job whose name only looks like a CronJob's (`sweeper-7`), and a GitHub
/// workflow's `services:` (its test containers, not a project).
#[test]
fn port_keys_with_addresses_lone_jobs_and_ci_workflows() {
    let dir = tree(&[
        ("redis.yaml", DATA_REDIS),
        (
            "apps.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: web}\nspec:\n  template:\n    spec:\n      containers: [{name: a, image: acme/api, env: [{name: CACHE_HOST_PORT, value: 'redis-master.data:6379'}]}]\n---\n\
apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: sweeper, namespace: ops}\nspec:\n  schedule: '@hourly'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers: [{name: s, image: acme/s, env: [{name: REDIS_URL, value: 'redis://redis-master.data:6379/1'}]}]\n---\n\
apiVersion: batch/v1\nkind: Job\nmetadata: {name: sweeper-7, namespace: ops}\nspec:\n  template:\n    spec:\n      containers: [{name: s, image: acme/s, env: [{name: REDIS_URL, value: 'redis://redis-master.data:6379/2'}]}]\n---\n\
apiVersion: batch/v1\nkind: Job\nmetadata: {name: sweeper-29170080, namespace: ops}\nspec:\n  template:\n    spec:\n      containers: [{name: s, image: acme/s, env: [{name: REDIS_URL, value: 'redis://redis-master.data:6379/1'}]}]\n",
        ),
        (
            ".github/workflows/ci.yml",
            "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    services:\n      redis: {image: 'redis:7', ports: ['6379:6379']}\n    steps: [{run: make test}]\n",
        ),
    ]);
    let doc = json(&["scan", dir.path().to_str().unwrap()]);
    assert_eq!(
        ids(&doc),
        ["data/redis-master"],
        "no Redis from the workflow: {doc:#}"
    );
    let found: Vec<String> = consumers(resource(&doc, "data/redis-master"), "id")
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(
        found,
        [
            "ops/CronJob/sweeper",
            "ops/Job/sweeper-7",
            "web/Deployment/api"
        ],
        "sweeper-29170080 folds into its CronJob; sweeper-7 is its own"
    );
}

/// An overlay whose patch adds the Redis URL, and a base whose generator
/// makes the ConfigMap its `envFrom` reads: consumers in the overlay's
/// namespace, no duplicate-object warning for the patch, and a generated
/// Secret's password never printed.
#[test]
fn kustomize_patches_and_generators_carry_the_settings() {
    let dir = tree(&[
        ("redis.yaml", DATA_REDIS),
        ("base/kustomization.yaml", "resources: [api.yaml, worker.yaml]\nconfigMapGenerator:\n  - name: worker-env\n    literals: [REDIS_HOST=redis-master.data, REDIS_PORT=6379]\nsecretGenerator:\n  - name: worker-secret\n    literals: [REDIS_PASSWORD=hunter2-generated]\n"),
        ("base/api.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    spec:\n      containers: [{name: api, image: acme/api, env: [{name: LOG_LEVEL, value: info}]}]\n"),
        ("base/worker.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: worker}\nspec:\n  template:\n    spec:\n      containers: [{name: w, image: acme/w, envFrom: [{configMapRef: {name: worker-env}}, {secretRef: {name: worker-secret}}]}]\n"),
        ("prod/kustomization.yaml", "namespace: prod\nresources: [../base]\npatches:\n  - path: cache-env.yaml\n    target: {kind: Deployment, name: api}\n"),
        ("prod/cache-env.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    spec:\n      containers: [{name: api, env: [{name: CACHE_REDIS_URL, value: 'redis://redis-master.data:6379/1'}]}]\n"),
    ]);
    let run = fallout(&["scan", dir.path().to_str().unwrap(), "--format", "json"]);
    assert!(!run.stdout.contains("hunter2"), "no password in the output");
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let redis = resource(&doc, "data/redis-master");
    assert_eq!(
        consumers(redis, "strength"),
        [
            ("prod/Deployment/api".to_string(), "explicit".to_string()),
            ("prod/Deployment/worker".to_string(), "indirect".to_string()),
        ],
        "{redis:#}"
    );
    let api = &redis["consumers"].as_array().unwrap()[0];
    assert!(api["evidence"][0]["path"]
        .as_str()
        .unwrap()
        .ends_with("prod/cache-env.yaml"));
    assert_eq!(api["evidence"][0]["line"], 7);
    let codes = diagnostic_codes(&doc);
    assert!(!codes.contains(&"duplicate-object"), "{codes:?}");
    assert!(
        ids(&doc).iter().all(|id| !id.starts_with("default/")),
        "{:?}",
        ids(&doc)
    );
}

/// A Service over a primary and its replicas: a warning when clients share
/// its address (ClusterIP), a note for the record when it is headless (how
/// the pods are named, as in every Bitnami replication chart).
#[test]
fn a_service_over_several_redis_warns_unless_headless() {
    for (cluster_ip, want) in [("", "warning"), ("clusterIP: None, ", "info")] {
        let dir = tree(&[(
            "chart.yaml",
            &format!("apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {{name: redis-master, namespace: data}}\nspec:\n  template:\n    metadata: {{labels: {{app: redis, role: master}}}}\n    spec: {{containers: [{{name: redis, image: 'bitnami/redis:7.2'}}]}}\n---\n\
apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {{name: redis-replicas, namespace: data}}\nspec:\n  template:\n    metadata: {{labels: {{app: redis, role: replica}}}}\n    spec: {{containers: [{{name: redis, image: 'bitnami/redis:7.2'}}]}}\n---\n\
apiVersion: v1\nkind: Service\nmetadata: {{name: redis-all, namespace: data}}\nspec: {{{cluster_ip}selector: {{app: redis}}, ports: [{{port: 6379}}]}}\n"),
        )]);
        let doc = json(&["scan", dir.path().to_str().unwrap()]);
        let d = diagnostic(&doc, "service-ambiguous");
        assert_eq!(d["severity"], want, "{cluster_ip:?}: {d}");
        assert_eq!(d["line"], 19, "the Service's name: {d}");
    }
}

/// From a review: an overlay's `behavior: merge` generator adds to the
/// base's ConfigMap (no duplicate warning, the base's host kept); a patch
/// whose own name matches no object is no phantom workload; a server
/// started by `args` after an entrypoint script, or inside `sh -c`, is a
/// Redis; an image tag (`redis:7`) is no address.
#[test]
fn merges_phantom_patches_entrypoint_servers_and_image_tags() {
    let dir = tree(&[
        ("base/kustomization.yaml", "resources: [api.yaml, cache.yaml]\nconfigMapGenerator:\n  - name: api-env\n    literals: [REDIS_HOST=cache, REDIS_PORT=6379]\n"),
        ("base/api.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    spec:\n      containers: [{name: api, image: acme/api, envFrom: [{configMapRef: {name: api-env}}], env: [{name: BUILD_IMAGE, value: 'redis:7'}]}]\n"),
        ("base/cache.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: cache}\nspec:\n  template:\n    metadata: {labels: {app: cache}}\n    spec:\n      containers: [{name: c, image: acme/cache, command: [docker-entrypoint.sh], args: [redis-server, /etc/redis.conf]}]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: cache2}\nspec:\n  template:\n    metadata: {labels: {app: cache2}}\n    spec:\n      containers: [{name: c, image: acme/cache, command: [sh, -c, 'exec redis-server --port 6390']}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: cache}\nspec: {selector: {app: cache}, ports: [{port: 6379}]}\n"),
        ("prod/kustomization.yaml", "namespace: prod\nresources: [../base]\nconfigMapGenerator:\n  - {name: api-env, behavior: merge, literals: [LOG_LEVEL=warn]}\npatches:\n  - path: sidecar.yaml\n    target: {kind: Deployment, name: api}\n"),
        ("prod/sidecar.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: not-important}\nspec:\n  template:\n    spec:\n      containers: [{name: log, image: acme/log, env: [{name: REDIS_URL, value: 'redis://cache:6379'}]}]\n"),
    ]);
    let doc = json(&["scan", dir.path().to_str().unwrap()]);
    assert_eq!(ids(&doc), ["prod/cache", "prod/cache2"], "{doc:#}");
    let found: Vec<String> = consumers(resource(&doc, "prod/cache"), "id")
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(
        found,
        ["prod/Deployment/api"],
        "no prod/Deployment/not-important"
    );
    assert!(
        !diagnostic_codes(&doc).contains(&"duplicate-object"),
        "{doc:#}"
    );
}

/// Jobs named by `generateName` in two files are one template's runs: read
/// as one consumer, with no duplicate warning.
#[test]
fn generate_name_jobs_are_no_duplicates() {
    let job = "apiVersion: batch/v1\nkind: Job\nmetadata: {generateName: migrate-, namespace: ops}\nspec:\n  template:\n    spec:\n      containers: [{name: m, image: acme/migrate, env: [{name: REDIS_URL, value: 'redis://redis-master.data:6379/3'}]}]\n";
    let dir = tree(&[
        ("redis.yaml", DATA_REDIS),
        ("a/job.yaml", job),
        ("b/job.yaml", job),
    ]);
    let doc = json(&["scan", dir.path().to_str().unwrap()]);
    assert!(
        !diagnostic_codes(&doc).contains(&"duplicate-object"),
        "{doc:#}"
    );
    assert_eq!(
        consumers(resource(&doc, "data/redis-master"), "id").len(),
        1
    );
}

/// Bad kustomizations are said, never passed over: one that does not parse
/// is an error at its line and column (exit 2 under --strict), and files it
/// lists that are not in the scan (a resource, a patch, a generator's env
/// file) are warnings at the line that lists them.
#[test]
fn bad_kustomizations_are_reported_at_their_lines() {
    let dir = tree(&[
        ("broken/kustomization.yaml", "namespace: prod\nresources: [a.yaml\npatches: [b.yaml]\n"),
        ("gone/kustomization.yaml", "namespace: prod\nresources:\n  - here.yaml\n  - missing.yaml\n  - https://github.com/org/repo//base\npatches:\n  - path: nopatch.yaml\nconfigMapGenerator:\n  - {name: env, envs: [absent.env]}\n"),
        ("gone/here.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: b}\n"),
    ]);
    let path = dir.path().to_str().unwrap();
    let doc = json(&["scan", path]);
    let parse = diagnostic(&doc, "yaml-parse");
    assert_eq!(parse["severity"], "error");
    assert!(
        parse["path"]
            .as_str()
            .unwrap()
            .ends_with("broken/kustomization.yaml"),
        "{parse}"
    );
    assert_eq!(parse["line"], 3, "{parse}");
    assert!(parse["col"].as_u64().is_some(), "{parse}");
    let missing: Vec<(u64, &str)> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "kustomize-missing")
        .map(|d| (d["line"].as_u64().unwrap(), d["message"].as_str().unwrap()))
        .collect();
    assert_eq!(
        missing.len(),
        3,
        "the remote base is not missing: {missing:?}"
    );
    assert_eq!(missing[0].0, 4);
    assert!(
        missing[0].1.starts_with("lists `missing.yaml`"),
        "{missing:?}"
    );
    assert_eq!((missing[1].0, missing[2].0), (7, 9), "{missing:?}");
    assert_eq!(fallout(&["scan", path, "--strict"]).code, 2);
}

#[test]
fn impact_target_and_change_file_target_must_agree() {
    let f = "fixtures/tls-incident";
    let change = "fixtures/tls-incident/change.yaml";
    let run = fallout(&["impact", "redis-queue.jobs", f, "--change", change]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr.contains("TARGET `redis-queue.jobs` is jobs/redis-queue, but fixtures/tls-incident/change.yaml names `redis-sessions.cache` (cache/redis-sessions)"),
        "{}",
        run.stderr
    );
    // Another alias of the same resource agrees.
    let run = fallout(&["impact", "cache/redis-sessions", f, "--change", change]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // `impact DIR --change FILE`: the file's target, DIR scanned.
    let run = fallout(&["impact", f, "--change", change]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("impact: tls=required on cache/redis-sessions"),
        "{}",
        run.stdout
    );
    // A typo gets the close name first.
    let run = fallout(&["impact", "redis-sesions.cache", f, "--set", "tls=required"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(
            "no resource matches `redis-sesions.cache`; did you mean cache/redis-sessions?"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn service_variables_kubernetes_gives_every_pod_are_expanded() {
    let dir = tree(&[(
        "gb.yaml",
        "apiVersion: v1\nkind: Service\nmetadata: {name: redis-leader, namespace: gb}\nspec: {ports: [{name: tcp-redis, port: 6379}], selector: {app: leader}}\n---\n\
apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: redis-leader, namespace: gb}\nspec:\n  template:\n    metadata: {labels: {app: leader}}\n    spec: {containers: [{name: redis, image: 'redis:7'}]}\n---\n\
apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: legacy, namespace: gb}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: x/legacy\n          args: ['--redis-addr=$(REDIS_LEADER_SERVICE_HOST):$(REDIS_LEADER_SERVICE_PORT_TCP_REDIS)']\n---\n\
apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: other-ns, namespace: elsewhere}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: x/other\n          args: ['--redis-addr=$(REDIS_LEADER_SERVICE_HOST):$(REDIS_LEADER_SERVICE_PORT)']\n",
    )]);
    let doc = json(&["scan", dir.path().to_str().unwrap()]);
    let leader = resource(&doc, "gb/redis-leader");
    assert_eq!(
        consumers(leader, "strength"),
        [("gb/Deployment/legacy".to_string(), "explicit".to_string())],
        "only the pods of the Service's namespace have its variables: {doc:#}"
    );
}

#[test]
fn a_template_that_parses_as_yaml_is_still_a_helm_template() {
    let dir = tree(&[(
        "chart/templates/deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  template:\n    spec:\n      containers: [{name: app, image: x/app}]\n",
    )]);
    let doc = json(&["scan", dir.path().to_str().unwrap()]);
    let d = diagnostic(&doc, "helm-template");
    assert_eq!(d["line"], 4, "{d}");
    let run = fallout(&["scan", dir.path().to_str().unwrap(), "--strict"]);
    assert_eq!(run.code, 2, "{}", run.stderr);

    // Templates that are data (alert rules, notification templates) are no
    // Helm chart.
    let dir = tree(&[(
        "rules.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: rules, namespace: mon}\ndata:\n  alerts.yaml: |\n    groups:\n      - rules:\n          - alert: Down\n            annotations:\n              summary: \"{{ $labels.instance }} is down\"\n  slack.tmpl: |\n    {{ define \"slack.title\" }}{{ .Status }}{{ end }}\n  inline: \"{{ .Value }}\"\n",
    )]);
    let doc = json(&["scan", dir.path().to_str().unwrap()]);
    assert!(
        !diagnostic_codes(&doc).contains(&"helm-template"),
        "{doc:#}"
    );
}

/// A prod overlay that moves a Redis and its client to TLS with strategic-
/// merge patches: the patch's `args` replace the server's (its TLS port is
/// known), and the patch's `REDIS_URL` replaces the base's (read instead of
/// it, not beside it); a dev overlay of the same base keeps the base's.
#[test]
fn strategic_merge_patches_replace_what_they_write() {
    let redis = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: redis\nspec:\n  template:\n    metadata: {labels: {app: redis}}\n    spec:\n      containers:\n        - name: redis\n          image: redis:7.2-alpine\n          args: [\"--port\", \"6379\"]\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: redis\nspec:\n  selector: {app: redis}\n  ports: [{port: 6379}, {name: tls, port: 6380}]\n";
    let api = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: x/api\n          env:\n            - name: REDIS_URL\n              value: redis://redis:6379/0\n            - name: LOG_LEVEL\n              value: info\n";
    let dir = tree(&[
        ("base/kustomization.yaml", "resources: [redis.yaml, api.yaml]\n"),
        ("base/redis.yaml", redis),
        ("base/api.yaml", api),
        ("prod/kustomization.yaml", "namespace: prod\nresources: [../base]\npatches:\n  - path: redis-tls.yaml\n  - path: api-tls.yaml\n"),
        ("prod/redis-tls.yaml", "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: redis\nspec:\n  template:\n    spec:\n      containers:\n        - name: redis\n          args: [\"--port\", \"6379\", \"--tls-port\", \"6380\"]\n"),
        ("prod/api-tls.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          env:\n            - name: REDIS_URL\n              value: rediss://redis:6380/0\n"),
        ("dev/kustomization.yaml", "namespace: dev\nresources: [../base]\n"),
    ]);
    let doc = json(&["scan", dir.path().to_str().unwrap()]);
    let prod = resource(&doc, "prod/redis");
    assert_eq!(prod["tls_port"], 6380, "{prod:#}");
    assert_eq!(
        consumers(prod, "tls"),
        [("prod/Deployment/api".to_string(), "yes".to_string())],
        "only the patched URL: {prod:#}"
    );
    let evidence = prod["consumers"][0]["evidence"].to_string();
    assert!(evidence.contains("api-tls.yaml"), "{evidence}");
    assert!(!evidence.contains("base/api.yaml"), "{evidence}");
    let dev = resource(&doc, "dev/redis");
    assert!(dev["tls_port"].is_null(), "{dev:#}");
    assert_eq!(
        consumers(dev, "tls"),
        [("dev/Deployment/api".to_string(), "no".to_string())]
    );
}

/// `os.environ.get("CELERY_BROKER_URL", "redis://…")` in a mounted settings
/// file: the container's variable when it sets one, else the fallback,
/// weakly and said to be a default.
#[test]
fn a_mounted_file_fallback_yields_to_the_container_variable() {
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: blog-settings, namespace: web}\ndata:\n  production.py: |\n    import os\n    CELERY_BROKER_URL = os.environ.get(\"CELERY_BROKER_URL\", \"redis://redis.web:6379/0\")\n";
    let redis = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: redis, namespace: web}\nspec:\n  template:\n    metadata: {labels: {app: redis}}\n    spec: {containers: [{name: redis, image: 'redis:7', args: ['--port', '6379', '--tls-port', '6380']}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: redis, namespace: web}\nspec: {selector: {app: redis}, ports: [{name: plain, port: 6379}, {name: tls, port: 6380}]}\n";
    let app = |name: &str, env: &str| {
        format!("apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}, namespace: web}}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: x/blog\n          env: [{env}]\n          volumeMounts: [{{name: settings, mountPath: /app/blog/settings}}]\n      volumes: [{{name: settings, configMap: {{name: blog-settings}}}}]\n")
    };
    let worker = app(
        "worker",
        "{name: CELERY_BROKER_URL, value: 'rediss://redis.web:6380/0'}",
    );
    let web = app("web", "");
    let dir = tree(&[
        ("cm.yaml", cm),
        ("redis.yaml", redis),
        ("worker.yaml", &worker),
        ("web.yaml", &web),
    ]);
    let doc = json(&["scan", dir.path().to_str().unwrap()]);
    let r = resource(&doc, "web/redis");
    assert_eq!(
        consumers(r, "tls"),
        [
            ("web/Deployment/web".to_string(), "no".to_string()),
            ("web/Deployment/worker".to_string(), "yes".to_string())
        ],
        "the worker's broker is its rediss:// variable, not the file's fallback: {r:#}"
    );
    assert_eq!(
        consumers(r, "strength"),
        [
            ("web/Deployment/web".to_string(), "inferred".to_string()),
            ("web/Deployment/worker".to_string(), "explicit".to_string())
        ]
    );
    let web_evidence = r["consumers"][0]["evidence"].to_string();
    assert!(
        web_evidence.contains("default of CELERY_BROKER_URL, which the container does not set"),
        "{web_evidence}"
    );
}

/// A client of a Sentinel connects to the primary the Sentinel names: it
/// is a consumer of that primary too, said to go through the Sentinel,
/// with the sentinel's TLS advice.
#[test]
fn clients_of_a_sentinel_are_consumers_of_the_primary_it_watches() {
    let dir = tree(&[
        (
            "compose.yaml",
            "services:\n  redis-primary:\n    image: redis:7.2\n  sentinel:\n    image: bitnami/redis-sentinel:7.2\n    environment:\n      - REDIS_MASTER_HOST=redis-primary\n      - REDIS_MASTER_SET=mymaster\n  notify:\n    image: x/notify\n    environment:\n      - REDIS_SENTINELS=sentinel:26379\n      - REDIS_SENTINEL_MASTER=mymaster\n",
        ),
    ]);
    let doc = json(&["scan", dir.path().to_str().unwrap()]);
    let file = format!("{}/compose.yaml", dir.path().display());
    let primary = resource(&doc, &format!("{file}#redis-primary"));
    let ids: Vec<String> = consumers(primary, "id")
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(
        ids,
        [format!("{file}#notify"), format!("{file}#sentinel")],
        "{primary:#}"
    );
    let notify = primary["consumers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == format!("{file}#notify").as_str())
        .unwrap();
    assert!(
        notify["evidence"].to_string().contains(&format!(
            "through sentinel {file}#sentinel (which watches {file}#redis-primary)"
        )),
        "{notify:#}"
    );
    let run = fallout(&[
        "impact",
        &format!("{file}#redis-primary"),
        dir.path().to_str().unwrap(),
        "--set",
        "tls=required",
    ]);
    assert!(
        run.stdout.contains("notify: uses `sentinel:26379`")
            && run.stdout.contains("rediss+sentinel://sentinel"),
        "{}",
        run.stdout
    );
}

/// A client through a Service with no port to TLS is told the Service
/// address that leads there, not a port its own Service does not expose.
#[test]
fn tls_advice_names_a_service_port_that_leads_to_tls() {
    let dir = tree(&[(
        "all.yaml",
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: redis, namespace: cache}\nspec:\n  template:\n    metadata: {labels: {app: redis}}\n    spec: {containers: [{name: redis, image: 'redis:7', args: ['--port', '6379', '--tls-port', '6380']}]}\n---\n\
apiVersion: v1\nkind: Service\nmetadata: {name: redis-secure, namespace: cache}\nspec: {selector: {app: redis}, ports: [{port: 6379, targetPort: 6380}]}\n---\n\
apiVersion: v1\nkind: Service\nmetadata: {name: redis-legacy, namespace: cache}\nspec: {selector: {app: redis}, ports: [{port: 16379, targetPort: 6379}]}\n---\n\
apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: legacy, namespace: web}\nspec:\n  template:\n    spec:\n      containers: [{name: a, image: x/a, env: [{name: REDIS_URL, value: 'redis://redis-legacy.cache:16379/0'}]}]\n",
    )]);
    let run = fallout(&[
        "impact",
        "redis.cache",
        dir.path().to_str().unwrap(),
        "--set",
        "tls=required",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("switch to rediss://redis-secure.cache:6379 and configure the CA"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("redis-legacy.cache:6380"),
        "{}",
        run.stdout
    );
}

/// `password: ${REDIS_PASSWORD}` in a mounted application.yml: the password
/// lives where the container's REDIS_PASSWORD comes from (a Secret), and a
/// rotation points there, not at the ConfigMap that holds the placeholder.
#[test]
fn a_placeholder_password_points_at_the_variables_secret() {
    let dir = tree(&[(
        "all.yaml",
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: redis, namespace: data}\nspec:\n  template:\n    metadata: {labels: {app: redis}}\n    spec: {containers: [{name: redis, image: 'redis:7'}]}\n---\n\
apiVersion: v1\nkind: Service\nmetadata: {name: redis, namespace: data}\nspec: {selector: {app: redis}, ports: [{port: 6379}]}\n---\n\
apiVersion: v1\nkind: ConfigMap\nmetadata: {name: orders-config, namespace: orders}\ndata:\n  application.yml: |\n    spring:\n      data:\n        redis:\n          host: redis.data\n          port: 6379\n          password: ${REDIS_PASSWORD}\n---\n\
apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: orders, namespace: orders}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: x/orders\n          env:\n            - name: REDIS_PASSWORD\n              valueFrom: {secretKeyRef: {name: orders-redis-auth, key: password}}\n          volumeMounts: [{name: config, mountPath: /config}]\n      volumes: [{name: config, configMap: {name: orders-config}}]\n",
    )]);
    let run = fallout(&[
        "impact",
        "redis.data",
        dir.path().to_str().unwrap(),
        "--set",
        "password=rotate",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(
            "from env REDIS_PASSWORD <- secretKeyRef orders/orders-redis-auth key password"
        ),
        "{}",
        run.stdout
    );
}

/// A Secret the scan holds only as a SealedSecret is said to be one, not
/// "not among the scanned objects".
#[test]
fn a_sealed_secret_is_named_as_such() {
    let dir = tree(&[(
        "all.yaml",
        "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: cart-redis, namespace: shop}\nspec:\n  encryptedData: {REDIS_URL: AgBy3i4OJSWK+PiTySYZZA==}\n---\n\
apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: cart, namespace: shop}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: x/cart\n          env:\n            - name: REDIS_URL\n              valueFrom: {secretKeyRef: {name: cart-redis, key: REDIS_URL}}\n",
    )]);
    let doc = json(&["scan", dir.path().to_str().unwrap()]);
    let d = diagnostic(&doc, "redis-unattributed");
    let message = d["message"].as_str().unwrap();
    assert!(
        message.contains("made by SealedSecret shop/cart-redis, whose value the scan cannot read"),
        "{message}"
    );
    assert!(!message.contains("AgBy3i4"), "{message}");
}

/// A URL in a mounted file whose password is a placeholder, the variable
/// from a Secret outside the scan: the URL still names its Redis, and its
/// evidence is the file's line.
#[test]
fn a_password_placeholder_in_a_url_keeps_the_url() {
    let dir = tree(&[("app.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app-config, namespace: shop}\ndata:\n  application.yml: |\n    spring:\n      redis:\n        url: redis://:${REDIS_PASSWORD}@sessions:6379/0\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - name: web\n        image: shop/web:1\n        env:\n        - name: REDIS_PASSWORD\n          valueFrom: {secretKeyRef: {name: redis-auth, key: password}}\n        volumeMounts:\n        - {name: cfg, mountPath: /app/config}\n      volumes:\n      - name: cfg\n        configMap: {name: app-config}\n---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: sessions, namespace: shop}\nspec:\n  selector: {matchLabels: {app: sessions}}\n  template:\n    metadata: {labels: {app: sessions}}\n    spec:\n      containers:\n      - name: redis\n        image: redis:7\n---\napiVersion: v1\nkind: Service\nmetadata: {name: sessions, namespace: shop}\nspec:\n  selector: {app: sessions}\n  ports: [{port: 6379}]\n")]);
    let doc = json(&["scan", dir.path().to_str().unwrap()]);
    let r = resource(&doc, "shop/sessions");
    assert_eq!(
        consumers(r, "strength"),
        [("shop/Deployment/web".to_string(), "indirect".to_string())],
        "{r:#}"
    );
    assert!(
        r["consumers"][0]["evidence"]
            .to_string()
            .contains("application.yml"),
        "{r:#}"
    );
}

/// A patch that gives a sidecar `args` changes no port of the Redis beside it.
#[test]
fn a_sidecar_patch_keeps_the_servers_ports() {
    let dir = tree(&[
        ("base/kustomization.yaml", "resources: [redis.yaml]\n"),
        ("base/redis.yaml", "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: cache}\nspec:\n  selector: {matchLabels: {app: cache}}\n  template:\n    metadata: {labels: {app: cache}}\n    spec:\n      containers:\n      - name: redis\n        image: redis:7\n        args: [\"--port\", \"7000\", \"--tls-port\", \"7001\"]\n      - name: exporter\n        image: oliver006/redis_exporter:v1\n---\napiVersion: v1\nkind: Service\nmetadata: {name: cache}\nspec:\n  selector: {app: cache}\n  ports: [{name: redis, port: 7000}, {name: tls, port: 7001}]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: api}}\n    spec:\n      containers:\n      - name: api\n        image: api:1\n        env: [{name: REDIS_URL, value: \"redis://cache:7000\"}]\n"),
        ("overlay/kustomization.yaml", "namespace: prod\nresources: [../base]\npatches:\n- path: patch.yaml\n"),
        ("overlay/patch.yaml", "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: cache}\nspec:\n  template:\n    spec:\n      containers:\n      - name: redis\n        env: [{name: TZ, value: UTC}]\n      - name: exporter\n        args: [\"--redis.addr=redis://localhost:7000\"]\n"),
    ]);
    let doc = json(&["scan", dir.path().to_str().unwrap()]);
    let r = resource(&doc, "prod/cache");
    assert_eq!(
        (r["port"].as_u64(), r["tls_port"].as_u64()),
        (Some(7000), Some(7001)),
        "{r:#}"
    );
}

const APP_AND_REDIS: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: shop}\nspec:\n  template:\n    spec:\n      containers: [{name: api, image: acme/api, env: [{name: REDIS_URL, value: 'redis://redis:6379'}]}]\n---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: redis, namespace: shop}\nspec:\n  template:\n    metadata: {labels: {app: redis}}\n    spec: {containers: [{name: redis, image: 'redis:7.2'}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: redis, namespace: shop}\nspec: {selector: {app: redis}, ports: [{port: 6379}]}\n";

/// A manifest nested thousands deep and a compose file whose anchors copy
/// billions of nodes are each a `yaml-parse` error at their file; the
/// process neither overflows its stack nor runs out of memory, and the
/// other files are still read.
#[test]
fn yaml_nested_too_deep_or_alias_bombs_are_errors_not_crashes() {
    let mut deep = String::from(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep, namespace: shop}\ndata:\n",
    );
    for i in 0..6_000 {
        deep.push_str(&format!("{}k{i}:\n", "  ".repeat(i + 1)));
    }
    let mut bomb = String::from("services:\n  app:\n    image: acme/app\n    x: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (i, prev) in ["a", "b", "c", "d", "e", "f", "g", "h"].iter().enumerate() {
        let name = ["b", "c", "d", "e", "f", "g", "h", "i"][i];
        let refs = vec![format!("*{prev}"); 9].join(", ");
        bomb.push_str(&format!("    {name}: &{name} [{refs}]\n"));
    }
    let dir = tree(&[
        ("k8s/apps.yaml", APP_AND_REDIS),
        ("k8s/deep.yaml", &deep),
        ("compose/docker-compose.yml", &bomb),
    ]);
    let run = fallout(&["scan", dir.path().to_str().unwrap(), "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        consumers(resource(&doc, "shop/redis"), "id").len(),
        1,
        "{doc:#}"
    );
    let errors: Vec<(String, String)> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "yaml-parse")
        .map(|d| {
            let path = d["path"].as_str().unwrap();
            let file = path.rsplit('/').next().unwrap().to_string();
            (file, d["message"].as_str().unwrap().to_string())
        })
        .collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors
            .iter()
            .any(|(f, m)| f == "deep.yaml" && m.contains("nested more than 256")),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|(f, m)| f == "docker-compose.yml" && m.contains("aliases copy more than")),
        "{errors:?}"
    );
}

/// A linked folder (a shared base) is read like any other; a link to
/// nothing is an error at the link, and a link back to a folder being read
/// is a warning, not a loop.
#[cfg(unix)]
#[test]
fn symbolic_links_are_followed_and_broken_ones_said() {
    let dir = tree(&[
        ("shared/apps.yaml", APP_AND_REDIS),
        ("deploy/README.md", "deploy\n"),
    ]);
    let root = dir.path();
    std::os::unix::fs::symlink("../shared", root.join("deploy/base")).unwrap();
    std::os::unix::fs::symlink("../nowhere.yaml", root.join("deploy/gone.yaml")).unwrap();
    std::os::unix::fs::symlink("..", root.join("deploy/loop")).unwrap();
    let run = fallout(&[
        "scan",
        root.join("deploy").to_str().unwrap(),
        "--format",
        "json",
    ]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        consumers(resource(&doc, "shop/redis"), "id").len(),
        1,
        "{doc:#}"
    );
    let said: Vec<(String, String, String)> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "read" || d["code"] == "symlink-loop")
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
                d["path"]
                    .as_str()
                    .unwrap_or("")
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect();
    assert!(
        said.contains(&("read".into(), "error".into(), "gone.yaml".into())),
        "{said:?}"
    );
    assert!(
        said.iter()
            .any(|(c, s, _)| c == "symlink-loop" && s == "warning"),
        "{said:?}"
    );
    // The broken link is lost input: `--strict` fails the run.
    let strict = fallout(&["scan", root.join("deploy").to_str().unwrap(), "--strict"]);
    assert_eq!(strict.code, 2, "{}", strict.stderr);
}

/// A consumer naming a port its Redis does not serve is at risk under a
/// port move, with the reason (it was `ok` and said nothing); a `host`
/// the instance already answers to moves nothing.
#[test]
fn a_port_the_server_does_not_serve_and_a_host_it_already_has() {
    let compose = "services:\n  cache:\n    image: redis:7\n  api:\n    image: acme/api\n    environment:\n      REDIS_URL: redis://cache:6390/0\n  worker:\n    image: acme/worker\n    environment:\n      REDIS_URL: redis://cache:6379/0\n";
    let dir = tree(&[("docker-compose.yml", compose)]);
    let path = dir.path().to_str().unwrap();
    let judged = |setting: &str| -> Vec<(String, String, String)> {
        let doc = json(&["impact", "cache", path, "--set", setting]);
        doc["resources"][0]["consumers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                let id = c["id"].as_str().unwrap();
                (
                    id.rsplit('#').next().unwrap().to_string(),
                    c["verdict"].as_str().unwrap().to_string(),
                    c["reasons"][0].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    };
    let moved = judged("port=6400");
    let api = moved.iter().find(|(id, ..)| id == "api").unwrap();
    assert_eq!(api.1, "at-risk", "{moved:?}");
    assert!(
        api.2.starts_with("names port 6390 at ")
            && api.2.contains("docker-compose.yml:7, which")
            && api.2.contains("does not serve (it serves 6379)"),
        "{api:?}"
    );
    let worker = moved.iter().find(|(id, ..)| id == "worker").unwrap();
    assert_eq!(worker.1, "breaks", "{moved:?}");
    for (id, verdict, reason) in judged("host=cache") {
        assert_eq!(verdict, "ok", "{id}: {reason}");
        assert!(
            reason.contains("`cache` is already a name of"),
            "{id}: {reason}"
        );
    }
}

/// A workload whose envFrom ConfigMap is not in the scan and whose other
/// variables speak of a Redis (a password from a Secret) is not dropped
/// without a word: a `redis-unattributed` warning at the envFrom line says
/// the ConfigMap may hold the address. With the address found elsewhere,
/// nothing is said.
#[test]
fn a_missing_env_from_config_map_beside_a_redis_password_is_said() {
    let app = |extra_env: &str| {
        format!("apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: ledger, namespace: payments}}\nspec:\n  template:\n    spec:\n      containers:\n        - name: ledger\n          image: acme/ledger\n          envFrom:\n            - configMapRef: {{name: shared-redis}}\n          env:\n            - name: REDIS_PASSWORD\n              valueFrom: {{secretKeyRef: {{name: redis-creds, key: password}}}}\n{extra_env}---\napiVersion: v1\nkind: Secret\nmetadata: {{name: redis-creds, namespace: payments}}\nstringData: {{password: Leak-envfrom-1}}\n")
    };
    let said = |text: &str| -> Vec<(u64, String)> {
        let dir = tree(&[("app.yaml", text)]);
        let doc = json(&["scan", dir.path().to_str().unwrap()]);
        assert!(!doc.to_string().contains("Leak-envfrom-1"));
        doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "redis-unattributed")
            .map(|d| {
                (
                    d["line"].as_u64().unwrap(),
                    d["message"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let missing = said(&app(""));
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert_eq!(missing[0].0, 11, "{missing:?}");
    assert!(
        missing[0].1.contains("payments/Deployment/ledger may use a Redis")
            && missing[0].1.contains("envFrom configMap payments/shared-redis (not among the scanned objects) may hold it"),
        "{missing:?}"
    );
    let located = said(&app(
        "            - {name: REDIS_HOST, value: cache.example.net}\n",
    ));
    assert!(located.is_empty(), "{located:?}");
    // A flag or a key prefix that says Redis is no sign of an address.
    let flags = app("").replace(
        "            - name: REDIS_PASSWORD\n              valueFrom: {secretKeyRef: {name: redis-creds, key: password}}\n",
        "            - {name: REDIS_ENABLED, value: 'false'}\n            - {name: REDIS_KEY_PREFIX, value: ledger}\n",
    );
    assert!(flags.contains("REDIS_KEY_PREFIX"), "{flags}");
    let quiet = said(&flags);
    assert!(quiet.is_empty(), "{quiet:?}");
}

/// "The server already requires a password" cites where it is told to
/// (`--requirepass` on line 4), not the line that names the service.
#[test]
fn a_required_password_is_cited_where_it_is_required() {
    let compose = "services:\n  cache:\n    image: redis:7\n    command: redis-server --requirepass Leak-auth-1\n  api:\n    image: acme/api\n    environment:\n      REDIS_URL: redis://cache:6379\n";
    let dir = tree(&[("docker-compose.yml", compose)]);
    let run = fallout(&[
        "impact",
        "cache",
        dir.path().to_str().unwrap(),
        "--set",
        "auth=required",
        "--format",
        "json",
    ]);
    assert!(!run.stdout.contains("Leak-auth-1") && !run.stderr.contains("Leak-auth-1"));
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let api = &doc["resources"][0]["consumers"][0];
    assert_eq!(api["verdict"], "at-risk", "{api:#}");
    let reason = api["reasons"][0].as_str().unwrap();
    assert!(
        reason.contains("; the server already requires a password (")
            && reason.contains("docker-compose.yml:4): "),
        "{reason}"
    );
}

/// Predis writes TLS as `tls://`: the advice under tls=required names that
/// scheme, not `rediss://` nor a "TLS option" it has none of (review H5).
#[test]
fn tls_advice_for_a_predis_tcp_address_says_tls_scheme() {
    let dir = tree(&[(
        "docker-compose.yml",
        "services:\n  redis:\n    image: redis:7\n  php:\n    image: x/php\n    environment:\n      REDIS_DSN: tcp://redis:6379?database=2\n",
    )]);
    let path = dir.path().to_str().unwrap();
    let doc = json(&["impact", "redis", path, "--set", "tls=required"]);
    let php = &doc["resources"][0]["consumers"][0];
    assert_eq!(php["verdict"], "breaks", "{php:#}");
    let why = php["reasons"][0].as_str().unwrap();
    assert!(why.contains("uses `tcp://redis:6379?database=2`"), "{why}");
    assert!(why.contains("switch to tls://redis:<TLS port>"), "{why}");
    assert!(
        !why.contains("rediss://") && !why.contains("TLS option"),
        "{why}"
    );
    let doc = json(&["impact", "redis", path, "--set", "tls=disabled"]);
    assert_eq!(doc["resources"][0]["consumers"][0]["verdict"], "ok");
}

/// Found by a third generator: an IPv4 address in a reachability probe or
/// a bare `host:port` word is an address like a name is; a ClusterIP is
/// the Redis's alias, any other IP on Redis's port an external Redis.
/// Loopback addresses stay out of bare words.
#[test]
fn ip_addresses_in_probes_and_bare_words_are_addresses() {
    let redis = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: kv, namespace: shop}\nspec:\n  selector: {matchLabels: {app: kv}}\n  template:\n    metadata: {labels: {app: kv}}\n    spec:\n      containers:\n      - {name: server, image: 'redis:7.2', ports: [{containerPort: 6379}]}\n---\n\
apiVersion: v1\nkind: Service\nmetadata: {name: kv, namespace: shop}\nspec:\n  clusterIP: 10.96.0.5\n  selector: {app: kv}\n  ports: [{port: 6379, targetPort: 6379}]\n";
    let deploy = |name: &str, container: &str| {
        format!("---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}, namespace: shop}}\nspec:\n  template:\n    spec:\n      containers:\n      - {container}\n")
    };
    let consumers_yaml = [
        deploy("nc-clusterip", "{name: a, image: busybox, command: [sh, -c, 'until nc -z -w 2 10.96.0.5 6379; do sleep 2; done']}"),
        deploy("nc-external", "{name: a, image: busybox, command: [nc, -z, 10.130.0.7, '6379']}"),
        deploy("wait-for-it", "{name: a, image: x/app, command: [wait-for-it.sh, '10.96.0.5:6379', '--', /app/server]}"),
        deploy("telnet", "{name: a, image: busybox, command: [telnet, 10.96.0.5, '6379']}"),
        deploy("loopback", "{name: a, image: x/app, command: [wait-for-it.sh, '127.0.0.1:6379', '--', /app/server]}"),
        deploy("not-an-ip", "{name: a, image: x/app, command: [run, '12.5:6379', '--', '1.2.3:6379']}"),
        // Its own listening address, and addresses no Redis has.
        deploy("listener", "{name: a, image: x/app, args: [--listen, '10.0.0.1:6379', '169.254.169.254:6379'], env: [{name: BIND_ADDRESS, value: '10.0.0.6:6379'}, {name: HTTP_LISTEN, value: '10.0.0.7:6380'}]}"),
    ]
    .concat();
    let dir = tree(&[("redis.yaml", redis), ("apps.yaml", &consumers_yaml)]);
    let doc = json(&["scan", dir.path().to_str().unwrap()]);
    assert_eq!(ids(&doc), ["10.130.0.7", "shop/kv"], "{doc:#}");
    let ids_of = |r: &str| -> Vec<String> {
        consumers(resource(&doc, r), "id")
            .into_iter()
            .map(|(id, _)| id)
            .collect()
    };
    assert_eq!(
        ids_of("shop/kv"),
        [
            "shop/Deployment/nc-clusterip",
            "shop/Deployment/telnet",
            "shop/Deployment/wait-for-it"
        ]
    );
    assert_eq!(ids_of("10.130.0.7"), ["shop/Deployment/nc-external"]);
}

/// Found by a third generator: a Markdown document mounted from a
/// ConfigMap, whose prose mentions an old Redis URL, is no setting.
#[test]
fn a_mounted_document_is_not_read_as_settings() {
    let text = |file: &str| {
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: web-docs, namespace: shop}}\ndata:\n  {file}: |\n    # Migration\n\n    We used to talk to `redis://kv.shop.svc.cluster.local:6379/0` directly.\n---\n\
apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web, namespace: shop}}\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: shop/web:1\n        volumeMounts: [{{name: docs, mountPath: /usr/share/doc/app}}]\n      volumes: [{{name: docs, configMap: {{name: web-docs}}}}]\n")
    };
    let dir = tree(&[("app.yaml", &text("MIGRATION.md"))]);
    let doc = json(&["scan", dir.path().to_str().unwrap()]);
    assert!(ids(&doc).is_empty(), "{doc:#}");
    // The same text in a file that is not a document is read (no Redis
    // of the scan is named: an external one).
    let dir = tree(&[("app.yaml", &text("redis-url"))]);
    let doc = json(&["scan", dir.path().to_str().unwrap()]);
    assert_eq!(ids(&doc), ["kv.shop"], "{doc:#}");
}

/// Found by a fourth generator: an exec probe (`redis-cli -h cache ping`)
/// runs in the container on every period, a client of that Redis; each
/// probe is read as a command of its own, its flags never mixed with the
/// container's args, and a server's own probe of itself is no consumer.
#[test]
fn exec_probes_are_commands_of_their_own() {
    let redis = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: sessions-db, namespace: shop}\nspec:\n  selector: {matchLabels: {app: sdb}}\n  template:\n    metadata: {labels: {app: sdb}}\n    spec:\n      containers:\n      - name: redis\n        image: 'redis:7.2'\n        readinessProbe: {exec: {command: [redis-cli, -h, localhost, ping]}}\n---\n\
apiVersion: v1\nkind: Service\nmetadata: {name: orders-store, namespace: shop}\nspec:\n  selector: {app: sdb}\n  ports: [{port: 6379}]\n";
    let apps = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: checkout, namespace: shop}\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: shop/checkout:1\n        args: ['-h', 'web.example', '--port', '8080']\n        readinessProbe:\n          exec: {command: [redis-cli, --tls, -h, orders-store, -p, '6379', ping]}\n---\n\
apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: cart, namespace: shop}\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: shop/cart:1\n        livenessProbe:\n          exec: {command: [sh, -c, 'redis-cli -h orders-store.shop -p 6379 ping | grep -q PONG']}\n";
    let dir = tree(&[("redis.yaml", redis), ("apps.yaml", apps)]);
    let doc = json(&["scan", dir.path().to_str().unwrap()]);
    assert_eq!(ids(&doc), ["shop/sessions-db"], "{doc:#}");
    let consumers = consumers(resource(&doc, "shop/sessions-db"), "tls");
    assert_eq!(
        consumers,
        [
            // redis-cli without `--tls` speaks plaintext.
            ("shop/Deployment/cart".to_string(), "no".to_string()),
            ("shop/Deployment/checkout".to_string(), "yes".to_string()),
        ],
        "{doc:#}"
    );
}

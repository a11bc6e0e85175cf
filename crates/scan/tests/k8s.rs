//! The Kubernetes manifest scanner, one behaviour per test.

mod common;

use fallout_core::{ConsumerId, Fact, HintTarget, Origin, Reference, Strength, Tls};
use fallout_scan::k8s::{parse_manifests, scan_objects, Object, Options};
use fallout_scan::scan_files;

fn scan(list: &[(&str, &str)]) -> fallout_scan::Scanned {
    scan_files(&common::files(list), Vec::new(), &Options::default())
}

fn refs(s: &fallout_scan::Scanned) -> Vec<&Reference> {
    s.facts
        .iter()
        .filter_map(|f| {
            if let Fact::Reference(r) = f {
                Some(r)
            } else {
                None
            }
        })
        .collect()
}

fn line(origin: &Origin) -> u32 {
    origin.line().unwrap()
}

const REDIS: &str = "\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: redis-sessions
  namespace: cache
spec:
  template:
    metadata:
      labels: {app: redis-sessions}
    spec:
      containers:
      - name: redis
        image: redis:7.2
        args: [\"--port\", \"6379\", \"--tls-port\", \"6380\", \"--requirepass\", \"$(REDIS_PASSWORD)\"]
        env:
        - name: REDIS_PASSWORD
          valueFrom:
            secretKeyRef: {name: redis-auth, key: password}
---
apiVersion: v1
kind: Service
metadata:
  name: redis-sessions
  namespace: cache
spec:
  selector: {app: redis-sessions}
  ports:
  - {name: redis, port: 6379, targetPort: 6379}
  - {name: tls, port: 6380, targetPort: tls}
";

#[test]
fn server_ports_password_secret_and_service() {
    let s = scan(&[("cache/redis.yaml", REDIS)]);
    let server = s
        .facts
        .iter()
        .find_map(|f| {
            if let Fact::Workload(w) = f {
                w.server.clone()
            } else {
                None
            }
        })
        .expect("a Redis server");
    assert_eq!(
        (server.port, server.tls_port, server.requires_auth),
        (Some(6379), Some(6380), true)
    );
    assert_eq!(
        server.password_secrets,
        [("redis-auth".to_string(), "password".to_string())]
    );
    let svc = s
        .facts
        .iter()
        .find_map(|f| {
            if let Fact::Service(s) = f {
                Some(s)
            } else {
                None
            }
        })
        .unwrap();
    assert_eq!(svc.ports[1].target_port_name.as_deref(), Some("tls"));
    assert_eq!(line(&svc.defined_at), 23);
}

#[test]
fn env_literal_configmap_secret_envfrom_and_expansion() {
    let app = "\
apiVersion: v1
kind: ConfigMap
metadata: {name: billing, namespace: api}
data:
  redis.addr: redis-sessions.cache:6379
---
apiVersion: v1
kind: Secret
metadata: {name: auth-cache, namespace: api}
data:
  AUTH_CACHE_URL: cmVkaXM6Ly86aHVudGVyMkByZWRpcy1zZXNzaW9ucy5jYWNoZS5zdmMuY2x1c3Rlci5sb2NhbDo2Mzc5LzI=
---
apiVersion: v1
kind: ConfigMap
metadata: {name: queue-env, namespace: api}
data:
  HOST: redis-sessions.cache
  PORT: \"6380\"
  TLS: \"true\"
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: events-api, namespace: api}
spec:
  template:
    spec:
      containers:
      - name: app
        image: example/events:1
        envFrom:
        - configMapRef: {name: queue-env}
          prefix: QUEUE_REDIS_
        env:
        - name: SESSIONS
          value: redis://redis-sessions.cache:6379/0
        - name: CACHE_ADDR
          valueFrom:
            configMapKeyRef: {name: billing, key: redis.addr}
        - name: SESSION_STORE
          valueFrom:
            secretKeyRef: {name: auth-cache, key: AUTH_CACHE_URL}
        - name: REDIS_HOSTNAME
          value: redis-sessions
        - name: REDIS_FULL
          value: rediss://$(REDIS_HOSTNAME).cache:6380
";
    let s = scan(&[("cache/redis.yaml", REDIS), ("api/events.yaml", app)]);
    let rs = refs(&s);
    let find = |needle: &str| {
        rs.iter()
            .find(|r| r.evidence.detail.contains(needle))
            .unwrap_or_else(|| panic!("no reference via {needle}: {rs:#?}"))
    };
    let literal = find("env SESSIONS");
    assert_eq!(
        (
            literal.evidence.strength,
            literal.endpoint.tls,
            line(&literal.evidence.origin)
        ),
        (Strength::Explicit, Tls::No, 35)
    );
    assert_eq!(
        literal.consumer,
        ConsumerId::kube("api", "Deployment", "events-api")
    );

    let cm = find("configMapKeyRef api/billing key redis.addr");
    assert_eq!(
        (cm.evidence.strength, line(&cm.evidence.origin)),
        (Strength::Indirect, 5)
    );
    assert_eq!(
        (cm.endpoint.host.as_str(), cm.endpoint.port),
        ("redis-sessions.cache", Some(6379))
    );

    let secret = find("secretKeyRef api/auth-cache key AUTH_CACHE_URL");
    assert_eq!(
        (secret.evidence.strength, line(&secret.evidence.origin)),
        (Strength::Indirect, 11)
    );
    assert_eq!(
        secret.endpoint.host,
        "redis-sessions.cache.svc.cluster.local"
    );
    assert!(secret.credential.is_some(), "the URL carries a password");
    assert!(
        !format!("{s:?}").contains("hunter2"),
        "the password never leaves the scanner"
    );

    let prefixed = find("envFrom configMap api/queue-env");
    assert_eq!(
        (prefixed.endpoint.port, prefixed.endpoint.tls),
        (Some(6380), Tls::Yes)
    );

    let expanded = find("env REDIS_FULL");
    assert_eq!(
        (expanded.endpoint.host.as_str(), expanded.endpoint.tls),
        ("redis-sessions.cache", Tls::Yes)
    );
    // the bare REDIS_HOSTNAME is a reference too (a Redis-named host key)
    find("env REDIS_HOSTNAME");
}

#[test]
fn args_flags_and_urls_in_strings() {
    let app = "\
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: jobs}
spec:
  schedule: '0 1 * * *'
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: report
            image: example/report
            command: [\"/bin/report\", \"--redis-addr=redis-sessions.cache:6379\"]
            args:
            - --cache-host
            - redis-sessions.cache
            - sh -c 'redis-cli -u redis://redis-queue.jobs:6379 ping'
";
    let s = scan(&[("cache/redis.yaml", REDIS), ("jobs/nightly.yaml", app)]);
    let rs = refs(&s);
    let hosts: Vec<(&str, u32)> = rs
        .iter()
        .map(|r| (r.endpoint.host.as_str(), line(&r.evidence.origin)))
        .collect();
    assert!(hosts.contains(&("redis-sessions.cache", 13)), "{hosts:?}");
    assert!(
        hosts.contains(&("redis-sessions.cache", 15)),
        "--cache-host names a known Redis: {hosts:?}"
    );
    assert!(hosts.contains(&("redis-queue.jobs", 17)), "{hosts:?}");
    assert!(rs
        .iter()
        .all(|r| r.consumer == ConsumerId::kube("jobs", "CronJob", "nightly")));
}

#[test]
fn mounted_config_files_keep_their_lines() {
    let app = "\
apiVersion: v1
kind: ConfigMap
metadata: {name: reports-config, namespace: jobs}
data:
  settings.yaml: |
    output: s3://bucket
    cache:
      redis:
        host: redis-sessions.cache
        port: 6379
---
apiVersion: v1
kind: ConfigMap
metadata: {name: orphan, namespace: jobs}
data:
  REDIS_URL: redis://redis-sessions.cache:6379
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: reports, namespace: jobs}
spec:
  template:
    spec:
      volumes:
      - name: config
        configMap: {name: reports-config}
      containers:
      - name: app
        image: example/reports
        volumeMounts:
        - {name: config, mountPath: /etc/reports}
";
    let s = scan(&[("cache/redis.yaml", REDIS), ("jobs/reports.yaml", app)]);
    let rs = refs(&s);
    assert_eq!(rs.len(), 1, "the orphan ConfigMap is nobody's: {rs:#?}");
    let r = rs[0];
    assert_eq!(
        (r.endpoint.host.as_str(), r.endpoint.port),
        ("redis-sessions.cache", Some(6379))
    );
    assert_eq!(
        (r.evidence.strength, line(&r.evidence.origin)),
        (Strength::Indirect, 9)
    );
    assert!(
        r.evidence.detail.contains("/etc/reports/settings.yaml"),
        "{}",
        r.evidence.detail
    );
}

#[test]
fn hints_are_inferred_never_explicit() {
    let app = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: repo-server, namespace: cache}
spec:
  template:
    metadata:
      labels: {app: repo-server}
    spec:
      containers:
      - name: app
        image: example/repo
        env:
        - name: REDIS_PASSWORD
          valueFrom:
            secretKeyRef: {name: redis-auth, key: password}
        - name: REDIS_SERVER
          valueFrom:
            configMapKeyRef: {name: params, key: redis.server, optional: true}
        - name: REDIS_CACHE_ENABLED
          value: \"false\"
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: redis-np, namespace: cache}
spec:
  podSelector:
    matchLabels: {app: redis-sessions}
  ingress:
  - from:
    - podSelector:
        matchLabels: {app: repo-server}
";
    let s = scan(&[("cache/redis.yaml", REDIS), ("cache/repo.yaml", app)]);
    assert!(refs(&s).is_empty(), "no address anywhere: {:#?}", refs(&s));
    let hints: Vec<_> = s
        .facts
        .iter()
        .filter_map(|f| if let Fact::Hint(h) = f { Some(h) } else { None })
        .collect();
    assert!(hints
        .iter()
        .all(|h| h.evidence.strength == Strength::Inferred));
    let kinds: Vec<(&str, u32)> = hints
        .iter()
        .map(|h| {
            let k = match &h.target {
                HintTarget::SecretKey { .. } => "secret-key",
                HintTarget::AnyInScope(_) => "unreadable",
                HintTarget::PodSelector { .. } => "network-policy",
                HintTarget::Name { .. } => "name",
            };
            (k, line(&h.evidence.origin))
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("secret-key", 13),
            ("unreadable", 16),
            ("network-policy", 31)
        ]
    );
}

#[test]
fn pods_and_replicasets_fold_into_their_owners() {
    let text = "\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata:
    name: web-5d9c7b-x2x9z
    namespace: api
    labels: {pod-template-hash: 5d9c7b, app: web}
  spec:
    containers:
    - name: web
      image: example/web
      env:
      - {name: REDIS_URL, value: 'redis://redis-sessions.cache:6379'}
  status: {podIP: 10.1.2.3}
- apiVersion: v1
  kind: Pod
  metadata:
    name: worker-0
    namespace: api
    ownerReferences: [{kind: StatefulSet, name: worker, controller: true}]
  spec:
    hostNetwork: true
    containers: [{name: w, image: example/w}]
  status: {podIP: 192.168.0.7}
";
    let (objects, diags) = parse_manifests("pods.yaml", text);
    assert!(diags.is_empty());
    assert_eq!(objects.len(), 2);
    let s = scan_objects(&objects, &Options::default());
    let pods: Vec<_> = s
        .facts
        .iter()
        .filter_map(|f| if let Fact::Pod(p) = f { Some(p) } else { None })
        .collect();
    assert_eq!(
        pods[0].workload,
        ConsumerId::kube("api", "Deployment", "web")
    );
    assert_eq!(
        (pods[1].workload.to_string().as_str(), pods[1].host_network),
        ("api/StatefulSet/worker", true)
    );
    assert_eq!(
        refs(&s)[0].consumer,
        ConsumerId::kube("api", "Deployment", "web")
    );
    assert_eq!(line(&refs(&s)[0].evidence.origin), 15);
}

#[test]
fn json_manifests_and_other_kinds_with_pod_templates() {
    let json = r#"{"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
 "metadata": {"name": "checkout", "namespace": "shop"},
 "spec": {"template": {"spec": {"containers": [
   {"name": "c", "image": "example/checkout",
    "env": [{"name": "REDIS_ADDR", "value": "redis-cart:6379"}]}]}}}}"#;
    let s = scan(&[("rollout.json", json)]);
    let r = refs(&s)[0];
    assert_eq!(r.consumer, ConsumerId::kube("shop", "Rollout", "checkout"));
    assert_eq!(line(&r.evidence.origin), 5, "JSON keeps real lines");
}

#[test]
fn bad_yaml_is_reported_with_position_and_the_rest_scanned() {
    let text = "\
apiVersion: v1
kind: ConfigMap
metadata: {name: ok}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: broken
   namespace: x
spec: {}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: fine}
spec:
  template:
    spec:
      containers: [{name: a, image: example/a, env: [{name: REDIS_URL, value: 'redis://r:6379'}]}]
";
    let (objects, diags) = parse_manifests("bad.yaml", text);
    assert_eq!(objects.len(), 2);
    assert_eq!(diags.len(), 1);
    let d = &diags[0];
    assert_eq!(
        (d.code, d.path.as_deref(), d.line),
        ("yaml-parse", Some("bad.yaml"), Some(9))
    );
    assert!(d.col.is_some());
}

#[test]
fn non_kubernetes_yaml_is_passed_over_and_templates_said_so() {
    let (objects, diags) = parse_manifests("values.yaml", "replicaCount: 2\nredis:\n  host: r\n");
    assert!(objects.is_empty() && diags.is_empty());
    let (objects, diags) = parse_manifests(
        "templates/deploy.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n  labels:\n    {{- include \"x\" . | nindent 4 }}\n",
    );
    assert!(objects.is_empty());
    assert_eq!(diags[0].code, "helm-template");
}

#[test]
fn services_externalname_and_endpoints() {
    let text = "\
apiVersion: v1
kind: Service
metadata: {name: sessions-cache, namespace: notify}
spec: {type: ExternalName, externalName: redis-sessions.cache.svc.cluster.local}
---
apiVersion: v1
kind: Service
metadata: {name: legacy-redis, namespace: notify}
spec:
  ports: [{port: 6379}]
---
apiVersion: v1
kind: Endpoints
metadata: {name: legacy-redis, namespace: notify}
subsets: [{addresses: [{ip: 10.9.9.9}], ports: [{port: 6379}]}]
---
apiVersion: v1
kind: Service
metadata: {name: redis-headless, namespace: cache}
spec: {clusterIP: None, selector: {app: redis-sessions}}
";
    let s = scan(&[("svc.yaml", text)]);
    let services: Vec<_> = s
        .facts
        .iter()
        .filter_map(|f| {
            if let Fact::Service(s) = f {
                Some(s)
            } else {
                None
            }
        })
        .collect();
    assert_eq!(
        services[0].external_name.as_deref(),
        Some("redis-sessions.cache.svc.cluster.local")
    );
    assert!(services[1].selector.is_none());
    assert!(services[2].headless);
    let backends: Vec<_> = s
        .facts
        .iter()
        .filter_map(|f| {
            if let Fact::ServiceBackends(b) = f {
                Some(b)
            } else {
                None
            }
        })
        .collect();
    assert_eq!(backends[0].addresses, ["10.9.9.9"]);
}

#[test]
fn objects_from_the_api_go_through_the_same_code() {
    let value = serde_json::json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "api"},
        "spec": {"template": {"spec": {"containers": [{"name": "w", "image": "x",
            "env": [{"name": "REDIS_URL", "value": "redis://redis-sessions.cache:6379"}]}]}}}
    });
    let obj: Object = fallout_scan::k8s::object_from_json("kube://prod/api/Deployment/web", &value);
    let s = scan_objects(&[obj], &Options::default());
    let r = refs(&s)[0];
    assert_eq!(
        r.evidence.origin.path(),
        Some("kube://prod/api/Deployment/web")
    );
    assert_eq!(
        r.evidence.detail,
        "env REDIS_URL = redis://redis-sessions.cache:6379"
    );
}

#[test]
fn unreadable_secrets_leave_a_hint_that_says_so() {
    let text = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: events-api, namespace: api}
spec:
  template:
    spec:
      containers:
      - name: app
        image: example/events
        env:
        - name: SESSION_STORE_URL
          valueFrom:
            secretKeyRef: {name: auth-cache, key: url}
";
    let (objects, _) = parse_manifests("e.yaml", text);
    let quiet = scan_objects(&objects, &Options::default());
    assert!(
        quiet.facts.iter().all(|f| !matches!(f, Fact::Hint(_))),
        "a Secret not in the repo is not a Redis hint by itself"
    );
    let opts = Options {
        unreadable_secrets: vec!["api".into()],
        ..Options::default()
    };
    let s = scan_objects(&objects, &opts);
    let hint = s
        .facts
        .iter()
        .find_map(|f| if let Fact::Hint(h) = f { Some(h) } else { None })
        .expect("hint");
    assert!(
        hint.evidence.detail.contains("Secret not readable"),
        "{}",
        hint.evidence.detail
    );
}

/// Red-team findings, each once.
mod regressions {
    use super::*;

    fn hosts(s: &fallout_scan::Scanned) -> Vec<String> {
        let mut h: Vec<String> = refs(s).iter().map(|r| r.endpoint.raw.clone()).collect();
        h.sort();
        h
    }

    #[test]
    fn redis_named_settings_that_are_not_addresses_are_not_references() {
        let text = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: app, namespace: web}
spec:
  template:
    spec:
      containers:
        - name: app
          image: acme/app:1
          env:
            - {name: REDIS_CLIENT, value: predis}
            - {name: REDIS_KEY_PREFIX, value: shop}
            - {name: REDIS_MAXMEMORY_POLICY, value: allkeys-lru}
            - {name: REDIS_SENTINEL_MASTER, value: mymaster}
            - {name: REDIS_REPLICATION_MODE, value: master}
            - {name: REDIS_SCHEME, value: tls}
            - {name: REDIS_LOG_LEVEL, value: debug}
            - {name: REDIS_SERVICE, value: redis-main.data:6379}
";
        let s = scan(&[("app.yaml", text)]);
        assert_eq!(
            hosts(&s),
            ["redis-main.data:6379"],
            "only the value that looks like an address"
        );
    }

    #[test]
    fn a_non_redis_service_with_a_redis_name_elsewhere_is_not_claimed() {
        let text = "\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: cache, namespace: data}
spec:
  template:
    metadata: {labels: {app: cache}}
    spec: {containers: [{name: redis, image: 'redis:7'}]}
---
apiVersion: v1
kind: Service
metadata: {name: cache, namespace: data}
spec: {selector: {app: cache}, ports: [{port: 6379}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: shop, namespace: web}
spec:
  template:
    spec:
      containers:
        - name: app
          image: acme/shop:1
          env:
            - {name: CACHE_HOST, value: cache}
            - {name: CACHE_PORT, value: '11211'}
            - {name: SESSION_HOST, value: cache.data}
";
        let s = scan(&[("a.yaml", text)]);
        assert_eq!(
            hosts(&s),
            ["cache.data"],
            "`cache` in web is memcached; `cache.data` is the Redis"
        );
    }

    #[test]
    fn field_refs_framework_schemes_commander_hosts_and_externalnames() {
        let text = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: redis, namespace: shop}
spec:
  template:
    metadata: {labels: {app: redis}}
    spec: {containers: [{name: redis, image: 'redis:7'}]}
---
apiVersion: v1
kind: Service
metadata: {name: redis, namespace: shop}
spec: {selector: {app: redis}, ports: [{port: 6379}]}
---
apiVersion: v1
kind: Service
metadata: {name: shared-cache, namespace: shop}
spec: {type: ExternalName, externalName: redis.shop.svc.cluster.local}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: worker, namespace: shop}
spec:
  template:
    spec:
      containers:
        - name: w
          image: acme/w:1
          env:
            - name: POD_NAMESPACE
              valueFrom: {fieldRef: {fieldPath: metadata.namespace}}
            - {name: CELERY_BROKER_URL, value: 'redis://redis.$(POD_NAMESPACE).svc.cluster.local:6379/1'}
        - {name: c, image: acme/c:1, env: [{name: CACHE_URL, value: 'rediscache://redis:6379/2'}]}
        - {name: ui, image: rediscommander/redis-commander, env: [{name: REDIS_HOSTS, value: 'local:redis:6379:0:hunter2'}]}
        - {name: e, image: acme/e:1, env: [{name: CACHE_ADDR, value: 'shared-cache'}]}
";
        let s = scan(&[("a.yaml", text)]);
        assert_eq!(
            hosts(&s),
            [
                "redis://redis.shop.svc.cluster.local:6379/1", // $(POD_NAMESPACE) from the fieldRef
                "redis://redis:6379/2",                        // rediscache:// read as redis://
                "redis:6379",                                  // label:host:port:db:password
                "shared-cache",                                // an ExternalName to the Redis
            ]
        );
        assert!(!format!("{s:?}").contains("hunter2"));
    }

    #[test]
    fn sidecars_of_a_redis_pod_are_not_its_consumers() {
        let text = "\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis, namespace: c}
spec:
  template:
    spec:
      containers:
        - name: redis
          image: redis:7
          args: ['--requirepass', '$(REDIS_PASSWORD)']
          env: [{name: REDIS_PASSWORD, valueFrom: {secretKeyRef: {name: redis-auth, key: password}}}]
        - name: exporter
          image: oliver006/redis_exporter
          env: [{name: REDIS_PASSWORD, valueFrom: {secretKeyRef: {name: redis-auth, key: password}}}]
";
        let s = scan(&[("a.yaml", text)]);
        assert!(
            s.facts.iter().all(|f| !matches!(f, Fact::Hint(_))),
            "{:#?}",
            s.facts
        );
    }
}

#[test]
fn two_objects_without_a_separator_are_an_error_not_a_silent_loss() {
    let text = "apiVersion: v1\nkind: Service\nmetadata: {name: redis}\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: redis}\n";
    let (_, diags) = parse_manifests("two.yaml", text);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(
        (diags[0].code, diags[0].line),
        ("yaml-duplicate-key", Some(4))
    );
}

/// A URL written under a Secret's `data:` (meant for `stringData:`) is no
/// base64: Kubernetes refuses the Secret, and the scan says so at the
/// value, naming the key and never the value. Binary data (valid base64 of
/// bytes that are no text) is no error.
#[test]
fn secret_data_that_is_not_base64_is_an_error_at_its_line() {
    let s = scan(&[(
        "all.yaml",
        "apiVersion: v1
kind: Secret
metadata: {name: api-env, namespace: app}
data:
  REDIS_BACKUP_URL: redis://:PlainInDataPw_888@redis.app:6379/1
  KEYSTORE: /////w==
  OK_URL: cmVkaXM6Ly9yZWRpcy5hcHA6NjM3OS8w
",
    )]);
    let errors: Vec<String> = s
        .diagnostics
        .iter()
        .filter(|d| d.code == "secret-data-invalid")
        .map(|d| {
            format!(
                "{:?} {}:{} {}",
                d.severity,
                d.path.as_deref().unwrap_or(""),
                d.line.unwrap_or(0),
                d.message
            )
        })
        .collect();
    assert_eq!(
        errors,
        ["Error all.yaml:5 app/Secret/api-env key REDIS_BACKUP_URL: a `data:` value must be base64 and this one is not, so Kubernetes refuses the Secret and the scan cannot read it; write it under `stringData:`, or base64-encode it"]
    );
    assert!(!format!("{:?}", s.diagnostics).contains("PlainInDataPw_888"));
}

/// A Redis told to read a config file the scan does not have (its
/// ConfigMap is elsewhere) is marked so: its TLS may be set there. With the
/// ConfigMap in the scan, it is read and the mark is off.
#[test]
fn a_server_config_file_out_of_the_scan_is_marked_unread() {
    let redis = "apiVersion: apps/v1
kind: Deployment
metadata: {name: redis, namespace: c}
spec:
  selector: {matchLabels: {app: redis}}
  template:
    metadata: {labels: {app: redis}}
    spec:
      containers:
        - name: redis
          image: redis:7
          args: [\"/etc/redis/redis.conf\"]
          volumeMounts: [{name: conf, mountPath: /etc/redis}]
      volumes: [{name: conf, configMap: {name: redis-config}}]
";
    let config = "apiVersion: v1
kind: ConfigMap
metadata: {name: redis-config, namespace: c}
data:
  redis.conf: |
    port 0
    tls-port 6380
";
    let server = |s: &fallout_scan::Scanned| {
        s.facts
            .iter()
            .find_map(|f| match f {
                Fact::Workload(w) => w.server.clone(),
                _ => None,
            })
            .expect("a server")
    };
    let alone = server(&scan(&[("redis.yaml", redis)]));
    assert!(alone.config_unread);
    assert_eq!((alone.port, alone.tls_port), (Some(6379), None));
    let with = server(&scan(&[("redis.yaml", redis), ("config.yaml", config)]));
    assert!(!with.config_unread);
    assert_eq!((with.port, with.tls_port), (None, Some(6380)));
}

/// `kubectl apply -f <folder>` reads `.yaml`, `.yml` and `.json` files only:
/// a backup copy beside a manifest (`app.yaml.bak`) is no second workload.
#[test]
fn backup_copies_are_no_manifests() {
    let app = "apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: a}
spec:
  template:
    spec:
      containers: [{name: api, image: acme/api, env: [{name: REDIS_URL, value: \"redis://redis.cache:6379\"}]}]
";
    let s = scan_files(
        &[
            fallout_scan::SourceFile {
                path: "k/app.yaml".into(),
                text: app.into(),
            },
            fallout_scan::SourceFile {
                path: "k/app.yaml.bak".into(),
                text: app.into(),
            },
            fallout_scan::SourceFile {
                path: "k/APP.YML".into(),
                text: app.replace("name: api,", "name: api2,"),
            },
        ],
        Vec::new(),
        &Options::default(),
    );
    let origins: Vec<String> = refs(&s)
        .iter()
        .map(|r| r.evidence.origin.to_string())
        .collect();
    assert_eq!(origins, ["k/app.yaml:7", "k/APP.YML:7"]);
    assert!(fallout_scan::k8s::is_manifest_path("<stdin>"));
    assert!(!fallout_scan::k8s::is_manifest_path("k/app.yaml~"));
}

/// Where a server is told to require a password (scenario reviews #1 and
/// #3): the `--requirepass` argument, else the container's `env` entry
/// for the password variable; not the Secret's data line, which is the
/// credential's.
#[test]
fn a_servers_password_is_required_where_its_container_says_so() {
    let secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: redis, namespace: data}\ndata:\n  password: czNjcjN0\n";
    let bitnami = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: redis-master, namespace: data}\nspec:\n  template:\n    spec:\n      containers:\n        - name: redis\n          image: bitnami/redis:7.2\n          env:\n            - name: ALLOW_EMPTY_PASSWORD\n              value: \"no\"\n            - name: REDIS_PASSWORD\n              valueFrom:\n                secretKeyRef: {name: redis, key: password}\n";
    let airflow = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: airflow-redis, namespace: data}\nspec:\n  template:\n    spec:\n      containers:\n        - name: redis\n          image: redis:7-bookworm\n          command: [\"/bin/sh\"]\n          args: [\"-c\", \"redis-server --requirepass ${REDIS_PASSWORD}\"]\n          env:\n            - name: REDIS_PASSWORD\n              valueFrom:\n                secretKeyRef: {name: redis, key: password}\n";
    let s = scan(&[
        ("secret.yaml", secret),
        ("bitnami.yaml", bitnami),
        ("airflow.yaml", airflow),
    ]);
    let mut origins: Vec<(String, String)> = s
        .facts
        .iter()
        .filter_map(|f| match f {
            Fact::Workload(w) => w.server.as_ref().map(|srv| {
                (
                    w.id.to_string(),
                    srv.auth_origin
                        .as_ref()
                        .map(|o| o.to_string())
                        .unwrap_or_default(),
                )
            }),
            _ => None,
        })
        .collect();
    origins.sort();
    assert_eq!(
        origins,
        [
            (
                "data/StatefulSet/airflow-redis".to_string(),
                "airflow.yaml:11".to_string()
            ),
            (
                "data/StatefulSet/redis-master".to_string(),
                "bitnami.yaml:13".to_string()
            ),
        ]
    );
}

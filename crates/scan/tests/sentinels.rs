//! Sentinels told apart from the Redis beside them (scenario review H3,
//! H4): Bitnami's sentinel-mode chart mounts `sentinel.conf` into the
//! Redis container too, whose `port 26379` made the Redis a server on
//! 26379; `command: ["redis-sentinel"]` on the plain `redis` image is a
//! Sentinel, not a Redis on 6379.

mod common;

use common::{files, servers};
use fallout_core::Fact;
use fallout_scan::k8s::Options;
use fallout_scan::scan_files;

fn scan(manifest: &str) -> fallout_scan::Scanned {
    scan_files(
        &files(&[("deploy/redis.yaml", manifest)]),
        Vec::new(),
        &Options::default(),
    )
}

fn sentinel_flags(s: &fallout_scan::Scanned) -> Vec<(String, bool)> {
    s.facts
        .iter()
        .filter_map(|f| match f {
            Fact::Workload(w) => w
                .server
                .as_ref()
                .map(|srv| (w.id.to_string(), srv.sentinel)),
            _ => None,
        })
        .collect()
}

const BITNAMI_SENTINEL: &str = "apiVersion: v1
kind: ConfigMap
metadata: {name: redis-configuration, namespace: default}
data:
  redis.conf: |-
    appendonly yes
  sentinel.conf: |-
    dir \"/tmp\"
    port 26379
    sentinel monitor mymaster redis-node-0.redis-headless.default.svc.cluster.local 6379 2
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis-node, namespace: default}
spec:
  template:
    metadata:
      labels: {app.kubernetes.io/name: redis}
    spec:
      containers:
        - name: redis
          image: docker.io/bitnami/redis:7.2.4-debian-12-r9
          command: [/bin/bash]
          args: [-c, /opt/bitnami/scripts/start-scripts/start-node.sh]
          env:
            - {name: REDIS_PORT, value: \"6379\"}
            - {name: REDIS_SENTINEL_PORT, value: \"26379\"}
          ports:
            - {name: redis, containerPort: 6379}
          volumeMounts:
            - {name: config, mountPath: /opt/bitnami/redis/mounted-etc}
        - name: sentinel
          image: docker.io/bitnami/redis-sentinel:7.2.4-debian-12-r7
          ports:
            - {name: redis-sentinel, containerPort: 26379}
          volumeMounts:
            - {name: config, mountPath: /opt/bitnami/redis-sentinel/mounted-etc}
      volumes:
        - name: config
          configMap: {name: redis-configuration}
";

#[test]
fn a_sentinel_conf_beside_the_redis_config_sets_no_port_of_the_redis() {
    let s = scan(BITNAMI_SENTINEL);
    assert_eq!(
        servers(&s),
        ["default/StatefulSet/redis-node port=6379 tls-port=- auth=false aliases="]
    );
    assert_eq!(
        sentinel_flags(&s),
        [("default/StatefulSet/redis-node".to_string(), false)]
    );
}

const COMMAND_SENTINEL: &str = "apiVersion: apps/v1
kind: StatefulSet
metadata: {name: sentinel, namespace: default}
spec:
  template:
    spec:
      containers:
        - name: sentinel
          image: redis:7.0.10-alpine
          command: [\"redis-sentinel\"]
          args: [\"/etc/redis/sentinel.conf\"]
          ports:
            - {containerPort: 5000, name: sentinel}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: plain-sentinel, namespace: default}
spec:
  template:
    spec:
      containers:
        - name: sentinel
          image: redis:7.2
          args: [\"redis-server\", \"--sentinel\"]
";

#[test]
fn redis_sentinel_as_the_command_is_a_sentinel() {
    let s = scan(COMMAND_SENTINEL);
    assert_eq!(
        servers(&s),
        [
            // Its sentinel.conf is written at run time (not in the scan):
            // the one port the container declares is where it listens.
            "default/StatefulSet/plain-sentinel port=26379 tls-port=- auth=false aliases=",
            "default/StatefulSet/sentinel port=5000 tls-port=- auth=false aliases=",
        ]
    );
    assert!(sentinel_flags(&s).iter().all(|(_, sentinel)| *sentinel));
}

#[test]
fn a_declared_port_is_taken_only_when_the_config_is_out_of_sight() {
    // The same container with no config file named: the default holds.
    let s = scan(&COMMAND_SENTINEL.replace("          args: [\"/etc/redis/sentinel.conf\"]\n", ""));
    assert!(
        servers(&s).contains(
            &"default/StatefulSet/sentinel port=26379 tls-port=- auth=false aliases=".to_string()
        ),
        "{:?}",
        servers(&s)
    );
}

/// Scenario review M1: `sentinel auth-pass <master> <password>` is the
/// password of the Sentinel's own connection to the primary (it was "no
/// password", so `auth=required` said the Sentinel breaks).
#[test]
fn sentinel_auth_pass_is_the_sentinels_credential() {
    let manifest = "apiVersion: v1
kind: ConfigMap
metadata: {name: sentinel-config, namespace: cache}
data:
  sentinel.conf: |
    port 26379
    sentinel monitor mymaster redis-0.redis 6379 2
    sentinel auth-pass mymaster Sentinel-Pw-9f2
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: sentinel, namespace: cache}
spec:
  template:
    spec:
      containers:
        - name: sentinel
          image: redis:7.2
          command: [redis-sentinel, /etc/redis/sentinel.conf]
          volumeMounts:
            - {name: config, mountPath: /etc/redis}
      volumes:
        - name: config
          configMap: {name: sentinel-config}
";
    let s = scan(manifest);
    let refs = common::references(&s);
    assert_eq!(refs.len(), 1, "{refs:#?}");
    assert!(
        refs[0].starts_with("cache/StatefulSet/sentinel -> redis-0.redis:6379 "),
        "{refs:#?}"
    );
    assert!(
        refs[0].ends_with("[credential deploy/redis.yaml:8]"),
        "{refs:#?}"
    );
    common::assert_no_secret(&s, &["Sentinel-Pw-9f2"]);
}

/// A Sentinel mounting the Redis's `redis.conf` beside its own
/// `sentinel.conf` reads only its own (code review: `port 6380` of the
/// Redis had become the Sentinel's).
#[test]
fn a_sentinel_reads_its_own_conf_only() {
    let manifest = "apiVersion: v1
kind: ConfigMap
metadata: {name: conf, namespace: cache}
data:
  redis.conf: |
    port 6380
    requirepass Not-The-Sentinels-9
  sentinel.conf: |
    port 26380
    sentinel monitor m redis-0.redis 6380 2
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: sentinel, namespace: cache}
spec:
  template:
    spec:
      containers:
        - name: sentinel
          image: bitnami/redis-sentinel:7.2
          volumeMounts:
            - {name: conf, mountPath: /opt/bitnami/redis-sentinel/etc}
      volumes:
        - name: conf
          configMap: {name: conf}
";
    let s = scan(manifest);
    assert_eq!(
        servers(&s),
        ["cache/StatefulSet/sentinel port=26380 tls-port=- auth=false aliases="]
    );
}

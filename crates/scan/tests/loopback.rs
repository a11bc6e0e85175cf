//! `localhost` is the consumer's own network: the Redis of its pod, or of
//! the compose service whose network it joins, and never another one
//! (fixtures/sidecar-redis, and one case per test below).

mod common;

use common::{diagnostics, files, fixture, hints, load, references, servers};
use fallout_scan::k8s::Options;
use fallout_scan::{scan_files, Scanned};

fn scan_fixture() -> Scanned {
    scan_files(
        &load(&fixture("sidecar-redis")),
        Vec::new(),
        &Options::default(),
    )
}

fn scan(list: &[(&str, &str)]) -> Scanned {
    scan_files(&files(list), Vec::new(), &Options::default())
}

fn messages(s: &Scanned, code: &str) -> Vec<String> {
    s.diagnostics
        .iter()
        .filter(|d| d.code == code)
        .map(|d| d.message.clone())
        .collect()
}

#[test]
fn each_pod_reaches_the_redis_beside_it() {
    let s = scan_fixture();
    assert_eq!(
        servers(&s),
        [
            "compose/compose.yaml#redis port=6379 tls-port=- auth=false aliases=redis",
            // a native sidecar (an init container that always restarts) runs a server
            "shop/Deployment/cart port=6379 tls-port=- auth=false aliases=",
            "shop/Deployment/checkout port=6379 tls-port=6380 auth=false aliases=",
        ]
    );
    let k8s: Vec<String> = references(&s)
        .into_iter()
        .filter(|r| r.starts_with("shop/"))
        .collect();
    assert_eq!(
        k8s,
        [
            // an init container after the sidecar
            "shop/Deployment/cart -> 127.0.0.1:6379 tls=unknown explicit k8s/shop.yaml:23 | env REDIS_HOST + REDIS_PORT = 127.0.0.1:6379 (container migrate, to the Redis in its own pod) [network of shop/Deployment/cart]",
            "shop/Deployment/cart -> localhost:6379 db=0 tls=no explicit k8s/shop.yaml:31 | env REDIS_URL = redis://localhost:6379/0 (container app, to the Redis in its own pod) [network of shop/Deployment/cart]",
            "shop/Deployment/checkout -> localhost:6379 db=1 tls=no explicit k8s/shop.yaml:50 | env SESSION_REDIS_URL = redis://localhost:6379/1 (container app, to the Redis in its own pod) [network of shop/Deployment/checkout]",
        ]
    );
    // No Redis in ledger's pod: said where, linked to nothing.
    assert!(diagnostics(&s).contains(&"info loopback-unlinked k8s/shop.yaml:72".to_string()));
    assert_eq!(
        messages(&s, "loopback-unlinked")
            .into_iter()
            .filter(|m| m.contains("ledger"))
            .collect::<Vec<_>>(),
        ["env REDIS_URL = redis://localhost:6379 names localhost:6379, the pod's own network, and no container of shop/Deployment/ledger runs a Redis: linked to none (a Redis inside the same container, a proxy sidecar or, with hostNetwork, the node may answer there)"]
    );
}

#[test]
fn a_compose_service_in_its_redis_network_reaches_that_redis() {
    let s = scan_fixture();
    let compose: Vec<String> = references(&s)
        .into_iter()
        .filter(|r| r.starts_with("compose/"))
        .collect();
    assert_eq!(
        compose,
        ["compose/compose.yaml#app -> localhost:6379 db=0 tls=no explicit compose/compose.yaml:11 | env REDIS_URL = redis://localhost:6379/0 (network_mode: service:redis at compose/compose.yaml:9: its localhost is redis's) [network of compose/compose.yaml#redis]"]
    );
}

/// `network_mode: host`: whatever listens on the host's port; the Redis
/// service that publishes it is a lead (inferred), not a fact.
#[test]
fn host_network_is_a_lead_to_the_service_that_publishes_the_port() {
    let s = scan_fixture();
    assert_eq!(
        hints(&s),
        ["compose/compose.yaml#worker ~> redis in compose:compose/compose.yaml inferred compose/compose.yaml:17 | env REDIS_HOST + REDIS_PORT = localhost:6379 (runs with network_mode: host (compose/compose.yaml:14), where localhost is the host's and any process on it may answer; service redis publishes port 6379 there)"]
    );
    assert!(diagnostics(&s).contains(&"info loopback-unlinked compose/compose.yaml:17".to_string()));
    // Nothing published there: no lead at all.
    let s = scan(&[(
        "compose.yaml",
        "services:\n  redis:\n    image: redis:7\n  worker:\n    image: w\n    network_mode: host\n    environment:\n      REDIS_URL: redis://localhost:6379\n",
    )]);
    assert!(hints(&s).is_empty(), "{:?}", hints(&s));
    assert!(references(&s).is_empty(), "{:?}", references(&s));
    assert_eq!(
        messages(&s, "loopback-unlinked"),
        ["env REDIS_URL = redis://localhost:6379 names localhost:6379, and `worker` runs with network_mode: host (compose.yaml:6), where localhost is the host's and any process on it may answer: linked to no Redis"]
    );
}

/// `container:<name>` is the service of that `container_name`; a chain of
/// joins ends at the Redis; a network with no Redis in it links nothing.
#[test]
fn compose_container_joins_and_chains() {
    let s = scan(&[(
        "compose.yaml",
        "services:\n  cache:\n    image: valkey/valkey:8\n    container_name: notes-cache\n  proxy:\n    image: envoyproxy/envoy:v1\n    network_mode: container:notes-cache\n  app:\n    image: a\n    network_mode: service:proxy\n    environment:\n      REDIS_ADDR: 127.0.0.1:6379\n  metrics:\n    image: m\n    network_mode: service:web\n    environment:\n      REDIS_URL: redis://localhost:6379\n  web:\n    image: nginx\n  exporter:\n    image: oliver006/redis_exporter:v1.62.0\n    network_mode: service:cache\n    environment:\n      REDIS_ADDR: redis://localhost:6379\n",
    )]);
    assert_eq!(
        references(&s),
        ["compose.yaml#app -> 127.0.0.1:6379 tls=unknown explicit compose.yaml:12 | env REDIS_ADDR = 127.0.0.1:6379 (network_mode: service:proxy at compose.yaml:10, network_mode: container:notes-cache at compose.yaml:7: its localhost is cache's) [network of compose.yaml#cache]"]
    );
    assert_eq!(
        messages(&s, "loopback-unlinked"),
        ["env REDIS_URL = redis://localhost:6379 names localhost:6379, and `metrics` shares the network of service web (network_mode: service:web at compose.yaml:15), which runs no Redis: linked to no Redis"]
    );
}

/// The server's own container, a Sentinel and a metrics exporter beside it
/// are the Redis, not its consumers; a Redis image that only runs
/// `redis-cli` (an init container waiting for it) is a consumer of its pod's
/// Redis: the workload itself.
#[test]
fn the_redis_and_its_companions_are_no_consumers_but_a_client_beside_it_is() {
    let s = scan(&[(
        "redis.yaml",
        "apiVersion: apps/v1
kind: StatefulSet
metadata: {name: redis, namespace: c}
spec:
  template:
    spec:
      initContainers:
        - name: ping
          image: redis:7
          command: [sh, -c, 'redis-cli -h 127.0.0.1 -p 6379 ping']
      containers:
        - name: redis
          image: bitnami/redis:7.2
          env: [{name: REDIS_MASTER_HOST, value: localhost}, {name: REDIS_MASTER_PORT_NUMBER, value: '6379'}]
        - name: sentinel
          image: bitnami/redis-sentinel:7.2
          env: [{name: REDIS_MASTER_HOST, value: 127.0.0.1}]
        - name: exporter
          image: oliver006/redis_exporter:v1.62.0
          env: [{name: REDIS_ADDR, value: 'redis://[::1]:6379'}]
        - name: app
          image: acme/app:1
          env: [{name: REDIS_URL, value: 'redis://[::1]:6379/2'}]
",
    )]);
    let found = references(&s);
    assert_eq!(
        found,
        [
            "c/StatefulSet/redis -> 127.0.0.1:6379 tls=unknown explicit redis.yaml:10 | args -h + redis.cli.port = 127.0.0.1:6379 (container ping, to the Redis in its own pod) [network of c/StatefulSet/redis]",
            // IPv6 loopback, bracketed in a URL
            "c/StatefulSet/redis -> ::1:6379 db=2 tls=no explicit redis.yaml:23 | env REDIS_URL = redis://[::1]:6379/2 (container app, to the Redis in its own pod) [network of c/StatefulSet/redis]",
        ],
        "{found:#?}"
    );
    assert!(messages(&s, "loopback-unlinked").is_empty());
}

/// A sidecar on its own port: a loopback address on that port is its,
/// whatever the key is called; one on a port it does not serve but that
/// says Redis is still its pod's (the impact says the port is wrong).
#[test]
fn the_sidecars_port_and_a_wrong_port() {
    let s = scan(&[(
        "app.yaml",
        "apiVersion: apps/v1
kind: Deployment
metadata: {name: app, namespace: n}
spec:
  template:
    spec:
      containers:
        - name: app
          image: acme/app:1
          env:
            - {name: CACHE_ADDR, value: 'localhost:7000'}
            - {name: SESSIONS_REDIS_URL, value: 'redis://localhost:7001'}
            - {name: STATSD_ADDR, value: 'localhost:8125'}
        - name: cache
          image: redis:7
          args: ['--port', '7000']
",
    )]);
    assert_eq!(
        references(&s),
        [
            "n/Deployment/app -> localhost:7000 tls=unknown explicit app.yaml:11 | env CACHE_ADDR = localhost:7000 (container app, to the Redis in its own pod) [network of n/Deployment/app]",
            "n/Deployment/app -> localhost:7001 tls=no explicit app.yaml:12 | env SESSIONS_REDIS_URL = redis://localhost:7001 (container app, to the Redis in its own pod) [network of n/Deployment/app]",
        ]
    );
}

//! Envoy's `redis_proxy` filter (scenario review M2): the clusters it
//! routes to are Redis servers, with the cluster's upstream TLS and
//! `auth_password`. The endpoint had been read with TLS unknown and no
//! password, so `tls=required` and `auth=required` were wrong for an
//! Envoy sidecar in front of ElastiCache.

mod common;

use common::{assert_no_secret, diagnostics, files, references};
use fallout_scan::config::{read_file, Format};
use fallout_scan::k8s::Options;
use fallout_scan::scan_files;

const ENVOY: &str = r#"static_resources:
  listeners:
  - name: redis_listener
    address:
      socket_address: {address: 127.0.0.1, port_value: 6379}
    filter_chains:
    - filters:
      - name: envoy.filters.network.redis_proxy
        typed_config:
          "@type": type.googleapis.com/envoy.extensions.filters.network.redis_proxy.v3.RedisProxy
          stat_prefix: egress_redis
          prefix_routes:
            catch_all_route:
              cluster: elasticache
  clusters:
  - name: elasticache
    type: STRICT_DNS
    load_assignment:
      cluster_name: elasticache
      endpoints:
      - lb_endpoints:
        - endpoint:
            address:
              socket_address:
                address: checkout-cache.x1y2z3.clustercfg.euw1.cache.amazonaws.com
                port_value: 6379
    transport_socket:
      name: envoy.transport_sockets.tls
    typed_extension_protocol_options:
      envoy.filters.network.redis_proxy:
        "@type": type.googleapis.com/envoy.extensions.filters.network.redis_proxy.v3.RedisProtocolOptions
        auth_password:
          inline_string: envoy.inline.pw31
  - name: payments-api
    type: STRICT_DNS
    load_assignment:
      cluster_name: payments-api
      endpoints:
      - lb_endpoints:
        - endpoint:
            address:
              socket_address: {address: payments.internal, port_value: 8080}
"#;

#[test]
fn a_redis_proxy_cluster_is_a_redis_with_its_tls_and_password() {
    let read = read_file(Format::Yaml, "envoy/envoy.yaml", ENVOY);
    let mut keys: Vec<(&str, &str, u32)> = read
        .settings
        .iter()
        .filter(|s| s.key.starts_with("redis.envoy."))
        .map(|s| (s.key.as_str(), s.value.as_str(), s.line))
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            (
                "redis.envoy.elasticache.0.host",
                "checkout-cache.x1y2z3.clustercfg.euw1.cache.amazonaws.com",
                25
            ),
            ("redis.envoy.elasticache.0.password", "(auth_password)", 33),
            ("redis.envoy.elasticache.0.port", "6379", 26),
            ("redis.envoy.elasticache.0.tls", "true", 28),
        ]
    );
    // A cluster no redis_proxy routes to is left as it is.
    assert!(read
        .settings
        .iter()
        .any(|s| s.key.ends_with("socket_address.address") && s.value == "payments.internal"));
}

#[test]
fn an_envoy_sidecar_links_its_pod_to_the_redis_it_proxies() {
    let indent = |text: &str| {
        text.lines()
            .map(|l| format!("    {l}\n"))
            .collect::<String>()
    };
    let manifest = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: envoy-redis, namespace: checkout}}\ndata:\n  envoy.yaml: |\n{}---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: checkout, namespace: checkout}}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ghcr.io/acme/checkout:7.3.0\n          env:\n            - {{name: REDIS_HOST, value: 127.0.0.1}}\n            - {{name: REDIS_PORT, value: \"6379\"}}\n        - name: envoy\n          image: envoyproxy/envoy:v1.30.1\n          args: [\"-c\", \"/etc/envoy/envoy.yaml\"]\n          volumeMounts:\n            - {{name: envoy-config, mountPath: /etc/envoy}}\n      volumes:\n        - name: envoy-config\n          configMap: {{name: envoy-redis}}\n",
        indent(ENVOY)
    );
    let s = scan_files(
        &files(&[("deploy/checkout.yaml", &manifest)]),
        Vec::new(),
        &Options::default(),
    );
    assert_eq!(
        references(&s),
        ["checkout/Deployment/checkout -> checkout-cache.x1y2z3.clustercfg.euw1.cache.amazonaws.com:6379 tls=yes indirect deploy/checkout.yaml:30 | file /etc/envoy/envoy.yaml key redis.envoy.elasticache.0.host <- configMap checkout/envoy-redis key envoy.yaml + redis.envoy.elasticache.0.port = checkout-cache.x1y2z3.clustercfg.euw1.cache.amazonaws.com:6379 [credential deploy/checkout.yaml:38]"]
    );
    assert_eq!(
        diagnostics(&s),
        ["info loopback-unlinked deploy/checkout.yaml:59"]
    );
    assert!(
        s.diagnostics[0]
            .message
            .contains("where its container envoy runs envoy, a Redis proxy"),
        "{}",
        s.diagnostics[0].message
    );
    assert_no_secret(&s, &["envoy.inline.pw31", "inline.pw31"]);
}

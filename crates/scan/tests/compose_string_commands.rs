//! A compose `command`/`entrypoint` written as a string (shell form) is
//! split with shell quoting, as compose does, and the script of a
//! `sh -c '…'` is read word by word, as the list form is. Written to fail
//! on the scanner that kept `sh -c '<script>'`'s script as one word and so
//! took a `redis-cli` job on the Redis image for a server.

mod common;

use common::{files, fixture, load, references, servers, workloads};
use fallout_scan::projects::scan_projects;

#[test]
fn the_fixture_reads_every_form_of_a_client_command_as_a_client() {
    let s = scan_projects(&load(&fixture("compose-shell-commands")));
    assert_eq!(
        servers(&s),
        [
            "compose.yaml#cache port=6390 tls-port=- auth=true aliases=cache",
            "compose.yaml#redis port=6379 tls-port=- auth=false aliases=redis",
        ]
    );
    assert_eq!(
        references(&s),
        [
            "compose.yaml#m1 -> redis:6379 tls=unknown explicit compose.yaml:6 | command -h = redis",
            "compose.yaml#m2 -> redis:6379 tls=unknown explicit compose.yaml:9 | command -h = redis",
            "compose.yaml#m3 -> redis:6379 tls=unknown explicit compose.yaml:13 | command -h + redis.cli.port = redis:6379",
        ]
    );
}

#[test]
fn string_commands_in_each_quoting() {
    let compose = r#"services:
  redis: { image: "redis:7" }
  single: { image: "redis:7", command: "sh -c 'redis-cli -h redis ping'" }
  double: { image: "redis:7", command: "bash -c \"redis-cli -h redis ping\"" }
  bare: { image: "redis:7", command: "redis-cli -h redis ping" }
  entry: { image: "redis:7", entrypoint: "sh -c", command: "'redis-cli -h redis ping'" }
  unclosed: { image: "redis:7", command: "sh -c 'redis-cli -h redis ping" }
  server: { image: "redis:7", command: "sh -c 'redis-server --port 6381'" }
"#;
    let s = scan_projects(&files(&[("compose.yaml", compose)]));
    assert_eq!(
        servers(&s),
        [
            "compose.yaml#redis port=6379 tls-port=- auth=false aliases=redis",
            "compose.yaml#server port=6381 tls-port=- auth=false aliases=server",
        ]
    );
    let consumers: Vec<String> = references(&s)
        .iter()
        .map(|r| r.split(" -> ").next().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        consumers,
        [
            "compose.yaml#bare",
            "compose.yaml#double",
            "compose.yaml#entry",
            "compose.yaml#single",
            "compose.yaml#unclosed",
        ]
    );
    assert_eq!(workloads(&s).len(), 7);
}

/// Kubernetes has no string form (`command`/`args` are lists), and its
/// list items go through the same word reading: `["sh", "-c", "redis-cli …"]`
/// is a client there too.
#[test]
fn kubernetes_sh_c_lists_read_the_same() {
    let manifest = r#"apiVersion: apps/v1
kind: Deployment
metadata: {name: monitor, namespace: cache}
spec:
  template:
    spec:
      containers:
        - name: monitor
          image: redis:7
          command: ["sh", "-c", "redis-cli -h redis monitor"]
"#;
    let s = fallout_scan::scan_files(
        &files(&[("monitor.yaml", manifest)]),
        Vec::new(),
        &fallout_scan::k8s::Options::default(),
    );
    assert!(servers(&s).is_empty(), "{:?}", servers(&s));
    assert_eq!(
        references(&s),
        ["cache/Deployment/monitor -> redis:6379 tls=unknown explicit monitor.yaml:10 | args -h = redis"]
    );
}

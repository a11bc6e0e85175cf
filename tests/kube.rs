//! `--kube` through the binary: the real kube client in `fallout` talks
//! HTTP to a stand-in API server (the live crate's test server) that serves
//! the incident fixture's objects, requires a bearer token from a
//! kubeconfig, and can refuse Secrets.

#[path = "../crates/live/tests/kube/server.rs"]
mod server;

use crate::support::{consumers, resource};
use serde_json::Value;
use server::{ApiServer, Setup};
use std::process::Command;

const TOKEN: &str = "kube-token-3f9a7c1e-never-printed";

/// The incident fixture's objects, as the API would hold them.
fn fixture_objects() -> Vec<Value> {
    let mut objects = Vec::new();
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/tls-incident");
    for dir in std::fs::read_dir(root).unwrap().flatten() {
        if !dir.path().is_dir() {
            continue;
        }
        for file in std::fs::read_dir(dir.path()).unwrap().flatten() {
            let text = std::fs::read_to_string(file.path()).unwrap();
            for doc in serde_yaml::Deserializer::from_str(&text) {
                let value: Value = serde::Deserialize::deserialize(doc).unwrap();
                if value.get("kind").is_some() {
                    objects.push(value);
                }
            }
        }
    }
    objects
}

struct Cluster {
    _runtime: tokio::runtime::Runtime,
    server: ApiServer,
    _dir: tempfile::TempDir,
    kubeconfig: std::path::PathBuf,
}

fn cluster(forbidden: Vec<(String, Option<String>)>) -> Cluster {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = runtime.block_on(ApiServer::start(Setup {
        token: TOKEN.into(),
        objects: fixture_objects(),
        forbidden,
        unserved: Vec::new(),
    }));
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("config");
    std::fs::write(&kubeconfig, server::kubeconfig(&server.url(), TOKEN)).unwrap();
    Cluster {
        _runtime: runtime,
        server,
        _dir: dir,
        kubeconfig,
    }
}

fn run(c: &Cluster, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_fallout"))
        .args(args)
        .env("KUBECONFIG", &c.kubeconfig)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert!(
        !stdout.contains(TOKEN) && !stderr.contains(TOKEN),
        "the token leaked"
    );
    (out.status.code().unwrap_or(-1), stdout, stderr)
}

fn verdicts(stdout: &str) -> Vec<(String, String)> {
    let doc: Value = serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    consumers(resource(&doc, "cache/redis-sessions"), "verdict")
}

#[test]
fn the_cluster_gives_the_same_consumers_as_the_files() {
    let c = cluster(Vec::new());
    let (code, from_cluster, stderr) = run(
        &c,
        &[
            "impact",
            "redis-sessions.cache",
            "--kube",
            "--set",
            "tls=required",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let (_, from_files, _) = run(
        &c,
        &[
            "impact",
            "redis-sessions.cache",
            "fixtures/tls-incident",
            "--set",
            "tls=required",
            "--format",
            "json",
        ],
    );
    assert_eq!(verdicts(&from_cluster), verdicts(&from_files));
    assert_eq!(verdicts(&from_cluster).len(), 6);
    let doc: Value = serde_json::from_str(&from_cluster).unwrap();
    let evidence = doc["resources"][0]["consumers"].to_string();
    assert!(
        evidence.contains("kube://test/api/Deployment/sessions-api"),
        "evidence names the object: {evidence}"
    );
    assert!(!c.server.requests().is_empty());
}

#[test]
fn forbidden_secrets_are_a_warning_and_the_rest_is_scanned() {
    let c = cluster(vec![("secrets".into(), Some("api".into()))]);
    let (code, stdout, stderr) = run(&c, &["scan", "--kube"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("secrets") && stdout.contains("403"),
        "the warning names what was refused: {stdout}"
    );
    assert!(
        stdout.contains("sessions-api") && stdout.contains("billing-worker"),
        "{stdout}"
    );
}

#[test]
fn unknown_context_and_bad_token_exit_2() {
    let c = cluster(Vec::new());
    let (code, _, stderr) = run(&c, &["scan", "--kube-context", "nope"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("nope") && stderr.contains("test"),
        "names the context and the known ones: {stderr}"
    );
    let bad = tempfile::tempdir().unwrap();
    let config = bad.path().join("config");
    std::fs::write(&config, server::kubeconfig(&c.server.url(), "wrong-token")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_fallout"))
        .args(["scan", "--kube"])
        .env("KUBECONFIG", &config)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("test") && stderr.contains(&c.server.url()),
        "{stderr}"
    );
    assert!(!stderr.contains("wrong-token"));
}

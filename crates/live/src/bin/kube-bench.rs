//! Benchmark of the live Kubernetes path, one command:
//! `cargo run --release -p fallout-live --bin kube-bench`.
//!
//! Starts the kube tests' stand-in API server (this binary again, in a child
//! process, on a free loopback port) holding 10,000 Pods and 2,000
//! Deployments (plus their ReplicaSets) across 40 namespaces, shaped like a
//! real cluster's, lists it through `list_cluster` with pages of 500 and of
//! 100, and scans the listing. Prints list time, objects/s, pages, scan time
//! and this process's memory (VmRSS, VmHWM: the server's is not counted).
#![allow(clippy::print_stdout)]

#[path = "../../tests/kube/server.rs"]
mod server;

use fallout_live::kube::{list_cluster, KubeOptions};
use fallout_scan::k8s::{scan_objects, Options};
use serde_json::{json, Value};
use server::{ApiServer, Setup};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Instant;

const PODS: usize = 10_000;
const DEPLOYMENTS: usize = 2_000;
const NAMESPACES: usize = 40;
const TOKEN: &str = "bench-token";

/// Set in the child that serves.
const SERVE_ENV: &str = "KUBE_BENCH_SERVE";

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    if std::env::var_os(SERVE_ENV).is_some() {
        runtime.block_on(serve());
    } else {
        runtime.block_on(bench());
    }
}

/// The child: serves the generated cluster until its stdin closes.
async fn serve() {
    let objects = cluster();
    let bytes: usize = objects
        .iter()
        .map(|o| serde_json::to_vec(o).expect("json").len())
        .sum();
    let count = objects.len();
    let server = ApiServer::start(Setup {
        token: TOKEN.into(),
        objects,
        ..Setup::default()
    })
    .await;
    println!("{} {count} {bytes}", server.url());
    let mut line = String::new();
    let _ = tokio::task::spawn_blocking(move || std::io::stdin().read_line(&mut line)).await;
    println!("{}", server.requests().len());
}

async fn bench() {
    let mut child = Command::new(std::env::current_exe().expect("own path"))
        .env(SERVE_ENV, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the server");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    out.read_line(&mut line).expect("server line");
    let mut fields = line.split_whitespace();
    let url = fields.next().expect("url").to_string();
    let count: usize = fields.next().and_then(|n| n.parse().ok()).expect("count");
    let bytes: usize = fields.next().and_then(|n| n.parse().ok()).expect("bytes");

    let dir = tempfile_dir();
    let kubeconfig = dir.join("config");
    std::fs::write(&kubeconfig, server::kubeconfig(&url, TOKEN)).expect("kubeconfig");
    println!(
        "stand-in API server: {count} objects ({PODS} Pods, {DEPLOYMENTS} Deployments, {DEPLOYMENTS} ReplicaSets), {:.1} MB of JSON",
        bytes as f64 / 1e6
    );
    println!("memory before listing: VmRSS {}", status("VmRSS"));

    for page_size in [500, 100] {
        let start = Instant::now();
        let listing = list_cluster(&KubeOptions {
            kubeconfig: Some(kubeconfig.clone()),
            page_size,
            ..KubeOptions::default()
        })
        .await
        .expect("listing");
        let listed = start.elapsed();
        assert_eq!(listing.objects.len(), count, "every object listed");
        assert!(listing.diagnostics.is_empty(), "{:?}", listing.diagnostics);
        let rss = status("VmRSS");
        let start = Instant::now();
        let scanned = scan_objects(&listing.objects, &Options::default());
        let scan = start.elapsed();
        println!(
            "page size {page_size:>3}: listed {} objects in {:.0} ms ({:.0} objects/s), {} pages; VmRSS holding the listing {rss}; scanned in {:.0} ms ({} facts); VmHWM {}",
            listing.objects.len(),
            listed.as_secs_f64() * 1e3,
            listing.objects.len() as f64 / listed.as_secs_f64(),
            listing.pages,
            scan.as_secs_f64() * 1e3,
            scanned.facts.len(),
            status("VmHWM"),
        );
    }
    drop(child.stdin.take());
    let mut requests = String::new();
    let _ = out.read_line(&mut requests);
    println!("requests served: {}", requests.trim());
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("kube-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// A line of /proc/self/status (`VmHWM`: peak resident memory).
fn status(key: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .map(|l| l[key.len() + 1..].trim().to_string())
        })
        .unwrap_or_else(|| "?".into())
}

/// Deployments (with their ReplicaSets) and Pods shaped like a real
/// cluster's, managedFields included (the listing drops them).
fn cluster() -> Vec<Value> {
    let mut objects = Vec::with_capacity(PODS + 2 * DEPLOYMENTS);
    for d in 0..DEPLOYMENTS {
        let ns = format!("team-{}", d % NAMESPACES);
        let name = format!("svc-{d}");
        let labels = json!({"app": name, "team": format!("team-{}", d % NAMESPACES)});
        let container = json!({
            "name": "app",
            "image": format!("ghcr.io/example/{name}:1.{}.0", d % 17),
            "ports": [{"containerPort": 8080, "name": "http", "protocol": "TCP"}],
            "env": [
                {"name": "REDIS_URL", "value": format!("redis://redis-{}.cache.svc.cluster.local:6379/{}", d % 8, d % 16)},
                {"name": "LOG_LEVEL", "value": "info"},
                {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": format!("{name}-db"), "key": "password"}}},
            ],
            "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
            "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}, "periodSeconds": 10},
        });
        let template = json!({"metadata": {"labels": labels}, "spec": {"containers": [container]}});
        objects.push(json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": meta(&ns, &name, &labels, None),
            "spec": {"replicas": 5, "selector": {"matchLabels": labels}, "template": template},
            "status": {"replicas": 5, "readyReplicas": 5, "availableReplicas": 5, "observedGeneration": 3},
        }));
        let rs = format!("{name}-7d9f8b6c4");
        objects.push(json!({
            "apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": meta(&ns, &rs, &labels, Some(("apps/v1", "Deployment", &name))),
            "spec": {"replicas": 5, "selector": {"matchLabels": labels}, "template": template},
            "status": {"replicas": 5, "readyReplicas": 5},
        }));
    }
    for p in 0..PODS {
        let d = p % DEPLOYMENTS;
        let ns = format!("team-{}", d % NAMESPACES);
        let rs = format!("svc-{d}-7d9f8b6c4");
        let name = format!("{rs}-{p:05x}");
        let labels = json!({"app": format!("svc-{d}"), "pod-template-hash": "7d9f8b6c4"});
        let ip = format!("10.{}.{}.{}", 100 + p / 65_536, p / 256 % 256, p % 256);
        objects.push(json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": meta(&ns, &name, &labels, Some(("apps/v1", "ReplicaSet", &rs))),
            "spec": {
                "containers": [{"name": "app", "image": format!("ghcr.io/example/svc-{d}:1.{}.0", d % 17),
                                "env": [{"name": "REDIS_URL", "value": format!("redis://redis-{}.cache.svc.cluster.local:6379/{}", d % 8, d % 16)}]}],
                "nodeName": format!("node-{}", p % 60), "serviceAccountName": "default",
            },
            "status": {
                "phase": "Running", "podIP": ip, "podIPs": [{"ip": ip}], "hostIP": format!("192.168.{}.{}", p % 60 / 250, p % 60),
                "conditions": [
                    {"type": "Initialized", "status": "True", "lastTransitionTime": "2026-11-28T10:00:00Z"},
                    {"type": "Ready", "status": "True", "lastTransitionTime": "2026-11-28T10:00:05Z"},
                    {"type": "ContainersReady", "status": "True", "lastTransitionTime": "2026-11-28T10:00:05Z"},
                    {"type": "PodScheduled", "status": "True", "lastTransitionTime": "2026-11-28T09:59:59Z"},
                ],
                "containerStatuses": [{"name": "app", "ready": true, "restartCount": 0, "image": "app", "imageID": format!("ghcr.io/example/svc-{d}@sha256:{:064x}", p),
                                       "containerID": format!("containerd://{:064x}", p * 7), "started": true,
                                       "state": {"running": {"startedAt": "2026-11-28T10:00:03Z"}}}],
                "qosClass": "Burstable", "startTime": "2026-11-28T09:59:59Z",
            },
        }));
    }
    objects
}

fn meta(ns: &str, name: &str, labels: &Value, owner: Option<(&str, &str, &str)>) -> Value {
    let mut meta = json!({
        "name": name, "namespace": ns, "labels": labels,
        "uid": format!("{:08x}-0000-4000-8000-{:012x}", name.len(), fxhash(name)),
        "resourceVersion": "123456", "creationTimestamp": "2026-11-28T09:59:59Z",
        "managedFields": [{"manager": "kube-controller-manager", "operation": "Update", "apiVersion": "v1",
                           "time": "2026-11-28T10:00:05Z", "fieldsType": "FieldsV1",
                           "fieldsV1": {"f:status": {"f:conditions": {".": {}, "k:{\"type\":\"Ready\"}": {".": {}, "f:status": {}}}, "f:phase": {}, "f:podIP": {}}}}],
    });
    if let Some((api_version, kind, owner)) = owner {
        meta["ownerReferences"] = json!([{"apiVersion": api_version, "kind": kind, "name": owner,
                                          "uid": format!("{:012x}", fxhash(owner)), "controller": true, "blockOwnerDeletion": true}]);
    }
    meta
}

fn fxhash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    }) & 0xffff_ffff_ffff
}

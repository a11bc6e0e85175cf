//! A stand-in Kubernetes API server on a free loopback port, for the kube
//! tests and `kube-bench`: plain HTTP/1.1 (keep-alive), a bearer token,
//! the list endpoints of the kinds fallout reads (all namespaces and one
//! namespace), `limit`/`continue` pagination, and 401/403/404 `Status`
//! replies. List items leave without `apiVersion`/`kind`, as a real API
//! server sends them.
//!
//! Hand-written on tokio rather than hyper's server: it needs no
//! dependency beyond the crate's own, so the bench binary can use it too.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// The kinds served: (group/version, resource, kind).
pub const SERVED: &[(&str, &str, &str)] = &[
    ("apps/v1", "deployments", "Deployment"),
    ("apps/v1", "statefulsets", "StatefulSet"),
    ("apps/v1", "daemonsets", "DaemonSet"),
    ("apps/v1", "replicasets", "ReplicaSet"),
    ("batch/v1", "jobs", "Job"),
    ("batch/v1", "cronjobs", "CronJob"),
    ("v1", "pods", "Pod"),
    ("v1", "services", "Service"),
    ("discovery.k8s.io/v1", "endpointslices", "EndpointSlice"),
    ("v1", "configmaps", "ConfigMap"),
    ("v1", "secrets", "Secret"),
    ("networking.k8s.io/v1", "networkpolicies", "NetworkPolicy"),
];

/// What the server holds and how it behaves.
#[derive(Clone, Debug, Default)]
pub struct Setup {
    /// The bearer token it accepts; any other is a 401.
    pub token: String,
    /// Objects as manifests (with `apiVersion`, `kind`, `metadata.namespace`).
    pub objects: Vec<Value>,
    /// (resource, namespace) the token may not list: a 403. `None`: in no
    /// namespace. A namespace's refusal also refuses the cluster-wide list.
    pub forbidden: Vec<(String, Option<String>)>,
    /// Resources it does not serve: a 404, as an older cluster would.
    pub unserved: Vec<String>,
}

/// A running server; stops when dropped.
pub struct ApiServer {
    pub addr: SocketAddr,
    log: Arc<Mutex<Vec<String>>>,
    task: JoinHandle<()>,
}

/// (group/version, resource) → (namespace, item JSON without type meta).
type Items = HashMap<(String, String), Vec<(String, Vec<u8>)>>;

struct State {
    setup: Setup,
    items: Items,
    log: Arc<Mutex<Vec<String>>>,
}

impl Drop for ApiServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl ApiServer {
    pub async fn start(mut setup: Setup) -> ApiServer {
        let mut items = Items::new();
        // Kept serialised only: the bench measures the client's memory.
        let objects = std::mem::take(&mut setup.objects);
        for object in &objects {
            let api_version = object["apiVersion"].as_str().unwrap_or_default();
            let kind = object["kind"].as_str().unwrap_or_default();
            let Some((_, resource, _)) = SERVED
                .iter()
                .find(|(gv, _, k)| *gv == api_version && *k == kind)
            else {
                panic!("the stand-in server does not serve {api_version} {kind}");
            };
            let namespace = object["metadata"]["namespace"]
                .as_str()
                .unwrap_or("default")
                .to_string();
            let mut item = object.clone();
            if let Some(map) = item.as_object_mut() {
                map.remove("apiVersion");
                map.remove("kind");
            }
            items
                .entry((api_version.to_string(), resource.to_string()))
                .or_default()
                .push((namespace, serde_json::to_vec(&item).expect("json")));
        }
        drop(objects);
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let log = Arc::new(Mutex::new(Vec::new()));
        let state = Arc::new(State {
            setup,
            items,
            log: log.clone(),
        });
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, state.clone()));
            }
        });
        ApiServer { addr, log, task }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request's path and query, in arrival order.
    pub fn requests(&self) -> Vec<String> {
        self.log.lock().expect("log").clone()
    }
}

async fn serve(mut stream: TcpStream, state: Arc<State>) {
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    let mut chunk = [0u8; 8192];
    loop {
        let head_end = loop {
            if let Some(end) = find(&buf, b"\r\n\r\n") {
                break end;
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
        let mut lines = head.split("\r\n");
        let request_line = lines.next().unwrap_or_default().to_string();
        let mut headers = HashMap::new();
        for line in lines {
            if let Some((name, value)) = line.split_once(':') {
                headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_string());
            }
        }
        let body_len: usize = headers
            .get("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        while buf.len() < head_end + 4 + body_len {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        buf.drain(..head_end + 4 + body_len);

        let target = request_line.split(' ').nth(1).unwrap_or("/").to_string();
        state.log.lock().expect("log").push(target.clone());
        let (code, body) = respond(&state, &target, headers.get("authorization"));
        let reason = match code {
            200 => "OK",
            401 => "Unauthorized",
            403 => "Forbidden",
            _ => "Not Found",
        };
        let mut response = format!(
            "HTTP/1.1 {code} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        response.extend_from_slice(&body);
        if stream.write_all(&response).await.is_err() {
            return;
        }
    }
}

fn respond(state: &State, target: &str, authorization: Option<&String>) -> (u16, Vec<u8>) {
    let expected = format!("Bearer {}", state.setup.token);
    if authorization != Some(&expected) {
        return status(401, "Unauthorized", "Unauthorized");
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let query: HashMap<String, String> = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (group_version, rest) = match segments.as_slice() {
        ["api", "v1", rest @ ..] => ("v1".to_string(), rest),
        ["apis", group, version, rest @ ..] => (format!("{group}/{version}"), rest),
        _ => {
            return status(
                404,
                "NotFound",
                "the server could not find the requested resource",
            )
        }
    };
    let (namespace, resource) = match rest {
        [resource] => (None, *resource),
        ["namespaces", ns, resource] => (Some(*ns), *resource),
        _ => {
            return status(
                404,
                "NotFound",
                "the server could not find the requested resource",
            )
        }
    };
    let Some((_, _, kind)) = SERVED
        .iter()
        .find(|(gv, r, _)| *gv == group_version && *r == resource)
    else {
        return status(
            404,
            "NotFound",
            "the server could not find the requested resource",
        );
    };
    if state.setup.unserved.iter().any(|r| r == resource) {
        return status(
            404,
            "NotFound",
            "the server could not find the requested resource",
        );
    }
    let refused = state.setup.forbidden.iter().any(|(r, ns)| {
        r == resource && (ns.is_none() || namespace.is_none() || ns.as_deref() == namespace)
    });
    if refused {
        let place = match namespace {
            Some(ns) => format!("in the namespace \"{ns}\""),
            None => "at the cluster scope".to_string(),
        };
        let group = group_version.rsplit_once('/').map(|(g, _)| g).unwrap_or("");
        return status(
            403,
            "Forbidden",
            &format!("{resource} is forbidden: User \"system:serviceaccount:ops:fallout\" cannot list resource \"{resource}\" in API group \"{group}\" {place}"),
        );
    }

    let empty = Vec::new();
    let all = state
        .items
        .get(&(group_version.clone(), resource.to_string()))
        .unwrap_or(&empty);
    let matching: Vec<&Vec<u8>> = all
        .iter()
        .filter(|(ns, _)| namespace.is_none_or(|want| want == ns))
        .map(|(_, item)| item)
        .collect();
    let start: usize = query
        .get("continue")
        .and_then(|c| c.strip_prefix("offset-"))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let limit: usize = query
        .get("limit")
        .and_then(|n| n.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(usize::MAX);
    let start = start.min(matching.len());
    let end = start.saturating_add(limit).min(matching.len());
    let mut metadata = json!({"resourceVersion": "4711"});
    if end < matching.len() {
        metadata["continue"] = json!(format!("offset-{end}"));
        metadata["remainingItemCount"] = json!(matching.len() - end);
    }
    let head =
        json!({"kind": format!("{kind}List"), "apiVersion": group_version, "metadata": metadata});
    let mut body = serde_json::to_vec(&head).expect("json");
    body.pop(); // the closing brace: items follow
    body.extend_from_slice(b",\"items\":[");
    for (i, item) in matching[start..end].iter().enumerate() {
        if i > 0 {
            body.push(b',');
        }
        body.extend_from_slice(item);
    }
    body.extend_from_slice(b"]}");
    (200, body)
}

fn status(code: u16, reason: &str, message: &str) -> (u16, Vec<u8>) {
    let body = json!({
        "kind": "Status", "apiVersion": "v1", "metadata": {},
        "status": "Failure", "message": message, "reason": reason, "code": code,
    });
    (code, serde_json::to_vec(&body).expect("json"))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Percent-decoding of a query component.
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A kubeconfig for this server: context `test` (current) and `staging`,
/// both on cluster `local`, user `tester` with `token`.
pub fn kubeconfig(server: &str, token: &str) -> String {
    format!(
        "apiVersion: v1
kind: Config
current-context: test
clusters:
- name: local
  cluster:
    server: {server}
contexts:
- name: test
  context:
    cluster: local
    user: tester
- name: staging
  context:
    cluster: local
    user: tester
    namespace: api
users:
- name: tester
  user:
    token: {token}
"
    )
}

//! Live sources through the binary: a real redis-server on a free port, real
//! client connections, a saved CLIENT LIST with a pod dump. Never the Redis
//! on 6379.

use crate::support::{fallout, resource, tree};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_redis() -> Option<Server> {
    assert!(
        Command::new("redis-server")
            .arg("--version")
            .output()
            .is_ok(),
        "redis-server is not installed: these tests run a real one (.ci/run installs it)"
    );
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    assert_ne!(port, 6379);
    let child = Command::new("redis-server")
        .args([
            "--port",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .arg("--dir")
        .arg(dir.path())
        .stdout(Stdio::null())
        .spawn()
        .expect("start redis-server");
    let server = Server {
        child,
        port,
        _dir: dir,
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
            if command(&mut s, &["PING"]).contains("PONG") {
                return Some(server);
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("redis-server on {port} did not answer");
}

/// Sends one command in RESP and returns the raw reply.
fn command(stream: &mut TcpStream, args: &[&str]) -> String {
    let mut out = format!("*{}\r\n", args.len());
    for a in args {
        out.push_str(&format!("${}\r\n{a}\r\n", a.len()));
    }
    stream.write_all(out.as_bytes()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut buf = [0u8; 512];
    let n = stream.read(&mut buf).unwrap_or(0);
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

/// A Redis `cache/redis` (StatefulSet and Service on 6379), for trees that
/// add their consumers.
const REDIS_CACHE: &str = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: redis, namespace: cache}\nspec:\n  serviceName: redis\n  selector: {matchLabels: {app: redis}}\n  template:\n    metadata: {labels: {app: redis}}\n    spec:\n      containers: [{name: redis, image: \"redis:7\"}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: redis, namespace: cache}\nspec:\n  selector: {app: redis}\n  ports: [{port: 6379}]\n";

/// Consumer `id` of resource `res` in a JSON report; a panic shows the
/// resource when it is missing.
fn consumer_of(doc: &serde_json::Value, res: &str, id: &str) -> serde_json::Value {
    let r = resource(doc, res);
    r["consumers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("no {id} in {r:#}"))
}

/// One `CLIENT LIST` line: a client at `addr` on the server's port `port`,
/// `fallout ARGS… --client-list LIST --format json`: exits 0; the run and
/// its document.
fn with_client_list(args: &[&str], list: &str) -> (crate::support::Run, serde_json::Value) {
    let mut all = args.to_vec();
    all.extend(["--client-list", list, "--format", "json"]);
    let run = fallout(&all);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout));
    (run, doc)
}

/// with its name and user.
fn client_line(id: u32, addr: &str, port: u16, name: &str, user: &str) -> String {
    format!("id={id} addr={addr} laddr=10.30.0.2:{port} fd=9 name={name} age=300 idle=2 flags=N db=0 sub=0 psub=0 multi=-1 qbuf=0 qbuf-free=0 obl=0 oll=0 omem=0 events=r cmd=get user={user}\n")
}

#[test]
fn live_clients_merge_with_config_and_the_unknown_one_is_the_headline() {
    let Some(server) = start_redis() else { return };
    let mut named = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    assert!(command(&mut named, &["CLIENT", "SETNAME", "sessions-api"]).contains("OK"));
    let mut stranger = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    assert!(command(&mut stranger, &["PING"]).contains("PONG"));

    let url = format!("redis-sessions.cache=redis://127.0.0.1:{}", server.port);
    let run = fallout(&[
        "scan",
        "fixtures/tls-incident",
        "--redis",
        &url,
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let sessions = resource(&doc, "cache/redis-sessions");
    let consumers = sessions["consumers"].as_array().unwrap();
    let by_id = |id: &str| {
        consumers
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("no {id}: {sessions:#}"))
    };

    let api = by_id("api/Deployment/sessions-api");
    let strengths: Vec<&str> = api["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["strength"].as_str().unwrap())
        .collect();
    assert!(
        strengths.contains(&"explicit") && strengths.contains(&"observed"),
        "{strengths:?}"
    );
    let live = api["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["strength"] == "observed")
        .unwrap();
    // The server sampled, and the alias it stands for.
    let sampled = format!(
        "redis://127.0.0.1:{} (as redis-sessions.cache) CLIENT LIST",
        server.port
    );
    assert!(
        live["source"].as_str().unwrap().contains(&sampled),
        "{live}"
    );

    let unknown = consumers
        .iter()
        .find(|c| c["kind"] == "client")
        .expect("the unnamed client is kept");
    assert!(
        unknown["notes"].to_string().contains("not in any config"),
        "{unknown}"
    );
    assert_eq!(unknown["strength"], "observed");

    let quiet = by_id("api/Deployment/events-api");
    assert!(
        quiet["notes"].to_string().contains("not seen connected"),
        "{quiet}"
    );
    drop((named, stranger));
}

#[test]
fn an_unreachable_server_exits_2_without_the_password() {
    let port = free_port();
    let run = fallout(&[
        "scan",
        "fixtures/tls-incident",
        "--redis",
        &format!("redis://scanner:hunter2@127.0.0.1:{port}"),
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(&format!("127.0.0.1:{port}")),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("hunter2") && !run.stdout.contains("hunter2"));
}

#[test]
fn a_saved_client_list_is_attributed_through_a_pod_dump() {
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("clients.txt");
    std::fs::write(
        &dump,
        "id=7 addr=10.20.0.15:51234 laddr=10.30.0.2:6379 fd=9 name= age=300 idle=2 flags=N db=2 sub=0 psub=0 multi=-1 qbuf=0 qbuf-free=0 obl=0 oll=0 omem=0 events=r cmd=get user=default\n\
         id=8 addr=10.99.0.1:40000 laddr=10.30.0.2:6379 fd=10 name= age=30 idle=1 flags=N db=0 sub=0 psub=0 multi=-1 qbuf=0 qbuf-free=0 obl=0 oll=0 omem=0 events=r cmd=ping user=default\n\
         id=9 addr=10.99.0.2:40000 laddr=10.30.0.2:6380 fd=11 name= age=30 idle=1 flags=N db=0 sub=0 psub=0 multi=-1 qbuf=0 qbuf-free=0 obl=0 oll=0 omem=0 events=r cmd=ping user=default\n",
    )
    .unwrap();
    let pods = dir.path().join("pods.json");
    std::fs::write(
        &pods,
        r#"{"apiVersion": "v1", "kind": "List", "items": [
  {"apiVersion": "v1", "kind": "Pod",
   "metadata": {"name": "events-api-7d4f9-abcde", "namespace": "api",
                "labels": {"pod-template-hash": "7d4f9", "app": "events-api"}},
   "spec": {"containers": [{"name": "api", "image": "example.com/scheduling/events-api:5.1.0"}]},
   "status": {"podIP": "10.20.0.15"}}]}"#,
    )
    .unwrap();
    let list = format!("redis-sessions.cache={}", dump.display());
    let (run, doc) = with_client_list(
        &["scan", "fixtures/tls-incident", pods.to_str().unwrap()],
        &list,
    );
    let sessions = resource(&doc, "cache/redis-sessions");
    let consumers = sessions["consumers"].as_array().unwrap();
    let events = consumers
        .iter()
        .find(|c| c["id"] == "api/Deployment/events-api")
        .unwrap();
    assert!(
        events["evidence"].to_string().contains("10.20.0.15"),
        "attributed by pod IP: {events}"
    );
    // The dump does not know the ports; the manifests do (6379 plain, 6380 TLS).
    let tls = |id: &str| {
        consumers
            .iter()
            .find(|c| c["id"] == id)
            .map(|c| c["tls"].clone())
    };
    assert_eq!(tls("client/10.99.0.1"), Some("no".into()));
    assert_eq!(tls("client/10.99.0.2"), Some("yes".into()));
    assert!(
        consumers.iter().any(|c| c["id"] == "client/10.99.0.1"),
        "{sessions:#}"
    );
    assert!(
        !run.stderr.contains("live-unmatched"),
        "the alias names a Redis: {}",
        run.stderr
    );

    // A mistyped alias: its clients are a Redis of their own, and said so.
    let typo = format!("redis-sesions.cache={}", dump.display());
    let run = fallout(&[
        "scan",
        "fixtures/tls-incident",
        "--client-list",
        &typo,
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("match no Redis of the scanned sources")
            && run.stderr.contains("e.g. `redis-sessions.cache`")
            && run.stderr.contains("[live-unmatched]"),
        "{}",
        run.stderr
    );
}

/// A server sampled with no client on it is a resource with no consumers,
/// said in an info diagnostic; decommissioning it is judged (0 consumers,
/// exit 0), not an unknown target (it was exit 2).
#[test]
fn a_server_with_no_clients_is_a_resource_nobody_uses() {
    let server = start_redis().unwrap();
    let url = format!("redis://127.0.0.1:{}", server.port);
    let target = format!("127.0.0.1:{}", server.port);
    let run = fallout(&["scan", "--redis", &url, "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let res = resource(&doc, &target);
    assert_eq!(res["consumers"].as_array().unwrap().len(), 0, "{res:#}");
    let said = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "live-no-clients")
        .unwrap_or_else(|| panic!("no live-no-clients in {doc:#}"));
    assert!(
        said["message"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{target}: no client was connected at ")),
        "{said}"
    );
    let run = decommissioned_with_no_consumers(&target, &["--redis", &url]);
    assert!(run.stdout.contains("[live-no-clients]"), "{}", run.stdout);
}

/// `impact TARGET SOURCE… --set decommission=true`: exit 0 and no consumers.
fn decommissioned_with_no_consumers(target: &str, source: &[&str]) -> crate::support::Run {
    let mut args = vec!["impact", target];
    args.extend(source);
    args.extend(["--set", "decommission=true"]);
    let run = fallout(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("no consumers found"), "{}", run.stdout);
    run
}

/// A saved CLIENT LIST holding only the connection that captured it: the
/// server is a resource nobody was seen using, not an unknown target.
#[test]
fn a_saved_list_with_only_its_capture_is_a_resource_nobody_uses() {
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("cache.txt");
    std::fs::write(&dump, "id=5 addr=127.0.0.1:50000 laddr=127.0.0.1:6379 fd=8 name= age=0 idle=0 flags=N db=0 sub=0 psub=0 multi=-1 qbuf=26 qbuf-free=20448 argv-mem=10 obl=0 oll=0 omem=0 tot-mem=22298 events=r cmd=client|list user=default redir=-1 resp=2\n").unwrap();
    let list = format!("cache={}", dump.display());
    let run = decommissioned_with_no_consumers("cache", &["--client-list", &list]);
    assert!(
        run.stdout.contains("cache: no client was connected in the saved CLIENT LIST, so no consumer of cache was seen live [live-no-clients]"),
        "{}",
        run.stdout
    );
}

/// `tls=disabled`: a consumer whose config shows no TLS but that is seen
/// connected on the TLS port breaks, citing the client list (its merged TLS
/// is `no`, which made it `ok` with no reason); the same list with the
/// connection on the plain port leaves it `ok`, said as unaffected.
#[test]
fn tls_disabled_breaks_a_consumer_seen_live_over_tls() {
    let dir = tempfile::tempdir().unwrap();
    let pods = dir.path().join("pods.json");
    std::fs::write(
        &pods,
        r#"{"apiVersion": "v1", "kind": "List", "items": [
  {"apiVersion": "v1", "kind": "Pod",
   "metadata": {"name": "events-api-7d4f9-abcde", "namespace": "api",
                "labels": {"pod-template-hash": "7d4f9", "app": "events-api"}},
   "spec": {"containers": [{"name": "api", "image": "example.com/scheduling/events-api:5.1.0"}]},
   "status": {"podIP": "10.20.0.15"}}]}"#,
    )
    .unwrap();
    let judge = |laddr_port: u16| {
        let dump = dir.path().join(format!("clients-{laddr_port}.txt"));
        std::fs::write(
            &dump,
            client_line(7, "10.20.0.15:51234", laddr_port, "", "default"),
        )
        .unwrap();
        let list = format!("redis-sessions.cache={}", dump.display());
        let (_, doc) = with_client_list(
            &[
                "impact",
                "redis-sessions.cache",
                "fixtures/tls-incident",
                pods.to_str().unwrap(),
                "--set",
                "tls=disabled",
            ],
            &list,
        );
        let events = consumer_of(&doc, "cache/redis-sessions", "api/Deployment/events-api");
        (
            events["verdict"].as_str().unwrap().to_string(),
            events["reasons"].to_string(),
        )
    };
    let (verdict, reasons) = judge(6380);
    assert_eq!(verdict, "breaks", "{reasons}");
    assert!(
        reasons.contains("seen connected with TLS (redis-sessions.cache saved CLIENT LIST) though its config shows none"),
        "{reasons}"
    );
    let (verdict, reasons) = judge(6379);
    assert_eq!(verdict, "ok", "{reasons}");
    assert!(reasons.contains(": unaffected"), "{reasons}");
}

/// A compose Redis named for a live server by its alias (`cache`) or its id
/// (`compose.yaml#cache`): its live clients are its consumers' (they were
/// a Redis of their own, `live-unmatched`, and `web` was "not in any
/// config"). Kubernetes names went through; compose names, scoped to their
/// project, did not.
#[test]
fn a_compose_redis_is_named_for_a_live_server_by_its_alias_or_id() {
    let Some(server) = start_redis() else { return };
    let mut web = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    assert!(command(&mut web, &["CLIENT", "SETNAME", "web"]).contains("OK"));
    let t = tree(&[(
        "compose.yaml",
        "services:\n  cache:\n    image: redis:7\n  web:\n    image: example/web:1\n    environment:\n      REDIS_URL: redis://cache:6379/0\n",
    )]);
    let root = t.path().to_str().unwrap();
    for name in ["cache", "compose.yaml#cache"] {
        let id = format!("{root}/compose.yaml#cache");
        let alias = if name == "cache" {
            name.to_string()
        } else {
            id.clone()
        };
        let url = format!("{alias}=redis://127.0.0.1:{}", server.port);
        let run = fallout(&["scan", root, "--redis", &url, "--format", "json"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            !run.stderr.contains("live-unmatched"),
            "{name}: {}",
            run.stderr
        );
        let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(
            doc["resources"].as_array().unwrap().len(),
            1,
            "{name}: {doc:#}"
        );
        let cache = resource(&doc, &id);
        let web = &cache["consumers"][0];
        assert_eq!(
            web["id"],
            format!("{root}/compose.yaml#web"),
            "{name}: {cache:#}"
        );
        let strengths = web["evidence"].to_string();
        assert!(
            strengths.contains("\"explicit\"") && strengths.contains("\"observed\""),
            "{name}: {web:#}"
        );
    }
}

/// An empty ALIAS (`--redis =URL`, `--client-list =FILE`) is a usage error
/// naming what to write (it made a resource whose id was empty), before
/// any connection.
#[test]
fn an_empty_alias_is_a_usage_error() {
    for args in [
        ["--redis", "=redis://127.0.0.1:1"],
        ["--client-list", "=clients.txt"],
    ] {
        let run = fallout(&["scan", "fixtures/tls-incident", args[0], args[1]]);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr
                .contains("the ALIAS before `=` is empty; write NAME="),
            "{args:?}: {}",
            run.stderr
        );
    }
}

/// `--redis ALIAS=redis+sentinel://…`: the master the sentinel names goes
/// by the ALIAS (it was an unmatched Redis of its own, and `web`, seen on
/// it, was not merged with its config). A real master and sentinel.
#[test]
fn a_sentinel_urls_alias_names_the_master_it_finds() {
    let Some(master) = start_redis() else { return };
    let Some(master_b) = start_redis() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let conf = dir.path().join("sentinel.conf");
    std::fs::write(
        &conf,
        format!(
            "port {port}\nbind 127.0.0.1\nprotected-mode no\ndir {}\nsentinel monitor mymaster 127.0.0.1 {} 1\nsentinel monitor other 127.0.0.1 {} 1\n",
            dir.path().display(),
            master.port,
            master_b.port
        ),
    )
    .unwrap();
    let child = Command::new("redis-server")
        .arg(&conf)
        .arg("--sentinel")
        .stdout(Stdio::null())
        .spawn()
        .expect("start redis-sentinel");
    let _sentinel = Server {
        child,
        port,
        _dir: dir,
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let ready = TcpStream::connect(("127.0.0.1", port)).is_ok_and(|mut s| {
            command(&mut s, &["SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster"])
                .contains(&master.port.to_string())
                && command(&mut s, &["SENTINEL", "GET-MASTER-ADDR-BY-NAME", "other"])
                    .contains(&master_b.port.to_string())
        });
        if ready {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "sentinel on {port} did not answer"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut web = TcpStream::connect(("127.0.0.1", master.port)).unwrap();
    assert!(command(&mut web, &["CLIENT", "SETNAME", "web"]).contains("OK"));
    let mut queue = TcpStream::connect(("127.0.0.1", master_b.port)).unwrap();
    assert!(command(&mut queue, &["CLIENT", "SETNAME", "queue"]).contains("OK"));
    let t = tree(&[(
        "k8s/all.yaml",
        &(REDIS_CACHE.to_string() + "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: app}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n        - name: web\n          image: example/web:1\n          env: [{name: REDIS_URL, value: \"redis://redis.cache:6379\"}]\n---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: redis-b, namespace: cache}\nspec:\n  serviceName: redis-b\n  selector: {matchLabels: {app: redis-b}}\n  template:\n    metadata: {labels: {app: redis-b}}\n    spec:\n      containers: [{name: redis, image: \"redis:7\"}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: redis-b, namespace: cache}\nspec:\n  selector: {app: redis-b}\n  ports: [{port: 6379}]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: queue, namespace: app}\nspec:\n  selector: {matchLabels: {app: queue}}\n  template:\n    metadata: {labels: {app: queue}}\n    spec:\n      containers:\n        - name: web\n          image: example/web:1\n          env: [{name: REDIS_URL, value: \"redis://redis-b.cache:6379\"}]\n"),
    )]);
    let root = t.path().join("k8s");
    // One sentinel, two masters, one ALIAS each.
    let url = format!("redis.cache=redis+sentinel://127.0.0.1:{port}/mymaster");
    let url_b = format!("redis-b.cache=redis+sentinel://127.0.0.1:{port}/other");
    let run = fallout(&[
        "scan",
        root.to_str().unwrap(),
        "--redis",
        &url,
        "--redis",
        &url_b,
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("live-unmatched"), "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let web = consumer_of(&doc, "cache/redis", "app/Deployment/web");
    let evidence = web["evidence"].to_string();
    assert!(
        evidence.contains("\"explicit\"") && evidence.contains("(as redis.cache) CLIENT LIST"),
        "{web:#}"
    );
    let queue = consumer_of(&doc, "cache/redis-b", "app/Deployment/queue");
    assert!(
        queue["evidence"]
            .to_string()
            .contains("(as redis-b.cache) CLIENT LIST"),
        "{queue:#}"
    );
}

/// `auth=required`: a workload seen on a saved client list logged in as
/// `alice` on one connection and as `default` (no password: the server
/// requires none) on another is at risk, citing the bare one; it was `ok`
/// ("already authenticates as user `alice`"). Alone as `alice` it is ok.
#[test]
fn auth_required_judges_each_live_connection() {
    let t = tree(&[(
        "k8s/all.yaml",
        &(REDIS_CACHE.to_string() + "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: mixed, namespace: app}\nspec:\n  selector: {matchLabels: {app: mixed}}\n  template:\n    metadata: {labels: {app: mixed}}\n    spec:\n      containers: [{name: app, image: \"example/mixed:1\", env: [{name: REDIS_URL, value: \"redis://:s3cret@redis.cache:6379\"}]}]\n"),
    )]);
    let pods = t.path().join("pods.json");
    std::fs::write(
        &pods,
        r#"{"apiVersion": "v1", "kind": "List", "items": [
  {"apiVersion": "v1", "kind": "Pod",
   "metadata": {"name": "mixed-7d4f9-abcde", "namespace": "app",
                "labels": {"pod-template-hash": "7d4f9", "app": "mixed"}},
   "spec": {"containers": [{"name": "app", "image": "example/mixed:1"}]},
   "status": {"podIP": "10.20.0.15"}}]}"#,
    )
    .unwrap();
    let line = |id: u32, port: u16, user: &str| {
        client_line(id, &format!("10.20.0.15:{port}"), 6379, "", user)
    };
    let judge = |lines: String| {
        let dump = t.path().join("clients.txt");
        std::fs::write(&dump, lines).unwrap();
        let list = format!("redis.cache={}", dump.display());
        let k8s = t.path().join("k8s");
        let (_, doc) = with_client_list(
            &[
                "impact",
                "redis.cache",
                k8s.to_str().unwrap(),
                pods.to_str().unwrap(),
                "--set",
                "auth=required",
            ],
            &list,
        );
        let mixed = consumer_of(&doc, "cache/redis", "app/Deployment/mixed");
        (
            mixed["verdict"].as_str().unwrap().to_string(),
            mixed["reasons"].to_string(),
        )
    };
    let (verdict, reasons) = judge(line(7, 40001, "alice") + &line(8, 40002, "default"));
    assert_eq!(verdict, "at-risk", "{reasons}");
    assert!(
        reasons.contains("seen connected as `default`, sending no password")
            && reasons.contains("though it authenticates with the password in env REDIS_URL"),
        "{reasons}"
    );
    let (verdict, reasons) = judge(line(7, 40001, "alice"));
    assert_eq!(verdict, "ok", "{reasons}");
    // `AUTH <password>` logs in as `default` too: seen only as `default`,
    // its password in config stands (it was called bare, at risk).
    let (verdict, reasons) = judge(line(8, 40002, "default"));
    assert_eq!(verdict, "ok", "{reasons}");
    assert!(
        !reasons.contains("sending no password") && !reasons.contains("s3cret"),
        "{reasons}"
    );
}

/// A live client named as the Redis itself (`redis`, its pod `redis-0`)
/// from an IP that is no pod of it is listed as a client of its own (it was
/// dropped as the Redis's own connection); one from the Redis's pod IP is
/// still left out.
#[test]
fn a_client_named_as_the_redis_from_elsewhere_is_listed() {
    let t = tree(&[("k8s/all.yaml", REDIS_CACHE)]);
    let pods = t.path().join("pods.json");
    std::fs::write(
        &pods,
        r#"{"apiVersion": "v1", "kind": "List", "items": [
  {"apiVersion": "v1", "kind": "Pod",
   "metadata": {"name": "redis-0", "namespace": "cache", "labels": {"app": "redis"},
                "ownerReferences": [{"kind": "StatefulSet", "name": "redis"}]},
   "spec": {"containers": [{"name": "redis", "image": "redis:7"}]},
   "status": {"podIP": "10.30.0.2"}}]}"#,
    )
    .unwrap();
    let line = |id: u32, ip: &str, name: &str| {
        client_line(id, &format!("{ip}:40001"), 6379, name, "default")
    };
    let dump = t.path().join("clients.txt");
    std::fs::write(
        &dump,
        line(7, "10.9.0.12", "redis")
            + &line(8, "10.9.0.14", "redis-0")
            + &line(9, "10.30.0.2", "redis"),
    )
    .unwrap();
    let list = format!("redis.cache={}", dump.display());
    let k8s = t.path().join("k8s");
    let (_, doc) = with_client_list(
        &["scan", k8s.to_str().unwrap(), pods.to_str().unwrap()],
        &list,
    );
    let ids: Vec<&str> = resource(&doc, "cache/redis")["consumers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["client/10.9.0.12", "client/10.9.0.14"], "{doc:#}");
    assert!(
        doc.to_string().contains(
            "its client name names cache/redis itself, but no pod of it has IP 10.9.0.12"
        ),
        "{doc:#}"
    );
}

/// `--redis redis://localhost:P` with no ALIAS is read as a port-forward
/// (not as the `localhost` an app's config names): its clients are a Redis
/// of their own, and that is now said (it was silent when the scan had only
/// external Redis to match it with).
#[test]
fn a_localhost_url_without_an_alias_is_said_to_be_a_port_forward() {
    let Some(server) = start_redis() else { return };
    let mut billing = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    assert!(command(&mut billing, &["CLIENT", "SETNAME", "billing"]).contains("OK"));
    let t = tree(&[(
        "app/billing/settings.yaml",
        &format!("redis:\n  url: redis://localhost:{}/0\n", server.port),
    )]);
    let root = t.path().join("app");
    let url = format!("redis://localhost:{}", server.port);
    let run = fallout(&["scan", root.to_str().unwrap(), "--redis", &url]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The table says its diagnostics after the tables, on stdout.
    assert!(
        run.stdout
            .contains("a `localhost` URL is read as a port-forward")
            && run.stdout.contains("[live-unmatched]"),
        "{}\n{}",
        run.stderr,
        run.stdout
    );
}

/// A client name that fits workloads of two namespaces is a guess, and the
/// note says the name is why (it blamed a shared IP no pod had).
#[test]
fn a_name_of_two_namespaces_is_said_to_be_the_guess() {
    let deployment = |ns: &str| {
        format!("apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: api, namespace: {ns}}}\nspec:\n  selector: {{matchLabels: {{app: api}}}}\n  template:\n    metadata: {{labels: {{app: api}}}}\n    spec:\n      containers: [{{name: api, image: \"example/api:1\"}}]\n")
    };
    let t = tree(&[
        ("k8s/redis.yaml", REDIS_CACHE),
        ("k8s/a.yaml", &deployment("a")),
        ("k8s/b.yaml", &deployment("b")),
        (
            "clients.txt",
            &client_line(7, "10.9.0.20:40001", 6379, "api", "default"),
        ),
    ]);
    let list = format!("redis.cache={}", t.path().join("clients.txt").display());
    let k8s = t.path().join("k8s");
    let (_, doc) = with_client_list(&["scan", k8s.to_str().unwrap()], &list);
    let notes = resource(&doc, "cache/redis")["consumers"][0]["notes"].to_string();
    assert!(
        notes.contains("attribution is a guess: client name `api` matches")
            && notes.contains("confirm which")
            && !notes.contains("is shared"),
        "{notes}"
    );
}

/// A live server named by a `host:port` ALIAS on a port the Redis does not
/// serve is no alias of it (`live-unmatched`); a name two Redis of the scan
/// share (`cache` in two compose projects) is said to name several, with
/// their ids; a client known only from the list, seen on the TLS port, is
/// told it uses TLS (not that its config shows none).
#[test]
fn live_names_that_fit_no_redis_or_several_are_said() {
    let t = tree(&[
        ("a/compose.yaml", "services:\n  cache:\n    image: redis:7\n"),
        ("b/compose.yaml", "services:\n  cache:\n    image: redis:7\n"),
        (
            "k8s/all.yaml",
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: redis, namespace: cache}\nspec:\n  serviceName: redis\n  selector: {matchLabels: {app: redis}}\n  template:\n    metadata: {labels: {app: redis}}\n    spec:\n      containers: [{name: redis, image: \"redis:7\", args: [\"--port\", \"6379\", \"--tls-port\", \"6380\"]}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: redis, namespace: cache}\nspec:\n  selector: {app: redis}\n  ports: [{name: plain, port: 6379}, {name: tls, port: 6380}]\n",
        ),
        (
            "clients.txt",
            &client_line(7, "10.9.0.20:40001", 6380, "", "default"),
        ),
    ]);
    let root = t.path().to_str().unwrap();
    let clients = t.path().join("clients.txt");
    let clients = clients.to_str().unwrap();
    let run = fallout(&[
        "scan",
        root,
        "--client-list",
        &format!("redis.cache:6390={clients}"),
        "--format",
        "json",
    ]);
    assert!(run.stderr.contains("[live-unmatched]"), "{}", run.stderr);
    let run = fallout(&[
        "scan",
        root,
        "--client-list",
        &format!("cache={clients}"),
        "--format",
        "json",
    ]);
    assert!(
        run.stderr
            .contains("`cache` names several Redis of the scan (")
            && run.stderr.contains("a/compose.yaml#cache")
            && run.stderr.contains("b/compose.yaml#cache"),
        "{}",
        run.stderr
    );
    let k8s = t.path().join("k8s");
    let (_, doc) = with_client_list(
        &[
            "impact",
            "redis.cache",
            k8s.to_str().unwrap(),
            "--set",
            "tls=disabled",
        ],
        &format!("redis.cache={clients}"),
    );
    let client = &resource(&doc, "cache/redis")["consumers"][0];
    assert_eq!(client["verdict"], "breaks", "{client:#}");
    let reasons = client["reasons"].to_string();
    assert!(
        reasons.contains("seen connected with TLS") && !reasons.contains("its config shows none"),
        "{reasons}"
    );
}

/// `--client-list ID=FILE` with the resource's id (`cache/redis`, a `/` in
/// the ALIAS): its clients are that Redis's (a `/` used to make the whole
/// argument a file name).
#[test]
fn a_client_list_named_by_the_resources_id() {
    let t = tree(&[
        ("k8s/all.yaml", REDIS_CACHE),
        (
            "clients.txt",
            &client_line(7, "10.9.0.20:40001", 6379, "nightly", "default"),
        ),
    ]);
    let list = format!("cache/redis={}", t.path().join("clients.txt").display());
    let k8s = t.path().join("k8s");
    let run = fallout(&[
        "scan",
        k8s.to_str().unwrap(),
        "--client-list",
        &list,
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("live-unmatched"), "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["resources"].as_array().unwrap().len(), 1, "{doc:#}");
    assert_eq!(
        resource(&doc, "cache/redis")["consumers"][0]["id"],
        "client/10.9.0.20",
        "{doc:#}"
    );
}

/// `--redis ALIAS=URL` on one node of a Redis Cluster: the other nodes the
/// sampler finds go by the ALIAS too, so a client connected only to another
/// node is that Redis's consumer (it was missing from `decommission`).
#[test]
fn a_clusters_other_nodes_go_by_the_alias() {
    assert!(
        Command::new("redis-cli").arg("--version").output().is_ok(),
        "redis-cli is not installed: this test builds a real cluster"
    );
    let dir = tempfile::tempdir().unwrap();
    let mut nodes: Vec<Server> = Vec::new();
    for _ in 0..3 {
        let (port, bus) = (free_port(), free_port());
        let node_dir = tempfile::tempdir_in(dir.path()).unwrap();
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args([
                "--save",
                "",
                "--appendonly",
                "no",
                "--cluster-enabled",
                "yes",
            ])
            .args(["--cluster-port", &bus.to_string()])
            .arg("--dir")
            .arg(node_dir.path())
            .stdout(Stdio::null())
            .spawn()
            .expect("start redis-server");
        nodes.push(Server {
            child,
            port,
            _dir: node_dir,
        });
    }
    for n in &nodes {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !TcpStream::connect(("127.0.0.1", n.port))
            .is_ok_and(|mut s| command(&mut s, &["PING"]).contains("PONG"))
        {
            assert!(Instant::now() < deadline, "node {} did not answer", n.port);
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    let addrs: Vec<String> = nodes
        .iter()
        .map(|n| format!("127.0.0.1:{}", n.port))
        .collect();
    let created = Command::new("redis-cli")
        .args(["--cluster", "create"])
        .args(&addrs)
        .args(["--cluster-yes"])
        .output()
        .expect("redis-cli --cluster create");
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stdout)
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while !nodes.iter().all(|n| {
        TcpStream::connect(("127.0.0.1", n.port))
            .is_ok_and(|mut s| command(&mut s, &["CLUSTER", "INFO"]).contains("cluster_state:ok"))
    }) {
        assert!(Instant::now() < deadline, "the cluster did not settle");
        std::thread::sleep(Duration::from_millis(100));
    }
    let mut worker = TcpStream::connect(("127.0.0.1", nodes[2].port)).unwrap();
    assert!(command(&mut worker, &["CLIENT", "SETNAME", "worker"]).contains("OK"));
    let t = tree(&[(
        "k8s/all.yaml",
        &(REDIS_CACHE.to_string()
            + "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: worker, namespace: app}\nspec:\n  selector: {matchLabels: {app: worker}}\n  template:\n    metadata: {labels: {app: worker}}\n    spec:\n      containers: [{name: worker, image: \"example/worker:1\"}]\n"),
    )]);
    let k8s = t.path().join("k8s");
    let url = format!("redis.cache=redis://127.0.0.1:{}", nodes[0].port);
    let run = fallout(&[
        "impact",
        "redis.cache",
        k8s.to_str().unwrap(),
        "--redis",
        &url,
        "--set",
        "decommission=true",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let worker = consumer_of(&doc, "cache/redis", "app/Deployment/worker");
    assert_eq!(worker["verdict"], "breaks", "{worker:#}");
    assert!(
        worker["evidence"].to_string().contains(&format!(
            "redis://127.0.0.1:{} (as redis.cache)",
            nodes[2].port
        )),
        "{worker:#}"
    );
}

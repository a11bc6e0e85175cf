//! The kube listing with the real `kube` client over real HTTP, against a
//! stand-in API server started by each test (`server.rs`) serving the
//! manifests of `scenario/`. Tests against a real cluster (the current
//! kubeconfig context) are `#[ignore]`d.

mod server;

use fallout_core::{Fact, Origin, Severity};
use fallout_live::kube::{list_cluster, KubeListing, KubeOptions, Unread};
use fallout_live::LiveError;
use fallout_scan::k8s::{parse_manifests, scan_objects, Options};
use serde_json::Value;
use server::{kubeconfig, ApiServer, Setup};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const TOKEN: &str = "fallout-test-token-5f8e1c2b9a7d";

fn scenario_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/kube/scenario")
}

/// (file name, text) of each scenario manifest.
fn scenario_files() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(scenario_dir())
        .expect("scenario dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).expect("read"))
        })
        .collect();
    files.sort();
    files
}

/// The scenario's manifests as JSON, for the server.
fn scenario_objects() -> Vec<Value> {
    let mut objects = Vec::new();
    for (_, text) in scenario_files() {
        for doc in serde_yaml::Deserializer::from_str(&text) {
            let value: Value = serde::Deserialize::deserialize(doc).expect("yaml");
            objects.push(value);
        }
    }
    objects
}

/// `kube://test/NS/KIND/NAME` of every scenario object.
fn scenario_paths(namespace: Option<&str>, skip_kind: Option<&str>) -> BTreeSet<String> {
    scenario_objects()
        .iter()
        .filter(|o| namespace.is_none_or(|ns| o["metadata"]["namespace"] == ns))
        .filter(|o| skip_kind.is_none_or(|k| o["kind"] != k))
        .map(|o| {
            format!(
                "kube://test/{}/{}/{}",
                o["metadata"]["namespace"].as_str().unwrap(),
                o["kind"].as_str().unwrap(),
                o["metadata"]["name"].as_str().unwrap()
            )
        })
        .collect()
}

struct Cluster {
    server: ApiServer,
    _dir: tempfile::TempDir,
    kubeconfig: PathBuf,
}

impl Cluster {
    async fn start(setup: Setup) -> Cluster {
        let server = ApiServer::start(setup).await;
        let dir = tempfile::tempdir().expect("tempdir");
        let kubeconfig = dir.path().join("config");
        std::fs::write(&kubeconfig, server::kubeconfig(&server.url(), TOKEN)).expect("write");
        Cluster {
            server,
            _dir: dir,
            kubeconfig,
        }
    }

    async fn scenario() -> Cluster {
        Cluster::start(Setup {
            token: TOKEN.into(),
            objects: scenario_objects(),
            ..Setup::default()
        })
        .await
    }

    fn options(&self) -> KubeOptions {
        KubeOptions {
            kubeconfig: Some(self.kubeconfig.clone()),
            ..KubeOptions::default()
        }
    }

    async fn list(&self, opts: KubeOptions) -> KubeListing {
        list_cluster(&opts).await.expect("listing")
    }
}

fn paths(listing: &KubeListing) -> BTreeSet<String> {
    listing.objects.iter().map(|o| o.path.clone()).collect()
}

#[tokio::test]
async fn lists_every_kind_page_by_page_with_kube_paths() {
    let cluster = Cluster::scenario().await;
    let listing = cluster
        .list(KubeOptions {
            page_size: 2,
            ..cluster.options()
        })
        .await;

    assert_eq!(listing.context, "test");
    assert_eq!(listing.server, cluster.server.url());
    assert_eq!(listing.diagnostics, []);
    assert_eq!(listing.unreadable, []);
    assert_eq!(paths(&listing), scenario_paths(None, None));
    assert_eq!(
        listing.objects.len(),
        scenario_objects().len(),
        "no duplicates"
    );

    // Items arrive without type meta; the listing restores it.
    let deploy = listing
        .objects
        .iter()
        .find(|o| o.path == "kube://test/api/Deployment/events-api")
        .expect("events-api");
    assert_eq!(deploy.root.str_at(&["apiVersion"]), Some("apps/v1"));
    assert_eq!(deploy.root.str_at(&["kind"]), Some("Deployment"));
    assert!(
        deploy
            .root
            .at(&["metadata", "annotations"])
            .is_none_or(|a| a
                .get("kubectl.kubernetes.io/last-applied-configuration")
                .is_none()),
        "last-applied dropped"
    );
    let pod = listing
        .objects
        .iter()
        .find(|o| o.path == "kube://test/api/Pod/events-api-7d9f8b6c4-x2x9z")
        .expect("pod");
    assert_eq!(pod.root.str_at(&["status", "podIP"]), Some("10.244.2.7"));
    assert_eq!(
        pod.root
            .at(&["metadata", "ownerReferences"])
            .map(|o| o.as_seq()[0].str_at(&["kind"])),
        Some(Some("ReplicaSet"))
    );

    // Every kind cluster-wide, in pages of two, following continue tokens.
    let requests = cluster.server.requests();
    assert!(
        requests.iter().all(|r| r.contains("limit=2")),
        "{requests:#?}"
    );
    assert!(requests.iter().all(|r| !r.contains("/namespaces/")));
    let pods: Vec<&String> = requests
        .iter()
        .filter(|r| r.starts_with("/api/v1/pods?"))
        .collect();
    assert_eq!(pods.len(), 2, "4 pods in pages of 2: {pods:?}");
    assert!(
        pods.iter().any(|r| r.contains("continue=offset-2")),
        "{pods:?}"
    );
    assert!(requests
        .iter()
        .any(|r| r.starts_with("/apis/apps/v1/deployments?")));
    assert!(requests.iter().any(|r| r.starts_with("/api/v1/secrets?")));
    let mut per_kind = std::collections::BTreeMap::new();
    for object in scenario_objects() {
        *per_kind.entry(object["kind"].to_string()).or_insert(0) += 1;
    }
    assert_eq!(per_kind.len(), 12, "the scenario has every kind");
    let pages: usize = per_kind.values().map(|n: &usize| n.div_ceil(2)).sum();
    assert_eq!(listing.pages as usize, pages);
    assert_eq!(
        requests.len(),
        pages + 1,
        "the page with frontend, read again untyped"
    );
}

#[tokio::test]
async fn a_page_the_typed_api_cannot_read_is_read_untyped() {
    let cluster = Cluster::scenario().await;
    let listing = cluster
        .list(KubeOptions {
            namespaces: vec!["web".into()],
            ..cluster.options()
        })
        .await;
    assert_eq!(paths(&listing), scenario_paths(Some("web"), None));
    let frontend = listing
        .objects
        .iter()
        .find(|o| o.path == "kube://test/web/Deployment/frontend")
        .expect("frontend, whose env value is a number");
    assert_eq!(frontend.root.str_at(&["kind"]), Some("Deployment"));
    let deployments = cluster
        .server
        .requests()
        .into_iter()
        .filter(|r| r.starts_with("/apis/apps/v1/namespaces/web/deployments?"))
        .count();
    assert_eq!(deployments, 2, "typed, then untyped");
}

#[tokio::test]
async fn namespaces_are_listed_one_by_one() {
    let cluster = Cluster::scenario().await;
    let listing = cluster
        .list(KubeOptions {
            namespaces: vec!["api".into(), "cache".into(), "api".into()],
            ..cluster.options()
        })
        .await;
    let mut expected = scenario_paths(Some("api"), None);
    expected.extend(scenario_paths(Some("cache"), None));
    assert_eq!(paths(&listing), expected);
    let requests = cluster.server.requests();
    assert_eq!(requests.len(), 2 * 12, "{requests:#?}");
    assert!(requests
        .iter()
        .all(|r| r.contains("/namespaces/api/") || r.contains("/namespaces/cache/")));
}

#[tokio::test]
async fn forbidden_secrets_in_one_namespace_are_a_warning_and_the_rest_is_listed() {
    let cluster = Cluster::start(Setup {
        token: TOKEN.into(),
        objects: scenario_objects(),
        forbidden: vec![("secrets".into(), Some("api".into()))],
        ..Setup::default()
    })
    .await;
    let listing = cluster
        .list(KubeOptions {
            namespaces: vec!["cache".into(), "api".into()],
            ..cluster.options()
        })
        .await;

    assert_eq!(listing.diagnostics.len(), 1, "{:#?}", listing.diagnostics);
    let warning = &listing.diagnostics[0];
    assert_eq!(warning.severity, Severity::Warning);
    assert_eq!(warning.code, "kube-forbidden");
    assert_eq!(warning.path.as_deref(), Some("kube://test/api"));
    assert_eq!(
        warning.message,
        "cannot list secrets in api (403 Forbidden): consumers that read Secrets there are marked unverified; grant `list` on secrets in namespace api (docs/rbac.yaml), or pass --no-secrets"
    );
    assert_eq!(listing.unreadable.len(), 1);
    assert_eq!(listing.unreadable[0].namespace.as_deref(), Some("api"));
    assert_eq!(listing.unreadable[0].resource, "secrets");
    assert_eq!(listing.unreadable[0].why, Unread::Forbidden);
    assert!(!listing.readable("api", "secrets"));
    assert!(listing.readable("cache", "secrets"));
    assert!(listing.readable("api", "configmaps"));

    let mut expected = scenario_paths(Some("api"), Some("Secret"));
    expected.extend(scenario_paths(Some("cache"), None));
    assert_eq!(paths(&listing), expected);
}

#[tokio::test]
async fn forbidden_secrets_cluster_wide_are_a_warning() {
    let cluster = Cluster::start(Setup {
        token: TOKEN.into(),
        objects: scenario_objects(),
        forbidden: vec![("secrets".into(), Some("api".into()))],
        ..Setup::default()
    })
    .await;
    let listing = cluster.list(cluster.options()).await;
    assert_eq!(listing.diagnostics.len(), 1, "{:#?}", listing.diagnostics);
    let warning = &listing.diagnostics[0];
    assert_eq!(warning.code, "kube-forbidden");
    assert_eq!(warning.severity, Severity::Warning);
    assert!(
        warning
            .message
            .starts_with("cannot list secrets cluster-wide (403 Forbidden): consumers that read Secrets are marked unverified; grant `list` on secrets cluster-wide"),
        "{}",
        warning.message
    );
    assert!(!listing.readable("cache", "secrets"));
    assert_eq!(paths(&listing), scenario_paths(None, Some("Secret")));
}

#[tokio::test]
async fn no_secrets_does_not_ask_for_them() {
    let cluster = Cluster::scenario().await;
    let listing = cluster
        .list(KubeOptions {
            secrets: false,
            ..cluster.options()
        })
        .await;
    assert_eq!(listing.diagnostics, []);
    assert_eq!(paths(&listing), scenario_paths(None, Some("Secret")));
    assert!(cluster
        .server
        .requests()
        .iter()
        .all(|r| !r.contains("secrets")));
    assert_eq!(listing.unreadable.len(), 1);
    assert_eq!(listing.unreadable[0].why, Unread::Skipped);
    assert!(!listing.readable("api", "secrets"));
}

#[tokio::test]
async fn a_kind_the_server_does_not_serve_is_noted_and_the_rest_is_listed() {
    let cluster = Cluster::start(Setup {
        token: TOKEN.into(),
        objects: scenario_objects()
            .into_iter()
            .filter(|o| o["kind"] != "EndpointSlice")
            .collect(),
        unserved: vec!["endpointslices".into()],
        ..Setup::default()
    })
    .await;
    let listing = cluster.list(cluster.options()).await;
    assert_eq!(listing.diagnostics.len(), 1);
    assert_eq!(listing.diagnostics[0].code, "kube-not-served");
    assert_eq!(listing.diagnostics[0].severity, Severity::Info);
    assert_eq!(listing.unreadable, []);
    assert_eq!(paths(&listing), scenario_paths(None, Some("EndpointSlice")));
}

#[tokio::test]
async fn a_rejected_token_is_an_error_naming_context_and_server_never_the_token() {
    let cluster = Cluster::start(Setup {
        token: "the-token-the-server-wants".into(),
        objects: scenario_objects(),
        ..Setup::default()
    })
    .await;
    let err = list_cluster(&cluster.options()).await.unwrap_err();
    let LiveError::KubeAuth {
        context, server, ..
    } = &err
    else {
        panic!("expected KubeAuth, got {err:?}");
    };
    assert_eq!(context, "test");
    assert_eq!(server, &cluster.server.url());
    let message = err.to_string();
    assert!(
        message.starts_with(&format!(
            "kube context `test` ({}): authentication failed: 401 Unauthorized",
            cluster.server.url()
        )),
        "{message}"
    );
    assert!(!message.contains(TOKEN), "{message}");
    assert!(!format!("{err:?}").contains(TOKEN));
    assert_eq!(err.subject(), Some(cluster.server.url().as_str()));
}

#[tokio::test]
async fn an_unknown_context_is_an_error_listing_the_contexts() {
    let cluster = Cluster::scenario().await;
    let err = list_cluster(&KubeOptions {
        context: Some("prod".into()),
        ..cluster.options()
    })
    .await
    .unwrap_err();
    assert!(matches!(err, LiveError::KubeConfig { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "{}: no context `prod` (contexts: test, staging)",
            cluster.kubeconfig.display()
        )
    );
    assert!(cluster.server.requests().is_empty());
}

#[tokio::test]
async fn another_context_is_used_when_named() {
    let cluster = Cluster::scenario().await;
    let listing = cluster
        .list(KubeOptions {
            context: Some("staging".into()),
            namespaces: vec!["cache".into()],
            ..cluster.options()
        })
        .await;
    assert_eq!(listing.context, "staging");
    assert!(listing
        .objects
        .iter()
        .all(|o| o.path.starts_with("kube://staging/cache/")));
    assert_eq!(
        listing.objects.len(),
        scenario_paths(Some("cache"), None).len()
    );
}

#[tokio::test]
async fn an_unreachable_server_is_an_error_naming_it() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config");
    let url = format!("http://127.0.0.1:{port}");
    std::fs::write(&path, kubeconfig(&url, TOKEN)).unwrap();
    let err = list_cluster(&KubeOptions {
        kubeconfig: Some(path),
        ..KubeOptions::default()
    })
    .await
    .unwrap_err();
    assert!(matches!(err, LiveError::KubeUnreachable { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!("kube context `test`: cannot reach the API server {url}: connection refused (is the API server running at this address?)")
    );
}

/// Every message a user can see, from every failure mode, with the token
/// planted everywhere a kubeconfig can hold it.
#[tokio::test]
async fn the_token_never_appears_in_a_message() {
    let mut messages: Vec<String> = Vec::new();

    // A 403 whose Status message is echoed, and the listing's diagnostics.
    let cluster = Cluster::start(Setup {
        token: TOKEN.into(),
        objects: scenario_objects(),
        forbidden: vec![("secrets".into(), None), ("pods".into(), None)],
        ..Setup::default()
    })
    .await;
    let listing = cluster.list(cluster.options()).await;
    assert_eq!(listing.diagnostics.len(), 2);
    messages.extend(listing.diagnostics.iter().map(|d| format!("{d:?}")));

    // 401, unknown context, unreachable.
    let rejected = Cluster::start(Setup {
        token: "another".into(),
        ..Setup::default()
    })
    .await;
    let mut errors = vec![list_cluster(&rejected.options()).await.unwrap_err()];
    errors.push(
        list_cluster(&KubeOptions {
            context: Some("nope".into()),
            ..cluster.options()
        })
        .await
        .unwrap_err(),
    );
    let dir = tempfile::tempdir().unwrap();
    let unreachable = dir.path().join("unreachable");
    std::fs::write(&unreachable, kubeconfig("http://127.0.0.1:9", TOKEN)).unwrap();
    errors.push(
        list_cluster(&KubeOptions {
            kubeconfig: Some(unreachable),
            ..KubeOptions::default()
        })
        .await
        .unwrap_err(),
    );

    // A kubeconfig that does not parse, with the token in the broken part.
    let broken = dir.path().join("broken");
    std::fs::write(
        &broken,
        format!(
            "{}  : [ {TOKEN}\n    token: {TOKEN}\n",
            kubeconfig("http://127.0.0.1:9", TOKEN)
        ),
    )
    .unwrap();
    errors.push(
        list_cluster(&KubeOptions {
            kubeconfig: Some(broken),
            ..KubeOptions::default()
        })
        .await
        .unwrap_err(),
    );
    // A server URL that is not one, next to the token.
    let bad_url = dir.path().join("bad-url");
    std::fs::write(&bad_url, kubeconfig(&format!("http://[{TOKEN}"), TOKEN)).unwrap();
    errors.push(
        list_cluster(&KubeOptions {
            kubeconfig: Some(bad_url),
            ..KubeOptions::default()
        })
        .await
        .unwrap_err(),
    );
    // An exec plugin that fails and prints the token.
    let exec = dir.path().join("exec");
    std::fs::write(
        &exec,
        format!(
            "apiVersion: v1\nkind: Config\ncurrent-context: x\nclusters:\n- name: c\n  cluster:\n    server: {}\ncontexts:\n- name: x\n  context:\n    cluster: c\n    user: u\nusers:\n- name: u\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: sh\n      args: [\"-c\", \"echo {TOKEN} >&2; exit 1\"]\n",
            cluster.server.url()
        ),
    )
    .unwrap();
    let err = list_cluster(&KubeOptions {
        kubeconfig: Some(exec),
        ..KubeOptions::default()
    })
    .await
    .unwrap_err();
    assert!(matches!(err, LiveError::KubeAuth { .. }), "{err:?}");
    errors.push(err);

    for err in &errors {
        messages.push(err.to_string());
        messages.push(format!("{err:?}"));
    }
    for message in &messages {
        assert!(!message.contains(TOKEN), "token in: {message}");
        assert!(!message.contains("5f8e1c2b9a7d"), "token in: {message}");
    }
}

/// Evidence origins differ by source (`kube://…` against `file:line`);
/// everything else must not.
fn without_origins(facts: Vec<Fact>) -> Vec<String> {
    let blank = || Origin::Live {
        source: String::new(),
    };
    let mut out: Vec<String> = facts
        .into_iter()
        .map(|mut fact| {
            match &mut fact {
                Fact::Workload(w) => {
                    w.defined_at = blank();
                    if let Some(origin) = w.server.as_mut().and_then(|s| s.auth_origin.as_mut()) {
                        *origin = blank();
                    }
                }
                Fact::Service(s) => s.defined_at = blank(),
                Fact::ServiceBackends(b) => b.defined_at = blank(),
                Fact::Reference(r) => {
                    r.evidence.origin = blank();
                    if let Some(c) = &mut r.credential {
                        c.origin = blank();
                    }
                    if let Some(o) = &mut r.port_origin {
                        *o = blank();
                    }
                }
                Fact::Hint(h) => h.evidence.origin = blank(),
                Fact::Pod(p) => p.origin = blank(),
                Fact::Client(_) | Fact::Sampled(_) => {}
            }
            format!("{fact:?}")
        })
        .collect();
    out.sort();
    out
}

fn origins(facts: &[Fact]) -> Vec<String> {
    facts
        .iter()
        .filter_map(|fact| match fact {
            Fact::Workload(w) => Some(w.defined_at.to_string()),
            Fact::Reference(r) => Some(r.evidence.origin.to_string()),
            Fact::Pod(p) => Some(p.origin.to_string()),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn the_listing_scans_to_the_same_facts_as_the_files() {
    let cluster = Cluster::scenario().await;
    let listing = cluster
        .list(KubeOptions {
            page_size: 3,
            ..cluster.options()
        })
        .await;
    let from_api = scan_objects(&listing.objects, &Options::default());

    let files = scenario_files();
    let mut objects = Vec::new();
    for (name, text) in &files {
        let (parsed, diagnostics) = parse_manifests(name, text);
        assert_eq!(diagnostics, [], "{name}");
        objects.extend(parsed);
    }
    let from_files = scan_objects(&objects, &Options::default());

    assert!(
        from_files
            .facts
            .iter()
            .filter(|f| matches!(f, Fact::Reference(_)))
            .count()
            >= 3,
        "the scenario has references: {:#?}",
        from_files.facts
    );
    // The listing drops `kubectl.kubernetes.io/last-applied-configuration`
    // (a second copy of the object); the scanner keeps annotations among a
    // workload's labels, so from files it is there: the one expected
    // difference.
    let mut file_facts = from_files.facts.clone();
    for fact in &mut file_facts {
        if let Fact::Workload(w) = fact {
            w.labels
                .remove("kubectl.kubernetes.io/last-applied-configuration");
        }
    }
    assert_eq!(
        without_origins(from_api.facts.clone()),
        without_origins(file_facts)
    );
    assert_eq!(from_api.diagnostics.len(), from_files.diagnostics.len());
    let origins = origins(&from_api.facts);
    assert!(!origins.is_empty());
    assert!(
        origins.iter().all(|o| o.starts_with("kube://test/")),
        "{origins:#?}"
    );
}

/// Against the cluster of the current kubeconfig context.
#[tokio::test]
#[ignore = "needs a real cluster (the current kubeconfig context)"]
async fn real_cluster_current_context() {
    let listing = list_cluster(&KubeOptions::default())
        .await
        .expect("listing");
    assert!(!listing.objects.is_empty(), "an empty cluster?");
    assert!(listing
        .objects
        .iter()
        .all(|o| o.path.starts_with(&format!("kube://{}/", listing.context))));
    let facts = scan_objects(&listing.objects, &Options::default());
    assert!(facts
        .facts
        .iter()
        .any(|f| matches!(f, Fact::Pod(_) | Fact::Workload(_))));
}

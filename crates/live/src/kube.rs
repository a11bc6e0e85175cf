//! Live Kubernetes: lists what runs in a cluster through its API and hands
//! it to the same manifest scanner as files (`fallout_scan::k8s`), each
//! object named `kube://CONTEXT/NAMESPACE/KIND/NAME`.
//!
//! Every kind is listed through its typed API, page by page (`limit` /
//! `continue`), the kinds concurrently. A kind the credentials may not list
//! (403) is a warning and an [`Unreadable`] entry; the rest is still
//! listed. Rejected credentials (401), an unreachable server or an unknown
//! context are errors. No credential ever appears in a message.

mod config;
mod list;

use crate::LiveError;
use config::Target;
use fallout_core::Diagnostic;
use fallout_scan::k8s::Object;
use list::{Kind, Listed, Request, KINDS};
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

pub use config::IN_CLUSTER;

/// Lists in flight at once: enough to overlap round trips, few enough not
/// to look like a burst to the API server's priority and fairness.
const CONCURRENT_LISTS: usize = 6;

/// Where to list, and what.
#[derive(Clone, Debug)]
pub struct KubeOptions {
    /// A kubeconfig file. `None`: `KUBECONFIG`, else `~/.kube/config`, else
    /// the pod's service account (in-cluster).
    pub kubeconfig: Option<PathBuf>,
    /// A context of the kubeconfig (`--kube-context`); `None`: its current context.
    pub context: Option<String>,
    /// Namespaces to list (`--namespace`); empty: all of them.
    pub namespaces: Vec<String>,
    /// List Secrets; `false` with `--no-secrets`.
    pub secrets: bool,
    /// Objects per list request.
    pub page_size: u32,
}

impl Default for KubeOptions {
    fn default() -> KubeOptions {
        KubeOptions {
            kubeconfig: None,
            context: None,
            namespaces: Vec::new(),
            secrets: true,
            page_size: 500,
        }
    }
}

/// What the cluster showed.
#[derive(Clone, Debug)]
pub struct KubeListing {
    /// The kubeconfig context, or `in-cluster`.
    pub context: String,
    /// The API server's URL.
    pub server: String,
    /// Every object listed, ready for `fallout_scan::k8s::scan_objects`.
    pub objects: Vec<Object<'static>>,
    /// Kinds that could not be listed (`kube-forbidden` warnings,
    /// `kube-list` errors) and kinds the server does not serve
    /// (`kube-not-served`, info).
    pub diagnostics: Vec<Diagnostic>,
    /// What was not read, so that evidence that depends on it is marked
    /// unverified instead of absent.
    pub unreadable: Vec<Unreadable>,
    /// List requests made (pages).
    pub pages: u32,
}

/// A resource not read in a namespace (or in any).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreadable {
    /// `None`: in no namespace (the cluster-wide list was refused).
    pub namespace: Option<String>,
    /// The API's resource name: `secrets`, `configmaps`, `pods`…
    pub resource: &'static str,
    /// Its kind: `Secret`.
    pub kind: &'static str,
    pub why: Unread,
}

/// Why a resource was not read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unread {
    /// 403: the credentials may not `list` it.
    Forbidden,
    /// Not asked for (`--no-secrets`).
    Skipped,
    /// Any other failure (a 5xx, a reply that did not decode).
    Failed,
}

impl KubeListing {
    /// Whether objects of `resource` (`secrets`) in `namespace` were read,
    /// so that their absence means they do not exist.
    pub fn readable(&self, namespace: &str, resource: &str) -> bool {
        !self.unreadable.iter().any(|u| {
            u.resource == resource && u.namespace.as_deref().is_none_or(|ns| ns == namespace)
        })
    }
}

/// Lists the cluster of `opts`' context (or the pod's own cluster).
pub async fn list_cluster(opts: &KubeOptions) -> Result<KubeListing, LiveError> {
    let target = config::load(opts).await?;
    // Building the client runs an exec credential plugin, if there is one.
    let client = ::kube::Client::try_from(target.config.clone()).map_err(|e| match &e {
        ::kube::Error::Auth(auth) => LiveError::KubeAuth {
            context: target.context.clone(),
            server: target.server.clone(),
            reason: auth_reason(auth, &target),
        },
        _ => LiveError::KubeConfig {
            kubeconfig: target.source.clone(),
            reason: target.redactor.scrub(&format!(
                "context `{}`: cannot build a client: {e}",
                target.context
            )),
        },
    })?;
    let context: Arc<str> = Arc::from(target.context.as_str());

    let mut scopes: Vec<Option<String>> = Vec::new();
    for ns in &opts.namespaces {
        if !scopes.iter().any(|s| s.as_deref() == Some(ns.as_str())) {
            scopes.push(Some(ns.clone()));
        }
    }
    if scopes.is_empty() {
        scopes.push(None);
    }
    let kinds: Vec<&'static Kind> = KINDS
        .iter()
        .filter(|k| opts.secrets || k.kind != "Secret")
        .collect();
    let mut tasks: Vec<(&'static Kind, Option<String>)> = Vec::new();
    for kind in &kinds {
        for scope in &scopes {
            tasks.push((kind, scope.clone()));
        }
    }

    let permits = Arc::new(Semaphore::new(CONCURRENT_LISTS));
    let mut set = JoinSet::new();
    for (i, (kind, namespace)) in tasks.iter().enumerate() {
        let request = Request {
            client: client.clone(),
            namespace: namespace.clone(),
            context: context.clone(),
            page_size: opts.page_size.max(1),
        };
        let list = kind.list;
        let permits = permits.clone();
        set.spawn(async move {
            let _permit = permits.acquire_owned().await;
            (i, list(request).await)
        });
    }
    let mut results: Vec<Option<Listed>> = tasks.iter().map(|_| None).collect();
    while let Some(joined) = set.join_next().await {
        let (i, listed) = match joined {
            Ok(done) => done,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(e) => {
                return Err(LiveError::Runtime(format!(
                    "a list task was cancelled: {e}"
                )));
            }
        };
        // Rejected credentials or a lost server end the run at once; the
        // tasks still running are dropped with the set.
        if let Some(error) = &listed.error {
            if let Some(fatal) = fatal(error, &target) {
                return Err(fatal);
            }
        }
        results[i] = Some(listed);
    }

    let mut listing = KubeListing {
        context: target.context.clone(),
        server: target.server.clone(),
        objects: Vec::new(),
        diagnostics: Vec::new(),
        unreadable: Vec::new(),
        pages: 0,
    };
    if !opts.secrets {
        for namespace in &scopes {
            listing.unreadable.push(Unreadable {
                namespace: namespace.clone(),
                resource: "secrets",
                kind: "Secret",
                why: Unread::Skipped,
            });
        }
    }
    for ((kind, namespace), listed) in tasks.into_iter().zip(results) {
        let Some(listed) = listed else { continue };
        listing.pages += listed.pages;
        listing.objects.extend(listed.objects);
        if let Some(error) = listed.error {
            listing.note_failure(kind, namespace, &error, &target);
        }
    }
    Ok(listing)
}

/// [`list_cluster`] for callers without a runtime: starts one for the call.
pub fn list_cluster_blocking(opts: &KubeOptions) -> Result<KubeListing, LiveError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| LiveError::Runtime(e.to_string()))?
        .block_on(list_cluster(opts))
}

/// The errors that end the run: 401, a failed credential plugin, no
/// connection to the server.
fn fatal(error: &::kube::Error, target: &Target) -> Option<LiveError> {
    let scrub = |s: &str| target.redactor.scrub(s);
    match error {
        ::kube::Error::Api(status) if status.code == 401 => {
            let mut reason = "401 Unauthorized: the API server rejected the credentials of this context (an expired or revoked token, or a certificate it does not trust)".to_string();
            if !status.message.is_empty() && status.message != "Unauthorized" {
                reason.push_str(&format!(" ({})", scrub(&status.message)));
            }
            Some(LiveError::KubeAuth {
                context: target.context.clone(),
                server: target.server.clone(),
                reason,
            })
        }
        ::kube::Error::Auth(e) => Some(LiveError::KubeAuth {
            context: target.context.clone(),
            server: target.server.clone(),
            reason: auth_reason(e, target),
        }),
        ::kube::Error::HyperError(_) | ::kube::Error::Service(_) => {
            Some(LiveError::KubeUnreachable {
                context: target.context.clone(),
                server: target.server.clone(),
                cause: scrub(&unreachable_cause(error)),
            })
        }
        _ => None,
    }
}

/// Why credentials could not be obtained. A credential plugin's command
/// line and output are left out: either may hold a token fallout has never
/// seen and so cannot scrub.
fn auth_reason(error: &::kube::client::AuthError, target: &Target) -> String {
    use ::kube::client::AuthError;
    match error {
        AuthError::AuthExecRun { out, .. } => format!(
            "the credential plugin (exec) of this context failed ({}); run it by hand to see why",
            out.status
        ),
        AuthError::AuthExecStart(e) => format!("cannot start the credential plugin (exec): {e}"),
        AuthError::AuthExecParse(_) => {
            "the credential plugin (exec) printed something that is not an ExecCredential".into()
        }
        other => target.redactor.scrub(&chain(other)),
    }
}

/// An error and its sources, `: `-separated, repeats left out.
fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(error);
    while let Some(e) = next {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = e.source();
    }
    parts.join(": ")
}

fn unreachable_cause(error: &::kube::Error) -> String {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => {
                    return "connection refused (is the API server running at this address?)".into()
                }
                std::io::ErrorKind::TimedOut => return "timed out".into(),
                _ => {}
            }
        }
        source = e.source();
    }
    let text = chain(error);
    if text.contains("deadline has elapsed") || text.contains("timed out") {
        format!("timed out ({text})")
    } else {
        text
    }
}

impl KubeListing {
    /// A kind that could not be listed: a diagnostic, and an `unreadable`
    /// entry when it may hide evidence.
    fn note_failure(
        &mut self,
        kind: &'static Kind,
        namespace: Option<String>,
        error: &::kube::Error,
        target: &Target,
    ) {
        let resource = kind.resource;
        let place = match &namespace {
            Some(ns) => format!("in {ns}"),
            None => "cluster-wide".to_string(),
        };
        let path = match &namespace {
            Some(ns) => format!("kube://{}/{ns}", self.context),
            None => format!("kube://{}", self.context),
        };
        let there = if namespace.is_some() { " there" } else { "" };
        let consequence = match kind.kind {
            "Secret" => format!("consumers that read Secrets{there} are marked unverified"),
            "ConfigMap" => format!("consumers that read ConfigMaps{there} are marked unverified"),
            "Pod" => {
                format!("live clients from pods{there} cannot be attributed to their workloads")
            }
            "Service" | "EndpointSlice" => {
                format!("names that resolve through Services{there} may stay unresolved")
            }
            "NetworkPolicy" => format!("NetworkPolicies{there} give no hints"),
            other => format!("{other}s{there} are not scanned"),
        };
        let (diagnostic, why) = match error {
            ::kube::Error::Api(status) if status.code == 403 => {
                let grant = match &namespace {
                    Some(ns) => format!("grant `list` on {resource} in namespace {ns} (docs/rbac.yaml)"),
                    None => format!(
                        "grant `list` on {resource} cluster-wide (docs/rbac.yaml), or pass --namespace for namespaces you may read"
                    ),
                };
                let or_skip = if kind.kind == "Secret" {
                    ", or pass --no-secrets"
                } else {
                    ""
                };
                (
                    Diagnostic::warning(
                        "kube-forbidden",
                        format!("cannot list {resource} {place} (403 Forbidden): {consequence}; {grant}{or_skip}"),
                    ),
                    Some(Unread::Forbidden),
                )
            }
            ::kube::Error::Api(status) if status.code == 404 => (
                Diagnostic::new(
                    fallout_core::Severity::Info,
                    "kube-not-served",
                    format!(
                        "the API server does not serve {resource} ({}); none listed",
                        kind.api_version
                    ),
                ),
                None,
            ),
            other => {
                let detail = match other {
                    ::kube::Error::Api(status) => {
                        let mut detail = format!("{} {}", status.code, status.reason);
                        if !status.message.is_empty() {
                            detail.push_str(&format!(": {}", status.message));
                        }
                        detail
                    }
                    other => chain(other),
                };
                (
                    Diagnostic::error(
                        "kube-list",
                        format!(
                            "cannot list {resource} {place}: {}; {consequence}",
                            target.redactor.scrub(detail.trim())
                        ),
                    ),
                    Some(Unread::Failed),
                )
            }
        };
        let mut diagnostic = diagnostic;
        diagnostic.path = Some(path);
        self.diagnostics.push(diagnostic);
        if let Some(why) = why {
            self.unreadable.push(Unreadable {
                namespace,
                resource,
                kind: kind.kind,
                why,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::list::KINDS;

    /// docs/rbac.yaml grants `list` on every kind listed, in its API group,
    /// and nothing else.
    #[test]
    fn the_documented_cluster_role_covers_every_kind() {
        let docs: Vec<serde_json::Value> =
            serde_yaml::Deserializer::from_str(include_str!("../../../docs/rbac.yaml"))
                .map(|doc| serde::Deserialize::deserialize(doc).expect("yaml"))
                .collect();
        let role = docs
            .iter()
            .find(|d| d["kind"] == "ClusterRole")
            .expect("a ClusterRole");
        let mut granted = Vec::new();
        for rule in role["rules"].as_array().expect("rules") {
            let verbs = rule["verbs"].as_array().expect("verbs");
            assert!(verbs.iter().any(|v| v == "list"), "{rule}");
            assert!(verbs.iter().all(|v| v == "list" || v == "get"), "{rule}");
            for group in rule["apiGroups"].as_array().expect("groups") {
                for resource in rule["resources"].as_array().expect("resources") {
                    granted.push(format!(
                        "{}/{}",
                        group.as_str().unwrap(),
                        resource.as_str().unwrap()
                    ));
                }
            }
        }
        let mut wanted: Vec<String> = KINDS
            .iter()
            .map(|k| {
                let group = k.api_version.rsplit_once('/').map_or("", |(g, _)| g);
                format!("{group}/{}", k.resource)
            })
            .collect();
        granted.sort();
        wanted.sort();
        assert_eq!(granted, wanted);
    }
}

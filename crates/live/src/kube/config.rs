//! Which cluster, as whom: a kubeconfig context (`--kubeconfig`, else
//! `KUBECONFIG`, else `~/.kube/config`), or the pod's service account when
//! there is no kubeconfig. Every credential met on the way is remembered
//! only so it can be scrubbed from messages.

use super::KubeOptions;
use crate::LiveError;
use ::kube::config::{Config, KubeConfigOptions, Kubeconfig};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Name given to the in-cluster configuration, in messages and `kube://` paths.
pub const IN_CLUSTER: &str = "in-cluster";

/// A server that does not answer a connection within this time is unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// One page of a list; generous, pages are small.
const READ_TIMEOUT: Duration = Duration::from_secs(60);

/// Keys whose values are credentials in a kubeconfig (`user:` entries,
/// auth-provider configs).
const SECRET_KEYS: &[&str] = &[
    "token",
    "password",
    "client-key-data",
    "id-token",
    "refresh-token",
    "access-token",
    "client-secret",
];

/// The cluster to list, and what must never be shown.
pub struct Target {
    pub config: Config,
    pub context: String,
    pub server: String,
    /// The kubeconfig path(s), or `in-cluster`.
    pub source: String,
    pub redactor: Redactor,
}

/// Replaces every known credential in a message by `<redacted>`.
#[derive(Clone, Debug, Default)]
pub struct Redactor(Vec<String>);

impl Redactor {
    fn add(&mut self, secret: &str) {
        let secret = secret.trim();
        // Very short values would scrub ordinary words; no real token is this short.
        if secret.len() >= 4 && !self.0.iter().any(|s| s == secret) {
            self.0.push(secret.to_string());
            // Longest first, so a token that contains another is scrubbed whole.
            self.0.sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
    }

    /// Credentials in a kubeconfig's text, found line by line so it works
    /// on a file that does not parse.
    fn add_from_text(&mut self, text: &str) {
        for line in text.lines() {
            let line = line.trim_start().trim_start_matches("- ");
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let key = key.trim().trim_matches(|c| c == '"' || c == '\'');
            if SECRET_KEYS.contains(&key) {
                self.add(value.trim().trim_matches(|c| c == '"' || c == '\''));
            }
        }
    }

    fn add_file(&mut self, path: &Path) {
        if let Ok(text) = std::fs::read_to_string(path) {
            self.add(&text);
        }
    }

    pub fn scrub(&self, message: &str) -> String {
        let mut message = message.to_string();
        for secret in &self.0 {
            if message.contains(secret.as_str()) {
                message = message.replace(secret.as_str(), "<redacted>");
            }
        }
        message
    }
}

pub async fn load(opts: &KubeOptions) -> Result<Target, LiveError> {
    let paths = match &opts.kubeconfig {
        Some(path) => vec![path.clone()],
        None => default_paths(),
    };
    let mut target = if paths.is_empty() {
        in_cluster(opts)?
    } else {
        from_kubeconfig(&paths, opts).await?
    };
    target.config.connect_timeout = Some(CONNECT_TIMEOUT);
    target.config.read_timeout = Some(READ_TIMEOUT);
    Ok(target)
}

/// `KUBECONFIG` (several files, merged), else `~/.kube/config` if it exists.
fn default_paths() -> Vec<PathBuf> {
    if let Some(value) = std::env::var_os("KUBECONFIG") {
        let paths: Vec<PathBuf> = std::env::split_paths(&value)
            .filter(|p| !p.as_os_str().is_empty())
            .collect();
        if !paths.is_empty() {
            return paths;
        }
    }
    std::env::var_os("HOME")
        .map(|home| PathBuf::from(home).join(".kube").join("config"))
        .filter(|p| p.exists())
        .into_iter()
        .collect()
}

fn in_cluster(opts: &KubeOptions) -> Result<Target, LiveError> {
    if let Some(context) = &opts.context {
        return Err(LiveError::KubeConfig {
            kubeconfig: "kubeconfig".into(),
            reason: format!(
                "no kubeconfig found (KUBECONFIG is not set and ~/.kube/config does not exist), so there is no context `{context}`"
            ),
        });
    }
    let config = Config::incluster().map_err(|e| LiveError::KubeConfig {
        kubeconfig: IN_CLUSTER.into(),
        reason: format!(
            "no kubeconfig found (KUBECONFIG is not set and ~/.kube/config does not exist) and not running in a pod: {e}"
        ),
    })?;
    let mut redactor = Redactor::default();
    if let Some(file) = &config.auth_info.token_file {
        redactor.add_file(Path::new(file));
    }
    Ok(Target {
        server: config.cluster_url.to_string(),
        config,
        context: IN_CLUSTER.into(),
        source: IN_CLUSTER.into(),
        redactor,
    })
}

async fn from_kubeconfig(paths: &[PathBuf], opts: &KubeOptions) -> Result<Target, LiveError> {
    let source = paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(if cfg!(windows) { ";" } else { ":" });
    let mut redactor = Redactor::default();
    let mut merged: Option<Kubeconfig> = None;
    for path in paths {
        let fail = |redactor: &Redactor, reason: String| LiveError::KubeConfig {
            kubeconfig: path.display().to_string(),
            reason: redactor.scrub(&reason),
        };
        let text = std::fs::read_to_string(path)
            .map_err(|e| fail(&redactor, format!("cannot read the kubeconfig: {e}")))?;
        redactor.add_from_text(&text);
        // `read_from` (not `from_yaml`): it makes relative certificate and
        // token-file paths relative to the kubeconfig's directory.
        let config = Kubeconfig::read_from(path).map_err(|e| {
            // The first line: the parser follows it with the lines around
            // the error, which may hold credentials under keys not known here.
            let e = e.to_string();
            let first = e.lines().next().unwrap_or_default();
            fail(&redactor, format!("not a usable kubeconfig: {first}"))
        })?;
        merged = Some(match merged {
            None => config,
            Some(m) => m
                .merge(config)
                .map_err(|e| fail(&redactor, format!("cannot merge: {e}")))?,
        });
    }
    let kubeconfig = merged.unwrap_or_default();
    let fail = |reason: String| LiveError::KubeConfig {
        kubeconfig: source.clone(),
        reason,
    };

    let known = known_contexts(&kubeconfig);
    let name = match opts.context.clone().or(kubeconfig.current_context.clone()) {
        Some(name) if !name.is_empty() => name,
        _ => {
            return Err(fail(format!(
                "no current-context; choose one with --kube-context ({known})"
            )))
        }
    };
    let Some(context) = kubeconfig
        .contexts
        .iter()
        .find(|c| c.name == name)
        .and_then(|c| c.context.as_ref())
    else {
        return Err(fail(format!("no context `{name}` ({known})")));
    };
    let server = kubeconfig
        .clusters
        .iter()
        .find(|c| c.name == context.cluster)
        .and_then(|c| c.cluster.as_ref()?.server.clone())
        .ok_or_else(|| {
            fail(format!(
                "context `{name}` names cluster `{}`, which has no server",
                context.cluster
            ))
        })?;
    if let Some(user) = &context.user {
        let token_file = kubeconfig
            .auth_infos
            .iter()
            .find(|u| &u.name == user)
            .and_then(|u| u.auth_info.as_ref()?.token_file.clone());
        if let Some(file) = token_file {
            redactor.add_file(Path::new(&file));
        }
    }

    let options = KubeConfigOptions {
        context: Some(name.clone()),
        ..KubeConfigOptions::default()
    };
    let config = Config::from_custom_kubeconfig(kubeconfig, &options)
        .await
        .map_err(|e| fail(redactor.scrub(&format!("context `{name}`: {e}"))))?;
    Ok(Target {
        config,
        context: name,
        server,
        source,
        redactor,
    })
}

fn known_contexts(kubeconfig: &Kubeconfig) -> String {
    if kubeconfig.contexts.is_empty() {
        return "the kubeconfig has no contexts".into();
    }
    let names: Vec<&str> = kubeconfig
        .contexts
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    format!("contexts: {}", names.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redactor_finds_credentials_in_text_that_does_not_parse() {
        let mut r = Redactor::default();
        r.add_from_text(
            "users:\n- name: u\n  user:\n    token: \"s3cr3t-token-value\"\n    password: hunter22\n  : [ broken\n",
        );
        let msg = r.scrub("bad token s3cr3t-token-value near hunter22");
        assert_eq!(msg, "bad token <redacted> near <redacted>");
    }
}

//! The command line, as clap derives it. Every flag is documented in
//! docs/cli.md; exit codes are in one place there and in `crate::Exit`.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "fallout",
    version,
    about = "Who uses this Redis, and what breaks if I change it?",
    long_about = "Finds every consumer of a Redis instance in Kubernetes manifests, compose projects, \
                  config files and live client lists, and says what a change does to each one.\n\n\
                  Exit status: 0 nothing at or above the fail level; 1 the gate failed; \
                  2 usage error, unreadable input (with --strict) or a source that could not be reached."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Inventory: every Redis found and its consumers.
    Scan {
        /// Files or directories (walked, .gitignore respected); `-` reads stdin.
        paths: Vec<PathBuf>,
        #[command(flatten)]
        common: Common,
    },
    /// What a change does to each consumer of one Redis.
    Impact {
        /// Any alias of the resource: `redis-sessions.cache`, `cache/redis-sessions`, `host:port`.
        target: String,
        /// Files or directories (walked, .gitignore respected); `-` reads stdin.
        paths: Vec<PathBuf>,
        /// A change setting, e.g. `tls=required`, `port=6380`, `decommission=true` (repeatable).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
        /// A change file (DESIGN.md format); its settings add to --set.
        #[arg(long, value_name = "FILE")]
        change: Option<PathBuf>,
        /// Approvals file: approved consumers do not fail the gate.
        #[arg(long, value_name = "FILE")]
        approvals: Option<PathBuf>,
        /// Exit 1 when a consumer is at this level or worse: breaks, at-risk, undocumented.
        #[arg(long = "fail-on", value_name = "LEVEL")]
        fail_on: Option<String>,
        #[command(flatten)]
        common: Common,
    },
    /// The CI gate: exit 1 when the change file breaks an unapproved consumer.
    Check {
        /// The change file: change, target, set, window, rollback.
        #[arg(long, value_name = "FILE")]
        change: PathBuf,
        /// Files or directories (walked, .gitignore respected); `-` reads stdin.
        paths: Vec<PathBuf>,
        /// Approvals file: approved consumers do not fail the gate.
        #[arg(long, value_name = "FILE")]
        approvals: Option<PathBuf>,
        /// Fail at this level or worse: breaks (default), at-risk, undocumented.
        #[arg(long = "fail-on", value_name = "LEVEL")]
        fail_on: Option<String>,
        #[command(flatten)]
        common: Common,
    },
    /// The dependency graph (mermaid by default; dot, json).
    // The shared flags' help lists every format; graph writes three.
    #[command(
        mut_arg("format", |a| a.help("Output format on stdout: mermaid (default), dot, json")),
        mut_arg("reports", |a| a.help(
            "Also write the graph to a file, e.g. `dot=graph.dot` (repeatable; formats: mermaid, dot, json)"
        ))
    )]
    Graph {
        /// Files or directories (walked, .gitignore respected); `-` reads stdin.
        paths: Vec<PathBuf>,
        #[command(flatten)]
        common: Common,
    },
}

#[derive(Debug, Args, Clone, Default)]
pub struct Common {
    /// Output format on stdout: table, json, markdown, sarif, checklist, dot, mermaid.
    #[arg(long, short = 'f', value_name = "FORMAT")]
    pub format: Option<String>,
    /// Also write a report to a file, e.g. `sarif=fallout.sarif` (repeatable).
    #[arg(long = "report", value_name = "FORMAT=FILE")]
    pub reports: Vec<String>,
    /// Fail (exit 2) when any input could not be read or parsed.
    #[arg(long)]
    pub strict: bool,
    /// Kubernetes cluster domain for `svc.<domain>` names.
    #[arg(long, value_name = "DOMAIN", default_value = "cluster.local")]
    pub cluster_domain: String,
    /// Namespace of manifests that name none.
    #[arg(long, value_name = "NS", default_value = "default")]
    pub default_namespace: String,
    /// Label or annotation naming a workload's owner (repeatable; default team, owner, app.kubernetes.io/part-of).
    #[arg(long = "owner-key", value_name = "KEY")]
    pub owner_keys: Vec<String>,
    /// Backstage catalog-info.yaml or fallout.yaml inventory to compare against (repeatable).
    #[arg(long, value_name = "PATH")]
    pub catalog: Vec<PathBuf>,
    /// The inventory file (default: fallout.yaml at the root of a scanned folder).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// A live Redis to sample: [ALIAS=]redis://[user[:password]@]host:port or rediss:// (repeatable);
    /// ALIAS names the instance as the manifests do when the URL reaches it another way.
    #[arg(long = "redis", value_name = "URL")]
    pub redis: Vec<String>,
    /// CA certificate (PEM) to verify rediss:// servers.
    #[arg(long, value_name = "FILE")]
    pub redis_ca: Option<PathBuf>,
    /// Client certificate (PEM) for mutual TLS.
    #[arg(long, value_name = "FILE")]
    pub redis_cert: Option<PathBuf>,
    /// Client key (PEM) for mutual TLS.
    #[arg(long, value_name = "FILE")]
    pub redis_key: Option<PathBuf>,
    /// Do not check that the server certificate names the host connected to. The chain is still verified against the CA (--redis-ca or the system roots).
    #[arg(long)]
    pub redis_insecure: bool,
    /// Sample client lists over this window, e.g. 30s, 10m (needs --redis).
    #[arg(long, value_name = "DURATION")]
    pub observe: Option<String>,
    /// Interval between samples within --observe (default 1s; needs --redis).
    #[arg(long, value_name = "INTERVAL")]
    pub every: Option<String>,
    /// A saved `CLIENT LIST` output, optionally named after its instance: [ALIAS=]FILE (repeatable).
    #[arg(long = "client-list", value_name = "[ALIAS=]FILE")]
    pub client_lists: Vec<String>,

    /// List the cluster of the current kubeconfig context (in-cluster config inside a pod).
    #[arg(long)]
    pub kube: bool,
    /// List the cluster of this kubeconfig context (implies --kube).
    #[arg(long, value_name = "NAME")]
    pub kube_context: Option<String>,
    /// A kubeconfig file (default: KUBECONFIG, then ~/.kube/config).
    #[arg(long, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,
    /// Namespace to list with --kube (repeatable; default all).
    #[arg(long = "namespace", short = 'n', value_name = "NS")]
    pub namespaces: Vec<String>,
    /// Do not read Secret values from the cluster.
    #[arg(long)]
    pub no_secrets: bool,
}

//! A synthetic organisation of Kubernetes manifests with known consumers.
//!
//! Namespaces (about one per 40 workloads) in per-team folders, Redis
//! instances (StatefulSets with Services, some with a TLS port, some
//! managed ones behind an ExternalName), and workloads of every kind that
//! reach them by every route the scanner supports. Look-alikes that a grep
//! would count but that are not consumers are mixed in. The same options
//! give the same files, byte for byte.

use crate::truth::{TrueConsumer, Truth};
use base64::Engine;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

/// Bumped whenever the generated files change, so cached data is redone.
pub const GENERATOR_VERSION: u32 = 1;

/// What to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    pub workloads: usize,
    pub seed: u64,
    /// Write Redis timeout settings (`spring.data.redis.timeout=2s`,
    /// `cache.redis.timeout: 2s`) in mounted config files: look-alikes that
    /// the scanner reads as hosts today (docs/decisions.md, "Scale").
    pub durations: bool,
}

/// One generated file: its path under the output folder and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenFile {
    pub path: String,
    pub text: String,
}

/// A generated organisation.
#[derive(Clone, Debug)]
pub struct Org {
    pub files: Vec<GenFile>,
    pub truth: Truth,
}

impl Org {
    /// Total size of the files, in bytes.
    pub fn bytes(&self) -> usize {
        self.files.iter().map(|f| f.text.len()).sum()
    }

    /// Writes the files and `truth.json` under `dir` (created if missing).
    pub fn write(&self, dir: &Path) -> std::io::Result<()> {
        use rayon::prelude::*;
        let dirs: BTreeSet<&str> = self
            .files
            .iter()
            .filter_map(|f| f.path.rsplit_once('/').map(|(d, _)| d))
            .collect();
        std::fs::create_dir_all(dir)?;
        for d in dirs {
            std::fs::create_dir_all(dir.join(d))?;
        }
        self.files
            .par_iter()
            .try_for_each(|f| std::fs::write(dir.join(&f.path), &f.text))?;
        let truth = serde_json::to_string_pretty(&self.truth).map_err(std::io::Error::other)?;
        std::fs::write(dir.join("truth.json"), truth)
    }
}

/// SplitMix64: small, fast and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn hex(&mut self, len: usize) -> String {
        let mut s = format!("{:016x}{:016x}", self.next(), self.next());
        s.truncate(len);
        s
    }
}

const TEAM_WORDS: &[&str] = &[
    "payments",
    "identity",
    "search",
    "checkout",
    "catalog",
    "messaging",
    "analytics",
    "scheduling",
    "security",
    "growth",
    "logistics",
    "media",
    "billing",
    "support",
    "risk",
    "ads",
];
const NS_WORDS: &[&str] = &[
    "api", "web", "jobs", "workers", "edge", "core", "batch", "stream", "admin", "public",
];
const APP_WORDS: &[&str] = &[
    "orders",
    "events",
    "ledger",
    "profile",
    "cart",
    "inventory",
    "pricing",
    "auth",
    "notify",
    "feeds",
    "reports",
    "audit",
    "rates",
    "session",
    "tokens",
    "quotes",
    "returns",
    "search",
    "ranking",
    "export",
    "import",
    "sync",
    "mailer",
    "webhook",
];
const ROLE_WORDS: &[&str] = &[
    "api",
    "worker",
    "consumer",
    "gateway",
    "scheduler",
    "indexer",
    "cron",
    "service",
    "proxy",
    "writer",
    "reader",
];
const PURPOSES: &[&str] = &[
    "sessions",
    "queue",
    "ratelimit",
    "cache",
    "locks",
    "leaderboard",
    "pubsub",
    "features",
    "tokens",
    "jobs",
];

/// A workload kind, with the apiVersion it is written with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Deployment,
    StatefulSet,
    DaemonSet,
    Job,
    CronJob,
    Rollout,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Deployment => "Deployment",
            Kind::StatefulSet => "StatefulSet",
            Kind::DaemonSet => "DaemonSet",
            Kind::Job => "Job",
            Kind::CronJob => "CronJob",
            Kind::Rollout => "Rollout",
        }
    }
    fn api_version(self) -> &'static str {
        match self {
            Kind::Deployment | Kind::StatefulSet | Kind::DaemonSet => "apps/v1",
            Kind::Job | Kind::CronJob => "batch/v1",
            Kind::Rollout => "argoproj.io/v1alpha1",
        }
    }
    fn pick(rng: &mut Rng) -> Kind {
        match rng.below(100) {
            0..=54 => Kind::Deployment,
            55..=62 => Kind::StatefulSet,
            63..=67 => Kind::DaemonSet,
            68..=74 => Kind::Job,
            75..=86 => Kind::CronJob,
            _ => Kind::Rollout,
        }
    }
}

/// How a consumer reaches a Redis. Every route the scanner supports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Route {
    /// `REDIS_URL: redis://host:6379/0` in env.
    Url,
    /// `rediss://host:6380` in env.
    TlsUrl,
    /// `REDIS_HOST` + `REDIS_PORT` (+ `REDIS_TLS`) in env.
    SplitHostPort,
    /// env ← configMapKeyRef.
    ConfigMapKey,
    /// envFrom a ConfigMap with a prefix.
    EnvFromPrefix,
    /// env ← secretKeyRef of a Secret's base64 `data` (URL with password).
    SecretData,
    /// envFrom a Secret's `stringData` (URL with user and password).
    SecretStringData,
    /// A YAML config file mounted from a ConfigMap.
    MountedYaml,
    /// A `.properties` file mounted from a ConfigMap.
    MountedProperties,
    /// `--redis-addr=host:port` in args.
    Args,
    /// A StatefulSet pod through the headless Service: `name-0.name-headless.ns`.
    HeadlessPod,
    /// An ExternalName Service in the consumer's namespace aliasing the Redis.
    LocalAlias,
    /// A key that does not say Redis, with a host that is a known Redis name.
    KnownName,
    /// A redis_exporter (a client: it connects).
    Exporter,
}

impl Route {
    pub const ALL: &'static [Route] = &[
        Route::Url,
        Route::TlsUrl,
        Route::SplitHostPort,
        Route::ConfigMapKey,
        Route::EnvFromPrefix,
        Route::SecretData,
        Route::SecretStringData,
        Route::MountedYaml,
        Route::MountedProperties,
        Route::Args,
        Route::HeadlessPod,
        Route::LocalAlias,
        Route::KnownName,
        Route::Exporter,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Route::Url => "url",
            Route::TlsUrl => "tls-url",
            Route::SplitHostPort => "split-host-port",
            Route::ConfigMapKey => "configmap-key",
            Route::EnvFromPrefix => "envfrom-prefix",
            Route::SecretData => "secret-data",
            Route::SecretStringData => "secret-stringdata",
            Route::MountedYaml => "mounted-yaml",
            Route::MountedProperties => "mounted-properties",
            Route::Args => "args",
            Route::HeadlessPod => "headless-pod",
            Route::LocalAlias => "local-alias",
            Route::KnownName => "known-name",
            Route::Exporter => "exporter",
        }
    }
}

/// Look-alikes: text a grep counts that names no consumer.
pub const LOOK_ALIKES: &[&str] = &[
    "disabled-group",
    "unread-configmap-key",
    "unmounted-file",
    "orphan-configmap",
    "orphan-secret",
    "postgres-url",
    "memcached",
    "commented-url",
];

/// How a host is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum HostForm {
    Short,
    NameNs,
    NameNsSvc,
    Fqdn,
    /// The managed service's own host name.
    External,
}

impl HostForm {
    fn name(self) -> &'static str {
        match self {
            HostForm::Short => "short",
            HostForm::NameNs => "name.ns",
            HostForm::NameNsSvc => "name.ns.svc",
            HostForm::Fqdn => "fqdn",
            HostForm::External => "external-host",
        }
    }
}

struct Namespace {
    name: String,
    team: String,
    dir: String,
}

struct Redis {
    ns: usize,
    /// StatefulSet and Service name (the ExternalName Service for managed ones).
    name: String,
    tls: bool,
    /// The managed service's host, for ones behind an ExternalName.
    external: Option<String>,
    /// The Secret and key holding its password (in its namespace).
    auth: Option<(String, String)>,
}

impl Redis {
    fn id(&self, namespaces: &[Namespace]) -> String {
        match &self.external {
            Some(host) => host.clone(),
            None => format!("{}/{}", namespaces[self.ns].name, self.name),
        }
    }
}

/// One link from a workload to a Redis, as decided before rendering.
struct Link {
    target: usize,
    route: Route,
    host: String,
    form: HostForm,
    port: u16,
    /// TLS as written in the consumer's config, if it says.
    written_tls: Option<bool>,
    /// 0 for the first link of a container, 1 for a second (other keys).
    slot: usize,
    /// For a ConfigMap key: a whole URL rather than `host:port`.
    url_value: bool,
}

/// What a workload's container and pod get, before rendering.
#[derive(Default)]
struct PodParts {
    image: String,
    env_from: Vec<String>,
    env: Vec<String>,
    args: Vec<String>,
    mounts: Vec<String>,
    volumes: Vec<String>,
    /// Objects the workload needs (ConfigMaps, Secrets, alias Services).
    docs: Vec<String>,
    comments: Vec<String>,
}

impl PodParts {
    fn env_value(&mut self, name: &str, value: &str) {
        self.env.push(format!(
            "- name: {name}\n  value: \"{}\"\n",
            value.replace('"', "\\\"")
        ));
    }
    fn env_ref(&mut self, name: &str, kind: &str, object: &str, key: &str) {
        self.env.push(format!(
            "- name: {name}\n  valueFrom:\n    {kind}:\n      name: {object}\n      key: {key}\n"
        ));
    }
}

struct Gen<'a> {
    rng: Rng,
    opts: &'a Options,
    namespaces: Vec<Namespace>,
    redis: Vec<Redis>,
    files: Vec<GenFile>,
    truth: BTreeMap<String, BTreeMap<String, TrueConsumer>>,
    routes: BTreeMap<String, usize>,
    forms: BTreeMap<String, usize>,
    look_alikes: BTreeMap<String, usize>,
    /// (namespace, alias) of ExternalName aliases already written.
    aliases: BTreeSet<(usize, String)>,
    /// Files of each namespace folder, for its kustomization.
    ns_files: Vec<Vec<String>>,
}

/// Generates an organisation in memory.
pub fn generate(opts: &Options) -> Org {
    let workloads = opts.workloads.max(1);
    let mut g = Gen {
        rng: Rng(opts.seed ^ 0x0066_616c_6c6f_7574),
        opts,
        namespaces: Vec::new(),
        redis: Vec::new(),
        files: Vec::new(),
        truth: BTreeMap::new(),
        routes: BTreeMap::new(),
        forms: BTreeMap::new(),
        look_alikes: BTreeMap::new(),
        aliases: BTreeSet::new(),
        ns_files: Vec::new(),
    };
    let n_ns = (workloads / 40).max(3);
    let n_teams = (n_ns / 4).max(2);
    let n_redis = (workloads / 80).max(8);
    let n_cache_ns = (n_redis / 10).max(1);
    for i in 0..n_cache_ns {
        g.add_namespace(format!("cache-{i}"), "platform".into());
    }
    for i in 0..n_ns {
        let team = format!(
            "{}-{}",
            TEAM_WORDS[i % n_teams % TEAM_WORDS.len()],
            i % n_teams
        );
        let name = format!("{}-{}-{i}", team_word(&team), NS_WORDS[i % NS_WORDS.len()]);
        g.add_namespace(name, team);
    }
    for i in 0..n_redis {
        g.add_redis(i, n_cache_ns);
    }
    for (i, _) in g.redis.iter().enumerate() {
        let id = g.redis[i].id(&g.namespaces);
        g.truth.entry(id).or_default();
    }
    for w in 0..workloads {
        let ns = n_cache_ns + w * n_ns / workloads;
        g.add_workload(w, ns);
    }
    g.finish_namespaces(n_cache_ns);

    let impact_target = g
        .truth
        .iter()
        .filter(|(id, _)| id.contains('/'))
        .max_by_key(|(id, c)| (c.len(), std::cmp::Reverse(id.to_string())))
        .map(|(id, _)| id.clone())
        .unwrap_or_default();
    let mut routes = g.routes;
    for (form, n) in g.forms {
        routes.insert(format!("host:{form}"), n);
    }
    let truth = Truth {
        schema: "fallout-bench/truth/v1".into(),
        generator: GENERATOR_VERSION,
        seed: opts.seed,
        workloads,
        resources: g
            .truth
            .into_iter()
            .map(|(id, consumers)| (id, consumers.into_values().collect()))
            .collect(),
        routes,
        look_alikes: g.look_alikes,
        impact_target,
    };
    let mut files = g.files;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Org { files, truth }
}

fn team_word(team: &str) -> &str {
    team.split('-').next().unwrap_or(team)
}

fn indent(text: &str, n: usize) -> String {
    let pad = " ".repeat(n);
    let mut out = String::with_capacity(text.len() + text.lines().count() * n);
    for line in text.lines() {
        if !line.is_empty() {
            out.push_str(&pad);
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

impl Gen<'_> {
    fn add_namespace(&mut self, name: String, team: String) {
        let dir = if team == "platform" {
            format!("platform/{name}")
        } else {
            format!("teams/{team}/{name}")
        };
        self.namespaces.push(Namespace { name, team, dir });
        self.ns_files.push(Vec::new());
    }

    fn push_file(&mut self, ns: usize, file: &str, text: String) {
        let path = format!("{}/{file}", self.namespaces[ns].dir);
        self.ns_files[ns].push(file.to_string());
        self.files.push(GenFile { path, text });
    }

    fn count(map: &mut BTreeMap<String, usize>, key: &str) {
        *map.entry(key.to_string()).or_default() += 1;
    }

    fn add_redis(&mut self, i: usize, n_cache_ns: usize) {
        let purpose = PURPOSES[i % PURPOSES.len()];
        // The first three are one of each sort, so small orgs have all.
        let external = match i {
            0 | 1 => false,
            2 => true,
            _ => self.rng.chance(0.1),
        };
        let tls = !external && (i == 1 || (i > 2 && self.rng.chance(0.35)));
        let ns = if self.rng.chance(0.6) || i < 3 {
            i % n_cache_ns
        } else {
            n_cache_ns + self.rng.below(self.namespaces.len() - n_cache_ns)
        };
        let name = if i % 3 == 2 && !external {
            format!("{purpose}-store-{i}")
        } else {
            format!("redis-{purpose}-{i}")
        };
        let ns_name = self.namespaces[ns].name.clone();
        let team = self.namespaces[ns].team.clone();
        if external {
            let host = format!("{purpose}-{i}.{}.use1.cache.amazonaws.com", self.rng.hex(6));
            let text = format!(
                "# Managed {purpose} cache (ElastiCache, in-transit encryption on).\n\
                 apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: {ns_name}\n  labels:\n    team: {team}\n\
                 spec:\n  type: ExternalName\n  externalName: {host}\n"
            );
            self.push_file(ns, &format!("{name}.yaml"), text);
            self.redis.push(Redis {
                ns,
                name,
                tls: true,
                external: Some(host),
                auth: None,
            });
            return;
        }
        let auth = self
            .rng
            .chance(0.5)
            .then(|| (format!("{name}-auth"), "password".to_string()));
        let mut args = String::from("            - --port\n            - \"6379\"\n");
        if tls {
            args.push_str(
                "            - --tls-port\n            - \"6380\"\n            - --tls-cert-file\n            - /tls/tls.crt\n            - --tls-key-file\n            - /tls/tls.key\n            - --tls-ca-cert-file\n            - /tls/ca.crt\n",
            );
        }
        let mut env = String::new();
        if let Some((secret, key)) = &auth {
            args.push_str("            - --requirepass\n            - $(REDIS_PASSWORD)\n");
            env = format!(
                "          env:\n            - name: REDIS_PASSWORD\n              valueFrom:\n                secretKeyRef:\n                  name: {secret}\n                  key: {key}\n"
            );
        }
        let tls_port = if tls {
            "            - name: tls\n              containerPort: 6380\n"
        } else {
            ""
        };
        let mut text = format!(
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: {name}\n  namespace: {ns_name}\n  labels:\n    team: {team}\n    app.kubernetes.io/component: {purpose}\n\
             spec:\n  serviceName: {name}-headless\n  replicas: 1\n  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n      containers:\n        - name: redis\n          image: redis:7.2-alpine\n          args:\n{args}{env}          ports:\n            - name: redis\n              containerPort: 6379\n{tls_port}          resources:\n            requests:\n              cpu: 250m\n              memory: 1Gi\n            limits:\n              memory: 1Gi\n  volumeClaimTemplates:\n    - metadata:\n        name: data\n      spec:\n        accessModes: [ReadWriteOnce]\n        resources:\n          requests:\n            storage: 10Gi\n"
        );
        let svc_tls = if tls {
            "    - name: tls\n      port: 6380\n      targetPort: tls\n"
        } else {
            ""
        };
        let _ = write!(
            text,
            "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: {ns_name}\nspec:\n  selector:\n    app: {name}\n  ports:\n    - name: redis\n      port: 6379\n      targetPort: redis\n{svc_tls}\
             ---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {name}-headless\n  namespace: {ns_name}\nspec:\n  clusterIP: None\n  selector:\n    app: {name}\n  ports:\n    - name: redis\n      port: 6379\n{}",
            if tls { "    - name: tls\n      port: 6380\n" } else { "" }
        );
        let _ = write!(
            text,
            "---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: {name}\n  namespace: {ns_name}\nspec:\n  maxUnavailable: 0\n  selector:\n    matchLabels:\n      app: {name}\n"
        );
        if let Some((secret, key)) = &auth {
            let pw = base64::engine::general_purpose::STANDARD.encode(self.rng.hex(24));
            let _ = write!(
                text,
                "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: {secret}\n  namespace: {ns_name}\ntype: Opaque\ndata:\n  {key}: {pw}\n"
            );
        }
        self.push_file(ns, &format!("{name}.yaml"), text);
        self.redis.push(Redis {
            ns,
            name,
            tls,
            external: None,
            auth,
        });
    }

    /// How a host is written, from the consumer's namespace.
    fn host_for(&mut self, target: usize, consumer_ns: usize, route: Route) -> (String, HostForm) {
        let r = &self.redis[target];
        let ns = &self.namespaces[r.ns].name;
        let same_ns = r.ns == consumer_ns;
        let mut forms = vec![HostForm::NameNs, HostForm::NameNsSvc, HostForm::Fqdn];
        if same_ns {
            forms.extend([HostForm::Short, HostForm::Short]);
        }
        if r.external.is_some() && route != Route::KnownName {
            forms.extend([HostForm::External, HostForm::External]);
        }
        let form = *self.rng.pick(&forms);
        let host = match form {
            HostForm::Short => r.name.clone(),
            HostForm::NameNs => format!("{}.{ns}", r.name),
            HostForm::NameNsSvc => format!("{}.{ns}.svc", r.name),
            HostForm::Fqdn => format!("{}.{ns}.svc.cluster.local", r.name),
            HostForm::External => r.external.clone().unwrap_or_default(),
        };
        (host, form)
    }

    fn routes_for(&self, target: usize) -> Vec<Route> {
        let r = &self.redis[target];
        let mut routes = vec![
            Route::Url,
            Route::SplitHostPort,
            Route::ConfigMapKey,
            Route::EnvFromPrefix,
            Route::SecretData,
            Route::SecretStringData,
            Route::MountedYaml,
            Route::MountedProperties,
            Route::Args,
            Route::LocalAlias,
        ];
        if r.tls {
            routes.push(Route::TlsUrl);
        }
        if r.external.is_none() {
            routes.extend([Route::HeadlessPod, Route::KnownName, Route::Exporter]);
        }
        routes
    }

    fn plan_link(
        &mut self,
        w_ns: usize,
        target: usize,
        slot: usize,
        exclude_exporter: bool,
    ) -> Link {
        let mut routes = self.routes_for(target);
        if exclude_exporter {
            routes.retain(|r| *r != Route::Exporter);
        }
        let route = *self.rng.pick(&routes);
        let r_tls = self.redis[target].tls;
        let external = self.redis[target].external.is_some();
        // Whether this link uses TLS (for in-cluster ones: the TLS port).
        let use_tls = match route {
            Route::TlsUrl => true,
            _ if external => self.rng.chance(0.7),
            _ => r_tls && self.rng.chance(0.4),
        };
        let port = if use_tls && !external { 6380 } else { 6379 };
        let (host, form) = match route {
            Route::HeadlessPod => {
                let r = &self.redis[target];
                let ns = &self.namespaces[r.ns].name;
                let host = if self.rng.chance(0.5) {
                    format!("{0}-0.{0}-headless.{ns}.svc.cluster.local", r.name)
                } else {
                    format!("{0}-0.{0}-headless.{ns}", r.name)
                };
                (host, HostForm::Fqdn)
            }
            Route::LocalAlias => (String::new(), HostForm::Short),
            _ => self.host_for(target, w_ns, route),
        };
        let url_value = route == Route::ConfigMapKey && self.rng.chance(0.5);
        // TLS as written: URL schemes always say; flags sometimes.
        let written_tls = match route {
            Route::Url | Route::TlsUrl | Route::SecretData | Route::SecretStringData => {
                Some(use_tls)
            }
            Route::Exporter => Some(use_tls),
            Route::ConfigMapKey if url_value => Some(use_tls),
            Route::ConfigMapKey => self.rng.chance(0.5).then_some(use_tls),
            Route::SplitHostPort
            | Route::EnvFromPrefix
            | Route::MountedYaml
            | Route::MountedProperties
            | Route::LocalAlias => {
                if external && use_tls || self.rng.chance(0.5) {
                    Some(use_tls)
                } else {
                    None
                }
            }
            Route::Args | Route::HeadlessPod | Route::KnownName => None,
        };
        Link {
            target,
            route,
            host,
            form,
            port,
            written_tls,
            slot,
            url_value,
        }
    }

    fn add_workload(&mut self, w: usize, ns: usize) {
        let kind = Kind::pick(&mut self.rng);
        let app = *self.rng.pick(APP_WORDS);
        let role = *self.rng.pick(ROLE_WORDS);
        let name = format!("{app}-{role}-{w}");
        let ns_name = self.namespaces[ns].name.clone();
        let team = self.namespaces[ns].team.clone();
        let mut parts = PodParts {
            image: format!(
                "registry.example.com/{team}/{app}-{role}:{}.{}.{}",
                1 + w % 5,
                w % 17,
                w % 7
            ),
            ..PodParts::default()
        };

        let roll = self.rng.below(100);
        let mut links = Vec::new();
        if roll < 72 {
            let same_ns: Vec<usize> = (0..self.redis.len())
                .filter(|&i| self.redis[i].ns == ns)
                .collect();
            let first = if !same_ns.is_empty() && self.rng.chance(0.5) {
                *self.rng.pick(&same_ns)
            } else {
                self.rng.below(self.redis.len())
            };
            links.push(self.plan_link(ns, first, 0, false));
            if links[0].route != Route::Exporter && self.rng.chance(0.12) {
                let mut second = self.rng.below(self.redis.len());
                if second == first {
                    second = (second + 1) % self.redis.len();
                }
                links.push(self.plan_link(ns, second, 1, true));
            }
        }
        // Look-alikes: in consumers and non-consumers alike.
        if (72..84).contains(&roll) || self.rng.chance(0.05) {
            let which = self.rng.below(3);
            self.look_alike(which, &name, ns, &mut parts);
        }
        if self.rng.chance(0.4) {
            let pg = format!(
                "postgres://{app}:{}@postgres-{}.db:5432/{app}",
                self.rng.hex(8),
                w % 9
            );
            parts.env_value("DATABASE_URL", &pg);
            Self::count(&mut self.look_alikes, "postgres-url");
        }
        if self.rng.chance(0.1) {
            parts.env_value(
                "MEMCACHED_SERVERS",
                &format!("memcached.{ns_name}:11211,memcached-2.{ns_name}:11211"),
            );
            Self::count(&mut self.look_alikes, "memcached");
        }
        parts.env_value("LOG_LEVEL", if w % 3 == 0 { "debug" } else { "info" });
        if self.rng.chance(0.08) {
            let old = self.rng.below(self.redis.len());
            let (host, _) = self.host_for(old, ns, Route::Url);
            parts.comments.push(format!(
                "# Moved off the old cache in 2024; was REDIS_URL=redis://{host}:6379/4"
            ));
            Self::count(&mut self.look_alikes, "commented-url");
        }

        let id = format!("{ns_name}/{}/{name}", kind.name());
        for link in &links {
            self.render_link(link, &name, ns, &mut parts);
            let r = &self.redis[link.target];
            let tls = match link.written_tls {
                Some(true) => "yes",
                Some(false) => "no",
                None if r.external.is_some() => "unknown",
                None if link.port == 6380 => "yes",
                None => "no",
            };
            let rid = r.id(&self.namespaces);
            let route = link.route.name();
            let form = if link.route == Route::LocalAlias {
                "alias"
            } else {
                link.form.name()
            };
            Self::count(&mut self.routes, route);
            Self::count(&mut self.forms, form);
            if link.written_tls.is_some() {
                Self::count(&mut self.routes, "tls-flag-or-scheme");
            }
            let entry = self
                .truth
                .entry(rid)
                .or_default()
                .entry(id.clone())
                .or_insert_with(|| TrueConsumer {
                    id: id.clone(),
                    tls: tls.to_string(),
                    routes: Vec::new(),
                });
            entry
                .routes
                .push(format!("{route} ({form}, port {})", link.port));
        }

        let text = self.render_workload(kind, &name, ns, &parts);
        if parts.docs.is_empty() || self.rng.chance(0.6) {
            let mut all = text;
            for d in &parts.docs {
                all.push_str("---\n");
                all.push_str(d);
            }
            self.push_file(ns, &format!("{name}.yaml"), all);
        } else {
            self.push_file(ns, &format!("{name}.yaml"), text);
            self.push_file(ns, &format!("{name}-config.yaml"), parts.docs.join("---\n"));
        }
    }

    fn look_alike(&mut self, which: usize, name: &str, ns: usize, parts: &mut PodParts) {
        let ns_name = self.namespaces[ns].name.clone();
        let other = self.rng.below(self.redis.len());
        let (host, _) = self.host_for(other, ns, Route::Url);
        match which {
            0 => {
                parts.env_value("REDIS_CACHE_ENABLED", "false");
                parts.env_value("REDIS_CACHE_HOST", &host);
                Self::count(&mut self.look_alikes, "disabled-group");
            }
            1 => {
                let cm = format!("{name}-shared");
                parts.env_ref("SHARED_LOG_FORMAT", "configMapKeyRef", &cm, "LOG_FORMAT");
                parts.docs.push(format!(
                    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {cm}\n  namespace: {ns_name}\ndata:\n  LOG_FORMAT: json\n  REDIS_URL: redis://{host}:6379/2\n"
                ));
                Self::count(&mut self.look_alikes, "unread-configmap-key");
            }
            _ => {
                let cm = format!("{name}-files");
                parts.volumes.push(format!(
                    "- name: files\n  configMap:\n    name: {cm}\n    items:\n      - key: app.yaml\n        path: app.yaml\n"
                ));
                parts
                    .mounts
                    .push("- name: files\n  mountPath: /etc/app-files\n".to_string());
                parts.docs.push(format!(
                    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {cm}\n  namespace: {ns_name}\ndata:\n  app.yaml: |\n    server:\n      port: 8080\n  legacy.yaml: |\n    redis:\n      host: {host}\n      port: 6379\n"
                ));
                Self::count(&mut self.look_alikes, "unmounted-file");
            }
        }
    }

    fn render_link(&mut self, link: &Link, name: &str, ns: usize, parts: &mut PodParts) {
        let ns_name = self.namespaces[ns].name.clone();
        let p = if link.slot == 0 { "" } else { "QUEUE_" };
        let lp = if link.slot == 0 { "" } else { "queue-" };
        let scheme = if link.written_tls == Some(true) {
            "rediss"
        } else {
            "redis"
        };
        let mut host = link.host.clone();
        if link.route == Route::LocalAlias {
            let r = &self.redis[link.target];
            let alias = format!("{}-alias", r.name);
            let external = match &r.external {
                Some(h) => h.clone(),
                None => format!(
                    "{}.{}.svc.cluster.local",
                    r.name, self.namespaces[r.ns].name
                ),
            };
            if self.aliases.insert((ns, alias.clone())) {
                let text = format!(
                    "# Local name for a shared cache, so apps need no cross-namespace names.\n\
                     apiVersion: v1\nkind: Service\nmetadata:\n  name: {alias}\n  namespace: {ns_name}\nspec:\n  type: ExternalName\n  externalName: {external}\n"
                );
                self.push_file(ns, &format!("{alias}-service.yaml"), text);
            }
            host = alias;
        }
        let port = link.port;
        let db = link.target % 16;
        let flag = |parts: &mut PodParts, key: &str| {
            if let Some(t) = link.written_tls {
                parts.env_value(key, if t { "true" } else { "false" });
            }
        };
        match link.route {
            Route::Url | Route::TlsUrl => {
                parts.env_value(
                    &format!("{p}REDIS_URL"),
                    &format!("{scheme}://{host}:{port}/{db}"),
                );
            }
            Route::Exporter => {
                parts.image = "oliver006/redis_exporter:v1.62.0".into();
                parts.env_value("REDIS_ADDR", &format!("{scheme}://{host}:{port}"));
            }
            Route::SplitHostPort | Route::LocalAlias => {
                parts.env_value(&format!("{p}REDIS_HOST"), &host);
                parts.env_value(&format!("{p}REDIS_PORT"), &port.to_string());
                flag(parts, &format!("{p}REDIS_TLS"));
                let r = &self.redis[link.target];
                if let (Some((secret, key)), true) = (&r.auth, r.ns == ns) {
                    parts.env_ref(&format!("{p}REDIS_PASSWORD"), "secretKeyRef", secret, key);
                }
            }
            Route::KnownName => {
                parts.env_value(&format!("{p}SESSION_STORE_ADDR"), &format!("{host}:{port}"));
            }
            Route::Args | Route::HeadlessPod => {
                parts.args.push(format!("--{lp}redis-addr={host}:{port}"));
            }
            Route::ConfigMapKey => {
                let cm = format!("{name}-{lp}config");
                let (env, key, value) = if link.url_value {
                    (
                        format!("{p}REDIS_URL"),
                        "redis.url",
                        format!("{scheme}://{host}:{port}/{db}"),
                    )
                } else {
                    (
                        format!("{p}RATE_CACHE_REDIS_ADDR"),
                        "cache.addr",
                        format!("{host}:{port}"),
                    )
                };
                // A bare host:port carries no TLS: the flag goes beside it.
                let mut data = format!("  {key}: \"{value}\"\n");
                if key == "cache.addr" {
                    if let Some(t) = link.written_tls {
                        data.push_str(&format!("  cache.tls: \"{t}\"\n"));
                        parts.env_ref(
                            &format!("{p}RATE_CACHE_REDIS_TLS"),
                            "configMapKeyRef",
                            &cm,
                            "cache.tls",
                        );
                    }
                }
                parts.env_ref(&env, "configMapKeyRef", &cm, key);
                parts.docs.push(format!(
                    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {cm}\n  namespace: {ns_name}\ndata:\n{data}  feature.flags: \"search,checkout\"\n"
                ));
            }
            Route::EnvFromPrefix => {
                let cm = format!("{name}-{lp}redis-env");
                let mut data = format!("  REDIS_HOST: {host}\n  REDIS_PORT: \"{port}\"\n");
                if let Some(t) = link.written_tls {
                    data.push_str(&format!("  REDIS_TLS: \"{t}\"\n"));
                }
                parts.env_from.push(format!(
                    "- configMapRef:\n    name: {cm}\n  prefix: {p}CACHE_\n"
                ));
                parts.docs.push(format!(
                    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {cm}\n  namespace: {ns_name}\ndata:\n{data}"
                ));
            }
            Route::SecretData => {
                let secret = format!("{name}-{lp}redis");
                let url = format!("{scheme}://:{}@{host}:{port}/{db}", self.rng.hex(20));
                let b64 = base64::engine::general_purpose::STANDARD.encode(url);
                parts.env_ref(&format!("{p}REDIS_URL"), "secretKeyRef", &secret, "url");
                parts.docs.push(format!(
                    "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {secret}\n  namespace: {ns_name}\ntype: Opaque\ndata:\n  url: {b64}\n"
                ));
            }
            Route::SecretStringData => {
                let secret = format!("{name}-{lp}redis-creds");
                let url = format!("{scheme}://{name}:{}@{host}:{port}/{db}", self.rng.hex(20));
                parts
                    .env_from
                    .push(format!("- secretRef:\n    name: {secret}\n  prefix: {p}\n"));
                parts.docs.push(format!(
                    "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {secret}\n  namespace: {ns_name}\ntype: Opaque\nstringData:\n  REDIS_URL: \"{url}\"\n"
                ));
            }
            Route::MountedYaml => {
                let cm = format!("{name}-{lp}settings");
                let tls = match link.written_tls {
                    Some(t) => format!("\n        tls: {t}"),
                    None => String::new(),
                };
                parts.volumes.push(format!(
                    "- name: {lp}settings\n  configMap:\n    name: {cm}\n"
                ));
                parts.mounts.push(format!(
                    "- name: {lp}settings\n  mountPath: /etc/{lp}{name}\n"
                ));
                parts.docs.push(format!(
                    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {cm}\n  namespace: {ns_name}\ndata:\n  settings.yaml: |\n    server:\n      port: 8080\n    output:\n      bucket: s3://{name}-archive\n    cache:\n      redis:\n        host: {host}\n        port: {port}{tls}\n{}",
                    if self.opts.durations { "        timeout: 2s\n" } else { "" }
                ));
            }
            Route::MountedProperties => {
                let cm = format!("{name}-{lp}props");
                let tls = match link.written_tls {
                    Some(t) => format!("\n    spring.data.redis.ssl.enabled={t}"),
                    None => String::new(),
                };
                parts
                    .volumes
                    .push(format!("- name: {lp}props\n  configMap:\n    name: {cm}\n"));
                parts
                    .mounts
                    .push(format!("- name: {lp}props\n  mountPath: /config/{lp}app\n"));
                parts.docs.push(format!(
                    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {cm}\n  namespace: {ns_name}\ndata:\n  application.properties: |\n    server.port=8080\n    spring.application.name={name}\n    spring.data.redis.host={host}\n    spring.data.redis.port={port}{tls}\n{}",
                    if self.opts.durations { "    spring.data.redis.timeout=2s\n" } else { "" }
                ));
            }
        }
    }

    fn render_workload(&mut self, kind: Kind, name: &str, ns: usize, parts: &PodParts) -> String {
        let ns_name = &self.namespaces[ns].name;
        let team = &self.namespaces[ns].team;
        let mut c = format!("- name: app\n  image: {}\n", parts.image);
        if !parts.args.is_empty() {
            c.push_str("  args:\n");
            for a in &parts.args {
                let _ = writeln!(c, "    - \"{a}\"");
            }
        }
        if !parts.env_from.is_empty() {
            c.push_str("  envFrom:\n");
            c.push_str(&indent(&parts.env_from.concat(), 4));
        }
        c.push_str("  env:\n");
        c.push_str(&indent(&parts.env.concat(), 4));
        if !parts.mounts.is_empty() {
            c.push_str("  volumeMounts:\n");
            c.push_str(&indent(&parts.mounts.concat(), 4));
        }
        let batch = matches!(kind, Kind::Job | Kind::CronJob);
        let mut pod = format!(
            "metadata:\n  labels:\n    app: {name}\nspec:\n{}  containers:\n{}",
            if batch {
                "  restartPolicy: OnFailure\n"
            } else {
                ""
            },
            indent(&c, 4)
        );
        if !parts.volumes.is_empty() {
            pod.push_str("  volumes:\n");
            pod.push_str(&indent(&parts.volumes.concat(), 4));
        }
        let mut out = String::new();
        for line in &parts.comments {
            out.push_str(line);
            out.push('\n');
        }
        let _ = write!(
            out,
            "apiVersion: {}\nkind: {}\nmetadata:\n  name: {name}\n  namespace: {ns_name}\n  labels:\n    app: {name}\n    team: {team}\n",
            kind.api_version(),
            kind.name()
        );
        let selector = format!("  selector:\n    matchLabels:\n      app: {name}\n");
        match kind {
            Kind::Deployment | Kind::StatefulSet | Kind::Rollout => {
                let _ = write!(out, "spec:\n  replicas: {}\n{selector}", 2 + name.len() % 3);
                if kind == Kind::StatefulSet {
                    let _ = writeln!(out, "  serviceName: {name}");
                }
                if kind == Kind::Rollout {
                    out.push_str("  strategy:\n    canary:\n      steps:\n        - setWeight: 20\n        - pause: {duration: 5m}\n");
                }
                out.push_str("  template:\n");
                out.push_str(&indent(&pod, 4));
            }
            Kind::DaemonSet => {
                let _ = write!(out, "spec:\n{selector}  template:\n{}", indent(&pod, 4));
            }
            Kind::Job => {
                let _ = write!(
                    out,
                    "spec:\n  backoffLimit: 2\n  template:\n{}",
                    indent(&pod, 4)
                );
            }
            Kind::CronJob => {
                let _ = write!(
                    out,
                    "spec:\n  schedule: \"{} {} * * *\"\n  concurrencyPolicy: Forbid\n  jobTemplate:\n    spec:\n      template:\n{}",
                    name.len() % 60,
                    name.len() % 24,
                    indent(&pod, 8)
                );
            }
        }
        out
    }

    /// Per-namespace files: orphans, a kustomization and a README.
    fn finish_namespaces(&mut self, n_cache_ns: usize) {
        for ns in 0..self.namespaces.len() {
            let ns_name = self.namespaces[ns].name.clone();
            let team = self.namespaces[ns].team.clone();
            if ns >= n_cache_ns && !self.redis.is_empty() {
                let other = self.rng.below(self.redis.len());
                let (host, _) = self.host_for(other, usize::MAX, Route::Url);
                self.push_file(
                    ns,
                    "legacy-cache-config.yaml",
                    format!(
                        "# Left over from a retired service; mounted by nothing.\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: legacy-cache-config\n  namespace: {ns_name}\ndata:\n  REDIS_URL: redis://{host}:6379/3\n  REDIS_POOL_SIZE: \"20\"\n"
                    ),
                );
                Self::count(&mut self.look_alikes, "orphan-configmap");
                if self.rng.chance(0.5) {
                    let url = base64::engine::general_purpose::STANDARD
                        .encode(format!("redis://:{}@{host}:6379/5", self.rng.hex(16)));
                    self.push_file(
                        ns,
                        "old-cache-credentials.yaml",
                        format!(
                            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: old-cache-credentials\n  namespace: {ns_name}\ntype: Opaque\ndata:\n  REDIS_URL: {url}\n"
                        ),
                    );
                    Self::count(&mut self.look_alikes, "orphan-secret");
                }
            }
            self.push_file(
                ns,
                "namespace.yaml",
                format!(
                    "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns_name}\n  labels:\n    team: {team}\n"
                ),
            );
            let mut k = String::from(
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n",
            );
            let mut listed = self.ns_files[ns].clone();
            listed.sort();
            for f in &listed {
                let _ = writeln!(k, "  - {f}");
            }
            self.push_file(ns, "kustomization.yaml", k);
            let readme = format!(
                "# {ns_name}\n\nOwned by {team}. Deployed by the platform pipeline from this folder.\n\n\
                 Caches: ask #platform-redis before pointing anything at a shared redis; \
                 connection strings (redis://, rediss://) live in ConfigMaps and Secrets, never in code.\n"
            );
            self.push_file(ns, "README.md", readme);
        }
        let seed = self.opts.seed;
        // The truth is not part of the organisation: fallout and rg skip it.
        self.files.push(GenFile {
            path: ".gitignore".into(),
            text: "truth.json\n".into(),
        });
        self.files.push(GenFile {
            path: "README.md".into(),
            text: format!(
                "# Synthetic organisation\n\nGenerated by fallout-gen (generator {GENERATOR_VERSION}, seed {seed}, {} workloads). `truth.json` lists every true consumer.\n",
                self.opts.workloads
            ),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_org_has_every_route_kind_and_look_alike() {
        let org = generate(&Options {
            workloads: 200,
            seed: 7,
            durations: true,
        });
        assert!(org.files.len() > 200, "{} files", org.files.len());
        for route in Route::ALL {
            assert!(
                org.truth.routes.get(route.name()).copied().unwrap_or(0) > 0,
                "route {} missing: {:?}",
                route.name(),
                org.truth.routes
            );
        }
        for form in [
            "short",
            "name.ns",
            "name.ns.svc",
            "fqdn",
            "external-host",
            "alias",
        ] {
            assert!(
                org.truth.routes.contains_key(&format!("host:{form}")),
                "host form {form} missing"
            );
        }
        for l in LOOK_ALIKES {
            assert!(
                org.truth.look_alikes.contains_key(*l),
                "look-alike {l} missing"
            );
        }
        let kinds: BTreeSet<&str> = org
            .truth
            .resources
            .values()
            .flatten()
            .filter_map(|c| c.id.split('/').nth(1))
            .collect();
        for kind in [
            "Deployment",
            "StatefulSet",
            "DaemonSet",
            "Job",
            "CronJob",
            "Rollout",
        ] {
            assert!(
                kinds.contains(kind),
                "no consumer of kind {kind}: {kinds:?}"
            );
        }
        let tls: BTreeSet<&str> = org
            .truth
            .resources
            .values()
            .flatten()
            .map(|c| c.tls.as_str())
            .collect();
        assert_eq!(tls, ["no", "unknown", "yes"].into_iter().collect());
        assert!(org
            .truth
            .resources
            .keys()
            .any(|k| k.ends_with(".amazonaws.com")));
        assert!(org.truth.resources.contains_key(&org.truth.impact_target));
        assert!(org.files.iter().any(|f| f.text.contains("\n---\n")));
        assert!(org.files.iter().any(|f| f.path.ends_with("-config.yaml")));
    }

    #[test]
    fn same_options_same_files() {
        let opts = Options {
            workloads: 50,
            seed: 1,
            durations: true,
        };
        let (a, b) = (generate(&opts), generate(&opts));
        assert_eq!(a.files, b.files);
        assert_eq!(a.truth, b.truth);
        let c = generate(&Options { seed: 2, ..opts });
        assert_ne!(a.files, c.files);
    }
}

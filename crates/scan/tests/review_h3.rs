//! Review H3: realistic repositories the scanner had not seen. Each test
//! is one finding, written to fail on the code before its fix.

mod common;

use common::{files, references, workloads};
use fallout_scan::projects::scan_projects;
use fallout_scan::Scanned;

/// No file was read as the config of an app of its own.
fn no_app(s: &Scanned) {
    let apps: Vec<String> = workloads(s)
        .into_iter()
        .filter(|w| w.starts_with("app:"))
        .collect();
    assert!(apps.is_empty(), "{apps:#?}");
}

/// A folder mounted whole (`.:/app`, the usual Rails, Django, Laravel and
/// Node dev layout) holds the project's own compose file: it is not the
/// service's config. Read as such, every service mounting the root used
/// every other service's Redis (`worker` broke with `cache`).
#[test]
fn a_root_mount_does_not_read_the_compose_file_as_the_services_config() {
    let compose = "services:\n  web:\n    build: .\n    volumes: [\".:/app\"]\n    environment:\n      REDIS_CACHE_URL: redis://cache:6379/1\n  worker:\n    build: .\n    volumes: [\".:/app\"]\n    environment:\n      REDIS_URL: redis://queue:6379/0\n  queue:\n    image: redis:7\n  cache:\n    image: redis:7\n";
    let manifest = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: web\n          env:\n            - {name: REDIS_URL, value: \"redis://prod-redis:6379\"}\n";
    let s = scan_projects(&files(&[
        ("docker-compose.yml", compose),
        ("deploy/web.yaml", manifest),
        (
            "config/cache.yml",
            "production:\n  url: redis://cache:6379/2\n",
        ),
    ]));
    let refs: Vec<String> = references(&s)
        .into_iter()
        .map(|r| r.split(" | ").next().unwrap_or_default().to_string())
        .collect();
    assert!(
        references(&s)
            .iter()
            .any(|r| r
                .ends_with("| mounted ./config/cache.yml: production.url = redis://cache:6379/2")),
        "{:#?}",
        references(&s)
    );
    assert_eq!(
        refs,
        [
            "docker-compose.yml#web -> cache:6379 db=1 tls=no explicit docker-compose.yml:6",
            // config/cache.yml is in the mounted folder: both services read it
            "docker-compose.yml#web -> cache:6379 db=2 tls=no indirect config/cache.yml:2",
            "docker-compose.yml#worker -> cache:6379 db=2 tls=no indirect config/cache.yml:2",
            "docker-compose.yml#worker -> queue:6379 db=0 tls=no explicit docker-compose.yml:11",
        ],
        "{:#?}",
        references(&s)
    );
    // The manifest is the Kubernetes scanner's, not a service's config.
    assert!(
        !references(&s).iter().any(|r| r.contains("prod-redis")),
        "{:#?}",
        references(&s)
    );
    no_app(&s);
}

/// Source code in a mounted folder is the service's code: a Redis URL it
/// names is the service's, not a phantom app of its own; inferred, since a
/// folder mounted whole may hold other services' code too.
#[test]
fn source_code_in_a_mounted_folder_is_the_services() {
    let compose = "services:\n  web:\n    build: .\n    volumes: [\".:/rails\"]\n    environment:\n      REDIS_URL: redis://redis:6379/0\n  redis:\n    image: redis:7\n";
    let s = scan_projects(&files(&[
        ("docker-compose.yml", compose),
        ("Gemfile", "source 'https://rubygems.org'\ngem 'rails'\n"),
        (
            "config/initializers/sidekiq.rb",
            "Sidekiq.configure_server do |c|\n  c.redis = { url: \"redis://jobs-redis:6379/3\" }\nend\n",
        ),
    ]));
    let refs = references(&s);
    assert!(
        refs.iter().any(|r| r.starts_with(
            "docker-compose.yml#web -> jobs-redis:6379 db=3 tls=no inferred config/initializers/sidekiq.rb:2 | mounted ./config/initializers/sidekiq.rb (code in a mounted folder: whether this service runs it is not known) = "
        )),
        "{refs:#?}"
    );
    no_app(&s);
}

fn bitnami(name: &str, env: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {{name: {name}, namespace: data}}\nspec:\n  template:\n    spec:\n      containers:\n        - name: redis\n          image: docker.io/bitnami/redis:7.2.5\n          env:\n{env}"
    )
}

/// Bitnami's libredis.sh turns the plain port off only when the plain and
/// the TLS port are both 6379: `REDIS_TLS_PORT=6380` (an alias of
/// `REDIS_TLS_PORT_NUMBER`) leaves 6379 plain beside it. It was shown as
/// TLS only, so a port move judged every consumer ok with no reason.
#[test]
fn bitnami_tls_on_another_port_keeps_the_plain_port() {
    let both = bitnami(
        "both",
        "            - {name: REDIS_TLS_ENABLED, value: \"yes\"}\n            - {name: REDIS_TLS_PORT, value: \"6380\"}\n",
    );
    let tls_only = bitnami(
        "tls-only",
        "            - {name: REDIS_TLS_ENABLED, value: \"yes\"}\n",
    );
    let moved = bitnami(
        "moved",
        "            - {name: REDIS_TLS_ENABLED, value: \"yes\"}\n            - {name: REDIS_PORT_NUMBER, value: \"7000\"}\n",
    );
    let s = fallout_scan::scan_files(
        &files(&[
            ("both.yaml", &both),
            ("tls-only.yaml", &tls_only),
            ("moved.yaml", &moved),
        ]),
        Vec::new(),
        &Default::default(),
    );
    let servers = common::servers(&s);
    assert_eq!(servers.len(), 3, "{servers:#?}");
    assert!(
        servers
            .iter()
            .any(|x| x.starts_with("data/StatefulSet/both port=6379 tls-port=6380 ")),
        "{servers:#?}"
    );
    assert!(
        servers
            .iter()
            .any(|x| x.starts_with("data/StatefulSet/tls-only port=- tls-port=6379 ")),
        "{servers:#?}"
    );
    assert!(
        servers
            .iter()
            .any(|x| x.starts_with("data/StatefulSet/moved port=7000 tls-port=6379 ")),
        "{servers:#?}"
    );
}

/// Superset's compose gives its Postgres the apps' env file, which holds
/// `REDIS_HOST`: Postgres reads no Redis settings, so `db` is no consumer
/// (it broke under every change); an info note says why it is left out.
#[test]
fn a_database_sharing_the_apps_env_file_is_not_a_consumer() {
    let compose = "services:\n  redis:\n    image: redis:7\n  db:\n    image: postgres:15\n    env_file: docker/.env\n  superset:\n    image: apache/superset:4\n    env_file: docker/.env\n";
    let s = scan_projects(&files(&[
        ("docker-compose.yml", compose),
        (
            "docker/.env",
            "DATABASE_HOST=db\nREDIS_HOST=redis\nREDIS_PORT=6379\n",
        ),
    ]));
    let refs = references(&s);
    assert!(
        refs.iter()
            .any(|r| r.starts_with("docker-compose.yml#superset -> redis:6379")),
        "{refs:#?}"
    );
    assert!(
        !refs.iter().any(|r| r.starts_with("docker-compose.yml#db ")),
        "{refs:#?}"
    );
    let notes: Vec<_> = s
        .diagnostics
        .iter()
        .filter(|d| d.code == "not-a-consumer")
        .collect();
    assert_eq!(notes.len(), 1, "{:#?}", s.diagnostics);
    assert_eq!(notes[0].path.as_deref(), Some("docker/.env"));
    assert_eq!(notes[0].line, Some(2));
    assert!(
        notes[0].message.contains("service db runs postgres:15"),
        "{}",
        notes[0].message
    );
}

/// A `configMapGenerator`'s `envs:` file is the ConfigMap's data, like a
/// `files:` entry: it was also read as the config of an app named after its
/// folder (`app:base`), a phantom consumer that broke under every change.
#[test]
fn a_generators_env_file_is_no_app_config() {
    let f = files(&[
        (
            "base/kustomization.yaml",
            "resources: [deployment.yaml]\nconfigMapGenerator:\n  - name: checkout-env\n    envs: [checkout.env]\n",
        ),
        (
            "base/checkout.env",
            "REDIS_HOST=redis.cache-staging.svc.cluster.local\nREDIS_PORT=6379\n",
        ),
        (
            "base/deployment.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: checkout}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: checkout:1\n          envFrom:\n            - configMapRef: {name: checkout-env}\n",
        ),
    ]);
    let s = fallout_scan::scan_files(&f, Vec::new(), &Default::default());
    let refs = references(&s);
    assert!(
        refs.iter().any(|r| r.starts_with(
            "default/Deployment/checkout -> redis.cache-staging.svc.cluster.local:6379"
        )),
        "{refs:#?}"
    );
    assert!(!refs.iter().any(|r| r.starts_with("app:")), "{refs:#?}");
    no_app(&s);
}

/// An `ioredis://` value the scan cannot decode names a Redis nobody can
/// tell: a `redis-unattributed` warning at its line (once, though two
/// services share the env file), never the value (it may hold a password).
#[test]
fn an_undecodable_ioredis_value_is_a_warning_at_its_line() {
    let compose = "services:\n  outline:\n    image: outlinewiki/outline:0.78\n    env_file: docker.env\n  worker:\n    image: outlinewiki/outline:0.78\n    env_file: docker.env\n";
    let s = scan_projects(&files(&[
        ("docker-compose.yml", compose),
        (
            "docker.env",
            "SECRET_KEY=x\nREDIS_URL=ioredis://not-base64-s3cr3t!!\n",
        ),
    ]));
    let warned: Vec<_> = s
        .diagnostics
        .iter()
        .filter(|d| d.code == "redis-unattributed")
        .collect();
    assert_eq!(warned.len(), 1, "{:#?}", s.diagnostics);
    assert_eq!(warned[0].path.as_deref(), Some("docker.env"));
    assert_eq!(warned[0].line, Some(2));
    assert!(
        warned[0].message.contains("ioredis://"),
        "{}",
        warned[0].message
    );
    assert!(
        !warned[0].message.contains("s3cr3t"),
        "{}",
        warned[0].message
    );
    // The same in a Kubernetes container's env.
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: outline, namespace: wiki}\nspec:\n  template:\n    spec:\n      containers:\n        - name: outline\n          image: outlinewiki/outline:0.78\n          env:\n            - {name: REDIS_URL, value: \"ioredis://not-base64-s3cr3t!!\"}\n";
    let s = fallout_scan::scan_files(
        &files(&[("outline.yaml", deployment)]),
        Vec::new(),
        &Default::default(),
    );
    let warned: Vec<_> = s
        .diagnostics
        .iter()
        .filter(|d| d.code == "redis-unattributed")
        .collect();
    assert_eq!(warned.len(), 1, "{:#?}", s.diagnostics);
    assert_eq!(warned[0].line, Some(11));
    assert!(
        !warned[0].message.contains("s3cr3t"),
        "{}",
        warned[0].message
    );
}

/// Committed `helm template` output keeps Alertmanager's `{{ define }}`
/// inside a block scalar: it is a manifest, not a template, and was also
/// read as app config, a phantom consumer `.` of an external `redis`.
#[test]
fn rendered_helm_output_with_go_templates_in_data_is_a_manifest_only() {
    let rendered = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: alertmanager-templates, namespace: mon}\ndata:\n  slack.tmpl: |\n    {{ define \"slack.title\" }}redis://redis:6379 is down{{ end }}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: mon}\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: api:1\n          env:\n            - {name: REDIS_URL, value: \"redis://cache:6379\"}\n";
    let s = fallout_scan::scan_files(
        &files(&[("rendered/all.yaml", rendered)]),
        Vec::new(),
        &Default::default(),
    );
    no_app(&s);
    let refs = references(&s);
    assert!(
        refs.iter()
            .any(|r| r.starts_with("mon/Deployment/api -> cache:6379")),
        "{refs:#?}"
    );
    assert!(!refs.iter().any(|r| r.starts_with("app:")), "{refs:#?}");
}

/// A mounted config file with a Go template in a value (`"{{.Time}}"`) is
/// still the service's config: only files whose `{{` stand where YAML is
/// (Helm chart templates) are left out (found by the code review).
#[test]
fn a_mounted_config_with_a_template_string_is_still_the_services() {
    let compose = "services:\n  app:\n    image: app:1\n    volumes: [\".:/app\"]\n  redis:\n    image: redis:7\n";
    let s = scan_projects(&files(&[
        ("docker-compose.yml", compose),
        (
            "config/app.yaml",
            "log:\n  format: \"{{.Time}} {{.Msg}}\"\ncache:\n  url: redis://redis:6379/0\n",
        ),
    ]));
    let refs = references(&s);
    assert!(
        refs.iter().any(|r| r.starts_with(
            "docker-compose.yml#app -> redis:6379 db=0 tls=no indirect config/app.yaml:4"
        )),
        "{refs:#?}"
    );
    assert!(!refs.iter().any(|r| r.starts_with("app:")), "{refs:#?}");
}

/// Found by the code review: a non-ASCII byte inside the first six bytes
/// of a list item panicked the whole scan (`split_at(6)`), and phpredis's
/// `?auth=` password was printed in the evidence and not counted as one.
#[test]
fn predis_lists_with_non_ascii_and_auth_query_passwords() {
    let compose = "services:\n  redis:\n    image: redis:7\n  php:\n    image: php:8\n    environment:\n      REDIS_DSN: \"tcp://redis:6379,aéééé\"\n      REDIS_SESSION_DSN: \"tcp://redis:6379?auth=Hunter2-planted&database=3\"\n      REDIS_CACHE_DSN: \"tcp://redis:6379?auth[]=Hunter3-planted\"\n";
    let s = scan_projects(&files(&[("docker-compose.yml", compose)]));
    let refs = references(&s);
    assert!(
        refs.iter().any(|r| r.starts_with(
            "docker-compose.yml#php -> redis:6379 tls=no explicit docker-compose.yml:7"
        )),
        "{refs:#?}"
    );
    assert!(
        refs.iter().any(|r| r.starts_with(
            "docker-compose.yml#php -> redis:6379 db=3 tls=no explicit docker-compose.yml:8"
        )),
        "{refs:#?}"
    );
    let text = format!("{refs:?}{:?}", s.diagnostics);
    assert!(!text.contains("Hunter"), "{text}");
    let with_password: Vec<bool> = s
        .facts
        .iter()
        .filter_map(|f| match f {
            fallout_core::Fact::Reference(r)
                if r.evidence.origin.line() == Some(8) || r.evidence.origin.line() == Some(9) =>
            {
                Some(r.endpoint.has_password)
            }
            _ => None,
        })
        .collect();
    assert_eq!(with_password, [true, true], "{refs:#?}");
}

/// Found by the code review: kustomizations that list each other in a
/// cycle, with name prefixes, made a new placement at each turn (16
/// phantom workloads, `r-a-b-a-api`…) and said nothing. The cycle is a
/// `kustomize-cycle` warning and each is read once along it.
#[test]
fn a_cycle_of_renaming_kustomizations_is_said_and_read_once() {
    let app = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: api:1\n          env:\n            - {name: REDIS_HOST, value: redis}\n";
    let f = files(&[
        (
            "root/kustomization.yaml",
            "namePrefix: r-\nresources: [../a]\n",
        ),
        (
            "a/kustomization.yaml",
            "namePrefix: a-\nresources: [../b, app.yaml]\n",
        ),
        ("a/app.yaml", app),
        (
            "b/kustomization.yaml",
            "namePrefix: b-\nresources: [../a]\n",
        ),
    ]);
    let s = fallout_scan::scan_files(&f, Vec::new(), &Default::default());
    let names = workloads(&s);
    assert!(names.len() <= 2, "{names:#?}");
    assert!(
        names.iter().any(|w| w == "default/Deployment/r-a-api"),
        "{names:#?}"
    );
    let cycles: Vec<_> = s
        .diagnostics
        .iter()
        .filter(|d| d.code == "kustomize-cycle")
        .collect();
    assert_eq!(cycles.len(), 1, "{:#?}", s.diagnostics);
    assert!(
        cycles[0]
            .message
            .contains("a/kustomization.yaml → b/kustomization.yaml → a/kustomization.yaml"),
        "{}",
        cycles[0].message
    );
}

/// An Argo CD Application whose inline Helm values name a Redis was passed
/// over without a word: the chart is not rendered, so an info note at the
/// line says so and what to scan instead (review H6 #12). The password in
/// the values never shows.
#[test]
fn an_argo_application_with_helm_values_naming_a_redis_is_said() {
    let app = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: dify, namespace: argocd}\nspec:\n  source:\n    repoURL: https://charts.example.com\n    chart: dify\n    helm:\n      valuesObject:\n        api:\n          replicas: 2\n        externalRedis:\n          host: redis.dify.svc.cluster.local\n          password: Arg0-planted\n";
    let s = fallout_scan::scan_files(
        &files(&[("argocd/dify.yaml", app)]),
        Vec::new(),
        &Default::default(),
    );
    let notes: Vec<_> = s
        .diagnostics
        .iter()
        .filter(|d| d.code == "chart-not-rendered")
        .collect();
    assert_eq!(notes.len(), 1, "{:#?}", s.diagnostics);
    assert_eq!(notes[0].line, Some(12));
    assert!(
        notes[0]
            .message
            .starts_with("Application argocd/dify renders a Helm chart"),
        "{}",
        notes[0].message
    );
    assert!(!format!("{:?}", s.diagnostics).contains("Arg0"));
    // Values that name no Redis say nothing.
    let plain = app
        .replace("externalRedis", "externalPostgres")
        .replace("redis.dify", "pg.dify");
    let s = fallout_scan::scan_files(
        &files(&[("argocd/dify.yaml", &plain)]),
        Vec::new(),
        &Default::default(),
    );
    assert!(
        !s.diagnostics.iter().any(|d| d.code == "chart-not-rendered"),
        "{:#?}",
        s.diagnostics
    );
}

/// A host written under an inner overlay's prefix (`prod-redis`, written in
/// `prod`) names nothing once an outer overlay renames again
/// (`eu-prod-redis` under `prod-eu`): the `kustomize-renamed` warning says
/// so there too (review H6 #6; it fired only for the base's own name).
#[test]
fn a_host_with_an_inner_overlays_prefix_is_said_under_the_outer_one() {
    let redis = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: redis}\nspec:\n  selector: {matchLabels: {app: redis}}\n  template:\n    metadata: {labels: {app: redis}}\n    spec:\n      containers: [{name: redis, image: 'redis:7'}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: redis}\nspec: {selector: {app: redis}, ports: [{port: 6379}]}\n";
    let api = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: api:1\n          env:\n            - {name: REDIS_HOST, value: redis}\n";
    let patch = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          env:\n            - {name: REDIS_HOST, value: prod-redis}\n";
    let f = files(&[
        ("base/kustomization.yaml", "resources: [redis.yaml, api.yaml]\n"),
        ("base/redis.yaml", redis),
        ("base/api.yaml", api),
        (
            "overlays/prod/kustomization.yaml",
            "namespace: shop\nnamePrefix: prod-\nresources: [../../base]\npatches:\n  - path: api.yaml\n",
        ),
        ("overlays/prod/api.yaml", patch),
        (
            "overlays/prod-eu/kustomization.yaml",
            "namespace: shop-eu\nnamePrefix: eu-\nresources: [../prod]\n",
        ),
    ]);
    let s = fallout_scan::scan_files(&f, Vec::new(), &Default::default());
    let warned: Vec<_> = s
        .diagnostics
        .iter()
        .filter(|d| d.code == "kustomize-renamed")
        .collect();
    assert!(
        warned
            .iter()
            .any(|d| d.path.as_deref() == Some("overlays/prod/api.yaml")
                && d.message.contains("`eu-prod-redis`")
                && d.message.contains("`prod-redis` names no Service there")),
        "{:#?}",
        s.diagnostics
    );
}

/// GitLab's Omnibus image reads its settings from `GITLAB_OMNIBUS_CONFIG`,
/// Ruby lines in one variable: its `gitlab_rails['redis_host']`,
/// `['redis_port']` and `['redis_password']` are read like any split host,
/// port and password (review H3 #11). The password never shows.
#[test]
fn gitlab_omnibus_config_is_read() {
    let compose = "services:\n  redis:\n    image: redis:7\n  gitlab:\n    image: gitlab/gitlab-ce:17.0.0-ce.0\n    environment:\n      GITLAB_OMNIBUS_CONFIG: |\n        external_url 'https://gitlab.example.com'\n        redis['enable'] = false\n        gitlab_rails['redis_host'] = 'redis'\n        gitlab_rails['redis_port'] = 6380\n        gitlab_rails['redis_password'] = 'Om-planted-pw'\n        gitlab_rails['db_host'] = 'postgres'\n";
    let s = scan_projects(&files(&[("docker-compose.yml", compose)]));
    let refs = references(&s);
    assert_eq!(refs.len(), 1, "{refs:#?}");
    assert!(
        refs[0].starts_with(
            "docker-compose.yml#gitlab -> redis:6380 tls=unknown explicit docker-compose.yml:8"
        ) && refs[0].contains("[credential docker-compose.yml:8]"),
        "{refs:#?}"
    );
    assert!(!format!("{refs:?}{:?}", s.diagnostics).contains("Om-planted"));
}

//! Review H4: wrong answers in app-config reading. Each test is one
//! finding, written to fail on the code before its fix.

mod common;

use common::{files, references};
use fallout_scan::k8s::Options;
use fallout_scan::projects::scan_projects;
use fallout_scan::{scan_files, Scanned};

fn scan_all(list: &[(&str, &str)]) -> Scanned {
    scan_files(&files(list), Vec::new(), &Options::default())
}

/// Every reference's text joined, to show that no password appears in it.
fn all_text(s: &Scanned) -> String {
    format!("{:?}", s.facts) + &format!("{:?}", s.diagnostics)
}

const NODE_ENV_NAMES: &str = r#"{"queue": {"connection": {
  "host": "JOBS_BROKER",
  "password": "JOBS_SECRET",
  "port": {"__name": "JOBS_BROKER_PORTNUM", "__format": "json"}
}}}
"#;

/// node-config's `config/custom-environment-variables.json` names the
/// variables that set each key. Read as values, `"host": "QUEUE_REDIS_HOST"`
/// was an external Redis `queue_redis_host:6379` the app used explicitly.
#[test]
fn node_config_environment_variable_names_are_not_hosts() {
    let s = scan_projects(&files(&[
        ("worker/package.json", "{\"name\": \"worker\"}\n"),
        (
            "worker/config/custom-environment-variables.json",
            "{\"queue\":{\"connection\":{\"host\":\"QUEUE_REDIS_HOST\",\"password\":\"QUEUE_REDIS_PASSWORD\"}}}\n",
        ),
        (
            "worker/config/default.json",
            "{\"queue\": {\"connection\": {\"host\": \"redis\", \"port\": 6379}}}\n",
        ),
    ]));
    assert_eq!(
        references(&s),
        ["app:worker -> redis:6379 tls=unknown explicit worker/config/default.json:1 | queue.connection.host + queue.connection.port = redis:6379"],
    );
}

/// Where a compose service mounts the config folder, the variable the file
/// names takes the service's value: `queue.connection.host` is `queue`.
#[test]
fn node_config_environment_variable_names_take_the_services_values() {
    let compose = "services:\n  worker:\n    build: ./worker\n    volumes:\n      - ./worker/config:/app/config\n    environment:\n      JOBS_BROKER: queue\n      JOBS_BROKER_PORTNUM: \"6380\"\n      JOBS_SECRET: Queue_Pw_4242\n  queue:\n    image: redis:7\n    command: redis-server --port 6380 --requirepass Queue_Pw_4242\n";
    let s = scan_projects(&files(&[
        ("docker-compose.yml", compose),
        ("worker/package.json", "{\"name\": \"worker\"}\n"),
        (
            "worker/config/custom-environment-variables.json",
            NODE_ENV_NAMES,
        ),
    ]));
    assert_eq!(
        references(&s),
        ["docker-compose.yml#worker -> queue:6380 tls=unknown indirect docker-compose.yml:7 | mounted ./worker/config/custom-environment-variables.json: queue.connection.host from env JOBS_BROKER + queue.connection.port = queue:6380 [credential docker-compose.yml:9]"],
    );
    assert!(!all_text(&s).contains("Queue_Pw_4242"));
}

/// The same file in a ConfigMap a container mounts: the container's env.
#[test]
fn node_config_environment_variable_names_take_the_containers_values() {
    let manifest = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: worker-config, namespace: jobs}}\ndata:\n  custom-environment-variables.json: |\n{}---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: worker, namespace: jobs}}\nspec:\n  template:\n    spec:\n      containers:\n        - name: worker\n          image: worker:1\n          env:\n            - {{name: JOBS_BROKER, value: queue.cache}}\n          volumeMounts:\n            - {{name: config, mountPath: /app/config}}\n      volumes:\n        - name: config\n          configMap: {{name: worker-config}}\n",
        NODE_ENV_NAMES
            .lines()
            .map(|l| format!("    {l}\n"))
            .collect::<String>()
    );
    let redis = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: queue, namespace: cache}\nspec:\n  selector: {matchLabels: {app: queue}}\n  template:\n    metadata: {labels: {app: queue}}\n    spec:\n      containers: [{name: redis, image: 'redis:7'}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: queue, namespace: cache}\nspec: {selector: {app: queue}, ports: [{port: 6379}]}\n";
    let s = scan_all(&[
        ("deploy/worker.yaml", &manifest),
        ("deploy/queue.yaml", redis),
    ]);
    let refs = references(&s);
    assert!(
        refs.iter().any(|r| r.starts_with("jobs/Deployment/worker -> queue.cache")
            && r.contains(" indirect deploy/worker.yaml:")
            && r.ends_with("key queue.connection.host <- configMap jobs/worker-config key custom-environment-variables.json from env JOBS_BROKER = queue.cache")),
        "{refs:#?}"
    );
    assert!(
        !refs
            .iter()
            .any(|r| r.to_ascii_lowercase().contains("-> jobs_") || r.contains("[credential")),
        "{refs:#?}"
    );
}

/// Celery's `broker_use_ssl` / `redis_backend_use_ssl` (a dict or `True`)
/// turn TLS on for a `redis://` broker and result backend: kombu connects
/// with TLS. Read as written, both were TLS `no` and `tls=required` said
/// they break.
#[test]
fn celery_use_ssl_means_tls_for_a_redis_url() {
    let config = r#"import ssl
broker_url = "redis://:CeleryPw_3333@queue.internal.example.com:6380/0"
result_backend = "redis://:CeleryPw_3333@queue.internal.example.com:6380/1"
broker_use_ssl = {"ssl_cert_reqs": ssl.CERT_REQUIRED, "ssl_ca_certs": "/etc/ssl/certs/ca.pem"}
redis_backend_use_ssl = {"ssl_cert_reqs": ssl.CERT_REQUIRED}
"#;
    let s = scan_projects(&files(&[
        ("tasks/requirements.txt", "celery[redis]\n"),
        ("tasks/celeryconfig.py", config),
    ]));
    assert_eq!(
        references(&s),
        [
            "app:tasks -> queue.internal.example.com:6380 db=0 tls=yes explicit tasks/celeryconfig.py:2 | broker_url with broker_use_ssl on = rediss://:***@queue.internal.example.com:6380/0 [credential tasks/celeryconfig.py:2]",
            "app:tasks -> queue.internal.example.com:6380 db=1 tls=yes explicit tasks/celeryconfig.py:3 | result_backend with redis_backend_use_ssl on = rediss://:***@queue.internal.example.com:6380/1 [credential tasks/celeryconfig.py:3]",
        ]
    );
    assert!(!all_text(&s).contains("CeleryPw_3333"));

    // Django settings, TLS for the broker only.
    let settings = "CELERY_BROKER_URL = \"redis://queue:6379/0\"\nCELERY_RESULT_BACKEND = \"redis://queue:6379/1\"\nCELERY_BROKER_USE_SSL = True\n";
    let s = scan_projects(&files(&[
        ("web/requirements.txt", "django\n"),
        ("web/settings.py", settings),
    ]));
    let tls: Vec<String> = references(&s)
        .iter()
        .map(|r| r.split(" explicit").next().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        tls,
        [
            "app:web -> queue:6379 db=0 tls=yes",
            "app:web -> queue:6379 db=1 tls=no",
        ]
    );
}

/// docker-zulip reads `SETTING_<name>` as the Django setting `<name>` and
/// `SECRETS_<name>` as the secret `<name>`: `SECRETS_redis_password` is the
/// password of `SETTING_REDIS_HOST`'s Redis. Unpaired, `auth=required`
/// said zulip connected without one.
#[test]
fn docker_zulip_secrets_redis_password_is_the_redis_password() {
    let compose = "services:\n  zulip:\n    image: zulip/docker-zulip:9.0-0\n    environment:\n      SETTING_REDIS_HOST: redis\n      SETTING_REDIS_PORT: \"6379\"\n      SECRETS_redis_password: \"Zulip_Redis_Pw_1\"\n  redis:\n    image: redis:alpine\n    command: redis-server --requirepass Zulip_Redis_Pw_1\n";
    let s = scan_projects(&files(&[("docker-compose.yml", compose)]));
    assert_eq!(
        references(&s),
        ["docker-compose.yml#zulip -> redis:6379 tls=unknown explicit docker-compose.yml:5 | env SETTING_REDIS_HOST + redis.port = redis:6379 [credential docker-compose.yml:7]"]
    );
    assert!(!all_text(&s).contains("Zulip_Redis_Pw_1"));
}

const SPRING_PROFILES: &str = "spring:
  data:
    redis:
      host: redis-dev
      port: 6379
---
spring:
  config:
    activate:
      on-profile: prod
  data:
    redis:
      host: redis-prod
      ssl:
        enabled: true
";

/// A service run with `SPRING_PROFILES_ACTIVE=prod` reads the `prod`
/// document laid over the default one: it uses redis-prod with TLS, and
/// the default document's redis-dev is no consumer link (it was reported
/// as a consumer that breaks when redis-dev is decommissioned).
#[test]
fn spring_active_profile_of_the_service_wins_over_the_default_document() {
    let compose = "services:\n  api:\n    image: example/api\n    volumes:\n      - ./api/application.yml:/app/config/application.yml\n    environment:\n      SPRING_PROFILES_ACTIVE: prod\n  redis-dev:\n    image: redis:7\n  redis-prod:\n    image: redis:7\n";
    let s = scan_projects(&files(&[
        ("docker-compose.yml", compose),
        ("api/application.yml", SPRING_PROFILES),
    ]));
    assert_eq!(
        references(&s),
        ["docker-compose.yml#api -> redis-prod:6379 tls=yes indirect api/application.yml:13 | mounted ./api/application.yml: spring.data.redis.host + spring.data.redis.port = redis-prod:6379"]
    );

    // The same in a ConfigMap a container mounts.
    let manifest = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: api-config, namespace: web}}\ndata:\n  application.yml: |\n{}---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: api, namespace: web}}\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: api:1\n          env:\n            - {{name: SPRING_PROFILES_ACTIVE, value: prod}}\n          volumeMounts:\n            - {{name: config, mountPath: /app/config}}\n      volumes:\n        - name: config\n          configMap: {{name: api-config}}\n",
        SPRING_PROFILES
            .lines()
            .map(|l| format!("    {l}\n"))
            .collect::<String>()
    );
    let s = scan_all(&[("deploy/api.yaml", &manifest)]);
    let refs = references(&s);
    assert!(refs.iter().all(|r| !r.contains("redis-dev")), "{refs:#?}");
    assert!(
        refs.iter()
            .any(|r| r.starts_with("web/Deployment/api -> redis-prod")
                && r.contains("tls=yes indirect deploy/api.yaml:18")),
        "{refs:#?}"
    );
}

/// With no profile known, the default document's link stays as written and
/// a profile document's is inferred, its profile named (it was explicit).
#[test]
fn spring_profile_documents_of_unknown_activation_are_inferred() {
    let s = scan_projects(&files(&[
        ("api/pom.xml", "<project/>\n"),
        ("api/src/main/resources/application.yml", SPRING_PROFILES),
    ]));
    assert_eq!(
        references(&s),
        [
            "app:api -> redis-dev:6379 tls=unknown explicit api/src/main/resources/application.yml:4 | spring.data.redis.host + spring.data.redis.port = redis-dev:6379",
            "app:api -> redis-prod:6379 tls=yes inferred api/src/main/resources/application.yml:13 | spring.data.redis.host (in the document for profile prod: whether it is active is not known) + spring.data.redis.port = redis-prod:6379",
        ]
    );
    // The file's own `spring.profiles.active` is known.
    let s = scan_projects(&files(&[
        ("api/pom.xml", "<project/>\n"),
        (
            "api/src/main/resources/application.yml",
            &format!("spring.profiles.active: prod\n{SPRING_PROFILES}"),
        ),
    ]));
    assert_eq!(
        references(&s),
        ["app:api -> redis-prod:6379 tls=yes explicit api/src/main/resources/application.yml:14 | spring.data.redis.host + spring.data.redis.port = redis-prod:6379"]
    );
}

/// Review R2-3: Celery's `broker_use_ssl` turns TLS on for the URL the
/// service's variable gives (`os.environ.get("CELERY_BROKER_URL", …)`),
/// not only for the fallback (it read the service's `redis://cache:6380`
/// as plaintext, and the fallback as `rediss://localhost`, cited at the
/// variable's line).
#[test]
fn celery_use_ssl_turns_tls_on_for_the_variables_url() {
    let compose = "services:\n  cache:\n    image: redis:7\n  worker:\n    image: acme/worker\n    volumes:\n      - ./worker/celeryconfig.py:/app/celeryconfig.py\n    environment:\n      CELERY_BROKER_URL: redis://cache:6380/0\n";
    let config = "import os, ssl\nbroker_url = os.environ.get(\"CELERY_BROKER_URL\", \"redis://localhost:6379/0\")\nbroker_use_ssl = {\"ssl_cert_reqs\": ssl.CERT_REQUIRED}\n";
    let s = scan_projects(&files(&[
        ("docker-compose.yml", compose),
        ("worker/celeryconfig.py", config),
    ]));
    let refs = references(&s);
    // The variable the file reads is that file's reading, not a second,
    // plaintext link of its own.
    assert_eq!(
        refs,
        ["docker-compose.yml#worker -> cache:6380 db=0 tls=yes explicit docker-compose.yml:9 | mounted ./worker/celeryconfig.py: broker_url with broker_use_ssl on from env CELERY_BROKER_URL = rediss://cache:6380/0"],
        "{refs:#?}"
    );
    assert!(refs.iter().all(|r| !r.contains("localhost")), "{refs:#?}");
}

/// The same in Kubernetes: the container's `CELERY_BROKER_URL`, read by the
/// mounted `celeryconfig.py` with `broker_use_ssl`, is one TLS link cited
/// at the variable's line (it was also a plaintext link of its own).
#[test]
fn celery_use_ssl_turns_tls_on_for_a_containers_variable() {
    let manifest = "apiVersion: v1
kind: ConfigMap
metadata: {name: worker-config, namespace: q}
data:
  celeryconfig.py: |
    import os, ssl
    broker_url = os.environ.get(\"CELERY_BROKER_URL\", \"redis://localhost:6379/0\")
    broker_use_ssl = {\"ssl_cert_reqs\": ssl.CERT_REQUIRED}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: worker, namespace: q}
spec:
  template:
    spec:
      containers:
        - name: worker
          image: acme/worker
          env:
            - {name: CELERY_BROKER_URL, value: \"redis://cache.q:6380/0\"}
          volumeMounts: [{name: conf, mountPath: /app/celeryconfig.py, subPath: celeryconfig.py}]
      volumes: [{name: conf, configMap: {name: worker-config}}]
";
    let s = scan_all(&[("all.yaml", manifest)]);
    assert_eq!(
        references(&s),
        ["q/Deployment/worker -> cache.q:6380 db=0 tls=yes explicit all.yaml:20 | file /app/celeryconfig.py key broker_url <- configMap q/worker-config key celeryconfig.py from env CELERY_BROKER_URL (broker_url with broker_use_ssl on) = rediss://cache.q:6380/0"]
    );
}

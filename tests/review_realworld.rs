//! What two reviews of real public repositories found (compose and app
//! config: Sentry self-hosted, Mastodon, Chatwoot, Airflow, Misskey;
//! Kubernetes: the Azure voting app, eShopOnContainers, Sourcegraph,
//! kubernetes/examples, KEDA workers), each as the smallest tree that
//! shows it.

use crate::support::{fallout_in, tree};

/// `fallout impact` run from the tree's own folder on `.`, as the CI
/// recipe does.
fn impact_here(files: &[(&str, &str)], args: &[&str]) -> (tempfile::TempDir, crate::support::Run) {
    let dir = tree(files);
    let mut all = vec!["impact"];
    all.extend(args);
    let run = fallout_in(dir.path(), &all);
    (dir, run)
}

/// Scanned as `.`, a credential's place that names its file (`env_file
/// .env: REDIS_PASSWORD`) still gets its line: the path is in the place,
/// the line was not.
#[test]
fn a_credential_in_an_env_file_keeps_its_line_when_scanned_as_dot() {
    let (_dir, run) = impact_here(
        &[
            (
                "docker-compose.yaml",
                "services:\n  redis:\n    image: redis:7\n  app:\n    image: example/app\n    env_file: .env\n",
            ),
            (".env", "REDIS_URL=redis://redis:6379\nREDIS_PASSWORD=changeme\n"),
        ],
        &["redis", ".", "--set", "password=rotate"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("holds the password in env_file .env: REDIS_PASSWORD at .env:2;"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("changeme"), "{}", run.stdout);
}

/// On a server, a compose project's own settings are often in
/// `.gitignore` (Mastodon's `.env.production`, an override file, Sentry's
/// `sentry.conf.py` copied from its example): they are what runs, so the
/// scan reads them where the project names them. Other ignored files stay
/// unread.
#[test]
fn ignored_files_a_compose_project_names_are_read() {
    let (_dir, run) = impact_here(
        &[
            (
                ".gitignore",
                ".env.production\ndocker-compose.override.yml\nconf/\ndist/\n",
            ),
            (
                "docker-compose.yml",
                "services:\n  redis:\n    image: redis:7\n    command: redis-server --tls-port 6380 --port 6379\n  web:\n    image: example/web\n    env_file: .env.production\n  worker:\n    image: example/worker\n    environment:\n      REDIS_URL: redis://redis:6379\n  relay:\n    image: example/relay\n    volumes:\n      - ./conf:/etc/relay\n",
            ),
            (".env.production", "REDIS_HOST=redis\nREDIS_PORT=6379\n"),
            (
                "docker-compose.override.yml",
                "services:\n  worker:\n    environment:\n      REDIS_URL: rediss://redis:6380\n",
            ),
            ("conf/config.yml", "redis: rediss://redis:6380\n"),
            // Ignored and named by nothing: not read.
            ("dist/settings.yml", "redis:\n  url: redis://redis:6379\n"),
        ],
        &["redis", ".", "--set", "tls=required", "--format", "json"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let consumers = &doc["resources"][0]["consumers"];
    let verdict = |name: &str| -> (String, String) {
        let c = consumers
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("{name} in {consumers:#}"));
        let e = &c["evidence"][0];
        (
            c["verdict"].as_str().unwrap().to_string(),
            format!("{}:{}", e["path"].as_str().unwrap_or(""), e["line"]),
        )
    };
    assert_eq!(
        verdict("web"),
        ("breaks".into(), ".env.production:1".into())
    );
    assert_eq!(
        verdict("worker"),
        ("ok".into(), "docker-compose.override.yml:4".into())
    );
    assert_eq!(verdict("relay"), ("ok".into(), "conf/config.yml:1".into()));
    assert_eq!(consumers.as_array().unwrap().len(), 3, "{consumers:#}");
    assert!(!run.stdout.contains("dist/settings.yml"), "{}", run.stdout);
    assert!(!run.stderr.contains("not found"), "{}", run.stderr);
}

/// Examples shipped to be copied (`config.example.yml`,
/// `compose_example.yml`, `sentry.conf.example.py`) are not settings in
/// use: a mounted folder's example is not read beside the real file, and
/// an example compose file is no second project.
#[test]
fn example_files_are_not_settings_in_use() {
    let (_dir, run) = impact_here(
        &[
            (
                "compose.yml",
                "services:\n  redis:\n    image: redis:7\n    command: redis-server --tls-port 6380 --port 6379\n  relay:\n    image: example/relay\n    volumes:\n      - ./relay:/work/.relay\n",
            ),
            (
                "compose_example.yml",
                "services:\n  redis:\n    image: redis:7\n  relay:\n    image: example/relay\n    volumes:\n      - ./relay:/work/.relay\n",
            ),
            ("relay/config.yml", "redis: rediss://redis:6380\n"),
            ("relay/config.example.yml", "redis: redis://redis:6379\n"),
        ],
        &["redis", ".", "--set", "tls=required"],
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("relay: already uses TLS at relay/config.yml:1"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("example"), "{}", run.stdout);
    assert!(
        run.stdout.contains("0 break, 0 at risk, 1 ok"),
        "{}",
        run.stdout
    );
}

/// A Deployment whose container is `name` with `env`, then `extra` (a
/// `command:` line or nothing).
fn deployment(name: &str, image: &str, env: &[(&str, &str)], extra: &str) -> String {
    let mut out = format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata: {{labels: {{app: {name}}}}}\n    spec:\n      containers:\n      - name: {name}\n        image: {image}\n"
    );
    if !env.is_empty() {
        out.push_str("        env:\n");
        for (k, v) in env {
            out.push_str(&format!("        - name: {k}\n          value: \"{v}\"\n"));
        }
    }
    out.push_str(extra);
    out
}

const BACK_SERVICE: &str =
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: back\nspec:\n  ports:\n  - port: 6379\n  selector:\n    app: back\n";

/// The Azure voting app's `REDIS=azure-vote-back` (a bare name under the
/// server's own key) and eShop's `DPConnectionString=keystore-data` (an
/// acronym before a word) name the Redis; a bare word under another Redis
/// key (`REDIS_MODE`) does not.
#[test]
fn the_voting_apps_and_eshops_keys_name_their_redis() {
    let manifests = [
        deployment("back", "redis", &[], ""),
        BACK_SERVICE.to_string(),
        deployment("front", "example/front", &[("REDIS", "back")], ""),
        deployment(
            "identity",
            "example/identity",
            &[("DPConnectionString", "back")],
            "",
        ),
        deployment("mode", "example/mode", &[("REDIS_MODE", "back")], ""),
        // A bare name that names no known Redis is nothing, even one
        // that sounds like Redis (the verification run found these kept).
        deployment("ghost", "example/ghost", &[("REDIS", "redis-foo")], ""),
        deployment(
            "ghost2",
            "example/ghost",
            &[("CACHE_REDIS", "sentinel")],
            "",
        ),
    ]
    .join("---\n");
    let dir = tree(&[("app.yaml", &manifests)]);
    let doc = scan_json(dir.path());
    assert_eq!(crate::support::ids(&doc), ["default/back"], "{doc:#}");
    let res = crate::support::resource(&doc, "default/back");
    let names: Vec<&str> = res["consumers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["front", "identity"], "{res:#}");
}

/// `grep -h pattern file; redis-cli ping` (Sourcegraph's readiness probe):
/// grep's `-h` is no redis-cli host, so no external Redis `pattern`.
#[test]
fn another_commands_dash_h_is_no_redis_host() {
    let probe = "        command: [\"sh\", \"-c\", \"grep -h requirepass /etc/redis/redis.conf; redis-cli -h back ping; sleep 3600\"]\n";
    let manifests = [
        deployment("back", "redis", &[], ""),
        BACK_SERVICE.to_string(),
        deployment("app", "busybox", &[], probe),
    ]
    .join("---\n");
    let dir = tree(&[("app.yaml", &manifests)]);
    let doc = scan_json(dir.path());
    assert_eq!(crate::support::ids(&doc), ["default/back"], "{doc:#}");
    let res = crate::support::resource(&doc, "default/back");
    assert_eq!(res["consumers"][0]["name"], "app", "{res:#}");
}

/// What cli.md promises of TARGET: an external host written as a short
/// name is named by it, with a port, or as its Service's FQDN; an in-scan
/// one by `name:port`.
#[test]
fn short_names_and_host_port_name_their_resource() {
    let manifests = [
        deployment("back", "redis", &[], ""),
        BACK_SERVICE.to_string(),
        deployment(
            "app",
            "example/app",
            &[("REDIS_URL", "redis://cache-master:6379")],
            "",
        ),
    ]
    .join("---\n");
    let dir = tree(&[("app.yaml", &manifests)]);
    for (target, id) in [
        ("cache-master", "cache-master.default"),
        ("cache-master:6379", "cache-master.default"),
        (
            "cache-master.default.svc.cluster.local",
            "cache-master.default",
        ),
        ("back:6379", "default/back"),
        ("back", "default/back"),
    ] {
        let run = fallout_in(
            dir.path(),
            &["impact", target, ".", "--set", "tls=required"],
        );
        assert_eq!(run.code, 0, "{target}: {}", run.stderr);
        assert!(
            run.stdout
                .starts_with(&format!("impact: tls=required on {id}\n")),
            "{target}: {}",
            run.stdout
        );
    }
    let run = fallout_in(
        dir.path(),
        &["impact", "cache", ".", "--set", "tls=required"],
    );
    assert_eq!(run.code, 2, "a prefix is no name: {}", run.stdout);
}

/// A Deployment and a StatefulSet both named `redis` in one namespace are
/// two resources, each with its own id; `default/redis` names both.
#[test]
fn two_servers_of_one_name_each_have_their_own_id() {
    let sts = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: redis\nspec:\n  serviceName: redis\n  selector: {matchLabels: {app: redis-b}}\n  template:\n    metadata: {labels: {app: redis-b}}\n    spec:\n      containers:\n      - name: redis\n        image: redis:7\n";
    let manifests = [deployment("redis", "redis:7", &[], ""), sts.to_string()].join("---\n");
    let dir = tree(&[("app.yaml", &manifests)]);
    let doc = scan_json(dir.path());
    assert_eq!(
        crate::support::ids(&doc),
        ["default/Deployment/redis", "default/StatefulSet/redis"]
    );
    let run = fallout_in(
        dir.path(),
        &[
            "impact",
            "default/StatefulSet/redis",
            ".",
            "--set",
            "tls=required",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = fallout_in(
        dir.path(),
        &["impact", "default/redis", ".", "--set", "tls=required"],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(
            "matches several resources: default/Deployment/redis, default/StatefulSet/redis"
        ),
        "{}",
        run.stderr
    );
}

/// `fallout scan . --format json` in `dir`, which must succeed, parsed.
fn scan_json(dir: &std::path::Path) -> serde_json::Value {
    let run = fallout_in(dir, &["scan", ".", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

/// `fallout impact TARGET . --set KEY=VALUE` in a tree of `files`: the
/// one consumer's reason line and the summary.
fn verdict_of(files: &[(&str, &str)], target: &str, set: &str) -> String {
    let (_dir, run) = impact_here(files, &[target, ".", "--set", set]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout
}

/// A Redis server on the official image with `REDIS_PASSWORD` from a
/// Secret, and a CronJob whose redis-cli authenticates through
/// `REDISCLI_AUTH`: the official image reads no such variable (no
/// password is required), and redis-cli reads `REDISCLI_AUTH`.
#[test]
fn official_images_ignore_redis_password_and_redis_cli_reads_rediscli_auth() {
    let server = |image: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: redis\nspec:\n  selector: {{matchLabels: {{app: redis}}}}\n  template:\n    metadata: {{labels: {{app: redis}}}}\n    spec:\n      containers:\n      - name: redis\n        image: {image}\n        env:\n        - name: REDIS_PASSWORD\n          valueFrom:\n            secretKeyRef: {{name: redis-auth, key: password}}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: redis\nspec:\n  selector: {{app: redis}}\n  ports:\n  - port: 6379\n---\n"
        )
    };
    let cron = "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: reaper\nspec:\n  schedule: \"* * * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n          containers:\n          - name: reaper\n            image: redis:7\n            env:\n            - name: REDIS_HOST\n              value: redis\n            - name: REDISCLI_AUTH\n              valueFrom:\n                secretKeyRef: {name: redis-auth, key: password}\n            command: [\"sh\", \"-c\"]\n            args:\n            - exec redis-cli -h \"$REDIS_HOST\" PING\n";
    let web = deployment(
        "web",
        "example/web",
        &[("REDIS_URL", "redis://redis:6379")],
        "",
    );
    let official = format!("{}{cron}---\n{web}", server("redis:7"));
    let out = verdict_of(&[("app.yaml", &official)], "redis", "auth=required");
    assert!(
        out.contains("web: connects without a password at app.yaml:")
            && out.contains("1 break, 0 at risk, 1 ok"),
        "{out}"
    );
    assert!(out.contains("reaper: "), "{out}");
    let out = verdict_of(&[("app.yaml", &official)], "redis", "password=rotate");
    assert!(
        out.contains("reaper: holds the password in env REDISCLI_AUTH"),
        "{out}"
    );
    // Bitnami's image does read it: the server requires a password.
    let bitnami = format!("{}{web}", server("bitnami/redis:7.2"));
    let out = verdict_of(&[("app.yaml", &bitnami)], "redis", "auth=required");
    assert!(
        out.contains("the server already requires a password"),
        "{out}"
    );
}

/// `--requirepass ""` (written so, or as Chatwoot's `"$REDIS_PASSWORD"`
/// with the variable empty in `.env`) requires no password; an empty
/// password in a URL (`redis://:@redis:6379/0`, Airflow) is shown as
/// written, not as `***`.
#[test]
fn an_empty_password_is_no_password() {
    let app = "  app:\n    image: example/app\n    environment:\n      REDIS_URL: redis://:@redis:6379/0\n";
    for (command, env) in [
        ("[\"redis-server\", \"--requirepass\", \"\"]", ""),
        (
            "[\"sh\", \"-c\", \"redis-server --requirepass \\\"$REDIS_PASSWORD\\\"\"]",
            "REDIS_PASSWORD=\n",
        ),
    ] {
        let compose =
            format!("services:\n  redis:\n    image: redis:alpine\n    command: {command}\n{app}");
        let out = verdict_of(
            &[("docker-compose.yaml", &compose), (".env", env)],
            "redis",
            "auth=required",
        );
        assert!(
            out.contains("app: connects without a password")
                && out.contains("1 break, 0 at risk, 0 ok"),
            "{command}: {out}"
        );
        let (_dir, json) = impact_here(
            &[("docker-compose.yaml", &compose), (".env", env)],
            &["redis", ".", "--set", "auth=required", "--format", "json"],
        );
        assert!(
            json.stdout.contains("redis://:@redis:6379/0"),
            "{}",
            json.stdout
        );
        assert!(!json.stdout.contains("***"), "{}", json.stdout);
    }
}

/// Advice for a client that gives a host and a port (Mastodon's
/// `REDIS_HOST` + `REDIS_PORT`, n8n's `QUEUE_BULL_REDIS_*`): no URL to
/// switch; the port's line is cited even when the server has no TLS port
/// yet. And a password rotation on a server that requires one says so
/// rather than "if it authenticates".
#[test]
fn advice_fits_host_and_port_settings_and_a_server_that_requires_a_password() {
    let compose = "services:\n  redis:\n    image: redis:7\n    command: redis-server --requirepass \"${REDIS_PASSWORD}\"\n  web:\n    image: example/web\n    env_file: .env.production\n";
    let files = [
        ("docker-compose.yml", compose),
        (".env.production", "REDIS_HOST=redis\nREDIS_PORT=6379\n"),
        (".env", "REDIS_PASSWORD=s3cret\n"),
    ];
    let out = verdict_of(&files, "redis", "tls=required");
    assert!(
        out.contains("web: uses `redis:6379` (plaintext port 6379) at .env.production:1 without TLS; turn on its client's TLS option, use the TLS port the server will serve (it serves none yet; the port is written at .env.production:2), and configure the CA"),
        "{out}"
    );
    let out = verdict_of(&files, "redis", "tls=preferred");
    assert!(
        out.contains("web: still connects without TLS at .env.production:1; turn on its client's TLS option and use the server's TLS port before tls=required"),
        "{out}"
    );
    let out = verdict_of(&files, "redis", "password=rotate");
    assert!(
        out.contains("web: no visible credential (.env.production:1), but the server requires a password (docker-compose.yml:4)"),
        "{out}"
    );
    assert!(!out.contains("s3cret"), "{out}");
}

/// The reasons under the table name each consumer; two of one name (a
/// Deployment `worker` and a CronJob `worker`) go by their full ids.
#[test]
fn reasons_of_two_consumers_of_one_name_say_which() {
    let cron = "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: worker\nspec:\n  schedule: \"* * * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n          - name: worker\n            image: example/worker\n            env:\n            - name: REDIS_URL\n              value: redis://back:6379\n";
    let manifests = [
        deployment("back", "redis", &[], ""),
        BACK_SERVICE.to_string(),
        deployment(
            "worker",
            "example/worker",
            &[("REDIS_URL", "redis://back:6379")],
            "",
        ),
        deployment(
            "web",
            "example/web",
            &[("REDIS_URL", "redis://back:6379")],
            "",
        ),
        cron.to_string(),
    ]
    .join("---\n");
    let out = verdict_of(&[("app.yaml", &manifests)], "back", "tls=required");
    let reasons: Vec<&str> = out
        .lines()
        .filter(|l| l.contains(": uses "))
        .map(|l| l.trim().split(": uses").next().unwrap())
        .collect();
    assert_eq!(
        reasons,
        ["default/CronJob/worker", "web", "default/Deployment/worker"],
        "{out}"
    );
}

/// A Redis image running a script from a mounted ConfigMap that only calls
/// redis-cli (a queue worker) is a consumer, not a second Redis server;
/// one whose script starts `redis-server` is still a server.
#[test]
fn a_redis_image_running_a_client_script_is_no_server() {
    let text =
        std::fs::read_to_string("tests/data/review-realworld/worker-script-phantom.yaml").unwrap();
    let dir = tree(&[("app.yaml", &text)]);
    let doc = scan_json(dir.path());
    assert_eq!(crate::support::ids(&doc), ["default/redis"], "{doc:#}");
    assert_eq!(
        crate::support::resource(&doc, "default/redis")["consumers"][0]["name"],
        "worker"
    );
    let server = text.replace(
        "redis-cli -h \"$REDIS_HOST\" BLMOVE jobs processing LEFT RIGHT 5",
        "exec redis-server --port 6390",
    );
    let dir = tree(&[("app.yaml", &server)]);
    let doc = scan_json(dir.path());
    assert_eq!(
        crate::support::ids(&doc),
        ["default/redis", "default/worker"],
        "{doc:#}"
    );
}

/// kubernetes/examples' Sentinel: an image of its own (`redis:v1`, whose
/// run.sh starts a Sentinel when `SENTINEL` is set) with no command,
/// declaring only 26379, listens there; the official image does not.
#[test]
fn an_own_image_without_a_command_listens_on_its_one_declared_port() {
    let pod = |image: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: sentinel\nspec:\n  selector: {{matchLabels: {{app: sentinel}}}}\n  template:\n    metadata: {{labels: {{app: sentinel}}}}\n    spec:\n      containers:\n      - name: sentinel\n        image: {image}\n        env:\n        - name: SENTINEL\n          value: \"true\"\n        ports:\n        - containerPort: 26379\n"
        )
    };
    for (image, port) in [("registry.k8s.io/redis:v1", 26379), ("redis:7", 6379)] {
        let dir = tree(&[("app.yaml", &pod(image))]);
        let doc = scan_json(dir.path());
        assert_eq!(
            crate::support::resource(&doc, "default/sentinel")["port"],
            port,
            "{image}: {doc:#}"
        );
    }
}

/// `compose.yml#redis`, as the project's own folder names it, still names
/// the service when the scan starts a folder above (its id is then
/// `app/compose.yml#redis`).
#[test]
fn a_compose_id_names_its_service_from_a_folder_above() {
    let dir = tree(&[(
        "app/compose.yml",
        "services:\n  redis:\n    image: redis:7\n  web:\n    image: x/web\n    environment:\n      REDIS_URL: redis://redis:6379\n",
    )]);
    let run = fallout_in(
        dir.path(),
        &["impact", "compose.yml#redis", ".", "--set", "tls=required"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("impact: tls=required on app/compose.yml#redis\n"),
        "{}",
        run.stdout
    );
}

/// The checklist's "Input problems" says the consumers may be incomplete
/// only when something could not be read: an approval that names nobody
/// hides no consumer.
#[test]
fn the_checklist_says_what_its_input_problems_mean() {
    let (_dir, run) = crate::review::check_with_approvals_as(
        "approvals:\n  - consumer: api/Deployment/no-such\n    by: lead\n",
        "checklist",
    );
    assert!(
        run.stdout.contains(
            "## Input problems\n\nThese approvals approve nobody; fix them before signing:"
        ),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("may be incomplete"), "{}", run.stdout);
}

/// A service that runs only under a compose profile says so in the table.
#[test]
fn the_table_shows_a_services_profiles() {
    let dir = tree(&[(
        "compose.yml",
        "services:\n  redis:\n    image: redis:7\n  relay:\n    image: x/relay\n    profiles: [feature-complete]\n    environment:\n      REDIS_URL: redis://redis:6379\n  web:\n    image: x/web\n    environment:\n      REDIS_URL: redis://redis:6379\n",
    )]);
    let run = fallout_in(dir.path(), &["scan", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.lines().any(|l| l
            .trim_start()
            .starts_with("relay (profile feature-complete)  ")),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .lines()
            .any(|l| l.trim_start().starts_with("web  ")),
        "{}",
        run.stdout
    );
}

/// What the code review of the ignored-files reading found, each mended:
/// a build context's ignored build output is not read; an ignored
/// override alone in an ignored folder is no project; an ignored compose
/// file its folder's `COMPOSE_FILE` names is merged.
#[test]
fn ignored_files_are_read_only_where_a_project_names_them() {
    let dir = tree(&[
        (".gitignore", ".env\ndocker-compose.prod.yml\nold/\n"),
        (
            "docker-compose.yml",
            "services:\n  cache:\n    image: redis:7\n  web:\n    build: ./web\n",
        ),
        (".env", "COMPOSE_FILE=docker-compose.yml:docker-compose.prod.yml\n"),
        (
            "docker-compose.prod.yml",
            "services:\n  worker:\n    image: x/worker\n    environment:\n      REDIS_URL: redis://cache:6379\n",
        ),
        ("web/.gitignore", "config/local.yml\n"),
        ("web/config/local.yml", "redis:\n  url: redis://legacy-redis:6379\n"),
        (
            "old/docker-compose.override.yml",
            "services:\n  stale:\n    image: x/stale\n    environment:\n      REDIS_URL: redis://cache:6379\n",
        ),
    ]);
    let doc = scan_json(dir.path());
    assert_eq!(
        crate::support::ids(&doc),
        ["docker-compose.yml#cache"],
        "{doc:#}"
    );
    let names: Vec<&str> = crate::support::resource(&doc, "docker-compose.yml#cache")["consumers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["worker"], "{doc:#}");
    assert!(
        !doc["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "compose-file-missing"),
        "{doc:#}"
    );
}

/// The official image started by a mounted script that passes
/// `--requirepass "$REDIS_PASSWORD"` requires a password: the script's
/// words are what the server is told.
#[test]
fn a_script_that_starts_the_server_tells_it_its_password() {
    let manifests = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: start\ndata:\n  start.sh: |\n    exec redis-server --requirepass \"$REDIS_PASSWORD\"\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: back\nspec:\n  selector: {matchLabels: {app: back}}\n  template:\n    metadata: {labels: {app: back}}\n    spec:\n      containers:\n      - name: back\n        image: redis:7\n        command: [\"sh\", \"/scripts/start.sh\"]\n        env:\n        - name: REDIS_PASSWORD\n          valueFrom:\n            secretKeyRef: {name: auth, key: password}\n        volumeMounts:\n        - {name: scripts, mountPath: /scripts}\n      volumes:\n      - name: scripts\n        configMap: {name: start}\n---\n";
    let all = format!(
        "{manifests}{BACK_SERVICE}---\n{}",
        deployment("web", "x/web", &[("REDIS_HOST", "back")], "")
    );
    let out = verdict_of(&[("app.yaml", &all)], "back", "auth=required");
    assert!(
        out.contains("the server already requires a password (app.yaml:7)"),
        "{out}"
    );
}

/// redis-cli's `-h` ends with its command however the script separates
/// them: a line break, `|`, `&&` written against the words.
#[test]
fn redis_cli_flags_end_at_a_line_break_or_a_pipe() {
    let block = "        command:\n        - sh\n        - -c\n        - |\n          redis-cli -h back ping\n          grep -h pattern /etc/hosts\n";
    let piped = "        args: [\"redis-cli -h back ping|grep -h other /etc/hosts\"]\n";
    let manifests = [
        deployment("back", "redis", &[], ""),
        BACK_SERVICE.to_string(),
        deployment("probe", "busybox", &[], block),
        deployment("piped", "busybox", &[], piped),
    ]
    .join("---\n");
    let dir = tree(&[("app.yaml", &manifests)]);
    let doc = scan_json(dir.path());
    assert_eq!(crate::support::ids(&doc), ["default/back"], "{doc:#}");
    assert_eq!(
        crate::support::resource(&doc, "default/back")["consumers"]
            .as_array()
            .unwrap()
            .len(),
        2,
        "{doc:#}"
    );
}

/// A bare TARGET that is the name of a Redis the scan defines names it,
/// even when a consumer elsewhere wrote that name as a short host
/// (`redis`, kept as the external `redis.default`).
#[test]
fn a_defined_servers_name_wins_over_an_external_short_name() {
    let server = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: redis\n  namespace: shop\nspec:\n  serviceName: redis\n  selector: {matchLabels: {app: redis}}\n  template:\n    metadata: {labels: {app: redis}}\n    spec:\n      containers:\n      - name: redis\n        image: redis:7\n";
    let manifests = [
        server.to_string(),
        deployment("web", "x/web", &[("REDIS_HOST", "redis")], ""),
    ]
    .join("---\n");
    let dir = tree(&[("app.yaml", &manifests)]);
    let run = fallout_in(
        dir.path(),
        &["impact", "redis", ".", "--set", "tls=required"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("impact: tls=required on shop/redis\n"),
        "{}",
        run.stdout
    );
}

/// Under `tls=preferred` a Dapr component is told to set `enableTLS`, its
/// own switch, not to move to a `rediss://` URL it does not have.
#[test]
fn a_dapr_component_is_told_its_own_tls_switch_under_preferred() {
    let run = crate::support::fallout(&[
        "impact",
        "redis.shop",
        "fixtures/dapr-keda",
        "--set",
        "tls=preferred",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("set `enableTLS: \"true\"` in its metadata before tls=required"),
        "{}",
        run.stdout
    );
    for line in run
        .stdout
        .lines()
        .filter(|l| l.contains("pubsub.yaml") || l.contains("statestore.yaml"))
    {
        assert!(!line.contains("rediss://"), "{line}");
    }
}

/// An ignored override that does not parse is said at its file and line,
/// as any compose file is (exit 0; `--strict` makes it exit 2).
#[test]
fn an_ignored_file_that_does_not_parse_is_said_at_its_line() {
    let files = [
        (".gitignore", "docker-compose.override.yml\n"),
        (
            "docker-compose.yml",
            "services:\n  redis:\n    image: redis:7\n",
        ),
        (
            "docker-compose.override.yml",
            "services:\n  web: [unclosed\n",
        ),
    ];
    let dir = tree(&files);
    let run = fallout_in(dir.path(), &["scan", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("error: docker-compose.override.yml:3:1: while parsing a flow sequence"),
        "{}",
        run.stdout
    );
    let strict = fallout_in(dir.path(), &["scan", ".", "--strict"]);
    assert_eq!(strict.code, 2, "{}", strict.stderr);
}

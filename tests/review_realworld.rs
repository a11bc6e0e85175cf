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

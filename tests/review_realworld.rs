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

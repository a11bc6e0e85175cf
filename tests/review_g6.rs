//! Review G6: a sixth independent generator, modelled on how real charts
//! and applications wire Redis (Bitnami, redis-ha, GitLab, Sentry, Harbor,
//! Mastodon, …), found these wrong answers. Each test is one, on the
//! manifests that showed it (`tests/data/review-g6/`).

use crate::support::{consumers, fallout, ids, json, resource};

fn dir(case: &str) -> String {
    format!("{}/tests/data/review-g6/{case}", env!("CARGO_MANIFEST_DIR"))
}

/// A host whose name merely contains "redis" was taken for an external
/// Redis under keys that do not say Redis and on ports that are not
/// Redis's: a Postgres at `DATABASE_HOST=redis-audit-db` +
/// `DATABASE_PORT=5432`, an exporter's `shop-redis-exporter:9121`.
#[test]
fn a_redis_word_in_a_host_name_is_not_enough() {
    let doc = json(&["scan", &dir("redis-word-in-hostname")]);
    assert_eq!(ids(&doc), Vec::<String>::new(), "{doc:#}");
}

/// GitLab's chart mounts `resque.yml.erb` and `cable.yml.erb` and renders
/// them at start-up: they were read only as text, so the URL naming the
/// Sentinel master group (`redis://:<%= … %>@mymaster`) became an external
/// Redis `mymaster.git` and the real Redis, behind the Sentinels, had no
/// consumer. Read as the YAML they render (control lines blank), both files
/// reach it through `jobs:26379`, Action Cable's `adapter: redis` included.
#[test]
fn erb_templates_are_read_as_the_files_they_render() {
    let doc = json(&["scan", &dir("resque-erb-sentinels-unread")]);
    assert_eq!(ids(&doc), ["git/jobs-node"], "{doc:#}");
    let jobs = resource(&doc, "git/jobs-node");
    assert_eq!(
        consumers(jobs, "via"),
        [(
            "git/Deployment/webservice".to_string(),
            r#"["jobs:26379 (git/jobs)"]"#.to_string()
        )]
    );
    let evidence = jobs["consumers"][0]["evidence"].to_string();
    assert!(evidence.contains("resque.yml"), "{evidence}");
    assert!(evidence.contains("cable.yml"), "{evidence}");
    assert!(!evidence.contains("redis-password"), "{evidence}");
}

/// In a plain `resque.yml`, an ERB tag in the master URL's password kept
/// the URL from naming the master group: an extra external Redis
/// `mymaster.git` beside the right link through the Sentinels.
#[test]
fn an_erb_password_keeps_the_master_group_a_name() {
    let run = fallout(&["scan", &dir("resque-sentinels-master-as-host")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("mymaster"), "{}", run.stdout);
    let doc = json(&["scan", &dir("resque-sentinels-master-as-host")]);
    assert_eq!(ids(&doc), ["git/jobs-node"]);
}

/// A Prometheus scrape target is reached by the scraper over HTTP; a
/// `redis://` one (redis_exporter's multi-target `/scrape`) is the
/// exporter's to connect to. Prometheus was reported as the Redis's
/// consumer.
#[test]
fn prometheus_scrape_targets_are_no_connections() {
    let doc = json(&["scan", &dir("prometheus-multi-target")]);
    let cache = resource(&doc, "shop/cache");
    assert_eq!(
        consumers(cache, "strength"),
        [("shop/Deployment/api".to_string(), "explicit".to_string())]
    );
}

/// The same template in an application's repository
/// (`config/resque.yml.erb`): read as the YAML it renders, both branches
/// of its `<% if %>` in the text giving no duplicate-key warning.
#[test]
fn an_erb_template_in_a_repository_is_read_as_its_yaml() {
    let run = fallout(&["scan", &dir("erb-in-a-repo")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("yaml-duplicate-key"), "{}", run.stderr);
    let doc = json(&["scan", &dir("erb-in-a-repo")]);
    assert_eq!(ids(&doc), ["sentinel-a.example.internal"], "{doc:#}");
    assert!(!doc.to_string().contains("mymaster."), "{doc:#}");
}

/// A template that is not YAML once its control lines are blanked (an
/// unclosed flow sequence inside an `<% if %>`) is reported with its path
/// and the line the parser stopped at, never skipped in silence; `--strict`
/// fails on it.
#[test]
fn a_broken_erb_template_is_reported_not_skipped() {
    let run = fallout(&["scan", &dir("erb-broken")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The report lists it among its diagnostics; stderr says the scan is
    // incomplete.
    assert!(
        run.stdout
            .contains("billing/config/cable.yml.erb:6:1: while parsing a flow sequence"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("it was not read [config-parse]"),
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains("1 input error above"), "{}", run.stderr);
    let strict = fallout(&["scan", &dir("erb-broken"), "--strict"]);
    assert_eq!(strict.code, 2, "{}", strict.stderr);
}

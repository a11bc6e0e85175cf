//! Applications known only by their config files (fixtures/app-*).

mod common;

use common::{
    assert_no_secret, diagnostics, files, fixture, hints, load, reference_scopes, references,
    workloads,
};
use fallout_scan::projects::scan_projects;

#[test]
fn framework_spellings_and_look_alikes() {
    let s = scan_projects(&load(&fixture("app-frameworks")));
    assert_eq!(
        references(&s),
        [
            // Spring Boot 3 with `ssl.enabled`, and a Spring Boot 2 .properties
            "app:billing -> billing-redis.internal:6380 tls=yes explicit billing/src/main/resources/application.yml:4 | spring.data.redis.host + spring.data.redis.port = billing-redis.internal:6380",
            "app:billing -> legacy-redis.internal:6379 tls=unknown inferred billing/src/main/resources/application-legacy.properties:2 | spring.redis.host (in the document for profile legacy: whether it is active is not known) + spring.redis.port = legacy-redis.internal:6379",
            // Rails Action Cable: only the `adapter: redis` environment
            "app:chat -> chat-redis:6379 db=1 tls=no explicit chat/config/cable.yml:3 | production.url = redis://chat-redis:6379/1",
            // GitLab config/redis.<name>.yml
            "app:gitlab -> gitlab-cache.internal:6380 tls=yes explicit gitlab/config/redis.cache.yml:2 | production.url = rediss://gitlab-cache.internal:6380",
            // Grafana connstr options, only because `type = redis`
            "app:grafana -> grafana-redis:6379 db=0 tls=no explicit grafana/grafana.ini:3 | remote_cache.connstr addr = grafana-redis:6379",
            // Sentry's sentry.conf.py: a Python dict, read with its keys
            "app:sentry -> sentry-redis:6379 db=0 tls=unknown explicit sentry/sentry.conf.py:5 | SENTRY_OPTIONS.redis.clusters.default.hosts.0.host + SENTRY_OPTIONS.redis.clusters.default.hosts.0.port = sentry-redis:6379",
            // Laravel: REDIS_SCHEME=tls is the TLS flag; REDIS_CLIENT=predis is no host
            "app:shop -> shop-redis.internal:6380 tls=yes explicit shop/.env:3 | REDIS_HOST + REDIS_PORT = shop-redis.internal:6380 [credential shop/.env:6]",
            // Celery and Django CACHES in settings.py, the commented-out broker skipped
            "app:tasks -> tasks-redis:6379 db=0 tls=no explicit tasks/settings.py:2 | CELERY_BROKER_URL = redis://tasks-redis:6379/0",
            "app:tasks -> tasks-redis:6379 db=1 tls=no explicit tasks/settings.py:3 | CACHES.default.LOCATION = redis://tasks-redis:6379/1",
            // ioredis `tls: {}` turns TLS on
            "app:web -> web-redis:6379 tls=yes explicit web/config/default.json:3 | redis.host + redis.port = web-redis:6379",
            // TOML with lines
            "app:worker -> queue-redis:6379 tls=no explicit worker/config.toml:2 | queue.redis.url = redis://queue-redis:6379",
        ]
    );
    assert_eq!(
        workloads(&s),
        [
            "app:billing",
            "app:chat",
            "app:gitlab",
            "app:grafana",
            "app:sentry",
            "app:shop",
            "app:tasks",
            "app:web",
            "app:worker"
        ]
    );
    assert!(reference_scopes(&s).iter().all(|l| l.ends_with(" in none")));
    assert!(hints(&s).is_empty());
    assert!(diagnostics(&s).is_empty(), "{:?}", diagnostics(&s));
    // Look-alikes: dependency names, .env.example, docs, tests, data.
    for not in [
        "example-redis",
        "docs-redis",
        "localhost",
        "old-",
        "predis",
        "tokio-comp",
        "127.0.0.1",
        "7.1.1",
    ] {
        assert!(
            !references(&s).iter().any(|r| r.contains(not)),
            "{not} was taken for a consumer"
        );
    }
    assert_no_secret(&s, &["laravel-secret"]);
}

/// docs/scanners.md lists every framework of the spelling tables.
#[test]
fn docs_list_every_spelling() {
    let docs = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/scanners.md"),
    )
    .expect("docs/scanners.md");
    let section = docs
        .split("## Service configs and docker-compose")
        .nth(1)
        .expect("a `## Service configs and docker-compose` section");
    let frameworks = fallout_scan::frameworks::FILES
        .iter()
        .map(|f| (f.framework, f.path))
        .chain(
            fallout_scan::frameworks::KEYS
                .iter()
                .map(|k| (k.framework, k.key)),
        );
    for (framework, what) in frameworks {
        assert!(
            section.contains(framework),
            "docs/scanners.md does not name {framework} ({what})"
        );
    }
    for glob in fallout_scan::frameworks::FILES
        .iter()
        .map(|f| f.path.trim_start_matches("**/"))
    {
        assert!(
            section.contains(&format!("`{glob}`")),
            "docs/scanners.md does not list `{glob}`"
        );
    }
}

/// A Helm chart's `values.yaml` is input to templates the scan does not
/// render: what it holds is inferred, said as such, not a setting the app
/// is shown to use. The same file outside a chart stays explicit.
#[test]
fn chart_values_are_inferred() {
    let file = |path: &str, text: &str| fallout_scan::SourceFile {
        path: path.into(),
        text: text.into(),
    };
    let values = "externalRedis:\n  host: queue.prod.internal\n  port: 6380\n  tls: true\n";
    let s = scan_projects(&[
        file(
            "charts/worker/Chart.yaml",
            "apiVersion: v2\nname: worker\nversion: 1.0.0\n",
        ),
        file("charts/worker/values.yaml", values),
        file("tools/values.yaml", values),
    ]);
    assert_eq!(
        references(&s),
        [
            "app:charts/worker -> queue.prod.internal:6380 tls=yes inferred charts/worker/values.yaml:2 | externalRedis.host + externalRedis.port = queue.prod.internal:6380 (a Helm chart's values: whether its templates pass it to a container is not read; render the chart to know)",
            "app:tools -> queue.prod.internal:6380 tls=yes explicit tools/values.yaml:2 | externalRedis.host + externalRedis.port = queue.prod.internal:6380",
        ]
    );
}

/// Scenario review (CI gate): a change file and its approvals kept in the
/// scanned tree (`changes/tls.yaml`) name the Redis in `rollback:` and a
/// note; they are fallout's own input, not an app that uses it (the gate
/// failed on a consumer `app:changes`).
#[test]
fn fallout_change_and_approvals_files_are_no_app() {
    let change = "change: Enforce TLS\ntarget: redis-sessions.cache\nset:\n  tls: required\nrollback: clients go back to redis://redis-sessions.cache:6379\n";
    let approvals = "approvals:\n  - consumer: api/Deployment/events-api\n    by: lead\n    note: moves to rediss://redis-sessions.cache:6380\n";
    // An app config that happens to have a `target:` key is still read.
    let app = "target: prod\nredis:\n  url: redis://cache:6379\n";
    let s = scan_projects(&files(&[
        ("changes/tls.yaml", change),
        ("changes/tls.approvals.yaml", approvals),
        ("svc/config.yaml", app),
    ]));
    assert_eq!(
        references(&s),
        ["app:svc -> cache:6379 tls=no explicit svc/config.yaml:3 | redis.url = redis://cache:6379"]
    );
}

/// Scenario review #2 M3: Laravel's `config/database.php` falls back to
/// `127.0.0.1` when `REDIS_HOST` is unset, but the app's own `.env` sets
/// it: the fallback is no link (it was an at-risk consumer of 127.0.0.1).
/// Without a `.env` setting the variable, the fallback stays, inferred.
#[test]
fn a_fallback_the_apps_own_dotenv_overrides_is_no_link() {
    let php = "<?php\nreturn [\n  'redis' => [\n    'default' => [\n      'host' => env('REDIS_HOST', '127.0.0.1'),\n      'port' => env('REDIS_PORT', '6379'),\n    ],\n  ],\n];\n";
    let s = scan_projects(&files(&[
        ("shop/composer.json", "{}\n"),
        ("shop/config/database.php", php),
        ("shop/.env", "REDIS_HOST=redis\nREDIS_PORT=6379\n"),
        ("blog/composer.json", "{}\n"),
        ("blog/config/database.php", php),
    ]));
    let refs = references(&s);
    assert!(
        refs.iter()
            .any(|r| r.starts_with("app:shop -> redis:6379 ")
                && r.contains(" explicit shop/.env:1 ")),
        "{refs:#?}"
    );
    assert!(
        !refs.iter().any(|r| r.starts_with("app:shop -> 127.0.0.1")),
        "{refs:#?}"
    );
    assert!(
        refs.iter()
            .any(|r| r.starts_with("app:blog -> 127.0.0.1:6379 ") && r.contains(" inferred ")),
        "{refs:#?}"
    );
}

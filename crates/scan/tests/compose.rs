//! The compose fixtures: one story each (see each folder's README.md).

mod common;

use common::{
    assert_no_secret, diagnostics, fixture, hints, load, reference_scopes, references, servers,
    workloads,
};
use fallout_scan::projects::scan_projects;
use fallout_scan::Scanned;

fn scan(name: &str) -> Scanned {
    scan_projects(&load(&fixture(name)))
}

#[test]
fn anchors_override_and_per_instance_tls() {
    let s = scan("compose-anchors-override");
    assert_eq!(
        servers(&s),
        [
            "docker-compose.yml#cache port=6379 tls-port=- auth=true aliases=cache,shop-cache",
            "docker-compose.yml#sessions port=- tls-port=6380 auth=false aliases=sessions",
        ]
    );
    assert_eq!(
        references(&s),
        [
            // scheduler's own SESSION_REDIS_HOST wins over the env_file's and pairs with its port
            "docker-compose.yml#scheduler -> sessions:6380 tls=yes explicit docker-compose.yml:19 | env SESSION_REDIS_HOST + SESSION_REDIS_PORT = sessions:6380",
            "docker-compose.yml#scheduler -> shop-cache:6379 tls=no indirect env/app.env:6 | env_file env/app.env: CACHE_REDIS_HOST + CACHE_REDIS_PORT = shop-cache:6379 [credential env/app.env:9]",
            "docker-compose.yml#web -> sessions:6380 tls=yes indirect env/app.env:2 | env_file env/app.env: SESSION_REDIS_HOST + SESSION_REDIS_PORT = sessions:6380",
            // from the override file
            "docker-compose.yml#web -> shop-cache:6379 db=3 tls=no explicit docker-compose.override.yml:4 | env RATE_LIMIT_URL = redis://shop-cache:6379/3",
            "docker-compose.yml#web -> shop-cache:6379 tls=no indirect env/app.env:6 | env_file env/app.env: CACHE_REDIS_HOST + CACHE_REDIS_PORT = shop-cache:6379 [credential env/app.env:9]",
            "docker-compose.yml#worker -> sessions:6380 tls=yes indirect env/app.env:2 | env_file env/app.env: SESSION_REDIS_HOST + SESSION_REDIS_PORT = sessions:6380",
            "docker-compose.yml#worker -> shop-cache:6379 tls=no indirect env/app.env:6 | env_file env/app.env: CACHE_REDIS_HOST + CACHE_REDIS_PORT = shop-cache:6379 [credential env/app.env:9]",
        ]
    );
    assert!(hints(&s).is_empty());
    assert!(diagnostics(&s).is_empty(), "{:?}", diagnostics(&s));
    assert!(
        !references(&s).iter().any(|r| r.contains("old-cache")),
        "commented-out settings count"
    );
    assert_no_secret(&s, &["s3cr3t-cache-pw"]);
}

#[test]
fn interpolation_through_the_project_env() {
    let s = scan("compose-interpolation");
    assert_eq!(
        servers(&s),
        [
            "compose.yaml#cache port=6379 tls-port=- auth=false aliases=cache",
            "compose.yaml#queue port=6379 tls-port=- auth=false aliases=queue",
        ]
    );
    assert_eq!(
        references(&s),
        [
            "compose.yaml#api -> cache:6379 db=0 tls=no indirect compose.yaml:10 | env CACHE_URL with ${CACHE_HOST} from .env = redis://cache:6379/0",
            "compose.yaml#api -> cache:6379 tls=unknown explicit compose.yaml:11 | env FALLBACK_REDIS_HOST = cache",
            "compose.yaml#api -> cache:6379 tls=unknown indirect .env:5 | env EMPTY_REDIS_HOST from .env = cache",
            // bare `- QUEUE_ADDR`; `.env` says `queue:${QUEUE_PORT}`. The key does not say
            // Redis: it counts because `queue` is this project's Redis.
            "compose.yaml#api -> queue:6379 tls=unknown indirect .env:3 | env QUEUE_ADDR from .env = queue:6379",
        ]
    );
    assert_eq!(
        hints(&s),
        [
            "compose.yaml#api ~> any redis in compose:compose.yaml inferred compose.yaml:13 | env LOCK_REDIS_URL is set from the shell environment, not known when scanning",
            "compose.yaml#billing ~> any redis in compose:compose.yaml inferred compose.yaml:22 | env REDIS_URL is set from the shell environment, not known when scanning",
        ]
    );
    // optional.env is `required: false`: no diagnostic for it.
    assert_eq!(
        diagnostics(&s),
        [
            "error compose-env-file-missing compose.yaml:20",
            "warning compose-variable-unset compose.yaml:22"
        ]
    );
    assert!(s
        .diagnostics
        .iter()
        .any(|d| d.message.contains("missing.env")));
}

#[test]
fn mounted_files_extends_and_aliases() {
    let s = scan("compose-mounted-config");
    assert_eq!(
        servers(&s),
        [
            // redis.conf: `port 0`, `tls-port 6380`, `requirepass`
            "compose.yaml#redis-primary port=- tls-port=6380 auth=true aliases=redis-primary,shop-redis,redis-main,legacy-redis",
            "compose.yaml#redis-replica port=6379 tls-port=- auth=false aliases=redis-replica",
            "compose.yaml#sentinel port=26379 tls-port=- auth=false aliases=sentinel",
        ]
    );
    assert_eq!(
        references(&s),
        [
            "compose.yaml#admin -> redis-main:6380 tls=yes indirect admin/settings/cache.ini:2 | mounted ./admin/settings/cache.ini: redis.host + redis.port = redis-main:6380",
            // `--tls-replication yes` and sentinel.conf's `tls-replication yes` say TLS
            "compose.yaml#redis-replica -> redis-primary:6380 tls=yes explicit compose.yaml:12 | command --replicaof = redis-primary:6380",
            "compose.yaml#reports -> shop-redis:6380 db=1 tls=yes explicit common.yml:5 | env CELERY_BROKER_URL = rediss://shop-redis:6380/1",
            "compose.yaml#sentinel -> redis-primary:6380 tls=yes indirect redis/sentinel.conf:2 | mounted ./redis/sentinel.conf: sentinel.monitor = redis-primary:6380 [credential redis/sentinel.conf:3]",
            "compose.yaml#storefront -> legacy-redis:6380 tls=yes indirect storefront/config/app.yml:3 | mounted ./storefront/config/app.yml: cache.redis.host + cache.redis.port = legacy-redis:6380",
        ]
    );
    assert_eq!(
        hints(&s),
        [
            "compose.yaml#reports ~> redis-primary in compose:compose.yaml inferred compose.yaml:28 | depends_on redis-primary",
            "compose.yaml#storefront ~> redis-primary in compose:compose.yaml inferred compose.yaml:22 | links redis-primary:legacy-redis",
        ]
    );
    // common.yml is only extended from: not a project; the mounted app.yml
    // belongs to storefront, not to an `app` consumer.
    assert_eq!(
        workloads(&s),
        [
            "compose.yaml#admin",
            "compose.yaml#redis-primary",
            "compose.yaml#redis-replica",
            "compose.yaml#reports profiles=reports",
            "compose.yaml#sentinel",
            "compose.yaml#storefront",
        ]
    );
    assert!(diagnostics(&s).is_empty(), "{:?}", diagnostics(&s));
    assert_no_secret(&s, &["change-me-in-prod"]);
}

#[test]
fn two_projects_are_two_scopes() {
    let s = scan("compose-two-projects");
    assert_eq!(
        servers(&s),
        [
            "blog/docker-compose.yml#redis port=6390 tls-port=- auth=false aliases=redis",
            "shop/compose.yaml#redis port=6379 tls-port=- auth=false aliases=redis",
        ]
    );
    assert_eq!(
        references(&s),
        [
            "blog/docker-compose.yml#app -> redis:6390 tls=no explicit blog/docker-compose.yml:7 | env REDIS_HOST + REDIS_PORT = redis:6390",
            "shop/compose.yaml#app -> redis:6379 db=0 tls=no explicit shop/compose.yaml:7 | env REDIS_URL = redis://redis:6379/0",
        ]
    );
    assert_eq!(
        reference_scopes(&s),
        [
            "blog/docker-compose.yml#app in compose:blog/docker-compose.yml",
            "shop/compose.yaml#app in compose:shop/compose.yaml",
        ]
    );
}

#[test]
fn bad_input_is_reported_and_the_rest_scanned() {
    let s = scan("compose-bad-input");
    assert_eq!(
        diagnostics(&s),
        [
            "error compose-env-file-missing docker-compose.yml:9",
            "error env-parse app.env:3",
            "error json-parse svc2/config/settings.json:4",
            "error toml-parse svc/config.toml:3",
            "error yaml-parse broken/compose.yaml:5",
        ]
    );
    for d in &s.diagnostics {
        assert!(
            d.col.is_some() || d.code == "compose-env-file-missing",
            "{d}"
        );
        assert!(
            d.message.contains("; "),
            "a diagnostic says what to do: {d}"
        );
    }
    assert_eq!(
        references(&s),
        ["docker-compose.yml#app -> redis:6379 tls=unknown indirect app.env:1 | env_file app.env: REDIS_HOST + REDIS_PORT = redis:6379 [credential app.env:2]"]
    );
    assert_eq!(
        servers(&s),
        ["docker-compose.yml#redis port=6379 tls-port=- auth=true aliases=redis"]
    );
    assert_no_secret(&s, &["hunter2"]);
}

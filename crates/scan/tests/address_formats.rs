//! Review H5: Redis address formats the endpoint finder missed, one
//! scenario each, through the compose and app scanners (inputs after
//! `/tmp/h3-repro`: s28 schemes, s27 Outline, s15 Django, s18 Gitea, s06
//! GitLab).

mod common;

use common::{assert_no_secret, files, references};
use fallout_scan::projects::scan_projects;

fn refs(list: &[(&str, &str)]) -> Vec<String> {
    references(&scan_projects(&files(list)))
}

/// Predis `tcp://` / `tls://` under Redis keys; `tcp://` under another key
/// counts only where it names a Redis of the project.
#[test]
fn predis_tcp_and_tls_schemes() {
    let compose = "services:\n  redis:\n    image: redis:7\n  postgres:\n    image: postgres:16\n  php-predis:\n    image: x/php\n    environment:\n      REDIS_DSN: tcp://redis:6379?database=2\n  php-tls:\n    image: x/php\n    environment:\n      REDIS_URL: tls://redis:6380\n  other:\n    image: x/php\n    environment:\n      DATABASE_URL: tcp://postgres:5432\n      AMQP: tcp://rabbit:5672\n";
    assert_eq!(
        refs(&[("docker-compose.yml", compose)]),
        [
            "docker-compose.yml#php-predis -> redis:6379 db=2 tls=no explicit docker-compose.yml:9 | env REDIS_DSN = tcp://redis:6379?database=2",
            "docker-compose.yml#php-tls -> redis:6380 tls=yes explicit docker-compose.yml:13 | env REDIS_URL = tls://redis:6380",
        ]
    );
}

/// Outline's `REDIS_URL=ioredis://<base64 JSON>` in its env_file: the
/// sentinels of its master group, with its password kept out of sight.
#[test]
fn outline_ioredis_base64_options() {
    let env = "NODE_ENV=production\nDATABASE_URL=postgres://user:pass@postgres:5432/outline\n# REDIS_URL=redis://redis:6379\nREDIS_URL=ioredis://eyJkYiI6MCwic2VudGluZWxzIjpbeyJob3N0Ijoic2VudGluZWwtMC5jYWNoZS5pbnRlcm5hbCIsInBvcnQiOjI2Mzc5fSx7Imhvc3QiOiJzZW50aW5lbC0xLmNhY2hlLmludGVybmFsIiwicG9ydCI6MjYzNzl9XSwibmFtZSI6Im91dGxpbmUtbWFzdGVyIn0=\n";
    let compose = "services:\n  outline:\n    image: outlinewiki/outline:0.78.0\n    env_file: ./docker.env\n";
    let said = refs(&[("docker-compose.yml", compose), ("docker.env", env)]);
    assert_eq!(said.len(), 2, "{said:#?}");
    assert!(said[0].starts_with("docker-compose.yml#outline -> sentinel-0.cache.internal:26379 db=0 tls=no indirect docker.env:4 | env_file ./docker.env: REDIS_URL = ioredis://… (base64 JSON: redis+sentinel://"), "{said:#?}");
    assert!(
        said[1].starts_with("docker-compose.yml#outline -> sentinel-1.cache.internal:26379"),
        "{said:#?}"
    );
    // A password in the options shows as `***`, never as itself or base64.
    use base64::Engine;
    let json = r#"{"host":"cache.internal","port":6379,"password":"0utl1neSecret"}"#;
    let encoded = base64::engine::general_purpose::STANDARD.encode(json);
    let s = scan_projects(&files(&[
        ("docker-compose.yml", compose),
        ("docker.env", &format!("REDIS_URL=ioredis://{encoded}\n")),
    ]));
    assert_eq!(
        references(&s),
        ["docker-compose.yml#outline -> cache.internal:6379 tls=no indirect docker.env:1 | env_file ./docker.env: REDIS_URL = ioredis://… (base64 JSON: redis://:***@cache.internal:6379) [credential docker.env:1]"]
    );
    assert_no_secret(&s, &["0utl1neSecret", &encoded]);
}

/// channels_redis `hosts` tuples count by their port, as any address in a
/// settings file does; URLs and `address` maps too.
#[test]
fn django_channels_hosts() {
    let settings = "CHANNEL_LAYERS = {\n    \"default\": {\n        \"BACKEND\": \"channels_redis.core.RedisChannelLayer\",\n        \"CONFIG\": {\"hosts\": [(\"channels.prod.internal\", 6379)]},\n    },\n    \"pubsub\": {\n        \"BACKEND\": \"channels_redis.pubsub.RedisPubSubChannelLayer\",\n        \"CONFIG\": {\"hosts\": [{\"address\": (\"pubsub.prod.internal\", 6390)}, \"rediss://tls.prod.internal:6380/0\"]},\n    },\n}\n";
    assert_eq!(
        refs(&[("backend/requirements.txt", "channels\n"), ("backend/myproject/settings.py", settings)]),
        [
            "app:backend -> channels.prod.internal:6379 tls=unknown explicit backend/myproject/settings.py:4 | CHANNEL_LAYERS.default.CONFIG.hosts = channels.prod.internal:6379",
            "app:backend -> pubsub.prod.internal:6390 tls=unknown explicit backend/myproject/settings.py:8 | CHANNEL_LAYERS.pubsub.CONFIG.hosts.0.address = pubsub.prod.internal:6390",
            "app:backend -> tls.prod.internal:6380 db=0 tls=yes explicit backend/myproject/settings.py:8 | CHANNEL_LAYERS.pubsub.CONFIG.hosts = rediss://tls.prod.internal:6380/0",
        ]
    );
}

/// Gitea's three Redis settings: a URL and two macaron option strings,
/// each a line a port move must list.
#[test]
fn gitea_macaron_option_strings() {
    let compose = "services:\n  redis:\n    image: redis:7\n  gitea:\n    image: gitea/gitea:1.22\n    environment:\n      - GITEA__cache__ADAPTER=redis\n      - GITEA__cache__HOST=redis://redis:6379/0?pool_size=100&idle_timeout=180s\n      - GITEA__session__PROVIDER=redis\n      - GITEA__session__PROVIDER_CONFIG=network=tcp,addr=redis:6379,db=1,pool_size=100,idle_timeout=180\n      - GITEA__queue__TYPE=redis\n      - GITEA__queue__CONN_STR=addr=redis:6379 db=2\n  other:\n    image: x/y\n    environment:\n      - GITEA__queue__TYPE=level\n      - GITEA__queue__CONN_STR=addr=redis:6379\n";
    assert_eq!(
        refs(&[("docker-compose.yml", compose)]),
        [
            "docker-compose.yml#gitea -> redis:6379 db=0 tls=no explicit docker-compose.yml:8 | env GITEA__cache__HOST = redis://redis:6379/0?pool_size=100&idle_timeout=180s",
            "docker-compose.yml#gitea -> redis:6379 db=1 tls=unknown explicit docker-compose.yml:10 | env GITEA__session__PROVIDER_CONFIG (GITEA__session__PROVIDER_CONFIG addr) = redis:6379",
            "docker-compose.yml#gitea -> redis:6379 db=2 tls=unknown explicit docker-compose.yml:12 | env GITEA__queue__CONN_STR (GITEA__queue__CONN_STR addr) = redis:6379",
        ]
    );
}

/// GitLab `resque.yml`: the URL beside `sentinels:` is the master group's
/// name, not a host; the sentinels carry its password.
#[test]
fn gitlab_resque_with_sentinels() {
    let resque = "production:\n  url: redis://:gitlabPersistentPw@gitlab-redis-persistent\n  sentinels:\n    -\n      host: redis-sentinel-1.internal\n      port: 26379\n    -\n      host: redis-sentinel-2.internal\n      port: 26379\n";
    let s = scan_projects(&files(&[
        ("gitlab-rails/Gemfile", ""),
        ("gitlab-rails/config/resque.yml", resque),
    ]));
    assert_eq!(
        references(&s),
        [
            "app:gitlab-rails -> redis-sentinel-1.internal:26379 tls=no explicit gitlab-rails/config/resque.yml:5 | production.sentinels.0.host + redis.production.sentinels.0.port = redis-sentinel-1.internal:26379 (sentinel of master gitlab-redis-persistent) [credential gitlab-rails/config/resque.yml:2]",
            "app:gitlab-rails -> redis-sentinel-2.internal:26379 tls=no explicit gitlab-rails/config/resque.yml:8 | production.sentinels.1.host + redis.production.sentinels.1.port = redis-sentinel-2.internal:26379 (sentinel of master gitlab-redis-persistent) [credential gitlab-rails/config/resque.yml:2]",
        ]
    );
    assert_no_secret(&s, &["gitlabPersistentPw"]);
}

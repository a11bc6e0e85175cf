//! A compose service's `build:` context holds its configuration: a config
//! file there is the service's, read in its project (so `cache` is the
//! project's Redis), never an `app` of its own with an external `cache`.
//! Written to fail on the scanner that left such files to the app scan.

mod common;

use common::{diagnostics, files, fixture, load, reference_scopes, references, workloads};
use fallout_scan::projects::scan_projects;

const SETTINGS: &str = "{\"redis\": {\"addr\": \"cache:6379\"}}\n";

#[test]
fn the_fixture_attributes_each_context_to_the_services_built_from_it() {
    let s = scan_projects(&load(&fixture("compose-build-context")));
    assert_eq!(
        references(&s),
        [
            "docker-compose.yml#feed -> cache:6379 tls=unknown explicit docker-compose.yml:6 | command -redis-addr = cache:6379",
            "docker-compose.yml#feed -> cache:6379 tls=unknown indirect svc/feed/settings.json:1 | in build context ./svc/feed/settings.json (copied into the image by svc/feed/Dockerfile:8): redis.addr = cache:6379",
            "docker-compose.yml#web -> cache:6379 tls=unknown inferred svc/web/config/default.json:1 | in build context ./svc/web/config/default.json (not copied by svc/web/docker/Dockerfile: whether the image holds it is not known): session.redis.host + session.redis.port = cache:6379",
            "docker-compose.yml#worker -> cache:6379 tls=unknown indirect svc/feed/settings.json:1 | in build context ./svc/feed/settings.json (copied into the image by svc/feed/Dockerfile:8): redis.addr = cache:6379",
        ]
    );
    // read in the project's scope, so `cache` is its Redis, and no app
    assert_eq!(
        reference_scopes(&s),
        [
            "docker-compose.yml#feed in compose:docker-compose.yml",
            "docker-compose.yml#web in compose:docker-compose.yml",
            "docker-compose.yml#worker in compose:docker-compose.yml",
        ]
    );
    assert_eq!(
        workloads(&s),
        [
            "docker-compose.yml#cache",
            "docker-compose.yml#feed",
            "docker-compose.yml#web",
            "docker-compose.yml#worker",
        ]
    );
    assert_eq!(diagnostics(&s), Vec::<String>::new());
}

#[test]
fn short_and_long_forms() {
    let compose = "services:
  cache: {image: redis:7}
  short:
    build: ./short
  long:
    build:
      context: ./long
      dockerfile: build/app.Dockerfile
      target: run
  bare:
    build: {dockerfile: Dockerfile.bare}
";
    let s = scan_projects(&files(&[
        ("compose.yaml", compose),
        ("short/settings.json", SETTINGS),
        ("short/Dockerfile", "FROM x\nCOPY settings.json /app/\n"),
        ("long/config/app.yml", "redis:\n  host: cache\n"),
        (
            "long/build/app.Dockerfile",
            "FROM x AS run\nCOPY config /app/config\nFROM run AS debug\n",
        ),
        // `build:` without a context builds the compose file's folder
        ("Dockerfile.bare", "FROM x\nCOPY top.yml /\n"),
        ("top.yml", "redis_url: redis://cache:6379/2\n"),
    ]));
    assert_eq!(
        references(&s),
        [
            "compose.yaml#bare -> cache:6379 db=2 tls=no indirect top.yml:1 | in build context ./top.yml (copied into the image by Dockerfile.bare:2): redis_url = redis://cache:6379/2",
            "compose.yaml#long -> cache:6379 tls=unknown indirect long/config/app.yml:2 | in build context ./long/config/app.yml (copied into the image by long/build/app.Dockerfile:2): redis.host = cache",
            "compose.yaml#short -> cache:6379 tls=unknown indirect short/settings.json:1 | in build context ./short/settings.json (copied into the image by short/Dockerfile:2): redis.addr = cache:6379",
        ]
    );
    assert!(!workloads(&s).iter().any(|w| w.starts_with("app:")));
}

#[test]
fn a_file_the_dockerfile_does_not_copy_is_only_inferred() {
    let compose = "services:
  cache: {image: redis:7}
  api: {build: ./api}
  jobs: {build: ./jobs}
";
    let s = scan_projects(&files(&[
        ("compose.yaml", compose),
        // a builder stage copies everything; the image only the binary
        (
            "api/Dockerfile",
            "FROM golang AS build\nCOPY . .\nFROM scratch\nCOPY --from=build /api /api\n",
        ),
        ("api/settings.json", SETTINGS),
        // source code is the service's, but inferred, as in a mounted folder
        (
            "api/main.js",
            "const redis = require('redis');\nredis.createClient({url: 'redis://cache:6379/3'});\n",
        ),
        // no Dockerfile in the scan at all
        ("jobs/settings.json", SETTINGS),
    ]));
    assert_eq!(
        references(&s),
        [
            "compose.yaml#api -> cache:6379 db=3 tls=no inferred api/main.js:2 | in build context ./api/main.js (not copied by api/Dockerfile: whether the image holds it is not known) (code in the build context: whether this service runs it is not known) = redis://cache:6379/3",
            "compose.yaml#api -> cache:6379 tls=unknown inferred api/settings.json:1 | in build context ./api/settings.json (not copied by api/Dockerfile: whether the image holds it is not known): redis.addr = cache:6379",
            "compose.yaml#jobs -> cache:6379 tls=unknown inferred jobs/settings.json:1 | in build context ./jobs/settings.json (no Dockerfile scanned: whether the image holds it is not known): redis.addr = cache:6379",
        ]
    );
    assert!(!workloads(&s).iter().any(|w| w.starts_with("app:")));
}

#[test]
fn services_sharing_a_context_share_its_config() {
    let compose = "services:
  cache: {image: redis:7}
  feed:
    build: ./svc/feed
    command: [\"/feed\", \"-redis-addr\", \"cache:6379\"]
  worker:
    build: ./svc/feed
    command: /feed worker
";
    let s = scan_projects(&files(&[
        ("docker-compose.yml", compose),
        ("svc/feed/settings.json", SETTINGS),
        ("svc/feed/Dockerfile", "FROM golang\n"),
    ]));
    let from_settings: Vec<String> = references(&s)
        .into_iter()
        .filter(|r| r.contains("svc/feed/settings.json:1"))
        .map(|r| r.split(" | ").next().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        from_settings,
        [
            "docker-compose.yml#feed -> cache:6379 tls=unknown inferred svc/feed/settings.json:1",
            "docker-compose.yml#worker -> cache:6379 tls=unknown inferred svc/feed/settings.json:1",
        ]
    );
    // the context is no app with an external `cache`, and nothing is unresolved
    assert_eq!(
        workloads(&s),
        [
            "docker-compose.yml#cache",
            "docker-compose.yml#feed",
            "docker-compose.yml#worker",
        ]
    );
    assert_eq!(diagnostics(&s), Vec::<String>::new());
}

#[test]
fn compose_files_manifests_and_charts_in_a_context_are_not_its_config() {
    let compose = "services:
  cache: {image: redis:7}
  api:
    build: .
";
    let manifest = "apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      containers:
        - name: api
          env:
            - {name: REDIS_URL, value: \"redis://prod-redis:6379\"}
";
    let chart = "apiVersion: v1
kind: ConfigMap
metadata: {name: {{ .Release.Name }}}
data:
  REDIS_URL: redis://{{ .Values.redis.host }}:6379
";
    let other_compose = "services:
  tool:
    image: alpine
    environment: {REDIS_URL: \"redis://elsewhere:6379\"}
";
    let s = scan_projects(&files(&[
        ("compose.yaml", compose),
        ("Dockerfile", "FROM x\nCOPY . /app\n"),
        ("deploy/api.yaml", manifest),
        ("chart/templates/cm.yaml", chart),
        ("tools/docker-compose.yml", other_compose),
        ("config/app.yml", "redis:\n  host: cache\n"),
    ]));
    let api: Vec<String> = references(&s)
        .into_iter()
        .filter(|r| r.starts_with("compose.yaml#api"))
        .collect();
    assert_eq!(
        api,
        ["compose.yaml#api -> cache:6379 tls=unknown indirect config/app.yml:2 | in build context ./config/app.yml (copied into the image by Dockerfile:2): redis.host = cache"]
    );
    // the other compose file is its own project, as before
    assert!(references(&s)
        .iter()
        .any(|r| r.starts_with("tools/docker-compose.yml#tool -> elsewhere:6379")));
}

#[test]
fn a_remote_context_is_not_a_folder_of_the_tree() {
    let compose = "services:
  cache: {image: redis:7}
  a:
    build: https://github.com/example/svc.git#main:svc
  b:
    build:
      context: git@github.com:example/svc.git
  c:
    build: /opt/src/svc
  local:
    build: ./local
";
    let s = scan_projects(&files(&[
        ("compose.yaml", compose),
        ("svc/settings.json", SETTINGS),
        ("svc/Dockerfile", "FROM x\nCOPY . .\n"),
        ("local/settings.json", SETTINGS),
        ("local/Dockerfile", "FROM x\nCOPY . .\n"),
    ]));
    // only the local context is read; no service reads svc/, which stays
    // an app of its own, as before
    assert_eq!(
        references(&s)
            .iter()
            .map(|r| r.split(" | ").next().unwrap_or(""))
            .collect::<Vec<_>>(),
        [
            "app:svc -> cache:6379 tls=unknown explicit svc/settings.json:1",
            "compose.yaml#local -> cache:6379 tls=unknown indirect local/settings.json:1",
        ]
    );
    assert!(workloads(&s).contains(&"app:svc".to_string()));
}

#[test]
fn a_context_that_is_also_mounted_is_read_as_mounted() {
    let compose = "services:
  cache: {image: redis:7}
  web:
    build: ./web
    volumes:
      - ./web:/srv/web
  jobs:
    build: ./web
";
    let s = scan_projects(&files(&[
        ("compose.yaml", compose),
        ("web/Dockerfile", "FROM x\nCOPY . .\n"),
        ("web/settings.json", SETTINGS),
    ]));
    // once each: `web` sees the mount, `jobs` (not mounting it) the image
    assert_eq!(
        references(&s),
        [
            "compose.yaml#jobs -> cache:6379 tls=unknown indirect web/settings.json:1 | in build context ./web/settings.json (copied into the image by web/Dockerfile:2): redis.addr = cache:6379",
            "compose.yaml#web -> cache:6379 tls=unknown indirect web/settings.json:1 | mounted ./web/settings.json: redis.addr = cache:6379",
        ]
    );
    assert!(!workloads(&s).iter().any(|w| w.starts_with("app:")));
}

#[test]
fn in_a_monorepo_built_from_the_root_each_image_has_what_it_copies() {
    let compose = "services:
  cache: {image: redis:7}
  sessions: {image: redis:7}
  api:
    build: {context: ., dockerfile: apps/api/Dockerfile}
  web:
    build: {context: ., dockerfile: apps/web/Dockerfile}
";
    let s = scan_projects(&files(&[
        ("compose.yaml", compose),
        ("apps/api/Dockerfile", "FROM x\nCOPY apps/api /app\n"),
        ("apps/web/Dockerfile", "FROM x\nCOPY apps/web /app\n"),
        ("apps/api/settings.json", SETTINGS),
        (
            "apps/web/settings.json",
            "{\"redis\": {\"addr\": \"sessions:6379\"}}\n",
        ),
        // copied by neither: maybe either's
        ("shared/redis.yml", "redis:\n  host: cache\n"),
    ]));
    assert_eq!(
        references(&s)
            .iter()
            .map(|r| r.split(" | ").next().unwrap_or(""))
            .collect::<Vec<_>>(),
        [
            "compose.yaml#api -> cache:6379 tls=unknown indirect apps/api/settings.json:1",
            "compose.yaml#api -> cache:6379 tls=unknown inferred shared/redis.yml:2",
            "compose.yaml#web -> cache:6379 tls=unknown inferred shared/redis.yml:2",
            "compose.yaml#web -> sessions:6379 tls=unknown indirect apps/web/settings.json:1",
        ]
    );
}

#[test]
fn an_override_that_sets_only_the_target_keeps_the_context() {
    let base = "services:\n  cache: {image: redis:7}\n  api:\n    build: ./api\n";
    let over = "services:\n  api:\n    build:\n      target: dev\n";
    let s = scan_projects(&files(&[
        ("compose.yaml", base),
        ("compose.override.yaml", over),
        (
            "api/Dockerfile",
            "FROM x AS dev\nCOPY settings.json /\nFROM x AS prod\n",
        ),
        ("api/settings.json", SETTINGS),
    ]));
    assert_eq!(
        references(&s),
        ["compose.yaml#api -> cache:6379 tls=unknown indirect api/settings.json:1 | in build context ./api/settings.json (copied into the image by api/Dockerfile:2): redis.addr = cache:6379"]
    );
}

/// Scenario review (Mastodon): `build: .` with `env_file: .env.production`
/// in that folder. The env file is the service's environment, not also a
/// config file its image may hold (its password was cited as "in build
/// context ./.env.production", and impact said "in in build context").
#[test]
fn an_env_file_in_the_build_context_is_read_as_the_env_file_only() {
    let compose = "services:\n  redis:\n    image: redis:7-alpine\n  web:\n    build: .\n    image: ghcr.io/mastodon/mastodon:v4.2.8\n    env_file: .env.production\n";
    let env = "REDIS_HOST=redis\nREDIS_PORT=6379\nREDIS_PASSWORD=Masto-Pw-77\n";
    let s = scan_projects(&files(&[
        ("docker-compose.yml", compose),
        (".env.production", env),
    ]));
    assert_eq!(
        references(&s),
        ["docker-compose.yml#web -> redis:6379 tls=unknown indirect .env.production:1 | env_file .env.production: REDIS_HOST + REDIS_PORT = redis:6379 [credential .env.production:3]"]
    );
    common::assert_no_secret(&s, &["Masto-Pw-77"]);
}

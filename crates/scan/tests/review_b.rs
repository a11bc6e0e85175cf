//! Regressions from independent review B: a Spring profile document merged
//! into the default one, a django-redis `OPTIONS.PASSWORD` not seen as the
//! endpoint's credential, Bitnami's `REDIS_MASTER_PORT_NUMBER` not paired
//! with `REDIS_MASTER_HOST`.

mod common;

use common::{assert_no_secret, files, references};
use fallout_core::{Fact, Origin};
use fallout_scan::k8s::Options;
use fallout_scan::projects::scan_projects;
use fallout_scan::{scan_files, Scanned};

const SPRING_PROFILES: &str = "\
spring:
  application:
    name: orders
  data:
    redis:
      host: orders-cache.prod.example.net
      port: 6380
      password: Leak-b-05-xyz
      ssl:
        enabled: true
  datasource:
    url: jdbc:postgresql://orders-db:5432/orders
---
spring:
  config:
    activate:
      on-profile: local
  data:
    redis:
      host: localhost
      port: 6379
      ssl:
        enabled: false
";

/// s05: the `local` profile's port and TLS flag were read as the default
/// document's, so production was reported as plaintext 6379.
#[test]
fn spring_profile_document_does_not_merge_into_the_default_one() {
    let s = scan_projects(&files(&[
        ("orders-service/pom.xml", ""),
        (
            "orders-service/src/main/resources/application.yml",
            SPRING_PROFILES,
        ),
    ]));
    assert_eq!(
        references(&s),
        [
            // The profile inherits the default's password, as Spring does.
            // Inferred: whether `local` is active is not known (review H4).
            "app:orders-service -> localhost:6379 tls=no inferred orders-service/src/main/resources/application.yml:20 | spring.data.redis.host (in the document for profile local: whether it is active is not known) + spring.data.redis.port = localhost:6379 [credential orders-service/src/main/resources/application.yml:8]",
            "app:orders-service -> orders-cache.prod.example.net:6380 tls=yes explicit orders-service/src/main/resources/application.yml:6 | spring.data.redis.host + spring.data.redis.port = orders-cache.prod.example.net:6380 [credential orders-service/src/main/resources/application.yml:8]",
        ]
    );
    assert_no_secret(&s, &["Leak-b-05-xyz"]);
}

/// The legacy `spring.profiles: local` condition, in a ConfigMap file a
/// container mounts: the same separation, wherever the file is read.
#[test]
fn legacy_spring_profiles_document_in_a_mounted_file() {
    let legacy = SPRING_PROFILES
        .replace(
            "  config:\n    activate:\n      on-profile: local\n",
            "  profiles: local\n\n\n",
        )
        // a container's `localhost` is its own pod, not this file's story
        .replace("localhost", "orders-cache.dev.example.net");
    let manifest = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: orders-config\n  namespace: shop\ndata:\n  application.yml: |\n{}---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: orders\n  namespace: shop\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: shop/orders:1\n          volumeMounts:\n            - name: config\n              mountPath: /config\n      volumes:\n        - name: config\n          configMap:\n            name: orders-config\n",
        legacy
            .lines()
            .map(|l| format!("    {l}\n"))
            .collect::<String>()
    );
    let s = scan_files(
        &files(&[("k8s/orders.yaml", &manifest)]),
        Vec::new(),
        &Options::default(),
    );
    let refs = references(&s);
    let prod: Vec<&String> = refs
        .iter()
        .filter(|r| r.contains("orders-cache.prod"))
        .collect();
    assert_eq!(prod.len(), 1, "{refs:#?}");
    assert!(
        prod[0].contains("orders-cache.prod.example.net:6380 tls=yes"),
        "{refs:#?}"
    );
    assert!(
        refs.iter()
            .any(|r| r.contains("orders-cache.dev.example.net:6379 tls=no")
                && r.contains("(in the document for profile local")),
        "{refs:#?}"
    );
    assert_no_secret(&s, &["Leak-b-05-xyz"]);
}

/// s08: django-redis takes the password from `OPTIONS.PASSWORD`.
#[test]
fn django_redis_options_password_is_the_locations_credential() {
    let settings = r#"import os

CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://django-cache.svc.example.com:6379/1",
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "PASSWORD": "Leak-b-08-xyz",
        },
    },
    "pooled": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://pooled-cache:6379/2",
        "OPTIONS": {"CONNECTION_POOL_KWARGS": {"password": "Leak-b-08-pool"}},
    },
    "sessions": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://sessions-cache:6379/3",
    },
}
"#;
    let s = scan_projects(&files(&[
        ("backend/requirements.txt", "django-redis\n"),
        ("backend/mysite/settings.py", settings),
    ]));
    assert_eq!(
        references(&s),
        [
            "app:backend -> django-cache.svc.example.com:6379 db=1 tls=no explicit backend/mysite/settings.py:6 | CACHES.default.LOCATION = redis://django-cache.svc.example.com:6379/1 [credential backend/mysite/settings.py:9]",
            "app:backend -> pooled-cache:6379 db=2 tls=no explicit backend/mysite/settings.py:14 | CACHES.pooled.LOCATION = redis://pooled-cache:6379/2 [credential backend/mysite/settings.py:15]",
            // another cache's options are not this one's
            "app:backend -> sessions-cache:6379 db=3 tls=no explicit backend/mysite/settings.py:19 | CACHES.sessions.LOCATION = redis://sessions-cache:6379/3",
        ]
    );
    let located: Vec<&str> = s
        .facts
        .iter()
        .filter_map(|f| match f {
            Fact::Reference(r) => r.credential.as_ref().map(|c| c.location.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        located,
        [
            "CACHES.default.OPTIONS.PASSWORD",
            "CACHES.pooled.OPTIONS.CONNECTION_POOL_KWARGS.password"
        ]
    );
    assert_no_secret(&s, &["Leak-b-08-xyz", "Leak-b-08-pool"]);
}

const BITNAMI_REPLICAS: &str = "\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: my-redis-replicas
  namespace: data
spec:
  serviceName: my-redis-headless
  template:
    spec:
      containers:
        - name: redis
          image: docker.io/bitnami/redis:7.2.4-debian-12-r9
          env:
            - name: REDIS_REPLICATION_MODE
              value: replica
            - name: REDIS_MASTER_HOST
              value: my-redis-master-0.my-redis-headless.data.svc.cluster.local
            - name: REDIS_MASTER_PORT_NUMBER
              value: \"6390\"
            - name: REDIS_PORT_NUMBER
              value: \"6379\"
";

fn replica_links(s: &Scanned) -> Vec<(String, Option<u16>, Option<Origin>)> {
    s.facts
        .iter()
        .filter_map(|f| match f {
            Fact::Reference(r) if r.endpoint.host.starts_with("my-redis-master-0") => Some((
                r.evidence.detail.clone(),
                r.endpoint.port,
                r.port_origin.clone(),
            )),
            _ => None,
        })
        .collect()
}

/// s01: a Bitnami replica's `REDIS_MASTER_PORT_NUMBER` is its master's
/// port, cited at the line of its value; the replica's own `REDIS_PORT_NUMBER`
/// is not.
#[test]
fn bitnami_master_port_number_pairs_with_master_host() {
    let s = scan_files(
        &files(&[("redis.yaml", BITNAMI_REPLICAS)]),
        Vec::new(),
        &Options::default(),
    );
    assert_eq!(
        replica_links(&s),
        [(
            "env REDIS_MASTER_HOST + REDIS_MASTER_PORT_NUMBER = my-redis-master-0.my-redis-headless.data.svc.cluster.local:6390".to_string(),
            Some(6390),
            Some(Origin::file("redis.yaml", 19)),
        )]
    );
}

/// A profile document that sets only the host is laid over the default
/// one: it connects with the default's port, TLS and password (review E:
/// it was judged plaintext 6379 without a password, so `auth=required`
/// said it breaks). The default never takes the profile's settings.
#[test]
fn a_profile_document_inherits_what_it_leaves_out() {
    let text = "spring:\n  data:\n    redis:\n      host: localhost\n      port: 6380\n      password: Leak-e-1\n      ssl:\n        enabled: true\n---\nspring:\n  config:\n    activate:\n      on-profile: prod\n  data:\n    redis:\n      host: redis-prod.example.com\n";
    let s = scan_projects(&files(&[
        ("svc/pom.xml", ""),
        ("svc/src/main/resources/application.yml", text),
    ]));
    assert_eq!(
        references(&s),
        [
            "app:svc -> localhost:6380 tls=yes explicit svc/src/main/resources/application.yml:4 | spring.data.redis.host + spring.data.redis.port = localhost:6380 [credential svc/src/main/resources/application.yml:6]",
            "app:svc -> redis-prod.example.com:6380 tls=yes inferred svc/src/main/resources/application.yml:16 | spring.data.redis.host (in the document for profile prod: whether it is active is not known) + spring.data.redis.port = redis-prod.example.com:6380 [credential svc/src/main/resources/application.yml:6]",
        ]
    );
    assert_no_secret(&s, &["Leak-e-1"]);
}

//! Regressions from independent review B: a Spring profile document merged
//! into the default one.

mod common;

use common::{assert_no_secret, references};
use fallout_scan::k8s::Options;
use fallout_scan::projects::scan_projects;
use fallout_scan::{scan_files, SourceFile};

fn files(list: &[(&str, &str)]) -> Vec<SourceFile> {
    list.iter()
        .map(|(path, text)| SourceFile {
            path: path.to_string(),
            text: text.to_string(),
        })
        .collect()
}

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
            "app:orders-service -> localhost:6379 tls=no explicit orders-service/src/main/resources/application.yml:20 | ---2.spring.data.redis.host + ---2.spring.data.redis.port = localhost:6379",
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
            .any(|r| r.contains("orders-cache.dev.example.net:6379 tls=no") && r.contains("---2.")),
        "{refs:#?}"
    );
    assert_no_secret(&s, &["Leak-b-05-xyz"]);
}

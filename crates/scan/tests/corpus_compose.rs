//! Real compose projects from `../shared/corpus`, with the consumers of each
//! Redis written down from reading the files.

mod common;

use common::{
    assert_no_secret, corpus, diagnostics, hints, load, reference_scopes, references, servers,
    workloads,
};
use fallout_scan::projects::scan_projects;
use fallout_scan::Scanned;

fn scan(name: &str) -> Scanned {
    scan_projects(&load(&corpus(name)))
}

/// netbox-docker: three NetBox services share `env_file: env/netbox.env`
/// through the `&netbox` anchor; two valkeys, each with its own TLS flag
/// (`REDIS_SSL`, `REDIS_CACHE_SSL`) and password in that file.
#[test]
fn netbox_docker() {
    let s = scan("netbox-docker");
    assert_eq!(
        servers(&s),
        [
            "docker-compose.yml#redis port=6379 tls-port=- auth=true aliases=redis",
            "docker-compose.yml#redis-cache port=6379 tls-port=- auth=true aliases=redis-cache",
        ]
    );
    assert_eq!(
        workloads(&s),
        [
            "docker-compose.yml#netbox",
            "docker-compose.yml#netbox-housekeeping",
            "docker-compose.yml#netbox-worker",
            "docker-compose.yml#postgres",
            "docker-compose.yml#redis",
            "docker-compose.yml#redis-cache",
        ]
    );
    let mut expected = Vec::new();
    for service in ["netbox", "netbox-housekeeping", "netbox-worker"] {
        expected.push(format!(
            "docker-compose.yml#{service} -> redis-cache:6379 db=1 tls=no indirect env/netbox.env:22 | env_file env/netbox.env: REDIS_CACHE_HOST = redis-cache [credential env/netbox.env:24]"
        ));
        expected.push(format!(
            "docker-compose.yml#{service} -> redis:6379 db=0 tls=no indirect env/netbox.env:27 | env_file env/netbox.env: REDIS_HOST = redis [credential env/netbox.env:29]"
        ));
    }
    assert_eq!(references(&s), expected);
    // The worker and housekeeping override depends_on with `netbox` only.
    assert_eq!(
        hints(&s),
        [
            "docker-compose.yml#netbox ~> redis in compose:docker-compose.yml inferred docker-compose.yml:6 | depends_on redis",
            "docker-compose.yml#netbox ~> redis-cache in compose:docker-compose.yml inferred docker-compose.yml:7 | depends_on redis-cache",
        ]
    );
    assert!(diagnostics(&s).is_empty(), "{:?}", diagnostics(&s));
    // Passwords of env/*.env: read to find credentials, never shown.
    assert_no_secret(
        &s,
        &[
            "H733Kdjndks81",
            "t4Ph722qJ5QHeQ1qfu36",
            "J5brHrAXFLQSif0K",
            "r(m)9nLGnz",
        ],
    );
}

/// paperless-ngx: seven alternative projects in one folder, each with a
/// valkey called `broker` and a webserver told `PAPERLESS_REDIS`.
/// docker-compose.env has every setting commented out; the Portainer
/// variant names a `stack.env` that is not there.
#[test]
fn paperless_ngx() {
    let s = scan("paperless-ngx");
    let projects = [
        ("mariadb-tika", 65, 53),
        ("mariadb", 59, 49),
        ("portainer", 57, 48),
        ("postgres-tika", 63, 51),
        ("postgres", 57, 47),
        ("sqlite-tika", 53, 41),
        ("sqlite", 44, 34),
    ];
    let file = |p: &str| format!("docker/compose/docker-compose.{p}.yml");
    let mut want_servers: Vec<String> = projects
        .iter()
        .map(|(p, _, _)| {
            format!(
                "{}#broker port=6379 tls-port=- auth=false aliases=broker",
                file(p)
            )
        })
        .collect();
    want_servers.sort();
    assert_eq!(servers(&s), want_servers);
    let mut want_refs: Vec<String> = projects
        .iter()
        .map(|(p, line, _)| {
            let f = file(p);
            format!("{f}#webserver -> broker:6379 tls=no explicit {f}:{line} | env PAPERLESS_REDIS = redis://broker:6379")
        })
        .collect();
    want_refs.sort();
    assert_eq!(references(&s), want_refs);
    let mut want_hints: Vec<String> = projects
        .iter()
        .map(|(p, _, line)| {
            let f = file(p);
            format!(
                "{f}#webserver ~> broker in compose:{f} inferred {f}:{line} | depends_on broker"
            )
        })
        .collect();
    want_hints.sort();
    assert_eq!(hints(&s), want_hints);
    // Each project is its own scope.
    assert_eq!(reference_scopes(&s).len(), 7);
    assert!(reference_scopes(&s).iter().all(|l| {
        let (consumer, scope) = l.split_once(" in compose:").expect("compose scope");
        consumer.starts_with(scope)
    }));
    assert_eq!(
        diagnostics(&s),
        ["error compose-env-file-missing docker/compose/docker-compose.portainer.yml:61"]
    );
    let missing = &s.diagnostics[0].message;
    assert!(
        missing.contains("stack.env") && missing.contains("required: false"),
        "{missing}"
    );
    // The commented-out PAPERLESS_REDIS of paperless.conf.example is no app.
    assert!(!references(&s).iter().any(|r| r.contains("localhost")));
}

/// otel-demo: the cart gets `VALKEY_ADDR` as a bare `- VALKEY_ADDR`,
/// resolved through `.env` where it is `valkey-cart:${VALKEY_PORT}`; the
/// valkey's image is `${VALKEY_IMAGE}` from `.env` too. The two overlay
/// files patch services of compose.yaml and join its project. Grafana's
/// mounted grafana.ini mentions Redis only in comments.
#[test]
fn otel_demo() {
    let s = scan("otel-demo");
    assert_eq!(
        servers(&s),
        ["compose.yaml#valkey-cart port=6379 tls-port=- auth=false aliases=valkey-cart"]
    );
    assert_eq!(
        references(&s),
        ["compose.yaml#cart -> valkey-cart:6379 tls=unknown indirect .env:154 | env VALKEY_ADDR from .env = valkey-cart:6379"]
    );
    assert_eq!(
        hints(&s),
        ["compose.yaml#cart ~> valkey-cart in compose:compose.yaml inferred compose.yaml:105 | depends_on valkey-cart"]
    );
    let ws = workloads(&s);
    assert_eq!(ws.len(), 28, "{ws:?}");
    assert!(ws.iter().all(|w| w.starts_with("compose.yaml#")), "{ws:?}");
    for overlay_only in [
        "compose.yaml#grafana",
        "compose.yaml#kafka",
        "compose.yaml#accounting",
    ] {
        assert!(
            ws.iter().any(|w| w == overlay_only),
            "{overlay_only} missing"
        );
    }
    assert!(diagnostics(&s).is_empty(), "{:?}", diagnostics(&s));
    assert_no_secret(
        &s,
        &["astronomy_password", "monitoring_password", "changeit"],
    );
}

/// voting-app: the code holds the Redis host, so the compose files only say
/// `depends_on: redis` (inferred, never explicit). Four separate projects;
/// the Swarm stack file has no depends_on at all; `seed` has a profile.
/// The Kubernetes manifests next to them are not app config.
#[test]
fn voting_app() {
    let s = scan("voting-app");
    assert_eq!(
        servers(&s),
        [
            "docker-compose.images.yml#redis port=6379 tls-port=- auth=false aliases=redis",
            "docker-compose.yml#redis port=6379 tls-port=- auth=false aliases=redis",
            "docker-stack.yml#redis port=6379 tls-port=- auth=false aliases=redis",
            "result/docker-compose.test.yml#redis port=6379 tls-port=- auth=false aliases=redis",
        ]
    );
    assert!(references(&s).is_empty(), "{:?}", references(&s));
    assert_eq!(
        hints(&s),
        [
            "docker-compose.images.yml#vote ~> redis in compose:docker-compose.images.yml inferred docker-compose.images.yml:11 | depends_on redis",
            "docker-compose.images.yml#worker ~> redis in compose:docker-compose.images.yml inferred docker-compose.images.yml:33 | depends_on redis",
            "docker-compose.yml#vote ~> redis in compose:docker-compose.yml inferred docker-compose.yml:11 | depends_on redis",
            "docker-compose.yml#worker ~> redis in compose:docker-compose.yml inferred docker-compose.yml:47 | depends_on redis",
            "result/docker-compose.test.yml#result ~> redis in compose:result/docker-compose.test.yml inferred result/docker-compose.test.yml:28 | depends_on redis",
            "result/docker-compose.test.yml#vote ~> redis in compose:result/docker-compose.test.yml inferred result/docker-compose.test.yml:18 | depends_on redis",
            "result/docker-compose.test.yml#worker ~> redis in compose:result/docker-compose.test.yml inferred result/docker-compose.test.yml:37 | depends_on redis",
        ]
    );
    assert!(workloads(&s).contains(&"docker-compose.yml#seed profiles=seed".to_string()));
    assert!(
        !workloads(&s).iter().any(|w| w.starts_with("app:")),
        "{:?}",
        workloads(&s)
    );
    assert!(diagnostics(&s).is_empty(), "{:?}", diagnostics(&s));
}

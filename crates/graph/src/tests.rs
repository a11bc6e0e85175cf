//! Tests of identity resolution and the impact engine, on facts built by
//! hand: a sessions cache in namespace `cache` reached by every kind of
//! name, two compose projects that both call their Redis `redis`, an
//! external host, hints of each kind and a live client list.

use crate::*;
use fallout_core::*;
use std::collections::BTreeMap;

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn kube(ns: &str, kind: &str, name: &str) -> ConsumerId {
    ConsumerId::kube(ns, kind, name)
}

fn workload(id: ConsumerId, pod_labels: &[(&str, &str)], owner: Option<&str>) -> Workload {
    let scope = match (&id.namespace, &id.file) {
        (Some(ns), _) => Scope::Namespace(ns.clone()),
        (None, Some(file)) => Scope::Compose(file.clone()),
        _ => Scope::None,
    };
    Workload {
        id,
        pod_labels: labels(pod_labels),
        labels: owner.map(|o| labels(&[("team", o)])).unwrap_or_default(),
        defined_at: Origin::file("manifests.yaml", 1),
        server: None,
        aliases: Vec::new(),
        scope,
        profiles: Vec::new(),
        proxy: None,
    }
}

fn redis(mut w: Workload, port: Option<u16>, tls_port: Option<u16>) -> Workload {
    w.server = Some(RedisServer {
        image: "redis:7".into(),
        port,
        tls_port,
        unixsocket: None,
        password_secrets: vec![("redis-auth".into(), "password".into())],
        requires_auth: true,
        config_unread: false,
        auth_origin: None,
        sentinel: false,
    });
    w
}

fn port(port: u16, target: Option<u16>, name: Option<&str>) -> ServicePort {
    ServicePort {
        name: None,
        port,
        target_port: target,
        target_port_name: name.map(Into::into),
    }
}

fn service(ns: &str, name: &str, selector: &[(&str, &str)], ports: Vec<ServicePort>) -> Service {
    Service {
        namespace: ns.into(),
        name: name.into(),
        selector: Some(labels(selector)),
        ports,
        headless: false,
        external_name: None,
        cluster_ips: Vec::new(),
        labels: BTreeMap::new(),
        defined_at: Origin::file(format!("{ns}/services.yaml"), 5),
        to_side_containers: false,
    }
}

fn external_name(ns: &str, name: &str, target: &str) -> Service {
    Service {
        selector: None,
        ports: Vec::new(),
        external_name: Some(target.into()),
        ..service(ns, name, &[], Vec::new())
    }
}

/// A reference from `consumer` written as `text` (a URL or `host:port`) at `path:line`.
fn reference(consumer: ConsumerId, scope: Scope, text: &str, path: &str, line: u32) -> Fact {
    let endpoint = Endpoint::parse_url(text)
        .map(|mut e| e.remove(0))
        .unwrap_or_else(|| {
            let (host, port) = fallout_core::endpoint::split_host_port(text).unwrap();
            Endpoint::plain(&host, port, text)
        });
    Fact::Reference(Reference {
        consumer,
        scope,
        endpoint,
        evidence: Evidence::new(
            Strength::Explicit,
            Origin::file(path, line),
            format!("env REDIS_URL = {text}"),
        ),
        credential: None,
        port_origin: None,
        same_network_as: None,
    })
}

fn ns(name: &str) -> Scope {
    Scope::Namespace(name.into())
}

fn hint(consumer: ConsumerId, target: HintTarget, path: &str) -> Fact {
    Fact::Hint(Hint {
        consumer,
        target,
        evidence: Evidence::new(Strength::Inferred, Origin::file(path, 7), "hinted"),
    })
}

fn pod(ip: &str, workload: ConsumerId) -> Fact {
    Fact::Pod(PodAddress {
        ip: ip.into(),
        workload,
        host_network: false,
        origin: Origin::file("pods.json", 1),
    })
}

fn client(addr: &str, tls: bool, flags: &str) -> Fact {
    Fact::Client(ClientObservation {
        queried: None,
        server: "redis-sessions.cache:6379".into(),
        addr: addr.into(),
        first_seen: "2026-11-28T10:00:00Z".into(),
        last_seen: "2026-11-28T11:00:00Z".into(),
        samples: 3,
        tls: Some(tls),
        connections: 1,
        flags: Some(flags.into()),
        ..Default::default()
    })
}

const SHOP: &str = "shop/docker-compose.yml";
const BLOG: &str = "blog/docker-compose.yml";

fn sessions() -> ConsumerId {
    kube("cache", "StatefulSet", "redis-sessions")
}
fn events() -> ConsumerId {
    kube("api", "Deployment", "events-api")
}

fn world() -> Vec<Fact> {
    let app = [("app", "redis-sessions")];
    let mut server = redis(
        workload(
            sessions(),
            &[("app", "redis-sessions"), ("tier", "cache")],
            Some("platform"),
        ),
        Some(6379),
        Some(6380),
    );
    server.defined_at = Origin::file("cache/redis.yaml", 3);
    let mut main_svc = service(
        "cache",
        "redis-sessions",
        &app,
        vec![port(6379, Some(6379), None), port(6380, None, Some("tls"))],
    );
    main_svc.cluster_ips = vec!["10.96.0.10".into()];
    let mut headless = service(
        "cache",
        "redis-sessions-headless",
        &app,
        vec![port(6379, None, None)],
    );
    headless.headless = true;

    let mut shop_redis = redis(
        workload(ConsumerId::compose(SHOP, "redis"), &[], None),
        Some(6379),
        None,
    );
    shop_redis.aliases = vec!["cache".into()];
    let blog_redis = redis(
        workload(ConsumerId::compose(BLOG, "redis"), &[], None),
        Some(6379),
        None,
    );

    let mut events_ref = reference(
        events(),
        ns("api"),
        "redis://redis-sessions.cache:6379",
        "api/events.yaml",
        22,
    );
    if let Fact::Reference(r) = &mut events_ref {
        r.credential = Some(Credential {
            location: "Secret api/auth-cache key AUTH_CACHE_URL".into(),
            origin: Origin::file("api/events.yaml", 22),
            suspected: false,
        });
        r.evidence.strength = Strength::Indirect;
    }

    vec![
        Fact::Workload(server),
        Fact::Service(main_svc),
        Fact::Service(headless),
        Fact::Service(service(
            "cache",
            "redis-tls",
            &app,
            vec![port(443, None, Some("redis-tls"))],
        )),
        Fact::Service(external_name(
            "api",
            "sessions",
            "redis-sessions.cache.svc.cluster.local.",
        )),
        Fact::Service(external_name(
            "billing",
            "cache",
            "Sessions.API.svc.cluster.local",
        )),
        Fact::Service(external_name("ops", "a", "b.ops")),
        Fact::Service(external_name("ops", "b", "a.ops.svc")),
        Fact::Workload(workload(events(), &[("app", "events")], Some("scheduling"))),
        events_ref,
        reference(
            kube("cache", "Deployment", "warmer"),
            ns("cache"),
            "redis-sessions:6380",
            "cache/warmer.yaml",
            10,
        ),
        reference(
            kube("web", "Deployment", "frontend"),
            ns("web"),
            "redis-sessions.cache.svc.cluster.local:6379",
            "web/frontend.yaml",
            31,
        ),
        reference(
            kube("ops", "Deployment", "debugger"),
            ns("ops"),
            "redis://legacy:s3cret@10.96.0.10:6379",
            "ops/debug.yaml",
            4,
        ),
        reference(
            kube("billing", "Deployment", "invoices"),
            ns("billing"),
            "cache:6379",
            "billing/invoices.yaml",
            12,
        ),
        reference(
            kube("cache", "Deployment", "replica-reader"),
            ns("cache"),
            "redis-sessions-1.redis-sessions-headless.cache.svc.cluster.local:6379",
            "cache/reader.yaml",
            8,
        ),
        reference(
            kube("api", "Deployment", "tls-client"),
            ns("api"),
            "redis-tls.cache:443",
            "api/tls.yaml",
            3,
        ),
        reference(
            kube("api", "Deployment", "legacy"),
            ns("api"),
            "redis://Legacy-Redis.example.com.:6379",
            "api/legacy.yaml",
            9,
        ),
        reference(
            kube("api", "Deployment", "lost"),
            ns("api"),
            "redis:6379",
            "api/lost.yaml",
            2,
        ),
        reference(
            kube("api", "Deployment", "local"),
            ns("api"),
            "localhost:6379",
            "api/local.yaml",
            2,
        ),
        // A replica names its master: it is a consumer of the master, but
        // the master never consumes itself.
        reference(
            sessions(),
            ns("cache"),
            "redis-sessions:6379",
            "cache/redis.yaml",
            40,
        ),
        Fact::Workload(shop_redis),
        Fact::Workload(blog_redis),
        reference(
            ConsumerId::compose(SHOP, "web"),
            Scope::Compose(SHOP.into()),
            "redis://redis:6379",
            SHOP,
            12,
        ),
        reference(
            ConsumerId::compose(SHOP, "jobs"),
            Scope::Compose(SHOP.into()),
            "cache:6379",
            SHOP,
            20,
        ),
        reference(
            ConsumerId::compose(BLOG, "web"),
            Scope::Compose(BLOG.into()),
            "redis://redis:6379",
            BLOG,
            8,
        ),
        reference(
            ConsumerId::compose(BLOG, "admin"),
            Scope::Compose(BLOG.into()),
            "redis-sessions.cache:6379",
            BLOG,
            14,
        ),
        hint(
            kube("cache", "Deployment", "np-client"),
            HintTarget::PodSelector {
                namespace: "cache".into(),
                labels: labels(&[("tier", "cache")]),
            },
            "cache/netpol.yaml",
        ),
        hint(
            kube("cache", "CronJob", "backup"),
            HintTarget::SecretKey {
                namespace: "cache".into(),
                secret: "redis-auth".into(),
                key: "password".into(),
            },
            "cache/backup.yaml",
        ),
        hint(
            kube("cache", "Deployment", "mystery"),
            HintTarget::AnyInScope(ns("cache")),
            "cache/mystery.yaml",
        ),
        hint(
            events(),
            HintTarget::AnyInScope(ns("cache")),
            "api/events.yaml",
        ),
        hint(
            kube("empty", "Deployment", "nobody"),
            HintTarget::AnyInScope(ns("empty")),
            "empty/x.yaml",
        ),
        hint(
            ConsumerId::compose(SHOP, "worker"),
            HintTarget::Name {
                scope: Scope::Compose(SHOP.into()),
                host: "redis".into(),
            },
            SHOP,
        ),
        hint(
            ConsumerId::compose(SHOP, "worker"),
            HintTarget::Name {
                scope: Scope::Compose(SHOP.into()),
                host: "postgres".into(),
            },
            SHOP,
        ),
        pod("10.1.2.3", events()),
        pod("10.1.5.5", sessions()),
        client("10.1.2.3:51000", false, "N"),
        client("10.9.9.9:4444", false, "N"),
        client("10.1.5.5:3333", false, "S"),
    ]
}

fn inventory() -> Inventory {
    build(&world(), &Options::default())
}

fn resource<'a>(inv: &'a Inventory, id: &str) -> &'a Resource {
    inv.resources
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("no resource {id}; have {:?}", ids(inv)))
}

fn ids(inv: &Inventory) -> Vec<&str> {
    inv.resources.iter().map(|r| r.id.as_str()).collect()
}

fn consumer<'a>(res: &'a Resource, id: &str) -> &'a Consumer {
    res.consumers
        .iter()
        .find(|c| c.id.to_string() == id)
        .unwrap_or_else(|| {
            let have: Vec<String> = res.consumers.iter().map(|c| c.id.to_string()).collect();
            panic!("no consumer {id} of {}; have {have:?}", res.id)
        })
}

fn has_consumer(res: &Resource, id: &str) -> bool {
    res.consumers.iter().any(|c| c.id.to_string() == id)
}

#[test]
fn resources_are_sorted_and_external_hosts_become_resources() {
    let inv = inventory();
    assert_eq!(
        ids(&inv),
        [
            "blog/docker-compose.yml#redis",
            "cache/redis-sessions",
            "legacy-redis.example.com",
            "localhost",
            "redis.api",
            "shop/docker-compose.yml#redis",
        ]
    );
    let legacy = resource(&inv, "legacy-redis.example.com");
    assert!(legacy.external);
    assert_eq!(legacy.port, Some(6379));
    assert_eq!(legacy.kind, "redis");
    // A short name written in namespace api that names no Service.
    assert!(resource(&inv, "redis.api").external);
    assert!(has_consumer(
        resource(&inv, "redis.api"),
        "api/Deployment/lost"
    ));
    // localhost never resolves to a cluster resource.
    assert!(has_consumer(
        resource(&inv, "localhost"),
        "api/Deployment/local"
    ));
}

#[test]
fn sessions_resource_has_every_alias() {
    let inv = inventory();
    let res = resource(&inv, "cache/redis-sessions");
    assert_eq!(res.name, "redis-sessions");
    assert_eq!(res.namespace.as_deref(), Some("cache"));
    assert_eq!(res.owner.as_deref(), Some("platform"));
    assert_eq!((res.port, res.tls_port), (Some(6379), Some(6380)));
    assert_eq!(res.defined_by, Some(Origin::file("cache/redis.yaml", 3)));
    for alias in [
        "redis-sessions.cache",
        "redis-sessions.cache.svc",
        "redis-sessions.cache.svc.cluster.local",
        "10.96.0.10",
        "10.1.5.5",
        "sessions.api",
        "cache.billing.svc.cluster.local",
        "redis-sessions-headless.cache",
        "redis-tls.cache",
    ] {
        assert!(
            res.aliases.contains(&alias.to_string()),
            "{alias} missing from {:?}",
            res.aliases
        );
    }
    assert!(
        !res.aliases.iter().any(|a| a.contains("ops")),
        "{:?}",
        res.aliases
    );
}

#[test]
fn every_kind_of_name_reaches_the_sessions_cache() {
    let inv = inventory();
    let res = resource(&inv, "cache/redis-sessions");
    let events = consumer(res, "api/Deployment/events-api");
    assert_eq!(events.tls, Tls::No);
    assert_eq!(events.strength, Strength::Indirect);
    assert_eq!(events.owner.as_deref(), Some("scheduling"));
    assert_eq!(events.via, ["redis-sessions.cache:6379"]);
    assert_eq!(
        events.credentials,
        ["Secret api/auth-cache key AUTH_CACHE_URL at api/events.yaml:22"]
    );
    assert_eq!(
        events.links[0].service.as_deref(),
        Some("cache/redis-sessions")
    );
    assert_eq!(events.links[0].server_port, Some(6379));

    // Short name in the same namespace, Service port 6380 → named target port "tls".
    let warmer = consumer(res, "cache/Deployment/warmer");
    assert_eq!(
        (warmer.links[0].server_port, warmer.tls),
        (Some(6380), Tls::Yes)
    );
    // FQDN with the cluster domain, no scheme: the plain-only port says no TLS.
    let frontend = consumer(res, "web/Deployment/frontend");
    assert_eq!(
        (frontend.links[0].server_port, frontend.tls),
        (Some(6379), Tls::No)
    );
    // ClusterIP, with a user and a password in the URL.
    let debugger = consumer(res, "ops/Deployment/debugger");
    assert_eq!(debugger.users, ["legacy"]);
    assert!(debugger.links[0].endpoint.has_password);
    // ExternalName chain billing/cache → api/sessions → the Service.
    let invoices = consumer(res, "billing/Deployment/invoices");
    assert_eq!(
        invoices.links[0].service.as_deref(),
        Some("billing/cache (ExternalName → cache/redis-sessions)")
    );
    assert_eq!(invoices.links[0].server_port, Some(6379));
    // Headless pod name with any ordinal names the pod directly.
    let reader = consumer(res, "cache/Deployment/replica-reader");
    assert_eq!(reader.links[0].service, None);
    // Service with a named target port that contains "tls".
    let tls_client = consumer(res, "api/Deployment/tls-client");
    assert_eq!(
        (tls_client.links[0].server_port, tls_client.tls),
        (Some(6380), Tls::Yes)
    );
    // A compose service may name a Kubernetes host.
    assert!(has_consumer(res, "blog/docker-compose.yml#admin"));
}

#[test]
fn a_server_is_not_its_own_consumer_from_config() {
    let inv = inventory();
    let res = resource(&inv, "cache/redis-sessions");
    let own = consumer(res, "cache/StatefulSet/redis-sessions");
    // Only the live replication link keeps it, with a note.
    assert!(own.links.is_empty(), "{:?}", own.links);
    assert!(
        own.notes.contains(&"replication link".to_string()),
        "{:?}",
        own.notes
    );
}

#[test]
fn compose_names_resolve_within_their_own_file() {
    let inv = inventory();
    let shop = resource(&inv, "shop/docker-compose.yml#redis");
    let blog = resource(&inv, "blog/docker-compose.yml#redis");
    assert!(has_consumer(shop, "shop/docker-compose.yml#web"));
    assert!(
        has_consumer(shop, "shop/docker-compose.yml#jobs"),
        "alias `cache`"
    );
    assert!(!has_consumer(shop, "blog/docker-compose.yml#web"));
    assert!(has_consumer(blog, "blog/docker-compose.yml#web"));
    assert!(!has_consumer(blog, "shop/docker-compose.yml#web"));
    assert!(shop.aliases.contains(&"cache".to_string()));
    // An unresolved short name stays within its project.
    let mut facts = world();
    for file in [SHOP, BLOG] {
        facts.push(reference(
            ConsumerId::compose(file, "x"),
            Scope::Compose(file.into()),
            "queue:6379",
            file,
            30,
        ));
    }
    let inv = build(&facts, &Options::default());
    assert!(has_consumer(
        resource(&inv, "shop/docker-compose.yml#queue"),
        "shop/docker-compose.yml#x"
    ));
    assert!(resource(&inv, "blog/docker-compose.yml#queue").external);
    // redis:// says no TLS.
    assert_eq!(consumer(shop, "shop/docker-compose.yml#web").tls, Tls::No);
}

#[test]
fn hints_of_each_kind_link_with_inferred_strength() {
    let inv = inventory();
    let res = resource(&inv, "cache/redis-sessions");
    for id in [
        "cache/Deployment/np-client",
        "cache/CronJob/backup",
        "cache/Deployment/mystery",
    ] {
        let c = consumer(res, id);
        assert_eq!(c.strength, Strength::Inferred, "{id}");
        assert!(c.links.is_empty(), "{id}");
    }
    // events-api has a reference: its unreadable-setting hint is explained.
    let events = consumer(res, "api/Deployment/events-api");
    assert!(
        !events
            .evidence
            .iter()
            .any(|e| e.strength == Strength::Inferred),
        "{:?}",
        events.evidence
    );
    // A namespace without Redis gets nothing; a Name hint never makes an external resource.
    assert!(!inv
        .resources
        .iter()
        .any(|r| has_consumer(r, "empty/Deployment/nobody")));
    assert!(!inv.resources.iter().any(|r| r.id.contains("postgres")));
    let shop = resource(&inv, "shop/docker-compose.yml#redis");
    assert_eq!(
        consumer(shop, "shop/docker-compose.yml#worker").strength,
        Strength::Inferred
    );
}

#[test]
fn live_clients_are_attributed_or_kept_by_ip() {
    let inv = inventory();
    let res = resource(&inv, "cache/redis-sessions");
    let events = consumer(res, "api/Deployment/events-api");
    let seen = events
        .evidence
        .iter()
        .find(|e| e.strength == Strength::Observed)
        .expect("observed evidence");
    assert_eq!(
        seen.origin.to_string(),
        "redis://redis-sessions.cache:6379 CLIENT LIST 2026-11-28T10:00:00Z..2026-11-28T11:00:00Z"
    );
    assert!(seen.detail.contains("10.1.2.3:51000"), "{}", seen.detail);
    // Strongest first.
    assert_eq!(events.evidence[0].strength, Strength::Indirect);
    assert!(events.notes.is_empty(), "{:?}", events.notes);

    let unknown = consumer(res, "client/10.9.9.9");
    assert_eq!(unknown.notes, ["not in any config"]);
    assert_eq!(unknown.tls, Tls::No);
    assert_eq!(unknown.strength, Strength::Observed);

    let frontend = consumer(res, "web/Deployment/frontend");
    assert_eq!(
        frontend.notes,
        ["not seen connected between 2026-11-28T10:00:00Z and 2026-11-28T11:00:00Z"]
    );
}

#[test]
fn unresolved_live_server_becomes_an_external_resource() {
    let mut facts = world();
    facts.push(Fact::Client(ClientObservation {
        queried: None,
        server: "10.20.30.40:7777".into(),
        addr: "10.1.2.3:1".into(),
        first_seen: "t1".into(),
        last_seen: "t2".into(),
        ..Default::default()
    }));
    let inv = build(&facts, &Options::default());
    let res = resource(&inv, "10.20.30.40:7777");
    assert!(res.external);
    assert!(has_consumer(res, "api/Deployment/events-api"));
}

#[test]
fn externalname_cycle_is_a_diagnostic() {
    let inv = inventory();
    let cycles: Vec<&Diagnostic> = inv
        .diagnostics
        .iter()
        .filter(|d| d.code == "externalname-cycle")
        .collect();
    assert_eq!(cycles.len(), 2, "{:?}", inv.diagnostics);
    assert!(
        cycles[0].message.contains("ops/a -> ops/b"),
        "{}",
        cycles[0].message
    );
    assert_eq!(cycles[0].path.as_deref(), Some("ops/services.yaml"));
}

#[test]
fn cluster_domain_is_configurable() {
    let opts = Options {
        cluster_domain: "corp.internal".into(),
        ..Options::default()
    };
    let mut facts = world();
    facts.push(reference(
        kube("x", "Deployment", "corp"),
        ns("x"),
        "redis-sessions.cache.svc.corp.internal:6379",
        "x.yaml",
        1,
    ));
    let inv = build(&facts, &opts);
    assert!(has_consumer(
        resource(&inv, "cache/redis-sessions"),
        "x/Deployment/corp"
    ));
    // cluster.local is now just some external host.
    assert!(has_consumer(
        resource(&inv, "redis-sessions.cache.svc.cluster.local"),
        "web/Deployment/frontend"
    ));
}

#[test]
fn selectorless_service_maps_backends_through_pod_ips_or_to_an_external_host() {
    let mut to_pod = service("cache", "manual", &[], vec![port(6379, Some(6379), None)]);
    to_pod.selector = None;
    let mut to_vm = service("cache", "vm-redis", &[], vec![port(6379, Some(6379), None)]);
    to_vm.selector = None;
    let mut facts = world();
    facts.extend([
        Fact::Service(to_pod),
        Fact::Service(to_vm),
        Fact::ServiceBackends(ServiceBackends {
            namespace: "cache".into(),
            service: "manual".into(),
            addresses: vec!["10.1.5.5".into()],
            defined_at: Origin::file("cache/ep.yaml", 1),
        }),
        Fact::ServiceBackends(ServiceBackends {
            namespace: "cache".into(),
            service: "vm-redis".into(),
            addresses: vec!["192.168.7.7".into()],
            defined_at: Origin::file("cache/ep.yaml", 9),
        }),
        reference(
            kube("cache", "Deployment", "m"),
            ns("cache"),
            "manual:6379",
            "m.yaml",
            1,
        ),
        reference(
            kube("cache", "Deployment", "v"),
            ns("cache"),
            "vm-redis:6379",
            "v.yaml",
            1,
        ),
    ]);
    let inv = build(&facts, &Options::default());
    let m = consumer(resource(&inv, "cache/redis-sessions"), "cache/Deployment/m");
    assert_eq!(m.links[0].service.as_deref(), Some("cache/manual"));
    let vm = resource(&inv, "192.168.7.7");
    assert!(vm.external);
    assert!(
        vm.aliases.contains(&"vm-redis.cache".to_string()),
        "{:?}",
        vm.aliases
    );
    assert!(has_consumer(vm, "cache/Deployment/v"));
}

#[test]
fn output_is_deterministic() {
    assert_eq!(inventory(), inventory());
}

// ---- find_target ----

fn target<'a>(inv: &'a Inventory, t: &str) -> Result<&'a str, TargetError> {
    find_target(inv, t, &Options::default()).map(|i| inv.resources[i].id.as_str())
}

#[test]
fn find_target_by_id_alias_ip_and_host_port() {
    let inv = inventory();
    for t in [
        "cache/redis-sessions",
        "redis-sessions.cache",
        "REDIS-SESSIONS.cache.svc.cluster.local.",
        "10.96.0.10",
        "redis-sessions.cache:6380",
        "redis-sessions.cache:6379",
        "redis-sessions-3.redis-sessions-headless.cache",
        "sessions.api",
        "redis-sessions",
    ] {
        assert_eq!(
            target(&inv, t).map_err(|e| e.to_string()),
            Ok("cache/redis-sessions"),
            "{t}"
        );
    }
    assert_eq!(
        target(&inv, "shop/docker-compose.yml#redis"),
        Ok("shop/docker-compose.yml#redis")
    );
    assert_eq!(
        target(&inv, "legacy-redis.example.com:6379"),
        Ok("legacy-redis.example.com")
    );
}

#[test]
fn find_target_none_lists_candidates_nearest_first() {
    let inv = inventory();
    let err = target(&inv, "redis-sessions.cache:1234").unwrap_err();
    assert!(!err.ambiguous);
    let err = target(&inv, "docker-compose").unwrap_err();
    assert!(!err.ambiguous);
    assert_eq!(err.candidates.len(), inv.resources.len());
    assert_eq!(
        err.candidates[..2],
        [
            "blog/docker-compose.yml#redis",
            "shop/docker-compose.yml#redis"
        ]
    );
    assert!(
        err.to_string()
            .starts_with("no resource matches `docker-compose`; known resources: blog/"),
        "{err}"
    );
}

#[test]
fn find_target_suggests_the_names_a_typo_is_close_to() {
    let inv = inventory();
    let err = target(&inv, "redis-sesions.cache").unwrap_err();
    assert_eq!(err.suggestions, ["cache/redis-sessions"]);
    assert!(
        err.to_string().starts_with(
            "no resource matches `redis-sesions.cache`; did you mean cache/redis-sessions? Known resources:"
        ),
        "{err}"
    );
    let err = target(&inv, "postgres-main").unwrap_err();
    assert!(err.suggestions.is_empty(), "{:?}", err.suggestions);
}

#[test]
fn a_bare_name_of_an_external_host_and_a_defined_redis_is_ambiguous() {
    let res = crate::catalog::tests::resource;
    let inv = Inventory {
        resources: vec![
            res("redis", "redis", None, true),
            res("shop/redis", "redis", Some("shop"), false),
        ],
        ..Inventory::default()
    };
    let err = target(&inv, "redis").unwrap_err();
    assert!(err.ambiguous, "{err}");
    assert_eq!(err.candidates, ["redis", "shop/redis"]);
    // Named in full, each is found.
    assert_eq!(target(&inv, "shop/redis").unwrap(), "shop/redis");
    assert_eq!(target(&inv, "redis.shop").unwrap(), "shop/redis");
}

#[test]
fn find_target_ambiguous_names_the_matches() {
    let inv = inventory();
    let err = target(&inv, "redis").unwrap_err();
    assert!(err.ambiguous);
    assert_eq!(
        err.candidates,
        [
            "blog/docker-compose.yml#redis",
            "shop/docker-compose.yml#redis"
        ]
    );
    assert_eq!(
        err.to_string(),
        "`redis` matches several resources: blog/docker-compose.yml#redis, shop/docker-compose.yml#redis; name one by its id"
    );
}

// ---- impact ----

fn sessions_after(settings: &[(&str, &str)]) -> Resource {
    let inv = inventory();
    let mut res = resource(&inv, "cache/redis-sessions").clone();
    let change = Change {
        target: "redis-sessions.cache".into(),
        settings: settings
            .iter()
            .map(|(k, v)| Setting::parse(k, v).unwrap())
            .collect(),
        ..Change::default()
    };
    impact(&mut res, &change);
    res
}

fn verdict(res: &Resource, id: &str) -> (Verdict, String) {
    let c = consumer(res, id);
    (c.verdict.expect("verdict"), c.reasons.join(" | "))
}

#[test]
fn tls_required() {
    let res = sessions_after(&[("tls", "required")]);
    let (v, why) = verdict(&res, "api/Deployment/events-api");
    assert_eq!(v, Verdict::Breaks);
    assert_eq!(
        why,
        "uses redis:// at api/events.yaml:22; switch to rediss://redis-sessions.cache:6380 and configure the CA"
    );
    assert_eq!(verdict(&res, "cache/Deployment/warmer").0, Verdict::Ok);
    assert_eq!(verdict(&res, "web/Deployment/frontend").0, Verdict::Breaks);
    assert_eq!(verdict(&res, "client/10.9.9.9").0, Verdict::Breaks);
    let (v, why) = verdict(&res, "cache/StatefulSet/redis-sessions");
    assert_eq!(v, Verdict::Breaks);
    assert!(why.starts_with("replication link without TLS"), "{why}");
    // A compose service naming the Kubernetes Service's plain-only port.
    assert_eq!(
        verdict(&res, "blog/docker-compose.yml#admin").0,
        Verdict::Breaks
    );
    let (v, why) = verdict(&res, "cache/Deployment/mystery");
    assert_eq!(v, Verdict::AtRisk);
    assert!(
        why.starts_with("only inferred evidence (hinted at cache/mystery.yaml:7)"),
        "{why}"
    );
    // Sorted: breaks, at-risk, ok.
    let order: Vec<Verdict> = res.consumers.iter().map(|c| c.verdict.unwrap()).collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
    assert_eq!(res.consumers[0].verdict, Some(Verdict::Breaks));
}

/// The sessions Redis changed by `edit`, with every link's TLS unknown,
/// judged under `tls=required`: the frontend's verdict and reasons.
fn frontend_under_tls_required(edit: impl FnOnce(&mut Resource)) -> (Verdict, String) {
    let inv = inventory();
    let mut res = resource(&inv, "cache/redis-sessions").clone();
    edit(&mut res);
    for c in &mut res.consumers {
        for l in &mut c.links {
            l.tls = Tls::Unknown;
        }
        c.tls = Tls::Unknown;
    }
    let change = Change {
        target: "redis-sessions.cache".into(),
        settings: vec![Setting::parse("tls", "required").unwrap()],
        ..Change::default()
    };
    impact(&mut res, &change);
    verdict(&res, "web/Deployment/frontend")
}

/// A link whose TLS nothing shows, to a server of the scan that serves no
/// TLS port: it connects in plaintext today, so `tls=required` breaks it,
/// citing where the server is defined. Outside the scan, with a TLS port
/// the client may use, or with a config file the scan does not have (TLS
/// may be set there), it stays at risk.
#[test]
fn unknown_tls_to_a_plaintext_only_server_breaks() {
    let (v, why) = frontend_under_tls_required(|r| r.tls_port = None);
    assert_eq!(v, Verdict::Breaks, "{why}");
    assert!(
        why.contains("sets no TLS, and cache/redis-sessions serves no TLS port the scan can see (defined at "),
        "{why}"
    );
    assert!(why.contains("it connects in plaintext today"), "{why}");
    let at_risk = |edit: fn(&mut Resource)| frontend_under_tls_required(edit).0;
    assert_eq!(at_risk(|r| r.tls_port = Some(6380)), Verdict::AtRisk);
    assert_eq!(
        at_risk(|r| {
            r.tls_port = None;
            r.external = true;
        }),
        Verdict::AtRisk
    );
    assert_eq!(
        at_risk(|r| {
            r.tls_port = None;
            r.config_unread = true;
        }),
        Verdict::AtRisk
    );
}

/// `port=` on a server that serves no plaintext port (`--port 0`) opens
/// one: nobody moves, and each reason says so and which key moves the port
/// the consumer uses (it said nothing at all before).
#[test]
fn a_port_the_server_does_not_serve_yet_is_opened() {
    let judge = |key: &str| {
        let inv = inventory();
        let mut res = resource(&inv, "cache/redis-sessions").clone();
        match key {
            "port" => res.port = None,
            _ => res.tls_port = None,
        }
        let change = Change {
            target: "redis-sessions.cache".into(),
            settings: vec![Setting::parse(key, "6390").unwrap()],
            ..Change::default()
        };
        impact(&mut res, &change);
        verdict(&res, "cache/Deployment/warmer")
    };
    let (v, why) = judge("port");
    assert_eq!(v, Verdict::Ok, "{why}");
    assert!(
        why.contains("which does not move: cache/redis-sessions serves no plaintext port today, so port 6390 opens one; to move the port it uses, set tls-port="),
        "{why}"
    );
    let (v, why) = judge("tls-port");
    assert_eq!(v, Verdict::Ok, "{why}");
    assert!(
        why.contains("serves no TLS port today, so tls-port 6390 opens one"),
        "{why}"
    );
}

#[test]
fn tls_preferred_and_disabled() {
    let res = sessions_after(&[("tls", "preferred")]);
    let (v, why) = verdict(&res, "api/Deployment/events-api");
    assert_eq!(v, Verdict::Ok);
    assert!(
        why.contains("still connects without TLS at api/events.yaml:22; move"),
        "{why}"
    );
    assert_eq!(
        verdict(&res, "cache/Deployment/warmer"),
        (Verdict::Ok, String::new())
    );

    let res = sessions_after(&[("tls", "disabled")]);
    let (v, why) = verdict(&res, "cache/Deployment/warmer");
    assert_eq!(v, Verdict::Breaks);
    assert!(why.contains("cache/warmer.yaml:10"), "{why}");
    assert_eq!(verdict(&res, "api/Deployment/events-api").0, Verdict::Ok);
}

#[test]
fn port_moves() {
    let res = sessions_after(&[("port", "7000")]);
    let (v, why) = verdict(&res, "api/Deployment/events-api");
    assert_eq!(v, Verdict::Ok);
    assert!(
        why.contains("through Service cache/redis-sessions port 6379"),
        "{why}"
    );
    assert!(
        why.contains("update the Service targetPort to 7000"),
        "{why}"
    );
    let (v, why) = verdict(&res, "cache/Deployment/replica-reader");
    assert_eq!(v, Verdict::Breaks);
    assert_eq!(
        why,
        "names port 6379 at cache/reader.yaml:8; change to 7000"
    );
    assert_eq!(verdict(&res, "cache/Deployment/warmer").0, Verdict::Ok);
    assert_eq!(verdict(&res, "client/10.9.9.9").0, Verdict::AtRisk);
    // An ExternalName in front of the Service: the Service maps the port.
    let (v, why) = verdict(&res, "billing/Deployment/invoices");
    assert_eq!(v, Verdict::Ok, "{why}");
    assert!(
        why.contains("through Service cache/redis-sessions"),
        "{why}"
    );

    let mut facts = world();
    facts.push(reference(
        kube("cache", "Deployment", "direct"),
        ns("cache"),
        "redis-sessions-headless:6379",
        "cache/direct.yaml",
        5,
    ));
    let mut inv = build(&facts, &Options::default());
    let i = find_target(&inv, "cache/redis-sessions", &Options::default()).unwrap();
    let change = Change {
        settings: vec![Setting::Port(7000)],
        ..Change::default()
    };
    impact(&mut inv.resources[i], &change);
    let (v, why) = verdict(&inv.resources[i], "cache/Deployment/direct");
    assert_eq!(
        v,
        Verdict::Breaks,
        "a headless Service does not map ports: {why}"
    );

    let res = sessions_after(&[("tls-port", "7001")]);
    let (v, why) = verdict(&res, "cache/Deployment/warmer");
    assert_eq!(v, Verdict::Ok);
    assert!(
        why.contains("update the Service targetPort to 7001"),
        "{why}"
    );
    // On the plain port, which the TLS port's move leaves alone: ok, and
    // said (a verdict always has a reason).
    assert_eq!(
        verdict(&res, "cache/Deployment/replica-reader"),
        (
            Verdict::Ok,
            "uses port 6379 at cache/reader.yaml:8, which does not move".to_string()
        )
    );
}

#[test]
fn host_move() {
    let res = sessions_after(&[("host", "new.example.com")]);
    let (v, why) = verdict(&res, "api/Deployment/events-api");
    assert_eq!(v, Verdict::Breaks);
    assert!(
        why.contains("uses alias `redis-sessions.cache` at api/events.yaml:22; it stops resolving after the move to new.example.com"),
        "{why}"
    );
    let (v, why) = verdict(&res, "billing/Deployment/invoices");
    assert_eq!(v, Verdict::Ok);
    assert!(
        why.contains("repoint ExternalName billing/cache to new.example.com"),
        "{why}"
    );
    assert_eq!(verdict(&res, "client/10.9.9.9").0, Verdict::AtRisk);
}

#[test]
fn auth_password_and_acl() {
    // The server already runs with a password: a client showing none is
    // at risk (its password is out of sight, or it fails today), not
    // broken by the change.
    let res = sessions_after(&[("auth", "required")]);
    assert!(res.requires_auth);
    assert_eq!(verdict(&res, "api/Deployment/events-api").0, Verdict::Ok);
    assert_eq!(verdict(&res, "ops/Deployment/debugger").0, Verdict::Ok);
    let (v, why) = verdict(&res, "web/Deployment/frontend");
    assert_eq!(v, Verdict::AtRisk);
    assert!(
        why.contains(
            "no password visible at web/frontend.yaml:31; the server already requires a password"
        ),
        "{why}"
    );
    // A server without one: the same client breaks.
    let inv = inventory();
    let mut open = resource(&inv, "cache/redis-sessions").clone();
    open.requires_auth = false;
    let change = Change {
        target: "redis-sessions.cache".into(),
        settings: vec![Setting::parse("auth", "required").unwrap()],
        ..Change::default()
    };
    impact(&mut open, &change);
    let (v, why) = verdict(&open, "web/Deployment/frontend");
    assert_eq!(v, Verdict::Breaks);
    assert!(
        why.contains("without a password at web/frontend.yaml:31"),
        "{why}"
    );

    let res = sessions_after(&[("password", "rotate")]);
    let (v, why) = verdict(&res, "api/Deployment/events-api");
    assert_eq!(v, Verdict::Breaks);
    assert_eq!(why, "holds the password in Secret api/auth-cache key AUTH_CACHE_URL at api/events.yaml:22; update it with the rotation");
    assert_eq!(verdict(&res, "ops/Deployment/debugger").0, Verdict::Breaks);
    assert_eq!(verdict(&res, "web/Deployment/frontend").0, Verdict::AtRisk);

    let res = sessions_after(&[("acl-user-removed", "legacy")]);
    let (v, why) = verdict(&res, "ops/Deployment/debugger");
    assert_eq!(v, Verdict::Breaks);
    assert!(why.contains("`legacy` at ops/debug.yaml:4"), "{why}");
    let (v, why) = verdict(&res, "api/Deployment/events-api");
    assert_eq!(v, Verdict::Ok);
    assert!(why.contains("so it is `default`, not `legacy`"), "{why}");

    // Redis logs in a client that sends no user name as `default`.
    let res = sessions_after(&[("acl-user-removed", "default")]);
    let (v, why) = verdict(&res, "api/Deployment/events-api");
    assert_eq!(v, Verdict::Breaks);
    assert!(
        why.contains("sends no user name at api/events.yaml:22, so Redis logs it in as `default`"),
        "{why}"
    );
    let (v, why) = verdict(&res, "ops/Deployment/debugger");
    assert_eq!(v, Verdict::Ok, "it logs in as `legacy`: {why}");
    assert!(why.contains("authenticates as `legacy`"), "{why}");
    for c in &res.consumers {
        assert!(
            !c.reasons.is_empty(),
            "{} has a verdict without a reason",
            c.id
        );
    }

    // No user in its config, but seen live as `app`: at risk, not broken.
    let inv = inventory();
    let mut seen = resource(&inv, "cache/redis-sessions").clone();
    for c in &mut seen.consumers {
        if c.id.name == "events-api" {
            c.users.push("app".into());
        }
    }
    let change = Change {
        target: "redis-sessions.cache".into(),
        settings: vec![Setting::parse("acl-user-removed", "default").unwrap()],
        ..Change::default()
    };
    impact(&mut seen, &change);
    let (v, why) = verdict(&seen, "api/Deployment/events-api");
    assert_eq!(v, Verdict::AtRisk, "{why}");
    assert!(why.contains("but was seen live as `app`"), "{why}");
}

/// Decommissioning breaks every consumer the scan shows using it; one known
/// only from inferred evidence may not use it at all, so it is at risk
/// ("confirm how it connects"), not a guess stated as a break.
#[test]
fn decommission_breaks_every_user_and_puts_inferred_ones_at_risk() {
    let res = sessions_after(&[("decommission", "true")]);
    assert!(!res.consumers.is_empty());
    let mut inferred = 0;
    for c in &res.consumers {
        if c.evidence.iter().all(|e| e.strength.is_weak()) {
            inferred += 1;
            assert_eq!(c.verdict, Some(Verdict::AtRisk), "{}", c.id);
            assert!(
                c.reasons
                    .iter()
                    .any(|r| r.contains("only inferred evidence")),
                "{:?}",
                c.reasons
            );
        } else {
            assert_eq!(c.verdict, Some(Verdict::Breaks), "{}", c.id);
        }
    }
    assert!(
        inferred > 0,
        "the fixture has a consumer known only by inference"
    );
}

#[test]
fn several_settings_worst_wins_and_reasons_add_up() {
    let res = sessions_after(&[("tls", "preferred"), ("port", "7000")]);
    let (v, why) = verdict(&res, "cache/Deployment/replica-reader");
    assert_eq!(v, Verdict::Breaks);
    assert!(
        why.contains("still connects without TLS") && why.contains("change to 7000"),
        "{why}"
    );
}

// ---- gate ----

#[test]
fn approvals_and_failing() {
    let mut res = sessions_after(&[("tls", "required")]);
    let breaking: Vec<String> = failing(&res, FailOn::Breaks)
        .iter()
        .map(|c| c.id.to_string())
        .collect();
    assert!(breaking.contains(&"api/Deployment/events-api".to_string()));
    assert!(!breaking.contains(&"cache/Deployment/mystery".to_string()));
    let at_risk = failing(&res, FailOn::AtRisk).len();
    assert!(at_risk > breaking.len());
    assert_eq!(
        failing(&res, FailOn::Undocumented).len(),
        res.consumers.len()
    );

    let diags = apply_approvals(
        &mut res,
        &[
            approval("api/Deployment/events-api", "lead-scheduling", 2),
            approval("api/Deployment/event-api", "lead", 4),
        ],
    );
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].code, "approval-unknown");
    assert_eq!(diags[0].severity, Severity::Warning);
    assert!(
        diags[0].message.contains("`api/Deployment/event-api`"),
        "{}",
        diags[0].message
    );
    assert_eq!(
        (diags[0].path.as_deref(), diags[0].line),
        (Some("approvals.yaml"), Some(4)),
        "where the approval is written"
    );
    assert!(
        diags[0]
            .message
            .ends_with("did you mean api/Deployment/events-api?"),
        "{}",
        diags[0].message
    );
    let after: Vec<String> = failing(&res, FailOn::Breaks)
        .iter()
        .map(|c| c.id.to_string())
        .collect();
    assert_eq!(after.len(), breaking.len() - 1);
    assert!(!after.contains(&"api/Deployment/events-api".to_string()));
    assert!(consumer(&res, "api/Deployment/events-api")
        .approval
        .is_some());
}

/// An approval written at `approvals.yaml:line`.
fn approval(consumer: &str, by: &str, line: u32) -> (Approval, Origin) {
    (
        Approval {
            consumer: consumer.into(),
            by: by.into(),
            note: None,
        },
        Origin::file("approvals.yaml", line),
    )
}

#[test]
fn an_unknown_approval_suggests_only_an_id_within_a_typo() {
    let mut res = sessions_after(&[("tls", "required")]);
    let diags = apply_approvals(&mut res, &[approval("payroll-service", "lead", 7)]);
    assert_eq!(diags.len(), 1);
    assert!(
        !diags[0].message.contains("did you mean"),
        "{}",
        diags[0].message
    );
}

#[test]
fn two_approvals_of_one_consumer_warn_naming_both_lines() {
    let mut res = sessions_after(&[("tls", "required")]);
    let diags = apply_approvals(
        &mut res,
        &[
            approval("api/Deployment/events-api", "lead-a", 2),
            approval("api/events-api", "lead-b", 5),
        ],
    );
    let codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["approval-duplicate"]);
    let d = &diags[0];
    assert!(
        d.message.contains("approvals.yaml:2") && d.message.contains("approvals.yaml:5"),
        "{}",
        d.message
    );
    assert_eq!(d.line, Some(5));
    assert_eq!(
        consumer(&res, "api/Deployment/events-api")
            .approval
            .as_ref()
            .map(|a| a.by.as_str()),
        Some("lead-b")
    );
}

#[test]
fn fail_on_parses_and_lists_valid_values() {
    assert_eq!("at-risk".parse::<FailOn>(), Ok(FailOn::AtRisk));
    assert_eq!("Breaks".parse::<FailOn>(), Ok(FailOn::Breaks));
    assert_eq!("undocumented".parse::<FailOn>(), Ok(FailOn::Undocumented));
    let err = "warn".parse::<FailOn>().unwrap_err().to_string();
    assert!(
        err.contains("`warn`") && err.contains("breaks, at-risk, undocumented"),
        "{err}"
    );
}

// ---- scale ----

#[test]
fn twenty_thousand_workloads() {
    const NAMESPACES: usize = 100;
    const PER_NS: usize = 200;
    let mut facts = Vec::new();
    for n in 0..NAMESPACES {
        let ns_name = format!("ns{n}");
        let server = redis(
            workload(
                kube(&ns_name, "StatefulSet", "redis"),
                &[("app", "redis")],
                None,
            ),
            Some(6379),
            None,
        );
        facts.push(Fact::Workload(server));
        facts.push(Fact::Service(service(
            &ns_name,
            "redis",
            &[("app", "redis")],
            vec![port(6379, None, None)],
        )));
        for w in 1..PER_NS {
            let id = kube(&ns_name, "Deployment", &format!("app{w}"));
            facts.push(Fact::Workload(workload(id.clone(), &[("app", "x")], None)));
            // Half by short name, half by the next namespace's FQDN.
            let text = if w % 2 == 0 {
                "redis:6379".to_string()
            } else {
                format!("redis.ns{}.svc.cluster.local:6379", (n + 1) % NAMESPACES)
            };
            facts.push(reference(id, ns(&ns_name), &text, "app.yaml", w as u32));
        }
    }
    let inv = build(&facts, &Options::default());
    assert_eq!(inv.resources.len(), NAMESPACES);
    let total: usize = inv.resources.iter().map(|r| r.consumers.len()).sum();
    assert_eq!(total, NAMESPACES * (PER_NS - 1));
    let ns0 = resource(&inv, "ns0/redis");
    assert!(has_consumer(ns0, "ns0/Deployment/app2"));
    assert!(has_consumer(ns0, "ns99/Deployment/app1"));
    assert!(!has_consumer(ns0, "ns0/Deployment/app1"));
}

#[test]
fn a_suspected_credential_is_judged_by_its_flag_not_its_wording() {
    let change = Change {
        target: "redis-sessions.cache".into(),
        settings: vec![Setting::parse("auth", "required").unwrap()],
        ..Change::default()
    };
    let after = |suspected: bool, location: &str| {
        let inv = inventory();
        let mut res = resource(&inv, "cache/redis-sessions").clone();
        let c = res
            .consumers
            .iter_mut()
            .find(|c| c.id.to_string() == "api/Deployment/events-api")
            .expect("events-api");
        c.credentials = vec![location.to_string()];
        for l in &mut c.links {
            l.credential = Some(location.to_string());
            l.credential_suspected = suspected;
        }
        impact(&mut res, &change);
        verdict(&res, "api/Deployment/events-api")
    };
    let (v, why) = after(false, "Secret api/auth-cache key AUTH_CACHE_URL");
    assert_eq!(v, Verdict::Ok, "{why}");
    let (v, why) = after(
        true,
        "Secret api/sealed (envFrom, not among the scanned objects)",
    );
    assert_eq!(v, Verdict::AtRisk, "{why}");
    assert!(why.contains("confirm it sets one"), "{why}");
    // The words alone no longer make a credential uncertain.
    let (v, why) = after(false, "a note that says it may hold it");
    assert_eq!(v, Verdict::Ok, "{why}");
}

/// One pod seen live as two ACL users (a pool of twenty as `app1`, one
/// connection as `default`): `acl-user-removed=default` breaks it whatever
/// else it logs in as, and `app1`'s reason cites only `app1`'s connections.
#[test]
fn a_consumer_seen_as_default_and_another_user() {
    let mut facts = world();
    let seen_as = |port: u16, user: &str, connections: u32| {
        let Fact::Client(mut obs) = client(&format!("10.1.2.3:{port}"), false, "N") else {
            unreachable!()
        };
        obs.user = Some(user.into());
        obs.connections = connections;
        Fact::Client(obs)
    };
    facts.push(seen_as(52000, "app1", 20));
    facts.push(seen_as(52001, "default", 1));
    let inv = build(&facts, &Options::default());
    let judged = |user: &str| {
        let mut res = resource(&inv, "cache/redis-sessions").clone();
        let change = Change {
            target: "redis-sessions.cache".into(),
            settings: vec![Setting::parse("acl-user-removed", user).unwrap()],
            ..Change::default()
        };
        impact(&mut res, &change);
        verdict(&res, "api/Deployment/events-api")
    };
    let (v, why) = judged("default");
    assert_eq!(v, Verdict::Breaks, "{why}");
    assert!(
        why.contains("seen connected as `default` (client 10.1.2.3:52001"),
        "{why}"
    );
    let (v, why) = judged("app1");
    assert_eq!(v, Verdict::Breaks, "{why}");
    assert!(
        why.contains("client 10.1.2.3:52000") && why.contains("20 connections"),
        "{why}"
    );
    assert!(!why.contains("52001") && !why.contains("51000"), "{why}");
}

/// A server sampled over TLS is cited with the scheme used.
#[test]
fn live_evidence_names_the_scheme_sampled_over() {
    let mut facts = world();
    for f in &mut facts {
        if let Fact::Client(obs) = f {
            obs.sampled_over_tls = true;
        }
    }
    let inv = build(&facts, &Options::default());
    let events = consumer(
        resource(&inv, "cache/redis-sessions"),
        "api/Deployment/events-api",
    );
    let seen = events
        .evidence
        .iter()
        .find(|e| e.strength == Strength::Observed)
        .expect("observed evidence");
    assert!(
        seen.origin
            .to_string()
            .starts_with("rediss://redis-sessions.cache:6379 CLIENT LIST"),
        "{}",
        seen.origin
    );
}

// ---- localhost: the consumer's own network ----

/// `localhost:6379` from a container of `pod`, in the network of `on`.
fn loopback(pod: ConsumerId, on: ConsumerId, text: &str, line: u32) -> Fact {
    let mut f = reference(pod, ns("shop"), text, "shop/pods.yaml", line);
    if let Fact::Reference(r) = &mut f {
        r.same_network_as = Some(Box::new(on));
    }
    f
}

fn sidecars() -> Vec<Fact> {
    let cart = kube("shop", "Deployment", "cart");
    let checkout = kube("shop", "Deployment", "checkout");
    let ledger = kube("shop", "Deployment", "ledger");
    let mut open_checkout = redis(
        workload(checkout.clone(), &[("app", "checkout")], None),
        Some(6379),
        Some(6380),
    );
    if let Some(server) = &mut open_checkout.server {
        server.requires_auth = false;
    }
    vec![
        Fact::Workload(redis(
            workload(cart.clone(), &[("app", "cart")], Some("carts")),
            Some(6379),
            None,
        )),
        Fact::Workload(open_checkout),
        Fact::Workload(workload(ledger.clone(), &[("app", "ledger")], None)),
        loopback(cart.clone(), cart.clone(), "redis://localhost:6379/0", 30),
        loopback(cart.clone(), cart, "127.0.0.1:7000", 24),
        loopback(checkout.clone(), checkout, "redis://localhost:6379/1", 50),
        // (a scanner says no such thing; the graph still does not guess)
        loopback(ledger.clone(), ledger, "redis://localhost:6379", 70),
    ]
}

fn sidecar_after(id: &str, settings: &[(&str, &str)]) -> Resource {
    let inv = build(&sidecars(), &Options::default());
    let mut res = resource(&inv, id).clone();
    let change = Change {
        target: id.into(),
        settings: settings
            .iter()
            .map(|(k, v)| Setting::parse(k, v).unwrap())
            .collect(),
        ..Change::default()
    };
    impact(&mut res, &change);
    res
}

#[test]
fn localhost_is_the_redis_of_the_consumers_own_pod_and_no_other() {
    let inv = build(&sidecars(), &Options::default());
    // No `localhost` resource shared by the pods: each its own Redis.
    assert_eq!(ids(&inv), ["shop/cart", "shop/checkout"]);
    let cart = resource(&inv, "shop/cart");
    let ids_of =
        |r: &Resource| -> Vec<String> { r.consumers.iter().map(|c| c.id.to_string()).collect() };
    assert_eq!(ids_of(cart), ["shop/Deployment/cart"]);
    assert_eq!(
        ids_of(resource(&inv, "shop/checkout")),
        ["shop/Deployment/checkout"]
    );
    let c = consumer(cart, "shop/Deployment/cart");
    assert_eq!(c.strength, Strength::Explicit);
    assert_eq!(c.owner.as_deref(), Some("carts"));
    let mut via = c.via.clone();
    via.sort();
    assert_eq!(via, ["127.0.0.1:7000", "localhost:6379"]);
    let mut at: Vec<String> = c.evidence.iter().map(|e| e.origin.to_string()).collect();
    at.sort();
    assert_eq!(at, ["shop/pods.yaml:24", "shop/pods.yaml:30"]);
    // A network with no Redis in it: said, linked to nothing.
    let said: Vec<(&str, Option<u32>)> = inv
        .diagnostics
        .iter()
        .filter(|d| d.code == "loopback-unlinked")
        .map(|d| (d.path.as_deref().unwrap_or_default(), d.line))
        .collect();
    assert_eq!(said, [("shop/pods.yaml", Some(70))]);
    assert!(inv
        .resources
        .iter()
        .all(|r| !has_consumer(r, "shop/Deployment/ledger")));
}

#[test]
fn a_sidecars_consumers_are_judged_like_any_other() {
    let res = sidecar_after("shop/checkout", &[("tls", "required")]);
    let (v, why) = verdict(&res, "shop/Deployment/checkout");
    assert_eq!(v, Verdict::Breaks, "{why}");
    assert_eq!(
        why,
        "uses redis:// at shop/pods.yaml:50; switch to rediss://localhost:6380 and configure the CA"
    );
    let res = sidecar_after("shop/checkout", &[("auth", "required")]);
    let (v, why) = verdict(&res, "shop/Deployment/checkout");
    assert_eq!(v, Verdict::Breaks, "{why}");
    assert!(why.contains("shop/pods.yaml:50"), "{why}");
    // A port the sidecar does not serve: at risk, as anywhere; the one it
    // serves moves.
    let res = sidecar_after("shop/cart", &[("port", "6390")]);
    let (v, why) = verdict(&res, "shop/Deployment/cart");
    assert_eq!(v, Verdict::Breaks, "{why}");
    assert!(
        why.contains("names port 6379 at shop/pods.yaml:30; change to 6390"),
        "{why}"
    );
    assert!(
        why.contains("names port 7000 at shop/pods.yaml:24, which shop/cart does not serve"),
        "{why}"
    );
}

// ---- Unix sockets: a file shared with one Redis ----

/// A compose project whose Redis serves `/run/redis/redis.sock` (and port
/// 6379): `web` reaches it over the socket only, `api` over the socket and
/// TCP with a password, and `cron` names a socket no scanner attributed.
fn socket_project() -> Vec<Fact> {
    const FILE: &str = "app/compose.yaml";
    let redis_id = ConsumerId::compose(FILE, "redis");
    let mut server = redis(workload(redis_id.clone(), &[], None), Some(6379), None);
    if let Some(s) = &mut server.server {
        s.unixsocket = Some("/run/redis/redis.sock".into());
        s.requires_auth = false;
        s.password_secrets.clear();
    }
    server.aliases = vec!["redis".into()];
    let scope = Scope::Compose(FILE.into());
    let socket = |service: &str, text: &str, line: u32, shared: bool| {
        let mut f = reference(
            ConsumerId::compose(FILE, service),
            scope.clone(),
            text,
            FILE,
            line,
        );
        if let Fact::Reference(r) = &mut f {
            r.same_network_as = shared.then(|| Box::new(redis_id.clone()));
        }
        f
    };
    vec![
        Fact::Workload(server),
        socket("web", "unix:///run/redis/redis.sock?db=2", 9, true),
        socket("api", "unix://:pw@/var/run/redis/redis.sock", 14, true),
        reference(
            ConsumerId::compose(FILE, "api"),
            scope.clone(),
            "redis://:pw@redis:6379/1",
            FILE,
            15,
        ),
        socket("cron", "unix:///run/redis/redis.sock", 20, false),
    ]
}

fn socket_after(settings: &[(&str, &str)]) -> Resource {
    let inv = build(&socket_project(), &Options::default());
    let mut res = resource(&inv, "app/compose.yaml#redis").clone();
    let change = Change {
        target: res.id.clone(),
        settings: settings
            .iter()
            .map(|(k, v)| Setting::parse(k, v).unwrap())
            .collect(),
        ..Change::default()
    };
    impact(&mut res, &change);
    res
}

#[test]
fn a_socket_links_to_the_redis_it_is_shared_with_and_reaches_no_port() {
    let inv = build(&socket_project(), &Options::default());
    // No resource named by a path: the unattributed socket is said, not kept.
    assert_eq!(ids(&inv), ["app/compose.yaml#redis"]);
    let res = resource(&inv, "app/compose.yaml#redis");
    assert_eq!(res.unixsocket.as_deref(), Some("/run/redis/redis.sock"));
    let web = consumer(res, "app/compose.yaml#web");
    assert_eq!(web.via, ["/run/redis/redis.sock"]);
    assert_eq!(web.links[0].server_port, None);
    assert_eq!(web.tls, Tls::No);
    assert!(!has_consumer(res, "app/compose.yaml#cron"));
    let said: Vec<(&str, Severity, Option<u32>)> = inv
        .diagnostics
        .iter()
        .filter(|d| d.code == "socket-unlinked")
        .map(|d| (d.path.as_deref().unwrap_or_default(), d.severity, d.line))
        .collect();
    assert_eq!(said, [("app/compose.yaml", Severity::Warning, Some(20))]);
}

#[test]
fn tls_and_port_changes_leave_socket_clients_alone() {
    let res = socket_after(&[("tls", "required")]);
    let (v, why) = verdict(&res, "app/compose.yaml#web");
    assert_eq!(v, Verdict::Ok, "{why}");
    assert_eq!(
        why,
        "connects over the Unix socket /run/redis/redis.sock at app/compose.yaml:9; Redis TLS covers TCP ports only, so tls=required leaves the socket as it is (unless the change also removes `unixsocket`)"
    );
    // Its TCP link still breaks; the socket is said alongside.
    let (v, why) = verdict(&res, "app/compose.yaml#api");
    assert_eq!(v, Verdict::Breaks, "{why}");
    assert!(
        why.contains("at app/compose.yaml:15; switch to rediss://"),
        "{why}"
    );
    assert!(
        why.contains("Unix socket /var/run/redis/redis.sock at app/compose.yaml:14"),
        "{why}"
    );

    let res = socket_after(&[("port", "6390")]);
    let (v, why) = verdict(&res, "app/compose.yaml#web");
    assert_eq!(v, Verdict::Ok, "{why}");
    assert_eq!(
        why,
        "connects over the Unix socket /run/redis/redis.sock at app/compose.yaml:9, which the move to port 6390 does not touch"
    );
    let (v, why) = verdict(&res, "app/compose.yaml#api");
    assert_eq!(v, Verdict::Breaks, "{why}");
}

#[test]
fn moving_the_host_breaks_socket_clients_and_auth_breaks_those_without_a_password() {
    let res = socket_after(&[("host", "redis.prod.example")]);
    let (v, why) = verdict(&res, "app/compose.yaml#web");
    assert_eq!(v, Verdict::Breaks, "{why}");
    assert_eq!(
        why,
        "reaches it over the Unix socket /run/redis/redis.sock at app/compose.yaml:9, a file shared with the Redis on its own host or pod; the socket does not move to redis.prod.example: point it at redis.prod.example over TCP (`redis://redis.prod.example:6379`)"
    );
    // A socket-only Redis (`--port 0`) has no TCP port to name yet.
    let inv = build(&socket_project(), &Options::default());
    let mut res = resource(&inv, "app/compose.yaml#redis").clone();
    res.port = None;
    let change = Change {
        target: res.id.clone(),
        settings: vec![Setting::parse("host", "redis.prod.example").unwrap()],
        ..Change::default()
    };
    impact(&mut res, &change);
    let (_, why) = verdict(&res, "app/compose.yaml#web");
    assert!(
        why.ends_with("over TCP (the port it will serve there: it serves no TCP port today (`--port 0`), so give it one)"),
        "{why}"
    );
    let res = socket_after(&[("auth", "required")]);
    let (v, why) = verdict(&res, "app/compose.yaml#web");
    assert_eq!(v, Verdict::Breaks, "{why}");
    assert_eq!(
        why,
        "connects without a password at app/compose.yaml:9; give it one (from an env_file or a compose secret) before auth is required"
    );
    let (v, why) = verdict(&res, "app/compose.yaml#api");
    assert_eq!(v, Verdict::Ok, "{why}");
    let res = socket_after(&[("decommission", "true")]);
    assert_eq!(verdict(&res, "app/compose.yaml#web").0, Verdict::Breaks);
}

// ---- Redis proxies ----

/// `shop`: `cart` reaches `shop/redis` through the twemproxy Service
/// `redis-proxy`, whose pods reach the Redis; `ml`: `ranker` reaches
/// `ml/features` through an in-house gateway (no known proxy image);
/// `web`: reaches the Service `frontend`, whose pods use no Redis.
fn proxied_world() -> Vec<Fact> {
    let mut twemproxy = workload(
        kube("shop", "Deployment", "twemproxy"),
        &[("app", "tw")],
        None,
    );
    twemproxy.proxy = Some("twemproxy".into());
    vec![
        Fact::Workload(redis(
            workload(
                kube("shop", "StatefulSet", "redis"),
                &[("app", "redis")],
                None,
            ),
            Some(6379),
            None,
        )),
        Fact::Service(service(
            "shop",
            "redis",
            &[("app", "redis")],
            vec![port(6379, None, None)],
        )),
        Fact::Workload(twemproxy),
        Fact::Service(service(
            "shop",
            "redis-proxy",
            &[("app", "tw")],
            vec![port(22121, None, None)],
        )),
        Fact::Workload(workload(
            kube("shop", "Deployment", "cart"),
            &[("app", "cart")],
            None,
        )),
        Fact::Workload(workload(
            kube("shop", "Deployment", "frontend"),
            &[("app", "fe")],
            None,
        )),
        Fact::Service(service(
            "shop",
            "frontend",
            &[("app", "fe")],
            vec![port(6379, None, None)],
        )),
        Fact::Workload(workload(
            kube("shop", "Deployment", "web"),
            &[("app", "web")],
            None,
        )),
        reference(
            kube("shop", "Deployment", "twemproxy"),
            ns("shop"),
            "redis:6379",
            "shop/proxy.yaml",
            12,
        ),
        reference(
            kube("shop", "Deployment", "cart"),
            ns("shop"),
            "redis://redis-proxy:22121/0",
            "shop/cart.yaml",
            20,
        ),
        reference(
            kube("shop", "Deployment", "web"),
            ns("shop"),
            "redis://frontend:6379",
            "shop/web.yaml",
            9,
        ),
        Fact::Workload(redis(
            workload(
                kube("ml", "StatefulSet", "features"),
                &[("app", "features")],
                None,
            ),
            Some(6379),
            None,
        )),
        Fact::Service(service(
            "ml",
            "features",
            &[("app", "features")],
            vec![port(6379, None, None)],
        )),
        Fact::Workload(workload(
            kube("ml", "Deployment", "gateway"),
            &[("app", "gw")],
            None,
        )),
        Fact::Service(service(
            "ml",
            "gateway",
            &[("app", "gw")],
            vec![port(6379, None, None)],
        )),
        Fact::Workload(workload(
            kube("ml", "Deployment", "ranker"),
            &[("app", "ranker")],
            None,
        )),
        reference(
            kube("ml", "Deployment", "gateway"),
            ns("ml"),
            "redis://features:6379",
            "ml/gateway.yaml",
            8,
        ),
        reference(
            kube("ml", "Deployment", "ranker"),
            ns("ml"),
            "redis://gateway:6379/2",
            "ml/ranker.yaml",
            30,
        ),
    ]
}

fn proxied_after(inv: &Inventory, target: &str, set: (&str, &str)) -> Resource {
    let mut res = resource(inv, target).clone();
    let change = Change {
        target: target.into(),
        settings: vec![Setting::parse(set.0, set.1).unwrap()],
        ..Change::default()
    };
    impact(&mut res, &change);
    res
}

#[test]
fn consumers_of_a_proxy_are_consumers_of_the_redis_behind_it() {
    let inv = build(&proxied_world(), &Options::default());
    // The proxy's address is no Redis of its own; a Service in front of
    // pods that use no Redis still is an external resource.
    assert!(!ids(&inv).contains(&"redis-proxy.shop"), "{:?}", ids(&inv));
    assert!(ids(&inv).contains(&"frontend.shop"), "{:?}", ids(&inv));
    let redis = resource(&inv, "shop/redis");
    let cart = consumer(redis, "shop/Deployment/cart");
    assert_eq!(cart.links.len(), 1);
    let link = &cart.links[0];
    assert_eq!(link.proxy.as_deref(), Some("shop/Deployment/twemproxy"));
    assert_eq!(link.endpoint.host, "redis-proxy");
    // The proxy's own hop: the server port it reaches and its TLS.
    assert_eq!((link.server_port, link.tls), (Some(6379), Tls::No));
    assert_eq!(cart.strength, Strength::Indirect);
    assert!(cart.evidence[0].detail.starts_with(
        "through the twemproxy proxy shop/Deployment/twemproxy (the Service shop/redis-proxy), which reaches shop/redis: "
    ), "{}", cart.evidence[0].detail);
    assert!(has_consumer(redis, "shop/Deployment/twemproxy"));
    let said: Vec<(&str, &str)> = inv
        .diagnostics
        .iter()
        .map(|d| (d.code, d.message.as_str()))
        .filter(|(code, _)| matches!(*code, "redis-proxy" | "name-unresolved"))
        .collect();
    assert!(said.iter().any(|(code, m)| *code == "redis-proxy"
        && m.starts_with("`redis-proxy` is the Service shop/redis-proxy, in front of shop/Deployment/twemproxy, a Redis proxy (twemproxy) that reaches shop/redis")), "{said:?}");
    assert!(
        said.iter().any(|(code, m)| *code == "name-unresolved"
            && m.starts_with("`frontend` is the Service shop/frontend")),
        "{said:?}"
    );
    assert!(
        !said
            .iter()
            .any(|(code, m)| *code == "name-unresolved" && m.contains("redis-proxy")),
        "{said:?}"
    );
}

#[test]
fn a_client_addressed_as_a_redis_is_an_inferred_proxy() {
    let inv = build(&proxied_world(), &Options::default());
    assert!(!ids(&inv).contains(&"gateway.ml"), "{:?}", ids(&inv));
    let ranker = consumer(resource(&inv, "ml/features"), "ml/Deployment/ranker");
    assert_eq!(ranker.strength, Strength::Inferred);
    assert!(inv
        .diagnostics
        .iter()
        .any(|d| d.code == "redis-proxy"
            && d.message.contains("taken to be a Redis proxy (inferred")));
}

#[test]
fn a_proxied_consumer_fares_as_its_proxy() {
    let inv = build(&proxied_world(), &Options::default());
    let res = proxied_after(&inv, "shop/redis", ("tls", "required"));
    let (v, why) = verdict(&res, "shop/Deployment/cart");
    assert_eq!(v, Verdict::Breaks, "{why}");
    assert!(
        why.contains("the Redis proxy shop/Deployment/twemproxy, which breaks with this change"),
        "{why}"
    );
    assert!(
        why.contains("`redis-proxy:22121` at shop/cart.yaml:20"),
        "{why}"
    );
    assert_eq!(
        verdict(&res, "shop/Deployment/twemproxy").0,
        Verdict::Breaks
    );
    // A move of the server: the proxy's config must follow, its clients
    // keep their address but fail until it does.
    let res = proxied_after(&inv, "shop/redis", ("host", "redis-new.shop"));
    assert_eq!(
        verdict(&res, "shop/Deployment/twemproxy").0,
        Verdict::Breaks
    );
    assert_eq!(verdict(&res, "shop/Deployment/cart").0, Verdict::Breaks);
    // A port change behind the Service: the proxy is fine once the
    // Service's targetPort follows, and so are its clients.
    let res = proxied_after(&inv, "shop/redis", ("port", "6390"));
    assert_eq!(verdict(&res, "shop/Deployment/twemproxy").0, Verdict::Ok);
    assert_eq!(
        verdict(&res, "shop/Deployment/cart"),
        (Verdict::Ok, String::new())
    );
    // Through an inferred proxy: at risk, never breaks.
    let res = proxied_after(&inv, "ml/features", ("decommission", "true"));
    assert_eq!(verdict(&res, "ml/Deployment/gateway").0, Verdict::Breaks);
    let (v, why) = verdict(&res, "ml/Deployment/ranker");
    assert_eq!(v, Verdict::AtRisk, "{why}");
    assert!(
        why.contains("taken to be a Redis proxy in front of ml/features"),
        "{why}"
    );
}

#[test]
fn a_proxy_that_reaches_no_redis_leaves_its_address_external() {
    let mut facts = proxied_world();
    // Without its own link to the Redis, twemproxy is no proxy of it.
    facts.retain(|f| !matches!(f, Fact::Reference(r) if r.consumer.name == "twemproxy"));
    let inv = build(&facts, &Options::default());
    assert!(ids(&inv).contains(&"redis-proxy.shop"), "{:?}", ids(&inv));
    assert!(!has_consumer(
        resource(&inv, "shop/redis"),
        "shop/Deployment/cart"
    ));
}

// ---- in-cluster names of a Service the scan does not define ----

#[test]
fn every_form_of_an_unscanned_service_name_is_one_external_resource() {
    let facts = vec![
        Fact::Workload(workload(kube("web", "Deployment", "a"), &[], None)),
        Fact::Workload(workload(kube("web", "Deployment", "b"), &[], None)),
        Fact::Workload(workload(kube("platform", "Deployment", "c"), &[], None)),
        Fact::Workload(workload(kube("web", "Deployment", "d"), &[], None)),
        reference(
            kube("web", "Deployment", "a"),
            ns("web"),
            "redis://shared-redis.platform.svc.cluster.local:6379/0",
            "a.yaml",
            15,
        ),
        reference(
            kube("web", "Deployment", "b"),
            ns("web"),
            "redis://shared-redis.platform:6379/1",
            "b.yaml",
            31,
        ),
        reference(
            kube("platform", "Deployment", "c"),
            ns("platform"),
            "redis://shared-redis:6379/2",
            "c.yaml",
            47,
        ),
        reference(
            kube("web", "Deployment", "d"),
            ns("web"),
            "redis://shared-redis.platform.svc:6379/3",
            "d.yaml",
            9,
        ),
    ];
    let inv = build(&facts, &Options::default());
    assert_eq!(ids(&inv), ["shared-redis.platform"]);
    let res = resource(&inv, "shared-redis.platform");
    assert_eq!(
        res.aliases,
        [
            "shared-redis.platform.svc",
            "shared-redis.platform.svc.cluster.local"
        ]
    );
    assert_eq!(res.consumers.len(), 4);
    // Each form names it as a target.
    for target in [
        "shared-redis.platform.svc.cluster.local",
        "shared-redis.platform.svc",
        "shared-redis.platform",
    ] {
        assert_eq!(
            find_target(&inv, target, &Options::default()),
            Ok(0),
            "{target}"
        );
    }
    // A host outside the cluster's names is kept as written.
    let facts = vec![
        Fact::Workload(workload(kube("web", "Deployment", "a"), &[], None)),
        reference(
            kube("web", "Deployment", "a"),
            ns("web"),
            "rediss://cache.prod.example.com:6380",
            "a.yaml",
            3,
        ),
        reference(
            kube("web", "Deployment", "a"),
            ns("web"),
            "redis://queue.svc:6379",
            "a.yaml",
            4,
        ),
    ];
    let inv = build(&facts, &Options::default());
    assert_eq!(ids(&inv), ["cache.prod.example.com", "queue.svc"]);
}

// ---- Sentinels on a port of their own ----

fn sentinel_on_5000(with_monitor: bool) -> Vec<Fact> {
    let mut sentinel = redis(
        workload(
            kube("default", "StatefulSet", "sentinel"),
            &[("app", "sentinel")],
            None,
        ),
        Some(5000),
        None,
    );
    if let Some(server) = &mut sentinel.server {
        server.sentinel = true;
    }
    let mut facts = vec![
        Fact::Workload(redis(
            workload(
                kube("default", "StatefulSet", "redis"),
                &[("app", "redis")],
                None,
            ),
            Some(6379),
            None,
        )),
        Fact::Service(service(
            "default",
            "redis",
            &[("app", "redis")],
            vec![port(6379, None, None)],
        )),
        Fact::Workload(sentinel),
        Fact::Service(service(
            "default",
            "sentinel",
            &[("app", "sentinel")],
            vec![port(5000, None, None)],
        )),
        Fact::Workload(workload(
            kube("default", "Deployment", "go-client"),
            &[],
            None,
        )),
        reference(
            kube("default", "Deployment", "go-client"),
            ns("default"),
            "sentinel:5000",
            "app.yaml",
            17,
        ),
    ];
    if with_monitor {
        facts.push(reference(
            kube("default", "StatefulSet", "sentinel"),
            ns("default"),
            "redis:6379",
            "sentinel.conf",
            3,
        ));
    }
    facts
}

#[test]
fn a_sentinel_on_any_port_passes_its_clients_to_the_primary_it_watches() {
    let inv = build(&sentinel_on_5000(true), &Options::default());
    let redis = resource(&inv, "default/redis");
    let client = consumer(redis, "default/Deployment/go-client");
    assert!(
        client.evidence[0]
            .detail
            .starts_with("through sentinel default/sentinel"),
        "{:?}",
        client.evidence
    );
    assert!(!inv
        .diagnostics
        .iter()
        .any(|d| d.code == "sentinel-primary-unknown"));
}

#[test]
fn a_sentinel_whose_primary_is_unknown_is_said() {
    let inv = build(&sentinel_on_5000(false), &Options::default());
    assert!(!has_consumer(
        resource(&inv, "default/redis"),
        "default/Deployment/go-client"
    ));
    let said: Vec<&Diagnostic> = inv
        .diagnostics
        .iter()
        .filter(|d| d.code == "sentinel-primary-unknown")
        .collect();
    assert_eq!(said.len(), 1, "{:?}", inv.diagnostics);
    assert_eq!(said[0].severity, Severity::Warning);
    assert!(
        said[0]
            .message
            .starts_with("the Sentinel default/sentinel has 1 client(s)"),
        "{}",
        said[0].message
    );
    assert_eq!(
        (said[0].path.as_deref(), said[0].line),
        (Some("manifests.yaml"), Some(1))
    );
}

// ---- one password Secret for a primary and its replicas ----

#[test]
fn a_shared_password_secret_adds_no_replica_to_a_consumer_linked_to_the_primary() {
    let secret = || HintTarget::SecretKey {
        namespace: "default".into(),
        secret: "redis-auth".into(),
        key: "password".into(),
    };
    let facts = vec![
        Fact::Workload(redis(
            workload(
                kube("default", "StatefulSet", "redis-master"),
                &[("role", "master")],
                None,
            ),
            Some(6379),
            None,
        )),
        Fact::Service(service(
            "default",
            "redis-master",
            &[("role", "master")],
            vec![port(6379, None, None)],
        )),
        Fact::Workload(redis(
            workload(
                kube("default", "StatefulSet", "redis-replicas"),
                &[("role", "replica")],
                None,
            ),
            Some(6379),
            None,
        )),
        Fact::Workload(workload(kube("default", "Deployment", "web"), &[], None)),
        reference(
            kube("default", "Deployment", "web"),
            ns("default"),
            "redis-master:6379",
            "web.yaml",
            20,
        ),
        hint(kube("default", "Deployment", "web"), secret(), "web.yaml"),
        // Only the password, no address: either may be the one it uses.
        Fact::Workload(workload(kube("default", "Deployment", "job"), &[], None)),
        hint(kube("default", "Deployment", "job"), secret(), "job.yaml"),
    ];
    let inv = build(&facts, &Options::default());
    let master = resource(&inv, "default/redis-master");
    let replicas = resource(&inv, "default/redis-replicas");
    assert_eq!(
        consumer(master, "default/Deployment/web").strength,
        Strength::Explicit
    );
    assert!(!has_consumer(replicas, "default/Deployment/web"));
    assert_eq!(
        consumer(master, "default/Deployment/job").strength,
        Strength::Inferred
    );
    assert_eq!(
        consumer(replicas, "default/Deployment/job").strength,
        Strength::Inferred
    );
}

// ---- plaintext to a TLS-only port ----

#[test]
fn plaintext_to_a_tls_only_port_fails_today_and_is_at_risk() {
    let facts = vec![
        Fact::Workload(redis(
            workload(
                kube("default", "StatefulSet", "redis"),
                &[("app", "redis")],
                None,
            ),
            None,
            Some(6379),
        )),
        Fact::Service(service(
            "default",
            "redis",
            &[("app", "redis")],
            vec![port(6379, None, None)],
        )),
        Fact::Workload(workload(
            kube("default", "Deployment", "reports"),
            &[],
            None,
        )),
        reference(
            kube("default", "Deployment", "reports"),
            ns("default"),
            "redis://redis:6379/0",
            "reports.yaml",
            52,
        ),
        Fact::Workload(workload(kube("default", "Deployment", "web"), &[], None)),
        reference(
            kube("default", "Deployment", "web"),
            ns("default"),
            "rediss://redis:6379/0",
            "web.yaml",
            12,
        ),
    ];
    let inv = build(&facts, &Options::default());
    let res = proxied_after(&inv, "default/redis", ("tls", "required"));
    let (v, why) = verdict(&res, "default/Deployment/reports");
    assert_eq!(v, Verdict::AtRisk, "{why}");
    assert_eq!(
        why,
        "uses plaintext (redis://) at reports.yaml:52 to port 6379, which the server serves with TLS only: it fails today or is misconfigured; switch it to rediss://redis:6379 and configure the CA"
    );
    assert_eq!(verdict(&res, "default/Deployment/web").0, Verdict::Ok);
}

#[test]
fn a_credential_place_that_says_in_is_not_said_twice() {
    let mut facts = vec![
        Fact::Workload(redis(
            workload(
                kube("default", "StatefulSet", "redis"),
                &[("app", "redis")],
                None,
            ),
            Some(6379),
            None,
        )),
        Fact::Service(service(
            "default",
            "redis",
            &[("app", "redis")],
            vec![port(6379, None, None)],
        )),
        Fact::Workload(workload(kube("default", "Deployment", "web"), &[], None)),
        reference(
            kube("default", "Deployment", "web"),
            ns("default"),
            "redis://redis:6379",
            "web.yaml",
            4,
        ),
    ];
    if let Some(Fact::Reference(r)) = facts.last_mut() {
        r.credential = Some(Credential {
            location: "in build context ./app/.env (copied by app/Dockerfile:3): REDIS_PASSWORD"
                .into(),
            origin: Origin::file("app/.env", 2),
            suspected: false,
        });
    }
    let inv = build(&facts, &Options::default());
    let res = proxied_after(&inv, "default/redis", ("password", "rotate"));
    let (_, why) = verdict(&res, "default/Deployment/web");
    assert!(
        why.starts_with("holds the password in build context ./app/.env"),
        "{why}"
    );
    let res = proxied_after(&inv, "default/redis", ("auth", "required"));
    let (_, why) = verdict(&res, "default/Deployment/web");
    assert!(
        why.starts_with("already authenticates with the password in build context"),
        "{why}"
    );
}

#[test]
fn an_external_port_reached_with_and_without_tls_is_said() {
    let facts = vec![
        Fact::Workload(workload(kube("shop", "Deployment", "cart"), &[], None)),
        reference(
            kube("shop", "Deployment", "cart"),
            ns("shop"),
            "rediss://cache.example.com:6379",
            "cart.yaml",
            18,
        ),
        Fact::Workload(workload(kube("shop", "Deployment", "profile"), &[], None)),
        reference(
            kube("shop", "Deployment", "profile"),
            ns("shop"),
            "redis://cache.example.com:6379",
            "profile.yaml",
            37,
        ),
        // Another port, one way only: nothing to say.
        reference(
            kube("shop", "Deployment", "profile"),
            ns("shop"),
            "redis://cache.example.com:6380",
            "profile.yaml",
            40,
        ),
    ];
    let inv = build(&facts, &Options::default());
    let said: Vec<&Diagnostic> = inv
        .diagnostics
        .iter()
        .filter(|d| d.code == "tls-disagreement")
        .collect();
    assert_eq!(said.len(), 1, "{:?}", inv.diagnostics);
    assert_eq!(
        (said[0].path.as_deref(), said[0].line),
        (Some("profile.yaml"), Some(37))
    );
    assert_eq!(
        said[0].message,
        "cache.example.com port 6379 is reached without TLS by shop/Deployment/profile (here) and with TLS by shop/Deployment/cart (at cart.yaml:18): a Redis port serves one or the other (a managed service in a TLS migration mode may take both), so one of them may fail today, or a TLS setting is out of sight; check which before a TLS change"
    );
}

#[test]
fn reasons_that_differ_only_in_the_line_are_said_once() {
    let said = crate::impact::collapse_places(vec![
        "asks Sentinel on port 26379 at app/redisson.yaml:22, which announces the new port".into(),
        "asks Sentinel on port 26379 at app/redisson.yaml:23, which announces the new port".into(),
        "uses `redis://cache:6379` at app/other.yaml:4; switch to rediss://cache:6380".into(),
        "asks Sentinel on port 26379 at app/redisson.yaml:24, which announces the new port".into(),
        "asks Sentinel on port 26379 at lib/x.yaml:2, which announces the new port".into(),
    ]);
    assert_eq!(
        said,
        [
            "asks Sentinel on port 26379 at app/redisson.yaml:22, 23, 24, which announces the new port",
            "uses `redis://cache:6379` at app/other.yaml:4; switch to rediss://cache:6380",
            "asks Sentinel on port 26379 at lib/x.yaml:2, which announces the new port",
        ]
    );
}

#[test]
fn a_proxy_whose_redis_is_outside_the_scan_still_carries_its_clients() {
    let file = "compose.yaml";
    let svc = |name: &str| ConsumerId::compose(file, name);
    let mut proxy = workload(svc("proxy"), &[], None);
    proxy.proxy = Some("twemproxy".into());
    let facts = vec![
        Fact::Workload(proxy),
        Fact::Workload(workload(svc("app"), &[], None)),
        // `cache` is defined in no scanned file: an external name.
        reference(
            svc("proxy"),
            Scope::Compose(file.into()),
            "cache:6379",
            "nutcracker.yml",
            4,
        ),
        reference(
            svc("app"),
            Scope::Compose(file.into()),
            "redis://proxy:22121",
            file,
            9,
        ),
    ];
    let inv = build(&facts, &Options::default());
    let cache = resource(&inv, "compose.yaml#cache");
    assert!(
        has_consumer(cache, "compose.yaml#app"),
        "{:?}",
        cache.consumers
    );
    assert!(has_consumer(cache, "compose.yaml#proxy"));
    assert!(
        !ids(&inv).contains(&"compose.yaml#proxy"),
        "{:?}",
        ids(&inv)
    );
}

#[test]
fn a_keda_address_from_a_trigger_authentication_is_told_to_set_enable_tls() {
    let mut facts = vec![
        Fact::Workload(redis(
            workload(
                kube("shop", "StatefulSet", "redis"),
                &[("app", "redis")],
                None,
            ),
            Some(6379),
            Some(6380),
        )),
        Fact::Service(service(
            "shop",
            "redis",
            &[("app", "redis")],
            vec![port(6379, None, None), port(6380, None, None)],
        )),
        Fact::Workload(workload(kube("shop", "ScaledObject", "scaler"), &[], None)),
        reference(
            kube("shop", "ScaledObject", "scaler"),
            ns("shop"),
            "redis:6379",
            "keda.yaml",
            30,
        ),
    ];
    if let Some(Fact::Reference(r)) = facts.last_mut() {
        r.evidence.detail =
            "TriggerAuthentication shop/redis-auth parameter address <- secret shop/redis-conn key address = redis:6379".into();
    }
    let inv = build(&facts, &Options::default());
    let res = proxied_after(&inv, "shop/redis", ("tls", "required"));
    let (_, why) = verdict(&res, "shop/ScaledObject/scaler");
    assert!(
        why.contains("set `enableTLS: \"true\"` in its metadata, use the server's port 6380"),
        "{why}"
    );
}

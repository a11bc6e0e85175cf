//! One server with a plain and a TLS port, clients held open with names and
//! users, one from 127.0.0.2 attributed through a pod address.

use crate::harness::{certs, Client, ClientSpec, Server, Spec};
use fallout_core::{ClientObservation, ConsumerId, Origin, PodAddress, Workload};
use fallout_graph::attribute::{attribute, AttributedBy, PodIndex};
use fallout_live::{sample, RedisOptions};

fn find<'a>(obs: &'a [ClientObservation], name: &str) -> &'a ClientObservation {
    obs.iter()
        .find(|o| o.name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no client named {name} in {obs:#?}"))
}

struct Clients {
    _held: Vec<Client>,
    reporting_addr: String,
}

async fn open_clients(server: &Server) -> Clients {
    let tls_port = server.tls_port.unwrap();
    let mut held = Vec::new();
    // A pool of two plain connections.
    for _ in 0..2 {
        held.push(
            Client::connect(ClientSpec {
                port: server.port,
                source: "127.0.0.1",
                tls: false,
                user: Some(("events", "eventspw")),
                name: Some("events-api"),
            })
            .await,
        );
    }
    held.push(
        Client::connect(ClientSpec {
            port: tls_port,
            source: "127.0.0.1",
            tls: true,
            user: Some(("events", "eventspw")),
            name: Some("billing-worker"),
        })
        .await,
    );
    // No name, default user, from another loopback address: a "pod".
    let reporting = Client::connect(ClientSpec {
        port: server.port,
        source: "127.0.0.2",
        tls: false,
        user: Some(("default", "defaultpw")),
        name: None,
    })
    .await;
    let reporting_addr = reporting.local.to_string();
    held.push(reporting);
    Clients {
        _held: held,
        reporting_addr,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn least_privilege_scanner_sees_one_instance_on_two_ports() {
    let server = Server::start(Spec {
        tls: true,
        ..Spec::default()
    });
    let tls_port = server.tls_port.unwrap();
    let clients = open_clients(&server).await;

    let mut opts = RedisOptions::new([
        format!("redis://scanner:scanpw@127.0.0.1:{}", server.port),
        format!("rediss://scanner:scanpw@localhost:{tls_port}"),
    ]);
    opts.ca_file = Some(certs().ca());
    let live = sample(&opts).await.unwrap();

    assert_eq!(live.instances.len(), 1, "{live:#?}");
    let inst = &live.instances[0];
    assert_eq!(
        inst.endpoints,
        [
            format!("127.0.0.1:{}", server.port),
            format!("localhost:{tls_port}")
        ]
    );
    assert!(inst.run_id.as_deref().is_some_and(|r| r.len() == 40));
    assert_eq!(inst.port, Some(server.port));
    assert_eq!(
        inst.tls_port,
        Some(tls_port),
        "known from the rediss:// URL"
    );
    assert_eq!(inst.role.as_deref(), Some("master"));
    assert_eq!(inst.samples, 1);

    // The scanner's two connections are not listed; the four clients are,
    // the pool folded into one observation.
    assert!(
        inst.observations
            .iter()
            .all(|o| o.user.as_deref() != Some("scanner")),
        "{:#?}",
        inst.observations
    );
    assert_eq!(inst.observations.len(), 3, "{:#?}", inst.observations);
    let events = find(&inst.observations, "events-api");
    assert_eq!(events.connections, 2);
    assert_eq!(events.user.as_deref(), Some("events"));
    assert_eq!(events.tls, Some(false));
    assert_eq!(events.server, format!("127.0.0.1:{}", server.port));
    assert_eq!(events.samples, 1);
    assert_eq!(events.first_seen, inst.first_sample);
    assert_eq!(events.last_cmd.as_deref(), Some("client|setname"));
    let billing = find(&inst.observations, "billing-worker");
    assert_eq!(billing.tls, Some(true));
    let reporting = inst.observations.iter().find(|o| o.name.is_none()).unwrap();
    assert_eq!(reporting.addr, clients.reporting_addr);
    assert_eq!(reporting.tls, Some(false));
    assert_eq!(reporting.user.as_deref(), Some("default"));

    // CONFIG GET was refused: said, with what it costs.
    let noperm: Vec<_> = live
        .diagnostics
        .iter()
        .filter(|d| d.code == "redis-noperm")
        .collect();
    assert_eq!(noperm.len(), 1, "{:#?}", live.diagnostics);
    assert!(
        noperm[0].message.contains("CONFIG GET"),
        "{}",
        noperm[0].message
    );
    assert!(noperm[0]
        .message
        .contains(&format!("127.0.0.1:{}", server.port)));

    // Attribution: the 127.0.0.2 client is a pod of `reporting`, the named
    // clients are found by name, nothing is dropped.
    let reporting_id = ConsumerId::kube("analytics", "Deployment", "reporting");
    let pods = PodIndex::from_pods(&[PodAddress {
        ip: "127.0.0.2".into(),
        workload: reporting_id.clone(),
        host_network: false,
        origin: Origin::file("pods.json", 42),
    }]);
    let workload = |id: ConsumerId| Workload {
        id,
        pod_labels: Default::default(),
        labels: Default::default(),
        defined_at: Origin::file("k8s.yaml", 1),
        server: None,
        aliases: vec![],
        scope: fallout_core::Scope::None,
        profiles: vec![],
        proxy: None,
    };
    let workloads = [
        workload(reporting_id.clone()),
        workload(ConsumerId::kube("api", "Deployment", "events-api")),
    ];
    let a = attribute(reporting, &pods, &workloads);
    assert_eq!((a.consumer, a.how), (reporting_id, AttributedBy::PodIp));
    let a = attribute(events, &pods, &workloads);
    assert_eq!(a.how, AttributedBy::ClientName);
    assert_eq!(a.consumer.name, "events-api");
    let a = attribute(billing, &pods, &workloads);
    assert_eq!(a.consumer, ConsumerId::client("127.0.0.1"));

    // Only the plain port given, no CONFIG GET: a client on the other port
    // is on the TLS port, and the diagnostic says it was inferred.
    let opts = RedisOptions::new([format!("redis://scanner:scanpw@127.0.0.1:{}", server.port)]);
    let plain_only = sample(&opts).await.unwrap();
    let inst2 = &plain_only.instances[0];
    assert_eq!(inst2.tls_port, Some(tls_port));
    assert_eq!(find(&inst2.observations, "billing-worker").tls, Some(true));
    assert_eq!(find(&inst2.observations, "events-api").tls, Some(false));
    assert!(
        plain_only.diagnostics[0].message.contains(&format!(
            "clients on port {tls_port} are taken to be on the TLS port"
        )),
        "{:#?}",
        plain_only.diagnostics
    );

    let ev = inst.evidence(events);
    assert!(ev.origin.to_string().starts_with(&format!(
        "redis://127.0.0.1:{} CLIENT LIST at ",
        server.port
    )));
    assert!(ev.detail.contains("(plain)"), "{}", ev.detail);
    assert_eq!(live.facts().len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_reads_the_tls_port_from_config() {
    let server = Server::start(Spec {
        tls: true,
        ..Spec::default()
    });
    let tls_port = server.tls_port.unwrap();
    let _clients = open_clients(&server).await;

    // Only the plain port is named, yet TLS is told apart: CONFIG GET.
    let opts = RedisOptions::new([format!("redis://admin:adminpw@127.0.0.1:{}", server.port)]);
    let live = fallout_live::sample(&opts).await.unwrap();
    assert!(live.diagnostics.is_empty(), "{:#?}", live.diagnostics);
    let inst = &live.instances[0];
    assert_eq!(inst.tls_port, Some(tls_port));
    assert_eq!(find(&inst.observations, "billing-worker").tls, Some(true));
    assert_eq!(find(&inst.observations, "events-api").tls, Some(false));
    assert_eq!(inst.observations.len(), 3);

    // The same through the blocking wrapper, by name and by IP: one instance.
    let opts = RedisOptions::new([
        format!("redis://admin:adminpw@127.0.0.1:{}", server.port),
        format!("redis://admin:adminpw@localhost:{}", server.port),
    ]);
    let live = tokio::task::spawn_blocking(move || fallout_live::sample_blocking(&opts))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(live.instances.len(), 1);
    assert_eq!(live.instances[0].endpoints.len(), 2);
    assert_eq!(live.instances[0].observations.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_certificates_and_hostname_verification() {
    let server = Server::start(Spec {
        tls: true,
        mtls: true,
        bind: "127.0.0.1 127.0.0.3",
        ..Spec::default()
    });
    let tls_port = server.tls_port.unwrap();
    let c = certs();
    let url = format!("rediss://admin:adminpw@localhost:{tls_port}");

    let mut opts = RedisOptions::new([url.clone()]);
    opts.ca_file = Some(c.ca());
    let err = sample(&opts).await.unwrap_err().to_string();
    assert!(
        err.starts_with(&format!("rediss://localhost:{tls_port}: ")),
        "{err}"
    );
    assert!(err.contains("client certificate"), "{err}");
    assert!(!err.contains("adminpw"));

    opts.client_cert = Some(c.file("client.crt"));
    opts.client_key = Some(c.file("client.key"));
    let live = sample(&opts).await.unwrap();
    assert_eq!(live.instances[0].tls_port, Some(tls_port));

    // 127.0.0.3 is not in the certificate: refused unless --redis-insecure.
    opts.urls = vec![format!("rediss://admin:adminpw@127.0.0.3:{tls_port}")];
    let err = sample(&opts).await.unwrap_err().to_string();
    assert!(err.contains("not valid for `127.0.0.3`"), "{err}");
    assert!(err.contains("--redis-insecure"), "{err}");
    opts.insecure = true;
    sample(&opts).await.unwrap();

    // Insecure still checks the chain. The CA given is named as the one
    // that did not sign it, not asked for again.
    opts.ca_file = Some(c.file("other-ca.crt"));
    let err = sample(&opts).await.unwrap_err().to_string();
    assert!(err.contains("not signed by a trusted CA"), "{err}");
    assert!(
        err.contains(&format!(
            "the CA given with --redis-ca ({}) did not sign it",
            c.file("other-ca.crt").display()
        )),
        "{err}"
    );
    assert!(!err.contains("give the CA with --redis-ca"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_only_server_clients_use_tls() {
    // `port 0 --tls-port P`: INFO's tcp_port then reports P.
    let server = Server::start(Spec {
        tls: true,
        no_plain: true,
        ..Spec::default()
    });
    let tls_port = server.tls_port.unwrap();
    let _app = Client::connect(ClientSpec {
        port: tls_port,
        source: "127.0.0.1",
        tls: true,
        user: Some(("events", "eventspw")),
        name: Some("tls-only-app"),
    })
    .await;

    // The least-privilege user: the TLS port is the one reached with rediss://.
    let mut opts = RedisOptions::new([format!("rediss://scanner:scanpw@localhost:{tls_port}")]);
    opts.ca_file = Some(certs().ca());
    let live = sample(&opts).await.unwrap();
    let inst = &live.instances[0];
    assert_eq!(inst.port, None, "no plain port");
    assert_eq!(inst.tls_port, Some(tls_port));
    assert_eq!(find(&inst.observations, "tls-only-app").tls, Some(true));
    assert!(
        live.diagnostics.iter().any(|d| d.message.contains(&format!(
            "the TLS port {tls_port} is known from the rediss:// URL"
        ))),
        "{:#?}",
        live.diagnostics
    );
    // The evidence names the scheme used.
    let ev = inst.evidence(find(&inst.observations, "tls-only-app"));
    assert!(
        ev.origin
            .to_string()
            .starts_with(&format!("rediss://localhost:{tls_port} CLIENT LIST at ")),
        "{}",
        ev.origin
    );
    assert!(ev.detail.contains("(TLS)"), "{}", ev.detail);

    // A user allowed CONFIG GET: port 0, tls-port P.
    let mut opts = RedisOptions::new([format!("rediss://admin:adminpw@localhost:{tls_port}")]);
    opts.ca_file = Some(certs().ca());
    let live = sample(&opts).await.unwrap();
    assert!(live.diagnostics.is_empty(), "{:#?}", live.diagnostics);
    let inst = &live.instances[0];
    assert_eq!(inst.port, None);
    assert_eq!(inst.tls_port, Some(tls_port));
    assert_eq!(find(&inst.observations, "tls-only-app").tls, Some(true));
}

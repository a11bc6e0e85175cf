//! A three-node Redis Cluster: one node named, all three sampled.

use crate::harness::{admin, Client, ClientSpec, Server, Spec};
use fallout_live::{sample, RedisOptions};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_cluster_node_is_discovered_and_sampled() {
    let nodes: Vec<Server> = (0..3)
        .map(|_| {
            Server::start(Spec {
                cluster: true,
                ..Spec::default()
            })
        })
        .collect();
    let ports: Vec<u16> = nodes.iter().map(|n| n.port).collect();
    let dirs: Vec<std::path::PathBuf> = nodes.iter().map(|n| n.dir.clone()).collect();
    let buses: Vec<u16> = nodes.iter().map(|n| n.cluster_port.unwrap()).collect();
    tokio::task::spawn_blocking(move || {
        for (i, range) in [("0", "5460"), ("5461", "10922"), ("10923", "16383")]
            .iter()
            .enumerate()
        {
            let reply = admin(ports[i], &["CLUSTER", "ADDSLOTSRANGE", range.0, range.1]);
            assert!(reply.contains("OK"), "{reply}");
        }
        // A cluster bus port other than port + 10000 must be given to MEET.
        for (port, bus) in ports[1..].iter().zip(&buses[1..]) {
            let (port, bus) = (port.to_string(), bus.to_string());
            let reply = admin(ports[0], &["CLUSTER", "MEET", "127.0.0.1", &port, &bus]);
            assert_eq!(reply.trim(), "OK", "MEET {port} {bus}");
        }
        // Wait until the first node knows the others by address.
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let text = admin(ports[0], &["CLUSTER", "NODES"]);
            let ready = text
                .lines()
                .filter(|l| l.contains("connected") && !l.contains("handshake"))
                .count()
                == 3;
            if ready {
                break;
            }
            if Instant::now() > deadline {
                let logs: Vec<String> = dirs
                    .iter()
                    .map(|d| std::fs::read_to_string(d.join("server.log")).unwrap_or_default())
                    .collect();
                panic!("cluster did not form: {text}\n{}", logs.join("\n----\n"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    })
    .await
    .unwrap();

    let mut held = Vec::new();
    for (i, node) in nodes.iter().enumerate() {
        held.push(
            Client::connect(ClientSpec {
                port: node.port,
                source: "127.0.0.1",
                tls: false,
                user: Some(("events", "eventspw")),
                name: Some(&format!("app-on-node-{i}")),
            })
            .await,
        );
    }

    let opts = RedisOptions::new([format!("redis://admin:adminpw@127.0.0.1:{}", nodes[0].port)]);
    let live = sample(&opts).await.unwrap();
    assert!(live.diagnostics.is_empty(), "{:#?}", live.diagnostics);
    assert_eq!(live.instances.len(), 3, "{live:#?}");
    for (i, node) in nodes.iter().enumerate() {
        let inst = live
            .instances
            .iter()
            .find(|inst| inst.endpoints[0] == format!("127.0.0.1:{}", node.port))
            .unwrap_or_else(|| panic!("node {i} not sampled: {live:#?}"));
        let names: Vec<_> = inst
            .observations
            .iter()
            .filter_map(|o| o.name.as_deref())
            .collect();
        assert_eq!(
            names,
            [format!("app-on-node-{i}")],
            "node {i}: {:#?}",
            inst.observations
        );
        assert_eq!(inst.role.as_deref(), Some("master"));
        if i == 0 {
            assert_eq!(inst.via, None);
        } else {
            assert_eq!(
                inst.via,
                Some(format!("cluster node of 127.0.0.1:{}", nodes[0].port))
            );
        }
    }

    // A scanner that may not run CLUSTER NODES samples the node it was given and says so.
    let opts = RedisOptions::new([format!(
        "redis://scanner:scanpw@127.0.0.1:{}",
        nodes[0].port
    )]);
    let live = sample(&opts).await.unwrap();
    assert_eq!(live.instances.len(), 1);
    assert!(
        live.diagnostics
            .iter()
            .any(|d| d.code == "redis-noperm" && d.message.contains("CLUSTER NODES")),
        "{:#?}",
        live.diagnostics
    );
}

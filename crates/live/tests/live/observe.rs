//! Sampling over a window catches a client that is connected only 0.3 s
//! of every second.

use crate::harness::{Client, ClientSpec, Server, Spec};
use fallout_live::{sample, RedisOptions};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn observe_catches_a_client_that_comes_and_goes() {
    let server = Server::start(Spec::default());
    let port = server.port;
    let stop = Arc::new(AtomicBool::new(false));
    let flicker = {
        let stop = stop.clone();
        tokio::spawn(async move {
            let mut connects = 0;
            while !stop.load(Ordering::Relaxed) {
                let client = Client::connect(ClientSpec {
                    port,
                    source: "127.0.0.1",
                    tls: false,
                    user: Some(("events", "eventspw")),
                    name: Some("cron-reporter"),
                })
                .await;
                connects += 1;
                tokio::time::sleep(Duration::from_millis(300)).await;
                drop(client);
                tokio::time::sleep(Duration::from_millis(700)).await;
            }
            connects
        })
    };
    let _steady = Client::connect(ClientSpec {
        port,
        source: "127.0.0.1",
        tls: false,
        user: Some(("events", "eventspw")),
        name: Some("steady"),
    })
    .await;

    let mut opts = RedisOptions::new([format!("redis://scanner:scanpw@127.0.0.1:{port}")]);
    opts.observe = Some(Duration::from_millis(3000));
    opts.every = Duration::from_millis(100);
    let live = sample(&opts).await.unwrap();
    stop.store(true, Ordering::Relaxed);
    let connects = flicker.await.unwrap();

    let inst = &live.instances[0];
    assert!(
        (28..=31).contains(&inst.samples),
        "{} samples",
        inst.samples
    );
    assert!(inst.first_sample < inst.last_sample, "{inst:?}");
    let steady = inst
        .observations
        .iter()
        .find(|o| o.name.as_deref() == Some("steady"))
        .unwrap();
    assert_eq!(steady.samples, inst.samples);
    assert_eq!(steady.connections, 1);
    let cron = inst
        .observations
        .iter()
        .find(|o| o.name.as_deref() == Some("cron-reporter"))
        .unwrap_or_else(|| panic!("the brief client was missed: {:#?}", inst.observations));
    // Connected 30% of the time: seen in some samples, not all, over
    // several connections merged into one observation.
    assert!(cron.samples >= 3 && cron.samples < inst.samples, "{cron:?}");
    assert!(
        cron.connections >= 2 && cron.connections <= connects,
        "{cron:?} of {connects}"
    );
    assert!(cron.first_seen <= cron.last_seen);
    // A connection caught between connect and AUTH shows up nameless as
    // `default`; every named client is one of the two.
    let mut names: Vec<_> = inst
        .observations
        .iter()
        .filter_map(|o| o.name.as_deref())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["cron-reporter", "steady"],
        "{:#?}",
        inst.observations
    );
    let ev = inst.evidence(cron);
    assert!(
        ev.detail.contains(&format!("of {} samples", inst.samples)),
        "{}",
        ev.detail
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_dies_mid_window_keeps_its_samples_without_a_tls_hint() {
    let server = Server::start(Spec::default());
    let port = server.port;
    let mut opts = RedisOptions::new([format!("redis://admin:adminpw@127.0.0.1:{port}")]);
    opts.observe = Some(Duration::from_secs(4));
    opts.every = Duration::from_millis(200);
    let killer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(900));
        crate::harness::admin(port, &["SHUTDOWN", "NOSAVE"]);
    });
    let live = sample(&opts).await.unwrap();
    killer.join().unwrap();
    assert!(live.instances[0].samples >= 2, "{live:#?}");
    let stopped: Vec<_> = live
        .diagnostics
        .iter()
        .filter(|d| d.code == "redis-sampling-stopped")
        .collect();
    assert_eq!(stopped.len(), 1, "{:#?}", live.diagnostics);
    let message = &stopped[0].message;
    assert!(!message.contains("TLS"), "{message}");
    assert!(!message.contains("rediss://"), "{message}");
    drop(server);
}

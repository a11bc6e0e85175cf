//! Sentinel: the sentinels name the master and its replica; both are sampled.

use crate::harness::{Server, Spec};
use fallout_live::{sample, RedisOptions};
use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Sentinel {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Sentinel {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_sentinel(master_port: u16) -> Sentinel {
    for _ in 0..8 {
        let dir = tempfile::tempdir().unwrap();
        let port = crate::harness::free_port();
        let conf = dir.path().join("sentinel.conf");
        let mut f = std::fs::File::create(&conf).unwrap();
        writeln!(
            f,
            "port {port}\nbind 127.0.0.1\ndir {}\nlogfile sentinel.log\nsentinel monitor mymaster 127.0.0.1 {master_port} 1\nsentinel auth-user mymaster admin\nsentinel auth-pass mymaster adminpw\nsentinel down-after-milliseconds mymaster 60000",
            dir.path().display()
        )
        .unwrap();
        let child = Command::new("redis-server")
            .arg(&conf)
            .arg("--sentinel")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut s = Sentinel {
            child,
            port,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = s.child.try_wait() {
                break;
            }
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return s;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        drop(s.child.kill());
    }
    panic!("sentinel did not start");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sentinel_names_master_and_replicas() {
    let master = Server::start(Spec::default());
    let replica = Server::start(Spec {
        extra: vec![
            format!("replicaof 127.0.0.1 {}", master.port),
            "masteruser admin".into(),
            "masterauth adminpw".into(),
        ],
        ..Spec::default()
    });
    let sentinel = start_sentinel(master.port);

    // The sentinel learns the replica from the master's INFO, within a second or so.
    let url = format!(
        "redis+sentinel://admin:adminpw@127.0.0.1:{}/mymaster",
        sentinel.port
    );
    let deadline = Instant::now() + Duration::from_secs(15);
    let live = loop {
        let live = sample(&RedisOptions::new([url.clone()])).await.unwrap();
        if live.instances.len() == 2 || Instant::now() > deadline {
            break live;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(live.instances.len(), 2, "{live:#?}");
    let m = &live.instances[0];
    assert_eq!(m.endpoints, [format!("127.0.0.1:{}", master.port)]);
    assert_eq!(m.role.as_deref(), Some("master"));
    assert!(
        m.via
            .as_deref()
            .unwrap()
            .starts_with("master mymaster via redis+sentinel://admin:***@"),
        "{:?}",
        m.via
    );
    // The replica's link and the sentinel's own connections are clients of the master.
    assert!(
        m.observations
            .iter()
            .any(|o| o.flags.as_deref() == Some("S")),
        "{:#?}",
        m.observations
    );
    assert!(m.observations.iter().any(|o| o
        .name
        .as_deref()
        .is_some_and(|n| n.starts_with("sentinel-"))));
    let r = &live.instances[1];
    assert_eq!(r.endpoints, [format!("127.0.0.1:{}", replica.port)]);
    assert_eq!(r.role.as_deref(), Some("replica"));

    // An unknown master name is an error naming the sentinel.
    let err = sample(&RedisOptions::new([format!(
        "redis+sentinel://127.0.0.1:{}/nosuch",
        sentinel.port
    )]))
    .await
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "redis://127.0.0.1:{}: the sentinel knows no master named `nosuch`",
            sentinel.port
        )
    );
}

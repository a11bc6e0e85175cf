//! Benchmark of the live path, one command:
//! `cargo run --release -p fallout-live --bin live-bench`.
//!
//! 1. Parses and merges a 10,000-client `CLIENT LIST` (Redis 7.2 format).
//! 2. Starts 50 local `redis-server` processes on free loopback ports, holds
//!    20 client connections open on each, and samples all 50 concurrently:
//!    once, then over a 2 s window every 100 ms.
//! 3. Samples one server holding 5,000 real connections.
//!
//! Every server is killed when the run ends. Needs `redis-server` on PATH.
#![allow(clippy::print_stdout)]

use fallout_live::{from_dump, sample, RedisOptions};
use fallout_scan::client_list::parse_client_list;
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    parse_bench();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(fleet_bench(50, 20));
    runtime.block_on(fleet_bench(1, 5_000));
}

fn client_list(n: usize) -> String {
    let mut text = String::with_capacity(n * 330);
    for i in 0..n {
        let (a, b) = (i / 250 % 250, i % 250);
        text.push_str(&format!(
            "id={} addr=10.{a}.{b}.7:{} laddr=10.0.0.5:{} fd={} name=svc-{}-7d9f8b6c4-x2x9z age={} idle={} flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 watch=0 qbuf=0 qbuf-free=20474 argv-mem=0 multi-mem=0 rbs=1024 rbp=42 obl=0 oll=0 omem=0 tot-mem=22400 events=r cmd=get user=svc{} redir=-1 resp=2 lib-name=redis-py lib-ver=5.0.{} io-thread=0\n",
            i + 3,
            30_000 + i % 30_000,
            if i % 3 == 0 { 6380 } else { 6379 },
            i + 8,
            i % 400,
            i * 7 % 86_400,
            i % 60,
            i % 40,
            i % 9,
        ));
    }
    text
}

fn parse_bench() {
    let text = client_list(10_000);
    let rounds = 50;
    let start = Instant::now();
    let mut n = 0;
    for _ in 0..rounds {
        n += parse_client_list(&text).expect("parses").len();
    }
    let parse = start.elapsed() / rounds;
    let start = Instant::now();
    let mut observations = 0;
    for _ in 0..rounds {
        observations = from_dump("bench", &text).expect("parses").instances[0]
            .observations
            .len();
    }
    let dump = start.elapsed() / rounds;
    println!(
        "CLIENT LIST of 10,000 clients ({:.1} MiB)",
        text.len() as f64 / 1048576.0
    );
    println!(
        "  parse:           {:>8.2} ms  ({:.1} M clients/s; {} clients)",
        ms(parse),
        n as f64 / rounds as f64 / parse.as_secs_f64() / 1e6,
        n / rounds as usize
    );
    println!(
        "  parse + merge:   {:>8.2} ms  ({observations} observations after merging pools)",
        ms(dump)
    );
}

struct Server(Child, u16);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_server(maxclients: usize) -> Server {
    for _ in 0..8 {
        let port = loop {
            let p = TcpListener::bind("127.0.0.1:0")
                .expect("bind")
                .local_addr()
                .expect("addr")
                .port();
            if p != 6379 {
                break p;
            }
        };
        let child = Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .args([
                "--maxclients",
                &(maxclients + 100).to_string(),
                "--loglevel",
                "warning",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server on PATH");
        let mut server = Server(child, port);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = server.0.try_wait() {
                break;
            }
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return server;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
    panic!("redis-server did not start");
}

async fn fleet_bench(servers: usize, clients_each: usize) {
    let started = Instant::now();
    let fleet: Vec<Server> = (0..servers).map(|_| start_server(clients_each)).collect();
    let mut held = Vec::with_capacity(servers * clients_each);
    for server in &fleet {
        for _ in 0..clients_each {
            held.push(
                tokio::net::TcpStream::connect(("127.0.0.1", server.1))
                    .await
                    .expect("client connects"),
            );
        }
    }
    // Let the servers register every connection.
    tokio::time::sleep(Duration::from_millis(300)).await;
    println!(
        "\n{servers} local redis-server(s), {clients_each} clients held on each (set up in {:.1} s)",
        started.elapsed().as_secs_f64()
    );
    let urls: Vec<String> = fleet
        .iter()
        .map(|s| format!("redis://127.0.0.1:{}", s.1))
        .collect();

    let opts = RedisOptions::new(urls.clone());
    let mut best = Duration::MAX;
    let mut seen = 0;
    let mut connections = 0;
    for _ in 0..5 {
        let start = Instant::now();
        let live = sample(&opts).await.expect("samples");
        best = best.min(start.elapsed());
        let all: Vec<_> = live
            .instances
            .iter()
            .flat_map(|i| &i.observations)
            .collect();
        seen = all.len();
        connections = all.iter().map(|o| o.connections).sum::<u32>();
    }
    println!(
        "  one sample, all concurrently (connect, INFO, CONFIG GET, ROLE, CLIENT LIST): {:>7.1} ms best of 5; {connections} connections seen, merged into {seen} observations (same IP, name, user)",
        ms(best)
    );

    let mut opts = RedisOptions::new(urls);
    opts.observe = Some(Duration::from_secs(2));
    opts.every = Duration::from_millis(100);
    let start = Instant::now();
    let live = sample(&opts).await.expect("samples");
    let took = start.elapsed();
    let samples: u32 = live.instances.iter().map(|i| i.samples).sum();
    println!(
        "  --observe 2s --every 100ms: {:.2} s wall, {samples} CLIENT LIST samples in all ({:.0} per instance)",
        took.as_secs_f64(),
        samples as f64 / live.instances.len() as f64
    );
    drop(held);
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

//! A Unix socket is a file: it names the Redis that serves that very file
//! through a volume both mount (one compose project, one pod), and no
//! other (fixtures/unix-socket, and one case per test below).

mod common;

use common::{diagnostics, files, fixture, load, references};
use fallout_core::Fact;
use fallout_scan::k8s::Options;
use fallout_scan::{scan_files, Scanned};

fn scan_fixture() -> Scanned {
    scan_files(
        &load(&fixture("unix-socket")),
        Vec::new(),
        &Options::default(),
    )
}

fn scan(list: &[(&str, &str)]) -> Scanned {
    scan_files(&files(list), Vec::new(), &Options::default())
}

fn messages(s: &Scanned, code: &str) -> Vec<String> {
    s.diagnostics
        .iter()
        .filter(|d| d.code == code)
        .map(|d| d.message.clone())
        .collect()
}

fn sockets(s: &Scanned) -> Vec<(String, String)> {
    s.facts
        .iter()
        .filter_map(|f| match f {
            Fact::Workload(w) => w
                .server
                .as_ref()
                .and_then(|srv| Some((w.id.to_string(), srv.unixsocket.as_deref()?.to_string()))),
            _ => None,
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}

#[test]
fn servers_say_where_their_socket_is() {
    let s = scan_fixture();
    assert_eq!(
        sockets(&s),
        [
            (
                "compose/docker-compose.yml#redis".to_string(),
                "/run/redis/redis.sock".to_string()
            ),
            (
                "shop/Deployment/storefront".into(),
                "/sock/redis.sock".into()
            ),
        ]
    );
    // redis.conf mounted beside the server, and REDIS_ARGS
    let s = scan(&[
        ("compose.yaml", "services:\n  a:\n    image: redis:7\n    command: redis-server /usr/local/etc/redis/redis.conf\n    volumes:\n      - ./redis.conf:/usr/local/etc/redis/redis.conf\n  b:\n    image: redis/redis-stack-server\n    environment:\n      REDIS_ARGS: \"--unixsocket /tmp/b.sock\"\n"),
        ("redis.conf", "port 0\nunixsocket \"/var/run/redis/a.sock\"\nunixsocketperm 700\n"),
    ]);
    assert_eq!(
        sockets(&s),
        [
            (
                "compose.yaml#a".to_string(),
                "/var/run/redis/a.sock".to_string()
            ),
            ("compose.yaml#b".into(), "/tmp/b.sock".into()),
        ]
    );
}

#[test]
fn a_shared_volume_links_the_socket_to_its_redis() {
    let s = scan_fixture();
    assert_eq!(
        references(&s),
        [
            "compose/docker-compose.yml#web -> /run/redis/redis.sock db=2 tls=no explicit compose/docker-compose.yml:9 | env REDIS_URL = unix:///run/redis/redis.sock?db=2 (the socket in volume sock, served there by service redis) [network of compose/docker-compose.yml#redis]",
            // the same volume at another folder; the password never shows
            "compose/docker-compose.yml#worker -> /var/run/redis/redis.sock db=1 tls=no explicit compose/docker-compose.yml:15 | env CELERY_BROKER_URL = redis+socket://:***@/var/run/redis/redis.sock?virtual_host=1 (the socket in volume sock, served there by service redis) [credential compose/docker-compose.yml:15] [network of compose/docker-compose.yml#redis]",
            "shop/Deployment/storefront -> /var/run/redis/redis.sock tls=no explicit k8s/shop.yaml:24 | env REDIS_HOST = /var/run/redis/redis.sock (container php, the socket in volume redis-sock, served there by the Redis in its own pod) [credential k8s/shop.yaml:25] [network of shop/Deployment/storefront]",
        ]
    );
    assert!(!format!("{:?}", s.facts).contains("hunter2"));
}

#[test]
fn a_socket_no_volume_shares_is_a_warning_and_no_link() {
    let s = scan_fixture();
    let d = diagnostics(&s);
    assert!(
        d.contains(&"warning socket-unlinked compose/docker-compose.yml:24".to_string()),
        "{d:?}"
    );
    assert!(
        d.contains(&"warning socket-unlinked k8s/shop.yaml:53".to_string()),
        "{d:?}"
    );
    assert_eq!(
        {
            let mut m = messages(&s, "socket-unlinked");
            m.sort();
            m
        },
        [
            "env REDIS_SOCKET = /run/redis/redis.sock names the Unix socket /run/redis/redis.sock, and service cron mounts no volume at /run/redis: the socket is a file of its own container, which no Redis service of the project can serve (a Redis inside that container may): linked to no Redis; share the socket's folder with the Redis service through a volume both mount (and set its `unixsocket` there), or name the Redis by host and port",
            "env REDIS_URL = unix:///var/run/redis/redis.sock names the Unix socket /var/run/redis/redis.sock, and no container of shop/CronJob/sitemap runs a Redis (a socket is a file no other pod can reach): linked to no Redis; mount the socket's folder from a volume the Redis container mounts too (an emptyDir) and set its `unixsocket` there, or name the Redis by host and port",
        ]
    );
    assert!(references(&s)
        .iter()
        .all(|r| !r.contains("#cron") && !r.contains("sitemap")));
}

/// The same path in two containers is two files unless a volume makes it
/// one: a Redis that mounts the volume elsewhere, or serves another file,
/// or serves no socket at all, is not linked.
#[test]
fn the_same_path_without_the_same_file_is_not_linked() {
    let compose = |redis_volumes: &str, command: &str| {
        format!("services:\n  redis:\n    image: redis:7\n    command: {command}\n    volumes: {redis_volumes}\n  app:\n    image: app\n    environment:\n      REDIS_URL: unix:///run/redis/redis.sock\n    volumes: [\"sock:/run/redis\"]\nvolumes: {{sock: {{}}, other: {{}}}}\n")
    };
    let cases = [
        // another volume at the same folder
        ("[\"other:/run/redis\"]", "redis-server --unixsocket /run/redis/redis.sock", "no Redis service of the project mounts volume sock, where it is"),
        // the same volume, another file in it
        ("[\"sock:/run/redis\"]", "redis-server --unixsocket /run/redis/other.sock", "service redis mounts volume sock too, but its socket is /run/redis/other.sock, another file"),
        // no socket at all
        ("[\"sock:/run/redis\"]", "redis-server", "service redis mounts volume sock too, but serves no socket the scan sees"),
    ];
    for (volumes, command, why) in cases {
        let s = scan(&[("compose.yaml", &compose(volumes, command))]);
        assert!(references(&s).is_empty(), "{command}: {:?}", references(&s));
        let said = messages(&s, "socket-unlinked");
        assert!(
            said.len() == 1 && said[0].contains(why),
            "{command}: {said:?}"
        );
    }
    // volumes_from shares the Redis's volumes: linked
    let s = scan(&[(
        "compose.yaml",
        "services:\n  redis:\n    image: redis:7\n    command: redis-server --unixsocket /run/redis/redis.sock\n    volumes: [\"sock:/run/redis\"]\n  app:\n    image: app\n    volumes_from: [\"redis:ro\"]\n    environment:\n      REDIS_URL: unix:///run/redis/redis.sock\nvolumes: {sock: {}}\n",
    )]);
    assert_eq!(references(&s).len(), 1, "{:?}", s.diagnostics);
}

/// In a pod: the socket file of the Redis container is the app's only
/// through a volume both mount (subPath counted); a host path naming the
/// same path in another pod is not.
#[test]
fn a_pod_shares_its_socket_through_a_volume_only() {
    let pod = |app_mount: &str| {
        format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: p, namespace: ns}}\nspec:\n  containers:\n    - name: redis\n      image: redis:7\n      command: [redis-server, --unixsocket, /sock/r/redis.sock]\n      volumeMounts: [{{name: s, mountPath: /sock, subPath: x}}]\n    - name: app\n      image: app\n      env: [{{name: REDIS_URL, value: \"unix:///run/r/redis.sock\"}}]\n      volumeMounts: [{app_mount}]\n  volumes: [{{name: s, emptyDir: {{}}}}, {{name: t, emptyDir: {{}}}}]\n")
    };
    let s = scan(&[("p.yaml", &pod("{name: s, mountPath: /run, subPath: x}"))]);
    assert_eq!(references(&s).len(), 1, "{:?}", s.diagnostics);
    for mount in [
        "{name: s, mountPath: /run}",
        "{name: t, mountPath: /run, subPath: x}",
    ] {
        let s = scan(&[("p.yaml", &pod(mount))]);
        assert!(references(&s).is_empty(), "{mount}");
        let said = messages(&s, "socket-unlinked");
        assert!(
            said.len() == 1
                && said[0].contains("serves its socket at /sock/r/redis.sock, another file"),
            "{mount}: {said:?}"
        );
    }
    // the Redis container's own socket is part of it, not a consumer's
    let s = scan(&[("p.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns}\nspec:\n  containers:\n    - name: redis\n      image: redis:7\n      env: [{name: REDIS_SOCKET, value: /sock/redis.sock}]\n      command: [redis-server, --unixsocket, /sock/redis.sock]\n")]);
    assert!(references(&s).is_empty());
    assert!(messages(&s, "socket-unlinked").is_empty());
}

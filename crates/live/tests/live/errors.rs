//! Failures name the server and the cause, and never the password.

use crate::harness::{certs, free_port, Server, Spec};
use fallout_live::{sample, LiveError, Password, RedisOptions};

fn no_secret(err: &LiveError, secret: &str) {
    let shown = format!("{err}\n{err:?}");
    assert!(!shown.contains(secret), "password leaked: {shown}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_and_permissions() {
    let server = Server::start(Spec::default());
    let server_name = format!("redis://127.0.0.1:{}", server.port);

    // Wrong password in the URL.
    let secret = "hunter2-wrong";
    let opts = RedisOptions::new([format!("redis://admin:{secret}@127.0.0.1:{}", server.port)]);
    assert!(!format!("{opts:?}").contains(secret), "{opts:?}");
    let err = sample(&opts).await.unwrap_err();
    assert!(matches!(err, LiveError::WrongPass { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!("{server_name}: authentication failed for user `admin`: wrong password, or no such user, or the user is disabled (WRONGPASS)")
    );
    no_secret(&err, secret);

    // Wrong password from the environment-style fallback.
    let mut opts = RedisOptions::new([format!("redis://127.0.0.1:{}", server.port)]);
    opts.password = Some(Password::new("env-secret-value"));
    let err = sample(&opts).await.unwrap_err();
    assert!(matches!(err, LiveError::WrongPass { .. }), "{err:?}");
    assert!(!format!("{opts:?}").contains("env-secret-value"));
    no_secret(&err, "env-secret-value");

    // No password at all.
    let err = sample(&RedisOptions::new([format!(
        "redis://127.0.0.1:{}",
        server.port
    )]))
    .await
    .unwrap_err();
    assert!(matches!(err, LiveError::NoAuth { .. }), "{err:?}");
    assert!(err.to_string().starts_with(&server_name), "{err}");

    // A user that may not run CLIENT LIST.
    let err = sample(&RedisOptions::new([format!(
        "redis://nolist:nolistpw@127.0.0.1:{}",
        server.port
    )]))
    .await
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("{server_name}: user `nolist` may not run CLIENT LIST (NOPERM); allow it with `ACL SETUSER nolist +client|list`")
    );
    no_secret(&err, "nolistpw");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_and_wrong_protocol() {
    let server = Server::start(Spec {
        tls: true,
        ..Spec::default()
    });
    let tls_port = server.tls_port.unwrap();
    let secret = "adminpw";

    // Nothing listens.
    let dead = free_port();
    let err = sample(&RedisOptions::new([format!(
        "redis://admin:{secret}@127.0.0.1:{dead}"
    )]))
    .await
    .unwrap_err();
    assert!(matches!(err, LiveError::Refused { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!("redis://127.0.0.1:{dead}: connection refused (is Redis listening on this address and port?)")
    );
    no_secret(&err, secret);

    // TLS to the plain port.
    let mut opts =
        RedisOptions::new([format!("rediss://admin:{secret}@localhost:{}", server.port)]);
    opts.ca_file = Some(certs().ca());
    opts.connect_timeout = std::time::Duration::from_secs(1);
    let err = sample(&opts).await.unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with(&format!("rediss://localhost:{}: ", server.port)),
        "{text}"
    );
    assert!(text.contains("TLS handshake"), "{text}");
    assert!(text.contains("plain port"), "{text}");
    no_secret(&err, secret);

    // Plain to the TLS port.
    let err = sample(&RedisOptions::new([format!(
        "redis://admin:{secret}@127.0.0.1:{tls_port}"
    )]))
    .await
    .unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with(&format!("redis://127.0.0.1:{tls_port}: ")),
        "{text}"
    );
    assert!(text.contains("rediss://"), "{text}");
    no_secret(&err, secret);

    // Unknown CA: the system roots do not know the test CA.
    let err = sample(&RedisOptions::new([format!(
        "rediss://admin:{secret}@localhost:{tls_port}"
    )]))
    .await
    .unwrap_err();
    assert!(err.to_string().contains("--redis-ca"), "{err}");

    // Several failures are all reported, one per line.
    let err = sample(&RedisOptions::new([
        format!("redis://admin:{secret}@127.0.0.1:{dead}"),
        format!("redis://admin:wrong-{secret}@127.0.0.1:{}", server.port),
    ]))
    .await
    .unwrap_err();
    assert!(
        matches!(err, LiveError::Several(ref e) if e.len() == 2),
        "{err:?}"
    );
    assert_eq!(err.to_string().lines().count(), 2);
    no_secret(&err, secret);

    // Not a Redis URL: the URL is shown redacted.
    let err = sample(&RedisOptions::new([format!("http://admin:{secret}@x")]))
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with("http://admin:***@x: "), "{err}");
    no_secret(&err, secret);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_for_a_server_without_one_is_harmless() {
    let server = Server::start(Spec {
        extra: vec!["user default on nopass ~* &* +@all".into()],
        ..Spec::default()
    });
    let mut opts = RedisOptions::new([format!("redis://127.0.0.1:{}", server.port)]);
    opts.password = Some(Password::new("from-the-environment"));
    let live = sample(&opts).await.unwrap();
    assert_eq!(live.instances.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_url_user_logs_in_whatever_the_password_source() {
    // `default` takes any password: a one-argument AUTH would get in.
    let server = Server::start(Spec {
        extra: vec!["user default on nopass ~* &* +@all".into()],
        ..Spec::default()
    });
    let port = server.port;
    let scanner_ran = |live: &fallout_live::LiveRedis| {
        // Only `scanner` is refused CONFIG GET.
        live.diagnostics
            .iter()
            .any(|d| d.code == "redis-noperm" && d.message.contains("user `scanner`"))
    };

    // The password from the environment (`FALLOUT_REDIS_PASSWORD`,
    // `REDISCLI_AUTH`), the user from the URL.
    let mut opts = RedisOptions::new([format!("redis://scanner@127.0.0.1:{port}")]);
    opts.password = Some(Password::new("scanpw"));
    let live = sample(&opts).await.unwrap();
    assert!(scanner_ran(&live), "{:#?}", live.diagnostics);

    // `?password=`.
    let opts = RedisOptions::new([format!("redis://scanner@127.0.0.1:{port}?password=scanpw")]);
    let live = sample(&opts).await.unwrap();
    assert!(scanner_ran(&live), "{:#?}", live.diagnostics);

    // A wrong password, or a user that does not exist, is WRONGPASS for
    // that user, not a quiet login as `default`.
    for (user, pass) in [("scanner", "totally-wrong"), ("ghost", "x")] {
        let mut opts = RedisOptions::new([format!("redis://{user}@127.0.0.1:{port}")]);
        opts.password = Some(Password::new(pass));
        let err = sample(&opts).await.unwrap_err();
        assert!(matches!(err, LiveError::WrongPass { .. }), "{err:?}");
        assert!(
            err.to_string()
                .contains(&format!("authentication failed for user `{user}`")),
            "{err}"
        );
        no_secret(&err, pass);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renamed_client_command_says_what_to_do() {
    let server = Server::start(Spec {
        extra: vec!["rename-command CLIENT \"\"".into()],
        ..Spec::default()
    });
    let err = sample(&RedisOptions::new([format!(
        "redis://admin:adminpw@127.0.0.1:{}",
        server.port
    )]))
    .await
    .unwrap_err()
    .to_string();
    assert!(
        err.starts_with(&format!(
            "redis://127.0.0.1:{}: CLIENT LIST failed: ",
            server.port
        )),
        "{err}"
    );
    assert!(err.contains("renamed or disabled"), "{err}");
    assert!(err.contains("+client|list"), "{err}");
    assert!(err.contains("--client-list"), "{err}");
}

/// A port where another service answers (HTTP), one that takes the
/// connection and says nothing, and a port no TCP port can be: each error
/// says what to check (they were a parser dump, a bare timeout, and "not a
/// Redis URL").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_services_and_silence_say_what_to_check() {
    use std::io::{Read, Write};
    // Above the ports the harness hands to redis-server (< 55,000): a
    // listener of ours must not take one a server is about to bind.
    let listener = || {
        let start = 55_000 + (std::process::id() % 1000) as u16;
        (start..61_000)
            .chain(55_000..start)
            .find_map(|p| std::net::TcpListener::bind(("127.0.0.1", p)).ok())
            .expect("a free port above 55,000")
    };
    let http = listener();
    let http_port = http.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut s in http.incoming().flatten() {
            let mut buf = [0u8; 256];
            let _ = s.read(&mut buf);
            let _ = s.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        }
    });
    let err = sample(&RedisOptions::new([format!(
        "redis://127.0.0.1:{http_port}"
    )]))
    .await
    .unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with(&format!("redis://127.0.0.1:{http_port}: "))
            && text.contains("not Redis's protocol (RESP): another service")
            && text.lines().count() == 1,
        "{text}"
    );

    let silent = listener();
    let silent_port = silent.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in silent.incoming().flatten() {
            held.push(s);
        }
    });
    let mut opts = RedisOptions::new([format!("redis://127.0.0.1:{silent_port}")]);
    opts.command_timeout = std::time::Duration::from_millis(500);
    let err = sample(&opts).await.unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("timed out") && text.contains("nothing answered: is it a Redis?"),
        "{text}"
    );

    let err = sample(&RedisOptions::new(["redis://127.0.0.1:99999"]))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "redis://127.0.0.1:99999: port 99999 is not a TCP port (1-65535); Redis listens on 6379 unless told otherwise"
    );
    // A password that looks like a port is no port: credentials end at the
    // last `@`.
    let err = sample(&RedisOptions::new(["redis://:70000/x@127.0.0.1:99999"]))
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("port 99999") && !text.contains("70000"),
        "{text}"
    );
}

/// An X.509 v1 client certificate (plain `openssl x509 -req`, no
/// extensions) is said as such, with how to make a v3 one (it was "the
/// certificate and key do not go together", though they do).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_version_1_client_certificate_is_said_as_such() {
    let c = certs();
    let dir = tempfile::tempdir().unwrap();
    let v1 = dir.path().join("v1.crt");
    let out = std::process::Command::new("openssl")
        .args(["x509", "-req", "-in"])
        .arg(c.file("client.csr"))
        .arg("-CA")
        .arg(c.ca())
        .arg("-CAkey")
        .arg(c.file("ca.key"))
        .args(["-CAcreateserial", "-days", "2", "-out"])
        .arg(&v1)
        .output()
        .expect("openssl on PATH");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let server = Server::start(Spec {
        tls: true,
        ..Spec::default()
    });
    let mut opts = RedisOptions::new([format!(
        "rediss://admin:adminpw@localhost:{}",
        server.tls_port.unwrap()
    )]);
    opts.ca_file = Some(c.ca());
    opts.client_cert = Some(v1.clone());
    opts.client_key = Some(c.file("client.key"));
    let err = sample(&opts).await.unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with(&format!("{}: an X.509 version 1 certificate", v1.display()))
            && text.contains("make it version 3"),
        "{text}"
    );
}

//! Real `redis-server` processes on free loopback ports, certificates made
//! with the `openssl` CLI, and raw clients that hold connections open.
//! Every server is killed when its guard drops.

use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use tempfile::TempDir;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};

/// A free port: bind port 0, read it, let it go. Another process may take
/// it before the server does; `Server::start` retries when that happens.
pub fn free_port() -> u16 {
    loop {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        // 6379 belongs to another Redis on this machine; cluster bus ports
        // are chosen separately, so any other port will do.
        if port != 6379 && port < 55_000 {
            return port;
        }
    }
}

pub struct Certs {
    pub dir: PathBuf,
    _keep: TempDir,
}

impl Certs {
    pub fn ca(&self) -> PathBuf {
        self.dir.join("ca.crt")
    }
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

/// A CA, a server certificate for `localhost` and `127.0.0.1`, a client
/// certificate, and a second CA nobody trusts. Made once per test run.
pub fn certs() -> &'static Certs {
    static CERTS: OnceLock<Certs> = OnceLock::new();
    CERTS.get_or_init(|| {
        let keep = tempfile::tempdir().unwrap();
        let dir = keep.path().to_path_buf();
        let run = |args: &[&str]| {
            let out = Command::new("openssl")
                .args(args)
                .current_dir(&dir)
                .output()
                .expect("openssl on PATH");
            assert!(
                out.status.success(),
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
        for ca in ["ca", "other-ca"] {
            let mut args = vec!["req", "-x509"];
            args.extend(ec);
            let key = format!("{ca}.key");
            let crt = format!("{ca}.crt");
            let subj = format!("/CN=fallout test {ca}");
            args.extend([
                "-keyout", &key, "-out", &crt, "-days", "2", "-subj", &subj,
                "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ]);
            run(&args);
        }
        for (leaf, san, usage) in [
            ("server", "DNS:localhost,IP:127.0.0.1", "serverAuth"),
            ("client", "DNS:fallout-scanner", "clientAuth"),
        ] {
            let mut args = vec!["req"];
            args.extend(ec);
            let key = format!("{leaf}.key");
            let csr = format!("{leaf}.csr");
            args.extend(["-keyout", &key, "-out", &csr, "-subj", "/CN=fallout-test"]);
            run(&args);
            let ext = format!("{leaf}.ext");
            std::fs::write(
                dir.join(&ext),
                format!("subjectAltName={san}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage={usage}\n"),
            )
            .unwrap();
            let crt = format!("{leaf}.crt");
            run(&[
                "x509", "-req", "-in", &csr, "-CA", "ca.crt", "-CAkey", "ca.key",
                "-CAcreateserial", "-out", &crt, "-days", "2", "-extfile", &ext,
            ]);
        }
        Certs { dir, _keep: keep }
    })
}

/// ACL users every test server has. The scanner may run only what the
/// docs' least-privilege line grants.
pub const USERS: &[&str] = &[
    "user default on >defaultpw ~* &* +@all",
    "user admin on >adminpw ~* &* +@all",
    "user scanner on >scanpw -@all +client|list +client|id +info +ping",
    "user events on >eventspw ~* &* +@all",
    "user nolist on >nolistpw -@all +info +ping",
];

#[derive(Default)]
pub struct Spec {
    pub tls: bool,
    /// `tls-auth-clients yes`: a client certificate is required.
    pub mtls: bool,
    pub cluster: bool,
    /// `port 0`: TLS only (needs `tls`); `Server::port` is then 0.
    pub no_plain: bool,
    pub bind: &'static str,
    pub extra: Vec<String>,
}

pub struct Server {
    child: Child,
    pub port: u16,
    pub tls_port: Option<u16>,
    pub cluster_port: Option<u16>,
    pub dir: PathBuf,
    _keep: TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    pub fn start(spec: Spec) -> Server {
        for _ in 0..8 {
            if let Some(server) = Server::try_start(&spec) {
                return server;
            }
        }
        panic!("redis-server did not start after 8 tries");
    }

    fn try_start(spec: &Spec) -> Option<Server> {
        let dir = tempfile::tempdir().unwrap();
        let port = if spec.no_plain { 0 } else { free_port() };
        let tls_port = spec.tls.then(free_port);
        let mut conf = vec![
            format!("port {port}"),
            format!(
                "bind {}",
                if spec.bind.is_empty() {
                    "127.0.0.1"
                } else {
                    spec.bind
                }
            ),
            "save \"\"".into(),
            "appendonly no".into(),
            format!("dir {}", dir.path().display()),
            "logfile server.log".into(),
            "protected-mode no".into(),
        ];
        // A user given in `extra` replaces the standard one of that name.
        conf.extend(
            USERS
                .iter()
                .filter(|u| {
                    let name = u.split_whitespace().nth(1).unwrap_or("");
                    !spec
                        .extra
                        .iter()
                        .any(|e| e.starts_with(&format!("user {name} ")))
                })
                .map(|u| u.to_string()),
        );
        if let Some(tls_port) = tls_port {
            let c = certs();
            conf.push(format!("tls-port {tls_port}"));
            conf.push(format!("tls-cert-file {}", c.file("server.crt").display()));
            conf.push(format!("tls-key-file {}", c.file("server.key").display()));
            conf.push(format!("tls-ca-cert-file {}", c.ca().display()));
            conf.push(format!(
                "tls-auth-clients {}",
                if spec.mtls { "yes" } else { "no" }
            ));
        }
        let cluster_port = spec.cluster.then(free_port);
        if let Some(cluster_port) = cluster_port {
            conf.push("cluster-enabled yes".into());
            conf.push(format!("cluster-port {cluster_port}"));
            conf.push(format!(
                "cluster-config-file {}/nodes.conf",
                dir.path().display()
            ));
            conf.push("cluster-node-timeout 5000".into());
        }
        conf.extend(spec.extra.iter().cloned());
        let conf_path = dir.path().join("redis.conf");
        std::fs::File::create(&conf_path)
            .unwrap()
            .write_all((conf.join("\n") + "\n").as_bytes())
            .unwrap();
        let child = Command::new("redis-server")
            .arg(&conf_path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server on PATH");
        let mut server = Server {
            child,
            port,
            tls_port,
            cluster_port,
            dir: dir.path().to_path_buf(),
            _keep: dir,
        };
        if server.wait_ready() {
            Some(server)
        } else {
            None // dropped: killed
        }
    }

    fn wait_ready(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return false; // exited: most likely a port was taken
            }
            let up = |p: u16| TcpStream::connect(("127.0.0.1", p)).is_ok();
            if (self.port == 0 || up(self.port)) && self.tls_port.is_none_or(up) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }
}

pub trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

/// A client connection held open, as an application would.
pub struct Client {
    stream: BufReader<Box<dyn Stream>>,
    pub local: SocketAddr,
}

pub struct ClientSpec<'a> {
    pub port: u16,
    pub source: &'a str,
    pub tls: bool,
    pub user: Option<(&'a str, &'a str)>,
    pub name: Option<&'a str>,
}

impl Client {
    pub async fn connect(spec: ClientSpec<'_>) -> Client {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket
            .bind(format!("{}:0", spec.source).parse().unwrap())
            .unwrap();
        let tcp = socket
            .connect(format!("127.0.0.1:{}", spec.port).parse().unwrap())
            .await
            .unwrap();
        let local = tcp.local_addr().unwrap();
        let stream: Box<dyn Stream> = if spec.tls {
            let mut roots = rustls::RootCertStore::empty();
            let pem = std::fs::read(certs().ca()).unwrap();
            use rustls::pki_types::pem::PemObject;
            for cert in rustls::pki_types::CertificateDer::pem_slice_iter(&pem) {
                roots.add(cert.unwrap()).unwrap();
            }
            let config = rustls::ClientConfig::builder_with_provider(Arc::new(
                rustls::crypto::ring::default_provider(),
            ))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
            let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
            let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
            Box::new(connector.connect(name, tcp).await.unwrap())
        } else {
            Box::new(tcp)
        };
        let mut client = Client {
            stream: BufReader::new(stream),
            local,
        };
        if let Some((user, pass)) = spec.user {
            let reply = client.send(&["AUTH", user, pass]).await;
            assert_eq!(reply, "+OK", "AUTH {user}");
        }
        if let Some(name) = spec.name {
            let reply = client.send(&["CLIENT", "SETNAME", name]).await;
            assert_eq!(reply, "+OK", "SETNAME {name}");
        }
        client
    }

    /// Sends one command; returns the first line of the reply.
    pub async fn send(&mut self, args: &[&str]) -> String {
        let mut out = format!("*{}\r\n", args.len());
        for a in args {
            out.push_str(&format!("${}\r\n{a}\r\n", a.len()));
        }
        self.stream
            .get_mut()
            .write_all(out.as_bytes())
            .await
            .unwrap();
        self.stream.get_mut().flush().await.unwrap();
        let mut line = String::new();
        self.stream.read_line(&mut line).await.unwrap();
        line.trim_end().to_string()
    }
}

/// Sends one command on a fresh admin connection (blocking, for setup).
pub fn admin(port: u16, args: &[&str]) -> String {
    let out = Command::new("redis-cli")
        .args([
            "-p",
            &port.to_string(),
            "--user",
            "admin",
            "--pass",
            "adminpw",
            "--no-auth-warning",
        ])
        .args(args)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

//! The `CLIENT LIST` reply: one connected client per line, `key=value`
//! fields separated by spaces. Parsed the same way whether it comes from a
//! live server or from a dump saved with `redis-cli CLIENT LIST > file`.
//!
//! The format grows with every Redis release (`laddr` in 6.2, `lib-name` and
//! `lib-ver` in 7.2, `io-thread` in 8.0), so fields this parser does not know
//! are skipped, and every field but `id` and `addr` is optional.

use thiserror::Error;

/// One client connection as the server listed it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientEntry {
    /// Connection id, unique for the server's lifetime.
    pub id: u64,
    /// The client's address as the server sees it: `ip:port`, `[v6]:port`
    /// or `/path/to.sock:0`.
    pub addr: String,
    /// The server address the client connected to (6.2+): tells plain and
    /// TLS ports apart.
    pub laddr: Option<String>,
    pub fd: Option<i64>,
    /// `CLIENT SETNAME`; `None` when empty.
    pub name: Option<String>,
    /// Seconds since the connection was opened.
    pub age: Option<u64>,
    /// Seconds since the last command.
    pub idle: Option<u64>,
    /// Flags such as `N` (normal), `S` (replica), `M` (master), `P` (pub/sub).
    pub flags: String,
    pub db: Option<u32>,
    /// ACL user (6.0+).
    pub user: Option<String>,
    /// Client library (7.2+, `CLIENT SETINFO`).
    pub lib_name: Option<String>,
    pub lib_ver: Option<String>,
    /// Last command run, e.g. `get` or `client|list`.
    pub cmd: Option<String>,
    /// Protocol version (7.0+).
    pub resp: Option<u8>,
}

impl ClientEntry {
    /// The client's IP (or socket path), without the port.
    pub fn ip(&self) -> &str {
        split_port(&self.addr).0
    }

    /// The server port the client is connected to, from `laddr`.
    pub fn local_port(&self) -> Option<u16> {
        self.laddr.as_deref().and_then(|l| split_port(l).1)
    }

    /// A Unix-socket connection (`addr=/tmp/redis.sock:0`).
    pub fn is_unix_socket(&self) -> bool {
        self.addr.starts_with('/') || self.flags.contains('U')
    }

    /// A replica or master link rather than an application client.
    pub fn is_replication_link(&self) -> bool {
        self.flags.contains('S') || self.flags.contains('M')
    }
}

/// Splits `ip:port`, `[v6]:port` or a bare v6 address `::1:6379` at its last colon.
pub fn split_port(addr: &str) -> (&str, Option<u16>) {
    match addr.rsplit_once(':') {
        Some((host, port)) => {
            let host = host
                .strip_prefix('[')
                .and_then(|h| h.strip_suffix(']'))
                .unwrap_or(host);
            (host, port.parse().ok())
        }
        None => (addr, None),
    }
}

/// Why a client list could not be read. Each names the 1-based line.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ClientListError {
    /// A field without `=`: not a client list, or a line cut in the middle.
    #[error("line {line}: `{token}` is not a key=value field; is this CLIENT LIST output?")]
    NotAField { line: usize, token: String },
    /// A line without one of the fields every Redis version prints.
    #[error("line {line}: no `{field}=` field; is this CLIENT LIST output?")]
    MissingField { line: usize, field: &'static str },
    /// A numeric field whose value is not a number.
    #[error("line {line}: `{field}={value}` is not a number")]
    NotANumber {
        line: usize,
        field: &'static str,
        value: String,
    },
}

/// Parses a `CLIENT LIST` reply or a saved dump. Blank lines are skipped;
/// `\r\n` line ends and the quoted one-line form `redis-cli` prints to a
/// terminal (`"id=3 addr=... \nid=4 ..."`) are accepted.
pub fn parse_client_list(text: &str) -> Result<Vec<ClientEntry>, ClientListError> {
    let unquoted;
    let text = match unquote_terminal_form(text) {
        Some(t) => {
            unquoted = t;
            unquoted.as_str()
        }
        None => text,
    };
    let mut out = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        out.push(parse_line(index + 1, line)?);
    }
    Ok(out)
}

fn parse_line(line_no: usize, line: &str) -> Result<ClientEntry, ClientListError> {
    let mut entry = ClientEntry::default();
    let mut has_id = false;
    for token in line.split_ascii_whitespace() {
        let Some((key, value)) = token.split_once('=') else {
            return Err(ClientListError::NotAField {
                line: line_no,
                token: token.chars().take(40).collect(),
            });
        };
        match key {
            "id" => {
                entry.id = number(line_no, "id", value)?;
                has_id = true;
            }
            "addr" => entry.addr = value.to_string(),
            "laddr" => entry.laddr = non_empty(value),
            "fd" => entry.fd = Some(number(line_no, "fd", value)?),
            "name" => entry.name = non_empty(value),
            "age" => entry.age = Some(number(line_no, "age", value)?),
            "idle" => entry.idle = Some(number(line_no, "idle", value)?),
            "flags" => entry.flags = value.to_string(),
            "db" => entry.db = Some(number(line_no, "db", value)?),
            "user" => entry.user = non_empty(value),
            "lib-name" => entry.lib_name = non_empty(value),
            "lib-ver" => entry.lib_ver = non_empty(value),
            "cmd" => entry.cmd = non_empty(value).filter(|c| c != "NULL"),
            "resp" => entry.resp = value.parse().ok(),
            _ => {}
        }
    }
    if !has_id {
        return Err(ClientListError::MissingField {
            line: line_no,
            field: "id",
        });
    }
    if entry.addr.is_empty() {
        return Err(ClientListError::MissingField {
            line: line_no,
            field: "addr",
        });
    }
    Ok(entry)
}

fn number<T: std::str::FromStr>(
    line: usize,
    field: &'static str,
    value: &str,
) -> Result<T, ClientListError> {
    value.parse().map_err(|_| ClientListError::NotANumber {
        line,
        field,
        value: value.chars().take(40).collect(),
    })
}

fn non_empty(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| value.to_string())
}

/// `redis-cli` writes a bulk reply to a terminal as one quoted line with
/// `\n` escapes; a dump copied from a terminal looks like that.
fn unquote_terminal_form(text: &str) -> Option<String> {
    let t = text.trim();
    let t = t.strip_prefix("1) ").unwrap_or(t);
    let inner = t.strip_prefix('"')?.strip_suffix('"')?;
    if !inner.contains("\\n") {
        return None;
    }
    Some(inner.replace("\\r", "").replace("\\n", "\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const REDIS_7_2: &str = "id=3 addr=10.1.2.3:51234 laddr=10.0.0.5:6379 fd=8 name=events-api age=120 idle=0 flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=26 qbuf-free=20448 argv-mem=10 multi-mem=0 rbs=1024 rbp=0 obl=0 oll=0 omem=0 tot-mem=22426 events=r cmd=client|list user=events lib-name=redis-py lib-ver=5.0.1 redir=-1 resp=2\r\n\
id=4 addr=10.1.2.9:40000 laddr=10.0.0.5:6380 fd=9 name= age=5 idle=5 flags=N db=2 sub=0 psub=0 multi=-1 qbuf=0 qbuf-free=0 obl=0 oll=0 omem=0 events=r cmd=get user=default lib-name= lib-ver= io-thread=0\r\n";

    #[test]
    fn parses_known_fields_and_skips_unknown_ones() {
        let clients = parse_client_list(REDIS_7_2).unwrap();
        assert_eq!(clients.len(), 2);
        let c = &clients[0];
        assert_eq!(c.id, 3);
        assert_eq!(c.addr, "10.1.2.3:51234");
        assert_eq!(c.ip(), "10.1.2.3");
        assert_eq!(c.laddr.as_deref(), Some("10.0.0.5:6379"));
        assert_eq!(c.local_port(), Some(6379));
        assert_eq!(c.name.as_deref(), Some("events-api"));
        assert_eq!(c.user.as_deref(), Some("events"));
        assert_eq!(c.db, Some(0));
        assert_eq!(c.age, Some(120));
        assert_eq!(c.lib_name.as_deref(), Some("redis-py"));
        assert_eq!(c.lib_ver.as_deref(), Some("5.0.1"));
        assert_eq!(c.cmd.as_deref(), Some("client|list"));
        assert_eq!(c.resp, Some(2));
        let d = &clients[1];
        assert_eq!(d.name, None);
        assert_eq!(d.lib_name, None);
        assert_eq!(d.db, Some(2));
        assert_eq!(d.local_port(), Some(6380));
    }

    #[test]
    fn old_servers_without_laddr_or_user() {
        let text = "id=7 addr=127.0.0.1:5000 fd=6 name=worker age=1 idle=1 flags=N db=0 sub=0 psub=0 multi=-1 qbuf=0 qbuf-free=32768 obl=0 oll=0 omem=0 events=r cmd=NULL\n";
        let c = &parse_client_list(text).unwrap()[0];
        assert_eq!(c.laddr, None);
        assert_eq!(c.user, None);
        assert_eq!(c.cmd, None);
        assert_eq!(c.local_port(), None);
    }

    #[test]
    fn ipv6_and_unix_addresses() {
        let text = "id=1 addr=[::1]:6000 laddr=[::1]:6379 flags=N\nid=2 addr=/tmp/redis.sock:0 laddr=/tmp/redis.sock:0 flags=U\nid=3 addr=::1:6001 laddr=::1:6380 flags=N";
        let clients = parse_client_list(text).unwrap();
        assert_eq!(clients[0].ip(), "::1");
        assert_eq!(clients[0].local_port(), Some(6379));
        assert!(clients[1].is_unix_socket());
        assert_eq!(clients[2].ip(), "::1");
        assert_eq!(clients[2].local_port(), Some(6380));
    }

    #[test]
    fn blank_lines_and_terminal_quoting() {
        assert!(parse_client_list("").unwrap().is_empty());
        assert_eq!(parse_client_list("\n\nid=1 addr=a:1\n\n").unwrap().len(), 1);
        let quoted = "\"id=5 addr=10.0.0.1:1 name=a\\nid=6 addr=10.0.0.2:2 name=b\\n\"";
        let clients = parse_client_list(quoted).unwrap();
        assert_eq!(clients.len(), 2);
        assert_eq!(clients[1].name.as_deref(), Some("b"));
    }

    #[test]
    fn malformed_lines_name_their_line() {
        let err = parse_client_list("id=1 addr=a:1\n\nhello world\n").unwrap_err();
        assert_eq!(
            err,
            ClientListError::NotAField {
                line: 3,
                token: "hello".into()
            }
        );
        assert!(err.to_string().starts_with("line 3:"));
        let err = parse_client_list("id=1 addr=a:1\naddr=b:2 name=x").unwrap_err();
        assert_eq!(
            err,
            ClientListError::MissingField {
                line: 2,
                field: "id"
            }
        );
        let err = parse_client_list("id=x addr=a:1").unwrap_err();
        assert!(matches!(
            err,
            ClientListError::NotANumber {
                line: 1,
                field: "id",
                ..
            }
        ));
        let err = parse_client_list("id=1 name=a").unwrap_err();
        assert_eq!(
            err,
            ClientListError::MissingField {
                line: 1,
                field: "addr"
            }
        );
    }
}

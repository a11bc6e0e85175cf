//! Replies that describe a server and its neighbours: `INFO`, `CLUSTER
//! NODES`, `SENTINEL REPLICAS`. Pure parsing, tested without servers.

use std::collections::BTreeMap;

/// What `INFO` says about a server.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ServerInfo {
    pub run_id: Option<String>,
    /// `tcp_port`: the plain port (0 when disabled).
    pub tcp_port: Option<u16>,
    pub version: Option<String>,
    /// `standalone`, `cluster` or `sentinel`.
    pub mode: Option<String>,
    /// `master` or `slave` (reported as `replica`).
    pub role: Option<String>,
    pub cluster_enabled: bool,
    /// Dragonfly, which may take plain clients on a second (admin) port.
    pub dragonfly: bool,
}

pub(crate) fn parse_info(text: &str) -> ServerInfo {
    let fields: BTreeMap<&str, &str> = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.trim_end_matches('\r').split_once(':'))
        .collect();
    let get = |k: &str| {
        fields
            .get(k)
            .map(|v| v.to_string())
            .filter(|v| !v.is_empty())
    };
    ServerInfo {
        run_id: get("run_id"),
        tcp_port: get("tcp_port").and_then(|p| p.parse().ok()),
        version: get("redis_version").or_else(|| get("valkey_version")),
        mode: get("redis_mode").or_else(|| get("server_mode")),
        role: get("role").map(|r| normalize_role(&r)),
        cluster_enabled: get("cluster_enabled").as_deref() == Some("1"),
        dragonfly: fields.contains_key("dragonfly_version"),
    }
}

pub(crate) fn normalize_role(role: &str) -> String {
    match role {
        "slave" => "replica".into(),
        other => other.to_string(),
    }
}

/// A node listed by `CLUSTER NODES` that can be connected to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ClusterNode {
    pub host: String,
    pub port: u16,
    /// Announced host name (7.0+), when set.
    pub hostname: Option<String>,
    pub myself: bool,
    pub role: String,
}

/// Parses `CLUSTER NODES`; nodes that failed or have no address are left out.
pub(crate) fn parse_cluster_nodes(text: &str) -> Vec<ClusterNode> {
    let mut out = Vec::new();
    for line in text.lines() {
        let parts: Vec<&str> = line.split_whitespace().collect();
        if parts.len() < 3 {
            continue;
        }
        let flags: Vec<&str> = parts[2].split(',').collect();
        if flags
            .iter()
            .any(|f| matches!(*f, "fail" | "noaddr" | "handshake" | "fail?"))
        {
            continue;
        }
        // ip:port@cport[,hostname]
        let (addr, hostname) = match parts[1].split_once(',') {
            Some((a, h)) => (a, (!h.is_empty()).then(|| h.to_string())),
            None => (parts[1], None),
        };
        let addr = addr.split('@').next().unwrap_or(addr);
        let Some((host, port)) = addr.rsplit_once(':') else {
            continue;
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let Ok(port) = port.parse::<u16>() else {
            continue;
        };
        if host.is_empty() || port == 0 {
            continue;
        }
        out.push(ClusterNode {
            host: host.to_string(),
            port,
            hostname,
            myself: flags.contains(&"myself"),
            role: if flags.contains(&"master") {
                "master".into()
            } else {
                "replica".into()
            },
        });
    }
    out
}

/// One replica from `SENTINEL REPLICAS`: flat `key, value` lists.
pub(crate) fn parse_sentinel_replicas(replies: &[Vec<String>]) -> Vec<(String, u16)> {
    let mut out = Vec::new();
    for flat in replies {
        let map: BTreeMap<&str, &str> = flat
            .chunks(2)
            .filter_map(|kv| match kv {
                [k, v] => Some((k.as_str(), v.as_str())),
                _ => None,
            })
            .collect();
        let flags = map.get("flags").copied().unwrap_or("");
        if flags
            .split(',')
            .any(|f| matches!(f, "s_down" | "o_down" | "disconnected"))
        {
            continue;
        }
        if let (Some(ip), Some(Ok(port))) = (map.get("ip"), map.get("port").map(|p| p.parse())) {
            out.push((ip.to_string(), port));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_fields() {
        let info = parse_info("# Server\r\nredis_version:7.0.15\r\nredis_mode:cluster\r\nrun_id:abc123\r\ntcp_port:7000\r\n# Replication\r\nrole:slave\r\n# Cluster\r\ncluster_enabled:1\r\n");
        assert_eq!(info.run_id.as_deref(), Some("abc123"));
        assert_eq!(info.tcp_port, Some(7000));
        assert_eq!(info.version.as_deref(), Some("7.0.15"));
        assert_eq!(info.mode.as_deref(), Some("cluster"));
        assert_eq!(info.role.as_deref(), Some("replica"));
        assert!(info.cluster_enabled);
        assert_eq!(parse_info(""), ServerInfo::default());
    }

    #[test]
    fn cluster_nodes() {
        let text = "\
e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:30001@40001,node-a myself,master - 0 0 1 connected 0-5460
67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 127.0.0.1:30002@40002 master - 0 1426238316232 2 connected 5461-10922
292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 127.0.0.1:30003@40003 slave e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 0 1426238318243 3 connected
6ec23923021cf3ffec47632106199cb7f496ce01 127.0.0.1:30004@40004 master,fail - 1426238316232 1426238315228 4 disconnected
824fe116063bc5fcf9f4ffd895bc17aee7731ac3 :0@0 master,noaddr - 0 0 0 disconnected
";
        let nodes = parse_cluster_nodes(text);
        assert_eq!(nodes.len(), 3);
        assert!(nodes[0].myself);
        assert_eq!(nodes[0].hostname.as_deref(), Some("node-a"));
        assert_eq!(
            (nodes[1].host.as_str(), nodes[1].port),
            ("127.0.0.1", 30002)
        );
        assert_eq!(nodes[2].role, "replica");
    }

    #[test]
    fn sentinel_replicas() {
        let r = |pairs: &[&str]| pairs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let replies = vec![
            r(&[
                "name", "a", "ip", "10.0.0.2", "port", "6379", "flags", "slave",
            ]),
            r(&[
                "name",
                "b",
                "ip",
                "10.0.0.3",
                "port",
                "6379",
                "flags",
                "s_down,slave",
            ]),
        ];
        assert_eq!(
            parse_sentinel_replicas(&replies),
            vec![("10.0.0.2".to_string(), 6379)]
        );
    }
}

//! Change specs: what is about to be changed, as settings with known keys.

use std::fmt;

/// `tls:` values — the two-step migration managed Redis services use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlsMode {
    Required,
    Preferred,
    Disabled,
}

/// One setting of a change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Setting {
    Tls(TlsMode),
    Port(u16),
    TlsPort(u16),
    Host(String),
    AuthRequired,
    PasswordRotate,
    AclUserRemoved(String),
    Decommission,
}

/// A change to one resource.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Change {
    pub title: Option<String>,
    pub target: String,
    pub settings: Vec<Setting>,
    pub window: Option<String>,
    pub rollback: Option<String>,
}

/// A setting that cannot be understood.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChangeError {
    /// The key is not one fallout knows.
    UnknownKey(String),
    /// The key is known but the value is not valid for it.
    BadValue {
        key: String,
        value: String,
        valid: &'static str,
    },
}

/// Keys a change may set, for error messages and docs.
pub const VALID_KEYS: &str =
    "tls, port, tls-port, host, auth, password, acl-user-removed, decommission";

impl fmt::Display for ChangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChangeError::UnknownKey(key) => {
                write!(f, "unknown change key `{key}`; valid keys: {VALID_KEYS}")
            }
            // A value given for `password` may be a password: never echoed.
            ChangeError::BadValue { key, valid, .. } if key == "password" => {
                write!(
                    f,
                    "invalid value for `password` (not shown); valid values: {valid}"
                )
            }
            ChangeError::BadValue { key, value, valid } => {
                write!(
                    f,
                    "invalid value `{value}` for `{key}`; valid values: {valid}"
                )
            }
        }
    }
}

impl std::error::Error for ChangeError {}

impl Setting {
    /// Parses one `KEY=VALUE`.
    pub fn parse(key: &str, value: &str) -> Result<Setting, ChangeError> {
        let key_norm = key.trim().to_ascii_lowercase().replace('_', "-");
        let value = value.trim();
        let bad = |valid: &'static str| ChangeError::BadValue {
            key: key_norm.clone(),
            value: value.to_string(),
            valid,
        };
        let port = |valid| {
            value
                .parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| bad(valid))
        };
        match key_norm.as_str() {
            "tls" => match value.to_ascii_lowercase().as_str() {
                "required" => Ok(Setting::Tls(TlsMode::Required)),
                "preferred" => Ok(Setting::Tls(TlsMode::Preferred)),
                "disabled" => Ok(Setting::Tls(TlsMode::Disabled)),
                _ => Err(bad("required, preferred, disabled")),
            },
            "port" => port("a port number 1-65535").map(Setting::Port),
            "tls-port" => port("a port number 1-65535").map(Setting::TlsPort),
            "host" => {
                if crate::endpoint::is_host(value) {
                    Ok(Setting::Host(value.to_ascii_lowercase()))
                } else {
                    Err(bad("a host name or IP address"))
                }
            }
            "auth" => match value.to_ascii_lowercase().as_str() {
                "required" => Ok(Setting::AuthRequired),
                _ => Err(bad("required")),
            },
            "password" => match value.to_ascii_lowercase().as_str() {
                "rotate" => Ok(Setting::PasswordRotate),
                _ => Err(bad("rotate")),
            },
            "acl-user-removed" => {
                if value.is_empty() || value.contains(char::is_whitespace) {
                    Err(bad("an ACL user name"))
                } else {
                    Ok(Setting::AclUserRemoved(value.to_string()))
                }
            }
            "decommission" => match value.to_ascii_lowercase().as_str() {
                "true" | "yes" => Ok(Setting::Decommission),
                _ => Err(bad("true")),
            },
            _ => Err(ChangeError::UnknownKey(key.to_string())),
        }
    }
}

impl fmt::Display for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Setting::Tls(TlsMode::Required) => f.write_str("tls=required"),
            Setting::Tls(TlsMode::Preferred) => f.write_str("tls=preferred"),
            Setting::Tls(TlsMode::Disabled) => f.write_str("tls=disabled"),
            Setting::Port(p) => write!(f, "port={p}"),
            Setting::TlsPort(p) => write!(f, "tls-port={p}"),
            Setting::Host(h) => write!(f, "host={h}"),
            Setting::AuthRequired => f.write_str("auth=required"),
            Setting::PasswordRotate => f.write_str("password=rotate"),
            Setting::AclUserRemoved(u) => write!(f, "acl-user-removed={u}"),
            Setting::Decommission => f.write_str("decommission=true"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_known_settings() {
        assert_eq!(
            Setting::parse("tls", "required"),
            Ok(Setting::Tls(TlsMode::Required))
        );
        assert_eq!(
            Setting::parse("TLS_PORT", "6380"),
            Ok(Setting::TlsPort(6380))
        );
        assert_eq!(
            Setting::parse("acl-user-removed", "legacy"),
            Ok(Setting::AclUserRemoved("legacy".into()))
        );
    }

    #[test]
    fn unknown_key_lists_valid_keys() {
        let err = Setting::parse("colour", "blue").unwrap_err();
        assert_eq!(err, ChangeError::UnknownKey("colour".into()));
        assert!(err.to_string().contains("tls, port"));
    }

    #[test]
    fn bad_value_names_valid_values() {
        let err = Setting::parse("tls", "mandatory").unwrap_err().to_string();
        assert!(
            err.contains("`mandatory`") && err.contains("required, preferred, disabled"),
            "{err}"
        );
        assert!(Setting::parse("port", "0").is_err());
        assert!(Setting::parse("port", "70000").is_err());
    }
}

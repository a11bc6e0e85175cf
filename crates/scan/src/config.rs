//! Application config files as flat settings: nested YAML/JSON keys become
//! dotted keys (`cache.redis.host`), `key=value` files become their keys.
//! Used for files mounted from ConfigMaps and for config files on disk.

use crate::yaml::{self, Node, Value};

/// One setting of a config file, with its 1-based line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawSetting {
    pub key: String,
    pub value: String,
    pub line: u32,
}

/// A config file that could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub line: u32,
    pub col: u32,
    pub message: String,
}

/// The format of a config file, from its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Json,
    KeyValue,
    Text,
}

pub fn format_of(file_name: &str) -> Format {
    let name = file_name.rsplit('/').next().unwrap_or(file_name).to_ascii_lowercase();
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext {
        "yaml" | "yml" => Format::Yaml,
        "json" => Format::Json,
        "env" | "properties" | "conf" | "cfg" | "ini" | "toml" => Format::KeyValue,
        _ if name.starts_with(".env") || name.ends_with(".env") => Format::KeyValue,
        _ => Format::Text,
    }
}

/// Reads the settings of a config file.
pub fn settings_from_text(file_name: &str, text: &str) -> Result<Vec<RawSetting>, ParseError> {
    match format_of(file_name) {
        Format::Yaml | Format::Json => {
            let docs = yaml::parse(text, 1).map_err(|e| ParseError {
                line: e.line,
                col: e.col,
                message: e.message,
            })?;
            let mut out = Vec::new();
            for doc in &docs {
                flatten("", &doc.root, &mut out);
            }
            Ok(out)
        }
        Format::KeyValue => Ok(key_value_lines(text)),
        Format::Text => Ok(text
            .lines()
            .enumerate()
            .filter(|(_, l)| !crate::settings::find_urls(l).is_empty())
            .map(|(i, l)| RawSetting {
                key: String::new(),
                value: l.trim().to_string(),
                line: i as u32 + 1,
            })
            .collect()),
    }
}

fn flatten(prefix: &str, node: &Node, out: &mut Vec<RawSetting>) {
    match &node.value {
        Value::Scalar { .. } => {
            if let Some(text) = node.as_str() {
                out.push(RawSetting {
                    key: prefix.to_string(),
                    value: text.to_string(),
                    line: node.line,
                });
            }
        }
        Value::Seq(items) => {
            for item in items {
                flatten(prefix, item, out);
            }
        }
        Value::Map(_) => {
            for (key, value) in node.entries() {
                let key = if prefix.is_empty() {
                    key.to_string()
                } else {
                    format!("{prefix}.{key}")
                };
                flatten(&key, value, out);
            }
        }
    }
}

/// `KEY=VALUE`, `key: value`, `key value` lines; `#` and `;` comments; INI
/// `[section]` headers prefix the keys.
fn key_value_lines(text: &str) -> Vec<RawSetting> {
    let mut out = Vec::new();
    let mut section = String::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') || line.starts_with("//") {
            continue;
        }
        if line.starts_with('[') && line.ends_with(']') {
            section = line.trim_matches(['[', ']']).trim().to_string();
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let split = line
            .find(['=', ':'])
            .map(|at| (&line[..at], &line[at + 1..]))
            .or_else(|| line.split_once(char::is_whitespace));
        let Some((key, value)) = split else { continue };
        let key = key.trim();
        let value = value.trim().trim_matches(['"', '\'']);
        if key.is_empty() || key.contains(char::is_whitespace) {
            continue;
        }
        let key = if section.is_empty() {
            key.to_string()
        } else {
            format!("{section}.{key}")
        };
        out.push(RawSetting {
            key,
            value: value.to_string(),
            line: i as u32 + 1,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_yaml_becomes_dotted_keys() {
        let s = settings_from_text("app.yaml", "cache:\n  redis:\n    host: r\n    port: 6379\n").unwrap();
        assert_eq!(s[0], RawSetting { key: "cache.redis.host".into(), value: "r".into(), line: 3 });
        assert_eq!(s[1].key, "cache.redis.port");
    }

    #[test]
    fn env_lines_skip_comments() {
        let s = settings_from_text(".env", "# REDIS_HOST=old\nREDIS_HOST=new\nexport REDIS_PORT=\"6380\"\n").unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!((s[0].value.as_str(), s[0].line), ("new", 2));
        assert_eq!(s[1].value, "6380");
    }

    #[test]
    fn broken_yaml_is_an_error_with_line() {
        let err = settings_from_text("app.yml", "a: 1\nb: [\n").unwrap_err();
        assert!(err.line >= 2);
    }
}

//! The change file and the approvals file (formats in DESIGN.md). Errors
//! name the file and line and say what is expected; unknown keys are errors.

use fallout_core::{Approval, Change, Origin, Setting};
use fallout_scan::yaml::{self, Node, Value};
use std::path::Path;

fn read(path: &Path) -> Result<(String, String, Node<'static>), String> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{shown}: cannot read: {e}"))?;
    let docs = yaml::parse(&text, 1)
        .map_err(|e| format!("{shown}:{}:{}: {}", e.line, e.col, e.message))?;
    let root = docs
        .into_iter()
        .next()
        .map(|d| d.root.into_owned())
        .filter(|r| r.as_map().is_some())
        .ok_or_else(|| format!("{shown}: expected a YAML mapping"))?;
    Ok((shown, text, root))
}

fn unknown_keys(shown: &str, node: &Node, known: &[&str], what: &str) -> Result<(), String> {
    for (key, value) in node.as_map().unwrap_or_default() {
        let k = key.as_str().unwrap_or("");
        if !known.contains(&k) {
            return Err(format!(
                "{shown}:{}: unknown key `{k}` in {what}; valid keys: {}",
                key.line.max(value.line),
                known.join(", ")
            ));
        }
    }
    Ok(())
}

/// `KEY=VALUE` from `--set`.
pub fn parse_set(item: &str) -> Result<Setting, String> {
    let (key, value) = item
        .split_once('=')
        .ok_or_else(|| format!("--set {item}: expected KEY=VALUE, e.g. --set tls=required"))?;
    // the error names the value when it may be shown (never a password)
    Setting::parse(key, value).map_err(|e| format!("--set {key}: {e}"))
}

/// One value per key: `--set tls=required --set tls=disabled` (or the same
/// key in the change file and on the command line) is a usage error.
pub fn no_conflicts(settings: &[Setting]) -> Result<(), String> {
    for (i, a) in settings.iter().enumerate() {
        for b in &settings[..i] {
            if std::mem::discriminant(a) == std::mem::discriminant(b) && a != b {
                return Err(format!(
                    "conflicting settings: {} and {}; give each key once",
                    a, b
                ));
            }
        }
    }
    Ok(())
}

/// Keys written twice in a mapping of a small spec file: YAML keeps the
/// last silently, which for a change would mean running another change.
fn duplicate_keys(shown: &str, text: &str) -> Result<(), String> {
    // (indent, parent line) → keys seen
    let mut seen: std::collections::HashMap<(usize, usize), Vec<String>> = Default::default();
    let mut parents: Vec<(usize, usize)> = Vec::new(); // (indent, line) of open mappings
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with('-') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        let Some((key, _)) = trimmed.split_once(':') else {
            continue;
        };
        while parents.last().is_some_and(|(ind, _)| *ind >= indent) {
            parents.pop();
        }
        let parent = parents.last().map_or(0, |(_, l)| *l);
        let keys = seen.entry((indent, parent)).or_default();
        let key = key.trim().trim_matches(['"', '\'']).to_string();
        if keys.contains(&key) {
            return Err(format!(
                "{shown}:{}: `{key}` is given twice; give each key once",
                i + 1
            ));
        }
        keys.push(key);
        parents.push((indent, i + 1));
    }
    Ok(())
}

/// A change file.
pub fn read_change(path: &Path) -> Result<Change, String> {
    let (shown, text, root) = read(path)?;
    duplicate_keys(&shown, &text)?;
    unknown_keys(
        &shown,
        &root,
        &["change", "target", "set", "window", "rollback"],
        "the change file",
    )?;
    let target = root
        .str_at(&["target"])
        .map(str::to_string)
        .ok_or_else(|| {
            format!(
                "{shown}: missing `target:` (any alias of the resource, e.g. redis-sessions.cache)"
            )
        })?;
    let set = root
        .get("set")
        .filter(|s| s.as_map().is_some_and(|m| !m.is_empty()))
        .ok_or_else(|| {
            format!(
                "{shown}: missing `set:` with at least one setting, e.g. `set: {{tls: required}}`"
            )
        })?;
    let mut settings = Vec::new();
    for (key, value) in set.as_map().unwrap_or_default() {
        let k = key.as_str().unwrap_or("");
        let v = value.as_str().unwrap_or("");
        settings.push(
            Setting::parse(k, v)
                .map_err(|e| format!("{shown}:{}: set.{k}: {e}", value.line.max(key.line)))?,
        );
    }
    Ok(Change {
        title: root.str_at(&["change"]).map(str::to_string),
        target,
        settings,
        window: root.str_at(&["window"]).map(str::to_string),
        rollback: root.str_at(&["rollback"]).map(str::to_string),
    })
}

/// An approvals file: each approval with where it is written (the file and
/// the line of its entry), so a warning about it (it names no consumer, or
/// the same consumer as another) points there.
pub fn read_approvals(path: &Path) -> Result<Vec<(Approval, Origin)>, String> {
    let (shown, _, root) = read(path)?;
    unknown_keys(&shown, &root, &["approvals"], "the approvals file")?;
    let list = root
        .as_map()
        .unwrap_or_default()
        .iter()
        .find(|(k, _)| k.as_str() == Some("approvals"));
    let items = match list {
        None => &[][..],
        Some((_, value)) if value.is_null() => &[][..],
        Some((_, value)) if matches!(value.value, Value::Seq(_)) => value.as_seq(),
        // A mapping (`approvals: {events-api: ...}`) or a scalar would
        // approve nobody, in silence: the gate would fail without saying why.
        Some((key, value)) => {
            let found = if value.as_map().is_some() {
                "a mapping"
            } else {
                "a single value"
            };
            return Err(format!(
                "{shown}:{}: `approvals:` is {found}; it must be a list, one `- consumer:` entry per approval:\n\
                 approvals:\n  - consumer: api/Deployment/events-api\n    by: lead-scheduling\n    note: moves to rediss:// before the window",
                key.line
            ));
        }
    };
    let mut out = Vec::new();
    for item in items {
        unknown_keys(&shown, item, &["consumer", "by", "note"], "an approval")?;
        let field = |k: &str| item.str_at(&[k]).map(str::to_string);
        let (Some(consumer), Some(by)) = (field("consumer"), field("by")) else {
            return Err(format!(
                "{shown}:{}: an approval needs `consumer:` (e.g. api/Deployment/events-api) and `by:`",
                item.line
            ));
        };
        let approval = Approval {
            consumer,
            by,
            note: field("note"),
        };
        out.push((approval, Origin::file(shown.clone(), item.line)));
    }
    Ok(out)
}

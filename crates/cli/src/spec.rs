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
    let set = set_mapping(&shown, &root)?;
    let window = window(&shown, &root)?;
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
        window,
        rollback: root.str_at(&["rollback"]).map(str::to_string),
    })
}

/// The entry `key: value` of a mapping, with the key (for its line).
fn entry<'a, 's>(node: &'a Node<'s>, key: &str) -> Option<(&'a Node<'s>, &'a Node<'s>)> {
    node.as_map()
        .unwrap_or_default()
        .iter()
        .find(|(k, _)| k.as_str() == Some(key))
        .map(|(k, v)| (k, v))
}

/// The line of `key:` (its value's when the key's is not known).
fn line_of(key: &Node, value: &Node) -> u32 {
    if key.line > 0 {
        key.line
    } else {
        value.line
    }
}

/// `set:`: a mapping of at least one setting. A list (`set: [tls: required]`,
/// `- tls: required`) or a single value is named as what it is, at its
/// line, with the mapping it should be.
fn set_mapping<'a, 's>(shown: &str, root: &'a Node<'s>) -> Result<&'a Node<'s>, String> {
    let missing = || {
        format!("{shown}: missing `set:` with at least one setting, e.g. `set: {{tls: required}}`")
    };
    let (key, value) = entry(root, "set").ok_or_else(missing)?;
    match &value.value {
        Value::Map(entries) if !entries.is_empty() => Ok(value),
        Value::Map(_) => Err(missing()),
        _ if value.is_null() => Err(missing()),
        Value::Seq(items) => {
            // What the list holds, written as the mapping it should be.
            let mut shape: Vec<String> = items
                .iter()
                .flat_map(|item| item.as_map().unwrap_or_default())
                .filter_map(|(k, v)| Some(format!("  {}: {}", k.as_str()?, v.as_str()?)))
                .collect();
            if shape.is_empty() {
                shape.push("  tls: required".into());
            }
            Err(format!(
                "{shown}:{}: `set:` is a list; it must be a mapping, one `KEY: VALUE` per setting, not `- ` items:\nset:\n{}",
                line_of(key, value),
                shape.join("\n")
            ))
        }
        _ => Err(format!(
            "{shown}:{}: `set:` is a single value; it must be a mapping, one `KEY: VALUE` per setting:\nset:\n  tls: required",
            line_of(key, value)
        )),
    }
}

/// `window:`: an ISO 8601 time or time interval, so whoever reads the
/// checklist knows when the change happens; "tomorrow night" is said to be
/// no such thing, at its line.
fn window(shown: &str, root: &Node) -> Result<Option<String>, String> {
    let Some((key, value)) = entry(root, "window") else {
        return Ok(None);
    };
    if value.is_null() {
        return Ok(None);
    }
    match value.as_str() {
        Some(text) if is_iso8601_window(text.trim()) => Ok(Some(text.trim().to_string())),
        found => Err(format!(
            "{shown}:{}: `window: {}` is not an ISO 8601 time or interval; write START/END, START/DURATION or a time, e.g. `window: 2026-12-03T02:00:00Z/PT2H` (two hours from 02:00 UTC)",
            line_of(key, value),
            found.unwrap_or("…")
        )),
    }
}

/// An ISO 8601 time (`2026-12-03T02:00:00Z`, a date `2026-12-03`) or
/// interval: `START/END`, `START/DURATION` or `DURATION/END`, where END may
/// be a time of day after a START with a date (`…T02:00Z/04:00Z`).
fn is_iso8601_window(text: &str) -> bool {
    match text.split('/').collect::<Vec<_>>().as_slice() {
        [one] => is_date_time(one),
        [start, end] if is_date_time(start) => {
            is_date_time(end) || is_duration(end) || is_time(end)
        }
        [start, end] => is_duration(start) && is_date_time(end),
        _ => false,
    }
}

/// `YYYY-MM-DD`, optionally `THH:MM[:SS[.f]][zone]`.
fn is_date_time(text: &str) -> bool {
    let (date, time) = match text.find(['T', 't']) {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    let parts: Vec<&str> = date.split('-').collect();
    let number = |s: &str, len: usize, range: std::ops::RangeInclusive<u32>| {
        s.len() == len
            && s.bytes().all(|b| b.is_ascii_digit())
            && s.parse().is_ok_and(|n| range.contains(&n))
    };
    let date_ok = matches!(parts.as_slice(), [y, m, d] if number(y, 4, 0..=9999) && number(m, 2, 1..=12) && number(d, 2, 1..=31));
    date_ok && time.is_none_or(is_time)
}

/// `HH:MM[:SS[.f]]` and an optional zone: `Z`, `±HH:MM`, `±HHMM`, `±HH`.
fn is_time(text: &str) -> bool {
    let (clock, zone) = match text.find(['Z', 'z', '+', '-']) {
        Some(i) => text.split_at(i),
        None => (text, ""),
    };
    let two = |s: &str, max: u32| {
        s.len() == 2
            && s.bytes().all(|b| b.is_ascii_digit())
            && s.parse().is_ok_and(|n: u32| n <= max)
    };
    let clock_ok = match clock.split(':').collect::<Vec<_>>().as_slice() {
        [h, m] => two(h, 24) && two(m, 59),
        [h, m, sec] => {
            let (whole, fraction) = sec.split_once(['.', ',']).unwrap_or((sec, "0"));
            two(h, 24)
                && two(m, 59)
                && two(whole, 60)
                && !fraction.is_empty()
                && fraction.bytes().all(|b| b.is_ascii_digit())
        }
        _ => false,
    };
    let zone_ok = match zone {
        "" | "Z" | "z" => true,
        _ => {
            let offset = &zone[1..];
            match offset.split_once(':') {
                Some((h, m)) => two(h, 23) && two(m, 59),
                None if offset.len() == 4 => two(&offset[..2], 23) && two(&offset[2..], 59),
                None => two(offset, 23),
            }
        }
    };
    clock_ok && zone_ok
}

/// `PnYnMnWnD` and `TnHnMnS` parts, at least one, e.g. `PT2H`, `P1DT30M`.
fn is_duration(text: &str) -> bool {
    let Some(rest) = text.strip_prefix(['P', 'p']) else {
        return false;
    };
    let (date, time) = match rest.split_once(['T', 't']) {
        Some((d, t)) if !t.is_empty() => (d, Some(t)),
        Some(_) => return false,
        None => (rest, None),
    };
    // Each part: digits (a fraction allowed) then its unit, units in order.
    let parts = |text: &str, units: &str| -> Option<usize> {
        let mut count = 0;
        let mut number = String::new();
        let mut next_unit = 0;
        for ch in text.chars() {
            if ch.is_ascii_digit() || ((ch == '.' || ch == ',') && !number.is_empty()) {
                number.push(ch);
                continue;
            }
            let at = units[next_unit..].find(ch.to_ascii_uppercase())? + next_unit;
            if number.is_empty() {
                return None;
            }
            next_unit = at + 1;
            number.clear();
            count += 1;
        }
        number.is_empty().then_some(count)
    };
    match (parts(date, "YMWD"), time.map(|t| parts(t, "HMS"))) {
        (Some(d), None) => d > 0,
        (Some(_), Some(Some(t))) => t > 0,
        _ => false,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_iso_8601_times_or_intervals() {
        for ok in [
            "2026-12-03T02:00:00Z/PT2H",
            "2026-12-03T02:00:00Z",
            "2026-12-03",
            "2026-12-03T02:00Z/2026-12-03T04:00Z",
            "2026-12-03T02:00:00+01:00/P1DT30M",
            "PT2H/2026-12-03T04:00:00Z",
            "2026-12-03T02:00Z/04:00Z",
            "2026-12-03T02:00:00.5Z/PT0.5H",
            "2026-12-03/P1W",
        ] {
            assert!(is_iso8601_window(ok), "{ok}");
        }
        for bad in [
            "tomorrow night",
            "",
            "2026-12-03T02:00:00Z/",
            "2026-13-03",
            "2026-12-03T25:00Z",
            "PT",
            "P",
            "PT2H",
            "2026-12-03T02:00Z/PT2X",
            "2026-12-03T02:00Z/P2H",
            "2026-12-03T02:00Z/PT2H/PT1H",
            "03.12.2026 02:00",
        ] {
            assert!(!is_iso8601_window(bad), "{bad}");
        }
    }
}

//! The change file and the approvals file (formats in DESIGN.md). Errors
//! name the file and line and say what is expected; unknown keys are errors.

use fallout_core::{Approval, Change, Origin, Setting};
use fallout_scan::yaml::{self, Node, Value};
use std::path::Path;

/// Reads a change or approvals file (`what`: "the change file"): one YAML
/// document whose root is a mapping, `example` showing the shape. A leading
/// byte-order mark (Windows editors write one) is not part of the first key.
fn read(path: &Path, what: &str, example: &str) -> Result<(String, Node<'static>), String> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{shown}: cannot read: {e}"))?;
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    let docs = yaml::parse(&text, 1).map_err(|e| {
        format!(
            "{shown}:{}:{}: {}; fix the YAML of {what}",
            e.line, e.col, e.message
        )
    })?;
    // `---` then nothing (or a comment) is no second document.
    let mut docs: Vec<_> = docs.into_iter().filter(|d| !d.root.is_null()).collect();
    if docs.len() > 1 {
        return Err(format!(
            "{shown}:{}: {what} holds {} YAML documents (separated by `---`); it must be one: keep one, or put each in a file of its own",
            docs[1].line,
            docs.len()
        ));
    }
    let Some(doc) = docs.pop() else {
        return Err(format!(
            "{shown}: {what} is empty; it must be a mapping, e.g.:\n{example}"
        ));
    };
    if doc.root.as_map().is_none() {
        return Err(format!(
            "{shown}:{}: {what} is {}; it must be a mapping, e.g.:\n{example}",
            doc.root.line.max(doc.line),
            shape(&doc.root)
        ));
    }
    // A key given twice: YAML keeps the last in silence, which for a change
    // would run another change, and for an approval name another signer.
    if let Some((line, first, key)) = yaml::duplicate_key_names(&text, 1, &doc).into_iter().next() {
        return Err(format!(
            "{shown}:{line}: {key} is given twice in one mapping (first at line {first}); give each key once"
        ));
    }
    let root = doc.root.into_owned();
    Ok((shown, root))
}

/// What a node is, for an error saying it is the wrong type.
fn shape(node: &Node) -> &'static str {
    match node.value {
        Value::Seq(_) => "a list",
        Value::Map(_) => "a mapping",
        Value::Scalar { .. } if node.is_null() => "empty",
        Value::Scalar { .. } => "a single value",
    }
}

/// An optional text field (`change:`, `rollback:`, `note:`): absent, empty
/// or blank is not given; a list or mapping is an error at its line, with
/// an example of what to write (`rollback: [a]` would otherwise be dropped
/// and the checklist would say no rollback was given).
fn optional_text(
    shown: &str,
    node: &Node,
    key: &str,
    example: &str,
) -> Result<Option<String>, String> {
    let Some((k, value)) = entry(node, key) else {
        return Ok(None);
    };
    match &value.value {
        Value::Scalar { .. } => Ok(value
            .as_str()
            .filter(|text| !text.trim().is_empty())
            .map(str::to_string)),
        _ => Err(format!(
            "{shown}:{}: `{key}:` is {}; it must be text on one line or a block (`{key}: |`), e.g. `{key}: {example}`",
            line_of(k, value),
            shape(value)
        )),
    }
}

fn unknown_keys(shown: &str, node: &Node, known: &[&str], what: &str) -> Result<(), String> {
    for (key, value) in node.as_map().unwrap_or_default() {
        let k = key.as_str().unwrap_or("");
        if !known.contains(&k) {
            // The key's line: a block value (`sets:` then `  tls: ...`)
            // starts on the next one.
            return Err(format!(
                "{shown}:{}: unknown key `{k}` in {what}; valid keys: {}",
                line_of(key, value),
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

const CHANGE_EXAMPLE: &str = "target: redis-sessions.cache\nset:\n  tls: required";

/// A change file.
pub fn read_change(path: &Path) -> Result<Change, String> {
    let (shown, root) = read(path, "the change file", CHANGE_EXAMPLE)?;
    unknown_keys(
        &shown,
        &root,
        &["change", "target", "set", "window", "rollback"],
        "the change file",
    )?;
    let target = target(&shown, &root)?;
    let set = set_mapping(&shown, &root)?;
    let window = window(&shown, &root)?;
    let mut settings = Vec::new();
    for (key, value) in set.as_map().unwrap_or_default() {
        let k = key.as_str().unwrap_or("");
        let line = line_of(key, value);
        if !matches!(value.value, Value::Scalar { .. }) {
            // `tls: [required]`: one value, and which ones there are.
            let valid = match Setting::parse(k, "") {
                Err(fallout_core::ChangeError::BadValue { valid, .. }) => valid,
                Err(e) => return Err(format!("{shown}:{line}: set.{k}: {e}")),
                Ok(_) => "one value",
            };
            return Err(format!(
                "{shown}:{line}: set.{k} is {}; it takes one value ({valid}), e.g. `{k}: {}`",
                shape(value),
                valid.split(", ").next().unwrap_or(valid)
            ));
        }
        let v = value.as_str().unwrap_or("");
        settings.push(Setting::parse(k, v).map_err(|e| format!("{shown}:{line}: set.{k}: {e}"))?);
    }
    Ok(Change {
        title: optional_text(&shown, &root, "change", "Enforce TLS on the sessions cache")?,
        target,
        settings,
        window,
        rollback: optional_text(&shown, &root, "rollback", "set tls back to preferred")?,
    })
}

/// `target:`: one name of the resource. A list, a mapping, a number (a port
/// alone names no resource) or nothing at all is said at its line, with a
/// name to write instead.
fn target(shown: &str, root: &Node) -> Result<String, String> {
    const EXAMPLE: &str = "any alias of the resource, e.g. `target: redis-sessions.cache`";
    let Some((key, value)) = entry(root, "target").filter(|(_, v)| !v.is_null()) else {
        return Err(format!("{shown}: missing `target:` ({EXAMPLE})"));
    };
    let line = line_of(key, value);
    match &value.value {
        Value::Scalar { text, quoted } => {
            if text.trim().is_empty() {
                Err(format!("{shown}:{line}: `target:` is empty; write {EXAMPLE}"))
            } else if !quoted && is_number(text) {
                Err(format!(
                    "{shown}:{line}: `target: {text}` is a number, and a port alone names no resource; write {EXAMPLE}, or host:port, `target: redis-sessions.cache:{text}`"
                ))
            } else {
                Ok(text.to_string())
            }
        }
        _ => Err(format!(
            "{shown}:{line}: `target:` is {}; it must be one name of the resource ({EXAMPLE}); a change file has one target",
            shape(value)
        )),
    }
}

/// A plain YAML number (`6379`, `-1`, `6379.5`, `1e3`), not a name such as
/// a ClusterIP (`10.0.0.1`) or `inf`.
fn is_number(text: &str) -> bool {
    text.bytes().any(|b| b.is_ascii_digit())
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'_' | b'e' | b'E'))
        && text.replace('_', "").parse::<f64>().is_ok()
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
/// checklist knows when the change happens; "tomorrow night", a day that
/// does not exist (`2026-02-30`) or an interval that ends before it starts
/// is said to be no such thing, at its line.
fn window(shown: &str, root: &Node) -> Result<Option<String>, String> {
    let Some((key, value)) = entry(root, "window") else {
        return Ok(None);
    };
    if value.is_null() {
        return Ok(None);
    }
    let line = line_of(key, value);
    let Some(text) = value.as_str() else {
        return Err(format!(
            "{shown}:{line}: `window:` is {}; it must be one ISO 8601 time or interval, e.g. {WINDOW_EXAMPLE}",
            shape(value)
        ));
    };
    let text = text.trim();
    check_window(text)
        .map(|()| Some(text.to_string()))
        .map_err(|why| format!("{shown}:{line}: `window: {text}` {why}"))
}

const WINDOW_EXAMPLE: &str = "`window: 2026-12-03T02:00:00Z/PT2H` (two hours from 02:00 UTC)";

/// Whether `text` is a window [`check_window`] accepts.
#[cfg(test)]
fn is_iso8601_window(text: &str) -> bool {
    check_window(text).is_ok()
}

/// An ISO 8601 time (`2026-12-03T02:00:00Z`, a date `2026-12-03`) or
/// interval: `START/END`, `START/DURATION` or `DURATION/END`, where END may
/// be a time of day after a START with a date (`…T02:00Z/04:00Z`, on the
/// start's date). Dates must exist and an END must not be before its START;
/// the error says which and what to write.
fn check_window(text: &str) -> Result<(), String> {
    let syntax = || {
        format!(
            "is not an ISO 8601 time or interval; write START/END, START/DURATION or a time, e.g. {WINDOW_EXAMPLE}"
        )
    };
    let bad = |e: BadTime| match e {
        BadTime::Syntax => syntax(),
        BadTime::NoSuchDay(why) => {
            format!(
                "names a day that does not exist ({why}); write a real date, e.g. {WINDOW_EXAMPLE}"
            )
        }
    };
    match text.split('/').collect::<Vec<_>>().as_slice() {
        [one] => date_time(one).map(|_| ()).map_err(bad),
        [start, end] if is_duration(start) => date_time(end).map(|_| ()).map_err(bad),
        [start, end] => {
            let from = date_time(start).map_err(bad)?;
            if is_duration(end) {
                return Ok(());
            }
            // A time of day alone is on the start's date.
            let (to, time_only) = match time(end) {
                Some(t) => (
                    Instant {
                        day: from.day,
                        time: Some(t),
                    },
                    true,
                ),
                None => (date_time(end).map_err(bad)?, false),
            };
            if ends_before(from, to) {
                let hint = if time_only {
                    " (an end written as a time of day is on the start's date; write the end's date too)"
                } else {
                    ""
                };
                return Err(format!(
                    "ends before it starts: {end} is before {start}{hint}; write the end after the start, or START/DURATION, e.g. {WINDOW_EXAMPLE}"
                ));
            }
            Ok(())
        }
        _ => Err(syntax()),
    }
}

/// A point in time as written: the day (days since an epoch) and, when a
/// time of day is given, its seconds and the zone's offset in seconds.
#[derive(Clone, Copy)]
struct Instant {
    day: i64,
    time: Option<(f64, Option<i64>)>,
}

enum BadTime {
    Syntax,
    /// Well formed but not in the calendar: `2026-02-30`.
    NoSuchDay(String),
}

/// Whether `to` is strictly before `from`. With a time on both sides the
/// two are compared in UTC (a side with no zone takes the other's); when
/// either is a date alone, the dates are compared.
fn ends_before(from: Instant, to: Instant) -> bool {
    match (from.time, to.time) {
        (Some((from_secs, from_zone)), Some((to_secs, to_zone))) => {
            let (from_zone, to_zone) = match (from_zone, to_zone) {
                (Some(a), Some(b)) => (a, b),
                (Some(z), None) | (None, Some(z)) => (z, z),
                (None, None) => (0, 0),
            };
            let at = |day: i64, secs: f64, zone: i64| (day * 86_400 - zone) as f64 + secs;
            at(to.day, to_secs, to_zone) < at(from.day, from_secs, from_zone)
        }
        _ => to.day < from.day,
    }
}

/// `YYYY-MM-DD`, optionally `THH:MM[:SS[.f]][zone]`; the day must exist.
fn date_time(text: &str) -> Result<Instant, BadTime> {
    let (date, clock) = match text.find(['T', 't']) {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    let number = |s: &str, len: usize, range: std::ops::RangeInclusive<u32>| {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
            .filter(|n| range.contains(n))
    };
    let [y, m, d] = date.split('-').collect::<Vec<_>>()[..] else {
        return Err(BadTime::Syntax);
    };
    let (Some(year), Some(month), Some(day)) = (
        number(y, 4, 0..=9999),
        number(m, 2, 1..=12),
        number(d, 2, 1..=31),
    ) else {
        return Err(BadTime::Syntax);
    };
    let time = match clock {
        Some(clock) => Some(time(clock).ok_or(BadTime::Syntax)?),
        None => None,
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day > days_in_month {
        return Err(BadTime::NoSuchDay(format!(
            "{y}-{m} has {days_in_month} days"
        )));
    }
    Ok(Instant {
        day: days_from_civil(year.into(), month, day),
        time,
    })
}

/// Days from 1970-01-01 to a proleptic Gregorian date.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (i64::from(month) + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// `HH:MM[:SS[.f]]` and an optional zone (`Z`, `±HH:MM`, `±HHMM`, `±HH`):
/// the seconds into the day and the zone's offset in seconds. `24:00` is
/// the end of the day; `24:30` is no time.
fn time(text: &str) -> Option<(f64, Option<i64>)> {
    let (clock, zone) = match text.find(['Z', 'z', '+', '-']) {
        Some(i) => text.split_at(i),
        None => (text, ""),
    };
    let two = |s: &str, max: u32| {
        (s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
            .filter(|n| *n <= max)
    };
    let (h, m, sec) = match clock.split(':').collect::<Vec<_>>().as_slice() {
        [h, m] => (two(h, 24)?, two(m, 59)?, 0.0),
        [h, m, sec] => {
            let (whole, fraction) = sec.split_once(['.', ',']).unwrap_or((sec, "0"));
            if fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let seconds: f64 = format!("{}.{fraction}", two(whole, 60)?).parse().ok()?;
            (two(h, 24)?, two(m, 59)?, seconds)
        }
        _ => return None,
    };
    if h == 24 && (m > 0 || sec > 0.0) {
        return None;
    }
    let offset = match zone {
        "" => None,
        "Z" | "z" => Some(0),
        _ => {
            let digits = &zone[1..];
            let (oh, om) = match digits.split_once(':') {
                Some((h, m)) => (two(h, 23)?, two(m, 59)?),
                None if digits.len() == 4 => (two(&digits[..2], 23)?, two(&digits[2..], 59)?),
                None => (two(digits, 23)?, 0),
            };
            let secs = i64::from(oh * 3600 + om * 60);
            Some(if zone.starts_with('-') { -secs } else { secs })
        }
    };
    Some((f64::from(h * 3600 + m * 60) + sec, offset))
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

/// An approvals file as read.
#[derive(Debug, Default)]
pub struct Approvals {
    /// The resource the approvals were signed for (`target:`, optional),
    /// with where it is written: checked against the change's target, so
    /// approvals signed for one change do not pass another's gate.
    pub target: Option<(String, Origin)>,
    /// Each approval with where it is written (the file and the line of
    /// its entry), so a warning about it (it names no consumer, or the
    /// same consumer as another) points there.
    pub list: Vec<(Approval, Origin)>,
}

/// Reads an approvals file ([`Approvals`]).
pub fn read_approvals(path: &Path) -> Result<Approvals, String> {
    let (shown, root) = read(path, "the approvals file", APPROVALS_EXAMPLE)?;
    unknown_keys(
        &shown,
        &root,
        &["target", "approvals"],
        "the approvals file",
    )?;
    let target = match entry(&root, "target") {
        None => None,
        Some((k, value)) => match value.as_str() {
            Some(text) if !text.trim().is_empty() => Some((
                text.trim().to_string(),
                Origin::file(shown.clone(), line_of(k, value)),
            )),
            _ => {
                return Err(format!(
                    "{shown}:{}: `target:` must name the resource these approvals are for, as the change file does (e.g. `target: redis-sessions.cache`), or be left out",
                    line_of(k, value)
                ))
            }
        },
    };
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
                "{shown}:{}: `approvals:` is {found}; it must be a list, one `- consumer:` entry per approval:\n{APPROVALS_EXAMPLE}",
                key.line
            ));
        }
    };
    let mut out = Vec::new();
    for item in items {
        unknown_keys(&shown, item, &["consumer", "by", "note"], "an approval")?;
        let needs = "an approval needs `consumer:` (e.g. api/Deployment/events-api) and `by:` (who approves it, e.g. lead-scheduling)";
        // `consumer:` and `by:` are one value each, and not blank: an
        // approval by nobody (`by: ""`) would tick a box no one signed.
        let required = |key: &str| -> Result<String, String> {
            let Some((k, value)) = entry(item, key) else {
                return Err(format!("{shown}:{}: {needs}", item.line));
            };
            let line = line_of(k, value);
            match value.as_str() {
                Some(text) if !text.trim().is_empty() => Ok(text.to_string()),
                Some(_) => Err(format!("{shown}:{line}: `{key}:` is blank; {needs}")),
                None if value.is_null() => Err(format!("{shown}:{line}: `{key}:` is empty; {needs}")),
                None => Err(format!(
                    "{shown}:{line}: `{key}:` is {}; it must be one value: {needs} (one `- consumer:` entry per consumer)",
                    shape(value)
                )),
            }
        };
        let approval = Approval {
            consumer: required("consumer")?,
            by: required("by")?,
            note: optional_text(&shown, item, "note", "moves to rediss:// before the window")?,
        };
        out.push((approval, Origin::file(shown.clone(), item.line)));
    }
    Ok(Approvals { target, list: out })
}

const APPROVALS_EXAMPLE: &str = "target: redis-sessions.cache\napprovals:\n  - consumer: api/Deployment/events-api\n    by: lead-scheduling\n    note: moves to rediss:// before the window";

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
            "2028-02-29",
            "2026-12-03T24:00Z",
            "2026-12-03T02:00Z/2026-12-03T02:00Z",
            "2026-12-03/2026-12-03T01:00Z",
            // 23:00 at -02:00 is 01:00 UTC the next day
            "2026-12-03T23:00-02:00/2026-12-04T01:30Z",
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
            "2026-02-30",
            "2026-02-29",
            "2026-04-31T02:00Z/PT2H",
            "2026-12-03T24:30Z",
            "2026-12-03T04:00Z/02:00Z",
            "2026-12-03T04:00:00Z/2026-12-03T02:00:00Z",
            "2026-12-04/2026-12-03",
            "2026-12-03T01:00Z/2026-12-03T02:00+02:00",
            "2026-12-03T23:00-02:00/2026-12-04T00:30Z",
        ] {
            assert!(!is_iso8601_window(bad), "{bad}");
        }
    }
}

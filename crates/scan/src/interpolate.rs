//! Compose variable interpolation: `$VAR`, `${VAR}`, `${VAR:-default}`,
//! `${VAR-default}`, `${VAR:?err}`, `${VAR?err}`, `${VAR:+alt}`,
//! `${VAR+alt}`, nested (`${A:-${B}}`), and `$$` for a literal `$`. The
//! variables are the project's `.env` (the shell environment is not known
//! when scanning files), and the result says where each value came from so
//! the evidence can point at the real line.

use fallout_core::Origin;
use std::collections::BTreeMap;

/// A variable of the interpolation environment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Var {
    pub value: String,
    /// Where it is set, e.g. `.env:154`.
    pub origin: Origin,
}

pub type Vars = BTreeMap<String, Var>;

/// Stands for an unset variable in [`Interpolated::partial`].
pub const UNSET: &str = "fallout-unset-variable";

/// Where a substituted value came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// Set in the environment file, at this origin.
    Set(Origin),
    /// Not set: the default (or alternative) written in place was used.
    Default,
    /// Not set and no default: the value depends on the shell environment.
    Unset,
    /// Not set and required (`${VAR:?err}`): compose itself would stop here.
    Required,
}

/// One variable substitution.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Use {
    pub name: String,
    pub source: Source,
}

/// The result of interpolating one string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interpolated {
    /// The text after substitution; `None` when a variable without default is unset.
    pub value: Option<String>,
    pub uses: Vec<Use>,
    /// The text with each unset variable written as [`UNSET`]: shows where
    /// the unknown parts are (only the password of a URL, say).
    pub partial: String,
    /// The whole text was one substitution (`${VAR}`, `$VAR`, `${VAR:-x}`).
    pub whole: bool,
}

impl Interpolated {
    /// Variables taken from the environment file, with their origins.
    pub fn from_vars(&self) -> impl Iterator<Item = (&str, &Origin)> {
        self.uses.iter().filter_map(|u| match &u.source {
            Source::Set(origin) => Some((u.name.as_str(), origin)),
            _ => None,
        })
    }

    /// Names of variables that are required but unset.
    pub fn required_unset(&self) -> impl Iterator<Item = &str> {
        self.uses
            .iter()
            .filter(|u| u.source == Source::Required)
            .map(|u| u.name.as_str())
    }
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Interpolates `text` with `vars`.
pub fn interpolate(text: &str, vars: &Vars) -> Interpolated {
    let mut uses = Vec::new();
    let mut unresolved = false;
    let value = expand(text, vars, &mut uses, &mut unresolved);
    let trimmed = text.trim();
    let whole = uses.len() == 1
        && ((trimmed.starts_with("${") && matching_brace(trimmed, 2) == Some(trimmed.len() - 1))
            || (trimmed.starts_with('$')
                && trimmed[1..].chars().all(is_name_char)
                && trimmed.len() > 1));
    Interpolated {
        value: (!unresolved).then(|| value.clone()),
        partial: value,
        uses,
        whole,
    }
}

/// The index of the `}` closing the `${` whose body starts at `start`.
fn matching_brace(text: &str, start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 1;
    let mut i = start;
    while i < bytes.len() {
        match bytes[i] {
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 2;
                continue;
            }
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

fn expand(text: &str, vars: &Vars, uses: &mut Vec<Use>, unresolved: &mut bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let Some(dollar) = rest.find('$') else {
            out.push_str(rest);
            break;
        };
        out.push_str(&rest[..dollar]);
        i += dollar;
        let after = &text[i + 1..];
        if after.starts_with('$') {
            out.push('$');
            i += 2;
        } else if after.starts_with('{') {
            let Some(end) = matching_brace(text, i + 2) else {
                // An unclosed `${`: compose rejects it; keep the text.
                out.push_str(&text[i..]);
                *unresolved = true;
                break;
            };
            let body = &text[i + 2..end];
            out.push_str(&substitute(body, vars, uses, unresolved));
            i = end + 1;
        } else if after.starts_with(is_name_start) {
            let len = after.find(|c| !is_name_char(c)).unwrap_or(after.len());
            let name = &after[..len];
            out.push_str(&lookup(name, None, vars, uses, unresolved));
            i += 1 + len;
        } else {
            out.push('$');
            i += 1;
        }
    }
    out
}

fn lookup(
    name: &str,
    op: Option<(&str, &str)>,
    vars: &Vars,
    uses: &mut Vec<Use>,
    unresolved: &mut bool,
) -> String {
    let var = vars.get(name);
    let set_nonempty = var.is_some_and(|v| !v.value.is_empty());
    let set = var.is_some();
    let mut use_of = |source: Source| {
        uses.push(Use {
            name: name.to_string(),
            source,
        })
    };
    let from_var = |use_of: &mut dyn FnMut(Source)| {
        let v = var.expect("checked");
        use_of(Source::Set(v.origin.clone()));
        v.value.clone()
    };
    match op {
        None => match var {
            Some(_) => from_var(&mut use_of),
            None => {
                use_of(Source::Unset);
                *unresolved = true;
                UNSET.to_string()
            }
        },
        Some((op, arg)) => {
            let chosen = match op {
                ":-" => !set_nonempty,
                "-" => !set,
                _ => false,
            };
            match op {
                ":-" | "-" if chosen => {
                    use_of(Source::Default);
                    expand(arg, vars, uses, unresolved)
                }
                ":-" | "-" => from_var(&mut use_of),
                ":?" | "?" => {
                    let missing = if op == ":?" { !set_nonempty } else { !set };
                    if missing {
                        use_of(Source::Required);
                        *unresolved = true;
                        UNSET.to_string()
                    } else {
                        from_var(&mut use_of)
                    }
                }
                ":+" | "+" => {
                    let present = if op == ":+" { set_nonempty } else { set };
                    if present {
                        use_of(Source::Set(var.expect("checked").origin.clone()));
                        expand(arg, vars, uses, unresolved)
                    } else {
                        use_of(Source::Default);
                        String::new()
                    }
                }
                _ => unreachable!("operators are matched in substitute"),
            }
        }
    }
}

fn substitute(body: &str, vars: &Vars, uses: &mut Vec<Use>, unresolved: &mut bool) -> String {
    let len = body.find(|c| !is_name_char(c)).unwrap_or(body.len());
    let (name, rest) = body.split_at(len);
    if name.is_empty() || !name.starts_with(is_name_start) {
        *unresolved = true;
        return String::new();
    }
    if rest.is_empty() {
        return lookup(name, None, vars, uses, unresolved);
    }
    for op in [":-", ":?", ":+", "-", "?", "+"] {
        if let Some(arg) = rest.strip_prefix(op) {
            return lookup(name, Some((op, arg)), vars, uses, unresolved);
        }
    }
    *unresolved = true;
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> Vars {
        pairs
            .iter()
            .enumerate()
            .map(|(i, (k, v))| {
                (
                    k.to_string(),
                    Var {
                        value: v.to_string(),
                        origin: Origin::file(".env", i as u32 + 1),
                    },
                )
            })
            .collect()
    }

    fn value(text: &str, vars: &Vars) -> Option<String> {
        interpolate(text, vars).value
    }

    #[test]
    fn forms() {
        let v = vars(&[("HOST", "cache"), ("EMPTY", ""), ("PORT", "6380")]);
        assert_eq!(
            value("redis://${HOST}:$PORT/0", &v).as_deref(),
            Some("redis://cache:6380/0")
        );
        assert_eq!(value("${NOPE:-redis}", &v).as_deref(), Some("redis"));
        assert_eq!(value("${EMPTY:-redis}", &v).as_deref(), Some("redis"));
        assert_eq!(value("${EMPTY-redis}", &v).as_deref(), Some(""));
        assert_eq!(value("${NOPE-redis}", &v).as_deref(), Some("redis"));
        assert_eq!(value("${HOST:?set HOST}", &v).as_deref(), Some("cache"));
        assert_eq!(value("${NOPE:?set NOPE}", &v), None);
        assert_eq!(value("${HOST:+on}", &v).as_deref(), Some("on"));
        assert_eq!(value("${NOPE:+on}", &v).as_deref(), Some(""));
        assert_eq!(
            value("$$REDIS_PASSWORD and $${X}", &v).as_deref(),
            Some("$REDIS_PASSWORD and ${X}")
        );
        assert_eq!(value("${NOPE}", &v), None);
        assert_eq!(value("cost $5", &v).as_deref(), Some("cost $5"));
    }

    #[test]
    fn partial_marks_unset_variables() {
        let i = interpolate("redis://:${PW}@cache:6379", &Vars::new());
        assert_eq!(i.value, None);
        assert_eq!(i.partial, format!("redis://:{UNSET}@cache:6379"));
    }

    #[test]
    fn nested_defaults() {
        let v = vars(&[("PORT", "6379")]);
        assert_eq!(
            value("${ADDR:-valkey:${PORT}}", &v).as_deref(),
            Some("valkey:6379")
        );
        let i = interpolate("${ADDR:-valkey:${PORT}}", &v);
        assert_eq!(i.uses.len(), 2);
        assert!(!i.whole || i.uses.len() == 1);
    }

    #[test]
    fn origins_and_whole() {
        let v = vars(&[("A", "x"), ("B", "y")]);
        let i = interpolate("${B}", &v);
        assert!(i.whole);
        assert_eq!(
            i.from_vars().collect::<Vec<_>>(),
            [("B", &Origin::file(".env", 2))]
        );
        assert!(interpolate("$A", &v).whole);
        assert!(!interpolate("pre-$A", &v).whole);
        assert!(interpolate("${NOPE:?x}", &v).required_unset().eq(["NOPE"]));
    }
}

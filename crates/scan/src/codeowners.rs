//! CODEOWNERS files and the gitignore-style path patterns they (and the
//! inventory file's `ignore` list) use. Pure: text in, rules out; the CLI
//! finds the files and says which folder their paths are relative to.

use regex::Regex;

/// A gitignore-style path pattern: `*` and `?` stay within one path
/// segment, `**` crosses segments, a leading `/` (or any `/` before the
/// end) anchors the pattern at the root, a trailing `/` matches a folder
/// and everything in it, and a pattern without `/` matches at any depth.
#[derive(Clone, Debug)]
pub struct PathPattern {
    /// The pattern as written.
    pub text: String,
    regex: Regex,
}

impl PartialEq for PathPattern {
    fn eq(&self, other: &PathPattern) -> bool {
        self.text == other.text
    }
}

impl Eq for PathPattern {}

impl PathPattern {
    /// Compiles a pattern; `None` when it is empty or cannot be compiled.
    pub fn new(text: &str) -> Option<PathPattern> {
        let pattern = text.trim();
        if pattern.is_empty() {
            return None;
        }
        let dir_only = pattern.ends_with('/');
        let body = pattern.trim_end_matches('/');
        let anchored = body.starts_with('/') || body.contains('/');
        let body = body.trim_start_matches('/');
        if body.is_empty() {
            // `/` alone: everything.
            return Regex::new("^.*$").ok().map(|regex| PathPattern {
                text: text.to_string(),
                regex,
            });
        }
        let mut re = String::from("^");
        if !anchored {
            re.push_str("(?:.*/)?");
        }
        re.push_str(&glob_to_regex(body));
        // A match on a folder covers everything beneath it; a pattern that
        // names a file matches only that file.
        if dir_only {
            re.push_str("/.*$");
        } else {
            re.push_str("(?:/.*)?$");
        }
        Regex::new(&re).ok().map(|regex| PathPattern {
            text: text.to_string(),
            regex,
        })
    }

    /// Whether `path` (relative to the pattern's root, `/`-separated) matches.
    pub fn matches(&self, path: &str) -> bool {
        let path = path.trim_start_matches("./").trim_start_matches('/');
        self.regex.is_match(path)
    }
}

fn glob_to_regex(glob: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = glob.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '*' if chars.get(i + 1) == Some(&'*') => {
                let after = chars.get(i + 2);
                let at_start = i == 0 || chars[i - 1] == '/';
                if at_start && after == Some(&'/') {
                    // `**/`: zero or more folders.
                    out.push_str("(?:.*/)?");
                    i += 3;
                    continue;
                }
                out.push_str(".*");
                i += 2;
                continue;
            }
            '*' => out.push_str("[^/]*"),
            '?' => out.push_str("[^/]"),
            '\\' if i + 1 < chars.len() => {
                out.push_str(&regex::escape(&chars[i + 1].to_string()));
                i += 2;
                continue;
            }
            _ => out.push_str(&regex::escape(&c.to_string())),
        }
        i += 1;
    }
    out
}

/// One line of a CODEOWNERS file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub pattern: PathPattern,
    /// Owners as written (`@org/team`, `@user`, an email). Empty: the
    /// paths are explicitly unowned.
    pub owners: Vec<String>,
    pub line: u32,
}

/// A parsed CODEOWNERS file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Codeowners {
    pub rules: Vec<Rule>,
    /// Lines that could not be read: (line, pattern).
    pub invalid: Vec<(u32, String)>,
}

impl Codeowners {
    /// The rule for `path` (relative to the repository root): the last
    /// matching one, as GitHub and GitLab decide.
    pub fn rule_for(&self, path: &str) -> Option<&Rule> {
        self.rules.iter().rev().find(|r| r.pattern.matches(path))
    }

    /// The owners of `path`, joined with spaces; `None` when no rule
    /// matches or the matching rule names nobody.
    pub fn owner_of(&self, path: &str) -> Option<String> {
        self.rule_for(path)
            .filter(|r| !r.owners.is_empty())
            .map(|r| r.owners.join(" "))
    }
}

/// Parses a CODEOWNERS file: `pattern owner...` per line, `#` comments,
/// GitLab `[Section]` headers skipped.
pub fn parse(text: &str) -> Codeowners {
    let mut out = Codeowners::default();
    for (line_no, raw) in (1u32..).zip(text.lines()) {
        let line = strip_comment(raw);
        let line = line.trim();
        if line.is_empty() || line.starts_with('[') || line.starts_with("^[") {
            continue;
        }
        let mut words = split_words(line).into_iter();
        let Some(pattern) = words.next() else {
            continue;
        };
        match PathPattern::new(&pattern) {
            Some(pattern) => out.rules.push(Rule {
                pattern,
                owners: words.collect(),
                line: line_no,
            }),
            None => out.invalid.push((line_no, pattern)),
        }
    }
    out
}

/// The line up to an unescaped `#`.
fn strip_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'#' && (i == 0 || bytes[i - 1] != b'\\') {
            return &line[..i];
        }
    }
    line
}

/// Whitespace-separated words; `\ ` keeps a space inside a pattern.
fn split_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if matches!(chars.peek(), Some(' ') | Some('#')) => {
                if let Some(next) = chars.next() {
                    word.push('\\');
                    word.push(next);
                }
            }
            c if c.is_whitespace() => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pat(p: &str) -> PathPattern {
        PathPattern::new(p).expect(p)
    }

    #[test]
    fn unanchored_patterns_match_at_any_depth() {
        assert!(pat("*.yaml").matches("api/events.yaml"));
        assert!(pat("*.yaml").matches("events.yaml"));
        assert!(!pat("*.yaml").matches("api/events.yml"));
        assert!(pat("api").matches("deploy/api/events.yaml"));
        assert!(!pat("api").matches("deploy/apis/events.yaml"));
    }

    #[test]
    fn anchored_patterns_match_from_the_root() {
        assert!(pat("/api/").matches("api/events.yaml"));
        assert!(pat("/api/").matches("api/v1/events.yaml"));
        assert!(!pat("/api/").matches("deploy/api/events.yaml"));
        assert!(pat("api/*.yaml").matches("api/events.yaml"));
        assert!(!pat("api/*.yaml").matches("api/v1/events.yaml"));
        assert!(pat("api/**/*.yaml").matches("api/v1/x/events.yaml"));
        assert!(pat("api/**/*.yaml").matches("api/events.yaml"));
        assert!(pat("**/testdata/**").matches("a/b/testdata/x.yaml"));
        assert!(pat("**/testdata/**").matches("testdata/x.yaml"));
        assert!(pat("legacy/**").matches("legacy/old/x.yaml"));
        assert!(!pat("legacy/**").matches("new/legacy/x.yaml"));
        assert!(pat("/").matches("anything/at/all"));
        assert!(pat("docs/a?.md").matches("docs/ab.md"));
        assert!(!pat("docs/a?.md").matches("docs/a/b.md"));
    }

    #[test]
    fn last_matching_rule_wins() {
        let co = parse(
            "# owners\n\
             *            @acme/platform\n\
             /api/        @acme/api   # the API team\n\
             /api/events.yaml @acme/scheduling @alice\n\
             /api/generated/\n",
        );
        assert_eq!(co.rules.len(), 4);
        assert_eq!(
            co.owner_of("cache/redis.yaml").as_deref(),
            Some("@acme/platform")
        );
        assert_eq!(
            co.owner_of("api/sessions.yaml").as_deref(),
            Some("@acme/api")
        );
        assert_eq!(
            co.owner_of("api/events.yaml").as_deref(),
            Some("@acme/scheduling @alice")
        );
        // An owner-less rule makes its paths unowned.
        assert_eq!(co.owner_of("api/generated/x.yaml"), None);
        assert_eq!(co.rule_for("api/events.yaml").map(|r| r.line), Some(4));
    }

    #[test]
    fn sections_comments_and_escapes() {
        let co = parse("[Backend]\n\\#notes @a\nweird\\ name.txt @b\n");
        assert_eq!(co.owner_of("#notes").as_deref(), Some("@a"));
        assert_eq!(co.owner_of("weird name.txt").as_deref(), Some("@b"));
        assert!(co.invalid.is_empty());
    }
}

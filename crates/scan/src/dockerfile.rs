//! Dockerfiles, read for one question: which files of the build context
//! does a `COPY` or `ADD` put into the image that runs? A compose service
//! built from a folder holds the config files the image copies, and only
//! maybe the others (docs/scanners.md, "docker-compose projects").

use crate::frameworks::wildcard;

/// A `COPY`/`ADD` from the build context into the image that runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContextCopy {
    /// The sources as written, relative to the context (`settings.json`,
    /// `.`, `config/`, `*.yml`).
    pub sources: Vec<String>,
    /// The instruction's first line (1-based).
    pub line: u32,
}

impl ContextCopy {
    /// Whether this copy puts the context file `rel` (a path relative to
    /// the context, `config/app.yml`) into the image: a source naming the
    /// file, a folder above it, or the whole context (`.`).
    pub fn covers(&self, rel: &str) -> bool {
        self.sources.iter().any(|s| source_covers(s, rel))
    }
}

/// One `FROM` stage.
struct Stage {
    name: Option<String>,
    base: String,
    copies: Vec<ContextCopy>,
}

/// The copies from the build context into the stage a build runs:
/// `target` (compose `build.target`) or the last stage, with the stages it
/// is built `FROM` (their files are in it). A `COPY --from=` copies from
/// another stage or image, not from the context, and is left out; so is a
/// copy into a stage the image does not start from (a builder's `COPY . .`).
pub fn image_copies(text: &str, target: Option<&str>) -> Vec<ContextCopy> {
    let mut stages: Vec<Stage> = Vec::new();
    for (line, instruction) in instructions(text) {
        let mut words = instruction.split_whitespace();
        let Some(keyword) = words.next() else {
            continue;
        };
        match keyword.to_ascii_uppercase().as_str() {
            "FROM" => {
                let args: Vec<&str> = words.filter(|w| !w.starts_with("--")).collect();
                let name = match args.as_slice() {
                    [_, as_, name, ..] if as_.eq_ignore_ascii_case("as") => Some(name.to_string()),
                    _ => None,
                };
                stages.push(Stage {
                    name,
                    base: args.first().unwrap_or(&"").to_string(),
                    copies: Vec::new(),
                });
            }
            "COPY" | "ADD" => {
                let Some(stage) = stages.last_mut() else {
                    continue;
                };
                let rest = instruction[keyword.len()..].trim();
                if let Some(sources) = copy_sources(rest) {
                    stage.copies.push(ContextCopy { sources, line });
                }
            }
            _ => {}
        }
    }
    let named = |name: &str| {
        stages.iter().position(|s| {
            s.name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        })
    };
    let mut at = match target {
        Some(t) => named(t),
        None => stages.len().checked_sub(1),
    };
    let mut out = Vec::new();
    // A stage built FROM an earlier one holds that one's files too.
    let mut seen = Vec::new();
    while let Some(i) = at.filter(|i| !seen.contains(i)) {
        seen.push(i);
        out.extend(stages[i].copies.iter().cloned());
        at = named(&stages[i].base).filter(|&b| b < i);
    }
    out.sort_by_key(|c| c.line);
    out
}

/// The instructions of a Dockerfile with the line each starts on:
/// continuation lines (`\` at the end) joined, comment lines dropped.
fn instructions(text: &str) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    let mut current: Option<(u32, String)> = None;
    for (n, raw) in text.lines().enumerate() {
        let trimmed = raw.trim();
        if trimmed.starts_with('#') || trimmed.is_empty() {
            continue;
        }
        let (body, continues) = match trimmed.strip_suffix('\\') {
            Some(body) => (body, true),
            None => (trimmed, false),
        };
        let entry = current.get_or_insert_with(|| (n as u32 + 1, String::new()));
        if !entry.1.is_empty() {
            entry.1.push(' ');
        }
        entry.1.push_str(body.trim());
        if !continues {
            out.extend(current.take());
        }
    }
    out.extend(current);
    out
}

/// The context sources of a `COPY`/`ADD` (the text after the keyword), or
/// `None` when it copies nothing from the context: `--from=`, a heredoc,
/// only URLs.
fn copy_sources(rest: &str) -> Option<Vec<String>> {
    let mut rest = rest;
    while let Some(flag) = rest.strip_prefix("--") {
        let (word, after) = flag.split_once(char::is_whitespace).unwrap_or((flag, ""));
        if word.starts_with("from=") {
            return None;
        }
        rest = after.trim_start();
    }
    let mut paths: Vec<String> = if rest.starts_with('[') {
        serde_json::from_str::<Vec<String>>(rest).ok()?
    } else {
        rest.split_whitespace().map(str::to_string).collect()
    };
    // The last is the destination.
    paths.pop()?;
    let sources: Vec<String> = paths
        .into_iter()
        .filter(|s| !s.starts_with("<<") && !s.contains("://") && !s.starts_with("git@"))
        .collect();
    (!sources.is_empty()).then_some(sources)
}

/// Whether a copy source (relative to the context, globs per name as
/// Docker's) names `rel` or a folder above it.
fn source_covers(source: &str, rel: &str) -> bool {
    // A variable (`${APP}/config`) is not known here.
    if source.contains('$') {
        return false;
    }
    let parts: Vec<&str> = source
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    if parts.contains(&"..") {
        return false;
    }
    let mut have = rel.split('/');
    parts
        .iter()
        .all(|want| have.next().is_some_and(|h| wildcard(h, want)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn covered(text: &str, target: Option<&str>, rel: &str) -> Option<u32> {
        image_copies(text, target)
            .into_iter()
            .find(|c| c.covers(rel))
            .map(|c| c.line)
    }

    #[test]
    fn copies_into_the_stage_that_runs() {
        let text = "\
# syntax=docker/dockerfile:1
FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN go build -o /feed .

FROM gcr.io/distroless/base AS run
COPY --from=build /feed /feed
COPY --chown=app:app settings.json \\
     config/ /app/
ENTRYPOINT [\"/feed\"]
";
        assert_eq!(covered(text, None, "settings.json"), Some(9));
        assert_eq!(covered(text, None, "config/app.yml"), Some(9));
        // the builder copies everything, but the image does not start from it
        assert_eq!(covered(text, None, "main.go"), None);
        assert_eq!(covered(text, Some("build"), "main.go"), Some(4));
        assert_eq!(covered(text, Some("BUILD"), "settings.json"), Some(4));
    }

    #[test]
    fn a_stage_from_a_stage_holds_its_files() {
        let text =
            "FROM node:20 AS base\nCOPY package.json ./\nFROM base\nCOPY [\"src\", \"/app/src\"]\n";
        assert_eq!(covered(text, None, "package.json"), Some(2));
        assert_eq!(covered(text, None, "src/index.js"), Some(4));
        assert_eq!(covered(text, None, "config/default.json"), None);
    }

    #[test]
    fn sources_that_name_no_context_file() {
        let text = "FROM x\nADD https://example.com/a.json /a.json\nCOPY <<EOF /x\nhi\nEOF\nCOPY ${DIR}/config /config\nCOPY ../up /up\nCOPY ./conf*/*.yml /etc/\nCOPY ./ /app\n";
        let copies = image_copies(text, None);
        assert_eq!(
            copies.iter().map(|c| c.line).collect::<Vec<_>>(),
            [6, 7, 8, 9]
        );
        assert!(!copies[0].covers("config/a.yml"));
        assert!(!copies[1].covers("up/a.yml"));
        assert!(copies[2].covers("config/a.yml"));
        assert!(!copies[2].covers("config/a.json"));
        assert!(copies[3].covers("anything/at/all.json"));
        // no stage at all: nothing
        assert!(image_copies("COPY . .\n", None).is_empty());
        // an unknown target: nothing known to be copied
        assert!(image_copies(text, Some("nope")).is_empty());
    }
}

//! The one place YAML (and JSON, its subset) is read for scanning: a tree
//! whose every node knows its line and column, so evidence points at the
//! real line. Typed config files (change, approvals, inventory) use
//! `serde_yaml` in the CLI instead; see docs/decisions.md.
//!
//! [`parse`] first tries [`fast`], a single-pass parser for the block YAML
//! subset manifests and compose files use, which gives up (and yaml-rust2
//! takes over) on anything outside it; both build the same tree.

mod fast;

use std::collections::HashMap;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// A YAML node with its position (1-based line and column).
#[derive(Clone, Debug, PartialEq)]
pub struct Node<'s> {
    pub line: u32,
    pub col: u32,
    pub value: Value<'s>,
    /// A literal or folded block scalar.
    pub block: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value<'s> {
    /// Every scalar is kept as text; `quoted` tells `"null"` from `null`
    /// (block scalars count as quoted).
    Scalar {
        text: Text<'s>,
        quoted: bool,
    },
    Seq(Vec<Node<'s>>),
    /// Keys in document order; `<<` merge keys are already applied.
    Map(Vec<(Node<'s>, Node<'s>)>),
}

/// A scalar's text: borrowed from the parsed text where it is written out
/// whole (most keys and values: no allocation), owned where the parser had
/// to build it (escapes, folded lines).
pub type Text<'s> = std::borrow::Cow<'s, str>;

/// A document of a multi-document stream.
#[derive(Clone, Debug, PartialEq)]
pub struct Document<'s> {
    pub root: Node<'s>,
    /// Line where the document starts.
    pub line: u32,
    /// Keys given twice in one mapping, in line order: (line of the later
    /// key, which wins, line of the earlier one). A key written over one a
    /// `<<` merge brought in is no duplicate.
    pub duplicates: Vec<(u32, u32)>,
}

impl Document<'_> {
    /// The document with every scalar owned ([`Node::into_owned`]).
    pub fn into_owned(self) -> Document<'static> {
        Document {
            root: self.root.into_owned(),
            line: self.line,
            duplicates: self.duplicates,
        }
    }
}

/// A YAML syntax error, 1-based.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    pub line: u32,
    pub col: u32,
    pub message: String,
}

const NULL: &str = "~";

impl<'s> Node<'s> {
    pub fn scalar(text: impl Into<Text<'s>>, line: u32, col: u32) -> Node<'s> {
        Node {
            line,
            col,
            value: Value::Scalar {
                text: text.into(),
                quoted: true,
            },
            block: false,
        }
    }

    /// The text of a scalar; `None` for null, maps and sequences.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, quoted } => {
                if !quoted && matches!(text.as_ref(), "" | "~" | "null" | "Null" | "NULL") {
                    None
                } else {
                    Some(text)
                }
            }
            _ => None,
        }
    }

    /// The file line of line `i` (0-based) of a scalar's text: a block
    /// scalar (`key: |`) is marked at its first content line.
    pub fn line_of(&self, i: usize) -> u32 {
        if self.block {
            self.line + i as u32
        } else {
            self.line
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { .. }) && self.as_str().is_none()
    }

    pub fn as_seq(&self) -> &[Node<'s>] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    pub fn as_map(&self) -> Option<&[(Node<'s>, Node<'s>)]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// Map entries as `(key text, value)`; empty for non-maps.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &Node<'s>)> {
        self.as_map()
            .unwrap_or(&[])
            .iter()
            .filter_map(|(k, v)| k.as_str().map(|k| (k, v)))
    }

    /// The value under `key`. Lengths are compared before bytes: a key's
    /// text lives in the file text, far from the node, and touching it for
    /// every entry is what a lookup used to spend its time on.
    pub fn get(&self, key: &str) -> Option<&Node<'s>> {
        let entries = self.as_map()?;
        entries.iter().find(|(k, _)| k.is_key(key)).map(|(_, v)| v)
    }

    /// Whether this node, as a map key, is `key`: `as_str() == Some(key)`,
    /// with the length compared first. A null key (`~:`) is not the text
    /// "~" (as [`Node::entries`] says).
    pub(crate) fn is_key(&self, key: &str) -> bool {
        match &self.value {
            Value::Scalar { text, .. } => {
                text.len() == key.len() && text.as_ref() == key && self.as_str().is_some()
            }
            _ => false,
        }
    }

    /// Follows a path of map keys.
    pub fn at(&self, path: &[&str]) -> Option<&Node<'s>> {
        path.iter().try_fold(self, |node, key| node.get(key))
    }

    pub fn str_at(&self, path: &[&str]) -> Option<&str> {
        self.at(path).and_then(Node::as_str)
    }

    /// A map of scalar values as a sorted string map (labels, selectors).
    pub fn string_map(&self) -> std::collections::BTreeMap<String, String> {
        self.entries()
            .filter_map(|(k, v)| v.as_str().map(|v| (k.to_string(), v.to_string())))
            .collect()
    }

    /// The node with every scalar owned: for a tree that must outlive the
    /// text it was parsed from.
    pub fn into_owned(self) -> Node<'static> {
        let value = match self.value {
            Value::Scalar { text, quoted } => Value::Scalar {
                text: Text::Owned(text.into_owned()),
                quoted,
            },
            Value::Seq(items) => Value::Seq(items.into_iter().map(Node::into_owned).collect()),
            Value::Map(entries) => Value::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect(),
            ),
        };
        Node {
            line: self.line,
            col: self.col,
            value,
            block: self.block,
        }
    }

    /// Builds a node from JSON (objects fetched from the Kubernetes API have no lines).
    pub fn from_json(value: &serde_json::Value) -> Node<'static> {
        let value = match value {
            serde_json::Value::Null => Value::Scalar {
                text: NULL.into(),
                quoted: false,
            },
            serde_json::Value::Bool(b) => Value::Scalar {
                text: b.to_string().into(),
                quoted: false,
            },
            serde_json::Value::Number(n) => Value::Scalar {
                text: n.to_string().into(),
                quoted: false,
            },
            serde_json::Value::String(s) => Value::Scalar {
                text: s.clone().into(),
                quoted: true,
            },
            serde_json::Value::Array(items) => {
                Value::Seq(items.iter().map(Node::from_json).collect())
            }
            serde_json::Value::Object(map) => Value::Map(
                map.iter()
                    .map(|(k, v)| (Node::scalar(k.clone(), 0, 0), Node::from_json(v)))
                    .collect(),
            ),
        };
        Node {
            line: 0,
            col: 0,
            value,
            block: false,
        }
    }
}

/// Splits a stream at `---` lines, so one broken document does not hide the
/// others, and so callers can skip documents cheaply. Returns (first line, text).
pub fn split_documents(text: &str) -> Vec<(u32, &str)> {
    let b = text.as_bytes();
    let is_marker = |at: usize| {
        let rest = &b[at..];
        rest.starts_with(b"---")
            && match rest.get(3) {
                None | Some(b' ' | b'\t') => true,
                // `---` alone on its line, trailing spaces allowed
                Some(_) => {
                    let line_end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
                    rest[3..line_end].iter().all(|c| c.is_ascii_whitespace())
                }
            }
    };
    let mut docs = Vec::new();
    let mut start = 0usize;
    let mut start_line = 1u32;
    // Lines counted up to `counted`, a line start.
    let (mut counted, mut line) = (0usize, 1u32);
    let candidates =
        std::iter::once(0).chain(memchr::memmem::find_iter(b, b"\n---").map(|i| i + 1));
    for at in candidates {
        if at <= start || !is_marker(at) {
            continue;
        }
        line += memchr::memchr_iter(b'\n', &b[counted..at]).count() as u32;
        counted = at;
        docs.push((start_line, &text[start..at]));
        start = at;
        start_line = line;
    }
    if start < text.len() {
        docs.push((start_line, &text[start..]));
    }
    docs
}

/// A `yaml-duplicate-key` error for each key a document gives twice in one
/// mapping, at the later key's line (`text` is the document's text, whose
/// first line is the file's `first_line`); `consequence` says who refuses
/// the file. The later value is the one read, as the parsers keep it.
pub fn duplicate_keys(
    path: &str,
    text: &str,
    first_line: u32,
    doc: &Document<'_>,
    consequence: &str,
) -> Vec<fallout_core::Diagnostic> {
    duplicate_key_names(text, first_line, doc)
        .into_iter()
        .map(|(line, first, key)| {
            fallout_core::Diagnostic::error(
                "yaml-duplicate-key",
                duplicate_key_message(
                    &key,
                    first,
                    &format!("only this later value is read, and {consequence}"),
                ),
            )
            .at(path, Some(line), None)
        })
        .collect()
}

/// What a `yaml-duplicate-key` diagnostic says: the key, the line of its
/// first, what happens (which value is read, who refuses the file).
pub fn duplicate_key_message(key: &str, first: u32, what_happens: &str) -> String {
    format!(
        "{key} is given a second time in the same mapping (first at line {first}); {what_happens}: remove one"
    )
}

/// The keys a document gives twice, for messages: (line of the later key,
/// line of the first, the key as `` `name` `` or "a key" where the line
/// holds more than one). `text` is the document's text, whose first line is
/// the file's `first_line`. The lines are found in one pass over the text
/// (a `kubectl get` dump can repeat a label in each of 20,000 objects).
pub fn duplicate_key_names(
    text: &str,
    first_line: u32,
    doc: &Document<'_>,
) -> Vec<(u32, u32, String)> {
    if doc.duplicates.is_empty() {
        return Vec::new();
    }
    let mut wanted: Vec<u32> = doc.duplicates.iter().map(|&(line, _)| line).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut written = std::collections::HashMap::with_capacity(wanted.len());
    let mut lines = text.lines().zip(first_line..);
    for &line in &wanted {
        if let Some((text, _)) = lines.by_ref().find(|&(_, at)| at == line) {
            written.insert(line, text);
        }
    }
    doc.duplicates
        .iter()
        .map(|&(line, first)| {
            let key = written
                .get(&line)
                .and_then(|text| key_on_line(text))
                .map(|k| format!("`{k}`"))
                .unwrap_or_else(|| "a key".to_string());
            (line, first, key)
        })
        .collect()
}

/// The plain or quoted key a block mapping writes on a line, for messages;
/// `None` where the line holds more than one key.
fn key_on_line(line: &str) -> Option<&str> {
    let written = line.trim_start();
    let written = written.strip_prefix("- ").unwrap_or(written).trim_start();
    let (key, rest) = written.split_once(':')?;
    // A flow mapping on the line may hold the key given twice: not guessed.
    if rest.contains(['{', '[', ',']) {
        return None;
    }
    let key = key.trim();
    let key = key
        .strip_prefix('"')
        .and_then(|k| k.strip_suffix('"'))
        .or_else(|| key.strip_prefix('\'').and_then(|k| k.strip_suffix('\'')))
        .unwrap_or(key);
    (!key.is_empty() && !key.contains(['{', '[', ',', '"', '\'', '`', '#'])).then_some(key)
}

/// Parses one or more documents. `first_line` is added to every position so
/// that a chunk cut out of a file reports the file's lines.
pub fn parse(text: &str, first_line: u32) -> Result<Vec<Document<'_>>, YamlError> {
    if FAST_PATH {
        if let Some(docs) = parse_fast_ended(text, first_line) {
            return Ok(docs);
        }
        if let Some(docs) = parse_crlf(text, first_line) {
            return Ok(docs);
        }
    }
    parse_events(text, first_line)
}

/// The fast path, also for a document closed by `...` (PyYAML's
/// `explicit_end`, Ansible): the `...` line and the blank or comment lines
/// after it are the end of the stream to YAML, so the text before that line
/// parses to the same tree, the end-of-stream marks falling on the `...`
/// line, where yaml-rust2 puts them.
#[doc(hidden)]
pub fn parse_fast_ended(text: &str, first_line: u32) -> Option<Vec<Document<'_>>> {
    // The end is looked for first (a scan back over the last lines): the
    // fast path would read a whole document before giving up at its `...`.
    fast::parse(
        &text[..document_end(text).unwrap_or(text.len())],
        first_line,
    )
}

/// Where a final `...` line starts: a `...` at the start of the last line
/// that is neither blank nor only a comment, followed by nothing but spaces
/// or a comment.
fn document_end(text: &str) -> Option<usize> {
    let mut end = text.len();
    loop {
        let body = &text[..end];
        let start = body
            .strip_suffix('\n')
            .unwrap_or(body)
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let line = text[start..end].trim_end_matches('\n');
        let content = line.trim_start_matches(' ');
        if content.is_empty() || content.starts_with('#') {
            if start == 0 {
                return None;
            }
            end = start;
            continue;
        }
        let rest = line.strip_prefix("...")?;
        let rest = rest.trim_start_matches(' ');
        return (rest.is_empty() || rest.starts_with('#') && rest.len() < line.len() - 3)
            .then_some(start);
    }
}

/// A document written with CRLF line ends (a file saved on Windows): YAML
/// reads `\r\n` as one line break, also inside block scalars, so the text
/// without the `\r`s parses to the same tree, with the same lines and
/// columns (each `\r` was the last character of its line). The fast path
/// reads that copy; the tree is made to own its scalars, as yaml-rust2's
/// is. A `\r` not followed by `\n` (a line break of its own to YAML) is
/// left to yaml-rust2, as is anything the fast path gives up on.
#[doc(hidden)]
pub fn parse_crlf(text: &str, first_line: u32) -> Option<Vec<Document<'static>>> {
    let b = text.as_bytes();
    let crs = memchr::memchr_iter(b'\r', b);
    let mut n = 0;
    for at in crs {
        if b.get(at + 1) != Some(&b'\n') {
            return None;
        }
        n += 1;
    }
    if n == 0 {
        return None;
    }
    let lf = text.replace("\r\n", "\n");
    let docs = parse_fast_ended(&lf, first_line)?;
    Some(docs.into_iter().map(Document::into_owned).collect())
}

/// Whether [`parse`] tries the fast path first.
const FAST_PATH: bool = true;

/// The fast path alone: `None` where it gives up. For the differential
/// tests; use [`parse`].
#[doc(hidden)]
pub fn parse_fast(text: &str, first_line: u32) -> Option<Vec<Document<'_>>> {
    fast::parse(text, first_line)
}

/// yaml-rust2 alone. For the differential tests; use [`parse`].
#[doc(hidden)]
pub fn parse_events(text: &str, first_line: u32) -> Result<Vec<Document<'static>>, YamlError> {
    let mut builder = Builder {
        stack: Vec::new(),
        anchors: HashMap::new(),
        docs: Vec::new(),
        duplicates: Vec::new(),
        offset: first_line.saturating_sub(1),
        doc_line: first_line,
        expanded: 0,
        refused: None,
    };
    let mut parser = Parser::new_from_str(text);
    // Event by event: yaml-rust2's `load` recurses once per nesting level,
    // and a file nested a few thousand deep overflowed the stack.
    loop {
        let (event, mark) = parser.next_token().map_err(|e| YamlError {
            line: e.marker().line() as u32 + builder.offset,
            col: e.marker().col() as u32 + 1,
            message: e.info().to_string(),
        })?;
        let end = event == Event::StreamEnd;
        builder.on_event(event, mark);
        if end || builder.refused.is_some() {
            break;
        }
    }
    match builder.refused {
        Some(error) => Err(error),
        None => Ok(builder.docs),
    }
}

/// Collections nested deeper than this are refused: no configuration
/// nests so deep (a CRD's schema, the deepest seen, ~40), and a tree
/// thousands deep would overflow the stack of every recursive reader.
pub const MAX_DEPTH: usize = 256;

/// Nodes that aliases may copy in one parse: a few lines of anchors can
/// otherwise name billions ("billion laughs"). Compose files that share
/// blocks through `<<: *defaults` copy hundreds.
const MAX_ALIASED_NODES: usize = 250_000;

/// The number of nodes in a tree.
fn count_nodes(node: &Node<'_>) -> usize {
    1 + match &node.value {
        Value::Scalar { .. } => 0,
        Value::Seq(items) => items.iter().map(count_nodes).sum(),
        Value::Map(entries) => entries
            .iter()
            .map(|(k, v)| count_nodes(k) + count_nodes(v))
            .sum(),
    }
}

enum Frame {
    Seq(Node<'static>, usize),
    /// The map, its anchor, a key waiting for its value, the keys' hashes,
    /// and keys a `<<` merge brought in that no written key has replaced.
    Map(
        Node<'static>,
        usize,
        Option<Node<'static>>,
        SeenKeys,
        Vec<String>,
    ),
}

struct Builder {
    stack: Vec<Frame>,
    /// Each anchor's node and its number of nodes.
    anchors: HashMap<usize, (Node<'static>, usize)>,
    docs: Vec<Document<'static>>,
    /// The current document's duplicate keys ([`Document::duplicates`]).
    duplicates: Vec<(u32, u32)>,
    offset: u32,
    doc_line: u32,
    /// Nodes copied by aliases so far.
    expanded: usize,
    /// Why the input is refused (too deep, aliases that copy too much):
    /// every later event is passed over.
    refused: Option<YamlError>,
}

impl Builder {
    fn pos(&self, mark: Marker) -> (u32, u32) {
        (mark.line() as u32 + self.offset, mark.col() as u32 + 1)
    }

    fn push_value(&mut self, node: Node<'static>, anchor: usize) {
        if anchor > 0 {
            let count = count_nodes(&node);
            self.anchors.insert(anchor, (node.clone(), count));
        }
        match self.stack.last_mut() {
            None => {
                let mut duplicates = std::mem::take(&mut self.duplicates);
                duplicates.sort_unstable();
                self.docs.push(Document {
                    root: node,
                    line: self.doc_line,
                    duplicates,
                })
            }
            Some(Frame::Seq(seq, _)) => {
                if let Value::Seq(items) = &mut seq.value {
                    items.push(node);
                }
            }
            Some(Frame::Map(map, _, pending, seen, merged)) => match pending.take() {
                None => *pending = Some(node),
                Some(key) => {
                    if let Value::Map(entries) = &mut map.value {
                        if key.as_str() == Some("<<")
                            && !matches!(key.value, Value::Scalar { quoted: true, .. })
                        {
                            let before = entries.len();
                            merge_into(entries, node);
                            merged.extend(
                                entries[before..]
                                    .iter()
                                    .filter_map(|(k, _)| k.as_str().map(str::to_string)),
                            );
                            // Merged keys are not in the hashes: rebuilt on need.
                            *seen = None;
                        } else {
                            let line = key.line;
                            // A written key over a merged one overrides it.
                            let over_merged = if merged.is_empty() {
                                None
                            } else {
                                key.as_str()
                                    .and_then(|k| merged.iter().position(|m| m == k))
                            };
                            if let Some(first) = insert_entry_at(entries, 0, key, node, seen) {
                                match over_merged {
                                    Some(at) => {
                                        merged.swap_remove(at);
                                    }
                                    None => self.duplicates.push((line, first)),
                                }
                            }
                        }
                    }
                }
            },
        }
    }
}

/// Maps with more keys than this find duplicates through [`SeenKeys`].
const SMALL_MAP: usize = 16;

/// Hashes of a large map's keys: a duplicate is looked for only where the
/// hash was seen before. Without it each key scanned the keys before it, and
/// a ConfigMap of 80,000 keys took 11 s to parse.
pub(super) type SeenKeys = Option<std::collections::HashSet<u64, foldhash::fast::FixedState>>;

fn key_hash(key: &str) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::default().hash_one(key)
}

/// Adds a map entry to the map whose entries are `entries[start..]`: a
/// later duplicate key replaces the earlier entry and moves to the end
/// (null keys are never duplicates). Returns the line of the key replaced.
pub(super) fn insert_entry_at<'s>(
    entries: &mut Vec<(Node<'s>, Node<'s>)>,
    start: usize,
    key: Node<'s>,
    value: Node<'s>,
    seen: &mut SeenKeys,
) -> Option<u32> {
    let mut replaced = None;
    if let Some(k) = key.as_str() {
        let map = &entries[start..];
        let maybe_there = if map.len() < SMALL_MAP {
            true
        } else {
            let set = seen.get_or_insert_with(|| {
                map.iter()
                    .filter_map(|(e, _)| e.as_str())
                    .map(key_hash)
                    .collect()
            });
            !set.insert(key_hash(k))
        };
        if maybe_there {
            if let Some(at) = map.iter().position(|(e, _)| e.as_str() == Some(k)) {
                replaced = Some(entries.remove(start + at).0.line);
            }
        }
    }
    entries.push((key, value));
    replaced
}

/// Applies a `<<:` merge: keys already present win.
fn merge_into<'s>(entries: &mut Vec<(Node<'s>, Node<'s>)>, source: Node<'s>) {
    let sources = match source.value {
        Value::Map(_) => vec![source],
        Value::Seq(items) => items,
        Value::Scalar { .. } => return,
    };
    for src in sources {
        if let Value::Map(src_entries) = src.value {
            for (k, v) in src_entries {
                if !entries.iter().any(|(ek, _)| ek.as_str() == k.as_str()) {
                    entries.push((k, v));
                }
            }
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.refused.is_some() {
            return;
        }
        let (line, col) = self.pos(mark);
        let refuse = |message: String| Some(YamlError { line, col, message });
        match &ev {
            Event::SequenceStart(..) | Event::MappingStart(..) if self.stack.len() >= MAX_DEPTH => {
                self.refused = refuse(format!(
                    "collections nested more than {MAX_DEPTH} deep; no configuration nests so deep, so the file is not read"
                ));
                return;
            }
            Event::Alias(id) => {
                self.expanded += self.anchors.get(id).map_or(1, |(_, count)| *count);
                if self.expanded > MAX_ALIASED_NODES {
                    self.refused = refuse(format!(
                        "aliases copy more than {MAX_ALIASED_NODES} nodes (a YAML bomb, or anchors nested in anchors); the file is not read"
                    ));
                    return;
                }
            }
            _ => {}
        }
        match ev {
            Event::DocumentStart => self.doc_line = line,
            Event::Scalar(text, style, anchor, _tag) => {
                let quoted = !matches!(style, TScalarStyle::Plain);
                let block = matches!(style, TScalarStyle::Literal | TScalarStyle::Folded);
                self.push_value(
                    Node {
                        line,
                        col,
                        value: Value::Scalar {
                            text: text.into(),
                            quoted,
                        },
                        block,
                    },
                    anchor,
                );
            }
            Event::SequenceStart(anchor, _) => self.stack.push(Frame::Seq(
                Node {
                    line,
                    col,
                    value: Value::Seq(Vec::new()),
                    block: false,
                },
                anchor,
            )),
            Event::MappingStart(anchor, _) => self.stack.push(Frame::Map(
                Node {
                    line,
                    col,
                    value: Value::Map(Vec::new()),
                    block: false,
                },
                anchor,
                None,
                None,
                Vec::new(),
            )),
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some(Frame::Seq(node, anchor) | Frame::Map(node, anchor, ..)) =
                    self.stack.pop()
                {
                    self.push_value(node, anchor);
                }
            }
            Event::Alias(id) => {
                let node = self
                    .anchors
                    .get(&id)
                    .map(|(n, _)| n.clone())
                    .unwrap_or(Node {
                        line,
                        col,
                        value: Value::Scalar {
                            text: NULL.into(),
                            quoted: false,
                        },
                        block: false,
                    });
                self.push_value(node, 0);
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Large maps find duplicates through hashes: the same result as a
    /// small map's scan, on every parser path.
    #[test]
    fn duplicate_keys_in_large_maps() {
        let keys: Vec<String> = (0..40).map(|i| format!("k{i}: v{i}")).collect();
        let block = format!("{}\nk3: last\nnull: a\nnull: b\n", keys.join("\n"));
        let flow = format!("m: {{{}, k3: last}}\n", keys.join(", "));
        // An anchor sends the text to yaml-rust2.
        let events = format!("a: &x 1\n{}\nk3: last\n", keys.join("\n"));
        for (text, len) in [(&block, 42), (&flow, 40), (&events, 41)] {
            let fast = parse_fast(text, 1);
            let slow = parse_events(text, 1).unwrap();
            for docs in fast.iter().chain([&slow]) {
                let root = docs[0].root.get("m").unwrap_or(&docs[0].root);
                let map = root.as_map().unwrap();
                assert_eq!(map.len(), len, "{text}");
                // The two `null` keys stay apart, after `k3` in the block map.
                let (k, v) = if len == 42 {
                    &map[len - 3]
                } else {
                    &map[len - 1]
                };
                assert_eq!((k.as_str(), v.as_str()), (Some("k3"), Some("last")));
                assert_eq!(root.get("k3").unwrap().as_str(), Some("last"));
                assert_eq!(
                    map.iter().filter(|(k, _)| k.as_str() == Some("k3")).count(),
                    1
                );
            }
        }
        assert!(parse_fast(&block, 1).is_some() && parse_fast(&flow, 1).is_some());
    }

    /// Nesting beyond [`MAX_DEPTH`] is an error at the collection that goes
    /// too deep, on both paths and in flow and block style, not a stack
    /// overflow; [`MAX_DEPTH`] itself still parses.
    #[test]
    fn nesting_too_deep_is_refused() {
        let flow = |n: usize| format!("a: {}1{}\n", "[".repeat(n), "]".repeat(n));
        let block = |n: usize| {
            (0..n)
                .map(|i| format!("{}k{i}:\n", "  ".repeat(i)))
                .collect::<String>()
                + &"  ".repeat(n)
                + "leaf\n"
        };
        for text in [flow(MAX_DEPTH - 1), block(MAX_DEPTH - 1)] {
            assert!(parse(&text, 1).is_ok(), "{}", &text[..40]);
        }
        // yaml-rust2 has a limit of its own for flow collections.
        for text in [
            flow(MAX_DEPTH + 1),
            block(MAX_DEPTH + 1),
            flow(100_000),
            block(5_000),
        ] {
            let err = parse(&text, 1).unwrap_err();
            assert!(
                err.message.contains("nested more than 256")
                    || err.message.contains("recursion limit exceeded"),
                "{err:?}"
            );
        }
        // The block case names the line of the collection that went too deep.
        assert_eq!(
            parse(&block(300), 1).unwrap_err().line,
            MAX_DEPTH as u32 + 1
        );
    }

    /// Aliases that copy anchors of anchors ("billion laughs") are refused
    /// once they have copied [`MAX_ALIASED_NODES`] nodes; ordinary sharing
    /// is read.
    #[test]
    fn alias_bombs_are_refused() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
            .windows(2)
            .map(|w| (w[0], w[1]))
        {
            let refs = vec![format!("*{prev}"); 10].join(", ");
            bomb.push_str(&format!("{name}: &{name} [{refs}]\n"));
        }
        let err = parse(&bomb, 1).unwrap_err();
        assert!(err.message.contains("aliases copy more than"), "{err:?}");
        let shared = "x-env: &env\n  REDIS_URL: redis://cache:6379\nservices:\n  a: {environment: *env}\n  b: {environment: *env}\n";
        let root = &parse(shared, 1).unwrap()[0].root;
        assert_eq!(
            root.str_at(&["services", "b", "environment", "REDIS_URL"]),
            Some("redis://cache:6379")
        );
    }

    #[test]
    fn positions_are_file_lines() {
        let docs = parse("a: 1\nb:\n  c: \"x\"\n", 10).unwrap();
        let root = &docs[0].root;
        let c = root.at(&["b", "c"]).unwrap();
        assert_eq!((c.line, c.col, c.as_str()), (12, 6, Some("x")));
    }

    #[test]
    fn anchors_and_merge_keys() {
        let text = "x: &base\n  a: 1\n  b: 2\ny:\n  <<: *base\n  b: 3\nz: *base\n";
        let root = &parse(text, 1).unwrap()[0].root;
        assert_eq!(root.str_at(&["y", "a"]), Some("1"));
        assert_eq!(root.str_at(&["y", "b"]), Some("3"));
        assert_eq!(root.str_at(&["z", "b"]), Some("2"));
    }

    #[test]
    fn null_versus_quoted_null() {
        let root = &parse("a: null\nb: \"null\"\nc:\n", 1).unwrap()[0].root;
        assert_eq!(root.get("a").unwrap().as_str(), None);
        assert_eq!(root.get("b").unwrap().as_str(), Some("null"));
        assert!(root.get("c").unwrap().is_null());
    }

    #[test]
    fn errors_carry_line_and_column() {
        let err = parse("a: 1\nb: [unclosed\nc: 2\n", 5).unwrap_err();
        assert!(err.line >= 6, "{err:?}");
        assert!(!err.message.is_empty());
    }

    #[test]
    fn split_keeps_broken_documents_apart() {
        let text = "a: 1\n---\nb: [\n---\nc: 3\n";
        let docs = split_documents(text);
        assert_eq!(docs.iter().map(|d| d.0).collect::<Vec<_>>(), [1, 2, 4]);
        assert!(parse(docs[1].1, docs[1].0).is_err());
        let c = parse(docs[2].1, docs[2].0).unwrap();
        assert_eq!(c[0].root.get("c").unwrap().line, 5);
    }

    /// The line-by-line split this one replaced, kept as the reference.
    fn split_by_lines(text: &str) -> Vec<(u32, &str)> {
        let mut docs = Vec::new();
        let (mut start, mut start_line, mut offset) = (0usize, 1u32, 0usize);
        for (line_no, line) in (1u32..).zip(text.split_inclusive('\n')) {
            let trimmed = line.trim_end();
            if (trimmed == "---" || trimmed.starts_with("--- ") || trimmed.starts_with("---\t"))
                && offset > start
            {
                docs.push((start_line, &text[start..offset]));
                start = offset;
                start_line = line_no;
            }
            offset += line.len();
        }
        if start < text.len() {
            docs.push((start_line, &text[start..]));
        }
        docs
    }

    #[test]
    fn split_agrees_with_the_line_by_line_split() {
        for text in [
            "",
            "---",
            "---\n",
            "a: 1\n",
            "---\na: 1\n---\nb: 2\n",
            "a: 1\n---\n---\nb: 2",
            "a: 1\n--- # c\nb: 2\n---\tx\nc: 3\n",
            "a: 1\n---   \nb: 2\r\n---\r\nc: 3\r\n",
            "a: 1\n----\nb: |\n  ---\n---x\n  --- \n---",
            "\n\n---\n\n---\n",
        ] {
            assert_eq!(split_documents(text), split_by_lines(text), "{text:?}");
        }
    }

    #[test]
    fn block_scalar_lines() {
        let root = &parse("data:\n  app.yaml: |\n    a: 1\n    b: 2\n  x: y\n", 1).unwrap()[0].root;
        let block = root.at(&["data", "app.yaml"]).unwrap();
        assert_eq!((block.line_of(0), block.line_of(1)), (3, 4));
        assert_eq!(root.at(&["data", "x"]).unwrap().line_of(0), 5);
    }

    #[test]
    fn json_is_yaml() {
        let root = &parse("{\"kind\": \"List\", \"items\": [{\"a\": 1}]}", 1).unwrap()[0].root;
        assert_eq!(root.str_at(&["kind"]), Some("List"));
        assert_eq!(root.get("items").unwrap().as_seq().len(), 1);
    }
}

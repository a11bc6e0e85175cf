//! A single-pass parser for the block YAML that Kubernetes manifests and
//! compose files are made of, building the same [`Node`] trees as the
//! yaml-rust2 path in `mod.rs` (same lines, columns, styles, map order and
//! duplicate-key handling, and the same positions for empty values).
//!
//! It never guesses: anything outside its subset makes it return `None` and
//! the caller parses with yaml-rust2. The subset: block mappings with plain
//! keys; block sequences, including `- key: v` and `- - x`; plain, single-
//! and double-quoted scalars on one line; `|` and `>` block scalars with `+`
//! or `-` chomping (no indentation indicator); flow collections on one line;
//! empty values; comments and blank lines; one leading `---`; a document
//! that is one flow collection, over many lines (a JSON manifest); anchors on
//! block values and aliases alone as a value (PyYAML's `&id001`/`*id001`).
//! It gives up on tags, directives, `...` (the caller cuts a final one
//! off), `?` and `<<` keys, quoted keys in block mappings, anchored keys and
//! empty values, aliases inside flow collections or their own anchor,
//! scalars that span lines, tabs outside quoted scalars, block scalars and
//! comments, carriage returns (the caller reads CRLF text on a copy), a byte
//! order mark, and scalars that start with an indicator character.
//!
//! Positions follow yaml-rust2's markers: 1-based lines, columns in
//! characters; a block scalar is marked at its first content line; an empty
//! value is marked where the next token starts (the end of the stream is the
//! line after the last one, column 1).

use super::{insert_entry_at, Document, Node, SeenKeys, Value};

/// Keys longer than this may not be simple keys to yaml-rust2 (1024
/// characters); leave them to it.
const MAX_KEY: usize = 1000;

/// Parses `text` (one document, as `split_documents` cuts them) if it is
/// within the subset; `None` otherwise.
pub(super) fn parse(text: &str, first_line: u32) -> Option<Vec<Document<'_>>> {
    let b = text.as_bytes();
    if b.contains(&b'\r') || text.starts_with('\u{feff}') {
        return None;
    }
    let mut p = Parser {
        s: text,
        b,
        pos: 0,
        line: 1,
        off: first_line.saturating_sub(1),
        entries: Vec::new(),
        items: Vec::new(),
        depth: std::cell::Cell::new(0),
        anchors: Vec::new(),
        aliased: 0,
        multi_line: false,
        duplicates: std::cell::RefCell::new(Vec::new()),
    };
    p.document()
}

/// A content line (not blank, not only a comment).
#[derive(Clone, Copy)]
struct Line {
    start: usize,
    indent: usize,
    line: u32,
}

/// Where a node starts: it decides which nodes may start there.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    /// The first thing on a line.
    LineStart,
    /// After `- `: a compact mapping or sequence may start here.
    SeqItem,
    /// After `key: `: only scalars and flow collections.
    MapValue,
}

enum Plain {
    /// A scalar ending (exclusive, trailing spaces trimmed) at `end`; the rest
    /// of the line from `rest` is blank or a comment.
    Scalar { end: usize, rest: usize },
    /// A key whose `:` is at this index.
    Key(usize),
}

struct Parser<'a> {
    /// Keys given twice in a mapping ([`Document::duplicates`]).
    duplicates: std::cell::RefCell<Vec<(u32, u32)>>,
    s: &'a str,
    b: &'a [u8],
    /// Start of the current line.
    pos: usize,
    /// 1-based line of `pos` within `s` (one more than the newlines before it).
    line: u32,
    /// Added to every line: the file line of the text's first line, minus one.
    off: u32,
    /// Entries of the mappings being read, innermost last: each mapping's
    /// entries are moved out in one exact allocation when it ends.
    entries: Vec<(Node<'a>, Node<'a>)>,
    /// Items of the sequences being read, likewise.
    items: Vec<Node<'a>>,
    /// Collections open around the one being read: beyond
    /// [`super::MAX_DEPTH`] the fast path gives up, and yaml-rust2's reader
    /// refuses the text with a message.
    depth: std::cell::Cell<usize>,
    /// Anchors in the order they are written (`&name`, latest last: a
    /// name given twice means the later one, as yaml-rust2 registers them),
    /// each with its node and number of nodes once the node is read.
    anchors: Vec<(&'a str, Option<(Node<'a>, usize)>)>,
    /// Nodes copied by aliases so far: past [`super::MAX_ALIASED_NODES`]
    /// yaml-rust2's reader refuses the text with a message.
    aliased: usize,
    /// Reading a flow collection that is the whole document (a JSON
    /// manifest): it may span lines, `pos` and `line` follow it.
    multi_line: bool,
}

fn is_blank_or_end(c: Option<&u8>) -> bool {
    matches!(c, None | Some(b' ' | b'\n'))
}

fn is_flow_indicator(c: u8) -> bool {
    matches!(c, b',' | b'[' | b']' | b'{' | b'}')
}

/// Whether a plain scalar may start with `c` (followed by `next`) without
/// YAML's subtler rules.
fn plain_start(c: u8, next: Option<&u8>) -> bool {
    match c {
        b'-' => !matches!(next, None | Some(b' ' | b'\t' | b'\n')),
        b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|'
        | b'>' | b'\'' | b'"' | b'%' | b'@' | b'`' | b' ' | b'\t' | b'\n' => false,
        _ => true,
    }
}

fn scalar<'a>(text: impl Into<super::Text<'a>>, quoted: bool, line: u32, col: usize) -> Node<'a> {
    Node {
        line,
        col: col as u32 + 1,
        value: Value::Scalar {
            text: text.into(),
            quoted,
        },
        block: false,
    }
}

impl<'a> Parser<'a> {
    fn document(&mut self) -> Option<Vec<Document<'a>>> {
        let mut doc_line = None;
        let mut first = self.peek_inner(true)?;
        if let Some(l) = first {
            let rest = &self.b[l.start..];
            if l.indent == 0 && rest.starts_with(b"---") {
                if !is_blank_or_end(rest.get(3)) {
                    return None;
                }
                self.end_of_line(l.start + 3)?;
                doc_line = Some(l.line);
                first = self.peek()?;
            } else if l.indent == 0 && rest.starts_with(b"...") {
                return None;
            }
        }
        let Some(l) = first else {
            // An empty stream has no document; an empty `---` document is
            // left to yaml-rust2.
            return if doc_line.is_some() {
                None
            } else {
                Some(Vec::new())
            };
        };
        let at = l.start + l.indent;
        let root = if matches!(self.b[at], b'{' | b'[') {
            // A JSON document: one flow collection over many lines.
            self.multi_line = true;
            let mut i = at;
            let root = self.flow(&mut i, l.line);
            self.multi_line = false;
            let root = root?;
            self.end_of_line(i)?;
            root
        } else {
            self.node(at, l.line, -1, Ctx::LineStart)?
        };
        if self.peek()?.is_some() {
            return None;
        }
        let mut duplicates = self.duplicates.take();
        duplicates.sort_unstable();
        Some(vec![Document {
            root,
            line: doc_line.unwrap_or(l.line) + self.off,
            duplicates,
        }])
    }

    /// The next content line, from the start of a line; `Some(None)` at the
    /// end. Leaves `pos` at that line's start.
    fn peek(&mut self) -> Option<Option<Line>> {
        self.peek_inner(false)
    }

    fn peek_inner(&mut self, allow_marker: bool) -> Option<Option<Line>> {
        let b = self.b;
        loop {
            let start = self.pos;
            if start >= b.len() {
                return Some(None);
            }
            let mut i = start;
            while i < b.len() && b[i] == b' ' {
                i += 1;
            }
            match b.get(i) {
                None => {
                    self.pos = b.len();
                    return Some(None);
                }
                Some(b'\n') => {
                    self.pos = i + 1;
                    self.line += 1;
                }
                Some(b'#') => self.skip_line(i),
                Some(b'\t') => {
                    while i < b.len() && matches!(b[i], b' ' | b'\t') {
                        i += 1;
                    }
                    if !matches!(b.get(i), None | Some(b'\n' | b'#')) {
                        return None;
                    }
                    self.skip_line(i);
                }
                Some(&c) => {
                    if i == start {
                        let rest = &b[i..];
                        if c == b'%'
                            || (!allow_marker
                                && (rest.starts_with(b"---") || rest.starts_with(b"..."))
                                && is_blank_or_end(rest.get(3)))
                        {
                            return None;
                        }
                    }
                    return Some(Some(Line {
                        start,
                        indent: i - start,
                        line: self.line,
                    }));
                }
            }
        }
    }

    /// Moves to the start of the line after the one holding `i`.
    fn skip_line(&mut self, i: usize) {
        match self.b[i..].iter().position(|&c| c == b'\n') {
            Some(n) => {
                self.pos = i + n + 1;
                self.line += 1;
            }
            None => self.pos = self.b.len(),
        }
    }

    /// From `i`, the rest of the line must be spaces and maybe a comment
    /// after a space; then moves to the next line.
    fn end_of_line(&mut self, mut i: usize) -> Option<()> {
        let b = self.b;
        let from = i;
        while b.get(i) == Some(&b' ') {
            i += 1;
        }
        match b.get(i) {
            None | Some(b'\n') => {}
            Some(b'#') if i > from => {}
            _ => return None,
        }
        self.skip_line(i);
        Some(())
    }

    /// The position yaml-rust2 gives the end of the stream: the line after
    /// the last, column 0.
    fn end_line(&self) -> Option<u32> {
        if self.b.is_empty() || self.b.ends_with(b"\n") {
            return Some(self.line);
        }
        // Without a final newline, the stream's end is marked after the
        // last line only when that line has content.
        let last = self.s.rsplit('\n').next().unwrap_or("");
        let content = last.trim_start_matches([' ', '\t']);
        if content.is_empty() || content.starts_with('#') {
            return None;
        }
        Some(self.line + 1)
    }

    /// Column (0-based, in characters) of byte `i` of the current line.
    fn col(&self, i: usize) -> usize {
        self.col_at(self.pos, i)
    }

    /// Column of byte `i` of the line starting at `start`.
    fn col_at(&self, start: usize, i: usize) -> usize {
        let pre = &self.b[start..i];
        if pre.is_ascii() {
            pre.len()
        } else {
            self.s[start..i].chars().count()
        }
    }

    /// Where yaml-rust2 marks a sequence entry whose `-` is at `dash`: after
    /// the spaces (and any comment) that follow it on its line.
    fn entry_mark(&self, dash: usize) -> usize {
        let b = self.b;
        let mut i = dash + 1;
        while b.get(i) == Some(&b' ') {
            i += 1;
        }
        if b.get(i) == Some(&b'#') {
            i += b[i..]
                .iter()
                .position(|&c| c == b'\n')
                .unwrap_or(b.len() - i);
        }
        i
    }

    fn null(&self, line: u32, col: usize) -> Node<'a> {
        scalar(String::new(), false, line + self.off, col)
    }

    /// A node starting at byte `p` (not a space) of the current line, inside
    /// a block collection indented `parent` (-1 at the top).
    fn node(&mut self, p: usize, line: u32, parent: isize, ctx: Ctx) -> Option<Node<'a>> {
        let b = self.b;
        let c = b[p];
        let next = b.get(p + 1);
        match c {
            b'-' if is_blank_or_end(next) => {
                if ctx == Ctx::MapValue {
                    return None;
                }
                self.block_seq(p, line)
            }
            b'|' | b'>' => {
                if ctx == Ctx::LineStart {
                    return None;
                }
                self.block_scalar(p, parent)
            }
            b'[' | b'{' => {
                if parent < 0 {
                    return None;
                }
                let mut i = p;
                let node = self.flow(&mut i, line)?;
                self.end_of_line(i)?;
                Some(node)
            }
            b'"' | b'\'' => {
                // One scan: a scalar, or a quoted key (`"helm.sh/hook": …`)
                // that starts a mapping.
                let (text, end, lines) = self.quoted_in(p, (parent >= 0).then_some(parent))?;
                let mut colon = end;
                while b.get(colon) == Some(&b' ') {
                    colon += 1;
                }
                if lines == 0 && b.get(colon) == Some(&b':') && is_blank_or_end(b.get(colon + 1)) {
                    if ctx == Ctx::MapValue {
                        return None;
                    }
                    return self.block_map(p, line);
                }
                if parent < 0 {
                    return None;
                }
                let col = self.col(p);
                self.line += lines;
                self.end_of_line(end)?;
                Some(scalar(text, true, line + self.off, col))
            }
            _ => {
                if !plain_start(c, next) {
                    return None;
                }
                match self.plain(p)? {
                    Plain::Key(_) => {
                        if ctx == Ctx::MapValue {
                            return None;
                        }
                        self.block_map(p, line)
                    }
                    Plain::Scalar { end, rest } => {
                        if parent < 0 {
                            return None;
                        }
                        let col = self.col(p);
                        let mut text = super::Text::Borrowed(&self.s[p..end]);
                        let comment = self.b.get(rest) == Some(&b'#');
                        self.skip_line(rest);
                        if !comment {
                            self.plain_continuation(&mut text, parent)?;
                        }
                        Some(scalar(text, false, line + self.off, col))
                    }
                }
            }
        }
    }

    /// Scans a plain scalar in block context from `p` to the end of its line.
    fn plain(&self, p: usize) -> Option<Plain> {
        let b = self.b;
        let mut i = p;
        let mut end = p;
        loop {
            match b.get(i) {
                None | Some(b'\n') => return Some(Plain::Scalar { end, rest: i }),
                Some(b':') if is_blank_or_end(b.get(i + 1)) => return Some(Plain::Key(i)),
                Some(b' ') => {
                    if b.get(i + 1) == Some(&b'#') {
                        return Some(Plain::Scalar { end, rest: i + 1 });
                    }
                }
                Some(b'\t') => return None,
                Some(_) => end = i + 1,
            }
            i += 1;
        }
    }

    /// Lines more indented than `parent` continue a plain scalar: each is
    /// joined with a space, or with a newline per empty line between them.
    /// Stops before a comment line or a line indented `parent` or less.
    fn plain_continuation(&mut self, text: &mut super::Text<'a>, parent: isize) -> Option<()> {
        let b = self.b;
        loop {
            let (mut pos, mut line) = (self.pos, self.line);
            let mut breaks = 0;
            let k = loop {
                let mut k = pos;
                while b.get(k) == Some(&b' ') {
                    k += 1;
                }
                match b.get(k) {
                    Some(b'\n') => {
                        breaks += 1;
                        pos = k + 1;
                        line += 1;
                    }
                    Some(b'\t') => return None,
                    None | Some(b'#') => return Some(()),
                    Some(_) => break k,
                }
            };
            if (k - pos) as isize <= parent {
                return Some(());
            }
            let Plain::Scalar { end, rest } = self.plain(k)? else {
                return None;
            };
            let text = text.to_mut();
            if breaks == 0 {
                text.push(' ');
            }
            text.extend(std::iter::repeat_n('\n', breaks));
            text.push_str(&self.s[k..end]);
            self.pos = pos;
            self.line = line;
            self.skip_line(rest);
            if b.get(rest) == Some(&b'#') {
                return Some(());
            }
        }
    }

    /// What follows `key:` or `-` (byte `q` is just after the indicator), in
    /// a collection indented `indent`.
    fn value_after(&mut self, q: usize, line: u32, indent: usize, ctx: Ctx) -> Option<Node<'a>> {
        let b = self.b;
        let mut i = q;
        while b.get(i) == Some(&b' ') {
            i += 1;
        }
        match b.get(i) {
            Some(b'\t') => None,
            Some(b'&') => self.anchored(i, line, indent, ctx),
            Some(b'*') => self.alias(i),
            None | Some(b'\n' | b'#') => {
                self.skip_line(i);
                match self.peek()? {
                    Some(l) if l.indent > indent => {
                        self.node(l.start + l.indent, l.line, indent as isize, Ctx::LineStart)
                    }
                    Some(l)
                        if l.indent == indent
                            && b[l.start + indent] == b'-'
                            && is_blank_or_end(b.get(l.start + indent + 1)) =>
                    {
                        let dash = l.start + indent;
                        if ctx == Ctx::MapValue {
                            // An indentless sequence, marked where its first
                            // entry's token is.
                            let mut seq = self.block_seq(dash, l.line)?;
                            seq.col = self.col_at(l.start, self.entry_mark(dash)) as u32 + 1;
                            Some(seq)
                        } else {
                            // An empty entry before the next: marked where the
                            // next entry's token is.
                            Some(self.null(l.line, self.col(self.entry_mark(dash))))
                        }
                    }
                    Some(l) => Some(self.null(l.line, l.indent)),
                    None => Some(self.null(self.end_line()?, 0)),
                }
            }
            Some(_) => self.node(i, line, indent as isize, ctx),
        }
    }

    /// A value with an anchor (`&name`, as PyYAML writes `&id001` for a
    /// dict used twice) at byte `i`: the value itself, on the same line (a
    /// scalar, a flow collection, a block scalar) or on the lines after (a
    /// block collection), kept for the aliases after it. The anchor does not
    /// move the value's mark (yaml-rust2 marks the token after it). An
    /// anchored key, an empty value, or an anchor with a tag are left to
    /// yaml-rust2.
    fn anchored(&mut self, i: usize, line: u32, indent: usize, ctx: Ctx) -> Option<Node<'a>> {
        let (name, after) = self.anchor_name(i + 1)?;
        let slot = self.anchors.len();
        self.anchors.push((name, None));
        let b = self.b;
        let mut j = after;
        while b.get(j) == Some(&b' ') {
            j += 1;
        }
        let node = match b.get(j) {
            None | Some(b'\n') => self.value_after(after, line, indent, ctx)?,
            Some(b'#') if j > after => self.value_after(after, line, indent, ctx)?,
            Some(b'&' | b'*' | b'!' | b'\t') => return None,
            // Same line: never a key (`- &a k: v` anchors the key).
            Some(_) if j > after => self.node(j, line, indent as isize, Ctx::MapValue)?,
            Some(_) => return None,
        };
        if matches!(&node.value, Value::Scalar { text, quoted: false } if text.is_empty()) {
            return None;
        }
        let count = super::count_nodes(&node);
        self.anchors[slot].1 = Some((node.clone(), count));
        Some(node)
    }

    /// An alias (`*name`) at byte `i`, alone on its line: a copy of the
    /// anchored node, marks and all, as yaml-rust2's reader makes it. An
    /// unknown name, an alias inside its own anchor's node, or copies past
    /// the reader's limit, are left to yaml-rust2 (which says why).
    fn alias(&mut self, i: usize) -> Option<Node<'a>> {
        let (name, after) = self.anchor_name(i + 1)?;
        let (_, anchored) = self.anchors.iter().rev().find(|(n, _)| *n == name)?;
        let (node, count) = anchored.as_ref()?;
        let (node, count) = (node.clone(), *count);
        self.aliased += count;
        if self.aliased > super::MAX_ALIASED_NODES {
            return None;
        }
        self.end_of_line(after)?;
        Some(node)
    }

    /// An anchor's name from byte `i` (letters, digits, `_`, `-`, `.`) and
    /// the byte after it, which must end it (a space, a line break, the end).
    fn anchor_name(&self, i: usize) -> Option<(&'a str, usize)> {
        let b = self.b;
        let mut j = i;
        while b
            .get(j)
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.'))
        {
            j += 1;
        }
        (j > i && matches!(b.get(j), None | Some(b' ' | b'\n'))).then(|| (&self.s[i..j], j))
    }

    /// A block mapping whose first plain key starts at byte `p` of the
    /// current line.
    fn block_map(&mut self, p: usize, line: u32) -> Option<Node<'a>> {
        let depth = self.depth.get();
        if depth >= super::MAX_DEPTH {
            return None;
        }
        self.depth.set(depth + 1);
        let node = self.block_map_in(p, line);
        self.depth.set(depth);
        node
    }

    fn block_map_in(&mut self, mut p: usize, mut line: u32) -> Option<Node<'a>> {
        let b = self.b;
        let indent = p - self.pos;
        let first_line = line;
        let mut map_col = 0;
        let start = self.entries.len();
        let mut seen: SeenKeys = None;
        loop {
            let (text, quoted, colon) = if let Some((text, colon)) = self.quoted_key(p) {
                (text, true, colon)
            } else {
                if !plain_start(b[p], b.get(p + 1)) {
                    return None;
                }
                let Plain::Key(colon) = self.plain(p)? else {
                    return None;
                };
                let text = self.s[p..colon].trim_end_matches(' ');
                if text == "<<" {
                    return None;
                }
                (super::Text::Borrowed(text), false, colon)
            };
            if colon - p > MAX_KEY {
                return None;
            }
            if self.entries.len() == start {
                // yaml-rust2 marks a block mapping at its first key's `:`.
                map_col = self.col(colon);
            }
            let key = scalar(text, quoted, line + self.off, indent);
            let value = self.value_after(colon + 1, line, indent, Ctx::MapValue)?;
            // A later duplicate key replaces the earlier entry and moves to
            // the end.
            let key_line = key.line;
            if let Some(first) = insert_entry_at(&mut self.entries, start, key, value, &mut seen) {
                self.duplicates.borrow_mut().push((key_line, first));
            }
            match self.peek()? {
                None => break,
                Some(l) if l.indent == indent => {
                    p = l.start + indent;
                    line = l.line;
                }
                Some(l) if l.indent < indent => break,
                Some(_) => return None,
            }
        }
        Some(Node {
            line: first_line + self.off,
            col: map_col as u32 + 1,
            value: Value::Map(self.entries.drain(start..).collect()),
            block: false,
        })
    }

    /// A block sequence whose first `-` is at byte `p` of the current line.
    fn block_seq(&mut self, p: usize, line: u32) -> Option<Node<'a>> {
        let depth = self.depth.get();
        if depth >= super::MAX_DEPTH {
            return None;
        }
        self.depth.set(depth + 1);
        let node = self.block_seq_in(p, line);
        self.depth.set(depth);
        node
    }

    fn block_seq_in(&mut self, mut p: usize, mut line: u32) -> Option<Node<'a>> {
        let b = self.b;
        let indent = p - self.pos;
        let first_line = line;
        let start = self.items.len();
        loop {
            let item = self.value_after(p + 1, line, indent, Ctx::SeqItem)?;
            self.items.push(item);
            match self.peek()? {
                None => break,
                Some(l) if l.indent == indent => {
                    let q = l.start + indent;
                    if b[q] != b'-' || !is_blank_or_end(b.get(q + 1)) {
                        break;
                    }
                    p = q;
                    line = l.line;
                }
                Some(l) if l.indent < indent => break,
                Some(_) => return None,
            }
        }
        Some(Node {
            line: first_line + self.off,
            col: indent as u32 + 1,
            value: Value::Seq(self.items.drain(start..).collect()),
            block: false,
        })
    }

    /// A `|` or `>` block scalar whose indicator is at byte `p`, in a block
    /// collection indented `parent`. Leaves `pos` at the line after it.
    fn block_scalar(&mut self, p: usize, parent: isize) -> Option<Node<'a>> {
        let b = self.b;
        let literal = b[p] == b'|';
        let mut i = p + 1;
        // Chomping: -1 strip, 0 clip, 1 keep.
        let chomp = match b.get(i) {
            Some(b'-') => {
                i += 1;
                -1
            }
            Some(b'+') => {
                i += 1;
                1
            }
            _ => 0,
        };
        // An indentation indicator, or anything but a comment after a space.
        if !is_blank_or_end(b.get(i)) {
            return None;
        }
        self.end_of_line(i)?;
        if self.pos >= b.len() || parent < 0 {
            return None;
        }
        let (mut pos, mut line) = (self.pos, self.line);
        // Leading empty lines, and the indentation of the first content line.
        let mut max_indent = 0;
        let mut breaks = 0usize;
        let first_indent = loop {
            let mut k = pos;
            while k < b.len() && b[k] == b' ' {
                k += 1;
            }
            max_indent = max_indent.max(k - pos);
            match b.get(k) {
                Some(b'\n') => {
                    breaks += 1;
                    pos = k + 1;
                    line += 1;
                }
                None | Some(b'\t') => return None,
                Some(_) => break k - pos,
            }
        };
        let indent = max_indent.max(parent as usize + 1);
        if first_indent != indent {
            return None;
        }
        let start_line = line;
        let mut text = String::new();
        let mut leading_break = false;
        let mut leading_blank = false;
        loop {
            // A content line: `pos` is its start, indented `indent`.
            let c = b[pos + indent];
            let trailing_blank = matches!(c, b' ' | b'\t');
            if !literal && leading_break && !leading_blank && !trailing_blank {
                if breaks == 0 {
                    text.push(' ');
                }
            } else if leading_break {
                text.push('\n');
            }
            text.extend(std::iter::repeat_n('\n', breaks));
            breaks = 0;
            leading_blank = trailing_blank;
            let from = pos + indent;
            let eol = from + b[from..].iter().position(|&c| c == b'\n')?;
            text.push_str(&self.s[from..eol]);
            leading_break = true;
            pos = eol + 1;
            line += 1;
            // Indentation and empty lines up to the next content line.
            let more = loop {
                let mut k = pos;
                while k < b.len() && k - pos < indent && b[k] == b' ' {
                    k += 1;
                }
                match b.get(k) {
                    Some(b'\n') => {
                        breaks += 1;
                        pos = k + 1;
                        line += 1;
                    }
                    None if k == pos => break false,
                    None => return None,
                    Some(b'\t') if k - pos < indent => return None,
                    Some(_) => break k - pos == indent,
                }
            };
            if !more {
                break;
            }
        }
        if chomp >= 0 && leading_break {
            text.push('\n');
        }
        if chomp > 0 {
            text.extend(std::iter::repeat_n('\n', breaks));
        }
        self.pos = pos;
        self.line = line;
        Some(Node {
            line: start_line + self.off,
            col: indent as u32 + 1,
            value: Value::Scalar {
                text: text.into(),
                quoted: true,
            },
            block: true,
        })
    }

    /// A quoted scalar on one line starting at byte `p`: its text and the
    /// index after the closing quote.
    fn quoted(&self, p: usize) -> Option<(super::Text<'a>, usize)> {
        self.quoted_in(p, None).map(|(text, end, _)| (text, end))
    }

    /// A quoted key on one line at byte `p` (`"helm.sh/hook": …`): its text
    /// and the byte of its `:`, which a blank or the line's end follows.
    fn quoted_key(&self, p: usize) -> Option<(super::Text<'a>, usize)> {
        if !matches!(self.b[p], b'"' | b'\'') {
            return None;
        }
        let (text, end) = self.quoted(p)?;
        let mut c = end;
        while self.b.get(c) == Some(&b' ') {
            c += 1;
        }
        (self.b.get(c) == Some(&b':') && is_blank_or_end(self.b.get(c + 1))).then_some((text, c))
    }

    /// A quoted scalar from byte `p`: its text, the byte after its closing
    /// quote and the line breaks inside it. On one line, or, with
    /// `fold: Some(parent)`, over lines indented more than `parent` (as
    /// PyYAML writes long strings), folded as YAML folds them: white space
    /// around a line break dropped, one break a space, n breaks n-1
    /// newlines, an escaped break (`\` at a line's end) nothing. A line
    /// that starts with a tab, or is not indented enough, is left to
    /// yaml-rust2.
    fn quoted_in(&self, p: usize, fold: Option<isize>) -> Option<(super::Text<'a>, usize, u32)> {
        let b = self.b;
        let mut lines = 0u32;
        // At a line break at `k` (the line's text before it pushed without
        // its trailing literal white space): folds the breaks and the next
        // line's indentation; where the next line's text starts.
        let fold_at = |text: &mut super::Text<'a>,
                       k: usize,
                       escaped: bool,
                       lines: &mut u32|
         -> Option<usize> {
            let parent = fold?;
            let mut j = k;
            let mut breaks = 0;
            loop {
                // `b[j]` is a line break.
                j += 1;
                breaks += 1;
                let start = j;
                while b.get(j) == Some(&b' ') {
                    j += 1;
                }
                match b.get(j) {
                    Some(b'\n') => continue,
                    Some(b'\t') | None => return None,
                    Some(_) if (j - start) as isize <= parent => return None,
                    Some(_) => break,
                }
            }
            *lines += breaks;
            if escaped {
                if breaks > 1 {
                    return None;
                }
            } else if breaks == 1 {
                text.to_mut().push(' ');
            } else {
                text.to_mut()
                    .extend(std::iter::repeat_n('\n', breaks as usize - 1));
            }
            Some(j)
        };
        let mut text = super::Text::Borrowed("");
        let mut j = p + 1;
        // Text without escapes is borrowed; the first escape makes a copy.
        let push = |text: &mut super::Text<'a>, piece: &'a str| {
            if text.is_empty() {
                *text = super::Text::Borrowed(piece);
            } else {
                text.to_mut().push_str(piece);
            }
        };
        if b[p] == b'\'' {
            loop {
                let k = j + b[j..].iter().position(|&c| c == b'\'' || c == b'\n')?;
                if b[k] == b'\n' {
                    push(&mut text, self.s[j..k].trim_end_matches([' ', '\t']));
                    j = fold_at(&mut text, k, false, &mut lines)?;
                    continue;
                }
                push(&mut text, &self.s[j..k]);
                if b.get(k + 1) == Some(&b'\'') {
                    text.to_mut().push('\'');
                    j = k + 2;
                } else {
                    return Some((text, k + 1, lines));
                }
            }
        }
        loop {
            let k = j + b[j..]
                .iter()
                .position(|&c| c == b'"' || c == b'\\' || c == b'\n')?;
            if b[k] == b'\n' {
                push(&mut text, self.s[j..k].trim_end_matches([' ', '\t']));
                j = fold_at(&mut text, k, false, &mut lines)?;
                continue;
            }
            push(&mut text, &self.s[j..k]);
            if b[k] == b'"' {
                return Some((text, k + 1, lines));
            }
            // An escaped line break: joined with nothing.
            if b.get(k + 1) == Some(&b'\n') {
                j = fold_at(&mut text, k + 1, true, &mut lines)?;
                continue;
            }
            let (ch, len) = match b.get(k + 1)? {
                b'0' => ('\0', 0),
                b'a' => ('\x07', 0),
                b'b' => ('\x08', 0),
                b't' | b'\t' => ('\t', 0),
                b'n' => ('\n', 0),
                b'v' => ('\x0b', 0),
                b'f' => ('\x0c', 0),
                b'r' => ('\r', 0),
                b'e' => ('\x1b', 0),
                b' ' => (' ', 0),
                b'"' => ('"', 0),
                b'/' => ('/', 0),
                b'\\' => ('\\', 0),
                b'N' => ('\u{85}', 0),
                b'_' => ('\u{a0}', 0),
                b'L' => ('\u{2028}', 0),
                b'P' => ('\u{2029}', 0),
                b'x' => ('\0', 2),
                b'u' => ('\0', 4),
                b'U' => ('\0', 8),
                _ => return None,
            };
            j = k + 2;
            if len == 0 {
                text.to_mut().push(ch);
            } else {
                let hex = b.get(j..j + len)?;
                if !hex.iter().all(u8::is_ascii_hexdigit) {
                    return None;
                }
                let hex = std::str::from_utf8(hex).ok()?;
                text.to_mut()
                    .push(char::from_u32(u32::from_str_radix(hex, 16).ok()?)?);
                j += len;
            }
        }
    }

    fn skip_spaces(&self, i: &mut usize) {
        while self.b.get(*i) == Some(&b' ') {
            *i += 1;
        }
    }

    /// A flow collection on one line, its `[` or `{` at `*i`; leaves `*i`
    /// after the closing bracket.
    fn flow(&mut self, i: &mut usize, line: u32) -> Option<Node<'a>> {
        let depth = self.depth.get();
        if depth >= super::MAX_DEPTH {
            return None;
        }
        self.depth.set(depth + 1);
        let node = self.flow_in(i, line);
        self.depth.set(depth);
        node
    }

    fn flow_in(&mut self, i: &mut usize, line: u32) -> Option<Node<'a>> {
        let b = self.b;
        let col = self.col(*i);
        let line = self.flow_line(line);
        let open = b[*i];
        *i += 1;
        self.skip_flow_space(i)?;
        let close = if open == b'[' { b']' } else { b'}' };
        let value = if open == b'[' {
            let mut items = Vec::new();
            if b.get(*i) != Some(&close) {
                loop {
                    items.push(self.flow_item(i, line)?);
                    if !self.flow_next(i, close)? {
                        break;
                    }
                }
            }
            Value::Seq(items)
        } else {
            let mut entries = Vec::new();
            let mut seen: SeenKeys = None;
            if b.get(*i) != Some(&close) {
                loop {
                    let key_col = self.col(*i);
                    let key_line = self.flow_line(line);
                    let (key, quoted) = match b.get(*i)? {
                        b'"' | b'\'' => {
                            let (text, end) = self.quoted(*i)?;
                            *i = end;
                            self.skip_spaces(i);
                            if b.get(*i) != Some(&b':') {
                                return None;
                            }
                            *i += 1;
                            (text, true)
                        }
                        _ => {
                            let end = self.flow_plain(i)?;
                            if b.get(*i) != Some(&b':') || b.get(*i + 1) != Some(&b' ') {
                                return None;
                            }
                            *i += 1;
                            (end, false)
                        }
                    };
                    if !quoted && key == "<<" || key.len() > MAX_KEY {
                        return None;
                    }
                    self.skip_spaces(i);
                    if matches!(b.get(*i), None | Some(b',' | b'}' | b'\n' | b'#')) {
                        return None;
                    }
                    let key = scalar(key, quoted, key_line + self.off, key_col);
                    let value = self.flow_item(i, line)?;
                    let key_line = key.line;
                    if let Some(first) = insert_entry_at(&mut entries, 0, key, value, &mut seen) {
                        self.duplicates.borrow_mut().push((key_line, first));
                    }
                    if !self.flow_next(i, close)? {
                        break;
                    }
                }
            }
            Value::Map(entries)
        };
        if b.get(*i) != Some(&close) {
            return None;
        }
        *i += 1;
        Some(Node {
            line: line + self.off,
            col: col as u32 + 1,
            value,
            block: false,
        })
    }

    /// The line being read in a flow collection: `line` on one line, the
    /// current one in a multi-line document.
    fn flow_line(&self, line: u32) -> u32 {
        if self.multi_line {
            self.line
        } else {
            line
        }
    }

    /// Spaces between flow tokens; in a multi-line document also line
    /// breaks, `pos` and `line` following them.
    /// A line that starts with `---` or `...` is a document marker to
    /// yaml-rust2 even inside a flow collection (it refuses the text): left
    /// to it.
    fn skip_flow_space(&mut self, i: &mut usize) -> Option<()> {
        loop {
            self.skip_spaces(i);
            if !(self.multi_line && self.b.get(*i) == Some(&b'\n')) {
                return Some(());
            }
            *i += 1;
            self.pos = *i;
            self.line += 1;
            let rest = &self.b[*i..];
            if (rest.starts_with(b"---") || rest.starts_with(b"..."))
                && is_blank_or_end(rest.get(3))
            {
                return None;
            }
        }
    }

    /// After a flow entry: `Some(true)` past a `,` to the next entry,
    /// `Some(false)` at the closing bracket.
    fn flow_next(&mut self, i: &mut usize, close: u8) -> Option<bool> {
        self.skip_flow_space(i)?;
        match self.b.get(*i) {
            Some(b',') => {
                *i += 1;
                self.skip_flow_space(i)?;
                if matches!(self.b.get(*i), None | Some(b',' | b']' | b'}')) {
                    return None;
                }
                Some(true)
            }
            Some(&c) if c == close => Some(false),
            _ => None,
        }
    }

    /// A flow sequence item or flow mapping value at `*i`.
    fn flow_item(&mut self, i: &mut usize, line: u32) -> Option<Node<'a>> {
        let b = self.b;
        let col = self.col(*i);
        let item_line = self.flow_line(line) + self.off;
        let node = match b.get(*i)? {
            b'[' | b'{' => return self.flow(i, line),
            b'"' | b'\'' => {
                let (text, end) = self.quoted(*i)?;
                *i = end;
                scalar(text, true, item_line, col)
            }
            _ => {
                let text = self.flow_plain(i)?;
                scalar(text, false, item_line, col)
            }
        };
        self.skip_spaces(i);
        // `[a: b]` is a one-pair mapping: not in the subset.
        if b.get(*i) == Some(&b':') {
            return None;
        }
        Some(node)
    }

    /// A plain scalar inside a flow collection; leaves `*i` after it (and
    /// before any spaces that follow it).
    fn flow_plain(&self, i: &mut usize) -> Option<super::Text<'a>> {
        let b = self.b;
        let p = *i;
        let next = b.get(p + 1);
        if !plain_start(b[p], next) || (b[p] == b'-' && next.is_some_and(|&c| is_flow_indicator(c)))
        {
            return None;
        }
        let mut k = p;
        let mut end = p;
        loop {
            match b.get(k) {
                // A plain scalar ends at its line's end in a JSON document
                // (what follows must be `,` or a bracket, else the text is
                // left to yaml-rust2).
                Some(b'\n') if self.multi_line => break,
                None | Some(b'\n' | b'\t' | b'#') => return None,
                Some(&c) if is_flow_indicator(c) => break,
                Some(b':')
                    if matches!(b.get(k + 1), None | Some(b' ' | b'\n' | b'\t'))
                        || b.get(k + 1).is_some_and(|&c| is_flow_indicator(c)) =>
                {
                    break
                }
                // ` -` before a flow indicator (`[a -]`): yaml-rust2 reads
                // the `-` as a scalar's start and refuses it.
                Some(b'-')
                    if k > p
                        && b[k - 1] == b' '
                        && b.get(k + 1).is_some_and(|&c| is_flow_indicator(c)) =>
                {
                    return None
                }
                Some(b' ') => {}
                Some(_) => end = k + 1,
            }
            k += 1;
        }
        *i = end;
        Some(super::Text::Borrowed(&self.s[p..end]))
    }
}

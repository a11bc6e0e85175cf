//! The fast YAML path construct by construct: each supported construct gives
//! exactly yaml-rust2's tree, and each construct outside the subset makes it
//! give up (and `yaml::parse` still answers as yaml-rust2 does).

use fallout_scan::yaml::{self, Node, Value};

/// The fast path takes `text` and agrees with yaml-rust2; returns the root.
#[track_caller]
fn fast(text: &str) -> Node<'_> {
    let slow = yaml::parse_events(text, 7).expect("valid YAML");
    let fast = yaml::parse_fast(text, 7).expect("within the fast path's subset");
    assert_eq!(fast, slow, "{text}");
    assert_eq!(yaml::parse(text, 7).unwrap(), slow);
    fast.into_iter().next().expect("a document").root
}

/// The fast path gives up on `text`; `parse` answers as yaml-rust2 does.
#[track_caller]
fn bails(text: &str) {
    assert!(
        yaml::parse_fast(text, 7).is_none(),
        "fast path took:\n{text}"
    );
    assert_eq!(yaml::parse(text, 7), yaml::parse_events(text, 7), "{text}");
}

fn text<'a>(n: &'a Node<'a>) -> (&'a str, bool, u32, u32, bool) {
    match &n.value {
        Value::Scalar { text, quoted } => (text, *quoted, n.line, n.col, n.block),
        other => panic!("not a scalar: {other:?}"),
    }
}

#[test]
fn block_mappings_and_positions() {
    let root = fast("# head\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n");
    // yaml-rust2 marks a block mapping at its first key's `:`.
    assert_eq!((root.line, root.col), (8, 11));
    assert_eq!(
        text(root.at(&["metadata", "name"]).unwrap()),
        ("web", false, 11, 9, false)
    );
    assert_eq!(yaml::parse_fast("a: 1\n", 7).unwrap()[0].line, 7);
    assert_eq!(yaml::parse_fast("# c\n\na: 1\n", 7).unwrap()[0].line, 9);
}

#[test]
fn explicit_document_start() {
    let docs = yaml::parse_fast("---\n# c\nkind: x\n", 3).unwrap();
    assert_eq!(docs[0].line, 3);
    fast("--- # comment\nkind: x\n");
    fast("# before\n---\nkind: x\n");
}

#[test]
fn sequences_every_way() {
    fast("- a\n- b\n");
    fast("items:\n- a\n- b\nnext: 1\n");
    fast("items:\n  - a\n  - b\n");
    fast("- - a\n  - b\n- - c\n");
    fast("- name: a\n  image: b\n- name: c\n");
    fast("containers:\n- name: app\n  ports:\n  - containerPort: 80\n    name: http\n  env:\n    - name: X\n      value: y\n");
    fast("-   name: a\n    x: 1\n");
    fast("- # comment\n  a: 1\n-\n  - x\n");
}

#[test]
fn empty_values_are_marked_where_the_next_token_starts() {
    let root = fast("a:\nb:\n  c:\n  d: 1\ne:\n");
    assert_eq!(text(root.get("a").unwrap()), ("", false, 8, 1, false));
    assert_eq!(
        text(root.at(&["b", "c"]).unwrap()),
        ("", false, 10, 3, false)
    );
    // At the end, the line after the last one.
    assert_eq!(text(root.get("e").unwrap()).2, 12);
    fast("a:\n  b:\nc: 1");
    fast("- a:\n- b\n");
    fast("-\n- b\n-\n-   # c\n- x\n");
    fast("k:\n-\n- x\n");
    fast("k:\n- # c\n  a: 1\n");
    fast("a:\n  # only a comment\nb: 2\n");
    fast("a: ~\nb: null\nc: \"null\"\n");
}

#[test]
fn plain_scalars() {
    fast("a: redis://cache:6379/0\nb: -Xmx1g\nc: a#b\nd: x # comment\ne: 'it''s'\n");
    fast("key with spaces: value with spaces   \n");
    fast("a:b: c\n");
    fast("args:\n- --port=6379\n- -c\n- echo [a] {b}, c\n");
    fast("ключ: значение\nk: [é, x]\n");
    fast("a: 1\n\n\n# c\nb: 2\n");
}

#[test]
fn multi_line_plain_scalars() {
    let root = fast("a: one\n  two\n\n  three\nb: x\n");
    assert_eq!(root.str_at(&["a"]), Some("one two\nthree"));
    fast("- one\n  two\n- three\n");
    // One column deeper than the mapping is enough to continue.
    assert_eq!(fast("a: one\n two\n").str_at(&["a"]), Some("one two"));
    fast("description: long text\n    continued here\n  and here\nnext: 1\n");
    fast("a:\n  on its own line\n  and the next\n");
}

#[test]
fn quoted_scalars() {
    fast(r#"a: "x \"y\" \\ \t \n \x41 \u00e9 \U0001F600 \/ \0 \e \N \_ \L \P \a \b \v \f \r \ ""#);
    fast("a: 'single ''quoted'' \\n'\nb: \"  spaced  \"\nc: \"#not a comment\" # a comment\n");
    fast("- \"a\"\n- 'b'\n");
    fast("a:\n  \"on its own line\"\n");
    fast("a: \"tab\tinside\"\n");
}

#[test]
fn block_scalars() {
    for header in ["|", "|-", "|+", ">", ">-", ">+"] {
        let doc = format!(
            "data:\n  f: {header}\n\n    line one\n    line two\n\n      indented\n    back\n\n\n  g: x\n"
        );
        let root = fast(&doc);
        let f = root.at(&["data", "f"]).unwrap();
        assert!(f.block);
        assert_eq!((f.line, f.col), (10, 5));
    }
    fast("- |\n  a\n  b\n- >\n  c\n\n  d\n");
    fast("a: | # comment\n  x\n   \n  y\nb: 1\n");
    fast("a: |\n  x\n  # not a comment\nb: 1\n");
    fast(
        "a: |-\n  x\n\tinside? no: a tab after the indentation\n"
            .replace("\n\t", "\n  \t")
            .as_str(),
    );
    fast("a: >\n  x\n   more indented\n  y\n");
    fast("a: |\n  x\n\n");
    fast("k:\n- a: |\n    x\n  b: 1\n");
}

#[test]
fn flow_collections_on_one_line() {
    fast("a: []\nb: {}\nc: [x, \"y\", 'z']\nd: {k: v, q: \"w\"}\n");
    fast("a: [[1, 2], {x: [y]}]\nb: [ a , b ]\n");
    fast("- [a, b]\n- {\"k\": 1, 'j':2}\n");
    fast("command: [\"redis-server\", \"--port\", \"6379\"] # comment\n");
    fast("a: [http://x:1/y, a:b]\n");
    fast("a: {k: v, k: w}\n");
}

#[test]
fn duplicate_keys_keep_the_last_at_the_end() {
    let root = fast("a: 1\nb: 2\na: 3\nnull: x\n~: y\n");
    let keys: Vec<_> = root
        .as_map()
        .unwrap()
        .iter()
        .map(|(k, _)| text(k).0)
        .collect();
    assert_eq!(keys, ["b", "a", "null", "~"]);
}

#[test]
fn no_content() {
    assert_eq!(yaml::parse_fast("", 1), Some(vec![]));
    assert_eq!(yaml::parse_fast("# only\n\n", 1), Some(vec![]));
    assert_eq!(yaml::parse_events("# only\n\n", 1).unwrap(), vec![]);
}

// Each construct outside the subset: the fast path gives up.

/// Anchors and aliases as PyYAML writes them (`&id001` on a dict used
/// twice): the anchored value is marked where yaml-rust2 marks it (the
/// token after the anchor), an alias is a copy of it with its marks.
#[test]
fn anchors_and_aliases() {
    let root = fast("a: &x 1\nb: *x\n");
    assert_eq!(text(root.get("b").unwrap()), ("1", false, 7, 7, false));
    let root = fast("spec:\n  selector:\n    matchLabels: &id001\n      app: web\n  template:\n    metadata:\n      labels: *id001\n");
    assert_eq!(
        root.str_at(&["spec", "template", "metadata", "labels", "app"]),
        Some("web")
    );
    fast("l: &l\n- a\n- b\nm: *l\n");
    fast("l: &l\n  - a\nm:\n  - *l\n  - *l # twice\n");
    fast("- &a x\n- *a\n- &a y\n- *a\n");
    fast("- &m\n  k: v\n- *m\n");
    fast(
        "a: &q 'quoted'\nb: &f [1, {c: d}]\nc: &s |\n  block\nd: [*q]\n"
            .replace("[*q]", "*q")
            .as_str(),
    );
    fast("a: &x # comment\n  k: v\nb: *x\n");
}

#[test]
fn bails_on_anchors_and_aliases_outside_the_subset() {
    bails("base: &b\n  x: 1\nc:\n  <<: *b\n");
    bails("a:\n  <<: {x: 1}\n");
    bails("a: {<<: {x: 1}}\n");
    bails("- &a k: v\n");
    bails("&a k: v\n");
    bails("a: &x\nb: *x\n");
    bails("a: *nowhere\n");
    bails("a: &x !!str 1\n");
    bails("a: &x 1\nb: *x tail\n");
    bails("a: &x 1\nb: [*x]\n");
    bails("a: &x 1\n*x : v\n");
}

#[test]
fn bails_on_tags_directives_and_markers() {
    bails("a: !!str 1\n");
    bails("%YAML 1.2\n---\na: 1\n");
    bails("a: 1\n...\n");
    bails("a: 1\n---\nb: 2\n");
    bails("--- a: 1\n");
    bails("---\n");
    bails("--- |\n  x\n");
}

/// Quoted keys on one line (`"helm.sh/hook": …`, a JSON-minded writer's
/// `"kind": "Deployment"`): the key quoted, marked where its quote is.
#[test]
fn quoted_keys() {
    let root = fast("\"a b\": c\n'd': e\nf: g\n");
    assert_eq!(root.get("a b").map(|n| text(n).0), Some("c"));
    fast("- \"a\": c\n  'b''s': d\n");
    fast("metadata:\n  annotations:\n    \"helm.sh/hook\": pre-install\n    \"x\" : y\n");
    fast("data:\n  \".env\": |\n    REDIS_HOST=cache\n");
    fast("\"<<\": not a merge\n");
}

#[test]
fn bails_on_complex_and_quoted_keys() {
    bails("? a\n: b\n");
    bails("a: \"b\": c\n");
    bails("\"a\nb\": c\n");
    bails("[a, b]: c\n");
    bails(": x\n");
    bails(&format!("{}: v\n", "k".repeat(1100)));
}

/// Quoted scalars over lines, as PyYAML writes long strings (a ConfigMap's
/// file as one double-quoted string, `\` continuations): folded as
/// yaml-rust2 folds them, marked where they start, the lines after read on.
#[test]
fn multi_line_quoted_scalars() {
    let root = fast("a: 'one\n  two'\nb: 1\n");
    assert_eq!(text(root.get("a").unwrap()), ("one two", true, 7, 4, false));
    assert_eq!(text(root.get("b").unwrap()), ("1", false, 9, 4, false));
    fast("a: \"one\n  two\"\n");
    fast("a: \"one \\\n  two\"\n");
    fast("a: \"one   \n\n\n   two  \"\n");
    fast("a: 'it''s\n\n  here'\n");
    fast("k:\n  f.yaml: \"server:\\n  port: 8080\\nspring:\\n  data:\\n    redis:\\n      host:\\\n      \\ cache\\n\"\n  g: 2\n");
    fast("- \"a\n  b\"\n- 'c\n\n  d'\n");
    fast("a: \"\\t  \n  b\"\n");
    fast("a: \"  \n  b\"\n");
    fast("a: \"x # not a comment\n  y\" # a comment\n");
    // Not indented past the parent, a tab, an escaped break before an
    // empty line, the end of the text: left to yaml-rust2.
    bails("a:\n  b: 'one\n  two'\n");
    bails("a: 'one\n\ttwo'\n");
    bails("a: \"one\\\n\n  two\"\n");
    bails("a: 'one\n");
    bails("a: 'one\n  two' x\n");
}

#[test]
fn bails_on_multi_line_and_tricky_flow() {
    bails("a: [x,\n  y]\n");
    bails("a: {k: v,\n  j: w}\n");
    bails("a: [x, ]\n");
    bails("a: [k: v]\n");
    bails("a: {k: }\n");
    bails("a: {k}\n");
    bails("a: {k:v}\n");
    bails("a: [x # comment\n  ]\n");
}

/// A document that is one flow collection (a JSON manifest, pretty over
/// many lines or on one) is read whole, every scalar marked on its own
/// line; what JSON does not write (a key and its `:` or value on different
/// lines, a plain scalar over lines, comments, text after the root) is
/// left to yaml-rust2.
#[test]
fn json_documents() {
    fast("[a, b]\n");
    fast("{a: b}\n");
    let root = fast("{\n  \"kind\": \"Deployment\",\n  \"spec\": {\n    \"replicas\": 2,\n    \"env\": [\n      {\"name\": \"REDIS_URL\", \"value\": \"redis://cache:6379\"},\n      true,\n      null\n    ],\n    \"empty\": {}\n  }\n}\n");
    assert_eq!(
        text(root.at(&["spec", "replicas"]).unwrap()),
        ("2", false, 10, 17, false)
    );
    fast("{\"a\":1,\"b\":[1,2,{\"c\":\"d\"}]}");
    fast("[\n  {\"k\": 1}\n  ,\n  {\"k\": 2}\n]\n\n");
    bails("{\"a\"\n: 1}\n");
    bails("{\"a\":\n 1}\n");
    bails("[a\n b]\n");
    bails("{ # c\n\"a\": 1}\n");
    bails("{\"a\": 1} x\n");
    bails("{\"a\": 1}\n{\"b\": 2}\n");
    bails("{\"a\": 1,\n}\n");
    // Document markers at a line's start, inside the collection too
    // (found by a reviewer's fuzzer): yaml-rust2 refuses the text.
    bails("[\n---\n]\n");
    bails("[1,\n...\n]\n");
    bails("[a,\n--- x]\n");
    bails("[\n---\n]\r\n");
    // ` -` before a flow indicator: refused by yaml-rust2.
    bails("k: [a -]\n");
    bails("k: {a: b -}\n");
    bails("[\nx y  -]\n");
    fast("k: [a -b]\n");
}

#[test]
fn bails_on_tabs_and_carriage_returns() {
    bails("a:\n\tb: 1\n");
    bails("a: x\tb\n");
    bails("a: 1\r\nb: 2\r\n");
    bails("\u{feff}a: 1\n");
    bails("a: |\n\tx\n");
    bails("- \tx\n");
}

/// CRLF files (saved on Windows) are read by the fast path on a copy
/// without the `\r`s: the same tree as yaml-rust2's, lines, columns and
/// block scalars included, with every scalar owned (it cannot borrow from
/// the copy). A lone `\r` is a line break of its own: left to yaml-rust2.
#[test]
fn crlf_documents_read_as_yaml_rust2_reads_them() {
    for text in [
        "a: 1\r\nb: 2\r\n",
        "---\r\nkind: ConfigMap\r\ndata:\r\n  app.toml: |\r\n    [cache]\r\n    url = \"redis://r:6379\"\r\n\r\n  x: >-\r\n    folded\r\n    text\r\nempty:\r\nlist:\r\n- a # c\r\n- 'q'\r\n",
        "env:\r\n- name: REDIS_URL\r\n  value: rediss://cache:6380\r\n",
        "a: |+\r\n  keep\r\n\r\n",
    ] {
        let slow = yaml::parse_events(text, 7).expect("valid YAML");
        assert_eq!(yaml::parse_crlf(text, 7).as_ref(), Some(&slow), "{text:?}");
        assert_eq!(yaml::parse(text, 7).unwrap(), slow, "{text:?}");
    }
    // A lone `\r`, and a CRLF document outside the subset.
    for text in ["a: 1\rb: 2\r\n", "a: !!str 1\r\nb: 2\r\n", "a: 1\n"] {
        assert!(yaml::parse_crlf(text, 7).is_none(), "{text:?}");
        assert_eq!(
            yaml::parse(text, 7),
            yaml::parse_events(text, 7),
            "{text:?}"
        );
    }
}

/// A document closed by `...`: the text before that line is the whole
/// document, the end-of-stream marks on the `...` line as yaml-rust2 puts
/// them. Content after `...` (another document without `---`, a `...`
/// inside a value) is left to yaml-rust2.
#[test]
fn documents_closed_by_dots() {
    for text in [
        "a: 1\n...\n",
        "a: 1\nb:\n...\n",
        "a:\n  - x\n  -\n... # end\n\n# trailing\n",
        "a: |\n  text\n...\n",
        "a: >-\n  folded\n\n...\n",
        "---\nkind: ConfigMap\ndata:\n  k: v\n...\n",
        "a: 1\n...",
    ] {
        let slow = yaml::parse_events(text, 7).expect("valid YAML");
        assert_eq!(
            yaml::parse_fast_ended(text, 7).as_ref(),
            Some(&slow),
            "{text:?}"
        );
        assert_eq!(yaml::parse(text, 7).unwrap(), slow, "{text:?}");
    }
    for text in [
        "a: 1\n...\nb: 2\n",
        "a: 1\n...x\n",
        "a: 1\n...# c\n",
        "a: 1\n...\t# c\n",
    ] {
        assert!(yaml::parse_fast_ended(text, 7).is_none(), "{text:?}");
        assert_eq!(
            yaml::parse(text, 7),
            yaml::parse_events(text, 7),
            "{text:?}"
        );
    }
    // Indented, `...` is text: a plain scalar's next line.
    assert_eq!(text(fast("a: 1\n ...\n").get("a").unwrap()).0, "1 ...");
}

#[test]
fn bails_on_indicators_starting_a_plain_scalar() {
    for value in [
        "@x", "`x", "%x", "!x", "&x", "*x", "|x", ">x", "?x", "? x", ",x", "]x", "}x",
    ] {
        bails(&format!("a: {value}\n"));
    }
    bails("a: - x\n");
    bails("a: b: c\n");
    bails("a: b:\n");
}

#[test]
fn bails_on_block_scalar_oddities() {
    bails("a: |2\n   x\n");
    bails("a: |-1\n  x\n");
    bails("a: |\nb: 1\n");
    bails("a: |\n");
    bails("a: |#c\n  x\n");
    bails("a: |\n  x");
    bails("a: |\n    \n  x\n");
    bails("a:\n  |\n  x\n");
    bails("|\n x\n");
}

#[test]
fn bails_on_root_scalars_and_bad_indentation() {
    bails("just a scalar\n");
    bails("\"quoted root\"\n");
    bails("a: 1\n  b: 2\n");
    bails("a:\n    b: 1\n  c: 2\n");
    bails("- a\nb: 1\n");
    bails("a: 1\n- b\n");
    bails("a: x # c\n  continued\n");
    bails("a: x\n  b: c\n");
    // An empty value at the end of a stream whose last line is a comment
    // without a newline: yaml-rust2 marks it on that line.
    bails("a:\n    b:\n #");
}

#[test]
fn bails_on_invalid_escapes() {
    bails("a: \"\\q\"\n");
    bails("a: \"\\x4\"\n");
    bails("a: \"\\uD800\"\n");
    bails("a: \"x\"y\n");
    bails("a: \"x\"#c\n");
}

/// A name anchored twice means the later anchor, counted where it is
/// written (an inner anchor inside the outer's value is the later one);
/// an alias inside its own anchor's value is left to yaml-rust2.
#[test]
fn an_alias_names_the_latest_anchor_written() {
    let root = fast("a: &x\n  b: &x\n  - 1\nc: *x\n");
    assert!(
        root.get("c").unwrap().as_map().is_none(),
        "the inner sequence"
    );
    bails("a: &x\n  b: *x\n");
}

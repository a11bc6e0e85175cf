//! JSON 6902 patches (RFC 6902 operations, as kustomize's
//! `patchesJson6902` and `patches:` apply them to the object a `target:`
//! selects), read as the strategic-merge patch that does the same: the
//! scanner already stacks those on the object they patch.
//!
//! `add` and `replace` are read; `test` changes nothing. A list position
//! (`/spec/template/spec/containers/0/env/1/value`) is read as the item's
//! name in the target (`containers: [{name: app, env: [{name: REDIS_URL,
//! value: …}]}]`). What a merge cannot say is not applied, and the reason
//! is given at the operation's line: `remove`, `move` and `copy`; an item
//! of a list whose items have no name (`args`, `command`); an item
//! replaced by one of another name; a named list replaced whole by one
//! that leaves items out.

use crate::yaml::{self, Node, Value};

/// One operation, with the line it starts at.
#[derive(Clone, Debug)]
pub struct Op {
    pub op: String,
    pub path: String,
    pub value: Option<Node<'static>>,
    pub line: u32,
}

/// The operations of a JSON 6902 patch's text (a YAML or JSON list of
/// `{op, path, value}`), lines counted from `first_line`. `Err` says why it
/// cannot be read, at which line.
pub fn read_ops(text: &str, first_line: u32) -> Result<Vec<Op>, (u32, String)> {
    let docs = yaml::parse(text, first_line).map_err(|e| (e.line, e.message))?;
    let Some(doc) = docs.into_iter().find(|d| !d.root.is_null()) else {
        return Ok(Vec::new());
    };
    let Value::Seq(items) = doc.root.value else {
        return Err((doc.root.line, "it is no list of operations".into()));
    };
    items
        .into_iter()
        .map(|item| {
            let line = item.line;
            let field = |key: &str| item.str_at(&[key]).map(str::to_string);
            let (Some(op), Some(path)) = (field("op"), field("path")) else {
                return Err((line, "an operation without `op` and `path`".into()));
            };
            let value = item.get("value").cloned().map(Node::into_owned);
            Ok(Op {
                op,
                path,
                value,
                line,
            })
        })
        .collect()
}

/// Keys that name an item of a list, as strategic merge matches them.
const MERGE_KEYS: &[&str] = &["name", "mountPath", "containerPort"];

/// The strategic-merge patch (from the object's root: `spec: …`) that does
/// what `op` does to `target`, or `None` when it changes nothing (`test`).
/// `Err` says why a merge cannot say it.
pub fn as_merge_patch(op: &Op, target: &Node<'_>) -> Result<Option<Node<'static>>, String> {
    match op.op.as_str() {
        "add" | "replace" => {}
        "test" => return Ok(None),
        other => {
            return Err(format!(
                "a `{other}` of {} is not applied: only `add` and `replace` are read",
                op.path
            ))
        }
    }
    let Some(value) = &op.value else {
        return Err(format!("`{} {}` has no `value`", op.op, op.path));
    };
    if op.path.is_empty() {
        return Err(format!(
            "`{}` of the whole object (path \"\") is not applied: a merge cannot say it",
            op.op
        ));
    }
    let Some(pointer) = op.path.strip_prefix('/') else {
        return Err(format!(
            "{} is no JSON pointer (it starts with `/`)",
            op.path
        ));
    };
    let segments: Vec<String> = pointer
        .split('/')
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    skeleton(Some(target), &segments, op, value).map(Some)
}

/// The part of the patch at `segments` below `at` (the target's node
/// there, when it has one).
fn skeleton(
    at: Option<&Node<'_>>,
    segments: &[String],
    op: &Op,
    value: &Node<'static>,
) -> Result<Node<'static>, String> {
    let Some((segment, rest)) = segments.split_first() else {
        if op.op == "replace" {
            dropped_items(at, value, op)?;
        }
        return Ok(value.clone());
    };
    let node = |value| Node {
        line: op.line,
        col: 1,
        value,
        block: false,
    };
    match at.map(|n| &n.value) {
        Some(Value::Seq(items)) => {
            if rest.is_empty() {
                // The item itself: merged by its name.
                let Some((key, name)) = merge_key(value) else {
                    return Err(format!(
                        "{} is an item of a list whose items have no name: a merge cannot say it",
                        op.path
                    ));
                };
                if op.op == "replace" {
                    let old = position(segment, items.len())
                        .and_then(|i| items.get(i))
                        .and_then(|item| item.str_at(&[key]));
                    if old.is_some_and(|old| old != name) {
                        return Err(format!(
                            "{} replaces `{}` with `{name}`: a merge would keep both",
                            op.path,
                            old.unwrap_or_default()
                        ));
                    }
                }
                return Ok(node(Value::Seq(vec![value.clone()])));
            }
            let item = position(segment, items.len())
                .and_then(|i| items.get(i))
                .ok_or_else(|| format!("{}: the target has no item {segment}", op.path))?;
            let Some((key, name)) = merge_key(item) else {
                return Err(format!(
                    "{} is inside an item of a list whose items have no name: a merge cannot say it",
                    op.path
                ));
            };
            let mut inner = skeleton(Some(item), rest, op, value)?;
            if let Value::Map(entries) = &mut inner.value {
                if !entries.iter().any(|(k, _)| k.is_key(key)) {
                    entries.insert(
                        0,
                        (
                            Node::scalar(key.to_string(), op.line, 1),
                            Node::scalar(name.to_string(), op.line, 1),
                        ),
                    );
                }
            }
            Ok(node(Value::Seq(vec![inner])))
        }
        Some(Value::Scalar { .. }) if at.is_some_and(|n| !n.is_null()) => Err(format!(
            "{}: the target's value before `{segment}` is no map or list",
            op.path
        )),
        _ => {
            let below = at.and_then(|n| n.get(segment));
            if below.is_none() && !rest.is_empty() {
                return Err(format!("{}: the target has no `{segment}`", op.path));
            }
            let inner = skeleton(below, rest, op, value)?;
            Ok(node(Value::Map(vec![(
                Node::scalar(segment.clone(), op.line, 1),
                inner,
            )])))
        }
    }
}

/// Lays the merge patch `src` over `dst`, as two strategic-merge patches
/// of one object stack: maps key by key, lists of named items by name (a
/// list without names is replaced), anything else replaced. The operations
/// of one JSON 6902 patch become one patch this way (`replace /spec/type`
/// and `add /spec/externalName` together make an ExternalName).
pub fn merge_into(dst: &mut Node<'static>, src: Node<'static>) {
    match (&mut dst.value, src.value) {
        (Value::Map(entries), Value::Map(more)) => {
            for (key, value) in more {
                let at = key
                    .as_str()
                    .and_then(|k| entries.iter().position(|(d, _)| d.is_key(k)));
                match at {
                    Some(i) => merge_into(&mut entries[i].1, value),
                    None => entries.push((key, value)),
                }
            }
        }
        (Value::Seq(items), Value::Seq(more)) if more.iter().all(|i| merge_key(i).is_some()) => {
            for item in more {
                let at = merge_key(&item).and_then(|(key, name)| {
                    items.iter().position(|d| d.str_at(&[key]) == Some(name))
                });
                match at {
                    Some(i) => merge_into(&mut items[i], item),
                    None => items.push(item),
                }
            }
        }
        (_, value) => {
            dst.value = value;
            dst.line = src.line;
            dst.col = src.col;
            dst.block = src.block;
        }
    }
}

/// A list position: a number, or `-` (the end).
fn position(segment: &str, len: usize) -> Option<usize> {
    if segment == "-" {
        return Some(len);
    }
    segment.parse().ok()
}

/// The key that names a list item, and its name.
fn merge_key<'n>(item: &'n Node<'_>) -> Option<(&'static str, &'n str)> {
    MERGE_KEYS
        .iter()
        .find_map(|&key| Some((key, item.str_at(&[key])?)))
}

/// A named list replaced whole must keep every item: a merge adds and
/// changes items by name, it cannot drop one.
fn dropped_items(at: Option<&Node<'_>>, value: &Node<'static>, op: &Op) -> Result<(), String> {
    let (Some(old), Value::Seq(new)) = (at.map(Node::as_seq), &value.value) else {
        return Ok(());
    };
    let names = |items: &[Node<'_>]| -> Vec<String> {
        items
            .iter()
            .filter_map(|i| merge_key(i).map(|(_, n)| n.to_string()))
            .collect()
    };
    let kept = names(new);
    // A list without names (`args`) is replaced whole by a merge too.
    match names(old).into_iter().find(|n| !kept.contains(n)) {
        Some(gone) => Err(format!(
            "{} replaces a list and drops `{gone}`: a merge would keep it",
            op.path
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEPLOYMENT: &str = "\
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: app
          image: api:1
          args: [\"--cache\", \"redis://old:6379\"]
          env:
            - name: LOG
              value: info
            - name: REDIS_URL
              value: redis://old:6379
";

    fn target() -> Node<'static> {
        yaml::parse(DEPLOYMENT, 1)
            .unwrap()
            .remove(0)
            .root
            .into_owned()
    }

    fn one(text: &str) -> Op {
        read_ops(text, 1).unwrap().remove(0)
    }

    fn patch(text: &str) -> Result<Option<Node<'static>>, String> {
        as_merge_patch(&one(text), &target())
    }

    #[test]
    fn a_list_position_becomes_the_item_name() {
        let p = patch(
            "- op: replace\n  path: /spec/template/spec/containers/0/env/1/value\n  value: rediss://new:6380\n",
        )
        .unwrap()
        .unwrap();
        let containers = p.at(&["spec", "template", "spec", "containers"]).unwrap();
        let app = &containers.as_seq()[0];
        assert_eq!(app.str_at(&["name"]), Some("app"));
        let env = app.get("env").unwrap().as_seq();
        assert_eq!(env.len(), 1);
        assert_eq!(env[0].str_at(&["name"]), Some("REDIS_URL"));
        assert_eq!(env[0].str_at(&["value"]), Some("rediss://new:6380"));
        // The value is where the patch writes it.
        assert_eq!(env[0].get("value").unwrap().line, 3);
    }

    #[test]
    fn an_added_item_is_merged_by_name() {
        let p = patch(
            "- op: add\n  path: /spec/template/spec/containers/0/env/-\n  value:\n    name: CACHE_URL\n    value: redis://cache:6379\n",
        )
        .unwrap()
        .unwrap();
        let env = p
            .at(&["spec", "template", "spec", "containers"])
            .unwrap()
            .as_seq()[0]
            .get("env")
            .unwrap()
            .as_seq();
        assert_eq!(env[0].str_at(&["name"]), Some("CACHE_URL"));
    }

    #[test]
    fn json_text_is_read_too() {
        let ops = read_ops(
            "[{\"op\": \"replace\", \"path\": \"/data/REDIS_HOST\", \"value\": \"redis-prod\"}]",
            1,
        )
        .unwrap();
        let cm = yaml::parse("kind: ConfigMap\ndata:\n  REDIS_HOST: redis\n", 1)
            .unwrap()
            .remove(0)
            .root;
        let p = as_merge_patch(&ops[0], &cm).unwrap().unwrap();
        assert_eq!(p.str_at(&["data", "REDIS_HOST"]), Some("redis-prod"));
    }

    #[test]
    fn what_a_merge_cannot_say_is_refused_with_a_reason() {
        for (text, says) in [
            ("- op: remove\n  path: /spec/template/spec/containers/0/env/1\n", "`remove`"),
            (
                "- op: replace\n  path: /spec/template/spec/containers/0/args/1\n  value: redis://new:6379\n",
                "no name",
            ),
            (
                "- op: replace\n  path: /spec/template/spec/containers/0/env/1\n  value: {name: OTHER, value: x}\n",
                "keep both",
            ),
            (
                "- op: replace\n  path: /spec/template/spec/containers/0/env\n  value: [{name: LOG, value: debug}]\n",
                "drops `REDIS_URL`",
            ),
            (
                "- op: replace\n  path: /spec/template/spec/containers/3/image\n  value: x\n",
                "no item 3",
            ),
            ("- op: replace\n  path: spec\n  value: x\n", "no JSON pointer"),
        ] {
            let why = patch(text).unwrap_err();
            assert!(why.contains(says), "{text}: {why}");
        }
    }

    #[test]
    fn a_whole_list_without_names_is_replaced() {
        let p = patch(
            "- op: replace\n  path: /spec/template/spec/containers/0/args\n  value: [\"--cache\", \"redis://new:6379\"]\n",
        )
        .unwrap()
        .unwrap();
        let app = &p
            .at(&["spec", "template", "spec", "containers"])
            .unwrap()
            .as_seq()[0];
        assert_eq!(
            app.get("args").unwrap().as_seq()[1].as_str(),
            Some("redis://new:6379")
        );
    }

    #[test]
    fn test_changes_nothing_and_unreadable_ops_say_where() {
        assert!(patch("- op: test\n  path: /kind\n  value: Deployment\n")
            .unwrap()
            .is_none());
        assert_eq!(read_ops("- op: add\n", 4).unwrap_err().0, 4);
        assert!(read_ops("op: add\npath: /x\n", 1).is_err());
    }
}

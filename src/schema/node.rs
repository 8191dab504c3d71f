//! The one classification of schema nodes that `update` and `diff` share:
//! how a node types its values, and following references and nullable
//! spellings to the node that carries the typing.

use serde_json::{Map, Value};

use super::{Flex, child, declared_types, definition, nullable_branch, ref_name};

/// How a schema node types its values.
#[derive(Debug)]
pub(crate) enum Node<'a> {
    /// `true`, or no typing keyword at all: anything goes.
    Any,
    /// A `$ref` to a tolerant definition.
    Flex(Flex),
    /// A `$ref` to another definition, by name.
    Ref(String),
    /// The nullable spelling `anyOf`/`oneOf: [X, {"type": "null"}]`: the
    /// branch `X`, the keyword, and the branch's index in the list.
    Nullable(&'a Value, &'static str, usize),
    /// Plain `type` / `properties` / `items` (`null` included), or a
    /// closed `enum` list.
    Typed(&'a Map<String, Value>),
    /// Anything else: `allOf`, another `anyOf`/`oneOf`, `not`, `false`, a
    /// reference that is not local.
    Other,
}

/// Classifies `node`.
pub(crate) fn classify(node: &Value) -> Node<'_> {
    let map = match node {
        Value::Bool(true) => return Node::Any,
        Value::Object(map) => map,
        _ => return Node::Other,
    };
    if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
        return match ref_name(reference) {
            Some(name) => match Flex::from_name(&name) {
                Some(flex) => Node::Flex(flex),
                None => Node::Ref(name),
            },
            None => Node::Other,
        };
    }
    if let Some((branch, key)) = nullable_branch(node) {
        let index = map[key]
            .as_array()
            .and_then(|l| l.iter().position(|b| std::ptr::eq(b, branch)))
            .unwrap_or(0);
        return Node::Nullable(branch, key, index);
    }
    if ["anyOf", "oneOf", "allOf", "not"]
        .iter()
        .any(|k| map.contains_key(*k))
    {
        return Node::Other;
    }
    let (types, nullable) = declared_types(map);
    if types.is_empty() && !nullable && !map.contains_key("enum") {
        Node::Any
    } else {
        Node::Typed(map)
    }
}

/// Whether `node` pins its values to a list (`enum`) or one value (`const`).
pub(crate) fn closed(node: &Value) -> bool {
    node.as_object()
        .is_some_and(|m| m.contains_key("enum") || m.contains_key("const"))
}

/// The node without its nullable spelling, and whether it had one.
pub(crate) fn unwrap(node: &Value) -> (&Value, bool) {
    match nullable_branch(node) {
        Some((branch, _)) => (branch, true),
        None => (node, false),
    }
}

/// Follows `$ref`s (into `root`'s definitions) and nullable spellings from
/// `node`, found at JSON pointer `ptr`, to the node that carries the typing,
/// with that node's pointer. `None` for a reference to nothing or a loop.
pub(crate) fn resolve<'a>(
    root: &'a Value,
    ptr: &str,
    node: &'a Value,
) -> Option<(String, &'a Value)> {
    let mut ptr = ptr.to_string();
    let mut node = node;
    for _ in 0..32 {
        match classify(node) {
            Node::Ref(name) => {
                node = definition(root, &name)?;
                ptr = child("/definitions", &name);
            }
            Node::Nullable(branch, key, index) => {
                ptr = child(&child(&ptr, key), &index.to_string());
                node = branch;
            }
            _ => return Some((ptr, node)),
        }
    }
    None
}

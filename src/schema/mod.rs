//! Infer, update and diff the project's JSON Schemas.
//!
//! Every function here works on `serde_json::Value` and follows the schema
//! conventions of `schemas/`: draft-07 with a root `title` and local
//! `#/definitions/…` references, every property optional, leaves typed as
//! the tolerant `Flex*` definitions (described in [`crate::wire`]; [`Flex`]
//! is their schema side), plus project keywords:
//!
//! - `x-wire-types` on a leaf: the JSON types ([`json_type`] names) the field
//!   may arrive as without counting as drift (defaults: [`crate::wire`]).
//! - `x-known-values` on a status property: the values the hand-written
//!   `Status` enum knows.
//! - `x-vidapi-direction: "request"` at the root ([`DIRECTION`]): the schema
//!   is a request body or query, written by this client, so its fields take
//!   exact JSON Schema types and never `Flex*` ([`update`] types new request
//!   fields that way; `build.rs` refuses a `Flex*` reference in one).
//!
//! [`infer`] writes a schema from samples, [`update`] folds samples into an
//! existing schema, [`diff`] classifies the changes between two versions by
//! their effect on the generated Rust API and on decoding. Key order matters
//! (files are diffed by people), so this module needs `serde_json`'s
//! `preserve_order` feature.

use std::fmt;

use serde_json::{Map, Value};

mod diff;
mod flex;
mod infer;
mod node;
mod request;
pub mod resolve;
mod rust_type;
mod update;

/// The real generator (`build.rs` runs the same file), for tests that check
/// this module's claims about the generated Rust against what it generates.
#[cfg(test)]
#[path = "../codegen.rs"]
#[allow(dead_code)]
mod codegen;

pub use diff::{Difference, Effect, destructive, diff};
pub use flex::Flex;
pub(crate) use flex::{bool_text, ensure_flex_definition, int_text, number_text};
pub use infer::infer;
pub use request::{DIRECTION, is_request};
pub(crate) use rust_type::inner_type;
pub use rust_type::rust_type;
pub use update::{Change, ChangeKind, update};

/// Why a JSON document cannot be treated as one of the project's schemas.
///
/// Every message names what is wrong and where, as a JSON pointer into the
/// schema document (the empty pointer is the root).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// The document is not a schema of ours at all: not an object, no
    /// `title`, or `definitions` that is not an object.
    #[error("not a vidapi schema: {0}")]
    NotASchema(String),
    /// A `$ref` that is not a local `#/definitions/Name` of an existing
    /// definition.
    #[error("{}: `$ref` {reference:?} does not name a definition of this file (only local `#/definitions/…` references are supported)", place(.at))]
    BadRef {
        /// JSON pointer of the `$ref` member.
        at: String,
        /// The reference as written.
        reference: String,
    },
    /// A sample whose root is another kind of JSON value than the schema's
    /// root (an array for an object schema, say): most likely the wrong
    /// schema file, so nothing is changed rather than dropping the root's
    /// typing.
    #[error("the samples do not fit this schema at its root: {0}; is it the right schema file?")]
    WrongRoot(String),
    /// A schema keyword whose value has the wrong shape, such as
    /// `properties` that is not an object.
    #[error("{}: {what}", place(.at))]
    Malformed {
        /// JSON pointer of the offending member.
        at: String,
        /// What is wrong with it.
        what: String,
    },
}

fn place(pointer: &str) -> String {
    if pointer.is_empty() {
        "at the root".to_string()
    } else {
        format!("at `{pointer}`")
    }
}

/// Checks that `schema` is one of ours: a JSON object with a string `title`,
/// `definitions` (if present) an object, well-shaped schema keywords, and
/// every `$ref` naming an existing local definition.
pub fn check(schema: &Value) -> Result<(), Problem> {
    let Some(root) = schema.as_object() else {
        return Err(Problem::NotASchema(format!(
            "the document is {} {}, not a JSON object",
            article(json_type(schema)),
            json_type(schema)
        )));
    };
    match root.get("title") {
        Some(Value::String(_)) => {}
        Some(other) => {
            return Err(Problem::NotASchema(format!(
                "`/title` is {} {}, not a string naming the Rust type",
                article(json_type(other)),
                json_type(other)
            )));
        }
        None => {
            return Err(Problem::NotASchema(
                "the root has no `title` to name its Rust type".to_string(),
            ));
        }
    }
    if let Some(defs) = root.get("definitions") {
        if !defs.is_object() {
            return Err(Problem::NotASchema(format!(
                "`/definitions` is {} {}, not an object",
                article(json_type(defs)),
                json_type(defs)
            )));
        }
    }
    // typify turns a nullable root into a newtype around `Option<Self>`
    // named like the struct itself: two items of one name, which does not
    // compile. The property holding the value is optional already.
    let nullable_root = match root.get("type") {
        Some(Value::Array(list)) => list.iter().any(|t| t == "null"),
        _ => false,
    } || nullable_branch(schema).is_some();
    if nullable_root {
        let at = if root.contains_key("type") {
            "/type"
        } else if root.contains_key("anyOf") {
            "/anyOf"
        } else {
            "/oneOf"
        };
        return Err(Problem::Malformed {
            at: at.to_string(),
            what: "the root may not be nullable: typify generates two types of the same name for it; drop `null` here (a field holding this type is an `Option` already)".to_string(),
        });
    }
    if root.contains_key("$defs") {
        return Err(Problem::NotASchema(
            "`/$defs` is not supported: draft-07 files use `definitions`".to_string(),
        ));
    }
    check_node(schema, "", schema)
}

fn article(json_type: &str) -> &'static str {
    if json_type.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// Walks the schema positions of a node (not `enum`, `examples` or other
/// data-valued keywords, whose contents are not schemas).
fn check_node(node: &Value, at: &str, root: &Value) -> Result<(), Problem> {
    let map = match node {
        Value::Bool(_) => return Ok(()),
        Value::Object(map) => map,
        other => {
            return Err(Problem::Malformed {
                at: at.to_string(),
                what: format!(
                    "a schema must be an object or a boolean, found {} {}",
                    article(json_type(other)),
                    json_type(other)
                ),
            });
        }
    };
    if let Some(reference) = map.get("$ref") {
        let here = child(at, "$ref");
        let ok = reference
            .as_str()
            .and_then(ref_name)
            .is_some_and(|name| definition(root, &name).is_some());
        if !ok {
            return Err(Problem::BadRef {
                at: here,
                reference: match reference {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                },
            });
        }
    }
    if let Some(ty) = map.get("type") {
        let names_ok = match ty {
            Value::String(s) => is_type_name(s),
            Value::Array(items) => items.iter().all(|t| t.as_str().is_some_and(is_type_name)),
            _ => false,
        };
        if !names_ok {
            return Err(Problem::Malformed {
                at: child(at, "type"),
                what: format!("`type` must be a JSON type name or a list of them, found {ty}"),
            });
        }
    }
    for key in ["properties", "definitions", "patternProperties"] {
        match map.get(key) {
            None => {}
            Some(Value::Object(members)) => {
                let here = child(at, key);
                for (name, sub) in members {
                    check_node(sub, &child(&here, name), root)?;
                }
            }
            Some(other) => {
                return Err(Problem::Malformed {
                    at: child(at, key),
                    what: format!(
                        "`{key}` must be an object, found {} {}",
                        article(json_type(other)),
                        json_type(other)
                    ),
                });
            }
        }
    }
    for key in ["items", "additionalProperties", "not", "additionalItems"] {
        match map.get(key) {
            None => {}
            Some(Value::Array(list)) if key == "items" => {
                let here = child(at, key);
                for (i, sub) in list.iter().enumerate() {
                    check_node(sub, &child(&here, &i.to_string()), root)?;
                }
            }
            Some(sub) => check_node(sub, &child(at, key), root)?,
        }
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        match map.get(key) {
            None => {}
            Some(Value::Array(list)) => {
                let here = child(at, key);
                for (i, sub) in list.iter().enumerate() {
                    check_node(sub, &child(&here, &i.to_string()), root)?;
                }
            }
            Some(other) => {
                return Err(Problem::Malformed {
                    at: child(at, key),
                    what: format!(
                        "`{key}` must be a list of schemas, found {} {}",
                        article(json_type(other)),
                        json_type(other)
                    ),
                });
            }
        }
    }
    for key in ["x-wire-types", "x-known-values", "required", "enum"] {
        match map.get(key) {
            None | Some(Value::Array(_)) => {}
            Some(other) => {
                return Err(Problem::Malformed {
                    at: child(at, key),
                    what: format!(
                        "`{key}` must be a list, found {} {}",
                        article(json_type(other)),
                        json_type(other)
                    ),
                });
            }
        }
    }
    if let Some(Value::Array(list)) = map.get("x-wire-types") {
        if let Some(bad) = list.iter().find(|t| !t.as_str().is_some_and(is_type_name)) {
            return Err(Problem::Malformed {
                at: child(at, "x-wire-types"),
                what: format!("`x-wire-types` lists {bad}, which is not a JSON type name"),
            });
        }
    }
    Ok(())
}

fn is_type_name(name: &str) -> bool {
    JSON_TYPES.contains(&name)
}

/// The JSON type names in the order this module writes them.
pub(crate) const JSON_TYPES: [&str; 7] = [
    "null", "boolean", "integer", "number", "string", "array", "object",
];

/// The text a schema file holds: `serde_json::to_string_pretty` plus a
/// trailing newline, keys in their existing order.
pub fn to_file_text(schema: &Value) -> String {
    let mut text = serde_json::to_string_pretty(schema)
        .unwrap_or_else(|_| unreachable!("a serde_json::Value always serializes"));
    text.push('\n');
    text
}

/// The JSON type name of a value: `null`, `boolean`, `integer` (an integer
/// literal in `i64` range, what `FlexInt` holds), `number` (any other
/// number, `12.0` and integers up to `u64::MAX` included), `string`, `array`
/// or `object`. `vidapi drift` names types the same way.
pub fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The non-null JSON types a plain schema declares (from `type`, or implied
/// by `properties` / `items`) and whether it admits `null`.
pub(crate) fn declared_types(map: &Map<String, Value>) -> (Vec<&'static str>, bool) {
    let mut types = Vec::new();
    let mut nullable = false;
    let mut add = |name: &str| {
        if name == "null" {
            nullable = true;
        } else if let Some(known) = JSON_TYPES.iter().find(|t| **t == name) {
            if !types.contains(known) {
                types.push(*known);
            }
        }
    };
    match map.get("type") {
        Some(Value::String(s)) => add(s),
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).for_each(add),
        _ => {
            if map.contains_key("properties") {
                add("object");
            }
            if map.contains_key("items") {
                add("array");
            }
        }
    }
    (types, nullable)
}

/// The branch of the nullable spelling `anyOf`/`oneOf: [X, {"type": "null"}]`
/// (either order), with the keyword it was found under.
pub(crate) fn nullable_branch(node: &Value) -> Option<(&Value, &'static str)> {
    let map = node.as_object()?;
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(list)) = map.get(key) {
            if let [a, b] = list.as_slice() {
                if is_null_schema(b) && !is_null_schema(a) {
                    return Some((a, key));
                }
                if is_null_schema(a) && !is_null_schema(b) {
                    return Some((b, key));
                }
            }
        }
    }
    None
}

fn is_null_schema(node: &Value) -> bool {
    node.get("type").and_then(Value::as_str) == Some("null")
}

/// The definition name a local reference points at, pointer-unescaped.
pub(crate) fn ref_name(reference: &str) -> Option<String> {
    let rest = reference.strip_prefix("#/definitions/")?;
    if rest.is_empty() || rest.contains('/') {
        return None;
    }
    Some(rest.replace("~1", "/").replace("~0", "~"))
}

/// The definition `name` of `root`, if it has one.
pub(crate) fn definition<'a>(root: &'a Value, name: &str) -> Option<&'a Value> {
    root.get("definitions")?.get(name)
}

/// `parent` extended by one JSON pointer segment.
pub(crate) fn child(parent: &str, segment: &str) -> String {
    format!("{parent}/{}", segment.replace('~', "~0").replace('/', "~1"))
}

/// The local reference to definition `name`.
pub(crate) fn ref_to(name: &str) -> String {
    format!(
        "#/definitions/{}",
        name.replace('~', "~0").replace('/', "~1")
    )
}

/// Whether `a` and `b` are the same `x-known-values` entry: numbers compare
/// numerically (a numeric string equals its number), strings trimmed and
/// case-insensitively.
pub(crate) fn same_known_value(a: &Value, b: &Value) -> bool {
    let number = |v: &Value| match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    };
    if let (Some(x), Some(y)) = (number(a), number(b)) {
        return x == y;
    }
    match (a, b) {
        (Value::String(x), Value::String(y)) => x.trim().eq_ignore_ascii_case(y.trim()),
        _ => a == b,
    }
}

/// Orders `types` as this module writes them: `first` (a default list) in
/// its own order, then the rest in [`JSON_TYPES`] order.
pub(crate) fn ordered_types(first: &[&str], types: &[&str]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for t in first {
        if let Some(known) = JSON_TYPES.iter().find(|k| *k == t) {
            if !out.contains(known) {
                out.push(*known);
            }
        }
    }
    for known in JSON_TYPES {
        if types.contains(&known) && !out.contains(&known) {
            out.push(known);
        }
    }
    out
}

/// A human-readable list of JSON type names: `string`, `integer or string`.
pub(crate) fn type_list(types: &[&str]) -> String {
    match types {
        [] => "nothing".to_string(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// Displays a sample path, naming the root.
pub(crate) struct SamplePath<'a>(pub &'a str);

impl fmt::Display for SamplePath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("(root)")
        } else {
            f.write_str(self.0)
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;

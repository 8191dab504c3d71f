//! Infer, update and diff the project's JSON Schemas.
//!
//! Every function here works on `serde_json::Value` and follows the schema
//! conventions of `schemas/`: draft-07 with a root `title` and local
//! `#/definitions/…` references, every property optional, leaves typed as
//! the tolerant `Flex*` definitions that map onto `vidapi::wire`, plus two
//! project keywords:
//!
//! - `x-wire-types` on a leaf: the JSON types ([`json_type`] names) the field
//!   may arrive as without counting as drift. Absent, each `Flex*` definition
//!   has a default (see [`Flex::default_wire_types`]); `null` is always
//!   accepted on a `Flex*` leaf.
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
mod infer;
mod request;
mod update;

/// The real generator (`build.rs` runs the same file), for tests that check
/// this module's claims about the generated Rust against what it generates.
#[cfg(test)]
#[path = "../codegen.rs"]
#[allow(dead_code)]
mod codegen;

pub use diff::{Difference, Effect, destructive, diff};
pub use infer::infer;
pub use request::{DIRECTION, is_request};
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
/// literal), `number` (any other number, `12.0` included), `string`, `array`
/// or `object`.
pub fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// What typify generates for a property whose schema is `schema_node`, with
/// `root` the document it lives in (to tell `Flex*` leaves from other
/// definitions).
///
/// Examples: `Option<vidapi::wire::FlexInt>`, `Option<Vec<Video>>`,
/// `Vec<vidapi::wire::FlexText>` (an optional array that may not be `null`:
/// typify defaults it to empty instead of wrapping it), `Option<Video>` for
/// a `$ref` to a definition, `Option<a new struct>` for an inline object and
/// `Option<serde_json::Value>` for a schema that accepts anything.
pub fn rust_type(schema_node: &Value, root: &Value) -> String {
    // typify names a referenced type after the reference alone and maps the
    // tolerant definitions by name, so the document itself is not consulted.
    let _ = root;
    let inner = inner_type(schema_node);
    // typify does not wrap types that already have an empty value: arrays
    // and maps default to empty, options to `None`.
    if inner.starts_with("Option<")
        || inner.starts_with("Vec<")
        || inner.starts_with("serde_json::Map<")
    {
        inner
    } else {
        format!("Option<{inner}>")
    }
}

/// The Rust type of a schema as an array element or a definition: the
/// property type without typify's optional wrapping.
fn inner_type(node: &Value) -> String {
    let map = match node {
        Value::Bool(true) => return "serde_json::Value".to_string(),
        Value::Object(map) => map,
        _ => return "serde_json::Value".to_string(),
    };
    if let Some(name) = map.get("$ref").and_then(Value::as_str).and_then(ref_name) {
        return match Flex::from_name(&name) {
            Some(flex) => flex.rust_path().to_string(),
            None => name,
        };
    }
    if let Some((branch, _)) = nullable_branch(node) {
        let inner = inner_type(branch);
        return if inner.starts_with("Option<") {
            inner
        } else {
            format!("Option<{inner}>")
        };
    }
    if map.contains_key("anyOf") || map.contains_key("oneOf") {
        return "a new enum".to_string();
    }
    if map.contains_key("allOf") {
        return "a new struct".to_string();
    }
    let (types, nullable) = declared_types(map);
    let base = match types.as_slice() {
        [] if nullable => return "()".to_string(),
        [] if map.contains_key("enum") => "a new enum".to_string(),
        [] => return "serde_json::Value".to_string(),
        [one] => match *one {
            "array" => {
                let item = match map.get("items") {
                    Some(items @ (Value::Object(_) | Value::Bool(_))) => inner_type(items),
                    Some(_) => "a new tuple".to_string(),
                    None => "serde_json::Value".to_string(),
                };
                let vec = format!("Vec<{item}>");
                return if nullable {
                    format!("Option<{vec}>")
                } else {
                    vec
                };
            }
            "object" => {
                let has_props = map
                    .get("properties")
                    .and_then(Value::as_object)
                    .is_some_and(|p| !p.is_empty());
                if has_props {
                    match map.get("title").and_then(Value::as_str) {
                        Some(title) => title.to_string(),
                        None => "a new struct".to_string(),
                    }
                } else {
                    let value = match map.get("additionalProperties") {
                        Some(extra @ Value::Object(_)) => inner_type(extra),
                        _ => "serde_json::Value".to_string(),
                    };
                    let m = format!("serde_json::Map<String, {value}>");
                    return if nullable { format!("Option<{m}>") } else { m };
                }
            }
            _ if map.contains_key("enum") => "a new enum".to_string(),
            "string" => "String".to_string(),
            "boolean" => "bool".to_string(),
            "number" => match map.get("format").and_then(Value::as_str) {
                Some("float") => "f32".to_string(),
                _ => "f64".to_string(),
            },
            "integer" => integer_type(map),
            _ => "serde_json::Value".to_string(),
        },
        _ => "a new enum".to_string(),
    };
    if nullable {
        format!("Option<{base}>")
    } else {
        base
    }
}

fn integer_type(map: &Map<String, Value>) -> String {
    const FORMATS: [(&str, &str); 8] = [
        ("int8", "i8"),
        ("int16", "i16"),
        ("int32", "i32"),
        ("int64", "i64"),
        ("uint8", "u8"),
        ("uint16", "u16"),
        ("uint32", "u32"),
        ("uint64", "u64"),
    ];
    if let Some(format) = map.get("format").and_then(Value::as_str) {
        if let Some((_, ty)) = FORMATS.iter().find(|(f, _)| *f == format) {
            return (*ty).to_string();
        }
    }
    // typify turns a non-negative minimum into an unsigned type.
    if map
        .get("minimum")
        .and_then(Value::as_f64)
        .is_some_and(|m| m >= 0.0)
    {
        "u64".to_string()
    } else {
        "i64".to_string()
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

/// One of the tolerant leaf definitions that the generator maps onto a
/// hand-written type of `vidapi::wire` instead of generating one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Flex {
    /// `FlexText` → `vidapi::wire::FlexText`.
    Text,
    /// `FlexInt` → `vidapi::wire::FlexInt`.
    Int,
    /// `FlexNumber` → `vidapi::wire::FlexNumber`.
    Number,
    /// `FlexBool` → `vidapi::wire::FlexBool`.
    Bool,
    /// `NullableText` → `vidapi::wire::NullableText`.
    NullableText,
}

/// The definition bodies exactly as the schema files carry them, so a
/// definition this module adds is byte-identical to the hand-written ones.
const FLEX_TEXT_BODY: &str = r#"{
  "description": "Text as the provider sends it. Numbers and booleans are read as their text, so an id documented as a string still decodes when it arrives as a number; `null` reads as absent. Replaced by `vidapi::wire::FlexText`.",
  "type": ["string", "number", "boolean", "null"]
}"#;
const FLEX_INT_BODY: &str = r#"{
  "description": "A whole number that may arrive as a JSON number or as a numeric string; `null` reads as absent. Replaced by `vidapi::wire::FlexInt`.",
  "type": ["integer", "number", "string", "null"]
}"#;
const FLEX_NUMBER_BODY: &str = r#"{
  "description": "A number that may arrive as a JSON number or as a numeric string; `null` reads as absent. Replaced by `vidapi::wire::FlexNumber`.",
  "type": ["number", "string", "null"]
}"#;
const FLEX_BOOL_BODY: &str = r#"{
  "description": "A flag sent as a JSON boolean, as 0/1, or as the strings \"true\"/\"false\"; `null` reads as absent. Replaced by `vidapi::wire::FlexBool`.",
  "type": ["boolean", "integer", "string", "null"]
}"#;
const NULLABLE_TEXT_BODY: &str = r#"{
  "description": "Text where the provider writes the string \"null\" (or \"\") to mean absent. Replaced by `vidapi::wire::NullableText`.",
  "type": ["string", "null"]
}"#;

impl Flex {
    /// Every tolerant definition, in the order the schema files list them.
    pub const ALL: [Flex; 5] = [
        Flex::Text,
        Flex::Int,
        Flex::Number,
        Flex::Bool,
        Flex::NullableText,
    ];

    /// The definition name, such as `FlexInt`.
    pub fn name(self) -> &'static str {
        match self {
            Flex::Text => "FlexText",
            Flex::Int => "FlexInt",
            Flex::Number => "FlexNumber",
            Flex::Bool => "FlexBool",
            Flex::NullableText => "NullableText",
        }
    }

    /// The tolerant definition called `name`, if it is one.
    pub fn from_name(name: &str) -> Option<Flex> {
        Flex::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The tolerant definition a leaf node refers to, if it refers to one.
    pub fn of(node: &Value) -> Option<Flex> {
        let name = ref_name(node.get("$ref")?.as_str()?)?;
        Flex::from_name(&name)
    }

    /// The hand-written Rust type it maps onto.
    pub fn rust_path(self) -> &'static str {
        match self {
            Flex::Text => "vidapi::wire::FlexText",
            Flex::Int => "vidapi::wire::FlexInt",
            Flex::Number => "vidapi::wire::FlexNumber",
            Flex::Bool => "vidapi::wire::FlexBool",
            Flex::NullableText => "vidapi::wire::NullableText",
        }
    }

    /// The JSON types a leaf of this definition accepts without
    /// `x-wire-types` (besides `null`, which every leaf accepts).
    pub fn default_wire_types(self) -> &'static [&'static str] {
        match self {
            Flex::Text => &["string"],
            Flex::Int => &["integer"],
            Flex::Number => &["number", "integer"],
            Flex::Bool => &["boolean"],
            Flex::NullableText => &["string"],
        }
    }

    /// The definition body the schema files carry for it.
    pub fn definition(self) -> Value {
        let text = match self {
            Flex::Text => FLEX_TEXT_BODY,
            Flex::Int => FLEX_INT_BODY,
            Flex::Number => FLEX_NUMBER_BODY,
            Flex::Bool => FLEX_BOOL_BODY,
            Flex::NullableText => NULLABLE_TEXT_BODY,
        };
        serde_json::from_str(text).unwrap_or_else(|_| unreachable!("the bodies are valid JSON"))
    }

    /// Whether the `vidapi::wire` type reads `v` as what it is meant to be
    /// (rather than keeping it raw as `Other`). Mirrors `src/wire.rs`.
    pub fn reads(self, v: &Value) -> bool {
        match (self, v) {
            (_, Value::Null) => true,
            (Flex::Text, _) => true,
            (Flex::NullableText, Value::Array(_) | Value::Object(_)) => false,
            (Flex::NullableText, _) => true,
            (Flex::Int, Value::Number(n)) => n.is_i64() || n.as_f64().is_some_and(is_whole),
            (Flex::Int, Value::String(s)) => int_text(s),
            (Flex::Number, Value::Number(_)) => true,
            (Flex::Number, Value::String(s)) => number_text(s),
            (Flex::Bool, Value::Bool(_)) => true,
            (Flex::Bool, Value::Number(n)) => matches!(n.as_i64(), Some(0 | 1)),
            (Flex::Bool, Value::String(s)) => bool_text(s),
            _ => false,
        }
    }
}

fn is_whole(v: f64) -> bool {
    // 2^63 is exactly representable; anything at or beyond it does not fit an i64.
    v.is_finite() && v.fract() == 0.0 && v >= -(2f64.powi(63)) && v < 2f64.powi(63)
}

/// A string `vidapi::wire::FlexInt` reads as a whole number.
pub(crate) fn int_text(s: &str) -> bool {
    let t = s.trim();
    t.parse::<i64>().is_ok() || t.parse::<f64>().is_ok_and(is_whole)
}

/// A string `vidapi::wire::FlexNumber` reads as a number.
pub(crate) fn number_text(s: &str) -> bool {
    s.trim().parse::<f64>().is_ok_and(f64::is_finite)
}

/// A string `vidapi::wire::FlexBool` reads as a flag.
pub(crate) fn bool_text(s: &str) -> bool {
    matches!(
        s.trim().to_ascii_lowercase().as_str(),
        "true" | "false" | "1" | "0"
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

/// Adds the tolerant definition `flex` to `root`'s `definitions` unless it
/// is there, placed among the other tolerant definitions in their usual
/// order. Returns whether it was added.
pub(crate) fn ensure_flex_definition(root: &mut Value, flex: Flex) -> bool {
    let Some(map) = root.as_object_mut() else {
        return false;
    };
    if !map.contains_key("definitions") {
        map.insert("definitions".to_string(), Value::Object(Map::new()));
    }
    let Some(Value::Object(defs)) = map.get_mut("definitions") else {
        return false;
    };
    if defs.contains_key(flex.name()) {
        return false;
    }
    // The first member that is not a tolerant definition listed before
    // `flex`: the files keep the tolerant block first, in `Flex::ALL` order.
    let index = defs
        .keys()
        .position(|k| Flex::from_name(k).is_none_or(|other| other > flex))
        .unwrap_or(defs.len());
    let old = std::mem::take(defs);
    for (i, (k, v)) in old.into_iter().enumerate() {
        if i == index {
            defs.insert(flex.name().to_string(), flex.definition());
        }
        defs.insert(k, v);
    }
    if !defs.contains_key(flex.name()) {
        defs.insert(flex.name().to_string(), flex.definition());
    }
    true
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
mod tests {
    use super::*;
    use serde_json::json;
    use std::path::{Path, PathBuf};

    /// Every schema file copied from the project, with its text.
    pub(crate) fn schema_files() -> Vec<(PathBuf, String)> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
        let mut out = Vec::new();
        for provider in std::fs::read_dir(&dir).unwrap() {
            let provider = provider.unwrap().path();
            for file in std::fs::read_dir(&provider).unwrap() {
                let path = file.unwrap().path();
                if path.extension().is_some_and(|e| e == "json") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    out.push((path, text));
                }
            }
        }
        out.sort();
        assert!(out.len() >= 13, "the copied schema files are missing");
        out
    }

    pub(crate) fn load(relative: &str) -> Value {
        // `fixtures/…` are the test fixtures; `schemas/…` the frozen copies
        // of the shipped schemas in `tests/schema-fixtures/` (never the live
        // files, which `vidapi schema update` may change at any time).
        let relative = match (
            relative.strip_prefix("fixtures/"),
            relative.strip_prefix("schemas/"),
        ) {
            (Some(rest), _) => format!("tests/fixtures/{rest}"),
            (_, Some(rest)) => format!("tests/schema-fixtures/{rest}"),
            _ => relative.to_owned(),
        };
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(&relative);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!("{relative}: {e} (tests read copies of schemas/ kept in tests/schema-fixtures/)")
        });
        serde_json::from_str(&text).unwrap()
    }

    /// The Rust items the real generator makes of `schema`, alone in a
    /// provider folder; `Err` names what the generator refused.
    pub(crate) fn generated(schema: &Value) -> Result<syn::File, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let folder = dir.path().join("scratch");
        std::fs::create_dir_all(&folder).map_err(|e| e.to_string())?;
        std::fs::write(folder.join("schema.json"), to_file_text(schema))
            .map_err(|e| e.to_string())?;
        let mut out = super::codegen::generate(dir.path()).map_err(|e| e.problem)?;
        let code = out.pop().map(|g| g.code).unwrap_or_default();
        syn::parse_file(&code).map_err(|e| format!("generated code does not parse: {e}"))
    }

    /// The fields of struct `name` in `file`: Rust name, type (tokens) and
    /// the JSON name it (de)serializes from.
    pub(crate) fn struct_fields(file: &syn::File, name: &str) -> Vec<(String, String, String)> {
        use quote::ToTokens;
        let item = file.items.iter().find_map(|i| match i {
            syn::Item::Struct(s) if s.ident == name => Some(s),
            _ => None,
        });
        let Some(item) = item else {
            panic!("no struct {name} generated");
        };
        item.fields
            .iter()
            .map(|f| {
                let ident = f
                    .ident
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default();
                let mut json = ident.clone();
                for attr in &f.attrs {
                    let text = attr.to_token_stream().to_string();
                    if let Some(rest) = text.split("rename = \"").nth(1) {
                        json = rest.split('"').next().unwrap_or_default().to_string();
                    }
                }
                let ty = f.ty.to_token_stream().to_string().replace(' ', "");
                (ident, ty, json)
            })
            .collect()
    }

    #[test]
    fn every_project_schema_round_trips_byte_for_byte() {
        for (path, text) in schema_files() {
            let value: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(to_file_text(&value), text, "{}", path.display());
        }
    }

    #[test]
    fn every_project_schema_passes_check() {
        for (path, text) in schema_files() {
            let value: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(check(&value), Ok(()), "{}", path.display());
        }
    }

    #[test]
    fn flex_bodies_match_the_project_files() {
        let files = schema_files();
        for flex in Flex::ALL {
            let mut seen = 0;
            for (path, text) in &files {
                let value: Value = serde_json::from_str(text).unwrap();
                if let Some(body) = definition(&value, flex.name()) {
                    assert_eq!(
                        body,
                        &flex.definition(),
                        "{} in {}",
                        flex.name(),
                        path.display()
                    );
                    seen += 1;
                }
            }
            assert!(seen > 0, "{} appears in no file", flex.name());
        }
    }

    #[test]
    fn check_names_what_and_where() {
        let err = check(&json!([1])).unwrap_err();
        assert!(
            err.to_string().contains("an array, not a JSON object"),
            "{err}"
        );
        let err = check(&json!({"type": "object"})).unwrap_err();
        assert!(err.to_string().contains("no `title`"), "{err}");
        let err = check(&json!({"title": 3})).unwrap_err();
        assert!(err.to_string().contains("`/title`"), "{err}");
        let err = check(&json!({"title": "T", "definitions": []})).unwrap_err();
        assert!(
            matches!(err, Problem::NotASchema(ref m) if m.contains("`/definitions`")),
            "{err}"
        );
        let err = check(&json!({"title": "T", "$defs": {}})).unwrap_err();
        assert!(err.to_string().contains("`definitions`"), "{err}");

        let schema = json!({
            "title": "T",
            "properties": {"a/b": {"items": {"$ref": "#/definitions/Missing"}}},
            "definitions": {}
        });
        let err = check(&schema).unwrap_err();
        assert_eq!(
            err,
            Problem::BadRef {
                at: "/properties/a~1b/items/$ref".into(),
                reference: "#/definitions/Missing".into()
            }
        );
        assert!(
            err.to_string().contains("at `/properties/a~1b/items/$ref`"),
            "{err}"
        );
        assert!(schema.pointer("/properties/a~1b/items/$ref").is_some());

        let external =
            json!({"title": "T", "properties": {"a": {"$ref": "other.json#/definitions/A"}}});
        assert!(matches!(check(&external), Err(Problem::BadRef { .. })));
        let nested = json!({"title": "T", "properties": {"a": {"$ref": "#/definitions/A/properties/b"}}, "definitions": {"A": {}}});
        assert!(matches!(check(&nested), Err(Problem::BadRef { .. })));

        let err = check(&json!({"title": "T", "properties": []})).unwrap_err();
        assert_eq!(
            err,
            Problem::Malformed {
                at: "/properties".into(),
                what: "`properties` must be an object, found an array".into()
            }
        );
        let err = check(&json!({"title": "T", "properties": {"a": {"type": "text"}}})).unwrap_err();
        assert!(
            matches!(err, Problem::Malformed { ref at, .. } if at == "/properties/a/type"),
            "{err}"
        );
        let err = check(&json!({"title": "T", "properties": {"a": {"x-wire-types": ["str"]}}}))
            .unwrap_err();
        assert!(err.to_string().contains("x-wire-types"), "{err}");
        // References inside data-valued keywords are not schema references.
        assert_eq!(
            check(&json!({"title": "T", "enum": [{"$ref": "nowhere"}]})),
            Ok(())
        );
    }

    #[test]
    fn json_type_names() {
        assert_eq!(json_type(&json!(null)), "null");
        assert_eq!(json_type(&json!(true)), "boolean");
        assert_eq!(json_type(&json!(12)), "integer");
        assert_eq!(json_type(&json!(u64::MAX)), "integer");
        assert_eq!(json_type(&json!(-3)), "integer");
        assert_eq!(json_type(&json!(12.0)), "number");
        assert_eq!(
            json_type(&serde_json::from_str::<Value>("1e3").unwrap()),
            "number"
        );
        assert_eq!(json_type(&json!("12")), "string");
        assert_eq!(json_type(&json!([])), "array");
        assert_eq!(json_type(&json!({})), "object");
    }

    #[test]
    fn rust_types_follow_typify() {
        let root = load("schemas/memories/list-videos-response.json");
        let at = |p: &str| rust_type(root.pointer(p).unwrap(), &root);
        assert_eq!(at("/properties/code"), "Option<vidapi::wire::FlexText>");
        assert_eq!(at("/properties/data"), "Option<VideoPage>");
        assert_eq!(
            at("/definitions/VideoPage/properties/videos"),
            "Option<Vec<Video>>"
        );
        assert_eq!(
            at("/definitions/Video/properties/cause"),
            "Option<vidapi::wire::NullableText>"
        );
        let hour = load("schemas/hourone/video.json");
        assert_eq!(
            rust_type(hour.pointer("/properties/scenes").unwrap(), &hour),
            "Option<serde_json::Value>"
        );
        let req = load("schemas/memories/list-videos-request.json");
        assert_eq!(
            rust_type(req.pointer("/properties/page").unwrap(), &req),
            "Option<u32>"
        );
        assert_eq!(
            rust_type(req.pointer("/properties/folder_id").unwrap(), &req),
            "Option<i64>"
        );
        assert_eq!(
            rust_type(req.pointer("/properties/status").unwrap(), &req),
            "Option<String>"
        );

        let r = json!({});
        assert_eq!(
            rust_type(
                &json!({"type": "array", "items": {"$ref": "#/definitions/FlexText"}}),
                &r
            ),
            "Vec<vidapi::wire::FlexText>"
        );
        assert_eq!(
            rust_type(
                &json!({"type": ["array", "null"], "items": {"$ref": "#/definitions/FlexText"}}),
                &r
            ),
            "Option<Vec<vidapi::wire::FlexText>>"
        );
        assert_eq!(
            rust_type(&json!({"type": "array"}), &r),
            "Vec<serde_json::Value>"
        );
        assert_eq!(
            rust_type(&json!({"type": "object", "properties": {"a": {}}}), &r),
            "Option<a new struct>"
        );
        assert_eq!(
            rust_type(
                &json!({"type": ["object", "null"], "properties": {"a": {}}}),
                &r
            ),
            "Option<a new struct>"
        );
        assert_eq!(
            rust_type(&json!({"type": "object"}), &r),
            "serde_json::Map<String, serde_json::Value>"
        );
        assert_eq!(
            rust_type(&json!({"type": ["string", "null"]}), &r),
            "Option<String>"
        );
        assert_eq!(
            rust_type(&json!({"type": ["string", "integer"]}), &r),
            "Option<a new enum>"
        );
        assert_eq!(
            rust_type(&json!({"type": "string", "enum": ["a"]}), &r),
            "Option<a new enum>"
        );
        assert_eq!(
            rust_type(&json!({"type": "integer", "minimum": 0}), &r),
            "Option<u64>"
        );
        assert_eq!(rust_type(&json!({"type": "number"}), &r), "Option<f64>");
        assert_eq!(rust_type(&json!({"type": "boolean"}), &r), "Option<bool>");
        assert_eq!(
            rust_type(&json!({"description": "x"}), &r),
            "Option<serde_json::Value>"
        );
        assert_eq!(rust_type(&json!(true), &r), "Option<serde_json::Value>");
        assert_eq!(
            rust_type(
                &json!({"oneOf": [{"type": "null"}, {"$ref": "#/definitions/Video"}]}),
                &r
            ),
            "Option<Video>"
        );
        assert_eq!(
            rust_type(
                &json!({"type": ["array", "null"], "items": {"type": ["string", "null"]}}),
                &r
            ),
            "Option<Vec<Option<String>>>"
        );
    }

    #[test]
    fn flex_reads_like_wire() {
        assert!(Flex::Int.reads(&json!(" 12 ")));
        assert!(Flex::Int.reads(&json!("12.0")));
        assert!(Flex::Int.reads(&json!(12.0)));
        assert!(!Flex::Int.reads(&json!(12.5)));
        assert!(!Flex::Int.reads(&json!("12.5")));
        assert!(!Flex::Int.reads(&json!(true)));
        assert!(Flex::Number.reads(&json!("12.5")));
        assert!(!Flex::Number.reads(&json!("NaN")));
        assert!(!Flex::Number.reads(&json!("")));
        assert!(Flex::Bool.reads(&json!(1)));
        assert!(!Flex::Bool.reads(&json!(2)));
        assert!(!Flex::Bool.reads(&json!(1.0)));
        assert!(Flex::Bool.reads(&json!(" TRUE ")));
        assert!(Flex::Bool.reads(&json!("0")));
        assert!(!Flex::Bool.reads(&json!("yes")));
        assert!(Flex::Text.reads(&json!({"a": 1})));
        assert!(Flex::NullableText.reads(&json!(5)));
        assert!(!Flex::NullableText.reads(&json!([])));
    }

    #[test]
    fn known_values_compare_loosely() {
        assert!(same_known_value(&json!(5), &json!("5")));
        assert!(same_known_value(&json!(5), &json!(5.0)));
        assert!(same_known_value(&json!(" done "), &json!("DONE")));
        assert!(!same_known_value(&json!("5"), &json!(6)));
        assert!(!same_known_value(&json!("a"), &json!("b")));
    }

    #[test]
    fn flex_definitions_are_added_in_file_order() {
        let mut root = json!({"title": "T", "definitions": {"FlexText": {}, "Video": {}}});
        assert!(ensure_flex_definition(&mut root, Flex::Bool));
        assert!(ensure_flex_definition(&mut root, Flex::Int));
        assert!(!ensure_flex_definition(&mut root, Flex::Int));
        let keys: Vec<_> = root["definitions"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(keys, ["FlexText", "FlexInt", "FlexBool", "Video"]);
        let mut bare = json!({"title": "T"});
        assert!(ensure_flex_definition(&mut bare, Flex::Number));
        assert_eq!(bare["definitions"]["FlexNumber"], Flex::Number.definition());
    }

    #[test]
    fn file_text_is_pretty_with_a_newline() {
        assert_eq!(
            to_file_text(&json!({"b": 1, "a": [2]})),
            "{\n  \"b\": 1,\n  \"a\": [\n    2\n  ]\n}\n"
        );
    }
}

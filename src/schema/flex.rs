//! The tolerant leaf definitions (`FlexText`, `FlexInt`, …) as the schema
//! tools see them. What the types are and how they read values is described
//! once, in [`crate::wire`]; this file holds their schema side: definition
//! names and bodies, default wire types, and a mirror of what each reads.

use serde_json::{Map, Value};

use super::ref_name;

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

    /// Whether moving a field from `self` to `to` keeps every caller that
    /// reads it through `vidapi::wire::Tolerant` compiling with the same
    /// answers for the values both read: the widenings `schema update`
    /// writes (`FlexBool` → `FlexInt` → `FlexNumber` → `FlexText`, and
    /// `NullableText` → `FlexText`).
    pub fn widens_to(self, to: Flex) -> bool {
        let rank = |f: Flex| match f {
            Flex::Bool => Some(0),
            Flex::Int => Some(1),
            Flex::Number => Some(2),
            Flex::Text => Some(3),
            Flex::NullableText => None,
        };
        match (self, to) {
            (Flex::NullableText, Flex::Text) => true,
            (a, b) => matches!((rank(a), rank(b)), (Some(x), Some(y)) if x < y),
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

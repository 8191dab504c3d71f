//! What typify generates for a schema node, predicted without running it.
//!
//! `schema update` and `schema diff` name the Rust type a node becomes in
//! their messages (`→ Option<vidapi::wire::FlexNumber>`). The shipped command
//! does not link the generator (typify, syn and prettyplease are build-time
//! dependencies only), so this module predicts typify's mapping; the tests
//! (`rust_type/tests.rs`) check every rule against the real generator.

use serde_json::{Map, Value};

use super::{Flex, declared_types, nullable_branch, ref_name};

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
pub(crate) fn inner_type(node: &Value) -> String {
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

#[cfg(test)]
mod tests;

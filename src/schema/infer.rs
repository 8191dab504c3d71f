//! Writing a schema from sample payloads.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::{Flex, JSON_TYPES, bool_text, int_text, number_text, ordered_types, type_list};

/// Description of a property the samples had and no documentation names.
pub(crate) const SEEN: &str = "Seen in a sample; not documented.";
pub(crate) const SEEN_NULL: &str = "Seen in a sample, only ever as null; not documented.";

/// Writes one schema that accepts every sample, in the project's
/// conventions: draft-07, `title` naming the Rust type, every property
/// optional, leaves as `Flex*` definitions, nested objects inline.
///
/// Properties are unioned in first-seen order. A property missing from some
/// samples is simply optional; a `null` value makes an object or array
/// property nullable, and a property only ever seen as `null` accepts
/// anything. Integers and fractions merge into `FlexNumber`, and so does an
/// integer beyond `i64` (`FlexInt` holds an `i64`); a number that
/// also arrives as a numeric string becomes `FlexInt`/`FlexNumber` with
/// `x-wire-types`, while strings alone stay `FlexText` even when they look
/// numeric (ids are digits). Booleans become `FlexBool`; other mixed scalars
/// `FlexText` with `x-wire-types`; an object mixed with anything else
/// accepts anything. All elements of all arrays merge into one `items`; an
/// array that was always empty has none. Nothing is guessed: no enums, maps
/// or dates.
pub fn infer(samples: &[Value], title: &str) -> Value {
    let mut shape = Shape::default();
    for sample in samples {
        shape.add(sample);
    }
    let mut used = Vec::new();
    let body = shape.schema(None, &mut used);
    let mut root = Map::new();
    root.insert(
        "$schema".to_string(),
        Value::from("http://json-schema.org/draft-07/schema#"),
    );
    root.insert("title".to_string(), Value::from(title));
    let count = match samples.len() {
        1 => "one sample".to_string(),
        n => format!("{n} samples"),
    };
    root.insert(
        "description".to_string(),
        Value::from(format!("Inferred from {count}; not documented.")),
    );
    if let Value::Object(body) = body {
        for (k, v) in body {
            if k != "description" {
                root.insert(k, v);
            }
        }
    }
    let mut defs = Map::new();
    for flex in Flex::ALL {
        if used.contains(&flex) {
            defs.insert(flex.name().to_string(), flex.definition());
        }
    }
    root.insert("definitions".to_string(), Value::Object(defs));
    let mut root = Value::Object(root);
    let mut taken: Vec<String> = std::iter::once(type_word(title))
        .chain(Flex::ALL.iter().map(|f| f.name().to_string()))
        .collect();
    name_objects(&mut root, &type_word(title), &mut taken);
    root
}

/// A name as typify spells a type: words (split at anything not a letter or
/// digit, and where a lowercase letter meets an uppercase one), each
/// capitalised, joined; `Field` for a key with no letter or digit, and an
/// `X` before a leading digit.
fn type_word(name: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    let mut out: String = words
        .iter()
        .map(|w| {
            let mut chars = w.chars();
            let first = chars.next().map(|c| c.to_ascii_uppercase());
            first
                .into_iter()
                .chain(chars.map(|c| c.to_ascii_lowercase()))
                .collect::<String>()
        })
        .collect();
    if out.is_empty() {
        out = "Field".to_string();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'X');
    }
    out
}

/// Gives every object schema below `node` a `title` unique across the
/// whole schema (compared without case, as typify may re-case it): its
/// parent's type name and its own key (`RootAB`), with `2`, `3`, … appended
/// when that is taken. typify names an inline object after its `title`, so
/// keys that differ only in case or punctuation (`a-b`, `a_b`, `A B`), keys
/// with no letters (`""`, `_`, `-`) and keys that repeat the root's name
/// never collapse two objects into one struct.
fn name_objects(node: &mut Value, parent: &str, taken: &mut Vec<String>) {
    let Some(map) = node.as_object_mut() else {
        return;
    };
    if let Some(Value::Object(props)) = map.get_mut("properties") {
        for (key, child) in props.iter_mut() {
            let base = format!("{parent}{}", type_word(key));
            let name = claim(&base, child, taken);
            name_objects(child, &name, taken);
        }
    }
    if let Some(items) = map.get_mut("items") {
        let base = format!("{parent}Item");
        let name = claim(&base, items, taken);
        name_objects(items, &name, taken);
    }
}

/// Titles `node` with a free name built on `base` when it is an object
/// schema with properties; returns the name its children build on.
fn claim(base: &str, node: &mut Value, taken: &mut Vec<String>) -> String {
    let is_object = node.get("properties").is_some_and(Value::is_object);
    let name = (1..)
        .map(|n| {
            if n == 1 {
                base.to_string()
            } else {
                format!("{base}{n}")
            }
        })
        .find(|candidate| !taken.iter().any(|t| t.eq_ignore_ascii_case(candidate)))
        .unwrap_or_else(|| unreachable!("an unbounded range always has a free name"));
    if is_object {
        taken.push(name.clone());
        if let Some(map) = node.as_object_mut() {
            let old = std::mem::take(map);
            map.insert("title".to_string(), Value::from(name.clone()));
            map.extend(old);
        }
    }
    name
}

/// Everything seen at one place of the samples, merged.
#[derive(Debug, Default, Clone)]
pub(crate) struct Shape {
    pub(crate) null: bool,
    pub(crate) boolean: bool,
    pub(crate) integer: bool,
    /// Some integer other than 0 or 1 (so not a flag).
    int_not_flag: bool,
    /// Some integer beyond `i64` (up to `u64::MAX`): `FlexInt` holds an
    /// `i64`, so such a leaf is a `FlexNumber`, which reads it.
    int_beyond_i64: bool,
    pub(crate) number: bool,
    pub(crate) string: bool,
    /// Some string `FlexInt` does not read.
    str_not_int: bool,
    /// Some string `FlexNumber` does not read.
    str_not_number: bool,
    /// Some string `FlexBool` does not read.
    str_not_flag: bool,
    /// Members of every object seen, in first-seen order.
    pub(crate) object: Option<Members>,
    /// `Some(None)` when only empty arrays were seen.
    pub(crate) array: Option<Option<Box<Shape>>>,
}

/// Object members in first-seen order.
#[derive(Debug, Default, Clone)]
pub(crate) struct Members {
    pub(crate) order: Vec<(String, Shape)>,
    index: HashMap<String, usize>,
}

impl Members {
    pub(crate) fn entry(&mut self, name: &str) -> &mut Shape {
        let i = match self.index.get(name) {
            Some(i) => *i,
            None => {
                self.order.push((name.to_string(), Shape::default()));
                self.index.insert(name.to_string(), self.order.len() - 1);
                self.order.len() - 1
            }
        };
        &mut self.order[i].1
    }
}

impl Shape {
    /// Merges `v` and everything inside it.
    pub(crate) fn add(&mut self, v: &Value) {
        match v {
            Value::Object(map) => {
                let members = self.object.get_or_insert_with(Members::default);
                for (k, child) in map {
                    members.entry(k).add(child);
                }
            }
            Value::Array(items) => {
                let slot = self.array.get_or_insert(None);
                for item in items {
                    slot.get_or_insert_with(Box::default).add(item);
                }
            }
            scalar => self.note_scalar(scalar),
        }
    }

    fn note_scalar(&mut self, v: &Value) {
        match v {
            Value::Null => self.null = true,
            Value::Bool(_) => self.boolean = true,
            Value::Number(n) if n.is_i64() || n.is_u64() => {
                self.integer = true;
                if !matches!(n.as_i64(), Some(0 | 1)) {
                    self.int_not_flag = true;
                }
                if !n.is_i64() {
                    self.int_beyond_i64 = true;
                }
            }
            Value::Number(_) => self.number = true,
            Value::String(s) => {
                self.string = true;
                self.str_not_int |= !int_text(s);
                self.str_not_number |= !number_text(s);
                self.str_not_flag |= !bool_text(s);
            }
            Value::Array(_) | Value::Object(_) => {}
        }
    }

    fn has_scalar(&self) -> bool {
        self.boolean || self.integer || self.number || self.string
    }

    /// The JSON types seen, `null` excluded, in [`JSON_TYPES`] order.
    pub(crate) fn types(&self) -> Vec<&'static str> {
        JSON_TYPES
            .into_iter()
            .filter(|t| match *t {
                "boolean" => self.boolean,
                "integer" => self.integer,
                "number" => self.number,
                "string" => self.string,
                "array" => self.array.is_some(),
                "object" => self.object.is_some(),
                _ => false,
            })
            .collect()
    }

    /// The JSON types seen, `null` included when it was seen.
    pub(crate) fn types_with_null(&self) -> Vec<&'static str> {
        let mut types = self.types();
        if self.null {
            types.insert(0, "null");
        }
        types
    }

    /// The tolerant definition for scalars only, and the wire types beyond
    /// its default.
    fn leaf(&self) -> (Flex, Vec<&'static str>) {
        let seen = self.types();
        let flex = if self.boolean {
            let flags_only =
                !(self.number || self.int_not_flag || (self.string && self.str_not_flag));
            if flags_only { Flex::Bool } else { Flex::Text }
        } else if !self.integer && !self.number {
            Flex::Text
        } else if !self.string {
            if self.number || self.int_beyond_i64 {
                Flex::Number
            } else {
                Flex::Int
            }
        } else if !self.number && !self.str_not_int && !self.int_beyond_i64 {
            Flex::Int
        } else if !self.str_not_number {
            Flex::Number
        } else {
            Flex::Text
        };
        let wire = ordered_types(flex.default_wire_types(), &seen);
        (flex, wire)
    }

    /// The schema for this place. `description` is set on properties;
    /// array items and the root go without one. `used` collects the
    /// tolerant definitions referred to.
    pub(crate) fn schema(&self, description: Option<&str>, used: &mut Vec<Flex>) -> Value {
        let mut node = Map::new();
        let kinds = [
            self.object.is_some(),
            self.array.is_some(),
            self.has_scalar(),
        ]
        .iter()
        .filter(|k| **k)
        .count();
        if kinds > 1 {
            if description.is_some() {
                node.insert(
                    "description".to_string(),
                    Value::from(format!(
                        "Seen in a sample as {}; kept as raw JSON; not documented.",
                        type_list(&self.types())
                    )),
                );
            }
            return Value::Object(node);
        }
        if let Some(members) = &self.object {
            if let Some(d) = description {
                node.insert("description".to_string(), Value::from(d));
            }
            node.insert("type".to_string(), self.type_value("object"));
            if !members.order.is_empty() {
                let mut props = Map::new();
                for (name, shape) in &members.order {
                    props.insert(name.clone(), shape.property(used));
                }
                node.insert("properties".to_string(), Value::Object(props));
            }
        } else if let Some(items) = &self.array {
            if let Some(d) = description {
                node.insert("description".to_string(), Value::from(d));
            }
            node.insert("type".to_string(), self.type_value("array"));
            if let Some(items) = items {
                node.insert("items".to_string(), items.schema(None, used));
            }
        } else if self.has_scalar() {
            let (flex, wire) = self.leaf();
            if !used.contains(&flex) {
                used.push(flex);
            }
            node.insert("$ref".to_string(), Value::from(super::ref_to(flex.name())));
            if let Some(d) = description {
                node.insert("description".to_string(), Value::from(d));
            }
            if wire != flex.default_wire_types() {
                node.insert("x-wire-types".to_string(), Value::from(wire));
            }
        } else if self.null && description.is_some() {
            node.insert("description".to_string(), Value::from(SEEN_NULL));
        }
        Value::Object(node)
    }

    /// The schema of a property first seen in a sample.
    pub(crate) fn property(&self, used: &mut Vec<Flex>) -> Value {
        self.schema(Some(SEEN), used)
    }

    fn type_value(&self, kind: &str) -> Value {
        if self.null {
            Value::from(vec![kind, "null"])
        } else {
            Value::from(kind)
        }
    }

    /// The non-null types seen, for messages.
    pub(crate) fn summary(&self) -> String {
        type_list(&self.types_with_null())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{check, to_file_text};
    use serde_json::json;

    fn prop(schema: &Value, name: &str) -> Value {
        schema["properties"][name].clone()
    }

    fn leaf(flex: &str) -> Value {
        json!({"$ref": format!("#/definitions/{flex}"), "description": SEEN})
    }

    fn wired(flex: &str, wire: &[&str]) -> Value {
        json!({"$ref": format!("#/definitions/{flex}"), "description": SEEN, "x-wire-types": wire})
    }

    #[test]
    fn root_shape_and_key_order() {
        let schema = infer(&[json!({"id": "a"})], "Thing");
        let keys: Vec<_> = schema.as_object().unwrap().keys().cloned().collect();
        assert_eq!(
            keys,
            [
                "$schema",
                "title",
                "description",
                "type",
                "properties",
                "definitions"
            ]
        );
        assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
        assert_eq!(schema["title"], "Thing");
        assert_eq!(
            schema["description"],
            "Inferred from one sample; not documented."
        );
        assert_eq!(schema["type"], "object");
        assert_eq!(prop(&schema, "id"), leaf("FlexText"));
        let defs: Vec<_> = schema["definitions"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(defs, ["FlexText"]);
        assert_eq!(schema["definitions"]["FlexText"], Flex::Text.definition());
        assert_eq!(check(&schema), Ok(()));
        assert!(schema.get("required").is_none());
    }

    #[test]
    fn properties_are_unioned_in_first_seen_order_and_never_required() {
        let schema = infer(&[json!({"b": 1, "a": 2}), json!({"c": 3, "a": 4})], "T");
        let keys: Vec<_> = schema["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(keys, ["b", "a", "c"]);
        assert!(!to_file_text(&schema).contains("required"));
        assert_eq!(
            schema["description"],
            "Inferred from 2 samples; not documented."
        );
    }

    #[test]
    fn absent_is_not_null() {
        let schema = infer(
            &[
                json!({"obj": {"x": 1}, "arr": [1], "leaf": "a", "never": null}),
                json!({"obj": null, "arr": null, "leaf": null, "never": null}),
                json!({}),
            ],
            "T",
        );
        assert_eq!(prop(&schema, "obj")["type"], json!(["object", "null"]));
        assert_eq!(prop(&schema, "arr")["type"], json!(["array", "null"]));
        assert_eq!(prop(&schema, "leaf"), leaf("FlexText"));
        assert_eq!(prop(&schema, "never"), json!({"description": SEEN_NULL}));
        let only_absent = infer(&[json!({"a": {"x": 1}}), json!({})], "T");
        assert_eq!(prop(&only_absent, "a")["type"], "object");
    }

    #[test]
    fn numbers() {
        let schema = infer(
            &[
                json!({"i": 1, "f": 1.5, "mix": 1, "is": 1, "fs": 1.5, "ids": "0012", "bad": 1}),
                json!({"i": 2, "f": 2.0, "mix": 2.5, "is": "2", "fs": "2.5", "ids": "13", "bad": "n/a"}),
            ],
            "T",
        );
        assert_eq!(prop(&schema, "i"), leaf("FlexInt"));
        assert_eq!(prop(&schema, "f"), leaf("FlexNumber"));
        assert_eq!(prop(&schema, "mix"), leaf("FlexNumber"));
        assert_eq!(
            prop(&schema, "is"),
            wired("FlexInt", &["integer", "string"])
        );
        assert_eq!(
            prop(&schema, "fs"),
            wired("FlexNumber", &["number", "integer", "string"])
        );
        assert_eq!(prop(&schema, "ids"), leaf("FlexText"));
        assert_eq!(
            prop(&schema, "bad"),
            wired("FlexText", &["string", "integer"])
        );
        let defs: Vec<_> = schema["definitions"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(defs, ["FlexText", "FlexInt", "FlexNumber"]);
    }

    #[test]
    fn integer_and_fractional_strings_make_a_number() {
        let schema = infer(&[json!({"n": 3}), json!({"n": "3.5"})], "T");
        assert_eq!(
            prop(&schema, "n"),
            wired("FlexNumber", &["number", "integer", "string"])
        );
    }

    #[test]
    fn flags_and_other_scalars() {
        let schema = infer(
            &[
                json!({"b": true, "b01": true, "bs": false, "bx": true, "tb": "true", "sb": "x"}),
                json!({"b": false, "b01": 0, "bs": "true", "bx": 7, "tb": "false", "sb": false}),
            ],
            "T",
        );
        assert_eq!(prop(&schema, "b"), leaf("FlexBool"));
        assert_eq!(
            prop(&schema, "b01"),
            wired("FlexBool", &["boolean", "integer"])
        );
        assert_eq!(
            prop(&schema, "bs"),
            wired("FlexBool", &["boolean", "string"])
        );
        assert_eq!(
            prop(&schema, "bx"),
            wired("FlexText", &["string", "boolean", "integer"])
        );
        // No guessing from string contents alone.
        assert_eq!(prop(&schema, "tb"), leaf("FlexText"));
        assert_eq!(
            prop(&schema, "sb"),
            wired("FlexText", &["string", "boolean"])
        );
    }

    #[test]
    fn objects_mixed_with_other_kinds_accept_anything() {
        let schema = infer(
            &[
                json!({"o": {"a": 1}, "a": [1], "x": {"a": 1}}),
                json!({"o": "text", "a": "t", "x": [1]}),
            ],
            "T",
        );
        assert_eq!(
            prop(&schema, "o"),
            json!({"description": "Seen in a sample as string or object; kept as raw JSON; not documented."})
        );
        assert_eq!(
            prop(&schema, "a"),
            json!({"description": "Seen in a sample as string or array; kept as raw JSON; not documented."})
        );
        assert_eq!(
            prop(&schema, "x")["description"],
            "Seen in a sample as array or object; kept as raw JSON; not documented."
        );
    }

    #[test]
    fn arrays_merge_all_elements_into_one_items() {
        let schema = infer(
            &[
                json!({"a": [1, 2], "e": [], "o": [{"x": 1}, {"y": "a"}], "n": [[1], [2.5]]}),
                json!({"a": ["3"], "e": [], "o": [{"x": null}]}),
            ],
            "T",
        );
        assert_eq!(
            prop(&schema, "a"),
            json!({"description": SEEN, "type": "array", "items": {"$ref": "#/definitions/FlexInt", "x-wire-types": ["integer", "string"]}})
        );
        assert_eq!(
            prop(&schema, "e"),
            json!({"description": SEEN, "type": "array"})
        );
        assert_eq!(
            prop(&schema, "o"),
            json!({"description": SEEN, "type": "array", "items": {"title": "TOItem", "type": "object", "properties": {
                "x": leaf("FlexInt"), "y": leaf("FlexText")}}})
        );
        assert_eq!(
            prop(&schema, "n")["items"],
            json!({"type": "array", "items": {"$ref": "#/definitions/FlexNumber"}})
        );
    }

    #[test]
    fn nested_objects_stay_inline() {
        let schema = infer(&[json!({"a": {"b": {"c": 1}}, "empty": {}})], "T");
        assert_eq!(
            prop(&schema, "a"),
            json!({"title": "TA", "description": SEEN, "type": "object", "properties": {
                "b": {"title": "TAB", "description": SEEN, "type": "object", "properties": {"c": leaf("FlexInt")}}}})
        );
        assert_eq!(
            prop(&schema, "empty"),
            json!({"description": SEEN, "type": "object"})
        );
        assert_eq!(schema["definitions"].as_object().unwrap().len(), 1);
    }

    #[test]
    fn array_roots_and_no_samples() {
        let schema = infer(&[json!([{"id": 1}]), json!([])], "List");
        assert_eq!(schema["type"], "array");
        assert_eq!(schema["items"]["properties"]["id"], leaf("FlexInt"));
        assert_eq!(check(&schema), Ok(()));
        let empty = infer(&[], "Nothing");
        assert_eq!(
            empty,
            json!({"$schema": "http://json-schema.org/draft-07/schema#", "title": "Nothing",
                   "description": "Inferred from 0 samples; not documented.", "definitions": {}})
        );
    }

    #[test]
    fn no_enum_map_or_date_guessing() {
        let samples: Vec<Value> = (0..50)
            .map(|i| json!({"status": if i % 2 == 0 {"DONE"} else {"PARSE"}, "at": "2024-11-11T12:34:56Z",
                            "m": {i.to_string(): i}}))
            .collect();
        let schema = infer(&samples, "T");
        assert_eq!(prop(&schema, "status"), leaf("FlexText"));
        assert_eq!(prop(&schema, "at"), leaf("FlexText"));
        assert_eq!(
            prop(&schema, "m")["properties"].as_object().unwrap().len(),
            50
        );
        let text = to_file_text(&schema);
        for word in [
            "enum",
            "format",
            "additionalProperties",
            "anyOf",
            "required",
            "$defs",
        ] {
            assert!(!text.contains(word), "{word} in {text}");
        }
    }

    #[test]
    fn integers_beyond_i64_are_numbers_that_decode() {
        let big = serde_json::from_str::<Value>(
            r#"{"n": 18446744073709551615, "m": 9223372036854775808, "s": 18446744073709551615}"#,
        )
        .unwrap();
        let schema = infer(&[big.clone(), json!({"s": "7"})], "T");
        assert_eq!(prop(&schema, "n"), leaf("FlexNumber"));
        assert_eq!(prop(&schema, "m"), leaf("FlexNumber"));
        assert_eq!(
            prop(&schema, "s"),
            wired("FlexNumber", &["number", "integer", "string"])
        );
        // The tolerant type the leaf maps onto reads the value as a number.
        let n: crate::wire::FlexNumber = serde_json::from_value(big["n"].clone()).unwrap();
        assert_eq!(n.get(), Some(18446744073709551615.0));
        assert!(
            serde_json::from_value::<crate::wire::FlexInt>(big["n"].clone())
                .unwrap()
                .get()
                .is_none(),
            "FlexInt holds an i64: it cannot carry the value"
        );
        // i64::MAX itself is still a FlexInt.
        let schema = infer(&[json!({"n": i64::MAX})], "T");
        assert_eq!(prop(&schema, "n"), leaf("FlexInt"));
    }

    #[test]
    fn keyword_and_colliding_names_generate_distinct_fields() {
        let sample = json!({
            "if": "a", "then": "b", "else": "c", "$ref": "d",
            "type": "e", "Type": "f", "self": "g", "Self": "h", "null": "i", "NULL": "j",
            "x-y": "k", "x_y": "l", "n": 18446744073709551615u64
        });
        let schema = infer(std::slice::from_ref(&sample), "T");
        assert_eq!(check(&schema), Ok(()));
        let file = crate::schema::tests::generated(&schema).unwrap();
        let fields = crate::schema::tests::struct_fields(&file, "T");
        let names: std::collections::HashSet<_> = fields.iter().map(|f| f.0.clone()).collect();
        assert_eq!(
            names.len(),
            fields.len(),
            "duplicate Rust fields: {fields:?}"
        );
        // Each property is (de)serialized under its own JSON name.
        let mut json: Vec<_> = fields.iter().map(|f| f.2.clone()).collect();
        json.sort();
        let mut keys: Vec<_> = sample.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        assert_eq!(json, keys);
        let n = fields.iter().find(|f| f.2 == "n").unwrap();
        assert_eq!(n.1, "::std::option::Option<crate::wire::FlexNumber>");
    }

    /// Inline objects under keys that typify would name alike get distinct
    /// types, each with its own fields (issue 23's cases).
    #[test]
    fn inline_object_names_never_collide() {
        let sample = json!({
            "a-b": {"x": 1}, "a_b": {"y": "s"}, "A B": {"z": true},
            "": {"empty": 1}, "_": {"under": 1}, "-": {"dash": 1},
            "t": {"t": {"deep": 1}}, "T": {"upper": 1},
            "list": [{"i": 1}], "list_item": {"j": 1}
        });
        let schema = infer(std::slice::from_ref(&sample), "T");
        assert_eq!(check(&schema), Ok(()));
        let file = crate::schema::tests::generated(&schema).unwrap();
        let mut structs: Vec<String> = file
            .items
            .iter()
            .filter_map(|item| match item {
                syn::Item::Struct(s) => Some(s.ident.to_string()),
                _ => None,
            })
            .collect();
        structs.sort();
        let count = structs.len();
        structs.dedup();
        assert_eq!(structs.len(), count, "{structs:?}");
        // The root and one struct per object in the sample.
        assert_eq!(count, 1 + 11, "{structs:?}");
        for field in [
            "x", "y", "z", "empty", "under", "dash", "deep", "upper", "i", "j",
        ] {
            let holder = structs.iter().find(|name| {
                crate::schema::tests::struct_fields(&file, name)
                    .iter()
                    .any(|f| f.2 == field)
            });
            assert!(holder.is_some(), "{field} lost: {structs:?}");
        }
    }

    #[test]
    fn infers_every_fixture_into_a_valid_schema() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        for provider in std::fs::read_dir(dir).unwrap() {
            let provider = provider.unwrap().path();
            if !provider.is_dir() {
                continue;
            }
            let samples: Vec<Value> = std::fs::read_dir(&provider)
                .unwrap()
                .map(|f| {
                    serde_json::from_str(&std::fs::read_to_string(f.unwrap().path()).unwrap())
                        .unwrap()
                })
                .collect();
            let schema = infer(&samples, "T");
            assert_eq!(check(&schema), Ok(()), "{}", provider.display());
        }
    }
}

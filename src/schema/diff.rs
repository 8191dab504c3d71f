//! Classifying the changes between two versions of a schema.

use std::collections::HashSet;
use std::fmt;

use serde_json::{Map, Value};

use super::{
    Flex, JSON_TYPES, Problem, check, declared_types, definition, nullable_branch, ref_name,
    rust_type, same_known_value, type_list,
};

/// How a change affects one side of the crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Effect {
    /// Nothing changes for callers.
    None,
    /// Something new that existing code keeps working with.
    Additive,
    /// Existing code stops compiling (API) or responses that used to decode
    /// fail to (decoding).
    Breaking,
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Effect::None => "none",
            Effect::Additive => "additive",
            Effect::Breaking => "breaking",
        })
    }
}

/// One change between two versions of a schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// Where it sits: a definition name or `(root)`, then `.property` and
    /// `[]` for array items, such as `Video.status` or `(root).data[]`.
    pub at: String,
    /// Stable rule id, such as `property-removed`.
    pub rule: &'static str,
    /// Effect on the generated Rust API.
    pub api: Effect,
    /// Effect on decoding the provider's responses.
    pub decoding: Effect,
    /// What changed, for people.
    pub detail: String,
}

impl Difference {
    /// Whether either effect is breaking.
    pub fn is_breaking(&self) -> bool {
        self.api == Effect::Breaking || self.decoding == Effect::Breaking
    }
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} (api {}, decoding {}): {}",
            self.at, self.rule, self.api, self.decoding, self.detail
        )
    }
}

/// Compares two versions of a schema and classifies every change by its
/// effect on the generated Rust API and on decoding responses.
///
/// Both sides are walked from the root in step, following `$ref` into
/// `definitions` at any depth; a definition is compared once, under its
/// name, whatever the path that uses it. Definitions added or removed are
/// reported too, and definitions no path reaches are compared by name.
/// Description changes are not reported; a keyword this module does not
/// know that differs is reported as `unknown-keyword-changed`, breaking, so
/// a person reviews it. The result is sorted by `at`.
///
/// Rules: `property-added`, `property-removed`, `type-changed`,
/// `type-widened`, `type-narrowed`, `wire-type-added`, `wire-type-removed`,
/// `made-nullable`, `made-non-nullable`, `required-added`,
/// `required-removed`, `enum-added`, `enum-removed`, `enum-value-added`,
/// `enum-value-removed`, `known-value-added`, `known-value-removed`,
/// `title-changed`, `definition-added`, `definition-removed`,
/// `additional-properties-denied`, `additional-properties-allowed`,
/// `additional-properties-added`, `additional-properties-removed`,
/// `unknown-keyword-changed`.
pub fn diff(old: &Value, new: &Value) -> Result<Vec<Difference>, Problem> {
    check(old)?;
    check(new)?;
    let mut differ = Differ {
        old_root: old,
        new_root: new,
        out: Vec::new(),
        visited: HashSet::new(),
    };
    differ.node("(root)", old, new);
    differ.definitions();
    let mut out = differ.out;
    out.sort_by(|a, b| a.at.cmp(&b.at));
    Ok(out)
}

/// Keywords this module compares (or deliberately ignores, for
/// documentation). Anything else that differs fails closed.
const KNOWN: [&str; 15] = [
    "title",
    "description",
    "$comment",
    "examples",
    "definitions",
    "$ref",
    "type",
    "properties",
    "items",
    "required",
    "enum",
    "additionalProperties",
    "x-wire-types",
    "x-known-values",
    "$id",
];

/// How a node types its values, after unwrapping a nullable spelling.
enum Kind<'a> {
    Any,
    Flex(Flex),
    Ref(String),
    Typed(&'a Map<String, Value>),
    Other,
}

fn kind(node: &Value) -> Kind<'_> {
    let map = match node {
        Value::Bool(true) => return Kind::Any,
        Value::Object(map) => map,
        _ => return Kind::Other,
    };
    if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
        return match ref_name(reference) {
            Some(name) => match Flex::from_name(&name) {
                Some(flex) => Kind::Flex(flex),
                None => Kind::Ref(name),
            },
            None => Kind::Other,
        };
    }
    if ["anyOf", "oneOf", "allOf", "not"]
        .iter()
        .any(|k| map.contains_key(*k))
    {
        return Kind::Other;
    }
    let (types, nullable) = declared_types(map);
    if types.is_empty() && !nullable && !map.contains_key("enum") {
        Kind::Any
    } else {
        Kind::Typed(map)
    }
}

/// The node without its nullable spelling, and whether it had one.
fn unwrap(node: &Value) -> (&Value, bool) {
    match nullable_branch(node) {
        Some((branch, _)) => (branch, true),
        None => (node, false),
    }
}

fn wire(node: &Value, flex: Flex) -> Vec<&'static str> {
    match node.get("x-wire-types").and_then(Value::as_array) {
        Some(list) => JSON_TYPES
            .into_iter()
            .filter(|t| list.iter().any(|v| v == t))
            .collect(),
        None => flex.default_wire_types().to_vec(),
    }
}

/// The non-null JSON types a node accepts, for judging decoding.
fn accepted(node: &Value, root: &Value) -> Vec<&'static str> {
    let (inner, _) = unwrap(node);
    let mut out: Vec<&'static str> = match kind(inner) {
        Kind::Any => JSON_TYPES[1..].to_vec(),
        Kind::Flex(flex) => wire(inner, flex),
        Kind::Ref(name) => match definition(root, &name) {
            Some(def) if !matches!(kind(def), Kind::Ref(_)) => accepted(def, root),
            _ => Vec::new(),
        },
        Kind::Typed(map) => declared_types(map).0,
        Kind::Other => Vec::new(),
    };
    if out.contains(&"number") && !out.contains(&"integer") {
        out.push("integer");
    }
    out.retain(|t| *t != "null");
    out
}

fn nullable(node: &Value) -> bool {
    let (inner, wrapped) = unwrap(node);
    wrapped || inner.as_object().is_some_and(|m| declared_types(m).1)
}

fn shape_name(node: &Value) -> String {
    let (inner, wrapped) = unwrap(node);
    let base = match kind(inner) {
        Kind::Any => "any JSON value".to_string(),
        Kind::Flex(flex) => flex.name().to_string(),
        Kind::Ref(name) => name,
        Kind::Typed(map) => type_list(&declared_types(map).0),
        Kind::Other => "a schema this tool does not interpret".to_string(),
    };
    if wrapped {
        format!("{base} or null")
    } else {
        base
    }
}

fn is_flex_name(name: &str) -> bool {
    Flex::from_name(name).is_some()
}

struct Differ<'a> {
    old_root: &'a Value,
    new_root: &'a Value,
    out: Vec<Difference>,
    visited: HashSet<(String, String)>,
}

impl<'a> Differ<'a> {
    fn report(
        &mut self,
        at: &str,
        rule: &'static str,
        api: Effect,
        decoding: Effect,
        detail: String,
    ) {
        self.out.push(Difference {
            at: at.to_string(),
            rule,
            api,
            decoding,
            detail,
        });
    }

    /// Compares definition `old_name` of the old file with `new_name` of the
    /// new one, once per pair.
    fn definition_pair(&mut self, old_name: &str, new_name: &str) {
        if !self
            .visited
            .insert((old_name.to_string(), new_name.to_string()))
        {
            return;
        }
        let (Some(old), Some(new)) = (
            definition(self.old_root, old_name),
            definition(self.new_root, new_name),
        ) else {
            return;
        };
        self.node(new_name, old, new);
    }

    fn definitions(&mut self) {
        let names = |root: &Value| -> Vec<String> {
            root.get("definitions")
                .and_then(Value::as_object)
                .map(|d| d.keys().cloned().collect())
                .unwrap_or_default()
        };
        let old_names = names(self.old_root);
        let new_names = names(self.new_root);
        for name in &old_names {
            if !new_names.contains(name) {
                // Tolerant definitions are replaced by hand-written types:
                // they generate nothing.
                let api = if is_flex_name(name) {
                    Effect::None
                } else {
                    Effect::Breaking
                };
                self.report(
                    name,
                    "definition-removed",
                    api,
                    Effect::None,
                    format!("definition {name} removed"),
                );
            }
        }
        for name in &new_names {
            if !old_names.contains(name) {
                let api = if is_flex_name(name) {
                    Effect::None
                } else {
                    Effect::Additive
                };
                self.report(
                    name,
                    "definition-added",
                    api,
                    Effect::None,
                    format!("definition {name} added"),
                );
            }
        }
        for name in &old_names {
            if new_names.contains(name) && !is_flex_name(name) {
                self.definition_pair(name, name);
            }
        }
    }

    fn node(&mut self, at: &str, old: &'a Value, new: &'a Value) {
        let (old_inner, _) = unwrap(old);
        let (new_inner, _) = unwrap(new);
        let old_kind = kind(old_inner);
        let new_kind = kind(new_inner);

        let before = self.out.len();
        self.unknown_keywords(at, old, new);
        if !std::ptr::eq(old_inner, old) || !std::ptr::eq(new_inner, new) {
            self.unknown_keywords(at, old_inner, new_inner);
        }
        self.title(at, old, new);
        self.known_values(at, old, new);

        match (&old_kind, &new_kind) {
            (Kind::Any, Kind::Any) => {}
            (Kind::Flex(a), Kind::Flex(b)) if a == b => {
                self.wire_types(at, old_inner, new_inner, *a)
            }
            (Kind::Ref(a), Kind::Ref(b)) => {
                self.nullability(at, old, new);
                if a != b {
                    self.report(
                        at,
                        "type-changed",
                        Effect::Breaking,
                        Effect::None,
                        format!("refers to {b} instead of {a}"),
                    );
                }
                let (a, b) = (a.clone(), b.clone());
                self.definition_pair(&a, &b);
            }
            (Kind::Ref(name), Kind::Typed(_)) | (Kind::Ref(name), Kind::Any) => {
                self.type_change(at, old, new);
                if let Some(def) = definition(self.old_root, name) {
                    if matches!(kind(def), Kind::Typed(_)) {
                        self.node(at, def, new_inner);
                    }
                }
            }
            (Kind::Typed(_) | Kind::Any, Kind::Ref(name)) => {
                self.type_change(at, old, new);
                if let Some(def) = definition(self.new_root, name) {
                    if matches!(kind(def), Kind::Typed(_)) {
                        self.node(at, old_inner, def);
                    }
                }
            }
            (Kind::Typed(o), Kind::Typed(n)) => {
                self.nullability(at, old, new);
                self.types(at, old, new);
                self.members(at, o, n);
            }
            (Kind::Other, _) | (_, Kind::Other) => {
                // Once per node: the keyword report already says it.
                if old_inner != new_inner && self.out.len() == before {
                    self.report(
                        at,
                        "unknown-keyword-changed",
                        Effect::Breaking,
                        Effect::Breaking,
                        format!(
                            "a schema this tool does not interpret changed: {} → {}",
                            compact(old_inner),
                            compact(new_inner)
                        ),
                    );
                }
            }
            _ => self.type_change(at, old, new),
        }
    }

    /// A change of what kind of schema a node is (a `Flex*` leaf, a plain
    /// type, a reference, anything): the Rust type changes; decoding is
    /// judged by the JSON types each side accepts.
    fn type_change(&mut self, at: &str, old: &Value, new: &Value) {
        let before = accepted(old, self.old_root);
        let after = accepted(new, self.new_root);
        let covers = before.iter().all(|t| after.contains(t));
        let narrower = after.iter().all(|t| before.contains(t));
        let api = if rust_type(old, self.old_root) == rust_type(new, self.new_root) {
            Effect::None
        } else {
            Effect::Breaking
        };
        let (rule, decoding) = match (covers, narrower) {
            (true, false)
                if matches!(kind(unwrap(old).0), Kind::Typed(_))
                    && matches!(kind(unwrap(new).0), Kind::Any) =>
            {
                ("type-widened", Effect::Additive)
            }
            (false, true)
                if matches!(kind(unwrap(old).0), Kind::Any)
                    && matches!(kind(unwrap(new).0), Kind::Typed(_)) =>
            {
                ("type-narrowed", Effect::Breaking)
            }
            (true, _) => ("type-changed", Effect::Additive),
            (false, _) => ("type-changed", Effect::Breaking),
        };
        self.report(
            at,
            rule,
            api,
            decoding,
            format!("{} → {}", shape_name(old), shape_name(new)),
        );
    }

    fn wire_types(&mut self, at: &str, old: &Value, new: &Value, flex: Flex) {
        let before = wire(old, flex);
        let after = wire(new, flex);
        // Wire types only decide what counts as drift: every `Flex*` type
        // reads every JSON value, so neither side of the crate changes.
        for t in before.iter().filter(|t| !after.contains(t)) {
            self.report(
                at,
                "wire-type-removed",
                Effect::None,
                Effect::None,
                format!("{t} no longer expected on the wire (now reported as drift)"),
            );
        }
        for t in after.iter().filter(|t| !before.contains(t)) {
            self.report(
                at,
                "wire-type-added",
                Effect::None,
                Effect::None,
                format!("{t} now expected on the wire"),
            );
        }
    }

    fn nullability(&mut self, at: &str, old: &Value, new: &Value) {
        let (was, is) = (nullable(old), nullable(new));
        if was == is {
            return;
        }
        let api = if rust_type(old, self.old_root) == rust_type(new, self.new_root) {
            Effect::None
        } else {
            Effect::Breaking
        };
        if is {
            self.report(
                at,
                "made-nullable",
                api,
                Effect::Additive,
                "now accepts null".to_string(),
            );
        } else {
            self.report(
                at,
                "made-non-nullable",
                api,
                Effect::Breaking,
                "no longer accepts null".to_string(),
            );
        }
    }

    fn types(&mut self, at: &str, old: &Value, new: &Value) {
        let before = accepted(old, self.old_root);
        let after = accepted(new, self.new_root);
        let added: Vec<&str> = after
            .iter()
            .filter(|t| !before.contains(t))
            .copied()
            .collect();
        let removed: Vec<&str> = before
            .iter()
            .filter(|t| !after.contains(t))
            .copied()
            .collect();
        if added.is_empty() && removed.is_empty() {
            return;
        }
        let api = if rust_type(old, self.old_root) == rust_type(new, self.new_root) {
            Effect::None
        } else {
            Effect::Breaking
        };
        let detail = format!("{} → {}", shape_name(old), shape_name(new));
        match (added.is_empty(), removed.is_empty()) {
            (false, true) => self.report(at, "type-widened", api, Effect::Additive, detail),
            (true, false) => self.report(at, "type-narrowed", api, Effect::Breaking, detail),
            _ => self.report(at, "type-changed", api, Effect::Breaking, detail),
        }
    }

    fn members(&mut self, at: &str, old: &'a Map<String, Value>, new: &'a Map<String, Value>) {
        let props = |m: &'a Map<String, Value>| m.get("properties").and_then(Value::as_object);
        let (old_props, new_props) = (props(old), props(new));
        for (name, old_prop) in old_props.into_iter().flatten() {
            let here = format!("{at}.{name}");
            match new_props.and_then(|n| n.get(name)) {
                Some(new_prop) => self.node(&here, old_prop, new_prop),
                None => self.report(
                    &here,
                    "property-removed",
                    Effect::Breaking,
                    Effect::None,
                    format!("property {name} removed"),
                ),
            }
        }
        for name in new_props.into_iter().flat_map(|n| n.keys()) {
            if !old_props.is_some_and(|o| o.contains_key(name)) {
                self.report(
                    &format!("{at}.{name}"),
                    "property-added",
                    Effect::Additive,
                    Effect::None,
                    format!("property {name} added"),
                );
            }
        }

        self.required(at, old, new);
        self.enums(at, old, new);
        self.additional(at, old, new);

        match (old.get("items"), new.get("items")) {
            (
                Some(o @ (Value::Object(_) | Value::Bool(_))),
                Some(n @ (Value::Object(_) | Value::Bool(_))),
            ) => {
                self.node(&format!("{at}[]"), o, n);
            }
            (None, None) => {}
            (o, n) if o == n => {}
            (Some(o), None) => self.report(
                &format!("{at}[]"),
                "type-widened",
                Effect::Breaking,
                Effect::Additive,
                format!("items {} → any JSON value", compact(o)),
            ),
            (None, Some(n)) => self.report(
                &format!("{at}[]"),
                "type-narrowed",
                Effect::Breaking,
                Effect::Breaking,
                format!("items any JSON value → {}", compact(n)),
            ),
            (Some(o), Some(n)) => self.report(
                &format!("{at}[]"),
                "unknown-keyword-changed",
                Effect::Breaking,
                Effect::Breaking,
                format!("items {} → {}", compact(o), compact(n)),
            ),
        }
    }

    fn required(&mut self, at: &str, old: &Map<String, Value>, new: &Map<String, Value>) {
        let list = |m: &Map<String, Value>| -> Vec<String> {
            m.get("required")
                .and_then(Value::as_array)
                .map(|l| {
                    l.iter()
                        .filter_map(Value::as_str)
                        .map(String::from)
                        .collect()
                })
                .unwrap_or_default()
        };
        let (before, after) = (list(old), list(new));
        for name in after.iter().filter(|n| !before.contains(n)) {
            self.report(
                &format!("{at}.{name}"),
                "required-added",
                Effect::Breaking,
                Effect::Breaking,
                format!("{name} is now required: a response without it fails to decode"),
            );
        }
        for name in before.iter().filter(|n| !after.contains(n)) {
            self.report(
                &format!("{at}.{name}"),
                "required-removed",
                Effect::Breaking,
                Effect::Additive,
                format!("{name} is no longer required: its Rust type becomes an Option"),
            );
        }
    }

    fn enums(&mut self, at: &str, old: &Map<String, Value>, new: &Map<String, Value>) {
        match (
            old.get("enum").and_then(Value::as_array),
            new.get("enum").and_then(Value::as_array),
        ) {
            (None, None) => {}
            (None, Some(_)) => self.report(
                at,
                "enum-added",
                Effect::Breaking,
                Effect::Breaking,
                "now a closed enum: any other value fails to decode".to_string(),
            ),
            (Some(_), None) => self.report(
                at,
                "enum-removed",
                Effect::Breaking,
                Effect::Additive,
                "no longer a closed enum".to_string(),
            ),
            (Some(before), Some(after)) => {
                for v in after.iter().filter(|v| !before.contains(v)) {
                    self.report(
                        at,
                        "enum-value-added",
                        Effect::Breaking,
                        Effect::Additive,
                        format!("value {v} added: matches on the enum are no longer exhaustive"),
                    );
                }
                for v in before.iter().filter(|v| !after.contains(v)) {
                    self.report(
                        at,
                        "enum-value-removed",
                        Effect::Breaking,
                        Effect::Breaking,
                        format!("value {v} removed: a response carrying it fails to decode"),
                    );
                }
            }
        }
    }

    fn additional(&mut self, at: &str, old: &'a Map<String, Value>, new: &'a Map<String, Value>) {
        let (o, n) = (
            old.get("additionalProperties"),
            new.get("additionalProperties"),
        );
        let denied = |v: Option<&Value>| v == Some(&Value::Bool(false));
        let schema = |v: Option<&Value>| matches!(v, Some(Value::Object(_)));
        if denied(o) == denied(n) && schema(o) == schema(n) {
            if let (Some(o @ Value::Object(_)), Some(n @ Value::Object(_))) = (o, n) {
                self.node(&format!("{at}.*"), o, n);
            }
            return;
        }
        if denied(n) {
            self.report(
                at,
                "additional-properties-denied",
                Effect::None,
                Effect::Breaking,
                "`additionalProperties: false`: any new field fails the whole response".to_string(),
            );
        } else if denied(o) {
            self.report(
                at,
                "additional-properties-allowed",
                Effect::None,
                Effect::Additive,
                "unknown fields are accepted again".to_string(),
            );
        } else if schema(n) {
            self.report(
                at,
                "additional-properties-added",
                Effect::Additive,
                Effect::None,
                "unknown members are now kept in an extra map".to_string(),
            );
        } else {
            self.report(
                at,
                "additional-properties-removed",
                Effect::Breaking,
                Effect::None,
                "unknown members are no longer kept".to_string(),
            );
        }
    }

    fn title(&mut self, at: &str, old: &Value, new: &Value) {
        let (o, n) = (old.get("title"), new.get("title"));
        if o != n {
            let show = |v: Option<&Value>| v.map_or("(none)".to_string(), compact);
            self.report(
                at,
                "title-changed",
                Effect::Breaking,
                Effect::None,
                format!("the Rust type is renamed: {} → {}", show(o), show(n)),
            );
        }
    }

    fn known_values(&mut self, at: &str, old: &Value, new: &Value) {
        let list = |v: &Value| -> Vec<Value> {
            v.get("x-known-values")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        let (before, after) = (list(old), list(new));
        for v in after
            .iter()
            .filter(|v| !before.iter().any(|b| same_known_value(b, v)))
        {
            self.report(
                at,
                "known-value-added",
                Effect::Additive,
                Effect::None,
                format!("value {v} is now known: the `Status` enum gains an arm"),
            );
        }
        for v in before
            .iter()
            .filter(|v| !after.iter().any(|a| same_known_value(a, v)))
        {
            self.report(
                at,
                "known-value-removed",
                Effect::None,
                Effect::None,
                format!("value {v} is no longer known"),
            );
        }
    }

    fn unknown_keywords(&mut self, at: &str, old: &Value, new: &Value) {
        let (Some(o), Some(n)) = (old.as_object(), new.as_object()) else {
            return;
        };
        let wrapper = |node: &Value| nullable_branch(node).map(|(_, key)| key);
        let skip = |key: &str| {
            KNOWN.contains(&key) || Some(key) == wrapper(old) || Some(key) == wrapper(new)
        };
        let mut keys: Vec<&String> = o.keys().collect();
        keys.extend(n.keys().filter(|k| !o.contains_key(*k)));
        for key in keys {
            if skip(key) {
                continue;
            }
            let (a, b) = (o.get(key), n.get(key));
            if a != b {
                let show = |v: Option<&Value>| v.map_or("(absent)".to_string(), compact);
                self.report(
                    at,
                    "unknown-keyword-changed",
                    Effect::Breaking,
                    Effect::Breaking,
                    format!("`{key}` changed: {} → {}; review by hand", show(a), show(b)),
                );
            }
        }
    }
}

fn compact(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() > 120 {
        let cut: String = text.chars().take(117).collect();
        format!("{cut}...")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::tests::{load, schema_files};
    use crate::schema::update;
    use serde_json::json;

    fn pixverse() -> Value {
        load("schemas/pixverse/videos.json")
    }

    fn edit(mut schema: Value, pointer: &str, f: impl FnOnce(&mut Value)) -> Value {
        f(schema
            .pointer_mut(pointer)
            .unwrap_or_else(|| panic!("no {pointer}")));
        schema
    }

    fn set(schema: Value, pointer: &str, key: &str, value: Value) -> Value {
        edit(schema, pointer, |n| {
            n[key] = value;
        })
    }

    fn remove(schema: Value, pointer: &str, key: &str) -> Value {
        edit(schema, pointer, |n| {
            let map = n.as_object_mut().unwrap();
            let old = std::mem::take(map);
            map.extend(old.into_iter().filter(|(k, _)| k != key));
        })
    }

    /// The one difference between `old` and `new`.
    fn only(old: &Value, new: &Value) -> Difference {
        let found = diff(old, new).unwrap();
        assert_eq!(
            found.len(),
            1,
            "{:#?}",
            found.iter().map(ToString::to_string).collect::<Vec<_>>()
        );
        found.into_iter().next().unwrap()
    }

    fn expect(d: &Difference, at: &str, rule: &str, api: Effect, decoding: Effect) {
        assert_eq!(
            (d.at.as_str(), d.rule, d.api, d.decoding),
            (at, rule, api, decoding),
            "{d}"
        );
    }

    #[test]
    fn identical_files_have_no_differences() {
        for (path, text) in schema_files() {
            let v: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(diff(&v, &v).unwrap(), [], "{}", path.display());
        }
    }

    #[test]
    fn descriptions_are_not_reported() {
        let old = pixverse();
        let new = set(
            old.clone(),
            "/definitions/Video/properties/seed",
            "description",
            json!("changed"),
        );
        let new = set(new, "", "description", json!("changed too"));
        assert_eq!(diff(&old, &new).unwrap(), []);
    }

    #[test]
    fn property_added() {
        let old = pixverse();
        let leaf = json!({"$ref": "#/definitions/FlexText", "description": "d"});
        let new = set(old.clone(), "/properties", "server_time", leaf.clone());
        expect(
            &only(&old, &new),
            "(root).server_time",
            "property-added",
            Effect::Additive,
            Effect::None,
        );
        let new = set(old.clone(), "/definitions/Video/properties", "camera", leaf);
        let d = only(&old, &new);
        expect(
            &d,
            "Video.camera",
            "property-added",
            Effect::Additive,
            Effect::None,
        );
        assert!(!d.is_breaking());
        assert_eq!(
            d.to_string(),
            "Video.camera: property-added (api additive, decoding none): property camera added"
        );
    }

    #[test]
    fn property_removed() {
        let old = pixverse();
        let new = remove(old.clone(), "/properties", "total");
        expect(
            &only(&old, &new),
            "(root).total",
            "property-removed",
            Effect::Breaking,
            Effect::None,
        );
        let new = remove(
            old.clone(),
            "/definitions/QueueData/properties",
            "queue_time",
        );
        let d = only(&old, &new);
        expect(
            &d,
            "QueueData.queue_time",
            "property-removed",
            Effect::Breaking,
            Effect::None,
        );
        assert!(d.is_breaking());
    }

    #[test]
    fn leaf_moved_to_another_flex_definition() {
        let old = pixverse();
        let old = set(old, "/definitions", "FlexNumber", Flex::Number.definition());
        let wider = set(
            old.clone(),
            "/definitions/Video/properties/seed",
            "$ref",
            json!("#/definitions/FlexNumber"),
        );
        let d = only(&old, &wider);
        expect(
            &d,
            "Video.seed",
            "type-changed",
            Effect::Breaking,
            Effect::Additive,
        );
        assert_eq!(d.detail, "FlexInt → FlexNumber");
        expect(
            &only(&wider, &old),
            "Video.seed",
            "type-changed",
            Effect::Breaking,
            Effect::Breaking,
        );
        let text = set(
            old.clone(),
            "/properties/total",
            "$ref",
            json!("#/definitions/FlexText"),
        );
        expect(
            &only(&old, &text),
            "(root).total",
            "type-changed",
            Effect::Breaking,
            Effect::Breaking,
        );
        let text = set(
            text,
            "/properties/total",
            "x-wire-types",
            json!(["string", "integer"]),
        );
        expect(
            &only(&old, &text),
            "(root).total",
            "type-changed",
            Effect::Breaking,
            Effect::Additive,
        );
    }

    #[test]
    fn plain_type_changes() {
        let old = load("schemas/memories/list-videos-request.json");
        let new = set(old.clone(), "/properties/status", "type", json!("integer"));
        expect(
            &only(&old, &new),
            "(root).status",
            "type-changed",
            Effect::Breaking,
            Effect::Breaking,
        );
        let widened = set(
            old.clone(),
            "/properties/status",
            "type",
            json!(["string", "integer"]),
        );
        let d = only(&old, &widened);
        expect(
            &d,
            "(root).status",
            "type-widened",
            Effect::Breaking,
            Effect::Additive,
        );
        assert_eq!(d.detail, "string → string or integer");
        expect(
            &only(&widened, &old),
            "(root).status",
            "type-narrowed",
            Effect::Breaking,
            Effect::Breaking,
        );
        // integer → number: every integer is a number.
        let num = set(old.clone(), "/properties/page", "type", json!("number"));
        let num = remove(num, "/properties/page", "format");
        let found = diff(&old, &num).unwrap();
        assert!(
            found
                .iter()
                .any(|d| d.rule == "type-widened" && d.decoding == Effect::Additive),
            "{found:?}"
        );
        assert!(
            found.iter().any(|d| d.rule == "unknown-keyword-changed"),
            "format is not interpreted: {found:?}"
        );
        // A plain string becoming the tolerant text leaf.
        let flex = set(
            old.clone(),
            "/properties/video_no",
            "$ref",
            json!("#/definitions/FlexText"),
        );
        let flex = remove(flex, "/properties/video_no", "type");
        let flex = set(flex, "/definitions", "FlexText", Flex::Text.definition());
        let found = diff(&old, &flex).unwrap();
        let d = found.iter().find(|d| d.at == "(root).video_no").unwrap();
        expect(
            d,
            "(root).video_no",
            "type-changed",
            Effect::Breaking,
            Effect::Additive,
        );
        assert!(
            found
                .iter()
                .any(|d| d.rule == "definition-added" && d.api == Effect::None)
        );
    }

    #[test]
    fn type_changes_in_a_nested_definition() {
        let old = json!({
            "title": "T", "type": "object",
            "properties": {"page": {"$ref": "#/definitions/Page"}},
            "definitions": {
                "Page": {"type": "object", "properties": {"items": {"type": "array", "items": {"$ref": "#/definitions/Item"}}}},
                "Item": {"type": "object", "properties": {"n": {"type": ["integer", "string"]}}}
            }
        });
        let narrowed = set(
            old.clone(),
            "/definitions/Item/properties/n",
            "type",
            json!("integer"),
        );
        expect(
            &only(&old, &narrowed),
            "Item.n",
            "type-narrowed",
            Effect::Breaking,
            Effect::Breaking,
        );
        expect(
            &only(&narrowed, &old),
            "Item.n",
            "type-widened",
            Effect::Breaking,
            Effect::Additive,
        );
        let anything = set(
            old.clone(),
            "/definitions/Item/properties",
            "n",
            json!({"description": "raw"}),
        );
        expect(
            &only(&old, &anything),
            "Item.n",
            "type-widened",
            Effect::Breaking,
            Effect::Additive,
        );
        expect(
            &only(&anything, &old),
            "Item.n",
            "type-narrowed",
            Effect::Breaking,
            Effect::Breaking,
        );
    }

    #[test]
    fn wire_types() {
        let old = pixverse();
        let more = set(
            old.clone(),
            "/definitions/Video/properties/seed",
            "x-wire-types",
            json!(["integer", "string"]),
        );
        let d = only(&old, &more);
        expect(
            &d,
            "Video.seed",
            "wire-type-added",
            Effect::None,
            Effect::None,
        );
        let d = only(&more, &old);
        expect(
            &d,
            "Video.seed",
            "wire-type-removed",
            Effect::None,
            Effect::None,
        );
        assert!(d.detail.contains("string"));
        assert!(!d.is_breaking());
        // Spelling out the default is no change.
        let spelled = set(
            old.clone(),
            "/properties/total",
            "x-wire-types",
            json!(["integer"]),
        );
        assert_eq!(diff(&old, &spelled).unwrap(), []);
    }

    #[test]
    fn nullability() {
        let old = pixverse();
        let strict = set(old.clone(), "/properties/data", "type", json!("array"));
        expect(
            &only(&old, &strict),
            "(root).data",
            "made-non-nullable",
            Effect::Breaking,
            Effect::Breaking,
        );
        expect(
            &only(&strict, &old),
            "(root).data",
            "made-nullable",
            Effect::Breaking,
            Effect::Additive,
        );
        // `anyOf` with null and a bare reference both generate `Option<QueueData>`.
        let bare = set(
            old.clone(),
            "/definitions/Video/properties",
            "queue_data",
            json!({"$ref": "#/definitions/QueueData", "description": "q"}),
        );
        expect(
            &only(&old, &bare),
            "Video.queue_data",
            "made-non-nullable",
            Effect::None,
            Effect::Breaking,
        );
        expect(
            &only(&bare, &old),
            "Video.queue_data",
            "made-nullable",
            Effect::None,
            Effect::Additive,
        );
        // The other spellings of null are the same thing.
        let one_of = edit(
            old.clone(),
            "/definitions/Video/properties/queue_data",
            |n| {
                let branches = n["anyOf"].clone();
                *n = json!({"description": "q", "oneOf": [branches[1], branches[0]]});
            },
        );
        assert_eq!(diff(&old, &one_of).unwrap(), []);
        let scalar = json!({"title": "T", "properties": {"s": {"type": "string"}}});
        let null = set(
            scalar.clone(),
            "/properties/s",
            "type",
            json!(["string", "null"]),
        );
        expect(
            &only(&scalar, &null),
            "(root).s",
            "made-nullable",
            Effect::None,
            Effect::Additive,
        );
    }

    #[test]
    fn required() {
        let old = pixverse();
        let new = set(
            old.clone(),
            "/definitions/Video",
            "required",
            json!(["video_id"]),
        );
        expect(
            &only(&old, &new),
            "Video.video_id",
            "required-added",
            Effect::Breaking,
            Effect::Breaking,
        );
        expect(
            &only(&new, &old),
            "Video.video_id",
            "required-removed",
            Effect::Breaking,
            Effect::Additive,
        );
    }

    #[test]
    fn closed_enums() {
        let old = json!({"title": "T", "properties": {"s": {"$ref": "#/definitions/S"}},
                         "definitions": {"S": {"type": "string", "enum": ["a", "b"]}}});
        let more = set(
            old.clone(),
            "/definitions/S",
            "enum",
            json!(["a", "b", "c"]),
        );
        let d = only(&old, &more);
        expect(
            &d,
            "S",
            "enum-value-added",
            Effect::Breaking,
            Effect::Additive,
        );
        expect(
            &only(&more, &old),
            "S",
            "enum-value-removed",
            Effect::Breaking,
            Effect::Breaking,
        );
        let open = remove(old.clone(), "/definitions/S", "enum");
        expect(
            &only(&old, &open),
            "S",
            "enum-removed",
            Effect::Breaking,
            Effect::Additive,
        );
        expect(
            &only(&open, &old),
            "S",
            "enum-added",
            Effect::Breaking,
            Effect::Breaking,
        );
    }

    #[test]
    fn known_values() {
        let old = set(
            pixverse(),
            "/definitions/Video/properties/video_status",
            "x-known-values",
            json!([1, 5, 10]),
        );
        let more = set(
            old.clone(),
            "/definitions/Video/properties/video_status",
            "x-known-values",
            json!([1, 5, 10, 7]),
        );
        let d = only(&old, &more);
        expect(
            &d,
            "Video.video_status",
            "known-value-added",
            Effect::Additive,
            Effect::None,
        );
        assert!(d.detail.contains('7'));
        expect(
            &only(&more, &old),
            "Video.video_status",
            "known-value-removed",
            Effect::None,
            Effect::None,
        );
        // Same values, other spelling.
        let spelled = set(
            old.clone(),
            "/definitions/Video/properties/video_status",
            "x-known-values",
            json!(["1", 5.0, 10]),
        );
        assert_eq!(diff(&old, &spelled).unwrap(), []);
    }

    #[test]
    fn titles() {
        let old = pixverse();
        let new = set(old.clone(), "", "title", json!("VideoList"));
        let d = only(&old, &new);
        expect(
            &d,
            "(root)",
            "title-changed",
            Effect::Breaking,
            Effect::None,
        );
        assert!(d.detail.contains("\"VideoPage\" → \"VideoList\""), "{d}");
        let nested = set(
            old.clone(),
            "/definitions/QueueData",
            "title",
            json!("Queue"),
        );
        expect(
            &only(&old, &nested),
            "QueueData",
            "title-changed",
            Effect::Breaking,
            Effect::None,
        );
    }

    #[test]
    fn definitions_added_and_removed() {
        let old = pixverse();
        let new = set(
            old.clone(),
            "/definitions",
            "Extra",
            json!({"type": "object"}),
        );
        expect(
            &only(&old, &new),
            "Extra",
            "definition-added",
            Effect::Additive,
            Effect::None,
        );
        expect(
            &only(&new, &old),
            "Extra",
            "definition-removed",
            Effect::Breaking,
            Effect::None,
        );
        // Unreferenced definitions are still compared.
        let changed = set(new.clone(), "/definitions/Extra", "type", json!("array"));
        expect(
            &only(&new, &changed),
            "Extra",
            "type-changed",
            Effect::Breaking,
            Effect::Breaking,
        );
    }

    #[test]
    fn renamed_definition() {
        let old = pixverse();
        let new = edit(old.clone(), "", |root| {
            root["properties"]["data"]["items"]["$ref"] = json!("#/definitions/Clip");
            let defs = root["definitions"].as_object_mut().unwrap();
            let old_defs = std::mem::take(defs);
            for (k, mut v) in old_defs {
                if k == "Video" {
                    v["properties"]
                        .as_object_mut()
                        .unwrap()
                        .insert("new".into(), json!({}));
                    defs.insert("Clip".into(), v);
                } else {
                    defs.insert(k, v);
                }
            }
        });
        let found = diff(&old, &new).unwrap();
        let rules: Vec<_> = found.iter().map(|d| (d.at.as_str(), d.rule)).collect();
        assert_eq!(
            rules,
            [
                ("(root).data[]", "type-changed"),
                ("Clip", "definition-added"),
                ("Clip.new", "property-added"),
                ("Video", "definition-removed"),
            ]
        );
    }

    #[test]
    fn additional_properties() {
        let old = pixverse();
        let closed = set(
            old.clone(),
            "/definitions/Video",
            "additionalProperties",
            json!(false),
        );
        let d = only(&old, &closed);
        expect(
            &d,
            "Video",
            "additional-properties-denied",
            Effect::None,
            Effect::Breaking,
        );
        expect(
            &only(&closed, &old),
            "Video",
            "additional-properties-allowed",
            Effect::None,
            Effect::Additive,
        );
        let meta = load("schemas/hourone/metadata.json");
        let plain = remove(meta.clone(), "", "additionalProperties");
        expect(
            &only(&meta, &plain),
            "(root)",
            "additional-properties-removed",
            Effect::Breaking,
            Effect::None,
        );
        expect(
            &only(&plain, &meta),
            "(root)",
            "additional-properties-added",
            Effect::Additive,
            Effect::None,
        );
        let typed = set(
            meta.clone(),
            "/additionalProperties",
            "type",
            json!("string"),
        );
        expect(
            &only(&meta, &typed),
            "(root).*",
            "type-narrowed",
            Effect::Breaking,
            Effect::Breaking,
        );
    }

    #[test]
    fn unknown_keywords_fail_closed() {
        let old = pixverse();
        let new = set(
            old.clone(),
            "/definitions/QueueData/properties/queue_time",
            "minimum",
            json!(0),
        );
        let d = only(&old, &new);
        expect(
            &d,
            "QueueData.queue_time",
            "unknown-keyword-changed",
            Effect::Breaking,
            Effect::Breaking,
        );
        assert!(d.detail.contains("`minimum`"), "{d}");
        let draft = set(
            old.clone(),
            "",
            "$schema",
            json!("https://json-schema.org/draft/2020-12/schema"),
        );
        expect(
            &only(&old, &draft),
            "(root)",
            "unknown-keyword-changed",
            Effect::Breaking,
            Effect::Breaking,
        );
        let all_of = set(
            old.clone(),
            "/definitions/Video/properties",
            "lip_sync",
            json!({"allOf": [{"type": "object"}]}),
        );
        expect(
            &only(&old, &all_of),
            "Video.lip_sync",
            "unknown-keyword-changed",
            Effect::Breaking,
            Effect::Breaking,
        );
        let all_of2 = set(
            all_of.clone(),
            "/definitions/Video/properties",
            "lip_sync",
            json!({"allOf": [{"type": "array"}]}),
        );
        expect(
            &only(&all_of, &all_of2),
            "Video.lip_sync",
            "unknown-keyword-changed",
            Effect::Breaking,
            Effect::Breaking,
        );
    }

    #[test]
    fn sorted_by_path_and_recursive_definitions_terminate() {
        let old = json!({
            "title": "Tree", "type": "object",
            "properties": {"root": {"$ref": "#/definitions/Node"}, "also": {"$ref": "#/definitions/Node"}},
            "definitions": {"Node": {"type": "object", "properties": {
                "name": {"type": "string"},
                "children": {"type": "array", "items": {"$ref": "#/definitions/Node"}}}}}
        });
        let new = remove(old.clone(), "/definitions/Node/properties", "name");
        let new = set(new, "/properties", "z", json!({}));
        let new = set(new, "/properties", "a", json!({}));
        let found = diff(&old, &new).unwrap();
        let at: Vec<_> = found.iter().map(|d| d.at.as_str()).collect();
        assert_eq!(
            at,
            ["(root).a", "(root).z", "Node.name"],
            "a definition used twice is reported once"
        );
    }

    #[test]
    fn errors_name_the_problem() {
        let old = pixverse();
        let broken = set(
            old.clone(),
            "/properties/total",
            "$ref",
            json!("#/definitions/Missing"),
        );
        assert_eq!(
            diff(&old, &broken).unwrap_err(),
            Problem::BadRef {
                at: "/properties/total/$ref".into(),
                reference: "#/definitions/Missing".into()
            }
        );
        assert!(matches!(diff(&json!(1), &old), Err(Problem::NotASchema(_))));
    }

    #[test]
    fn diff_of_an_update_is_additive_except_for_moves() {
        for (schema_file, fixture) in [
            (
                "schemas/pixverse/videos.json",
                "fixtures/pixverse/videos-drift.json",
            ),
            (
                "schemas/memories/list-videos-response.json",
                "fixtures/memories/list-videos-drift.json",
            ),
            (
                "schemas/minimax/videos.json",
                "fixtures/minimax/videos-drift.json",
            ),
        ] {
            let old = load(schema_file);
            let mut new = old.clone();
            let changes = update(&mut new, &[load(fixture)]).unwrap();
            let found = diff(&old, &new).unwrap();
            let moves = changes.iter().filter(|c| c.is_breaking()).count();
            let breaking: Vec<_> = found.iter().filter(|d| d.is_breaking()).collect();
            assert_eq!(breaking.len(), moves, "{fixture}: {breaking:#?}");
            // Widening a leaf never breaks decoding.
            assert!(
                found.iter().all(|d| d.decoding != Effect::Breaking),
                "{fixture}: {found:#?}"
            );
            let added = changes
                .iter()
                .filter(|c| matches!(c.kind, crate::schema::ChangeKind::AddedProperty { .. }))
                .count();
            assert_eq!(
                found.iter().filter(|d| d.rule == "property-added").count(),
                added,
                "{fixture}"
            );
        }
    }
}

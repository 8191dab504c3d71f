//! Classifying the changes between two versions of a schema.

use std::collections::HashSet;
use std::fmt;

use serde_json::{Map, Value};

use super::{
    Flex, JSON_TYPES, Problem, check, declared_types, definition, inner_type, nullable_branch,
    ref_name, rust_type, same_known_value, type_list,
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
/// `structure-dropped`, `unknown-keyword-changed`.
///
/// The API effect follows typify's output: a change is breaking when the
/// generated item changes (a field's type, `Option` or not — a required
/// field is bare, an optional one an `Option`, a `Vec` or map never
/// wrapped —, a field or type removed or renamed, a closed `enum` gaining
/// or losing an arm). A new value in `x-known-values` is additive: the
/// hand-written `Status` enums it feeds are `#[non_exhaustive]`, so code
/// outside the crate matches them with a wildcard arm and a new arm breaks
/// nothing; typify's own enums (from `enum`) are exhaustive, so a value
/// added there is breaking. The decoding effect follows what the generated
/// type decodes: an `Option` field decodes `null` whether or not the
/// schema allows it, a `Flex*` type decodes every value.
pub fn diff(old: &Value, new: &Value) -> Result<Vec<Difference>, Problem> {
    check(old)?;
    check(new)?;
    let mut differ = Differ {
        old_root: old,
        new_root: new,
        out: Vec::new(),
        visited: HashSet::new(),
        present: (true, true),
    };
    differ.node("(root)", old, new);
    differ.definitions();
    let mut out = differ.out;
    out.sort_by(|a, b| a.at.cmp(&b.at));
    Ok(out)
}

/// The changes from `old` to `new` that `schema update` refuses unless
/// asked to (`--allow-breaking`): an object or array whose typing was
/// replaced by "anything" (`structure-dropped`) and anything that narrows
/// what decodes. Classified by [`diff`], so update and diff agree.
pub fn destructive(old: &Value, new: &Value) -> Result<Vec<Difference>, Problem> {
    Ok(diff(old, new)?
        .into_iter()
        .filter(|d| d.rule == "structure-dropped" || d.decoding == Effect::Breaking)
        .collect())
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

/// The names an object schema lists as `required`.
fn required_names(map: &Map<String, Value>) -> Vec<String> {
    map.get("required")
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

/// Whether `node` (following references in `root`) declares an object or
/// an array: a structure whose fields or items the Rust API exposes.
fn structured(node: &Value, root: &Value) -> bool {
    let mut node = unwrap(node).0;
    for _ in 0..32 {
        match kind(node) {
            Kind::Ref(name) => match definition(root, &name) {
                Some(def) => node = unwrap(def).0,
                None => return false,
            },
            Kind::Typed(map) => {
                let types = declared_types(map).0;
                return types.contains(&"object") || types.contains(&"array");
            }
            _ => return false,
        }
    }
    false
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
    /// Whether the node being compared is a required field (or something
    /// that is always present: a type's own body, an array element, a map
    /// value) on the old and the new side. typify wraps an optional field
    /// in `Option` and leaves a required one bare.
    present: (bool, bool),
}

/// The Rust type typify generates for `node` as a field that is
/// `required` (or always present) or optional.
fn field_type(node: &Value, root: &Value, required: bool) -> String {
    if required {
        inner_type(node)
    } else {
        rust_type(node, root)
    }
}

/// Whether a field of this Rust type decodes a JSON `null`: an `Option`,
/// a tolerant `vidapi::wire` type or raw JSON does; a `Vec`, a map, a
/// struct or a plain scalar does not.
fn takes_null(rust: &str) -> bool {
    rust.starts_with("Option<")
        || rust.starts_with("vidapi::wire::")
        || rust == "serde_json::Value"
        || rust == "()"
}

impl<'a> Differ<'a> {
    /// Compares a node whose presence (required or always there) on each
    /// side is `present`.
    fn node_as(&mut self, at: &str, old: &'a Value, new: &'a Value, present: (bool, bool)) {
        let saved = std::mem::replace(&mut self.present, present);
        self.node(at, old, new);
        self.present = saved;
    }

    /// The Rust types typify generates for the node on each side.
    fn rust_types(&self, old: &Value, new: &Value) -> (String, String) {
        (
            field_type(old, self.old_root, self.present.0),
            field_type(new, self.new_root, self.present.1),
        )
    }

    /// `Breaking` when the generated Rust type differs, else `None`.
    fn api(&self, old: &Value, new: &Value) -> Effect {
        let (a, b) = self.rust_types(old, new);
        if a == b {
            Effect::None
        } else {
            Effect::Breaking
        }
    }

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
        self.node_as(new_name, old, new, (true, true));
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
            (Kind::Ref(_), Kind::Any) | (Kind::Any, Kind::Ref(_)) => {
                self.type_change(at, old, new);
            }
            (Kind::Ref(name), Kind::Typed(_)) => {
                self.type_change(at, old, new);
                if let Some(def) = definition(self.old_root, name) {
                    if matches!(kind(def), Kind::Typed(_)) {
                        self.node(at, def, new_inner);
                    }
                }
            }
            (Kind::Typed(_), Kind::Ref(name)) => {
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
    /// type, a reference, anything): the API effect is whether the generated
    /// Rust type changes; decoding is judged by what each Rust type decodes.
    /// A `Flex*` type decodes every JSON value (what it cannot read lands in
    /// its `Other` arm), so leaving one for a plain type narrows decoding and
    /// moving to one widens it; between two `Flex*` types, or plain types,
    /// the JSON types each side accepts decide. An object or array whose
    /// typing is replaced by "anything" is `structure-dropped`: it still
    /// decodes, but every field of it is gone from the Rust API.
    fn type_change(&mut self, at: &str, old: &Value, new: &Value) {
        let before = accepted(old, self.old_root);
        let after = accepted(new, self.new_root);
        let covers = before.iter().all(|t| after.contains(t));
        let narrower = after.iter().all(|t| before.contains(t));
        let api = self.api(old, new);
        let (old_kind, new_kind) = (kind(unwrap(old).0), kind(unwrap(new).0));
        let old_flex = matches!(old_kind, Kind::Flex(_));
        let new_flex = matches!(new_kind, Kind::Flex(_));
        let (rule, decoding) = match (covers, narrower) {
            _ if matches!(new_kind, Kind::Any) && structured(old, self.old_root) => {
                ("structure-dropped", Effect::Additive)
            }
            _ if old_flex && !new_flex && !matches!(new_kind, Kind::Any) => {
                ("type-narrowed", Effect::Breaking)
            }
            _ if new_flex && !old_flex && !matches!(old_kind, Kind::Any) => {
                ("type-widened", Effect::Additive)
            }
            (true, false)
                if matches!(old_kind, Kind::Typed(_)) && matches!(new_kind, Kind::Any) =>
            {
                ("type-widened", Effect::Additive)
            }
            (false, true)
                if matches!(old_kind, Kind::Any) && matches!(new_kind, Kind::Typed(_)) =>
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

    /// `null` added to or removed from a node. The API effect is whether the
    /// Rust type changes (an optional field is an `Option` either way); the
    /// decoding effect is whether the Rust type on each side decodes `null`
    /// (an optional field's `Option` still does after losing it).
    fn nullability(&mut self, at: &str, old: &Value, new: &Value) {
        let (was, is) = (nullable(old), nullable(new));
        if was == is {
            return;
        }
        let api = self.api(old, new);
        let (a, b) = self.rust_types(old, new);
        let (before, after) = (takes_null(&a), takes_null(&b));
        if is {
            let decoding = if before {
                Effect::None
            } else {
                Effect::Additive
            };
            self.report(
                at,
                "made-nullable",
                api,
                decoding,
                format!("now accepts null ({a} → {b})"),
            );
        } else {
            let decoding = if after {
                Effect::None
            } else {
                Effect::Breaking
            };
            self.report(
                at,
                "made-non-nullable",
                api,
                decoding,
                format!("no longer accepts null ({a} → {b})"),
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
        let api = self.api(old, new);
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
        let (old_required, new_required) = (required_names(old), required_names(new));
        for (name, old_prop) in old_props.into_iter().flatten() {
            let here = format!("{at}.{name}");
            match new_props.and_then(|n| n.get(name)) {
                Some(new_prop) => self.node_as(
                    &here,
                    old_prop,
                    new_prop,
                    (old_required.contains(name), new_required.contains(name)),
                ),
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
                self.node_as(&format!("{at}[]"), o, n, (true, true));
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

    /// Names added to or removed from `required`. typify makes a required
    /// field bare (`String`, or `Option<String>` if it may be null) and an
    /// optional one an `Option` (a `Vec` or map stays bare): the API effect
    /// is whether that type changes. A response without a newly required
    /// field fails to decode.
    fn required(&mut self, at: &str, old: &Map<String, Value>, new: &Map<String, Value>) {
        let (before, after) = (required_names(old), required_names(new));
        fn prop<'m>(m: &'m Map<String, Value>, name: &str) -> Option<&'m Value> {
            m.get("properties")?.get(name)
        }
        let api = |name: &str, was: bool, is: bool| -> (Effect, String) {
            match (prop(old, name), prop(new, name)) {
                (Some(o), Some(n)) => {
                    let a = field_type(o, self.old_root, was);
                    let b = field_type(n, self.new_root, is);
                    let effect = if a == b {
                        Effect::None
                    } else {
                        Effect::Breaking
                    };
                    (effect, format!(" ({a} → {b})"))
                }
                // A required name with no property generates no field.
                _ => (Effect::None, String::new()),
            }
        };
        let mut found = Vec::new();
        for name in after.iter().filter(|n| !before.contains(n)) {
            let (effect, types) = api(name, false, true);
            found.push((
                format!("{at}.{name}"),
                "required-added",
                effect,
                Effect::Breaking,
                format!("{name} is now required: a response without it fails to decode{types}"),
            ));
        }
        for name in before.iter().filter(|n| !after.contains(n)) {
            let (effect, types) = api(name, true, false);
            found.push((
                format!("{at}.{name}"),
                "required-removed",
                effect,
                Effect::Additive,
                format!("{name} is no longer required{types}"),
            ));
        }
        for (here, rule, api, decoding, detail) in found {
            self.report(&here, rule, api, decoding, detail);
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
                self.node_as(&format!("{at}.*"), o, n, (true, true));
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
            // typify names a definition after its key, whatever its title;
            // the root and inline objects after their title.
            let definition_body =
                definition(self.new_root, at).is_some_and(|d| std::ptr::eq(d, new));
            let (api, what) = if definition_body {
                (Effect::None, "the Rust type keeps its definition's name")
            } else {
                (Effect::Breaking, "the Rust type is renamed")
            };
            self.report(
                at,
                "title-changed",
                api,
                Effect::None,
                format!("{what}: {} → {}", show(o), show(n)),
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
                format!(
                    "value {v} is now known: the `Status` enum gains an arm (additive: the enum is `#[non_exhaustive]`, so every match outside the crate already has a wildcard arm)"
                ),
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
    use crate::schema::tests::{generated, load};
    use crate::schema::update;
    use serde_json::json;

    fn pixverse() -> Value {
        load("tests/schema-cases/diff/pixverse/videos.json")
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

    /// The one difference between `old` and `new`, its API effect checked
    /// against the real generator's output for both.
    fn only(old: &Value, new: &Value) -> Difference {
        let found = diff(old, new).unwrap();
        assert_eq!(
            found.len(),
            1,
            "{:#?}",
            found.iter().map(ToString::to_string).collect::<Vec<_>>()
        );
        agrees_with_generator(old, new, &found);
        found.into_iter().next().unwrap()
    }

    /// Rules whose API effect is not on generated items: `x-known-values`
    /// feeds the hand-written `Status` enums, and an unknown keyword is
    /// breaking on purpose until a person has looked.
    /// `additionalProperties: false` is refused by the generator's lint.
    const NOT_GENERATED: [&str; 5] = [
        "known-value-added",
        "known-value-removed",
        "unknown-keyword-changed",
        "additional-properties-denied",
        "additional-properties-allowed",
    ];

    /// Asserts that the strongest API effect `diff` reports is what
    /// comparing the generated Rust items of both sides shows.
    fn agrees_with_generator(old: &Value, new: &Value, found: &[Difference]) {
        let claimed = found
            .iter()
            .filter(|d| !NOT_GENERATED.contains(&d.rule))
            .map(|d| d.api)
            .max()
            .unwrap_or(Effect::None);
        if found.iter().any(|d| NOT_GENERATED.contains(&d.rule)) && claimed == Effect::None {
            return;
        }
        let (before, after) = (items(old), items(new));
        let measured = compare_items(&before, &after);
        assert_eq!(
            claimed,
            measured,
            "diff says {claimed}, the generated Rust says {measured}:\n{}",
            found.iter().map(|d| format!("{d}\n")).collect::<String>()
        );
    }

    /// A generated item, as far as callers can see it.
    #[derive(Debug, PartialEq)]
    enum Item {
        /// Named fields: Rust name → type.
        Struct(Vec<(String, String)>),
        /// Arms, and whether the enum is `#[non_exhaustive]`.
        Enum(Vec<String>, bool),
        /// A newtype or an alias: the type it wraps.
        Wraps(String),
    }

    fn items(schema: &Value) -> Vec<(String, Item)> {
        use quote::ToTokens;
        let text = |t: &dyn ToTokens| t.to_token_stream().to_string().replace(' ', "");
        let file = generated(schema).unwrap_or_else(|e| panic!("does not generate: {e}"));
        let mut out = Vec::new();
        for item in &file.items {
            match item {
                syn::Item::Struct(s) => {
                    let name = s.ident.to_string();
                    match &s.fields {
                        syn::Fields::Named(named) => out.push((
                            name,
                            Item::Struct(
                                named
                                    .named
                                    .iter()
                                    .map(|f| (f.ident.as_ref().unwrap().to_string(), text(&f.ty)))
                                    .collect(),
                            ),
                        )),
                        other => out.push((name, Item::Wraps(text(other)))),
                    }
                }
                syn::Item::Enum(e) => {
                    let exhaustive = !e.attrs.iter().any(|a| a.path().is_ident("non_exhaustive"));
                    let arms = e.variants.iter().map(|v| text(v)).collect();
                    out.push((e.ident.to_string(), Item::Enum(arms, !exhaustive)));
                }
                syn::Item::Type(t) => out.push((t.ident.to_string(), Item::Wraps(text(&t.ty)))),
                _ => {}
            }
        }
        out
    }

    /// What going from `before` to `after` does to code using the items.
    fn compare_items(before: &[(String, Item)], after: &[(String, Item)]) -> Effect {
        let mut effect = Effect::None;
        for (name, new) in after {
            if !before.iter().any(|(n, _)| n == name) {
                effect = effect.max(Effect::Additive);
            } else if let Some((_, old)) = before.iter().find(|(n, _)| n == name) {
                let change = match (old, new) {
                    (Item::Struct(a), Item::Struct(b)) => {
                        if a.iter().any(|f| !b.contains(f)) {
                            Effect::Breaking
                        } else if b.len() > a.len() {
                            Effect::Additive
                        } else {
                            Effect::None
                        }
                    }
                    (Item::Enum(a, _), Item::Enum(b, open)) => {
                        if a.iter().any(|arm| !b.contains(arm)) {
                            Effect::Breaking
                        } else if b.len() > a.len() {
                            // A new arm breaks every exhaustive match.
                            if *open {
                                Effect::Additive
                            } else {
                                Effect::Breaking
                            }
                        } else {
                            Effect::None
                        }
                    }
                    (a, b) if a == b => Effect::None,
                    _ => Effect::Breaking,
                };
                effect = effect.max(change);
            }
        }
        if before
            .iter()
            .any(|(n, _)| !after.iter().any(|(m, _)| m == n))
        {
            effect = Effect::Breaking;
        }
        effect
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
        for name in [
            "pixverse/videos.json",
            "memories/list-videos-request.json",
            "memories/list-videos-response.json",
            "minimax/videos.json",
            "hourone/metadata.json",
        ] {
            let v = load(&format!("tests/schema-cases/diff/{name}"));
            assert_eq!(diff(&v, &v).unwrap(), [], "{name}");
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
        let old = load("tests/schema-cases/diff/memories/list-videos-request.json");
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
        agrees_with_generator(&old, &flex, &found);
        let d = found.iter().find(|d| d.at == "(root).video_no").unwrap();
        expect(
            d,
            "(root).video_no",
            "type-widened",
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
        // The optional field stays an `Option`, which decodes null anyway.
        expect(
            &only(&old, &bare),
            "Video.queue_data",
            "made-non-nullable",
            Effect::None,
            Effect::None,
        );
        expect(
            &only(&bare, &old),
            "Video.queue_data",
            "made-nullable",
            Effect::None,
            Effect::None,
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
            Effect::None,
        );
        // An optional field losing null: still an `Option`, still decodes it.
        expect(
            &only(&null, &scalar),
            "(root).s",
            "made-non-nullable",
            Effect::None,
            Effect::None,
        );
        // A required field: `String` → `Option<String>` changes the API.
        let required = set(scalar.clone(), "", "required", json!(["s"]));
        let required_null = set(null.clone(), "", "required", json!(["s"]));
        let d = only(&required, &required_null);
        expect(
            &d,
            "(root).s",
            "made-nullable",
            Effect::Breaking,
            Effect::Additive,
        );
        assert!(d.detail.contains("String → Option<String>"), "{d}");
        expect(
            &only(&required_null, &required),
            "(root).s",
            "made-non-nullable",
            Effect::Breaking,
            Effect::Breaking,
        );
        // An array element losing null: `Vec<Option<String>>` → `Vec<String>`.
        let items = json!({"title": "T", "properties": {"l": {"type": "array", "items": {"type": ["string", "null"]}}}});
        let strict_items = set(
            items.clone(),
            "/properties/l/items",
            "type",
            json!("string"),
        );
        expect(
            &only(&items, &strict_items),
            "(root).l[]",
            "made-non-nullable",
            Effect::Breaking,
            Effect::Breaking,
        );
    }

    #[test]
    fn a_nullable_root_is_a_schema_error_with_its_path() {
        let old = json!({"title": "T", "type": "object", "properties": {"a": {"type": "string"}}});
        let new = set(old.clone(), "", "type", json!(["object", "null"]));
        let err = diff(&old, &new).unwrap_err();
        assert!(
            matches!(err, Problem::Malformed { ref at, .. } if at == "/type"),
            "{err}"
        );
        assert!(err.to_string().contains("at `/type`"), "{err}");
        // The generator refuses it too, naming the place, instead of
        // emitting two types called `T`.
        let Err(refused) = generated(&new) else {
            panic!("a nullable root generated");
        };
        assert!(refused.contains("#/type"), "{refused}");
        let spelled = json!({"title": "T", "anyOf": [{"type": "null"}, {"type": "object"}]});
        assert!(matches!(
            diff(&old, &spelled),
            Err(Problem::Malformed { .. })
        ));
    }

    #[test]
    fn flex_to_plain_narrows_decoding() {
        let old = json!({"title": "T", "properties": {"f": {"$ref": "#/definitions/FlexBool"}},
                         "definitions": {"FlexBool": Flex::Bool.definition()}});
        let new = set(old.clone(), "/properties", "f", json!({"type": "boolean"}));
        let new = remove(new, "", "definitions");
        let found = diff(&old, &new).unwrap();
        agrees_with_generator(&old, &new, &found);
        let d = found.iter().find(|d| d.at == "(root).f").unwrap();
        // FlexBool reads 1, "true", anything; `bool` fails on all of them.
        expect(
            d,
            "(root).f",
            "type-narrowed",
            Effect::Breaking,
            Effect::Breaking,
        );
        let back = diff(&new, &old).unwrap();
        agrees_with_generator(&new, &old, &back);
        let d = back.iter().find(|d| d.at == "(root).f").unwrap();
        expect(
            d,
            "(root).f",
            "type-widened",
            Effect::Breaking,
            Effect::Additive,
        );
    }

    #[test]
    fn an_object_replaced_by_anything_drops_structure() {
        let old = pixverse();
        let new = set(
            old.clone(),
            "/properties",
            "data",
            json!({"description": "d"}),
        );
        let d = only(&old, &new);
        expect(
            &d,
            "(root).data",
            "structure-dropped",
            Effect::Breaking,
            Effect::Additive,
        );
        let queue = set(
            old.clone(),
            "/definitions/Video/properties",
            "queue_data",
            json!({}),
        );
        expect(
            &only(&old, &queue),
            "Video.queue_data",
            "structure-dropped",
            Effect::Breaking,
            Effect::Additive,
        );
    }

    #[test]
    fn a_new_status_value_is_additive_because_status_enums_are_non_exhaustive() {
        // `known-value-added` is additive only because every hand-written
        // `Status` enum is `#[non_exhaustive]` (issue 18): code outside the
        // crate must have a wildcard arm, so a new arm breaks none of it.
        for file in [
            "src/minimax.rs",
            "src/pixverse.rs",
            "src/hourone.rs",
            "src/memories.rs",
        ] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
            let source = syn::parse_file(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let status = source
                .items
                .iter()
                .find_map(|i| match i {
                    syn::Item::Enum(e) if e.ident == "Status" => Some(e),
                    _ => None,
                })
                .unwrap_or_else(|| panic!("{file}: no Status enum"));
            assert!(
                status
                    .attrs
                    .iter()
                    .any(|a| a.path().is_ident("non_exhaustive")),
                "{file}: Status is not #[non_exhaustive], so `known-value-added` would be breaking"
            );
        }
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
        // typify names a definition after its key: no change for callers.
        expect(
            &only(&old, &nested),
            "QueueData",
            "title-changed",
            Effect::None,
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
        let meta = load("tests/schema-cases/diff/hourone/metadata.json");
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
                "tests/schema-cases/diff/pixverse/videos.json",
                "fixtures/pixverse/videos-drift.json",
            ),
            (
                "tests/schema-cases/diff/memories/list-videos-response.json",
                "fixtures/memories/list-videos-drift.json",
            ),
            (
                "tests/schema-cases/diff/minimax/videos.json",
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

//! Classifying the changes between two versions of a schema.

use std::collections::HashSet;
use std::fmt;

use serde_json::{Map, Value};

use self::rules::compact;
use super::node::{Node, classify, unwrap};
use super::{
    Flex, JSON_TYPES, Problem, check, declared_types, definition, inner_type, rust_type, type_list,
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

/// The shared classification ([`classify`]) as the diff reads it: a
/// nullable spelling is unwrapped once, by [`unwrap`], so one met again
/// inside it is not interpreted.
fn kind(node: &Value) -> Node<'_> {
    match classify(node) {
        Node::Nullable(..) => Node::Other,
        k => k,
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
        Node::Any => JSON_TYPES[1..].to_vec(),
        Node::Flex(flex) => wire(inner, flex),
        Node::Ref(name) => match definition(root, &name) {
            Some(def) if !matches!(kind(def), Node::Ref(_)) => accepted(def, root),
            _ => Vec::new(),
        },
        Node::Typed(map) => declared_types(map).0,
        Node::Other | Node::Nullable(..) => Vec::new(),
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
            Node::Ref(name) => match definition(root, &name) {
                Some(def) => node = unwrap(def).0,
                None => return false,
            },
            Node::Typed(map) => {
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
        Node::Any => "any JSON value".to_string(),
        Node::Flex(flex) => flex.name().to_string(),
        Node::Ref(name) => name,
        Node::Typed(map) => type_list(&declared_types(map).0),
        Node::Other | Node::Nullable(..) => "a schema this tool does not interpret".to_string(),
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
            (Node::Any, Node::Any) => {}
            (Node::Flex(a), Node::Flex(b)) if a == b => {
                self.wire_types(at, old_inner, new_inner, *a)
            }
            // Every `Flex*` type implements `wire::Tolerant` and decodes
            // every JSON value: code that reads the field through the trait
            // (the crate's accessors do) keeps compiling and decoding keeps
            // succeeding, so the widenings `schema update` writes are
            // additive, not breaking.
            (Node::Flex(a), Node::Flex(b)) if a.widens_to(*b) => {
                self.nullability(at, old, new);
                // Decoding as `type_change` judges it: by the JSON types
                // each side takes without counting them as drift.
                let before = accepted(old, self.old_root);
                let after = accepted(new, self.new_root);
                let decoding = if before.iter().all(|t| after.contains(t)) {
                    Effect::Additive
                } else {
                    Effect::Breaking
                };
                self.report(
                    at,
                    "type-widened",
                    Effect::Additive,
                    decoding,
                    format!(
                        "{} → {}: the field's Rust type changes; code reading it through `vidapi::wire::Tolerant` keeps compiling",
                        a.name(),
                        b.name()
                    ),
                );
            }
            (Node::Ref(a), Node::Ref(b)) => {
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
            (Node::Ref(_), Node::Any) | (Node::Any, Node::Ref(_)) => {
                self.type_change(at, old, new);
            }
            (Node::Ref(name), Node::Typed(_)) => {
                self.type_change(at, old, new);
                if let Some(def) = definition(self.old_root, name) {
                    if matches!(kind(def), Node::Typed(_)) {
                        self.node(at, def, new_inner);
                    }
                }
            }
            (Node::Typed(_), Node::Ref(name)) => {
                self.type_change(at, old, new);
                if let Some(def) = definition(self.new_root, name) {
                    if matches!(kind(def), Node::Typed(_)) {
                        self.node(at, old_inner, def);
                    }
                }
            }
            (Node::Typed(o), Node::Typed(n)) => {
                self.nullability(at, old, new);
                self.types(at, old, new);
                self.members(at, o, n);
            }
            (Node::Other, _) | (_, Node::Other) => {
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
        let old_flex = matches!(old_kind, Node::Flex(_));
        let new_flex = matches!(new_kind, Node::Flex(_));
        let (rule, decoding) = match (covers, narrower) {
            _ if matches!(new_kind, Node::Any) && structured(old, self.old_root) => {
                ("structure-dropped", Effect::Additive)
            }
            _ if old_flex && !new_flex && !matches!(new_kind, Node::Any) => {
                ("type-narrowed", Effect::Breaking)
            }
            _ if new_flex && !old_flex && !matches!(old_kind, Node::Any) => {
                ("type-widened", Effect::Additive)
            }
            (true, false)
                if matches!(old_kind, Node::Typed(_)) && matches!(new_kind, Node::Any) =>
            {
                ("type-widened", Effect::Additive)
            }
            (false, true)
                if matches!(old_kind, Node::Any) && matches!(new_kind, Node::Typed(_)) =>
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
}

mod rules;

#[cfg(test)]
mod tests;

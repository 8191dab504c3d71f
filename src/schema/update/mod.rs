//! Folding sample payloads into an existing schema.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde_json::{Map, Value};

use super::infer::Shape;
use super::node::{Node, classify, closed, resolve};
use super::{
    Flex, Problem, SamplePath, check, child, declared_types, ensure_flex_definition, json_type,
    number_text, ordered_types, ref_to, rust_type, same_known_value, type_list,
};

/// One change [`update`] made to a schema.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// Where the samples showed it, as a sample path such as
    /// `data[].camera_model` (`""` is the sample's root).
    pub at: String,
    /// JSON pointer of the changed node in the schema file.
    pub pointer: String,
    /// What changed.
    pub kind: ChangeKind,
    /// The Rust type typify generates for the node after the change (see
    /// [`rust_type`]).
    pub rust_type: String,
}

/// What [`update`] did to one schema node.
#[derive(Debug, Clone, PartialEq)]
pub enum ChangeKind {
    /// A property the samples have and the schema lacked, added at the end
    /// of `properties`, typed by the [`infer`](super::infer) rules.
    AddedProperty {
        /// The JSON types seen, such as `string` or `integer or string`.
        json_type: String,
    },
    /// The declared type could not read a sample faithfully, so the node was
    /// moved to a wider one: another `Flex*` definition (`from`/`to` name
    /// definitions or JSON types) or `to` = `any JSON value` when an object
    /// or array met a scalar. The Rust type changes: breaking for callers.
    WidenedType {
        /// The type before.
        from: String,
        /// The type after.
        to: String,
    },
    /// A `Flex*` leaf reads the new JSON type faithfully; it was added to the
    /// leaf's `x-wire-types` so it no longer counts as drift.
    AddedWireType {
        /// The JSON type added.
        json_type: String,
    },
    /// `null` was seen where the schema did not allow it; `"null"` was added
    /// to the node's `type`.
    MadeNullable,
    /// A status value outside `x-known-values`, appended to it.
    AddedKnownValue {
        /// The value as the sample had it.
        value: Value,
    },
}

impl Change {
    /// Whether the change alters the generated Rust API in a way callers
    /// must adapt to.
    pub fn is_breaking(&self) -> bool {
        match &self.kind {
            // Between two `Flex*` types the accessors' trait keeps callers
            // compiling (see `Flex::widens_to`); anything else changes the
            // Rust type under them.
            ChangeKind::WidenedType { from, to } => !matches!(
                (Flex::from_name(from), Flex::from_name(to)),
                (Some(a), Some(b)) if a.widens_to(b)
            ),
            // typify writes a non-nullable optional array as a bare `Vec`.
            ChangeKind::MadeNullable => self.rust_type.starts_with("Option<Vec<"),
            _ => false,
        }
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = SamplePath(&self.at);
        let rust = &self.rust_type;
        match &self.kind {
            ChangeKind::AddedProperty { json_type } => {
                write!(f, "{at}: new property ({json_type}) → {rust}")
            }
            ChangeKind::WidenedType { from, to } if to == ANY => write!(
                f,
                "{at}: {from} → any JSON value, because a sample has another shape (breaking: the Rust type changes) → {rust}"
            ),
            ChangeKind::WidenedType { from, to } if !self.is_breaking() => write!(
                f,
                "{at}: {from} → {to}, because {from} cannot read a sample (read it through `wire::Tolerant`) → {rust}"
            ),
            ChangeKind::WidenedType { from, to } => write!(
                f,
                "{at}: {from} → {to}, because {from} cannot read a sample (breaking: the Rust type changes) → {rust}"
            ),
            ChangeKind::AddedWireType { json_type } => {
                write!(
                    f,
                    "{at}: also arrives as {json_type} (added to x-wire-types) → {rust}"
                )
            }
            ChangeKind::MadeNullable if self.is_breaking() => {
                write!(
                    f,
                    "{at}: may be null (breaking: the Rust type changes) → {rust}"
                )
            }
            ChangeKind::MadeNullable => write!(f, "{at}: may be null → {rust}"),
            ChangeKind::AddedKnownValue { value } => write!(
                f,
                "{at}: new value {value} added to x-known-values: the provider's `Status` enum needs a new arm → {rust}"
            ),
        }
    }
}

/// `WidenedType::to` when a node accepts any JSON value.
const ANY: &str = "any JSON value";

/// Folds `samples` into `schema` in place and lists what changed.
///
/// Each sample is walked alongside the schema, following `$ref` into
/// `definitions` at any depth (a definition used at several places is
/// patched once, from everything seen at all of them):
///
/// - properties the schema lacks are added at the end of `properties`, typed
///   by the [`infer`](super::infer) rules from every occurrence;
/// - a `Flex*` leaf that still reads a new JSON type faithfully gets it in
///   `x-wire-types`; one that cannot moves to the `Flex*` definition that
///   can (`FlexInt` → `FlexNumber` → `FlexText`, `FlexBool` → `FlexInt` or
///   `FlexText`);
/// - a plain `type: "string"` (etc.) contradicted by another scalar becomes
///   the `Flex*` leaf that covers both, with `x-wire-types`;
/// - `null` where the schema does not allow it adds `"null"` to `type` (a
///   property that refers to a definition already reads `null` as absent);
/// - an object or array where a scalar is declared, or the other way round,
///   drops the typing (the node keeps its description and accepts anything);
/// - a value outside a node's `x-known-values` is appended to it.
///
/// Titles, descriptions and key order are kept; nothing else is added. A
/// second run with the same samples changes nothing. On `Err` the schema is
/// left as it was.
pub fn update(schema: &mut Value, samples: &[Value]) -> Result<Vec<Change>, Problem> {
    check(schema)?;
    // A root cannot be nullable (see `check`): a `null` sample is not a
    // payload of this schema.
    if samples.iter().any(Value::is_null) && matches!(category(schema), Node::Typed(_)) {
        return Err(Problem::WrongRoot(format!(
            "the schema declares {}, a sample is null (a root cannot be nullable)",
            describe(schema)
        )));
    }
    let original: &Value = schema;
    let mut walk = Walk {
        root: original,
        sites: Vec::new(),
        index: HashMap::new(),
    };
    for sample in samples {
        walk.visit("", original, sample, "");
    }
    let actions = walk.decide();
    if let Some((_, at, Action::Drop { from })) = actions.iter().find(|(p, _, _)| p.is_empty()) {
        return Err(Problem::WrongRoot(format!(
            "the schema declares {from}, a sample at {} is something else",
            SamplePath(at)
        )));
    }
    let mut work = original.clone();
    let mut changes = Vec::new();
    for action in actions {
        apply::apply(&mut work, action, &mut changes)?;
    }
    for change in &mut changes {
        if let Some(node) = work.pointer(&change.pointer) {
            change.rust_type = rust_type(node, &work);
        }
    }
    if super::is_request(&work) {
        if let Some(at) = super::request::tolerant_reference(&work) {
            return Err(Problem::Malformed {
                at,
                what: "a sample contradicts a request field's type, and a request schema takes \
                       exact JSON Schema types, never the tolerant Flex ones: change the type by hand"
                    .to_string(),
            });
        }
    }
    check(&work)?;
    *schema = work;
    Ok(changes)
}

/// Everything seen at one schema node.
#[derive(Debug, Default)]
struct Site {
    /// Sample path of the first value seen here.
    at: String,
    null: bool,
    object: bool,
    array: bool,
    /// Distinct scalar values, in first-seen order.
    scalars: Vec<Value>,
    scalar_keys: HashSet<String>,
    /// Members the schema does not declare (for object nodes).
    new_props: Vec<(String, Shape, String)>,
    new_index: HashMap<String, usize>,
}

impl Site {
    fn note(&mut self, v: &Value) {
        match v {
            Value::Null => self.null = true,
            Value::Object(_) => self.object = true,
            Value::Array(_) => self.array = true,
            scalar => {
                // Keyed by JSON text so `1` and `1.0` stay apart: they are
                // different JSON types.
                if self.scalar_keys.insert(scalar.to_string()) {
                    self.scalars.push(scalar.clone());
                }
            }
        }
    }

    fn new_prop(&mut self, name: &str, v: &Value, at: &str) {
        let i = match self.new_index.get(name) {
            Some(i) => *i,
            None => {
                self.new_props
                    .push((name.to_string(), Shape::default(), at.to_string()));
                self.new_index
                    .insert(name.to_string(), self.new_props.len() - 1);
                self.new_props.len() - 1
            }
        };
        self.new_props[i].1.add(v);
    }

    /// Every non-null value kind seen, with stand-ins for objects and arrays.
    fn values(&self) -> Vec<Value> {
        let mut out = self.scalars.clone();
        if self.object {
            out.push(Value::Object(Map::new()));
        }
        if self.array {
            out.push(Value::Array(Vec::new()));
        }
        out
    }

    fn types(&self) -> Vec<&'static str> {
        let mut types: Vec<&'static str> = Vec::new();
        for v in self.values() {
            let t = json_type(&v);
            if !types.contains(&t) {
                types.push(t);
            }
        }
        types
    }
}

/// The shared classification ([`classify`]) as update reads it: a closed
/// `enum` or a `const` is not rewritten.
fn category(node: &Value) -> Node<'_> {
    match classify(node) {
        Node::Any | Node::Typed(_) if closed(node) => Node::Other,
        k => k,
    }
}

/// What a node accepts, after following references and nullable spellings.
#[derive(Debug, Default)]
struct Kinds {
    any: bool,
    object: bool,
    array: bool,
    scalars: Vec<&'static str>,
    null: bool,
}

impl Kinds {
    fn accepts_scalar(&self, t: &str) -> bool {
        self.any
            || self.scalars.contains(&t)
            || (t == "integer" && self.scalars.contains(&"number"))
    }
}

fn kinds(root: &Value, node: &Value) -> Kinds {
    let mut kinds = Kinds {
        null: matches!(category(node), Node::Nullable(..)),
        ..Kinds::default()
    };
    let Some((_, target)) = resolve(root, "", node) else {
        kinds.any = true;
        return kinds;
    };
    match (category(target), target.as_object()) {
        (Node::Typed(_), Some(map)) => {
            let (types, nullable) = declared_types(map);
            kinds.null |= nullable;
            for t in types {
                match t {
                    "object" => kinds.object = true,
                    "array" => kinds.array = true,
                    scalar => kinds.scalars.push(scalar),
                }
            }
        }
        (Node::Flex(_), _) => {
            kinds.scalars = vec!["boolean", "integer", "number", "string"];
            kinds.null = true;
        }
        // Nodes this module does not rewrite are trusted as they are.
        _ => kinds.any = true,
    }
    kinds
}

struct Walk<'a> {
    root: &'a Value,
    sites: Vec<(String, Site)>,
    index: HashMap<String, usize>,
}

/// One edit to make, decided from everything seen.
#[derive(Debug)]
enum Action {
    Drop {
        from: String,
    },
    ToFlex {
        flex: Flex,
        wire: Vec<&'static str>,
        from: String,
    },
    AddWire {
        wire: Vec<&'static str>,
        added: Vec<&'static str>,
    },
    Nullable,
    Known {
        values: Vec<Value>,
    },
    AddProps {
        props: Vec<(String, Shape, String)>,
    },
}

impl<'a> Walk<'a> {
    fn site(&mut self, ptr: &str, at: &str) -> &mut Site {
        let i = match self.index.get(ptr) {
            Some(i) => *i,
            None => {
                let site = Site {
                    at: at.to_string(),
                    ..Site::default()
                };
                self.sites.push((ptr.to_string(), site));
                self.index.insert(ptr.to_string(), self.sites.len() - 1);
                self.sites.len() - 1
            }
        };
        &mut self.sites[i].1
    }

    fn visit(&mut self, ptr: &str, node: &'a Value, v: &Value, at: &str) {
        self.site(ptr, at).note(v);
        if !matches!(
            category(node),
            Node::Ref(_) | Node::Nullable(..) | Node::Typed(_)
        ) {
            return;
        }
        let root = self.root;
        let Some((target_ptr, target)) = resolve(root, ptr, node) else {
            return;
        };
        let k = kinds(root, target);
        match v {
            Value::Object(members) if k.object => {
                let props = target.get("properties").and_then(Value::as_object);
                // An explicit `additionalProperties` schema keeps unknown
                // members on purpose (typify's `extra` map): nothing to add.
                let open = matches!(
                    target.get("additionalProperties"),
                    Some(Value::Object(_) | Value::Bool(true))
                );
                for (name, member) in members {
                    let member_at = if at.is_empty() {
                        name.clone()
                    } else {
                        format!("{at}.{name}")
                    };
                    match props.and_then(|p| p.get(name)) {
                        Some(prop) => {
                            let prop_ptr = child(&child(&target_ptr, "properties"), name);
                            self.visit(&prop_ptr, prop, member, &member_at);
                        }
                        None if open => {}
                        None => self
                            .site(&target_ptr, at)
                            .new_prop(name, member, &member_at),
                    }
                }
            }
            Value::Array(items) if k.array => {
                if let Some(item_schema @ (Value::Object(_) | Value::Bool(_))) = target.get("items")
                {
                    let item_ptr = child(&target_ptr, "items");
                    let item_at = format!("{at}[]");
                    for item in items {
                        self.visit(&item_ptr, item_schema, item, &item_at);
                    }
                }
            }
            _ => {}
        }
    }

    fn decide(self) -> Vec<(String, String, Action)> {
        let root = self.root;
        let mut actions = Vec::new();
        for (ptr, site) in self.sites {
            let Some(node) = root.pointer(&ptr) else {
                continue;
            };
            let mut push = |action| actions.push((ptr.clone(), site.at.clone(), action));
            let mut dropped = false;
            let mut flexed = false;
            match category(node) {
                Node::Flex(flex) => {
                    if let Some(action) = flex_action(flex, node, &site) {
                        dropped = matches!(action, Action::Drop { .. });
                        push(action);
                    }
                }
                Node::Ref(_) | Node::Nullable(..) | Node::Typed(_) => {
                    let k = kinds(root, node);
                    let structural = !k.any
                        && ((site.object && !k.object)
                            || (site.array && !k.array)
                            || (!site.scalars.is_empty() && k.scalars.is_empty()));
                    let contradicted =
                        !k.any && site.scalars.iter().any(|v| !k.accepts_scalar(json_type(v)));
                    let plain_scalar = matches!(category(node), Node::Typed(_))
                        && !k.object
                        && !k.array
                        && !k.scalars.is_empty();
                    if structural || (contradicted && !plain_scalar) {
                        dropped = true;
                        push(Action::Drop {
                            from: describe(node),
                        });
                    } else if contradicted {
                        flexed = true;
                        push(plain_to_flex(&k.scalars, &site, describe(node)));
                    }
                    if !dropped && !flexed && site.null && !k.null && !k.any {
                        match category(node) {
                            Node::Typed(_) => push(Action::Nullable),
                            // A property that refers to a definition is an
                            // `Option` already; an array element is not.
                            Node::Ref(name) if ptr.ends_with("/items") => {
                                let def_ptr = child("/definitions", &name);
                                actions.push((def_ptr, site.at.clone(), Action::Nullable));
                            }
                            _ => {}
                        }
                    }
                }
                Node::Any | Node::Other => {}
            }
            if let Some(Value::Array(known)) = node.get("x-known-values") {
                let mut values: Vec<Value> = Vec::new();
                for v in &site.scalars {
                    let is_known = known.iter().chain(&values).any(|k| same_known_value(k, v));
                    if !is_known {
                        values.push(v.clone());
                    }
                }
                if !values.is_empty() {
                    actions.push((ptr.clone(), site.at.clone(), Action::Known { values }));
                }
            }
            if !dropped && !site.new_props.is_empty() {
                actions.push((
                    ptr.clone(),
                    site.at.clone(),
                    Action::AddProps {
                        props: site.new_props,
                    },
                ));
            }
        }
        // A node whose typing is dropped takes everything below it along.
        let drops: Vec<String> = actions
            .iter()
            .filter(|(_, _, a)| matches!(a, Action::Drop { .. }))
            .map(|(p, _, _)| format!("{p}/"))
            .collect();
        actions.retain(|(p, _, _)| !drops.iter().any(|d| p.starts_with(d.as_str())));
        actions
    }
}

/// What a node declared, for messages: a definition name or JSON types.
fn describe(node: &Value) -> String {
    match category(node) {
        Node::Flex(flex) => flex.name().to_string(),
        Node::Ref(name) => name,
        Node::Nullable(branch, ..) => format!("{} or null", describe(branch)),
        _ => match node.as_object() {
            Some(map) => {
                let (types, nullable) = declared_types(map);
                let mut all = types;
                if nullable {
                    all.push("null");
                }
                type_list(&all)
            }
            None => "nothing".to_string(),
        },
    }
}

/// The tolerant definition to move to when `from` cannot read `v`.
/// `None`: nothing but "any JSON value" will do.
fn escalate(from: Flex, v: &Value) -> Option<Flex> {
    if matches!(v, Value::Object(_) | Value::Array(_)) {
        return (from == Flex::Text).then_some(Flex::Text);
    }
    match from {
        Flex::Bool if v.is_number() => Some(Flex::Int),
        Flex::Int if v.is_number() => Some(Flex::Number),
        Flex::Int if v.as_str().is_some_and(number_text) => Some(Flex::Number),
        Flex::NullableText => Some(Flex::NullableText),
        _ => Some(Flex::Text),
    }
}

/// The narrowest tolerant definition, starting at `start`, that reads every
/// value; values of a type in `declared` count as read while the definition
/// is still `start`.
fn settle(start: Flex, declared: &[&str], values: &[Value]) -> Option<Flex> {
    let mut target = start;
    loop {
        let mut moved = false;
        for v in values {
            let ok = (target == start && declared.contains(&json_type(v))) || target.reads(v);
            if !ok {
                target = escalate(target, v)?;
                moved = true;
            }
        }
        if !moved {
            return Some(target);
        }
    }
}

fn wire_types(node: &Value) -> Option<Vec<&'static str>> {
    let list = node.get("x-wire-types")?.as_array()?;
    Some(
        list.iter()
            .filter_map(Value::as_str)
            .filter_map(|t| super::JSON_TYPES.iter().find(|k| **k == t).copied())
            .collect(),
    )
}

/// Whether a wire-type list admits `json_type`: `number` covers the
/// integers, as in JSON Schema and in the drift check.
fn covers(declared: &[&str], json_type: &str) -> bool {
    declared.contains(&json_type) || (json_type == "integer" && declared.contains(&"number"))
}

fn flex_action(flex: Flex, node: &Value, site: &Site) -> Option<Action> {
    let declared = wire_types(node).unwrap_or_else(|| flex.default_wire_types().to_vec());
    let values = site.values();
    match settle(flex, &declared, &values) {
        None => Some(Action::Drop {
            from: flex.name().to_string(),
        }),
        Some(target) if target == flex => {
            let added: Vec<&'static str> = super::JSON_TYPES
                .into_iter()
                .filter(|t| site.types().contains(t) && !covers(&declared, t))
                .collect();
            if added.is_empty() {
                return None;
            }
            let mut wire = declared.clone();
            wire.extend(&added);
            Some(Action::AddWire { wire, added })
        }
        Some(target) => {
            // The moved leaf keeps accepting what the old one did, so the
            // move widens decoding and never narrows it.
            let mut seen = site.types();
            seen.extend(declared);
            Some(Action::ToFlex {
                flex: target,
                wire: ordered_types(target.default_wire_types(), &seen),
                from: flex.name().to_string(),
            })
        }
    }
}

/// A plain scalar type contradicted by another scalar: the tolerant leaf
/// that reads both the declared types and everything seen.
fn plain_to_flex(declared: &[&'static str], site: &Site, from: String) -> Action {
    let start = match declared {
        ["integer"] => Flex::Int,
        ["number"] | ["number", "integer"] | ["integer", "number"] => Flex::Number,
        ["boolean"] => Flex::Bool,
        _ => Flex::Text,
    };
    // Stand-ins for what the declaration promised, so the new leaf reads
    // those too.
    let mut values: Vec<Value> = declared
        .iter()
        .map(|t| match *t {
            "boolean" => Value::Bool(true),
            "integer" => Value::from(2),
            "number" => Value::from(2.5),
            _ => Value::from("text"),
        })
        .collect();
    values.extend(site.values());
    let flex = settle(start, &[], &values).unwrap_or(Flex::Text);
    let mut seen = declared.to_vec();
    seen.extend(site.types());
    Action::ToFlex {
        flex,
        wire: ordered_types(flex.default_wire_types(), &seen),
        from,
    }
}

mod apply;

#[cfg(test)]
mod tests;

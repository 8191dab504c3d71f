//! Folding sample payloads into an existing schema.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde_json::{Map, Value};

use super::infer::Shape;
use super::{
    Flex, Problem, SamplePath, check, child, declared_types, definition, ensure_flex_definition,
    json_type, nullable_branch, number_text, ordered_types, ref_name, ref_to, rust_type,
    same_known_value, type_list,
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
        match self.kind {
            ChangeKind::WidenedType { .. } => true,
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
    if samples.iter().any(Value::is_null) && matches!(category(schema), Cat::Typed) {
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
        apply(&mut work, action, &mut changes)?;
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

/// How a schema node treats values.
enum Cat<'a> {
    /// No typing keywords: anything goes.
    Any,
    /// A `$ref` to a tolerant definition.
    Flex(Flex),
    /// A `$ref` to another definition.
    Ref(String),
    /// `anyOf`/`oneOf` of one schema and `{"type": "null"}`, with the
    /// branch's index.
    Nullable(&'a Value, &'static str, usize),
    /// Plain `type` / `properties` / `items`.
    Typed,
    /// Something this module does not rewrite (`allOf`, other `anyOf`, a
    /// closed `enum`, `false`).
    Other,
}

fn category(node: &Value) -> Cat<'_> {
    let map = match node {
        Value::Bool(true) => return Cat::Any,
        Value::Object(map) => map,
        _ => return Cat::Other,
    };
    if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
        return match ref_name(reference) {
            Some(name) => match Flex::from_name(&name) {
                Some(flex) => Cat::Flex(flex),
                None => Cat::Ref(name),
            },
            None => Cat::Other,
        };
    }
    if let Some((branch, key)) = nullable_branch(node) {
        let index = map[key]
            .as_array()
            .and_then(|l| l.iter().position(|b| std::ptr::eq(b, branch)))
            .unwrap_or(0);
        return Cat::Nullable(branch, key, index);
    }
    if ["anyOf", "oneOf", "allOf", "not", "enum", "const"]
        .iter()
        .any(|k| map.contains_key(*k))
    {
        return Cat::Other;
    }
    let (types, nullable) = declared_types(map);
    if types.is_empty() && !nullable {
        Cat::Any
    } else {
        Cat::Typed
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

/// Follows `$ref`s and nullable spellings from `node` (at `ptr`) to the node
/// that carries the typing. `None` for reference loops.
fn resolve<'a>(root: &'a Value, ptr: &str, node: &'a Value) -> Option<(String, &'a Value)> {
    let mut ptr = ptr.to_string();
    let mut node = node;
    for _ in 0..32 {
        match category(node) {
            Cat::Ref(name) => {
                node = definition(root, &name)?;
                ptr = child("/definitions", &name);
            }
            Cat::Nullable(branch, key, index) => {
                ptr = child(&child(&ptr, key), &index.to_string());
                node = branch;
            }
            _ => return Some((ptr, node)),
        }
    }
    None
}

fn kinds(root: &Value, node: &Value) -> Kinds {
    let mut kinds = Kinds {
        null: matches!(category(node), Cat::Nullable(..)),
        ..Kinds::default()
    };
    let Some((_, target)) = resolve(root, "", node) else {
        kinds.any = true;
        return kinds;
    };
    match (category(target), target.as_object()) {
        (Cat::Typed, Some(map)) => {
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
        (Cat::Flex(_), _) => {
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
        if !matches!(category(node), Cat::Ref(_) | Cat::Nullable(..) | Cat::Typed) {
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
                Cat::Flex(flex) => {
                    if let Some(action) = flex_action(flex, node, &site) {
                        dropped = matches!(action, Action::Drop { .. });
                        push(action);
                    }
                }
                Cat::Ref(_) | Cat::Nullable(..) | Cat::Typed => {
                    let k = kinds(root, node);
                    let structural = !k.any
                        && ((site.object && !k.object)
                            || (site.array && !k.array)
                            || (!site.scalars.is_empty() && k.scalars.is_empty()));
                    let contradicted =
                        !k.any && site.scalars.iter().any(|v| !k.accepts_scalar(json_type(v)));
                    let plain_scalar = matches!(category(node), Cat::Typed)
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
                            Cat::Typed => push(Action::Nullable),
                            // A property that refers to a definition is an
                            // `Option` already; an array element is not.
                            Cat::Ref(name) if ptr.ends_with("/items") => {
                                let def_ptr = child("/definitions", &name);
                                actions.push((def_ptr, site.at.clone(), Action::Nullable));
                            }
                            _ => {}
                        }
                    }
                }
                Cat::Any | Cat::Other => {}
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
        Cat::Flex(flex) => flex.name().to_string(),
        Cat::Ref(name) => name,
        Cat::Nullable(branch, ..) => format!("{} or null", describe(branch)),
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

fn node_mut<'v>(work: &'v mut Value, ptr: &str) -> Result<&'v mut Map<String, Value>, Problem> {
    work.pointer_mut(ptr)
        .and_then(Value::as_object_mut)
        .ok_or_else(|| Problem::Malformed {
            at: ptr.to_string(),
            what: "expected a schema object here".to_string(),
        })
}

/// Rebuilds `map` keeping the members `keep` accepts, in order (removing
/// from a `preserve_order` map would reorder it).
fn retain_in_order(map: &mut Map<String, Value>, keep: impl Fn(&str) -> bool) {
    let old = std::mem::take(map);
    for (k, v) in old {
        if keep(&k) {
            map.insert(k, v);
        }
    }
}

/// Inserts `key` right after `after` (or at the end), keeping the order.
fn insert_after(map: &mut Map<String, Value>, after: &[&str], key: &str, value: Value) {
    let anchor = map
        .keys()
        .rposition(|k| after.contains(&k.as_str()))
        .map(|i| i + 1);
    let Some(index) = anchor.filter(|i| *i < map.len()) else {
        map.insert(key.to_string(), value);
        return;
    };
    let old = std::mem::take(map);
    for (i, (k, v)) in old.into_iter().enumerate() {
        if i == index {
            map.insert(key.to_string(), value.clone());
        }
        map.insert(k, v);
    }
}

/// Keywords that type a leaf, dropped when it becomes a `Flex*` reference.
const SCALAR_TYPING: [&str; 13] = [
    "$ref",
    "type",
    "format",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "pattern",
    "minLength",
    "maxLength",
    "enum",
    "x-wire-types",
];

fn apply(
    work: &mut Value,
    (ptr, at, action): (String, String, Action),
    changes: &mut Vec<Change>,
) -> Result<(), Problem> {
    let change = |pointer: &str, at: &str, kind| Change {
        at: at.to_string(),
        pointer: pointer.to_string(),
        kind,
        rust_type: String::new(),
    };
    match action {
        Action::Drop { from } => {
            let node = node_mut(work, &ptr)?;
            retain_in_order(node, |k| {
                matches!(k, "description" | "$comment" | "x-known-values")
            });
            changes.push(change(
                &ptr,
                &at,
                ChangeKind::WidenedType {
                    from,
                    to: ANY.to_string(),
                },
            ));
        }
        Action::ToFlex { flex, wire, from } => {
            ensure_flex_definition(work, flex);
            let node = node_mut(work, &ptr)?;
            let old = std::mem::take(node);
            node.insert("$ref".to_string(), Value::from(ref_to(flex.name())));
            for (k, v) in old {
                if !SCALAR_TYPING.contains(&k.as_str()) {
                    node.insert(k, v);
                }
            }
            if wire != flex.default_wire_types() {
                node.insert("x-wire-types".to_string(), Value::from(wire));
            }
            changes.push(change(
                &ptr,
                &at,
                ChangeKind::WidenedType {
                    from,
                    to: flex.name().to_string(),
                },
            ));
        }
        Action::AddWire { wire, added } => {
            let node = node_mut(work, &ptr)?;
            node.insert("x-wire-types".to_string(), Value::from(wire));
            for t in added {
                changes.push(change(
                    &ptr,
                    &at,
                    ChangeKind::AddedWireType {
                        json_type: t.to_string(),
                    },
                ));
            }
        }
        Action::Nullable => {
            let node = node_mut(work, &ptr)?;
            let (types, nullable) = declared_types(node);
            if nullable {
                // Another site already made this definition nullable.
                return Ok(());
            }
            match node.get_mut("type") {
                Some(Value::String(t)) => {
                    let t = std::mem::take(t);
                    node["type"] = Value::from(vec![t, "null".to_string()]);
                }
                Some(Value::Array(list)) => list.push(Value::from("null")),
                _ => {
                    let mut list: Vec<&str> = types;
                    list.push("null");
                    insert_after(
                        node,
                        &["$schema", "title", "description"],
                        "type",
                        Value::from(list),
                    );
                }
            }
            changes.push(change(&ptr, &at, ChangeKind::MadeNullable));
        }
        Action::Known { values } => {
            let node = node_mut(work, &ptr)?;
            if let Some(Value::Array(known)) = node.get_mut("x-known-values") {
                known.extend(values.iter().cloned());
            }
            for value in values {
                changes.push(change(&ptr, &at, ChangeKind::AddedKnownValue { value }));
            }
        }
        Action::AddProps { props } => {
            // A request is written by this client: its new fields get exact
            // JSON Schema types, never the tolerant `Flex*` reading types.
            let request = super::is_request(work);
            let mut used = Vec::new();
            let mut added = Vec::new();
            {
                let node = node_mut(work, &ptr)?;
                if !node.contains_key("properties") {
                    insert_after(
                        node,
                        &["$schema", "title", "description", "type"],
                        "properties",
                        Value::Object(Map::new()),
                    );
                }
                let Some(Value::Object(properties)) = node.get_mut("properties") else {
                    return Err(Problem::Malformed {
                        at: child(&ptr, "properties"),
                        what: "`properties` must be an object".to_string(),
                    });
                };
                for (name, shape, prop_at) in props {
                    let typed = if request {
                        super::request::property(&shape)
                    } else {
                        shape.property(&mut used)
                    };
                    properties.insert(name.clone(), typed);
                    added.push((name, shape.summary(), prop_at));
                }
            }
            for flex in used {
                ensure_flex_definition(work, flex);
            }
            let props_ptr = child(&ptr, "properties");
            for (name, json_type, prop_at) in added {
                changes.push(change(
                    &child(&props_ptr, &name),
                    &prop_at,
                    ChangeKind::AddedProperty { json_type },
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::infer::SEEN;
    use crate::schema::tests::load;
    use crate::schema::to_file_text;
    use serde_json::json;

    /// Pairs each fixture with the schema its endpoint answers with.
    const PAIRS: [(&str, &str); 17] = [
        (
            "schemas/pixverse/videos.json",
            "fixtures/pixverse/videos.json",
        ),
        (
            "schemas/pixverse/videos.json",
            "fixtures/pixverse/videos-drift.json",
        ),
        (
            "schemas/pixverse/videos.json",
            "fixtures/pixverse/videos-nulls.json",
        ),
        (
            "schemas/pixverse/videos.json",
            "fixtures/pixverse/videos-empty.json",
        ),
        (
            "schemas/pixverse/videos.json",
            "fixtures/pixverse/videos-data-null.json",
        ),
        (
            "schemas/minimax/videos.json",
            "fixtures/minimax/videos.json",
        ),
        (
            "schemas/minimax/videos.json",
            "fixtures/minimax/videos-drift.json",
        ),
        (
            "schemas/minimax/videos.json",
            "fixtures/minimax/videos-nulls.json",
        ),
        ("schemas/minimax/files.json", "fixtures/minimax/files.json"),
        (
            "schemas/minimax/files.json",
            "fixtures/minimax/files-drift.json",
        ),
        (
            "schemas/memories/list-videos-response.json",
            "fixtures/memories/list-videos.json",
        ),
        (
            "schemas/memories/list-videos-response.json",
            "fixtures/memories/list-videos-drift.json",
        ),
        (
            "schemas/memories/list-videos-response.json",
            "fixtures/memories/list-videos-nulls.json",
        ),
        (
            "schemas/memories/list-videos-response.json",
            "fixtures/memories/list-videos-newer.json",
        ),
        (
            "schemas/hourone/video.json",
            "fixtures/hourone/video-drift.json",
        ),
        (
            "schemas/hourone/metadata.json",
            "fixtures/hourone/metadata-drift.json",
        ),
        (
            "schemas/useapi/error.json",
            "fixtures/useapi/error-drift.json",
        ),
    ];

    fn lines(changes: &[Change]) -> Vec<String> {
        changes.iter().map(ToString::to_string).collect()
    }

    fn run(schema: &mut Value, samples: &[Value]) -> Vec<Change> {
        let changes = update(schema, samples).unwrap();
        assert_eq!(check(schema), Ok(()));
        // Every change points at a node of the updated file.
        for c in &changes {
            assert!(schema.pointer(&c.pointer).is_some(), "{c:?}");
        }
        let again = update(schema, samples).unwrap();
        assert!(again.is_empty(), "second run changed {:#?}", lines(&again));
        changes
    }

    fn leaf_schema(leaf: Value) -> Value {
        json!({
            "$schema": "http://json-schema.org/draft-07/schema#",
            "title": "T",
            "description": "d",
            "type": "object",
            "properties": {"f": leaf},
            "definitions": {
                "FlexText": Flex::Text.definition(),
                "FlexInt": Flex::Int.definition(),
                "FlexNumber": Flex::Number.definition(),
                "FlexBool": Flex::Bool.definition(),
                "NullableText": Flex::NullableText.definition()
            }
        })
    }

    fn flex_leaf(flex: &str) -> Value {
        json!({"$ref": format!("#/definitions/{flex}"), "description": "doc"})
    }

    /// Runs one leaf against values of `f`; the leaf after and the changes.
    fn on_leaf(leaf: Value, values: &[Value]) -> (Value, Vec<Change>) {
        let mut schema = leaf_schema(leaf);
        let samples: Vec<Value> = values.iter().map(|v| json!({"f": v})).collect();
        let changes = run(&mut schema, &samples);
        (schema["properties"]["f"].clone(), changes)
    }

    #[test]
    fn documented_samples_change_nothing_but_wire_types() {
        for (schema_file, fixture, untouched) in [
            (
                "schemas/pixverse/videos.json",
                "fixtures/pixverse/videos.json",
                false,
            ),
            (
                "schemas/minimax/videos.json",
                "fixtures/minimax/videos.json",
                true,
            ),
            (
                "schemas/minimax/files.json",
                "fixtures/minimax/files.json",
                true,
            ),
            (
                "schemas/memories/list-videos-response.json",
                "fixtures/memories/list-videos.json",
                false,
            ),
            (
                "schemas/hourone/video.json",
                "fixtures/hourone/video.json",
                true,
            ),
            (
                "schemas/useapi/error.json",
                "fixtures/useapi/error-400.json",
                true,
            ),
        ] {
            let mut schema = load(schema_file);
            let before = to_file_text(&schema);
            let changes = update(&mut schema, &[load(fixture)]).unwrap();
            // The files predate `x-wire-types`: a documented sample that sends
            // an id as a number is drift they did not record yet.
            assert!(
                changes
                    .iter()
                    .all(|c| matches!(c.kind, ChangeKind::AddedWireType { .. })),
                "{fixture}: {:#?}",
                lines(&changes)
            );
            if untouched {
                assert!(changes.is_empty(), "{fixture}: {:#?}", lines(&changes));
                assert_eq!(to_file_text(&schema), before, "{fixture}");
            }
        }
    }

    #[test]
    fn every_fixture_folds_in_and_a_second_run_changes_nothing() {
        for (schema_file, fixture) in PAIRS {
            let mut schema = load(schema_file);
            let before = schema.clone();
            let changes = run(&mut schema, &[load(fixture)]);
            // Titles and descriptions that were there are still there.
            for key in ["title", "description", "$schema"] {
                assert_eq!(schema[key], before[key], "{fixture}");
            }
            for c in &changes {
                eprintln!("{fixture}: {c}");
            }
        }
    }

    #[test]
    fn pixverse_drift() {
        let mut schema = load("schemas/pixverse/videos.json");
        let changes = run(&mut schema, &[load("fixtures/pixverse/videos-drift.json")]);
        let text = lines(&changes);
        assert!(
            text.contains(&"data[].upscaled: also arrives as string (added to x-wire-types) → Option<vidapi::wire::FlexInt>".to_string()),
            "{text:#?}"
        );
        assert!(
            text.contains(&"data[].video_id: also arrives as integer (added to x-wire-types) → Option<vidapi::wire::FlexText>".to_string()),
            "{text:#?}"
        );
        let upscaled = &schema["definitions"]["Video"]["properties"]["upscaled"];
        assert_eq!(upscaled["x-wire-types"], json!(["integer", "string"]));
        let keys: Vec<_> = upscaled.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["$ref", "description", "x-wire-types"]);
        let added = changes
            .iter()
            .find(|c| c.at == "data[].brand_new")
            .expect("brand_new is new");
        assert_eq!(added.pointer, "/definitions/Video/properties/brand_new");
        assert!(matches!(added.kind, ChangeKind::AddedProperty { .. }));
        // New properties go at the end of the definition's properties.
        let props: Vec<_> = schema["definitions"]["Video"]["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        let first_new = props.iter().position(|p| p == "brand_new").unwrap();
        assert!(props[..first_new].contains(&"video_status_final".to_string()));
        // Fields that are raw JSON accept anything.
        assert!(
            changes
                .iter()
                .all(|c| !c.at.contains("lip_sync") && !c.at.contains("customer_paths"))
        );
    }

    #[test]
    fn new_property_display_and_description() {
        let mut schema = load("schemas/pixverse/videos.json");
        let sample =
            json!({"data": [{"camera_model": "x1"}, {"camera_model": "x2", "video_id": "v"}]});
        let changes = run(&mut schema, &[sample]);
        assert_eq!(
            lines(&changes),
            ["data[].camera_model: new property (string) → Option<vidapi::wire::FlexText>"]
        );
        assert_eq!(
            schema["definitions"]["Video"]["properties"]["camera_model"],
            json!({"$ref": "#/definitions/FlexText", "description": SEEN})
        );
        assert!(!changes[0].is_breaking());
    }

    #[test]
    fn new_property_is_typed_from_every_occurrence() {
        let mut schema = load("schemas/pixverse/videos.json");
        let samples = [
            json!({"data": [{"n": 1}, {"n": "2"}], "meta": {"a": true}}),
            json!({"data": [{"n": 3, "o": {"k": 1}}], "meta": null}),
        ];
        let changes = run(&mut schema, &samples);
        let n = &schema["definitions"]["Video"]["properties"]["n"];
        assert_eq!(
            *n,
            json!({"$ref": "#/definitions/FlexInt", "description": SEEN, "x-wire-types": ["integer", "string"]})
        );
        assert_eq!(
            schema["properties"]["meta"]["type"],
            json!(["object", "null"])
        );
        assert_eq!(
            schema["properties"]["meta"]["properties"]["a"]["$ref"],
            "#/definitions/FlexBool"
        );
        let kinds: Vec<_> = changes
            .iter()
            .map(|c| (c.at.as_str(), c.kind.clone()))
            .collect();
        assert!(
            kinds.contains(&(
                "data[].n",
                ChangeKind::AddedProperty {
                    json_type: "integer or string".into()
                }
            )),
            "{kinds:?}"
        );
        assert!(
            kinds.contains(&(
                "meta",
                ChangeKind::AddedProperty {
                    json_type: "null or object".into()
                }
            )),
            "{kinds:?}"
        );
        let meta = changes.iter().find(|c| c.at == "meta").unwrap();
        assert_eq!(meta.rust_type, "Option<a new struct>");
        assert_eq!(meta.pointer, "/properties/meta");
    }

    #[test]
    fn a_definition_used_twice_is_patched_once() {
        let mut schema = json!({
            "title": "T",
            "type": "object",
            "properties": {
                "first": {"$ref": "#/definitions/Item", "description": "one"},
                "all": {"type": "array", "items": {"$ref": "#/definitions/Item"}}
            },
            "definitions": {
                "Item": {"type": "object", "properties": {"id": {"$ref": "#/definitions/FlexInt"}}},
                "FlexInt": Flex::Int.definition()
            }
        });
        let sample = json!({"first": {"id": "7", "extra": 1}, "all": [{"id": 8, "extra": "x"}, {"id": "9"}]});
        let changes = run(&mut schema, &[sample]);
        assert_eq!(
            lines(&changes),
            [
                "first.id: also arrives as string (added to x-wire-types) → Option<vidapi::wire::FlexInt>",
                "first.extra: new property (integer or string) → Option<vidapi::wire::FlexText>",
            ]
        );
        assert_eq!(
            schema["definitions"]["Item"]["properties"]["extra"]["x-wire-types"],
            json!(["string", "integer"])
        );
        assert!(
            schema["definitions"]["FlexText"].is_object(),
            "the missing definition is added"
        );
        let defs: Vec<_> = schema["definitions"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(defs, ["FlexText", "Item", "FlexInt"]);
    }

    #[test]
    fn flex_leaves_widen_their_wire_types_when_they_read_the_value() {
        let cases: [(&str, Value, &[&str]); 9] = [
            ("FlexInt", json!("12"), &["integer", "string"]),
            ("FlexInt", json!(12.0), &["integer", "number"]),
            ("FlexNumber", json!("1.5"), &["number", "integer", "string"]),
            ("FlexBool", json!(1), &["boolean", "integer"]),
            ("FlexBool", json!("false"), &["boolean", "string"]),
            ("FlexText", json!(5), &["string", "integer"]),
            ("FlexText", json!([1]), &["string", "array"]),
            ("NullableText", json!(true), &["string", "boolean"]),
            ("NullableText", json!(2.5), &["string", "number"]),
        ];
        for (flex, value, wire) in cases {
            let (leaf, changes) = on_leaf(flex_leaf(flex), &[json!(null), value.clone()]);
            assert_eq!(
                leaf["$ref"],
                format!("#/definitions/{flex}"),
                "{flex} {value}"
            );
            assert_eq!(leaf["x-wire-types"], json!(wire), "{flex} {value}");
            assert_eq!(changes.len(), 1, "{flex} {value}: {:?}", lines(&changes));
            assert!(matches!(changes[0].kind, ChangeKind::AddedWireType { .. }));
            assert!(!changes[0].is_breaking());
        }
    }

    #[test]
    fn flex_leaves_move_when_they_cannot_read_the_value() {
        let cases: [(&str, Value, &str, Option<&[&str]>); 8] = [
            ("FlexInt", json!(1.5), "FlexNumber", None),
            (
                "FlexInt",
                json!("1.5"),
                "FlexNumber",
                Some(&["number", "integer", "string"]),
            ),
            (
                "FlexInt",
                json!("soon"),
                "FlexText",
                Some(&["string", "integer"]),
            ),
            (
                "FlexNumber",
                json!("n/a"),
                "FlexText",
                Some(&["string", "integer", "number"]),
            ),
            (
                "FlexBool",
                json!(5),
                "FlexInt",
                Some(&["integer", "boolean"]),
            ),
            (
                "FlexBool",
                json!(0.5),
                "FlexNumber",
                Some(&["number", "integer", "boolean"]),
            ),
            (
                "FlexBool",
                json!("yes"),
                "FlexText",
                Some(&["string", "boolean"]),
            ),
            (
                "FlexInt",
                json!(true),
                "FlexText",
                Some(&["string", "boolean", "integer"]),
            ),
        ];
        for (flex, value, to, wire) in cases {
            let (leaf, changes) = on_leaf(flex_leaf(flex), std::slice::from_ref(&value));
            assert_eq!(
                leaf["$ref"],
                format!("#/definitions/{to}"),
                "{flex} {value}"
            );
            assert_eq!(leaf["description"], "doc");
            match wire {
                Some(w) => assert_eq!(leaf["x-wire-types"], json!(w), "{flex} {value}"),
                None => assert!(leaf.get("x-wire-types").is_none(), "{flex} {value}: {leaf}"),
            }
            assert_eq!(
                changes[0].kind,
                ChangeKind::WidenedType {
                    from: flex.into(),
                    to: to.into()
                },
                "{flex} {value}"
            );
            assert!(changes[0].is_breaking());
            assert!(changes[0].to_string().contains("breaking"));
        }
        let (leaf, changes) = on_leaf(flex_leaf("FlexInt"), &[json!("soon")]);
        assert_eq!(
            leaf,
            json!({"$ref": "#/definitions/FlexText", "description": "doc", "x-wire-types": ["string", "integer"]})
        );
        assert_eq!(
            changes[0].to_string(),
            "f: FlexInt → FlexText, because FlexInt cannot read a sample (breaking: the Rust type changes) → Option<vidapi::wire::FlexText>"
        );
        // Declared wire types survive a move.
        let mut declared = flex_leaf("FlexInt");
        declared["x-wire-types"] = json!(["integer", "string"]);
        let (leaf, _) = on_leaf(declared, &[json!(2.5)]);
        assert_eq!(leaf["x-wire-types"], json!(["number", "integer", "string"]));
    }

    #[test]
    fn moving_adds_the_missing_definition() {
        let mut schema = json!({"title": "T", "properties": {"n": {"$ref": "#/definitions/FlexInt", "description": "d"}},
                                "definitions": {"FlexInt": Flex::Int.definition()}});
        run(&mut schema, &[json!({"n": 1.25})]);
        assert_eq!(
            schema["definitions"]["FlexNumber"],
            Flex::Number.definition()
        );
    }

    #[test]
    fn null_is_fine_on_a_flex_leaf_and_declared_wire_types_are_trusted() {
        let (_, changes) = on_leaf(flex_leaf("FlexInt"), &[json!(null), json!(3)]);
        assert!(changes.is_empty());
        let mut leaf = flex_leaf("FlexInt");
        leaf["x-wire-types"] = json!(["integer", "string"]);
        let (_, changes) = on_leaf(leaf, &[json!("n/a")]);
        assert!(changes.is_empty(), "{:?}", lines(&changes));
    }

    #[test]
    fn an_object_on_a_scalar_leaf_drops_the_typing() {
        let mut leaf = flex_leaf("FlexInt");
        leaf["x-known-values"] = json!([1]);
        let (leaf, changes) = on_leaf(leaf, &[json!(1), json!({"n": 1})]);
        assert_eq!(leaf, json!({"description": "doc", "x-known-values": [1]}));
        assert_eq!(changes.len(), 1);
        assert_eq!(
            changes[0].kind,
            ChangeKind::WidenedType {
                from: "FlexInt".into(),
                to: ANY.into()
            }
        );
        assert_eq!(changes[0].rust_type, "Option<serde_json::Value>");
        assert!(
            changes[0].to_string().contains("breaking"),
            "{}",
            changes[0]
        );
    }

    #[test]
    fn plain_scalars_become_flex_leaves() {
        let cases: [(Value, Value, &str, &[&str]); 4] = [
            (
                json!("string"),
                json!(5),
                "FlexText",
                &["string", "integer"],
            ),
            (
                json!("integer"),
                json!("12"),
                "FlexInt",
                &["integer", "string"],
            ),
            (
                json!("integer"),
                json!("soon"),
                "FlexText",
                &["string", "integer"],
            ),
            (
                json!("boolean"),
                json!(7),
                "FlexText",
                &["string", "boolean", "integer"],
            ),
        ];
        for (ty, value, flex, wire) in cases {
            let leaf = json!({"type": ty, "format": "uint32", "description": "doc"});
            let (leaf, changes) = on_leaf(leaf, &[value.clone(), json!(null)]);
            assert_eq!(
                leaf,
                json!({"$ref": format!("#/definitions/{flex}"), "description": "doc", "x-wire-types": wire}),
                "{ty} {value}"
            );
            assert_eq!(changes.len(), 1, "{:?}", lines(&changes));
            assert_eq!(
                changes[0].kind,
                ChangeKind::WidenedType {
                    from: ty.as_str().unwrap().into(),
                    to: flex.into()
                }
            );
        }
        // A number field seeing integers is not contradicted.
        let (_, changes) = on_leaf(json!({"type": "number"}), &[json!(3)]);
        assert!(changes.is_empty());
    }

    #[test]
    fn null_adds_null_to_the_declared_type() {
        let (leaf, changes) = on_leaf(
            json!({"description": "a", "type": "array", "items": {"type": "string"}}),
            &[json!(["x"]), json!(null)],
        );
        assert_eq!(leaf["type"], json!(["array", "null"]));
        assert_eq!(changes[0].kind, ChangeKind::MadeNullable);
        assert_eq!(changes[0].rust_type, "Option<Vec<String>>");
        assert!(changes[0].is_breaking());
        assert_eq!(
            changes[0].to_string(),
            "f: may be null (breaking: the Rust type changes) → Option<Vec<String>>"
        );

        let (leaf, changes) = on_leaf(
            json!({"description": "o", "properties": {"a": {}}}),
            &[json!(null)],
        );
        assert_eq!(
            leaf,
            json!({"description": "o", "type": ["object", "null"], "properties": {"a": {}}})
        );
        assert_eq!(lines(&changes), ["f: may be null → Option<a new struct>"]);

        let (leaf, _) = on_leaf(json!({"type": "string"}), &[json!(null)]);
        assert_eq!(leaf["type"], json!(["string", "null"]));
    }

    #[test]
    fn null_on_references() {
        let mut schema = json!({
            "title": "T",
            "properties": {
                "one": {"$ref": "#/definitions/Item", "description": "d"},
                "many": {"type": "array", "items": {"$ref": "#/definitions/Item"}},
                "maybe": {"anyOf": [{"$ref": "#/definitions/Item"}, {"type": "null"}]}
            },
            "definitions": {"Item": {"description": "i", "type": "object", "properties": {}}}
        });
        assert!(run(&mut schema, &[json!({"one": null, "maybe": null})]).is_empty());
        let changes = run(
            &mut schema,
            &[json!({"many": [null, {}]}), json!({"many": [null]})],
        );
        assert_eq!(changes.len(), 1, "{:?}", lines(&changes));
        assert_eq!(changes[0].pointer, "/definitions/Item");
        assert_eq!(changes[0].at, "many[]");
        assert_eq!(
            schema["definitions"]["Item"]["type"],
            json!(["object", "null"])
        );
    }

    #[test]
    fn shape_mismatches_drop_the_typing() {
        let (leaf, changes) = on_leaf(
            json!({"description": "list", "type": "array", "items": {"type": "string"}}),
            &[json!({"a": 1})],
        );
        assert_eq!(leaf, json!({"description": "list"}));
        assert_eq!(
            changes[0].kind,
            ChangeKind::WidenedType {
                from: "array".into(),
                to: ANY.into()
            }
        );
        let (leaf, _) = on_leaf(
            json!({"description": "obj", "type": "object", "properties": {"x": {"type": "string"}}}),
            &[json!({"x": 5}), json!("flat")],
        );
        assert_eq!(
            leaf,
            json!({"description": "obj"}),
            "changes inside a dropped node are dropped too"
        );

        let mut schema = json!({
            "title": "T",
            "properties": {"q": {"description": "queue", "anyOf": [{"$ref": "#/definitions/Q"}, {"type": "null"}]}},
            "definitions": {"Q": {"type": "object", "properties": {}}}
        });
        let changes = run(&mut schema, &[json!({"q": 3})]);
        assert_eq!(schema["properties"]["q"], json!({"description": "queue"}));
        assert_eq!(
            changes[0].kind,
            ChangeKind::WidenedType {
                from: "Q or null".into(),
                to: ANY.into()
            }
        );
        assert_eq!(
            schema["definitions"]["Q"],
            json!({"type": "object", "properties": {}}),
            "the definition stays for its other users"
        );
    }

    #[test]
    fn known_values() {
        let mut schema = json!({
            "title": "T",
            "type": "array",
            "items": {"type": "object", "properties": {
                "status": {"$ref": "#/definitions/FlexInt", "description": "s", "x-known-values": [0, 1, 2]},
                "label": {"$ref": "#/definitions/FlexText", "description": "l", "x-known-values": ["done", "Queued"]}
            }},
            "definitions": {"FlexInt": Flex::Int.definition(), "FlexText": Flex::Text.definition()}
        });
        let sample = json!([
            {"status": 1, "label": " DONE "},
            {"status": "2", "label": "queued"},
            {"status": 9, "label": "moderated"},
            {"status": 9.0, "label": null},
            {"status": null, "label": "Moderated"}
        ]);
        let changes = run(&mut schema, &[sample]);
        let text = lines(&changes);
        assert_eq!(
            schema["items"]["properties"]["status"]["x-known-values"],
            json!([0, 1, 2, 9])
        );
        assert_eq!(
            schema["items"]["properties"]["label"]["x-known-values"],
            json!(["done", "Queued", "moderated"])
        );
        assert!(text.contains(&"[].status: new value 9 added to x-known-values: the provider's `Status` enum needs a new arm → Option<vidapi::wire::FlexInt>".to_string()), "{text:#?}");
        // "2" and 9.0 also widen the wire types.
        assert_eq!(
            schema["items"]["properties"]["status"]["x-wire-types"],
            json!(["integer", "number", "string"])
        );
    }

    #[test]
    fn explicit_additional_properties_keep_new_members() {
        let mut schema = load("schemas/hourone/metadata.json");
        let before = schema.clone();
        let changes = run(
            &mut schema,
            &[json!({"duration": 3, "brand_new": {"x": 1}})],
        );
        assert!(changes.is_empty(), "{:?}", lines(&changes));
        assert_eq!(schema, before);
    }

    #[test]
    fn an_object_without_properties_gets_them() {
        let (leaf, changes) = on_leaf(
            json!({"description": "m", "type": "object"}),
            &[json!({"k": 1})],
        );
        let keys: Vec<_> = leaf.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["description", "type", "properties"]);
        assert_eq!(changes[0].at, "f.k");
        assert_eq!(changes[0].pointer, "/properties/f/properties/k");
    }

    #[test]
    fn errors_leave_the_schema_untouched() {
        let mut schema = json!({"title": "T", "properties": {"a": {"$ref": "#/definitions/Gone"}}});
        let before = schema.clone();
        let err = update(&mut schema, &[json!({"a": 1, "b": 2})]).unwrap_err();
        assert!(matches!(err, Problem::BadRef { .. }));
        assert_eq!(schema, before);
        let mut not_ours = json!([1]);
        assert!(matches!(
            update(&mut not_ours, &[]),
            Err(Problem::NotASchema(_))
        ));
    }

    #[test]
    fn a_sample_of_another_shape_at_the_root_is_refused() {
        let mut schema = load("schemas/pixverse/videos.json");
        let before = schema.clone();
        let err = update(&mut schema, &[json!({"data": []}), json!([1, 2])]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the samples do not fit this schema at its root: the schema declares object, a sample at (root) is something else; is it the right schema file?"
        );
        assert_eq!(schema, before);
    }

    #[test]
    fn root_level_changes_use_the_root_path() {
        // A null root is refused: a nullable root does not generate.
        let mut schema = json!({"title": "T", "description": "d", "type": "object"});
        let before = schema.clone();
        let err = update(&mut schema, &[json!(null)]).unwrap_err();
        assert!(matches!(err, Problem::WrongRoot(_)), "{err}");
        assert!(err.to_string().contains("null"), "{err}");
        assert_eq!(schema, before);
        // Other root-level changes are reported at the root.
        let changes = run(&mut schema, &[json!({"a": 1})]);
        assert_eq!(changes[0].at, "a");
        assert_eq!(changes[0].pointer, "/properties/a");
    }
}

//! Writing the decided edits into the schema document.

use serde_json::{Map, Value};

use super::*;

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

pub(super) fn apply(
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
            let request = crate::schema::is_request(work);
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
                        crate::schema::request::property(&shape)
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

//! Request schemas: values this client writes, typed exactly.
//!
//! A schema whose root has `"x-vidapi-direction": "request"` describes a
//! request body or query. The tolerant `Flex*` definitions exist to read what
//! providers send; a request field is written by this client, so it gets a
//! plain JSON Schema type (`string`, `integer`, `number`, `boolean`, objects
//! and arrays of those), and `build.rs` refuses a request schema that refers
//! to a `Flex*` definition.

use serde_json::{Map, Value};

use super::infer::{SEEN, SEEN_NULL, Shape};

/// The root keyword that marks a request schema (the same one `build.rs`
/// reads).
pub const DIRECTION: &str = "x-vidapi-direction";

/// Whether `schema` is a request schema.
pub fn is_request(schema: &Value) -> bool {
    schema.get(DIRECTION).and_then(Value::as_str) == Some("request")
}

/// The JSON pointer of the first reference to a `Flex*` definition in
/// `schema`, if any: a request schema must have none.
pub(crate) fn tolerant_reference(schema: &Value) -> Option<String> {
    fn walk(node: &Value, at: &str) -> Option<String> {
        match node {
            Value::Object(map) => map.iter().find_map(|(key, child)| {
                let here = super::child(at, key);
                let flex = key == "$ref"
                    && child
                        .as_str()
                        .and_then(super::ref_name)
                        .is_some_and(|name| super::Flex::from_name(&name).is_some());
                if flex { Some(here) } else { walk(child, &here) }
            }),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .find_map(|(i, item)| walk(item, &super::child(at, &i.to_string()))),
            _ => None,
        }
    }
    walk(schema, "")
}

/// The schema of a property a request sample has and the schema lacks:
/// exact JSON Schema types from everything seen, never a `Flex*` reference.
pub(crate) fn property(shape: &Shape) -> Value {
    exact(shape, Some(SEEN))
}

fn exact(shape: &Shape, description: Option<&str>) -> Value {
    let mut node = Map::new();
    let types = shape.types();
    let structured = usize::from(shape.object.is_some()) + usize::from(shape.array.is_some());
    let scalar = types.iter().any(|t| !matches!(*t, "object" | "array"));
    if structured + usize::from(scalar) > 1 {
        // An object mixed with anything else: any JSON value.
        if description.is_some() {
            node.insert(
                "description".to_string(),
                Value::from(format!(
                    "Seen in a sample as {}; any JSON value; not documented.",
                    super::type_list(&types)
                )),
            );
        }
        return Value::Object(node);
    }
    if types.is_empty() {
        if shape.null && description.is_some() {
            node.insert("description".to_string(), Value::from(SEEN_NULL));
        }
        return Value::Object(node);
    }
    if let Some(d) = description {
        node.insert("description".to_string(), Value::from(d));
    }
    // `integer` and `number` together are a `number`.
    let mut list: Vec<&str> = types
        .iter()
        .copied()
        .filter(|t| !(*t == "integer" && types.contains(&"number")))
        .collect();
    if shape.null {
        list.push("null");
    }
    let type_value = match list.as_slice() {
        [one] => Value::from(*one),
        many => Value::from(many.to_vec()),
    };
    node.insert("type".to_string(), type_value);
    if let Some(members) = &shape.object {
        if !members.order.is_empty() {
            let mut props = Map::new();
            for (name, member) in &members.order {
                props.insert(name.clone(), exact(member, Some(SEEN)));
            }
            node.insert("properties".to_string(), Value::Object(props));
        }
    } else if let Some(Some(items)) = &shape.array {
        node.insert("items".to_string(), exact(items, None));
    }
    Value::Object(node)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn shape(samples: &[Value]) -> Shape {
        let mut shape = Shape::default();
        for s in samples {
            shape.add(s);
        }
        shape
    }

    #[test]
    fn scalars_get_their_own_json_type() {
        assert_eq!(
            property(&shape(&[json!("a")])),
            json!({"description": SEEN, "type": "string"})
        );
        assert_eq!(
            property(&shape(&[json!(1), json!(2.5)])),
            json!({"description": SEEN, "type": "number"})
        );
        assert_eq!(
            property(&shape(&[json!(1), json!(null)])),
            json!({"description": SEEN, "type": ["integer", "null"]})
        );
        assert_eq!(
            property(&shape(&[json!(true), json!("x")])),
            json!({"description": SEEN, "type": ["boolean", "string"]})
        );
    }

    #[test]
    fn nested_values_are_typed_inline_without_flex() {
        let p = property(&shape(&[json!([{"text": "Hi", "n": 1}, {"text": "Yo"}])]));
        assert_eq!(
            p,
            json!({"description": SEEN, "type": "array", "items": {"type": "object", "properties": {
                "text": {"description": SEEN, "type": "string"},
                "n": {"description": SEEN, "type": "integer"}}}})
        );
        assert!(!p.to_string().contains("Flex"));
    }

    #[test]
    fn mixed_kinds_and_only_null_accept_anything() {
        let p = property(&shape(&[json!({"a": 1}), json!(3)]));
        assert!(p.get("type").is_none(), "{p}");
        assert_eq!(
            property(&shape(&[json!(null)])),
            json!({"description": SEEN_NULL})
        );
    }

    #[test]
    fn update_types_new_request_fields_exactly_and_refuses_flex() {
        let mut schema = json!({"title": "CreateVideoRequest", DIRECTION: "request",
            "type": "object", "properties": {"name": {"type": "string"}}, "definitions": {}});
        let sample = json!({"name": "n", "scenes": [{"text": "Hi"}]});
        let changes = crate::schema::update(&mut schema, &[sample]).unwrap();
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!(
            schema["properties"]["scenes"]["items"]["properties"]["text"]["type"],
            "string"
        );
        assert!(!schema.to_string().contains("Flex"), "{schema}");
        // A sample contradicting a request field's type is refused, unchanged.
        let before = schema.clone();
        let err = crate::schema::update(&mut schema, &[json!({"name": 5})]).unwrap_err();
        assert!(err.to_string().contains("request"), "{err}");
        assert_eq!(schema, before);
        // The same sample on a response schema still gets a tolerant type.
        let mut response = json!({"title": "Video", "type": "object", "properties": {}});
        crate::schema::update(&mut response, &[json!({"n": 5})]).unwrap();
        assert_eq!(response["properties"]["n"]["$ref"], "#/definitions/FlexInt");
    }

    #[test]
    fn the_marker_is_read_from_the_root() {
        assert!(is_request(&json!({"title": "T", DIRECTION: "request"})));
        assert!(!is_request(&json!({"title": "T", DIRECTION: "response"})));
        assert!(!is_request(&json!({"title": "T"})));
    }
}

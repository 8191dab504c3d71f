//! Tests of `schema update`.

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
    let sample = json!({"data": [{"camera_model": "x1"}, {"camera_model": "x2", "video_id": "v"}]});
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
    let sample =
        json!({"first": {"id": "7", "extra": 1}, "all": [{"id": 8, "extra": "x"}, {"id": "9"}]});
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
        // Between `Flex*` types: callers read through `wire::Tolerant`.
        assert!(!changes[0].is_breaking());
        assert!(changes[0].to_string().contains("wire::Tolerant"));
    }
    let (leaf, changes) = on_leaf(flex_leaf("FlexInt"), &[json!("soon")]);
    assert_eq!(
        leaf,
        json!({"$ref": "#/definitions/FlexText", "description": "doc", "x-wire-types": ["string", "integer"]})
    );
    assert_eq!(
        changes[0].to_string(),
        "f: FlexInt → FlexText, because FlexInt cannot read a sample (read it through `wire::Tolerant`) → Option<vidapi::wire::FlexText>"
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

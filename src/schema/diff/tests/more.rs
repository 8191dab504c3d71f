//! More diff rule tests: requirements, enums, known values, titles,
//! definitions, additional properties and unknown keywords.

use super::*;

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

//! Tests of the diff classifier, each checked against what the real
//! generator makes of both schemas.

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
                    // A field moved to a wider `Flex*` type keeps code that
                    // reads it through `wire::Tolerant` compiling.
                    let widened = |(name, ty): &(String, String)| {
                        b.iter().any(|(n, t)| n == name && flex_widened(ty, t))
                    };
                    if a.iter().any(|f| !b.contains(f) && !widened(f)) {
                        Effect::Breaking
                    } else if a.iter().any(|f| !b.contains(f)) || b.len() > a.len() {
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

/// Whether the Rust type `new` is `old` with one `Flex*` type replaced by a
/// wider one (`Flex::widens_to`).
fn flex_widened(old: &str, new: &str) -> bool {
    Flex::ALL.into_iter().any(|a| {
        Flex::ALL.into_iter().any(|b| {
            a.widens_to(b)
                && old.contains(&format!("wire::{}", a.name()))
                && old.replace(
                    &format!("wire::{}", a.name()),
                    &format!("wire::{}", b.name()),
                ) == new
        })
    })
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
        "type-widened",
        Effect::Additive,
        Effect::Additive,
    );
    assert!(d.detail.starts_with("FlexInt → FlexNumber"), "{}", d.detail);
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
    // FlexText takes integers without drift only when told so.
    expect(
        &only(&old, &text),
        "(root).total",
        "type-widened",
        Effect::Additive,
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
        "type-widened",
        Effect::Additive,
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

mod more;

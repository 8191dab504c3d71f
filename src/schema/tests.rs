//! Unit tests of the schema helpers, and the fixtures the other test
//! modules of `schema` share.

use super::*;
use serde_json::json;
use std::path::{Path, PathBuf};

/// Every schema file copied from the project, with its text.
pub(crate) fn schema_files() -> Vec<(PathBuf, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let mut out = Vec::new();
    let json = |path: &Path| path.extension().is_some_and(|e| e == "json");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let entry = entry.unwrap().path();
        // Provider folders, and the shared files beside them (flex.json).
        let files: Vec<PathBuf> = if entry.is_dir() {
            std::fs::read_dir(&entry)
                .unwrap()
                .map(|f| f.unwrap().path())
                .collect()
        } else {
            vec![entry]
        };
        for path in files.into_iter().filter(|p| json(p)) {
            let text = std::fs::read_to_string(&path).unwrap();
            out.push((path, text));
        }
    }
    out.sort();
    assert!(out.len() >= 13, "the copied schema files are missing");
    out
}

pub(crate) fn load(relative: &str) -> Value {
    // `fixtures/…` are the test fixtures; `schemas/…` the frozen copies
    // of the shipped schemas in `tests/schema-fixtures/` (never the live
    // files, which `vidapi schema update` may change at any time).
    let relative = match (
        relative.strip_prefix("fixtures/"),
        relative.strip_prefix("schemas/"),
    ) {
        (Some(rest), _) => format!("tests/fixtures/{rest}"),
        (_, Some(rest)) => format!("tests/schema-fixtures/{rest}"),
        _ => relative.to_owned(),
    };
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(&relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("{relative}: {e} (tests read copies of schemas/ kept in tests/schema-fixtures/)")
    });
    let value: Value = serde_json::from_str(&text).unwrap();
    // A schema copy refers to the shared definitions of `flex.json` and to
    // other files' roots: tests work on it resolved, as every tool does.
    if relative.starts_with("tests/schema-fixtures/") && value.get("title").is_some() {
        return resolve::resolve_file(&path)
            .unwrap_or_else(|e| panic!("{relative}: {e}"))
            .value;
    }
    value
}

/// The Rust items the real generator makes of `schema`, alone in a
/// provider folder; `Err` names what the generator refused.
pub(crate) fn generated(schema: &Value) -> Result<syn::File, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let folder = dir.path().join("scratch");
    std::fs::create_dir_all(&folder).map_err(|e| e.to_string())?;
    std::fs::write(folder.join("schema.json"), to_file_text(schema)).map_err(|e| e.to_string())?;
    let mut out = super::codegen::generate(dir.path()).map_err(|e| e.problem)?;
    let code = out.pop().map(|g| g.code).unwrap_or_default();
    syn::parse_file(&code).map_err(|e| format!("generated code does not parse: {e}"))
}

/// The fields of struct `name` in `file`: Rust name, type (tokens) and
/// the JSON name it (de)serializes from.
pub(crate) fn struct_fields(file: &syn::File, name: &str) -> Vec<(String, String, String)> {
    use quote::ToTokens;
    let item = file.items.iter().find_map(|i| match i {
        syn::Item::Struct(s) if s.ident == name => Some(s),
        _ => None,
    });
    let Some(item) = item else {
        panic!("no struct {name} generated");
    };
    item.fields
        .iter()
        .map(|f| {
            let ident = f
                .ident
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default();
            let mut json = ident.clone();
            for attr in &f.attrs {
                let text = attr.to_token_stream().to_string();
                if let Some(rest) = text.split("rename = \"").nth(1) {
                    json = rest.split('"').next().unwrap_or_default().to_string();
                }
            }
            let ty = f.ty.to_token_stream().to_string().replace(' ', "");
            (ident, ty, json)
        })
        .collect()
}

#[test]
fn every_project_schema_round_trips_byte_for_byte() {
    for (path, text) in schema_files() {
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(to_file_text(&value), text, "{}", path.display());
    }
}

#[test]
fn every_project_schema_passes_check() {
    for (path, text) in schema_files() {
        let value: Value = serde_json::from_str(&text).unwrap();
        // A shared file holds definitions only: no root type to check.
        if value.get("title").is_none() {
            assert!(value["definitions"].is_object(), "{}", path.display());
            continue;
        }
        let resolved = resolve::resolve_file(&path).unwrap();
        assert_eq!(check(&resolved.value), Ok(()), "{}", path.display());
    }
}

#[test]
fn flex_bodies_match_the_project_files() {
    let files = schema_files();
    for flex in Flex::ALL {
        let mut seen = 0;
        for (path, text) in &files {
            let value: Value = serde_json::from_str(text).unwrap();
            if let Some(body) = definition(&value, flex.name()) {
                assert_eq!(
                    body,
                    &flex.definition(),
                    "{} in {}",
                    flex.name(),
                    path.display()
                );
                seen += 1;
            }
        }
        assert!(seen > 0, "{} appears in no file", flex.name());
    }
}

#[test]
fn check_names_what_and_where() {
    let err = check(&json!([1])).unwrap_err();
    assert!(
        err.to_string().contains("an array, not a JSON object"),
        "{err}"
    );
    let err = check(&json!({"type": "object"})).unwrap_err();
    assert!(err.to_string().contains("no `title`"), "{err}");
    let err = check(&json!({"title": 3})).unwrap_err();
    assert!(err.to_string().contains("`/title`"), "{err}");
    let err = check(&json!({"title": "T", "definitions": []})).unwrap_err();
    assert!(
        matches!(err, Problem::NotASchema(ref m) if m.contains("`/definitions`")),
        "{err}"
    );
    let err = check(&json!({"title": "T", "$defs": {}})).unwrap_err();
    assert!(err.to_string().contains("`definitions`"), "{err}");

    let schema = json!({
        "title": "T",
        "properties": {"a/b": {"items": {"$ref": "#/definitions/Missing"}}},
        "definitions": {}
    });
    let err = check(&schema).unwrap_err();
    assert_eq!(
        err,
        Problem::BadRef {
            at: "/properties/a~1b/items/$ref".into(),
            reference: "#/definitions/Missing".into()
        }
    );
    assert!(
        err.to_string().contains("at `/properties/a~1b/items/$ref`"),
        "{err}"
    );
    assert!(schema.pointer("/properties/a~1b/items/$ref").is_some());

    let external =
        json!({"title": "T", "properties": {"a": {"$ref": "other.json#/definitions/A"}}});
    assert!(matches!(check(&external), Err(Problem::BadRef { .. })));
    let nested = json!({"title": "T", "properties": {"a": {"$ref": "#/definitions/A/properties/b"}}, "definitions": {"A": {}}});
    assert!(matches!(check(&nested), Err(Problem::BadRef { .. })));

    let err = check(&json!({"title": "T", "properties": []})).unwrap_err();
    assert_eq!(
        err,
        Problem::Malformed {
            at: "/properties".into(),
            what: "`properties` must be an object, found an array".into()
        }
    );
    let err = check(&json!({"title": "T", "properties": {"a": {"type": "text"}}})).unwrap_err();
    assert!(
        matches!(err, Problem::Malformed { ref at, .. } if at == "/properties/a/type"),
        "{err}"
    );
    let err =
        check(&json!({"title": "T", "properties": {"a": {"x-wire-types": ["str"]}}})).unwrap_err();
    assert!(err.to_string().contains("x-wire-types"), "{err}");
    // References inside data-valued keywords are not schema references.
    assert_eq!(
        check(&json!({"title": "T", "enum": [{"$ref": "nowhere"}]})),
        Ok(())
    );
}

#[test]
fn json_type_names() {
    assert_eq!(json_type(&json!(null)), "null");
    assert_eq!(json_type(&json!(true)), "boolean");
    assert_eq!(json_type(&json!(12)), "integer");
    // Beyond `i64`: what `FlexInt` cannot hold, as drift names it too.
    assert_eq!(json_type(&json!(u64::MAX)), "number");
    assert_eq!(json_type(&json!(i64::MIN)), "integer");
    assert_eq!(json_type(&json!(-3)), "integer");
    assert_eq!(json_type(&json!(12.0)), "number");
    assert_eq!(
        json_type(&serde_json::from_str::<Value>("1e3").unwrap()),
        "number"
    );
    assert_eq!(json_type(&json!("12")), "string");
    assert_eq!(json_type(&json!([])), "array");
    assert_eq!(json_type(&json!({})), "object");
}

#[test]
fn flex_reads_like_wire() {
    assert!(Flex::Int.reads(&json!(" 12 ")));
    assert!(Flex::Int.reads(&json!("12.0")));
    assert!(Flex::Int.reads(&json!(12.0)));
    assert!(!Flex::Int.reads(&json!(12.5)));
    assert!(!Flex::Int.reads(&json!("12.5")));
    assert!(!Flex::Int.reads(&json!(true)));
    assert!(Flex::Number.reads(&json!("12.5")));
    assert!(!Flex::Number.reads(&json!("NaN")));
    assert!(!Flex::Number.reads(&json!("")));
    assert!(Flex::Bool.reads(&json!(1)));
    assert!(!Flex::Bool.reads(&json!(2)));
    assert!(!Flex::Bool.reads(&json!(1.0)));
    assert!(Flex::Bool.reads(&json!(" TRUE ")));
    assert!(Flex::Bool.reads(&json!("0")));
    assert!(!Flex::Bool.reads(&json!("yes")));
    assert!(Flex::Text.reads(&json!({"a": 1})));
    assert!(Flex::NullableText.reads(&json!(5)));
    assert!(!Flex::NullableText.reads(&json!([])));
}

#[test]
fn known_values_compare_loosely() {
    assert!(same_known_value(&json!(5), &json!("5")));
    assert!(same_known_value(&json!(5), &json!(5.0)));
    assert!(same_known_value(&json!(" done "), &json!("DONE")));
    assert!(!same_known_value(&json!("5"), &json!(6)));
    assert!(!same_known_value(&json!("a"), &json!("b")));
}

#[test]
fn flex_definitions_are_added_in_file_order() {
    let mut root = json!({"title": "T", "definitions": {"FlexText": {}, "Video": {}}});
    assert!(ensure_flex_definition(&mut root, Flex::Bool));
    assert!(ensure_flex_definition(&mut root, Flex::Int));
    assert!(!ensure_flex_definition(&mut root, Flex::Int));
    let keys: Vec<_> = root["definitions"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(keys, ["FlexText", "FlexInt", "FlexBool", "Video"]);
    let mut bare = json!({"title": "T"});
    assert!(ensure_flex_definition(&mut bare, Flex::Number));
    assert_eq!(bare["definitions"]["FlexNumber"], Flex::Number.definition());
}

#[test]
fn file_text_is_pretty_with_a_newline() {
    assert_eq!(
        to_file_text(&json!({"b": 1, "a": [2]})),
        "{\n  \"b\": 1,\n  \"a\": [\n    2\n  ]\n}\n"
    );
}

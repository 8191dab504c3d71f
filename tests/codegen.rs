//! The generator, run on copies of the schemas in a temporary directory.

#[path = "../src/codegen.rs"]
#[allow(dead_code)]
mod codegen;

use std::fs;
use std::path::Path;

/// Copies the frozen schema copies of `tests/schema-fixtures/` (these tests
/// pin generated details, so they must not read the live `schemas/`): the
/// folders named like a provider folder of `schemas/` (the fixtures also
/// hold `diff/` and `update/` test data, which are no providers).
fn copy_schemas(to: &Path) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let from = root.join("tests/schema-fixtures");
    for provider in fs::read_dir(from).unwrap() {
        let provider = provider.unwrap().path();
        if !provider.is_dir()
            || !root
                .join("schemas")
                .join(provider.file_name().unwrap())
                .is_dir()
        {
            continue;
        }
        let target = to.join(provider.file_name().unwrap());
        fs::create_dir_all(&target).unwrap();
        for file in fs::read_dir(&provider).unwrap() {
            let file = file.unwrap().path();
            fs::copy(&file, target.join(file.file_name().unwrap())).unwrap();
        }
    }
}

fn provider_code(dir: &Path, provider: &str) -> String {
    codegen::generate(dir)
        .unwrap()
        .into_iter()
        .find(|g| g.provider == provider)
        .unwrap()
        .code
}

/// The lines of `after` that `before` lacks and the lines of `before` that
/// `after` lacks, trimmed: a schema edit's Rust diff.
fn line_diff(before: &str, after: &str) -> (Vec<String>, Vec<String>) {
    let lines = |text: &str| {
        text.lines()
            .map(|l| l.trim().to_string())
            .collect::<Vec<_>>()
    };
    let (old, new) = (lines(before), lines(after));
    let removed = old.iter().filter(|l| !new.contains(l)).cloned().collect();
    let added = new.iter().filter(|l| !old.contains(l)).cloned().collect();
    (removed, added)
}

/// One module per provider folder, in name order. What each module holds is
/// pinned, for the live schemas, by the golden files of `tests/generated.rs`.
#[test]
fn generates_one_module_per_provider() {
    let dir = tempfile::tempdir().unwrap();
    copy_schemas(dir.path());
    let generated = codegen::generate(dir.path()).unwrap();
    let names: Vec<_> = generated.iter().map(|g| g.provider.as_str()).collect();
    assert_eq!(
        names,
        ["hourone", "memories", "minimax", "pixverse", "useapi"]
    );
    for provider in &generated {
        syn::parse_file(&provider.code).unwrap_or_else(|e| panic!("{}: {e}", provider.provider));
        assert!(!provider.roots.is_empty(), "{}", provider.provider);
    }
}

/// Changing one field's type in a schema changes exactly that field's line
/// of the generated Rust (what a golden file's diff shows in review).
#[test]
fn changing_a_field_type_in_a_schema_changes_the_generated_type() {
    let dir = tempfile::tempdir().unwrap();
    copy_schemas(dir.path());
    let before = provider_code(dir.path(), "minimax");

    let path = dir.path().join("minimax/videos.json");
    let mut schema: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    schema["definitions"]["Video"]["properties"]["desc"] = serde_json::json!({"type": "integer"});
    fs::write(&path, schema.to_string()).unwrap();

    let after = provider_code(dir.path(), "minimax");
    let (removed, added) = line_diff(&before, &after);
    // The field loses its documentation (the new schema has none) and its
    // tolerant type.
    assert_eq!(
        added,
        ["pub desc: ::std::option::Option<i64>,"],
        "{removed:?} → {added:?}"
    );
    assert!(
        removed.contains(&"pub desc: ::std::option::Option<crate::wire::FlexText>,".to_string()),
        "{removed:?}"
    );
    assert!(
        removed
            .iter()
            .all(|l| l.starts_with("///") || l.starts_with("pub desc:")),
        "only the field and its doc change: {removed:?}"
    );
}

fn broken(file: &str, text: &str, expect: &str) {
    let dir = tempfile::tempdir().unwrap();
    copy_schemas(dir.path());
    fs::write(dir.path().join(file), text).unwrap();
    let err = codegen::generate(dir.path()).unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains(file.rsplit('/').next().unwrap()),
        "{message}"
    );
    assert!(message.contains(expect), "{message}");
}

#[test]
fn broken_schemas_fail_with_the_file_and_the_problem() {
    broken("minimax/videos.json", "{ not json", "not valid JSON");
    broken(
        "pixverse/broken.json",
        r#"{"title": "X", "type": "object", "properties": {"a": {"$ref": "other.json#/definitions/A"}}}"#,
        "only local",
    );
    broken(
        "memories/defs.json",
        r#"{"title": "X", "$defs": {"A": {"type": "string"}}}"#,
        "use `definitions`",
    );
    broken(
        "hourone/untitled.json",
        r#"{"type": "object", "properties": {"a": {"type": "string"}}}"#,
        "no `title`",
    );
    broken(
        "useapi/closed.json",
        r#"{"title": "X", "type": "object", "additionalProperties": false}"#,
        "additionalProperties: false",
    );
    broken(
        "useapi/cond.json",
        r#"{"title": "X", "if": {"type": "string"}, "then": {"minLength": 1}}"#,
        "if",
    );
    broken(
        "useapi/wrong.json",
        r#"{"title": "X", "type": 12}"#,
        "not a draft-07 JSON Schema",
    );
}

/// The strict twins the benchmarks compare against: the same structs, with
/// plain types where the tolerant ones stand.
#[test]
fn strict_types_have_plain_leaves() {
    let dir = tempfile::tempdir().unwrap();
    copy_schemas(dir.path());
    let strict = codegen::generate_strict(dir.path()).unwrap();
    let pixverse = strict.iter().find(|g| g.provider == "pixverse").unwrap();
    assert!(
        pixverse.code.contains("pub struct Video"),
        "{}",
        pixverse.code
    );
    assert!(
        pixverse
            .code
            .contains("pub video_status: ::std::option::Option<i64>")
    );
    assert!(
        !pixverse.code.contains("crate::wire"),
        "no tolerant type left"
    );
    let tolerant = provider_code(dir.path(), "pixverse");
    assert!(tolerant.contains("crate::wire::FlexInt"));
}

/// Request schemas (`"x-vidapi-direction": "request"`) are written by this
/// client: a `Flex*` reading type in one is refused, naming the file.
#[test]
fn request_schemas_refuse_tolerant_types() {
    broken(
        "hourone/create-video.json",
        r##"{"title": "CreateVideoRequest", "x-vidapi-direction": "request", "type": "object",
            "properties": {"name": {"$ref": "#/definitions/FlexText"}},
            "definitions": {"FlexText": {"type": ["string", "number", "boolean", "null"]}}}"##,
        "`FlexText` in a request schema",
    );
    broken(
        "useapi/direction.json",
        r#"{"title": "X", "x-vidapi-direction": "sideways"}"#,
        "expected \"request\" or \"response\"",
    );
    // A response schema may use them, and a request schema with plain types
    // generates.
    let dir = tempfile::tempdir().unwrap();
    copy_schemas(dir.path());
    assert!(codegen::generate(dir.path()).is_ok());
}

/// Every request type derives `Default`, so the project (and its users) build
/// requests as `Type { field, ..Default::default() }` and a property that
/// `schema update` adds compiles unchanged.
#[test]
fn every_request_type_derives_default() {
    let dir = tempfile::tempdir().unwrap();
    copy_schemas(dir.path());
    let mut requests = 0;
    for provider in codegen::generate(dir.path()).unwrap() {
        for root in &provider.roots {
            let schema: serde_json::Value =
                serde_json::from_str(&fs::read_to_string(&root.file).unwrap()).unwrap();
            if codegen::direction(&schema).unwrap() != codegen::Direction::Request {
                continue;
            }
            requests += 1;
            let declaration = format!("pub struct {} {{", root.rust_name);
            let at = provider
                .code
                .find(&declaration)
                .unwrap_or_else(|| panic!("{} is not a struct", root.rust_name));
            let derive = provider.code[..at].rfind("#[derive(").unwrap();
            assert!(
                provider.code[derive..at].contains("Default"),
                "{} does not derive Default",
                root.rust_name
            );
        }
    }
    assert_eq!(requests, 6, "request schemas marked x-vidapi-direction");
}

/// The single-video schema and the list schema of a provider describe one
/// `Video`: generated once, registered as a root of its own; copies that
/// differ never fail the build, and are named in a warning.
#[test]
fn a_definition_shared_by_two_files_is_one_type_and_must_agree() {
    let dir = tempfile::tempdir().unwrap();
    copy_schemas(dir.path());
    let generated = codegen::generate(dir.path()).unwrap();
    for provider in ["minimax", "pixverse"] {
        let one = generated.iter().find(|g| g.provider == provider).unwrap();
        assert_eq!(
            one.code.matches("pub struct Video {").count(),
            1,
            "{provider}"
        );
        let roots: Vec<_> = one.roots.iter().map(|r| r.rust_name.as_str()).collect();
        assert!(roots.contains(&"Video"), "{provider}: {roots:?}");
    }
    // Change the single video's root without its copy in the list schema
    // (what `schema update` on one file does): the build goes on, with the
    // list's copy generating the type, and a warning naming both files.
    let path = dir.path().join("pixverse/video.json");
    let mut video: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    video["properties"]["brand_new"] = serde_json::json!({"$ref": "#/definitions/FlexText"});
    video["definitions"]["QueueData"] = serde_json::json!({"type": "string"});
    fs::write(&path, video.to_string()).unwrap();
    let generated = codegen::generate(dir.path()).unwrap();
    let pixverse = generated.iter().find(|g| g.provider == "pixverse").unwrap();
    assert!(!pixverse.code.contains("brand_new"));
    assert!(pixverse.code.contains("pub struct QueueData"));
    assert_eq!(pixverse.warnings.len(), 2, "{:?}", pixverse.warnings);
    for warning in &pixverse.warnings {
        assert!(
            warning.contains("video.json") && warning.contains("videos.json"),
            "{warning}"
        );
    }
    assert!(pixverse.warnings.iter().any(|w| w.contains("root (Video)")));
    assert!(
        pixverse
            .warnings
            .iter()
            .any(|w| w.contains("definitions/QueueData"))
    );
    // The copies agreeing again, nothing is said.
    copy_schemas(dir.path());
    let generated = codegen::generate(dir.path()).unwrap();
    assert!(generated.iter().all(|g| g.warnings.is_empty()));
}

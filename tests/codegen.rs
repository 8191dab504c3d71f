//! The generator, run on copies of the schemas in a temporary directory.

#[path = "../src/codegen.rs"]
#[allow(dead_code)]
mod codegen;

use std::fs;
use std::path::Path;

/// Copies the frozen schema copies of `tests/schema-fixtures/` (these tests
/// pin generated details, so they must not read the live `schemas/`): the
/// folders named like a provider folder of `schemas/` (the fixtures also
/// hold `diff/` and `update/` test data, which are no providers), and the
/// shared files beside them (`flex.json`).
fn copy_schemas(to: &Path) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let from = root.join("tests/schema-fixtures");
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap().path();
        let name = entry.file_name().unwrap();
        if entry.is_file() && entry.extension().is_some_and(|e| e == "json") {
            fs::copy(&entry, to.join(name)).unwrap();
        }
        if !entry.is_dir() || !root.join("schemas").join(name).is_dir() {
            continue;
        }
        let target = to.join(name);
        fs::create_dir_all(&target).unwrap();
        for file in fs::read_dir(&entry).unwrap() {
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

    // `Video` is written once, as the root of video.json.
    let path = dir.path().join("minimax/video.json");
    let mut schema: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    schema["properties"]["desc"] = serde_json::json!({"type": "integer"});
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
        "other.json: cannot read",
    );
    broken(
        "pixverse/pointer.json",
        r#"{"title": "X", "type": "object", "properties": {"a": {"$ref": "video.json#/properties/prompt"}}}"#,
        "only `#/definitions/Name`, `other.json#/definitions/Name` and `other.json`",
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
            "properties": {"name": {"$ref": "../flex.json#/definitions/FlexText"}}}"##,
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
    // Every request schema on disk was checked: counted by reading the
    // files themselves, not through the generator.
    let mut marked = 0;
    for folder in fs::read_dir(dir.path()).unwrap() {
        let folder = folder.unwrap().path();
        if !folder.is_dir() {
            continue;
        }
        for file in fs::read_dir(&folder).unwrap() {
            let text = fs::read_to_string(file.unwrap().path()).unwrap();
            let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
            if schema["x-vidapi-direction"] == "request" {
                marked += 1;
            }
        }
    }
    assert!(
        marked >= 9,
        "the request schemas of list, query and create endpoints: {marked}"
    );
    assert_eq!(
        requests, marked,
        "request schemas marked x-vidapi-direction"
    );
}

/// The single-video schema and the list schema of a provider describe one
/// `Video`, written once (the root of video.json; the list refers to it): a
/// field folded into it is in the one generated type, whichever root holds
/// it. A second copy of a definition is refused, naming both files and the
/// `$ref` to write instead.
#[test]
fn a_definition_lives_in_one_place_and_a_second_copy_is_refused() {
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
        assert!(generated.iter().all(|g| g.warnings.is_empty()));
    }
    // A field added to the one definition: in `Video`, and so in the list's
    // items; the list's resolved schema (what drift reads) has it too.
    let path = dir.path().join("pixverse/video.json");
    let mut video: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    video["properties"]["brand_new"] =
        serde_json::json!({"$ref": "../flex.json#/definitions/FlexText"});
    fs::write(&path, video.to_string()).unwrap();
    let generated = codegen::generate(dir.path()).unwrap();
    let pixverse = generated.iter().find(|g| g.provider == "pixverse").unwrap();
    assert_eq!(pixverse.code.matches("pub brand_new:").count(), 1);
    let list = pixverse
        .roots
        .iter()
        .find(|r| r.rust_name == "VideoPage")
        .unwrap();
    assert!(list.resolved.contains("brand_new"), "{}", list.resolved);

    // A second copy, as a file written in the old style has: refused, with
    // both files and the `$ref` that replaces it.
    let copy = r##"{"$schema": "http://json-schema.org/draft-07/schema#", "title": "CreateVideoAnswer",
        "type": "object", "properties": {"jobid": {"$ref": "#/definitions/FlexText"}, "video": {"$ref": "#/definitions/Video"}},
        "definitions": {"FlexText": {"type": ["string", "number", "boolean", "null"]}, "Video": {"type": "object"}}}"##;
    let file = dir.path().join("pixverse/create-video-response.json");
    fs::write(&file, copy).unwrap();
    let message = codegen::generate(dir.path()).unwrap_err().to_string();
    assert!(message.contains("create-video-response.json"), "{message}");
    assert!(message.contains("flex.json"), "{message}");
    assert!(
        message.contains(r#"`"$ref": "../flex.json#/definitions/FlexText"`"#),
        "{message}"
    );
    // The fix the message spells out, applied: the next copy is named.
    let fixed = copy
        .replace(
            r##""#/definitions/FlexText""##,
            r#""../flex.json#/definitions/FlexText""#,
        )
        .replace(
            r#""FlexText": {"type": ["string", "number", "boolean", "null"]}, "#,
            "",
        );
    fs::write(&file, &fixed).unwrap();
    let message = codegen::generate(dir.path()).unwrap_err().to_string();
    assert!(
        message.contains("definitions/Video is a second copy of `Video`, the root of"),
        "{message}"
    );
    assert!(message.contains(r#"`"$ref": "video.json"`"#), "{message}");
    let fixed = fixed
        .replace(r##""#/definitions/Video""##, r#""video.json""#)
        .replace(r#""Video": {"type": "object"}"#, "");
    fs::write(&file, fixed).unwrap();
    let generated = codegen::generate(dir.path()).unwrap();
    let pixverse = generated.iter().find(|g| g.provider == "pixverse").unwrap();
    assert!(
        pixverse
            .code
            .contains("pub video: ::std::option::Option<Video>"),
        "{}",
        pixverse.code
    );
}

/// Issue 23's first case: `originFiles`, folded in through a MiniMax *list*
/// sample and `videos.json`, is written into the file holding `Video`
/// (video.json), so it is a field of the one `Video` type — the items of
/// `VideoList` — and part of the list's resolved schema, which `drift`
/// checks against.
#[test]
fn a_field_folded_in_through_the_list_is_in_the_lists_items() {
    use vidapi::schema::{self, resolve};
    let dir = tempfile::tempdir().unwrap();
    copy_schemas(dir.path());
    let list = dir.path().join("minimax/videos.json");
    let resolved = resolve::resolve_file(&list).unwrap();
    let mut document = resolved.value.clone();
    let sample: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/drift/minimax-videos-later.json"),
        )
        .unwrap(),
    )
    .unwrap();
    schema::update(&mut document, &[sample]).unwrap();
    let writes = resolve::split(&resolved, &document).unwrap();
    let written: Vec<String> = writes
        .iter()
        .map(|(f, _)| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(written, ["video.json"]);
    for (file, value) in writes {
        fs::write(file, schema::to_file_text(&value)).unwrap();
    }
    let generated = codegen::generate(dir.path()).unwrap();
    let minimax = generated.iter().find(|g| g.provider == "minimax").unwrap();
    let video = &minimax.code[minimax.code.find("pub struct Video {").unwrap()..];
    let video = &video[..video.find("\n}").unwrap()];
    assert!(video.contains("pub origin_files:"), "{video}");
    assert!(
        minimax
            .code
            .contains("pub struct VideoList(pub ::std::vec::Vec<Video>);")
    );
    let list_root = minimax
        .roots
        .iter()
        .find(|r| r.rust_name == "VideoList")
        .unwrap();
    assert!(list_root.resolved.contains("originFiles"));
}

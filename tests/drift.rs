//! Drift findings: every fixture against its schema, the decode-time
//! recorder against a plain walk, clients recording across threads, and the
//! schemas' known statuses against the hand-written `Status` enums.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;
use vidapi::drift::{self, Finding, Kind, Schema};
use vidapi::emulator::{Emulator, Fault, USEAPI_TOKEN};
use vidapi::{Config, RetryPolicy, UseApi, registry, wire};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// Fixtures that are drift on purpose, with what each must report.
fn expected_drift(name: &str) -> Option<Vec<(&'static str, Kind)>> {
    use Kind::*;
    Some(match name {
        // FACTS: later MiniMax items carry `originFiles` and `canAppeal`.
        "drift/minimax-videos-later.json" => vec![
            ("[].canAppeal", UnknownField),
            ("[].originFiles", UnknownField),
        ],
        // A status code the `Status` enum does not know.
        "drift/minimax-videos-new-status.json" => vec![("[].status", UnknownValue)],
        // Later Hour One docs: the create request takes `scenes`.
        "drift/hourone-create-video-scenes.json" => vec![("scenes", UnknownField)],
        "drift/memories-list-videos-new-status.json" => {
            vec![("data.videos[].status", UnknownValue)]
        }
        "minimax/videos-drift.json" => vec![
            ("[].brandNewField", UnknownField),
            ("[].canAppeal", UnknownField),
            ("[].canRetry", TypeMismatch),
            ("[].canRetry", TypeMismatch),
            ("[].height", TypeMismatch),
            ("[].id", TypeMismatch),
            ("[].originFiles", UnknownField),
            ("[].status", TypeMismatch),
            ("[].status", TypeMismatch),
            ("[].status", UnknownValue),
            ("[].statusFinal", TypeMismatch),
            ("[].width", TypeMismatch),
            ("[].width", TypeMismatch),
        ],
        "minimax/files-drift.json" => vec![
            ("[].file_id", TypeMismatch),
            ("[].file_scene", TypeMismatch),
            ("[].file_status", TypeMismatch),
            ("[].width", UnknownField),
        ],
        "pixverse/videos-drift.json" => vec![
            ("data[].brand_new", UnknownField),
            ("data[].output_width", TypeMismatch),
            ("data[].queue_data.eta", UnknownField),
            ("data[].queue_data.queue_count", TypeMismatch),
            ("data[].queue_data.queue_time", TypeMismatch),
            ("data[].seed", TypeMismatch),
            ("data[].template_id", TypeMismatch),
            ("data[].upscaled", TypeMismatch),
            ("data[].video_id", TypeMismatch),
            ("data[].video_status", UnknownValue),
            ("data[].video_status_final", TypeMismatch),
            ("data[].video_status_name", UnknownValue),
            ("next_offset", TypeMismatch),
            ("server_time", UnknownField),
            ("total", TypeMismatch),
        ],
        "memories/list-videos-drift.json" => vec![
            ("data.current_page", TypeMismatch),
            ("data.has_more", UnknownField),
            ("data.page_size", TypeMismatch),
            ("data.videos[].fps", UnknownField),
            ("data.videos[].status", UnknownValue),
            ("data.videos[].video_name", TypeMismatch),
            ("data.videos[].video_no", TypeMismatch),
            ("failed", TypeMismatch),
            ("success", TypeMismatch),
            ("trace_id", UnknownField),
        ],
        "hourone/video-drift.json" => vec![
            ("id", TypeMismatch),
            ("new_field", UnknownField),
            ("req_id", TypeMismatch),
            ("status", UnknownValue),
        ],
        "hourone/metadata-drift.json" => vec![("duration", TypeMismatch)],
        "useapi/error-drift.json" => vec![("code", TypeMismatch), ("retryAfter", UnknownField)],
        _ => return None,
    })
}

/// Every fixture (relative to `tests/fixtures/`, the lookups' as
/// `../lookup-fixtures/…`) with its provider and type, from the endpoint
/// table (`vidapi::endpoints`).
fn fixtures() -> Vec<(String, &'static str, String)> {
    vidapi::endpoints::fixtures()
        .into_iter()
        .map(|(path, payload)| {
            let name = match path.strip_prefix("tests/fixtures/") {
                Some(name) => name.to_owned(),
                None => format!("../{}", path.strip_prefix("tests/").unwrap_or(path)),
            };
            (name, payload.provider(), payload.type_name())
        })
        .collect()
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(root().join("tests/fixtures").join(name)).unwrap()
}

/// The drift `json` shows against the frozen copy of the type's schema
/// (`tests/schema-fixtures/`), by the schema-guided walk: what the findings
/// of a fixture are, whatever `vidapi schema update` has since folded into
/// the live schemas (which the generated types follow).
fn frozen_check(provider: &str, type_name: &str, json: &[u8]) -> Vec<Finding> {
    let (name, list) = match type_name.strip_suffix("[]") {
        Some(name) => (name, true),
        None => (type_name, false),
    };
    let file = registry::schema_file(provider, name).unwrap();
    let mut schema =
        vidapi::schema::resolve::resolve_file(&root().join("tests/schema-fixtures").join(file))
            .unwrap()
            .value;
    if list {
        let definitions = schema
            .as_object_mut()
            .unwrap()
            .remove("definitions")
            .unwrap_or_default();
        schema = serde_json::json!({
            "title": name, "type": "array", "items": schema, "definitions": definitions
        });
    }
    let value: Value = serde_json::from_slice(json).unwrap();
    Schema::parse(&schema.to_string())
        .unwrap()
        .check(provider, &value)
}

fn places(findings: &[Finding]) -> Vec<(String, Kind)> {
    let mut places: Vec<_> = findings.iter().map(|f| (f.path.clone(), f.kind)).collect();
    places.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    places
}

#[test]
fn every_fixture_decodes_with_no_drift_except_the_deliberate_ones() {
    let all = fixtures();
    assert!(all.len() > 30, "{}", all.len());
    for (name, provider, type_name) in all {
        let expected: Vec<(String, Kind)> = expected_drift(&name)
            .unwrap_or_default()
            .into_iter()
            .map(|(p, k)| (p.to_owned(), k))
            .collect();
        // The live types may have absorbed some of the deliberate drift
        // (`schema update` folds it in); they never find anything else.
        let live = registry::check(provider, &type_name, &read(&name))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        for place in places(&live) {
            assert!(
                expected.contains(&place),
                "{name}: {place:?} is not deliberate"
            );
        }
        let found = frozen_check(provider, &type_name, &read(&name));
        assert_eq!(
            places(&found),
            expected,
            "{name}:\n{}",
            found
                .iter()
                .map(|f| f.to_string() + "\n")
                .collect::<String>()
        );
    }
}

#[test]
fn findings_say_what_was_seen_where() {
    let found = frozen_check(
        "memories",
        "ListVideosResponse",
        &read("memories/list-videos-drift.json"),
    );
    let page_size = found.iter().find(|f| f.path == "data.page_size").unwrap();
    assert_eq!(
        (page_size.seen.as_str(), page_size.expected.as_str()),
        ("string", "integer")
    );
    assert_eq!(page_size.example, "\"20\"");
    assert_eq!(
        page_size.to_string(),
        "memories ListVideosResponse data.page_size: type-mismatch: string where integer is declared; 1 time, e.g. \"20\""
    );
    let status = frozen_check(
        "minimax",
        "VideoList",
        &read("drift/minimax-videos-new-status.json"),
    );
    assert_eq!(status[0].example, "13");
    assert!(
        status[0].expected.starts_with("known: 0, 1, 2"),
        "{}",
        status[0].expected
    );
    // Counted per occurrence, listed once per place.
    let later = frozen_check(
        "minimax",
        "VideoList",
        &read("drift/minimax-videos-later.json"),
    );
    assert!(later.iter().all(|f| f.count == 2), "{later:?}");
}

/// The decode-time recorder and a plain walk of the parsed value must agree:
/// the walk has no blind spots (it sees every key of every object), so any
/// difference would be a value the recorder missed, for instance inside the
/// untagged enum typify makes of PixVerse's `queue_data` (`anyOf`).
#[test]
fn recording_while_decoding_sees_what_a_full_walk_sees() {
    for (name, provider, type_name) in fixtures() {
        if type_name.ends_with("[]") {
            continue;
        }
        let file = registry::schema_file(provider, &type_name).unwrap();
        let resolved =
            vidapi::schema::resolve::resolve_file(&root().join("schemas").join(&file)).unwrap();
        let schema = Schema::parse(&resolved.value.to_string()).unwrap();
        let value: Value = serde_json::from_slice(&read(&name)).unwrap();
        let walked = schema.check(provider, &value);
        let decoded = registry::check(provider, &type_name, &read(&name)).unwrap();
        let key = |f: &Finding| (f.path.clone(), f.kind, f.seen.clone(), f.count);
        let mut a: Vec<_> = walked.iter().map(key).collect();
        let mut b: Vec<_> = decoded.iter().map(key).collect();
        a.sort();
        b.sort();
        assert_eq!(a, b, "{name}");
    }
}

#[test]
fn unknown_keys_inside_untagged_and_nested_types_are_seen() {
    // `queue_data` is an `anyOf` (an untagged enum in Rust): serde_ignored
    // would not see `eta` there.
    let json =
        br#"{"data": [{"queue_data": {"queue_count": 1, "eta_zq": 4, "deep_zq": {"x": 1}}}]}"#;
    let (_, found) = drift::decode::<vidapi::pixverse::VideoPage>(json, true).unwrap();
    assert_eq!(
        places(&found),
        [
            ("data[].queue_data.deep_zq".to_owned(), Kind::UnknownField),
            ("data[].queue_data.eta_zq".to_owned(), Kind::UnknownField)
        ]
    );
}

#[test]
fn decode_errors_name_the_json_path() {
    let json = br#"{"data": [{"video_id": "a"}, {"queue_data": "soon"}]}"#;
    let err = drift::decode::<vidapi::pixverse::VideoPage>(json, true).unwrap_err();
    assert!(err.contains("data[1].queue_data"), "{err}");
    let err = registry::check("pixverse", "VideoPage", b"{\"data\": ").unwrap_err();
    assert!(matches!(err, drift::CheckError::NotJson(_)), "{err}");
    let err = registry::check("pixverse", "Nope", b"{}").unwrap_err();
    assert!(err.to_string().contains("VideoPage"), "{err}");
    let err = registry::check("nope", "VideoPage", b"{}").unwrap_err();
    assert!(err.to_string().contains("minimax"), "{err}");
}

#[test]
fn every_root_type_of_every_schema_is_registered() {
    let dir = root().join("schemas");
    let mut on_disk = Vec::new();
    for provider in std::fs::read_dir(&dir).unwrap() {
        let provider = provider.unwrap().path();
        // Files beside the provider folders hold shared definitions only.
        if !provider.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&provider).unwrap() {
            let schema: Value =
                serde_json::from_slice(&std::fs::read(file.unwrap().path()).unwrap()).unwrap();
            let name = provider.file_name().unwrap().to_string_lossy().into_owned();
            on_disk.push((name, schema["title"].as_str().unwrap().to_owned()));
        }
    }
    let mut registered: Vec<_> = registry::types()
        .map(|(p, t)| (p.to_owned(), t.to_owned()))
        .collect();
    on_disk.sort();
    registered.sort();
    assert_eq!(on_disk, registered);
}

/// `x-known-values` in the schemas and the hand-written `Status` enums must
/// agree, or a value would be "known" to the drift check but `Unknown` to
/// callers (or the other way round).
#[test]
fn known_status_values_match_the_status_enums() {
    fn known(file: &str, definition: Option<&str>, property: &str) -> Vec<Value> {
        // The frozen copy: `schema update` appends new values to the live
        // file's `x-known-values`, and the (non-exhaustive) enums meet them as
        // `Unknown(raw)` until someone adds the arm.
        let schema =
            vidapi::schema::resolve::resolve_file(&root().join("tests/schema-fixtures").join(file))
                .unwrap()
                .value;
        let owner = match definition {
            Some(d) => &schema["definitions"][d],
            None => &schema,
        };
        owner["properties"][property][drift::KNOWN_VALUES]
            .as_array()
            .unwrap_or_else(|| panic!("{file} {property} lists no known values"))
            .clone()
    }
    use vidapi::{hourone, memories, minimax, pixverse};
    for code in known("minimax/videos.json", Some("Video"), "status") {
        let code = wire::FlexInt::from(code.as_i64().unwrap());
        assert!(
            !matches!(
                minimax::Status::from_code(&code),
                minimax::Status::Unknown(_)
            ),
            "{code}"
        );
    }
    assert!(matches!(
        minimax::Status::from_code(&wire::FlexInt::from(13)),
        minimax::Status::Unknown(_)
    ));
    for code in known("pixverse/videos.json", Some("Video"), "video_status") {
        let code = wire::FlexInt::from(code.as_i64().unwrap());
        let status = pixverse::Status::from_parts(Some(&code), None).unwrap();
        assert!(
            !matches!(status, pixverse::Status::Unknown(_)),
            "pixverse video_status {code} is in x-known-values but pixverse::Status has no arm"
        );
    }
    for name in known("pixverse/videos.json", Some("Video"), "video_status_name") {
        let status = pixverse::Status::from_parts(None, name.as_str()).unwrap();
        assert!(!matches!(status, pixverse::Status::Unknown(_)), "{name}");
    }
    for value in known("hourone/video.json", None, "status") {
        let status = hourone::Status::parse(value.as_str().unwrap());
        assert!(!matches!(status, hourone::Status::Unknown(_)), "{value}");
    }
    for value in known(
        "memories/list-videos-response.json",
        Some("Video"),
        "status",
    ) {
        let status = memories::Status::parse(value.as_str().unwrap());
        assert!(!matches!(status, memories::Status::Unknown(_)), "{value}");
    }
}

fn useapi(emulator: &Emulator, config: Config) -> UseApi {
    UseApi::with_config(
        USEAPI_TOKEN,
        config
            .base_url(emulator.base_url())
            .retry(RetryPolicy::none()),
    )
    .unwrap()
}

const DRIFTED_LIST: &str =
    r#"[{"id": "1", "status": 2, "camera": "a"}, {"id": 2, "status": 2, "camera": "b"}]"#;

#[test]
fn clients_record_findings_and_can_be_told_not_to() {
    let emulator = Emulator::start().unwrap();
    let client = useapi(&emulator, Config::new());
    // The documented sample shows no drift.
    client.minimax().videos(None).unwrap();
    assert_eq!(client.drift(), []);
    emulator.fail_next(1, Fault::json(200, DRIFTED_LIST));
    let videos = client.minimax().videos(None).unwrap();
    assert_eq!(videos.len(), 2, "recording never changes what is decoded");
    let clone = client.clone();
    let found = clone.drift();
    assert_eq!(
        places(&found),
        [
            ("[].camera".to_owned(), Kind::UnknownField),
            ("[].id".to_owned(), Kind::TypeMismatch)
        ]
    );
    assert_eq!(found[0].count, 2);
    assert_eq!(client.take_drift().len(), 2);
    assert_eq!(client.drift(), []);

    let quiet = useapi(&emulator, Config::new().record_drift(false));
    emulator.fail_next(1, Fault::json(200, DRIFTED_LIST));
    quiet.minimax().videos(None).unwrap();
    assert_eq!(quiet.drift(), []);
}

#[test]
fn examples_never_carry_the_credential() {
    let emulator = Emulator::start().unwrap();
    let client = useapi(&emulator, Config::new());
    let body = format!(r#"[{{"id": "1", "echo": "Bearer {USEAPI_TOKEN}", "api_token": "abc"}}]"#);
    emulator.fail_next(1, Fault::json(200, &body));
    client.minimax().videos(None).unwrap();
    let text: String = client
        .drift()
        .iter()
        .map(|f| format!("{f} {f:?}\n"))
        .collect();
    assert!(
        !text.contains(USEAPI_TOKEN) && !text.contains("abc"),
        "{text}"
    );
    assert!(text.contains("[redacted]"), "{text}");
}

#[test]
fn counts_add_up_exactly_across_threads_and_clones() {
    const THREADS: usize = 16;
    const CALLS: usize = 10;
    let emulator = Arc::new(Emulator::start().unwrap());
    let client = useapi(&emulator, Config::new());
    emulator.fail_next(THREADS * CALLS, Fault::json(200, DRIFTED_LIST));
    std::thread::scope(|scope| {
        for _ in 0..THREADS {
            let client = client.clone();
            scope.spawn(move || {
                for _ in 0..CALLS {
                    client.minimax().videos(None).unwrap();
                }
            });
        }
    });
    let found = client.drift();
    let camera = found.iter().find(|f| f.path == "[].camera").unwrap();
    assert_eq!(camera.count, (THREADS * CALLS * 2) as u64);
    let id = found.iter().find(|f| f.path == "[].id").unwrap();
    assert_eq!(id.count, (THREADS * CALLS) as u64);
}

/// The vendored JSONTestSuite-style `y_` values, as (name, text).
fn y_values() -> Vec<(String, String)> {
    let dir = root().join("tests/jsontestsuite/values");
    let mut out = Vec::new();
    for file in std::fs::read_dir(&dir).unwrap() {
        let path = file.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        out.push((name, std::fs::read_to_string(&path).unwrap()));
    }
    out.sort();
    assert!(out.len() >= 40, "{} values", out.len());
    out
}

/// The JSON type of a value's text, worked out without the scan: by its
/// first character, and for a number by what `FlexInt` holds (an integer
/// literal that fits `i64` is an `integer`; `-0`, which serde reads as
/// `-0.0`, and larger integers, `u64` range included, are a `number`).
fn json_type_of(text: &str) -> &'static str {
    let text = text.trim();
    let kind = match text.as_bytes()[0] {
        b'{' => "object",
        b'[' => "array",
        b'"' => "string",
        b't' | b'f' => "boolean",
        b'n' => "null",
        _ if text.contains(['.', 'e', 'E']) || text == "-0" => "number",
        _ if text.parse::<i64>().is_ok() => "integer",
        _ => "number",
    };
    // Where serde can hold the value, it agrees.
    if let Ok(value) = serde_json::from_str::<Value>(text) {
        assert_eq!(vidapi::schema::json_type(&value), kind, "{text}");
    }
    kind
}

/// Each `y_` value as an undeclared field, in a page and in a single video:
/// exactly one finding, an unknown field of the value's JSON type at the
/// spliced path, whether or not serde could hold the value.
#[test]
fn y_values_as_undeclared_fields_are_one_finding_of_their_type() {
    for (name, text) in y_values() {
        let expected = json_type_of(&text);
        let cases = [
            (
                "VideoPage",
                format!(r#"{{"data":[{{"video_id":"v","x_new_zq":{text}}}],"total":1}}"#),
                "data[].x_new_zq",
            ),
            (
                "Video",
                format!(r#"{{"video_id":"v","x_new_zq":{text}}}"#),
                "x_new_zq",
            ),
            // The same key twice: the value kept is the last, as the decode
            // keeps it.
            (
                "Video",
                format!(r#"{{"x_new_zq":{{"first":1}},"video_id":"v","x_new_zq":{text}}}"#),
                "x_new_zq",
            ),
        ];
        for (type_name, json, path) in cases {
            let found = registry::check("pixverse", type_name, json.as_bytes())
                .unwrap_or_else(|e| panic!("{name} as {type_name}: {e}"));
            assert_eq!(found.len(), 1, "{name} as {type_name}: {found:?}");
            let f = &found[0];
            assert_eq!(f.path, path, "{name}");
            assert_eq!(f.kind, Kind::UnknownField, "{name}");
            assert_eq!(f.seen, expected, "{name}: {f}");
            assert!(!f.example.is_empty(), "{name}");
            if serde_json::from_str::<Value>(&text).is_err() {
                // Shown as its source text, cut, never as `null`.
                let source: String = text.trim().chars().take(20).collect();
                assert!(f.example.starts_with(&source), "{name}: {}", f.example);
            }
        }
    }
}

/// Each `y_` value as the value of a declared field of another type: one
/// type mismatch of the value's JSON type, or, where the field's type cannot
/// hold the value at all (serde cannot read it), a decode error, never a
/// finding of another type. `null` is every field's due.
#[test]
fn y_values_as_declared_fields_of_another_type_are_one_mismatch() {
    for (name, text) in y_values() {
        let expected = json_type_of(&text);
        if expected == "null" {
            continue;
        }
        // A declared field that does not take this JSON type, as the live
        // schema stands (`schema update` may have widened any of them).
        let Some(field) = field_not_taking(expected) else {
            continue;
        };
        let field = field.as_str();
        let json = format!(r#"{{"video_id":"v","{field}":{text}}}"#);
        match registry::check("pixverse", "Video", json.as_bytes()) {
            Ok(found) => {
                assert_eq!(found.len(), 1, "{name}: {found:?}");
                assert_eq!(found[0].path, field, "{name}");
                assert_eq!(found[0].kind, Kind::TypeMismatch, "{name}");
                assert_eq!(found[0].seen, expected, "{name}");
            }
            Err(e) => {
                assert!(
                    serde_json::from_str::<Value>(&text).is_err(),
                    "{name} decodes with serde but not as a field: {e}"
                );
                assert!(matches!(e, drift::CheckError::Decode { .. }), "{name}: {e}");
            }
        }
    }
}

/// A property of the live PixVerse `Video` that counts `json_type` as a
/// type mismatch: a `FlexText` leaf for numbers and booleans, a numeric or
/// flag leaf for strings, without that type in its `x-wire-types`.
fn field_not_taking(json_type: &str) -> Option<String> {
    let video = vidapi::schema::resolve::resolve_file(&root().join("schemas/pixverse/video.json"))
        .unwrap()
        .value;
    let wanted = if json_type == "string" {
        ["FlexInt", "FlexNumber", "FlexBool"].as_slice()
    } else {
        ["FlexText"].as_slice()
    };
    video["properties"]
        .as_object()?
        .iter()
        .find_map(|(name, prop)| {
            let flex = prop["$ref"].as_str()?.rsplit('/').next()?;
            let takes = prop["x-wire-types"].as_array().is_some_and(|w| {
                w.iter()
                    .any(|t| t == json_type || (t == "number" && json_type == "integer"))
            });
            (name != "video_id" && wanted.contains(&flex) && !takes).then(|| name.clone())
        })
}

/// The rule for `-0` is serde's: a number, in the scan, `schema infer` and
/// `schema update` alike.
#[test]
fn minus_zero_is_a_number_everywhere() {
    let found = registry::check("pixverse", "Video", br#"{"video_id":"v","m":-0}"#).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].seen, "number");
    // Declared as an integer, `-0` is drift: serde reads it as a float.
    let found = registry::check("pixverse", "Video", br#"{"video_id":"v","seed":-0}"#).unwrap();
    assert_eq!((found.len(), found[0].seen.as_str()), (1, "number"));
    let sample: Value = serde_json::from_str(r#"{"m":-0}"#).unwrap();
    assert_eq!(vidapi::schema::json_type(&sample["m"]), "number");
    let inferred = vidapi::schema::infer(std::slice::from_ref(&sample), "T");
    let text = inferred.to_string();
    assert!(
        text.contains("FlexNumber") && !text.contains("FlexInt"),
        "{text}"
    );
    // An integer field seeing `-0` is widened, as for any other float.
    let integer: Value = serde_json::from_str(r#"{"m":0}"#).unwrap();
    let mut schema = vidapi::schema::infer(&[integer], "T");
    assert!(schema.to_string().contains("FlexInt"), "{schema}");
    let changes = vidapi::schema::update(&mut schema, &[sample]).unwrap();
    assert!(!changes.is_empty(), "-0 on an integer field is a change");
}

#[test]
fn values_serde_cannot_hold_keep_their_type_and_source_text() {
    let deep = format!("{}{}", "[".repeat(130), "]".repeat(130));
    let digits = "7".repeat(400);
    let json = format!(
        r#"{{"data":[{{"video_id":"v","deep":{deep},"huge":1e400,"long":{digits},"lone":"\ud800","holder":{{"in":1e400}}}}]}}"#
    );
    let found = registry::check("pixverse", "VideoPage", json.as_bytes()).unwrap();
    let seen: Vec<(&str, &str, &str)> = found
        .iter()
        .map(|f| (f.path.as_str(), f.seen.as_str(), f.example.as_str()))
        .collect();
    assert_eq!(seen.len(), 5, "{seen:?}");
    let get = |p: &str| *seen.iter().find(|s| s.0 == p).unwrap();
    assert_eq!(get("data[].deep").1, "array");
    assert!(get("data[].deep").2.starts_with("[[[[") && get("data[].deep").2.ends_with('…'));
    assert_eq!(get("data[].huge"), ("data[].huge", "number", "1e400"));
    assert_eq!(get("data[].long").1, "number");
    assert!(get("data[].long").2.starts_with("7777"));
    assert_eq!(get("data[].lone"), ("data[].lone", "string", r#""\ud800""#));
    assert_eq!(
        get("data[].holder"),
        ("data[].holder", "object", r#"{"in":1e400}"#)
    );
    assert!(
        found
            .iter()
            .all(|f| f.to_string().contains(&format!("sent as {}", f.seen)))
    );
}

#[test]
fn single_videos_have_their_own_types() {
    for provider in ["minimax", "pixverse"] {
        let t = registry::find(provider, "Video").unwrap_or_else(|e| panic!("{provider}: {e}"));
        let found = t.check(br#"{"never_declared_zq": 1}"#);
        // Only an undeclared key: the root is not a video.
        assert!(
            matches!(found, Err(drift::CheckError::NotA { .. })),
            "{provider}: {found:?}"
        );
        assert_eq!(
            registry::schema_file(provider, "Video").as_deref(),
            Some(format!("{provider}/video.json").as_str())
        );
    }
    let found = registry::check(
        "pixverse",
        "Video",
        br#"{"video_id":"v","never_declared_zq":true}"#,
    )
    .unwrap();
    assert_eq!(
        places(&found),
        [("never_declared_zq".to_owned(), Kind::UnknownField)]
    );
    // The single video and the page's items are one Rust type.
    let page: vidapi::pixverse::VideoPage =
        serde_json::from_str(r#"{"data":[{"video_id":"v"}]}"#).unwrap();
    let one: vidapi::pixverse::Video = page.data.unwrap().remove(0);
    let (again, _) =
        drift::decode::<vidapi::pixverse::Video>(br#"{"video_id":"v"}"#, true).unwrap();
    assert_eq!(one, again);
}

#[test]
fn wrong_root_shapes_are_not_the_type() {
    let video = br#"{"video_id":"v","prompt":"a","status":1}"#;
    let cases: [(&str, &str, &[u8], &str); 5] = [
        ("pixverse", "VideoPage", video, "none of the declared keys"),
        ("pixverse", "VideoPage", b"[]", "an array"),
        (
            "pixverse",
            "VideoPage",
            br#"{"data":"oops"}"#,
            "`data` is a string",
        ),
        ("minimax", "VideoList", br#"{"id":"1"}"#, "an object"),
        (
            "hourone",
            "Video[]",
            br#"[{"id":"1"},{"nope":1}]"#,
            "item 1",
        ),
    ];
    for (provider, type_name, json, why) in cases {
        let err = registry::check(provider, type_name, json).unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, drift::CheckError::NotA { .. }), "{text}");
        assert!(text.starts_with(&format!("not a {type_name}: ")), "{text}");
        assert!(text.contains(why), "{text}");
    }
    // A declared key next to new ones, and `null` where a list is declared,
    // are drift (or nothing), not another type.
    assert!(registry::check("pixverse", "VideoPage", br#"{"total":1,"new":2}"#).is_ok());
    assert!(registry::check("pixverse", "VideoPage", br#"{"data":null}"#).is_ok());
    assert!(registry::check("pixverse", "VideoPage", b"{}").is_ok());
}

#[test]
fn examples_are_redacted_before_they_are_cut() {
    let emulator = Emulator::start().unwrap();
    let client = useapi(&emulator, Config::new());
    // The credential straddles the 80th character of the example, and a
    // URL with a user name and password is echoed too.
    let pad = "x".repeat(70);
    let body = format!(
        r#"[{{"id": "1", "echo": "{pad}{USEAPI_TOKEN}", "via": "http://bob:hunter22@proxy.lan:3128/"}}]"#
    );
    emulator.fail_next(1, Fault::json(200, &body));
    client.minimax().videos(None).unwrap();
    let found = client.drift();
    let echo = found.iter().find(|f| f.path == "[].echo").unwrap();
    let start = &USEAPI_TOKEN[..4];
    assert!(!echo.example.contains(start), "{}", echo.example);
    // The marker may itself be cut: `[redacted…`.
    assert!(echo.example.contains("[redacted"), "{}", echo.example);
    let via = found.iter().find(|f| f.path == "[].via").unwrap();
    assert_eq!(via.example, r#""http://[redacted]@proxy.lan:3128/""#);
}

/// An integer between 2⁶³ and 2⁶⁴−1 on a `FlexInt` field is a finding (a
/// number where an integer is declared: `get()` answers `None` for it), in
/// the schema walk and while decoding alike, with the bytes as sent.
#[test]
fn integers_beyond_i64_on_flexint_fields_are_findings() {
    for big in ["9223372036854775808", "18446744073709551615"] {
        let json = format!(r#"{{"video_id":"v","seed":{big}}}"#);
        let walked = frozen_check("pixverse", "Video", json.as_bytes());
        assert_eq!(places(&walked), [("seed".to_owned(), Kind::TypeMismatch)]);
        assert_eq!(walked[0].seen, "number");
        assert_eq!(walked[0].example, big);
    }
    // The live types, on a `FlexInt` field that takes no numbers (as the
    // live schema stands: `schema update` may have widened any of them).
    let video = vidapi::schema::resolve::resolve_file(&root().join("schemas/pixverse/video.json"))
        .unwrap()
        .value;
    let flexint = video["properties"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, p)| {
            p["$ref"].as_str().is_some_and(|r| r.ends_with("/FlexInt"))
                && !p["x-wire-types"]
                    .as_array()
                    .is_some_and(|w| w.iter().any(|t| t == "number"))
        })
        .map(|(name, _)| name.clone());
    if let Some(field) = flexint {
        let json = format!(r#"{{"video_id":"v","{field}":18446744073709551615}}"#);
        let found = registry::check("pixverse", "Video", json.as_bytes()).unwrap();
        assert_eq!(places(&found), [(field.clone(), Kind::TypeMismatch)]);
        assert_eq!(found[0].example, "18446744073709551615");
    }
}

/// A key serde cannot read (a lone surrogate escape) and a declared key
/// sent twice (once escaped) fail the decode with an error that names the
/// key as sent, never a bare parse error.
#[test]
fn unreadable_and_duplicate_keys_are_named() {
    let json = "{\"data\":[{\"video_id\":\"v\",\n \"\\ud800x\":1}]}";
    let err = registry::check("pixverse", "VideoPage", json.as_bytes()).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains(r#"the key "\ud800x" cannot be read"#),
        "{text}"
    );
    let json = r#"{"data":[{"video_id":"v","pr\u006fmpt":"a","prompt":"b"}]}"#;
    let text = registry::check("pixverse", "VideoPage", json.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(text.contains("duplicate field `prompt`"), "{text}");
    assert!(text.contains("data[0]"), "{text}");
}

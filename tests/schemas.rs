//! Every fixture decodes into its generated type, documented samples match
//! their schemas, payloads round-trip, and the accessors read drift right.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use vidapi::view::Stage;
use vidapi::wire::Tolerant;
use vidapi::{hourone, memories, minimax, pixverse};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// The number in an optional tolerant leaf (`None` when absent or not a
/// number).
/// Read through `wire::Tolerant`, whichever `Flex*` type the schema gives
/// the field today: `schema update` may widen `FlexInt` to `FlexNumber` (or
/// `FlexText`), and this file must keep compiling when it does.
fn num<T: Tolerant>(field: &Option<T>) -> Option<f64> {
    field.as_ref().and_then(Tolerant::number)
}

fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(root().join("tests/fixtures").join(name))
        .unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

fn fixture<T: DeserializeOwned>(name: &str) -> T {
    serde_json::from_str(&fixture_text(name))
        .unwrap_or_else(|e| panic!("{name} does not decode: {e}"))
}

/// Every fixture of the endpoint table (`vidapi::endpoints`) decodes as its
/// type, and written and read back it is the same value.
#[test]
fn every_fixture_has_a_type_decodes_and_round_trips() {
    let all = vidapi::endpoints::fixtures();
    assert!(all.len() >= 30, "fixtures went missing: {all:?}");
    for (path, payload) in all {
        let bytes = std::fs::read(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(
            payload.round_trip(&bytes),
            vidapi::endpoints::RoundTrip::Same,
            "{path} as {}",
            payload.type_name()
        );
    }
}

/// A live schema as every reader sees it: cross-file references resolved.
fn schema(name: &str) -> Value {
    vidapi::schema::resolve::resolve_file(&root().join("schemas").join(name))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .value
}

fn assert_valid(schema_name: &str, fixture_name: &str) {
    let validator = jsonschema::validator_for(&schema(schema_name))
        .unwrap_or_else(|e| panic!("{schema_name} is not a valid schema: {e}"));
    let instance: Value = fixture(fixture_name);
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "{fixture_name} against {schema_name}: {errors:?}"
    );
}

#[test]
fn documented_samples_validate_against_their_schemas() {
    assert_valid("minimax/videos.json", "minimax/videos.json");
    assert_valid("minimax/files.json", "minimax/files.json");
    assert_valid("useapi/error.json", "useapi/error-400.json");
    assert_valid("useapi/error.json", "useapi/error-401.json");
    assert_valid("pixverse/videos.json", "pixverse/videos.json");
    assert_valid(
        "memories/list-videos-response.json",
        "memories/list-videos.json",
    );
    assert_valid(
        "memories/list-videos-request.json",
        "memories/list-videos-request.json",
    );
    assert_valid("hourone/video.json", "hourone/video.json");
    assert_valid("hourone/metadata.json", "hourone/metadata.json");
    assert_valid(
        "hourone/validation-error.json",
        "hourone/validation-error.json",
    );
    assert_valid(
        "hourone/create-video.json",
        "hourone/create-video-request.json",
    );
    // The newer memories.ai version (numbers instead of strings) fits too.
    assert_valid(
        "memories/list-videos-response.json",
        "memories/list-videos-newer.json",
    );
}

#[test]
fn every_schema_is_a_valid_draft_07_schema_with_a_title() {
    for provider in std::fs::read_dir(root().join("schemas")).unwrap() {
        let provider = provider.unwrap().path();
        // Files beside the provider folders hold shared definitions only.
        if !provider.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(provider).unwrap() {
            let path = file.unwrap().path();
            let value: Value = vidapi::schema::resolve::resolve_file(&path)
                .unwrap_or_else(|e| panic!("{e}"))
                .value;
            assert!(
                jsonschema::validator_for(&value).is_ok(),
                "{}",
                path.display()
            );
            assert!(
                value["title"].is_string(),
                "{} has no title",
                path.display()
            );
            assert_eq!(
                value["$schema"],
                "http://json-schema.org/draft-07/schema#",
                "{}",
                path.display()
            );
        }
    }
}

#[test]
fn minimax_documented_sample_and_statuses() {
    let videos: Vec<minimax::Video> = fixture("minimax/videos.json");
    assert_eq!(videos.len(), 2);
    assert_eq!(videos[0].status(), Some(minimax::Status::Processing));
    assert!(!videos[0].is_final());
    assert_eq!(videos[0].playable_url(), None, "empty videoURL is no URL");
    assert_eq!(videos[1].status(), Some(minimax::Status::Completed));
    assert!(videos[1].is_final() && !videos[1].is_failed());
    assert_eq!(videos[1].playable_url(), Some("<generated video url>"));
    assert_eq!(videos[1].id(), Some("video_id_#2"));

    let drift: Vec<minimax::Video> = fixture("minimax/videos-drift.json");
    let statuses: Vec<_> = drift.iter().map(|v| v.status().unwrap()).collect();
    assert_eq!(
        statuses,
        vec![
            minimax::Status::Completed, // "2" as a string
            minimax::Status::Failed,
            minimax::Status::Moderated,
            minimax::Status::Queued,
            minimax::Status::Processing,
            minimax::Status::Unknown("99".into()),
            minimax::Status::Processing, // 1.0
        ]
    );
    assert_eq!(drift[0].id(), Some("1234567"), "numeric id read as text");
    assert_eq!(drift[0].can_retry.as_ref().unwrap().flag(), Some(false));
    assert_eq!(drift[1].can_retry.as_ref().unwrap().flag(), Some(true));
    assert_eq!(num(&drift[0].width), Some(1280.0));
    assert!(drift[1].is_failed() && drift[1].is_final());
    assert!(drift[2].is_failed() && drift[2].is_final());
    assert!(!drift[3].is_final());
    assert!(
        !drift[5].is_final(),
        "unknown status with statusFinal false"
    );
    assert_eq!(
        drift[5].status().unwrap().stage(),
        Stage::Unknown("99".into())
    );
    assert_eq!(
        (drift[6].height.is_some(), num(&drift[6].height)),
        (true, None),
        "\"tall\" is kept, not a number"
    );

    let nulls: Vec<minimax::Video> = fixture("minimax/videos-nulls.json");
    assert_eq!(nulls[0].status(), None);
    assert_eq!(nulls[0].playable_url(), None);
    assert!(!nulls[0].is_final());
}

#[test]
fn pixverse_documented_sample_statuses_and_timestamps() {
    let page: pixverse::VideoPage = fixture("pixverse/videos.json");
    assert_eq!(num(&page.total), Some(55.0));
    assert_eq!(num(&page.next_offset), Some(40.0));
    let videos = page.data.unwrap();
    assert_eq!(videos[0].status(), Some(pixverse::Status::Generating));
    assert!(!videos[0].is_final());
    assert_eq!(
        videos[0].playable_url(),
        None,
        "not playable while generating"
    );
    assert_eq!(videos[0].lip_sync, Some(json!({})));
    assert_eq!(videos[1].status(), Some(pixverse::Status::Completed));
    assert!(videos[1].is_final());
    assert_eq!(
        videos[1].playable_url(),
        Some("https://media.pixverse.ai/...mp4")
    );
    assert_eq!(videos[1].lip_sync, None, "null lip_sync");
    assert!(videos[1].is_upscaled() && videos[1].watermark_removed() && !videos[1].is_extended());
    // Model says number, sample sends a string: both are text.
    assert_eq!(
        videos[1].original_video_id.as_deref(),
        Some("user:<userid>-pixverse:<email>-video:66778899")
    );
    assert_eq!(videos[0].original_video_id.as_deref(), Some("0"));
    assert_eq!(num(&videos[1].template_id), Some(307_489_548_427_968.0));
    let created = videos[0].created_at().unwrap();
    assert_eq!(created.to_rfc3339(), "2024-11-11T12:34:56+00:00");
    assert_eq!(
        videos[1].template_i18n().unwrap()["zh-CN"]["display_name"],
        "疯狂猫女变身"
    );

    let drift: pixverse::VideoPage = fixture("pixverse/videos-drift.json");
    let drift = drift.data.unwrap();
    assert_eq!(drift[0].status(), Some(pixverse::Status::Failed));
    assert!(drift[0].is_failed() && drift[0].is_final());
    assert_eq!(drift[0].original_video_id.as_deref(), Some("66778899"));
    assert_eq!(drift[1].status(), Some(pixverse::Status::Moderated));
    assert_eq!(
        drift[1].created_at(),
        None,
        "a bad date is None, not an error"
    );
    assert_eq!(
        num(&drift[1].queue_data.as_ref().unwrap().queue_count),
        Some(2.0)
    );
    assert_eq!(
        drift[2].status(),
        Some(pixverse::Status::Unknown("42".into()))
    );
    assert!(!drift[2].is_final());
    assert_eq!(num(&drift[2].output_width), Some(1920.0));
    // The docs call QUEUED final; it is not.
    assert_eq!(drift[3].status(), Some(pixverse::Status::Queued));
    assert!(!drift[3].is_final());
    // No code, only a name.
    assert_eq!(drift[4].status(), Some(pixverse::Status::Completed));
    assert_eq!(drift[4].video_id.as_deref(), Some("9005"));

    let nulls: pixverse::VideoPage = fixture("pixverse/videos-nulls.json");
    let video = &nulls.data.unwrap()[0];
    assert_eq!(video.status(), None);
    assert_eq!(video.created_at(), None);
    let null_data: pixverse::VideoPage = fixture("pixverse/videos-data-null.json");
    assert_eq!(null_data.data, None);
}

#[test]
fn pixverse_two_thousand_item_page_decodes() {
    let sample: Value = fixture("pixverse/videos.json");
    let template = sample["data"][1].clone();
    let data: Vec<Value> = (0..2000)
        .map(|i| {
            let mut v = template.clone();
            v["video_id"] = json!(format!("video-{i}"));
            v
        })
        .collect();
    let text = json!({"data": data, "next_offset": 2000, "total": 2000}).to_string();
    let page: pixverse::VideoPage = serde_json::from_str(&text).unwrap();
    let videos = page.data.unwrap();
    assert_eq!(videos.len(), 2000);
    assert_eq!(videos[1999].video_id.as_deref(), Some("video-1999"));
    assert!(
        videos
            .iter()
            .all(|v| v.status() == Some(pixverse::Status::Completed))
    );
}

#[test]
fn hourone_video_statuses_progress_and_metadata() {
    let video: hourone::Video = fixture("hourone/video.json");
    assert_eq!(video.status(), Some(hourone::Status::Started));
    assert_eq!(video.progress(), Some(0));
    assert!(!video.is_final());
    assert_eq!(video.playable_url(), None);

    let listed: Vec<hourone::Video> = fixture("hourone/videos.json");
    assert_eq!(listed[0].template_id.as_deref(), Some("tmpl_9"));
    assert_eq!(listed[0].correlation_id.as_deref(), Some("corr-1"));
    assert_eq!(listed[0].scenes, Some(json!([{"text": "Hello"}])));
    assert_eq!(listed[1].status(), Some(hourone::Status::Ready));
    assert!(listed[1].is_final());
    assert_eq!(
        listed[1].playable_url(),
        Some("https://cdn.example/vid_02.mp4")
    );

    let drift: hourone::Video = fixture("hourone/video-drift.json");
    assert_eq!(drift.id.as_deref(), Some("98765"));
    assert_eq!(drift.progress(), None, "-1 is unknown progress");
    assert_eq!(
        drift.status(),
        Some(hourone::Status::Unknown("rendering_v2".into()))
    );
    assert!(!drift.is_final());

    for (raw, status, is_final) in [
        ("not_started", hourone::Status::NotStarted, false),
        ("processing", hourone::Status::Processing, false),
        ("published", hourone::Status::Published, true),
        ("failed", hourone::Status::Failed, true),
        ("stopped", hourone::Status::Stopped, true),
        ("cancelled", hourone::Status::Cancelled, true),
        ("READY", hourone::Status::Ready, true),
    ] {
        assert_eq!(hourone::Status::parse(raw), status);
        assert_eq!(
            hourone::Status::parse(raw).stage().is_final(),
            is_final,
            "{raw}"
        );
    }

    let meta: hourone::VideoMetadata = fixture("hourone/metadata.json");
    assert_eq!(meta.duration_secs(), Some(12.5));
    assert_eq!(meta.scenes_metadata.as_ref().unwrap().len(), 2);
    let drift: hourone::VideoMetadata = fixture("hourone/metadata-drift.json");
    assert_eq!(drift.duration_secs(), Some(12.5), "\"12.5\" as a string");
    assert_eq!(
        drift.extra["resolution"], "1080p",
        "undocumented members are kept"
    );
    assert_eq!(drift.extra["captions"], json!({"en": true}));
}

#[test]
fn memories_envelopes_statuses_and_stringly_numbers() {
    let response: memories::ListVideosResponse = fixture("memories/list-videos.json");
    let page = response.data.unwrap();
    assert_eq!(page.total(), Some(3), "total_count \"3\"");
    let videos = page.videos.unwrap();
    assert_eq!(videos[0].duration_secs(), Some(12.0));
    assert_eq!(videos[0].size_bytes(), Some(3_284_512));
    assert_eq!(videos[0].cause(), None, "\"null\" means no cause");
    assert_eq!(videos[0].status(), Some(memories::Status::Parsed));
    assert_eq!(
        videos[0].created_at().unwrap().timestamp_millis(),
        1_754_037_217_992
    );
    assert_eq!(
        videos[2].video_name.as_deref(),
        Some("[email protected]_1747479033469")
    );

    let newer: memories::ListVideosResponse = fixture("memories/list-videos-newer.json");
    let v = &newer.data.unwrap().videos.unwrap()[0];
    assert_eq!(
        v.created_at().unwrap().timestamp_millis(),
        1_754_037_217_992,
        "number, not string"
    );
    assert_eq!(v.status(), Some(memories::Status::Done));

    let drift: memories::ListVideosResponse = fixture("memories/list-videos-drift.json");
    let page = drift.data.unwrap();
    assert_eq!(page.total(), Some(4));
    let v = page.videos.unwrap();
    assert_eq!(v[0].cause(), Some("decoder error"));
    assert!(v[0].is_failed() && v[0].is_final());
    assert_eq!(v[0].duration_secs(), Some(12.5));
    assert_eq!(v[1].cause(), None, "empty cause");
    assert_eq!(v[1].duration_secs(), None, "empty duration");
    assert_eq!(v[1].created_at(), None, "\"yesterday\"");
    assert_eq!(v[1].status().unwrap().stage(), Stage::Queued);
    assert_eq!(
        v[2].status(),
        Some(memories::Status::Unknown("ARCHIVED".into()))
    );
    assert_eq!(v[2].video_no.as_deref(), Some("3"));
    assert_eq!(v[3].status(), Some(memories::Status::ParseError));
    assert_eq!(v[3].status().unwrap().to_string(), "PARSE_ERROR");
    assert_eq!(v[0].status(), Some(memories::Status::Failed));

    let nulls: memories::ListVideosResponse = fixture("memories/list-videos-nulls.json");
    assert_eq!(nulls.data.unwrap().videos, None);
}

#[test]
fn requests_serialize_exactly_as_documented() {
    let body = hourone::CreateVideoRequest {
        name: Some("Quarterly update".into()),
        source_draft_id: Some("draft_123".into()),
        palette_id: Some("pal_1".into()),
        ..Default::default()
    };
    let expected: Value = fixture("hourone/create-video-request.json");
    assert_eq!(serde_json::to_value(&body).unwrap(), expected);
    assert_eq!(
        serde_json::to_string(&hourone::CreateVideoRequest::default()).unwrap(),
        "{}"
    );

    let filter = memories::ListVideosRequest {
        page: Some(1),
        size: Some(20),
        video_name: Some("182082-867762198_tiny".into()),
        video_no: Some("VI606404158946574336".into()),
        folder_id: Some(7),
        status: Some("PARSE".into()),
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(&filter).unwrap(),
        fixture::<Value>("memories/list-videos-request.json")
    );
    assert_eq!(
        serde_json::to_string(&memories::ListVideosRequest::default()).unwrap(),
        "{}"
    );
}

#[test]
fn stages_map_consistently_across_providers() {
    let pairs = [
        (minimax::Status::Pending.stage(), Stage::Queued),
        (minimax::Status::Moderated.stage(), Stage::Failed),
        (pixverse::Status::Queued.stage(), Stage::Queued),
        (pixverse::Status::Generating.stage(), Stage::Processing),
        (hourone::Status::Cancelled.stage(), Stage::Failed),
        (memories::Status::Unparsed.stage(), Stage::Queued),
        (memories::Status::Done.stage(), Stage::Completed),
    ];
    for (got, want) in pairs {
        assert_eq!(got, want);
    }
    assert!(!Stage::Unknown("x".into()).is_final());
}

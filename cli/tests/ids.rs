//! Ids as a user has them (issue 20, items 2, 4, 6, 7, 11): every id a table
//! shows works in `video`, `wait` and `download`; statuses show as sent; a
//! 404 says what it most likely means; blank ids never reach a provider;
//! every page answers `items()` without a trait import.

mod common;

use common::{run, vidapi};
use serde_json::Value;
use vidapi::emulator::{Emulator, Fault, HOURONE_KEY, MEMORIES_KEY, USEAPI_TOKEN, media_bytes};
use vidapi::{Config, Error, HourOne, Memories, UseApi, hourone, memories, minimax, pixverse};

/// MiniMax's short id of the emulated completed video, as tables show it.
const SHORT: &str = "video_id_#2";
/// Its composite id, the one `GET /v1/minimax/videos/{videoId}` takes.
const COMPOSITE: &str = "user:user_id-minimax:account-video:video_id_#2";
/// An emulated PixVerse video still generating (its lookup answers 404).
const PIXVERSE_GENERATING: &str = "user:<userid>-pixverse:me@example.com-video:1000";
/// An emulated memories.ai upload whose status is PARSE_ERROR.
const MEMORIES_PARSE_ERROR: &str = "VI700000000000000003";

fn config(emulator: &Emulator) -> Config {
    Config::new().base_url(emulator.base_url())
}

fn useapi(emulator: &Emulator) -> UseApi {
    UseApi::with_config(USEAPI_TOKEN, config(emulator)).unwrap()
}

fn json_of(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

/// The paths the emulator was asked for, in order.
fn paths(emulator: &Emulator) -> Vec<String> {
    emulator.requests().into_iter().map(|r| r.path).collect()
}

#[test]
fn a_minimax_short_id_works_in_video_wait_and_download() {
    let emulator = Emulator::start().unwrap();

    // The table shows the short id...
    let table = run(&mut vidapi(&emulator), &["minimax", "videos"]);
    assert!(table.stdout.contains(SHORT), "{}", table.stdout);

    // ...and `minimax video` takes it: the list, then the composite lookup.
    emulator.reset_records();
    let one = run(
        &mut vidapi(&emulator),
        &["--json", "minimax", "video", SHORT],
    );
    assert_eq!(one.code, 0, "{}", one.stderr);
    let video = json_of(&one.stdout);
    assert_eq!(video["id"], SHORT);
    assert_eq!(video["videoId"], COMPOSITE, "the lookup's object, as sent");
    let asked = paths(&emulator);
    assert_eq!(
        asked.first().map(String::as_str),
        Some("/v1/minimax/videos/")
    );
    assert!(
        asked.last().unwrap().starts_with("/v1/minimax/videos/user"),
        "{asked:?}"
    );
    let row = run(&mut vidapi(&emulator), &["minimax", "video", SHORT]);
    assert_eq!(row.code, 0, "{}", row.stderr);
    assert!(row.stdout.contains(SHORT) && row.stdout.contains("completed"));

    // download by the short id: the whole file, exit 0.
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("two.mp4");
    let download = run(
        &mut vidapi(&emulator),
        &["download", "minimax", SHORT, "-o", target.to_str().unwrap()],
    );
    assert_eq!(download.code, 0, "{}", download.stderr);
    let got = std::fs::read(&target).unwrap();
    assert!(
        got == media_bytes("minimax/video_id_#2.mp4"),
        "{} bytes, not the served file",
        got.len()
    );

    // wait --download by the short id.
    let waited = run(
        vidapi(&emulator).current_dir(dir.path()),
        &["wait", "minimax", SHORT, "--interval", "0.1", "--download"],
    );
    assert_eq!(waited.code, 0, "{}", waited.stderr);
    assert!(waited.stderr.contains("downloaded"), "{}", waited.stderr);
    let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(files.len(), 2, "two.mp4 and the default name");

    // A short id no list has: exit 1 (a request was made), saying where it looked.
    let missing = run(
        &mut vidapi(&emulator),
        &["minimax", "video", "video_id_#999"],
    );
    assert_eq!(missing.code, 1, "{}", missing.stderr);
    assert!(missing.stderr.contains("short id"), "{}", missing.stderr);
    let missing = run(
        &mut vidapi(&emulator),
        &["download", "minimax", "video_id_#999"],
    );
    assert_eq!(missing.code, 1, "{}", missing.stderr);
}

#[test]
fn the_library_finds_a_short_id_whole() {
    let emulator = Emulator::start().unwrap();
    let client = useapi(&emulator);
    let found = client.minimax().find(SHORT, None).unwrap().unwrap();
    assert_eq!(found.lookup_id(), Some(COMPOSITE));
    let url = found.file_url().unwrap();
    assert!(
        url.starts_with(emulator.base_url()),
        "{url}: the lookup's downloadURL"
    );
    assert!(minimax::is_composite_id(COMPOSITE) && !minimax::is_composite_id(SHORT));
}

#[test]
fn an_unusable_file_url_after_a_request_exits_one_not_two() {
    let emulator = Emulator::start().unwrap();
    let body = r#"{"id":"v9","status":2,"videoId":"user:1-minimax:a-video:v9","downloadURL":"<generated video url>"}"#;
    emulator.fail_next(1, Fault::json(200, body));
    let dir = tempfile::tempdir().unwrap();
    let run = run(
        vidapi(&emulator).current_dir(dir.path()),
        &["download", "minimax", "user:1-minimax:a-video:v9"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("cannot be fetched"), "{}", run.stderr);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn memories_statuses_show_as_sent_everywhere() {
    // Display is the value as sent, each failure spelling its own.
    for value in memories::Status::FILTER_VALUES {
        let status = memories::Status::parse(value);
        assert_eq!(status.to_string(), value);
        assert_eq!(String::from(status.clone()), value);
        assert!(!matches!(status, memories::Status::Unknown(_)), "{value}");
    }
    assert_eq!(memories::Status::ParseError.to_string(), "PARSE_ERROR");
    assert_eq!(memories::Status::ParseError.stage(), vidapi::Stage::Failed);

    let emulator = Emulator::start().unwrap();
    // wait: the status as sent, the stage beside it; the failure names it.
    let waited = run(
        &mut vidapi(&emulator),
        &[
            "wait",
            "memories",
            MEMORIES_PARSE_ERROR,
            "--interval",
            "0.1",
        ],
    );
    assert_eq!(waited.code, 5, "{}", waited.stderr);
    assert!(
        waited.stderr.contains("PARSE_ERROR (failed)")
            && waited.stderr.contains("ended PARSE_ERROR")
            && !waited.stderr.contains("FAILED"),
        "{}",
        waited.stderr
    );
    // list --json: the stage and the status as sent.
    let listed = json_of(&run(&mut vidapi(&emulator), &["--json", "list"]).stdout);
    let record = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == MEMORIES_PARSE_ERROR)
        .unwrap();
    assert_eq!(record["status"], "PARSE_ERROR");
    assert_eq!(record["stage"], "failed");
    // The library's record of a PixVerse video keeps PixVerse's word.
    let page = useapi(&emulator)
        .pixverse()
        .videos(None, Some(2), None)
        .unwrap();
    let view = vidapi::view::Video::from(&page.items()[0]);
    assert_eq!(view.status.as_deref(), Some("generating"));
}

#[test]
fn a_404_says_what_it_most_likely_means() {
    let emulator = Emulator::start().unwrap();
    let client = useapi(&emulator);

    let generating = client.pixverse().video(PIXVERSE_GENERATING).unwrap_err();
    assert!(generating.is_not_found());
    let hint = generating.hint().unwrap();
    assert!(hint.contains("queued or generating"), "{hint}");
    assert!(generating.to_string().contains(hint), "{generating}");

    let short = client.minimax().video(SHORT).unwrap_err();
    assert!(short.hint().unwrap().contains("short id"), "{short}");
    assert!(
        short.to_string().contains("user:…-minimax:…-video:…"),
        "{short}"
    );

    let gone = client
        .minimax()
        .video("user:user_id-minimax:account-video:gone")
        .unwrap_err();
    assert!(
        gone.hint().unwrap().contains("removed or moderated"),
        "{gone}"
    );

    // Other errors carry none.
    emulator.fail_next(1, Fault::json(400, r#"{"error":"bad","code":400}"#));
    let bad = client.minimax().video(COMPOSITE).unwrap_err();
    assert_eq!(bad.hint(), None, "{bad}");

    // The command shows it, exit 1.
    let cli = run(
        &mut vidapi(&emulator),
        &["pixverse", "video", PIXVERSE_GENERATING],
    );
    assert_eq!(cli.code, 1, "{}", cli.stderr);
    assert!(
        cli.stderr.contains("hint:") && cli.stderr.contains("still queued or generating"),
        "{}",
        cli.stderr
    );
}

#[test]
fn blank_ids_are_refused_before_any_request() {
    let emulator = Emulator::start().unwrap();
    let cases: &[&[&str]] = &[
        &["hourone", "create", "--recipe-id", ""],
        &["hourone", "create", "--recipe-id", "   "],
        &["hourone", "create", "--source-draft-id", ""],
        &["hourone", "create", "--source-draft-id", " \t "],
        &["hourone", "create", "--recipe-id", "r1", "--voice-id", " "],
        &["hourone", "create", "--recipe-id", "r1", "--folder-id", ""],
        &[
            "hourone",
            "create",
            "--recipe-id",
            "r1",
            "--workspace-id",
            " ",
        ],
        &["hourone", "video", ""],
        &["hourone", "metadata", " "],
        &["minimax", "video", ""],
        &["minimax", "video", "  "],
        &["pixverse", "video", " "],
        &["wait", "minimax", " "],
        &["wait", "memories", ""],
        &["download", "minimax", ""],
        &["download", "hourone", " "],
        &["download", "memories", "  "],
    ];
    for args in cases {
        let refused = run(&mut vidapi(&emulator), args);
        assert_eq!(refused.code, 2, "{args:?}: {}", refused.stderr);
        assert!(
            refused.stderr.contains("must not be empty"),
            "{args:?}: {}",
            refused.stderr
        );
        assert!(emulator.requests().is_empty(), "{args:?} made a request");
    }
    let recipe = run(
        &mut vidapi(&emulator),
        &["hourone", "create", "--recipe-id", "  "],
    );
    assert!(recipe.stderr.contains("--recipe-id"), "{}", recipe.stderr);

    // The library refuses them too.
    let hour = HourOne::with_config(HOURONE_KEY, config(&emulator)).unwrap();
    for body in [
        hourone::CreateVideoRequest {
            recipe_id: Some(" ".into()),
            ..Default::default()
        },
        hourone::CreateVideoRequest {
            source_draft_id: Some(String::new()),
            ..Default::default()
        },
        hourone::CreateVideoRequest {
            source_draft_id: Some("d1".into()),
            palette_id: Some("  ".into()),
            ..Default::default()
        },
    ] {
        let err = hour.create_video(&body, None, None).unwrap_err();
        assert!(matches!(err, Error::InvalidArgument { .. }), "{err:?}");
    }
    let body = hourone::CreateVideoRequest {
        source_draft_id: Some("d1".into()),
        ..Default::default()
    };
    let err = hour.create_video(&body, None, Some("")).unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { .. }), "{err:?}");
    let client = useapi(&emulator);
    assert!(matches!(
        client.minimax().find(" ", None),
        Err(Error::InvalidArgument { .. })
    ));
    let mem = Memories::with_config(MEMORIES_KEY, config(&emulator)).unwrap();
    assert!(matches!(mem.find(""), Err(Error::InvalidArgument { .. })));
    assert!(emulator.requests().is_empty(), "the library sent nothing");

    // A real id still creates.
    hour.create_video(&body, None, None).unwrap();
    assert_eq!(emulator.requests().len(), 1);
}

#[test]
fn every_page_answers_items_without_a_trait_import() {
    let emulator = Emulator::start().unwrap();
    let client = useapi(&emulator);

    let page: pixverse::VideoPage = client.pixverse().videos(None, Some(3), None).unwrap();
    assert_eq!(page.items().len(), 3);
    assert_eq!(page.items(), page.videos());

    let mem = Memories::with_config(MEMORIES_KEY, config(&emulator)).unwrap();
    let filter = memories::ListVideosRequest {
        size: Some(4),
        ..Default::default()
    };
    let page: memories::VideoPage = mem.list_videos(&filter).unwrap();
    assert_eq!(page.items().len(), 4);
    assert_eq!(page.items(), page.videos());

    let envelope = memories::ListVideosResponse {
        data: Some(page.clone()),
        ..Default::default()
    };
    assert_eq!(envelope.items(), page.items());
    assert!(memories::ListVideosResponse::default().videos().is_empty());
    assert!(pixverse::VideoPage::default().items().is_empty());

    let list = minimax::VideoList(client.minimax().videos(None).unwrap());
    assert_eq!(list.items().len(), list.0.len());
    assert_eq!(list.items().len(), minimax::DEFAULT_PAGE_SIZE as usize);
    let files = minimax::FileList(client.minimax().files(None, None).unwrap());
    assert_eq!(files.items().len(), files.0.len());

    let meta: hourone::VideoMetadata = serde_json::from_str(
        r#"{"duration": 3, "scenes_metadata": [{"scene_index": 0, "start_time": 0, "duration": 3}]}"#,
    )
    .unwrap();
    assert_eq!(meta.scenes().len(), 1);
    let bare: hourone::VideoMetadata = serde_json::from_str("{}").unwrap();
    assert!(bare.scenes().is_empty());
}

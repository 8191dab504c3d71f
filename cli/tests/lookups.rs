//! The single-video lookups (MiniMax `GET /v1/minimax/videos/{videoId}`,
//! PixVerse `GET /v2/pixverse/videos/{video_id}`), the two meanings of a
//! PixVerse 404, and `find` / `wait` making one request per poll.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;
use vidapi::accounts::{Accounts, WaitError};
use vidapi::emulator::{Emulator, Fault, HOURONE_KEY, USEAPI_TOKEN};
use vidapi::{Config, Error, HourOne, Provider, RetryPolicy, Stage, UseApi, minimax, pixverse};

mod common;
use common::{run, vidapi};

/// The composite ids of the emulator's MiniMax videos: #1 processing, #2 completed.
const MINIMAX_PROCESSING: &str = "user:user_id-minimax:account-video:video_id_#1";
const MINIMAX_COMPLETED: &str = "user:user_id-minimax:account-video:video_id_#2";
/// The emulator's PixVerse videos alternate: 1000 generating, 1001 completed, …
const PIXVERSE_GENERATING: &str = "user:<userid>-pixverse:me@example.com-video:1000";
const PIXVERSE_COMPLETED: &str = "user:<userid>-pixverse:me@example.com-video:1001";
/// Generating, but past the account's first page (40 videos).
const PIXVERSE_GENERATING_LATER: &str = "user:<userid>-pixverse:me@example.com-video:1050";

fn config(emulator: &Emulator) -> Config {
    Config::new()
        .base_url(emulator.base_url())
        .timeout(Duration::from_secs(10))
        .retry(RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(5),
            ..RetryPolicy::default()
        })
}

fn useapi(emulator: &Emulator) -> UseApi {
    UseApi::with_config(USEAPI_TOKEN, config(emulator)).unwrap()
}

fn accounts(emulator: &Emulator) -> Accounts {
    Accounts {
        useapi: Some(useapi(emulator)),
        hourone: Some(HourOne::with_config(HOURONE_KEY, config(emulator)).unwrap()),
        memories: None,
    }
}

fn fixture(name: &str) -> String {
    let path: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/lookup-fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn paths(emulator: &Emulator) -> Vec<String> {
    emulator.requests().into_iter().map(|r| r.path).collect()
}

#[test]
fn minimax_video_is_one_encoded_request_for_the_list_video_type() {
    let emulator = Emulator::start().unwrap();
    let client = useapi(&emulator);
    let video: minimax::Video = client.minimax().video(MINIMAX_COMPLETED).unwrap();
    assert_eq!(video.id(), Some("video_id_#2"));
    assert_eq!(video.lookup_id(), Some(MINIMAX_COMPLETED));
    assert_eq!(video.status(), Some(minimax::Status::Completed));
    // downloadURL wins over videoURL for the file; videoURL stays playable.
    assert_eq!(video.playable_url(), Some("<generated video url>"));
    let media = format!("{}/media/minimax/video_id_%232.mp4", emulator.base_url());
    assert_eq!(video.file_url(), Some(media.as_str()));
    assert!(client.drift().is_empty(), "{:?}", client.drift());

    let sent = &emulator.requests()[0];
    assert_eq!(sent.method, "GET");
    assert_eq!(
        sent.path,
        "/v1/minimax/videos/user%3Auser_id-minimax%3Aaccount-video%3Avideo_id_%232"
    );
    assert_eq!(sent.raw_query, "");
    let bearer = format!("Bearer {USEAPI_TOKEN}");
    assert_eq!(sent.header("authorization"), Some(bearer.as_str()));

    let processing = client.minimax().video(MINIMAX_PROCESSING).unwrap();
    assert_eq!(processing.status(), Some(minimax::Status::Processing));
    assert_eq!(processing.file_url(), None);
}

#[test]
fn minimax_404_means_removed_or_moderated() {
    let emulator = Emulator::start().unwrap();
    let client = useapi(&emulator);
    let gone = "user:user_id-minimax:account-video:removed";
    let err = client.minimax().video(gone).unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert!(err.to_string().contains("MiniMax get video"), "{err}");
    assert_eq!(emulator.requests().len(), 1, "a 404 is not retried");

    let accounts = accounts(&emulator);
    emulator.reset_records();
    assert_eq!(accounts.find(Provider::MiniMax, gone).unwrap(), None);
    assert_eq!(emulator.requests().len(), 1, "one lookup, no list paging");
    let waited = accounts.wait(
        Provider::MiniMax,
        gone,
        Duration::from_secs(5),
        Duration::from_millis(10),
        |_| {},
    );
    assert!(matches!(waited, Err(WaitError::NotFound)), "{waited:?}");
}

#[test]
fn pixverse_video_answers_completed_videos_and_404_while_generating() {
    let emulator = Emulator::start().unwrap();
    let client = useapi(&emulator);
    let video: pixverse::Video = client.pixverse().video(PIXVERSE_COMPLETED).unwrap();
    assert_eq!(video.status(), Some(pixverse::Status::Completed));
    assert_eq!(
        video.video_id.as_ref().map(ToString::to_string).as_deref(),
        Some(PIXVERSE_COMPLETED)
    );
    let media = format!("{}/media/pixverse/1001.mp4", emulator.base_url());
    assert_eq!(video.file_url(), Some(media.as_str()));
    assert!(client.drift().is_empty(), "{:?}", client.drift());
    assert_eq!(
        emulator.requests()[0].path,
        "/v2/pixverse/videos/user%3A%3Cuserid%3E-pixverse%3Ame%40example.com-video%3A1000"
            .replace("1000", "1001")
    );

    for id in [
        PIXVERSE_GENERATING,
        "user:<userid>-pixverse:me@example.com-video:9999",
    ] {
        let err = client.pixverse().video(id).unwrap_err();
        assert!(err.is_not_found(), "{id}: {err}");
    }
}

/// A 404 for a video the account's first page lists as generating is
/// "still processing"; for one it does not list (unknown, or beyond the
/// first page) it is "not found".
#[test]
fn pixverse_404_means_processing_when_the_first_page_lists_it() {
    let emulator = Emulator::start().unwrap();
    let accounts = accounts(&emulator);

    let found = accounts
        .find(Provider::PixVerse, PIXVERSE_GENERATING)
        .unwrap()
        .expect("a generating video is still there");
    assert_eq!(found.stage, Stage::Processing);
    assert!(!found.is_final);
    let seen = emulator.requests();
    assert_eq!(seen.len(), 2, "{:?}", paths(&emulator));
    assert!(seen[0].path.starts_with("/v2/pixverse/videos/user"));
    assert_eq!(seen[1].path, "/v2/pixverse/videos/");
    // The first page of the account the id names.
    assert_eq!(seen[1].query_param("email"), Some("me@example.com"));
    assert_eq!(seen[1].query_param("offset"), None);

    emulator.reset_records();
    for id in [
        PIXVERSE_GENERATING_LATER,
        "user:<userid>-pixverse:me@example.com-video:9999",
    ] {
        assert_eq!(accounts.find(Provider::PixVerse, id).unwrap(), None, "{id}");
    }
    assert_eq!(emulator.requests().len(), 4, "lookup and first page each");

    emulator.reset_records();
    let done = accounts
        .find(Provider::PixVerse, PIXVERSE_COMPLETED)
        .unwrap()
        .unwrap();
    assert_eq!(done.stage, Stage::Completed);
    assert!(done.file_url.is_some());
    assert_eq!(emulator.requests().len(), 1, "a found video is one request");

    // A 404 for a video the first page lists as completed is not "processing".
    emulator.reset_records();
    emulator.fail_next(
        1,
        Fault::json(404, r#"{"error":"Video not found","code":404}"#),
    );
    assert_eq!(
        accounts
            .find(Provider::PixVerse, PIXVERSE_COMPLETED)
            .unwrap(),
        None
    );
}

#[test]
fn lookup_fixtures_decode_through_the_clients_without_drift() {
    let emulator = Emulator::start().unwrap();
    let client = useapi(&emulator);
    emulator.fail_next(1, Fault::json(200, &fixture("minimax/video.json")));
    let video = client.minimax().video("user:1-minimax:a-video:3").unwrap();
    assert_eq!(video.status(), Some(minimax::Status::Completed));
    assert_eq!(
        video.file_url(),
        Some("https://cdn.hailuoai.example/download/video_id_3.mp4")
    );
    assert_eq!(
        video.width.as_ref().and_then(vidapi::wire::FlexInt::get),
        Some(1280)
    );

    emulator.fail_next(
        1,
        Fault::json(200, &fixture("minimax/video-processing.json")),
    );
    let video = client.minimax().video("user:1-minimax:a-video:4").unwrap();
    assert_eq!(video.status(), Some(minimax::Status::Processing));
    assert!(!video.is_final());
    assert_eq!(video.file_url(), None);

    emulator.fail_next(1, Fault::json(200, &fixture("pixverse/video.json")));
    let video = client
        .pixverse()
        .video("user:1-pixverse:a@b.c-video:5")
        .unwrap();
    assert_eq!(video.status(), Some(pixverse::Status::Completed));
    assert_eq!(video.file_url(), Some("https://media.pixverse.ai/...mp4"));
    assert!(client.drift().is_empty(), "{:?}", client.drift());

    // An unknown field in a lookup is recorded against the single video's
    // own root type (issue 18: it used to be the list's, as `[].…`).
    let mut drifted: Value = serde_json::from_str(&fixture("minimax/video.json")).unwrap();
    drifted["originFiles"] = serde_json::json!([]);
    emulator.fail_next(1, Fault::json(200, &drifted.to_string()));
    client.minimax().video("user:1-minimax:a-video:3").unwrap();
    let found = client.take_drift();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0].schema.as_str(), found[0].path.as_str()),
        ("Video", "originFiles")
    );
}

#[test]
fn a_lookup_answer_must_be_one_video() {
    let emulator = Emulator::start().unwrap();
    let client = useapi(&emulator);
    for body in [
        r#"{"id":"a"} {"id":"b"}"#,
        r#"{"id":"a"}], [{"#,
        "[]",
        "null",
        "",
    ] {
        emulator.fail_next(1, Fault::json(200, body));
        let err = client
            .minimax()
            .video("user:1-minimax:a-video:1")
            .unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{body}: {err}");
        emulator.fail_next(1, Fault::json(200, body));
        let err = client
            .pixverse()
            .video("user:1-pixverse:a@b.c-video:1")
            .unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{body}: {err}");
    }
}

#[test]
fn lookup_ids_are_one_segment_or_refused_before_sending() {
    let emulator = Emulator::start().unwrap();
    let client = useapi(&emulator);
    let err = client.pixverse().video("a/b?c#d").unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(
        emulator.requests()[0].path,
        "/v2/pixverse/videos/a%2Fb%3Fc%23d"
    );
    emulator.reset_records();
    for bad in ["", " ", ".", "..", "a\nb"] {
        let err = client.minimax().video(bad).unwrap_err();
        assert!(matches!(err, Error::InvalidArgument { .. }), "{bad:?}");
        let err = client.pixverse().video(bad).unwrap_err();
        assert!(matches!(err, Error::InvalidArgument { .. }), "{bad:?}");
    }
    assert!(emulator.requests().is_empty());
}

/// Waits (to a timeout, for videos that never finish) and returns the polls
/// seen and the requests the emulator received.
fn polls_and_requests(
    emulator: &Emulator,
    provider: Provider,
    id: &str,
    timeout: Duration,
) -> (usize, Vec<String>, Result<vidapi::view::Video, WaitError>) {
    let accounts = accounts(emulator);
    emulator.reset_records();
    let mut polls = 0;
    let outcome = accounts.wait(provider, id, timeout, Duration::from_millis(20), |_| {
        polls += 1
    });
    (polls, paths(emulator), outcome)
}

#[test]
fn wait_makes_exactly_one_request_per_poll() {
    let emulator = Emulator::start().unwrap();

    // MiniMax by composite id: one lookup per poll.
    let (polls, sent, outcome) = polls_and_requests(
        &emulator,
        Provider::MiniMax,
        MINIMAX_PROCESSING,
        Duration::from_millis(250),
    );
    assert!(matches!(outcome, Err(WaitError::Timeout(_))), "{outcome:?}");
    assert!(polls >= 3, "{polls}");
    assert_eq!(sent.len(), polls, "{sent:?}");
    assert!(
        sent.iter()
            .all(|p| p.starts_with("/v1/minimax/videos/user%3A"))
    );

    // MiniMax by its short id: the first poll finds it in the list (the
    // first page), learns its composite id and looks it up whole; every
    // later poll is a lookup.
    let (polls, sent, _) = polls_and_requests(
        &emulator,
        Provider::MiniMax,
        "video_id_#1",
        Duration::from_millis(250),
    );
    assert_eq!(sent.len(), polls + 1, "{sent:?}");
    assert_eq!(sent[0], "/v1/minimax/videos/");
    assert!(
        sent[1..]
            .iter()
            .all(|p| p.starts_with("/v1/minimax/videos/user%3A"))
    );

    // PixVerse, generating: the first poll reads the first page once to
    // learn what the 404 means; then one lookup per poll.
    let (polls, sent, outcome) = polls_and_requests(
        &emulator,
        Provider::PixVerse,
        PIXVERSE_GENERATING,
        Duration::from_millis(250),
    );
    match outcome {
        Err(WaitError::Timeout(last)) => assert_eq!(last.stage, Stage::Processing),
        other => panic!("{other:?}"),
    }
    assert!(polls >= 3, "{polls}");
    assert_eq!(sent.len(), polls + 1, "{sent:?}");
    assert_eq!(
        sent.iter().filter(|p| *p == "/v2/pixverse/videos/").count(),
        1
    );

    // PixVerse, completed: one request, done.
    let (polls, sent, outcome) = polls_and_requests(
        &emulator,
        Provider::PixVerse,
        PIXVERSE_COMPLETED,
        Duration::from_secs(5),
    );
    assert_eq!(outcome.unwrap().stage, Stage::Completed);
    assert_eq!((polls, sent.len()), (1, 1));

    // Hour One: a created video moves on one stage per read.
    let hour = HourOne::with_config(HOURONE_KEY, config(&emulator)).unwrap();
    let made = hour
        .create_video(
            &vidapi::hourone::CreateVideoRequest {
                recipe_id: Some("r".into()),
                ..Default::default()
            },
            None,
            None,
        )
        .unwrap();
    let id = made.id.as_deref().unwrap();
    let (polls, sent, outcome) =
        polls_and_requests(&emulator, Provider::HourOne, id, Duration::from_secs(5));
    assert_eq!(outcome.unwrap().stage, Stage::Completed);
    assert_eq!(polls, 3, "started, processing, ready");
    assert_eq!(sent.len(), polls, "{sent:?}");
}

#[test]
fn cli_looks_single_videos_up() {
    let emulator = Emulator::start().unwrap();
    let table = run(
        &mut vidapi(&emulator),
        &["minimax", "video", MINIMAX_COMPLETED],
    );
    assert_eq!(table.code, 0, "{}", table.stderr);
    assert!(table.stdout.contains("video_id_#2"), "{}", table.stdout);
    assert!(table.stdout.contains("completed"), "{}", table.stdout);

    let json = run(
        &mut vidapi(&emulator),
        &["--json", "pixverse", "video", PIXVERSE_COMPLETED],
    );
    assert_eq!(json.code, 0, "{}", json.stderr);
    let value: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(value["video_id"], PIXVERSE_COMPLETED);
    assert_eq!(value["video_status"], 1);
    assert!(value["url"].as_str().unwrap().contains("/media/pixverse/"));

    let generating = run(
        &mut vidapi(&emulator),
        &["pixverse", "video", PIXVERSE_GENERATING],
    );
    assert_eq!(generating.code, 1);
    assert!(
        generating.stderr.contains("HTTP 404"),
        "{}",
        generating.stderr
    );
    assert!(generating.stdout.is_empty());

    let help = run(&mut vidapi(&emulator), &["minimax", "video", "--help"]);
    assert!(help.stdout.contains("<VIDEO_ID>"), "{}", help.stdout);
    let usage = run(&mut vidapi(&emulator), &["minimax", "video", ".."]);
    assert_eq!(usage.code, 2, "{}", usage.stderr);
}

#[test]
fn each_providers_lookup_quirk_is_its_clients_find() {
    let emulator = Emulator::start().unwrap();
    let client = useapi(&emulator);

    // PixVerse: a 404 for a video its account's first page lists as
    // generating is that listed video; an email argument is used only when
    // the id names none.
    let found = client
        .pixverse()
        .find(PIXVERSE_GENERATING, Some("other@example.com"))
        .unwrap()
        .expect("still generating");
    assert_eq!(found.status(), Some(pixverse::Status::Generating));
    let seen = emulator.requests();
    assert_eq!(seen.len(), 2, "{:?}", paths(&emulator));
    assert_eq!(seen[1].query_param("email"), Some("me@example.com"));
    emulator.reset_records();
    assert_eq!(
        client
            .pixverse()
            .find(PIXVERSE_GENERATING_LATER, None)
            .unwrap(),
        None,
        "not on the first page: not there"
    );
    assert_eq!(emulator.requests().len(), 2);

    // MiniMax: a short id is found by paging the list, then looked up by
    // the composite id listed; a composite one by one lookup; a removed
    // video is `None`.
    emulator.reset_records();
    let short = client
        .minimax()
        .find("video_id_#2", None)
        .unwrap()
        .expect("listed");
    assert_eq!(short.lookup_id(), Some(MINIMAX_COMPLETED));
    let asked = paths(&emulator);
    let (last, pages) = asked.split_last().unwrap();
    assert!(
        !pages.is_empty() && pages.iter().all(|p| p == "/v1/minimax/videos/"),
        "the list first: {asked:?}"
    );
    assert!(last.starts_with("/v1/minimax/videos/user%3A"), "{asked:?}");
    emulator.reset_records();
    let composite = client
        .minimax()
        .find(MINIMAX_COMPLETED, None)
        .unwrap()
        .unwrap();
    assert_eq!(composite.id(), short.id());
    assert_eq!(emulator.requests().len(), 1, "one lookup");
    let gone = "user:user_id-minimax:account-video:removed";
    assert_eq!(client.minimax().find(gone, None).unwrap(), None);

    // Hour One: 404 is `None`, other failures stay errors.
    let hour = HourOne::with_config(HOURONE_KEY, config(&emulator)).unwrap();
    assert_eq!(hour.find("no-such-video").unwrap(), None);
    emulator.fail_next(3, Fault::json(500, r#"{"detail":"down"}"#));
    assert!(hour.find("no-such-video").is_err());
}

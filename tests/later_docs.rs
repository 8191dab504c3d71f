//! What later versions of the providers' docs add (issue 11), against the
//! emulator: MiniMax paging with `limit`/`lastVideoId`, memories.ai's
//! `POST /serve/api/v1/list_videos` with `unique_id`, Hour One's typed 422
//! body, and PixVerse's fractional durations. Requests that use none of the
//! new options must stay exactly what they were.

use std::time::Duration;

use vidapi::accounts::Accounts;
use vidapi::emulator::{Emulator, Fault, MEMORIES_KEY, RecordedRequest, USEAPI_TOKEN};
use vidapi::hourone::{CreateVideoRequest, ValidationError};
use vidapi::memories::{ApiVersion, ListVideosRequest, ListVideosV1Request};
use vidapi::minimax::VideosQuery;
use vidapi::{Config, Error, HourOne, Memories, Provider, RetryPolicy, UseApi, pixverse};

const VALIDATION_ERROR: &str = include_str!("fixtures/hourone/validation-error.json");
const PIXVERSE_FRACTIONAL: &str = include_str!("fixtures/pixverse/videos-fractional.json");

fn config(emulator: &Emulator) -> Config {
    Config::new()
        .base_url(emulator.base_url())
        .timeout(Duration::from_secs(5))
        .retry(RetryPolicy::none())
}

fn useapi(emulator: &Emulator) -> UseApi {
    UseApi::with_config(USEAPI_TOKEN, config(emulator)).unwrap()
}

fn memories(emulator: &Emulator) -> Memories {
    Memories::with_config(MEMORIES_KEY, config(emulator)).unwrap()
}

fn hourone(emulator: &Emulator) -> HourOne {
    HourOne::with_config(vidapi::emulator::HOURONE_KEY, config(emulator)).unwrap()
}

/// The ids of MiniMax videos `first..=last` in the emulator's library.
fn minimax_ids(first: usize, last: usize) -> Vec<String> {
    (first..=last).map(|i| format!("video_id_#{i}")).collect()
}

fn ids(videos: &[vidapi::minimax::Video]) -> Vec<String> {
    videos
        .iter()
        .map(|v| v.id().unwrap_or_default().to_owned())
        .collect()
}

/// What identifies a request on the wire, apart from the connection's host
/// line: method, path, query, every other header, body.
fn wire(request: &RecordedRequest) -> (String, String, String, Vec<(String, String)>, Vec<u8>) {
    let headers = request
        .headers
        .iter()
        .filter(|(name, _)| name != "host")
        .cloned()
        .collect();
    (
        request.method.clone(),
        request.path.clone(),
        request.raw_query.clone(),
        headers,
        request.body.clone(),
    )
}

#[test]
fn minimax_iterator_pages_with_last_video_id_until_a_short_page() {
    let emulator = Emulator::start().unwrap();
    let client = useapi(&emulator);
    let videos = client
        .minimax()
        .videos_iter(Some("acct"))
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    assert_eq!(ids(&videos), minimax_ids(1, 75));
    // The documented videos come first, as documented.
    assert_eq!(videos[1].status(), Some(vidapi::minimax::Status::Completed));

    let seen = emulator.requests();
    let queries: Vec<&str> = seen.iter().map(|r| r.raw_query.as_str()).collect();
    assert_eq!(
        queries,
        [
            "account=acct&limit=30",
            "account=acct&lastVideoId=video_id_%2330&limit=30",
            "account=acct&lastVideoId=video_id_%2360&limit=30",
        ],
        "three pages: 30, 30 and a short 15"
    );
    assert!(seen.iter().all(|r| r.path == "/v1/minimax/videos/"));
}

#[test]
fn minimax_iterator_stops_on_an_empty_page_when_pages_divide_evenly() {
    let emulator = Emulator::start().unwrap();
    let videos = useapi(&emulator)
        .minimax()
        .videos_iter_with(VideosQuery {
            limit: Some(25),
            ..Default::default()
        })
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    assert_eq!(ids(&videos), minimax_ids(1, 75));
    let seen = emulator.requests();
    assert_eq!(seen.len(), 4, "three full pages, then an empty one");
    assert_eq!(seen[3].query_param("lastVideoId"), Some("video_id_#75"));
    assert_eq!(seen[3].query_param("limit"), Some("25"));
}

#[test]
fn minimax_iterator_stops_when_a_page_repeats_the_last_id() {
    let emulator = Emulator::start().unwrap();
    let client = useapi(&emulator);
    let first = client
        .minimax()
        .videos_page(&VideosQuery {
            limit: Some(10),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(ids(&first), minimax_ids(1, 10));
    emulator.reset_records();

    // The first page is answered for real; the second is the first again,
    // as from a server that ignores `lastVideoId`.
    let repeated = serde_json::to_string(&first).unwrap();
    emulator.fail_next(1, Fault::stall(Duration::ZERO));
    emulator.fail_next(1, Fault::json(200, &repeated));
    // The deprecated name of `videos_iter_with`, still answering as before.
    #[allow(deprecated)]
    let videos = client
        .minimax()
        .videos_pages(None, 10)
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    assert_eq!(ids(&videos), minimax_ids(1, 10), "nothing twice");
    let seen = emulator.requests();
    assert_eq!(seen.len(), 2, "no third request after the id stood still");
    assert_eq!(seen[1].query_param("lastVideoId"), Some("video_id_#10"));
    assert_eq!(emulator.pending_faults(), 0);
}

#[test]
fn minimax_iterator_ends_with_the_error_of_a_failing_page() {
    let emulator = Emulator::start().unwrap();
    emulator.fail_next(1, Fault::stall(Duration::ZERO));
    emulator.fail_next(
        1,
        Fault::json(502, r#"{"error":"upstream busy","code":502}"#),
    );
    let results: Vec<_> = useapi(&emulator).minimax().videos_iter(None).collect();
    assert_eq!(results.len(), 31, "the first page, then the error");
    assert!(results[..30].iter().all(Result::is_ok));
    let err = results[30].as_ref().unwrap_err();
    assert_eq!(err.status(), Some(502));
    assert!(err.to_string().contains("upstream busy"), "{err}");
}

#[test]
fn minimax_one_page_with_limit_and_last_video_id() {
    let emulator = Emulator::start().unwrap();
    let client = useapi(&emulator);
    let page = client
        .minimax()
        .videos_page(&VideosQuery {
            account: Some("acct".into()),
            limit: Some(5),
            last_video_id: Some("video_id_#2".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(ids(&page), minimax_ids(3, 7));
    assert_eq!(
        emulator.requests()[0].raw_query,
        "account=acct&lastVideoId=video_id_%232&limit=5"
    );

    // `videoId` works as the cursor too.
    let page = client
        .minimax()
        .videos_page(&VideosQuery {
            last_video_id: Some("user:user_id-minimax:account-video:video_id_#74".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(ids(&page), minimax_ids(75, 75));

    let gone = client
        .minimax()
        .videos_page(&VideosQuery {
            last_video_id: Some("no-such-video".into()),
            ..Default::default()
        })
        .unwrap_err();
    assert!(gone.is_not_found(), "{gone}");

    let before = emulator.requests().len();
    let blank = client
        .minimax()
        .videos_page(&VideosQuery {
            last_video_id: Some(" ".into()),
            ..Default::default()
        })
        .unwrap_err();
    assert!(
        matches!(
            blank,
            Error::InvalidArgument {
                name: "lastVideoId",
                ..
            }
        ),
        "{blank:?}"
    );
    assert_eq!(emulator.requests().len(), before, "refused before sending");
}

#[test]
fn minimax_requests_without_the_new_options_are_unchanged() {
    let emulator = Emulator::start().unwrap();
    let client = useapi(&emulator);
    let old = client.minimax().videos(Some("my account")).unwrap();
    let new = client
        .minimax()
        .videos_page(&VideosQuery {
            account: Some("my account".into()),
            ..Default::default()
        })
        .unwrap();
    let bare = client.minimax().videos(None).unwrap();
    // The seed request gets the first page of the one data set, as later
    // servers answer it: the documented sample first.
    assert_eq!(ids(&old)[..2], ["video_id_#1", "video_id_#2"]);
    assert_eq!(old.len(), vidapi::minimax::DEFAULT_PAGE_SIZE as usize);
    assert_eq!(old, new);
    assert_eq!(old, bare);

    let seen = emulator.requests();
    assert_eq!(seen.len(), 3);
    assert_eq!(seen[0].method, "GET");
    assert_eq!(seen[0].path, "/v1/minimax/videos/");
    assert_eq!(seen[0].raw_query, "account=my%20account");
    assert!(seen[0].body.is_empty());
    assert_eq!(wire(&seen[0]), wire(&seen[1]), "videos() and videos_page()");
    assert_eq!(seen[2].raw_query, "", "nothing the caller did not set");
    assert_eq!(seen[2].query, []);
}

#[test]
fn list_and_find_page_minimax_in_full() {
    let emulator = Emulator::start().unwrap();
    let accounts = Accounts {
        useapi: Some(useapi(&emulator)),
        ..Default::default()
    };
    let minimax = accounts.videos_of(Provider::MiniMax).unwrap();
    assert_eq!(minimax.len(), 75);
    assert_eq!(minimax[74].id, "video_id_#75");

    let listing = accounts.list();
    assert!(listing.failures.is_empty(), "{:?}", listing.failures);
    let count = |p: Provider| listing.videos.iter().filter(|v| v.provider == p).count();
    assert_eq!(count(Provider::MiniMax), 75);
    assert_eq!(count(Provider::PixVerse), 55);

    emulator.reset_records();
    let found = accounts
        .find(Provider::MiniMax, "video_id_#70")
        .unwrap()
        .unwrap();
    assert_eq!(found.title.as_deref(), Some("prompt #70"));
    // Found on the third page, then looked up whole by its composite id.
    let asked = emulator.requests();
    assert_eq!(asked.len(), 4, "{asked:?}");
    assert!(
        asked[3].path.starts_with("/v1/minimax/videos/user"),
        "{asked:?}"
    );
    assert_eq!(
        accounts.find(Provider::MiniMax, "video_id_#99").unwrap(),
        None
    );
}

#[test]
fn memories_v1_lists_by_unique_id_with_the_same_video_type() {
    let emulator = Emulator::start().unwrap();
    let client = memories(&emulator);
    let filter = ListVideosV1Request {
        size: Some(5),
        unique_id: Some("project-a".into()),
        ..Default::default()
    };
    let page = client.list_videos_v1(&filter).unwrap();
    assert_eq!(page.total(), Some(15));
    let videos = page.videos.unwrap();
    assert_eq!(videos.len(), 5);
    // The newer answer: numbers as numbers, no `cause`; the same `Video`.
    assert_eq!(videos[0].video_no.as_deref(), Some("VI606402870447996928"));
    assert_eq!(videos[0].duration_secs(), Some(61.0));
    assert_eq!(videos[0].size_bytes(), Some(5_324_808));
    assert!(videos[0].created_at().is_some());
    assert_eq!(videos[0].cause(), None);
    assert!(client.drift().is_empty(), "{:?}", client.drift());

    let sent = &emulator.requests()[0];
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.path, "/serve/api/v1/list_videos");
    assert_eq!(sent.header("authorization"), Some(MEMORIES_KEY));
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        String::from_utf8_lossy(&sent.body),
        r#"{"size":5,"unique_id":"project-a"}"#
    );

    let all = client
        .videos_iter_v1(filter)
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    assert_eq!(all.len(), 15);
    let pages = emulator.requests()[1..]
        .iter()
        .map(|r| r.json().unwrap()["page"].as_u64().unwrap())
        .collect::<Vec<_>>();
    assert_eq!(pages, [1, 2, 3]);
}

#[test]
fn memories_v1_is_an_opt_in_of_the_client() {
    let emulator = Emulator::start().unwrap();
    let original = memories(&emulator);
    assert_eq!(original.api(), ApiVersion::Original);
    let v1 = original.clone().with_api(ApiVersion::V1);
    assert_eq!(v1.api(), ApiVersion::V1);

    let filter = ListVideosRequest {
        size: Some(10),
        status: Some("PARSE".into()),
        ..Default::default()
    };
    let before = original.list_videos(&filter).unwrap();
    let after = v1.list_videos(&filter).unwrap();
    assert_eq!(before.total(), after.total());
    let seen = emulator.requests();
    // The default stays the documented endpoint, byte for byte.
    assert_eq!(seen[0].path, "/serve/api/video/list_videos");
    assert_eq!(
        String::from_utf8_lossy(&seen[0].body),
        r#"{"size":10,"status":"PARSE"}"#
    );
    assert_eq!(seen[1].path, "/serve/api/v1/list_videos");
    assert_eq!(wire(&seen[0]).3, wire(&seen[1]).3, "the same headers");
    assert_eq!(seen[0].body, seen[1].body, "the shared filters, unchanged");

    // `folder_id` has no v1 counterpart: refused before sending.
    let err = v1
        .list_videos(&ListVideosRequest {
            folder_id: Some(1),
            ..Default::default()
        })
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidArgument {
                name: "folder_id",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(emulator.requests().len(), 2);

    // Through the cross-provider view, the v1 client lists from v1.
    emulator.reset_records();
    let accounts = Accounts {
        memories: Some(v1.clone()),
        ..Default::default()
    };
    assert_eq!(accounts.videos_of(Provider::Memories).unwrap().len(), 45);
    assert!(
        emulator
            .requests()
            .iter()
            .all(|r| r.path == "/serve/api/v1/list_videos")
    );

    // Errors name the endpoint that failed.
    let stranger = Memories::with_config("wrong", config(&emulator))
        .unwrap()
        .with_api(ApiVersion::V1);
    let denied = stranger.list_videos(&Default::default()).unwrap_err();
    assert!(matches!(denied, Error::Unauthorized { .. }), "{denied:?}");
    assert!(
        denied.to_string().contains("memories.ai list videos (v1)"),
        "{denied}"
    );
}

#[test]
fn hourone_422_names_every_field_and_its_problem() {
    let emulator = Emulator::start().unwrap();
    let client = hourone(&emulator);
    emulator.fail_next(1, Fault::json(422, VALIDATION_ERROR));
    let body = CreateVideoRequest {
        recipe_id: Some("r".into()),
        ..Default::default()
    };
    let err = client.create_video(&body, None, None).unwrap_err();
    match &err {
        Error::Api {
            status, message, ..
        } => {
            assert_eq!(*status, 422);
            assert_eq!(
                message,
                "body.name: field required; body.source_draft_id: field required"
            );
        }
        other => panic!("expected Error::Api, got {other:?}"),
    }
    assert!(err.to_string().contains("name: field required"), "{err}");
    assert!(err.to_string().contains("Hour One create video: HTTP 422"));

    // The emulator's own 422, and a plain-string detail (404).
    let missing = client
        .create_video(&CreateVideoRequest::default(), None, None)
        .unwrap_err();
    assert!(
        missing
            .to_string()
            .contains("body.source_draft_id: source_draft_id or recipe_id is required"),
        "{missing}"
    );
    let gone = client.video("vid_missing").unwrap_err();
    assert!(gone.is_not_found());
    assert!(gone.to_string().ends_with(": Video not found"), "{gone}");
}

#[test]
fn hourone_validation_error_is_read_through_its_generated_type() {
    let parsed: ValidationError = serde_json::from_str(VALIDATION_ERROR).unwrap();
    let issues = parsed.issues();
    assert_eq!(issues.len(), 2);
    assert_eq!(issues[0].location(), "body.name");
    assert_eq!(issues[0].message(), "field required");
    assert_eq!(
        issues[1].type_.as_deref(),
        Some("value_error.missing"),
        "`type` is a generated field"
    );

    // List positions arrive as integers; odd entries and a plain detail read too.
    let mixed: ValidationError = serde_json::from_str(
        r#"{"detail": [{"loc": ["body", "scenes", 0, "text"], "msg": "field required"},
                       "a note", {"msg": "no location"}]}"#,
    )
    .unwrap();
    assert_eq!(mixed.issues()[0].location(), "body.scenes.0.text");
    assert_eq!(
        mixed.message().as_deref(),
        Some("body.scenes.0.text: field required; a note; no location")
    );
    let plain: ValidationError =
        serde_json::from_str(r#"{"detail": "Not authenticated"}"#).unwrap();
    assert!(plain.issues().is_empty());
    assert_eq!(plain.message().as_deref(), Some("Not authenticated"));
    let empty: ValidationError = serde_json::from_str(r#"{"detail": []}"#).unwrap();
    assert_eq!(empty.message(), None);
}

#[test]
fn hourone_undocumented_422_shape_is_still_an_api_error() {
    let emulator = Emulator::start().unwrap();
    emulator.fail_next(1, Fault::json(422, r#"{"detail": {"field": "name"}}"#));
    let err = hourone(&emulator)
        .create_video(&CreateVideoRequest::default(), None, None)
        .unwrap_err();
    assert!(matches!(err, Error::Api { status: 422, .. }), "{err:?}");
    assert!(err.to_string().contains("name"), "{err}");
}

#[test]
fn pixverse_fractional_durations_read_as_seconds() {
    let page: pixverse::VideoPage = serde_json::from_str(PIXVERSE_FRACTIONAL).unwrap();
    let videos = page.data.unwrap();
    assert_eq!(videos[0].duration_secs(), Some(5.5));
    assert_eq!(videos[0].video_duration_secs(), Some(5.04));
    assert_eq!(videos[0].queue_time_secs(), None);
    assert_eq!(
        videos[1].duration_secs(),
        Some(8.0),
        "whole numbers still read"
    );
    assert_eq!(videos[1].video_duration_secs(), None);
    assert_eq!(videos[1].queue_time_secs(), Some(1.5));
    assert_eq!(
        videos[1].queue_data.as_ref().unwrap().queue_time_secs(),
        Some(1.5)
    );

    // Through the client, with no drift: the schema says number.
    let emulator = Emulator::start().unwrap();
    emulator.fail_next(1, Fault::json(200, PIXVERSE_FRACTIONAL));
    let client = useapi(&emulator);
    let served = client.pixverse().videos(None, None, None).unwrap();
    assert_eq!(served.data.unwrap()[0].video_duration_secs(), Some(5.04));
    assert!(client.drift().is_empty(), "{:?}", client.drift());

    // A number sent as a string reads too.
    let text: pixverse::Video =
        serde_json::from_str(r#"{"duration": "5", "video_duration": "4.5"}"#).unwrap();
    assert_eq!(text.duration_secs(), Some(5.0));
    assert_eq!(text.video_duration_secs(), Some(4.5));
}

//! Every endpoint through the real client against the emulator, over loopback.

use std::time::{Duration, Instant};

use serde_json::json;
use vidapi::emulator::{Emulator, Fault, HOURONE_KEY, MEMORIES_KEY, USEAPI_TOKEN};
use vidapi::hourone::CreateVideoRequest;
use vidapi::memories::ListVideosRequest;
use vidapi::{Config, Error, HourOne, Memories, Provider, RetryPolicy, UseApi};

/// What the emulator answers a MiniMax list request naming no `limit`:
/// the first page (the server's default 30) of its one data set.
const MINIMAX_FIRST_PAGE: usize = vidapi::minimax::DEFAULT_PAGE_SIZE as usize;

/// Retries that wait milliseconds, so retry tests stay fast.
fn quick_retries(max_retries: u32) -> RetryPolicy {
    RetryPolicy {
        max_retries,
        initial_backoff: Duration::from_millis(2),
        max_backoff: Duration::from_millis(10),
        max_retry_after: Duration::from_secs(5),
    }
}

fn config(emulator: &Emulator) -> Config {
    Config::new()
        .base_url(emulator.base_url())
        .timeout(Duration::from_secs(5))
        .retry(quick_retries(3))
}

fn useapi(emulator: &Emulator) -> UseApi {
    UseApi::with_config(USEAPI_TOKEN, config(emulator)).unwrap()
}

fn hourone(emulator: &Emulator) -> HourOne {
    HourOne::with_config(HOURONE_KEY, config(emulator)).unwrap()
}

fn memories(emulator: &Emulator) -> Memories {
    Memories::with_config(MEMORIES_KEY, config(emulator)).unwrap()
}

#[test]
fn minimax_videos_sends_the_documented_request() {
    let emulator = Emulator::start().unwrap();
    let videos = useapi(&emulator)
        .minimax()
        .videos(Some("my account"))
        .unwrap();
    assert_eq!(videos.len(), MINIMAX_FIRST_PAGE);
    assert_eq!(videos[1].status(), Some(vidapi::minimax::Status::Completed));

    let seen = emulator.requests();
    assert_eq!(seen.len(), 1);
    let request = &seen[0];
    assert_eq!(request.method, "GET");
    assert_eq!(request.path, "/v1/minimax/videos/");
    assert_eq!(request.raw_query, "account=my%20account");
    assert_eq!(
        request.header("authorization"),
        Some("Bearer user:1-emulator-token")
    );
    assert_eq!(request.header("accept"), Some("application/json"));
    assert_eq!(
        request.header("user-agent"),
        Some(concat!("vidapi/", env!("CARGO_PKG_VERSION")))
    );
    assert!(request.body.is_empty());
}

#[test]
fn minimax_files_passes_limit_and_account() {
    let emulator = Emulator::start().unwrap();
    let client = useapi(&emulator);
    assert_eq!(
        client.minimax().files(Some("acct"), Some(3)).unwrap().len(),
        3
    );
    assert_eq!(
        client.minimax().files(None, None).unwrap().len(),
        10,
        "server default"
    );
    let seen = emulator.requests();
    assert_eq!(seen[0].path, "/v1/minimax/files/");
    assert_eq!(
        seen[0].query,
        vec![
            ("account".into(), "acct".into()),
            ("limit".into(), "3".into())
        ]
    );
    assert_eq!(
        seen[1].raw_query, "",
        "nothing sent that the caller did not set"
    );
}

#[test]
fn pixverse_page_and_iterator_follow_next_offset_until_total() {
    let emulator = Emulator::start().unwrap();
    let client = useapi(&emulator);
    let page = client
        .pixverse()
        .videos(Some("me@example.com"), Some(40), Some(0))
        .unwrap();
    assert_eq!(page.data.as_ref().unwrap().len(), 40);
    assert_eq!(page.next_offset.as_ref().unwrap().get(), Some(40));
    assert_eq!(page.total.as_ref().unwrap().get(), Some(55));
    emulator.reset_records();

    // The deprecated name of `videos_iter_with`, still answering as before.
    #[allow(deprecated)]
    let all: Vec<_> = client
        .pixverse()
        .videos_pages(Some("me@example.com"), 20)
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(all.len(), 55);
    let ids: std::collections::HashSet<_> = all.iter().map(|v| v.video_id.clone()).collect();
    assert_eq!(ids.len(), 55, "no video twice");
    let offsets: Vec<_> = emulator
        .requests()
        .iter()
        .map(|r| r.query_param("offset").unwrap().to_owned())
        .collect();
    assert_eq!(
        offsets,
        ["0", "20", "40"],
        "stops at total without an extra call"
    );

    emulator.reset_records();
    assert_eq!(client.pixverse().videos_iter(None).count(), 55);
    assert_eq!(emulator.requests().len(), 2, "default page size 40");
}

#[test]
fn hourone_create_then_read_as_status_advances() {
    let emulator = Emulator::start().unwrap();
    let client = hourone(&emulator);
    let body = CreateVideoRequest {
        name: Some("Demo".into()),
        source_draft_id: Some("draft_1".into()),
        ..Default::default()
    };
    let made = client
        .create_video(&body, Some("ws-1"), Some("team-9"))
        .unwrap();
    assert_eq!(made.status(), Some(vidapi::hourone::Status::NotStarted));
    let id = made.id.as_deref().unwrap().to_owned();

    let create = &emulator.requests()[0];
    assert_eq!(create.method, "POST");
    assert_eq!(create.path, "/videos");
    assert_eq!(create.header("api-key"), Some(HOURONE_KEY));
    assert_eq!(create.header("workspace-id"), Some("ws-1"));
    assert_eq!(create.header("team-id"), Some("team-9"));
    assert_eq!(create.header("content-type"), Some("application/json"));
    assert_eq!(
        create.json(),
        Some(json!({"name": "Demo", "source_draft_id": "draft_1"}))
    );

    let stages: Vec<_> = (0..4)
        .map(|_| client.video(&id).unwrap().status().unwrap())
        .collect();
    use vidapi::hourone::Status::*;
    assert_eq!(stages, [Started, Processing, Ready, Ready]);
    let ready = client.video(&id).unwrap();
    assert!(ready.is_final());
    assert!(ready.playable_url().unwrap().ends_with(".mp4"));

    let meta = client.video_metadata(&id).unwrap();
    assert_eq!(meta.duration_secs(), Some(12.5));
    let all = client.videos().unwrap();
    assert!(all.iter().any(|v| v.id.as_deref() == Some(id.as_str())));
    let paths: Vec<_> = emulator.requests().iter().map(|r| r.path.clone()).collect();
    assert!(paths.contains(&format!("/videos/{id}/metadata")));

    let headerless = client.create_video(&body, None, None).unwrap();
    assert!(headerless.id.is_some());
    let last = emulator.requests().pop().unwrap();
    assert_eq!(last.header("workspace-id"), None);
}

#[test]
fn hourone_validation_error_carries_the_message() {
    let emulator = Emulator::start().unwrap();
    let err = hourone(&emulator)
        .create_video(&CreateVideoRequest::default(), None, None)
        .unwrap_err();
    match &err {
        Error::Api {
            status: 422,
            message,
            endpoint,
            ..
        } => {
            assert!(message.contains("body.source_draft_id"), "{message}");
            assert_eq!(endpoint.provider, Provider::HourOne);
        }
        other => panic!("{other:?}"),
    }
    let missing = hourone(&emulator).video("no-such-video").unwrap_err();
    assert!(missing.is_not_found(), "{missing:?}");
    assert!(missing.to_string().contains("Video not found"));
}

#[test]
fn memories_list_sends_a_json_body_and_iterates_pages() {
    let emulator = Emulator::start().unwrap();
    let client = memories(&emulator);
    let filter = ListVideosRequest {
        size: Some(10),
        status: Some("PARSE".into()),
        ..Default::default()
    };
    let page = client.list_videos(&filter).unwrap();
    let first = &emulator.requests()[0];
    assert_eq!(first.method, "POST");
    assert_eq!(first.path, "/serve/api/video/list_videos");
    assert_eq!(
        first.header("authorization"),
        Some(MEMORIES_KEY),
        "no scheme"
    );
    assert_eq!(first.json(), Some(json!({"size": 10, "status": "PARSE"})));
    let total = page.total().unwrap();
    assert!(total > 10);
    assert!(
        page.videos
            .unwrap()
            .iter()
            .all(|v| v.status.as_deref() == Some("PARSE"))
    );

    emulator.reset_records();
    let all: Vec<_> = client
        .videos_iter(filter)
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(all.len() as u64, total);
    let pages: Vec<_> = emulator
        .requests()
        .iter()
        .map(|r| r.json().unwrap()["page"].clone())
        .collect();
    assert_eq!(
        pages.len() as u64,
        total.div_ceil(10),
        "stops at total_count"
    );
    assert_eq!(pages[0], json!(1));

    emulator.reset_records();
    let everything = client.videos_iter(ListVideosRequest::default()).count();
    assert_eq!(everything, 45);
    assert_eq!(emulator.requests().len(), 3, "default size 20");

    let in_folder = client
        .list_videos(&ListVideosRequest {
            folder_id: Some(2),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(in_folder.total(), Some(15));
    let by_no = client
        .list_videos(&ListVideosRequest {
            video_no: Some("VI606402870447996928".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(by_no.total(), Some(1));
}

#[test]
fn memories_failure_envelope_under_http_200_is_an_error() {
    let emulator = Emulator::start().unwrap();
    let wrong = Memories::with_config("wrong-key", config(&emulator)).unwrap();
    let err = wrong
        .list_videos(&ListVideosRequest::default())
        .unwrap_err();
    match &err {
        Error::Unauthorized {
            status: 200,
            code: Some(code),
            message,
            ..
        } => {
            assert_eq!(code, "0401");
            assert_eq!(message, "Invalid API key");
        }
        other => panic!("{other:?}"),
    }
    emulator.fail_next(
        1,
        Fault::json(
            200,
            r#"{"code": 400, "msg": "page must be positive", "data": null}"#,
        ),
    );
    let err = memories(&emulator)
        .list_videos(&ListVideosRequest::default())
        .unwrap_err();
    assert!(
        matches!(&err, Error::Api { status: 200, code: Some(c), .. } if c == "400"),
        "{err:?}"
    );
    // 0429 inside a 200 is a rate limit, and is retried.
    emulator.reset_records();
    emulator.fail_next(2, Fault::json(200, r#"{"code":"0429","msg":"Too many requests","data":null,"success":false,"failed":true}"#));
    assert!(
        memories(&emulator)
            .list_videos(&ListVideosRequest::default())
            .is_ok()
    );
    assert_eq!(emulator.requests().len(), 3);
}

#[test]
fn unauthorized_useapi_carries_the_documented_body() {
    let emulator = Emulator::start().unwrap();
    let client = UseApi::with_config("user:wrong", config(&emulator)).unwrap();
    let err = client.pixverse().videos(None, None, None).unwrap_err();
    match &err {
        Error::Unauthorized {
            status: 401,
            code,
            message,
            endpoint,
        } => {
            assert_eq!(code.as_deref(), Some("401"));
            assert_eq!(message, "Unauthorized");
            assert_eq!(endpoint.provider, Provider::PixVerse);
        }
        other => panic!("{other:?}"),
    }
    assert!(!err.is_retryable());
    assert_eq!(emulator.requests().len(), 1, "401 is not retried");
    let text = err.to_string();
    assert!(
        text.contains("PixVerse list videos") && text.contains("401"),
        "{text}"
    );
}

#[test]
fn rate_limits_are_retried_honoring_retry_after() {
    let emulator = Emulator::start().unwrap();
    let client = useapi(&emulator);
    emulator.fail_next(2, Fault::rate_limited(Some("0")));
    assert_eq!(
        client.minimax().videos(None).unwrap().len(),
        MINIMAX_FIRST_PAGE
    );
    assert_eq!(emulator.requests().len(), 3, "two 429s, then success");

    emulator.reset_records();
    emulator.fail_next(1, Fault::rate_limited(Some("1")));
    let started = Instant::now();
    client.minimax().videos(None).unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited as Retry-After asked"
    );
    assert_eq!(emulator.requests().len(), 2);

    emulator.reset_records();
    emulator.fail_next(10, Fault::rate_limited(None));
    let err = client.minimax().videos(None).unwrap_err();
    assert!(
        matches!(
            err,
            Error::RateLimited {
                status: 429,
                retry_after: None,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(emulator.requests().len(), 4, "1 attempt + max_retries 3");
    emulator.clear_faults();
}

#[test]
fn zero_retries_means_one_attempt() {
    let emulator = Emulator::start().unwrap();
    let client =
        UseApi::with_config(USEAPI_TOKEN, config(&emulator).retry(RetryPolicy::none())).unwrap();
    emulator.fail_next(1, Fault::html(503));
    let err = client.minimax().videos(None).unwrap_err();
    assert!(err.is_retryable());
    assert_eq!(emulator.requests().len(), 1);
}

#[test]
fn gateway_errors_are_retried_but_create_never_is() {
    let emulator = Emulator::start().unwrap();
    emulator.fail_next(2, Fault::html(502));
    assert!(useapi(&emulator).minimax().files(None, None).is_ok());
    assert_eq!(emulator.requests().len(), 3);

    emulator.reset_records();
    emulator.fail_next(1, Fault::html(503));
    let body = CreateVideoRequest {
        recipe_id: Some("r".into()),
        ..Default::default()
    };
    let err = hourone(&emulator)
        .create_video(&body, None, None)
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(emulator.requests().len(), 1, "create is not retried");

    emulator.reset_records();
    emulator.fail_next(1, Fault::rate_limited(Some("0")));
    assert!(hourone(&emulator).create_video(&body, None, None).is_err());
    assert_eq!(emulator.requests().len(), 1, "not even on 429");
}

#[test]
fn every_error_variant_from_a_scripted_fault() {
    let emulator = Emulator::start().unwrap();
    let client = UseApi::with_config(
        USEAPI_TOKEN,
        config(&emulator)
            .retry(RetryPolicy::none())
            .timeout(Duration::from_millis(400))
            .max_body_bytes(64 * 1024),
    )
    .unwrap();
    let minimax = client.minimax();

    emulator.fail_next(1, Fault::html(500));
    match minimax.videos(None).unwrap_err() {
        Error::Api {
            status: 500,
            message,
            ..
        } => assert!(message.contains("HTML page"), "{message}"),
        other => panic!("{other:?}"),
    }

    emulator.fail_next(
        1,
        Fault::json(
            400,
            r#"{"error": "Parameter account is invalid", "code": 400}"#,
        ),
    );
    match minimax.videos(None).unwrap_err() {
        Error::Api {
            status: 400,
            message,
            code,
            ..
        } => {
            assert_eq!(message, "Parameter account is invalid");
            assert_eq!(code.as_deref(), Some("400"));
        }
        other => panic!("{other:?}"),
    }

    emulator.fail_next(1, Fault::stall(Duration::from_secs(2)));
    let started = Instant::now();
    assert!(matches!(
        minimax.videos(None).unwrap_err(),
        Error::Timeout { .. }
    ));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "gave up at the timeout"
    );

    emulator.fail_next(1, Fault::truncated());
    assert!(matches!(
        minimax.videos(None).unwrap_err(),
        Error::Transport { connect: false, .. }
    ));

    emulator.fail_next(1, Fault::json(200, "[{\"id\": "));
    match minimax.videos(None).unwrap_err() {
        Error::Decode {
            status: 200,
            snippet,
            ..
        } => assert_eq!(snippet, "[{\"id\": "),
        other => panic!("{other:?}"),
    }

    emulator.fail_next(1, Fault::oversized(256 * 1024));
    assert!(matches!(
        minimax.videos(None).unwrap_err(),
        Error::BodyTooLarge { limit: 65536, .. }
    ));

    // A length over the limit fails at once: this answer announces 1 GiB
    // and sends one byte, which reading would report as a cut body.
    emulator.fail_next(
        1,
        Fault::Raw(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1073741824\r\n\r\n["
                .to_vec(),
        ),
    );
    assert!(matches!(
        minimax.videos(None).unwrap_err(),
        Error::BodyTooLarge { limit: 65536, .. }
    ));

    emulator.fail_next(1, Fault::redirect("https://elsewhere.example/steal"));
    match minimax.videos(None).unwrap_err() {
        Error::Redirect {
            status: 302,
            location,
            ..
        } => assert_eq!(location, "https://elsewhere.example/steal"),
        other => panic!("{other:?}"),
    }

    emulator.fail_next(1, Fault::Hangup);
    assert!(matches!(
        minimax.videos(None).unwrap_err(),
        Error::Transport { .. }
    ));

    assert!(matches!(
        minimax.videos(Some(" ")).unwrap_err(),
        Error::InvalidArgument {
            name: "account",
            ..
        }
    ));

    // Every fault was consumed by exactly one call, and the client still works.
    assert_eq!(emulator.pending_faults(), 0);
    assert_eq!(minimax.videos(None).unwrap().len(), MINIMAX_FIRST_PAGE);
}

#[test]
fn a_refused_port_is_a_retryable_connect_failure() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = UseApi::with_config(
        USEAPI_TOKEN,
        Config::new()
            .base_url(format!("http://127.0.0.1:{port}"))
            .retry(quick_retries(2)),
    )
    .unwrap();
    let err = client.minimax().videos(None).unwrap_err();
    assert!(
        matches!(err, Error::Transport { connect: true, .. }),
        "{err:?}"
    );
    assert!(err.is_retryable());
}

#[test]
fn fifty_sequential_calls_share_one_connection() {
    let emulator = Emulator::start().unwrap();
    let client = useapi(&emulator);
    for i in 0..50 {
        if i % 2 == 0 {
            client.minimax().videos(None).unwrap();
        } else {
            client.pixverse().videos(None, Some(5), None).unwrap();
        }
    }
    assert_eq!(emulator.requests().len(), 50);
    assert_eq!(emulator.connections(), 1);

    // A clone shares the pool.
    let clone = client.clone();
    clone.minimax().files(None, None).unwrap();
    assert_eq!(emulator.connections(), 1);
}

#[test]
fn hostile_emails_accounts_and_ids_arrive_exactly() {
    let emulator = Emulator::start().unwrap();
    let client = useapi(&emulator);
    for email in [
        "me+tag@example.com",
        "a&b=c@example.com",
        "x#y@example.com",
        "sp ace@example.com",
        "ünï@例え.jp",
    ] {
        client
            .pixverse()
            .videos(Some(email), Some(1), None)
            .unwrap();
        let seen = emulator.requests().pop().unwrap();
        assert_eq!(
            seen.query_param("email"),
            Some(email),
            "raw query {}",
            seen.raw_query
        );
        assert_eq!(
            seen.query.len(),
            2,
            "the value did not add parameters: {}",
            seen.raw_query
        );
        assert_eq!(seen.path, "/v2/pixverse/videos/");
    }
    for account in [
        "a&limit=999",
        "100%",
        "x?y",
        "tab\there",
        "..",
        "/etc/passwd",
    ] {
        client.minimax().files(Some(account), Some(2)).unwrap();
        let seen = emulator.requests().pop().unwrap();
        assert_eq!(seen.query_param("account"), Some(account));
        assert_eq!(seen.query_param("limit"), Some("2"));
        assert_eq!(seen.path, "/v1/minimax/files/");
    }

    let hour = hourone(&emulator);
    for id in [
        "a/b",
        "x?y=1",
        "../../v1/minimax/videos",
        "%2F",
        "id#frag",
        "..x",
    ] {
        let err = hour.video(id).unwrap_err();
        assert!(err.is_not_found(), "{id}: {err:?}");
        let seen = emulator.requests().pop().unwrap();
        assert!(seen.path.starts_with("/videos/"), "{id} -> {}", seen.path);
        assert_eq!(
            seen.path.matches('/').count(),
            2,
            "{id} stayed one segment: {}",
            seen.path
        );
        assert_eq!(seen.raw_query, "");
        let decoded = percent_decode(seen.path.trim_start_matches("/videos/"));
        assert_eq!(decoded, id);
    }
    let before = emulator.requests().len();
    for bad in ["", "   ", ".", "..", "a\nb", "a\0b"] {
        let err = hour.video(bad).unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidArgument {
                    name: "video id",
                    ..
                }
            ),
            "{bad:?}: {err:?}"
        );
    }
    assert_eq!(
        emulator.requests().len(),
        before,
        "rejected before any request"
    );
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn clients_are_clone_send_sync_and_debug_hides_credentials() {
    fn assert_traits<T: Clone + Send + Sync + std::fmt::Debug>() {}
    assert_traits::<UseApi>();
    assert_traits::<HourOne>();
    assert_traits::<Memories>();
    let client = UseApi::new("user:secret-token-123");
    let debug = format!("{client:?}");
    assert!(!debug.contains("secret-token-123"), "{debug}");
    assert_eq!(client.base_url(), "https://api.useapi.net");
    assert_eq!(
        HourOne::new("k").base_url(),
        "https://api.makereals.com/api/v1"
    );
    assert_eq!(Memories::new("k").base_url(), "https://api.memories.ai");
}

#[test]
fn plain_http_is_refused_unless_loopback_or_opted_in() {
    let err =
        UseApi::with_config("t", Config::new().base_url("http://api.example.com")).unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidArgument {
                name: "base URL",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        UseApi::with_config(
            "t",
            Config::new()
                .base_url("http://api.example.com")
                .allow_http(true)
        )
        .is_ok()
    );
    assert!(UseApi::with_config("t", Config::new().base_url("http://localhost:1")).is_ok());
}

#[test]
fn an_error_page_longer_than_64_kib_is_described_from_its_start() {
    let emulator = Emulator::start().unwrap();
    let mut page = b"<!DOCTYPE html><html><title>502 Bad Gateway</title>".to_vec();
    page.resize(200 * 1024, b' ');
    emulator.fail_next(
        1,
        Fault::Respond {
            status: 502,
            headers: vec![("Content-Type".into(), "text/html".into())],
            body: page,
        },
    );
    let client =
        UseApi::with_config(USEAPI_TOKEN, config(&emulator).retry(RetryPolicy::none())).unwrap();
    match client.minimax().videos(None).unwrap_err() {
        Error::Api {
            status: 502,
            message,
            ..
        } => {
            assert!(message.contains("HTML page (text/html)"), "{message}");
            assert!(message.contains("502 Bad Gateway"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

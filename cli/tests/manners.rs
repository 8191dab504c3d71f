//! Production manners: pacing within memories.ai's documented rate, log
//! events for every attempt (free of credentials and emails), and proxy
//! credentials kept out of `Debug`, errors and logs.

use std::io::Write;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use vidapi::accounts::Accounts;
use vidapi::download::Downloader;
use vidapi::emulator::{Emulator, Fault, HOURONE_KEY, MEMORIES_KEY, RecordedRequest, USEAPI_TOKEN};
use vidapi::memories::{LIST_VIDEOS, ListVideosRequest};
use vidapi::{Config, HourOne, Memories, Provider, Rate, RetryPolicy, UseApi};

mod common;
use common::{run, vidapi};

const LIST_PATH: &str = "/serve/api/video/list_videos";
const WINDOW: Duration = Duration::from_secs(1);

/// memories.ai's documented limit, enforced by the emulator as a sliding
/// one-second window (answering 0429 beyond it).
fn strict(emulator: &Emulator) {
    emulator.rate_limit(LIST_PATH, 5, WINDOW);
}

/// The arrival times of the requests to `path`, in order, after checking
/// that none was refused.
fn arrivals(emulator: &Emulator, path: &str) -> Vec<Instant> {
    let sent: Vec<RecordedRequest> = emulator
        .requests()
        .into_iter()
        .filter(|r| r.path == path)
        .collect();
    let refused = sent.iter().filter(|r| r.rate_limited).count();
    assert_eq!(refused, 0, "requests answered 0429");
    let mut times: Vec<Instant> = sent.iter().map(|r| r.received).collect();
    times.sort();
    times
}

/// No window of one second, wherever it starts, holds more than five of
/// `times` (the sixth after any request arrives a full second or more
/// after it), with no slack; and the requests came evenly, not in bursts.
fn assert_paced(times: &[Instant]) {
    for (i, six) in times.windows(6).enumerate() {
        let span = six[5] - six[0];
        assert!(
            span >= WINDOW,
            "requests {i}..={} arrived within {span:?}",
            i + 5
        );
    }
    // Evenly: the limiter lets requests go 220 ms apart; a burst would put
    // them a few milliseconds apart. 100 ms leaves room for one arriving
    // late on a loaded machine without letting a burst through.
    for (i, pair) in times.windows(2).enumerate() {
        let gap = pair[1] - pair[0];
        assert!(gap >= Duration::from_millis(100), "gap {i}: {gap:?}");
    }
}

#[test]
fn memories_all_with_pages_of_two_never_draws_a_0429() {
    let emulator = Emulator::start().unwrap();
    strict(&emulator);
    let started = Instant::now();
    // Folder 1 holds 15 of the 45 videos: 8 pages of 2.
    let out = run(
        &mut vidapi(&emulator),
        &[
            "--json",
            "memories",
            "videos",
            "--all",
            "--size",
            "2",
            "--folder-id",
            "1",
        ],
    );
    let took = started.elapsed();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let videos: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(videos.as_array().map(Vec::len), Some(15));
    let times = arrivals(&emulator, LIST_PATH);
    // One request per page: nothing was retried.
    assert_eq!(times.len(), 8);
    assert_paced(&times);
    // Seven gaps of at least 220 ms.
    assert!(took >= Duration::from_millis(7 * 220), "{took:?}");
}

#[test]
fn pacing_holds_with_eight_threads_sharing_one_client() {
    let emulator = Emulator::start().unwrap();
    strict(&emulator);
    // No retries: a single 0429 would be an error here, not hidden.
    let config = Config::new()
        .base_url(emulator.base_url())
        .retry(RetryPolicy::none());
    let client = Memories::with_config(MEMORIES_KEY, config).unwrap();
    let filter = ListVideosRequest {
        size: Some(2),
        ..Default::default()
    };
    std::thread::scope(|scope| {
        for worker in 0..8u32 {
            let (client, filter) = (client.clone(), filter.clone());
            scope.spawn(move || {
                for round in 0..2 {
                    let page = ListVideosRequest {
                        page: Some(worker * 2 + round + 1),
                        ..filter.clone()
                    };
                    let got = client.list_videos(&page).unwrap();
                    assert_eq!(got.videos.map(|v| v.len()), Some(2));
                }
            });
        }
    });
    let times = arrivals(&emulator, LIST_PATH);
    assert_eq!(times.len(), 16);
    assert_paced(&times);
}

#[test]
fn retries_count_against_the_rate_and_pacing_can_be_changed() {
    let emulator = Emulator::start().unwrap();
    strict(&emulator);
    let fast = RetryPolicy {
        max_retries: 3,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(2),
        max_retry_after: Duration::from_secs(1),
    };
    let config = Config::new().base_url(emulator.base_url()).retry(fast);
    let client = Memories::with_config(MEMORIES_KEY, config.clone()).unwrap();
    // Three 0429s from the provider itself: the retries wait out the
    // backoff and the limiter both, so the four attempts are paced too.
    emulator.fail_next(
        3,
        Fault::json(
            200,
            r#"{"code":"0429","msg":"Too many requests","data":null}"#,
        ),
    );
    client.list_videos(&Default::default()).unwrap();
    client.list_videos(&Default::default()).unwrap();
    let times = arrivals(&emulator, LIST_PATH);
    assert_eq!(times.len(), 5);
    for pair in times.windows(2) {
        assert!(pair[1] - pair[0] >= Duration::from_millis(100));
    }

    // Pacing off: the emulator's limit answers the sixth request with 0429.
    emulator.reset_records();
    let unpaced = Memories::with_config(
        MEMORIES_KEY,
        config.clone().retry(RetryPolicy::none()).pacing(false),
    )
    .unwrap();
    let fresh = Emulator::start().unwrap();
    strict(&fresh);
    let unpaced_fresh = Memories::with_config(
        MEMORIES_KEY,
        Config::new()
            .base_url(fresh.base_url())
            .retry(RetryPolicy::none())
            .pace(LIST_VIDEOS, None),
    )
    .unwrap();
    for client in [&unpaced, &unpaced_fresh] {
        let results: Vec<_> = (0..6)
            .map(|_| client.list_videos(&Default::default()))
            .collect();
        let limited = results.iter().filter(|r| r.is_err()).count();
        assert!(limited >= 1, "an unpaced burst of six passed");
        for error in results.iter().filter_map(|r| r.as_ref().err()) {
            assert!(
                matches!(error, vidapi::Error::RateLimited { .. }),
                "{error}"
            );
        }
    }
    // A rate of one's own is kept instead of the documented one.
    let slow = Emulator::start().unwrap();
    let mine = Memories::with_config(
        MEMORIES_KEY,
        Config::new()
            .base_url(slow.base_url())
            .pace(LIST_VIDEOS, Some(Rate::per_second(10))),
    )
    .unwrap();
    for _ in 0..3 {
        mine.list_videos(&Default::default()).unwrap();
    }
    let times: Vec<_> = slow.requests().iter().map(|r| r.received).collect();
    for pair in times.windows(2) {
        assert!(pair[1] - pair[0] >= Rate::per_second(10).spacing() / 2);
    }
}

/// A `tracing` subscriber's output, kept in memory.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Buffer {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

/// Runs `f` with every event (DEBUG and up) written to the returned text,
/// one line each.
fn logged(f: impl FnOnce()) -> String {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::DEBUG)
        .finish();
    tracing::subscriber::with_default(subscriber, f);
    buffer.text()
}

const PROXY_PASSWORD: &str = "proxy-s3cret-pw";

#[test]
fn every_attempt_is_logged_without_credentials_or_emails() {
    let emulator = Emulator::start().unwrap();
    let config = Config::new()
        .base_url(emulator.base_url())
        .retry(RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(2),
            max_retry_after: Duration::from_secs(1),
        });
    let useapi = UseApi::with_config(USEAPI_TOKEN, config.clone()).unwrap();
    let mem = Memories::with_config(MEMORIES_KEY, config.clone()).unwrap();
    let hour = HourOne::with_config(HOURONE_KEY, config).unwrap();
    let email = "me+tag@example.com";
    let text = logged(|| {
        emulator.fail_next(1, Fault::rate_limited(Some("0")));
        useapi
            .pixverse()
            .videos(Some(email), Some(5), Some(0))
            .unwrap();
        let id = format!("user:<userid>-pixverse:{email}-video:1001");
        useapi.pixverse().video(&id).unwrap();
        useapi.minimax().videos(Some("owner@example.com")).unwrap();
        mem.list_videos(&Default::default()).unwrap();
        mem.list_videos(&Default::default()).unwrap();
        hour.video("nope").unwrap_err();
    });
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 7, "{text}");
    // The 429 and its retry, one line each, with what happened.
    let first = lines[0];
    for field in [
        "INFO",
        "attempt failed; retrying",
        "provider=PixVerse",
        "endpoint=\"list videos\"",
        "method=\"GET\"",
        "path=/v2/pixverse/videos/?email=[redacted]&limit=5&offset=0",
        "status=429",
        "bytes=",
        "ms=",
        "retry=0",
        "wait_ms=0",
        "error=\"RateLimited\"",
    ] {
        assert!(first.contains(field), "{field} not in {first}");
    }
    for field in ["DEBUG", "attempt", "status=200", "retry=1", "bytes="] {
        assert!(lines[1].contains(field), "{field} not in {}", lines[1]);
    }
    assert!(!lines[1].contains("wait_ms"), "{}", lines[1]);
    // A video id that holds the account's email is not shown.
    assert!(
        lines[2].contains("path=/v2/pixverse/videos/[redacted] "),
        "{}",
        lines[2]
    );
    // memories.ai: a POST, paced: the second waited for its turn.
    assert!(lines[4].contains("method=\"POST\"") && lines[4].contains("paced_ms=0"));
    let paced: u64 = lines[5]
        .split("paced_ms=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|ms| ms.parse().ok())
        .unwrap();
    assert!(paced > 0, "{}", lines[5]);
    // A failure that is not retried.
    assert!(lines[6].contains("status=404") && lines[6].contains("error=\"Api\""));
    for secret in [
        USEAPI_TOKEN,
        MEMORIES_KEY,
        HOURONE_KEY,
        "example.com",
        "@",
        "%40",
    ] {
        assert!(!text.contains(secret), "{secret} logged:\n{text}");
    }
}

#[test]
fn verbose_prints_one_line_per_attempt_on_stderr_only() {
    let emulator = Emulator::start().unwrap();
    emulator.fail_next(1, Fault::rate_limited(Some("0")));
    let out = run(
        &mut vidapi(&emulator),
        &[
            "--json",
            "-v",
            "pixverse",
            "videos",
            "--email",
            "me@example.com",
            "--limit",
            "3",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let page: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(page["data"].as_array().map(Vec::len), Some(3));
    let attempts: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.contains("vidapi::transport"))
        .collect();
    assert_eq!(attempts.len(), 2, "{}", out.stderr);
    assert!(attempts[0].contains("status=429") && attempts[0].contains("retry=0"));
    assert!(attempts[1].contains("status=200") && attempts[1].contains("retry=1"));
    for secret in [USEAPI_TOKEN, "example.com"] {
        assert!(!out.stderr.contains(secret), "{}", out.stderr);
    }
    // Without -v, nothing of the sort.
    let quiet = run(
        &mut vidapi(&emulator),
        &["--json", "pixverse", "videos", "--limit", "3"],
    );
    assert_eq!(quiet.code, 0);
    assert!(
        !quiet.stderr.contains("vidapi::transport"),
        "{}",
        quiet.stderr
    );
}

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[test]
fn proxy_credentials_stay_out_of_debug_errors_and_logs() {
    let emulator = Emulator::start().unwrap();
    let dead = format!(
        "http://proxyuser:{PROXY_PASSWORD}@127.0.0.1:{}",
        closed_port()
    );
    let config = Config::new()
        .base_url(emulator.base_url())
        .proxy(&dead)
        .retry(RetryPolicy::none());
    let useapi = UseApi::with_config(USEAPI_TOKEN, config.clone()).unwrap();
    let hour = HourOne::with_config(HOURONE_KEY, config.clone()).unwrap();
    let mem = Memories::with_config(MEMORIES_KEY, config.clone()).unwrap();
    let accounts = Accounts {
        useapi: Some(useapi.clone()),
        hourone: Some(hour.clone()),
        memories: Some(mem.clone()),
    };
    let downloader = Downloader::new(Provider::PixVerse, &config).unwrap();
    let mut shown = vec![
        format!("{config:?}"),
        format!("{useapi:?}"),
        format!("{:?}", useapi.minimax()),
        format!("{hour:?}"),
        format!("{mem:?}"),
        format!("{accounts:?}"),
        format!("{downloader:?}"),
    ];
    assert!(shown[0].contains("[redacted]@127.0.0.1"), "{}", shown[0]);

    // Errors: the proxy refuses connections; a "proxy" (the emulator
    // itself) echoes its own URL back in an error message.
    let logs = logged(|| {
        let errors = [
            useapi.minimax().videos(None).unwrap_err(),
            hour.videos().unwrap_err(),
            mem.list_videos(&Default::default()).unwrap_err(),
        ];
        for error in &errors {
            assert!(
                matches!(error, vidapi::Error::Transport { .. }),
                "{error:?}"
            );
        }
        shown.extend(errors.iter().map(|e| format!("{e} {e:?}")));
        let media = format!("{}/media/pixverse/1.mp4", emulator.base_url());
        let dir = tempfile::tempdir().unwrap();
        let error = downloader
            .fetch(&media, &dir.path().join("v.mp4"), |_| {})
            .unwrap_err();
        shown.push(format!("{error} {error:?}"));
    });
    let live = format!(
        "http://proxyuser:{PROXY_PASSWORD}@{}",
        emulator.base_url().trim_start_matches("http://")
    );
    let echoing = UseApi::with_config(
        USEAPI_TOKEN,
        Config::new()
            .base_url(emulator.base_url())
            .proxy(&live)
            .retry(RetryPolicy::none()),
    )
    .unwrap();
    let body =
        format!(r#"{{"error": "proxy {live} refused proxyuser:{PROXY_PASSWORD}", "code": 400}}"#);
    emulator.fail_next(1, Fault::json(400, &body));
    emulator.reset_records();
    let echoed = echoing.minimax().videos(None).unwrap_err();
    assert_eq!(echoed.status(), Some(400), "{echoed:?}");
    // It went through the proxy, with the proxy's credentials.
    let sent = emulator.requests();
    assert_eq!(sent[0].method, "CONNECT", "{sent:?}");
    assert!(sent[0].header("proxy-authorization").is_some());
    assert_eq!(sent[1].path, "/v1/minimax/videos/");
    let echoed = format!("{echoed} {echoed:?}");
    assert!(echoed.contains("[redacted]"), "{echoed}");
    shown.push(echoed);
    // A proxy URL ureq cannot use is refused without quoting it.
    let bad = UseApi::with_config(
        USEAPI_TOKEN,
        Config::new().proxy(format!("ftp://proxyuser:{PROXY_PASSWORD}@[::1")),
    );
    if let Err(error) = bad {
        shown.push(format!("{error} {error:?}"));
    }
    shown.push(logs);

    for text in &shown {
        assert!(!text.contains(PROXY_PASSWORD), "{text}");
        assert!(!text.contains("proxyuser:"), "{text}");
    }

    // The command line: VIDAPI_PROXY never appears in its output either.
    let out = run(
        vidapi(&emulator).env("VIDAPI_PROXY", &dead),
        &["-v", "minimax", "videos"],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("MiniMax list videos"), "{}", out.stderr);
    for text in [&out.stdout, &out.stderr] {
        assert!(!text.contains(PROXY_PASSWORD), "{text}");
    }
}

//! Hostile servers and hostile input: every case ends in a typed error (or a
//! correct result) within the configured timeout, without a panic, a hang
//! or a leaked credential. The outcome of each case is also checked against
//! the table in RELIABILITY.md, so the report says what the tests saw.

use std::io::Write;
use std::time::{Duration, Instant};

use vidapi::emulator::{Emulator, Fault, HOURONE_KEY, MEMORIES_KEY, USEAPI_TOKEN};
use vidapi::hourone::CreateVideoRequest;
use vidapi::{Config, Error, HourOne, Memories, RetryPolicy, UseApi};

/// The per-attempt timeout every case runs under.
const TIMEOUT: Duration = Duration::from_millis(800);
/// The body limit every case runs under.
const LIMIT: u64 = 1024 * 1024;

fn retries(max_retries: u32) -> RetryPolicy {
    RetryPolicy {
        max_retries,
        initial_backoff: Duration::from_millis(1),
        max_backoff: Duration::from_millis(5),
        max_retry_after: Duration::from_secs(2),
    }
}

fn config(emulator: &Emulator) -> Config {
    Config::new()
        .base_url(emulator.base_url())
        .timeout(TIMEOUT)
        .connect_timeout(TIMEOUT)
        .max_body_bytes(LIMIT)
        .retry(retries(2))
}

fn useapi(emulator: &Emulator) -> UseApi {
    UseApi::with_config(USEAPI_TOKEN, config(emulator)).unwrap()
}

/// A raw HTTP answer with a JSON content type and the given body.
fn raw(status: &str, headers: &str, body: &[u8]) -> Vec<u8> {
    let mut bytes = format!("HTTP/1.1 {status}\r\n{headers}Connection: close\r\n\r\n").into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

fn with_length(body: &[u8]) -> Fault {
    Fault::Raw(raw(
        "200 OK",
        &format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ),
        body,
    ))
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

/// A JSON list of about `bytes` bytes.
fn big_list(bytes: usize) -> Vec<u8> {
    let mut body = b"[".to_vec();
    while body.len() < bytes {
        body.extend_from_slice(b"{\"id\":\"x\"},");
    }
    body.extend_from_slice(b"{}]");
    body
}

/// The variant of an outcome, and the status when there was one: what the
/// RELIABILITY.md table records.
fn outcome<T>(result: &Result<T, Error>) -> String {
    let Err(error) = result else {
        return "Ok".to_owned();
    };
    let kind = match error {
        Error::Api { .. } => "Api",
        Error::Unauthorized { .. } => "Unauthorized",
        Error::RateLimited { .. } => "RateLimited",
        Error::Timeout { .. } => "Timeout",
        Error::Transport { connect: true, .. } => "Transport (connect)",
        Error::Transport { .. } => "Transport",
        Error::Decode { .. } => "Decode",
        Error::BodyTooLarge { .. } => "BodyTooLarge",
        Error::Redirect { .. } => "Redirect",
        Error::InvalidArgument { .. } => "InvalidArgument",
        _ => "other",
    };
    match error.status() {
        Some(status) => format!("{kind}, HTTP {status}"),
        None => kind.to_owned(),
    }
}

struct Case {
    name: &'static str,
    /// The outcome the table promises.
    expect: &'static str,
    /// Requests the emulator must have received (retries included).
    requests: usize,
    /// Runs the call against a fresh emulator and returns the printable
    /// result (the error, or a summary of the value).
    run: fn(&Emulator) -> Result<String, Error>,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "malformed JSON",
            expect: "Decode, HTTP 200",
            requests: 1,
            run: |e| {
                e.fail_next(1, Fault::json(200, r#"[{"id": "a",, }]"#));
                useapi(e).minimax().videos(None).map(|v| format!("{v:?}"))
            },
        },
        Case {
            name: "object where a list is due",
            expect: "Decode, HTTP 200",
            requests: 1,
            run: |e| {
                e.fail_next(1, Fault::json(200, r#"{"data": []}"#));
                useapi(e).minimax().videos(None).map(|v| format!("{v:?}"))
            },
        },
        Case {
            name: "list where an object is due",
            expect: "Decode, HTTP 200",
            requests: 1,
            run: |e| {
                e.fail_next(1, Fault::json(200, "[1, 2, 3]"));
                useapi(e)
                    .pixverse()
                    .videos(None, None, None)
                    .map(|v| format!("{v:?}"))
            },
        },
        Case {
            name: "empty body with 200",
            expect: "Decode, HTTP 200",
            requests: 1,
            run: |e| {
                e.fail_next(1, Fault::json(200, ""));
                useapi(e).minimax().videos(None).map(|v| format!("{v:?}"))
            },
        },
        Case {
            name: "HTML page with 200",
            expect: "Decode, HTTP 200",
            requests: 1,
            run: |e| {
                e.fail_next(1, Fault::html(200));
                let r = useapi(e).minimax().videos(None);
                if let Err(Error::Decode { reason, .. }) = &r {
                    assert!(reason.contains("HTML"), "{reason}");
                }
                r.map(|v| format!("{v:?}"))
            },
        },
        Case {
            name: "HTML page with 502, past the retry budget",
            expect: "Api, HTTP 502",
            requests: 3,
            run: |e| {
                e.fail_next(3, Fault::html(502));
                let r = useapi(e).minimax().videos(None);
                if let Err(Error::Api { message, .. }) = &r {
                    assert!(message.contains("HTML page (text/html"), "{message}");
                }
                r.map(|v| format!("{v:?}"))
            },
        },
        Case {
            name: "JSON labelled text/html",
            expect: "Ok",
            requests: 1,
            run: |e| {
                e.fail_next(
                    1,
                    Fault::Respond {
                        status: 200,
                        headers: vec![("Content-Type".into(), "text/html".into())],
                        body: br#"[{"id": "a", "status": 2}]"#.to_vec(),
                    },
                );
                useapi(e).minimax().videos(None).map(|v| {
                    assert_eq!(v[0].status(), Some(vidapi::minimax::Status::Completed));
                    format!("{v:?}")
                })
            },
        },
        Case {
            name: "HTML labelled application/json",
            expect: "Decode, HTTP 200",
            requests: 1,
            run: |e| {
                e.fail_next(1, Fault::json(200, "<html><body>maintenance</body></html>"));
                useapi(e).minimax().videos(None).map(|v| format!("{v:?}"))
            },
        },
        Case {
            name: "body over the limit, with Content-Length",
            expect: "BodyTooLarge, HTTP 200",
            requests: 1,
            run: |e| {
                e.fail_next(1, with_length(&big_list(2 * LIMIT as usize)));
                useapi(e)
                    .minimax()
                    .videos(None)
                    .map(|v| format!("{}", v.len()))
            },
        },
        Case {
            name: "body over the limit, without Content-Length",
            expect: "BodyTooLarge, HTTP 200",
            requests: 1,
            run: |e| {
                // No length: the body ends when the connection closes.
                e.fail_next(
                    1,
                    Fault::Raw(raw(
                        "200 OK",
                        "Content-Type: application/json\r\n",
                        &big_list(2 * LIMIT as usize),
                    )),
                );
                useapi(e)
                    .minimax()
                    .videos(None)
                    .map(|v| format!("{}", v.len()))
            },
        },
        Case {
            name: "gzip body that inflates past the limit",
            expect: "BodyTooLarge, HTTP 200",
            requests: 1,
            run: |e| {
                let bomb = gzip(&big_list(8 * LIMIT as usize));
                assert!(
                    bomb.len() < LIMIT as usize / 4,
                    "compressed it is small: {}",
                    bomb.len()
                );
                let headers = format!(
                    "Content-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n",
                    bomb.len()
                );
                e.fail_next(1, Fault::Raw(raw("200 OK", &headers, &bomb)));
                useapi(e)
                    .minimax()
                    .videos(None)
                    .map(|v| format!("{}", v.len()))
            },
        },
        Case {
            name: "gzip body within the limit",
            expect: "Ok",
            requests: 1,
            run: |e| {
                let body = gzip(br#"[{"id": "zipped", "status": 2}]"#);
                let headers = format!(
                    "Content-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n",
                    body.len()
                );
                e.fail_next(1, Fault::Raw(raw("200 OK", &headers, &body)));
                useapi(e).minimax().videos(None).map(|v| {
                    assert_eq!(v[0].id(), Some("zipped"));
                    format!("{v:?}")
                })
            },
        },
        Case {
            name: "Content-Length longer than the body (truncated)",
            expect: "Transport",
            requests: 1,
            run: |e| {
                e.fail_next(1, Fault::truncated());
                useapi(e).minimax().videos(None).map(|v| format!("{v:?}"))
            },
        },
        Case {
            name: "Content-Length shorter than the body",
            expect: "Decode, HTTP 200",
            requests: 1,
            run: |e| {
                let body = br#"[{"id": "a"}, {"id": "b"}]"#;
                e.fail_next(
                    1,
                    Fault::Raw(raw(
                        "200 OK",
                        "Content-Type: application/json\r\nContent-Length: 10\r\n",
                        body,
                    )),
                );
                useapi(e).minimax().videos(None).map(|v| format!("{v:?}"))
            },
        },
        Case {
            name: "accepts and never answers",
            expect: "Timeout",
            requests: 1,
            run: |e| {
                e.fail_next(1, Fault::Silence(Duration::from_secs(4)));
                useapi(e).minimax().videos(None).map(|v| format!("{v:?}"))
            },
        },
        Case {
            name: "trickles one byte at a time",
            expect: "Timeout",
            requests: 1,
            run: |e| {
                let answer = raw(
                    "200 OK",
                    "Content-Type: application/json\r\nContent-Length: 2000\r\n",
                    &big_list(2000)[..2000],
                );
                e.fail_next(
                    1,
                    Fault::Trickle {
                        bytes: answer,
                        pause: Duration::from_millis(100),
                    },
                );
                useapi(e).minimax().videos(None).map(|v| format!("{v:?}"))
            },
        },
        Case {
            name: "connection closed mid-body",
            expect: "Transport",
            requests: 1,
            run: |e| {
                let body = big_list(50_000);
                let head = format!(
                    "Content-Type: application/json\r\nContent-Length: {}\r\n",
                    body.len()
                );
                e.fail_next(1, Fault::Raw(raw("200 OK", &head, &body[..20_000])));
                useapi(e)
                    .minimax()
                    .videos(None)
                    .map(|v| format!("{}", v.len()))
            },
        },
        Case {
            name: "connection closed before any answer",
            expect: "Transport",
            requests: 1,
            run: |e| {
                e.fail_next(1, Fault::Hangup);
                useapi(e).minimax().videos(None).map(|v| format!("{v:?}"))
            },
        },
        Case {
            name: "JSON nested 100,000 levels deep",
            expect: "Decode, HTTP 200",
            requests: 1,
            run: |e| {
                let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
                let body = format!(r#"{{"data": [{{"lip_sync": {deep}}}], "total": 1}}"#);
                e.fail_next(1, Fault::json(200, &body));
                useapi(e)
                    .pixverse()
                    .videos(None, None, None)
                    .map(|v| format!("{v:?}"))
            },
        },
        Case {
            name: "invalid UTF-8 in a string",
            expect: "Decode, HTTP 200",
            requests: 1,
            run: |e| {
                let mut body = br#"[{"id": "ab"#.to_vec();
                body.extend_from_slice(&[0xff, 0xfe]);
                body.extend_from_slice(br#""}]"#);
                e.fail_next(1, with_length(&body));
                useapi(e).minimax().videos(None).map(|v| format!("{v:?}"))
            },
        },
        Case {
            name: "a 10 MB single string (under a 32 MiB limit)",
            expect: "Ok",
            requests: 1,
            run: |e| {
                let prompt = "p".repeat(10 * 1024 * 1024);
                e.fail_next(
                    1,
                    Fault::json(200, &format!(r#"[{{"id": "long", "desc": "{prompt}"}}]"#)),
                );
                let client = UseApi::with_config(
                    USEAPI_TOKEN,
                    config(e)
                        .max_body_bytes(32 << 20)
                        .timeout(Duration::from_secs(10)),
                )
                .unwrap();
                client.minimax().videos(None).map(|v| {
                    assert_eq!(v[0].desc.as_deref().map(str::len), Some(10 * 1024 * 1024));
                    "10 MiB desc".to_owned()
                })
            },
        },
        Case {
            name: "numbers beyond i64/u64 and with exponents where integers are due",
            expect: "Ok",
            requests: 1,
            run: |e| {
                e.fail_next(
                    1,
                    Fault::json(200, r#"[{"id": "n", "status": 2e0, "width": 1e3, "height": 184467440737095516150, "canRetry": -99999999999999999999}]"#),
                );
                useapi(e).minimax().videos(None).map(|v| {
                    assert_eq!(v[0].status(), Some(vidapi::minimax::Status::Completed));
                    assert_eq!(v[0].width.as_ref().unwrap().get(), Some(1000));
                    assert_eq!(
                        v[0].height.as_ref().unwrap().get(),
                        None,
                        "kept raw, not wrapped"
                    );
                    format!("{v:?}")
                })
            },
        },
        Case {
            name: "a number beyond f64 (1e400)",
            expect: "Decode, HTTP 200",
            requests: 1,
            run: |e| {
                e.fail_next(1, Fault::json(200, r#"[{"id": "n", "status": 1e400}]"#));
                useapi(e).minimax().videos(None).map(|v| format!("{v:?}"))
            },
        },
        Case {
            name: "401 with the documented body",
            expect: "Unauthorized, HTTP 401",
            requests: 1,
            run: |e| {
                UseApi::with_config("user:wrong", config(e))
                    .unwrap()
                    .minimax()
                    .videos(None)
                    .map(|v| format!("{v:?}"))
            },
        },
        Case {
            name: "401 without a body",
            expect: "Unauthorized, HTTP 401",
            requests: 1,
            run: |e| {
                e.fail_next(
                    1,
                    Fault::Respond {
                        status: 401,
                        headers: vec![],
                        body: vec![],
                    },
                );
                let r = useapi(e).minimax().videos(None);
                if let Err(Error::Unauthorized { message, .. }) = &r {
                    assert_eq!(message, "Unauthorized");
                }
                r.map(|v| format!("{v:?}"))
            },
        },
        Case {
            name: "403 with a body",
            expect: "Unauthorized, HTTP 403",
            requests: 1,
            run: |e| {
                e.fail_next(
                    1,
                    Fault::json(
                        403,
                        r#"{"error": "Forbidden for this account", "code": 403}"#,
                    ),
                );
                useapi(e).minimax().videos(None).map(|v| format!("{v:?}"))
            },
        },
        Case {
            name: "403 without a body",
            expect: "Unauthorized, HTTP 403",
            requests: 1,
            run: |e| {
                e.fail_next(
                    1,
                    Fault::Respond {
                        status: 403,
                        headers: vec![],
                        body: vec![],
                    },
                );
                useapi(e).minimax().videos(None).map(|v| format!("{v:?}"))
            },
        },
        Case {
            name: "404 for a missing video",
            expect: "Api, HTTP 404",
            requests: 1,
            run: |e| {
                let r = HourOne::with_config(HOURONE_KEY, config(e))
                    .unwrap()
                    .video("missing");
                assert!(r.as_ref().is_err_and(Error::is_not_found));
                r.map(|v| format!("{v:?}"))
            },
        },
        Case {
            name: "429 without Retry-After, past the retry budget",
            expect: "RateLimited, HTTP 429",
            requests: 3,
            run: |e| {
                e.fail_next(3, Fault::rate_limited(None));
                useapi(e).minimax().videos(None).map(|v| format!("{v:?}"))
            },
        },
        Case {
            name: "429 with Retry-After in seconds, then success",
            expect: "Ok",
            requests: 2,
            run: |e| {
                e.fail_next(1, Fault::rate_limited(Some("0")));
                useapi(e).minimax().videos(None).map(|v| format!("{v:?}"))
            },
        },
        Case {
            name: "429 with Retry-After as an HTTP date, then success",
            expect: "Ok",
            requests: 2,
            run: |e| {
                let soon = httpdate_in(Duration::from_secs(1));
                e.fail_next(1, Fault::rate_limited(Some(&soon)));
                useapi(e).minimax().videos(None).map(|v| format!("{v:?}"))
            },
        },
        Case {
            name: "429 with a huge Retry-After (not obeyed)",
            expect: "RateLimited, HTTP 429",
            requests: 1,
            run: |e| {
                e.fail_next(1, Fault::rate_limited(Some("86400")));
                let r = useapi(e).minimax().videos(None);
                assert_eq!(
                    r.as_ref().err().and_then(Error::retry_after),
                    Some(Duration::from_secs(86400))
                );
                r.map(|v| format!("{v:?}"))
            },
        },
        Case {
            name: "500 (not retried)",
            expect: "Api, HTTP 500",
            requests: 1,
            run: |e| {
                e.fail_next(1, Fault::json(500, r#"{"error": "boom", "code": 500}"#));
                useapi(e).minimax().videos(None).map(|v| format!("{v:?}"))
            },
        },
        Case {
            name: "503 repeated past the retry budget",
            expect: "Api, HTTP 503",
            requests: 3,
            run: |e| {
                e.fail_next(3, Fault::html(503));
                useapi(e).minimax().videos(None).map(|v| format!("{v:?}"))
            },
        },
        Case {
            name: "504 repeated past the retry budget",
            expect: "Api, HTTP 504",
            requests: 3,
            run: |e| {
                e.fail_next(
                    3,
                    Fault::json(504, r#"{"error": "upstream busy", "code": 504}"#),
                );
                useapi(e).minimax().videos(None).map(|v| format!("{v:?}"))
            },
        },
        Case {
            name: "memories.ai 0429 in HTTP 200, past the retry budget",
            expect: "RateLimited, HTTP 200",
            requests: 3,
            run: |e| {
                let body = r#"{"code":"0429","msg":"Too many requests","data":null,"success":false,"failed":true}"#;
                e.fail_next(3, Fault::json(200, body));
                Memories::with_config(MEMORIES_KEY, config(e))
                    .unwrap()
                    .list_videos(&Default::default())
                    .map(|v| format!("{v:?}"))
            },
        },
        Case {
            name: "redirect to another host",
            expect: "Redirect, HTTP 302",
            requests: 1,
            run: |e| {
                let elsewhere = Emulator::start().unwrap();
                e.fail_next(
                    1,
                    Fault::redirect(&format!("{}/v1/minimax/videos/", elsewhere.base_url())),
                );
                let r = useapi(e).minimax().videos(None);
                assert!(
                    elsewhere.requests().is_empty(),
                    "the other host got nothing, token included"
                );
                r.map(|v| format!("{v:?}"))
            },
        },
        Case {
            name: "server echoes the token in its error",
            expect: "Unauthorized, HTTP 401",
            requests: 1,
            run: |e| {
                let body =
                    format!(r#"{{"error": "token {USEAPI_TOKEN} is not valid", "code": 401}}"#);
                e.fail_next(1, Fault::json(401, &body));
                let r = useapi(e).minimax().videos(None);
                if let Err(Error::Unauthorized { message, .. }) = &r {
                    assert_eq!(message, "token [redacted] is not valid");
                }
                r.map(|v| format!("{v:?}"))
            },
        },
        Case {
            name: "create answered 503 (never retried)",
            expect: "Api, HTTP 503",
            requests: 1,
            run: |e| {
                e.fail_next(1, Fault::html(503));
                let body = CreateVideoRequest {
                    recipe_id: Some("r".into()),
                    ..Default::default()
                };
                HourOne::with_config(HOURONE_KEY, config(e))
                    .unwrap()
                    .create_video(&body, None, None)
                    .map(|v| format!("{v:?}"))
            },
        },
    ]
}

fn httpdate_in(after: Duration) -> String {
    // HTTP dates have whole seconds: one more keeps the wait above zero.
    httpdate::fmt_http_date(std::time::SystemTime::now() + after + Duration::from_secs(1))
}

#[test]
fn hostile_servers_end_in_typed_errors_within_the_timeout() {
    // Budget per case: every attempt's timeout plus the retries' waits,
    // plus slack for a loaded machine. A hang would blow far past it.
    let budget = TIMEOUT * 3 + Duration::from_secs(8);
    let mut mismatches = Vec::new();
    for case in cases() {
        let emulator = Emulator::start().unwrap();
        let started = Instant::now();
        let result = (case.run)(&emulator);
        let took = started.elapsed();
        if outcome(&result) != case.expect {
            let shown = format!("{result:?}");
            mismatches.push(format!(
                "{:?}: got {} ({})",
                case.name,
                outcome(&result),
                &shown[..shown.len().min(300)]
            ));
            continue;
        }
        assert!(took < budget, "case {:?} took {took:?}", case.name);
        assert_eq!(
            emulator.requests().len(),
            case.requests,
            "case {:?}: requests",
            case.name
        );
        if let Err(error) = &result {
            let shown = format!("{error} {error:?}");
            assert!(
                !shown.contains(USEAPI_TOKEN),
                "case {:?} leaks the token: {shown}",
                case.name
            );
            assert!(
                !shown.contains(MEMORIES_KEY) && !shown.contains(HOURONE_KEY),
                "case {:?}",
                case.name
            );
        }
    }
    assert!(
        mismatches.is_empty(),
        "outcomes differ:\n{}",
        mismatches.join("\n")
    );
}

#[test]
fn reliability_report_matches_the_tests() {
    let report =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/RELIABILITY.md")).unwrap();
    for case in cases() {
        let row = format!("| {} | {} | {} |", case.name, case.expect, case.requests);
        assert!(
            report.contains(&row),
            "RELIABILITY.md lacks the row:\n{row}"
        );
    }
}

#[test]
fn hostile_input_is_rejected_before_any_request() {
    let emulator = Emulator::start().unwrap();
    let useapi = useapi(&emulator);
    let hour = HourOne::with_config(HOURONE_KEY, config(&emulator)).unwrap();
    let body = CreateVideoRequest {
        recipe_id: Some("r".into()),
        ..Default::default()
    };

    let mut results: Vec<(&str, Result<(), Error>)> = vec![
        ("empty account", useapi.minimax().videos(Some("")).map(drop)),
        (
            "blank account",
            useapi.minimax().files(Some(" \t"), None).map(drop),
        ),
        (
            "blank email",
            useapi.pixverse().videos(Some("  "), None, None).map(drop),
        ),
        (
            "NUL in email",
            useapi.pixverse().videos(Some("a\0b"), None, None).map(drop),
        ),
        (
            "CRLF in workspace-id",
            hour.create_video(&body, Some("ws\r\nX-Evil: 1"), None)
                .map(drop),
        ),
        (
            "LF in team-id",
            hour.create_video(&body, None, Some("t\nx")).map(drop),
        ),
        (
            "blank memories filter",
            Memories::with_config(MEMORIES_KEY, config(&emulator))
                .unwrap()
                .list_videos(&vidapi::memories::ListVideosRequest {
                    video_name: Some(" ".into()),
                    ..Default::default()
                })
                .map(drop),
        ),
    ];
    for id in ["", "  ", ".", "..", "a\nb", "a\0b", "a\rb"] {
        results.push(("bad id", hour.video(id).map(drop)));
        results.push(("bad id", hour.video_metadata(id).map(drop)));
    }
    for token in ["user:x\r\nX-Evil: 1", "user:x\ny", "", "   "] {
        let client = UseApi::with_config(token, config(&emulator)).unwrap();
        results.push(("bad token", client.minimax().videos(None).map(drop)));
    }
    for (what, result) in results {
        match result {
            Err(Error::InvalidArgument { ref reason, .. }) => {
                assert!(
                    !reason.contains("X-Evil"),
                    "{what}: the message does not echo the value"
                );
            }
            other => panic!("{what}: {other:?}"),
        }
    }
    assert!(emulator.requests().is_empty(), "nothing was sent");

    // Characters that only need encoding are sent, encoded, as one segment.
    for id in ["a/b", "q?x=1", "frag#x", "100%", "../up"] {
        let err = hour.video(id).unwrap_err();
        assert!(err.is_not_found());
    }
    let sent = emulator.requests();
    assert_eq!(sent.len(), 5);
    assert!(
        sent.iter()
            .all(|r| r.path.matches('/').count() == 2 && r.raw_query.is_empty())
    );

    let insecure =
        UseApi::with_config(USEAPI_TOKEN, Config::new().base_url("http://10.1.2.3:8080"));
    assert!(matches!(
        insecure,
        Err(Error::InvalidArgument {
            name: "base URL",
            ..
        })
    ));
}

#[test]
fn debug_of_clients_and_config_shows_no_credential() {
    let secret = "user:top-secret-credential-987";
    let emulator = Emulator::start().unwrap();
    let shown = [
        format!(
            "{:?}",
            UseApi::with_config(secret, config(&emulator)).unwrap()
        ),
        format!(
            "{:?}",
            HourOne::with_config(secret, config(&emulator)).unwrap()
        ),
        format!(
            "{:?}",
            Memories::with_config(secret, config(&emulator)).unwrap()
        ),
        format!("{:?}", UseApi::new(secret).minimax()),
        format!("{:?}", UseApi::new(secret).pixverse()),
        format!("{:?}", config(&emulator)),
    ];
    for text in shown {
        assert!(!text.contains("top-secret"), "{text}");
    }
}

//! The emulated endpoints: auth, parameters and answers as each provider's
//! docs describe them.

use std::time::Duration;

use serde_json::{Value, json};

use super::data::{Data, MemoriesVideo};
pub(crate) use super::http::decoded;
use super::http::{Answer, media_segment};
use super::jobs::PIXVERSE_EMAIL;
use super::template::{array, number};
use super::{HOURONE_KEY, MEMORIES_KEY, RecordedRequest, USEAPI_TOKEN, lock};
use crate::Provider;
use crate::endpoints::{ENDPOINTS, Emulated, Spec};

const MEMORIES_0429: &str = include_str!("../../tests/fixtures/memories/error-0429.json");

/// The refusal of a request over a rate limit, as its provider sends it:
/// memories.ai's `0429` envelope under HTTP 200, or HTTP 429 in useapi.net's
/// error shape.
pub(crate) fn rate_limited(request: &RecordedRequest) -> super::Fault {
    if request.path.starts_with("/serve/") {
        super::Fault::json(200, MEMORIES_0429)
    } else {
        super::Fault::rate_limited(None)
    }
}

/// What an emulator handler gets: the data, the emulator's base URL, the
/// request, and the path's `{name}` segments as sent (still encoded).
pub(crate) struct Call<'a> {
    data: &'a Data,
    base: &'a str,
    request: &'a RecordedRequest,
    params: Vec<(&'static str, &'a str)>,
}

impl Call<'_> {
    /// The path segment `{name}`, percent-decoded.
    fn param(&self, name: &str) -> String {
        let raw = self.params.iter().find(|(n, _)| *n == name);
        decoded(raw.map_or("", |(_, v)| v))
    }
}

type Handler = fn(&Call<'_>) -> Answer;

/// The endpoints whose answer depends on the request, each with its
/// handler; any other endpoint of [`ENDPOINTS`](crate::endpoints::ENDPOINTS)
/// is answered with its documented sample (`Emulated::Sample`).
const HANDLERS: &[(Provider, &str, Handler)] = &[
    (Provider::MiniMax, "list videos", |c| {
        useapi(c.data, c.request, || {
            minimax_videos(c.data, c.base, c.request)
        })
    }),
    (Provider::MiniMax, "get video", |c| {
        useapi(c.data, c.request, || {
            minimax_video(c.data, c.base, &c.param("videoId"))
        })
    }),
    (Provider::MiniMax, "list files", |c| {
        useapi(c.data, c.request, || minimax_files(c.data, c.request))
    }),
    (Provider::PixVerse, "list videos", |c| {
        useapi(c.data, c.request, || {
            pixverse_videos(c.data, c.base, c.request)
        })
    }),
    (Provider::PixVerse, "get video", |c| {
        useapi(c.data, c.request, || {
            pixverse_video(c.data, c.base, &c.param("video_id"))
        })
    }),
    (Provider::MiniMax, "create video", |c| {
        useapi(c.data, c.request, || {
            c.data.jobs.create(Provider::MiniMax, c.request.json())
        })
    }),
    (Provider::MiniMax, "scheduler available", |c| {
        useapi(c.data, c.request, || {
            c.data.jobs.scheduler(Provider::MiniMax)
        })
    }),
    (Provider::PixVerse, "create video", |c| {
        useapi(c.data, c.request, || {
            c.data.jobs.create(Provider::PixVerse, c.request.json())
        })
    }),
    (Provider::PixVerse, "scheduler available", |c| {
        useapi(c.data, c.request, || {
            c.data.jobs.scheduler(Provider::PixVerse)
        })
    }),
    (Provider::MiniMax, "cancel video", |c| {
        useapi(c.data, c.request, || c.data.jobs.cancel(c.request.json()))
    }),
    (Provider::MiniMax, "upload file", |c| {
        useapi(c.data, c.request, || {
            upload(c, Provider::MiniMax, "account")
        })
    }),
    (Provider::PixVerse, "upload file", |c| {
        useapi(c.data, c.request, || upload(c, Provider::PixVerse, "email"))
    }),
    (Provider::HourOne, "list videos", hourone_call),
    (Provider::HourOne, "create video", hourone_call),
    (Provider::HourOne, "get video", hourone_call),
    (Provider::HourOne, "get video metadata", hourone_call),
    (Provider::Memories, "list videos", |c| {
        memories(c.data, c.request, Version::Original)
    }),
    (Provider::Memories, "list videos (v1)", |c| {
        memories(c.data, c.request, Version::V1)
    }),
];

/// The handler declared for an endpoint.
pub(crate) fn handler(spec: &Spec) -> Option<Handler> {
    HANDLERS
        .iter()
        .find(|(provider, name, _)| *provider == spec.provider && *name == spec.name)
        .map(|(_, _, handler)| *handler)
}

/// Hour One's documented base ends in /api/v1; its paths are accepted with
/// or without it so one emulator base URL serves every client.
fn hourone_path(path: &str) -> &str {
    path.strip_prefix("/api/v1").unwrap_or(path)
}

fn hourone_call(c: &Call<'_>) -> Answer {
    let path = hourone_path(&c.request.path);
    hourone(c.data, c.base, c.request, &c.request.method, path)
}

/// The answer to one request; `base` is the emulator's own base URL. The
/// endpoint is found by [`ENDPOINTS`](crate::endpoints::ENDPOINTS)' method
/// and path patterns.
pub(crate) fn answer(data: &Data, base: &str, request: &RecordedRequest) -> Answer {
    let method = request.method.as_str();
    let path = request.path.as_str();
    if let Some(what) = path.strip_prefix("/emulator/") {
        return control(data, method, what, request);
    }
    let hourone_path = hourone_path(path);
    for spec in ENDPOINTS.iter().filter(|spec| spec.method == method) {
        let local = match spec.provider {
            Provider::HourOne => hourone_path,
            _ => path,
        };
        let Some(params) = spec.path_params(local) else {
            continue;
        };
        let call = Call {
            data,
            base,
            request,
            params,
        };
        return match (spec.emulated, handler(spec)) {
            (_, Some(handler)) => handler(&call),
            (Emulated::Sample(_, text), None) => sample(&call, spec.provider, text),
            (Emulated::Handler, None) => Answer::json(
                501,
                &json!({"error": format!("no handler for {} {}", spec.provider, spec.name), "code": 501}),
            ),
        };
    }
    if hourone_path.starts_with("/videos") {
        // Hour One's own answers (401, 404, 405) to other paths below /videos.
        return hourone(data, base, request, method, hourone_path);
    }
    Answer::json(
        404,
        &json!({"error": format!("no route for {method} {path}"), "code": 404}),
    )
}

/// An endpoint's documented sample, after the provider's credential check.
fn sample(call: &Call<'_>, provider: Provider, text: &str) -> Answer {
    let body = || Answer::json_bytes(200, text.as_bytes().to_vec());
    match provider {
        Provider::MiniMax | Provider::PixVerse => useapi(call.data, call.request, body),
        Provider::HourOne if call.request.header("api-key") != Some(HOURONE_KEY) => {
            Answer::json(401, &json!({"detail": "Invalid or missing api-key"}))
        }
        Provider::Memories if call.request.header("authorization") != Some(MEMORIES_KEY) => {
            Answer::json_bytes(200, call.data.memories_0401.clone())
        }
        _ => body(),
    }
}

fn upload(c: &Call<'_>, provider: Provider, account: &str) -> Answer {
    let request = c.request;
    let content_type = request.header("content-type");
    let size = request.body.len();
    let account = request.query_param(account);
    c.data
        .jobs
        .upload(provider, account, content_type, size, c.base)
}

/// useapi.net's 404, the same for a video it does not know and (PixVerse)
/// one still being made: the client cannot tell them apart from it.
fn useapi_not_found() -> Answer {
    Answer::json(404, &json!({"error": "Video not found", "code": 404}))
}

/// `GET /v1/minimax/videos/{videoId}`: the video with that composite
/// `videoId`; a completed one with `downloadURL` on the emulator's media
/// host. Any other id is 404 (removed or moderated, as the docs put it).
fn minimax_video(data: &Data, base: &str, video_id: &str) -> Answer {
    if let Some(video) = data.jobs.minimax_video(video_id, base) {
        return Answer::json(200, &video);
    }
    let Some(video) = data
        .minimax_library
        .iter()
        .find(|v| v["videoId"] == video_id)
    else {
        return useapi_not_found();
    };
    let mut video = video.clone();
    if video["status"] == 2 {
        let name = media_segment(video["id"].as_str().unwrap_or_default());
        video["downloadURL"] = json!(format!("{base}/media/minimax/{name}.mp4"));
    }
    Answer::json(200, &video)
}

/// `GET /v2/pixverse/videos/{video_id}`: a completed video, with `url` on
/// the emulator's media host; 404 for one still queued or generating, as
/// for an id the account does not have.
fn pixverse_video(data: &Data, base: &str, video_id: &str) -> Answer {
    match data.jobs.pixverse_video(video_id, base) {
        Some(Some(video)) => return Answer::json(200, &video),
        Some(None) => return useapi_not_found(),
        None => {}
    }
    // Listed ids hold `<email>`, filled in with the account asked for.
    let Some((_, mut video)) = data.pixverse.find(video_id) else {
        return useapi_not_found();
    };
    if video["video_status"] != 1 {
        return useapi_not_found();
    }
    let number = video_id.rsplit(':').next().unwrap_or_default();
    video["video_id"] = json!(video_id);
    video["url"] = json!(format!(
        "{base}/media/pixverse/{}.mp4",
        media_segment(number)
    ));
    Answer::json(200, &video)
}

fn bad_request(message: &str) -> Answer {
    Answer::json(400, &json!({"error": message, "code": 400}))
}

/// Checks useapi.net's bearer token, then answers.
fn useapi(data: &Data, request: &RecordedRequest, answer: impl FnOnce() -> Answer) -> Answer {
    let authorization = request.header("authorization");
    let token = authorization.and_then(|value| value.strip_prefix("Bearer "));
    if token != Some(USEAPI_TOKEN) {
        return Answer::json_bytes(401, data.useapi_401.clone());
    }
    answer()
}

/// A non-negative integer query parameter, its default when absent.
fn number_param(request: &RecordedRequest, name: &str, default: usize) -> Result<usize, Answer> {
    match request.query_param(name) {
        None => Ok(default),
        Some(text) => text.parse().map_err(|_| {
            bad_request(&format!(
                "{name} must be a non-negative integer, got {text:?}"
            ))
        }),
    }
}

/// One data set, paged as later servers page it: the videos created on
/// the account (newest first), then the library (the documented videos
/// first, then more made from them); `limit` videos (default 30, which
/// the seed request, naming neither `limit` nor `lastVideoId`, gets too)
/// after the one named by `lastVideoId` (its `id` or its `videoId`).
fn minimax_videos(data: &Data, base: &str, request: &RecordedRequest) -> Answer {
    let after = request.query_param("lastVideoId");
    let limit = match number_param(request, "limit", 30) {
        Ok(0) => return bad_request("limit must be at least 1"),
        Ok(limit) => limit,
        Err(answer) => return answer,
    };
    let created = data
        .jobs
        .minimax_videos(request.query_param("account"), base);
    if !created.is_empty() {
        let all: Vec<&Value> = created.iter().chain(&data.minimax_library).collect();
        let start = match after {
            None => 0,
            Some(id) => match all.iter().position(|v| v["id"] == id || v["videoId"] == id) {
                Some(at) => at + 1,
                None => {
                    return Answer::json(
                        404,
                        &json!({"error": format!("lastVideoId {id} not found"), "code": 404}),
                    );
                }
            },
        };
        let page: Vec<&Value> = all.into_iter().skip(start).take(limit).collect();
        return Answer::json(200, &json!(page));
    }
    let all = &data.minimax_library;
    let start = match after {
        None => 0,
        Some(id) => match all.iter().position(|v| v["id"] == id || v["videoId"] == id) {
            Some(at) => at + 1,
            None => {
                return Answer::json(
                    404,
                    &json!({"error": format!("lastVideoId {id} not found"), "code": 404}),
                );
            }
        },
    };
    let page = data.minimax_library_json.iter().skip(start).take(limit);
    let mut body = Vec::with_capacity(page.clone().map(|video| video.len() + 1).sum::<usize>() + 2);
    array(&mut body, page.map(|video| &video[..]));
    Answer::json_bytes(200, body)
}

fn minimax_files(data: &Data, request: &RecordedRequest) -> Answer {
    match number_param(request, "limit", 10) {
        Ok(limit) => {
            let files = &data.minimax_files_json;
            let mut body = Vec::new();
            array(
                &mut body,
                files[..limit.min(files.len())].iter().map(|f| &f[..]),
            );
            Answer::json_bytes(200, body)
        }
        Err(answer) => answer,
    }
}

fn pixverse_videos(data: &Data, base: &str, request: &RecordedRequest) -> Answer {
    let (limit, offset) = match (
        number_param(request, "limit", 40),
        number_param(request, "offset", 0),
    ) {
        (Ok(limit), Ok(offset)) => (limit, offset),
        (Err(answer), _) | (_, Err(answer)) => return answer,
    };
    let email = request.query_param("email").unwrap_or(PIXVERSE_EMAIL);
    let created = data.jobs.pixverse_videos(email, base);
    if created.is_empty() {
        return Answer::json_bytes(200, data.pixverse.page(email, offset, limit));
    }
    // The created videos come first, newest first, then the library.
    let made = created.len();
    let mut videos: Vec<Value> = created.into_iter().skip(offset).take(limit).collect();
    let rest = limit - videos.len();
    let library = data.pixverse.page(email, offset.saturating_sub(made), rest);
    let library: Value = serde_json::from_slice(&library).unwrap_or(Value::Null);
    if rest > 0 {
        videos.extend(library["data"].as_array().into_iter().flatten().cloned());
    }
    let total = made + data.pixverse.count();
    let next = (offset + videos.len()).min(total);
    Answer::json(
        200,
        &json!({"data": videos, "next_offset": next, "total": total}),
    )
}

fn memories_error(code: &str, msg: &str) -> Answer {
    Answer::json(
        200,
        &json!({"code": code, "msg": msg, "data": null, "success": false, "failed": true}),
    )
}

/// memories.ai's two list endpoints.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Version {
    /// `/serve/api/video/list_videos`: filters by `folder_id`; the older,
    /// documented answer (numbers as strings, `cause`).
    Original,
    /// `/serve/api/v1/list_videos`: filters by `unique_id`; the newer answer
    /// (numbers as numbers, no `cause`).
    V1,
}

fn memories(data: &Data, request: &RecordedRequest, version: Version) -> Answer {
    // memories.ai reports a bad key inside an HTTP 200 envelope.
    if request.header("authorization") != Some(MEMORIES_KEY) {
        return Answer::json_bytes(200, data.memories_0401.clone());
    }
    let filter = match request.json() {
        Some(Value::Object(filter)) => filter,
        None if request.body.is_empty() => serde_json::Map::new(),
        _ => return memories_error("0001", "request body must be a JSON object"),
    };
    let page = filter.get("page").map_or(Some(1), Value::as_u64);
    let size = filter.get("size").map_or(Some(20), Value::as_u64);
    let (Some(page @ 1..), Some(size @ 1..)) = (page, size) else {
        return memories_error("0001", "page and size must be positive integers");
    };
    // Each endpoint takes only its own filter, so a client that sends the
    // other one is caught here.
    let (own, other) = match version {
        Version::Original => ("folder_id", "unique_id"),
        Version::V1 => ("unique_id", "folder_id"),
    };
    if filter.contains_key(other) {
        return memories_error(
            "0001",
            &format!("{other} is not a parameter of this endpoint; it takes {own}"),
        );
    }
    let text = |name: &str| filter.get(name).and_then(Value::as_str);
    let folder = filter.get("folder_id").and_then(Value::as_i64);
    let matching: Vec<&MemoriesVideo> = data
        .memories_videos
        .iter()
        .filter(|filed| {
            let video = &filed.video;
            text("video_name")
                .is_none_or(|n| video["video_name"].as_str().unwrap_or("").contains(n))
                && text("video_no").is_none_or(|n| video["video_no"] == n)
                && text("status").is_none_or(|s| video["status"] == s)
                && folder.is_none_or(|f| f == filed.folder_id)
                && text("unique_id").is_none_or(|u| u == filed.unique_id)
        })
        .collect();
    let start = usize::try_from((page - 1).saturating_mul(size)).unwrap_or(usize::MAX);
    let videos = matching
        .iter()
        .skip(start)
        .take(usize::try_from(size).unwrap_or(usize::MAX))
        .map(|filed| match version {
            Version::Original => &filed.original_json[..],
            Version::V1 => &filed.v1_json[..],
        });
    let mut body = Vec::new();
    data.memories_page
        .render(&mut body, |hole, out| match hole {
            0 => array(out, videos.clone()),
            1 => number(out, page),
            2 => number(out, size),
            // The documented (older) version sends the count as a string.
            _ => match version {
                Version::Original => {
                    out.push(b'"');
                    number(out, matching.len());
                    out.push(b'"');
                }
                Version::V1 => number(out, matching.len()),
            },
        });
    Answer::json_bytes(200, body)
}

fn hourone(data: &Data, base: &str, request: &RecordedRequest, method: &str, path: &str) -> Answer {
    if request.header("api-key") != Some(HOURONE_KEY) {
        return Answer::json(401, &json!({"detail": "Invalid or missing api-key"}));
    }
    let rest = path.trim_start_matches("/videos").trim_start_matches('/');
    let segments: Vec<String> = if rest.is_empty() {
        Vec::new()
    } else {
        rest.split('/').map(decoded).collect()
    };
    let mut store = lock(&data.hourone);
    match (method, segments.as_slice()) {
        ("GET", []) => Answer::json(200, &store.list(base)),
        ("POST", []) => {
            let Some(Value::Object(body)) = request.json() else {
                return Answer::json(
                    422,
                    &json!({"detail": [{"loc": ["body"], "msg": "value is not a valid dict", "type": "type_error.dict"}]}),
                );
            };
            if !body.contains_key("source_draft_id") && !body.contains_key("recipe_id") {
                return Answer::json(
                    422,
                    &json!({"detail": [{"loc": ["body", "source_draft_id"], "msg": "source_draft_id or recipe_id is required", "type": "value_error.missing"}]}),
                );
            }
            Answer::json(201, &store.create(&body))
        }
        ("GET", [id]) => match store.read(id, base) {
            Some(video) => Answer::json(200, &video),
            None => Answer::json(404, &json!({"detail": "Video not found"})),
        },
        ("GET", [id, tail]) if tail == "metadata" => match store.contains(id) {
            true => Answer::json(200, &data.hourone_metadata),
            false => Answer::json(404, &json!({"detail": "Video not found"})),
        },
        _ => Answer::json(405, &json!({"detail": "Method Not Allowed"})),
    }
}

/// The emulator's own controls, for shells and other processes (a test in
/// the same process calls [`Emulator`](super::Emulator)'s methods):
/// `POST /emulator/after-accept?status=502&times=1` (or `?cut=1`),
/// `POST /emulator/generation?queued_ms=…&generating_ms=…`,
/// `POST /emulator/account?provider=minimax&name=…&max_jobs=…&credits=…&hold=true`,
/// `POST /emulator/videos?provider=pixverse&count=N` (how many videos the
/// PixVerse account lists), `POST /emulator/media?latency_ms=N` (answered
/// beside the media host) and `GET /emulator/created` (every accepted
/// create).
fn control(data: &Data, method: &str, what: &str, request: &RecordedRequest) -> Answer {
    use super::jobs::{Account, AfterAccept, Generation};
    let number = |name: &str| {
        request
            .query_param(name)
            .and_then(|v| v.parse::<u64>().ok())
    };
    let provider = match request.query_param("provider") {
        Some("pixverse") => Provider::PixVerse,
        _ => Provider::MiniMax,
    };
    match (method, what.trim_end_matches('/')) {
        ("POST", "after-accept") => {
            let times = number("times").unwrap_or(1) as usize;
            let fault = match number("status") {
                Some(status) => AfterAccept::Status(status as u16),
                None if request.query_param("cut").is_some() => AfterAccept::Cut,
                None => return bad_request("after-accept takes status=CODE or cut=1"),
            };
            data.jobs.after_accept(times, fault);
            Answer::json(
                200,
                &json!({"after_accept": format!("{fault:?}"), "times": times}),
            )
        }
        ("POST", "generation") => {
            let ms =
                |name: &str, default: Duration| number(name).map_or(default, Duration::from_millis);
            let default = Generation::default();
            let generation = Generation {
                queued: ms("queued_ms", default.queued),
                generating: ms("generating_ms", default.generating),
            };
            data.jobs.set_generation(generation);
            Answer::json(
                200,
                &json!({"queued_ms": generation.queued.as_millis() as u64, "generating_ms": generation.generating.as_millis() as u64}),
            )
        }
        ("POST", "account") => {
            let Some(name) = request.query_param("name") else {
                return bad_request("account takes name=…");
            };
            let account = Account {
                max_jobs: number("max_jobs").map_or(Account::default().max_jobs, |n| n as u32),
                credits: number("credits").map(|n| n as u32),
                on_hold: request.query_param("hold") == Some("true"),
            };
            data.jobs.set_account(provider, name, account);
            Answer::json(200, &json!({"account": name}))
        }
        ("POST", "videos") if provider == Provider::PixVerse => {
            let Some(count) = number("count") else {
                return bad_request("videos takes provider=pixverse&count=N");
            };
            data.pixverse.set_count(count as usize);
            Answer::json(200, &json!({"provider": "pixverse", "count": count}))
        }
        ("GET", "created") => {
            let created: Vec<Value> = data
                .jobs
                .created()
                .iter()
                .map(|c| {
                    json!({
                        "provider": c.provider.to_string(),
                        "account": c.account,
                        "video_id": c.video_id,
                        "prompt": c.prompt,
                        "replyRef": c.reply_ref,
                    })
                })
                .collect();
            Answer::json(200, &json!(created))
        }
        _ => Answer::json(
            404,
            &json!({"error": format!("no emulator control {method} /emulator/{what}"), "code": 404}),
        ),
    }
}

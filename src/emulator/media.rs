//! The media host (`GET /media/<name>`): files served to anyone, with
//! `ETag`, `Last-Modified`, `Range` and `If-Range`, and the misbehaviours a
//! download must survive that depend on the range asked for
//! ([`MediaMode`]) or on the file changing between requests
//! ([`Emulator::replace_media`](super::Emulator::replace_media)).

use std::io::Write;
use std::net::TcpStream;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use super::RecordedRequest;
use super::data::media_bytes;
use super::http::Answer;

/// How the media host sends its bodies (queued [`Fault`](super::Fault)s
/// still come first).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum MediaMode {
    /// Whole answers.
    #[default]
    Normal,
    /// Each answer (honouring `Range`) announces its full length but
    /// closes the connection after this many body bytes.
    CutAfter(usize),
    /// Each answer sends this many body bytes, then holds the connection
    /// open without another byte until the emulator stops (or 10 minutes).
    StallAfter(usize),
    /// A 200 with no `Content-Length` whose body never ends (until the
    /// client closes the connection or the emulator stops).
    Endless,
}

/// What the media host serves now.
#[derive(Debug, Default)]
pub(crate) struct MediaHost {
    /// Bumped by `replace_media`: every file's bytes and validators change.
    pub generation: u32,
    pub mode: MediaMode,
    /// How long each answer waits before its first byte.
    pub latency: Duration,
}

/// The bytes of media file `name` in `generation`: [`media_bytes`] for
/// generation 0, other bytes of the same size after each replacement.
pub(crate) fn file(name: &str, generation: u32) -> Vec<u8> {
    if generation == 0 {
        media_bytes(name)
    } else {
        media_bytes(&format!("{name}\u{0}generation {generation}"))
    }
}

/// `ETag` and `Last-Modified` of `name` in `generation`.
pub(crate) fn validators(name: &str, generation: u32) -> (String, String) {
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let modified = SystemTime::UNIX_EPOCH
        + Duration::from_secs(1_700_000_000 + u64::from(generation) * 86_400);
    (
        format!("\"{hash:016x}-{generation}\""),
        httpdate::fmt_http_date(modified),
    )
}

/// `POST /emulator/media?latency_ms=N`: how long each media answer waits
/// before its first byte, for a shell script's benchmark (a test in the
/// same process calls [`Emulator::set_media_latency`](super::Emulator::set_media_latency)).
pub(crate) fn control(host: &Mutex<MediaHost>, request: &RecordedRequest) -> Answer {
    let Some(ms) = request
        .query_param("latency_ms")
        .and_then(|v| v.parse::<u64>().ok())
    else {
        return Answer::json(
            400,
            &serde_json::json!({"error": "media takes latency_ms=N", "code": 400}),
        );
    };
    super::lock(host).latency = Duration::from_millis(ms);
    Answer::json(200, &serde_json::json!({"latency_ms": ms}))
}

/// Answers a media request on `stream`; whether the connection stays usable.
pub(crate) fn serve(
    host: &Mutex<MediaHost>,
    request: &RecordedRequest,
    name: &str,
    stream: &mut TcpStream,
    close: bool,
    stop: &AtomicBool,
) -> bool {
    let (generation, mode, latency) = {
        let now = super::lock(host);
        (now.generation, now.mode, now.latency)
    };
    std::thread::sleep(latency);
    let mut body = file(name, generation);
    let size = body.len();
    let (etag, modified) = validators(name, generation);
    let mut headers = vec![
        ("Content-Type".to_owned(), "video/mp4".to_owned()),
        ("Accept-Ranges".to_owned(), "bytes".to_owned()),
        ("ETag".to_owned(), etag.clone()),
        ("Last-Modified".to_owned(), modified.clone()),
    ];
    if mode == MediaMode::Endless {
        return endless(stream, stop);
    }
    // If-Range: the range is honoured only for the current file; otherwise
    // the whole file is sent, as RFC 9110 says.
    let current = request
        .header("if-range")
        .is_none_or(|v| v.trim() == etag || v.trim() == modified);
    let range = request.header("range").filter(|_| current);
    let status = match range {
        None => 200,
        Some(range) => {
            let span = range
                .trim()
                .strip_prefix("bytes=")
                .and_then(|r| r.split_once('-'))
                .and_then(|(first, last)| {
                    let first: usize = first.trim().parse().ok()?;
                    let last = match last.trim() {
                        "" => size - 1,
                        last => last.parse::<usize>().ok()?.min(size - 1),
                    };
                    (first <= last).then_some((first, last))
                });
            let Some((first, last)) = span else {
                headers.push(("Content-Range".to_owned(), format!("bytes */{size}")));
                let answer = Answer {
                    status: 416,
                    headers,
                    body: Vec::new(),
                };
                return answer.write_to(stream, close).is_ok();
            };
            headers.push((
                "Content-Range".to_owned(),
                format!("bytes {first}-{last}/{size}"),
            ));
            body.truncate(last + 1);
            body.drain(..first);
            206
        }
    };
    let answer = Answer {
        status,
        headers,
        body,
    };
    let keep = match mode {
        MediaMode::CutAfter(n) => n,
        MediaMode::StallAfter(n) => n,
        _ => return answer.write_to(stream, close).is_ok(),
    };
    // The head and the first `keep` bytes, exactly as write_to would send them.
    let mut raw = Vec::new();
    if answer.write_to(&mut raw, true).is_err() {
        return false;
    }
    let head = raw.len() - answer.body.len();
    let (sent, rest) = raw.split_at(head + keep.min(answer.body.len()));
    if stream
        .write_all(sent)
        .and_then(|()| stream.flush())
        .is_err()
    {
        return false;
    }
    if let MediaMode::StallAfter(_) = mode {
        for _ in 0..30_000 {
            if stop.load(Ordering::SeqCst) {
                return false;
            }
            if super::lock(host).mode != mode {
                let _ = stream.write_all(rest).and_then(|()| stream.flush());
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    false
}

/// A 200 with no length and a body that never ends.
fn endless(stream: &mut TcpStream, stop: &AtomicBool) -> bool {
    let head = b"HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\nConnection: close\r\n\r\n";
    if stream.write_all(head).is_err() {
        return false;
    }
    let chunk = vec![0x5a_u8; 64 * 1024];
    while !stop.load(Ordering::SeqCst) {
        if stream.write_all(&chunk).is_err() {
            break;
        }
    }
    false
}

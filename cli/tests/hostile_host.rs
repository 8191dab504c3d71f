//! Issue 24: downloads against a hostile media host of this test's own (a
//! loopback server answering each request with raw bytes chosen by the
//! test): a same-second `Last-Modified`, encoded bodies, lengths that
//! disagree with the first one announced, and hard links at `PATH.part`.
//! The command-line cases reach the hostile host through the emulator: the
//! emulator answers the video lookup, then redirects the media request to
//! the hostile host. Every case checks bytes on disk and requests sent.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use vidapi::download::{Downloader, Options};
use vidapi::emulator::{Emulator, Fault};
use vidapi::{Config, Provider, RetryPolicy};

mod common;
use common::{run, vidapi};

const PIXVERSE_COMPLETED: &str = "user:<userid>-pixverse:me@example.com-video:1001";

/// A request as the hostile host read it.
#[derive(Clone, Debug)]
struct Request {
    headers: Vec<(String, String)>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The first byte asked for by `Range: bytes=N-`.
    fn from(&self) -> Option<usize> {
        self.header("range")?
            .strip_prefix("bytes=")?
            .strip_suffix('-')?
            .parse()
            .ok()
    }
}

type Script = Box<dyn FnMut(&Request, usize) -> Vec<u8> + Send>;

/// A loopback media host that answers the `n`th request (from 0) with the
/// raw bytes its script returns, then closes the connection.
struct Hostile {
    base: String,
    requests: Arc<Mutex<Vec<Request>>>,
}

/// What the hostile host sends after each scripted answer.
#[derive(Clone, Copy)]
enum Tail {
    /// Nothing: it closes the connection.
    Close,
    /// 4 KiB every 10 ms until the client goes away.
    Endless,
    /// Silence for 30 s, then close.
    Stall,
}

impl Hostile {
    fn start(script: impl FnMut(&Request, usize) -> Vec<u8> + Send + 'static) -> Hostile {
        Hostile::start_with(Tail::Close, script)
    }

    fn start_with(
        tail: Tail,
        script: impl FnMut(&Request, usize) -> Vec<u8> + Send + 'static,
    ) -> Hostile {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        let mut script: Script = Box::new(script);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let Some(request) = read_request(&stream) else {
                    continue;
                };
                let n = {
                    let mut seen = seen.lock().unwrap();
                    seen.push(request.clone());
                    seen.len() - 1
                };
                let answer = script(&request, n);
                let mut stream = stream;
                let _ = stream.write_all(&answer);
                match tail {
                    Tail::Close => {}
                    Tail::Endless => {
                        let chunk = vec![7u8; 4096];
                        while stream.write_all(&chunk).is_ok() {
                            std::thread::sleep(Duration::from_millis(10));
                        }
                    }
                    Tail::Stall => {
                        let _ = stream.flush();
                        std::thread::sleep(Duration::from_secs(30));
                    }
                }
                let _ = stream.flush();
                let _ = stream.shutdown(std::net::Shutdown::Both);
            }
        });
        Hostile { base, requests }
    }

    fn url(&self) -> String {
        format!("{}/v.mp4", self.base)
    }

    fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }
}

fn read_request(stream: &TcpStream) -> Option<Request> {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    Some(Request { headers })
}

/// A raw answer: the status line, these headers, `Connection: close` and
/// `body` (which may be shorter than a `Content-Length` among `headers`).
fn answer(status: &str, headers: &[(&str, String)], body: &[u8]) -> Vec<u8> {
    let mut raw = format!("HTTP/1.1 {status}\r\nConnection: close\r\n");
    for (name, value) in headers {
        raw.push_str(&format!("{name}: {value}\r\n"));
    }
    raw.push_str("\r\n");
    let mut raw = raw.into_bytes();
    raw.extend_from_slice(body);
    raw
}

/// Answers a request for `file` the way an honest host does: 206 from the
/// byte asked for (when `If-Range` is `etag`), else 200 with all of it.
fn honest(request: &Request, file: &[u8], etag: &str) -> Vec<u8> {
    let len = file.len();
    match request.from() {
        Some(from) if request.header("if-range") == Some(etag) && from < len => answer(
            "206 Partial Content",
            &[
                ("Content-Length", (len - from).to_string()),
                ("Content-Range", format!("bytes {from}-{}/{len}", len - 1)),
                ("ETag", etag.to_owned()),
            ],
            &file[from..],
        ),
        _ => answer(
            "200 OK",
            &[
                ("Content-Length", len.to_string()),
                ("ETag", etag.to_owned()),
            ],
            file,
        ),
    }
}

/// `len` bytes that differ with `seed`.
fn bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut rng = fastrand_like(seed);
    (0..len).map(|_| rng()).collect()
}

fn fastrand_like(seed: u64) -> impl FnMut() -> u8 {
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
    move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as u8
    }
}

fn downloader(retries: u32) -> Downloader {
    let config = Config::new()
        .timeout(Duration::from_secs(10))
        .retry(RetryPolicy {
            max_retries: retries,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(5),
            ..RetryPolicy::default()
        });
    Downloader::new(Provider::PixVerse, &config).unwrap()
}

/// Every file name in `dir` with its size, sorted.
fn listing(dir: &Path) -> Vec<(String, u64)> {
    let mut names: Vec<(String, u64)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let len = e.metadata().unwrap().len();
            (e.file_name().to_string_lossy().into_owned(), len)
        })
        .collect();
    names.sort();
    names
}

/// Runs `vidapi download` of the emulator's PixVerse video to `target`,
/// its media request redirected to `hostile` (`attempts` times at most),
/// and prints the command, its exit code, its output and what is on disk.
fn cli_download(hostile: &Hostile, target: &Path, extra: &[&str], attempts: usize) -> common::Run {
    let emulator = Emulator::start().unwrap();
    // The video lookup gets the real answer; every media request is sent
    // on to the hostile host.
    emulator.fail_next(1, Fault::Delay(Duration::ZERO));
    emulator.fail_next(
        attempts,
        Fault::Respond {
            status: 302,
            headers: vec![("Location".into(), hostile.url())],
            body: Vec::new(),
        },
    );
    let mut args = vec!["--json", "download", "pixverse", PIXVERSE_COMPLETED];
    args.extend_from_slice(extra);
    args.extend(["-o", target.to_str().unwrap()]);
    let done = run(&mut vidapi(&emulator), &args);
    let dir = target.parent().unwrap();
    eprintln!(
        "$ vidapi {}\nexit {}\nstdout: {}stderr: {}on disk: {:?}\n",
        args.iter()
            .map(|a| if a.contains(['<', '@', ':']) {
                format!("'{a}'")
            } else {
                (*a).to_owned()
            })
            .collect::<Vec<_>>()
            .join(" "),
        done.code,
        done.stdout,
        done.stderr,
        listing(dir)
    );
    done
}

// ---- 1. A same-second Last-Modified is not a validator ----

/// A host with no ETag whose `Last-Modified` equals `Date`, that cuts the
/// first answer half-way, changes the file within that second, and honours
/// `If-Range` by comparing the date as a string.
fn same_second_host(a: Vec<u8>, b: Vec<u8>, gap_seconds: u64) -> Hostile {
    let modified = "Wed, 02 Dec 2026 10:00:00 GMT";
    let date = format!("Wed, 02 Dec 2026 10:00:{gap_seconds:02} GMT");
    Hostile::start(move |request, n| {
        let len = a.len();
        let head = |length: usize| {
            vec![
                ("Content-Length", length.to_string()),
                ("Last-Modified", modified.to_owned()),
                ("Date", date.clone()),
            ]
        };
        if n == 0 {
            return answer("200 OK", &head(len), &a[..len / 2]);
        }
        // From now on the host has file B, modified in the same second.
        match request.from() {
            Some(from) if request.header("if-range") == Some(modified) => {
                let mut headers = head(len - from);
                headers.push(("Content-Range", format!("bytes {from}-{}/{len}", len - 1)));
                answer("206 Partial Content", &headers, &b[from..])
            }
            _ => answer("200 OK", &head(len), &b),
        }
    })
}

#[test]
fn a_same_second_last_modified_never_resumes_and_the_file_is_the_new_one() {
    let (a, b) = (bytes(300_000, 1), bytes(300_000, 2));
    let hostile = same_second_host(a, b.clone(), 0);
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("v.mp4");
    let done = downloader(3)
        .fetch(&hostile.url(), &target, |_| {})
        .unwrap();
    assert_eq!((done.resumed, done.restarted), (0, 1));
    assert!(std::fs::read(&target).unwrap() == b, "the file is B, whole");
    let sent = hostile.requests();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[1].header("range"), None, "no resume on a weak date");
    assert_eq!(sent[1].header("if-range"), None);
}

#[test]
fn a_last_modified_a_second_before_date_still_resumes() {
    // The same host with Date one second after Last-Modified: the date is a
    // strong validator, so the resume is asked for with it (and this host,
    // having changed the file, then splices: RFC 9110 puts that on the host).
    let a = bytes(300_000, 3);
    let hostile = same_second_host(a.clone(), a.clone(), 1);
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("v.mp4");
    let done = downloader(3)
        .fetch(&hostile.url(), &target, |_| {})
        .unwrap();
    assert_eq!((done.resumed, done.restarted), (1, 0));
    assert!(std::fs::read(&target).unwrap() == a);
    let sent = hostile.requests();
    assert_eq!(sent[1].header("range"), Some("bytes=150000-"));
    assert_eq!(
        sent[1].header("if-range"),
        Some("Wed, 02 Dec 2026 10:00:00 GMT")
    );
}

#[test]
fn cli_same_second_last_modified() {
    let (a, b) = (bytes(300_000, 4), bytes(300_000, 5));
    let hostile = same_second_host(a, b.clone(), 0);
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("v.mp4");
    let done = cli_download(&hostile, &target, &[], 8);
    assert_eq!(done.code, 0, "{}", done.stderr);
    let report: serde_json::Value = serde_json::from_str(&done.stdout).unwrap();
    assert_eq!(
        (report["resumed"].as_u64(), report["restarted"].as_u64()),
        (Some(0), Some(1))
    );
    assert!(std::fs::read(&target).unwrap() == b);
    assert_eq!(listing(dir.path()), [("v.mp4".to_owned(), 300_000)]);
}

// ---- 2. Encoded media is refused, never decoded ----

/// `data` as a gzip stream of stored (uncompressed) deflate blocks.
fn gzip(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    let chunks: Vec<&[u8]> = data.chunks(65_535).collect();
    for (i, chunk) in chunks.iter().enumerate() {
        out.push(u8::from(i + 1 == chunks.len()));
        let len = chunk.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
    out.extend_from_slice(&crc32(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A host that answers every request with `file` gzip-encoded (200, or 206
/// from the byte asked for), announcing the encoded length.
fn gzip_host(file: Vec<u8>, encoding: &'static str) -> Hostile {
    Hostile::start(move |request, _| {
        let from = request.from().unwrap_or(0);
        let encoded = gzip(&file[from..]);
        let mut headers = vec![
            ("Content-Encoding", encoding.to_owned()),
            ("Content-Length", encoded.len().to_string()),
            ("ETag", "\"z\"".to_owned()),
        ];
        if from > 0 {
            headers.push((
                "Content-Range",
                format!("bytes {from}-{}/{}", file.len() - 1, file.len()),
            ));
            return answer("206 Partial Content", &headers, &encoded);
        }
        answer("200 OK", &headers, &encoded)
    })
}

#[test]
fn an_encoded_answer_is_refused_and_nothing_is_written() {
    let file = bytes(200_000, 6);
    for encoding in ["gzip", "deflate", "br"] {
        let hostile = gzip_host(file.clone(), encoding);
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("v.mp4");
        let err = downloader(3)
            .fetch(&hostile.url(), &target, |_| {})
            .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("Content-Encoding"), "{text}");
        assert!(text.contains(encoding), "{text}");
        assert_eq!(hostile.requests().len(), 1, "refused at once, not retried");
        assert_eq!(
            hostile.requests()[0].header("accept-encoding"),
            Some("identity")
        );
        assert!(listing(dir.path()).is_empty(), "{:?}", listing(dir.path()));
    }
}

#[test]
fn an_encoded_resume_keeps_the_partial_file_for_a_later_run() {
    let file = bytes(200_000, 7);
    let half = file.len() / 2;
    let plain = file.clone();
    let hostile = Hostile::start(move |request, n| {
        if n == 0 {
            return answer(
                "200 OK",
                &[
                    ("Content-Length", plain.len().to_string()),
                    ("ETag", "\"z\"".to_owned()),
                ],
                &plain[..half],
            );
        }
        if n >= 2 {
            // Later, the host answers honestly.
            return honest(request, &plain, "\"z\"");
        }
        let from = request.from().unwrap();
        let encoded = gzip(&plain[from..]);
        answer(
            "206 Partial Content",
            &[
                ("Content-Encoding", "gzip".to_owned()),
                ("Content-Length", encoded.len().to_string()),
                (
                    "Content-Range",
                    format!("bytes {from}-{}/{}", plain.len() - 1, plain.len()),
                ),
                ("ETag", "\"z\"".to_owned()),
            ],
            &encoded,
        )
    });
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("v.mp4");
    let err = downloader(3)
        .fetch(&hostile.url(), &target, |_| {})
        .unwrap_err();
    assert!(err.to_string().contains("resume it"), "{err}");
    assert_eq!(hostile.requests().len(), 2);
    let kept = std::fs::read(dir.path().join("v.mp4.part")).unwrap();
    assert!(
        kept == file[..half],
        "the partial file holds plain bytes only"
    );
    // The host answers honestly later: the partial file resumes into the
    // right file.
    let done = downloader(0)
        .fetch(&hostile.url(), &target, |_| {})
        .unwrap();
    assert_eq!((done.resumed, done.resumed_from), (1, half as u64));
    assert!(std::fs::read(&target).unwrap() == file);
}

#[test]
fn cli_gzip_media() {
    let hostile = gzip_host(bytes(200_000, 8), "gzip");
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("v.mp4");
    let done = cli_download(&hostile, &target, &[], 1);
    assert_eq!(done.code, 1, "{}", done.stderr);
    assert!(
        done.stderr.contains("Content-Encoding \"gzip\""),
        "{}",
        done.stderr
    );
    assert!(listing(dir.path()).is_empty());
}

// ---- 3. A resumed file ends at exactly the length first announced ----

/// A host that announces `file`, cuts at half, answers the first resume
/// with `resume` (given the byte asked for), then answers honestly.
fn lying_resume_host(
    file: Vec<u8>,
    mut resume: impl FnMut(&[u8], usize) -> Vec<u8> + Send + 'static,
) -> Hostile {
    Hostile::start(move |request, n| match n {
        0 => answer(
            "200 OK",
            &[
                ("Content-Length", file.len().to_string()),
                ("ETag", "\"e\"".to_owned()),
            ],
            &file[..file.len() / 2],
        ),
        1 => resume(&file, request.from().unwrap()),
        _ => honest(request, &file, "\"e\""),
    })
}

/// A 206 from `from` to `end` (exclusive) of a file of unstated size.
fn unsized_range(file: &[u8], from: usize, end: usize) -> Vec<u8> {
    let body: Vec<u8> = (from..end)
        .map(|i| file.get(i).copied().unwrap_or(0))
        .collect();
    answer(
        "206 Partial Content",
        &[
            ("Content-Length", body.len().to_string()),
            ("Content-Range", format!("bytes {from}-{}/*", end - 1)),
            ("ETag", "\"e\"".to_owned()),
        ],
        &body,
    )
}

#[test]
fn a_range_of_unstated_size_ending_early_or_late_restarts() {
    for (offset, what) in [(-1000i64, "early"), (1000, "late")] {
        let file = bytes(300_000, 9);
        let hostile = lying_resume_host(file.clone(), move |file, from| {
            let end = (file.len() as i64 + offset) as usize;
            unsized_range(file, from, end)
        });
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("v.mp4");
        let done = downloader(3)
            .fetch(&hostile.url(), &target, |_| {})
            .unwrap();
        assert_eq!((done.resumed, done.restarted), (0, 1), "{what}");
        assert!(std::fs::read(&target).unwrap() == file, "{what}");
        let sent = hostile.requests();
        assert_eq!(sent.len(), 3, "{what}");
        assert_eq!(sent[2].header("range"), None, "{what}: restarted");
    }
}

#[test]
fn a_resume_answered_short_without_a_length_is_not_a_whole_file() {
    // The resume is answered 200 with no length and only a third of the
    // file: it restarts, ends short of the 300 000 bytes first announced,
    // so it is resumed again (here honestly) instead of ending there.
    let file = bytes(300_000, 10);
    let hostile = lying_resume_host(file.clone(), |file, _| {
        answer(
            "200 OK",
            &[("ETag", "\"e\"".to_owned())],
            &file[..file.len() / 3],
        )
    });
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("v.mp4");
    let done = downloader(3)
        .fetch(&hostile.url(), &target, |_| {})
        .unwrap();
    assert!(std::fs::read(&target).unwrap() == file);
    assert_eq!((done.resumed, done.restarted), (1, 1));
    let sent = hostile.requests();
    assert_eq!(sent.len(), 3);
    assert_eq!(sent[2].header("range"), Some("bytes=100000-"));
}

#[test]
fn a_host_that_keeps_answering_short_without_a_length_fails() {
    let file = bytes(300_000, 11);
    let short = file[..100_000].to_vec();
    let hostile = Hostile::start(move |_, n| {
        if n == 0 {
            return answer(
                "200 OK",
                &[
                    ("Content-Length", "300000".to_owned()),
                    ("ETag", "\"e\"".to_owned()),
                ],
                &short[..50_000],
            );
        }
        answer("200 OK", &[("ETag", "\"e\"".to_owned())], &short)
    });
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("v.mp4");
    let err = downloader(2)
        .fetch(&hostile.url(), &target, |_| {})
        .unwrap_err();
    assert!(err.to_string().contains("of 300000"), "{err}");
    assert!(!target.exists(), "no file at the path");
}

#[test]
fn cli_lengths() {
    let file = bytes(300_000, 12);
    let hostile = lying_resume_host(file.clone(), |file, from| {
        unsized_range(file, from, file.len() - 1000)
    });
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("v.mp4");
    let done = cli_download(&hostile, &target, &[], 8);
    assert_eq!(done.code, 0, "{}", done.stderr);
    assert!(std::fs::read(&target).unwrap() == file);
    assert_eq!(listing(dir.path()), [("v.mp4".to_owned(), 300_000)]);

    // A host that only ever sends a third of the file, with no length.
    let third = file[..100_000].to_vec();
    let short = Hostile::start(move |_, n| {
        let mut headers = vec![("ETag", "\"e\"".to_owned())];
        let body = if n == 0 {
            headers.push(("Content-Length", "300000".to_owned()));
            &third[..50_000]
        } else {
            &third[..]
        };
        answer("200 OK", &headers, body)
    });
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("v.mp4");
    let done = cli_download(&short, &target, &[], 20);
    assert_eq!(done.code, 1, "{}", done.stderr);
    assert!(!target.exists());
}

// ---- 4. A hard link at PATH.part is never written through ----

#[cfg(unix)]
#[test]
fn a_hard_linked_part_is_refused_even_with_force() {
    let file = bytes(100_000, 13);
    let whole = file.clone();
    let hostile = Hostile::start(move |request, _| honest(request, &whole, "\"h\""));
    for (force, content) in [(true, &b"precious"[..]), (false, &b""[..])] {
        let dir = tempfile::tempdir().unwrap();
        let other = dir.path().join("other.txt");
        std::fs::write(&other, content).unwrap();
        let target = dir.path().join("v.mp4");
        std::fs::hard_link(&other, dir.path().join("v.mp4.part")).unwrap();
        let options = Options {
            overwrite: force,
            ..Options::default()
        };
        let err = downloader(0)
            .with_options(options)
            .fetch(&hostile.url(), &target, |_| {})
            .unwrap_err();
        assert!(err.to_string().contains("hard links"), "{err}");
        assert_eq!(std::fs::read(&other).unwrap(), content, "force {force}");
        assert_eq!(
            listing(dir.path()),
            [
                ("other.txt".to_owned(), content.len() as u64),
                ("v.mp4.part".to_owned(), content.len() as u64)
            ]
        );
    }
    assert!(hostile.requests().is_empty(), "refused before any request");
}

#[cfg(unix)]
#[test]
fn cli_hard_linked_part() {
    let file = bytes(100_000, 14);
    let hostile = Hostile::start(move |request, _| honest(request, &file, "\"h\""));
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other.txt");
    std::fs::write(&other, "precious").unwrap();
    let target = dir.path().join("v.mp4");
    std::fs::hard_link(&other, dir.path().join("v.mp4.part")).unwrap();
    let done = cli_download(&hostile, &target, &["--force"], 1);
    assert_eq!(done.code, 1, "{}", done.stderr);
    assert_eq!(std::fs::read_to_string(&other).unwrap(), "precious");
    assert!(hostile.requests().is_empty());
}

// ---- Issue 27.8: a media host never reached is reported as such ----

#[test]
fn an_unreachable_media_host_is_named_as_a_connection_failure() {
    // A closed loopback port: every attempt fails to connect.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let dir = tempfile::tempdir().unwrap();
    let url = format!("http://user:secret@127.0.0.1:{port}/v.mp4?token=hidden");
    let err = downloader(3)
        .fetch(&url, &dir.path().join("v.mp4"), |_| {})
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains(&format!(
            "4 attempts in a row could not connect to the media host 127.0.0.1:{port}"
        )),
        "{text}"
    );
    assert!(!text.contains("64 KiB"), "{text}");
    assert!(
        !text.contains("secret") && !text.contains("hidden"),
        "{text}"
    );
    assert!(listing(dir.path()).is_empty());
}

// ---- 12. Stuck states resume, restart, or fail once saying what to remove ----

/// Puts a partial file of `bytes` and a sidecar with `etag` and `length`
/// for `url` beside `target`.
fn plant_partial(target: &Path, url: &str, bytes: &[u8], etag: &str, length: usize) {
    std::fs::write(vidapi::download::part_path(target), bytes).unwrap();
    let record = serde_json::json!({
        "format": "vidapi partial download v1",
        "url": url,
        "etag": etag,
        "last_modified": null,
        "length": length,
    });
    let mut sidecar = vidapi::download::part_path(target).into_os_string();
    sidecar.push(".json");
    std::fs::write(sidecar, record.to_string()).unwrap();
}

#[test]
fn a_sidecar_validator_with_crlf_restarts_instead_of_failing_forever() {
    let file = bytes(100_000, 15);
    let whole = file.clone();
    let hostile = Hostile::start(move |request, _| honest(request, &whole, "\"c\""));
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("v.mp4");
    plant_partial(
        &target,
        &hostile.url(),
        &file[..5000],
        "\"c\"\r\nX-Evil: 1",
        file.len(),
    );
    let done = downloader(0)
        .fetch(&hostile.url(), &target, |_| {})
        .unwrap();
    assert_eq!((done.resumed, done.restarted), (0, 1));
    assert!(std::fs::read(&target).unwrap() == file);
    assert_eq!(hostile.requests().len(), 1);
    assert_eq!(hostile.requests()[0].header("range"), None);
}

#[test]
fn a_complete_part_left_before_the_rename_is_checked_with_one_byte() {
    let file = bytes(100_000, 16);
    let whole = file.clone();
    let hostile = Hostile::start(move |request, _| honest(request, &whole, "\"w\""));
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("v.mp4");
    plant_partial(&target, &hostile.url(), &file, "\"w\"", file.len());
    let done = downloader(0)
        .fetch(&hostile.url(), &target, |_| {})
        .unwrap();
    assert_eq!((done.resumed, done.resumed_from), (1, 99_999));
    assert!(std::fs::read(&target).unwrap() == file);
    let sent = hostile.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].header("range"), Some("bytes=99999-"));
    assert_eq!(listing(dir.path()), [("v.mp4".to_owned(), 100_000)]);
}

#[test]
fn a_folder_where_the_sidecar_goes_fails_once_and_keeps_the_part() {
    let file = bytes(100_000, 17);
    let whole = file.clone();
    let hostile = Hostile::start(move |request, _| honest(request, &whole, "\"f\""));
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("v.mp4");
    std::fs::write(dir.path().join("v.mp4.part"), &file[..5000]).unwrap();
    std::fs::create_dir(dir.path().join("v.mp4.part.json")).unwrap();
    let err = downloader(0)
        .with_options(Options {
            overwrite: true,
            ..Options::default()
        })
        .fetch(&hostile.url(), &target, |_| {})
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("is a folder") && text.contains("rm -r"),
        "{text}"
    );
    assert!(std::fs::read(dir.path().join("v.mp4.part")).unwrap() == file[..5000]);
    assert!(hostile.requests().is_empty());
}

// ---- 13. A signal removes what cannot be resumed, and says so ----

#[cfg(unix)]
fn interrupt(hostile: &Hostile, signal: i32) -> (i32, String, Vec<(String, u64)>) {
    let emulator = Emulator::start().unwrap();
    emulator.fail_next(1, Fault::Delay(Duration::ZERO));
    emulator.fail_next(
        1,
        Fault::Respond {
            status: 302,
            headers: vec![("Location".into(), hostile.url())],
            body: Vec::new(),
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("v.mp4");
    let child = common::vidapi_process(&emulator)
        .args(["download", "pixverse", PIXVERSE_COMPLETED, "-o"])
        .arg(&target)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let part = vidapi::download::part_path(&target);
    for _ in 0..3000 {
        if std::fs::metadata(&part).is_ok_and(|m| m.len() >= 100_000) {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(std::fs::metadata(&part).unwrap().len() >= 100_000);
    unsafe { libc::kill(child.id() as i32, signal) };
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let left = listing(dir.path());
    eprintln!(
        "signal {signal}: exit {:?}\nstderr: {stderr}on disk: {left:?}\n",
        out.status.code()
    );
    (out.status.code().unwrap_or(-1), stderr, left)
}

#[cfg(unix)]
#[test]
fn a_signal_removes_an_endless_download_that_cannot_resume() {
    // No length, no validator: the bytes could never be resumed.
    let hostile = Hostile::start_with(Tail::Endless, |_, _| answer("200 OK", &[], b""));
    let (code, stderr, left) = interrupt(&hostile, libc::SIGTERM);
    assert_eq!(code, 143, "{stderr}");
    assert!(
        stderr.contains("download interrupted: removed it"),
        "{stderr}"
    );
    assert!(left.is_empty(), "{left:?}");
}

#[cfg(unix)]
#[test]
fn a_signal_keeps_a_download_that_can_resume() {
    let hostile = Hostile::start_with(Tail::Endless, |_, _| {
        answer(
            "200 OK",
            &[
                ("Content-Length", "100000000".to_owned()),
                ("ETag", "\"k\"".to_owned()),
            ],
            b"",
        )
    });
    let (code, stderr, left) = interrupt(&hostile, libc::SIGINT);
    assert_eq!(code, 130, "{stderr}");
    assert!(stderr.contains("download interrupted: kept"), "{stderr}");
    assert!(stderr.contains("resume it"), "{stderr}");
    let names: Vec<&str> = left.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["v.mp4.part", "v.mp4.part.json"]);
}

// ---- 5. Requests per download are bounded; the deadline bounds wall time ----

#[test]
fn a_host_cutting_just_past_the_floor_ends_at_the_request_limit() {
    assert_eq!(vidapi::download::DEFAULT_MAX_REQUESTS, 256);
    assert_eq!(Options::default().max_requests, Some(256));
    let file = bytes(2_000_000, 18);
    let whole = file.clone();
    // Each answer honours Range but stops 64 KiB + 1 byte further on: every
    // attempt counts as progress, so only the request limit ends it.
    let hostile = Hostile::start(move |request, _| {
        let from = request.from().unwrap_or(0);
        let mut raw = honest(request, &whole, "\"p\"");
        let head = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
        raw.truncate(head + 65_537.min(whole.len() - from));
        raw
    });
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("v.mp4");
    let err = downloader(3)
        .with_options(Options {
            max_requests: Some(10),
            ..Options::default()
        })
        .fetch(&hostile.url(), &target, |_| {})
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("10 requests for this one download"), "{text}");
    assert!(text.contains("resume it"), "{text}");
    assert_eq!(hostile.requests().len(), 10);
    let kept = std::fs::read(dir.path().join("v.mp4.part")).unwrap();
    assert!(kept == file[..10 * 65_537]);
}

#[test]
fn the_deadline_cuts_a_stalled_read() {
    // 70 000 bytes, then silence; the read timeout is 10 s, the deadline 1 s.
    let file = bytes(1_000_000, 19);
    let hostile = Hostile::start_with(Tail::Stall, move |_, _| {
        answer(
            "200 OK",
            &[
                ("Content-Length", file.len().to_string()),
                ("ETag", "\"d\"".to_owned()),
            ],
            &file[..70_000],
        )
    });
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("v.mp4");
    let started = std::time::Instant::now();
    let err = downloader(3)
        .with_options(Options {
            deadline: Some(Duration::from_secs(1)),
            ..Options::default()
        })
        .fetch(&hostile.url(), &target, |_| {})
        .unwrap_err();
    let took = started.elapsed();
    assert!(err.to_string().contains("deadline"), "{err}");
    // Not a speed target: without the bound this ends after the 10 s read
    // timeout, at the earliest.
    assert!(took < Duration::from_secs(9), "{took:?}");
    assert_eq!(hostile.requests().len(), 1);
    assert_eq!(
        std::fs::metadata(dir.path().join("v.mp4.part"))
            .unwrap()
            .len(),
        70_000
    );
}

// ---- 14. Userinfo in a redirect never reaches another host ----

#[test]
fn userinfo_in_a_redirect_to_another_host_is_dropped() {
    let file = bytes(50_000, 20);
    let whole = file.clone();
    let target_host = Hostile::start(move |request, _| honest(request, &whole, "\"r\""));
    let location = target_host.url().replace("http://", "http://evil:secret@");
    let redirecting =
        Hostile::start(move |_, _| answer("302 Found", &[("Location", location.clone())], b""));
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("v.mp4");
    downloader(0)
        .fetch(&redirecting.url(), &target, |_| {})
        .unwrap();
    assert!(std::fs::read(&target).unwrap() == file);
    let sent = target_host.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].header("authorization"), None, "{:?}", sent[0]);
}

// ---- 7. No part of a media URL's query is shown or stored ----

#[test]
fn a_media_query_is_never_shown_or_stored_whatever_its_names() {
    let file = bytes(200_000, 21);
    let whole = file.clone();
    let hostile = Hostile::start(move |request, n| {
        if n == 0 {
            // Cut: the partial file and its sidecar stay for a later run.
            let mut raw = honest(request, &whole, "\"q\"");
            raw.truncate(raw.len() - 100_000);
            return raw;
        }
        answer("404 Not Found", &[], b"gone")
    });
    let secret_url = hostile.url().replace("http://", "http://user:Pa55word@")
        + "?x=KEYVALUE123&hdnts=exp=1~acl=/*~hmac=HMACVALUE456&KEYASNAME789=1#FRAG";
    let leaks = |text: &str| {
        [
            "Pa55word",
            "KEYVALUE123",
            "HMACVALUE456",
            "KEYASNAME789",
            "hdnts",
            "FRAG",
        ]
        .iter()
        .any(|s| text.contains(s))
    };
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("v.mp4");
    let err = downloader(0)
        .fetch(&secret_url, &target, |_| {})
        .unwrap_err();
    assert!(
        !leaks(&err.to_string()) && !leaks(&format!("{err:?}")),
        "{err}"
    );
    let record = std::fs::read_to_string(dir.path().join("v.mp4.part.json")).unwrap();
    assert!(!leaks(&record), "{record}");
    assert!(record.contains("/v.mp4?[redacted]"), "{record}");

    let honest_host = Hostile::start(move |request, _| honest(request, &file, "\"q\""));
    let url = honest_host.url() + "?x=KEYVALUE123&KEYASNAME789=1";
    let done = downloader(0)
        .fetch(&url, &dir.path().join("w.mp4"), |_| {})
        .unwrap();
    assert!(!leaks(&done.url), "{}", done.url);
    assert_eq!(done.url, format!("{}?[redacted]", honest_host.url()));
}

/// Every test RELIABILITY.md's "second round" section names exists in one
/// of this issue's test files (or is a unit test in the library).
#[test]
fn reliability_rows_name_tests() {
    let report =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../RELIABILITY.md")).unwrap();
    let section = report
        .split("## Files that never lie, second round")
        .nth(1)
        .expect("RELIABILITY.md has the second round's section");
    let section = section.split("\n## ").next().unwrap();
    let sources = [
        include_str!("hostile_host.rs"),
        include_str!("inputs_round2.rs"),
        include_str!("shared_pacing.rs"),
        include_str!("../../src/redact.rs"),
        include_str!("../../src/fsio.rs"),
    ];
    let mut named = 0;
    for row in section.lines().filter(|l| l.starts_with("| ")) {
        let test_cell = row.trim_end_matches('|').rsplit('|').next().unwrap();
        for test in test_cell.split('`').skip(1).step_by(2) {
            assert!(
                sources.iter().any(|s| s.contains(&format!("fn {test}()"))),
                "RELIABILITY.md names a test that does not exist: {test}"
            );
            named += 1;
        }
    }
    assert!(named >= 30, "{named} tests named");
}

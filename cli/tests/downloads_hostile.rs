//! Downloads against hostile media hosts, races and a hostile file system
//! (issue 17): a resume that gets another file, two downloads to one path,
//! planted symbolic links, FIFOs, missing folders, a host that sends one
//! byte at a time, an endless body, a deadline, a download killed and run
//! again in a new process, and secrets in media URLs. Every case checks
//! counts and bytes, never durations.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;
use vidapi::accounts::Accounts;
use vidapi::download::{DEFAULT_MAX_BYTES, Downloader, Options};
use vidapi::emulator::{
    Emulator, Fault, MEDIA_SIZE, MediaMode, RecordedRequest, USEAPI_TOKEN, media_bytes,
};
use vidapi::{Config, Error, Provider, RetryPolicy, UseApi};

mod common;
use common::{cut_with, files, run, vidapi, vidapi_process};

const PIXVERSE_COMPLETED: &str = "user:<userid>-pixverse:me@example.com-video:1001";
const PIXVERSE_FILE: &str = "pixverse/1001.mp4";

fn config(emulator: &Emulator, retries: u32) -> Config {
    common::fast_retry_config(emulator, retries, Duration::from_secs(10))
}

fn downloader(emulator: &Emulator, retries: u32) -> Downloader {
    Downloader::new(Provider::PixVerse, &config(emulator, retries)).unwrap()
}

fn forced() -> Options {
    Options {
        overwrite: true,
        ..Options::default()
    }
}

fn url(emulator: &Emulator, name: &str) -> String {
    format!("{}/media/{name}", emulator.base_url())
}

fn media_requests(emulator: &Emulator) -> Vec<RecordedRequest> {
    emulator
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/media/"))
        .collect()
}

fn part(path: &Path) -> PathBuf {
    vidapi::download::part_path(path)
}

fn sidecar(path: &Path) -> PathBuf {
    let mut name = part(path).file_name().unwrap().to_os_string();
    name.push(".json");
    path.with_file_name(name)
}

/// Waits (polling, up to 120 s) until `path` holds exactly `len` bytes.
fn wait_for_len(path: &Path, len: u64) {
    for _ in 0..6000 {
        if std::fs::metadata(path).is_ok_and(|m| m.len() == len) {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("{} never reached {len} bytes", path.display());
}

#[test]
fn a_resume_answered_with_another_file_restarts_and_ends_with_that_file() {
    // Reproduces issue 17's first race: cut half-way through file A; the
    // Range request is answered 206 with the second half of file B (a host
    // ignoring If-Range). The result must be B, whole.
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let name = "race.mp4";
    let a = emulator.media_file(name);
    let (etag_a, modified_a) = emulator.media_validators(name);
    emulator.replace_media();
    let b = emulator.media_file(name);
    let (etag_b, modified_b) = emulator.media_validators(name);
    assert_ne!(a, b);
    let half = a.len() / 2;
    emulator.fail_next(1, cut_with(&etag_a, &modified_a, a.len(), &a[..half]));
    emulator.fail_next(
        1,
        Fault::Respond {
            status: 206,
            headers: vec![
                (
                    "Content-Range".into(),
                    format!("bytes {half}-{}/{}", b.len() - 1, b.len()),
                ),
                ("ETag".into(), etag_b.clone()),
                ("Last-Modified".into(), modified_b),
            ],
            body: b[half..].to_vec(),
        },
    );
    let target = dir.path().join(name);
    let done = downloader(&emulator, 3)
        .fetch(&url(&emulator, name), &target, |_| {})
        .unwrap();
    assert_eq!((done.resumed, done.restarted), (0, 1));
    assert!(std::fs::read(&target).unwrap() == b, "the file is B, whole");
    let sent = media_requests(&emulator);
    assert_eq!(sent.len(), 3);
    assert_eq!(
        sent[1].header("range"),
        Some(format!("bytes={half}-").as_str())
    );
    assert_eq!(sent[1].header("if-range"), Some(etag_a.as_str()));
    assert_eq!(
        sent[2].header("range"),
        None,
        "the restart asks for all of it"
    );
    assert_eq!(files(dir.path()), [name]);
}

#[test]
fn a_file_changed_between_attempts_is_restarted_through_if_range() {
    // The emulator honours If-Range: once the file has changed, the resume
    // is answered 200 with the whole new file.
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let name = "changed.mp4";
    let a = emulator.media_file(name);
    let (etag_a, modified_a) = emulator.media_validators(name);
    emulator.fail_next(1, cut_with(&etag_a, &modified_a, a.len(), &a[..1_000_000]));
    let target = dir.path().join(name);
    let mut replaced = false;
    let done = downloader(&emulator, 3)
        .fetch(&url(&emulator, name), &target, |p| {
            if p.downloaded >= 1_000_000 && !replaced {
                emulator.replace_media();
                replaced = true;
            }
        })
        .unwrap();
    assert_eq!((done.resumed, done.restarted), (0, 1));
    assert!(std::fs::read(&target).unwrap() == emulator.media_file(name));
    let sent = media_requests(&emulator);
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[1].header("if-range"), Some(etag_a.as_str()));
}

#[test]
fn a_second_download_to_the_same_path_fails_at_once_and_the_first_completes() {
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let name = "twice.mp4";
    let target = dir.path().join(name);
    let link = url(&emulator, name);
    let (started, running) = mpsc::channel::<()>();
    let (release, go) = mpsc::channel::<()>();
    std::thread::scope(|scope| {
        let first = scope.spawn(|| {
            let mut waited = false;
            downloader(&emulator, 0).fetch(&link, &target, move |p| {
                // Hold the download mid-body until the second one is done.
                if p.downloaded > 0 && !waited {
                    waited = true;
                    started.send(()).unwrap();
                    go.recv().unwrap();
                }
            })
        });
        running.recv().unwrap();
        let before = std::fs::read(part(&target)).unwrap();
        assert!(!before.is_empty());
        for options in [Options::default(), forced()] {
            let err = downloader(&emulator, 0)
                .with_options(options)
                .fetch(&link, &target, |_| {})
                .unwrap_err();
            assert!(matches!(err, Error::File { .. }), "{err}");
            assert!(err.to_string().contains("another download"), "{err}");
        }
        assert_eq!(
            media_requests(&emulator).len(),
            1,
            "the second sent nothing"
        );
        assert!(std::fs::read(part(&target)).unwrap() == before, "untouched");
        release.send(()).unwrap();
        let done = first.join().unwrap().unwrap();
        assert_eq!(done.bytes, MEDIA_SIZE as u64);
    });
    assert!(std::fs::read(&target).unwrap() == media_bytes(name));
    assert_eq!(files(dir.path()), [name]);
}

#[cfg(unix)]
#[test]
fn a_planted_symlink_part_is_never_followed() {
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, b"precious").unwrap();
    let target = dir.path().join("v.mp4");
    std::os::unix::fs::symlink(&victim, part(&target)).unwrap();
    for options in [Options::default(), forced()] {
        let err = downloader(&emulator, 0)
            .with_options(options)
            .fetch(&url(&emulator, "v.mp4"), &target, |_| {})
            .unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
    }
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
    assert!(
        std::fs::symlink_metadata(part(&target))
            .unwrap()
            .is_symlink()
    );
    assert!(emulator.requests().is_empty());
}

#[test]
fn an_unrelated_part_is_refused_without_force() {
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("x.mp4");
    std::fs::write(part(&target), b"someone else's bytes").unwrap();
    let link = url(&emulator, "x.mp4");
    let err = downloader(&emulator, 0)
        .fetch(&link, &target, |_| {})
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("x.mp4.part"), "{text}");
    assert!(text.contains("--force"), "{text}");
    assert_eq!(
        std::fs::read(part(&target)).unwrap(),
        b"someone else's bytes"
    );
    assert!(emulator.requests().is_empty());

    downloader(&emulator, 0)
        .with_options(forced())
        .fetch(&link, &target, |_| {})
        .unwrap();
    assert!(std::fs::read(&target).unwrap() == media_bytes("x.mp4"));
    assert_eq!(files(dir.path()), ["x.mp4"]);
}

#[cfg(unix)]
#[test]
fn force_replaces_files_and_links_but_not_fifos_or_folders() {
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo.mp4");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let folder = dir.path().join("folder.mp4");
    std::fs::create_dir(&folder).unwrap();
    for (target, kind) in [(&fifo, "a FIFO"), (&folder, "a folder")] {
        let err = downloader(&emulator, 0)
            .with_options(forced())
            .fetch(&url(&emulator, "f.mp4"), target, |_| {})
            .unwrap_err();
        assert!(matches!(err, Error::File { .. }), "{err}");
        assert!(err.to_string().contains(kind), "{err}");
    }
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    assert!(folder.is_dir());
    assert!(emulator.requests().is_empty());

    // A symbolic link is replaced itself; its target stays as it was.
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, b"precious").unwrap();
    let link = dir.path().join("link.mp4");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    downloader(&emulator, 0)
        .with_options(forced())
        .fetch(&url(&emulator, "l.mp4"), &link, |_| {})
        .unwrap();
    assert!(!std::fs::symlink_metadata(&link).unwrap().is_symlink());
    assert!(std::fs::read(&link).unwrap() == media_bytes("l.mp4"));
    assert_eq!(std::fs::read(&victim).unwrap(), b"precious");

    // The command line: exit 1, the FIFO untouched.
    let cli = run(
        &mut vidapi(&emulator),
        &[
            "download",
            "pixverse",
            PIXVERSE_COMPLETED,
            "--force",
            "-o",
            fifo.to_str().unwrap(),
        ],
    );
    assert_eq!(cli.code, 1, "{}", cli.stderr);
    assert!(cli.stderr.contains("a FIFO"), "{}", cli.stderr);
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
}

#[test]
fn missing_folders_are_refused_before_any_request() {
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let accounts = Accounts {
        useapi: Some(UseApi::with_config(USEAPI_TOKEN, config(&emulator, 0)).unwrap()),
        ..Accounts::default()
    };
    for missing in [dir.path().join("nope/"), dir.path().join("nope/v.mp4")] {
        let err = accounts
            .download(
                Provider::PixVerse,
                PIXVERSE_COMPLETED,
                Some(&missing),
                &Options::default(),
                |_| {},
            )
            .unwrap_err();
        assert!(matches!(err, Error::InvalidArgument { .. }), "{err}");
        assert!(err.to_string().contains("does not exist"), "{err}");
    }
    assert!(emulator.requests().is_empty(), "nothing was requested");

    let missing = format!("{}/videos/", dir.path().display());
    for args in [
        vec!["download", "pixverse", PIXVERSE_COMPLETED, "-o", &missing],
        vec![
            "wait",
            "pixverse",
            PIXVERSE_COMPLETED,
            "--download",
            &missing,
        ],
    ] {
        let cli = run(&mut vidapi(&emulator), &args);
        assert_eq!(cli.code, 2, "{args:?}: {}", cli.stderr);
        assert!(cli.stderr.contains("does not exist"), "{}", cli.stderr);
    }
    assert!(emulator.requests().is_empty(), "nothing was requested");

    // An existing folder, with or without the slash: the default name in it.
    std::fs::create_dir(dir.path().join("videos")).unwrap();
    let cli = run(
        &mut vidapi(&emulator),
        &["download", "pixverse", PIXVERSE_COMPLETED, "-o", &missing],
    );
    assert_eq!(cli.code, 0, "{}", cli.stderr);
    assert_eq!(
        files(&dir.path().join("videos")),
        ["user__userid_-pixverse_me_example.com-video_1001.mp4"]
    );
}

#[test]
fn a_host_that_sends_one_byte_at_a_time_ends_after_a_bounded_number_of_requests() {
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    emulator.set_media_mode(MediaMode::CutAfter(1));
    for retries in [3, 10] {
        emulator.reset_records();
        let target = dir.path().join(format!("drip{retries}.mp4"));
        let err = downloader(&emulator, retries)
            .fetch(&url(&emulator, "drip.mp4"), &target, |_| {})
            .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("less than 64 KiB"), "{text}");
        assert_eq!(media_requests(&emulator).len(), retries as usize + 1);
        // Every Range request after the first asked for the next byte.
        let sent = media_requests(&emulator);
        for (i, request) in sent.iter().enumerate().skip(1) {
            assert_eq!(
                request.header("range"),
                Some(format!("bytes={i}-").as_str())
            );
        }
        // What arrived is kept, resumable.
        let kept = std::fs::read(part(&target)).unwrap();
        assert!(kept == media_bytes("drip.mp4")[..retries as usize + 1]);
        assert!(text.contains("run the same download again"), "{text}");
        assert!(sidecar(&target).exists());
    }
}

#[test]
fn an_endless_body_stops_at_the_cap() {
    assert_eq!(Options::default().max_bytes, Some(DEFAULT_MAX_BYTES));
    assert_eq!(DEFAULT_MAX_BYTES, 4 << 30);
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    emulator.set_media_mode(MediaMode::Endless);
    let target = dir.path().join("endless.mp4");
    let mut most = 0;
    let err = downloader(&emulator, 0)
        .with_options(Options {
            max_bytes: Some(1 << 20),
            ..Options::default()
        })
        .fetch(&url(&emulator, "endless.mp4"), &target, |p| {
            most = most.max(p.downloaded)
        })
        .unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit, .. } if limit == 1 << 20),
        "{err}"
    );
    assert!(most <= 1 << 20, "{most} bytes written");
    assert!(files(dir.path()).is_empty(), "{:?}", files(dir.path()));
}

#[test]
fn the_deadline_ends_a_download_and_a_later_run_resumes_it() {
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    // Every attempt gains 70 000 bytes (over the floor), so only the
    // deadline can end it: the backoff between attempts (30-60 s) is cut
    // short by the 3 s deadline, while the whole file would take 45
    // attempts. (3 s is only a generous bound for the first attempt.)
    emulator.set_media_mode(MediaMode::CutAfter(70_000));
    let slow = Config::new()
        .base_url(emulator.base_url())
        .timeout(Duration::from_secs(10))
        .retry(RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_secs(60),
            max_backoff: Duration::from_secs(60),
            max_retry_after: Duration::from_secs(60),
        });
    let target = dir.path().join("late.mp4");
    let link = url(&emulator, "late.mp4");
    let err = Downloader::new(Provider::PixVerse, &slow)
        .unwrap()
        .with_options(Options {
            deadline: Some(Duration::from_secs(3)),
            ..Options::default()
        })
        .fetch(&link, &target, |_| {})
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err}");
    assert!(err.to_string().contains("deadline"), "{err}");
    let kept = std::fs::metadata(part(&target)).unwrap().len();
    assert!(kept >= 70_000 && kept < MEDIA_SIZE as u64, "{kept}");

    emulator.set_media_mode(MediaMode::Normal);
    let done = downloader(&emulator, 0)
        .fetch(&link, &target, |_| {})
        .unwrap();
    assert_eq!(
        (done.resumed, done.restarted, done.resumed_from),
        (1, 0, kept)
    );
    assert!(std::fs::read(&target).unwrap() == media_bytes("late.mp4"));
    assert_eq!(files(dir.path()), ["late.mp4"]);
}

/// Starts `vidapi download` of the PixVerse video to `target` while the
/// media host stalls after `at` bytes, and waits until those bytes are in
/// the partial file.
fn start_stalled(emulator: &Emulator, target: &Path, at: usize) -> std::process::Child {
    emulator.set_media_mode(MediaMode::StallAfter(at));
    let child = vidapi_process(emulator)
        .args(["--json", "download", "pixverse", PIXVERSE_COMPLETED, "-o"])
        .arg(target)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_len(&part(target), at as u64);
    child
}

/// Kills a download mid-body, then runs it again in a new process;
/// `change` replaces the file on the media host in between. Returns the
/// second run's JSON report.
fn kill_and_rerun(change: bool) -> (Value, String) {
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("killed.mp4");
    let mut child = start_stalled(&emulator, &target, 1_000_000);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(
        files(dir.path()),
        ["killed.mp4.part", "killed.mp4.part.json"]
    );
    let record: Value = serde_json::from_slice(&std::fs::read(sidecar(&target)).unwrap()).unwrap();
    assert_eq!(record["etag"], emulator.media_validators(PIXVERSE_FILE).0);

    emulator.set_media_mode(MediaMode::Normal);
    if change {
        emulator.replace_media();
    }
    emulator.reset_records();
    let again = run(
        &mut vidapi(&emulator),
        &[
            "--json",
            "download",
            "pixverse",
            PIXVERSE_COMPLETED,
            "-o",
            target.to_str().unwrap(),
        ],
    );
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(std::fs::read(&target).unwrap() == emulator.media_file(PIXVERSE_FILE));
    assert_eq!(files(dir.path()), ["killed.mp4"]);
    let sent = media_requests(&emulator);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].header("range"), Some("bytes=1000000-"));
    let shown = format!(
        "$ vidapi --json download pixverse '{PIXVERSE_COMPLETED}' -o killed.mp4\n{}{}exit {}",
        again.stdout, again.stderr, again.code
    );
    (serde_json::from_str(&again.stdout).unwrap(), shown)
}

#[cfg(unix)]
#[test]
fn a_killed_download_resumes_in_a_new_process() {
    let (report, shown) = kill_and_rerun(false);
    eprintln!("{shown}");
    assert_eq!(report["resumed"], 1);
    assert_eq!(report["resumed_from"], 1_000_000);
    assert_eq!(report["restarted"], 0);
    assert_eq!(report["bytes"], MEDIA_SIZE);
}

#[cfg(unix)]
#[test]
fn a_killed_download_of_a_changed_file_restarts_in_a_new_process() {
    let (report, shown) = kill_and_rerun(true);
    eprintln!("{shown}");
    assert_eq!(report["resumed"], 0);
    assert_eq!(report["restarted"], 1);
    assert_eq!(report["resumed_from"], 0, "nothing of the old file kept");
    assert_eq!(report["bytes"], MEDIA_SIZE);
}

#[cfg(unix)]
#[test]
fn cli_two_downloads_to_one_path() {
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("both.mp4");
    let first = start_stalled(&emulator, &target, 1_000_000);
    let before = std::fs::read(part(&target)).unwrap();
    let second = run(
        &mut vidapi(&emulator),
        &[
            "download",
            "pixverse",
            PIXVERSE_COMPLETED,
            "-o",
            target.to_str().unwrap(),
        ],
    );
    assert_eq!(second.code, 1, "{}", second.stderr);
    assert!(
        second.stderr.contains("another download"),
        "{}",
        second.stderr
    );
    assert!(std::fs::read(part(&target)).unwrap() == before, "untouched");
    // The stalled first download goes on to the end.
    emulator.set_media_mode(MediaMode::Normal);
    let output = first.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(std::fs::read(&target).unwrap() == media_bytes(PIXVERSE_FILE));
    assert_eq!(files(dir.path()), ["both.mp4"]);
    eprintln!(
        "first (started earlier, stalled mid-body):\n$ vidapi --json download pixverse '{PIXVERSE_COMPLETED}' -o both.mp4\n{stdout}{}exit 0\n\
         second (while the first runs):\n$ vidapi download pixverse '{PIXVERSE_COMPLETED}' -o both.mp4\n{}{}exit {}",
        String::from_utf8_lossy(&output.stderr),
        second.stdout,
        second.stderr,
        second.code
    );
}

/// A GET to the emulator with useapi.net's token: the raw JSON body.
fn raw_get(emulator: &Emulator, path: &str) -> String {
    let addr = emulator.base_url().trim_start_matches("http://").to_owned();
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {USEAPI_TOKEN}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).unwrap();
    text.split_once("\r\n\r\n").unwrap().1.to_owned()
}

#[test]
fn media_urls_are_redacted_in_results_errors_logs_and_sidecars() {
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let host = emulator.base_url().trim_start_matches("http://").to_owned();
    let secret = |name: &str| {
        format!(
            "http://user:pa55word@{host}/media/{name}?X-Amz-Signature=SIGSECRET&token=TOKSECRET&w=720"
        )
    };
    let shown = |name: &str| format!("http://[redacted]@{host}/media/{name}?[redacted]");
    let leaks = |text: &str| {
        ["pa55word", "SIGSECRET", "TOKSECRET"]
            .iter()
            .any(|s| text.contains(s))
    };

    let done = downloader(&emulator, 0)
        .fetch(&secret("s.mp4"), &dir.path().join("s.mp4"), |_| {})
        .unwrap();
    assert_eq!(done.url, shown("s.mp4"));

    // An error names the host, not the secrets.
    emulator.fail_next(1, Fault::html(404));
    let err = downloader(&emulator, 0)
        .fetch(&secret("e.mp4"), &dir.path().join("e.mp4"), |_| {})
        .unwrap_err();
    assert!(err.to_string().contains(&host), "{err}");
    assert!(!leaks(&err.to_string()), "{err}");
    let err = downloader(&emulator, 0)
        .fetch(
            "ftp://user:pa55word@h/v.mp4?sig=SIGSECRET",
            &dir.path().join("f.mp4"),
            |_| {},
        )
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { .. }), "{err}");
    assert!(!leaks(&err.to_string()), "{err}");

    // A kept partial download: its sidecar holds the URL redacted.
    let (etag, modified) = emulator.media_validators("k.mp4");
    let whole = media_bytes("k.mp4");
    emulator.fail_next(
        1,
        cut_with(&etag, &modified, whole.len(), &whole[..100_000]),
    );
    let kept = dir.path().join("k.mp4");
    let err = downloader(&emulator, 0)
        .fetch(&secret("k.mp4"), &kept, |_| {})
        .unwrap_err();
    assert!(
        err.to_string().contains(&host) && !leaks(&err.to_string()),
        "{err}"
    );
    let record = std::fs::read_to_string(sidecar(&kept)).unwrap();
    assert!(record.contains(&shown("k.mp4")), "{record}");
    assert!(!leaks(&record), "{record}");

    // The command line: --json and --verbose logs of a resumed download of
    // a signed URL with userinfo.
    let mut video: Value = serde_json::from_str(&raw_get(
        &emulator,
        "/v2/pixverse/videos/user:%3Cuserid%3E-pixverse:me@example.com-video:1001",
    ))
    .unwrap();
    assert!(video["url"].is_string(), "{video}");
    video["url"] = Value::String(secret(PIXVERSE_FILE));
    emulator.reset_records();
    emulator.fail_next(1, Fault::json(200, &video.to_string()));
    let (etag, modified) = emulator.media_validators(PIXVERSE_FILE);
    let whole = media_bytes(PIXVERSE_FILE);
    emulator.fail_next(
        1,
        cut_with(&etag, &modified, whole.len(), &whole[..500_000]),
    );
    let target = dir.path().join("cli.mp4");
    let cli = run(
        &mut vidapi(&emulator),
        &[
            "--json",
            "--verbose",
            "download",
            "pixverse",
            PIXVERSE_COMPLETED,
            "-o",
            target.to_str().unwrap(),
        ],
    );
    assert_eq!(cli.code, 0, "{}", cli.stderr);
    let report: Value = serde_json::from_str(&cli.stdout).unwrap();
    assert_eq!(report["url"], shown(PIXVERSE_FILE));
    assert_eq!(report["resumed"], 1);
    assert!(
        !leaks(&cli.stdout) && !leaks(&cli.stderr),
        "{}\n{}",
        cli.stdout,
        cli.stderr
    );
    assert!(std::fs::read(&target).unwrap() == whole);
}

/// The rows of RELIABILITY.md's "Downloads under attack" section match the
/// tests of this file.
#[test]
fn reliability_rows_name_these_tests() {
    let report =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../RELIABILITY.md")).unwrap();
    let section = report
        .split("## Downloads under attack")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("RELIABILITY.md has a \"Downloads under attack\" section");
    let source = include_str!("downloads_hostile.rs");
    let mut rows = 0;
    for line in section.lines().filter(|l| l.starts_with("| `")) {
        let test = line.split('`').nth(1).unwrap();
        assert!(
            source.contains(&format!("fn {test}()")),
            "RELIABILITY.md names a test this file lacks: {test}"
        );
        rows += 1;
    }
    assert!(rows >= 12, "{rows} rows");
}

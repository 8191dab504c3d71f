//! Media downloads against the emulator's media host (`/media/…`) and its
//! faults: resume with `Range`, a host that ignores it, short and
//! inconsistent bodies, redirects, limits, no credential on the media host,
//! nothing left behind on failure, and the `download` / `wait --download`
//! commands.

use std::time::Duration;

use serde_json::Value;
use vidapi::accounts::Accounts;
use vidapi::download::{Downloader, Options, Progress};
use vidapi::emulator::{
    Emulator, Fault, HOURONE_KEY, MEDIA_SIZE, MEMORIES_KEY, RecordedRequest, USEAPI_TOKEN,
    media_bytes,
};
use vidapi::{Config, Error, HourOne, Memories, Provider, UseApi};

mod common;
use common::{cut, files, run, vidapi};

const MINIMAX_COMPLETED: &str = "user:user_id-minimax:account-video:video_id_#2";
const MINIMAX_PROCESSING: &str = "user:user_id-minimax:account-video:video_id_#1";
const PIXVERSE_GENERATING: &str = "user:<userid>-pixverse:me@example.com-video:1000";
const PIXVERSE_COMPLETED: &str = "user:<userid>-pixverse:me@example.com-video:1001";

fn config(emulator: &Emulator, retries: u32) -> Config {
    common::fast_retry_config(emulator, retries, Duration::from_secs(5))
}

fn downloader(emulator: &Emulator, retries: u32) -> Downloader {
    Downloader::new(Provider::PixVerse, &config(emulator, retries)).unwrap()
}

fn accounts(emulator: &Emulator) -> Accounts {
    Accounts {
        useapi: Some(UseApi::with_config(USEAPI_TOKEN, config(emulator, 2)).unwrap()),
        hourone: Some(HourOne::with_config(HOURONE_KEY, config(emulator, 2)).unwrap()),
        memories: Some(Memories::with_config(MEMORIES_KEY, config(emulator, 2)).unwrap()),
    }
}

fn media_requests(emulator: &Emulator) -> Vec<RecordedRequest> {
    emulator
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/media/"))
        .collect()
}

/// No request to the media host carries a provider credential, in any header.
fn assert_no_credential(requests: &[RecordedRequest]) {
    assert!(!requests.is_empty());
    for request in requests {
        assert_eq!(request.header("authorization"), None, "{request:?}");
        assert_eq!(request.header("api-key"), None, "{request:?}");
        for (name, value) in &request.headers {
            for secret in [USEAPI_TOKEN, HOURONE_KEY, MEMORIES_KEY] {
                assert!(!value.contains(secret), "{name}: {value}");
            }
        }
    }
}

#[test]
fn a_cut_multi_megabyte_download_resumes_with_range() {
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let whole = media_bytes("clip.mp4");
    assert!(whole.len() > 3_000_000);
    let half = whole.len() / 2 + 17;
    emulator.fail_next(1, cut(&emulator, "clip.mp4", whole.len(), &whole[..half]));
    let target = dir.path().join("clip.mp4");
    let url = format!("{}/media/clip.mp4", emulator.base_url());
    let mut reports: Vec<Progress> = Vec::new();
    let done = downloader(&emulator, 2)
        .fetch(&url, &target, |p| reports.push(p))
        .unwrap();

    assert_eq!(
        (done.bytes, done.resumed, done.restarted),
        (MEDIA_SIZE as u64, 1, 0)
    );
    assert_eq!(done.path, target);
    assert!(std::fs::read(&target).unwrap() == whole, "the bytes differ");
    assert_eq!(files(dir.path()), ["clip.mp4"], "no .part left");

    let sent = media_requests(&emulator);
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].header("range"), None);
    let range = format!("bytes={half}-");
    assert_eq!(sent[1].header("range"), Some(range.as_str()));
    let (etag, _) = emulator.media_validators("clip.mp4");
    assert_eq!(sent[1].header("if-range"), Some(etag.as_str()));
    assert_eq!(sent[1].header("accept-encoding"), Some("identity"));
    // Bounded memory: progress arrived in many small chunks, up to the end.
    assert!(reports.len() > 40, "{}", reports.len());
    assert!(
        reports
            .windows(2)
            .all(|w| w[0].downloaded <= w[1].downloaded)
    );
    assert_eq!(
        reports.last().copied(),
        Some(Progress {
            downloaded: MEDIA_SIZE as u64,
            total: Some(MEDIA_SIZE as u64)
        })
    );
}

#[test]
fn a_host_that_ignores_range_restarts_cleanly() {
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let whole = media_bytes("v.mp4");
    emulator.fail_next(1, cut(&emulator, "v.mp4", whole.len(), &whole[..1_000_000]));
    // The resume is answered 200 with the whole file.
    emulator.fail_next(
        1,
        Fault::Respond {
            status: 200,
            headers: vec![("Content-Type".into(), "video/mp4".into())],
            body: whole.clone(),
        },
    );
    let target = dir.path().join("v.mp4");
    let url = format!("{}/media/v.mp4", emulator.base_url());
    let done = downloader(&emulator, 2)
        .fetch(&url, &target, |_| {})
        .unwrap();
    // Not a resume (the 200 was the whole file): one restart.
    assert_eq!((done.resumed, done.restarted), (0, 1));
    assert!(std::fs::read(&target).unwrap() == whole, "the bytes differ");
    let sent = media_requests(&emulator);
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[1].header("range"), Some("bytes=1000000-"));
    assert_eq!(files(dir.path()), ["v.mp4"]);
}

#[test]
fn a_body_shorter_than_its_content_length_is_an_error_and_keeps_the_part() {
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let whole = media_bytes("short.mp4");
    // Every attempt (the first and two retries) stops at the same byte.
    emulator.fail_next(3, cut(&emulator, "short.mp4", whole.len(), &whole[..4096]));
    let target = dir.path().join("short.mp4");
    let url = format!("{}/media/short.mp4", emulator.base_url());
    let err = downloader(&emulator, 2)
        .fetch(&url, &target, |_| {})
        .unwrap_err();
    assert!(matches!(err, Error::Media { .. }), "{err}");
    assert!(err.to_string().contains("cut off"), "{err}");
    assert!(err.to_string().contains("kept 4096 of"), "{err}");
    assert_eq!(
        emulator.requests().len(),
        3,
        "first attempt and two retries"
    );
    // What arrived stays for a later run, with its record; nothing at PATH.
    assert_eq!(files(dir.path()), ["short.mp4.part", "short.mp4.part.json"]);
    assert!(std::fs::read(dir.path().join("short.mp4.part")).unwrap() == whole[..4096]);
}

#[test]
fn an_inconsistent_content_range_is_an_error() {
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let whole = media_bytes("r.mp4");
    emulator.fail_next(1, cut(&emulator, "r.mp4", whole.len(), &whole[..1000]));
    // The resume asks for the rest from byte 1000; this answers 100 bytes.
    emulator.fail_next(
        1,
        Fault::Respond {
            status: 206,
            headers: vec![(
                "Content-Range".into(),
                format!("bytes 1000-1099/{}", whole.len()),
            )],
            body: whole[1000..1100].to_vec(),
        },
    );
    let target = dir.path().join("r.mp4");
    let url = format!("{}/media/r.mp4", emulator.base_url());
    let err = downloader(&emulator, 2)
        .fetch(&url, &target, |_| {})
        .unwrap_err();
    assert!(matches!(err, Error::Media { status: 206, .. }), "{err}");
    assert!(err.to_string().contains("Content-Range"), "{err}");
    assert_eq!(
        emulator.requests().len(),
        2,
        "an inconsistent answer is not retried"
    );
    assert!(files(dir.path()).is_empty(), "{:?}", files(dir.path()));
}

#[test]
fn redirects_are_followed_to_another_loopback_port_but_not_to_plain_http() {
    let cdn = Emulator::start().unwrap();
    let other = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = format!("{}/media/elsewhere.mp4", other.base_url());
    cdn.fail_next(1, Fault::redirect(&elsewhere));
    let target = dir.path().join("a.mp4");
    let url = format!("{}/media/a.mp4", cdn.base_url());
    downloader(&cdn, 0).fetch(&url, &target, |_| {}).unwrap();
    assert!(std::fs::read(&target).unwrap() == media_bytes("elsewhere.mp4"));
    assert_eq!(cdn.requests().len(), 1);
    assert_eq!(other.requests()[0].path, "/media/elsewhere.mp4");
    assert_no_credential(&cdn.requests());
    assert_no_credential(&other.requests());

    // A relative Location on the same host.
    cdn.fail_next(1, Fault::redirect("/media/relative.mp4"));
    let relative = dir.path().join("b.mp4");
    downloader(&cdn, 0).fetch(&url, &relative, |_| {}).unwrap();
    assert!(std::fs::read(&relative).unwrap() == media_bytes("relative.mp4"));

    cdn.reset_records();
    cdn.fail_next(1, Fault::redirect("http://media.example.com/v.mp4"));
    let refused = dir.path().join("c.mp4");
    let err = downloader(&cdn, 0)
        .fetch(&url, &refused, |_| {})
        .unwrap_err();
    match &err {
        Error::Redirect { location, .. } => assert_eq!(location, "http://media.example.com/v.mp4"),
        other => panic!("{other}"),
    }
    assert_eq!(files(dir.path()), ["a.mp4", "b.mp4"]);
    assert_eq!(cdn.requests().len(), 1);

    let err = downloader(&cdn, 0)
        .fetch("http://media.example.com/v.mp4", &refused, |_| {})
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { .. }), "{err}");
}

#[test]
fn the_media_limit_is_separate_from_the_api_body_limit() {
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let url = format!("{}/media/big.mp4", emulator.base_url());
    // An API body limit far below the file does not apply to media.
    let small_api = config(&emulator, 0).max_body_bytes(1024);
    let target = dir.path().join("big.mp4");
    Downloader::new(Provider::MiniMax, &small_api)
        .unwrap()
        .fetch(&url, &target, |_| {})
        .unwrap();
    assert_eq!(std::fs::metadata(&target).unwrap().len(), MEDIA_SIZE as u64);

    let limited = downloader(&emulator, 0).with_options(Options {
        max_bytes: Some(1_000_000),
        ..Options::default()
    });
    let err = limited
        .fetch(&url, &dir.path().join("limited.mp4"), |_| {})
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::BodyTooLarge {
                limit: 1_000_000,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(emulator.requests().len(), 2, "one for each file");
    assert_eq!(files(dir.path()), ["big.mp4"]);
}

#[test]
fn an_existing_file_is_kept_unless_overwrite_is_asked_for() {
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("kept.mp4");
    std::fs::write(&target, b"mine").unwrap();
    let url = format!("{}/media/kept.mp4", emulator.base_url());
    let err = downloader(&emulator, 0)
        .fetch(&url, &target, |_| {})
        .unwrap_err();
    assert!(matches!(err, Error::FileExists { .. }), "{err}");
    assert_eq!(std::fs::read(&target).unwrap(), b"mine");
    assert!(emulator.requests().is_empty(), "nothing was fetched");

    let replace = downloader(&emulator, 0).with_options(Options {
        overwrite: true,
        ..Options::default()
    });
    replace.fetch(&url, &target, |_| {}).unwrap();
    assert!(std::fs::read(&target).unwrap() == media_bytes("kept.mp4"));
    assert_eq!(files(dir.path()), ["kept.mp4"]);

    // A failed replacement leaves the old file as it was.
    std::fs::write(&target, b"mine").unwrap();
    emulator.fail_next(1, Fault::html(500));
    emulator.reset_records();
    let err = replace.fetch(&url, &target, |_| {}).unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert_eq!(emulator.requests().len(), 1);
    assert_eq!(std::fs::read(&target).unwrap(), b"mine");
    assert_eq!(files(dir.path()), ["kept.mp4"]);
}

#[test]
fn accounts_download_the_providers_file_without_the_credential() {
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let accounts = accounts(&emulator);

    let done = accounts
        .download(
            Provider::MiniMax,
            MINIMAX_COMPLETED,
            Some(dir.path()),
            &Options::default(),
            |_| {},
        )
        .unwrap();
    // The folder gets the default name, from the video's id (MiniMax's own);
    // downloadURL was used.
    assert_eq!(done.path, dir.path().join("video_id__2.mp4"));
    assert!(
        done.url.ends_with("/media/minimax/video_id_%232.mp4"),
        "{}",
        done.url
    );
    assert!(std::fs::read(&done.path).unwrap() == media_bytes("minimax/video_id_#2.mp4"));

    let target = dir.path().join("pix.mp4");
    accounts
        .download(
            Provider::PixVerse,
            PIXVERSE_COMPLETED,
            Some(&target),
            &Options::default(),
            |_| {},
        )
        .unwrap();
    assert!(std::fs::read(&target).unwrap() == media_bytes("pixverse/1001.mp4"));

    // Hour One: create, wait until ready, download its download_url.
    let hour = accounts.hourone.as_ref().unwrap();
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
    let video = accounts
        .wait(
            Provider::HourOne,
            id,
            Duration::from_secs(5),
            Duration::from_millis(10),
            |_| {},
        )
        .unwrap();
    let done = accounts
        .download_video(&video, Some(dir.path()), &Options::default(), |_| {})
        .unwrap();
    assert_eq!(done.path, dir.path().join(format!("{id}.mp4")));
    assert!(std::fs::read(&done.path).unwrap() == media_bytes(&format!("hourone/{id}.mp4")));

    // The API calls carried the credentials; the media host saw none.
    let bearer = format!("Bearer {USEAPI_TOKEN}");
    let api: Vec<_> = emulator
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/v"))
        .collect();
    assert!(
        api.iter()
            .all(|r| r.header("authorization") == Some(bearer.as_str())
                || r.header("api-key") == Some(HOURONE_KEY))
    );
    assert_eq!(media_requests(&emulator).len(), 3);
    assert_no_credential(&media_requests(&emulator));
}

#[test]
fn videos_without_a_finished_file_are_errors_and_create_nothing() {
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let accounts = accounts(&emulator);
    let target = dir.path().join("none.mp4");
    let attempt = |provider, id: &str| {
        accounts
            .download(provider, id, Some(&target), &Options::default(), |_| {})
            .unwrap_err()
    };

    let processing = attempt(Provider::MiniMax, MINIMAX_PROCESSING);
    assert!(matches!(processing, Error::NoMedia { .. }), "{processing}");
    assert!(
        processing.to_string().contains("still processing"),
        "{processing}"
    );

    let generating = attempt(Provider::PixVerse, PIXVERSE_GENERATING);
    assert!(
        generating.to_string().contains("still processing"),
        "{generating}"
    );

    let memories = attempt(Provider::Memories, "VI606404158946574336");
    assert!(matches!(memories, Error::NoMedia { .. }), "{memories}");
    assert!(memories.to_string().contains("no media URL"), "{memories}");

    let unknown = attempt(Provider::MiniMax, "user:user_id-minimax:account-video:gone");
    assert!(matches!(unknown, Error::NoMedia { .. }), "{unknown}");

    // A failed video (status 3), as a later MiniMax server reports it.
    emulator.fail_next(
        1,
        Fault::json(
            200,
            r#"{"id":"f","videoId":"user:u-minimax:a-video:f","status":3,"videoURL":""}"#,
        ),
    );
    let failed = attempt(Provider::MiniMax, "user:u-minimax:a-video:f");
    assert!(failed.to_string().contains("failed"), "{failed}");

    assert!(files(dir.path()).is_empty());
    assert!(media_requests(&emulator).is_empty(), "nothing was fetched");
}

#[test]
fn cli_download_prints_where_the_file_went_and_refuses_to_overwrite() {
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let name = "user__userid_-pixverse_me_example.com-video_1001.mp4";

    let first = run(
        vidapi(&emulator).current_dir(dir.path()),
        &["download", "pixverse", PIXVERSE_COMPLETED],
    );
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(first.stdout.trim(), name);
    assert!(std::fs::read(dir.path().join(name)).unwrap() == media_bytes("pixverse/1001.mp4"));

    let again = run(
        vidapi(&emulator).current_dir(dir.path()),
        &["download", "pixverse", PIXVERSE_COMPLETED],
    );
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    assert!(again.stderr.contains("--force"), "{}", again.stderr);
    assert!(again.stdout.is_empty());

    std::fs::write(dir.path().join(name), b"old").unwrap();
    let forced = run(
        vidapi(&emulator).current_dir(dir.path()),
        &[
            "--json",
            "download",
            "pixverse",
            PIXVERSE_COMPLETED,
            "--force",
        ],
    );
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    let report: Value = serde_json::from_str(&forced.stdout).unwrap();
    assert_eq!(report["bytes"], MEDIA_SIZE as u64);
    assert_eq!(report["path"], name);
    assert_eq!(report["provider"], "pixverse");
    assert_eq!(
        std::fs::metadata(dir.path().join(name)).unwrap().len(),
        MEDIA_SIZE as u64
    );

    let out = dir.path().join("chosen.mp4");
    let chosen = run(
        &mut vidapi(&emulator),
        &[
            "download",
            "minimax",
            MINIMAX_COMPLETED,
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(chosen.code, 0, "{}", chosen.stderr);
    assert_eq!(chosen.stdout.trim(), out.to_str().unwrap());

    for (provider, id) in [
        ("memories", "VI606404158946574336"),
        ("minimax", MINIMAX_PROCESSING),
    ] {
        let none = run(
            vidapi(&emulator).current_dir(dir.path()),
            &["download", provider, id],
        );
        assert_eq!(none.code, 1, "{provider}: {}", none.stderr);
        assert!(
            none.stderr.contains("no file to download"),
            "{}",
            none.stderr
        );
    }
    assert_eq!(files(dir.path()), ["chosen.mp4", name]);
    assert_no_credential(&media_requests(&emulator));
}

#[test]
fn cli_wait_then_download() {
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("waited.mp4");
    let done = run(
        &mut vidapi(&emulator),
        &[
            "--json",
            "wait",
            "pixverse",
            PIXVERSE_COMPLETED,
            "--download",
            target.to_str().unwrap(),
        ],
    );
    assert_eq!(done.code, 0, "{}", done.stderr);
    let video: Value = serde_json::from_str(&done.stdout).unwrap();
    assert_eq!(video["video_id"], PIXVERSE_COMPLETED);
    assert_eq!(video["video_status"], 1);
    assert!(done.stderr.contains("waited.mp4"), "{}", done.stderr);
    assert!(std::fs::read(&target).unwrap() == media_bytes("pixverse/1001.mp4"));

    // `--download` without a path: the default name, in the current folder.
    let default = run(
        vidapi(&emulator).current_dir(dir.path()),
        &["wait", "minimax", MINIMAX_COMPLETED, "--download"],
    );
    assert_eq!(default.code, 0, "{}", default.stderr);
    assert!(dir.path().join("video_id__2.mp4").is_file());

    let exists = run(
        &mut vidapi(&emulator),
        &[
            "wait",
            "pixverse",
            PIXVERSE_COMPLETED,
            "--download",
            target.to_str().unwrap(),
        ],
    );
    assert_eq!(exists.code, 1);
    assert!(exists.stderr.contains("--force"), "{}", exists.stderr);

    let help = run(&mut vidapi(&emulator), &["download", "--help"]);
    for word in [
        "<PROVIDER>",
        "<VIDEO_ID>",
        "--output",
        "--force",
        "--max-bytes",
    ] {
        assert!(help.stdout.contains(word), "download --help lacks {word}");
    }
}

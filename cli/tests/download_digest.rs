//! A download's SHA-256 computed as its bytes are written
//! (`Options::sha256`), through every way a download can go: whole, cut
//! and resumed, restarted by a host that ignores `Range` or answers with
//! another file, resumed from an earlier run's partial file. Also the
//! partial file's one sidecar write (none before the answer: a download
//! killed then leaves an empty partial file that the next run takes over)
//! and `Options::drop_cache`.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use vidapi::download::{Downloader, Options};
use vidapi::emulator::{Emulator, Fault, MEDIA_SIZE, media_bytes};
use vidapi::{Config, Provider};

mod common;
use common::{cut, files, run, vidapi, vidapi_process};

const PIXVERSE_COMPLETED: &str = "user:<userid>-pixverse:me@example.com-video:1001";
const PIXVERSE_FILE: &str = "pixverse/1001.mp4";

fn config(emulator: &Emulator, retries: u32) -> Config {
    common::fast_retry_config(emulator, retries, Duration::from_secs(10))
}

fn hashing(emulator: &Emulator, retries: u32) -> Downloader {
    Downloader::new(Provider::PixVerse, &config(emulator, retries))
        .unwrap()
        .with_options(Options {
            sha256: true,
            ..Options::default()
        })
}

fn sha256(bytes: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, bytes)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn url(emulator: &Emulator, name: &str) -> String {
    format!("{}/media/{name}", emulator.base_url())
}

#[test]
fn the_digest_is_the_files_and_only_when_asked_for() {
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let whole = media_bytes("a.mp4");
    let done = hashing(&emulator, 0)
        .fetch(&url(&emulator, "a.mp4"), &dir.path().join("a.mp4"), |_| {})
        .unwrap();
    assert_eq!(done.sha256.as_deref(), Some(sha256(&whole).as_str()));
    assert_eq!(done.bytes, MEDIA_SIZE as u64);

    let plain = Downloader::new(Provider::PixVerse, &config(&emulator, 0))
        .unwrap()
        .fetch(&url(&emulator, "b.mp4"), &dir.path().join("b.mp4"), |_| {})
        .unwrap();
    assert_eq!(plain.sha256, None);
}

#[test]
fn a_cut_and_resumed_download_has_the_whole_files_digest() {
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let whole = media_bytes("c.mp4");
    emulator.fail_next(1, cut(&emulator, "c.mp4", whole.len(), &whole[..1_234_567]));
    let done = hashing(&emulator, 2)
        .fetch(&url(&emulator, "c.mp4"), &dir.path().join("c.mp4"), |_| {})
        .unwrap();
    assert_eq!((done.resumed, done.restarted), (1, 0));
    assert_eq!(done.sha256.as_deref(), Some(sha256(&whole).as_str()));
}

#[test]
fn a_restart_forgets_the_bytes_it_threw_away() {
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let whole = media_bytes("r.mp4");
    emulator.fail_next(1, cut(&emulator, "r.mp4", whole.len(), &whole[..1_000_000]));
    // The resume is answered 200 with the whole file: a restart from byte 0.
    emulator.fail_next(
        1,
        Fault::Respond {
            status: 200,
            headers: vec![("Content-Type".into(), "video/mp4".into())],
            body: whole.clone(),
        },
    );
    let done = hashing(&emulator, 2)
        .fetch(&url(&emulator, "r.mp4"), &dir.path().join("r.mp4"), |_| {})
        .unwrap();
    assert_eq!((done.resumed, done.restarted), (0, 1));
    assert_eq!(done.sha256.as_deref(), Some(sha256(&whole).as_str()));
}

#[test]
fn a_resume_answered_with_another_file_has_that_files_digest() {
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let name = "swap.mp4";
    let a = emulator.media_file(name);
    emulator.fail_next(1, cut(&emulator, name, a.len(), &a[..a.len() / 2]));
    // Then the host's file changes: the resume's If-Range no longer
    // matches, so the whole new file comes back.
    let target = dir.path().join(name);
    let first = Downloader::new(Provider::PixVerse, &config(&emulator, 0))
        .unwrap()
        .fetch(&url(&emulator, name), &target, |_| {});
    assert!(first.is_err(), "the cut ends a download with no retries");
    emulator.replace_media();
    let b = emulator.media_file(name);
    assert_ne!(a, b);
    let done = hashing(&emulator, 2)
        .fetch(&url(&emulator, name), &target, |_| {})
        .unwrap();
    assert_eq!(done.restarted, 1, "{done:?}");
    assert!(std::fs::read(&target).unwrap() == b);
    assert_eq!(done.sha256.as_deref(), Some(sha256(&b).as_str()));
}

#[test]
fn a_partial_file_from_an_earlier_run_is_read_back_once_into_the_digest() {
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let whole = media_bytes("p.mp4");
    let target = dir.path().join("p.mp4");
    emulator.fail_next(1, cut(&emulator, "p.mp4", whole.len(), &whole[..2_000_001]));
    // An earlier run, without hashing, ends on the cut and keeps its part.
    let first = Downloader::new(Provider::PixVerse, &config(&emulator, 0))
        .unwrap()
        .fetch(&url(&emulator, "p.mp4"), &target, |_| {});
    assert!(first.is_err());
    assert_eq!(files(dir.path()), ["p.mp4.part", "p.mp4.part.json"]);
    let done = hashing(&emulator, 0)
        .fetch(&url(&emulator, "p.mp4"), &target, |_| {})
        .unwrap();
    assert_eq!(done.resumed_from, 2_000_001);
    assert_eq!(done.sha256.as_deref(), Some(sha256(&whole).as_str()));
    assert_eq!(files(dir.path()), ["p.mp4"]);
}

#[test]
fn a_whole_partial_file_whose_run_died_before_the_rename_is_hashed_whole() {
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let whole = media_bytes("w.mp4");
    let target = dir.path().join("w.mp4");
    // A run killed after its last write but before its rename leaves the
    // whole file as its partial file: made here from a run cut one byte
    // short, then that byte appended.
    emulator.fail_next(
        1,
        cut(&emulator, "w.mp4", whole.len(), &whole[..whole.len() - 1]),
    );
    assert!(
        Downloader::new(Provider::PixVerse, &config(&emulator, 0))
            .unwrap()
            .fetch(&url(&emulator, "w.mp4"), &target, |_| {})
            .is_err()
    );
    let part = vidapi::download::part_path(&target);
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&part)
        .unwrap();
    std::io::Write::write_all(&mut file, &whole[whole.len() - 1..]).unwrap();
    drop(file);
    let done = hashing(&emulator, 0)
        .fetch(&url(&emulator, "w.mp4"), &target, |_| {})
        .unwrap();
    assert_eq!(done.sha256.as_deref(), Some(sha256(&whole).as_str()));
    assert!(std::fs::read(&target).unwrap() == whole);
}

/// How many of `path`'s pages are in the page cache, and how many it has.
#[cfg(target_os = "linux")]
fn resident(path: &Path) -> (usize, usize) {
    use std::os::fd::AsRawFd;
    let file = std::fs::File::open(path).unwrap();
    let len = file.metadata().unwrap().len() as usize;
    let page = 4096;
    let pages = len.div_ceil(page);
    let mut vec = vec![0u8; pages];
    // SAFETY: a read-only shared mapping of a file we hold open, unmapped
    // before it closes; mincore writes one byte per page into `vec`.
    unsafe {
        let map = libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_READ,
            libc::MAP_SHARED,
            file.as_raw_fd(),
            0,
        );
        assert_ne!(map, libc::MAP_FAILED);
        assert_eq!(libc::mincore(map, len, vec.as_mut_ptr()), 0);
        libc::munmap(map, len);
    }
    (vec.iter().filter(|b| **b & 1 == 1).count(), pages)
}

#[cfg(target_os = "linux")]
#[test]
fn drop_cache_leaves_the_file_whole_and_out_of_the_page_cache() {
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let kept = dir.path().join("kept.mp4");
    Downloader::new(Provider::PixVerse, &config(&emulator, 0))
        .unwrap()
        .fetch(&url(&emulator, "kept.mp4"), &kept, |_| {})
        .unwrap();
    let dropped = dir.path().join("dropped.mp4");
    let done = Downloader::new(Provider::PixVerse, &config(&emulator, 0))
        .unwrap()
        .with_options(Options {
            drop_cache: true,
            sha256: true,
            ..Options::default()
        })
        .fetch(&url(&emulator, "dropped.mp4"), &dropped, |_| {})
        .unwrap();
    let (dropped_in, dropped_pages) = resident(&dropped);
    let (kept_in, kept_pages) = resident(&kept);
    common::say(&format!(
        "in the page cache: {kept_in} of {kept_pages} pages without drop_cache, \
         {dropped_in} of {dropped_pages} with it"
    ));
    if kept_in * 2 < kept_pages {
        // A file system whose cache does not show (or is the file itself,
        // as tmpfs): nothing to compare against.
        common::say("this file system keeps no visible page cache: comparison skipped");
    } else {
        assert!(
            dropped_in * 10 < dropped_pages,
            "{dropped_in} of {dropped_pages} pages still cached"
        );
    }
    let whole = media_bytes("dropped.mp4");
    assert_eq!(done.sha256.as_deref(), Some(sha256(&whole).as_str()));
    assert!(std::fs::read(&dropped).unwrap() == whole);
}

#[cfg(unix)]
#[test]
fn a_download_killed_before_the_answer_leaves_an_empty_part_the_next_run_takes_over() {
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("early.mp4");
    // Long enough to look at the partial file and kill the process before
    // the media host answers.
    emulator.set_media_latency(Duration::from_secs(5));
    let mut child = vidapi_process(&emulator)
        .args(["download", "pixverse", PIXVERSE_COMPLETED, "-o"])
        .arg(&target)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let part = vidapi::download::part_path(&target);
    let mut waited = 0;
    while !part.exists() {
        assert!(waited < 2000, "no partial file appeared");
        std::thread::sleep(Duration::from_millis(10));
        waited += 1;
    }
    // Waiting on the answer: an empty partial file and no sidecar yet.
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(files(dir.path()), ["early.mp4.part"]);
    assert_eq!(std::fs::metadata(&part).unwrap().len(), 0);
    child.kill().unwrap();
    child.wait().unwrap();

    emulator.set_media_latency(Duration::ZERO);
    let again = run(
        &mut vidapi(&emulator),
        &[
            "download",
            "pixverse",
            PIXVERSE_COMPLETED,
            "-o",
            target.to_str().unwrap(),
        ],
    );
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(std::fs::read(&target).unwrap() == media_bytes(PIXVERSE_FILE));
    assert_eq!(files(dir.path()), ["early.mp4"]);
}

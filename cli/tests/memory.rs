//! Memory stays flat however many videos there are: `vidapi --json pixverse
//! videos --all` streams a 100,000-video account (2,500 pages) page by page,
//! so its peak resident memory stays far below 64 MiB (about 6 MiB when
//! this was written). A change that held every video, or every page, would
//! show here.
#![cfg(target_os = "linux")]

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use vidapi::emulator::Emulator;

/// How many videos the account has.
const VIDEOS: usize = 100_000;
/// The most the command may hold at once.
const LIMIT_BYTES: u64 = 64 * 1024 * 1024;
/// The number in the first emulated video's `video_id`.
const FIRST_ID: usize = 1000;

/// The high-water mark of a running process's resident memory, in bytes
/// (`VmHWM` of `/proc/<pid>/status`); `None` once it has exited.
fn peak_rss(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[test]
fn paging_100_000_pixverse_videos_stays_under_64_mib() {
    common::say(
        "memory.rs: paging 100,000 PixVerse videos (2,500 pages) through `vidapi --all`, watching its memory: about 20 s",
    );
    let emulator = Emulator::start().unwrap();
    emulator.set_pixverse_video_count(VIDEOS);
    let email = "memory@example.com";
    let mut child = common::vidapi_process(&emulator)
        .args(["--json", "pixverse", "videos", "--all", "--email", email])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();

    // The kernel keeps the high-water mark, so polling it misses only what
    // is first touched after the last poll, in the process's final moments.
    let done = Arc::new(AtomicBool::new(false));
    let peak = Arc::new(Mutex::new(0_u64));
    let watcher = {
        let (done, peak) = (done.clone(), peak.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::SeqCst) {
                match peak_rss(pid) {
                    Some(bytes) => {
                        let mut peak = peak.lock().unwrap();
                        *peak = (*peak).max(bytes);
                    }
                    None => break,
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };
    let stderr = {
        let mut stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        })
    };

    // Count the videos as they stream past rather than holding ~150 MB of
    // output: each `video_id` names the account and the video's number, and
    // they come in order. A JSON string holds no raw line break, so every
    // id is whole on one line, however the output is laid out.
    let marker = format!("\"video_id\":\"user:<userid>-pixverse:{email}-video:");
    let mut stdout = BufReader::with_capacity(1 << 16, child.stdout.take().unwrap());
    let mut line = Vec::new();
    let mut seen = 0_usize;
    loop {
        line.clear();
        if stdout.read_until(b'\n', &mut line).unwrap() == 0 {
            break;
        }
        let text = String::from_utf8_lossy(&line);
        for (at, _) in text.match_indices(&marker) {
            let rest = &text[at + marker.len()..];
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            assert_eq!(
                digits.parse::<usize>().ok(),
                Some(FIRST_ID + seen),
                "videos out of order or repeated after {seen} of them"
            );
            seen += 1;
        }
    }
    // The last poll before exit, then the exit.
    if let Some(bytes) = peak_rss(pid) {
        let mut peak = peak.lock().unwrap();
        *peak = (*peak).max(bytes);
    }
    let status = child.wait().unwrap();
    done.store(true, Ordering::SeqCst);
    watcher.join().unwrap();
    let stderr = stderr.join().unwrap();
    let peak = *peak.lock().unwrap();

    assert!(status.success(), "vidapi failed: {status}\n{stderr}");
    assert_eq!(seen, VIDEOS, "every video printed\n{stderr}");
    let pages = emulator
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/v2/pixverse/videos"))
        .count();
    assert_eq!(pages, VIDEOS.div_ceil(40), "one request per page of 40");
    assert!(peak > 0, "the process's memory was never seen");
    eprintln!(
        "peak RSS {:.1} MiB paging {VIDEOS} videos",
        peak as f64 / (1024.0 * 1024.0)
    );
    assert!(
        peak < LIMIT_BYTES,
        "peak RSS {peak} bytes paging {VIDEOS} videos, over {LIMIT_BYTES}"
    );
}

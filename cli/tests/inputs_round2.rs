//! Issue 24, items 9-11: a FIFO with no writer never blocks `drift` or a
//! `schema` command; the input limit holds for all the files of one
//! command together; proxy URLs no connection can use are usage errors
//! before any request.

#![cfg(unix)]

use std::path::Path;

use vidapi::emulator::Emulator;

mod common;
use common::{bare, run, vidapi};

fn fifo(path: &Path) {
    use rustix::fs::{CWD, FileType, Mode, mknodat};
    mknodat(CWD, path, FileType::Fifo, Mode::from_raw_mode(0o600), 0).unwrap();
}

#[test]
fn a_fifo_without_a_writer_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let pipe = dir.path().join("pipe.json");
    fifo(&pipe);
    let pipe = pipe.to_str().unwrap();
    // `run` kills a command after 60 s: before, each of these blocked.
    for args in [
        vec!["drift", "minimax", "VideoList", pipe],
        vec!["schema", "diff", pipe, pipe],
        vec!["schema", "infer", "--title", "T", pipe],
    ] {
        let out = run(&mut bare(), &args);
        eprintln!(
            "$ vidapi {}\nexit {}\n{}",
            args.join(" "),
            out.code,
            out.stderr
        );
        assert_eq!(out.code, 1, "{args:?}: {out:?}");
        assert!(
            out.stderr
                .contains("FIFO (named pipe) with nothing writing to it"),
            "{args:?}: {}",
            out.stderr
        );
    }
}

#[test]
fn the_input_limit_holds_for_all_files_together() {
    let dir = tempfile::tempdir().unwrap();
    let mut samples = Vec::new();
    for i in 0..3 {
        let path = dir.path().join(format!("s{i}.json"));
        let list: Vec<String> = (0..60)
            .map(|n| format!("{{\"id\":\"{i}-{n:04}\"}}"))
            .collect();
        std::fs::write(&path, format!("[{}]", list.join(","))).unwrap();
        assert!(std::fs::metadata(&path).unwrap().len() < 1200);
        samples.push(path.to_str().unwrap().to_owned());
    }
    let infer = |files: &[String]| {
        let mut args = vec!["schema", "infer", "--title", "T"];
        args.extend(files.iter().map(String::as_str));
        run(bare().env("VIDAPI_MAX_INPUT_BYTES", "2500"), &args)
    };
    // Each file, and two together, fit within 2500 bytes; three do not.
    assert_eq!(infer(&samples[..1]).code, 0);
    assert_eq!(infer(&samples[..2]).code, 0);
    let out = infer(&samples);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stderr.contains("s2.json: is ")
            && out
                .stderr
                .contains("over the input limit of 2500 bytes (shared with the files"),
        "{}",
        out.stderr
    );
}

#[test]
fn unusable_proxy_urls_are_usage_errors_before_any_request() {
    let emulator = Emulator::start().unwrap();
    for url in [
        "socks5://:0",
        "socks5://u:secret@:1080",
        "http://proxy.lan:65536",
        "http://proxy.lan:-1",
        "http://u:secret@proxy.lan:0",
    ] {
        let out = run(
            vidapi(&emulator).env("VIDAPI_PROXY", url),
            &["minimax", "videos"],
        );
        assert_eq!(out.code, 2, "{url}: {out:?}");
        assert!(
            out.stderr.contains("invalid proxy"),
            "{url}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains("secret"), "{url}: {}", out.stderr);
    }
    assert!(emulator.requests().is_empty(), "no request was sent");
}

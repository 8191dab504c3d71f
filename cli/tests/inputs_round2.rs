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

// ---- 8. `schema update` never loses an edit ----

fn root(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(name)
}

/// The MiniMax videos sample with a new field `field` in every video.
fn sample_with(dir: &Path, field: &str) -> String {
    let mut list: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root("tests/fixtures/minimax/videos.json")).unwrap())
            .unwrap();
    for video in list.as_array_mut().unwrap() {
        video
            .as_object_mut()
            .unwrap()
            .insert(field.to_owned(), serde_json::json!("x"));
    }
    let path = dir.join(format!("{field}.json"));
    std::fs::write(&path, list.to_string()).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn two_updates_at_once_never_lose_a_change() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (
        sample_with(dir.path(), "field_a"),
        sample_with(dir.path(), "field_b"),
    );
    let mut refusals = 0;
    for round in 0..6 {
        let schema = dir.path().join(format!("videos{round}.json"));
        std::fs::copy(
            root("tests/schema-cases/standalone/minimax-videos.json"),
            &schema,
        )
        .unwrap();
        let schema = schema.to_str().unwrap().to_owned();
        let runs: Vec<(String, common::Run)> = std::thread::scope(|scope| {
            let handles: Vec<_> = [&a, &b]
                .into_iter()
                .map(|sample| {
                    let schema = schema.clone();
                    scope.spawn(move || {
                        let out = run(&mut bare(), &["schema", "update", &schema, sample]);
                        (sample.clone(), out)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let text = std::fs::read_to_string(&schema).unwrap();
        for (sample, out) in &runs {
            let field = if sample == &a { "field_a" } else { "field_b" };
            match out.code {
                0 => assert!(text.contains(field), "{field} written then lost: {out:?}"),
                1 => {
                    assert!(out.stderr.contains("changed since it was read"), "{out:?}");
                    refusals += 1;
                }
                _ => panic!("{out:?}"),
            }
        }
        assert!(runs.iter().any(|(_, out)| out.code == 0));
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
    eprintln!("{refusals} of 12 updates found the file changed and wrote nothing");
}

#[test]
fn an_update_keeps_extended_attributes_and_clears_its_stale_temporaries() {
    let dir = tempfile::tempdir().unwrap();
    let schema = dir.path().join("videos.json");
    std::fs::copy(
        root("tests/schema-cases/standalone/minimax-videos.json"),
        &schema,
    )
    .unwrap();
    // What a run killed before its rename leaves behind.
    let stale = dir.path().join(".videos.json.00000000deadbeef.tmp");
    std::fs::write(&stale, "half a schema").unwrap();
    let xattrs = rustix::fs::setxattr(
        &schema,
        "user.vidapi.note",
        b"kept",
        rustix::fs::XattrFlags::empty(),
    )
    .is_ok();
    if !xattrs {
        eprintln!(
            "the file system refuses user extended attributes: only the temporaries are checked"
        );
    }
    let sample = sample_with(dir.path(), "field_c");
    let out = run(
        &mut bare(),
        &["schema", "update", schema.to_str().unwrap(), &sample],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        std::fs::read_to_string(&schema)
            .unwrap()
            .contains("field_c")
    );
    assert!(!stale.exists(), "the stale temporary is gone");
    if xattrs {
        let mut value = [0u8; 8];
        let len = rustix::fs::getxattr(&schema, "user.vidapi.note", &mut value[..]).unwrap();
        assert_eq!(&value[..len], b"kept");
    }
}

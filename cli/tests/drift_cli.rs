//! `vidapi drift` and the global `--drift` flag, through the binary: exit
//! codes, the finding lines, `--json`, usage errors, unreadable files, and
//! the stderr report of a command run against the emulator.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use vidapi::emulator::{Emulator, Fault};

mod common;
use common::{Run, bare, run, vidapi};

/// The eight fields of a finding in `--json` output.
const FIELDS: [&str; 9] = [
    "provider", "schema", "path", "kind", "seen", "expected", "example", "count", "file",
];

/// A bare list of MiniMax videos with two kinds of drift: an undeclared
/// `camera` on both items and an integer `id` on the second.
const DRIFTED_LIST: &str =
    r#"[{"id": "1", "status": 2, "camera": "a"}, {"id": 2, "status": 2, "camera": "b"}]"#;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(name)
}

fn fixture_arg(name: &str) -> String {
    fixture(name).to_string_lossy().into_owned()
}

/// `vidapi [--json] drift <provider> <type> <files>…`.
fn drift(json: bool, provider: &str, type_name: &str, files: &[String]) -> Run {
    let mut args: Vec<String> = Vec::new();
    if json {
        args.push("--json".into());
    }
    args.extend(["drift".into(), provider.into(), type_name.into()]);
    args.extend(files.iter().cloned());
    run(&mut bare(), &args)
}

fn lines(text: &str) -> Vec<&str> {
    text.lines().filter(|l| !l.trim().is_empty()).collect()
}

fn parse_array(run: &Run) -> Vec<Value> {
    let value: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", run.stdout));
    value
        .as_array()
        .unwrap_or_else(|| panic!("stdout is not a JSON array: {}", run.stdout))
        .clone()
}

/// (path, kind, seen) → count, from `--json` output.
fn counts(findings: &[Value]) -> BTreeMap<(String, String, String), u64> {
    let mut out = BTreeMap::new();
    for f in findings {
        let key = (
            f["path"].as_str().unwrap().to_owned(),
            f["kind"].as_str().unwrap().to_owned(),
            f["seen"].as_str().unwrap().to_owned(),
        );
        assert!(out.insert(key, f["count"].as_u64().unwrap()).is_none());
    }
    out
}

#[test]
fn documented_sample_shows_no_drift() {
    let clean = drift(
        false,
        "minimax",
        "VideoList",
        &[fixture_arg("minimax/videos.json")],
    );
    assert_eq!(clean.code, 0, "{clean:?}");
    assert_eq!(clean.stdout, "", "{clean:?}");
    assert!(!clean.stderr.contains("error"), "{clean:?}");

    let as_json = drift(
        true,
        "minimax",
        "VideoList",
        &[fixture_arg("minimax/videos.json")],
    );
    assert_eq!(as_json.code, 0, "{as_json:?}");
    assert_eq!(parse_array(&as_json), Vec::<Value>::new());

    // A bare array of Hour One videos, named `Video[]`.
    let list = drift(
        false,
        "hourone",
        "Video[]",
        &[fixture_arg("hourone/videos.json")],
    );
    assert_eq!(list.code, 0, "{list:?}");
    assert_eq!(list.stdout, "");
}

#[test]
fn later_minimax_fields_are_reported_with_exit_4() {
    let found = drift(
        false,
        "minimax",
        "VideoList",
        &[fixture_arg("drift/minimax-videos-later.json")],
    );
    assert_eq!(found.code, 4, "{found:?}");
    let printed = lines(&found.stdout);
    assert_eq!(printed.len(), 2, "{}", found.stdout);
    assert!(
        printed[0].starts_with(
            "minimax VideoList [].canAppeal: unknown-field: undeclared field sent as boolean; 2 times, e.g. "
        ),
        "{}",
        printed[0]
    );
    assert!(
        printed[1].starts_with(
            "minimax VideoList [].originFiles: unknown-field: undeclared field sent as array; 2 times, e.g. "
        ),
        "{}",
        printed[1]
    );
    // Nothing but the findings on stdout; exit 4 needs no error message.
    assert!(!found.stderr.contains("error"), "{}", found.stderr);

    // Each line is what the library's `Finding` displays.
    let bytes = std::fs::read(fixture("drift/minimax-videos-later.json")).unwrap();
    let library: Vec<String> = vidapi::registry::check("minimax", "VideoList", &bytes)
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    let mut sorted = library.clone();
    sorted.sort();
    let mut printed: Vec<String> = printed.iter().map(|l| l.to_string()).collect();
    printed.sort();
    assert_eq!(printed, sorted);
}

#[test]
fn several_files_add_their_counts_up() {
    let later = fixture_arg("drift/minimax-videos-later.json");
    let twice = drift(
        true,
        "minimax",
        "VideoList",
        &[later.clone(), later.clone()],
    );
    assert_eq!(twice.code, 4, "{twice:?}");
    let twice = counts(&parse_array(&twice));
    assert_eq!(
        twice.keys().map(|k| k.0.as_str()).collect::<Vec<_>>(),
        ["[].canAppeal", "[].originFiles"]
    );
    assert!(twice.values().all(|c| *c == 4), "{twice:?}");

    // Three different files: each file's findings are its own, named by
    // the file, with the counts that file alone gives (this changed with
    // issue 18: they used to be summed into one unnamed finding).
    let names = [
        "drift/minimax-videos-later.json",
        "minimax/videos-drift.json",
        "drift/minimax-videos-new-status.json",
        "minimax/videos.json",
    ];
    let mut expected: BTreeMap<(String, String, String, String), u64> = BTreeMap::new();
    for name in names {
        let one = drift(true, "minimax", "VideoList", &[fixture_arg(name)]);
        assert!(one.code == 0 || one.code == 4, "{name}: {one:?}");
        for (key, count) in counts(&parse_array(&one)) {
            expected.insert((fixture_arg(name), key.0, key.1, key.2), count);
        }
    }
    let files: Vec<String> = names.iter().map(|n| fixture_arg(n)).collect();
    let all = drift(true, "minimax", "VideoList", &files);
    assert_eq!(all.code, 4, "{all:?}");
    let listed = parse_array(&all);
    let mut by_file: BTreeMap<(String, String, String, String), u64> = BTreeMap::new();
    for f in &listed {
        let key = (
            f["file"].as_str().unwrap().to_owned(),
            f["path"].as_str().unwrap().to_owned(),
            f["kind"].as_str().unwrap().to_owned(),
            f["seen"].as_str().unwrap().to_owned(),
        );
        assert!(by_file.insert(key, f["count"].as_u64().unwrap()).is_none());
    }
    assert_eq!(by_file, expected);
    let can_appeal: Vec<_> = by_file
        .iter()
        .filter(|(k, _)| k.1 == "[].canAppeal")
        .map(|(k, c)| (k.0.rsplit('/').next().unwrap().to_owned(), *c))
        .collect();
    assert_eq!(
        can_appeal,
        [
            ("minimax-videos-later.json".to_owned(), 2),
            ("videos-drift.json".to_owned(), 1)
        ]
    );

    // The plain output says the same, one line per finding, each starting
    // with its file.
    let plain = drift(false, "minimax", "VideoList", &files);
    assert_eq!(plain.code, 4);
    let printed = lines(&plain.stdout);
    assert_eq!(printed.len(), listed.len(), "{}", plain.stdout);
    assert!(
        printed
            .iter()
            .all(|l| files.iter().any(|f| l.starts_with(&format!("{f}: "))))
    );
    let later = &files[0];
    assert!(
        printed.contains(&format!(
            "{later}: minimax VideoList [].canAppeal: unknown-field: undeclared field sent as boolean; 2 times, e.g. false"
        ).as_str()),
        "{}",
        plain.stdout
    );
}

/// `drift` refuses a payload whose root is another shape than the type's,
/// with exit 1 and "not a TYPE", instead of listing every key as drift.
#[test]
fn a_payload_of_another_shape_is_not_the_type() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "video.json",
            r#"{"video_id":"v","prompt":"a","video_status":1}"#,
        ),
        ("empty-list.json", "[]"),
        ("oops.json", r#"{"data":"oops"}"#),
    ];
    for (name, text) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let path = path.to_string_lossy().into_owned();
        let out = drift(false, "pixverse", "VideoPage", std::slice::from_ref(&path));
        assert_eq!(out.code, 1, "{name}: {out:?}");
        assert!(out.stdout.trim().is_empty(), "{name}: {}", out.stdout);
        assert!(
            out.stderr.contains(&format!("{path}: not a VideoPage: ")),
            "{name}: {}",
            out.stderr
        );
        // The video is a Video, with no drift.
        if name == "video.json" {
            let as_video = drift(false, "pixverse", "Video", &[path]);
            assert_eq!(as_video.code, 0, "{as_video:?}");
        }
    }
}

#[test]
fn json_output_is_an_array_of_complete_findings() {
    let cases = [
        ("minimax", "VideoList", "drift/minimax-videos-later.json"),
        ("minimax", "VideoList", "minimax/videos-drift.json"),
        (
            "memories",
            "ListVideosResponse",
            "drift/memories-list-videos-new-status.json",
        ),
        ("hourone", "Video", "hourone/video-drift.json"),
        ("useapi", "ErrorBody", "useapi/error-drift.json"),
    ];
    for (provider, type_name, name) in cases {
        let out = drift(true, provider, type_name, &[fixture_arg(name)]);
        assert_eq!(out.code, 4, "{name}: {out:?}");
        let findings = parse_array(&out);
        assert!(!findings.is_empty(), "{name}");
        let plain = drift(false, provider, type_name, &[fixture_arg(name)]);
        assert_eq!(plain.code, 4);
        assert_eq!(lines(&plain.stdout).len(), findings.len(), "{name}");
        for f in &findings {
            let object = f.as_object().unwrap_or_else(|| panic!("{name}: {f}"));
            let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
            keys.sort();
            let mut fields = FIELDS.to_vec();
            fields.sort();
            assert_eq!(keys, fields, "{name}: {f}");
            for field in FIELDS {
                if field == "count" {
                    assert!(f[field].as_u64().is_some_and(|c| c >= 1), "{name}: {f}");
                } else {
                    assert!(f[field].is_string(), "{name}: {field} in {f}");
                }
            }
            assert_eq!(f["provider"], provider, "{name}");
            assert_eq!(f["file"], fixture_arg(name), "{name}");
            assert_eq!(f["schema"], type_name, "{name}");
            let kind = f["kind"].as_str().unwrap();
            assert!(
                ["unknown-field", "type-mismatch", "unknown-value"].contains(&kind),
                "{name}: {kind}"
            );
            if kind == "unknown-field" {
                assert_eq!(f["expected"], "", "{name}: {f}");
            } else {
                assert_ne!(f["expected"], "", "{name}: {f}");
            }
            // Every finding appears in the plain output too.
            let place = match f["path"].as_str().unwrap() {
                "" => "(root)",
                p => p,
            };
            let head = format!("{provider} {type_name} {place}: {kind}: ");
            assert!(
                plain.stdout.lines().any(|l| l.starts_with(&head)),
                "{name}: no line starts with {head:?}:\n{}",
                plain.stdout
            );
        }
    }
    // The FACTS example, field by field.
    let later = drift(
        true,
        "minimax",
        "VideoList",
        &[fixture_arg("drift/minimax-videos-later.json")],
    );
    let findings = parse_array(&later);
    assert_eq!(findings[0]["path"], "[].canAppeal");
    assert_eq!(findings[0]["kind"], "unknown-field");
    assert_eq!(findings[0]["seen"], "boolean");
    assert_eq!(findings[0]["example"], "false");
    assert_eq!(findings[0]["count"], 2);
    assert_eq!(findings[1]["path"], "[].originFiles");
    assert_eq!(findings[1]["seen"], "array");
}

#[test]
fn unknown_provider_or_type_is_usage_and_lists_the_valid_names() {
    let videos = fixture_arg("minimax/videos.json");
    let provider = drift(false, "nope", "VideoList", std::slice::from_ref(&videos));
    assert_eq!(provider.code, 2, "{provider:?}");
    assert_eq!(provider.stdout, "");
    assert!(provider.stderr.contains("nope"), "{}", provider.stderr);
    for known in ["hourone", "memories", "minimax", "pixverse", "useapi"] {
        assert!(
            provider.stderr.contains(known),
            "{known}: {}",
            provider.stderr
        );
    }

    let type_name = drift(false, "minimax", "Nope", std::slice::from_ref(&videos));
    assert_eq!(type_name.code, 2, "{type_name:?}");
    assert_eq!(type_name.stdout, "");
    assert!(type_name.stderr.contains("Nope"), "{}", type_name.stderr);
    for known in ["VideoList", "FileList", "VideosQuery", "FilesQuery"] {
        assert!(
            type_name.stderr.contains(known),
            "{known}: {}",
            type_name.stderr
        );
    }
    // Another provider's type is not one of minimax's.
    let other = drift(false, "minimax", "VideoPage", std::slice::from_ref(&videos));
    assert_eq!(other.code, 2, "{other:?}");
    assert!(other.stderr.contains("VideoList"), "{}", other.stderr);

    // Also with --json, and when a file is unreadable too: usage wins.
    let json = drift(true, "nope", "VideoList", &[videos, "missing.json".into()]);
    assert_eq!(json.code, 2, "{json:?}");
    assert_eq!(json.stdout, "");
}

#[test]
fn unreadable_files_exit_1_and_the_others_are_still_reported() {
    let dir = tempfile::tempdir().unwrap();
    let not_json = dir.path().join("not-json.json");
    std::fs::write(&not_json, "<html>502 Bad Gateway</html>").unwrap();
    let missing = dir.path().join("missing.json");
    let not_json = not_json.to_string_lossy().into_owned();
    let missing = missing.to_string_lossy().into_owned();
    let later = fixture_arg("drift/minimax-videos-later.json");

    let alone = drift(
        false,
        "minimax",
        "VideoList",
        std::slice::from_ref(&not_json),
    );
    assert_eq!(alone.code, 1, "{alone:?}");
    assert!(alone.stderr.contains(&not_json), "{}", alone.stderr);

    let gone = drift(
        false,
        "minimax",
        "VideoList",
        std::slice::from_ref(&missing),
    );
    assert_eq!(gone.code, 1, "{gone:?}");
    assert!(gone.stderr.contains(&missing), "{}", gone.stderr);

    let mixed = drift(
        false,
        "minimax",
        "VideoList",
        &[not_json.clone(), later.clone(), missing.clone()],
    );
    assert_eq!(mixed.code, 1, "{mixed:?}");
    assert!(mixed.stderr.contains(&not_json), "{}", mixed.stderr);
    assert!(mixed.stderr.contains(&missing), "{}", mixed.stderr);
    assert!(!mixed.stderr.contains(&later), "{}", mixed.stderr);
    let printed = lines(&mixed.stdout);
    assert_eq!(printed.len(), 2, "{}", mixed.stdout);
    // Several files: each line names its file.
    assert!(printed[0].starts_with(&format!(
        "{later}: minimax VideoList [].canAppeal: unknown-field"
    )));
    assert!(printed[1].starts_with(&format!(
        "{later}: minimax VideoList [].originFiles: unknown-field"
    )));

    // With --json the findings of the readable file are still a JSON array.
    let json = drift(true, "minimax", "VideoList", &[later.clone(), not_json]);
    assert_eq!(json.code, 1, "{json:?}");
    let findings = parse_array(&json);
    assert_eq!(findings.len(), 2);

    // JSON of the wrong shape cannot be decoded at all: exit 1 too.
    let wrong = dir.path().join("wrong-shape.json");
    std::fs::write(&wrong, r#"{"videos": []}"#).unwrap();
    let wrong = wrong.to_string_lossy().into_owned();
    let shape = drift(false, "minimax", "VideoList", &[wrong.clone(), later]);
    assert_eq!(shape.code, 1, "{shape:?}");
    assert!(shape.stderr.contains(&wrong), "{}", shape.stderr);
    assert_eq!(lines(&shape.stdout).len(), 2, "{}", shape.stdout);
}

/// Runs `args` against the emulator twice, the emulator answering the
/// first request each time with `fault` (when given): without and with
/// `--drift`.
fn with_and_without_drift(args: &[&str], fault: Option<Fault>) -> (Run, Run) {
    let emulator = Emulator::start().unwrap();
    if let Some(fault) = &fault {
        emulator.fail_next(1, fault.clone());
    }
    let plain = run(&mut vidapi(&emulator), args);
    if let Some(fault) = fault {
        emulator.fail_next(1, fault);
    }
    let mut flagged: Vec<&str> = vec!["--drift"];
    flagged.extend(args);
    let reported = run(&mut vidapi(&emulator), &flagged);
    (plain, reported)
}

fn drift_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.starts_with("drift: "))
        .collect()
}

#[test]
fn drift_flag_reports_on_stderr_and_changes_nothing_else() {
    // The same body saved to a file, for `vidapi drift` to check.
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("drifted.json");
    std::fs::write(&saved, DRIFTED_LIST).unwrap();
    let checked = drift(
        false,
        "minimax",
        "VideoList",
        &[saved.to_string_lossy().into_owned()],
    );
    assert_eq!(checked.code, 4, "{checked:?}");
    let expected: Vec<String> = lines(&checked.stdout)
        .iter()
        .map(|l| format!("drift: {l}"))
        .collect();
    assert_eq!(expected.len(), 2, "{}", checked.stdout);

    for args in [&["minimax", "videos"][..], &["--json", "minimax", "videos"]] {
        let (plain, reported) = with_and_without_drift(args, Some(Fault::json(200, DRIFTED_LIST)));
        assert_eq!(plain.code, 0, "{args:?}: {plain:?}");
        assert_eq!(reported.code, plain.code, "{args:?}: {reported:?}");
        assert_eq!(reported.stdout, plain.stdout, "{args:?}");
        assert!(drift_lines(&plain.stderr).is_empty(), "{}", plain.stderr);
        let found = drift_lines(&reported.stderr);
        assert_eq!(found, expected, "{args:?}: {}", reported.stderr);
        assert!(found[0].starts_with(
            "drift: minimax VideoList [].camera: unknown-field: undeclared field sent as string; 2 times"
        ));
        assert!(found[1].starts_with(
            "drift: minimax VideoList [].id: type-mismatch: integer where string is declared; 1 time, e.g. 2"
        ));
        // Besides the drift lines, stderr is what it was.
        let rest: Vec<&str> = reported
            .stderr
            .lines()
            .filter(|l| !l.starts_with("drift: "))
            .collect();
        assert_eq!(rest, plain.stderr.lines().collect::<Vec<_>>(), "{args:?}");
    }
}

#[test]
fn drift_flag_with_no_drift_prints_nothing_extra() {
    for args in [
        &["minimax", "videos"][..],
        &["--json", "minimax", "videos"],
        &["--json", "pixverse", "videos", "--limit", "5"],
        &["--json", "memories", "videos"],
        &["--json", "hourone", "videos"],
        &["--json", "hourone", "metadata", "vid_01HXYZ"],
        &["--json", "pixverse", "videos", "--all", "--limit", "20"],
        &["--json", "memories", "videos", "--all"],
        &["list"],
    ] {
        let (plain, reported) = with_and_without_drift(args, None);
        assert_eq!(plain.code, 0, "{args:?}: {plain:?}");
        assert_eq!(reported.code, plain.code, "{args:?}");
        assert_eq!(reported.stdout, plain.stdout, "{args:?}");
        assert_eq!(reported.stderr, plain.stderr, "{args:?}");
        assert!(drift_lines(&reported.stderr).is_empty(), "{args:?}");
    }
}

#[test]
fn drift_flag_keeps_a_failing_commands_exit_code() {
    // A body that is JSON but no list of videos: the command fails (exit 1)
    // with or without --drift.
    let body = r#"{"videos": "none"}"#;
    let (plain, reported) =
        with_and_without_drift(&["minimax", "videos"], Some(Fault::json(200, body)));
    assert_eq!(plain.code, 1, "{plain:?}");
    assert_eq!(reported.code, plain.code, "{reported:?}");
    assert_eq!(reported.stdout, plain.stdout);
    let rest: Vec<&str> = reported
        .stderr
        .lines()
        .filter(|l| !l.starts_with("drift: "))
        .collect();
    assert_eq!(rest, plain.stderr.lines().collect::<Vec<_>>());
}

#[test]
fn drift_flag_collects_findings_across_pages() {
    // The first page drifts (and leads on to the emulator's own pages).
    let page = r#"{"data": [{"video_id": 1, "camera": "x"}], "next_offset": 1, "total": "55"}"#;
    let args = ["--json", "pixverse", "videos", "--all", "--limit", "20"];
    let (plain, reported) = with_and_without_drift(&args, Some(Fault::json(200, page)));
    assert_eq!(plain.code, 0, "{plain:?}");
    assert_eq!(reported.code, plain.code, "{reported:?}");
    assert_eq!(reported.stdout, plain.stdout);
    let found = drift_lines(&reported.stderr);
    let heads: Vec<&str> = found.iter().map(|l| l.split(';').next().unwrap()).collect();
    assert_eq!(
        heads,
        [
            "drift: pixverse VideoPage data[].camera: unknown-field: undeclared field sent as string",
            "drift: pixverse VideoPage data[].video_id: type-mismatch: integer where string is declared",
            "drift: pixverse VideoPage total: type-mismatch: string where integer is declared",
        ],
        "{}",
        reported.stderr
    );
}

/// Runs the bare binary with `input` on standard input.
fn with_stdin(args: &[&str], input: &[u8]) -> (i32, String, String) {
    let out = bare()
        .args(args)
        .write_stdin(input.to_vec())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `-` is standard input for `drift` and the `schema` commands, as for every
/// command that reads a file; `schema update` refuses it as the schema file
/// (it writes that file back) and takes it as a sample.
#[test]
fn a_dash_is_standard_input() {
    let later = std::fs::read(fixture("drift/minimax-videos-later.json")).unwrap();
    let (code, stdout, _) = with_stdin(&["drift", "minimax", "VideoList", "-"], &later);
    assert_eq!(code, 4);
    assert!(stdout.contains("[].originFiles: unknown-field"), "{stdout}");

    let (code, stdout, stderr) =
        with_stdin(&["schema", "infer", "-", "--title", "T"], br#"{"a": 1}"#);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("\"title\": \"T\""), "{stdout}");

    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/minimax/video.json");
    let text = std::fs::read(&schema).unwrap();
    let schema_arg = schema.to_string_lossy().into_owned();
    let (code, stdout, stderr) = with_stdin(&["schema", "diff", "-", &schema_arg], &text);
    assert_eq!((code, stdout.as_str()), (0, ""), "{stderr}");
    let (code, _, stderr) = with_stdin(
        &["schema", "update", "--check", &schema_arg, "-"],
        br#"{"id": "1", "brandNewFieldZq": 1}"#,
    );
    assert_eq!(code, 4, "{stderr}");
    let (code, _, stderr) = with_stdin(&["schema", "update", "-", &schema_arg], b"{}");
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("cannot be `-`"), "{stderr}");
}

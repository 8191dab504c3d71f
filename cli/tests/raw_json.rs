//! `--json` prints what the provider sent, and `--save-bodies` keeps it:
//! both go back into `vidapi drift` with nothing to report.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use serde_json::Value;
use serde_json::value::RawValue;
use vidapi::emulator::Emulator;

mod common;
use common::{Run, run, vidapi};

const PIXVERSE_COMPLETED: &str = "user:<userid>-pixverse:me@example.com-video:1001";
const MINIMAX_COMPLETED: &str = "user:user_id-minimax:account-video:video_id_#2";

fn ok(run: &Run) -> &str {
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    &run.stdout
}

fn json(run: &Run) -> Value {
    serde_json::from_str(ok(run)).unwrap_or_else(|e| panic!("not JSON ({e}): {}", run.stdout))
}

/// Runs the command with `--save-bodies dir` added.
fn saving(emulator: &Emulator, dir: &Path, args: &[&str]) -> Run {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--save-bodies", dir.to_str().unwrap()]);
    run(&mut vidapi(emulator), &all)
}

/// The files in `dir` whose names start with `prefix`, sorted.
fn files(dir: &Path, prefix: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(prefix))
        })
        .collect();
    found.sort();
    found
}

/// `vidapi drift provider type files…`.
fn drift(emulator: &Emulator, provider: &str, type_name: &str, files: &[PathBuf]) -> Run {
    let mut args = vec![
        "drift".to_owned(),
        provider.to_owned(),
        type_name.to_owned(),
    ];
    args.extend(files.iter().map(|f| f.display().to_string()));
    run(&mut vidapi(emulator), &args)
}

#[test]
fn memories_json_is_the_whole_envelope_byte_for_byte() {
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let page = saving(
        &emulator,
        dir.path(),
        &["--json", "memories", "videos", "--size", "3"],
    );
    let saved = files(dir.path(), "memories-ListVideosResponse-");
    assert_eq!(saved.len(), 1, "{saved:?}");
    let body = std::fs::read_to_string(&saved[0]).unwrap();
    assert_eq!(ok(&page), format!("{body}\n"), "stdout is the body as sent");
    let value = json(&page);
    assert_eq!(value["code"], "0000", "the envelope is kept");
    assert_eq!(value["msg"], "success");
    assert_eq!(value["success"], true);
    // "12" stays "12" (it was decoded to 12.0 before).
    assert_eq!(value["data"]["videos"][0]["duration"], "12");
    assert!(
        page.stdout.contains(r#""duration":"12""#),
        "{}",
        page.stdout
    );
    assert_eq!(value["data"]["total_count"], "45");
    // Key order as sent.
    let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
    let order: Vec<usize> = keys
        .iter()
        .map(|k| page.stdout.find(&format!("\"{k}\":")).unwrap())
        .collect();
    assert!(order.is_sorted(), "{order:?}");
    assert!(
        page.stdout.starts_with(r#"{"code":"0000""#),
        "{}",
        page.stdout
    );
}

#[test]
fn v1_numbers_stay_numbers_and_original_strings_stay_strings() {
    let emulator = Emulator::start().unwrap();
    let v1 = json(&run(
        &mut vidapi(&emulator),
        &["--json", "memories", "videos", "--api", "v1", "--size", "2"],
    ));
    let first = &v1["data"]["videos"][0];
    assert!(first["create_time"].is_u64(), "{first}");
    assert_eq!(first["create_time"], 1_754_037_217_992_u64);
    assert!(first["duration"].is_u64(), "{first}");
    let all = json(&run(
        &mut vidapi(&emulator),
        &["--json", "memories", "videos", "--api", "v1", "--all"],
    ));
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 45);
    assert!(all.iter().all(|v| v["create_time"].is_u64()), "{all:?}");
    let original = json(&run(
        &mut vidapi(&emulator),
        &["--json", "memories", "videos", "--all", "--size", "9"],
    ));
    let original = original.as_array().unwrap();
    assert_eq!(original.len(), 45);
    assert_eq!(original[0]["duration"], "12");
    assert!(original.iter().all(|v| v["create_time"].is_string()));
}

#[test]
fn pixverse_duration_five_stays_five() {
    let emulator = Emulator::start().unwrap();
    let page = run(
        &mut vidapi(&emulator),
        &["--json", "pixverse", "videos", "--limit", "2"],
    );
    let value = json(&page);
    assert!(value["data"][0]["duration"].is_u64(), "{value}");
    assert!(page.stdout.contains(r#""duration":5,"#), "{}", page.stdout);
    assert!(!page.stdout.contains("5.0"), "{}", page.stdout);
    let one = run(
        &mut vidapi(&emulator),
        &["--json", "pixverse", "video", PIXVERSE_COMPLETED],
    );
    assert!(one.stdout.contains(r#""duration":5,"#), "{}", one.stdout);
    // `wait --json` is the same object, byte for byte.
    let waited = run(
        &mut vidapi(&emulator),
        &["--json", "wait", "pixverse", PIXVERSE_COMPLETED],
    );
    assert_eq!(ok(&waited), ok(&one));
    let all = run(
        &mut vidapi(&emulator),
        &["--json", "pixverse", "videos", "--all", "--limit", "20"],
    );
    let items = json(&all);
    assert_eq!(items.as_array().unwrap().len(), 55);
    assert!(!all.stdout.contains("5.0"));
}

#[test]
fn wait_prints_the_listed_object_as_sent() {
    let emulator = Emulator::start().unwrap();
    // A memories.ai video is found in a list page: its item, as sent.
    let waited = json(&run(
        &mut vidapi(&emulator),
        &[
            "--json",
            "wait",
            "memories",
            "VI700000000000000006",
            "--interval",
            "0.05",
        ],
    ));
    assert_eq!(waited["video_no"], "VI700000000000000006");
    assert!(waited["duration"].is_string(), "{waited}");
    assert!(waited["create_time"].is_string(), "{waited}");
    assert_eq!(waited["cause"], "null", "{waited}");
    let minimax = run(
        &mut vidapi(&emulator),
        &["--json", "minimax", "video", MINIMAX_COMPLETED],
    );
    let waited = run(
        &mut vidapi(&emulator),
        &["--json", "wait", "minimax", MINIMAX_COMPLETED],
    );
    assert_eq!(ok(&waited), ok(&minimax));
}

/// Every list command, single page and `--all`, with the drift type its
/// bodies are saved as.
const LIST_COMMANDS: &[(&[&str], &str, &str)] = &[
    (&["minimax", "videos"], "minimax", "VideoList"),
    (
        &["minimax", "videos", "--limit", "20"],
        "minimax",
        "VideoList",
    ),
    (
        &["minimax", "videos", "--all", "--limit", "30"],
        "minimax",
        "VideoList",
    ),
    (&["minimax", "files"], "minimax", "FileList"),
    (
        &["minimax", "files", "--limit", "12"],
        "minimax",
        "FileList",
    ),
    (
        &["pixverse", "videos", "--limit", "9"],
        "pixverse",
        "VideoPage",
    ),
    (
        &["pixverse", "videos", "--all", "--limit", "20"],
        "pixverse",
        "VideoPage",
    ),
    (&["hourone", "videos"], "hourone", "Video[]"),
    (&["memories", "videos"], "memories", "ListVideosResponse"),
    (
        &["memories", "videos", "--all", "--size", "8"],
        "memories",
        "ListVideosResponse",
    ),
    (
        &["memories", "videos", "--api", "v1", "--size", "4"],
        "memories",
        "ListVideosResponse",
    ),
    (
        &["memories", "videos", "--api", "v1", "--all"],
        "memories",
        "ListVideosResponse",
    ),
];

#[test]
fn saved_bodies_of_every_list_command_show_no_drift() {
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    // A folder that does not exist yet is created.
    let saved = dir.path().join("bodies/today");
    for (args, _, _) in LIST_COMMANDS {
        let table = saving(&emulator, &saved, args);
        ok(&table);
    }
    let mut checked = 0;
    for (provider, type_name) in [
        ("minimax", "VideoList"),
        ("minimax", "FileList"),
        ("pixverse", "VideoPage"),
        ("hourone", "Video[]"),
        ("memories", "ListVideosResponse"),
    ] {
        let found = files(&saved, &format!("{provider}-{type_name}-"));
        assert!(!found.is_empty(), "{provider} {type_name}");
        checked += found.len();
        let report = drift(&emulator, provider, type_name, &found);
        assert_eq!(report.code, 0, "{provider} {type_name}: {}", report.stderr);
        assert_eq!(report.stdout, "", "{provider} {type_name}");
    }
    // Nothing else was written: no temporary file is left behind.
    assert_eq!(files(&saved, "").len(), checked);
    // One body per page: MiniMax 1 + 1 + 3 (75 by 30), files 2, PixVerse
    // 1 + 3 (55 by 20), Hour One 1, memories.ai 1 + 6 (45 by 8) + 1 + 3.
    assert_eq!(checked, 5 + 2 + 4 + 1 + 11);
    // Single-video lookups are saved as `Video`.
    ok(&saving(
        &emulator,
        &saved,
        &["pixverse", "video", PIXVERSE_COMPLETED],
    ));
    ok(&saving(
        &emulator,
        &saved,
        &["minimax", "video", MINIMAX_COMPLETED],
    ));
    assert_eq!(files(&saved, "pixverse-Video-").len(), 1);
    assert_eq!(files(&saved, "minimax-Video-").len(), 1);
}

#[test]
fn saving_never_replaces_a_file_and_is_refused_where_nothing_is_called() {
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let taken = dir.path().join("hourone-Video[]-0001.json");
    std::fs::write(&taken, "mine").unwrap();
    std::fs::write(dir.path().join("hourone-Video[]-0002.json"), "mine too").unwrap();
    let listed = saving(&emulator, dir.path(), &["--json", "hourone", "videos"]);
    assert_eq!(std::fs::read_to_string(&taken).unwrap(), "mine");
    let third = dir.path().join("hourone-Video[]-0003.json");
    assert_eq!(
        format!("{}\n", std::fs::read_to_string(&third).unwrap()),
        ok(&listed)
    );
    assert_eq!(files(dir.path(), "").len(), 3);

    let not_a_folder = dir.path().join("hourone-Video[]-0001.json");
    let refused = saving(&emulator, &not_a_folder, &["hourone", "videos"]);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("--save-bodies"),
        "{}",
        refused.stderr
    );
    let before = emulator.requests().len();
    for args in [&["drift", "pixverse", "VideoPage", "x.json"][..], &["demo"]] {
        let refused = saving(&emulator, dir.path(), args);
        assert_eq!(refused.code, 2, "{args:?}: {}", refused.stderr);
        assert!(refused.stderr.contains("--save-bodies does not apply"));
    }
    assert_eq!(emulator.requests().len(), before);
}

#[test]
fn all_prints_each_item_exactly_as_one_of_the_bodies_holds_it() {
    let emulator = Emulator::start().unwrap();
    for (args, provider, type_name, count) in [
        (
            &["minimax", "videos", "--all", "--limit", "7"][..],
            "minimax",
            "VideoList",
            75,
        ),
        (
            &["pixverse", "videos", "--all", "--limit", "8"],
            "pixverse",
            "VideoPage",
            55,
        ),
        (
            &["memories", "videos", "--all", "--size", "6"],
            "memories",
            "ListVideosResponse",
            45,
        ),
        (
            &["memories", "videos", "--api", "v1", "--all", "--size", "11"],
            "memories",
            "ListVideosResponse",
            45,
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut with_json = vec!["--json"];
        with_json.extend(args);
        let all = saving(&emulator, dir.path(), &with_json);
        let items: Vec<Box<RawValue>> = serde_json::from_str(ok(&all)).unwrap();
        assert_eq!(items.len(), count, "{args:?}");
        let bodies: Vec<String> = files(dir.path(), &format!("{provider}-{type_name}-"))
            .iter()
            .map(|f| std::fs::read_to_string(f).unwrap())
            .collect();
        assert!(bodies.len() > 1, "{args:?}");
        for item in &items {
            assert!(
                bodies.iter().any(|b| b.contains(item.get())),
                "{args:?}: {} is not in any body as sent",
                item.get()
            );
        }
    }
}

/// One list command with random paging and filters, and the drift type
/// its `--json` output is.
fn list_command() -> impl Strategy<Value = (Vec<String>, &'static str, &'static str)> {
    let minimax = (1u32..=40, proptest::option::of(1u32..=75)).prop_map(|(limit, after)| {
        let mut args = vec![
            "minimax".into(),
            "videos".into(),
            "--limit".into(),
            limit.to_string(),
        ];
        if let Some(after) = after {
            args.extend(["--last-video-id".into(), format!("video_id_#{after}")]);
        }
        (args, "minimax", "VideoList")
    });
    let files = (1u32..=15).prop_map(|limit| {
        let args = vec![
            "minimax".into(),
            "files".into(),
            "--limit".into(),
            limit.to_string(),
        ];
        (args, "minimax", "FileList")
    });
    let pixverse = (1u32..=60, 0u32..=70).prop_map(|(limit, offset)| {
        let args = [
            "pixverse",
            "videos",
            "--limit",
            &limit.to_string(),
            "--offset",
            &offset.to_string(),
        ]
        .map(str::to_owned)
        .to_vec();
        (args, "pixverse", "VideoPage")
    });
    let statuses = proptest::option::of(prop_oneof![
        Just("PARSE"),
        Just("UNPARSE"),
        Just("DONE"),
        Just("PARSE_ERROR")
    ]);
    let memories =
        (any::<bool>(), 1u32..=30, 1u32..=6, statuses).prop_map(|(v1, size, page, status)| {
            let mut args: Vec<String> = [
                "memories",
                "videos",
                "--size",
                &size.to_string(),
                "--page",
                &page.to_string(),
            ]
            .map(str::to_owned)
            .to_vec();
            if v1 {
                args.extend(["--api".into(), "v1".into()]);
            }
            if let Some(status) = status {
                args.extend(["--status".into(), status.into()]);
            }
            (args, "memories", "ListVideosResponse")
        });
    let hourone = Just((
        vec!["hourone".to_owned(), "videos".to_owned()],
        "hourone",
        "Video[]",
    ));
    prop_oneof![minimax, files, pixverse, memories, hourone]
}

#[test]
fn json_output_fed_back_to_drift_reports_nothing() {
    let emulator = Emulator::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 24,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    runner
        .run(&list_command(), |(args, provider, type_name)| {
            let mut with_json = vec!["--json".to_owned()];
            with_json.extend(args.iter().cloned());
            let printed = run(&mut vidapi(&emulator), &with_json);
            prop_assert_eq!(printed.code, 0, "{:?}: {}", args, printed.stderr);
            let file = dir.path().join("printed.json");
            std::fs::write(&file, &printed.stdout).unwrap();
            let report = drift(&emulator, provider, type_name, &[file]);
            prop_assert_eq!(
                report.code,
                0,
                "{:?}: {}{}",
                args,
                report.stdout,
                report.stderr
            );
            prop_assert_eq!(report.stdout, "");
            Ok(())
        })
        .unwrap();
}

#[test]
fn the_body_tap_sees_each_body_as_sent_with_its_drift_type() {
    use std::sync::{Arc, Mutex};
    let emulator = Emulator::start().unwrap();
    /// Provider, type, status and bytes of each body handed over.
    type Seen = Vec<(String, String, u16, Vec<u8>)>;
    let seen: Arc<Mutex<Seen>> = Arc::default();
    let keep = seen.clone();
    let config = vidapi::Config::new()
        .base_url(emulator.base_url())
        .on_body(move |body| {
            keep.lock().unwrap().push((
                body.provider.to_owned(),
                body.type_name.to_owned(),
                body.status,
                body.bytes.to_vec(),
            ))
        });
    let hour = vidapi::HourOne::with_config(vidapi::emulator::HOURONE_KEY, config.clone()).unwrap();
    let videos = hour.videos().unwrap();
    let useapi = vidapi::UseApi::with_config(vidapi::emulator::USEAPI_TOKEN, config).unwrap();
    useapi.pixverse().video(PIXVERSE_COMPLETED).unwrap();
    // A 404 is not a 2xx body: not handed over.
    assert!(
        useapi
            .minimax()
            .video("user:1-minimax:a-video:nope")
            .is_err()
    );
    let seen = seen.lock().unwrap();
    let names: Vec<(&str, &str, u16)> = seen
        .iter()
        .map(|(p, t, s, _)| (p.as_str(), t.as_str(), *s))
        .collect();
    assert_eq!(
        names,
        [("hourone", "Video[]", 200), ("pixverse", "Video", 200)]
    );
    let listed: Vec<Box<RawValue>> = serde_json::from_slice(&seen[0].3).unwrap();
    assert_eq!(listed.len(), videos.len());
    let one: Value = serde_json::from_slice(&seen[1].3).unwrap();
    assert_eq!(one["video_id"], PIXVERSE_COMPLETED);
}

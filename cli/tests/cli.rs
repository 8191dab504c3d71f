//! The `vidapi` binary against the emulator: every command, its output and
//! its exit code.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use serde_json::Value;
use vidapi::emulator::{Emulator, Fault, HOURONE_KEY, USEAPI_TOKEN};

mod common;
use common::{Run, bare, run, vidapi};

fn json_of(run: &Run) -> Value {
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", run.stdout))
}

#[test]
fn help_documents_every_command_and_flag() {
    let top = run(&mut bare(), &["--help"]);
    assert_eq!(top.code, 0);
    for word in [
        "demo",
        "emulator",
        "minimax",
        "pixverse",
        "hourone",
        "memories",
        "list",
        "wait",
        "download",
        "--json",
        "USEAPI_TOKEN",
        "Exit codes",
    ] {
        assert!(top.stdout.contains(word), "--help lacks {word}");
    }
    let cases: [(&[&str], &[&str]); 8] = [
        (&["minimax", "files", "--help"], &["--account", "--limit"]),
        (
            &["minimax", "videos", "--help"],
            &["--account", "--limit", "--last-video-id", "--all"],
        ),
        (
            &["pixverse", "videos", "--help"],
            &["--email", "--limit", "--offset", "--all"],
        ),
        (
            &["hourone", "create", "--help"],
            &[
                "--name",
                "--source-draft-id",
                "--recipe-id",
                "--folder-id",
                "--palette-id",
                "--character-id",
                "--voice-id",
                "--workspace-id",
                "--team-id",
            ],
        ),
        (
            &["memories", "videos", "--help"],
            &[
                "--page",
                "--size",
                "--video-name",
                "--video-no",
                "--folder-id",
                "--unique-id",
                "--api",
                "v1",
                "--status",
                "--all",
            ],
        ),
        (
            &["wait", "--help"],
            &["--timeout", "--interval", "<PROVIDER>", "<VIDEO_ID>"],
        ),
        (&["emulator", "--help"], &["--port"]),
        (&["hourone", "metadata", "--help"], &["<VIDEO_ID>"]),
    ];
    for (args, flags) in cases {
        let help = run(&mut bare(), args);
        assert_eq!(help.code, 0);
        for flag in flags {
            assert!(help.stdout.contains(flag), "{args:?} help lacks {flag}");
        }
    }
}

#[test]
fn demo_runs_offline_and_exits_zero() {
    let demo = run(&mut bare(), &["demo"]);
    assert_eq!(demo.code, 0, "stderr: {}", demo.stderr);
    for section in [
        "MiniMax",
        "PixVerse",
        "Hour One",
        "memories.ai",
        "one view",
        "Waiting",
        "== Done",
    ] {
        assert!(demo.stdout.contains(section), "demo output lacks {section}");
    }
    assert!(demo.stdout.contains("video_id_#2"));
    assert!(demo.stdout.contains("55 videos"));
}

#[test]
fn minimax_commands_print_tables_and_json() {
    let emulator = Emulator::start().unwrap();
    let table = run(
        &mut vidapi(&emulator),
        &["minimax", "videos", "--account", "a&b"],
    );
    assert_eq!(table.code, 0, "{}", table.stderr);
    assert!(table.stdout.contains("video_id_#2") && table.stdout.contains("completed"));
    assert_eq!(emulator.requests()[0].query_param("account"), Some("a&b"));

    let videos = json_of(&run(
        &mut vidapi(&emulator),
        &["--json", "minimax", "videos"],
    ));
    // The first page (the server's default 30) of the emulator's one data set.
    assert_eq!(videos.as_array().unwrap().len(), 30);
    assert_eq!(
        videos[1]["coverURL"], "<cover url>",
        "the provider's own field names"
    );
    assert_eq!(videos[1]["status"], 2);

    let files = json_of(&run(
        &mut vidapi(&emulator),
        &["minimax", "files", "--limit", "3", "--json"],
    ));
    assert_eq!(files.as_array().unwrap().len(), 3);
    assert_eq!(files[0]["file_type"], "jpeg");
}

#[test]
fn pixverse_pages_and_streams_everything() {
    let emulator = Emulator::start().unwrap();
    let page = json_of(&run(
        &mut vidapi(&emulator),
        &[
            "--json", "pixverse", "videos", "--limit", "5", "--offset", "10",
        ],
    ));
    assert_eq!(page["data"].as_array().unwrap().len(), 5);
    assert_eq!(page["next_offset"], 15);
    assert_eq!(page["total"], 55);

    let all = json_of(&run(
        &mut vidapi(&emulator),
        &["--json", "pixverse", "videos", "--all", "--limit", "20"],
    ));
    assert_eq!(all.as_array().unwrap().len(), 55);

    let table = run(
        &mut vidapi(&emulator),
        &["pixverse", "videos", "--all", "--email", "me+x@example.com"],
    );
    assert_eq!(table.code, 0, "{}", table.stderr);
    assert_eq!(
        table
            .stdout
            .matches("pixverse:me+x@example.com-video:")
            .count(),
        55
    );
    assert!(table.stderr.contains("55 videos"));
}

#[test]
fn hourone_create_read_metadata_and_list() {
    let emulator = Emulator::start().unwrap();
    let made = json_of(&run(
        &mut vidapi(&emulator),
        &[
            "--json",
            "hourone",
            "create",
            "--source-draft-id",
            "d1",
            "--name",
            "From CLI",
            "--workspace-id",
            "ws",
            "--team-id",
            "t",
        ],
    ));
    let id = made["id"].as_str().unwrap().to_owned();
    assert_eq!(made["status"], "not_started");
    let create = &emulator.requests()[0];
    assert_eq!(create.header("workspace-id"), Some("ws"));
    assert_eq!(create.header("team-id"), Some("t"));
    assert_eq!(
        create.json().unwrap(),
        serde_json::json!({"name": "From CLI", "source_draft_id": "d1"})
    );

    let one = run(&mut vidapi(&emulator), &["hourone", "video", &id]);
    assert!(
        one.stdout.contains(&id) && one.stdout.contains("started"),
        "{}",
        one.stdout
    );
    let meta = json_of(&run(
        &mut vidapi(&emulator),
        &["--json", "hourone", "metadata", &id],
    ));
    assert_eq!(meta["duration"], 12.5);
    let all = json_of(&run(
        &mut vidapi(&emulator),
        &["--json", "hourone", "videos"],
    ));
    assert!(
        all.as_array()
            .unwrap()
            .iter()
            .any(|v| v["id"] == id.as_str())
    );

    let missing = run(&mut vidapi(&emulator), &["hourone", "video", "nope"]);
    assert_eq!(missing.code, 1);
    assert_eq!(missing.stderr.lines().count(), 1, "{}", missing.stderr);
    assert!(
        missing.stderr.contains("Hour One get video") && missing.stderr.contains("404"),
        "{}",
        missing.stderr
    );
}

#[test]
fn memories_filters_pages_and_all() {
    let emulator = Emulator::start().unwrap();
    let page = json_of(&run(
        &mut vidapi(&emulator),
        &[
            "--json",
            "memories",
            "videos",
            "--size",
            "5",
            "--page",
            "2",
            "--status",
            "PARSE",
            "--folder-id",
            "1",
            "--video-name",
            "upload",
        ],
    ));
    // memories.ai's whole answer as sent: the envelope, then the page in `data`.
    assert_eq!(page["code"], "0000");
    assert_eq!(page["data"]["current_page"], 2);
    let sent = emulator.requests()[0].json().unwrap();
    assert_eq!(
        sent,
        serde_json::json!({"page": 2, "size": 5, "status": "PARSE", "folder_id": 1, "video_name": "upload"})
    );
    let all = json_of(&run(
        &mut vidapi(&emulator),
        &["--json", "memories", "videos", "--all", "--size", "7"],
    ));
    assert_eq!(all.as_array().unwrap().len(), 45);
    let table = run(
        &mut vidapi(&emulator),
        &["memories", "videos", "--video-no", "VI606404158946574336"],
    );
    assert!(table.stdout.contains("182082-867762198_tiny"));
}

#[test]
fn minimax_videos_pages_with_limit_last_video_id_and_all() {
    let emulator = Emulator::start().unwrap();
    let page = json_of(&run(
        &mut vidapi(&emulator),
        &[
            "--json",
            "minimax",
            "videos",
            "--limit",
            "30",
            "--last-video-id",
            "video_id_#30",
        ],
    ));
    let page = page.as_array().unwrap();
    assert_eq!(page.len(), 30);
    assert_eq!(page[0]["id"], "video_id_#31");
    assert_eq!(
        emulator.requests()[0].raw_query,
        "lastVideoId=video_id_%2330&limit=30"
    );

    let table = run(
        &mut vidapi(&emulator),
        &["minimax", "videos", "--limit", "10"],
    );
    assert_eq!(table.code, 0, "{}", table.stderr);
    assert!(table.stdout.contains("video_id_#10"));
    assert!(
        table
            .stderr
            .contains("next page: --last-video-id video_id_#10"),
        "{}",
        table.stderr
    );

    emulator.reset_records();
    let all = json_of(&run(
        &mut vidapi(&emulator),
        &["--json", "minimax", "videos", "--all", "--limit", "40"],
    ));
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 75);
    assert_eq!(all[74]["id"], "video_id_#75");
    assert_eq!(emulator.requests().len(), 2, "40, then a short 35");

    let rows = run(&mut vidapi(&emulator), &["minimax", "videos", "--all"]);
    assert_eq!(rows.code, 0, "{}", rows.stderr);
    assert!(rows.stdout.contains("video_id_#75"));
    assert!(rows.stderr.contains("75 videos"), "{}", rows.stderr);

    let both = run(
        &mut vidapi(&emulator),
        &["minimax", "videos", "--all", "--last-video-id", "x"],
    );
    assert_eq!(both.code, 2, "{both:?}");
}

#[test]
fn memories_api_v1_flag_lists_by_unique_id() {
    let emulator = Emulator::start().unwrap();
    let page = json_of(&run(
        &mut vidapi(&emulator),
        &[
            "--json",
            "memories",
            "videos",
            "--api",
            "v1",
            "--unique-id",
            "project-b",
            "--size",
            "4",
        ],
    ));
    let page = &page["data"];
    assert_eq!(page["total_count"], 15, "the newer answer sends a number");
    assert_eq!(page["videos"].as_array().unwrap().len(), 4);
    let sent = &emulator.requests()[0];
    assert_eq!(sent.path, "/serve/api/v1/list_videos");
    assert_eq!(
        sent.json().unwrap(),
        serde_json::json!({"size": 4, "unique_id": "project-b"})
    );

    let all = json_of(&run(
        &mut vidapi(&emulator),
        &["--json", "memories", "videos", "--api", "v1", "--all"],
    ));
    assert_eq!(all.as_array().unwrap().len(), 45);

    emulator.reset_records();
    let default = run(&mut vidapi(&emulator), &["memories", "videos"]);
    assert_eq!(default.code, 0, "{}", default.stderr);
    assert_eq!(
        emulator.requests()[0].path,
        "/serve/api/video/list_videos",
        "the documented endpoint stays the default"
    );

    for wrong in [
        &["memories", "videos", "--unique-id", "default"][..],
        &["memories", "videos", "--api", "v1", "--folder-id", "1"],
    ] {
        let refused = run(&mut vidapi(&emulator), wrong);
        assert_eq!(refused.code, 2, "{wrong:?}: {refused:?}");
        assert!(refused.stderr.contains("v1"), "{}", refused.stderr);
    }
    assert_eq!(
        emulator.requests().len(),
        1,
        "nothing sent for usage errors"
    );
}

#[test]
fn list_shows_every_provider_and_survives_one_failing() {
    let emulator = Emulator::start().unwrap();
    let all = json_of(&run(&mut vidapi(&emulator), &["--json", "list"]));
    let providers: std::collections::BTreeSet<_> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["provider"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        providers.into_iter().collect::<Vec<_>>(),
        ["hourone", "memories", "minimax", "pixverse"]
    );
    let minimax = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["provider"] == "minimax")
        .count();
    assert_eq!(minimax, 75, "MiniMax paged in full");

    let broken = run(
        vidapi(&emulator).env("MEMORIES_API_KEY", "wrong"),
        &["list"],
    );
    assert_eq!(broken.code, 1);
    assert!(
        broken.stderr.contains("memories.ai list videos") && broken.stderr.contains("0401"),
        "{}",
        broken.stderr
    );
    assert!(
        broken.stdout.contains("minimax")
            && broken.stdout.contains("pixverse")
            && broken.stdout.contains("hourone")
    );
    assert!(!broken.stdout.contains("memories"));

    let only_hourone = run(
        bare()
            .env("HOURONE_API_KEY", HOURONE_KEY)
            .env("HOURONE_BASE_URL", emulator.base_url()),
        &["list"],
    );
    assert_eq!(only_hourone.code, 0);
    assert!(only_hourone.stdout.contains("hourone") && !only_hourone.stdout.contains("minimax"));
}

#[test]
fn wait_polls_until_final_or_times_out() {
    let emulator = Emulator::start().unwrap();
    let made = json_of(&run(
        &mut vidapi(&emulator),
        &["--json", "hourone", "create", "--recipe-id", "r"],
    ));
    let id = made["id"].as_str().unwrap().to_owned();
    let done = run(
        &mut vidapi(&emulator),
        &["--json", "wait", "hourone", &id, "--interval", "0.05"],
    );
    // The provider's own final video object, as `hourone video --json` prints it.
    let video = json_of(&done);
    assert_eq!(video["id"], id.as_str());
    assert_eq!(video["status"], "ready");
    assert!(
        done.stderr.contains("processing"),
        "progress on stderr: {}",
        done.stderr
    );

    let generating = "user:<userid>-pixverse:me@example.com-video:1000";
    let late = run(
        &mut vidapi(&emulator),
        &[
            "wait",
            "pixverse",
            generating,
            "--timeout",
            "0.3",
            "--interval",
            "0.1",
        ],
    );
    assert_eq!(late.code, 3, "{}", late.stderr);
    assert!(
        late.stderr.contains("still generating (processing)"),
        "{}",
        late.stderr
    );

    let memories_done = run(
        &mut vidapi(&emulator),
        &[
            "wait",
            "memories",
            "VI606404158946574336",
            "--interval",
            "0.1",
        ],
    );
    assert_eq!(memories_done.code, 0, "{}", memories_done.stderr);
    let minimax_done = run(&mut vidapi(&emulator), &["wait", "minimax", "video_id_#2"]);
    assert_eq!(minimax_done.code, 0, "{}", minimax_done.stderr);

    let unknown = run(
        &mut vidapi(&emulator),
        &["wait", "minimax", "no-such-video"],
    );
    assert_eq!(unknown.code, 1);
    assert!(
        unknown.stderr.contains("no such video"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn configuration_and_usage_errors_exit_two_in_one_line() {
    let missing = run(&mut bare(), &["minimax", "videos"]);
    assert_eq!(missing.code, 2);
    assert_eq!(
        missing.stderr.trim(),
        "vidapi: error: USEAPI_TOKEN is not set (MiniMax and PixVerse need it)"
    );
    assert!(missing.stdout.is_empty());

    let none = run(&mut bare(), &["list"]);
    assert_eq!(none.code, 2);
    assert!(none.stderr.contains("USEAPI_TOKEN") && none.stderr.contains("MEMORIES_API_KEY"));

    let usage = run(&mut bare(), &["pixverse", "videos", "--limit", "many"]);
    assert_eq!(usage.code, 2);
    let bad_wait = run(&mut bare(), &["wait", "hourone", "x", "--interval", "-1"]);
    assert_eq!(bad_wait.code, 2);

    let insecure = run(
        bare()
            .env("HOURONE_API_KEY", "k")
            .env("HOURONE_BASE_URL", "http://api.example.com"),
        &["hourone", "videos"],
    );
    assert_eq!(insecure.code, 2);
    assert!(insecure.stderr.contains("base URL"), "{}", insecure.stderr);
}

#[test]
fn api_errors_exit_one_naming_the_call_and_never_the_token() {
    let emulator = Emulator::start().unwrap();
    let secret = "user:very-secret-token-4242";
    let denied = run(
        vidapi(&emulator).env("USEAPI_TOKEN", secret),
        &["pixverse", "videos"],
    );
    assert_eq!(denied.code, 1);
    assert_eq!(denied.stderr.lines().count(), 1, "{}", denied.stderr);
    assert!(
        denied.stderr.contains("PixVerse list videos")
            && denied.stderr.contains("401")
            && denied.stderr.contains("Unauthorized")
    );
    assert!(!denied.stderr.contains(secret) && !denied.stdout.contains(secret));

    emulator.fail_next(10, Fault::html(502));
    let gateway = run(&mut vidapi(&emulator), &["minimax", "files"]);
    assert_eq!(gateway.code, 1);
    assert!(
        gateway.stderr.contains("HTTP 502") && gateway.stderr.contains("HTML"),
        "{}",
        gateway.stderr
    );
    assert!(!gateway.stderr.contains("panicked"));
    emulator.clear_faults();
}

#[test]
fn emulator_command_prints_its_base_url_and_serves() {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("vidapi"))
        .args(["emulator", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let base = first.trim().to_owned();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    let client =
        vidapi::UseApi::with_config(USEAPI_TOKEN, vidapi::Config::new().base_url(&base)).unwrap();
    let served = client.minimax().videos(None);
    child.kill().unwrap();
    child.wait().unwrap();
    // The first page (the server's default 30) of the one data set.
    assert_eq!(served.unwrap().len(), 30);
}

#[test]
fn list_and_wait_pass_account_and_email_through() {
    let emulator = Emulator::start().unwrap();
    let all = json_of(&run(
        &mut vidapi(&emulator),
        &[
            "--json",
            "list",
            "--account",
            "A",
            "--email",
            "me+e@example.com",
        ],
    ));
    assert!(
        all.as_array()
            .unwrap()
            .iter()
            .any(|v| v["id"].as_str().unwrap().contains("me+e@example.com")),
        "PixVerse ids name the account asked for"
    );
    let sent = emulator.requests();
    let minimax: Vec<_> = sent
        .iter()
        .filter(|r| r.path == "/v1/minimax/videos/")
        .collect();
    let pixverse: Vec<_> = sent
        .iter()
        .filter(|r| r.path == "/v2/pixverse/videos/")
        .collect();
    assert!(minimax.len() >= 3 && pixverse.len() >= 2, "paged in full");
    for r in &minimax {
        assert_eq!(r.query_param("account"), Some("A"), "{}", r.raw_query);
        assert_eq!(r.query_param("email"), None);
    }
    for r in &pixverse {
        assert_eq!(r.query_param("email"), Some("me+e@example.com"));
        assert_eq!(r.query_param("account"), None);
    }
    // Without the flags, neither parameter is sent.
    emulator.reset_records();
    json_of(&run(&mut vidapi(&emulator), &["--json", "list"]));
    assert!(
        emulator
            .requests()
            .iter()
            .all(|r| r.query_param("account").is_none() && r.query_param("email").is_none())
    );

    // wait: a MiniMax short id is looked for in that account's list.
    emulator.reset_records();
    let minimax_done = run(
        &mut vidapi(&emulator),
        &["wait", "minimax", "video_id_#2", "--account", "A"],
    );
    assert_eq!(minimax_done.code, 0, "{}", minimax_done.stderr);
    let listed = emulator.requests();
    assert!(!listed.is_empty());
    assert_eq!(listed[0].query_param("account"), Some("A"));

    // A PixVerse id that names no account: the 404 is checked against the
    // first page of the email given.
    emulator.reset_records();
    let unknown = run(
        &mut vidapi(&emulator),
        &["wait", "pixverse", "1001", "--email", "me@example.com"],
    );
    assert_eq!(unknown.code, 1, "{}", unknown.stderr);
    let sent = emulator.requests();
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert_eq!(sent[1].path, "/v2/pixverse/videos/");
    assert_eq!(sent[1].query_param("email"), Some("me@example.com"));

    // Both flags are in the help, and a blank one is bad usage.
    for command in ["list", "wait"] {
        let help = run(&mut bare(), &[command, "--help"]);
        assert!(help.stdout.contains("--account") && help.stdout.contains("--email"));
    }
    let blank = run(&mut vidapi(&emulator), &["list", "--account", " "]);
    assert_eq!(blank.code, 2, "{}", blank.stderr);
    assert!(blank.stderr.contains("--account"), "{}", blank.stderr);
}

#[test]
fn completions_are_printed_for_every_shell() {
    let bash = run(&mut bare(), &["completions", "bash"]);
    assert_eq!(bash.code, 0, "{}", bash.stderr);
    assert!(bash.stdout.contains("vidapi") && bash.stdout.contains("--account"));
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("vidapi.bash");
    std::fs::write(&script, &bash.stdout).unwrap();
    let checked = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .unwrap();
    assert!(
        checked.status.success(),
        "bash -n: {}",
        String::from_utf8_lossy(&checked.stderr)
    );
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let out = run(&mut bare(), &["completions", shell]);
        assert_eq!(out.code, 0, "{shell}: {}", out.stderr);
        assert!(out.stdout.contains("vidapi"), "{shell}");
    }
    let unknown = run(&mut bare(), &["completions", "tcsh"]);
    assert_eq!(unknown.code, 2);
    let top = run(&mut bare(), &["--help"]);
    assert!(top.stdout.contains("completions") && top.stdout.contains("--verbose"));
}

// ---- issue 10: the output contract -------------------------------------------------------

const MINIMAX_COMPLETED: &str = "user:user_id-minimax:account-video:video_id_#2";
const PIXVERSE_COMPLETED: &str = "user:<userid>-pixverse:me@example.com-video:1001";
/// An emulated memories.ai upload whose status is PARSE_ERROR.
const MEMORIES_PARSE_ERROR: &str = "VI700000000000000003";

#[test]
fn json_prints_one_object_as_an_object_and_lists_as_lists() {
    let emulator = Emulator::start().unwrap();
    let made = json_of(&run(
        &mut vidapi(&emulator),
        &["--json", "hourone", "create", "--recipe-id", "r"],
    ));
    assert!(made.is_object(), "{made}");
    let id = made["id"].as_str().unwrap().to_owned();
    let one = json_of(&run(
        &mut vidapi(&emulator),
        &["--json", "hourone", "video", &id],
    ));
    assert_eq!(one["id"], id.as_str());
    assert!(one["status"].is_string(), "{one}");
    let meta = json_of(&run(
        &mut vidapi(&emulator),
        &["--json", "hourone", "metadata", &id],
    ));
    assert!(meta.is_object());
    let minimax = json_of(&run(
        &mut vidapi(&emulator),
        &["--json", "minimax", "video", MINIMAX_COMPLETED],
    ));
    assert_eq!(minimax["id"], "video_id_#2", "{minimax}");
    let pixverse = json_of(&run(
        &mut vidapi(&emulator),
        &["--json", "pixverse", "video", PIXVERSE_COMPLETED],
    ));
    assert_eq!(pixverse["video_id"], PIXVERSE_COMPLETED, "{pixverse}");
    assert_eq!(pixverse["video_status"], 1);

    // `wait --json`: the provider's own object, as `pixverse video --json` prints it.
    let waited = json_of(&run(
        &mut vidapi(&emulator),
        &["--json", "wait", "pixverse", PIXVERSE_COMPLETED],
    ));
    assert_eq!(waited, pixverse);

    // A list stays a list.
    let listed = json_of(&run(&mut vidapi(&emulator), &["--json", "list"]));
    assert!(listed.as_array().is_some_and(|a| !a.is_empty()));
    let videos = json_of(&run(
        &mut vidapi(&emulator),
        &["--json", "hourone", "videos"],
    ));
    assert!(videos.is_array());
}

#[test]
fn json_is_refused_where_it_means_nothing() {
    for args in [
        &["--json", "demo"][..],
        &["--json", "emulator", "--port", "0"],
        &["completions", "bash", "--json"],
    ] {
        let refused = run(&mut bare(), args);
        assert_eq!(refused.code, 2, "{args:?}: {}", refused.stderr);
        assert!(refused.stdout.is_empty(), "{args:?}: {}", refused.stdout);
        assert!(
            refused.stderr.contains("--json does not apply"),
            "{args:?}: {}",
            refused.stderr
        );
    }
}

#[test]
fn all_prints_one_table_and_pipes_are_never_wrapped() {
    let emulator = Emulator::start().unwrap();
    let table = run(
        &mut vidapi(&emulator),
        &["pixverse", "videos", "--all", "--limit", "10"],
    );
    assert_eq!(table.code, 0, "{}", table.stderr);
    // Six pages of ten under one header, in one box.
    assert_eq!(
        table.stdout.matches("video id").count(),
        1,
        "{}",
        table.stdout
    );
    assert_eq!(table.stdout.matches('┌').count(), 1);
    assert_eq!(table.stdout.matches('└').count(), 1);
    // Not a terminal: every row is one line, every id whole.
    let rows: Vec<&str> = table
        .stdout
        .lines()
        .filter(|l| l.contains("-video:"))
        .collect();
    assert_eq!(rows.len(), 55, "{}", table.stdout);
    for row in rows {
        assert!(
            row.contains("user:<userid>-pixverse:me@example.com-video:10"),
            "{row}"
        );
    }
    let list = run(&mut vidapi(&emulator), &["list"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    assert_eq!(list.stdout.matches("provider").count(), 1);
    assert!(list.stdout.contains(PIXVERSE_COMPLETED), "{}", list.stdout);
}

#[test]
fn wait_exits_five_when_the_video_ended_failed() {
    let emulator = Emulator::start().unwrap();
    let failed = run(
        &mut vidapi(&emulator),
        &[
            "wait",
            "memories",
            MEMORIES_PARSE_ERROR,
            "--interval",
            "0.1",
        ],
    );
    assert_eq!(failed.code, 5, "{}", failed.stderr);
    assert!(
        failed.stdout.contains(MEMORIES_PARSE_ERROR),
        "printed: {}",
        failed.stdout
    );
    assert!(
        failed.stderr.contains("ended PARSE_ERROR")
            && failed
                .stderr
                .lines()
                .last()
                .unwrap()
                .starts_with("vidapi: error:"),
        "{}",
        failed.stderr
    );
    // --json prints the provider's object and still exits 5; nothing is downloaded.
    let dir = tempfile::tempdir().unwrap();
    let json = run(
        vidapi(&emulator).current_dir(dir.path()),
        &[
            "--json",
            "wait",
            "memories",
            MEMORIES_PARSE_ERROR,
            "--download",
        ],
    );
    assert_eq!(json.code, 5, "{}", json.stderr);
    let video: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(video["status"], "PARSE_ERROR");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);

    let completed = run(
        &mut vidapi(&emulator),
        &["wait", "pixverse", PIXVERSE_COMPLETED],
    );
    assert_eq!(completed.code, 0, "{}", completed.stderr);
}

#[test]
fn usage_errors_are_caught_before_any_request() {
    let emulator = Emulator::start().unwrap();
    let cases: [(&[&str], &str); 7] = [
        (&["memories", "videos", "--page", "0"], "from 1 to"),
        (&["memories", "videos", "--size", "0"], "from 1 to"),
        (&["pixverse", "videos", "--limit", "0"], "from 1 to"),
        (&["minimax", "files", "--limit", "0"], "from 1 to"),
        (
            &["wait", "hourone", "x", "--interval", "0"],
            "greater than 0 and at most 86400",
        ),
        (
            &["wait", "hourone", "x", "--timeout", "0"],
            "greater than 0 and at most 86400",
        ),
        (
            &["hourone", "create", "--name", "no base"],
            "--source-draft-id or --recipe-id",
        ),
    ];
    for (args, says) in cases {
        let refused = run(&mut vidapi(&emulator), args);
        assert_eq!(refused.code, 2, "{args:?}: {}", refused.stderr);
        assert!(
            refused.stderr.contains(says),
            "{args:?}: {}",
            refused.stderr
        );
    }
    assert!(emulator.requests().is_empty(), "{:?}", emulator.requests());
}

#[test]
fn errors_name_the_host_the_proxy_and_the_one_missing_variable() {
    // Nothing listens on port 9 of loopback: a refused connection names the host.
    let refused = run(
        bare()
            .env("HOURONE_API_KEY", HOURONE_KEY)
            .env("HOURONE_BASE_URL", "http://127.0.0.1:9/api/v1"),
        &["hourone", "videos"],
    );
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("connecting to 127.0.0.1:9"),
        "{}",
        refused.stderr
    );

    // An unusable proxy is named as the way the request went.
    let emulator = Emulator::start().unwrap();
    let proxied = run(
        vidapi(&emulator).env("VIDAPI_PROXY", "notaurl"),
        &["hourone", "videos"],
    );
    assert_ne!(proxied.code, 0);
    assert!(
        proxied.stderr.contains("notaurl") || proxied.stderr.contains("proxy"),
        "{}",
        proxied.stderr
    );

    // Plain http in the CLI: the message names the variable that allows it.
    let insecure = run(
        bare()
            .env("HOURONE_API_KEY", "k")
            .env("HOURONE_BASE_URL", "http://api.example.com"),
        &["hourone", "videos"],
    );
    assert_eq!(insecure.code, 2);
    assert!(
        insecure.stderr.contains("HOURONE_BASE_URL")
            && insecure.stderr.contains("VIDAPI_ALLOW_HTTP=1"),
        "{}",
        insecure.stderr
    );

    // `wait pixverse` without USEAPI_TOKEN names that variable only.
    for cmd in [bare(), {
        let mut c = bare();
        c.env("HOURONE_API_KEY", "k");
        c
    }] {
        let mut cmd = cmd;
        let missing = run(&mut cmd, &["wait", "pixverse", PIXVERSE_COMPLETED]);
        assert_eq!(missing.code, 2, "{}", missing.stderr);
        assert!(
            missing.stderr.contains("USEAPI_TOKEN"),
            "{}",
            missing.stderr
        );
        assert!(
            !missing.stderr.contains("HOURONE_API_KEY")
                && !missing.stderr.contains("MEMORIES_API_KEY"),
            "{}",
            missing.stderr
        );
    }
}

#[test]
fn statuses_share_one_vocabulary_and_unknown_filters_are_refused() {
    let emulator = Emulator::start().unwrap();
    // The cross-provider stage: the same words in the table and in JSON.
    let listed = json_of(&run(&mut vidapi(&emulator), &["--json", "list"]));
    let stages: std::collections::BTreeSet<String> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["stage"].as_str().unwrap().to_owned())
        .collect();
    for stage in &stages {
        assert!(
            ["queued", "processing", "completed", "failed"].contains(&stage.as_str())
                || stage.starts_with("unknown ("),
            "{stages:?}"
        );
    }
    let table = run(&mut vidapi(&emulator), &["list"]);
    for stage in &stages {
        assert!(
            table.stdout.contains(stage.as_str()),
            "{stage} not in the table"
        );
    }

    // memories.ai: the table's status column holds what --status takes.
    let page = run(
        &mut vidapi(&emulator),
        &["memories", "videos", "--size", "8"],
    );
    assert!(page.stdout.contains("PARSE_ERROR"), "{}", page.stdout);
    let filtered = run(
        &mut vidapi(&emulator),
        &["--json", "memories", "videos", "--status", "parse_error"],
    );
    assert_eq!(filtered.code, 0, "{}", filtered.stderr);
    let sent = emulator.requests().last().unwrap().json().unwrap();
    assert_eq!(sent["status"], "PARSE_ERROR");
    let videos = json_of(&filtered)["data"]["videos"]
        .as_array()
        .unwrap()
        .clone();
    assert!(!videos.is_empty() && videos.iter().all(|v| v["status"] == "PARSE_ERROR"));

    let before = emulator.requests().len();
    let unknown = run(
        &mut vidapi(&emulator),
        &["memories", "videos", "--status", "finished"],
    );
    assert_eq!(unknown.code, 2, "{}", unknown.stderr);
    for value in ["UNPARSE", "PARSE", "DONE", "PARSE_ERROR", "FAILED"] {
        assert!(unknown.stderr.contains(value), "{}", unknown.stderr);
    }
    assert_eq!(
        emulator.requests().len(),
        before,
        "refused before a request"
    );
    let help = run(&mut bare(), &["memories", "videos", "--help"]);
    assert!(help.stdout.contains("PARSE_ERROR"), "{}", help.stdout);
}

#[test]
fn minimax_files_says_when_the_limit_was_reached() {
    let emulator = Emulator::start().unwrap();
    let full = run(
        &mut vidapi(&emulator),
        &["minimax", "files", "--limit", "3"],
    );
    assert_eq!(full.code, 0, "{}", full.stderr);
    assert!(
        full.stderr.contains("as many as the limit (3)") && full.stderr.contains("may be more"),
        "{}",
        full.stderr
    );
    let json = run(
        &mut vidapi(&emulator),
        &["--json", "minimax", "files", "--limit", "3"],
    );
    assert_eq!(json_of(&json).as_array().unwrap().len(), 3);
    assert!(json.stderr.contains("may be more"), "{}", json.stderr);
    let all = run(
        &mut vidapi(&emulator),
        &["minimax", "files", "--limit", "50"],
    );
    assert_eq!(all.code, 0, "{}", all.stderr);
    assert!(!all.stderr.contains("may be more"), "{}", all.stderr);
}

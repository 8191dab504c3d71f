//! `vidapi generate` against the emulator: its output, exit codes, and the
//! emulator's counters proving one create per job.

mod common;

use common::{run, vidapi};
use serde_json::Value;
use vidapi::Provider;
use vidapi::emulator::{
    Account, AfterAccept, Emulator, Generation, MARK_FAILED, MARK_MODERATED, MARK_REFUSED,
    MINIMAX_ACCOUNT, media_bytes,
};

fn creates(emulator: &Emulator) -> usize {
    emulator
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/videos/create"))
        .count()
}

fn folder(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("vidapi-gen-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_502_after_accept_still_gives_one_video_and_its_file() {
    let emulator = Emulator::start().unwrap();
    emulator.after_accept(1, AfterAccept::Status(502));
    let dir = folder("502");
    let to = format!("{}/", dir.display());
    let out = run(
        &mut vidapi(&emulator),
        &[
            "generate",
            "minimax",
            "--prompt",
            "a red kite",
            "--wait",
            "--download",
            &to,
        ],
    );
    assert_eq!(out.code, 0, "{out:?}");
    let created = emulator.created();
    assert_eq!(created.len(), 1);
    assert_eq!(creates(&emulator), 1, "no second create");
    let id = &created[0].video_id;
    let mut lines = out.stdout.lines();
    assert_eq!(lines.next(), Some(id.as_str()), "the id first");
    let path = lines.next().unwrap();
    assert!(out.stderr.contains("reconciliation"), "{}", out.stderr);
    assert!(out.stderr.contains("completed"), "{}", out.stderr);
    let name = std::path::Path::new(path)
        .file_name()
        .unwrap()
        .to_str()
        .unwrap();
    assert_eq!(
        std::fs::read(path).unwrap(),
        media_bytes(&format!("minimax/{name}"))
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn json_prints_one_object() {
    let emulator = Emulator::start().unwrap();
    let dir = folder("json");
    let file = dir.join("kite.mp4");
    let out = run(
        &mut vidapi(&emulator),
        &[
            "--json",
            "generate",
            "pixverse",
            "--prompt",
            "a kite",
            "--download",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(out.code, 0, "{out:?}");
    let shown: Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(shown["provider"], "pixverse");
    assert_eq!(shown["id"], emulator.created()[0].video_id.as_str());
    assert_eq!(shown["account"], "me@example.com");
    assert_eq!(shown["status"], "completed");
    assert_eq!(shown["path"], file.to_str().unwrap());
    assert!(file.is_file());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_moderated_prompt_or_video_exits_5() {
    let emulator = Emulator::start().unwrap();
    let refused = format!("x {MARK_REFUSED}");
    let out = run(
        &mut vidapi(&emulator),
        &["generate", "minimax", "--prompt", &refused],
    );
    assert_eq!(out.code, 5, "{out:?}");
    assert!(out.stderr.contains("moderated"), "{}", out.stderr);
    assert_eq!(creates(&emulator), 1, "a 422 is not retried");
    for marker in [MARK_MODERATED, MARK_FAILED] {
        let prompt = format!("y {marker}");
        let out = run(
            &mut vidapi(&emulator),
            &["generate", "minimax", "--prompt", &prompt, "--wait"],
        );
        assert_eq!(out.code, 5, "{out:?}");
    }
}

#[test]
fn a_wait_that_runs_out_exits_3() {
    let emulator = Emulator::start().unwrap();
    emulator.set_generation(Generation {
        queued: std::time::Duration::from_secs(30),
        generating: std::time::Duration::from_secs(30),
    });
    let out = run(
        &mut vidapi(&emulator),
        &[
            "generate",
            "minimax",
            "--prompt",
            "slow",
            "--wait",
            "--timeout",
            "0.6",
        ],
    );
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("vidapi wait minimax"), "{}", out.stderr);
}

#[test]
fn out_of_credits_moves_on_and_on_hold_stops() {
    let emulator = Emulator::start().unwrap();
    emulator.remove_accounts(Provider::MiniMax);
    let broke = Account {
        max_jobs: 9,
        credits: Some(0),
        on_hold: false,
    };
    emulator.set_account(Provider::MiniMax, "broke", broke);
    emulator.set_account(Provider::MiniMax, "fine", Account::default());
    let out = run(
        &mut vidapi(&emulator),
        &["generate", "minimax", "--prompt", "a"],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(emulator.creates_on(Provider::MiniMax, "fine"), 1);

    let held = Account {
        on_hold: true,
        ..Account::default()
    };
    emulator.set_account(Provider::MiniMax, MINIMAX_ACCOUNT, held);
    let out = run(
        &mut vidapi(&emulator),
        &[
            "generate",
            "minimax",
            "--prompt",
            "b",
            "--account",
            MINIMAX_ACCOUNT,
        ],
    );
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("596"), "{}", out.stderr);
}

#[test]
fn bad_input_exits_2_before_any_request() {
    let emulator = Emulator::start().unwrap();
    let dir = folder("bad");
    let text = dir.join("notes.png");
    std::fs::write(&text, "not an image").unwrap();
    let long = "x".repeat(2001);
    let missing = dir.join("missing.png");
    let no_folder = format!("{}/nope/", dir.display());
    let cases: Vec<Vec<&str>> = vec![
        vec!["generate", "minimax", "--prompt", ""],
        vec!["generate", "minimax", "--prompt", &long],
        vec!["generate", "minimax", "--prompt", "a", "--model", "sora-2"],
        vec![
            "generate",
            "minimax",
            "--prompt",
            "a",
            "--image",
            missing.to_str().unwrap(),
        ],
        vec![
            "generate",
            "minimax",
            "--prompt",
            "a",
            "--image",
            text.to_str().unwrap(),
        ],
        vec!["generate", "minimax", "--prompt", "a", "--email", "e@x"],
        vec![
            "generate",
            "pixverse",
            "--prompt",
            "a",
            "--set",
            "duration=five",
        ],
        vec![
            "generate",
            "pixverse",
            "--prompt",
            "a",
            "--set",
            "colour=red",
        ],
        vec!["generate", "pixverse", "--prompt", "a", "--set", "novalue"],
        vec!["generate", "hourone", "--prompt", "a"],
        vec!["generate", "memories", "--prompt", "a"],
        vec!["generate", "minimax"],
        vec![
            "generate",
            "minimax",
            "--prompt",
            "a",
            "--download",
            &no_folder,
        ],
        vec!["generate", "minimax", "--prompt", "a", "--timeout", "5"],
    ];
    for args in cases {
        let out = run(&mut vidapi(&emulator), &args);
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
    }
    assert!(emulator.requests().is_empty(), "{:?}", emulator.requests());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn dry_run_shows_the_request_and_sends_nothing() {
    let emulator = Emulator::start().unwrap();
    let out = run(
        &mut vidapi(&emulator),
        &[
            "generate",
            "pixverse",
            "--prompt",
            "a kite",
            "--model",
            "v6",
            "--set",
            "duration=8",
            "--email",
            "me@example.com",
            "--dry-run",
        ],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains("POST /v2/pixverse/videos/create"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("\"duration\": 8"), "{}", out.stdout);
    assert!(
        out.stdout.contains("\"replyRef\": \"vidapi-"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("account: me@example.com"),
        "{}",
        out.stdout
    );
    assert!(emulator.requests().is_empty());
}

#[test]
fn hourone_joins_with_its_draft() {
    let emulator = Emulator::start().unwrap();
    let out = run(
        &mut vidapi(&emulator),
        &[
            "--json",
            "generate",
            "hourone",
            "--prompt",
            "quarterly update",
            "--set",
            "source_draft_id=draft_1",
            "--wait",
        ],
    );
    assert_eq!(out.code, 0, "{out:?}");
    let shown: Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(shown["provider"], "hourone");
    assert_eq!(shown["status"], "ready");
    let sent = emulator
        .requests()
        .into_iter()
        .find(|r| r.method == "POST" && r.path.ends_with("/videos"))
        .unwrap();
    assert_eq!(sent.json().unwrap()["name"], "quarterly update");
}
